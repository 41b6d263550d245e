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
    return _swing_points(_check_ohlc(ohlc), _positive_int(pivot_window, "pivot_window"))


def _swing_points(bars: pd.DataFrame, w: int) -> pd.DataFrame:
    """:func:`swing_points` of bars already checked (:func:`_check_ohlc`)."""
    parts = [(kind, bars[col].to_numpy(dtype=float)) for kind, col in (("high", "High"),
                                                                        ("low", "Low"))]
    found = [(kind, vals, _pivots(vals, w, kind == "high")) for kind, vals in parts]
    pos = np.concatenate([p for _, _, p in found]).astype(int)
    out = pd.DataFrame({
        "date": bars.index[pos],
        "kind": pd.Series([kind for kind, _, p in found for _ in range(len(p))], dtype=object),
        "price": np.concatenate([vals[p] for _, vals, p in found]).astype(float),
        "pos": pos,
        "confirmed": bars.index[pos + w],
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
    prices: list[float] = []  # the prices of the last group's points
    for label, price in zip(ordered.index, ordered["price"].to_numpy(dtype=float),
                            strict=True):
        if groups:
            mean = float(np.mean(prices))
            if abs(price / mean - 1.0) * 100.0 <= tol:
                groups[-1].append(label)
                prices.append(price)
                continue
        groups.append([label])
        prices = [price]
    at = dict(zip(swings.index, swings["pos"], strict=True))
    row_of = {label: i for i, label in enumerate(swings.index)}
    price, date = swings["price"], swings["date"]
    kind = swings["kind"].to_numpy()
    rows = []
    for g in groups:
        i = [row_of[m] for m in g]
        pts = price.iloc[i]
        rows.append({
            "level": float(pts.mean()), "low": float(pts.min()), "high": float(pts.max()),
            "touches": len(g), "highs": int((kind[i] == "high").sum()),
            "lows": int((kind[i] == "low").sum()), "first": date.iloc[i].min(),
            "last": date.iloc[i].max(), "members": sorted(g, key=at.__getitem__),
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
    row_of = {label: i for i, label in enumerate(swings.index)}
    pos, price = swings["pos"].to_numpy(), swings["price"].to_numpy()
    high = (swings["kind"] == "high").to_numpy()
    for members in levels["members"]:
        i = np.array([row_of[m] for m in members], dtype=int)
        i = i[high[i]]
        if len(i) < 2:
            continue
        i = i[np.argsort(pos[i], kind="stable")]  # by position (one swing high per bar)
        known = pos[i] + w  # bar on which each swing high is confirmed
        prices = price[i]
        # from the bar after the second high is confirmed: the highest confirmed high so far
        days = np.arange(int(known[1]) + 1, len(c))
        confirmed = np.searchsorted(known, days, side="left")  # highs with known < t
        tops = np.maximum.accumulate(prices)[confirmed - 1]
        above = np.flatnonzero(c[days] > tops)
        if len(above):
            t, top = int(days[above[0]]), tops[above[0]]
            rows.append({"date": close.index[t], "close": float(c[t]), "level": float(top),
                         "touches": int(confirmed[above[0]]), "holding": bool(c[-1] > top),
                         "closes_below_since": int((c[t:] < top).sum())})
    out = pd.DataFrame(rows, columns=["date", "close", "level", "touches", "holding",
                                      "closes_below_since"])
    return out.sort_values("date").reset_index(drop=True)
