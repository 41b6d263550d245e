"""Source selection, field extraction and provenance for :mod:`smallcaps.data`."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from smallcaps.data.asof import MAX_DAYS_AFTER_DATA, AsOf, reference_keys
from smallcaps.data.catalog import Series, catalog, get_series
from smallcaps.data.csvfile import read_csv
from smallcaps.data.schemas import check_format, validate
from smallcaps.dates import parse_date
from smallcaps.errors import DataError, ParameterError
from smallcaps.project import raw_data_dir

__all__ = [
    "SOURCES",
    "FIELDS",
    "SyntheticDataWarning",
    "resolve_data_dir",
    "check_csv_folder",
    "find_csv",
    "load",
    "load_ohlc",
    "load_bars",
    "provenance",
    "asof_of",
    "resolve_asof",
]

SOURCES = ("auto", "live", "csv", "sample")
FIELDS = ("open", "high", "low", "close", "adj_close", "volume")


class _MissingSeries(DataError):
    """The source has no file for a series (a CSV folder without it)."""


class SyntheticDataWarning(UserWarning):
    """Raised (as a warning) whenever the synthetic sample stands in for market data."""


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The CSV folder: ``data_dir``, else ``$SMALLCAPS_DATA_DIR``, else ``data/raw`` in the
    project folder (:func:`smallcaps.project.project_dir`)."""
    if data_dir:
        return Path(data_dir).expanduser()
    env = os.environ.get("SMALLCAPS_DATA_DIR")
    return Path(env).expanduser() if env else raw_data_dir()


def find_csv(series: Series, data_dir: Path) -> Path | None:
    """The file in ``data_dir`` holding ``series`` (``RUT.csv``, ``^RUT.csv``, ``GSPC.csv``...).

    A symbolic link that leads outside the folder is refused unless
    ``$SMALLCAPS_FOLLOW_SYMLINKS`` is ``1`` (a data folder never reads a system file by
    accident).  So are a name that is not a regular file (a folder, a named pipe, a link to
    nothing) and two files for one series (which one is meant cannot be known).

    Raises
    ------
    DataError
        One line naming the file and what would be valid.
    """
    if not data_dir.is_dir():
        return None
    found: list[Path] = []
    for stem in series.file_stems:
        for ext in (".csv", ".CSV"):
            p = data_dir / f"{stem}{ext}"
            if not (p.exists() or p.is_symlink()):
                continue
            _check_entry(p, data_dir)
            if not any(os.path.samefile(p, q) for q in found):  # RUT.CSV is RUT.csv on macOS
                found.append(p)
    if len(found) > 1:
        raise DataError(f"{' and '.join(str(p) for p in found)} both hold {series.key}; keep "
                        "one of them in the data folder")
    return found[0] if found else None


def _check_entry(path: Path, data_dir: Path) -> None:
    """A candidate file must be a regular file (through an allowed link)."""
    if path.is_symlink() and not path.exists():
        raise DataError(f"{path}: a symbolic link to a missing file; remove it or point it at "
                        "a CSV file")
    _check_link(path, data_dir)
    if path.is_dir():
        raise DataError(f"{path}: a folder, not a file; expected a CSV file of that name")
    if not path.is_file():
        raise DataError(f"{path}: not a regular file (a pipe or device); expected a CSV file")


def _check_link(path: Path, data_dir: Path) -> None:
    if not path.is_symlink() or os.environ.get("SMALLCAPS_FOLLOW_SYMLINKS") == "1":
        return
    if not path.resolve().is_relative_to(data_dir.resolve()):
        raise DataError(
            f"{path}: a symbolic link to a file outside the data folder; copy the file in, or "
            "set SMALLCAPS_FOLLOW_SYMLINKS=1 to allow links"
        )


# Parsed files and generated samples, kept for the life of the process: the as-of rule and
# the load that follows it read each file once.  Keyed by the file's identity (path, size,
# modification time), so an edited file is read again.
_PARSED: dict[tuple, pd.DataFrame] = {}
_PARSED_MAX = 64


