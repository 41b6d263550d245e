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

__all__ = ["SECTIONS", "HEADINGS", "read", "brief"]

#: The parts :func:`read` can write, in reading order.
SECTIONS = ("inputs", "sample", "levels", "fit", "periods", "horizons", "rolling", "regimes", "fed",
            "leadlag", "latest")

#: The notebook's section headings the brief links to (``## <heading>`` in notebook 01).
HEADINGS = {"fit": "Full-sample sensitivity", "periods": "By decade",
            "horizons": "By horizon", "regimes": "Yield regimes", "fed": "The Fed cycle",
            "latest": "Latest reading"}

_REGIMES = ("falling", "neutral", "rising")
_FED = ("easing", "tightening", "hold")
_FED_WORD = {"easing": "easing", "tightening": "tightening", "hold": "on hold"}


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
    writers = {"inputs": _inputs, "sample": _sample, "levels": _levels, "fit": _fit,
               "periods": _periods, "horizons": _horizons, "rolling": _rolling, "regimes": _regimes,
               "fed": _fed, "leadlag": _leadlag, "latest": _latest}
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


def _inputs(result) -> str:
    """What this page reads, by value: the series with their names, the period, the window
    and the regime thresholds (the notebook's parameters as the reader needs them)."""
    per = result.period
    text = (f"**This page reads** {_key(result, 'small')} ({_long(result, 'small')}) against "
            f"{_key(result, 'large')} ({_long(result, 'large')}) and the {_long(result, 'yield')}"
            f" {_key(result, 'yield')} (%), in {result.adjective} periods"
            + (" (Friday closes; a holiday Friday uses the day before)"
               if result.freq == "W-FRI" else "")
            + f"; rolling statistics over {fmt.plural(result.window, per)}; a {per} is in a "
            f"falling or rising yield regime when {_key(result, 'yield')} moved more than "
            f"{result.regime_bp:g} bp over the trailing {fmt.plural(result.regime_periods, per)}")
    fed = getattr(result, "fed", None)
    if fed is not None:
        text += (f"; the Fed cycle from {fed.series} ({_long(result, 'fed')}), easing or "
                 f"tightening when its {fed.smooth_days}-day average moved more than {fed.bp:g} "
                 f"bp over {fmt.plural(fed.window_weeks, 'week')}")
    return text + "."


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
    is significant either way (with the non-overlapping periods of each horizon when the table
    has an ``independent`` column)."""
    t = table.dropna(subset=["slope_pct_per_100bp"]) if len(table) else table
    if t.empty:
        return "no sub-sample had enough data"

    def cell(i) -> str:
        text = f"{i} ({t.loc[i, 'slope_pct_per_100bp']:+.2f}, t {t.loc[i, 't_hac']:+.2f}"
        if "independent" in t.columns:
            text += f", {fmt.plural(int(t.loc[i, 'independent']), 'non-overlapping change')}"
        return text + ")"

    def listing(labels) -> str:
        return ", ".join(cell(i) for i in labels)

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
    per, t = result.period, result.by_horizon
    text = (f"**By horizon** (overlapping changes over h {per}s, slope in pp of h-{per} "
            f"relative return per +100 bp, Newey-West t with at least h lags): "
            f"{_split(t)}.")
    if "independent" not in t.columns or t.empty:
        return text
    longest = t.index[-1]
    return (text + f" Neighbouring h-{per} changes share h - 1 {per}s, so a horizon rests on "
            f"its non-overlapping changes (n / h), not on n: {longest} on "
            f"{fmt.plural(int(t.loc[longest, 'independent']), 'independent change')}, and only "
            "the HAC t, which allows for the overlap, is read.")


def _rolling(result) -> str:
    lt, sh, last = result.latest, result.rolling_shares, result.rolling_latest
    first = result.rolling["corr"].first_valid_index()
    return (f"**Rolling {result.window}-{result.period} window.** The correlation is now "
            f"{lt['corr_rolling_latest']:+.2f}, at the {_percentile(lt['corr_percentile'])} "
            f"percentile of its own history ({first:%Y} onwards); it has been negative "
            f"(the claimed sign) {fmt.share(sh['corr_negative'])} of the time and positive "
            f"{fmt.share(1 - sh['corr_negative'])}. The rolling beta is now "
            f"{last['beta']:+.2f} pp per +100 bp (band {last['beta_low']:+.2f} to "
            f"{last['beta_high']:+.2f}); its 95% band lay wholly below zero (significantly the "
            f"claimed sign) in {fmt.share(sh['beta_below_zero'])} of windows and wholly above "
            f"zero in {fmt.share(sh['beta_above_zero'])}."
            + _independent_windows(result, sh))


def _independent_windows(result, sh: dict) -> str:
    """The rolling windows as evidence: counted over the non-overlapping ones only."""
    k = sh.get("independent")
    if not k:
        return ""
    return (f" Neighbouring windows share all but one {result.period}, so those shares "
            f"describe, they do not count evidence: of the {k:,} non-overlapping "
            f"{result.window}-{result.period} windows (counting back from the last), "
            f"{sh['independent_below_zero']} had the band wholly below zero and "
            f"{sh['independent_above_zero']} wholly above.")


def _regimes(result) -> str:
    t, per, bp = result.regimes, result.period, f"{result.regime_bp:g}"
    desc = {"falling": f"yield down more than {bp} bp", "rising": f"yield up more than {bp} bp",
            "neutral": "neither"}

    def line(name: str) -> str:
        r = t.loc[name]
        if r["n"] == 0:
            return f"{name} ({desc[name]}): no periods"
        eps = (f" in {fmt.plural(int(r['episodes']), 'episode')}" if "episodes" in r.index
               else "")
        return (f"{name} ({desc[name]}): {r['mean_rel_return_pct']:+.3f} pp per {per}, small "
                f"caps ahead {fmt.share(r['hit_rate'])} of the time, t = {r['t']:+.2f}, "
                f"n = {int(r['n'])}{eps}")

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


def _names(items) -> str:
    items = list(items)
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _fed_slope_verdict(t: pd.DataFrame) -> str:
    """What the per-regime slopes say about the claim (a negative slope)."""
    sup = [_FED_WORD[r] for r in _FED if t.loc[r, "slope_verdict"] == "supports claim"]
    con = [_FED_WORD[r] for r in _FED if t.loc[r, "slope_verdict"] == "contradicts claim"]
    if con and not sup:
        every = ", whatever the Fed was doing" if len(con) == len(_FED) else ""
        return (f"**against the claim**: the slope is positive and significant in "
                f"{_names(con)}, so small caps did better when yields *rose*{every}")
    if sup and not con:
        return (f"**consistent with the claim**: the slope is negative and significant in "
                f"{_names(sup)}")
    if sup and con:
        return (f"**the regimes disagree**: a significant negative slope (the claim) in "
                f"{_names(sup)}, a significant positive one (against it) in {_names(con)}")
    return f"no regime shows a slope distinguishable from zero (|t| < {T_CRIT})"


def _fed_level(r: pd.Series, regime: str, per: str) -> str:
    if r["n"] == 0:
        return f"{_FED_WORD[regime]}: no {per}s"
    return (f"{_FED_WORD[regime]} {r['mean_rel_return_pct']:+.3f} pp (median "
            f"{r['median_rel_return_pct']:+.3f}, trimmed mean {r['trimmed_mean_pct']:+.3f}), "
            f"{r['excess_pp']:+.3f} pp against the average (95% interval "
            f"{r['excess_ci_low']:+.3f} to {r['excess_ci_high']:+.3f}, "
            f"{fmt.pvalue(r['excess_p_value'])})")


_LEVEL_WORDS = {
    ("easing", "supports claim"): "small caps did better than in the average labelled {per} "
                                  "while the Fed eased, as the claim says",
    ("easing", "contradicts claim"): "small caps did *worse* than in the average labelled {per} "
                                     "while the Fed eased, against the claim",
    ("tightening", "supports claim"): "small caps did worse than in the average labelled {per} "
                                      "while the Fed tightened, as the claim says",
    ("tightening", "contradicts claim"): "small caps did *better* than in the average labelled "
                                         "{per} while the Fed tightened, against the claim",
}


def _fed_level_verdict(t: pd.DataFrame, per: str) -> str:
    parts = []
    for regime in ("easing", "tightening"):
        v = t.loc[regime, "level_verdict"]
        default = (f"{regime}: no difference from the average labelled {per} that the data can "
                   "tell from chance (p >= 0.05)")
        parts.append(_LEVEL_WORDS.get((regime, v), default).format(per=per))
    return "; ".join(parts)


def _fed_flips(t: pd.DataFrame) -> str:
    bits = []
    for regime in _FED:
        for kind in ("slope", "level"):
            names = list(t.loc[regime, f"{kind}_flips"])
            if len(names) == 1:
                bits.append(f"removing the {regime} episode {names[0]} alone would change the "
                            f"{regime} {kind} verdict")
            elif names:
                bits.append(f"removing any one of the {regime} episodes {_names(names)} would "
                            f"by itself change the {regime} {kind} verdict")
    if not bits:
        return "No single episode carries a verdict: removing any one leaves each unchanged."
    return "Leave one episode out: " + "; ".join(bits) + "."


def _fed(result) -> str:
    fed = getattr(result, "fed", None)
    if fed is None:
        return ("**The Fed cycle.** Not measured: no fed funds series was loaded "
                "(`rates.analyze(..., fed_series=\"DFF\")`).")
    per, key, bp = result.period, fed.series, f"{fed.bp:g}"
    head = (f"**The Fed cycle** ({key}, the effective fed funds rate: its {fed.smooth_days}-day "
            f"average against the same average {fed.window_weeks} weeks earlier; easing when "
            f"it fell more than {bp} bp, tightening when it rose more than {bp} bp, on hold "
            "otherwise).")
    lab = fed.labels
    stale = ""
    if fed.stale:
        stale = (f" **{key} ends on {fed.data_end:%Y-%m-%d}**, before the sample does: the "
                 f"{fmt.plural(fed.unlabelled_after, per)} after it (to "
                 f"{result.sample.index[-1]:%Y-%m-%d}) have no label and are left out of this "
                 "section, not filled forward.")
    if lab.empty:
        return (f"{head}{stale} No {per} of the sample could be labelled ({key} runs from "
                f"{fed.data_start:%Y-%m-%d} to {fed.data_end:%Y-%m-%d}).")
    t, y = fed.table, _key(result, "yield")
    counts = "; ".join(f"{_FED_WORD[r]} {fmt.plural(int(t.loc[r, 'n']), per)} in "
                       f"{fmt.plural(int(t.loc[r, 'episodes']), 'episode')}" for r in _FED)
    slopes = ", ".join(f"{_FED_WORD[r]} {t.loc[r, 'slope_pct_per_100bp']:+.2f} (t "
                       f"{t.loc[r, 't_hac']:+.2f})" for r in _FED if t.loc[r, "n"] > 0)
    levels = "; ".join(_fed_level(t.loc[r], r, per) for r in _FED)
    latest = f"The latest labelled {per}, {lab.index[-1]:%Y-%m-%d}, is {_FED_WORD[lab.iloc[-1]]}."
    few = min(int(t.loc[r, "episodes"]) for r in ("easing", "tightening"))
    return (
        f"{head} {fmt.plural(len(lab), 'labelled ' + per)}, {lab.index[0]:%Y-%m-%d} to "
        f"{lab.index[-1]:%Y-%m-%d}: {counts}.{stale} {latest} "
        f"**Sensitivity.** Slope of the {_pair(result)} relative return on the {y} change per "
        f"regime, pp per +100 bp (Newey-West t): {slopes}: {_fed_slope_verdict(t)}. "
        f"**Level.** Mean relative return per {per} against the average of all labelled "
        f"{per}s ({fed.baseline_pct:+.3f} pp; block bootstrap, blocks of "
        f"{fmt.plural(fed.block, per)}): {levels}. The claim has small caps ahead while the "
        f"Fed eases and behind while it tightens: {_fed_level_verdict(t, per)}. "
        f"These figures rest on {fmt.plural(int(t.loc['easing', 'episodes']), 'easing episode')} "
        f"and {fmt.plural(int(t.loc['tightening', 'episodes']), 'tightening episode')}, not on "
        f"{len(lab):,} independent {per}s"
        + (": a handful of cycles, each of which can move the verdict. " if few < 10 else ". ")
        + _fed_flips(t)
    )


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


# ---- the brief: the verdicts on top of the page ----------------------------------------------

def brief(result) -> list[str]:
    """The page's brief: three to six Markdown sentences, each ending with a link to the
    section it summarises (:data:`HEADINGS`): the full-sample verdict on the claim with the
    slope (pp per +100 bp), its 95 % HAC band, t and the number of periods; its stability by
    decade and horizon; the yield regimes; the Fed cycle (when measured) and the latest week.
    Every sentence follows the numbers' sign and significance, so it reads true on any data.
    """
    out = [_brief_fit(result), _brief_split(result, "periods"),
           _brief_split(result, "horizons"), _brief_regimes(result)]
    fed = _brief_fed(result)
    if fed:
        out.append(fed)
    out.append(_brief_latest(result))
    return out[:6]


def _link(section: str) -> str:
    return " " + fmt.section_link(HEADINGS[section])


def _brief_fit(result) -> str:
    f, s, per = result.fit, result.sample, result.period
    y, pair = _key(result, "yield"), f"{_key(result, 'small')} minus {_key(result, 'large')}"
    claim = (f"the claim that {_key(result, 'small')} outperforms {_key(result, 'large')} when "
             f"{y} falls")
    if fmt.is_missing(f.slope):
        return f"Too few {result.adjective} changes to test {claim}." + _link("fit")
    basis = (f"over {fmt.plural(f.n, result.adjective + ' change')} ({s.index[0]:%Y-%m-%d} to "
             f"{s.index[-1]:%Y-%m-%d}) a +100 bp move in {y} went with **{fmt.pp(f.slope, 2)}** "
             f"of {pair} return per {per} (95% HAC band {fmt.pp(f.ci_low, 2)} to "
             f"{fmt.pp(f.ci_high, 2)}, {fmt.tstat(f.t_hac, 2)})")
    if f.significant and f.slope < 0:
        text = (f"**The data support {claim}**: {basis}, a negative slope significant at 5%; "
                f"yield changes explain {fmt.share(f.r_squared, 1)} of the variance.")
    elif f.significant:
        text = (f"**The data contradict {claim}**: {basis}; the claim needs a negative slope, "
                f"and this one is positive and significant at 5%.")
    else:
        text = (f"**No reliable link for {claim}**: {basis}; the band includes zero, so the "
                "slope cannot be told from chance.")
    return text + _link("fit")


def _brief_split(result, which: str) -> str:
    t = result.by_period if which == "periods" else result.by_horizon
    word = "decade" if which == "periods" else "horizon"
    prep = "in" if which == "periods" else "at"
    t = t.dropna(subset=["slope_pct_per_100bp"]) if len(t) else t
    if t.empty:
        return f"No {word} had enough data for its own slope." + _link(which)
    neg = [str(i) for i in t.index[t["slope_pct_per_100bp"] < 0]]
    pos = [str(i) for i in t.index[t["slope_pct_per_100bp"] >= 0]]
    sup = [str(i) for i in t.index[t["verdict"] == "supports claim"]]
    con = [str(i) for i in t.index[t["verdict"] == "contradicts claim"]]
    n = len(t)
    every = (f"{prep} the only {word}" if n == 1 else f"{prep} both {word}s" if n == 2
             else f"{prep} all {n} {word}s")
    if not neg:
        head = f"The slope is positive (against the claim) {every}"
    elif not pos:
        head = f"The slope is negative (the claimed sign) {every}"
    else:
        head = (f"The sign changes across {word}s: negative (the claimed sign) in "
                f"{_names(neg)}, positive in {_names(pos)}")
    sig = []
    if sup:
        sig.append(f"significantly negative {prep} {_names(sup)}")
    if con:
        sig.append(f"significantly positive {prep} {_names(con)}")
    text = head + (f"; {' and '.join(sig)}" if sig else "; significant in none")
    if which == "horizons" and "independent" in t.columns:
        last = t.index[-1]
        text += (f"; the longest, {last}, rests on "
                 f"{fmt.plural(int(t.loc[last, 'independent']), 'non-overlapping change')} "
                 f"({fmt.pp(t.loc[last, 'slope_pct_per_100bp'], 2)} per +100 bp, "
                 f"{fmt.tstat(t.loc[last, 't_hac'], 2)})")
    return text + "." + _link(which)


def _brief_regimes(result) -> str:
    t, per, bp = result.regimes, result.period, f"{result.regime_bp:g}"
    spread = result.regime_spread
    diff, tdiff = spread["diff_pp"], spread["t"]
    y = _key(result, "yield")
    if fmt.is_missing(diff):
        return (f"Too few {per}s with {y} falling or rising by more than {bp} bp over "
                f"{result.regime_periods} {per}s to compare the regimes." + _link("regimes"))
    fa, ri = t.loc["falling"], t.loc["rising"]
    eps = ""
    if "episodes" in t.columns:
        eps = (f", {fmt.plural(int(fa['episodes']), 'falling episode')} and "
               f"{fmt.plural(int(ri['episodes']), 'rising episode')}")
    significant = not fmt.is_missing(tdiff) and abs(tdiff) >= T_CRIT
    side = "the claimed sign" if diff > 0 else "against the claim"
    verdict = f"{side}, {'significant' if significant else 'not significant'}"
    return (f"With {y} down more than {bp} bp over {result.regime_periods} {per}s, "
            f"{_key(result, 'small')} gained {fmt.pp(fa['mean_rel_return_pct'], 3)} per {per} "
            f"on {_key(result, 'large')}, against {fmt.pp(ri['mean_rel_return_pct'], 3)} with "
            f"{y} up as much: a difference of {fmt.pp(diff, 3)} ({fmt.tstat(tdiff, 2)}{eps}; "
            f"{verdict})." + _link("regimes"))


_LEVEL_BRIEF = {"supports claim": "as the claim says", "contradicts claim": "against the claim"}


def _brief_fed(result) -> str | None:
    fed = getattr(result, "fed", None)
    if fed is None:
        return None
    if fed.labels.empty:
        return (f"No {result.period} could be labelled by the Fed cycle ({fed.series} "
                f"{fed.data_start:%Y-%m-%d} to {fed.data_end:%Y-%m-%d})." + _link("fed"))
    t, per = fed.table, result.period
    e = t.loc["easing"]
    slopes = _fed_slope_verdict(t).replace("**", "")
    if e["n"] == 0 or fmt.is_missing(e["excess_pp"]):
        level = f"no {per} was labelled easing"
    else:
        ahead = "ahead of" if e["excess_pp"] > 0 else "behind"
        words = _LEVEL_BRIEF.get(e["level_verdict"], "a difference chance can produce")
        level = (f"while the Fed eased, {_key(result, 'small')} ran "
                 f"{fmt.pp(abs(e['excess_pp']), 3, signed=False)} per {per} {ahead} the "
                 f"average labelled {per} (95% CI {fmt.pp(e['excess_ci_low'], 3)} to "
                 f"{fmt.pp(e['excess_ci_high'], 3)}, {fmt.pvalue(e['excess_p_value'])}, "
                 f"{fmt.plural(int(e['episodes']), 'easing episode')}): {words}")
    return (f"Through the Fed cycle ({fed.series}): {slopes}; {level}." + _link("fed"))


def _brief_latest(result) -> str:
    lt = result.latest
    y = _key(result, "yield")
    rr, d1 = lt["relative_return_1w_pct"], lt["yield_change_1w_bp"]
    who = (f"{_key(result, 'small')} beat {_key(result, 'large')}" if rr >= 0 else
           f"{_key(result, 'small')} trailed {_key(result, 'large')}")
    stale = (f" (its latest value is from {lt['yield_date']:%Y-%m-%d})" if _stale(lt) else "")
    return (f"As of {lt['date']:%Y-%m-%d}, {y} is at {lt['yield_last']:.2f}%{stale}, "
            f"{fmt.bp(d1)} on the week; {who} by {fmt.pp(abs(rr), 2, signed=False)} over the "
            f"week, and the rolling {result.window}-{result.period} correlation is "
            f"{lt['corr_rolling_latest']:+.2f} ({_percentile(lt['corr_percentile'])} "
            "percentile of its history)." + _link("latest"))
