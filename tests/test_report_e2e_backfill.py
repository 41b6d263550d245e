"""End to end: a backfill of three weekly dates with two fast notebooks of the kit on the
synthetic sample (``smallcaps report 02 05 --asof A..B --every W-FRI``): the chain of
``previous`` dates in each ``changes.json``, the signals (against the finders on the same data
and notebook 05's own events) and the dashboard.  (Split from ``tests/test_report_e2e.py`` so
that the two end-to-end renders run on different xdist workers.)"""

from __future__ import annotations

import json
import subprocess

import pytest
from test_report_e2e import MAX_PAGE_BYTES, NOTEBOOKS, ROOT, SMALLCAPS, _env

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/NN_*.ipynb yet")

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
