"""Notebook 01 (yields vs small caps) end to end on the real data in ../shared/data/market."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import NOTEBOOKS, run_notebook
from test_page import check_brief, check_page_outputs

NB = "01_yields_vs_small_caps"
KEYS = {"yield_last", "yield_change_1w_bp", "yield_change_4w_bp", "relative_return_1w_pct",
        "corr_full", "corr_rolling_latest", "beta_per_100bp_pct", "beta_tstat_hac", "r_squared",
        "regimes", "granger_pvalue_yield_to_relative", "granger_pvalue_relative_to_yield",
        "fed_regimes", "fed_data_end", "fed_unlabelled_periods"}


def _close(path, column="Close") -> pd.Series:
    """One column of a raw CSV, read independently of the kit's reader."""
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame[column].dropna()


def _plain_fed_regimes(market, asof="2024-11-08", start="1990-01-01") -> dict:
    """The Fed-cycle slopes from the raw CSVs with plain pandas and statsmodels: Friday-week
    closes, the 28-day average DFF against the same average 182 days earlier (±25 bp), and an
    OLS with Newey-West errors (lags floor(4 (n / 100) ** (2 / 9))) per regime."""
    rut = _close(market / "RUT.csv").loc[start:asof]
    spx = _close(market / "GSPC.csv").loc[start:asof]
    dgs = _close(market / "DGS10.csv", "DGS10").loc[start:asof]
    dff = _close(market / "DFF.csv", "DFF").loc[start:asof]
    eq = pd.concat([rut, spx], axis=1, join="inner").dropna()
    weeks = eq.groupby(eq.index.to_period("W-FRI")).tail(1)
    y = dgs.reindex(weeks.index, method="ffill")
    rel = (weeks.iloc[:, 0].pct_change() - weeks.iloc[:, 1].pct_change()) * 100
    dy = y.diff() * 100
    avg = dff.rolling("28D").mean()
    then = weeks.index - pd.Timedelta(days=182)
    change = (avg.reindex(weeks.index).to_numpy() - avg.reindex(then).to_numpy()) * 100
    change = pd.Series(change, index=weeks.index).round(9)
    change[then < dff.index[0] + pd.Timedelta(days=27)] = np.nan
    frame = pd.DataFrame({"rel": rel, "dy": dy, "change": change}).dropna()
    frame["regime"] = np.where(frame["change"] < -25, "easing",
                               np.where(frame["change"] > 25, "tightening", "hold"))
    out = {}
    for regime, g in frame.groupby("regime"):
        lags = max(1, math.floor(4 * (len(g) / 100) ** (2 / 9)))
        fit = sm.OLS(g["rel"].to_numpy(), sm.add_constant(g["dy"].to_numpy() / 100)).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags})
        out[regime] = {"n": len(g), "beta": fit.params[1], "t": fit.tvalues[1],
                       "mean": g["rel"].mean(), "excess": g["rel"].mean() - frame["rel"].mean()}
    return out


