"""Signal finders on series with planted crosses, records and extremes: each planted signal is
found on its date and none is invented; the real history's known records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from smallcaps import data, signals
from smallcaps.errors import ParameterError

DAYS = pd.bdate_range("2020-01-01", periods=400)


def flat_then(values_after: list[float], level: float = 100.0, n_flat: int = 300):
    """A flat series at ``level`` for ``n_flat`` days, then the given closes."""
    vals = [level] * n_flat + list(values_after)
    return pd.Series(vals, index=DAYS[: len(vals)], name="X", dtype=float)


def test_ma_cross_up_and_down_on_their_days():
    s = flat_then([101.0, 102.0, 103.0, 90.0, 89.0])  # up on day 300, down on day 303
    got = signals.ma_crosses(s, windows=(50,))
    assert got["signal"].tolist() == ["ma50_cross_up", "ma50_cross_down"]
    assert got["date"].tolist() == [DAYS[300], DAYS[303]]
    assert got["value"].tolist() == [101.0, 90.0] and set(got["series"]) == {"X"}
    # the average on each day: (49 x 100 + 101) / 50 and (46 x 100 + 101 + 102 + 103 + 90) / 50
    assert got["detail"].tolist() == ["50-day average 100.02", "50-day average 99.92"]


def test_no_cross_on_a_flat_or_steadily_rising_series():
    assert signals.ma_crosses(flat_then([]), windows=(50, 200)).empty
    rising = pd.Series(np.linspace(100, 200, 300), index=DAYS[:300], name="R")
    got = signals.ma_crosses(rising, windows=(50,))
    assert got.empty  # above its average from the first day the average exists: no cross
    with pytest.raises(ParameterError, match="window 1 must be a whole number >= 2"):
        signals.ma_crosses(rising, windows=(1,))


def test_macd_buy_after_a_turn_and_sell_after_the_next():
    down = list(np.linspace(100, 80, 60))
    up = list(np.linspace(80, 110, 60))
    s = pd.Series(down + up + list(np.linspace(110, 90, 60)), index=DAYS[:180], name="M")
    got = signals.macd_crosses(s)
    kinds = got["signal"].tolist()
    assert kinds == ["macd_buy", "macd_sell"], got
    buy, sell = got["date"].tolist()
    assert DAYS[60] <= buy < DAYS[90] and DAYS[120] <= sell < DAYS[150]


def test_records_need_history_and_separate_intraday_from_closing():
    close = flat_then([100.0, 100.0, 105.0], n_flat=300)
    high = close + 1.0
    high.iloc[300] = 103.0  # an intraday record on day 300 without a closing record
    ohlc = pd.DataFrame({"High": high, "Close": close})
    got = signals.record_highs(ohlc, min_history=252, name="RUT")
    assert list(zip(got["date"], got["signal"], strict=True)) == [
        (DAYS[300], "new_high_intraday"), (DAYS[302], "new_high_close"),
        (DAYS[302], "new_high_intraday")]
    assert got["detail"].tolist() == ["previous record 101.00", "previous record 100.00",
                                      "previous record 103.00"]
    early = signals.record_highs(ohlc.iloc[:10].assign(Close=range(10), High=range(1, 11)))
    assert early.empty  # the start of a file is no record


def test_ratio_extremes():
    r = flat_then([1.2, 0.5], level=1.0, n_flat=260).rename("RUT/SPX")
    r.iloc[:260] = np.linspace(0.9, 1.1, 260)
    got = signals.ratio_extremes(r, days=252)
    assert got[got["date"] >= DAYS[260]]["signal"].tolist() == ["ratio_252d_high",
                                                               "ratio_252d_low"]


def test_divergence_events_carry_their_z():
    rng = np.random.default_rng(5)
    n = 1500
    idx = pd.bdate_range("2000-01-03", periods=n)
    large = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx, name="SPX")
    # a bounded, smooth spread (its 5-day sums never reach 3 sigma), then one burst
    small_ret = np.log(large).diff().fillna(0).to_numpy() + 0.002 * np.sin(np.arange(n) / 7)
    small_ret[1000:1005] += 0.03  # a 5-day burst of small-cap outperformance
    small = pd.Series(100 * np.exp(np.cumsum(small_ret)), index=idx, name="RUT")
    got = signals.divergence_events(small, large, sigma=3.0)
    assert len(got) == 1 and got["signal"].iloc[0] == "divergence_event"
    assert idx[1000] <= got["date"].iloc[0] <= idx[1005] and got["value"].iloc[0] >= 3.0


def test_pattern_transitions_and_the_window_between_reports():
    t = pd.DataFrame({"date": ["2023-12-01", "2024-01-10", "2024-02-01"],
                      "state": ["forming", "confirmed", "target_reached"],
                      "pattern": "inverse head-and-shoulders", "level": [1800, 1850, 1924]})
    got = signals.pattern_signals(t, "RUT")
    assert got["signal"].tolist() == ["pattern_confirmed", "pattern_target_reached"]
    week = signals.between(got, "2024-01-10", "2024-02-02")
    assert week["signal"].tolist() == ["pattern_target_reached"]  # the 01-10 one came before
    assert len(signals.between(got, None, "2024-02-02")) == 2
    with pytest.raises(ParameterError, match="previous as-of 2024-02-02 is not before"):
        signals.between(got, "2024-02-02", "2024-02-02")


def test_real_russell_records_of_november_2024(shared_market):
    """2024-11-25: an intraday record (2,466.49) but no closing record; the 2021-11-08 close
    stood until 2025-09-18."""
    ohlc = data.load_ohlc("RUT", asof="2025-12-31", source="csv", data_dir=shared_market)
    got = signals.record_highs(ohlc, name="RUT")
    nov = signals.between(got, "2024-11-01", "2024-11-29")
    assert nov["signal"].tolist() == ["new_high_intraday"]
    assert nov["date"].iloc[0] == pd.Timestamp("2024-11-25")
    assert nov["value"].iloc[0] == pytest.approx(2466.49, abs=0.01)
    closes = got[got["signal"] == "new_high_close"]
    first_after = closes[closes["date"] > "2021-11-08"]["date"].iloc[0]
    assert first_after == pd.Timestamp("2025-09-18")


def test_base_rate_counts_only_earlier_signals_and_measures_what_followed():
    """A planted rule: every MA-50 up-cross is followed by a 5 % rise over 21 days; the base
    rate of the last cross sees only the earlier ones, and their excess over all days."""
    rng = np.random.default_rng(2)
    n = 3000
    idx = pd.bdate_range("2005-01-03", periods=n)
    steps = rng.normal(0.0, 0.01, n)
    price = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx, name="X")
    history = signals.ma_crosses(price, windows=(50,))
    ups = history[history["signal"] == "ma50_cross_up"]
    for d in ups["date"]:  # plant: +5 % spread over the 21 days after each up-cross
        i = idx.get_loc(d)
        steps[i + 1: i + 22] += 0.05 / 21
    price = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx, name="X")
    last = ups["date"].iloc[-1]
    got = signals.base_rate(price, history, "ma50_cross_up", before=last, horizons=(21, 63))
    assert got["n"] == len(ups) - 1
    assert 1 <= got["episodes"] <= got["n"]
    f21 = got["forward"]["21"]
    assert f21["excess_pp"] > 3.0 and f21["p_value"] < 0.01
    none = signals.base_rate(price, history, "ma50_cross_up", before=ups["date"].iloc[0])
    assert none == {"n": 0, "episodes": 0, "forward": {}}
