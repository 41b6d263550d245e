"""Trend, momentum and key levels of an index, the way market letters read a chart.

Everything is computed from daily OHLC bars up to the as-of date (the last row given); nothing
uses a bar after it.  Definitions (all prices in the series' units, e.g. index points):

Moving averages
    Simple moving averages of the close over ``n`` trading days (default 50, 100, 200).  A moving
    average is **rising** when ``MA_t > MA_{t-20}`` (its value 20 trading days earlier), else
    **falling**.  Price versus an average is ``(close / MA - 1) * 100`` in percent.  The averages
    are **aligned** when ``close > MA50 > MA100 > MA200`` (shortest to longest) and every one of
    them is rising.
MACD
    ``EMA_fast(close) - EMA_slow(close)`` with exponential averages ``ewm(span, adjust=False)``
    (default 12 and 26 days); the signal line is the EMA (default 9) of the MACD line; the
    histogram is MACD minus signal.  The signal is ``buy`` when MACD is above its signal line and
    ``sell`` otherwise; the cross date is the first bar of the current state (the bar on which
    MACD crossed its signal line most recently).
Swing points
    Bar ``i`` is a swing high when its intraday High is strictly above the Highs of the
    ``pivot_window`` bars before it and at least as high as those of the ``pivot_window`` bars
    after it (ties go to the earliest bar); a swing low mirrors this with the Lows.  A swing point
    needs its right-hand bars to exist, so the last ``pivot_window`` bars before the as-of date can
    never be swing points, and a swing point is known only ``pivot_window`` bars after it occurred.
Structure
    ``uptrend`` when the last two swing highs and the last two swing lows are both higher,
    ``downtrend`` when both are lower, otherwise ``range`` (also when fewer than two of either).
Support and resistance levels
    Swing points in the lookback window sorted by price and chained into clusters: a point joins
    the current cluster when it is within ``level_tolerance_pct`` percent of the cluster's mean
    price, else it starts a new cluster.  A level's price is the mean of its points; its touches
    are the number of points.  Levels are ranked by touches (more first), then by the date of the
    last touch (more recent first).  Support lists the (up to three) nearest levels below the last
    close, nearest first; resistance the (up to three) nearest above it, nearest first.
Breakout
    A resistance formed by at least two swing highs of one cluster exists from the bar on which
    its second swing high is confirmed (``pivot_window`` bars after it).  The breakout is the first
    later close above the highest of the cluster's swing highs confirmed by then.  The reported
    breakout date is the most recent breakout whose level the last close is still above.
All-time high
    Highest intraday High over the whole history loaded (first date it was reached) and the last
    close's distance from it, ``(close / ATH - 1) * 100`` percent (0 at a high, negative below).
Head-and-shoulders
    Swing highs and lows merged into an alternating sequence (of two neighbours of the same kind
    only the more extreme is kept).  A top is five consecutive points high, low, high, low, high
    where the middle high (head) is above both shoulders, the shoulders are within
    ``shoulder_tolerance_pct`` percent of their mean, and both shoulders are above the neckline: the
    straight line (in trading days; sloped or flat) through the two lows (reactions) between them,
    whose prices must also be within ``shoulder_tolerance_pct`` percent of each other (a neckline
    no steeper than that).  The inverted pattern mirrors this.  The pattern is confirmed by the
    first close through the neckline after the right shoulder; it is dropped if a close goes
    beyond the head first, or if no confirming close comes within the pattern's own width (bars
    from left to right shoulder) after the right shoulder.  The measured-move target is the
    neckline at the confirming bar (at the as-of bar while unconfirmed) minus (top) or plus
    (inverted) the head-to-neckline distance measured at the head's date.
Relative strength
    Close divided by the benchmark's close on common dates, rebased to 100 at the start of the
    lookback window; its change in percent over the window and the last 63 trading days.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.errors import DataError, ParameterError
from smallcaps.returns import rebase

SLOPE_DAYS = 20
RS_RECENT_DAYS = 63
MAX_LISTED_LEVELS = 3
OHLC_COLUMNS = ("Open", "High", "Low", "Close")


# ------------------------------------------------------------------------------------------------
# Input checks
# ------------------------------------------------------------------------------------------------

def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(
            f"{name} must be a positive whole number of trading days, got {value!r}")
    return int(value)


def _check_ohlc(ohlc: pd.DataFrame) -> pd.DataFrame:
    """Sorted OHLC bars with a close; High/Low widened to contain Open and Close."""
    if not isinstance(ohlc, pd.DataFrame):
        raise DataError("ohlc must be a DataFrame with Open, High, Low, Close columns")
    missing = [c for c in OHLC_COLUMNS if c not in ohlc.columns]
    if missing:
        raise DataError(
            f"ohlc lacks {', '.join(missing)}; expected Open, High, Low, Close "
            "(smallcaps.data.load_ohlc)"
        )
    out = ohlc.sort_index()
    out = out[out["Close"].notna()]
    if out.empty:
        raise DataError("ohlc has no rows with a close")
    out = out.copy()
    for col in ("Open", "High", "Low"):
        out[col] = out[col].fillna(out["Close"])
    # A provisional (frozen intraday) bar may be inconsistent; never let High < Close etc.
    out["High"] = out[["Open", "High", "Low", "Close"]].max(axis=1)
    out["Low"] = out[["Open", "High", "Low", "Close"]].min(axis=1)
    if "Volume" not in out:
        out["Volume"] = 0.0
    return out


# ------------------------------------------------------------------------------------------------
# Moving averages and MACD
# ------------------------------------------------------------------------------------------------

def moving_averages(close: pd.Series, windows: Sequence[int] = (50, 100, 200)) -> pd.DataFrame:
    """Simple moving averages of ``close``.

    Parameters
    ----------
    close : Series
        Daily closes.
    windows : sequence of int
        Lengths in trading days.

    Returns
    -------
    DataFrame
        One column ``ma<n>`` per window; NaN until ``n`` closes exist.
    """
    windows = _check_windows(windows)
    return pd.DataFrame({f"ma{n}": close.rolling(n, min_periods=n).mean() for n in windows})


def _check_windows(windows) -> list[int]:
    if isinstance(windows, (int, np.integer)):
        windows = [windows]
    windows = [_positive_int(n, "mas") for n in windows]
    if not windows:
        raise ParameterError(
            "mas must name at least one moving-average length, e.g. [50, 100, 200]")
    if len(set(windows)) != len(windows):
        raise ParameterError(f"mas has duplicate lengths: {windows}")
    return sorted(windows)


def ma_slope(ma: pd.Series, days: int = SLOPE_DAYS) -> str | None:
    """``"rising"`` if the last value is above the value ``days`` rows earlier, else ``"falling"``;
    None when either is missing."""
    days = _positive_int(days, "days")
    if len(ma) <= days or pd.isna(ma.iloc[-1]) or pd.isna(ma.iloc[-1 - days]):
        return None
    return "rising" if ma.iloc[-1] > ma.iloc[-1 - days] else "falling"


def macd(close: pd.Series, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """MACD line, signal line and histogram.

    ``macd = EMA_fast - EMA_slow`` (``ewm(span, adjust=False)`` of the close, starting at the first
    close), ``signal = EMA_signal(macd)``, ``hist = macd - signal``; all in price units.

    Raises
    ------
    ParameterError
        If a span is not a positive whole number or ``fast >= slow``.
    """
    fast = _positive_int(fast, "macd fast")
    slow = _positive_int(slow, "macd slow")
    signal = _positive_int(signal, "macd signal")
    if fast >= slow:
        raise ParameterError(f"macd fast span ({fast}) must be shorter than the slow span ({slow})")
    c = close.dropna().astype(float)
    line = c.ewm(span=fast, adjust=False).mean() - c.ewm(span=slow, adjust=False).mean()
    sig = line.ewm(span=signal, adjust=False).mean()
    return pd.DataFrame({"macd": line, "signal": sig, "hist": line - sig})


def macd_state(frame: pd.DataFrame) -> tuple[str, pd.Timestamp | None]:
    """Current MACD signal (``"buy"`` when MACD > signal, else ``"sell"``) and the date of the
    last cross (first bar of the current state; None if the state never changed)."""
    above = (frame["macd"] > frame["signal"]).to_numpy()
    if len(above) == 0:
        raise DataError("no MACD values to read")
    state = "buy" if above[-1] else "sell"
    changes = np.flatnonzero(above[1:] != above[:-1])
    cross = frame.index[changes[-1] + 1] if len(changes) else None
    return state, cross


# ------------------------------------------------------------------------------------------------
# Swing points, structure, levels, breakouts
# ------------------------------------------------------------------------------------------------

def _pivots(values: np.ndarray, window: int, high: bool) -> np.ndarray:
    """Positions of swing highs (``high``) or lows in ``values`` (see module docstring)."""
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
        Bars on each side a swing point must beat (see module docstring).

    Returns
    -------
    DataFrame
        One row per swing point sorted by date: ``date``, ``kind`` (``"high"`` / ``"low"``),
        ``price``, ``pos`` (row number in ``ohlc``) and ``confirmed`` (date of the bar on which
        its right-hand bars are complete, i.e. when it became known).
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
    ``|price / cluster_mean - 1| * 100 <= tolerance_pct``, else it starts a new cluster.

    Returns
    -------
    DataFrame
        One row per level, ranked (``rank`` 1 = most touches, ties to the most recent last touch):
        ``level`` (mean price), ``low``/``high`` (range of its points), ``touches``, ``highs`` and
        ``lows`` (swing highs / lows among them), ``first``/``last`` (dates of first and last
        touch), ``members`` (row labels of the swing points in ``swings``).
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
                   n: int = MAX_LISTED_LEVELS) -> tuple[list[float], list[float]]:
    """``(support, resistance)``: up to ``n`` level prices below / above ``close``, nearest
    first."""
    prices = levels["level"].astype(float).to_numpy() if len(levels) else np.array([])
    below = sorted((float(p) for p in prices if p < close), reverse=True)[:n]
    above = sorted(float(p) for p in prices if p > close)[:n]
    return below, above


def find_breakouts(close: pd.Series, swings: pd.DataFrame, levels: pd.DataFrame,
                   pivot_window: int) -> pd.DataFrame:
    """Breakouts above resistances formed by at least two swing highs (see module docstring).

    ``close`` and ``swings`` share positions (``swings["pos"]`` indexes ``close``).

    Returns
    -------
    DataFrame
        One row per level that broke: ``date`` (first close above it), ``close`` on that date,
        ``level`` (the highest confirmed swing high of the cluster, price units), ``touches``
        (swing highs confirmed before the breakout), ``holding`` (last close still above it),
        ``closes_below_since`` (closes back below the level after the breakout: 0 = never
        retraced).
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


