"""Notebook 04 (tax-loss timing) end to end on the real market history."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import plain_closes, run_notebook

_closes = plain_closes


@pytest.fixture(scope="module")
def figures(tmp_path_factory, shared_market_module):
    SHARED_MARKET = shared_market_module
    tmp = tmp_path_factory.mktemp("nb04")
    rec = run_notebook("04_tax_loss_timing", tmp, source="csv", data_dir=str(SHARED_MARKET),
                       asof="2024-12-27")
    return rec, SHARED_MARKET, tmp / "04_tax_loss_timing.out.ipynb"


def test_the_same_run_again_is_the_shared_execution(figures, tmp_path):
    """``conftest.run_notebook`` executes a notebook with given parameters once per session: a
    second call executes nothing and gets the figures and the executed notebook of the first,
    as a copy (a test that changes its figures changes no other test's)."""
    import conftest

    rec, folder, out = figures
    log = conftest._STORE["root"] / "executions.jsonl"
    before = log.read_text().splitlines()
    parameters = {"source": "csv", "data_dir": str(folder), "asof": "2024-12-27"}
    again = run_notebook("04_tax_loss_timing", tmp_path, **parameters)
    after = log.read_text().splitlines()
    assert after[:len(before)] == before
    assert not [e for e in map(json.loads, after[len(before):])  # nothing executed
                if (e["notebook"], e["parameters"]) == ("04_tax_loss_timing", parameters)]
    assert again == rec and again is not rec
    assert (tmp_path / "04_tax_loss_timing.out.ipynb").read_bytes() == out.read_bytes()
    again["current_year"]["year"] = 1900
    assert rec["current_year"]["year"] == 2024
    keys = [json.loads(line)["key"] for line in log.read_text().splitlines()]
    assert len(keys) == len(set(keys)), "a notebook was executed twice with the same inputs"


def _window_rel(rut, spx, year, start_md, end_md):
    """Independent window return: close before the first session on/after start to the last
    session on/before end (end in the next year when it precedes start)."""
    both = pd.concat([rut, spx], axis=1, join="inner").dropna()
    s = pd.Timestamp(f"{year}-{start_md}")
    e = pd.Timestamp(f"{year + int(end_md < start_md)}-{end_md}")
    inside = both.loc[s:e]
    base = both.loc[: s - pd.Timedelta(days=1)].iloc[-1]
    last = inside.iloc[-1]
    r = (last / base - 1) * 100
    return r.iloc[0] - r.iloc[1], r.iloc[0]


def test_nb04_recorded_keys(figures):
    rec, _, _ = figures
    for key in ("pressure_window", "rebound_window", "typical_trough", "by_ytd_group",
                "current_year", "rebound_sensitivity"):
        assert key in rec, key
    keys = {"mean_rel_pct", "median_rel_pct", "hit_rate", "n", "t", "mean_small_pct",
            "horizon_days", "episodes", "trimmed_mean_pp", "baseline_pp", "excess_pp", "ci_low",
            "ci_high", "p", "verdict", "loo_flips", "small", "large"}
    assert set(rec["pressure_window"]) == keys and set(rec["rebound_window"]) == keys
    assert set(rec["typical_trough"]) == {"trading_day", "date"}
    assert set(rec["by_ytd_group"]) == {"losers", "winners", "pressure_welch_t",
                                        "rebound_welch_t", "loo_flips"}
    assert set(rec["by_ytd_group"]["losers"]) == {"pressure_mean_rel_pct",
                                                  "rebound_mean_rel_pct", "n"}
    assert set(rec["current_year"]) == {"year", "phase", "ytd_rel_pct"}


def _plain_excess(rut, spx, start_md, end_md):
    """Plain pandas: median window length h over 1988..2023, the h-day forward relative return
    from every common trading day since 1988-01-01 (close before the day to the close of its
    h-th day) with each season's first day carrying its window; (h, baseline, excess, trimmed
    mean)."""
    both = pd.concat([rut, spx], axis=1, join="inner").dropna().loc[:"2024-12-27"]
    pos = pd.Series(range(len(both)), index=both.index)
    firsts, rels, lengths = [], [], []
    for year in range(1988, 2024):
        s = pd.Timestamp(f"{year}-{start_md}")
        e = pd.Timestamp(f"{year + int(end_md < start_md)}-{end_md}")
        inside = both.loc[s:e]
        firsts.append(inside.index[0])
        lengths.append(pos[inside.index[-1]] - pos[inside.index[0]] + 1)
        rels.append(_window_rel(rut, spx, year, start_md, end_md)[0])
    h = int(np.floor(np.median(lengths) + 0.5))
    ratio = both.shift(-(h - 1)) / both.shift(1)
    v = ((ratio.iloc[:, 0] - ratio.iloc[:, 1]) * 100).loc["1988-01-01":]
    v.loc[firsts] = rels
    cut = int(np.floor(0.1 * len(rels)))
    trimmed = float(np.mean(np.sort(rels)[cut: len(rels) - cut]))
    return h, float(v.mean()), float(np.mean(rels) - v.mean()), trimmed


def test_nb04_excess_matches_plain_pandas(figures):
    rec, folder, _ = figures
    rut, spx = _closes(folder, "RUT"), _closes(folder, "GSPC")
    for key, (a, b) in (("rebound_window", ("12-21", "01-15")),
                        ("pressure_window", ("12-01", "12-20"))):
        h, baseline, excess, trimmed = _plain_excess(rut, spx, a, b)
        r = rec[key]
        assert r["horizon_days"] == h and r["episodes"] == 36
        assert r["baseline_pp"] == pytest.approx(baseline, abs=1e-9)
        assert r["excess_pp"] == pytest.approx(excess, abs=1e-9)
        assert r["trimmed_mean_pp"] == pytest.approx(trimmed, abs=1e-9)
        assert r["ci_low"] < r["excess_pp"] < r["ci_high"]
    r, p = rec["rebound_window"], rec["pressure_window"]
    assert round(r["excess_pp"], 4) == 1.0953 and r["verdict"] == "shows" and r["p"] < 0.05
    assert r["loo_flips"] == [] and p["verdict"] == "absent"
    assert r["small"]["excess_pp"] == pytest.approx(
        r["small"]["mean_pct"] - r["small"]["baseline_pct"])
    sens = rec["rebound_sensitivity"]
    assert sens["default_start"] == "12-21" and sens["default_excess_pp"] == r["excess_pp"]
    assert sens["n_starts"] == 19 and sens["joint_p"] < 0.05


def test_nb04_windows_match_independent_computation(figures):
    rec, folder, _ = figures
    rut, spx = _closes(folder, "RUT"), _closes(folder, "GSPC")
    years = range(1988, 2024)  # 2024's rebound is not complete by 2024-12-27
    pressure = [_window_rel(rut, spx, y, "12-01", "12-20") for y in years]
    rebound = [_window_rel(rut, spx, y, "12-21", "01-15") for y in years]
    p, r = rec["pressure_window"], rec["rebound_window"]
    assert p["n"] == r["n"] == 36
    assert p["mean_rel_pct"] == pytest.approx(np.mean([x[0] for x in pressure]), abs=1e-9)
    assert p["mean_small_pct"] == pytest.approx(np.mean([x[1] for x in pressure]), abs=1e-9)
    assert r["mean_rel_pct"] == pytest.approx(np.mean([x[0] for x in rebound]), abs=1e-9)
    assert r["median_rel_pct"] == pytest.approx(np.median([x[0] for x in rebound]), abs=1e-9)
    assert r["hit_rate"] == pytest.approx(np.mean([x[0] > 0 for x in rebound]))
    assert r["mean_rel_pct"] > 0 and r["t"] > 2  # the rebound: about +1.1 pp, t = 2.5
    assert abs(p["t"]) < 2  # no reliable December dip relative to the S&P 500


def test_nb04_current_year_and_groups(figures):
    rec, folder, _ = figures
    cur = rec["current_year"]
    assert cur["year"] == 2024 and cur["phase"] == "rebound"
    rut, spx = _closes(folder, "RUT"), _closes(folder, "GSPC")
    a, b = "2023-12-29", "2024-11-29"  # previous year-end to the close before Dec 1
    ytd = (rut[b] / rut[a] - spx[b] / spx[a]) * 100
    assert cur["ytd_rel_pct"] == pytest.approx(ytd)
    assert round(cur["ytd_rel_pct"], 2) == -6.36
    g = rec["by_ytd_group"]
    assert g["losers"]["n"] == g["winners"]["n"] == 12
    tr = rec["typical_trough"]
    assert 0 <= tr["trading_day"] <= 64
    assert tr["date"][:2] in {"11", "12", "01"}


def test_nb04_shows_generated_prose_and_charts(figures):
    """The executed notebook shows the as-of in generated prose, three charts, verdicts read
    from the excess over the typical window of the same length, and the sensitivity as one
    joint test (no longer "t >= 1.96 for 14 of 19" overlapping start dates)."""
    import nbformat

    _, _, out = figures
    nb = nbformat.read(out, as_version=4)
    markdown, images = [], 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            markdown.append(data.get("text/markdown", ""))
            images += "image/png" in data
    text = "\n".join(markdown)
    assert images == 3
    assert "As of 2024-12-27, 36 seasons (1988 to 2023) have both windows complete." in text
    assert "the 2024 season is inside the rebound window" in text
    assert "statistically distinguishable from zero" not in text
    assert "so the excess is +1.10 pp (95% CI" in text
    assert "the playbook's rebound shows up. It rests on 36 seasons, one window a year, so 36 " \
           "independent observations; no single season's removal changes this verdict." in text
    assert "the playbook's December dip does not show up" in text
    assert "one test, not 19" in text
    assert "The rebound's excess is not an artefact of the chosen start date. 14 of 19 start " \
           "dates have q ≤ 10% (Benjamini-Hochberg) and 9 clear the joint critical value, but " \
           "they overlap: this counts one effect, not 14." in text
    assert "Excluded, windows not complete by 2024-12-27: 2024 (rebound window not " \
           "complete)." in text


def test_nb04_brief_and_what_the_page_shows(figures):
    import nbformat
    from conftest import NOTEBOOKS
    from test_page import check_brief, check_page_outputs

    rec, _, out = figures
    executed = nbformat.read(out, as_version=4)
    brief = check_brief(rec, nbformat.read(NOTEBOOKS / "04_tax_loss_timing.ipynb",
                                           as_version=4))
    check_page_outputs(executed)
    p, r = rec["pressure_window"], rec["rebound_window"]
    assert brief[0].startswith("**The playbook's December dip does not show up** in the "
                               "pressure window (12-01 to 12-20)")
    assert f"{p['excess_pp']:+.2f} pp against a typical {p['horizon_days']}-day window" in brief[0]
    assert brief[1].startswith("**The playbook's rebound shows up** in the rebound window")
    assert f"p = {r['p']:.3f}; 36 independent seasons" in brief[1]
    assert "joint p = " in brief[2] and brief[2].endswith(
        "[→](#Sensitivity-to-the-rebound-start-date)")
    assert brief[-1].startswith("As of 2024-12-27 the 2024 season is inside the rebound window")
    # the long per-season table comes after every chart, the short summary before
    kinds = [("image" if "image/png" in (o.get("data") or {}) else "table")
             for c in executed.cells if c.cell_type == "code" for o in c.outputs
             if "image/png" in (o.get("data") or {}) or "<table" in str(
                 (o.get("data") or {}).get("text/html", ""))]
    assert kinds[-2:] == ["table", "table"] and kinds.count("image") == 3
