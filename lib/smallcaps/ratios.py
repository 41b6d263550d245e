"""Ratio charts and relative strength (notebook 02).

A *ratio* ``A/B`` is the close of series ``A`` divided by the close of series ``B`` on the dates
where both have a close (no filling).  It rises when ``A`` outperforms ``B``.  Every statistic is
read from the ratio's closes up to the as-of date; nothing after it is used.

Definitions (all documented numbers use these):

* **Moving averages** are simple averages of the last ``w`` ratio closes (trading days of the
  ratio).  An average is **rising** when today's value is above its value
  :data:`SLOPE_LAG` (= 20) trading days earlier, **falling** when below (``flat`` only on an exact
  tie).  ``ma_slope_pct`` is that 20-day change in percent.
* **Changes** are calendar based, from :func:`smallcaps.returns.window_return`: 1 month = from
  the last close on or before (end - 1 calendar month) to the last close on or before ``end``;
  3 months likewise; year to date from the last close of the previous calendar year; *since* from
  the last close on or before ``rebase_date``.  Percent.
* **Percentile (1 year)**: where today's close ranks among the last :data:`YEAR_DAYS` (= 252)
  closes including today: 0 = the lowest of them, 100 = the highest (ties count half).
* **Breakout / breakdown**: a close strictly above the highest (below the lowest) of the previous
  ``breakout_days`` closes (default 252 trading days, one year).  ``days since`` counts the
  ratio's trading days after that close up to the end of its data.
* **Trend**: least-squares line through the log of the ratio over the last 3 (12) calendar
  months; slope converted to percent per month (a month = 365.25 / 12 days), with its R².  The
  trend is ``up`` / ``down`` when ``|slope| >= FLAT_SLOPE_PCT`` (0.5 %/month) **and**
  ``R² >= MIN_R2`` (0.25), otherwise ``flat``.  (Daily ratio residuals are strongly
  autocorrelated, so OLS t-statistics would overstate significance; the size and fit thresholds
  are the honest test.)
* **Trend start**: the first close on the current side of the 200-day average after the ratio
  last crossed it (the close that crossed).
* **Stale**: a pair (or a ranked series) whose data ends before the report's as-of date.  Its
  figures are computed as of its own last date, and it is flagged, never silently mixed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps import data
from smallcaps.errors import DataError, ParameterError, SmallcapsError
from smallcaps.returns import rebase, window_return

DEFAULT_PAIRS = ("RUT/SPX", "RUT/NDX", "DJI/NDX", "NDX/SPX", "IWM/QQQ")
RANKING_KEYS = ("RUT", "SPX", "NDX", "DJI", "IWM", "SPY", "QQQ")
SLOPE_LAG = 20
YEAR_DAYS = 252
FLAT_SLOPE_PCT = 0.5
MIN_R2 = 0.25
TREND_MA = 200
DEFAULT_YEARS = 5
DAYS_PER_MONTH = 365.25 / 12


# ----------------------------------------------------------------------------------------------
# Inputs: pairs and dates
# ----------------------------------------------------------------------------------------------

def parse_pair(pair: str) -> tuple[str, str]:
    """Split ``"A/B"`` into two catalog keys of price series.

    Raises
    ------
    SmallcapsError
        Malformed string, the same key twice, an unknown key, or a yield series.
    """
    if not isinstance(pair, str) or pair.count("/") != 1:
        raise SmallcapsError(
            f"pair {pair!r} is not of the form 'A/B' (two catalog keys separated by one '/'), "
            "e.g. 'RUT/SPX'"
        )
    num, den = (p.strip() for p in pair.split("/"))
    if not num or not den:
        raise SmallcapsError(f"pair {pair!r} lacks a key on one side of '/'; e.g. 'RUT/SPX'")
    if num == den:
        raise SmallcapsError(f"pair {pair!r} divides {num} by itself; name two different keys")
    cat = data.catalog()
    prices = [k for k, s in cat.items() if s.kind == "price"]
    for key in (num, den):
        if key not in cat:
            raise SmallcapsError(
                f"pair {pair!r}: unknown series {key!r}; known price series: {', '.join(prices)}"
            )
        if cat[key].kind != "price":
            raise SmallcapsError(
                f"pair {pair!r}: {key} is a {cat[key].kind} series; ratios need price series: "
                f"{', '.join(prices)}"
            )
    return num, den


def parse_pairs(pairs: str | Iterable[str]) -> list[str]:
    """Validate pairs and return them normalised as ``"A/B"`` (order kept, duplicates dropped).

    ``pairs`` is a list of ``"A/B"`` strings or one comma-separated string.
    """
    if isinstance(pairs, str):
        pairs = [p for p in pairs.split(",") if p.strip()]
    out = []
    for p in pairs:
        num, den = parse_pair(p)
        name = f"{num}/{den}"
        if name not in out:
            out.append(name)
    if not out:
        raise SmallcapsError("pairs is empty; name at least one pair such as 'RUT/SPX'")
    return out


def pair_keys(pairs: str | Iterable[str]) -> list[str]:
    """The catalog keys used by ``pairs``, in order of first appearance."""
    keys: list[str] = []
    for p in parse_pairs(pairs):
        for k in p.split("/"):
            if k not in keys:
                keys.append(k)
    return keys


def _date(value, what: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ParameterError(f"{what} {value!r} is not a date; expected YYYY-MM-DD or ''") from None
    if pd.isna(ts):
        raise ParameterError(f"{what} {value!r} is not a date; expected YYYY-MM-DD or ''")
    return ts.tz_localize(None).normalize() if ts.tzinfo is not None else ts.normalize()


@dataclass(frozen=True)
class Window:
    """Dates of a ratio report.

    Attributes
    ----------
    asof : Timestamp
        Effective as-of date: the last trading date on or before the requested as-of in the loaded
        data (default: the last date on which both series of the first pair have a close).
    start : Timestamp
        First date shown on charts (default: ``asof`` minus five calendar years).  Statistics may
        use earlier history (a 200-day average needs it).
    rebase_date : Timestamp
        Date at which rebased lines equal 100 and from which *since* changes run (default:
        ``start``).
    """

    asof: pd.Timestamp
    start: pd.Timestamp
    rebase_date: pd.Timestamp
    rebase_given: bool = False


def resolve_window(prices: pd.DataFrame, pairs, asof="", start="", rebase_date="") -> Window:
    """Turn the notebook's date parameters (``""`` = default) into a :class:`Window`.

    Raises
    ------
    ParameterError
        A date that does not parse, ``start`` after ``asof``, ``rebase_date`` outside
        ``[first data, asof]``.
    """
    names = parse_pairs(pairs)
    frame = prices.dropna(how="all")
    if frame.empty:
        raise DataError("no prices loaded; load the pairs' series with smallcaps.data.load")
    want = _date(asof, "asof")
    if want is None:
        num, den = names[0].split("/")
        _require(frame, [num, den])
        both = frame[[num, den]].dropna()
        if both.empty:
            raise DataError(f"pair {names[0]}: {num} and {den} have no dates in common")
        eff = both.index[-1]
    else:
        upto = frame.loc[:want]
        if upto.empty:
            raise ParameterError(
                f"asof {want:%Y-%m-%d} is before the first loaded date {frame.index[0]:%Y-%m-%d}"
            )
        eff = upto.index[-1]
    s = _date(start, "start")
    if s is None:
        s = eff - pd.DateOffset(years=DEFAULT_YEARS)
    if s >= eff:
        raise ParameterError(
            f"start {s:%Y-%m-%d} is not before the as-of date {eff:%Y-%m-%d}; give an earlier "
            "start or '' for five years"
        )
    r = _date(rebase_date, "rebase_date")
    given = r is not None
    if r is None:
        r = s
    if r > eff:
        raise ParameterError(
            f"rebase_date {r:%Y-%m-%d} is after the as-of date {eff:%Y-%m-%d}; valid: a date up to "
            "the as-of date, or '' for the window start"
        )
    return Window(asof=eff, start=s, rebase_date=r, rebase_given=given)


def load_asof(pairs, asof: str = "", source: str = "auto", data_dir=None) -> str:
    """The as-of date to load up to: ``asof`` itself, or (``""``) the last date on which both
    series of the first pair have a close, as ``"YYYY-MM-DD"``.

    Loading with ``end`` set to this date keeps later rows (and their provenance) out of the
    report entirely.
    """
    if _date(asof, "asof") is not None:
        return f"{_date(asof, 'asof'):%Y-%m-%d}"
    first = parse_pairs(pairs)[0].split("/")
    return f"{data.latest_date(first, source=source, data_dir=data_dir):%Y-%m-%d}"


def _require(prices: pd.DataFrame, keys: Sequence[str]) -> None:
    missing = [k for k in keys if k not in prices.columns]
    if missing:
        raise DataError(
            f"series {', '.join(missing)} not in the loaded prices (columns: "
            f"{', '.join(map(str, prices.columns))}); load them with smallcaps.data.load"
        )


# ----------------------------------------------------------------------------------------------
# Building blocks
# ----------------------------------------------------------------------------------------------

def ratio(numerator: pd.Series, denominator: pd.Series, name: str | None = None) -> pd.Series:
    """``numerator / denominator`` on the dates where both have a value.

    Raises
    ------
    DataError
        When the two series share no date.
    """
    both = pd.concat([numerator, denominator], axis=1, join="inner").dropna()
    label = name or f"{numerator.name}/{denominator.name}"
    if both.empty:
        def span(s):
            s = s.dropna()
            return f"{s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d}" if len(s) else "no data"
        raise DataError(
            f"pair {label}: no dates where both have a close ({numerator.name}: "
            f"{span(numerator)}; {denominator.name}: {span(denominator)})"
        )
    out = both.iloc[:, 0] / both.iloc[:, 1]
    out.name = label
    return out


def moving_average(series: pd.Series, window: int) -> pd.Series:
    """Simple moving average of the last ``window`` values (NaN until ``window`` exist)."""
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

    A close is a new high when it is strictly above every one of the previous ``days`` closes,
    a new low when strictly below all of them.  The first ``days`` closes cannot qualify.
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
        ``"up"``, ``"down"`` or ``"flat"`` (see module docstring for the thresholds).
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
    """``"up"`` / ``"down"`` when ``|slope_pct| >= FLAT_SLOPE_PCT`` and ``r2 >= MIN_R2``."""
    if not (np.isfinite(slope_pct) and np.isfinite(r2)):
        return "flat"
    if r2 >= MIN_R2 and slope_pct >= FLAT_SLOPE_PCT:
        return "up"
    if r2 >= MIN_R2 and slope_pct <= -FLAT_SLOPE_PCT:
        return "down"
    return "flat"


def fit_trend(series: pd.Series, months: int, end=None) -> Trend | None:
    """Fit ``log(series) = a + b * t`` over the closes after ``end - months`` up to ``end``.

    ``t`` is in months of 365.25 / 12 days.  Returns None with fewer than 10 closes.
    """
    s = series.dropna()
    end = s.index[-1] if end is None else pd.Timestamp(end)
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
        crossed since the average began), and ``"above"`` / ``"below"`` (None without an average).
        A close exactly on the average keeps the previous side.
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


# ----------------------------------------------------------------------------------------------
# One pair
# ----------------------------------------------------------------------------------------------

@dataclass
class PairAnalysis:
    """Relative strength of one pair ``numerator / denominator`` as of a date.

    Attributes
    ----------
    pair : str
        ``"A/B"``.
    ratio : Series
        The ratio on every common date up to ``data_end`` (full history).
    legs : DataFrame
        The two price series on the ratio's dates (for overlays).
    asof : Timestamp
        The report's as-of date.
    data_end : Timestamp
        Last date of the ratio (``< asof`` means stale); every figure is as of this date.
    start, rebase_date : Timestamp
        Chart window start and rebase date.
    mas : dict[int, Series]
        Moving averages by window (trading days).
    changes : dict[str, float]
        ``"1m"``, ``"3m"``, ``"ytd"``, ``"since"`` in percent.
    percentile_1y : float
        0..100, see module docstring.
    breakout_days : int
    events : Series
        Every new ``breakout_days``-day high (+1) / low (-1).
    trends : dict[str, Trend or None]
        ``"3m"`` and ``"12m"``.
    trend_start_date : Timestamp or None
        First close after the last crossing of the 200-day average.
    trend_side : str or None
        ``"above"`` / ``"below"`` the 200-day average now.
    provenance : dict
        Provenance of the two legs.
    """

    pair: str
    ratio: pd.Series
    legs: pd.DataFrame
    asof: pd.Timestamp
    data_end: pd.Timestamp
    start: pd.Timestamp
    rebase_date: pd.Timestamp
    mas: dict
    changes: dict
    percentile_1y: float
    breakout_days: int
    events: pd.Series
    trends: dict
    trend_start_date: pd.Timestamp | None
    trend_side: str | None
    provenance: dict = field(default_factory=dict)

    # --- derived numbers ----------------------------------------------------------------------
    @property
    def numerator(self) -> str:
        return self.pair.split("/")[0]

    @property
    def denominator(self) -> str:
        return self.pair.split("/")[1]

    @property
    def stale(self) -> bool:
        """True when the pair's data ends before the report's as-of date."""
        return bool(self.data_end < self.asof)

    @property
    def last(self) -> float:
        """The ratio's last close."""
        return float(self.ratio.iloc[-1])

    def ma_last(self, window: int) -> float:
        """Last value of the ``window``-day average (NaN when not enough history)."""
        return float(self.mas[window].iloc[-1]) if window in self.mas else float("nan")

    def distance_to_ma(self, window: int) -> float:
        """Ratio minus its ``window``-day average, in percent of the average."""
        m = self.ma_last(window)
        return (self.last / m - 1.0) * 100.0 if np.isfinite(m) else float("nan")

    def above_ma(self, window: int) -> bool | None:
        """Whether the last close is above the ``window``-day average (None without one)."""
        m = self.ma_last(window)
        return bool(self.last > m) if np.isfinite(m) else None

    def ma_slope(self, window: int) -> tuple[str | None, float]:
        """``("rising"/"falling", % change over 20 trading days)`` of an average."""
        return slope_direction(self.mas[window]) if window in self.mas else (None, float("nan"))

    @property
    def last_breakout(self) -> tuple[pd.Timestamp | None, str | None, int | None]:
        """(date, ``"high"``/``"low"``, trading days since) of the most recent breakout."""
        if self.events.empty:
            return None, None, None
        date = self.events.index[-1]
        kind = "high" if self.events.iloc[-1] > 0 else "low"
        since = int((self.ratio.index > date).sum())
        return date, kind, since

    # --- outputs ------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Daily series: ``ratio``, ``ma_<w>`` per average, ``breakout`` (+1 new high, -1 new
        low, 0 otherwise), over the ratio's full history up to ``data_end``."""
        out = pd.DataFrame({"ratio": self.ratio})
        for w in sorted(self.mas):
            out[f"ma_{w}"] = self.mas[w]
        out["breakout"] = self.events.reindex(out.index, fill_value=0).astype(int)
        return out

    def to_record(self) -> dict:
        """The recorded figure for this pair (fields named in the issue, plus staleness)."""
        date, kind, since = self.last_breakout
        t3, t12 = self.trends.get("3m"), self.trends.get("12m")
        return {
            "last": self.last,
            "data_end": self.data_end,
            "stale": self.stale,
            "change_1m_pct": self.changes["1m"],
            "change_3m_pct": self.changes["3m"],
            "change_ytd_pct": self.changes["ytd"],
            "change_since_pct": self.changes["since"],
            "rebase_date": self.rebase_date,
            "above_ma50": self.above_ma(50),
            "above_ma200": self.above_ma(200),
            "ma50_slope": self.ma_slope(50)[0],
            "ma200_slope": self.ma_slope(200)[0],
            "percentile_1y": self.percentile_1y,
            "trend_3m": t3.direction if t3 else None,
            "trend_3m_slope_pct_per_month": t3.slope_pct if t3 else None,
            "trend_3m_r2": t3.r2 if t3 else None,
            "trend_12m": t12.direction if t12 else None,
            "trend_12m_slope_pct_per_month": t12.slope_pct if t12 else None,
            "trend_12m_r2": t12.r2 if t12 else None,
            "last_breakout_date": date,
            "last_breakout_kind": kind,
            "breakout_days": self.breakout_days,
            "days_since_breakout": since,
            "trend_start_date": self.trend_start_date,
            "trend_side": self.trend_side,
        }

    def summary(self) -> pd.Series:
        """One labelled, rounded row of figures (for a table of pairs)."""
        date, kind, since = self.last_breakout
        t3, t12 = self.trends.get("3m"), self.trends.get("12m")
        row = {
            "data ends": f"{self.data_end:%Y-%m-%d}" + (" (STALE)" if self.stale else ""),
            "last": round(self.last, 4),
            "1m %": _r(self.changes["1m"]),
            "3m %": _r(self.changes["3m"]),
            "YTD %": _r(self.changes["ytd"]),
            f"since {self.rebase_date:%Y-%m-%d} %": _r(self.changes["since"]),
        }
        for w in sorted(self.mas):
            row[f"vs {w}d MA %"] = _r(self.distance_to_ma(w))
            row[f"{w}d MA"] = self.ma_slope(w)[0]
        row["1y percentile"] = _r(self.percentile_1y, 0)
        row["3m trend %/mo (R²)"] = _trend_cell(t3)
        row["12m trend %/mo (R²)"] = _trend_cell(t12)
        row[f"last {self.breakout_days}d high/low"] = (
            f"{kind} {date:%Y-%m-%d} ({since}d ago)" if date is not None else "none")
        row["200d side since"] = (
            f"{self.trend_side} since {self.trend_start_date:%Y-%m-%d}"
            if self.trend_start_date is not None else (self.trend_side or "n/a"))
        return pd.Series(row, name=self.pair)

    def reading(self) -> str:
        """Markdown prose generated from the figures (true for either sign of every number)."""
        return describe_pair(self)


