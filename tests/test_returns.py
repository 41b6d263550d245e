"""Tests for smallcaps.returns: hand-computed values and invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import returns
from smallcaps.errors import ParameterError


def _s(values, start="2024-01-01", freq="B", name=None):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=freq),
                     name=name, dtype=float)


def test_simple_returns_hand_computed():
    r = returns.simple_returns(_s([100, 110, 99]))
    assert math.isnan(r.iloc[0])
    assert r.iloc[1] == pytest.approx(10.0)
    assert r.iloc[2] == pytest.approx(-10.0)
    r2 = returns.simple_returns(_s([100, 110, 99]), periods=2)
    assert r2.iloc[2] == pytest.approx(-1.0)


def test_simple_returns_does_not_fill_gaps():
    r = returns.simple_returns(_s([100, np.nan, 120]))
    assert r.isna().all()


def test_simple_returns_rejects_bad_periods():
    with pytest.raises(ParameterError, match="periods"):
        returns.simple_returns(_s([1, 2]), periods=0)


def test_period_closes_weekly_uses_friday_and_holiday_thursday():
    # Two weeks; the second Friday (2024-03-29, Good Friday) is a holiday.
    idx = pd.DatetimeIndex(["2024-03-18", "2024-03-19", "2024-03-20", "2024-03-21", "2024-03-22",
                            "2024-03-25", "2024-03-26", "2024-03-27", "2024-03-28"])
    s = pd.Series(np.arange(1.0, 10.0), index=idx)
    w = returns.period_closes(s, "W-FRI")
    assert list(w.index) == [pd.Timestamp("2024-03-22"), pd.Timestamp("2024-03-28")]
    assert list(w) == [5.0, 9.0]


def test_period_closes_monthly_last_trading_day():
    s = _s(np.arange(1.0, 45.0), start="2024-01-25")
    m = returns.period_closes(s, "M")
    assert m.index[0] == pd.Timestamp("2024-01-31")
    assert m.index[1] == pd.Timestamp("2024-02-29")
    assert m.iloc[0] == s.loc["2024-01-31"]


def test_period_closes_rejects_unknown_freq():
    with pytest.raises(ParameterError, match="W-FRI"):
        returns.period_closes(_s([1, 2]), "Q")


def test_relative_returns_aligns_on_common_dates():
    small = _s([100, 102, 104.04], name="RUT")
    large = _s([100, 101, 102.01], name="SPX").drop(small.index[1])
    rel = returns.relative_returns(small, large)
    # only dates 0 and 2 in common: small +4.04 %, large +2.01 %
    assert len(rel) == 1
    assert rel.iloc[0] == pytest.approx(4.04 - 2.01)
    assert rel.name == "RUT-SPX"


def test_window_return_uses_last_close_on_or_before():
    s = _s([100, 105, 110], start="2024-01-01")  # Mon, Tue, Wed
    assert returns.window_return(s, "2023-12-31", "2024-01-03") != returns.window_return(
        s, "2024-01-01", "2024-01-03")
    assert returns.window_return(s, "2024-01-01", "2024-01-03") == pytest.approx(10.0)
    assert math.isnan(returns.window_return(s, "2023-12-31", "2024-01-03"))


def test_rebase_hand_computed_and_errors():
    df = pd.DataFrame({"a": [50.0, 100.0], "b": [2.0, 1.0]},
                      index=pd.date_range("2024-01-01", periods=2))
    rb = returns.rebase(df)
    assert rb["a"].tolist() == [100.0, 200.0]
    assert rb["b"].tolist() == [100.0, 50.0]
    rb2 = returns.rebase(df, at="2024-01-02", base=1.0)
    assert rb2["a"].tolist() == [0.5, 1.0]
    with pytest.raises(ParameterError, match="before"):
        returns.rebase(df, at="2023-12-01")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(1.0, 1e4), min_size=3, max_size=40),
       st.lists(st.floats(1.0, 1e4), min_size=3, max_size=40))
def test_rebase_preserves_ratio_shape(a, b):
    n = min(len(a), len(b))
    df = pd.DataFrame({"a": a[:n], "b": b[:n]}, index=pd.date_range("2024-01-01", periods=n))
    rb = returns.rebase(df)
    ratio = df["a"] / df["b"]
    np.testing.assert_allclose(rb["a"] / rb["b"], ratio / ratio.iloc[0], rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=1, max_size=30))
def test_compounded_simple_returns_equal_total_return(rets):
    prices = _s(np.cumprod([100.0] + [1 + r / 100 for r in rets]))
    r = returns.simple_returns(prices).dropna()
    total = (np.prod(1 + r / 100) - 1) * 100
    assert total == pytest.approx(returns.window_return(prices, prices.index[0],
                                                        prices.index[-1]), abs=1e-6)
