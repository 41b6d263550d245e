"""The per-index analysis (:func:`analyze` -> :class:`TrendResult`) and the study of several
indexes (:func:`analyze_many` -> :class:`TrendStudy`); definitions: :mod:`smallcaps.technicals`.
The prose about both is written by :mod:`smallcaps.narrative.technicals`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps import data
from smallcaps import fmt as F
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.stats import bh_qvalues
from smallcaps.technicals.history import pattern_base_rate
from smallcaps.technicals.indicators import (
    _SLOPE_DAYS,
    _check_ohlc,
    _check_windows,
    _iso,
    _positive_int,
    _record,
    ma_slope,
    macd,
    macd_state,
    moving_averages,
    provisional_last_bar,
    relative_strength,
    weekly_bars,
)
from smallcaps.technicals.levels import (
    _swing_points,
    cluster_levels,
    find_breakouts,
    market_structure,
    nearest_levels,
)
from smallcaps.technicals.patterns import (
    LIVE_STATES,
    RESOLVE_WIDTHS,
    SHOULDER_TOLERANCE_PCT,
    _find_patterns,
    _pattern_windows,
)
from smallcaps.technicals.trendlines import RETEST_TOLERANCE_PCT, _trend_lines, latest_lines

__all__ = ["TrendResult", "TrendStudy", "analyze", "analyze_many", "load_benchmark"]

_RS_RECENT_DAYS = 63
_DAYS_PER_WEEK = 5
TIMEFRAMES = ("daily", "weekly")


@dataclass
class TrendResult(Result):
    """Trend, momentum and levels of one index as of its last bar (see the package docstring).

    Prices are in ``units`` (index points for indexes), percentages in percent (1.0 = 1 %).
    ``summary()`` is the key-figure table, ``to_frame()`` the ranked support/resistance levels,
    ``figures()`` the recorded ``trend`` and ``patterns`` figures of this index and
    ``reading(section)`` the generated prose (sections: ``smallcaps.narrative.technicals``).
    The data of the lookback window (daily or weekly bars, :attr:`timeframe`) are the
    attributes ``bars``, ``mas``, ``macd`` and ``rs``; ``patterns`` holds the window's
    head-and-shoulders patterns with their states (``live_patterns`` the current ones),
    ``pattern_history`` every pattern of the whole history, ``pattern_record`` the detector's
    record and ``trendlines`` the window's trend lines (``lines`` the latest of each kind).
    """

    narrative = "technicals"

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
    all_time_high_close: float      # highest daily close (price units)
    all_time_high_close_date: pd.Timestamp
    pct_from_ath_close: float       # % of the last close from the closing record (<= 0)
    patterns: pd.DataFrame          # patterns whose left shoulder is in the window
    pattern_history: pd.DataFrame   # every pattern of the whole history
    pattern_record: dict            # the detector's record (history.pattern_base_rate)
    trendlines: pd.DataFrame        # trend lines whose first point is in the window
    rs: pd.Series | None            # relative strength vs benchmark, 100 at window start
    benchmark: str | None
    rs_change: float                # % change of the RS line over the window
    rs_change_recent: float         # % change over the last 63 trading days
    provisional: bool               # last bar flagged (data layer) or looks like a frozen snapshot
    timeframe: str = "daily"        # "daily" or "weekly" bars
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    @property
    def has_rs(self) -> bool:
        """True when there is a relative-strength line against another series (the benchmark
        against itself is flat and is not shown)."""
        return self.rs is not None and self.benchmark != self.key

    @property
    def live_patterns(self) -> pd.DataFrame:
        """The window's patterns that are current: state ``forming`` or ``confirmed``."""
        return self.patterns[self.patterns["state"].isin(LIVE_STATES)]

    @property
    def lines(self) -> dict:
        """The most recent up- and down-trend line (``{"up": row or None, "down": ...}``)."""
        return latest_lines(self.trendlines)

    def _line_entry(self, row) -> dict | None:
        if row is None:
            return None
        return {"first": {"date": _iso(row["first_date"]), "price": float(row["first_price"])},
                "second": {"date": _iso(row["second_date"]),
                           "price": float(row["second_price"])},
                "state": row["state"], "touches": int(row["touches"]),
                "break_date": _iso(row["break_date"]), "retest_date": _iso(row["retest_date"]),
                "recovered_date": _iso(row["recovered_date"]),
                "line_at_last": float(row["line_at_last"])}

    def _trend_entry(self) -> dict:
        """This index's entry of the recorded ``trend`` figure."""
        out = {"close": self.close}
        for n, v in self.pct_vs_ma.items():
            out[f"pct_vs_ma{n}"] = v
        out.update({
            "ma_slopes": {f"ma{n}": s for n, s in self.ma_slopes.items()},
            "aligned": self.aligned,
            "macd_signal": self.macd_signal,
            "macd_cross_date": _iso(self.macd_cross_date),
            "structure": self.structure,
            "support": list(self.support),
            "resistance": list(self.resistance),
            "breakout_date": _iso(self.breakout_date),
            "all_time_high": self.all_time_high,
            "all_time_high_date": _iso(self.all_time_high_date),
            "pct_from_ath": self.pct_from_ath,
            "all_time_high_close": self.all_time_high_close,
            "all_time_high_close_date": _iso(self.all_time_high_close_date),
            "pct_from_ath_close": self.pct_from_ath_close,
            "timeframe": self.timeframe,
            "live_patterns": int(len(self.live_patterns)),
            "trend_lines": {k: self._line_entry(v) for k, v in self.lines.items()},
        })
        return out

    def _pattern_records(self) -> list[dict]:
        """This index's entries of the recorded ``patterns`` figure."""
        out = []
        for p in self.patterns.itertuples():
            out.append({
                "series": self.key, "type": p.type,
                **{name: {"date": _iso(getattr(p, f"{name}_date")),
                          "price": float(getattr(p, f"{name}_price"))}
                   for name in ("left_shoulder", "head", "right_shoulder")},
                "neckline": float(p.neckline), "target": float(p.target),
                "confirmed": bool(p.confirmed),
                "neckline_flat": float(p.neckline_flat), "target_flat": float(p.target_flat),
                "state": p.state, "current": p.state in LIVE_STATES,
                "pivot_window": int(p.pivot_window),
                **{f"{k}_date": _iso(getattr(p, f"{k}_date"))
                   for k in ("formed", "confirmed", "target", "target_flat", "invalidated",
                             "expired")},
            })
        return out

    def figures(self) -> dict:
        """The recorded figures for this index alone, shaped as :meth:`TrendStudy.figures`.

        ``trend``: key -> ``close`` (price units), ``pct_vs_ma<n>`` (% above (+) / below (-) each
        MA), ``ma_slopes`` (``ma<n>`` -> ``rising`` / ``falling``), ``aligned`` (bool),
        ``macd_signal`` (``buy`` / ``sell``), ``macd_cross_date``, ``structure``, ``support`` and
        ``resistance`` (up to three level prices each, nearest first), ``breakout_date`` (or
        None), ``all_time_high``, ``all_time_high_date`` and ``pct_from_ath`` (intraday record,
        % from it, <= 0), ``all_time_high_close``, ``all_time_high_close_date`` and
        ``pct_from_ath_close`` (closing record), ``timeframe``, ``live_patterns`` (count) and
        ``trend_lines`` (``up`` / ``down``: the latest line's points, state, touches and
        break, re-test and recovery dates, or None).  ``patterns``: list of ``series``,
        ``type``, ``left_shoulder`` / ``head`` / ``right_shoulder`` (``date``, ``price``),
        ``neckline``, ``target``, ``confirmed``, ``neckline_flat``, ``target_flat``, ``state``,
        ``current`` (bool), ``pivot_window`` and the transition dates ``formed_date``,
        ``confirmed_date``, ``target_date``, ``target_flat_date``, ``invalidated_date``,
        ``expired_date``.  ``pattern_history``: key -> the detector's record over the whole
        history (:func:`smallcaps.technicals.pattern_base_rate`: counts, hit rate, median bars
        to target, random-entry baseline, excess, z, p, verdict, episodes, carried_by).
        """
        return {"trend": {self.key: self._trend_entry()}, "patterns": self._pattern_records(),
                "pattern_history": {self.key: dict(self.pattern_record)}}

    def summary(self) -> pd.DataFrame:
        """Key figures as a one-column table (``figure`` -> ``value``) for display."""
        rows = [("as of", _iso(self.asof)), ("bars", self.timeframe),
                (f"close ({self.units})", F.level(self.close))]
        for n, v in self.pct_vs_ma.items():
            rows.append((f"close vs {n}-day MA", f"{F.pct(v)} (MA {self.ma_slopes[n] or 'n/a'})"))
        rows += [
            ("MAs aligned (close > short > long, all rising)", "yes" if self.aligned else "no"),
            ("MACD signal", f"{self.macd_signal} since {_iso(self.macd_cross_date) or 'start'}"),
            ("structure (swing highs/lows)", self.structure),
            ("support, nearest first", ", ".join(F.level(x) for x in self.support) or "none"),
            ("resistance, nearest first",
             ", ".join(F.level(x) for x in self.resistance) or "none"),
            ("breakout (holding)", _iso(self.breakout_date) or "none"),
            ("all-time high (intraday)",
             f"{F.level(self.all_time_high)} on {_iso(self.all_time_high_date)}"),
            ("close vs all-time high", F.pct(self.pct_from_ath)),
            ("all-time closing high",
             f"{F.level(self.all_time_high_close)} on {_iso(self.all_time_high_close_date)}"),
            ("close vs closing high", F.pct(self.pct_from_ath_close)),
        ]
        for kind, row in self.lines.items():
            rows.append((f"{kind}-trend line (latest)", "none" if row is None else
                         f"{_iso(row['first_date'])} to {_iso(row['second_date'])}, "
                         f"{row['state']}"))
        rec = self.pattern_record
        rows += [
            ("patterns in the window (live)",
             f"{len(self.patterns)} ({len(self.live_patterns)})"),
            ("pattern record: reached target / resolved",
             f"{rec['n_target_reached']} / {rec['n_resolved']}"
             + (f" ({F.pct(rec['hit_rate_pct'], signed=False)}; random entry "
                f"{F.pct(rec['baseline_hit_rate_pct'], signed=False)})"
                if rec["n_resolved"] else "")),
        ]
        if self.has_rs:
            rows.append((f"relative strength vs {self.benchmark}, window / last 3 months",
                         f"{F.pct(self.rs_change)} / {F.pct(self.rs_change_recent)}"))
        return pd.DataFrame(rows, columns=["figure", "value"]).set_index("figure")

    def to_frame(self) -> pd.DataFrame:
        """Every ranked support/resistance level of the window, one row per level.

        Columns ``rank``, ``level``, ``low``, ``high`` (price units, rounded to 0.01),
        ``touches``, ``highs``, ``lows``, ``first`` / ``last`` (dates of the first and last touch,
        ``YYYY-MM-DD``) and ``vs close %`` (the level's distance from the last close, percent).
        """
        t = self.levels.drop(columns="members").copy()
        t["vs close %"] = (t["level"].astype(float) / self.close - 1) * 100
        for c in ("first", "last"):
            t[c] = pd.to_datetime(t[c]).dt.strftime("%Y-%m-%d")
        num = ["level", "low", "high", "vs close %"]
        t[num] = t[num].astype(float).round(2)
        return t.set_index("rank")


