"""No process outlives its run: kill the ``smallcaps report`` process (``kill -9`` or SIGTERM)
while its kernels are busy and check that no worker or kernel of that run remains, and that the
output folder holds no temporary file.

Every process of a run is found by a marker in its environment (``SMALLCAPS_TEST_RUN_ID``,
inherited by the workers and the kernels); a zombie (ended, not yet reaped) does not count.
Whatever a failing test leaves is killed before it ends.  The lifeline's parts (the watchdog
without ``prctl``, its deadline, the kernels' death signal) are also tested on their own, in
forked children.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from smallcaps.runner import execute, lifeline

ROOT = Path(__file__).resolve().parents[1]
SMALLCAPS = Path(sys.executable).with_name("smallcaps")
OK_NB = ROOT / "tests" / "fixtures" / "notebooks" / "01_fixture_ok.ipynb"
SLOW = ROOT / "tests" / "fixtures" / "slow"  # kernels that sleep (not in the fixtures folder)
ASOF = "2024-01-31"
BOUND_S = 20  # how long the processes of a killed run may take to end
START_S = 240  # how long a run may take to get its kernels busy (2 shared cores)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc; the death signal is Linux's")


def marked(run_id: str) -> dict[int, str]:
    """pid -> command line of every live (not zombie) process whose environment has the
    marker."""
    needle = f"SMALLCAPS_TEST_RUN_ID={run_id}".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                environ = fh.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in environ and state not in ("Z", "X"):
            found[int(entry)] = cmdline
    return found


def kernels(procs: dict[int, str]) -> list[int]:
    return [pid for pid, cmd in procs.items() if "ipykernel_launcher" in cmd]


def wait_until(predicate, timeout: float, every: float = 0.1):
    """Poll ``predicate`` until it is truthy or ``timeout`` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def kill_all(run_id: str) -> None:
    for pid in marked(run_id):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name)


@pytest.fixture
def report(tmp_path):
    """Start ``smallcaps report`` on the sample (marked, isolated); yields a function that
    starts it with the given notebooks and waits until ``busy`` kernels run their slow cell."""
    run_id = uuid.uuid4().hex
    busy = tmp_path / "busy"
    busy.mkdir()
    started = []

    def start(notebooks: list[Path], n_busy: int, also=lambda: True):
        env = dict(os.environ)
        env.update({"SMALLCAPS_DATA_DIR": str(tmp_path / "no-raw-data"),
                    "SMALLCAPS_CACHE_DIR": str(tmp_path / "cache"),
                    "SMALLCAPS_CATALOG": "none",
                    "SMALLCAPS_OFFLINE": "1", "SMALLCAPS_TEST_RUN_ID": run_id,
                    "SMALLCAPS_TEST_BUSY_DIR": str(busy)})
        cmd = [str(SMALLCAPS), "report", *map(str, notebooks), "--asof", ASOF,
               "--source", "sample", "--out", str(tmp_path / "out"), "--force",
               "--jobs", str(len(notebooks))]
        # a group of its own, as a command started from a shell: Ctrl-C goes to the group
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, process_group=0)
        started.append(proc)
        ready = wait_until(lambda: (len(list(busy.iterdir())) >= n_busy and also())
                           or proc.poll() is not None, START_S, every=0.2)
        assert ready and proc.poll() is None, proc.communicate()
        procs = marked(run_id)
        assert len(kernels(procs)) >= n_busy, procs  # the kernels are up, and seen
        return proc, procs

    try:
        yield start, run_id, tmp_path / "out" / ASOF
    finally:
        kill_all(run_id)  # a failing test leaves no orphan
        for proc in started:
            with contextlib.suppress(OSError):
                proc.kill()
            proc.communicate()


