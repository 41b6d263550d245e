"""Statistics shared by every topic: sample summaries, Welch's t, the HAC lag rule and the
critical value the prose uses, and the inference toolkit behind every verdict:

* :func:`block_bootstrap_diff`: circular block bootstrap of a conditional mean minus the
  unconditional mean of the same (serially dependent) series;
* :func:`baseline_test`: a statistic of flagged days (seasonal window starts, events, signals)
  against all days of the sample, raw and as excess, with its bootstrap interval, p-value,
  median, trimmed mean and number of non-overlapping episodes;
* :func:`bh_qvalues`: Benjamini-Hochberg q-values for tables that test many cells;
* :func:`episodes`: how many of a set of overlapping windows are independent;
* :func:`leave_one_out`: which single observation, removed, flips a verdict.

Returns are in percent (1.0 = 1 %) throughout; a *t* is a mean divided by its standard error.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError

__all__ = [
    "T_CRIT",
    "Q_LEVEL",
    "TRIM",
    "MIN_FLAGGED",
    "summarize",
    "welch_t",
    "hac_maxlags",
    "percentile_of_last",
    "trimmed_mean",
    "block_bootstrap_diff",
    "baseline_test",
    "bh_qvalues",
    "episodes",
    "leave_one_out",
]

#: Two-sided 5 % critical value of a t statistic (normal approximation): a mean with
#: ``|t| >= T_CRIT`` is called statistically distinguishable from the null.
T_CRIT = 1.96
#: False-discovery rate at which a cell of a many-cell table is said to survive (q <= 10 %).
Q_LEVEL = 0.10
#: Share cut from each tail by :func:`trimmed_mean` (10 % + 10 %).
TRIM = 0.10
#: Fewest flagged values :func:`baseline_test` tests: below it a bootstrap of so few values
#: barely varies (one flagged day always gives p = 0), so no interval or p-value is given.
MIN_FLAGGED = 5


def _whole(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name} {value!r} must be a whole number of at least {minimum}")
    return int(value)


def summarize(values, name: str | None = None) -> dict:
    """Mean, median, hit rate, count and t-statistic of a sample of returns.

    Parameters
    ----------
    values : array-like
        Returns in percent; NaNs are dropped.

    Returns
    -------
    dict
        ``mean``, ``median`` (percent), ``hit_rate`` (share of values > 0, 0..1), ``n``,
        ``std`` (percent, ddof=1), ``t`` (mean / (std / sqrt(n)); NaN when n < 2 or std = 0).
    """
    x = pd.Series(values, dtype=float).dropna().to_numpy()
    n = int(x.size)
    if n == 0:
        return {"mean": np.nan, "median": np.nan, "hit_rate": np.nan, "n": 0, "std": np.nan,
                "t": np.nan}
    std = float(x.std(ddof=1)) if n > 1 else np.nan
    t = float(x.mean() / (std / np.sqrt(n))) if n > 1 and std > 0 else np.nan
    return {"mean": float(x.mean()), "median": float(np.median(x)),
            "hit_rate": float((x > 0).mean()), "n": n, "std": std, "t": t}


def welch_t(a, b) -> float:
    """Welch's t for the difference of means ``mean(a) - mean(b)`` (unequal variances).

    NaN when either sample has fewer than two values or both have zero variance.
    """
    a = pd.Series(a, dtype=float).dropna()
    b = pd.Series(b, dtype=float).dropna()
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return float((a.mean() - b.mean()) / se) if se > 0 else float("nan")


def hac_maxlags(n: int) -> int:
    """Newey-West (1994) lag rule ``floor(4 * (n / 100) ** (2 / 9))``, at least 1."""
    return max(1, int(math.floor(4.0 * (max(int(n), 1) / 100.0) ** (2.0 / 9.0))))


def percentile_of_last(values) -> float:
    """Where the last value stands in the series' own history: share of values <= it, 0..100."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return float("nan")
    return float((v <= v.iloc[-1]).mean() * 100.0)


def trimmed_mean(values, proportion: float = TRIM) -> float:
    """Mean after cutting ``proportion`` of the values from each tail (NaNs dropped); the mean
    itself when too few values remain to cut any."""
    x = np.asarray(values, dtype=float).ravel()
    x = np.sort(x[~np.isnan(x)])
    if x.size == 0:
        return float("nan")
    k = int(math.floor(proportion * x.size))
    return float(x[k: x.size - k].mean())


