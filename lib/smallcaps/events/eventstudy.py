"""One reusable event study: what followed a set of event dates, against every day of the same
sample.

``event_study(prices, dates)`` serves the divergence study of notebook 05 and any signal that
dates its events: per horizon ``h`` it gives the number of events with a complete window and how
many of them are non-overlapping ``h``-day episodes, the mean, median and 10 % trimmed mean of
the forward returns after events and over all days, the excess of the event mean over the
all-days mean with its block-bootstrap interval and p-value (:func:`smallcaps.stats.baseline_test`),
the verdict that excess supports, and the events whose removal alone flips that verdict
(:func:`smallcaps.stats.leave_one_out`).  :meth:`EventStudy.paths` gives the average path after
events with a bootstrap band that resamples groups of overlapping events whole.

Returns are in percent (1.0 = 1 %); with a ``benchmark`` the forward values are the price's
return minus the benchmark's, in percentage points (pp).  Windows are in trading days, counted
on the prices' own calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps import stats
from smallcaps.errors import ParameterError
from smallcaps.events.core import (
    DEFAULT_FORWARD_DAYS,
    _check_horizons,
    _check_int,
    _forward_matrix,
)
from smallcaps.results import Result

__all__ = ["ALPHA", "MIN_EVENTS_TO_TEST", "VERDICTS", "EventStudy", "event_study"]

#: Significance level of the event-minus-baseline test in the prose.
ALPHA = 0.05
#: Fewest events with a complete window for the prose to report the test at a horizon.
MIN_EVENTS_TO_TEST = 5
#: The verdicts an excess can support (``"n/a"`` without events).
VERDICTS = ("significantly above", "above", "below", "significantly below", "n/a")
#: Coverage of the path band (95 %).
_BAND_LEVEL = 0.95
#: Most leave-one-out events listed by name in the robustness table.
MAX_LISTED = 3


def verdict_of(diff: float, p_value: float, alpha: float = ALPHA) -> str:
    """The verdict an excess supports: ``"significantly above"`` / ``"significantly below"``
    (the all-days mean, p < ``alpha``), ``"above"`` / ``"below"`` (not significant), ``"n/a"``
    when the excess is missing (no event)."""
    if diff is None or not np.isfinite(diff):
        return "n/a"
    side = "above" if diff > 0 else "below"
    significant = p_value is not None and np.isfinite(p_value) and p_value < alpha
    return f"significantly {side}" if significant else side


def overlap_groups(positions: Sequence[int] | np.ndarray, spacing: int) -> np.ndarray:
    """Group of each window start (in the given order): sorted starts less than ``spacing``
    trading days after the previous start join its group, so no window of one group overlaps
    a window of another.  Events of one group are dependent; groups are the independent units
    the path band resamples."""
    p = np.asarray(positions, dtype=np.int64)
    if p.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(p, kind="stable")
    ids = np.cumsum(np.r_[True, np.diff(p[order]) >= spacing]) - 1
    out = np.empty_like(ids)
    out[order] = ids
    return out


def _group_band(cum: np.ndarray, groups: np.ndarray, n_boot: int, seed: int):
    """Percentile band of the mean path when whole groups of events are resampled.

    ``cum`` is (events, days), NaN where an event's path has not reached a day.  Returns
    ``(low, high, reach)``: the band per day (NaN where fewer than two groups reach it) and the
    number of groups that reach each day.
    """
    n_days = cum.shape[1]
    low, high = np.full(n_days, np.nan), np.full(n_days, np.nan)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    finite = np.isfinite(cum)
    sums = np.zeros((n_groups, n_days))
    counts = np.zeros((n_groups, n_days))
    np.add.at(sums, groups, np.where(finite, cum, 0.0))
    np.add.at(counts, groups, finite.astype(float))
    reach = (counts > 0).sum(axis=0)
    ok = reach >= 2
    if n_groups < 2 or not ok.any():
        return low, high, reach
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(n_boot, n_groups))
    weights = np.zeros((n_boot, n_groups))
    np.add.at(weights, (np.arange(n_boot)[:, None], draws), 1.0)
    num, den = weights @ sums[:, ok], weights @ counts[:, ok]
    rep = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    tail = (1.0 - _BAND_LEVEL) / 2.0
    # np.quantile is nanquantile on replicates without a gap, column by column, and faster
    quantile = np.nanquantile if np.isnan(rep).any() else np.quantile
    low[ok], high[ok] = quantile(rep, [tail, 1.0 - tail], axis=0)
    return low, high, reach


@dataclass
class EventStudy(Result):
    """Result of :func:`event_study`.

    Attributes
    ----------
    closes : DataFrame
        The sample on its trading calendar: column ``price`` (and ``benchmark``); its last
        date is the as-of date of every statistic.
    eligible : Series of bool
        The days of the all-days baseline.
    dates : DatetimeIndex
        The event dates (sorted, unique).
    params : dict
        ``horizons``, ``n_boot``, ``seed``, ``min_block``, ``alpha``, ``name`` (of the price),
        ``benchmark`` (its name or None) and ``unit`` ("%" or "pp").
    table : DataFrame
        Index ``horizon_days``: ``n_events`` (events with a complete window), ``episodes``
        (non-overlapping h-day windows among them), ``mean_pct``, ``median_pct``,
        ``trimmed_mean_pct`` (10 % cut from each tail), ``hit_rate`` (share > 0, 0..1) after
        events; ``base_n``, ``base_mean_pct``, ``base_median_pct``, ``base_trimmed_mean_pct``,
        ``base_hit_rate`` over all eligible days; ``diff_pp`` (the excess: event mean minus
        all-days mean, pp), ``ci_low_pp``, ``ci_high_pp`` (95 % block-bootstrap interval),
        ``p_value`` (two-sided), ``q`` (Benjamini-Hochberg q-value across the horizons, which
        are tested together), ``median_diff_pp`` and ``trimmed_diff_pp`` (the same
        comparison for the median and the trimmed mean, pp; not tested), ``verdict`` (one of
        :data:`VERDICTS`) and ``n_flips`` (events whose removal alone changes the verdict).
        Values are in pp when there is a benchmark.
    forward : DataFrame
        One row per event, one column per horizon (int): its forward value (% or pp), NaN
        where the window is not complete by the as-of date.
    loo : dict
        ``{h: [{"date", "value_pct", "mean_pct", "median_pct", "trimmed_mean_pct", "diff_pp",
        "p_value", "verdict"}, ...]}``: per horizon, each event whose removal alone changes the
        verdict, with its own value and the statistics without it (empty list: no single event
        carries the verdict).
    """

    narrative: ClassVar[str] = "events"
    #: fewest events with a complete window for the prose to report the test
    min_events_to_test: ClassVar[int] = MIN_EVENTS_TO_TEST

    closes: pd.DataFrame = field(repr=False)
    eligible: pd.Series = field(repr=False)
    dates: pd.DatetimeIndex
    params: dict
    table: pd.DataFrame = field(repr=False)
    forward: pd.DataFrame = field(repr=False)
    loo: dict = field(repr=False)
    _paths: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def horizons(self) -> tuple[int, ...]:
        """Forward horizons, trading days."""
        return tuple(self.params["horizons"])

    @property
    def alpha(self) -> float:
        """Significance level of the verdicts."""
        return self.params["alpha"]

    @property
    def asof(self) -> pd.Timestamp:
        """Last date of the sample."""
        return self.closes.index[-1]

    def summary(self, which: str = "test") -> pd.DataFrame:
        """A display table, one row per horizon.

        ``which="test"``: after events (n, non-overlapping episodes, mean, median, share up)
        against all days, and the excess with its 95 % interval, p-value and q-value;
        ``"robustness"``:
        mean, median and trimmed mean after events and over all days, and the events whose
        removal alone flips the verdict, with the mean without them.
        """
        if which not in ("test", "robustness"):
            raise ParameterError(f"which {which!r} is not supported; valid: test, robustness")
        if which == "robustness":
            return robustness_display(self.table, self.loo, self.params["unit"])
        return forward_display(self.table, self.params["unit"])

    def to_frame(self) -> pd.DataFrame:
        """:attr:`forward` with columns ``<h>d_pct`` (or ``<h>d_pp`` with a benchmark)."""
        suffix = "pct" if self.params["benchmark"] is None else "pp"
        return self.forward.rename(columns=lambda h: f"{h}d_{suffix}")

    def figures(self) -> dict:
        """``forward`` / ``baseline`` (after events / all days: per horizon ``mean_pct``,
        ``median_pct``, ``hit_rate``, ``n``, ``trimmed_mean_pct`` and, after events,
        ``episodes``) and ``test`` (per horizon ``diff_pp``, ``ci_low_pp``, ``ci_high_pp``,
        ``p_value``, ``q``, ``episodes``, ``median_diff_pp``, ``trimmed_diff_pp``, ``verdict``
        and ``loo``, the list of :attr:`loo`)."""
        return {"forward": forward_figures(self.table),
                "baseline": forward_figures(self.table, baseline=True),
                "test": excess_figures(self.table, self.loo)}

    def paths(self, max_days: int | None = None) -> pd.DataFrame:
        """Average cumulative path after events against the all-days path.

        The band resamples *groups* of events whose ``max_days`` windows overlap
        (:func:`overlap_groups`), whole, ``n_boot`` times (seeded): overlapping events share
        most of their path, so treating them as independent (a ±1.96 s.e. band across events)
        would make the band far too narrow.  Groups never overlap one another, so they are the
        independent units.

        Parameters
        ----------
        max_days : int, optional
            Last day shown, trading days (default: the longest horizon).

        Returns
        -------
        DataFrame
            Index ``day`` (0..max_days trading days after the event close); ``event_mean``,
            ``event_median`` (across the events whose path reaches that day, % or pp),
            ``band_low``, ``band_high`` (95 % group-bootstrap band of the mean; NaN where fewer
            than two groups reach the day), ``n_events`` and ``groups`` (events and groups
            reaching the day) and ``baseline`` (mean over all eligible days).
        """
        max_days = max(self.horizons) if max_days is None else _check_int("max_days", max_days, 1)
        if max_days not in self._paths:  # a chart and its prose read the same paths
            self._paths[max_days] = self._compute_paths(max_days)
        return self._paths[max_days].copy()

    def _compute_paths(self, max_days: int) -> pd.DataFrame:
        """:meth:`paths` up to ``max_days``, computed."""
        values = self.closes.to_numpy(dtype=float)
        n = len(values)
        pos = self.closes.index.get_indexer(self.dates)
        days = np.arange(max_days + 1)
        end = pos[:, None] + days[None, :]
        reached = end < n
        start = np.broadcast_to(pos[:, None], end.shape)
        cum = np.full(end.shape, np.nan)
        for j in range(values.shape[1]):
            col = values[:, j]
            part = (col[end[reached]] / col[start[reached]] - 1.0) * 100.0
            cum[reached] = part if j == 0 else cum[reached] - part
        groups = overlap_groups(pos, max_days)
        low, high, reach = _group_band(cum, groups, self.params["n_boot"], self.params["seed"])
        eligible = np.flatnonzero(self.eligible.to_numpy())
        base = np.full(days.size, np.nan)
        for k in days:
            start_k = eligible[:np.searchsorted(eligible, n - k)]  # the eligible days < n - k
            if start_k.size:
                r = (values[start_k + k, 0] / values[start_k, 0] - 1.0) * 100.0
                if values.shape[1] > 1:
                    r = r - (values[start_k + k, 1] / values[start_k, 1] - 1.0) * 100.0
                base[k] = r.mean()
        n_ev = np.isfinite(cum).sum(axis=0)
        total = np.where(np.isfinite(cum), cum, 0.0).sum(axis=0)
        mean = np.where(n_ev > 0, total / np.maximum(n_ev, 1), np.nan)
        median = np.array([np.median(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan
                           for c in cum.T])
        return pd.DataFrame({"event_mean": mean, "event_median": median, "band_low": low,
                             "band_high": high, "n_events": n_ev.astype(int),
                             "groups": reach.astype(int), "baseline": base},
                            index=pd.Index(days, name="day"))


# ----------------------------------------------------------------------------------------------
# figures and display tables (shared with the divergence study)
# ----------------------------------------------------------------------------------------------

def forward_figures(t: pd.DataFrame, baseline: bool = False) -> dict:
    """``{"21": {"mean_pct", "median_pct", "hit_rate", "n", "trimmed_mean_pct"[, "episodes"]}}``
    after events (with ``episodes``) or over all days, from an event-study table."""
    pre = "base_" if baseline else ""
    out = {}
    for h in t.index:
        rec = {"mean_pct": t.loc[h, f"{pre}mean_pct"], "median_pct": t.loc[h, f"{pre}median_pct"],
               "hit_rate": t.loc[h, f"{pre}hit_rate"],
               "n": int(t.loc[h, "base_n" if baseline else "n_events"]),
               "trimmed_mean_pct": t.loc[h, f"{pre}trimmed_mean_pct"]}
        if not baseline:
            rec["episodes"] = int(t.loc[h, "episodes"])
        out[str(h)] = rec
    return out


def excess_figures(t: pd.DataFrame, loo: dict) -> dict:
    """``{"21": {"diff_pp", "ci_low_pp", "ci_high_pp", "p_value", "q", "episodes",
    "median_diff_pp", "trimmed_diff_pp", "verdict", "loo"}}`` from an event-study table and its
    leave-one-out flips."""
    cols = ["diff_pp", "ci_low_pp", "ci_high_pp", "p_value", "q"]
    extra = ["median_diff_pp", "trimmed_diff_pp", "verdict"]
    return {str(h): {**{c: r[c] for c in cols}, "episodes": int(r["episodes"]),
                     **{c: r[c] for c in extra}, "loo": [dict(x) for x in loo.get(h, [])]}
            for h, r in t.iterrows()}


def forward_display(t: pd.DataFrame, unit: str) -> pd.DataFrame:
    """An event-study table laid out for reading: hit rates in %, the interval as text,
    two-level column names (after events / all days / events − all days), rounded."""
    u = unit
    out = pd.DataFrame({
        ("after events", "n"): t["n_events"],
        ("after events", "episodes"): t["episodes"],
        ("after events", f"mean ({u})"): t["mean_pct"].round(2),
        ("after events", f"median ({u})"): t["median_pct"].round(2),
        ("after events", "up (%)"): (t["hit_rate"] * 100).round(0),
        ("all days", "n"): t["base_n"],
        ("all days", f"mean ({u})"): t["base_mean_pct"].round(2),
        ("all days", f"median ({u})"): t["base_median_pct"].round(2),
        ("all days", "up (%)"): (t["base_hit_rate"] * 100).round(0),
        ("events − all days", "mean (pp)"): t["diff_pp"].round(2),
        ("events − all days", "95% CI (pp)"): [
            f"{lo:+.1f} to {hi:+.1f}" if np.isfinite(lo) else "n/a"
            for lo, hi in zip(t["ci_low_pp"], t["ci_high_pp"], strict=True)],
        ("events − all days", "p"): t["p_value"].round(3),
        ("events − all days", "q"): t["q"].round(3),
    })
    out.index = pd.Index([f"{h} days" for h in t.index], name="horizon")
    return out


def _flip_cells(flips: list[dict], unit: str) -> tuple[str, str, str]:
    """The leave-one-out cells of one horizon: who flips the verdict, the mean without them and
    the verdict without them; more than :data:`MAX_LISTED` events are counted, not listed."""
    if not flips:
        return "none", "", ""
    means = [x["mean_pct"] for x in flips]
    verdicts = ", ".join(dict.fromkeys(x["verdict"] for x in flips))
    if len(flips) > MAX_LISTED:
        return (f"any of {len(flips)} events", f"{min(means):+.2f} to {max(means):+.2f}",
                verdicts)
    return (", ".join(f"{x['date']:%Y-%m-%d}" for x in flips),
            ", ".join(f"{m:+.2f}" for m in means), verdicts)


def robustness_display(t: pd.DataFrame, loo: dict, unit: str) -> pd.DataFrame:
    """Mean, median and trimmed mean after events and over all days per horizon, and the events
    whose removal alone flips the verdict with the mean and verdict without them."""
    u = unit
    cells = [_flip_cells(loo.get(h, []), u) for h in t.index]
    out = pd.DataFrame({
        ("after events", "n"): t["n_events"],
        ("after events", "episodes"): t["episodes"],
        ("after events", f"mean ({u})"): t["mean_pct"].round(2),
        ("after events", f"median ({u})"): t["median_pct"].round(2),
        ("after events", f"trimmed mean ({u})"): t["trimmed_mean_pct"].round(2),
        ("all days", f"mean ({u})"): t["base_mean_pct"].round(2),
        ("all days", f"median ({u})"): t["base_median_pct"].round(2),
        ("all days", f"trimmed mean ({u})"): t["base_trimmed_mean_pct"].round(2),
        ("verdict", "with all events"): t["verdict"],
        ("leave one out", "flipped by"): [c[0] for c in cells],
        ("leave one out", f"mean without ({u})"): [c[1] for c in cells],
        ("leave one out", "verdict without"): [c[2] for c in cells],
    })
    out.index = pd.Index([f"{h} days" for h in t.index], name="horizon")
    return out


# ----------------------------------------------------------------------------------------------
# the study
# ----------------------------------------------------------------------------------------------

def _frame(prices: pd.Series, benchmark: pd.Series | None) -> pd.DataFrame:
    for name, s in (("prices", prices), ("benchmark", benchmark)):
        if s is not None and not isinstance(s, pd.Series):
            raise ParameterError(f"{name} must be a pandas Series of closes, got "
                                 f"{type(s).__name__}")
    parts = {"price": prices} if benchmark is None else {"price": prices, "benchmark": benchmark}
    return pd.concat(parts, axis=1, join="inner").dropna().sort_index()


def _loo(values: pd.Series, flags: pd.Series, block: int, n_boot: int, seed: int,
         alpha: float) -> list[dict]:
    """The events whose removal alone changes the verdict, with the statistics without them.

    Removing an event drops its flag only: the day stays in the all-days baseline.  Every
    re-test uses the same seed (the same bootstrap draws), so a flip is not Monte Carlo noise.
    """
    sample = values[flags].dropna()
    if len(sample) < 2:
        return []
    index = values.index
    kept = index.isin(sample.index)

    def test(flagged: np.ndarray) -> dict:
        return stats.baseline_test(values, pd.Series(flagged, index), block=block,
                                   n_boot=n_boot, seed=seed)

    full = test(kept)
    full_verdict = verdict_of(full["excess"], full["p_value"], alpha)
    # the search of stats.leave_one_out on the event dates, one flag dropped at a time
    without: dict = {}
    for d, at in zip(sample.index, index.get_indexer(sample.index), strict=True):
        flagged = kept.copy()
        flagged[at] = False
        res = test(flagged)
        if verdict_of(res["excess"], res["p_value"], alpha) != full_verdict:
            without[d] = res
    flips = list(without)
    return [{"date": d, "value_pct": float(sample[d]), "mean_pct": without[d]["mean"],
             "median_pct": without[d]["median"], "trimmed_mean_pct": without[d]["trimmed_mean"],
             "diff_pp": without[d]["excess"], "p_value": without[d]["p_value"],
             "verdict": verdict_of(without[d]["excess"], without[d]["p_value"], alpha)}
            for d in flips]


def event_study(prices: pd.Series, dates: Iterable,
                horizons: int | Sequence[int] = DEFAULT_FORWARD_DAYS, *,
                benchmark: pd.Series | None = None, eligible: pd.Series | None = None,
                min_block: int = 5, n_boot: int = 2000, seed: int = 0, alpha: float = ALPHA,
                leave_one_out: bool = True) -> EventStudy:
    """What followed a set of event dates, against every day of the same sample.

    Parameters
    ----------
    prices : Series
        Daily closes indexed by date; its last date is the as-of date (a window that ends
        after it is incomplete and left out).  Trading days are counted on its calendar (on the
        dates shared with ``benchmark`` when there is one).
    dates : iterable of dates
        Event dates, each a trading date of ``prices`` (and an ``eligible`` day).
    horizons : list of int
        Forward horizons, trading days.
    benchmark : Series, optional
        Closes of a benchmark: the forward value becomes the price's return minus the
        benchmark's (pp).
    eligible : Series of bool, optional
        The days of the all-days baseline (default: every day), e.g. the days a signal is
        defined on.
    min_block : int
        Shortest bootstrap block, trading days: horizon ``h`` uses blocks of
        ``max(h, min_block)`` days, so the overlap of h-day windows stays inside blocks.
    n_boot, seed : int
        Bootstrap replicates and seed: horizon ``j`` (0, 1, ...) uses ``seed + j``; the path band
        uses ``seed``.
    alpha : float
        Significance level of the verdicts.
    leave_one_out : bool
        Re-test without each event in turn (one bootstrap per event and horizon: the slow
        part); False leaves :attr:`EventStudy.loo` empty and ``n_flips`` 0.

    Returns
    -------
    EventStudy
    """
    horizons = _check_horizons(horizons)
    n_boot = _check_int("n_boot", n_boot, 1)
    seed = _check_int("seed", seed, 0)
    min_block = _check_int("min_block", min_block, 1)
    closes = _frame(prices, benchmark)
    if closes.empty:
        raise ParameterError("prices (and benchmark) have no common date with a close")
    elig = (pd.Series(True, index=closes.index) if eligible is None else
            pd.Series(eligible).reindex(closes.index, fill_value=False).astype(bool))
    idx = pd.DatetimeIndex(sorted(set(pd.DatetimeIndex(list(dates)))), name="date")
    pos = closes.index.get_indexer(idx)
    if (pos < 0).any() or not elig.to_numpy()[pos].all():
        bad = idx[(pos < 0) | ~elig.to_numpy()[np.maximum(pos, 0)]][0]
        raise ParameterError(f"event date {bad:%Y-%m-%d} is not an eligible trading date of "
                             f"{prices.name or 'prices'}; pass dates taken from its index")
    px = closes.to_numpy(dtype=float)
    mat = _forward_matrix(px[:, 0], horizons)
    if benchmark is not None:
        mat = mat - _forward_matrix(px[:, 1], horizons)
    flags = pd.Series(False, index=closes.index)
    flags.iloc[pos] = True
    rows, loo = [], {}
    for j, h in enumerate(horizons):
        values = pd.Series(mat[:, j], index=closes.index).where(elig)
        block = max(h, min_block)
        res = stats.baseline_test(values, flags, block=block, n_boot=n_boot, seed=seed + j)
        complete = np.flatnonzero((flags & values.notna()).to_numpy())
        all_days = values.dropna()
        verdict = verdict_of(res["excess"], res["p_value"], alpha)
        loo[h] = _loo(values, flags, block, n_boot, seed + j, alpha) if leave_one_out else []
        rows.append({"horizon_days": h, "n_events": res["n"],
                     "episodes": stats.episodes(complete, h),
                     "mean_pct": res["mean"], "median_pct": res["median"],
                     "trimmed_mean_pct": res["trimmed_mean"], "hit_rate": res["hit_rate"],
                     "base_n": int(all_days.size), "base_mean_pct": res["baseline"],
                     "base_median_pct": float(all_days.median()),
                     "base_trimmed_mean_pct": stats.trimmed_mean(all_days),
                     "base_hit_rate": float((all_days > 0).mean()),
                     "diff_pp": res["excess"], "ci_low_pp": res["ci_low"],
                     "ci_high_pp": res["ci_high"], "p_value": res["p_value"],
                     "median_diff_pp": res["median"] - float(all_days.median()),
                     "trimmed_diff_pp": res["trimmed_mean"] - stats.trimmed_mean(all_days),
                     "verdict": verdict, "n_flips": len(loo[h])})
    table = pd.DataFrame(rows).set_index("horizon_days")
    table.insert(table.columns.get_loc("p_value") + 1, "q",
                 stats.bh_qvalues(table["p_value"].to_numpy(dtype=float)))
    forward = pd.DataFrame(mat[pos], index=idx, columns=list(horizons))
    params = {"horizons": list(horizons), "n_boot": n_boot, "seed": seed,
              "min_block": min_block, "alpha": float(alpha),
              "name": str(prices.name) if prices.name is not None else "prices",
              "benchmark": None if benchmark is None else str(benchmark.name or "benchmark"),
              "unit": "%" if benchmark is None else "pp"}
    return EventStudy(closes=closes, eligible=elig, dates=idx, params=params, table=table,
                      forward=forward, loo=loo)
