"""Charts of the rates study: ``plot_*`` functions return their Axes, never show or save."""

from __future__ import annotations

from smallcaps.charts.base import COLORS, add_source, date_span, new_axes, source_text

__all__ = [
    "plot_ratio_vs_yield",
    "plot_rolling_correlation",
    "plot_rolling_beta",
    "plot_regimes",
    "plot_cross_correlation",
    "plot_slopes",
]


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
