"""The pattern detector's own record over the whole history: how often a confirmed
head-and-shoulders pattern reached its target, how fast, how often it was invalidated, and how
often a random entry with the same target, stop and time limit would have hit (definitions:
:mod:`smallcaps.technicals`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smallcaps.stats import T_CRIT, episodes
from smallcaps.technicals.patterns import RESOLVE_WIDTHS

__all__ = ["pattern_base_rate", "random_entry_rate"]

class _Passage:
    """First-passage times of a series over per-day thresholds, by binary lifting on sparse
    tables of running maxima and minima (O(n log n) per query over all days)."""

    def __init__(self, x: np.ndarray):
        self.x = x
        self._kept: dict[tuple, np.ndarray] = {}  # window extremes and stacked tables
        self.hi = [x]
        self.lo = [x]
        k = 1
        while 2 * k <= len(x):
            self.hi.append(np.maximum(self.hi[-1][:-k], self.hi[-1][k:]))
            self.lo.append(np.minimum(self.lo[-1][:-k], self.lo[-1][k:]))
            k *= 2

    def first(self, start: np.ndarray, limit: np.ndarray, thr: np.ndarray,
              above: bool) -> np.ndarray:
        """Per day, the first position in ``[start, limit]`` where ``x >= thr`` (``above``) or
        ``x <= thr``; ``limit + 1`` when there is none."""
        pos = start.copy()
        tables = self.hi if above else self.lo
        longest = int((limit - start).max()) + 1 if len(start) else 0
        for k in range(min(len(tables) - 1, max(longest.bit_length() - 1, 0)), -1, -1):
            step = 1 << k
            ok = pos + step - 1 <= limit
            if not ok.any():
                continue
            cand = np.flatnonzero(ok)
            ext = tables[k][pos[cand]]
            clear = ext < thr[cand] if above else ext > thr[cand]
            pos[cand[clear]] += step
        return pos

    def range_extreme(self, a: np.ndarray, b: np.ndarray, above: bool) -> np.ndarray:
        """Per pair, the maximum (``above``) or minimum of ``x[a : b + 1]`` (``b >= a``): two
        overlapping power-of-two windows of the sparse table (exact, O(1) a pair)."""
        key = ("stack", above)
        table = self._kept.get(key)
        if table is None:
            levels = self.hi if above else self.lo
            table = np.full((len(levels), len(self.x)), np.nan)
            for k, row in enumerate(levels):
                table[k, :len(row)] = row
            self._kept[key] = table
        k = np.frexp((b - a + 1).astype(float))[1] - 1  # floor(log2(length))
        pick = np.maximum if above else np.minimum
        return pick(table[k, a], table[k, b - (1 << k) + 1])

    def window_extreme(self, h: int, above: bool) -> np.ndarray:
        """Per day ``d`` with ``h`` later values, the maximum (``above``) or minimum of
        ``x[d + 1 : d + h + 1]``: two overlapping power-of-two windows of the sparse table
        (exact, O(1) a day); kept per ``h`` for the next call."""
        key = (h, above)
        hit = self._kept.get(key)
        if hit is None:
            m = len(self.x) - h
            k = h.bit_length() - 1
            table = (self.hi if above else self.lo)[k]
            pick = np.maximum if above else np.minimum
            hit = pick(table[1:m + 1], table[h - (1 << k) + 1: h - (1 << k) + 1 + m])
            self._kept[key] = hit
        return hit


def random_entry_rate(close: pd.Series | np.ndarray, target_pct: float, stop_pct: float,
                      horizon: int, bullish: bool, passage: _Passage | None = None) -> float:
    """Share of all days on which a close-to-close move of ``target_pct`` percent (up when
    ``bullish``, down otherwise) came within ``horizon`` bars, before a move of ``stop_pct``
    percent the other way.

    Every day with ``horizon`` later bars is an entry; the hit is judged on closes (the target
    at or beyond its level, the stop at or beyond its level).  Returns NaN when no day has that
    many later bars.  ``passage`` reuses the tables of an earlier call on the same closes.
    """
    c = np.log(np.asarray(close, dtype=float))
    p = passage if passage is not None else _Passage(c)
    return float(_entry_rates(c, p, [(target_pct, stop_pct, horizon, bullish)])[0])


def _entry_rates(c: np.ndarray, p: _Passage, specs: list[tuple]) -> np.ndarray:
    """:func:`random_entry_rate` of each ``(target_pct, stop_pct, horizon, bullish)`` on the log
    closes ``c`` (``p``: their tables), the first passages of all of them found together.

    A day whose window never reaches one of its two levels is decided without first-passage
    times: the window's extreme says whether a level is reached at all; only the days that
    reach both need to know which came first (the day's own level is first met at ``t``; the
    entry wins when the other level is not met on the days before ``t``)."""
    out = np.full(len(specs), np.nan)
    wins = np.zeros(len(specs), dtype=np.int64)
    days = np.zeros(len(specs), dtype=np.int64)
    finite = bool(np.isfinite(c).all())
    pending: dict[bool, list] = {True: [], False: []}  # days reaching both levels, by side
    for k, (target_pct, stop_pct, horizon, bullish) in enumerate(specs):
        h = int(horizon)
        m = len(c) - h
        if m <= 0 or h < 1:
            continue
        up = math.log1p(target_pct / 100.0) if bullish else math.log1p(stop_pct / 100.0)
        down = math.log1p(-stop_pct / 100.0) if bullish else math.log1p(-target_pct / 100.0)
        if up <= down or not finite:  # a close can meet both levels, or NaN
            out[k] = _entry_rate_everywhere(p, c, h, m, up, down, bullish)
            continue
        hit_up = p.window_extreme(h, above=True) >= c[:m] + up
        hit_down = p.window_extreme(h, above=False) <= c[:m] + down
        hit, other = (hit_up, hit_down) if bullish else (hit_down, hit_up)
        wins[k], days[k] = int((hit & ~other).sum()), m
        both = np.flatnonzero(hit_up & hit_down)
        own, stop = (up, down) if bullish else (down, up)
        pending[bool(bullish)].append((k, both, h, own, stop))
    for bullish, parts in pending.items():
        if not parts:
            continue
        which = np.concatenate([np.full(b.size, k) for k, b, _, _, _ in parts])
        both = np.concatenate([b for _, b, _, _, _ in parts])
        start = both + 1
        limit = both + np.concatenate([np.full(b.size, h) for _, b, h, _, _ in parts])
        own = np.concatenate([np.full(b.size, o) for _, b, _, o, _ in parts])
        stop = np.concatenate([np.full(b.size, s) for _, b, _, _, s in parts])
        t = p.first(start, limit, c[both] + own, above=bullish)
        early = np.flatnonzero(t > start)
        clear = np.ones(both.size, dtype=bool)
        if early.size:
            ext = p.range_extreme(start[early], t[early] - 1, above=not bullish)
            level = c[both[early]] + stop[early]
            clear[early] = ext > level if bullish else ext < level
        wins += np.bincount(which[clear], minlength=len(specs))
        done = [k for k, _, _, _, _ in parts]
        out[done] = wins[done] / days[done]
    return out


def _entry_rate_everywhere(p: _Passage, c: np.ndarray, h: int, m: int, up: float, down: float,
                           bullish: bool) -> float:
    """:func:`random_entry_rate` by both first-passage times of every day: for closes with NaN
    (their window extremes do not say where a level is first met) and for levels one close
    can meet together (no target or stop distance)."""
    day = np.arange(m)
    start, limit = day + 1, day + h
    t_up = p.first(start, limit, c[:m] + up, above=True)
    t_down = p.first(start, limit, c[:m] + down, above=False)
    first, other = (t_up, t_down) if bullish else (t_down, t_up)
    return float(((first <= limit) & (first < other)).mean())


def _label(x) -> str:
    """``YYYY-MM-DD`` of a date label, else the label as text."""
    return f"{pd.Timestamp(x):%Y-%m-%d}" if isinstance(x, (pd.Timestamp, np.datetime64)) else str(x)


def pattern_base_rate(patterns: pd.DataFrame, close: pd.Series) -> dict:
    """The detector's record on one series (see the package docstring, "Pattern record").

    Parameters
    ----------
    patterns : DataFrame
        Every pattern of the whole history (:func:`~smallcaps.technicals.find_patterns`).
    close : Series
        The closes the patterns were found on (the whole history up to the as-of bar).

    Returns
    -------
    dict
        ``first`` / ``last`` (dates of the history), ``n_patterns``, ``n_confirmed``,
        ``n_open`` (confirmed, still live), ``n_resolved_before_seen`` (confirmed patterns whose
        outcome came before the right shoulder was known, left out of the rate), ``n_resolved``
        (the rate's n), ``n_target_reached``, ``n_invalidated``, ``n_expired``,
        ``hit_rate_pct`` (% of ``n_resolved`` that reached the target), ``invalidated_pct``,
        ``expired_pct``, ``median_bars_to_target`` (bars from confirmation to the target, over
        those that reached it), ``baseline_hit_rate_pct`` (mean over the resolved patterns of
        :func:`random_entry_rate` with the pattern's own target and stop distances from its
        confirming close and its time limit), ``excess_pp`` (hit rate minus baseline,
        percentage points), ``z`` (hits minus expected hits over the binomial standard error,
        patterns taken as independent), ``p_value`` (two-sided, normal), ``verdict``
        (``better`` / ``worse`` than the random entry when ``|z| >= T_CRIT``, else
        ``no different``; None without resolved patterns), ``episodes`` (non-overlapping
        episodes among the resolved patterns: confirmations at least the median outcome length
        apart, :func:`smallcaps.stats.episodes`) and ``carried_by`` (head dates of the patterns
        whose removal alone flips the verdict, :func:`smallcaps.stats.leave_one_out`).
    """
    c = close.to_numpy(dtype=float)
    conf = patterns[patterns["confirmed"].astype(bool)] if len(patterns) else patterns
    is_open = conf["state"].isin(["confirmed"]) if len(conf) else pd.Series(dtype=bool)
    done = conf[~is_open] if len(conf) else conf
    seen = done[done["resolved_pos"].astype(float) > done["formed_pos"].astype(float)] \
        if len(done) else done
    out = {
        "first": _label(close.index[0]) if len(close) else None,
        "last": _label(close.index[-1]) if len(close) else None,
        "n_patterns": int(len(patterns)), "n_confirmed": int(len(conf)),
        "n_open": int(is_open.sum()) if len(conf) else 0,
        "n_resolved_before_seen": int(len(done) - len(seen)),
        "n_resolved": int(len(seen)),
    }
    counts = {s: int((seen["state"] == s).sum()) if len(seen) else 0
              for s in ("target_reached", "invalidated", "expired")}
    out.update({"n_target_reached": counts["target_reached"],
                "n_invalidated": counts["invalidated"], "n_expired": counts["expired"]})
    n = len(seen)
    nan = float("nan")
    if n == 0:
        out.update({"hit_rate_pct": nan, "invalidated_pct": nan, "expired_pct": nan,
                    "median_bars_to_target": nan, "baseline_hit_rate_pct": nan,
                    "excess_pp": nan, "z": nan, "p_value": nan, "verdict": None,
                    "episodes": 0, "carried_by": []})
        return out
    hit = seen[seen["state"] == "target_reached"]
    bars = (hit["resolved_pos"].astype(float) - hit["confirmed_pos"].astype(float)).to_numpy()
    specs = []  # random_entry_rate of each pattern: its target, stop and time limit
    for p in seen.itertuples():
        entry = c[int(p.confirmed_pos)]
        specs.append((abs(p.target / entry - 1) * 100, abs(p.head_price / entry - 1) * 100,
                      RESOLVE_WIDTHS * int(p.width), p.type.startswith("inverse")))
    log_c = np.log(c)
    base = _entry_rates(log_c, _Passage(log_c), specs)
    ok = np.isfinite(base)
    hits = (seen["state"].to_numpy() == "target_reached").astype(float)
    z = _z(hits[ok], base[ok])
    rate = counts["target_reached"] / n * 100
    baseline = float(base[ok].mean() * 100) if ok.any() else nan
    verdict = _verdict(z)
    labels = np.array([f"{d:%Y-%m-%d}" for d in seen["head_date"]], dtype=object)
    length = (seen["resolved_pos"].astype(float) - seen["confirmed_pos"].astype(float))
    out.update({
        "hit_rate_pct": rate, "invalidated_pct": counts["invalidated"] / n * 100,
        "expired_pct": counts["expired"] / n * 100,
        "median_bars_to_target": float(np.median(bars)) if len(bars) else nan,
        "baseline_hit_rate_pct": baseline, "excess_pp": rate - baseline, "z": float(z),
        "p_value": math.erfc(abs(z) / math.sqrt(2)) if np.isfinite(z) else nan,
        "verdict": verdict,
        "episodes": episodes(seen["confirmed_pos"].astype(int).to_numpy(),
                             max(1, int(np.median(length)))),
        "carried_by": _carried_by(labels[ok], hits[ok], base[ok]) if verdict is not None
        else [],
    })
    return out


def _carried_by(labels: np.ndarray, hits: np.ndarray, base: np.ndarray) -> list[str]:
    """Labels (head dates) of the patterns whose removal alone flips the verdict: what
    :func:`smallcaps.stats.leave_one_out` finds on the patterns labelled by head date (a label
    shared by two patterns removes both), re-testing on arrays instead of Series."""
    if len(labels) < 2:
        return []
    full = _verdict(_z(hits, base))
    out = []
    for label in labels:
        keep = labels != label
        if _verdict(_z(hits[keep], base[keep])) != full:
            out.append(str(label))
    return out


def _z(hits: np.ndarray, base: np.ndarray) -> float:
    """Hits minus their expected number over the binomial standard error (Poisson-binomial)."""
    var = float((base * (1 - base)).sum())
    return (float(hits.sum()) - float(base.sum())) / math.sqrt(var) if var > 0 else float("nan")


def _verdict(z: float) -> str | None:
    if not np.isfinite(z):
        return None
    return "better" if z >= T_CRIT else "worse" if z <= -T_CRIT else "no different"
