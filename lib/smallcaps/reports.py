"""Reports: key figures recorded from notebooks, and the batch runner.

Inside a notebook, :func:`record` stores a JSON-serialisable key figure in the cell's output
(mimetype :data:`RECORD_MIMETYPE`); the runner collects them into ``<out>/<notebook>.json``.

The runner (:func:`run`, the ``smallcaps report`` command) executes notebooks with papermill,
one kernel per notebook in separate processes, and renders each into a self-contained HTML page::

    reports/<asof>/NN_topic.html      the page (header, provenance, synthetic banner, errors)
    reports/<asof>/NN_topic.ipynb     the executed notebook
    reports/<asof>/NN_topic.json      parameters, provenance, status, duration, key figures
    reports/<asof>/run.json           the run: every notebook of that date and its status
    reports/<asof>/index.html         the run's page
    reports/index.html                every run, newest first

A notebook whose file, parameters, data fingerprint and library source are unchanged since its
last successful render is skipped ("up to date").  Every file is written under a temporary name
and renamed into place, so an interrupted run never leaves a half-written file.

This module does not import numpy, pandas, papermill or nbconvert at import time: an up-to-date
re-run decides everything from file hashes and a small cache, and finishes in well under a second.
"""

from __future__ import annotations

import ast as _ast
import datetime as _dt
import hashlib as _hashlib
import json
import math
import os as _os
import re as _re
import sys
import time as _time
from dataclasses import dataclass as _dataclass
from dataclasses import field as _field
from pathlib import Path as _Path

from smallcaps.errors import SmallcapsError
from smallcaps.page import collect_records, jsonable

# =============================================================================================
# The batch runner: ``smallcaps report`` and :func:`run`
# =============================================================================================

PROJECT_ROOT = _Path(__file__).resolve().parents[2]
LIB_DIR = _Path(__file__).resolve().parent
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
KERNEL_NAME = "smallcaps"
STANDARD_PARAMETERS = ("asof", "start", "source", "data_dir")
SOURCES = ("auto", "live", "csv", "sample")
CACHE_FILE = ".smallcaps-cache.json"
_NOTEBOOK_RE = _re.compile(r"^(\d{2})_(\w+)$")
_DATE_RE = _re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RUNNER_VERSION = 1  # bump to invalidate every "up to date" decision


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@_dataclass
class NotebookResult:
    """The outcome for one notebook of a report run.

    Attributes
    ----------
    name : str
        Notebook stem, e.g. ``"03_seasonality"``.
    status : str
        ``"ok"`` (rendered now), ``"skipped"`` (up to date, files from an earlier run) or
        ``"failed"`` (a cell raised, or the kernel died; the HTML shows the error on top).
    html, ipynb, json : Path
        The output files.
    figures : dict
        Key figures recorded by the notebook (name -> value), without ``provenance``.
    provenance : dict
        Series key -> provenance dict, as recorded by ``show_sources``.
    duration : float
        Seconds spent executing and rendering (of the earlier run when skipped).
    parameters : dict
        The parameters the notebook ran with (defaults overridden by the injected ones).
    reason : str
        Why it was rendered: ``new``, ``forced``, ``notebook changed``, ``parameters changed``,
        ``data changed``, ``library changed``... ("" when skipped).
    error : dict or None
        For a failure: ``cell`` (1-based position in the notebook), ``exec_count``, ``ename``,
        ``evalue``, ``last_line`` (last line of the error), ``source`` (the cell's code).
    """

    name: str
    status: str
    html: _Path
    ipynb: _Path
    json: _Path
    figures: dict = _field(default_factory=dict)
    provenance: dict = _field(default_factory=dict)
    duration: float = 0.0
    parameters: dict = _field(default_factory=dict)
    error: dict | None = None
    title: str = ""
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the notebook rendered without error (now or in the skipped earlier run)."""
        return self.status in ("ok", "skipped")

    def error_line(self) -> str:
        """One line naming the failing cell and the last line of the error ("" when ok)."""
        if not self.error:
            return ""
        e = self.error
        last = e.get("last_line") or e.get("ename", "error")
        if not e.get("cell"):
            return last
        where = f"cell {e['cell']}"
        if e.get("exec_count"):
            where += f" (In [{e['exec_count']}])"
        return f"{where}: {last}"


@_dataclass
class ReportRun:
    """The outcome of :func:`run`: one :class:`NotebookResult` per notebook, in order.

    ``ok`` is True when no notebook failed; ``summary()`` is the text the command prints.
    """

    asof: str
    out: _Path
    results: list
    duration: float
    source: str = "auto"

    @property
    def folder(self) -> _Path:
        """The dated folder ``<out>/<asof>``."""
        return self.out / self.asof

    @property
    def index(self) -> _Path:
        """The run's ``index.html``."""
        return self.folder / "index.html"

    @property
    def ok(self) -> bool:
        """True when every notebook rendered (or was up to date)."""
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list:
        """The failed notebooks' results."""
        return [r for r in self.results if not r.ok]

    def __getitem__(self, name: str) -> NotebookResult:
        for r in self.results:
            if r.name == name or r.name.split("_", 1)[-1] == name:
                return r
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        """Counts, the output folder and one line per failed notebook (cell, last error line)."""
        n = len(self.results)
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "skipped", "failed")}
        parts = [f"{counts['ok']} rendered"]
        if counts["skipped"]:
            parts.append(f"{counts['skipped']} up to date")
        if counts["failed"]:
            parts.append(f"{counts['failed']} FAILED")
        lines = [
            f"{n} notebook{'s' if n != 1 else ''} as of {self.asof}: {', '.join(parts)} "
            f"in {self.duration:.1f} s -> {_display_path(self.index)}"
        ]
        for r in self.failed:
            lines.append(f"  FAILED {r.name}: {r.error_line()}  ({_display_path(r.html)})")
        return "\n".join(lines)

    def to_frame(self):
        """One row per notebook: status, duration (s), html path, error line."""
        import pandas as pd

        return pd.DataFrame(
            [{"notebook": r.name, "status": r.status, "duration_s": round(r.duration, 1),
              "html": str(r.html), "error": r.error_line()} for r in self.results]
        ).set_index("notebook")


