"""Patterns across pivot windows with a lifecycle, the detector's own record, trend lines with
breaks and re-tests, weekly bars and closing records (smallcaps.technicals, notebook 06):
hand-computed synthetic paths, planted effects and their reverse, no look-ahead, and real-data
pins checked against plain pandas computations on the raw CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from smallcaps import data, technicals
from smallcaps.errors import ParameterError
from smallcaps.technicals.patterns import _duplicates


def bars_from(close, spread=0.0, start="2020-01-01", key="TST") -> pd.DataFrame:
    close = np.asarray(close, dtype=float)
    idx = pd.bdate_range(start, periods=len(close))
    out = pd.DataFrame({"Open": close, "High": close + spread, "Low": close - spread,
                        "Close": close, "Volume": 1000.0}, index=idx)
    out.attrs["provenance"] = {key: {"name": "Test index", "units": "index points"}}
    return out


def path(points) -> np.ndarray:
    xs, ys = zip(*points, strict=True)
    return np.interp(np.arange(xs[-1] + 1), xs, ys)


# An inverted head-and-shoulders with a flat neckline at 100: left shoulder 90 (bar 10), head 80
# (bar 30), right shoulder 90 (bar 50); width 40 bars, height 20, both targets 120.
BASE = [(0, 100), (10, 90), (20, 100), (30, 80), (40, 100), (50, 90)]


def one(points, windows=(5,), head_bar=30, top=False):
    close = path(points)
    if top:
        close = 200 - close
    bars = bars_from(close)
    pats = technicals.find_patterns(bars, windows)
    return bars, pats[pats["head_date"] == bars.index[head_bar]].iloc[0]


# ------------------------------------------------------------------------------------------------
# lifecycle
# ------------------------------------------------------------------------------------------------
def test_lifecycle_target_reached_with_transition_dates():
    bars, p = one(BASE + [(60, 110), (70, 125)])
    idx = bars.index
    # closes rise 2 a bar from 90 at bar 50: 100 at bar 55 (not through), 102 at bar 56
    assert p["confirmed_date"] == idx[56] and p["formed_date"] == idx[55]
    # then 110 at bar 60 rising 1.5 a bar: 119 at bar 66, 120.5 at bar 67 >= 120
    assert p["target_date"] == idx[67] and p["target_flat_date"] == idx[67]
    assert p["state"] == "target_reached" and p["target_reached"]
    assert pd.isna(p["invalidated_date"]) and pd.isna(p["expired_date"])
    assert (p["width"], p["pivot_window"]) == (40, 5)
    assert p["resolved_pos"] - p["confirmed_pos"] == 11


def test_lifecycle_invalidated_after_confirmation():
    # 110 at bar 60 down to 85 at bar 70, then 1.2 a bar: 80.2 at bar 74, 79 at bar 75 < 80
    bars, p = one(BASE + [(60, 110), (70, 85), (75, 79)])
    assert p["confirmed_date"] == bars.index[56]
    assert p["state"] == "invalidated" and p["invalidated_date"] == bars.index[75]
    assert pd.isna(p["target_date"]) and not p["target_reached"]


def test_lifecycle_expires_without_confirmation():
    # closes stay between 92 and 98 after the right shoulder: no close above 100 within the
    # width (40 bars); the first bar past the limit is bar 50 + 40 + 1 = 91
    bars, p = one(BASE + [(60, 98), (70, 92), (80, 98), (90, 93), (100, 97)])
    assert p["state"] == "expired" and p["expired_date"] == bars.index[91]
    assert not p["confirmed"] and pd.isna(p["confirmed_date"])
    assert p["neckline"] == pytest.approx(100.0)  # the flat neckline, at the bar it expired
    # as of bar 90 it is still forming, as of bar 91 expired
    early = technicals.find_patterns(bars.iloc[:91], [5])
    assert early.loc[early["head_date"] == bars.index[30], "state"].item() == "forming"


def test_lifecycle_expires_after_confirmation_without_resolution():
    # confirmed at bar 56, then the closes hang between 104 and 113: neither 120 nor 80 within
    # 2 widths (80 bars): expired on bar 56 + 80 + 1 = 137
    swing = [(60, 110), (70, 104), (80, 112), (90, 105), (100, 113), (110, 104), (120, 112),
             (130, 105), (140, 110)]
    bars, p = one(BASE + swing)
    assert technicals.RESOLVE_WIDTHS == 2
    assert p["confirmed_date"] == bars.index[56]
    assert p["state"] == "expired" and p["expired_date"] == bars.index[137]
    cut = technicals.find_patterns(bars.iloc[:137], [5])
    assert cut.loc[cut["head_date"] == bars.index[30], "state"].item() == "confirmed"


def test_lifecycle_of_a_top_mirrors_the_inverted_pattern():
    bars, p = one(BASE + [(60, 110), (70, 125)], top=True)
    assert p["type"] == "head_and_shoulders"
    assert p["target"] == pytest.approx(80.0) and p["target_flat"] == pytest.approx(80.0)
    assert p["confirmed_date"] == bars.index[56] and p["target_date"] == bars.index[67]
    bars, p = one(BASE + [(60, 110), (70, 85), (75, 79)], top=True)
    assert p["state"] == "invalidated" and p["invalidated_date"] == bars.index[75]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), window=st.sampled_from([3, 5]), cut=st.integers(80, 299))
# found by this test in CI: two right shoulders of one formation tied on window and height and
# the later one was kept, so the history as of 2020-04-21 lacked the pattern seen that day
@example(seed=138, window=5, cut=80)
def test_no_pattern_state_uses_bars_after_asof(seed, window, cut):
    """As of bar ``cut``, the patterns and their transitions are exactly the full-history ones
    as they stood then: every pattern detected by then, every transition dated by then, and
    nothing later."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 300)))
    bars = bars_from(close, 0.0)
    full = technicals.find_patterns(bars, [window])
    asof = technicals.find_patterns(bars.iloc[:cut], [window])
    last = bars.index[cut - 1]
    key = ["type", "left_shoulder_date", "head_date", "right_shoulder_date"]
    seen = full[full["formed_date"] <= last]
    assert sorted(map(tuple, asof[key].astype(str).to_numpy())) == sorted(
        map(tuple, seen[key].astype(str).to_numpy()))
    dates = ["confirmed_date", "target_date", "invalidated_date", "expired_date"]
    merged = asof.merge(full, on=key, suffixes=("_asof", "_full"))
    for col in dates:
        full_col = pd.to_datetime(merged[f"{col}_full"])
        known = full_col.where(full_col <= last)
        got = pd.to_datetime(merged[f"{col}_asof"])
        assert ((got == known) | (got.isna() & known.isna())).all(), col
    live = merged["state_asof"].isin(technicals.LIVE_STATES)
    resolved = merged[[f"{c}_full" for c in dates[1:]]].apply(pd.to_datetime).le(last).any(
        axis=1)
    assert (live == ~resolved).all()


