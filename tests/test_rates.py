"""Tests for smallcaps.rates (notebook 01): planted effects, alignment, regimes, no look-ahead,
errors, the results protocol, and real-data values.  The prose is tested in
test_narrative_rates.py, the charts in test_charts_rates.py."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import data, fmt, rates
from smallcaps.errors import ParameterError, SmallcapsError
from smallcaps.stats import hac_maxlags


def weekly_frame(n=1000, slope=-3.0, seed=0, start="2000-01-07", noise=1.5, ar=0.0, lead=0):
    """Friday-only closes with a planted relationship:
    rel return (pp) = slope * dy(t - lead) / 100 + e,  e ~ AR(1) with coefficient ``ar``."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n + 1, freq="W-FRI")
    dy = rng.normal(0, 12, n)  # bp
    e = rng.normal(0, noise, n)
    if ar:
        for i in range(1, n):
            e[i] += ar * e[i - 1]
    driver = np.roll(dy, lead)
    if lead:
        driver[:lead] = 0.0
    large_r = rng.normal(0.1, 2.0, n)
    small_r = large_r + slope * driver / 100.0 + e
    y = np.concatenate([[5.0], 5.0 + np.cumsum(dy) / 100.0])
    small = 100 * np.concatenate([[1.0], np.cumprod(1 + small_r / 100)])
    large = 100 * np.concatenate([[1.0], np.cumprod(1 + large_r / 100)])
    return pd.DataFrame({"RUT": small, "SPX": large, "DGS10": y}, index=dates)


# ---- alignment --------------------------------------------------------------------------------

def holiday_frame():
    """Daily data around two awkward Fridays.

    * 2024-03-29 (Good Friday): stocks shut, FRED has a yield fixing.
    * 2024-04-12: a bond-market holiday (yield NaN) on which stocks trade.
    """
    idx = pd.bdate_range("2024-03-18", "2024-04-19")
    rut = pd.Series(np.arange(len(idx), dtype=float) + 100.0, index=idx)
    spx = pd.Series(np.arange(len(idx), dtype=float) * 2 + 400.0, index=idx)
    y = pd.Series(np.round(4.0 + 0.01 * np.arange(len(idx)), 2), index=idx)
    rut[pd.Timestamp("2024-03-29")] = np.nan
    spx[pd.Timestamp("2024-03-29")] = np.nan
    y[pd.Timestamp("2024-04-12")] = np.nan
    return pd.DataFrame({"RUT": rut, "SPX": spx, "DGS10": y})


def test_weekly_alignment_uses_friday_closes_and_handles_holiday_fridays():
    df = holiday_frame()
    a = rates.align_periods(df, ("RUT", "SPX"), "DGS10", "W-FRI")
    assert list(a.index) == list(pd.to_datetime(
        ["2024-03-22", "2024-03-28", "2024-04-05", "2024-04-12", "2024-04-19"]))
    # Good Friday: equity close from Thursday; the Friday yield fixing is NOT paired with it
    assert a.loc["2024-03-28", "yield_date"] == pd.Timestamp("2024-03-28")
    assert a.loc["2024-03-28", "yield_pct"] == df.loc["2024-03-28", "DGS10"]
    # bond holiday Friday: equity from Friday, yield is Thursday's (its last valid value)
    assert a.loc["2024-04-12", "small"] == df.loc["2024-04-12", "RUT"]
    assert a.loc["2024-04-12", "yield_date"] == pd.Timestamp("2024-04-11")
    assert a.loc["2024-04-12", "yield_pct"] == df.loc["2024-04-11", "DGS10"]
    # hand-computed changes for the week to 2024-04-05
    r_s = (df.loc["2024-04-05", "RUT"] / df.loc["2024-03-28", "RUT"] - 1) * 100
    r_l = (df.loc["2024-04-05", "SPX"] / df.loc["2024-03-28", "SPX"] - 1) * 100
    assert a.loc["2024-04-05", "rel_return_pct"] == pytest.approx(r_s - r_l)
    dy = (df.loc["2024-04-05", "DGS10"] - df.loc["2024-03-28", "DGS10"]) * 100
    assert a.loc["2024-04-05", "yield_change_bp"] == pytest.approx(dy)
    assert math.isnan(a["rel_return_pct"].iloc[0])


def test_daily_alignment_drops_bond_holidays_on_both_sides():
    df = holiday_frame()
    a = rates.align_periods(df, freq="D")
    assert pd.Timestamp("2024-04-12") not in a.index  # no yield
    assert pd.Timestamp("2024-03-29") not in a.index  # no equities
    # the change after the bond holiday spans two trading days on both sides
    r_s = (df.loc["2024-04-15", "RUT"] / df.loc["2024-04-11", "RUT"] - 1) * 100
    r_l = (df.loc["2024-04-15", "SPX"] / df.loc["2024-04-11", "SPX"] - 1) * 100
    assert a.loc["2024-04-15", "rel_return_pct"] == pytest.approx(r_s - r_l)
    assert a.loc["2024-04-15", "yield_change_bp"] == pytest.approx(
        (df.loc["2024-04-15", "DGS10"] - df.loc["2024-04-11", "DGS10"]) * 100)


def test_monthly_alignment_takes_last_trading_day():
    idx = pd.bdate_range("2024-01-01", "2024-04-30")
    df = pd.DataFrame({"RUT": np.linspace(100, 120, len(idx)),
                       "SPX": np.linspace(400, 420, len(idx)),
                       "DGS10": np.linspace(4, 5, len(idx))}, index=idx)
    a = rates.align_periods(df, freq="M")
    assert list(a.index) == list(pd.to_datetime(
        ["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30"]))


# ---- regression -------------------------------------------------------------------------------

def test_hac_lag_rule():
    assert hac_maxlags(100) == 4
    assert hac_maxlags(1886) == math.floor(4 * (18.86) ** (2 / 9))
    assert hac_maxlags(1886) == 7
    assert hac_maxlags(5) >= 1


