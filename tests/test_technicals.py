"""Tests for smallcaps.technicals (notebook 06): hand-computed MAs and MACD, swing points and
levels on hand-made series, planted head-and-shoulders patterns, no look-ahead, readings for both
directions, the results protocol (TrendResult, TrendStudy), and the real data's reference highs.
Prose details: test_narrative_technicals.py; charts: test_charts_technicals.py."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import charts, data, technicals
from smallcaps.errors import DataError, ParameterError, SmallcapsError


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def bars_from(close, spread=0.0, start="2020-01-01", key="TST") -> pd.DataFrame:
    """OHLC bars whose High/Low are close +/- spread (Open = close)."""
    close = np.asarray(close, dtype=float)
    idx = pd.bdate_range(start, periods=len(close))
    out = pd.DataFrame({"Open": close, "High": close + spread, "Low": close - spread,
                        "Close": close, "Volume": 1000.0}, index=idx)
    out.attrs["provenance"] = {key: {"name": "Test index", "units": "index points",
                                     "provider": "yahoo", "symbol": key, "source": "csv"}}
    return out


def path(points) -> np.ndarray:
    """Piecewise-linear close path through (bar, price) points."""
    xs, ys = zip(*points, strict=True)
    return np.interp(np.arange(xs[-1] + 1), xs, ys)


def hand_bars(highs, lows) -> pd.DataFrame:
    highs, lows = np.asarray(highs, float), np.asarray(lows, float)
    mid = (highs + lows) / 2
    idx = pd.bdate_range("2021-01-01", periods=len(highs))
    return pd.DataFrame({"Open": mid, "High": highs, "Low": lows, "Close": mid}, index=idx)


# ------------------------------------------------------------------------------------------------
# moving averages and MACD
# ------------------------------------------------------------------------------------------------
def test_moving_averages_hand_computed():
    close = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    ma = technicals.moving_averages(close, [3, 5])
    assert list(ma.columns) == ["ma3", "ma5"]
    assert ma["ma3"].isna().sum() == 2 and ma["ma5"].isna().sum() == 4
    assert ma["ma3"].iloc[2] == pytest.approx(2.0)
    assert ma["ma3"].iloc[-1] == pytest.approx(9.0)
    assert ma["ma5"].iloc[-1] == pytest.approx(8.0)


def test_ma_slope_rising_falling_and_undefined():
    up = pd.Series(np.arange(30.0))
    assert technicals.ma_slope(up, 20) == "rising"
    assert technicals.ma_slope(-up, 20) == "falling"
    flat = pd.Series(np.ones(30))
    assert technicals.ma_slope(flat, 20) == "falling"  # rising needs MA_t > MA_{t-20}
    assert technicals.ma_slope(up.iloc[:20], 20) is None
    with_nan = pd.Series([np.nan] * 10 + list(range(15)), dtype=float)
    assert technicals.ma_slope(with_nan, 20) is None


def test_macd_hand_computed():
    # alpha = 2 / (span + 1): fast span 2 -> 2/3, slow span 3 -> 1/2, signal span 2 -> 2/3
    m = technicals.macd(pd.Series([10.0, 11.0, 12.0]), fast=2, slow=3, signal=2)
    fast = [10, 10 + 2 / 3, 10 + 2 / 3 + 2 / 3 * (12 - 10 - 2 / 3)]
    slow = [10, 10.5, 11.25]
    line = [f - s for f, s in zip(fast, slow, strict=True)]
    sig = [0.0, 2 / 3 * line[1]]
    sig.append(sig[1] + 2 / 3 * (line[2] - sig[1]))
    np.testing.assert_allclose(m["macd"], line, atol=1e-12)
    np.testing.assert_allclose(m["signal"], sig, atol=1e-12)
    np.testing.assert_allclose(m["hist"], np.array(line) - np.array(sig), atol=1e-12)
    assert m["macd"].iloc[2] == pytest.approx(0.305556, abs=1e-6)
    assert m["signal"].iloc[2] == pytest.approx(0.240741, abs=1e-6)


def test_macd_default_matches_pandas_ewm():
    rng = np.random.default_rng(1)
    close = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300))))
    m = technicals.macd(close)
    e12 = close.ewm(span=12, adjust=False).mean()
    e26 = close.ewm(span=26, adjust=False).mean()
    np.testing.assert_allclose(m["macd"], e12 - e26)
    np.testing.assert_allclose(m["signal"], (e12 - e26).ewm(span=9, adjust=False).mean())


@pytest.mark.parametrize("spans", [(26, 12, 9), (12, 12, 9), (0, 26, 9), (12, 26, -1),
                                   (12.5, 26, 9)])
def test_macd_bad_spans(spans):
    with pytest.raises(ParameterError, match="macd"):
        technicals.macd(pd.Series(np.arange(50.0)), *spans)


def test_macd_state_and_cross_date():
    idx = pd.bdate_range("2024-01-01", periods=6)
    frame = pd.DataFrame({"macd": [1, 2, 0, -1, 1, 2.0], "signal": [0, 0, 1, 0, 0, 0.0]},
                         index=idx)
    assert technicals.macd_state(frame) == ("buy", idx[4])
    frame.loc[idx[-1], "macd"] = -5
    assert technicals.macd_state(frame) == ("sell", idx[5])
    never = pd.DataFrame({"macd": [1.0, 2.0], "signal": [0.0, 0.0]}, index=idx[:2])
    assert technicals.macd_state(never) == ("buy", None)


# ------------------------------------------------------------------------------------------------
# swing points and structure
# ------------------------------------------------------------------------------------------------
def test_swing_points_hand_made():
    highs = [5, 6, 9, 6, 5, 6, 7, 12, 7, 6, 7, 8, 8, 7, 6]
    lows = [4, 3, 5, 2, 4, 5, 6, 8, 6, 1, 6, 7, 6, 6, 5]
    sw = technicals.swing_points(hand_bars(highs, lows), pivot_window=2)
    got = [(int(p), k, v) for p, k, v in zip(sw["pos"], sw["kind"], sw["price"], strict=True)]
    # bar 2 high 9 (> 5, 6 before; >= 6, 5 after); bar 7 high 12; bar 11 high 8 ties bar 12
    # (earliest wins; bar 12 is not a pivot because its left side holds an equal high);
    # bar 3 low 2; bar 9 low 1.  Bars 13, 14 lack two right-hand bars.
    assert got == [(2, "high", 9.0), (3, "low", 2.0), (7, "high", 12.0), (9, "low", 1.0),
                   (11, "high", 8.0)]
    dates = hand_bars(highs, lows).index
    assert list(sw["confirmed"]) == [dates[4], dates[5], dates[9], dates[11], dates[13]]


def test_last_pivot_window_bars_are_never_pivots():
    # a spike on the last-but-one bar is the highest high, but lacks right-hand bars
    close = np.r_[np.linspace(100, 110, 40), 130.0, 120.0]
    sw = technicals.swing_points(bars_from(close, 1.0), pivot_window=3)
    assert sw.empty or sw["pos"].max() <= len(close) - 1 - 3


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), window=st.integers(1, 6), cut=st.integers(20, 150))
def test_no_pivot_uses_bars_after_asof(seed, window, cut):
    """Swing points found as of bar ``cut`` are exactly the full-history swing points already
    confirmed by then: no later bar changes or adds one."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 160)))
    bars = bars_from(close, 0.0)
    bars["High"] = close * (1 + rng.uniform(0, 0.01, len(close)))
    bars["Low"] = close * (1 - rng.uniform(0, 0.01, len(close)))
    full = technicals.swing_points(bars, window)
    asof = technicals.swing_points(bars.iloc[:cut], window)
    expected = full[full["pos"] + window <= cut - 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(asof, expected)
    assert (asof["pos"] <= cut - 1 - window).all()
    assert (asof["confirmed"] <= bars.index[cut - 1]).all()


def _swings(points):
    """Swing frame from (pos, kind, price)."""
    idx = pd.bdate_range("2022-01-03", periods=max(p for p, _, _ in points) + 1)
    return pd.DataFrame({"date": [idx[p] for p, _, _ in points],
                         "kind": [k for _, k, _ in points],
                         "price": [float(v) for _, _, v in points],
                         "pos": [p for p, _, _ in points]})


@pytest.mark.parametrize("points, expected", [
    ([(0, "low", 90), (5, "high", 100), (10, "low", 92), (15, "high", 104)], "uptrend"),
    ([(0, "high", 100), (5, "low", 92), (10, "high", 97), (15, "low", 88)], "downtrend"),
    ([(0, "high", 100), (5, "low", 90), (10, "high", 104), (15, "low", 88)], "range"),
    ([(0, "high", 100), (5, "low", 90), (10, "high", 104)], "range"),
])
def test_market_structure(points, expected):
    assert technicals.market_structure(_swings(points)) == expected


# ------------------------------------------------------------------------------------------------
# levels and breakouts
# ------------------------------------------------------------------------------------------------
def test_cluster_levels_chain_to_cluster_mean():
    sw = _swings([(0, "low", 100), (3, "high", 101), (6, "low", 101.5), (9, "high", 110),
                  (12, "low", 111), (15, "high", 130)])
    lv = technicals.cluster_levels(sw, 1.5)
    # 100 -> 101 (1.0 % from 100) -> 101.5 (0.995 % from 100.5); 110 and 111 (0.91 %); 130 alone
    assert list(lv["touches"]) == [3, 2, 1]
    np.testing.assert_allclose(lv["level"], [(100 + 101 + 101.5) / 3, 110.5, 130.0])
    assert list(lv["rank"]) == [1, 2, 3]
    assert list(lv["highs"]) == [1, 1, 1] and list(lv["lows"]) == [2, 1, 0]
    assert lv["low"].iloc[0] == 100 and lv["high"].iloc[0] == 101.5


def test_cluster_levels_compares_with_mean_not_last_point():
    # each step is 1.4 % from the previous point, but 102.8 is 2.1 % from the mean 100.7
    sw = _swings([(0, "low", 100), (4, "high", 101.4), (8, "high", 102.8)])
    lv = technicals.cluster_levels(sw, 1.5)
    assert sorted(lv["touches"]) == [1, 2]
    assert lv.loc[lv["touches"] == 2, "level"].item() == pytest.approx(100.7)


def test_cluster_levels_ranks_ties_by_recency():
    sw = _swings([(0, "high", 100), (10, "high", 100.5), (5, "low", 80), (20, "low", 80.4)])
    lv = technicals.cluster_levels(sw, 1.0)
    assert list(lv["touches"]) == [2, 2]
    assert lv["level"].iloc[0] == pytest.approx(80.2)  # last touch at bar 20 is more recent


def test_cluster_levels_bad_tolerance():
    with pytest.raises(ParameterError, match="level_tolerance_pct"):
        technicals.cluster_levels(_swings([(0, "low", 1)]), -1)


def test_nearest_levels_lists_nearest_first():
    lv = pd.DataFrame({"level": [90.0, 120.0, 99.0, 105.0, 80.0, 130.0]})
    sup, res = technicals.nearest_levels(lv, 100.0, n=2)
    assert sup == [99.0, 90.0] and res == [105.0, 120.0]


def double_top_bars():
    """Two equal swing highs at 110 (bars 20 and 50), then a close above them at bar 76."""
    close = path([(0, 100), (20, 110), (35, 100), (50, 110), (65, 102), (80, 118)])
    return bars_from(close, 0.0)


def test_breakout_above_double_top():
    bars = double_top_bars()
    res = technicals.analyze(bars, lookback_days=500, mas=[5], pivot_window=5,
                             level_tolerance_pct=1.0)
    top = res.levels[res.levels["highs"] == 2]
    assert len(top) == 1 and top["level"].item() == pytest.approx(110.0)
    # the close path rises 16/15 per bar from 102 at bar 65: first close > 110 is bar 73
    assert res.breakout_date == bars.index[73]
    assert res.breakouts["level"].iloc[0] == pytest.approx(110.0)
    assert res.breakouts["touches"].iloc[0] == 2
    assert bool(res.breakouts["holding"].iloc[0])
    assert res.figures()["trend"]["TST"]["breakout_date"] == f"{bars.index[73]:%Y-%m-%d}"


def test_breakout_needs_level_before_breakout():
    # the second high at bar 50 is confirmed at bar 55; a close above 110 on bars 51-55 cannot
    # exist (they are its right-hand bars) and no breakout is dated before bar 56
    bars = double_top_bars()
    sw = technicals.swing_points(bars, 5)
    lv = technicals.cluster_levels(sw, 1.0)
    br = technicals.find_breakouts(bars["Close"], sw, lv, 5)
    assert (br["date"] > bars.index[55]).all()


def test_no_breakout_with_a_single_high_or_when_failed():
    close = path([(0, 100), (20, 110), (40, 100), (60, 120)])  # only one swing high at 110
    res = technicals.analyze(bars_from(close), mas=[5], pivot_window=5, level_tolerance_pct=1.0)
    assert res.breakout_date is None and res.breakouts.empty
    failed = path([(0, 100), (20, 110), (35, 100), (50, 110), (65, 102), (80, 118), (100, 95)])
    res = technicals.analyze(bars_from(failed), mas=[5], pivot_window=5, level_tolerance_pct=1.0)
    assert len(res.breakouts) >= 1 and not res.breakouts["holding"].iloc[0]
    assert res.breakout_date is None
    assert "has failed" in res.reading()


# ------------------------------------------------------------------------------------------------
# head-and-shoulders
# ------------------------------------------------------------------------------------------------
def test_inverse_head_and_shoulders_flat_neckline_and_target():
    close = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90), (60, 110),
                  (70, 115)])
    bars = bars_from(close, 0.0)
    res = technicals.analyze(bars, lookback_days=500, mas=[5], pivot_window=5,
                             pattern_windows=[5])
    inv = res.patterns[res.patterns["type"] == "inverse_head_and_shoulders"]
    assert len(inv) == 1
    p = inv.iloc[0]
    assert (p["left_shoulder_date"], p["head_date"], p["right_shoulder_date"]) == (
        bars.index[10], bars.index[30], bars.index[50])
    assert (p["left_shoulder_price"], p["head_price"], p["right_shoulder_price"]) == (90, 80, 90)
    assert p["neckline"] == pytest.approx(100.0)
    assert p["height"] == pytest.approx(20.0)
    assert p["target"] == pytest.approx(120.0)
    # closes rise 2 a bar from 90 at bar 50: bar 55 closes at 100 (not through), bar 56 at 102
    assert bool(p["confirmed"]) and p["confirmed_date"] == bars.index[56]
    rec = res.figures()["patterns"][0]
    assert rec["series"] == "TST" and rec["type"] == "inverse_head_and_shoulders"
    assert rec["head"] == {"date": f"{bars.index[30]:%Y-%m-%d}", "price": 80.0}
    assert rec["neckline"] == pytest.approx(100.0) and rec["target"] == pytest.approx(120.0)
    assert rec["confirmed"] is True
    # the neckline is flat at 100, so both targets are 100 + (100 - 80) = 120
    assert rec["target_flat"] == pytest.approx(120.0) and rec["neckline_flat"] == 100.0
    # the closes end at 115 (bar 70), below the target: still live
    assert rec["state"] == "confirmed" and rec["current"] is True
    assert rec["confirmed_date"] == f"{bars.index[56]:%Y-%m-%d}" and rec["target_date"] is None
    assert rec["formed_date"] == f"{bars.index[55]:%Y-%m-%d}"  # right shoulder + 5 bars
    assert set(rec) == {"series", "type", "left_shoulder", "head", "right_shoulder", "neckline",
                        "target", "confirmed", "neckline_flat", "target_flat", "state",
                        "current", "pivot_window", "formed_date", "confirmed_date",
                        "target_date", "target_flat_date", "invalidated_date", "expired_date"}


