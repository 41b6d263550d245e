"""Seasonality (notebook 03): window returns and paths, monthly returns, month-of-year
statistics, latest month's rank, Santa Claus rally, January effect, election years and the
seasonal path: their numbers and the results protocol (the prose is tested in
test_narrative_seasonality.py, the calendar in test_calendar.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import calendar, page, stats
from smallcaps import seasonality as se
from smallcaps.errors import ParameterError
from smallcaps.results import Result

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
    base = pd.bdate_range(end=pd.Timestamp(start) - pd.Timedelta(days=1), periods=1)
    values = np.concatenate([[100.0], 100.0 * np.cumprod(1 + daily)])
    return pd.Series(values, index=base.append(idx))


def planted(nov_pct: float, small_jan_extra: float, noise=1.5, seed=3) -> pd.DataFrame:
    small = daily_from_monthly({1: 1.0 + small_jan_extra, 11: nov_pct}, seed=seed, noise=noise)
    large = daily_from_monthly({1: 1.0, 11: 0.5}, seed=seed + 1, noise=noise)
    return pd.DataFrame({"SMALL": small, "LARGE": large})


def assert_protocol(result):
    """Every result follows the one protocol and its figures survive JSON."""
    assert isinstance(result, Result) and result.narrative == "seasonality"
    assert isinstance(result.summary(), pd.DataFrame)
    assert isinstance(result.to_frame(), pd.DataFrame)
    figures = result.figures()
    assert isinstance(figures, dict) and figures
    json.dumps(page.jsonable(figures))
    assert isinstance(result.reading(), str) and result.reading()


# ------------------------------------------------------------------------------------------
# window returns and paths (used by smallcaps.taxloss too)
# ------------------------------------------------------------------------------------------


def test_window_returns_and_paths_hand_computed():
    idx = pd.DatetimeIndex(["2022-12-19", "2022-12-20", "2022-12-21", "2022-12-22",
                            "2022-12-23"])
    p = pd.Series([100.0, 110.0, 99.0, 121.0, 133.1], index=idx)
    w = calendar.map_windows(idx, ["12-21", "12-22"], asof="2022-12-23")
    assert se.window_returns(p, w).loc[2022] == pytest.approx(10.0)  # 110 -> 121
    paths = se.window_paths(p, w)
    assert paths[2022].tolist() == pytest.approx([0.0, -10.0, 10.0])
    band = se.path_band(pd.DataFrame({1: [0.0, 1.0], 2: [0.0, 3.0], 3: [0.0, 2.0]}))
    assert band.loc[1, "mean"] == pytest.approx(2.0)
    assert band.loc[1, "q25"] == pytest.approx(1.5) and band.loc[1, "q75"] == pytest.approx(2.5)
    assert band.loc[1, "n"] == 3


def test_public_names_are_the_analyses_only():
    assert {"window_returns", "window_paths", "path_band"} <= set(se.__all__)
    for gone in ("resolve_asof", "SIGNIFICANT_T", "map_windows", "next_session",
                 "lookback_start", "parse_window", "trading_day_of_year", "SANTA_DEFINITION"):
        assert not hasattr(se, gone), gone
    for name in se.__all__:
        assert hasattr(se, name), name


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
    assert m.asof == pd.Timestamp("2024-03-15") and m.asof_text == "2024-03-15"
    assert t.loc["2024-03", "S"].item() == pytest.approx(120 / 99 * 100 - 100)
    assert list(m.complete.index.astype(str)) == ["2024-01", "2024-02"]
    fig = m.figures()
    assert set(fig) == {"monthly_returns", "partial_month"}
    assert set(fig["monthly_returns"]) == {"S", "L"}
    assert list(fig["monthly_returns"]["S"]) == ["2024-01", "2024-02", "2024-03"]
    assert fig["monthly_returns"]["S"]["2024-02"] == pytest.approx(-10.0)
    assert fig["partial_month"] == "2024-03"
    summ = m.summary()
    assert list(summ.index) == ["2024-01", "2024-02", "2024-03 (MTD to 03-15)"]
    assert list(summ.columns) == ["S (%)", "L (%)", "S-L (pp)"]
    assert summ.loc["2024-02", "S-L (pp)"] == pytest.approx(-20.0)
    frame = m.to_frame()
    assert frame["partial"].tolist() == [False, False, True]
    assert_protocol(m)


def test_recent_months_bounds_summary_and_figures():
    m = se.monthly_returns(monthly_frame(), start="2024-01-01", recent_months=1)
    assert list(m.figures()["monthly_returns"]["S"]) == ["2024-02", "2024-03"]
    assert list(m.summary().index) == ["2024-02", "2024-03 (MTD to 03-15)"]


def test_month_to_date_follows_the_frame_asof():
    frame = monthly_frame()
    m = se.monthly_returns(frame.loc[:"2024-03-01"], relative=["S", "L"])
    assert m.asof == pd.Timestamp("2024-03-01")
    assert m.partial == pd.Period("2024-03", "M")
    assert m.table.loc["2024-03", "S"].item() == pytest.approx(98 / 99 * 100 - 100)
    m3 = se.monthly_returns(frame.loc[:"2024-02-29"])
    assert m3.partial is None and m3.complete.index[-1] == pd.Period("2024-02", "M")
    assert m3.figures()["partial_month"] is None
    m4 = se.monthly_returns(frame.loc[:"2024-02-15"])
    assert m4.partial == pd.Period("2024-02", "M")
    assert m4.table.loc["2024-02", "S"].item() == pytest.approx(100 / 110 * 100 - 100)


def test_a_loaded_frame_brings_its_asof_and_a_stale_series_loses_its_broken_month():
    frame = monthly_frame().loc[:"2024-03-01"].copy()
    frame.loc["2024-03-01", "L"] = np.nan  # L stops on 2024-02-29, a complete February
    frame.attrs["asof"] = {"date": "2024-03-01", "requested": "2024-03-03",
                           "reference": ["S"], "provisional": False}
    frame.attrs["provenance"] = {"S": {"provider": "yahoo", "symbol": "^S"}}
    m = se.monthly_returns(frame)
    assert m.asof == pd.Timestamp("2024-03-01")
    assert m.asof_text.startswith("2024-03-01 (requested 2024-03-03")
    assert m.provenance == {"S": {"provider": "yahoo", "symbol": "^S"}}
    assert m.table.loc["2024-02", "L"].item() == pytest.approx(10.0)  # complete: kept
    # a series ending mid-month before the as-of has no value for that month
    frame2 = monthly_frame().loc[:"2024-03-15"].copy()
    frame2.loc["2024-02-29":, "L"] = np.nan  # L stops on 2024-02-15
    m2 = se.monthly_returns(frame2)
    assert np.isnan(m2.table.loc["2024-02", "L"].item())
    assert m2.table.loc["2024-02", "S"].item() == pytest.approx(-10.0)


def test_monthly_returns_gap_month_is_nan_and_relative_checked():
    idx = pd.DatetimeIndex(["2024-01-31", "2024-03-29", "2024-04-30"])
    f = pd.DataFrame({"S": [100.0, 150.0, 165.0]}, index=idx)
    m = se.monthly_returns(f)
    assert np.isnan(m.table.loc["2024-03", "S"].item())  # no February close
    assert m.table.loc["2024-04", "S"].item() == pytest.approx(10.0)
    with pytest.raises(ParameterError, match="relative"):
        se.monthly_returns(f, relative=["S", "XYZ"])
    with pytest.raises(ParameterError, match="start"):
        se.monthly_returns(f, start="2024-02-30")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-0.05, 0.05), min_size=20, max_size=60), st.integers(2000, 2020))
def test_monthly_returns_compound_to_the_yearly_return(daily, year):
    idx = pd.bdate_range(f"{year - 1}-12-24", f"{year + 1}-01-05")
    values = 100 * np.cumprod(np.r_[1.0, 1 + np.resize(np.array(daily), len(idx) - 1)])
    p = pd.Series(values, index=idx, name="X")
    m = se.monthly_returns(p.to_frame())
    table = se.year_month_table(m, "X")
    yearly = (p.loc[f"{year}"].iloc[-1] / p.loc[: f"{year - 1}"].iloc[-1] - 1) * 100
    assert table.loc[year, "Year"] == pytest.approx(yearly, rel=1e-9, abs=1e-9)
    assert ((1 + m.table.loc[str(year), "X"] / 100).prod() - 1) * 100 == pytest.approx(
        yearly, rel=1e-9, abs=1e-9)


def test_history_names_best_and_worst_month_and_the_year_so_far():
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    h = m.history
    assert (h.at["S", "best_month"], h.at["S", "best"]) == ("2024-01", pytest.approx(10.0))
    assert (h.at["S", "worst_month"], h.at["S", "worst"]) == ("2024-02", pytest.approx(-10.0))
    assert h.at["S", "year_up"] == 1 and h.at["S", "year_months"] == 2
    assert h.at["S", "year_compounded"] == pytest.approx(1.1 * 0.9 * 100 - 100)
    assert h.at["S-L", "worst"] == pytest.approx(-20.0) and np.isnan(h.at["S-L",
                                                                          "year_compounded"])
    assert h.at["S-L", "unit"] == "pp" and h.at["S", "unit"] == "%"


# ------------------------------------------------------------------------------------------
# month-of-year statistics and rank
# ------------------------------------------------------------------------------------------


def _monthly(values: dict, series=("S",), spread=None, asof="2023-12-29", partial=None):
    table = pd.DataFrame(values)
    table.index.name = "month"
    return se.MonthlyReturns(table=table, partial=partial, asof=pd.Timestamp(asof),
                             series=list(series), spread=spread)


def test_month_stats_hand_computed_and_min_years_flag():
    months = pd.period_range("2019-11", "2023-12", freq="M")
    vals = {p: (2.0 if p.month == 11 else 0.5) for p in months}
    vals[pd.Period("2020-11", "M")] = -4.0
    vals[pd.Period("2021-11", "M")] = 6.0
    m = _monthly({"S": pd.Series(vals)})
    result = se.month_of_year_stats(m, min_years=5)
    nov = result.table.loc[("S", "November")]
    # Novembers 2019..2023: 2, -4, 6, 2, 2
    assert nov["mean"] == pytest.approx(1.6)
    assert nov["median"] == pytest.approx(2.0)
    assert nov["hit_rate"] == pytest.approx(0.8)
    assert nov["n"] == 5 and nov["best_year"] == 2021 and nov["worst_year"] == 2020
    sd = np.std([2, -4, 6, 2, 2], ddof=1)
    assert nov["t"] == pytest.approx(1.6 / (sd / np.sqrt(5)))
    assert bool(nov["enough_years"])
    jan = result.table.loc[("S", "January")]
    assert jan["n"] == 4 and not jan["enough_years"] and np.isnan(jan["rank"])  # 2020..2023
    # December (5 years at 0.5) beats the flagged months; November's 1.6 ranks first
    assert nov["rank"] == 1 and result.table.loc[("S", "December"), "rank"] == 2
    over = result.overview.loc["S"]
    assert over["months_read"] == 2 and over["best_month"] == "November"
    assert over["average"] == pytest.approx((1.6 + 0.5) / 2)
    # the baseline is the mean of every month of the series: 5 Novembers and 44 other months
    values = list(vals.values())
    assert nov["baseline"] == pytest.approx(np.mean(values))
    assert nov["excess"] == pytest.approx(1.6 - np.mean(values))
    assert nov["trimmed_mean"] == pytest.approx(1.6)  # 5 values: 10 % trims none
    others = [v for p_, v in vals.items() if p_.month != 11]
    assert nov["welch_t_vs_other_months"] == pytest.approx(stats.welch_t([2, -4, 6, 2, 2],
                                                                         others))
    assert np.isnan(jan["p"]) and jan["verdict"] == "untested" and np.isnan(jan["q"])
    assert result.fdr["cells"] == 2  # November and December have 5 years
    rec = result.figures()["month_stats"]
    assert {"mean", "median", "hit_rate", "n", "t"} <= set(rec["S"]["November"])
    assert {"trimmed_mean", "baseline", "excess_pct", "ci_low", "ci_high", "p", "q",
            "welch_t_vs_other_months", "episodes", "verdict", "loo_flip_years",
            "loo_more"} <= set(rec["S"]["November"])
    assert len(rec["S"]) == 12 and rec["S"]["November"]["n"] == 5
    assert rec["S"]["November"]["episodes"] == 5
    assert result.figures()["month_stats_fdr"]["cells"] == 2
    summ = result.summary()
    assert summ.index.names == ["series", "month"] and len(summ) == 12
    assert summ.loc[("S", "January"), "flag"] == "fewer than 5 years"
    assert summ.loc[("S", "November"), "flag"] == "" and summ["unit"].eq("%").all()
    assert summ.loc[("S", "November"), "excess_pp"] == pytest.approx(nov["excess"])
    assert "q" in summ.columns and "verdict" in summ.columns
    grid = result.excess_grid()
    assert list(grid.columns) == ["S excess (pp)", "S q"] and list(grid.index)[10] == "November"
    assert grid.at["November", "S excess (pp)"] == pytest.approx(nov["excess"])
    assert np.isnan(grid.at["January", "S excess (pp)"])  # flagged: not read
    assert_protocol(result)
    with pytest.raises(ParameterError):
        se.month_of_year_stats(m, min_years=1)
    with pytest.raises(ParameterError, match="focus"):
        se.month_of_year_stats(m, focus=("Nov",))


def test_planted_strong_november_and_january_effect_are_found():
    m = se.monthly_returns(planted(4.0, 3.0), relative=["SMALL", "LARGE"])
    result = se.month_of_year_stats(m, min_years=10)
    nov = result.table.loc[("SMALL", "November")]
    assert nov["mean"] == pytest.approx(4.0, abs=1.0) and nov["t"] > 3 and nov["rank"] == 1
    assert "November" in result.overview.at["SMALL", "significant"]
    assert result.focus_series == ["SMALL", "SMALL-LARGE"]
    assert result.summary().loc[("SMALL-LARGE", "January"), "unit"] == "pp"
    assert nov["verdict"] == "above" and nov["survives"] and nov["p"] < 0.01
    assert "SMALL November" in result.fdr["surviving_cells"]
    jan = se.january_effect(m)
    s = jan.stats
    assert s["n"] == 30
    assert s["mean_pct"] == pytest.approx(3.0, abs=1.0)
    assert s["t"] > 3 and s["hit_rate"] >= 0.75
    assert s["verdict"] == "above" and s["excess_pct"] > 1
    rec = jan.figures()["january_effect"]
    assert {k: rec[k] for k in ("mean_pct", "hit_rate", "n", "t")} == {
        k: s[k] for k in ("mean_pct", "hit_rate", "n", "t")}
    # the January effect's test is the month table's January cell of the spread
    cell = result.table.loc[("SMALL-LARGE", "January")]
    for key, col in (("excess_pct", "excess"), ("p", "p"), ("ci_low", "ci_low")):
        assert rec[key] == pytest.approx(cell[col])
    assert jan.summary().loc["SMALL-LARGE January", "mean_rel_pct"] == pytest.approx(s["mean_pct"])
    assert list(jan.to_frame().columns) == ["small", "large", "spread"]
    assert_protocol(jan)


def test_january_effect_needs_relative():
    m = se.monthly_returns(monthly_frame())
    with pytest.raises(ParameterError, match="relative"):
        se.january_effect(m)


def test_latest_month_rank_hand_computed():
    table = {"S": pd.Series([5.0, -1.0, 2.0, 0.0, 3.0],
                            index=pd.PeriodIndex(["2021-03", "2022-03", "2023-03", "2024-02",
                                                  "2024-03"], freq="M"))}
    r = se.latest_month_rank(_monthly(table, asof="2024-03-28"))
    assert r.figures()["latest_month_rank"]["S"] == {"month": "2024-03", "return_pct": 3.0,
                                                     "rank": 2, "of": 4}
    assert r.table.at["S", "mean_pct"] == pytest.approx(9.0 / 4)
    assert list(r.summary().columns) == ["month", "return", "rank", "years", "month_mean",
                                         "unit"]
    assert_protocol(r)
    # a partial month is not ranked
    m2 = _monthly(table, asof="2024-03-15", partial=pd.Period("2024-03", "M"))
    assert se.latest_month_rank(m2).figures()["latest_month_rank"]["S"]["month"] == "2024-02"


def test_election_years_planted_november_boost():
    months = pd.period_range("1987-11", "2019-12", freq="M")
    vals = [(5.0 if p.year % 4 == 0 else 1.0) if p.month == 11 else
            (1.0 if p.month == 12 else 0.0) for p in months]
    m = _monthly({"S": pd.Series(vals, index=months)}, asof="2019-12-31")
    e = se.election_years(m)
    rec = e.figures()["election_year_november"]["S"]
    assert rec["election_years"]["mean_pct"] == pytest.approx(5.0)
    assert rec["other_years"]["mean_pct"] == pytest.approx(1.0)
    assert rec["election_years"]["n"] == 8  # 1988..2016
    assert rec["election_years"]["nov_dec_mean_pct"] == pytest.approx(1.05 * 1.01 * 100 - 100)
    assert e.difference.at["S", "diff_pp"] == pytest.approx(4.0)
    assert np.isnan(e.difference.at["S", "t"])  # no variance within either group
    assert se.is_election_year(2024) and not se.is_election_year(2023)
    assert_protocol(e)


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
    assert s.incomplete == {2024: 1} and s.asof == pd.Timestamp("2025-01-02")
    rec = s.figures()["santa_rally"]["S"]
    assert {"mean_pct", "hit_rate", "n", "latest_pct", "latest_year"} <= set(rec)
    assert {"median_pct", "trimmed_mean_pct", "t", "baseline_pct", "excess_pct", "ci_low",
            "ci_high", "p", "episodes", "verdict", "loo_flip_years", "loo_more"} <= set(rec)
    assert rec["latest_year"] == 2023 and rec["n"] == 1
    assert rec["verdict"] == "untested"  # one window is too few to test
    assert_protocol(s)


def test_santa_summary_both_directions():
    idx = sessions("2005-11-01", "2025-01-31", holidays=[])
    windows = se.santa_claus_windows(idx)
    r_up = np.zeros(len(idx))
    for y, w in windows.iterrows():
        in_window = (idx > w["base"]) & (idx <= w["last"])
        r_up[in_window] = 0.002 + 0.0005 * (y % 3)  # +1.4% to +2.5% per window
    prices = pd.DataFrame({"UP": 100 * np.cumprod(1 + r_up),
                           "DOWN": 100 * np.cumprod(1 - r_up)}, index=idx)
    santa = se.santa_claus_rally(prices, relative=["UP", "DOWN"])
    summ = santa.summary()
    assert summ.loc["UP", "n"] == 20  # Decembers 2005..2024
    assert summ.loc["UP", "mean"] > 1 and summ.loc["UP", "hit_rate"] == 1.0
    assert summ.loc["DOWN", "mean"] < -1 and summ.loc["DOWN", "hit_rate"] == 0.0
    assert summ.loc["UP", "verdict"] == "above" and summ.loc["DOWN", "verdict"] == "below"
    assert summ.loc["UP-DOWN", "unit"] == "pp" and summ.loc["UP", "unit"] == "%"
    assert summ.loc["UP-DOWN", "mean"] == pytest.approx(
        (santa.table["UP"] - santa.table["DOWN"]).mean())
    assert summ.loc["UP", "all_7_day_windows"] > 0  # the windows lift the average week too


# ------------------------------------------------------------------------------------------
# seasonal path
# ------------------------------------------------------------------------------------------


def test_seasonal_path_rebases_each_year_and_keeps_current_year_apart():
    idx = sessions("2021-12-01", "2024-03-15", holidays=[])
    p = walk(idx, daily_pct=0.05, name="S")
    sp = se.seasonal_path(p, start="2022-01-01")
    assert list(sp.paths.columns) == [2022, 2023, 2024]
    assert sp.current_year == 2024 and sp.years == [2022, 2023]
    day1 = sp.paths.loc[1, 2023]
    assert day1 == pytest.approx((p.loc["2023-01-02"] / p.loc["2022-12-30"] - 1) * 100)
    assert sp.paths.loc[0].abs().max() == 0.0
    # band over complete years only; last point = mean calendar-year return
    yr = [(p.loc[str(y)].iloc[-1] / p.loc[: f"{y - 1}"].iloc[-1] - 1) * 100 for y in (2022, 2023)]
    assert sp.band["mean"].iloc[-1] == pytest.approx(np.mean(yr))
    assert sp.year_end["mean"] == pytest.approx(np.mean(yr))
    assert sp.band["n"].max() == 2
    pos = sp.position
    day = int(calendar.trading_day_of_year(idx).loc["2024-03-15"])
    assert pos["day"] == day and pos["value"] == pytest.approx(
        (p.iloc[-1] / p.loc["2023-12-29"] - 1) * 100)
    assert pos["mean"] == pytest.approx(sp.band.at[day, "mean"])
    frame = sp.to_frame()
    assert frame.at[day, "current"] == pytest.approx(pos["value"])
    assert sp.summary().at["S", "position"] == pos["where"]
    assert_protocol(sp)


def test_seasonal_path_position_above_and_below_the_band():
    idx = sessions("2019-12-02", "2024-03-15", holidays=[])
    flat = walk(idx, daily_pct=0.0, noise=0.3, seed=5, name="F")
    boom = flat.copy()
    boom.loc["2024"] = boom.loc["2024"] * np.linspace(1.01, 1.5, len(boom.loc["2024"]))
    assert se.seasonal_path(boom).position["where"] == "above"
    bust = flat.copy()
    bust.loc["2024"] = bust.loc["2024"] * np.linspace(0.99, 0.5, len(bust.loc["2024"]))
    assert se.seasonal_path(bust).position["where"] == "below"


def test_seasonal_path_of_a_pair_is_the_relative_path_in_pp():
    idx = sessions("2021-12-01", "2023-12-29", holidays=[])
    pair = pd.DataFrame({"S": walk(idx, 0.08, seed=1, noise=0.5),
                         "L": walk(idx, 0.02, seed=2, noise=0.5)})
    sp = se.seasonal_path(pair, start="2022-01-01")
    assert sp.unit == "pp" and sp.pair and sp.series == "S-L" and sp.current_year is None
    assert sp.position is None
    base, day = pd.Timestamp("2022-12-30"), pd.Timestamp("2023-01-06")
    k = int(calendar.trading_day_of_year(idx).loc[day])
    expect = (pair.at[day, "S"] / pair.at[base, "S"] - pair.at[day, "L"] / pair.at[base, "L"])
    assert sp.paths.at[k, 2023] == pytest.approx(expect * 100)
    with pytest.raises(ParameterError):
        se.seasonal_path(pair.assign(X=1.0))


def test_seasonal_paths_gives_the_series_then_the_pair():
    idx = sessions("2021-12-01", "2023-12-29", holidays=[])
    prices = pd.DataFrame({"S": walk(idx, 0.08, seed=1, noise=0.5),
                           "L": walk(idx, 0.02, seed=2, noise=0.5)})
    paths = se.seasonal_paths(prices, ["S"], relative=["S", "L"], start="2022-01-01")
    assert [p.series for p in paths] == ["S", "S-L"] and [p.unit for p in paths] == ["%", "pp"]
    assert len(se.seasonal_paths(prices, "L")) == 1
    with pytest.raises(ParameterError, match="XYZ"):
        se.seasonal_paths(prices, ["XYZ"])
    with pytest.raises(ParameterError, match="pair"):
        se.seasonal_paths(prices, [], relative="S")


# ------------------------------------------------------------------------------------------
# real data
# ------------------------------------------------------------------------------------------

SERIES = ["RUT", "SPX", "NDX", "DJI"]


def _real(shared_market, asof):
    from smallcaps import data

    return data.load(SERIES, start=calendar.lookback_start("1988-01-01"), asof=asof,
                     source="csv", data_dir=shared_market)


def test_real_november_2024_matches_provenance(shared_market):
    m = se.monthly_returns(_real(shared_market, "2024-12-31"), start="1988-01-01",
                           relative=["RUT", "SPX"])
    nov = m.table.loc[pd.Period("2024-11", "M")]
    assert round(nov["RUT"], 2) == 10.84
    assert round(nov["SPX"], 2) == 5.73
    assert round(nov["NDX"], 2) == 5.23
    assert round(nov["DJI"], 2) == 7.54
    assert round(nov["RUT-SPX"], 2) == round(10.84 - 5.73, 2)
    assert m.partial is None and m.asof == pd.Timestamp("2024-12-31")
    # January 1988 is included thanks to the look-back close of 1987-12-31
    assert m.table.index[0] == pd.Period("1988-01", "M")
    assert np.isfinite(m.table.loc["1988-01", "RUT"].item())


def test_real_default_asof_is_the_last_complete_reference_bar(shared_market):
    m = se.monthly_returns(_real(shared_market, None), start="1988-01-01",
                           relative=["RUT", "SPX"])
    # RUT's 2026-02-23 row is a provisional snapshot: the default as-of is Friday 2026-02-20
    assert m.asof == pd.Timestamp("2026-02-20") and m.asof_text == "2026-02-20"
    assert m.figures()["partial_month"] == "2026-02"


def test_real_santa_2024_window_dates(shared_market):
    prices = _real(shared_market, "2025-02-28")
    w = se.santa_claus_windows(prices["RUT"].dropna().index, asof="2025-02-28")
    row = w.loc[2024]
    assert row["base"] == pd.Timestamp("2024-12-23")
    assert row["last"] == pd.Timestamp("2025-01-03")
    s = se.santa_claus_rally(prices[["RUT"]], start="1988-01-01")
    p = prices["RUT"]
    assert s.table.loc[2024, "RUT"] == pytest.approx(
        (p.loc["2025-01-03"] / p.loc["2024-12-23"] - 1) * 100)
    assert s.table.index[0] == 1988 and s.incomplete == {}


def test_real_t_crit_196_moves_two_ndx_months_into_significance(shared_market):
    """Adopting stats.T_CRIT = 1.96 (was 2.0): on the data as of 2024-12-15 NDX January
    (t = 1.979) and May (t = 1.982) are now read as statistically distinguishable."""
    m = se.monthly_returns(_real(shared_market, "2024-12-15"), start="1988-01-01",
                           relative=["RUT", "SPX"])
    result = se.month_of_year_stats(m, min_years=10)
    t = result.table["t"]
    assert t[("NDX", "January")] == pytest.approx(1.979, abs=1e-3)
    assert t[("NDX", "May")] == pytest.approx(1.982, abs=1e-3)
    moved = t[(t.abs() >= stats.T_CRIT) & (t.abs() < 2.0)]
    assert sorted(moved.index) == [("NDX", "January"), ("NDX", "May")]
    assert result.overview.at["NDX", "significant"] == ["January", "May", "July", "October",
                                                        "November"]


def test_tables_for_the_page_carry_no_raw_labels_or_empty_columns():
    m = se.monthly_returns(planted(4.0, 3.0), relative=["SMALL", "LARGE"])
    summ = se.month_of_year_stats(m, min_years=10).summary()
    assert "flag" not in summ.columns  # no month has too few years: no empty column
    e = se.election_years(m)
    groups = set(e.summary().index.get_level_values("group"))
    assert groups == {"election years", "other years"}
    assert set(e.group_table().index.get_level_values("group")) == {"election_years",
                                                                     "other_years"}
    assert e.summary().to_numpy().tolist() == e.group_table().to_numpy().tolist()
    assert set(e.figures()["election_year_november"]["SMALL"]) == {"election_years",
                                                                   "other_years"}
    assert e.asof == m.asof and se.january_effect(m).asof == m.asof
