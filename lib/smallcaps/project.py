"""The project folder: where a kit's user keeps data, reports and (optionally) notebooks.

The kit works the same from a clone of the repository and from ``pip install smallcaps``: it
never looks for these files beside its own install path.

**The project folder** is, in this order:

1. ``$SMALLCAPS_PROJECT`` when it is set;
2. the nearest folder at or above the working directory that holds report notebooks
   (``notebooks/NN_*.ipynb``) or the marker file ``.smallcaps-project`` (create it, empty, to
   make a folder without notebooks a project);
3. the working directory.

Inside it: ``data/raw/`` (CSV files), ``data/cache/`` (downloads), ``data/catalog.yml`` (your
own series), ``reports/`` (rendered reports) and ``notebooks/`` (your notebooks; when the
project has none, the report runner uses the copies shipped with the package).  Environment
variables still win for each: ``SMALLCAPS_DATA_DIR``, ``SMALLCAPS_CACHE_DIR``,
``SMALLCAPS_CATALOG``.

The kit's own files (the built-in notebooks, the page templates, the built-in catalog) are
package resources (:mod:`importlib.resources`).

This module imports only the standard library: the report runner's up-to-date check uses it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = [
    "ENV_VAR",
    "MARKER",
    "NOTEBOOK_PATTERN",
    "cache_dir",
    "catalog_path",
    "file_digest",
    "has_notebooks",
    "notebooks_dir",
    "packaged_notebooks_dir",
    "project_dir",
    "raw_data_dir",
    "reports_dir",
    "resource_dir",
    "tree_digest",
    "walk_files",
]

ENV_VAR = "SMALLCAPS_PROJECT"
MARKER = ".smallcaps-project"
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
_CHUNK = 1 << 20


def has_notebooks(folder: str | Path) -> bool:
    """True when ``folder`` holds at least one report notebook ``NN_*.ipynb``."""
    folder = Path(folder)
    return folder.is_dir() and any(p.is_file() for p in folder.glob(NOTEBOOK_PATTERN))


def project_dir(start: str | Path | None = None) -> Path:
    """The project folder (see the module docstring), as an absolute path.

    Parameters
    ----------
    start : str or Path, optional
        Where the search upwards begins (default: the working directory).
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    here = Path(start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file() or has_notebooks(folder / "notebooks"):
            return folder
    return here


def raw_data_dir() -> Path:
    """The project's CSV folder ``data/raw`` (the environment variable is the caller's)."""
    return project_dir() / "data" / "raw"


def cache_dir() -> Path:
    """The project's download cache folder ``data/cache``."""
    return project_dir() / "data" / "cache"


def catalog_path() -> Path:
    """The project's own catalog file ``data/catalog.yml`` (may not exist)."""
    return project_dir() / "data" / "catalog.yml"


def reports_dir() -> Path:
    """The project's output folder ``reports``."""
    return project_dir() / "reports"


def notebooks_dir() -> Path | None:
    """The project's ``notebooks`` folder when it holds report notebooks, else None."""
    folder = project_dir() / "notebooks"
    return folder if has_notebooks(folder) else None


def resource_dir(package: str, name: str = "") -> Path | None:
    """A folder shipped inside a package (``importlib.resources``) as a file-system path.

    Returns None when the package (or the folder in it) does not exist.  The kit is installed
    unpacked (a wheel or an editable install), so its resources are plain files.
    """
    from importlib import resources

    try:
        node = resources.files(package)
    except ModuleNotFoundError:
        return None
    if name:
        node = node.joinpath(name)
    if not isinstance(node, Path):
        # a namespace package (no __init__.py) answers with a MultiplexedPath: its folder is
        # the parent of any of its files
        children = [c for c in node.iterdir() if isinstance(c, Path)] if node.is_dir() else []
        if not children:
            return None
        node = children[0].parent
    return node if node.is_dir() else None


def packaged_notebooks_dir() -> Path | None:
    """The notebooks shipped with the package (``smallcaps/notebooks`` in the wheel), or None
    (e.g. a checkout, whose notebooks live in the repository's ``notebooks/``)."""
    for folder in (resource_dir("smallcaps", "notebooks"), resource_dir("smallcaps.notebooks")):
        if folder is not None and has_notebooks(folder):
            return folder
    return None


def walk_files(root: str | Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files under ``root``, sorted; ``__pycache__``, hidden and compiled files left out."""
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            if suffixes and not name.endswith(suffixes):
                continue
            files.append(Path(dirpath) / name)
    return sorted(files)


def file_digest(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(root: str | Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 (hex) over the relative paths and contents of the files under ``root``.

    ``__pycache__`` folders, compiled and hidden files are ignored; ``suffixes`` limits the files
    taken (e.g. ``(".py", ".yml")``).  A missing folder hashes as empty.
    """
    root = Path(root)
    h = hashlib.sha256()
    if root.is_dir():
        for path in walk_files(root, suffixes):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(file_digest(path).encode())
            h.update(b"\n")
    return h.hexdigest()