# ------------------------------------------------------------------------------------------------
# All-time high, relative strength
# ------------------------------------------------------------------------------------------------

def all_time_high(ohlc: pd.DataFrame) -> tuple[float, pd.Timestamp, float]:
    """``(ath, date, pct_from_ath)``: highest intraday High over all rows given, the first date it
    was reached, and ``(last close / ath - 1) * 100`` in percent (<= 0)."""
    bars = _check_ohlc(ohlc)
    high = bars["High"]
    date = high.idxmax()
    ath = float(high.loc[date])
    return ath, date, float((bars["Close"].iloc[-1] / ath - 1.0) * 100.0)


def relative_strength(close: pd.Series, benchmark: pd.Series, start=None) -> pd.Series:
    """Close / benchmark close on common dates, rebased to 100 at ``start`` (default: first
    common date)."""
    both = pd.concat([close, benchmark], axis=1, join="inner").dropna()
    if both.empty:
        raise DataError("series and benchmark have no dates in common for relative strength")
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    if start is not None:
        ratio = ratio.loc[ratio.index >= pd.Timestamp(start)]
        if ratio.empty:
            raise DataError(
                f"no common dates with the benchmark from {pd.Timestamp(start):%Y-%m-%d}")
    out = rebase(ratio, base=100.0)
    out.name = "rs"
    return out


