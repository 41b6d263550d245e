"""Executing notebooks: papermill in worker processes, on a warm kernel per worker.

A worker executes one notebook and writes its ``.ipynb``, ``.html`` and ``.json`` under
temporary names, then renames them into place (the JSON last: it marks a render complete).
A failing cell or a dead kernel makes a *failed* document, not an exception; only an
interruption propagates.  A notebook whose kernel died is run once more on a fresh kernel
(``"retried": true`` in its JSON).  No worker or kernel outlives the run (:mod:`~.lifeline`):
a worker stops when the runner dies (``kill -9`` included), a kernel when its worker does.

Each worker keeps one kernel for the whole run, the kit imported once and the kernel reset
before every notebook (:mod:`~.warm`); ``SMALLCAPS_KERNELS=cold`` starts a new kernel per
notebook instead (papermill's own way).  The JSON's ``timing`` says where a render's time
went: ``start_s`` (before the first cell: kernel start and imports of a new warm kernel, or
the reset of a reused one; a cold kernel's start), ``compute_s`` (first cell to last),
``teardown_s`` (after the last cell: a cold kernel's shut-down) and ``export_s`` (the HTML
page and the files).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path

from smallcaps.errors import SmallcapsError
from smallcaps.page import collect_records
from smallcaps.runner import html, lifeline, warm
from smallcaps.runner.executed import count_images, find_error, strip_ansi
from smallcaps.runner.files import remove_quietly, temp_path
from smallcaps.runner.outcome import NotebookResult, result_from, runner_failure

__all__ = ["KERNEL_NAME", "UNUSED_IMPORTS", "check_kernel", "cpu_count", "pool_map",
           "render_task", "skip_unused_imports", "utc_now"]

KERNEL_NAME = "smallcaps"

#: optional modules the runner's own processes never use, kept from being imported there:
#: ``rfc3987_syntax`` is what jsonschema (imported by nbformat, itself by papermill and
#: nbconvert) imports, when installed, for its optional ``iri`` and ``iri-reference`` format
#: checks; it builds a Lark grammar as it is imported (about 1.4 s, the larger part of
#: ``import papermill``).  Without it jsonschema only lacks those two format checks, which
#: nbformat never runs: it validates with ``Draft4Validator`` (a draft without ``iri``) and no
#: format checker, and its notebook schemas (``nbformat/v3``, ``v4``: ``v4.0`` to ``v4.5``)
#: hold no ``"format"`` keyword at all (``tests/test_runner_overhead.py`` checks both).
UNUSED_IMPORTS = ("rfc3987_syntax",)


def utc_now() -> str:
    """The time now, ``YYYY-MM-DD HH:MM:SS UTC``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def skip_unused_imports() -> list[str]:
    """Keep :data:`UNUSED_IMPORTS` out of this process: each one not imported yet is marked
    absent (``sys.modules[name] = None``, so importing it raises ``ImportError``, which its
    importers expect when it is not installed).

    Only for the runner's own processes: the ``smallcaps report`` command
    (:func:`smallcaps.cli.main`) and its pool workers (:func:`_worker_start`), never a kernel
    (a notebook's code gets the environment as installed) nor a Python session that imports
    smallcaps or calls :func:`smallcaps.runner.run`.  A module already imported is left as
    it is.

    Returns
    -------
    list of str
        The modules marked absent by this call.
    """
    marked = [name for name in UNUSED_IMPORTS if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]
    return marked


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
    prefix = os.path.abspath(sys.prefix)
    if not os.path.abspath(exe).startswith(prefix + os.sep):
        raise SmallcapsError(
            f"Jupyter kernel {name!r} runs {exe}, not this environment ({prefix}); run "
            "`make setup` to register it again")
    return exe


