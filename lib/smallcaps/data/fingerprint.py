"""Data fingerprint: a short hash that changes when the data a report would read changes.

The report runner keys its incremental skip on it: a notebook is re-rendered when the CSV files,
the cached downloads or the catalog behind its data change.  Computing it reads the files but
never the network; the runner keeps it while the files' sizes and modification times stay the
same, so an up-to-date re-run stays fast.

For ``csv`` and ``auto`` it also validates every series file of the CSV folder
(:func:`smallcaps.data.load.check_csv_folder`), so that a broken file is refused, in one line,
before the runner starts any kernel (about 0.1 s for the ten files of 40 years of history).

What goes in, per ``source``:

* ``csv``: the content of the CSV file of every catalog series found in the data folder (and the
  name of the folder), plus the user catalog file.
* ``sample``: the source of the synthetic sample generator (``data/sample.py``): the sample is a
  deterministic function of it.
* ``live``: every file in the download cache folder.
* ``auto``: all of the above (a series may come from any of them).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from smallcaps.data.cache import cache_dir
from smallcaps.data.catalog import catalog, user_catalog_path
from smallcaps.data.load import SOURCES, check_csv_folder, find_csv, resolve_data_dir
from smallcaps.errors import DataError
from smallcaps.project import file_digest, resource_dir, tree_digest

__all__ = ["data_fingerprint", "watched_paths"]


def _sample_source() -> Path | None:
    """The synthetic sample's generator (``smallcaps/data/sample.py``, a package resource)."""
    folder = resource_dir("smallcaps.data")
    return None if folder is None else folder / "sample.py"


def data_fingerprint(source: str = "auto", data_dir: str | Path | None = None, *,
                     check: bool = True) -> str:
    """A 16-hex-digit fingerprint of the data behind ``source`` (see the module docstring).

    Parameters
    ----------
    source : str
        ``auto``, ``live``, ``csv`` or ``sample``.
    data_dir : str or Path, optional
        The CSV folder (default as in :func:`smallcaps.data.load`).
    check : bool
        Validate the CSV folder's files first (``csv`` and ``auto``).

    Returns
    -------
    str
        Changes whenever a file the data layer would read for ``source`` changes.

    Raises
    ------
    DataError
        An unknown source, or (``check``) a CSV file that a load would refuse.
    """
    if source not in SOURCES:
        raise DataError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    h = hashlib.sha256(f"source={source}\n".encode())
    cat = user_catalog_path()
    if cat.is_file():
        h.update(b"catalog:" + file_digest(cat).encode() + b"\n")
    if source in ("csv", "auto"):
        ddir = resolve_data_dir(data_dir)
        if check:
            check_csv_folder(ddir)
        h.update(f"data_dir={ddir.resolve()}\n".encode())
        for key, series in sorted(catalog().items()):
            path = find_csv(series, ddir)
            if path is not None:
                h.update(f"{key}:{path.name}:{file_digest(path)}\n".encode())
    if source in ("live", "auto"):
        h.update(b"cache:" + tree_digest(cache_dir()).encode() + b"\n")
    if source in ("sample", "auto"):
        sample = _sample_source()
        if sample is not None and sample.is_file():
            h.update(b"sample:" + file_digest(sample).encode() + b"\n")
    return h.hexdigest()[:16]


def watched_paths(source: str = "auto", data_dir: str | Path | None = None) -> list[Path]:
    """Files and folders whose change may change :func:`data_fingerprint` (for stat checks).

    The report runner keeps the fingerprint and the resolved as-of date while the size and
    modification time of these paths (folders: all files in them) stay the same.
    """
    paths = [user_catalog_path(), *filter(None, [_sample_source()])]
    if source in ("csv", "auto"):
        paths.append(resolve_data_dir(data_dir))
    if source in ("live", "auto"):
        paths.append(cache_dir())
    return paths