def _r(x, nd: int = 1):
    return round(float(x), nd) if x is not None and np.isfinite(x) else np.nan


def _trend_cell(t: Trend | None) -> str:
    if t is None:
        return "n/a"
    return f"{t.direction} {t.slope_pct:+.2f} ({t.r2:.2f})"


def _name(key: str) -> str:
    try:
        return data.get_series(key).name
    except SmallcapsError:
        return key


def analyze_pair(prices: pd.DataFrame, pair: str, asof=None, start=None, rebase_date=None,
                 mas: Sequence[int] = (50, 200), breakout_days: int = YEAR_DAYS,
                 *, rebase_strict: bool = True) -> PairAnalysis:
    """Compute every relative-strength figure of one pair as of ``asof``.

    Parameters
    ----------
    prices : DataFrame
        Closes, one column per catalog key (from :func:`smallcaps.data.load`); rows after
        ``asof`` are ignored.
    pair : str
        ``"A/B"``.
    asof, start, rebase_date : date-like, optional
        As-of date (default: the ratio's last date), chart window start (default: five years
        before), rebase date (default: ``start``, or the pair's first date if later).
    mas : sequence of int
        Moving-average windows in trading days; 50 and 200 are always computed as well.
    breakout_days : int
        Look-back of the breakout test in trading days (default 252).
    rebase_strict : bool
        When True (default) a ``rebase_date`` before the pair's first date is an error; when
        False it moves to that first date (used for the default rebase date).

    Returns
    -------
    PairAnalysis
    """
    num, den = parse_pair(pair)
    _require(prices, [num, den])
    windows = _check_mas(mas)
    asof_ts = _date(asof, "asof")
    frame = prices if asof_ts is None else prices.loc[:asof_ts]
    r = ratio(frame[num], frame[den], name=f"{num}/{den}")
    end = r.index[-1]
    asof_ts = end if asof_ts is None else asof_ts
    start_ts = _date(start, "start")
    if start_ts is None:
        start_ts = asof_ts - pd.DateOffset(years=DEFAULT_YEARS)
    reb = _date(rebase_date, "rebase_date")
    if reb is None or (reb < r.index[0] and not rebase_strict):
        reb = max(start_ts, r.index[0])
    if reb < r.index[0]:
        raise ParameterError(
            f"rebase_date {reb:%Y-%m-%d} is before pair {num}/{den} begins "
            f"({r.index[0]:%Y-%m-%d}); choose a later date"
        )
    ma = {w: moving_average(r, w) for w in windows}
    year_end = pd.Timestamp(year=end.year - 1, month=12, day=31)
    changes = {
        "1m": window_return(r, end - pd.DateOffset(months=1), end),
        "3m": window_return(r, end - pd.DateOffset(months=3), end),
        "ytd": window_return(r, year_end, end) if r.index[0] <= year_end else float("nan"),
        "since": window_return(r, reb, end) if reb <= end else float("nan"),
    }
    for k in ("1m", "3m"):
        months = int(k[:-1])
        if r.index[0] > end - pd.DateOffset(months=months):
            changes[k] = float("nan")
    trend_ma = ma.get(TREND_MA)
    cross, side = last_cross(r, trend_ma)
    prov = {k: v for k, v in prices.attrs.get("provenance", {}).items() if k in (num, den)}
    legs = frame[[num, den]].loc[r.index]
    return PairAnalysis(
        pair=f"{num}/{den}", ratio=r, legs=legs, asof=asof_ts, data_end=end, start=start_ts,
        rebase_date=reb, mas=ma, changes=changes, percentile_1y=percentile_rank(r, YEAR_DAYS),
        breakout_days=int(breakout_days), events=breakouts(r, breakout_days),
        trends={"3m": fit_trend(r, 3), "12m": fit_trend(r, 12)},
        trend_start_date=cross, trend_side=side, provenance=prov,
    )


