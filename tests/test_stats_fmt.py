"""Shared statistics (smallcaps.stats) and number formatting (smallcaps.fmt)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from smallcaps import fmt, stats


def test_summarize_hand_computed():
    s = stats.summarize([1.0, 2.0, -3.0, 4.0, float("nan")])
    assert s["n"] == 4 and s["mean"] == 1.0 and s["median"] == 1.5 and s["hit_rate"] == 0.75
    std = math.sqrt(((0) ** 2 + 1 + 16 + 9) / 3)  # deviations 0, 1, -4, 3
    assert s["std"] == pytest.approx(std) and s["t"] == pytest.approx(1.0 / (std / 2))
    empty = stats.summarize([])
    assert empty["n"] == 0 and math.isnan(empty["mean"]) and math.isnan(empty["t"])
    assert math.isnan(stats.summarize([2.0, 2.0])["t"])  # no variance: no t
    one = stats.summarize([2.0])
    assert one["n"] == 1 and one["mean"] == 2.0 and math.isnan(one["t"])


def test_welch_t_hand_computed():
    # a: mean 2, var 1 (n 3); b: mean 0, var 4 (n 4): se = sqrt(1/3 + 1)
    t = stats.welch_t([1, 2, 3], [-2, -2, 2, 2])
    var_b = np.var([-2, -2, 2, 2], ddof=1)
    assert t == pytest.approx(2 / math.sqrt(1 / 3 + var_b / 4))
    assert math.isnan(stats.welch_t([1], [1, 2]))


@pytest.mark.parametrize("n, lags", [(1, 1), (100, 4), (1886, 7), (52, 3), (10_000, 11)])
def test_hac_maxlags_newey_west_rule(n, lags):
    assert stats.hac_maxlags(n) == lags


def test_percentile_of_last():
    assert stats.percentile_of_last([3, 1, 2, 4]) == 100.0
    assert stats.percentile_of_last([3, 1, 2, 1]) == 50.0
    assert math.isnan(stats.percentile_of_last([]))


@pytest.mark.parametrize("func, value, text", [
    (fmt.pct, 1.234, "+1.2%"), (fmt.pct, -0.04, "0.0%"), (fmt.pct, -12345.6, "-12,345.6%"),
    (fmt.pct, float("nan"), "n/a"), (fmt.pp, 0.81, "+0.8 pp"), (fmt.pp, None, "n/a"),
    (fmt.bp, -7.2, "-7 bp"), (fmt.level, 2434.72998, "2,434.73"), (fmt.share, 0.405, "40%"),
    (fmt.share, 0.41, "41%"), (fmt.pvalue, 0.0004, "p < 0.001"), (fmt.pvalue, 0.0312, "p = 0.031"),
    (fmt.pvalue, 0.734, "p = 0.73"), (fmt.sigma, 3.0, "3σ"), (fmt.tstat, 2.049, "t = 2.0"),
    (fmt.ordinal, 1, "1st"), (fmt.ordinal, 12, "12th"), (fmt.ordinal, 22, "22nd"),
    (fmt.ordinal, 113, "113th"), (fmt.ordinal, 93.4, "93rd"),
])
def test_formats(func, value, text):
    assert func(value) == text


def test_plural():
    assert fmt.plural(1, "year") == "1 year" and fmt.plural(1886, "week") == "1,886 weeks"
    assert fmt.plural(2, "study", "studies") == "2 studies"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_pct_reads_back_to_the_rounded_value(x):
    text = fmt.pct(x, digits=2)
    assert float(text.rstrip("%").replace(",", "")) == pytest.approx(round(x, 2), abs=1e-9)


def test_bh_qvalues_match_statsmodels_and_keep_nan():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.01, 0.04, 0.03, np.nan, 0.20, 0.002])
    q = stats.bh_qvalues(p)
    ok = ~np.isnan(p)
    assert np.isnan(q[3])
    np.testing.assert_allclose(q[ok], multipletests(p[ok], method="fdr_bh")[1])
    # hand case: m = 2, p = (0.01, 0.04) -> q = (0.02, 0.04)
    np.testing.assert_allclose(stats.bh_qvalues([0.04, 0.01]), [0.04, 0.02])


def test_trimmed_mean_matches_scipy():
    from scipy.stats import trim_mean

    x = [1.0, 2.0, 3.0, 4.0, 100.0, -50.0, 5.0, 6.0, 7.0, 8.0, np.nan]
    assert stats.trimmed_mean(x) == pytest.approx(trim_mean([v for v in x if v == v], 0.1))
    assert stats.trimmed_mean([3.0, 5.0]) == 4.0  # nothing to cut
    assert math.isnan(stats.trimmed_mean([]))


@pytest.mark.parametrize("positions, spacing, expected", [
    ([], 252, 0), ([5], 252, 1), ([0, 100, 251, 252, 600], 252, 3),
    ([600, 0, 252], 252, 3), ([0, 10, 20, 30], 21, 2), ([0, 1, 2], 1, 3),
])
def test_episodes_hand_counted(positions, spacing, expected):
    assert stats.episodes(positions, spacing) == expected


def test_leave_one_out_names_the_observation_that_carries_the_verdict():
    s = pd.Series([1.0, -0.5, 0.2, -0.4, 9.0], index=[2019, 2020, 2021, 2022, 2023])

    def positive(x):
        return x.mean() > 0.5

    assert stats.leave_one_out(s, positive) == [2023]  # mean 1.86; without 2023: 0.075
    assert stats.leave_one_out(s, lambda x: x.mean() > -10) == []


def planted(effect: float, seed: int = 3, n: int = 3000):
    rng = np.random.default_rng(seed)
    values = pd.Series(rng.normal(0.0, 1.0, n), index=pd.bdate_range("2000-01-03", periods=n))
    flags = pd.Series(False, index=values.index)
    flags.iloc[::250] = True  # one flagged day a "year"
    values[flags] += effect
    return values, flags


def test_baseline_test_finds_a_planted_excess_and_not_an_absent_one():
    values, flags = planted(effect=1.5)
    got = stats.baseline_test(values, flags, block=5, n_boot=1000, seed=0)
    assert got["n"] == 12 and got["episodes"] == 12
    assert got["excess"] == pytest.approx(got["mean"] - got["baseline"])
    assert 0.8 < got["excess"] < 2.3 and got["ci_low"] > 0 and got["p_value"] < 0.01
    null = stats.baseline_test(*planted(effect=0.0), block=5, n_boot=1000, seed=0)
    assert null["ci_low"] < 0 < null["ci_high"] and null["p_value"] > 0.05
    few = flags & (flags.cumsum() <= 4)  # four flagged days: too few to test
    thin = stats.baseline_test(values, few, block=5, n_boot=100)
    assert thin["n"] == 4 and math.isnan(thin["p_value"]) and math.isnan(thin["ci_low"])
    assert thin["excess"] == pytest.approx(values[few].mean() - values.mean())
    values[values.index[-3:]] = np.nan  # undefined forward returns are left out of both
    assert stats.baseline_test(values, flags, block=5, n_boot=10)["baseline"] == pytest.approx(
        values.dropna().mean())
