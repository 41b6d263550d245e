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

def _rates_source(ax, result, keys=None):
    k = keys or [v[0] for v in result.names.values()]
    return add_source(ax, source_text(result.provenance, k))


def plot_ratio_vs_yield(result, ax=None):
    """Small/large price ratio (rebased to 100) with the yield on an inverted right axis.

    With the right axis inverted, the claim ("falling yields help small caps") would show as
    the two lines moving together.  Returns the left Axes (the yield Axes is ``ax.right_ax``).
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    a = result.aligned
    (s, s_name), (lg, l_name), (y, y_name) = (result.names[k] for k in ("small", "large", "yield"))
    ratio = a["small"] / a["large"]
    ratio = ratio / ratio.iloc[0] * 100.0
    ax.plot(ratio.index, ratio, color=COLORS["small"], lw=1.2, label=f"{s}/{lg} ratio (left)")
    ax.set_ylabel(f"{s}/{lg} ratio, rebased to 100")
    right = ax.twinx()
    right.plot(a.index, a["yield_pct"], color=COLORS["yield"], lw=1.0, alpha=0.85,
               label=f"{y} yield (right, inverted)")
    right.invert_yaxis()
    right.set_ylabel(f"{y} yield, % (inverted: up = lower yield)")
    right.spines["right"].set_visible(True)
    right.grid(False)
    ax.right_ax = right
    lines = ax.get_lines() + right.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper left")
    ax.set_title(f"{s_name} / {l_name} vs {y} yield (inverted), {date_span(a.index)}")
    ax.set_xlabel(f"{result.period} ending")
    return _rates_source(ax, result)


def plot_rolling_correlation(result, ax=None):
    """Rolling correlation of relative return with yield change, zero line and full-sample line.

    Below zero is the claim's sign (falling yields, small caps ahead)."""
    ax = new_axes(ax, figsize=(10, 4))
    r = result.rolling["corr"].dropna()
    s, lg, y = (result.names[k][0] for k in ("small", "large", "yield"))
    ax.plot(r.index, r, color=COLORS["small"], lw=1.1,
            label=f"rolling {result.window}-{result.period} correlation")
    ax.axhline(0, color="black", lw=0.8)
    ax.axhline(result.fit.corr, color=COLORS["neutral"], lw=0.9, ls="--",
               label=f"full sample {result.fit.corr:+.2f}")
    ax.fill_between(r.index, r, 0, where=r < 0, color=COLORS["up"], alpha=0.15,
                    label="negative: the claimed sign")
    ax.set_ylim(-1, 1)
    ax.set_ylabel("correlation (-1 to 1)")
    ax.set_xlabel(f"end of {result.window}-{result.period} window")
    ax.set_title(f"Rolling correlation: {s}-{lg} relative return vs {y} change, "
                 f"{date_span(r.index)}")
    ax.legend(loc="lower left", ncols=3)
    return _rates_source(ax, result)


def plot_rolling_beta(result, ax=None):
    """Rolling OLS beta (pp per +100 bp) with its 95 % band, zero line and full-sample slope."""
    ax = new_axes(ax, figsize=(10, 4))
    r = result.rolling.dropna(subset=["beta"])
    s, lg, y = (result.names[k][0] for k in ("small", "large", "yield"))
    ax.fill_between(r.index, r["beta_low"], r["beta_high"], color=COLORS["small"], alpha=0.2,
                    lw=0, label="95% band (OLS s.e.)")
    ax.plot(r.index, r["beta"], color=COLORS["small"], lw=1.1,
            label=f"rolling {result.window}-{result.period} beta")
    ax.axhline(0, color="black", lw=0.8)
    ax.axhline(result.fit.slope, color=COLORS["neutral"], lw=0.9, ls="--",
               label=f"full sample {result.fit.slope:+.2f}")
    ax.set_ylabel("pp relative return per +100 bp")
    ax.set_xlabel(f"end of {result.window}-{result.period} window")
    ax.set_title(f"Rolling beta of {s}-{lg} relative return on {y} change, "
                 f"{date_span(r.index)}")
    ax.legend(loc="lower left", ncols=3)
    return _rates_source(ax, result)


