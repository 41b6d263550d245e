"""The deterministic synthetic sample: every catalog series, offline, with planted effects.

``generate(key)`` returns a daily frame for a catalog key (prices: ``open, high, low, close,
volume`` and, for ETFs, ``adj_close``; yields: ``close`` only, in percent).  The sample is NOT
market data; it exists so the kit runs and its analyses can be tested without a network.  Every
call gives bit-identical values on every machine: numpy ``Generator(PCG64)`` seeded from
``zlib.crc32`` of a fixed name, float64 arithmetic without BLAS/LAPACK, outputs rounded like
real quotes (prices to cents, yields to basis points).

Calendar
--------
Equities trade on weekdays from 1988-01-04 to 2025-12-31 except a NYSE-like holiday set (New
Year, Martin Luther King Day from 1998, Presidents' Day, Good Friday, Memorial Day, July 4, Labor
Day, Thanksgiving, Christmas; Saturday holidays observed on Friday, Sunday ones on Monday; no
Friday make-up for a Saturday New Year).  Treasury yields (``DGS10``, ``DGS2``) have a row on every
weekday and are NaN on bond holidays (the set above without Good Friday, plus Columbus Day and
Veterans Day), as FRED's files are.  ``DFF`` has a value on every weekday, moving in 25 bp steps.

Calibration (measured on the real files in ``../shared/data/market``, 1988-2025)
-------------------------------------------------------------------------------
Daily log-return volatility per calendar year follows the real S&P 500 and Russell 2000 (table
``_VOL_SPX`` / ``_VOL_RUT``; e.g. 2008: 2.6 % and 2.9 % a day), times a mild stochastic-volatility
factor.  Correlations of daily returns on the real files: SPX-RUT 0.86, SPX-NDX 0.845, SPX-DJI
0.958, RUT-NDX 0.766, RUT-DJI 0.82, NDX-DJI 0.749; the sample's pooled values are within 0.04
(SPX-RUT 0.84: the pattern windows loosen it).  Levels start and end where the real
indexes did (RUT 123.50 -> 2481.91, SPX 255.94 -> 6845.50, NDX 161.81 -> 25249.85, DJI 2015.25
-> 48063.29).  ETFs track their index (IWM = RUT/10, SPY = SPX/10, QQQ = NDX/40) with a small
tracking error, start on their real listing days (SPY 1993-01-29, QQQ 1999-03-10, IWM
2000-05-26), and pay quarterly dividends, so ``adj_close`` <= ``close`` with equality on the last
day.  Yields follow the real annual averages (DGS10 8.85 % in 1988, 0.89 % in 2020, 4.29 % in
2025) with ~6 bp daily changes that shrink at low levels.

Planted effects (what later analyses must recover)
--------------------------------------------------
All relative returns are Russell 2000 minus S&P 500, in percentage points (pp); they are added to
the RUT's daily log return.

a. **Yield sensitivity that drifts.**  On the real files, weekly (Friday) RUT-minus-SPX returns
   regressed on weekly DGS10 changes (bp) give slopes of +0.023 pp/bp in 1988-1997 (t 5.4),
   +0.018 in 1998-2007 (t 3.1), +0.024 in 2008-2017 (t 5.4) and +0.006 in 2018-2025 (t 0.8),
   with -0.012 in 2023-2025: small caps beat large caps when yields RISE, and the link faded
   and turned negative recently.  The sample plants ``slope(t) * dDGS10(bp)`` with ``slope``
   linear between ``YIELD_SLOPE_KNOTS`` (+0.030 pp/bp in 1988 down to -0.030 at the end of 2025;
   decade averages +0.025, +0.015, +0.023 and -0.016 from ``planted_decade_slopes()``; weekly
   OLS on the sample recovers +0.032, +0.010, +0.018 and -0.025).
b. **Seasonality.**  Every year: ``NOVEMBER_PP`` (+1.0 pp) over November's trading days;
   ``DECEMBER_DIP_PP`` (-1.5 pp) over trading days Dec 1-20; ``DECEMBER_REBOUND_PP`` (+2.0 pp)
   over Dec 21 - Jan 15.  Noise makes the hit rates roughly 65-75 %, not 100 %.
c. **Extreme 5-day divergences.**  ``DIVERGENCE_EVENTS``: (first day, size in pp); the RUT beats
   the SPX by ``size`` over that day and the next four, then drifts ``POST_EVENT_DRIFT_PP``
   (+0.03 pp a day) for ``POST_EVENT_DAYS`` (126) trading days.  Noise alone also produces some
   4 pp weeks (the real files have about 1 % of days with a 5-day gap above 4 pp).
d. **Swing structure in RUT OHLC.**  ``HEAD_AND_SHOULDERS`` (a top in 2007: left shoulder
   2007-03-01, head 2007-05-31, right shoulder 2007-09-18, neckline 1196.22, first close below
   it 2007-10-02), ``TRADING_RANGE`` (2014: closes bounce three times off a support 9 % (log)
   below a resistance at 635.01) and ``INVERSE_HEAD_AND_SHOULDERS`` (a bottom completing in the
   last ~200 trading days: left shoulder 2025-04-08, head 2025-06-23, right shoulder 2025-09-12,
   neckline 2245.72, first close above it 2025-10-02, last close 2481.91).  Each is a tuple of
   ``(date, role, log level relative to the pattern's first point)``: the closes pass exactly
   through those points, every turning point is the extreme close AND the extreme high (peaks)
   or low (troughs) between its two neighbouring points, and necklines are flat
   (``neckline(pattern)`` gives the price).  Pattern windows carry no other planted effect.

How the plants are exact: within each family of planted windows (Novembers, Dec 1-20 windows,
Dec 21 - Jan 15 windows, event bursts, post-event drifts) the random part of the relative return
is centred across years/events, so the average over the sample equals the planted size
(year-to-year noise, and an extra 1.5 pp year shock on the December windows, keep the hit rates
realistic).  Outside all these windows the relative return carries a constant baseline drift
(``relative_baseline()``, about -0.02 pp a day) chosen so the RUT ends at its real 2025 level
despite the planted gains: small caps lag slightly from February to October.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
import pandas as pd

from smallcaps.data.catalog import get_series

__all__ = [
    "START",
    "END",
    "NOVEMBER_PP",
    "DECEMBER_DIP_PP",
    "DECEMBER_REBOUND_PP",
    "EVENT_DAYS",
    "POST_EVENT_DRIFT_PP",
    "POST_EVENT_DAYS",
    "PATTERNS",
    "holidays",
    "trading_days",
    "yield_slope",
    "planted_decade_slopes",
    "neckline",
    "generate",
    "relative_baseline",
    "planted_windows",
]

START = pd.Timestamp("1988-01-04")
END = pd.Timestamp("2025-12-31")

# --- planted effects (the constants tests and notebooks refer to) ----------------------------
#: (date, slope in pp of weekly RUT-minus-SPX return per bp of DGS10 change); linear in between.
YIELD_SLOPE_KNOTS: tuple[tuple[str, float], ...] = (
    ("1988-01-04", 0.030),
    ("1997-12-31", 0.020),
    ("2002-12-31", 0.005),
    ("2008-01-02", 0.030),
    ("2016-01-04", 0.020),
    ("2021-01-04", -0.015),
    ("2025-12-31", -0.030),
)
NOVEMBER_PP = 1.0
DECEMBER_DIP_PP = -1.5  # trading days Dec 1..20
DECEMBER_REBOUND_PP = 2.0  # trading days Dec 21..Jan 15 (of the next year)
#: (first trading day of the 5-day burst, planted RUT-minus-SPX gain in pp over the 5 days)
DIVERGENCE_EVENTS: tuple[tuple[str, float], ...] = (
    ("1990-02-12", 5.0),
    ("1992-03-09", 4.5),
    ("1995-02-06", 5.5),
    ("1997-04-14", 6.0),
    ("1999-03-08", 5.0),
    ("2001-04-09", 4.5),
    ("2003-03-17", 5.5),
    ("2009-03-16", 5.0),
    ("2012-02-13", 6.0),
    ("2016-02-16", 4.5),
    ("2020-04-06", 5.5),
    ("2023-03-20", 5.0),
)
EVENT_DAYS = 5
POST_EVENT_DRIFT_PP = 0.03  # pp per trading day after the burst
POST_EVENT_DAYS = 126

#: Regular head-and-shoulders top in RUT (date, role, log level vs the first point).
HEAD_AND_SHOULDERS: tuple[tuple[str, str, float], ...] = (
    ("2007-01-17", "start", 0.0),
    ("2007-03-01", "left_shoulder", 0.07),
    ("2007-04-03", "neckline", 0.0),
    ("2007-05-31", "head", 0.13),
    ("2007-07-27", "neckline", 0.0),
    ("2007-09-18", "right_shoulder", 0.07),
    ("2007-10-19", "breakdown", -0.03),
    ("2007-10-31", "end", -0.05),
)
#: 2014 trading range: resistance at the first point's level, support 9 % (log) below.
TRADING_RANGE: tuple[tuple[str, str, float], ...] = (
    ("2014-03-04", "resistance", 0.0),
    ("2014-05-15", "support", -0.09),
    ("2014-07-01", "resistance", 0.0),
    ("2014-08-07", "support", -0.09),
    ("2014-09-03", "resistance", 0.0),
    ("2014-10-13", "support", -0.09),
    ("2014-10-31", "end", -0.04),
)
#: Inverse head-and-shoulders bottom in RUT, completing in the last ~200 trading days.
INVERSE_HEAD_AND_SHOULDERS: tuple[tuple[str, str, float], ...] = (
    ("2025-02-14", "start", 0.0),
    ("2025-04-08", "left_shoulder", -0.16),
    ("2025-05-13", "neckline", -0.06),
    ("2025-06-23", "head", -0.22),
    ("2025-08-06", "neckline", -0.06),
    ("2025-09-12", "right_shoulder", -0.15),
    ("2025-11-03", "breakout", -0.02),
    ("2025-12-31", "end", 0.04),
)
PATTERNS = {
    "head_and_shoulders": HEAD_AND_SHOULDERS,
    "trading_range": TRADING_RANGE,
    "inverse_head_and_shoulders": INVERSE_HEAD_AND_SHOULDERS,
}

# --- calibration --------------------------------------------------------------------------
# Daily log-return standard deviation (%) per calendar year, measured on GSPC.csv and RUT.csv.
_YEARS = tuple(range(1988, 2026))
_VOL_SPX = (1.08, 0.83, 1.01, 0.90, 0.61, 0.54, 0.62, 0.49, 0.74, 1.14, 1.28, 1.14, 1.40, 1.36,
            1.64, 1.07, 0.70, 0.65, 0.63, 1.01, 2.58, 1.72, 1.14, 1.47, 0.80, 0.70, 0.72, 0.98,
            0.83, 0.42, 1.08, 0.79, 2.19, 0.83, 1.52, 0.82, 0.80, 1.17)
_VOL_RUT = (0.63, 0.52, 0.83, 0.78, 0.63, 0.56, 0.63, 0.52, 0.67, 0.83, 1.27, 0.90, 1.88, 1.47,
            1.58, 1.19, 1.13, 1.02, 1.09, 1.29, 2.94, 2.28, 1.58, 2.09, 1.08, 0.93, 1.03, 1.05,
            1.16, 0.76, 1.14, 1.01, 2.72, 1.39, 1.77, 1.26, 1.31, 1.45)
# Annual averages (%) of DGS10, DGS2 and DFF, measured on the FRED files; knots at mid-year.
_DGS10 = (8.85, 8.49, 8.55, 7.86, 7.01, 5.87, 7.09, 6.57, 6.44, 6.35, 5.26, 5.65, 6.03, 5.02,
          4.61, 4.01, 4.27, 4.29, 4.80, 4.63, 3.66, 3.26, 3.22, 2.78, 1.80, 2.35, 2.54, 2.14,
          1.84, 2.33, 2.91, 2.14, 0.89, 1.45, 2.95, 3.96, 4.21, 4.29)
_DGS2 = (8.10, 8.57, 8.16, 6.49, 4.77, 4.05, 5.94, 6.15, 5.84, 5.99, 5.13, 5.43, 6.26, 3.83,
         2.64, 1.65, 2.38, 3.85, 4.82, 4.36, 2.01, 0.96, 0.70, 0.45, 0.28, 0.31, 0.46, 0.69,
         0.83, 1.40, 2.53, 1.97, 0.39, 0.27, 2.99, 4.58, 4.37, 3.81)
_DFF = (7.57, 9.21, 8.10, 5.69, 3.52, 3.02, 4.21, 5.83, 5.30, 5.46, 5.35, 4.97, 6.24, 3.88,
        1.67, 1.13, 1.35, 3.22, 4.97, 5.02, 1.92, 0.16, 0.18, 0.10, 0.14, 0.11, 0.09, 0.13,
        0.39, 1.00, 1.83, 2.16, 0.37, 0.08, 1.69, 5.03, 5.14, 4.31)
# Cholesky factor of the daily-return correlation of (SPX, RUT, NDX, DJI), written out so no
# LAPACK call (whose last bits may differ between machines) is involved.  The inputs (0.895,
# 0.87, 0.958, 0.80, 0.855, 0.775) are set a little above the pooled targets because the
# year-by-year volatilities of the indexes differ, which lowers the pooled correlation.
_CORR_CHOL = (
    (1.0, 0.0, 0.0, 0.0),
    (0.895, 0.44606614, 0.0, 0.0),
    (0.87, 0.04786286, 0.49072309, 0.0),
    (0.958, -0.00540279, -0.11860336, 0.26103650),
)
_INDEXES = ("SPX", "RUT", "NDX", "DJI")
_LEVELS = {  # real closes on 1988-01-04 and 2025-12-31
    "SPX": (255.94, 6845.50),
    "RUT": (123.50, 2481.91),
    "NDX": (161.81, 25249.85),
    "DJI": (2015.25, 48063.29),
}
# (index, divisor, first day, annual dividend yield %, volume on first day, volume at the end)
_ETFS = {
    "SPY": ("SPX", 10.0, "1993-01-29", 1.9, 1.0e6, 7.0e7),
    "QQQ": ("NDX", 40.0, "1999-03-10", 0.7, 5.0e6, 5.0e7),
    "IWM": ("RUT", 10.0, "2000-05-26", 1.3, 1.0e5, 3.0e7),
}
_INDEX_VOLUME = {"SPX": (1.6e8, 4.5e9), "RUT": (1.5e8, 4.0e9), "NDX": (5.0e7, 6.0e9),
                 "DJI": (2.0e7, 5.5e8)}
_SEED_BASE = 20250101


def _rng(name: str) -> np.random.Generator:
    """A generator seeded from a stable hash of ``name`` (identical on every machine)."""
    return np.random.Generator(np.random.PCG64([_SEED_BASE, zlib.crc32(name.encode("utf-8"))]))


# --- calendar -----------------------------------------------------------------------------
def _easter(year: int) -> pd.Timestamp:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return pd.Timestamp(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> pd.Timestamp:
    """The n-th (1-based; -1 = last) given weekday (Mon=0) of a month."""
    if n > 0:
        first = pd.Timestamp(year, month, 1)
        return first + pd.Timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)
    return last - pd.Timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: pd.Timestamp, saturday_to_friday: bool = True) -> pd.Timestamp | None:
    if day.weekday() == 5:
        return day - pd.Timedelta(days=1) if saturday_to_friday else None
    if day.weekday() == 6:
        return day + pd.Timedelta(days=1)
    return day


def holidays(year: int, market: str = "equity") -> list[pd.Timestamp]:
    """Holidays of the sample's calendar in ``year``.

    Parameters
    ----------
    year : int
    market : str
        ``"equity"`` (NYSE-like: no trading) or ``"bond"`` (Treasury yields missing).
    """
    days = [
        _observed(pd.Timestamp(year, 1, 1), saturday_to_friday=False),
        _nth_weekday(year, 2, 0, 3),  # Presidents' Day
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(pd.Timestamp(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(pd.Timestamp(year, 12, 25)),
    ]
    if year >= 1998 or market == "bond":
        days.append(_nth_weekday(year, 1, 0, 3))  # Martin Luther King Day
    if market == "equity":
        days.append(_easter(year) - pd.Timedelta(days=2))  # Good Friday
    else:
        days.append(_nth_weekday(year, 10, 0, 2))  # Columbus Day
        days.append(_observed(pd.Timestamp(year, 11, 11)))  # Veterans Day
    return sorted(d for d in days if d is not None)


def trading_days(start=START, end=END, market: str = "equity") -> pd.DatetimeIndex:
    """Weekdays from ``start`` to ``end`` without the sample's ``market`` holidays."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    days = pd.bdate_range(start, end)
    off = [d for y in range(start.year, end.year + 1) for d in holidays(y, market)]
    return days[~days.isin(pd.DatetimeIndex(off))].rename("date")


