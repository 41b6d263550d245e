"""Warm kernels (:mod:`smallcaps.runner.warm`): one kernel per worker, reused and reset.

The fixture notebooks of ``tests/fixtures/isolation`` try to see what the notebook before them
left: ``01_pollute`` (A) leaves a variable, a seeded random state, changed rcParams, units,
display formats, pandas and numpy options, a logger, warnings filters, a changed helper
module, ``sys.path``, environment and working directory, an open figure; ``02_inspect`` (B)
records what it finds, ``03_figures`` (C) draws charts from the kit on the sample.  B and C are
rendered after A on one warm kernel (in this process, as a pool worker does) and compared with
cold renders (a new kernel each, through the runner).  ``04_parse_count`` counts the CSV parses
of ``smallcaps.data.load``; ``05_kill_always`` and ``06_kill_once`` kill their own kernel.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from papermill.exceptions import PapermillExecutionError
from smallcaps import project
from smallcaps.page import collect_records
from smallcaps.runner import execute, run, warm
from smallcaps.runner.executed import PAPERMILL_ERROR_TAG, find_error

ROOT = Path(__file__).resolve().parents[1]
ISOLATION = ROOT / "tests" / "fixtures" / "isolation"
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
ASOF = "2024-01-31"
INJECT = {"asof": ASOF, "source": "sample", "data_dir": ""}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="kernels with a death signal are Linux's")


def _env(tmp: Path) -> dict[str, str]:
    return {"SMALLCAPS_DATA_DIR": str(tmp / "no-raw-data"),
            "SMALLCAPS_CACHE_DIR": str(tmp / "cache"),
            "SMALLCAPS_CATALOG": "none", "SMALLCAPS_OFFLINE": "1"}


@pytest.fixture(scope="module")
def here():
    """This process runs notebooks on a warm kernel, as a pool worker does."""
    warm.enable()
    try:
        yield
    finally:
        warm.disable()


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """B and C rendered by the runner with ``SMALLCAPS_KERNELS=cold``: a new kernel each."""
    tmp = tmp_path_factory.mktemp("cold")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {**_env(tmp), "SMALLCAPS_KERNELS": "cold"}.items():
            mp.setenv(k, v)
        res = run([str(ISOLATION / "02_inspect.ipynb"), str(ISOLATION / "03_figures.ipynb")],
                  asof=ASOF, source="sample", out=tmp / "out", jobs=1, force=True,
                  progress=False)
    assert res.ok, res.summary()
    return tmp / "out" / ASOF


def render_warm(name: str, tmp_path: Path, folder: Path = ISOLATION, **inject):
    """``name`` executed on this process's warm kernel: (records, executed notebook)."""
    task = {"notebook": str(folder / f"{name}.ipynb"), "cwd": str(folder),
            "project": str(project.project_dir()), "inject": {**INJECT, **inject}}
    out = tmp_path / f"{name}.warm.ipynb"
    try:
        warm.run(task, out)
    except PapermillExecutionError:
        pass  # the failing cell is in the notebook
    nb = nbformat.read(str(out), as_version=4)
    return collect_records(nb), nb


def outputs(nb) -> list:
    """Every code cell's number and outputs (images as their bytes, base64)."""
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


def stderr_of(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if o.get("name") == "stderr")


def without_random(records: dict) -> dict:
    return {k: v for k, v in records.items() if not k.startswith("random_")}