def provisional_last_bar(ohlc: pd.DataFrame) -> bool:
    """True when the last bar looks like a frozen intraday snapshot: volume 0 although the
    series normally reports volume, and a close that is not a 2-decimal price."""
    if "Volume" not in ohlc or len(ohlc) < 2:
        return False
    vol = ohlc["Volume"].fillna(0)
    if vol.iloc[-1] != 0 or (vol.iloc[-21:-1] > 0).sum() < 10:
        return False
    last = float(ohlc["Close"].iloc[-1])
    return bool(np.float32(last) != np.float32(round(last, 2)))


# ------------------------------------------------------------------------------------------------
# Head-and-shoulders
# ------------------------------------------------------------------------------------------------

def _alternating(swings: pd.DataFrame) -> pd.DataFrame:
    """Swing points as an alternating high/low sequence (keep the extreme of a same-kind run)."""
    keep: list = []
    for label, row in swings.sort_values(["pos", "kind"]).iterrows():
        if keep and swings.at[keep[-1], "kind"] == row["kind"]:
            prev = swings.at[keep[-1], "price"]
            better = row["price"] > prev if row["kind"] == "high" else row["price"] < prev
            if better:
                keep[-1] = label
            continue
        keep.append(label)
    return swings.loc[keep]


def find_head_and_shoulders(close: pd.Series, swings: pd.DataFrame,
                            shoulder_tolerance_pct: float = 5.0) -> pd.DataFrame:
    """Head-and-shoulders tops and inverted (bottom) patterns (see module docstring).

    Parameters
    ----------
    close : Series
        Daily closes; ``swings["pos"]`` indexes it.
    swings : DataFrame
        From :func:`swing_points`.
    shoulder_tolerance_pct : float
        Largest gap between the two shoulders, in percent of their mean price.

    Returns
    -------
    DataFrame
        One row per pattern: ``type`` (``head_and_shoulders`` / ``inverse_head_and_shoulders``),
        dates and prices of ``left_shoulder``, ``head``, ``right_shoulder`` (``*_date``,
        ``*_price``), ``neckline`` (neckline price at the confirming bar, or at the last bar while
        unconfirmed), ``neckline_start``/``neckline_end`` (the two reaction points' dates and
        prices define it), ``height`` (head-to-neckline distance), ``target`` (measured move),
        ``confirmed`` (bool), ``confirmed_date``, ``target_reached`` (a later close at or beyond
        the target).
    """
    tol = float(shoulder_tolerance_pct)
    if not np.isfinite(tol) or tol < 0:
        raise ParameterError(f"shoulder_tolerance_pct must be a percentage >= 0, got {tol!r}")
    c = close.to_numpy(dtype=float)
    seq = _alternating(swings).reset_index(drop=True)
    rows = []
    for i in range(len(seq) - 4):
        pts = seq.iloc[i:i + 5]
        kinds = list(pts["kind"])
        if kinds == ["high", "low", "high", "low", "high"]:
            sign, kind = 1.0, "head_and_shoulders"
        elif kinds == ["low", "high", "low", "high", "low"]:
            sign, kind = -1.0, "inverse_head_and_shoulders"
        else:
            continue
        row = _match_pattern(pts, c, sign, tol)
        if row is None:
            continue
        idx = close.index
        conf = row.pop("confirmed_pos")
        rows.append({
            "type": kind,
            **{f"{name}_{what}": (idx[int(p.pos)] if what == "date" else float(p.price))
               for name, p in zip(("left_shoulder", "left_reaction", "head", "right_reaction",
                                   "right_shoulder"), pts.itertuples(), strict=True)
               for what in ("date", "price")},
            **row,
            "confirmed_date": idx[conf] if conf is not None else None,
        })
    cols = ["type", "left_shoulder_date", "left_shoulder_price", "head_date", "head_price",
            "right_shoulder_date", "right_shoulder_price", "left_reaction_date",
            "left_reaction_price", "right_reaction_date", "right_reaction_price", "neckline",
            "neckline_slope", "height", "target", "confirmed", "confirmed_date", "target_reached"]
    return pd.DataFrame(rows, columns=cols)