@pytest.mark.parametrize("slope", [-3.0, 2.0])
def test_planted_slope_recovered_within_its_band(slope):
    res = rates.analyze(weekly_frame(slope=slope, seed=1))
    f = res.fit
    assert f.ci_low < slope < f.ci_high
    assert f.slope == pytest.approx(slope, abs=0.6)
    assert f.n == 1000 and f.maxlags == hac_maxlags(1000)
    assert np.sign(f.t_hac) == np.sign(slope) and abs(f.t_hac) > 5
    # slope in pp per +100 bp: the same number straight from numpy
    a = res.sample
    b = np.polyfit(a["yield_change_bp"] / 100, a["rel_return_pct"], 1)[0]
    assert f.slope == pytest.approx(b, rel=1e-9)
    assert f.r_squared == pytest.approx(f.corr ** 2, rel=1e-9)


def test_hac_band_covers_the_planted_slope_about_95_percent_of_the_time():
    covered = 0
    for seed in range(40):
        d = weekly_frame(n=400, slope=-2.0, seed=seed, ar=0.3)
        a = rates.align_periods(d)
        f = rates.fit_sensitivity(a["rel_return_pct"], a["yield_change_bp"])
        covered += f.ci_low < -2.0 < f.ci_high
    assert 0.85 <= covered / 40 <= 1.0


def test_hac_t_differs_from_plain_t_on_autocorrelated_errors():
    rng = np.random.default_rng(7)
    n = 1500
    x = np.zeros(n)
    e = np.zeros(n)
    for i in range(1, n):
        x[i] = 0.8 * x[i - 1] + rng.normal(0, 10)
        e[i] = 0.8 * e[i - 1] + rng.normal(0, 1)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    y = pd.Series(0.5 * x / 100 + e, index=idx)
    f = rates.fit_sensitivity(y, pd.Series(x, index=idx))
    assert abs(f.t_plain) / abs(f.t_hac) > 1.4  # plain OLS overstates significance
    # i.i.d. errors: HAC and plain agree closely
    e2 = rng.normal(0, 1, n)
    x2 = rng.normal(0, 10, n)
    g = rates.fit_sensitivity(pd.Series(0.5 * x2 / 100 + e2, index=idx), pd.Series(x2, index=idx))
    assert 0.8 < abs(g.t_plain) / abs(g.t_hac) < 1.25


def test_by_period_and_horizon_show_where_the_sign_differs():
    first = weekly_frame(n=520, slope=-4.0, seed=3, start="2000-01-07")
    second = weekly_frame(n=520, slope=4.0, seed=4, start="2010-01-08")
    # chain the second decade onto the first (continuous levels)
    scale = first.iloc[-1] / second.iloc[0]
    second = second.iloc[1:] * scale.where(first.columns != "DGS10", 1.0)
    second["DGS10"] = second["DGS10"] - 5.0 + first["DGS10"].iloc[-1]
    df = pd.concat([first, second])
    res = rates.analyze(df)
    t = res.by_period
    assert list(t.index) == ["2000s", "2010s"]
    assert t.loc["2000s", "slope_pct_per_100bp"] < -2.5
    assert t.loc["2010s", "slope_pct_per_100bp"] > 2.5
    assert t.loc["2000s", "verdict"] == "supports claim"
    assert t.loc["2010s", "verdict"] == "contradicts claim"
    text = res.reading("periods")
    assert "the sign differs" in text
    neg, pos = text.split("positive (against the claim) in")
    assert "2000s" in neg and "2010s" in pos
    custom = rates.sensitivity_by_period(res.aligned, edges=["2000-01-01", "2005-01-01"])
    assert list(custom.index) == ["2000-01-01..", "2005-01-01.."]
    assert custom["n"].sum() == res.fit.n
    h = res.by_horizon
    assert list(h["periods"]) == [1, 4, 13, 26, 52]
    assert h.loc["1 week", "slope_pct_per_100bp"] == pytest.approx(res.fit.slope)
    assert (h["hac_lags"].iloc[1:] >= h["periods"].iloc[1:]).all()
    # each horizon rests on its non-overlapping changes: n // h
    assert list(h["independent"]) == [n // k for n, k in zip(h["n"], h["periods"], strict=True)]
    assert len(res.aligned) == 1041  # 1,041 Fridays: 989 overlapping 52-week changes
    assert h.loc["52 weeks", "n"] == 989 and h.loc["52 weeks", "independent"] == 19
    shown = res.table("horizons")
    assert "t (plain)" not in shown.columns and "t (HAC)" in shown.columns
    assert shown["non-overlapping (n / h)"].tolist() == h["independent"].tolist()
    assert "t_plain" in h.columns  # kept for audit in the data, never displayed


@pytest.mark.parametrize("slope,words", [
    (-3.0, "supports the claim"), (3.0, "contradicts the claim"), (0.0, "No reliable link")])
def test_reading_follows_the_numbers_for_both_signs(slope, words):
    res = rates.analyze(weekly_frame(slope=slope, seed=11))
    text = res.reading("fit")
    assert words in text
    assert f"{res.fit.slope:+.2f} pp" in text
    full = res.reading()
    for part in ("Full sample", "By sub-period", "By horizon", "Rolling", "Regimes", "Lead/lag",
                 "Latest"):
        assert part in full


@pytest.mark.parametrize("slope,words", [
    (-10.0, "**consistent with the claim**"), (10.0, "**against the claim**")])
def test_regime_reading_for_both_signs(slope, words):
    res = rates.analyze(weekly_frame(slope=slope, seed=21, noise=1.0))
    t = res.regimes
    if slope < 0:
        assert t.loc["falling", "mean_rel_return_pct"] > t.loc["rising", "mean_rel_return_pct"]
    else:
        assert t.loc["falling", "mean_rel_return_pct"] < t.loc["rising", "mean_rel_return_pct"]
    text = res.reading("regimes")
    assert words in text
    assert f"n = {int(t.loc['falling', 'n'])}" in text


# ---- rolling, regimes, lead/lag ---------------------------------------------------------------

def test_rolling_matches_a_direct_window_fit():
    res = rates.analyze(weekly_frame(seed=5), window=52)
    r = res.rolling
    assert r["corr"].iloc[:51].isna().all() and r["corr"].iloc[51:].notna().all()
    last = res.sample.iloc[-52:]
    f = rates.fit_sensitivity(last["rel_return_pct"], last["yield_change_bp"])
    assert r["beta"].iloc[-1] == pytest.approx(f.slope, rel=1e-9)
    assert r["corr"].iloc[-1] == pytest.approx(f.corr, rel=1e-9)
    rr = r.dropna()
    assert len(rr) == len(r) - 51
    assert (rr["beta_low"] < rr["beta"]).all() and (rr["beta"] < rr["beta_high"]).all()
    assert res.latest["corr_rolling_latest"] == pytest.approx(r["corr"].iloc[-1])
    rc = r["corr"].dropna()
    assert res.latest["corr_percentile"] == pytest.approx((rc <= rc.iloc[-1]).mean() * 100)


def test_regime_labels_hand_computed():
    idx = pd.date_range("2020-01-03", periods=8, freq="W-FRI")
    y = [4.00, 4.10, 4.20, 4.30, 4.00, 3.90, 3.95, 3.95]
    df = pd.DataFrame({"RUT": np.linspace(100, 110, 8), "SPX": np.linspace(100, 104, 8),
                       "DGS10": y}, index=idx)
    a = rates.align_periods(df)
    lab = rates.regime_labels(a, regime_periods=2, regime_bp=15)
    # 2-week changes from row 2: +20, +20, -20, -40, -5, +5 bp
    assert list(lab) == ["rising", "rising", "falling", "falling", "neutral", "neutral"]
    assert lab.index[0] == idx[2]
    # exactly regime_bp is neutral (strictly more than is required)
    lab20 = rates.regime_labels(a, regime_periods=2, regime_bp=20)
    assert list(lab20[:3]) == ["neutral", "neutral", "neutral"]
    t = rates.regime_table(a, regime_periods=2, regime_bp=15)
    exp = a.loc[lab.index[lab == "falling"], "rel_return_pct"]
    assert t.loc["falling", "mean_rel_return_pct"] == pytest.approx(exp.mean())
    assert t.loc["falling", "hit_rate"] == pytest.approx((exp > 0).mean())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 30), bp=st.floats(0, 80))
