"""Tests for smallcaps.charts.events: the plot functions on plain Series and DataFrames, and
the adapters that unpack a divergence study."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from smallcaps import charts
from smallcaps.charts import events as ch
from smallcaps.charts.base import COLORS, date_span
from smallcaps.errors import ParameterError
from test_events import planted_study


@pytest.fixture(autouse=True)
def _no_show(monkeypatch):
    """Plot functions never show: fail if one does; close every figure afterwards."""
    def refuse(*args, **kwargs):
        raise AssertionError("a plot function called plt.show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def strong_study():
    return planted_study(0.004)


def _z() -> pd.Series:
    idx = pd.bdate_range("2001-01-01", periods=100)
    z = pd.Series(np.zeros(100), index=idx)
    z.iloc[:10] = np.nan
    z.iloc[40], z.iloc[70] = 3.5, -3.2
    return z


def _events(z: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"z": [3.5, -3.2], "sign": [1, -1]}, index=z.index[[40, 70]])


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_divergence_zscore_on_plain_data():
    z = _z()
    ax = charts.plot_divergence_zscore(z, _events(z), sigma=3.0, direction="both",
                                       rule="RUT − SPX 5-day spread beyond ±3σ",
                                       source="Source: test")
    assert isinstance(ax, plt.Axes)
    assert ax.get_title() == ("RUT − SPX 5-day spread beyond ±3σ\nz-score of the spread, "
                              "2001-01-15 to 2001-05-18")
    assert ax.get_ylabel() == "z-score (standard deviations)"
    line = ax.get_lines()[0]
    assert len(line.get_xdata()) == 90  # the NaN warm-up is left out
    levels = sorted(ln.get_ydata()[0] for ln in ax.get_lines()[1:])
    assert levels == [-3.0, 0.0, 3.0]
    labels = _legend(ax)
    assert "threshold ±3σ" in labels
    assert "events, small caps ahead (n=1)" in labels
    assert "events, small caps behind (n=1)" in labels
    up, down = ax.collections
    assert mcolors.to_hex(up.get_facecolor()[0]) == COLORS["up"]
    assert mcolors.to_hex(down.get_facecolor()[0]) == COLORS["down"]
    assert [tuple(o) for o in up.get_offsets()] == [(mdates.date2num(z.index[40]), 3.5)]
    assert [t.get_text() for t in ax.texts] == ["Source: test"]


def test_plot_divergence_zscore_without_events_or_source():
    z = _z()
    ax = charts.plot_divergence_zscore(z, sigma=2.5, direction="down")
    assert ax.get_title() == "z-score of the spread, 2001-01-15 to 2001-05-18"
    assert "threshold -2.5σ" in _legend(ax) and "no event" in _legend(ax)
    assert len(ax.collections) == 0 and len(ax.texts) == 0
    with pytest.raises(ParameterError, match="direction"):
        charts.plot_divergence_zscore(z, direction="sideways")


def test_plot_event_paths_on_plain_data():
    days = pd.RangeIndex(0, 64, name="day")
    mean = np.linspace(0, 6.3, 64)
    paths = pd.DataFrame({"event_mean": mean, "event_median": mean - 0.5,
                          "band_low": mean - 1, "band_high": mean + 1,
                          "baseline": np.linspace(0, 2.0, 64), "n_events": 12, "groups": 5},
                         index=days)
    fig, ax0 = plt.subplots()
    ax = charts.plot_event_paths(paths, horizons=(21, 63), ylabel="RUT cumulative return (%)",
                                 title="RUT after events", source="Source: test", ax=ax0)
    assert ax is ax0
    assert ax.get_title() == "RUT after events"
    assert ax.get_ylabel() == "RUT cumulative return (%)"
    assert ax.get_xlabel() == "trading days after the event close"
    assert ax.get_xlim() == (0.0, 63.0)
    mean_line = ax.get_lines()[0]
    np.testing.assert_allclose(mean_line.get_ydata(), mean)
    assert "mean after events (n=12)" in _legend(ax)
    assert "95% bootstrap band (5 groups of overlapping events resampled)" in _legend(ax)
    median_line = [ln for ln in ax.get_lines() if ln.get_label() == "median after events"]
    np.testing.assert_allclose(median_line[0].get_ydata(), mean - 0.5)
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(-1.0) and band[:, 1].max() == pytest.approx(7.3)
    vertical = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert vertical == [21, 63]
    assert [t.get_text() for t in ax.texts] == ["Source: test"]


def test_adapters_on_a_study(strong_study):
    ax = charts.chart_divergence_zscore(strong_study)
    span = date_span(strong_study.signal["z"].dropna().index)
    assert ax.get_title() == ("SMALL − LARGE 5-day spread above +3σ (expanding sd)\n"
                              f"z-score of the spread, {span}")
    assert f"events, small caps ahead (n={len(strong_study.events)})" in _legend(ax)
    assert any(t.get_text().startswith("Source:") for t in ax.texts)
    ev = strong_study.events
    for which, unit in (("small", "(%)"), ("spread", "(pp)")):
        ax = ch.chart_event_paths(strong_study, which)
        assert ax.get_ylabel().endswith(f"cumulative return {unit}")
        assert ax.get_title().endswith(
            f"events {date_span(ev.index)}, data to {strong_study.asof:%Y-%m-%d}")
        paths = strong_study.paths(which)
        assert f"mean after events (n={len(ev)})" in _legend(ax)
        assert (f"95% bootstrap band ({int(paths['groups'].iloc[0])} groups of overlapping "
                "events resampled)") in _legend(ax)
        np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), paths["event_mean"])
        assert any(t.get_text().startswith("Source:") for t in ax.texts)


def test_all_names_are_exported():
    assert set(ch.__all__) == {"plot_divergence_zscore", "plot_event_paths",
                               "chart_divergence_zscore", "chart_event_paths"}
    assert all(getattr(charts, name) is getattr(ch, name) for name in ch.__all__)
