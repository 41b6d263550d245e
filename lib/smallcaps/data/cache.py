"""The parquet cache of provider data: one file per series, refreshed incrementally.

Each file ``<key>.parquet`` in the cache folder (``$SMALLCAPS_CACHE_DIR``, else ``data/cache``)
holds the provider's daily frame; the parquet schema metadata (key ``smallcaps``) records the
source, symbol, fetched-at time (UTC), first and last date and row count.  A refresh asks the
provider only for dates from a few days before the last cached date (new values win over cached
ones in the overlap).  Writes go to a temporary file in the same folder and are moved into place
with ``os.replace``, so a crash never leaves a half-written cache.  A file that cannot be read or
whose metadata does not match its contents is reported with a :class:`CacheWarning` and replaced,
never used; a folder where the file should be is refused (never removed).  A download is checked
against the series' schema before it enters the cache, so a bad answer never replaces good data.

Network policy: each request has a short timeout; after the first network failure in a process
no further request is made (so an offline run is not slowed down); ``SMALLCAPS_OFFLINE=1``
means never try.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from smallcaps import project
from smallcaps.data.catalog import Series
from smallcaps.data.csvfile import COLUMNS
from smallcaps.data.schemas import validate
from smallcaps.errors import DataError, NetworkError

__all__ = ["CacheWarning", "cache_dir", "cache_path", "fetch_through_cache", "merge",
           "offline_reason", "read_cache", "refresh", "reset_network", "status", "write_cache"]

META_KEY = b"smallcaps"
OVERLAP_DAYS = 10  # calendar days re-fetched before the last cached date
MAX_AGE = pd.Timedelta(hours=12)  # a cache younger than this is used without a refresh
OFFLINE_HINT = ("to work offline use --source sample (synthetic data) or a CSV folder with "
                "--source csv --data-dir DIR")

_PROVIDER_NAMES = {"yahoo": "Yahoo Finance", "fred": "FRED"}

_network_down: str | None = None  # reason of the first failure in this process


class CacheWarning(UserWarning):
    """A cache file was unreadable or inconsistent and is being replaced."""


def cache_dir() -> Path:
    """The cache folder: ``$SMALLCAPS_CACHE_DIR``, else ``data/cache`` in the project folder
    (:func:`smallcaps.project.project_dir`)."""
    env = os.environ.get("SMALLCAPS_CACHE_DIR")
    return Path(env).expanduser() if env else project.cache_dir()


def cache_path(series: Series) -> Path:
    """The parquet file of ``series`` (its key, made file-name safe)."""
    return cache_dir() / (re.sub(r"[^A-Za-z0-9_.-]", "_", series.key) + ".parquet")


def offline_reason() -> str | None:
    """Why the network is not tried in this process (None when it may be)."""
    if os.environ.get("SMALLCAPS_OFFLINE", "").strip() not in ("", "0"):
        return "SMALLCAPS_OFFLINE is set"
    return _network_down


def reset_network() -> None:
    """Forget an earlier network failure (the next call tries the network again)."""
    global _network_down
    _network_down = None


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").floor("s").tz_localize(None)


def read_cache(series: Series) -> tuple[pd.DataFrame, dict] | None:
    """The cached frame and its metadata, or None when absent, corrupt or inconsistent (a
    :class:`CacheWarning` says which and why).

    Raises
    ------
    DataError
        When the cache file's name is taken by a folder or another non-file: it is neither used
        nor removed (it may hold something of the user's).
    """
    got, problem = _read(series)
    _warn(series, problem)
    return got


def _warn(series: Series, problem: str | None) -> None:
    if problem:
        warnings.warn(f"cache file {cache_path(series)} is {problem}; ignoring it, it will be "
                      "replaced on the next fetch", CacheWarning, stacklevel=3)


def _read(series: Series) -> tuple[tuple[pd.DataFrame, dict] | None, str | None]:
    """(frame and metadata, None), (None, why it cannot be used) or (None, None) if absent."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = cache_path(series)
    if not path.is_file():
        if path.exists() or path.is_symlink():
            what = "a folder" if path.is_dir() else "not a regular file"
            raise DataError(f"cache file {path} is {what}; remove or rename it (it is never "
                            "deleted for you), or set SMALLCAPS_CACHE_DIR to another folder")
        return None, None
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"null"))
        frame = table.to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        return None, f"unreadable ({exc.__class__.__name__})"
    if not isinstance(meta, dict):
        return None, "without smallcaps metadata"
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    problem = None
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if meta.get("rows") != len(frame):
        problem = f"inconsistent: metadata says {meta.get('rows')} rows, file has {len(frame)}"
    elif len(frame) == 0 or "close" not in frame.columns:
        problem = "without data (no close column)" if len(frame) else "without data (no rows)"
    elif unknown:
        problem = f"not a price or yield table (column {str(unknown[0])[:20]!r})"
    elif (meta.get("first"), meta.get("last")) != (f"{frame.index[0]:%Y-%m-%d}",
                                                   f"{frame.index[-1]:%Y-%m-%d}"):
        problem = "inconsistent: metadata dates do not match the data"
    elif not (frame.index.is_monotonic_increasing and frame.index.is_unique):
        problem = "inconsistent: dates not sorted and unique"
    elif meta.get("symbol") != series.symbol or meta.get("source") != series.provider:
        problem = (f"stale: it holds {meta.get('source')}:{meta.get('symbol')}, the catalog now "
                   f"says {series.provider}:{series.symbol}")
    if problem:
        return None, problem
    try:
        return (frame.astype("float64"), meta), None
    except (TypeError, ValueError):
        return None, "not numeric"


