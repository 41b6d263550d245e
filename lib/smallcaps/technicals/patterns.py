"""Head-and-shoulders tops and inverted (bottom) patterns from swing points, found over several
pivot windows, de-duplicated, and followed through their lifecycle (definitions:
:mod:`smallcaps.technicals`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.technicals.indicators import _check_ohlc, _positive_int
from smallcaps.technicals.levels import _swing_points

__all__ = ["find_head_and_shoulders", "find_patterns", "dedupe_patterns", "LIVE_STATES",
           "PATTERN_STATES", "RESOLVE_WIDTHS"]

#: States of a pattern as of the last bar (see the package docstring).
PATTERN_STATES = ("forming", "confirmed", "target_reached", "invalidated", "expired")
#: The states called current (live): the pattern can still play out.
LIVE_STATES = ("forming", "confirmed")
#: Default largest gap between the two shoulders, and between the two reactions (percent).
SHOULDER_TOLERANCE_PCT = 5.0
#: A confirmed pattern expires when neither its target nor its head is closed beyond within this
#: many pattern widths (bars from left to right shoulder) after the confirming bar.
RESOLVE_WIDTHS = 2

_POINTS = ("left_shoulder", "left_reaction", "head", "right_reaction", "right_shoulder")
_COLUMNS = ["type", "left_shoulder_date", "left_shoulder_price", "head_date", "head_price",
            "right_shoulder_date", "right_shoulder_price", "left_reaction_date",
            "left_reaction_price", "right_reaction_date", "right_reaction_price", "neckline",
            "neckline_slope", "height", "target", "neckline_flat", "height_flat", "target_flat",
            "confirmed", "confirmed_date", "target_reached", "pivot_window", "width",
            "height_pct", "formed_date", "target_date", "target_flat_date", "invalidated_date",
            "expired_date", "state", "confirmed_pos", "resolved_pos", "formed_pos"]


def _shape(pts: list, sign: float, tol: float) -> dict | None:
    """Shape rules for five alternating points ``(pos, price)``; ``sign`` +1 for a top, -1 for
    an inverted pattern.  Returns the neckline's slope and the two heights, or None."""
    (ls_p, ls), (r1_p, r1), (hd_p, hd), (r2_p, r2), (rs_p, rs) = pts
    if not (sign * hd > sign * ls and sign * hd > sign * rs):
        return None
    if abs(ls - rs) / ((ls + rs) / 2.0) * 100.0 > tol:
        return None
    if abs(r2 / r1 - 1.0) * 100.0 > tol:  # neckline too steep
        return None
    slope = (r2 - r1) / (r2_p - r1_p)

    def neck(p):
        return r1 + slope * (p - r1_p)

    if not (sign * (ls - neck(ls_p)) > 0 and sign * (rs - neck(rs_p)) > 0):
        return None
    height = sign * (hd - neck(hd_p))
    flat = (r1 + r2) / 2.0
    height_flat = sign * (hd - flat)
    if height <= 0 or height_flat <= 0:
        return None
    return {"slope": float(slope), "height": float(height), "flat": float(flat),
            "height_flat": float(height_flat)}


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


def _lifecycle(c: np.ndarray, pts: list, sign: float, shape: dict) -> dict:
    """States of one pattern along the closes ``c`` (see the package docstring); positions."""
    (ls_p, _), (r1_p, r1), (_, hd), _, (rs_p, _) = pts
    n = len(c)
    width = int(rs_p - ls_p)
    slope = shape["slope"]
    out = {"confirmed_pos": None, "target_pos": None, "flat_pos": None, "invalid_pos": None,
           "expired_pos": None}
    # forming: a close through the neckline within `width` bars after the right shoulder
    t = np.arange(rs_p + 1, min(n, rs_p + width + 1))
    seg = c[t]
    beyond = _first(sign * (seg - hd) > 0)
    through = _first(sign * (seg - (r1 + slope * (t - r1_p))) < 0)
    if beyond is not None and (through is None or beyond <= through):
        out["invalid_pos"] = int(t[beyond])
        return out
    if through is None:
        if rs_p + width + 1 < n:
            out["expired_pos"] = int(rs_p + width + 1)
        return out
    conf = int(t[through])
    out["confirmed_pos"] = conf
    target = r1 + slope * (conf - r1_p) - sign * shape["height"]
    target_flat = shape["flat"] - sign * shape["height_flat"]
    deadline = conf + RESOLVE_WIDTHS * width
    t = np.arange(conf + 1, min(n, deadline + 1))
    seg = c[t]
    beyond = _first(sign * (seg - hd) > 0)
    reached = _first(sign * (seg - target) <= 0)
    flat = _first(sign * (seg - target_flat) <= 0)
    if flat is not None and (beyond is None or flat < beyond):
        out["flat_pos"] = int(t[flat])
    if reached is not None and (beyond is None or reached < beyond):
        out["target_pos"] = int(t[reached])
    elif beyond is not None:
        out["invalid_pos"] = int(t[beyond])
    elif deadline + 1 < n:
        out["expired_pos"] = int(deadline + 1)
    return out


