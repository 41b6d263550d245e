"""Swing points, market structure, support/resistance levels and breakouts (definitions:
:mod:`smallcaps.technicals`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.technicals.indicators import _check_ohlc, _positive_int

__all__ = [
    "swing_points",
    "market_structure",
    "cluster_levels",
    "nearest_levels",
    "find_breakouts",
]

_MAX_LISTED_LEVELS = 3


def _pivots(values: np.ndarray, window: int, high: bool) -> np.ndarray:
    """Positions of swing highs (``high``) or lows in ``values`` (see the package docstring)."""
    n = len(values)
    if n < 2 * window + 1:
        return np.array([], dtype=int)
    v = values if high else -values
    win = np.lib.stride_tricks.sliding_window_view(v, 2 * window + 1)
    centre = win[:, window]
    left = win[:, :window].max(axis=1)
    right = win[:, window + 1:].max(axis=1)
    ok = (centre > left) & (centre >= right) & np.isfinite(centre)
    return np.flatnonzero(ok) + window


def swing_points(ohlc: pd.DataFrame, pivot_window: int = 10) -> pd.DataFrame:
    """Swing highs (from intraday Highs) and swing lows (from Lows).

    Parameters
    ----------
    ohlc : DataFrame
        Daily bars up to the as-of date (``Open, High, Low, Close``).
    pivot_window : int
        Bars (trading days) on each side a swing point must beat (see the package docstring).

    Returns
    -------
    DataFrame
        One row per swing point sorted by date: ``date``, ``kind`` (``"high"`` / ``"low"``),
        ``price`` (price units), ``pos`` (row number in ``ohlc``) and ``confirmed`` (date of the
        bar on which its right-hand bars are complete, i.e. when it became known).
    """
    w = _positive_int(pivot_window, "pivot_window")
    bars = _check_ohlc(ohlc)
    rows = []
    for kind, col in (("high", "High"), ("low", "Low")):
        vals = bars[col].to_numpy(dtype=float)
        for p in _pivots(vals, w, kind == "high"):
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


def market_structure(swings: pd.DataFrame) -> str:
    """``uptrend`` if the last two swing highs and the last two swing lows are both higher,
    ``downtrend`` if both lower, else ``range`` (also with fewer than two of either)."""
    highs = swings.loc[swings["kind"] == "high", "price"].to_numpy()
    lows = swings.loc[swings["kind"] == "low", "price"].to_numpy()
    if len(highs) < 2 or len(lows) < 2:
        return "range"
    if highs[-1] > highs[-2] and lows[-1] > lows[-2]:
        return "uptrend"
    if highs[-1] < highs[-2] and lows[-1] < lows[-2]:
        return "downtrend"
    return "range"


def cluster_levels(swings: pd.DataFrame, tolerance_pct: float = 1.5) -> pd.DataFrame:
    """Support/resistance levels: swing points chained into price clusters.

    Points are sorted by price (ascending); each joins the current cluster when
    ``|price / cluster_mean - 1| * 100 <= tolerance_pct`` (percent), else it starts a new
    cluster.

    Returns
    -------
    DataFrame
        One row per level, ranked (``rank`` 1 = most touches, ties to the most recent last touch):
        ``level`` (mean price, price units), ``low``/``high`` (range of its points), ``touches``,
        ``highs`` and ``lows`` (swing highs / lows among them), ``first``/``last`` (dates of first
        and last touch), ``members`` (row labels of the swing points in ``swings``).
    """
    tol = float(tolerance_pct)
    if not np.isfinite(tol) or tol < 0:
        raise ParameterError(
            f"level_tolerance_pct must be a percentage >= 0, got {tolerance_pct!r}")
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


def nearest_levels(levels: pd.DataFrame, close: float,
                   n: int = _MAX_LISTED_LEVELS) -> tuple[list[float], list[float]]:
    """``(support, resistance)``: up to ``n`` level prices below / above ``close``, nearest
    first."""
    prices = levels["level"].astype(float).to_numpy() if len(levels) else np.array([])
    below = sorted((float(p) for p in prices if p < close), reverse=True)[:n]
    above = sorted(float(p) for p in prices if p > close)[:n]
    return below, above


def find_breakouts(close: pd.Series, swings: pd.DataFrame, levels: pd.DataFrame,
                   pivot_window: int) -> pd.DataFrame:
    """Breakouts above resistances formed by at least two swing highs (see the package
    docstring).

    ``close`` and ``swings`` share positions (``swings["pos"]`` indexes ``close``).

    Returns
    -------
    DataFrame
        One row per level that broke: ``date`` (first close above it), ``close`` on that date,
        ``level`` (the highest confirmed swing high of the cluster, price units), ``touches``
        (swing highs confirmed before the breakout), ``holding`` (last close still above it),
        ``closes_below_since`` (closes back below the level after the breakout, trading days:
        0 = never retraced).
    """
    w = _positive_int(pivot_window, "pivot_window")
    c = close.to_numpy(dtype=float)
    rows = []
    for _, lev in levels.iterrows():
        highs = swings.loc[lev["members"]]
        highs = highs[highs["kind"] == "high"].sort_values("pos")
        if len(highs) < 2:
            continue
        known = highs["pos"].to_numpy() + w  # bar on which each swing high is confirmed
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