# ------------------------------------------------------------------------------------------------
# several pivot windows, de-duplication, the two targets
# ------------------------------------------------------------------------------------------------
def test_a_pattern_found_only_on_the_short_window_is_found_by_default():
    # legs of 6 bars: each point is a 5-bar pivot but not a 10-bar one
    pts = [(0, 100), (6, 90), (12, 100), (18, 80), (24, 100), (30, 90), (36, 110), (42, 125)]
    bars = bars_from(path(pts))
    assert technicals.find_patterns(bars, [10, 20]).empty
    found = technicals.find_patterns(bars)
    assert list(found["pivot_window"]) == [5] and found["head_date"].item() == bars.index[18]


def test_duplicates_across_windows_keep_the_largest_window():
    bars = bars_from(path(BASE + [(60, 110), (70, 125)]))
    five = technicals.find_patterns(bars, [5])
    ten = technicals.find_patterns(bars, [10])
    head = bars.index[30]
    assert (five["head_date"] == head).sum() == 1 and (ten["head_date"] == head).sum() == 1
    both = technicals.find_patterns(bars, [5, 10])
    assert (both["head_date"] == head).sum() == 1
    assert both.loc[both["head_date"] == head, "pivot_window"].item() == 10


def test_duplicate_rule_same_head_or_heads_inside_each_other():
    def p(ls, hd, rs, kind="inverse_head_and_shoulders"):
        return pd.Series({"type": kind, "left_shoulder_date": pd.Timestamp(ls),
                          "head_date": pd.Timestamp(hd), "right_shoulder_date": pd.Timestamp(rs)})

    a = p("2024-01-10", "2024-02-10", "2024-03-10")
    assert _duplicates(a, p("2024-01-20", "2024-02-10", "2024-04-01"))  # same head
    assert _duplicates(a, p("2024-01-25", "2024-02-20", "2024-03-15"))  # heads inside
    # sequential patterns sharing a shoulder are two formations
    assert not _duplicates(a, p("2024-03-10", "2024-04-10", "2024-05-10"))
    assert not _duplicates(a, p("2024-01-10", "2024-02-10", "2024-03-10", "head_and_shoulders"))
    dedup = technicals.dedupe_patterns(pd.DataFrame([
        {**a, "pivot_window": 5, "height_pct": 9.0, "formed_date": pd.Timestamp("2024-03-17")},
        {**p("2024-01-25", "2024-02-20", "2024-03-15"), "pivot_window": 10, "height_pct": 5.0,
         "formed_date": pd.Timestamp("2024-03-29")}]))
    assert list(dedup["pivot_window"]) == [10]


