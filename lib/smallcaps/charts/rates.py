"""Charts of the rates study (notebook 01).

``plot_*`` functions take plain Series / DataFrames and keyword options and return their Axes;
they never show or save.  ``chart_*(result, ...)`` adapters unpack a
:class:`smallcaps.rates.RatesResult` and call them with its labels, dated title and source
note.  Colours follow the kit's one rule (:data:`smallcaps.charts.base.COLORS`): green and
red are the sign of the value drawn (above zero green, below zero red), whatever the claim;
below zero is the claim's sign (falling yields, small caps ahead), and the axis labels say
so.  The Fed regimes are shaded in their own colours (easing blue, tightening gold).

Labels: ``small``, ``large`` and ``yield_name`` are series keys for axis labels; ``period``
is ``"week"``, ``"month"`` or ``"day"``; ``source`` is the note written under the chart (none
when omitted); ``dates`` gives the date span of the title for tables that have no dates.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from smallcaps.charts.base import (
    COLORS,
    add_source,
    date_span,
    new_axes,
    sign_colors,
    source_text,
)
from smallcaps.errors import ParameterError
from smallcaps.stats import T_CRIT

__all__ = [
    "plot_ratio_vs_yield",
    "plot_rolling_correlation",
    "plot_rolling_beta",
    "plot_regimes",
    "plot_cross_correlation",
    "plot_slopes",
    "plot_fed_cycle",
    "plot_fed_regimes",
    "chart_ratio_vs_yield",
    "chart_rolling_correlation",
    "chart_rolling_beta",
    "chart_regimes",
    "chart_cross_correlation",
    "chart_slopes",
    "chart_fed_cycle",
    "chart_fed_regimes",
]

_SLOPES_BY = ("period", "horizon")
_FED_COLORS = {"easing": COLORS["easing"], "tightening": COLORS["tightening"],
               "hold": COLORS["neutral"]}


def _finish(ax: Axes, title: str, source: str | None) -> Axes:
    ax.set_title(title)
    return add_source(ax, source) if source else ax


def _dated(text: str, dates) -> str:
    return text if dates is None else f"{text}, {date_span(dates)}"


def plot_ratio_vs_yield(ratio: pd.Series, yield_pct: pd.Series, *, small: str = "small",
                        large: str = "large", yield_name: str = "yield", period: str = "week",
                        title: str | None = None, source: str | None = None,
                        ax: Axes | None = None) -> Axes:
    """Small/large price ratio (rebased to 100 at its first value) with the yield (%) on an
    inverted right axis.

    With the right axis inverted, the claim ("falling yields help small caps") shows as the
    two lines moving together.  Returns the left Axes; the yield Axes is ``ax.right_ax``.
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    r = ratio.dropna()
    r = r / r.iloc[0] * 100.0
    ax.plot(r.index, r, color=COLORS["small"], lw=1.2, label=f"{small}/{large} ratio (left)")
    ax.set_ylabel(f"{small}/{large} ratio, rebased to 100")
    right = ax.twinx()
    right.plot(yield_pct.index, yield_pct, color=COLORS["yield"], lw=1.0, alpha=0.85,
               label=f"{yield_name} yield (right, inverted)")
    right.invert_yaxis()
    right.set_ylabel(f"{yield_name} yield, % (inverted: up = lower yield)")
    right.spines["right"].set_visible(True)
    right.grid(False)
    ax.right_ax = right
    lines = ax.get_lines() + right.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper left")
    ax.set_xlabel(f"{period} ending")
    default = f"{small} / {large} vs {yield_name} yield (inverted), {date_span(r.index)}"
    return _finish(ax, title or default, source)