def test_inverse_head_and_shoulders_sloped_neckline():
    # reactions 100 (bar 20) and 104 (bar 40): neckline 100 + 0.2 (t - 20)
    close = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 104), (50, 92), (60, 115),
                  (70, 116)])
    res = technicals.analyze(bars_from(close), mas=[5], pivot_window=5, pattern_windows=[5])
    p = res.patterns[res.patterns["type"] == "inverse_head_and_shoulders"].iloc[0]
    assert p["neckline_slope"] == pytest.approx(0.2)
    assert p["height"] == pytest.approx(102 - 80)  # neckline at the head's bar 30 is 102
    # close 92 + 2.3 (t - 50) first exceeds 100 + 0.2 (t - 20) at t = 57 (108.1 > 107.4)
    assert p["confirmed_date"] == bars_from(close).index[57]
    assert p["neckline"] == pytest.approx(107.4)
    assert p["target"] == pytest.approx(107.4 + 22)
    # horizontal neckline at (100 + 104) / 2 = 102; head 80 -> target 102 + 22 = 124
    assert p["neckline_flat"] == pytest.approx(102.0)
    assert p["target_flat"] == pytest.approx(124.0)
    # closes reach 115 at bar 60 (>= 124? no; >= 129.4? no): the sloped target is still open
    assert p["state"] == "confirmed" and pd.isna(p["target_flat_date"])