def _candidates(sw: pd.DataFrame):
    """Every five-point window of the alternating swing sequence as it stood after each swing
    point became known (superseded windows included: what a reader saw at the time).  ``sw``
    is sorted by position and kind; each window comes with the row number (in ``sw``) of its
    last point."""
    pos = sw["pos"].to_numpy(dtype=int)
    price = sw["price"].to_numpy(dtype=float)
    high = (sw["kind"] == "high").to_numpy()
    seq: list[int] = []
    for i in range(len(sw)):
        if seq and high[seq[-1]] == high[i]:
            better = price[i] > price[seq[-1]] if high[i] else price[i] < price[seq[-1]]
            if not better:
                continue
            seq[-1] = i
        else:
            seq.append(i)
        if len(seq) >= 5:
            w = seq[-5:]
            yield [(int(pos[j]), float(price[j])) for j in w], bool(high[w[0]]), w[-1]


def find_head_and_shoulders(close: pd.Series, swings: pd.DataFrame,
                            shoulder_tolerance_pct: float = SHOULDER_TOLERANCE_PCT, *,
                            pivot_window: int | None = None) -> pd.DataFrame:
    """Head-and-shoulders tops and inverted (bottom) patterns with their lifecycle (see the
    package docstring).

    Parameters
    ----------
    close : Series
        Daily (or weekly) closes up to the as-of bar; ``swings["pos"]`` indexes it.
    swings : DataFrame
        From :func:`~smallcaps.technicals.swing_points` (its ``confirmed`` column, when present,
        dates each pattern's detection).
    shoulder_tolerance_pct : float
        Largest gap between the two shoulders, and between the two reactions, in percent.
    pivot_window : int, optional
        The swing points' pivot window (bars), written to the ``pivot_window`` column.

    Returns
    -------
    DataFrame
        One row per pattern, sorted by right shoulder: ``type`` (``head_and_shoulders`` /
        ``inverse_head_and_shoulders``); dates and prices of ``left_shoulder``, ``head``,
        ``right_shoulder`` and the two reactions (``*_date``, ``*_price``); ``neckline``
        (sloped neckline at the confirming bar; unconfirmed: at the bar it died, else the last
        bar), ``neckline_slope`` (price units per bar), ``height`` (head to sloped neckline at
        the head's bar), ``target`` (measured move from the sloped neckline);
        ``neckline_flat`` (mean of the two reactions), ``height_flat``, ``target_flat``;
        ``confirmed`` (bool), ``target_reached`` (bool); ``pivot_window``, ``width`` (bars
        from left to right shoulder), ``height_pct`` (height in % of the neckline); the
        transition dates ``formed_date`` (right shoulder known), ``confirmed_date``,
        ``target_date``, ``target_flat_date``, ``invalidated_date``, ``expired_date``;
        ``state`` (one of :data:`PATTERN_STATES`); and the bar positions ``formed_pos``,
        ``confirmed_pos``, ``resolved_pos``.  Prices in price units.
    """
    tol = float(shoulder_tolerance_pct)
    if not np.isfinite(tol) or tol < 0:
        raise ParameterError(f"shoulder_tolerance_pct must be a percentage >= 0, got {tol!r}")
    c = close.to_numpy(dtype=float)
    sw = swings.sort_values(["pos", "kind"])
    known = list(sw["confirmed"]) if "confirmed" in sw else None
    found = []
    for pts, top, last in _candidates(sw):
        sign = 1.0 if top else -1.0
        shape = _shape(pts, sign, tol)
        if shape is None:
            continue
        found.append((pts, sign, shape, _lifecycle(c, pts, sign, shape),
                      None if known is None else known[last]))
    idx = _Dates(close.index, {p for pts, _, _, life, _ in found
                               for p in [*(q for q, _ in pts), *life.values()] if p is not None})
    rows = [_row(idx, c, pts, sign, shape, life, pivot_window, k)
            for pts, sign, shape, life, k in found]
    out = pd.DataFrame(rows, columns=_COLUMNS)
    return out.sort_values(["right_shoulder_date", "head_date"], kind="stable").reset_index(
        drop=True)


