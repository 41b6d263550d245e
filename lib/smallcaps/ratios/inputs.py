"""Inputs of the ratio study: pairs ``"A/B"`` of catalog keys, the report's dates and the
price basis of each series.

The as-of date is the loaded frame's (:func:`smallcaps.data.load` resolves it once, by the
kit's one rule); this module only places the chart window and the rebase date onto trading
days of the loaded data with :mod:`smallcaps.calendar`.

The basis: a frame loaded with ``field="adj_close"`` holds dividend-adjusted closes for ETFs
(a **total return**) and plain closes for indexes (``adj_close`` falls back to ``close``: an
**index level, price only**); a frame loaded with ``field="close"`` holds price-only closes
for both.  :func:`series_basis` names the basis of a series from the frame's field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from smallcaps import calendar, data
from smallcaps.dates import parse_date
from smallcaps.errors import DataError, ParameterError, SmallcapsError

__all__ = ["DEFAULT_PAIRS", "DEFAULT_YEARS", "ETF_FIELDS", "TOTAL_RETURN", "INDEX_LEVEL",
           "FUND_PRICE", "Window", "parse_pairs", "pair_keys", "frame_field", "series_basis",
           "alternative_field", "is_fund"]

DEFAULT_PAIRS = ("RUT/SPX", "RUT/NDX", "DJI/NDX", "NDX/SPX", "IWM/QQQ")
#: calendar years of the default chart window
DEFAULT_YEARS = 5
#: the fields a ratio study reads ETF prices from (``adj_close`` is the default)
ETF_FIELDS = ("adj_close", "close")
#: basis of an ETF on dividend-adjusted closes
TOTAL_RETURN = "total return, dividend-adjusted"
#: basis of an index (its level: no dividends, whatever the field)
INDEX_LEVEL = "index level, price only"
#: basis of an ETF on plain closes
FUND_PRICE = "price only, not dividend-adjusted"


def is_fund(key: str) -> bool:
    """True for a fund (ETF) in the catalog: a price series quoted in USD."""
    try:
        s = data.get_series(key)
    except SmallcapsError:
        return False
    return s.kind == "price" and s.units == "USD"


def frame_field(prices: pd.DataFrame) -> str:
    """The field a frame was loaded with (``attrs["field"]``; ``"close"`` for a frame built by
    hand).

    Raises
    ------
    ParameterError
        For a field a ratio study cannot read (only ``adj_close`` or ``close``).
    """
    got = prices.attrs.get("field", "close")
    if got not in ETF_FIELDS:
        raise ParameterError(
            f"prices were loaded with field {got!r}; ratio studies read closes: load with "
            f"field='adj_close' (ETFs as total returns) or field='close' (price only)"
        )
    return got


def series_basis(key: str, field: str) -> str:
    """What a series' values measure: :data:`TOTAL_RETURN` for an ETF on ``adj_close``,
    :data:`FUND_PRICE` for an ETF on ``close``, :data:`INDEX_LEVEL` for an index."""
    if not is_fund(key):
        return INDEX_LEVEL
    return TOTAL_RETURN if field == "adj_close" else FUND_PRICE


def alternative_field(etf_field: str) -> str:
    """The other ETF field: ``"close"`` for ``"adj_close"`` and back (to show what the
    dividend adjustment moves).

    Raises
    ------
    ParameterError
        For anything but ``"adj_close"`` or ``"close"``.
    """
    if etf_field not in ETF_FIELDS:
        raise ParameterError(
            f"etf_field {etf_field!r} is not valid; use 'adj_close' (total return, "
            "dividend-adjusted) or 'close' (price only)"
        )
    return ETF_FIELDS[1 - ETF_FIELDS.index(etf_field)]


def _parse_pair(pair: str) -> tuple[str, str]:
    """Split ``"A/B"`` into two catalog keys of price series.

    Raises
    ------
    SmallcapsError
        Malformed string, the same key twice, an unknown key, or a yield series.
    """
    if not isinstance(pair, str) or pair.count("/") != 1:
        raise SmallcapsError(
            f"pair {pair!r} is not of the form 'A/B' (two catalog keys separated by one '/'), "
            "e.g. 'RUT/SPX'"
        )
    num, den = (p.strip() for p in pair.split("/"))
    if not num or not den:
        raise SmallcapsError(f"pair {pair!r} lacks a key on one side of '/'; e.g. 'RUT/SPX'")
    if num == den:
        raise SmallcapsError(f"pair {pair!r} divides {num} by itself; name two different keys")
    cat = data.catalog()
    prices = [k for k, s in cat.items() if s.kind == "price"]
    for key in (num, den):
        if key not in cat:
            raise SmallcapsError(
                f"pair {pair!r}: unknown series {key!r}; known price series: {', '.join(prices)}"
            )
        if cat[key].kind != "price":
            raise SmallcapsError(
                f"pair {pair!r}: {key} is a {cat[key].kind} series; ratios need price series: "
                f"{', '.join(prices)}"
            )
    return num, den


def parse_pairs(pairs: str | Iterable[str]) -> list[str]:
    """Validate pairs and return them normalised as ``"A/B"`` (order kept, duplicates dropped).

    ``pairs`` is a list of ``"A/B"`` strings or one comma-separated string.

    Raises
    ------
    SmallcapsError
        An empty list, or a pair that is malformed, divides a key by itself, names an unknown
        key or a series that is not a price.
    """
    if isinstance(pairs, str):
        pairs = [p for p in pairs.split(",") if p.strip()]
    out: list[str] = []
    for p in pairs:
        num, den = _parse_pair(p)
        name = f"{num}/{den}"
        if name not in out:
            out.append(name)
    if not out:
        raise SmallcapsError("pairs is empty; name at least one pair such as 'RUT/SPX'")
    return out


def pair_keys(pairs: str | Iterable[str], also: Iterable[str] | str = ()) -> list[str]:
    """The catalog keys used by ``pairs``, then those in ``also`` (e.g. the ranked series), in
    order of first appearance: the keys a notebook loads."""
    keys: list[str] = []
    extra = [also] if isinstance(also, str) else list(also)
    for k in [k for p in parse_pairs(pairs) for k in p.split("/")] + extra:
        if k not in keys:
            keys.append(k)
    return keys


def _require(prices: pd.DataFrame, keys: Sequence[str]) -> None:
    missing = [k for k in keys if k not in prices.columns]
    if missing:
        raise DataError(
            f"series {', '.join(missing)} not in the loaded prices (columns: "
            f"{', '.join(map(str, prices.columns))}); load them with smallcaps.data.load"
        )


def _frame_asof(prices: pd.DataFrame) -> tuple[pd.Timestamp, str | None]:
    """The as-of date a loaded frame carries (and the date requested), or for a frame built
    by hand (no ``attrs["asof"]``) its last date with a value."""
    if prices.attrs.get("asof") is not None:
        got = data.asof_of(prices)
        return got.timestamp, got.requested
    rows = prices.dropna(how="all")
    if rows.empty:
        raise DataError("no prices loaded; load the pairs' series with smallcaps.data.load")
    return pd.Timestamp(rows.index[-1]), None


@dataclass(frozen=True)
class Window:
    """Dates of a ratio report.

    Attributes
    ----------
    asof : Timestamp
        The report's as-of date: the loaded frame's (:func:`smallcaps.data.asof_of`).
    start : Timestamp
        First date shown on charts, a trading day: by default the first trading day on or after
        the date five calendar years before ``asof``; a given start moves forward onto the first
        trading day on or after it.  Statistics may use earlier history (a 200-day average
        needs it).
    rebase_date : Timestamp
        Date at which rebased lines equal 100 and from which *since* changes run: ``start`` by
        default; a given date moves back onto the last trading day on or before it.
    rebase_given : bool
        Whether the rebase date was given (then a pair that begins after it is an error).
    requested : str or None
        The as-of date asked for, when it differs from the report's (a weekend or holiday).
    """

    asof: pd.Timestamp
    start: pd.Timestamp
    rebase_date: pd.Timestamp
    rebase_given: bool = False
    requested: str | None = None


def _resolve_window(prices: pd.DataFrame, keys: Sequence[str], start="",
                    rebase_date="") -> Window:
    """Place the notebook's ``start`` and ``rebase_date`` (``""`` = default) onto trading days
    of ``keys`` in ``prices``.

    Raises
    ------
    ParameterError
        A date that does not parse, ``start`` not before the as-of date, ``rebase_date`` after
        it.
    """
    asof, requested = _frame_asof(prices)
    idx = prices[list(keys)].loc[:asof].dropna(how="all").index
    if idx.empty:
        raise DataError(f"no prices of {', '.join(keys)} up to {asof:%Y-%m-%d}; load them with "
                        "smallcaps.data.load")
    given_start = parse_date(start, "start")
    if given_start is None:
        s = calendar.years_before(asof, DEFAULT_YEARS, idx)
    elif given_start >= asof:
        s = given_start
    else:
        s = calendar.on_or_after(given_start, idx, "start")
    if s >= asof:
        raise ParameterError(
            f"start {s:%Y-%m-%d} is not before the as-of date {asof:%Y-%m-%d}; give an earlier "
            "start or '' for five years"
        )
    given_rebase = parse_date(rebase_date, "rebase_date")
    if given_rebase is None:
        reb = s
    elif given_rebase > asof:
        raise ParameterError(
            f"rebase_date {given_rebase:%Y-%m-%d} is after the as-of date {asof:%Y-%m-%d}; "
            "valid: a date up to the as-of date, or '' for the window start"
        )
    elif given_rebase < idx[0]:
        reb = given_rebase  # before every pair: the pair says so (see _analyze)
    else:
        reb = calendar.on_or_before(given_rebase, idx, "rebase_date")
    return Window(asof=asof, start=s, rebase_date=reb, rebase_given=given_rebase is not None,
                  requested=requested if requested != f"{asof:%Y-%m-%d}" else None)