def _match_pattern(pts: pd.DataFrame, c: np.ndarray, sign: float, tol: float) -> dict | None:
    """Shape rules for one 5-point window; ``sign`` +1 for a top, -1 for an inverted pattern."""
    ls, r1, hd, r2, rs = pts.itertuples()
    if not (sign * hd.price > sign * ls.price and sign * hd.price > sign * rs.price):
        return None
    mean_sh = (ls.price + rs.price) / 2.0
    if abs(ls.price - rs.price) / mean_sh * 100.0 > tol:
        return None
    if abs(r2.price / r1.price - 1.0) * 100.0 > tol:  # neckline too steep
        return None
    slope = (r2.price - r1.price) / (r2.pos - r1.pos)

    def neck(p):
        return r1.price + slope * (p - r1.pos)

    if not (sign * (ls.price - neck(ls.pos)) > 0 and sign * (rs.price - neck(rs.pos)) > 0):
        return None
    height = sign * (hd.price - neck(hd.pos))
    if height <= 0:
        return None
    confirmed_pos = None
    expiry = int(rs.pos) + int(rs.pos - ls.pos)  # must break within the pattern's own width
    for t in range(int(rs.pos) + 1, len(c)):
        if t > expiry:
            return None
        if sign * (c[t] - hd.price) > 0:  # a close beyond the head kills the pattern
            return None
        if sign * (c[t] - neck(t)) < 0:
            confirmed_pos = t
            break
    at = confirmed_pos if confirmed_pos is not None else len(c) - 1
    target = neck(at) - sign * height
    reached = bool(confirmed_pos is not None
                   and (sign * (c[confirmed_pos:] - target) <= 0).any())
    return {"neckline": float(neck(at)), "neckline_slope": float(slope), "height": float(height),
            "target": float(target), "confirmed": confirmed_pos is not None,
            "confirmed_pos": confirmed_pos, "target_reached": reached}


# ------------------------------------------------------------------------------------------------
# The per-index analysis
# ------------------------------------------------------------------------------------------------

def _fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


def _pct(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:+.1f}%"


def _date(d) -> str | None:
    return None if d is None or pd.isna(d) else f"{pd.Timestamp(d):%Y-%m-%d}"


