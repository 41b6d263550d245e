"""What the report benchmarks share: a snapshot of the kit, timed ``smallcaps`` calls, pages.

Each benchmark copies ``lib/smallcaps`` and the notebooks first (:func:`snapshot`) and runs the
copies (``PYTHONPATH``), so that edits made to the working tree while it runs change neither the
times nor the figures it compares.  The ``smallcaps`` command runs as a subprocess
(:func:`report`), as a user runs it; the pages' JSON documents (:func:`page_docs`) give the
key figures and the page-level time breakdown (``timing``: ``start_s``, ``compute_s``,
``teardown_s``, ``export_s``; :func:`phase_sums`).

Not a benchmark: ``python benchmarks/bench_*.py`` imports it from this folder.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["BIN", "PHASES", "ROOT", "check", "default_notebooks", "failed_pages", "machine",
           "page_docs", "phase_sums", "print_breakdown", "print_same_figures", "report",
           "same_figures", "snapshot", "timed"]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: the phases of a page's ``timing``, in seconds
PHASES = ("start_s", "compute_s", "teardown_s", "export_s")


def default_notebooks(given: list[str]) -> list[Path]:
    """The notebook files given, else the project's ``notebooks/NN_*.ipynb``; exits on none."""
    notebooks = [Path(p).resolve() for p in given] or sorted(
        (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        sys.exit("no notebooks to benchmark")
    return notebooks


def machine() -> str:
    """``"N cores, load average L"`` (the 1-minute load when the benchmark starts)."""
    return f"{len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f}"


def snapshot(notebooks: list[Path], tmp: Path) -> tuple[list[Path], dict]:
    """Copies of the library and the notebooks under ``tmp``; the environment that imports
    the copy (``PYTHONPATH`` first; kernels and workers started with it inherit it).

    The copy is byte-compiled once here, as an installed package is: with
    ``PYTHONDONTWRITEBYTECODE`` set every process would otherwise compile the kit again.
    """
    shutil.copytree(ROOT / "lib" / "smallcaps", tmp / "lib" / "smallcaps",
                    ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(tmp / "lib", quiet=1)
    (tmp / "notebooks").mkdir(parents=True)
    copies = []
    for nb in notebooks:
        shutil.copy2(nb, tmp / "notebooks" / nb.name)
        copies.append(tmp / "notebooks" / nb.name)
    path = os.pathsep.join(p for p in (str(tmp / "lib"), os.environ.get("PYTHONPATH")) if p)
    return copies, {**os.environ, "PYTHONPATH": path}


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``cmd`` (output captured); (wall seconds, the finished process)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - t0, proc


def check(proc: subprocess.CompletedProcess, what: str) -> None:
    """Exit with the command's output when it failed."""
    if proc.returncode != 0:
        sys.exit(f"{what} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")


def report(args: list[str], what: str, env: dict | None = None) -> tuple[float, int]:
    """One timed ``smallcaps report ARGS`` run; (wall seconds, exit status).

    Exit status 1 (a page failed) is returned after a note with the run's last line; any other
    failure (2: a usage mistake, an interruption, a crash) exits the benchmark with the output.
    """
    wall, proc = timed([str(BIN / "smallcaps"), "report", *args], env=env)
    if proc.returncode not in (0, 1):
        sys.exit(f"{what} failed ({proc.returncode}):\n{proc.stdout[-2000:]}"
                 f"{proc.stderr[-4000:]}")
    if proc.returncode == 1:
        lines = proc.stdout.strip().splitlines() or ["(no output)"]
        print(f"  note: {what}: a page failed: {lines[-1]}")
    return wall, proc.returncode


def page_docs(folder: Path) -> dict[str, dict]:
    """The page documents (``NAME.json`` with ``figures``) of one as-of folder, by file name
    without ``.json`` (a sweep's pages have their values in it); run files are left out."""
    docs = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and "figures" in doc and "notebook" in doc:
            docs[path.stem] = doc
    return docs


def phase_sums(docs) -> dict[str, float]:
    """Seconds of every phase summed over pages (``docs``: documents, or a dict of them)."""
    values = docs.values() if isinstance(docs, dict) else docs
    return {p: sum(float((d.get("timing") or {}).get(p) or 0.0) for d in values)
            for p in PHASES}


def failed_pages(docs: dict[str, dict]) -> list[str]:
    """Names of the pages whose status is not ``ok``."""
    return [name for name, doc in docs.items() if doc.get("status") != "ok"]


def same_figures(a: dict[str, dict], b: dict[str, dict]) -> tuple[int, list[str]]:
    """Pages of ``a`` and ``b`` compared by key figures: (pages alike, descriptions of the
    others: missing on one side, or figures that differ and the first names that do)."""
    alike, bad = 0, []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            bad.append(f"{name}: only in {'the first' if name in a else 'the second'} run")
            continue
        fa, fb = a[name].get("figures"), b[name].get("figures")
        if fa == fb and a[name].get("status") == b[name].get("status") == "ok":
            alike += 1
            continue
        keys = sorted(k for k in set(fa or {}) | set(fb or {})
                      if (fa or {}).get(k) != (fb or {}).get(k))
        bad.append(f"{name}: status {a[name].get('status')} / {b[name].get('status')}, "
                   f"{len(keys)} figures differ ({', '.join(keys[:4])})")
    return alike, bad


def print_same_figures(what: str, a: dict[str, dict[str, dict]],
                       b: dict[str, dict[str, dict]]) -> None:
    """Print how many pages of two runs (as-of date -> page name -> JSON) have the same key
    figures, then each page that differs (``what``: e.g. "loop vs backfill")."""
    alike, total, diffs = 0, 0, []
    for date in sorted(a):
        n, bad = same_figures(a[date], b.get(date, {}))
        alike += n
        total += n + len(bad)
        diffs += [f"{date} {x}" for x in bad]
    print(f"key figures identical {what}: {alike} of {total} pages")
    for line in diffs:
        print(f"  differs: {line}")


def print_breakdown(label: str, docs, wall: float | None = None) -> None:
    """One line: the phases summed over ``docs``, the page count, the run's wall time (when
    given) and how many pages ran on a new, reused or cold kernel."""
    values = list(docs.values() if isinstance(docs, dict) else docs)
    sums = phase_sums(values)
    cells = "  ".join(f"{sums[p]:7.1f}" for p in PHASES)
    kernels: dict[str, int] = {}
    for d in values:
        kind = str((d.get("timing") or {}).get("kernel", "?"))
        kernels[kind] = kernels.get(kind, 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(kernels.items()))
    took = "" if wall is None else f", wall {wall:6.1f}"
    print(f"  {label:28s} {cells}   {len(values):3d} pages{took}   kernels: {kinds}")