def _check_mas(mas) -> list[int]:
    if isinstance(mas, (int, np.integer)):
        mas = [mas]
    try:
        ws = [int(w) for w in mas]
    except (TypeError, ValueError):
        raise ParameterError(f"mas must be a list of whole numbers of days, got {mas!r}") from None
    if any(w < 2 or w != float(v) for w, v in zip(ws, mas, strict=True)):
        raise ParameterError(f"mas must be whole numbers of trading days >= 2, got {mas!r}")
    return sorted(set(ws) | {50, TREND_MA})


# ----------------------------------------------------------------------------------------------
# Prose
# ----------------------------------------------------------------------------------------------

def _fmt_pct(x: float, nd: int = 1) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:+.{nd}f}%"


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _ordinal(x: float) -> str:
    n = int(round(x))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_pair(a: PairAnalysis) -> str:
    """Markdown reading of one :class:`PairAnalysis`, generated from its numbers."""
    parts = []
    head = f"**{a.pair}** ({_name(a.numerator)} / {_name(a.denominator)})"
    if a.stale:
        gap = (a.asof - a.data_end).days
        parts.append(
            f"{head}: **data ends {a.data_end:%Y-%m-%d}**, {gap} calendar days before the as-of "
            f"date {a.asof:%Y-%m-%d}; every figure here is as of {a.data_end:%Y-%m-%d}."
        )
        head = "The ratio"
    parts.append(f"{head} closed at {a.last:.4g} on {a.data_end:%Y-%m-%d}.")
    ma_bits = []
    for w in (TREND_MA, 50):
        dist = a.distance_to_ma(w)
        if not np.isfinite(dist):
            ma_bits.append(f"there is not yet enough history for a {w}-day average")
            continue
        where = "above" if dist > 0 else "below" if dist < 0 else "exactly at"
        slope, pct = a.ma_slope(w)
        slope_txt = (f", which is {slope} ({_fmt_pct(pct, 2)} over {SLOPE_LAG} trading days)"
                     if slope else "")
        ma_bits.append(f"{abs(dist):.1f}% {where} its {w}-day average{slope_txt}"
                       if where != "exactly at" else f"exactly at its {w}-day average{slope_txt}")
    parts.append("It is " + "; and ".join(ma_bits) + ".")
    c = a.changes
    parts.append(
        f"Change of the ratio: {_fmt_pct(c['1m'])} over 1 month, {_fmt_pct(c['3m'])} over "
        f"3 months, {_fmt_pct(c['ytd'])} year to date and {_fmt_pct(c['since'])} since "
        f"{a.rebase_date:%Y-%m-%d} (positive = {a.numerator} outperformed {a.denominator})."
    )
    if np.isfinite(a.percentile_1y):
        parts.append(f"It sits at the {_ordinal(a.percentile_1y)} percentile of its past-year "
                     "range (0 = lowest close of the last 252 trading days, 100 = highest).")
    date, kind, since = a.last_breakout
    if date is None:
        parts.append(f"It has made no {a.breakout_days}-day high or low in its history.")
    else:
        what = "breakout to a new" if kind == "high" else "breakdown to a new"
        parts.append(f"Its most recent {what} {a.breakout_days}-day {kind} was on "
                     f"{date:%Y-%m-%d}, {since} trading days before its last close.")
    tbits = []
    for key, label in (("12m", "12-month"), ("3m", "3-month")):
        t = a.trends.get(key)
        if t is None:
            tbits.append(f"the {label} trend cannot be fitted (too few closes)")
        else:
            tbits.append(f"the {label} trend is {t.direction} "
                         f"({t.slope_pct:+.2f}%/month, R² {t.r2:.2f})")
    parts.append(tbits[0][0].upper() + tbits[0][1:] + "; " + tbits[1] + ".")
    t3, t12 = a.trends.get("3m"), a.trends.get("12m")
    if t3 and t12 and {t3.direction, t12.direction} == {"up", "down"}:
        turned = "up" if t3.direction == "up" else "down"
        confirm = a.trend_side == ("above" if turned == "up" else "below")
        where = "above" if turned == "up" else "below"
        parts.append(
            f"The 3-month trend has turned {turned} against the 12-month trend: a possible "
            f"reversal, "
            + (f"and the ratio is already {where} its 200-day average." if confirm else
               f"not yet confirmed: the ratio is not {where} its 200-day average.")
        )
    if a.trend_side is not None:
        if a.trend_start_date is not None:
            parts.append(f"The current relative trend began on {a.trend_start_date:%Y-%m-%d}, "
                         f"when the ratio crossed {a.trend_side} its 200-day average.")
        else:
            first = a.mas[TREND_MA].first_valid_index()
            parts.append(f"The ratio has stayed {a.trend_side} its 200-day average since that "
                         f"average begins ({first:%Y-%m-%d}).")
    return " ".join(parts)