def test_notebook_01_on_real_data_as_of_a_friday(shared_market, tmp_path):
    rec = run_notebook(NB, tmp_path, source="csv", data_dir=str(shared_market), asof="2024-11-08")
    assert KEYS <= set(rec)
    assert rec["provenance"]["DGS10"]["last"] == "2024-11-08"
    # the yield on the last Friday <= asof, straight from the CSV (PROVENANCE.md: 4.30)
    dgs10 = _close(shared_market / "DGS10.csv", "DGS10")
    assert rec["yield_last"] == dgs10.loc["2024-11-08"] == 4.30
    assert rec["yield_change_1w_bp"] == pytest.approx(
        (dgs10.loc["2024-11-08"] - dgs10.loc["2024-11-01"]) * 100) == pytest.approx(-7.0)
    assert rec["yield_change_4w_bp"] == pytest.approx(
        (dgs10.loc["2024-11-08"] - dgs10.loc["2024-10-11"]) * 100)
    rut = _close(shared_market / "RUT.csv")
    spx = _close(shared_market / "GSPC.csv")
    rel = ((rut.loc["2024-11-08"] / rut.loc["2024-11-01"] - 1)
           - (spx.loc["2024-11-08"] / spx.loc["2024-11-01"] - 1)) * 100
    assert rec["relative_return_1w_pct"] == pytest.approx(rel, abs=1e-9)
    assert rel == pytest.approx(8.5746 - 4.6561, abs=1e-3)  # RUT +8.57 %, S&P +4.66 %
    # full-sample weekly 1990..2024-11: positive, significant slope (against the claim)
    assert 1.0 < rec["beta_per_100bp_pct"] < 3.0
    assert rec["beta_tstat_hac"] > 3
    assert round(rec["beta_per_100bp_pct"], 2) == 1.96 and round(rec["beta_tstat_hac"], 2) == 5.29
    assert 0.005 < rec["r_squared"] < 0.05
    assert rec["r_squared"] == pytest.approx(rec["corr_full"] ** 2, rel=1e-9)
    assert -1 <= rec["corr_rolling_latest"] <= 1
    regimes = rec["regimes"]
    assert set(regimes) == {"falling", "neutral", "rising"}
    # 13-week look-back: the regimes partition all weekly changes but the first 12
    assert sum(r["n"] for r in regimes.values()) > 1800
    for r in regimes.values():
        assert 0 <= r["hit_rate"] <= 1 and r["n"] > 100
    for key in ("granger_pvalue_yield_to_relative", "granger_pvalue_relative_to_yield"):
        assert 0 <= rec[key] <= 1
    # episodes of the 13-week yield regimes: far fewer than the weeks they hold
    assert all(5 < r["episodes"] < r["n"] / 5 for r in regimes.values())
    # the Fed cycle, recomputed from the raw CSVs with plain pandas and statsmodels
    fed = rec["fed_regimes"]
    plain = _plain_fed_regimes(shared_market)
    assert set(fed) == set(plain) == {"easing", "tightening", "hold"}
    for regime, p in plain.items():
        got = fed[regime]
        assert got["n"] == p["n"], regime
        assert got["beta_per_100bp_pct"] == pytest.approx(p["beta"], rel=1e-9), regime
        assert got["beta_tstat_hac"] == pytest.approx(p["t"], rel=1e-9), regime
        assert got["mean_rel_return_pct"] == pytest.approx(p["mean"], rel=1e-9), regime
        assert got["excess_rel_return_pp"] == pytest.approx(p["excess"], rel=1e-9), regime
        assert 0 <= got["excess_p_value"] <= 1
    assert (fed["easing"]["n"], fed["tightening"]["n"], fed["hold"]["n"]) == (437, 492, 860)
    # the claim's negative slope appears in no regime: positive and significant in all three
    assert all(r["beta_per_100bp_pct"] > 0 and r["beta_tstat_hac"] > 1.96 for r in fed.values())
    assert (fed["easing"]["episodes"], fed["tightening"]["episodes"]) == (7, 6)
    assert rec["fed_data_end"] == "2024-11-08" and rec["fed_unlabelled_periods"] == 0
    # the brief: the verdict on the claim with its number, band, t and periods, linked
    executed = nbformat.read(tmp_path / f"{NB}.out.ipynb", as_version=4)
    brief = check_brief(rec, nbformat.read(NOTEBOOKS / f"{NB}.ipynb", as_version=4))
    assert brief[0].startswith("**The data contradict the claim that RUT outperforms SPX when "
                               "DGS10 falls**")
    slope = f"{rec['beta_per_100bp_pct']:+.2f} pp"
    assert f"**{slope}**" in brief[0] and f"t = {rec['beta_tstat_hac']:.2f}" in brief[0]
    assert brief[0].endswith("[→](#Full-sample-sensitivity)")
    assert any("Through the Fed cycle (DFF)" in b for b in brief)
    assert brief[-1].startswith("As of 2024-11-08, DGS10 is at 4.30%, -7 bp on the week")
    check_page_outputs(executed)
    # one rounding per kind of number: the slope reads the same in the table and the prose
    text = "\n".join(str(o.get("data", {}).get(kind, "")) for c in executed.cells
                     if c.cell_type == "code" for o in c.outputs
                     for kind in ("text/html", "text/markdown"))
    assert f"{slope}</td>" in text and f"{slope} RUT vs SPX relative return" in text


def test_notebook_01_runs_monthly_on_dgs2_at_the_default_asof(shared_market, tmp_path):
    rec = run_notebook(NB, tmp_path, source="csv", data_dir=str(shared_market),
                       yield_series="DGS2", freq="M", window=24, regime_periods=3)
    assert KEYS <= set(rec)
    # blank asof: the kit's rule, the last complete RUT and SPX bar.  RUT's 2026-02-23 row is a
    # provisional snapshot (Volume 0), so the as-of is Friday 2026-02-20; DGS2 that day (3.48)
    dgs2 = _close(shared_market / "DGS2.csv", "DGS2")
    assert rec["yield_last"] == dgs2.loc["2026-02-20"] == 3.48
    assert rec["yield_change_1w_bp"] == pytest.approx(
        (dgs2.loc["2026-02-20"] - dgs2.loc["2026-02-13"]) * 100)
    assert rec["provenance"]["RUT"]["last"] == "2026-02-20"
    assert sum(r["n"] for r in rec["regimes"].values()) > 400
    # DFF ends 2025-10-09 (PROVENANCE.md): the five month-ends after it carry no Fed label
    assert rec["provenance"]["DFF"]["last"] == "2025-10-09"
    assert rec["fed_data_end"] == "2025-10-09" and rec["fed_unlabelled_periods"] == 5
    assert sum(r["n"] for r in rec["fed_regimes"].values()) > 400