def test_head_and_shoulders_top_unconfirmed_and_mirror():
    close = path([(0, 100), (10, 110), (20, 100), (30, 120), (40, 100), (50, 110), (60, 101)])
    bars = bars_from(close)
    res = technicals.analyze(bars, mas=[5], pivot_window=5, pattern_windows=[5])
    top = res.patterns[res.patterns["type"] == "head_and_shoulders"]
    assert len(top) == 1
    p = top.iloc[0]
    assert not p["confirmed"] and p["confirmed_date"] is None
    assert p["neckline"] == pytest.approx(100.0) and p["target"] == pytest.approx(80.0)
    assert p["state"] == "forming" and p["formed_date"] == bars.index[55]
    assert "Live pattern: head-and-shoulders top" in res.reading()
    assert "forming since" in res.reading("pattern")


@pytest.mark.parametrize("points, why", [
    # shoulders 90 and 84: 6.9 % apart > 5 %
    ([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 84), (60, 110)], "shoulders"),
    # head 88 not below the right shoulder 86
    ([(0, 100), (10, 90), (20, 100), (30, 88), (40, 100), (50, 86), (60, 110)], "head"),
    # neckline 100 -> 110: steeper than 5 %
    ([(0, 100), (10, 90), (20, 100), (30, 80), (40, 110), (50, 90), (60, 120)], "neckline"),
])
def test_inverse_head_and_shoulders_shape_rules(points, why):
    res = technicals.analyze(bars_from(path(points)), mas=[5], pivot_window=5)
    assert (res.patterns["type"] != "inverse_head_and_shoulders").all(), why


