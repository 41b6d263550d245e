"""Prose for notebook 01 (yields vs small caps): reads a :class:`smallcaps.rates.RatesResult`.

Each section is one Markdown paragraph that restates the result's numbers in words and says
what they mean for the claim "small caps outperform when yields fall" (a negative slope of the
small-minus-large relative return on the yield change).  Units: relative returns in pp, yield
changes in bp, slopes in pp per +100 bp.  Nothing here computes a statistic: the result's
attributes and properties (``fit``, ``by_period``, ``level_moves``, ``rolling_shares``,
``regime_spread``, ``xcorr_band`` ...) carry every number.
"""

from __future__ import annotations

import pandas as pd

from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.stats import T_CRIT

__all__ = ["SECTIONS", "read"]

#: The parts :func:`read` can write, in reading order.
SECTIONS = ("sample", "levels", "fit", "periods", "horizons", "rolling", "regimes", "leadlag",
            "latest")

_REGIMES = ("falling", "neutral", "rising")


def read(result, section: str | None = None) -> str:
    """Markdown reading of a rates result.

    Parameters
    ----------
    result : RatesResult
        From :func:`smallcaps.rates.analyze`.
    section : str, optional
        One of :data:`SECTIONS`; None gives every section, one paragraph each.

    Raises
    ------
    ParameterError
        When ``section`` is not one of :data:`SECTIONS`.
    """
    writers = {"sample": _sample, "levels": _levels, "fit": _fit, "periods": _periods,
               "horizons": _horizons, "rolling": _rolling, "regimes": _regimes,
               "leadlag": _leadlag, "latest": _latest}
    if section is None:
        return "\n\n".join(writers[s](result) for s in SECTIONS)
    if section not in writers:
        raise ParameterError(f"section {section!r} is unknown; valid: {', '.join(SECTIONS)}")
    return writers[section](result)


def _key(result, role: str) -> str:
    return result.names.get(role, (role, role))[0]


def _long(result, role: str) -> str:
    return result.names.get(role, (role, role))[1]


def _pair(result) -> str:
    return f"{_key(result, 'small')} vs {_key(result, 'large')}"


def _percentile(p) -> str:
    """``"43rd"`` (``"n/a"`` when the rolling correlation has no value)."""
    return "n/a" if fmt.is_missing(p) else fmt.ordinal(p)


def _stale(latest: dict) -> bool:
    """The last yield is more than a week older than the last equity close."""
    return (latest["date"] - latest["yield_date"]).days > 7


def _sample(result) -> str:
    s, per = result.sample, result.period
    y = _key(result, "yield")
    text = (f"**Sample.** {fmt.plural(len(s), result.adjective + ' change')} from "
            f"{s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d} (the last date on which both "
            f"{_key(result, 'small')} and {_key(result, 'large')} have a close). "
            + (f"Each day pairs the equity closes with the {y} value of that day"
               if result.freq == "D" else
               f"Each {per} pairs the equity close with the last {y} value on or before it in "
               f"the same {per}"))
    if result.freq != "D":
        shifted = result.fallbacks
        text += (f"; in {fmt.plural(shifted, per)} that value is from an earlier day "
                 "(bond-market holidays)" if shifted
                 else "; no bond-market holiday needed a fallback")
    unmatched = int(result.aligned.attrs.get("unmatched", 0))
    text += (f". {fmt.plural(unmatched, per)} without a {y} value "
             f"{'was' if unmatched == 1 else 'were'} left out, so the change after each spans "
             "two periods on both sides." if unmatched else ".")
    lt = result.latest
    if _stale(lt):
        text += (f" **The {y} data ends on {lt['yield_date']:%Y-%m-%d}**, before the equity "
                 "data: the latest periods have no yield and are left out.")
    return text


def _claim_words(ratio_pct: float, yield_bp: float) -> str:
    return ("as the claim would have it" if (ratio_pct > 0) == (yield_bp < 0)
            else "the opposite of the claim")


def _levels(result) -> str:
    m = result.level_moves
    full, year = m.loc["full"], m.loc["last year"]
    return (f"**Levels.** From {full['start']:%Y-%m-%d} to {full['end']:%Y-%m-%d} the "
            f"{_key(result, 'small')}/{_key(result, 'large')} ratio changed "
            f"{fmt.pct(full['ratio_change_pct'])} while {_key(result, 'yield')} moved "
            f"{fmt.bp(full['yield_change_bp'])} "
            f"({_claim_words(full['ratio_change_pct'], full['yield_change_bp'])}); over the "
            f"last year, {fmt.pct(year['ratio_change_pct'])} against "
            f"{fmt.bp(year['yield_change_bp'])} "
            f"({_claim_words(year['ratio_change_pct'], year['yield_change_bp'])}). Levels drift "
            f"for many reasons; the {result.adjective} changes below are the test.")


