"""Charts of the technicals study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

import pandas as pd

from smallcaps.charts.base import COLORS, add_source, date_span, source_text

__all__ = ['plot_trend']


_TECH_MA_COLORS = ("#1f77b4", "#ff7f0e", "#7b3294", "#8c564b", "#17becf")


def _tech_style():
    import mplfinance as mpf

    return mpf.make_mpf_style(
        base_mpf_style="yahoo", gridstyle=":", gridcolor="#d0d0d0", facecolor="white",
        rc={"font.size": 9, "axes.labelsize": 9, "axes.titlesize": 11, "figure.dpi": 100,
            "savefig.dpi": 100, "axes.grid": True},
    )


def _tech_addplots(result, panels: bool):
    """mplfinance addplots for a TrendResult: MAs, swing markers, MACD and RS panels."""
    import mplfinance as mpf
    import numpy as np

    bars = result.bars
    aps = []
    for i, col in enumerate(result.mas.columns):
        if result.mas[col].notna().any():
            aps.append(mpf.make_addplot(result.mas[col], color=_TECH_MA_COLORS[i % 5], width=1.1,
                                        label=f"{col[2:]}-day MA"))
    if not panels:
        return aps
    span = float(bars["High"].max() - bars["Low"].min()) or 1.0
    for kind, marker, off in (("high", "v", 0.025), ("low", "^", -0.025)):
        pts = result.swings[result.swings["kind"] == kind]
        marks = pd.Series(np.nan, index=bars.index)
        marks.loc[pts["date"]] = pts["price"].to_numpy() + off * span
        if marks.notna().any():
            aps.append(mpf.make_addplot(marks, type="scatter", marker=marker, markersize=18,
                                        color="#555555", alpha=0.7))
    m = result.macd
    aps += [
        mpf.make_addplot(m["macd"], panel=1, color="#1f77b4", width=1.0, secondary_y=False,
                         ylabel=f"MACD\n({result.units})", label="MACD"),
        mpf.make_addplot(m["signal"], panel=1, color="#ff7f0e", width=1.0, secondary_y=False,
                         label="signal"),
    ]
    if _tech_has_rs(result):
        rs = result.rs.reindex(bars.index).ffill()
        aps.append(mpf.make_addplot(rs, panel=2, color=COLORS["small"], width=1.1,
                                    secondary_y=False,
                                    ylabel=f"RS vs {result.benchmark}\n(start = 100)"))
    return aps


def _tech_has_rs(result) -> bool:
    """An RS panel only against another series (the benchmark against itself is flat)."""
    return result.rs is not None and result.benchmark != result.key


def _tech_levels(ax, result, n_levels: int):
    """Nearest support/resistance lines labelled with value and touches."""
    levels = result.levels.set_index("level")
    x_end = len(result.bars) - 1
    lines = [(p, "S", COLORS["up"]) for p in result.support[:n_levels]]
    lines += [(p, "R", COLORS["down"]) for p in result.resistance[:n_levels]]
    lo, hi = ax.get_ylim()
    gap = 0.035 * (hi - lo)  # keep labels of close levels from overlapping
    last_y = -float("inf")
    for p, side, color in sorted(lines):
        touches = int(levels.loc[p, "touches"]) if p in levels.index else 0
        ax.axhline(p, color=color, lw=0.9, ls="--", alpha=0.8)
        y = max(p, last_y + gap)
        last_y = y
        ax.text(x_end, y, f"{side} {p:,.0f} ({touches}×)", color=color, fontsize=7.5,
                ha="right", va="bottom", clip_on=True,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1})


def _tech_patterns(ax, result):
    """Neckline, shoulders/head labels and measured-move target of each pattern."""
    pos = {d: i for i, d in enumerate(result.bars.index)}
    last = len(result.bars) - 1
    for p in result.patterns.itertuples():
        if p.left_shoulder_date not in pos:
            continue
        inverse = p.type.startswith("inverse")
        color = COLORS["up"] if inverse else COLORS["down"]
        x0 = pos[p.left_reaction_date]
        end_date = p.confirmed_date if p.confirmed else result.bars.index[-1]
        x1 = pos.get(end_date, last)
        y0 = p.left_reaction_price
        ax.plot([x0, x1], [y0, y0 + p.neckline_slope * (x1 - x0)], color=color, lw=1.3)
        for label, d, price in (("LS", p.left_shoulder_date, p.left_shoulder_price),
                                ("H", p.head_date, p.head_price),
                                ("RS", p.right_shoulder_date, p.right_shoulder_price)):
            ax.annotate(label, (pos[d], price), xytext=(0, -12 if inverse else 8),
                        textcoords="offset points", ha="center", fontsize=8, color=color,
                        fontweight="bold")
        ax.hlines(p.target, x1, min(x1 + 40, last + 5), color=color, lw=1.0, ls=":")
        ax.annotate(f"{'inv. ' if inverse else ''}H&S target {p.target:,.0f}"
                    + ("" if p.confirmed else " (unconfirmed)"),
                    (x1, p.target), xytext=(2, 2), textcoords="offset points", fontsize=7.5,
                    color=color)


def plot_trend(result, ax=None, n_levels: int = 3):
    """Candlesticks of one index with its moving averages, levels, patterns, MACD and relative
    strength.

    Parameters
    ----------
    result : smallcaps.technicals.TrendResult
        From :func:`smallcaps.technicals.analyze`.
    ax : Axes, optional
        Draw only the price panel (candles, MAs, levels, patterns) on this Axes.  When omitted, a
        new three-panel figure is made (price; MACD; relative strength vs the benchmark).
    n_levels : int
        Nearest support and resistance levels drawn on each side.

    Returns
    -------
    Axes
        The price Axes (its figure holds the MACD and RS panels).
    """
    import mplfinance as mpf

    bars = result.bars[["Open", "High", "Low", "Close", "Volume"]]
    style = _tech_style()
    title = (f"{result.name} ({result.key}): trend, levels and momentum, "
             f"{date_span(bars.index)}")
    if ax is None:
        has_rs = _tech_has_rs(result)
        fig, axes = mpf.plot(
            bars, type="candle", style=style, addplot=_tech_addplots(result, panels=True),
            volume=False, returnfig=True, figsize=(12, 8 if has_rs else 7),
            panel_ratios=(4, 1.3, 1.3) if has_rs else (4, 1.3),
            ylabel=f"{result.key} ({result.units})", datetime_format="%Y-%m", xrotation=0,
            scale_padding={"left": 0.7, "right": 1.0, "top": 0.8, "bottom": 0.8},
            warn_too_much_data=10_000,
        )
        ax = axes[0]
        bottom = axes[-2] if len(axes) % 2 == 0 else axes[-1]
        hist = result.macd["hist"].to_numpy()  # histogram as one line collection (fast)
        axes[2].vlines(range(len(hist)), 0, hist, lw=1.6, alpha=0.5,
                       colors=[COLORS["up"] if h >= 0 else COLORS["down"] for h in hist])
        ax.legend(loc="upper left", fontsize=8)
    else:
        mpf.plot(bars, type="candle", style=style, ax=ax,
                 addplot=[dict(ap, ax=ax) for ap in _tech_addplots(result, panels=False)],
                 ylabel=f"{result.key} ({result.units})", datetime_format="%Y-%m", xrotation=0,
                 warn_too_much_data=10_000)
        bottom = ax
    ax.set_title(title, loc="left")
    _tech_levels(ax, result, n_levels)
    _tech_patterns(ax, result)
    keys = [result.key] + ([result.benchmark] if result.benchmark else [])
    add_source(bottom, source_text(result.provenance, keys))
    return ax
