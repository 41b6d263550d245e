"""The faster technicals, events and taxloss code against the plain code it replaced (kept
here as the reference): the same results, exactly, on random and planted cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from smallcaps import events, stats, technicals
from smallcaps.events.eventstudy import _group_band, _loo, overlap_groups, verdict_of
from smallcaps.taxloss import inference
from smallcaps.technicals import history, levels, patterns
from smallcaps.technicals.indicators import _check_ohlc


def random_bars(seed: int, n: int, start: str = "2000-01-03") -> pd.DataFrame:
    """A random walk of OHLC bars with some messy rows (unsorted, NaN fields, a close
    above the high)."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.012, n)))
    spread = np.abs(rng.normal(0, 0.006, n)) * close
    out = pd.DataFrame({"Open": close * (1 + rng.normal(0, 0.003, n)), "High": close + spread,
                        "Low": close - spread, "Close": close, "Volume": 1000.0},
                       index=pd.bdate_range(start, periods=n))
    out.attrs["provenance"] = {"TST": {"name": "Test index", "units": "index points"}}
    return out


# ------------------------------------------------------------------------------------------------
# the detector's record: random entries, leave-one-out
# ------------------------------------------------------------------------------------------------

def entry_rate_reference(close, target_pct, stop_pct, horizon, bullish):
    """The previous random_entry_rate: both first-passage times of every day."""
    c = np.log(np.asarray(close, dtype=float))
    h = int(horizon)
    m = len(c) - h
    if m <= 0 or h < 1:
        return float("nan")
    p = history._Passage(c)
    day = np.arange(m)
    start, limit = day + 1, day + h
    up = math.log1p(target_pct / 100.0) if bullish else math.log1p(stop_pct / 100.0)
    down = math.log1p(-stop_pct / 100.0) if bullish else math.log1p(-target_pct / 100.0)
    t_up = p.first(start, limit, c[:m] + up, above=True)
    t_down = p.first(start, limit, c[:m] + down, above=False)
    first, other = (t_up, t_down) if bullish else (t_down, t_up)
    return float(((first <= limit) & (first < other)).mean())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 400),
       vol=st.sampled_from([0.002, 0.01, 0.03]),
       target=st.sampled_from([0.0, 0.3, 1.0, 2.5, 6.0, 15.0]),
       stop=st.sampled_from([0.0, 0.3, 1.0, 2.5, 6.0, 15.0]), horizon=st.integers(1, 120),
       bullish=st.booleans(), tick=st.booleans())
@example(seed=0, n=50, vol=0.01, target=0.0, stop=0.0, horizon=5, bullish=True,
         tick=True)  # no target or stop distance: a close on the entry level meets both
def test_random_entry_rate_equals_both_passages_of_every_day(seed, n, vol, target, stop,
                                                             horizon, bullish, tick):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, vol, n)))
    if tick:  # prices on a grid: closes that equal a level, ties between days
        close = np.round(close, 0)
    got = technicals.random_entry_rate(close, target, stop, horizon, bullish)
    want = entry_rate_reference(close, target, stop, horizon, bullish)
    assert got == want or (math.isnan(got) and math.isnan(want))


def test_random_entry_rate_with_nan_closes_and_a_shared_passage():
    rng = np.random.default_rng(3)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    holes = close.copy()
    holes[[17, 18, 150]] = np.nan
    for c in (close, holes):
        shared = history._Passage(np.log(c))
        for h, target, stop, bullish in [(10, 2, 3, True), (25, 4, 1, False), (10, 1, 1, False),
                                         (64, 8, 5, True), (1, 0.5, 0.5, True)]:
            want = entry_rate_reference(c, target, stop, h, bullish)
            assert technicals.random_entry_rate(c, target, stop, h, bullish) == want
            assert technicals.random_entry_rate(c, target, stop, h, bullish, shared) == want


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 300), k=st.integers(1, 12))
def test_entry_rates_found_together_equal_each_alone(seed, n, k):
    """pattern_base_rate finds the first passages of every pattern's random entries at once."""
    rng = np.random.default_rng(seed)
    close = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), 1)
    specs = [(float(rng.choice([0.0, 0.5, 2.0, 5.0])), float(rng.choice([0.0, 0.5, 2.0, 5.0])),
              int(rng.integers(1, 60)), bool(rng.integers(0, 2))) for _ in range(k)]
    log_c = np.log(close)
    got = history._entry_rates(log_c, history._Passage(log_c), specs)
    want = [entry_rate_reference(close, *spec) for spec in specs]
    assert np.array_equal(got, want, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300))
