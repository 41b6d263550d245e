"""Charts of notebook 01 (smallcaps.charts.rates): the plot functions on plain Series and
DataFrames, and the adapters on a result."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.dates import date2num
from smallcaps import charts, rates
from smallcaps.charts.base import COLORS, date_span
from smallcaps.errors import ParameterError


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _weeks(n=60):
    return pd.date_range("2020-01-03", periods=n, freq="W-FRI")


def _rolling(n=60):
    idx = _weeks(n)
    corr = pd.Series(np.linspace(-0.6, 0.4, n), index=idx)
    corr.iloc[:10] = np.nan
    beta = pd.Series(np.linspace(-2.0, 3.0, n), index=idx)
    return pd.DataFrame({"corr": corr, "beta": beta, "beta_low": beta - 1.0,
                         "beta_high": beta + 1.0})


def test_ratio_vs_yield_rebases_the_ratio_and_inverts_the_yield_axis():
    idx = _weeks()
    ratio = pd.Series(np.linspace(0.5, 0.6, len(idx)), index=idx)
    yld = pd.Series(np.linspace(4.0, 3.0, len(idx)), index=idx)
    ax = charts.plot_ratio_vs_yield(ratio, yld, small="RUT", large="SPX", yield_name="DGS10",
                                    source="Source: test")
    line = ax.get_lines()[0]
    assert line.get_ydata()[0] == pytest.approx(100.0)
    assert line.get_ydata()[-1] == pytest.approx(120.0)
    assert ax.right_ax.yaxis_inverted()
    assert ax.right_ax.get_ylabel() == "DGS10 yield, % (inverted: up = lower yield)"
    assert ax.get_title() == "RUT / SPX vs DGS10 yield (inverted), 2020-01-03 to 2021-02-19"
    assert ax.get_ylabel() == "RUT/SPX ratio, rebased to 100"
    assert [t.get_text() for t in ax.texts] == ["Source: test"]


def test_rolling_correlation_and_beta_draw_the_full_sample_line():
    r = _rolling()
    ax = charts.plot_rolling_correlation(r, full=0.15, window=26, small="RUT", large="SPX",
                                         yield_name="DGS10")
    corr_line, zero, full = ax.get_lines()
    assert len(corr_line.get_xdata()) == 50  # NaN head dropped
    assert full.get_ydata()[0] == pytest.approx(0.15)
    assert "full sample +0.15" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_title().startswith("Rolling correlation: RUT-SPX relative return vs DGS10")
    assert ax.get_title().endswith("2020-03-13 to 2021-02-19")
    assert ax.get_xlabel() == "end of 26-week window"
    assert ax.get_ylim() == (-1, 1)
    assert not ax.texts  # no source given, no note
    ax = charts.plot_rolling_beta(r, full=1.8, window=26, period="week")
    assert ax.get_ylabel() == "pp relative return per +100 bp"
    assert ax.get_lines()[0].get_ydata()[-1] == pytest.approx(3.0)
    assert ax.get_lines()[-1].get_ydata()[0] == pytest.approx(1.8)


def test_regimes_bars_are_coloured_by_sign_with_1_96_se_errors():
    t = pd.DataFrame({"mean_rel_return_pct": [0.10, -0.02, -0.08], "se_pct": [0.02, 0.01, 0.03],
                      "n": [100, 200, 90], "hit_rate": [0.55, 0.5, 0.45], "t": [5.0, -2.0, -2.7]},
                     index=pd.Index(["falling", "neutral", "rising"], name="regime"))
    ax = charts.plot_regimes(t, regime=(13, 25), yield_name="DGS10", dates=_weeks())
    bars = ax.patches
    assert [b.get_height() for b in bars] == pytest.approx([0.10, -0.02, -0.08])
    assert to_hex(bars[0].get_facecolor()) == COLORS["up"]
    assert to_hex(bars[2].get_facecolor()) == COLORS["down"]
    flipped = t.assign(mean_rel_return_pct=[-0.10, 0.02, 0.08])  # the sign, not the regime
    back = charts.plot_regimes(flipped, regime=(13, 25), dates=_weeks()).patches
    assert [to_hex(b.get_facecolor()) for b in back] == [COLORS["down"], COLORS["up"],
                                                        COLORS["up"]]
    assert ax.get_xlabel() == ("DGS10 change over the trailing 13 weeks: falling < -25 bp, "
                               "rising > +25 bp")
    assert ax.get_title() == ("Relative return by yield regime (mean ± 1.96 s.e.), "
                              "2020-01-03 to 2021-02-19")
    notes = [a.get_text() for a in ax.texts]
    assert "n=100, hit 55%\nt=+5.00" in notes
    # the falling bar's label sits on the top of its error bar
    label = next(a for a in ax.texts if a.get_text().startswith("n=100"))
    assert label.xy[1] == pytest.approx(0.10 + 1.96 * 0.02)


def test_cross_correlation_band_and_slopes():
    x = pd.Series(np.linspace(-0.2, 0.2, 17), index=pd.RangeIndex(-8, 9, name="lag"))
    ax = charts.plot_cross_correlation(x, n=400, yield_name="DGS10")
    band = ax.patches[0]
    assert band.get_y() == pytest.approx(-1.96 / 20)
    assert band.get_y() + band.get_height() == pytest.approx(1.96 / 20)
    assert "±1.96/√n (n=400)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_title() == "Cross-correlation: DGS10 change vs small-large relative return"
    t = pd.DataFrame({"slope_pct_per_100bp": [-1.0, 2.0, np.nan], "ci_low": [-2.0, 1.0, np.nan],
                      "ci_high": [0.0, 3.0, np.nan]}, index=["1990s", "2000s", "2010s"])
    ax = charts.plot_slopes(t, by="horizon", dates=_weeks())
    assert [tl.get_text() for tl in ax.get_xticklabels()] == ["1990s", "2000s"]
    colors = [to_hex(c) for c in ax.collections[-1].get_facecolors()]
    assert colors == [COLORS["down"], COLORS["up"]]  # the sign: -1.0 red, +2.0 green
    assert ax.get_xlabel() == "horizon h (overlapping h-week changes)"
    with pytest.raises(ParameterError, match="by 'nope' is not valid"):
        charts.plot_slopes(t, by="nope")


def test_plot_functions_draw_on_a_given_axes():
    _, ax = plt.subplots()
    assert charts.plot_rolling_beta(_rolling(), ax=ax) is ax


def _result():
    rng = np.random.default_rng(4)
    idx = pd.date_range("2000-01-07", periods=301, freq="W-FRI")
    dy = rng.normal(0, 12, 300)
    large_r = rng.normal(0.1, 2.0, 300)
    small_r = large_r - 3.0 * dy / 100 + rng.normal(0, 1.5, 300)
    df = pd.DataFrame({"RUT": 100 * np.cumprod(np.r_[1.0, 1 + small_r / 100]),
                       "SPX": 100 * np.cumprod(np.r_[1.0, 1 + large_r / 100]),
                       "DGS10": 5.0 + np.r_[0.0, np.cumsum(dy)] / 100}, index=idx)
    df.attrs["provenance"] = {
        "RUT": {"provider": "yahoo", "symbol": "^RUT", "source": "csv"},
        "SPX": {"provider": "yahoo", "symbol": "^GSPC", "source": "csv"},
        "DGS10": {"provider": "fred", "symbol": "DGS10", "source": "csv"}}
    return rates.analyze(df, window=26)


def test_adapters_on_a_result_have_dated_titles_units_and_sources():
    res = _result()
    span = date_span(res.sample.index)
    note = ("Source: RUT: Yahoo Finance ^RUT, via csv file; SPX: Yahoo Finance ^GSPC, via csv "
            "file; DGS10: FRED DGS10, via csv file")
    for fn in (charts.chart_ratio_vs_yield, charts.chart_rolling_correlation,
               charts.chart_rolling_beta, charts.chart_regimes, charts.chart_cross_correlation,
               charts.chart_slopes):
        ax = fn(res)
        assert ax.get_title().endswith(span[-10:]), (fn.__name__, ax.get_title())
        assert ax.get_ylabel() and ax.get_xlabel()
        assert [t.get_text() for t in ax.texts if t.get_text().startswith("Source:")] == [note]
        plt.close("all")
    ax = charts.chart_ratio_vs_yield(res)
    assert ax.get_title() == ("Russell 2000 / S&P 500 vs DGS10 yield (inverted), "
                              f"{date_span(res.aligned.index)}")
    ax = charts.chart_rolling_correlation(res)
    assert ax.get_lines()[2].get_ydata()[0] == pytest.approx(res.fit.corr)
    ax = charts.chart_slopes(res, by="horizon")
    assert len(ax.get_xticklabels()) == len(res.by_horizon)
    ax = charts.chart_regimes(res)
    assert [b.get_height() for b in ax.patches[:3]] == pytest.approx(
        res.regimes["mean_rel_return_pct"].tolist())
    with pytest.raises(ParameterError):
        charts.chart_slopes(res, by="nope")


def test_slopes_by_horizon_write_the_non_overlapping_count_under_each_tick():
    t = pd.DataFrame({"slope_pct_per_100bp": [1.8, 3.0], "ci_low": [1.0, 1.2],
                      "ci_high": [2.5, 5.0], "independent": [1885, 71]},
                     index=["1 week", "26 weeks"])
    ax = charts.plot_slopes(t, by="horizon")
    assert [tl.get_text() for tl in ax.get_xticklabels()] == ["1 week, n/h 1885",
                                                              "26 weeks, n/h 71"]


def test_fed_cycle_shades_easing_and_tightening_and_hatches_unlabelled_periods():
    """The regimes are categories, not signs: their own colours, never green / red."""
    idx = _weeks(12)
    ratio = pd.Series(np.linspace(0.5, 0.6, 12), index=idx)
    labels = pd.Series(["easing"] * 3 + ["hold"] * 2 + ["tightening"] * 4, index=idx[1:10])
    rate = pd.Series(np.linspace(5.0, 3.0, 12), index=idx)
    ax = charts.plot_fed_cycle(ratio, labels, rate, small="RUT", large="SPX", fed_name="DFF",
                               source="Source: test")
    spans = list(ax.patches)
    green = [p for p in spans if to_hex(p.get_facecolor()) == COLORS["easing"]]
    red = [p for p in spans if to_hex(p.get_facecolor()) == COLORS["tightening"]]
    assert not [p for p in spans if to_hex(p.get_facecolor()) in (COLORS["up"], COLORS["down"])]
    hatched = [p for p in spans if p.get_hatch() == "//"]
    assert len(green) == len(red) == 1 and len(hatched) == 2  # first and last two weeks
    x0, x1 = green[0].get_x(), green[0].get_x() + green[0].get_width()
    assert (x0, x1) == pytest.approx((date2num(idx[1]), date2num(idx[4])))  # to the next week
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(100.0)
    assert ax.right_ax.get_ylabel() == "DFF, % (28-day average)"
    names = [t.get_text() for t in ax.right_ax.get_legend().get_texts()]
    assert {"easing", "tightening", "no label", "RUT/SPX ratio (left)"} <= set(names)
    assert ax.get_title().startswith("RUT / SPX through the Fed cycle (DFF: easing blue")
    assert charts.plot_fed_cycle(ratio, labels).right_ax is None


def test_fed_regime_bars_carry_the_hac_band_and_the_episode_count():
    t = pd.DataFrame({"slope_pct_per_100bp": [1.5, -1.0, 2.0], "ci_low": [0.1, -2.0, 1.0],
                      "ci_high": [3.0, 0.0, 3.1], "t_hac": [2.0, -2.0, 3.7],
                      "n": [466, 492, 878], "episodes": [7, 6, 15]},
                     index=["easing", "tightening", "hold"])
    ax = charts.plot_fed_regimes(t, yield_name="DGS10", dates=_weeks())
    assert [b.get_height() for b in ax.patches] == pytest.approx([1.5, -1.0, 2.0])
    assert [to_hex(b.get_facecolor()) for b in ax.patches] == [  # by sign, not by regime
        COLORS["up"], COLORS["down"], COLORS["up"]]
    notes = {a.get_text(): a.xy[1] for a in ax.texts}
    assert notes["n=466 weeks, 7 episodes\nt(HAC)=+2.00"] == pytest.approx(3.0)
    assert notes["n=492 weeks, 6 episodes\nt(HAC)=-2.00"] == pytest.approx(-2.0)
    assert ax.get_title() == ("Slope on DGS10 change by Fed regime (95% HAC band), "
                              "2020-01-03 to 2021-02-19")


def test_fed_adapters_need_a_fed_cycle():
    res = _result()
    with pytest.raises(ParameterError, match="has no Fed cycle"):
        charts.chart_fed_cycle(res)
    days = pd.date_range(res.aligned.index[0] - pd.Timedelta(days=6), res.aligned.index[-1])
    dff = pd.Series(np.where(np.arange(len(days)) % 700 < 350, 5.0, 3.0), index=days)
    prices = res.aligned[["small", "large", "yield_pct"]].set_axis(
        ["RUT", "SPX", "DGS10"], axis=1).join(dff.rename("DFF"), how="outer")
    prices.attrs["provenance"] = {"DFF": {"provider": "fred", "symbol": "DFF", "source": "csv"}}
    fed = rates.analyze(prices, window=26, fed_series="DFF")
    ax = charts.chart_fed_cycle(fed)
    assert ax.texts[-1].get_text() == "Source: DFF: FRED DFF, via csv file"
    ax = charts.chart_fed_regimes(fed)
    assert [b.get_height() for b in ax.patches] == pytest.approx(
        fed.fed.table["slope_pct_per_100bp"].fillna(0).tolist())
    assert ax.get_title().endswith(date_span(fed.fed.labels.index))