def _display_path(path: _Path) -> str:
    try:
        return str(_Path(path).resolve().relative_to(_Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Small pure helpers: dates, names, parameters, hashes, atomic writes
# ---------------------------------------------------------------------------------------------


def _check_date(value, what: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value.date() if isinstance(value, _dt.datetime) else value).strip()
    try:
        if not _DATE_RE.match(text):
            raise ValueError
        _dt.date.fromisoformat(text)
    except ValueError:
        raise SmallcapsError(f"{what} {value!r} is not a date; expected YYYY-MM-DD") from None
    return text


def available_notebooks(folder: str | _Path | None = None) -> list[_Path]:
    """The report notebooks: ``notebooks/NN_*.ipynb``, sorted by number."""
    folder = _Path(folder) if folder else NOTEBOOK_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if _NOTEBOOK_RE.match(p.stem))


def resolve_notebooks(names=None, folder: str | _Path | None = None) -> list[_Path]:
    """Notebook files for names given with or without number and extension, or paths.

    ``seasonality``, ``03_seasonality``, ``03_seasonality.ipynb``, ``03`` and
    ``notebooks/03_seasonality.ipynb`` all name the same notebook; an existing ``.ipynb`` path
    anywhere is taken as is.  No names: every ``NN_*.ipynb``.
    """
    known = available_notebooks(folder)
    if not names:
        if not known:
            raise SmallcapsError(
                f"no notebooks NN_*.ipynb in {folder or NOTEBOOK_DIR}; nothing to report"
            )
        return known
    if isinstance(names, (str, _Path)):
        names = [names]
    chosen: list[_Path] = []
    for raw in names:
        text = str(raw)
        path = _Path(text).expanduser()
        if text.endswith(".ipynb") and path.is_file():
            hit = path.resolve()
        else:
            stem = _Path(text).name.removesuffix(".ipynb")
            hits = [p for p in known
                    if stem in (p.stem, p.stem.split("_", 1)[1], p.stem.split("_", 1)[0])]
            if len(hits) != 1:
                valid = ", ".join(p.stem for p in known) or "(none)"
                what = "is ambiguous" if hits else "is not a notebook"
                raise SmallcapsError(f"{text!r} {what}; valid: {valid}")
            hit = hits[0]
        if hit not in chosen:
            chosen.append(hit)
    return chosen


def _base_type(param: dict, default):
    name = str(param.get("inferred_type_name") or "None").split("[", 1)[0].strip().lower()
    mapping = {"str": str, "int": int, "float": float, "bool": bool, "list": list,
               "dict": dict, "tuple": list}
    if name in mapping:
        return mapping[name]
    if default is None:
        return None
    return list if isinstance(default, tuple) else type(default)


def _literal(text: str):
    try:
        return _ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _type_words(kind) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "a list such as [1, 2] or a,b", dict: "a JSON object"}.get(kind, "a value")


