"""Tests for smallcaps.ratios: hand-computed cases, planted breakouts and trend changes,
invariants (hypothesis), bad input, the report's dates on trading days, as-of truncation, stale
data, the results protocol, and real-data checks (including every as-of 2026-02-16..23)."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import calendar, charts, data, page, ratios
from smallcaps.data import AsOf
from smallcaps.errors import DataError, ParameterError, SmallcapsError
from smallcaps.returns import rebase


def bdays(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def with_asof(prices: pd.DataFrame, date: str, requested: str | None = None) -> pd.DataFrame:
    """``prices`` carrying an as-of date the way :func:`smallcaps.data.load` sets it."""
    out = prices.copy()
    out.attrs["asof"] = AsOf(date=date, requested=requested, reference=("RUT", "SPX")).to_dict()
    return out


def exp_path(idx: pd.DatetimeIndex, pct_per_month: float, base: float = 100.0) -> pd.Series:
    """Exact exponential growth of ``pct_per_month`` per month of 365.25/12 days."""
    t = (idx - idx[0]).days / (365.25 / 12)
    return pd.Series(base * (1 + pct_per_month / 100.0) ** np.asarray(t), index=idx)


# --------------------------------------------------------------------------------- pairs / input

def test_parse_pairs_ok_and_normalised():
    assert ratios.parse_pairs(["RUT/SPX"]) == ["RUT/SPX"]
    assert ratios.parse_pairs([" IWM / QQQ "]) == ["IWM/QQQ"]
    assert ratios.parse_pairs("RUT/SPX, NDX/SPX,RUT/SPX") == ["RUT/SPX", "NDX/SPX"]
    assert ratios.pair_keys(["RUT/SPX", "RUT/NDX"]) == ["RUT", "SPX", "NDX"]
    # the keys a notebook loads: the pairs' keys, then the ranked ones not yet named
    assert ratios.pair_keys(["RUT/SPX", "IWM/QQQ"], ["RUT", "SPY", "QQQ", "DJI"]) == [
        "RUT", "SPX", "IWM", "QQQ", "SPY", "DJI"]
    assert ratios.pair_keys("NDX/SPX", "RUT") == ["NDX", "SPX", "RUT"]


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
        ratios.parse_pairs([bad])
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
    ({"start": "yesterday-ish"}, "start 'yesterday-ish' is not a date"),
    ({"rebase_date": "2020-13-45"}, "rebase_date '2020-13-45' is not a date"),
    ({"start": "2030-01-01"}, "is not before the as-of date"),
    ({"rebase_date": "2030-01-01"}, "rebase_date 2030-01-01 is after the as-of date"),
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


# --------------------------------------------------------------------------------- dates

def _weekday_prices(end: str = "2026-02-27", n: int = 1900) -> pd.DataFrame:
    idx = pd.bdate_range(end=end, periods=n)
    rng = np.random.default_rng(11)
    walk = [pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)
            for _ in range(3)]
    return frame(RUT=walk[0], SPX=walk[1], NDX=walk[2])


def test_default_window_is_five_years_back_on_a_trading_day():
    # 2026-02-20 minus five years is Saturday 2021-02-20: the window starts Monday 2021-02-22
    prices = with_asof(_weekday_prices(), "2026-02-20")
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"])
    w = study.window
    assert w.asof == pd.Timestamp("2026-02-20")  # the frame's as-of, not its last row
    assert w.start == w.rebase_date == pd.Timestamp("2021-02-22")
    assert w.start == calendar.years_before("2026-02-20", 5, prices.index)
    assert w.requested is None and not w.rebase_given
    a = study.pairs["RUT/SPX"]
    assert a.data_end == pd.Timestamp("2026-02-20") and not a.stale
    r = prices["RUT"] / prices["SPX"]
    assert a.changes["since"] == pytest.approx(
        (r.loc["2026-02-20"] / r.loc["2021-02-22"] - 1) * 100)
    # rebased lines pass through 100 on the window's first day (this raised before the fix)
    reb = study.rebased()
    assert reb.index[0] == pd.Timestamp("2021-02-22")
    assert reb.iloc[0].tolist() == pytest.approx([100.0, 100.0])
    assert a.overlay().lines.iloc[0].tolist() == pytest.approx([100.0, 100.0])


def test_given_dates_snap_onto_trading_days():
    prices = with_asof(_weekday_prices(), "2026-02-20", requested="2026-02-22")
    # a weekend start moves forward to Monday, a weekend rebase date back to Friday
    study = ratios.analyze_pairs(prices, ["RUT/SPX"], start="2024-03-02",
                                 rebase_date="2024-06-09")
    w = study.window
    assert w.start == pd.Timestamp("2024-03-04")
    assert w.rebase_date == pd.Timestamp("2024-06-07") and w.rebase_given
    r = prices["RUT"] / prices["SPX"]
    a = study.pairs["RUT/SPX"]
    end = pd.Timestamp("2026-02-20")  # the frame holds rows after the as-of: none is used
    assert a.data_end == pd.Timestamp("2026-02-20") == study.asof
    assert w.requested == "2026-02-22"
    assert a.changes["since"] == pytest.approx((r.loc[end] / r.loc["2024-06-07"] - 1) * 100)
    reb = study.rebased()
    assert reb.index[0] == pd.Timestamp("2024-03-04")
    assert reb.loc["2024-06-07", "RUT/SPX"] == pytest.approx(100.0)
    # a rebase date before the chart start is allowed: the lines are rebased on it all the same
    early = ratios.analyze_pairs(prices, ["RUT/SPX"], start="2024-03-02",
                                 rebase_date="2023-12-31")
    assert early.window.rebase_date == pd.Timestamp("2023-12-29")
    assert early.rebased().index[0] == pd.Timestamp("2024-03-04")
    ov = early.pairs["RUT/SPX"].overlay()
    assert ov.lines.index[0] == pd.Timestamp("2024-03-04")
    legs = prices.loc[:end, ["RUT", "SPX"]]
    expected = (legs.iloc[-1] / legs.loc["2023-12-29"] - 1) * 100
    assert ov.changes == pytest.approx(expected.to_dict())


def test_start_before_the_data_starts_on_its_first_day():
    prices = with_asof(_weekday_prices(n=300), "2026-02-27")
    study = ratios.analyze_pairs(prices, ["RUT/SPX"])  # five years back: before the data
    assert study.window.start == prices.index[0]
    assert study.pairs["RUT/SPX"].rebase_date == prices.index[0]


def test_frame_without_asof_is_as_of_its_last_date():
    idx = bdays("2015-01-01", 2000)
    rut = pd.Series(1.0, index=idx[:1500])
    spx = pd.Series(2.0, index=idx)
    prices = frame(RUT=rut, SPX=spx, NDX=spx * 3)
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"])
    assert study.asof == idx[-1]
    assert study.stale == {"RUT/SPX": idx[1499]}


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
    rec = a.figures()
    assert rec["last_breakout_date"] == lo_day and rec["days_since_breakout"] == 99
    fr = a.to_frame()
    assert list(fr.columns) == ["ratio", "ma_50", "ma_200", "breakout"]
    assert fr.loc[hi_day, "breakout"] == 1 and fr.loc[lo_day, "breakout"] == -1
    assert int(fr["breakout"].abs().sum()) == len(a.events)
    # a 50-day look-back finds the same two plus nothing before the 50th close
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
    # an explicit end fits the 12 months before it
    t_mid = ratios.fit_trend(exp_path(idx, pct), 12, end=f"{idx[400]:%Y-%m-%d}")
    assert t_mid.end == idx[400] and t_mid.slope_pct == pytest.approx(pct, abs=1e-9)


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
    rec = a.figures()
    assert rec["trend_3m"] == "up" and rec["trend_12m"] == "down"


def test_planted_200_day_crossings_give_trend_start():
    idx = bdays("2018-01-01", 700)
    s = pd.Series(100.0, index=idx)
    s.iloc[:300] = np.linspace(120, 100, 300)  # falling: below its average
    s.iloc[300:500] = 110.0  # step up through the average on idx[300]
    s.iloc[500:] = 90.0  # step down on idx[500]
    prices = frame(RUT=s, SPX=pd.Series(1.0, index=idx))
    a = ratios.analyze_pair(prices, "RUT/SPX")
    assert a.trend_side == "below" and a.trend_start_date == idx[500]
    b = ratios.analyze_pair(prices.loc[:idx[450]], "RUT/SPX")
    assert b.trend_side == "above" and b.trend_start_date == idx[300]
    assert b.figures()["trend_start_date"] == idx[300]
    # never crossed since the average began: no date, the side is still known
    c = ratios.analyze_pair(prices.loc[:idx[290]], "RUT/SPX")
    assert c.trend_side == "below" and c.trend_start_date is None
    assert c.figures()["trend_side"] == "below" and c.figures()["trend_start_date"] is None


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

    def walk():
        return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)

    return frame(RUT=walk(), SPX=walk(), NDX=walk())


def test_asof_truncation_data_after_asof_changes_nothing():
    prices = _two_pair_prices()
    asof = prices.index[700]
    base = ratios.analyze_pairs(with_asof(prices, f"{asof:%Y-%m-%d}"), ["RUT/SPX", "NDX/SPX"])
    changed = prices.copy()
    changed.iloc[701:] = changed.iloc[701:] * np.linspace(0.5, 3.0, len(prices) - 701)[:, None]
    other = ratios.analyze_pairs(with_asof(changed, f"{asof:%Y-%m-%d}"), ["RUT/SPX", "NDX/SPX"])
    assert base.figures() == other.figures()
    assert base.reading() == other.reading()
    assert all(a.ratio.index[-1] == asof for a in base.pairs.values())
    rk1 = ratios.rank_returns(with_asof(prices, f"{asof:%Y-%m-%d}"), ["RUT", "SPX"])
    rk2 = ratios.rank_returns(with_asof(changed, f"{asof:%Y-%m-%d}"), ["RUT", "SPX"])
    pd.testing.assert_frame_equal(rk1.table, rk2.table)
    assert rk1.asof == asof
    # and it is the same as cutting the data by hand
    cut = ratios.analyze_pairs(prices.loc[:asof], ["RUT/SPX", "NDX/SPX"])
    assert cut.figures() == base.figures()


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
    rec = study.figures()["ratios"]
    assert rec["IWM/QQQ"]["stale"] is True and rec["RUT/SPX"]["stale"] is False
    assert rec["IWM/QQQ"]["data_end"] == prices.index[799]
    expected = prices["IWM"].iloc[799] / prices["QQQ"].iloc[799]
    assert rec["IWM/QQQ"]["last"] == pytest.approx(expected)
    end = prices.index[799]
    r = prices["IWM"] / prices["QQQ"]
    ref = r.loc[:end - pd.DateOffset(months=1)].iloc[-1]
    assert rec["IWM/QQQ"]["change_1m_pct"] == pytest.approx((expected / ref - 1) * 100)
    assert study.stale == {"IWM/QQQ": end}
    assert study.fund_pairs == ["IWM/QQQ"]
    assert study.summary().loc["IWM/QQQ", "data ends"] == f"{end:%Y-%m-%d} (STALE)"


def test_ranking_flags_stale_series_and_orders_leaders():
    idx = bdays("2023-10-02", 200)
    grow = {k: exp_path(idx, g) for k, g in {"RUT": 2.0, "SPX": 1.0, "NDX": -1.0,
                                              "IWM": 5.0}.items()}
    prices = frame(**grow)
    prices.loc[idx[150]:, "IWM"] = np.nan
    rk = ratios.rank_returns(prices, ["RUT", "SPX", "NDX", "IWM"])
    assert rk.leaders == ["RUT", "SPX", "NDX"]  # IWM grew fastest but is stale: not ranked
    assert rk.stale == {"IWM": idx[149]}
    assert rk.figures() == {"leaders": ["RUT", "SPX", "NDX"], "stale_series": {"IWM": idx[149]},
                            "ranking_basis": {"RUT": "index level, price only",
                                              "SPX": "index level, price only",
                                              "NDX": "index level, price only",
                                              "IWM": "price only, not dividend-adjusted"}}
    t = rk.table
    assert t.loc["IWM", "status"] == f"STALE: data ends {idx[149]:%Y-%m-%d}"
    assert pd.isna(t.loc["IWM", "rank (1m)"])
    end = idx[-1]
    s = prices["RUT"]
    exp1m = (s.iloc[-1] / s.loc[:end - pd.DateOffset(months=1)].iloc[-1] - 1) * 100
    assert t.loc["RUT", "1m %"] == pytest.approx(exp1m)
    expytd = (s.iloc[-1] / s.loc[:"2023-12-31"].iloc[-1] - 1) * 100
    assert t.loc["RUT", "YTD %"] == pytest.approx(expytd)
    shown = rk.summary()
    assert shown.loc["IWM", "last date"] == f"{idx[149]:%Y-%m-%d}"
    assert shown.loc["RUT", "1m %"] == round(exp1m, 2)
    pd.testing.assert_frame_equal(rk.to_frame(), t)


def test_ranking_as_of_the_frame_flags_series_ending_before_it():
    idx = bdays("2023-10-02", 200)
    prices = with_asof(frame(RUT=exp_path(idx, 2.0), IWM=exp_path(idx, 1.0)),
                       f"{idx[-1] + pd.Timedelta(days=3):%Y-%m-%d}")
    rk = ratios.rank_returns(prices, ["RUT", "IWM"])
    assert rk.leaders == [] and set(rk.stale) == {"RUT", "IWM"}


def test_ranking_needs_keys():
    prices = frame(RUT=exp_path(bdays("2023-10-02", 50), 1.0))
    with pytest.raises(ParameterError, match="ranking keys are empty"):
        ratios.rank_returns(prices, [])
    with pytest.raises(DataError, match="SPX not in the loaded prices"):
        ratios.rank_returns(prices, ["RUT", "SPX"])


# --------------------------------------------------------------------------------- protocol

def _trending_pair(pct_per_month: float, seed=5):
    rng = np.random.default_rng(seed)
    idx = bdays("2020-01-01", 900)
    num = exp_path(idx, pct_per_month) * np.exp(rng.normal(0, 0.002, 900))
    return frame(RUT=num, SPX=pd.Series(50.0, index=idx))


def test_figures_have_the_issue_fields_and_are_json():
    a = ratios.analyze_pair(_trending_pair(1.0), "RUT/SPX")
    rec = a.figures()
    for k in ("last", "change_1m_pct", "change_3m_pct", "change_ytd_pct", "above_ma50",
              "above_ma200", "ma50_slope", "ma200_slope", "percentile_1y", "trend_3m",
              "trend_12m", "last_breakout_date", "trend_start_date"):
        assert k in rec
    json.dumps(page.jsonable(rec))
    assert rec["trend_12m"] == "up" and rec["ma200_slope"] == "rising" and rec["above_ma200"]
    assert rec["change_1m_pct"] > 0
    down = ratios.analyze_pair(_trending_pair(-1.5), "RUT/SPX").figures()
    assert down["trend_12m"] == "down" and down["trend_3m"] == "down"
    assert down["ma50_slope"] == "falling" and down["above_ma50"] is False


def test_distance_from_the_averages_by_hand():
    """A flat ratio of 2.0 whose last close jumps to 2.2: the 200-day average is
    (199 * 2.0 + 2.2) / 200 = 2.001 and the ratio stands 2.2 / 2.001 - 1 = 9.945 % above it;
    the 50-day average is 2.004 (+9.780 %).  The figures carry these numbers under the names
    the dashboard reads, and the table and the prose state them."""
    from smallcaps.runner import dashboard

    idx = bdays("2022-01-03", 300)
    rut = pd.Series(100.0, index=idx)
    rut.iloc[-1] = 110.0
    prices = frame(RUT=rut, SPX=pd.Series(50.0, index=idx))
    study = ratios.analyze_pairs(prices, ["RUT/SPX"], mas=[20, 50, 200])
    a = study.pairs["RUT/SPX"]
    rec = a.figures()
    assert rec["ma200"] == pytest.approx(2.001, rel=1e-12)
    assert rec["distance_ma200_pct"] == pytest.approx((2.2 / 2.001 - 1) * 100, rel=1e-12)
    assert rec["distance_ma200_pct"] == pytest.approx(9.945027, abs=1e-6)
    assert rec["ma50"] == pytest.approx(2.004, rel=1e-12)
    assert rec["distance_ma50_pct"] == pytest.approx((2.2 / 2.004 - 1) * 100, rel=1e-12)
    assert rec["ma20"] == pytest.approx(2.01, rel=1e-12)  # any other average asked for too
    assert rec["distance_ma20_pct"] == pytest.approx((2.2 / 2.01 - 1) * 100, rel=1e-12)
    # the page's table and prose: 9.9 % above its 200-day average
    assert study.summary().loc["RUT/SPX", "vs 200d MA %"] == 9.9
    assert "9.9% above its 200-day average" in a.reading()
    # the dashboard's and the index's names resolve to these numbers
    figs = page.jsonable(study.figures())
    for spec in dashboard.HISTORY["ratio_charts"]({"pairs": ["RUT/SPX"]}):
        for name, _ in spec["lines"]:
            assert dashboard.figure_value(figs, name) is not None, name
    assert dashboard.figure_value(figs, "ratios.RUT/SPX.distance_ma200_pct") == \
        rec["distance_ma200_pct"]
    assert dashboard.figure_value(figs, "ratios.RUT/SPX.ma200") == rec["ma200"]
    # too little history for a 200-day average: missing (None), never a made-up number
    short = ratios.analyze_pair(prices.iloc[-150:], "RUT/SPX").figures()
    assert short["ma200"] is None and short["distance_ma200_pct"] is None
    assert short["ma50"] == pytest.approx(2.004, rel=1e-12)


def test_study_summary_and_frames():
    up = _trending_pair(1.5)
    down = _trending_pair(-1.5, seed=6)
    prices = frame(RUT=up["RUT"], SPX=up["SPX"], NDX=down["RUT"])
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"])
    table = study.summary()
    assert list(table.index) == ["RUT/SPX", "NDX/SPX"]
    assert table.loc["RUT/SPX", "200d MA"] == "rising"
    assert table.loc["NDX/SPX", "200d MA"] == "falling"
    a = study.pairs["RUT/SPX"]
    since = f"since {study.window.rebase_date:%Y-%m-%d} %"
    assert table.loc["RUT/SPX", since] == round(a.changes["since"], 1)
    assert table.loc["RUT/SPX", "vs 200d MA %"] == round(a.distance_to_ma(200), 1)
    assert a.summary().loc["RUT/SPX", "1m %"] == round(a.changes["1m"], 1)
    tidy = study.to_frame()
    assert tidy.loc["NDX/SPX", "change_3m_pct"] == study.pairs["NDX/SPX"].changes["3m"]
    assert list(tidy.columns) == list(a.figures())
    assert study.fund_pairs == [] and study.overlays() == []
    assert set(study.figures()) == {"ratios"}


# --------------------------------------------------------------------------------- basis

def on_field(prices: pd.DataFrame, field: str) -> pd.DataFrame:
    """``prices`` marked as loaded with ``field`` (as :func:`smallcaps.data.load` marks it)."""
    out = prices.copy()
    out.attrs["field"] = field
    return out


def fund_prices(dividend_pct_per_month=0.25, n=700):
    """Closes of IWM, QQQ, RUT and SPX and the adjusted closes of the ETFs: an ETF's adjusted
    close grows ``dividend_pct_per_month`` faster than its close (dividends reinvested); the
    indexes are the same on both fields.  IWM/QQQ falls 0.6 %/month on closes."""
    idx = bdays("2020-01-01", n)
    close = pd.DataFrame({"IWM": exp_path(idx, 0.4), "QQQ": exp_path(idx, 1.0),
                          "RUT": exp_path(idx, 0.4), "SPX": exp_path(idx, 0.8)})
    adj = close.copy()
    adj["IWM"] = close["IWM"] * exp_path(idx, dividend_pct_per_month, base=1.0)
    adj["QQQ"] = close["QQQ"] * exp_path(idx, 0.05, base=1.0)
    return on_field(close, "close"), on_field(adj, "adj_close")


def test_series_basis_fields_and_their_errors():
    assert ratios.series_basis("IWM", "adj_close") == ratios.TOTAL_RETURN
    assert ratios.series_basis("IWM", "close") == ratios.FUND_PRICE
    assert ratios.series_basis("RUT", "adj_close") == ratios.INDEX_LEVEL == ratios.series_basis(
        "RUT", "close")
    assert ratios.alternative_field("adj_close") == "close"
    assert ratios.alternative_field("close") == "adj_close"
    with pytest.raises(ParameterError, match="etf_field 'open' is not valid; use 'adj_close'"):
        ratios.alternative_field("open")
    with pytest.raises(ParameterError, match="prices were loaded with field 'high'"):
        ratios.analyze_pairs(on_field(fund_prices()[0], "high"), ["IWM/QQQ"])


def test_each_pair_carries_its_basis_and_a_mixed_pair_is_flagged():
    _, adj = fund_prices()
    study = ratios.analyze_pairs(adj, ["IWM/QQQ", "RUT/SPX", "IWM/SPX"])
    assert study.etf_field == "adj_close"
    a, b, c = (study.pairs[p] for p in ("IWM/QQQ", "RUT/SPX", "IWM/SPX"))
    assert a.basis == {"IWM": ratios.TOTAL_RETURN, "QQQ": ratios.TOTAL_RETURN}
    assert (a.basis_label, b.basis_label, c.basis_label) == ("total return", "index level",
                                                             "mixed")
    assert study.mixed_pairs == ["IWM/SPX"]
    assert a.ratio_of == "ratio of dividend-adjusted closes" and b.ratio_of == "ratio of closes"
    assert c.ratio_of == "IWM dividend-adjusted close / SPX close"
    assert a.figures()["basis"] == a.basis
    assert study.summary()["basis"].tolist() == ["total return", "index level", "mixed"]
    (ov,) = study.overlays()
    assert ov.basis == a.basis and ov.value_label == "total return (dividend-adjusted close)"
    close_study = ratios.analyze_pairs(fund_prices()[0], ["IWM/QQQ"])
    assert close_study.pairs["IWM/QQQ"].basis_label == "price only"
    assert close_study.overlays()[0].value_label == "close"
    # a frame built by hand without a field is on closes
    assert ratios.analyze_pairs(frame(**fund_prices()[0]), ["IWM/QQQ"]).etf_field == "close"


def test_compare_basis_measures_what_the_dividends_move():
    close, adj = fund_prices()
    study = ratios.analyze_pairs(adj, ["IWM/QQQ", "RUT/SPX"])
    c = ratios.compare_basis(study, close)
    assert (c.field, c.other_field) == ("adj_close", "close")
    assert c.affected == ["IWM/QQQ"] and c.unaffected == ["RUT/SPX"]
    r = c.rows("IWM/QQQ")
    reb = study.window.rebase_date
    by_hand = {f: (s["IWM"].iloc[-1] / s["QQQ"].iloc[-1])
               / (s["IWM"].loc[reb] / s["QQQ"].loc[reb]) * 100 - 100
               for f, s in (("adj", adj), ("close", close))}
    assert r.loc["change_since_pct", "page"] == pytest.approx(by_hand["adj"])
    assert r.loc["change_since_pct", "other"] == pytest.approx(by_hand["close"])
    assert r.loc["change_since_pct", "diff"] == pytest.approx(by_hand["adj"] - by_hand["close"])
    # a smooth 0.2 %/month of net dividends: the 12-month trend moves by about that much
    t12 = r.loc["trend_12m_slope_pct_per_month"]
    assert t12["diff"] == pytest.approx(((1.004 * 1.0025) / (1.01 * 1.0005) - 1.004 / 1.01) * 100,
                                        rel=1e-6)
    # -0.6 %/month on closes is a down trend; -0.4 %/month with dividends is flat
    assert (t12["page"] > -0.5) and (t12["other"] < -0.5)
    assert c.moved_labels("IWM/QQQ") == ["trend_3m", "trend_12m"]
    assert r.loc["trend_12m", "page"] == "flat" and r.loc["trend_12m", "other"] == "down"
    assert not c.rows("RUT/SPX")["moved"].any()  # two indexes: nothing moves
    figs = c.figures()
    assert figs["etf_field"] == "adj_close" and set(figs["basis_effect"]) == {"IWM/QQQ"}
    e = figs["basis_effect"]["IWM/QQQ"]
    assert e["change_since_diff_pp"] == pytest.approx(by_hand["adj"] - by_hand["close"])
    assert e["moved"] == ["trend_3m", "trend_12m"] and e["other_field"] == "close"
    shown = c.summary()
    assert set(shown["pair"]) == {"IWM/QQQ"}
    assert "12-month trend label" in shown["figure"].tolist()
    assert list(shown.columns) == ["pair", "figure", "on adj_close", "on close", "difference",
                                   "unit"]
    assert len(c.to_frame()) == 2 * len(r)
    json.dumps(page.jsonable(figs))
    with pytest.raises(ParameterError, match="other_prices are on 'adj_close', the study's own"):
        ratios.compare_basis(study, adj)


def test_compare_basis_without_an_etf_leg_changes_nothing():
    close, adj = fund_prices()
    study = ratios.analyze_pairs(adj, ["RUT/SPX"])
    c = ratios.compare_basis(study, close)
    assert c.affected == [] and c.figures()["basis_effect"] == {}
    assert c.summary().empty


def test_ranking_says_what_each_return_measures():
    _, adj = fund_prices()
    rk = ratios.rank_returns(adj, ["RUT", "IWM"])
    assert rk.table.loc["IWM", "basis"] == ratios.TOTAL_RETURN
    assert rk.table.loc["RUT", "basis"] == ratios.INDEX_LEVEL
    assert rk.etf_field == "adj_close" and rk.figures()["ranking_basis"] == rk.bases
    # on adjusted closes IWM's 1-month return includes its dividends: 0.25 %/month more
    assert rk.table.loc["IWM", "1m %"] == pytest.approx(
        rk.table.loc["RUT", "1m %"] + 0.25 * 1.004, abs=0.02)


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
    px = data.load(["RUT", "SPX"], asof="2024-11-29", source="csv", data_dir=shared_market)
    a = ratios.analyze_pair(px, "RUT/SPX")
    assert a.data_end == pd.Timestamp("2024-11-29") == a.asof
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
    # five years before Friday 2024-11-29 is Friday 2019-11-29, a trading day itself
    assert a.start == a.rebase_date == pd.Timestamp("2019-11-29")
    base = rut["2019-11-29"] / spx["2019-11-29"]
    assert a.changes["since"] == pytest.approx((a.last / base - 1) * 100, rel=1e-9)


def test_real_iwm_qqq_is_stale_at_the_kit_asof(shared_market):
    # the default as-of is the kit's (last complete RUT and SPX bar: 2026-02-20, RUT's
    # 2026-02-23 row is provisional); it used to be the first pair's last common date
    keys = ratios.pair_keys(["IWM/QQQ", "RUT/SPX"])
    px = data.load(keys, source="csv", data_dir=shared_market)
    study = ratios.analyze_pairs(px, ["IWM/QQQ", "RUT/SPX"])
    assert study.asof == pd.Timestamp("2026-02-20")
    assert study.stale == {"IWM/QQQ": pd.Timestamp("2025-09-26")}
    assert px.attrs["provenance"]["IWM"]["stale"] is True
    iwm = _raw_closes(shared_market / "IWM.csv")
    qqq = _raw_closes(shared_market / "QQQ.csv")
    a = study.pairs["IWM/QQQ"]
    assert a.last == pytest.approx(iwm["2025-09-26"] / qqq["2025-09-26"], rel=1e-12)
    assert "data ends 2025-09-26" in a.reading()


ASOF_WEEK = {  # requested as-of -> the kit's as-of (a weekend or holiday: the trading day
    "2026-02-16": "2026-02-13",  # before; Presidents' Day
    "2026-02-17": "2026-02-17",
    "2026-02-18": "2026-02-18",
    "2026-02-19": "2026-02-19",
    "2026-02-20": "2026-02-20",
    "2026-02-21": "2026-02-20",
    "2026-02-22": "2026-02-20",
    "2026-02-23": "2026-02-20",  # RUT's 2026-02-23 row is provisional
}


@pytest.mark.parametrize("requested", sorted(ASOF_WEEK))
def test_real_every_asof_of_the_week_renders(shared_market, requested):
    """The issue's done-when: notebook 02's library path works for every as-of in
    2026-02-16..23, weekend days included (2026-02-20 used to fail: five years back is a
    Saturday, and rebasing onto it raised)."""
    import matplotlib.pyplot as plt

    keys = ratios.pair_keys(ratios.DEFAULT_PAIRS, ratios.RANKING_KEYS)
    px = data.load(keys, asof=requested, source="csv", data_dir=shared_market)
    study = ratios.analyze_pairs(px, ratios.DEFAULT_PAIRS)
    w = study.window
    assert w.asof == pd.Timestamp(ASOF_WEEK[requested])
    both = px[["RUT", "SPX"]].dropna().index
    assert w.start in both and w.start == calendar.years_before(w.asof, 5, both)
    assert w.start.day_of_week < 5 and w.rebase_date == w.start
    assert study.stale == {"IWM/QQQ": pd.Timestamp("2025-09-26")}
    rec = page.jsonable(study.figures())
    json.dumps(rec)
    assert all(r["rebase_date"] == f"{w.start:%Y-%m-%d}" for r in rec["ratios"].values())
    assert f"As of **{w.asof:%Y-%m-%d}**" in study.reading("window")
    study.reading()
    reb = study.rebased()
    assert reb.loc[w.start].tolist() == pytest.approx([100.0] * 5)
    for a in study.pairs.values():
        assert a.reading().startswith(f"**{a.pair}**")
        assert charts.chart_ratio(a).get_title().startswith(f"{a.pair} ratio, {w.start:%Y-%m-%d}")
    (ov,) = study.overlays()
    assert ov.lines.loc[w.start].tolist() == pytest.approx([100.0, 100.0])
    assert "IWM" in ov.reading()
    assert "IWM vs QQQ" in charts.chart_pair_overlay(ov).get_title()
    axes = charts.chart_ratio_grid(study)
    assert len([ax for ax in axes if ax.get_visible()]) == 5
    rk = ratios.rank_returns(px, ratios.RANKING_KEYS)
    assert set(rk.leaders) == {"RUT", "SPX", "NDX", "DJI"}
    assert rk.reading().startswith(f"Over the month to {w.asof:%Y-%m-%d}")
    plt.close("all")
