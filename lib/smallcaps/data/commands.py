"""``smallcaps data list`` and ``smallcaps data fetch``: the catalog and the download cache."""

from __future__ import annotations

import argparse
import sys
import warnings

import pandas as pd

from smallcaps.data import cache
from smallcaps.data.catalog import catalog, get_series, user_catalog_path
from smallcaps.data.load import find_csv, resolve_data_dir

__all__ = ["catalog_table", "fetch_command", "format_table", "list_command"]


def catalog_table(data_dir=None) -> pd.DataFrame:
    """The catalog with cache status and CSV presence, one row per series key.

    Columns: name, provider, symbol, kind, units, cache_rows, cache_last (YYYY-MM-DD, or
    ``corrupt``), fetched_at (UTC), csv_file (file name in the CSV folder, or empty).
    """
    ddir = resolve_data_dir(data_dir)
    rows = []
    for key, s in catalog().items():
        st = cache.status(s)
        csv = find_csv(s, ddir)
        rows.append({
            "key": key, "name": s.name, "provider": s.provider, "symbol": s.symbol,
            "kind": s.kind, "units": s.units,
            "cache_rows": st["rows"] if st["rows"] is not None else "",
            "cache_last": st["last"] or ("corrupt" if st["state"] == "corrupt" else ""),
            "fetched_at": st["fetched_at"] or "",
            "csv_file": csv.name if csv else "",
        })
    return pd.DataFrame(rows).set_index("key")


def format_table(table: pd.DataFrame) -> str:
    """A plain left-aligned text table (numbers right-aligned), one line per row."""
    cells = [[str(c) for c in table.columns]] + [
        ["" if v is None else str(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(r[j]) for r in cells) for j in range(len(table.columns))]
    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    lines = ["  ".join(v.rjust(w) if num and i else v.ljust(w)
                       for v, w, num in zip(r, widths, numeric, strict=True)).rstrip()
             for i, r in enumerate(cells)]
    return "\n".join(lines)


def list_command(args: argparse.Namespace) -> int:
    """Print the catalog with cache status; returns the exit status (0)."""
    table = catalog_table(getattr(args, "data_dir", None))
    ddir = resolve_data_dir(getattr(args, "data_dir", None))
    print(format_table(table.reset_index()))
    print(f"\ncache: {cache.cache_dir()}   CSV folder: {ddir}"
          f"{'' if ddir.is_dir() else ' (missing)'}   user catalog: {user_catalog_path()}")
    return 0


def fetch_command(args: argparse.Namespace) -> int:
    """Refresh the cache for the given keys (default: all) with a progress bar.

    Unknown keys and an unreachable network are DataErrors (one line, exit 2 from the CLI);
    a warning (a damaged cache file replaced) is one ``smallcaps: warning:`` line on stderr.
    """
    from tqdm import tqdm

    keys = list(getattr(args, "keys", None) or catalog())
    series = [get_series(k) for k in keys]  # unknown keys fail before any download
    cache.reset_network()
    lines = []
    bar = tqdm(series, desc="fetching", unit="series", file=sys.stderr,
               disable=not sys.stderr.isatty())
    try:
        for s in bar:
            bar.set_postfix_str(s.key)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame, info = cache.refresh(s, force=True)
            for w in caught:
                bar.write(f"smallcaps: warning: {str(w.message).splitlines()[0]}",
                          file=sys.stderr)
            lines.append(f"{s.key:<6} {s.provider}:{s.symbol:<8} {len(frame):>6} rows  "
                         f"{frame.index[0]:%Y-%m-%d} .. {frame.index[-1]:%Y-%m-%d}  "
                         f"(+{info['new_rows']} new)")
    finally:
        bar.close()
    print("\n".join(lines))
    print(f"cache: {cache.cache_dir()}")
    return 0
