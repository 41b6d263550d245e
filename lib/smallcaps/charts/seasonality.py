"""Charts of the seasonality study (notebook 03).

``plot_*`` functions draw plain Series and DataFrames and return their Axes (never show or
save); ``chart_*`` adapters unpack a :mod:`smallcaps.seasonality` result and call them.
Gains are green and losses red (:data:`smallcaps.charts.base.COLORS`); every chart has a dated
title, axis labels with units and its source under it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from smallcaps.charts.base import (
    COLORS,
    add_source,
    dated_title,
    new_axes,
    sign_colors,
    source_text,
)

__all__ = [
    "plot_month_stats",
    "plot_month_heatmap",
    "plot_seasonal_path",
    "plot_yearly_returns",
    "plot_excess_intervals",
    "chart_month_stats",
    "chart_month_excess",
    "chart_santa_excess",
    "chart_indicator",
    "chart_month_heatmap",
    "chart_seasonal_path",
    "chart_santa_rally",
    "chart_january_effect",
]


def _updown(values) -> list:
    """Green at or above zero, red below (:func:`smallcaps.charts.base.sign_colors`)."""
    return sign_colors(values)


def _years_title(text: str, years: str, asof=None) -> str:
    """``"<text>, <years> (as of YYYY-MM-DD)"``: a chart of complete years or windows ends
    on the report's as-of date."""
    tail = f" (as of {pd.Timestamp(asof):%Y-%m-%d})" if asof is not None else ""
    return f"{text}, {years}{tail}"


def _span_title(text: str, span, asof=None) -> str:
    """:func:`~smallcaps.charts.base.dated_title` of a (first, last) span, or ``"no data"``."""
    return dated_title(text, list(span), asof) if len(span) else f"{text}, no data"