def test_a_notebook_sees_nothing_the_one_before_it_left(here, cold, tmp_path):
    a, _ = render_warm("01_pollute", tmp_path)
    assert a["polluted"] is True
    b, b_nb = render_warm("02_inspect", tmp_path)
    assert warm.last_run()["kernel"] == "reused"  # B ran on A's kernel
    assert b["sees_a_variable"] is False
    assert (b["helper_loaded_before_import"], b["helper_state"]) == (False, "as written")
    assert b["rc"]["lines.linewidth"] == 1.5 and b["rc"]["axes.grid"] is False
    assert b["rc"]["figure.figsize"] == [6.4, 4.8]
    assert b["date_converter"] == "_SwitchableDateConverter"
    assert b["inline"] == {"close_figures": True, "formats": ["png"]}
    assert b["open_figures"] == []
    assert (b["pandas_precision"], b["numpy_precision"], b["numpy_divide"]) == (6, 8, "warn")
    assert b["warnings_seen"] == ["B's own warning", "once per process"]
    assert "library.py:1: UserWarning: from a library" in stderr_of(b_nb)
    assert b["cwd"] == str(ISOLATION) and b["leak"] is None and b["path_from_a"] is False
    assert b["project"] == str(project.project_dir())
    # and everything B records is what it records on a kernel of its own
    doc = json.loads((cold / "02_inspect.json").read_text())
    assert (doc["timing"]["kernel"], doc["retried"]) == ("cold", False)
    assert without_random(b) == without_random(doc["figures"])


def test_random_state_is_that_of_a_new_process(here, tmp_path):
    import random

    a, _ = render_warm("01_pollute", tmp_path)
    seeded_np = np.random.RandomState(1).random(6).tolist()
    seeded_py = random.Random(1)
    seeded_py = [seeded_py.random() for _ in range(6)]
    assert (a["random_np"], a["random_py"]) == (seeded_np[:3], seeded_py[:3])  # A's seed works
    b1, _ = render_warm("02_inspect", tmp_path)
    b2, _ = render_warm("02_inspect", tmp_path)
    for draws, seeded in ((b1["random_np"], seeded_np), (b1["random_py"], seeded_py)):
        assert draws not in (seeded[:3], seeded[3:])  # neither A's draws nor their sequel
    assert b1["random_np"] != b2["random_np"]  # seeded afresh, not reset to a fixed seed


def test_pages_on_a_warm_kernel_are_those_of_a_new_kernel(here, cold, tmp_path):
    render_warm("01_pollute", tmp_path)
    _, b = render_warm("02_inspect", tmp_path)
    c_records, c = render_warm("03_figures", tmp_path)
    assert warm.last_run()["kernel"] == "reused"
    cold_c = nbformat.read(str(cold / "03_figures.ipynb"), as_version=4)
    assert outputs(c) == outputs(cold_c)  # tables, charts (PNG bytes), cell numbers
    assert sum("image/png" in o.get("data", {}) for _, outs in outputs(c) for o in outs) == 2
    cold_doc = json.loads((cold / "03_figures.json").read_text())
    assert {k: v for k, v in c_records.items() if k != "provenance"} == cold_doc["figures"]
    cold_b = nbformat.read(str(cold / "02_inspect.ipynb"), as_version=4)
    assert outputs(b)[-1] == outputs(cold_b)[-1]  # B's chart: PNG again, not A's SVG
    assert "image/png" in outputs(b)[-1][1][0]["data"]


def _write_csvs(folder: Path, last_close: float = 101.0, names=("RUT", "GSPC")) -> None:
    folder.mkdir(exist_ok=True)
    header = "Date,Open,High,Low,Close,Adj Close,Volume\n"
    days = [f"2024-01-{d:02d}" for d in (2, 3, 4, 5, 8, 9, 10, 11, 12, 16)]
    for name, base in (("RUT", 100.0), ("GSPC", 4700.0)):
        if name not in names:
            continue
        rows = [f"{d},{base},{base},{base},{base + i},{base + i},10"
                for i, d in enumerate(days)]
        if name == "RUT":
            rows[-1] = f"{days[-1]},{base},{base},{base},{last_close},{last_close},10"
        (folder / f"{name}.csv").write_text(header + "\n".join(rows) + "\n")


def test_data_files_are_parsed_once_per_kernel(here, tmp_path):
    csv = tmp_path / "csv"
    _write_csvs(csv)
    inject = {"source": "csv", "data_dir": str(csv), "asof": "2024-01-16"}
    first, _ = render_warm("04_parse_count", tmp_path, **inject)
    assert (first["parses"], first["rut_last"]) == (2, 101.0)  # RUT and SPX, read once
    second, _ = render_warm("04_parse_count", tmp_path, **inject)
    assert warm.last_run()["kernel"] == "reused"
    assert second == first  # the same kernel: no file parsed again
    _write_csvs(csv, last_close=99.5, names=("RUT",))  # an edited file is another file
    third, _ = render_warm("04_parse_count", tmp_path, **inject)
    assert (third["parses"], third["rut_last"]) == (3, 99.5)  # RUT again, SPX from memory