def test_pattern_invalidated_when_price_goes_beyond_head_first():
    close = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90), (55, 95),
                  (65, 75), (80, 78)])
    bars = bars_from(close)
    res = technicals.analyze(bars, mas=[5], pivot_window=5, pattern_windows=[5])
    inv = res.patterns[res.patterns["type"] == "inverse_head_and_shoulders"]
    assert len(inv) == 1
    p = inv.iloc[0]
    # from 95 at bar 55 the closes fall 2 a bar: 81 at bar 62, 79 at bar 63 (below the head 80)
    assert p["state"] == "invalidated" and p["invalidated_date"] == bars.index[63]
    assert not p["confirmed"] and not p["target_reached"]
    assert res.live_patterns.empty
    assert "No live head-and-shoulders pattern" in res.reading("pattern")


# ------------------------------------------------------------------------------------------------
# all-time high, relative strength, provisional bars
# ------------------------------------------------------------------------------------------------
def test_all_time_high_uses_intraday_high_and_first_date():
    bars = bars_from([10, 12, 11, 12, 9.0], spread=0.5)
    bars.loc[bars.index[1], "High"] = 15.0
    bars.loc[bars.index[3], "High"] = 15.0
    ath, date, pct = technicals.all_time_high(bars)
    assert ath == 15.0 and date == bars.index[1]
    assert pct == pytest.approx((9 / 15 - 1) * 100)