def test_regimes_partition_the_sample(seed, k, bp):
    a = rates.align_periods(weekly_frame(n=200, seed=seed))
    lab = rates.regime_labels(a, k, bp)
    sample = a.dropna(subset=["rel_return_pct"])
    assert lab.index.is_unique
    assert set(lab) <= {"falling", "neutral", "rising"}
    assert len(lab) == len(sample) - (k - 1)  # every period with a full look-back, once
    assert lab.index.equals(sample.index[k - 1:])
    t = rates.regime_table(a, k, bp)
    assert int(t["n"].sum()) == len(lab)
    total = sum(t.loc[r, "mean_rel_return_pct"] * t.loc[r, "n"] for r in t.index if t.loc[r, "n"])
    assert total == pytest.approx(sample["rel_return_pct"].iloc[k - 1:].sum())


def test_cross_correlation_and_granger_find_a_planted_lead():
    res = rates.analyze(weekly_frame(n=1200, slope=-6.0, seed=2, lead=2, noise=1.0))
    x = res.xcorr
    assert list(x.index) == list(range(-8, 9))
    assert x.idxmin() == 2 and x[2] < -0.3  # yield change leads by 2 weeks, negative sign
    assert abs(x[0]) < 0.1
    g = res.granger
    assert g.loc["yield_to_relative", "p_value"] < 1e-6
    assert g.loc["relative_to_yield", "p_value"] > 0.01
    assert (g["lags"] == 4).all()
    assert "**do** help predict the relative return" in res.reading("leadlag")


def test_latest_reading_hand_computed():
    idx = pd.bdate_range("2024-10-01", "2024-11-08")
    df = pd.DataFrame({"RUT": np.linspace(2000, 2200, len(idx)),
                       "SPX": np.linspace(5600, 5800, len(idx)),
                       "DGS10": np.round(np.linspace(3.8, 4.3, len(idx)), 2)}, index=idx)
    df.loc["2024-11-08", "DGS10"] = np.nan  # yield not yet published for the last day
    lt = rates.latest_reading(df)
    assert lt["date"] == pd.Timestamp("2024-11-08")
    assert lt["yield_date"] == pd.Timestamp("2024-11-07")
    assert lt["yield_last"] == df.loc["2024-11-07", "DGS10"]
    assert lt["yield_change_1w_bp"] == pytest.approx(
        (df.loc["2024-11-07", "DGS10"] - df.loc["2024-11-01", "DGS10"]) * 100)
    assert lt["yield_change_4w_bp"] == pytest.approx(
        (df.loc["2024-11-07", "DGS10"] - df.loc["2024-10-11", "DGS10"]) * 100)
    rs = (df.loc["2024-11-08", "RUT"] / df.loc["2024-11-01", "RUT"] - 1) * 100
    rl = (df.loc["2024-11-08", "SPX"] / df.loc["2024-11-01", "SPX"] - 1) * 100
    assert lt["relative_return_1w_pct"] == pytest.approx(rs - rl)


def test_sample_reading_reports_holidays_and_a_stale_yield():
    daily = rates.analyze(holiday_frame(), freq="D", window=5, regime=(2, 25))
    assert "1 day without a DGS10 value was left out" in daily.reading("sample")
    # too short for Granger tests with 5 daily lags: NaN p-values, said in words
    assert daily.granger["p_value"].isna().all()
    assert "too few periods to test" in daily.reading()
    df = weekly_frame(n=300, seed=8)
    df.loc[df.index > df.index[280], "DGS10"] = np.nan
    res = rates.analyze(df)
    assert res.latest["yield_date"] == df.index[280]
    assert res.aligned.index[-1] == df.index[280]
    text = res.reading("sample")
    assert f"The DGS10 data ends on {df.index[280]:%Y-%m-%d}" in text
    assert "more than a week before the equity data" in res.reading("latest")


