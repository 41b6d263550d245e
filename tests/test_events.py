"""Tests for smallcaps.events: hand-computed cases, planted effects, no-look-ahead properties.

The prose is tested in test_narrative_events.py, the charts in test_charts_events.py."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import events, page, stats
from smallcaps.errors import ParameterError, SmallcapsError


def _s(values, start="2020-01-01", name=None):
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), name=name,
                     dtype=float)


def _z(values):
    """A z-score series on a business-day calendar."""
    return _s(values, name="z")


def synthetic(n=3000, seed=1, jumps=None, drift_after=0.0, drift_days=63):
    """Correlated random walks SMALL and LARGE (1% common daily vol, 0.6% idiosyncratic on
    SMALL); ``jumps`` = {position: return} planted on SMALL, each followed by ``drift_after``
    extra daily return on SMALL for ``drift_days`` days."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0.0003, 0.01, n)
    small_r = common + rng.normal(0.0, 0.006, n)
    for pos, size in (jumps or {}).items():
        small_r[pos] += size
        small_r[pos + 1: pos + 1 + drift_days] += drift_after
    idx = pd.bdate_range("2000-01-03", periods=n)
    small = pd.Series(100 * np.cumprod(1 + small_r), idx, name="SMALL")
    large = pd.Series(100 * np.cumprod(1 + common), idx, name="LARGE")
    return small, large


# ---------------------------------------------------------------------------------------------
# spread and z-score
# ---------------------------------------------------------------------------------------------

def test_spread_zscore_hand_computed():
    small = _s([100, 101, 103, 102, 104, 108], name="S")
    large = _s([100, 100, 101, 101, 102, 102], name="L")
    sig = events.spread_zscore(small, large, horizon_days=1, min_history=2)
    spread = [np.nan, 1.0, 103 / 101 * 100 - 100 - (101 / 100 * 100 - 100),
              102 / 103 * 100 - 100, 104 / 102 * 100 - 100 - (102 / 101 * 100 - 100),
              108 / 104 * 100 - 100]
    np.testing.assert_allclose(sig["spread_pct"].to_numpy(), spread, rtol=1e-12)
    # z at position 3: sd of the two spreads before it (positions 1, 2); not demeaned
    sd3 = np.std(spread[1:3], ddof=1)
    assert sig["sd_pp"].iloc[3] == pytest.approx(sd3)
    assert sig["z"].iloc[3] == pytest.approx(spread[3] / sd3)
    sd5 = np.std(spread[1:5], ddof=1)
    assert sig["z"].iloc[5] == pytest.approx(spread[5] / sd5)
    # warm-up: fewer than min_history earlier spreads -> NaN
    assert sig["z"].iloc[:3].isna().all()
    assert sig.attrs["small"] == "S" and sig.attrs["large"] == "L"


def test_spread_uses_common_dates_only():
    small = _s([100, 101, 102, 103, 104, 105, 106, 107], name="S")
    large = small.rename("L").copy()
    large.iloc[3] = np.nan  # a holiday for the large index only
    sig = events.spread_zscore(small, large, horizon_days=2, min_history=2)
    assert small.index[3] not in sig.index
    assert len(sig) == 7
    # the 2-day window at the 4th common date spans the missing date: 104/102 on both sides
    assert sig["spread_pct"].iloc[3] == pytest.approx(0.0)


def test_rolling_and_full_methods():
    rng = np.random.default_rng(3)
    small = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 60)), name="S")
    large = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 60)), name="L")
    roll = events.spread_zscore(small, large, horizon_days=1, std_method="rolling",
                                std_window=10, min_history=5)
    sp = roll["spread_pct"].to_numpy()
    t = 30
    assert roll["sd_pp"].iloc[t] == pytest.approx(np.std(sp[t - 10:t], ddof=1))
    # rolling needs a full window even when min_history is shorter: first z at position 11
    assert roll["z"].iloc[:11].isna().all() and np.isfinite(roll["z"].iloc[11])
    full = events.spread_zscore(small, large, horizon_days=1, std_method="full", min_history=5)
    assert full["sd_pp"].dropna().nunique() == 1
    assert full["sd_pp"].iloc[t] == pytest.approx(np.nanstd(sp, ddof=1))
    # same warm-up as expanding, so the methods cover the same days
    exp = events.spread_zscore(small, large, horizon_days=1, min_history=5)
    assert full["z"].first_valid_index() == exp["z"].first_valid_index()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(30, 119),
       bump=st.floats(-0.5, 2.0).filter(lambda b: abs(b) > 1e-3),
       method=st.sampled_from(["expanding", "rolling"]))
def test_no_lookahead_changing_a_later_value_leaves_earlier_z_unchanged(seed, k, bump, method):
    rng = np.random.default_rng(seed)
    small = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 120)), name="S")
    large = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 120)), name="L")
    base = events.spread_zscore(small, large, horizon_days=5, std_method=method,
                                std_window=20, min_history=20)
    changed_small = small.copy()
    changed_small.iloc[k:] *= 1 + bump  # a later price (and everything after it) changes
    changed = events.spread_zscore(changed_small, large, horizon_days=5, std_method=method,
                                   std_window=20, min_history=20)
    pd.testing.assert_series_equal(base["z"].iloc[:k], changed["z"].iloc[:k])
    pd.testing.assert_series_equal(base["sd_pp"].iloc[:k], changed["sd_pp"].iloc[:k])
    # ...and the change is visible from k on (the test can fail)
    assert not np.allclose(base["spread_pct"].iloc[k], changed["spread_pct"].iloc[k])


