"""Relative strength of pairs: one pair (:class:`PairAnalysis`), its two legs as rebased lines
(:class:`PairOverlay`) and every pair of a report (:class:`RatioStudy`).

The prose about these results is written by :mod:`smallcaps.narrative.ratios`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps import data
from smallcaps.errors import ParameterError, SmallcapsError
from smallcaps.ratios.inputs import (
    DEFAULT_PAIRS,
    INDEX_LEVEL,
    TOTAL_RETURN,
    Window,
    _parse_pair,
    _require,
    _resolve_window,
    frame_field,
    is_fund,
    pair_keys,
    parse_pairs,
    series_basis,
)
from smallcaps.ratios.measures import (
    SLOPE_LAG,
    TREND_MA,
    YEAR_DAYS,
    breakouts,
    fit_trend,
    last_cross,
    moving_average,
    percentile_rank,
    ratio,
    slope_direction,
)
from smallcaps.results import Result
from smallcaps.returns import rebase, window_return

__all__ = ["PairAnalysis", "PairOverlay", "RatioStudy", "analyze_pair", "analyze_pairs"]


def _name(key: str) -> str:
    try:
        return data.get_series(key).name
    except SmallcapsError:
        return key


def _r(x, nd: int = 1):
    return round(float(x), nd) if x is not None and np.isfinite(x) else np.nan


def _or_none(x: float) -> float | None:
    """A finite number as a float, NaN as None (a figure without enough history)."""
    return float(x) if np.isfinite(x) else None


def _trend_cell(t) -> str:
    if t is None:
        return "n/a"
    return f"{t.direction} {t.slope_pct:+.2f} ({t.r2:.2f})"


# ----------------------------------------------------------------------------------------------
# One pair
# ----------------------------------------------------------------------------------------------

@dataclass
class PairAnalysis(Result):
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
        Chart window start and rebase date (trading days).
    mas : dict[int, Series]
        Moving averages by window (trading days).
    changes : dict[str, float]
        ``"1m"``, ``"3m"``, ``"ytd"``, ``"since"`` in percent.
    percentile_1y : float
        0..100, see :mod:`smallcaps.ratios`.
    breakout_days : int
        Breakout look-back, trading days.
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
    names : dict
        Catalog key -> series name of the two legs.
    etf_field : str
        The field the prices were loaded with: ``"adj_close"`` (ETFs as total returns) or
        ``"close"`` (price only).
    basis : dict
        Catalog key -> what its values measure (``"total return, dividend-adjusted"``,
        ``"index level, price only"`` or ``"price only, not dividend-adjusted"``).
    """

    narrative: ClassVar[str] = "ratios"
    #: the average that defines the current relative trend, trading days
    trend_ma: ClassVar[int] = TREND_MA
    #: trading days over which an average's slope is measured
    slope_lag: ClassVar[int] = SLOPE_LAG

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
    names: dict = field(default_factory=dict)
    etf_field: str = "close"
    basis: dict = field(default_factory=dict)

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
    def is_fund_pair(self) -> bool:
        """True when both legs are funds (ETFs: catalog price series quoted in USD)."""
        return is_fund(self.numerator) and is_fund(self.denominator)

    @property
    def mixed_basis(self) -> bool:
        """True when one leg is a total return and the other is not: the ratio then drifts by
        the dividends of the total-return leg."""
        legs = [self.basis.get(k) == TOTAL_RETURN for k in (self.numerator, self.denominator)]
        return legs[0] != legs[1]

    @property
    def basis_label(self) -> str:
        """Short basis of the ratio: ``"total return"`` (both legs dividend-adjusted),
        ``"index level"`` (two indexes), ``"price only"`` or ``"mixed"``."""
        legs = {self.basis.get(k, INDEX_LEVEL) for k in (self.numerator, self.denominator)}
        if self.mixed_basis:
            return "mixed"
        if legs == {TOTAL_RETURN}:
            return "total return"
        return "index level" if legs == {INDEX_LEVEL} else "price only"

    @property
    def ratio_of(self) -> str:
        """What the ratio divides, for axis labels: ``"ratio of closes"``, ``"ratio of
        dividend-adjusted closes"`` or, mixed, ``"IWM dividend-adjusted close / SPX close"``."""
        adj = {k: self.basis.get(k) == TOTAL_RETURN for k in (self.numerator, self.denominator)}
        if not self.mixed_basis:
            adjusted = adj[self.numerator]
            return "ratio of dividend-adjusted closes" if adjusted else "ratio of closes"
        return " / ".join(f"{k} {'dividend-adjusted close' if a else 'close'}"
                          for k, a in adj.items())

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

    def overlay(self) -> PairOverlay:
        """The pair's two legs as lines rebased to 100 at its rebase date, over its window."""
        base = self.legs.loc[:self.rebase_date].iloc[-1]
        change = (self.legs.iloc[-1] / base - 1.0) * 100.0
        return PairOverlay(
            pair=self.pair, lines=rebase(self.legs, at=self.rebase_date).loc[self.start:],
            changes={k: float(v) for k, v in change.items()},
            ratio_change_pct=float(self.changes["since"]), rebase_date=self.rebase_date,
            start=self.start, asof=self.asof, data_end=self.data_end,
            provenance=dict(self.provenance), basis=dict(self.basis),
        )

    # --- the protocol -------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Daily series: ``ratio``, ``ma_<w>`` per average, ``breakout`` (+1 new high, -1 new
        low, 0 otherwise), over the ratio's full history up to ``data_end``."""
        out = pd.DataFrame({"ratio": self.ratio})
        for w in sorted(self.mas):
            out[f"ma_{w}"] = self.mas[w]
        out["breakout"] = self.events.reindex(out.index, fill_value=0).astype(int)
        return out

    def figures(self) -> dict:
        """The pair's key figures (percent changes in %, slopes in %/month, dates, verdicts)
        and ``basis`` (leg -> what its values measure).

        Per moving average ``w`` (50, 200 and any other of ``mas``), ``ma<w>`` is its last
        value (a ratio) and ``distance_ma<w>_pct`` the ratio's distance from it in % of the
        average (:meth:`distance_to_ma`, the number the summary table and the prose state);
        None without enough history."""
        date, kind, since = self.last_breakout
        t3, t12 = self.trends.get("3m"), self.trends.get("12m")
        averages = {}
        for w in sorted(self.mas):
            averages[f"ma{w}"] = _or_none(self.ma_last(w))
            averages[f"distance_ma{w}_pct"] = _or_none(self.distance_to_ma(w))
        return {
            "last": self.last,
            "data_end": self.data_end,
            "stale": self.stale,
            "change_1m_pct": self.changes["1m"],
            "change_3m_pct": self.changes["3m"],
            "change_ytd_pct": self.changes["ytd"],
            "change_since_pct": self.changes["since"],
            "rebase_date": self.rebase_date,
            **averages,
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
            "basis": dict(self.basis),
        }

    def _row(self, since: pd.Timestamp | None = None) -> dict:
        date, kind, since_days = self.last_breakout
        t3, t12 = self.trends.get("3m"), self.trends.get("12m")
        label = self.rebase_date if since is None else since
        row = {
            "basis": self.basis_label,
            "data ends": f"{self.data_end:%Y-%m-%d}" + (" (STALE)" if self.stale else ""),
            "last": round(self.last, 4),
            "1m %": _r(self.changes["1m"]),
            "3m %": _r(self.changes["3m"]),
            "YTD %": _r(self.changes["ytd"]),
            f"since {label:%Y-%m-%d} %": _r(self.changes["since"]),
        }
        for w in sorted(self.mas):
            row[f"vs {w}d MA %"] = _r(self.distance_to_ma(w))
            row[f"{w}d MA"] = self.ma_slope(w)[0]
        row["1y percentile"] = _r(self.percentile_1y, 0)
        row["3m trend %/mo (R²)"] = _trend_cell(t3)
        row["12m trend %/mo (R²)"] = _trend_cell(t12)
        row[f"last {self.breakout_days}d high/low"] = (
            f"{kind} {date:%Y-%m-%d} ({since_days}d ago)" if date is not None else "none")
        row["200d side since"] = (
            f"{self.trend_side} since {self.trend_start_date:%Y-%m-%d}"
            if self.trend_start_date is not None else (self.trend_side or "n/a"))
        return row

    def summary(self) -> pd.DataFrame:
        """One labelled, rounded row of figures (percent in %, trend slopes in %/month)."""
        return pd.DataFrame([self._row()], index=pd.Index([self.pair], name="pair"))


