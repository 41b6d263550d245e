"""Seasonality of small caps and of their lead over large caps (notebook 03).

Also the calendar toolkit the turn-of-the-year study (:mod:`smallcaps.taxloss`) builds on:
trading day of the year, month-day windows mapped to trading days (including windows that cross
New Year), per-year paths by trading day and their average with a middle-half band.

Conventions
-----------
* Returns are percent (1.0 = 1 %), close to close.  The relative spread is the small-cap return
  minus the large-cap return of the same period, in percentage points (pp), named
  ``"<small>-<large>"`` (e.g. ``"RUT-SPX"``).
* A calendar month's return runs from the last close of the previous month to the last close of
  the month.  The month of the as-of date is month-to-date and flagged *partial* until the as-of
  date reaches the month's last expected session.
* **Window mapping rule.** A window given as month-days ``[start, end]`` (``"MM-DD"``) covers, in
  year *Y*, the trading days from the first trading day on or after *start* to the last trading
  day on or before *end*; when *end* comes before *start* in the calendar the window ends in
  *Y + 1* and still belongs to year *Y* (the December's year).  Its return runs from the close
  of the trading day before the first day to the close of the last day, so back-to-back windows
  chain exactly.  ``"02-29"`` means Feb 28 in non-leap years.
* A period counts only when it is complete by the as-of date (no expected session of the period
  lies after it); incomplete ones are reported separately, never averaged in.
* Analyses include periods that *begin* on or after ``start``; the close before such a period may
  lie before ``start`` (load data from :func:`lookback_start`).
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from pandas.tseries.holiday import (
    MO,
    AbstractHolidayCalendar,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
    sunday_to_monday,
)
from pandas.tseries.offsets import CustomBusinessDay, DateOffset

from smallcaps.errors import ParameterError
from smallcaps.returns import simple_returns, summarize, window_return

MONTH_NAMES = list(_calendar.month_name)[1:]
MONTH_ABBR = list(_calendar.month_abbr)[1:]
SIGNIFICANT_T = 2.0

# ----------------------------------------------------------------------------------------------
# Calendar
# ----------------------------------------------------------------------------------------------


class _USMarketHolidays(AbstractHolidayCalendar):
    """Regular NYSE full-day holidays (special closures such as 2001-09-11 are not included).

    Used only to decide whether a period is complete as of a date, i.e. whether another
    session of that period is still to come."""

    rules = [
        Holiday("New Year's Day", month=1, day=1, observance=sunday_to_monday),
        Holiday("Martin Luther King Jr. Day", start_date="1998-01-01", month=1, day=1,
                offset=DateOffset(weekday=MO(3))),
        USPresidentsDay,
        GoodFriday,
        USMemorialDay,
        Holiday("Juneteenth", month=6, day=19, start_date="2022-01-01",
                observance=nearest_workday),
        Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
        USLaborDay,
        USThanksgivingDay,
        Holiday("Christmas Day", month=12, day=25, observance=nearest_workday),
    ]


@lru_cache(maxsize=1)
def _session_offset() -> CustomBusinessDay:
    return CustomBusinessDay(calendar=_USMarketHolidays())


def next_session(date) -> pd.Timestamp:
    """The first expected US market session strictly after ``date`` (weekdays minus regular
    NYSE holidays)."""
    return (pd.Timestamp(date).normalize() + _session_offset()).normalize()


def period_complete(asof, period_end) -> bool:
    """True when no expected session lies between ``asof`` (exclusive) and ``period_end``
    (inclusive): the period's last close is known as of ``asof``."""
    return bool(next_session(asof) > pd.Timestamp(period_end).normalize())


def lookback_start(start: str, days: int = 40) -> str:
    """``start`` moved back by ``days`` calendar days (YYYY-MM-DD), so that the close before
    the first period on or after ``start`` is loaded too (e.g. 1987-12-31 for January 1988)."""
    try:
        ts = pd.Timestamp(start)
    except (ValueError, TypeError):
        raise ParameterError(f"start {start!r} is not a date; expected YYYY-MM-DD") from None
    return f"{ts - pd.Timedelta(days=days):%Y-%m-%d}"


def resolve_asof(prices: pd.DataFrame | pd.Series, asof=None) -> pd.Timestamp:
    """The effective as-of date: the last date on or before ``asof`` (default: any) on which
    every column has a close.

    A report as of a date never uses later data; when series end on different dates, the
    analysis stops at the last date they all share.
    """
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    if asof not in (None, ""):
        try:
            frame = frame.loc[: pd.Timestamp(asof)]
        except (ValueError, TypeError):
            raise ParameterError(f"asof {asof!r} is not a date; expected YYYY-MM-DD") from None
    full = frame.dropna(how="any")
    if full.empty:
        raise ParameterError(
            f"no date on or before asof {asof or 'the end of the data'} on which all of "
            f"{', '.join(map(str, frame.columns))} have a close"
        )
    return pd.Timestamp(full.index[-1])


