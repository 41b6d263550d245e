"""End to end: ``smallcaps report`` on the kit's real notebooks (``notebooks/NN_*.ipynb``) with
the synthetic sample, into a temporary folder; every page, JSON and index is checked.  Then a
backfill of three weekly dates with two fast notebooks: the chain of ``previous`` dates in each
``changes.json``, the signals (against the finders on the same data and notebook 05's own
events) and the dashboard."""

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


# ----------------------------------------------------------------------------- a backfill

BACKFILL = ("02_ratio_charts", "05_divergence_signals")
RANGE = "2025-11-21..2025-12-05"  # three Fridays of the sample; 05 has an event on 2025-12-02


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    if not all((ROOT / "notebooks" / f"{n}.ipynb").is_file() for n in BACKFILL):
        pytest.skip("notebooks 02 and 05 are needed")
    tmp = tmp_path_factory.mktemp("backfill")
    out = tmp / "reports"
    cmd = [str(SMALLCAPS), "report", *BACKFILL, "--asof", RANGE, "--every", "W-FRI",
           "--source", "sample", "--out", str(out), "--jobs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp), timeout=1800)
    return proc, out


def test_backfill_chains_each_date_to_the_one_before(backfilled):
    proc, out = backfilled
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    from smallcaps import periodic

    dates = periodic.backfill_dates(*RANGE.split(".."), "W-FRI")
    assert dates == ["2025-11-21", "2025-11-28", "2025-12-05"]
    assert [ln.split(" as of ")[1][:10] for ln in proc.stdout.splitlines()
            if " as of " in ln] == dates  # in date order
    previous = [None, *dates[:-1]]
    for d, prev in zip(dates, previous, strict=True):
        doc = json.loads((out / d / "changes.json").read_text())
        assert doc["asof"] == d and doc["previous"] == prev
        assert {n: e["previous"] for n, e in doc["notebooks"].items()} == dict.fromkeys(
            BACKFILL, prev)
        assert set(doc) >= {"asof", "previous", "signals", "changes"}
        if prev is None:
            assert doc["signals"] == [] and doc["changes"] == []
            assert all(e["status"] == "first" for e in doc["notebooks"].values())


def _signal_days(doc: dict, notebook: str) -> list:
    return sorted((s["date"], s["series"], s["signal"]) for s in doc["signals"]
                  if s["notebook"] == notebook)


def test_backfill_signals_come_from_the_data_with_their_history(backfilled):
    import pandas as pd
    from smallcaps import data, signals

    _, out = backfilled
    found_any = False
    for prev, d in (("2025-11-21", "2025-11-28"), ("2025-11-28", "2025-12-05")):
        doc = json.loads((out / d / "changes.json").read_text())
        # 05: exactly the notebook's own events in the window, with their z
        nb05 = json.loads((out / d / "05_divergence_signals.json").read_text())["figures"]
        events = [e for e in nb05["events"] if prev < e["date"] <= d]
        assert _signal_days(doc, "05_divergence_signals") == [
            (e["date"], "RUT-SPX", "divergence_event") for e in events]
        # 02: the finders on the same data, independently of the runner
        params = json.loads((out / d / "02_ratio_charts.json").read_text())["parameters"]
        keys = sorted({k for pair in params["pairs"] for k in pair.split("/")})
        px = data.load(keys, asof=d, source="sample", field=params["etf_field"])
        expected = []
        for pair in params["pairs"]:
            a, b = pair.split("/")
            ratio = (px[a] / px[b]).dropna()
            hist = pd.concat([signals.ma_crosses(ratio, (50, 200), name=pair),
                              signals.ratio_extremes(ratio, 252, name=pair)])
            win = signals.between(hist, prev, d)
            expected += [(f"{t:%Y-%m-%d}", pair, k) for t, k in zip(win["date"], win["signal"],
                                                                   strict=True)]
        assert _signal_days(doc, "02_ratio_charts") == sorted(expected)
        for s in doc["signals"]:
            found_any = True
            base = s["base_rate"]
            assert set(base) == {"n", "episodes", "forward"} and s["text"].strip()
            if base["n"]:
                assert set(base["forward"]) <= {"21", "63", "126", "252"}
                assert 1 <= base["episodes"] <= base["n"]
    assert found_any, "no signal in two weeks of five ratios and a divergence study"
    assert (out / "2025-12-05" / "changes.json").read_text().count('"2025-12-02"') >= 1


def test_backfill_pages_and_dashboard(backfilled):
    _, out = backfilled
    top = (out / "index.html").read_text()
    assert top.count("<svg") >= 2 and "<script" not in top
    for name in BACKFILL:
        assert f'href="2025-12-05/{name}.html' in top
        page = (out / "2025-12-05" / f"{name}.html").read_text(encoding="utf-8")
        assert "Since 2025-11-28" in page and len(page.encode()) < MAX_PAGE_BYTES
    for raw in ("ratios.RUT/SPX", "latest.z", "_pct", "hit_rate"):
        assert raw not in top, raw
    run_index = (out / "2025-12-05" / "index.html").read_text()
    assert "Since 2025-11-28" in run_index and 'href="changes.json"' in run_index