@dataclass
class TrendStudy(Result):
    """:class:`TrendResult` of several indexes read the same way.

    ``summary()`` is the dashboard (one row per index), ``to_frame()`` the ranked levels of every
    index, ``figures()`` the recorded ``trend`` and ``patterns`` figures, :attr:`patterns` the
    patterns of every index in one readable table and ``reading(section)`` the prose (sections
    ``dashboard``, ``levels``, ``patterns`` and each index key).
    """

    narrative = "technicals"

    results: dict[str, TrendResult]
    benchmark: str | None = None
    params: dict = field(default_factory=dict)

    def figures(self) -> dict:
        """``trend`` (index key -> figures, as in :meth:`TrendResult.figures`), ``patterns``
        (every pattern of every index's window) and ``pattern_history`` (index key -> the
        detector's record over the whole history, with ``q``: its Benjamini-Hochberg q-value
        across the indexes)."""
        qs = self.record_qvalues
        return {"trend": {k: r._trend_entry() for k, r in self.results.items()},
                "patterns": [p for r in self.results.values() for p in r._pattern_records()],
                "pattern_history": {k: {**r.pattern_record, "q": qs[k]}
                                    for k, r in self.results.items()}}

    def summary(self) -> pd.DataFrame:
        """The dashboard: one row per index with the close, % vs each MA, MA slopes (↑ rising,
        ↓ falling), alignment, MACD signal and cross, structure, nearest levels, breakout,
        all-time (intraday) high and its date, % from it, the closing record and its date, the
        relative-strength change over the last 3 months (63 trading days) and the number of
        patterns in the window and of live ones.  Percent columns end in ``%``,
        prices in the index's units."""
        rows = {}
        for k, r in self.results.items():
            row = {"close": r.close}
            for n, v in r.pct_vs_ma.items():
                row[f"vs MA{n} %"] = v
            row["MA slopes"] = " ".join(
                {"rising": "↑", "falling": "↓"}.get(s, "·") for s in r.ma_slopes.values())
            row["aligned"] = "yes" if r.aligned else "no"
            row["MACD"] = r.macd_signal
            row["MACD cross"] = _iso(r.macd_cross_date)
            row["structure"] = r.structure
            row["nearest support"] = r.support[0] if r.support else np.nan
            row["nearest resistance"] = r.resistance[0] if r.resistance else np.nan
            row["breakout (close above)"] = _iso(r.breakout_date) or "—"
            row["ATH"] = r.all_time_high
            row["ATH date"] = _iso(r.all_time_high_date)
            row["from ATH %"] = r.pct_from_ath
            row["ATH close"] = r.all_time_high_close
            row["ATH close date"] = _iso(r.all_time_high_close_date)
            rs_col = f"RS vs {r.benchmark} 3m %" if r.benchmark else "RS 3m %"
            row[rs_col] = r.rs_change_recent if r.benchmark != k else np.nan
            row["patterns"] = len(r.patterns)
            row["live patterns"] = len(r.live_patterns)
            rows[k] = row
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "index"
        return out

    def to_frame(self) -> pd.DataFrame:
        """The ranked levels of every index (:meth:`TrendResult.to_frame`) in one table, indexed
        by ``index`` and ``rank``."""
        parts = {k: r.to_frame() for k, r in self.results.items()}
        out = pd.concat(parts, names=["index", "rank"])
        return out

    @property
    def patterns(self) -> pd.DataFrame:
        """Every head-and-shoulders pattern of every index's window, one readable row each:
        ``series``, ``pattern``, ``pivot window (bars)``, the shoulders and head as
        ``price (date)``, ``neckline``, ``target`` (sloped neckline) and ``target flat``
        (horizontal neckline; price units, rounded to 0.01), ``confirmed`` (date or ``no``),
        ``target reached`` (yes / no), ``state`` in words (``forming``, ``confirmed``,
        ``target reached``, ``invalidated``, ``expired``) and ``since`` (date of the last
        transition)."""
        rows = []
        for key, r in self.results.items():
            for p in r.patterns.itertuples():
                since = next((d for d in (p.target_date, p.invalidated_date, p.expired_date,
                                          p.confirmed_date, p.formed_date)
                              if d is not None and not pd.isna(d)), None)
                rows.append({
                    "series": key,
                    "pattern": "inverted H&S" if p.type.startswith("inverse") else "H&S top",
                    "pivot window (bars)": int(p.pivot_window),
                    **{label: f"{F.level(getattr(p, f'{name}_price'))} "
                              f"({_iso(getattr(p, f'{name}_date'))})"
                       for label, name in (("left shoulder", "left_shoulder"), ("head", "head"),
                                           ("right shoulder", "right_shoulder"))},
                    "neckline": round(p.neckline, 2), "target": round(p.target, 2),
                    "target flat": round(p.target_flat, 2),
                    "confirmed": _iso(p.confirmed_date) or "no",
                    "target reached": "yes" if p.target_reached else "no",
                    "state": p.state.replace("_", " "), "since": _iso(since),
                })
        cols = ["series", "pattern", "pivot window (bars)", "left shoulder", "head",
                "right shoulder",
                "neckline", "target", "target flat", "confirmed", "target reached", "state",
                "since"]
        return pd.DataFrame(rows, columns=cols)

    @property
    def record_qvalues(self) -> dict:
        """Benjamini-Hochberg q-values of the pattern records' p-values across the indexes
        (index key -> q)."""
        keys = list(self.results)
        q = bh_qvalues([self.results[k].pattern_record.get("p_value", np.nan) for k in keys])
        return dict(zip(keys, (float(x) for x in q), strict=True))

    @property
    def pattern_record(self) -> pd.DataFrame:
        """The detector's record on each index over its whole history, one row per index:
        ``from`` / ``to``, ``confirmed``, ``resolved`` (the rate's n), ``episodes``
        (non-overlapping), ``reached``, ``invalidated``, ``expired``, ``hit rate %``, ``median
        bars to target``, ``random entry %`` (same target, stop and time limit from every
        day), ``excess pp``, ``z``, ``p`` and ``q`` (Benjamini-Hochberg across the indexes)."""
        rows = {}
        qs = self.record_qvalues
        for key, r in self.results.items():
            rec = r.pattern_record
            rows[key] = {"from": rec["first"], "to": rec["last"],
                         "confirmed": rec["n_confirmed"], "resolved": rec["n_resolved"],
                         "episodes": rec.get("episodes", 0),
                         "reached": rec["n_target_reached"],
                         "invalidated": rec["n_invalidated"], "expired": rec["n_expired"],
                         "hit rate %": rec["hit_rate_pct"],
                         "median bars to target": rec["median_bars_to_target"],
                         "random entry %": rec["baseline_hit_rate_pct"],
                         "excess pp": rec["excess_pp"], "z": rec["z"],
                         "p": rec.get("p_value", np.nan), "q": qs[key]}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "index"
        return out