def _panels(columns, draw, suptitle: str, height: float, width: float = 7.0) -> list:
    """One figure with a panel per column side by side, ``draw(column, ax)`` each, and a
    figure title (the panels keep their own short titles)."""
    fig, axes = plt.subplots(1, len(columns), figsize=(width * len(columns), height),
                             squeeze=False)
    for ax, col in zip(axes[0], columns, strict=True):
        draw(col, ax)
    fig.suptitle(suptitle, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return list(axes[0])


def _keys(name: str, pair: bool) -> list:
    return name.split("-") if pair else [name]


def plot_month_stats(stats: pd.DataFrame, *, name: str = "", span=None, unit: str = "%",
                     min_years: int | None = None, source: str | None = None,
                     asof=None, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Bar chart of the mean return of each calendar month, hit rate written over each bar.

    Parameters
    ----------
    stats : DataFrame
        Indexed by month name (January..December): ``mean`` (``unit``), ``hit_rate``
        (0..1), ``n`` (years) and optionally ``enough_years`` (False: hatched and greyed).
    name : str
        What the months are of (``"RUT"``, ``"RUT-SPX"``), for the title.
    span : pair of dates, optional
        First and last day the statistics cover, for the title.
    unit : str
        ``"%"`` for an index, ``"pp"`` for a small-minus-large spread.
    min_years : int, optional
        The threshold behind ``enough_years``, named in the title.
    source : str, optional
        Source note written under the chart.
    asof : date-like, optional
        The report's as-of date: the title's span never ends after it and says it when the
        months end earlier.
    title : str, optional
        Replaces the dated title (a panel of a figure with its own title).
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    means = stats["mean"].astype(float)
    bars = ax.bar(range(len(stats)), means.fillna(0.0), color=_updown(means.fillna(0.0)),
                  alpha=0.85)
    enough = stats["enough_years"] if "enough_years" in stats else pd.Series(True, stats.index)
    for b, (month, row) in zip(bars, stats.iterrows(), strict=True):
        if not enough[month]:
            b.set_hatch("//")
            b.set_alpha(0.35)
        y = row["mean"] if np.isfinite(row["mean"]) else 0.0
        label = f"{row['hit_rate']:.0%}" if row["n"] else ""
        ax.annotate(label, (b.get_x() + b.get_width() / 2, y),
                    xytext=(0, 3 if y >= 0 else -10), textcoords="offset points",
                    ha="center", fontsize=8, color="#333333")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xticks(range(len(stats)), [str(m)[:3] for m in stats.index])
    ax.set_ylabel(f"mean monthly return ({unit})")
    what = f"{name} (small minus large)" if unit == "pp" else name
    note = "label = share of positive years"
    if min_years is not None:
        note += f"; hatched = fewer than {min_years} years"
    ax.set_title(title or _span_title(f"{what}: average return by calendar month", span or (),
                                      asof) + f"\n{note}", fontsize=11)
    if source:
        add_source(ax, source)
    return ax


def plot_month_heatmap(table: pd.DataFrame, *, name: str = "", span=None, unit: str = "%",
                       source: str | None = None, asof=None, title: str | None = None,
                       ax: Axes | None = None) -> Axes:
    """Year x month heatmap of monthly returns, green up and red down.

    Parameters
    ----------
    table : DataFrame
        Indexed by year; the first 12 columns are the months (Jan..Dec) in ``unit``; further
        columns (a ``Year`` total) are ignored.
    name, span, unit, source, asof, title
        As for :func:`plot_month_stats`.
    """
    months = table.iloc[:, :12]
    ax = new_axes(ax, figsize=(10, max(4.5, 0.22 * len(months) + 1.5)))
    values = months.to_numpy(dtype=float)
    lim = float(np.nanpercentile(np.abs(values), 95)) if np.isfinite(values).any() else 1.0
    im = ax.imshow(values, aspect="auto", cmap="RdYlGn", vmin=-lim, vmax=lim,
                   interpolation="nearest")
    ax.set_xticks(range(months.shape[1]), [str(c) for c in months.columns])
    step = max(1, len(months) // 25)
    ax.set_yticks(range(0, len(months), step), [str(y) for y in months.index[::step]])
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, label=f"monthly return ({unit})", fraction=0.04, pad=0.02)
    what = f"{name} spread (small minus large)" if unit == "pp" else name
    ax.set_title(title or _span_title(f"{what}: monthly returns by year", span or (), asof))
    ax.set_xlabel("calendar month")
    ax.set_ylabel("year")
    if source:
        add_source(ax, source)
    return ax


def plot_seasonal_path(band: pd.DataFrame, current: pd.Series | None = None, *,
                       name: str = "", unit: str = "%", span=None, average_label: str = "average",
                       current_label: str | None = None, source: str | None = None,
                       ax: Axes | None = None) -> Axes:
    """Average path by trading day of the year with the middle half of years as a band, and
    the current year on top.

    Parameters
    ----------
    band : DataFrame
        Indexed by trading day of the year (0 = previous year-end): ``mean``, ``q25``,
        ``q75`` (``unit``), e.g. :func:`smallcaps.seasonality.path_band`.
    current : Series, optional
        The current year's path by trading day (``unit``).
    name : str
        The series or pair (``"RUT-SPX"``), for the title.
    unit : str
        ``"%"`` (a series' return since the previous year-end) or ``"pp"`` (small minus large).
    span : pair of dates, optional
        First and last day covered, for the title.
    average_label, current_label : str, optional
        Legend labels of the average and of the current year.
    source : str, optional
        Source note written under the chart.
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    ax.fill_between(band.index, band["q25"], band["q75"], color=COLORS["neutral"], alpha=0.2,
                    label="middle half of years (25th-75th pct)")
    ax.plot(band.index, band["mean"], color=COLORS["neutral"], lw=1.8, label=average_label)
    if current is not None and len(current):
        ax.plot(current.index, current.to_numpy(), color=COLORS["small"], lw=2.2,
                label=current_label or "current year")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlim(0, band.index.max() if len(band) else 252)
    ax.set_xlabel("trading day of the year")
    ax.set_ylabel("small minus large since previous year-end (pp)" if unit == "pp"
                  else "return since previous year-end (%)")
    what = f"{name} (small minus large)" if unit == "pp" else name
    ax.set_title(_span_title(f"{what}: seasonal path by trading day", span or ()))
    ax.legend(loc="best")
    if source:
        add_source(ax, source)
    return ax


def plot_yearly_returns(returns: pd.Series, *, title: str | None = None, unit: str = "%",
                        ylabel: str | None = None, xlabel: str = "year",
                        baseline: float | None = None, baseline_label: str = "baseline",
                        source: str | None = None, ax: Axes | None = None) -> Axes:
    """One bar per year (green up, red down) with the mean as a dashed line and, optionally,
    the baseline the mean is tested against as a dotted line.

    Parameters
    ----------
    returns : Series
        Indexed by year, in ``unit`` (percent, or pp for a spread).
    title : str, optional
        Default: ``"<name>: return by year, <first> to <last>"``.
    unit, ylabel, xlabel : str
        Unit of the values and the axis labels (default y label: ``"return (<unit>)"``).
    baseline : float, optional
        The unconditional mean of windows of the same length (``unit``), drawn dotted and
        labelled ``"<baseline_label> <value>"``.
    source : str, optional
        Source note written under the chart.
    """
    ax = new_axes(ax, figsize=(10, 4))
    x = returns.dropna()
    ax.bar(x.index, x.to_numpy(), color=_updown(x), alpha=0.85)
    if len(x):
        sep = " " if unit == "pp" else ""
        ax.axhline(x.mean(), color=COLORS["neutral"], ls="--", lw=1.2,
                   label=f"mean {x.mean():+.2f}{sep}{unit}")
        if baseline is not None and np.isfinite(baseline):
            ax.axhline(baseline, color="#333333", ls=":", lw=1.4,
                       label=f"{baseline_label} {baseline:+.2f}{sep}{unit}")
        ax.legend(loc="upper left")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or f"return ({unit})")
    if title is None:
        years = f"{x.index[0]} to {x.index[-1]}" if len(x) else "no data"
        title = f"{returns.name or 'returns'}: return by year, {years}"
    ax.set_title(title)
    if source:
        add_source(ax, source)
    return ax


def plot_excess_intervals(tests: pd.DataFrame, *, title: str,
                          xlabel: str = "excess over the baseline (pp)", p_level: float = 0.05,
                          q_level: float | None = None, source: str | None = None,
                          ax: Axes | None = None) -> Axes:
    """Each test's excess over its baseline with the 95 % bootstrap interval, one row per test
    (top to bottom in the order of ``tests``).

    Parameters
    ----------
    tests : DataFrame
        Indexed by the row labels: ``excess``, ``ci_low``, ``ci_high`` (pp), ``p`` and
        optionally ``q``.
    title : str
        Chart title (say the span and what the baseline is).
    xlabel : str
        Label of the excess axis, with its unit.
    p_level : float
        A filled marker means p < ``p_level``; a hollow one, not distinguishable.
    q_level : float, optional
        With a ``q`` column: rows with q <= ``q_level`` get a ``*`` after their label.
    source : str, optional
        Source note written under the chart.
    """
    ax = new_axes(ax, figsize=(10, max(3.0, 0.32 * len(tests) + 1.6)))
    y = np.arange(len(tests))[::-1]
    excess = tests["excess"].astype(float).to_numpy()
    colours = _updown(np.nan_to_num(excess))
    lo = excess - tests["ci_low"].astype(float).to_numpy()
    hi = tests["ci_high"].astype(float).to_numpy() - excess
    for yi, e, c, a, b, p in zip(y, excess, colours, lo, hi, tests["p"].astype(float),
                                 strict=True):
        ax.errorbar([e], [yi], xerr=[[a], [b]], fmt="o", color=c, ecolor=c, capsize=3,
                    markerfacecolor=c if p < p_level else "white", markersize=6)
    ax.axvline(0, color="#333333", lw=0.8)
    labels = [str(i) for i in tests.index]
    if q_level is not None and "q" in tests:
        labels = [f"{lab} *" if q <= q_level else lab
                  for lab, q in zip(labels, tests["q"].astype(float), strict=True)]
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    note = f"95% bootstrap interval; filled = p < {p_level:.2f}"
    if q_level is not None:
        note += f"; * = q ≤ {q_level:.0%}"
    ax.set_title(f"{title}\n{note}", fontsize=11)
    if source:
        add_source(ax, source)
    return ax


# ----------------------------------------------------------------------------------------------
# Adapters: a seasonality result in, the plot above out
# ----------------------------------------------------------------------------------------------


def _month_stats_panel(stats, series: str, ax: Axes | None, title: str | None = None) -> Axes:
    unit = stats.units[series]
    return plot_month_stats(stats.table.loc[series], name=series, span=stats.span, unit=unit,
                            min_years=stats.min_years, asof=stats.asof, title=title,
                            source=source_text(stats.provenance, _keys(series, unit == "pp")),
                            ax=ax)


def _both(columns) -> str:
    """``"RUT and RUT-SPX"``: the panels of a figure, for its title."""
    columns = [str(c) for c in columns]
    return ", ".join(columns[:-1]) + " and " + columns[-1] if len(columns) > 1 else columns[0]


def _label(series: str, unit: str) -> str:
    return f"{series} (small minus large)" if unit == "pp" else series


def chart_month_stats(stats, series, ax: Axes | None = None):
    """:func:`plot_month_stats` of one series (or the spread) of a
    :class:`smallcaps.seasonality.MonthStats`; a list of series draws them side by side in
    one figure (returns the list of Axes)."""
    if isinstance(series, str):
        return _month_stats_panel(stats, series, ax)
    note = (f"label = share of positive years; hatched = fewer than {stats.min_years} years")
    return _panels(series, lambda s, a: _month_stats_panel(stats, s, a, _label(s, stats.units[s])),
                   _span_title(f"{_both(series)}: average return by calendar month",
                               stats.span or (), stats.asof)
                   + "\n" + note, height=4.8)


def _heatmap_panel(monthly, column: str, ax: Axes | None, title: str | None = None) -> Axes:
    from smallcaps.seasonality import year_month_table
    from smallcaps.seasonality.monthly import month_end_session

    pair = column == monthly.spread
    done = monthly.complete[column].dropna()
    span = ((done.index[0].start_time, month_end_session(done.index[-1], monthly.asof))
            if len(done) else ())
    return plot_month_heatmap(year_month_table(monthly, column), name=column, span=span,
                              unit="pp" if pair else "%", asof=monthly.asof, title=title,
                              source=source_text(monthly.provenance, _keys(column, pair)), ax=ax)


def chart_month_heatmap(monthly, column, ax: Axes | None = None):
    """:func:`plot_month_heatmap` of one column of a
    :class:`smallcaps.seasonality.MonthlyReturns` (its complete months); a list of columns
    draws them side by side in one figure (returns the list of Axes)."""
    if isinstance(column, str):
        return _heatmap_panel(monthly, column, ax)
    done = monthly.complete[list(column)].dropna(how="all")
    span = ((done.index[0].start_time, _month_end(done.index[-1], monthly.asof))
            if len(done) else ())
    rows = len(done.index.year.unique()) if len(done) else 0
    return _panels(column, lambda c, a: _heatmap_panel(
        monthly, c, a, _label(c, "pp" if c == monthly.spread else "%")),
        _span_title(f"{_both(column)}: monthly returns by year", span, monthly.asof),
        height=max(4.5, 0.17 * rows + 1.8))


def _month_end(month, asof):
    from smallcaps.seasonality.monthly import month_end_session

    return month_end_session(month, asof)


def chart_seasonal_path(path, ax: Axes | None = None) -> Axes:
    """:func:`plot_seasonal_path` of a :class:`smallcaps.seasonality.SeasonalPath`."""
    years = path.years
    first = path.paths.columns.min() if len(path.paths.columns) else None
    span = [pd.Timestamp(year=int(first), month=1, day=1), path.asof] if first else []
    current = f"{path.current_year} to {path.asof:%Y-%m-%d}" if path.current_year else None
    return plot_seasonal_path(
        path.band, path.current, name=path.series, unit=path.unit, span=span,
        average_label=f"average {years[0]}-{years[-1]}" if years else "average",
        current_label=current,
        source=source_text(path.provenance, _keys(path.series, path.pair)), ax=ax)


def chart_santa_rally(santa, series: str, ax: Axes | None = None) -> Axes:
    """:func:`plot_yearly_returns` of one series of a
    :class:`smallcaps.seasonality.SantaRally`."""
    x = santa.table[series].dropna()
    years = (f"{x.index[0]}/{x.index[0] + 1} to {x.index[-1]}/{x.index[-1] + 1}" if len(x)
             else "no data")
    pair = series == santa.spread
    base = santa.tests.at[series, "baseline"] if series in santa.tests.index else None
    return plot_yearly_returns(
        x, title=_years_title(f"{series}: Santa Claus rally (last 5 + first 2 trading days)",
                              years, santa.asof),
        unit="pp" if pair else "%", baseline=base,
        baseline_label=f"average {santa.days}-day window",
        ylabel=f"{'small minus large' if pair else 'return'} over the 7-day window "
        f"({'pp' if pair else '%'})", xlabel="year (December of the window)",
        source=source_text(santa.provenance, _keys(series, pair)), ax=ax)


def chart_january_effect(jan, ax: Axes | None = None) -> Axes:
    """:func:`plot_yearly_returns` of the January spread of a
    :class:`smallcaps.seasonality.JanuaryEffect` (green: small caps led)."""
    from smallcaps.calendar import previous_session

    x = jan.table["spread"]
    span = ([f"{x.index[0]}-01-01", previous_session(f"{x.index[-1]}-01-31")] if len(x)
            else [])
    what = f"January effect: {jan.small} minus {jan.large}"
    return plot_yearly_returns(
        x, title=_span_title(what, span, jan.asof) if span else f"{what}, no data", unit="pp",
        ylabel=f"{jan.small} minus {jan.large} in January (pp)",
        baseline=jan.test.get("baseline"), baseline_label="the spread's average month",
        source=source_text(jan.provenance, [jan.small, jan.large]), ax=ax)


def _excess_panel(stats, series: str, ax: Axes | None, title: str | None = None) -> Axes:
    t = stats.table.loc[series]
    t = t.loc[t["enough_years"]]
    unit = stats.units[series]
    return plot_excess_intervals(
        t, title=title or _span_title(f"{_label(series, unit)}: each calendar month against the "
                                      "average month", stats.span or (), stats.asof),
        xlabel="excess over the average month (pp)", p_level=stats.p_level,
        q_level=stats.q_level, source=source_text(stats.provenance, _keys(series, unit == "pp")),
        ax=ax)


def chart_month_excess(stats, series, ax: Axes | None = None):
    """:func:`plot_excess_intervals` of each month of one series (or the spread) of a
    :class:`smallcaps.seasonality.MonthStats` against its average month (tested months
    only); a list of series draws them side by side in one figure (returns the list of
    Axes)."""
    if isinstance(series, str):
        return _excess_panel(stats, series, ax)
    return _panels(series, lambda s, a: _excess_panel(stats, s, a, _label(s, stats.units[s])),
                   _span_title(f"{_both(series)}: each calendar month against the average "
                               "month", stats.span or (), stats.asof), height=5.6)


def chart_santa_excess(santa, ax: Axes | None = None) -> Axes:
    """:func:`plot_excess_intervals` of the Santa Claus rally of every column of a
    :class:`smallcaps.seasonality.SantaRally` against every window of the same length."""
    t = santa.tests.dropna(subset=["excess"])
    years = santa.table.dropna(how="all").index
    span = f"{years[0]}/{years[0] + 1} to {years[-1]}/{years[-1] + 1}" if len(years) else ""
    keys = list(dict.fromkeys(k for c in santa.columns for k in c.split("-")))
    return plot_excess_intervals(
        t, title=_years_title(f"Santa Claus rally against every {santa.days}-day window", span,
                              santa.asof),
        xlabel=f"excess over the average {santa.days}-trading-day window (pp)",
        p_level=santa.p_level, source=source_text(santa.provenance, keys), ax=ax)


_GROUP_LABELS = {"january_up": "January up", "january_down": "January down",
                 "first_five_up": "first 5 days up", "first_five_down": "first 5 days down",
                 "break": "Q1 below December low", "no_break": "no break",
                 "nov_apr": "Nov-Apr", "may_oct": "May-Oct", "all_years": "all years",
                 "after_santa_gain": "after a Santa gain"}

_INDICATOR_TITLES = {
    "january_barometer": "January Barometer: the rest of the year (Feb-Dec) after up and down "
                         "Januaries, against all years",
    "first_five_days": "First Five Days: the rest of the year after up and down starts, "
                       "against all years",
    "december_low": "December Low: April-December after a Q1 close below the December low, "
                    "against all years",
    "best_six_months": "Best Six Months: each half-year against the average half-year",
    "mid_january_reversal": "Mid-January reversal: the last 10 January sessions against every "
                            "10-day window",
}


def chart_indicator(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_excess_intervals` of every (series, group) of an Almanac indicator
    (:mod:`smallcaps.seasonality.almanac`), the table's q-values starred."""
    t = result.tests.copy()
    t.index = [f"{s}: {_GROUP_LABELS.get(g, g)}" for s, g in t.index]
    years = result.years.index.get_level_values("year") if len(result.years) else []
    span = f"{min(years)}-{max(years)}" if len(years) else "no years"
    keys = list(dict.fromkeys(k for c in result.columns for k in str(c).split("-")))
    return plot_excess_intervals(
        t, title=_years_title(_INDICATOR_TITLES.get(result.key, result.key), span, result.asof),
        xlabel="excess over the baseline (pp; for the spread, small minus large)",
        p_level=result.p_level, q_level=result.q_level,
        source=source_text(result.provenance, keys), ax=ax)
