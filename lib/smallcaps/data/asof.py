"""The kit's one as-of rule: the :class:`AsOf` value and the reference series (the rule itself
runs in :func:`smallcaps.data.load.resolve_asof`, beside the loading it relies on).

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

from smallcaps.errors import DataError

__all__ = ["AsOf", "DEFAULT_REFERENCE", "MAX_DAYS_AFTER_DATA", "reference_keys"]

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
