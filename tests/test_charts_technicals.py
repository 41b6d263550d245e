"""smallcaps.charts.technicals: plot_trend on plain frames (panels, title, labels, levels on the
right side of the close, pattern targets, source note) and the chart_trend adapter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from smallcaps import charts, technicals
from smallcaps.charts.base import COLORS, figure_title


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def frames(n: int = 120):
    idx = pd.bdate_range("2024-01-01", periods=n)
    close = pd.Series(100 + np.sin(np.arange(n) / 6) * 5 + np.arange(n) * 0.1, index=idx)
    ohlc = pd.DataFrame({"Open": close, "High": close + 1, "Low": close - 1, "Close": close})
    mas = pd.DataFrame({"ma10": close.rolling(10).mean(), "ma20": close.rolling(20).mean()})
    line = close.ewm(span=12).mean() - close.ewm(span=26).mean()
    macd = pd.DataFrame({"macd": line, "signal": line.ewm(span=9).mean()})
    macd["hist"] = macd["macd"] - macd["signal"]
    return ohlc, mas, macd


def test_plot_trend_on_plain_frames_three_panels():
    ohlc, mas, macd = frames()
    last = float(ohlc["Close"].iloc[-1])
    levels = pd.DataFrame({"level": [last - 5, last + 4], "touches": [3, 2]})
    rs = pd.Series(np.linspace(100, 104, len(ohlc)), index=ohlc.index)
    ax = charts.plot_trend(ohlc, mas, macd, levels, key="AAA", name="Alpha", units="points",
                           rs=rs, benchmark="BBB", source="Source: test data")
    fig = ax.figure
    # the figure's one title (the page's alt text), ending on the last bar
    assert figure_title(fig) == ax.get_title(loc="left") == (
        "Alpha (AAA): trend, levels and momentum, 2024-01-01 to 2024-06-14")
    assert ax.get_ylabel() == "AAA (points)"
    labels = " ".join(a.get_ylabel() for a in fig.axes)
    assert "MACD\n(points)" in labels and "RS vs BBB\n(start = 100)" in labels
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["10-day MA", "20-day MA"]
    texts = {t.get_text(): t for t in ax.texts}
    support = texts[f"S {last - 5:,.0f} (3×)"]
    resistance = texts[f"R {last + 4:,.0f} (2×)"]
    assert support.get_color() == COLORS["up"] and resistance.get_color() == COLORS["down"]
    # labels sit right of the last bar, off the candles; the price axis is on the left
    assert support.get_position()[0] > len(ohlc) - 1 < resistance.get_position()[0]
    assert ax.get_xlim()[1] >= len(ohlc) - 1 + 8 and ax.yaxis.get_label_position() == "left"
    notes = [t.get_text() for a in fig.axes for t in a.texts]
    assert "Source: test data" in notes
    # MACD and signal are named at their last values, no legend box on the panel's data
    macd_ax = next(a for a in fig.axes if "MACD" in a.get_ylabel())
    assert macd_ax.get_legend() is None
    assert {"MACD", "signal"} <= {t.get_text() for t in macd_ax.texts}
    # the moving averages' legend sits above the price panel, not on it
    assert ax.get_legend().get_bbox_to_anchor().y0 >= ax.bbox.y1 - 1


def test_plot_trend_price_panel_only_and_on_given_axes():
    ohlc, mas, _ = frames()
    ax = charts.plot_trend(ohlc, key="AAA")
    assert len(ax.figure.axes) == 2  # the price panel and its twin, no MACD or RS panel
    assert ax.get_ylabel() == "AAA (price units)"
    fig, given = plt.subplots()
    assert charts.plot_trend(ohlc, mas, key="AAA", ax=given) is given
    assert len(fig.axes) == 1
    assert given.get_title(loc="left").startswith("AAA: trend, levels and momentum")


def test_date_ticks_are_regular_months():
    idx = pd.bdate_range("2022-12-05", "2024-11-29")
    pos, labels = charts.date_ticks(idx)
    assert labels == ["2023-01", "2023-04", "2023-07", "2023-10", "2024-01", "2024-04",
                      "2024-07", "2024-10"]  # quarters: at most 8 ticks, each a quarter start
    assert [idx[i].strftime("%Y-%m-%d") for i in pos][:2] == ["2023-01-02", "2023-04-03"]
    short = charts.date_ticks(pd.bdate_range("2024-01-01", periods=120))[1]
    assert short == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    long = charts.date_ticks(pd.bdate_range("1990-01-01", "2024-11-29"))[1]
    assert long[:2] == ["1995", "2000"] and len(long) <= 8  # every 5 years
    ohlc, mas, macd = frames()
    ax = charts.plot_trend(ohlc, mas, macd, key="AAA")
    ticks = [t.get_text() for t in ax.figure.axes[-1].get_xticklabels()]
    assert ticks == short


def test_plot_trend_draws_a_pattern_target():
    close = np.interp(np.arange(71), [0, 10, 20, 30, 40, 50, 60, 70],
                      [100, 90, 100, 80, 100, 90, 110, 115])
    idx = pd.bdate_range("2020-01-01", periods=len(close))
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close}, index=idx)
    swings = technicals.swing_points(ohlc, 5)
    patterns = technicals.find_head_and_shoulders(ohlc["Close"], swings)
    ax = charts.plot_trend(ohlc, patterns=patterns, swings=swings, key="TST")
    texts = [t.get_text() for t in ax.texts]
    # flat neckline at 100, head 80: both targets 120; the last close 115 leaves it confirmed
    assert "inv. H&S target 120 / flat 120, confirmed" in texts
    assert {"LS", "H", "RS"} <= set(texts)
    assert all(t.get_alpha() in (None, 1.0) for t in ax.texts if t.get_text() == "H")


def test_plot_trend_fades_a_pattern_that_is_over():
    close = np.interp(np.arange(81), [0, 10, 20, 30, 40, 50, 60, 70, 80],
                      [100, 90, 100, 80, 100, 90, 110, 125, 118])
    idx = pd.bdate_range("2020-01-01", periods=len(close))
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close}, index=idx)
    patterns = technicals.find_head_and_shoulders(ohlc["Close"], technicals.swing_points(ohlc, 5))
    ax = charts.plot_trend(ohlc, patterns=patterns, key="TST")
    label = next(t for t in ax.texts if t.get_text().startswith("inv. H&S target"))
    assert label.get_text() == "inv. H&S target 120 / flat 120, reached"
    assert label.get_alpha() == pytest.approx(0.4)


def test_plot_trend_draws_trend_lines_with_break_and_retest():
    pts = [(0, 110), (10, 100), (20, 125), (30, 110), (40, 130), (50, 113), (54, 119),
           (58, 112), (62, 121)]
    close = np.interp(np.arange(63), *zip(*pts, strict=True))
    idx = pd.bdate_range("2020-01-01", periods=len(close))
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close}, index=idx)
    lines = technicals.trend_lines(ohlc, technicals.swing_points(ohlc, 3), 3)
    up = lines[lines["second_date"] == idx[30]]
    ax = charts.plot_trend(ohlc, trendlines=up, key="TST")
    texts = [t.get_text() for t in ax.texts]
    assert "up-trend line, broken" in texts and "break" in texts
    drawn = [ln for ln in ax.lines if ln.get_linestyle() == "-" and ln.get_color() == COLORS["up"]
             and ln.get_linewidth() >= 2]  # solid and thick, with a white halo
    assert len(drawn) == 1 and drawn[0].get_path_effects()
    x, y = drawn[0].get_data()
    assert x[0] == 10 and y[0] == pytest.approx(100.0)
    assert y[1] == pytest.approx(100 + 0.5 * (x[1] - 10))


def test_weekly_chart_names_weeks():
    ohlc, mas, _ = frames()
    ax = charts.plot_trend(ohlc, mas, key="AAA", timeframe="weekly")
    assert "weekly bars" in ax.get_title(loc="left")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["10-week MA", "20-week MA"]


def test_chart_trend_adapter_draws_nearest_levels_only():
    t = np.arange(400)
    close = 100 * np.exp(0.002 * t) * (1 + 0.03 * np.sin(2 * np.pi * t / 45))
    close[-30:] = close[-31] * np.exp(-0.003 * np.arange(1, 31))  # fall back into the range
    idx = pd.bdate_range("2020-01-01", periods=len(t))
    ohlc = pd.DataFrame({"Open": close, "High": close + 0.2, "Low": close - 0.2, "Close": close},
                        index=idx)
    res = technicals.analyze(ohlc, mas=[20, 50], pivot_window=5)
    assert len(res.support) > 1 and len(res.resistance) > 1
    touches = res.levels.set_index("level")["touches"]
    ax = charts.chart_trend(res, n_levels=1)
    drawn = {t.get_text() for t in ax.texts if t.get_text()[:2] in ("S ", "R ")}
    assert drawn == {f"S {res.support[0]:,.0f} ({touches[res.support[0]]}×)",
                     f"R {res.resistance[0]:,.0f} ({touches[res.resistance[0]]}×)"}
    assert ax.get_title(loc="left").startswith("series: trend, levels and momentum, 2020-")
    assert ax.get_ylabel() == "series (price units)"


def test_chart_trend_adapter_draws_the_latest_trend_lines():
    pts = [(0, 110), (10, 100), (20, 125), (30, 110), (40, 130), (50, 113), (54, 119),
           (58, 112), (70, 140)]
    close = np.interp(np.arange(71), *zip(*pts, strict=True))
    idx = pd.bdate_range("2020-01-01", periods=len(close))
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close}, index=idx)
    res = technicals.analyze(ohlc, mas=[5], pivot_window=3)
    latest = {k: row for k, row in res.lines.items() if row is not None}
    assert set(latest) == {"up", "down"}
    ax = charts.chart_trend(res)
    labels = {t.get_text() for t in ax.texts if "-trend line" in t.get_text()}
    assert labels == {f"{k}-trend line, {row['state']}" for k, row in latest.items()}


def test_chart_trend_shows_live_patterns_and_only_the_latest_dead_one():
    one = np.interp(np.arange(71), [0, 10, 20, 30, 40, 50, 60, 70],
                    [100, 90, 100, 80, 100, 90, 110, 125])
    seg = np.interp(np.arange(71), [0, 10, 20, 30, 40, 50, 60, 70],
                    [125, 115, 125, 105, 125, 115, 135, 150])
    close = np.r_[one, seg[1:], seg[1:] + 25]
    idx = pd.bdate_range("2020-01-01", periods=len(close))
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close}, index=idx)
    res = technicals.analyze(ohlc, mas=[5], pivot_window=5, pattern_windows=[5])
    dead = res.patterns[~res.patterns["state"].isin(technicals.LIVE_STATES)]
    assert len(dead) >= 2
    ax = charts.chart_trend(res)
    targets = [t.get_text() for t in ax.texts if "H&S target" in t.get_text()]
    assert len(targets) == 1 + len(res.live_patterns)


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_a_long_title_never_meets_the_legend_and_margin_labels_never_touch():
    """Real pages (Russell 2000 as of 2024-11-29) had the dated title running into the moving
    averages' legend, and close levels' labels piled onto each other."""
    ohlc, mas, macd = frames(500)
    mas = mas.rename(columns={"ma10": "ma50", "ma20": "ma100"}).assign(
        ma200=ohlc["Close"].rolling(30).mean())
    last = float(ohlc["Close"].iloc[-1])
    # four levels within 1.5 points of each other: the labels must be pushed apart
    levels = pd.DataFrame({"level": [last - 1.5, last - 1.0, last - 0.5, last + 0.2],
                           "touches": [2, 2, 1, 3]})
    ax = charts.plot_trend(ohlc, mas, macd, levels, key="RUT", name="Russell 2000",
                           units="index points")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert ax.get_title(loc="left").startswith("Russell 2000 (RUT): trend")
    assert not _boxes_overlap(ax._left_title.get_window_extent(renderer), legend)
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()[:2] in ("S ", "R ")]
    assert len(boxes) == 4
    assert not any(_boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