def trading_day_of_year(index) -> pd.Series:
    """Position of each date among the trading dates of its calendar year (1 = first).

    ``index`` holds the trading dates (e.g. a price series' index); returns a Series of ints
    indexed by those dates.
    """
    idx = pd.DatetimeIndex(index).sort_values().unique()
    s = pd.Series(1, index=idx)
    return s.groupby(idx.year).cumsum().astype(int).rename("trading_day")


_MD = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_month_day(text, name: str = "month-day") -> tuple[int, int]:
    """``"12-20"`` -> ``(12, 20)``; raise a one-line :class:`ParameterError` naming ``name``
    when ``text`` is not a valid ``"MM-DD"`` (``"02-29"`` is allowed)."""
    m = _MD.match(str(text).strip()) if isinstance(text, str) else None
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= _calendar.monthrange(2000, month)[1]:
            return month, day
    raise ParameterError(
        f"{name} {text!r} is not a valid month-day; expected 'MM-DD' with month 01-12 and a day "
        "that exists in that month, e.g. '12-20'"
    )


def parse_window(window, name: str = "window") -> tuple[tuple[int, int], tuple[int, int]]:
    """``["12-21", "01-15"]`` -> ``((12, 21), (1, 15))`` with clear errors for bad input."""
    if isinstance(window, str) or not hasattr(window, "__len__") or len(window) != 2:
        raise ParameterError(
            f"{name} {window!r} must be a pair of month-days [start, end], e.g. ['12-01', '12-20']"
        )
    a = parse_month_day(window[0], f"{name} start")
    b = parse_month_day(window[1], f"{name} end")
    if a == b:
        raise ParameterError(f"{name} {list(window)!r} starts and ends on the same month-day")
    return a, b


def month_day_date(year: int, md: tuple[int, int]) -> pd.Timestamp:
    """The calendar date of month-day ``md`` in ``year`` (Feb 29 -> Feb 28 in other years)."""
    month, day = md
    day = min(day, _calendar.monthrange(year, month)[1])
    return pd.Timestamp(year=year, month=month, day=day)


def map_windows(index, window, asof=None, start=None) -> pd.DataFrame:
    """Map a month-day window onto the trading dates of each year (see the module's rule).

    Parameters
    ----------
    index : DatetimeIndex
        Trading dates (dates with a close), up to the as-of date.
    window : pair of str
        ``[start, end]`` month-days, e.g. ``["12-21", "01-15"]``; a window whose end precedes
        its start crosses New Year and belongs to the start's year.
    asof : date-like, optional
        As-of date (default: the last date of ``index``); decides completeness.
    start : date-like, optional
        Keep only windows whose first trading day is on or after ``start``.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``base`` (date of the close before the first day), ``first``,
        ``last`` (last trading day on/before the window end, or the last date so far when the
        window is still running), ``days`` (trading days in the window so far), ``cal_start``,
        ``cal_end`` and ``complete`` (the whole window has closed by ``asof``).  Years in which
        the data does not reach the close before the first day are left out.
    """
    (sm, sd), (em, ed) = parse_window(window)
    cross = (em, ed) < (sm, sd)
    idx = pd.DatetimeIndex(index).dropna().sort_values().unique()
    cols = ["base", "first", "last", "days", "cal_start", "cal_end", "complete"]
    if idx.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="year"))
    asof = idx[-1] if asof is None else pd.Timestamp(asof)
    idx = idx[idx <= asof]
    lo = pd.Timestamp(start) if start not in (None, "") else None
    rows = {}
    for year in range(idx[0].year - 1, idx[-1].year + 1):
        cal_start = month_day_date(year, (sm, sd))
        cal_end = month_day_date(year + int(cross), (em, ed))
        i = idx.searchsorted(cal_start, side="left")
        if i == 0 or i >= len(idx) or idx[i] > cal_end:
            continue
        if lo is not None and idx[i] < lo:
            continue
        j = idx.searchsorted(cal_end, side="right") - 1
        rows[year] = {"base": idx[i - 1], "first": idx[i], "last": idx[j], "days": j - i + 1,
                      "cal_start": cal_start, "cal_end": cal_end,
                      "complete": period_complete(asof, cal_end)}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    out.index.name = "year"
    if not out.empty:
        out["days"] = out["days"].astype(int)
        out["complete"] = out["complete"].astype(bool)
    return out


def window_returns(prices: pd.Series, windows: pd.DataFrame) -> pd.Series:
    """Percent return of ``prices`` over each window of :func:`map_windows` (close before the
    first day to the close of the last day), indexed by year."""
    p = prices.dropna()
    vals = {y: window_return(p, w["base"], w["last"]) for y, w in windows.iterrows()}
    return pd.Series(vals, dtype=float, name=prices.name).rename_axis("year")


def window_paths(prices: pd.Series, windows: pd.DataFrame) -> pd.DataFrame:
    """Cumulative percent return by trading day of each window, one column per year.

    Row 0 is the close before the window (0 %), row *k* the close of the window's *k*-th
    trading day.  Running (incomplete) windows give a shorter column.
    """
    p = prices.dropna()
    cols = {}
    for year, w in windows.iterrows():
        seg = p.loc[w["base"]: w["last"]]
        cols[year] = (seg / seg.iloc[0] - 1.0).to_numpy() * 100.0
    n = max((len(v) for v in cols.values()), default=0)
    out = pd.DataFrame({y: np.pad(v, (0, n - len(v)), constant_values=np.nan)
                        for y, v in cols.items()}, index=pd.RangeIndex(n, name="trading_day"))
    out.columns.name = "year"
    return out


