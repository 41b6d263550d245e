"""Source selection, field extraction and provenance for :mod:`smallcaps.data`."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from smallcaps.data.catalog import PROJECT_ROOT, Series, get_series
from smallcaps.data.csvfile import read_csv
from smallcaps.errors import DataError

SOURCES = ("auto", "live", "csv", "sample")
FIELDS = ("open", "high", "low", "close", "adj_close", "volume")


class SyntheticDataWarning(UserWarning):
    """Raised (as a warning) whenever the synthetic sample stands in for market data."""


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The CSV folder: ``data_dir``, else ``$SMALLCAPS_DATA_DIR``, else ``data/raw``."""
    if data_dir:
        return Path(data_dir).expanduser()
    env = os.environ.get("SMALLCAPS_DATA_DIR")
    return Path(env).expanduser() if env else PROJECT_ROOT / "data" / "raw"


def find_csv(series: Series, data_dir: Path) -> Path | None:
    """The file in ``data_dir`` holding ``series`` (``RUT.csv``, ``^RUT.csv``, ``GSPC.csv``...)."""
    if not data_dir.is_dir():
        return None
    for stem in series.file_stems:
        for ext in (".csv", ".CSV"):
            p = data_dir / f"{stem}{ext}"
            if p.is_file():
                return p
    return None