def test_range_and_window_extremes_are_the_plain_max_and_min(seed, n):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    p = history._Passage(x)
    a = rng.integers(0, n, 50)
    b = np.minimum(a + rng.integers(0, n, 50), n - 1)
    pairs = list(zip(a, b, strict=True))
    assert np.array_equal(p.range_extreme(a, b, True), [x[i:j + 1].max() for i, j in pairs])
    assert np.array_equal(p.range_extreme(a, b, False), [x[i:j + 1].min() for i, j in pairs])
    for h in {1, 2, 3, max(1, n // 2), max(1, n - 1)}:
        m = n - h
        if m <= 0:
            continue
        assert np.array_equal(p.window_extreme(h, True), [x[d + 1:d + h + 1].max()
                                                          for d in range(m)])
        assert np.array_equal(p.window_extreme(h, False), [x[d + 1:d + h + 1].min()
                                                           for d in range(m)])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 40), duplicates=st.booleans())
def test_carried_by_is_stats_leave_one_out_on_head_dates(seed, n, duplicates):
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.2, 0.6, n)
    hits = (rng.random(n) < base + rng.uniform(-0.2, 0.3)).astype(float)
    days = rng.integers(0, 15 if duplicates else 10_000, n)
    labels = np.array([f"{pd.Timestamp('2000-01-03') + pd.Timedelta(days=int(d)):%Y-%m-%d}"
                       for d in days], dtype=object)
    rows = pd.Series(np.arange(n), index=list(labels))

    def judge(sample: pd.Series):
        return history._verdict(history._z(hits[sample.to_numpy()], base[sample.to_numpy()]))

    assert history._carried_by(labels, hits, base) == stats.leave_one_out(rows, judge)


# ------------------------------------------------------------------------------------------------
# swing points, levels, breakouts, patterns
# ------------------------------------------------------------------------------------------------

def swing_points_reference(ohlc, pivot_window):
    w = pivot_window
    bars = _check_ohlc(ohlc)
    rows = []
    for kind, col in (("high", "High"), ("low", "Low")):
        vals = bars[col].to_numpy(dtype=float)
        for p in levels._pivots(vals, w, kind == "high"):
            rows.append((bars.index[p], kind, float(vals[p]), int(p), bars.index[p + w]))
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 5
    out = pd.DataFrame({
        "date": pd.DatetimeIndex(cols[0], dtype=bars.index.dtype),
        "kind": pd.Series(cols[1], dtype=object),
        "price": pd.Series(cols[2], dtype=float),
        "pos": pd.Series(cols[3], dtype=int),
        "confirmed": pd.DatetimeIndex(cols[4], dtype=bars.index.dtype),
    })
    return out.sort_values(["pos", "kind"]).reset_index(drop=True)


