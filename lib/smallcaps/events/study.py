"""The divergence study: events of an extreme spread z-score and the forward returns that
followed them, against the unconditional drift of every day (see :mod:`smallcaps.events`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.events.core import (
    DEFAULT_FORWARD_DAYS,
    STD_METHODS,
    _check_choice,
    _check_horizons,
    _check_int,
    _forward_matrix,
    _qualifies,
    find_events,
    spread_zscore,
)
from smallcaps.events.variants import DEFAULT_SIGMAS, Variants, _compare, _headline
from smallcaps.results import Result
from smallcaps.stats import block_bootstrap_diff, summarize

__all__ = ["ALPHA", "MIN_EVENTS_TO_TEST", "DivergenceStudy", "divergence_study"]

#: Significance level of the event-minus-baseline test in the prose.
ALPHA = 0.05
#: Fewest events with a complete window for the prose to report the test at a horizon.
MIN_EVENTS_TO_TEST = 5
_SIGNAL_KEYS = ("horizon_days", "std_method", "std_window", "min_history")
_STUDY_KEYS = ("sigma", "direction", "decluster_days", "forward_days", "n_boot", "seed")
_WHICH = ("small", "spread")


@dataclass
class DivergenceStudy(Result):
    """Result of :func:`divergence_study`.

    Attributes
    ----------
    signal : DataFrame
        Output of :func:`~smallcaps.events.spread_zscore` (closes, ``spread_pct``, ``sd_pp``,
        ``z``); its last date is the as-of date of every statistic.
    events : DataFrame
        Output of :func:`~smallcaps.events.find_events` (one row per event).
    params : dict
        sigma, direction, decluster_days, forward_days, n_boot, seed and the signal settings
        (small, large, horizon_days, std_method, std_window, min_history).
    table : DataFrame
        Index (``series`` in {"small", "spread"}, ``horizon_days``): ``n_events``,
        ``mean_pct``, ``median_pct``, ``hit_rate`` (share > 0, 0..1) after events; ``base_n``,
        ``base_mean_pct``, ``base_median_pct``, ``base_hit_rate`` over all days with a z-score;
        ``diff_pp`` (event mean minus baseline mean, pp), ``ci_low_pp``, ``ci_high_pp`` (95 %
        block-bootstrap interval, pp) and ``p_value`` (two-sided).  Values of the ``spread``
        rows are in percentage points.  ``table.loc["small"]`` is one series by horizon.
    """

    narrative: ClassVar[str] = "events"
    #: significance level and minimum events the narrative uses
    alpha: ClassVar[float] = ALPHA
    min_events_to_test: ClassVar[int] = MIN_EVENTS_TO_TEST

    signal: pd.DataFrame
    events: pd.DataFrame
    params: dict
    table: pd.DataFrame = field(repr=False)
    _fwd_small: np.ndarray = field(repr=False)
    _fwd_spread: np.ndarray = field(repr=False)

    # -- data --------------------------------------------------------------------------------
    @property
    def horizons(self) -> tuple[int, ...]:
        """Forward horizons, trading days."""
        return tuple(self.params["forward_days"])

    @property
    def asof(self) -> pd.Timestamp:
        """Last date of the data (the as-of date of every statistic)."""
        return self.signal.index[-1]

    @property
    def qualifying(self) -> pd.Series:
        """True on the days (with a z-score) beyond the threshold, before declustering."""
        z = self.signal["z"].dropna()
        return _qualifies(z, self.params["sigma"], self.params["direction"])

    @property
    def latest(self) -> dict:
        """Last date with a spread: ``date``, ``spread_pct`` (pp), ``z``, ``sd_pp`` (pp) and
        ``beyond`` (True when that z is beyond the threshold)."""
        s = self.signal.dropna(subset=["spread_pct"])
        row = s.iloc[-1]
        z = float(row["z"])
        beyond = bool(_qualifies(pd.Series([z]), self.params["sigma"],
                                 self.params["direction"]).iloc[0])
        return {"date": s.index[-1], "spread_pct": float(row["spread_pct"]), "z": z,
                "sd_pp": float(row["sd_pp"]), "beyond": beyond}

    @property
    def latest_event(self) -> dict | None:
        """The most recent event and how far its forward windows have run, or None.

        ``date``, ``z``, ``spread_pct`` (pp), ``days_since`` (trading days from the event close
        to the as-of close), ``return_to_date_pct`` (small-cap return since the event close, %)
        and ``windows``: per horizon (str) ``{"days_elapsed": min(days_since, h), "complete":
        bool, "return_pct": return over the window so far, %}``.
        """
        if self.events.empty:
            return None
        d = self.events.index[-1]
        pos = self.signal.index.get_loc(d)
        last = len(self.signal) - 1
        days = last - pos
        px = self.signal["small"].to_numpy()
        windows = {}
        for h in self.horizons:
            end = min(pos + h, last)
            windows[str(h)] = {"days_elapsed": int(min(days, h)), "complete": bool(days >= h),
                               "return_pct": float((px[end] / px[pos] - 1) * 100)}
        return {"date": d, "z": float(self.events["z"].iloc[-1]),
                "spread_pct": float(self.signal["spread_pct"].iloc[pos]),
                "days_since": int(days),
                "return_to_date_pct": float((px[last] / px[pos] - 1) * 100),
                "windows": windows}

    # -- the protocol ------------------------------------------------------------------------
    def summary(self, which: str = "small") -> pd.DataFrame:
        """A display table.

        Parameters
        ----------
        which : {"small", "spread", "events"}
            ``"small"``: forward returns of the small-cap index (%) after events against all
            days, one row per horizon, with the difference (pp), its 95 % interval and p-value;
            ``"spread"``: the same for the spread (small minus large, pp); ``"events"``: one
            row per event (:meth:`to_frame` with dates as text and units in the labels).
        """
        _check_choice("which", which, (*_WHICH, "events"))
        if which == "events":
            return _events_display(self)
        return _forward_display(self.table.loc[which], which)

    def to_frame(self) -> pd.DataFrame:
        """One row per event: ``spread_pct`` (pp), ``z``, ``cluster_days`` and the forward returns
        ``small_<h>d_pct`` (%) and ``spread_<h>d_pp`` (pp); NaN where the window is not complete
        by the as-of date."""
        ev = self.events
        out = pd.DataFrame({"spread_pct": self.signal["spread_pct"].reindex(ev.index),
                            "z": ev["z"], "cluster_days": ev["cluster_days"]}, index=ev.index)
        pos = self.signal.index.get_indexer(ev.index)
        for j, h in enumerate(self.horizons):
            out[f"small_{h}d_pct"] = self._fwd_small[pos, j] if len(pos) else []
        for j, h in enumerate(self.horizons):
            out[f"spread_{h}d_pp"] = self._fwd_spread[pos, j] if len(pos) else []
        return out

    def figures(self) -> dict:
        """The key figures notebook 05 records.

        ``method`` (:attr:`params`); ``events`` (``[{"date", "spread_pct", "z"}, ...]``);
        ``forward`` / ``baseline`` (small-cap index after events / over all days) and
        ``forward_spread`` / ``baseline_spread`` (the spread), each ``{"21": {"mean_pct",
        "median_pct", "hit_rate", "n"}, ...}``; ``test`` (``{"21": {"diff_pp", "ci_low_pp",
        "ci_high_pp", "p_value"}, ...}`` for the small-cap index); ``latest`` (``date``,
        ``spread_pct``, ``z``) and ``latest_event`` (``{"date", "z"}`` or None).
        """
        frame = self.to_frame()
        last = self.latest
        le = self.latest_event
        test_cols = ["diff_pp", "ci_low_pp", "ci_high_pp", "p_value"]
        return {
            "method": dict(self.params),
            "events": [{"date": d, "spread_pct": float(r.spread_pct), "z": float(r.z)}
                       for d, r in frame.iterrows()],
            "forward": _stats(self.table.loc["small"]),
            "baseline": _stats(self.table.loc["small"], baseline=True),
            "forward_spread": _stats(self.table.loc["spread"]),
            "baseline_spread": _stats(self.table.loc["spread"], baseline=True),
            "test": {str(h): r[test_cols].to_dict()
                     for h, r in self.table.loc["small"].iterrows()},
            "latest": {k: last[k] for k in ("date", "spread_pct", "z")},
            "latest_event": None if le is None else {"date": le["date"], "z": le["z"]},
        }

    # -- paths and variants ------------------------------------------------------------------
    def paths(self, which: str = "small", max_days: int | None = None) -> pd.DataFrame:
        """Average cumulative path after events against the all-days baseline.

        Parameters
        ----------
        which : {"small", "spread"}
            Cumulative return of the small-cap index (%) or of the spread (small minus large
            cumulative returns, pp).
        max_days : int, optional
            Last day shown, trading days (default: the longest horizon).

        Returns
        -------
        DataFrame
            Index ``day`` (0..max_days trading days after the event close); columns
            ``event_mean``, ``band_low``, ``band_high`` (event mean ± 1.96 standard errors
            across events; a display band that ignores overlap between events), ``n_events``
            (events whose path reaches that day) and ``baseline`` (mean over all days with a
            z-score).
        """
        _check_choice("which", which, _WHICH)
        max_days = max(self.horizons) if max_days is None else _check_int("max_days", max_days, 1)
        sig = self.signal
        small = sig["small"].to_numpy(dtype=float)
        large = sig["large"].to_numpy(dtype=float)
        n = len(sig)
        eligible = np.flatnonzero(sig["z"].notna().to_numpy())
        pos = sig.index.get_indexer(self.events.index)
        rows = []
        for k in range(max_days + 1):
            r = _cumulative(small, k)
            if which == "spread":
                r = r - _cumulative(large, k)
            ev = r[pos[pos < n - k]] if len(pos) else np.array([])
            base = r[eligible[eligible < n - k]]
            m = ev.mean() if ev.size else np.nan
            se = ev.std(ddof=1) / np.sqrt(ev.size) if ev.size > 1 else np.nan
            rows.append({"day": k, "event_mean": m, "band_low": m - 1.96 * se,
                         "band_high": m + 1.96 * se, "n_events": int(ev.size),
                         "baseline": base.mean() if base.size else np.nan})
        return pd.DataFrame(rows).set_index("day")

    def rerun(self, **changes) -> DivergenceStudy:
        """The same study with some settings changed.

        Parameters
        ----------
        **changes
            Any of ``sigma``, ``direction``, ``decluster_days``, ``forward_days``, ``n_boot``,
            ``seed`` (study settings) and ``horizon_days``, ``std_method``, ``std_window``,
            ``min_history`` (signal settings: the spread and z-score are recomputed from the
            same closes).
        """
        unknown = set(changes) - set(_SIGNAL_KEYS) - set(_STUDY_KEYS)
        if unknown:
            raise ParameterError(f"cannot change {sorted(unknown)}; valid: "
                                 f"{', '.join(_STUDY_KEYS + _SIGNAL_KEYS)}")
        sig = self.signal
        a = sig.attrs
        if any(k in changes and changes[k] != a[k] for k in _SIGNAL_KEYS):
            sig = spread_zscore(sig["small"].rename(a["small"]), sig["large"].rename(a["large"]),
                                **{k: changes.get(k, a[k]) for k in _SIGNAL_KEYS})
            sig.attrs["provenance"] = a.get("provenance", {})
        return divergence_study(sig, **{k: changes.get(k, self.params[k]) for k in _STUDY_KEYS})

    def sensitivity(self, sigmas: Sequence[float] = DEFAULT_SIGMAS,
                    which: str = "small") -> Variants:
        """The same study at other thresholds (standard deviations), everything else unchanged;
        ``which`` is the forward series compared ("small" %, "spread" pp)."""
        _check_choice("which", which, _WHICH)
        rows = {float(s): _headline(self.rerun(sigma=float(s)), which) for s in sigmas}
        return _compare(rows, "sigma", self.horizons, which, self.alpha)

    def compare_methods(self, methods: Sequence[str] = STD_METHODS,
                        which: str = "small") -> Variants:
        """The same study with each way of estimating the standard deviation.

        Shows how much the choice matters, in particular how the in-sample ``"full"`` version
        (the one a study that standardises with the whole sample reports) differs from the
        no-look-ahead ones.
        """
        _check_choice("which", which, _WHICH)
        for m in methods:
            _check_choice("std_method", m, STD_METHODS)
        rows = {m: _headline(self.rerun(std_method=m), which) for m in methods}
        return _compare(rows, "std_method", self.horizons, which, self.alpha)


def _cumulative(p: np.ndarray, k: int) -> np.ndarray:
    """``k``-day cumulative percent return from every row that has one."""
    n = len(p)
    return (p[k:] / p[: n - k] - 1.0) * 100.0 if k < n else np.array([])


def _stats(t: pd.DataFrame, baseline: bool = False) -> dict:
    """``{"21": {"mean_pct", "median_pct", "hit_rate", "n"}, ...}`` after events or over all
    days, from one series of :attr:`DivergenceStudy.table`."""
    pre = "base_" if baseline else ""
    n_col = "base_n" if baseline else "n_events"
    return {str(h): {"mean_pct": t.loc[h, f"{pre}mean_pct"],
                     "median_pct": t.loc[h, f"{pre}median_pct"],
                     "hit_rate": t.loc[h, f"{pre}hit_rate"], "n": int(t.loc[h, n_col])}
            for h in t.index}


def _events_display(study: DivergenceStudy) -> pd.DataFrame:
    """The events with dates as text and two-level column names with units, rounded to 0.01."""
    f = study.to_frame()
    small, large = study.params["small"], study.params["large"]
    cols = [("event day", f"{study.params['horizon_days']}d spread (pp)"), ("event day", "z"),
            ("event day", "cluster days")]
    cols += [(f"{small} forward return (%)", f"{h}d") for h in study.horizons]
    cols += [(f"{small} − {large} forward (pp)", f"{h}d") for h in study.horizons]
    out = f.copy()
    out.columns = pd.MultiIndex.from_tuples(cols)
    out.index = pd.Index(f.index.strftime("%Y-%m-%d"), name="event date")
    return out.round(2)


def _forward_display(t: pd.DataFrame, which: str) -> pd.DataFrame:
    """One series of the study's table laid out for reading: hit rates in %, the interval as
    text, two-level column names (after events / all days / difference), rounded."""
    u = "%" if which == "small" else "pp"
    out = pd.DataFrame({
        ("after events", "n"): t["n_events"],
        ("after events", f"mean ({u})"): t["mean_pct"].round(2),
        ("after events", f"median ({u})"): t["median_pct"].round(2),
        ("after events", "up (%)"): (t["hit_rate"] * 100).round(0),
        ("all days", "n"): t["base_n"],
        ("all days", f"mean ({u})"): t["base_mean_pct"].round(2),
        ("all days", "up (%)"): (t["base_hit_rate"] * 100).round(0),
        ("events − all days", "mean (pp)"): t["diff_pp"].round(2),
        ("events − all days", "95% CI (pp)"): [
            f"{lo:+.1f} to {hi:+.1f}" if np.isfinite(lo) else "n/a"
            for lo, hi in zip(t["ci_low_pp"], t["ci_high_pp"], strict=True)],
        ("events − all days", "p"): t["p_value"].round(3),
    })
    out.index = pd.Index([f"{h} days" for h in t.index], name="horizon")
    return out


def divergence_study(signal: pd.DataFrame, sigma: float = 3.0, direction: str = "up",
                     decluster_days: int = 20,
                     forward_days: int | Sequence[int] = DEFAULT_FORWARD_DAYS,
                     n_boot: int = 2000, seed: int = 0) -> DivergenceStudy:
    """Events of extreme divergence and the forward returns that followed them.

    Parameters
    ----------
    signal : DataFrame
        Output of :func:`~smallcaps.events.spread_zscore` (its last date is the as-of date).
    sigma : float
        Threshold in standard deviations of the spread.
    direction : {"up", "down", "both"}
        Small caps ahead (``z > sigma``), behind (``z < -sigma``) or either.
    decluster_days : int
        Qualifying days at most this many trading days after the previous qualifying day
        belong to the same event (see :func:`~smallcaps.events.find_events`).
    forward_days : list of int
        Horizons of the forward returns, in trading days.
    n_boot, seed : int
        Bootstrap replicates and seed of the test of event mean minus baseline.

    Returns
    -------
    DivergenceStudy
    """
    needed = {"small", "large", "spread_pct", "z"}
    if not isinstance(signal, pd.DataFrame) or not needed <= set(signal.columns):
        raise ParameterError("signal must be the DataFrame returned by spread_zscore "
                             f"(columns {sorted(needed)})")
    horizons = _check_horizons(forward_days)
    n_boot = _check_int("n_boot", n_boot, 1)
    seed = _check_int("seed", seed, 0)
    events = find_events(signal["z"], sigma, direction, decluster_days)
    small = signal["small"].to_numpy(dtype=float)
    large = signal["large"].to_numpy(dtype=float)
    fwd_small = _forward_matrix(small, horizons)
    fwd_spread = fwd_small - _forward_matrix(large, horizons)
    eligible = signal["z"].notna().to_numpy()
    is_event = np.zeros(len(signal), dtype=bool)
    is_event[signal.index.get_indexer(events.index)] = True
    rows = []
    for which, mat in (("small", fwd_small), ("spread", fwd_spread)):
        for j, h in enumerate(horizons):
            col = mat[:, j]
            use = eligible & np.isfinite(col)
            ev = summarize(col[use & is_event])
            base = summarize(col[use])
            test = block_bootstrap_diff(col[use], is_event[use], block=max(h, 21),
                                        n_boot=n_boot, seed=seed + j)
            rows.append({"series": which, "horizon_days": h, "n_events": ev["n"],
                         "mean_pct": ev["mean"], "median_pct": ev["median"],
                         "hit_rate": ev["hit_rate"], "base_n": base["n"],
                         "base_mean_pct": base["mean"], "base_median_pct": base["median"],
                         "base_hit_rate": base["hit_rate"],
                         "diff_pp": ev["mean"] - base["mean"] if ev["n"] else np.nan,
                         "ci_low_pp": test["ci_low"], "ci_high_pp": test["ci_high"],
                         "p_value": test["p_value"]})
    table = pd.DataFrame(rows).set_index(["series", "horizon_days"])
    params = {"sigma": float(sigma), "direction": direction, "decluster_days": decluster_days,
              "forward_days": list(horizons), "n_boot": n_boot, "seed": seed,
              **{k: v for k, v in signal.attrs.items() if k != "provenance"}}
    return DivergenceStudy(signal=signal, events=events, params=params, table=table,
                           _fwd_small=fwd_small, _fwd_spread=fwd_spread)