def _memo(key: tuple, make):
    """``make()`` once per key; the warnings it gave are given again at every use (a load that
    follows the as-of rule, which hides warnings, still shows them)."""
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            made = make()
        _PARSED[key] = (made, [(w.category, str(w.message)) for w in caught])
    made, said = _PARSED[key]
    for category, message in said:
        warnings.warn(message, category, stacklevel=5)
    return made


def _from_csv(series: Series, data_dir: Path) -> tuple[pd.DataFrame, dict] | None:
    path = find_csv(series, data_dir)
    if path is None:
        return None
    st = path.stat()
    symbol = series.symbol if series.provider == "fred" else None

    def parse() -> pd.DataFrame:
        got = read_csv(path, symbol=symbol)
        check_format(got.attrs.get("format"), series.key, series.kind, series.provider,
                     str(path), symbol=series.symbol, named=got.attrs.get("header_symbols"))
        return validate(got, series.key, series.kind, str(path))

    frame = _memo(("csv", str(path.resolve()), st.st_size, st.st_mtime_ns, symbol), parse)
    mtime = pd.Timestamp(st.st_mtime, unit="s")
    info = {"source": "csv", "path": str(path), "format": frame.attrs.get("format"),
            "fetched_at": mtime.isoformat(timespec="seconds")}
    return frame, info


def check_csv_folder(data_dir: str | Path | None = None) -> list[Path]:
    """Read and validate the file of every catalog series in the CSV folder, as a load would.

    The report runner's check before any kernel starts (through
    :func:`smallcaps.data.fingerprint.data_fingerprint`): a broken file is refused then, not
    in the middle of a notebook.  Warnings (duplicate dates) are left to the loads.

    Returns
    -------
    list of Path
        The files checked (none when the folder does not exist).

    Raises
    ------
    DataError
        The first file that cannot be used, in one line (see :func:`load`).
    """
    ddir = resolve_data_dir(data_dir)
    checked = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for series in catalog().values():
            got = _from_csv(series, ddir)
            if got is not None:
                checked.append(Path(got[1]["path"]))
    return checked


def _from_sample(series: Series) -> tuple[pd.DataFrame, dict]:
    from smallcaps.data import sample

    frame = _memo(("sample", series.key), lambda: validate(
        sample.generate(series.key), series.key, series.kind, "the synthetic sample"))
    return frame, {"source": "sample", "fetched_at": None, "synthetic": True}


def _from_live(series: Series, start: pd.Timestamp | None, *, required: bool):
    """Network through the parquet cache; returns None when unavailable and not required."""
    from smallcaps.data import cache

    got = cache.fetch_through_cache(series, required=required)
    if got is not None:
        where = (f"cache file {got[1]['cache_file']}" if got[1].get("cache_file")
                 else f"the {series.provider} download of {series.key}")
        validate(got[0], series.key, series.kind, where)
    return got


def _one(series: Series, source: str, data_dir: Path, start) -> tuple[pd.DataFrame, dict]:
    frame, info = _one_source(series, source, data_dir, start)
    info = {**info, "provisional_date": _provisional_date(frame)}
    return frame, info


