"""Seasonality (notebook 03): calendar toolkit, monthly returns, month-of-year statistics,
Santa Claus rally, January effect, election years, seasonal path and their readings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import seasonality as se
from smallcaps.errors import ParameterError, SmallcapsError

# US market holidays around the turns of the year used below
HOLIDAYS = pd.to_datetime([
    "2022-11-24", "2022-12-26", "2023-01-02", "2023-01-16",
    "2023-11-23", "2023-12-25", "2024-01-01", "2024-01-15",
    "2024-11-28", "2024-12-25", "2025-01-01", "2025-01-09", "2025-01-20",
])


def sessions(start: str, end: str, holidays=HOLIDAYS) -> pd.DatetimeIndex:
    days = pd.bdate_range(start, end)
    return days[~days.isin(holidays)]


def walk(index, daily_pct=0.0, seed=0, noise=0.0, name="X", start=100.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    r = daily_pct / 100 + rng.normal(0, noise / 100, len(index))
    return pd.Series(start * np.cumprod(1 + r), index=index, name=name)


def daily_from_monthly(monthly_pct: dict, start="1990-01-01", end="2019-12-31", seed=1,
                       noise=0.0) -> pd.Series:
    """A daily series whose calendar-month returns are exactly ``monthly_pct[month]`` (plus
    noise): each month's return is spread evenly over its sessions."""
    idx = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    months = idx.to_period("M")
    counts = pd.Series(1, index=idx).groupby(months).transform("size").to_numpy()
    target = np.array([monthly_pct.get(m, 0.0) for m in idx.month]) / 100
    if noise:
        shock = pd.Series(rng.normal(0, noise / 100, len(months.unique())), index=months.unique())
        target = target + shock.reindex(months).to_numpy()
    daily = (1 + target) ** (1 / counts) - 1
    # a base close on the last business day before start
    base = pd.bdate_range(end=pd.Timestamp(start) - pd.Timedelta(days=1), periods=1)
    values = np.concatenate([[100.0], 100.0 * np.cumprod(1 + daily)])
    return pd.Series(values, index=base.append(idx))


# ------------------------------------------------------------------------------------------
# calendar
# ------------------------------------------------------------------------------------------


def test_trading_day_of_year_counts_sessions_within_each_year():
    idx = sessions("2022-12-27", "2023-01-06")
    tdy = se.trading_day_of_year(idx)
    # 2022: Dec 27..30 are the last sessions; counting restarts on Jan 3 2023 (Jan 2 closed)
    assert tdy.loc["2023-01-03"] == 1
    assert tdy.loc["2023-01-06"] == 4
    assert list(tdy.loc["2022"]) == [1, 2, 3, 4]


def test_next_session_and_period_complete_use_market_holidays():
    assert se.next_session("2024-11-27") == pd.Timestamp("2024-11-29")  # Thanksgiving 11-28
    assert se.next_session("2024-12-24") == pd.Timestamp("2024-12-26")
    assert se.next_session("2022-12-30") == pd.Timestamp("2023-01-03")  # New Year observed
    assert se.period_complete("2024-11-29", "2024-11-30")  # Friday is November's last session
    assert not se.period_complete("2024-11-27", "2024-11-30")
    assert se.period_complete("2021-05-28", "2021-05-31")  # Memorial Day on May 31
    assert not se.period_complete("2024-05-30", "2024-05-31")


@pytest.mark.parametrize("bad", ["13-45", "12-32", "02-30", "1231", "", "12/20", None, 1220])
def test_bad_month_day_is_a_clear_error(bad):
    with pytest.raises(ParameterError) as err:
        se.parse_month_day(bad, "pressure_window start")
    msg = str(err.value)
    assert "pressure_window start" in msg and "MM-DD" in msg and "\n" not in msg
    assert isinstance(err.value, SmallcapsError)


