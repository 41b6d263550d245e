"""Warm kernels: one kernel per worker, the kit imported once, reset before every notebook.

A cold render pays a kernel start (about 0.8 s) and the kit's imports (pandas, matplotlib,
statsmodels, mplfinance, smallcaps: about 2.4 s) before the notebook's own code runs.  With
warm kernels (the default; ``SMALLCAPS_KERNELS=cold`` turns them off) each pool worker starts
one kernel as it starts (:func:`prestart`: the kernel imports the kit, :data:`PRELOAD`, while
the worker imports papermill and nbconvert), records the kernel's *fresh state* and reuses
the kernel for every notebook (or as-of date) the worker gets in the run, so a render costs
its own compute plus the HTML export.  The kit's objects are then moved out of the garbage
collector's way (``gc.freeze``): collecting a notebook's garbage does not scan them.

Isolation.  Before every notebook the kernel is reset to its fresh state
(:func:`kernel_reset`, run inside the kernel):

- the namespace: IPython's ``reset(new_session=True)`` (what ``%reset -f`` does, and the
  execution counter back at 1, so the cells are numbered as in a cold run); ``Out``, ``In``,
  ``_``, the last traceback (``sys.last_*``) go with it, then a garbage collection;
- random state: :mod:`random` and numpy's global generator seeded again from the OS, as in a
  new process (a notebook that seeds gets its own sequence; one that does not gets fresh
  draws, never the previous notebook's);
- matplotlib: every figure closed, ``rcParams`` and the units registry (date converters) back
  to the fresh state, IPython's display formatters and the inline backend's settings too;
- the working directory (the task's), ``os.environ`` (the fresh one plus the task's
  ``SMALLCAPS_PROJECT``), ``sys.path``, warnings filters (and the "shown once" registries, so
  a warning shows again as in a new process), the root logger, pandas options, numpy print
  options and error state, the recursion limit;
- ``sys.modules``: modules imported since the fresh state that are not part of the
  environment (the interpreter's and the virtual environment's folders) are dropped, so a
  notebook's own helper modules (``helpers.py`` next to it) are imported again, from its
  folder.  The kit (``smallcaps.*``) stays: that is the point.

"Fresh state" is the state after the kit's imports: a module that changes global state when
imported (statsmodels adds warnings filters for its own warning classes) has done so before
the first notebook, in a cold run too once the notebook imports the kit.

Data.  ``smallcaps.data.load`` keeps parsed CSV files and generated samples for the life of
the process, keyed by file identity (path, size, modification time; ``_PARSED``).  The module
survives the reset, so the second notebook of a worker that reads the same files does not
parse them again, and an edited file is parsed again (its identity changed).

What the reset cannot undo (documented, not guarded): threads a notebook started and left
running, monkeypatches of library modules, signal handlers, C-level state of extensions.  A
notebook that needs a brand-new process can be run with ``SMALLCAPS_KERNELS=cold``.

Dead kernels.  A kernel that dies (or stops answering) during a notebook is never reused: its
death is noticed within :data:`ALIVE_POLL_S` (nbclient's own engine looks once a second), the
notebook fails with the error, :func:`smallcaps.runner.execute.render_task` retries it once
(``"retried": true`` in its JSON), and the retry starts a fresh kernel.  A kernel that dies while
starting, before it answers (one of its ports taken by another process in the meantime), is
started again with new ports, up to :data:`START_ATTEMPTS` starts.  A kept kernel found
dead before a notebook begins is replaced without failing anything.  A kernel is also
replaced after :data:`MAX_RENDERS` notebooks or once it holds more than
:data:`MAX_RSS_BYTES` of memory.  The kernels are
:mod:`~smallcaps.runner.lifeline` kernels: they die with their worker.

This module imports only the standard library (and :mod:`~.lifeline`) at import time; a kernel
imports it for :func:`kernel_prepare` and :func:`kernel_reset`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

from smallcaps.runner import lifeline

__all__ = ["ALIVE_POLL_S", "ENGINE", "MAX_RENDERS", "MAX_RSS_BYTES", "PRELOAD", "WarmKernel",
           "disable", "enable", "enabled", "kernel_prepare", "kernel_reset", "last_run",
           "prestart", "run", "shutdown", "wanted"]

#: modules a warm kernel imports before its first notebook
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "statsmodels.api",
           "mplfinance", "smallcaps", "smallcaps.page", "smallcaps.data", "smallcaps.calendar",
           "smallcaps.stats", "smallcaps.charts", "smallcaps.narrative", "smallcaps.rates",
           "smallcaps.ratios", "smallcaps.seasonality", "smallcaps.taxloss", "smallcaps.events",
           "smallcaps.signals", "smallcaps.technicals")
ENGINE = "smallcaps-warm"  #: papermill engine name of a warm kernel
MAX_RENDERS = 100  #: notebooks a kernel runs before it is replaced by a new one
MAX_RSS_BYTES = 2 << 30  #: a kernel holding more memory than this is replaced
HISTORY_ARG = "--HistoryManager.hist_file=:memory:"  # as nbclient starts its kernels
START_TIMEOUT_S = 120.0
PRELOAD_TIMEOUT_S = 300.0
RESET_TIMEOUT_S = 120.0
#: kernel starts tried before a kernel that dies before it answers is an error: the ports a
#: kernel binds are picked by the starting process and bound only by the kernel, a second later,
#: so a process starting kernels beside this one can take one of them first (the kernel dies
#: with ``ZMQError: Address already in use``; jupyter/jupyter_client#487); a new start picks
#: new ports
START_ATTEMPTS = 3
#: how often a warm kernel that has not answered yet is checked for death (its process
#: polled: a ``waitpid``, no message), during a notebook's cell as during the kit's imports
ALIVE_POLL_S = 0.1

# ----------------------------------------------------------------- inside the kernel

_FRESH: dict = {}  # the kernel's state after the preload (kernel_prepare)
_ANSWER: list = []  # the value of the last WarmKernel.call, until read back


def kernel_prepare(modules: list[str] | tuple[str, ...] = PRELOAD) -> list[str]:
    """Inside a kernel: import ``modules`` and record the fresh state :func:`kernel_reset`
    restores.  Returns the modules that could not be imported (a notebook that needs one fails
    on its own import, as in a cold kernel)."""
    import gc
    import importlib

    failed = []
    with _quiet():
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - a broken optional import fails its notebook
                failed.append(name)
        _load_backend()
        _FRESH.clear()
        _FRESH.update(_snapshot())
    gc.collect()
    gc.freeze()  # the kit's objects live on: no collection of a notebook's garbage scans them
    return failed


def kernel_reset(cwd: str, environ: dict[str, str] | None = None) -> None:
    """Inside a kernel: back to the state :func:`kernel_prepare` recorded, in ``cwd``, with
    ``environ`` added to the fresh environment (see the module docstring for what is reset)."""
    import gc
    import importlib
    import linecache
    import random
    import warnings

    if not _FRESH:
        raise RuntimeError("kernel_reset before kernel_prepare")
    fresh = _FRESH
    with _quiet():
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
        _restore_environ({**fresh["environ"], **(environ or {})})
        os.chdir(cwd)
        sys.path[:] = fresh["sys_path"]
        _drop_user_modules(fresh["modules"])
        importlib.invalidate_caches()
        linecache.clearcache()
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                setattr(sys, name, None)
        shell = _shell()
        if shell is not None:  # after the chdir: the directory history starts in ``cwd``
            shell.reset(new_session=True)
            _restore_display(shell, fresh)
        _restore_libraries(fresh)
        warnings.filters[:] = fresh["filters"]
        mutated = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:  # every "already shown" registry (and "once") is out of date
            mutated()
        _restore_logging(fresh["logging"])
        sys.setrecursionlimit(fresh["recursion_limit"])
        gc.collect()
        random.seed()
        np = sys.modules.get("numpy")
        if np is not None:
            np.random.seed()


def _load_backend() -> None:
    """Load pyplot's backend now (matplotlib loads it at the first figure): the inline
    backend sets up IPython's image formatters when it loads, and they belong to the fresh
    state, or a reset would take them away from the next notebook."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    load = getattr(plt, "_get_backend_mod", None)
    if load is not None:
        load()
    else:  # pragma: no cover - older matplotlib
        plt.figure()
        plt.close("all")


