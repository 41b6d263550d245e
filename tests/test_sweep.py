"""Sweeps (``--sweep NAME=V1,V2``: one page per combination), the one plan and one pool of a
backfill (dates x combinations in a single ``pool_map``), and the executor hook (``--executor
dask``, through a stand-in for :mod:`smallcaps.runner.cluster`)."""

from __future__ import annotations

import json
import re
import sys
import time
import types
from pathlib import Path

import pytest
import smallcaps.runner
from smallcaps import cli
from smallcaps.errors import SmallcapsError
from smallcaps.runner import batch, dashboard, execute, files, html, params, since, skipcache
from smallcaps.runner import sweep as sweeps
from smallcaps.runner.outcome import result_from

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
OK_NB = FIXTURES / "01_fixture_ok.ipynb"
FAIL_NB = FIXTURES / "02_fixture_fails.ipynb"
NB01 = ROOT / "notebooks" / "01_yields_vs_small_caps.ipynb"


def _specs(*paths):
    cache = types.SimpleNamespace(notebooks={}, dirty=False)
    return [params.inspect_notebook(p, cache) for p in paths]


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("notebook, values, name", [
    ("01_yields_vs_small_caps", {"window": 26, "min_obs": 20},
     "01_yields_vs_small_caps--window=26--min_obs=20"),
    ("01_yields_vs_small_caps", {"min_obs": 20, "window": 26},  # the order the sweeps came in
     "01_yields_vs_small_caps--min_obs=20--window=26"),
    ("02_ratio_charts", {"pairs": ["RUT/SPX", "RUT/NDX"]},
     "02_ratio_charts--pairs=RUT-SPX+RUT-NDX"),
    ("01_x", {"regime_bp": 25.0, "alpha": 0.05}, "01_x--regime_bp=25--alpha=0.05"),
    ("01_x", {"flag": True, "other": False}, "01_x--flag=true--other=false"),
    ("01_x", {"window": -3}, "01_x--window=-3"),
    ("06_trend_and_levels", {"series": ["^RUT"]}, "06_trend_and_levels--series=_RUT"),
    ("01_x", {"label": "a b/c?*"}, "01_x--label=a_b-c__"),
    ("01_x", {"label": "x--y"}, "01_x--label=x-y"),  # "--" only between the parts
    ("01_x", {"label": ""}, "01_x--label="),
    ("01_x", {}, "01_x"),
])
def test_page_names(notebook, values, name):
    assert sweeps.page_name(notebook, values) == name
    assert sweeps.source_notebook(name) == notebook


@pytest.mark.parametrize("value", [
    "../../etc/passwd", "a\\b", "<script>", 'quote"s', "tab\tnew\nline", "é ü", "%2F", "a:b|c",
    "x" * 300, ["RUT/SPX", "../x"], {"a": [1, 2]}, None, 1e-07, "~home",
])
def test_page_names_are_safe_file_names(value):
    name = sweeps.page_name("01_x", {"label": value})
    assert re.fullmatch(r"[A-Za-z0-9._+=~-]+", name), name
    assert len(name) <= len("01_x--label=") + sweeps.MAX_VALUE_CHARS
    assert name.count("--") == 1 and sweeps.source_notebook(name) == "01_x"
    assert "~" not in name or len(sweeps.value_text(value)) == sweeps.MAX_VALUE_CHARS


def test_long_values_are_shortened_with_a_digest_that_tells_them_apart():
    a, b = "x" * 100 + "a", "x" * 100 + "b"
    assert sweeps.value_text(a) != sweeps.value_text(b)
    assert sweeps.value_text(a).startswith("x" * 32 + "~")


