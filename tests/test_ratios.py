"""Tests for smallcaps.ratios: hand-computed cases, planted breakouts and trend changes,
invariants (hypothesis), bad input, as-of truncation, generated prose, and real-data checks."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import charts, data, ratios
from smallcaps.errors import DataError, ParameterError, SmallcapsError
from smallcaps.returns import rebase


def bdays(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def exp_path(idx: pd.DatetimeIndex, pct_per_month: float, base: float = 100.0) -> pd.Series:
    """Exact exponential growth of ``pct_per_month`` per month of 365.25/12 days."""
    t = (idx - idx[0]).days / (365.25 / 12)
    return pd.Series(base * (1 + pct_per_month / 100.0) ** np.asarray(t), index=idx)


# --------------------------------------------------------------------------------- pairs / input

def test_parse_pair_ok_and_normalised():
    assert ratios.parse_pair("RUT/SPX") == ("RUT", "SPX")
    assert ratios.parse_pair(" IWM / QQQ ") == ("IWM", "QQQ")
    assert ratios.parse_pairs("RUT/SPX, NDX/SPX,RUT/SPX") == ["RUT/SPX", "NDX/SPX"]
    assert ratios.pair_keys(["RUT/SPX", "RUT/NDX"]) == ["RUT", "SPX", "NDX"]


@pytest.mark.parametrize("bad, fragment", [
    ("RUTSPX", "not of the form 'A/B'"),
    ("RUT/SPX/NDX", "not of the form 'A/B'"),
    ("/SPX", "lacks a key"),
    ("RUT/", "lacks a key"),
    ("RUT/RUT", "by itself"),
    ("RUT/XYZ", "unknown series 'XYZ'"),
    ("rut/SPX", "unknown series 'rut'"),
    ("RUT/DGS10", "DGS10 is a yield series"),
])
def test_parse_pair_errors_are_one_clear_line(bad, fragment):
    with pytest.raises(SmallcapsError) as exc:
        ratios.parse_pair(bad)
    msg = str(exc.value)
    assert fragment in msg
    assert "\n" not in msg
    assert repr(bad) in msg


def test_unknown_key_lists_valid_price_keys():
    with pytest.raises(SmallcapsError, match=r"known price series: RUT, SPX"):
        ratios.parse_pairs(["RUT/SPX", "IWM/XLK"])


def test_empty_pairs_is_an_error():
    with pytest.raises(SmallcapsError, match="pairs is empty"):
        ratios.parse_pairs([])


def test_no_overlapping_dates_is_a_clear_error():
    a = pd.Series(1.0 + np.arange(10), index=bdays("2020-01-01", 10), name="IWM")
    b = pd.Series(2.0 + np.arange(10), index=bdays("2021-01-01", 10), name="QQQ")
    with pytest.raises(DataError) as exc:
        ratios.ratio(a, b)
    msg = str(exc.value)
    assert "IWM/QQQ" in msg and "no dates where both" in msg and "\n" not in msg
    assert "2020-01-01 to 2020-01-14" in msg and "2021-01-01" in msg
    prices = pd.concat({"IWM": a, "QQQ": b, "RUT": a, "SPX": a}, axis=1)
    with pytest.raises(DataError, match="IWM/QQQ: no dates where both"):
        ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])


def test_missing_column_is_a_clear_error():
    prices = frame(RUT=pd.Series([1.0, 2.0], index=bdays("2020-01-01", 2)))
    with pytest.raises(DataError, match="SPX not in the loaded prices"):
        ratios.analyze_pair(prices, "RUT/SPX")


@pytest.mark.parametrize("kw, fragment", [
    ({"asof": "2020-13-45"}, "asof '2020-13-45' is not a date"),
    ({"start": "yesterday-ish"}, "start 'yesterday-ish' is not a date"),
    ({"start": "2030-01-01"}, "is not before the as-of date"),
    ({"rebase_date": "2030-01-01"}, "rebase_date 2030-01-01 is after the as-of date"),
    ({"asof": "1990-01-01"}, "before the first loaded date"),
])
def test_bad_dates_are_parameter_errors(kw, fragment):
    idx = bdays("2019-01-01", 400)
    prices = frame(RUT=pd.Series(1.0, index=idx), SPX=pd.Series(2.0, index=idx))
    with pytest.raises(ParameterError, match=fragment):
        ratios.analyze_pairs(prices, ["RUT/SPX"], **kw)


def test_rebase_date_before_pair_begins_is_an_error():
    idx = bdays("2019-01-01", 400)
    prices = frame(RUT=pd.Series(1.0, index=idx), SPX=pd.Series(2.0, index=idx))
    with pytest.raises(ParameterError, match="before pair RUT/SPX begins"):
        ratios.analyze_pairs(prices, ["RUT/SPX"], rebase_date="2018-06-01")


@pytest.mark.parametrize("mas", [[1, 200], [50.5], ["fifty"]])
def test_bad_moving_average_windows(mas):
    idx = bdays("2019-01-01", 400)
    prices = frame(RUT=pd.Series(1.0, index=idx), SPX=pd.Series(2.0, index=idx))
    with pytest.raises(ParameterError, match="mas must be"):
        ratios.analyze_pairs(prices, ["RUT/SPX"], mas=mas)


# --------------------------------------------------------------------------------- window

def test_default_window_is_five_years_and_first_pair_common_date():
    idx = bdays("2015-01-01", 2000)
    rut = pd.Series(1.0, index=idx[:1500])
    spx = pd.Series(2.0, index=idx)
    prices = frame(RUT=rut, SPX=spx, NDX=spx * 3)
    w = ratios.resolve_window(prices, ["RUT/SPX", "NDX/SPX"])
    assert w.asof == idx[1499]  # last date on which both RUT and SPX exist
    assert w.start == idx[1499] - pd.DateOffset(years=5)
    assert w.rebase_date == w.start
    w2 = ratios.resolve_window(prices, ["NDX/SPX"], asof="", start="2018-03-01",
                               rebase_date="2019-01-02")
    assert w2.asof == idx[-1]
    assert w2.start == pd.Timestamp("2018-03-01")
    assert w2.rebase_date == pd.Timestamp("2019-01-02")
    # an as-of on a weekend resolves to the last trading date before it
    w3 = ratios.resolve_window(prices, ["NDX/SPX"], asof="2016-01-03")
    assert w3.asof == pd.Timestamp("2016-01-01")


# --------------------------------------------------------------------------------- ratio

def test_ratio_uses_common_dates_only():
    a = pd.Series([10.0, 11.0, np.nan, 13.0], index=bdays("2024-01-01", 4), name="A")
    b = pd.Series([2.0, 4.0, 5.0], index=bdays("2024-01-02", 3), name="B")
    r = ratios.ratio(a, b)
    assert list(r.index) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-04")]
    assert r.tolist() == [11.0 / 2.0, 13.0 / 5.0]
    assert r.name == "A/B"


price_lists = st.lists(st.floats(min_value=0.5, max_value=5000.0), min_size=5, max_size=60)


@settings(max_examples=60, deadline=None)
@given(a=price_lists, b=price_lists, pos=st.integers(min_value=0, max_value=59))
def test_ratio_of_rebased_equals_rebased_ratio(a, b, pos):
    n = min(len(a), len(b))
    idx = bdays("2020-01-01", n)
    sa, sb = pd.Series(a[:n], index=idx, name="A"), pd.Series(b[:n], index=idx, name="B")
    at = idx[pos % n]
    r = ratios.ratio(sa, sb)
    lhs = rebase(r, at=at)
    rhs = ratios.ratio(rebase(sa, at=at), rebase(sb, at=at)) * 100.0
    np.testing.assert_allclose(lhs.to_numpy(), rhs.to_numpy(), rtol=1e-10)
    # and so every percent change of the ratio is unchanged by rebasing either leg
    r2 = ratios.ratio(rebase(sa, at=at), sb)
    np.testing.assert_allclose(r2.pct_change().dropna(), r.pct_change().dropna(),
                               rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------------- building blocks

def test_moving_average_and_slope_hand_case():
    s = pd.Series(np.arange(1.0, 31.0), index=bdays("2024-01-01", 30))
    ma = ratios.moving_average(s, 5)
    assert math.isnan(ma.iloc[3]) and ma.iloc[4] == 3.0 and ma.iloc[-1] == 28.0
    d, pct = ratios.slope_direction(ma, lag=20)
    assert d == "rising"
    assert pct == pytest.approx((28.0 / 8.0 - 1) * 100)
    d2, _ = ratios.slope_direction(ratios.moving_average(-s + 100, 5), lag=20)
    assert d2 == "falling"
    assert ratios.slope_direction(ma.iloc[:24], lag=20)[0] is None  # 20 values, needs 21


def test_percentile_rank_hand_cases():
    idx = bdays("2020-01-01", 300)
    up = pd.Series(np.arange(300.0), index=idx)
    assert ratios.percentile_rank(up) == 100.0
    assert ratios.percentile_rank(-up) == 0.0
    mid = up.copy()
    mid.iloc[-1] = up.iloc[-252:-1].median()  # 174 of the 251 prior values are below 174+0.5
    vals = up.iloc[-252:-1].to_numpy()
    expected = ((vals < mid.iloc[-1]).sum() + 0.5 * (vals == mid.iloc[-1]).sum()) / 251 * 100
    assert ratios.percentile_rank(mid) == pytest.approx(expected)
    assert ratios.percentile_rank(mid) == pytest.approx(50.0, abs=0.3)
    assert math.isnan(ratios.percentile_rank(up.iloc[:251]))


def test_planted_breakouts_are_dated_correctly():
    rng = np.random.default_rng(0)
    idx = bdays("2018-01-01", 900)
    s = pd.Series(100 + rng.uniform(-1, 1, 900), index=idx)
    hi_day, lo_day = idx[600], idx[800]
    s.iloc[600] = 105.0  # above every close of the previous 252 days
    s.iloc[601:800] = 100 + rng.uniform(-0.5, 0.5, 199)  # inside the old range: no event
    s.iloc[800] = 95.0  # below all of them
    s.iloc[801:] = 100 + rng.uniform(-0.5, 0.5, 99)
    ev = ratios.breakouts(s, 252)
    assert ev.loc[hi_day] == 1 and ev.loc[lo_day] == -1
    assert ev.loc[idx[600]:].index.tolist() == [hi_day, lo_day]
    prices = frame(RUT=s, SPX=pd.Series(1.0, index=idx))
    a = ratios.analyze_pair(prices, "RUT/SPX")
    date, kind, since = a.last_breakout
    assert (date, kind, since) == (lo_day, "low", 99)
    rec = a.to_record()
    assert rec["last_breakout_date"] == lo_day and rec["days_since_breakout"] == 99
    # a 50-day look-back finds the same two plus nothing before the 50th close
    fr = a.to_frame()
    assert list(fr.columns) == ["ratio", "ma_50", "ma_200", "breakout"]
    assert fr.loc[hi_day, "breakout"] == 1 and fr.loc[lo_day, "breakout"] == -1
    assert int(fr["breakout"].abs().sum()) == len(a.events)
    ev50 = ratios.breakouts(s, 50)
    assert ev50.index.min() >= idx[50]
    assert {hi_day, lo_day} <= set(ev50.index)


def test_breakout_requires_strictly_new_extreme():
    idx = bdays("2020-01-01", 10)
    s = pd.Series([1, 2, 3, 3, 2, 1, 1, 0.5, 4, 4], index=idx, dtype=float)
    ev = ratios.breakouts(s, 3)
    # day 3 ties the high (not new); day 7 (0.5) is a new 3-day low; day 8 (4) a new high;
    # day 9 ties it (not new); day 5 (1) is below 3,3,2 -> new low
    assert ev.to_dict() == {idx[5]: -1, idx[7]: -1, idx[8]: 1}


@pytest.mark.parametrize("pct, direction", [(1.0, "up"), (-1.0, "down"), (0.2, "flat"),
                                            (-0.3, "flat")])
def test_fit_trend_recovers_planted_growth(pct, direction):
    idx = bdays("2020-01-01", 600)
    t = ratios.fit_trend(exp_path(idx, pct), 12)
    assert t.slope_pct == pytest.approx(pct, abs=1e-9)
    assert t.r2 == pytest.approx(1.0, abs=1e-9)
    assert t.direction == direction
    assert t.start > idx[-1] - pd.DateOffset(months=12)
    assert t.end == idx[-1]
    line = t.line()
    assert line.iloc[-1] == pytest.approx(exp_path(idx, pct).iloc[-1], rel=1e-9)


def test_noisy_series_is_flat_by_r2():
    rng = np.random.default_rng(3)
    idx = bdays("2020-01-01", 600)
    s = exp_path(idx, 0.8) * np.exp(rng.normal(0, 0.08, 600))
    t = ratios.fit_trend(s, 3)
    assert t.r2 < ratios.MIN_R2
    assert t.direction == "flat"
    assert ratios.classify_trend(5.0, 0.1) == "flat"
    assert ratios.classify_trend(0.5, 0.25) == "up"
    assert ratios.classify_trend(-0.5, 0.9) == "down"


def test_planted_trend_change_3m_vs_12m():
    idx = bdays("2019-01-01", 900)
    turn = idx[-64]  # about 3 months before the end
    down = exp_path(idx, -3.0)
    s = down.copy()
    after = idx >= turn
    s[after] = down[turn] * exp_path(idx[after], 2.0, base=1.0).to_numpy()
    prices = frame(RUT=s, SPX=pd.Series(1.0, index=idx))
    a = ratios.analyze_pair(prices, "RUT/SPX")
    assert a.trends["3m"].direction == "up"
    assert a.trends["3m"].slope_pct == pytest.approx(2.0, abs=0.05)
    assert a.trends["12m"].direction == "down"
    text = a.reading()
    assert "The 3-month trend has turned up against the 12-month trend" in text


def test_planted_200_day_crossings_give_trend_start():
    idx = bdays("2018-01-01", 700)
    s = pd.Series(100.0, index=idx)
    s.iloc[:300] = np.linspace(120, 100, 300)  # falling: below its average
    s.iloc[300:500] = 110.0  # step up through the average on idx[300]
    s.iloc[500:] = 90.0  # step down on idx[500]
    prices = frame(RUT=s, SPX=pd.Series(1.0, index=idx))
    a = ratios.analyze_pair(prices, "RUT/SPX")
    assert a.trend_side == "below" and a.trend_start_date == idx[500]
    b = ratios.analyze_pair(prices, "RUT/SPX", asof=idx[450])
    assert b.trend_side == "above" and b.trend_start_date == idx[300]
    assert b.to_record()["trend_start_date"] == idx[300]
    # never crossed since the average began: no date, the side is still known
    c = ratios.analyze_pair(prices, "RUT/SPX", asof=idx[290])
    assert c.trend_side == "below" and c.trend_start_date is None
    assert "has stayed below its 200-day average since that average begins" in c.reading()


def test_calendar_changes_hand_computed():
    idx = bdays("2023-06-01", 280)  # to 2024-06-26
    num = pd.Series(np.arange(1.0, 281.0), index=idx)
    den = pd.Series(2.0, index=idx)
    prices = frame(RUT=num, SPX=den)
    a = ratios.analyze_pair(prices, "RUT/SPX", rebase_date="2024-01-15")
    end = idx[-1]
    assert end == pd.Timestamp("2024-06-26")
    r = num / 2.0

    def at(d):
        return r.loc[:d].iloc[-1]

    assert a.changes["1m"] == pytest.approx((r.iloc[-1] / at("2024-05-26") - 1) * 100)
    assert at("2024-05-26") == r.loc["2024-05-24"]  # Sunday -> Friday's close
    assert a.changes["3m"] == pytest.approx((r.iloc[-1] / at("2024-03-26") - 1) * 100)
    assert a.changes["ytd"] == pytest.approx((r.iloc[-1] / r.loc["2023-12-29"] - 1) * 100)
    assert a.changes["since"] == pytest.approx((r.iloc[-1] / r.loc["2024-01-15"] - 1) * 100)
    short = ratios.analyze_pair(prices.iloc[:15], "RUT/SPX", rebase_date="2023-06-01")
    assert math.isnan(short.changes["1m"]) and math.isnan(short.changes["ytd"])


# --------------------------------------------------------------------------------- as-of

def _two_pair_prices(n=900, seed=1):
    rng = np.random.default_rng(seed)
    idx = bdays("2020-01-01", n)
    walk = lambda: pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)  # noqa: E731
    return frame(RUT=walk(), SPX=walk(), NDX=walk())


def test_asof_truncation_data_after_asof_changes_nothing():
    prices = _two_pair_prices()
    asof = prices.index[700]
    base = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"], asof=str(asof.date()))
    changed = prices.copy()
    changed.iloc[701:] = changed.iloc[701:] * np.linspace(0.5, 3.0, len(prices) - 701)[:, None]
    other = ratios.analyze_pairs(changed, ["RUT/SPX", "NDX/SPX"], asof=str(asof.date()))
    assert base.to_record() == other.to_record()
    assert base.reading() == other.reading()
    assert all(a.ratio.index[-1] == asof for a in base.pairs.values())
    rk1 = ratios.rank_returns(prices, ["RUT", "SPX"], asof=asof)
    rk2 = ratios.rank_returns(changed, ["RUT", "SPX"], asof=asof)
    pd.testing.assert_frame_equal(rk1.table, rk2.table)
    # and it is the same as cutting the data by hand
    cut = ratios.analyze_pairs(prices.loc[:asof], ["RUT/SPX", "NDX/SPX"])
    assert cut.to_record() == base.to_record()


# --------------------------------------------------------------------------------- stale data

def test_stale_pair_is_flagged_and_computed_at_its_own_end():
    prices = _two_pair_prices()
    prices = prices.rename(columns={"NDX": "IWM"})
    prices["QQQ"] = prices["SPX"] * 1.5
    prices.loc[prices.index[800]:, ["IWM", "QQQ"]] = np.nan
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    a = study.pairs["IWM/QQQ"]
    assert study.asof == prices.index[-1]
    assert a.stale and a.data_end == prices.index[799]
    rec = study.to_record()
    assert rec["IWM/QQQ"]["stale"] is True and rec["RUT/SPX"]["stale"] is False
    assert rec["IWM/QQQ"]["data_end"] == prices.index[799]
    expected = prices["IWM"].iloc[799] / prices["QQQ"].iloc[799]
    assert rec["IWM/QQQ"]["last"] == pytest.approx(expected)
    end = prices.index[799]
    r = prices["IWM"] / prices["QQQ"]
    ref = r.loc[:end - pd.DateOffset(months=1)].iloc[-1]
    assert rec["IWM/QQQ"]["change_1m_pct"] == pytest.approx((expected / ref - 1) * 100)
    text = a.reading()
    assert f"data ends {end:%Y-%m-%d}" in text and f"as-of date {study.asof:%Y-%m-%d}" in text
    assert "IWM/QQQ (ends" in study.reading()
    assert study.stale == {"IWM/QQQ": end}


def test_ranking_flags_stale_series_and_orders_leaders():
    idx = bdays("2023-10-02", 200)
    grow = {k: exp_path(idx, g) for k, g in {"RUT": 2.0, "SPX": 1.0, "NDX": -1.0,
                                              "IWM": 5.0}.items()}
    prices = frame(**grow)
    prices.loc[idx[150]:, "IWM"] = np.nan
    rk = ratios.rank_returns(prices, ["RUT", "SPX", "NDX", "IWM"])
    assert rk.leaders == ["RUT", "SPX", "NDX"]  # IWM grew fastest but is stale: not ranked
    assert rk.stale == {"IWM": idx[149]}
    t = rk.table
    assert t.loc["IWM", "status"] == f"STALE: data ends {idx[149]:%Y-%m-%d}"
    assert pd.isna(t.loc["IWM", "rank (1m)"])
    end = idx[-1]
    s = prices["RUT"]
    exp1m = (s.iloc[-1] / s.loc[:end - pd.DateOffset(months=1)].iloc[-1] - 1) * 100
    assert t.loc["RUT", "1m %"] == pytest.approx(exp1m)
    expytd = (s.iloc[-1] / s.loc[:"2023-12-31"].iloc[-1] - 1) * 100
    assert t.loc["RUT", "YTD %"] == pytest.approx(expytd)
    text = rk.reading()
    assert "**RUT** led" in text and "**NDX** lagged" in text
    assert "the Russell 2000 beat the S&P 500" in text
    assert f"IWM (data ends {idx[149]:%Y-%m-%d}" in text
    assert "not the dividend-adjusted close" in text


def test_ranking_reading_when_small_caps_trail():
    idx = bdays("2023-10-02", 200)
    prices = frame(RUT=exp_path(idx, -2.0), SPX=exp_path(idx, 1.0))
    text = ratios.rank_returns(prices, ["RUT", "SPX"]).reading()
    assert "**SPX** led" in text and "the Russell 2000 trailed the S&P 500" in text
    assert "beat" not in text


# --------------------------------------------------------------------------------- prose

def _trending_pair(pct_per_month: float, seed=5):
    rng = np.random.default_rng(seed)
    idx = bdays("2020-01-01", 900)
    num = exp_path(idx, pct_per_month) * np.exp(rng.normal(0, 0.002, 900))
    return frame(RUT=num, SPX=pd.Series(50.0, index=idx))


def test_reading_up_case():
    a = ratios.analyze_pair(_trending_pair(1.5), "RUT/SPX")
    text = a.reading()
    assert a.above_ma(200) and a.ma_slope(200)[0] == "rising"
    assert f"{a.distance_to_ma(200):.1f}% above its 200-day average, which is rising" in text
    t12 = a.trends["12m"]
    assert f"The 12-month trend is up ({t12.slope_pct:+.2f}%/month, R² {t12.r2:.2f})" in text
    assert f"{a.changes['1m']:+.1f}% over 1 month" in text
    assert "crossed above its 200-day average" in text or "stayed above" in text
    assert "100th percentile" in text or "th percentile" in text
    rec = a.to_record()
    assert rec["trend_12m"] == "up" and rec["ma200_slope"] == "rising" and rec["above_ma200"]
    assert rec["change_1m_pct"] > 0


def test_reading_down_case():
    a = ratios.analyze_pair(_trending_pair(-1.5), "RUT/SPX")
    text = a.reading()
    assert a.above_ma(200) is False and a.ma_slope(200)[0] == "falling"
    assert f"{abs(a.distance_to_ma(200)):.1f}% below its 200-day average, which is falling" in text
    assert "The 12-month trend is down (-" in text
    assert "above its 200-day average" not in text
    assert f"{a.changes['3m']:+.1f}% over 3 months" in text and a.changes["3m"] < 0
    rec = a.to_record()
    assert rec["trend_12m"] == "down" and rec["trend_3m"] == "down"
    assert rec["ma50_slope"] == "falling" and rec["above_ma50"] is False


def test_study_reading_counts_both_ways():
    up = _trending_pair(1.5)
    down = _trending_pair(-1.5, seed=6)
    prices = frame(RUT=up["RUT"], SPX=up["SPX"], NDX=down["RUT"])
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"])
    text = study.reading()
    assert "1 of 2 current ratios is above a rising 200-day average (RUT/SPX)" in text
    assert "1 is below a falling one (NDX/SPX)" in text
    assert "Mixed" not in text
    # the headline does not repeat the per-pair paragraphs shown beside each chart
    assert study.pairs["RUT/SPX"].reading() not in text
    assert "1 of 2 ratios is above 100" in study.describe_rebased()
    assert study.describe_rebased().index("RUT/SPX") < study.describe_rebased().index("NDX/SPX")
    table = study.summary()
    assert list(table.index) == ["RUT/SPX", "NDX/SPX"]
    assert table.loc["RUT/SPX", "200d MA"] == "rising"


def test_record_has_the_issue_fields_and_is_json():
    import json

    from smallcaps.reports import jsonable

    a = ratios.analyze_pair(_trending_pair(1.0), "RUT/SPX")
    rec = a.to_record()
    for k in ("last", "change_1m_pct", "change_3m_pct", "change_ytd_pct", "above_ma50",
              "above_ma200", "ma50_slope", "ma200_slope", "percentile_1y", "trend_3m",
              "trend_12m", "last_breakout_date", "trend_start_date"):
        assert k in rec
    json.dumps(jsonable(rec))


# --------------------------------------------------------------------------------- charts

def test_plots_return_axes_with_titles_labels_and_sources():
    import matplotlib.pyplot as plt

    prices = _two_pair_prices()
    prices["IWM"], prices["QQQ"] = prices["RUT"] / 10, prices["NDX"] / 20
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    a = study.pairs["RUT/SPX"]
    ax = charts.plot_ratio(a)
    assert ax.get_yscale() == "log"
    assert charts.date_span(a.ratio.loc[a.start:].index) in ax.get_title()
    assert "RUT/SPX" in ax.get_title()
    assert "ratio" in ax.get_ylabel()
    assert any(t.get_text().startswith("Source") for t in ax.texts)
    assert charts.plot_ratio(a, log_scale=False).get_yscale() == "linear"
    ax2 = charts.plot_pair_overlay(study.pairs["IWM/QQQ"])
    assert "rebased to 100" in ax2.get_ylabel() and "IWM vs QQQ" in ax2.get_title()
    lines = [ln for ln in ax2.get_lines() if len(ln.get_xdata()) > 2]
    at = study.pairs["IWM/QQQ"].rebase_date  # the window starts before the data: first date
    assert at == prices.index[0]
    assert len(lines) == 2
    for ln in lines:
        s = pd.Series(ln.get_ydata(), index=pd.DatetimeIndex(ln.get_xdata()))
        assert s.loc[:at].iloc[-1] == pytest.approx(100.0)
    axes = charts.plot_ratio_grid(study)
    assert len([x for x in axes if x.get_visible()]) == 2
    assert "rebased to 100" in axes[0].get_ylabel()
    plt.close("all")


# --------------------------------------------------------------------------------- real data

def _raw_closes(path, date_col=0, close_header="Close"):
    """Closes from a raw CSV, parsed with the csv module (independent of the kit's reader)."""
    out = {}
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header_i = next(i for i, r in enumerate(rows) if r and r[0] in ("Date", "Price"))
    header = rows[header_i]
    ci = header.index(close_header)
    for r in rows[header_i + 1:]:
        if not r or not r[0][:4].isdigit() or not r[ci]:
            continue
        out[r[0][:10]] = float(r[ci])
    return out


def test_real_rut_spx_against_raw_csv(shared_market):
    rut = _raw_closes(shared_market / "RUT.csv")
    spx = _raw_closes(shared_market / "GSPC.csv")
    px = data.load(["RUT", "SPX"], source="csv", data_dir=shared_market)
    a = ratios.analyze_pair(px, "RUT/SPX", asof="2024-11-29")
    assert a.data_end == pd.Timestamp("2024-11-29")
    assert a.last == pytest.approx(2434.73 / 6032.38, rel=1e-5)  # PROVENANCE.md closes
    assert a.last == pytest.approx(rut["2024-11-29"] / spx["2024-11-29"], rel=1e-12)
    # 1 month: from the last close on or before 2024-10-29
    ref = rut["2024-10-29"] / spx["2024-10-29"]
    assert a.changes["1m"] == pytest.approx((a.last / ref - 1) * 100, rel=1e-9)
    # year to date: from 2023-12-29, the last close of 2023
    ye = rut["2023-12-29"] / spx["2023-12-29"]
    assert a.changes["ytd"] == pytest.approx((a.last / ye - 1) * 100, rel=1e-9)
    # the 200-day average, recomputed from the raw closes on common dates
    common = sorted(set(rut) & set(spx))
    common = [d for d in common if d <= "2024-11-29"][-200:]
    ma200 = sum(rut[d] / spx[d] for d in common) / 200
    assert a.ma_last(200) == pytest.approx(ma200, rel=1e-10)
    assert a.above_ma(200) == (a.last > ma200)


def test_real_iwm_qqq_is_stale_at_rut_end(shared_market):
    keys = ratios.pair_keys(ratios.DEFAULT_PAIRS)
    px = data.load(keys, source="csv", data_dir=shared_market)
    study = ratios.analyze_pairs(px, ratios.DEFAULT_PAIRS)
    assert study.asof == pd.Timestamp("2026-02-23")
    assert study.stale == {"IWM/QQQ": pd.Timestamp("2025-09-26")}
    iwm = _raw_closes(shared_market / "IWM.csv")
    qqq = _raw_closes(shared_market / "QQQ.csv")
    a = study.pairs["IWM/QQQ"]
    assert a.last == pytest.approx(iwm["2025-09-26"] / qqq["2025-09-26"], rel=1e-12)
    assert "data ends 2025-09-26" in a.reading()


def test_overlay_reading_both_signs_and_fund_pairs():
    idx = bdays("2021-01-04", 400)
    prices = frame(IWM=exp_path(idx, 1.0), QQQ=exp_path(idx, 2.0), RUT=exp_path(idx, 1.0),
                   SPX=exp_path(idx, 0.5))
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"], rebase_date="2021-06-01")
    assert study.fund_pairs() == ["IWM/QQQ"]
    assert ratios.is_fund("SPY") and not ratios.is_fund("RUT") and not ratios.is_fund("DGS10")
    a = study.pairs["IWM/QQQ"]
    base = prices.loc[:"2021-06-01"].iloc[-1]
    iwm = (prices["IWM"].iloc[-1] / base["IWM"] - 1) * 100
    qqq = (prices["QQQ"].iloc[-1] / base["QQQ"] - 1) * 100
    text = ratios.describe_overlay(a)
    assert f"IWM moved {iwm:+.1f}% and QQQ {qqq:+.1f}%" in text
    assert f"IWM underperformed QQQ by {qqq - iwm:.1f} percentage points" in text
    flipped = ratios.analyze_pairs(prices, ["QQQ/IWM"], rebase_date="2021-06-01")
    assert "QQQ outperformed IWM" in ratios.describe_overlay(flipped.pairs["QQQ/IWM"])
    note = study.window_note()
    assert f"As of **{idx[-1]:%Y-%m-%d}**" in note
    assert "rebased lines equal 100 on 2021-06-01" in note
    assert "Stale" not in note


def test_window_note_names_stale_pairs_and_late_rebase():
    prices = _two_pair_prices()
    prices["IWM"], prices["QQQ"] = prices["RUT"], prices["SPX"]
    prices.loc[:prices.index[100], ["IWM", "QQQ"]] = np.nan
    prices.loc[prices.index[850]:, ["IWM", "QQQ"]] = np.nan
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    note = study.window_note()
    end = prices.index[849]
    assert f"IWM/QQQ ends {end:%Y-%m-%d}" in note
    assert f"IWM/QQQ (from {prices.index[101]:%Y-%m-%d}, its first date)" in note
    assert study.pairs["IWM/QQQ"].rebase_date == prices.index[101]
    reb = study.rebased()
    assert reb["IWM/QQQ"].dropna().iloc[0] == pytest.approx(100.0)
    assert reb["RUT/SPX"].iloc[0] == pytest.approx(100.0)


def test_load_asof_defaults_to_first_pair_common_date(shared_market):
    assert ratios.load_asof(["RUT/SPX"], "", source="csv", data_dir=shared_market) == "2026-02-23"
    assert ratios.load_asof(["IWM/QQQ", "RUT/SPX"], "", source="csv",
                            data_dir=shared_market) == "2025-09-26"
    assert ratios.load_asof(["RUT/SPX"], "2024-11-29") == "2024-11-29"
    with pytest.raises(ParameterError, match="asof 'soon' is not a date"):
        ratios.load_asof(["RUT/SPX"], "soon")
