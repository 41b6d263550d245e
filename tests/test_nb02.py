"""Notebook 02 end to end on the real data, checked against an independent computation from the
raw CSV files (parsed here with the csv module, not with the kit's reader).

The default as-of is the kit's one rule: 2026-02-20 on the shared data (RUT's 2026-02-23 row
is a provisional snapshot), where the notebook used to take the first pair's last common date
(2026-02-23).  A weekend as-of (2026-02-22) renders the same figures as that Friday.

ETFs are read on their dividend-adjusted close by default (``etf_field="adj_close"``): in the
yfinance files that is the second column, headed "Price" (PROVENANCE.md), read here with plain
pandas; indexes have no adjusted close and stay on their levels."""

from __future__ import annotations

import csv
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import NOTEBOOKS, run_notebook
from test_page import check_brief, check_page_outputs

FIELDS = ("last", "change_1m_pct", "change_3m_pct", "change_ytd_pct", "above_ma50", "above_ma200",
          "ma50_slope", "ma200_slope", "percentile_1y", "trend_3m", "trend_12m",
          "last_breakout_date", "trend_start_date")
FILES = {"RUT": "RUT.csv", "SPX": "GSPC.csv", "NDX": "NDX.csv", "DJI": "DJI.csv",
         "IWM": "IWM.csv", "SPY": "SPY.csv", "QQQ": "QQQ.csv"}


def raw_closes(path) -> pd.Series:
    """The Close column of a raw CSV (Yahoo, or yfinance with its 4-line header)."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = next(r for r in rows if r and r[0] in ("Date", "Price"))
    ci = header.index("Close")
    out = {r[0][:10]: float(r[ci]) for r in rows if r and r[0][:4].isdigit() and r[ci]}
    return pd.Series(out, dtype=float).rename(index=pd.Timestamp).sort_index()


def raw_adj(path) -> pd.Series:
    """The dividend-adjusted close of a yfinance ETF file: its "Price" column (the second one;
    pandas names it ``Price.1`` after the date column, also headed "Price"), plain pandas."""
    frame = pd.read_csv(path, header=0, skiprows=[1, 2, 3], index_col=0, parse_dates=True)
    return frame["Price.1"].astype(float)


ETFS = {"IWM", "SPY", "QQQ"}


def raw_series(market, key, field="adj_close") -> pd.Series:
    """What the notebook reads for ``key``: the adjusted close for an ETF on ``adj_close``,
    else the close."""
    path = market / FILES[key]
    return raw_adj(path) if key in ETFS and field == "adj_close" else raw_closes(path)


def raw_ratio(market, num, den, asof, field="adj_close") -> pd.Series:
    a, b = raw_series(market, num, field), raw_series(market, den, field)
    both = pd.concat([a, b], axis=1, join="inner").loc[:asof]
    return both.iloc[:, 0] / both.iloc[:, 1]


def pct_since(s: pd.Series, ref_date) -> float:
    return (s.iloc[-1] / s.loc[:ref_date].iloc[-1] - 1) * 100


@pytest.fixture(scope="module")
def market():
    from conftest import SHARED_MARKET

    if not (SHARED_MARKET / "RUT.csv").is_file():
        pytest.skip(f"real market data not found at {SHARED_MARKET}")
    return SHARED_MARKET


@pytest.fixture(scope="module")
def latest_run(market, tmp_path_factory):
    """The notebook's figures at the default as-of and its executed copy."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMALLCAPS_OFFLINE", "1")
    mp.setenv("SMALLCAPS_CATALOG", "none")
    folder = tmp_path_factory.mktemp("nb02")
    try:
        rec = run_notebook("02_ratio_charts", folder, source="csv", data_dir=str(market))
        yield rec, nbformat.read(folder / "02_ratio_charts.out.ipynb", as_version=4)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def latest(latest_run):
    return latest_run[0]


