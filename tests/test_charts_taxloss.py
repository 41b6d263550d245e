"""Charts of notebook 04 on plain Series / DataFrames (plot_*) and on a planted study (chart_*):
they return an Axes with the expected title, bars, lines and colours, and never show."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from smallcaps import charts
from smallcaps import taxloss as tl
from smallcaps.charts import taxloss as ct
from smallcaps.charts.base import COLORS
from test_taxloss import planted_pair


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def study():
    return tl.turn_of_year(planted_pair(end="2021-01-08"), start="1990-01-01")


def test_exported_through_the_package():
    for name in ("plot_relative_path", "plot_window_returns", "plot_rebound_sensitivity",
                 "chart_relative_path", "chart_window_returns", "chart_rebound_sensitivity"):
        assert name in ct.__all__ and getattr(charts, name) is getattr(ct, name)


def test_plot_window_returns_bars_and_colours():
    years = pd.Index([2020, 2021, 2022], name="year")
    pressure = pd.Series([-1.0, 0.5, -2.0], index=years)
    rebound = pd.Series([2.0, -0.5, 1.0], index=years)
    ax = ct.plot_window_returns(pressure, rebound, title="Windows, 2020 to 2023",
                                source="Source: test")
    assert ax.get_title() == "Windows, 2020 to 2023"
    assert ax.get_ylabel() == "small minus large (pp)"
    bars = ax.patches
    assert len(bars) == 6
    assert [b.get_height() for b in bars[:3]] == [-1.0, 0.5, -2.0]
    assert [b.get_height() for b in bars[3:]] == [2.0, -0.5, 1.0]
    # coloured by sign in both windows: a negative rebound is red, a positive pressure green
    assert [to_hex(b.get_facecolor()) for b in bars] == [
        COLORS["down"], COLORS["up"], COLORS["down"], COLORS["up"], COLORS["down"],
        COLORS["up"]]
    assert [b.get_hatch() for b in bars] == ["///"] * 3 + [None] * 3  # pressure hatched
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "2022"]
    assert any(t.get_text() == "Source: test" for t in ax.texts)


def test_plot_rebound_sensitivity_excess_whiskers_and_labels():
    table = pd.DataFrame({"excess_pp": [1.2, -0.4, np.nan], "ci_low": [0.3, -1.1, np.nan],
                          "ci_high": [2.0, 0.5, np.nan], "hit_rate": [0.65, 0.4, np.nan]},
                         index=["12-20", "12-21", "12-22"])
    ax = ct.plot_rebound_sensitivity(table)
    bars = ax.patches
    assert [b.get_height() for b in bars[:2]] == [1.2, -0.4]
    assert [to_hex(b.get_facecolor()) for b in bars[:2]] == [COLORS["up"], COLORS["down"]]
    (whiskers,) = ax.collections  # one segment per start date with an interval
    segs = [s.tolist() for s in whiskers.get_segments()]
    assert segs == [[[0.0, 0.3], [0.0, 2.0]], [[1.0, -1.1], [1.0, 0.5]]]
    assert [t.get_text() for t in ax.texts] == ["65%", "40%", "n/a"]
    # the share of a positive bar sits over its whisker
    assert ax.texts[0].xy == (0.0, 2.0) and ax.texts[1].xy == (1.0, -0.4)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["12-20", "12-21", "12-22"]
    assert ax.get_title().startswith("Rebound excess over a typical window of the same length")
    assert ax.get_ylabel() == "excess of small minus large (pp)"


def test_plot_relative_path_band_current_and_marks():
    band = pd.DataFrame({"mean": [0.0, -0.5, -1.0, 0.5, 1.0],
                         "q25": [0.0, -1.0, -2.0, -0.5, 0.0],
                         "q75": [0.0, 0.0, 0.0, 1.5, 2.0],
                         "n": [10, 10, 10, 10, 4]})  # the last day has too few years
    current = pd.Series([0.0, 0.3, 0.6], index=[0, 1, 2])
    ax = ct.plot_relative_path(band, current, pressure_days=(1, 2), rebound_days=(3, 4),
                               trough=(2, -1.0), title="Path, 1990 to 2021")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert list(lines["average"].get_xdata()) == [0, 1, 2, 3]  # day 4 (n = 4 < 10 / 2) dropped
    assert list(lines["current season"].get_ydata()) == [0.0, 0.3, 0.6]
    assert lines["current season"].get_linestyle() == "-"
    assert list(lines["average trough"].get_xdata()) == [2]
    shades = [p for p in ax.patches if p.get_label() in ("pressure window", "rebound window")]
    assert [to_hex(p.get_facecolor()) for p in shades] == [ct.WINDOW_TINTS["pressure"],
                                                           ct.WINDOW_TINTS["rebound"]]
    assert not {to_hex(p.get_facecolor()) for p in shades} & {COLORS["up"], COLORS["down"]}
    assert ax.get_title() == "Path, 1990 to 2021"
    dashed = ct.plot_relative_path(band, current, current_dashed=True)
    assert {ln.get_label(): ln for ln in dashed.get_lines()}["current season"] \
        .get_linestyle() == "--"


def test_adapters_on_a_planted_study(study):
    before = len(plt.get_fignums())
    ax = ct.chart_window_returns(study)
    # the last complete season ends before the as-of date: the title ends on the as-of date
    assert ax.get_title() == ("Pressure and rebound windows by year, 1990-12-03 to 2020-01-15 "
                              "(as of 2021-01-08)")
    assert len(ax.patches) == 2 * len(study.years)
    ax = ct.chart_relative_path(study)
    assert ax.get_title().startswith("SMALL vs LARGE through the turn of the year (11-01 to "
                                     "01-31), ")
    assert ax.get_title().endswith("to 2021-01-08")
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "2020 season to 2021-01-08" in labels
    assert "average 1990-2019 (30 years)" in labels
    assert any(lb.startswith("average trough: day ") for lb in labels)
    ax = ct.chart_rebound_sensitivity(study.sensitivity("12-18", "12-22"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["12-18", "12-19", "12-20", "12-21",
                                                            "12-22"]
    assert ax.get_xlabel() == "rebound window start (end 01-15)"
    assert ax.get_ylabel() == "excess of SMALL minus LARGE (pp)"
    assert ax.get_title().startswith("Rebound excess over a typical window of the same length, "
                                     "by start date, 1990-12-03 to 2020-01-15\nwhiskers")
    sens = study.sensitivity("12-18", "12-22")
    dated = dataclasses.replace(sens, provenance={"SMALL": {"last": "2021-01-08"},
                                                  "LARGE": {"last": "2021-01-08"}})
    assert "2020-01-15 (as of 2021-01-08)\nwhiskers" in ct.chart_rebound_sensitivity(
        dated).get_title()  # the data's last date both series have: the as-of
    assert len(plt.get_fignums()) == before + 4  # one figure each, none shown or closed


def test_relative_path_falls_back_to_latest_complete_season():
    s = tl.turn_of_year(planted_pair(end="2020-06-30"), start="1990-01-01")
    labels = {ln.get_label(): ln for ln in ct.chart_relative_path(s).get_lines()}
    assert labels["latest complete season (2019)"].get_linestyle() == "--"