def block_bootstrap_diff(values, flags, block: int, n_boot: int = 2000, seed: int = 0,
                         level: float = 0.95) -> dict:
    """Bootstrap of ``mean(values[flags]) - mean(values)`` for a serially dependent series.

    Circular block bootstrap: each replicate joins ``ceil(n / block)`` blocks of consecutive
    rows (wrapping round the end) drawn at random start points, cut to ``n`` rows, and keeps
    ``values`` and ``flags`` together.  Replicates that contain no flagged row are dropped.

    Parameters
    ----------
    values : array-like of float
        Daily series (e.g. overlapping forward returns, percent); no NaN.
    flags : array-like of bool
        Rows that belong to the conditional sample (events).
    block : int
        Block length in rows (>= 1).
    n_boot : int
        Number of replicates.
    seed : int
        Seed of the random generator (results are deterministic for a given seed).
    level : float
        Coverage of the percentile interval.

    Returns
    -------
    dict
        ``diff`` (observed difference), ``ci_low``, ``ci_high`` (percentile interval),
        ``p_value`` (two-sided: twice the smaller share of replicates on either side of zero,
        capped at 1), ``n_boot`` (replicates kept).
    """
    x = np.asarray(values, dtype=float)
    f = np.asarray(flags, dtype=bool)
    n = x.size
    nan = {"diff": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n_boot": 0}
    if n == 0 or f.sum() == 0 or np.isnan(x).any():
        return nan
    block = max(1, min(_whole("block", block, 1), n))
    n_boot = _whole("n_boot", n_boot, 1)
    key = _content_key(x, f, block, n_boot, seed, level)
    hit = _results.get(key) if key is not None else None
    if hit is not None:
        _results.move_to_end(key)
        return dict(hit)
    out = _bootstrap(x, f, block, n_boot, seed, level)
    if key is not None:
        _results[key] = dict(out)
        if len(_results) > _RESULTS_KEPT:
            _results.popitem(last=False)
    return out


def _bootstrap(x: np.ndarray, f: np.ndarray, block: int, n_boot: int, seed, level: float
               ) -> dict:
    n = x.size
    diff = float(x[f].mean() - x.mean())
    draws = (n, block, n_boot, seed)
    full, last, last_len = _block_starts(n, block, n_boot, seed)
    sum_x = _series_sums(x, block, full, last, last_len, draws)
    sum_fx, sum_f = _flagged_sums(x * f, f.astype(float), block, full, last, last_len, draws)
    keep = sum_f > 0.5
    if not keep.any():
        return {"diff": diff, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                "n_boot": 0}
    d = sum_fx[keep] / sum_f[keep] - sum_x[keep] / n
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(d, [tail, 1.0 - tail])
    p = min(1.0, 2.0 * min((d <= 0).mean(), (d >= 0).mean()))
    return {"diff": diff, "ci_low": float(lo), "ci_high": float(hi), "p_value": float(p),
            "n_boot": int(keep.sum())}


#: Results kept by their exact inputs (the values' and flags' bytes, block, replicates, seed,
#: level): a study re-tests the same sample many times (leave-one-out searches, the same
#: monthly or yearly outcomes read as of several dates by one warm kernel); a pure function
#: of its inputs, so a kept result is the result.
_RESULTS_KEPT = 4096
_results: OrderedDict[tuple, dict] = OrderedDict()


def _content_key(x: np.ndarray, f: np.ndarray, block: int, n_boot: int, seed, level: float
                 ) -> tuple | None:
    if not isinstance(seed, (int, np.integer)):
        return None  # a generator or seed sequence: its state is not part of a key
    digest = hashlib.blake2b(np.ascontiguousarray(x).tobytes(), digest_size=16)
    digest.update(np.packbits(f).tobytes())
    return (digest.digest(), x.size, block, n_boot, int(seed), float(level))


#: Block draws kept for re-use (a study tests many flag sets on one series): at most this many
#: draws, each at most :data:`_DRAWS_MAX_BYTES`
_DRAWS_KEPT = 4
_DRAWS_MAX_BYTES = 48 * 2**20
_draws: dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray, int]] = {}
#: per kept draw, its whole blocks sorted by start row (:func:`_sorted_starts`)
_sorted: dict[tuple[int, int, int, int], np.ndarray] = {}