def plot_rolling_correlation(rolling: pd.DataFrame, *, full: float | None = None,
                             window: int = 52, small: str = "small", large: str = "large",
                             yield_name: str = "yield", period: str = "week",
                             title: str | None = None, source: str | None = None,
                             ax: Axes | None = None) -> Axes:
    """Rolling correlation (column ``corr``, -1..1) of relative return with yield change, a zero
    line and the full-sample correlation ``full`` dashed; stretches below zero (the claimed
    sign) shaded red, above zero green."""
    ax = new_axes(ax, figsize=(10, 4))
    r = rolling["corr"].dropna()
    ax.plot(r.index, r, color=COLORS["small"], lw=1.1,
            label=f"rolling {window}-{period} correlation")
    ax.axhline(0, color="black", lw=0.8)
    if full is not None:
        ax.axhline(full, color=COLORS["neutral"], lw=0.9, ls="--",
                   label=f"full sample {full:+.2f}")
    ax.fill_between(r.index, r, 0, where=r >= 0, color=COLORS["up"], alpha=0.15, lw=0,
                    label="above zero: against the claim")
    ax.fill_between(r.index, r, 0, where=r < 0, color=COLORS["down"], alpha=0.15, lw=0,
                    label="below zero: the claimed sign")
    ax.set_ylim(-1, 1)
    ax.set_ylabel("correlation (-1 to 1)")
    ax.set_xlabel(f"end of {window}-{period} window")
    ax.legend(loc="lower left", ncols=2, frameon=True, framealpha=0.9, edgecolor="none")
    default = (f"Rolling correlation: {small}-{large} relative return vs {yield_name} change, "
               f"{date_span(r.index)}")
    return _finish(ax, title or default, source)


def plot_rolling_beta(rolling: pd.DataFrame, *, full: float | None = None, window: int = 52,
                      small: str = "small", large: str = "large", yield_name: str = "yield",
                      period: str = "week", title: str | None = None, source: str | None = None,
                      ax: Axes | None = None) -> Axes:
    """Rolling OLS beta (column ``beta``, pp per +100 bp) with its 95 % band (``beta_low``,
    ``beta_high``), a zero line and the full-sample slope ``full`` dashed."""
    ax = new_axes(ax, figsize=(10, 4))
    r = rolling.dropna(subset=["beta"])
    ax.fill_between(r.index, r["beta_low"], r["beta_high"], color=COLORS["small"], alpha=0.2,
                    lw=0, label="95% band (OLS s.e.)")
    ax.plot(r.index, r["beta"], color=COLORS["small"], lw=1.1,
            label=f"rolling {window}-{period} beta")
    ax.axhline(0, color="black", lw=0.8)
    if full is not None:
        ax.axhline(full, color=COLORS["neutral"], lw=0.9, ls="--",
                   label=f"full sample {full:+.2f}")
    ax.set_ylabel("pp relative return per +100 bp")
    ax.set_xlabel(f"end of {window}-{period} window")
    ax.legend(loc="lower left", ncols=3)
    default = (f"Rolling beta of {small}-{large} relative return on {yield_name} change, "
               f"{date_span(r.index)}")
    return _finish(ax, title or default, source)


def plot_regimes(regimes: pd.DataFrame, *, regime: tuple[int, float] = (13, 25.0),
                 small: str = "small", large: str = "large", yield_name: str = "yield",
                 period: str = "week", dates=None, title: str | None = None,
                 source: str | None = None, ax: Axes | None = None) -> Axes:
    """Mean relative return per period (pp) in falling / neutral / rising yield regimes, with
    ±1.96 standard errors; each bar green above zero (small caps ahead), red below.

    ``regimes`` has one row per regime with ``mean_rel_return_pct``, ``se_pct``, ``n``,
    ``hit_rate`` (0..1) and ``t``; ``regime`` is ``(regime_periods, regime_bp)`` for the axis
    label.
    """
    ax = new_axes(ax, figsize=(9, 4.5))
    t = regimes
    x = list(range(len(t)))
    err = T_CRIT * t["se_pct"].fillna(0)
    ax.bar(x, t["mean_rel_return_pct"], yerr=T_CRIT * t["se_pct"], capsize=4,
           color=sign_colors(t["mean_rel_return_pct"]), alpha=0.85)
    ax.set_xticks(x, [str(i) for i in t.index])
    for xi, (_, row), e in zip(x, t.iterrows(), err, strict=True):
        up = row["mean_rel_return_pct"] >= 0
        ax.annotate(f"n={int(row['n'])}, hit {row['hit_rate']:.0%}\nt={row['t']:+.2f}",
                    xy=(xi, row["mean_rel_return_pct"] + (e if up else -e)),
                    xytext=(0, 4 if up else -4), textcoords="offset points", ha="center",
                    va="bottom" if up else "top", fontsize=8)
    ax.margins(y=0.25)
    ax.axhline(0, color="black", lw=0.8)
    k, bp = regime[0], f"{regime[1]:g}"
    ax.set_ylabel(f"mean {small}-{large} relative return, pp per {period}")
    ax.set_xlabel(f"{yield_name} change over the trailing {k} {period}s: falling < -{bp} bp, "
                  f"rising > +{bp} bp")
    default = _dated("Relative return by yield regime (mean ± 1.96 s.e.)", dates)
    return _finish(ax, title or default, source)