def coerce_parameter(name: str, value, param: dict, notebook: str = "the notebook"):
    """Convert a ``-p NAME VALUE`` value to the type of the notebook's default, or refuse it.

    Strings from the command line are parsed by the default's type: ``int`` (``20``), ``float``
    (``0.05``, ``5``), ``bool`` (``true``/``false``/``1``/``0``), ``list`` (JSON or Python list
    ``[1, 2]``, or comma-separated ``RUT,SPX``; elements take the type of the default's
    elements), ``dict`` (JSON object), ``str`` (as given).  Non-string values (Python API) must
    already fit.  Raises :class:`SmallcapsError` naming the parameter, the notebook and the
    expected type.
    """
    default = _literal(param.get("default", "None"))
    kind = _base_type(param, default)

    def refuse():
        return SmallcapsError(
            f"parameter {name}={value!r} does not fit {notebook}: expected {_type_words(kind)} "
            f"(default {param.get('default')})"
        )

    if not isinstance(value, str):
        is_bool = isinstance(value, bool)
        if kind is None or (isinstance(value, kind) and not (kind is int and is_bool)):
            return list(value) if isinstance(value, tuple) else value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is list and isinstance(value, tuple):
            return list(value)
        raise refuse()
    text = value.strip()
    if kind is str:
        return value
    if kind is None:
        parsed = _json_or_literal(text)
        return value if parsed is _MISSING else parsed
    if kind is bool:
        low = text.lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise refuse()
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise refuse() from None
    if kind is float:
        try:
            out = float(text)
        except ValueError:
            raise refuse() from None
        if not math.isfinite(out):
            raise refuse()
        return out
    if kind is dict:
        parsed = _json_or_literal(text)
        if not isinstance(parsed, dict):
            raise refuse()
        return parsed
    if kind is list:
        if text.startswith(("[", "(")):
            parsed = _json_or_literal(text)
            if not isinstance(parsed, (list, tuple)):
                raise refuse()
            items = list(parsed)
        else:
            items = [t.strip() for t in text.split(",")] if text else []
        elem = type(default[0]) if isinstance(default, (list, tuple)) and default else None
        out = []
        for item in items:
            if elem in (int, float) and not isinstance(item, bool):
                try:
                    item = elem(item) if not (elem is int and isinstance(item, float)) else None
                except (TypeError, ValueError):
                    item = None
                if item is None:
                    raise refuse()
            elif elem is str and not isinstance(item, str):
                raise refuse()
            out.append(item)
        return out
    raise refuse()  # pragma: no cover - every kind handled above


_MISSING = object()


def _json_or_literal(text: str):
    try:
        return json.loads(text)
    except ValueError:
        pass
    got = _literal(text)
    return _MISSING if got is None and text != "None" else got


def _sha256_bytes(data: bytes) -> str:
    return _hashlib.sha256(data).hexdigest()


def _lib_hash() -> str:
    from smallcaps._report_files import tree_digest

    return tree_digest(LIB_DIR)[:16]


def _atomic_write(path: _Path, data: str | bytes) -> None:
    from smallcaps._report_files import atomic_write

    atomic_write(path, data)


def _git_commit() -> str:
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "lib", "notebooks"],
                               cwd=PROJECT_ROOT, capture_output=True, timeout=10)
        return head.stdout.strip() + ("+dirty" if dirty.returncode == 1 else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cpu_count() -> int:
    try:
        return max(1, len(_os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, _os.cpu_count() or 1)


def _utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------------------------
# The runner's cache (<out>/.smallcaps-cache.json): notebook inspections and the data state
# ---------------------------------------------------------------------------------------------


class _Cache:
    """Small JSON cache beside the reports; losing it only costs time, never correctness."""

    def __init__(self, out: _Path):
        self.path = out / CACHE_FILE
        try:
            doc = json.loads(self.path.read_text())
        except (OSError, ValueError):
            doc = {}
        if not isinstance(doc, dict) or doc.get("version") != _RUNNER_VERSION:
            doc = {}
        self.notebooks: dict = doc.get("notebooks", {})
        self.data: dict = doc.get("data", {})
        self.dirty = False

    def save(self, keep_notebooks: set) -> None:
        if not self.dirty:
            return
        self.notebooks = {k: v for k, v in self.notebooks.items() if k in keep_notebooks}
        self.data = dict(list(self.data.items())[-8:])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.path, json.dumps(
            {"version": _RUNNER_VERSION, "notebooks": self.notebooks, "data": self.data}))
        self.dirty = False


def _notebook_title(doc: dict, fallback: str) -> str:
    for cell in doc.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        for line in src.splitlines():
            m = _re.match(r"^\s*#{1,2}\s+(.+?)\s*#*\s*$", line)
            if m:
                return m.group(1)
        break
    return fallback


def _inspect(path: _Path, cache: _Cache) -> dict:
    """Name, content hash, title and parameters (papermill's inspection, cached by hash)."""
    raw = path.read_bytes()
    sha = _sha256_bytes(raw)
    hit = cache.notebooks.get(sha)
    if hit is None:
        try:
            doc = json.loads(raw)
        except ValueError:
            raise SmallcapsError(f"{path}: not a notebook (invalid JSON)") from None
        import logging

        import papermill as pm

        class _Catch(logging.Handler):
            def __init__(self):
                super().__init__(logging.WARNING)
                self.lines: list[str] = []

            def emit(self, rec):
                msg = rec.getMessage()
                if msg.startswith("Unable to parse line"):
                    self.lines.append(msg.removeprefix("Unable to parse ").rstrip("."))

        def inspect(nb_path: str):
            log = logging.getLogger("papermill")
            catch, propagate = _Catch(), log.propagate
            log.addHandler(catch)
            log.propagate = False
            try:
                return pm.inspect_notebook(nb_path), catch
            finally:
                log.removeHandler(catch)
                log.propagate = propagate

        found, catch = inspect(str(path))
        if catch.lines:
            # papermill skips a line holding two '=' (e.g. "x = 1  # empty = all"); read the
            # cell again with the '=' in comments masked (its injection is not affected)
            import tempfile

            masked = _mask_comment_equals(doc)
            if masked is not None:
                with tempfile.TemporaryDirectory() as tmp:
                    tmp_nb = _Path(tmp) / path.name
                    tmp_nb.write_text(json.dumps(masked), encoding="utf-8")
                    found, catch = inspect(str(tmp_nb))
        params = {k: {"inferred_type_name": v.get("inferred_type_name"),
                      "default": v.get("default"), "help": v.get("help", "")}
                  for k, v in found.items()}
        hit = {"params": params, "title": _notebook_title(doc, path.stem),
               "unparsed": catch.lines}
        cache.notebooks[sha] = hit
        cache.dirty = True
    return {"path": path, "name": path.stem, "sha": sha, "params": hit["params"],
            "title": hit["title"], "unparsed": hit.get("unparsed", [])}


def _mask_comment_equals(doc: dict) -> dict | None:
    """A copy of a notebook whose parameters cell has no '=' inside comments (None if none)."""
    import copy
    import io
    import tokenize

    doc = copy.deepcopy(doc)
    for cell in doc.get("cells", []):
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = src.splitlines(keepends=True)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(src).readline))
        except (tokenize.TokenError, SyntaxError):
            return None
        for tok in reversed(tokens):
            if tok.type == tokenize.COMMENT and "=" in tok.string:
                row, col = tok.start
                line = lines[row - 1]
                lines[row - 1] = line[:col] + line[col:].replace("=", ":")
        cell["source"] = "".join(lines)
        return doc
    return None


