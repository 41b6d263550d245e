"""The Dask executor (:mod:`smallcaps.runner.cluster`) on a real local cluster.

A module fixture starts ``dask scheduler`` and two ``dask worker --nthreads 1 --no-nanny``
processes on localhost (each worker in a folder of its own, no data folder in common with the
client: the data travels in the tasks), and kills them in the end, checking that no worker and
no kernel is left.  Three fixture notebooks and the real notebook 01 are rendered through the
cluster and locally (2 local workers), and the pages compared; a CSV folder that is moved away
once the client has read it proves the workers read the shipped copy; a worker killed in the
middle of a notebook has the notebook rendered on the other.  Skipped when ``distributed`` (the
``dask`` extra, in the dev lock) is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

import nbformat  # noqa: E402
import smallcaps  # noqa: E402
from smallcaps.errors import SmallcapsError  # noqa: E402
from smallcaps.runner import cluster, run  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="kernels with a death signal are Linux's")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
NB01 = ROOT / "notebooks" / "01_yields_vs_small_caps.ipynb"
DASK = Path(sys.executable).with_name("dask")
ASOF = "2024-01-31"
NOTEBOOKS = [str(FIXTURES / "01_fixture_ok.ipynb"), str(FIXTURES / "02_fixture_fails.ipynb"),
             str(FIXTURES / "03_fixture_data.ipynb"), str(NB01)]
VOLATILE = {"duration_s", "generated_at", "timing", "git_commit"}  # differ run to run


def client_env(tmp: Path) -> dict[str, str]:
    return {"SMALLCAPS_DATA_DIR": str(tmp / "no-raw-data"),
            "SMALLCAPS_CACHE_DIR": str(tmp / "cache"),
            "SMALLCAPS_CATALOG": "none", "SMALLCAPS_OFFLINE": "1"}


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (a worker's kernels)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_gone(pids, timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


class LocalCluster:
    """A scheduler and worker processes on localhost, started as a user would."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCAPS_")}
        self.env["SMALLCAPS_OFFLINE"] = "1"
        self.scheduler = None
        self.workers: list[subprocess.Popen] = []
        self.seen: set[int] = set()  # every worker and kernel pid met, checked in the end
        self.folders: dict[int, Path] = {}  # worker pid -> its folder (cwd and TMPDIR)
        self.killed: set[int] = set()  # workers killed -9 by a test (they leave their folder)

    def start(self, n_workers: int = 2) -> str:
        file = self.tmp / "scheduler.json"
        log = open(self.tmp / "scheduler.log", "w")  # noqa: SIM115 - closed with the process
        self.scheduler = subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(file)], cwd=self.tmp, env=self.env, stdout=log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not (file.is_file() and file.read_text().strip()):
            assert self.scheduler.poll() is None, (self.tmp / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for _ in range(n_workers):
            self.add_worker()
        with distributed.Client(self.address, timeout=60, set_as_default=False) as c:
            c.wait_for_workers(n_workers, timeout=120)
        return self.address

    def add_worker(self) -> subprocess.Popen:
        i = len(self.workers)
        folder = self.tmp / f"worker{i}"
        folder.mkdir()
        log = open(self.tmp / f"worker{i}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [str(DASK), "worker", self.address, "--nthreads", "1", "--nworkers", "1",
             "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
            cwd=folder, env={**self.env, "TMPDIR": str(folder)}, stdout=log,
            stderr=subprocess.STDOUT)
        self.workers.append(proc)
        self.seen.add(proc.pid)
        self.folders[proc.pid] = folder
        return proc

    def stop(self) -> list[int]:
        """Stop every process, the workers first, then the scheduler (a worker told to stop
        while the scheduler closes can hang in its own close until killed: ``distributed``'s
        race, 30 s lost); returns the pids (workers, kernels) still alive after."""
        procs = [p for p in (*self.workers, self.scheduler) if p is not None]
        for p in procs:
            self.seen.update(children(p.pid))
        for group in (self.workers, [self.scheduler] if self.scheduler else []):
            for p in group:
                if p.poll() is None:
                    p.terminate()
            for p in group:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(10)
        return wait_gone(self.seen)


@pytest.fixture(scope="module")
def local_cluster(tmp_path_factory):
    c = LocalCluster(tmp_path_factory.mktemp("cluster"))
    try:
        c.start(2)
        yield c
    finally:
        left = c.stop()
        assert not left, f"processes left after the cluster stopped: {left}"
        for pid, folder in c.folders.items():  # a worker removes its folders as it stops
            if pid not in c.killed:
                assert not list(folder.glob("smallcaps-dask-*")), folder


@pytest.fixture(scope="module")
def both_runs(local_cluster, tmp_path_factory):
    """The same four notebooks rendered on the cluster and locally."""
    tmp = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in client_env(tmp).items():
            mp.setenv(k, v)
        common = {"asof": ASOF, "source": "sample", "force": True, "progress": False}
        t0 = time.monotonic()
        remote = run(NOTEBOOKS, out=tmp / "dask", executor="dask",
                     scheduler=local_cluster.address, **common)
        t1 = time.monotonic()
        local = run(NOTEBOOKS, out=tmp / "local", jobs=2, **common)
        t2 = time.monotonic()
    print(f"\n4 notebooks: dask {t1 - t0:.1f} s, local (2 jobs) {t2 - t1:.1f} s")
    return remote, local


def stable(doc: dict) -> dict:
    """A page's JSON without what differs between two runs: times, and what the client
    computes alike for both executors from the library's source (which may be edited between
    two runs of a working copy)."""
    out = {k: v for k, v in doc.items() if k not in VOLATILE and k != "key"}
    out["inputs"] = {k: v for k, v in doc["inputs"].items() if k != "lib_hash"}
    return out


@pytest.mark.parametrize("name", ["01_fixture_ok", "02_fixture_fails", "03_fixture_data",
                                  "01_yields_vs_small_caps"])
def test_pages_equal_a_local_run(both_runs, name):
    remote, local = both_runs
    a = json.loads(remote[name].json.read_text())
    b = json.loads(local[name].json.read_text())
    assert stable(a) == stable(b)  # figures, provenance, parameters, files, key, error...
    assert a["figures"] and a["figures"] == remote[name].figures
    for ext in ("ipynb", "html", "json"):
        text = (remote.folder / f"{name}.{ext}").read_text(encoding="utf-8")
        assert "smallcaps-dask-" not in text  # no path of a worker's folder


def test_figures_of_the_fixtures(both_runs):
    remote, _ = both_runs
    ok = remote["01_fixture_ok"]
    assert ok.status == "ok"
    assert ok.figures["window"] == 20 and ok.figures["last_date"] == "2000-01-28"  # 20 bdays
    assert remote["01_yields_vs_small_caps"].status == "ok"
    assert remote.index.is_file() and (remote.folder / "run.json").is_file()


def test_a_failing_notebook_is_a_failed_result_with_its_files(both_runs):
    remote, _ = both_runs
    r = remote["02_fixture_fails"]
    assert r.status == "failed"
    assert r.error_line() == "cell 6 (In [4]): ZeroDivisionError: division by zero"
    assert r.figures == {"before": 1}
    for path in (r.html, r.ipynb, r.json):
        assert path.is_file()
    assert "ZeroDivisionError" in r.html.read_text()
    assert not list(remote.folder.glob(".*.tmp*"))  # the writes were atomic


def plain_csv(path: Path, closes: list[float]) -> None:
    import pandas as pd

    days = pd.bdate_range(end="2024-01-31", periods=len(closes))
    path.write_text("Date,Close\n" + "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in
                                             zip(days, closes, strict=True)))


