"""smallcaps.narrative.technicals on hand-made, duck-typed results: the words and numbers of
each section, both directions of every verdict, the study sections and unknown sections."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from smallcaps.errors import ParameterError
from smallcaps.narrative import technicals as nt

PATTERN_COLUMNS = ["type", "left_shoulder_date", "left_shoulder_price", "head_date",
                   "head_price", "right_shoulder_date", "right_shoulder_price", "neckline",
                   "target", "confirmed", "confirmed_date", "target_reached"]
BREAKOUT_COLUMNS = ["date", "close", "level", "touches", "holding", "closes_below_since"]


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def pattern(kind="inverse_head_and_shoulders", head=800.0, neckline=1000.0, target=1200.0,
            confirmed=True, reached=False, right="2025-05-01") -> dict:
    return {"type": kind, "left_shoulder_date": day("2025-02-03"), "left_shoulder_price": 900.0,
            "head_date": day("2025-03-03"), "head_price": head,
            "right_shoulder_date": day(right), "right_shoulder_price": 905.0,
            "neckline": neckline, "target": target, "confirmed": confirmed,
            "confirmed_date": day("2025-05-20") if confirmed else None,
            "target_reached": reached}


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
        pct_from_ath=(1000 / 1200 - 1) * 100, patterns=pd.DataFrame(columns=PATTERN_COLUMNS),
        rs=None, benchmark=None, rs_change=float("nan"), rs_change_recent=float("nan"),
        provisional=False, params={"slope_days": 20},
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
        "All-time intraday high 1,200.00 on 2024-12-02; the close is 16.7% below it.")
    assert table.splitlines() == ["| figure | value |", "|---|---|", "| close | 1,000.00 |",
                                  "| odd | a\\|b |"]


def test_aligned_uptrend_at_the_high_and_sell_signal():
    r = fake(pct_vs_ma={50: 3.0, 200: 9.0}, ma_slopes={50: "rising", 200: "rising"},
             aligned=True, macd_signal="sell", macd_cross_date=None, pct_from_ath=0.0,
             macd=pd.DataFrame({"macd": [-4.0], "signal": [-1.0]}), structure="uptrend")
    assert nt.read(r, "averages") == (
        "It is above its 50-day (+3.0%), 200-day (+9.0%) moving averages (rising: 50, 200-day "
        "over 20 days); the averages are **aligned** bullishly.")
    assert nt.read(r, "macd") == (
        "MACD is on a **sell** signal (MACD -4.0 below its signal line -1.0).")
    assert nt.read(r, "high") == "It closed at its all-time high (1,200.00)."
    undefined = fake(pct_vs_ma={50: float("nan")}, ma_slopes={50: None})
    assert nt.read(undefined, "averages") == "Its moving averages are not yet defined."


def test_structure_and_levels_edge_cases():
    few = fake(swings=pd.DataFrame({"kind": ["high", "low"], "price": [1.0, 0.5]}))
    assert nt.read(few, "structure") == "Structure: **range** (too few swing points to compare)."
    bare = fake(support=[], resistance=[])
    assert nt.read(bare, "levels") == (
        "Levels: no support level below the close in the window; no resistance above the close "
        "in the window.")


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


def test_pattern_sentences():
    one = fake(patterns=pd.DataFrame([pattern(reached=True)]))
    assert nt.read(one, "pattern") == (
        "Pattern: inverted head-and-shoulders (head 800 on 2025-03-03, neckline 1,000), "
        "confirmed on 2025-05-20, target already reached; measured-move target 1,200.")
    later = pattern("head_and_shoulders", head=1300.0, neckline=1100.0, target=900.0,
                    confirmed=False, right="2025-06-02")
    three = fake(patterns=pd.DataFrame([later, pattern(), pattern(right="2025-04-01")]))
    text = nt.read(three, "pattern")
    assert text.startswith("Latest pattern: head-and-shoulders top (head 1,300")
    assert "not confirmed yet; measured-move target 900." in text
    assert text.endswith("(2 earlier patterns in the window: see the patterns table.)")
    assert nt.read(fake(), "pattern") == ""


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


def study(*results) -> SimpleNamespace:
    return SimpleNamespace(results={r.key: r for r in results})


def test_study_dashboard_levels_patterns_and_index_sections():
    a = fake(benchmark="SPX", rs_change=1.0, rs_change_recent=5.55, aligned=True,
             structure="uptrend", pct_from_ath=-1.0,
             patterns=pd.DataFrame([pattern(), pattern("head_and_shoulders", confirmed=False)]))
    b = fake(key="BBB", benchmark="SPX", rs_change=-1.0, rs_change_recent=-2.0,
             macd_signal="sell", structure="downtrend", pct_from_ath=-8.04,
             breakout_date=day("2025-01-02"), breakout_level=990.0, units="<pts>",
             breakouts=pd.DataFrame([{"date": day("2025-01-02"), "close": 995.0, "level": 990.0,
                                      "touches": 2, "holding": True, "closes_below_since": 4}]),
             patterns=pd.DataFrame([pattern(right="2025-01-06")]))
    s = study(a, b)
    assert nt.read(s, "dashboard").splitlines() == [
        "As of 2025-06-30 (prices in <pts>, index points; % columns in percent):",
        "- moving averages aligned (close above rising short, medium and long averages): AAA;",
        "- MACD buy signal: AAA; sell: BBB;",
        "- structure uptrend: AAA; downtrend: BBB; range: none;",
        "- close above a multi-touch resistance it broke out of: BBB;",
        "- closest to its all-time high: AAA (-1.0%); furthest: BBB (-8.0%).",
        "- relative strength vs SPX over the last 3 months: strongest AAA (+5.5%), weakest BBB "
        "(-2.0%).",
    ]
    assert nt.read(s, "patterns") == (
        "3 head-and-shoulders patterns in the window (2 inverted H&S, 1 H&S top); 2 confirmed by "
        "a close through the neckline.")
    levels = nt.read(s, "levels").splitlines()
    assert levels[1] == ("- **AAA**: 3 levels from 4 swing points; nearest support 980 (-2.0%); "
                         "nearest resistance 1,050 (+5.0%).")
    assert nt.read(s, "BBB") == nt.read(b)
    full = nt.read(s)
    assert full.startswith("As of 2025-06-30") and full.endswith(nt.read(b))
    with pytest.raises(ParameterError, match="dashboard, levels, patterns, AAA, BBB"):
        nt.read(s, "trend")


def test_study_without_patterns_benchmark_or_indexes():
    s = study(fake())
    assert nt.read(s, "patterns") == "No head-and-shoulders pattern in the window."
    assert "relative strength" not in nt.read(s, "dashboard")
    assert nt.read(study(), "dashboard") == "No index analysed."