# ---------------------------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------------------------

_FLAG_FOR = {"asof": "--asof", "start": "--start", "source": "--source", "data_dir": "--data-dir"}


def _check_parameters(specs: list[dict], parameters: dict) -> dict:
    """Per notebook name, the -p overrides converted to the defaults' types; refuse bad ones."""
    for spec in specs:
        params = spec["params"]
        missing = [p for p in STANDARD_PARAMETERS if p not in params]
        if missing:
            what = "has no parameters cell" if not params else \
                f"declares no {', '.join(missing)} parameter"
            hint = ""
            if spec["unparsed"]:
                hint = (f" (papermill cannot read {spec['unparsed'][0]}: a parameter line may "
                        "hold only one '=', so keep '=' out of its comment)")
            raise SmallcapsError(
                f"notebook {spec['name']} {what}{hint}; every report notebook starts with a cell "
                "tagged 'parameters' declaring asof, start, source and data_dir"
            )
    out: dict = {spec["name"]: {} for spec in specs}
    for name, value in parameters.items():
        if name in _FLAG_FOR:
            raise SmallcapsError(f"set {name} with {_FLAG_FOR[name]}, not with -p {name}")
        holders = [s for s in specs if name in s["params"]]
        if not holders:
            unreadable = [f"{s['name']} {u}" for s in specs for u in s["unparsed"]
                          if _re.search(rf"'\s*{_re.escape(name)}\s*[:=]", u)]
            if unreadable:
                raise SmallcapsError(
                    f"parameter {name!r} cannot be set: papermill cannot read {unreadable[0]} "
                    "(a parameter line may hold only one '='; keep '=' out of its comment)")
            valid = sorted({p for s in specs for p in s["params"] if p not in STANDARD_PARAMETERS})
            where = specs[0]["name"] if len(specs) == 1 else "the selected notebooks"
            raise SmallcapsError(
                f"unknown parameter {name!r} for {where}; valid: "
                + (", ".join(valid) if valid else "(none besides asof, start, source, data_dir)")
            )
        for spec in holders:
            out[spec["name"]][name] = coerce_parameter(name, value, spec["params"][name],
                                                       spec["name"])
    return out


def _effective_parameters(spec: dict, inject: dict) -> dict:
    eff = {}
    for name, p in spec["params"].items():
        val = _literal(p.get("default", "None"))
        eff[name] = val if val is not None or p.get("default") == "None" else p.get("default")
    eff.update(inject)
    return jsonable(eff)


# ---------------------------------------------------------------------------------------------
# Data state: the fingerprint and the default as-of date, memoised on file stats
# ---------------------------------------------------------------------------------------------


