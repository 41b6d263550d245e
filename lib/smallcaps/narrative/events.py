"""Prose of the divergence study (notebook 05): the event rule, the events, the test against
the unconditional drift with its verdict, the post-event paths, the latest state, and the
threshold and standard-deviation variants.

Reads a :class:`smallcaps.events.DivergenceStudy` or a :class:`smallcaps.events.Variants` by
their attributes only (this module never imports :mod:`smallcaps.events`).
"""

from __future__ import annotations

from typing import Any

from smallcaps import fmt
from smallcaps.errors import ParameterError

__all__ = ["SECTIONS", "VARIANT_SECTIONS", "read", "short_rule"]

#: Sections of a study's reading, in the order of the full reading.
SECTIONS = ("rule", "events", "test", "paths_small", "paths_spread", "latest")
#: The one section of a variants reading: ``"sensitivity"`` (thresholds) or ``"methods"``.
VARIANT_SECTIONS = ("sensitivity", "methods")

_METHOD_NAMES = {"expanding": "expanding (no look-ahead)", "rolling": "rolling (no look-ahead)",
                 "full": "full-sample (in-sample, look-ahead)"}
_CLAIMS = {"up": "small caps stay strong after they surge past large caps",
           "down": "small caps rebound after they fall behind large caps",
           "both": "small caps beat their drift after extreme divergences"}


def read(result: Any, section: str | None = None) -> str:
    """Markdown prose about a divergence study or its variants.

    Parameters
    ----------
    result : DivergenceStudy or Variants
    section : str, optional
        For a study one of :data:`SECTIONS`; for variants its name (``"sensitivity"`` for
        thresholds, ``"methods"`` for standard-deviation methods).  None: the whole reading.

    Raises
    ------
    ParameterError
        For a section the result does not have, naming the valid ones.
    """
    if getattr(result, "by", None) is not None:
        valid = (result.name,)
        writers = {"sensitivity": _sensitivity, "methods": _methods}
    else:
        valid = SECTIONS
        writers = {"rule": _rule, "events": _events, "test": _test,
                   "paths_small": lambda r: _paths(r, "small"),
                   "paths_spread": lambda r: _paths(r, "spread"), "latest": _latest}
    if section is None:
        return "\n\n".join(writers[s](result) for s in valid)
    if section not in valid:
        raise ParameterError(f"unknown section {section!r} of the events reading; valid: "
                             f"{', '.join(valid)}")
    return writers[section](result)


# ----------------------------------------------------------------------------------------------
# the rule
# ----------------------------------------------------------------------------------------------

def _label(p: dict) -> str:
    """``"RUT − SPX 5-day spread"``."""
    return f"{p['small']} − {p['large']} {p['horizon_days']}-day spread"


def _where(p: dict) -> str:
    s = fmt.sigma(p["sigma"])
    return {"up": f"above +{s}", "down": f"below −{s}", "both": f"beyond ±{s}"}[p["direction"]]


def short_rule(result: Any) -> str:
    """The event rule in a few words (chart titles), e.g. ``"RUT − SPX 5-day spread above +3σ
    (expanding sd)"``; ``result`` is anything with the study's ``params``."""
    p = result.params
    how = {"expanding": "expanding sd", "rolling": f"rolling {p['std_window']}-day sd",
           "full": "full-sample sd, IN-SAMPLE"}[p["std_method"]]
    return f"{_label(p)} {_where(p)} ({how})"


def _event_rule(p: dict) -> str:
    how = {"expanding": "expanding standard deviation of earlier days only, no look-ahead",
           "rolling": f"rolling {p['std_window']}-day standard deviation of earlier days, no "
                      "look-ahead",
           "full": "full-sample standard deviation: IN-SAMPLE, uses later data "
                   "(look-ahead)"}[p["std_method"]]
    return (f"{_label(p)} {_where(p)} ({how}; declustered over {p['decluster_days']} trading "
            "days)")


def _rule(study) -> str:
    return f"Event rule: {_event_rule(study.params)}."


# ----------------------------------------------------------------------------------------------
# the events
# ----------------------------------------------------------------------------------------------

def _events(study) -> str:
    """How many events, when, how large, and how long the clusters lasted."""
    ev = study.events
    q = study.qualifying
    if q.empty:
        return "No z-score: the data are shorter than the warm-up period."
    n_days = int(q.sum())
    text = (f"{n_days} of {len(q)} trading days ({n_days / len(q):.2%}) had the "
            f"{short_rule(study)}; declustered, they form **{fmt.plural(len(ev), 'event')}**.")
    if ev.empty:
        return text
    peak = ev["peak_z"].abs().idxmax()
    years = (q.index[-1] - q.index[0]).days / 365.25
    text += (f" First {ev.index[0]:%Y-%m-%d}, last {ev.index[-1]:%Y-%m-%d}; about "
             f"{len(ev) / years * 10:.1f} per decade. The most extreme cluster began "
             f"{peak:%Y-%m-%d} and peaked at z = {ev.loc[peak, 'peak_z']:+.2f}. A cluster "
             f"lasted {ev['cluster_days'].median():.0f} qualifying day(s) at the median "
             f"(longest {int(ev['cluster_days'].max())}).")
    return text