def cluster_levels_reference(swings, tol):
    cols = ["level", "low", "high", "touches", "highs", "lows", "first", "last", "members"]
    if swings.empty:
        return pd.DataFrame(columns=["rank", *cols])
    ordered = swings.sort_values(["price", "date"])
    groups: list[list] = []
    for label, price in ordered["price"].items():
        if groups:
            mean = float(np.mean([swings.at[m, "price"] for m in groups[-1]]))
            if abs(price / mean - 1.0) * 100.0 <= tol:
                groups[-1].append(label)
                continue
        groups.append([label])
    rows = []
    for g in groups:
        pts = swings.loc[g]
        rows.append({
            "level": float(pts["price"].mean()), "low": float(pts["price"].min()),
            "high": float(pts["price"].max()), "touches": len(pts),
            "highs": int((pts["kind"] == "high").sum()), "lows": int((pts["kind"] == "low").sum()),
            "first": pts["date"].min(), "last": pts["date"].max(),
            "members": sorted(g, key=lambda m: swings.at[m, "pos"]),
        })
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["touches", "last", "level"], ascending=[False, False, False])
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def find_breakouts_reference(close, swings, lvls, w):
    c = close.to_numpy(dtype=float)
    rows = []
    for _, lev in lvls.iterrows():
        highs = swings.loc[lev["members"]]
        highs = highs[highs["kind"] == "high"].sort_values("pos")
        if len(highs) < 2:
            continue
        known = highs["pos"].to_numpy() + w
        prices = highs["price"].to_numpy()
        for t in range(int(known[1]) + 1, len(c)):
            confirmed = known < t
            top = prices[confirmed].max()
            if c[t] > top:
                rows.append({"date": close.index[t], "close": float(c[t]), "level": float(top),
                             "touches": int(confirmed.sum()), "holding": bool(c[-1] > top),
                             "closes_below_since": int((c[t:] < top).sum())})
                break
    out = pd.DataFrame(rows, columns=["date", "close", "level", "touches", "holding",
                                      "closes_below_since"])
    return out.sort_values("date").reset_index(drop=True)


def head_and_shoulders_reference(close, swings, tol=5.0, pivot_window=None):
    """The previous loop: each candidate's detection date read by label, each date by
    position from the index."""
    c = close.to_numpy(dtype=float)
    idx = close.index
    sw = swings.sort_values(["pos", "kind"])
    known = swings["confirmed"] if "confirmed" in swings else None
    rows = []
    for pts, top, last in patterns._candidates(sw):
        sign = 1.0 if top else -1.0
        shape = patterns._shape(pts, sign, tol)
        if shape is None:
            continue
        life = patterns._lifecycle(c, pts, sign, shape)
        rows.append(patterns._row(idx, c, pts, sign, shape, life, pivot_window,
                                  None if known is None else known.loc[sw.index[last]]))
    out = pd.DataFrame(rows, columns=patterns._COLUMNS)
    return out.sort_values(["right_shoulder_date", "head_date"], kind="stable").reset_index(
        drop=True)


def dedupe_reference(found):
    if found.empty:
        return found.reset_index(drop=True)
    order = found.assign(_w=found["pivot_window"].fillna(0).astype(float)).sort_values(
        ["_w", "height_pct", "formed_date"], ascending=[False, False, True], kind="stable")
    kept: list = []
    for row in order.itertuples():
        if not any(patterns._duplicates(row, k) for k in kept):
            kept.append(row)
    out = found.loc[[k.Index for k in kept]]
    return out.sort_values(["right_shoulder_date", "head_date"], kind="stable").reset_index(
        drop=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(30, 900), w=st.sampled_from([2, 3, 5, 10]),
       tol=st.sampled_from([0.5, 1.5, 4.0]))
def test_swings_levels_breakouts_and_patterns_equal_the_plain_loops(seed, n, w, tol):
    bars = random_bars(seed, n)
    sw = technicals.swing_points(bars, w)
    pd.testing.assert_frame_equal(sw, swing_points_reference(bars, w), check_exact=True)
    lv = technicals.cluster_levels(sw, tol)
    pd.testing.assert_frame_equal(lv, cluster_levels_reference(sw, tol), check_exact=True)
    pd.testing.assert_frame_equal(technicals.find_breakouts(bars["Close"], sw, lv, w),
                                  find_breakouts_reference(bars["Close"], sw, lv, w),
                                  check_exact=True)
    found = technicals.find_head_and_shoulders(bars["Close"], sw, tol, pivot_window=w)
    pd.testing.assert_frame_equal(found, head_and_shoulders_reference(bars["Close"], sw, tol, w),
                                  check_exact=True)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(60, 1500))