def _parse_date(value, what: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(f"{what} {value!r} is not a date; expected YYYY-MM-DD") from None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _from_csv(series: Series, data_dir: Path) -> tuple[pd.DataFrame, dict] | None:
    path = find_csv(series, data_dir)
    if path is None:
        return None
    frame = read_csv(path, symbol=series.symbol if series.provider == "fred" else None)
    mtime = pd.Timestamp(path.stat().st_mtime, unit="s")
    info = {"source": "csv", "path": str(path), "format": frame.attrs.get("format"),
            "fetched_at": mtime.isoformat(timespec="seconds")}
    return frame, info


def _from_sample(series: Series) -> tuple[pd.DataFrame, dict]:
    from smallcaps.data import sample

    frame = sample.generate(series.key)
    return frame, {"source": "sample", "fetched_at": None, "synthetic": True}


def _from_live(series: Series, start: pd.Timestamp | None, *, required: bool):
    """Network through the parquet cache; returns None when unavailable and not required."""
    from smallcaps.data import cache

    return cache.fetch_through_cache(series, required=required)


def _one(series: Series, source: str, data_dir: Path, start) -> tuple[pd.DataFrame, dict]:
    frame, info = _one_source(series, source, data_dir, start)
    info = {**info, "provisional_date": _provisional_date(frame)}
    return frame, info


def _one_source(series: Series, source: str, data_dir: Path, start):
    if source == "csv":
        got = _from_csv(series, data_dir)
        if got is None:
            raise DataError(
                f"no CSV file for {series.key} in {data_dir}; expected one of "
                + ", ".join(f"{s}.csv" for s in series.file_stems)
            )
        return got
    if source == "sample":
        return _from_sample(series)
    if source == "live":
        return _from_live(series, start, required=True)
    # auto
    got = _from_csv(series, data_dir)
    if got is not None:
        return got
    got = _from_live(series, start, required=False)
    if got is not None:
        return got
    warnings.warn(
        f"SYNTHETIC DATA: no CSV, cache or network for {series.key}; using the deterministic "
        "synthetic sample. These numbers are NOT market data.",
        SyntheticDataWarning,
        stacklevel=4,
    )
    return _from_sample(series)


def _check_args(source: str, field: str, start, end):
    if source not in SOURCES:
        raise DataError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    if field not in FIELDS:
        raise DataError(f"unknown field {field!r}; valid: {', '.join(FIELDS)}")
    s = _parse_date(start, "start")
    e = _parse_date(end, "end")
    if s is not None and e is not None and e < s:
        raise DataError(f"end {e:%Y-%m-%d} is before start {s:%Y-%m-%d}")
    return s, e


def _provisional_date(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The last date when the last row looks like an intraday snapshot: Volume 0 while (almost)
    every earlier row has volume.  Its values are kept; provenance flags it."""
    if "volume" not in frame.columns or len(frame) < 3:
        return None
    vol = frame["volume"]
    if vol.iloc[-1] == 0 and (vol.iloc[:-1] > 0).mean() > 0.9:
        return frame.index[-1]
    return None


def _prov(series: Series, frame: pd.DataFrame, info: dict) -> dict:
    out = {
        "key": series.key,
        "name": series.name,
        "provider": series.provider,
        "symbol": series.symbol,
        "units": series.units,
        "source": info.get("source"),
        "synthetic": bool(info.get("synthetic", False)),
        "first": frame.index[0].strftime("%Y-%m-%d") if len(frame) else None,
        "last": frame.index[-1].strftime("%Y-%m-%d") if len(frame) else None,
        "rows": int(len(frame)),
        "fetched_at": info.get("fetched_at"),
    }
    for k in ("path", "format", "cache_file", "stale"):
        if info.get(k):
            out[k] = info[k]
    flagged = info.get("provisional_date")
    if flagged is not None and len(frame) and frame.index[-1] == flagged:
        out["provisional_last_row"] = True
    return out


def _window(frame: pd.DataFrame, s, e) -> pd.DataFrame:
    if s is not None:
        frame = frame.loc[frame.index >= s]
    if e is not None:
        frame = frame.loc[frame.index <= e]
    return frame


def load(
    keys: str | Iterable[str],
    start=None,
    end=None,
    field: str = "close",
    source: str = "auto",
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Load one field for catalog series, one column per key.

    Parameters
    ----------
    keys : str or list of str
        Catalog keys (``"RUT"``, ``["RUT", "SPX"]``).
    start, end : date-like, optional
        Inclusive bounds; nothing after ``end`` is returned (the as-of date of a report).
    field : str
        ``close`` (default), ``adj_close``, ``open``, ``high``, ``low`` or ``volume``.  Yields
        (FRED) have only ``close``: the rate in percent.  ``adj_close`` falls back to ``close``
        for series that have no adjustment (indexes).
    source : str
        ``auto``, ``live``, ``csv`` or ``sample`` (see module docstring).
    data_dir : str or Path, optional
        CSV folder for ``csv`` and ``auto``.

    Returns
    -------
    DataFrame
        Indexed by date (the union of the series' dates; a series is NaN on dates it lacks),
        one column per key; ``attrs["provenance"]`` maps key -> provenance dict.
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise DataError("no series keys given; name at least one catalog key such as 'RUT'")
    s, e = _check_args(source, field, start, end)
    ddir = resolve_data_dir(data_dir)
    cols, prov = {}, {}
    for key in keys:
        series = get_series(key)
        frame, info = _one(series, source, ddir, s)
        col = field
        if col not in frame.columns:
            if col == "adj_close" and "close" in frame.columns:
                col = "close"
            else:
                raise DataError(
                    f"{key} ({info.get('source')}) has no {field!r}; available: "
                    + ", ".join(frame.columns)
                )
        sub = _window(frame[col], s, e).dropna()
        if sub.empty:
            rng = f"{s:%Y-%m-%d}" if s is not None else "the beginning"
            rng += f" to {e:%Y-%m-%d}" if e is not None else " onwards"
            raise DataError(
                f"no {key} data from {rng} (source {info.get('source')} has "
                f"{frame.index[0]:%Y-%m-%d} to {frame.index[-1]:%Y-%m-%d})"
                if len(frame) else f"no {key} data at all in source {info.get('source')}"
            )
        cols[key] = sub
        prov[key] = _prov(series, sub, info)
    out = pd.DataFrame(cols)
    out.index.name = "date"
    out.attrs["provenance"] = prov
    out.attrs["field"] = field
    return out


def load_ohlc(
    key: str,
    start=None,
    end=None,
    source: str = "auto",
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Load an OHLCV frame for one price series, ready for ``mplfinance.plot``.

    Returns
    -------
    DataFrame
        Columns ``Open, High, Low, Close, Volume`` (Volume is NaN-free: 0 where unknown),
        ``attrs["provenance"]`` as in :func:`load`.  Rows without a close are dropped; a missing
        Open/High/Low is filled from the close of the same row.
    """
    s, e = _check_args(source, "close", start, end)
    series = get_series(key)
    if series.kind != "price":
        raise DataError(f"{key} is a {series.kind} series; OHLC needs a price series")
    frame, info = _one(series, source, resolve_data_dir(data_dir), s)
    frame = _window(frame, s, e)
    frame = frame[frame["close"].notna()]
    if frame.empty:
        raise DataError(f"no {key} data in the requested range")
    out = pd.DataFrame(index=frame.index)
    for col in ("open", "high", "low"):
        out[col.title()] = frame[col].fillna(frame["close"]) if col in frame else frame["close"]
    out["Close"] = frame["close"]
    out["Volume"] = frame["volume"].fillna(0) if "volume" in frame else 0.0
    out.index.name = "date"
    out.attrs["provenance"] = {key: _prov(series, out, info)}
    return out


def provenance(frame: pd.DataFrame) -> dict:
    """The per-series provenance dict carried by a loaded frame (empty if none)."""
    return dict(frame.attrs.get("provenance", {}))


def latest_date(keys: Iterable[str] = ("RUT", "SPX"), source: str = "auto",
                data_dir: str | Path | None = None) -> pd.Timestamp:
    """The latest date on which all ``keys`` have data: the default as-of date of a report."""
    frame = load(list(keys), source=source, data_dir=data_dir)
    return frame.dropna().index[-1]