# --- helpers ------------------------------------------------------------------------------
def _day_number(index: pd.DatetimeIndex) -> np.ndarray:
    return ((index - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(np.float64)


def _annual_knots(index: pd.DatetimeIndex, values) -> np.ndarray:
    """Values given per calendar year (at July 1), linear in between, flat at the ends."""
    knots = pd.DatetimeIndex([pd.Timestamp(y, 7, 1) for y in _YEARS])
    return np.interp(_day_number(index), _day_number(knots), np.asarray(values, np.float64))


def _per_year(index: pd.DatetimeIndex, values) -> np.ndarray:
    pos = np.clip(index.year.to_numpy() - _YEARS[0], 0, len(_YEARS) - 1)
    return np.asarray(values, np.float64)[pos]


def yield_slope(index) -> pd.Series:
    """The planted slope (pp of RUT-minus-SPX return per bp of DGS10 change) on given dates."""
    index = pd.DatetimeIndex(index)
    kd = pd.DatetimeIndex([d for d, _ in YIELD_SLOPE_KNOTS])
    kv = np.array([v for _, v in YIELD_SLOPE_KNOTS], np.float64)
    return pd.Series(np.interp(_day_number(index), _day_number(kd), kv), index=index,
                     name="slope_pp_per_bp")


def planted_decade_slopes() -> pd.Series:
    """Average planted yield slope (pp per bp) over 1988-1997, 1998-2007, 2008-2017, 2018-2025."""
    days = trading_days()
    s = yield_slope(days)
    out = {}
    for a, b in ((1988, 1997), (1998, 2007), (2008, 2017), (2018, 2025)):
        out[f"{a}-{b}"] = float(s[(days.year >= a) & (days.year <= b)].mean())
    return pd.Series(out, name="slope_pp_per_bp")


def _locate(days: pd.DatetimeIndex, date: str) -> int:
    i = int(days.searchsorted(pd.Timestamp(date)))
    if i >= len(days) or days[i] != pd.Timestamp(date):
        raise AssertionError(f"planted date {date} is not a trading day of the sample")
    return i


def neckline(pattern: str = "inverse_head_and_shoulders") -> float:
    """Price level of a planted pattern's flat neckline (or a trading range's resistance)."""
    points = PATTERNS[pattern]
    close = generate("RUT")["close"]
    base = close.loc[pd.Timestamp(points[0][0])]
    level = next(v for _, role, v in points if role in ("neckline", "resistance"))
    return float(np.round(base * np.exp(level), 2))


# --- generation ---------------------------------------------------------------------------
def _ou(rng: np.random.Generator, n: int, phi: float, shocks: np.ndarray) -> np.ndarray:
    x = np.empty(n)
    acc = 0.0
    for t in range(n):
        acc = phi * acc + shocks[t]
        x[t] = acc
    return x


def _yields(rng: np.random.Generator, days: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    n = len(days)
    e1 = rng.standard_normal(n)
    e2 = rng.standard_normal(n)
    e3 = rng.standard_normal(n)
    a10 = _annual_knots(days, _DGS10)
    a2 = _annual_knots(days, _DGS2)
    aff = _annual_knots(days, _DFF)
    x10 = _ou(rng, n, 0.9942, 0.06 * e1)
    x2 = _ou(rng, n, 0.9942, 0.06 * (0.8 * e1 + 0.6 * e2))
    dgs10 = np.maximum(a10 + np.clip(a10 / 3.0, 0.3, 1.0) * x10, 0.05)
    dgs2 = np.maximum(a2 + np.clip(a2 / 3.0, 0.15, 1.0) * x2, 0.02)
    # Fed funds: a 25 bp-step target reset every 30 weekdays, plus a small daily wobble.
    target = np.empty(n)
    xf = _ou(rng, n, 0.995, 0.03 * e3)
    for t in range(n):
        if t % 30 == 0:
            level = np.round(4.0 * (aff[t] + xf[t])) / 4.0
            level = max(level, 0.0)
        target[t] = level
    wobble = 0.01 * np.round(rng.standard_normal(n))
    dff = np.where(target > 0.0, target - 0.02 + wobble, 0.09 + np.abs(wobble))
    return {"DGS10": dgs10, "DGS2": dgs2, "DFF": dff}


def _seasonal_windows(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m, d = days.month.to_numpy(), days.day.to_numpy()
    nov = m == 11
    dip = (m == 12) & (d <= 20)
    reb = ((m == 12) & (d >= 21)) | ((m == 1) & (d <= 15))
    return nov, dip, reb


def _spread(mask: np.ndarray, key: np.ndarray, total: float) -> np.ndarray:
    """``total`` pp spread evenly over each group (``key``) of days selected by ``mask``."""
    out = np.zeros(mask.size)
    for k in np.unique(key[mask]):
        sel = mask & (key == k)
        out[sel] = total / sel.sum()
    return out


def _group_sums(values: np.ndarray, mask: np.ndarray, group: np.ndarray) -> np.ndarray:
    return np.array([values[mask & (group == g)].sum() for g in np.unique(group[mask])])


_MARGIN = 0.004  # interior closes stay this far (log) inside a pattern segment's end levels


def _fold(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Reflect ``x`` back into ``[lo, hi]`` (noise keeps its texture, bounds are never crossed)."""
    w = hi - lo
    y = np.mod(x - lo, 2.0 * w)
    return lo + np.where(y > w, 2.0 * w - y, y)


def _pattern_path(days, points, base) -> tuple[int, int, np.ndarray, list]:
    """Log levels (relative to the first point) through the pattern's points plus tapered
    Brownian-bridge noise, folded so that every point is the extreme close between its two
    neighbouring points.  Returns (first index, last index, levels, [(index, +1 peak / -1
    trough / 0, previous point index, next point index)])."""
    idx = [_locate(days, d) for d, _, _ in points]
    lv = [v for _, _, v in points]
    path = np.zeros(idx[-1] - idx[0] + 1)
    for k in range(len(idx) - 1):
        i0, i1, v0, v1 = idx[k], idx[k + 1], lv[k], lv[k + 1]
        n = i1 - i0
        j = np.arange(n + 1, dtype=np.float64)
        steps = 0.7 * base[i0 + 1:i1 + 1] / 100.0
        walk = np.concatenate(([0.0], np.cumsum(steps)))
        bridge = walk - j / n * walk[-1]
        taper = np.minimum(1.0, np.minimum(j, n - j) / 5.0)
        seg = v0 + (v1 - v0) * j / n + taper * bridge
        lo, hi = min(v0, v1) + _MARGIN, max(v0, v1) - _MARGIN
        seg[1:-1] = _fold(seg[1:-1], lo, hi)
        path[i0 - idx[0]:i1 - idx[0] + 1] = seg
    turns = []
    for k in range(1, len(idx) - 1):
        sign = 1 if lv[k] > max(lv[k - 1], lv[k + 1]) else -1 if lv[k] < min(lv[k - 1], lv[k + 1]) \
            else 0
        turns.append((idx[k], sign, idx[k - 1], idx[k + 1]))
    return idx[0], idx[-1], path, turns


def _sharpen_turns(frame: pd.DataFrame, turns: list) -> pd.DataFrame:
    """Make each planted peak (trough) also the highest high (lowest low) between its
    neighbouring points, so swing detectors on highs/lows see the same turning points."""
    o, h, lo_, c = (frame[k].to_numpy().copy() for k in ("open", "high", "low", "close"))
    for i, sign, a, b in turns:
        region = np.arange(a + 1, b)
        region = region[region != i]
        if sign > 0:
            cap = h[i] - 0.01
            o[region] = np.minimum(o[region], cap)
            h[region] = np.minimum(h[region], cap)
        elif sign < 0:
            floor = lo_[i] + 0.01
            o[region] = np.maximum(o[region], floor)
            lo_[region] = np.maximum(lo_[region], floor)
    h = np.maximum(h, np.maximum(o, c))
    lo_ = np.minimum(lo_, np.minimum(o, c))
    out = frame.copy()
    out["open"], out["high"], out["low"] = np.round(o, 2), np.round(h, 2), np.round(lo_, 2)
    return out


def _ohlc(rng, close, sigma, volume_range, index):
    n = close.size
    gap = 0.25 * sigma * rng.standard_normal(n) / 100.0
    up = 0.35 * sigma * np.abs(rng.standard_normal(n)) / 100.0
    dn = 0.35 * sigma * np.abs(rng.standard_normal(n)) / 100.0
    prev = np.concatenate(([close[0]], close[:-1]))
    open_ = prev * np.exp(gap)
    high = np.maximum(open_, close) * np.exp(up)
    low = np.minimum(open_, close) * np.exp(-dn)
    ret = np.abs(np.diff(np.log(close), prepend=np.log(close[0])))
    t = np.linspace(0.0, 1.0, n)
    base = volume_range[0] * (volume_range[1] / volume_range[0]) ** t
    vol = base * np.exp(0.25 * rng.standard_normal(n)) * (1.0 + 25.0 * ret)
    frame = pd.DataFrame({
        "open": np.round(open_, 2), "high": np.round(high, 2), "low": np.round(low, 2),
        "close": np.round(close, 2), "volume": np.round(vol / 100.0) * 100.0,
    }, index=index)
    return frame


@lru_cache(maxsize=1)
def _market() -> dict:
    """Jointly generated indexes and yields (cached; callers copy)."""
    rng = _rng("smallcaps-sample-market")
    days = trading_days()
    wdays = pd.bdate_range(START, END).rename("date")
    n = len(days)

    ylds = _yields(rng, wdays)
    bond_off = wdays.isin(pd.DatetimeIndex(
        [d for y in range(START.year, END.year + 1) for d in holidays(y, "bond")]))
    # DGS10 changes seen on equity days (bp), from the unrounded path
    d10_eq = pd.Series(ylds["DGS10"], index=wdays).reindex(days).to_numpy()
    dy_bp = np.diff(d10_eq, prepend=d10_eq[0]) * 100.0

    # index returns: yearly vol x stochastic vol x correlated normals (log %, per day)
    eps = rng.standard_normal((n, 4))
    h = _ou(rng, n, 0.95, 0.08 * rng.standard_normal(n))
    sv = np.exp(h - 0.0656)  # E[sv^2] ~ 1 (stationary std of h ~0.256)
    ndx_ratio = np.where(days.year < 1998, 1.45, np.where(days.year < 2003, 1.9,
                                                           np.where(days.year < 2008, 1.35, 1.15)))
    sigma = {"SPX": _per_year(days, _VOL_SPX), "RUT": _per_year(days, _VOL_RUT)}
    sigma["NDX"] = sigma["SPX"] * ndx_ratio
    sigma["DJI"] = sigma["SPX"] * 0.97
    rets = {}
    for i, key in enumerate(_INDEXES):
        z = np.zeros(n)
        for j in range(i + 1):
            z = z + _CORR_CHOL[i][j] * eps[:, j]
        rets[key] = sigma[key] * sv * z  # log %, daily
    for r in rets.values():
        r[0] = 0.0

    # calibrate drifts so the levels start and end where the real indexes did: the market
    # drift of the SPX is common to all indexes, the RUT gets the baseline on free days only
    def target(key):
        first, last = _LEVELS[key]
        return (np.log(last) - np.log(first)) * 100.0

    market = (target("SPX") - rets["SPX"].sum()) / (n - 1)
    for key in _INDEXES:
        rets[key][1:] += market

    # swing patterns: their windows take no other planted effect
    in_pattern = np.zeros(n, bool)
    patterns = []
    for points in PATTERNS.values():
        i0, i1, path, tp = _pattern_path(days, points, rets["RUT"])
        patterns.append((i0, i1, path, tp))
        in_pattern[i0 + 1:i1 + 1] = True

    # planted relative effects on the RUT (pp, added to its log % return)
    nov, dip, reb = (w & ~in_pattern for w in _seasonal_windows(days))
    year = days.year.to_numpy()
    season_year = np.where(days.month.to_numpy() == 1, year - 1, year)
    event_id = np.full(n, -1)
    burst = np.zeros(n, bool)
    for k, (date, _) in enumerate(DIVERGENCE_EVENTS):
        i = _locate(days, date)
        event_id[i:i + EVENT_DAYS + POST_EVENT_DAYS] = k
        burst[i:i + EVENT_DAYS] = True
    families = (  # (days, group of each day)
        (nov, year), (dip, year), (reb, season_year),
        (burst, event_id), ((event_id >= 0) & ~burst, event_id),
    )
    # noise of the relative return (incl. the yield term) is centred within each family of
    # planted windows, so the average over years/events equals the planted size exactly
    plant = yield_slope(days).to_numpy() * dy_bp
    noise = rets["RUT"] - rets["SPX"] + plant
    for mask, group in families:
        plant -= _spread(mask, group, float(np.mean(_group_sums(noise, mask, group))))
    # extra year-to-year dispersion of the December windows (zero mean over the years)
    for mask, group in families[1:3]:
        shock = np.zeros(n)
        for g in np.unique(group[mask]):
            sel = mask & (group == g)
            shock[sel] = 1.5 * rng.standard_normal() / sel.sum()
        plant += shock - _spread(mask, group, float(np.mean(_group_sums(shock, mask, group))))
    plant += _spread(nov, year, NOVEMBER_PP)
    plant += _spread(dip, year, DECEMBER_DIP_PP)
    plant += _spread(reb, season_year, DECEMBER_REBOUND_PP)
    for date, size in DIVERGENCE_EVENTS:
        i = _locate(days, date)
        plant[i:i + EVENT_DAYS] += size / EVENT_DAYS
        plant[i + EVENT_DAYS:i + EVENT_DAYS + POST_EVENT_DAYS] += POST_EVENT_DRIFT_PP
    in_window = nov | dip | reb | (event_id >= 0)
    rut = rets["RUT"] + plant
    turns = []
    for i0, i1, path, tp in patterns:
        rut[i0 + 1:i1 + 1] = np.diff(path) * 100.0
        turns += tp
    free = ~in_window & ~in_pattern
    free[0] = False

    # calibrate the RUT's baseline relative drift and the NDX/DJI drifts
    baseline = (target("RUT") - rut.sum()) / free.sum()
    rut[free] += baseline
    rets["RUT"] = rut
    for key in ("NDX", "DJI"):
        rets[key][1:] += (target(key) - rets[key].sum()) / (n - 1)
    close = {key: _LEVELS[key][0] * np.exp(np.cumsum(rets[key]) / 100.0) for key in _INDEXES}
    return {"days": days, "wdays": wdays, "bond_off": bond_off, "yields": ylds,
            "close": close, "sigma": sigma, "baseline": float(baseline), "free": free,
            "turns": turns}


def _index_frame(key: str) -> pd.DataFrame:
    m = _market()
    frame = _ohlc(_rng(key), m["close"][key], m["sigma"][key], _INDEX_VOLUME[key], m["days"])
    return _sharpen_turns(frame, m["turns"]) if key == "RUT" else frame


def _etf_frame(key: str) -> pd.DataFrame:
    index_key, divisor, first, div_yield, v0, v1 = _ETFS[key]
    m = _market()
    idx = _index_frame(index_key)
    days = m["days"]
    keep = days >= pd.Timestamp(first)
    rng = _rng(key)
    n = int(keep.sum())
    track = _ou(rng, n, 0.9, 0.0005 * rng.standard_normal(n))  # tracking error, fraction
    factor = np.exp(track) / divisor
    sub = idx.loc[keep]
    close = sub["close"].to_numpy() * factor
    open_ = sub["open"].to_numpy() * factor
    high = np.maximum(sub["high"].to_numpy() * factor, np.maximum(open_, close))
    low = np.minimum(sub["low"].to_numpy() * factor, np.minimum(open_, close))
    # quarterly ex-dividend days: the last trading day on or before the third Friday of
    # March, June, September and December
    d = days[keep]
    third_fri = pd.DatetimeIndex([
        _nth_weekday(y, mo, 4, 3) for y in range(d[0].year, d[-1].year + 1) for mo in (3, 6, 9, 12)
    ])
    ex = np.unique(np.clip(d.searchsorted(third_fri, side="right") - 1, 0, n - 1))
    ex = ex[ex > 0]
    later = ex.size - np.searchsorted(ex, np.arange(n), side="right")  # ex-dates after each day
    adj = np.round(close, 2) * (1.0 - div_yield / 400.0) ** later
    t = np.linspace(0.0, 1.0, n)
    ret = np.abs(np.diff(np.log(close), prepend=np.log(close[0])))
    vol = v0 * (v1 / v0) ** t * np.exp(0.3 * rng.standard_normal(n)) * (1.0 + 25.0 * ret)
    return pd.DataFrame({
        "open": np.round(open_, 2), "high": np.round(high, 2), "low": np.round(low, 2),
        "close": np.round(close, 2), "adj_close": np.round(adj, 4),
        "volume": np.round(vol / 100.0) * 100.0,
    }, index=d)


def _yield_frame(key: str) -> pd.DataFrame:
    m = _market()
    values = np.round(m["yields"][key], 2)
    if key != "DFF":
        values = np.where(m["bond_off"], np.nan, values)
    return pd.DataFrame({"close": values}, index=m["wdays"])


def _generic_frame(key: str, kind: str) -> pd.DataFrame:
    """A plain series for a user-added catalog key (a random walk; no planted effects)."""
    rng = _rng(key)
    if kind == "yield":
        days = pd.bdate_range(START, END).rename("date")
        x = _ou(rng, len(days), 0.998, 0.05 * rng.standard_normal(len(days)))
        return pd.DataFrame({"close": np.round(np.maximum(3.0 + x, 0.01), 2)}, index=days)
    days = trading_days()
    r = 1.2 * rng.standard_normal(len(days)) / 100.0
    r[0] = 0.0
    close = 100.0 * np.exp(np.cumsum(r + 0.0003))
    return _ohlc(rng, close, np.full(len(days), 1.2), (1.0e6, 1.0e7), days)


@lru_cache(maxsize=64)
def _generate(key: str) -> pd.DataFrame:
    series = get_series(key)
    if key in _INDEXES:
        frame = _index_frame(key)
    elif key in _ETFS:
        frame = _etf_frame(key)
    elif key in ("DGS10", "DGS2", "DFF"):
        frame = _yield_frame(key)
    else:
        frame = _generic_frame(key, series.kind)
    frame.index.name = "date"
    return frame


def generate(key: str) -> pd.DataFrame:
    """The synthetic daily frame for catalog ``key`` (a fresh copy each call).

    Returns
    -------
    DataFrame
        Indexed by ``date``.  Prices: ``open, high, low, close, volume`` (index points or USD;
        ETFs also ``adj_close``, dividend-adjusted).  Yields: ``close`` in percent, NaN on bond
        holidays for ``DGS10``/``DGS2``.
    """
    return _generate(key).copy()


def relative_baseline() -> float:
    """The RUT-minus-SPX drift (pp per trading day, log) outside every planted window."""
    return _market()["baseline"]


def planted_windows() -> pd.DataFrame:
    """Per trading day: the planted RUT-minus-SPX effect inputs (``free`` = no planted window)."""
    m = _market()
    return pd.DataFrame({"free": m["free"]}, index=m["days"])
