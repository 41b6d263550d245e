"""Tax-loss / turn-of-the-year timing (notebook 04): window mapping, planted dip and rebound,
exclusion of incomplete years, YTD groups, current phase, sensitivity, the results protocol
(summary / to_frame / figures / reading) and the as-of taken from the loaded frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from smallcaps import taxloss as tl
from smallcaps.errors import ParameterError


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
    assert "lagged large caps" in text and "the playbook's December dip shows up" in text
    assert "the playbook's rebound shows up" in text
    assert trough["vs_pressure"] == "inside"
    assert "inside the pressure window" in planted.reading("trough")


def test_planted_reverse_pattern_reads_as_contradicting_the_playbook():
    s = tl.turn_of_year(planted_pair(dip=0.3, rally=-0.3), start="1990-01-01")
    assert s.window_stats("pressure")["mean_rel_pct"] > 2
    assert s.window_stats("rebound")["mean_rel_pct"] < -2
    text = s.reading("windows")
    assert "the playbook's December dip does not show up" in text
    assert "the playbook's rebound does not show up" in text
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
    g = tl._terciles(x)
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
    assert set(rec) == {"losers", "winners"}
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
    # starting inside the planted dip (before Dec 18) drags the rebound down
    assert table.at["12-10", "mean_rel_pct"] < table.at["12-21", "mean_rel_pct"] - 1
    text = sens.reading()
    assert "12-10" in text and "19 start dates" in text
    assert sens.reading("sensitivity") == text == planted.reading("sensitivity")
    assert sens.summary().index.name == "rebound start (end 01-15)"
    assert sens.figures() == {}
    with pytest.raises(ParameterError):
        planted.sensitivity("12-28", "12-10")


def test_records_have_issue_keys(planted):
    rec = planted.figures()["pressure_window"]
    assert set(rec) == {"mean_rel_pct", "median_rel_pct", "hit_rate", "n", "t", "mean_small_pct"}
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


def test_real_figures_and_sensitivity_verdict_at_t_crit(shared_market):
    """Pins of notebook 04 as of 2024-12-27 (also checked end to end in test_nb04), and the one
    verdict the kit's critical t of 1.96 (was 2.0) changes there: the rebound starting 12-23
    has t = 1.97, so 14 of 19 start dates are significant (13 with t >= 2)."""
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
    t = s.sensitivity("12-10", "12-28").table["t"]
    assert t["12-23"] == pytest.approx(1.9729, abs=1e-4)
    assert int((t >= 2.0).sum()) == 13 and int((t >= 1.96).sum()) == 14
    assert "statistically distinguishable from zero (t >= 1.96) for 14." in \
        s.sensitivity().reading()


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