def test_full_method_is_in_sample():
    rng = np.random.default_rng(0)
    small = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 120)), name="S")
    large = _s(100 * np.cumprod(1 + rng.normal(0, 0.01, 120)), name="L")
    base = events.spread_zscore(small, large, std_method="full", min_history=20)
    s2 = small.copy()
    s2.iloc[110] *= 1.3
    changed = events.spread_zscore(s2, large, std_method="full", min_history=20)
    assert not np.allclose(base["z"].iloc[30:100], changed["z"].iloc[30:100])


@pytest.mark.parametrize("kwargs, fragment", [
    ({"std_method": "ewm"}, "std_method"),
    ({"horizon_days": 0}, "horizon_days"),
    ({"std_window": 1}, "std_window"),
    ({"min_history": 5000}, "share"),
])
def test_spread_zscore_bad_input(kwargs, fragment):
    small, large = synthetic(n=400)
    with pytest.raises(ParameterError, match=fragment):
        events.spread_zscore(small, large, **kwargs)


# ---------------------------------------------------------------------------------------------
# events and declustering
# ---------------------------------------------------------------------------------------------

def _with_hits(n, positions, value=4.0):
    z = np.zeros(n)
    z[list(positions)] = value
    return _z(z)


def test_decluster_gap_equal_to_window_is_same_cluster():
    z = _with_hits(60, [10, 30])
    ev = events.find_events(z, sigma=3, decluster_days=20)
    assert list(ev.index) == [z.index[10]]
    assert ev["cluster_days"].iloc[0] == 2
    assert ev["cluster_end"].iloc[0] == z.index[30]


def test_decluster_gap_one_more_than_window_starts_new_event():
    z = _with_hits(60, [10, 31])
    ev = events.find_events(z, sigma=3, decluster_days=20)
    assert list(ev.index) == [z.index[10], z.index[31]]
    assert list(ev["cluster_days"]) == [1, 1]


def test_decluster_measures_from_last_qualifying_day_not_from_event():
    # 10 -> 25 -> 40: each gap is 15 <= 20, so one cluster although 40 is 30 days after 10
    z = _with_hits(80, [10, 25, 40, 61])
    ev = events.find_events(z, sigma=3, decluster_days=20)
    assert list(ev.index) == [z.index[10], z.index[61]]
    assert ev["cluster_days"].iloc[0] == 3
    assert ev["cluster_end"].iloc[0] == z.index[40]


def test_consecutive_run_is_one_event_on_its_first_day_with_peak():
    vals = np.zeros(40)
    vals[5:9] = [3.2, 4.5, 5.1, 3.4]
    ev = events.find_events(_z(vals), sigma=3, decluster_days=20)
    assert len(ev) == 1
    assert ev.index[0] == _z(vals).index[5]
    assert ev["z"].iloc[0] == pytest.approx(3.2)
    assert ev["peak_z"].iloc[0] == pytest.approx(5.1)
    # decluster_days=0: every qualifying day is its own event
    assert len(events.find_events(_z(vals), sigma=3, decluster_days=0)) == 4


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-6, 6), min_size=1, max_size=200),
       gap=st.integers(0, 30))
def test_declustering_invariants(values, gap):
    z = _z(values)
    ev = events.find_events(z, sigma=3, decluster_days=gap)
    hits = np.flatnonzero(z.to_numpy() > 3)
    pos = z.index.get_indexer(ev.index)
    # every event is a qualifying day, every qualifying day belongs to exactly one cluster
    assert set(pos) <= set(hits)
    assert ev["cluster_days"].sum() == len(hits)
    # an event starts a cluster: no qualifying day within `gap` days before it
    for p in pos:
        assert not ((hits < p) & (hits >= p - gap)).any()
    # more than `gap` trading days separate one cluster's last day from the next event
    ends = z.index.get_indexer(ev["cluster_end"])
    assert (pos[1:] - ends[:-1] > gap).all()
    assert len(events.find_events(z, sigma=3, decluster_days=0)) == len(hits)
    assert len(events.find_events(z, sigma=3, decluster_days=gap + 5)) <= len(ev)


def test_threshold_is_strict_and_directional_and_nan_never_qualifies():
    z = _z([3.0, 3.01, np.nan, -3.5, 0.0, -2.9])
    up = events.find_events(z, sigma=3, direction="up", decluster_days=0)
    down = events.find_events(z, sigma=3, direction="down", decluster_days=0)
    both = events.find_events(z, sigma=3, direction="both", decluster_days=0)
    assert list(up.index) == [z.index[1]]
    assert list(down.index) == [z.index[3]]
    assert list(down["sign"]) == [-1]
    assert list(both.index) == [z.index[1], z.index[3]]
    # 'both' declusters up and down days separately: the union of 'up' and 'down' events
    assert len(events.find_events(z, sigma=3, direction="both", decluster_days=5)) == 2


