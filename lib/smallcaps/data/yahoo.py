"""Yahoo Finance daily history through ``yfinance`` (prices with unadjusted Close and Adj Close).

yfinance >= 0.2.51 defaults to ``auto_adjust=True`` and returns MultiIndex columns
(``Price`` x ``Ticker``); we ask for ``auto_adjust=False`` (keeping the unadjusted Close and the
dividend-adjusted ``Adj Close``) and flatten whatever layout comes back.  yfinance refuses
``requests-cache`` sessions, so caching happens at the DataFrame level (:mod:`.cache`).
"""

from __future__ import annotations

import logging
import warnings

import pandas as pd

from smallcaps.data.csvfile import _ALIASES, COLUMNS
from smallcaps.errors import DataError, NetworkError

__all__ = ["TIMEOUT", "normalise", "fetch"]

TIMEOUT = 10  # seconds per request
_NOT_FIELDS = {"price", "value"}  # CSV aliases that are no yfinance column


def _flatten(raw: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """Single-level columns named like ``Close``/``Adj Close`` from any yfinance layout."""
    if isinstance(raw.columns, pd.MultiIndex):
        names = {_ALIASES.get(str(v).strip().lower()) for v in raw.columns.get_level_values(0)}
        level = 0 if names - {None} else raw.columns.nlevels - 1
        if raw.columns.nlevels > 1 and symbol in raw.columns.get_level_values(1 - level):
            raw = raw.xs(symbol, axis=1, level=1 - level)
        else:
            raw = raw.droplevel([i for i in range(raw.columns.nlevels) if i != level], axis=1)
    return raw


def normalise(raw: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """Normalise a yfinance frame: lower-case columns among ``COLUMNS``, naive sorted unique
    date index named ``date``, float64 values, rows without a close dropped."""
    raw = _flatten(raw, symbol)
    cols = {c: _ALIASES[str(c).strip().lower()] for c in raw.columns
            if str(c).strip().lower() in _ALIASES and str(c).strip().lower() not in _NOT_FIELDS}
    frame = raw[list(cols)].rename(columns=cols)
    frame = frame.loc[:, ~frame.columns.duplicated()].astype("float64")
    idx = pd.DatetimeIndex(pd.to_datetime(frame.index))
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    frame.index = idx.normalize().rename("date")
    if "close" not in frame.columns:
        raise DataError(f"Yahoo answer for {symbol} has no Close column: {list(raw.columns)}")
    frame = frame[frame["close"].notna()].sort_index(kind="mergesort")
    frame = frame[~frame.index.duplicated(keep="last")]
    return frame[[c for c in COLUMNS if c in frame.columns]]


def fetch(symbol: str, start: pd.Timestamp | None = None, timeout: float = TIMEOUT) -> pd.DataFrame:
    """Daily OHLCV + Adj Close for a Yahoo symbol, from ``start`` (inclusive) or the beginning.

    Raises
    ------
    NetworkError
        Yahoo could not be reached or returned nothing (yfinance reports failures as an empty
        frame, not an exception).
    """
    import yfinance as yf

    kwargs = {"start": start.strftime("%Y-%m-%d")} if start is not None else {"period": "max"}
    logger = logging.getLogger("yfinance")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # yfinance logs failures itself; we raise one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = yf.download(symbol, auto_adjust=False, actions=False, progress=False,
                              multi_level_index=False, threads=False, timeout=timeout, **kwargs)
    except Exception as exc:  # yfinance raises many types (requests, curl_cffi, json, ...)
        raise NetworkError(f"Yahoo Finance unreachable for {symbol} "
                           f"({exc.__class__.__name__})") from None
    finally:
        logger.setLevel(level)
    if raw is None or raw.empty:
        errors = getattr(getattr(yf, "shared", None), "_ERRORS", None) or {}
        why = str(errors.get(symbol, "network unreachable or unknown symbol")).split(":")[0]
        raise NetworkError(f"Yahoo Finance returned no data for {symbol} ({why[:60]})")
    return normalise(raw, symbol)
