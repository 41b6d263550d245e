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
        ``"plain"``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text CSV file (could not decode as UTF-8)") from None
    return parse_csv_text(text, str(path), symbol=symbol)


def parse_csv_text(text: str, name: str, symbol: str | None = None) -> pd.DataFrame:
    """Parse CSV text (see :func:`read_csv`); ``name`` is used in error messages."""
    rows = list(csv.reader(io.StringIO(text)))
    # keep original 1-based line numbers, drop blank lines
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        raise DataError(f"{name}: empty file; expected a header such as 'Date,Close'")
    header_line, header = numbered[0]
    head = [_norm(c) for c in header]

    if head and head[0] == "price" and len(numbered) > 1 and _norm(numbered[1][1][0]) == "ticker":
        fmt = "yfinance-multi"
        cols = []
        for j, c in enumerate(head[1:], start=1):
            if c == "price":
                cols.append("adj_close")
            elif c in _ALIASES:
                cols.append(_ALIASES[c])
            else:
                raise DataError(
                    f"{name}: line {header_line}, column {j + 1}: unknown price field "
                    f"{header[j]!r}; expected Open, High, Low, Close, Adj Close or Volume"
                )
        body = [(ln, r) for ln, r in numbered[1:] if _norm(r[0]) not in ("ticker", "date", "")]
    elif head and head[0] in _DATE_NAMES:
        rest = head[1:]
        if not rest:
            raise DataError(f"{name}: line {header_line}: a date column but no value column")
        if head[0] == "observation_date" or (
            len(rest) == 1 and header[0].strip() == "DATE" and rest[0] not in _ALIASES
        ):
            fmt = "fred"
            if len(rest) != 1:
                raise DataError(
                    f"{name}: line {header_line}: FRED export must have one value column"
                )
            if symbol and rest[0] != symbol.lower():
                raise DataError(
                    f"{name}: line {header_line}: FRED column {header[1]!r}, expected {symbol!r}"
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
                        f"{name}: line {header_line}, column {j + 1}: unknown column "
                        f"{header[j]!r}; expected Open, High, Low, Close, Adj Close, Volume"
                    )
                cols.append(_ALIASES[c])
            if "close" not in cols and "adj_close" not in cols:
                raise DataError(f"{name}: line {header_line}: no Close column in {header!r}")
        body = numbered[1:]
    else:
        raise DataError(
            f"{name}: line {header_line}: unrecognised header {','.join(header)!r}; expected a "
            "Yahoo export (Date,Open,High,Low,Close,Adj Close,Volume), a FRED export "
            "(observation_date,<ID>) or Date,Close"
        )
    if len(set(cols)) != len(cols):
        raise DataError(f"{name}: line {header_line}: duplicate columns in header {header!r}")

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
                    f"{name}: line {ln}: {cell!r} in column {cols[j]} is not a number "
                    "(expected a number, or empty / '.' / null for missing)"
                ) from None
    idx = pd.to_datetime(pd.Series(dates), format="%Y-%m-%d", errors="coerce")
    if idx.isna().any():
        k = int(np.flatnonzero(idx.isna().to_numpy())[0])
        raise DataError(
            f"{name}: line {body[k][0]}: date {body[k][1][0]!r} is not a date (expected YYYY-MM-DD)"
        )
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(idx, name="date"), columns=cols)
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="mergesort")
    dup = frame.index.duplicated(keep="last")
    if dup.any():
        dupdates = frame.index[dup]
        conflicting = [
            d for d in dupdates.unique()
            if not frame.loc[[d]].drop_duplicates().shape[0] == 1
        ]
        if conflicting:
            warnings.warn(
                f"{name}: {len(conflicting)} dates appear more than once with different values "
                f"(first {conflicting[0]:%Y-%m-%d}); the last row for each date is kept",
                stacklevel=2,
            )
        frame = frame[~dup]
    frame = frame[[c for c in COLUMNS if c in frame.columns]]
    frame.attrs["format"] = fmt
    return frame