def test_brief_and_what_the_page_shows(latest_run):
    rec, executed = latest_run
    brief = check_brief(rec, nbformat.read(NOTEBOOKS / "02_ratio_charts.ipynb", as_version=4))
    check_page_outputs(executed)
    r = rec["ratios"]["RUT/SPX"]
    assert brief[0].startswith("**RUT/SPX ")
    side = "above" if r["above_ma200"] else "below"
    assert f"at {r['last']:.4f} on 2026-02-20 it is " in brief[0]
    assert f"% {side} its 200-day average, which is {r['ma200_slope']}" in brief[0].replace(
        "still ", "")
    assert f"({r['trend_12m_slope_pct_per_month']:+.2f}%/month, R² {r['trend_12m_r2']:.2f}" \
        in brief[0]
    assert brief[0].endswith("[→](#Relative-strength-at-a-glance)")
    assert any(b.startswith("Over the month to 2026-02-20, ") for b in brief)
    assert brief[-1].startswith("The dividend adjustment moves IWM/QQQ by ")
    shown = "\n".join(str(o.get("data", {}).get(k, "")) for c in executed.cells
                      if c.cell_type == "code" for o in c.outputs
                      for k in ("text/html", "text/markdown"))
    assert re.search(r"<td>\d{1,3},\d{3}\.\d{2}</td>", shown)  # index levels: 6,832.76
    assert "-0.00" not in shown and "00:00:00" not in shown


def test_records_have_issue_fields(latest):
    assert set(latest["ratios"]) == {"RUT/SPX", "RUT/NDX", "DJI/NDX", "NDX/SPX", "IWM/QQQ"}
    for pair, rec in latest["ratios"].items():
        for f in FIELDS:
            assert f in rec, (pair, f)
        assert rec["ma50_slope"] in ("rising", "falling")
        assert rec["ma200_slope"] in ("rising", "falling")
        assert rec["trend_3m"] in ("up", "down", "flat")
        assert rec["trend_12m"] in ("up", "down", "flat")
        assert 0 <= rec["percentile_1y"] <= 100
    assert latest["provenance"]["RUT"]["synthetic"] is False
    # nothing after the as-of date is even loaded (SPX and NDX run to 2026-07-13 in the files)
    assert latest["provenance"]["SPX"]["last"] == "2026-02-20"
    assert latest["provenance"]["NDX"]["last"] == "2026-02-20"
    assert latest["provenance"]["IWM"]["stale"] is True


def test_rut_spx_matches_raw_csv(latest, market):
    rec = latest["ratios"]["RUT/SPX"]
    asof = pd.Timestamp("2026-02-20")  # last complete RUT and SPX bar
    assert rec["data_end"] == "2026-02-20" and rec["stale"] is False
    r = raw_ratio(market, "RUT", "SPX", asof)
    assert rec["last"] == pytest.approx(r.iloc[-1], rel=1e-12)
    assert rec["change_1m_pct"] == pytest.approx(pct_since(r, "2026-01-20"), rel=1e-9)
    assert rec["change_3m_pct"] == pytest.approx(pct_since(r, "2025-11-20"), rel=1e-9)
    assert rec["change_ytd_pct"] == pytest.approx(pct_since(r, "2025-12-31"), rel=1e-9)
    # five years back is Saturday 2021-02-20: the window and the rebase start on Monday
    assert rec["rebase_date"] == "2021-02-22"
    assert rec["change_since_pct"] == pytest.approx(
        (r.iloc[-1] / r.loc["2021-02-22"] - 1) * 100, rel=1e-9)
    ma50, ma200 = r.iloc[-50:].mean(), r.iloc[-200:].mean()
    assert rec["above_ma50"] == bool(r.iloc[-1] > ma50)
    assert rec["above_ma200"] == bool(r.iloc[-1] > ma200)
    ma200_20 = r.iloc[-220:-20].mean()
    assert rec["ma200_slope"] == ("rising" if ma200 > ma200_20 else "falling")
    w = r.iloc[-252:].to_numpy()
    pct = ((w[:-1] < w[-1]).sum() + 0.5 * (w[:-1] == w[-1]).sum()) / 251 * 100
    assert rec["percentile_1y"] == pytest.approx(pct)
    # 12-month log trend, fitted independently with statsmodels OLS
    import statsmodels.api as sm

    y = r.loc[r.index > asof - pd.DateOffset(months=12)]
    t = (y.index - y.index[0]).days / (365.25 / 12)
    fit = sm.OLS(np.log(y.to_numpy()), sm.add_constant(np.asarray(t, dtype=float))).fit()
    assert rec["trend_12m_slope_pct_per_month"] == pytest.approx(np.expm1(fit.params[1]) * 100)
    assert rec["trend_12m_r2"] == pytest.approx(fit.rsquared)
    # last 252-day high / low and last 200-day crossing, by brute force
    vals = r.to_numpy()
    last_event = max(i for i in range(252, len(vals))
                     if vals[i] > vals[i - 252:i].max() or vals[i] < vals[i - 252:i].min())
    assert rec["last_breakout_date"] == f"{r.index[last_event]:%Y-%m-%d}"
    ma = r.rolling(200).mean()
    side = np.sign(r - ma).dropna()
    flips = side.index[(side != side.shift()).to_numpy()][1:]
    assert rec["trend_start_date"] == f"{flips[-1]:%Y-%m-%d}"


