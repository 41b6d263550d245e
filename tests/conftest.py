"""Shared fixtures: the real market history in ../shared (skipped when absent), a helper that
executes a notebook with papermill and returns its recorded figures, and the order in which
the test files are handed to the xdist workers.

Executed notebooks are shared.  :func:`run_notebook` executes a given notebook with given
parameters once per test session: the executed copy is kept in a store shared by the xdist
workers (``<basetemp>/notebook-store``, keyed by the notebook's name and bytes, the
parameters, the files of a ``data_dir`` parameter and the ``SMALLCAPS_*`` environment), guarded
by a lock file so two workers never execute the same one; every later call copies it.  The
notebooks run on one warm kernel per worker (:mod:`smallcaps.runner.warm`: the kit imported
once, the kernel reset to its fresh state before every notebook, which
``tests/test_warm_pool.py`` proves a notebook cannot tell from a new kernel), shut down at the
end of the session.  ``SMALLCAPS_TEST_KERNELS=cold`` runs every notebook on a new kernel
instead, as papermill does by default.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_MARKET = Path(
    os.environ.get("SMALLCAPS_SHARED_MARKET", ROOT.parent / "shared" / "data" / "market")
)
NOTEBOOKS = ROOT / "notebooks"
RECORD_MIMETYPE = "application/vnd.smallcaps.record+json"
KERNEL = "smallcaps"

#: the variables ``_isolate_env`` sets for every test; a notebook of :func:`run_notebook` gets
#: the same isolation (with folders of its own), whichever fixture or test executes it
ISOLATION = ("SMALLCAPS_DATA_DIR", "SMALLCAPS_CACHE_DIR", "SMALLCAPS_CATALOG",
             "SMALLCAPS_OFFLINE")

#: Test files handed to the xdist workers first, longest first (wall seconds of the file alone
#: on this 2-core machine shared with other work, 2026-12), so that the last file to start is
#: a short one and both cores stay busy to the end: with ``--dist loadfile
#: --no-loadscope-reorder`` xdist hands out whole files in this order, then the others as
#: collected (without ``--no-loadscope-reorder`` it sorts files by their number of tests,
#: which leaves the few-test end-to-end files for last).  Only the order changes, never what
#: runs.
HEAVY_FILES = (
    "test_report_e2e.py",  # 100 s: six notebooks on the sample through the CLI
    "test_report_e2e_backfill.py",  # 62 s: 2 notebooks x 3 dates
    "test_orphans.py",  # 60 s, mostly waiting for processes to start and end
    "test_warm_pool.py",  # 45 s
    "test_dask_executor.py",  # a scheduler and two workers
    "test_install.py",  # 37 s: wheel, fresh environment, one page
    "test_nb01.py",  # 33 s
    "test_reports_run.py",
    "test_taxloss.py",
    "test_nb02.py",  # 25 s
    "test_report_browser.py",
    "test_nb03.py",  # 22 s
    "test_nb06.py",  # 17 s
    "test_nb05.py",  # 16 s
    "test_nb04.py",  # 7 s
)


def pytest_collection_modifyitems(session, config, items):
    """The files of :data:`HEAVY_FILES` first, in that order; every file's tests stay in their
    order (a stable sort), and so do the other files."""
    rank = {name: i for i, name in enumerate(HEAVY_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    """Tests never read the user's data/raw, cache or catalog, and never touch the network."""
    monkeypatch.setenv("SMALLCAPS_DATA_DIR", str(tmp_path / "no-raw-data"))
    monkeypatch.setenv("SMALLCAPS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SMALLCAPS_CATALOG", "none")  # no user catalog
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")


@pytest.fixture
def shared_market() -> Path:
    """Folder of real daily history (../shared/data/market); the test skips when it is absent."""
    if not (SHARED_MARKET / "RUT.csv").is_file():
        pytest.skip(f"real market data not found at {SHARED_MARKET}")
    return SHARED_MARKET


@pytest.fixture(scope="module")
def shared_market_module() -> Path:
    """``shared_market`` for module-scoped fixtures (one notebook run shared by many tests)."""
    if not (SHARED_MARKET / "RUT.csv").is_file():
        pytest.skip(f"real market data not found at {SHARED_MARKET}")
    return SHARED_MARKET


def fake_workers(monkeypatch, render) -> None:
    """The runner's pool workers render with ``render`` (a fast stand-in for
    ``execute.render_task``) instead of a notebook on a kernel, and start no warm kernel
    (``SMALLCAPS_KERNELS=cold``), as none would run anything: a warm worker starts one and
    imports the kit first (about 1 s a worker), and waits for it to shut down at the end of
    every run."""
    from smallcaps.runner import execute

    monkeypatch.setattr(execute, "render_task", render)
    monkeypatch.setenv("SMALLCAPS_KERNELS", "cold")


