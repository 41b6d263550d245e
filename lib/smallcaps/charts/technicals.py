"""Charts of the technicals study (notebook 06): :func:`plot_trend` draws candlesticks with
moving averages, levels, patterns, MACD and relative strength from plain frames;
:func:`chart_trend` unpacks a :class:`smallcaps.technicals.TrendResult` into it.  Both return
the price Axes and never show or save.

Layout: the date axis has regular ticks (the first bar of every 1, 2, 3, 6 or 12 months); the
price axis is on the left, and the labels of levels, pattern targets and trend lines that run
to the last bar sit right of the last bar (an empty margin, then beyond the frame), stacked so
they never overlap each other or the candles; legends sit above their panels, not on the data;
trend lines are drawn solid and thick with a white halo.  The title is the price panel's
(left-aligned; the page uses it as the image's alt text), the averages' legend beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.ticker import FixedFormatter, FixedLocator

from smallcaps.charts.base import COLORS, add_source, date_span, source_text

__all__ = ["plot_trend", "chart_trend", "date_ticks"]

#: Bars of empty margin right of the last bar, as a share of the bars drawn (labels go there).
MARGIN = 0.12
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)

_MA_COLORS = ("#1f77b4", "#ff7f0e", "#7b3294", "#8c564b", "#17becf")


def _style():
    import mplfinance as mpf

    return mpf.make_mpf_style(
        base_mpf_style="yahoo", gridstyle=":", gridcolor="#d0d0d0", facecolor="white",
        y_on_right=False,  # the right side is the margin of the level and target labels
        rc={"font.size": 9, "axes.labelsize": 9, "axes.titlesize": 11, "figure.dpi": 100,
            "savefig.dpi": 100, "axes.grid": True},
    )


def _ma_plots(mas: pd.DataFrame | None, index: pd.DatetimeIndex, unit: str = "day") -> list:
    import mplfinance as mpf

    if mas is None:
        return []
    out = []
    for i, col in enumerate(mas.columns):
        line = mas[col].reindex(index)
        if line.notna().any():
            label = f"{str(col)[2:]}-{unit} MA" if str(col).startswith("ma") else str(col)
            out.append(mpf.make_addplot(line, color=_MA_COLORS[i % len(_MA_COLORS)], width=1.1,
                                        label=label))
    return out


def _swing_plots(swings: pd.DataFrame | None, bars: pd.DataFrame) -> list:
    """Markers a little above swing highs and below swing lows."""
    import mplfinance as mpf

    if swings is None or swings.empty:
        return []
    span = float(bars["High"].max() - bars["Low"].min()) or 1.0
    out = []
    for kind, marker, off in (("high", "v", 0.025), ("low", "^", -0.025)):
        pts = swings[(swings["kind"] == kind) & swings["date"].isin(bars.index)]
        marks = pd.Series(np.nan, index=bars.index)
        marks.loc[pts["date"]] = pts["price"].to_numpy() + off * span
        if marks.notna().any():
            out.append(mpf.make_addplot(marks, type="scatter", marker=marker, markersize=18,
                                        color="#555555", alpha=0.7))
    return out


def date_ticks(index: pd.DatetimeIndex, max_ticks: int = 8) -> tuple[list[int], list[str]]:
    """Regular date ticks for bars drawn at integer positions: the first bar of every k-th
    month (k in 1, 2, 3, 6, 12... months, the smallest giving at most ``max_ticks``), starting
    on a month that is a multiple of k (January, April... for quarters).

    Returns
    -------
    (positions, labels)
        Bar positions and ``"YYYY-MM"`` labels (``"YYYY"`` for yearly steps).
    """
    idx = pd.DatetimeIndex(index)
    if len(idx) == 0:
        return [], []
    months = idx.year * 12 + idx.month - 1
    firsts = np.flatnonzero(np.r_[True, np.diff(months) != 0])
    firsts = firsts[1:] if len(firsts) > 1 else firsts  # the first month is usually partial
    for step in _MONTH_STEPS:
        keep = [i for i in firsts if months[i] % step == 0]
        if len(keep) <= max_ticks:
            break
    fmt = "%Y" if step >= 12 else "%Y-%m"
    return [int(i) for i in keep], [idx[i].strftime(fmt) for i in keep]


def _set_date_ticks(axes, index: pd.DatetimeIndex) -> None:
    pos, labels = date_ticks(index)
    for a in axes:
        a.xaxis.set_major_locator(FixedLocator(pos))
        a.xaxis.set_major_formatter(FixedFormatter(labels))


def _margin(ax, n_bars: int) -> float:
    """Widen the x axis right of the last bar by :data:`MARGIN`; returns where labels go."""
    lo, _ = ax.get_xlim()
    last = n_bars - 1
    ax.set_xlim(lo, last + max(8.0, MARGIN * n_bars))
    return last + 1.5


def _stack_labels(ax, labels: list[tuple[float, str, str, float]], x: float) -> None:
    """Write ``(price, text, colour, alpha)`` labels at ``x``, each at its price or just above
    the label under it, so that labels of close prices never overlap."""
    if not labels:
        return
    lo, hi = ax.get_ylim()
    gap = (hi - lo) * 13.0 / max(ax.bbox.height, 1.0)  # one line of 7-point text, boxed
    last_y = -float("inf")
    for price, text, color, alpha in sorted(labels):
        y = max(price, last_y + gap)
        last_y = y
        ax.text(x, y, text, color=color, fontsize=7, ha="left", va="center", alpha=alpha,
                clip_on=False,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})


def _draw_levels(ax, levels: pd.DataFrame | None, last_close: float, x_end: int
                 ) -> list[tuple[float, str, str, float]]:
    """Support (below the last close, green) and resistance (above, red) dashed lines; returns
    their labels (value and touches) for the right margin."""
    if levels is None or levels.empty:
        return []
    out = []
    for row in levels.itertuples():
        p = float(row.level)
        below = p < last_close
        color = COLORS["up"] if below else COLORS["down"]
        ax.hlines(p, 0, x_end, color=color, lw=0.9, ls="--", alpha=0.8)
        out.append((p, f"{'S' if below else 'R'} {p:,.0f} ({int(getattr(row, 'touches', 0))}×)",
                    color, 1.0))
    return out


_LIVE = ("forming", "confirmed")


def _draw_patterns(ax, patterns: pd.DataFrame | None, index: pd.DatetimeIndex
                   ) -> list[tuple[float, str, str, float]]:
    """Neckline, shoulders/head labels and measured-move targets (sloped neckline, and the
    horizontal-neckline target when given) of each pattern; patterns that are over (target
    reached, invalidated, expired) are drawn faded.  Returns the target labels for the right
    margin."""
    out: list[tuple[float, str, str, float]] = []
    if patterns is None or patterns.empty:
        return out
    pos = {d: i for i, d in enumerate(index)}
    last = len(index) - 1
    for p in patterns.itertuples():
        if p.left_shoulder_date not in pos or p.left_reaction_date not in pos:
            continue
        inverse = p.type.startswith("inverse")
        state = getattr(p, "state", "confirmed" if p.confirmed else "forming")
        alpha = 1.0 if state in _LIVE else 0.4
        color = COLORS["up"] if inverse else COLORS["down"]
        x0 = pos[p.left_reaction_date]
        ends = [getattr(p, c, None) for c in ("invalidated_date", "expired_date")]
        ends = [d for d in ends if d is not None and not pd.isna(d)]
        end_date = p.confirmed_date if p.confirmed else (ends[0] if ends else index[-1])
        x1 = pos.get(end_date, last)
        y0 = p.left_reaction_price
        ax.plot([x0, x1], [y0, y0 + p.neckline_slope * (x1 - x0)], color=color, lw=1.3,
                alpha=alpha)
        for label, d, price in (("LS", p.left_shoulder_date, p.left_shoulder_price),
                                ("H", p.head_date, p.head_price),
                                ("RS", p.right_shoulder_date, p.right_shoulder_price)):
            ax.annotate(label, (pos[d], price), xytext=(0, -12 if inverse else 8),
                        textcoords="offset points", ha="center", fontsize=8, color=color,
                        fontweight="bold", alpha=alpha)
        x2 = last + 1
        ax.hlines(p.target, x1, x2, color=color, lw=1.0, ls=":", alpha=alpha)
        flat = getattr(p, "target_flat", np.nan)
        text = f"{'inv. ' if inverse else ''}H&S target {p.target:,.0f}"
        if np.isfinite(flat):
            ax.hlines(flat, x1, x2, color=color, lw=0.8, ls="--", alpha=0.6 * alpha)
            text += f" / flat {flat:,.0f}"
        text += f", {state.replace('target_', '')}"
        out.append((float(p.target), text, color, alpha))
    return out


def _draw_trendlines(ax, lines: pd.DataFrame | None, index: pd.DatetimeIndex
                     ) -> list[tuple[float, str, str, float]]:
    """Up-trend (green) and down-trend (red) lines from their first point to the last bar
    (intact) or a little past their last event, solid and thick with a white halo so they
    stand out from the candles, with the break (x) and re-test (o) marked.  Returns the lines'
    labels (at the line's last value) for the right margin."""
    out: list[tuple[float, str, str, float]] = []
    if lines is None or lines.empty:
        return out
    pos = {d: i for i, d in enumerate(index)}
    last = len(index) - 1
    for row in lines.itertuples():
        if row.first_date not in pos:
            continue
        color = COLORS["up"] if row.kind == "up" else COLORS["down"]
        x0 = pos[row.first_date]
        events = [pos[d] for d in (row.break_date, row.retest_date, row.recovered_date)
                  if d is not None and not pd.isna(d) and d in pos]
        x1 = last if row.state == "intact" or not events else min(last, max(events) + 10)
        ax.plot([x0, x1], [row.first_price, row.first_price + row.slope * (x1 - x0)],
                color=color, lw=2.2, ls="-", alpha=0.95, zorder=4, solid_capstyle="round",
                path_effects=_HALO)
        label, y1 = f"{row.kind}-trend line, {row.state}", row.first_price + row.slope * (x1 - x0)
        if x1 >= last - max(10, 0.05 * len(index)):  # ends at the last bars: in the margin
            out.append((float(y1), label, color, 1.0))
        else:  # ends earlier: named at its end
            ax.annotate(label, (x1, y1), xytext=(4, -12), textcoords="offset points",
                        fontsize=7.5, color=color, zorder=5,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8,
                              "pad": 1})
        marks = (("x", row.break_date, row.break_close, "break"),
                 ("o", row.retest_date, row.retest_price, "re-test"))
        for marker, d, price, what in marks:
            if d is not None and not pd.isna(d) and d in pos:
                ax.plot([pos[d]], [price], marker=marker, color=color, ms=7, mfc="white",
                        mew=1.6, ls="none", zorder=5)
                ax.annotate(what, (pos[d], price), xytext=(4, 4), textcoords="offset points",
                            fontsize=7, color=color)
    return out