@dataclass
class PairOverlay(Result):
    """The two legs of a pair as price lines rebased to 100 at its rebase date.

    Attributes
    ----------
    pair : str
    lines : DataFrame
        One column per leg (the loaded field: dividend-adjusted closes for ETFs on
        ``adj_close``), 100 at ``rebase_date``, from the window start to ``data_end``.
    changes : dict[str, float]
        Key -> price change of the leg since ``rebase_date``, %.
    ratio_change_pct : float
        Change of the ratio since ``rebase_date``, %.
    rebase_date, start, asof, data_end : Timestamp
    provenance : dict
    basis : dict
        Leg -> what its values measure (see :class:`PairAnalysis`).
    """

    narrative: ClassVar[str] = "ratios"

    pair: str
    lines: pd.DataFrame
    changes: dict
    ratio_change_pct: float
    rebase_date: pd.Timestamp
    start: pd.Timestamp
    asof: pd.Timestamp
    data_end: pd.Timestamp
    provenance: dict = field(default_factory=dict)
    basis: dict = field(default_factory=dict)

    @property
    def numerator(self) -> str:
        return self.pair.split("/")[0]

    @property
    def denominator(self) -> str:
        return self.pair.split("/")[1]

    @property
    def stale(self) -> bool:
        return bool(self.data_end < self.asof)

    @property
    def value_label(self) -> str:
        """What the lines show, for the axis: ``"total return (dividend-adjusted close)"``,
        ``"close"`` or, mixed, each leg's."""
        adj = {k: self.basis.get(k) == TOTAL_RETURN for k in self.lines.columns}
        if all(adj.values()):
            return "total return (dividend-adjusted close)"
        if not any(adj.values()):
            return "close"
        return ", ".join(f"{k} {'dividend-adjusted close' if a else 'close'}"
                         for k, a in adj.items())

    @property
    def gap_pp(self) -> float:
        """Numerator's change minus the denominator's since the rebase date, pp."""
        return self.changes[self.numerator] - self.changes[self.denominator]

    def to_frame(self) -> pd.DataFrame:
        """The rebased lines (index = date, one column per leg)."""
        return self.lines

    def figures(self) -> dict:
        """Changes since the rebase date (%), their gap (pp) and the ratio's change (%)."""
        return {
            "rebase_date": self.rebase_date,
            "data_end": self.data_end,
            "numerator_change_pct": self.changes[self.numerator],
            "denominator_change_pct": self.changes[self.denominator],
            "gap_pp": self.gap_pp,
            "ratio_change_pct": self.ratio_change_pct,
        }

    def summary(self) -> pd.DataFrame:
        """Change of each leg since the rebase date, %."""
        col = f"change since {self.rebase_date:%Y-%m-%d} %"
        return pd.DataFrame({col: [round(self.changes[k], 2) for k in self.lines.columns]},
                            index=pd.Index(list(self.lines.columns), name="series"))


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


