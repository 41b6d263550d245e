"""Charts of the taxloss study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = ['plot_relative_path', 'plot_window_returns', 'plot_rebound_sensitivity']


def plot_relative_path(study, ax=None):
    """Small-minus-large path through the turn of the year (a
    :class:`smallcaps.taxloss.TurnOfYear`): average of complete years with the middle half of
    years as a band, the current season on top, the typical pressure and rebound windows
    shaded and the average trough marked."""
    ax = new_axes(ax, figsize=(12, 4.8))
    b = study.band.dropna(subset=["mean"])
    b = b.loc[b["n"] >= b["n"].max() / 2] if len(b) else b
    spans = study.typical_window_days()
    shades = {"pressure": COLORS["down"], "rebound": COLORS["up"]}
    for name, days in spans.items():
        if days is not None:
            ax.axvspan(days[0] - 0.5, days[1] + 0.5, color=shades[name], alpha=0.08,
                       label=f"{name} window ({study.windows[name][0]} to "
                             f"{study.windows[name][1]}, typical days)")
    ax.fill_between(b.index, b["q25"], b["q75"], color=COLORS["neutral"], alpha=0.2,
                    label="middle half of years")
    done = [c for c in study.paths.columns if bool(study.path_windows.at[c, "complete"])]
    ax.plot(b.index, b["mean"], color=COLORS["neutral"], lw=1.8,
            label=f"average {done[0]}-{done[-1]} ({len(done)} years)" if done else "average")
    cur = study.current()
    if cur["path"] is not None and len(cur["path"]) > 1:
        ax.plot(cur["path"].index, cur["path"].to_numpy(), color=COLORS["small"], lw=2.2,
                label=f"{cur['year']} season to {study.asof:%Y-%m-%d}")
    elif done:
        last = study.paths[done[-1]].dropna()
        ax.plot(last.index, last.to_numpy(), color=COLORS["small"], lw=1.6, ls="--",
                label=f"latest complete season ({done[-1]})")
    tr = study.trough()
    if tr["trading_day"] and tr["value_pp"] < 0:
        ax.plot([tr["trading_day"]], [tr["value_pp"]], "v", color="#333333", ms=8,
                label=f"average trough: day {tr['trading_day']} (~{tr['date']})")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlabel(f"trading day after {study.windows['path'][0]} (0 = close before)")
    ax.set_ylabel(f"{study.small} minus {study.large} (pp)")
    first = min(study.paths.columns) if len(study.paths.columns) else None
    span = [study.path_windows.at[first, "base"], study.asof] if first is not None else []
    ax.set_title(f"{study.small} vs {study.large} through the turn of the year "
                 f"({study.windows['path'][0]} to {study.windows['path'][1]}), "
                 f"{date_span(span)}", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    add_source(ax, source_text(study.provenance, [study.small, study.large]))
    return ax


def plot_window_returns(study, ax=None):
    """Relative return (small minus large, pp) of each year's pressure and rebound windows
    (a :class:`smallcaps.taxloss.TurnOfYear`)."""
    import numpy as np

    ax = new_axes(ax, figsize=(10, 4.2))
    y = study.years
    x = np.arange(len(y))
    ax.bar(x - 0.2, y["pressure_rel"], width=0.4, color=COLORS["down"], alpha=0.8,
           label=f"pressure {study.windows['pressure'][0]} to {study.windows['pressure'][1]}")
    ax.bar(x + 0.2, y["rebound_rel"], width=0.4, color=COLORS["up"], alpha=0.8,
           label=f"rebound {study.windows['rebound'][0]} to {study.windows['rebound'][1]}")
    ax.axhline(0, color="#333333", lw=0.8)
    step = max(1, -(-len(y) // 15))
    ax.set_xticks(x[::step], [str(v) for v in y.index[::step]])
    ax.set_xlabel("year (December of the season)")
    ax.set_ylabel(f"{study.small} minus {study.large} (pp)")
    span = [y["pressure_first"].min(), y["rebound_last"].max()] if len(y) else []
    ax.set_title(f"Pressure and rebound windows by year, {date_span(span)}")
    ax.legend(loc="upper left")
    add_source(ax, source_text(study.provenance, [study.small, study.large]))
    return ax


def plot_rebound_sensitivity(study, table, ax=None):
    """Mean relative rebound (pp) by rebound start date, end fixed (``table`` from
    :meth:`smallcaps.taxloss.TurnOfYear.sensitivity`); the share of years small caps led is
    written over each bar."""
    ax = new_axes(ax, figsize=(10, 4))
    vals = table["mean_rel_pct"]
    bars = ax.bar(range(len(vals)), vals, color=[COLORS["up"] if v >= 0 else COLORS["down"]
                                                 for v in vals], alpha=0.85)
    for b, (_, row) in zip(bars, table.iterrows(), strict=True):
        v = row["mean_rel_pct"] if row["mean_rel_pct"] == row["mean_rel_pct"] else 0.0
        ax.annotate(f"{row['hit_rate']:.0%}", (b.get_x() + b.get_width() / 2, v),
                    xytext=(0, 3 if v >= 0 else -10), textcoords="offset points",
                    ha="center", fontsize=7.5)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xticks(range(len(vals)), list(table.index), fontsize=8)
    ax.set_xlabel(f"rebound window start (end {study.windows['rebound'][1]})")
    ax.set_ylabel(f"mean {study.small} minus {study.large} (pp)")
    y = study.years
    span = [y["pressure_first"].min(), y["rebound_last"].max()] if len(y) else []
    ax.set_title(f"Rebound sensitivity to the start date, {date_span(span)}\n"
                 "label = share of years small caps led", fontsize=11)
    add_source(ax, source_text(study.provenance, [study.small, study.large]))
    return ax