def test_parse_window_accepts_pairs_and_leap_day():
    assert se.parse_window(["12-21", "01-15"]) == ((12, 21), (1, 15))
    assert se.month_day_date(2023, (2, 29)) == pd.Timestamp("2023-02-28")
    assert se.month_day_date(2024, (2, 29)) == pd.Timestamp("2024-02-29")
    with pytest.raises(ParameterError, match="pair"):
        se.parse_window("12-01")
    with pytest.raises(ParameterError, match="rebound_window end"):
        se.parse_window(["12-21", "13-45"], "rebound_window")


def test_map_windows_on_a_holiday_calendar():
    idx = sessions("2022-11-01", "2023-02-10")
    pressure = se.map_windows(idx, ["12-01", "12-20"])
    row = pressure.loc[2022]
    assert (row["base"], row["first"], row["last"]) == (
        pd.Timestamp("2022-11-30"), pd.Timestamp("2022-12-01"), pd.Timestamp("2022-12-20"))
    assert row["days"] == 14 and row["complete"]

    rebound = se.map_windows(idx, ["12-21", "01-15"])
    row = rebound.loc[2022]  # crosses New Year: belongs to December's year
    assert row["base"] == pd.Timestamp("2022-12-20")  # chains onto the pressure window
    assert row["first"] == pd.Timestamp("2022-12-21")
    assert row["last"] == pd.Timestamp("2023-01-13")  # Jan 15 is a Sunday
    # Dec 21..30 minus the 26th = 7 sessions; Jan 3..13 = 9 sessions (Jan 2 closed)
    assert row["days"] == 16
    assert list(rebound.index) == [2022]

    # a start on a holiday weekend moves to the next session
    xmas = se.map_windows(idx, ["12-24", "12-31"])
    assert xmas.loc[2022, "first"] == pd.Timestamp("2022-12-27")
    assert xmas.loc[2022, "base"] == pd.Timestamp("2022-12-23")
    assert xmas.loc[2022, "last"] == pd.Timestamp("2022-12-30")


def test_map_windows_marks_running_window_incomplete_and_respects_start():
    idx = sessions("2023-11-01", "2024-01-10")
    w = se.map_windows(idx, ["12-21", "01-15"])
    assert not w.loc[2023, "complete"]
    assert w.loc[2023, "last"] == pd.Timestamp("2024-01-10")
    # Fri 2024-01-12: the next session (Tue Jan 16, after MLK day) is past Jan 15
    idx2 = sessions("2023-11-01", "2024-01-12")
    assert se.map_windows(idx2, ["12-21", "01-15"]).loc[2023, "complete"]
    w2 = se.map_windows(sessions("2022-11-01", "2024-02-01"), ["12-01", "12-20"],
                        start="2023-01-01")
    assert list(w2.index) == [2023]


def test_window_returns_and_paths_hand_computed():
    idx = pd.DatetimeIndex(["2022-12-19", "2022-12-20", "2022-12-21", "2022-12-22",
                            "2022-12-23"])
    p = pd.Series([100.0, 110.0, 99.0, 121.0, 133.1], index=idx)
    w = se.map_windows(idx, ["12-21", "12-22"], asof="2022-12-23")
    assert se.window_returns(p, w).loc[2022] == pytest.approx(10.0)  # 110 -> 121
    paths = se.window_paths(p, w)
    assert paths[2022].tolist() == pytest.approx([0.0, -10.0, 10.0])
    band = se.path_band(pd.DataFrame({1: [0.0, 1.0], 2: [0.0, 3.0], 3: [0.0, 2.0]}))
    assert band.loc[1, "mean"] == pytest.approx(2.0)
    assert band.loc[1, "q25"] == pytest.approx(1.5) and band.loc[1, "q75"] == pytest.approx(2.5)
    assert band.loc[1, "n"] == 3


# ------------------------------------------------------------------------------------------
# monthly returns
# ------------------------------------------------------------------------------------------