def is_fund(key: str) -> bool:
    """True for a fund (ETF) in the catalog: a price series quoted in USD."""
    try:
        s = data.get_series(key)
    except SmallcapsError:
        return False
    return s.kind == "price" and s.units == "USD"


def describe_overlay(a: PairAnalysis) -> str:
    """Markdown reading of a two-line overlay of a pair's legs since its rebase date."""
    legs = a.legs.loc[a.rebase_date:]
    base = a.legs.loc[:a.rebase_date].iloc[-1]
    ch = (legs.iloc[-1] / base - 1.0) * 100.0
    num, den = a.numerator, a.denominator
    gap = ch[num] - ch[den]
    verb = "outperformed" if gap > 0 else "underperformed" if gap < 0 else "matched"
    txt = (f"From {a.rebase_date:%Y-%m-%d} to {a.data_end:%Y-%m-%d}, {num} moved "
           f"{_fmt_pct(ch[num])} and {den} {_fmt_pct(ch[den])} (closes, not dividend-adjusted): "
           f"{num} {verb} {den} by {abs(gap):.1f} percentage points, a ratio change of "
           f"{_fmt_pct(a.changes['since'])}.")
    if a.stale:
        txt += (f" **The data for this pair ends {a.data_end:%Y-%m-%d}**, before the as-of date "
                f"{a.asof:%Y-%m-%d}.")
    return txt


