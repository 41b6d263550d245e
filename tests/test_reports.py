"""Report runner, without kernels: parameters, names, fingerprints, skip logic, atomic writes,
error extraction, HTML header / banner / escaping and the index pages."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from smallcaps import _report_files, _report_html, reports
from smallcaps.data import fingerprint
from smallcaps.errors import SmallcapsError

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK_NB = FIXTURES / "01_fixture_ok.ipynb"
FAIL_NB = FIXTURES / "02_fixture_fails.ipynb"


def _param(default: str, type_name: str = "None") -> dict:
    return {"inferred_type_name": type_name, "default": default, "help": ""}


# ----------------------------------------------------------------------------- jsonable / record


def test_jsonable_converts_numpy_pandas_and_nan():
    value = {"f": np.float64(1.5), "i": np.int32(3), "b": np.bool_(True), "nan": float("nan"),
             "inf": np.inf, "ts": pd.Timestamp("2024-03-28"),
             "tstime": pd.Timestamp("2024-03-28 15:30"),
             "nat": pd.NaT, "arr": np.array([1, 2]), "tuple": (1, "a"), 7: "int key"}
    assert reports.jsonable(value) == {
        "f": 1.5, "i": 3, "b": True, "nan": None, "inf": None, "ts": "2024-03-28",
        "tstime": "2024-03-28T15:30:00", "nat": None, "arr": [1, 2], "tuple": [1, "a"],
        "7": "int key"}


def test_jsonable_refuses_frames():
    with pytest.raises(TypeError, match="cannot record a value of type DataFrame"):
        reports.jsonable(pd.DataFrame({"a": [1]}))


def test_reports_import_is_light():
    """An up-to-date run must not pay for pandas / papermill: importing reports loads neither."""
    import subprocess
    import sys

    code = ("import sys, smallcaps.reports, smallcaps._report_files; "
            "print(sorted(m for m in ('pandas', 'numpy', 'papermill', 'nbconvert', 'nbformat') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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
    got = reports.coerce_parameter("p", raw, param, "nb")
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
        reports.coerce_parameter("window", raw, param, "03_seasonality")
    msg = str(err.value)
    assert "window" in msg and "03_seasonality" in msg and words in msg
    assert "\n" not in msg


def test_coerce_parameter_python_values():
    assert reports.coerce_parameter("w", 5, _param("20", "int"), "nb") == 5
    assert reports.coerce_parameter("a", 1, _param("0.5", "float"), "nb") == 1.0
    assert reports.coerce_parameter("k", ("A", "B"), _param("[]", "list"), "nb") == ["A", "B"]
    with pytest.raises(SmallcapsError):
        reports.coerce_parameter("w", True, _param("20", "int"), "nb")
    with pytest.raises(SmallcapsError):
        reports.coerce_parameter("w", 2.5, _param("20", "int"), "nb")
    with pytest.raises(SmallcapsError):
        reports.coerce_parameter("k", "RUT", _param("[]", "list"), "nb") and \
            reports.coerce_parameter("k", 3, _param("[]", "list"), "nb")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_coerce_int_round_trips(n):
    assert reports.coerce_parameter("n", str(n), _param("1", "int"), "nb") == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_coerce_float_round_trips(x):
    assert reports.coerce_parameter("x", repr(x), _param("0.5", "float"), "nb") == x


def _specs(*paths, cache=None):
    cache = cache or reports._Cache(Path("/nonexistent-out"))
    return [reports._inspect(Path(p), cache) for p in paths]


def test_inspect_reads_the_parameters_cell_with_papermill():
    (spec,) = _specs(OK_NB)
    assert spec["name"] == "01_fixture_ok"
    assert spec["title"] == "Fixture: records and a chart"
    assert list(spec["params"])[:4] == ["asof", "start", "source", "data_dir"]
    assert spec["params"]["window"]["inferred_type_name"] == "int"
    assert spec["params"]["window"]["default"] == "20"


def test_check_parameters_routes_names_and_refuses_unknown_ones():
    specs = _specs(OK_NB, FAIL_NB)
    got = reports._check_parameters(specs, {"window": "5", "divisor": "2"})
    assert got == {"01_fixture_ok": {"window": 5}, "02_fixture_fails": {"divisor": 2}}
    with pytest.raises(SmallcapsError) as err:
        reports._check_parameters(specs, {"windw": "5"})
    msg = str(err.value)
    assert "unknown parameter 'windw'" in msg
    for name in ("window", "alpha", "keys", "label", "flag", "divisor"):
        assert name in msg
    with pytest.raises(SmallcapsError, match="expected an integer"):
        reports._check_parameters(specs, {"window": "five"})
    with pytest.raises(SmallcapsError, match="with --asof, not with -p asof"):
        reports._check_parameters(specs, {"asof": "2020-01-01"})


def test_notebook_without_standard_parameters_is_refused():
    specs = _specs(FIXTURES / "04_fixture_noparams.ipynb")
    with pytest.raises(SmallcapsError, match="has no parameters cell"):
        reports._check_parameters(specs, {})


def test_comment_with_equals_sign_is_still_read(tmp_path):
    """papermill skips 'x = 1  # a = b'; the runner masks the comment and reads it anyway."""
    nb = nbformat.read(OK_NB, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace(
        "# trading days", "# trading days, 20 = one month")
    path = tmp_path / "01_eq.ipynb"
    nbformat.write(nb, path)
    (spec,) = _specs(path)
    assert spec["params"]["window"]["default"] == "20"
    assert reports._check_parameters([spec], {"window": "21"}) == {"01_eq": {"window": 21}}


def test_run_refuses_bad_input_before_running(tmp_path):
    for kwargs, match in [
        ({"asof": "2024-13-01"}, "--asof '2024-13-01' is not a date"),
        ({"asof": "yesterday"}, "expected YYYY-MM-DD"),
        ({"asof": "2020-01-01", "start": "2021-01-01"}, "--start 2021-01-01 is not before"),
        ({"source": "bloomberg"}, "unknown source 'bloomberg'"),
        ({"jobs": 0}, "--jobs 0"),
        ({"data_dir": tmp_path / "nope"}, "no such folder"),
        ({"notebooks": ["no_such_topic"]}, "'no_such_topic' is not a notebook"),
        ({"notebooks": [str(OK_NB)], "parameters": {"window": "x"}}, "expected an integer"),
    ]:
        kwargs.setdefault("asof", "2024-01-31")
        with pytest.raises(SmallcapsError, match=match):
            reports.run(out=tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out" / "2024-01-31").exists()


def test_resolve_notebooks_accepts_short_names(tmp_path):
    for name in ("01_alpha", "02_beta_gamma"):
        shutil.copy(OK_NB, tmp_path / f"{name}.ipynb")
    (tmp_path / "scratch.ipynb").write_text("{}")
    folder = str(tmp_path)
    allnb = reports.resolve_notebooks(None, folder)
    assert [p.stem for p in allnb] == ["01_alpha", "02_beta_gamma"]
    for name in ("beta_gamma", "02_beta_gamma", "02_beta_gamma.ipynb", "02"):
        assert reports.resolve_notebooks([name], folder)[0].stem == "02_beta_gamma"
    with pytest.raises(SmallcapsError, match="valid: 01_alpha, 02_beta_gamma"):
        reports.resolve_notebooks(["delta"], folder)
    assert reports.resolve_notebooks([str(OK_NB)], folder) == [OK_NB.resolve()]


# ----------------------------------------------------------------------------- fingerprint


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


def test_default_asof_is_memoised_until_the_data_changes(tmp_path, monkeypatch):
    d = tmp_path / "csv"
    _write_csvs(d)
    cache = reports._Cache(tmp_path / "out")
    fp, asof = reports._data_state("csv", str(d), None, cache, "lib", print)
    assert asof == "2024-01-03"  # last date on which RUT and SPX both have a close

    import smallcaps.data

    def boom(*a, **k):
        raise AssertionError("latest_date must not be called while the files are unchanged")

    monkeypatch.setattr(smallcaps.data, "latest_date", boom)
    assert reports._data_state("csv", str(d), None, cache, "lib", print) == (fp, asof)
    monkeypatch.undo()
    (d / "RUT.csv").write_text("Date,Close\n2024-01-02,100\n2024-01-03,101\n2024-01-04,99\n")
    fp2, asof2 = reports._data_state("csv", str(d), None, cache, "lib", print)
    assert (fp2 != fp, asof2) == (True, "2024-01-04")


def test_default_asof_on_real_data(shared_market, tmp_path):
    cache = reports._Cache(tmp_path)
    _, asof = reports._data_state("csv", str(shared_market), None, cache, "lib", print)
    assert asof == "2026-02-23"  # RUT.csv ends there; GSPC.csv runs on to 2026-07-13


# ----------------------------------------------------------------------------- atomic writes


def test_atomic_write_interrupted_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    _report_files.atomic_write(target, "old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _report_files.atomic_write(target, "new" * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def _executed_copy(task, output):
    """Stand-in for papermill: the fixture notebook 'executed' with one record output."""
    nb = nbformat.read(task["notebook"], as_version=4)
    nb.cells[3].outputs = [new_output("display_data", data={
        reports.RECORD_MIMETYPE: {"name": "answer", "value": 42}, "text/plain": "recorded"})]
    nbformat.write(nb, str(output))
    return None


def _task(tmp_path, **over):
    t = {"notebook": str(OK_NB), "cwd": str(FIXTURES), "name": "01_fixture_ok",
         "title": "Fixture", "out_dir": str(tmp_path), "asof": "2024-01-31",
         "inject": {"asof": "2024-01-31", "source": "sample", "data_dir": ""},
         "effective": {"asof": "2024-01-31"}, "show_code": False, "key": "k1",
         "inputs": {}, "git_commit": "abc", "reason": "new"}
    t.update(over)
    return t


def test_render_task_writes_three_files(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_execute", _executed_copy)
    doc = reports._render_task(_task(tmp_path))
    assert doc["status"] == "ok" and doc["figures"] == {"answer": 42}
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["01_fixture_ok.html", "01_fixture_ok.ipynb", "01_fixture_ok.json"]
    assert json.loads((tmp_path / "01_fixture_ok.json").read_text())["key"] == "k1"


@pytest.mark.parametrize("where", ["html", "replace"])
def test_interrupted_render_leaves_no_partial_files(tmp_path, monkeypatch, where):
    """Ctrl-C while rendering: nothing at the final names, old files intact, no temp files."""
    monkeypatch.setattr(reports, "_execute", _executed_copy)
    old = {ext: f"old {ext}" for ext in ("html", "ipynb", "json")}
    for ext, text in old.items():
        (tmp_path / f"01_fixture_ok.{ext}").write_text(text)
    if where == "html":
        def interrupted(*a, **k):
            raise KeyboardInterrupt
        monkeypatch.setattr(_report_html, "notebook_page", interrupted)
    else:
        real = os.replace
        calls = []

        def interrupted(src, dst):  # the first rename happens, then Ctrl-C
            calls.append(dst)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real(src, dst)
        monkeypatch.setattr(reports._os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reports._render_task(_task(tmp_path))
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
        fh.write(task["name"] + "\n")
    doc = {"notebook": task["name"], "title": task["title"], "status": "ok",
           "asof": task["asof"], "parameters": task["effective"], "injected": task["inject"],
           "provenance": {}, "synthetic": False, "figures": {"n": 1}, "duration_s": 0.1,
           "generated_at": "now", "error": None, "inputs": task["inputs"], "key": task["key"],
           "files": {e: f"{task['name']}.{e}" for e in ("html", "ipynb", "json")}}
    for ext in ("html", "ipynb"):
        _report_files.atomic_write(folder / f"{task['name']}.{ext}", ext)
    _report_files.atomic_write(folder / f"{task['name']}.json", json.dumps(doc))
    return doc


def test_incremental_skip(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_render_task", _fake_render)
    monkeypatch.setattr(reports, "_lib_hash", lambda: "fixed-lib")
    out = tmp_path / "out"
    log = out / "renders.log"
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    a = nbdir / "01_fixture_ok.ipynb"
    b = nbdir / "02_fixture_fails.ipynb"
    shutil.copy(OK_NB, a)
    shutil.copy(FAIL_NB, b)
    data = tmp_path / "csv"
    _write_csvs(data)
    kw = {"notebooks": [str(a), str(b)], "asof": "2024-01-31", "source": "csv",
          "data_dir": data, "out": out, "jobs": 2, "progress": False}

    def rendered(**more):
        log.unlink(missing_ok=True)
        res = reports.run(**{**kw, **more})
        assert res.ok
        names = sorted(log.read_text().split()) if log.exists() else []
        return names, {r.name: r.status for r in res.results}

    assert rendered()[0] == ["01_fixture_ok", "02_fixture_fails"]
    names, status = rendered()
    assert names == [] and set(status.values()) == {"skipped"}
    # notebook edited
    nb = nbformat.read(a, as_version=4)
    nb.cells.append(new_markdown_cell("One more sentence."))
    nbformat.write(nb, a)
    assert rendered()[0] == ["01_fixture_ok"]
    # parameters: only the notebook that declares it; same value again: up to date
    assert rendered(parameters={"divisor": "3"})[0] == ["02_fixture_fails"]
    assert rendered(parameters={"divisor": "3"})[0] == []
    assert rendered()[0] == ["02_fixture_fails"]
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
    monkeypatch.setattr(reports, "_lib_hash", lambda: "other-lib")
    assert rendered(start="2023-01-01", show_code=True)[0] == [
        "01_fixture_ok", "02_fixture_fails"]
    # a failed render is never "up to date"
    doc = json.loads((out / "2024-01-31" / "01_fixture_ok.json").read_text())
    doc["status"] = "failed"
    (out / "2024-01-31" / "01_fixture_ok.json").write_text(json.dumps(doc))
    assert rendered(start="2023-01-01", show_code=True)[0] == ["01_fixture_ok"]
    # the injected parameters the workers got
    run_doc = json.loads((out / "2024-01-31" / "run.json").read_text())
    assert [n["notebook"] for n in run_doc["notebooks"]] == ["01_fixture_ok", "02_fixture_fails"]


# ----------------------------------------------------------------------------- errors, records


def _nb_with_error():
    nb = new_notebook()
    p = new_code_cell("asof = ''")
    p.metadata.tags = ["parameters"]
    inj = new_code_cell("asof = '2024-01-31'")
    inj.metadata.tags = ["injected-parameters"]
    ok = new_code_cell("reports.record('a', 1)", execution_count=3)
    ok.outputs = [new_output("display_data", data={
        reports.RECORD_MIMETYPE: {"name": "a", "value": 1}, "text/plain": "recorded a"})]
    bad = new_code_cell("1 / 0", execution_count=4)
    bad.outputs = [new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                              traceback=["\x1b[31m----\x1b[0m", "Cell In[4], line 1",
                                         "\x1b[31mZeroDivisionError\x1b[0m: division by zero"])]
    nb.cells = [new_markdown_cell("# T"), p, inj, ok, new_markdown_cell("x"), bad]
    return nb


def test_find_error_counts_cells_as_written():
    err = reports.find_error(_nb_with_error())
    assert err["cell"] == 5  # md, parameters, record cell, md, failing cell (injected not counted)
    assert err["exec_count"] == 4
    assert err["last_line"] == "ZeroDivisionError: division by zero"
    assert "\x1b" not in err["traceback"]
    assert err["source"] == "1 / 0"
    assert reports.find_error(new_notebook()) is None


def test_collect_records():
    assert reports.collect_records(_nb_with_error()) == {"a": 1}


def test_summary_names_failed_notebook_cell_and_error(tmp_path):
    ok = reports.NotebookResult("01_a", "ok", tmp_path / "a.html", tmp_path / "a.ipynb",
                                tmp_path / "a.json", duration=2.0)
    bad = reports.NotebookResult(
        "02_b", "failed", tmp_path / "b.html", tmp_path / "b.ipynb", tmp_path / "b.json",
        error={"cell": 7, "exec_count": 5, "last_line": "KeyError: 'RUT'"})
    run = reports.ReportRun("2024-01-31", tmp_path, [ok, bad], 3.0)
    assert not run.ok and run.failed == [bad]
    text = run.summary()
    assert "2 notebooks as of 2024-01-31: 1 rendered, 1 FAILED" in text
    assert "FAILED 02_b: cell 7 (In [5]): KeyError: 'RUT'" in text
    assert run["b"] is bad
    assert run.to_frame().loc["02_b", "status"] == "failed"


# ----------------------------------------------------------------------------- HTML


def _doc(**over):
    doc = {"notebook": "01_t", "title": "T <title>", "status": "ok", "asof": "2024-01-31",
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
    page = _report_html.notebook_page(nb, _doc())
    assert "SECRET_CODE_MARKER" not in page
    assert 'class="jp-InputArea-editor' not in page and "highlight hl-ipython3" not in page
    assert "SYNTHETIC DATA: NOT MARKET DATA" in page and 'class="sc-synthetic"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Russell &lt;2000&gt;" in page and "T &lt;title&gt;" in page
    assert "recorded a" not in page  # record outputs are for the JSON, not the page
    assert "<script" not in page  # no require.js / MathJax / mermaid
    assert "cdnjs" not in page and "mathjax" not in page.lower()
    code = _report_html.notebook_page(nb, _doc(), show_code=True)
    assert "SECRET_CODE_MARKER" in code


def test_page_without_synthetic_data_has_no_banner():
    doc = _doc(synthetic=False, provenance={"RUT": {"source": "csv", "synthetic": False}})
    page = _report_html.notebook_page(new_notebook(), doc)
    assert 'class="sc-synthetic"' not in page


def test_header_marks_a_provisional_last_row():
    prov = {"RUT": {"source": "csv", "last": "2026-02-23", "provisional_last_row": True},
            "SPX": {"source": "csv", "last": "2026-02-23"}}
    page = _report_html.notebook_page(new_notebook(), _doc(synthetic=False, provenance=prov))
    assert page.count(">provisional</span>") == 1
    assert page.index("2026-02-23") < page.index(">provisional</span>")


def test_show_sources_records_provenance_skips_none_and_returns_nothing(capsys):
    frame = pd.DataFrame({"RUT": [1.0]}, index=pd.DatetimeIndex(["2024-01-02"]))
    frame.attrs["provenance"] = {"RUT": {"source": "csv", "synthetic": False}}
    assert reports.show_sources(frame, None) is None
    table = reports.sources_table(frame)
    assert list(table.index) == ["RUT"] and table.loc["RUT", "source"] == "csv"


def test_pretty_labels_units_and_orientation():
    by_col = pd.DataFrame({"mean_pct": [1.2576], "mean_rel_pct": [0.0698], "hit_rate": [0.7105],
                           "n": [38.0], "t": [2.6612], "latest_year": [2025.0]}, index=["RUT"])
    out = reports.pretty(by_col)
    assert list(out.columns) == ["mean (%)", "mean rel (pp)", "hit rate (%)", "n", "t-stat",
                                 "latest year"]
    assert out.loc["RUT"].tolist() == [1.26, 0.07, 71, 38, 2.66, 2025]
    assert str(out["n"].dtype) == "Int64" and str(out["hit rate (%)"].dtype) == "Int64"
    rows = by_col.T.astype(object)  # statistics as rows, plus a text row
    rows.loc["label"] = "x"
    by_row = reports.pretty(rows)
    assert list(by_row.index) == ["mean (%)", "mean rel (pp)", "hit rate (%)", "n", "t-stat",
                                  "latest year", "label"]
    assert by_row.loc["hit rate (%)", "RUT"] == 71 and by_row.loc["label", "RUT"] == "x"


def test_failed_page_has_error_on_top():
    nb = _nb_with_error()
    err = reports.find_error(nb)
    page = _report_html.notebook_page(nb, _doc(status="failed", error=err), error=err)
    top = page.index('class="sc-error"')
    assert top < page.index('class="sc-title"') < page.index('class="jp-Cell ')
    assert "failed at cell 5 (In [4])" in page
    assert "ZeroDivisionError: division by zero" in page[top:top + 2000]
    assert "1 / 0" in page[top:top + 3000]  # the failing cell's code, though code is hidden


def test_index_pages_escape_and_link():
    run_doc = {"asof": "2024-01-31", "source": "sample", "generated_at": "now", "version": "0",
               "synthetic": True, "notebooks": [
                   {**_doc(), "this_run": "ok"},
                   {**_doc(notebook="02_u", status="failed", figures={},
                           files={"html": "02_u.html"},
                           error={"cell": 3, "last_line": "ValueError: <bad>"})}]}
    page = _report_html.run_index_page(run_doc)
    assert 'href="01_t.html"' in page and 'href="02_u.html"' in page
    assert "a &lt;b&gt;bold&lt;/b&gt; claim" in page and "<b>bold</b>" not in page
    assert "ValueError: &lt;bad&gt;" in page and "x = <b>1.23</b>" in page
    top = _report_html.top_index_page([{**run_doc, "folder": "2024-01-31"},
                                       {**run_doc, "folder": "2023-12-29", "notebooks": []}])
    assert top.index("2024-01-31") < top.index("2023-12-29")
    assert 'href="2024-01-31/index.html"' in top and "1 of 2 failed" in top


def test_key_figures_for_the_indexes():
    figures = {"asof": "2024-01-31", "method": {"n_boot": 2000}, "yield_last": 4.68,
               "table": {"RUT": {"2024-01": 1.0}}, "latest": {"z": 1.5, "date": "2024-01-30"},
               "leaders": ["RUT", "IWM"], "events": [{"z": 3}], "missing": None, "ok": True}
    assert _report_html.scalar_figures(figures, 10) == [
        ("yield_last", 4.68), ("latest.z", 1.5), ("latest.date", "2024-01-30"),
        ("leaders", "RUT, IWM"), ("ok", True)]
    assert _report_html.scalar_figures(figures, 2) == [("yield_last", 4.68), ("latest.z", 1.5)]
    assert [_report_html.fmt_value(v) for v in (1234.5, 12.345, 0.1234, 0.00123, -19, True)] == [
        "1,234", "12.3", "0.12", "0.0012", "-19", "yes"]


def test_pinned_kernel_is_this_environment():
    import sys

    exe = reports.check_kernel()
    assert os.path.abspath(exe).startswith(os.path.abspath(sys.prefix))
    with pytest.raises(SmallcapsError, match="'no-such-kernel' is not installed; run `make setup`"):
        reports.check_kernel("no-such-kernel")


def test_relative_data_dir_reaches_the_kernel_absolute(tmp_path, monkeypatch):
    """Kernels run in the notebook's folder: a relative --data-dir must be made absolute."""
    monkeypatch.setattr(reports, "_render_task", _fake_render)
    _write_csvs(tmp_path / "csv")
    monkeypatch.chdir(tmp_path)
    res = reports.run([str(OK_NB)], asof="2024-01-31", source="csv", data_dir="csv",
                      out="out", progress=False)
    doc = json.loads(res.results[0].json.read_text())
    assert doc["injected"] == {"asof": "2024-01-31", "source": "csv",
                               "data_dir": str(tmp_path / "csv")}
    assert res.results[0].json == Path("out") / "2024-01-31" / "01_fixture_ok.json"


def test_unwritable_out_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_render_task", _fake_render)
    (tmp_path / "file").write_text("")
    with pytest.raises(SmallcapsError, match="cannot write there"):
        reports.run([str(OK_NB)], asof="2024-01-31", out=tmp_path / "file" / "sub",
                    progress=False)


def _render_or_break(task):
    if task["name"] == "02_fixture_fails":
        raise ValueError("template exploded")
    return _fake_render(task)


def test_a_runner_error_fails_one_notebook_not_the_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "_render_task", _render_or_break)
    res = reports.run([str(OK_NB), str(FAIL_NB)], asof="2024-01-31", out=tmp_path,
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