def test_the_option_splits_at_commas_outside_brackets_and_quotes():
    assert sweeps.parse_option(["window=26,52", "keys=[RUT,SPX],[RUT,IWM]",
                                'label="a,b",c', 'pairs=["RUT/SPX","RUT/NDX"]']) == {
        "window": ["26", "52"], "keys": ["RUT,SPX", "RUT,IWM"], "label": ['"a,b"', "c"],
        "pairs": ['["RUT/SPX","RUT/NDX"]']}
    assert sweeps.combinations({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    assert sweeps.combinations({}) == [{}]


def test_plan_pages_gives_each_notebook_the_names_it_declares():
    specs = _specs(OK_NB, FAIL_NB)
    pages = sweeps.plan_pages(specs, {"label": "x"}, {"window": ["5", "8"], "keys":
                                                     ["RUT,SPX", "[IWM]"]}, {})
    ok = [(v, o) for v, o in pages["01_fixture_ok"]]
    assert [v for v, _ in ok] == [{"window": 5, "keys": ["RUT", "SPX"]},
                                  {"window": 5, "keys": ["IWM"]},
                                  {"window": 8, "keys": ["RUT", "SPX"]},
                                  {"window": 8, "keys": ["IWM"]}]
    assert all(o["label"] == "x" for _, o in ok)  # -p values with every combination
    assert pages["02_fixture_fails"] == [({}, {})]  # declares neither: its one page


@pytest.mark.parametrize("sweep, words", [
    ({"label": ["RUT/SPX", "RUT-SPX"]},
     "--sweep: label = RUT/SPX and label = RUT-SPX would both be the page "
     "01_fixture_ok--label=RUT-SPX for 01_fixture_ok"),
    ({"alpha": ["0.05", "0.050"]},
     "--sweep: alpha = 0.05 and alpha = 0.050 are the same value for 01_fixture_ok"),
    ({"window": [5, 5]}, "--sweep window: the value 5 is given twice"),
])
def test_two_combinations_with_one_name_are_refused(sweep, words):
    with pytest.raises(SmallcapsError) as err:
        sweeps.plan_pages(_specs(OK_NB), {}, sweep, {})
    assert str(err.value).startswith(words)


# ----------------------------------------------------------------------------- fake renders


def _fake_render(task):
    """A worker stand-in: the three files; a key figure that grows with the date and the
    window (so a page compared with another combination would show another change)."""
    folder = Path(task["out_dir"])
    level = int(task["asof"][-2:]) + int(task["effective"].get("window", 0))
    with open(folder.parent / "renders.log", "a") as fh:
        fh.write(json.dumps({"name": task["name"], "asof": task["asof"]}) + "\n")
    doc = {"notebook": task["name"], "title": task["title"], "status": "ok",
           "asof": task["asof"], "asof_requested": task["asof_requested"],
           "parameters": task["effective"], "injected": task["inject"], "provenance": {},
           "synthetic": False, "figures": {"level_pct": float(level),
                                              "window": task["effective"].get("window")},
           "duration_s": 0.1,
           "generated_at": str(time.time_ns()), "error": None, "inputs": task["inputs"],
           "key": task["key"], "files": {e: f"{task['name']}.{e}" for e in ("html", "ipynb",
                                                                              "json")}}
    files.atomic_write(folder / f"{task['name']}.html",
                       f"<html><body>{html.MARK_BEGIN}{html.MARK_END}</body></html>")
    files.atomic_write(folder / f"{task['name']}.ipynb", "{}")
    files.atomic_write(folder / f"{task['name']}.json", json.dumps(doc))
    return doc


def _renders(out: Path) -> list[dict]:
    log = out / "renders.log"
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []


class _CountingPool:
    """``execute.pool_map`` in this process: counts its calls, finishes backwards."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, todo, workers, on_result):
        self.calls.append([f"{t['asof']} {t['name']}" for t in todo])
        for task in reversed(todo):
            on_result(task, result_from(_fake_render(task), Path(task["out_dir"])))


def _no_kernel(*args, **kwargs):
    raise AssertionError("a kernel or a worker was started")


def test_a_backfill_of_dates_by_values_is_one_pool(tmp_path, monkeypatch, capsys):
    pool = _CountingPool()
    monkeypatch.setattr(execute, "pool_map", pool)
    monkeypatch.setattr(skipcache, "lib_hash", lambda: "fixed-lib")
    out = tmp_path / "out"
    dates = ["2024-11-01", "2024-11-08", "2024-11-15"]
    results = batch.backfill("2024-10-30..2024-11-15", "W-FRI", [str(OK_NB), str(FAIL_NB)],
                             source="sample", out=out, sweep={"window": ["5", "8"]},
                             parameters={"divisor": "2"})
    assert [r.asof for r in results] == dates
    assert len(pool.calls) == 1 and len(pool.calls[0]) == 9  # 3 dates x (2 + 1) pages
    pages = ["01_fixture_ok--window=5", "01_fixture_ok--window=8", "02_fixture_fails"]
    assert sorted(pool.calls[0]) == sorted(f"{d} {p}" for d in dates for p in pages)
    for r in results:
        assert [x.name for x in r.results] == pages
        assert [x.sweep for x in r.results] == [{"window": 5}, {"window": 8}, {}]
        for p in pages:
            doc = json.loads((out / r.asof / f"{p}.json").read_text())
            assert doc["notebook"] == p and doc["source_notebook"] == p.split("--")[0]
    # the status lines in plan order (dates, then pages), naming the date and combination
    err = capsys.readouterr().err
    lines = [ln.split()[1:3] for ln in err.splitlines() if ln.startswith("  ok ")]
    assert lines == [[d, p] for d in dates for p in pages]
    # each page compares with the same combination on the date before
    chain = [json.loads((out / d / "changes.json").read_text()) for d in dates]
    for page in pages[:2]:
        assert [c["notebooks"][page]["previous"] for c in chain] == [None] + dates[:2]
    assert sorted((c["notebook"], c["text"]) for c in chain[2]["changes"]) == [
        ("01_fixture_ok--window=5", "Level rose by 7.0 points to +20.0%"),
        ("01_fixture_ok--window=8", "Level rose by 7.0 points to +23.0%"),
        ("02_fixture_fails", "Level rose by 7.0 points to +15.0%")]
    summary = results[0].summary().splitlines()
    assert summary[0].startswith("3 pages of 2 notebooks as of 2024-11-01: 3 rendered in ")
    assert summary[1] == "  01_fixture_ok: 2 pages, sweep window=5,8"
    # the run index: the sweep is one table, its values as a column
    index = (out / "2024-11-15" / "index.html").read_text()
    assert 'id="nb-01_fixture_ok"' in index and "2 pages, swept over window" in index
    table = index[index.index('class="sc-table sc-sweep"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 3 and "<th>window</th>" in table
    assert '<a href="01_fixture_ok--window%3D5.html">5</a>' in table
    assert '<a href="01_fixture_ok--window%3D8.html">8</a>' in table
    assert "<th>Level</th>" in table and '<td class="num">+20.0%</td>' in table
    run_doc = json.loads((out / "2024-11-15" / "run.json").read_text())
    assert [(n["notebook"], n["sweep"]) for n in run_doc["notebooks"]] == [
        ("01_fixture_ok--window=5", {"window": 5}), ("01_fixture_ok--window=8", {"window": 8}),
        ("02_fixture_fails", {})]
    # the dashboard: a row per page, labelled with its values; the run links grouped
    top = (out / "index.html").read_text()
    assert top.count("window = 5") == 1 and top.count("window = 8") == 1
    assert 'href="2024-11-15/index.html#nb-01_fixture_ok">01 \u00d72</a>' in top
    # the same backfill again: nothing to render, no pool, no file rewritten
    stamps = {p: p.stat().st_mtime_ns for d in dates for p in (out / d).iterdir()}
    again = batch.backfill("2024-10-30..2024-11-15", "W-FRI", [str(OK_NB), str(FAIL_NB)],
                           source="sample", out=out, sweep={"window": ["5", "8"]},
                           parameters={"divisor": "2"}, progress=False)
    assert len(pool.calls) == 1
    assert all(x.status == "skipped" for r in again for x in r.results)
    assert stamps == {p: p.stat().st_mtime_ns for d in dates for p in (out / d).iterdir()}
    # one more value: only its pages render, compared with their own earlier dates
    batch.backfill("2024-10-30..2024-11-15", "W-FRI", [str(OK_NB)], source="sample",
                   out=out, sweep={"window": ["5", "8", "13"]}, progress=False)
    assert sorted(pool.calls[-1]) == [f"{d} 01_fixture_ok--window=13" for d in dates]
    last = json.loads((out / "2024-11-15" / "changes.json").read_text())
    assert last["notebooks"]["01_fixture_ok--window=13"]["previous"] == "2024-11-08"


def test_a_swept_page_keeps_its_topic_for_signals_and_charts(tmp_path):
    assert dashboard.topic("02_ratio_charts--pairs=RUT-SPX") == "ratio_charts"
    assert dashboard.topic("02_ratio_charts") == "ratio_charts"
    doc = {"notebook": "05_divergence_signals--sigma=2.5", "parameters": {"horizon_days": 10}}
    assert dashboard.figure_spec(doc)[0][1] == "latest 10-day spread z-score"
    assert [c["title"] for c in dashboard.HISTORY[dashboard.topic(doc["notebook"])](
        doc["parameters"])] == ["Latest 10-day spread z-score"]
    # a folder that holds only swept pages is a run --compare-to can name
    folder = tmp_path / "2024-11-01"
    folder.mkdir()
    (folder / "01_x--window=26.json").write_text("{}")
    since.check_compare_to(tmp_path, "2024-11-01", "2024-11-08")
    assert dashboard.natural_key("01_x--window=26") < dashboard.natural_key("01_x--window=104")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("argv, line", [
    (["--sweep", "window"], "--sweep window: expected NAME=V1,V2,... (e.g. --sweep "
                            "window=26,52)"),
    (["--sweep", "=5,8"], "--sweep =5,8: expected NAME=V1,V2,... (e.g. --sweep window=26,52)"),
    (["--sweep", "win dow=5"], "--sweep win dow=5: 'win dow' is not a parameter name"),
    (["--sweep", "window="], "--sweep window= has no values; give NAME=V1,V2,..."),
    (["--sweep", "window=5,,8"], "--sweep window=5,,8: an empty value between commas"),
    (["--sweep", "window=5", "--sweep", "window=8"],
     "--sweep window is given twice; give all its values in one --sweep window=V1,V2,..."),
    (["--sweep", "window=5,5"], "--sweep window: the value '5' is given twice"),
    (["--sweep", "nosuch=1,2"],
     "unknown parameter --sweep nosuch for 01_fixture_ok; valid: alpha, flag, keys, label, "
     "window"),
    (["--sweep", "window=5,twenty"],
     "--sweep window='twenty' does not fit 01_fixture_ok: expected an integer (default 20)"),
    (["--sweep", "flag=true,maybe"],
     "--sweep flag='maybe' does not fit 01_fixture_ok: expected true or false (default False)"),
    (["-p", "window", "5", "--sweep", "window=6,7"],
     "window is given both with -p and with --sweep; give it once"),
    (["--sweep", "asof=2024-01-05,2024-01-12"],
     "set asof with --asof (a range of dates: --asof START..END --every W-FRI), not with "
     "--sweep asof"),
    (["--sweep", "source=sample,csv"], "set source with --source, not with --sweep source"),
    (["--sweep", "label=RUT/SPX,RUT-SPX"],
     "--sweep: label = RUT/SPX and label = RUT-SPX would both be the page "
     "01_fixture_ok--label=RUT-SPX for 01_fixture_ok; give values that differ (in letters, "
     "digits, '.', '+' or '-')"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler tcp://127.0.0.1:1 needs --executor dask"),
    (["--asof", "2024-01-05..2024-01-19", "--sweep", "window=5,0.5"],
     "--sweep window='0.5' does not fit 01_fixture_ok: expected an integer (default 20)"),
])
def test_bad_sweeps_are_one_line_before_anything_runs(tmp_path, monkeypatch, capsys, argv,
                                                      line):
    monkeypatch.setattr(execute, "pool_map", _no_kernel)
    monkeypatch.setattr(execute, "check_kernel", _no_kernel)
    out = tmp_path / "out"
    status = cli.main(["report", str(OK_NB), "--source", "sample", "--out", str(out), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip().splitlines() == [f"smallcaps: error: {line}"]
    assert not out.exists() or not [p for p in out.iterdir() if p.is_dir()]


def test_a_value_the_schema_refuses_is_named_with_the_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(execute, "pool_map", _no_kernel)
    out = tmp_path / "out"
    status = cli.main(["report", str(NB01), "--source", "sample", "--asof", "2024-01-31",
                       "--out", str(out), "--sweep", "window=26,2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert err[0].startswith("smallcaps: error: --sweep window 2 for 01_yields_vs_small_caps: ")
    assert "from 3 to 520" in err[0]
    assert not out.exists() or not [p for p in out.iterdir() if p.is_dir()]


# ----------------------------------------------------------------------------- executor hook


def _fake_cluster(monkeypatch, connect_error: str | None = None):
    """A stand-in for smallcaps.runner.cluster (the same three functions)."""
    calls: dict = {"connect": [], "map": [], "close": 0}

    def connect(address, timeout=5.0):
        calls["connect"].append(address)
        if connect_error:
            raise SmallcapsError(connect_error)
        return "client"

    def cluster_map(todo, on_result, client):
        assert client == "client"
        calls["map"].append([t["name"] for t in todo])
        for task in todo:
            on_result(task, result_from(_fake_render(task), Path(task["out_dir"])))

    def close(client):
        calls["close"] += 1

    fake = types.ModuleType("smallcaps.runner.cluster")
    fake.connect, fake.cluster_map, fake.close = connect, cluster_map, close
    monkeypatch.setitem(sys.modules, "smallcaps.runner.cluster", fake)
    monkeypatch.setattr(smallcaps.runner, "cluster", fake, raising=False)
    monkeypatch.setattr(execute, "pool_map", _no_kernel)
    monkeypatch.setattr(execute, "check_kernel", _no_kernel)
    monkeypatch.delenv("SMALLCAPS_DASK_SCHEDULER", raising=False)
    return calls


def test_the_dask_executor_gets_every_page_of_the_plan(tmp_path, monkeypatch, capsys):
    calls = _fake_cluster(monkeypatch)
    out = tmp_path / "out"
    status = cli.main(["report", str(OK_NB), "--source", "sample", "--out", str(out),
                       "--asof", "2024-11-01..2024-11-08", "--sweep", "window=5,8",
                       "--executor", "dask", "--scheduler", "tcp://10.0.0.1:8786"])
    assert status == 0, capsys.readouterr().err
    assert calls["connect"] == ["tcp://10.0.0.1:8786"] and calls["close"] == 1
    assert len(calls["map"]) == 1 and sorted(calls["map"][0]) == [
        "01_fixture_ok--window=5", "01_fixture_ok--window=5", "01_fixture_ok--window=8",
        "01_fixture_ok--window=8"]
    run_doc = json.loads((out / "2024-11-08" / "run.json").read_text())
    assert run_doc["executor"] == "dask" and run_doc["ok"]
    # up to date: nothing to render, no cluster
    assert cli.main(["report", str(OK_NB), "--source", "sample", "--out", str(out),
                     "--asof", "2024-11-01..2024-11-08", "--sweep", "window=5,8",
                     "--executor", "dask"]) == 0
    assert calls["connect"] == ["tcp://10.0.0.1:8786"]


def test_executor_errors_come_before_any_kernel_or_file(tmp_path, monkeypatch, capsys):
    calls = _fake_cluster(monkeypatch, connect_error="--executor dask needs a scheduler")
    out = tmp_path / "out"
    argv = ["report", str(OK_NB), "--source", "sample", "--out", str(out), "--asof",
            "2024-11-01", "--executor", "dask"]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "smallcaps: error: --executor dask needs a scheduler"]
    assert calls["connect"] == [None] and calls["map"] == [] and calls["close"] == 0
    assert not out.exists() or not [p for p in out.iterdir() if p.is_dir()]
    # a bad sweep is found before the scheduler is asked
    assert cli.main([*argv, "--sweep", "window=x"]) == 2
    assert calls["connect"] == [None]
    assert _renders(out) == []


# ----------------------------------------------------------------------------- real kernels


def test_a_sweep_renders_each_combination_with_its_own_values(tmp_path, capsys):
    """Two by two on the fixture notebook, in real kernels: four pages, each with its values
    (``last_date`` is the window-th business day from 2000-01-03), grouped on the index."""
    out = tmp_path / "reports"
    argv = ["report", str(OK_NB), "--source", "sample", "--asof", "2024-01-31", "--out",
            str(out), "--jobs", "2", "--sweep", "window=5,8", "--sweep", "label=a,b/c"]
    status = cli.main(argv)
    captured = capsys.readouterr()
    assert status == 0, captured.err[-3000:]
    assert "4 pages of 1 notebook as of 2024-01-31: 4 rendered" in captured.out
    assert "01_fixture_ok: 4 pages, sweep window=5,8 x label=a,b-c" in captured.out
    folder = out / "2024-01-31"
    last_date = {5: "2000-01-07", 8: "2000-01-12"}
    for window in (5, 8):
        for label, spelled in (("a", "a"), ("b/c", "b-c")):
            name = f"01_fixture_ok--window={window}--label={spelled}"
            doc = json.loads((folder / f"{name}.json").read_text())
            assert doc["status"] == "ok" and doc["notebook"] == name
            assert doc["sweep"] == {"window": window, "label": label}
            assert doc["source_notebook"] == "01_fixture_ok"
            assert (doc["parameters"]["window"], doc["parameters"]["label"]) == (window, label)
            assert doc["figures"]["window"] == window and doc["figures"]["label"] == label
            assert doc["figures"]["last_date"] == last_date[window]
            assert (folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()
    index = (folder / "index.html").read_text()
    assert "<th>window</th><th>label</th>" in index and "4 pages, swept over window, label" \
        in index
    # again: every page up to date
    assert cli.main(argv) == 0
    assert "4 pages of 1 notebook as of 2024-01-31: 0 rendered, 4 up to date" in \
        capsys.readouterr().out