# ----------------------------------------------------------------------------------------------
# the test and its verdict
# ----------------------------------------------------------------------------------------------

def _test(study) -> str:
    """How many events; whether the small-cap return after events beat the unconditional drift
    at each horizon, by how much (pp), with the 95 % bootstrap interval and whether the
    difference is significant at the study's ``alpha``; then a verdict on the claim."""
    p = study.params
    alpha = study.alpha
    t = study.table.loc["small"]
    ts = study.table.loc["spread"]
    n_ev = len(study.events)
    z_days = study.signal["z"].dropna()
    span = f"{z_days.index[0]:%Y-%m-%d} to {study.asof:%Y-%m-%d}" if len(z_days) else "n/a"
    lines = [f"**{fmt.plural(n_ev, 'event')}** of the {_event_rule(p)}, {span}."]
    if p["std_method"] == "full":
        lines.append("*Caution: in-sample threshold. The standard deviation uses data after "
                     "each event, which no analyst had at the time.*")
    if n_ev == 0:
        lines.append("No event to study: nothing can be said about what followed.")
        return "\n\n".join(lines)
    bullets = []
    sig_pos, sig_neg, pos_h, neg_h, tested = [], [], [], [], []
    for h in t.index:
        r = t.loc[h]
        n = int(r["n_events"])
        if n == 0:
            bullets.append(f"- **{h} days:** no event has a complete {h}-day window yet.")
            continue
        diff = r["diff_pp"]
        above = diff > 0
        (pos_h if above else neg_h).append(h)
        if n >= study.min_events_to_test and not fmt.is_missing(r["p_value"]):
            tested.append(h)
            significant = r["p_value"] < alpha
            if significant:
                (sig_pos if above else sig_neg).append(h)
            verdict = (f"{'significant' if significant else 'not significant'} at "
                       f"{alpha:.0%} ({fmt.pvalue(r['p_value'])}, 95% CI "
                       f"{fmt.pp(r['ci_low_pp'])} to {fmt.pp(r['ci_high_pp'])})")
        else:
            verdict = f"too few events (n = {n}) to test"
        bullets.append(
            f"- **{h} days:** {p['small']} {fmt.pct(r['mean_pct'])} on average after events "
            f"(median {fmt.pct(r['median_pct'])}, up in {r['hit_rate']:.0%} of {n}) vs "
            f"{fmt.pct(r['base_mean_pct'])} on all days: "
            f"{fmt.pp(abs(diff), signed=False)} {'above' if above else 'below'} the "
            f"drift, {verdict}. Relative to {p['large']} after events: "
            f"{fmt.pp(ts.loc[h, 'mean_pct'])} (all days {fmt.pp(ts.loc[h, 'base_mean_pct'])})."
        )
    lines.append("\n".join(bullets))
    lines.append(_verdict(p, sig_pos, sig_neg, pos_h, neg_h, tested, alpha))
    return "\n\n".join(lines)


def _days(horizons) -> str:
    return ", ".join(f"{h}" for h in horizons) + " days"


def _verdict(p: dict, sig_pos, sig_neg, pos_h, neg_h, tested, alpha: float) -> str:
    small = p["small"]
    claim = _CLAIMS[p["direction"]]
    if not tested:
        return (f"**Verdict:** too few events to test whether {small} beats its "
                "unconditional drift after these divergences.")
    if sig_pos and not sig_neg:
        where = " at those horizons" if len(sig_pos) < len(tested) else ""
        return (f"**Verdict:** after these divergences {small} beat its unconditional drift "
                f"significantly at {_days(sig_pos)}; the data support the claim that "
                f"{claim}{where}.")
    if sig_neg and not sig_pos:
        return (f"**Verdict:** after these divergences {small} did significantly *worse* "
                f"than its unconditional drift at {_days(sig_neg)}; the data contradict the "
                f"claim that {claim}.")
    if sig_pos and sig_neg:
        return (f"**Verdict:** mixed: significantly above the drift at {_days(sig_pos)}, "
                f"significantly below at {_days(sig_neg)}.")
    if not neg_h:
        return (f"**Verdict:** {small} did better than its drift after events at every "
                f"horizon, but no difference is significant at {alpha:.0%}: the gap is "
                f"within what chance produces, so the data do not confirm that {claim}.")
    if not pos_h:
        return (f"**Verdict:** {small} did worse than its drift after events at every "
                f"horizon, though not significantly at {alpha:.0%}; the data do not support "
                f"the claim that {claim}.")
    return (f"**Verdict:** above the drift at {_days(pos_h)}, below at {_days(neg_h)}, none "
            f"significant at {alpha:.0%}: no evidence either way on the claim that {claim}.")


# ----------------------------------------------------------------------------------------------
# paths and the latest state
# ----------------------------------------------------------------------------------------------