def test_dedupe_keeps_what_the_pairwise_loop_keeps(seed, n):
    bars = random_bars(seed, n)
    parts = [technicals.find_head_and_shoulders(bars["Close"], technicals.swing_points(bars, w),
                                                pivot_window=w) for w in (2, 3, 5)]
    found = pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)
    pd.testing.assert_frame_equal(technicals.dedupe_patterns(found), dedupe_reference(found),
                                  check_exact=True)
    rng = np.random.default_rng(seed)  # ties: one formation found twice at one window
    if len(found):
        twice = pd.concat([found, found.iloc[rng.integers(0, len(found), 5)]],
                          ignore_index=True)
        pd.testing.assert_frame_equal(technicals.dedupe_patterns(twice), dedupe_reference(twice),
                                      check_exact=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 300), cut=st.integers(0, 50))
def test_checked_bars_check_to_themselves_row_by_row(seed, n, cut):
    """analyze checks its bars once: _check_ohlc leaves checked bars (and any run of their
    rows) as they are."""
    rng = np.random.default_rng(seed)
    bars = random_bars(seed, n).sample(frac=1.0, random_state=seed)  # unsorted
    for col in ("Open", "High", "Low", "Close"):
        bars.loc[rng.random(n) < 0.05, col] = np.nan
    bars.loc[rng.random(n) < 0.1, "High"] = bars["Close"] * 0.99  # High below Close
    if seed % 2:
        bars = bars.drop(columns="Volume")
    if bars["Close"].notna().sum() == 0:
        return
    once = _check_ohlc(bars)
    pd.testing.assert_frame_equal(_check_ohlc(once), once, check_exact=True)
    assert _check_ohlc(once).attrs == once.attrs
    part = once.iloc[min(cut, len(once) - 1):]
    pd.testing.assert_frame_equal(_check_ohlc(part), part, check_exact=True)
    weekly = technicals.weekly_bars(once)
    at = min(cut // 5, len(weekly) - 1)
    pd.testing.assert_frame_equal(_check_ohlc(weekly.iloc[at:]), _check_ohlc(weekly).iloc[at:],
                                  check_exact=True)


@pytest.mark.parametrize("timeframe", ["daily", "weekly"])
def test_analyze_equals_the_public_steps(timeframe):
    """analyze's one check of its bars gives what each public step gives on the bars."""
    daily = random_bars(11, 2500)
    r = technicals.analyze(daily, lookback_days=400, pivot_window=5, pattern_windows=[3, 5, 10],
                           timeframe=timeframe)
    bars = technicals.weekly_bars(daily) if timeframe == "weekly" else daily
    start = len(bars) - len(r.bars)
    ctx = max(0, start - 5)
    sw = technicals.swing_points(bars.iloc[ctx:], 5)
    sw["pos"] += ctx
    sw = sw[sw["pos"] >= start].reset_index(drop=True)
    pd.testing.assert_frame_equal(r.swings, sw, check_exact=True)
    pd.testing.assert_frame_equal(r.pattern_history, technicals.find_patterns(bars, [3, 5, 10]),
                                  check_exact=True)
    pd.testing.assert_frame_equal(r.trendlines, technicals.trend_lines(bars, sw, 5),
                                  check_exact=True)
    assert (r.all_time_high, r.all_time_high_date, r.pct_from_ath) == \
        technicals.all_time_high(daily)
    assert (r.all_time_high_close, r.all_time_high_close_date, r.pct_from_ath_close) == \
        technicals.all_time_high_close(daily)


# ------------------------------------------------------------------------------------------------
# events: leave-one-out, path band, paths kept
# ------------------------------------------------------------------------------------------------

def loo_reference(values, flags, block, n_boot, seed, alpha):
    """The previous _loo: stats.leave_one_out over the event dates."""
    sample = values[flags].dropna()
    without: dict = {}

    def verdict(s):
        res = stats.baseline_test(values, pd.Series(values.index.isin(s.index), values.index),
                                  block=block, n_boot=n_boot, seed=seed)
        missing = sample.index.difference(s.index)
        if len(missing) == 1:
            without[missing[0]] = res
        return verdict_of(res["excess"], res["p_value"], alpha)

    flips = stats.leave_one_out(sample, verdict)
    return [{"date": d, "value_pct": float(sample[d]), "mean_pct": without[d]["mean"],
             "median_pct": without[d]["median"], "trimmed_mean_pct": without[d]["trimmed_mean"],
             "diff_pp": without[d]["excess"], "p_value": without[d]["p_value"],
             "verdict": verdict_of(without[d]["excess"], without[d]["p_value"], alpha)}
            for d in flips]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n_events=st.integers(0, 12), lift=st.floats(0.0, 3.0),
       nan_tail=st.integers(0, 30))
