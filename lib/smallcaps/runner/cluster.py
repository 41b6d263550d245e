"""The Dask executor: notebooks rendered on the workers of a Dask cluster, files written here.

``smallcaps report --executor dask --scheduler tcp://HOST:PORT`` (or
``$SMALLCAPS_DASK_SCHEDULER``) sends the notebooks the runner decided to render (the skip
decisions are made before, on the client) to a running Dask cluster.  Nothing assumes a shared
disk:

- the client ships what a render reads inside the task: the notebook's text and, unless the
  run is on the synthetic sample only, the data: the CSV files of the data folder, the
  download cache and the user catalog (:class:`DataBundle`, scattered once per run and data
  fingerprint);
- a worker materializes a bundle once per data fingerprint, in a temporary *project folder*
  of its own (``data/raw``, ``data/cache``, ``data/catalog.yml``), renders with the local
  path's own function (:func:`smallcaps.runner.execute.render_task`, on a task whose
  notebook, folder and output point into a temporary folder of the worker), rewrites the
  worker's paths in the ``.ipynb``, ``.html`` and ``.json`` into the client's (so the pages
  read as those of a local run), returns their bytes and removes its folder;
- the client writes the three files atomically into the run's folder, the JSON last (it
  marks a render complete).

Each worker process keeps one warm kernel (:mod:`~.warm`), started by a render thread of its
own when the kit's worker plugin (:class:`WorkerSetup`) is registered, and reused for every
notebook the worker gets; it dies with the worker (the thread that started it ends with the
process: :mod:`~.lifeline`'s death signal), and is shut down when the worker closes (the
plugin's teardown, or at exit).  Notebooks on one worker process run one at a time, whatever
its ``--nthreads``: run workers with ``--nthreads 1`` so the scheduler sends a notebook to an
idle worker rather than queueing it behind another.

A lost worker's notebooks are run again elsewhere (Dask reschedules them; a task that raised
is retried once, ``retries=1``).  Before anything is submitted :func:`connect` checks that the
scheduler answers, that a worker is connected and that every worker runs the same smallcaps
version, library source (:func:`~.skipcache.lib_hash`) and Python as the client and has the
``smallcaps`` Jupyter kernel: each is a one-line :class:`~smallcaps.errors.SmallcapsError`.

``distributed`` is an optional extra (``pip install 'smallcaps[dask]'``); this module imports
without it.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import hashlib
import html as htmlmod
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from smallcaps.errors import SmallcapsError
from smallcaps.project import walk_files
from smallcaps.runner.files import atomic_write
from smallcaps.runner.outcome import NotebookResult, result_from, runner_failure

try:  # the optional extra: without it the module still imports, and connect() says why not
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - tested by hiding the package
    _WorkerPlugin = object

__all__ = ["ENV_VAR", "PLUGIN_NAME", "DataBundle", "WorkerSetup", "close", "cluster_map",
           "connect", "identity", "render_remote"]

ENV_VAR = "SMALLCAPS_DASK_SCHEDULER"  #: the scheduler's address when ``--scheduler`` is not given
PLUGIN_NAME = "smallcaps-worker"  #: name of the kit's worker plugin on the cluster
INSTALL_HINT = "pip install 'smallcaps[dask]'"
#: variables a worker's kernel gets from the client (data folders: the bundle's, on the worker)
FORWARDED_ENV = ("SMALLCAPS_OFFLINE", "SMALLCAPS_REFERENCE", "SMALLCAPS_FOLLOW_SYMLINKS")
_MANAGED_ENV = (*FORWARDED_ENV, "SMALLCAPS_DATA_DIR", "SMALLCAPS_CACHE_DIR", "SMALLCAPS_CATALOG")
MAX_DATA_SETS = 4  #: data bundles a worker keeps materialized (the oldest removed first)


# ----------------------------------------------------------------- the client

def connect(address: str | None, timeout: float = 5.0):
    """A ``distributed.Client`` on the scheduler at ``address``, its workers checked.

    Parameters
    ----------
    address : str or None
        ``tcp://HOST:PORT``; None or ``""``: ``$SMALLCAPS_DASK_SCHEDULER``.
    timeout : float
        Seconds to reach the scheduler, and again for a first worker to be connected.

    Returns
    -------
    distributed.Client
        Connected, with the kit's worker plugin registered (each worker starts its warm
        kernel).  Give it back with :func:`close`.

    Raises
    ------
    SmallcapsError
        One line: no address, ``distributed`` not installed, the scheduler not reached or no
        worker connected within ``timeout``, or a worker that cannot run the kit or runs
        another smallcaps version, library or Python than this client (named, with both).
    """
    address = (address or os.environ.get(ENV_VAR, "")).strip()
    if not address:
        raise SmallcapsError(f"--executor dask needs a scheduler: --scheduler tcp://HOST:PORT "
                             f"or ${ENV_VAR}")
    try:
        import distributed
    except ImportError:
        raise SmallcapsError(f"--executor dask needs the 'distributed' package: {INSTALL_HINT}"
                             ) from None
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = _one_line(exc)
        raise SmallcapsError(f"--scheduler {address}: no Dask scheduler answered within "
                             f"{timeout:g} s ({reason})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise SmallcapsError(
                f"--scheduler {address}: no Dask worker connected within {timeout:g} s (start "
                f"some: `dask worker {address} --nthreads 1`) ({_one_line(exc)})") from None
        check_workers(client)
        from smallcaps.runner import warm

        client.register_plugin(WorkerSetup(env=_client_env(), warm_kernels=warm.wanted()),
                               name=PLUGIN_NAME)
    except BaseException:
        close(client)
        raise
    return client


def check_workers(client) -> None:
    """Every worker runs this client's smallcaps version, library and Python, and has the
    kernel; else a one-line :class:`SmallcapsError` naming the worker and both versions."""
    mine = identity()
    answers = client.run(identity, on_error="return")
    for worker, theirs in sorted(answers.items()):
        if isinstance(theirs, BaseException):
            raise SmallcapsError(
                f"Dask worker {worker} cannot run the kit ({_one_line(theirs)}); install the "
                f"client's environment there (requirements.lock and smallcaps {mine['version']})")
        diffs = [f"{label} {theirs.get(k)} (this client: {mine[k]})"
                 for k, label in (("version", "smallcaps"), ("lib", "library source"),
                                  ("python", "Python")) if theirs.get(k) != mine[k]]
        if diffs:
            raise SmallcapsError(
                f"Dask worker {worker} runs {', '.join(diffs)}; the workers need the client's "
                "environment (requirements.lock and the same smallcaps)")
        if theirs.get("kernel"):
            raise SmallcapsError(f"Dask worker {worker}: {theirs['kernel']}")


def identity() -> dict:
    """What a process runs: ``version`` (smallcaps), ``lib`` (the library source's digest),
    ``python`` (``3.11``), ``kernel`` ("" when the Jupyter kernel is fine, else why not)."""
    from smallcaps import __version__
    from smallcaps.runner import execute, skipcache

    try:
        execute.check_kernel()
        kernel = ""
    except SmallcapsError as exc:
        kernel = str(exc)
    return {"version": __version__, "lib": skipcache.lib_hash(),
            "python": f"{sys.version_info[0]}.{sys.version_info[1]}", "kernel": kernel}


def close(client) -> None:
    """Disconnect from the cluster (the workers keep their warm kernels for the next run)."""
    if client is not None:
        with contextlib.suppress(Exception):
            client.close(timeout=10)


def cluster_map(todo: list[dict], on_result, client) -> None:
    """Render ``todo`` on the cluster; ``on_result(task, NotebookResult)`` per notebook as it
    finishes (same contract as :func:`smallcaps.runner.execute.pool_map`).

    The files are written here, atomically, into each task's ``out_dir`` (the JSON last).  A
    failing notebook is a failed result; a render that broke outside the notebook (raised on
    the worker twice, or its workers kept dying) is a runner failure of that notebook.  An
    interruption cancels what is still queued or running and propagates.
    """
    from distributed import as_completed

    futures: dict = {}
    try:
        bundles: dict[str, object] = {}
        memo: dict = {}
        for rank, task in enumerate(todo):
            bundle = _bundle(task, memo)
            ref = None
            if bundle is not None:
                if bundle.key not in bundles:  # shipped once; each worker fetches it once
                    bundles[bundle.key] = client.scatter(bundle, hash=False)
                ref = bundles[bundle.key]
            fut = client.submit(render_remote, _payload(task, bundle), ref, retries=1,
                                pure=False, priority=len(todo) - rank,
                                key=f"smallcaps-{task['name']}-{uuid.uuid4().hex[:12]}")
            futures[fut] = task
        for fut in as_completed(list(futures), loop=client.loop):
            task = futures[fut]
            try:
                r = _receive(task, fut.result())
            except Exception as exc:  # noqa: BLE001 - one notebook's failure spares the rest
                r = runner_failure(task, _failure_line(exc))
            on_result(task, r)
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(futures), force=True)
        raise


def _receive(task: dict, files: dict) -> NotebookResult:
    """Write a worker's three files into the task's folder (atomically, the JSON last)."""
    out_dir = Path(task["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    for ext in ("ipynb", "html", "json"):
        atomic_write(out_dir / f"{task['name']}.{ext}", files[ext])
    return result_from(json.loads(files["json"]), out_dir)


def _failure_line(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return "the Dask workers running it died, again and again (out of memory?)"
    if name == "CancelledError":
        return "cancelled on the Dask cluster (a worker or the scheduler went away)"
    return f"report runner error on a Dask worker: {name}: {_one_line(exc)}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _client_env() -> dict[str, str | None]:
    """The environment a worker's kernel gets: the forwarded variables as this client has
    them, the data folders the bundle's (unset), no catalog when this client has none."""
    env: dict[str, str | None] = {k: os.environ.get(k) for k in FORWARDED_ENV}
    env.update(SMALLCAPS_DATA_DIR=None, SMALLCAPS_CACHE_DIR=None, SMALLCAPS_CATALOG=None)
    from smallcaps.data.catalog import user_catalog_path

    if user_catalog_path() == Path(os.devnull):
        env["SMALLCAPS_CATALOG"] = "none"
    return env


@dataclass(frozen=True)
class DataBundle:
    """The data a render reads, as bytes: what a worker materializes in its project folder.

    Attributes
    ----------
    key : str
        Identity of the data (the run's data fingerprint and the folders it came from).
    raw : dict
        CSV file name -> ``(content, mtime_ns)`` (the data folder's ``*.csv``; the time is
        kept: a CSV series' provenance says when its file was written).
    cache : dict
        Path relative to the download cache -> ``(content, mtime_ns)``.
    catalog : tuple or None
        The user catalog file (``data/catalog.yml``) as ``(content, mtime_ns)``, when there is
        one.
    client_paths : dict
        ``data_dir``, ``cache`` and ``catalog`` as this client resolved them (the worker's
        paths in the pages are rewritten into these).
    """

    key: str
    raw: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    catalog: tuple | None = None
    client_paths: dict = field(default_factory=dict)


def _bundle(task: dict, memo: dict) -> DataBundle | None:
    """The data ``task`` reads (None for the synthetic sample with no user catalog); ``memo``
    keeps the bundles made for the run's earlier tasks."""
    from smallcaps.data.cache import cache_dir
    from smallcaps.data.catalog import user_catalog_path
    from smallcaps.data.load import resolve_data_dir

    source = task["inject"].get("source", "auto")
    data_dir = resolve_data_dir(task["inject"].get("data_dir") or None)
    cache = cache_dir()
    catalog = user_catalog_path()
    ident = (task["inputs"].get("data_fingerprint"), source, str(data_dir), str(cache),
             str(catalog))
    if ident in memo:
        return memo[ident]
    raw: dict = {}
    if source in ("csv", "auto") and data_dir.is_dir():
        for p in sorted(data_dir.iterdir()):
            if p.suffix in (".csv", ".CSV") and p.is_file():
                raw[p.name] = _read(p)
    cached: dict = {}
    if source in ("live", "auto") and cache.is_dir():
        cached = {str(p.relative_to(cache)): _read(p) for p in walk_files(cache)}
    blob = _read(catalog) if catalog != Path(os.devnull) and catalog.is_file() else None
    if source == "sample" and blob is None:
        bundle = None
    else:
        stamps = [sorted((k, t) for k, (_, t) in files.items()) for files in (raw, cached)]
        key = hashlib.sha256(json.dumps([ident, stamps, blob and blob[1]]).encode()
                             ).hexdigest()[:16]
        bundle = DataBundle(key=key, raw=raw, cache=cached, catalog=blob, client_paths={
            "data_dir": str(data_dir), "cache": str(cache), "catalog": str(catalog)})
    memo[ident] = bundle
    return bundle


def _read(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _write(path: Path, item: tuple[bytes, int]) -> None:
    blob, mtime_ns = item
    path.write_bytes(blob)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _payload(task: dict, bundle: DataBundle | None) -> dict:
    """What a worker needs besides the data: the task, the notebook's text, the environment."""
    from smallcaps.runner import warm

    nb = Path(task["notebook"])
    env = _client_env()
    return {"task": task, "notebook_name": nb.name, "notebook_bytes": nb.read_bytes(),
            "env": env, "warm": warm.wanted(),
            "client_paths": bundle.client_paths if bundle is not None else {}}


# ----------------------------------------------------------------- on a worker

class WorkerSetup(_WorkerPlugin):
    """The kit's worker plugin: starts the worker's render thread and its warm kernel when
    registered; shuts them down (and removes the worker's folders) when the worker closes.

    Parameters
    ----------
    env : dict
        The environment the kernel starts with (see :func:`_client_env`).
    """

    idempotent = True  # registered by every run: a worker that has it keeps its kernel

    def __init__(self, env: dict | None = None, warm_kernels: bool = True):
        self.env = dict(env or {})
        self.warm_kernels = bool(warm_kernels)

    def setup(self, worker=None) -> None:
        _renderer().post(_prestart, self.env, self.warm_kernels)

    def teardown(self, worker=None) -> None:
        _stop_renderer()


def render_remote(payload: dict, bundle: DataBundle | None) -> dict:
    """On a worker: render one notebook (on the worker's render thread and warm kernel) and
    return its files, ``{"ipynb": bytes, "html": bytes, "json": bytes}``, the worker's paths
    in them rewritten into the client's."""
    return _renderer().post(_render_here, payload, bundle).result()


#: A worker's folder is ``smallcaps-dask-<pid>-<random>`` in its temporary directory.
_PREFIX = "smallcaps-dask-"


def sweep_stale(parent: Path) -> list[Path]:
    """Remove the folders of workers that died without removing them (killed with ``-9``, an
    out-of-memory kill): those whose process no longer exists.  Returns what was removed."""
    gone = []
    for folder in parent.glob(f"{_PREFIX}*"):
        pid = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:  # a killed process its parent has not reaped yet is a zombie: dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


class _Renderer:
    """The worker process's one render thread: its kernel lives (and dies) with it."""

    def __init__(self):
        self.jobs: queue.Queue = queue.Queue()
        sweep_stale(Path(tempfile.gettempdir()))
        self.root = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")).resolve()
        self.env: dict | None = None  # the environment the current kernel started with
        self.data: OrderedDict = OrderedDict()  # bundle key -> materialized project folder
        self.thread = threading.Thread(target=self._loop, name="smallcaps-render", daemon=True)
        self.thread.start()

    def post(self, fn, *args) -> concurrent.futures.Future:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        self.jobs.put((fut, fn, args))
        return fut

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                break
            fut, fn, args = job
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(self, *args))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting task
                fut.set_exception(exc)
        self._shutdown()

    def _shutdown(self) -> None:
        from smallcaps.runner import lifeline, warm

        with contextlib.suppress(Exception):
            warm.shutdown()
        lifeline.kill_kernels()
        shutil.rmtree(self.root, ignore_errors=True)


_lock = threading.Lock()
_current: list[_Renderer] = []


def _renderer() -> _Renderer:
    with _lock:
        if not _current or not _current[0].thread.is_alive():
            _current[:] = [_Renderer()]
        return _current[0]


def _stop_renderer(timeout: float = 30.0) -> None:
    """Stop the render thread (its kernel shut down, its folder removed), waiting at most
    ``timeout`` seconds; what is left is killed."""
    with _lock:
        renderer = _current.pop() if _current else None
    if renderer is None:
        return
    renderer.jobs.put(None)
    renderer.thread.join(timeout)
    if renderer.thread.is_alive():
        from smallcaps.runner import lifeline

        lifeline.kill_kernels()
        shutil.rmtree(renderer.root, ignore_errors=True)


atexit.register(_stop_renderer)


def _apply_env(r: _Renderer, env: dict, warm_kernels: bool) -> None:
    """This process's environment as the client wants it for the kernel; a kernel started
    with another one is replaced (a kernel's environment is set when it starts)."""
    from smallcaps.runner import warm

    wanted = {k: env.get(k) for k in _MANAGED_ENV}
    if wanted != r.env:
        if r.env is not None and warm.enabled():
            warm.shutdown()
        for k, v in wanted.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        r.env = wanted
    if warm_kernels and not warm.enabled():
        warm.enable()
    elif not warm_kernels and warm.enabled():
        warm.disable()


def _prestart(r: _Renderer, env: dict, warm_kernels: bool) -> None:
    """Start the warm kernel ahead of the first notebook (best effort, as a pool worker's):
    while it imports the kit, this thread imports what a render needs."""
    import importlib

    from smallcaps.runner import execute, warm

    _apply_env(r, env, warm_kernels)
    if not warm_kernels:
        return
    empty = _empty_project(r)
    warm.prestart(str(empty), str(empty), execute.KERNEL_NAME)
    for name in ("nbformat", "nbclient", "papermill", "nbconvert", "smallcaps.runner.html"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _empty_project(r: _Renderer) -> Path:
    folder = r.root / "empty-project"
    folder.mkdir(exist_ok=True)
    return folder


def _materialize(r: _Renderer, bundle: DataBundle) -> Path:
    """The project folder holding ``bundle``'s files, written once per worker."""
    if bundle.key in r.data:
        r.data.move_to_end(bundle.key)
        return r.data[bundle.key]
    project = r.root / f"data-{bundle.key}"
    shutil.rmtree(project, ignore_errors=True)
    raw, cache = project / "data" / "raw", project / "data" / "cache"
    raw.mkdir(parents=True)
    cache.mkdir(parents=True)
    for name, item in bundle.raw.items():
        _write(raw / Path(name).name, item)
    for rel, item in bundle.cache.items():
        target = (cache / rel).resolve()
        if not target.is_relative_to(cache.resolve()):
            continue  # never outside the cache folder
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, item)
    if bundle.catalog is not None:
        _write(project / "data" / "catalog.yml", bundle.catalog)
    r.data[bundle.key] = project
    while len(r.data) > MAX_DATA_SETS:
        _, old = r.data.popitem(last=False)
        shutil.rmtree(old, ignore_errors=True)
    return project


def _render_here(r: _Renderer, payload: dict, bundle: DataBundle | None) -> dict:
    """Render ``payload``'s task in a temporary folder of this worker; its files' bytes."""
    from smallcaps.runner import execute

    _apply_env(r, payload["env"], payload["warm"])
    client = payload["task"]
    project = _materialize(r, bundle) if bundle is not None else _empty_project(r)
    tmp = Path(tempfile.mkdtemp(prefix="task-", dir=r.root))
    try:
        nb_dir, out_dir = tmp / "notebook", tmp / "out"
        nb_dir.mkdir()
        notebook = nb_dir / payload["notebook_name"]
        notebook.write_bytes(payload["notebook_bytes"])
        in_folder = Path(client["cwd"]) == Path(client["notebook"]).parent
        cwd = nb_dir if in_folder else project
        inject = dict(client["inject"])
        raw = project / "data" / "raw"
        if inject.get("data_dir") and inject.get("source") in ("csv", "auto"):
            inject["data_dir"] = str(raw)
        task = {**client, "notebook": str(notebook), "out_dir": str(out_dir), "cwd": str(cwd),
                "project": str(project), "inject": inject}
        execute.render_task(task)
        paths = {str(notebook): client["notebook"],
                 str(nb_dir): str(Path(client["notebook"]).parent),
                 str(out_dir): client["out_dir"], str(project): client["project"]}
        cp = payload.get("client_paths") or {}
        for mine, key in ((raw, "data_dir"), (project / "data" / "cache", "cache"),
                          (project / "data" / "catalog.yml", "catalog")):
            if key in cp:
                paths[str(mine)] = cp[key]
        name = client["name"]
        return {ext: _client_side((out_dir / f"{name}.{ext}").read_text(encoding="utf-8"),
                                  ext, paths).encode("utf-8")
                for ext in ("ipynb", "html", "json")}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _client_side(text: str, ext: str, paths: dict[str, str]) -> str:
    """``text`` (an ``.ipynb``, ``.html`` or ``.json``) with the worker's paths replaced by the
    client's (longest first: a folder's files before the folder)."""
    order = sorted(paths, key=len, reverse=True)
    if ext == "html":
        for mine in order:
            text = text.replace(mine, htmlmod.escape(paths[mine]))
        return text

    def fix(value):
        if isinstance(value, str):
            for mine in order:
                if mine in value:
                    value = value.replace(mine, paths[mine])
            return value
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    if not any(mine in text for mine in order):
        return text
    doc = fix(json.loads(text))
    if ext == "ipynb":  # as nbformat writes it
        import nbformat

        return nbformat.writes(nbformat.from_dict(doc))
    return json.dumps(doc, indent=1, allow_nan=False)  # as render_task writes it