def test_relative_strength_rebased_and_aligned():
    idx = pd.bdate_range("2024-01-01", periods=4)
    a = pd.Series([10.0, 11, 12, 13], index=idx)
    b = pd.Series([100.0, 100, np.nan, 130], index=idx)
    rs = technicals.relative_strength(a, b)
    assert list(rs.index) == [idx[0], idx[1], idx[3]]
    np.testing.assert_allclose(rs, [100, 110, 100])
    rs2 = technicals.relative_strength(a, b, start=idx[1])
    np.testing.assert_allclose(rs2, [100, 100 / 1.1])


def test_provisional_last_bar_flag():
    bars = bars_from(np.linspace(100, 110, 30))
    assert not technicals.provisional_last_bar(bars)
    bars.loc[bars.index[-1], ["Close", "Volume"]] = [110.123456, 0.0]
    assert technicals.provisional_last_bar(bars)
    bars.loc[bars.index[-1], "Close"] = 110.12  # a 2-decimal close with volume 0 is a real bar
    assert not technicals.provisional_last_bar(bars)


def test_inconsistent_bar_does_not_break_analysis():
    close = 100 + np.sin(np.arange(300) / 7) * 5 + np.arange(300) * 0.05
    bars = bars_from(close, 1.0)
    bars.loc[bars.index[-1], "High"] = bars["Close"].iloc[-1] - 3  # frozen row with High < Close
    bars.loc[bars.index[-1], "Volume"] = 0.0
    res = technicals.analyze(bars, mas=[20, 50], pivot_window=5)
    assert res.all_time_high >= bars["Close"].max()
    assert res.pct_from_ath <= 0


# ------------------------------------------------------------------------------------------------
# results object: readings for both directions, records, dashboard
# ------------------------------------------------------------------------------------------------
def trend_bars(direction: int, n: int = 400) -> pd.DataFrame:
    t = np.arange(n)
    close = 100 * np.exp(direction * 0.002 * t) * (1 + 0.03 * np.sin(2 * np.pi * t / 45))
    close[-15:] = close[-16] * np.exp(direction * 0.004 * np.arange(1, 16))  # strong finish
    return bars_from(close, 0.2, key="UP" if direction > 0 else "DN")


def test_reading_uptrend():
    bench = bars_from(np.full(400, 50.0))["Close"].rename("BM")
    res = technicals.analyze(trend_bars(+1), bench, mas=[20, 50, 100], pivot_window=5)
    assert res.structure == "uptrend" and res.macd_signal == "buy" and res.aligned
    assert all(v > 0 for v in res.pct_vs_ma.values())
    text = res.reading()
    assert "**uptrend**" in text and "**buy**" in text and "**aligned**" in text
    assert "above its 20-day" in text and "below its" not in text
    assert "outperformed" in text and "Relative to BM" in text
    assert res.pct_from_ath == pytest.approx(0.0, abs=0.3)


def test_reading_downtrend():
    bench = bars_from(np.full(400, 50.0))["Close"].rename("BM")
    res = technicals.analyze(trend_bars(-1), bench, mas=[20, 50, 100], pivot_window=5)
    assert res.structure == "downtrend" and res.macd_signal == "sell" and not res.aligned
    assert all(v < 0 for v in res.pct_vs_ma.values())
    assert all(s == "falling" for s in res.ma_slopes.values())
    text = res.reading()
    assert "**downtrend**" in text and "**sell**" in text and "not aligned" in text
    assert "below its 20-day" in text and "above its" not in text
    assert "underperformed" in text
    assert "% below the closing record" in text


def test_figures_have_recorded_keys_and_summary():
    res = technicals.analyze(trend_bars(+1), mas=[50, 100, 200], pivot_window=5)
    assert set(res.figures()) == {"trend", "patterns", "pattern_history"}
    assert list(res.figures()["trend"]) == ["UP"]
    rec = res.figures()["trend"]["UP"]
    assert set(rec) == {"close", "pct_vs_ma50", "pct_vs_ma100", "pct_vs_ma200", "ma_slopes",
                        "aligned", "macd_signal", "macd_cross_date", "structure", "support",
                        "resistance", "breakout_date", "all_time_high", "all_time_high_date",
                        "pct_from_ath", "all_time_high_close", "all_time_high_close_date",
                        "pct_from_ath_close", "timeframe", "live_patterns", "trend_lines"}
    assert set(rec["ma_slopes"]) == {"ma50", "ma100", "ma200"}
    assert rec["close"] == pytest.approx(trend_bars(+1)["Close"].iloc[-1])
    assert rec["pct_vs_ma50"] == pytest.approx(
        (rec["close"] / trend_bars(+1)["Close"].iloc[-50:].mean() - 1) * 100)
    assert rec["support"] == sorted(rec["support"], reverse=True)
    assert rec["resistance"] == sorted(rec["resistance"])
    assert all(s < rec["close"] for s in rec["support"])
    summary = res.summary()
    assert "close vs 50-day MA" in summary.index and summary.shape[1] == 1