def monthly_frame():
    idx = pd.DatetimeIndex(["2023-12-29", "2024-01-02", "2024-01-31", "2024-02-15",
                            "2024-02-29", "2024-03-01", "2024-03-15"])
    small = pd.Series([100, 101, 110, 100, 99, 98, 120.0], index=idx)
    large = pd.Series([200, 200, 210, 220, 231, 231, 231.0], index=idx)
    return pd.DataFrame({"S": small, "L": large})


def test_monthly_returns_close_to_close_with_partial_month():
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    t = m.table
    assert t.loc["2024-01", "S"].item() == pytest.approx(10.0)
    assert t.loc["2024-02", "S"].item() == pytest.approx(-10.0)
    assert t.loc["2024-02", "L"].item() == pytest.approx(10.0)
    assert t.loc["2024-02", "S-L"].item() == pytest.approx(-20.0)
    assert m.partial == pd.Period("2024-03", "M")
    assert t.loc["2024-03", "S"].item() == pytest.approx(120 / 99 * 100 - 100)
    assert list(m.complete().index.astype(str)) == ["2024-01", "2024-02"]
    rec = m.to_record(12)
    assert set(rec) == {"S", "L"}
    assert list(rec["S"]) == ["2024-01", "2024-02", "2024-03"]
    assert "partial" in m.reading() and "March 2024 so far" in m.reading()


def test_month_to_date_stops_at_asof():
    m = se.monthly_returns(monthly_frame(), asof="2024-03-01", relative=["S", "L"])
    assert m.asof == pd.Timestamp("2024-03-01")
    assert m.partial == pd.Period("2024-03", "M")
    assert m.table.loc["2024-03", "S"].item() == pytest.approx(98 / 99 * 100 - 100)
    # asof on a weekend after the month's last session: February is complete, no partial
    m2 = se.monthly_returns(monthly_frame(), asof="2024-03-02")
    assert m2.asof == pd.Timestamp("2024-03-01")
    m3 = se.monthly_returns(monthly_frame(), asof="2024-02-29")
    assert m3.partial is None and m3.complete().index[-1] == pd.Period("2024-02", "M")
    assert m3.partial_label is None and m.partial_label == "2024-03"
    m4 = se.monthly_returns(monthly_frame(), asof="2024-02-15")
    assert m4.partial == pd.Period("2024-02", "M")
    assert m4.table.loc["2024-02", "S"].item() == pytest.approx(100 / 110 * 100 - 100)


def test_monthly_returns_gap_month_is_nan_and_relative_checked():
    idx = pd.DatetimeIndex(["2024-01-31", "2024-03-29", "2024-04-30"])
    f = pd.DataFrame({"S": [100.0, 150.0, 165.0]}, index=idx)
    m = se.monthly_returns(f)
    assert np.isnan(m.table.loc["2024-03", "S"].item())  # no February close
    assert m.table.loc["2024-04", "S"].item() == pytest.approx(10.0)
    with pytest.raises(ParameterError, match="relative"):
        se.monthly_returns(f, relative=["S", "XYZ"])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-0.05, 0.05), min_size=20, max_size=60), st.integers(2000, 2020))
def test_monthly_returns_compound_to_the_yearly_return(daily, year):
    idx = pd.bdate_range(f"{year - 1}-12-24", f"{year}-12-31")
    values = 100 * np.cumprod(np.r_[1.0, 1 + np.resize(np.array(daily), len(idx) - 1)])
    p = pd.Series(values, index=idx, name="X")
    m = se.monthly_returns(p.to_frame(), asof=f"{year + 1}-01-05")
    table = se.year_month_table(m, "X")
    yearly = (p.loc[f"{year}"].iloc[-1] / p.loc[: f"{year - 1}"].iloc[-1] - 1) * 100
    assert table.loc[year, "Year"] == pytest.approx(yearly, rel=1e-9, abs=1e-9)
    assert ((1 + m.table.loc[str(year), "X"] / 100).prod() - 1) * 100 == pytest.approx(
        yearly, rel=1e-9, abs=1e-9)