def plot_cross_correlation(xcorr: pd.Series, *, n: int | None = None, small: str = "small",
                           large: str = "large", yield_name: str = "yield",
                           period: str = "week", dates=None, title: str | None = None,
                           source: str | None = None, ax: Axes | None = None) -> Axes:
    """Stem plot of corr(yield change at t, relative return at t + k) by lag k, with the
    ±1.96/√n noise band (``n`` periods; default ``xcorr.attrs["n"]``, no band without it)."""
    ax = new_axes(ax, figsize=(9, 4))
    n = xcorr.attrs.get("n") if n is None else n
    if n:
        band = T_CRIT / n ** 0.5
        ax.axhspan(-band, band, color=COLORS["neutral"], alpha=0.15,
                   label=f"±1.96/√n (n={n})")
    ax.stem(xcorr.index, xcorr.to_numpy(), basefmt="k-")
    ax.set_xlabel(f"lag k, {period}s (k > 0: {yield_name} change leads the relative return)")
    ax.set_ylabel("correlation (-1 to 1)")
    if n:
        ax.legend(loc="upper right")
    default = _dated(f"Cross-correlation: {yield_name} change vs {small}-{large} relative "
                     "return", dates)
    return _finish(ax, title or default, source)


def plot_slopes(table: pd.DataFrame, *, by: str = "period", yield_name: str = "yield",
                period: str = "week", dates=None, title: str | None = None,
                source: str | None = None, ax: Axes | None = None) -> Axes:
    """Slope (column ``slope_pct_per_100bp``, pp per +100 bp) with its 95 % HAC band
    (``ci_low``, ``ci_high``) per row of ``table``: sub-periods (``by="period"``) or horizons
    (``by="horizon"``).  Positive slopes green, negative (the claimed sign) red.  A table with
    an ``independent`` column (non-overlapping changes, n / h) writes it under each tick."""
    if by not in _SLOPES_BY:
        raise ParameterError(f"by {by!r} is not valid; use 'period' or 'horizon'")
    ax = new_axes(ax, figsize=(9, 4))
    t = table.dropna(subset=["slope_pct_per_100bp"])
    x = list(range(len(t)))
    b = t["slope_pct_per_100bp"]
    ax.errorbar(x, b, yerr=[b - t["ci_low"], t["ci_high"] - b], fmt="none",
                ecolor=COLORS["neutral"], capsize=4)
    ax.scatter(x, b, color=sign_colors(b), zorder=3)
    ax.axhline(0, color="black", lw=0.8)
    ticks = [str(i) for i in t.index]
    if "independent" in t.columns:
        ticks = [f"{i}, n/h {int(k)}" for i, k in zip(ticks, t["independent"], strict=True)]
    ax.set_xticks(x, ticks)
    ax.set_ylabel("slope, pp per +100 bp")
    ax.set_xlabel("sub-period" if by == "period" else
                  f"horizon h (overlapping h-{period} changes)")
    default = _dated(f"Slope on {yield_name} change by {by} (95% HAC band)", dates)
    return _finish(ax, title or default, source)