def test_sloped_and_flat_targets_differ_with_a_tilted_neckline():
    # reactions 100 (bar 20) and 104 (bar 40): sloped neckline 100 + 0.2 (t - 20); flat 102
    bars, p = one([(0, 100), (10, 90), (20, 100), (30, 80), (40, 104), (50, 92), (60, 115)])
    assert p["neckline_flat"] == pytest.approx(102.0)
    assert p["height_flat"] == pytest.approx(22.0) and p["target_flat"] == pytest.approx(124.0)
    assert p["height"] == pytest.approx(22.0)  # 102 at the head's bar 30
    # close 92 + 2.3 (t - 50) first exceeds 100 + 0.2 (t - 20) at t = 57: neckline 107.4
    assert p["target"] == pytest.approx(129.4)


def test_pattern_windows_parameter_checks():
    with pytest.raises(ParameterError, match="pattern_windows"):
        technicals.find_patterns(bars_from(path(BASE)), [])
    with pytest.raises(ParameterError, match="pattern_windows"):
        technicals.analyze(bars_from(path(BASE)), mas=[5], pattern_windows=[0])
    with pytest.raises(ParameterError, match="timeframe"):
        technicals.analyze(bars_from(path(BASE)), mas=[5], timeframe="monthly")


# ------------------------------------------------------------------------------------------------
# the detector's record: planted effect, its reverse, the random-entry baseline
# ------------------------------------------------------------------------------------------------
def repeated(segment, times=12):
    close = path(segment)
    return np.concatenate([close] + [close[1:]] * (times - 1))


def inverse_record(close):
    bars = bars_from(close)
    pats = technicals.find_patterns(bars, [5])
    inv = pats[pats["type"] == "inverse_head_and_shoulders"]
    return inv, technicals.pattern_base_rate(inv, bars["Close"])


def test_record_planted_patterns_that_reach_their_target():
    inv, rec = inverse_record(repeated(BASE + [(60, 110), (70, 125), (90, 100)]))
    assert len(inv) == 12 and (inv["state"] == "target_reached").all()
    assert rec["n_resolved"] == 12 and rec["n_target_reached"] == 12
    assert rec["hit_rate_pct"] == 100.0 and rec["median_bars_to_target"] == 11.0
    assert rec["baseline_hit_rate_pct"] < 100.0
    assert rec["z"] >= 1.96 and rec["verdict"] == "better"


