"""Notebook 03 (seasonality) end to end on the real market history."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import plain_closes, run_notebook
from smallcaps import page, stats

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


_closes = plain_closes


@pytest.fixture(scope="module")
def figures(tmp_path_factory, shared_market_module):
    SHARED_MARKET = shared_market_module
    tmp = tmp_path_factory.mktemp("nb03")
    rec = run_notebook("03_seasonality", tmp, source="csv", data_dir=str(SHARED_MARKET),
                       asof="2024-12-15")
    return rec, SHARED_MARKET, nbformat.read(tmp / "03_seasonality.out.ipynb", as_version=4)


def _markdown_outputs(nb) -> str:
    return "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))


def test_nb03_recorded_keys(figures):
    rec = figures[0]
    for key in ("monthly_returns", "partial_month", "month_stats", "month_stats_fdr",
                "santa_rally", "january_effect", "election_year_november", "january_barometer",
                "first_five_days", "december_low", "best_six_months", "mid_january_reversal",
                "latest_month_rank"):
        assert key in rec, key
    assert set(rec["monthly_returns"]) == {"RUT", "SPX", "NDX", "DJI"}
    assert set(rec["month_stats"]) == {"RUT", "SPX", "NDX", "DJI", "RUT-SPX"}
    assert set(rec["month_stats"]["RUT"]) == set(MONTHS)
    assert {"mean", "median", "hit_rate", "n", "t", "excess_pct", "p", "q", "ci_low",
            "ci_high", "welch_t_vs_other_months"} <= set(rec["month_stats"]["RUT-SPX"]["January"])
    assert {"mean_pct", "hit_rate", "n", "latest_pct", "latest_year", "excess_pct", "ci_low",
            "ci_high", "p", "baseline_pct"} <= set(rec["santa_rally"]["RUT"])
    assert set(rec["santa_rally"]) == {"RUT", "SPX", "NDX", "DJI", "RUT-SPX"}
    assert {"mean_pct", "hit_rate", "n", "t", "excess_pct", "p"} <= set(rec["january_effect"])
    for key in ("january_barometer", "first_five_days", "december_low", "best_six_months",
                "mid_january_reversal"):
        assert set(rec[key]) == {"RUT", "SPX", "NDX", "DJI", "RUT-SPX"}, key
    assert set(rec["election_year_november"]["RUT"]) == {"election_years", "other_years"}
    assert set(rec["latest_month_rank"]["RUT"]) == {"month", "return_pct", "rank", "of"}


def test_nb03_monthly_returns_match_provenance(figures):
    rec = figures[0]
    m = rec["monthly_returns"]
    assert round(m["RUT"]["2024-11"], 2) == 10.84
    assert round(m["SPX"]["2024-11"], 2) == 5.73
    assert round(m["NDX"]["2024-11"], 2) == 5.23
    assert round(m["DJI"]["2024-11"], 2) == 7.54
    # 12 complete months (2023-12..2024-11) plus December 2024 month-to-date
    assert sorted(m["RUT"]) == [f"{p}" for p in pd.period_range("2023-12", "2024-12", freq="M")]
    assert rec["partial_month"] == "2024-12"


def test_nb03_month_stats_match_plain_pandas(figures):
    rec, folder = figures[:2]
    rut = _closes(folder, "RUT").loc[:"2024-11-30"]
    monthly = rut.resample("ME").last().pct_change() * 100
    nov = monthly[(monthly.index.month == 11) & (monthly.index.year >= 1988)]
    got = rec["month_stats"]["RUT"]["November"]
    assert got["n"] == len(nov) == 37
    assert got["mean"] == pytest.approx(nov.mean(), abs=1e-9)
    assert got["hit_rate"] == pytest.approx((nov > 0).mean())
    assert got["mean"] > 2 and got["t"] > 2  # November: +2.49 %, 70 % of years
    # ... but against the average RUT month it is +1.65 pp, p = 0.07: not distinguishable
    monthly = monthly[monthly.index.year >= 1988]
    assert got["excess_pct"] == pytest.approx(nov.mean() - monthly.mean(), abs=1e-9)
    assert round(got["welch_t_vs_other_months"], 1) == 1.7 and got["verdict"] == "indistinct"
    assert got["q"] == pytest.approx(0.292, abs=1e-3)
    # January 1988 counts (base close 1987-12-31), January 2025 is not yet there
    assert rec["month_stats"]["RUT"]["January"]["n"] == 37
    assert rec["month_stats_fdr"] == {"cells": 60, "surviving": 0, "surviving_cells": [],
                                      "distinct": 10, "t_vs_zero": 17, "q_level": 0.1}


def test_nb03_santa_january_election_rank(figures):
    rec, folder = figures[:2]
    rut = _closes(folder, "RUT")
    santa = rec["santa_rally"]["RUT"]
    assert santa["latest_year"] == 2023 and santa["n"] == 36  # Dec 1988..Dec 2023
    assert santa["latest_pct"] == pytest.approx(
        (rut.loc["2024-01-03"] / rut.loc["2023-12-21"] - 1) * 100)
    assert round(santa["latest_pct"], 2) == -2.87
    spx = rec["santa_rally"]["SPX"]
    assert round(spx["t"], 1) == 2.1 and round(spx["baseline_pct"], 2) == 0.28
    assert round(spx["excess_pct"], 2) == 0.60 and spx["p"] > 0.05
    assert spx["verdict"] == "indistinct" and spx["episodes"] == 36
    assert rec["santa_rally"]["RUT"]["verdict"] == "above"  # p = 0.042, fragile
    jan = rec["january_effect"]
    assert jan["n"] == 37 and abs(jan["mean_pct"]) < 1.0 and abs(jan["t"]) < stats.T_CRIT
    assert jan["verdict"] == "indistinct"
    six = rec["best_six_months"]
    assert [six[k]["verdict"] for k in ("RUT", "SPX", "NDX", "DJI", "RUT-SPX")] == [
        "supported", "supported", "not supported", "supported", "not supported"]
    assert six["RUT"]["nov_apr"]["loo_flip_years"] == [2002, 2010, 2011, 2021]
    for key in ("january_barometer", "first_five_days", "december_low",
                "mid_january_reversal"):
        assert {v["verdict"] for v in rec[key].values()} == {"not supported"}, key
    ele = rec["election_year_november"]["RUT"]
    assert ele["election_years"]["n"] == 10  # 1988..2024
    assert ele["other_years"]["n"] == 27
    rank = rec["latest_month_rank"]["RUT"]
    assert rank == {"month": "2024-11", "return_pct": pytest.approx(10.8383, abs=1e-3),
                    "rank": 3, "of": 37}
    assert np.isfinite(rec["latest_month_rank"]["RUT-SPX"]["return_pct"])


def test_nb03_prose_says_the_asof_and_the_verdicts(figures):
    text = _markdown_outputs(figures[2])
    # the requested Sunday snaps to Friday's close, and the page says both dates
    assert ("Data as of 2024-12-13 (requested 2024-12-15: the last complete bar of RUT and SPX "
            "on or before it).") in text
    assert "December 2024 is month-to-date through 2024-12-13 (partial)" in text
    assert "**November 2024** (latest complete month): RUT +10.8%, SPX +5.7%" in text
    # the audit: November is strong against zero (t = 2.5), not against the other months
    assert "November has been above the average month for RUT, but not distinguishably so: " \
           "mean +2.49%" in text
    assert "an excess of +1.65 pp (95% CI -0.10 pp to +3.35 pp, p = 0.069, q = 0.29; 37 " \
           "independent observations). Against the other eleven months Welch t = 1.7 " \
           "(against zero t = 2.5)." in text
    assert "November has been a strong month" not in text
    assert "**0 of 60 month x series cells survive at q ≤ 10%**" in text
    assert "17 have |t| ≥ 1.96 against zero" in text
    assert "- **NDX**: best month on average November (+2.78%" in text
    assert "- **SPX**: mean +0.87% over 36 windows" in text
    assert "against the average 7-day window of +0.28%, an excess of +0.60 pp (95% CI -0.20 pp " \
           "to +1.43 pp, p = 0.15; 36 independent observations): not distinguishable from an " \
           "ordinary 7-day window (against zero t = 2.1)." in text
    assert "The data do not support a reliable January effect." in text
    assert "The claim that November-April beats May-October holds, at p &lt; 0.05, for 3 of 5 " \
           "columns (RUT, SPX, DJI)" in text
    assert "The claim that January's sign foretells the rest of the year holds, at p &lt; 0.05, " \
           "for 0 of 5 columns" in text
    assert "Excluded, window not complete as of the data: 2024 (0 of 2 January sessions by " \
           "2024-12-13)." in text
    assert "2024 so far: +15.8% after 241 trading days (to 2024-12-13)" in text
    assert "- RUT: 2024-11 +10.8%, rank 3 of 37 (in the top quarter" in text


def _html_outputs(nb) -> list:
    return [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "text/html" in o.get("data", {})]


def test_nb03_brief_says_the_verdicts_with_numbers_and_links(figures):
    rec, nb = figures[0], figures[2]
    brief = rec["brief"]
    assert 3 <= len(brief) <= 6 and all(isinstance(s, str) for s in brief)
    headings = {page.anchor(line.lstrip("#").strip()) for c in nb.cells
                if c.cell_type == "markdown" for line in c.source.splitlines()
                if re.match(r"^#{2,3} ", line)}
    for s in brief:
        link = re.search(r" \[→\]\((#[^)]+)\)$", s)
        assert link and link.group(1) in headings, s
    assert brief[0] == (
        "**November is not distinguishable from RUT's average month**: it averaged +2.49% over "
        "37 years, an excess of +1.65 pp over the average month (95% CI -0.10 pp to +3.35 pp, "
        "p = 0.069, q = 0.29 over 60 cells; 37 independent years). "
        "[→](#Month-of-year-statistics)")
    assert "0 of the 60 month x series cells survive the false-discovery control" in brief[1]
    assert brief[2].startswith("**The Santa Claus rally beats an ordinary 7-day window for "
                               "RUT**: +1.28% on average")
    assert "not distinguishable for SPX, NDX, DJI and RUT-SPX" in brief[2]
    assert brief[3].startswith("**No reliable January effect**: in January small caps (RUT) "
                               "lagged large caps (SPX) by 0.05 pp on average and beat them in "
                               "41% of years")
    assert brief[4].startswith("**Best Six Months holds for RUT, SPX and DJI** at p < 0.05: "
                               "for RUT November-April beat May-October by ")
    assert brief[5].startswith("**The January Barometer, the First Five Days, the December Low "
                               "and the mid-January reversal hold for none of the 5 columns**")
    # the brief's own output is the notebook's last: the runner takes it to the top
    last = nb.cells[-1]["outputs"][-1]["data"]
    assert page.RECORD_MIMETYPE in last and "text/markdown" in last


def test_nb03_page_reads_well(figures):
    nb = figures[2]
    text = _markdown_outputs(nb)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Recorded figures" not in sources and "`series`" not in sources
    assert ("Inputs: daily closes of RUT, SPX, NDX and DJI, and the spread RUT minus SPX (small "
            "caps minus large caps, in percentage points); calendar months from 1988-01 (DJI "
            "from 1992-02) to the as-of date 2024-12-13.") in text
    tables = _html_outputs(nb)
    joined = "\n".join(tables)
    assert "NaN" not in joined and ">flag<" not in joined and "election_years" not in joined
    assert "january_up" not in joined and "nov_apr" not in joined
    # the January table rounds as the text does (2 decimals, whole percent)
    jan = next(t for t in tables if "mean rel (pp)" in t)
    assert ">-0.05<" in jan and ">41<" in jan
    assert "lagged large caps (SPX) by 0.05 pp on average" in text and "(41%)" in text
    # the verdict comes before any table of the analyses; the long tables come last
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                 and c.source.startswith("## Month-of-year statistics"))
    kinds = [("table" if "text/html" in o.get("data", {}) else
              "image" if "image/png" in o.get("data", {}) else "text")
             for c in nb.cells[first:] if c.cell_type == "code" for o in c.get("outputs", [])
             if o.get("output_type") != "stream"]
    assert kinds.index("image") < kinds.index("table")
    heads = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"
             and c.source.startswith("## ")]
    assert heads[0] == "## Month-of-year statistics" and heads[-1] == "## Tables"
    month_table = next(t for t in tables if t.count("<tr") > 60)
    assert tables.index(month_table) >= len(tables) - 5  # among the five under Tables
