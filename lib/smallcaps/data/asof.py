"""The kit's one as-of rule.

A report *as of* a date uses no data after that date.  :func:`resolve_asof` turns a requested
as-of (or none) into the effective date every notebook and the runner use:

* **Default** (no date given): the last date on which every *reference series* has a complete
  bar.  The reference series are the kit's subject, RUT and SPX, unless the caller names others
  (``reference=``) or ``$SMALLCAPS_REFERENCE`` lists them (``"RUT,SPX"``).
* **An explicit date** resolves to the last such date on or before it: a weekend or holiday
  resolves to the trading day before it, and :class:`AsOf` keeps both dates so a page can say
  "as of 2026-02-20 (requested 2026-02-22)".
* A last row that the provenance flags as *provisional* (an intraday snapshot: Volume 0 on the
  last row only) is **not** a complete bar unless the caller asks for provisional bars
  (``provisional=True``).

Series that end before the effective date are shown as of their own last date and flagged
``stale`` in their provenance by :func:`smallcaps.data.load`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

from smallcaps.dates import parse_date
from smallcaps.errors import DataError

__all__ = ["AsOf", "DEFAULT_REFERENCE", "reference_keys", "resolve_asof"]

DEFAULT_REFERENCE = ("RUT", "SPX")
#: An explicit as-of may lie this many calendar days after the last complete bar (a long
#: weekend, a holiday, a report dated the Sunday after the close); later is refused.
MAX_DAYS_AFTER_DATA = 7


@dataclass(frozen=True)
class AsOf:
    """An effective as-of date and how it was reached.

    Attributes
    ----------
    date : str
        The effective as-of date, ``YYYY-MM-DD``: the last complete bar of the reference series
        on or before ``requested``.
    requested : str or None
        The date asked for (None: the default rule).
    reference : tuple of str
        The reference series the rule used.
    provisional : bool
        Whether provisional last rows counted as bars.
    """

    date: str
    requested: str | None
    reference: tuple[str, ...]
    provisional: bool = False

    @property
    def timestamp(self) -> pd.Timestamp:
        return pd.Timestamp(self.date)

    @property
    def snapped(self) -> bool:
        """True when the requested date was not itself a complete bar of the reference."""
        return self.requested is not None and self.requested != self.date

    def describe(self) -> str:
        """``"2026-02-20"`` or ``"2026-02-20 (requested 2026-02-22, not a trading day of RUT
        and SPX)"``."""
        if not self.snapped:
            return self.date
        return (f"{self.date} (requested {self.requested}: the last complete bar of "
                f"{' and '.join(self.reference)} on or before it)")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["reference"] = list(self.reference)
        return out

    @classmethod
    def from_value(cls, value) -> AsOf | None:
        """An :class:`AsOf` from itself or its :meth:`to_dict` (None otherwise)."""
        if isinstance(value, AsOf):
            return value
        if isinstance(value, dict) and "date" in value:
            return cls(date=value["date"], requested=value.get("requested"),
                       reference=tuple(value.get("reference") or DEFAULT_REFERENCE),
                       provisional=bool(value.get("provisional", False)))
        return None


def reference_keys(reference: Iterable[str] | str | None = None) -> tuple[str, ...]:
    """The reference series: ``reference``, else ``$SMALLCAPS_REFERENCE``, else RUT and SPX."""
    if reference is None:
        env = os.environ.get("SMALLCAPS_REFERENCE", "").strip()
        reference = env.split(",") if env else DEFAULT_REFERENCE
    if isinstance(reference, str):
        reference = reference.split(",")
    keys = tuple(dict.fromkeys(k.strip() for k in reference if k and k.strip()))
    if not keys:
        raise DataError("no reference series; name at least one catalog key such as 'RUT'")
    return keys


def complete_dates(close: pd.Series, provisional_date, provisional: bool) -> pd.DatetimeIndex:
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
    import warnings

    from smallcaps.data.catalog import get_series
    from smallcaps.data.load import _complete_closes

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