# ------------------------------------------------------------------------------------------
# month-of-year statistics, rank, readings
# ------------------------------------------------------------------------------------------


def test_month_stats_hand_computed_and_min_years_flag():
    months = pd.period_range("2019-11", "2023-12", freq="M")
    vals = {p: (2.0 if p.month == 11 else 0.5) for p in months}
    vals[pd.Period("2020-11", "M")] = -4.0
    vals[pd.Period("2021-11", "M")] = 6.0
    table = pd.DataFrame({"S": pd.Series(vals)})
    table.index.name = "month"
    m = se.MonthlyReturns(table=table, partial=None, asof=pd.Timestamp("2023-12-29"),
                          series=["S"])
    stats = se.month_of_year_stats(m, min_years=5)
    nov = stats.table.loc[("S", "November")]
    # Novembers 2019..2023: 2, -4, 6, 2, 2
    assert nov["mean"] == pytest.approx(1.6)
    assert nov["median"] == pytest.approx(2.0)
    assert nov["hit_rate"] == pytest.approx(0.8)
    assert nov["n"] == 5 and nov["best_year"] == 2021 and nov["worst_year"] == 2020
    sd = np.std([2, -4, 6, 2, 2], ddof=1)
    assert nov["t"] == pytest.approx(1.6 / (sd / np.sqrt(5)))
    assert bool(nov["enough_years"])
    jan = stats.table.loc[("S", "January")]
    assert jan["n"] == 4 and not jan["enough_years"]  # 2020..2023
    assert "January for S: only 4 years" in stats.describe_month("S", "January")
    assert "Flagged" in stats.reading("S")
    rec = stats.to_record()
    assert set(rec["S"]["November"]) == {"mean", "median", "hit_rate", "n", "t"}
    assert len(rec["S"]) == 12
    with pytest.raises(ParameterError):
        se.month_of_year_stats(m, min_years=1)


def _planted(nov_pct: float, small_jan_extra: float, noise=1.5, seed=3):
    small = daily_from_monthly({1: 1.0 + small_jan_extra, 11: nov_pct}, seed=seed, noise=noise)
    large = daily_from_monthly({1: 1.0, 11: 0.5}, seed=seed + 1, noise=noise)
    return pd.DataFrame({"SMALL": small, "LARGE": large})


def test_planted_strong_november_is_read_as_strong():
    m = se.monthly_returns(_planted(4.0, 0.0), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10)
    nov = stats.table.loc[("SMALL", "November")]
    assert nov["mean"] == pytest.approx(4.0, abs=1.0) and nov["t"] > 3
    text = stats.describe_month("SMALL", "November")
    assert text.startswith("November has been a strong month for SMALL")
    assert "rank 1 of 12" in text


def test_planted_weak_november_is_not_called_strong():
    m = se.monthly_returns(_planted(-4.0, 0.0), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10)
    text = stats.describe_month("SMALL", "November")
    assert "reliably weak" in text and "strong month" not in text
    assert "worst" in stats.reading("SMALL") and "November" in stats.reading("SMALL")


def test_planted_january_effect_found_with_sign_and_size():
    m = se.monthly_returns(_planted(0.5, 3.0), relative=["SMALL", "LARGE"])
    jan = se.january_effect(m)
    s = jan.stats()
    assert s["n"] == 30
    assert s["mean_pct"] == pytest.approx(3.0, abs=1.0)
    assert s["t"] > 3 and s["hit_rate"] >= 0.75
    assert "support a January effect" in jan.reading() and "do not" not in jan.reading()
    assert set(jan.to_record()) == {"mean_pct", "hit_rate", "n", "t"}


