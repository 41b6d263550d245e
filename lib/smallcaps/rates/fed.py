"""The Fed cycle of the rates study (notebook 01): each period labelled easing, tightening or
on hold from the move of the effective federal funds rate (FRED DFF), and the yield sensitivity
and relative return per regime.

Labels
------
The rate is first averaged over the :data:`FED_SMOOTH_DAYS` (28) calendar days ending on each
date (DFF is an overnight rate with a value for every calendar day, weekends included; the
4-week average removes its day-to-day and quarter-end spikes).  A period is

* ``easing`` when that average fell more than ``fed_bp`` basis points over the trailing
  ``fed_window`` weeks (calendar: 7 * ``fed_window`` days) ending on the period's date,
* ``tightening`` when it rose more than ``fed_bp``,
* ``hold`` otherwise (exactly ``fed_bp`` is hold).

Only DFF values on or before the period's date are used.  A period dated after DFF's last
value, or whose look-back starts before DFF's first 28 days, has **no label** and is left out
of the regime statistics (never filled forward).

Statistics per regime
---------------------
* **Slope**: the OLS of the relative return (pp) on the yield change (per +100 bp) over the
  regime's periods, in time order, with Newey-West (HAC) standard errors
  (:func:`smallcaps.rates.fit_sensitivity`).  The claim's sign is negative.
* **Level**: the mean relative return per period of the regime against the mean of all
  labelled periods (:func:`smallcaps.stats.baseline_test`, circular block bootstrap with blocks
  of ``fed_window`` weeks in periods); the claim has small caps ahead during easing (excess
  > 0) and behind during tightening (excess < 0).  Significant means p < 0.05.
* **Episodes**: distinct stretches of a regime (:func:`smallcaps.rates.label_episodes`, with a
  pause shorter than ``fed_window`` weeks kept inside one episode).  A regime of 480 weeks may
  be 7 easing cycles: the number of independent observations is the number of episodes.
* **Leave one episode out**: the episodes whose removal alone (their periods dropped from the
  study) changes the regime's slope or level verdict (:func:`smallcaps.stats.leave_one_out`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.rates.fits import fit_sensitivity, label_episodes, slope_verdict
from smallcaps.stats import baseline_test

__all__ = ["FED_REGIMES", "FED_SMOOTH_DAYS", "FedCycle", "fed_change", "fed_labels",
           "fed_cycle"]

#: The three Fed regimes, in display order.
FED_REGIMES = ("easing", "tightening", "hold")
#: Calendar days of the trailing average of DFF the labels compare.
FED_SMOOTH_DAYS = 28
#: Two-sided significance level of the level test (the bootstrap p-value).
_ALPHA = 0.05
#: Sign of the excess relative return the claim predicts per regime (hold: no prediction).
_CLAIM_SIGN = {"easing": 1, "tightening": -1}
#: Periods per week of each frequency (to turn ``fed_window`` weeks into periods).
_PER_WEEK = {"W-FRI": 1.0, "M": 12 / 52.1775, "D": 5.0}
_N_BOOT = 2000
_SEED = 0


def _check_fed(window, bp) -> tuple[int, float]:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ParameterError(f"fed_window must be a whole number of weeks >= 1, got {window!r}")
    if (isinstance(bp, bool) or not isinstance(bp, (int, float, np.number))
            or not np.isfinite(bp) or bp < 0):
        raise ParameterError(f"fed_bp must be a number of basis points >= 0, got {bp!r}")
    return int(window), float(bp)


def fed_change(dates, fed: pd.Series, window_weeks: int = 26) -> pd.Series:
    """Change of the 28-day average fed funds rate over the trailing ``window_weeks`` weeks, bp.

    Parameters
    ----------
    dates : DatetimeIndex
        The periods' dates (e.g. the aligned weekly closes).
    fed : Series
        Daily effective fed funds rate, percent (DFF: every calendar day).
    window_weeks : int
        Look-back in weeks (7 calendar days each).

    Returns
    -------
    Series
        Indexed by ``dates``: ``avg(date) - avg(date - 7 * window_weeks days)`` in bp, where
        ``avg(d)`` is the mean of the DFF values dated ``d - 27 .. d``.  NaN for a date after
        DFF's last value and for a look-back that starts before DFF's first 28 days.
    """
    window_weeks, _ = _check_fed(window_weeks, 0)
    idx = pd.DatetimeIndex(dates)
    f = pd.Series(fed, dtype=float).dropna().sort_index()
    out = pd.Series(np.nan, index=idx, name="fed_change_bp")
    if f.empty:
        return out
    avg = f.rolling(f"{FED_SMOOTH_DAYS}D").mean()
    first_full = f.index[0] + pd.Timedelta(days=FED_SMOOTH_DAYS - 1)
    then_dates = idx - pd.Timedelta(days=7 * window_weeks)
    now = avg.reindex(idx, method="ffill").to_numpy()
    then = avg.reindex(then_dates, method="ffill").to_numpy()
    ok = (idx <= f.index[-1]) & (then_dates >= first_full)
    out[ok] = np.round((now[ok] - then[ok]) * 100.0, 9)
    return out


def fed_labels(change_bp: pd.Series, fed_bp: float = 25.0) -> pd.Series:
    """``easing`` / ``tightening`` / ``hold`` for each period with a change (NaNs left out):
    easing below ``-fed_bp``, tightening above ``+fed_bp``, hold otherwise (bp)."""
    _, fed_bp = _check_fed(1, fed_bp)
    c = change_bp.dropna()
    lab = np.where(c < -fed_bp, "easing", np.where(c > fed_bp, "tightening", "hold"))
    return pd.Series(lab, index=c.index, name="fed_regime", dtype=object)


def _level_verdict(test: dict, regime: str) -> str:
    sign = _CLAIM_SIGN.get(regime)
    if sign is None:
        return "no claim"
    excess, p = test["excess"], test["p_value"]
    if not (np.isfinite(excess) and np.isfinite(p)):
        return "too few data"
    if p >= _ALPHA:
        return "not significant"
    return "supports claim" if excess * sign > 0 else "contradicts claim"


def _level_test(rel: pd.Series, labels: pd.Series, regime: str, block: int) -> dict:
    return baseline_test(rel, labels == regime, block=block, n_boot=_N_BOOT, seed=_SEED)


@dataclass
class FedCycle:
    """The Fed-cycle section of a rates result (see the module docstring).

    Attributes
    ----------
    labels : Series
        Regime per labelled period of the sample (periods without a label are left out).
    change_bp : Series
        The trailing change of the 28-day average DFF per aligned period, bp (NaN: no label).
    rate_pct : Series
        The 28-day average DFF on each aligned period's date, % (NaN after DFF ends).
    table : DataFrame
        One row per regime (:data:`FED_REGIMES`): ``n``, ``episodes``, the slope
        (``slope_pct_per_100bp``, ``ci_low``, ``ci_high`` in pp per +100 bp, ``t_hac``,
        ``hac_lags``, ``slope_verdict``), the level (``mean_rel_return_pct``,
        ``median_rel_return_pct``, ``trimmed_mean_pct`` in pp per period, ``excess_pp`` over
        ``baseline_pct``, its bootstrap ``excess_ci_low`` / ``excess_ci_high`` and
        ``excess_p_value``, ``level_verdict``) and the leave-one-episode-out names
        (``slope_flips``, ``level_flips``: lists of episode names).
    episodes : DataFrame
        :func:`label_episodes` of ``labels``.
    window_weeks, bp : int, float
        ``fed_window`` (weeks) and ``fed_bp`` (bp).
    block : int
        Bootstrap block and episode gap, periods (``fed_window`` weeks in periods).
    baseline_pct : float
        Mean relative return of all labelled periods, pp per period.
    data_start, data_end : Timestamp
        First and last DFF date used (none after the last aligned period).
    unlabelled_after : int
        Sample periods dated after ``data_end`` (no label: DFF is stale there).
    series : str
        Key of the fed funds series (``"DFF"``).
    smooth_days : int
        Calendar days of the trailing average the labels compare (:data:`FED_SMOOTH_DAYS`).
    """

    labels: pd.Series
    change_bp: pd.Series
    rate_pct: pd.Series
    table: pd.DataFrame
    episodes: pd.DataFrame
    window_weeks: int
    bp: float
    block: int
    baseline_pct: float
    data_start: pd.Timestamp
    data_end: pd.Timestamp
    unlabelled_after: int
    series: str = "DFF"
    smooth_days: int = FED_SMOOTH_DAYS

    @property
    def stale(self) -> bool:
        """True when sample periods lie after DFF's last value (they carry no label)."""
        return self.unlabelled_after > 0

    def display(self, period: str = "week") -> pd.DataFrame:
        """The regime table for display: slope and level columns named with their units
        (``period``: ``"week"``, ``"month"`` or ``"day"``), unrounded."""
        t = self.table
        cols = {"n": f"{period}s", "episodes": "episodes",
                "slope_pct_per_100bp": "slope, pp per +100 bp", "ci_low": "95% band low",
                "ci_high": "95% band high", "t_hac": "t (HAC)",
                "slope_verdict": "slope verdict",
                "mean_rel_return_pct": f"mean, pp per {period}",
                "median_rel_return_pct": f"median, pp per {period}",
                "excess_pp": "excess over all labelled, pp",
                "excess_ci_low": "excess 95% CI low", "excess_ci_high": "excess 95% CI high",
                "excess_p_value": "p (block bootstrap)", "level_verdict": "level verdict"}
        return t[list(cols)].rename(columns=cols)

    def figures(self) -> dict:
        """``regime -> {n, episodes, beta_per_100bp_pct, beta_tstat_hac, mean_rel_return_pct,
        excess_rel_return_pp, excess_p_value}`` (pp per +100 bp, pp per period)."""
        t = self.table
        return {r: {"n": int(t.loc[r, "n"]), "episodes": int(t.loc[r, "episodes"]),
                    "beta_per_100bp_pct": float(t.loc[r, "slope_pct_per_100bp"]),
                    "beta_tstat_hac": float(t.loc[r, "t_hac"]),
                    "mean_rel_return_pct": float(t.loc[r, "mean_rel_return_pct"]),
                    "excess_rel_return_pp": float(t.loc[r, "excess_pp"]),
                    "excess_p_value": float(t.loc[r, "excess_p_value"])}
                for r in FED_REGIMES}