@dataclass
class TrendResult:
    """Trend, momentum and levels of one index as of its last bar (see module docstring).

    Prices are in ``units`` (index points for indexes), percentages in percent (1.0 = 1 %).
    """

    key: str
    name: str
    units: str
    asof: pd.Timestamp
    close: float
    bars: pd.DataFrame              # OHLCV of the lookback window (for charts)
    mas: pd.DataFrame               # moving averages over the window, columns ma<n>
    pct_vs_ma: dict                 # n -> % of close above (+) / below (-) MA_n
    ma_slopes: dict                 # n -> "rising" / "falling" / None
    aligned: bool
    macd: pd.DataFrame              # macd, signal, hist over the window
    macd_signal: str
    macd_cross_date: pd.Timestamp | None
    swings: pd.DataFrame            # swing points in the window
    structure: str
    levels: pd.DataFrame            # ranked support/resistance levels
    support: list
    resistance: list
    breakouts: pd.DataFrame
    breakout_date: pd.Timestamp | None
    breakout_level: float | None
    all_time_high: float
    all_time_high_date: pd.Timestamp
    pct_from_ath: float
    patterns: pd.DataFrame
    rs: pd.Series | None            # relative strength vs benchmark, 100 at window start
    benchmark: str | None
    rs_change: float                # % change of the RS line over the window
    rs_change_recent: float         # % change over the last 63 trading days
    provisional: bool               # last bar flagged (data layer) or looks like a frozen snapshot
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    # -- views --------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The recorded ``trend`` entry for this index (JSON-ready after ``reports.jsonable``)."""
        out = {"close": self.close}
        for n, v in self.pct_vs_ma.items():
            out[f"pct_vs_ma{n}"] = v
        out.update({
            "ma_slopes": {f"ma{n}": s for n, s in self.ma_slopes.items()},
            "aligned": self.aligned,
            "macd_signal": self.macd_signal,
            "macd_cross_date": _date(self.macd_cross_date),
            "structure": self.structure,
            "support": list(self.support),
            "resistance": list(self.resistance),
            "breakout_date": _date(self.breakout_date),
            "all_time_high": self.all_time_high,
            "all_time_high_date": _date(self.all_time_high_date),
            "pct_from_ath": self.pct_from_ath,
        })
        return out

    def patterns_list(self) -> list[dict]:
        """Patterns as the recorded ``patterns`` entries (``series``, ``type``, three points,
        ``neckline``, ``target``, ``confirmed``)."""
        out = []
        for p in self.patterns.itertuples():
            out.append({
                "series": self.key, "type": p.type,
                **{name: {"date": _date(getattr(p, f"{name}_date")),
                          "price": float(getattr(p, f"{name}_price"))}
                   for name in ("left_shoulder", "head", "right_shoulder")},
                "neckline": float(p.neckline), "target": float(p.target),
                "confirmed": bool(p.confirmed),
            })
        return out

    def summary(self) -> pd.DataFrame:
        """Key figures as a two-column table (``figure``, ``value``) for display."""
        rows = [("as of", _date(self.asof)), (f"close ({self.units})", _fmt(self.close))]
        for n, v in self.pct_vs_ma.items():
            rows.append((f"close vs {n}-day MA", f"{_pct(v)} (MA {self.ma_slopes[n] or 'n/a'})"))
        rows += [
            ("MAs aligned (close > short > long, all rising)", "yes" if self.aligned else "no"),
            ("MACD signal", f"{self.macd_signal} since {_date(self.macd_cross_date) or 'start'}"),
            ("structure (swing highs/lows)", self.structure),
            ("support, nearest first", ", ".join(_fmt(x) for x in self.support) or "none"),
            ("resistance, nearest first", ", ".join(_fmt(x) for x in self.resistance) or "none"),
            ("breakout (holding)", _date(self.breakout_date) or "none"),
            ("all-time high (intraday)",
             f"{_fmt(self.all_time_high)} on {_date(self.all_time_high_date)}"),
            ("close vs all-time high", _pct(self.pct_from_ath)),
            ("patterns", str(len(self.patterns))),
        ]
        if self.benchmark and self.benchmark != self.key:
            rows.append((f"relative strength vs {self.benchmark}, window / last 3 months",
                         f"{_pct(self.rs_change)} / {_pct(self.rs_change_recent)}"))
        return pd.DataFrame(rows, columns=["figure", "value"]).set_index("figure")

    def levels_table(self, n: int = 8) -> pd.DataFrame:
        """The ``n`` top-ranked levels, rounded, with their distance from the close in %."""
        t = self.levels.drop(columns="members").head(n).copy()
        t["vs close %"] = (t["level"] / self.close - 1) * 100
        for c in ("first", "last"):
            t[c] = pd.to_datetime(t[c]).dt.strftime("%Y-%m-%d")
        num = ["level", "low", "high", "vs close %"]
        t[num] = t[num].astype(float).round(2)
        return t.set_index("rank")

    def reading(self) -> str:
        """A Markdown paragraph reading the numbers (generated, never hard-coded)."""
        parts = [f"**{self.name} ({self.key})**, as of {_date(self.asof)}: close "
                 f"{_fmt(self.close)} {self.units}."]
        above = [n for n, v in self.pct_vs_ma.items() if np.isfinite(v) and v > 0]
        below = [n for n, v in self.pct_vs_ma.items() if np.isfinite(v) and v <= 0]
        ma_bits = []
        if above:
            ma_bits.append("above its " + ", ".join(f"{n}-day ({_pct(self.pct_vs_ma[n])})"
                                                   for n in above))
        if below:
            ma_bits.append("below its " + ", ".join(f"{n}-day ({_pct(self.pct_vs_ma[n])})"
                                                   for n in below))
        rising = [str(n) for n, s in self.ma_slopes.items() if s == "rising"]
        falling = [str(n) for n, s in self.ma_slopes.items() if s == "falling"]
        slope_txt = "; ".join(
            x for x in (f"rising: {', '.join(rising)}-day" if rising else "",
                        f"falling: {', '.join(falling)}-day" if falling else "") if x)
        parts.append(f"It is {' and '.join(ma_bits)} moving average"
                     f"{'s' if len(self.pct_vs_ma) > 1 else ''} ({slope_txt or 'slopes n/a'} over "
                     f"{SLOPE_DAYS} days); the averages are "
                     + ("**aligned** bullishly." if self.aligned else "not aligned.")
                     if ma_bits else "Its moving averages are not yet defined.")
        m = self.macd.iloc[-1]
        parts.append(f"MACD is on a **{self.macd_signal}** signal (MACD {m['macd']:,.1f} "
                     f"{'above' if self.macd_signal == 'buy' else 'below'} its signal line "
                     f"{m['signal']:,.1f})"
                     + (f" since the cross on {_date(self.macd_cross_date)}."
                        if self.macd_cross_date is not None else "."))
        hi = self.swings[self.swings["kind"] == "high"]["price"].to_numpy()
        lo = self.swings[self.swings["kind"] == "low"]["price"].to_numpy()
        if len(hi) >= 2 and len(lo) >= 2:
            hh = "higher" if hi[-1] > hi[-2] else "lower"
            hl = "higher" if lo[-1] > lo[-2] else "lower"
            parts.append(f"Structure: **{self.structure}** (last swing highs {_fmt(hi[-2], 0)} "
                         "then "
                         f"{_fmt(hi[-1], 0)}, {hh}; last swing lows {_fmt(lo[-2], 0)} then "
                         f"{_fmt(lo[-1], 0)}, {hl}).")
        else:
            parts.append(f"Structure: **{self.structure}** (too few swing points to compare).")
        sup = (f"nearest support {_fmt(self.support[0], 0)} "
               f"({_pct((self.support[0] / self.close - 1) * 100)})"
               if self.support else "no support level below the close in the window")
        res = (f"nearest resistance {_fmt(self.resistance[0], 0)} "
               f"({_pct((self.resistance[0] / self.close - 1) * 100)})"
               if self.resistance else "no resistance above the close in the window")
        parts.append(f"Levels: {sup}; {res}.")
        if self.breakout_date is not None:
            b = self.breakouts[self.breakouts["date"] == self.breakout_date].iloc[-1]
            since = ("has closed back below it on "
                     f"{b['closes_below_since']} day{'s' if b['closes_below_since'] != 1 else ''}"
                     " since, but is above it now" if b["closes_below_since"]
                     else "has stayed above it since")
            parts.append(f"It broke out above resistance at {_fmt(self.breakout_level, 0)} "
                         f"({b['touches']} swing highs) on {_date(self.breakout_date)} "
                         f"and {since}.")
        elif len(self.breakouts):
            last = self.breakouts.iloc[-1]
            parts.append(f"Its last breakout (above {_fmt(last['level'], 0)} on "
                         f"{_date(last['date'])}) has failed: the close is back below that level.")
        else:
            parts.append("No breakout above a multi-touch resistance in the window.")
        if self.pct_from_ath >= 0:
            parts.append(f"It closed at its all-time high ({_fmt(self.all_time_high)}).")
        else:
            parts.append(f"All-time intraday high {_fmt(self.all_time_high)} on "
                         f"{_date(self.all_time_high_date)}; the close is "
                         f"{abs(self.pct_from_ath):.1f}% below it.")
        recent = self.patterns.sort_values("right_shoulder_date").tail(1)
        for p in recent.itertuples():
            label = "inverted head-and-shoulders" if p.type.startswith("inverse") else \
                "head-and-shoulders top"
            state = (f"confirmed on {_date(p.confirmed_date)}"
                     + (", target already reached" if p.target_reached else "")
                     if p.confirmed else "not confirmed yet")
            lead = "Latest pattern" if len(self.patterns) > 1 else "Pattern"
            parts.append(f"{lead}: {label} (head {_fmt(p.head_price, 0)} on "
                         f"{_date(p.head_date)}, neckline {_fmt(p.neckline, 0)}), {state}; "
                         f"measured-move target {_fmt(p.target, 0)}.")
            if len(self.patterns) > 1:
                parts.append(f"({len(self.patterns) - 1} earlier pattern"
                             f"{'s' if len(self.patterns) > 2 else ''} in the window: see the "
                             "patterns table.)")
        if self.benchmark and self.benchmark != self.key and np.isfinite(self.rs_change):
            verb = "outperformed" if self.rs_change > 0 else "underperformed"
            parts.append(f"Relative to {self.benchmark} it {verb} by {abs(self.rs_change):.1f}% "
                         f"over the window ({_pct(self.rs_change_recent)} over the last 3 months).")
        if self.provisional:
            parts.append(f"_Caution: the last bar ({_date(self.asof)}) has zero volume and "
                         "unrounded prices, the mark of a provisional intraday snapshot; its "
                         "close may differ from the final one._")
        return " ".join(parts)


