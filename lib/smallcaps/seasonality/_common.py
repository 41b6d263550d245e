"""Shared parts of the seasonality package (internal): month names, the as-of date of a
loaded frame and its provenance, the frame without them, the completeness test of one as-of
date and the positions of each year's (month's) dates."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable

import numpy as np
import pandas as pd

from smallcaps.calendar import next_session
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


def plain(prices: pd.DataFrame | pd.Series):
    """``prices`` without its ``attrs`` (a shallow copy sharing the data).

    pandas deep-copies an object's ``attrs`` (a loaded frame's provenance and as-of date) into
    the result of every operation on it, which costs more than the arithmetic on a column of
    daily closes; read them first (:func:`frame_asof`, :func:`provenance`), then work on this.
    """
    out = prices.copy(deep=False)
    out.attrs = {}
    return out


def completion(asof) -> Callable[[object], bool]:
    """:func:`smallcaps.calendar.period_complete` for one as-of date, as a function of the
    period's end: the first session after ``asof`` is found once, not once per period."""
    after = next_session(asof)
    return lambda period_end: bool(after > pd.Timestamp(period_end).normalize())


def spans(keys) -> dict:
    """``{key: (first, stop)}``: the positions of each run of equal keys of an array sorted
    in increasing order (a year or ``year * 12 + month - 1`` of each date of a sorted index),
    ``stop`` exclusive, keys as Python ints."""
    keys = np.asarray(keys)
    if keys.size == 0:
        return {}
    uniq, first = np.unique(keys, return_index=True)
    stop = np.r_[first[1:], keys.size]
    return dict(zip(uniq.tolist(), zip(first.tolist(), stop.tolist(), strict=True),
                    strict=True))


def month_keys(index: pd.DatetimeIndex) -> np.ndarray:
    """``year * 12 + month - 1`` of each date (consecutive months, consecutive keys)."""
    return index.year.to_numpy() * 12 + index.month.to_numpy() - 1
