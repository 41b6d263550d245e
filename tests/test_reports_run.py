"""Report runner pages: with real kernels on the fixture notebooks (the ``smallcaps report``
command, recorded figures, a failing notebook among good ones, the HTML pages and the indexes),
and the page preparation on hand-made notebooks (the brief first, one banner, one sources table,
alt text, folded tables, compressed charts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
SMALLCAPS = Path(sys.executable).with_name("smallcaps")
ASOF = "2024-01-31"


def isolated_env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update({"SMALLCAPS_DATA_DIR": str(tmp / "no-raw-data"),
                "SMALLCAPS_CACHE_DIR": str(tmp / "cache"),
                "SMALLCAPS_CATALOG": "none",
                "SMALLCAPS_OFFLINE": "1"})
    return env


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """One command: a good notebook (synthetic provenance, a hostile label) and one that raises,
    named from the folder given with --notebooks."""
    tmp = tmp_path_factory.mktemp("fixture_run")
    out = tmp / "reports"
    cmd = [str(SMALLCAPS), "report", "--notebooks", str(FIXTURES), "fixture_ok", "02",
           "--asof", ASOF, "--source", "sample",
           "--out", str(out), "--jobs", "2",
           "-p", "label", "<img src=x onerror=alert(1)>", "-p", "window", "30",
           "-p", "keys", "RUT,IWM"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=isolated_env(tmp),
                          timeout=600)
    return proc, out / ASOF


def test_failing_notebook_fails_the_run_with_a_summary(fixture_run):
    proc, _ = fixture_run
    assert proc.returncode == 1, proc.stderr
    assert "2 notebooks as of 2024-01-31: 1 rendered, 1 FAILED" in proc.stdout
    assert ("FAILED 02_fixture_fails: cell 6 (In [4]): ZeroDivisionError: division by zero"
            in proc.stdout)
    assert "Traceback" not in proc.stderr
    assert "ok          01_fixture_ok" in proc.stderr  # a status line per notebook


def test_recorded_figures_and_parameters_in_json(fixture_run):
    _, folder = fixture_run
    doc = json.loads((folder / "01_fixture_ok.json").read_text())
    assert doc["status"] == "ok" and doc["error"] is None
    assert doc["figures"] == {
        "window": 30, "alpha": 0.05, "asof": ASOF, "keys": ["RUT", "IWM"], "flag": False,
        "last_date": "2000-02-11", "label": "<img src=x onerror=alert(1)>", "missing": None}
    assert doc["figure_names"] == list(doc["figures"])
    assert doc["parameters"] == {"asof": ASOF, "start": "2000-01-01", "source": "sample",
                                 "data_dir": "", "window": 30, "alpha": 0.05,
                                 "keys": ["RUT", "IWM"], "label": "<img src=x onerror=alert(1)>",
                                 "flag": False}
    assert set(doc["provenance"]) == {"RUT", "IWM"}
    assert doc["provenance"]["RUT"]["synthetic"] is True and doc["synthetic"] is True
    assert doc["images"] == 1 and doc["duration_s"] > 0
    assert doc["kernel"] == "smallcaps"
    nb = json.loads((folder / "01_fixture_ok.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "smallcaps"


def test_failed_notebook_json_names_cell_and_error(fixture_run):
    _, folder = fixture_run
    doc = json.loads((folder / "02_fixture_fails.json").read_text())
    assert doc["status"] == "failed"
    assert doc["figures"] == {"before": 1}  # recorded before the failure
    assert doc["error"]["cell"] == 6 and doc["error"]["ename"] == "ZeroDivisionError"
    assert doc["error"]["last_line"] == "ZeroDivisionError: division by zero"


def test_failed_page_shows_the_error_first(fixture_run):
    _, folder = fixture_run
    page = (folder / "02_fixture_fails.html").read_text()
    err = page.index('class="sc-error"')
    assert err < page.index('class="sc-title"') < page.index('class="jp-Cell ')
    assert "ratio = 10 / divisor" in page[err:]  # the failing cell's code, on top
    assert 'id="papermill-error-cell"' in page  # and the marker where it stopped


def test_good_page_is_self_contained_escaped_and_labelled(fixture_run):
    _, folder = fixture_run
    page = (folder / "01_fixture_ok.html").read_text()
    assert "<img src=x onerror" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'class="sc-synthetic"' in page and "NOT MARKET DATA" in page
    assert "page.record(" not in page and "import matplotlib" not in page  # no code
    assert "<script" not in page and "<link" not in page
    assert page.count('src="data:image/png;base64,') == 1
    assert "As of <b>2024-01-31</b>" in page and "commit <code>" in page
    assert len(page.encode()) < 3_000_000


def test_indexes_and_run_json(fixture_run):
    _, folder = fixture_run
    run = json.loads((folder / "run.json").read_text())
    assert run["asof"] == ASOF and run["ok"] is False and run["source"] == "sample"
    assert [(n["notebook"], n["status"]) for n in run["notebooks"]] == [
        ("01_fixture_ok", "ok"), ("02_fixture_fails", "failed")]
    index = (folder / "index.html").read_text()
    assert 'href="01_fixture_ok.html"' in index and 'href="02_fixture_fails.html"' in index
    assert "ZeroDivisionError: division by zero" in index
    top = (folder.parent / "index.html").read_text()
    assert 'href="2024-01-31/index.html"' in top and "1 of 2 failed" in top
    leftovers = [p.name for p in folder.iterdir() if ".tmp" in p.name]
    assert leftovers == []


def test_user_mistake_is_one_line_exit_2(tmp_path):
    proc = subprocess.run(
        [str(SMALLCAPS), "report", str(FIXTURES / "01_fixture_ok.ipynb"), "--asof", ASOF,
         "--out", str(tmp_path), "-p", "window", "twenty"],
        capture_output=True, text=True, env=isolated_env(tmp_path), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "smallcaps: error: parameter window='twenty' does not fit 01_fixture_ok: expected an "
        "integer (default 20)"]
    assert not (tmp_path / ASOF).exists()


def test_a_weekend_as_of_is_one_trading_day_for_the_run_and_its_data(tmp_path):
    """--asof on a Saturday: the run, the folder, the injected parameter and the data the
    notebook loads all stop on the Friday; the page and the index say both dates."""
    out = tmp_path / "reports"
    proc = subprocess.run(
        [str(SMALLCAPS), "report", str(FIXTURES / "03_fixture_data.ipynb"), "--asof",
         "2024-02-03", "--source", "sample", "--out", str(out)],
        capture_output=True, text=True, env=isolated_env(tmp_path), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "1 notebook as of 2024-02-02 (requested 2024-02-03): 1 rendered" in proc.stdout
    folder = out / "2024-02-02"
    doc = json.loads((folder / "03_fixture_data.json").read_text())
    assert doc["parameters"]["asof"] == "2024-02-02" and doc["asof_requested"] == "2024-02-03"
    assert doc["figures"]["last_date"] == "2024-02-02"  # the notebook's own load agrees
    assert {p["last"] for p in doc["provenance"].values()} == {"2024-02-02"}
    page = (folder / "03_fixture_data.html").read_text()
    assert "As of <b>2024-02-02</b> (requested 2024-02-03)" in page
    run = json.loads((folder / "run.json").read_text())
    assert (run["asof"], run["asof_requested"]) == ("2024-02-02", "2024-02-03")


# ----------------------------------------------------------------------------- pages, no kernel


def _png(size=(320, 200)) -> str:
    """A chart-like RGBA PNG: a white ground with noisy, many-coloured lines, base64."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    pixels = np.full((size[1], size[0], 4), 255, dtype=np.uint8)
    band = rng.integers(0, 256, size=(size[1] // 2, size[0], 3), dtype=np.uint8)
    pixels[: size[1] // 2, :, :3] = band
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _page_nb():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    from smallcaps import page

    def cell(*outputs):
        c = new_code_cell("x")
        c.outputs = list(outputs)
        return c

    record = new_output("display_data", data={
        page.RECORD_MIMETYPE: {"name": "provenance", "value": {}}, "text/plain": "recorded"})
    banner = new_output("display_data", data={
        "text/html": '<div class="smallcaps-synthetic">SYNTHETIC DATA: RUT came from</div>',
        "text/plain": "<IPython.core.display.HTML object>"})
    sources = new_output("display_data", data={
        "text/html": "<table><tr><th>name</th><th>fetched_at</th><th>synthetic</th></tr></table>",
        "text/plain": "name fetched_at synthetic"})
    warning = new_output("stream", name="stderr", text=(
        "/tmp/x/load.py:162: SyntheticDataWarning: SYNTHETIC DATA: no CSV for RUT\n"
        "  warnings.warn(\nreal stderr line\n"))
    rows = "".join(f"<tr><th>{i}</th><td>ROW{i}</td></tr>" for i in range(40))
    long_table = new_output("display_data", data={
        "text/html": f'<table class="dataframe"><thead><tr><th></th><th>v</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>", "text/plain": "table"})
    short = new_output("display_data", data={
        "text/html": "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>SHORT</td>"
                     "</tr></tbody></table>", "text/plain": "t"})
    titled = new_output("display_data", data={"image/png": _png(), "text/plain": "fig"},
                        metadata={"image/png": {"alt": 'RUT/SPX "ratio", 2020 to 2024'}})
    plain = new_output("display_data", data={"image/png": _png(), "text/plain": "fig"})
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Page fixture\n\nIntro."), cell(record, banner, sources),
                cell(warning), new_markdown_cell("## Ratio charts"), cell(titled),
                cell(long_table, short), new_markdown_cell("Record the key figures."),
                cell(), new_markdown_cell("## Levels"), cell(plain)]
    return nb


def _page_doc(**over):
    doc = {"notebook": "01_page", "title": "Page fixture", "status": "ok", "asof": "2024-11-29",
           "parameters": {"asof": "2024-11-29"}, "injected": {"asof": "2024-11-29"},
           "provenance": {"RUT": {"name": "Russell 2000", "source": "sample", "first":
                                  "2000-01-03", "last": "2024-11-29", "rows": 6000,
                                  "synthetic": True}},
           "synthetic": True, "error": None, "files": {"html": "01_page.html"},
           "figures": {"brief": ["RUT/SPX fell **2.1%** to 0.4036 ([ratio charts](#Ratio-charts))"
                                 " <img src=x onerror=alert(1)>.",
                                 "The second [link](https://example.com) is dropped."]}}
    doc.update(over)
    return doc


def test_brief_comes_first_and_the_page_shows_what_the_header_does_not():
    from smallcaps.runner import html

    page = html.notebook_page(_page_nb(), _page_doc())
    brief = page.index('class="sc-brief"')
    assert brief < page.index("<img") and brief < page.index('sc-sources"')
    assert brief < page.index("<table") and page.index(html.MARK_BEGIN) < page.index("<img")
    assert ('<li>RUT/SPX fell <strong>2.1%</strong> to 0.4036 (<a href="#Ratio-charts">ratio '
            'charts</a>) &lt;img src=x onerror=alert(1)&gt;.</li>') in page
    assert "example.com" not in page and "The second link is dropped." in page
    # one banner, no SyntheticDataWarning text, the sources table once (the header's)
    assert page.count("SYNTHETIC DATA: NOT MARKET DATA") == 1 and "smallcaps-synthetic" not in page
    assert "SyntheticDataWarning" not in page and "/tmp/x/load.py" not in page
    assert "real stderr line" in page
    assert "fetched_at" not in page and page.count('class="sc-table sc-sources"') == 1
    assert "Russell 2000" in page and "built-in sample, not market data" in page
    # alt text: the chart's own title, else its place on the page
    from bs4 import BeautifulSoup

    alts = [img.get("alt") for img in BeautifulSoup(page, "html.parser").find_all("img")]
    assert alts == ['RUT/SPX "ratio", 2020 to 2024', "Chart 2 of Page fixture: Levels"]
    assert "No description has been provided" not in page
    assert page.count(' sc-synthetic-chart"') == 2
    # the long table folded, every row kept; the short one as it was
    fold = page.index('<details class="sc-fold">')
    assert "Show the full table (40 rows &times; 2 columns)" in page
    assert all(f"ROW{i}<" in page[fold:] for i in range(40))
    assert page.count('class="sc-fold"') == 1 and "SHORT" in page
    assert "Record the key figures." not in page  # an orphan without code
    assert "Intro." in page


def test_charts_are_stored_with_fewer_colours_and_bytes():
    import base64
    import io

    from PIL import Image
    from smallcaps.runner import html

    nb = html.prepare_notebook(_page_nb(), "Page fixture")
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    original = _png()
    assert len(images) == 2
    for o in images:
        small = base64.b64decode(o["data"]["image/png"])
        assert len(small) < len(base64.b64decode(original))
        assert Image.open(io.BytesIO(small)).mode == "P"
    kept = html.prepare_notebook(_page_nb(), "Page fixture", compress=False)
    assert [o["data"]["image/png"] for c in kept.cells for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})] == [original, original]
    # the executed notebook itself is untouched
    assert any(o.get("name") == "stderr" and "SyntheticDataWarning" in o["text"]
               for c in _page_nb().cells for o in c.get("outputs", []))
