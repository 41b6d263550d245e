"""smallcaps.narrative.technicals on hand-made, duck-typed results: the words and numbers of
each section, both directions of every verdict (records of each kind, live and dead patterns,
a pattern record better than, worse than and indistinguishable from chance, trend lines in each
state), the study sections and unknown sections."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from smallcaps.errors import ParameterError
from smallcaps.narrative import technicals as nt

BREAKOUT_COLUMNS = ["date", "close", "level", "touches", "holding", "closes_below_since"]
PATTERN_KEYS = ["type", "left_shoulder_date", "left_shoulder_price", "head_date", "head_price",
                "right_shoulder_date", "right_shoulder_price", "neckline", "target",
                "neckline_flat", "target_flat", "confirmed", "confirmed_date", "target_reached",
                "pivot_window", "width", "formed_date", "target_date", "invalidated_date",
                "expired_date", "state"]


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def pattern(kind="inverse_head_and_shoulders", head=800.0, neckline=1000.0, target=1200.0,
            state="confirmed", right="2025-05-01", flat=1190.0, window=5) -> dict:
    confirmed = state != "forming"
    return {"type": kind, "left_shoulder_date": day("2025-02-03"), "left_shoulder_price": 900.0,
            "head_date": day("2025-03-03"), "head_price": head,
            "right_shoulder_date": day(right), "right_shoulder_price": 905.0,
            "neckline": neckline, "target": target, "neckline_flat": 995.0,
            "target_flat": flat, "confirmed": confirmed,
            "confirmed_date": day("2025-05-20") if confirmed else None,
            "target_reached": state == "target_reached", "pivot_window": window, "width": 62,
            "formed_date": day("2025-05-08"),
            "target_date": day("2025-06-10") if state == "target_reached" else None,
            "invalidated_date": day("2025-06-12") if state == "invalidated" else None,
            "expired_date": day("2025-06-13") if state == "expired" else None, "state": state}


def record(**changes) -> dict:
    base = {"first": "1990-01-02", "last": "2025-06-30", "n_patterns": 60, "n_confirmed": 40,
            "n_open": 1, "n_resolved_before_seen": 0, "n_resolved": 39, "n_target_reached": 20,
            "n_invalidated": 15, "n_expired": 4, "hit_rate_pct": 20 / 39 * 100,
            "invalidated_pct": 15 / 39 * 100, "expired_pct": 4 / 39 * 100,
            "median_bars_to_target": 25.0, "baseline_hit_rate_pct": 41.0,
            "excess_pp": 20 / 39 * 100 - 41.0, "z": 1.3, "p_value": 0.19,
            "verdict": "no different", "episodes": 31, "carried_by": []}
    base.update(changes)
    return base


def line(kind="up", state="intact", **changes) -> dict:
    base = {"kind": kind, "first_date": day("2025-01-06"), "first_price": 900.0,
            "second_date": day("2025-03-03"), "second_price": 950.0, "slope": 1.25,
            "touches": 3, "break_date": None, "break_close": float("nan"),
            "break_line": float("nan"), "retest_date": None, "retest_price": float("nan"),
            "retest_line": float("nan"), "recovered_date": None, "state": state,
            "line_at_last": 980.0}
    base.update(changes)
    return base


def fake(**changes) -> SimpleNamespace:
    """A TrendResult look-alike: close 1,000 between a rising 50-day and a falling 200-day MA."""
    base = dict(
        key="AAA", name="Alpha index", units="index points", asof=day("2025-06-30"),
        close=1000.0, pct_vs_ma={50: 2.0, 200: -1.5}, ma_slopes={50: "rising", 200: "falling"},
        aligned=False, macd=pd.DataFrame({"macd": [1.0, 3.26], "signal": [0.5, 2.04]}),
        macd_signal="buy", macd_cross_date=day("2025-06-20"),
        swings=pd.DataFrame({"kind": ["high", "low", "high", "low"],
                             "price": [1100.0, 900.0, 1050.0, 950.0]}),
        structure="range", levels=pd.DataFrame({"level": [980.0, 900.0, 1050.0]}),
        support=[980.0, 900.0], resistance=[1050.0],
        breakouts=pd.DataFrame(columns=BREAKOUT_COLUMNS), breakout_date=None,
        breakout_level=None, all_time_high=1200.0, all_time_high_date=day("2024-12-02"),
        pct_from_ath=(1000 / 1200 - 1) * 100, all_time_high_close=1180.0,
        all_time_high_close_date=day("2024-12-02"), pct_from_ath_close=(1000 / 1180 - 1) * 100,
        patterns=pd.DataFrame(columns=PATTERN_KEYS), lines={"up": None, "down": None},
        pattern_record=record(n_confirmed=0, n_resolved=0, n_open=0),
        rs=None, benchmark=None, rs_change=float("nan"), rs_change_recent=float("nan"),
        provisional=False, timeframe="daily", params={"slope_days": 20},
        summary=lambda: pd.DataFrame({"value": ["1,000.00", "a|b"]},
                                     index=pd.Index(["close", "odd"], name="figure")),
    )
    base.update(changes)
    return SimpleNamespace(**base)


def test_full_reading_of_a_mixed_index():
    text = nt.read(fake())
    paragraph, table = text.split("\n\n")
    assert paragraph == (
        "**Alpha index (AAA)**, as of 2025-06-30: close 1,000.00 index points. "
        "It is above its 50-day (+2.0%) and below its 200-day (-1.5%) moving averages "
        "(rising: 50-day; falling: 200-day over 20 days); the averages are not aligned. "
        "MACD is on a **buy** signal (MACD 3.3 above its signal line 2.0) since the cross on "
        "2025-06-20. "
        "Structure: **range** (last swing highs 1,100 then 1,050, lower; last swing lows 900 "
        "then 950, higher). "
        "Levels: nearest support 980 (-2.0%); nearest resistance 1,050 (+5.0%). "
        "No breakout above a multi-touch resistance in the window. "
        "No up-trend line (two rising swing lows) in the window. "
        "No down-trend line (two falling swing highs) in the window. "
        "All-time highs: intraday 1,200.00, closing 1,180.00, both set on 2024-12-02; the close "
        "is 15.3% below the closing record (16.7% below the intraday one). "
        "The detector confirmed no pattern in AAA's history (1990-01-02 to 2025-06-30): no base "
        "rate.")
    assert table.splitlines() == ["| figure | value |", "|---|---|", "| close | 1,000.00 |",
                                  "| odd | a\\|b |"]


def test_averages_macd_and_weekly_units():
    r = fake(pct_vs_ma={50: 3.0, 200: 9.0}, ma_slopes={50: "rising", 200: "rising"},
             aligned=True, macd_signal="sell", macd_cross_date=None,
             macd=pd.DataFrame({"macd": [-4.0], "signal": [-1.0]}), structure="uptrend")
    assert nt.read(r, "averages") == (
        "It is above its 50-day (+3.0%), 200-day (+9.0%) moving averages (rising: 50, 200-day "
        "over 20 days); the averages are **aligned** bullishly.")
    assert nt.read(r, "macd") == (
        "MACD is on a **sell** signal (MACD -4.0 below its signal line -1.0).")
    weekly = fake(timeframe="weekly")
    assert nt.read(weekly, "averages").startswith(
        "It is above its 50-week (+2.0%) and below its 200-week (-1.5%)")
    assert "over 20 weeks" in nt.read(weekly, "averages")
    undefined = fake(pct_vs_ma={50: float("nan")}, ma_slopes={50: None})
    assert nt.read(undefined, "averages") == "Its moving averages are not yet defined."


# ------------------------------------------------------------------------------------------------
# records: intraday and closing
# ------------------------------------------------------------------------------------------------
def test_high_intraday_record_without_a_closing_record():
    """The RUT case of 2024-11-29: intraday record 2024-11-25, closing record still 2021's."""
    r = fake(asof=day("2024-11-29"), close=2434.73, all_time_high=2466.49,
             all_time_high_date=day("2024-11-25"), pct_from_ath=(2434.73 / 2466.49 - 1) * 100,
             all_time_high_close=2442.74, all_time_high_close_date=day("2021-11-08"),
             pct_from_ath_close=(2434.73 / 2442.74 - 1) * 100)
    assert nt.read(r, "high") == (
        "Its intraday record, 2,466.49 on 2024-11-25, is not a closing record: the closing "
        "record is still 2,442.74 from 2021-11-08. The close is 0.3% below the closing record "
        "and 1.3% below the intraday one.")