def test_both_is_union_of_up_and_down():
    rng = np.random.default_rng(9)
    z = _z(rng.normal(0, 1.5, 600))
    kw = {"sigma": 2.5, "decluster_days": 20}
    up = events.find_events(z, direction="up", **kw)
    down = events.find_events(z, direction="down", **kw)
    both = events.find_events(z, direction="both", **kw)
    assert len(up) > 1 and len(down) > 1
    pd.testing.assert_frame_equal(both, pd.concat([up, down]).sort_index())


def test_no_events_gives_empty_frame():
    ev = events.find_events(_z(np.zeros(30)), sigma=3)
    assert ev.empty and list(ev.columns) == ["z", "sign", "cluster_days", "cluster_end", "peak_z"]


@pytest.mark.parametrize("kwargs, fragment", [
    ({"sigma": 0}, "sigma"), ({"sigma": "x"}, "sigma"), ({"direction": "sideways"}, "direction"),
    ({"decluster_days": -1}, "decluster_days"), ({"decluster_days": 2.5}, "decluster_days"),
])
def test_find_events_bad_input(kwargs, fragment):
    with pytest.raises(SmallcapsError, match=fragment):
        events.find_events(_z(np.zeros(10)), **kwargs)


def test_planted_jump_is_found_on_its_date():
    pos = 1500
    small, large = synthetic(n=2500, seed=7, jumps={pos: 0.12})
    sig = events.spread_zscore(small, large)
    study = events.divergence_study(sig, sigma=3.0, forward_days=[21], n_boot=200)
    jump_date = small.index[pos]
    assert jump_date in study.events.index
    assert study.events["peak_z"].abs().idxmax() == jump_date
    assert study.events.loc[jump_date, "z"] > 5
    # the jump stays in the 5-day window for 5 days: one cluster, dated on the jump
    assert study.events.loc[jump_date, "cluster_days"] >= 4
    assert sig.loc[jump_date, "spread_pct"] == pytest.approx(12, abs=3)


def test_planted_down_jump_found_with_direction_down_only():
    pos = 1200
    small, large = synthetic(n=2000, seed=11, jumps={pos: -0.12})
    sig = events.spread_zscore(small, large)
    down = events.divergence_study(sig, direction="down", forward_days=[21], n_boot=100)
    up = events.divergence_study(sig, direction="up", forward_days=[21], n_boot=100)
    assert small.index[pos] in down.events.index
    assert small.index[pos] not in up.events.index


# ---------------------------------------------------------------------------------------------
# forward returns
# ---------------------------------------------------------------------------------------------

def test_forward_returns_hand_computed_and_truncated_at_asof():
    p = _s([100, 110, 121, 133.1, 100], name="P")
    fr = events.forward_returns(p, p.index[:3], forward_days=[1, 2])
    assert fr.loc[p.index[0], 1] == pytest.approx(10.0)
    assert fr.loc[p.index[0], 2] == pytest.approx(21.0)
    assert fr.loc[p.index[2], 2] == pytest.approx(100 / 121 * 100 - 100)
    # as of the 4th date, the 2-day window from the 3rd date is not complete
    cut = events.forward_returns(p, p.index[:3], forward_days=[1, 2], asof=p.index[3])
    assert math.isnan(cut.loc[p.index[2], 2])
    assert cut.loc[p.index[2], 1] == pytest.approx(10.0)
    assert cut.loc[p.index[1], 2] == pytest.approx(21.0)


def test_forward_returns_bad_dates_and_horizons():
    p = _s([100, 101, 102], name="P")
    with pytest.raises(ParameterError, match="not a trading date"):
        events.forward_returns(p, [pd.Timestamp("1999-01-01")], [1])
    with pytest.raises(ParameterError, match="as-of date"):
        events.forward_returns(p, [p.index[2]], [1], asof=p.index[1])
    with pytest.raises(ParameterError, match="forward_days"):
        events.forward_returns(p, [p.index[0]], [])
    with pytest.raises(ParameterError, match="forward_days"):
        events.forward_returns(p, [p.index[0]], [0])


def test_study_windows_only_counted_when_complete():
    # events 10 and 5 days before the end: the 21-day windows are incomplete
    small, large = synthetic(n=1500, seed=5, jumps={700: 0.12, 1489: 0.12})
    study = events.divergence_study(events.spread_zscore(small, large), forward_days=[5, 21],
                                    n_boot=100)
    late = small.index[1489]
    assert late in study.events.index
    row = study.to_frame().loc[late]
    assert np.isfinite(row["small_5d_pct"]) and math.isnan(row["small_21d_pct"])
    t = study.table.loc["small"]
    assert t.loc[21, "n_events"] == t.loc[5, "n_events"] - 1
    # baseline counts: days with a z-score whose window is complete
    n_z = int(study.signal["z"].notna().sum())
    assert t.loc[21, "base_n"] == n_z - 21
    assert t.loc[5, "base_n"] == n_z - 5
    # and the forward return is the direct price ratio
    early = small.index[700]
    expect = (small.iloc[721] / small.iloc[700] - 1) * 100
    assert study.to_frame().loc[early, "small_21d_pct"] == pytest.approx(expect)
    le = study.latest_event
    assert le["date"] == late and le["days_since"] == 10
    assert le["windows"]["5"] == {"days_elapsed": 5, "complete": True,
                                  "return_pct": pytest.approx(
                                      (small.iloc[1494] / small.iloc[1489] - 1) * 100)}
    assert le["windows"]["21"]["days_elapsed"] == 10
    assert le["windows"]["21"]["complete"] is False
    assert le["return_to_date_pct"] == pytest.approx((small.iloc[-1] / small.iloc[1489] - 1) * 100)