def test_event_leave_one_out_equals_the_search_over_dates(seed, n_events, lift, nan_tail):
    rng = np.random.default_rng(seed)
    n = 600
    idx = pd.bdate_range("2001-01-01", periods=n)
    values = pd.Series(rng.normal(0, 1, n), index=idx)
    pos = np.sort(rng.choice(n, n_events, replace=False))
    values.iloc[pos] += lift
    values.iloc[pos[:1]] += 4 * lift  # one event that may carry the verdict alone
    if nan_tail:
        values.iloc[-nan_tail:] = np.nan
    flags = pd.Series(False, index=idx)
    flags.iloc[pos] = True
    got = _loo(values, flags, 21, 200, seed, 0.05)
    want = loo_reference(values, flags, 21, 200, seed, 0.05)
    assert pd.DataFrame(got, columns=list(want[0]) if want else None).equals(pd.DataFrame(want))


def group_band_reference(cum, groups, n_boot, seed):
    n_days = cum.shape[1]
    low, high = np.full(n_days, np.nan), np.full(n_days, np.nan)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    finite = np.isfinite(cum)
    sums = np.zeros((n_groups, n_days))
    counts = np.zeros((n_groups, n_days))
    np.add.at(sums, groups, np.where(finite, cum, 0.0))
    np.add.at(counts, groups, finite.astype(float))
    reach = (counts > 0).sum(axis=0)
    ok = reach >= 2
    if n_groups < 2 or not ok.any():
        return low, high, reach
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(n_boot, n_groups))
    weights = np.zeros((n_boot, n_groups))
    np.add.at(weights, (np.arange(n_boot)[:, None], draws), 1.0)
    num, den = weights @ sums[:, ok], weights @ counts[:, ok]
    rep = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    low[ok], high[ok] = np.nanquantile(rep, [0.025, 0.975], axis=0)
    return low, high, reach


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_events=st.integers(0, 30), n_days=st.integers(1, 80),
       spacing=st.integers(1, 40))
def test_path_band_equals_nanquantile_of_every_replicate(seed, n_events, n_days, spacing):
    rng = np.random.default_rng(seed)
    cum = rng.normal(0, 2, (n_events, n_days)).cumsum(axis=1)
    reach = rng.integers(0, n_days + 1, n_events)
    cum[np.arange(n_days)[None, :] >= reach[:, None]] = np.nan  # paths cut at the as-of date
    groups = overlap_groups(np.sort(rng.integers(0, 3000, n_events)), spacing)
    # to rounding: the replicate means come from a matrix product, whose last bit can differ
    # from one call to the next (the reference's too)
    for got, want in zip(_group_band(cum, groups, 300, seed),
                         group_band_reference(cum, groups, 300, seed), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_paths_are_computed_once_and_handed_out_as_copies():
    rng = np.random.default_rng(5)
    px = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 800))),
                   index=pd.bdate_range("2010-01-01", periods=800), name="P")
    study = events.event_study(px, px.index[[50, 300, 310, 600]], [5, 21], n_boot=100,
                               leave_one_out=False)
    first = study.paths()
    first.loc[:, "event_mean"] = 0.0  # the caller's copy
    fresh = events.event_study(px, px.index[[50, 300, 310, 600]], [5, 21], n_boot=100,
                               leave_one_out=False)
    pd.testing.assert_frame_equal(study.paths(), fresh.paths(), check_exact=True)
    pd.testing.assert_frame_equal(study.paths(10), fresh._compute_paths(10), check_exact=True)
    assert study.paths(10) is not study.paths(10)