def _data_state(source: str, data_dir: str, asof: str | None, cache: _Cache, lib: str,
                note) -> tuple[str, str]:
    """(data fingerprint, as-of date).  Reuses the cached answer while the data files' sizes and
    modification times are unchanged (for ``auto``: also only on the same UTC day, since it may
    refresh from the network); ``live`` is always recomputed."""
    from smallcaps._report_files import stat_stamp

    env = [_os.environ.get(k, "") for k in
           ("SMALLCAPS_DATA_DIR", "SMALLCAPS_CACHE_DIR", "SMALLCAPS_CATALOG", "SMALLCAPS_OFFLINE")]
    day = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d") if source == "auto" else ""
    memo_key = json.dumps([source, data_dir, env, lib, day])
    memo = cache.data.get(memo_key) if source != "live" else None
    if memo is not None and memo.get("stamp") == stat_stamp(memo.get("paths", [])):
        if asof:
            return memo["fingerprint"], asof
        if memo.get("latest"):
            return memo["fingerprint"], memo["latest"]
    else:
        memo = None

    import warnings

    from smallcaps.data import fingerprint as fpm
    from smallcaps.data import latest_date

    latest = memo.get("latest") if memo else None
    if not asof:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            latest = latest_date(("RUT", "SPX"), source=source,
                                 data_dir=data_dir or None).strftime("%Y-%m-%d")
        for w in caught:
            if "SYNTHETIC" in str(w.message).upper():
                note(f"note: {str(w.message).splitlines()[0]}")
        asof = latest
    paths = [str(p) for p in fpm.watched_paths(source, data_dir or None)]
    fp = fpm.data_fingerprint(source, data_dir or None)
    if source != "live":
        cache.data[memo_key] = {"paths": paths, "stamp": stat_stamp(paths), "fingerprint": fp,
                                "latest": latest}
        cache.dirty = True
    return fp, asof


# ---------------------------------------------------------------------------------------------
# One notebook, in a worker process
# ---------------------------------------------------------------------------------------------

_ANSI_RE = _re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INJECTED_TAG = "injected-parameters"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (as in IPython tracebacks)."""
    return _ANSI_RE.sub("", text)


def find_error(nb) -> dict | None:
    """The first error in an executed notebook: its cell (1-based, counted in the notebook as
    written, i.e. without the injected-parameters cell), execution count, name, value, the
    traceback as plain text and its last line.  None when no cell failed."""
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


def _render_task(task: dict) -> dict:
    """Execute one notebook and write its ``.ipynb``, ``.html`` and ``.json`` atomically.

    Runs in a worker process.  Returns the JSON document written (plus nothing else), so the
    parent can report on it.  A failing cell or a dead kernel is a *failed* document, not an
    exception; only an interruption propagates.
    """
    import nbformat

    from smallcaps import __version__
    from smallcaps import _report_html as rh
    from smallcaps._report_files import remove_quietly, temp_path

    t0 = _time.monotonic()
    out_dir = _Path(task["out_dir"])
    name = task["name"]
    final = {ext: out_dir / f"{name}.{ext}" for ext in ("ipynb", "html", "json")}
    tmp_nb = temp_path(final["ipynb"], suffix=".ipynb")
    tmps = [tmp_nb]
    try:
        crash = _execute(task, tmp_nb)
        try:
            nb = nbformat.read(str(tmp_nb), as_version=4)
        except (OSError, ValueError):  # nothing written: the kernel never started
            nb = nbformat.read(task["notebook"], as_version=4)
        error = find_error(nb)
        if error is None and crash is not None:
            error = crash
        figures = collect_records(nb)
        provenance = figures.pop("provenance", {}) or {}
        duration = _time.monotonic() - t0
        doc = {
            "notebook": name,
            "title": task["title"],
            "status": "failed" if error else "ok",
            "asof": task["asof"],
            "parameters": task["effective"],
            "injected": task["inject"],
            "provenance": provenance,
            "synthetic": bool(task["inject"].get("source") == "sample"
                              or any(p.get("synthetic") for p in provenance.values()
                                     if isinstance(p, dict))),
            "figures": figures,
            "figure_names": list(figures),
            "images": rh.count_images(nb),
            "duration_s": round(duration, 2),
            "generated_at": _utc_now(),
            "error": None if error is None else {k: v for k, v in error.items()
                                                 if k != "traceback"},
            "files": {k: p.name for k, p in final.items()},
            "inputs": task["inputs"],
            "key": task["key"],
            "version": __version__,
            "git_commit": task["git_commit"],
            "kernel": KERNEL_NAME,
        }
        page = rh.notebook_page(nb, doc, error=error, show_code=task["show_code"])
        tmp_html = temp_path(final["html"])
        tmps.append(tmp_html)
        tmp_html.write_text(page, encoding="utf-8")
        tmp_json = temp_path(final["json"])
        tmps.append(tmp_json)
        tmp_json.write_text(json.dumps(doc, indent=1, allow_nan=False), encoding="utf-8")
        for tmp in tmps:
            _os.chmod(tmp, 0o644)
        # the JSON goes last: it is what marks a render complete (and up to date)
        _os.replace(tmp_nb, final["ipynb"])
        _os.replace(tmp_html, final["html"])
        _os.replace(tmp_json, final["json"])
        return doc
    finally:
        remove_quietly(*tmps)


def _execute(task: dict, output: _Path) -> dict | None:
    """Run papermill; a cell error is left in the output notebook, other failures returned."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            task["notebook"], str(output), parameters=task["inject"], kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            cwd=task["cwd"], start_timeout=120,
        )
    except PapermillExecutionError:
        return None  # the error is in the notebook; find_error reads it there
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a dead kernel or unreadable notebook fails this one
        text = strip_ansi(str(exc)).strip() or type(exc).__name__
        last = text.splitlines()[-1]
        return {"cell": None, "exec_count": None, "ename": type(exc).__name__,
                "evalue": text, "last_line": f"{type(exc).__name__}: {last}",
                "traceback": text, "source": ""}
    return None


