"""Charts of the events study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = ['plot_divergence_zscore', 'plot_event_paths']


def plot_divergence_zscore(study, ax=None):
    """z-score of the small-minus-large spread through time, threshold lines, events marked.

    Parameters
    ----------
    study : smallcaps.events.DivergenceStudy
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(11, 4.5))
    z = study.signal["z"].dropna()
    sigma = study.params["sigma"]
    direction = study.params["direction"]
    ax.plot(z.index, z.to_numpy(), lw=0.5, color=COLORS["neutral"], label="z-score (daily)")
    levels = {"up": [sigma], "down": [-sigma], "both": [sigma, -sigma]}[direction]
    for i, lv in enumerate(levels):
        text = f"threshold ±{sigma:g}σ" if len(levels) > 1 else f"threshold {lv:+g}σ"
        ax.axhline(lv, color=COLORS["down"], ls="--", lw=1, label=text if i == 0 else None)
    ax.axhline(0, color="black", lw=0.6)
    ev = study.events
    if not ev.empty:
        up = ev[ev["sign"] > 0]
        down = ev[ev["sign"] < 0]
        if not up.empty:
            ax.scatter(up.index, up["z"], s=28, color=COLORS["up"], zorder=3,
                       label=f"events, small caps ahead (n={len(up)})")
        if not down.empty:
            ax.scatter(down.index, down["z"], s=28, color=COLORS["down"], zorder=3,
                       marker="v", label=f"events, small caps behind (n={len(down)})")
    else:
        ax.plot([], [], " ", label="no event")
    ax.set_title(f"{study.short_rule}\nz-score of the spread, {date_span(z.index)}")
    ax.set_ylabel("z-score (standard deviations)")
    ax.set_xlabel("date")
    ax.legend(loc="upper left", ncol=2)
    a = study.signal.attrs
    add_source(ax, source_text(a.get("provenance", {}), [a["small"], a["large"]]))
    return ax


def plot_event_paths(study, which: str = "small", ax=None):
    """Average cumulative path after events against the unconditional path of all days.

    Parameters
    ----------
    study : smallcaps.events.DivergenceStudy
    which : {"small", "spread"}
        Small-cap index return (%) or spread of small minus large cumulative returns (pp).
    ax : Axes, optional

    Returns
    -------
    Axes
        Event mean with a band of ±1.96 standard errors across events (ignores overlap between
        events), the all-days baseline, and dotted lines at the study's horizons.
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    p = study.paths(which)
    a = study.signal.attrs
    n = len(study.events)
    ax.fill_between(p.index, p["band_low"], p["band_high"], color=COLORS["small"], alpha=0.18,
                    lw=0, label="95% band (±1.96 s.e. across events)")
    ax.plot(p.index, p["event_mean"], color=COLORS["small"], lw=2,
            label=f"mean after events (n={n})")
    ax.plot(p.index, p["baseline"], color=COLORS["neutral"], lw=1.5, ls="--",
            label="all days (unconditional drift)")
    for h in study.horizons:
        ax.axvline(h, color="#999999", lw=0.6, ls=":")
    ax.axhline(0, color="black", lw=0.6)
    if which == "small":
        ax.set_ylabel(f"{a['small']} cumulative return (%)")
        what = f"{a['small']} after events"
    else:
        ax.set_ylabel(f"{a['small']} minus {a['large']} cumulative return (pp)")
        what = f"{a['small']} vs {a['large']} after events"
    ax.set_xlabel("trading days after the event close")
    span = date_span(study.events.index) if n else "no events"
    ax.set_title(f"{what}: {study.short_rule}\nevents {span}, data to "
                 f"{study.asof:%Y-%m-%d}")
    ax.set_xlim(0, p.index.max())
    ax.legend(loc="upper left")
    add_source(ax, source_text(a.get("provenance", {}), [a["small"], a["large"]]))
    return ax