def test_high_on_the_record_day_itself():
    intraday_only = fake(asof=day("2024-11-25"), all_time_high_date=day("2024-11-25"),
                         all_time_high_close_date=day("2021-11-08"))
    assert nt.read(intraday_only, "high") == (
        "It set an intraday record on 2024-11-25 (1,200.00) but not a closing one: the closing "
        "record is still 1,180.00 from 2021-11-08, 15.3% above the close.")
    closing = fake(close=1180.0, pct_from_ath_close=0.0, pct_from_ath=(1180 / 1200 - 1) * 100,
                   all_time_high_close_date=day("2025-06-30"))
    assert nt.read(closing, "high") == (
        "It closed at a record on 2025-06-30 (1,180.00, a new all-time high on a daily closing "
        "basis); the intraday record is 1,200.00 from 2024-12-02, 1.7% above the close.")
    both = fake(all_time_high_date=day("2025-06-30"), all_time_high_close_date=day("2025-06-30"))
    assert nt.read(both, "high") == (
        "It set new all-time highs on 2025-06-30, intraday (1,200.00) and on a daily closing "
        "basis (1,180.00).")
    apart = fake(all_time_high_date=day("2024-01-02"), all_time_high_close_date=day("2024-12-02"))
    assert "set on 2024-01-02 and 2024-12-02" in nt.read(apart, "high")