def test_planted_january_lag_reads_as_no_effect():
    m = se.monthly_returns(_planted(0.5, -3.0), relative=["SMALL", "LARGE"])
    jan = se.january_effect(m)
    assert jan.stats()["mean_pct"] == pytest.approx(-3.0, abs=1.0)
    text = jan.reading()
    assert "lagged" in text and "do not support a reliable January effect" in text


def test_january_effect_needs_relative():
    m = se.monthly_returns(monthly_frame())
    with pytest.raises(ParameterError, match="relative"):
        se.january_effect(m)


def test_latest_month_rank_hand_computed():
    table = pd.DataFrame({"S": [5.0, -1.0, 2.0, 0.0, 3.0]},
                         index=pd.PeriodIndex(["2021-03", "2022-03", "2023-03", "2024-02",
                                               "2024-03"], freq="M", name="month"))
    m = se.MonthlyReturns(table=table, partial=None, asof=pd.Timestamp("2024-03-28"),
                          series=["S"])
    r = se.latest_month_rank(m).to_record()["S"]
    assert r == {"month": "2024-03", "return_pct": 3.0, "rank": 2, "of": 4}
    # a partial month is not ranked
    m2 = se.MonthlyReturns(table=table, partial=pd.Period("2024-03", "M"),
                           asof=pd.Timestamp("2024-03-15"), series=["S"])
    assert se.latest_month_rank(m2).to_record()["S"]["month"] == "2024-02"


def test_election_years_planted_november_boost():
    months = pd.period_range("1987-11", "2019-12", freq="M")
    vals = [(5.0 if p.year % 4 == 0 else 1.0) if p.month == 11 else
            (1.0 if p.month == 12 else 0.0) for p in months]
    table = pd.DataFrame({"S": vals}, index=pd.PeriodIndex(months, name="month"))
    m = se.MonthlyReturns(table=table, partial=None, asof=pd.Timestamp("2019-12-31"),
                          series=["S"])
    e = se.election_years(m)
    rec = e.to_record()["S"]
    assert rec["election_years"]["mean_pct"] == pytest.approx(5.0)
    assert rec["other_years"]["mean_pct"] == pytest.approx(1.0)
    assert rec["election_years"]["n"] == 8  # 1988..2016
    assert rec["election_years"]["nov_dec_mean_pct"] == pytest.approx(1.05 * 1.01 * 100 - 100)
    assert "stronger by 4.00 pp" in e.reading()
    assert se.is_election_year(2024) and not se.is_election_year(2023)


# ------------------------------------------------------------------------------------------
# Santa Claus rally
# ------------------------------------------------------------------------------------------


def test_santa_window_is_exactly_five_plus_two_sessions_around_holidays():
    idx = sessions("2022-11-01", "2025-01-31")
    w = se.santa_claus_windows(idx)
    for year, base, first, last in [
        (2022, "2022-12-22", "2022-12-23", "2023-01-04"),  # Dec 26 and Jan 2 closed
        (2023, "2023-12-21", "2023-12-22", "2024-01-03"),  # Dec 25 and Jan 1 closed
        (2024, "2024-12-23", "2024-12-24", "2025-01-03"),  # Dec 25 and Jan 1 closed
    ]:
        row = w.loc[year]
        assert (row["base"], row["first"], row["last"]) == tuple(
            pd.Timestamp(d) for d in (base, first, last))
        window = idx[(idx >= row["first"]) & (idx <= row["last"])]
        assert len(window) == 7
        assert (window.month == 12).sum() == 5 and (window.month == 1).sum() == 2
        assert row["complete"]


def test_santa_rally_returns_and_incomplete_year_excluded():
    idx = sessions("2023-11-01", "2025-01-02")
    p = pd.Series(np.arange(len(idx), dtype=float) + 100.0, index=idx, name="S")
    s = se.santa_claus_rally(p.to_frame())
    # 2023: base 2023-12-21 -> last 2024-01-03
    expected = p.loc["2024-01-03"] / p.loc["2023-12-21"] * 100 - 100
    assert s.table.loc[2023, "S"] == pytest.approx(expected)
    assert 2024 not in s.table.index  # only Jan 2, 2025 by the as-of date
    assert 2024 in s.incomplete and "1 of 2 January sessions" in s.incomplete[2024]
    assert "Excluded" in s.reading() and "2024" in s.reading()
    rec = s.to_record()["S"]
    assert set(rec) == {"mean_pct", "hit_rate", "n", "latest_pct", "latest_year"}
    assert rec["latest_year"] == 2023 and rec["n"] == 1


