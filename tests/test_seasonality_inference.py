"""The baselines of the seasonality study: forward returns of a fixed length from every period,
the excess test with its verdict and leave-one-out search, and what they change: drift is not
seasonality, a planted effect is found, the reverse is read as the reverse; q-values against
statsmodels; real-data pins against plain pandas computations (shared data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import plain_closes
from scipy import stats as sps
from smallcaps import calendar, stats
from smallcaps import seasonality as se
from smallcaps.seasonality import _inference as inf
from statsmodels.stats.multitest import multipletests
from test_seasonality import planted, sessions

# ------------------------------------------------------------------------------------------
# forward returns, verdicts
# ------------------------------------------------------------------------------------------


def test_forward_returns_hand_computed_and_start():
    idx = pd.bdate_range("2024-01-01", periods=5)
    p = pd.Series([100.0, 110.0, 121.0, 133.1, 100.0], index=idx)
    f = inf.forward_returns(p, 2)
    assert f.iloc[:3].tolist() == pytest.approx([21.0, 21.0, (100 / 121 - 1) * 100])
    assert f.iloc[3:].isna().all()
    # windows whose first session is on or after the 3rd date: the base is the 2nd date
    assert list(inf.forward_returns(p, 2, start=idx[2]).index) == list(idx[1:])
    other = pd.Series([50.0, 50.0, 55.0, 55.0, 55.0], index=idx)
    spread = inf.forward_spread(p, other, 2)
    assert spread.iloc[0] == pytest.approx(21.0 - 10.0)


def test_months_forward_compounds_consecutive_months_only():
    idx = pd.PeriodIndex(["2024-01", "2024-02", "2024-03", "2024-05", "2024-06"], freq="M")
    r = pd.Series([10.0, -10.0, 5.0, 2.0, 3.0], index=idx)
    two = inf.months_forward(r, 2)
    assert two.iloc[0] == pytest.approx((1.1 * 0.9 - 1) * 100)
    assert two.iloc[1] == pytest.approx((0.9 * 1.05 - 1) * 100)
    assert np.isnan(two.iloc[2])  # April is missing: no window bridges the gap
    assert two.iloc[3] == pytest.approx((1.02 * 1.03 - 1) * 100) and np.isnan(two.iloc[4])


def test_verdict_levels():
    assert inf.P_LEVEL == 0.05
    assert inf.verdict(1.0, 0.049, 10) == "above"
    assert inf.verdict(-1.0, 0.049, 10) == "below"
    assert inf.verdict(1.0, 0.05, 10) == "indistinct"
    assert inf.verdict(1.0, 0.001, 2) == "untested"
    assert inf.verdict(1.0, np.nan, 10) == "untested"


# ------------------------------------------------------------------------------------------
# excess test and leave-one-out
# ------------------------------------------------------------------------------------------


def _sample(seed: int, lift: float, n: int = 240, every: int = 12):
    rng = np.random.default_rng(seed)
    v = pd.Series(rng.normal(0.5, 2.0, n))
    flags = pd.Series(np.arange(n) % every == 0)
    v[flags] += lift
    labels = pd.Series(np.arange(n) // every + 2000).where(flags)
    return v, flags, labels


def test_excess_test_is_baseline_test_plus_verdict():
    v, flags, labels = _sample(1, 3.0)
    got = inf.excess_test(v, flags, 12, labels)
    ref = stats.baseline_test(v, flags, block=12, n_boot=inf.N_BOOT, seed=inf.SEED)
    assert got["excess"] == pytest.approx(v[flags].mean() - v.mean())
    assert got["p"] == ref["p_value"] and got["ci_low"] == ref["ci_low"]
    assert got["verdict"] == "above" and got["episodes"] == 20
    down = inf.excess_test(*_sample(1, -3.0)[:2], 12, labels)
    assert down["verdict"] == "below"
    none = inf.excess_test(*_sample(1, 0.0)[:2], 12, labels)
    assert none["verdict"] == "indistinct" and none["loo"] == []


@pytest.mark.parametrize("seed,lift", [(14, 0.8), (25, 1.0), (12, 0.8), (22, -0.9), (13, 0.8),
                                       (2, 1.2)])
def test_ordered_leave_one_out_matches_the_exhaustive_search(seed, lift):
    """The ordered search (most influential first, stop at the first non-flip) names exactly
    the labels stats.leave_one_out finds by re-testing without every label."""
    v, flags, labels = _sample(seed, lift)
    got = inf.excess_test(v, flags, 12, labels)
    full = got["verdict"]
    sample = pd.Series(v[flags].to_numpy(), index=labels[flags].astype(int).to_numpy())

    def verdict(s: pd.Series) -> str:
        gone = set(sample.index) - set(s.index)
        keep = ~labels.isin(gone).to_numpy()
        return inf.excess_test(v[keep], flags[keep], 12, labels[keep])["verdict"]

    exhaustive = stats.leave_one_out(sample, verdict)
    assert verdict(sample) == full
    if len(exhaustive) <= inf.MAX_FLIPS:
        assert got["loo"] == exhaustive and not got["loo_more"]
    else:
        assert set(got["loo"]) <= set(exhaustive) and got["loo_more"]


def test_leave_one_out_unflags_a_window_but_keeps_its_days():
    v, flags, labels = _sample(7, 3.0)
    v[0] = -60.0  # one crash among strong flagged values
    kept = inf.excess_test(v, flags, 12, labels, drop_rows=False)
    assert kept["verdict"] == "indistinct" and kept["loo"] == [2000]
    # without the flag the day stays in the baseline: the re-test's baseline includes it
    again = inf._test(v, flags & (labels != 2000), 12)
    assert again["baseline"] == pytest.approx(v.mean()) and again["verdict"] == "above"
    dropped = inf._test(v.iloc[1:], flags.iloc[1:], 12)
    assert dropped["baseline"] == pytest.approx(v.iloc[1:].mean())


# ------------------------------------------------------------------------------------------
# Santa Claus rally against every 7-day window
# ------------------------------------------------------------------------------------------


def _daily(daily_pct: float, santa_extra: float, seed: int, noise: float = 0.8):
    idx = sessions("1994-11-01", "2024-01-31", holidays=[])
    rng = np.random.default_rng(seed)
    r = daily_pct / 100 + rng.normal(0, noise / 100, len(idx))
    for _, w in se.santa_claus_windows(idx).iterrows():
        r[(idx > w["base"]) & (idx <= w["last"])] += santa_extra / 100 / 7
    return pd.Series(100 * np.cumprod(1 + r), index=idx, name="X")


def test_drift_alone_is_not_a_santa_rally():
    """A market that rises every week gives a 'significant' Santa mean against zero; against
    the average 7-day window there is nothing."""
    santa = se.santa_claus_rally(_daily(0.12, 0.0, seed=11).to_frame())
    row = santa.tests.loc["X"]
    assert row["mean"] > 0.5 and santa.summary().at["X", "t_vs_zero"] > 1.96
    assert abs(row["excess"]) < 0.5 and row["verdict"] == "indistinct"
    assert row["baseline"] == pytest.approx(0.84, abs=0.15)  # 7 days of +0.12 %


def test_planted_santa_rally_found_and_reverse_read_as_reverse():
    up = se.santa_claus_rally(_daily(0.03, 2.0, seed=12).to_frame()).tests.loc["X"]
    assert up["verdict"] == "above" and up["excess"] == pytest.approx(2.0, abs=0.6)
    down = se.santa_claus_rally(_daily(0.03, -2.0, seed=12).to_frame()).tests.loc["X"]
    assert down["verdict"] == "below" and down["excess"] == pytest.approx(-2.0, abs=0.6)
    assert up["episodes"] == up["n"] == 30  # Decembers 1994..2023, one window a year


def test_santa_excess_equals_a_plain_computation():
    p = _daily(0.05, 0.5, seed=13)
    santa = se.santa_claus_rally(p.to_frame(), start="1995-01-01")
    fwd = (p.shift(-7) / p - 1) * 100
    fwd = fwd.loc[p.index[p.index < "1995-01-01"][-1]:].dropna()
    rally = santa.table["X"].dropna()
    row = santa.tests.loc["X"]
    assert row["baseline"] == pytest.approx(fwd.mean())
    assert row["excess"] == pytest.approx(rally.mean() - fwd.mean())
    assert row["mean"] == pytest.approx(rally.mean())


# ------------------------------------------------------------------------------------------
# month cells: q against statsmodels, election Novembers
# ------------------------------------------------------------------------------------------


def test_month_q_values_are_benjamini_hochberg_over_the_whole_table():
    m = se.monthly_returns(planted(2.0, 1.0, noise=2.0), relative=["SMALL", "LARGE"])
    table = se.month_of_year_stats(m).table
    expected = multipletests(table["p"].to_numpy(), method="fdr_bh")[1]
    assert table["q"].to_numpy() == pytest.approx(expected)
    assert (table["survives"] == (table["q"] <= 0.10)).all()


def test_election_november_excess_against_every_month():
    months = pd.period_range("1987-11", "2019-12", freq="M")
    rng = np.random.default_rng(3)
    vals = pd.Series([(4.0 if p.year % 4 == 0 else 1.0) + rng.normal(0, 0.5) if p.month == 11
                      else rng.normal(0.5, 1.0) for p in months], index=months)
    m = se.MonthlyReturns(table=pd.DataFrame({"S": vals}), partial=None,
                          asof=pd.Timestamp("2019-12-31"), series=["S"])
    e = se.election_years(m)
    t = e.tests.loc[("S", "election_years")]
    election = vals[(vals.index.month == 11) & (vals.index.year % 4 == 0)]
    assert t["excess"] == pytest.approx(election.mean() - vals.mean())
    assert t["verdict"] == "above" and t["n"] == 8
    two = ((1 + vals / 100) * (1 + vals.shift(-1) / 100) - 1) * 100
    assert t["nov_dec_excess"] == pytest.approx(two[election.index].mean() - two.mean())
    rec = e.figures()["election_year_november"]["S"]["election_years"]
    assert rec["excess_pct"] == pytest.approx(t["excess"]) and rec["n"] == 8
    assert "nov_dec_excess_pct" in rec and "loo_flip_years" in rec


# ------------------------------------------------------------------------------------------
# real data (shared): pins against plain pandas
# ------------------------------------------------------------------------------------------

SERIES = ["RUT", "SPX", "NDX", "DJI"]
ASOF = "2024-12-15"  # a Sunday: the data's as-of is Friday 2024-12-13


@pytest.fixture(scope="module")
def real(shared_market_module):
    from smallcaps import data

    prices = data.load(SERIES, start=calendar.lookback_start("1988-01-01"), asof=ASOF,
                       source="csv", data_dir=shared_market_module)
    monthly = se.monthly_returns(prices, start="1988-01-01", relative=["RUT", "SPX"])
    return prices, monthly, shared_market_module


@pytest.fixture(scope="module")
def real_stats(real):
    return se.month_of_year_stats(real[1])


def _plain_santa(close: pd.Series, asof: str, start: str) -> tuple[float, float]:
    """Mean Santa window and mean 7-day window, plain pandas (the csv's own dates)."""
    c = close.loc[:asof].dropna()
    rally = []
    for y in range(int(start[:4]), c.index[-1].year):
        dec = c[(c.index.year == y) & (c.index.month == 12)]
        jan = c[(c.index.year == y + 1) & (c.index.month == 1)]
        if len(jan) >= 2:
            rally.append((jan.iloc[1] / dec.iloc[-6] - 1) * 100)
    fwd = (c.shift(-7) / c - 1) * 100
    fwd = fwd.loc[c.index[c.index < start][-1]:].dropna()
    return float(np.mean(rally)), float(fwd.mean())


def test_real_spx_santa_excess_matches_plain_pandas(real):
    prices, _, folder = real
    santa = se.santa_claus_rally(prices, start="1988-01-01", relative=["RUT", "SPX"])
    mean, baseline = _plain_santa(plain_closes(folder, "GSPC"), "2024-12-13", "1988-01-01")
    row = santa.tests.loc["SPX"]
    assert row["mean"] == pytest.approx(mean) and row["baseline"] == pytest.approx(baseline)
    assert row["excess"] == pytest.approx(mean - baseline)
    # the audit: t 2.1 against zero, about 1.5 against the ~+0.26 % baseline
    assert round(row["mean"], 3) == 0.873 and round(row["baseline"], 3) == 0.275
    assert round(row["excess"], 3) == 0.598 and row["p"] > 0.05
    assert row["verdict"] == "indistinct" and row["n"] == row["episodes"] == 36
    assert santa.summary().at["SPX", "t_vs_zero"] == pytest.approx(2.137, abs=1e-3)
    fig = santa.figures()["santa_rally"]["SPX"]
    assert fig["excess_pct"] == pytest.approx(row["excess"])


def test_real_month_q_matches_statsmodels_and_nothing_survives(real_stats):
    table = real_stats.table
    assert table["enough_years"].all() and len(table) == 60
    q = multipletests(table["p"].to_numpy(), method="fdr_bh")[1]
    assert table.at[("RUT", "November"), "q"] == pytest.approx(q[table.index.get_loc(
        ("RUT", "November"))])
    assert table["q"].to_numpy() == pytest.approx(q)
    # 17 cells have |t| >= 1.96 against zero, 10 differ from their average month at 5 %
    # one at a time, and none survives the false-discovery control at 10 %
    assert real_stats.fdr == {"cells": 60, "surviving": 0, "surviving_cells": [],
                              "distinct": 10, "t_vs_zero": 17, "q_level": 0.10}
    assert table["q"].min() == pytest.approx(0.18, abs=0.01)  # DJI November


def test_real_rut_november_against_the_other_months_matches_plain_pandas(real, real_stats):
    folder = real[2]
    rut = plain_closes(folder, "RUT").loc[:"2024-11-30"]
    monthly = (rut.resample("ME").last().pct_change() * 100).loc["1988-01":]
    nov = monthly[monthly.index.month == 11]
    cell = real_stats.table.loc[("RUT", "November")]
    assert cell["baseline"] == pytest.approx(monthly.mean())
    assert cell["excess"] == pytest.approx(nov.mean() - monthly.mean())
    welch = sps.ttest_ind(nov, monthly[monthly.index.month != 11], equal_var=False).statistic
    assert cell["welch_t_vs_other_months"] == pytest.approx(welch)
    assert round(cell["t"], 1) == 2.5 and round(welch, 1) == 1.7  # the audit's two numbers
    assert cell["verdict"] == "indistinct" and 0.05 < cell["p"] < 0.10
    assert cell["trimmed_mean"] == pytest.approx(sps.trim_mean(nov, 0.1))


def test_real_best_six_months_spx_matches_plain_pandas(real):
    prices, monthly, folder = real
    six = se.best_six_months(monthly)
    spx = plain_closes(folder, "GSPC").loc[:"2024-11-30"].resample("ME").last()
    winter = (spx / spx.shift(6) - 1) * 100  # six months to each month-end
    nov_apr = winter[(winter.index.month == 4) & (winter.index.year >= 1989)]
    may_oct = winter[(winter.index.month == 10) & (winter.index.year >= 1988)]
    may_oct = may_oct[may_oct.index.year <= nov_apr.index.year.max()]
    y = six.years.loc["SPX"]
    assert y["nov_apr"].to_numpy() == pytest.approx(nov_apr.loc[:"2024"].to_numpy())
    assert y["may_oct"].to_numpy() == pytest.approx(may_oct.loc["1989":].to_numpy())
    d = six.difference.loc["SPX"]
    assert d["diff_pp"] == pytest.approx(nov_apr.mean() - may_oct.loc["1989":].mean())
    t = six.tests.loc[("SPX", "nov_apr")]
    assert d["ci_low"] == pytest.approx(2 * t["ci_low"]) and d["p"] == t["p"]
    assert six.verdicts["SPX"] == "supported"