def test_a_failing_cell_keeps_its_error_cell_and_the_kernel(here, tmp_path):
    _, nb = render_warm("02_fixture_fails", tmp_path, folder=FIXTURES)
    assert PAPERMILL_ERROR_TAG in nb.cells[0].metadata.get("tags", [])
    error = find_error(nb)
    assert (error["cell"], error["ename"]) == (6, "ZeroDivisionError")
    b, _ = render_warm("02_inspect", tmp_path)
    assert warm.last_run()["kernel"] == "reused" and b["sees_a_variable"] is False


def test_a_kernel_killed_while_idle_is_replaced(here, tmp_path):
    render_warm("02_inspect", tmp_path)
    kernel = warm._state["kernel"]
    os.kill(kernel._kernel_pid(), signal.SIGKILL)
    b, _ = render_warm("02_inspect", tmp_path)
    assert warm.last_run()["kernel"] == "new" and warm._state["kernel"] is not kernel
    assert b["helper_state"] == "as written"


def _task(tmp_path: Path, name: str, **over) -> dict:
    t = {"notebook": str(ISOLATION / f"{name}.ipynb"), "cwd": str(ISOLATION),
         "project": str(project.project_dir()), "name": name, "title": name,
         "out_dir": str(tmp_path), "asof": ASOF, "asof_requested": None, "inject": INJECT,
         "effective": INJECT, "show_code": False, "key": "k", "inputs": {},
         "git_commit": "abc"}
    t.update(over)
    return t


def test_a_notebook_that_kills_its_kernel_fails_after_one_retry(here, tmp_path):
    doc = execute.render_task(_task(tmp_path, "05_kill_always"))
    assert (doc["status"], doc["retried"]) == ("failed", True)
    assert doc["error"]["ename"] == "DeadKernelError"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "05_kill_always.html", "05_kill_always.ipynb", "05_kill_always.json"]
    assert "DeadKernelError" in (tmp_path / "05_kill_always.html").read_text()
    doc = execute.render_task(_task(tmp_path, "02_inspect"))  # the next one: a new kernel
    assert (doc["status"], doc["retried"], doc["timing"]["kernel"]) == ("ok", False, "new")


def test_the_runner_retries_a_dead_kernel_once_and_reuses_kernels(tmp_path, monkeypatch):
    """Through the pool: F's first kernel dies, its retry (a fresh kernel) renders it, and B
    runs on that kernel, seeing nothing of F."""
    monkeypatch.delenv("SMALLCAPS_KERNELS", raising=False)
    marker = tmp_path / "died-once"
    res = run([str(ISOLATION / "06_kill_once.ipynb"), str(ISOLATION / "02_inspect.ipynb")],
              asof=ASOF, source="sample", out=tmp_path / "out", jobs=1, force=True,
              parameters={"marker": str(marker)}, progress=False)
    assert res.ok, res.summary()
    assert marker.read_text() == "the first kernel died here"
    folder = tmp_path / "out" / ASOF
    f = json.loads((folder / "06_kill_once.json").read_text())
    b = json.loads((folder / "02_inspect.json").read_text())
    assert (f["retried"], f["figures"]["survived"], f["timing"]["kernel"]) == (True, True, "new")
    assert (b["retried"], b["timing"]["kernel"]) == (False, "reused")
    assert "marker" not in b["figures"]["names"] and b["figures"]["sees_a_variable"] is False
    assert {"start_s", "compute_s", "export_s"} <= set(b["timing"])
    assert not [p.name for p in folder.iterdir() if ".tmp" in p.name]


