"""User-facing error types.

A :class:`SmallcapsError` is a mistake in the user's input (an unknown series key, a bad date, an
unreadable CSV, no network when live data was demanded).  Its message is one line that names the
input and says what would be valid; the command-line interface prints it without a traceback and
exits with status 2.
"""

from __future__ import annotations

__all__ = ["SmallcapsError", "DataError", "ParameterError", "NetworkError"]


class SmallcapsError(ValueError):
    """A user mistake or an unavailable input, reported as one clear line."""


class DataError(SmallcapsError):
    """Data could not be loaded: unknown key, unreadable file, no data in range, no network."""


class ParameterError(SmallcapsError):
    """A notebook or analysis parameter is out of its valid range."""


class NetworkError(DataError):
    """A data provider could not be reached (timeout, no connection, empty answer)."""