_HALO = [patheffects.Stroke(linewidth=4.2, foreground="white", alpha=0.9), patheffects.Normal()]


def _panel_plots(macd: pd.DataFrame | None, rs: pd.Series | None, index: pd.DatetimeIndex,
                 units: str, benchmark: str | None) -> list:
    """The MACD (panel 1) and relative-strength (next panel) lines."""
    import mplfinance as mpf

    out = []
    panel = 1
    if macd is not None:
        m = macd.reindex(index)
        out += [
            mpf.make_addplot(m["macd"], panel=panel, color="#1f77b4", width=1.0,
                             secondary_y=False, ylabel=f"MACD\n({units})"),
            mpf.make_addplot(m["signal"], panel=panel, color="#ff7f0e", width=1.0,
                             secondary_y=False),
        ]
        panel += 1
    if rs is not None:
        out.append(mpf.make_addplot(rs.reindex(index).ffill(), panel=panel, color=COLORS["small"],
                                    width=1.1, secondary_y=False,
                                    ylabel=f"RS vs {benchmark or 'benchmark'}\n(start = 100)"))
    return out


def plot_trend(ohlc: pd.DataFrame, mas: pd.DataFrame | None = None,
               macd: pd.DataFrame | None = None, levels: pd.DataFrame | None = None,
               patterns: pd.DataFrame | None = None, *, swings: pd.DataFrame | None = None,
               trendlines: pd.DataFrame | None = None, rs: pd.Series | None = None,
               key: str = "", name: str | None = None, units: str = "price units",
               benchmark: str | None = None, source: str | None = None,
               timeframe: str = "daily", ax=None):
    """Candlesticks of one index with its moving averages, levels, patterns, MACD and relative
    strength.

    Parameters
    ----------
    ohlc : DataFrame
        Daily bars to draw (``Open, High, Low, Close``; ``Volume`` optional), price units.
    mas : DataFrame, optional
        Moving averages on the same dates, one column each (``ma50`` is labelled "50-day MA").
    macd : DataFrame, optional
        Columns ``macd``, ``signal``, ``hist`` (price units): a MACD panel under the candles.
    levels : DataFrame, optional
        Columns ``level`` (price) and ``touches``: a dashed line per level, labelled ``S`` below
        the last close (green) and ``R`` above it (red).
    patterns : DataFrame, optional
        Head-and-shoulders patterns as :func:`smallcaps.technicals.find_head_and_shoulders`
        returns them: neckline, LS/H/RS labels, the measured-move target (dotted) and the
        horizontal-neckline target (dashed), labelled with the state; patterns that are over
        are faded.
    trendlines : DataFrame, optional
        Trend lines as :func:`smallcaps.technicals.trend_lines` returns them: a dash-dot line
        each (up green, down red) with its break (x) and re-test (o).
    swings : DataFrame, optional
        Swing points (``date``, ``kind`` high/low, ``price``): markers above highs, below lows.
    rs : Series, optional
        Relative strength vs ``benchmark`` (100 at the start): a panel of its own.
    key, name, units : str
        Series key and long name for the title, units for the y labels.
    benchmark : str, optional
        Benchmark key for the RS panel's label and the source note.
    source : str, optional
        Source note under the chart; default from ``ohlc.attrs["provenance"]``.
    timeframe : str
        ``"daily"`` or ``"weekly"`` bars: names the bars in the title and the MA labels
        (``50-day MA`` / ``50-week MA``).
    ax : Axes, optional
        Draw only the price panel (candles, MAs, levels, patterns) on this Axes.  When omitted, a
        new figure is made with the MACD and RS panels under the price panel.

    Returns
    -------
    Axes
        The price Axes (its figure holds the MACD and RS panels).
    """
    import mplfinance as mpf

    cols = ["Open", "High", "Low", "Close"] + (["Volume"] if "Volume" in ohlc else [])
    bars = ohlc[cols].astype(float)
    style = _style()
    label = f"{name} ({key})" if name and key and name != key else (name or key or "series")
    weekly = timeframe == "weekly"
    title = (f"{label}: trend, levels and momentum, {'weekly bars, ' if weekly else ''}"
             f"{date_span(bars.index)}")
    ylabel = f"{key or name or 'price'} ({units})"
    if source is None:
        source = source_text(ohlc.attrs.get("provenance", {}))
    price_plots = _ma_plots(mas, bars.index, "week" if weekly else "day")
    panelled = ax is None
    panel_macd = None
    if panelled:
        panels = _panel_plots(macd, rs, bars.index, units, benchmark)
        n_panels = 1 + (macd is not None) + (rs is not None)
        extra = {"panel_ratios": (4, 1.3, 1.3)[:n_panels]} if n_panels > 1 else {}
        fig, axes = mpf.plot(
            bars, type="candle", style=style,
            addplot=price_plots + _swing_plots(swings, bars) + panels,
            volume=False, returnfig=True, figsize=(12, 5 + n_panels),
            ylabel=ylabel, datetime_format="%Y-%m", xrotation=0,
            scale_padding={"left": 0.7, "right": 1.0, "top": 0.7, "bottom": 0.8},
            warn_too_much_data=10_000, **extra,
        )
        ax = axes[0]
        bottom = axes[-2] if len(axes) % 2 == 0 else axes[-1]
        if macd is not None:  # histogram as one line collection (fast)
            hist = macd["hist"].reindex(bars.index).fillna(0.0).to_numpy()
            axes[2].vlines(range(len(hist)), 0, hist, lw=1.6, alpha=0.5,
                           colors=[COLORS["up"] if h >= 0 else COLORS["down"] for h in hist])
            panel_macd = axes[2]
        if price_plots:
            _legend_above(ax, fontsize=8, right=True)
        # the alt text; a row above the averages' legend, so a long title never meets it
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold",
                     pad=20 if price_plots else 6)
        shown = axes
    else:
        mpf.plot(bars, type="candle", style=style, ax=ax,
                 addplot=[dict(ap, ax=ax) for ap in price_plots],
                 ylabel=ylabel, datetime_format="%Y-%m", xrotation=0, warn_too_much_data=10_000)
        bottom = ax
        ax.set_title(title, loc="left", pad=20 if price_plots else 6)
        if price_plots:
            _legend_above(ax, fontsize=8, right=True)
        shown = [ax]
    x_label = _margin(ax, len(bars))
    labels = _draw_levels(ax, levels, float(bars["Close"].iloc[-1]), len(bars) - 1)
    labels += _draw_patterns(ax, patterns, bars.index)
    labels += _draw_trendlines(ax, trendlines, bars.index)
    _stack_labels(ax, labels, x_label)
    if panel_macd is not None:  # the two lines named at their last values, no legend box
        m = macd.reindex(bars.index)
        _stack_labels(panel_macd, [(float(m["macd"].iloc[-1]), "MACD", "#1f77b4", 1.0),
                                   (float(m["signal"].iloc[-1]), "signal", "#ff7f0e", 1.0)],
                      x_label)
    _set_date_ticks(shown, bars.index)
    add_source(bottom, source)
    return ax


