"""Notebook 03 (seasonality) end to end on the real market history."""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import plain_closes, run_notebook
from smallcaps import stats

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
    for key in ("monthly_returns", "partial_month", "month_stats", "santa_rally",
                "january_effect", "election_year_november", "latest_month_rank"):
        assert key in rec, key
    assert set(rec["monthly_returns"]) == {"RUT", "SPX", "NDX", "DJI"}
    assert set(rec["month_stats"]) == {"RUT", "SPX", "NDX", "DJI", "RUT-SPX"}
    assert set(rec["month_stats"]["RUT"]) == set(MONTHS)
    assert set(rec["month_stats"]["RUT-SPX"]["January"]) == {"mean", "median", "hit_rate", "n",
                                                               "t"}
    assert set(rec["santa_rally"]["RUT"]) == {"mean_pct", "hit_rate", "n", "latest_pct",
                                              "latest_year"}
    assert set(rec["january_effect"]) == {"mean_pct", "hit_rate", "n", "t"}
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
    # January 1988 counts (base close 1987-12-31), January 2025 is not yet there
    assert rec["month_stats"]["RUT"]["January"]["n"] == 37


def test_nb03_santa_january_election_rank(figures):
    rec, folder = figures[:2]
    rut = _closes(folder, "RUT")
    santa = rec["santa_rally"]["RUT"]
    assert santa["latest_year"] == 2023 and santa["n"] == 36  # Dec 1988..Dec 2023
    assert santa["latest_pct"] == pytest.approx(
        (rut.loc["2024-01-03"] / rut.loc["2023-12-21"] - 1) * 100)
    assert round(santa["latest_pct"], 2) == -2.87
    jan = rec["january_effect"]
    assert jan["n"] == 37 and abs(jan["mean_pct"]) < 1.0 and abs(jan["t"]) < stats.T_CRIT
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
    assert "November has been a strong month for RUT: mean +2.49%" in text
    # T_CRIT = 1.96: NDX January (t = 1.98) and May (t = 1.98) now count
    assert "- **NDX**: best month on average November (+2.78%" in text
    assert "Months with |t| ≥ 1.96: January, May, July, October, November." in text
    assert "The data do not support a reliable January effect." in text
    assert "Excluded, window not complete as of the data: 2024 (0 of 2 January sessions by " \
           "2024-12-13)." in text
    assert "2024 so far: +15.8% after 241 trading days (to 2024-12-13)" in text
    assert "- RUT: 2024-11 +10.8%, rank 3 of 37 (in the top quarter" in text
