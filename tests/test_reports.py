"""Report runner, without kernels: parameters, names, the run's one as-of date, fingerprints,
skip logic, atomic writes, error extraction, HTML header / banner / escaping and the indexes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import fake_workers
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from smallcaps import page, project
from smallcaps.data import fingerprint
from smallcaps.errors import SmallcapsError
from smallcaps.runner import (
    NotebookResult,
    ReportRun,
    execute,
    executed,
    files,
    html,
    params,
    run,
    skipcache,
)
from smallcaps.runner.notebooks import notebook_folder, resolve_notebooks

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
OK_NB = FIXTURES / "01_fixture_ok.ipynb"
FAIL_NB = FIXTURES / "02_fixture_fails.ipynb"


def _param(default: str, type_name: str = "None") -> dict:
    return {"inferred_type_name": type_name, "default": default, "help": ""}


def test_runner_import_is_light():
    """An up-to-date run must not pay for pandas / papermill / nbconvert / jinja2: importing
    the runner and the CLI loads none of them."""
    code = ("import sys, smallcaps.runner, smallcaps.cli, smallcaps.project; "
            "print(sorted(m for m in ('pandas', 'numpy', 'papermill', 'nbconvert', 'nbformat', "
            "'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_runner_modules_hold_no_page_markup():
    """Page markup and CSS live in the templates, not in Python strings."""
    runner = Path(html.__file__).parent
    for path in runner.glob("*.py"):
        text = path.read_text()
        for tag in ("<div", "<table", "<header", "<span", "<style", "<tr>", "<td"):
            assert tag not in text, f"{path.name} holds markup {tag}"
    templates = html.template_dir()
    assert (templates / "smallcaps_report" / "smallcaps.css").is_file()
    assert {p.name for p in (templates / "pages").iterdir()} >= {
        "header.html.j2", "footer.html.j2", "run_index.html.j2", "top_index.html.j2"}


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("raw, param, expected", [
    ("20", _param("20", "int"), 20),
    ("-3", _param("20", "int"), -3),
    ("0.1", _param("0.05", "float"), 0.1),
    ("5", _param("0.05", "float"), 5.0),
    ("true", _param("False", "bool"), True),
    ("0", _param("True", "bool"), False),
    ("2020", _param('"x"', "str"), "2020"),
    ("hello world", _param('"x"', "str"), "hello world"),
    ('["RUT", "IWM"]', _param('["RUT", "SPX"]', "list"), ["RUT", "IWM"]),
    ("RUT, IWM", _param('["RUT", "SPX"]', "list"), ["RUT", "IWM"]),
    ("5,10,20", _param("[1, 2]", "list[int]"), [5, 10, 20]),
    ("[0.5, 1]", _param("[0.1]", "list"), [0.5, 1.0]),
    ("", _param("[1]", "list"), []),
    ('{"a": 1}', _param("{}", "dict"), {"a": 1}),
    ("7", _param("None"), 7),            # untyped None default: JSON if it parses
    ("abc", _param("None"), "abc"),      # ... else the string
    ("12", _param("3"), 12),             # no annotation: the default's literal type
    ("x", _param('"y"'), "x"),
])
def test_coerce_parameter_parses_by_default_type(raw, param, expected):
    got = params.coerce_parameter("p", raw, param, "nb")
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize("raw, param, words", [
    ("abc", _param("20", "int"), "an integer"),
    ("1.5", _param("20", "int"), "an integer"),
    ("x", _param("0.05", "float"), "a number"),
    ("nan", _param("0.05", "float"), "a number"),
    ("maybe", _param("False", "bool"), "true or false"),
    ("a,b", _param("[1, 2]", "list"), "a list"),
    ("[1, 2", _param("[1, 2]", "list"), "a list"),
    ("[1]", _param("{}", "dict"), "a JSON object"),
])
def test_coerce_parameter_refuses_values_that_do_not_fit(raw, param, words):
    with pytest.raises(SmallcapsError) as err:
        params.coerce_parameter("window", raw, param, "03_seasonality")
    msg = str(err.value)
    assert "window" in msg and "03_seasonality" in msg and words in msg
    assert "\n" not in msg


def test_coerce_parameter_python_values():
    assert params.coerce_parameter("w", 5, _param("20", "int"), "nb") == 5
    assert params.coerce_parameter("a", 1, _param("0.5", "float"), "nb") == 1.0
    assert params.coerce_parameter("k", ("A", "B"), _param("[]", "list"), "nb") == ["A", "B"]
    with pytest.raises(SmallcapsError):
        params.coerce_parameter("w", True, _param("20", "int"), "nb")
    with pytest.raises(SmallcapsError):
        params.coerce_parameter("w", 2.5, _param("20", "int"), "nb")
    with pytest.raises(SmallcapsError):
        params.coerce_parameter("k", 3, _param("[]", "list"), "nb")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_coerce_int_round_trips(n):
    assert params.coerce_parameter("n", str(n), _param("1", "int"), "nb") == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_coerce_float_round_trips(x):
    assert params.coerce_parameter("x", repr(x), _param("0.5", "float"), "nb") == x


def _specs(*paths, cache=None):
    cache = cache or skipcache.Cache(Path("/nonexistent-out"))
    return [params.inspect_notebook(Path(p), cache) for p in paths]


def test_inspect_reads_the_parameters_cell_with_papermill():
    (spec,) = _specs(OK_NB)
    assert spec["name"] == "01_fixture_ok"
    assert spec["title"] == "Fixture: records and a chart"
    assert list(spec["params"])[:4] == ["asof", "start", "source", "data_dir"]
    assert spec["params"]["window"]["inferred_type_name"] == "int"
    assert spec["params"]["window"]["default"] == "20"


def test_check_parameters_routes_names_and_refuses_unknown_ones():
    specs = _specs(OK_NB, FAIL_NB)
    got = params.check_parameters(specs, {"window": "5", "divisor": "2"})
    assert got == {"01_fixture_ok": {"window": 5}, "02_fixture_fails": {"divisor": 2}}
    with pytest.raises(SmallcapsError) as err:
        params.check_parameters(specs, {"windw": "5"})
    msg = str(err.value)
    assert "unknown parameter -p windw for the selected notebooks; valid: " in msg
    for name in ("window", "alpha", "keys", "label", "flag", "divisor"):
        assert name in msg
    with pytest.raises(SmallcapsError, match="expected an integer"):
        params.check_parameters(specs, {"window": "five"})
    with pytest.raises(SmallcapsError, match="with --asof, not with -p asof"):
        params.check_parameters(specs, {"asof": "2020-01-01"})


def test_notebook_without_standard_parameters_is_refused():
    specs = _specs(FIXTURES / "04_fixture_noparams.ipynb")
    with pytest.raises(SmallcapsError, match="has no parameters cell"):
        params.check_parameters(specs, {})


def test_comment_with_equals_sign_is_still_read(tmp_path):
    """papermill skips 'x = 1  # a = b'; the runner masks the comment and reads it anyway."""
    nb = nbformat.read(OK_NB, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace(
        "# trading days", "# trading days, 20 = one month")
    path = tmp_path / "01_eq.ipynb"
    nbformat.write(nb, path)
    (spec,) = _specs(path)
    assert spec["params"]["window"]["default"] == "20"
    assert params.check_parameters([spec], {"window": "21"}) == {"01_eq": {"window": 21}}


def test_run_refuses_bad_input_before_running(tmp_path):
    for kwargs, match in [
        ({"asof": "2024-13-01"}, "--asof '2024-13-01' is not a date"),
        ({"asof": "yesterday"}, "expected YYYY-MM-DD"),
        ({"asof": "2020-01-01", "start": "2021-01-01"}, "--start 2021-01-01 is not before"),
        ({"source": "bloomberg"}, "unknown source 'bloomberg'"),
        ({"jobs": 0}, "--jobs 0"),
        ({"data_dir": tmp_path / "nope"}, "no such folder"),
        ({"notebooks": ["no_such_topic"], "notebook_dir": FIXTURES},
         "'no_such_topic' is not a notebook"),
        ({"notebook_dir": tmp_path / "no-notebooks"}, "--notebooks .*: no such folder"),
        ({"notebooks": [str(OK_NB)], "parameters": {"window": "x"}}, "expected an integer"),
        # a built-in notebook: its declared schema (smallcaps.params), not only the type
        ({"notebooks": ["01"], "notebook_dir": NOTEBOOKS, "parameters": {"window": "-3"}},
         "-p window -3 for 01_yields_vs_small_caps: must be a whole number from 3 to 520"),
        ({"notebooks": ["06"], "notebook_dir": NOTEBOOKS, "parameters": {"benchmark": "DGS2"}},
         "-p benchmark DGS2 for 06_trend_and_levels: DGS2 is a yield series"),
    ]:
        kwargs.setdefault("asof", "2024-01-31")
        with pytest.raises(SmallcapsError, match=re.escape(match) if "-p" in match else match):
            run(out=tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


def test_resolve_notebooks_accepts_short_names(tmp_path):
    for name in ("01_alpha", "02_beta_gamma"):
        shutil.copy(OK_NB, tmp_path / f"{name}.ipynb")
    (tmp_path / "scratch.ipynb").write_text("{}")
    folder = str(tmp_path)
    allnb = resolve_notebooks(None, folder)
    assert [p.stem for p in allnb] == ["01_alpha", "02_beta_gamma"]
    for name in ("beta_gamma", "02_beta_gamma", "02_beta_gamma.ipynb", "02"):
        assert resolve_notebooks([name], folder)[0].stem == "02_beta_gamma"
    with pytest.raises(SmallcapsError, match="valid: 01_alpha, 02_beta_gamma"):
        resolve_notebooks(["delta"], folder)
    assert resolve_notebooks([str(OK_NB)], folder) == [OK_NB.resolve()]


# ----------------------------------------------------------------------------- project folder


def test_project_folder_rules(tmp_path, monkeypatch):
    monkeypatch.delenv("SMALLCAPS_PROJECT", raising=False)
    kit = tmp_path / "kit"
    (kit / "notebooks").mkdir(parents=True)
    shutil.copy(OK_NB, kit / "notebooks" / "01_x.ipynb")
    (kit / "data" / "sub").mkdir(parents=True)
    monkeypatch.chdir(kit / "data" / "sub")
    assert project.project_dir() == kit.resolve()  # nearest folder above with notebooks/NN_*
    assert project.reports_dir() == kit.resolve() / "reports"
    assert project.notebooks_dir() == kit.resolve() / "notebooks"
    marked = kit / "data" / "sub" / "inner"
    marked.mkdir()
    (marked / project.MARKER).write_text("")
    monkeypatch.chdir(marked)
    assert project.project_dir() == marked.resolve()  # the marker is nearer
    assert project.notebooks_dir() is None
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert project.project_dir() == empty.resolve()  # nothing above: the working directory
    assert project.raw_data_dir() == empty.resolve() / "data" / "raw"
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(kit))
    assert project.project_dir() == kit.resolve()  # the variable wins
    assert project.catalog_path() == kit.resolve() / "data" / "catalog.yml"


def test_data_defaults_follow_the_project_folder(tmp_path, monkeypatch):
    from smallcaps.data import cache, resolve_data_dir
    from smallcaps.data.catalog import get_series, user_catalog_path

    for var in ("SMALLCAPS_DATA_DIR", "SMALLCAPS_CACHE_DIR", "SMALLCAPS_CATALOG"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(tmp_path))
    assert resolve_data_dir() == tmp_path.resolve() / "data" / "raw"
    assert cache.cache_dir() == tmp_path.resolve() / "data" / "cache"
    assert user_catalog_path() == tmp_path.resolve() / "data" / "catalog.yml"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalog.yml").write_text(
        "RSP: {name: Equal weight, provider: yahoo, symbol: RSP, kind: price, units: USD}\n")
    assert get_series("RSP").name == "Equal weight"
    assert get_series("RUT").symbol == "^RUT"  # the built-in catalog, a resource


def test_notebook_folder_order(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(empty))
    shipped = tmp_path / "site" / "smallcaps" / "notebooks"
    shipped.mkdir(parents=True)
    shutil.copy(OK_NB, shipped / "01_fixture_ok.ipynb")
    monkeypatch.setattr(project, "packaged_notebooks_dir", lambda: shipped)
    got = notebook_folder()
    assert (got.path, got.packaged) == (shipped, True)  # no project notebooks: the shipped ones
    (empty / "notebooks").mkdir()
    shutil.copy(FAIL_NB, empty / "notebooks" / "02_mine.ipynb")
    got = notebook_folder()
    assert (got.path, got.packaged) == (empty.resolve() / "notebooks", False)
    assert notebook_folder(FIXTURES).path == FIXTURES.resolve()
    monkeypatch.setattr(project, "packaged_notebooks_dir", lambda: None)
    shutil.rmtree(empty / "notebooks")
    with pytest.raises(SmallcapsError, match="no notebooks NN_.*--notebooks DIR"):
        resolve_notebooks(None, notebook_folder())


# ----------------------------------------------------------------------------- the as-of date


def _write_csvs(folder: Path, last_close: float = 101.0):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "RUT.csv").write_text(f"Date,Close\n2024-01-02,100\n2024-01-03,{last_close}\n")
    (folder / "GSPC.csv").write_text("Date,Close\n2024-01-02,4700\n2024-01-03,4710\n"
                                     "2024-01-04,4720\n")


def test_data_fingerprint_follows_file_content(tmp_path):
    d = tmp_path / "csv"
    _write_csvs(d)
    a = fingerprint.data_fingerprint("csv", d)
    assert a == fingerprint.data_fingerprint("csv", d)
    os.utime(d / "RUT.csv", (1, 1))  # touched, same bytes: same data
    assert fingerprint.data_fingerprint("csv", d) == a
    _write_csvs(d, last_close=102.0)
    b = fingerprint.data_fingerprint("csv", d)
    assert b != a
    assert fingerprint.data_fingerprint("sample", d) != b
    (d / "DGS10.csv").write_text("observation_date,DGS10\n2024-01-02,4.0\n")
    assert fingerprint.data_fingerprint("csv", d) != b
    with pytest.raises(SmallcapsError, match="unknown source"):
        fingerprint.data_fingerprint("web", d)


def test_as_of_is_resolved_once_and_memoised_until_the_data_changes(tmp_path, monkeypatch):
    import smallcaps.data

    d = tmp_path / "csv"
    _write_csvs(d)
    cache = skipcache.Cache(tmp_path / "out")
    fp, when = skipcache.data_state("csv", str(d), None, cache, "lib", print)
    assert when["date"] == "2024-01-03"  # last date on which RUT and SPX both have a close
    assert when["requested"] is None and when["reference"] == ["RUT", "SPX"]

    def boom(*a, **k):
        raise AssertionError("resolve_asof must not be called while the files are unchanged")

    monkeypatch.setattr(smallcaps.data, "resolve_asof", boom)
    assert skipcache.data_state("csv", str(d), None, cache, "lib", print) == (fp, when)
    with pytest.raises(AssertionError, match="must not be called"):  # another request: resolve
        skipcache.data_state("csv", str(d), "2024-01-06", cache, "lib", print)
    monkeypatch.undo()
    (d / "RUT.csv").write_text("Date,Close\n2024-01-02,100\n2024-01-03,101\n2024-01-04,99\n")
    fp2, when2 = skipcache.data_state("csv", str(d), None, cache, "lib", print)
    assert (fp2 != fp, when2["date"]) == (True, "2024-01-04")
    _, snapped = skipcache.data_state("csv", str(d), "2024-01-06", cache, "lib", print)
    assert (snapped["date"], snapped["requested"]) == ("2024-01-04", "2024-01-06")


def test_dates_are_parsed_by_the_one_parser_and_remembered(tmp_path, monkeypatch):
    import smallcaps.dates

    cache = skipcache.Cache(tmp_path)
    assert skipcache.normalize_date("2024-1-5", "--asof", cache) == "2024-01-05"
    assert skipcache.normalize_date("", "--asof", cache) is None
    monkeypatch.setattr(smallcaps.dates, "parse_date", lambda *a, **k: 1 / 0)
    assert skipcache.normalize_date("2024-1-5", "--asof", cache) == "2024-01-05"  # remembered


def test_default_asof_on_real_data(shared_market, tmp_path):
    """RUT.csv's last row (2026-02-23) is a provisional snapshot (Volume 0): the as-of is the
    last complete bar, 2026-02-20 (the runner used 2026-02-23 before the one as-of rule)."""
    cache = skipcache.Cache(tmp_path)
    _, when = skipcache.data_state("csv", str(shared_market), None, cache, "lib", print)
    assert when["date"] == "2026-02-20"
    _, weekend = skipcache.data_state("csv", str(shared_market), "2026-02-22", cache, "lib",
                                      print)
    assert (weekend["date"], weekend["requested"]) == ("2026-02-20", "2026-02-22")


# ----------------------------------------------------------------------------- atomic writes


def test_atomic_write_interrupted_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    files.atomic_write(target, "old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(target, "new" * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def _executed_copy(task, output):
    """Stand-in for papermill: the fixture notebook 'executed' with one record output."""
    nb = nbformat.read(task["notebook"], as_version=4)
    nb.cells[3].outputs = [new_output("display_data", data={
        page.RECORD_MIMETYPE: {"name": "answer", "value": 42}, "text/plain": "recorded"})]
    nbformat.write(nb, str(output))
    return None


def _task(tmp_path, **over):
    t = {"notebook": str(OK_NB), "cwd": str(FIXTURES), "project": str(tmp_path),
         "name": "01_fixture_ok", "title": "Fixture", "out_dir": str(tmp_path),
         "asof": "2024-01-31", "asof_requested": None,
         "inject": {"asof": "2024-01-31", "source": "sample", "data_dir": ""},
         "effective": {"asof": "2024-01-31"}, "show_code": False, "key": "k1",
         "inputs": {}, "git_commit": "abc", "reason": "new"}
    t.update(over)
    return t


def test_render_task_writes_three_files(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "_execute", _executed_copy)
    doc = execute.render_task(_task(tmp_path, asof_requested="2024-02-03"))
    assert doc["status"] == "ok" and doc["figures"] == {"answer": 42}
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["01_fixture_ok.html", "01_fixture_ok.ipynb", "01_fixture_ok.json"]
    written = json.loads((tmp_path / "01_fixture_ok.json").read_text())
    assert (written["key"], written["asof"], written["asof_requested"]) == (
        "k1", "2024-01-31", "2024-02-03")
    assert "As of <b>2024-01-31</b> (requested 2024-02-03)" in (
        tmp_path / "01_fixture_ok.html").read_text()


def test_kernel_gets_the_project_folder_and_the_environment_is_restored(tmp_path, monkeypatch):
    import papermill as pm

    seen = {}

    def fake_execute(src, out, **kw):
        seen["project"], seen["cwd"] = os.environ.get("SMALLCAPS_PROJECT"), kw["cwd"]
        _executed_copy({"notebook": src}, out)

    monkeypatch.setattr(pm, "execute_notebook", fake_execute)
    monkeypatch.delenv("SMALLCAPS_PROJECT", raising=False)
    execute.render_task(_task(tmp_path, project="/somewhere/kit", cwd="/somewhere/kit"))
    assert seen == {"project": "/somewhere/kit", "cwd": "/somewhere/kit"}
    assert "SMALLCAPS_PROJECT" not in os.environ


@pytest.mark.parametrize("where", ["html", "replace"])
def test_interrupted_render_leaves_no_partial_files(tmp_path, monkeypatch, where):
    """Ctrl-C while rendering: nothing at the final names, old files intact, no temp files."""
    monkeypatch.setattr(execute, "_execute", _executed_copy)
    old = {ext: f"old {ext}" for ext in ("html", "ipynb", "json")}
    for ext, text in old.items():
        (tmp_path / f"01_fixture_ok.{ext}").write_text(text)
    if where == "html":
        def interrupted(*a, **k):
            raise KeyboardInterrupt
        monkeypatch.setattr(html, "notebook_page", interrupted)
    else:
        real = os.replace
        calls = []

        def interrupted(src, dst):  # the first rename happens, then Ctrl-C
            calls.append(dst)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real(src, dst)
        monkeypatch.setattr(execute.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        execute.render_task(_task(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["01_fixture_ok.html", "01_fixture_ok.ipynb", "01_fixture_ok.json"]
    # the JSON (the completion marker) is still the old one: the next run renders again
    assert (tmp_path / "01_fixture_ok.json").read_text() == "old json"
    assert (tmp_path / "01_fixture_ok.html").read_text() == "old html"


# ----------------------------------------------------------------------------- skip logic


def _fake_render(task):
    """Fast stand-in for a worker: writes the three files and logs the render."""
    folder = Path(task["out_dir"])
    with open(folder.parent / "renders.log", "a") as fh:
        fh.write(json.dumps({"name": task["name"], "asof": task["inject"]["asof"],
                             "cwd": task["cwd"], "project": task["project"]}) + "\n")
    doc = {"notebook": task["name"], "title": task["title"], "status": "ok",
           "asof": task["asof"], "asof_requested": task["asof_requested"],
           "parameters": task["effective"], "injected": task["inject"],
           "provenance": {}, "synthetic": False, "figures": {"n": 1}, "duration_s": 0.1,
           "generated_at": "now", "error": None, "inputs": task["inputs"], "key": task["key"],
           "files": {e: f"{task['name']}.{e}" for e in ("html", "ipynb", "json")}}
    for ext in ("html", "ipynb"):
        files.atomic_write(folder / f"{task['name']}.{ext}", ext)
    files.atomic_write(folder / f"{task['name']}.json", json.dumps(doc))
    return doc




def _renders(out: Path) -> list[dict]:
    log = out / "renders.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_incremental_skip(tmp_path, monkeypatch):
    fake_workers(monkeypatch, _fake_render)
    monkeypatch.setattr(skipcache, "lib_hash", lambda: "fixed-lib")
    out = tmp_path / "out"
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    a = nbdir / "01_fixture_ok.ipynb"
    b = nbdir / "02_fixture_fails.ipynb"
    shutil.copy(OK_NB, a)
    shutil.copy(FAIL_NB, b)
    data = tmp_path / "csv"
    _write_csvs(data)
    kw = {"notebooks": [str(a), str(b)], "asof": "2024-01-05", "source": "csv",
          "data_dir": data, "out": out, "jobs": 2, "progress": False}
    folder = out / "2024-01-03"  # 2024-01-05 snaps to the last common close

    def rendered(**more):
        (out / "renders.log").unlink(missing_ok=True)
        res = run(**{**kw, **more})
        assert res.ok and res.asof == "2024-01-03"
        names = sorted(r["name"] for r in _renders(out))
        return names, {r.name: r.status for r in res.results}

    assert rendered()[0] == ["01_fixture_ok", "02_fixture_fails"]
    before = (folder / "run.json").stat().st_mtime_ns
    names, status = rendered()
    assert names == [] and set(status.values()) == {"skipped"}
    assert (folder / "run.json").stat().st_mtime_ns == before  # nothing rendered, nothing written
    # notebook edited
    nb = nbformat.read(a, as_version=4)
    nb.cells.append(new_markdown_cell("One more sentence."))
    nbformat.write(nb, a)
    assert rendered()[0] == ["01_fixture_ok"]
    # parameters: only the notebook that declares it; same value again: up to date
    assert rendered(parameters={"divisor": "3"})[0] == ["02_fixture_fails"]
    assert rendered(parameters={"divisor": "3"})[0] == []
    assert rendered()[0] == ["02_fixture_fails"]
    # another request for the same as-of: the pages say which date was asked for
    assert rendered(asof="2024-01-06")[0] == ["01_fixture_ok", "02_fixture_fails"]
    assert rendered(asof="2024-01-06")[0] == []
    # data changed
    _write_csvs(data, last_close=99.5)
    assert rendered()[0] == ["01_fixture_ok", "02_fixture_fails"]
    # forced, --show-code, another start
    assert rendered(force=True)[0] == ["01_fixture_ok", "02_fixture_fails"]
    assert rendered(show_code=True)[0] == ["01_fixture_ok", "02_fixture_fails"]
    assert rendered(show_code=True)[0] == []
    assert rendered(start="2023-01-01", show_code=True)[0] == [
        "01_fixture_ok", "02_fixture_fails"]
    # library changed
    monkeypatch.setattr(skipcache, "lib_hash", lambda: "other-lib")
    assert rendered(start="2023-01-01", show_code=True)[0] == [
        "01_fixture_ok", "02_fixture_fails"]
    # a failed render is never "up to date"
    doc = json.loads((folder / "01_fixture_ok.json").read_text())
    doc["status"] = "failed"
    (folder / "01_fixture_ok.json").write_text(json.dumps(doc))
    assert rendered(start="2023-01-01", show_code=True)[0] == ["01_fixture_ok"]
    run_doc = json.loads((folder / "run.json").read_text())
    assert [n["notebook"] for n in run_doc["notebooks"]] == ["01_fixture_ok", "02_fixture_fails"]
    assert (run_doc["asof"], run_doc["asof_requested"]) == ("2024-01-03", "2024-01-05")


def test_one_as_of_for_every_notebook_of_a_run(tmp_path, monkeypatch):
    """A provisional last bar (Volume 0 on the last row only) is not the as-of: every notebook
    gets the last complete bar, the folder is named after it, the index says what was asked."""
    fake_workers(monkeypatch, _fake_render)
    data = tmp_path / "csv"
    data.mkdir()
    rows = "2024-01-02,1,1,1,100,100,10\n2024-01-03,1,1,1,101,101,10\n"
    header = "Date,Open,High,Low,Close,Adj Close,Volume\n"
    (data / "RUT.csv").write_text(header + rows + "2024-01-04,1,1,1,99,99,0\n")
    (data / "GSPC.csv").write_text(header + rows + "2024-01-04,1,1,1,4720,4720,10\n")
    out = tmp_path / "out"
    res = run([str(OK_NB), str(FAIL_NB)], source="csv", data_dir=data, out=out, jobs=2,
              progress=False)
    assert res.asof == "2024-01-03" and res.asof_requested is None
    assert [(r["name"], r["asof"]) for r in sorted(_renders(out), key=lambda r: r["name"])] == [
        ("01_fixture_ok", "2024-01-03"), ("02_fixture_fails", "2024-01-03")]
    assert sorted(p.name for p in out.iterdir()) == [
        ".smallcaps-cache.json", "2024-01-03", "index.html", "renders.log"]
    res = run([str(OK_NB)], asof="2024-01-07", source="csv", data_dir=data, out=out,
              progress=False)
    assert "1 notebook as of 2024-01-03 (requested 2024-01-07): 1 rendered" in res.summary()
    index = (out / "2024-01-03" / "index.html").read_text()
    assert "as of <b>2024-01-03</b> (requested 2024-01-07)" in index
    assert "requested 2024-01-07" in (out / "index.html").read_text()


def test_packaged_notebooks_run_in_the_project_folder(tmp_path, monkeypatch):
    """The notebooks shipped inside the package never run in the install folder."""
    fake_workers(monkeypatch, _fake_render)
    shipped = tmp_path / "site-packages" / "smallcaps" / "notebooks"
    shipped.mkdir(parents=True)
    shutil.copy(OK_NB, shipped / "01_fixture_ok.ipynb")
    monkeypatch.setattr(project, "packaged_notebooks_dir", lambda: shipped)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("SMALLCAPS_PROJECT", raising=False)
    res = run(["fixture_ok"], asof="2024-01-31", source="sample", progress=False)
    assert res.out == work / "reports" and res.results[0].html.is_file()
    (log,) = _renders(work / "reports")
    assert log["cwd"] == log["project"] == str(work.resolve())


# ----------------------------------------------------------------------------- errors, records


def _nb_with_error():
    nb = new_notebook()
    p = new_code_cell("asof = ''")
    p.metadata.tags = ["parameters"]
    inj = new_code_cell("asof = '2024-01-31'")
    inj.metadata.tags = ["injected-parameters"]
    ok = new_code_cell("page.record('a', 1)", execution_count=3)
    ok.outputs = [new_output("display_data", data={
        page.RECORD_MIMETYPE: {"name": "a", "value": 1}, "text/plain": "recorded a"})]
    bad = new_code_cell("1 / 0", execution_count=4)
    bad.outputs = [new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                              traceback=["\x1b[31m----\x1b[0m", "Cell In[4], line 1",
                                         "\x1b[31mZeroDivisionError\x1b[0m: division by zero"])]
    nb.cells = [new_markdown_cell("# T"), p, inj, ok, new_markdown_cell("x"), bad]
    return nb


def test_find_error_counts_cells_as_written():
    err = executed.find_error(_nb_with_error())
    assert err["cell"] == 5  # md, parameters, record cell, md, failing cell (injected not counted)
    assert err["exec_count"] == 4
    assert err["last_line"] == "ZeroDivisionError: division by zero"
    assert "\x1b" not in err["traceback"]
    assert err["source"] == "1 / 0"
    assert executed.find_error(new_notebook()) is None


def test_summary_names_failed_notebook_cell_and_error(tmp_path):
    ok = NotebookResult("01_a", "ok", tmp_path / "a.html", tmp_path / "a.ipynb",
                        tmp_path / "a.json", duration=2.0)
    bad = NotebookResult(
        "02_b", "failed", tmp_path / "b.html", tmp_path / "b.ipynb", tmp_path / "b.json",
        error={"cell": 7, "exec_count": 5, "last_line": "KeyError: 'RUT'"})
    report = ReportRun("2024-01-31", tmp_path, [ok, bad], 3.0)
    assert not report.ok and report.failed == [bad]
    text = report.summary()
    assert "2 notebooks as of 2024-01-31: 1 rendered, 1 FAILED" in text
    assert "FAILED 02_b: cell 7 (In [5]): KeyError: 'RUT'" in text
    assert report["b"] is bad
    assert report.to_frame().loc["02_b", "status"] == "failed"
    snapped = ReportRun("2024-01-31", tmp_path, [ok], 1.0, asof_requested="2024-02-03")
    assert snapped.summary().startswith("1 notebook as of 2024-01-31 (requested 2024-02-03): ")


# ----------------------------------------------------------------------------- HTML


def _doc(**over):
    doc = {"notebook": "01_t", "title": "T <title>", "status": "ok", "asof": "2024-01-31",
           "asof_requested": None,
           "parameters": {"asof": "2024-01-31", "label": "<script>alert(1)</script>"},
           "injected": {"asof": "2024-01-31"},
           "provenance": {"RUT": {"name": "Russell <2000>", "source": "sample", "symbol": "^RUT",
                                  "first": "2000-01-03", "last": "2024-01-31", "rows": 6000,
                                  "synthetic": True}},
           "synthetic": True, "figures": {"x": 1.23456, "note": "a <b>bold</b> claim"},
           "duration_s": 1.0, "generated_at": "2024-02-01 10:00:00 UTC", "error": None,
           "files": {"html": "01_t.html", "ipynb": "01_t.ipynb", "json": "01_t.json"},
           "version": "0.1.0", "git_commit": "abc", "kernel": "smallcaps"}
    doc.update(over)
    return doc


def test_page_hides_code_escapes_text_and_shows_synthetic_banner():
    nb = _nb_with_error()
    nb.cells = nb.cells[:4]
    nb.cells[3].source = "SECRET_CODE_MARKER = 1"
    page_html = html.notebook_page(nb, _doc())
    assert "SECRET_CODE_MARKER" not in page_html
    assert 'class="jp-InputArea-editor' not in page_html
    assert "highlight hl-ipython3" not in page_html
    assert "SYNTHETIC DATA: NOT MARKET DATA" in page_html and 'class="sc-synthetic"' in page_html
    assert "RUT came from the built-in synthetic sample" in page_html
    assert "<script>alert(1)</script>" not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "Russell &lt;2000&gt;" in page_html and "T &lt;title&gt;" in page_html
    assert '<td class="num">6,000</td>' in page_html
    assert "recorded a" not in page_html  # record outputs are for the JSON, not the page
    assert "<script" not in page_html  # no require.js / MathJax / mermaid
    assert "cdnjs" not in page_html and "mathjax" not in page_html.lower()
    assert ".sc-synthetic {" in page_html  # the CSS, inlined from the template
    assert "As of <b>2024-01-31</b> &middot;" in page_html or "As of <b>2024-01-31</b> ·" in \
        page_html  # not snapped: no "(requested ...)"
    code = html.notebook_page(nb, _doc(), show_code=True)
    assert "SECRET_CODE_MARKER" in code


def test_page_says_both_dates_when_the_request_was_snapped():
    page_html = html.notebook_page(new_notebook(), _doc(asof_requested="2024-02-03"))
    assert "As of <b>2024-01-31</b> (requested 2024-02-03)" in page_html
    hostile = html.notebook_page(new_notebook(), _doc(asof_requested="<i>x</i>"))
    assert "(requested &lt;i&gt;x&lt;/i&gt;)" in hostile


def test_page_without_synthetic_data_has_no_banner():
    doc = _doc(synthetic=False, provenance={"RUT": {"source": "csv", "synthetic": False}})
    page_html = html.notebook_page(new_notebook(), doc)
    assert 'class="sc-synthetic"' not in page_html and ' sc-synthetic-chart"' not in page_html
    assert "<td>CSV file</td>" in page_html and "<td>None</td>" not in page_html


def test_header_marks_provisional_and_stale_series():
    prov = {"RUT": {"source": "csv", "last": "2026-02-23", "provisional_last_row": True},
            "SPX": {"source": "csv", "last": "2026-02-23"},
            "IWM": {"source": "csv", "last": "2025-09-26", "stale": True}}
    page_html = html.notebook_page(new_notebook(), _doc(synthetic=False, provenance=prov))
    assert page_html.count(">provisional</span>") == 1
    assert page_html.index("2026-02-23") < page_html.index(">provisional</span>")
    assert page_html.count(">stale</span>") == 1
    assert page_html.index("2025-09-26") < page_html.index(">stale</span>")


def test_failed_page_has_error_on_top():
    nb = _nb_with_error()
    err = executed.find_error(nb)
    page_html = html.notebook_page(nb, _doc(status="failed", error=err), error=err)
    top = page_html.index('class="sc-error"')
    assert top < page_html.index('class="sc-title"') < page_html.index('class="jp-Cell ')
    assert "failed at cell 5 (In [4])" in page_html
    assert "ZeroDivisionError: division by zero" in page_html[top:top + 2000]
    assert "1 / 0" in page_html[top:top + 3000]  # the failing cell's code, though code is hidden
    assert 'href="#papermill-error-cell"' in page_html
    assert ">FAILED</span>" in page_html


def test_index_pages_escape_and_link():
    run_doc = {"asof": "2024-01-31", "source": "sample", "generated_at": "now", "version": "0",
               "synthetic": True, "notebooks": [
                   {**_doc(), "this_run": "ok"},
                   {**_doc(notebook="02_u", status="failed", figures={},
                           files={"html": "02_u.html"},
                           error={"cell": 3, "last_line": "ValueError: <bad>"})}]}
    page_html = html.run_index_page(run_doc)
    assert 'href="01_t.html"' in page_html and 'href="02_u.html"' in page_html
    assert "Note: <b>a &lt;b&gt;bold&lt;/b&gt; claim</b>" in page_html
    assert "<b>bold</b>" not in page_html
    assert "cell 3: ValueError: &lt;bad&gt;" in page_html and "X: <b>1.23</b>" in page_html
    assert "2 notebooks, " in page_html and ">1 failed</span>" in page_html
    assert "(requested" not in page_html
    top = html.top_index_page([{**run_doc, "folder": "2024-01-31"},
                               {**run_doc, "folder": "2023-12-29", "notebooks": []}])
    assert top.index("2024-01-31") < top.index("2023-12-29")
    assert 'href="2024-01-31/index.html"' in top and "1 of 2 failed" in top
    assert 'href="2024-01-31/01_t.html">01</a>' in top
    assert "2 runs, the latest as of" in top


def test_key_figures_for_the_indexes():
    figures = {"asof": "2024-01-31", "method": {"n_boot": 2000}, "yield_last": 4.68,
               "table": {"RUT": {"2024-01": 1.0}}, "latest": {"z": 1.5, "date": "2024-01-30"},
               "leaders": ["RUT", "IWM"], "events": [{"z": 3}], "missing": None, "ok": True}
    assert html.scalar_figures(figures, 10) == [
        ("yield_last", 4.68), ("latest.z", 1.5), ("latest.date", "2024-01-30"),
        ("leaders", "RUT, IWM"), ("ok", True)]
    assert html.scalar_figures(figures, 2) == [("yield_last", 4.68), ("latest.z", 1.5)]
    assert [html.fmt_value(v) for v in (1234.5, 12.345, 0.1234, 0.00123, -19, True)] == [
        "1,234", "12.3", "0.12", "0.0012", "-19", "yes"]


def test_pinned_kernel_is_this_environment():
    exe = execute.check_kernel()
    assert os.path.abspath(exe).startswith(os.path.abspath(sys.prefix))
    with pytest.raises(SmallcapsError, match="'no-such-kernel' is not installed; run `make setup`"):
        execute.check_kernel("no-such-kernel")


def test_relative_data_dir_reaches_the_kernel_absolute(tmp_path, monkeypatch):
    """Kernels run in the notebook's folder: a relative --data-dir must be made absolute."""
    fake_workers(monkeypatch, _fake_render)
    _write_csvs(tmp_path / "csv")
    monkeypatch.chdir(tmp_path)
    res = run([str(OK_NB)], asof="2024-01-05", source="csv", data_dir="csv", out="out",
              progress=False)
    doc = json.loads(res.results[0].json.read_text())
    assert doc["injected"] == {"asof": "2024-01-03", "source": "csv",
                               "data_dir": str(tmp_path / "csv")}
    assert res.results[0].json == Path("out") / "2024-01-03" / "01_fixture_ok.json"


