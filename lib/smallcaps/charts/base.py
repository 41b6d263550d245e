"""Shared chart parts: the house style, colours, date spans and source notes.

Every chart has a title with its date range, labelled axes with units, and its data source
written under it (:func:`add_source`).  Plot functions take ``ax=None`` (a new figure when
omitted), never call ``plt.show()`` or save, and return the Axes.  Apply the house style
explicitly with :func:`use_style` (never at import).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

STYLE = {
    "figure.figsize": (10, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "font.size": 10,
}
__all__ = ["STYLE", "COLORS", "use_style", "date_span", "source_text", "add_source", "new_axes"]

#: One colour rule for every chart: ``up`` (gains, rising) green and ``down`` (losses,
#: falling) red; ``small`` / ``large`` for the two sides of a small-vs-large comparison.
COLORS = {"small": "#d95f02", "large": "#1b9e77", "yield": "#7570b3", "neutral": "#666666",
          "up": "#1a9850", "down": "#d73027"}


def use_style() -> None:
    """Apply the kit's chart style (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def date_span(index) -> str:
    """``"1990-01-05 to 2026-02-20"`` for a DatetimeIndex (or a pair of dates)."""
    idx = pd.DatetimeIndex(index).dropna()
    if idx.empty:
        return "no data"
    return f"{idx.min():%Y-%m-%d} to {idx.max():%Y-%m-%d}"


def source_text(provenance: dict, keys=None) -> str:
    """A one-line source note from a provenance dict: ``"Source: RUT, SPX: Yahoo Finance (csv
    ...); DGS10: FRED"``; synthetic series are flagged."""
    labels = {"yahoo": "Yahoo Finance", "fred": "FRED"}
    parts = []
    for key, p in provenance.items():
        if keys is not None and key not in keys:
            continue
        if p.get("synthetic"):
            parts.append(f"{key}: SYNTHETIC SAMPLE (not market data)")
            continue
        via = p.get("source")
        origin = labels.get(p.get("provider"), p.get("provider", "?"))
        extra = f", via {via} file" if via == "csv" else (", cached" if via == "cache" else "")
        parts.append(f"{key}: {origin} {p.get('symbol', '')}{extra}")
    return "Source: " + "; ".join(parts) if parts else "Source: unknown"


def add_source(ax, text: str):
    """Write a source note under the Axes (bottom left of its figure area)."""
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -32),
                textcoords="offset points", ha="left", va="top", fontsize=7.5,
                color="#555555", annotation_clip=False)
    return ax


def new_axes(ax=None, figsize=None):
    """Return ``ax`` or a fresh Axes on a new figure."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax
