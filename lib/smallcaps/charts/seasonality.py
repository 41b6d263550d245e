"""Charts of the seasonality study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

import pandas as pd

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = [
    "plot_month_stats",
    "plot_month_heatmap",
    "plot_seasonal_path",
    "plot_santa_rally",
    "plot_january_effect",
]


def plot_month_stats(stats, series: str, ax=None):
    """Bar chart of the mean return of each calendar month for ``series`` (a
    :class:`smallcaps.seasonality.MonthStats`), hit rate written over each bar; months with
    fewer than ``min_years`` years are hatched and greyed."""
    ax = new_axes(ax, figsize=(10, 4.5))
    t = stats.table.loc[series]
    unit = "pp" if series == stats.spread else "%"
    colors = [COLORS["up"] if v >= 0 else COLORS["down"] for v in t["mean"]]
    bars = ax.bar(range(12), t["mean"], color=colors, alpha=0.85)
    for b, (_, row) in zip(bars, t.iterrows(), strict=True):
        if not row["enough_years"]:
            b.set_hatch("//")
            b.set_alpha(0.35)
        y = row["mean"] if row["mean"] == row["mean"] else 0.0
        label = f"{row['hit_rate']:.0%}" if row["n"] else ""
        ax.annotate(label, (b.get_x() + b.get_width() / 2, y),
                    xytext=(0, 3 if y >= 0 else -10), textcoords="offset points",
                    ha="center", fontsize=8, color="#333333")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xticks(range(12), [m[:3] for m in t.index])
    ax.set_ylabel(f"mean monthly return ({unit})")
    what = f"{series} (small minus large)" if series == stats.spread else series
    ax.set_title(f"{what}: average return by calendar month, {date_span(stats.span)}\n"
                 "label = share of positive years; hatched = fewer than "
                 f"{stats.min_years} years", fontsize=11)
    keys = series.split("-") if series == stats.spread else [series]
    add_source(ax, source_text(stats.provenance, keys))
    return ax


def plot_month_heatmap(monthly, column: str, ax=None):
    """Year x month heatmap of complete-month returns of ``column`` (percent, or pp for the
    spread), from a :class:`smallcaps.seasonality.MonthlyReturns`."""
    import numpy as np

    from smallcaps.seasonality import year_month_table

    table = year_month_table(monthly, column)
    months = table.iloc[:, :12]
    ax = new_axes(ax, figsize=(10, max(4.5, 0.22 * len(months) + 1.5)))
    lim = float(np.nanpercentile(np.abs(months.to_numpy()), 95)) if months.notna().any().any() \
        else 1.0
    im = ax.imshow(months.to_numpy(), aspect="auto", cmap="RdYlGn", vmin=-lim, vmax=lim,
                   interpolation="nearest")
    ax.set_xticks(range(12), list(months.columns))
    step = max(1, len(months) // 25)
    ax.set_yticks(range(0, len(months), step), [str(y) for y in months.index[::step]])
    ax.grid(False)
    unit = "pp" if column == monthly.spread else "%"
    ax.figure.colorbar(im, ax=ax, label=f"monthly return ({unit})", fraction=0.04, pad=0.02)
    done = monthly.complete()[column].dropna()
    span = (done.index[0].start_time, done.index[-1].end_time) if len(done) else []
    what = f"{column} spread (small minus large)" if column == monthly.spread else column
    ax.set_title(f"{what}: monthly returns by year, {date_span(span)}")
    ax.set_xlabel("calendar month")
    ax.set_ylabel("year")
    keys = column.split("-") if column == monthly.spread else [column]
    add_source(ax, source_text(monthly.provenance, keys))
    return ax


def plot_seasonal_path(path, ax=None):
    """Average year-to-date path by trading day of the year (mean of complete years, band =
    middle half of years) with the as-of year drawn on top (a
    :class:`smallcaps.seasonality.SeasonalPath`)."""
    ax = new_axes(ax, figsize=(10, 4.5))
    b = path.band
    done = [c for c in path.paths.columns if c != path.current_year]
    ax.fill_between(b.index, b["q25"], b["q75"], color=COLORS["neutral"], alpha=0.2,
                    label="middle half of years (25th-75th pct)")
    ax.plot(b.index, b["mean"], color=COLORS["neutral"], lw=1.8,
            label=f"average {done[0]}-{done[-1]}" if done else "average")
    if path.current is not None:
        ax.plot(path.current.index, path.current.to_numpy(), color=COLORS["small"], lw=2.2,
                label=f"{path.current_year} to {path.asof:%Y-%m-%d}")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlim(0, b.index.max() if len(b) else 252)
    ax.set_xlabel("trading day of the year")
    pair = path.unit == "pp"
    ax.set_ylabel("small minus large since previous year-end (pp)" if pair
                  else "return since previous year-end (%)")
    first = path.paths.columns.min() if len(path.paths.columns) else None
    span = [pd.Timestamp(year=int(first), month=1, day=1), path.asof] if first else []
    what = f"{path.series} (small minus large)" if pair else path.series
    ax.set_title(f"{what}: seasonal path by trading day, {date_span(span)}")
    ax.legend(loc="best")
    add_source(ax, source_text(path.provenance, path.series.split("-") if pair
                               else [path.series]))
    return ax


def plot_santa_rally(santa, series: str, ax=None):
    """Santa Claus rally return of each year for ``series`` (bars), with its mean (a
    :class:`smallcaps.seasonality.SantaRally`)."""
    ax = new_axes(ax, figsize=(10, 4))
    x = santa.table[series].dropna()
    ax.bar(x.index, x.to_numpy(), color=[COLORS["up"] if v >= 0 else COLORS["down"] for v in x],
           alpha=0.85)
    if len(x):
        ax.axhline(x.mean(), color=COLORS["neutral"], ls="--", lw=1.2,
                   label=f"mean {x.mean():+.2f}%")
        ax.legend(loc="upper left")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlabel("year (December of the window)")
    ax.set_ylabel("return over the 7-day window (%)")
    years = f"{x.index[0]}/{x.index[0] + 1} to {x.index[-1]}/{x.index[-1] + 1}" if len(x) \
        else "no data"
    ax.set_title(f"{series}: Santa Claus rally (last 5 + first 2 trading days), {years}")
    add_source(ax, source_text(santa.provenance, [series]))
    return ax


def plot_january_effect(jan, ax=None):
    """January return of small minus large caps per year (pp) with the mean (a
    :class:`smallcaps.seasonality.JanuaryEffect`)."""
    ax = new_axes(ax, figsize=(10, 4))
    x = jan.table["spread"]
    ax.bar(x.index, x.to_numpy(), color=[COLORS["small"] if v >= 0 else COLORS["large"]
                                         for v in x], alpha=0.85)
    if len(x):
        ax.axhline(x.mean(), color=COLORS["neutral"], ls="--", lw=1.2,
                   label=f"mean {x.mean():+.2f} pp")
        ax.legend(loc="upper left")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{jan.small} minus {jan.large} in January (pp)")
    span = [f"{x.index[0]}-01-01", f"{x.index[-1]}-01-31"] if len(x) else []
    ax.set_title(f"January effect: {jan.small} minus {jan.large}, {date_span(span)}")
    add_source(ax, source_text(jan.provenance, [jan.small, jan.large]))
    return ax