# ---------------------------------------------------------------------------------------------
# bootstrap test
# ---------------------------------------------------------------------------------------------

def test_block_bootstrap_is_deterministic_and_detects_a_planted_difference():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 2000)
    flags = np.zeros(2000, dtype=bool)
    flags[::100] = True
    x[flags] += 3.0
    a = stats.block_bootstrap_diff(x, flags, block=21, n_boot=500, seed=1)
    b = stats.block_bootstrap_diff(x, flags, block=21, n_boot=500, seed=1)
    assert a == b
    assert a["diff"] == pytest.approx(x[flags].mean() - x.mean())
    assert a["ci_low"] > 0 and a["p_value"] < 0.01
    # no effect: the interval covers zero
    y = rng.normal(0, 1, 2000)
    c = stats.block_bootstrap_diff(y, flags, block=21, n_boot=500, seed=1)
    assert c["ci_low"] < 0 < c["ci_high"] and c["p_value"] > 0.05


def test_block_bootstrap_keeps_its_size_when_event_windows_overlap():
    # Null world: no effect.  Events come in bursts of four, 5 days apart, so their 63-day
    # forward sums overlap heavily.  Treating days as independent (block=1) rejects far too
    # often; blocks of the window length keep the false-positive rate near 5%.
    sims = 60
    rejections = {1: 0, 63: 0}
    for s in range(sims):
        rng = np.random.default_rng(100 + s)
        x = pd.Series(rng.normal(0, 1, 3062)).rolling(63).sum().dropna().to_numpy()
        flags = np.zeros(x.size, dtype=bool)
        for k in (0, 5, 10, 15):
            flags[np.arange(100, x.size - 100, 250) + k] = True
        for block in rejections:
            out = stats.block_bootstrap_diff(x, flags, block=block, n_boot=200, seed=s)
            rejections[block] += out["p_value"] < 0.05
    assert rejections[63] / sims <= 0.12
    assert rejections[1] / sims >= 0.15


def test_block_bootstrap_degenerate():
    out = stats.block_bootstrap_diff([1.0, 2.0], [False, False], block=1)
    assert math.isnan(out["diff"]) and out["n_boot"] == 0


# ---------------------------------------------------------------------------------------------
# the study: its table, display tables, figures, paths and variants
# ---------------------------------------------------------------------------------------------

JUMPS = {p: 0.12 for p in range(400, 3800, 170)}


def planted_study(drift_after: float, **options) -> events.DivergenceStudy:
    """20 planted +12% jumps on SMALL, each followed by 63 days of ``drift_after`` a day."""
    small, large = synthetic(n=4000, seed=21, jumps=JUMPS, drift_after=drift_after)
    return events.divergence_study(events.spread_zscore(small, large),
                                   forward_days=[21, 63], n_boot=500, **options)


@pytest.fixture(scope="module")
def strong_study():
    return planted_study(0.004)


def test_table_recovers_planted_post_event_drift(strong_study):
    t = strong_study.table.loc["small"]
    assert len(strong_study.events) >= len(JUMPS) - 1
    # 63 days of +0.4% a day on top of the market: about +29% vs a baseline far below
    assert t.loc[63, "mean_pct"] > 20
    assert t.loc[63, "diff_pp"] > 10
    assert t.loc[63, "ci_low_pp"] > 0 and t.loc[63, "p_value"] < 0.05
    sp = strong_study.table.loc["spread"]
    assert sp.loc[63, "mean_pct"] > 15
    assert sp.loc[63, "diff_pp"] > 10
    # a negative planted drift turns the difference round
    weak = planted_study(-0.004).table.loc["small"]
    assert weak.loc[63, "diff_pp"] < -10 and weak.loc[63, "p_value"] < 0.05