def test_record_reverse_patterns_that_fail():
    inv, rec = inverse_record(repeated(BASE + [(60, 110), (75, 75), (90, 100)]))
    assert len(inv) == 12 and (inv["state"] == "invalidated").all()
    assert rec["n_resolved"] == 12 and rec["n_target_reached"] == 0
    assert rec["hit_rate_pct"] == 0.0 and rec["invalidated_pct"] == 100.0
    assert rec["baseline_hit_rate_pct"] > 0
    assert rec["z"] <= -1.96 and rec["verdict"] == "worse"


def test_record_names_the_patterns_a_thin_verdict_rests_on():
    # 8 planted hits are just enough (z 1.97 against 1.96): dropping any one flips the verdict,
    # and every head is named; with 9 no single pattern carries it
    inv, rec = inverse_record(repeated(BASE + [(60, 110), (70, 125), (90, 100)], times=8))
    assert rec["verdict"] == "better" and 1.96 <= rec["z"] < 2.0
    assert rec["carried_by"] == [f"{d:%Y-%m-%d}" for d in inv["head_date"]]
    _, rec = inverse_record(repeated(BASE + [(60, 110), (70, 125), (90, 100)], times=9))
    assert rec["verdict"] == "better" and rec["carried_by"] == []
    # the 12 planted patterns, 90 bars apart with 11-bar outcomes, are 12 episodes
    assert inverse_record(repeated(BASE + [(60, 110), (70, 125), (90, 100)]))[1][
        "episodes"] == 12


def test_record_without_patterns():
    flat = bars_from(np.ones(50))
    rec = technicals.pattern_base_rate(technicals.find_patterns(flat, [5]), flat["Close"])
    assert rec["n_resolved"] == 0 and rec["verdict"] is None and np.isnan(rec["hit_rate_pct"])


def brute_entry_rate(close, target, stop, horizon, bullish):
    lc = np.log(close)
    hits = 0
    for d in range(len(close) - horizon):
        for k in range(1, horizon + 1):
            r = lc[d + k] - lc[d]
            if (r >= np.log1p(target / 100)) if bullish else (r <= np.log1p(-target / 100)):
                hits += 1
                break
            if (r <= np.log1p(-stop / 100)) if bullish else (r >= np.log1p(stop / 100)):
                break
    return hits / (len(close) - horizon)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), target=st.floats(0.5, 6), stop=st.floats(0.5, 6),
       horizon=st.integers(1, 40), bullish=st.booleans())
def test_random_entry_rate_matches_a_plain_loop(seed, target, stop, horizon, bullish):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
    got = technicals.random_entry_rate(close, target, stop, horizon, bullish)
    assert got == pytest.approx(brute_entry_rate(close, target, stop, horizon, bullish))
    assert np.isnan(technicals.random_entry_rate(close[:5], target, stop, 10, bullish))


# ------------------------------------------------------------------------------------------------
# trend lines
# ------------------------------------------------------------------------------------------------
def lines_of(points, w=3, spread=0.0):
    bars = bars_from(path(points), spread)
    return bars, technicals.trend_lines(bars, technicals.swing_points(bars, w), w)