@contextlib.contextmanager
def _quiet():
    """Nothing the reset or the imports print reaches a notebook's output."""
    import io

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython runs every kernel
        return None
    return get_ipython()


def _snapshot() -> dict:
    import copy
    import logging
    import warnings

    root = logging.getLogger()
    state = {"environ": dict(os.environ), "sys_path": list(sys.path),
             "modules": set(sys.modules), "filters": list(warnings.filters),
             "logging": (root.level, list(root.handlers), root.disabled),
             "recursion_limit": sys.getrecursionlimit()}
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        import matplotlib.units as munits

        rc = {k: copy.deepcopy(v) for k, v in dict(mpl.rcParams).items() if k != "backend"}
        state["rc"] = rc
        state["units"] = dict(munits.registry)
    np = sys.modules.get("numpy")
    if np is not None:
        state["numpy"] = (np.get_printoptions(), np.geterr())
    if "pandas" in sys.modules:
        state["pandas"] = _pandas_options()
    shell = _shell()
    if shell is not None:
        state["formatters"] = {mime: (dict(f.type_printers), dict(f.deferred_printers))
                               for mime, f in shell.display_formatter.formatters.items()}
        # what the namespace of a new kernel holds besides IPython's names (__doc__, ...)
        state["dunders"] = {k: v for k, v in shell.user_ns.items()
                            if k in ("_", "__", "___") or (k.startswith("__") and k.endswith("__"))}
    inline = _inline_backend()
    if inline is not None:
        state["inline"] = {k: copy.deepcopy(getattr(inline, k)) for k in _INLINE_TRAITS}
    return state


