"""Up-trend lines through rising swing lows and down-trend lines through falling swing highs,
with their breaks and re-tests (definitions: :mod:`smallcaps.technicals`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.technicals.indicators import _check_ohlc

__all__ = ["trend_lines", "latest_lines", "LINE_STATES", "RETEST_TOLERANCE_PCT"]

#: States of a trend line as of the last bar.
LINE_STATES = ("intact", "broken", "retested", "recovered")
#: A bar re-tests a broken line when its High (up line) or Low (down line) comes within this
#: many percent of the line while it closes on the broken side.
RETEST_TOLERANCE_PCT = 1.0

_COLUMNS = ["kind", "first_date", "first_price", "second_date", "second_price", "slope",
            "known_date", "touches", "break_date", "break_close", "break_line", "retest_date",
            "retest_price", "retest_line", "recovered_date", "state", "line_at_last",
            "first_pos", "second_pos"]


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


def trend_lines(ohlc: pd.DataFrame, swings: pd.DataFrame, pivot_window: int,
                tolerance_pct: float = RETEST_TOLERANCE_PCT) -> pd.DataFrame:
    """Trend lines through consecutive swing points of one kind (see the package docstring).

    Parameters
    ----------
    ohlc : DataFrame
        Bars up to the as-of bar; ``swings["pos"]`` indexes them.
    swings : DataFrame
        From :func:`~smallcaps.technicals.swing_points` with the same ``pivot_window``.
    pivot_window : int
        Bars after the second point before the line is known.
    tolerance_pct : float
        Re-test tolerance, percent of the line's value.

    Returns
    -------
    DataFrame
        One row per line, by second point: ``kind`` (``up`` through lows, ``down`` through
        highs), the two points (``first_*``, ``second_*``), ``slope`` (price units per bar),
        ``known_date`` (the bar the second point is confirmed), ``touches`` (swing points of the
        kind within ``tolerance_pct`` of the line, the two anchors included, before any break),
        ``break_date`` / ``break_close`` / ``break_line`` (first close on the wrong side and the
        line there), ``retest_date`` / ``retest_price`` / ``retest_line`` (the first bar, after a
        close more than ``tolerance_pct`` beyond the line on the broken side, reaching back
        within ``tolerance_pct`` of the line while closing on the broken side; its High or Low),
        ``recovered_date`` (first close back on the trend's side after the break),
        ``state`` (one of :data:`LINE_STATES`), ``line_at_last`` (the line at the last bar),
        ``first_pos`` / ``second_pos`` (bar positions).  Prices in price units.
    """
    tol = float(tolerance_pct)
    if not np.isfinite(tol) or tol < 0:
        raise ParameterError(f"trend-line tolerance must be a percentage >= 0, got {tol!r}")
    return _trend_lines(_check_ohlc(ohlc), swings, pivot_window, tol)


def _trend_lines(bars: pd.DataFrame, swings: pd.DataFrame, pivot_window: int,
                 tol: float) -> pd.DataFrame:
    """:func:`trend_lines` of bars already checked (:func:`_check_ohlc`)."""
    c = bars["Close"].to_numpy(dtype=float)
    hi = bars["High"].to_numpy(dtype=float)
    lo = bars["Low"].to_numpy(dtype=float)
    rows = []
    for kind, swing_kind in (("up", "low"), ("down", "high")):
        pts = swings[swings["kind"] == swing_kind].sort_values("pos")
        pos = pts["pos"].to_numpy(dtype=int)
        price = pts["price"].to_numpy(dtype=float)
        for i in range(len(pts) - 1):
            row = _line(kind, pos[i], price[i], pos[i + 1], price[i + 1], pos, price, c, hi, lo,
                        int(pivot_window), tol)
            if row is not None:
                rows.append(row)
    out = pd.DataFrame(rows, columns=_COLUMNS)
    idx = bars.index
    for col in ("first", "second"):
        out[f"{col}_date"] = idx[out[f"{col}_pos"].to_numpy(dtype=int)]
    for col in ("known", "break", "retest", "recovered"):
        out[f"{col}_date"] = [idx[int(p)] if p is not None and not pd.isna(p) else None
                              for p in out[f"{col}_date"]]
    return out.sort_values(["second_pos", "kind"]).reset_index(drop=True)


def _line(kind, a, pa, b, pb, pos, price, c, hi, lo, w, tol) -> dict | None:
    """One line through the points ``(a, pa)`` and ``(b, pb)``, or None when it is no trend
    line (not rising / falling, pierced by more than ``tol`` percent between its points, or
    already broken when it became known)."""
    s = 1.0 if kind == "up" else -1.0  # +1: price should stay above the line
    if s * (pb - pa) <= 0:
        return None
    slope = (pb - pa) / (b - a)
    n = len(c)

    def line(t):
        return pa + slope * (np.asarray(t) - a)

    between = np.arange(a + 1, b)
    extreme = lo if s > 0 else hi
    # bars between the anchors may pierce the line by at most the tolerance
    if len(between) and (s * (extreme[between] / line(between) - 1) * 100 < -tol).any():
        return None
    known = b + w
    if known >= n:
        return None
    early = np.arange(b + 1, known + 1)
    if (s * (c[early] - line(early)) < 0).any():
        return None
    after = np.arange(known + 1, n)
    brk = _first(s * (c[after] - line(after)) < 0)
    brk = None if brk is None else int(after[brk])
    end = brk if brk is not None else n
    later = (pos > b) & (pos < end)
    near = np.abs(price[later] / line(pos[later]) - 1) * 100 <= tol
    row = {"kind": kind, "first_price": float(pa), "second_price": float(pb),
           "slope": float(slope), "known_date": known, "touches": 2 + int(near.sum()),
           "break_date": brk, "break_close": np.nan, "break_line": np.nan, "retest_date": None,
           "retest_price": np.nan, "retest_line": np.nan, "recovered_date": None,
           "state": "intact", "line_at_last": float(line(n - 1)), "first_pos": int(a),
           "second_pos": int(b)}
    if brk is None:
        return row
    row.update({"break_close": float(c[brk]), "break_line": float(line(brk)), "state": "broken"})
    rest = np.arange(brk, n)
    back = _first(s * (c[rest] - line(rest)) >= 0)
    away = _first(s * (c[rest] / line(rest) - 1) * 100 < -tol)
    reach = hi if s > 0 else lo
    touch = s * (reach[rest] - line(rest) * (1 - s * tol / 100)) >= 0
    retest = None
    if away is not None and (back is None or away < back):
        retest = _first(touch & (s * (c[rest] - line(rest)) < 0) & (np.arange(len(rest)) > away))
    if retest is not None and (back is None or retest < back):
        t = int(rest[retest])
        row.update({"retest_date": t, "retest_price": float(reach[t]),
                    "retest_line": float(line(t)), "state": "retested"})
    if back is not None:
        row.update({"recovered_date": int(rest[back]), "state": "recovered"})
    return row


def latest_lines(lines: pd.DataFrame) -> dict:
    """The most recent line of each kind (latest second point): ``{"up": row or None,
    "down": row or None}`` with rows as Series of :func:`trend_lines`."""
    out = {}
    for kind in ("up", "down"):
        sub = lines[lines["kind"] == kind]
        out[kind] = sub.iloc[-1] if len(sub) else None
    return out