def test_santa_reading_both_directions():
    idx = sessions("2005-11-01", "2025-01-31", holidays=[])
    windows = se.santa_claus_windows(idx)
    r_up = np.zeros(len(idx))
    for y, w in windows.iterrows():
        in_window = (idx > w["base"]) & (idx <= w["last"])
        r_up[in_window] = 0.002 + 0.0005 * (y % 3)  # +1.4% to +2.5% per window
    prices = pd.DataFrame({"UP": 100 * np.cumprod(1 + r_up),
                           "DOWN": 100 * np.cumprod(1 - r_up)}, index=idx)
    summ = se.santa_claus_rally(prices).summary()
    assert summ.loc["UP", "n"] == 20  # Decembers 2005..2024
    assert summ.loc["UP", "mean_pct"] > 1 and summ.loc["UP", "hit_rate"] == 1.0
    assert summ.loc["DOWN", "mean_pct"] < -1 and summ.loc["DOWN", "hit_rate"] == 0.0
    text = se.santa_claus_rally(prices).reading()
    assert "UP**: mean +" in text and "(rises more often than not)" in text
    assert "DOWN**: mean -" in text and "(does not rise more often than not)" in text


# ------------------------------------------------------------------------------------------
# seasonal path
# ------------------------------------------------------------------------------------------


def test_seasonal_path_rebases_each_year_and_keeps_current_year_apart():
    idx = sessions("2021-12-01", "2024-03-15", holidays=[])
    p = walk(idx, daily_pct=0.05, name="S")
    sp = se.seasonal_path(p, start="2022-01-01")
    assert list(sp.paths.columns) == [2022, 2023, 2024]
    assert sp.current_year == 2024
    day1 = sp.paths.loc[1, 2023]
    assert day1 == pytest.approx((p.loc["2023-01-02"] / p.loc["2022-12-30"] - 1) * 100)
    assert sp.paths.loc[0].abs().max() == 0.0
    # band over complete years only; last point = mean calendar-year return
    yr = [(p.loc[str(y)].iloc[-1] / p.loc[: f"{y - 1}"].iloc[-1] - 1) * 100 for y in (2022, 2023)]
    assert sp.band["mean"].iloc[-1] == pytest.approx(np.mean(yr))
    assert sp.band["n"].max() == 2
    assert "2024 so far" in sp.reading()


def test_resolve_asof_uses_last_common_date():
    f = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [1.0, 2.0, np.nan]},
                     index=pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]))
    assert se.resolve_asof(f) == pd.Timestamp("2024-01-03")
    assert se.resolve_asof(f, "2024-01-02") == pd.Timestamp("2024-01-02")
    with pytest.raises(ParameterError, match="asof"):
        se.resolve_asof(f, "2023-01-01")
    assert se.lookback_start("1988-01-01") == "1987-11-22"


# ------------------------------------------------------------------------------------------
# real data
# ------------------------------------------------------------------------------------------


@pytest.fixture
def real_prices(shared_market):
    from smallcaps import data

    return data.load(["RUT", "SPX", "NDX", "DJI"], start=se.lookback_start("1988-01-01"),
                     source="csv", data_dir=shared_market)


