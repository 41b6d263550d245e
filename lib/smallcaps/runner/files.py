"""File helpers of the report runner: stat stamps and atomic writes.

Standard library only (no numpy / pandas), so an up-to-date report run stays fast.  Content
digests are :func:`smallcaps.project.file_digest` and :func:`smallcaps.project.tree_digest`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from smallcaps.project import walk_files

__all__ = ["atomic_write", "remove_quietly", "stat_stamp", "temp_path"]


def stat_stamp(paths) -> list:
    """``[path, size, mtime_ns]`` per path (``None`` values when missing); folders recurse.

    Cheap to compute; two equal stamps mean (for practical purposes) unchanged files.  A folder
    contributes its own mtime (which changes when a file is added or removed) and its files'.
    """
    out = []
    for p in paths:
        p = Path(p)
        try:
            st = p.stat()
        except OSError:
            out.append([str(p), None, None])
            continue
        out.append([str(p), st.st_size if p.is_file() else None, st.st_mtime_ns])
        if p.is_dir():
            for f in walk_files(p):
                try:
                    fst = f.stat()
                except OSError:
                    continue
                out.append([str(f), fst.st_size, fst.st_mtime_ns])
            for dirpath, dirnames, _ in os.walk(p):
                for d in dirnames:
                    with contextlib.suppress(OSError):
                        out.append([os.path.join(dirpath, d), None,
                                    os.stat(os.path.join(dirpath, d)).st_mtime_ns])
    return out


def temp_path(path: str | Path, suffix: str = "") -> Path:
    """A fresh hidden temporary name beside ``path`` (same folder, so ``os.replace`` is atomic)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    return Path(name)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` under a temporary name, then rename it into place.

    A reader (or a crash, or Ctrl-C) never sees a half-written file at ``path``: it holds either
    the old content or the new.
    """
    path = Path(path)
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_quietly(*paths) -> None:
    """Delete files that may not exist (temporary files after a failure)."""
    for p in paths:
        if p is not None:
            with contextlib.suppress(OSError):
                Path(p).unlink()