def test_study_dashboard_figures_and_levels():
    study = technicals.analyze_many({"UP": trend_bars(+1), "DN": trend_bars(-1)},
                                    mas=[20, 50], pivot_window=5)
    assert isinstance(study, technicals.TrendStudy)
    table = study.summary()
    assert list(table.index) == ["UP", "DN"] and table.index.name == "index"
    assert table.loc["UP", "MACD"] == "buy" and table.loc["DN", "structure"] == "downtrend"
    assert table.loc["UP", "MA slopes"] == "↑ ↑" and table.loc["DN", "MA slopes"] == "↓ ↓"
    assert table.loc["UP", "vs MA20 %"] == pytest.approx(study.results["UP"].pct_vs_ma[20])
    figures = study.figures()
    assert set(figures) == {"trend", "patterns", "pattern_history"}
    assert list(figures["trend"]) == ["UP", "DN"] and list(figures["pattern_history"]) == [
        "UP", "DN"]
    assert figures["trend"]["DN"] == study.results["DN"].figures()["trend"]["DN"]
    assert figures["patterns"] == [p for r in study.results.values()
                                   for p in r.figures()["patterns"]]
    text = study.reading("dashboard")
    assert "MACD buy signal: UP; sell: DN" in text
    assert "structure uptrend: UP; downtrend: DN" in text
    levels = study.to_frame()
    assert list(levels.index.names) == ["index", "rank"]
    up = study.results["UP"]
    assert len(levels.loc["UP"]) == len(up.levels)
    first = levels.loc[("UP", 1)]
    assert first["level"] == pytest.approx(up.levels["level"].iloc[0], abs=0.005)
    assert first["vs close %"] == pytest.approx((up.levels["level"].iloc[0] / up.close - 1) * 100,
                                                abs=0.005)
    assert first["first"] == f"{up.levels['first'].iloc[0]:%Y-%m-%d}"
    with pytest.raises(ParameterError, match="dashboard, levels, patterns, pattern_record, UP"):
        study.reading("nope")
    assert study.reading("DN") == study.results["DN"].reading()


# ------------------------------------------------------------------------------------------------
# parameters and inputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, match", [
    ({"macd_spans": (26, 12, 9)}, "macd fast"),
    ({"macd_spans": (12, 26)}, "macd"),
    ({"pivot_window": 0}, "pivot_window"),
    ({"lookback_days": -5}, "lookback_days"),
    ({"mas": []}, "mas"),
    ({"mas": [50, 50]}, "duplicate"),
    ({"level_tolerance_pct": float("nan")}, "level_tolerance_pct"),
])
def test_analyze_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        technicals.analyze(trend_bars(+1), **kwargs)


def test_bad_ohlc_and_unknown_series():
    with pytest.raises(DataError, match="Open, High, Low, Close"):
        technicals.analyze(pd.DataFrame({"Close": [1.0, 2.0]}))
    with pytest.raises(SmallcapsError, match="NOPE"):
        data.load_bars(["NOPE"], source="sample")
    with pytest.raises(SmallcapsError, match="NOPE"):
        technicals.load_benchmark("NOPE", source="sample")
    with pytest.raises(DataError, match="yield"):
        data.load_bars(["DGS10"], source="sample")
    with pytest.raises(ParameterError, match="yield"):
        technicals.load_benchmark("DGS10", source="sample")
    with pytest.raises(ParameterError, match="series"):
        technicals.analyze_many({})
    with pytest.raises(ParameterError, match="one series"):
        technicals.analyze(trend_bars(+1), pd.DataFrame({"a": [1.0], "b": [2.0]}))


def test_blank_benchmark_means_no_relative_strength():
    assert technicals.load_benchmark("", source="sample") is None
    assert technicals.load_benchmark("  ", source="sample") is None
    bars = data.load_bars(["RUT"], asof="2020-06-30", source="sample")
    study = technicals.analyze_many(bars, technicals.load_benchmark("", source="sample"),
                                    pivot_window=10)
    res = study.results["RUT"]
    assert res.rs is None and res.benchmark is None and study.benchmark is None
    assert "Relative to" not in res.reading() and "relative strength" not in study.reading()
    empty = technicals.analyze(bars["RUT"], pd.DataFrame(index=bars["RUT"].index))
    assert empty.rs is None


