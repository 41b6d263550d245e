"""File helpers of the report runner: content hashes, stat stamps and atomic writes.

Imports nothing heavy (no numpy / pandas), so an up-to-date report run stays fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


def file_digest(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _walk(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
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


def tree_digest(root: str | Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 (hex) over the relative paths and contents of all files under ``root``.

    ``__pycache__`` folders, compiled and hidden files are ignored; ``suffixes`` limits the files
    taken (e.g. ``(".py", ".yml")``).  A missing folder hashes as empty.
    """
    root = Path(root)
    h = hashlib.sha256()
    if root.is_dir():
        for path in _walk(root, suffixes):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(file_digest(path).encode())
            h.update(b"\n")
    return h.hexdigest()


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
            for f in _walk(p):
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
