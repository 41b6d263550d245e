"""FRED daily series through the keyless graph CSV endpoint (``fredgraph.csv?id=DGS10``).

The CSV has a header ``observation_date,<ID>`` (older files: ``DATE,<ID>``); missing values are
an empty field or ``.``.  Parsed by :func:`smallcaps.data.csvfile.parse_csv_text`.
"""

from __future__ import annotations

import pandas as pd
import requests

from smallcaps.data.csvfile import parse_csv_text
from smallcaps.errors import NetworkError

__all__ = ["URL", "TIMEOUT", "fetch"]

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
TIMEOUT = 10  # seconds


def fetch(series_id: str, start: pd.Timestamp | None = None,
          timeout: float = TIMEOUT) -> pd.DataFrame:
    """Daily observations of a FRED series (``close`` = the value, NaN where FRED has none).

    Raises
    ------
    NetworkError
        FRED could not be reached, timed out, or answered with an error status.
    DataError
        The answer was not a FRED CSV for ``series_id``.
    """
    params = {"id": series_id}
    if start is not None:
        params["cosd"] = start.strftime("%Y-%m-%d")
    try:
        resp = requests.get(URL, params=params, timeout=timeout)
    except requests.RequestException as exc:
        raise NetworkError(f"FRED unreachable for {series_id} ({exc.__class__.__name__})") from None
    if resp.status_code != 200:
        raise NetworkError(f"FRED answered HTTP {resp.status_code} for {series_id}")
    frame = parse_csv_text(resp.text, f"FRED {series_id}", symbol=series_id)
    if start is not None:
        frame = frame.loc[frame.index >= start]
    return frame
