"""Calendar-month returns, month-of-year statistics and the latest month's rank.

A calendar month's return runs from the last close of the previous month to the last close of
the month, in percent; the spread (small minus large) is in percentage points (pp).  The month
of the as-of date is month-to-date and flagged *partial* until the as-of date reaches the
month's last expected session; only complete months enter the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.calendar import period_complete
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.returns import simple_returns
from smallcaps.seasonality._common import (
    MONTH_ABBR,
    MONTH_NAMES,
    frame_asof,
    month_label,
    provenance,
)
from smallcaps.stats import T_CRIT, summarize

__all__ = [
    "MonthlyReturns",
    "monthly_returns",
    "year_month_table",
    "MonthStats",
    "month_of_year_stats",
    "MonthRank",
    "latest_month_rank",
]


def _unit(column: str, spread: str | None) -> str:
    return "pp" if column == spread else "%"


# ----------------------------------------------------------------------------------------------
# Monthly returns
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthlyReturns(Result):
    """Calendar-month returns (percent) per series, plus the small-minus-large spread (pp).

    Attributes
    ----------
    table : DataFrame
        Indexed by month (``PeriodIndex``), one column per series and, when ``spread`` is set,
        a column ``spread`` (small minus large, pp).  The last row is month-to-date when
        ``partial`` is set.
    partial : Period or None
        The month of ``asof`` when it is not complete yet.
    asof : Timestamp
        Effective as-of date (last close used).
    series : list of str
        The price series' columns.
    spread : str or None
        Name of the spread column (e.g. ``"RUT-SPX"``).
    provenance : dict
        Per-series provenance of the loaded closes.
    asof_text : str
        The as-of date as a reading says it (with the requested date when it was snapped).
    recent_months : int
        Complete months shown and recorded besides the month-to-date.
    """

    narrative = "seasonality"

    table: pd.DataFrame
    partial: pd.Period | None
    asof: pd.Timestamp
    series: list
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    asof_text: str = ""
    recent_months: int = 12

    @property
    def complete(self) -> pd.DataFrame:
        """Only the months complete by ``asof``."""
        if self.partial is None:
            return self.table
        return self.table.loc[self.table.index != self.partial]

    @property
    def pair(self) -> tuple[str, str] | None:
        """``(small, large)`` of the spread, or None."""
        return None if not self.spread else tuple(self.spread.split("-", 1))

    @property
    def history(self) -> pd.DataFrame:
        """Per column (series and spread): the record of its complete months.

        Columns: ``months`` (count), ``first`` / ``last`` (``"YYYY-MM"``), ``best_month``,
        ``best``, ``worst_month``, ``worst`` (percent, pp for the spread), ``positive_share``
        (0..1), ``year`` (the latest year with a complete month), ``year_up`` and
        ``year_months`` (its positive and complete months), ``year_compounded`` (percent; NaN
        for the spread, whose monthly values do not compound) and ``unit``.
        """
        rows = {}
        for col in self.table.columns:
            s = self.complete[col].dropna()
            if s.empty:
                rows[col] = {"months": 0, "unit": _unit(col, self.spread)}
                continue
            best, worst = s.idxmax(), s.idxmin()
            year = s.index[-1].year
            this = s[s.index.year == year]
            compounded = (((1 + this / 100).prod() - 1) * 100 if col != self.spread
                          else np.nan)
            rows[col] = {"months": len(s), "first": month_label(s.index[0]),
                         "last": month_label(s.index[-1]), "best_month": month_label(best),
                         "best": float(s[best]), "worst_month": month_label(worst),
                         "worst": float(s[worst]), "positive_share": float((s > 0).mean()),
                         "year": int(year), "year_up": int((this > 0).sum()),
                         "year_months": len(this), "year_compounded": float(compounded),
                         "unit": _unit(col, self.spread)}
        return pd.DataFrame.from_dict(rows, orient="index")

    def _recent_rows(self) -> list:
        done = self.complete.dropna(how="all").tail(self.recent_months)
        return list(done.index) + ([self.partial] if self.partial is not None else [])

    def summary(self) -> pd.DataFrame:
        """The last ``recent_months`` complete months plus the month-to-date row (labelled
        ``"YYYY-MM (MTD to MM-DD)"``): returns in percent, the spread in pp."""
        out = self.table.loc[self._recent_rows()].copy()
        labels = [month_label(p) + (f" (MTD to {self.asof:%m-%d})" if p == self.partial else "")
                  for p in out.index]
        out.index = pd.Index(labels, name="month")
        names = {c: f"{c} ({_unit(c, self.spread)})" for c in out.columns}
        return out.rename(columns=names)

    def to_frame(self) -> pd.DataFrame:
        """Every month (rows) by series and spread (columns), with a ``partial`` flag."""
        out = self.table.copy()
        out["partial"] = out.index == self.partial
        return out

    def figures(self) -> dict:
        """``monthly_returns``: ``{series: {"YYYY-MM": percent}}`` for the recent complete
        months and the partial one (the spread is left out); ``partial_month``: the
        month-to-date month ``"YYYY-MM"`` or None."""
        rows = self._recent_rows()
        return {
            "monthly_returns": {s: {month_label(p): self.table.at[p, s] for p in rows}
                                for s in self.series},
            "partial_month": None if self.partial is None else month_label(self.partial),
        }


def _month_returns(s: pd.Series, asof: pd.Timestamp) -> pd.Series:
    """Month returns of one series; a month with no close in the month before is NaN, and so
    is the last month of a series that stops before ``asof`` in the middle of a month."""
    s = s.dropna()
    closes = s.groupby(s.index.to_period("M")).last()
    ret = simple_returns(closes)
    consecutive = pd.Series(closes.index, index=closes.index).diff() == closes.index.freq
    ret = ret.where(consecutive)
    if len(s) and s.index[-1] < asof:
        end = s.index[-1]
        if not period_complete(end, end.to_period("M").end_time.normalize()):
            ret.iloc[-1] = np.nan
    return ret


def monthly_returns(prices: pd.DataFrame, start=None, relative=None,
                    recent_months: int = 12) -> MonthlyReturns:
    """Calendar-month close-to-close returns per series (percent).

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load` (loaded from
        :func:`smallcaps.calendar.lookback_start` so the first month has its base close).  The
        as-of date is the one the frame carries (else its last date).
    start : date-like, optional
        First month to keep: months beginning before ``start`` are dropped.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).
    recent_months : int
        Complete months that :meth:`MonthlyReturns.summary` shows and
        :meth:`MonthlyReturns.figures` records, besides the month-to-date.

    Returns
    -------
    MonthlyReturns
        A month's return is its last close over the previous month's last close, minus 1, in
        percent; NaN when the previous month has no close.  The month of the as-of date is
        month-to-date (``partial``) until its last expected session has closed.  A series
        that ends before the as-of date in the middle of a month has no value for that month.
    """
    asof, asof_text = frame_asof(prices)
    lo = parse_date(start, "start")
    prices = prices.loc[:asof]
    table = pd.DataFrame({col: _month_returns(prices[col], asof) for col in prices.columns})
    table = table.sort_index()
    table.index.name = "month"
    spread = None
    if relative is not None:
        small, large = _pair(relative, prices.columns)
        spread = f"{small}-{large}"
        table[spread] = table[small] - table[large]
    if lo is not None:
        table = table.loc[table.index.start_time >= lo]
    last_month = asof.to_period("M")
    partial = None
    if not period_complete(asof, last_month.end_time.normalize()) and last_month in table.index:
        partial = last_month
    return MonthlyReturns(table=table, partial=partial, asof=asof, series=list(prices.columns),
                          spread=spread, provenance=provenance(prices), asof_text=asof_text,
                          recent_months=int(recent_months))


def _pair(relative, columns) -> tuple[str, str]:
    if isinstance(relative, str) or len(relative) != 2:
        raise ParameterError(f"relative {relative!r} must be a pair [small, large], e.g. "
                             "['RUT', 'SPX']")
    small, large = relative
    for k in (small, large):
        if k not in columns:
            raise ParameterError(f"relative series {k!r} is not among the loaded series "
                                 f"({', '.join(map(str, columns))})")
    return small, large


def year_month_table(monthly: MonthlyReturns, column: str) -> pd.DataFrame:
    """Years x months (Jan..Dec) of complete-month returns for ``column`` (percent or pp),
    with a ``Year`` column: the compounded return of complete years (for a series; for the
    spread, the sum of monthly spreads is not a yearly spread, so ``Year`` is left out)."""
    s = monthly.complete[column].dropna()
    frame = pd.DataFrame({"year": s.index.year, "month": s.index.month, "ret": s.to_numpy()})
    table = frame.pivot(index="year", columns="month", values="ret").reindex(
        columns=range(1, 13))
    table.columns = MONTH_ABBR
    if column != monthly.spread:
        full = table.notna().all(axis=1)
        table["Year"] = ((1 + table[MONTH_ABBR] / 100).prod(axis=1) - 1) * 100
        table.loc[~full, "Year"] = np.nan
    return table


# ----------------------------------------------------------------------------------------------
# Month-of-year statistics
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthStats(Result):
    """Month-of-year statistics per series (and spread).

    ``table`` is indexed by (``series``, ``month`` name): ``mean``, ``median`` (percent, pp for
    the spread), ``hit_rate`` (share of positive years, 0..1), ``n`` (years), ``std``, ``t``
    (mean / standard error), ``best``/``best_year``, ``worst``/``worst_year``,
    ``enough_years`` (False when n < ``min_years``: such months are flagged, not read) and
    ``rank`` (1 = best mean among the series' months with enough years; NaN when flagged).
    ``focus`` names the months the reading describes one by one, for the small-cap series
    and the spread (``focus_series``).
    """

    narrative = "seasonality"

    table: pd.DataFrame
    min_years: int
    first_year: int | None
    last_year: int | None
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    span: tuple = ()
    focus: tuple = ("November", "January")

    @property
    def series(self) -> list:
        """The columns studied, in order (the spread last)."""
        return list(dict.fromkeys(self.table.index.get_level_values("series")))

    @property
    def focus_series(self) -> list:
        """The small-cap series and the spread when there is one, else every series."""
        return [self.spread.split("-", 1)[0], self.spread] if self.spread else self.series

    @property
    def units(self) -> dict:
        """Series -> unit of its returns: ``"pp"`` for the spread, ``"%"`` for an index."""
        return {s: _unit(s, self.spread) for s in self.series}

    @property
    def overview(self) -> pd.DataFrame:
        """Per series, over the months with enough years: ``best_month``, ``best`` (mean),
        ``best_hit_rate``, ``worst_month``, ``worst``, ``worst_hit_rate``, ``months_read``,
        ``average`` (mean of the monthly means), ``significant`` (months whose mean has
        ``|t| >= stats.T_CRIT``) and ``unit``."""
        rows = {}
        for s in self.series:
            ok = self.table.loc[s]
            ok = ok.loc[ok["enough_years"]]
            if ok.empty:
                rows[s] = {"months_read": 0, "significant": [], "unit": self.units[s]}
                continue
            best, worst = ok["mean"].idxmax(), ok["mean"].idxmin()
            rows[s] = {"best_month": best, "best": ok.at[best, "mean"],
                       "best_hit_rate": ok.at[best, "hit_rate"], "worst_month": worst,
                       "worst": ok.at[worst, "mean"], "worst_hit_rate": ok.at[worst, "hit_rate"],
                       "months_read": len(ok), "average": float(ok["mean"].mean()),
                       "significant": ok.index[ok["t"].abs() >= T_CRIT].tolist(),
                       "unit": self.units[s]}
        return pd.DataFrame.from_dict(rows, orient="index")

    def summary(self) -> pd.DataFrame:
        """One row per (series, month): mean and median (in ``unit``: % for an index, pp for
        the spread), hit rate, years, t, best and worst year, and a ``flag`` for months with
        fewer than ``min_years`` years."""
        t = self.table.drop(columns=["std", "enough_years", "rank"]).copy()
        t["unit"] = t.index.get_level_values("series").map(self.units)
        t["flag"] = np.where(self.table["enough_years"], "", f"fewer than {self.min_years} years")
        return t

    def to_frame(self) -> pd.DataFrame:
        """The statistics table, one row per (series, month)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``month_stats``: ``{series: {month name: {mean, median, hit_rate, n, t}}}``."""
        out: dict = {}
        for (series, month), row in self.table.iterrows():
            out.setdefault(series, {})[month] = {"mean": row["mean"], "median": row["median"],
                                                 "hit_rate": row["hit_rate"], "n": int(row["n"]),
                                                 "t": row["t"]}
        return {"month_stats": out}


def month_of_year_stats(monthly: MonthlyReturns, min_years: int = 10,
                        focus=("November", "January")) -> MonthStats:
    """Statistics of each calendar month across years, per series and for the spread.

    Only months complete by the as-of date count.  A month with fewer than ``min_years``
    years is kept in the table with ``enough_years = False``.  ``focus`` (month names) are
    the months the reading describes one by one.
    """
    if int(min_years) < 2:
        raise ParameterError(f"min_years must be at least 2, got {min_years}")
    unknown = [m for m in focus if m not in MONTH_NAMES]
    if unknown:
        raise ParameterError(f"focus months {unknown!r} are not month names such as 'November'")
    done = monthly.complete
    rows = []
    for col in done.columns:
        s = done[col].dropna()
        for m in range(1, 13):
            x = s[s.index.month == m]
            st = summarize(x)
            years = x.index.year
            rows.append({
                "series": col, "month": MONTH_NAMES[m - 1],
                "mean": st["mean"], "median": st["median"], "hit_rate": st["hit_rate"],
                "n": st["n"], "std": st["std"], "t": st["t"],
                "best": float(x.max()) if len(x) else np.nan,
                "best_year": int(years[np.argmax(x.to_numpy())]) if len(x) else np.nan,
                "worst": float(x.min()) if len(x) else np.nan,
                "worst_year": int(years[np.argmin(x.to_numpy())]) if len(x) else np.nan,
                "enough_years": st["n"] >= int(min_years),
            })
    table = pd.DataFrame(rows).set_index(["series", "month"])
    valid = table["mean"].where(table["enough_years"])
    table["rank"] = valid.groupby(level="series").rank(ascending=False, method="min")
    done_rows = done.dropna(how="all")
    first = int(done_rows.index[0].year) if len(done_rows) else None
    last = int(done_rows.index[-1].year) if len(done_rows) else None
    span = ((done_rows.index[0].start_time, done_rows.index[-1].end_time.normalize())
            if len(done_rows) else ())
    return MonthStats(table=table, min_years=int(min_years), first_year=first, last_year=last,
                      spread=monthly.spread, provenance=monthly.provenance, span=span,
                      focus=tuple(focus))


# ----------------------------------------------------------------------------------------------
# Latest month's rank
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthRank(Result):
    """Where the latest complete month ranks among the same calendar month of all years.

    ``table`` indexed by series: ``month`` ("YYYY-MM"), ``return_pct`` (pp for the spread),
    ``rank`` (1 = best), ``of`` (years with that month), ``mean_pct`` (that month's average
    across years) and ``unit``."""

    narrative = "seasonality"

    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per series: the month, its return and the month's average (in ``unit``), rank and
        number of years."""
        names = {"return_pct": "return", "mean_pct": "month_mean", "of": "years"}
        cols = ["month", "return_pct", "rank", "of", "mean_pct", "unit"]
        return self.table.reindex(columns=cols).rename(columns=names)

    def to_frame(self) -> pd.DataFrame:
        """The rank table, one row per series."""
        return self.table.copy()

    def figures(self) -> dict:
        """``latest_month_rank``: ``{series: {month, return_pct, rank, of}}``."""
        return {"latest_month_rank": {
            s: {"month": row["month"], "return_pct": float(row["return_pct"]),
                "rank": int(row["rank"]), "of": int(row["of"])}
            for s, row in self.table.iterrows()}}


def latest_month_rank(monthly: MonthlyReturns) -> MonthRank:
    """Rank of the latest complete month among the same calendar month of all years, per
    series and for the spread (1 = best; ties share the better rank)."""
    done = monthly.complete
    rows = {}
    for col in done.columns:
        s = done[col].dropna()
        if s.empty:
            continue
        last = s.index[-1]
        same = s[s.index.month == last.month]
        rows[col] = {"month": month_label(last), "return_pct": float(s.iloc[-1]),
                     "rank": int((same > s.iloc[-1]).sum()) + 1, "of": int(same.size),
                     "mean_pct": float(same.mean()), "unit": _unit(col, monthly.spread)}
    cols = ["month", "return_pct", "rank", "of", "mean_pct", "unit"]
    return MonthRank(pd.DataFrame.from_dict(rows, orient="index", columns=cols))
