"""What a valid series is, declared once per kind of series (pandera schemas).

Every frame that enters the kit (a CSV file, a cache file, a provider download, the sample)
is checked against the schema of its catalog kind before any analysis sees it:

* **every series**: dates sorted, unique, and not after today;
* **price** (index levels, ETF prices): ``open``, ``high``, ``low``, ``close``, ``adj_close``
  finite and > 0 where present, ``volume`` finite and >= 0;
* **yield** (Treasury yields, the fed funds rate, in percent): ``close`` finite and within
  ``YIELD_RANGE`` (-5 % to 30 %: below every negative yield and above the 1981 peak of 22 %).

A violation is one line (:class:`~smallcaps.errors.DataError`) naming where the data came from,
the first offending date, the value and the rule.  Whether a *file* fits the series it is
loaded for (a FRED export is not a price series) is decided from its header, by
:func:`check_format`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from smallcaps.errors import DataError

__all__ = ["YIELD_RANGE", "FORMATS", "check_format", "validate"]

YIELD_RANGE = (-5.0, 30.0)
PRICE_FIELDS = ("open", "high", "low", "close", "adj_close")
#: CSV formats (``csvfile`` attrs["format"]) that can hold a series of each provider
FORMATS = {"yahoo": ("yahoo", "yfinance-multi", "plain"), "fred": ("fred", "plain")}


def _finite(s: pd.Series) -> pd.Series:
    return s.isna() | np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))


def _rule(name: str, check):
    return pa.Check(check, element_wise=False, error=name, ignore_na=False)


_FINITE = _rule("finite (no inf)", _finite)
_POSITIVE = _rule("> 0", lambda s: s.isna() | (s > 0))
_NON_NEGATIVE = _rule(">= 0", lambda s: s.isna() | (s >= 0))
_IN_RANGE = _rule(f"within {YIELD_RANGE[0]:g} % to {YIELD_RANGE[1]:g} %",
                  lambda s: s.isna() | s.between(*YIELD_RANGE))


def _index_checks(today: pd.Timestamp) -> list:
    latest = today + pd.Timedelta(days=1)  # today in any time zone
    return [
        _rule("dates sorted", lambda i: pd.Series(i.is_monotonic_increasing, index=[0])),
        _rule(f"no date after today ({today:%Y-%m-%d})", lambda i: i <= latest),
    ]


def _schema(kind: str, today: pd.Timestamp) -> pa.DataFrameSchema:
    if kind == "price":
        cols = {c: pa.Column(float, [_FINITE, _POSITIVE], nullable=True, required=False,
                             coerce=True) for c in PRICE_FIELDS}
        cols["volume"] = pa.Column(float, [_FINITE, _NON_NEGATIVE], nullable=True,
                                   required=False, coerce=True)
    else:
        cols = {"close": pa.Column(float, [_FINITE, _IN_RANGE], nullable=True, coerce=True)}
    return pa.DataFrameSchema(cols, index=pa.Index(checks=_index_checks(today), unique=True),
                              strict=False)


def validate(frame: pd.DataFrame, key: str, kind: str, where: str) -> pd.DataFrame:
    """Check a loaded series against the schema of its kind.

    Parameters
    ----------
    frame : DataFrame
        Indexed by date, columns among ``open, high, low, close, adj_close, volume``.
    key, kind : str
        The catalog key and kind (``price`` or ``yield``) it is loaded for.
    where : str
        Where it came from, for the message (a file path, "the cache file ...").

    Raises
    ------
    DataError
        One line: where, the first offending date and value, and the rule; or that the
        series has no value at all.
    """
    today = pd.Timestamp.now().normalize()
    value = next((c for c in ("close", "adj_close") if c in frame.columns), None)
    if value is None or not frame[value].notna().any():
        what = "rows" if frame.empty else f"{(value or 'close').replace('_', ' ')} values"
        raise DataError(f"{where}: no {what} for {key} (every one is missing); expected a "
                        f"number on at least one date")
    try:
        _schema(kind, today).validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise DataError(_message(exc.failure_cases, key, kind, where)) from None
    return frame


def _message(cases: pd.DataFrame, key: str, kind: str, where: str) -> str:
    first = cases.iloc[0]
    column = first.get("column")
    rule = str(first.get("check"))
    if rule == "field_uniqueness" or "unique" in rule:
        rule = "dates unique"
    count = len(cases)
    more = f" ({count} values break it)" if count > 1 else ""
    index = first.get("index")
    when = (f"{pd.Timestamp(index):%Y-%m-%d}" if index is not None and not pd.isna(index)
            else None)
    value = first.get("failure_case")
    if column in (None, "") or str(column) == key or first.get("schema_context") == "Index":
        what = f"date {pd.Timestamp(value):%Y-%m-%d}" if _is_date(value) else "its dates"
        return f"{where}: {what} breaks the rule '{rule}' for {key}{more}"
    at = f" on {when}" if when else ""
    shown = f"{float(value):g}" if isinstance(value, (int, float, np.number)) else repr(value)
    return (f"{where}: {column} = {shown}{at} breaks the rule '{rule}' for {key} "
            f"(a {kind} series){more}")


def _is_date(value) -> bool:
    try:
        return value is not None and not pd.isna(pd.Timestamp(value))
    except (TypeError, ValueError):
        return False


def check_format(fmt: str | None, key: str, kind: str, provider: str, where: str, *,
                 symbol: str | None = None, named: dict | None = None) -> None:
    """Refuse a file whose own header does not fit the series.

    A FRED export named like a price key (``DGS10.csv`` copied as ``RUT.csv``), a Yahoo price
    file for a yield, and a header that names another symbol (``named``: the FRED column or
    yfinance's Ticker row, ``{"line": n, "symbols": (...)}``) than the series' ``symbol``
    (``GSPC`` data saved as ``RUT.csv``) are one-line errors naming the file."""
    if fmt is not None and fmt not in FORMATS.get(provider, ()):
        wanted = {"yahoo": "a Yahoo or yfinance price export (Date,Open,High,Low,Close,...)",
                  "fred": "a FRED export (observation_date,<ID>)"}[provider]
        raise DataError(f"{where}: a {fmt} file cannot hold {key} (a {kind} series); "
                        f"expected {wanted} or Date,Close")
    names = tuple((named or {}).get("symbols") or ())
    if symbol and names and _plain(symbol) not in {_plain(n) for n in names}:
        shown = ", ".join(repr(n[:20]) for n in names[:3])
        raise DataError(f"{where}: line {named.get('line', 1)}: the header names {shown}, not "
                        f"{symbol!r} ({key}); a file of another series? expected {key}'s own")


def _plain(symbol: str) -> str:
    return symbol.strip().lstrip("^").upper()