class _Dates:
    """The labels of a date index by position, those of ``positions`` fetched at once
    (patterns share points; one lookup of many labels costs far less than many lookups of
    one), others when asked; ``searchsorted`` as the index's, once per value."""

    def __init__(self, index: pd.Index, positions=()):
        self.index = index
        wanted = np.fromiter(sorted(positions), dtype=np.int64)
        self._at: dict[int, object] = dict(zip(wanted.tolist(), index[wanted].tolist(),
                                               strict=True))
        self._sorted: dict = {}

    def __getitem__(self, p: int):
        hit = self._at.get(p)
        if hit is None:
            hit = self._at[p] = self.index[p]
        return hit

    def searchsorted(self, value) -> int:
        hit = self._sorted.get(value)
        if hit is None:
            hit = self._sorted[value] = self.index.searchsorted(value)
        return hit


def _row(idx, c, pts, sign, shape, life, pivot_window, known) -> dict:
    """One output row of :func:`find_head_and_shoulders`."""
    (ls_p, _), (r1_p, r1), (hd_p, _), _, (rs_p, _) = pts
    conf = life["confirmed_pos"]
    dead = life["invalid_pos"] if life["invalid_pos"] is not None else life["expired_pos"]
    at = conf if conf is not None else dead if dead is not None else len(c) - 1
    neck = r1 + shape["slope"] * (at - r1_p)
    if life["target_pos"] is not None:
        state = "target_reached"
    elif life["invalid_pos"] is not None:
        state = "invalidated"
    elif life["expired_pos"] is not None:
        state = "expired"
    else:
        state = "confirmed" if conf is not None else "forming"
    resolved = next((life[k] for k in ("target_pos", "invalid_pos", "expired_pos")
                     if life[k] is not None), None)
    formed = pd.Timestamp(known) if known is not None and not pd.isna(known) else idx[rs_p]
    formed_pos = int(idx.searchsorted(formed))

    def day(p):
        return idx[p] if p is not None else None

    return {
        "type": "head_and_shoulders" if sign > 0 else "inverse_head_and_shoulders",
        **{f"{name}_{what}": (idx[p] if what == "date" else price)
           for name, (p, price) in zip(_POINTS, pts, strict=True) for what in ("date", "price")},
        "neckline": float(neck), "neckline_slope": shape["slope"], "height": shape["height"],
        "target": float(neck - sign * shape["height"]), "neckline_flat": shape["flat"],
        "height_flat": shape["height_flat"],
        "target_flat": float(shape["flat"] - sign * shape["height_flat"]),
        "confirmed": conf is not None, "confirmed_date": day(conf),
        "target_reached": life["target_pos"] is not None,
        "pivot_window": pivot_window, "width": int(rs_p - ls_p),
        "height_pct": float(shape["height"] / (r1 + shape["slope"] * (hd_p - r1_p)) * 100.0),
        "formed_date": formed, "target_date": day(life["target_pos"]),
        "target_flat_date": day(life["flat_pos"]), "invalidated_date": day(life["invalid_pos"]),
        "expired_date": day(life["expired_pos"]), "state": state, "confirmed_pos": conf,
        "resolved_pos": resolved, "formed_pos": formed_pos,
    }