def test_benchmark_frame_and_series_give_the_same_rs():
    bars = data.load_bars(["RUT"], asof="2020-06-30", source="sample")
    frame = technicals.load_benchmark("SPX", asof="2020-06-30", source="sample")
    assert list(frame.columns) == ["SPX"] and data.asof_of(frame).date == "2020-06-30"
    a = technicals.analyze(bars["RUT"], frame)
    b = technicals.analyze(bars["RUT"], frame["SPX"])
    pd.testing.assert_series_equal(a.rs, b.rs)
    assert a.benchmark == "SPX" and "SPX" in a.provenance
    spx = frame["SPX"].loc[a.bars.index[0]:]
    rut = bars["RUT"]["Close"].loc[a.bars.index[0]:]
    expected = (rut.iloc[-1] / spx.iloc[-1]) / (rut.iloc[0] / spx.iloc[0]) * 100 - 100
    assert a.rs_change == pytest.approx(expected)


# ------------------------------------------------------------------------------------------------
# charts
# ------------------------------------------------------------------------------------------------
def test_chart_trend_panels_title_and_source():
    bench = bars_from(np.linspace(50, 55, 400))["Close"].rename("BM")
    close = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90), (60, 110),
                  (399, 130)])
    res = technicals.analyze(bars_from(close, 0.5), bench, mas=[20, 50], pivot_window=5)
    ax = charts.chart_trend(res)
    try:
        fig = ax.figure
        assert res.key in ax.get_title(loc="left") and " to " in ax.get_title(loc="left")
        assert ax.get_ylabel() == "TST (index points)"
        texts = [t.get_text() for a in fig.axes for t in a.texts]
        assert any(t.startswith("Source: ") for t in texts)
        assert any(t.startswith("S ") for t in texts)  # a labelled support level
        assert any("H&S target 122" in t for t in texts)  # neckline 100.5 + 21
        labels = " ".join(a.get_ylabel() for a in fig.axes)
        assert "MACD" in labels and "RS vs BM" in labels
        assert fig.dpi <= 120
    finally:
        plt.close("all")
    fig, a = plt.subplots()
    try:
        assert charts.chart_trend(res, ax=a) is a
    finally:
        plt.close("all")


# ------------------------------------------------------------------------------------------------
# synthetic sample (planted patterns) and real data
# ------------------------------------------------------------------------------------------------
def test_sample_planted_patterns_are_found():
    from smallcaps.data import sample

    ohlc = data.load_bars(["RUT"], source="sample")
    bench = technicals.load_benchmark("SPX", source="sample")
    res = technicals.analyze(ohlc["RUT"], bench, pivot_window=10)
    inv = res.patterns[res.patterns["head_date"] == "2025-06-23"].iloc[0]
    assert inv["type"] == "inverse_head_and_shoulders"
    assert f"{inv['left_shoulder_date']:%Y-%m-%d}" == "2025-04-08"
    assert f"{inv['head_date']:%Y-%m-%d}" == "2025-06-23"
    assert f"{inv['right_shoulder_date']:%Y-%m-%d}" == "2025-09-12"
    assert f"{inv['confirmed_date']:%Y-%m-%d}" == "2025-10-02"
    # our neckline runs through the reactions' intraday highs, a little above the planted closes
    assert inv["neckline"] == pytest.approx(sample.neckline("inverse_head_and_shoulders"),
                                            rel=0.01)
    ohlc = data.load_bars(["RUT"], asof="2008-06-30", source="sample")
    bench = technicals.load_benchmark("SPX", asof="2008-06-30", source="sample")
    res = technicals.analyze(ohlc["RUT"], bench, pivot_window=15)
    top = res.patterns[res.patterns["head_date"] == "2007-05-31"].iloc[0]
    assert top["type"] == "head_and_shoulders"
    assert [f"{top[c]:%Y-%m-%d}" for c in ("left_shoulder_date", "head_date",
                                           "right_shoulder_date")] == [
        "2007-03-01", "2007-05-31", "2007-09-18"]
    assert top["neckline"] == pytest.approx(sample.neckline("head_and_shoulders"), rel=0.01)
    assert top["confirmed"]


@pytest.mark.parametrize("asof, ath, date", [
    ("2024-11-22", 2458.86, "2021-11-08"),  # the 2021 peak (not 2021-11-05)
    ("2024-12-31", 2466.49, "2024-11-25"),  # new intraday high, close below the 2021 record
])
def test_real_rut_all_time_high(shared_market, asof, ath, date):
    ohlc = data.load_bars(["RUT"], asof=asof, source="csv", data_dir=str(shared_market))
    bench = technicals.load_benchmark("SPX", asof=asof, source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["RUT"], bench)
    assert data.asof_of(ohlc["RUT"]).date == asof == f"{res.asof:%Y-%m-%d}"
    assert res.all_time_high == pytest.approx(ath, abs=0.005)
    assert f"{res.all_time_high_date:%Y-%m-%d}" == date
    raw = pd.read_csv(shared_market / "RUT.csv", index_col=0, parse_dates=True).loc[:asof]
    assert res.pct_from_ath == pytest.approx((raw["Close"].iloc[-1] / raw["High"].max() - 1) * 100)
    assert res.bars.index[-1] <= pd.Timestamp(asof)