def plain_closes(folder: Path, name: str):
    """The Close column of a Yahoo-export CSV read with plain pandas, independent of the
    library (for cross-checking its numbers)."""
    import pandas as pd

    frame = pd.read_csv(folder / f"{name}.csv", index_col=0, parse_dates=True)
    return frame["Close"].astype(float)


def records_from(nb) -> dict:
    """Recorded figures (name -> value) from an executed notebook node."""
    from smallcaps.page import collect_records

    return collect_records(nb)


# ------------------------------------------------------------------ executed notebooks, shared

# the store's folder (set by the session fixture) and this worker's warm kernel
_STORE: dict = {"root": None, "kernel": None}


@pytest.fixture(scope="session", autouse=True)
def _notebook_store(tmp_path_factory):
    """The session's store of executed notebooks, one for all xdist workers (the parent of
    a worker's base folder is the session's); this worker's warm kernel is shut down at the
    end."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "notebook-store"
    root.mkdir(exist_ok=True)
    _STORE["root"] = root
    try:
        yield root
    finally:
        _STORE["root"] = None
        _shutdown_kernel()


def run_notebook(name: str, tmp_path: Path, **parameters) -> dict:
    """Execute ``notebooks/<name>.ipynb`` with papermill; return its recorded figures.

    The executed notebook is written to ``tmp_path/<name>.out.ipynb``.  It runs in the tests'
    isolated environment (:data:`ISOLATION`: offline, no catalog, no raw-data folder, an empty
    cache of its own) plus the caller's other ``SMALLCAPS_*`` variables, in ``notebooks/``,
    on this worker's warm kernel.  The same notebook (same bytes) with the same parameters,
    data files and environment executes once per session: later calls, from any test file and
    any xdist worker, get a copy of the first execution.

    Raises papermill's ``PapermillExecutionError`` when a cell fails (the executed notebook,
    with its error cell, is written all the same; a failure is not kept, the next call
    executes the notebook again).
    """
    src = NOTEBOOKS / f"{name}.ipynb"
    out = tmp_path / f"{name}.out.ipynb"
    extra = {k: v for k, v in os.environ.items()
             if k.startswith("SMALLCAPS_") and k not in ISOLATION}
    root = _STORE["root"]
    if root is None:  # called outside a test session: nothing to share
        _execute(src, out, parameters, _environment(extra, tmp_path / f"{name}.env"))
        return _records(out)
    key = _key(src, parameters, extra)
    entry = root / key
    executed = entry / "executed.ipynb"
    with _locked(root / f"{key}.lock"):
        if not executed.is_file():
            entry.mkdir(exist_ok=True)
            partial = entry / "executing.ipynb"
            try:
                _execute(src, partial, parameters, _environment(extra, entry))
            except BaseException:
                if partial.is_file():
                    shutil.copyfile(partial, out)
                    partial.unlink()
                raise
            os.replace(partial, executed)
            _log(root, {"notebook": name, "parameters": parameters, "key": key,
                        "worker": _worker()})
    shutil.copyfile(executed, out)
    return _records(out)


def _records(path: Path) -> dict:
    import nbformat

    return records_from(nbformat.read(path, as_version=4))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _log(root: Path, line: dict) -> None:
    """One line per execution in ``<store>/executions.jsonl`` (appended whole)."""
    fd = os.open(root / "executions.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (json.dumps(line, sort_keys=True, default=str) + "\n").encode())
    finally:
        os.close(fd)


def _key(src: Path, parameters: dict, extra: dict) -> str:
    """What decides an execution: the notebook's name and bytes, the parameters, the files of
    a ``data_dir`` parameter (name, size, modification time) and the environment's other
    ``SMALLCAPS_*`` variables."""
    h = hashlib.sha256()
    h.update(src.name.encode() + b"\0" + src.read_bytes() + b"\0")
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode() + b"\0")
    h.update(json.dumps(sorted(extra.items())).encode() + b"\0")
    data_dir = parameters.get("data_dir")
    if isinstance(data_dir, str) and data_dir and Path(data_dir).is_dir():
        for p in sorted(Path(data_dir).iterdir()):
            if p.is_file():
                st = p.stat()
                h.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return f"{src.stem}-{h.hexdigest()[:24]}"


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock on ``path`` across processes (``flock``: released when its holder
    ends, however it ends)."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _environment(extra: dict, folder: Path) -> dict[str, str]:
    """The ``SMALLCAPS_*`` environment of a notebook run: the caller's other variables, the
    project (this repository, as the kit finds it from ``notebooks/``) and the isolation."""
    env = {"SMALLCAPS_PROJECT": str(ROOT), **extra}
    env.update({"SMALLCAPS_DATA_DIR": str(folder / "no-raw-data"),
                "SMALLCAPS_CACHE_DIR": str(folder / "cache"),
                "SMALLCAPS_CATALOG": "none", "SMALLCAPS_OFFLINE": "1"})
    return env


def _execute(src: Path, out: Path, parameters: dict, env: dict[str, str]) -> None:
    if os.environ.get("SMALLCAPS_TEST_KERNELS", "warm").strip().lower() == "cold":
        _execute_cold(src, out, parameters, env)
    else:
        _execute_warm(src, out, parameters, env)


@contextlib.contextmanager
def _smallcaps_environ(env: dict[str, str]):
    """``os.environ`` with exactly the ``SMALLCAPS_*`` variables of ``env`` (a kernel started
    inside inherits them), restored afterwards."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("SMALLCAPS_")}
    try:
        for k in saved:
            del os.environ[k]
        os.environ.update(env)
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("SMALLCAPS_")]:
            del os.environ[k]
        os.environ.update(saved)