def path_band(paths: pd.DataFrame) -> pd.DataFrame:
    """Mean path across years with the middle half of years as a band.

    Returns a DataFrame indexed like ``paths``: ``mean``, ``median``, ``q25``, ``q75`` (25th and
    75th percentile across years) and ``n`` (years with a value on that day).
    """
    return pd.DataFrame({"mean": paths.mean(axis=1), "median": paths.median(axis=1),
                         "q25": paths.quantile(0.25, axis=1), "q75": paths.quantile(0.75, axis=1),
                         "n": paths.notna().sum(axis=1).astype(int)})


# ----------------------------------------------------------------------------------------------
# Helpers for prose
# ----------------------------------------------------------------------------------------------


def _pct(x: float, unit: str = "%", digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:+.{digits}f}{' pp' if unit == 'pp' else '%'}"


def _share(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.0%}"


def _sig(t: float) -> str:
    if t is None or not np.isfinite(t):
        return "too few years to test"
    if abs(t) >= SIGNIFICANT_T:
        return f"statistically distinguishable from zero (t = {t:.1f})"
    return f"not statistically distinguishable from zero (t = {t:.1f})"


def _provenance(prices) -> dict:
    return dict(getattr(prices, "attrs", {}).get("provenance", {}))


def _month_label(p: pd.Period) -> str:
    return f"{p:%Y-%m}"


# ----------------------------------------------------------------------------------------------
# Monthly returns
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthlyReturns:
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
    """

    table: pd.DataFrame
    partial: pd.Period | None
    asof: pd.Timestamp
    series: list
    spread: str | None = None
    provenance: dict = field(default_factory=dict)

    @property
    def partial_label(self) -> str | None:
        """The month-to-date month as ``"YYYY-MM"``, or None when ``asof`` ends a month."""
        return None if self.partial is None else f"{self.partial:%Y-%m}"

    def complete(self) -> pd.DataFrame:
        """Only the months complete by ``asof``."""
        if self.partial is None:
            return self.table
        return self.table.loc[self.table.index != self.partial]

    def recent(self, months: int = 12) -> pd.DataFrame:
        """The last ``months`` complete months plus the month-to-date row (labelled
        ``"YYYY-MM (to MM-DD)"``), rounded to 2 decimals, for display."""
        done = self.complete().dropna(how="all").tail(months)
        rows = [done]
        if self.partial is not None:
            rows.append(self.table.loc[[self.partial]])
        out = pd.concat(rows)
        labels = [_month_label(p) + (f" (MTD to {self.asof:%m-%d})" if p == self.partial else "")
                  for p in out.index]
        out.index = pd.Index(labels, name="month")
        return out.round(2)

    def to_record(self, months: int = 12) -> dict:
        """``{series: {"YYYY-MM": percent}}`` for the last ``months`` complete months and the
        partial month (the spread is left out)."""
        done = self.complete().dropna(how="all").tail(months)
        rows = list(done.index) + ([self.partial] if self.partial is not None else [])
        return {s: {_month_label(p): self.table.at[p, s] for p in rows} for s in self.series}

    def describe(self, column: str) -> str:
        """One paragraph on the complete months of ``column``: best and worst month on
        record, share of positive months, and the latest year's complete months so far."""
        s = self.complete()[column].dropna()
        if s.empty:
            return f"{column}: no complete month."
        unit = "pp" if column == self.spread else "%"
        best, worst = s.idxmax(), s.idxmin()
        what = f"the {column} spread" if column == self.spread else column
        text = (f"For {what}, {len(s)} complete months from {_month_label(s.index[0])} to "
                f"{_month_label(s.index[-1])}: the best was {_month_label(best)} "
                f"({_pct(s[best], unit)}), the worst {_month_label(worst)} "
                f"({_pct(s[worst], unit)}); {_share((s > 0).mean())} of months were positive.")
        last_year = s.index[-1].year
        this = s[s.index.year == last_year]
        up = int((this > 0).sum())
        text += (f" In {last_year}, {up} of {len(this)} complete months so far were positive")
        if column != self.spread:
            ytd = ((1 + this / 100).prod() - 1) * 100
            text += f" (compounded {_pct(ytd, unit)})"
        return text + "."

    def reading(self) -> str:
        """Markdown: the latest complete month per series and month-to-date."""
        done = self.complete().dropna(how="all")
        if done.empty:
            return "No complete month in the data yet."
        last = done.index[-1]
        row = done.loc[last]
        parts = [f"{s} {_pct(row[s])}" for s in self.series if np.isfinite(row[s])]
        text = f"**{last:%B %Y}** (latest complete month): " + ", ".join(parts) + "."
        if self.spread:
            v = row[self.spread]
            lead = "led" if v > 0 else "lagged"
            if np.isfinite(v):
                text += f" Small caps {lead} large caps by {abs(v):.2f} pp ({self.spread})."
        if self.partial is not None:
            mtd = self.table.loc[self.partial]
            parts = [f"{s} {_pct(mtd[s])}" for s in self.series if np.isfinite(mtd[s])]
            text += (f" **{self.partial:%B %Y} so far** (month-to-date through "
                     f"{self.asof:%Y-%m-%d}, partial): " + ", ".join(parts) + ".")
        return text