def _block_starts(n: int, block: int, n_boot: int, seed: int
                  ) -> tuple[np.ndarray, np.ndarray, int]:
    """The circular block bootstrap's random start rows: ``(full, last, last_len)``, the starts
    of the ``ceil(n / block) - 1`` whole blocks of every replicate (``n_boot`` rows), the start
    of its last block and that block's length.  The same generator stream as drawing every
    start at once (``integers(0, n, size=(n_boot, n_blocks))``), so a seed gives the same
    replicates; kept for the next call with the same ``n``, ``block``, ``n_boot`` and seed."""
    key = (n, block, n_boot, seed)
    hit = _draws.get(key)
    if hit is not None:
        return hit
    n_blocks = -(-n // block)
    starts = np.random.default_rng(seed).integers(0, n, size=(n_boot, n_blocks))
    index = np.int32 if n < 2**31 - block else np.int64
    out = (np.ascontiguousarray(starts[:, :-1], dtype=index), starts[:, -1].copy(),
           n - block * (n_blocks - 1))
    if isinstance(seed, (int, np.integer)) and out[0].nbytes <= _DRAWS_MAX_BYTES:
        if len(_draws) >= _DRAWS_KEPT:
            gone = next(iter(_draws))
            _draws.pop(gone)
            _sorted.pop(gone, None)
        _draws[key] = out
    return out


_sums_x: dict[tuple, np.ndarray] = {}


def _series_sums(x: np.ndarray, block: int, full: np.ndarray, last: np.ndarray, last_len: int,
                 draws: tuple) -> np.ndarray:
    """:func:`_block_sums` of the series itself, kept for the next call on the same values and
    draws (only the flags differ between a study's tests on one series)."""
    if draws not in _draws:
        return _block_sums(x, block, full, last, last_len)
    key = (*draws, hash(x.tobytes()), x.size)
    hit = _sums_x.get(key)
    if hit is None:
        hit = _block_sums(x, block, full, last, last_len)
        if len(_sums_x) >= 4 * _DRAWS_KEPT:
            _sums_x.pop(next(iter(_sums_x)))
        _sums_x[key] = hit
    return hit


def _prefix(a: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums of ``a`` extended circularly by ``block`` rows, and the sum of the whole
    block that starts at each row (O(1) each)."""
    n = a.size
    cs = np.r_[0.0, np.cumsum(a[np.r_[np.arange(n), np.arange(block)] % n])]
    return cs, cs[block:block + n] - cs[:n]


def _block_sums(a: np.ndarray, block: int, full: np.ndarray, last: np.ndarray,
                last_len: int) -> np.ndarray:
    """Per replicate, the sum of ``a`` over its blocks (circular): prefix sums over the series
    extended by ``block`` rows give the sum of the block starting at each row in O(1)."""
    cs, at = _prefix(a, block)
    return at[full].sum(axis=1) + (cs[last + last_len] - cs[last])


def _flagged_sums(fx: np.ndarray, ff: np.ndarray, block: int, full: np.ndarray,
                  last: np.ndarray, last_len: int, draws: tuple
                  ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_block_sums` of the flagged values and of the flags.

    Few flagged rows (a seasonal window's start once a year, an event) touch few block starts:
    only a block that starts within ``block`` rows before a flagged row holds one.  When those
    starts are under a quarter of the rows, the sums add only the blocks that start there,
    found in the replicates' starts sorted once per draw (:func:`_sorted_starts`), instead of
    gathering every block of every replicate; both ways add the same block sums (to rounding)
    and which way is taken depends only on the flags and the block length."""
    cs_f, at_f = _prefix(ff, block)
    cs_fx, at_fx = _prefix(fx, block)
    tail_f = cs_f[last + last_len] - cs_f[last]
    tail_fx = cs_fx[last + last_len] - cs_fx[last]
    touched = np.flatnonzero(at_f)
    if 4 * touched.size <= fx.size and full.shape[1] > 0:
        n_boot = full.shape[0]
        starts = _sorted_starts(full, draws)
        lo = np.searchsorted(starts, touched * n_boot)
        count = np.searchsorted(starts, (touched + 1) * n_boot) - lo
        at = np.repeat(np.arange(touched.size), count)  # the touched start of each block
        first = np.repeat(lo - (np.cumsum(count) - count), count)
        replicate = starts[first + np.arange(first.size)] % n_boot
        return (np.bincount(replicate, at_fx[touched][at], n_boot) + tail_fx,
                np.bincount(replicate, at_f[touched][at], n_boot) + tail_f)
    return at_fx[full].sum(axis=1) + tail_fx, at_f[full].sum(axis=1) + tail_f


def _sorted_starts(full: np.ndarray, draws: tuple) -> np.ndarray:
    """Every whole block of every replicate as ``start * n_boot + replicate``, sorted: the
    blocks that start on a given row are one run of it (kept with the draw)."""
    hit = _sorted.get(draws)
    if hit is None:
        n_boot = full.shape[0]
        hit = np.sort((full.astype(np.int64) * n_boot + np.arange(n_boot)[:, None]).ravel())
        if draws in _draws:
            _sorted[draws] = hit
    return hit


def baseline_test(values: pd.Series, flags: pd.Series, block: int, n_boot: int = 2000,
                  seed: int = 0) -> dict:
    """A statistic on flagged days against the unconditional mean of the same series.

    Parameters
    ----------
    values : Series
        One value per trading day, e.g. the h-day forward return (percent) from each day; NaN
        where it is not defined (the last h days) — those days are left out of both samples.
    flags : Series of bool
        The days that belong to the conditional sample (a window's first day each year, an
        event day, a signal day), aligned with ``values``.
    block : int
        Bootstrap block length in trading days (use at least the horizon h: the values
        overlap over h days).
    n_boot, seed
        Bootstrap replicates and seed (deterministic for a given seed).

    Returns
    -------
    dict
        ``n`` (flagged values), ``episodes`` (non-overlapping ones at spacing ``block``),
        ``mean``, ``median``, ``trimmed_mean`` (percent, flagged days), ``baseline`` (mean of
        all days, percent), ``excess`` (``mean - baseline``, pp), ``ci_low``, ``ci_high`` (its
        block-bootstrap percentile interval, pp), ``p_value`` (two-sided), ``hit_rate`` (share
        of flagged values > 0).  With fewer than :data:`MIN_FLAGGED` flagged values the
        interval and p-value are NaN.
    """
    v = pd.Series(values, dtype=float)
    xa = v.to_numpy()
    use = ~np.isnan(xa)
    x, fl = xa[use], _aligned_flags(flags, v.index)[use]
    picked = x[fl]
    some = picked.size > 0
    out = {"n": int(fl.sum()), "episodes": episodes(np.flatnonzero(fl), block),
           "mean": float(picked.mean()) if some else float("nan"),
           "median": float(np.median(picked)) if some else float("nan"),
           "trimmed_mean": trimmed_mean(picked),
           "hit_rate": float((picked > 0).mean()) if some else float("nan"),
           "baseline": float(x.mean()) if x.size else float("nan")}
    if out["n"] < MIN_FLAGGED:
        test = {"ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan")}
    else:
        test = block_bootstrap_diff(x, fl, block=block, n_boot=n_boot, seed=seed)
    out.update({"excess": out["mean"] - out["baseline"], "ci_low": test["ci_low"],
                "ci_high": test["ci_high"], "p_value": test["p_value"]})
    return out


def _aligned_flags(flags, index: pd.Index) -> np.ndarray:
    """``flags`` as a bool array on ``index``: a Series is aligned by label, anything else is
    taken in order; missing flags are False."""
    if isinstance(flags, pd.Series) and flags.dtype == bool and flags.index.equals(index):
        return flags.to_numpy()
    if isinstance(flags, np.ndarray) and flags.dtype == bool and flags.shape == (len(index),):
        return flags
    return pd.Series(flags, index=index).reindex(index).fillna(False).astype(bool).to_numpy()


def bh_qvalues(pvalues) -> np.ndarray:
    """Benjamini-Hochberg q-values (false-discovery-rate adjusted p-values), NaN-aware.

    ``q_i = min_{j >= i} p_(j) * m / j`` over the m non-missing p-values sorted ascending,
    capped at 1; a cell with q <= 0.10 survives at a 10 % false-discovery rate.  Returns an
    array shaped like the input (NaN where the p-value is NaN).
    """
    p = np.asarray(pvalues, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    flat = p[ok]
    order = np.argsort(flat, kind="mergesort")
    ranked = flat[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    back = np.empty(m)
    back[order] = np.minimum(adjusted, 1.0)
    q[ok] = back
    return q


def episodes(positions: Sequence[int] | np.ndarray, spacing: int) -> int:
    """How many non-overlapping episodes a set of windows forms.

    ``positions`` are the windows' start positions on the trading-day axis (sorted or not);
    a window starts a new episode when it begins at least ``spacing`` trading days after the
    start of the last episode (greedy, earliest first).  Twenty 252-day windows whose starts
    are mostly less than a year apart are a handful of independent observations.
    """
    pos = np.sort(np.asarray(positions, dtype=np.int64))
    if pos.size == 0:
        return 0
    spacing = _whole("spacing", int(spacing), 1)
    count, last = 1, pos[0]
    for p in pos[1:]:
        if p - last >= spacing:
            count, last = count + 1, p
    return count


def leave_one_out(values: pd.Series, verdict: Callable[[pd.Series], object]) -> list:
    """Labels of the observations whose removal alone changes ``verdict``.

    ``verdict`` maps a sample (a Series of values labelled by year or event date) to a
    comparable outcome (e.g. True when the mean excess is positive and significant, or a
    word).  Returns the labels, in the sample's order, for which ``verdict(values without
    that one)`` differs from ``verdict(values)``: empty when no single observation carries the
    verdict.
    """
    s = pd.Series(values).dropna()
    if len(s) < 2:
        return []
    full = verdict(s)
    return [label for label in s.index if verdict(s.drop(index=label)) != full]

