"""Charts of the ratio study (notebook 02).

``plot_*`` functions take Series / DataFrames and return their Axes (never show or save);
``chart_*`` adapters unpack a result of :mod:`smallcaps.ratios` and call them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib import patheffects

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = [
    "plot_ratio",
    "plot_pair_overlay",
    "plot_ratio_grid",
    "chart_ratio",
    "chart_pair_overlay",
    "chart_ratio_grid",
]

#: Moving averages in colours that are not a sign (green and red mean up and down only).
_MA_PALETTE = ("#1f78b4", "#ff7f00", "#6a3d9a", "#8c564b")
_TREND_STYLES = ((0, (6, 3)), (0, (2, 1.5)))
_HALO = [patheffects.Stroke(linewidth=4.4, foreground="white", alpha=0.9), patheffects.Normal()]


def _value_axis(ax, log_scale: bool) -> None:
    """Log (or linear) y axis with plain-number tick labels, readable over a narrow range."""
    if log_scale:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins=7))
        ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    fmt = mticker.ScalarFormatter(useOffset=False)
    fmt.set_scientific(False)
    ax.yaxis.set_major_formatter(fmt)


def _stale_note(end, asof) -> str:
    if asof is not None and pd.Timestamp(end) < pd.Timestamp(asof):
        return f"  [DATA ENDS {end:%Y-%m-%d}; report as of {pd.Timestamp(asof):%Y-%m-%d}]"
    return ""


def plot_ratio(ratio: pd.Series, mas: pd.DataFrame | None = None,
               breakouts: pd.Series | None = None,
               trends: Mapping[str, pd.Series] | None = None, *, log_scale: bool = True,
               breakout_days: int | None = None, asof=None, provenance: dict | None = None,
               ratio_of: str = "ratio of closes", ax=None):
    """Ratio chart: the ratio, its moving averages, new highs / lows and trend lines.

    Parameters
    ----------
    ratio : Series
        The ratio over the chart window, named ``"A/B"``.
    mas : DataFrame, optional
        Moving averages on the ratio's dates, one column each; the column name is the legend
        label (e.g. ``"200-day average (rising)"``).
    breakouts : Series, optional
        +1 (new high, an up triangle in green) or -1 (new low, a down triangle in red) indexed
        by the date of the close.
    trends : mapping of str to Series, optional
        Legend label -> fitted trend line (two or more points); dashed and thick with a white
        halo, green when it rises, red when it falls, grey when its label says ``flat``.
    log_scale : bool
        Logarithmic y axis (equal distances = equal percent moves).
    breakout_days : int, optional
        Look-back of the breakouts in trading days (for the legend).
    asof : date-like, optional
        The report's as-of date: a ratio that ends before it is flagged in the title.
    provenance : dict, optional
        Provenance of the two legs, for the source note.
    ratio_of : str
        What the ratio divides, for the y axis (``"ratio of closes"``, ``"ratio of
        dividend-adjusted closes"``).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(11, 4.8))
    r = ratio.dropna()
    name = str(ratio.name or "ratio")
    ax.plot(r.index, r.to_numpy(), color="#222222", lw=1.2, label=name)
    for i, (label, m) in enumerate((mas if mas is not None else pd.DataFrame()).items()):
        ax.plot(m.index, m.to_numpy(), lw=1.0, color=_MA_PALETTE[i % len(_MA_PALETTE)],
                label=str(label))
    ev = breakouts if breakouts is not None else pd.Series(dtype=int)
    span = f"{breakout_days}-day " if breakout_days else ""
    for sign, marker, color, word in ((1, "^", COLORS["up"], "high"),
                                      (-1, "v", COLORS["down"], "low")):
        d = ev.index[ev.to_numpy() == sign]
        d = d[d.isin(r.index)]
        if len(d):
            ax.scatter(d, r.loc[d].to_numpy(), marker=marker, s=22, color=color, zorder=4,
                       label=f"new {span}{word} ({len(d)})")
    for i, (label, line) in enumerate((trends or {}).items()):
        v = line.dropna().to_numpy(dtype=float)
        color = (COLORS["neutral"] if " flat" in str(label) or len(v) < 2 else
                 COLORS["up"] if v[-1] >= v[0] else COLORS["down"])
        ax.plot(line.index, line.to_numpy(), ls=_TREND_STYLES[i % 2], lw=2.4, color=color,
                label=str(label), zorder=3, path_effects=_HALO)
    ax.annotate(f"{r.iloc[-1]:.4g}", xy=(r.index[-1], r.iloc[-1]), xytext=(4, 0),
                textcoords="offset points", va="center", fontsize=8)
    _value_axis(ax, log_scale)
    ax.set_title(f"{name} ratio, {date_span(r.index)}{_stale_note(r.index[-1], asof)}")
    legs = name.replace("/", " / ") if "/" in name else name
    ax.set_ylabel(f"{legs} ({ratio_of}{', log scale' if log_scale else ''})")
    ax.set_xlabel("date")
    ax.legend(loc="best", ncols=2, frameon=True, framealpha=0.85, edgecolor="none")
    add_source(ax, source_text(provenance or {}))
    return ax


def plot_pair_overlay(lines: pd.DataFrame, rebase_date, *, log_scale: bool = True, asof=None,
                      provenance: dict | None = None, value: str = "close", ax=None):
    """Two price lines rebased to 100 at ``rebase_date``: the gap between them is the relative
    performance since that date.

    Parameters
    ----------
    lines : DataFrame
        Two columns (numerator, denominator), each 100 at ``rebase_date``.
    rebase_date : date-like
    log_scale : bool
    asof : date-like, optional
        The report's as-of date: lines that end before it are flagged in the title.
    provenance : dict, optional
    value : str
        What the lines show, for the y axis (``"close"``, ``"total return (dividend-adjusted
        close)"``).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(11, 4.5))
    at = pd.Timestamp(rebase_date)
    colors = (COLORS["small"], COLORS["large"])
    for i, key in enumerate(lines.columns):
        s = lines[key].dropna()
        ax.plot(s.index, s.to_numpy(), color=colors[i % 2], lw=1.3,
                label=f"{key}: {s.iloc[-1] - 100:+.1f}% since {at:%Y-%m-%d}")
        ax.annotate(f"{s.iloc[-1]:.0f}", xy=(s.index[-1], s.iloc[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8, color=colors[i % 2])
    ax.axhline(100, color=COLORS["neutral"], lw=0.8, ls=":")
    _value_axis(ax, log_scale)
    idx = lines.dropna(how="all").index
    names = " vs ".join(map(str, lines.columns))
    ax.set_title(f"{names}, {date_span(idx)}{_stale_note(idx[-1], asof)}")
    # two lines: a total-return label in one would run past the axes' height
    ax.set_ylabel(f"{value},\nrebased to 100 on {at:%Y-%m-%d}"
                  + (" (log scale)" if log_scale else ""))
    ax.set_xlabel("date")
    ax.legend(loc="best")
    add_source(ax, source_text(provenance or {}))
    return ax


def plot_ratio_grid(rebased: pd.DataFrame, rebase_date, *, start=None, end=None,
                    stale: Mapping[str, pd.Timestamp] | None = None, log_scale: bool = True,
                    ncols: int = 3, provenance: dict | None = None, axes=None):
    """Small multiples: one panel per ratio rebased to 100, on a shared y axis.

    Parameters
    ----------
    rebased : DataFrame
        One column per ratio, 100 at ``rebase_date``.  A panel's line is green when the ratio
        ends at or above 100 (its numerator outperformed), red below.
    rebase_date : date-like
    start, end : date-like, optional
        x-axis range (default: the data's).
    stale : mapping, optional
        Ratio -> last date for ratios that end before the as-of date (noted in the panel title).
    log_scale : bool
    ncols : int
        Panels per row.
    provenance : dict, optional
    axes : array of Axes, optional
        At least as many as ratios; a new figure when omitted.

    Returns
    -------
    ndarray of Axes
    """
    n = rebased.shape[1]
    if axes is None:
        nrows = -(-n // ncols)
        _, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3.1 * nrows + 0.6),
                               sharey=True, squeeze=False)
    axes = np.asarray(axes).ravel()
    at = pd.Timestamp(rebase_date)
    idx = rebased.dropna(how="all").index
    lo = pd.Timestamp(start) if start is not None else idx[0]
    hi = pd.Timestamp(end) if end is not None else idx[-1]
    stale = stale or {}
    for ax, name in zip(axes, rebased.columns, strict=False):
        s = rebased[name].dropna()
        up = s.iloc[-1] >= 100
        ax.plot(s.index, s.to_numpy(), color=COLORS["up"] if up else COLORS["down"], lw=1.1)
        ax.axhline(100, color=COLORS["neutral"], lw=0.8, ls=":")
        note = f" (ends {stale[name]:%Y-%m-%d})" if name in stale else ""
        ax.set_title(f"{name}: {s.iloc[-1]:.0f}{note}", fontsize=10)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.set_xlim(lo, hi)
        _value_axis(ax, log_scale)
    for ax in axes[n:]:
        ax.set_visible(False)
    ncols_eff = min(ncols, n)
    for i, ax in enumerate(axes[:n]):
        if i % ncols_eff == 0:
            ax.set_ylabel(f"ratio, rebased to 100\non {at:%Y-%m-%d}"
                          + (" (log)" if log_scale else ""))
    fig = axes[0].figure
    fig.suptitle(f"Ratios rebased to 100 on {at:%Y-%m-%d}, {date_span([lo, hi])}",
                 fontweight="bold")
    fig.tight_layout()
    bottom = axes[(-(-n // ncols_eff) - 1) * ncols_eff]
    add_source(bottom, source_text(provenance or {}))
    return axes


# ----------------------------------------------------------------------------------------------
# Adapters: one result of smallcaps.ratios in, one chart out
# ----------------------------------------------------------------------------------------------

def chart_ratio(analysis, *, log_scale: bool = True, mas: Sequence[int] | None = None,
                ax=None):
    """:func:`plot_ratio` of a :class:`smallcaps.ratios.PairAnalysis` over its chart window:
    its averages (``mas``, default all it holds) with their 20-day direction, its new
    ``breakout_days``-day highs / lows and its 12- and 3-month trends."""
    a = analysis
    frame = {}
    for w in sorted(mas or a.mas):
        frame[f"{w}-day average ({a.ma_slope(w)[0] or 'n/a'})"] = a.mas[w].loc[a.start:]
    trends = {}
    for key in ("12m", "3m"):
        t = a.trends.get(key)
        if t is not None:
            label = f"{key} trend {t.direction} ({t.slope_pct:+.2f}%/mo, R² {t.r2:.2f})"
            trends[label] = t.line()
    return plot_ratio(a.ratio.loc[a.start:], pd.DataFrame(frame), a.events.loc[a.start:],
                      trends, log_scale=log_scale, breakout_days=a.breakout_days, asof=a.asof,
                      provenance=a.provenance, ratio_of=a.ratio_of, ax=ax)


def chart_pair_overlay(overlay, *, log_scale: bool = True, ax=None):
    """:func:`plot_pair_overlay` of a :class:`smallcaps.ratios.PairOverlay` (a pair's two legs
    rebased to 100 at its rebase date)."""
    return plot_pair_overlay(overlay.lines, overlay.rebase_date, log_scale=log_scale,
                             asof=overlay.asof, provenance=overlay.provenance,
                             value=overlay.value_label, ax=ax)


def chart_ratio_grid(study, *, log_scale: bool = True, ncols: int = 3, axes=None):
    """:func:`plot_ratio_grid` of a :class:`smallcaps.ratios.RatioStudy`: every ratio rebased
    to 100, from the window start to the as-of date."""
    prov: dict = {}
    for a in study.pairs.values():
        prov.update(a.provenance)
    return plot_ratio_grid(study.rebased(), study.window.rebase_date, start=study.window.start,
                           end=study.asof, stale=study.stale, log_scale=log_scale, ncols=ncols,
                           provenance=prov, axes=axes)