def analyze(
    ohlc: pd.DataFrame,
    benchmark: pd.Series | None = None,
    *,
    lookback_days: int = 500,
    mas: Sequence[int] = (50, 100, 200),
    macd_spans: Sequence[int] = (12, 26, 9),
    pivot_window: int = 10,
    level_tolerance_pct: float = 1.5,
) -> TrendResult:
    """Trend, momentum, levels and patterns of one index as of its last bar.

    Parameters
    ----------
    ohlc : DataFrame
        Daily bars from :func:`smallcaps.data.load_ohlc`, ending at the as-of date.  Load the whole
        history: moving averages, MACD and the all-time high use all of it.
    benchmark : Series, optional
        Benchmark closes for the relative-strength line (e.g. SPX); same or overlapping dates.
    lookback_days : int
        Trading days shown and searched for swing points, levels, breakouts and patterns.
    mas : sequence of int
        Moving-average lengths in trading days.
    macd_spans : sequence of 3 int
        MACD fast, slow and signal spans.
    pivot_window : int
        Bars on each side of a swing point.
    level_tolerance_pct : float
        How close (percent of the level) swing points must be to form one level.

    Returns
    -------
    TrendResult
    """
    bars = _check_ohlc(ohlc)
    lookback = _positive_int(lookback_days, "lookback_days")
    windows = _check_windows(mas)
    if len(macd_spans) != 3:
        raise ParameterError(f"macd must be [fast, slow, signal] spans, got {list(macd_spans)!r}")
    w = _positive_int(pivot_window, "pivot_window")
    prov = dict(ohlc.attrs.get("provenance", {}))
    key = next(iter(prov), ohlc.attrs.get("key", "series"))
    info = prov.get(key, {})
    close = bars["Close"]
    n = len(bars)
    start = max(0, n - lookback)
    win = bars.index[start:]

    ma_all = moving_averages(close, windows)
    last_close = float(close.iloc[-1])
    pct = {m: float((last_close / ma_all[f"ma{m}"].iloc[-1] - 1) * 100) for m in windows}
    slopes = {m: ma_slope(ma_all[f"ma{m}"]) for m in windows}
    ma_last = [ma_all[f"ma{m}"].iloc[-1] for m in windows]
    chain = [last_close, *ma_last]
    aligned = bool(all(np.isfinite(chain))
                   and all(a > b for a, b in zip(chain[:-1], chain[1:], strict=True))
                   and all(s == "rising" for s in slopes.values()))

    md = macd(close, *macd_spans)
    signal, cross = macd_state(md)

    # Swings over the window plus left context, so early window bars can be pivots too.
    ctx = max(0, start - w)
    sw = swing_points(bars.iloc[ctx:], w)
    sw["pos"] += ctx
    sw = sw[sw["pos"] >= start].reset_index(drop=True)
    structure = market_structure(sw)
    levels = cluster_levels(sw, level_tolerance_pct)
    support, resistance = nearest_levels(levels, last_close)
    breaks = find_breakouts(close, sw, levels, w)
    holding = breaks[breaks["holding"]]
    b_date = holding["date"].iloc[-1] if len(holding) else None
    b_level = float(holding["level"].iloc[-1]) if len(holding) else None
    ath, ath_date, from_ath = all_time_high(bars)
    patterns = find_head_and_shoulders(close, sw)

    rs, bkey, rs_chg, rs_recent = None, None, float("nan"), float("nan")
    if benchmark is not None:
        bkey = str(benchmark.name) if benchmark.name is not None else "benchmark"
        bprov = benchmark.attrs.get("provenance", {})
        if bkey in bprov:
            prov.setdefault(bkey, bprov[bkey])
        rs = relative_strength(close, benchmark.loc[: bars.index[-1]], start=win[0])
        rs_chg = float(rs.iloc[-1] / rs.iloc[0] * 100 - 100)
        recent = rs.iloc[-RS_RECENT_DAYS - 1:]
        rs_recent = float(recent.iloc[-1] / recent.iloc[0] * 100 - 100)

    return TrendResult(
        key=key, name=info.get("name", key), units=info.get("units", "price units"),
        asof=bars.index[-1], close=last_close, bars=bars.iloc[start:],
        mas=ma_all.iloc[start:], pct_vs_ma=pct, ma_slopes=slopes, aligned=aligned,
        macd=md.iloc[start:], macd_signal=signal, macd_cross_date=cross, swings=sw,
        structure=structure, levels=levels, support=support, resistance=resistance,
        breakouts=breaks, breakout_date=b_date, breakout_level=b_level, all_time_high=ath,
        all_time_high_date=ath_date, pct_from_ath=from_ath, patterns=patterns, rs=rs,
        benchmark=bkey, rs_change=rs_chg, rs_change_recent=rs_recent,
        provisional=bool(info.get("provisional_last_row")) or provisional_last_bar(bars),
        params={"lookback_days": lookback, "mas": windows, "macd": list(macd_spans),
                "pivot_window": w, "level_tolerance_pct": float(level_tolerance_pct)},
        provenance=prov,
    )