# ------------------------------------------------------------------------------------------------
# patterns: only live ones are current
# ------------------------------------------------------------------------------------------------
def test_live_confirmed_pattern_with_both_targets():
    r = fake(patterns=pd.DataFrame([pattern(target=1906.0, flat=1924.0)]))
    assert nt.read(r, "pattern") == (
        "Live pattern: inverted head-and-shoulders (head 800 on 2025-03-03, right shoulder "
        "2025-05-01, 5-day pivots), confirmed on 2025-05-20 by a close above the neckline "
        "(1,000); measured-move target 1,906 from the sloped neckline, 1,924 from a horizontal "
        "one; not reached yet, and a close below the head would invalidate it. "
        "(1 pattern in the window: 1 confirmed; see the patterns table.)")


def test_forming_top_reads_the_other_way():
    top = pattern("head_and_shoulders", head=1300.0, neckline=1100.0, target=900.0,
                  state="forming", flat=880.0, window=10)
    text = nt.read(fake(patterns=pd.DataFrame([top])), "pattern")
    assert text.startswith("Live pattern: head-and-shoulders top (head 1,300 on 2025-03-03, "
                           "right shoulder 2025-05-01, 10-day pivots), forming since 2025-05-08")
    assert "needs a close below the neckline (now 1,100) within 62 trading days" in text
    assert "target 900 from the sloped neckline, 880 from a horizontal one if it confirms" in text


@pytest.mark.parametrize("state, end", [
    ("invalidated", "was invalidated on 2025-06-12 (a close above the head)"),
    ("target_reached", "reached its target on 2025-06-10"),
    ("expired", "expired on 2025-06-13 (neither target nor head reached in time after "
                "confirmation)"),
])
def test_dead_pattern_is_not_called_current(state, end):
    """The Dow case of 2024-11-29: a 2023 top that was invalidated is history, not current."""
    top = pattern("head_and_shoulders", head=35679.0, neckline=34205.0, target=32379.0,
                  state=state)
    text = nt.read(fake(patterns=pd.DataFrame([top])), "pattern")
    assert text.startswith("No live head-and-shoulders pattern: the head-and-shoulders top with "
                           f"head 35,679 on 2025-03-03 (target 32,379) {end}.")
    assert "Live pattern" not in text and "not reached yet" not in text


def test_live_and_dead_patterns_together():
    dead = pattern("head_and_shoulders", head=1300.0, target=900.0, state="invalidated",
                   right="2025-04-01")
    live = pattern(state="forming", right="2025-06-02")
    text = nt.read(fake(patterns=pd.DataFrame([live, dead])), "pattern")
    assert text.startswith("Live pattern: inverted head-and-shoulders")
    assert "Not current: the head-and-shoulders top with head 1,300" in text
    assert text.endswith("(2 patterns in the window: 1 forming, 1 invalidated; see the patterns "
                         "table.)")
    assert nt.read(fake(), "pattern") == ""


# ------------------------------------------------------------------------------------------------
# the detector's record: a verdict against a random entry, both ways
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("verdict, z, phrase", [
    ("better", 2.5, "the patterns did better than chance"),
    ("worse", -2.2, "the patterns did worse than chance"),
    ("no different", 1.3, "the patterns were not distinguishable from chance"),
])
def test_pattern_record_verdicts(verdict, z, phrase):
    r = fake(pattern_record=record(verdict=verdict, z=z))
    text = nt.read(r, "pattern_record")
    assert text.startswith(
        "Detector's record on AAA (1990-01-02 to 2025-06-30): of 39 confirmed patterns "
        "resolved after detection, 20 reached the target (51%, median 25 trading days after "
        "confirmation), 15 were invalidated (38%) and 4 expired (10%).")
    assert (f"hit 41%: {phrase} (+10.3 pp, z = {z:.1f} against ±1.96; 39 patterns in 31 "
            "non-overlapping episodes, taken as independent). (1 still open.)") in text
    assert "would flip" not in text


