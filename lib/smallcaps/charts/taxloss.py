"""Charts of the turn-of-the-year study (notebook 04).

``plot_*`` functions take Series and DataFrames and return their Axes (never show or save);
``chart_*`` adapters unpack a :class:`smallcaps.taxloss.TurnOfYear` or
:class:`smallcaps.taxloss.ReboundSensitivity` and call them with dated titles and the source
note.  Colours follow the kit's one rule (:data:`smallcaps.charts.base.COLORS`): a bar is green
when small caps led (above zero) and red when they lagged, whichever window it belongs to; the
two windows are told apart by hatching (pressure) and by their position, and shaded in neutral
tints on the path chart.  Titles end on the as-of date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from smallcaps.charts.base import (
    COLORS,
    add_source,
    dated_title,
    new_axes,
    sign_colors,
    source_text,
)

__all__ = [
    "plot_relative_path",
    "plot_window_returns",
    "plot_rebound_sensitivity",
    "chart_relative_path",
    "chart_window_returns",
    "chart_rebound_sensitivity",
]

_INK = "#333333"
#: Neutral tints of the two windows on the path chart (categories, not signs).
WINDOW_TINTS = {"pressure": "#9e9ac8", "rebound": COLORS["easing"]}


def plot_relative_path(
    band: pd.DataFrame,
    current: pd.Series | None = None,
    *,
    pressure_days: tuple[float, float] | None = None,
    rebound_days: tuple[float, float] | None = None,
    trough: tuple[int, float] | None = None,
    average_label: str = "average",
    current_label: str = "current season",
    current_dashed: bool = False,
    pressure_label: str = "pressure window",
    rebound_label: str = "rebound window",
    trough_label: str = "average trough",
    xlabel: str = "trading day of the window (0 = close before)",
    ylabel: str = "small minus large (pp)",
    title: str = "Relative path through the turn of the year",
    source: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Average small-minus-large path by trading day with the middle half of years as a band.

    Parameters
    ----------
    band : DataFrame
        Indexed by trading day of the window (0 = close before it): ``mean``, ``q25``,
        ``q75`` (pp) and ``n`` (years with a value); days with fewer than half the most
        years are not drawn.
    current : Series, optional
        A season's path (pp by trading day) drawn on top (dashed with ``current_dashed``).
    pressure_days, rebound_days : pair of float, optional
        First and last trading day of each window, shaded in neutral tints
        (:data:`WINDOW_TINTS`: purple pressure, blue rebound).
    trough : pair (trading day, pp), optional
        The average trough, marked with a triangle.
    source : str, optional
        Source note written under the chart.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(12, 4.8))
    b = band.dropna(subset=["mean"])
    b = b.loc[b["n"] >= b["n"].max() / 2] if len(b) else b
    for days, color, label in ((pressure_days, WINDOW_TINTS["pressure"], pressure_label),
                               (rebound_days, WINDOW_TINTS["rebound"], rebound_label)):
        if days is not None:
            ax.axvspan(days[0] - 0.5, days[1] + 0.5, color=color, alpha=0.15, lw=0,
                       label=label)
    ax.fill_between(b.index, b["q25"], b["q75"], color=COLORS["neutral"], alpha=0.2,
                    label="middle half of years")
    ax.plot(b.index, b["mean"], color=COLORS["neutral"], lw=1.8, label=average_label)
    if current is not None and len(current) > 1:
        ax.plot(current.index, current.to_numpy(), color=COLORS["small"],
                lw=1.6 if current_dashed else 2.2, ls="--" if current_dashed else "-",
                label=current_label)
    if trough is not None:
        ax.plot([trough[0]], [trough[1]], "v", color=_INK, ms=8, label=trough_label)
    ax.axhline(0, color=_INK, lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    if source:
        add_source(ax, source)
    return ax


def plot_window_returns(
    pressure: pd.Series,
    rebound: pd.Series,
    *,
    pressure_label: str = "pressure window",
    rebound_label: str = "rebound window",
    xlabel: str = "year (December of the season)",
    ylabel: str = "small minus large (pp)",
    title: str = "Pressure and rebound windows by year",
    source: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Side-by-side bars of each year's pressure (left, hatched) and rebound (right, solid)
    relative return, each green when small caps led and red when they lagged.

    Parameters
    ----------
    pressure, rebound : Series
        Small minus large (pp) by year, on the same index.
    source : str, optional
        Source note written under the chart.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(10, 4.2))
    x = np.arange(len(pressure))
    p, r = pressure.to_numpy(dtype=float), rebound.reindex(pressure.index).to_numpy(dtype=float)
    ax.bar(x - 0.2, p, width=0.4, color=sign_colors(p), alpha=0.55, hatch="///",
           edgecolor="white", lw=0)
    ax.bar(x + 0.2, r, width=0.4, color=sign_colors(r), alpha=0.9)
    ax.axhline(0, color=_INK, lw=0.8)
    handles = [Patch(facecolor=COLORS["neutral"], alpha=0.55, hatch="///", edgecolor="white",
                     label=f"{pressure_label} (left bar, hatched)"),
               Patch(facecolor=COLORS["neutral"], alpha=0.9,
                     label=f"{rebound_label} (right bar)"),
               Patch(facecolor=COLORS["up"], label="small caps ahead"),
               Patch(facecolor=COLORS["down"], label="small caps behind")]
    step = max(1, -(-len(x) // 15))
    ax.set_xticks(x[::step], [str(v) for v in pressure.index[::step]])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(handles=handles, loc="upper left", ncols=2, frameon=True, framealpha=0.9,
              edgecolor="none")
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.25 * (hi - lo))  # head room for the legend
    if source:
        add_source(ax, source)
    return ax


def plot_rebound_sensitivity(
    table: pd.DataFrame,
    *,
    xlabel: str = "rebound window start",
    ylabel: str = "excess of small minus large (pp)",
    title: str = "Rebound excess over a typical window of the same length, by start date\n"
                 "whiskers = 95% block-bootstrap interval, label = share of seasons small "
                 "caps led",
    source: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Excess relative rebound by start date (over the typical window of the same length),
    green when positive and red when negative, with its 95 % interval as a whisker and the
    share of seasons small caps led written over each bar.

    Parameters
    ----------
    table : DataFrame
        Indexed by start month-day: ``excess_pp``, ``ci_low``, ``ci_high`` (pp) and
        ``hit_rate`` (0..1).
    source : str, optional
        Source note written under the chart.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(10, 4))
    vals = table["excess_pp"].to_numpy(dtype=float)
    lo, hi = table["ci_low"].to_numpy(dtype=float), table["ci_high"].to_numpy(dtype=float)
    colors = [COLORS["up"] if v >= 0 else COLORS["down"] for v in vals]
    x = np.arange(len(vals))
    bars = ax.bar(x, vals, color=colors, alpha=0.85)
    ok = np.isfinite(lo) & np.isfinite(hi)
    ax.vlines(x[ok], lo[ok], hi[ok], color=_INK, lw=1.0, label="95% interval")
    for bar, v, top, hit in zip(bars, vals, hi, table["hit_rate"].to_numpy(dtype=float),
                                strict=True):
        y = 0.0 if np.isnan(v) else (top if np.isfinite(top) and v >= 0 else v)
        ax.annotate("n/a" if np.isnan(hit) else f"{hit:.0%}",
                    (bar.get_x() + bar.get_width() / 2, y), xytext=(0, 3 if v >= 0 else -10),
                    textcoords="offset points", ha="center", fontsize=7.5)
    ax.axhline(0, color=_INK, lw=0.8)
    ax.set_xticks(x, [str(i) for i in table.index], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=11)
    if source:
        add_source(ax, source)
    return ax


def _asof(provenance: dict, keys) -> pd.Timestamp | None:
    """The last date every series of ``keys`` has (their provenance ``last``): the as-of."""
    last = [pd.Timestamp(provenance[k]["last"]) for k in keys
            if provenance.get(k, {}).get("last")]
    return min(last) if last else None


def chart_relative_path(study, ax: Axes | None = None) -> Axes:
    """:func:`plot_relative_path` of a :class:`~smallcaps.taxloss.TurnOfYear`: the average of
    complete seasons, the current season (or, when it has not started, the latest complete
    one, dashed), the typical pressure and rebound days and the average trough."""
    w = study.windows
    done = [c for c in study.paths.columns if bool(study.path_windows.at[c, "complete"])]
    spans = study.typical_window_days()
    cur = study.current()
    current, label, dashed = cur["path"], f"{cur['year']} season to {study.asof:%Y-%m-%d}", False
    if (current is None or len(current) <= 1) and done:
        current = study.paths[done[-1]].dropna()
        label, dashed = f"latest complete season ({done[-1]})", True
    tr = study.trough()
    mark = (tr["trading_day"], tr["value_pp"]) if tr["trading_day"] and tr["value_pp"] < 0 \
        else None
    first = min(study.paths.columns) if len(study.paths.columns) else None
    span = [study.path_windows.at[first, "base"], study.asof] if first is not None else []
    return plot_relative_path(
        study.band, current, pressure_days=spans["pressure"], rebound_days=spans["rebound"],
        trough=mark, current_label=label, current_dashed=dashed,
        average_label=f"average {done[0]}-{done[-1]} ({len(done)} years)" if done else "average",
        pressure_label=f"pressure window ({w['pressure'][0]} to {w['pressure'][1]}, typical "
                       "days)",
        rebound_label=f"rebound window ({w['rebound'][0]} to {w['rebound'][1]}, typical days)",
        trough_label=f"average trough: day {tr['trading_day']} (~{tr['date']})",
        xlabel=f"trading day after {w['path'][0]} (0 = close before)",
        ylabel=f"{study.small} minus {study.large} (pp)",
        title=dated_title(f"{study.small} vs {study.large} through the turn of the year "
                          f"({w['path'][0]} to {w['path'][1]})", span, study.asof),
        source=source_text(study.provenance, [study.small, study.large]), ax=ax)


def chart_window_returns(study, ax: Axes | None = None) -> Axes:
    """:func:`plot_window_returns` of a :class:`~smallcaps.taxloss.TurnOfYear`'s complete
    seasons."""
    y, w = study.years, study.windows
    span = [y["pressure_first"].min(), y["rebound_last"].max()] if len(y) else []
    return plot_window_returns(
        y["pressure_rel"], y["rebound_rel"],
        pressure_label=f"pressure {w['pressure'][0]} to {w['pressure'][1]}",
        rebound_label=f"rebound {w['rebound'][0]} to {w['rebound'][1]}",
        ylabel=f"{study.small} minus {study.large} (pp)",
        title=dated_title("Pressure and rebound windows by year", span, study.asof),
        source=source_text(study.provenance, [study.small, study.large]), ax=ax)


def chart_rebound_sensitivity(sensitivity, ax: Axes | None = None) -> Axes:
    """:func:`plot_rebound_sensitivity` of a :class:`~smallcaps.taxloss.ReboundSensitivity`:
    each start date's excess with its interval."""
    s = sensitivity
    return plot_rebound_sensitivity(
        s.table, xlabel=f"rebound window start (end {s.end})",
        ylabel=f"excess of {s.small} minus {s.large} (pp)",
        title=dated_title("Rebound excess over a typical window of the same length, by start "
                          "date", list(s.span), _asof(s.provenance, (s.small, s.large)))
        + "\nwhiskers = 95% block-bootstrap interval, label = share of seasons small caps led",
        source=source_text(s.provenance, [s.small, s.large]), ax=ax)