def _legend_above(ax, fontsize: float = 7.5, right: bool = False) -> None:
    """The Axes' legend in one row just above it (right-aligned beside a left title), off
    the data."""
    handles, names = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, names, loc="lower right" if right else "lower left",
                  bbox_to_anchor=(1.0 if right else 0.0, 1.0), ncols=6, fontsize=fontsize,
                  frameon=False, borderaxespad=0.2, handlelength=1.5)


def chart_trend(result, *, n_levels: int = 3, ax=None):
    """:func:`plot_trend` of a :class:`smallcaps.technicals.TrendResult`: its lookback window,
    moving averages, MACD, swing points, the ``n_levels`` nearest support and resistance levels,
    its live patterns and the latest one that is over (faded), its latest up- and down-trend
    line and (against another series) its relative strength.

    Returns
    -------
    Axes
        The price Axes.
    """
    touches = result.levels.set_index("level")["touches"] if len(result.levels) else {}
    chosen = [*result.support[:n_levels], *result.resistance[:n_levels]]
    levels = pd.DataFrame({"level": chosen,
                           "touches": [int(touches[p]) if p in touches else 0 for p in chosen]})
    keys = [result.key] + ([result.benchmark] if result.benchmark else [])
    latest = [row for row in result.lines.values() if row is not None]
    lines = pd.DataFrame(latest) if latest else None
    pats = result.patterns
    live = pats["state"].isin(_LIVE)
    shown = pd.concat([pats[~live].tail(1), pats[live]]) if len(pats) else pats
    return plot_trend(
        result.bars, result.mas, result.macd, levels, shown, swings=result.swings,
        trendlines=lines, timeframe=result.timeframe,
        rs=result.rs if result.has_rs else None, key=result.key, name=result.name,
        units=result.units, benchmark=result.benchmark,
        source=source_text(result.provenance, keys), ax=ax,
    )