def _duplicates(a, b) -> bool:
    """Same pattern: same type and the same head, or each head inside the other's shoulders."""
    if a.type != b.type:
        return False
    if a.head_date == b.head_date:
        return True
    return bool(a.left_shoulder_date <= b.head_date <= a.right_shoulder_date
                and b.left_shoulder_date <= a.head_date <= b.right_shoulder_date)


def _duplicate_matrix(patterns: pd.DataFrame) -> np.ndarray:
    """``out[i, j]``: rows ``i`` and ``j`` are duplicates (:func:`_duplicates`), for every
    pair at once."""
    typ = patterns["type"].to_numpy()
    head = patterns["head_date"].to_numpy()
    left = patterns["left_shoulder_date"].to_numpy()
    right = patterns["right_shoulder_date"].to_numpy()
    inside = (left[:, None] <= head[None, :]) & (head[None, :] <= right[:, None])
    return (typ[:, None] == typ[None, :]) & ((head[:, None] == head[None, :])
                                             | (inside & inside.T))


def dedupe_patterns(patterns: pd.DataFrame) -> pd.DataFrame:
    """One row per formation: of patterns that are duplicates (same type, and the same head or
    each one's head inside the other's left-to-right-shoulder span) keep the clearest, i.e. the
    one found with the largest pivot window, then the largest ``height_pct``, then the earliest
    detection (a later right shoulder of the same formation never replaces the one a reader saw
    first, so the history read as of an earlier date is what was found then); the result is
    sorted by right shoulder."""
    if patterns.empty:
        return patterns.reset_index(drop=True)
    order = patterns.assign(_w=patterns["pivot_window"].fillna(0).astype(float)).sort_values(
        ["_w", "height_pct", "formed_date"], ascending=[False, False, True], kind="stable")
    dup = _duplicate_matrix(order)
    kept = np.zeros(len(order), dtype=bool)
    for i in range(len(order)):
        kept[i] = not (dup[i] & kept).any()
    out = patterns.loc[order.index[kept]]
    return out.sort_values(["right_shoulder_date", "head_date"], kind="stable").reset_index(
        drop=True)


def find_patterns(ohlc: pd.DataFrame, windows: Sequence[int] = (5, 10, 20),
                  shoulder_tolerance_pct: float = SHOULDER_TOLERANCE_PCT) -> pd.DataFrame:
    """Head-and-shoulders patterns of every pivot window in ``windows``, de-duplicated.

    Parameters
    ----------
    ohlc : DataFrame
        Bars up to the as-of bar (``Open, High, Low, Close``), e.g. the whole history.
    windows : sequence of int
        Pivot windows (bars on each side of a swing point) to search.
    shoulder_tolerance_pct : float
        As for :func:`find_head_and_shoulders` (percent).

    Returns
    -------
    DataFrame
        As :func:`find_head_and_shoulders`, one row per formation (:func:`dedupe_patterns`).
    """
    ws = _pattern_windows(windows)
    return _find_patterns(_check_ohlc(ohlc), ws, shoulder_tolerance_pct)


def _pattern_windows(windows: Sequence[int] | int) -> list[int]:
    """The pivot windows to search, sorted and unique (a ParameterError when none or not
    positive whole numbers)."""
    if isinstance(windows, (int, np.integer)):
        windows = [windows]
    ws = sorted({_positive_int(w, "pattern_windows") for w in windows})
    if not ws:
        raise ParameterError("pattern_windows must name at least one pivot window, e.g. [5, 10]")
    return ws


def _find_patterns(bars: pd.DataFrame, ws: list[int],
                   shoulder_tolerance_pct: float) -> pd.DataFrame:
    """:func:`find_patterns` of bars already checked (:func:`_check_ohlc`) over the windows
    ``ws`` (:func:`_pattern_windows`)."""
    parts = [find_head_and_shoulders(bars["Close"], _swing_points(bars, w),
                                     shoulder_tolerance_pct, pivot_window=w) for w in ws]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=_COLUMNS)
    return dedupe_patterns(pd.concat(parts, ignore_index=True))