_INLINE_TRAITS = ("figure_formats", "print_figure_kwargs", "close_figures", "rc")


def _inline_backend():
    config = sys.modules.get("matplotlib_inline.config")
    return None if config is None else config.InlineBackend.instance()


def _pandas_options() -> dict:
    import copy

    from pandas._config import config as cf

    out = {}
    for key in cf._registered_options:
        if key in cf._deprecated_options:
            continue
        root, last = cf._get_root(key)
        out[key] = copy.deepcopy(root[last])
    return out


def _restore_environ(target: dict[str, str]) -> None:
    for key in [k for k in os.environ if k not in target]:
        del os.environ[key]
    for key, value in target.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _environment_roots() -> tuple[str, ...]:
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.update(p for p in sysconfig.get_paths().values() if p)
    return tuple(os.path.join(os.path.realpath(r), "") for r in roots)


def _drop_user_modules(fresh: set[str]) -> list[str]:
    """Forget modules imported since the fresh state that live outside the environment (a
    notebook's helpers); the kit and third-party packages stay.  Returns the names dropped."""
    roots = _environment_roots()
    dropped = []
    for name in [n for n in list(sys.modules) if n not in fresh]:
        if name == "smallcaps" or name.startswith("smallcaps."):
            continue
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or os.path.realpath(path).startswith(roots):
            continue
        del sys.modules[name]
        dropped.append(name)
    return dropped


def _restore_display(shell, fresh: dict) -> None:
    for key, value in fresh.get("dunders", {}).items():
        shell.user_ns.setdefault(key, value)
    for mime, (printers, deferred) in fresh.get("formatters", {}).items():
        f = shell.display_formatter.formatters.get(mime)
        if f is None:
            continue
        if f.type_printers != printers:
            f.type_printers.clear()
            f.type_printers.update(printers)
        if f.deferred_printers != deferred:
            f.deferred_printers.clear()
            f.deferred_printers.update(deferred)
    inline = _inline_backend()
    if inline is not None and "inline" in fresh:
        import copy

        for key, value in fresh["inline"].items():
            if getattr(inline, key) != value:
                setattr(inline, key, copy.deepcopy(value))


def _restore_libraries(fresh: dict) -> None:
    import copy

    mpl = sys.modules.get("matplotlib")
    if mpl is not None and "rc" in fresh:
        import matplotlib.units as munits

        mpl.rcParams._update_raw(copy.deepcopy(fresh["rc"]))
        if dict(munits.registry) != fresh["units"]:
            munits.registry.clear()
            munits.registry.update(fresh["units"])
    np = sys.modules.get("numpy")
    if np is not None and "numpy" in fresh:
        printing, errors = fresh["numpy"]
        np.set_printoptions(**printing)
        np.seterr(**errors)
    if "pandas" in sys.modules and "pandas" in fresh:
        import pandas as pd

        now = _pandas_options()
        for key, value in fresh["pandas"].items():
            if key in now and now[key] != value:
                with contextlib.suppress(Exception):
                    pd.set_option(key, copy.deepcopy(value))


def _restore_logging(state: tuple) -> None:
    import logging

    level, handlers, disabled = state
    root = logging.getLogger()
    root.setLevel(level)
    root.handlers[:] = handlers
    root.disabled = disabled