def _fit(result) -> str:
    f, s, per = result.fit, result.sample, result.period
    head = (f"**Full sample, {s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d} "
            f"({fmt.plural(f.n, result.adjective + ' period')}).** A +100 bp move in the "
            f"{_long(result, 'yield')} ({_key(result, 'yield')}) went with a "
            f"{f.slope:+.2f} pp {_pair(result)} relative return per {per} (95% HAC band "
            f"{f.ci_low:+.2f} to {f.ci_high:+.2f}; Newey-West t = {f.t_hac:+.2f} with "
            f"{f.maxlags} lags, plain t = {f.t_plain:+.2f}; R² = {f.r_squared:.3f}, "
            f"correlation {f.corr:+.2f}).")
    if fmt.is_missing(f.slope):
        return head + " Too few data for a verdict."
    if f.significant and f.slope < 0:
        verdict = ("**The data supports the claim**: small caps did better relative to large "
                   "caps when yields fell (negative slope, significant at 5%).")
    elif f.significant:
        verdict = ("**The data contradicts the claim**: the slope is *positive* and "
                   "significant, so small caps did better when yields *rose*, not when they "
                   "fell.")
    else:
        sign = "negative, the claimed sign," if f.slope < 0 else "positive, against the claim,"
        verdict = (f"**No reliable link**: the slope is {sign} but not significantly different "
                   f"from zero (|t| < {T_CRIT}), so the data does not back the claim at this "
                   "frequency.")
    size = (f" Yield changes explain {f.r_squared:.1%} of the variance of {result.adjective} "
            "relative returns" + (", a small share: other drivers dominate."
                                  if f.r_squared < 0.05 else "."))
    return f"{head} {verdict}{size}"


def _split(table: pd.DataFrame) -> str:
    """Where the slope of a by-period / by-horizon table is negative or positive, and where it
    is significant either way."""
    t = table.dropna(subset=["slope_pct_per_100bp"]) if len(table) else table
    if t.empty:
        return "no sub-sample had enough data"

    def listing(labels) -> str:
        return ", ".join(f"{i} ({t.loc[i, 'slope_pct_per_100bp']:+.2f}, t "
                         f"{t.loc[i, 't_hac']:+.1f})" for i in labels)

    neg = t.index[t["slope_pct_per_100bp"] < 0]
    pos = t.index[t["slope_pct_per_100bp"] >= 0]
    if len(neg) and len(pos):
        sign = (f"**the sign differs**: negative (the claimed sign) in {listing(neg)}; positive "
                f"(against the claim) in {listing(pos)}")
    elif len(neg):
        sign = f"the slope is negative (the claimed sign) in every one: {listing(neg)}"
    else:
        sign = f"the slope is positive (against the claim) in every one: {listing(pos)}"
    sup = list(t.index[t["verdict"] == "supports claim"])
    con = list(t.index[t["verdict"] == "contradicts claim"])
    return "; ".join([
        sign,
        "significant support in " + ", ".join(sup) if sup else "no significant support anywhere",
        "significant contradiction in " + ", ".join(con) if con
        else "no significant contradiction",
    ])


def _periods(result) -> str:
    return f"**By sub-period** (slope in pp per +100 bp, HAC t): {_split(result.by_period)}."


def _horizons(result) -> str:
    per = result.period
    return (f"**By horizon** (overlapping changes over h {per}s, slope in pp of h-{per} "
            f"relative return per +100 bp): {_split(result.by_horizon)}.")


def _rolling(result) -> str:
    r = result.rolling.dropna(subset=["corr"])
    lt, sh = result.latest, result.rolling_shares
    last = r.iloc[-1]
    return (f"**Rolling {result.window}-{result.period} window.** The correlation is now "
            f"{lt['corr_rolling_latest']:+.2f}, at the {_percentile(lt['corr_percentile'])} "
            f"percentile of its own history ({r.index[0]:%Y} onwards); it has been negative "
            f"(the claimed sign) {fmt.share(sh['corr_negative'])} of the time and positive "
            f"{fmt.share(1 - sh['corr_negative'])}. The rolling beta is now "
            f"{last['beta']:+.2f} pp per +100 bp (band {last['beta_low']:+.2f} to "
            f"{last['beta_high']:+.2f}); its 95% band lay wholly below zero (significantly the "
            f"claimed sign) in {fmt.share(sh['beta_below_zero'])} of windows and wholly above "
            f"zero in {fmt.share(sh['beta_above_zero'])}.")