# ------------------------------------------------------------------------------------------------
# taxloss: shared-block replicates, seasons left out
# ------------------------------------------------------------------------------------------------

def replicates_reference(values, flags, block, n_boot, seed):
    n, k = values.shape
    block = max(1, min(int(block), n))
    valid = ~np.isnan(values)
    x = np.where(valid, values, 0.0)
    f = flags & valid
    ext = np.r_[np.arange(n), np.arange(block)] % n
    n_blocks = -(-n // block)
    lengths = np.full(n_blocks, block)
    lengths[-1] = n - block * (n_blocks - 1)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    ends = starts + lengths
    out = np.full((n_boot, k), np.nan)

    def total(column):
        cs = np.r_[0.0, np.cumsum(column[ext])]
        return (cs[ends] - cs[starts]).sum(axis=1)

    for j in range(k):
        s_x, s_n = total(x[:, j]), total(valid[:, j].astype(float))
        s_fx, s_f = total(x[:, j] * f[:, j]), total(f[:, j].astype(float))
        ok = (s_f > 0.5) & (s_n > 0.5)
        out[ok, j] = s_fx[ok] / s_f[ok] - s_x[ok] / s_n[ok]
    return out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 500), k=st.integers(1, 4),
       block=st.integers(1, 80))
def test_shared_block_replicates_equal_the_two_sided_prefix_sums(seed, n, k, block):
    rng = np.random.default_rng(seed)
    v = rng.normal(0, 3, (n, k))
    v[rng.random((n, k)) < 0.05] = np.nan
    f = rng.random((n, k)) < 0.05
    assert np.array_equal(inference._replicates(v, f, block, 60, seed),
                          replicates_reference(v, f, block, 60, seed), equal_nan=True)


def season_flips_reference(values, flags, first_day, rel, h, predicted):
    def verdict(kept):
        v = values.copy()
        v.loc[pd.DatetimeIndex(first_day.drop(index=kept.index))] = np.nan
        t = inference.baseline(v, flags, h)
        return inference.classify(t["excess"], t["p_value"], predicted, t["n"])

    return [int(y) for y in stats.leave_one_out(rel, verdict)]


@pytest.mark.parametrize("seed, lift", [(1, 0.0), (2, 0.8), (3, 2.5)])
def test_season_flips_equal_the_search_over_seasons(seed, lift):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2000-01-03", periods=2100)
    h = 10
    forward = pd.Series(rng.normal(0, 2, len(idx)), index=idx)
    forward.iloc[-h + 1:] = np.nan
    years = pd.Index(range(2000, 2008), name="year")
    first = pd.Series([idx[idx.year == y][230 + int(rng.integers(0, 5))] for y in years],
                      index=years)
    rel = pd.Series(rng.normal(lift, 2, len(years)), index=years)
    rel.iloc[0] += 3 * lift
    values, flags = inference.window_design(forward, first, rel)
    test = inference.baseline(values, flags, h)
    full = inference.classify(test["excess"], test["p_value"], 1, test["n"])
    day = pd.to_datetime(first.reindex(rel.index))
    assert inference._season_flips(values, flags, day, h, 1, full) == \
        season_flips_reference(values, flags, day, rel, h, 1)