# ----------------------------------------------------------------- in the worker

_HERE = f"__import__({__name__!r}, fromlist=['_'])"  # this module, named in a kernel's code


def wanted() -> bool:
    """Warm kernels unless ``$SMALLCAPS_KERNELS`` is ``cold``."""
    return os.environ.get("SMALLCAPS_KERNELS", "warm").strip().lower() != "cold"


class WarmKernel:
    """One started kernel with the kit imported, reset before each notebook it runs.

    Parameters
    ----------
    cwd : str
        Folder the kernel starts in (each notebook then runs in its task's ``cwd``).
    project : str
        ``$SMALLCAPS_PROJECT`` of the kernel (each notebook then gets its task's).
    kernel_name : str
        The Jupyter kernel.
    preload : sequence of str
        Modules imported once, before the fresh state is recorded.
    wait : bool
        Wait for the imports (else they go on in the kernel while the worker does something
        else, and :meth:`ready` waits for them).
    """

    def __init__(self, cwd: str, project: str, kernel_name: str = "smallcaps",
                 preload: tuple[str, ...] | list[str] = PRELOAD, wait: bool = True):
        self.renders = 0
        self.km = self.kc = None
        self.failed_imports: list[str] = []
        self._pending: str | None = None  # the kit's imports, sent and not yet answered
        self.start_s = 0.0  #: kernel start, client ready and kit imported (once ready)
        self.start_attempts = 0  #: kernels started to get this one (more than 1: see below)
        self._t0 = time.monotonic()
        env = {**os.environ, "SMALLCAPS_PROJECT": project}
        while True:
            self.start_attempts += 1
            try:
                self._start(kernel_name, cwd, env)
                break
            except RuntimeError:  # jupyter_client's "died before replying" or its time-out
                if self._died() and self.start_attempts < START_ATTEMPTS:
                    self.close(now=True)
                    print(f"smallcaps: a new kernel died before it answered (start "
                          f"{self.start_attempts} of {START_ATTEMPTS}); starting another",
                          file=sys.stderr, flush=True)
                    continue
                self.close(now=True)
                raise
            except BaseException:
                self.close(now=True)
                raise
        try:
            self.kc.allow_stdin = False
            self._pending = self._send(f"{_HERE}.kernel_prepare({list(preload)!r})")
        except BaseException:
            self.close(now=True)
            raise
        if wait:
            self.ready()

    def _start(self, kernel_name: str, cwd: str, env: dict) -> None:
        """Start a kernel (new ports) and wait until it answers."""
        from jupyter_core.utils import run_sync

        self.km = lifeline.kernel_manager_class()(kernel_name=kernel_name)
        self.km.shutdown_wait_time = 2.0
        run_sync(self.km.start_kernel)(extra_arguments=[HISTORY_ARG], cwd=cwd, env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=START_TIMEOUT_S)

    def _died(self) -> bool:
        """The kernel being started is no longer running (not merely slow to answer)."""
        from jupyter_core.utils import run_sync

        try:
            return self.km is not None and not run_sync(self.km.is_alive)()
        except Exception:  # noqa: BLE001 - a manager that cannot tell: treat as not dead
            return False

    def ready(self) -> float:
        """Wait until the kit is imported (at once when it is); returns the seconds waited.
        A kernel that fails to get there is shut down and the error raised."""
        from jupyter_core.utils import run_sync

        t0 = time.monotonic()
        if self._pending is not None:
            try:
                self.failed_imports = run_sync(self._answer)(self._pending, PRELOAD_TIMEOUT_S)
            except BaseException:
                self.close(now=True)
                raise
            self._pending = None
            self.start_s = time.monotonic() - self._t0
        return time.monotonic() - t0

    def call(self, expression: str, timeout: float):
        """Evaluate ``expression`` in the kernel as a silent cell (no output, no history, no
        name left in the namespace), as a notebook's cell runs (IPython's builtins in place:
        pandas, imported there, sees a kernel, not a terminal); its value read back with
        ``ast.literal_eval`` from its ``repr``.

        Raises nbclient's ``DeadKernelError`` when the kernel dies, ``TimeoutError`` when it
        does not answer within ``timeout`` seconds, ``RuntimeError`` when the code fails.
        """
        from jupyter_core.utils import run_sync

        return run_sync(self._answer)(self._send(expression), timeout)

    def _send(self, expression: str) -> str:
        return self.kc.execute(f"{_HERE}._ANSWER[:] = [{expression}]", silent=True,
                               store_history=False, allow_stdin=False,
                               user_expressions={"value": f"{_HERE}._ANSWER.pop()"})

    async def _answer(self, msg_id: str, timeout: float):
        import ast
        from queue import Empty

        from nbclient.exceptions import DeadKernelError

        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = await self.kc.get_shell_msg(timeout=ALIVE_POLL_S)
            except Empty:
                if not await self.km.is_alive():
                    raise DeadKernelError("Kernel died") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the kernel did not answer within {timeout:.0f} s"
                                       ) from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                break
        value = msg["content"].get("user_expressions", {}).get("value", {})
        if msg["content"].get("status") != "ok" or value.get("status") != "ok":
            failed = value if value.get("status") == "error" else msg["content"]
            raise RuntimeError(f"warm kernel: {failed.get('ename')}: {failed.get('evalue')}")
        text = value.get("data", {}).get("text/plain", "None")
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text

    def alive(self) -> bool:
        """The kernel still runs."""
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def worn(self) -> bool:
        """Due for replacement: :data:`MAX_RENDERS` notebooks run, or too much memory held."""
        return self.renders >= MAX_RENDERS or _rss_bytes(self._kernel_pid()) > MAX_RSS_BYTES

    def _kernel_pid(self) -> int | None:
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(proc, "pid", None)

    def reset(self, cwd: str, project: str) -> float:
        """Back to the fresh state, in ``cwd``; returns the seconds it took."""
        t0 = time.monotonic()
        self.call(f"{_HERE}.kernel_reset({cwd!r}, {{'SMALLCAPS_PROJECT': {project!r}}})",
                  RESET_TIMEOUT_S)
        return time.monotonic() - t0

    def execute(self, task: dict, output) -> None:
        """papermill on this kernel (its parameter cell, its error cell); raises what
        ``papermill.execute_notebook`` raises."""
        import papermill as pm

        _register_engine()
        pm.execute_notebook(
            task["notebook"], str(output), parameters=task["inject"], engine_name=ENGINE,
            kernel_name=self.km.kernel_name, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, cwd=task["cwd"], start_timeout=120,
            warm_kernel=self,
        )

    def close(self, now: bool = False) -> None:
        """Shut the kernel down (``now``: kill it) and remove its files; never raises."""
        from jupyter_core.utils import run_sync

        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:
            with contextlib.suppress(Exception):
                if run_sync(km.is_alive)():
                    run_sync(km.shutdown_kernel)(now=now)
                else:
                    run_sync(km.cleanup_resources)()
        lifeline.kill_kernels()  # whatever is left of it (a worker has one kernel at a time)