def _regimes(result) -> str:
    t, per, bp = result.regimes, result.period, f"{result.regime_bp:g}"
    desc = {"falling": f"yield down more than {bp} bp", "rising": f"yield up more than {bp} bp",
            "neutral": "neither"}

    def line(name: str) -> str:
        r = t.loc[name]
        if r["n"] == 0:
            return f"{name} ({desc[name]}): no periods"
        return (f"{name} ({desc[name]}): {r['mean_rel_return_pct']:+.3f} pp per {per}, small "
                f"caps ahead {fmt.share(r['hit_rate'])} of the time, t = {r['t']:+.2f}, "
                f"n = {int(r['n'])}")

    head = (f"**Regimes** (yield change over the trailing {result.regime_periods} {per}s): "
            + "; ".join(line(n) for n in _REGIMES) + ".")
    spread = result.regime_spread
    diff, tdiff = spread["diff_pp"], spread["t"]
    if fmt.is_missing(diff):
        return head + " Too few falling or rising periods to compare."
    if not fmt.is_missing(tdiff) and abs(tdiff) >= T_CRIT:
        word = "significant"
        verdict = ("**consistent with the claim**" if diff > 0 else
                   "**against the claim**: small caps did better while yields were rising")
    else:
        word = "not significant"
        verdict = ("the claimed sign, but no evidence" if diff > 0 else
                   "the sign is against the claim")
    nxt = "; ".join(f"{n} {t.loc[n, 'next_mean_pct']:+.3f} pp (t = {t.loc[n, 'next_t']:+.2f})"
                    for n in _REGIMES if t.loc[n, "n"] > 1)
    return (f"{head} Falling minus rising: {diff:+.3f} pp per {per} (t ≈ {tdiff:+.2f}, {word}; "
            f"{verdict}). In the {per} *after* a labelled {per}: {nxt}.")


def _granger_words(p: float, cause: str, effect: str) -> str:
    if fmt.is_missing(p):
        return f"too few periods to test whether past {cause} predict {effect}"
    if p < 0.05:
        return f"past {cause} **do** help predict {effect} ({fmt.pvalue(p)})"
    return f"past {cause} do not help predict {effect} ({fmt.pvalue(p)})"


def _leadlag(result) -> str:
    x, per, band = result.xcorr, result.period, result.xcorr_band
    lagged = x.drop(0)
    k = int(lagged.abs().idxmax())
    outside = [int(i) for i in lagged.index if abs(lagged[i]) > band]
    g = result.granger
    lags = int(g.loc["yield_to_relative", "lags"])
    lead = "yield change leads" if k > 0 else "relative return leads"
    noise = (f"lags outside the ±{band:.2f} noise band: {outside} (of {len(lagged)} lags, "
             f"about {0.05 * len(lagged):.0f} would fall outside by chance)." if outside
             else f"no lag lies outside the ±{band:.2f} noise band.")
    forward = _granger_words(g.loc["yield_to_relative", "p_value"], "yield changes",
                             "the relative return")
    backward = _granger_words(g.loc["relative_to_yield", "p_value"], "relative returns",
                              "yield changes")
    return (f"**Lead/lag.** Same-{per} correlation {x.loc[0]:+.2f}. The largest lagged "
            f"correlation is {lagged[k]:+.2f} at lag {k:+d} ({lead} by "
            f"{fmt.plural(abs(k), per)}); {noise} Granger tests with {lags} lags: {forward}; "
            f"{backward}.")


def _latest(result) -> str:
    lt = result.latest
    y = _key(result, "yield")
    rr, d1 = lt["relative_return_1w_pct"], lt["yield_change_1w_bp"]
    note = (f" (the latest {y} value is from {lt['yield_date']:%Y-%m-%d}, more than a week "
            "before the equity data)") if _stale(lt) else ""
    who = "small caps ahead" if rr > 0 else "large caps ahead" if rr < 0 else "level"
    same = (d1 < 0 < rr) or (rr < 0 < d1)
    fit_word = ("in line with the claim" if same else
                "not what the claim would predict" if d1 != 0 and rr != 0 else
                "no signal either way")
    return (f"**Latest, {lt['date']:%Y-%m-%d}.** {y} at {lt['yield_last']:.2f}%{note}, "
            f"{fmt.bp(d1)} on the week and {fmt.bp(lt['yield_change_4w_bp'])} over four weeks. "
            f"{_pair(result)} over the week: {rr:+.2f} pp ({who}), {fit_word}. The rolling "
            f"{result.window}-{result.period} correlation is {lt['corr_rolling_latest']:+.2f} "
            f"({_percentile(lt['corr_percentile'])} percentile of its history).")