# ---- no look-ahead ----------------------------------------------------------------------------

def _same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], dict):
            _same(a[k], b[k])
        elif isinstance(a[k], pd.Timestamp):
            assert a[k] == b[k], k
        else:
            assert a[k] == pytest.approx(b[k], nan_ok=True), k


def test_no_value_after_the_last_equity_date_is_used():
    df = weekly_frame(n=300, seed=9)
    end = df.index[250]
    base = df.copy()
    base.loc[base.index > end, ["RUT", "SPX"]] = np.nan  # equities stop at `end`
    wild = base.copy()
    wild.loc[wild.index > end, "DGS10"] = 99.0  # yields after it change wildly
    cut = base.loc[:end]
    r1, r2 = rates.analyze(wild), rates.analyze(cut)
    _same(r1.figures(), r2.figures())
    assert r1.aligned.index[-1] == end
    assert r1.latest["yield_date"] == end


def test_statistics_at_a_date_only_use_data_up_to_it():
    df = weekly_frame(n=400, seed=12)
    full = rates.analyze(df, window=26)
    t = df.index[300]
    part = rates.analyze(df.loc[:t], window=26)
    pd.testing.assert_frame_equal(full.rolling.loc[:t], part.rolling, check_freq=False)
    pd.testing.assert_series_equal(full.regime_labels.loc[:t], part.regime_labels,
                                   check_freq=False)
    pd.testing.assert_frame_equal(full.aligned.loc[:t], part.aligned, check_freq=False)


def test_changing_csv_rows_after_asof_changes_nothing(shared_market, tmp_path):
    changed = tmp_path / "changed"
    changed.mkdir()
    for key in ("RUT.csv", "GSPC.csv", "DGS10.csv"):
        src = (shared_market / key).read_text().splitlines(keepends=True)
        out = []
        for line in src:
            d = line[:10]
            if d[:2] in ("19", "20") and d > "2024-11-08":
                cells = line.rstrip("\r\n").split(",")
                cells = [cells[0]] + [c if c == "" else str(float(c) * 1.5) for c in cells[1:]]
                line = ",".join(cells) + line[len(line.rstrip("\r\n")):]
            out.append(line)
        (changed / key).write_text("".join(out))
    figs = []
    for folder in (shared_market, changed):
        df = data.load(["RUT", "SPX", "DGS10"], start="1990-01-01", asof="2024-11-08",
                       source="csv", data_dir=folder)
        figs.append(rates.analyze(df).figures())
    _same(*figs)
    shutil.rmtree(changed)


# ---- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,match", [
    ({"yield_series": "RUT"}, "yield_series 'RUT' is a price series"),
    ({"pair": ("DGS10", "SPX"), "yield_series": "DGS10"}, "small 'DGS10' is a yield series"),
    ({"window": 5000}, "window 5000 is longer than the sample"),
    ({"window": 2}, "window must be"),
    ({"freq": "Q"}, "freq 'Q' is not supported; valid: W-FRI"),
    ({"yield_series": "DGS2"}, "yield_series 'DGS2' is not a column"),
    ({"regime": (0, 25)}, "regime_periods must be"),
    ({"regime": (5000, 25)}, "regime_periods 5000 is not shorter than the sample"),
    ({"regime": (13, -5)}, "regime_bp must be"),
    ({"regime": 13}, "regime 13 must be a pair"),
    ({"pair": "RUT"}, "pair 'RUT' must be two price series keys"),
])
def test_clear_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match) as info:
        rates.analyze(weekly_frame(n=300), **kwargs)
    assert isinstance(info.value, SmallcapsError)
    assert "\n" not in str(info.value)


def test_too_short_sample_is_a_clear_error():
    with pytest.raises(ParameterError, match="only 5 weekly changes"):
        rates.analyze(weekly_frame(n=5), window=3)


def test_reading_part_is_checked():
    res = rates.analyze(weekly_frame(n=300))
    with pytest.raises(ParameterError,
                       match="section 'nope' is unknown; valid: inputs, sample, levels"):
        res.reading("nope")


# ---- results object and charts ----------------------------------------------------------------

def test_summary_figures_and_frame():
    res = rates.analyze(weekly_frame(n=300, seed=4), window=26, regime=(4, 10))
    figs = res.figures()
    assert set(figs) == {
        "yield_last", "yield_change_1w_bp", "yield_change_4w_bp", "relative_return_1w_pct",
        "corr_full", "corr_rolling_latest", "beta_rolling_latest_pct", "beta_per_100bp_pct",
        "beta_tstat_hac", "r_squared", "regimes", "granger_pvalue_yield_to_relative",
        "granger_pvalue_relative_to_yield"}
    assert set(figs["regimes"]) == {"falling", "neutral", "rising"}
    for v in figs["regimes"].values():
        assert set(v) == {"mean_rel_return_pct", "hit_rate", "n", "episodes", "t"}
    assert figs["beta_per_100bp_pct"] == res.fit.slope
    assert figs["yield_last"] == pytest.approx(res.aligned["yield_pct"].iloc[-1])
    s = res.summary()
    assert list(s.columns) == ["value", "units"]
    assert s.loc["slope per +100 bp", "value"] == fmt.pp(res.fit.slope, 2)  # as the prose
    assert s.loc["t-stat (Newey-West HAC)", "value"] == f"t = {res.fit.t_hac:.2f}"
    assert s.loc["weekly periods (n)", "value"] == "300 weeks"
    assert s.loc["verdict on the claim", "value"] == res.fit.verdict == "supports claim"
    assert s.loc["yield change, 1 week", "value"] == fmt.bp(res.latest["yield_change_1w_bp"])
    frame = res.to_frame()
    assert {"rel_return_pct", "yield_change_bp", "corr", "beta", "regime"} <= set(frame.columns)
    assert len(frame) == len(res.aligned)
    assert frame["regime"].notna().sum() == len(res.regime_labels)


