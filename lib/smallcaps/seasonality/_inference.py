"""Inference shared by the seasonality results (internal): fixed-length forward returns from
every period of a sample (the baseline of a seasonal window), the excess test of a window or
month against them, its verdict and the leave-one-out search.

The test itself is :func:`smallcaps.stats.baseline_test` (circular block bootstrap of the
conditional mean minus the unconditional mean).  What this module adds:

* :func:`forward_returns` / :func:`forward_spread` / :func:`months_forward`: the h-period
  forward return from **every** period of the sample (percent; pp for a spread), NaN where the
  window runs past the data.  Flagging the periods where the seasonal windows start and
  passing both to the test gives "the window against all windows of the same length";
* :func:`verdict`: ``"above"`` / ``"below"`` when the excess is positive / negative with a
  two-sided bootstrap p-value below :data:`P_LEVEL` (5 %, the level of ``stats.T_CRIT``),
  ``"indistinct"`` otherwise, ``"untested"`` with fewer than :data:`MIN_N` observations;
* :func:`excess_test`: the test plus its verdict and the labels (years) whose removal alone
  changes the verdict.  Leave-one-out re-runs the exact test without one label at a time, in
  order of influence: when the verdict is ``"above"`` the largest values go first (removing
  them lowers the mean the most), when ``"below"`` the smallest, and when ``"indistinct"``
  both ends are tried.  Each direction stops after :data:`PATIENCE` labels in a row whose
  removal leaves the verdict unchanged (a less extreme value moves the mean less; the
  patience absorbs the bootstrap's noise near the 5 % line), or after :data:`MAX_FLIPS`
  labels that do change it (``loo_more`` then says more might), so a verdict costs a few
  re-tests instead of one per label (a 7-day window over 37 years of daily data takes about
  0.1 s a test).  Against the exhaustive ``stats.leave_one_out`` the search is checked in
  ``tests/test_seasonality_inference.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smallcaps.stats import MIN_FLAGGED, T_CRIT, baseline_test, block_bootstrap_diff

__all__: list[str] = []

#: Two-sided significance level of a verdict, the level of ``stats.T_CRIT`` (0.05).
P_LEVEL = round(math.erfc(T_CRIT / math.sqrt(2.0)), 4)
#: Fewest observations a verdict is given for.
MIN_N = 3
#: Bootstrap replicates and seed of every seasonality test.
N_BOOT = 2000
SEED = 0
#: Most labels leave-one-out names in each direction (the most influential ones).
MAX_FLIPS = 5
#: Labels in a row whose removal leaves the verdict unchanged before a direction stops.
PATIENCE = 3


def forward_returns(prices: pd.Series, h: int, start=None) -> pd.Series:
    """h-session forward return (percent) from the close of every trading day.

    The value on day *t* is ``close[t + h] / close[t] - 1`` in percent: the return of the
    window made of the next ``h`` sessions, whose base close is *t*; NaN for the last ``h``
    days.  With ``start``, only windows whose first session is on or after ``start`` are
    kept (their base close may be the session before it).
    """
    p = prices.dropna()
    fwd = (p.shift(-int(h)) / p - 1.0) * 100.0
    if start is not None and len(p):
        first = max(int(p.index.searchsorted(pd.Timestamp(start), side="left")) - 1, 0)
        fwd = fwd.iloc[first:]
    return fwd


def forward_spread(small: pd.Series, large: pd.Series, h: int, start=None) -> pd.Series:
    """Small minus large h-session forward return (pp) on the dates both series trade."""
    both = pd.concat([small, large], axis=1, join="inner").dropna()
    return (forward_returns(both.iloc[:, 0], h, start)
            - forward_returns(both.iloc[:, 1], h, start))


def months_forward(returns: pd.Series, h: int) -> pd.Series:
    """Compounded return (percent) of the ``h`` calendar months starting with each month.

    ``returns`` holds monthly returns in percent on a monthly ``PeriodIndex``; the value of
    month *m* is the compounded return of months *m* .. *m + h - 1*, NaN unless all of them
    are present.
    """
    r = returns.sort_index()
    r = r.reindex(pd.period_range(r.index.min(), r.index.max(), freq="M")) if len(r) else r
    growth = np.log1p(r / 100.0)
    total = growth.rolling(int(h), min_periods=int(h)).sum().shift(-(int(h) - 1))
    return (np.expm1(total) * 100.0).reindex(returns.index)


def verdict(excess: float, p: float, n: int) -> str:
    """``"above"``, ``"below"``, ``"indistinct"`` or ``"untested"`` (see the module)."""
    if n < MIN_N or not np.isfinite(p) or not np.isfinite(excess):
        return "untested"
    if p < P_LEVEL:
        return "above" if excess > 0 else "below"
    return "indistinct"


def _test(values: pd.Series, flags: pd.Series, block: int) -> dict:
    out = baseline_test(values, flags, block=block, n_boot=N_BOOT, seed=SEED)
    out["p"] = out.pop("p_value")
    out["verdict"] = verdict(out["excess"], out["p"], out["n"])
    return out


def excess_test(values: pd.Series, flags: pd.Series, block: int, labels: pd.Series,
                drop_rows: bool = True) -> dict:
    """:func:`smallcaps.stats.baseline_test` with its verdict and leave-one-out labels.

    Parameters
    ----------
    values : Series
        One value per period (percent; pp for a spread): a forward return from every day,
        every month's return, every year's outcome.  NaN rows are left out.
    flags : Series of bool
        The periods of the conditional sample (aligned with ``values``).
    block : int
        Bootstrap block length in periods.
    labels : Series
        The label (year) of each period, indexed like ``values`` (NaN allowed off the
        flagged periods); leave-one-out names the flagged periods' labels.
    drop_rows : bool
        Leaving a label out drops every row with that label from the whole sample (True: a
        month, a year, a year's pair of half-years) or only un-flags its rows (False: a
        window start among daily forward returns, whose days stay in the baseline).

    Returns
    -------
    dict
        The keys of ``baseline_test`` with ``p`` for ``p_value``, plus ``verdict``,
        ``loo`` (labels whose removal alone changes the verdict, in sample order; at most
        :data:`MAX_FLIPS` per direction, the most influential) and ``loo_more`` (True when
        the search stopped at that cap: further labels may flip the verdict too).
    """
    v = pd.Series(values, dtype=float)
    f = pd.Series(flags, index=v.index).reindex(v.index).fillna(False).astype(bool)
    f &= v.notna()
    out = _test(v, f, block)
    out["loo"], out["loo_more"] = _flips(v.to_numpy(), f.to_numpy(), block,
                                         labels.reindex(v.index).to_numpy(), out["verdict"],
                                         drop_rows)
    return out


def _retest(x: np.ndarray, fl: np.ndarray, block: int) -> str:
    """The verdict of :func:`_test` on plain arrays (NaN values left out, as
    ``baseline_test`` does): the same excess, the same bootstrap p-value
    (``stats.block_bootstrap_diff`` with the same replicates and seed), without the
    descriptive statistics a leave-one-out re-test does not read."""
    use = ~np.isnan(x)
    if not use.all():
        x, fl = x[use], fl[use]
    n = int(fl.sum())
    if n < MIN_FLAGGED:  # baseline_test gives no p-value: untested
        return "untested"
    p = block_bootstrap_diff(x, fl, block=block, n_boot=N_BOOT, seed=SEED)["p_value"]
    return verdict(float(x[fl].mean() - x.mean()), p, n)


def _flips(x: np.ndarray, f: np.ndarray, block: int, labels: np.ndarray, full: str,
           drop_rows: bool) -> tuple[list, bool]:
    """Leave-one-out search (module docstring) on positions: ``x`` the values (NaN allowed),
    ``f`` the flags (only where ``x`` is not NaN), ``labels`` the label of each row."""
    picked = np.flatnonzero(f)
    if full == "untested" or picked.size <= MIN_N:
        return [], False
    order = picked[np.argsort(x[picked], kind="stable")]  # smallest first
    directions = {"above": [order[::-1]], "below": [order],
                  "indistinct": [order, order[::-1]]}[full]
    codes = pd.factorize(labels)[0]  # -1 where the label is missing: equal to none
    flipped: set = set()
    more = False
    for rows in directions:
        found = calm = 0
        for row in rows:
            if found == MAX_FLIPS:
                more = True
                break
            if calm == PATIENCE:
                break
            gone = codes == codes[row] if codes[row] >= 0 else np.zeros(x.size, dtype=bool)
            if drop_rows:
                keep = ~gone
                again = _retest(x[keep], f[keep], block)
            else:
                again = _retest(x, f & ~gone, block)
            if again == full:
                calm += 1
                continue
            flipped.add(int(row))
            found, calm = found + 1, 0
    return [int(labels[row]) for row in picked if row in flipped], more


#: The columns of a test table (one row per tested sample), in display order.
TEST_COLUMNS = ["n", "episodes", "mean", "median", "trimmed_mean", "hit_rate", "baseline",
                "excess", "ci_low", "ci_high", "p", "verdict", "loo", "loo_more"]


def test_figures(test) -> dict:
    """The recorded fields of one test (a dict or a row of a test table): ``n``,
    ``episodes``, ``mean_pct``, ``median_pct``, ``trimmed_mean_pct``, ``hit_rate``,
    ``baseline_pct``, ``excess_pct``, ``ci_low``, ``ci_high`` (pp), ``p``, ``verdict``,
    ``loo_flip_years`` and ``loo_more`` (the spread's values are pp despite the ``_pct``
    names)."""
    return {"n": int(test["n"]), "episodes": int(test["episodes"]),
            "mean_pct": test["mean"], "median_pct": test["median"],
            "trimmed_mean_pct": test["trimmed_mean"], "hit_rate": test["hit_rate"],
            "baseline_pct": test["baseline"], "excess_pct": test["excess"],
            "ci_low": test["ci_low"], "ci_high": test["ci_high"], "p": test["p"],
            "verdict": test["verdict"], "loo_flip_years": [int(y) for y in test["loo"]],
            "loo_more": bool(test["loo_more"])}


def test_summary(tests: pd.DataFrame, units, baseline: str = "baseline") -> pd.DataFrame:
    """A test table for display: ``n``, ``independent`` (episodes), ``mean``, ``median``,
    ``trimmed_mean`` (in ``unit``), ``hit_rate``, the baseline (column named ``baseline``,
    in ``unit``), ``excess_pp``, ``ci_low_pp``, ``ci_high_pp``, ``p``, ``q`` when the table
    has one, ``verdict``, ``flipped_without`` (the leave-one-out years, comma-separated) and
    ``unit``."""
    out = pd.DataFrame({
        "n": tests["n"], "independent": tests["episodes"], "mean": tests["mean"],
        "median": tests["median"], "trimmed_mean": tests["trimmed_mean"],
        "hit_rate": tests["hit_rate"], baseline: tests["baseline"],
        "excess_pp": tests["excess"], "ci_low_pp": tests["ci_low"],
        "ci_high_pp": tests["ci_high"], "p": tests["p"]}, index=tests.index)
    if "q" in tests:
        out["q"] = tests["q"]
    out["verdict"] = tests["verdict"]
    out["flipped_without"] = [flip_text(years, more)
                              for years, more in zip(tests["loo"], tests["loo_more"],
                                                     strict=True)]
    out["unit"] = list(units)
    return out


def flip_text(years, more: bool) -> str:
    """The leave-one-out years of a table cell: ``"2008, 2020"``, ``"... and more"``."""
    text = ", ".join(str(y) for y in years)
    return f"{text} and more" if more and text else text