def test_cold_kernels_on_request(monkeypatch):
    monkeypatch.delenv("SMALLCAPS_KERNELS", raising=False)
    assert warm.wanted() is True
    monkeypatch.setenv("SMALLCAPS_KERNELS", "COLD")
    assert warm.wanted() is False
    monkeypatch.setenv("SMALLCAPS_KERNELS", "warm")
    assert warm.wanted() is True


def test_only_modules_from_outside_the_environment_are_dropped(tmp_path, monkeypatch):
    (tmp_path / "nb_helper_for_warm_test.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fresh = set(sys.modules)
    import colorsys  # noqa: F401 - the standard library: kept

    import nb_helper_for_warm_test  # noqa: F401 - a notebook's helper: dropped
    import smallcaps.runner.warm  # noqa: F401 - the kit: kept

    fresh.discard("smallcaps.runner.warm")
    fresh.discard("colorsys")
    try:
        assert warm._drop_user_modules(fresh) == ["nb_helper_for_warm_test"]
        assert "colorsys" in sys.modules and "smallcaps.runner.warm" in sys.modules
    finally:
        sys.modules.pop("nb_helper_for_warm_test", None)


def test_a_kernel_that_ran_no_notebook_is_killed_at_the_end(monkeypatch):
    """At the worker's end its kernel is shut down; one that never ran a notebook (still
    importing the kit, maybe) is killed instead of asked, as is any kernel once the worker was
    told to stop."""
    closed: list[bool] = []

    class Kernel:
        renders = 0

        def close(self, now: bool = False) -> None:
            closed.append(now)

    monkeypatch.setitem(warm._state, "pid", os.getpid())
    for renders, stopping in ((0, False), (1, False), (3, True)):
        kernel = Kernel()
        kernel.renders = renders
        monkeypatch.setitem(warm._state, "kernel", kernel)
        monkeypatch.setattr(warm.lifeline, "stopping", lambda s=stopping: s)
        warm.shutdown()
        assert warm._state["kernel"] is None
    assert closed == [True, False, True]


def _taken_port_managers(monkeypatch, taken: int, times: int) -> tuple[list[int], list]:
    """The next ``times`` kernel managers give their kernel ``taken`` as its stdin port (as a
    process starting kernels beside this one may have taken it meanwhile); returns the
    stdin ports the managers gave, in order, and the kernels' processes."""
    base = warm.lifeline.kernel_manager_class()
    given: list[int] = []
    procs: list = []

    class Manager(base):
        async def start_kernel(self, **kw) -> None:
            if len(given) < times:
                self.cache_ports = False  # keep the port set here (new ones for the rest)
                self.stdin_port = taken
            await super().start_kernel(**kw)
            given.append(self.stdin_port)
            procs.append(self.provisioner.process)

    monkeypatch.setattr(warm.lifeline, "kernel_manager_class", lambda: Manager)
    return given, procs


def test_a_kernel_that_dies_starting_is_started_again_on_new_ports(monkeypatch, capfd):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        given, _ = _taken_port_managers(monkeypatch, taken, times=1)
        kernel = warm.WarmKernel(str(ISOLATION), str(project.project_dir()), preload=())
        try:
            assert kernel.start_attempts == 2 and kernel.alive()
            assert given[0] == taken and given[1] != taken
            assert kernel.call("1 + 1", timeout=30) == 2
        finally:
            kernel.close(now=True)
    err = capfd.readouterr().err
    assert "Address already in use" in err  # the first kernel's own last words
    assert "a new kernel died before it answered (start 1 of 3); starting another" in err


def test_a_kernel_that_keeps_dying_starting_is_an_error_after_the_last_start(monkeypatch,
                                                                            capfd):
    monkeypatch.setattr(warm, "START_ATTEMPTS", 2)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        given, procs = _taken_port_managers(monkeypatch, held.getsockname()[1], times=2)
        with pytest.raises(RuntimeError, match="Kernel died before replying"):
            warm.WarmKernel(str(ISOLATION), str(project.project_dir()), preload=())
    assert len(given) == 2 and [p.poll() is not None for p in procs] == [True, True]
    assert capfd.readouterr().err.count("starting another") == 1