def _month_closes(s: pd.Series) -> pd.Series:
    s = s.dropna()
    closes = s.groupby(s.index.to_period("M")).last()
    return closes


def monthly_returns(prices: pd.DataFrame, asof=None, start=None, relative=None) -> MonthlyReturns:
    """Calendar-month close-to-close returns per series (percent).

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series (e.g. from ``data.load``), loaded from
        :func:`lookback_start` so the first month has its base close.
    asof : date-like, optional
        As-of date; later rows are ignored.  Default: the last date on which all columns have
        a close (:func:`resolve_asof`).
    start : date-like, optional
        First month to keep: months beginning before ``start`` are dropped.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).

    Returns
    -------
    MonthlyReturns
        A month's return is its last close over the previous month's last close, minus 1, in
        percent; NaN when the previous month has no close.  The month of ``asof`` is
        month-to-date (``partial``) until its last expected session has closed.
    """
    asof = resolve_asof(prices, asof)
    prices = prices.loc[:asof]
    cols = {}
    for col in prices.columns:
        closes = _month_closes(prices[col])
        ret = simple_returns(closes)
        consecutive = pd.Series(closes.index, index=closes.index).diff() == closes.index.freq
        cols[col] = ret.where(consecutive)
    table = pd.DataFrame(cols).sort_index()
    table.index.name = "month"
    spread = None
    if relative is not None:
        small, large = _pair(relative, prices.columns)
        spread = f"{small}-{large}"
        table[spread] = table[small] - table[large]
    if start not in (None, ""):
        table = table.loc[table.index.start_time >= pd.Timestamp(start)]
    last_month = asof.to_period("M")
    partial = None
    if not period_complete(asof, last_month.end_time.normalize()) and last_month in table.index:
        partial = last_month
    series = [c for c in prices.columns]
    return MonthlyReturns(table=table, partial=partial, asof=asof, series=series, spread=spread,
                          provenance=_provenance(prices))


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
    s = monthly.complete()[column].dropna()
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
class MonthStats:
    """Month-of-year statistics per series (and spread).

    ``table`` is indexed by (``series``, ``month`` name): ``mean``, ``median`` (percent, pp for
    the spread), ``hit_rate`` (share of positive years, 0..1), ``n`` (years), ``std``, ``t``
    (mean / standard error), ``best``/``best_year``, ``worst``/``worst_year`` and
    ``enough_years`` (False when n < ``min_years``: such months are flagged, not read).
    """

    table: pd.DataFrame
    min_years: int
    first_year: int | None
    last_year: int | None
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    span: tuple = ()

    def summary(self, series: str) -> pd.DataFrame:
        """12 rows (January..December) for one series, rounded, with a ``flag`` column."""
        t = self.table.loc[series].copy()
        t["hit_rate"] = t["hit_rate"] * 100
        t = t.rename(columns={"hit_rate": "hit_rate_%"})
        t["flag"] = np.where(t["enough_years"], "", f"fewer than {self.min_years} years")
        return t.drop(columns=["enough_years", "std"]).round(2)

    def to_record(self) -> dict:
        """``{series: {month name: {mean, median, hit_rate, n, t}}}``."""
        out: dict = {}
        for (series, month), row in self.table.iterrows():
            out.setdefault(series, {})[month] = {"mean": row["mean"], "median": row["median"],
                                                 "hit_rate": row["hit_rate"], "n": int(row["n"]),
                                                 "t": row["t"]}
        return out

    def describe_month(self, series: str, month: str) -> str:
        """One sentence on how ``month`` has behaved for ``series`` against the other months."""
        t = self.table.loc[series]
        row = t.loc[month]
        unit = "pp" if series == self.spread else "%"
        if not row["enough_years"]:
            return (f"{month} for {series}: only {int(row['n'])} years (fewer than "
                    f"{self.min_years}), too few to read.")
        valid = t.loc[t["enough_years"], "mean"]
        rank = int((valid > row["mean"]).sum()) + 1
        avg = float(valid.mean())
        what = "the small-minus-large spread" if series == self.spread else series
        if row["mean"] > 0 and row["t"] >= SIGNIFICANT_T:
            verdict = f"{month} has been a strong month for {what}"
        elif row["mean"] > 0 and rank <= 3:
            verdict = (f"{month} has been one of the better months for {what}, but not a "
                       "reliably positive one")
        elif row["mean"] > 0:
            verdict = f"{month} has not been a standout month for {what}"
        elif row["t"] <= -SIGNIFICANT_T:
            verdict = f"{month} has been a reliably weak month for {what}"
        else:
            verdict = f"{month} has been weak on average for {what}, not strong"
        return (f"{verdict}: mean {_pct(row['mean'], unit)} "
                f"(median {_pct(row['median'], unit)}), positive in {_share(row['hit_rate'])} of "
                f"{int(row['n'])} years, rank {rank} of {len(valid)} months "
                f"(all-month average {_pct(avg, unit)}); the mean is {_sig(row['t'])}. "
                f"Best {int(row['best_year'])} ({_pct(row['best'], unit)}), worst "
                f"{int(row['worst_year'])} ({_pct(row['worst'], unit)}).")

    def reading(self, series: str, months=("November", "January")) -> str:
        """Markdown: best and worst months for ``series`` and the spread, and a sentence on each
        of ``months``; flagged months are named."""
        lines = []
        for s in [series] + ([self.spread] if self.spread else []):
            t = self.table.loc[s]
            ok = t.loc[t["enough_years"]]
            unit = "pp" if s == self.spread else "%"
            if ok.empty:
                lines.append(f"- {s}: no month has at least {self.min_years} years of data.")
                continue
            best, worst = ok["mean"].idxmax(), ok["mean"].idxmin()
            sig = ok.loc[ok["t"].abs() >= SIGNIFICANT_T].index.tolist()
            lines.append(
                f"- **{s}**: best month on average {best} ({_pct(ok.at[best, 'mean'], unit)}, "
                f"hit rate {_share(ok.at[best, 'hit_rate'])}), worst {worst} "
                f"({_pct(ok.at[worst, 'mean'], unit)}, hit rate "
                f"{_share(ok.at[worst, 'hit_rate'])}). "
                + (f"Months with |t| >= {SIGNIFICANT_T:.0f}: {', '.join(sig)}."
                   if sig else f"No month's mean has |t| >= {SIGNIFICANT_T:.0f}.")
            )
            for m in months:
                lines.append(f"  - {self.describe_month(s, m)}")
        flagged = self.table.loc[~self.table["enough_years"]]
        if not flagged.empty:
            names = sorted({f"{s} {m}" for s, m in flagged.index})
            lines.append(f"- Flagged (fewer than {self.min_years} years, not read): "
                         + ", ".join(names) + ".")
        years = (f"{self.first_year}-{self.last_year}" if self.first_year else "no years")
        return f"Complete months only, {years}.\n\n" + "\n".join(lines)