# ----------------------------------------------------------------------------------------------
# Several pairs
# ----------------------------------------------------------------------------------------------

@dataclass
class RatioStudy:
    """All pairs of a report, with its window.

    Attributes
    ----------
    window : Window
    pairs : dict[str, PairAnalysis]
    """

    window: Window
    pairs: dict

    @property
    def asof(self) -> pd.Timestamp:
        return self.window.asof

    @property
    def stale(self) -> dict:
        """Pair -> last date, for pairs whose data ends before the as-of date."""
        return {p: a.data_end for p, a in self.pairs.items() if a.stale}

    def to_record(self) -> dict:
        """The ``ratios`` figure: pair -> :meth:`PairAnalysis.to_record`."""
        return {p: a.to_record() for p, a in self.pairs.items()}

    def summary(self) -> pd.DataFrame:
        """One row per pair (rounded; percent columns in %)."""
        return pd.DataFrame([a.summary() for a in self.pairs.values()])

    def rebased(self, at=None) -> pd.DataFrame:
        """All ratios from the window start, each rebased to 100 at ``at`` (default: each pair's
        rebase date, normally the window's)."""
        cols = {p: rebase(a.ratio.loc[self.window.start:], at=a.rebase_date if at is None else at)
                for p, a in self.pairs.items()}
        return pd.DataFrame(cols)

    def window_note(self) -> str:
        """Markdown: the dates this report uses, and any pair whose data ends early."""
        w = self.window
        txt = (f"As of **{w.asof:%Y-%m-%d}**. Charts start {w.start:%Y-%m-%d}; rebased lines "
               f"equal 100 on {w.rebase_date:%Y-%m-%d}. Statistics use each ratio's full history "
               "up to the as-of date (a 200-day average needs earlier closes).")
        moved = [f"{p} (from {a.rebase_date:%Y-%m-%d}, its first date)"
                 for p, a in self.pairs.items() if a.rebase_date != w.rebase_date]
        if moved:
            txt += " Rebased later because their data begins after the rebase date: " + \
                ", ".join(moved) + "."
        if self.stale:
            txt += " **Stale data:** " + "; ".join(
                f"{p} ends {d:%Y-%m-%d}, {(w.asof - d).days} days before the as-of date, so its "
                f"figures are as of {d:%Y-%m-%d}" for p, d in self.stale.items()) + "."
        return txt

    def fund_pairs(self) -> list[str]:
        """Pairs whose two legs are both funds (ETFs: catalog units USD), drawn as two lines."""
        return [p for p in self.pairs if all(is_fund(k) for k in p.split("/"))]

    def describe_rebased(self) -> str:
        """Markdown: the ratios ranked by their change since their rebase date."""
        ch = {p: a.changes["since"] for p, a in self.pairs.items()}
        order = sorted((p for p in ch if np.isfinite(ch[p])), key=lambda p: -ch[p])
        if not order:
            return "No ratio has a value at the rebase date."
        items = [f"{p} {_fmt_pct(ch[p])}" + (f" (to {self.pairs[p].data_end:%Y-%m-%d})"
                                              if self.pairs[p].stale else "") for p in order]
        rising = [p for p in order if ch[p] > 0]
        return (f"Change of each ratio since {self.window.rebase_date:%Y-%m-%d}, strongest first: "
                + ", ".join(items) + f". {len(rising)} of {len(order)} ratios {_be(len(rising))} "
                "above 100 (their numerator outperformed).")

    def reading(self) -> str:
        """Markdown headline: how many ratios sit above a rising / below a falling 200-day
        average (each pair's own paragraph is :meth:`PairAnalysis.reading`, shown with its
        chart)."""
        current = {p: a for p, a in self.pairs.items() if not a.stale}
        up = [p for p, a in current.items()
              if a.above_ma(TREND_MA) and a.ma_slope(TREND_MA)[0] == "rising"]
        down = [p for p, a in current.items()
                if a.above_ma(TREND_MA) is False and a.ma_slope(TREND_MA)[0] == "falling"]
        lines = [
            f"As of {self.asof:%Y-%m-%d}, {len(up)} of {len(current)} current ratios "
            f"{_be(len(up))} above a rising 200-day average ({', '.join(up) or 'none'}) and "
            f"{len(down)} {_be(len(down))} below a falling one ({', '.join(down) or 'none'})."
        ]
        mixed = [p for p in current if p not in up and p not in down]
        if mixed:
            lines[0] += (f" Mixed (the ratio and the slope of its 200-day average disagree, or "
                         f"there is no average yet): {', '.join(mixed)}.")
        if self.stale:
            lines[0] += " Not counted, because their data ends early: " + ", ".join(
                f"{p} (ends {d:%Y-%m-%d})" for p, d in self.stale.items()) + "."
        return "\n".join(lines)