def plot_regimes(result, ax=None):
    """Mean relative return per period in falling / neutral / rising yield regimes, ±1.96 s.e."""
    ax = new_axes(ax, figsize=(9, 4.5))
    t = result.regimes
    colors = {"falling": COLORS["up"], "neutral": COLORS["neutral"], "rising": COLORS["down"]}
    x = list(range(len(t)))
    ax.bar(x, t["mean_rel_return_pct"], yerr=1.96 * t["se_pct"], capsize=4,
           color=[colors.get(i, COLORS["neutral"]) for i in t.index], alpha=0.85)
    bp, k = f"{result.regime_bp:g}", result.regime_periods
    ax.set_xticks(x, list(t.index))
    tops = t["mean_rel_return_pct"] + 1.96 * t["se_pct"].fillna(0)
    bottoms = t["mean_rel_return_pct"] - 1.96 * t["se_pct"].fillna(0)
    for xi, (name, row) in zip(x, t.iterrows(), strict=True):
        up = row["mean_rel_return_pct"] >= 0
        ax.annotate(f"n={int(row['n'])}, hit {row['hit_rate']:.0%}\nt={row['t']:+.2f}",
                    xy=(xi, tops[name] if up else bottoms[name]), xytext=(0, 4 if up else -4),
                    textcoords="offset points", ha="center", va="bottom" if up else "top",
                    fontsize=8)
    ax.margins(y=0.25)
    ax.axhline(0, color="black", lw=0.8)
    s, lg, y = (result.names[k_][0] for k_ in ("small", "large", "yield"))
    ax.set_ylabel(f"mean {s}-{lg} relative return, pp per {result.period}")
    ax.set_xlabel(f"{y} change over the trailing {k} {result.period}s: falling < -{bp} bp, "
                  f"rising > +{bp} bp")
    lab = result.regime_labels
    ax.set_title(f"Relative return by yield regime (mean ± 1.96 s.e.), {date_span(lab.index)}")
    return _rates_source(ax, result)


def plot_cross_correlation(result, ax=None):
    """Stem plot of corr(yield change at t, relative return at t + k) with a ±1.96/√n band."""
    ax = new_axes(ax, figsize=(9, 4))
    x = result.xcorr
    n = x.attrs.get("n", len(result.sample))
    band = 1.96 / n ** 0.5
    ax.axhspan(-band, band, color=COLORS["neutral"], alpha=0.15, label=f"±1.96/√n (n={n})")
    ax.stem(x.index, x.to_numpy(), basefmt="k-")
    s, lg, y = (result.names[k][0] for k in ("small", "large", "yield"))
    ax.set_xlabel(f"lag k, {result.period}s (k > 0: {y} change leads the relative return)")
    ax.set_ylabel("correlation (-1 to 1)")
    ax.set_title(f"Cross-correlation: {y} change vs {s}-{lg} relative return, "
                 f"{date_span(result.sample.index)}")
    ax.legend(loc="upper right")
    return _rates_source(ax, result)


def plot_slopes(result, by: str = "period", ax=None):
    """Slope (pp per +100 bp) with its 95 % HAC band per sub-period (``by="period"``) or per
    horizon (``by="horizon"``); below zero is the claim's sign."""
    table = {"period": result.by_period, "horizon": result.by_horizon}.get(by)
    if table is None:
        from smallcaps.errors import ParameterError

        raise ParameterError(f"by {by!r} is not valid; use 'period' or 'horizon'")
    ax = new_axes(ax, figsize=(9, 4))
    t = table.dropna(subset=["slope_pct_per_100bp"])
    x = list(range(len(t)))
    colors = [COLORS["up"] if v < 0 else COLORS["down"] for v in t["slope_pct_per_100bp"]]
    b = t["slope_pct_per_100bp"]
    ax.errorbar(x, b, yerr=[b - t["ci_low"], t["ci_high"] - b], fmt="none",
                ecolor=COLORS["neutral"], capsize=4)
    ax.scatter(x, b, color=colors, zorder=3)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [str(i) for i in t.index])
    y = result.names["yield"][0]
    ax.set_ylabel("slope, pp per +100 bp")
    ax.set_xlabel("sub-period" if by == "period" else
                  f"horizon h (overlapping h-{result.period} changes)")
    ax.set_title(f"Slope on {y} change by {by} (95% HAC band), "
                 f"{date_span(result.sample.index)}")
    return _rates_source(ax, result)

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


# --- seasonality (notebook 03) ---

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


# --- taxloss (notebook 04) ---

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


# --- technicals (notebook 06) ---

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