def test_kill_9_of_the_runner_leaves_no_worker_and_no_kernel(report):
    """One worker done (idle on the task queue), one busy in its kernel: ``kill -9`` of the
    runner, and both workers and the kernel end; the finished page stays, the unfinished one
    leaves no temporary file."""
    start, run_id, folder = report
    proc, before = start([SLOW / "01_fixture_slow.ipynb", OK_NB], n_busy=1,
                         also=lambda: (folder / "01_fixture_ok.json").is_file())
    assert len(before) >= 3  # the runner, two workers, a kernel
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    left = wait_until(lambda: not marked(run_id), BOUND_S) or marked(run_id)
    assert left is True, f"left running after kill -9 of the runner: {left}"
    assert temp_files(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == [
        "01_fixture_ok.html", "01_fixture_ok.ipynb", "01_fixture_ok.json"]


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_sigterm_and_ctrl_c_stop_the_run(report, how):
    """SIGTERM to the runner, or Ctrl-C (SIGINT to its whole process group, as a terminal
    sends it): exit 130 with the interrupt line and no traceback, workers and kernels gone, no
    page written and no temporary file."""
    start, run_id, folder = report
    proc, before = start([SLOW / "01_fixture_slow.ipynb", SLOW / "02_fixture_slow.ipynb"],
                         n_busy=2)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # the runner leads its own group (see start)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "smallcaps: interrupted"
    assert "Traceback" not in err
    left = wait_until(lambda: not marked(run_id), BOUND_S) or marked(run_id)
    assert left is True, f"left running after {how}: {left}"
    assert list(folder.iterdir()) == []


def test_kill_9_of_a_worker_takes_its_kernel_along(report):
    """A worker killed (the OOM killer): its kernel gets the death signal, the run reports the
    notebook failed, and ends."""
    start, run_id, folder = report
    proc, before = start([SLOW / "01_fixture_slow.ipynb"], n_busy=1)
    (kernel,) = kernels(before)
    with open(f"/proc/{kernel}/stat") as fh:
        worker = int(fh.read().rsplit(")", 1)[1].split()[1])
    assert worker in before and worker != proc.pid
    os.kill(worker, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "FAILED 01_fixture_slow: the worker process died (out of memory?)" in out
    left = wait_until(lambda: not marked(run_id), BOUND_S) or marked(run_id)
    assert left is True, f"left running after kill -9 of a worker: {left}"
    assert temp_files(folder) == []


# ------------------------------------------------------------------- the lifeline's parts


def _in_child(body) -> int:
    """Run ``body()`` in a forked child (its exit status is what it returns, or what it exits
    with); returns the child's exit status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            code = body()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_an_orphaned_worker_is_interrupted_without_prctl(monkeypatch):
    """Where no death signal exists, the watchdog sees the parent changed and interrupts the
    worker's main thread (which then unwinds and exits)."""
    monkeypatch.setattr(lifeline, "parent_death_signal", lambda signum: False)

    def body():
        try:
            execute._worker_start(parent_pid=-1)  # not this child's parent: already orphaned
            time.sleep(30)
        except KeyboardInterrupt:
            return 42 if lifeline.stopping() else 43
        return 44

    assert _in_child(body) == 42


def test_a_worker_stuck_after_the_interrupt_is_ended_with_its_kernel(tmp_path):
    """The interrupt swallowed (a worker stuck on a pipe): after the grace the watchdog kills
    the kernels it started (their process group) and exits."""
    pid_file = tmp_path / "kernel.pid"

    def body():
        signal.signal(signal.SIGTERM, lambda *a: lifeline.mark_stopping())  # never unwinds
        kernel = subprocess.Popen(["sleep", "60"], start_new_session=True)
        pid_file.write_text(str(kernel.pid))
        lifeline.track_kernel(kernel)
        lifeline.bind_to_parent(parent_pid=-1, grace=0.5)
        time.sleep(30)
        return 0

    assert _in_child(body) == lifeline._EXIT_ORPHANED
    kernel = int(pid_file.read_text())
    assert wait_until(lambda: _zombie(kernel), 5), f"kernel {kernel} outlived its worker"


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True  # gone


def test_a_kernel_dies_with_the_worker_that_started_it(tmp_path):
    """The kernels' ``preexec_fn``: the death signal set between fork and exec."""
    pid_file = tmp_path / "kernel.pid"

    def body():
        kernel = subprocess.Popen(["sleep", "60"], start_new_session=True,
                                  preexec_fn=lifeline._kernel_preexec(os.getpid()))
        pid_file.write_text(str(kernel.pid))
        return 0  # the "worker" ends; nobody kills the kernel but the death signal

    assert _in_child(body) == 0
    kernel = int(pid_file.read_text())
    assert wait_until(lambda: _zombie(kernel), 5), f"kernel {kernel} outlived its worker"


def test_kill_kernels_skips_ended_kernels_and_kills_live_ones(tmp_path):
    done = subprocess.Popen(["true"])
    done.wait()
    live = subprocess.Popen(["sleep", "60"], start_new_session=True)
    conn = tmp_path / "kernel-1.json"
    conn.write_text("{}")
    lifeline.track_kernel(done, None)
    lifeline.track_kernel(live, str(conn))
    assert lifeline.kill_kernels() == 1
    assert live.returncode == -signal.SIGKILL and not conn.exists()
    assert lifeline.kill_kernels() == 0  # forgotten


def test_the_kernels_of_a_run_are_started_with_the_death_signal(tmp_path):
    """The kernel manager papermill gets starts the pinned kernel with ``SIGKILL`` as its
    death signal (read inside the kernel with ``PR_GET_PDEATHSIG``) and remembers it."""
    import asyncio

    out = tmp_path / "pdeathsig"
    code = ("import ctypes\n"
            "sig = ctypes.c_int(-1)\n"
            "ctypes.CDLL(None).prctl(2, ctypes.byref(sig), 0, 0, 0)\n"
            f"open({str(out)!r}, 'w').write(str(sig.value))\n")

    async def session():
        km = lifeline.kernel_manager_class()(kernel_name=execute.KERNEL_NAME)
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            reply = await kc.execute_interactive(code, timeout=60)
            assert reply["content"]["status"] == "ok", reply["content"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(session())
    assert out.read_text() == str(int(signal.SIGKILL))
    assert lifeline.kill_kernels() == 0  # remembered, and already shut down: nothing to kill
