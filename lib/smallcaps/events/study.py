"""The divergence study: events of an extreme spread z-score and the forward returns that
followed them, against the unconditional drift of every day (see :mod:`smallcaps.events`).
The statistics of each forward series come from :func:`~smallcaps.events.event_study`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.events.core import (
    DEFAULT_FORWARD_DAYS,
    STD_METHODS,
    _check_choice,
    _check_horizons,
    _check_int,
    _qualifies,
    find_events,
    spread_zscore,
)
from smallcaps.events.eventstudy import (
    ALPHA,
    MIN_EVENTS_TO_TEST,
    EventStudy,
    event_study,
    excess_figures,
    forward_display,
    forward_figures,
    robustness_display,
)
from smallcaps.events.variants import DEFAULT_SIGMAS, Variants, _compare, _headline
from smallcaps.results import Result

__all__ = ["DivergenceStudy", "divergence_study"]

_SIGNAL_KEYS = ("horizon_days", "std_method", "std_window", "min_history")
_STUDY_KEYS = ("sigma", "direction", "decluster_days", "forward_days", "n_boot", "seed")
_WHICH = ("small", "spread")
#: Shortest bootstrap block of the test, trading days (about a month: events are declustered
#: over 20 days and the spread is a 5-day return).
_MIN_BLOCK = 21


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
        Index (``series`` in {"small", "spread"}, ``horizon_days``): the two event studies'
        tables (:attr:`EventStudy.table <smallcaps.events.EventStudy.table>`): ``n_events``,
        ``episodes`` (non-overlapping h-day windows), ``mean_pct``, ``median_pct``,
        ``trimmed_mean_pct``, ``hit_rate`` (share > 0, 0..1) after events; ``base_n``,
        ``base_mean_pct``, ``base_median_pct``, ``base_trimmed_mean_pct``, ``base_hit_rate``
        over all days with a z-score; ``diff_pp`` (the excess: event mean minus all-days mean,
        pp), ``ci_low_pp``, ``ci_high_pp`` (95 % block-bootstrap interval, blocks of
        ``max(h, 21)`` days), ``p_value`` (two-sided), ``q`` (Benjamini-Hochberg across the
        horizons of the series), ``median_diff_pp``, ``trimmed_diff_pp``,
        ``verdict`` and ``n_flips`` (events whose removal alone changes the verdict).  Values
        of the ``spread`` rows are in percentage points.  ``table.loc["small"]`` is one series
        by horizon.
    small_study, spread_study : EventStudy
        The event studies of the small-cap index (%) and of the spread (small minus large,
        pp): their leave-one-out flips (``.loo``), paths and display tables.
    """

    narrative: ClassVar[str] = "events"
    #: significance level and minimum events the narrative uses
    alpha: ClassVar[float] = ALPHA
    min_events_to_test: ClassVar[int] = MIN_EVENTS_TO_TEST

    signal: pd.DataFrame
    events: pd.DataFrame
    params: dict
    table: pd.DataFrame = field(repr=False)
    small_study: EventStudy = field(repr=False)
    spread_study: EventStudy = field(repr=False)

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
    def study(self, which: str = "small") -> EventStudy:
        """The event study of one forward series: ``"small"`` (the small-cap index, %) or
        ``"spread"`` (small minus large, pp)."""
        _check_choice("which", which, _WHICH)
        return self.small_study if which == "small" else self.spread_study

    def summary(self, which: str = "small") -> pd.DataFrame:
        """A display table.

        Parameters
        ----------
        which : {"small", "spread", "robustness", "events"}
            ``"small"``: forward returns of the small-cap index (%) after events (with the
            number of non-overlapping episodes) against all days, one row per horizon, with
            the excess (pp), its 95 % interval and p-value; ``"spread"``: the same for the
            spread (small minus large, pp); ``"robustness"``: mean, median and trimmed mean of
            the small-cap index after events and over all days, and the events whose removal
            alone flips the verdict; ``"events"``: one row per event (:meth:`to_frame` with
            dates as text and units in the labels).
        """
        _check_choice("which", which, (*_WHICH, "robustness", "events"))
        if which == "events":
            return _events_display(self)
        if which == "robustness":
            s = self.small_study
            return robustness_display(s.table, s.loo, "%")
        return forward_display(self.table.loc[which], "%" if which == "small" else "pp")

    def to_frame(self) -> pd.DataFrame:
        """One row per event: ``spread_pct`` (pp), ``z``, ``cluster_days`` and the forward returns
        ``small_<h>d_pct`` (%) and ``spread_<h>d_pp`` (pp); NaN where the window is not complete
        by the as-of date."""
        ev = self.events
        out = pd.DataFrame({"spread_pct": self.signal["spread_pct"].reindex(ev.index),
                            "z": ev["z"], "cluster_days": ev["cluster_days"]}, index=ev.index)
        small = self.small_study.forward.reindex(ev.index)
        spread = self.spread_study.forward.reindex(ev.index)
        for h in self.horizons:
            out[f"small_{h}d_pct"] = small[h]
        for h in self.horizons:
            out[f"spread_{h}d_pp"] = spread[h]
        return out

    def figures(self) -> dict:
        """The key figures notebook 05 records.

        ``method`` (:attr:`params`); ``events`` (``[{"date", "spread_pct", "z"}, ...]``);
        ``forward`` / ``baseline`` (small-cap index after events / over all days) and
        ``forward_spread`` / ``baseline_spread`` (the spread), each ``{"21": {"mean_pct",
        "median_pct", "hit_rate", "n", "trimmed_mean_pct"}, ...}``, after events also
        ``episodes`` (non-overlapping h-day windows); ``test`` (for the small-cap index:
        ``{"21": {"diff_pp", "ci_low_pp", "ci_high_pp", "p_value", "q", "episodes",
        "median_diff_pp", "trimmed_diff_pp", "verdict", "loo"}, ...}``, ``loo`` listing the
        events whose removal alone flips the verdict with the statistics without them, see
        :attr:`EventStudy.loo <smallcaps.events.EventStudy.loo>`); ``latest`` (``date``,
        ``spread_pct``, ``z``) and ``latest_event`` (``{"date", "z"}`` or None).
        """
        frame = self.to_frame()
        last = self.latest
        le = self.latest_event
        small, spread = self.table.loc["small"], self.table.loc["spread"]
        return {
            "method": dict(self.params),
            "events": [{"date": d, "spread_pct": float(r.spread_pct), "z": float(r.z)}
                       for d, r in frame.iterrows()],
            "forward": forward_figures(small),
            "baseline": forward_figures(small, baseline=True),
            "forward_spread": forward_figures(spread),
            "baseline_spread": forward_figures(spread, baseline=True),
            "test": excess_figures(small, self.small_study.loo),
            "latest": {k: last[k] for k in ("date", "spread_pct", "z")},
            "latest_event": None if le is None else {"date": le["date"], "z": le["z"]},
        }

    # -- paths and variants ------------------------------------------------------------------
    def paths(self, which: str = "small", max_days: int | None = None) -> pd.DataFrame:
        """Average cumulative path after events against the all-days baseline, with a
        bootstrap band that resamples groups of overlapping events whole
        (:meth:`EventStudy.paths <smallcaps.events.EventStudy.paths>`).

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
            Index ``day``; ``event_mean``, ``event_median``, ``band_low``, ``band_high`` (95 %
            group-bootstrap band of the mean), ``n_events``, ``groups`` (groups of events whose
            windows overlap, reaching that day) and ``baseline`` (mean over all days with a
            z-score).
        """
        return self.study(which).paths(max_days)

    def rerun(self, *, leave_one_out: bool = True, **changes) -> DivergenceStudy:
        """The same study with some settings changed.

        Parameters
        ----------
        leave_one_out : bool
            Compute the leave-one-out checks (False for the variants tables, which do not
            report them).
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
        return divergence_study(sig, **{k: changes.get(k, self.params[k]) for k in _STUDY_KEYS},
                                leave_one_out=leave_one_out)

    def sensitivity(self, sigmas: Sequence[float] = DEFAULT_SIGMAS,
                    which: str = "small") -> Variants:
        """The same study at other thresholds (standard deviations), everything else unchanged;
        ``which`` is the forward series compared ("small" %, "spread" pp)."""
        _check_choice("which", which, _WHICH)
        rows = {float(s): _headline(self.rerun(sigma=float(s), leave_one_out=False), which)
                for s in sigmas}
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
        rows = {m: _headline(self.rerun(std_method=m, leave_one_out=False), which)
                for m in methods}
        return _compare(rows, "std_method", self.horizons, which, self.alpha)


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


def divergence_study(signal: pd.DataFrame, sigma: float = 3.0, direction: str = "up",
                     decluster_days: int = 20,
                     forward_days: int | Sequence[int] = DEFAULT_FORWARD_DAYS,
                     n_boot: int = 2000, seed: int = 0, *,
                     leave_one_out: bool = True) -> DivergenceStudy:
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
        Bootstrap replicates and seed of the test of event mean minus baseline (horizon ``j``
        uses ``seed + j``) and of the path band.
    leave_one_out : bool
        Re-test without each event in turn (see :func:`~smallcaps.events.event_study`).

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
    a = signal.attrs
    small = signal["small"].rename(a.get("small", "small"))
    large = signal["large"].rename(a.get("large", "large"))
    options = {"eligible": signal["z"].notna(), "min_block": _MIN_BLOCK, "n_boot": n_boot,
               "seed": seed, "alpha": ALPHA, "leave_one_out": leave_one_out}
    small_study = event_study(small, events.index, horizons, **options)
    spread_study = event_study(small, events.index, horizons, benchmark=large, **options)
    table = pd.concat({"small": small_study.table, "spread": spread_study.table},
                      names=["series", "horizon_days"])
    params = {"sigma": float(sigma), "direction": direction, "decluster_days": decluster_days,
              "forward_days": list(horizons), "n_boot": n_boot, "seed": seed,
              **{k: v for k, v in signal.attrs.items() if k != "provenance"}}
    return DivergenceStudy(signal=signal, events=events, params=params, table=table,
                           small_study=small_study, spread_study=spread_study)