def test_the_workers_read_the_data_the_client_shipped(local_cluster, tmp_path, monkeypatch):
    """The CSV folder is moved away as soon as the client has read it: the workers can only
    have used the copy in the task.  The page names the client's files."""
    data = tmp_path / "market"
    data.mkdir()
    plain_csv(data / "RUT.csv", [1000.0 + i for i in range(300)])
    plain_csv(data / "SPX.csv", [4000.0 + 2 * i for i in range(300)])
    away = tmp_path / "moved"
    real_bundle, real_map = cluster._bundle, cluster.cluster_map

    def bundle_then_move(task, memo):
        b = real_bundle(task, memo)
        if data.is_dir():
            data.rename(away)
        return b

    def map_then_restore(*args, **kw):
        try:
            return real_map(*args, **kw)
        finally:
            if away.is_dir():
                away.rename(data)

    monkeypatch.setattr(cluster, "_bundle", bundle_then_move)
    monkeypatch.setattr(cluster, "cluster_map", map_then_restore)
    nb = [str(FIXTURES / "03_fixture_data.ipynb")]
    remote = run(nb, source="csv", data_dir=data, out=tmp_path / "dask", force=True,
                 progress=False, executor="dask", scheduler=local_cluster.address)
    r = remote["03_fixture_data"]
    assert r.status == "ok", r.error_line()
    assert r.figures["rut_last"] == 1299.0 and r.figures["last_date"] == "2024-01-31"
    assert r.provenance["RUT"]["path"] == str(data / "RUT.csv")  # the client's file
    doc = json.loads(r.json.read_text())
    assert doc["injected"]["data_dir"] == str(data)
    monkeypatch.undo()
    local = run(nb, source="csv", data_dir=data, out=tmp_path / "local", force=True,
                progress=False, jobs=1)
    assert stable(doc) == stable(json.loads(local["03_fixture_data"].json.read_text()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_before_any_kernel(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    with pytest.raises(SmallcapsError) as err:
        run([str(FIXTURES / "01_fixture_ok.ipynb")], asof=ASOF, source="sample",
            out=tmp_path / "out", progress=False, executor="dask", scheduler=address)
    assert time.monotonic() - t0 < 60  # the 5 s connect timeout, not a hang
    line = str(err.value)
    assert "\n" not in line and address in line and "no Dask scheduler answered" in line
    assert not list((tmp_path / "out").rglob("*.json"))  # nothing rendered


def test_no_address_and_no_package_are_one_line(monkeypatch):
    monkeypatch.delenv(cluster.ENV_VAR, raising=False)
    with pytest.raises(SmallcapsError, match=r"--scheduler tcp://HOST:PORT or "
                                             r"\$SMALLCAPS_DASK_SCHEDULER"):
        cluster.connect(None)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(SmallcapsError, match=r"pip install 'smallcaps\[dask\]'"):
        cluster.connect("tcp://127.0.0.1:1")


def test_a_worker_with_another_version_is_refused(local_cluster, monkeypatch):
    real = smallcaps.__version__
    monkeypatch.setattr(smallcaps, "__version__", "0.0.0+other")  # this client's, not theirs
    with pytest.raises(SmallcapsError) as err:
        cluster.connect(local_cluster.address)
    line = str(err.value)
    assert "\n" not in line
    assert "Dask worker tcp://127.0.0.1:" in line
    assert f"smallcaps {real} (this client: 0.0.0+other)" in line


def test_an_interruption_cancels_and_propagates(local_cluster, tmp_path, monkeypatch):
    """Ctrl-C while the pages come back: the interrupt propagates, nothing is written after
    it and the scheduler is left with no task of the run."""
    received: list[str] = []

    def interrupted(task, files):
        received.append(task["name"])
        raise KeyboardInterrupt

    monkeypatch.setattr(cluster, "_receive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(NOTEBOOKS[:3], asof=ASOF, source="sample", out=tmp_path / "out", force=True,
            progress=False, executor="dask", scheduler=local_cluster.address)
    assert len(received) == 1
    assert not list((tmp_path / "out").rglob("0*.json"))
    with distributed.Client(local_cluster.address, timeout=30, set_as_default=False) as c:
        deadline = time.monotonic() + 120
        while c.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)):
            assert time.monotonic() < deadline, "tasks left on the scheduler"
            time.sleep(0.2)


BLOCKING = """\
import os, time
from pathlib import Path
from smallcaps import page

folder = Path(signal_dir)
(folder / f"started-{os.getppid()}-{os.getpid()}").write_text("")
deadline = time.monotonic() + 300
while not (folder / "go").exists() and time.monotonic() < deadline:
    time.sleep(0.1)
page.record('worker_pid', os.getppid())
"""


def blocking_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "smallcaps", "display_name": "Python (smallcaps)",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell(
        'asof: str = ""  # YYYY-MM-DD\nstart: str = "2000-01-01"  # first date\n'
        'source: str = "auto"  # auto | live | csv | sample\ndata_dir: str = ""  # CSV folder\n'
        'signal_dir: str = ""  # where it says it started and waits for "go"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Blocks until told"), params,
                nbformat.v4.new_code_cell(BLOCKING)]
    nbformat.write(nb, str(path))


def test_a_lost_workers_notebook_is_rendered_again(local_cluster, tmp_path):
    """Kills the worker that runs the blocking notebook (kill -9) while it runs; the notebook
    is rendered on the other worker, every page arrives, the dead worker's kernel is gone.
    (Last in the module: the cluster keeps one worker.)"""
    signals = tmp_path / "signals"
    signals.mkdir()
    nb = tmp_path / "nbs" / "01_block.ipynb"
    nb.parent.mkdir()
    blocking_notebook(nb)
    killed: list[tuple[int, int]] = []

    def kill_then_go():
        deadline = time.monotonic() + 300
        while not killed and time.monotonic() < deadline:
            for f in signals.glob("started-*"):
                worker, kernel = (int(x) for x in f.name.split("-")[1:])
                local_cluster.killed.add(worker)
                os.kill(worker, signal.SIGKILL)
                killed.append((worker, kernel))
                f.unlink()
                break
            time.sleep(0.1)
        (signals / "go").write_text("")

    watcher = threading.Thread(target=kill_then_go, daemon=True)
    watcher.start()
    res = run([str(nb), str(FIXTURES / "01_fixture_ok.ipynb")], asof=ASOF, source="sample",
              out=tmp_path / "out", force=True, progress=False, executor="dask",
              scheduler=local_cluster.address, parameters={"signal_dir": str(signals)})
    watcher.join(10)
    assert killed, "the blocking notebook never started"
    worker, kernel = killed[0]
    assert res.ok, res.summary()
    assert res["01_block"].figures["worker_pid"] not in (worker, None)  # the other worker
    assert res["01_fixture_ok"].status == "ok"
    assert not wait_gone([worker, kernel]), "the killed worker's kernel is still running"
    # the killed worker left its folder; the next worker on that temporary folder removes it
    left = sorted(local_cluster.folders[worker].glob(f"smallcaps-dask-{worker}-*"))
    assert left, "the killed worker had no folder of its own"
    assert cluster.sweep_stale(local_cluster.folders[worker]) == left
    assert not any(p.exists() for p in left)


def test_only_the_folders_of_dead_workers_are_swept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"smallcaps-dask-{dead.pid}-abc"
    live = tmp_path / f"smallcaps-dask-{os.getpid()}-def"
    other = tmp_path / "smallcaps-dask-old-format"
    for folder in (stale, live, other):
        (folder / "task").mkdir(parents=True)
    assert cluster.sweep_stale(tmp_path) == [stale]
    assert live.exists() and other.exists() and not stale.exists()