def test_figures_are_what_the_notebook_records(strong_study):
    fig = strong_study.figures()
    assert list(fig) == ["method", "events", "forward", "baseline", "forward_spread",
                         "baseline_spread", "test", "latest", "latest_event"]
    json.dumps(page.jsonable(fig))
    t = strong_study.table.loc["small"]
    assert set(fig["forward"]) == {"21", "63"}
    assert fig["forward"]["63"] == {"mean_pct": t.loc[63, "mean_pct"],
                                    "median_pct": t.loc[63, "median_pct"],
                                    "hit_rate": t.loc[63, "hit_rate"],
                                    "n": int(t.loc[63, "n_events"]),
                                    "trimmed_mean_pct": t.loc[63, "trimmed_mean_pct"],
                                    "episodes": int(t.loc[63, "episodes"])}
    assert fig["baseline"]["21"]["n"] == t.loc[21, "base_n"]
    assert fig["baseline"]["21"]["mean_pct"] == t.loc[21, "base_mean_pct"]
    assert fig["baseline"]["21"]["trimmed_mean_pct"] == t.loc[21, "base_trimmed_mean_pct"]
    assert "episodes" not in fig["baseline"]["21"]
    sp = strong_study.table.loc["spread"]
    assert fig["forward_spread"]["63"]["mean_pct"] == sp.loc[63, "mean_pct"]
    assert fig["baseline_spread"]["63"]["median_pct"] == sp.loc[63, "base_median_pct"]
    assert fig["test"]["63"] == {"diff_pp": t.loc[63, "diff_pp"],
                                 "ci_low_pp": t.loc[63, "ci_low_pp"],
                                 "ci_high_pp": t.loc[63, "ci_high_pp"],
                                 "p_value": t.loc[63, "p_value"], "q": t.loc[63, "q"],
                                 "episodes": int(t.loc[63, "episodes"]),
                                 "median_diff_pp": t.loc[63, "median_diff_pp"],
                                 "trimmed_diff_pp": t.loc[63, "trimmed_diff_pp"],
                                 "verdict": "significantly above", "loo": []}
    # planted jumps 170 days apart: every 63-day window is its own episode
    assert fig["forward"]["63"]["episodes"] == fig["forward"]["63"]["n"]
    assert fig["method"]["sigma"] == 3.0 and fig["method"]["std_method"] == "expanding"
    assert fig["method"]["forward_days"] == [21, 63] and fig["method"]["small"] == "SMALL"
    ev = strong_study.events
    assert len(fig["events"]) == len(ev)
    assert fig["events"][0] == {"date": ev.index[0], "z": ev["z"].iloc[0],
                                "spread_pct": strong_study.signal.loc[ev.index[0],
                                                                      "spread_pct"]}
    sig = strong_study.signal
    assert fig["latest"] == {"date": sig.index[-1], "spread_pct": sig["spread_pct"].iloc[-1],
                             "z": pytest.approx(sig["spread_pct"].iloc[-1]
                                                / sig["sd_pp"].iloc[-1])}
    assert fig["latest_event"] == {"date": ev.index[-1], "z": ev["z"].iloc[-1]}


def test_latest(strong_study):
    lt = strong_study.latest
    sig = strong_study.signal
    assert lt["date"] == sig.index[-1]
    assert lt["sd_pp"] == pytest.approx(sig["sd_pp"].iloc[-1])
    assert lt["beyond"] is (lt["z"] > 3.0)
    assert strong_study.asof == sig.index[-1]
    q = strong_study.qualifying
    assert len(q) == sig["z"].notna().sum()
    assert int(q.sum()) == strong_study.events["cluster_days"].sum()


def test_display_tables(strong_study):
    et = strong_study.summary("events")
    assert len(et) == len(strong_study.events)
    assert et.index[0] == f"{strong_study.events.index[0]:%Y-%m-%d}"
    assert ("SMALL forward return (%)", "63d") in et.columns
    assert ("SMALL − LARGE forward (pp)", "21d") in et.columns
    first = strong_study.to_frame().iloc[0]
    assert et.iloc[0][("SMALL forward return (%)", "63d")] == round(first["small_63d_pct"], 2)
    st_ = strong_study.summary()
    t = strong_study.table.loc["small"]
    assert list(st_.index) == ["21 days", "63 days"]
    assert st_.loc["63 days", ("after events", "episodes")] == t.loc[63, "episodes"]
    assert st_.loc["63 days", ("all days", "median (%)")] == round(t.loc[63, "base_median_pct"], 2)
    rob = strong_study.summary("robustness")
    assert rob.loc["63 days", ("after events", "trimmed mean (%)")] == round(
        t.loc[63, "trimmed_mean_pct"], 2)
    assert rob.loc["63 days", ("verdict", "with all events")] == "significantly above"
    assert rob.loc["63 days", ("leave one out", "flipped by")] == "none"
    assert st_.loc["63 days", ("after events", "up (%)")] == round(t.loc[63, "hit_rate"] * 100)
    lo, hi = t.loc[63, "ci_low_pp"], t.loc[63, "ci_high_pp"]
    assert st_.loc["63 days", ("events − all days", "95% CI (pp)")] == f"{lo:+.1f} to {hi:+.1f}"
    assert ("all days", "mean (pp)") in strong_study.summary("spread").columns
    with pytest.raises(ParameterError, match="which"):
        strong_study.summary("large")


def test_paths_start_at_zero_and_match_the_table(strong_study):
    p = strong_study.paths(max_days=63)
    assert p.loc[0, "event_mean"] == 0 and p.loc[0, "baseline"] == 0
    t = strong_study.table.loc["small"]
    assert p.loc[63, "event_mean"] == pytest.approx(t.loc[63, "mean_pct"])
    assert p.loc[63, "event_median"] == pytest.approx(t.loc[63, "median_pct"])
    assert p.loc[63, "baseline"] == pytest.approx(t.loc[63, "base_mean_pct"])
    assert p.loc[63, "band_low"] < p.loc[63, "event_mean"] < p.loc[63, "band_high"]
    assert p.loc[0, "n_events"] == len(strong_study.events)
    # events 170 days apart: no two 63-day windows overlap, each event is its own group
    assert p.loc[63, "groups"] == p.loc[63, "n_events"] == t.loc[63, "n_events"]
    ps = strong_study.paths("spread", max_days=21)
    assert ps.loc[21, "event_mean"] == pytest.approx(
        strong_study.table.loc["spread"].loc[21, "mean_pct"])
    pd.testing.assert_frame_equal(ps, strong_study.spread_study.paths(21))