def write_cache(series: Series, frame: pd.DataFrame, fetched_at: pd.Timestamp) -> dict:
    """Atomically write ``frame`` as the cache of ``series``; returns the metadata written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = {
        "key": series.key,
        "source": series.provider,
        "symbol": series.symbol,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "first": f"{frame.index[0]:%Y-%m-%d}",
        "last": f"{frame.index[-1]:%Y-%m-%d}",
        "rows": int(len(frame)),
    }
    table = pa.Table.from_pandas(frame.astype("float64"), preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: json.dumps(meta).encode()})
    path = cache_path(series)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return meta


def _provider_fetch(series: Series, start: pd.Timestamp | None) -> pd.DataFrame:
    if series.provider == "yahoo":
        from smallcaps.data import yahoo

        return yahoo.fetch(series.symbol, start)
    from smallcaps.data import fred

    return fred.fetch(series.symbol, start)


def merge(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Cached rows followed by fetched ones; on a date present in both the fetched row wins."""
    if old is None or old.empty:
        return new.sort_index()
    both = pd.concat([old, new])
    both = both[~both.index.duplicated(keep="last")].sort_index(kind="mergesort")
    return both[[c for c in old.columns.union(new.columns, sort=False)]]


def _info(series: Series, meta: dict, source: str, **extra) -> dict:
    return {"source": source, "symbol": meta["symbol"], "fetched_at": meta["fetched_at"],
            "cache_file": str(cache_path(series)), **extra}


def refresh(series: Series, force: bool = False) -> tuple[pd.DataFrame, dict]:
    """Bring the cache of ``series`` up to date from its provider (network required).

    Returns the full cached frame and an info dict (``source`` = provider, ``new_rows``).
    Raises :class:`~smallcaps.errors.NetworkError` (a DataError) when the provider cannot be
    reached, and a :class:`~smallcaps.errors.DataError` when its answer breaks the series'
    schema (:mod:`smallcaps.data.schemas`) or the cache cannot be written; the cache is left
    untouched then.
    """
    global _network_down
    cached, problem = _read(series)  # a problem is told once: in the error, or when replaced
    old = cached[0] if cached else None
    if cached and not force and _now() - pd.Timestamp(cached[1]["fetched_at"]) < MAX_AGE:
        return old, _info(series, cached[1], "cache", new_rows=0)  # fresh: no request needed
    unusable = f" and its cache file {cache_path(series)} is {problem}" if problem else ""
    reason = offline_reason()
    if reason:
        raise NetworkError(f"no network for {series.key} ({reason}){unusable}; {OFFLINE_HINT}")
    start = None if old is None else old.index[-1] - pd.Timedelta(days=OVERLAP_DAYS)
    try:
        new = _provider_fetch(series, start)
    except NetworkError as exc:
        _network_down = str(exc)
        raise NetworkError(f"{exc}{unusable}; {OFFLINE_HINT}") from None
    where = f"the {_PROVIDER_NAMES[series.provider]} answer for {series.key} ({series.symbol})"
    validate(new, series.key, series.kind, where)
    frame = merge(old, new)
    before = 0 if old is None else len(old)
    try:
        meta = write_cache(series, frame, _now())
    except OSError as exc:
        raise DataError(f"cannot write the cache file {cache_path(series)} "
                        f"({exc.strerror or exc.__class__.__name__}); set SMALLCAPS_CACHE_DIR "
                        "to a writable folder") from None
    if problem:
        warnings.warn(f"cache file {cache_path(series)} was {problem}; replaced by a new "
                      "download", CacheWarning, stacklevel=2)
    return frame, _info(series, meta, series.provider, new_rows=len(frame) - before)


def fetch_through_cache(series: Series, required: bool) -> tuple[pd.DataFrame, dict] | None:
    """The series from its provider through the cache.

    Parameters
    ----------
    series : Series
        Catalog entry (provider ``yahoo`` or ``fred``).
    required : bool
        True for ``source="live"``: raise a one-line DataError when the data cannot be fetched
        (network unreachable), naming how to work offline.  False for ``source="auto"``: fall
        back to the cache as is (``info["stale"]`` is True when it is older than ``MAX_AGE``),
        else return None.

    Returns
    -------
    (DataFrame, dict) or None
        The full frame (all cached dates) and an info dict with ``source`` (``"cache"``,
        ``"yahoo"`` or ``"fred"``), ``symbol``, ``fetched_at`` and ``cache_file``.
    """
    try:
        return refresh(series)
    except NetworkError:
        if required:
            raise
    cached = read_cache(series)
    if cached is None:
        return None
    age = _now() - pd.Timestamp(cached[1]["fetched_at"])
    return cached[0], _info(series, cached[1], "cache", stale=bool(age >= MAX_AGE))


def status(series: Series) -> dict:
    """Cache status for ``smallcaps data list``: rows, last date, fetched-at (or why not)."""
    path = cache_path(series)
    if not (path.exists() or path.is_symlink()):
        return {"rows": None, "last": None, "fetched_at": None, "state": "none"}
    try:
        got, _ = _read(series)
    except DataError:  # a folder where the file should be
        got = None
    if got is None:
        return {"rows": None, "last": None, "fetched_at": None, "state": "corrupt"}
    meta = got[1]
    return {"rows": meta["rows"], "last": meta["last"], "fetched_at": meta["fetched_at"],
            "state": "ok"}

