"""The runner's up-to-date decisions: its small cache, the run's as-of date and the task keys.

The cache (``<out>/.smallcaps-cache.json``) keeps what is slow to find out and cheap to check:

* each notebook's parameters (papermill's inspection), by the notebook's content hash;
* the dates given on the command line, as :func:`smallcaps.dates.parse_date` normalised them;
* the *data state* of a run: the data fingerprint and the resolved as-of date
  (:func:`smallcaps.data.resolve_asof`), kept while the size and modification time of every data
  file stay the same (for ``--source auto`` also only on the same UTC day, since it may refresh
  from the network; ``live`` is never kept).

Losing the cache costs time, never correctness.  An up-to-date run decides everything from it
and from file hashes, without importing pandas.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from smallcaps.project import project_dir, resource_dir, tree_digest
from smallcaps.runner.files import atomic_write, stat_stamp

__all__ = ["CACHE_FILE", "Cache", "RUNNER_VERSION", "data_state", "lib_hash", "normalize_date",
           "task_key", "why_render"]

CACHE_FILE = ".smallcaps-cache.json"
RUNNER_VERSION = 2  # bump to invalidate every "up to date" decision
_ENV = ("SMALLCAPS_DATA_DIR", "SMALLCAPS_CACHE_DIR", "SMALLCAPS_CATALOG", "SMALLCAPS_OFFLINE",
        "SMALLCAPS_REFERENCE", "SMALLCAPS_PROJECT")


class Cache:
    """Small JSON cache beside the reports; losing it only costs time, never correctness."""

    def __init__(self, out: Path):
        self.path = Path(out) / CACHE_FILE
        try:
            doc = json.loads(self.path.read_text())
        except (OSError, ValueError):
            doc = {}
        if not isinstance(doc, dict) or doc.get("version") != RUNNER_VERSION:
            doc = {}
        self.notebooks: dict = doc.get("notebooks", {})
        self.data: dict = doc.get("data", {})
        self.dates: dict = doc.get("dates", {})
        self.dirty = False

    def save(self, keep_notebooks: set) -> None:
        """Write the cache (when something new was learnt), keeping the listed notebooks."""
        if not self.dirty:
            return
        self.notebooks = {k: v for k, v in self.notebooks.items() if k in keep_notebooks}
        self.data = dict(list(self.data.items())[-8:])
        self.dates = dict(list(self.dates.items())[-32:])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps({"version": RUNNER_VERSION, "notebooks": self.notebooks,
                                            "data": self.data, "dates": self.dates}))
        self.dirty = False


def normalize_date(value, what: str, cache: Cache) -> str | None:
    """``YYYY-MM-DD`` of a date option (None when blank), by :func:`smallcaps.dates.parse_date`.

    The answer for a given text is remembered in ``cache``, so an up-to-date run does not import
    pandas to read ``--asof 2024-12-31`` again.  A bad date raises the parser's one-line
    :class:`~smallcaps.errors.ParameterError` naming ``what``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    key = f"{type(value).__name__}:{value}"
    if key not in cache.dates:
        from smallcaps.dates import parse_date

        cache.dates[key] = f"{parse_date(value, what):%Y-%m-%d}"
        cache.dirty = True
    return cache.dates[key]


def lib_hash() -> str:
    """A short digest of the library's source (the ``smallcaps`` package, templates included)."""
    return tree_digest(resource_dir("smallcaps"))[:16]


def data_state(source: str, data_dir: str, requested: str | None, cache: Cache, lib: str,
               note) -> tuple[str, dict]:
    """The data fingerprint and the run's as-of date.

    Parameters
    ----------
    source : str
        ``auto``, ``live``, ``csv`` or ``sample``.
    data_dir : str
        The CSV folder (absolute) or ``""`` for the default.
    requested : str or None
        The ``--asof`` asked for (``YYYY-MM-DD``) or None for the default rule.
    cache : Cache
        Where the answer is kept while the data files' sizes and modification times stay the
        same.
    lib : str
        The library digest (a new library may read the data differently).
    note : callable
        Prints a status line (the synthetic-data note).

    Returns
    -------
    (str, dict)
        The fingerprint, and the as-of as a dict with ``date`` (the effective as-of
        ``YYYY-MM-DD``), ``requested`` and ``reference`` (the series the rule used).
    """
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d") if source == "auto" else ""
    env = [os.environ.get(k, "") for k in _ENV]
    memo_key = json.dumps([source, data_dir, requested, env, str(project_dir()), lib, day])
    memo = cache.data.get(memo_key) if source != "live" else None
    if memo is not None and memo.get("stamp") == stat_stamp(memo.get("paths", [])):
        return memo["fingerprint"], memo["asof"]

    import warnings

    from smallcaps import data
    from smallcaps.data import fingerprint as fpm

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        when = data.resolve_asof(requested, source=source, data_dir=data_dir or None,
                                 what="--asof")
    synthetic = [str(w.message) for w in caught if "SYNTHETIC" in str(w.message).upper()]
    if synthetic:
        import re

        keys = list(dict.fromkeys(m.group(1) for text in synthetic
                                  if (m := re.search(r" for (\S+?);", text))))
        note(f"note: SYNTHETIC DATA: no CSV, cache or network for {', '.join(keys)}; the "
             "deterministic synthetic sample stands in (not market data)" if keys
             else f"note: {synthetic[0].splitlines()[0]}")
    asof = {"date": when.date, "requested": when.requested, "reference": list(when.reference)}
    paths = [str(p) for p in fpm.watched_paths(source, data_dir or None)]
    fp = fpm.data_fingerprint(source, data_dir or None)
    if source != "live":
        cache.data[memo_key] = {"paths": paths, "stamp": stat_stamp(paths), "fingerprint": fp,
                                "asof": asof}
        cache.dirty = True
    return fp, asof


def task_key(spec: dict, inject: dict, requested: str | None, fp: str, lib: str,
             show_code: bool, kernel: str) -> str:
    """The key of one render: equal keys mean the same page (so an equal one is skipped)."""
    blob = json.dumps({"runner": RUNNER_VERSION, "notebook": spec["sha"], "params": inject,
                       "requested": requested, "data": fp, "lib": lib,
                       "show_code": bool(show_code), "kernel": kernel},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def why_render(old: dict | None, spec: dict, inject: dict, requested: str | None, fp: str,
               lib: str, show_code: bool, force: bool) -> str:
    """Why a notebook is rendered again (for the status line)."""
    if force:
        return "forced"
    if not old:
        return "new"
    if old.get("status") != "ok":
        return "last render failed"
    inputs = old.get("inputs") or {}
    if inputs.get("notebook_sha256") != spec["sha"]:
        return "notebook changed"
    if old.get("injected") != inject:
        return "parameters changed"
    if old.get("asof_requested") != requested:
        return "as-of request changed"
    if inputs.get("data_fingerprint") != fp:
        return "data changed"
    if inputs.get("lib_hash") != lib:
        return "library changed"
    if bool(inputs.get("show_code")) != bool(show_code):
        return "--show-code changed"
    return "output missing"