# ---------------------------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------------------------


def _task_key(spec: dict, inject: dict, fp: str, lib: str, show_code: bool) -> str:
    blob = json.dumps({"runner": _RUNNER_VERSION, "notebook": spec["sha"], "params": inject,
                       "data": fp, "lib": lib, "show_code": bool(show_code),
                       "kernel": KERNEL_NAME}, sort_keys=True, default=str)
    return _sha256_bytes(blob.encode())[:24]


def _why(old: dict | None, spec: dict, inject: dict, fp: str, lib: str, show_code: bool,
         force: bool) -> str:
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
    if inputs.get("data_fingerprint") != fp:
        return "data changed"
    if inputs.get("lib_hash") != lib:
        return "library changed"
    if bool(inputs.get("show_code")) != bool(show_code):
        return "--show-code changed"
    return "output missing"


def _read_json(path: _Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _result_from(doc: dict, folder: _Path, status: str | None = None) -> NotebookResult:
    name = doc["notebook"]
    return NotebookResult(
        name=name, status=status or doc.get("status", "failed"),
        html=folder / f"{name}.html", ipynb=folder / f"{name}.ipynb", json=folder / f"{name}.json",
        figures=doc.get("figures", {}), provenance=doc.get("provenance", {}),
        duration=float(doc.get("duration_s") or 0.0), parameters=doc.get("parameters", {}),
        error=doc.get("error"), title=doc.get("title", name),
    )


class _Printer:
    """Status lines that do not break the progress bar."""

    def __init__(self, progress: bool):
        self.progress = progress
        self.bar = None

    def __call__(self, line: str) -> None:
        if not self.progress:
            return
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)


def _status_line(r: NotebookResult) -> str:
    if r.status == "skipped":
        return f"  up to date  {r.name}"
    if r.status == "ok":
        why = f"  ({r.reason})" if r.reason else ""
        return f"  ok          {r.name}  {r.duration:5.1f} s  {_display_path(r.html)}{why}"
    return f"  FAILED      {r.name}  {r.error_line()}"