def analyze_pairs(prices: pd.DataFrame, pairs=DEFAULT_PAIRS, asof="", start="", rebase_date="",
                  mas: Sequence[int] = (50, 200), breakout_days: int = YEAR_DAYS) -> RatioStudy:
    """Analyse several pairs with the notebook's parameters (``""`` = default date).

    Parameters
    ----------
    prices : DataFrame
        Closes of every key in ``pairs`` (from :func:`smallcaps.data.load`).
    pairs : list of str or str
        ``"A/B"`` strings (or one comma-separated string).
    asof, start, rebase_date : str
        See :func:`resolve_window`.
    mas : sequence of int
        Moving-average windows, trading days.
    breakout_days : int
        Breakout look-back, trading days.

    Returns
    -------
    RatioStudy
    """
    names = parse_pairs(pairs)
    _require(prices, pair_keys(names))
    win = resolve_window(prices, names, asof, start, rebase_date)
    frame = prices.loc[:win.asof]
    out = {}
    for p in names:
        out[p] = analyze_pair(frame, p, asof=win.asof, start=win.start,
                              rebase_date=win.rebase_date, mas=mas, breakout_days=breakout_days,
                              rebase_strict=win.rebase_given)
    return RatioStudy(window=win, pairs=out)


# ----------------------------------------------------------------------------------------------
# Ranking of indexes and ETFs
# ----------------------------------------------------------------------------------------------

