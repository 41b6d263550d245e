"""Tests for smallcaps.charts.ratios: the plot functions on plain Series / DataFrames (titles,
labels, lines, markers, colours, source notes; they never show) and the adapters that unpack
a ratio-study result."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from smallcaps import charts, ratios
from smallcaps.charts.base import COLORS, date_span

PROV = {"RUT": {"provider": "yahoo", "symbol": "^RUT", "source": "csv"},
        "SPX": {"provider": "yahoo", "symbol": "^GSPC", "source": "csv"}}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _ratio(n=300) -> pd.Series:
    idx = pd.bdate_range("2024-01-01", periods=n)
    return pd.Series(np.linspace(0.40, 0.44, n), index=idx, name="RUT/SPX")


def _source(ax) -> str:
    return next(t.get_text() for t in ax.texts if t.get_text().startswith("Source"))


def test_plot_ratio_draws_what_it_is_given(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(1))
    r = _ratio()
    mas = pd.DataFrame({"50-day average (rising)": r.rolling(50).mean(),
                        "200-day average (rising)": r.rolling(200).mean()})
    ev = pd.Series([1, 1, -1], index=r.index[[100, 150, 200]])
    trend = pd.Series([0.41, 0.44], index=r.index[[50, -1]])
    ax = charts.plot_ratio(r, mas, ev, {"12m trend up (+0.50%/mo, R² 0.90)": trend},
                           breakout_days=252, provenance=PROV)
    assert ax.get_title() == "RUT/SPX ratio, 2024-01-01 to 2025-02-21"
    assert ax.get_ylabel() == "RUT / SPX (ratio of closes, log scale)"
    assert ax.get_yscale() == "log"
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels == ["RUT/SPX", "50-day average (rising)", "200-day average (rising)",
                      "12m trend up (+0.50%/mo, R² 0.90)"]
    highs, lows = ax.collections
    assert highs.get_label() == "new 252-day high (2)" and len(highs.get_offsets()) == 2
    assert lows.get_label() == "new 252-day low (1)"
    assert to_hex(highs.get_facecolor()[0]) == COLORS["up"]
    assert to_hex(lows.get_facecolor()[0]) == COLORS["down"]
    assert lows.get_offsets()[0][1] == pytest.approx(r.iloc[200])
    # green and red mean up and down only: averages in other colours, a rising trend green
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert not {to_hex(lines[k].get_color()) for k in mas} & {COLORS["up"], COLORS["down"]}
    up = lines["12m trend up (+0.50%/mo, R² 0.90)"]
    assert to_hex(up.get_color()) == COLORS["up"] and up.get_linewidth() >= 2
    down = charts.plot_ratio(r, trends={"3m trend down (-1.00%/mo, R² 0.50)": trend[::-1],
                                        "12m trend flat (+0.10%/mo, R² 0.10)": trend})
    colors = [to_hex(ln.get_color()) for ln in down.get_lines()[1:]]
    assert colors == [COLORS["down"], COLORS["neutral"]]
    assert _source(ax) == "Source: RUT: Yahoo Finance ^RUT, via csv file; SPX: Yahoo Finance " \
                          "^GSPC, via csv file"
    assert not shown


def test_plot_ratio_flags_stale_data_and_linear_scale():
    r = _ratio()
    ax = charts.plot_ratio(r, log_scale=False, asof="2025-03-31")
    assert ax.get_yscale() == "linear"
    assert ax.get_title().endswith("[DATA ENDS 2025-02-21; report as of 2025-03-31]")
    assert "log scale" not in ax.get_ylabel()
    assert len(ax.get_lines()) == 1 and not ax.collections
    assert _source(ax) == "Source: unknown"
    fig, given = plt.subplots()
    assert charts.plot_ratio(r, ax=given) is given


def test_plot_pair_overlay_lines_and_labels():
    idx = pd.bdate_range("2024-01-01", periods=100)
    lines = pd.DataFrame({"IWM": np.linspace(100, 110, 100), "QQQ": np.linspace(100, 125, 100)},
                         index=idx)
    ax = charts.plot_pair_overlay(lines, "2024-01-01", asof="2024-06-28")
    assert ax.get_title() == ("IWM vs QQQ, 2024-01-01 to 2024-05-17  [DATA ENDS 2024-05-17; "
                              "report as of 2024-06-28]")
    assert ax.get_ylabel() == "close,\nrebased to 100 on 2024-01-01 (log scale)"
    data = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    assert [ln.get_label() for ln in data] == ["IWM: +10.0% since 2024-01-01",
                                               "QQQ: +25.0% since 2024-01-01"]
    assert [to_hex(ln.get_color()) for ln in data] == [COLORS["small"], COLORS["large"]]


def test_plot_ratio_grid_colours_up_green_down_red():
    idx = pd.bdate_range("2024-01-01", periods=100)
    reb = pd.DataFrame({"RUT/SPX": np.linspace(100, 120, 100),
                        "NDX/SPX": np.linspace(100, 90, 100),
                        "IWM/QQQ": np.r_[np.linspace(100, 95, 60), [np.nan] * 40]}, index=idx)
    axes = charts.plot_ratio_grid(reb, "2024-01-01", stale={"IWM/QQQ": idx[59]}, ncols=2)
    assert len(axes) == 4 and [ax.get_visible() for ax in axes] == [True, True, True, False]
    titles = [ax.get_title() for ax in axes[:3]]
    assert titles == ["RUT/SPX: 120", "NDX/SPX: 90", f"IWM/QQQ: 95 (ends {idx[59]:%Y-%m-%d})"]
    colors = [to_hex(ax.get_lines()[0].get_color()) for ax in axes[:3]]
    assert colors == [COLORS["up"], COLORS["down"], COLORS["down"]]
    assert axes[0].get_ylabel().startswith("ratio, rebased to 100\non 2024-01-01")
    assert axes[2].get_ylabel().startswith("ratio, rebased to 100")  # first of the second row
    assert axes[1].get_ylabel() == ""
    assert axes[0].figure.get_suptitle() == ("Ratios rebased to 100 on 2024-01-01, 2024-01-01 "
                                             "to 2024-05-17")
    assert any(t.get_text().startswith("Source") for t in axes[2].texts)


def _study():
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=900)

    def walk():
        return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 900))), index=idx)

    prices = pd.DataFrame({"RUT": walk(), "SPX": walk(), "NDX": walk()})
    prices["IWM"], prices["QQQ"] = prices["RUT"] / 10, prices["NDX"] / 20
    return prices, ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])


def test_chart_adapters_unpack_results():
    prices, study = _study()
    a = study.pairs["RUT/SPX"]
    ax = charts.chart_ratio(a)
    assert ax.get_title() == f"RUT/SPX ratio, {date_span(a.ratio.loc[a.start:].index)}"
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels[1:3] == [f"50-day average ({a.ma_slope(50)[0]})",
                           f"200-day average ({a.ma_slope(200)[0]})"]
    t12 = a.trends["12m"]
    assert f"12m trend {t12.direction} ({t12.slope_pct:+.2f}%/mo, R² {t12.r2:.2f})" in labels
    only200 = charts.chart_ratio(a, mas=[200], log_scale=False)
    assert [ln.get_label() for ln in only200.get_lines()][1] == (
        f"200-day average ({a.ma_slope(200)[0]})")
    assert only200.get_yscale() == "linear"
    (ov,) = study.overlays()
    ax2 = charts.chart_pair_overlay(ov)
    assert "IWM vs QQQ" in ax2.get_title()
    at = ov.rebase_date  # the window starts before the data: its first date
    assert at == prices.index[0]
    for ln in [ln for ln in ax2.get_lines() if len(ln.get_xdata()) > 2]:
        s = pd.Series(ln.get_ydata(), index=pd.DatetimeIndex(ln.get_xdata()))
        assert s.loc[:at].iloc[-1] == pytest.approx(100.0)
    axes = charts.chart_ratio_grid(study)
    assert len([x for x in axes if x.get_visible()]) == 2
    last = study.rebased()["RUT/SPX"].dropna().iloc[-1]
    assert axes[0].get_title() == f"RUT/SPX: {last:.0f}"


def test_chart_names_are_exported():
    from smallcaps.charts import ratios as module

    assert set(module.__all__) == {"plot_ratio", "plot_pair_overlay", "plot_ratio_grid",
                                   "chart_ratio", "chart_pair_overlay", "chart_ratio_grid"}
    assert all(getattr(charts, name) is getattr(module, name) for name in module.__all__)


def test_axes_say_whether_etf_prices_are_dividend_adjusted():
    prices, _ = _study()
    prices.attrs["field"] = "adj_close"
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ", "IWM/SPX"])
    assert charts.chart_ratio(study.pairs["IWM/QQQ"]).get_ylabel() == (
        "IWM / QQQ (ratio of dividend-adjusted closes, log scale)")
    assert charts.chart_ratio(study.pairs["RUT/SPX"], log_scale=False).get_ylabel() == (
        "RUT / SPX (ratio of closes)")
    assert charts.chart_ratio(study.pairs["IWM/SPX"]).get_ylabel() == (
        "IWM / SPX (IWM dividend-adjusted close / SPX close, log scale)")
    (ov,) = study.overlays()
    at = f"{ov.rebase_date:%Y-%m-%d}"
    assert charts.chart_pair_overlay(ov).get_ylabel() == (
        f"total return (dividend-adjusted close),\nrebased to 100 on {at} (log scale)")
    prices.attrs["field"] = "close"
    (ov,) = ratios.analyze_pairs(prices, ["IWM/QQQ"]).overlays()
    assert charts.chart_pair_overlay(ov, log_scale=False).get_ylabel() == (
        f"close,\nrebased to 100 on {at}")
