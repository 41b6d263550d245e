"""Reading an executed notebook: the first error, the number of charts, papermill's cell tags."""

from __future__ import annotations

import re

__all__ = ["IMAGE_MIMETYPES", "INJECTED_TAG", "PAPERMILL_ERROR_TAG", "count_images",
           "find_error", "strip_ansi"]

INJECTED_TAG = "injected-parameters"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
IMAGE_MIMETYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (as in IPython tracebacks)."""
    return _ANSI_RE.sub("", text)


def find_error(nb) -> dict | None:
    """The first error in an executed notebook, or None when no cell failed.

    Returns a dict: ``cell`` (1-based, counted in the notebook as written, i.e. without the
    injected-parameters cell), ``exec_count``, ``ename``, ``evalue``, ``traceback`` (plain text),
    ``last_line`` (its last line) and ``source`` (the failing cell's code).
    """
    position = 0
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if INJECTED_TAG in tags or PAPERMILL_ERROR_TAG in tags:
            continue
        position += 1
        for o in cell.get("outputs", []) or []:
            if o.get("output_type") != "error":
                continue
            if o.get("ename") == "SystemExit" and str(o.get("evalue", "")) in ("", "0"):
                continue
            tb = strip_ansi("\n".join(o.get("traceback", []) or []))
            lines = [ln for ln in tb.splitlines() if ln.strip()]
            ename, evalue = o.get("ename", "Error"), o.get("evalue", "")
            last = lines[-1].strip() if lines else f"{ename}: {evalue}"
            src = cell.get("source", "")
            return {"cell": position, "exec_count": cell.get("execution_count"),
                    "ename": ename, "evalue": evalue, "last_line": last,
                    "traceback": tb, "source": "".join(src) if isinstance(src, list) else src}
    return None


def count_images(nb) -> int:
    """Number of image outputs (charts) in a notebook."""
    return sum(1 for cell in nb.get("cells", []) for o in cell.get("outputs", []) or []
               if any(m in (o.get("data") or {}) for m in IMAGE_MIMETYPES))
