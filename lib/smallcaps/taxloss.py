"""Tax-loss selling and turn-of-the-year timing of small caps against large caps (notebook 04).

The trader's playbook: small caps lag around the first three weeks of December as tax-loss
selling hits, then rebound into mid-January, more so in years in which they were the losers.
This module times both windows year by year and says how reliable they are.

Windows are month-day pairs mapped onto trading days with the rule of
:mod:`smallcaps.seasonality` (:func:`~smallcaps.seasonality.map_windows`): a window covers the
first trading day on or after its start month-day to the last trading day on or before its end
month-day; its return runs from the close before the first day to the close of the last day; a
window crossing New Year belongs to the December's year.  Relative returns are small minus
large, in percentage points (pp); both legs are measured on the dates both series trade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.returns import summarize, window_return
from smallcaps.seasonality import (
    SIGNIFICANT_T,
    _pct,
    _provenance,
    _share,
    _sig,
    _welch_t,
    map_windows,
    month_day_date,
    parse_month_day,
    parse_window,
    path_band,
    resolve_asof,
    window_paths,
    window_returns,
)

PRESSURE = ("12-01", "12-20")
REBOUND = ("12-21", "01-15")
PATH = ("11-01", "01-31")
PHASES = ("before", "pressure", "between", "rebound", "after")


def _md(md: tuple[int, int]) -> str:
    return f"{md[0]:02d}-{md[1]:02d}"


def _window_label(window) -> str:
    (a, b) = parse_window(window)
    return f"{_md(a)} to {_md(b)}"


@dataclass
class TurnOfYear:
    """Per-year pressure / rebound returns, relative paths and the current year's position.

    Attributes
    ----------
    small, large : str
        Series keys.
    windows : dict
        ``pressure``, ``rebound``, ``path`` as ``(start, end)`` month-days.
    years : DataFrame
        One row per year with both windows complete: ``pressure_rel``, ``rebound_rel`` (pp),
        ``pressure_small``, ``rebound_small``, ``pressure_large``, ``rebound_large`` (%),
        the windows' trading dates, ``ytd_rel`` (small minus large from the previous year-end
        close to the close before the pressure window, pp) and ``ytd_group`` (``losers`` =
        bottom third, ``winners`` = top third, ``middle``).
    incomplete : dict
        Years left out because a window had not closed by ``asof`` (year -> reason).
    paths : DataFrame
        Relative path (pp) by trading day of ``path`` window (row 0 = close before the window,
        0 pp), one column per year (incomplete years too).
    band : DataFrame
        :func:`~smallcaps.seasonality.path_band` over years with a complete path window.
    asof : Timestamp
        Effective as-of date.
    prices : DataFrame
        The two price series on their common dates (for :meth:`sensitivity`).
    """

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

    # -- summaries -------------------------------------------------------------------------

    def window_stats(self, which: str) -> dict:
        """Summary of one window across years: ``mean_rel_pct``, ``median_rel_pct``,
        ``hit_rate`` (share of years small caps beat large caps, 0..1), ``n``, ``t`` (of the
        relative mean), ``mean_small_pct``, ``median_small_pct``, ``hit_rate_small`` (share of
        years small caps rose), ``mean_large_pct``."""
        if which not in ("pressure", "rebound"):
            raise ParameterError(f"window {which!r} is not known; valid: pressure, rebound")
        rel = summarize(self.years[f"{which}_rel"])
        sm = summarize(self.years[f"{which}_small"])
        return {"mean_rel_pct": rel["mean"], "median_rel_pct": rel["median"],
                "hit_rate": rel["hit_rate"], "n": rel["n"], "t": rel["t"],
                "mean_small_pct": sm["mean"], "median_small_pct": sm["median"],
                "hit_rate_small": sm["hit_rate"],
                "mean_large_pct": float(self.years[f"{which}_large"].mean())
                if len(self.years) else np.nan}

    def summary(self) -> pd.DataFrame:
        """Both windows side by side (rows: statistic, columns: pressure / rebound)."""
        out = pd.DataFrame({w: self.window_stats(w) for w in ("pressure", "rebound")})
        out.loc["window"] = [_window_label(self.windows["pressure"]),
                             _window_label(self.windows["rebound"])]
        return out

    def record_window(self, which: str) -> dict:
        s = self.window_stats(which)
        return {k: s[k] for k in ("mean_rel_pct", "median_rel_pct", "hit_rate", "n", "t",
                                  "mean_small_pct")}

    def trough(self) -> dict:
        """Where the average relative path bottoms: ``trading_day`` (trading days after the
        window's start, 1 = its first day; 0 when the average never dips below the start),
        ``date`` (typical calendar date "MM-DD": the median across years of the calendar
        position of that trading day), ``value_pp`` and ``years``.

        Only days on which at least 90 % of the years have a value are considered (windows
        differ by a few trading days; the last days would average a different set of years)."""
        b = self.band.dropna(subset=["mean"])
        if b.empty:
            return {"trading_day": None, "date": None, "value_pp": np.nan, "years": 0}
        b = b.loc[b["n"] >= 0.9 * b["n"].max()]
        day = int(b["mean"].idxmin())
        return {"trading_day": day, "date": self._typical_date(day),
                "value_pp": float(b.at[day, "mean"]), "years": int(b.at[day, "n"])}

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
        pressure window: ``losers`` (bottom third of years), ``middle``, ``winners`` (top
        third).  Columns: ``pressure_mean_rel_pct``, ``rebound_mean_rel_pct``, their hit
        rates, ``n``, and the YTD range of the group (``ytd_min_pp``, ``ytd_max_pp``)."""
        rows = {}
        for g in ("losers", "middle", "winners"):
            y = self.years.loc[self.years["ytd_group"] == g]
            if y.empty:
                rows[g] = {"pressure_mean_rel_pct": np.nan, "rebound_mean_rel_pct": np.nan,
                           "pressure_hit_rate": np.nan, "rebound_hit_rate": np.nan, "n": 0,
                           "ytd_min_pp": np.nan, "ytd_max_pp": np.nan}
                continue
            rows[g] = {"pressure_mean_rel_pct": float(y["pressure_rel"].mean()),
                       "rebound_mean_rel_pct": float(y["rebound_rel"].mean()),
                       "pressure_hit_rate": float((y["pressure_rel"] > 0).mean()),
                       "rebound_hit_rate": float((y["rebound_rel"] > 0).mean()),
                       "n": int(len(y)),
                       "ytd_min_pp": float(y["ytd_rel"].min()),
                       "ytd_max_pp": float(y["ytd_rel"].max())}
        return pd.DataFrame.from_dict(rows, orient="index")

    def record_groups(self) -> dict:
        g = self.by_ytd_group()
        return {k: {"pressure_mean_rel_pct": g.at[k, "pressure_mean_rel_pct"],
                    "rebound_mean_rel_pct": g.at[k, "rebound_mean_rel_pct"],
                    "n": int(g.at[k, "n"])} for k in ("losers", "winners")}

    def current(self) -> dict:
        """Where ``asof`` stands: ``year`` (the season's December year), ``phase`` (before,
        pressure, between, rebound, after), ``ytd_rel_pct`` (small minus large from the
        previous year-end close to the close before the pressure window, or to ``asof`` when
        that is earlier), ``ytd_group`` (the group that YTD would fall in by past years'
        thresholds) and ``path`` (the season's relative path so far, or None)."""
        return current_phase(self)

    def to_frame(self) -> pd.DataFrame:
        """Per-year table for display: relative and small-cap returns of both windows, the
        YTD relative performance before the pressure window and its group (rounded)."""
        cols = {"pressure_rel": "pressure rel (pp)", "rebound_rel": "rebound rel (pp)",
                "pressure_small": f"pressure {self.small} (%)",
                "rebound_small": f"rebound {self.small} (%)",
                "ytd_rel": "YTD rel before pressure (pp)", "ytd_group": "YTD group",
                "pressure_first": "pressure first", "pressure_last": "pressure last",
                "rebound_first": "rebound first", "rebound_last": "rebound last"}
        out = self.years[list(cols)].rename(columns=cols)
        for c in out.columns:
            if "first" in c or "last" in c:
                out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
        return out.round(2)

    def typical_window_days(self) -> dict:
        """Median trading-day position of each window inside the path window:
        ``{"pressure": (first_day, last_day), "rebound": (...)}`` (day 1 = first day of the
        path window), over years with a complete path window."""
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

    def sensitivity(self, first: str = "12-10", last: str = "12-28") -> pd.DataFrame:
        """Rebound statistics for rebound windows starting on each day from ``first`` to
        ``last`` (month-days in one month), the end fixed at the rebound window's end.

        Returns one row per start month-day: ``mean_rel_pct``, ``median_rel_pct``,
        ``hit_rate``, ``n``, ``t``, ``mean_small_pct``."""
        (fm, fd) = parse_month_day(first, "sensitivity first")
        (lm, ld) = parse_month_day(last, "sensitivity last")
        if fm != lm or ld < fd:
            raise ParameterError(f"sensitivity starts {first!r}..{last!r} must be increasing "
                                 "days of one month, e.g. '12-10'..'12-28'")
        end = self.windows["rebound"][1]
        rows = {}
        for d in range(fd, ld + 1):
            md = f"{fm:02d}-{d:02d}"
            w = map_windows(self.prices.index, [md, end], asof=self.asof, start=self.start)
            w = w.loc[w["complete"]]
            s = window_returns(self.prices[self.small], w)
            lg = window_returns(self.prices[self.large], w)
            rel = summarize(s - lg)
            rows[md] = {"mean_rel_pct": rel["mean"], "median_rel_pct": rel["median"],
                        "hit_rate": rel["hit_rate"], "n": rel["n"], "t": rel["t"],
                        "mean_small_pct": float(s.mean())}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = f"rebound start (end {end})"
        return out

    # -- prose -----------------------------------------------------------------------------

    def windows_reading(self) -> str:
        """Markdown on the pressure and rebound windows (sign, size, reliability)."""
        p, r = self.window_stats("pressure"), self.window_stats("rebound")
        if p["n"] == 0 or r["n"] == 0:
            return "No year has both windows complete in the data."
        lines = []
        for name, s, expect in (("Pressure", p, "dip"), ("Rebound", r, "rally")):
            label = _window_label(self.windows[name.lower()])
            beat = "beat" if s["mean_rel_pct"] > 0 else "lagged"
            if expect == "dip":
                seen = s["mean_rel_pct"] < 0
                claim = ("the playbook's December dip shows up" if seen and s["t"] <= -SIGNIFICANT_T
                         else "the playbook's December dip shows up on average but not reliably"
                         if seen else "the playbook's December dip does not show up")
            else:
                seen = s["mean_rel_pct"] > 0
                claim = ("the playbook's rebound shows up" if seen and s["t"] >= SIGNIFICANT_T
                         else "the playbook's rebound shows up on average but not reliably"
                         if seen else "the playbook's rebound does not show up")
            lines.append(
                f"- **{name} window ({label})**: small caps ({self.small}) {beat} large caps "
                f"({self.large}) by {abs(s['mean_rel_pct']):.2f} pp on average (median "
                f"{_pct(s['median_rel_pct'], 'pp')}), beating them in {_share(s['hit_rate'])} of "
                f"{s['n']} years; the mean is {_sig(s['t'])}, so {claim}. In absolute terms "
                f"{self.small} returned {_pct(s['mean_small_pct'])} on average (up in "
                f"{_share(s['hit_rate_small'])} of years).")
        text = "\n".join(lines)
        text += "\n\n" + self.excluded_reading()
        return text

    def years_reading(self) -> str:
        """Markdown: the extreme years of each window and the latest complete season."""
        y = self.years
        if y.empty:
            return "No year has both windows complete."
        lines = []
        for name in ("pressure", "rebound"):
            col = y[f"{name}_rel"]
            lo, hi = col.idxmin(), col.idxmax()
            lines.append(f"- {name.capitalize()} window: weakest for small caps in {lo} "
                         f"({_pct(col[lo], 'pp')}), strongest in {hi} ({_pct(col[hi], 'pp')}).")
        last = y.index[-1]
        p, r = y.at[last, "pressure_rel"], y.at[last, "rebound_rel"]
        mp, mr = y["pressure_rel"].mean(), y["rebound_rel"].mean()
        lines.append(
            f"- Latest complete season ({last}): pressure {_pct(p, 'pp')} "
            f"({'above' if p > mp else 'below'} the average {_pct(mp, 'pp')}), rebound "
            f"{_pct(r, 'pp')} ({'above' if r > mr else 'below'} the average {_pct(mr, 'pp')}).")
        return "\n".join(lines)

    def excluded_reading(self) -> str:
        if not self.incomplete:
            return "Every year in range has complete windows."
        notes = "; ".join(f"{y} ({why})" for y, why in self.incomplete.items())
        return f"Excluded, windows not complete by {self.asof:%Y-%m-%d}: {notes}."

    def trough_reading(self) -> str:
        t = self.trough()
        if t["trading_day"] is None:
            return "No complete path window to average."
        label = _window_label(self.windows["path"])
        if t["trading_day"] == 0 or t["value_pp"] >= 0:
            return (f"Averaged over {t['years']} years, the relative path from "
                    f"{label} never falls below its starting level: there is no average "
                    "trough for small caps in this window.")
        (ps, pe) = parse_window(self.windows["pressure"])
        where = _relation_to_window(t["date"], self.windows["pressure"], self.windows["path"])
        return (f"Averaged over {t['years']} years, small caps' relative path ({label}) bottoms "
                f"on trading day {t['trading_day']} of the window, typically around "
                f"{t['date']} (MM-DD), at {_pct(t['value_pp'], 'pp')}: {where} the pressure "
                f"window ({_md(ps)} to {_md(pe)}).")

    def groups_reading(self) -> str:
        g = self.by_ytd_group()
        lo, hi = g.loc["losers"], g.loc["winners"]
        if lo["n"] < 2 or hi["n"] < 2:
            return "Too few years to compare losers with winners."
        ok_p = lo["pressure_mean_rel_pct"] < hi["pressure_mean_rel_pct"]
        ok_r = lo["rebound_mean_rel_pct"] > hi["rebound_mean_rel_pct"]
        t_r = _welch_t(self.years.loc[self.years["ytd_group"] == "losers", "rebound_rel"],
                       self.years.loc[self.years["ytd_group"] == "winners", "rebound_rel"])
        verdict = ("both as the tax-loss hypothesis predicts" if ok_p and ok_r else
                   "the rebound as predicted but not the pressure" if ok_r else
                   "the pressure as predicted but not the rebound" if ok_p else
                   "neither as the tax-loss hypothesis predicts")
        sig = ("statistically distinguishable" if np.isfinite(t_r) and abs(t_r) >= SIGNIFICANT_T
               else "not statistically distinguishable")
        return (f"Loser years (bottom third by {self.small}-{self.large} year-to-date relative "
                f"performance before the pressure window, {lo['ytd_min_pp']:+.1f} to "
                f"{lo['ytd_max_pp']:+.1f} pp, n = {int(lo['n'])}) saw "
                f"{_pct(lo['pressure_mean_rel_pct'], 'pp')} in the pressure window and "
                f"{_pct(lo['rebound_mean_rel_pct'], 'pp')} in the rebound window; winner years "
                f"(top third, {hi['ytd_min_pp']:+.1f} to {hi['ytd_max_pp']:+.1f} pp, n = "
                f"{int(hi['n'])}) saw {_pct(hi['pressure_mean_rel_pct'], 'pp')} and "
                f"{_pct(hi['rebound_mean_rel_pct'], 'pp')}. Losers differ from winners in "
                f"{verdict}; the rebound difference is {sig} (Welch t = {t_r:.1f}).")

    def current_reading(self) -> str:
        c = self.current()
        phase_text = {
            "before": "before the pressure window",
            "pressure": "inside the pressure window",
            "between": "between the pressure and rebound windows",
            "rebound": "inside the rebound window",
            "after": "after the rebound window",
        }[c["phase"]]
        text = (f"As of {self.asof:%Y-%m-%d}, the {c['year']} season is {phase_text} "
                f"(pressure {_window_label(self.windows['pressure'])}, rebound "
                f"{_window_label(self.windows['rebound'])}).")
        if np.isfinite(c["ytd_rel_pct"]):
            grp = {"losers": "among the losers (bottom third)",
                   "winners": "among the winners (top third)",
                   "middle": "in the middle third"}.get(c["ytd_group"], "unclassified")
            text += (f" Year-to-date {self.small} {'leads' if c['ytd_rel_pct'] > 0 else 'trails'}"
                     f" {self.large} by {abs(c['ytd_rel_pct']):.2f} pp ({c['ytd_to']}), which "
                     f"would place {c['year']} {grp} of past years"
                     + (" (past years are measured up to their pressure window, so this is "
                        "provisional)." if c["phase"] == "before" else "."))
        path = c["path"]
        if path is not None and len(path) > 1:
            day = int(path.index[-1])
            avg = self.band["mean"].get(day, np.nan)
            rel = "above" if path.iloc[-1] > avg else "below"
            text += (f" Its relative path stands at {_pct(float(path.iloc[-1]), 'pp')} after "
                     f"{day} trading days of the path window, {rel} the average "
                     f"({_pct(avg, 'pp')}) at that day.")
        return text

    def sensitivity_reading(self, table: pd.DataFrame) -> str:
        t = table.dropna(subset=["mean_rel_pct"])
        if t.empty:
            return "No complete rebound window for any start date."
        best, worst = t["mean_rel_pct"].idxmax(), t["mean_rel_pct"].idxmin()
        pos = int((t["mean_rel_pct"] > 0).sum())
        sig = int((t["t"] >= SIGNIFICANT_T).sum())
        return (f"Across rebound windows starting {t.index[0]} to {t.index[-1]} (end "
                f"{self.windows['rebound'][1]}), the mean relative rebound ranges from "
                f"{_pct(t.at[worst, 'mean_rel_pct'], 'pp')} (start {worst}) to "
                f"{_pct(t.at[best, 'mean_rel_pct'], 'pp')} (start {best}); it is positive for "
                f"{pos} of {len(t)} start dates and has t >= {SIGNIFICANT_T:.0f} for {sig}.")

    def reading(self) -> str:
        """All readings as one Markdown text."""
        return "\n\n".join([self.windows_reading(), self.trough_reading(),
                            self.groups_reading(), self.current_reading()])


def _relation_to_window(date: str | None, window, path) -> str:
    """'inside' / 'before' / 'after' for an "MM-DD" relative to a window, using calendar
    positions from the path window's start (so New Year is handled)."""
    if date is None:
        return "unknown relative to"
    (ps_m, ps_d), _ = parse_window(path)
    anchor = month_day_date(2001, (ps_m, ps_d))

    def pos(md: str) -> int:
        m, d = int(md[:2]), int(md[3:])
        x = month_day_date(2001, (m, d))
        if x < anchor:
            x = month_day_date(2002, (m, d))
        return (x - anchor).days

    (a, b) = parse_window(window)
    p, lo, hi = pos(date), pos(_md(a)), pos(_md(b))
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
                 path_window=PATH, asof=None, start=None) -> TurnOfYear:
    """Time the tax-loss pressure and turn-of-the-year rebound, year by year.

    Parameters
    ----------
    prices : DataFrame
        Two columns of daily closes, ``[small, large]`` (e.g. ``prices[["RUT", "SPX"]]``),
        loaded from :func:`smallcaps.seasonality.lookback_start` so the first year has its
        previous year-end close.
    pressure_window, rebound_window, path_window : pair of "MM-DD"
        Month-day windows (see the module docstring for the mapping rule).
    asof : date-like, optional
        As-of date; default the last date both series share.  Windows not complete by then
        are excluded (and listed in ``incomplete``).
    start : date-like, optional
        Keep only years whose windows begin on or after ``start``.

    Returns
    -------
    TurnOfYear
    """
    both, small, large = _pair_frame(prices)
    windows = {"pressure": tuple(pressure_window), "rebound": tuple(rebound_window),
               "path": tuple(path_window)}
    for name, w in windows.items():
        parse_window(w, f"{name}_window")
    asof = resolve_asof(both, asof)
    both = both.loc[:asof]
    idx = both.index
    wp = map_windows(idx, windows["pressure"], asof=asof, start=start)
    wr = map_windows(idx, windows["rebound"], asof=asof, start=start)
    cols = {}
    for name, w in (("pressure", wp), ("rebound", wr)):
        s, lg = window_returns(both[small], w), window_returns(both[large], w)
        cols[f"{name}_small"], cols[f"{name}_large"] = s, lg
        cols[f"{name}_rel"] = s - lg
        cols[f"{name}_first"], cols[f"{name}_last"] = w["first"], w["last"]
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
                      asof=asof, prices=both, start=start, provenance=_provenance(prices))


def _ytd_rel(both: pd.DataFrame, small: str, large: str, year: int, until) -> float:
    """Small minus large (pp) from the last close of ``year - 1`` to the close of ``until``
    (NaN when the data has no close in ``year - 1``)."""
    prev = both.loc[: pd.Timestamp(year=year - 1, month=12, day=31)]
    if prev.empty or pd.isna(until) or prev.index[-1].year != year - 1:
        return float("nan")
    base, until = prev.index[-1], pd.Timestamp(until)
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


def current_phase(study: TurnOfYear) -> dict:
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
    to_text = (f"to {pd.Timestamp(until):%Y-%m-%d}, the close before the pressure window"
               if until != asof else f"to {asof:%Y-%m-%d}")
    hist = study.years["ytd_rel"].dropna()
    k = len(hist) // 3
    group = "unclassified"
    if k and np.isfinite(ytd):
        srt = np.sort(hist.to_numpy())
        group = ("losers" if ytd <= srt[k - 1] else "winners" if ytd >= srt[-k] else "middle")
    path = study.paths[year].dropna() if year in study.paths.columns else None
    return {"year": int(year), "phase": phase, "ytd_rel_pct": float(ytd), "ytd_to": to_text,
            "ytd_group": group, "path": path}