def _benchmark_series(benchmark) -> pd.Series | None:
    """The benchmark's closes from a Series, a one-column frame (:func:`load_benchmark`) or
    None / an empty frame (no benchmark)."""
    if benchmark is None:
        return None
    if isinstance(benchmark, pd.DataFrame):
        if benchmark.shape[1] == 0:
            return None
        if benchmark.shape[1] != 1:
            raise ParameterError(
                "benchmark must be one series of closes, got columns "
                f"{', '.join(map(str, benchmark.columns))}")
        out = benchmark.iloc[:, 0].copy()
        out.attrs = dict(benchmark.attrs)
        return out
    if not isinstance(benchmark, pd.Series):
        raise ParameterError("benchmark must be a Series of closes, a loaded frame or None")
    return benchmark


def analyze(
    ohlc: pd.DataFrame,
    benchmark: pd.Series | pd.DataFrame | None = None,
    *,
    lookback_days: int = 500,
    mas: Sequence[int] = (50, 100, 200),
    macd_spans: Sequence[int] = (12, 26, 9),
    pivot_window: int = 10,
    level_tolerance_pct: float = 1.5,
    pattern_windows: Sequence[int] = (5, 10, 20),
    timeframe: str = "daily",
) -> TrendResult:
    """Trend, momentum, levels, trend lines and patterns of one index as of its last bar.

    Parameters
    ----------
    ohlc : DataFrame
        Daily bars from :func:`smallcaps.data.load_bars`, ending at the as-of date.  Load the
        whole history: moving averages, MACD, the records and the pattern record use all of it.
    benchmark : Series or one-column DataFrame, optional
        Benchmark closes for the relative-strength line (e.g. SPX, from :func:`load_benchmark`);
        None or an empty frame: no relative strength.
    lookback_days : int
        Trading days shown and searched for swing points, levels, breakouts, trend lines and
        patterns (on weekly bars: the ``ceil(lookback_days / 5)`` last weeks).
    mas : sequence of int
        Moving-average lengths in bars (trading days; weeks on weekly bars).
    macd_spans : sequence of 3 int
        MACD fast, slow and signal spans (bars).
    pivot_window : int
        Bars on each side of a swing point (levels, structure, breakouts, trend lines).
    level_tolerance_pct : float
        How close (percent of the level) swing points must be to form one level.
    pattern_windows : sequence of int
        Pivot windows (bars) searched for head-and-shoulders patterns, de-duplicated.
    timeframe : str
        ``"daily"`` bars as given, or ``"weekly"`` bars (:func:`weekly_bars`, W-FRI).  The
        all-time highs are always read from the daily bars.

    Returns
    -------
    TrendResult
    """
    daily = _check_ohlc(ohlc)
    if timeframe not in TIMEFRAMES:
        raise ParameterError(f"timeframe must be 'daily' or 'weekly', got {timeframe!r}")
    weekly = timeframe == "weekly"
    bars = weekly_bars(daily) if weekly else daily
    # the bars as each step below would check them (_check_ohlc leaves checked bars as they
    # are, row by row), checked once
    checked = _check_ohlc(bars) if weekly else daily
    lookback = _positive_int(lookback_days, "lookback_days")
    span = -(-lookback // _DAYS_PER_WEEK) if weekly else lookback
    recent_bars = -(-_RS_RECENT_DAYS // _DAYS_PER_WEEK) if weekly else _RS_RECENT_DAYS
    windows = _check_windows(mas)
    if len(macd_spans) != 3:
        raise ParameterError(f"macd must be [fast, slow, signal] spans, got {list(macd_spans)!r}")
    w = _positive_int(pivot_window, "pivot_window")
    pwins = [pattern_windows] if isinstance(pattern_windows, (int, np.integer)) else list(
        pattern_windows)
    bench = _benchmark_series(benchmark)
    prov = dict(ohlc.attrs.get("provenance", {}))
    key = next(iter(prov), ohlc.attrs.get("key", "series"))
    info = prov.get(key, {})
    close = bars["Close"]
    start = max(0, len(bars) - span)
    win = bars.index[start:]

    ma_all = moving_averages(close, windows)
    last_close = float(close.iloc[-1])
    pct = {m: float((last_close / ma_all[f"ma{m}"].iloc[-1] - 1) * 100) for m in windows}
    slopes = {m: ma_slope(ma_all[f"ma{m}"], _SLOPE_DAYS) for m in windows}
    chain = [last_close, *(ma_all[f"ma{m}"].iloc[-1] for m in windows)]
    aligned = bool(all(np.isfinite(chain))
                   and all(a > b for a, b in zip(chain[:-1], chain[1:], strict=True))
                   and all(s == "rising" for s in slopes.values()))

    md = macd(close, *macd_spans)
    signal, cross = macd_state(md)

    # Swings over the window plus left context, so early window bars can be pivots too.
    ctx = max(0, start - w)
    sw = _swing_points(checked.iloc[ctx:], w)
    sw["pos"] += ctx
    sw = sw[sw["pos"] >= start].reset_index(drop=True)
    levels = cluster_levels(sw, level_tolerance_pct)
    support, resistance = nearest_levels(levels, last_close)
    breaks = find_breakouts(close, sw, levels, w)
    holding = breaks[breaks["holding"]]
    ath, ath_date, from_ath = _record(daily, "High")  # all_time_high of the daily bars
    athc, athc_date, from_athc = _record(daily, "Close")  # all_time_high_close
    history = _find_patterns(checked, _pattern_windows(pwins), SHOULDER_TOLERANCE_PCT)
    in_window = history[history["left_shoulder_date"] >= win[0]].reset_index(drop=True) \
        if len(history) else history

    rs, bkey, rs_chg, rs_recent = None, None, float("nan"), float("nan")
    if bench is not None:
        bkey = str(bench.name) if bench.name is not None else "benchmark"
        bprov = bench.attrs.get("provenance", {})
        if bkey in bprov:
            prov.setdefault(bkey, bprov[bkey])
        rs = relative_strength(close, bench.loc[: bars.index[-1]], start=win[0])
        rs_chg = float(rs.iloc[-1] / rs.iloc[0] * 100 - 100)
        recent = rs.iloc[-recent_bars - 1:]
        rs_recent = float(recent.iloc[-1] / recent.iloc[0] * 100 - 100)

    return TrendResult(
        key=key, name=info.get("name", key), units=info.get("units", "price units"),
        asof=bars.index[-1], close=last_close, bars=bars.iloc[start:],
        mas=ma_all.iloc[start:], pct_vs_ma=pct, ma_slopes=slopes, aligned=aligned,
        macd=md.iloc[start:], macd_signal=signal, macd_cross_date=cross, swings=sw,
        structure=market_structure(sw), levels=levels, support=support, resistance=resistance,
        breakouts=breaks, breakout_date=holding["date"].iloc[-1] if len(holding) else None,
        breakout_level=float(holding["level"].iloc[-1]) if len(holding) else None,
        all_time_high=ath, all_time_high_date=ath_date, pct_from_ath=from_ath,
        all_time_high_close=athc, all_time_high_close_date=athc_date,
        pct_from_ath_close=from_athc, patterns=in_window, pattern_history=history,
        pattern_record=pattern_base_rate(history, close),
        trendlines=_trend_lines(checked, sw, w, RETEST_TOLERANCE_PCT), rs=rs, benchmark=bkey,
        rs_change=rs_chg, rs_change_recent=rs_recent,
        provisional=bool(info.get("provisional_last_row")) or provisional_last_bar(daily),
        timeframe=timeframe,
        params={"lookback_days": lookback, "lookback_bars": span, "mas": windows,
                "macd": list(macd_spans), "pivot_window": w,
                "pattern_windows": sorted({int(x) for x in pwins}),
                "level_tolerance_pct": float(level_tolerance_pct), "slope_days": _SLOPE_DAYS,
                "rs_recent_days": _RS_RECENT_DAYS, "rs_recent_bars": recent_bars,
                "resolve_widths": RESOLVE_WIDTHS, "retest_tolerance_pct": RETEST_TOLERANCE_PCT,
                "timeframe": timeframe},
        provenance=prov,
    )


def analyze_many(ohlc: Mapping[str, pd.DataFrame],
                 benchmark: pd.Series | pd.DataFrame | None = None,
                 **options) -> TrendStudy:
    """:func:`analyze` for each ``key -> OHLC frame`` (from :func:`smallcaps.data.load_bars`);
    ``benchmark`` and options as for :func:`analyze`."""
    if not ohlc:
        raise ParameterError("series is empty; name at least one index, e.g. ['SPX', 'RUT']")
    bench = _benchmark_series(benchmark)
    results = {}
    for key, frame in ohlc.items():
        res = analyze(frame, bench, **options)
        res.key = key
        results[key] = res
    first = next(iter(results.values()))
    return TrendStudy(results=results, benchmark=first.benchmark, params=dict(first.params))


def load_benchmark(key: str, start=None, asof=None, source: str = "auto",
                   data_dir=None) -> pd.DataFrame | None:
    """The benchmark's closes for the relative-strength line, or None for a blank key.

    Parameters
    ----------
    key : str
        Catalog key of a price series (``"SPX"``); ``""`` or None: no benchmark.
    start, asof, source, data_dir
        As for :func:`smallcaps.data.load` (blank ``start`` / ``data_dir`` mean the default).

    Returns
    -------
    DataFrame or None
        One column ``key`` as :func:`smallcaps.data.load` returns it (provenance and as-of in
        ``attrs``).

    Raises
    ------
    ParameterError
        When ``key`` is not a price series.
    """
    if key is None or not str(key).strip():
        return None
    key = str(key).strip()
    info = data.get_series(key)
    if info.kind != "price":
        raise ParameterError(
            f"benchmark {key} is a {info.kind} series; relative strength needs a price series")
    return data.load(key, start=start or None, asof=asof, source=source,
                     data_dir=data_dir or None)
