"""Backfills and the dashboard, without kernels: ``--asof A..B --every W-FRI`` renders every date
in order and each compares with the one before; bad ranges are one-line errors before anything
runs; the status lines keep the notebooks' order; the top index is a dashboard with human labels,
the latest signals and inline SVG history charts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import fake_workers
from smallcaps import cli
from smallcaps.runner import (
    NotebookResult,
    ReportRun,
    batch,
    dashboard,
    execute,
    files,
    html,
    skipcache,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK_NB = FIXTURES / "01_fixture_ok.ipynb"
FAIL_NB = FIXTURES / "02_fixture_fails.ipynb"


def _fake_render(task):
    """A worker stand-in: the three files, a key figure that grows with the as-of date."""
    folder = Path(task["out_dir"])
    day = int(task["asof"][-2:])
    with open(folder.parent / "renders.log", "a") as fh:
        fh.write(json.dumps({"name": task["name"], "asof": task["asof"]}) + "\n")
    doc = {"notebook": task["name"], "title": task["title"], "status": "ok",
           "asof": task["asof"], "asof_requested": task["asof_requested"],
           "parameters": task["effective"], "injected": task["inject"], "provenance": {
               "RUT": {"source": "sample", "synthetic": True, "last": task["asof"]}},
           "synthetic": True, "figures": {"level_pct": float(day), "brief": [
               f"The level is **{day}%** ([details](#Details))."]},
           "duration_s": 0.1, "generated_at": str(time.time_ns()), "error": None,
           "inputs": task["inputs"],
           "key": task["key"], "files": {e: f"{task['name']}.{e}" for e in ("html", "ipynb",
                                                                              "json")}}
    files.atomic_write(folder / f"{task['name']}.html",
                       f"<html><body>{html.MARK_BEGIN}{html.MARK_END}<img src=x></body></html>")
    files.atomic_write(folder / f"{task['name']}.ipynb", "{}")
    files.atomic_write(folder / f"{task['name']}.json", json.dumps(doc))
    return doc




def _renders(out: Path) -> list[dict]:
    log = out / "renders.log"
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []


def test_a_backfill_renders_in_date_order_and_chains_the_comparisons(tmp_path, monkeypatch):
    fake_workers(monkeypatch, _fake_render)
    monkeypatch.setattr(skipcache, "lib_hash", lambda: "fixed-lib")  # others edit the library
    out = tmp_path / "out"
    results = batch.backfill("2024-10-30..2024-11-15", "W-FRI", [str(OK_NB)], source="sample",
                             out=out, progress=False)
    assert [r.asof for r in results] == ["2024-11-01", "2024-11-08", "2024-11-15"]
    assert [r["asof"] for r in _renders(out)] == ["2024-11-01", "2024-11-08", "2024-11-15"]
    chain = [json.loads((out / d / "changes.json").read_text())
             for d in ("2024-11-01", "2024-11-08", "2024-11-15")]
    assert [c["previous"] for c in chain] == [None, "2024-11-01", "2024-11-08"]
    assert chain[0]["notebooks"]["01_fixture_ok"]["status"] == "first"
    assert [c["text"] for c in chain[2]["changes"]] == [
        "Level rose by 7.0 points to +15.0%"]
    page = (out / "2024-11-15" / "01_fixture_ok.html").read_text()
    assert "Since 2024-11-08" in page and "rose by 7.0 points" in page
    index = (out / "2024-11-15" / "index.html").read_text()
    assert "Since 2024-11-08" in index and 'href="changes.json"' in index
    assert '<a href="01_fixture_ok.html#Details">details</a>' in index  # the brief's link
    top = (out / "index.html").read_text()
    assert top.count("<svg") == 0  # no history chart is listed for a user's notebook
    assert "The level is <strong>15%</strong>" in top
    assert 'href="2024-11-15/01_fixture_ok.html#Details"' in top
    assert "since 2024-11-08: 0 signals, 1 changed figure" in top
    assert "first report" in top
    # the same backfill again: every date up to date, nothing rewritten
    stamps = {d: (out / d / "changes.json").stat().st_mtime_ns for d in ("2024-11-01",
                                                                           "2024-11-15")}
    (out / "renders.log").unlink()
    again = batch.backfill("2024-10-30..2024-11-15", "W-FRI", [str(OK_NB)], source="sample",
                           out=out, progress=False)
    assert _renders(out) == [] and all(r.results[0].status == "skipped" for r in again)
    assert stamps == {d: (out / d / "changes.json").stat().st_mtime_ns for d in stamps}
    # a forced render writes the page anew: its "Since" section is put back
    batch.run([str(OK_NB)], asof="2024-11-15", source="sample", out=out, force=True,
              progress=False)
    assert "rose by 7.0 points" in (out / "2024-11-15" / "01_fixture_ok.html").read_text()


def test_compare_to_names_the_run_a_date_compares_with(tmp_path, monkeypatch):
    fake_workers(monkeypatch, _fake_render)
    out = tmp_path / "out"
    kw = {"source": "sample", "out": out, "progress": False}
    batch.run([str(OK_NB)], asof="2024-11-01", **kw)
    batch.run([str(OK_NB)], asof="2024-11-08", **kw)
    res = batch.run([str(OK_NB)], asof="2024-11-15", compare_to="2024-11-01", **kw)
    assert res.ok
    doc = json.loads((out / "2024-11-15" / "changes.json").read_text())
    assert doc["previous"] == "2024-11-01" and doc["compare_to"] == "2024-11-01"
    assert doc["changes"][0]["text"] == "Level rose by 14.0 points to +15.0%"


@pytest.mark.parametrize("argv, line", [
    (["--asof", "2024-11-29..2024-10-04"],
     "--asof 2024-11-29..2024-10-04: the end 2024-10-04 is before the start 2024-11-29"),
    (["--asof", "2024-10-04..2024-11-29", "--every", "weekly"],
     "--every 'weekly' is unknown; valid: W-FRI, M, D"),
    (["--asof", "2024-11-30..2024-12-01", "--every", "D"],
     "--asof 2024-11-30..2024-12-01 --every D: no trading day in the range"),
    (["--asof", "2024-11-08", "--compare-to", "2024-11-01"],
     "--compare-to 2024-11-01: no run as of that date in {out}; there is no earlier run"),
    (["--asof", "2024-11-01..2024-11-15", "--compare-to", "2024-10-25"],
     "--compare-to 2024-10-25: no run as of that date in {out}; there is no earlier run"),
    (["--asof", "2024-11-08", "--every", "M"],
     "--every M needs a range of dates: --asof START..END"),
])
def test_bad_ranges_are_one_line_errors_before_anything_runs(tmp_path, monkeypatch, capsys,
                                                             argv, line):
    fake_workers(monkeypatch, _fake_render)
    out = tmp_path / "out"
    status = cli.main(["report", str(OK_NB), "--source", "sample", "--out", str(out), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip().splitlines() == [f"smallcaps: error: {line.format(out=out)}"]
    assert _renders(out) == []
    assert not out.exists() or not [p for p in out.iterdir() if p.is_dir()]


def test_status_lines_keep_the_notebook_order(tmp_path, monkeypatch, capsys):
    """Notebooks finish in any order; the terminal lists them in notebook order."""
    def backwards(todo, workers, on_result):
        for task in reversed(todo):
            on_result(task, execute.result_from(_fake_render(task), Path(task["out_dir"])))

    monkeypatch.setattr(execute, "pool_map", backwards)
    res = batch.run([str(OK_NB), str(FAIL_NB)], asof="2024-11-01", source="sample",
                    out=tmp_path, jobs=2)
    lines = [ln.split()[1] for ln in capsys.readouterr().err.splitlines()
             if ln.startswith("  ok ")]
    assert lines == ["01_fixture_ok", "02_fixture_fails"]
    assert res.ok


def test_the_summary_names_every_synthetic_series(tmp_path):
    def result(name, keys):
        return NotebookResult(name, "ok", tmp_path / "a.html", tmp_path / "a.ipynb",
                              tmp_path / "a.json",
                              provenance={k: {"synthetic": k != "SPX"} for k in keys})

    report = ReportRun("2024-11-29", tmp_path, [result("01_a", ["RUT", "DGS10", "SPX"]),
                                                result("02_b", ["IWM", "RUT"])], 1.0)
    assert report.summary().splitlines()[-1] == (
        "  SYNTHETIC DATA, not market data: DGS10, IWM, RUT came from the built-in sample")


# ----------------------------------------------------------------------------- the dashboard


def test_key_figures_have_labels_units_and_the_pages_rounding():
    doc = {"notebook": "03_seasonality", "parameters": {"relative": ["RUT", "SPX"]},
           "figures": {"january_effect": {"hit_rate": 0.4054, "mean_pct": -0.0449,
                                          "excess_pct": 1.44},
                       "month_stats_fdr": {"surviving": 1}}}
    assert dashboard.key_figures(doc) == [
        ("Januarys in which RUT beat SPX", "41%"), ("average January lead of RUT over SPX",
                                                    "0.0 pp"),
        ("the January lead beyond an average month", "+1.4 pp"),
        ("month cells that survive the false-discovery control", "1")]
    nb06 = {"notebook": "06_trend_and_levels", "parameters": {"series": ["RUT"]},
            "figures": {"trend": {"RUT": {"close": 2434.731, "pct_vs_ma200": 3.21,
                                          "macd_signal": "buy"}}}}
    assert dashboard.key_figures(nb06) == [("RUT vs its 200-day average", "+3.2%"),
                                           ("RUT MACD signal", "buy")]
    mine = {"notebook": "09_mine", "figures": {"yield_change_1w_bp": -7.0, "corr": 0.123,
                                               "asof": "x", "latest": {"hit_rate": 0.5}}}
    assert dashboard.key_figures(mine) == [("Yield change 1 week", "-7 bp"),
                                           ("Correlation", "0.12"), ("Latest: hit rate", "50%")]
    assert dashboard.show(2434.731, "level") == "2,434.73"


def _run_folder(out: Path, asof: str, figures: dict, signals=(), previous=None) -> dict:
    folder = out / asof
    folder.mkdir(parents=True)
    doc = {"notebook": "02_ratio_charts", "title": "02 · Ratios", "status": "ok", "asof": asof,
           "parameters": {"asof": asof, "pairs": ["RUT/SPX"]}, "figures": figures,
           "files": {"html": "02_ratio_charts.html"}, "synthetic": False}
    (folder / "02_ratio_charts.json").write_text(json.dumps(doc))
    (folder / "changes.json").write_text(json.dumps({
        "asof": asof, "previous": previous, "signals": list(signals), "changes": [],
        "notebooks": {"02_ratio_charts": {"previous": previous,
                                          "status": "compared" if previous else "first"}},
        "context": {"02_ratio_charts": {"ratios": {"RUT/SPX": {
            "ma200": figures["ratios"]["RUT/SPX"]["last"] * 0.97}}}}}))
    return {"folder": asof, "asof": asof, "notebooks": [
        {"notebook": "02_ratio_charts", "status": "ok"}]}


def test_the_dashboard_draws_history_across_every_run(tmp_path):
    runs = []
    for i, (asof, last) in enumerate((("2024-11-01", 0.40), ("2024-11-08", 0.41),
                                      ("2024-11-15", 0.39))):
        sig = [{"notebook": "02_ratio_charts", "series": "RUT/SPX", "signal": "ma50_cross_up",
                "date": "2024-11-13", "text": "long text", "headline": "RUT/SPX crossed <up>."}]
        runs.append(_run_folder(tmp_path, asof, {"ratios": {"RUT/SPX": {
            "last": last, "distance_ma200_pct": 2.0 - i}},
            "brief": ["RUT/SPX is **below** its average ([ratios](#Ratio-charts))."]},
            sig if i == 2 else (), runs[-1]["folder"] if runs else None))
    rows = dashboard.dashboard(tmp_path, runs)
    assert len(rows) == 1 and rows[0]["asof"] == "2024-11-15" and rows[0]["runs"] == 3
    ratio, distance = rows[0]["charts"]
    assert ratio.title == "RUT/SPX ratio and its 200-day average" and ratio.n == 3
    assert ratio.last == "0.3900" and (ratio.low, ratio.high) == ("0.3900", "0.4100")
    assert [ln["label"] for ln in ratio.lines] == ["RUT/SPX", "200-day average"]
    xs = [float(p.split(",")[0]) for p in ratio.lines[0]["points"].split()]
    assert xs == sorted(xs) and xs[0] == ratio.pad and xs[-1] == ratio.width - ratio.pad
    ys = [float(p.split(",")[1]) for p in ratio.lines[0]["points"].split()]
    assert ys[1] < ys[0] < ys[2]  # higher values are drawn higher (smaller y)
    assert distance.last == "0.0%" and distance.zero_y is None
    page = html.top_index_page([{**r, "changes": {}} for r in reversed(runs)], rows)
    assert page.count("<svg") == 2 and "<script" not in page
    assert "RUT/SPX crossed &lt;up&gt;." in page and "long text" not in page
    assert 'href="2024-11-15/02_ratio_charts.html#Ratio-charts"' in page
    assert "ratios.RUT/SPX" not in page and "distance_ma200_pct" not in page