@dataclass
class Ranking:
    """Price returns of several series over 1 month, 3 months and year to date.

    Attributes
    ----------
    asof : Timestamp
    table : DataFrame
        Index = key; columns ``name``, ``last date``, ``last close``, ``1m %``, ``3m %``,
        ``YTD %``, ``rank (1m)`` (1 = best; NaN for stale series), ``status``.
    """

    asof: pd.Timestamp
    table: pd.DataFrame

    @property
    def leaders(self) -> list[str]:
        """Current (not stale) keys by 1-month return, best first."""
        t = self.table[self.table["rank (1m)"].notna()]
        return list(t.sort_values("rank (1m)").index)

    @property
    def stale(self) -> dict:
        """Key -> last date for series that end before the as-of date (not ranked)."""
        t = self.table[self.table["rank (1m)"].isna()]
        return {k: pd.Timestamp(v) for k, v in t["last date"].items()}

    def summary(self) -> pd.DataFrame:
        """The table, rounded for display."""
        return self.table.round({"last close": 2, "1m %": 2, "3m %": 2, "YTD %": 2})

    def reading(self) -> str:
        """Markdown reading: leader, laggard, small vs large, stale series."""
        t = self.table
        lead = self.leaders
        if not lead:
            return f"No series has data up to {self.asof:%Y-%m-%d}; nothing is ranked."
        best, worst = lead[0], lead[-1]
        txt = [f"Over the month to {self.asof:%Y-%m-%d}, **{best}** led "
               f"({t.loc[best, '1m %']:+.2f}%) and **{worst}** lagged "
               f"({t.loc[worst, '1m %']:+.2f}%)."]
        if "RUT" in lead and "SPX" in lead:
            spans = (("1m %", "Over 1 month"), ("3m %", "Over 3 months"),
                     ("YTD %", "Year to date"))
            for col, label in spans:
                gap = t.loc["RUT", col] - t.loc["SPX", col]
                if np.isfinite(gap):
                    verb = "beat" if gap > 0 else "trailed" if gap < 0 else "matched"
                    txt.append(f"{label} the Russell 2000 {verb} the S&P 500 by "
                               f"{abs(gap):.2f} percentage points.")
        if self.stale:
            by_date: dict = {}
            for k, d in self.stale.items():
                by_date.setdefault(d, []).append(k)
            txt.append("Not ranked because their data ends before the as-of date: " + "; ".join(
                f"{', '.join(ks)} (data ends {d:%Y-%m-%d}; returns shown as of that date)"
                for d, ks in by_date.items()) + ".")
        txt.append("Returns are price returns on closes; ETF returns use the close, not the "
                   "dividend-adjusted close, so they compare with the price indexes.")
        return " ".join(txt)