def _rss_bytes(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


_engine_registered: list[bool] = []


def _register_engine() -> None:
    """papermill's nbclient engine on an already started kernel (:class:`WarmKernel`)."""
    if _engine_registered:
        return
    import asyncio

    from nbclient.exceptions import DeadKernelError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmClient(PapermillNotebookClient):
        """papermill's client, checking every :data:`ALIVE_POLL_S` (not every second) that
        the kernel still runs while a cell executes: a dead kernel fails its notebook (and
        starts the retry) sooner."""

        async def _async_poll_kernel_alive(self) -> None:
            # nbclient's loop (``NotebookClient._async_poll_kernel_alive``), a shorter sleep
            while True:
                await asyncio.sleep(ALIVE_POLL_S)
                try:
                    await self._async_check_alive()
                except DeadKernelError:
                    if self.task_poll_for_reply is not None:
                        self.task_poll_for_reply.cancel()
                    return

    class WarmEngine(NBClientEngine):
        """Execute on ``warm_kernel`` (its manager and client): neither started nor shut
        down here."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, warm_kernel=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = WarmClient(
                nb_man, km=warm_kernel.km, timeout=execution_timeout,
                startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                **kwargs)
            client.kc = warm_kernel.kc  # owned by the warm kernel: kept after the notebook
            return client.execute()

    papermill_engines.register(ENGINE, WarmEngine)
    _engine_registered.append(True)


# the worker's warm kernel; "pid": the process that enabled it (a forked child starts over)
_state: dict = {"pid": None, "kernel": None, "last": {}}


def prestart(cwd: str, project: str, kernel_name: str = "smallcaps") -> None:
    """Start this process's warm kernel now, its imports going on while the worker gets
    ready (a pool worker's start-up); a kernel that fails to start is left to the first
    notebook, which starts one again (and reports that error if it fails too)."""
    if not enabled() or _state["kernel"] is not None:
        return
    try:
        _state["kernel"] = WarmKernel(cwd, project, kernel_name, wait=False)
    except Exception:  # noqa: BLE001 - the first notebook starts a kernel and says why not
        _state["kernel"] = None


def enable() -> None:
    """Use a warm kernel for the notebooks this process executes (a pool worker's start-up);
    it is shut down when the process exits."""
    from multiprocessing import util

    if _state["pid"] == os.getpid():
        return
    _state.update(pid=os.getpid(), kernel=None, last={})
    util.Finalize(None, shutdown, exitpriority=10)


def disable() -> None:
    """Stop using a warm kernel in this process (its kernel shut down)."""
    shutdown()
    _state.update(pid=None, kernel=None, last={})


def enabled() -> bool:
    """This process runs its notebooks on a warm kernel."""
    return _state["pid"] == os.getpid()


def last_run() -> dict:
    """How the last :func:`run` went: ``kernel`` (``new`` or ``reused``), ``kernel_start_s``
    (seconds the notebook waited for its new kernel: less than the kernel's start when it was
    started with the worker, 0 when reused), ``reset_s``."""
    return dict(_state["last"])


def shutdown() -> None:
    """Shut this process's warm kernel down: killed when the process was told to stop, or when
    it never ran a notebook (it holds nothing of anyone's, and one still importing the kit
    would answer the shutdown request only once done, a second or more later: the run's end
    waits for its worker)."""
    kernel = _state["kernel"] if _state["pid"] == os.getpid() else None
    _state["kernel"] = None
    if kernel is not None:
        kernel.close(now=lifeline.stopping() or kernel.renders == 0)


def run(task: dict, output, kernel_name: str = "smallcaps") -> None:
    """Execute ``task``'s notebook into ``output`` on this process's warm kernel, started
    (or replaced) as needed and reset first.

    A kept kernel that turns out dead (or stuck) when it is reset, before the notebook
    began, is replaced at once.  Raises what papermill raises: ``PapermillExecutionError``
    for a failing cell (the kernel is kept), anything else (a dead kernel, a timeout, an
    interrupt) after the kernel was thrown away, so the next notebook (or the retry) gets a
    fresh one.
    """
    from papermill.exceptions import PapermillExecutionError

    kernel = _state["kernel"]
    if kernel is not None and (not kernel.alive() or kernel.worn()):
        _drop(kernel, now=False)
        kernel = None
    last = {"kernel": "reused", "kernel_start_s": 0.0, "reset_s": 0.0}
    _state["last"] = last
    while True:
        started_here = kernel is None
        if started_here:
            kernel = WarmKernel(task["cwd"], task["project"], kernel_name)
            _state["kernel"] = kernel
            last.update(kernel="new", kernel_start_s=round(kernel.start_s, 3))
        elif kernel.renders == 0:  # started with the worker: its imports may still run
            last.update(kernel="new", kernel_start_s=0.0)
        try:
            last["kernel_start_s"] = round(last["kernel_start_s"] + kernel.ready(), 3)
            last["reset_s"] = round(kernel.reset(task["cwd"], task["project"]), 3)
            break
        except Exception:
            _drop(kernel, now=True)
            if started_here:
                raise
            kernel = None  # died while idle (or while starting): a new one, nothing began
        except BaseException:
            _kill(kernel)
            raise
    kernel.renders += 1
    try:
        kernel.execute(task, output)
    except PapermillExecutionError:
        raise  # a cell failed: the error is in the notebook, the kernel is fine
    except Exception:
        _drop(kernel, now=True)
        raise
    except BaseException:
        _kill(kernel)
        raise


def _drop(kernel: WarmKernel, now: bool) -> None:
    """Never use ``kernel`` again; shut it down (``now``: killed)."""
    if _state["kernel"] is kernel:
        _state["kernel"] = None
    kernel.close(now=now)


def _kill(kernel: WarmKernel) -> None:
    """Interrupted: the kernel is killed without the event loop (a Ctrl-C may have stopped
    it mid-step)."""
    if _state["kernel"] is kernel:
        _state["kernel"] = None
    kernel.km = kernel.kc = None
    lifeline.kill_kernels()
