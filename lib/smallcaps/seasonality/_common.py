"""Shared parts of the seasonality package (internal): month names, the as-of date of a
loaded frame and its provenance."""

from __future__ import annotations

import calendar as _calendar

import pandas as pd

from smallcaps.data import AsOf
from smallcaps.errors import ParameterError

__all__: list[str] = []

MONTH_NAMES = list(_calendar.month_name)[1:]
MONTH_ABBR = list(_calendar.month_abbr)[1:]


def frame_asof(prices: pd.DataFrame | pd.Series) -> tuple[pd.Timestamp, str]:
    """The as-of date of ``prices`` and how to say it.

    A frame from :func:`smallcaps.data.load` carries its resolved :class:`~smallcaps.data.AsOf`
    (``attrs["asof"]``): its date, described with the requested date when that was snapped
    (:meth:`AsOf.describe`).  Any other frame is as of its last date with a value.
    """
    given = AsOf.from_value(getattr(prices, "attrs", {}).get("asof"))
    if given is not None:
        return given.timestamp, given.describe()
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    full = frame.dropna(how="all")
    if full.empty:
        raise ParameterError("no closes to analyse: every series is empty")
    last = pd.Timestamp(full.index[-1]).normalize()
    return last, f"{last:%Y-%m-%d}"


def provenance(prices) -> dict:
    """The per-series provenance a loaded frame carries (empty for a plain frame)."""
    return dict(getattr(prices, "attrs", {}).get("provenance", {}))


def month_label(p: pd.Period) -> str:
    """``"YYYY-MM"`` of a monthly period."""
    return f"{p:%Y-%m}"