def test_up_line_broken_retested_then_recovered():
    # swing lows 100 (bar 10) and 110 (bar 30): line 100 + 0.5 (t - 10)
    pts = [(0, 110), (10, 100), (20, 125), (30, 110), (40, 130), (50, 113), (54, 119),
           (58, 112), (70, 140)]
    bars, lines = lines_of(pts)
    up = lines[lines["kind"] == "up"].iloc[0]
    idx = bars.index
    assert (up["first_date"], up["second_date"]) == (idx[10], idx[30])
    assert up["slope"] == pytest.approx(0.5) and up["known_date"] == idx[33]
    # closes fall 1.7 a bar from 130 at bar 40: bar 46 closes 119.8 above the line (118),
    # bar 47 closes 118.1 below it (118.5): the break
    assert up["break_date"] == idx[47] and up["break_line"] == pytest.approx(118.5)
    # bar 48 closes 116.4, more than 1 % below the line (119); the bounce to 119 at bar 54
    # stays more than 1 % below the line (122 * 0.99 = 120.78); from 112 at bar 58 the closes
    # rise 28/12 a bar: bar 63 closes 123.67 (line 126.5, no), bar 64 closes 126 against the
    # line 127 (>= 125.73 and still below): the re-test; bar 65 closes 128.33 above 127.5
    assert up["retest_date"] == idx[64]
    assert up["recovered_date"] == idx[65] and up["state"] == "recovered"
    assert up["touches"] == 2


def test_up_line_state_as_of_each_stage():
    pts = [(0, 110), (10, 100), (20, 125), (30, 110), (40, 130), (50, 113), (54, 119),
           (58, 112), (70, 140)]
    close = path(pts)
    states = {}
    for cut in (46, 50, 65, 66):
        bars = bars_from(close[:cut])
        lines = technicals.trend_lines(bars, technicals.swing_points(bars, 3), 3)
        up = lines[(lines["kind"] == "up") & (lines["second_date"] == bars.index[30])]
        states[cut] = up["state"].item()
    assert states == {46: "intact", 50: "broken", 65: "retested", 66: "recovered"}


def test_no_line_when_pierced_between_its_points_or_falling_lows():
    # a low of 95 between the lows 100 (bar 10) and 110 (bar 40) cuts the line by far more
    # than 1 %; falling lows make no up line
    pierced = [(0, 110), (10, 100), (18, 120), (25, 95), (32, 120), (40, 110), (50, 130)]
    _, lines = lines_of(pierced)
    up = lines[lines["kind"] == "up"]
    assert not ((up["first_price"] == 100) & (up["second_price"] == 110)).any()
    falling = [(0, 120), (10, 110), (20, 125), (30, 100), (40, 115)]
    _, lines = lines_of(falling)
    assert (lines["kind"] != "up").all()


def test_down_line_mirrors_the_up_line():
    pts = [(0, 110), (10, 100), (20, 125), (30, 110), (40, 130), (50, 113), (54, 119),
           (58, 112), (70, 140)]
    bars = bars_from(220 - path(pts))
    lines = technicals.trend_lines(bars, technicals.swing_points(bars, 3), 3)
    down = lines[lines["kind"] == "down"].iloc[0]
    assert down["slope"] == pytest.approx(-0.5) and down["break_date"] == bars.index[47]
    # the tolerance is relative: at bar 64 the mirrored close 94 is 1.08 % above the line 93
    # (220 - 127), outside 1 %, so this line recovers on bar 65 without a re-test
    assert pd.isna(down["retest_date"]) and down["recovered_date"] == bars.index[65]
    assert down["state"] == "recovered"
    assert technicals.latest_lines(lines)["down"]["second_date"] == lines.loc[
        lines["kind"] == "down", "second_date"].max()


# ------------------------------------------------------------------------------------------------
# weekly bars and records
# ------------------------------------------------------------------------------------------------
def test_weekly_bars_match_pandas_resample_and_end_on_the_asof_day():
    idx = pd.bdate_range("2024-03-25", "2024-04-10").drop(pd.Timestamp("2024-03-29"))  # Good Fri
    rng = np.random.default_rng(3)
    close = 100 + rng.normal(0, 1, len(idx)).cumsum()
    daily = pd.DataFrame({"Open": close - 0.3, "High": close + 1, "Low": close - 1,
                          "Close": close, "Volume": 10.0}, index=idx)
    daily.attrs["provenance"] = {"TST": {}}
    weekly = technicals.weekly_bars(daily)
    plain = daily.resample("W-FRI").agg({"Open": "first", "High": "max", "Low": "min",
                                         "Close": "last", "Volume": "sum"})
    np.testing.assert_allclose(weekly[["Open", "High", "Low", "Close", "Volume"]].to_numpy(),
                               plain.to_numpy())
    # labels: the week's last trading day (Thursday before Good Friday; the partial last week
    # ends on Wednesday 2024-04-10, the as-of date)
    assert [f"{d:%Y-%m-%d}" for d in weekly.index] == ["2024-03-28", "2024-04-05", "2024-04-10"]
    assert weekly.attrs["provenance"] == {"TST": {}}