def test_unwritable_out_is_a_user_error(tmp_path, monkeypatch):
    fake_workers(monkeypatch, _fake_render)
    (tmp_path / "file").write_text("")
    with pytest.raises(SmallcapsError, match="cannot write there"):
        run([str(OK_NB)], asof="2024-01-31", out=tmp_path / "file" / "sub", progress=False)


def _render_or_break(task):
    if task["name"] == "02_fixture_fails":
        raise ValueError("template exploded")
    return _fake_render(task)


def test_a_runner_error_fails_one_notebook_not_the_batch(tmp_path, monkeypatch):
    fake_workers(monkeypatch, _render_or_break)
    res = run([str(OK_NB), str(FAIL_NB)], asof="2024-01-31", source="sample", out=tmp_path,
              jobs=2, progress=False)
    assert [r.status for r in res.results] == ["ok", "failed"]
    assert "FAILED 02_fixture_fails: report runner error: ValueError: template " \
           "exploded" in res.summary()
    run_doc = json.loads((tmp_path / "2024-01-31" / "run.json").read_text())
    assert run_doc["counts"] == {"ok": 1, "skipped": 0, "failed": 1} and not run_doc["ok"]
    assert [(n["notebook"], n["status"]) for n in run_doc["notebooks"]] == [
        ("01_fixture_ok", "ok"), ("02_fixture_fails", "failed")]
    index = (tmp_path / "2024-01-31" / "index.html").read_text()
    assert ">report runner error: ValueError: template exploded<" in index