def run(
    notebooks=None,
    asof: str | None = None,
    start: str | None = None,
    source: str = "auto",
    data_dir: str | _Path | None = None,
    out: str | _Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    show_code: bool = False,
    parameters: dict | None = None,
    *,
    progress: bool = True,
) -> ReportRun:
    """Render notebooks into dated HTML reports (the ``smallcaps report`` command).

    Parameters
    ----------
    notebooks : list of str, optional
        Names (``seasonality``, ``03_seasonality``, ``03_seasonality.ipynb``) or paths of
        notebooks; default every ``notebooks/NN_*.ipynb``.
    asof : str, optional
        As-of date ``YYYY-MM-DD``; default the latest date on which RUT and SPX both have data.
        No notebook uses data after it.
    start : str, optional
        First date of history, injected only when given (else each notebook's default).
    source : str
        ``auto``, ``live``, ``csv`` or ``sample`` (passed to every notebook).
    data_dir : str or Path, optional
        CSV folder for ``csv``/``auto`` (passed as a string, ``""`` when not given).
    out : str or Path, optional
        Output folder (default ``reports/``); pages go to ``<out>/<asof>/``.
    jobs : int, optional
        Notebooks executed at once, each in its own process and kernel (default: CPU cores).
    force : bool
        Re-render notebooks that are up to date.
    show_code : bool
        Keep code cells in the HTML (hidden by default).
    parameters : dict, optional
        Notebook parameters (``-p NAME VALUE``): strings are parsed by the type of the
        notebook's default, other values must fit it.  A name goes to the notebooks that
        declare it; a name no selected notebook declares is refused.
    progress : bool
        Show a progress bar and a status line per notebook on stderr.

    Returns
    -------
    ReportRun
        Per-notebook status, paths, key figures and durations; ``.ok``, ``.summary()``.

    Raises
    ------
    SmallcapsError
        For a mistake in the input (unknown notebook or parameter, a value of the wrong type,
        a bad date, no data), before any notebook runs.
    """
    t0 = _time.monotonic()
    if source not in SOURCES:
        raise SmallcapsError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    asof = _check_date(asof, "--asof")
    start = _check_date(start, "--start")
    if asof and start and start >= asof:
        raise SmallcapsError(f"--start {start} is not before --asof {asof}")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise SmallcapsError(f"--jobs {jobs!r} must be a whole number of at least 1")
    # absolute: the kernels run in the notebooks' folder, not in the caller's
    data_dir_str = str(_Path(data_dir).expanduser().resolve()) if data_dir else ""
    if data_dir_str and not _Path(data_dir_str).is_dir():
        raise SmallcapsError(f"--data-dir {data_dir}: no such folder")
    out_dir = _Path(out).expanduser() if out else PROJECT_ROOT / "reports"
    say_line = _Printer(progress)

    paths = resolve_notebooks(notebooks)
    cache = _Cache(out_dir)
    specs = [_inspect(p, cache) for p in paths]
    overrides = _check_parameters(specs, dict(parameters or {}))
    lib = _lib_hash()
    fp, asof = _data_state(source, data_dir_str, asof, cache, lib, say_line)
    if start and start >= asof:
        raise SmallcapsError(f"--start {start} is not before the as-of date {asof}")
    folder = out_dir / asof
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder / ".write-test", "")
        (folder / ".write-test").unlink()
    except OSError as exc:
        raise SmallcapsError(f"--out {out_dir}: cannot write there ({exc.strerror})") from None

    results: dict[str, NotebookResult] = {}
    todo = []
    for spec in specs:
        inject = {"asof": asof, "source": source, "data_dir": data_dir_str}
        if start:
            inject["start"] = start
        inject.update(overrides[spec["name"]])
        inject = jsonable(inject)
        key = _task_key(spec, inject, fp, lib, show_code)
        old = _read_json(folder / f"{spec['name']}.json")
        if (not force and old and old.get("status") == "ok" and old.get("key") == key
                and (folder / f"{spec['name']}.html").is_file()
                and (folder / f"{spec['name']}.ipynb").is_file()):
            results[spec["name"]] = _result_from(old, folder, status="skipped")
            continue
        todo.append({
            "notebook": str(spec["path"]), "cwd": str(spec["path"].parent),
            "name": spec["name"], "title": spec["title"], "out_dir": str(folder),
            "asof": asof, "inject": inject, "effective": _effective_parameters(spec, inject),
            "show_code": bool(show_code), "key": key,
            "inputs": {"notebook_sha256": spec["sha"], "data_fingerprint": fp, "lib_hash": lib,
                       "source": source, "data_dir": data_dir_str,
                       "show_code": bool(show_code)},
            "previous_s": float((old or {}).get("duration_s") or 1e9),
            "reason": _why(old, spec, inject, fp, lib, show_code, force),
        })

    cache.save({s["sha"] for s in specs})  # an interrupted batch keeps what is known
    _execute_batch(todo, results, specs, jobs, say_line, progress)
    ordered = [results[s["name"]] for s in specs]
    report = ReportRun(asof=asof, out=out_dir, results=ordered,
                       duration=_time.monotonic() - t0, source=source)
    _write_run_files(report, folder, jobs=jobs, force=force)
    cache.save({s["sha"] for s in specs})
    return report


def check_kernel(name: str = KERNEL_NAME) -> str:
    """The pinned Jupyter kernel must exist and run this environment's Python.

    Returns the kernel's Python; raises :class:`SmallcapsError` (``make setup`` fixes both).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise SmallcapsError(
            f"Jupyter kernel {name!r} is not installed; run `make setup` (it registers the "
            "project's environment under that name)") from None
    exe = spec.argv[0] if spec.argv else ""
    if exe in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return sys.executable  # jupyter_client runs it with this very interpreter
    prefix = _os.path.abspath(sys.prefix)
    if not _os.path.abspath(exe).startswith(prefix + _os.sep):
        raise SmallcapsError(
            f"Jupyter kernel {name!r} runs {exe}, not this environment ({prefix}); run "
            "`make setup` to register it again")
    return exe


def _execute_batch(todo, results, specs, jobs, say_line, progress) -> None:
    for spec in specs:
        if spec["name"] in results:
            say_line(_status_line(results[spec["name"]]))
    if not todo:
        return
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    check_kernel()
    commit = _git_commit()
    for t in todo:
        t["git_commit"] = commit
    todo.sort(key=lambda t: -t["previous_s"])  # longest first: the batch ends sooner
    workers = min(jobs or _cpu_count(), len(todo))
    bar = tqdm(total=len(specs), initial=len(specs) - len(todo), unit="nb", file=sys.stderr,
               disable=None if progress else True, desc="report", dynamic_ncols=True, leave=False)
    say_line.bar = bar
    try:
        _pool_map(todo, results, workers, say_line, bar)
    finally:
        bar.close()
        say_line.bar = None


def _runner_failure(task: dict, line: str) -> NotebookResult:
    folder = _Path(task["out_dir"])
    name = task["name"]
    return NotebookResult(
        name=name, status="failed", html=folder / f"{name}.html", ipynb=folder / f"{name}.ipynb",
        json=folder / f"{name}.json", title=task["title"],
        error={"cell": None, "exec_count": None, "ename": "RunnerError", "evalue": line,
               "last_line": line})


def _pool_map(todo, results, workers, say_line, bar) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                               initializer=_quiet_worker)
    try:
        futures = {pool.submit(_render_task, t): t for t in todo}
        for fut in as_completed(futures):
            task = futures[fut]
            folder = _Path(task["out_dir"])
            try:
                r = _result_from(fut.result(), folder)
            except BrokenProcessPool:
                r = _runner_failure(task, "the worker process died (out of memory?)")
            except Exception as exc:  # noqa: BLE001 - one notebook's render bug spares the rest
                r = _runner_failure(task, f"report runner error: {type(exc).__name__}: {exc}")
            r.reason = task["reason"]
            results[task["name"]] = r
            say_line(_status_line(r))
            bar.update(1)
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _quiet_worker() -> None:
    """Worker start-up: the kernels' own chatter (e.g. jupyter_client's TCP warning) goes to
    the void instead of the user's terminal; status lines come from the parent process."""
    import signal

    devnull = _os.open(_os.devnull, _os.O_WRONLY)
    _os.dup2(devnull, 1)
    _os.dup2(devnull, 2)
    _os.close(devnull)
    # the parent handles Ctrl-C and terminates the workers: a worker then unwinds as if
    # interrupted (papermill shuts its kernel down, temporary files are removed)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _write_run_files(report: ReportRun, folder: _Path, jobs, force) -> None:
    """run.json and index.html of the dated folder, and the top index of every run."""
    from smallcaps import __version__
    from smallcaps import _report_html as rh

    docs = []
    this_run = {r.name: r.status for r in report.results}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        doc = _read_json(path)
        if doc and doc.get("notebook") == path.stem:
            doc = dict(doc)
            doc["this_run"] = this_run.get(path.stem, "not run")
            if this_run.get(path.stem) == "skipped":
                doc["status"] = "ok"
            docs.append(doc)
    listed = {d["notebook"] for d in docs}
    for r in report.results:  # failed before writing its JSON (a runner error)
        if r.name not in listed:
            docs.append({"notebook": r.name, "title": r.title or r.name, "status": r.status,
                         "this_run": r.status, "error": r.error, "figures": {}, "files": {}})
    docs.sort(key=lambda d: d["notebook"])
    run_doc = {
        "asof": report.asof,
        "generated_at": _utc_now(),
        "source": report.source,
        "ok": all(d.get("status") == "ok" for d in docs),
        "duration_s": round(report.duration, 2),
        "jobs": jobs or _cpu_count(),
        "force": bool(force),
        "version": __version__,
        "counts": {s: sum(r.status == s for r in report.results)
                   for s in ("ok", "skipped", "failed")},
        "synthetic": any(d.get("synthetic") for d in docs),
        "notebooks": [
            {k: d.get(k) for k in ("notebook", "title", "status", "this_run", "duration_s",
                                   "generated_at", "synthetic", "error", "files", "figures",
                                   "git_commit")}
            for d in docs
        ],
    }
    _atomic_write(folder / "run.json", json.dumps(run_doc, indent=1, allow_nan=False))
    _atomic_write(folder / "index.html", rh.run_index_page(run_doc))
    runs = []
    for run_json in report.out.glob("*/run.json"):
        doc = _read_json(run_json)
        if doc and _DATE_RE.match(run_json.parent.name):
            doc["folder"] = run_json.parent.name
            runs.append(doc)
    runs.sort(key=lambda d: (d["folder"], d.get("generated_at", "")), reverse=True)
    _atomic_write(report.out / "index.html", rh.top_index_page(runs))


def report_command(args) -> int:
    """``smallcaps report``: run :func:`run` from parsed arguments; 0 when all rendered, 1 when
    a notebook failed (user mistakes raise :class:`SmallcapsError`: the CLI exits 2)."""
    parameters: dict = {}
    for name, value in args.p or []:
        parameters[name] = value
    result = run(
        notebooks=args.notebooks or None, asof=args.asof, start=args.start, source=args.source,
        data_dir=args.data_dir, out=args.out, jobs=args.jobs, force=args.force,
        show_code=args.show_code, parameters=parameters,
    )
    print(result.summary())
    return 0 if result.ok else 1