def _analyze(prices: pd.DataFrame, pair: str, win: Window, windows: Sequence[int],
             breakout_days: int) -> PairAnalysis:
    """Every figure of ``pair`` as of ``win.asof`` (nothing after it is used)."""
    num, den = pair.split("/")
    # computed without the frame's attrs (pandas deep-copies them into every intermediate
    # result); the ratio and the legs kept carry them, as when they were computed with them
    frame = prices.loc[:win.asof]
    bare = frame.copy(deep=False)
    bare.attrs = {}
    r = ratio(bare[num], bare[den], name=pair)
    end = r.index[-1]
    reb = win.rebase_date
    if reb < r.index[0]:
        if win.rebase_given:
            raise ParameterError(
                f"rebase_date {reb:%Y-%m-%d} is before pair {pair} begins "
                f"({r.index[0]:%Y-%m-%d}); choose a later date"
            )
        reb = max(win.start, r.index[0])
    ma = {w: moving_average(r, w) for w in windows}
    year_end = pd.Timestamp(year=end.year - 1, month=12, day=31)
    changes = {
        "1m": window_return(r, end - pd.DateOffset(months=1), end),
        "3m": window_return(r, end - pd.DateOffset(months=3), end),
        "ytd": window_return(r, year_end, end) if r.index[0] <= year_end else float("nan"),
        "since": window_return(r, reb, end) if reb <= end else float("nan"),
    }
    for k in ("1m", "3m"):
        if r.index[0] > end - pd.DateOffset(months=int(k[:-1])):
            changes[k] = float("nan")
    cross, side = last_cross(r, ma.get(TREND_MA))
    prov = {k: v for k, v in prices.attrs.get("provenance", {}).items() if k in (num, den)}
    got = frame_field(prices)
    kept = r.copy(deep=False)
    kept.attrs = copy.deepcopy(frame.attrs)
    return PairAnalysis(
        pair=pair, ratio=kept, legs=frame[[num, den]].loc[r.index], asof=win.asof, data_end=end,
        start=win.start, rebase_date=reb, mas=ma, changes=changes,
        percentile_1y=percentile_rank(r, YEAR_DAYS), breakout_days=int(breakout_days),
        events=breakouts(r, breakout_days),
        trends={"3m": fit_trend(r, 3), "12m": fit_trend(r, 12)},
        trend_start_date=cross, trend_side=side, provenance=prov,
        names={num: _name(num), den: _name(den)}, etf_field=got,
        basis={num: series_basis(num, got), den: series_basis(den, got)},
    )


