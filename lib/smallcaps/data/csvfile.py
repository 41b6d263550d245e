"""Read daily series from CSV files in the formats providers publish.

Detected from the header:

* **Yahoo export**: ``Date,Open,High,Low,Close,Adj Close,Volume`` in any column order, any subset
  that has a close (``Date,Close,High,Low,Open,Volume`` from auto-adjusted yfinance downloads,
  ``Date,Open,High,Low,Close`` from index histories).
* **yfinance multi-line header**: a first line ``Price,...``, one or two ``Ticker,...`` lines and a
  ``Date,,,`` line.  A data column headed ``Price`` holds the Adj Close (the layout some yfinance
  versions write), as does one headed ``Adj Close``.
* **FRED export**: ``observation_date,<ID>`` or ``DATE,<ID>``; ``.`` or an empty field is missing.
* **plain**: ``Date,Close`` or ``date,value`` (any single value column).

Every reader returns a frame indexed by a sorted, unique, timezone-naive ``DatetimeIndex`` named
``date``, with lower-case columns from ``open, high, low, close, adj_close, volume``.  Missing
values are NaN.  Problems are :class:`~smallcaps.errors.DataError` naming the file, the line and
what was expected.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from smallcaps.errors import DataError

__all__ = ["COLUMNS", "read_csv", "parse_csv_text"]

COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
_ALIASES = {
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adj close": "adj_close",
    "adj_close": "adj_close",
    "adjclose": "adj_close",
    "volume": "volume",
    "value": "close",
    "price": "close",
}
_DATE_NAMES = {"date", "observation_date", "datetime", "timestamp"}
_MISSING = {"", ".", "null", "nan", "na", "n/a", "none", "#n/a"}


def _norm(name: str) -> str:
    return name.strip().strip('"').lower()


def _cell(text: str) -> str:
    """A cell of the file for a message: quoted, on one line, at most 40 characters."""
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "...")


def read_csv(path: str | Path, symbol: str | None = None) -> pd.DataFrame:
    """Read one provider CSV file into a normalised daily frame.

    Parameters
    ----------
    path : str or Path
        The file.
    symbol : str, optional
        FRED series id expected in a FRED header (e.g. ``"DGS10"``); any single value column
        is accepted when omitted.

    Returns
    -------
    DataFrame
        Index ``date`` (sorted, unique); columns among ``open, high, low, close, adj_close,
        volume``; ``attrs["format"]`` is one of ``"yahoo"``, ``"yfinance-multi"``, ``"fred"``,
        ``"plain"``; ``attrs["header_symbols"]`` (when the header names its series: a FRED
        column, a yfinance Ticker row) is ``{"line": n, "symbols": (...)}``.

    Raises
    ------
    DataError
        One line naming the file and the line: not UTF-8 text, not a recognised header, no
        data rows, a short or long row, a cell that is not a number, a date that is not a
        date.  The bytes of a file that is not a recognised CSV are never shown.

    Notes
    -----
    The body is parsed by pyarrow's C++ CSV reader (linear in the number of rows, memory
    proportional to the data).  When it refuses a file (a cell that is not a number, a short
    row, a date it cannot read), the file is parsed again line by line, only to name the line
    and the rule in the error.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head_bytes = fh.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        head = head_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head_bytes) - 4:  # not merely a character cut at the buffer's end
            raise _not_utf8(path, head_bytes, exc) from None
        head = head_bytes[: exc.start].decode("utf-8-sig")
    layout = _layout(head.splitlines()[:_HEAD_LINES], str(path), symbol)
    frame = _fast_body(path, layout)
    if frame is None:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, raw, exc) from None
        frame = parse_csv_text(text, str(path), symbol=symbol)
    if frame.empty:
        raise DataError(f"{path}: no data, only a header; expected one row per date below it, "
                        "such as 2024-11-04,2209.22")
    return frame


