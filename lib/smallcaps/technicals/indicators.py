"""Moving averages, MACD, the all-time high, relative strength and the input checks shared by the
technicals modules (definitions: :mod:`smallcaps.technicals`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smallcaps.dates import iso, parse_date
from smallcaps.errors import DataError, ParameterError
from smallcaps.returns import rebase

__all__ = [
    "moving_averages",
    "ma_slope",
    "macd",
    "macd_state",
    "all_time_high",
    "all_time_high_close",
    "weekly_bars",
    "relative_strength",
    "provisional_last_bar",
]

_SLOPE_DAYS = 20
_OHLC_COLUMNS = ("Open", "High", "Low", "Close")


# ------------------------------------------------------------------------------------------------
# Input checks (shared by the technicals modules)
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
    missing = [c for c in _OHLC_COLUMNS if c not in ohlc.columns]
    if missing:
        raise DataError(
            f"ohlc lacks {', '.join(missing)}; expected Open, High, Low, Close "
            "(smallcaps.data.load_bars)"
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


def _iso(d) -> str | None:
    """``YYYY-MM-DD`` of a date; None for None and NaT."""
    return None if d is None or pd.isna(d) else iso(d)


# ------------------------------------------------------------------------------------------------
# Moving averages and MACD
# ------------------------------------------------------------------------------------------------

def moving_averages(close: pd.Series, windows: Sequence[int] = (50, 100, 200)) -> pd.DataFrame:
    """Simple moving averages of ``close``.

    Parameters
    ----------
    close : Series
        Daily closes (price units).
    windows : sequence of int
        Lengths in trading days.

    Returns
    -------
    DataFrame
        One column ``ma<n>`` per window (price units); NaN until ``n`` closes exist.
    """
    windows = _check_windows(windows)
    return pd.DataFrame({f"ma{n}": close.rolling(n, min_periods=n).mean() for n in windows})


def ma_slope(ma: pd.Series, days: int = _SLOPE_DAYS) -> str | None:
    """``"rising"`` if the last value is above the value ``days`` trading days (rows) earlier,
    else ``"falling"``; None when either is missing."""
    days = _positive_int(days, "days")
    if len(ma) <= days or pd.isna(ma.iloc[-1]) or pd.isna(ma.iloc[-1 - days]):
        return None
    return "rising" if ma.iloc[-1] > ma.iloc[-1 - days] else "falling"


def macd(close: pd.Series, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """MACD line, signal line and histogram.

    ``macd = EMA_fast - EMA_slow`` (``ewm(span, adjust=False)`` of the close, starting at the first
    close), ``signal = EMA_signal(macd)``, ``hist = macd - signal``; all in price units, spans in
    trading days.

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
# All-time high, relative strength, provisional bars
# ------------------------------------------------------------------------------------------------

def all_time_high(ohlc: pd.DataFrame) -> tuple[float, pd.Timestamp, float]:
    """``(ath, date, pct_from_ath)``: highest intraday High over all rows given (price units),
    the first date it was reached, and ``(last close / ath - 1) * 100`` in percent (<= 0)."""
    return _record(_check_ohlc(ohlc), "High")


def all_time_high_close(ohlc: pd.DataFrame) -> tuple[float, pd.Timestamp, float]:
    """``(record, date, pct_from_record)``: highest close over all rows given (price units), the
    first date it was set, and ``(last close / record - 1) * 100`` in percent (<= 0; 0 when the
    last bar set or equalled it)."""
    return _record(_check_ohlc(ohlc), "Close")


def _record(bars: pd.DataFrame, column: str) -> tuple[float, pd.Timestamp, float]:
    """The highest value of ``column`` in checked bars (:func:`_check_ohlc`), the first date
    it was reached and the last close's distance from it (percent, <= 0)."""
    values = bars[column]
    date = values.idxmax()
    record = float(values.loc[date])
    return record, date, float((bars["Close"].iloc[-1] / record - 1.0) * 100.0)


def weekly_bars(ohlc: pd.DataFrame) -> pd.DataFrame:
    """Weekly OHLC bars resampled from daily ones (weeks ending Friday, ``W-FRI``).

    Open is the week's first open, High its highest high, Low its lowest low, Close its last
    close and Volume the sum; each bar is labelled with the last trading day of its week (so the
    last bar ends on the as-of date, a partial week when that is not the week's last trading
    day).  ``attrs`` (provenance, as-of) are kept.
    """
    bars = _check_ohlc(ohlc)
    week = bars.index.to_period("W-FRI")
    g = bars.groupby(week, sort=True)
    out = pd.DataFrame({"Open": g["Open"].first(), "High": g["High"].max(),
                        "Low": g["Low"].min(), "Close": g["Close"].last(),
                        "Volume": g["Volume"].sum(min_count=1)})
    out.index = pd.DatetimeIndex(
        pd.Series(bars.index, index=bars.index).groupby(week, sort=True).last().to_numpy(),
        name=bars.index.name)
    out.attrs = dict(ohlc.attrs)
    return out


def relative_strength(close: pd.Series, benchmark: pd.Series, start=None) -> pd.Series:
    """Close / benchmark close on common dates, rebased to 100 at ``start`` (a date; default:
    the first common date)."""
    both = pd.concat([close, benchmark], axis=1, join="inner").dropna()
    if both.empty:
        raise DataError("series and benchmark have no dates in common for relative strength")
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    first = parse_date(start, "start")
    if first is not None:
        ratio = ratio.loc[ratio.index >= first]
        if ratio.empty:
            raise DataError(f"no common dates with the benchmark from {first:%Y-%m-%d}")
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
