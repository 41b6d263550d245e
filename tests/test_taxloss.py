"""Tax-loss / turn-of-the-year timing (notebook 04): window mapping, planted dip and rebound,
exclusion of incomplete years, YTD groups, current phase, the results protocol (summary /
to_frame / figures / reading), the as-of taken from the loaded frame, and the inference: each
window against the typical window of the same length (planted effect, planted drift without
effect, reverse effect), leave-one-season-out, and the joint max-|t| test across overlapping
rebound start dates (planted late-December effect, no effect, size under the null)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from smallcaps import taxloss as tl
from smallcaps.errors import ParameterError
from smallcaps.taxloss import inference
from smallcaps.taxloss.study import _group_test, _terciles


def market_days(start: str, end: str) -> pd.DatetimeIndex:
    """Weekdays minus Christmas and New Year (moved to Monday when on a Sunday)."""
    days = pd.bdate_range(start, end)
    hol = []
    for y in range(days[0].year - 1, days[-1].year + 2):
        for md in ("12-25", "01-01"):
            d = pd.Timestamp(f"{y}-{md}")
            hol.append(d + pd.Timedelta(days=1) if d.day_of_week == 6 else d)
    return days[~days.isin(hol)]


def planted_pair(dip=-0.3, rally=0.3, dip_days=("12-08", "12-18"), rally_days=("12-22", "01-10"),
                 start="1989-10-01", end="2021-03-31", seed=7, noise=0.15,
                 scale_by_ytd=None) -> pd.DataFrame:
    """Large: a random walk.  Small: large's daily return plus ``dip`` % a day inside
    ``dip_days`` and ``rally`` % a day inside ``rally_days`` (month-days, the rally crossing
    New Year), plus a little noise."""
    idx = market_days(start, end)
    rng = np.random.default_rng(seed)
    r_large = rng.normal(0.03, 0.6, len(idx)) / 100
    extra = rng.normal(0.0, noise, len(idx)) / 100
    md = idx.strftime("%m-%d")
    in_dip = (md >= dip_days[0]) & (md <= dip_days[1])
    if rally_days[1] < rally_days[0]:
        in_rally = (md >= rally_days[0]) | (md <= rally_days[1])
    else:
        in_rally = (md >= rally_days[0]) & (md <= rally_days[1])
    extra = extra + np.where(in_dip, dip / 100, 0.0) + np.where(in_rally, rally / 100, 0.0)
    large = 100 * np.cumprod(1 + r_large)
    small = 100 * np.cumprod(1 + r_large + extra)
    return pd.DataFrame({"SMALL": small, "LARGE": large}, index=idx)


@pytest.fixture(scope="module")
def planted():
    return tl.turn_of_year(planted_pair(), start="1990-01-01")  # data end 2021-03-31


def test_bad_window_is_a_clear_error():
    pair = planted_pair(end="1991-03-01")
    with pytest.raises(ParameterError) as err:
        tl.turn_of_year(pair, pressure_window=["13-45", "12-20"])
    msg = str(err.value)
    assert "pressure_window start" in msg and "'13-45'" in msg and "MM-DD" in msg
    with pytest.raises(ParameterError, match="rebound_window end"):
        tl.turn_of_year(pair, rebound_window=["12-21", "01-32"])
    with pytest.raises(ParameterError, match="pair"):
        tl.turn_of_year(pair, path_window="11-01")
    with pytest.raises(ParameterError, match="exactly two columns"):
        tl.turn_of_year(pair[["SMALL"]])


def test_windows_mapped_on_a_holiday_calendar():
    pair = planted_pair(start="2021-10-01", end="2024-02-28")
    s = tl.turn_of_year(pair)
    y22 = s.years.loc[2022]
    assert y22["pressure_first"] == pd.Timestamp("2022-12-01")
    assert y22["pressure_last"] == pd.Timestamp("2022-12-20")
    assert y22["rebound_first"] == pd.Timestamp("2022-12-21")
    assert y22["rebound_last"] == pd.Timestamp("2023-01-13")  # Jan 15 2023 is a Sunday
    y23 = s.years.loc[2023]
    assert y23["pressure_last"] == pd.Timestamp("2023-12-20")
    assert y23["rebound_first"] == pd.Timestamp("2023-12-21")
    assert y23["rebound_last"] == pd.Timestamp("2024-01-15")
    # the return runs from the close before the first day: the pressure base is Nov 30 2022
    p = pair["SMALL"]
    assert y22["pressure_small"] == pytest.approx(
        (p.loc["2022-12-20"] / p.loc["2022-11-30"] - 1) * 100)
    # windows chain: the rebound base is the pressure's last close
    assert y22["rebound_small"] == pytest.approx(
        (p.loc["2023-01-13"] / p.loc["2022-12-20"] - 1) * 100)
    rel = y22["pressure_small"] - y22["pressure_large"]
    assert y22["pressure_rel"] == pytest.approx(rel)


def test_planted_dip_and_rebound_recovered_with_size_and_timing(planted):
    p, r = planted.window_stats("pressure"), planted.window_stats("rebound")
    assert p["n"] == r["n"] == 31  # seasons 1990..2020
    # 8 or 9 dip days of -0.3 % inside the pressure window: about -2.5 pp
    assert p["mean_rel_pct"] == pytest.approx(-2.6, abs=0.4)
    assert p["hit_rate"] < 0.1 and p["t"] < -5
    # about 12-13 rally days of +0.3 %: about +3.7 pp
    assert r["mean_rel_pct"] == pytest.approx(3.7, abs=0.5)
    assert r["hit_rate"] > 0.9 and r["t"] > 5
    trough = planted.trough()
    # the relative path bottoms at the end of the dip (Dec 18) or just after, before the rally
    assert "12-17" <= trough["date"] <= "12-21"
    assert trough["value_pp"] < -2
    text = planted.reading("windows")
    assert "lagged large caps" in text and "the playbook's December dip shows up." in text
    assert "the playbook's rebound shows up." in text
    p_test, r_test = planted.window_test("pressure"), planted.window_test("rebound")
    assert (p_test["verdict"], r_test["verdict"]) == ("shows", "shows")
    assert p_test["excess_pp"] < -2 and p_test["ci_high"] < 0 and p_test["p"] < 0.01
    assert r_test["excess_pp"] > 3 and r_test["ci_low"] > 0 and r_test["p"] < 0.01
    assert p_test["loo_flips"] == r_test["loo_flips"] == []
    assert "31 seasons, one window a year, so 31 independent observations" in text
    assert trough["vs_pressure"] == "inside"
    assert "inside the pressure window" in planted.reading("trough")


def test_planted_reverse_pattern_reads_as_contradicting_the_playbook():
    s = tl.turn_of_year(planted_pair(dip=0.3, rally=-0.3), start="1990-01-01")
    assert s.window_stats("pressure")["mean_rel_pct"] > 2
    assert s.window_stats("rebound")["mean_rel_pct"] < -2
    text = s.reading("windows")
    assert "the playbook's December dip does not show up" in text
    assert "the playbook's rebound does not show up" in text
    assert s.window_test("pressure")["excess_pp"] > 2 and s.window_test("rebound")["p"] < 0.01
    # the relative path peaks in mid-December and bottoms after the planted fall (Jan 10)
    assert "01-08" <= s.trough()["date"] <= "01-31"
    assert s.trough()["vs_pressure"] == "after"
    assert "after the pressure window" in s.reading("trough")


def test_incomplete_season_is_excluded_and_said_so():
    pair = planted_pair(end="2021-01-08")
    s = tl.turn_of_year(pair, start="1990-01-01")
    assert s.asof == pd.Timestamp("2021-01-08")
    assert 2020 not in s.years.index
    assert s.incomplete == {2020: "rebound window not complete"}
    text = s.reading("windows")
    assert "Excluded" in text and "2020 (rebound window not complete)" in text
    assert s.window_stats("rebound")["n"] == 30
    c = s.current()
    assert (c["year"], c["phase"]) == (2020, "rebound")
    # the 2020 path is drawn but not averaged
    assert 2020 in s.paths.columns and s.band["n"].max() == 30
    # inside the pressure window: both windows incomplete
    s2 = tl.turn_of_year(planted_pair(end="2020-12-10"), start="1990-01-01")
    assert s2.incomplete == {2020: "pressure and rebound window not complete"}
    assert s2.current()["phase"] == "pressure"


@pytest.mark.parametrize("asof, year, phase", [
    ("2019-11-15", 2019, "before"),
    ("2019-12-02", 2019, "pressure"),
    ("2019-12-20", 2019, "pressure"),
    ("2019-12-23", 2019, "rebound"),
    ("2020-01-10", 2019, "rebound"),
    ("2020-01-15", 2019, "rebound"),
    ("2020-01-21", 2019, "after"),
    ("2020-03-02", 2020, "before"),
])
def test_current_phase(asof, year, phase):
    s = tl.turn_of_year(planted_pair(end="2020-06-30").loc[:asof], start="1990-01-01")
    c = s.current()
    assert (c["year"], c["phase"]) == (year, phase)
    assert phase in {"before", "pressure", "rebound", "after"}


def test_gap_between_windows_is_its_own_phase():
    s = tl.turn_of_year(planted_pair(end="2019-12-18"), pressure_window=["12-01", "12-10"],
                        rebound_window=["12-20", "01-15"])
    assert s.current()["phase"] == "between"


def test_ytd_relative_and_current_year_hand_computed():
    pair = planted_pair(end="2020-12-31")
    s = tl.turn_of_year(pair.loc[:"2020-06-30"], start="1990-01-01")
    c = s.current()
    sm, lg = pair["SMALL"], pair["LARGE"]
    base, until = pd.Timestamp("2019-12-31"), pd.Timestamp("2020-06-30")
    expect = (sm[until] / sm[base] - lg[until] / lg[base]) * 100
    assert c["ytd_rel_pct"] == pytest.approx(expect)
    assert c["ytd_until"] == until and not c["ytd_at_pressure"]
    # a past year: YTD runs to the close before the pressure window (Nov 29 2019)
    y = s.years.loc[2019]
    end = pd.Timestamp("2019-11-29")
    b0 = pd.Timestamp("2018-12-31")
    assert y["ytd_rel"] == pytest.approx((sm[end] / sm[b0] - lg[end] / lg[b0]) * 100)


def test_terciles_split_thirds():
    x = pd.Series([5.0, -3.0, 1.0, 9.0, -7.0, 0.0, 2.0, np.nan, 4.0, -1.0])
    g = _terciles(x)
    assert sorted(g[g == "losers"].index) == [1, 4, 9]
    assert sorted(g[g == "winners"].index) == [0, 3, 8]
    assert g[7] == "unclassified"


def test_losers_rebound_more_when_planted():
    """Plant a rebound only in years when small caps trailed year to date."""
    pair = planted_pair(rally=0.0, dip=0.0, noise=0.3, seed=11)
    s0 = tl.turn_of_year(pair, start="1990-01-01")
    losers = s0.years.index[s0.years["ytd_group"] == "losers"]
    small = pair["SMALL"].copy()
    r = small.pct_change().fillna(0.0)
    for y in losers:
        w = (r.index > f"{y}-12-20") & (r.index <= f"{y + 1}-01-15")
        r[w] += 0.004
    pair2 = pair.assign(SMALL=100 * (1 + r).cumprod())
    s = tl.turn_of_year(pair2, start="1990-01-01")
    g = s.by_ytd_group()
    assert (g.loc["losers", "n"], g.loc["winners", "n"]) == (10, 10)
    assert g.loc["losers", "rebound_mean_rel_pct"] > g.loc["winners", "rebound_mean_rel_pct"] + 3
    text = s.reading("groups")
    assert "the rebound as predicted" in text or "both as the tax-loss hypothesis predicts" in text
    assert s.rebound_group_t > 3
    rec = s.figures()["by_ytd_group"]
    assert set(rec) == {"losers", "winners", "pressure_welch_t", "rebound_welch_t", "loo_flips"}
    assert rec["rebound_welch_t"] == s.rebound_group_t and rec["loo_flips"] == []
    assert "rests on 10 loser and 10 winner seasons, one a year; no single season's removal" \
        in text
    assert set(rec["losers"]) == {"pressure_mean_rel_pct", "rebound_mean_rel_pct", "n"}
    # and the opposite: winners rebound more
    pair3 = pair.copy()
    r3 = pair["SMALL"].pct_change().fillna(0.0)
    for y in s0.years.index[s0.years["ytd_group"] == "winners"]:
        w = (r3.index > f"{y}-12-20") & (r3.index <= f"{y + 1}-01-15")
        r3[w] += 0.004
    pair3["SMALL"] = 100 * (1 + r3).cumprod()
    s3 = tl.turn_of_year(pair3, start="1990-01-01")
    text3 = s3.reading("groups")
    assert "not the rebound" in text3 or "neither" in text3
    assert s3.rebound_group_t < -3


def test_relative_path_rebased_to_zero(planted):
    paths = planted.paths
    assert (paths.loc[0].dropna() == 0).all()
    w = planted.path_windows.loc[2005]
    px = planted.prices
    day3 = px.index[px.index.get_loc(w["base"]) + 3]
    expect = ((px.at[day3, "SMALL"] / px.at[w["base"], "SMALL"])
              - (px.at[day3, "LARGE"] / px.at[w["base"], "LARGE"])) * 100
    assert paths.at[3, 2005] == pytest.approx(expect)
    assert w["first"] >= pd.Timestamp("2005-11-01")


def test_sensitivity_matches_rebound_window(planted):
    sens = planted.sensitivity("12-10", "12-28")
    table = sens.table
    assert isinstance(sens, tl.ReboundSensitivity) and sens.end == "01-15"
    assert list(table.index) == [f"12-{d}" for d in range(10, 29)]
    assert table.at["12-21", "mean_rel_pct"] == pytest.approx(
        planted.window_stats("rebound")["mean_rel_pct"])
    # the default start's row is the rebound window's own test (same design, same bootstrap)
    test = planted.window_test("rebound")
    for col, key in (("excess_pp", "excess_pp"), ("baseline_pp", "baseline_pp"), ("p", "p"),
                     ("ci_low", "ci_low"), ("horizon_days", "horizon_days")):
        assert table.at["12-21", col] == test[key], col
    # starting inside the planted dip (before Dec 18) drags the rebound down
    assert table.at["12-10", "mean_rel_pct"] < table.at["12-21", "mean_rel_pct"] - 1
    assert table.at["12-10", "excess_pp"] < table.at["12-21", "excess_pp"] - 1
    # longer windows for earlier starts: 12-10 to 01-15 spans more trading days
    assert table["horizon_days"].is_monotonic_decreasing
    text = sens.reading()
    assert "starting 12-10 to 12-28" in text and "one test, not 19" in text
    assert sens.reading("sensitivity") == text == planted.reading("sensitivity")
    assert sens.summary().index.name == "rebound start (end 01-15)"
    assert planted.sensitivity() is planted.sensitivity("12-10", "12-28")  # computed once
    rec = sens.figures()["rebound_sensitivity"]
    assert rec["default_start"] == "12-21" and rec["n_starts"] == 19
    assert rec["default_excess_pp"] == test["excess_pp"]
    with pytest.raises(ParameterError):
        planted.sensitivity("12-28", "12-10")


def test_records_have_issue_keys(planted):
    rec = planted.figures()["pressure_window"]
    assert set(rec) == {"mean_rel_pct", "median_rel_pct", "hit_rate", "n", "t", "mean_small_pct",
                        "horizon_days", "episodes", "trimmed_mean_pp", "baseline_pp",
                        "excess_pp", "ci_low", "ci_high", "p", "verdict", "loo_flips", "small",
                        "large"}
    assert set(rec["small"]) == set(rec["large"]) == {"mean_pct", "baseline_pct", "excess_pp",
                                                      "ci_low", "ci_high", "p"}
    assert rec["small"]["mean_pct"] == rec["mean_small_pct"]
    t = planted.trough()
    assert isinstance(t["trading_day"], int) and len(t["date"]) == 5 and t["date"][2] == "-"


# ------------------------------------------------------------------------------------------
# real data
# ------------------------------------------------------------------------------------------


def test_real_2024_season_hand_computed(shared_market):
    from smallcaps import calendar, data

    prices = data.load(["RUT", "SPX"], start=calendar.lookback_start("1988-01-01"),
                       asof="2025-02-28", source="csv", data_dir=shared_market)
    s = tl.turn_of_year(prices, start="1988-01-01")
    assert s.asof == pd.Timestamp("2025-02-28")
    y = s.years.loc[2024]
    rut, spx = prices["RUT"], prices["SPX"]

    def ret(p, a, b):
        return (p.loc[b] / p.loc[a] - 1) * 100

    # pressure: close 2024-11-29 -> close 2024-12-20; rebound: 2024-12-20 -> 2025-01-15
    assert y["pressure_small"] == pytest.approx(ret(rut, "2024-11-29", "2024-12-20"))
    assert y["pressure_rel"] == pytest.approx(ret(rut, "2024-11-29", "2024-12-20")
                                              - ret(spx, "2024-11-29", "2024-12-20"))
    assert y["rebound_rel"] == pytest.approx(ret(rut, "2024-12-20", "2025-01-15")
                                             - ret(spx, "2024-12-20", "2025-01-15"))
    assert s.window_stats("pressure")["n"] == 37  # 1988..2024
    assert s.incomplete == {}


def test_real_snapped_asof_is_said_with_both_dates(shared_market):
    """A requested as-of on a Sunday resolves to the Friday; the prose names both dates."""
    from smallcaps import calendar, data

    prices = data.load(["RUT", "SPX"], start=calendar.lookback_start("1988-01-01"),
                       asof="2024-12-29", source="csv", data_dir=shared_market)
    s = tl.turn_of_year(prices[["RUT", "SPX"]], start="1988-01-01")
    assert s.asof == pd.Timestamp("2024-12-27")
    assert s.asof_info.requested == "2024-12-29"
    text = s.reading("windows")
    assert text.startswith("As of 2024-12-27 (requested 2024-12-29")
    assert "36 seasons (1988 to 2023) have both windows complete" in text
    assert "As of 2024-12-27 (requested 2024-12-29" in s.reading("current")


def test_real_figures_as_of_2024_12_27(shared_market):
    """Pins of notebook 04 as of 2024-12-27 (also checked end to end in test_nb04): the figures
    kept from before the baselines, unchanged."""
    from smallcaps import calendar, data, page

    prices = data.load(["RUT", "SPX"], start=calendar.lookback_start("1988-01-01"),
                       asof="2024-12-27", source="csv", data_dir=shared_market)
    s = tl.turn_of_year(prices[["RUT", "SPX"]], start="1988-01-01")
    f = s.figures()
    assert list(f) == ["pressure_window", "rebound_window", "typical_trough", "by_ytd_group",
                       "current_year"]
    assert f["rebound_window"]["mean_rel_pct"] == pytest.approx(1.1090143268996686, abs=1e-12)
    assert f["rebound_window"]["t"] == pytest.approx(2.4619293300964538, abs=1e-12)
    assert f["pressure_window"]["mean_rel_pct"] == pytest.approx(0.20825410915499892, abs=1e-12)
    assert f["typical_trough"] == {"trading_day": 15, "date": "11-21"}
    assert f["by_ytd_group"]["losers"]["rebound_mean_rel_pct"] == pytest.approx(
        0.2899917295061801, abs=1e-12)
    assert f["current_year"] == {"year": 2024, "phase": "rebound",
                                 "ytd_rel_pct": pytest.approx(-6.35868975142251, abs=1e-12)}
    assert s.rebound_group_t == pytest.approx(-1.1245400842571744, abs=1e-12)
    assert page.jsonable(f)["typical_trough"]["trading_day"] == 15


def test_asof_is_the_last_common_date_of_the_frame():
    """No as-of parameter: the study stops where both series have a close."""
    pair = planted_pair(end="2021-03-31")
    pair.loc["2021-01-08":, "LARGE"] = np.nan  # the large-cap series ends early (stale)
    s = tl.turn_of_year(pair, start="1990-01-01")
    assert s.asof == pd.Timestamp("2021-01-07")
    assert s.incomplete == {2020: "rebound window not complete"}
    assert s.prices.index[-1] == s.asof and s.asof_info is None
    with pytest.raises(TypeError):
        tl.turn_of_year(pair, asof="2020-06-30")


def test_summary_and_to_frame(planted):
    summ = planted.summary()
    assert list(summ.columns) == ["pressure", "rebound"]
    assert summ.at["window", "pressure"] == "12-01 to 12-20"
    assert summ.at["window", "rebound"] == "12-21 to 01-15"
    assert summ.at["mean_rel_pct", "rebound"] == pytest.approx(
        planted.years["rebound_rel"].mean())
    table = planted.to_frame()
    assert len(table) == 31 and table.index.name == "year"
    assert list(table.columns[:7]) == ["pressure_rel_pp", "rebound_rel_pp", "pressure_small_pct",
                                       "rebound_small_pct", "pressure_large_pct",
                                       "rebound_large_pct", "ytd_rel_pp"]
    assert table.at[2005, "pressure_rel_pp"] == planted.years.at[2005, "pressure_rel"]
    assert table.at[2005, "pressure_first"] == "2005-12-01"
    assert set(table["ytd_group"]) == {"losers", "middle", "winners"}


def test_windows_are_normalised_month_days():
    s = tl.turn_of_year(planted_pair(end="1995-03-01"), pressure_window=["12-1", "12-20"])
    assert s.windows["pressure"] == ("12-01", "12-20")
    assert s.summary().at["window", "pressure"] == "12-01 to 12-20"


def test_years_reading_names_extremes(planted):
    text = planted.reading("years")
    y = planted.years
    lo = y["pressure_rel"].idxmin()
    assert f"weakest for small caps in {lo}" in text
    assert "Latest complete season (2020)" in text


# ------------------------------------------------------------------------------------------
# inference: baselines, leave-one-season-out, joint test across start dates
# ------------------------------------------------------------------------------------------


def test_forward_returns_hand_computed():
    px = pd.Series([100.0, 110.0, 121.0, 133.1, 100.0],
                   index=pd.bdate_range("2020-01-01", periods=5))
    f = inference.forward_returns(px, 2)
    # the window of 2 trading days starting on day i runs from the close of day i-1
    assert np.isnan(f.iloc[0]) and np.isnan(f.iloc[4])
    assert f.iloc[1] == pytest.approx(21.0) and f.iloc[2] == pytest.approx(21.0)
    assert f.iloc[3] == pytest.approx((100.0 / 121.0 - 1) * 100)
    assert inference.forward_returns(px, 5).isna().all()
    assert inference.horizon(pd.Series([14, 15, 15, 16])) == 15
    assert inference.horizon(pd.Series([14, 15])) == 15  # 14.5 rounds half up
    assert inference.horizon(pd.Series([], dtype=float)) is None


def test_window_design_carries_each_season_on_its_first_day():
    idx = pd.bdate_range("2020-01-01", periods=6)
    fwd = pd.Series([np.nan, 1.0, 2.0, 3.0, 4.0, np.nan], index=idx)
    first = pd.Series({2019: idx[2], 2020: idx[4]})
    window = pd.Series({2019: 9.0, 2020: -9.0})
    v, flags = inference.window_design(fwd, first, window, start=idx[1])
    assert list(v.index) == list(idx[1:])
    assert v.tolist()[:4] == [1.0, 9.0, 3.0, -9.0] and np.isnan(v.iloc[-1])
    assert flags.tolist() == [False, True, False, True, False]


@pytest.mark.parametrize("excess, p, predicted, n, verdict", [
    (1.0, 0.01, 1, 30, "shows"), (1.0, 0.05, 1, 30, "shows"), (1.0, 0.06, 1, 30, "average"),
    (-1.0, 0.001, 1, 30, "absent"), (0.0, 0.9, 1, 30, "absent"), (-1.0, 0.01, -1, 30, "shows"),
    (1.0, 0.01, -1, 30, "absent"), (1.0, 0.01, 1, 1, "untestable"),
    (1.0, np.nan, 1, 30, "untestable"),
])
def test_classify(excess, p, predicted, n, verdict):
    assert inference.classify(excess, p, predicted, n) == verdict


def test_excess_is_the_window_mean_minus_all_windows_of_its_length(planted):
    """Plain numpy: the h-day forward relative return from every day since 1990, each season's
    first day carrying its own window; the baseline is its mean, the excess the window mean
    minus it."""
    px = planted.prices
    y = planted.years
    for which in ("pressure", "rebound"):
        h = int(np.floor(np.median(y[f"{which}_days"]) + 0.5))
        a = px.to_numpy()
        fwd = np.full(len(a), np.nan)
        fwd[1: len(a) - h + 1] = ((a[h:, 0] / a[:-h, 0]) - (a[h:, 1] / a[:-h, 1])) * 100
        v = pd.Series(fwd, index=px.index).loc["1990-01-01":]
        v.loc[pd.DatetimeIndex(y[f"{which}_first"])] = y[f"{which}_rel"].to_numpy()
        test = planted.window_test(which)
        assert test["horizon_days"] == h
        assert test["baseline_pp"] == pytest.approx(v.mean(), abs=1e-12)
        assert test["excess_pp"] == pytest.approx(y[f"{which}_rel"].mean() - v.mean(),
                                                  abs=1e-12)
        assert test["mean_pp"] == pytest.approx(planted.window_stats(which)["mean_rel_pct"])
        assert test["median_pp"] == pytest.approx(y[f"{which}_rel"].median())
        assert test["n"] == test["episodes"] == 31
    assert planted.window_test("rebound") is planted.window_test("rebound")  # computed once


def _with_daily_extra(pair, extra, mask=None):
    r = pair["SMALL"].pct_change().fillna(0.0)
    r = r + (extra if mask is None else np.where(mask, extra, 0.0))
    return pair.assign(SMALL=100 * (1 + r).cumprod())


def test_drift_alone_is_no_playbook_effect():
    """Small caps outperform by 0.05 % every day, no seasonal effect: against zero both windows
    are hugely 'significant' (t > 5), against the typical window of the same length nothing
    is there, and the prose says so."""
    s = tl.turn_of_year(_with_daily_extra(planted_pair(dip=0.0, rally=0.0), 0.0005),
                        start="1990-01-01")
    r, test = s.window_stats("rebound"), s.window_test("rebound")
    assert r["t"] > 5 and r["mean_rel_pct"] > 0.6
    assert test["baseline_pp"] > 0.6 and abs(test["excess_pp"]) < 0.3 and test["p"] > 0.1
    assert test["verdict"] in ("average", "absent")
    assert s.window_stats("pressure")["t"] > 5  # a 'rise', against zero
    text = s.reading("windows")
    assert "the playbook's rebound shows up." not in text
    assert "the playbook's December dip shows up." not in text
    # the same drift with a planted rebound on top: the excess finds the rebound alone
    pair = planted_pair(dip=0.0, rally=0.3)
    s2 = tl.turn_of_year(_with_daily_extra(pair, 0.0005), start="1990-01-01")
    plain = tl.turn_of_year(pair, start="1990-01-01")
    assert s2.window_test("rebound")["verdict"] == "shows"
    assert s2.window_test("rebound")["excess_pp"] == pytest.approx(
        plain.window_test("rebound")["excess_pp"], abs=0.15)


def test_one_season_carrying_the_rebound_is_named():
    """Every season's rebound is slightly negative except 2005's (+35 pp): the mean is positive
    only because of 2005, and the leave-one-season-out check names it."""
    pair = planted_pair(dip=0.0, rally=-0.05)
    s = tl.turn_of_year(_with_daily_extra(pair, 0.02, (pair.index >= "2005-12-21")
                                          & (pair.index <= "2006-01-13")), start="1990-01-01")
    test = s.window_test("rebound")
    assert s.years.at[2005, "rebound_rel"] > 30 and s.window_stats("rebound")["median_rel_pct"] < 0
    assert test["mean_pp"] > 0 and test["trimmed_mean_pp"] < 0
    assert test["verdict"] == "average" and test["loo_flips"] == [2005]
    assert "removing 2005 alone would change this verdict" in s.reading("windows")


def test_group_leave_one_out_names_the_winner_season_that_hides_a_difference():
    years = pd.DataFrame({
        "ytd_group": ["losers"] * 5 + ["winners"] * 5 + ["middle"],
        "rebound_rel": [1.0, 1.2, 0.8, 1.1, 0.9, 0.0, 0.2, -0.2, 0.1, 3.0, 9.0],
        "pressure_rel": [0.0] * 11}, index=pd.Index(range(2000, 2011), name="year"))
    g = _group_test(years)
    assert (g["losers_n"], g["winners_n"]) == (5, 5)
    assert abs(g["rebound_welch_t"]) < 1 and not g["rebound_significant"]
    assert g["loo_flips"] == [2009]  # without the +3.0 winner season, losers rebound more
    clean = years.assign(rebound_rel=[1.0, 1.2, 0.8, 1.1, 0.9, 0.0, 0.2, -0.2, 0.1, 0.05, 9.0])
    g2 = _group_test(clean)
    assert g2["rebound_welch_t"] > 5 and g2["loo_flips"] == []


@pytest.fixture(scope="module")
def late_december():
    """A rally of 0.3 % a day from Dec 22 to Dec 31 only, no dip."""
    return tl.turn_of_year(planted_pair(dip=0.0, rally=0.3, rally_days=("12-22", "12-31")),
                           start="1990-01-01").sensitivity()


def test_joint_test_finds_a_late_december_effect_once(late_december):
    sens = late_december
    j = sens.joint
    assert j["p"] < 0.01 and j["max_abs_t"] > j["critical_t"] and j["columns"] == 19
    assert j["block"] == int(sens.table["horizon_days"].max())
    # every window through the end of December holds the effect: all start dates "survive"
    rec = sens.figures()["rebound_sensitivity"]
    assert rec["q_survivors"] == 19 and rec["joint_survivors"] == 19
    # later starts hold fewer of the rally's days and less excess
    assert sens.table.at["12-28", "excess_pp"] < sens.table.at["12-21", "excess_pp"] / 2
    text = sens.reading()
    assert "one test, not 19" in text
    assert "The rebound's excess is not an artefact of the chosen start date." in text
    assert "this counts one effect, not 19." in text


@pytest.mark.parametrize("seed", [1, 2])
def test_joint_test_does_not_reject_without_an_effect(seed):
    sens = tl.turn_of_year(planted_pair(dip=0.0, rally=0.0, seed=seed),
                           start="1990-01-01").sensitivity()
    assert sens.joint["p"] > 0.1
    assert (sens.table["adjusted_p"] >= sens.table["p"] - 1e-12).all()  # adjusting never helps
    assert sens.figures()["rebound_sensitivity"]["joint_survivors"] == 0
    assert "No start date's excess survives the joint test" in sens.reading()


def test_max_t_test_holds_its_size_on_overlapping_windows():
    """40 null data sets of 30 seasons, 10 overlapping windows sharing their end (lengths 20 to
    11 days): the joint test rejects at about its 5 % level, its critical |t| lies between the
    single-test 1.96 and Bonferroni's 2.81 (the windows are strongly dependent), and a planted
    excess in the last five days before the end is found."""
    rng = np.random.default_rng(42)
    n_seasons, step = 30, 120
    ends = np.arange(n_seasons) * step + 100
    idx = pd.RangeIndex(n_seasons * step)

    def design(r):
        px = pd.Series(100 * np.cumprod(1 + r / 100), index=idx)
        values, flags = {}, {}
        for k, h in enumerate(range(20, 10, -1)):
            f = inference.forward_returns(px, h)
            flag = pd.Series(False, index=idx)
            flag.iloc[ends - h + 1] = True
            values[k], flags[k] = f, flag
        return pd.DataFrame(values), pd.DataFrame(flags)

    rejections, crit = 0, []
    for _ in range(40):
        v, f = design(rng.normal(0.0, 1.0, len(idx)))
        out = inference.max_t_test(v, f, block=20, n_boot=499, seed=0)
        rejections += out["p"] <= 0.05
        crit.append(out["critical_t"])
    assert rejections <= 6  # P(>= 7 of 40 | 5 %) is about 0.3 %
    assert 1.96 < np.median(crit) < 2.81
    r = rng.normal(0.0, 1.0, len(idx))
    for e in ends:
        r[e - 4: e + 1] += 1.0
    out = inference.max_t_test(*design(r), block=20, n_boot=499, seed=0)
    assert out["p"] < 0.01 and out["excess"].min() > 3


# ------------------------------------------------------------------------------------------
# real data: the baselines pinned against plain pandas
# ------------------------------------------------------------------------------------------


def _plain_window_test(rut, spx, start_md, end_md, first_year, last_year, sample_start):
    """Plain pandas: each season's window (first session on/after start to last on/before
    end), the median length h, the h-day forward relative return from every day of the sample
    with each season's first day carrying its own window; returns (h, window mean, baseline)."""
    both = pd.concat([rut, spx], axis=1, join="inner").dropna()
    pos = pd.Series(np.arange(len(both)), index=both.index)
    firsts, rels, lengths = [], [], []
    for year in range(first_year, last_year + 1):
        s = pd.Timestamp(f"{year}-{start_md}")
        e = pd.Timestamp(f"{year + int(end_md < start_md)}-{end_md}")
        inside = both.loc[s:e]
        base = both.loc[: s - pd.Timedelta(days=1)].iloc[-1]
        r = (inside.iloc[-1] / base - 1) * 100
        firsts.append(inside.index[0])
        rels.append(r.iloc[0] - r.iloc[1])
        lengths.append(pos[inside.index[-1]] - pos[inside.index[0]] + 1)
    h = int(np.floor(np.median(lengths) + 0.5))
    ratio = both.shift(-(h - 1)) / both.shift(1)
    fwd = (ratio.iloc[:, 0] - ratio.iloc[:, 1]) * 100
    v = fwd.loc[sample_start:].copy()
    v.loc[firsts] = rels
    return h, float(np.mean(rels)), float(v.mean())


