"""The fixed cost of a ``smallcaps report`` run, without a change to what it renders.

* ``rfc3987_syntax`` (jsonschema's optional ``iri`` format check, 1.4 s to import) is kept out
  of the runner's own processes: the command and its pool workers; a notebook validates the
  same (nbformat's schemas use no format), a kernel never imports it anyway, and a Python
  session that merely imports smallcaps, or calls :func:`smallcaps.runner.run`, gets its
  environment as installed;
* the pages go longest first, by their last duration in the output folder (also from an
  earlier dated folder) and, for pages never rendered there, by their number of code cells
  when workers share them (one worker keeps the plan order);
* the run's files are prepared for (Jinja and the page templates loaded) while the last
  notebooks run, once a worker has nothing left to do;
* the command's process skips the garbage collection of its heap at exit.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from smallcaps import cli
from smallcaps.runner import batch, execute, files, html
from smallcaps.runner.outcome import result_from

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
NB04 = ROOT / "notebooks" / "04_tax_loss_timing.ipynb"
ASOF = "2024-11-01"
SKIPPED = "rfc3987_syntax"
HAVE_RFC3987 = importlib.util.find_spec(SKIPPED) is not None


def _python(code: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``code`` in a new interpreter of this environment (the test's environment variables)."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


# ----------------------------------------------------------------- rfc3987_syntax


def _format_keywords(node) -> list:
    if isinstance(node, dict):
        own = [node["format"]] if isinstance(node.get("format"), str) else []
        return own + [f for v in node.values() for f in _format_keywords(v)]
    if isinstance(node, list):
        return [f for v in node for f in _format_keywords(v)]
    return []


def test_nbformat_validates_without_any_format_check():
    """What makes leaving ``rfc3987_syntax`` out safe: nbformat's notebook schemas hold no
    ``format`` keyword, and its jsonschema validator is a Draft 4 one (a draft without
    ``iri``) with no format checker."""
    import jsonschema
    from nbformat import json_compat, validator

    schemas = sorted(Path(nbformat.__file__).parent.glob("v*/nbformat.v*.schema.json"))
    assert len(schemas) >= 7
    for path in schemas:
        assert _format_keywords(json.loads(path.read_text())) == [], path.name
    assert json_compat._JsonSchemaValidator is jsonschema.Draft4Validator
    checker = validator.get_validator(version=4, version_minor=5, name="jsonschema")
    assert checker._default_validator.format_checker is None


_PLAN_ONLY = """
import json, sys
from smallcaps import cli
from smallcaps.runner import batch

def planned(setup, dates, t0):
    found = {name: (sys.modules[name] is not None) if name in sys.modules else "absent"
             for name in ("papermill", "nbformat", "jsonschema", "rfc3987_syntax")}
    print(json.dumps({"found": found, "asof": dates[0].asof}))
    raise SystemExit(0)

batch._render = planned  # the plan runs as the command runs it; nothing is rendered
cli.main(["report", sys.argv[1], "--source", "sample", "--asof", sys.argv[2],
          "--out", sys.argv[3]])
"""


def test_the_command_plans_without_rfc3987(tmp_path):
    done = _python(_PLAN_ONLY, str(NB04), ASOF, str(tmp_path / "out"))
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["asof"] == ASOF
    assert got["found"] == {"papermill": True, "nbformat": True, "jsonschema": True,
                            "rfc3987_syntax": False}  # marked absent, never imported


_WORKER = """
import json, os, sys
from smallcaps.runner import execute

execute._worker_start(os.getppid())  # a pool worker's start-up (stdout, stderr: the void)
import nbconvert, nbformat, papermill

nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
nbformat.validate(nb)
try:
    nbformat.validate({"nbformat": 4})
    refused = False
except nbformat.ValidationError:
    refused = True
with open(sys.argv[1], "w") as fh:
    json.dump({"rfc3987_syntax": repr(sys.modules.get("rfc3987_syntax", "absent")),
               "refused": refused}, fh)