def month_of_year_stats(monthly: MonthlyReturns, min_years: int = 10) -> MonthStats:
    """Statistics of each calendar month across years, per series and for the spread.

    Only months complete by the as-of date count.  A month with fewer than ``min_years``
    years is kept in the table with ``enough_years = False``.
    """
    if int(min_years) < 2:
        raise ParameterError(f"min_years must be at least 2, got {min_years}")
    done = monthly.complete()
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
    valid = done.dropna(how="all")
    first = int(valid.index[0].year) if len(valid) else None
    last = int(valid.index[-1].year) if len(valid) else None
    span = (valid.index[0].start_time, valid.index[-1].end_time.normalize()) if len(valid) else ()
    return MonthStats(table=table, min_years=int(min_years), first_year=first, last_year=last,
                      spread=monthly.spread, provenance=monthly.provenance, span=span)


# ----------------------------------------------------------------------------------------------
# Latest month's rank
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthRank:
    """Where the latest complete month ranks among the same calendar month of all years.

    ``table`` indexed by series: ``month`` ("YYYY-MM"), ``return_pct``, ``rank`` (1 = best),
    ``of`` (years with that month), ``mean_pct`` (that month's average across years)."""

    table: pd.DataFrame

    def to_record(self) -> dict:
        return {s: {"month": row["month"], "return_pct": float(row["return_pct"]),
                    "rank": int(row["rank"]), "of": int(row["of"])}
                for s, row in self.table.iterrows()}

    def reading(self) -> str:
        if self.table.empty:
            return "No complete month to rank yet."
        lines = []
        for s, row in self.table.iterrows():
            rank, of = int(row["rank"]), int(row["of"])
            if rank <= max(1, round(of / 4)):
                where = "in the top quarter"
            elif rank > of - max(1, round(of / 4)):
                where = "in the bottom quarter"
            else:
                where = "in the middle half"
            unit = "pp" if "-" in str(s) else "%"
            lines.append(f"- {s}: {row['month']} {_pct(row['return_pct'], unit)}, rank {rank} of "
                         f"{of} ({where}; average for the month {_pct(row['mean_pct'], unit)}).")
        return "Latest complete month against the same month of every year (1 = best):\n\n" + \
            "\n".join(lines)


def latest_month_rank(monthly: MonthlyReturns) -> MonthRank:
    """Rank of the latest complete month among the same calendar month of all years, per
    series and for the spread (1 = best; ties share the better rank)."""
    done = monthly.complete()
    rows = {}
    for col in done.columns:
        s = done[col].dropna()
        if s.empty:
            continue
        last = s.index[-1]
        same = s[s.index.month == last.month]
        rows[col] = {"month": _month_label(last), "return_pct": float(s.iloc[-1]),
                     "rank": int((same > s.iloc[-1]).sum()) + 1, "of": int(same.size),
                     "mean_pct": float(same.mean())}
    return MonthRank(pd.DataFrame.from_dict(rows, orient="index"))