def test_pattern_record_names_the_pattern_that_carries_the_verdict():
    r = fake(pattern_record=record(verdict="better", z=2.0, carried_by=["2008-11-20"]))
    assert ("Removing the pattern with head on 2008-11-20 alone would flip this verdict."
            in nt.read(r, "pattern_record"))


def test_pattern_record_without_enough_patterns():
    none = fake(pattern_record=record(n_confirmed=0, n_resolved=0))
    assert nt.read(none, "pattern_record") == (
        "The detector confirmed no pattern in AAA's history (1990-01-02 to 2025-06-30): no base "
        "rate.")
    open_only = fake(pattern_record=record(n_confirmed=2, n_resolved=0))
    assert "confirmed 2 patterns in AAA's history" in nt.read(open_only, "pattern_record")
    assert "no base rate yet" in nt.read(open_only, "pattern_record")
    weekly = fake(timeframe="weekly", pattern_record=record(n_resolved_before_seen=2, n_open=0))
    text = nt.read(weekly, "pattern_record")
    assert "median 25 weeks after confirmation" in text and "any week of the same" in text
    assert text.endswith("(2 resolved before detection, left out.)")


# ------------------------------------------------------------------------------------------------
# trend lines in each state
# ------------------------------------------------------------------------------------------------
def test_trend_line_states():
    intact = fake(lines={"up": line(), "down": None})
    assert nt.read(intact, "trendlines") == (
        "Up-trend line through the swing lows of 2025-01-06 (900) and 2025-03-03 (950; 3 "
        "touches): intact; the close is +2.0% from the line, now at 980. "
        "No down-trend line (two falling swing highs) in the window.")
    broken = line(state="retested", break_date=day("2025-05-02"), break_close=1010.0,
                  break_line=1020.0, retest_date=day("2025-05-09"), retest_price=1018.0,
                  retest_line=1025.0)
    text = nt.read(fake(lines={"up": broken, "down": None}, timeframe="weekly"), "trendlines")
    assert text.startswith(
        "Weekly up-trend line through the swing lows of 2025-01-06 (900) and 2025-03-03 (950; "
        "3 touches): broken on 2025-05-02 (close 1,010 below the line at 1,020), re-tested from "
        "below on 2025-05-09 (high 1,018 against the line at 1,025); no close back above it "
        "since.")
    down = line("down", "recovered", first_price=1100.0, second_price=1050.0, slope=-1.0,
                break_date=day("2025-05-02"), break_close=1040.0, break_line=1030.0,
                recovered_date=day("2025-05-20"))
    text = nt.read(fake(lines={"up": None, "down": down}), "trendlines")
    assert text.endswith(
        "Down-trend line through the swing highs of 2025-01-06 (1,100) and 2025-03-03 (1,050; 3 "
        "touches): broken on 2025-05-02 (close 1,040 above the line at 1,030); the break failed: "
        "the close was back below it on 2025-05-20.")


def test_breakout_holding_retraced_and_failed():
    when = day("2025-04-01")
    row = {"date": when, "close": 1010.0, "level": 990.0, "touches": 3, "holding": True,
           "closes_below_since": 0}
    held = fake(breakouts=pd.DataFrame([row]), breakout_date=when, breakout_level=990.0)
    assert nt.read(held, "breakout") == (
        "It broke out above resistance at 990 (3 swing highs) on 2025-04-01 and has stayed above "
        "it since.")
    retraced = fake(breakouts=pd.DataFrame([{**row, "closes_below_since": 1}]), breakout_date=when,
                    breakout_level=990.0)
    assert "has closed back below it on 1 day since, but is above it now" in nt.read(
        retraced, "breakout")
    failed = fake(breakouts=pd.DataFrame([{**row, "holding": False, "level": 1020.0}]))
    assert nt.read(failed, "breakout") == (
        "Its last breakout (above 1,020 on 2025-04-01) has failed: the close is back below that "
        "level.")