def test_closing_record_differs_from_intraday_record():
    bars = bars_from([10, 12, 11, 11.5, 9.0], spread=0.5)
    bars.loc[bars.index[3], "High"] = 15.0  # intraday record on bar 3, closing record bar 1
    assert technicals.all_time_high(bars)[:2] == (15.0, bars.index[3])
    rec, date, pct = technicals.all_time_high_close(bars)
    assert (rec, date) == (12.0, bars.index[1]) and pct == pytest.approx((9 / 12 - 1) * 100)


def test_weekly_analysis_reads_weeks_and_keeps_daily_records():
    close = 100 * np.exp(0.001 * np.arange(800)) * (1 + 0.03 * np.sin(np.arange(800) / 9))
    bars = bars_from(close, 0.5)
    res = technicals.analyze(bars, mas=[10, 20], pivot_window=3, timeframe="weekly")
    assert res.timeframe == "weekly" and res.params["lookback_bars"] == 100
    # 800 business days from Wednesday 2020-01-01: weeks end on Fridays, the last (partial)
    # week on the last day, a Tuesday
    assert len(res.bars) == 100 and (res.bars.index[:-1].day_of_week == 4).all()
    assert res.bars.index[-1] == bars.index[-1] and res.asof == bars.index[-1]
    assert res.all_time_high_date == bars["High"].idxmax()  # the day, not the week
    assert res.all_time_high_close_date == bars["Close"].idxmax()
    assert "10-week" in res.reading("averages")
    assert res.figures()["trend"]["TST"]["timeframe"] == "weekly"


# ------------------------------------------------------------------------------------------------
# real data: the audit's cases, checked against plain pandas on the raw CSVs
# ------------------------------------------------------------------------------------------------
def raw(folder, name, asof):
    return pd.read_csv(folder / name, index_col=0, parse_dates=True).loc[:asof]


def test_real_rut_inverse_head_and_shoulders_late_2023_with_default_parameters(shared_market):
    ohlc = data.load_bars(["RUT"], asof="2023-12-04", source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["RUT"])  # default parameters
    p = res.patterns[res.patterns["head_date"] == "2023-10-27"].iloc[0]
    assert p["type"] == "inverse_head_and_shoulders" and p["pivot_window"] == 5
    assert p["state"] == "confirmed"
    assert (res.live_patterns["head_date"] == "2023-10-27").sum() == 1
    # plain computation from the pivot points read off the raw file
    f = raw(shared_market, "RUT.csv", "2023-12-04")
    pos = {d: i for i, d in enumerate(f.index)}
    ls, hd, rs = (pd.Timestamp(d) for d in ("2023-10-04", "2023-10-27", "2023-11-10"))
    r1, r2 = (pd.Timestamp(d) for d in ("2023-10-11", "2023-11-03"))
    assert f.loc[r1, "High"] == f.loc[ls:hd, "High"].max()  # the reactions are the highs
    assert f.loc[r2, "High"] == f.loc[hd:rs, "High"].max()  # between shoulders and head
    assert f.loc[hd, "Low"] == f.loc[ls:rs, "Low"].min()
    a, b = f.loc[r1, "High"], f.loc[r2, "High"]
    slope = (b - a) / (pos[r2] - pos[r1])

    def neck(t):
        return a + slope * (pos[t] - pos[r1])

    after = f.loc[rs:].iloc[1:]
    conf = next(t for t, c in after["Close"].items() if c > neck(t))
    assert conf == pd.Timestamp("2023-11-14") == p["confirmed_date"]
    target = neck(conf) + (neck(hd) - f.loc[hd, "Low"])
    flat = (a + b) / 2 + ((a + b) / 2 - f.loc[hd, "Low"])
    assert p["target"] == pytest.approx(target, rel=1e-9) == pytest.approx(1905.60, abs=0.01)
    assert p["target_flat"] == pytest.approx(flat, rel=1e-9)
    assert p["target_flat"] == pytest.approx(1923.55, abs=0.01)
    assert "inverted head-and-shoulders (head 1,634 on 2023-10-27" in res.reading("pattern")
    assert "1,906 from the sloped neckline, 1,924 from a horizontal one" in res.reading()
    # later it reached both targets on 2023-12-13 (close 1,947.51), plain check on the raw file
    later = technicals.analyze(data.load_bars(["RUT"], asof="2023-12-29", source="csv",
                                              data_dir=str(shared_market))["RUT"])
    q = later.patterns[later.patterns["head_date"] == "2023-10-27"].iloc[0]
    g = raw(shared_market, "RUT.csv", "2023-12-29")["Close"]
    first = g.loc["2023-11-15":][g.loc["2023-11-15":] >= target].index[0]
    assert q["state"] == "target_reached" and q["target_date"] == first
    assert f"{first:%Y-%m-%d}" == "2023-12-13"


