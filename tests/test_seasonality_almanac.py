"""The Almanac's companion indicators (smallcaps.seasonality.almanac): each definition by hand,
each claim planted, absent and reversed, the results protocol, and real-data pins against
plain pandas (shared data)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import plain_closes
from smallcaps import calendar, page
from smallcaps import seasonality as se
from statsmodels.stats.multitest import multipletests
from test_seasonality import sessions

YEARS = range(1980, 2020)


def monthly_result(columns: dict, spread: str | None = None) -> se.MonthlyReturns:
    """A MonthlyReturns of complete months; with ``spread`` the column small - large."""
    table = pd.DataFrame(columns)
    series = list(columns)
    if spread:
        small, large = spread.split("-")
        table[spread] = table[small] - table[large]
    table.index.name = "month"
    return se.MonthlyReturns(table=table, partial=None, asof=table.index[-1].end_time.normalize(),
                             series=series, spread=spread)


def months(rule, seed: int, noise: float = 2.0) -> pd.Series:
    """Monthly returns (percent) 1980-01..2019-12: ``rule(year, month, rng)`` plus noise."""
    idx = pd.period_range("1980-01", "2019-12", freq="M")
    rng = np.random.default_rng(seed)
    state: dict = {}
    vals = [rule(p.year, p.month, rng, state) + rng.normal(0, noise) for p in idx]
    return pd.Series(vals, index=idx)


def daily(rule, seed: int, start="1989-11-01", end="2019-12-31", noise=0.6) -> pd.Series:
    """Daily closes on weekday sessions: ``rule(index) -> extra daily % per day`` plus noise."""
    idx = sessions(start, end, holidays=[])
    rng = np.random.default_rng(seed)
    r = (rule(idx, rng) + rng.normal(0, noise, len(idx))) / 100
    return pd.Series(100 * np.cumprod(1 + r), index=idx)


def assert_protocol(result, key: str):
    assert result.narrative == "seasonality_almanac"
    summ = result.summary()
    assert "q" in summ.columns and "excess_pp" in summ.columns and "unit" in summ.columns
    assert isinstance(result.to_frame(), pd.DataFrame)
    figures = result.figures()
    assert list(figures) == [key]
    json.dumps(page.jsonable(figures))
    assert result.reading()
    assert result.tests["q"].to_numpy() == pytest.approx(
        multipletests(result.tests["p"].to_numpy(), method="fdr_bh")[1])


# ------------------------------------------------------------------------------------------
# January Barometer
# ------------------------------------------------------------------------------------------


def _barometer_rule(sign: float):
    def rule(year, month, rng, state):
        if month == 1:
            state["jan"] = rng.normal(0, 3.0)
            return state["jan"]
        return sign * (1.5 if state["jan"] > 0 else -1.5)
    return rule


def test_january_barometer_definition_by_hand():
    s = months(_barometer_rule(1.0), seed=1)
    b = se.january_barometer(monthly_result({"S": s}))
    y = b.years.loc["S"]
    r1999 = s[s.index.year == 1999]
    assert y.at[1999, "signal"] == pytest.approx(r1999.iloc[0])
    assert y.at[1999, "outcome"] == pytest.approx(((1 + r1999.iloc[1:] / 100).prod() - 1) * 100)
    assert bool(y.at[1999, "january_up"]) == (r1999.iloc[0] > 0)
    t = b.tests.loc[("S", "january_up")]
    assert t["baseline"] == pytest.approx(y["outcome"].mean())
    assert t["excess"] == pytest.approx(y.loc[y["january_up"], "outcome"].mean()
                                        - y["outcome"].mean())
    assert t["n"] == t["episodes"] == int(y["january_up"].sum())
    assert_protocol(b, "january_barometer")


def test_january_barometer_planted_absent_and_reversed():
    planted = se.january_barometer(monthly_result({"S": months(_barometer_rule(1.0), 2)}))
    assert planted.verdicts == {"S": "supported"}
    assert planted.difference.at["S", "diff_pp"] > 20
    reverse = se.january_barometer(monthly_result({"S": months(_barometer_rule(-1.0), 2)}))
    assert reverse.verdicts == {"S": "contradicted"}
    # absent: a seed where chance alone stays under 5 % (one seed in twenty would not)
    absent = se.january_barometer(monthly_result({"S": months(_barometer_rule(0.0), 3)}))
    assert absent.verdicts == {"S": "not supported"}


def test_january_barometer_of_the_spread_compounds_each_leg():
    s, lg = months(_barometer_rule(1.0), 3), months(_barometer_rule(0.0), 4)
    b = se.january_barometer(monthly_result({"S": s, "L": lg}, spread="S-L"))
    assert b.columns == ["S", "L", "S-L"] and b.units["S-L"] == "pp"
    y = b.years.loc["S-L"]
    a, c = s[s.index.year == 2000], lg[lg.index.year == 2000]
    assert y.at[2000, "signal"] == pytest.approx(a.iloc[0] - c.iloc[0])
    comp = ((1 + a.iloc[1:] / 100).prod() - (1 + c.iloc[1:] / 100).prod()) * 100
    assert y.at[2000, "outcome"] == pytest.approx(comp)
    fig = b.figures()["january_barometer"]["S-L"]
    assert set(fig) >= {"january_up", "january_down", "difference_pp", "welch_t", "verdict"}


# ------------------------------------------------------------------------------------------
# Best Six Months
# ------------------------------------------------------------------------------------------


def _six(winter: float, summer: float):
    return lambda year, month, rng, state: winter if month in (11, 12, 1, 2, 3, 4) else summer


def test_best_six_months_halves_by_hand_and_the_difference_test():
    s = months(_six(1.0, 0.0), 5)
    six = se.best_six_months(monthly_result({"S": s}))
    y = six.years.loc["S"]
    assert list(y.index) == list(range(1981, 2020))  # 1980's winter needs Nov-Dec 1979
    w = s.loc["1999-11":"2000-04"]
    assert y.at[2000, "nov_apr"] == pytest.approx(((1 + w / 100).prod() - 1) * 100)
    su = s.loc["2000-05":"2000-10"]
    assert y.at[2000, "may_oct"] == pytest.approx(((1 + su / 100).prod() - 1) * 100)
    t = six.tests.loc[("S", "nov_apr")]
    halves = np.r_[y["nov_apr"], y["may_oct"]]
    assert t["baseline"] == pytest.approx(halves.mean())
    d = six.difference.loc["S"]
    assert d["diff_pp"] == pytest.approx(2 * t["excess"])
    assert d["ci_low"] == pytest.approx(2 * t["ci_low"]) and d["p"] == t["p"]
    assert six.tests.loc[("S", "may_oct"), "excess"] == pytest.approx(-t["excess"])
    assert_protocol(six, "best_six_months")


def test_best_six_months_planted_absent_and_reversed():
    assert se.best_six_months(monthly_result({"S": months(_six(1.2, 0.0), 6)})).verdicts == {
        "S": "supported"}
    assert se.best_six_months(monthly_result({"S": months(_six(0.0, 1.2), 6)})).verdicts == {
        "S": "contradicted"}
    assert se.best_six_months(monthly_result({"S": months(_six(0.5, 0.5), 6)})).verdicts == {
        "S": "not supported"}


# ------------------------------------------------------------------------------------------
# First Five Days
# ------------------------------------------------------------------------------------------


def _ffd_rule(sign: float):
    def rule(idx, rng):
        extra = np.zeros(len(idx))
        for y in sorted(set(idx.year)):
            inside = np.flatnonzero(idx.year == y)
            up = rng.random() < 0.6
            extra[inside[:5]] = 0.6 if up else -0.6
            extra[inside[5:]] = sign * (0.15 if up else -0.15)
        return extra
    return rule


def test_first_five_days_definition_by_hand():
    p = daily(_ffd_rule(1.0), seed=7)
    ffd = se.first_five_days(p.to_frame("S"), start="1990-01-01")
    y = ffd.years.loc["S"]
    assert list(y.index) == list(range(1990, 2020))
    days = p.loc["2005"].index
    base = p.loc[:"2004-12-31"].index[-1]
    assert y.at[2005, "signal"] == pytest.approx((p[days[4]] / p[base] - 1) * 100)
    assert y.at[2005, "outcome"] == pytest.approx((p[days[-1]] / p[days[4]] - 1) * 100)
    assert_protocol(ffd, "first_five_days")


def test_first_five_days_planted_and_absent():
    assert se.first_five_days(daily(_ffd_rule(1.0), 8).to_frame("S")).verdicts == {
        "S": "supported"}
    assert se.first_five_days(daily(_ffd_rule(0.0), 8).to_frame("S")).verdicts == {
        "S": "not supported"}


# ------------------------------------------------------------------------------------------
# December Low
# ------------------------------------------------------------------------------------------


def _dec_rule(after_break: float):
    """Years alternate at random between a first quarter that falls (a break of the December
    low) and one that rises; April-December then drifts by ``after_break`` %/day after a
    break and +0.05 %/day otherwise."""
    def rule(idx, rng):
        extra = np.zeros(len(idx))
        for y in sorted(set(idx.year)):
            broke = rng.random() < 0.5
            q1 = (idx.year == y) & (idx.month <= 3)
            rest = (idx.year == y) & (idx.month >= 4)
            extra[q1] = -0.25 if broke else 0.25
            extra[rest] = after_break if broke else 0.05
        return extra
    return rule


def test_december_low_definition_by_hand():
    p = daily(_dec_rule(-0.1), seed=9, noise=0.4)
    dl = se.december_low(p.to_frame("S"), start="1990-01-01")
    y = dl.years.loc["S"]
    for year in (1995, 2004, 2013):
        low = p[(p.index.year == year - 1) & (p.index.month == 12)].min()
        q1 = p[(p.index.year == year) & (p.index.month <= 3)]
        assert bool(y.at[year, "break"]) == bool((q1 < low).any())
        end = p[p.index.year == year].iloc[-1]
        assert y.at[year, "outcome"] == pytest.approx((end / q1.iloc[-1] - 1) * 100)
        dec_close = p[p.index.year == year - 1].iloc[-1]
        assert y.at[year, "year_pct"] == pytest.approx((end / dec_close - 1) * 100)
    assert_protocol(dl, "december_low")


def test_december_low_planted_and_absent():
    planted = se.december_low(daily(_dec_rule(-0.15), 10, noise=0.4).to_frame("S"))
    assert planted.tests.loc[("S", "break"), "verdict"] == "below"
    assert planted.verdicts == {"S": "supported"}
    absent = se.december_low(daily(_dec_rule(0.05), 10, noise=0.4).to_frame("S"))
    assert absent.verdicts == {"S": "not supported"}


def test_december_low_of_the_spread_reads_the_price_ratio():
    small = daily(_dec_rule(-0.1), 11, noise=0.4)
    large = daily(lambda idx, rng: np.zeros(len(idx)), 12, noise=0.4)
    dl = se.december_low(pd.DataFrame({"S": small, "L": large}), relative=["S", "L"])
    ratio = small / large
    y = dl.years.loc["S-L"]
    low = ratio[(ratio.index.year == 2009) & (ratio.index.month == 12)].min()
    q1 = ratio[(ratio.index.year == 2010) & (ratio.index.month <= 3)]
    assert bool(y.at[2010, "break"]) == bool((q1 < low).any())
    end, mar = small.index[small.index.year == 2010][-1], q1.index[-1]
    expected = ((small[end] / small[mar]) - (large[end] / large[mar])) * 100
    assert y.at[2010, "outcome"] == pytest.approx(expected)


# ------------------------------------------------------------------------------------------
# mid-January reversal
# ------------------------------------------------------------------------------------------


def _rug(extra_pct: float):
    def rule(idx, rng):
        out = np.full(len(idx), 0.03)
        for y in sorted(set(idx.year)):
            jan = np.flatnonzero((idx.year == y) & (idx.month == 1))
            out[jan[-10:]] += extra_pct / 10
        return out
    return rule


def test_mid_january_window_by_hand_and_after_santa_flag():
    p = daily(_rug(-3.0), seed=13)
    rev = se.mid_january_reversal(p.to_frame("S"), start="1990-01-01")
    y = rev.years.loc["S"]
    jan = p.loc["2007-01"].index
    assert y.at[2007, "outcome"] == pytest.approx((p[jan[-1]] / p[jan[-11]] - 1) * 100)
    w = se.santa_claus_windows(p.index).loc[2006]
    santa = (p[w["last"]] / p[w["base"]] - 1) * 100
    assert y.at[2007, "signal"] == pytest.approx(santa)
    assert bool(y.at[2007, "after_santa_gain"]) == (santa > 0)
    t = rev.tests.loc[("S", "all_years")]
    fwd = (p.shift(-10) / p - 1) * 100
    fwd = fwd.loc[p.index[p.index < "1990-01-01"][-1]:].dropna()
    assert t["baseline"] == pytest.approx(fwd.mean())
    assert t["n"] == 30 and rev.difference.empty
    assert_protocol(rev, "mid_january_reversal")


def test_mid_january_rug_pull_planted_and_absent():
    planted = se.mid_january_reversal(daily(_rug(-3.0), 14).to_frame("S"))
    assert planted.tests.loc[("S", "all_years"), "verdict"] == "below"
    assert planted.verdicts == {"S": "supported"}
    # absent: a seed where chance alone stays under 5 % (one seed in twenty would not)
    absent = se.mid_january_reversal(daily(_rug(0.0), 17).to_frame("S"))
    assert absent.verdicts == {"S": "not supported"}


# ------------------------------------------------------------------------------------------
# real data (shared)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_market_module):
    from smallcaps import data

    prices = data.load(["RUT", "SPX", "NDX", "DJI"], start=calendar.lookback_start("1988-01-01"),
                       asof="2024-12-15", source="csv", data_dir=shared_market_module)
    return prices, se.monthly_returns(prices, start="1988-01-01", relative=["RUT", "SPX"]), \
        shared_market_module


def test_real_january_barometer_spx_matches_plain_pandas(real):
    _, monthly, folder = real
    b = se.january_barometer(monthly)
    spx = plain_closes(folder, "GSPC").loc[:"2023-12-31"]
    ends = spx.resample("ME").last()
    year_end = ends[ends.index.month == 12]
    rows = {}
    for y in range(1988, 2024):
        j = ends.loc[f"{y}-01"].iloc[0] / ends.loc[f"{y - 1}-12"].iloc[0] - 1
        rest = year_end.loc[f"{y}"].iloc[0] / ends.loc[f"{y}-01"].iloc[0] - 1
        rows[y] = (j > 0, rest * 100)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["up", "rest"])
    t = b.tests.loc[("SPX", "january_up")]
    assert t["n"] == frame["up"].sum() == 21
    assert t["excess"] == pytest.approx(frame.loc[frame["up"], "rest"].mean()
                                        - frame["rest"].mean())
    assert b.verdicts["SPX"] == "not supported"


def test_real_verdicts_as_of_2024_12_15(real):
    prices, monthly, _ = real
    kw = {"start": "1988-01-01", "relative": ["RUT", "SPX"]}
    six = se.best_six_months(monthly)
    assert six.verdicts == {"RUT": "supported", "SPX": "supported", "NDX": "not supported",
                            "DJI": "supported", "RUT-SPX": "not supported"}
    assert se.december_low(prices, **kw).verdicts["SPX"] == "not supported"
    rev = se.mid_january_reversal(prices, **kw)
    assert set(rev.verdicts.values()) == {"not supported"}
    assert rev.tests.loc[("SPX", "all_years"), "n"] == 37  # Januaries 1988..2024


def test_indicator_table_joins_the_summaries_with_groups_in_words():
    b = se.january_barometer(monthly_result({"S": months(_barometer_rule(1.0), 1)}))
    six = se.best_six_months(monthly_result({"S": months(_six(1.2, 0.0), 6)}))
    table = se.indicator_table(b, six)
    assert table.index.names == ["indicator", "series", "group"]
    assert list(table.index) == [("January Barometer", "S", "up January"),
                                 ("January Barometer", "S", "down January"),
                                 ("Best Six Months", "S", "November-April"),
                                 ("Best Six Months", "S", "May-October")]
    assert "baseline" in table.columns and "all_half_years_mean" not in table.columns
    assert table.loc[("Best Six Months", "S", "November-April"), "q"] == pytest.approx(
        six.tests.loc[("S", "nov_apr"), "q"])
    assert table.loc[("January Barometer", "S", "up January"), "baseline"] == pytest.approx(
        b.tests.loc[("S", "january_up"), "baseline"])
    from smallcaps.seasonality.almanac import GROUP_LABELS

    assert set(GROUP_LABELS) >= {g for cls in (se.JanuaryBarometer, se.FirstFiveDays,
                                                  se.DecemberLow, se.BestSixMonths,
                                                  se.MidJanuaryReversal) for g in cls.groups}
    assert se.indicator_table().empty
