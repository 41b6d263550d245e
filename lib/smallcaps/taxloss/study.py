"""The turn-of-the-year study: per-season pressure and rebound returns, their baselines, the
relative path, the YTD groups and the current season (see :mod:`smallcaps.taxloss`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps import stats
from smallcaps.calendar import map_windows, month_day_date
from smallcaps.data import AsOf
from smallcaps.dates import parse_month_day, parse_window
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.returns import window_return
from smallcaps.seasonality import path_band, window_paths, window_returns
from smallcaps.taxloss.inference import PREDICTED, forward_returns, horizon, window_test
from smallcaps.taxloss.sensitivity import ReboundSensitivity, rebound_sensitivity

__all__ = ["PRESSURE", "REBOUND", "PATH", "TurnOfYear", "turn_of_year"]

#: Default tax-loss pressure window (month-days).
PRESSURE = ("12-01", "12-20")
#: Default turn-of-the-year rebound window (month-days, crossing New Year).
REBOUND = ("12-21", "01-15")
#: Default span of the relative path through the turn of the year (month-days).
PATH = ("11-01", "01-31")

_WINDOW_KEYS = ("mean_rel_pct", "median_rel_pct", "hit_rate", "n", "t", "mean_small_pct")
_TEST_KEYS = ("horizon_days", "episodes", "trimmed_mean_pp", "baseline_pp", "excess_pp",
              "ci_low", "ci_high", "p", "verdict", "loo_flips")
_LEG_KEYS = ("mean_pct", "baseline_pct", "excess_pp", "ci_low", "ci_high", "p")
_GROUP_KEYS = ("pressure_mean_rel_pct", "rebound_mean_rel_pct", "n")


def _md(md: tuple[int, int]) -> str:
    return f"{md[0]:02d}-{md[1]:02d}"


def _check(which: str) -> None:
    if which not in ("pressure", "rebound"):
        raise ParameterError(f"window {which!r} is not known; valid: pressure, rebound")


@dataclass
class TurnOfYear(Result):
    """Per-year pressure / rebound returns, relative paths and the current year's position.

    Attributes
    ----------
    small, large : str
        Series keys.
    windows : dict
        ``pressure``, ``rebound``, ``path`` as ``(start, end)`` month-days ("MM-DD").
    years : DataFrame
        One row per year with both windows complete: ``pressure_rel``, ``rebound_rel`` (pp),
        ``pressure_small``, ``rebound_small``, ``pressure_large``, ``rebound_large`` (%),
        the windows' trading dates (``pressure_first`` ...) and lengths (``pressure_days``,
        ``rebound_days``, trading days), ``ytd_rel`` (small minus large from the previous
        year-end close to the close before the pressure window, pp) and ``ytd_group``
        (``losers`` = bottom third, ``winners`` = top third, ``middle``).
    incomplete : dict
        Years left out because a window had not closed by ``asof`` (year -> reason).
    paths : DataFrame
        Relative path (pp) by trading day of the ``path`` window (row 0 = close before the
        window, 0 pp), one column per year (incomplete years too).
    path_windows : DataFrame
        The ``path`` window mapped onto trading days (:func:`~smallcaps.calendar.map_windows`).
    band : DataFrame
        :func:`~smallcaps.seasonality.path_band` over years with a complete path window.
    asof : Timestamp
        Effective as-of date: the last date both series have a close.
    prices : DataFrame
        The two price series on their common dates, up to ``asof``.
    start : date-like or None
        Only seasons whose windows begin on or after it (also the first day of the baseline
        sample).
    provenance : dict
        Per-series provenance of the loaded prices.
    asof_info : AsOf or None
        The as-of the loaded frame carries (requested and resolved dates), when it has one.
    """

    narrative: ClassVar[str] = "taxloss"

    small: str
    large: str
    windows: dict
    years: pd.DataFrame
    incomplete: dict
    paths: pd.DataFrame
    path_windows: pd.DataFrame
    band: pd.DataFrame
    asof: pd.Timestamp
    prices: pd.DataFrame
    start: object = None
    provenance: dict = field(default_factory=dict)
    asof_info: AsOf | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- data ------------------------------------------------------------------------------

    def window_stats(self, which: str) -> dict:
        """Summary of one window across years (raw, against zero).

        Returns
        -------
        dict
            ``mean_rel_pct``, ``median_rel_pct`` (pp), ``hit_rate`` (share of years small caps
            beat large caps, 0..1), ``n``, ``t`` (of the relative mean against zero),
            ``mean_small_pct``, ``median_small_pct`` (%), ``hit_rate_small`` (share of years
            small caps rose), ``mean_large_pct`` (%).
        """
        _check(which)
        rel = stats.summarize(self.years[f"{which}_rel"])
        sm = stats.summarize(self.years[f"{which}_small"])
        return {"mean_rel_pct": rel["mean"], "median_rel_pct": rel["median"],
                "hit_rate": rel["hit_rate"], "n": rel["n"], "t": rel["t"],
                "mean_small_pct": sm["mean"], "median_small_pct": sm["median"],
                "hit_rate_small": sm["hit_rate"],
                "mean_large_pct": float(self.years[f"{which}_large"].mean())
                if len(self.years) else np.nan}

    def window_test(self, which: str) -> dict:
        """One window against the typical window of the same length in the same sample, for
        the relative return and each index (:func:`smallcaps.taxloss.inference.window_test`:
        ``horizon_days``, ``n``, ``episodes``, ``mean_pp``, ``median_pp``,
        ``trimmed_mean_pp``, ``baseline_pp``, ``excess_pp``, ``ci_low``, ``ci_high``, ``p``,
        ``verdict``, ``loo_flips``, ``small`` and ``large``).  Computed once and kept."""
        _check(which)
        key = ("window", which)
        if key not in self._cache:
            y, px = self.years, self.prices
            h = horizon(y[f"{which}_days"])
            fwd = {}
            if h is not None:
                fwd["small"] = forward_returns(px[self.small], h)
                fwd["large"] = forward_returns(px[self.large], h)
                fwd["rel"] = fwd["small"] - fwd["large"]
            wins = {"rel": y[f"{which}_rel"], "small": y[f"{which}_small"],
                    "large": y[f"{which}_large"]}
            self._cache[key] = window_test(fwd, y[f"{which}_first"], wins, h,
                                           PREDICTED[which], self.start)
        return self._cache[key]

    def trough(self) -> dict:
        """Where the average relative path bottoms.

        Only days on which at least 90 % of the years have a value are considered (windows
        differ by a few trading days; the last days would average a different set of years).

        Returns
        -------
        dict
            ``trading_day`` (trading days after the path window's start, 1 = its first day;
            0 when the average never dips below the start; None without a complete window),
            ``date`` (typical calendar date "MM-DD": the median across years of the calendar
            position of that trading day), ``value_pp``, ``years`` and ``vs_pressure``
            (``"before"``, ``"inside"`` or ``"after"`` the pressure window, None without a
            date).
        """
        b = self.band.dropna(subset=["mean"])
        if b.empty:
            return {"trading_day": None, "date": None, "value_pp": np.nan, "years": 0,
                    "vs_pressure": None}
        b = b.loc[b["n"] >= 0.9 * b["n"].max()]
        day = int(b["mean"].idxmin())
        date = self._typical_date(day)
        return {"trading_day": day, "date": date, "value_pp": float(b.at[day, "mean"]),
                "years": int(b.at[day, "n"]),
                "vs_pressure": _relation_to_window(date, self.windows["pressure"],
                                                   self.windows["path"])}

    def _typical_date(self, day: int) -> str | None:
        offsets = []
        idx = self.prices.index
        for _, w in self.path_windows.loc[self.path_windows["complete"]].iterrows():
            i = idx.get_loc(w["base"]) + day
            if i < len(idx) and idx[i] <= w["last"]:
                offsets.append((idx[i] - w["cal_start"]).days)
        if not offsets:
            return None
        (sm, sd), _ = parse_window(self.windows["path"])
        ref = month_day_date(2001, (sm, sd)) + pd.Timedelta(days=float(np.median(offsets)))
        return f"{ref:%m-%d}"

    def by_ytd_group(self) -> pd.DataFrame:
        """Both windows by the small caps' year-to-date relative performance up to the
        pressure window.

        Returns
        -------
        DataFrame
            Rows ``losers`` (bottom third of years), ``middle``, ``winners`` (top third);
            columns ``pressure_mean_rel_pct``, ``rebound_mean_rel_pct`` (pp), their hit rates
            (0..1), ``n`` (seasons) and the YTD range of the group (``ytd_min_pp``,
            ``ytd_max_pp``).
        """
        rows = {}
        for g in ("losers", "middle", "winners"):
            y = self.years.loc[self.years["ytd_group"] == g]
            rows[g] = {"pressure_mean_rel_pct": float(y["pressure_rel"].mean()),
                       "rebound_mean_rel_pct": float(y["rebound_rel"].mean()),
                       "pressure_hit_rate": float((y["pressure_rel"] > 0).mean()),
                       "rebound_hit_rate": float((y["rebound_rel"] > 0).mean()),
                       "n": int(len(y)),
                       "ytd_min_pp": float(y["ytd_rel"].min()),
                       "ytd_max_pp": float(y["ytd_rel"].max())} if len(y) else {
                "pressure_mean_rel_pct": np.nan, "rebound_mean_rel_pct": np.nan,
                "pressure_hit_rate": np.nan, "rebound_hit_rate": np.nan, "n": 0,
                "ytd_min_pp": np.nan, "ytd_max_pp": np.nan}
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def rebound_group_t(self) -> float:
        """Welch t of the losers' mean rebound (pp) minus the winners' (NaN with too few)."""
        return self.group_test()["rebound_welch_t"]

    def group_test(self) -> dict:
        """Losers against winners: ``losers_n``, ``winners_n`` (seasons),
        ``pressure_welch_t`` and ``rebound_welch_t`` (Welch t of the losers' mean minus the
        winners', NaN with too few), ``rebound_significant`` (``|t| >= T_CRIT``) and
        ``loo_flips`` (seasons whose removal alone changes which group rebounds more or
        whether the difference is significant)."""
        if "groups" not in self._cache:
            self._cache["groups"] = _group_test(self.years)
        return self._cache["groups"]

    def current(self) -> dict:
        """Where ``asof`` stands in its season.

        Returns
        -------
        dict
            ``year`` (the season's December year), ``phase`` (``before``, ``pressure``,
            ``between``, ``rebound``, ``after``), ``ytd_rel_pct`` (small minus large, pp, from
            the previous year-end close to ``ytd_until``), ``ytd_until`` (the close before
            the pressure window, or ``asof`` when that is earlier), ``ytd_at_pressure``
            (whether ``ytd_until`` is the close before the pressure window), ``ytd_group``
            (the group that YTD would fall in by past years' thresholds, or
            ``unclassified``) and ``path`` (the season's relative path so far, or None).
        """
        return _current_phase(self)

    def typical_window_days(self) -> dict:
        """Median trading-day position of each window inside the path window:
        ``{"pressure": (first_day, last_day), "rebound": (...)}`` (day 1 = first day of the
        path window; None without a complete season), over years with a complete path
        window."""
        idx = self.prices.index
        out = {}
        for name in ("pressure", "rebound"):
            firsts, lasts = [], []
            for year, w in self.path_windows.loc[self.path_windows["complete"]].iterrows():
                if year not in self.years.index:
                    continue
                b = idx.get_loc(w["base"])
                firsts.append(idx.get_loc(self.years.at[year, f"{name}_first"]) - b)
                lasts.append(idx.get_loc(self.years.at[year, f"{name}_last"]) - b)
            out[name] = (float(np.median(firsts)), float(np.median(lasts))) if firsts else None
        return out

    def sensitivity(self, first: str = "12-10", last: str = "12-28") -> ReboundSensitivity:
        """Rebound windows starting on each day from ``first`` to ``last`` (month-days of one
        month), the end fixed at the rebound window's end, each against its own baseline and
        jointly tested (:func:`smallcaps.taxloss.sensitivity.rebound_sensitivity`).  Computed
        once per range and kept."""
        key = ("sensitivity", first, last)
        if key not in self._cache:
            self._cache[key] = rebound_sensitivity(self, first, last)
        return self._cache[key]

    # -- protocol --------------------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """Both windows side by side: rows are the statistics of :meth:`window_stats`, those of
        :meth:`window_test` (``horizon_days`` ... ``p``, ``verdict``; the indices' as
        ``small_excess_pp``, ``small_p``, ``large_excess_pp``, ``large_p``) and ``window``
        ("MM-DD to MM-DD"); columns ``pressure`` and ``rebound``."""
        cols = {}
        for w in ("pressure", "rebound"):
            test = self.window_test(w)
            legs = {f"{leg}_{k}": test[leg][k] for leg in ("small", "large")
                    for k in ("excess_pp", "p")}
            cols[w] = {**self.window_stats(w),
                       **{k: test[k] for k in _TEST_KEYS if k != "loo_flips"}, **legs,
                       "window": " to ".join(self.windows[w])}
        return pd.DataFrame(cols)

    def to_frame(self) -> pd.DataFrame:
        """One row per complete season (index ``year``): ``pressure_rel_pp``,
        ``rebound_rel_pp``, ``pressure_small_pct``, ``rebound_small_pct``,
        ``pressure_large_pct``, ``rebound_large_pct``, ``ytd_rel_pp`` (before the pressure
        window), ``ytd_group`` and the windows' first and last trading days (YYYY-MM-DD)."""
        cols = {"pressure_rel": "pressure_rel_pp", "rebound_rel": "rebound_rel_pp",
                "pressure_small": "pressure_small_pct", "rebound_small": "rebound_small_pct",
                "pressure_large": "pressure_large_pct", "rebound_large": "rebound_large_pct",
                "ytd_rel": "ytd_rel_pp", "ytd_group": "ytd_group",
                "pressure_first": "pressure_first", "pressure_last": "pressure_last",
                "rebound_first": "rebound_first", "rebound_last": "rebound_last"}
        out = self.years[list(cols)].rename(columns=cols)
        for c in ("pressure_first", "pressure_last", "rebound_first", "rebound_last"):
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
        return out

    def figures(self) -> dict:
        """The figures notebook 04 records: ``pressure_window`` and ``rebound_window``
        (``mean_rel_pct``, ``median_rel_pct`` pp, ``hit_rate`` 0..1, ``n``, ``t`` against
        zero, ``mean_small_pct`` %; against the typical window of the same length:
        ``horizon_days``, ``episodes``, ``trimmed_mean_pp``, ``baseline_pp``, ``excess_pp``,
        ``ci_low``, ``ci_high`` pp, ``p``, ``verdict``, ``loo_flips`` (years), and ``small`` /
        ``large``: ``mean_pct``, ``baseline_pct`` %, ``excess_pp``, ``ci_low``, ``ci_high``,
        ``p``), ``typical_trough`` (``trading_day``, ``date`` "MM-DD"), ``by_ytd_group``
        (``losers`` / ``winners``: both windows' mean relative return, pp, and ``n``;
        ``pressure_welch_t``, ``rebound_welch_t``, ``loo_flips``) and ``current_year``
        (``year``, ``phase``, ``ytd_rel_pct`` pp)."""
        trough, current, groups = self.trough(), self.current(), self.by_ytd_group()
        gt = self.group_test()
        out = {}
        for w in ("pressure", "rebound"):
            test, raw = self.window_test(w), self.window_stats(w)
            out[f"{w}_window"] = {**{k: raw[k] for k in _WINDOW_KEYS},
                                  **{k: test[k] for k in _TEST_KEYS},
                                  **{leg: {k: test[leg][k] for k in _LEG_KEYS}
                                     for leg in ("small", "large")}}
        by_group = {g: {k: int(groups.at[g, k]) if k == "n" else groups.at[g, k]
                        for k in _GROUP_KEYS} for g in ("losers", "winners")}
        by_group.update({k: gt[k] for k in ("pressure_welch_t", "rebound_welch_t",
                                             "loo_flips")})
        return {**out,
                "typical_trough": {"trading_day": trough["trading_day"], "date": trough["date"]},
                "by_ytd_group": by_group,
                "current_year": {"year": current["year"], "phase": current["phase"],
                                 "ytd_rel_pct": current["ytd_rel_pct"]}}


def _group_test(years: pd.DataFrame) -> dict:
    """See :meth:`TurnOfYear.group_test`."""
    g = years["ytd_group"]
    lo, hi = years.loc[g == "losers"], years.loc[g == "winners"]

    def verdict(sample: pd.Series) -> tuple:
        a, b = sample[sample.index.isin(lo.index)], sample[sample.index.isin(hi.index)]
        t = stats.welch_t(a, b)
        return (bool(a.mean() > b.mean()), bool(np.isfinite(t) and abs(t) >= stats.T_CRIT))

    both = years.loc[(g == "losers") | (g == "winners"), "rebound_rel"]
    t_r = stats.welch_t(lo["rebound_rel"], hi["rebound_rel"])
    return {"losers_n": int(len(lo)), "winners_n": int(len(hi)),
            "pressure_welch_t": stats.welch_t(lo["pressure_rel"], hi["pressure_rel"]),
            "rebound_welch_t": t_r,
            "rebound_significant": bool(np.isfinite(t_r) and abs(t_r) >= stats.T_CRIT),
            "loo_flips": [int(y) for y in stats.leave_one_out(both, verdict)]
            if len(lo) >= 2 and len(hi) >= 2 else []}


def _relation_to_window(date: str | None, window, path) -> str | None:
    """'inside' / 'before' / 'after' for an "MM-DD" relative to a window, using calendar
    positions from the path window's start (so New Year is handled)."""
    if date is None:
        return None
    (ps_m, ps_d), _ = parse_window(path)
    anchor = month_day_date(2001, (ps_m, ps_d))

    def pos(md: tuple[int, int]) -> int:
        x = month_day_date(2001, md)
        if x < anchor:
            x = month_day_date(2002, md)
        return (x - anchor).days

    (a, b) = parse_window(window)
    p, lo, hi = pos(parse_month_day(date)), pos(a), pos(b)
    return "inside" if lo <= p <= hi else ("before" if p < lo else "after")


def _pair_frame(prices: pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
    if not isinstance(prices, pd.DataFrame) or prices.shape[1] != 2:
        raise ParameterError("prices must be a DataFrame with exactly two columns "
                             "[small, large], e.g. prices[['RUT', 'SPX']]")
    small, large = (str(c) for c in prices.columns)
    both = prices.dropna(how="any")
    if both.empty:
        raise ParameterError(f"{small} and {large} have no date in common")
    return both, small, large


def turn_of_year(prices: pd.DataFrame, pressure_window=PRESSURE, rebound_window=REBOUND,
                 path_window=PATH, start=None) -> TurnOfYear:
    """Time the tax-loss pressure and turn-of-the-year rebound, year by year.

    Parameters
    ----------
    prices : DataFrame
        Two columns of daily closes, ``[small, large]`` (e.g. ``prices[["RUT", "SPX"]]``),
        loaded with :func:`smallcaps.data.load` from
        :func:`smallcaps.calendar.lookback_start` so the first year has its previous
        year-end close.  The study's as-of is the last date both columns have a close (the
        loaded frame is cut at its as-of); windows not complete by then are excluded (and
        listed in ``incomplete``).
    pressure_window, rebound_window, path_window : pair of "MM-DD"
        Month-day windows (see the module docstring for the mapping rule).
    start : date-like, optional
        Keep only years whose windows begin on or after ``start``.

    Returns
    -------
    TurnOfYear
    """
    both, small, large = _pair_frame(prices)
    windows = {}
    for name, w in (("pressure", pressure_window), ("rebound", rebound_window),
                    ("path", path_window)):
        (a, b) = parse_window(w, f"{name}_window")
        windows[name] = (_md(a), _md(b))
    asof = pd.Timestamp(both.index[-1])
    idx = both.index
    wp = map_windows(idx, windows["pressure"], asof=asof, start=start)
    wr = map_windows(idx, windows["rebound"], asof=asof, start=start)
    cols = {}
    for name, w in (("pressure", wp), ("rebound", wr)):
        s, lg = window_returns(both[small], w), window_returns(both[large], w)
        cols[f"{name}_small"], cols[f"{name}_large"] = s, lg
        cols[f"{name}_rel"] = s - lg
        cols[f"{name}_first"], cols[f"{name}_last"] = w["first"], w["last"]
        cols[f"{name}_days"] = w["days"]
        cols[f"{name}_complete"] = w["complete"]
    table = pd.DataFrame(cols)
    table.index.name = "year"
    ytd = {y: _ytd_rel(both, small, large, int(y), wp.at[y, "base"]) for y in wp.index}
    table["ytd_rel"] = pd.Series(ytd, dtype=float)
    done_p = table["pressure_complete"].eq(True)
    done_r = table["rebound_complete"].eq(True)
    complete = done_p & done_r
    incomplete = {}
    for y in table.index[~complete]:
        missing = [n for n, ok in (("pressure", done_p[y]), ("rebound", done_r[y])) if not ok]
        incomplete[int(y)] = " and ".join(missing) + " window not complete"
    years = table.loc[complete].drop(columns=["pressure_complete", "rebound_complete"])
    years["ytd_group"] = _terciles(years["ytd_rel"])
    wpath = map_windows(idx, windows["path"], asof=asof, start=start)
    paths = window_paths(both[small], wpath) - window_paths(both[large], wpath)
    done = [y for y in wpath.index if wpath.at[y, "complete"]]
    band = path_band(paths[done]) if done else path_band(paths.iloc[:, :0])
    return TurnOfYear(small=small, large=large, windows=windows, years=years,
                      incomplete=incomplete, paths=paths, path_windows=wpath, band=band,
                      asof=asof, prices=both, start=start,
                      provenance=dict(prices.attrs.get("provenance", {})),
                      asof_info=AsOf.from_value(prices.attrs.get("asof")))


def _ytd_rel(both: pd.DataFrame, small: str, large: str, year: int, until) -> float:
    """Small minus large (pp) from the last close of ``year - 1`` to the close of ``until``
    (NaN when the data has no close in ``year - 1``)."""
    idx = both.index
    k = idx.searchsorted(pd.Timestamp(year=year - 1, month=12, day=31), side="right")
    if k == 0 or pd.isna(until) or idx[k - 1].year != year - 1:  # no close in year - 1
        return float("nan")
    base, until = idx[k - 1], pd.Timestamp(until)
    if until <= base:
        return 0.0
    return window_return(both[small], base, until) - window_return(both[large], base, until)


def _terciles(x: pd.Series) -> pd.Series:
    """``losers`` (bottom n // 3 by value), ``winners`` (top n // 3), ``middle``; NaN values
    are left unclassified."""
    out = pd.Series("unclassified", index=x.index, dtype=object)
    v = x.dropna()
    k = len(v) // 3
    if k == 0:
        return out
    order = v.sort_values(kind="mergesort").index
    out.loc[v.index] = "middle"
    out.loc[order[:k]] = "losers"
    out.loc[order[-k:]] = "winners"
    return out


def _current_phase(study: TurnOfYear) -> dict:
    """See :meth:`TurnOfYear.current`."""
    asof = study.asof
    w = study.windows
    (ps, pe), (rs, re_), (hs, he) = (parse_window(w["pressure"]), parse_window(w["rebound"]),
                                     parse_window(w["path"]))

    def span(year, a, b):
        return month_day_date(year, a), month_day_date(year + int(b < a), b)

    def season_end(year):
        return max(span(year, rs, re_)[1], span(year, hs, he)[1], span(year, ps, pe)[1])

    year = asof.year - 1 if asof <= season_end(asof.year - 1) and \
        asof >= span(asof.year - 1, ps, pe)[0] else asof.year
    p0, p1 = span(year, ps, pe)
    r0, r1 = span(year, rs, re_)
    if asof < p0:
        phase = "before"
    elif asof <= p1:
        phase = "pressure"
    elif asof < r0:
        phase = "between"
    elif asof <= r1:
        phase = "rebound"
    else:
        phase = "after"
    # YTD relative up to the close before the pressure window (or asof if earlier)
    idx = study.prices.index
    first_p = idx[idx >= p0]
    until = idx[idx < first_p[0]][-1] if len(first_p) and first_p[0] <= asof else asof
    ytd = _ytd_rel(study.prices, study.small, study.large, year, until)
    hist = study.years["ytd_rel"].dropna()
    k = len(hist) // 3
    group = "unclassified"
    if k and np.isfinite(ytd):
        srt = np.sort(hist.to_numpy())
        group = ("losers" if ytd <= srt[k - 1] else "winners" if ytd >= srt[-k] else "middle")
    path = study.paths[year].dropna() if year in study.paths.columns else None
    return {"year": int(year), "phase": phase, "ytd_rel_pct": float(ytd),
            "ytd_until": pd.Timestamp(until), "ytd_at_pressure": bool(until != asof),
            "ytd_group": group, "path": path}
