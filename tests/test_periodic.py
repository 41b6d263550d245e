"""Backfill dates across holidays, bad ranges, and the changes between two reports."""

from __future__ import annotations

import pytest
from smallcaps import periodic
from smallcaps.errors import ParameterError


def test_weekly_backfill_uses_the_session_before_a_holiday_friday():
    # Good Friday 2024-03-29 -> Thursday; 2024-07-05 is a normal Friday
    got = periodic.backfill_dates("2024-03-20", "2024-04-12", "W-FRI")
    assert got == ["2024-03-22", "2024-03-28", "2024-04-05", "2024-04-12"]
    assert periodic.backfill_dates("2024-10-04", "2024-11-29")[:2] == ["2024-10-04",
                                                                        "2024-10-11"]
    assert len(periodic.backfill_dates("2024-10-04", "2024-11-29")) == 9


def test_month_ends_and_days():
    assert periodic.backfill_dates("2024-01-01", "2024-06-30", "M") == [
        "2024-01-31", "2024-02-29", "2024-03-28", "2024-04-30", "2024-05-31", "2024-06-28"]
    # Thanksgiving week: Thursday 2024-11-28 is no session
    assert periodic.backfill_dates("2024-11-25", "2024-11-29", "D") == [
        "2024-11-25", "2024-11-26", "2024-11-27", "2024-11-29"]


@pytest.mark.parametrize("start, end, every, match", [
    ("2024-11-29", "2024-10-04", "W-FRI", "ends 2024-10-04, before it starts 2024-11-29"),
    ("2024-10-04", "2024-11-29", "weekly", "--every 'weekly' is unknown; valid: W-FRI, M, D"),
    ("2024-11-30", "2024-12-01", "D", "no trading day in the range"),
    ("2024-12-02", "2024-12-05", "W-FRI", "no trading day in the range"),
    ("2024-13-01", "2024-12-05", "D", "--asof start '2024-13-01' is not a date"),
])
def test_bad_ranges_are_one_line_errors(start, end, every, match):
    with pytest.raises(ParameterError, match=match):
        periodic.backfill_dates(start, end, every)


def test_parse_range():
    assert periodic.parse_range("2024-11-29") is None
    a, b = periodic.parse_range("2024-10-04..2024-11-29")
    assert (f"{a:%Y-%m-%d}", f"{b:%Y-%m-%d}") == ("2024-10-04", "2024-11-29")
    with pytest.raises(ParameterError, match="the end 2024-10-04 is before the start"):
        periodic.parse_range("2024-11-29..2024-10-04")


def test_changes_keep_what_moved_past_the_threshold_in_words():
    before = {"ratios": {"RUT/SPX": {"last": 0.3950, "change_1m_pct": 1.0, "above_ma200": False,
                                     "distance_ma200_pct": -1.0}},
              "fit": {"t_hac": 1.2, "hit_rate": 0.40}, "yield_change_1w_bp": -2.0,
              "leaders": ["RUT", "SPX"]}
    after = {"ratios": {"RUT/SPX": {"last": 0.4036, "change_1m_pct": 3.1, "above_ma200": True,
                                    "distance_ma200_pct": 3.2}},
             "fit": {"t_hac": 1.3, "hit_rate": 0.47}, "yield_change_1w_bp": -9.0,
             "leaders": ["SPX", "RUT"]}
    got = {c["figure"]: c for c in periodic.figure_changes(before, after, "02_ratio_charts")}
    assert set(got) == {"ratios.RUT/SPX.last", "ratios.RUT/SPX.change_1m_pct",
                        "ratios.RUT/SPX.distance_ma200_pct", "fit.hit_rate",
                        "yield_change_1w_bp"}  # t moved 0.1 only; bools and lists not diffed
    assert got["ratios.RUT/SPX.last"]["text"] == "ratios.RUT/SPX.last rose 2.2% to 0.4036"
    assert got["ratios.RUT/SPX.distance_ma200_pct"]["text"] == (
        "ratios.RUT/SPX.distance_ma200_pct rose by 4.2 points to +3.2%")
    assert got["yield_change_1w_bp"]["text"] == "yield_change_1w_bp fell by 7 bp to -9 bp"
    assert got["fit.hit_rate"]["text"] == "fit.hit_rate rose from 40% to 47%"
    assert all(c["notebook"] == "02_ratio_charts" for c in got.values())
    assert periodic.figure_changes(before, before) == []


def test_a_yield_beta_moves_in_pp_with_the_two_decimals_of_the_page():
    figures = [("beta_rolling_latest_pct", "the rolling beta", "beta")]
    got = periodic.figure_changes({"beta_rolling_latest_pct": -7.632},
                                  {"beta_rolling_latest_pct": -8.455}, figures=figures)
    assert [c["text"] for c in got] == ["the rolling beta fell by 0.82 pp to -8.46 pp"]
    assert got[0]["unit"] == "pp"
    # 0.4 pp is below the 0.5 pp threshold of a beta
    assert periodic.figure_changes({"beta_rolling_latest_pct": -7.6},
                                   {"beta_rolling_latest_pct": -8.0}, figures=figures) == []


def test_parameter_or_method_changes_are_flagged_not_diffed():
    a = {"parameters": {"asof": "2024-11-01", "window": 52}, "figures": {"method": {"k": 1}}}
    assert periodic.comparable(a, {**a, "parameters": {"asof": "2024-11-08", "window": 52}}) \
        is None
    assert periodic.comparable(a, {**a, "parameters": {"asof": "x", "window": 26}}) == (
        "parameters changed (window): figures not compared")
    assert periodic.comparable(a, {**a, "figures": {"method": {"k": 2}}}) == (
        "the method changed: figures not compared")
