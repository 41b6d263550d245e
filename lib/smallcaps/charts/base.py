"""Shared chart parts: the house style, colours, date spans and source notes.

Every chart has a title with its date range, labelled axes with units, and its data source
written under it (:func:`add_source`).  Plot functions take ``ax=None`` (a new figure when
omitted), never call ``plt.show()`` or save, and return the Axes.  Apply the house style
explicitly with :func:`use_style` (never at import).
"""

from __future__ import annotations

import sys

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
__all__ = ["STYLE", "COLORS", "use_style", "date_span", "dated_title", "figure_title",
           "sign_color", "sign_colors", "source_text", "add_source", "new_axes"]

#: One colour rule for every chart: green and red mean the sign of the value drawn, nothing
#: else: ``up`` (above zero, a gain, a rise, a support below the price) green and ``down``
#: (below zero, a loss, a fall) red, whatever the claim or the window.  Categories that are
#: not a sign use their own colours: ``small`` / ``large`` for the two sides of a
#: small-vs-large comparison, ``yield`` for rates, ``easing`` / ``tightening`` for the Fed
#: cycle, ``neutral`` for baselines and bands.
COLORS = {"small": "#d95f02", "large": "#1b9e77", "yield": "#7570b3", "neutral": "#666666",
          "up": "#1a9850", "down": "#d73027", "easing": "#4575b4", "tightening": "#b8860b"}


def use_style() -> None:
    """Apply the kit's chart style (call once at the top of a notebook).

    In a notebook it also makes every chart carry its title (:func:`figure_title`): the PNG a
    cell shows has it as its ``Title`` and as the output's ``alt`` metadata, which the report
    page uses as the image's alt text.
    """
    mpl.rcParams.update(STYLE)
    _title_charts()


def figure_title(fig) -> str:
    """A figure's title: its ``suptitle`` (charts with panels), else the titles of its Axes
    (left, centre and right), one line each; ``""`` for an untitled figure."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return _one_line(sup.get_text())
    parts = []
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            text = _one_line(ax.get_title(loc=loc))
            if text and text not in parts:
                parts.append(text)
    return "; ".join(parts)


#: A title line ending in one of these is wrapped mid-phrase: the next line continues it.
_CONTINUES = (",", ":", ";", "-", "–", "(", "/", "&", "+")


def _one_line(text: str) -> str:
    """A title on one line: a line wrapped mid-phrase continues after a space, a line under a
    complete one (a subtitle: the interval drawn, the data's end) after " — "."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = ""
    for line in (line for line in lines if line):
        out = line if not out else f"{out}{' ' if out.endswith(_CONTINUES) else ' — '}{line}"
    return out


def _png_titled(fig, **kwargs):
    """The notebook's PNG of ``fig`` with its title as the PNG ``Title`` and as ``alt``
    metadata: ``(base64 data, {"alt": title})``, or the data alone for an untitled figure."""
    from IPython.core.pylabtools import print_figure

    title = figure_title(fig)
    meta = {"Title": title} if title else None
    data = print_figure(fig, fmt="png", base64=True, metadata=meta, **kwargs)
    return (data, {"alt": title}) if data and title else data


def _title_charts() -> None:
    """Show figures through :func:`_png_titled` in a running IPython (no-op elsewhere)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None:
        return
    import importlib
    from functools import partial

    from matplotlib.figure import Figure

    backend = str(dict.__getitem__(mpl.rcParams, "backend"))
    if "matplotlib_inline" in backend:  # the inline backend sets its formatter on import: first
        importlib.import_module("matplotlib_inline.backend_inline")
    kwargs = {"bbox_inches": "tight"}
    inline = sys.modules.get("matplotlib_inline.config")
    if inline is not None:
        kwargs.update(inline.InlineBackend.instance().print_figure_kwargs or {})
    shell.display_formatter.formatters["image/png"].for_type(
        Figure, partial(_png_titled, **kwargs))


def date_span(index) -> str:
    """``"1990-01-05 to 2026-02-20"`` for a DatetimeIndex (or a pair of dates)."""
    idx = pd.DatetimeIndex(index).dropna()
    if idx.empty:
        return "no data"
    return f"{idx.min():%Y-%m-%d} to {idx.max():%Y-%m-%d}"


def dated_title(text: str, dates, asof=None) -> str:
    """A chart title that ends on its dates: ``"<text>, 1990-01-12 to 2024-11-29"``.

    ``dates`` are the dates drawn (or a pair); with ``asof`` the span never ends after it,
    and when the data drawn end earlier (the last complete season, say) the title adds
    ``"(as of 2024-11-29)"``, so every title ends on the report's as-of date.
    """
    idx = pd.DatetimeIndex(pd.to_datetime(list(dates) if not hasattr(dates, "dtype")
                                          else dates)).dropna()
    if asof is not None:
        asof = pd.Timestamp(asof).normalize()
        idx = idx[idx <= asof + pd.Timedelta(hours=23, minutes=59)]
    span = date_span(idx)
    if asof is not None and len(idx) and idx.max().normalize() < asof:
        return f"{text}, {span} (as of {asof:%Y-%m-%d})"
    return f"{text}, {span}"


def sign_color(value) -> str:
    """``COLORS["up"]`` for a value at or above zero, ``COLORS["down"]`` below zero, neutral
    grey when missing."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return COLORS["neutral"]
    if v != v:
        return COLORS["neutral"]
    return COLORS["up"] if v >= 0 else COLORS["down"]


def sign_colors(values) -> list[str]:
    """:func:`sign_color` of each value (bars and markers coloured by their sign)."""
    return [sign_color(v) for v in values]


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