def _regime_row(sample: pd.DataFrame, labels: pd.Series, regime: str, block: int) -> dict:
    rel, dy = sample["rel_return_pct"], sample["yield_change_bp"]
    idx = labels.index[labels == regime]
    fit = fit_sensitivity(rel.loc[idx], dy.loc[idx])
    test = _level_test(rel.loc[labels.index], labels, regime, block)
    return {"n": int(len(idx)), "slope_pct_per_100bp": fit.slope, "ci_low": fit.ci_low,
            "ci_high": fit.ci_high, "t_hac": fit.t_hac, "hac_lags": fit.maxlags,
            "slope_verdict": fit.verdict, "mean_rel_return_pct": test["mean"],
            "median_rel_return_pct": test["median"], "trimmed_mean_pct": test["trimmed_mean"],
            "hit_rate": test["hit_rate"], "excess_pp": test["excess"],
            "excess_ci_low": test["ci_low"], "excess_ci_high": test["ci_high"],
            "excess_p_value": test["p_value"], "level_verdict": _level_verdict(test, regime)}


def _flips(sample: pd.DataFrame, labels: pd.Series, episodes: pd.DataFrame, regime: str,
           block: int) -> tuple[list, list]:
    """Names of the regime's episodes whose removal alone changes its slope / level verdict:
    :func:`smallcaps.stats.leave_one_out` over the episodes' names (an episode's periods are
    dropped from the study), on the labelled periods' arrays."""
    ep = episodes.attrs["episode"]
    mine = episodes.index[episodes["label"] == regime]
    if len(mine) < 2:
        return [], []
    names = np.array([episodes.loc[i, "name"] for i in mine], dtype=object)
    rows = np.asarray(mine)
    rel = sample.loc[labels.index, "rel_return_pct"].to_numpy()
    dy = sample.loc[labels.index, "yield_change_bp"].to_numpy()
    ids = ep.reindex(labels.index).to_numpy()
    flags = labels.to_numpy() == regime

    def slope(kept: np.ndarray) -> str:
        use = kept & flags
        return slope_verdict(rel[use], dy[use])

    def level(kept: np.ndarray) -> str:
        return _level_verdict(baseline_test(pd.Series(rel[kept]), pd.Series(flags[kept]),
                                            block=block, n_boot=_N_BOOT, seed=_SEED), regime)

    def flips(verdict) -> list:
        full = verdict(np.ones(ids.size, dtype=bool))
        return [str(name) for name in names  # every episode of that name left out
                if verdict(~np.isin(ids, rows[names == name])) != full]

    return flips(slope), flips(level) if regime in _CLAIM_SIGN else []