def plot_fed_cycle(ratio: pd.Series, labels: pd.Series, rate: pd.Series | None = None, *,
                   small: str = "small", large: str = "large", fed_name: str = "DFF",
                   period: str = "week", title: str | None = None, source: str | None = None,
                   ax: Axes | None = None) -> Axes:
    """The small/large price ratio (rebased to 100 at its first value) with the Fed regimes
    shaded behind it: easing blue, tightening gold, on hold unshaded, periods without a label
    hatched grey; the fed funds rate (``rate``, %) on a right axis when given.

    ``labels`` holds ``"easing"`` / ``"tightening"`` / ``"hold"`` for the labelled periods of
    ``ratio``'s index (others are unlabelled).  Returns the left Axes (``ax.right_ax``: the
    rate's axis, or None).
    """
    ax = new_axes(ax, figsize=(11, 4.8))
    r = ratio.dropna()
    r = r / r.iloc[0] * 100.0
    lab = labels.reindex(r.index)
    runs = (lab.fillna("none") != lab.fillna("none").shift()).cumsum()
    shown = set()
    for _, run in lab.groupby(runs, sort=False):
        name = run.iloc[0] if run.notna().all() else None
        start, end = run.index[0], run.index[-1]
        nxt = r.index[r.index.get_loc(end) + 1] if end != r.index[-1] else end
        if name in ("easing", "tightening"):
            ax.axvspan(start, nxt, color=_FED_COLORS[name], alpha=0.18, lw=0,
                       label=None if name in shown else f"{name}")
            shown.add(name)
        elif name is None:
            ax.axvspan(start, nxt, facecolor="none", edgecolor=COLORS["neutral"], hatch="//",
                       alpha=0.4, lw=0, label=None if "none" in shown else "no label")
            shown.add("none")
    ax.plot(r.index, r, color=COLORS["small"], lw=1.2, label=f"{small}/{large} ratio (left)")
    ax.set_ylabel(f"{small}/{large} ratio, rebased to 100")
    ax.set_xlabel(f"{period} ending")
    right = None
    if rate is not None and rate.notna().any():
        right = ax.twinx()
        right.plot(rate.index, rate, color=COLORS["yield"], lw=0.9, alpha=0.8,
                   label=f"{fed_name}, 28-day average (right)")
        right.set_ylabel(f"{fed_name}, % (28-day average)")
        right.spines["right"].set_visible(True)
        right.grid(False)
    ax.right_ax = right
    handles, names = ax.get_legend_handles_labels()
    if right is not None:
        h2, n2 = right.get_legend_handles_labels()
        handles, names = handles + h2, names + n2
    for a in (ax, right):  # head room: the legend sits above the lines, not on them
        if a is not None:
            lo, hi = a.get_ylim()
            a.set_ylim(lo, hi + 0.22 * (hi - lo))
    (right or ax).legend(handles, names, loc="upper left", ncols=3, frameon=True,
                         framealpha=0.9, edgecolor="none")  # on the top axes, over both lines
    default = (f"{small} / {large} through the Fed cycle ({fed_name}: easing blue, tightening "
               f"gold), {date_span(r.index)}")
    return _finish(ax, title or default, source)


def plot_fed_regimes(table: pd.DataFrame, *, yield_name: str = "yield", fed_name: str = "DFF",
                     period: str = "week", dates=None, title: str | None = None,
                     source: str | None = None, ax: Axes | None = None) -> Axes:
    """Slope of the relative return on the yield change per Fed regime (pp per +100 bp) with
    its 95 % HAC band: one bar per row of ``table`` (``slope_pct_per_100bp``, ``ci_low``,
    ``ci_high``, ``t_hac``, ``n``, ``episodes``), green above zero, red below (the claim's
    sign)."""
    ax = new_axes(ax, figsize=(9, 4.5))
    t = table
    x = list(range(len(t)))
    b = t["slope_pct_per_100bp"].fillna(0.0)
    ax.bar(x, b, color=sign_colors(t["slope_pct_per_100bp"]), alpha=0.85)
    ax.errorbar(x, b, yerr=[(b - t["ci_low"]).fillna(0), (t["ci_high"] - b).fillna(0)],
                fmt="none", ecolor="black", capsize=4, lw=1)
    for xi, (_, row) in zip(x, t.iterrows(), strict=True):
        top = row["ci_high"] if row["slope_pct_per_100bp"] >= 0 else row["ci_low"]
        up = row["slope_pct_per_100bp"] >= 0
        ax.annotate(f"n={int(row['n'])} {period}s, {int(row['episodes'])} episodes\n"
                    f"t(HAC)={row['t_hac']:+.2f}",
                    xy=(xi, 0.0 if pd.isna(top) else top), xytext=(0, 4 if up else -4),
                    textcoords="offset points", ha="center", va="bottom" if up else "top",
                    fontsize=8)
    ax.margins(y=0.25)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [str(i) for i in t.index])
    ax.set_ylabel("slope, pp relative return per +100 bp")
    ax.set_xlabel(f"Fed regime ({fed_name}); below zero is the claim's sign")
    default = _dated(f"Slope on {yield_name} change by Fed regime (95% HAC band)", dates)
    return _finish(ax, title or default, source)