def test_sensitivity_counts_fall_with_threshold(strong_study):
    var = strong_study.sensitivity([2.0, 3.0, 4.0])
    assert isinstance(var, events.Variants) and var.by == "sigma" and var.horizons == (21, 63)
    tab = var.to_frame()
    assert list(tab.index) == [2.0, 3.0, 4.0] and tab.index.name == "sigma"
    assert tab["n_events"].is_monotonic_decreasing
    assert tab.loc[3.0, "n_events"] == len(strong_study.events)
    t = strong_study.table.loc["small"]
    assert tab.loc[3.0, "diff_63d_pp"] == pytest.approx(t.loc[63, "diff_pp"])
    assert tab.loc[3.0, "n_63d"] == t.loc[63, "n_events"]
    assert tab.loc[3.0, "episodes_63d"] == t.loc[63, "episodes"]
    assert tab.loc[3.0, "p_21d"] == t.loc[21, "p_value"]
    vt = var.summary()
    assert list(vt.index) == ["2σ", "3σ", "4σ"]
    assert vt.loc["3σ", ("63 days", "vs all days (pp)")] == round(tab.loc[3.0, "diff_63d_pp"], 2)
    assert vt.loc["4σ", ("", "events")] == tab.loc[4.0, "n_events"]
    assert vt.loc["3σ", ("63 days", "episodes")] == tab.loc[3.0, "episodes_63d"]
    fig = var.figures()
    assert list(fig) == ["sensitivity"] and list(fig["sensitivity"]) == ["2.0", "3.0", "4.0"]
    assert fig["sensitivity"]["3.0"]["n_events"] == tab.loc[3.0, "n_events"]
    assert fig["sensitivity"]["3.0"]["mean_63d_pct"] == t.loc[63, "mean_pct"]
    # q-values: Benjamini-Hochberg over all threshold x horizon cells together
    from statsmodels.stats.multitest import multipletests

    p = tab[["p_21d", "p_63d"]].to_numpy().ravel()
    expect = multipletests(p, method="fdr_bh")[1].reshape(3, 2)
    np.testing.assert_allclose(tab[["q_21d", "q_63d"]].to_numpy(), expect)
    assert vt.loc["3σ", ("63 days", "q")] == round(tab.loc[3.0, "q_63d"], 3)
    spread = strong_study.sensitivity([3.0], which="spread").to_frame()
    assert spread.loc[3.0, "mean_63d_pct"] == strong_study.table.loc["spread"].loc[63, "mean_pct"]


def test_rerun_and_compare_methods(strong_study):
    same = strong_study.rerun()
    pd.testing.assert_frame_equal(same.table, strong_study.table)
    quick = strong_study.rerun(leave_one_out=False)
    assert quick.small_study.loo == {21: [], 63: []} and quick.table["n_flips"].eq(0).all()
    pd.testing.assert_frame_equal(quick.table.drop(columns="n_flips"),
                                  strong_study.table.drop(columns="n_flips"))
    full = strong_study.rerun(std_method="full")
    assert full.signal.attrs["std_method"] == "full"
    assert full.params["std_method"] == "full" and full.params["sigma"] == 3.0
    assert full.signal.attrs["provenance"] == strong_study.signal.attrs["provenance"]
    direct = events.divergence_study(
        events.spread_zscore(strong_study.signal["small"].rename("SMALL"),
                             strong_study.signal["large"].rename("LARGE"), std_method="full"),
        forward_days=[21, 63], n_boot=500)
    pd.testing.assert_frame_equal(full.table, direct.table)
    with pytest.raises(ParameterError, match="cannot change"):
        strong_study.rerun(window=3)
    var = strong_study.compare_methods()
    tab = var.table
    assert var.by == "std_method" and var.name == "methods"
    assert list(tab.index) == ["expanding", "rolling", "full"]
    assert tab.loc["expanding", "n_events"] == len(strong_study.events)
    assert tab.loc["full", "n_events"] == len(full.events)
    assert list(var.figures()["methods"]) == ["expanding", "rolling", "full"]
    assert list(var.summary().index) == ["expanding", "rolling", "full"]
    with pytest.raises(ParameterError, match="std_method"):
        strong_study.compare_methods(["ewm"])


def test_study_without_events():
    small, large = synthetic(n=3000, seed=4, jumps={1000: 0.12, 2000: 0.12})
    study = events.divergence_study(events.spread_zscore(small, large), sigma=50,
                                    forward_days=[21], n_boot=50)
    assert study.events.empty
    assert study.latest_event is None
    fig = study.figures()
    assert fig["events"] == [] and fig["latest_event"] is None
    assert fig["forward"]["21"]["n"] == 0 and math.isnan(fig["forward"]["21"]["mean_pct"])
    assert study.to_frame().empty and study.summary("events").empty
    assert study.paths(max_days=3)["n_events"].eq(0).all()
    assert study.sensitivity([50.0]).table.loc[50.0, "n_events"] == 0


def test_divergence_study_bad_input():
    with pytest.raises(ParameterError, match="spread_zscore"):
        events.divergence_study(pd.DataFrame({"x": [1.0]}))
    small, large = synthetic(n=400)
    sig = events.spread_zscore(small, large)
    with pytest.raises(ParameterError, match="forward_days"):
        events.divergence_study(sig, forward_days=[-5])
    with pytest.raises(ParameterError, match="direction"):
        events.divergence_study(sig, direction="sideways")


