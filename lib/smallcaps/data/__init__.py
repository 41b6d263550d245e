"""Data access: the only way the kit reads market data.

``load(keys, ...)`` returns closes (or another field) for catalog keys, one column per key;
``load_ohlc(key, ...)`` returns an OHLCV frame ready for mplfinance.  Each frame carries its
provenance per series in ``frame.attrs["provenance"]``: source (``csv``, ``cache``, ``yahoo``,
``fred`` or ``sample``), symbol, first and last date, rows, fetched-at, and ``synthetic``.

Sources (``source=``):

* ``"auto"`` per series: the CSV folder if it has the series, else the cache refreshed from the
  network, else the cache as is, else the deterministic synthetic sample with a loud warning.
* ``"live"``: the network (Yahoo or FRED) through the cache; fails clearly when unreachable.
* ``"csv"``: only the CSV folder (``data_dir``, else ``$SMALLCAPS_DATA_DIR``, else ``data/raw``).
* ``"sample"``: only the synthetic sample (never market data).

The as-of rule (:func:`resolve_asof`, used by :func:`load`, :func:`load_ohlc` and the report
runner alike): blank means the last date on which the reference series (RUT and SPX) have a
complete bar; a date means the last such bar on or before it.  Frames carry the resolved date
in ``frame.attrs["asof"]``.
"""

from __future__ import annotations

from smallcaps.data.asof import DEFAULT_REFERENCE, AsOf
from smallcaps.data.catalog import Series, catalog, get_series
from smallcaps.data.load import (
    FIELDS,
    SOURCES,
    SyntheticDataWarning,
    asof_of,
    load,
    load_bars,
    load_ohlc,
    provenance,
    resolve_asof,
    resolve_data_dir,
)
from smallcaps.errors import DataError

__all__ = [
    "AsOf",
    "DEFAULT_REFERENCE",
    "FIELDS",
    "SOURCES",
    "DataError",
    "Series",
    "catalog",
    "SyntheticDataWarning",
    "asof_of",
    "get_series",
    "load",
    "load_bars",
    "load_ohlc",
    "provenance",
    "resolve_asof",
    "resolve_data_dir",
]