def test_real_november_2024_matches_provenance(real_prices):
    m = se.monthly_returns(real_prices, asof="2024-12-31", start="1988-01-01",
                           relative=["RUT", "SPX"])
    nov = m.table.loc[pd.Period("2024-11", "M")]
    assert round(nov["RUT"], 2) == 10.84
    assert round(nov["SPX"], 2) == 5.73
    assert round(nov["NDX"], 2) == 5.23
    assert round(nov["DJI"], 2) == 7.54
    assert round(nov["RUT-SPX"], 2) == round(10.84 - 5.73, 2)
    assert m.partial is None
    # January 1988 is included thanks to the look-back close of 1987-12-31
    assert m.table.index[0] == pd.Period("1988-01", "M")
    assert np.isfinite(m.table.loc["1988-01", "RUT"].item())


def test_real_santa_2024_window_dates(real_prices):
    w = se.santa_claus_windows(real_prices["RUT"].dropna().index, asof="2025-02-28")
    row = w.loc[2024]
    assert row["base"] == pd.Timestamp("2024-12-23")
    assert row["last"] == pd.Timestamp("2025-01-03")
    s = se.santa_claus_rally(real_prices[["RUT"]], asof="2025-02-28", start="1988-01-01")
    p = real_prices["RUT"]
    assert s.table.loc[2024, "RUT"] == pytest.approx(
        (p.loc["2025-01-03"] / p.loc["2024-12-23"] - 1) * 100)
    assert s.table.index[0] == 1988


def test_seasonal_path_of_a_pair_is_the_relative_path_in_pp():
    idx = sessions("2021-12-01", "2023-12-29", holidays=[])
    pair = pd.DataFrame({"S": walk(idx, 0.08, seed=1, noise=0.5),
                         "L": walk(idx, 0.02, seed=2, noise=0.5)})
    sp = se.seasonal_path(pair, start="2022-01-01")
    assert sp.unit == "pp" and sp.series == "S-L" and sp.current_year is None
    base, day = pd.Timestamp("2022-12-30"), pd.Timestamp("2023-01-06")
    k = int(se.trading_day_of_year(idx).loc[day])
    expect = (pair.at[day, "S"] / pair.at[base, "S"] - pair.at[day, "L"] / pair.at[base, "L"])
    assert sp.paths.at[k, 2023] == pytest.approx(expect * 100)
    assert "S-L (small minus large)" in sp.reading() and " pp" in sp.reading()
    with pytest.raises(ParameterError):
        se.seasonal_path(pair.assign(X=1.0))


def test_describe_names_best_and_worst_month():
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    text = m.describe("S")
    assert "best was 2024-01 (+10.00%)" in text and "worst 2024-02 (-10.00%)" in text
    assert "In 2024, 1 of 2 complete months so far were positive (compounded -1.00%)" in text
    assert "(-20.00 pp)" in m.describe("S-L") and "compounded" not in m.describe("S-L")


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, 120), max_size=25))
def test_adjacent_windows_chain_on_any_calendar(closed):
    """Dropping arbitrary sessions never breaks the rule: the rebound's base close is the
    pressure window's last close, and every window's days lie inside its month-days."""
    days = pd.bdate_range("2022-11-01", "2023-02-28")
    idx = days[~np.isin(np.arange(len(days)), sorted(closed))]
    p = se.map_windows(idx, ["12-01", "12-20"], asof="2023-02-28")
    r = se.map_windows(idx, ["12-21", "01-15"], asof="2023-02-28")
    if 2022 in p.index and 2022 in r.index:
        assert r.at[2022, "base"] == p.at[2022, "last"]
    for w, lo, hi in ((p, "2022-12-01", "2022-12-20"), (r, "2022-12-21", "2023-01-15")):
        if 2022 in w.index:
            assert pd.Timestamp(lo) <= w.at[2022, "first"] <= w.at[2022, "last"] <= \
                pd.Timestamp(hi)
            assert w.at[2022, "base"] < pd.Timestamp(lo)
            inside = idx[(idx >= w.at[2022, "first"]) & (idx <= w.at[2022, "last"])]
            assert len(inside) == w.at[2022, "days"]
