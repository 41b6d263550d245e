"""Signals: the dated events a periodic report lists under "Since <previous date>".

A signal is found in the data, on the day it happened, never by comparing two report
snapshots, so a skipped week still shows what happened in it.  Each finder returns the whole
history of its signals for one series, a frame with columns ``date``, ``series``, ``signal``,
``value`` (the close or ratio that day) and ``detail`` (a short text); :func:`between` keeps
those after the previous as-of (exclusive) up to this as-of (inclusive).

Vocabulary (:data:`VOCABULARY`)
-------------------------------
``ma50_cross_up`` / ``ma50_cross_down``, ``ma200_cross_up`` / ``ma200_cross_down``
    The close crosses its simple moving average: the day's close is above (below) the day's
    average while the previous close was at or below (at or above) the previous average.
    Indexes and ratios alike.
``macd_buy`` / ``macd_sell``
    The MACD line (12/26-day EMAs of the close) crosses above (below) its 9-day signal line.
``new_high_intraday`` / ``new_high_close``
    An all-time record: the day's high (close) is above every earlier high (close); the first
    ``min_history`` bars (252 by default) cannot qualify, so the start of a file is no record.
``ratio_252d_high`` / ``ratio_252d_low``
    A ratio closes above (below) every one of its previous 252 closes.
``divergence_event``
    The notebook-05 event: the 5-day small-minus-large spread beyond ``sigma`` expanding
    standard deviations, declustered (its z in ``value``).
``pattern_confirmed`` / ``pattern_target_reached`` / ``pattern_invalidated``
    A head-and-shoulders pattern's lifecycle transitions (from the technicals study).

What such a signal has meant before is :func:`base_rate`: the same signal for the same series
in the data before it, through the kit's one event study (:func:`smallcaps.events.event_study`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError

__all__ = [
    "VOCABULARY",
    "COLUMNS",
    "ma_crosses",
    "macd_crosses",
    "record_highs",
    "ratio_extremes",
    "divergence_events",
    "pattern_signals",
    "between",
    "base_rate",
    "BASE_HORIZONS",
]

VOCABULARY = (
    "ma50_cross_up", "ma50_cross_down", "ma200_cross_up", "ma200_cross_down",
    "macd_buy", "macd_sell", "new_high_intraday", "new_high_close",
    "ratio_252d_high", "ratio_252d_low", "divergence_event",
    "pattern_confirmed", "pattern_target_reached", "pattern_invalidated",
)
COLUMNS = ["date", "series", "signal", "value", "detail"]
#: Forward horizons of a signal's history, trading days
BASE_HORIZONS = (21, 63, 126, 252)


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out.astype({"date": "datetime64[us]", "value": float})
    return out.sort_values(["date", "signal"], kind="mergesort").reset_index(drop=True)


def _closes(series: pd.Series, what: str) -> pd.Series:
    if isinstance(series, pd.Series):  # the values alone: a loaded series' attrs (its
        # provenance) would be deep-copied by every operation on it
        series = pd.Series(np.asarray(series, dtype=float), index=series.index,
                           name=series.name)
    s = pd.Series(series, dtype=float).dropna()
    if not isinstance(s.index, pd.DatetimeIndex):
        raise ParameterError(f"{what} must be indexed by date")
    return s.sort_index()


def _rows(dates, label: str, signal: str, values, details: list[str]) -> list[dict]:
    """Signal rows of one kind: a date, its value and its detail each."""
    return [{"date": d, "series": label, "signal": signal, "value": float(v), "detail": t}
            for d, v, t in zip(dates, values, details, strict=True)]


def _level(x: float) -> str:
    """A level as the pages write it: prices with two decimals and thousands separators,
    ratios (below 100) with four significant digits."""
    return f"{x:,.2f}" if abs(x) >= 100 else f"{x:.4g}"


def ma_crosses(close: pd.Series, windows: Sequence[int] = (50, 200),
               name: str | None = None) -> pd.DataFrame:
    """Days the close crossed its ``w``-day simple moving average, for each ``w``.

    Parameters
    ----------
    close : Series
        Daily closes (an index level or a ratio), indexed by date.
    windows : list of int
        Moving-average windows, trading days; signals are named ``ma<w>_cross_up/down``.
    name : str, optional
        The series' label (default ``close.name``).
    """
    s = _closes(close, "close")
    label = name or str(close.name)
    rows = []
    for w in windows:
        if isinstance(w, bool) or int(w) != w or w < 2:
            raise ParameterError(f"moving-average window {w!r} must be a whole number >= 2")
        ma = s.rolling(int(w), min_periods=int(w)).mean()
        above = s > ma
        below = s < ma
        was_above = (s.shift(1) > ma.shift(1))
        was_below = (s.shift(1) < ma.shift(1))
        ok = ma.notna() & ma.shift(1).notna()
        for kind, hit in (("up", ok & above & ~was_above), ("down", ok & below & ~was_below)):
            at = np.flatnonzero(hit.to_numpy())
            rows += _rows(s.index[at], label, f"ma{int(w)}_cross_{kind}", s.to_numpy()[at],
                          [f"{int(w)}-day average {_level(v)}" for v in ma.to_numpy()[at]])
    return _frame(rows)


def macd_crosses(close: pd.Series, spans: Sequence[int] = (12, 26, 9),
                 name: str | None = None) -> pd.DataFrame:
    """Days the MACD line crossed its signal line (``macd_buy`` up, ``macd_sell`` down).

    The first ``slow + signal`` bars are skipped (the EMAs start at the first close)."""
    from smallcaps.technicals import macd

    s = _closes(close, "close")
    label = name or str(close.name)
    fast, slow, sig = (int(v) for v in spans)
    m = macd(s, fast, slow, sig)
    diff = m["macd"] - m["signal"]
    prev = diff.shift(1)
    warm = np.arange(len(diff)) >= slow + sig
    rows = []
    crosses = (("macd_buy", (diff > 0) & (prev <= 0)), ("macd_sell", (diff < 0) & (prev >= 0)))
    line, signal = m["macd"].to_numpy(), m["signal"].to_numpy()
    for kind, hit in crosses:
        at = np.flatnonzero((hit & warm).to_numpy())
        rows += _rows(diff.index[at], label, kind, s.to_numpy()[at],
                      [f"MACD {a:+,.2f} vs signal {b:+,.2f}"
                       for a, b in zip(line[at], signal[at], strict=True)])
    return _frame(rows)


def record_highs(ohlc: pd.DataFrame, min_history: int = 252,
                 name: str | None = None) -> pd.DataFrame:
    """All-time records: ``new_high_intraday`` (High above every earlier High) and
    ``new_high_close`` (Close above every earlier Close), after ``min_history`` bars.

    ``ohlc`` has ``High`` and ``Close`` columns (as :func:`smallcaps.data.load_ohlc`)."""
    label = name or str(ohlc.attrs.get("key") or next(iter(ohlc.attrs.get("provenance", {})),
                                                     "series"))
    rows = []
    for col, kind in (("High", "new_high_intraday"), ("Close", "new_high_close")):
        s = _closes(ohlc[col], col)
        prior = s.cummax().shift(1)
        hit = (s > prior) & (np.arange(len(s)) >= int(min_history))
        at = np.flatnonzero(hit.to_numpy())
        rows += _rows(s.index[at], label, kind, s.to_numpy()[at],
                      [f"previous record {v:,.2f}" for v in prior.to_numpy()[at]])
    return _frame(rows)


def ratio_extremes(ratio: pd.Series, days: int = 252, name: str | None = None) -> pd.DataFrame:
    """Days a ratio closed above (``ratio_252d_high``) or below (``ratio_252d_low``) every one
    of its previous ``days`` closes (the first ``days`` closes cannot qualify)."""
    from smallcaps.ratios import breakouts

    s = _closes(ratio, "ratio")
    label = name or str(ratio.name)
    hits = breakouts(s, days)
    rows = [{"date": d, "series": label,
             "signal": f"ratio_{int(days)}d_{'high' if v > 0 else 'low'}",
             "value": float(s[d]), "detail": f"{int(days)}-day {'high' if v > 0 else 'low'}"}
            for d, v in hits.items()]
    return _frame(rows)


def divergence_events(small: pd.Series, large: pd.Series, sigma: float = 3.0,
                      direction: str = "up", name: str | None = None, *,
                      horizon_days: int = 5, std_method: str = "expanding",
                      std_window: int = 252, min_history: int = 252,
                      decluster_days: int = 20) -> pd.DataFrame:
    """The notebook-05 divergence events (``horizon_days``-day spread beyond ``sigma``
    standard deviations, declustered), with their z in ``value``.

    The keyword settings are notebook 05's (:func:`smallcaps.events.spread_zscore` and
    :func:`smallcaps.events.find_events`): pass the notebook's parameters to find its events.
    """
    from smallcaps.events import find_events, spread_zscore

    signal = spread_zscore(_closes(small, "small"), _closes(large, "large"),
                           horizon_days=horizon_days, std_method=std_method,
                           std_window=std_window, min_history=min_history)
    found = find_events(signal["z"], sigma=sigma, direction=direction,
                        decluster_days=decluster_days)
    label = name or f"{small.name}-{large.name}"
    rows = [{"date": d, "series": label, "signal": "divergence_event",
             "value": float(r["z"]), "detail": f"z {r['z']:+.1f}, {int(r['cluster_days'])} days"}
            for d, r in found.iterrows()]
    return _frame(rows)


_PATTERN_STATES = {"confirmed": "pattern_confirmed", "target_reached": "pattern_target_reached",
                   "invalidated": "pattern_invalidated"}


def pattern_signals(transitions: pd.DataFrame, name: str) -> pd.DataFrame:
    """Pattern lifecycle transitions as signals.

    ``transitions`` has one row per transition with columns ``date``, ``state``
    (``confirmed``, ``target_reached``, ``invalidated``; other states are not signals),
    ``pattern`` (e.g. "inverse head-and-shoulders") and ``level`` (the neckline or target)."""
    rows = [{"date": pd.Timestamp(r["date"]), "series": name,
             "signal": _PATTERN_STATES[r["state"]], "value": float(r.get("level", np.nan)),
             "detail": str(r.get("pattern", "pattern"))}
            for _, r in transitions.iterrows() if r.get("state") in _PATTERN_STATES]
    return _frame(rows)


def between(table: pd.DataFrame, after, upto) -> pd.DataFrame:
    """Signals dated after ``after`` (exclusive; None for no lower bound) up to ``upto``
    (inclusive): the ones a report as of ``upto`` lists since the report as of ``after``."""
    hi = parse_date(upto, "upto", required=True)
    lo = parse_date(after, "after")
    keep = table["date"] <= hi
    if lo is not None:
        if lo >= hi:
            raise ParameterError(f"the previous as-of {lo:%Y-%m-%d} is not before {hi:%Y-%m-%d}")
        keep &= table["date"] > lo
    return table[keep].reset_index(drop=True)


def base_rate(prices: pd.Series, history: pd.DataFrame, signal: str, before,
              horizons: Sequence[int] = BASE_HORIZONS, n_boot: int = 1000,
              seed: int = 0) -> dict:
    """What a signal has meant before: its earlier occurrences for the same series, through
    the kit's one event study (:func:`smallcaps.events.event_study`).

    Parameters
    ----------
    prices : Series
        The series the signal is about (an index level or a ratio), daily, up to the report's
        as-of date: forward windows that end after it are incomplete and left out.
    history : DataFrame
        The series' signals (a finder's output).
    signal : str
        The signal (one of :data:`VOCABULARY`).
    before : date-like
        The date of the signal being reported: only earlier occurrences count.
    horizons, n_boot, seed
        Forward horizons (trading days) and the bootstrap's replicates and seed.

    Returns
    -------
    dict
        ``n`` (earlier occurrences), ``episodes`` (non-overlapping ones at the longest
        horizon) and ``forward``: per horizon ``n`` (complete windows), ``mean_pct``,
        ``median_pct``, ``baseline_pct`` (mean of all days' forward returns), ``excess_pp``,
        ``p_value`` (block bootstrap; NaN below five windows).
    """
    from smallcaps.events import event_study

    cut = parse_date(before, "before", required=True)
    dates = pd.DatetimeIndex(history.loc[(history["signal"] == signal)
                                         & (history["date"] < cut), "date"])
    out = {"n": int(len(dates)), "episodes": 0, "forward": {}}
    p = _closes(prices, "prices")
    dates = dates[dates.isin(p.index)]
    if len(dates) == 0:
        return out
    study = event_study(p, dates, horizons, n_boot=n_boot, seed=seed, leave_one_out=False)
    t = study.table
    out["episodes"] = int(t["episodes"].iloc[-1])
    for h, row in t.iterrows():
        out["forward"][str(int(h))] = {
            "n": int(row["n_events"]), "mean_pct": _num(row["mean_pct"]),
            "median_pct": _num(row["median_pct"]), "baseline_pct": _num(row["base_mean_pct"]),
            "excess_pp": _num(row["diff_pp"]), "p_value": _num(row["p_value"])}
    return out


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None

