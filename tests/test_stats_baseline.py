"""``stats.baseline_test`` works on numpy arrays once the flags are aligned; these tests hold it
to the plain pandas reading of its docstring (label alignment of the flags, NaN values left
out of both samples, missing flags False), written out here with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import stats


def pandas_reading(values, flags, block):
    v = pd.Series(values, dtype=float)
    f = pd.Series(flags, index=v.index).reindex(v.index).fillna(False).astype(bool)
    x = v[v.notna()]
    picked = x[f[v.notna()]]
    return {"n": int(len(picked)),
            "mean": picked.mean() if len(picked) else np.nan,
            "median": picked.median() if len(picked) else np.nan,
            "trimmed_mean": stats.trimmed_mean(list(picked)),
            "hit_rate": (picked > 0).mean() if len(picked) else np.nan,
            "baseline": x.mean() if len(x) else np.nan,
            "episodes": stats.episodes(np.flatnonzero(f[v.notna()].to_numpy()), block)}


def same(a, b):
    return (np.isnan(a) and np.isnan(b)) or a == b


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(-50, 50), st.just(float("nan"))), min_size=1, max_size=80),
       st.integers(0, 2**32 - 1), st.sampled_from(["series", "shuffled", "array", "partial"]))
def test_the_arrays_read_what_pandas_reads(raw, seed, kind):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-03", periods=len(raw), freq="B")
    values = pd.Series(raw, index=idx)
    flags = pd.Series(rng.random(len(raw)) < 0.3, index=idx)
    if kind == "shuffled":  # aligned by label, not by position
        flags = flags.sample(frac=1.0, random_state=seed % 1000)
    elif kind == "array":
        flags = flags.to_numpy()
    elif kind == "partial":  # flags for part of the dates only: the rest are False
        flags = flags.iloc[: len(raw) // 2]
    got = stats.baseline_test(values, flags, block=3, n_boot=50, seed=1)
    want = pandas_reading(values, flags, 3)
    for key, value in want.items():
        assert same(got[key], value), key
    assert same(got["excess"], want["mean"] - want["baseline"])


def test_a_hand_computed_case():
    values = pd.Series([1.0, np.nan, 3.0, -2.0, 4.0, 0.5, 6.0],
                       index=pd.date_range("2020-01-01", periods=7))
    flags = pd.Series([True, True, False, True, False, True, True], index=values.index)
    got = stats.baseline_test(values, flags, block=2, n_boot=100, seed=0)
    # the NaN day is out of both samples: flagged 1, -2, 0.5, 6; all 1, 3, -2, 4, 0.5, 6
    assert got["n"] == 4
    assert got["mean"] == pytest.approx(5.5 / 4)
    assert got["median"] == pytest.approx(0.75)
    assert got["hit_rate"] == pytest.approx(0.75)
    assert got["baseline"] == pytest.approx(12.5 / 6)
    assert got["excess"] == pytest.approx(5.5 / 4 - 12.5 / 6)
    assert np.isnan(got["p_value"])  # fewer than MIN_FLAGGED flagged values