def _paths(study, which: str) -> str:
    """Where the average post-event path ends against the baseline path."""
    if study.events.empty:
        return "No event, so no path after events to compare with the baseline."
    p = study.params
    path = study.paths(which)
    num = fmt.pct if which == "small" else fmt.pp
    what = p["small"] if which == "small" else f"{p['small']} minus {p['large']}"
    end = path.index.max()
    r = path.loc[end]
    if fmt.is_missing(r["event_mean"]):
        return f"No event has run {end} trading days yet."
    inside = r["band_low"] <= r["baseline"] <= r["band_high"]
    return (f"After {end} trading days the average path of {what} after events stands at "
            f"{num(r['event_mean'])} (n = {int(r['n_events'])}) against "
            f"{num(r['baseline'])} for all days; the baseline is "
            f"{'inside' if inside else 'outside'} the ±1.96 s.e. band "
            f"({num(r['band_low'])} to {num(r['band_high'])}).")


def _latest(study) -> str:
    """The latest spread and z-score, and how far the last event's windows ran."""
    lt = study.latest
    z = lt["z"]
    if fmt.is_missing(z):
        ztxt = "no z-score yet (warm-up)"
    else:
        ztxt = (f"z = {z:+.2f}, {'beyond' if lt['beyond'] else 'inside'} the "
                f"{fmt.sigma(study.params['sigma'])} threshold")
    text = (f"As of **{lt['date']:%Y-%m-%d}** the {_label(study.params)} is "
            f"**{fmt.pp(lt['spread_pct'], 2)}** ({ztxt}).")
    le = study.latest_event
    if le is None:
        return text + " There has been no event."
    done = [h for h, w in le["windows"].items() if w["complete"]]
    running = [(h, w) for h, w in le["windows"].items() if not w["complete"]]
    text += (f" The most recent event was on **{le['date']:%Y-%m-%d}** (z = {le['z']:+.2f}), "
             f"{le['days_since']} trading days ago; {study.params['small']} is "
             f"{fmt.pct(le['return_to_date_pct'])} since its close.")
    if done:
        text += " Complete windows: " + ", ".join(
            f"{h} days {fmt.pct(le['windows'][h]['return_pct'])}" for h in done) + "."
    if running:
        text += " Still running: " + ", ".join(
            f"{h}-day window at day {w['days_elapsed']} of {h}" for h, w in running) + "."
    return text


# ----------------------------------------------------------------------------------------------
# variants
# ----------------------------------------------------------------------------------------------

def _sensitivity(v) -> str:
    """Does the sign of the event-minus-baseline difference hold across thresholds, and is it
    significant anywhere?"""
    table, alpha = v.table, v.alpha
    parts = []
    for h in v.horizons:
        col = f"diff_{h}d_pp"
        if col not in table:
            continue
        d = table[col].dropna()
        if d.empty:
            parts.append(f"{h} days: no complete window at any threshold")
            continue
        n_sig = int((table.loc[d.index, f"p_{h}d"] < alpha).sum())
        sign = ("above the drift at every threshold" if (d > 0).all() else
                "below the drift at every threshold" if (d < 0).all() else
                "changes sign across thresholds")
        parts.append(f"{h} days: {sign} ({fmt.pp(d.min())} to {fmt.pp(d.max())}), "
                     f"significant at {alpha:.0%} for {n_sig} of {len(d)} thresholds")
    counts = ", ".join(f"{int(n)} at {fmt.sigma(s)}" for s, n in table["n_events"].items())
    what = "the small-cap index" if v.which == "small" else "the spread"
    return (f"Events by threshold: {counts}. Event mean minus baseline for {what}: "
            + "; ".join(parts) + ".")


def _methods(v) -> str:
    """The standard-deviation methods compared at the longest horizon, and how many events the
    in-sample version adds or drops."""
    table, alpha = v.table, v.alpha
    h = max(v.horizons)
    parts = []
    for m, r in table.iterrows():
        name = _METHOD_NAMES.get(m, m)
        diff, p = r.get(f"diff_{h}d_pp"), r.get(f"p_{h}d")
        if fmt.is_missing(diff):
            parts.append(f"{name}: {int(r['n_events'])} events, no complete {h}-day window")
            continue
        sig = ("not tested" if fmt.is_missing(p) else
               f"{'significant' if p < alpha else 'not significant'} ({fmt.pvalue(p)})")
        parts.append(f"{name}: {int(r['n_events'])} events, {fmt.pp(diff)} vs the drift at "
                     f"{h} days, {sig}")
    text = "By standard-deviation method: " + "; ".join(parts) + "."
    if {"full", "expanding"} <= set(table.index):
        nf, ne = int(table.loc["full", "n_events"]), int(table.loc["expanding", "n_events"])
        if nf != ne:
            k = abs(nf - ne)
            text += (f" Standardising with the whole sample gives {k} "
                     f"{'more' if nf > ne else 'fewer'} event{'s' if k != 1 else ''} than "
                     "using only earlier data: a study that does so selects events with "
                     "information from after them.")
        else:
            text += " Both give the same number of events."
    return text
