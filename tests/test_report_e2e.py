"""End to end: ``smallcaps report`` on the kit's real notebooks (``notebooks/NN_*.ipynb``) with
the synthetic sample, into a temporary folder; every page, JSON and index is checked.  The
backfill end to end is ``tests/test_report_e2e_backfill.py`` (a file of its own, so that an
xdist worker runs it while another renders the six notebooks here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SMALLCAPS = Path(sys.executable).with_name("smallcaps")
MAX_PAGE_BYTES = 1_000_000

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/NN_*.ipynb yet")


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update({"SMALLCAPS_DATA_DIR": str(tmp / "no-raw-data"),
                "SMALLCAPS_CACHE_DIR": str(tmp / "cache"),
                "SMALLCAPS_CATALOG": "none",
                "SMALLCAPS_OFFLINE": "1"})
    return env


@pytest.fixture(scope="module")
def e2e(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    env = _env(tmp)
    out = tmp / "reports"
    cmd = [str(SMALLCAPS), "report", "--source", "sample", "--out", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    return first, second, out


def _expected_asof() -> str:
    """The kit's one as-of rule on the sample: the date the runner injects into every notebook."""
    from smallcaps import data

    return data.resolve_asof(None, source="sample").date


def test_every_notebook_renders(e2e):
    first, _, out = e2e
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    asof = _expected_asof()
    assert f"{len(NOTEBOOKS)} notebook" in first.stdout and f"as of {asof}" in first.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        asof, "index.html"]


def test_every_page_and_json(e2e):
    _, _, out = e2e
    asof = _expected_asof()
    folder = out / asof
    for nb in NOTEBOOKS:
        name = nb.stem
        doc = json.loads((folder / f"{name}.json").read_text())
        assert doc["status"] == "ok", (name, doc["error"])
        assert doc["asof"] == asof and doc["parameters"]["asof"] == asof
        assert doc["asof_requested"] is None
        assert doc["parameters"]["source"] == "sample" and doc["kernel"] == "smallcaps"
        assert doc["figures"], f"{name} recorded no key figures"
        assert doc["provenance"], f"{name} did not call page.sources"
        for key, prov in doc["provenance"].items():
            assert prov["synthetic"] is True, (name, key)
            assert prov["last"] <= asof, f"{name}: {key} uses data after the as-of date"
        assert doc["synthetic"] is True
        executed = json.loads((folder / f"{name}.ipynb").read_text())
        assert any("injected-parameters" in c["metadata"].get("tags", [])
                   for c in executed["cells"])
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        size = len(page.encode())
        assert size < MAX_PAGE_BYTES, f"{name}.html is {size / 1e6:.1f} MB"
        assert 'class="sc-synthetic"' in page, f"{name}.html lacks the synthetic banner"
        assert f"As of <b>{asof}</b>" in page
        assert "<script" not in page
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), name
        assert 'class="jp-InputArea-editor' not in page, f"{name}.html shows code"
        assert page.count('src="data:image/') == doc["images"], name
        assert doc["images"] >= 1, f"{name} shows no chart"
        # one banner, one sources table, charts with alt text, the brief first
        assert page.count("SYNTHETIC DATA: NOT MARKET DATA") == 1, name
        assert "SyntheticDataWarning" not in page and "smallcaps-synthetic" not in page, name
        assert page.count('sc-sources"') == 1 and ">fetched_at<" not in page, name
        assert "No description has been provided" not in page, name
        assert page.count(" sc-synthetic-chart") == doc["images"], name
        first_image = page.index("<img")
        assert page.index("<!--sc-since:end-->") < first_image, name
        if (doc["figures"] or {}).get("brief"):
            assert page.index('class="sc-brief"') < min(first_image, page.index("<table")), name


def test_run_json_and_indexes(e2e):
    _, _, out = e2e
    asof = _expected_asof()
    run = json.loads((out / asof / "run.json").read_text())
    assert run["ok"] is True and run["asof"] == asof and run["synthetic"] is True
    listed = [n["notebook"] for n in run["notebooks"]]
    assert listed == sorted(listed) and {p.stem for p in NOTEBOOKS} <= set(listed)
    index = (out / asof / "index.html").read_text()
    top = (out / "index.html").read_text()
    assert f'href="{asof}/index.html"' in top
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.html"' in index
        assert f'href="{asof}/{nb.stem}.html"' in top


def test_second_run_is_up_to_date(e2e):
    first, second, _ = e2e
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    # only a change of the library or a notebook (others edit them while tests run) may
    # cause a render; data and parameters are the same
    known = {p.stem for p in NOTEBOOKS}
    for line in second.stderr.splitlines():
        if line.startswith("  ok "):
            name = line.split()[1]
            allowed = ("(library changed)", "(notebook changed)") + (
                () if name in known else ("(new)",))  # a notebook that arrived meanwhile
            assert line.endswith(allowed), line
    if "rendered" in second.stdout and " 0 rendered" in second.stdout:
        assert f"{len(NOTEBOOKS)} up to date" in second.stdout
