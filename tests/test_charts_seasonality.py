"""Seasonality charts: plot_* functions on plain Series/DataFrames and the chart_* adapters
on results; they return their Axes with dated titles, units and colours, and never show."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from smallcaps import charts
from smallcaps import seasonality as se
from smallcaps.charts import seasonality as cs
from smallcaps.charts.base import COLORS
from test_seasonality import daily_from_monthly, planted, sessions, walk

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@pytest.fixture(autouse=True)
def _no_show(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a chart function called plt.show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def _sources(ax) -> list:
    return [t.get_text() for t in ax.texts if t.get_text().startswith("Source")]


def test_every_name_is_exported_by_the_charts_package():
    for name in cs.__all__:
        assert getattr(charts, name) is getattr(cs, name)


def test_plot_month_stats_bars_colours_and_flags():
    means = [1.0, -0.5] + [0.2] * 10
    stats = pd.DataFrame({"mean": means, "hit_rate": [0.6, 0.4] + [0.5] * 10, "n": 12,
                          "enough_years": [True, False] + [True] * 10}, index=MONTHS)
    ax = cs.plot_month_stats(stats, name="RUT-SPX", span=("1988-01-01", "2024-11-30"),
                             unit="pp", min_years=10, source="Source: test")
    bars = ax.patches
    assert len(bars) == 12
    assert to_hex(bars[0].get_facecolor()) == COLORS["up"]
    assert to_hex(bars[1].get_facecolor()) == COLORS["down"]
    assert bars[1].get_hatch() == "//" and bars[0].get_hatch() is None
    assert ax.get_title().startswith("RUT-SPX (small minus large): average return by calendar "
                                     "month, 1988-01-01 to 2024-11-30")
    assert "hatched = fewer than 10 years" in ax.get_title()
    assert ax.get_ylabel() == "mean monthly return (pp)"
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Jan", "Feb"]
    assert "60%" in [t.get_text() for t in ax.texts]
    assert _sources(ax) == ["Source: test"]


def test_plot_month_heatmap_draws_the_year_by_month_grid():
    table = pd.DataFrame(np.arange(24, dtype=float).reshape(2, 12) - 12,
                         index=[2023, 2024], columns=[m[:3] for m in MONTHS])
    table["Year"] = 99.0
    _, ax = plt.subplots()
    got = cs.plot_month_heatmap(table, name="RUT", span=("2023-01-01", "2024-12-31"), ax=ax)
    assert got is ax
    image = ax.images[0].get_array()
    assert image.shape == (2, 12) and image[1, 11] == 11.0  # the Year column is left out
    assert ax.get_title() == "RUT: monthly returns by year, 2023-01-01 to 2024-12-31"
    assert ax.figure.axes[1].get_ylabel() == "monthly return (%)"


def test_plot_seasonal_path_band_average_and_current_year():
    band = pd.DataFrame({"mean": [0.0, 1.0, 2.0], "q25": [0.0, -1.0, -1.0],
                         "q75": [0.0, 3.0, 4.0]}, index=pd.RangeIndex(3, name="trading_day"))
    current = pd.Series([0.0, 2.5], index=[0, 1])
    ax = cs.plot_seasonal_path(band, current, name="RUT", span=("1988-01-01", "2024-12-13"),
                               average_label="average 1988-2023", current_label="2024")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["middle half of years (25th-75th pct)", "average 1988-2023", "2024"]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert list(lines["2024"].get_ydata()) == [0.0, 2.5]
    assert ax.get_title() == "RUT: seasonal path by trading day, 1988-01-01 to 2024-12-13"
    assert ax.get_ylabel() == "return since previous year-end (%)"
    pair = cs.plot_seasonal_path(band, name="RUT-SPX", unit="pp")
    assert "small minus large" in pair.get_ylabel() and "(pp)" in pair.get_ylabel()
    assert len([ln for ln in pair.get_lines() if not ln.get_label().startswith("_")]) == 1


def test_plot_yearly_returns_colours_and_mean():
    x = pd.Series([2.0, -1.0, 2.0], index=[2021, 2022, 2023], name="RUT")
    ax = cs.plot_yearly_returns(x)
    assert [to_hex(b.get_facecolor()) for b in ax.patches] == [COLORS["up"], COLORS["down"],
                                                               COLORS["up"]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mean +1.00%"]
    assert ax.get_title() == "RUT: return by year, 2021 to 2023"
    assert ax.get_ylabel() == "return (%)"
    spread = cs.plot_yearly_returns(x, unit="pp", title="t")
    assert [t.get_text() for t in spread.get_legend().get_texts()] == ["mean +1.00 pp"]


def _monthly():
    frame = planted(4.0, 3.0)
    frame.attrs["provenance"] = {"SMALL": {"provider": "yahoo", "symbol": "^S"},
                                 "LARGE": {"provider": "yahoo", "symbol": "^L"}}
    return se.monthly_returns(frame, relative=["SMALL", "LARGE"])


def test_adapters_unpack_results():
    m = _monthly()
    stats = se.month_of_year_stats(m)
    ax = cs.chart_month_stats(stats, "SMALL-LARGE")
    assert ax.get_title().startswith("SMALL-LARGE (small minus large): average return by "
                                     "calendar month, 1990-01-01 to 2019-12-31")
    assert _sources(ax) == ["Source: SMALL: Yahoo Finance ^S; LARGE: Yahoo Finance ^L"]
    heat = cs.chart_month_heatmap(m, "SMALL")
    assert heat.get_title() == "SMALL: monthly returns by year, 1990-01-01 to 2019-12-31"
    assert heat.images[0].get_array().shape == (30, 12)
    jan = cs.chart_january_effect(se.january_effect(m))
    # the last January's last session, then the as-of date the chart is read at
    assert jan.get_title() == ("January effect: SMALL minus LARGE, 1990-01-01 to 2019-01-31 "
                               "(as of 2019-12-31)")
    assert len(jan.patches) == 30 and jan.get_ylabel() == "SMALL minus LARGE in January (pp)"


def test_path_and_santa_adapters():
    idx = sessions("2021-12-01", "2024-03-15", holidays=[])
    prices = pd.DataFrame({"S": walk(idx, 0.05, noise=0.5, seed=1),
                           "L": walk(idx, 0.02, noise=0.5, seed=2)})
    path = se.seasonal_path(prices["S"], start="2022-01-01")
    ax = cs.chart_seasonal_path(path)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1:] == ["average 2022-2023", "2024 to 2024-03-15"]
    assert ax.get_title() == "S: seasonal path by trading day, 2022-01-01 to 2024-03-15"
    santa = se.santa_claus_rally(prices)
    bars = cs.chart_santa_rally(santa, "S")
    assert bars.get_title() == ("S: Santa Claus rally (last 5 + first 2 trading days), "
                                "2021/2022 to 2023/2024 (as of 2024-03-15)")
    assert len(bars.patches) == 3


def test_plot_excess_intervals_points_whiskers_fill_and_stars():
    tests = pd.DataFrame({"excess": [1.0, -0.5], "ci_low": [0.2, -1.5], "ci_high": [1.8, 0.5],
                          "p": [0.01, 0.4], "q": [0.05, 0.6]}, index=["A: up", "B: down"])
    ax = cs.plot_excess_intervals(tests, title="T", p_level=0.05, q_level=0.10,
                                  source="Source: test")
    rows = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()],
                    strict=True))
    assert rows == {1: "A: up *", 0: "B: down"}  # first row on top
    points = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert [float(ln.get_xdata()[0]) for ln in points] == [1.0, -0.5]
    assert to_hex(points[0].get_color()) == COLORS["up"]
    assert to_hex(points[1].get_color()) == COLORS["down"]
    assert to_hex(points[0].get_markerfacecolor()) == COLORS["up"]  # p < 0.05: filled
    assert to_hex(points[1].get_markerfacecolor()) == "#ffffff"  # hollow
    whiskers = ax.collections[0].get_segments()[0]
    assert [float(x) for x in whiskers[:, 0]] == pytest.approx([0.2, 1.8])
    assert ax.get_title().startswith("T\n95% bootstrap interval; filled = p < 0.05; * = q ≤ 10%")
    assert ax.get_xlabel() == "excess over the baseline (pp)"
    assert _sources(ax) == ["Source: test"]


def test_yearly_returns_draw_the_baseline():
    x = pd.Series([2.0, -1.0, 2.0], index=[2021, 2022, 2023], name="RUT")
    ax = cs.plot_yearly_returns(x, baseline=0.25, baseline_label="average 7-day window")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "mean +1.00%", "average 7-day window +0.25%"]


def test_excess_adapters():
    m = _monthly()
    stats = se.month_of_year_stats(m)
    ax = cs.chart_month_excess(stats, "SMALL")
    rows = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()],
                    strict=True))
    assert rows[11] == "January *" and rows[1] == "November *"  # January on top
    assert ax.get_title().startswith("SMALL: each calendar month against the average month, "
                                     "1990-01-01 to 2019-12-31")
    assert ax.get_xlabel() == "excess over the average month (pp)"
    idx = sessions("2014-11-03", "2020-01-31", holidays=[])
    prices = pd.DataFrame({"S": walk(idx, 0.05, noise=0.5, seed=1),
                           "L": walk(idx, 0.02, noise=0.5, seed=2)})
    santa = se.santa_claus_rally(prices, relative=["S", "L"])
    sx = cs.chart_santa_excess(santa)
    assert [t.get_text() for t in sx.get_yticklabels()] == ["S", "L", "S-L"]
    assert list(sx.get_yticks()) == [2, 1, 0]
    assert sx.get_title().startswith("Santa Claus rally against every 7-day window, 2014/2015 "
                                     "to 2019/2020")
    bars = cs.chart_santa_rally(santa, "S-L")
    assert bars.get_ylabel() == "small minus large over the 7-day window (pp)"
    legend = [t.get_text() for t in bars.get_legend().get_texts()]
    assert legend[1].startswith("average 7-day window ") and legend[1].endswith(" pp")
    six = se.best_six_months(m)
    ix = cs.chart_indicator(six)
    assert [t.get_text() for t in ix.get_yticklabels()][-1].startswith("SMALL-LARGE: May-Oct")
    assert ix.get_title().startswith("Best Six Months: each half-year against the average "
                                     "half-year, 1991-2019")


def _ending(end: str):
    frame = pd.DataFrame({"SMALL": daily_from_monthly({11: 3.0}, end=end, seed=1, noise=1.0),
                          "LARGE": daily_from_monthly({11: 1.0}, end=end, seed=2, noise=1.0)})
    return se.monthly_returns(frame, relative=["SMALL", "LARGE"])


def test_titles_end_on_the_last_close_and_say_a_later_asof():
    # 2019-11-30 is a Saturday: the month's last close is Friday 2019-11-29
    m = _ending("2019-11-29")
    stats = se.month_of_year_stats(m)
    assert stats.span[1] == pd.Timestamp("2019-11-29") and stats.asof == m.asof
    assert cs.chart_month_stats(stats, "SMALL").get_title().startswith(
        "SMALL: average return by calendar month, 1990-01-01 to 2019-11-29\n")
    assert cs.chart_month_heatmap(m, "SMALL").get_title() == (
        "SMALL: monthly returns by year, 1990-01-01 to 2019-11-29")
    # as of mid-December: the statistics end with November, the title says the as-of date
    later = _ending("2019-12-13")
    stats = se.month_of_year_stats(later)
    assert cs.chart_month_excess(stats, "SMALL").get_title().startswith(
        "SMALL: each calendar month against the average month, 1990-01-01 to 2019-11-29 "
        "(as of 2019-12-13)\n")
    six = cs.chart_indicator(se.best_six_months(later))
    assert "(as of 2019-12-13)\n" in six.get_title()


def test_side_by_side_panels_share_one_dated_figure_title():
    m = _monthly()
    stats = se.month_of_year_stats(m)
    for draw, head in ((cs.chart_month_excess, "SMALL and SMALL-LARGE: each calendar month "
                        "against the average month, 1990-01-01 to 2019-12-31"),
                       (cs.chart_month_stats, "SMALL and SMALL-LARGE: average return by calendar "
                        "month, 1990-01-01 to 2019-12-31\nlabel = share of positive years")):
        axes = draw(stats, ["SMALL", "SMALL-LARGE"])
        assert len(axes) == 2 and axes[0].figure is axes[1].figure
        assert axes[0].figure._suptitle.get_text().startswith(head)
        assert axes[0].get_title().startswith("SMALL")
        assert axes[1].get_title().startswith("SMALL-LARGE (small minus large)")
        plt.close("all")
    bars = cs.chart_month_stats(stats, ["SMALL", "SMALL-LARGE"])[1]
    means = stats.table.loc["SMALL-LARGE", "mean"].to_numpy()
    assert [to_hex(b.get_facecolor()) for b in bars.patches] == [
        COLORS["up"] if v >= 0 else COLORS["down"] for v in means]
    heat = cs.chart_month_heatmap(m, ["SMALL", "SMALL-LARGE"])
    assert heat[0].figure._suptitle.get_text() == (
        "SMALL and SMALL-LARGE: monthly returns by year, 1990-01-01 to 2019-12-31")
    assert [h.images[0].get_array().shape for h in heat] == [(30, 12), (30, 12)]


def test_january_bars_are_coloured_by_sign_with_the_baseline():
    jan = se.january_effect(_monthly())
    ax = cs.chart_january_effect(jan)
    values = jan.table["spread"].to_numpy()
    assert [to_hex(b.get_facecolor()) for b in ax.patches] == [
        COLORS["up"] if v >= 0 else COLORS["down"] for v in values]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == f"the spread's average month {jan.test['baseline']:+.2f} pp"