"""


def test_a_pool_worker_imports_its_libraries_without_rfc3987(tmp_path):
    """A worker that does not inherit the command's modules (a spawned one) marks it absent
    itself; notebooks are validated as before."""
    answer = tmp_path / "worker.json"
    _python(_WORKER, str(answer))
    assert json.loads(answer.read_text()) == {"rfc3987_syntax": "None", "refused": True}


@pytest.mark.skipif(not HAVE_RFC3987, reason="rfc3987_syntax is not installed")
def test_a_python_session_that_runs_the_runner_keeps_its_environment(tmp_path):
    """Importing smallcaps (the command's module too) or calling ``run`` marks nothing."""
    code = f"""
import sys
import smallcaps, smallcaps.cli, smallcaps.runner
from smallcaps.runner import run
run([{str(NB04)!r}], asof={ASOF!r}, source="sample", out={str(tmp_path / "o")!r},
    check_only=True, progress=False)
assert "papermill" in sys.modules
print(type(sys.modules.get({SKIPPED!r})).__name__)
"""
    assert _python(code).stdout.split() == ["module"]


def test_skip_unused_imports_leaves_an_imported_module_alone():
    code = f"""
import sys, types
from smallcaps.runner import execute
assert {SKIPPED!r} not in sys.modules
assert execute.skip_unused_imports() == [{SKIPPED!r}]
assert sys.modules[{SKIPPED!r}] is None
assert execute.skip_unused_imports() == []
try:
    import rfc3987_syntax
    print("imported")
except ImportError:
    print("ImportError")
del sys.modules[{SKIPPED!r}]
fake = sys.modules[{SKIPPED!r}] = types.ModuleType({SKIPPED!r})
assert execute.skip_unused_imports() == [] and sys.modules[{SKIPPED!r}] is fake
"""
    assert _python(code).stdout.split() == ["ImportError"]


def test_a_kernel_never_imports_rfc3987():
    """The kit a warm kernel imports (:data:`warm.PRELOAD`) loads neither nbformat nor
    jsonschema, so a kernel needs no such mark (and a notebook's code gets the environment
    as installed)."""
    code = """
import sys
from smallcaps.runner import warm
assert warm.kernel_prepare() == []
print(sorted(n for n in ("rfc3987_syntax", "jsonschema", "nbformat") if n in sys.modules))
"""
    assert _python(code).stdout.split() == ["[]"]


# ----------------------------------------------------------------- the order of the pages


def _notebook(folder: Path, name: str, extra_cells: int) -> Path:
    """A copy of the fixture notebook with ``extra_cells`` more code cells."""
    nb = nbformat.read(FIXTURES / "01_fixture_ok.ipynb", as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(f"y{i} = {i}") for i in range(extra_cells)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _fake_render(task: dict) -> dict:
    folder = Path(task["out_dir"])
    doc = {"notebook": task["name"], "title": task["title"], "status": "ok",
           "asof": task["asof"], "asof_requested": task["asof_requested"],
           "parameters": task["effective"], "injected": task["inject"], "provenance": {},
           "synthetic": True, "figures": {}, "duration_s": 0.1, "generated_at": "now",
           "error": None, "inputs": task["inputs"], "key": task["key"],
           "files": {e: f"{task['name']}.{e}" for e in ("html", "ipynb", "json")}}
    files.atomic_write(folder / f"{task['name']}.html",
                       f"<html><body>{html.MARK_BEGIN}{html.MARK_END}</body></html>")
    files.atomic_write(folder / f"{task['name']}.ipynb", "{}")
    files.atomic_write(folder / f"{task['name']}.json", json.dumps(doc))
    return doc


class _Pool:
    """``execute.pool_map`` in this process: records the order it was given the pages in and
    when the finish was prepared for (after how many results)."""

    def __init__(self):
        self.orders: list[list[str]] = []
        self.results = 0
        self.preloaded_after: list[int] = []

    def __call__(self, todo, workers, on_result):
        self.orders.append([t["name"] for t in todo])
        for task in todo:
            self.results += 1
            on_result(task, result_from(_fake_render(task), Path(task["out_dir"])))


@pytest.fixture
def pool(monkeypatch):
    fake = _Pool()
    monkeypatch.setattr(execute, "pool_map", fake)
    monkeypatch.setattr(execute, "check_kernel", lambda *a, **k: sys.executable)

    class Done:
        def join(self):
            pass

    def preload():
        fake.preloaded_after.append(fake.results)
        return Done()

    monkeypatch.setattr(batch, "_preload_finish", preload)
    return fake


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    return [_notebook(folder, "01_short", 0), _notebook(folder, "02_long", 5),
            _notebook(folder, "03_middle", 2)]


def _run(notebooks, out, jobs, asof=ASOF):
    res = batch.run([str(p) for p in notebooks], asof=asof, source="sample", out=out,
                    jobs=jobs, force=True, progress=False)
    assert res.ok, res.summary()
    return res


def test_new_pages_shared_by_workers_go_by_their_code_cells(pool, notebooks, tmp_path):
    res = _run(notebooks, tmp_path / "out", jobs=2)
    assert pool.orders == [["02_long", "03_middle", "01_short"]]
    assert [r.name for r in res.results] == ["01_short", "02_long", "03_middle"]  # plan order


def test_one_worker_renders_new_pages_in_the_plan_order(pool, notebooks, tmp_path):
    _run(notebooks, tmp_path / "out", jobs=1)
    assert pool.orders == [["01_short", "02_long", "03_middle"]]


def test_known_durations_come_first_even_from_an_earlier_folder(pool, notebooks, tmp_path):
    out = tmp_path / "out"
    earlier = out / "2024-10-25"
    earlier.mkdir(parents=True)
    for name, seconds in (("01_short", 40.0), ("02_long", 3.0), ("03_middle", 9.0)):
        (earlier / f"{name}.json").write_text(json.dumps({"notebook": name,
                                                          "duration_s": seconds}))
    _run(notebooks, out, jobs=2)
    assert pool.orders == [["01_short", "03_middle", "02_long"]]
    # then its own folder's: the fake renders took 0.1 s each, a tie the code cells break
    _run(notebooks, out, jobs=2)
    assert pool.orders[-1] == ["02_long", "03_middle", "01_short"]


def test_the_finish_is_prepared_once_a_worker_is_idle(pool, notebooks, tmp_path):
    _run(notebooks, tmp_path / "a", jobs=2)
    assert pool.preloaded_after == [2]  # 1 page left, 2 workers
    _run(notebooks, tmp_path / "b", jobs=1)
    assert pool.preloaded_after == [2]  # one worker: never idle before the end


def test_preparing_the_finish_loads_the_page_templates():
    batch._preload_finish().join()
    cached = {key[1] for key in html._pages().cache.keys()}
    assert {"pages/since.html.j2", "pages/run_index.html.j2",
            "pages/top_index.html.j2"} <= cached


# ----------------------------------------------------------------- the command's exit


def test_only_the_commands_own_process_skips_the_last_collection():
    before = atexit._ncallbacks()
    assert cli.main(["report", "--no-such-option"]) == 2
    assert atexit._ncallbacks() == before  # called with arguments: a caller's process
    code = """
import atexit, sys
from smallcaps import cli
before = atexit._ncallbacks()
sys.argv = ["smallcaps", "report", "--no-such-option"]
status = cli.main()
print(atexit._ncallbacks() - before, status)
"""
    assert _python(code).stdout.split() == ["1", "2"]
