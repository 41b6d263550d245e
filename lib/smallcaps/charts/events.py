"""Charts of the divergence study (notebook 05).

``plot_*`` functions take Series and DataFrames and return their Axes (they never show or
save); the ``chart_*`` adapters unpack a :class:`smallcaps.events.DivergenceStudy` and call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text
from smallcaps.errors import ParameterError
from smallcaps.narrative.events import short_rule

if TYPE_CHECKING:
    from smallcaps.events import DivergenceStudy

__all__ = ["plot_divergence_zscore", "plot_event_paths", "chart_divergence_zscore",
           "chart_event_paths"]

_LEVELS = {"up": (1,), "down": (-1,), "both": (1, -1)}


def plot_divergence_zscore(z: pd.Series, events: pd.DataFrame | None = None, *,
                           sigma: float = 3.0, direction: str = "up", rule: str | None = None,
                           source: str | None = None, ax: Axes | None = None) -> Axes:
    """z-score of a spread through time with its threshold lines and the events marked.

    Parameters
    ----------
    z : Series
        Daily z-score (standard deviations), indexed by date; NaN days are left out.
    events : DataFrame, optional
        One row per event indexed by date, with ``z`` (on the event day) and ``sign`` (+1
        small caps ahead, -1 behind), as :func:`smallcaps.events.find_events` returns.
    sigma : float
        Threshold, standard deviations.
    direction : {"up", "down", "both"}
        Which threshold lines to draw: ``+sigma``, ``-sigma`` or both.
    rule : str, optional
        The event rule, first line of the title.
    source : str, optional
        Source note written under the chart.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    if direction not in _LEVELS:
        raise ParameterError(f"direction {direction!r} is not supported; valid: up, down, both")
    ax = new_axes(ax, figsize=(11, 4.5))
    z = z.dropna()
    ax.plot(z.index, z.to_numpy(), lw=0.5, color=COLORS["neutral"], label="z-score (daily)")
    levels = [sign * sigma for sign in _LEVELS[direction]]
    for i, lv in enumerate(levels):
        text = f"threshold ±{sigma:g}σ" if len(levels) > 1 else f"threshold {lv:+g}σ"
        ax.axhline(lv, color="#333333", ls="--", lw=1, label=text if i == 0 else None)
    ax.axhline(0, color="black", lw=0.6)
    ev = events if events is not None else pd.DataFrame(columns=["z", "sign"])
    up = ev[ev["sign"] > 0]
    down = ev[ev["sign"] < 0]
    if not up.empty:
        ax.scatter(up.index, up["z"], s=28, color=COLORS["up"], zorder=3,
                   label=f"events, small caps ahead (n={len(up)})")
    if not down.empty:
        ax.scatter(down.index, down["z"], s=28, color=COLORS["down"], zorder=3,
                   marker="v", label=f"events, small caps behind (n={len(down)})")
    if ev.empty:
        ax.plot([], [], " ", label="no event")
    span = f"z-score of the spread, {date_span(z.index)}"
    ax.set_title(f"{rule}\n{span}" if rule else span)
    ax.set_ylabel("z-score (standard deviations)")
    ax.set_xlabel("date")
    ax.legend(loc="upper left", ncol=2)
    if source:
        add_source(ax, source)
    return ax


def plot_event_paths(paths: pd.DataFrame, *, horizons: Sequence[int] = (),
                     ylabel: str = "cumulative return (%)",
                     title: str | None = None, source: str | None = None,
                     ax: Axes | None = None) -> Axes:
    """Average cumulative path after events, with its bootstrap band and the median path,
    against the unconditional path of all days.

    Parameters
    ----------
    paths : DataFrame
        Index = trading days after the event close (0, 1, ...); columns ``event_mean``,
        ``event_median``, ``band_low``, ``band_high`` (95 % bootstrap band of the mean that
        resamples groups of overlapping events whole), ``baseline`` (all days), ``n_events``
        and ``groups`` (their values on day 0 are the numbers of events and groups in the
        legend), in % or pp, as :meth:`smallcaps.events.DivergenceStudy.paths` and
        :meth:`smallcaps.events.EventStudy.paths` return.
    horizons : sequence of int
        Days marked with dotted vertical lines (trading days).
    ylabel : str
        Label of the y axis, with its unit.
    title : str, optional
    source : str, optional
        Source note written under the chart.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    n = int(paths["n_events"].iloc[0]) if len(paths) else 0
    groups = int(paths["groups"].iloc[0]) if len(paths) else 0
    ax.fill_between(paths.index, paths["band_low"], paths["band_high"], color=COLORS["small"],
                    alpha=0.18, lw=0,
                    label=f"95% bootstrap band ({groups} groups of overlapping events "
                          "resampled)")
    ax.plot(paths.index, paths["event_mean"], color=COLORS["small"], lw=2,
            label=f"mean after events (n={n})")
    ax.plot(paths.index, paths["event_median"], color=COLORS["small"], lw=1, ls="-.",
            label="median after events")
    ax.plot(paths.index, paths["baseline"], color=COLORS["neutral"], lw=1.5, ls="--",
            label="all days (unconditional drift)")
    for h in horizons:
        ax.axvline(h, color="#999999", lw=0.6, ls=":")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("trading days after the event close")
    if title:
        ax.set_title(title)
    if len(paths):
        ax.set_xlim(0, paths.index.max())
    ax.legend(loc="upper left")
    if source:
        add_source(ax, source)
    return ax


def _source(study: DivergenceStudy) -> str:
    a = study.signal.attrs
    return source_text(a.get("provenance", {}), [a["small"], a["large"]])


def chart_divergence_zscore(study: DivergenceStudy, ax: Axes | None = None) -> Axes:
    """:func:`plot_divergence_zscore` of a :class:`~smallcaps.events.DivergenceStudy`: its
    z-score, events, threshold, rule and source."""
    p = study.params
    return plot_divergence_zscore(study.signal["z"], study.events, sigma=p["sigma"],
                                  direction=p["direction"], rule=short_rule(study),
                                  source=_source(study), ax=ax)


def chart_event_paths(study: DivergenceStudy, which: str = "small", ax: Axes | None = None) -> Axes:
    """:func:`plot_event_paths` of a :class:`~smallcaps.events.DivergenceStudy`.

    ``which``: ``"small"`` for the small-cap index (%) or ``"spread"`` for small minus large
    cumulative returns (pp).  The title names the rule, the events' span and the as-of date.
    """
    p = study.params
    paths = study.paths(which)
    if which == "small":
        ylabel = f"{p['small']} cumulative return (%)"
        what = f"{p['small']} after events"
    else:
        ylabel = f"{p['small']} minus {p['large']} cumulative return (pp)"
        what = f"{p['small']} vs {p['large']} after events"
    span = date_span(study.events.index) if len(study.events) else "no events"
    title = f"{what}: {short_rule(study)}\nevents {span}, data to {study.asof:%Y-%m-%d}"
    return plot_event_paths(paths, horizons=study.horizons, ylabel=ylabel, title=title,
                            source=_source(study), ax=ax)