def test_real_dow_2023_top_is_not_current_in_late_2024(shared_market):
    ohlc = data.load_bars(["DJI"], asof="2024-11-29", source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["DJI"])
    top = res.patterns[res.patterns["head_date"] == "2023-08-01"].iloc[0]
    assert top["type"] == "head_and_shoulders"
    assert top["target"] == pytest.approx(32379.31, abs=0.01)
    assert top["state"] in ("invalidated", "expired")
    # plain check: the first close above the head after confirmation, before any close at or
    # below the target
    f = raw(shared_market, "DJI.csv", "2024-11-29")
    head = f.loc["2023-08-01", "High"]
    closes = f.loc[top["confirmed_date"]:, "Close"].iloc[1:]
    first_above = closes[closes > head].index[0]
    assert (closes.loc[:first_above] > top["target"]).all()
    assert top["state"] == "invalidated" and top["invalidated_date"] == first_above
    assert f"{first_above:%Y-%m-%d}" == "2023-11-30"
    assert f.loc["2024-11-29", "Close"] == pytest.approx(44910.65, abs=0.01)
    assert (res.live_patterns["head_date"] != "2023-08-01").all()
    rec = [x for x in res.figures()["patterns"] if x["head"]["date"] == "2023-08-01"][0]
    assert rec["current"] is False and rec["state"] == "invalidated"
    assert "32,379" not in res.reading("pattern").split("Not current")[0]


def test_real_rut_closing_and_intraday_records_late_2024(shared_market):
    ohlc = data.load_bars(["RUT"], asof="2024-11-29", source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["RUT"])
    f = raw(shared_market, "RUT.csv", "2024-11-29")
    assert res.all_time_high == f["High"].max() == pytest.approx(2466.49, abs=0.005)
    assert res.all_time_high_date == f["High"].idxmax() == pd.Timestamp("2024-11-25")
    assert res.all_time_high_close == f["Close"].max() == pytest.approx(2442.74, abs=0.005)
    assert res.all_time_high_close_date == f["Close"].idxmax() == pd.Timestamp("2021-11-08")
    assert res.pct_from_ath_close == pytest.approx(
        (f["Close"].iloc[-1] / f["Close"].max() - 1) * 100)
    # 2024-11-25 closed at 2,442.03, below the 2021 close: an intraday record only
    assert f.loc["2024-11-25", "Close"] < f["Close"].max()
    assert res.reading("high").startswith(
        "Its intraday record, 2,466.49 on 2024-11-25, is not a closing record: the closing "
        "record is still 2,442.74 from 2021-11-08.")


