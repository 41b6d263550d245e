"""Charts: one style helper and ``plot_*`` functions that return their Axes.

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


# ----------------------------------------------------------------------------------------------
# Each topic adds its plot_* functions in its own section below (rates, ratios, seasonality,
# taxloss, events, technicals).  Shared helpers stay above.
# ----------------------------------------------------------------------------------------------

# --- rates (notebook 01) ---

# --- ratios (notebook 02) ---

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
    ax.legend(loc="best", ncols=2)
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


# --- seasonality (notebook 03) ---

# --- taxloss (notebook 04) ---

# --- events (notebook 05) ---

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
        ax.axhline(lv, color=COLORS["down"], ls="--", lw=1,
                   label=f"threshold ±{sigma:g}σ" if len(levels) > 1 else
                   f"threshold {lv:+g}σ" if i == 0 else None)
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


# --- technicals (notebook 06) ---
