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
