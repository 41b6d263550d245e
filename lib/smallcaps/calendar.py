"""The kit's one calendar helper: US market sessions, snapping dates onto trading days,
look-back starts and month-day windows mapped onto trading dates.

Two calendars are used, on purpose:

* **the data's own dates** (a price index) wherever the question is *which trading day does
  this date mean* (:func:`on_or_before`, :func:`on_or_after`, :func:`years_before`): a
  holiday or a missing day in the data is never picked;
* **the expected NYSE sessions** (weekdays minus the full-day holidays and the special
  closures of the New York Stock Exchange) where the question is *is another session of this
  period still to come* (:func:`next_session`, :func:`period_complete`).  They are the
  ``XNYS`` calendar of exchange-calendars, written as rules plus the list of special closures
  (a test compares them with exchange-calendars over 1980-2035): importing that library and
  building its calendar costs about 2.3 s per process, which every kernel would pay.

Window mapping rule
-------------------
A window given as month-days ``[start, end]`` (``"MM-DD"``) covers, in year *Y*, the trading
days from the first trading day on or after *start* to the last trading day on or before
*end*; when *end* comes before *start* in the calendar the window ends in *Y + 1* and still
belongs to year *Y* (the December's year).  Its return runs from the close of the trading day
before the first day to the close of the last day, so back-to-back windows chain exactly.
``"02-29"`` means Feb 28 in non-leap years.
"""

from __future__ import annotations

import calendar as _calendar
from functools import lru_cache

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

from smallcaps.dates import parse_date, parse_window
from smallcaps.errors import ParameterError

__all__ = [
    "SPECIAL_CLOSURES",
    "sessions",
    "next_session",
    "previous_session",
    "period_complete",
    "on_or_before",
    "on_or_after",
    "years_before",
    "lookback_start",
    "trading_day_of_year",
    "month_day_date",
    "map_windows",
]


#: Unscheduled full-day closures of the NYSE (exchange-calendars' XNYS "adhoc holidays"
#: since 1980): an election day, hurricanes Gloria and Sandy, 9/11, national days of mourning.
SPECIAL_CLOSURES = (
    "1980-11-04", "1985-09-27", "1994-04-27", "2001-09-11", "2001-09-12", "2001-09-13",
    "2001-09-14", "2004-06-11", "2007-01-02", "2012-10-29", "2012-10-30", "2018-12-05",
    "2025-01-09",
)


class _USMarketHolidays(AbstractHolidayCalendar):
    """NYSE full-day holidays: the regular rules and :data:`SPECIAL_CLOSURES`."""

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
        *(Holiday(f"Special closure {d}", year=int(d[:4]), month=int(d[5:7]), day=int(d[8:]))
          for d in SPECIAL_CLOSURES),
    ]


@lru_cache(maxsize=1)
def _session_offset() -> CustomBusinessDay:
    return CustomBusinessDay(calendar=_USMarketHolidays())


def sessions(start, end) -> pd.DatetimeIndex:
    """The expected NYSE sessions from ``start`` to ``end`` (both included)."""
    a = parse_date(start, "start", required=True)
    b = parse_date(end, "end", required=True)
    return pd.date_range(a, b, freq=_session_offset()).rename("date")


def next_session(date) -> pd.Timestamp:
    """The first expected US market session strictly after ``date``."""
    return (parse_date(date, required=True) + _session_offset()).normalize()


def previous_session(date) -> pd.Timestamp:
    """The last expected US market session on or before ``date`` (``date`` itself when it is
    a session)."""
    d = parse_date(date, required=True)
    return (d + _session_offset() - _session_offset()).normalize()


def period_complete(asof, period_end) -> bool:
    """True when no expected session lies between ``asof`` (exclusive) and ``period_end``
    (inclusive): the period's last close is known as of ``asof``."""
    return bool(next_session(asof) > pd.Timestamp(period_end).normalize())


def _dates(index) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(index).dropna()
    return idx if idx.is_monotonic_increasing and idx.is_unique else idx.sort_values().unique()


def on_or_before(date, index, what: str = "date") -> pd.Timestamp:
    """The last date of ``index`` (trading dates) on or before ``date``.

    Raises
    ------
    ParameterError
        When ``date`` is before the first date of ``index``.
    """
    d = parse_date(date, what, required=True)
    idx = _dates(index)
    i = idx.searchsorted(d, side="right") - 1
    if i < 0:
        first = f"{idx[0]:%Y-%m-%d}" if len(idx) else "none"
        raise ParameterError(f"{what} {d:%Y-%m-%d} is before the first trading date ({first})")
    return pd.Timestamp(idx[i])


def on_or_after(date, index, what: str = "date") -> pd.Timestamp:
    """The first date of ``index`` (trading dates) on or after ``date``.

    Raises
    ------
    ParameterError
        When ``date`` is after the last date of ``index``.
    """
    d = parse_date(date, what, required=True)
    idx = _dates(index)
    i = idx.searchsorted(d, side="left")
    if i >= len(idx):
        last = f"{idx[-1]:%Y-%m-%d}" if len(idx) else "none"
        raise ParameterError(f"{what} {d:%Y-%m-%d} is after the last trading date ({last})")
    return pd.Timestamp(idx[i])


def years_before(date, years: int, index=None) -> pd.Timestamp:
    """The look-back start ``years`` calendar years before ``date``, snapped onto a trading day.

    With ``index`` (trading dates) the result is the first date of ``index`` on or after the
    calendar date (the first date of ``index`` when the history is shorter; an error when the
    date is after the last one); without it, the
    first expected session on or after it.  ``2026-02-20`` minus five years is Saturday
    2021-02-20, so the start is Monday 2021-02-22.
    """
    d = parse_date(date, "date", required=True) - pd.DateOffset(years=int(years))
    if index is None:
        return previous_session(d) if previous_session(d) == d else next_session(d)
    idx = _dates(index)
    if len(idx) == 0:
        raise ParameterError("no trading dates to snap a look-back start onto")
    i = idx.searchsorted(d, side="left")
    if i >= len(idx):
        raise ParameterError(f"look-back start {d:%Y-%m-%d} is after the last trading date "
                             f"({idx[-1]:%Y-%m-%d})")
    return pd.Timestamp(idx[i])


def lookback_start(start, days: int = 40) -> str | None:
    """``start`` moved back by ``days`` calendar days (YYYY-MM-DD), so that the close before
    the first period on or after ``start`` is loaded too (e.g. 1987-12-31 for January 1988).
    A blank ``start`` stays None (the whole history)."""
    ts = parse_date(start, "start")
    return None if ts is None else f"{ts - pd.Timedelta(days=days):%Y-%m-%d}"


def trading_day_of_year(index) -> pd.Series:
    """Position of each date among the trading dates of its calendar year (1 = first).

    ``index`` holds the trading dates (e.g. a price series' index); returns a Series of ints
    indexed by those dates.
    """
    idx = pd.DatetimeIndex(index).sort_values().unique()
    s = pd.Series(1, index=idx)
    return s.groupby(idx.year).cumsum().astype(int).rename("trading_day")


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
    asof = idx[-1] if asof is None else parse_date(asof, "asof", required=True)
    idx = idx[idx <= asof]
    lo = parse_date(start, "start")
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

