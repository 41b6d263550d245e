"""Calendar effects: the Santa Claus rally, the January effect and election-year Novembers.

Returns are percent (1.0 = 1 %), close to close; the small-minus-large spread is in
percentage points (pp).  A window or month counts only when it is complete by the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.calendar import period_complete
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.seasonality._common import frame_asof, provenance
from smallcaps.seasonality.monthly import MonthlyReturns
from smallcaps.seasonality.paths import window_returns
from smallcaps.stats import summarize, welch_t

__all__ = [
    "SantaRally",
    "santa_claus_windows",
    "santa_claus_rally",
    "JanuaryEffect",
    "january_effect",
    "ElectionYears",
    "election_years",
    "is_election_year",
]


# ----------------------------------------------------------------------------------------------
# Santa Claus rally
# ----------------------------------------------------------------------------------------------


def santa_claus_windows(index, asof=None, start=None) -> pd.DataFrame:
    """The Santa Claus rally window of each year on a trading calendar.

    The Stock Trader's Almanac window: the last five trading days of December plus the first
    two trading days of January, from the close of the sixth-to-last December trading day
    (the close before the window) to the close of the second January trading day, labelled
    with the December's year.

    Parameters
    ----------
    index : DatetimeIndex
        Trading dates up to the as-of date.
    asof : date-like, optional
        Default: last date of ``index``.
    start : date-like, optional
        Keep windows whose first day is on or after ``start``.

    Returns
    -------
    DataFrame
        Indexed by the December's ``year``: ``base`` (6th-to-last December trading day),
        ``first`` (5th-to-last), ``last`` (2nd January trading day, or the last date so far),
        ``dec_days`` (5), ``jan_days`` (2 when complete) and ``complete``.
    """
    idx = pd.DatetimeIndex(index).dropna().sort_values().unique()
    cut = parse_date(asof, "asof")
    if cut is not None:
        idx = idx[idx <= cut]
    last_date = idx[-1] if len(idx) else None
    rows = {}
    for y in sorted(set(idx.year)):
        dec = idx[(idx.year == y) & (idx.month == 12)]
        if len(dec) < 6:
            continue  # the data starts inside the window
        if not period_complete(last_date, pd.Timestamp(year=y, month=12, day=31)):
            rows[y] = {"base": dec[-6], "first": dec[-5], "last": dec[-1],
                       "dec_days": 5, "jan_days": 0, "complete": False}
            continue
        jan = idx[(idx.year == y + 1) & (idx.month == 1)][:2]
        rows[y] = {"base": dec[-6], "first": dec[-5], "last": jan[-1] if len(jan) else dec[-1],
                   "dec_days": 5, "jan_days": len(jan), "complete": len(jan) == 2}
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["base", "first", "last", "dec_days", "jan_days",
                                          "complete"])
    out.index.name = "year"
    lo = parse_date(start, "start")
    if lo is not None and not out.empty:
        out = out.loc[out["first"] >= lo]
    return out


@dataclass
class SantaRally(Result):
    """Santa Claus rally returns per year (percent) and their summary per series.

    ``table``: indexed by year, one column per series (NaN when that series has no complete
    window); ``incomplete``: year -> January sessions closed so far (0 or 1) for the windows
    that have not closed by ``asof`` (excluded).
    """

    narrative = "seasonality"

    table: pd.DataFrame
    incomplete: dict
    series: list
    provenance: dict = field(default_factory=dict)
    asof: pd.Timestamp | None = None

    def summary(self) -> pd.DataFrame:
        """Per series: ``mean_pct``, ``median_pct``, ``hit_rate`` (0..1), ``n``, ``t``,
        ``latest_year``, ``latest_pct``."""
        rows = {}
        for s in self.series:
            x = self.table[s].dropna()
            st = summarize(x)
            rows[s] = {"mean_pct": st["mean"], "median_pct": st["median"],
                       "hit_rate": st["hit_rate"], "n": st["n"], "t": st["t"],
                       "latest_year": int(x.index[-1]) if len(x) else None,
                       "latest_pct": float(x.iloc[-1]) if len(x) else np.nan}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_frame(self) -> pd.DataFrame:
        """Rally return per year (rows, the December's year) and series (columns), percent."""
        return self.table.copy()

    def figures(self) -> dict:
        """``santa_rally``: ``{series: {mean_pct, hit_rate, n, latest_pct, latest_year}}``."""
        out = {}
        for s, row in self.summary().iterrows():
            out[s] = {"mean_pct": row["mean_pct"], "hit_rate": row["hit_rate"], "n": int(row["n"]),
                      "latest_pct": row["latest_pct"],
                      "latest_year": None if pd.isna(row["latest_year"]) else
                      int(row["latest_year"])}
        return {"santa_rally": out}


def santa_claus_rally(prices: pd.DataFrame, start=None) -> SantaRally:
    """Santa Claus rally return per year and series (see :func:`santa_claus_windows`).

    Each series uses its own trading dates, up to the as-of date the frame carries (else its
    last date).  Years whose window is not complete by the as-of date are excluded and listed
    in ``incomplete``.
    """
    asof, _ = frame_asof(prices)
    prices = prices.loc[:asof]
    cols, incomplete = {}, {}
    for col in prices.columns:
        p = prices[col].dropna()
        w = santa_claus_windows(p.index, asof=asof, start=start)
        for y in w.index[~w["complete"]]:
            incomplete[int(y)] = int(w.at[y, "jan_days"])
        cols[col] = window_returns(p, w.loc[w["complete"]])
    table = pd.DataFrame(cols).sort_index()
    table.index.name = "year"
    return SantaRally(table=table, incomplete=incomplete, series=list(prices.columns),
                      provenance=provenance(prices), asof=asof)


# ----------------------------------------------------------------------------------------------
# January effect
# ----------------------------------------------------------------------------------------------


@dataclass
class JanuaryEffect(Result):
    """Small minus large January returns per year.

    ``table``: indexed by year: ``small``, ``large`` (percent) and ``spread`` (pp)."""

    narrative = "seasonality"

    table: pd.DataFrame
    small: str
    large: str
    provenance: dict = field(default_factory=dict)
    recent_years: int = 10

    @property
    def stats(self) -> dict:
        """``mean_pct``, ``median_pct`` (pp), ``hit_rate`` (share of Januaries small caps
        led), ``n``, ``t`` of the spread, plus ``recent_mean_pct`` / ``recent_n`` (last
        ``recent_years``) and ``mean_small_pct`` / ``mean_large_pct`` (percent)."""
        st = summarize(self.table["spread"])
        rec = summarize(self.table["spread"].tail(self.recent_years))
        return {"mean_pct": st["mean"], "median_pct": st["median"], "hit_rate": st["hit_rate"],
                "n": st["n"], "t": st["t"], "recent_mean_pct": rec["mean"],
                "recent_n": rec["n"], "mean_small_pct": float(self.table["small"].mean()),
                "mean_large_pct": float(self.table["large"].mean())}

    def summary(self) -> pd.DataFrame:
        """One row: the spread's ``mean_rel_pct``, ``median_rel_pct`` (pp), ``hit_rate``, ``n``,
        ``t``, the last-``recent_years`` mean, and the mean January return of each index (%)."""
        names = {"mean_pct": "mean_rel_pct", "median_pct": "median_rel_pct",
                 "recent_mean_pct": "recent_mean_rel_pct"}
        return pd.DataFrame({"value": {names.get(k, k): v for k, v in self.stats.items()}}).T

    def to_frame(self) -> pd.DataFrame:
        """January returns per year: ``small``, ``large`` (percent), ``spread`` (pp)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``january_effect``: ``{mean_pct, hit_rate, n, t}`` of the spread."""
        st = self.stats
        return {"january_effect": {k: st[k] for k in ("mean_pct", "hit_rate", "n", "t")}}


def january_effect(monthly: MonthlyReturns, recent_years: int = 10) -> JanuaryEffect:
    """January returns of small and large caps and their spread, per complete January."""
    if not monthly.spread:
        raise ParameterError("january_effect needs monthly returns computed with relative=[small,"
                             " large]")
    small, large = monthly.pair
    done = monthly.complete
    jan = done.loc[done.index.month == 1, [small, large, monthly.spread]].dropna()
    table = pd.DataFrame({"small": jan[small].to_numpy(), "large": jan[large].to_numpy(),
                          "spread": jan[monthly.spread].to_numpy()},
                         index=pd.Index(jan.index.year, name="year"))
    return JanuaryEffect(table=table, small=small, large=large, provenance=monthly.provenance,
                         recent_years=int(recent_years))


# ----------------------------------------------------------------------------------------------
# Election years
# ----------------------------------------------------------------------------------------------


def is_election_year(year: int) -> bool:
    """US presidential election years (1988, 1992, ..., 2024)."""
    return int(year) % 4 == 0


@dataclass
class ElectionYears(Result):
    """November and November-December returns in presidential election years vs other years.

    ``table``: indexed by (series, year): ``november``, ``nov_dec`` (percent; Nov-Dec runs from
    the last October close to the last December close) and ``election`` (bool)."""

    narrative = "seasonality"

    table: pd.DataFrame
    series: list

    def summary(self) -> pd.DataFrame:
        """Per (series, group): mean, median, hit rate and n of November returns, mean, hit
        rate and n of November-December returns (percent)."""
        rows = []
        for s in self.series:
            t = self.table.loc[s]
            for group, mask in (("election_years", t["election"]),
                                ("other_years", ~t["election"])):
                nov = summarize(t.loc[mask, "november"])
                nd = summarize(t.loc[mask, "nov_dec"].dropna())
                rows.append({"series": s, "group": group, "mean_pct": nov["mean"],
                             "median_pct": nov["median"], "hit_rate": nov["hit_rate"],
                             "n": nov["n"], "nov_dec_mean_pct": nd["mean"],
                             "nov_dec_hit_rate": nd["hit_rate"], "nov_dec_n": nd["n"]})
        return pd.DataFrame(rows).set_index(["series", "group"])

    @property
    def difference(self) -> pd.DataFrame:
        """Per series: election-year minus other-year mean November return ``diff_pp`` with
        its Welch ``t``, and the same difference for November-December ``nov_dec_diff_pp``
        (percentage points)."""
        summ = self.summary()
        rows = {}
        for s in self.series:
            t = self.table.loc[s]
            e, o = summ.loc[(s, "election_years")], summ.loc[(s, "other_years")]
            rows[s] = {"diff_pp": e["mean_pct"] - o["mean_pct"],
                       "t": welch_t(t.loc[t["election"], "november"],
                                    t.loc[~t["election"], "november"]),
                       "nov_dec_diff_pp": e["nov_dec_mean_pct"] - o["nov_dec_mean_pct"]}
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=["diff_pp", "t", "nov_dec_diff_pp"])

    def to_frame(self) -> pd.DataFrame:
        """November and Nov-Dec returns per (series, year), with the election flag."""
        return self.table.copy()

    def figures(self) -> dict:
        """``election_year_november``: ``{series: {group: {mean_pct, hit_rate, n,
        nov_dec_mean_pct}}}``."""
        out: dict = {}
        for (s, group), row in self.summary().iterrows():
            out.setdefault(s, {})[group] = {"mean_pct": row["mean_pct"],
                                            "hit_rate": row["hit_rate"], "n": int(row["n"]),
                                            "nov_dec_mean_pct": row["nov_dec_mean_pct"]}
        return {"election_year_november": out}


def election_years(monthly: MonthlyReturns) -> ElectionYears:
    """November and Nov-Dec returns per series and year, tagged election year or not; only
    months complete by the as-of date."""
    done = monthly.complete
    rows = []
    for s in monthly.series:
        x = done[s]
        nov = x[x.index.month == 11].dropna()
        for p, v in nov.items():
            dec = x.get(pd.Period(year=p.year, month=12, freq="M"), np.nan)
            nd = ((1 + v / 100) * (1 + dec / 100) - 1) * 100 if np.isfinite(dec) else np.nan
            rows.append({"series": s, "year": p.year, "november": v, "nov_dec": nd,
                         "election": is_election_year(p.year)})
    table = pd.DataFrame(rows, columns=["series", "year", "november", "nov_dec", "election"])
    return ElectionYears(table=table.set_index(["series", "year"]), series=list(monthly.series))