def _two_slope_frame(n=80, window=12, early=5.0, late=-4.0, seed=3):
    """Fridays whose relative return (pp) is ``early`` pp per +100 bp of yield change plus
    noise, then exactly ``late`` pp per +100 bp plus 0.3 pp over the last ``window`` weeks."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2015-01-02", periods=n + 1, freq="W-FRI")
    dy = rng.normal(0, 12, n)  # bp
    rel = early * dy / 100 + rng.normal(0, 1.0, n)
    rel[-window:] = late * dy[-window:] / 100 + 0.3
    large_r = np.full(n, 0.1)
    y = np.concatenate([[4.0], 4.0 + np.cumsum(dy) / 100.0])
    small = 100 * np.concatenate([[1.0], np.cumprod(1 + (large_r + rel) / 100)])
    large = 100 * np.concatenate([[1.0], np.cumprod(1 + large_r / 100)])
    return pd.DataFrame({"RUT": small, "SPX": large, "DGS10": y}, index=dates)


def test_latest_rolling_beta_is_the_last_windows_slope():
    """The planted last 12 weeks move -4 pp per +100 bp exactly (the weeks before +5): the
    recorded latest rolling beta is -4, its band shut, unlike the whole-sample slope."""
    res = rates.analyze(_two_slope_frame(), window=12, regime=(4, 10))
    beta = res.figures()["beta_rolling_latest_pct"]
    assert beta == pytest.approx(-4.0, abs=1e-9)
    last = res.rolling_latest
    assert last["date"] == res.sample.index[-1] == pd.Timestamp("2016-07-15")
    assert last["beta_low"] == pytest.approx(-4.0, abs=1e-6)
    assert last["beta_high"] == pytest.approx(-4.0, abs=1e-6)
    assert res.fit.slope > 0  # the earlier +5 weeks dominate the whole sample
    # what the page states: the rolling reading and the summary table give the same number
    assert "The rolling beta is now -4.00 pp per +100 bp" in res.reading("rolling")
    row = res.summary().loc["rolling 12-week beta now"]
    assert row["value"] == "-4.00 pp"
    assert row["units"] == "pp per +100 bp, 95% band -4.00 pp to -4.00 pp"


def test_latest_rolling_beta_by_hand_on_noise():
    """On a noisy series the recorded beta is the hand OLS slope of the last 26 weeks of
    relative return (pp) on the yield change (in units of 100 bp), not of any other window."""
    df = weekly_frame(n=120, slope=-3.0, seed=11, noise=2.0)
    res = rates.analyze(df, window=26, regime=(4, 10))
    rel = (df["RUT"].pct_change() - df["SPX"].pct_change()) * 100
    dy = df["DGS10"].diff()  # percentage points = units of 100 bp
    def slope(x, y):  # OLS by hand: sum((x - mean x)(y - mean y)) / sum((x - mean x)^2)
        return float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())

    want, got = slope(dy.iloc[-26:], rel.iloc[-26:]), res.figures()["beta_rolling_latest_pct"]
    assert got == pytest.approx(want, rel=1e-9)
    # the window ending one week earlier is another number
    assert abs(got - slope(dy.iloc[-27:-1], rel.iloc[-27:-1])) > 1e-6
    assert res.summary().loc["rolling 26-week beta now", "value"] == fmt.pp(want, 2)


def test_fit_keeps_the_statsmodels_results():
    res = rates.analyze(weekly_frame(n=400, slope=-3.0, seed=6))
    f = res.fit
    assert f.conf_int() == pytest.approx((f.ci_low, f.ci_high), rel=1e-12)
    lo90, hi90 = f.conf_int(alpha=0.10)
    assert f.ci_low < lo90 < f.slope < hi90 < f.ci_high
    assert f.results.params[1] == pytest.approx(f.slope)
    assert f.results.cov_type == "HAC"
    assert f.results.nobs == f.n == 400
    empty = rates.fit_sensitivity(pd.Series([1.0, 2.0]), pd.Series([3.0, 4.0]))
    assert empty.results is None and empty.verdict == "too few data"
    assert all(math.isnan(v) for v in empty.conf_int())


def test_display_tables_and_derived_facts():
    res = rates.analyze(weekly_frame(n=520, slope=-3.0, seed=13), window=26, regime=(4, 10))
    periods = res.table("periods")
    assert list(periods.columns[:3]) == ["from", "to", "n"]
    assert periods["slope, pp per +100 bp"].tolist() == pytest.approx(
        res.by_period["slope_pct_per_100bp"].round(2).tolist())  # 2 decimals, as the prose
    regimes = res.table("regimes")
    assert regimes.loc["falling", "small ahead, % of periods"] == pytest.approx(
        round(res.regimes.loc["falling", "hit_rate"] * 100))  # whole percent, as the prose
    assert list(res.table("granger").index) == ["DGS10 change -> relative return",
                                                "relative return -> DGS10 change"]
    assert "weeks" in res.table("horizons").columns
    with pytest.raises(ParameterError, match="table 'nope' is unknown; valid: periods"):
        res.table("nope")
    # falling minus rising: the difference of the regime means and Welch's t of the two samples
    fa, ri = res.regimes.loc["falling"], res.regimes.loc["rising"]
    spread = res.regime_spread
    assert spread["diff_pp"] == pytest.approx(fa["mean_rel_return_pct"] - ri["mean_rel_return_pct"])
    assert spread["t"] == pytest.approx(spread["diff_pp"] / math.sqrt(fa["se_pct"] ** 2
                                                                    + ri["se_pct"] ** 2))
    # the ratio and yield moves over the whole sample and the last year, by hand
    a = res.aligned
    moves = res.level_moves
    ratio = a["small"] / a["large"]
    assert moves.loc["full", "ratio_change_pct"] == pytest.approx(
        (ratio.iloc[-1] / ratio.iloc[0] - 1) * 100)
    year = a.loc[a.index >= a.index[-1] - pd.DateOffset(years=1)]
    assert moves.loc["last year", "start"] == year.index[0]
    assert moves.loc["last year", "yield_change_bp"] == pytest.approx(
        (year["yield_pct"].iloc[-1] - year["yield_pct"].iloc[0]) * 100)
    r = res.rolling.dropna()
    assert res.rolling_shares["corr_negative"] == pytest.approx((r["corr"] < 0).mean())
    assert res.rolling_shares["beta_below_zero"] == pytest.approx((r["beta_high"] < 0).mean())
    assert res.xcorr_band == pytest.approx(1.96 / math.sqrt(len(res.sample)))
    assert res.fallbacks == 0  # Friday-only synthetic data: every yield is the close's own day


# ---- real data --------------------------------------------------------------------------------

def test_real_data_weekly_dgs10(shared_market):
    df = data.load(["RUT", "SPX", "DGS10"], start="1990-01-01", asof="2024-11-08",
                   source="csv", data_dir=shared_market)
    res = rates.analyze(df)
    lt = res.latest
    # PROVENANCE.md: DGS10 4.30 on 2024-11-08, 4.37 on 2024-11-01
    assert lt["date"] == pd.Timestamp("2024-11-08")
    assert lt["yield_last"] == 4.30
    assert lt["yield_change_1w_bp"] == pytest.approx(-7.0)
    a = res.aligned
    assert a.loc["2024-11-08", "yield_change_bp"] == pytest.approx(-7.0)
    # Veterans Day 2022-11-11: bond market shut, stocks open -> Thursday's yield
    assert a.loc["2022-11-11", "yield_date"] == pd.Timestamp("2022-11-10")
    assert (a.index >= a["yield_date"]).all()
    # Weekly, 1990-2024: the slope is positive and significant (the data contradicts the claim)
    assert res.fit.n == 1818 and res.fit.maxlags == 7
    assert res.fit.slope > 0 and res.fit.t_hac > 1.96
    assert round(res.fit.slope, 2) == 1.96 and round(res.fit.t_hac, 2) == 5.29
    assert "contradicts the claim" in res.reading("fit")


def test_real_data_default_asof_pins(shared_market):
    """Blank as-of is the kit's rule: RUT's 2026-02-23 row is provisional, so the sample ends on
    Friday 2026-02-20 (n 1,885).  The slope and its HAC t are the audited values."""
    df = data.load(["RUT", "SPX", "DGS10"], start="1990-01-01", source="csv",
                   data_dir=shared_market)
    res = rates.analyze(df)
    assert res.sample.index[-1] == pd.Timestamp("2026-02-20")
    assert res.fit.n == 1885 and res.fit.maxlags == 7
    assert round(res.fit.slope, 2) == 1.80
    assert round(res.fit.t_hac, 2) == 4.79
    assert round(res.fit.t_plain, 2) == 6.56
    assert res.fit.verdict == "contradicts claim"
    lt = res.latest
    assert lt["yield_last"] == 4.08
    assert lt["yield_change_1w_bp"] == pytest.approx(4.0)
    assert lt["yield_change_4w_bp"] == pytest.approx(-16.0)
    # counting the provisional bar (the notebook's old behaviour) adds the week to 2026-02-23
    old = rates.analyze(data.load(["RUT", "SPX", "DGS10"], start="1990-01-01", source="csv",
                                  data_dir=shared_market, provisional=True))
    assert old.sample.index[-1] == pd.Timestamp("2026-02-23") and old.fit.n == 1886
    assert round(old.fit.slope, 2) == 1.80 and round(old.fit.t_hac, 2) == 4.79
    assert old.latest["yield_last"] == 4.03


# ---- episodes, rolling evidence, the Fed cycle ------------------------------------------------

def test_label_episodes_merge_short_pauses_only():
    idx = pd.date_range("2020-01-03", periods=12, freq="W-FRI")
    lab = pd.Series(["a", "a", "b", "a", "a", "b", "b", "b", "a", "c", "c", "a"], index=idx)
    eps = rates.label_episodes(lab, gap=2)
    # a(0-1) and a(3-4) are 1 period apart (< 2): one episode; a(8) is 3 periods after a(4):
    # new; a(11) is 2 periods after a(8) (not < 2): new.  b(2) and b(5-7): 2 apart: two.
    assert list(eps["label"]) == ["a", "b", "b", "a", "c", "a"]
    assert list(eps["periods"]) == [4, 1, 3, 1, 2, 1]
    assert eps.loc[0, "start"] == idx[0] and eps.loc[0, "end"] == idx[4]
    assert list(eps.attrs["episode"]) == [0, 0, 1, 0, 0, 2, 2, 2, 3, 4, 4, 5]
    assert eps.loc[0, "name"] == "2020-01..2020-01"
    # gap 1: plain runs, nothing merged
    assert list(rates.label_episodes(lab, gap=1)["label"]) == ["a", "b", "a", "b", "a", "c", "a"]
    assert rates.label_episodes(lab.iloc[:0], gap=3).empty


def test_regime_table_counts_episodes():
    idx = pd.date_range("2020-01-03", periods=8, freq="W-FRI")
    df = pd.DataFrame({"RUT": np.linspace(100, 110, 8), "SPX": np.linspace(100, 104, 8),
                       "DGS10": [4.00, 4.10, 4.20, 4.30, 4.00, 3.90, 3.95, 3.95]}, index=idx)
    t = rates.regime_table(rates.align_periods(df), regime_periods=2, regime_bp=15)
    # labels: rising, rising, falling, falling, neutral, neutral -> one episode each
    assert t["episodes"].to_dict() == {"falling": 1, "neutral": 1, "rising": 1}


def test_rolling_evidence_is_counted_over_non_overlapping_windows():
    res = rates.analyze(weekly_frame(n=300, slope=-3.0, seed=14), window=26)
    r = res.rolling.dropna()
    apart = r.iloc[[len(r) - 1 - 26 * k for k in range(len(r)) if len(r) - 1 - 26 * k >= 0]]
    sh = res.rolling_shares
    assert sh["independent"] == len(apart) == (300 - 26) // 26 + 1
    assert sh["independent_below_zero"] == int((apart["beta_high"] < 0).sum())
    assert sh["independent_above_zero"] == int((apart["beta_low"] > 0).sum())
    assert sh["independent_below_zero"] > 0  # the planted negative slope


def test_fed_change_hand_computed():
    days = pd.date_range("2020-01-01", "2021-03-31", freq="D")
    dff = pd.Series(np.where(days < pd.Timestamp("2020-07-01"), 3.0, 2.0), index=days)
    dates = pd.DatetimeIndex(["2020-06-01", "2020-12-31", "2021-03-31", "2021-04-02"])
    ch = rates.fed_change(dates, dff, window_weeks=26)
    # 2020-12-31: 28-day average 2.00 now; 182 days earlier (2020-07-02) the average of
    # 2020-06-05..07-02 is (26 * 3.00 + 2 * 2.00) / 28
    assert ch["2020-12-31"] == pytest.approx((2.0 - (26 * 3.0 + 2 * 2.0) / 28) * 100)
    assert ch["2021-03-31"] == pytest.approx(0.0)
    assert math.isnan(ch["2020-06-01"])  # look-back starts before DFF's first 28 days
    assert math.isnan(ch["2021-04-02"])  # after DFF's last value: no label, never filled
    lab = rates.fed_labels(ch, fed_bp=25)
    assert lab.to_dict() == {pd.Timestamp("2020-12-31"): "easing",
                             pd.Timestamp("2021-03-31"): "hold"}
    assert rates.fed_labels(pd.Series([25.0, 25.1, -25.0, -25.1]), 25).tolist() == [
        "hold", "tightening", "hold", "easing"]  # exactly fed_bp is hold


PHASES = (("hold", 52), ("easing", 78), ("hold", 52), ("tightening", 78))


def fed_frame(n=1300, slopes=None, levels=None, seed=0, noise=1.2, carried=None):
    """Weekly equities and a daily fed funds rate run through cycles of PHASES (hold 52 weeks,
    easing 78 weeks at -4 bp a week, hold, tightening 78 weeks at +4 bp a week), with
    rel return (pp) = slope[phase] * dy / 100 + level[phase] + e.  ``carried``: (k, extra)
    adds ``extra`` pp a week to the k-th easing phase only."""
    slopes = slopes or {"easing": 0.0, "tightening": 0.0, "hold": 0.0}
    levels = levels or {"easing": 0.0, "tightening": 0.0, "hold": 0.0}
    rng = np.random.default_rng(seed)
    phase, k_easing = [], []
    count = 0
    while len(phase) < n:
        for name, weeks in PHASES:
            count += name == "easing"
            phase += [name] * weeks
            k_easing += [count if name == "easing" else 0] * weeks
    phase, k_easing = phase[:n], np.array(k_easing[:n])
    step = np.array([{"easing": -0.04, "tightening": 0.04}.get(p, 0.0) for p in phase])
    dates = pd.date_range("1990-01-05", periods=n + 1, freq="W-FRI")
    rate = pd.Series(np.concatenate([[5.0], 5.0 + np.cumsum(step)]), index=dates)
    daily = rate.reindex(pd.date_range(dates[0] - pd.Timedelta(days=6), dates[-1], freq="D"))
    daily = daily.bfill().ffill().round(2)
    dy = rng.normal(0, 12, n)
    slope = np.array([slopes[p] for p in phase])
    level = np.array([levels[p] for p in phase])
    if carried is not None:
        level = level + np.where(k_easing == carried[0], carried[1], 0.0)
    large_r = rng.normal(0.1, 2.0, n)
    small_r = large_r + slope * dy / 100 + level + rng.normal(0, noise, n)
    df = pd.DataFrame({"RUT": 100 * np.concatenate([[1.0], np.cumprod(1 + small_r / 100)]),
                       "SPX": 100 * np.concatenate([[1.0], np.cumprod(1 + large_r / 100)]),
                       "DGS10": np.concatenate([[5.0], 5.0 + np.cumsum(dy) / 100]),
                       }, index=dates)
    return df.join(daily.rename("DFF"), how="outer"), phase


def test_fed_labels_follow_the_planted_cycles():
    df, phase = fed_frame()
    fed = rates.analyze(df, fed_series="DFF").fed
    lab = fed.labels
    truth = pd.Series(phase, index=df["RUT"].dropna().index[1:])
    agree = (lab == truth.reindex(lab.index)).mean()
    assert agree > 0.75  # the trailing window lags each turn by a few months, no more
    # one easing episode per easing phase, one tightening episode per tightening phase
    starts = truth[(truth != truth.shift())]
    assert fed.table.loc["easing", "episodes"] == (starts == "easing").sum() == 5
    assert fed.table.loc["tightening", "episodes"] == (starts == "tightening").sum() == 5
    assert int(fed.table["n"].sum()) == len(lab)
    assert fed.block == 26 and fed.unlabelled_after == 0 and not fed.stale


@pytest.mark.parametrize("sign", [-1, 1])
def test_fed_slopes_recover_the_planted_signs(sign):
    df, _ = fed_frame(slopes={"easing": 5.0 * sign, "tightening": -5.0 * sign, "hold": 0.0},
                      seed=3)
    t = rates.analyze(df, fed_series="DFF").fed.table
    assert np.sign(t.loc["easing", "slope_pct_per_100bp"]) == sign
    assert np.sign(t.loc["tightening", "slope_pct_per_100bp"]) == -sign
    assert abs(t.loc["easing", "t_hac"]) > 3 and abs(t.loc["tightening", "t_hac"]) > 3
    assert t.loc["easing", "slope_verdict"] == ("supports claim" if sign < 0
                                                else "contradicts claim")
    assert t.loc["hold", "slope_verdict"] == "not significant"


@pytest.mark.parametrize("effect,verdict", [
    (0.6, "supports claim"), (-0.6, "contradicts claim"), (0.0, "not significant")])
def test_fed_level_is_read_against_the_average_labelled_week(effect, verdict):
    df, _ = fed_frame(levels={"easing": effect, "tightening": -effect, "hold": 0.0}, seed=5)
    res = rates.analyze(df, fed_series="DFF")
    t = res.fed.table
    assert t.loc["easing", "level_verdict"] == t.loc["tightening", "level_verdict"] == verdict
    # the excess is the regime mean minus the mean of all labelled weeks, by hand
    rel = res.sample["rel_return_pct"].loc[res.fed.labels.index]
    easing = rel[res.fed.labels == "easing"]
    assert t.loc["easing", "mean_rel_return_pct"] == pytest.approx(easing.mean())
    assert t.loc["easing", "excess_pp"] == pytest.approx(easing.mean() - rel.mean())
    assert res.fed.baseline_pct == pytest.approx(rel.mean())
    assert t.loc["easing", "median_rel_return_pct"] == pytest.approx(easing.median())
    assert t.loc["hold", "level_verdict"] == "no claim"
    figs = res.figures()["fed_regimes"]
    assert set(figs) == {"easing", "tightening", "hold"}
    assert figs["easing"]["excess_rel_return_pp"] == pytest.approx(t.loc["easing", "excess_pp"])
    assert figs["easing"]["beta_per_100bp_pct"] == t.loc["easing", "slope_pct_per_100bp"]


def test_leave_one_episode_out_names_the_episode_that_carries_a_verdict():
    # a small edge in every easing phase, and 1 pp a week more in the second one only: the
    # verdict is significant, and the second easing episode alone carries it
    df, _ = fed_frame(seed=7, levels={"easing": 0.3, "tightening": 0.0, "hold": 0.0},
                      carried=(2, 1.0))
    fed = rates.analyze(df, fed_series="DFF").fed
    t = fed.table
    assert t.loc["easing", "level_verdict"] == "supports claim"
    carrier = fed.episodes[fed.episodes["label"] == "easing"].iloc[1]["name"]
    assert t.loc["easing", "level_flips"] == [carrier] == ["1996-02..1997-11"]
    # all of the effect in one episode: the block bootstrap does not call it significant
    one, _ = fed_frame(seed=7, carried=(2, 2.5))
    assert rates.analyze(one, fed_series="DFF").fed.table.loc[
        "easing", "level_verdict"] == "not significant"
    evenly, _ = fed_frame(seed=7, levels={"easing": 0.6, "tightening": -0.6, "hold": 0.0})
    assert rates.analyze(evenly, fed_series="DFF").fed.table.loc["easing", "level_flips"] == []


def test_fed_data_that_ends_early_leaves_the_later_periods_unlabelled():
    df, _ = fed_frame(n=600)
    end = df.index[-1] - pd.Timedelta(days=70)
    cut = df.copy()
    cut.loc[cut.index > end, "DFF"] = np.nan
    res = rates.analyze(cut, fed_series="DFF")
    fed = res.fed
    assert fed.data_end == end and fed.stale
    assert fed.unlabelled_after == int((res.sample.index > end).sum()) == 10
    assert fed.labels.index[-1] <= end
    assert res.to_frame()["fed_regime"].loc[end + pd.Timedelta(days=1):].isna().all()
    assert res.figures()["fed_unlabelled_periods"] == 10
    # DFF values after the equities end change nothing
    wild = df.copy()
    wild.loc[wild.index > wild["RUT"].dropna().index[-300], ["RUT", "SPX"]] = np.nan
    calm = wild.loc[:wild["RUT"].dropna().index[-1]]
    wild.loc[wild.index > calm.index[-1], "DFF"] = 99.0
    _same(rates.analyze(wild, fed_series="DFF").figures(),
          rates.analyze(calm, fed_series="DFF").figures())


def test_fed_errors():
    df, _ = fed_frame(n=300)
    with pytest.raises(ParameterError, match="fed_window must be a whole number of weeks"):
        rates.analyze(df, fed_series="DFF", fed_window=0)
    with pytest.raises(ParameterError, match="fed_bp must be a number of basis points"):
        rates.analyze(df, fed_series="DFF", fed_bp=-1)
    with pytest.raises(ParameterError, match="fed_series 'DFX' is not a column"):
        rates.analyze(df, fed_series="DFX")
    with pytest.raises(ParameterError, match="fed_series 'RUT' is a price series"):
        rates.analyze(df, fed_series="RUT")
    assert rates.analyze(df).fed is None and "fed_regimes" not in rates.analyze(df).figures()
    assert rates.analyze(df).table("fed").empty


def test_real_data_fed_cycle_at_the_default_asof(shared_market):
    """DFF ends 2025-10-09 in the shared data, before the 2026-02-20 as-of: the 20 weeks after
    it carry no label."""
    df = data.load(["RUT", "SPX", "DGS10", "DFF"], start="1990-01-01", source="csv",
                   data_dir=shared_market)
    res = rates.analyze(df, fed_series="DFF")
    fed = res.fed
    assert fed.data_end == pd.Timestamp("2025-10-09")
    assert fed.labels.index[-1] == pd.Timestamp("2025-10-03")
    assert fed.unlabelled_after == 20 and res.sample.index[-1] == pd.Timestamp("2026-02-20")
    # easing cycles 1990-93, 1995-96, 1998, 2001-03, 2007-09, 2019-20, 2024-25; tightening
    # 1994-95, 1997, 1999-2000, 2004-06, 2017-19, 2022-23
    assert fed.table.loc["easing", "episodes"] == 7
    assert fed.table.loc["tightening", "episodes"] == 6
    assert "**DFF ends on 2025-10-09**" in res.reading("fed")
    # the figures without DFF are the audited ones
    assert round(res.fit.slope, 2) == 1.80 and round(res.fit.t_hac, 2) == 4.79
