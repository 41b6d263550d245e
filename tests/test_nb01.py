"""Notebook 01 (yields vs small caps) end to end on the real data in ../shared/data/market."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import run_notebook

NB = "01_yields_vs_small_caps"
KEYS = {"yield_last", "yield_change_1w_bp", "yield_change_4w_bp", "relative_return_1w_pct",
        "corr_full", "corr_rolling_latest", "beta_per_100bp_pct", "beta_tstat_hac", "r_squared",
        "regimes", "granger_pvalue_yield_to_relative", "granger_pvalue_relative_to_yield"}


def _close(path, column="Close") -> pd.Series:
    """One column of a raw CSV, read independently of the kit's reader."""
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame[column].dropna()


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
