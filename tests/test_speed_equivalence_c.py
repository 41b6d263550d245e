"""The rates and ratios studies' faster code against the plain code it replaced (kept here as
the reference): the Fed cycle's leave-one-episode-out on arrays, the regression on paired
arrays and its verdict alone, episodes found run by run, ``window_return`` by position and
the ratio study computed without the frame's attrs.  Every result must be the reference's
exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import data, ratios, stats
from smallcaps.rates import fed as fedmod
from smallcaps.rates import fits
from smallcaps.returns import window_return

# ------------------------------------------------------------------------------------------
# the reference implementations (the code before the faster one)
# ------------------------------------------------------------------------------------------


def ref_window_return(prices: pd.Series, start, end) -> float:
    p = prices.dropna()
    a = p.loc[:start]
    b = p.loc[:end]
    if a.empty or b.empty:
        return float("nan")
    return float((b.iloc[-1] / a.iloc[-1] - 1.0) * 100.0)


def ref_label_episodes(labels: pd.Series, gap: int) -> pd.DataFrame:
    gap = max(1, int(gap))
    lab = pd.Series(labels)
    ids = np.full(len(lab), -1, dtype=int)
    rows: list[dict] = []
    last: dict = {}
    values = lab.to_numpy()
    for i, value in enumerate(values):
        if i > 0 and values[i - 1] == value:
            row = ids[i - 1]
        elif value in last and i - last[value][1] - 1 < gap:
            row = last[value][0]
        else:
            row = len(rows)
            rows.append({"label": value, "start": lab.index[i], "periods": 0})
        ids[i] = row
        rows[row]["end"] = lab.index[i]
        rows[row]["periods"] += 1
        last[value] = (row, i)
    out = pd.DataFrame(rows, columns=["label", "start", "end", "periods"])
    out["name"] = [f"{a:%Y-%m}..{b:%Y-%m}" for a, b in zip(out["start"], out["end"], strict=True)]
    out.attrs["episode"] = pd.Series(ids, index=lab.index, name="episode")
    return out


def ref_fit(rel_return_pct: pd.Series, yield_change_bp: pd.Series, maxlags=None) -> dict:
    """fit_sensitivity before: the pair frame built with concat and dropna."""
    import statsmodels.api as sm

    df = pd.concat([rel_return_pct.rename("y"), yield_change_bp.rename("x")], axis=1).dropna()
    n = len(df)
    lags = stats.hac_maxlags(n) if maxlags is None else int(maxlags)
    if n < 3 or df["x"].std() == 0 or df["y"].std() == 0:
        return {"n": n, "maxlags": lags, "slope": np.nan}
    model = sm.OLS(df["y"].to_numpy(), sm.add_constant(df["x"].to_numpy() / 100.0))
    plain = model.fit()
    hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "kernel": "bartlett"})
    lo, hi = hac.conf_int(alpha=0.05)[1]
    return {"slope": float(hac.params[1]), "se_hac": float(hac.bse[1]),
            "t_hac": float(hac.tvalues[1]), "p_hac": float(hac.pvalues[1]),
            "ci_low": float(lo), "ci_high": float(hi), "t_plain": float(plain.tvalues[1]),
            "intercept": float(plain.params[0]), "r_squared": float(plain.rsquared),
            "corr": float(df["y"].corr(df["x"])), "n": n, "maxlags": lags}


def ref_fed_flips(sample, labels, episodes, regime, block) -> tuple[list, list]:
    ep = episodes.attrs["episode"]
    mine = episodes.index[episodes["label"] == regime]
    if len(mine) < 2:
        return [], []
    names = pd.Series(list(mine), index=[episodes.loc[i, "name"] for i in mine])

    def keep(kept: pd.Series) -> pd.Series:
        drop = set(mine) - set(kept.to_numpy())
        return labels[~ep.isin(drop)]

    def slope(kept: pd.Series) -> str:
        lab = keep(kept)
        idx = lab.index[lab == regime]
        return fits.fit_sensitivity(sample.loc[idx, "rel_return_pct"],
                                    sample.loc[idx, "yield_change_bp"]).verdict

    def level(kept: pd.Series) -> str:
        lab = keep(kept)
        test = stats.baseline_test(sample.loc[lab.index, "rel_return_pct"], lab == regime,
                                   block=block, n_boot=fedmod._N_BOOT, seed=fedmod._SEED)
        return fedmod._level_verdict(test, regime)

    level_flips = stats.leave_one_out(names, level) if regime in fedmod._CLAIM_SIGN else []
    return ([str(n) for n in stats.leave_one_out(names, slope)],
            [str(n) for n in level_flips])


# ------------------------------------------------------------------------------------------
# window_return
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_window_return_equals_the_loc_slices(seed):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-11-01", "2021-02-26")
    idx = idx[rng.random(idx.size) > 0.05]
    p = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, idx.size)), index=idx, name="X")
    if seed % 2:
        p[rng.random(idx.size) < 0.05] = np.nan
    days = pd.date_range("2019-10-20", "2021-03-10")
    for a, b in zip(rng.choice(days, 40), rng.choice(days, 40), strict=True):
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        for start, end in ((a, b), (f"{a:%Y-%m-%d}", b), (f"{a:%Y-%m-%d}", f"{b:%Y-%m}"),
                           (a - pd.DateOffset(months=1), b)):
            got, want = window_return(p, start, end), ref_window_return(p, start, end)
            assert got == want or (np.isnan(got) and np.isnan(want))
    ints = pd.Series(np.arange(1, 11), index=pd.bdate_range("2024-01-01", periods=10))
    assert window_return(ints, "2024-01-02", "2024-01-10") == ref_window_return(
        ints, "2024-01-02", "2024-01-10")


# ------------------------------------------------------------------------------------------
# the regression and the episodes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_fit_sensitivity_equals_the_concat_frame(seed):
    rng = np.random.default_rng(seed)
    n = [2, 3, 12, 60, 400][seed % 5]
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    y = pd.Series(rng.normal(0, 1, n), index=idx)
    x = pd.Series(rng.normal(0, 8, n).round(0), index=idx)
    if seed % 3 == 0:
        y[rng.random(n) < 0.1] = np.nan
        x[rng.random(n) < 0.1] = np.nan
    if seed == 7:
        x[:] = 5.0  # the yield never changes
    for yy, xx, lags in ((y, x, None), (y, x, 4), (y, x.iloc[::-1], None),  # other order
                         (y.iloc[: n // 2], x, None)):  # another index: the concat path
        got, want = fits.fit_sensitivity(yy, xx, maxlags=lags), ref_fit(yy, xx, lags)
        for k, v in want.items():
            g = getattr(got, k)
            assert g == v or (np.isnan(g) and np.isnan(v)), k
        if np.isfinite(got.slope):
            assert got.results is not None
        a, b = fits._pairs(yy, xx)
        if lags is None:
            assert fits.slope_verdict(a, b) == got.verdict


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.sampled_from(["easing", "hold", "tightening"]), max_size=80),
       gap=st.integers(0, 8))
def test_label_episodes_equal_the_loop(labels, gap):
    lab = pd.Series(labels, index=pd.date_range("2001-01-05", periods=len(labels),
                                                freq="W-FRI"), dtype=object)
    got, want = fits.label_episodes(lab, gap), ref_label_episodes(lab, gap)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_series_equal(got.attrs["episode"], want.attrs["episode"])


# ------------------------------------------------------------------------------------------
# the Fed cycle's leave-one-episode-out
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aligned():
    prices = data.load(["RUT", "SPX", "DGS10", "DFF"], start="1990-01-01", source="sample")
    return prices, fits.align_periods(prices, ("RUT", "SPX"), "DGS10", "W-FRI")


@pytest.mark.parametrize(("window", "bp"), [(26, 25.0), (13, 10.0), (8, 40.0)])
def test_fed_flips_equal_the_pandas_search(aligned, window, bp):
    prices, al = aligned
    cycle = fedmod.fed_cycle(al, prices["DFF"], window, bp)
    sample = al.dropna(subset=["rel_return_pct", "yield_change_bp"])
    named = 0
    for regime in fedmod.FED_REGIMES:
        want = ref_fed_flips(sample, cycle.labels, cycle.episodes, regime, cycle.block)
        got = (cycle.table.loc[regime, "slope_flips"], cycle.table.loc[regime, "level_flips"])
        assert got == want, regime
        assert got == fedmod._flips(sample, cycle.labels, cycle.episodes, regime, cycle.block)
        named += len(got[0]) + len(got[1])
    assert cycle.episodes["label"].value_counts().max() >= 2
    if (window, bp) == (26, 25.0):
        assert named  # the sample's notebook cycle names episodes: the search is exercised


# ------------------------------------------------------------------------------------------
# the ratio study without the frame's attrs
# ------------------------------------------------------------------------------------------


def test_pair_analysis_keeps_the_frames_attrs_on_its_ratio_and_legs():
    prices = data.load(["RUT", "SPX"], source="sample")
    a = ratios.analyze_pair(prices, "RUT/SPX")
    assert a.ratio.attrs == prices.attrs and a.legs.attrs == prices.attrs
    assert a.ratio.attrs is not prices.attrs
    bare = prices.copy()
    bare.attrs = {}
    b = ratios.analyze_pair(bare, "RUT/SPX")
    assert b.ratio.attrs == {}
    pd.testing.assert_series_equal(a.ratio, b.ratio, check_exact=True)
    assert a.changes == b.changes and a.events.equals(b.events)
    assert {w: m.equals(b.mas[w]) for w, m in a.mas.items()} == {w: True for w in a.mas}