def test_iwm_qqq_is_flagged_stale(latest, market):
    rec = latest["ratios"]["IWM/QQQ"]
    assert rec["stale"] is True and rec["data_end"] == "2025-09-26"
    r = raw_ratio(market, "IWM", "QQQ", "2025-09-26")
    assert rec["last"] == pytest.approx(r.iloc[-1], rel=1e-12)
    assert rec["change_1m_pct"] == pytest.approx(pct_since(r, "2025-08-26"), rel=1e-9)
    assert rec["change_ytd_pct"] == pytest.approx(pct_since(r, "2024-12-31"), rel=1e-9)
    assert rec["basis"] == {"IWM": "total return, dividend-adjusted",
                            "QQQ": "total return, dividend-adjusted"}
    assert latest["ratios"]["RUT/SPX"]["basis"] == {"RUT": "index level, price only",
                                                    "SPX": "index level, price only"}


def test_iwm_qqq_over_five_years_on_total_return_and_on_price(latest, market):
    """What the dividend adjustment moves: IWM/QQQ from 2021-02-22 (the five-year window's
    first trading day) to 2025-09-26, on the "Price" (Adj Close) column and on Close."""
    assert latest["etf_field"] == "adj_close"
    adj = raw_ratio(market, "IWM", "QQQ", "2025-09-26")
    close = raw_ratio(market, "IWM", "QQQ", "2025-09-26", field="close")
    total, price = pct_since(adj, "2021-02-22"), pct_since(close, "2021-02-22")
    rec = latest["ratios"]["IWM/QQQ"]
    assert rec["change_since_pct"] == pytest.approx(total, rel=1e-9)
    effect = latest["basis_effect"]
    assert set(effect) == {"IWM/QQQ"}  # the other pairs are of two indexes: nothing moves
    e = effect["IWM/QQQ"]
    assert e["other_field"] == "close"
    assert e["change_since_pct"] == pytest.approx(total, rel=1e-9)
    assert e["change_since_pct_other"] == pytest.approx(price, rel=1e-9)
    assert e["change_since_diff_pp"] == pytest.approx(total - price, rel=1e-9)
    assert round(total, 1) == -39.9 and round(price, 1) == -41.6  # dividends: +1.74 pp
    assert round(e["change_since_diff_pp"], 2) == 1.74
    assert e["change_ytd_diff_pp"] == pytest.approx(
        pct_since(adj, "2024-12-31") - pct_since(close, "2024-12-31"), rel=1e-9)
    assert e["moved"] == []  # no label (averages, trends, breakouts) changes
    assert latest["ranking_basis"]["IWM"] == "total return, dividend-adjusted"
    assert latest["ranking_basis"]["RUT"] == "index level, price only"