def load_inputs(series: Sequence[str], benchmark: str | None = "SPX", asof: str = "",
                start: str = "", source: str = "auto",
                data_dir: str | None = None) -> tuple[dict, pd.Series | None, pd.Timestamp]:
    """Load OHLC for each index and the benchmark's closes, all up to one as-of date.

    Parameters
    ----------
    series : list of str
        Catalog keys of price series (``["SPX", "NDX", "RUT", "DJI"]``).
    benchmark : str or None
        Key of the relative-strength benchmark (None: no RS line).
    asof : str
        ``YYYY-MM-DD``; ``""`` = the latest date on which every series and the benchmark have
        data.  No bar after it is loaded.
    start : str
        First date loaded; ``""`` = the whole history (the all-time high needs it).
    source, data_dir
        As for :func:`smallcaps.data.load`.

    Returns
    -------
    (dict key -> OHLC DataFrame, benchmark closes Series or None, as-of Timestamp)
    """
    from smallcaps import data

    if isinstance(series, str):
        series = [series]
    series = list(dict.fromkeys(series))
    if not series:
        raise ParameterError("series is empty; name at least one index, e.g. ['SPX', 'RUT']")
    keys = series + ([benchmark] if benchmark and benchmark not in series else [])
    for k in keys:
        info = data.get_series(k)
        if info.kind != "price":
            raise ParameterError(f"{k} is a {info.kind} series; trend analysis needs price series")
    ddir = data_dir or None
    end = pd.Timestamp(asof) if asof else data.latest_date(keys, source=source, data_dir=ddir)
    ohlc = {k: data.load_ohlc(k, start=start or None, end=end, source=source, data_dir=ddir)
            for k in series}
    bench = None
    if benchmark:
        bench = data.load(benchmark, start=start or None, end=end, source=source,
                          data_dir=ddir)[benchmark]
    return ohlc, bench, end


def analyze_many(ohlc: Mapping[str, pd.DataFrame], benchmark: pd.Series | None = None,
                 **options) -> dict[str, TrendResult]:
    """:func:`analyze` for each ``key -> OHLC frame``; options as for :func:`analyze`."""
    if not ohlc:
        raise ParameterError("series is empty; name at least one index, e.g. ['SPX', 'RUT']")
    out = {}
    for key, frame in ohlc.items():
        res = analyze(frame, benchmark, **options)
        res.key = key
        out[key] = res
    return out


# ------------------------------------------------------------------------------------------------
# Cross-index views
# ------------------------------------------------------------------------------------------------

def trend_record(results: Mapping[str, TrendResult]) -> dict:
    """The recorded ``trend`` figure: series -> :meth:`TrendResult.to_dict`.

    Per series: ``close`` (price units), ``pct_vs_ma<n>`` (% above (+) / below (-) each MA),
    ``ma_slopes`` (``ma<n>`` -> ``rising`` / ``falling``), ``aligned`` (bool), ``macd_signal``
    (``buy`` / ``sell``), ``macd_cross_date``, ``structure``, ``support`` and ``resistance``
    (up to three level prices each, nearest first), ``breakout_date`` (or None),
    ``all_time_high``, ``all_time_high_date`` and ``pct_from_ath`` (% from the ATH, <= 0).
    """
    return {k: r.to_dict() for k, r in results.items()}


def patterns_record(results: Mapping[str, TrendResult]) -> list[dict]:
    """The recorded ``patterns`` figure: all patterns of all series."""
    return [p for r in results.values() for p in r.patterns_list()]


def patterns_table(results: Mapping[str, TrendResult]) -> pd.DataFrame:
    """All patterns in one readable table (prices rounded to 0.01)."""
    rows = []
    for key, r in results.items():
        for p in r.patterns.itertuples():
            rows.append({
                "series": key,
                "pattern": "inverted H&S" if p.type.startswith("inverse") else "H&S top",
                **{label: f"{getattr(p, f'{name}_price'):,.2f} "
                          f"({_date(getattr(p, f'{name}_date'))})"
                   for label, name in (("left shoulder", "left_shoulder"), ("head", "head"),
                                       ("right shoulder", "right_shoulder"))},
                "neckline": round(p.neckline, 2), "target": round(p.target, 2),
                "confirmed": _date(p.confirmed_date) or "no",
                "target reached": "yes" if p.target_reached else "no",
            })
    cols = ["series", "pattern", "left shoulder", "head", "right shoulder", "neckline", "target",
            "confirmed", "target reached"]
    return pd.DataFrame(rows, columns=cols)


def describe_patterns(table: pd.DataFrame) -> str:
    """One sentence counting the patterns of :func:`patterns_table` (confirmed ones too)."""
    if table.empty:
        return "No head-and-shoulders pattern in the window."
    n = len(table)
    confirmed = int((table["confirmed"] != "no").sum())
    kinds = ", ".join(f"{c} {k}" for k, c in table["pattern"].value_counts().items())
    return (f"{n} head-and-shoulders pattern{'s' if n != 1 else ''} in the window ({kinds}); "
            f"{confirmed} confirmed by a close through the neckline.")


