"""Lifelines: no worker or kernel outlives the ``smallcaps report`` process that started it.

The report runner is a tree of processes: the ``smallcaps report`` process, its pool workers
(one notebook at a time each) and the Jupyter kernels a worker starts: one at a time, kept for
the worker's notebooks (warm kernels, :mod:`~.warm`) or one per notebook
(``SMALLCAPS_KERNELS=cold``).  When the runner dies for any reason (``kill -9`` included)
every process below it ends:

- a worker asks Linux to send it ``SIGTERM`` when the runner dies
  (``prctl(PR_SET_PDEATHSIG)``, :func:`bind_to_parent`); the signal interrupts it like Ctrl-C
  (its temporary files are removed, its kernel killed) and the worker exits instead of waiting
  for the next task on a pipe nobody writes to any more;
- a watchdog thread in each worker checks ``os.getppid()`` (the second line of defence, and the
  only one where ``prctl`` does not exist): once the runner is gone, or once the worker was told
  to stop, it gives the worker :data:`GRACE_S` seconds to unwind, then kills its kernels and
  exits;
- a kernel is started with ``PR_SET_PDEATHSIG = SIGKILL`` (:func:`kernel_manager_class`, a
  ``preexec_fn`` given to ``Popen``): it dies with the worker that started it, however the
  worker ends.  jupyter_client starts it in a session of its own, so killing its process group
  (:func:`kill_kernels`) ends whatever the notebook started too.

The death signal is sent when the *thread* that forked a process ends, not the process: the
workers are forked by the thread that runs the pool (which outlives them: it waits for them),
the kernels by a worker's main thread (papermill runs its event loop there, and a warm kernel
is started there too, by the worker's start-up or by its first notebook).

Standard library only at import time; jupyter_client is imported by :func:`kernel_manager_class`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from pathlib import Path

__all__ = ["GRACE_S", "POLL_S", "bind_to_parent", "kernel_manager_class", "kill_kernels",
           "mark_stopping", "parent_death_signal", "stop_workers", "stopping", "track_kernel"]

GRACE_S = 5.0  #: seconds a worker has to unwind once its runner is gone or it was told to stop
POLL_S = 0.2  #: how often the watchdog looks at the parent
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_EXIT_ORPHANED = 70  # a worker that had to be ended by its watchdog

_libc = None
_lock = threading.Lock()
_kernels: list[tuple] = []  # (Popen, connection file) of the kernels this process started
_stopping: list[float] = []  # monotonic time this process was told to stop, once told


def _prctl():
    """libc's ``prctl``, loaded once (before any fork: never ``dlopen`` in a forked child)."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
            _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong,
                                    ctypes.c_ulong, ctypes.c_ulong]
        except (OSError, AttributeError):
            _libc = False
    return _libc.prctl if _libc else None


def parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when the thread that forked it ends.

    Returns False where that is not available (not Linux); the watchdog of
    :func:`bind_to_parent` then does the work alone.
    """
    prctl = _prctl()
    return bool(prctl is not None and prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0)


def mark_stopping() -> None:
    """Record that this process was told to stop (its SIGTERM handler calls it)."""
    if not _stopping:
        _stopping.append(time.monotonic())


def stopping() -> bool:
    """True once this process was told to stop, or its runner is gone."""
    return bool(_stopping)


def bind_to_parent(parent_pid: int, signum: int = signal.SIGTERM,
                   grace: float = GRACE_S) -> None:
    """Tie this worker's life to its runner's: ``signum`` when it dies, then an exit.

    Parameters
    ----------
    parent_pid : int
        The runner's pid, as the runner saw it (``os.getpid()`` there, passed to the pool's
        initializer): a worker whose parent is already another process (the runner died while
        it started) is stopped at once.
    signum : int
        The signal sent when the runner dies; the worker's handler turns it into an interrupt
        and calls :func:`mark_stopping`.
    grace : float
        Seconds the worker has to unwind after it was told to stop (by the runner or by the
        runner's death) before the watchdog kills its kernels and ends it.
    """
    parent_death_signal(signum)
    watchdog = threading.Thread(target=_watch, args=(parent_pid, signum, grace),
                                name="smallcaps-lifeline", daemon=True)
    watchdog.start()


def _watch(parent_pid: int, signum: int, grace: float) -> None:
    gone = None
    while True:
        now = time.monotonic()
        if gone is None and os.getppid() != parent_pid:
            gone = now
            if not _stopping:  # no death signal came (not Linux): interrupt the main thread
                with contextlib.suppress(OSError):
                    os.kill(os.getpid(), signum)
        since = min([t for t in (gone, *_stopping) if t is not None], default=None)
        if since is not None and now - since > grace:
            kill_kernels()
            os._exit(_EXIT_ORPHANED)
        time.sleep(POLL_S)


def track_kernel(proc, connection_file: str | None = None) -> None:
    """Remember a kernel this process started (a ``Popen``) for :func:`kill_kernels`."""
    with _lock:
        _kernels.append((proc, connection_file))


def kill_kernels() -> int:
    """Kill every kernel this process started that still runs (its whole process group), wait
    for it and remove its connection file; forget them all.  Returns how many were killed."""
    with _lock:
        todo = list(_kernels)
        _kernels.clear()
    killed = 0
    for proc, connection_file in todo:
        if proc.poll() is not None:  # ended (and reaped): its pid may be another's by now
            continue
        try:  # the kernel leads a session of its own: its group is its pid
            if hasattr(os, "killpg") and os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            continue
        killed += 1
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
        if connection_file:
            with contextlib.suppress(OSError):
                Path(connection_file).unlink()
    return killed


def _kernel_preexec(parent_pid: int):
    """``preexec_fn`` of a kernel: the death signal, then a check that the worker still lives
    (it may have died between the fork and the ``prctl``)."""
    _prctl()  # loaded here, in the worker: the child only calls it

    def preexec() -> None:
        parent_death_signal(signal.SIGKILL)
        if os.getppid() != parent_pid:
            os._exit(1)

    return preexec


_manager_class = None


def kernel_manager_class():
    """An ``AsyncKernelManager`` whose kernels die with the process that started them and are
    remembered for :func:`kill_kernels` (papermill's ``kernel_manager_class``)."""
    global _manager_class
    if _manager_class is None:
        from jupyter_client import AsyncKernelManager

        class LifelineKernelManager(AsyncKernelManager):
            """Kernels tied to the worker that starts them (:mod:`smallcaps.runner.lifeline`)."""

            async def start_kernel(self, **kw) -> None:
                if sys.platform.startswith("linux"):
                    kw.setdefault("preexec_fn", _kernel_preexec(os.getpid()))
                await super().start_kernel(**kw)
                proc = getattr(self.provisioner, "process", None)
                if proc is not None:
                    track_kernel(proc, self.connection_file)

        _manager_class = LifelineKernelManager
    return _manager_class


def stop_workers(procs: list, grace: float = 2 * GRACE_S) -> list:
    """Stop pool workers: ``SIGTERM`` (each unwinds: temporary files removed, kernel killed),
    up to ``grace`` seconds to exit, then ``SIGKILL`` (their kernels die with them).

    A second interrupt while waiting kills the rest at once.  Returns the workers that had to
    be killed.
    """
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.terminate()
    killed = []
    try:
        deadline = time.monotonic() + grace
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
    finally:
        for p in procs:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if p.is_alive():
                    p.kill()
                    killed.append(p)
                    p.join(5)
    return killed