# ---- adapters: a RatesResult in, the chart notebook 01 shows out --------------------------

def _labels(result, pair: bool = True, fed: bool = False) -> dict:
    roles = ("small", "large", "yield") + (("fed",) if fed else ())
    keys = {role: result.names[role][0] for role in roles}
    out = {"small": keys["small"], "large": keys["large"]} if pair else {}
    return {**out, "yield_name": keys["yield"], "period": result.period,
            "source": source_text(result.provenance, list(keys.values()))}


def chart_ratio_vs_yield(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_ratio_vs_yield` of a rates result, titled with the series' long names."""
    a = result.aligned
    names = {role: result.names[role][1] for role in ("small", "large")}
    title = (f"{names['small']} / {names['large']} vs {result.names['yield'][0]} yield "
             f"(inverted), {date_span(a.index)}")
    return plot_ratio_vs_yield(a["small"] / a["large"], a["yield_pct"], title=title, ax=ax,
                               **_labels(result))


def chart_rolling_correlation(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_rolling_correlation` of a rates result (full-sample line from its fit)."""
    return plot_rolling_correlation(result.rolling, full=result.fit.corr, window=result.window,
                                    ax=ax, **_labels(result))


def chart_rolling_beta(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_rolling_beta` of a rates result (full-sample line from its fit)."""
    return plot_rolling_beta(result.rolling, full=result.fit.slope, window=result.window,
                             ax=ax, **_labels(result))


def chart_regimes(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_regimes` of a rates result, dated by its labelled periods."""
    return plot_regimes(result.regimes, regime=(result.regime_periods, result.regime_bp),
                        dates=result.regime_labels.index, ax=ax, **_labels(result))


def chart_cross_correlation(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_cross_correlation` of a rates result, dated by its sample."""
    return plot_cross_correlation(result.xcorr, n=len(result.sample),
                                  dates=result.sample.index, ax=ax, **_labels(result))


def chart_slopes(result, by: str = "period", ax: Axes | None = None) -> Axes:
    """:func:`plot_slopes` of a rates result: ``by="period"`` (decades) or ``"horizon"``."""
    if by not in _SLOPES_BY:
        raise ParameterError(f"by {by!r} is not valid; use 'period' or 'horizon'")
    table = result.by_period if by == "period" else result.by_horizon
    return plot_slopes(table, by=by, dates=result.sample.index, ax=ax,
                       **_labels(result, pair=False))


def _fed(result):
    if result.fed is None:
        raise ParameterError("this rates result has no Fed cycle; run rates.analyze(..., "
                             "fed_series='DFF')")
    return result.fed


def chart_fed_cycle(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_fed_cycle` of a rates result: its small/large ratio shaded by Fed regime,
    with the 28-day average fed funds rate."""
    fed, a = _fed(result), result.aligned
    labels = _labels(result, fed=True)
    labels.pop("yield_name")
    return plot_fed_cycle(a["small"] / a["large"], fed.labels, fed.rate_pct,
                          fed_name=fed.series, ax=ax, **labels)


def chart_fed_regimes(result, ax: Axes | None = None) -> Axes:
    """:func:`plot_fed_regimes` of a rates result, dated by its labelled periods."""
    fed = _fed(result)
    return plot_fed_regimes(fed.table, fed_name=fed.series, dates=fed.labels.index, ax=ax,
                            **_labels(result, pair=False, fed=True))