def dashboard(results: Mapping[str, TrendResult]) -> pd.DataFrame:
    """One row per index: close, % vs each MA, MA slopes, alignment, MACD, structure, nearest
    levels, breakout, all-time high, relative strength.  Percentages in percent."""
    rows = {}
    for k, r in results.items():
        row = {"close": r.close}
        for n, v in r.pct_vs_ma.items():
            row[f"vs MA{n} %"] = v
        row["MA slopes"] = " ".join(
            {"rising": "↑", "falling": "↓"}.get(s, "·") for s in r.ma_slopes.values())
        row["aligned"] = "yes" if r.aligned else "no"
        row["MACD"] = r.macd_signal
        row["MACD cross"] = _date(r.macd_cross_date)
        row["structure"] = r.structure
        row["nearest support"] = r.support[0] if r.support else np.nan
        row["nearest resistance"] = r.resistance[0] if r.resistance else np.nan
        row["breakout (close above)"] = _date(r.breakout_date) or "—"
        row["ATH"] = r.all_time_high
        row["ATH date"] = _date(r.all_time_high_date)
        row["from ATH %"] = r.pct_from_ath
        rs_col = f"RS vs {r.benchmark} 3m %" if r.benchmark else "RS 3m %"
        row[rs_col] = r.rs_change_recent if r.benchmark != k else np.nan
        row["patterns"] = len(r.patterns)
        rows[k] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "index"
    out.attrs["asof"] = sorted({_date(r.asof) for r in results.values()})
    out.attrs["units"] = sorted({r.units for r in results.values()})
    return out


_GOOD, _BAD, _NEUTRAL = "#d9f0d3", "#f8d0cc", "#f2f2f2"


def style_dashboard(table: pd.DataFrame, caption: str | None = None):
    """A pandas Styler of :func:`dashboard` with green/red for buy/sell, trend and alignment.

    The default caption names the as-of date(s) and the price units of the table."""
    if caption is None:
        caption = (f"Trend dashboard as of {', '.join(table.attrs.get('asof', [])) or '?'}; "
                   "% columns in percent, prices in "
                   f"{', '.join(table.attrs.get('units', [])) or 'price units'}")
    def colour(v):
        good = {"buy", "uptrend", "yes"}
        bad = {"sell", "downtrend", "no"}
        bg = _GOOD if v in good else _BAD if v in bad else _NEUTRAL if v == "range" else ""
        return f"background-color: {bg}" if bg else ""

    def sign(v):
        if isinstance(v, (int, float)) and np.isfinite(v):
            return f"color: {'#1a7a2e' if v > 0 else '#b2182b' if v < 0 else '#333'}"
        return ""

    pct_cols = [c for c in table.columns if c.endswith("%")]
    price_cols = [c for c in ("close", "nearest support", "nearest resistance", "ATH")
                  if c in table.columns]
    fmt = {c: "{:+.1f}" for c in pct_cols}
    fmt.update({c: "{:,.2f}" for c in price_cols})
    styler = (table.rename_axis(None).style.format(fmt, na_rep="—")
              .map(colour, subset=[c for c in ("aligned", "MACD", "structure") if c in table])
              .map(sign, subset=pct_cols)
              .set_table_styles([{"selector": "", "props": "font-size: 11px"},
                                 {"selector": "td", "props": "white-space: nowrap; "
                                  "padding: 2px 5px; text-align: right"},
                                 {"selector": "th", "props": "padding: 2px 5px"}]))
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def describe_dashboard(results: Mapping[str, TrendResult]) -> str:
    """Markdown comparing the indexes (which are aligned, on buy, in uptrend, nearest to ATH)."""
    if not results:
        return "No index analysed."
    keys = list(results)

    def which(pred):
        got = [k for k in keys if pred(results[k])]
        return ", ".join(got) if got else "none"

    asof = {_date(r.asof) for r in results.values()}
    closest = min(keys, key=lambda k: -results[k].pct_from_ath)
    furthest = min(keys, key=lambda k: results[k].pct_from_ath)
    lines = [
        f"As of {', '.join(sorted(asof))}:",
        "- moving averages aligned (close above rising short, medium and long averages): "
        f"{which(lambda r: r.aligned)};",
        f"- MACD buy signal: {which(lambda r: r.macd_signal == 'buy')}; "
        f"sell: {which(lambda r: r.macd_signal == 'sell')};",
        f"- structure uptrend: {which(lambda r: r.structure == 'uptrend')}; "
        f"downtrend: {which(lambda r: r.structure == 'downtrend')}; "
        f"range: {which(lambda r: r.structure == 'range')};",
        "- close above a multi-touch resistance it broke out of: "
        f"{which(lambda r: r.breakout_date is not None)};",
        f"- closest to its all-time high: {closest} ({_pct(results[closest].pct_from_ath)}); "
        f"furthest: {furthest} ({_pct(results[furthest].pct_from_ath)}).",
    ]
    rs = {k: r.rs_change_recent for k, r in results.items()
          if r.benchmark and r.benchmark != k and np.isfinite(r.rs_change_recent)}
    if rs:
        best = max(rs, key=rs.get)
        worst = min(rs, key=rs.get)
        bench = results[best].benchmark
        lines.append(f"- relative strength vs {bench} over the last 3 months: strongest {best} "
                     f"({_pct(rs[best])}), weakest {worst} ({_pct(rs[worst])}).")
    return "\n".join(lines)
