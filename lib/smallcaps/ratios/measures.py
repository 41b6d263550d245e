"""Building blocks of the ratio study: the ratio itself, moving averages and their slopes, the
1-year percentile, breakouts, log-linear trends and the last crossing of an average.

Every function takes plain Series and returns numbers or Series; the definitions are those of
:mod:`smallcaps.ratios`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smallcaps.dates import parse_date
from smallcaps.errors import DataError, ParameterError

__all__ = [
    "SLOPE_LAG",
    "YEAR_DAYS",
    "FLAT_SLOPE_PCT",
    "MIN_R2",
    "TREND_MA",
    "DAYS_PER_MONTH",
    "Trend",
    "ratio",
    "moving_average",
    "slope_direction",
    "percentile_rank",
    "breakouts",
    "classify_trend",
    "fit_trend",
    "last_cross",
]

#: trading days over which the slope of a moving average is measured
SLOPE_LAG = 20
#: trading days in the 1-year percentile and the default breakout look-back
YEAR_DAYS = 252
#: smallest trend slope, in percent per month, that counts as ``up`` / ``down``
FLAT_SLOPE_PCT = 0.5
#: smallest R² of a trend fit that counts as ``up`` / ``down``
MIN_R2 = 0.25
#: the moving average (trading days) that defines the current relative trend
TREND_MA = 200
#: calendar days per month of a trend slope
DAYS_PER_MONTH = 365.25 / 12


def _span(s: pd.Series) -> str:
    s = s.dropna()
    return f"{s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d}" if len(s) else "no data"


def ratio(numerator: pd.Series, denominator: pd.Series, name: str | None = None) -> pd.Series:
    """``numerator / denominator`` on the dates where both have a value (no filling).

    Raises
    ------
    DataError
        When the two series share no date.
    """
    both = pd.concat([numerator, denominator], axis=1, join="inner").dropna()
    label = name or f"{numerator.name}/{denominator.name}"
    if both.empty:
        raise DataError(
            f"pair {label}: no dates where both have a close ({numerator.name}: "
            f"{_span(numerator)}; {denominator.name}: {_span(denominator)})"
        )
    out = both.iloc[:, 0] / both.iloc[:, 1]
    out.name = label
    return out


def moving_average(series: pd.Series, window: int) -> pd.Series:
    """Simple moving average of the last ``window`` values (trading days; NaN until ``window``
    values exist)."""
    if int(window) != window or window < 2:
        raise ParameterError(f"moving-average window must be a whole number >= 2, got {window}")
    return series.rolling(int(window), min_periods=int(window)).mean()


def slope_direction(ma: pd.Series, lag: int = SLOPE_LAG) -> tuple[str | None, float]:
    """Direction and percent change of a moving average over its last ``lag`` values.

    Returns
    -------
    (str or None, float)
        ``"rising"`` / ``"falling"`` (``"flat"`` on an exact tie), ``None`` when there is not
        enough history; and the change in percent (NaN when unavailable).
    """
    m = ma.dropna()
    if len(m) <= lag:
        return None, float("nan")
    now, then = float(m.iloc[-1]), float(m.iloc[-1 - lag])
    pct = (now / then - 1.0) * 100.0
    return ("rising" if now > then else "falling" if now < then else "flat"), pct


def percentile_rank(series: pd.Series, window: int = YEAR_DAYS) -> float:
    """Rank of the last value among the last ``window`` values (including it), 0..100.

    0 = the lowest of the window, 100 = the highest; ties count half.  NaN when fewer than
    ``window`` values exist.
    """
    s = series.dropna()
    if len(s) < window or window < 2:
        return float("nan")
    w = s.iloc[-window:].to_numpy()
    today, others = w[-1], w[:-1]
    below = float((others < today).sum()) + 0.5 * float((others == today).sum())
    return below / len(others) * 100.0


def breakouts(series: pd.Series, days: int = YEAR_DAYS) -> pd.Series:
    """New ``days``-day highs (+1) and lows (-1) of a series, indexed by the date of the close.

    A close is a new high when it is strictly above every one of the previous ``days`` closes
    (trading days), a new low when strictly below all of them.  The first ``days`` closes
    cannot qualify.
    """
    if int(days) != days or days < 2:
        raise ParameterError(f"breakout_days must be a whole number >= 2, got {days}")
    s = series.dropna()
    prior = s.shift(1)
    hi = prior.rolling(int(days), min_periods=int(days)).max()
    lo = prior.rolling(int(days), min_periods=int(days)).min()
    ev = pd.Series(0, index=s.index, dtype=int)
    ev[s > hi] = 1
    ev[s < lo] = -1
    out = ev[ev != 0]
    out.name = f"{days}-day breakouts"
    return out


@dataclass(frozen=True)
class Trend:
    """Log-linear trend of a ratio over a calendar window.

    Attributes
    ----------
    months : int
        Window length in calendar months.
    start, end : Timestamp
        First and last close used.
    n : int
        Number of closes.
    slope_pct : float
        Fitted growth in percent per month (``exp(b) - 1``, b = log slope per month).
    r2 : float
        R² of the log-linear fit (0..1).
    direction : str
        ``"up"``, ``"down"`` or ``"flat"`` (see :func:`classify_trend`).
    intercept : float
        Fitted log ratio at ``start`` (for drawing the line).
    """

    months: int
    start: pd.Timestamp
    end: pd.Timestamp
    n: int
    slope_pct: float
    r2: float
    direction: str
    intercept: float

    def line(self) -> pd.Series:
        """The fitted ratio at ``start`` and ``end`` (two points, for charts)."""
        b = math.log1p(self.slope_pct / 100.0)
        t = (self.end - self.start).days / DAYS_PER_MONTH
        return pd.Series([math.exp(self.intercept), math.exp(self.intercept + b * t)],
                         index=pd.DatetimeIndex([self.start, self.end]))


def classify_trend(slope_pct: float, r2: float) -> str:
    """``"up"`` / ``"down"`` when ``|slope_pct| >= FLAT_SLOPE_PCT`` (%/month) and
    ``r2 >= MIN_R2``, else ``"flat"``."""
    if not (np.isfinite(slope_pct) and np.isfinite(r2)):
        return "flat"
    if r2 >= MIN_R2 and slope_pct >= FLAT_SLOPE_PCT:
        return "up"
    if r2 >= MIN_R2 and slope_pct <= -FLAT_SLOPE_PCT:
        return "down"
    return "flat"


def fit_trend(series: pd.Series, months: int, end=None) -> Trend | None:
    """Fit ``log(series) = a + b * t`` over the closes after ``end - months`` up to ``end``.

    ``t`` is in months of 365.25 / 12 days; ``end`` defaults to the last date of ``series``.
    Returns None with fewer than 10 closes.
    """
    s = series.dropna()
    end = s.index[-1] if end is None else parse_date(end, "end", required=True)
    s = s.loc[:end]
    s = s.loc[s.index > end - pd.DateOffset(months=months)]
    if len(s) < 10:
        return None
    t = ((s.index - s.index[0]).days / DAYS_PER_MONTH).to_numpy(dtype=float)
    y = np.log(s.to_numpy(dtype=float))
    b, a = np.polyfit(t, y, 1)
    resid = y - (a + b * t)
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid ** 2).sum()) / sst if sst > 0 else 0.0
    slope = math.expm1(b) * 100.0
    return Trend(months=months, start=s.index[0], end=s.index[-1], n=len(s), slope_pct=slope,
                 r2=r2, direction=classify_trend(slope, r2), intercept=float(a))


def last_cross(series: pd.Series, ma: pd.Series) -> tuple[pd.Timestamp | None, str | None]:
    """Date of the last crossing of ``series`` through ``ma`` and the side it is on now.

    Returns
    -------
    (Timestamp or None, str or None)
        The first close on the current side after the last crossing (None when it has not
        crossed since the average began), and ``"above"`` / ``"below"`` (None without an
        average).  A close exactly on the average keeps the previous side.
    """
    both = pd.concat([series, ma], axis=1).dropna()
    if both.empty:
        return None, None
    diff = np.sign(both.iloc[:, 0] - both.iloc[:, 1]).replace(0, np.nan).ffill().dropna()
    if diff.empty:
        return None, None
    side = "above" if diff.iloc[-1] > 0 else "below"
    changed = diff.ne(diff.shift(1))
    changed.iloc[0] = False
    dates = diff.index[changed.to_numpy()]
    return (dates[-1] if len(dates) else None), side