def _one_source(series: Series, source: str, data_dir: Path, start):
    if source == "csv":
        got = _from_csv(series, data_dir)
        if got is None:
            raise _MissingSeries(
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


def _check_args(source: str, field: str, start):
    if source not in SOURCES:
        raise DataError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    if field not in FIELDS:
        raise DataError(f"unknown field {field!r}; valid: {', '.join(FIELDS)}")
    try:
        s = parse_date(start, "start")
    except ParameterError as exc:
        raise DataError(str(exc)) from None
    return s


def _provisional_date(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The last date when the last row looks like an intraday snapshot: Volume 0 while (almost)
    every earlier row has volume.  Its values are kept; provenance flags it."""
    if "volume" not in frame.columns or len(frame) < 3:
        return None
    vol = frame["volume"]
    if vol.iloc[-1] == 0 and (vol.iloc[:-1] > 0).mean() > 0.9:
        return frame.index[-1]
    return None


def _prov(series: Series, frame: pd.DataFrame, info: dict, asof: AsOf | None = None) -> dict:
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
    for k in ("path", "format", "cache_file"):
        if info.get(k):
            out[k] = info[k]
    if info.get("stale"):
        out["cache_stale"] = True
    if asof is not None and len(frame) and frame.index[-1] < asof.timestamp:
        out["stale"] = True
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


def _complete_closes(key: str, source: str, data_dir, provisional: bool) -> pd.DatetimeIndex:
    """Dates on which ``key`` has a complete close (used by :func:`resolve_asof`)."""
    if source not in SOURCES:
        raise DataError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    series = get_series(key)
    frame, info = _one(series, source, resolve_data_dir(data_dir), None)
    if "close" not in frame.columns:
        raise DataError(f"{key} ({info.get('source')}) has no close")
    return _complete_dates(frame["close"], info.get("provisional_date"), provisional)


def _cut(series: Series, frame: pd.DataFrame, info: dict, s, asof: AsOf) -> pd.DataFrame:
    """``frame`` from ``s`` up to the as-of date, without a provisional last row unless the
    as-of rule counts it."""
    cut = _window(frame, s, asof.timestamp)
    flagged = info.get("provisional_date")
    if (not asof.provisional and flagged is not None and len(cut)
            and cut.index[-1] == flagged):
        cut = cut.iloc[:-1]
    return cut


def _no_data(key: str, info: dict, frame: pd.DataFrame, s, e) -> DataError:
    rng = f"{s:%Y-%m-%d}" if s is not None else "the beginning"
    rng += f" to {e:%Y-%m-%d}" if e is not None else " onwards"
    if not len(frame):
        return DataError(f"no {key} data at all in source {info.get('source')}")
    return DataError(
        f"no {key} data from {rng} (source {info.get('source')} has "
        f"{frame.index[0]:%Y-%m-%d} to {frame.index[-1]:%Y-%m-%d})"
    )


def _as_of(asof, source, data_dir, reference, provisional, keys) -> AsOf:
    """The as-of rule for a load of ``keys``; synthetic-data warnings are left to the load of
    the series themselves (they would repeat)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntheticDataWarning)
            return resolve_asof(asof, source, data_dir, reference=reference,
                                provisional=provisional, fallback=keys)
    except ParameterError as exc:
        raise DataError(str(exc)) from None


def load(
    keys: str | Iterable[str],
    start=None,
    asof=None,
    field: str = "close",
    source: str = "auto",
    data_dir: str | Path | None = None,
    *,
    reference: Iterable[str] | None = None,
    provisional: bool = False,
) -> pd.DataFrame:
    """Load one field for catalog series, one column per key, up to one as-of date.

    Parameters
    ----------
    keys : str or list of str
        Catalog keys (``"RUT"``, ``["RUT", "SPX"]``).
    start : date-like, optional
        First date (inclusive); default the whole history.
    asof : date-like or AsOf, optional
        The report's as-of date, resolved by the kit's one rule (:func:`resolve_asof`): blank
        for the last complete bar of the reference series, a date for the last complete bar on
        or before it.  Nothing after it is returned.
    field : str
        ``close`` (default), ``adj_close``, ``open``, ``high``, ``low`` or ``volume``.  Yields
        (FRED) have only ``close``: the rate in percent.  ``adj_close`` falls back to ``close``
        for series that have no adjustment (indexes).
    source : str
        ``auto``, ``live``, ``csv`` or ``sample`` (see module docstring).
    data_dir : str or Path, optional
        CSV folder for ``csv`` and ``auto``.
    reference : list of str, optional
        Reference series of the as-of rule (default RUT and SPX, or ``$SMALLCAPS_REFERENCE``).
    provisional : bool
        Count a provisional last row (an intraday snapshot) as a bar.

    Returns
    -------
    DataFrame
        Indexed by date (the union of the series' dates; a series is NaN on dates it lacks),
        one column per key; ``attrs["provenance"]`` maps key -> provenance dict (``stale`` is
        True for a series that ends before the as-of date), ``attrs["asof"]`` is the resolved
        :class:`AsOf` as a dict.
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise DataError("no series keys given; name at least one catalog key such as 'RUT'")
    s = _check_args(source, field, start)
    ddir = resolve_data_dir(data_dir)
    when = _as_of(asof, source, data_dir, reference, provisional, keys)
    if s is not None and s > when.timestamp:
        raise DataError(f"start {s:%Y-%m-%d} is after the as-of date {when.date}")
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
        sub = _cut(series, frame[[col]], info, s, when)[col].dropna()
        if sub.empty:
            raise _no_data(key, info, frame, s, when.timestamp)
        cols[key] = sub
        prov[key] = _prov(series, sub, info, when)
    out = pd.DataFrame(cols)
    out.index.name = "date"
    out.attrs["provenance"] = prov
    out.attrs["field"] = field
    out.attrs["asof"] = when.to_dict()
    return out


def load_ohlc(
    key: str,
    start=None,
    asof=None,
    source: str = "auto",
    data_dir: str | Path | None = None,
    *,
    reference: Iterable[str] | None = None,
    provisional: bool = False,
) -> pd.DataFrame:
    """Load an OHLCV frame for one price series up to the as-of date, ready for
    ``mplfinance.plot``.

    Parameters are those of :func:`load`.

    Returns
    -------
    DataFrame
        Columns ``Open, High, Low, Close, Volume`` (Volume is NaN-free: 0 where unknown),
        ``attrs["provenance"]`` and ``attrs["asof"]`` as in :func:`load`.  Rows without a close
        are dropped; a missing Open/High/Low is filled from the close of the same row.
    """
    s = _check_args(source, "close", start)
    series = get_series(key)
    if series.kind != "price":
        raise DataError(f"{key} is a {series.kind} series; OHLC needs a price series")
    when = _as_of(asof, source, data_dir, reference, provisional, [key])
    frame, info = _one(series, source, resolve_data_dir(data_dir), s)
    frame = _cut(series, frame, info, s, when)
    frame = frame[frame["close"].notna()]
    if frame.empty:
        raise DataError(f"no {key} data in the requested range")
    out = pd.DataFrame(index=frame.index)
    for col in ("open", "high", "low"):
        out[col.title()] = frame[col].fillna(frame["close"]) if col in frame else frame["close"]
    out["Close"] = frame["close"]
    out["Volume"] = frame["volume"].fillna(0) if "volume" in frame else 0.0
    out.index.name = "date"
    out.attrs["provenance"] = {key: _prov(series, out, info, when)}
    out.attrs["asof"] = when.to_dict()
    return out


def load_bars(
    keys: str | Iterable[str],
    start=None,
    asof=None,
    source: str = "auto",
    data_dir: str | Path | None = None,
    *,
    provisional: bool = False,
) -> dict[str, pd.DataFrame]:
    """:func:`load_ohlc` for several price series at one resolved as-of date.

    Returns
    -------
    dict
        key -> OHLCV frame (as :func:`load_ohlc`), in the order given, duplicates dropped.
    """
    keys = [keys] if isinstance(keys, str) else list(dict.fromkeys(keys))
    if not keys:
        raise DataError("no series keys given; name at least one catalog key such as 'RUT'")
    when = _as_of(asof, source, data_dir, None, provisional, keys)
    return {k: load_ohlc(k, start=start, asof=when, source=source, data_dir=data_dir)
            for k in keys}


def provenance(frame: pd.DataFrame) -> dict:
    """The per-series provenance dict carried by a loaded frame (empty if none)."""
    return dict(frame.attrs.get("provenance", {}))


def asof_of(frame: pd.DataFrame) -> AsOf:
    """The resolved :class:`AsOf` a loaded frame carries.

    Raises
    ------
    DataError
        For a frame that did not come from :func:`load` or :func:`load_ohlc`.
    """
    got = AsOf.from_value(frame.attrs.get("asof"))
    if got is None:
        raise DataError("this frame carries no as-of date; load it with smallcaps.data.load")
    return got


# ---------------------------------------------------------------------------------------------
# The as-of rule (see smallcaps.data.asof)
# ---------------------------------------------------------------------------------------------

def _complete_dates(close: pd.Series, provisional_date, provisional: bool) -> pd.DatetimeIndex:
    """Dates of ``close`` that are complete bars (the provisional last row excluded unless
    ``provisional``)."""
    s = close.dropna()
    flagged = provisional_date
    last_is_flagged = len(s) > 0 and flagged is not None and s.index[-1] == flagged
    if last_is_flagged and not provisional:
        s = s.iloc[:-1]
    return pd.DatetimeIndex(s.index)


def _reference_dates(keys, source, data_dir, provisional, required: bool) -> dict:
    """key -> complete-bar dates of the reference series the source has (all of them, or an
    error, when ``required``)."""
    for key in keys:
        get_series(key)  # an unknown reference key is an error, never skipped
    found = {}
    for key in keys:
        try:
            with warnings.catch_warnings():
                if not required:
                    warnings.simplefilter("ignore")
                found[key] = _complete_closes(key, source, data_dir, provisional)
        except DataError:  # not in this CSV folder, or no network for it
            if required:
                raise
    return found


def resolve_asof(
    asof=None,
    source: str = "auto",
    data_dir=None,
    *,
    reference: Iterable[str] | str | None = None,
    provisional: bool = False,
    fallback: Iterable[str] | None = None,
    what: str = "asof",
) -> AsOf:
    """Resolve the effective as-of date (see the module docstring for the rule).

    Parameters
    ----------
    asof : str, date-like, AsOf or None
        The requested date; None or ``""`` for the default rule.  An :class:`AsOf` is returned
        as it is.
    source, data_dir
        As for :func:`smallcaps.data.load`.
    reference : list of str, optional
        Reference series (default ``$SMALLCAPS_REFERENCE`` or RUT and SPX).
    provisional : bool
        Count provisional last rows as bars.
    fallback : list of str, optional
        Series to use as the reference when the source has none of the reference series (a
        CSV folder without RUT and SPX): :func:`smallcaps.data.load` passes the keys it loads.
    what : str
        The input's name in errors (``"--asof"`` for the command line).

    Raises
    ------
    DataError
        When the reference series have no complete bar in common on or before the date.
    """
    given = AsOf.from_value(asof)
    if given is not None:
        return given
    want = parse_date(asof, what)
    keys = reference_keys(reference)
    found = _reference_dates(keys, source, data_dir, provisional,
                             required=fallback is None)
    if not found and fallback is not None:
        keys = reference_keys(fallback)
        found = _reference_dates(keys, source, data_dir, provisional, required=True)
    keys = tuple(found)
    common = None
    for dates in found.values():
        common = dates if common is None else common.intersection(dates)
    if common is None or len(common) == 0:
        raise DataError(f"{what}: {' and '.join(keys)} have no complete bar in common")
    first, last = common[0], common[-1]
    span = (f"valid: {first:%Y-%m-%d} to {last:%Y-%m-%d} (the complete bars of "
            f"{' and '.join(keys)}), or empty for the last one")
    if want is not None and want < first:
        raise DataError(f"{what} {want:%Y-%m-%d} is before the data; {span}")
    if want is not None and (want - last).days > MAX_DAYS_AFTER_DATA:
        raise DataError(f"{what} {want:%Y-%m-%d} is after the data; {span}")
    date = last if want is None else common[common <= want][-1]
    return AsOf(date=f"{date:%Y-%m-%d}", requested=None if want is None else f"{want:%Y-%m-%d}",
                reference=keys, provisional=bool(provisional))