def test_real_excess_as_of_2024_12_27_against_plain_pandas(shared_market):
    from conftest import plain_closes
    from smallcaps import calendar, data

    prices = data.load(["RUT", "SPX"], start=calendar.lookback_start("1988-01-01"),
                       asof="2024-12-27", source="csv", data_dir=shared_market)
    s = tl.turn_of_year(prices[["RUT", "SPX"]], start="1988-01-01")
    rut = plain_closes(shared_market, "RUT").loc[:"2024-12-27"]
    spx = plain_closes(shared_market, "GSPC").loc[:"2024-12-27"]
    f = s.figures()
    for which, (a, b) in (("rebound", ("12-21", "01-15")), ("pressure", ("12-01", "12-20"))):
        h, mean, baseline = _plain_window_test(rut, spx, a, b, 1988, 2023, "1988-01-01")
        rec = f[f"{which}_window"]
        assert rec["horizon_days"] == h
        assert rec["baseline_pp"] == pytest.approx(baseline, abs=1e-9)
        assert rec["excess_pp"] == pytest.approx(mean - baseline, abs=1e-9)
        assert rec["episodes"] == rec["n"] == 36
    r = f["rebound_window"]
    assert r["horizon_days"] == 16
    assert r["excess_pp"] == pytest.approx(1.0953036351913747, abs=1e-9)
    assert r["baseline_pp"] == pytest.approx(0.01371069170829376, abs=1e-9)
    # the rebound survives its baseline (p about 0.01) and rests on no single season
    assert r["ci_low"] > 0 and r["p"] < 0.05 and r["verdict"] == "shows"
    assert r["loo_flips"] == []
    p = f["pressure_window"]
    assert p["horizon_days"] == 14 and p["excess_pp"] == pytest.approx(0.1978906788677623,
                                                                       abs=1e-9)
    assert p["verdict"] == "absent" and p["p"] > 0.5
    sens = s.sensitivity().figures()["rebound_sensitivity"]
    assert sens["default_excess_pp"] == r["excess_pp"]
    assert sens["joint_p"] < 0.05 and sens["joint_at"] == "12-16"
    assert (sens["q_survivors"], sens["joint_survivors"]) == (14, 9)


def test_too_few_seasons_are_not_tested():
    """With three seasons the block bootstrap of their mean barely varies (one season would
    always look significant): no interval, no p-value, no verdict, no joint test."""
    s = tl.turn_of_year(planted_pair(start="1989-10-01", end="1992-02-28"))
    assert len(s.years) == 3
    test = s.window_test("rebound")
    assert test["excess_pp"] > 2 and np.isnan(test["p"]) and np.isnan(test["ci_low"])
    assert test["verdict"] == "untestable" and test["loo_flips"] == []
    assert "The playbook's rebound cannot be tested with so few seasons." in s.reading("windows")
    sens = s.sensitivity()
    assert sens.table["p"].isna().all() and np.isnan(sens.joint["p"])
    assert sens.reading().endswith("too few seasons for the joint test.")