def test_structure_and_levels_edge_cases():
    few = fake(swings=pd.DataFrame({"kind": ["high", "low"], "price": [1.0, 0.5]}))
    assert nt.read(few, "structure") == "Structure: **range** (too few swing points to compare)."
    bare = fake(support=[], resistance=[])
    assert nt.read(bare, "levels") == (
        "Levels: no support level below the close in the window; no resistance above the close "
        "in the window.")


def test_relative_strength_both_ways_and_caution():
    out = fake(benchmark="BBB", rs_change=4.26, rs_change_recent=-1.04)
    assert nt.read(out, "relative_strength") == (
        "Relative to BBB it outperformed by 4.3% over the window (-1.0% over the last 3 months).")
    under = fake(benchmark="BBB", rs_change=-2.0, rs_change_recent=0.5)
    assert "underperformed by 2.0%" in nt.read(under, "relative_strength")
    itself = fake(benchmark="AAA", rs_change=0.0, rs_change_recent=0.0)
    assert nt.read(itself, "relative_strength") == ""
    assert nt.read(fake(), "caution") == ""
    caution = nt.read(fake(provisional=True), "caution")
    assert caution.startswith("_Caution: the last bar (2025-06-30) has zero volume")
    assert "Caution" in nt.read(fake(provisional=True))


def test_unknown_index_section_names_the_valid_ones():
    with pytest.raises(ParameterError, match="close, averages, macd, structure, levels"):
        nt.read(fake(), "dashboard")


# ------------------------------------------------------------------------------------------------
# study sections
# ------------------------------------------------------------------------------------------------
def study(*results) -> SimpleNamespace:
    return SimpleNamespace(results={r.key: r for r in results})


def test_study_dashboard_levels_patterns_and_index_sections():
    a = fake(benchmark="SPX", rs_change=1.0, rs_change_recent=5.55, aligned=True,
             structure="uptrend", pct_from_ath=-1.0, all_time_high_close_date=day("2025-06-30"),
             patterns=pd.DataFrame([pattern(), pattern("head_and_shoulders", state="forming")]),
             pattern_record=record(verdict="better", z=2.4))
    b = fake(key="BBB", benchmark="SPX", rs_change=-1.0, rs_change_recent=-2.0,
             macd_signal="sell", structure="downtrend", pct_from_ath=-8.04,
             all_time_high_date=day("2025-03-03"), all_time_high_close_date=day("2021-11-08"),
             breakout_date=day("2025-01-02"), breakout_level=990.0, units="<pts>",
             breakouts=pd.DataFrame([{"date": day("2025-01-02"), "close": 995.0, "level": 990.0,
                                      "touches": 2, "holding": True, "closes_below_since": 4}]),
             patterns=pd.DataFrame([pattern(right="2025-01-06", state="invalidated")]),
             pattern_record=record(n_resolved=10, n_target_reached=2,
                                   baseline_hit_rate_pct=40.0, verdict="worse", z=-2.1))
    s = study(a, b)
    assert nt.read(s, "dashboard").splitlines() == [
        "As of 2025-06-30 (prices in <pts>, index points; % columns in percent):",
        "- moving averages aligned (close above rising short, medium and long averages): AAA;",
        "- MACD buy signal: AAA; sell: BBB;",
        "- structure uptrend: AAA; downtrend: BBB; range: none;",
        "- close above a multi-touch resistance it broke out of: BBB;",
        "- closest to its all-time high: AAA (-1.0%); furthest: BBB (-8.0%);",
        "- new closing record on the last day: AAA; intraday record set after the closing "
        "record (no closing record with it): BBB;",
        "- live head-and-shoulders pattern: AAA;",
        "- relative strength vs SPX over the last 3 months: strongest AAA (+5.5%), weakest BBB "
        "(-2.0%).",
    ]
    assert nt.read(s, "patterns") == (
        "3 head-and-shoulders patterns in the window (2 inverted H&S, 1 H&S top); 2 confirmed by "
        "a close through the neckline.  Live (current) now: AAA (inverted head-and-shoulders "
        "confirmed, head-and-shoulders top forming).  The other 1 pattern is over (1 invalidated) "
        "and is not current.")
    rec = nt.read(s, "pattern_record").splitlines()
    assert rec[0].startswith("How the head-and-shoulders detector did")
    assert "did better than chance" in rec[1] and "did worse than chance" in rec[2]
    assert rec[3] == ("- Pooled: 22 of 49 (45%) against 41% for the random entry; the indexes "
                      "move together, so the pooled patterns are not independent observations.")
    assert len(rec) == 4  # no q-values given: no multiple-testing line
    s.record_qvalues = {"AAA": 0.04, "BBB": 0.12}
    assert nt.read(s, "pattern_record").splitlines()[4] == (
        "- Tested on 2 indexes at once: 1 of 2 survive a Benjamini-Hochberg false-discovery "
        "rate of 10% (column q).")
    levels = nt.read(s, "levels").splitlines()
    assert levels[1] == ("- **AAA**: 3 levels from 4 swing points; nearest support 980 (-2.0%); "
                         "nearest resistance 1,050 (+5.0%).")
    assert nt.read(s, "BBB") == nt.read(b)
    full = nt.read(s)
    assert full.startswith("As of 2025-06-30") and full.endswith(nt.read(b))
    with pytest.raises(ParameterError,
                       match="dashboard, levels, patterns, pattern_record, AAA"):
        nt.read(s, "trend")


