"""The kit's one date parser: every date that comes from a parameter, an option or a file
header goes through :func:`parse_date` (and month-days through :func:`parse_month_day`).

A date is ``YYYY-MM-DD`` (anything :class:`pandas.Timestamp` reads is accepted); ``None`` and
``""`` mean *not given*.  Time zones are dropped and times of day truncated, so every date in
the kit is a naive midnight :class:`~pandas.Timestamp`.
"""

from __future__ import annotations

import calendar as _calendar
import re

import pandas as pd

from smallcaps.errors import ParameterError

__all__ = ["parse_date", "parse_month_day", "parse_window", "iso"]

_MD = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_date(value, what: str = "date", *, required: bool = False) -> pd.Timestamp | None:
    """Parse one date.

    Parameters
    ----------
    value : str, date-like or None
        ``"2024-11-29"``, a :class:`~pandas.Timestamp`, a :class:`datetime.date`; ``None`` or
        ``""`` (blank) means not given.
    what : str
        The name of the input, used in the error (``"asof"``, ``"--start"``).
    required : bool
        Refuse a blank value instead of returning None.

    Returns
    -------
    Timestamp or None
        Naive, normalised to midnight.

    Raises
    ------
    ParameterError
        One line naming ``what`` and the expected form.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ParameterError(f"{what} is required; expected a date YYYY-MM-DD")
        return None
    if isinstance(value, bool):
        raise ParameterError(f"{what} {value!r} is not a date; expected YYYY-MM-DD")
    try:
        ts = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        raise ParameterError(f"{what} {value!r} is not a date; expected YYYY-MM-DD") from None
    if pd.isna(ts):
        raise ParameterError(f"{what} {value!r} is not a date; expected YYYY-MM-DD")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def iso(value) -> str | None:
    """``YYYY-MM-DD`` of a date-like value (None stays None)."""
    ts = parse_date(value)
    return None if ts is None else f"{ts:%Y-%m-%d}"


def parse_month_day(text, name: str = "month-day") -> tuple[int, int]:
    """``"12-20"`` -> ``(12, 20)``; raise a one-line :class:`ParameterError` naming ``name``
    when ``text`` is not a valid ``"MM-DD"`` (``"02-29"`` is allowed)."""
    m = _MD.match(str(text).strip()) if isinstance(text, str) else None
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= _calendar.monthrange(2000, month)[1]:
            return month, day
    raise ParameterError(
        f"{name} {text!r} is not a valid month-day; expected 'MM-DD' with month 01-12 and a day "
        "that exists in that month, e.g. '12-20'"
    )


def parse_window(window, name: str = "window") -> tuple[tuple[int, int], tuple[int, int]]:
    """``["12-21", "01-15"]`` -> ``((12, 21), (1, 15))`` with clear errors for bad input."""
    if isinstance(window, str) or not hasattr(window, "__len__") or len(window) != 2:
        raise ParameterError(
            f"{name} {window!r} must be a pair of month-days [start, end], e.g. ['12-01', '12-20']"
        )
    a = parse_month_day(window[0], f"{name} start")
    b = parse_month_day(window[1], f"{name} end")
    if a == b:
        raise ParameterError(f"{name} {list(window)!r} starts and ends on the same month-day")
    return a, b