def _not_utf8(path: Path, raw: bytes, exc: UnicodeDecodeError) -> DataError:
    """The error for a file that is not UTF-8 text: where, never what (the bytes are not
    shown: the file may be anything)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return DataError(f"{path}: a UTF-16 text file, not UTF-8; save it as CSV UTF-8 "
                         "(comma delimited)")
    start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig skips it
    line = raw.count(b"\n", 0, start) + 1
    return DataError(f"{path}: line {line} is not UTF-8 text; expected a CSV file saved as "
                     "UTF-8 (a binary file, a spreadsheet or Latin-1 text is not one)")


_HEAD_BYTES = 1 << 16
_HEAD_LINES = 8
#: null markers the fast reader knows (the slow path compares case-insensitively)
_NULLS = sorted({v for m in _MISSING for v in (m, m.upper(), m.title())})


def _layout(lines: list[str], name: str, symbol: str | None):
    """(format, columns, header rows) from the first lines, or None when the fast reader
    should not try (blank lines in the header, anything unusual): the slow path decides."""
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows or not any(c.strip() for c in rows[0]):
        return None
    try:
        fmt, cols, skip = _header(rows, name, symbol)
    except DataError:
        return None  # the slow path raises the same error with the line number
    if any(not any(c.strip() for c in r) for r in rows[:skip]):
        return None
    return fmt, cols, skip, _named(rows, fmt, skip)


def _fast_body(path: Path, layout) -> pd.DataFrame | None:
    """The body through pyarrow, or None to let the slow path parse (and explain) the file."""
    if layout is None:
        return None
    import pyarrow as pa
    from pyarrow import csv as pacsv

    fmt, cols, skip, named = layout
    names = ["date", *cols]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={"date": pa.timestamp("s"), **{c: pa.float64() for c in cols}},
                timestamp_parsers=["%Y-%m-%d", pacsv.ISO8601],
                null_values=_NULLS, strings_can_be_null=False, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    stamps = table.column("date")
    if stamps.null_count:
        return None
    # a time of day is dropped, as the exact parser keeps only YYYY-MM-DD
    idx = pd.DatetimeIndex(stamps.to_numpy(zero_copy_only=False), name="date").normalize()
    frame = pd.DataFrame({c: table.column(c).to_numpy(zero_copy_only=False) for c in cols},
                         index=idx.as_unit("us"))
    del table
    return _finish(frame, fmt, str(path), named)


def _header(rows: list[list[str]], name: str, symbol: str | None,
            first_line: int = 1) -> tuple[str, list[str], int]:
    """(format, value columns, number of header rows) from the first non-blank rows."""
    header = rows[0]
    head = [_norm(c) for c in header]
    if head and head[0] == "price" and len(rows) > 1 and rows[1] and _norm(rows[1][0]) == "ticker":
        cols = []
        for j, c in enumerate(head[1:], start=1):
            if c == "price":
                cols.append("adj_close")
            elif c in _ALIASES:
                cols.append(_ALIASES[c])
            else:
                raise DataError(
                    f"{name}: line {first_line}, column {j + 1}: unknown price field "
                    f"{_cell(header[j])}; expected Open, High, Low, Close, Adj Close or Volume"
                )
        skip = 1
        while skip < len(rows) and rows[skip] and _norm(rows[skip][0]) in ("ticker", "date"):
            skip += 1
        fmt = "yfinance-multi"
    elif head and head[0] in _DATE_NAMES:
        rest = head[1:]
        skip = 1
        if not rest:
            raise DataError(f"{name}: line {first_line}: a date column but no value column")
        if head[0] == "observation_date" or (
            len(rest) == 1 and header[0].strip() == "DATE" and rest[0] not in _ALIASES
        ):
            fmt = "fred"
            if len(rest) != 1:
                raise DataError(
                    f"{name}: line {first_line}: FRED export must have one value column"
                )
            if symbol and rest[0] != symbol.lower():
                raise DataError(
                    f"{name}: line {first_line}: FRED column {_cell(header[1])}, "
                    f"expected {symbol!r}"
                )
            cols = ["close"]
        elif len(rest) == 1:
            fmt = "plain"
            cols = ["close"]
        else:
            fmt = "yahoo"
            cols = []
            for j, c in enumerate(rest, start=1):
                if c not in _ALIASES:
                    raise DataError(
                        f"{name}: line {first_line}, column {j + 1}: unknown column "
                        f"{_cell(header[j])}; expected Open, High, Low, Close, Adj Close, Volume"
                    )
                cols.append(_ALIASES[c])
            if "close" not in cols and "adj_close" not in cols:
                raise DataError(f"{name}: line {first_line}: no Close column in the header")
    else:
        raise DataError(
            f"{name}: line {first_line}: not a recognised CSV header; expected a Yahoo export "
            "(Date,Open,High,Low,Close,Adj Close,Volume), a FRED export (observation_date,<ID>) "
            "or Date,Close"
        )
    if len(set(cols)) != len(cols):
        raise DataError(f"{name}: line {first_line}: duplicate columns in the header")
    return fmt, cols, skip


def _named(rows: list[list[str]], fmt: str, skip: int, first_line: int = 1) -> dict:
    """The symbols a header names, with its line: the FRED column, yfinance's Ticker row."""
    if fmt == "fred":
        return {"line": first_line, "symbols": (rows[0][1].strip(),)}
    for i, r in enumerate(rows[1:skip], start=1):
        if fmt == "yfinance-multi" and _norm(r[0]) == "ticker":
            found = tuple(dict.fromkeys(c.strip() for c in r[1:] if c.strip()))
            if found:
                return {"line": first_line + i, "symbols": found}
    return {}