def test_study_without_patterns_benchmark_or_indexes():
    s = study(fake())
    assert nt.read(s, "patterns") == "No head-and-shoulders pattern in the window."
    assert "relative strength" not in nt.read(s, "dashboard")
    assert "live head-and-shoulders pattern: none." in nt.read(s, "dashboard")
    assert nt.read(study(), "dashboard") == "No index analysed."
    dead = study(fake(patterns=pd.DataFrame([pattern(state="expired")])))
    assert "None is live now." in nt.read(dead, "patterns")
    assert "Pooled" not in nt.read(s, "pattern_record")


# ------------------------------------------------------------------------------------------------
# the brief
# ------------------------------------------------------------------------------------------------

def _links(sentences):
    import re

    from smallcaps import page

    anchors = {page.anchor(h) for h in nt.HEADINGS.values()}
    assert 3 <= len(sentences) <= 6
    for s in sentences:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m and m.group(1) in anchors, s
    return sentences


def test_brief_names_each_state_and_reads_true_both_ways():
    bull = fake(key="AAA", aligned=True, structure="uptrend", pct_vs_ma={50: 2.0, 200: 5.0},
                all_time_high_close_date=day("2025-06-30"), pct_from_ath=-0.2,
                patterns=pd.DataFrame([pattern(state="confirmed")]),
                pattern_record=record(verdict="better", z=2.4, excess_pp=12.0, episodes=30))
    bear = fake(key="BBB", macd_signal="sell", structure="downtrend", support=[],
                pct_vs_ma={50: -2.0, 200: -6.0}, pct_from_ath=-30.0,
                patterns=pd.DataFrame([pattern("head_and_shoulders", head=1100.0,
                                               target=800.0, state="forming")]),
                pattern_record=record(verdict="worse", z=-2.1, excess_pp=-11.0))
    s = study(bull, bear)
    s.record_qvalues = {"AAA": 0.04, "BBB": 0.2}
    trend, momentum, levels, patterns, rec = _links(nt.brief(s))
    assert trend.startswith("As of 2025-06-30, 1 of 2 indexes (AAA) close above rising, "
                            "aligned 50- and 200-day averages; below all of them: BBB; "
                            "structure (swing highs and lows): uptrend AAA; downtrend BBB.")
    assert momentum.startswith("MACD signal: buy AAA; sell BBB; a closing record on the last "
                               "day: AAA; furthest from its all-time high: BBB (-30.0%).")
    assert "AAA 980 (-2.0%) / 1,050 (+5.0%); BBB none / 1,050 (+5.0%)" in levels
    assert ("AAA inverted H&S confirmed, target 1,200; BBB H&S top forming (target 800 if it "
            "confirms)") in patterns
    assert "better than chance (|z| ≥ 1.96): AAA +12.0 pp (z = 2.4, q = 0.040, 30 " in rec
    assert "worse than chance (|z| ≥ 1.96): BBB -11.0 pp" in rec
    assert "1 of the 2 indexes survives a 10% false-discovery rate" in rec
    quiet = study(fake(key="AAA", pattern_record=record()), fake(key="BBB"))
    quiet.record_qvalues = {"AAA": 0.5, "BBB": float("nan")}
    _, _, _, patterns, rec = _links(nt.brief(quiet))
    assert patterns.startswith("No live head-and-shoulders pattern on any index.")
    assert "no index's record differs from chance (|z| < 1.96)" in rec
    assert "false-discovery" not in rec  # one q-value: nothing to control across
    assert nt.brief(study(fake(key="AAA", pattern_record=record(n_resolved=0))))[-1].startswith(
        "The detector has no resolved pattern")
    assert nt.brief(SimpleNamespace(results={})) == [
        "No index analysed. [→](#Dashboard)"]