# ---------------------------------------------------------------------------------------------
# the generic event study
# ---------------------------------------------------------------------------------------------

EVERY_120 = list(range(200, 2800, 120))  # 22 event positions, 120 trading days apart


def walk(n=3000, seed=0, plant=None, name="P"):
    """A random walk of closes (1% daily vol); ``plant`` = {position: (daily extra return,
    days)} adds a drift over the days after an event."""
    rng = np.random.default_rng(seed)
    r = rng.normal(0.0003, 0.01, n)
    for pos, (extra, days) in (plant or {}).items():
        r[pos + 1: pos + 1 + days] += extra
    return pd.Series(100 * np.cumprod(1 + r), pd.bdate_range("2000-01-03", periods=n), name=name)


def test_event_study_hand_computed():
    px = _s([100, 110, 99, 108.9, 120, 114, 130, 125], name="P")
    study = events.event_study(px, px.index[[1, 3]], [1, 2], n_boot=200, leave_one_out=False)
    fwd = {1: [99 / 110, 120 / 108.9], 2: [108.9 / 110, 114 / 108.9]}
    for h, ratios in fwd.items():
        r = study.table.loc[h]
        vals = (np.array(ratios) - 1) * 100
        np.testing.assert_allclose(study.forward[h].to_numpy(), vals)
        every = (px.to_numpy()[h:] / px.to_numpy()[:-h] - 1) * 100
        assert r["n_events"] == 2 and r["base_n"] == len(px) - h
        assert r["mean_pct"] == pytest.approx(vals.mean())
        assert r["median_pct"] == pytest.approx(np.median(vals))
        assert r["base_mean_pct"] == pytest.approx(every.mean())
        assert r["base_median_pct"] == pytest.approx(np.median(every))
        assert r["diff_pp"] == pytest.approx(vals.mean() - every.mean())
        assert r["median_diff_pp"] == pytest.approx(np.median(vals) - np.median(every))
    # events at positions 1 and 3: two non-overlapping 2-day windows, but one 3-day episode
    assert study.table.loc[2, "episodes"] == 2
    three = events.event_study(px, px.index[[1, 3]], [3], n_boot=50, leave_one_out=False)
    assert three.table.loc[3, "episodes"] == 1
    assert list(study.to_frame().columns) == ["1d_pct", "2d_pct"]
    # with a benchmark the forward value is the difference of the two returns, in pp
    bench = _s([100, 100, 101, 101, 102, 102, 103, 103], name="B")
    rel = events.event_study(px, px.index[[1]], [2], benchmark=bench, n_boot=50)
    assert rel.forward.loc[px.index[1], 2] == pytest.approx((108.9 / 110 - 101 / 100) * 100)
    assert rel.params["unit"] == "pp" and list(rel.to_frame().columns) == ["2d_pp"]


def test_event_study_trimmed_means_and_eligible_days():
    from scipy.stats import trim_mean

    px = walk(seed=3)
    eligible = pd.Series(np.arange(len(px)) >= 150, index=px.index)
    study = events.event_study(px, px.index[EVERY_120], [21], eligible=eligible, n_boot=200,
                               leave_one_out=False)
    r = study.table.loc[21]
    vals = study.forward[21].dropna()
    every = ((px.shift(-21) / px - 1) * 100)[eligible].dropna()
    assert r["base_n"] == len(every) == len(px) - 150 - 21
    assert r["base_mean_pct"] == pytest.approx(every.mean())
    assert r["trimmed_mean_pct"] == pytest.approx(trim_mean(vals, 0.1))
    assert r["base_trimmed_mean_pct"] == pytest.approx(trim_mean(every, 0.1))
    assert r["trimmed_diff_pp"] == pytest.approx(trim_mean(vals, 0.1) - trim_mean(every, 0.1))
    with pytest.raises(ParameterError, match="eligible trading date"):
        events.event_study(px, px.index[[100]], [21], eligible=eligible)
    with pytest.raises(ParameterError, match="eligible trading date"):
        events.event_study(px, [pd.Timestamp("1999-01-01")], [21])
    with pytest.raises(ParameterError, match="forward_days"):
        events.event_study(px, px.index[[300]], [0])
    with pytest.raises(ParameterError, match="Series"):
        events.event_study(px.to_numpy(), px.index[[300]], [21])


@pytest.mark.parametrize("seed", [0, 4])
def test_event_study_planted_drift_is_found_and_robust(seed):
    px = walk(seed=seed, plant={p: (0.004, 63) for p in EVERY_120})
    study = events.event_study(px, px.index[EVERY_120], [21, 63], n_boot=500, seed=1)
    t = study.table
    assert (t["verdict"] == "significantly above").all() and (t["q"] <= stats.Q_LEVEL).all()
    assert t.loc[63, "diff_pp"] > 10 and t.loc[63, "ci_low_pp"] > 0
    assert t.loc[63, "median_diff_pp"] > 10 and t.loc[63, "trimmed_diff_pp"] > 10
    # no single event carries it
    assert study.loo == {21: [], 63: []} and t["n_flips"].eq(0).all()
    assert t.loc[63, "episodes"] == 22  # 120 days apart: independent 63-day windows
    # and the reverse drift is found the other way round
    down = walk(seed=seed, plant={p: (-0.004, 63) for p in EVERY_120})
    rev = events.event_study(down, down.index[EVERY_120], [63], n_boot=500, seed=1)
    assert rev.table.loc[63, "verdict"] == "significantly below"