def test_real_spx_weekly_up_trend_line_broken_and_retested_in_2013(shared_market):
    ohlc = data.load_bars(["SPX"], asof="2013-07-05", source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["SPX"], pivot_window=5, timeframe="weekly")
    up = res.lines["up"]
    assert (f"{up['first_date']:%Y-%m-%d}", f"{up['second_date']:%Y-%m-%d}") == (
        "2012-11-16", "2013-04-19")
    assert up["state"] == "retested"
    # plain weekly bars from the raw file
    f = raw(shared_market, "GSPC.csv", "2013-07-05")
    w = f.resample("W-FRI").agg({"High": "max", "Low": "min", "Close": "last"}).dropna()
    a, b = pd.Timestamp("2012-11-16"), pd.Timestamp("2013-04-19")
    pos = {d: i for i, d in enumerate(w.index)}
    slope = (w.loc[b, "Low"] - w.loc[a, "Low"]) / (pos[b] - pos[a])
    line = pd.Series(w.loc[a, "Low"] + slope * (np.arange(len(w)) - pos[a]), index=w.index)
    after = w.loc[b:].iloc[6:]  # from the bar after the line is known (5 weeks after b)
    brk = after.index[(after["Close"] < line.loc[after.index]).to_numpy()][0]
    assert f"{brk:%Y-%m-%d}" == f"{up['break_date']:%Y-%m-%d}" == "2013-06-21"
    assert up["break_close"] == pytest.approx(w.loc[brk, "Close"])
    nxt = w.index[pos[brk] + 1]
    assert w.loc[nxt, "High"] >= line[nxt] * 0.99 and w.loc[nxt, "Close"] < line[nxt]
    assert f"{up['retest_date']:%Y-%m-%d}" == "2013-06-28"
    text = res.reading("trendlines")
    assert text.startswith("Weekly up-trend line through the swing lows of 2012-11-16 (1,343) "
                           "and 2013-04-19 (1,536")
    assert "broken on 2013-06-21" in text and "re-tested from below on 2013-06-28" in text


def test_real_rut_pattern_states_agree_with_the_raw_closes(shared_market):
    """Every pattern of RUT's whole history, state by state, checked on the raw closes."""
    ohlc = data.load_bars(["RUT"], asof="2024-11-29", source="csv", data_dir=str(shared_market))
    res = technicals.analyze(ohlc["RUT"])
    close = raw(shared_market, "RUT.csv", "2024-11-29")["Close"]
    hist = res.pattern_history
    assert len(hist) > 100
    for p in hist[hist["confirmed"]].itertuples():
        sign = -1.0 if p.type.startswith("inverse") else 1.0
        end = p.target_date if p.state == "target_reached" else p.invalidated_date
        if p.state not in ("target_reached", "invalidated"):
            continue
        between = close.loc[p.confirmed_date:end].iloc[1:-1]
        assert (sign * (between - p.target) > 0).all()  # not at the target before
        assert (sign * (between - p.head_price) <= 0).all()  # nor beyond the head
        last = close.loc[end]
        if p.state == "target_reached":
            assert sign * (last - p.target) <= 0
        else:
            assert sign * (last - p.head_price) > 0
    rec = res.pattern_record
    seen = hist[hist["confirmed"] & (hist["state"] != "confirmed")
                & (hist["resolved_pos"] > hist["formed_pos"])]
    assert rec["n_resolved"] == len(seen) == 109
    assert rec["n_target_reached"] == (seen["state"] == "target_reached").sum() == 56
    assert rec["n_invalidated"] == 42 and rec["n_expired"] == 11
    assert rec["hit_rate_pct"] == pytest.approx(56 / 109 * 100)
    assert rec["baseline_hit_rate_pct"] == pytest.approx(41.53, abs=0.01)
    assert rec["verdict"] == "better" and rec["z"] == pytest.approx(2.16, abs=0.01)
    assert rec["p_value"] == pytest.approx(0.0309, abs=1e-4) and rec["carried_by"] == []
    assert rec["episodes"] == 85
