"""Tests for the shared chart helpers in smallcaps.charts."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
from smallcaps.charts import base as charts


def test_use_style_is_explicit_not_at_import():
    mpl.rcdefaults()
    import importlib

    importlib.reload(charts)
    assert mpl.rcParams["axes.spines.top"] is True
    charts.use_style()
    assert mpl.rcParams["axes.spines.top"] is False
    mpl.rcdefaults()


def test_date_span():
    idx = pd.DatetimeIndex(["2024-03-01", "2020-01-02", "2026-02-23"])
    assert charts.date_span(idx) == "2020-01-02 to 2026-02-23"
    assert charts.date_span(pd.DatetimeIndex([])) == "no data"


def test_source_text_flags_synthetic_and_filters_keys():
    prov = {
        "RUT": {"provider": "yahoo", "symbol": "^RUT", "source": "csv"},
        "DGS10": {"provider": "fred", "symbol": "DGS10", "source": "cache"},
        "SPX": {"provider": "yahoo", "symbol": "^GSPC", "source": "sample", "synthetic": True},
    }
    text = charts.source_text(prov)
    assert "RUT: Yahoo Finance ^RUT, via csv file" in text
    assert "DGS10: FRED DGS10, cached" in text
    assert "SPX: SYNTHETIC SAMPLE" in text
    assert charts.source_text(prov, keys=["RUT"]).count(";") == 0


def test_add_source_writes_text_under_axes():
    ax = charts.new_axes()
    charts.add_source(ax, "Source: test")
    texts = [t.get_text() for t in ax.texts]
    assert "Source: test" in texts


def test_dated_title_ends_on_the_asof_date():
    idx = pd.DatetimeIndex(["2023-12-01", "2024-01-12"])
    assert charts.dated_title("Windows", idx) == "Windows, 2023-12-01 to 2024-01-12"
    # data drawn end before the as-of (the last complete season): the title says as of when
    assert charts.dated_title("Windows", idx, "2024-11-29") == (
        "Windows, 2023-12-01 to 2024-01-12 (as of 2024-11-29)")
    assert charts.dated_title("Windows", idx, "2024-01-12") == "Windows, 2023-12-01 to 2024-01-12"
    # never a date after the as-of (a week label on the Saturday after it)
    weeks = pd.DatetimeIndex(["2024-11-22", "2024-11-30"])
    assert charts.dated_title("Weeks", weeks, "2024-11-29").endswith("to 2024-11-22 "
                                                                     "(as of 2024-11-29)")


def test_sign_colors_follow_the_sign_only():
    assert charts.sign_colors([1.0, -0.5, 0.0, float("nan"), None]) == [
        charts.COLORS["up"], charts.COLORS["down"], charts.COLORS["up"],
        charts.COLORS["neutral"], charts.COLORS["neutral"]]
    assert {charts.COLORS["easing"], charts.COLORS["tightening"]}.isdisjoint(
        {charts.COLORS["up"], charts.COLORS["down"]})  # categories never borrow green / red


def test_figure_title_is_the_suptitle_or_the_axes_titles_and_goes_into_the_png():
    import base64
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    fig, (a, b) = plt.subplots(2)
    a.set_title("Price, 2024-01-02 to 2024-11-29", loc="left")
    b.set_title("MACD")
    assert charts.figure_title(fig) == "Price, 2024-01-02 to 2024-11-29; MACD"
    fig.suptitle("RUT: trend,\nlevels")
    assert charts.figure_title(fig) == "RUT: trend, levels"
    data, meta = charts._png_titled(fig, bbox_inches="tight")
    assert meta == {"alt": "RUT: trend, levels"}
    assert Image.open(io.BytesIO(base64.b64decode(data))).text["Title"] == "RUT: trend, levels"
    fig.suptitle("Santa Claus rally, 1989 to 2025 (as of 2025-12-31)\n"
                 "95% interval; filled = p < 0.05")
    assert charts.figure_title(fig) == (  # a subtitle reads apart from the title
        "Santa Claus rally, 1989 to 2025 (as of 2025-12-31) — 95% interval; filled = p < 0.05")
    empty = plt.figure()
    empty.add_subplot()
    assert charts.figure_title(empty) == "" and isinstance(charts._png_titled(empty), str)
    plt.close("all")