def test_without_benchmark_dashboard_and_chart():
    study = technicals.analyze_many({"UP": trend_bars(+1)}, None, mas=[20, 50], pivot_window=5)
    res = study.results["UP"]
    assert res.rs is None and res.benchmark is None
    assert "Relative to" not in res.reading()
    table = study.summary()
    assert np.isnan(table.loc["UP", "RS 3m %"])
    assert study.reading("dashboard").splitlines()[0] == (
        f"As of {res.asof:%Y-%m-%d} (prices in index points; % columns in percent):")
    ax = charts.chart_trend(res)
    try:
        assert not any("RS vs" in a.get_ylabel() for a in ax.figure.axes)
    finally:
        plt.close("all")


def test_reading_names_latest_pattern_and_counts_earlier_ones():
    one = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90), (60, 110),
                (70, 115)])
    two = np.r_[one, path([(0, 115), (10, 125), (20, 115), (30, 135), (40, 115), (50, 125),
                           (60, 112), (70, 108)])[1:]]
    res = technicals.analyze(bars_from(two), mas=[5], pivot_window=5, pattern_windows=[5])
    assert list(res.patterns["type"]) == ["inverse_head_and_shoulders", "head_and_shoulders"]
    # the inverted pattern's target 120 is passed on the way to 125; the top's target 95 is not
    assert list(res.patterns["state"]) == ["target_reached", "confirmed"]
    text = res.reading("pattern")
    assert text.startswith("Live pattern: head-and-shoulders top")
    assert "Not current: the inverted head-and-shoulders with head 80" in text
    assert "(2 patterns in the window: 1 confirmed, 1 target reached" in text


def test_study_patterns_table_and_reading():
    one = path([(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90), (60, 110),
                (70, 115)])
    two = np.r_[one, path([(0, 115), (10, 125), (20, 115), (30, 135), (40, 115), (50, 125),
                           (60, 112), (70, 108)])[1:]]
    study = technicals.analyze_many({"TST": bars_from(two)}, mas=[5], pivot_window=5,
                                    pattern_windows=[5])
    table = study.patterns
    assert list(table["pattern"]) == ["inverted H&S", "H&S top"]
    assert list(table["state"]) == ["target reached", "confirmed"]  # words, not codes
    assert table["target flat"].iloc[0] == pytest.approx(120.0)
    assert list(table["series"]) == ["TST", "TST"]
    raw = study.results["TST"].patterns
    assert table["head"].iloc[0] == f"80.00 ({raw['head_date'].iloc[0]:%Y-%m-%d})"
    assert table["target"].iloc[0] == pytest.approx(120.0)
    assert table["confirmed"].iloc[0] == f"{raw['confirmed_date'].iloc[0]:%Y-%m-%d}"
    assert study.reading("patterns") == (
        "2 head-and-shoulders patterns in the window (1 inverted H&S, 1 H&S top); "
        f"{int(raw['confirmed'].sum())} confirmed by a close through the neckline.  Live "
        "(current) now: TST (head-and-shoulders top confirmed).  The other 1 pattern is over "
        "(1 target reached) and is not current.")


def test_provisional_flag_from_provenance_or_snapshot_check():
    bars = bars_from(np.linspace(100, 110, 300))
    assert not technicals.analyze(bars, mas=[20], pivot_window=5).provisional
    bars.attrs["provenance"]["TST"]["provisional_last_row"] = True  # the data layer's flag
    res = technicals.analyze(bars, mas=[20], pivot_window=5)
    assert res.provisional and not technicals.provisional_last_bar(bars)
    assert res.reading("caution").startswith(f"_Caution: the last bar ({res.asof:%Y-%m-%d})")


def test_real_provisional_bar_only_when_asked(shared_market):
    """The default as-of skips RUT's 2026-02-23 snapshot row (Volume 0, float32 prices); loading
    it on purpose (provisional=True) is flagged by the data layer and by provisional_last_bar."""
    folder = str(shared_market)
    res = technicals.analyze(data.load_bars(["RUT"], source="csv", data_dir=folder)["RUT"])
    assert f"{res.asof:%Y-%m-%d}" == "2026-02-20" and not res.provisional
    assert res.reading("caution") == "" and "Caution" not in res.reading()
    snap = data.load_bars(["RUT"], asof="2026-02-23", source="csv", data_dir=folder,
                          provisional=True)["RUT"]
    assert technicals.provisional_last_bar(snap)
    res = technicals.analyze(snap)
    assert f"{res.asof:%Y-%m-%d}" == "2026-02-23" and res.provisional
    assert res.close == pytest.approx(2620.988525390625)
    assert "_Caution: the last bar (2026-02-23) has zero volume" in res.reading()