@pytest.mark.parametrize("seed", [0, 2])
def test_leave_one_out_names_the_outlier_that_carries_the_mean(seed):
    outlier = EVERY_120[7]
    px = walk(seed=seed, plant={outlier: (0.012, 63)})  # one event followed by about +110%
    study = events.event_study(px, px.index[EVERY_120], [63], n_boot=500, seed=1)
    r = study.table.loc[63]
    assert r["verdict"] == "above" and r["n_flips"] == 1
    (flip,) = study.loo[63]
    assert flip["date"] == px.index[outlier]
    others = study.forward[63].drop(index=px.index[outlier])
    assert flip["value_pct"] == pytest.approx(study.forward.loc[px.index[outlier], 63])
    assert flip["value_pct"] > 80
    assert flip["mean_pct"] == pytest.approx(others.mean())
    assert flip["median_pct"] == pytest.approx(others.median())
    # the removed event's day stays in the all-days baseline
    assert flip["diff_pp"] == pytest.approx(others.mean() - r["base_mean_pct"])
    assert flip["verdict"] == "below" and flip["diff_pp"] < 0
    # the mean is above the drift, the median is not
    assert r["diff_pp"] > 0 and r["median_diff_pp"] < 0
    fig = study.figures()["test"]["63"]
    assert fig["verdict"] == "above" and fig["loo"] == [flip]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_effect_gives_no_significant_verdict(seed):
    px = walk(seed=seed)
    study = events.event_study(px, px.index[EVERY_120], [21, 63], n_boot=500, seed=1,
                               leave_one_out=False)
    assert not study.table["verdict"].str.startswith("significantly").any()
    assert (study.table["q"] >= study.table["p_value"]).all()
    assert (study.table["ci_low_pp"] < 0).all() and (study.table["ci_high_pp"] > 0).all()


def test_overlap_groups_and_episodes_by_hand():
    from smallcaps.events.eventstudy import overlap_groups

    # 0 and 5 overlap over 21 days; 30 starts a new group; 31 joins it; 100 is alone
    assert list(overlap_groups([0, 5, 30, 31, 100], 21)) == [0, 0, 1, 1, 2]
    assert list(overlap_groups([100, 0, 31, 5, 30], 21)) == [2, 0, 1, 0, 1]
    # chaining: 0, 15, 30 form one group (each < 21 after the previous); episodes counts 2
    assert list(overlap_groups([0, 15, 30], 21)) == [0, 0, 0]
    assert stats.episodes([0, 15, 30], 21) == 2


def test_path_band_resamples_overlapping_events_together():
    # four bursts of five events two days apart: their 63-day paths are nearly the same, so
    # the 20 events are about 4 independent observations
    px = walk(seed=8)
    pos = [b + k for b in (400, 1000, 1600, 2200) for k in range(0, 10, 2)]
    study = events.event_study(px, px.index[pos], [63], n_boot=2000, seed=3,
                               leave_one_out=False)
    p = study.paths()
    assert p.loc[63, "n_events"] == 20 and p.loc[63, "groups"] == 4
    cum = study.forward[63]
    naive = 2 * 1.96 * cum.std(ddof=1) / np.sqrt(len(cum))
    burst_means = cum.groupby(np.repeat(np.arange(4), 5)).mean()
    assert p.loc[63, "band_high"] - p.loc[63, "band_low"] > 1.5 * naive
    assert burst_means.min() <= p.loc[63, "band_low"] < p.loc[63, "band_high"] <= \
        burst_means.max()
    assert p.loc[63, "event_mean"] == pytest.approx(cum.mean())
    # one burst alone is one group: no band
    one = events.event_study(px, px.index[pos[:5]], [63], n_boot=200, leave_one_out=False)
    assert one.paths()["groups"].max() == 1 and one.paths()["band_low"].isna().all()
    assert "no bootstrap band" in one.reading("paths")


def test_robustness_table_lists_few_flips_and_counts_many():
    flat = walk(seed=0)
    study = events.event_study(flat, flat.index[EVERY_120], [21, 63], n_boot=500, seed=1)
    rob = study.summary("robustness")
    many = study.loo[21]
    assert len(many) > 3  # an excess of -0.06 pp: its sign turns with almost any event
    means = [x["mean_pct"] for x in many]
    assert rob.loc["21 days", ("leave one out", "flipped by")] == f"any of {len(many)} events"
    assert rob.loc["21 days", ("leave one out", "mean without (%)")] == (
        f"{min(means):+.2f} to {max(means):+.2f}")
    few = study.loo[63]
    assert 0 < len(few) <= 3
    assert rob.loc["63 days", ("leave one out", "flipped by")] == ", ".join(
        f"{x['date']:%Y-%m-%d}" for x in few)
    assert rob.loc["63 days", ("verdict", "with all events")] == study.table.loc[63, "verdict"]
    with pytest.raises(ParameterError, match="which"):
        study.summary("events")