@contextlib.contextmanager
def _environ(**values: str):
    """Environment variables set for what starts inside the block (the kernel), then restored."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute(task: dict, output: Path) -> dict | None:
    """Run papermill; a cell error is left in the output notebook, other failures returned.

    The kernel runs in ``task["cwd"]`` with ``$SMALLCAPS_PROJECT`` set to the run's project
    folder, so the notebook finds the same data folders as the runner.  In a worker with warm
    kernels (:func:`warm.enabled`) it is the worker's kernel, reset; else a new one.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    warm_kernel = warm.enabled()
    try:
        if warm_kernel:
            warm.run(task, output, KERNEL_NAME)
        else:
            with _environ(SMALLCAPS_PROJECT=task["project"]):
                pm.execute_notebook(
                    task["notebook"], str(output), parameters=task["inject"],
                    kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                    request_save_on_cell_execute=False, cwd=task["cwd"], start_timeout=120,
                    kernel_manager_class=lifeline.kernel_manager_class(),
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
    finally:
        if not warm_kernel:  # papermill shut its kernel down, unless interrupted: killed here
            lifeline.kill_kernels()
    return None


_DIED = ("DeadKernelError",)


def _kernel_died(crash: dict | None) -> bool:
    """The failure was the kernel's death (not the notebook's code)."""
    return bool(crash) and (crash.get("ename") in _DIED
                            or "kernel died" in str(crash.get("evalue", "")).lower())


def _cell_span(nb) -> tuple[float, float] | None:
    """Wall-clock times (epoch seconds) the first cell started and the last one ended, from
    papermill's cell metadata; None when no cell ran."""
    times = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("papermill", {}) or {}
        times.extend(dt.datetime.fromisoformat(meta[k]).timestamp()
                     for k in ("start_time", "end_time") if meta.get(k))
    return (min(times), max(times)) if times else None


def _timing(nb, began: float, executed: float, finished: float, warm_info: dict) -> dict:
    """Where a render's time went (see the module docstring); epoch seconds in."""
    span = _cell_span(nb)
    out: dict = {"kernel": warm_info.get("kernel", "cold")}
    if span is not None:
        first, last = span
        out.update(start_s=round(max(0.0, first - began), 3),
                   compute_s=round(max(0.0, last - first), 3),
                   teardown_s=round(max(0.0, executed - last), 3))
    out["export_s"] = round(finished - executed, 3)
    for key in ("kernel_start_s", "reset_s"):
        if key in warm_info:
            out[key] = warm_info[key]
    return out


def _document(task: dict, nb, error: dict | None, final: dict, duration: float,
              retried: bool = False) -> dict:
    from smallcaps import __version__

    figures = collect_records(nb)
    provenance = figures.pop("provenance", {}) or {}
    return {
        "notebook": task["name"],
        "source_notebook": task.get("source_notebook") or task["name"],
        "sweep": task.get("sweep") or {},
        "title": task["title"],
        "status": "failed" if error else "ok",
        "asof": task["asof"],
        "asof_requested": task["asof_requested"],
        "parameters": task["effective"],
        "injected": task["inject"],
        "provenance": provenance,
        "synthetic": bool(task["inject"].get("source") == "sample"
                          or any(p.get("synthetic") for p in provenance.values()
                                 if isinstance(p, dict))),
        "figures": figures,
        "figure_names": list(figures),
        "images": count_images(nb),
        "duration_s": round(duration, 2),
        "generated_at": utc_now(),
        "error": None if error is None else {k: v for k, v in error.items()
                                             if k != "traceback"},
        "files": {k: p.name for k, p in final.items()},
        "inputs": task["inputs"],
        "key": task["key"],
        "version": __version__,
        "git_commit": task["git_commit"],
        "kernel": KERNEL_NAME,
        "retried": retried,
        "timing": {},  # filled in once the page is written (_timing)
    }


def render_task(task: dict) -> dict:
    """Execute one notebook and write its ``.ipynb``, ``.html`` and ``.json`` atomically.

    Runs in a worker process; returns the JSON document written.  A notebook whose kernel
    died is executed once more, on a fresh kernel (``"retried": true``).
    """
    import nbformat

    t0 = time.monotonic()
    out_dir = Path(task["out_dir"])
    name = task["name"]
    final = {ext: out_dir / f"{name}.{ext}" for ext in ("ipynb", "html", "json")}
    tmp_nb = temp_path(final["ipynb"], suffix=".ipynb")
    tmps = [tmp_nb]
    try:
        began = time.time()
        crash = _execute(task, tmp_nb)
        retried = _kernel_died(crash)
        if retried:  # a warm kernel that died is gone: the retry starts a fresh one
            remove_quietly(tmp_nb)
            began = time.time()
            crash = _execute(task, tmp_nb)
        executed = time.time()
        warm_info = warm.last_run() if warm.enabled() else {}
        try:
            nb = nbformat.read(str(tmp_nb), as_version=4)
        except (OSError, ValueError):  # nothing written: the kernel never started, or died
            nb = nbformat.read(task["notebook"], as_version=4)
            nbformat.write(nb, str(tmp_nb))  # the page's notebook: as written, unexecuted
        error = find_error(nb)
        if error is None and crash is not None:
            error = crash
        doc = _document(task, nb, error, final, time.monotonic() - t0, retried=retried)
        page = html.notebook_page(nb, doc, error=error, show_code=task["show_code"])
        tmp_html = temp_path(final["html"])
        tmps.append(tmp_html)
        tmp_html.write_text(page, encoding="utf-8")
        tmp_json = temp_path(final["json"])
        tmps.append(tmp_json)
        doc["timing"] = _timing(nb, began, executed, time.time(), warm_info)
        text = json.dumps(doc, indent=1, allow_nan=False)
        tmp_json.write_text(text, encoding="utf-8")
        for tmp in tmps:
            os.chmod(tmp, 0o644)
        # the JSON goes last: it is what marks a render complete (and up to date)
        os.replace(tmp_nb, final["ipynb"])
        os.replace(tmp_html, final["html"])
        os.replace(tmp_json, final["json"])
        # plain JSON values: the runner need not import nbformat to unpickle NotebookNodes
        return json.loads(text)
    finally:
        remove_quietly(*tmps)


def pool_map(todo: list[dict], workers: int, on_result,
             warm_kernels: bool | None = None) -> None:
    """Render ``todo`` in ``workers`` processes; ``on_result(task, NotebookResult)`` per
    notebook as it finishes.

    With ``warm_kernels`` (default: :func:`warm.wanted`, i.e. unless
    ``SMALLCAPS_KERNELS=cold``) each worker keeps one kernel for all its notebooks
    (:mod:`~.warm`); else every notebook gets a new kernel.

    A broken worker fails its notebook, not the batch.  An interruption (Ctrl-C, or SIGTERM
    turned into one by the command) stops the workers: each unwinds (its kernel killed, its
    temporary files removed) and exits; one that does not within
    :func:`lifeline.stop_workers`'s grace is killed.  A worker whose runner dies (``kill -9``)
    stops by itself (:func:`lifeline.bind_to_parent`).
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    # with fork, every worker is forked here, by this thread, which waits for them all: their
    # death signal (sent when the forking thread ends) fires only when the runner dies
    if warm_kernels is None:
        warm_kernels = warm.wanted()
    first = (todo[0]["cwd"], todo[0]["project"]) if warm_kernels and todo else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                               initializer=_worker_start,
                               initargs=(os.getpid(), bool(warm_kernels), first))
    finished: set[int] = set()  # id() of the tasks done (a backfill repeats names)
    broken: list[dict] = []
    try:
        futures = {pool.submit(_in_worker, render_task, t): t for t in todo}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                r: NotebookResult = result_from(fut.result(), Path(task["out_dir"]))
            except BrokenProcessPool:
                r = runner_failure(task, "the worker process died (out of memory?)")
                broken.append(task)
            except Exception as exc:  # noqa: BLE001 - one notebook's render bug spares the rest
                r = runner_failure(task, f"report runner error: {type(exc).__name__}: {exc}")
            finished.add(id(task))
            on_result(task, r)
    except BaseException:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        try:
            lifeline.stop_workers(procs)
        finally:  # every worker is gone now; a killed one could not remove its temporary files
            pool.shutdown(wait=False, cancel_futures=True)
            _remove_temp_files(broken + [t for t in todo if id(t) not in finished])
        raise
    pool.shutdown(wait=True)
    _remove_temp_files(broken)  # every worker is gone: what a dead one left can go


def _remove_temp_files(tasks: list[dict]) -> None:
    """The temporary files of notebooks whose worker was killed before it could remove them."""
    for t in tasks:
        remove_quietly(*Path(t["out_dir"]).glob(f".{t['name']}.*.tmp*"))


def _in_worker(fn, task: dict) -> dict:
    """``fn(task)`` in a worker.  Told to stop (or orphaned), the worker exits once ``fn`` has
    unwound, instead of sending a result nobody reads and waiting on the pipe for more."""
    try:
        doc = fn(task)
    except KeyboardInterrupt:
        lifeline.kill_kernels()
        os._exit(130)
    if lifeline.stopping():
        lifeline.kill_kernels()
        os._exit(130)
    return doc


_STOP_SIGNALS = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]


def _worker_start(parent_pid: int, warm_kernels: bool = False,
                  warm_start: tuple[str, str] | None = None) -> None:
    """Worker start-up: tied to the runner (:func:`lifeline.bind_to_parent`); the kernels' own
    chatter (e.g. jupyter_client's TCP warning) goes to the void instead of the user's
    terminal; status lines come from the parent process.  With ``warm_kernels`` the worker
    keeps one kernel (:func:`warm.enable`), shut down when the worker exits, and starts it
    now (in ``warm_start``: folder and project of the first notebook): while the kernel
    imports the kit, the worker imports papermill and nbconvert (without
    :data:`UNUSED_IMPORTS`: a forked worker has the runner's mark already, a spawned one
    marks them here)."""
    skip_unused_imports()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    # the parent handles Ctrl-C and terminates the workers: a worker then unwinds as if
    # interrupted (its kernel is killed, temporary files are removed) and exits
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    lifeline.bind_to_parent(parent_pid, signal.SIGTERM)
    _fresh_event_loop()
    if warm_kernels:
        warm.enable()
        if warm_start is not None:
            warm.prestart(*warm_start, KERNEL_NAME)
            _preimport()


def _preimport() -> None:
    """What every render needs in the worker, loaded ahead (best effort: a failure shows
    where it is used)."""
    import importlib

    for name in ("nbformat", "nbclient", "papermill", "nbconvert", "jinja2", "mistune"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    for name in ("_pages", "_markdown"):
        with contextlib.suppress(Exception):
            getattr(html, name)()
    with contextlib.suppress(Exception):
        html._exporter(False)


def _fresh_event_loop() -> None:
    """A forked worker never drives the event loop its parent may have left (its selector is
    shared with the parent): jupyter_client's calls get a new one."""
    import asyncio

    with contextlib.suppress(ImportError, AttributeError):
        from jupyter_core import utils

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        utils._loop.set(loop)


def _interrupt(signum, frame):
    """Once: the worker unwinds from here; a second signal must not cut its clean-up short."""
    for stop in _STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)
    lifeline.mark_stopping()
    raise KeyboardInterrupt