def fed_cycle(aligned: pd.DataFrame, fed: pd.Series, window_weeks: int = 26,
              fed_bp: float = 25.0, series: str = "DFF") -> FedCycle:
    """Label the aligned periods by the Fed cycle and measure each regime.

    Parameters
    ----------
    aligned : DataFrame
        From :func:`smallcaps.rates.align_periods` (``attrs["freq"]`` sets the periods).
    fed : Series
        Daily effective fed funds rate, percent, up to the as-of date (it may end earlier;
        values after the last aligned period are not used).
    window_weeks : int
        ``fed_window``: look-back of the rate change, weeks.
    fed_bp : float
        ``fed_bp``: move of the 28-day average over the look-back that makes a period easing /
        tightening, bp.
    series : str
        Key of the fed funds series, for the prose.

    Returns
    -------
    FedCycle
    """
    window_weeks, fed_bp = _check_fed(window_weeks, fed_bp)
    f = pd.Series(fed, dtype=float).dropna().sort_index().loc[:aligned.index[-1]]
    if f.empty:
        raise ParameterError(f"fed_series {series!r} has no value in the loaded data")
    per_week = _PER_WEEK.get(aligned.attrs.get("freq", "W-FRI"), 1.0)
    block = max(1, int(round(window_weeks * per_week)))
    sample = aligned.dropna(subset=["rel_return_pct", "yield_change_bp"])
    change = fed_change(aligned.index, f, window_weeks)
    labels = fed_labels(change.loc[sample.index], fed_bp)
    episodes = label_episodes(labels, block)
    counts = episodes["label"].value_counts()
    rows = {}
    for regime in FED_REGIMES:
        row = _regime_row(sample, labels, regime, block)
        row["episodes"] = int(counts.get(regime, 0))
        row["slope_flips"], row["level_flips"] = _flips(sample, labels, episodes, regime, block)
        rows[regime] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "regime"
    rate = f.rolling(f"{FED_SMOOTH_DAYS}D").mean().reindex(aligned.index, method="ffill")
    rate[aligned.index > f.index[-1]] = np.nan
    base = sample.loc[labels.index, "rel_return_pct"]
    return FedCycle(labels=labels, change_bp=change, rate_pct=rate.rename("fed_avg_pct"),
                    table=table, episodes=episodes, window_weeks=window_weeks, bp=fed_bp,
                    block=block, baseline_pct=float(base.mean()) if len(base) else np.nan,
                    data_start=f.index[0], data_end=f.index[-1],
                    unlabelled_after=int((sample.index > f.index[-1]).sum()), series=series)