def _finish(frame: pd.DataFrame, fmt: str, name: str, named: dict | None = None) -> pd.DataFrame:
    """Sort (stable), drop duplicate dates keeping the last row (warning when they differ),
    order the columns; vectorised, so linear in the number of rows."""
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="mergesort")
    dup = frame.index.duplicated(keep="last")
    if dup.any():
        repeated = frame[frame.index.duplicated(keep=False)]
        rows = pd.DataFrame({"date": repeated.index,
                             "row": pd.util.hash_pandas_object(repeated, index=False).to_numpy()})
        counts = rows.drop_duplicates().groupby("date").size()
        conflicting = counts.index[counts > 1]
        if len(conflicting):
            warnings.warn(
                f"{name}: {len(conflicting)} dates appear more than once with different values "
                f"(first {conflicting[0]:%Y-%m-%d}); the last row for each date is kept",
                stacklevel=3,
            )
        frame = frame[~dup]
    frame = frame[[c for c in COLUMNS if c in frame.columns]]
    frame.attrs["format"] = fmt
    if named:
        frame.attrs["header_symbols"] = named
    return frame


def parse_csv_text(text: str, name: str, symbol: str | None = None) -> pd.DataFrame:
    """Parse CSV text (see :func:`read_csv`) line by line; ``name`` is used in error messages.

    The slow, exact path: every problem is reported with its line number."""
    rows = list(csv.reader(io.StringIO(text)))
    # keep original 1-based line numbers, drop blank lines
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        raise DataError(f"{name}: empty file; expected a header such as 'Date,Close'")
    head = [r for _, r in numbered[:_HEAD_LINES]]
    fmt, cols, skip = _header(head, name, symbol, first_line=numbered[0][0])
    body = [(ln, r) for ln, r in numbered[skip:]
            if not (fmt == "yfinance-multi" and _norm(r[0]) in ("ticker", "date", ""))]

    dates: list[str] = []
    values = np.full((len(body), len(cols)), np.nan)
    for k, (ln, r) in enumerate(body):
        if len(r) != len(cols) + 1:
            raise DataError(
                f"{name}: line {ln}: {len(r)} fields, expected {len(cols) + 1} "
                f"(date plus {', '.join(cols)})"
            )
        dates.append(r[0].strip()[:10])
        for j, cell in enumerate(r[1:]):
            cell = cell.strip()
            if cell.lower() in _MISSING:
                continue
            try:
                values[k, j] = float(cell)
            except ValueError:
                raise DataError(
                    f"{name}: line {ln}: {cell[:40]!r} in column {cols[j]} is not a number "
                    "(expected a number, or empty / '.' / null for missing)"
                ) from None
    idx = pd.to_datetime(pd.Series(dates, dtype=object), format="%Y-%m-%d", errors="coerce")
    if idx.isna().any():
        k = int(np.flatnonzero(idx.isna().to_numpy())[0])
        raise DataError(
            f"{name}: line {body[k][0]}: date {body[k][1][0][:40]!r} is not a date "
            "(expected YYYY-MM-DD)"
        )
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(idx, name="date"), columns=cols)
    named = _named(head, fmt, skip, numbered[0][0])
    if named:  # the file line of the Ticker row, blank lines counted
        named["line"] = numbered[min(named["line"] - numbered[0][0], skip - 1)][0]
    return _finish(frame, fmt, name, named)
