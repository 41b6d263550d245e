"""Charts of the ratios study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

import matplotlib.pyplot as plt

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = ['plot_ratio', 'plot_pair_overlay', 'plot_ratio_grid']


def _ratios_value_axis(ax, log_scale: bool) -> None:
    """Log (or linear) y axis with plain-number tick labels, readable over a narrow range."""
    import matplotlib.ticker as mticker

    if log_scale:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins=7))
        ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    fmt = mticker.ScalarFormatter(useOffset=False)
    fmt.set_scientific(False)
    ax.yaxis.set_major_formatter(fmt)


def _ratios_stale_note(analysis) -> str:
    if analysis.data_end < analysis.asof:
        return (f"  [DATA ENDS {analysis.data_end:%Y-%m-%d}; report as of "
                f"{analysis.asof:%Y-%m-%d}]")
    return ""


def plot_ratio(analysis, log_scale: bool = True, mas=None, ax=None):
    """Ratio chart of one pair: the ratio, its moving averages, breakouts and trend lines.

    Parameters
    ----------
    analysis : smallcaps.ratios.PairAnalysis
        From :func:`smallcaps.ratios.analyze_pair` / ``analyze_pairs``.
    log_scale : bool
        Logarithmic y axis (equal distances = equal percent moves).
    mas : list of int, optional
        Moving averages to draw (default: all the analysis holds).
    ax : Axes, optional

    Returns
    -------
    Axes
        Shows the chart window (``analysis.start`` to the pair's last date); triangles mark
        closes at a new ``breakout_days``-day high (up) or low (down); dashed lines are the
        log-linear 3- and 12-month trends.
    """
    ax = new_axes(ax, figsize=(11, 4.8))
    a = analysis
    r = a.ratio.loc[a.start:]
    num, den = a.pair.split("/")
    ax.plot(r.index, r.to_numpy(), color="#222222", lw=1.2, label=a.pair)
    palette = ["#1f78b4", "#e31a1c", "#33a02c", "#6a3d9a"]
    for i, w in enumerate(sorted(mas or a.mas)):
        m = a.mas[w].loc[a.start:]
        slope = a.ma_slope(w)[0]
        ax.plot(m.index, m.to_numpy(), lw=1.0, color=palette[i % len(palette)],
                label=f"{w}-day average ({slope or 'n/a'})")
    ev = a.events.loc[a.start:]
    for sign, marker, color, word in ((1, "^", COLORS["up"], "high"),
                                      (-1, "v", COLORS["down"], "low")):
        d = ev.index[ev.to_numpy() == sign]
        if len(d):
            ax.scatter(d, r.loc[d].to_numpy(), marker=marker, s=22, color=color, zorder=4,
                       label=f"new {a.breakout_days}-day {word} ({len(d)})")
    for key, style in (("12m", (0, (5, 3))), ("3m", (0, (2, 2)))):
        t = a.trends.get(key)
        if t is not None:
            line = t.line()
            ax.plot(line.index, line.to_numpy(), ls=style, lw=1.6, color=COLORS["neutral"],
                    label=f"{key} trend {t.direction} ({t.slope_pct:+.2f}%/mo, R² {t.r2:.2f})")
    ax.annotate(f"{a.last:.4g}", xy=(r.index[-1], a.last), xytext=(4, 0),
                textcoords="offset points", va="center", fontsize=8)
    _ratios_value_axis(ax, log_scale)
    ax.set_title(f"{a.pair} ratio, {date_span(r.index)}{_ratios_stale_note(a)}")
    ax.set_ylabel(f"{num} / {den} (ratio of closes{', log scale' if log_scale else ''})")
    ax.set_xlabel("date")
    ax.legend(loc="best", ncols=2, frameon=True, framealpha=0.85, edgecolor="none")
    add_source(ax, source_text(a.provenance))
    return ax


def plot_pair_overlay(analysis, log_scale: bool = True, ax=None):
    """Two price lines of a pair, each rebased to 100 at the analysis' rebase date.

    The gap between the lines is the pair's relative performance since that date; the chart
    covers the analysis' window up to the pair's last common date.  Prices are closes (for ETFs
    not dividend-adjusted).

    Returns
    -------
    Axes
    """
    from smallcaps.returns import rebase as _rebase

    ax = new_axes(ax, figsize=(11, 4.5))
    a = analysis
    legs = a.legs.loc[a.start:]
    rb = _rebase(legs, at=a.rebase_date)
    colors = [COLORS["small"], COLORS["large"]]
    for i, key in enumerate(rb.columns):
        s = rb[key]
        ax.plot(s.index, s.to_numpy(), color=colors[i % 2], lw=1.3,
                label=f"{key}: {s.iloc[-1] - 100:+.1f}% since {a.rebase_date:%Y-%m-%d}")
        ax.annotate(f"{s.iloc[-1]:.0f}", xy=(s.index[-1], s.iloc[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8, color=colors[i % 2])
    ax.axhline(100, color=COLORS["neutral"], lw=0.8, ls=":")
    _ratios_value_axis(ax, log_scale)
    num, den = a.pair.split("/")
    ax.set_title(f"{num} vs {den}, {date_span(rb.index)}{_ratios_stale_note(a)}")
    ax.set_ylabel(f"close, rebased to 100 on {a.rebase_date:%Y-%m-%d}"
                  + (" (log scale)" if log_scale else ""))
    ax.set_xlabel("date")
    ax.legend(loc="best")
    add_source(ax, source_text(a.provenance))
    return ax


def plot_ratio_grid(study, log_scale: bool = True, ncols: int = 3, axes=None):
    """Small multiples: every ratio of a study rebased to 100 at its rebase date.

    Parameters
    ----------
    study : smallcaps.ratios.RatioStudy
    log_scale : bool
    ncols : int
        Panels per row.
    axes : array of Axes, optional
        At least as many as pairs; a new figure when omitted.

    Returns
    -------
    ndarray of Axes
        Panels share the y axis so their moves compare directly.
    """
    import numpy as np

    pairs = list(study.pairs.values())
    n = len(pairs)
    if axes is None:
        nrows = -(-n // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3.1 * nrows + 0.6),
                                 sharey=True, squeeze=False)
    axes = np.asarray(axes).ravel()
    reb = study.rebased()
    at = study.window.rebase_date
    prov: dict = {}
    for ax, a in zip(axes, pairs, strict=False):
        s = reb[a.pair].dropna()
        up = s.iloc[-1] >= 100
        ax.plot(s.index, s.to_numpy(), color=COLORS["up"] if up else COLORS["down"], lw=1.1)
        ax.axhline(100, color=COLORS["neutral"], lw=0.8, ls=":")
        stale = f" (ends {a.data_end:%Y-%m-%d})" if a.stale else ""
        ax.set_title(f"{a.pair}: {s.iloc[-1]:.0f}{stale}", fontsize=10)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.set_xlim(study.window.start, study.asof)
        _ratios_value_axis(ax, log_scale)
        prov.update(a.provenance)
    for ax in axes[n:]:
        ax.set_visible(False)
    ncols_eff = min(ncols, n)
    for i, ax in enumerate(axes[:n]):
        if i % ncols_eff == 0:
            ax.set_ylabel(f"ratio, rebased to 100\non {at:%Y-%m-%d}"
                          + (" (log)" if log_scale else ""))
    fig = axes[0].figure
    fig.suptitle(f"Ratios rebased to 100 on {at:%Y-%m-%d}, "
                 f"{date_span([study.window.start, study.asof])}", fontweight="bold")
    fig.tight_layout()
    bottom = axes[(-(-n // ncols_eff) - 1) * ncols_eff]
    add_source(bottom, source_text(prov))
    return axes
