"""The kit's one calendar helper (smallcaps.calendar) and month-day parsing (smallcaps.dates):
sessions, snapping dates onto trading days, look-back starts and month-day windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import calendar as cal
from smallcaps.dates import parse_month_day, parse_window
from smallcaps.errors import ParameterError, SmallcapsError


def sessions(start: str, end: str) -> pd.DatetimeIndex:
    """NYSE sessions (the kit's calendar; equal to exchange-calendars' XNYS, tested below)."""
    return cal.sessions(start, end)


# ------------------------------------------------------------------------------------------
# sessions
# ------------------------------------------------------------------------------------------


def test_trading_day_of_year_counts_sessions_within_each_year():
    idx = sessions("2022-12-27", "2023-01-06")
    tdy = cal.trading_day_of_year(idx)
    # 2022: Dec 27..30 are the last sessions; counting restarts on Jan 3 2023 (Jan 2 closed)
    assert tdy.loc["2023-01-03"] == 1
    assert tdy.loc["2023-01-06"] == 4
    assert list(tdy.loc["2022"]) == [1, 2, 3, 4]


def test_next_session_and_period_complete_use_market_holidays():
    assert cal.next_session("2024-11-27") == pd.Timestamp("2024-11-29")  # Thanksgiving 11-28
    assert cal.next_session("2024-12-24") == pd.Timestamp("2024-12-26")
    assert cal.next_session("2022-12-30") == pd.Timestamp("2023-01-03")  # New Year observed
    assert cal.period_complete("2024-11-29", "2024-11-30")  # Friday is November's last session
    assert not cal.period_complete("2024-11-27", "2024-11-30")
    assert cal.period_complete("2021-05-28", "2021-05-31")  # Memorial Day on May 31
    assert not cal.period_complete("2024-05-30", "2024-05-31")


@pytest.mark.parametrize("date, expected", [
    ("2024-11-27", "2024-11-27"),  # a session is its own previous session
    ("2024-11-28", "2024-11-27"),  # Thanksgiving
    ("2024-11-30", "2024-11-29"),  # Saturday
    ("2024-12-25", "2024-12-24"),  # Christmas
    ("2023-01-02", "2022-12-30"),  # New Year's Day observed on Monday, then the weekend
    ("2024-03-29", "2024-03-28"),  # Good Friday
    ("2026-02-16", "2026-02-13"),  # Presidents' Day
])
def test_previous_session_skips_weekends_and_holidays(date, expected):
    assert cal.previous_session(date) == pd.Timestamp(expected)


def test_previous_session_needs_a_date():
    with pytest.raises(ParameterError, match="date"):
        cal.previous_session("")
    with pytest.raises(ParameterError, match="not a date"):
        cal.previous_session("2024-13-01")


# ------------------------------------------------------------------------------------------
# snapping onto the data's own dates
# ------------------------------------------------------------------------------------------


def test_on_or_before_and_on_or_after_hand_computed():
    idx = sessions("2024-11-25", "2024-12-06")  # Thanksgiving 11-28 closed
    assert cal.on_or_before("2024-11-28", idx) == pd.Timestamp("2024-11-27")
    assert cal.on_or_after("2024-11-28", idx) == pd.Timestamp("2024-11-29")
    assert cal.on_or_before("2024-11-30", idx) == pd.Timestamp("2024-11-29")  # Saturday
    assert cal.on_or_after("2024-11-30", idx) == pd.Timestamp("2024-12-02")
    assert cal.on_or_before("2024-12-02", idx) == cal.on_or_after("2024-12-02", idx) \
        == pd.Timestamp("2024-12-02")
    # an unsorted index with duplicates is read as its sorted unique dates
    shuffled = idx[::-1].append(idx[:3])
    assert cal.on_or_before("2024-11-28", shuffled) == pd.Timestamp("2024-11-27")


def test_on_or_before_the_first_date_and_on_or_after_the_last_raise():
    idx = sessions("2024-11-25", "2024-12-06")
    with pytest.raises(ParameterError, match="start 2024-11-22 is before the first trading "
                                              r"date \(2024-11-25\)"):
        cal.on_or_before("2024-11-22", idx, "start")
    with pytest.raises(ParameterError, match=r"after the last trading date \(2024-12-06\)"):
        cal.on_or_after("2024-12-07", idx)
    with pytest.raises(ParameterError, match="not a date"):
        cal.on_or_before("soon", idx)


def test_years_before_on_a_weekday_index_and_without_one():
    idx = pd.bdate_range("2015-01-01", "2026-02-20")
    # 2026-02-20 minus five years is Saturday 2021-02-20: the start is Monday 2021-02-22
    assert cal.years_before("2026-02-20", 5, idx) == pd.Timestamp("2021-02-22")
    assert cal.years_before("2026-02-20", 5) == pd.Timestamp("2021-02-22")
    # a calendar date that is a session is kept
    assert cal.years_before("2026-02-19", 5, idx) == pd.Timestamp("2021-02-19")
    assert cal.years_before("2026-02-19", 5) == pd.Timestamp("2021-02-19")
    # Feb 29 minus one year is Feb 28
    assert cal.years_before("2024-02-29", 1, idx) == pd.Timestamp("2023-02-28")


def test_years_before_skips_holidays_of_the_index_and_of_the_calendar():
    idx = sessions("2023-06-01", "2025-12-31")  # 2024-07-04 and 2024-12-25 are holidays
    # one year before 2025-07-04 is Thursday 2024-07-04, a holiday: Friday 2024-07-05
    assert cal.years_before("2025-07-04", 1, idx) == pd.Timestamp("2024-07-05")
    assert cal.years_before("2025-07-04", 1) == pd.Timestamp("2024-07-05")
    assert cal.years_before("2025-12-25", 1) == pd.Timestamp("2024-12-26")
    # the data's own gaps count, not only the expected calendar
    gappy = idx[idx != pd.Timestamp("2024-03-04")]
    assert cal.years_before("2025-03-04", 1, gappy) == pd.Timestamp("2024-03-05")


def test_years_before_a_short_history_is_its_first_date():
    idx = pd.bdate_range("2020-03-02", "2026-02-20")
    assert cal.years_before("2026-02-20", 10, idx) == pd.Timestamp("2020-03-02")
    with pytest.raises(ParameterError, match="no trading dates"):
        cal.years_before("2026-02-20", 1, pd.DatetimeIndex([]))


def test_years_before_on_the_real_rut_index(shared_market):
    from conftest import plain_closes

    rut = plain_closes(shared_market, "RUT")
    assert cal.years_before("2026-02-20", 5, rut.index) == pd.Timestamp("2021-02-22")
    # 2024-11-28 was Thanksgiving: one year after it, the look-back starts on 2024-11-29
    assert cal.years_before("2025-11-28", 1, rut.index) == pd.Timestamp("2024-11-29")


_DAYS = pd.bdate_range("2020-01-01", "2020-12-31")


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, len(_DAYS) - 1), min_size=1, max_size=200),
       st.integers(0, 400), st.integers(0, 3))
def test_years_before_is_the_first_index_date_on_or_after_the_calendar_date(keep, offset,
                                                                            years):
    idx = _DAYS[sorted(keep)]
    date = pd.Timestamp("2020-01-01") + pd.Timedelta(days=offset) + pd.DateOffset(years=years)
    target = date - pd.DateOffset(years=years)
    if target > idx[-1]:
        with pytest.raises(ParameterError, match="is after the last trading date"):
            cal.years_before(date, years, idx)
        return
    got = cal.years_before(date, years, idx)
    assert got in idx
    assert got == idx[idx >= target][0]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, len(_DAYS) - 1), min_size=1, max_size=200), st.integers(0, 400))
def test_on_or_before_and_after_bracket_the_date(keep, offset):
    idx = _DAYS[sorted(keep)]
    date = pd.Timestamp("2020-01-01") + pd.Timedelta(days=offset)
    if date >= idx[0]:
        before = cal.on_or_before(date, idx)
        assert before in idx and before <= date and not ((idx > before) & (idx <= date)).any()
    if date <= idx[-1]:
        after = cal.on_or_after(date, idx)
        assert after in idx and after >= date and not ((idx < after) & (idx >= date)).any()


def test_lookback_start():
    assert cal.lookback_start("1988-01-01") == "1987-11-22"
    assert cal.lookback_start("2024-03-01", days=10) == "2024-02-20"
    assert cal.lookback_start("") is None and cal.lookback_start(None) is None
    with pytest.raises(ParameterError, match="start"):
        cal.lookback_start("1988-13-01")


# ------------------------------------------------------------------------------------------
# month-days and windows
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["13-45", "12-32", "02-30", "1231", "", "12/20", None, 1220])
def test_bad_month_day_is_a_clear_error(bad):
    with pytest.raises(ParameterError) as err:
        parse_month_day(bad, "pressure_window start")
    msg = str(err.value)
    assert "pressure_window start" in msg and "MM-DD" in msg and "\n" not in msg
    assert isinstance(err.value, SmallcapsError)


def test_parse_window_accepts_pairs_and_leap_day():
    assert parse_window(["12-21", "01-15"]) == ((12, 21), (1, 15))
    assert cal.month_day_date(2023, (2, 29)) == pd.Timestamp("2023-02-28")
    assert cal.month_day_date(2024, (2, 29)) == pd.Timestamp("2024-02-29")
    with pytest.raises(ParameterError, match="pair"):
        parse_window("12-01")
    with pytest.raises(ParameterError, match="rebound_window end"):
        parse_window(["12-21", "13-45"], "rebound_window")
    with pytest.raises(ParameterError, match="same month-day"):
        parse_window(["12-21", "12-21"])


def test_map_windows_on_a_holiday_calendar():
    idx = sessions("2022-11-01", "2023-02-10")
    pressure = cal.map_windows(idx, ["12-01", "12-20"])
    row = pressure.loc[2022]
    assert (row["base"], row["first"], row["last"]) == (
        pd.Timestamp("2022-11-30"), pd.Timestamp("2022-12-01"), pd.Timestamp("2022-12-20"))
    assert row["days"] == 14 and row["complete"]

    rebound = cal.map_windows(idx, ["12-21", "01-15"])
    row = rebound.loc[2022]  # crosses New Year: belongs to December's year
    assert row["base"] == pd.Timestamp("2022-12-20")  # chains onto the pressure window
    assert row["first"] == pd.Timestamp("2022-12-21")
    assert row["last"] == pd.Timestamp("2023-01-13")  # Jan 15 is a Sunday
    # Dec 21..30 minus the 26th = 7 sessions; Jan 3..13 = 9 sessions (Jan 2 closed)
    assert row["days"] == 16
    assert list(rebound.index) == [2022]

    # a start on a holiday weekend moves to the next session
    xmas = cal.map_windows(idx, ["12-24", "12-31"])
    assert xmas.loc[2022, "first"] == pd.Timestamp("2022-12-27")
    assert xmas.loc[2022, "base"] == pd.Timestamp("2022-12-23")
    assert xmas.loc[2022, "last"] == pd.Timestamp("2022-12-30")


def test_map_windows_marks_running_window_incomplete_and_respects_start():
    idx = sessions("2023-11-01", "2024-01-10")
    w = cal.map_windows(idx, ["12-21", "01-15"])
    assert not w.loc[2023, "complete"]
    assert w.loc[2023, "last"] == pd.Timestamp("2024-01-10")
    # Fri 2024-01-12: the next session (Tue Jan 16, after MLK day) is past Jan 15
    idx2 = sessions("2023-11-01", "2024-01-12")
    assert cal.map_windows(idx2, ["12-21", "01-15"]).loc[2023, "complete"]
    w2 = cal.map_windows(sessions("2022-11-01", "2024-02-01"), ["12-01", "12-20"],
                         start="2023-01-01")
    assert list(w2.index) == [2023]


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, 120), max_size=25))
def test_adjacent_windows_chain_on_any_calendar(closed):
    """Dropping arbitrary sessions never breaks the rule: the rebound's base close is the
    pressure window's last close, and every window's days lie inside its month-days."""
    days = pd.bdate_range("2022-11-01", "2023-02-28")
    idx = days[~np.isin(np.arange(len(days)), sorted(closed))]
    p = cal.map_windows(idx, ["12-01", "12-20"], asof="2023-02-28")
    r = cal.map_windows(idx, ["12-21", "01-15"], asof="2023-02-28")
    if 2022 in p.index and 2022 in r.index:
        assert r.at[2022, "base"] == p.at[2022, "last"]
    for w, lo, hi in ((p, "2022-12-01", "2022-12-20"), (r, "2022-12-21", "2023-01-15")):
        if 2022 in w.index:
            assert pd.Timestamp(lo) <= w.at[2022, "first"] <= w.at[2022, "last"] <= \
                pd.Timestamp(hi)
            assert w.at[2022, "base"] < pd.Timestamp(lo)
            inside = idx[(idx >= w.at[2022, "first"]) & (idx <= w.at[2022, "last"])]
            assert len(inside) == w.at[2022, "days"]


@pytest.mark.filterwarnings("ignore:Series.values returning")  # inside exchange-calendars
def test_sessions_are_exchange_calendars_xnys():
    """The kit's NYSE rules plus its list of special closures give exactly the XNYS sessions of
    exchange-calendars (kept out of the kernels for its start-up cost)."""
    xc = pytest.importorskip("exchange_calendars")
    xnys = xc.get_calendar("XNYS", start="1980-01-01", end="2035-12-31").sessions
    ours = cal.sessions("1980-01-01", "2035-12-31")
    assert list(ours.strftime("%Y-%m-%d")) == list(xnys.strftime("%Y-%m-%d"))
    assert cal.next_session("2012-10-26") == pd.Timestamp("2012-10-31")  # Sandy
    assert cal.previous_session("2025-01-09") == pd.Timestamp("2025-01-08")  # Carter