def analyze_pair(prices: pd.DataFrame, pair: str, start="", rebase_date="",
                 mas: Sequence[int] = (50, 200), breakout_days: int = YEAR_DAYS) -> PairAnalysis:
    """Compute every relative-strength figure of one pair as of the frame's as-of date.

    Parameters
    ----------
    prices : DataFrame
        Closes, one column per catalog key, from :func:`smallcaps.data.load` (its as-of date is
        the report's; a frame built by hand is as of its last date), loaded with
        ``field="adj_close"`` (ETFs as total returns, the notebook's default) or
        ``field="close"`` (price only).
    pair : str
        ``"A/B"``.
    start, rebase_date : date-like or ``""``
        Chart window start (default: five calendar years before the as-of date) and rebase date
        (default: ``start``, or the pair's first date if later); see :class:`Window`.
    mas : sequence of int
        Moving-average windows in trading days; 50 and 200 are always computed as well.
    breakout_days : int
        Look-back of the breakout test in trading days (default 252).

    Returns
    -------
    PairAnalysis
    """
    num, den = _parse_pair(pair)
    _require(prices, [num, den])
    windows = _check_mas(mas)
    win = _resolve_window(prices, [num, den], start, rebase_date)
    return _analyze(prices, f"{num}/{den}", win, windows, breakout_days)


# ----------------------------------------------------------------------------------------------
# Several pairs
# ----------------------------------------------------------------------------------------------

