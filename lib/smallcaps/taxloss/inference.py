"""Inference of the turn-of-the-year study: each seasonal window against the typical window of
the same length, leave-one-season-out checks, and one joint test across overlapping windows.

Baseline of a window
--------------------
A calendar window (e.g. 12-21 to 01-15) spans a slightly different number of trading days each
year (holidays, weekends); its horizon *h* is the median of those lengths over the complete
seasons.  The series tested is, for every trading day of the sample (from ``start`` to the
as-of date), the return of the *h* trading days starting that day (close before it to the
close *h* trading days later, percent; NaN in the last *h - 1* days), except that each
season's first day carries that season's own window return, so the flagged mean *is* the
window mean the study reports.  :func:`smallcaps.stats.baseline_test` then gives the
unconditional mean of all days (the *baseline*: what any *h*-day window returns on average in
the same sample), the *excess* (window mean minus baseline, pp) with its circular
block-bootstrap interval and two-sided p-value (block ``max(h, 5)`` trading days, since the
forward returns overlap over *h* days).  Windows are one a year, so the seasons are
non-overlapping episodes: 36 seasons are 36 independent observations.

Verdicts
--------
A playbook window *shows up* when its excess has the predicted sign (negative for the pressure
window, positive for the rebound) and ``p <= ALPHA``; it shows up *on average only* with the
predicted sign and a larger p, and is *absent* otherwise.  With fewer than ``MIN_SEASONS``
(5) seasons it is ``untestable``: the block bootstrap of a mean of so few flagged values barely
varies (one season would always look significant), so no interval or p-value is given.
:func:`smallcaps.stats.leave_one_out` names the seasons whose removal alone changes that verdict
(the season is taken out of both the flagged and the unconditional sample; run with more than
``MIN_SEASONS`` seasons).

Joint test across start dates
-----------------------------
Rebound windows starting on 19 consecutive days and sharing their end overlap almost entirely:
counting how many of them are significant counts one effect many times.  :func:`max_t_test`
asks the one question the family answers — is there an excess for *any* start date? — with the
single-step max-|t| test (Romano and Wolf 2005; Westfall and Young 1993): every start date's
excess is divided by its bootstrap standard error; the circular block bootstrap resamples the
same blocks of days for every start date (so their dependence is kept); each replicate is
centred on the observed excess (which imposes the null of no excess) and the largest |t|
across start dates is kept.  The joint p-value is the share of replicates whose largest |t|
reaches the observed largest |t|; a start date's adjusted p-value is the share reaching its own
|t|, which controls the family-wise error rate at ``ALPHA`` across the start dates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smallcaps import stats

__all__ = [
    "ALPHA",
    "MIN_SEASONS",
    "N_BOOT",
    "SEED",
    "horizon",
    "forward_returns",
    "window_design",
    "baseline",
    "classify",
    "window_test",
    "max_t_test",
    "qvalues",
]

#: Two-sided level of every test of the study (p <= 5 % is called reliable).
ALPHA = 0.05
#: Fewest seasons a window (or the joint test) is tested on.
MIN_SEASONS = 5
#: Bootstrap replicates of every test.
N_BOOT = 2000
#: Seed of every bootstrap (results are deterministic).
SEED = 0
#: Predicted sign of each window's excess under the tax-loss playbook.
PREDICTED = {"pressure": -1, "rebound": 1}


def horizon(days: pd.Series) -> int | None:
    """The horizon of a calendar window in trading days: the median of its per-season lengths
    (rounded half up), None without a season."""
    d = pd.Series(days, dtype=float).dropna()
    if d.empty:
        return None
    return int(np.floor(float(d.median()) + 0.5))


def forward_returns(prices: pd.Series, h: int) -> pd.Series:
    """Return (percent) of the ``h`` trading days starting on each day: from the close of the day
    before to the close of its ``h``-th day.  NaN on the first day (no close before it) and on
    the last ``h - 1`` days (the window runs past the data)."""
    p = prices.to_numpy(dtype=float)
    out = np.full(p.size, np.nan)
    if h >= 1 and p.size > h:
        out[1: p.size - h + 1] = (p[h:] / p[: p.size - h] - 1.0) * 100.0
    return pd.Series(out, index=prices.index, name=prices.name)


def window_design(forward: pd.Series, first: pd.Series, window: pd.Series,
                  start=None) -> tuple[pd.Series, pd.Series]:
    """The series :func:`~smallcaps.stats.baseline_test` takes for one window.

    Parameters
    ----------
    forward : Series
        :func:`forward_returns` at the window's horizon (percent or pp), by trading day.
    first : Series
        Each season's first trading day, by year.
    window : Series
        Each season's window return (same unit as ``forward``), by year.
    start : date-like, optional
        First day of the sample (days before it are left out).

    Returns
    -------
    values, flags : Series
        By trading day from ``start``: ``forward`` with each season's first day carrying its own
        window return; True on those first days.
    """
    v = forward.copy() if start is None else forward.loc[pd.Timestamp(start):].copy()
    days = pd.DatetimeIndex(pd.to_datetime(first.reindex(window.index)))
    v.loc[days] = window.to_numpy(dtype=float)
    flags = pd.Series(v.index.isin(days), index=v.index)
    return v, flags


def classify(excess: float, p: float, predicted: int, n: int) -> str:
    """``"shows"`` (excess of the predicted sign with ``p <= ALPHA``), ``"average"`` (predicted
    sign, larger p), ``"absent"`` (zero or the other sign) or ``"untestable"`` (fewer than
    ``MIN_SEASONS`` seasons or no p-value)."""
    if n < MIN_SEASONS or not np.isfinite(excess) or not np.isfinite(p):
        return "untestable"
    if excess * predicted <= 0:
        return "absent"
    return "shows" if p <= ALPHA else "average"


def baseline(values: pd.Series, flags: pd.Series, h: int) -> dict:
    """:func:`smallcaps.stats.baseline_test` at block ``max(h, 5)`` with the study's replicates
    and seed; without interval and p-value (NaN) on fewer than ``MIN_SEASONS`` flagged days."""
    out = stats.baseline_test(values, flags, block=max(h, 5), n_boot=N_BOOT, seed=SEED)
    if out["n"] < MIN_SEASONS:
        out.update(ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    return out


def window_test(forward: dict[str, pd.Series], first: pd.Series, windows: dict[str, pd.Series],
                h: int | None, predicted: int, start=None) -> dict:
    """Baselines of one seasonal window for the relative return and each index.

    Parameters
    ----------
    forward : dict
        ``{"rel": ..., "small": ..., "large": ...}``: :func:`forward_returns` at horizon ``h``
        (``rel`` = small minus large, pp; the indices in percent).
    first : Series
        Each season's first trading day, by year.
    windows : dict
        The same keys: each season's window return, by year.
    h : int or None
        The window's horizon in trading days (None without a season).
    predicted : int
        Predicted sign of the relative excess (-1 for the pressure window, +1 the rebound).
    start : date-like, optional
        First day of the sample.

    Returns
    -------
    dict
        ``horizon_days``, ``n`` (seasons), ``episodes`` (non-overlapping ones), ``mean_pp``,
        ``median_pp``, ``trimmed_mean_pp`` (10 % cut from each tail), ``baseline_pp`` (the
        typical ``h``-day relative return), ``excess_pp``, ``ci_low``, ``ci_high`` (95 %
        block-bootstrap interval of the excess, pp), ``p`` (two-sided; interval and p are NaN on
        fewer than ``MIN_SEASONS`` seasons), ``verdict`` (see :func:`classify`),
        ``loo_flips`` (years whose removal alone changes the verdict) and
        ``small`` / ``large``: ``mean_pct``, ``median_pct``, ``trimmed_mean_pct``,
        ``baseline_pct`` (%), ``excess_pp``, ``ci_low``, ``ci_high`` (pp), ``p``.
    """
    rel = windows["rel"].dropna()
    if h is None or rel.empty:
        nan = float("nan")
        leg = dict.fromkeys(("mean_pct", "median_pct", "trimmed_mean_pct", "baseline_pct",
                             "excess_pp", "ci_low", "ci_high", "p"), nan)
        return {"horizon_days": h, "n": 0, "episodes": 0, "mean_pp": nan, "median_pp": nan,
                "trimmed_mean_pp": nan, "baseline_pp": nan, "excess_pp": nan, "ci_low": nan,
                "ci_high": nan, "p": nan, "verdict": "untestable", "loo_flips": [],
                "small": dict(leg), "large": dict(leg)}
    values, flags = window_design(forward["rel"], first, rel, start)
    test = baseline(values, flags, h)
    out = {"horizon_days": int(h), "n": test["n"], "episodes": test["episodes"],
           "mean_pp": test["mean"], "median_pp": test["median"],
           "trimmed_mean_pp": test["trimmed_mean"], "baseline_pp": test["baseline"],
           "excess_pp": test["excess"], "ci_low": test["ci_low"], "ci_high": test["ci_high"],
           "p": test["p_value"],
           "verdict": classify(test["excess"], test["p_value"], predicted, test["n"])}
    out["loo_flips"] = (_season_flips(values, flags, pd.to_datetime(first.reindex(rel.index)),
                                      h, predicted, out["verdict"])
                        if test["n"] > MIN_SEASONS else [])
    for leg in ("small", "large"):
        v, f = window_design(forward[leg], first, windows[leg].reindex(rel.index), start)
        t = baseline(v, f, h)
        out[leg] = {"mean_pct": t["mean"], "median_pct": t["median"],
                    "trimmed_mean_pct": t["trimmed_mean"], "baseline_pct": t["baseline"],
                    "excess_pp": t["excess"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                    "p": t["p_value"]}
    return out


def _season_flips(values: pd.Series, flags: pd.Series, first_day: pd.Series, h: int,
                  predicted: int, verdict: str) -> list[int]:
    """The seasons (years) whose removal alone changes ``verdict``, the search of
    :func:`smallcaps.stats.leave_one_out` over the seasons: a season is removed by blanking
    the value of its first day (NaN), which takes it out of both the flagged and the
    unconditional sample."""
    x = values.to_numpy(dtype=float)
    flips = []
    for year, day in first_day.items():
        v = x.copy()
        v[values.index.get_loc(day)] = np.nan
        t = baseline(pd.Series(v, index=values.index, name=values.name), flags, h)
        if classify(t["excess"], t["p_value"], predicted, t["n"]) != verdict:
            flips.append(int(year))
    return flips


def _replicates(values: np.ndarray, flags: np.ndarray, block: int, n_boot: int,
                seed: int) -> np.ndarray:
    """Circular block-bootstrap replicates of ``mean(x[flags]) - mean(x)`` for every column,
    every column resampled with the *same* blocks (shape ``(n_boot, columns)``; NaN values are
    left out of both means; NaN where a replicate has no flagged value).  The resampling is
    that of :func:`smallcaps.stats.block_bootstrap_diff`, shared across columns."""
    n, k = values.shape
    block = max(1, min(int(block), n))
    valid = ~np.isnan(values)
    x = np.where(valid, values, 0.0)
    f = flags & valid
    ext = np.r_[np.arange(n), np.arange(block)] % n
    n_blocks = -(-n // block)
    lengths = np.full(n_blocks, block)
    lengths[-1] = n - block * (n_blocks - 1)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    last, last_end = starts[:, -1], starts[:, -1] + lengths[-1]
    out = np.full((n_boot, k), np.nan)

    def total(column: np.ndarray) -> np.ndarray:
        # per replicate, the sum of its blocks' sums: every block but the last is whole, and
        # the sum of the whole block starting at each row is read once from the prefix sums
        cs = np.r_[0.0, np.cumsum(column[ext])]
        sums = (cs[block:block + n] - cs[:n])[starts]
        sums[:, -1] = cs[last_end] - cs[last]
        return sums.sum(axis=1)

    for j in range(k):
        s_x, s_n = total(x[:, j]), total(valid[:, j].astype(float))
        s_fx, s_f = total(x[:, j] * f[:, j]), total(f[:, j].astype(float))
        ok = (s_f > 0.5) & (s_n > 0.5)
        out[ok, j] = s_fx[ok] / s_f[ok] - s_x[ok] / s_n[ok]
    return out


def max_t_test(values: pd.DataFrame, flags: pd.DataFrame, block: int, n_boot: int = N_BOOT,
               seed: int = SEED) -> dict:
    """Single-step max-|t| test of "no excess for any column" (see the module docstring).

    Parameters
    ----------
    values : DataFrame
        One column per window (e.g. per rebound start date): the tested series of
        :func:`window_design` on a common trading-day index (NaN where undefined).
    flags : DataFrame
        The flagged days of each column (same shape).
    block : int
        Block length in trading days, common to every column (use the longest horizon).
    n_boot, seed
        Bootstrap replicates and seed.

    Returns
    -------
    dict
        ``excess`` (Series, pp), ``se`` (bootstrap standard errors), ``t`` (excess / se),
        ``adjusted_p`` (Series: share of replicates whose largest |t| reaches the column's
        own), ``max_abs_t``, ``at`` (the column with the largest |t|), ``p`` (joint p-value),
        ``critical_t`` (the 95th percentile of the replicates' largest |t|: a column beyond it
        survives the joint test), ``block``, ``n_boot`` (replicates with a value in every
        column) and ``columns`` (how many windows were tested).
    """
    cols = list(values.columns)
    x = values.to_numpy(dtype=float)
    f = flags.reindex(index=values.index, columns=cols).fillna(False).to_numpy(dtype=bool)
    excess = pd.Series({c: float(np.nanmean(np.where(f[:, j], x[:, j], np.nan))
                                 - np.nanmean(x[:, j])) if (f[:, j] & ~np.isnan(x[:, j])).any()
                        else np.nan for j, c in enumerate(cols)}, dtype=float)
    empty = {"excess": excess, "se": excess * np.nan, "t": excess * np.nan,
             "adjusted_p": excess * np.nan, "max_abs_t": np.nan, "at": None, "p": np.nan,
             "critical_t": np.nan, "block": int(block), "n_boot": 0, "columns": len(cols)}
    if not cols or excess.isna().all():
        return empty
    reps = _replicates(x, f, block, n_boot, seed)
    keep = ~np.isnan(reps[:, excess.notna().to_numpy()]).any(axis=1)
    reps = reps[keep]
    if len(reps) < 2:
        return empty
    se = pd.Series(np.nanstd(reps, axis=0, ddof=1), index=cols)
    t = excess / se.where(se > 0)
    if t.isna().all():
        return {**empty, "se": se}
    null = (reps - excess.to_numpy()) / se.where(se > 0).to_numpy()
    largest = np.nanmax(np.abs(null), axis=1)
    at = t.abs().idxmax()
    adjusted = pd.Series({c: float((largest >= abs(t[c])).mean()) if np.isfinite(t[c])
                          else np.nan for c in cols}, dtype=float)
    return {"excess": excess, "se": se, "t": t, "adjusted_p": adjusted,
            "max_abs_t": float(abs(t[at])), "at": at, "p": float(adjusted[at]),
            "critical_t": float(np.quantile(largest, 1.0 - ALPHA)), "block": int(block),
            "n_boot": int(len(reps)), "columns": len(cols)}


def qvalues(pvalues: Sequence[float] | pd.Series) -> pd.Series:
    """Benjamini-Hochberg q-values of a Series of p-values (:func:`smallcaps.stats.bh_qvalues`),
    on the same index."""
    p = pd.Series(pvalues, dtype=float)
    return pd.Series(stats.bh_qvalues(p.to_numpy()), index=p.index)