def rank_returns(prices: pd.DataFrame, keys: Sequence[str] = RANKING_KEYS, asof=None) -> Ranking:
    """Rank series by price return over 1 month, 3 months and year to date.

    Returns are calendar based (see module docstring), in percent, from closes.  A series whose
    last close is before ``asof`` is *stale*: its returns are computed as of its own last date,
    shown, and left unranked.

    Parameters
    ----------
    prices : DataFrame
        Closes, one column per key.
    keys : sequence of str
        Catalog keys to rank (default: RUT, SPX, NDX, DJI, IWM, SPY, QQQ).
    asof : date-like, optional
        As-of date (default: the last date in ``prices``).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ParameterError("ranking keys are empty; name series such as 'RUT', 'SPX'")
    _require(prices, keys)
    asof_ts = _date(asof, "asof")
    frame = prices if asof_ts is None else prices.loc[:asof_ts]
    frame = frame.dropna(how="all")
    if frame.empty:
        raise DataError("no prices up to the as-of date")
    asof_ts = frame.index[-1]
    rows = {}
    for k in keys:
        s = frame[k].dropna()
        if s.empty:
            rows[k] = {"name": _name(k), "last date": pd.NaT, "last close": np.nan,
                       "1m %": np.nan, "3m %": np.nan, "YTD %": np.nan,
                       "status": "no data up to the as-of date"}
            continue
        end = s.index[-1]
        ye = pd.Timestamp(year=end.year - 1, month=12, day=31)
        rows[k] = {
            "name": _name(k), "last date": end, "last close": float(s.iloc[-1]),
            "1m %": window_return(s, end - pd.DateOffset(months=1), end),
            "3m %": window_return(s, end - pd.DateOffset(months=3), end),
            "YTD %": window_return(s, ye, end),
            "status": "current" if end >= asof_ts else f"STALE: data ends {end:%Y-%m-%d}",
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    current = t["status"] == "current"
    t["rank (1m)"] = t["1m %"].where(current).rank(ascending=False, method="min").astype("Int64")
    t = t[["name", "last date", "last close", "1m %", "3m %", "YTD %", "rank (1m)", "status"]]
    order = t.sort_values(["rank (1m)", "1m %"], ascending=[True, False], na_position="last")
    return Ranking(asof=asof_ts, table=order)
