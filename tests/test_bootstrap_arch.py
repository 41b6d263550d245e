"""The kit's block bootstrap (smallcaps.stats.block_bootstrap_diff) is arch's circular block
bootstrap, computed with prefix sums: given the same random generator it draws the same blocks
and gives the same interval and p-value to the last digit (benchmarks/bench_bootstrap.py
measures the speed difference that is the reason to keep it)."""

from __future__ import annotations

import numpy as np
import pytest
from smallcaps import stats

arch_bootstrap = pytest.importorskip("arch.bootstrap")


def arch_diff(x, f, block, n_boot, seed, level=0.95) -> dict:
    """The same statistic on arch's CircularBlockBootstrap replicates."""
    bs = arch_bootstrap.CircularBlockBootstrap(block, x, f, seed=np.random.default_rng(seed))
    diffs = []
    for (xb, fb), _ in bs.bootstrap(n_boot):
        fb = fb.astype(bool)
        if fb.any():
            diffs.append(xb[fb].mean() - xb.mean())
    d = np.asarray(diffs)
    tail = (1 - level) / 2
    lo, hi = np.quantile(d, [tail, 1 - tail])
    return {"ci_low": lo, "ci_high": hi, "n_boot": d.size,
            "p_value": min(1.0, 2 * min((d <= 0).mean(), (d >= 0).mean()))}


@pytest.mark.parametrize("n, block, every, seed", [
    (500, 21, 37, 0), (1000, 252, 90, 7), (257, 10, 3, 3), (300, 300, 50, 1),
])
def test_same_blocks_same_answer_as_arch(n, block, every, seed):
    rng = np.random.default_rng(seed + 100)
    x = rng.normal(0.05, 1.0, n).cumsum() / 10  # serially dependent, like overlapping returns
    f = np.zeros(n, dtype=bool)
    f[::every] = True
    ours = stats.block_bootstrap_diff(x, f, block=block, n_boot=300, seed=seed)
    theirs = arch_diff(x, f, block, 300, seed)
    assert ours["n_boot"] == theirs["n_boot"]
    for key in ("ci_low", "ci_high", "p_value"):
        assert ours[key] == pytest.approx(theirs[key], rel=1e-9, abs=1e-12), key


def test_kept_draws_never_leak_between_series_or_flags():
    """The block draws (and the series' own block sums) are kept between calls: a call on other
    values or other flags of the same length gives what it gives on a fresh start, and a
    seed gives the same replicates every time."""
    rng = np.random.default_rng(11)
    n = 700
    x = rng.normal(0.05, 1.0, n).cumsum() / 10
    y = x.copy()
    y[350:] += 5.0  # same length, other values
    f = np.zeros(n, dtype=bool)
    f[::40] = True
    g = f.copy()
    g[::80] = False  # other flags
    calls = [(x, f), (y, f), (x, g), (y, g), (x, f)]
    kept = [stats.block_bootstrap_diff(v, fl, block=21, n_boot=400, seed=3) for v, fl in calls]
    fresh = []
    for v, fl in calls:
        for kept_state in (stats._draws, stats._sums_x, stats._sorted, stats._results):
            kept_state.clear()
        fresh.append(stats.block_bootstrap_diff(v, fl, block=21, n_boot=400, seed=3))
    assert kept == fresh
    assert kept[0] == kept[4]
    assert kept[0]["ci_low"] != kept[1]["ci_low"] and kept[0]["p_value"] != kept[2]["p_value"] \
        or kept[0]["ci_high"] != kept[2]["ci_high"]
    # each still agrees with arch drawing the same blocks
    for (v, fl), ours in zip(calls, kept, strict=True):
        theirs = arch_diff(v, fl, 21, 400, 3)
        assert ours["ci_low"] == pytest.approx(theirs["ci_low"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("n, block, every, seed", [
    (2000, 5, 200, 2), (3000, 1, 97, 5), (1500, 12, 301, 9), (800, 3, 799, 4),
])
def test_few_flagged_rows_same_answer_as_arch(n, block, every, seed):
    """With few flagged rows only the blocks that start near them are added (not every block
    of every replicate); arch drawing the same blocks gives the same numbers."""
    rng = np.random.default_rng(seed + 200)
    x = rng.normal(0.05, 1.0, n).cumsum() / 10
    f = np.zeros(n, dtype=bool)
    f[every // 3::every] = True
    assert 4 * np.count_nonzero(f) * block <= n  # the few-flags path is taken
    ours = stats.block_bootstrap_diff(x, f, block=block, n_boot=250, seed=seed)
    theirs = arch_diff(x, f, block, 250, seed)
    assert ours["n_boot"] == theirs["n_boot"]
    for key in ("ci_low", "ci_high", "p_value"):
        assert ours[key] == pytest.approx(theirs[key], rel=1e-9, abs=1e-12), key


def test_a_repeated_test_is_kept_and_cannot_be_changed_by_its_caller():
    rng = np.random.default_rng(5)
    x = rng.normal(0.0, 1.0, 600)
    f = np.zeros(600, dtype=bool)
    f[::50] = True
    first = stats.block_bootstrap_diff(x, f, block=4, n_boot=200, seed=8)
    first["p_value"] = -1.0  # a caller that renames or edits its dict
    again = stats.block_bootstrap_diff(x.copy(), f.copy(), block=4, n_boot=200, seed=8)
    assert again["p_value"] != -1.0
    stats._results.clear()
    assert stats.block_bootstrap_diff(x, f, block=4, n_boot=200, seed=8) == again
    y = x.copy()
    y[599] += 1e-9  # one value differs in its last digits: not the kept result
    other = stats.block_bootstrap_diff(y, f, block=4, n_boot=200, seed=8)
    assert other["diff"] != again["diff"]