def _execute_cold(src: Path, out: Path, parameters: dict, env: dict[str, str]) -> None:
    """papermill's default: a new kernel for this notebook, shut down after it."""
    import papermill as pm

    with _smallcaps_environ(env):
        pm.execute_notebook(str(src), str(out), parameters=parameters, kernel_name=KERNEL,
                            cwd=str(NOTEBOOKS), progress_bar=False)


def _execute_warm(src: Path, out: Path, parameters: dict, env: dict[str, str]) -> None:
    """papermill on this worker's warm kernel, reset first to its fresh state with ``env``.

    A kept kernel found dead (or stuck) at the reset is replaced before the notebook begins.
    A cell that fails raises ``PapermillExecutionError`` and keeps the kernel; any other
    failure (a kernel that died during the notebook) throws the kernel away and is raised.
    """
    from papermill.exceptions import PapermillExecutionError
    from smallcaps.runner import warm

    reset = (f"__import__('smallcaps.runner.warm', fromlist=['_']).kernel_reset("
             f"{str(NOTEBOOKS)!r}, {env!r})")
    while True:
        kernel = _kernel()
        new = kernel.renders == 0
        try:
            kernel.call(reset, warm.RESET_TIMEOUT_S)
            break
        except Exception:
            _drop_kernel()
            if new:
                raise
    kernel.renders += 1
    try:
        kernel.execute({"notebook": str(src), "inject": parameters, "cwd": str(NOTEBOOKS)},
                       out)
    except PapermillExecutionError:
        raise
    except BaseException:
        _drop_kernel()
        raise


def _kernel():
    """This worker's warm kernel: started at the first notebook (or when the last one died
    or wore out), with no ``SMALLCAPS_*`` variable of the test that happens to start it."""
    from smallcaps.runner import lifeline, warm

    kernel = _STORE["kernel"]
    if kernel is not None and (not kernel.alive() or kernel.worn()):
        _drop_kernel()
        kernel = None
    if kernel is None:
        with _smallcaps_environ({}):
            kernel = warm.WarmKernel(str(NOTEBOOKS), str(ROOT), KERNEL)
        # Not one of lifeline's kernels: ``lifeline.kill_kernels()`` (the runner's clean-up,
        # run in this process by the runner's and lifeline's own tests, which count what it
        # kills) must not see it.  It still dies with this worker (its death signal).
        proc = _process(kernel)
        with lifeline._lock:
            lifeline._kernels[:] = [e for e in lifeline._kernels if e[0] is not proc]
        _STORE["kernel"] = kernel
    return kernel


def _process(kernel):
    return getattr(getattr(kernel.km, "provisioner", None), "process", None)


def _drop_kernel() -> None:
    """Shut this worker's warm kernel down (killed, with its process group, if it lingers)."""
    from jupyter_core.utils import run_sync

    kernel, _STORE["kernel"] = _STORE["kernel"], None
    if kernel is None:
        return
    proc = _process(kernel)
    km, kc = kernel.km, kernel.kc
    kernel.km = kernel.kc = None
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    if km is not None:
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
    if proc is not None and proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)


def _shutdown_kernel() -> None:
    _drop_kernel()