def test_etf_field_close_gives_price_only_ratios(market, tmp_path, latest):
    rec = run_notebook("02_ratio_charts", tmp_path, source="csv", data_dir=str(market),
                       etf_field="close", pairs=["IWM/QQQ", "RUT/SPX"], ranking=["RUT", "IWM"])
    close = raw_ratio(market, "IWM", "QQQ", "2025-09-26", field="close")
    iwm_qqq = rec["ratios"]["IWM/QQQ"]
    assert iwm_qqq["change_since_pct"] == pytest.approx(pct_since(close, "2021-02-22"), rel=1e-9)
    assert iwm_qqq["basis"]["IWM"] == "price only, not dividend-adjusted"
    assert rec["etf_field"] == "close"
    e = rec["basis_effect"]["IWM/QQQ"]
    assert e["other_field"] == "adj_close"
    assert e["change_since_diff_pp"] == pytest.approx(
        -latest["basis_effect"]["IWM/QQQ"]["change_since_diff_pp"], rel=1e-9)
    assert rec["ratios"]["RUT/SPX"] == latest["ratios"]["RUT/SPX"]  # indexes: no adjustment


def test_leaders_exclude_stale_etfs(latest, market):
    asof = pd.Timestamp("2026-02-20")
    one_m = {k: pct_since(raw_closes(market / FILES[k]).loc[:asof], "2026-01-20")
             for k in ("RUT", "SPX", "NDX", "DJI")}
    assert latest["leaders"] == sorted(one_m, key=lambda k: -one_m[k])
    assert latest["stale_series"] == {"IWM": "2025-09-26", "SPY": "2025-09-26",
                                      "QQQ": "2025-09-26"}


def test_past_asof_has_no_stale_pair(market, tmp_path):
    rec = run_notebook("02_ratio_charts", tmp_path, source="csv", data_dir=str(market),
                       asof="2024-11-29", pairs=["RUT/SPX", "IWM/QQQ"], ranking=["RUT", "IWM"])
    iwm_qqq = rec["ratios"]["IWM/QQQ"]
    assert iwm_qqq["stale"] is False and iwm_qqq["data_end"] == "2024-11-29"
    r = raw_ratio(market, "IWM", "QQQ", "2024-11-29")
    assert iwm_qqq["change_1m_pct"] == pytest.approx(pct_since(r, "2024-10-29"), rel=1e-9)
    # RUT/SPX on 2024-11-29 from PROVENANCE.md's reference closes
    assert rec["ratios"]["RUT/SPX"]["last"] == pytest.approx(2434.73 / 6032.38, rel=1e-5)
    assert rec["stale_series"] == {}
    rut = raw_closes(market / "RUT.csv").loc[:"2024-11-29"]
    iwm = raw_adj(market / "IWM.csv").loc[:"2024-11-29"]  # total return
    best = "RUT" if pct_since(rut, "2024-10-29") > pct_since(iwm, "2024-10-29") else "IWM"
    assert rec["leaders"][0] == best and set(rec["leaders"]) == {"RUT", "IWM"}


def test_weekend_asof_renders_the_fridays_figures(latest, market, tmp_path):
    """The issue's bug: an as-of whose five-years-back start falls on a weekend used to fail
    (``rebase date 2021-02-20 is before IWM's first value``)."""
    rec = run_notebook("02_ratio_charts", tmp_path, source="csv", data_dir=str(market),
                       asof="2026-02-22")
    assert rec["ratios"] == latest["ratios"]
    assert rec["leaders"] == latest["leaders"]
    assert rec["stale_series"] == latest["stale_series"]
    assert rec["provenance"]["RUT"]["last"] == "2026-02-20"
    for pair, fig in rec["ratios"].items():
        assert fig["rebase_date"] == "2021-02-22", pair
    r = raw_ratio(market, "IWM", "QQQ", "2025-09-26")
    assert rec["ratios"]["IWM/QQQ"]["change_since_pct"] == pytest.approx(
        (r.iloc[-1] / r.loc["2021-02-22"] - 1) * 100, rel=1e-9)
