"""The one date parser (smallcaps.dates)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from smallcaps.dates import iso, parse_date, parse_month_day, parse_window
from smallcaps.errors import ParameterError


@pytest.mark.parametrize("value, expected", [
    ("2024-11-29", "2024-11-29"), (" 2024-11-29 ", "2024-11-29"),
    (pd.Timestamp("2024-11-29 15:30"), "2024-11-29"),
    (pd.Timestamp("2024-11-29 23:30", tz="US/Eastern"), "2024-11-29"),
    (dt.date(2024, 2, 29), "2024-02-29"), ("20241129", "2024-11-29"),
])
def test_parses_to_naive_midnight(value, expected):
    ts = parse_date(value)
    assert ts == pd.Timestamp(expected) and ts.tzinfo is None and ts == ts.normalize()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_not_given(value):
    assert parse_date(value) is None
    with pytest.raises(ParameterError, match="^--asof is required; expected a date YYYY-MM-DD$"):
        parse_date(value, "--asof", required=True)


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "soon", True, 3.5j, "NaT"])
def test_bad_dates_name_the_input(value):
    with pytest.raises(ParameterError, match=r"^start .* is not a date; expected YYYY-MM-DD$"):
        parse_date(value, "start")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_iso_round_trip(day):
    assert iso(day.isoformat()) == day.isoformat()
    assert parse_date(iso(day)) == pd.Timestamp(day)


def test_month_days_and_windows():
    assert parse_month_day("12-20") == (12, 20) and parse_month_day("2-29") == (2, 29)
    assert parse_window(["12-21", "01-15"]) == ((12, 21), (1, 15))
    with pytest.raises(ParameterError, match="pressure end '02-30' is not a valid month-day"):
        parse_window(["12-01", "02-30"], "pressure")
    with pytest.raises(ParameterError, match="starts and ends on the same month-day"):
        parse_window(["12-01", "12-01"])
    with pytest.raises(ParameterError, match="must be a pair of month-days"):
        parse_window("12-01")