@dataclass
class RatioStudy(Result):
    """All pairs of a report, with its dates.

    Attributes
    ----------
    window : Window
    pairs : dict[str, PairAnalysis]
    etf_field : str
        The field the prices were loaded with (``"adj_close"`` or ``"close"``).
    """

    narrative: ClassVar[str] = "ratios"

    window: Window
    pairs: dict
    etf_field: str = "close"

    @property
    def bases(self) -> dict:
        """Catalog key -> what its values measure, for every leg of every pair."""
        out: dict = {}
        for a in self.pairs.values():
            out.update(a.basis)
        return out

    @property
    def mixed_pairs(self) -> list[str]:
        """Pairs with one total-return leg and one price-only leg."""
        return [p for p, a in self.pairs.items() if a.mixed_basis]

    @property
    def asof(self) -> pd.Timestamp:
        return self.window.asof

    @property
    def stale(self) -> dict:
        """Pair -> last date, for pairs whose data ends before the as-of date."""
        return {p: a.data_end for p, a in self.pairs.items() if a.stale}

    @property
    def fund_pairs(self) -> list[str]:
        """Pairs whose two legs are both funds (ETFs), drawn as two rebased lines."""
        return [p for p, a in self.pairs.items() if a.is_fund_pair]

    def overlays(self) -> list[PairOverlay]:
        """The :class:`PairOverlay` of every fund pair (empty when there is none)."""
        return [self.pairs[p].overlay() for p in self.fund_pairs]

    def rebased(self, at=None) -> pd.DataFrame:
        """All ratios from the window start, each rebased to 100 at ``at`` (default: each
        pair's rebase date, normally the window's)."""
        cols = {p: rebase(a.ratio, at=a.rebase_date if at is None else at)
                .loc[self.window.start:] for p, a in self.pairs.items()}
        return pd.DataFrame(cols)

    def summary(self) -> pd.DataFrame:
        """One row per pair (rounded; percent columns in %, trend slopes in %/month)."""
        rows = [a._row(since=self.window.rebase_date) for a in self.pairs.values()]
        return pd.DataFrame(rows, index=pd.Index(list(self.pairs), name="pair"))

    def to_frame(self) -> pd.DataFrame:
        """One row per pair with its unrounded key figures (:meth:`PairAnalysis.figures`)."""
        out = pd.DataFrame.from_dict({p: a.figures() for p, a in self.pairs.items()},
                                     orient="index")
        out.index.name = "pair"
        return out

    def figures(self) -> dict:
        """``{"ratios": pair -> PairAnalysis.figures()}``."""
        return {"ratios": {p: a.figures() for p, a in self.pairs.items()}}


def analyze_pairs(prices: pd.DataFrame, pairs: str | Sequence[str] = DEFAULT_PAIRS, start="",
                  rebase_date="", mas: Sequence[int] = (50, 200),
                  breakout_days: int = YEAR_DAYS) -> RatioStudy:
    """Analyse several pairs with the notebook's parameters (``""`` = default date).

    Parameters
    ----------
    prices : DataFrame
        Closes of every key in ``pairs``, from :func:`smallcaps.data.load`: its as-of date is
        the report's (a frame built by hand is as of its last date); its field
        (``attrs["field"]``: ``"adj_close"`` or ``"close"``) sets each series' basis.
    pairs : list of str or str
        ``"A/B"`` strings (or one comma-separated string).
    start, rebase_date : date-like or ``""``
        See :class:`Window`: a blank start is the first trading day on or after the date five
        calendar years before the as-of date.
    mas : sequence of int
        Moving-average windows, trading days.
    breakout_days : int
        Breakout look-back, trading days.

    Returns
    -------
    RatioStudy
    """
    names = parse_pairs(pairs)
    keys = pair_keys(names)
    _require(prices, keys)
    got = frame_field(prices)
    windows = _check_mas(mas)
    win = _resolve_window(prices, keys, start, rebase_date)
    return RatioStudy(window=win,
                      pairs={p: _analyze(prices, p, win, windows, breakout_days) for p in names},
                      etf_field=got)