# ----------------------------------------------------------------------------------------------
# Santa Claus rally
# ----------------------------------------------------------------------------------------------

SANTA_DEFINITION = (
    "Santa Claus rally (Stock Trader's Almanac): the last five trading days of December plus the "
    "first two trading days of January, measured from the close of the sixth-to-last December "
    "trading day (the close before the window) to the close of the second January trading day; "
    "the window is labelled with the December's year."
)


def santa_claus_windows(index, asof=None, start=None) -> pd.DataFrame:
    """The Santa Claus rally window of each year on a trading calendar.

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
    if asof is not None:
        idx = idx[idx <= pd.Timestamp(asof)]
    asof = idx[-1] if len(idx) else None
    rows = {}
    years = sorted(set(idx.year))
    for y in years:
        dec = idx[(idx.year == y) & (idx.month == 12)]
        if len(dec) < 6 or not period_complete(asof, pd.Timestamp(year=y, month=12, day=31)):
            # December is not over by asof (or the data starts mid-window)
            if len(dec) >= 6:
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
    if start not in (None, "") and not out.empty:
        out = out.loc[out["first"] >= pd.Timestamp(start)]
    return out


@dataclass
class SantaRally:
    """Santa Claus rally returns per year (percent) and their summary per series.

    ``table``: indexed by year, one column per series (NaN when that series has no complete
    window); ``incomplete``: years whose window has not closed by the as-of date (excluded).
    """

    table: pd.DataFrame
    incomplete: dict
    series: list
    definition: str = SANTA_DEFINITION
    provenance: dict = field(default_factory=dict)

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

    def to_record(self) -> dict:
        out = {}
        for s, row in self.summary().iterrows():
            out[s] = {"mean_pct": row["mean_pct"], "hit_rate": row["hit_rate"], "n": int(row["n"]),
                      "latest_pct": row["latest_pct"],
                      "latest_year": None if pd.isna(row["latest_year"]) else
                      int(row["latest_year"])}
        return out

    def reading(self) -> str:
        summ = self.summary()
        lines = []
        for s, row in summ.iterrows():
            if row["n"] == 0:
                lines.append(f"- {s}: no complete Santa Claus window in the data.")
                continue
            latest = row["latest_pct"]
            vs = "above" if latest > row["mean_pct"] else "below"
            often = ("rises more often than not" if row["hit_rate"] > 0.5 else
                     "does not rise more often than not")
            lines.append(
                f"- **{s}**: mean {_pct(row['mean_pct'])} over {int(row['n'])} windows, positive "
                f"in {_share(row['hit_rate'])} ({often}); the mean is {_sig(row['t'])}. "
                f"Latest ({int(row['latest_year'])}-{int(row['latest_year']) + 1}): "
                f"{_pct(latest)}, {vs} the average.")
        text = "\n".join(lines)
        if self.incomplete:
            notes = "; ".join(f"{y} ({why})" for y, why in self.incomplete.items())
            text += f"\n\nExcluded, window not complete as of the data: {notes}."
        return text


def santa_claus_rally(prices: pd.DataFrame, asof=None, start=None) -> SantaRally:
    """Santa Claus rally return per year and series (see :data:`SANTA_DEFINITION`).

    Each series uses its own trading dates.  Years whose window is not complete by the
    as-of date are excluded and listed in ``incomplete``.
    """
    asof = resolve_asof(prices, asof)
    prices = prices.loc[:asof]
    cols, incomplete = {}, {}
    for col in prices.columns:
        p = prices[col].dropna()
        w = santa_claus_windows(p.index, asof=asof, start=start)
        for y in w.index[~w["complete"]]:
            incomplete[int(y)] = (f"{int(w.at[y, 'jan_days'])} of 2 January sessions by "
                                  f"{asof:%Y-%m-%d}")
        cols[col] = window_returns(p, w.loc[w["complete"]])
    table = pd.DataFrame(cols).sort_index()
    table.index.name = "year"
    return SantaRally(table=table, incomplete=incomplete, series=list(prices.columns),
                      provenance=_provenance(prices))


# ----------------------------------------------------------------------------------------------
# January effect
# ----------------------------------------------------------------------------------------------


@dataclass
class JanuaryEffect:
    """Small minus large January returns per year.

    ``table``: indexed by year: ``small``, ``large`` (percent) and ``spread`` (pp)."""

    table: pd.DataFrame
    small: str
    large: str
    provenance: dict = field(default_factory=dict)
    recent_years: int = 10

    def stats(self) -> dict:
        """``mean_pct``, ``median_pct``, ``hit_rate`` (share of Januaries small caps led),
        ``n``, ``t`` of the spread, plus ``recent_mean_pct`` (last ``recent_years``) and
        ``mean_small_pct`` / ``mean_large_pct``."""
        st = summarize(self.table["spread"])
        rec = summarize(self.table["spread"].tail(self.recent_years))
        return {"mean_pct": st["mean"], "median_pct": st["median"], "hit_rate": st["hit_rate"],
                "n": st["n"], "t": st["t"], "recent_mean_pct": rec["mean"],
                "recent_n": rec["n"], "mean_small_pct": float(self.table["small"].mean()),
                "mean_large_pct": float(self.table["large"].mean())}

    def to_record(self) -> dict:
        st = self.stats()
        return {k: st[k] for k in ("mean_pct", "hit_rate", "n", "t")}

    def summary(self) -> pd.DataFrame:
        """One row: the spread's ``mean_rel_pct``, ``median_rel_pct`` (pp), ``hit_rate``, ``n``,
        ``t``, the last-10-years mean, and the mean January return of each index (%)."""
        st = self.stats()
        names = {"mean_pct": "mean_rel_pct", "median_pct": "median_rel_pct",
                 "recent_mean_pct": "recent_mean_rel_pct"}
        return pd.DataFrame({"value": {names.get(k, k): v for k, v in st.items()}}).T.round(3)

    def reading(self) -> str:
        st = self.stats()
        if st["n"] == 0:
            return "No complete January in the data."
        lead = "led" if st["mean_pct"] > 0 else "lagged"
        often = ("more often than not" if st["hit_rate"] > 0.5 else
                 "in no more than half of the years")
        exists = (st["mean_pct"] > 0 and st["t"] >= SIGNIFICANT_T)
        verdict = ("The data support a January effect." if exists else
                   "The data do not support a reliable January effect.")
        text = (f"In January small caps ({self.small}) {lead} large caps ({self.large}) by "
                f"{abs(st['mean_pct']):.2f} pp on average over {st['n']} years "
                f"({self.table.index[0]}-{self.table.index[-1]}), median "
                f"{_pct(st['median_pct'], 'pp')}, and beat them {often} "
                f"({_share(st['hit_rate'])}); the mean spread is {_sig(st['t'])}. {verdict}")
        if st["recent_n"] >= 3:
            text += (f" Over the last {st['recent_n']} Januaries the mean spread was "
                     f"{_pct(st['recent_mean_pct'], 'pp')}.")
        return text


def january_effect(monthly: MonthlyReturns, recent_years: int = 10) -> JanuaryEffect:
    """January returns of small and large caps and their spread, per complete January."""
    if not monthly.spread:
        raise ParameterError("january_effect needs monthly returns computed with relative=[small,"
                             " large]")
    small, large = monthly.spread.split("-", 1)
    done = monthly.complete()
    jan = done.loc[done.index.month == 1, [small, large, monthly.spread]].dropna()
    table = pd.DataFrame({"small": jan[small].to_numpy(), "large": jan[large].to_numpy(),
                          "spread": jan[monthly.spread].to_numpy()},
                         index=pd.Index(jan.index.year, name="year"))
    return JanuaryEffect(table=table, small=small, large=large, provenance=monthly.provenance,
                         recent_years=recent_years)


# ----------------------------------------------------------------------------------------------
# Election years
# ----------------------------------------------------------------------------------------------


def is_election_year(year: int) -> bool:
    """US presidential election years (1988, 1992, ..., 2024)."""
    return int(year) % 4 == 0


@dataclass
class ElectionYears:
    """November and November-December returns in presidential election years vs other years.

    ``table``: indexed by (series, year): ``november``, ``nov_dec`` (percent; Nov-Dec runs from
    the last October close to the last December close) and ``election`` (bool)."""

    table: pd.DataFrame
    series: list

    def summary(self) -> pd.DataFrame:
        """Per (series, group): mean, hit rate, n of November and Nov-Dec returns."""
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

    def to_record(self) -> dict:
        out: dict = {}
        for (s, group), row in self.summary().iterrows():
            out.setdefault(s, {})[group] = {"mean_pct": row["mean_pct"],
                                            "hit_rate": row["hit_rate"], "n": int(row["n"]),
                                            "nov_dec_mean_pct": row["nov_dec_mean_pct"]}
        return out

    def reading(self) -> str:
        summ = self.summary()
        lines = []
        for s in self.series:
            e, o = summ.loc[(s, "election_years")], summ.loc[(s, "other_years")]
            if e["n"] == 0 or o["n"] == 0:
                lines.append(f"- {s}: not enough years in both groups.")
                continue
            t = self.table.loc[s]
            diff_t = _welch_t(t.loc[t["election"], "november"], t.loc[~t["election"], "november"])
            better = "stronger" if e["mean_pct"] > o["mean_pct"] else "weaker"
            size = abs(e["mean_pct"] - o["mean_pct"])
            sig = ("a difference that is statistically distinguishable from zero"
                   if np.isfinite(diff_t) and abs(diff_t) >= SIGNIFICANT_T else
                   "with so few election years, not a statistically distinguishable difference")
            nd_better = "stronger" if e["nov_dec_mean_pct"] > o["nov_dec_mean_pct"] else "weaker"
            lines.append(
                f"- **{s}**: November averaged {_pct(e['mean_pct'])} in {int(e['n'])} election "
                f"years vs {_pct(o['mean_pct'])} in {int(o['n'])} other years: {better} by "
                f"{size:.2f} pp ({sig}, Welch t = {diff_t:.1f}). November-December: "
                f"{_pct(e['nov_dec_mean_pct'])} vs {_pct(o['nov_dec_mean_pct'])} ({nd_better}).")
        return "\n".join(lines)


def _welch_t(a, b) -> float:
    a, b = pd.Series(a, dtype=float).dropna(), pd.Series(b, dtype=float).dropna()
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return float((a.mean() - b.mean()) / se) if se > 0 else float("nan")


def election_years(monthly: MonthlyReturns) -> ElectionYears:
    """November and Nov-Dec returns per series and year, tagged election year or not; only
    months complete by the as-of date."""
    done = monthly.complete()
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


# ----------------------------------------------------------------------------------------------
# Average seasonal path by trading day of year
# ----------------------------------------------------------------------------------------------


@dataclass
class SeasonalPath:
    """Cumulative return by trading day of the year, per year, with the average across
    complete years and the current year.

    ``paths``: rows = trading day of year (0 = previous year's last close), columns = years,
    values = cumulative percent (``unit`` "%"), or for a small/large pair the difference of
    the two cumulative returns in percentage points (``unit`` "pp").  ``band``:
    :func:`path_band` over complete years.  ``current``: the as-of year's path so far (or
    None)."""

    series: str
    paths: pd.DataFrame
    band: pd.DataFrame
    current_year: int | None
    current: pd.Series | None
    asof: pd.Timestamp
    provenance: dict = field(default_factory=dict)
    unit: str = "%"

    def reading(self) -> str:
        years = [c for c in self.paths.columns if c != self.current_year]
        if not years:
            return "No complete year to average."
        end = self.band.dropna(subset=["mean"])
        yr_mean = float(end["mean"].iloc[-1])
        what = (f"{self.series} (small minus large)" if self.unit == "pp" else self.series)
        u = self.unit
        text = (f"Over {len(years)} complete years ({years[0]}-{years[-1]}) {what} ended "
                f"the year {_pct(yr_mean, u)} on average (middle half of years "
                f"{_pct(end['q25'].iloc[-1], u)} to {_pct(end['q75'].iloc[-1], u)}).")
        if self.current is not None and len(self.current) > 1:
            day = int(self.current.index[-1])
            now = float(self.current.iloc[-1])
            b = self.band.loc[min(day, self.band.index[-1])]
            if now > b["q75"]:
                where = "above the middle half of years"
            elif now < b["q25"]:
                where = "below the middle half of years"
            else:
                where = "inside the middle half of years"
            text += (f" {self.current_year} so far: {_pct(now, u)} after {day} trading days "
                     f"(to {self.asof:%Y-%m-%d}) against an average of {_pct(b['mean'], u)} at "
                     f"the same trading day, {where} ({_pct(b['q25'], u)} to "
                     f"{_pct(b['q75'], u)}).")
        return text


def seasonal_path(prices: pd.Series | pd.DataFrame, asof=None, start=None) -> SeasonalPath:
    """Year-to-date path by trading day of the year, for one series or a small/large pair.

    Parameters
    ----------
    prices : Series, or DataFrame with two columns [small, large]
        Daily closes.  For a pair the path is small's cumulative return minus large's (pp),
        on the dates both trade.
    asof, start : date-like, optional
        As-of date (default: last common date) and first year kept.

    Each year starts at 0 on the previous year's last close; trading day *k* is the *k*-th
    session of the year (:func:`trading_day_of_year`).  The band covers complete years only
    (a year keeps its year-end value on the extra days of longer years); the as-of year is
    kept apart as ``current``.
    """
    pair = isinstance(prices, pd.DataFrame)
    if pair and prices.shape[1] != 2:
        raise ParameterError("seasonal_path takes one series or two columns [small, large]")
    p = prices.dropna(how="any") if pair else prices.dropna()
    asof = resolve_asof(p, asof)
    p = p.loc[:asof]
    w = map_windows(p.index, ["01-01", "12-31"], asof=asof, start=start)
    if pair:
        paths = window_paths(p.iloc[:, 0], w) - window_paths(p.iloc[:, 1], w)
        name = f"{p.columns[0]}-{p.columns[1]}"
    else:
        paths = window_paths(p, w)
        name = str(prices.name)
    done = [y for y in w.index if w.at[y, "complete"]]
    paths[done] = paths[done].ffill()
    band = path_band(paths[done]) if done else path_band(paths.iloc[:, :0])
    cur_year = int(asof.year) if asof.year in w.index and not w.at[asof.year, "complete"] else None
    current = paths[cur_year].dropna() if cur_year is not None else None
    return SeasonalPath(series=name, paths=paths, band=band, current_year=cur_year,
                        current=current, asof=asof, provenance=_provenance(prices),
                        unit="pp" if pair else "%")
