"""Prose of the event studies (notebook 05 and any dated signal): the event rule, the events,
the test of the excess over the unconditional drift with its verdict, the robustness checks
(median, trimmed mean, leave-one-out), the post-event paths, the latest state, and the
threshold and standard-deviation variants.

Reads a :class:`smallcaps.events.DivergenceStudy`, a :class:`smallcaps.events.EventStudy` or a
:class:`smallcaps.events.Variants` by their attributes only (this module never imports
:mod:`smallcaps.events`).  Every verdict comes from the excess over the all-days mean and its
block-bootstrap test, and says how many independent (non-overlapping) episodes it rests on.
"""

from __future__ import annotations

from typing import Any

from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.stats import Q_LEVEL

__all__ = ["SECTIONS", "EVENT_SECTIONS", "VARIANT_SECTIONS", "HEADINGS", "read", "brief",
           "short_rule"]

#: The notebook's section headings the brief links to (``## <heading>`` in notebook 05).
HEADINGS = {"test": "What followed the events", "robustness": "Robustness",
            "spread": "The spread after events", "latest": "The latest reading",
            "sensitivity": "Sensitivity to the threshold"}

#: Sections of a divergence study's reading, in the order of the full reading.
SECTIONS = ("rule", "events", "test", "robustness", "paths_small", "paths_spread", "latest")
#: Sections of a generic event study's reading.
EVENT_SECTIONS = ("test", "robustness", "paths")
#: The one section of a variants reading: ``"sensitivity"`` (thresholds) or ``"methods"``.
VARIANT_SECTIONS = ("sensitivity", "methods")
#: Most events named one by one in a leave-one-out sentence.
MAX_NAMED = 3

_METHOD_NAMES = {"expanding": "expanding (no look-ahead)", "rolling": "rolling (no look-ahead)",
                 "full": "full-sample (in-sample, look-ahead)"}
_CLAIMS = {"up": "small caps stay strong after they surge past large caps",
           "down": "small caps rebound after they fall behind large caps",
           "both": "small caps beat their drift after extreme divergences"}
_SIDES = {"significantly above": "significantly above the drift",
          "above": "above the drift (not significant)",
          "below": "below the drift (not significant)",
          "significantly below": "significantly below the drift", "n/a": "not measurable"}
#: The same without the significance note (where the numbers follow).
_SHORT = {k: v.replace(" (not significant)", "") for k, v in _SIDES.items()}


def read(result: Any, section: str | None = None) -> str:
    """Markdown prose about a divergence study, an event study or variants.

    Parameters
    ----------
    result : DivergenceStudy, EventStudy or Variants
    section : str, optional
        For a divergence study one of :data:`SECTIONS`; for an event study one of
        :data:`EVENT_SECTIONS`; for variants its name (``"sensitivity"`` for thresholds,
        ``"methods"`` for standard-deviation methods).  None: the whole reading.

    Raises
    ------
    ParameterError
        For a section the result does not have, naming the valid ones.
    """
    if getattr(result, "by", None) is not None:
        valid = (result.name,)
        writers = {"sensitivity": _sensitivity, "methods": _methods}
    elif not hasattr(result, "signal"):
        valid = EVENT_SECTIONS
        writers = {"test": _event_test, "robustness": _event_robustness,
                   "paths": _event_paths}
    else:
        valid = SECTIONS
        writers = {"rule": _rule, "events": _events, "test": _test,
                   "robustness": _robustness,
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
# shared pieces: independent observations, leave-one-out, one horizon's bullet, the verdict
# ----------------------------------------------------------------------------------------------

def _days(horizons) -> str:
    return ", ".join(f"{h}" for h in horizons) + " days"


def _and(items, word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _basis(t) -> str:
    """``"23 events, which form 23, 21, 17 and 11 non-overlapping episodes at 21, 63, 126 and
    252 days"``: how many independent observations the statistics rest on."""
    rows = t[t["n_events"] > 0]
    if rows.empty:
        return "no event with a complete window"
    n = int(rows["n_events"].max())
    eps = _and([str(int(e)) for e in rows["episodes"]])
    hs = _and([str(h) for h in rows.index])
    one = len(rows) == 1 and int(rows["episodes"].iloc[0]) == 1
    return (f"{fmt.plural(n, 'event')}, which form {eps} non-overlapping "
            f"{'episode' if one else 'episodes'} at {hs} days")


def _longest_episodes(t) -> str:
    """``"11 non-overlapping 252-day episodes"`` at the longest horizon with an event."""
    rows = t[t["n_events"] > 0]
    if rows.empty:
        return ""
    h = rows.index.max()
    return fmt.plural(int(rows.loc[h, "episodes"]), f"non-overlapping {h}-day episode")


def _q(q) -> str:
    """``"q = 0.12"`` (a Benjamini-Hochberg q-value, written like a p-value)."""
    return "q = n/a" if fmt.is_missing(q) else fmt.pvalue(q).replace("p", "q", 1)


def _named(flips, num, word: str = "and") -> str:
    return _and([f"{x['date']:%Y-%m-%d} ({num(x['value_pct'])})" for x in flips], word)


def _loo_clause(flips, r, num) -> str:
    """What the leave-one-out check says about one horizon, for a bullet ("" when no single
    event carries the verdict)."""
    if not flips:
        return ""
    if len(flips) == 1:
        x = flips[0]
        return (f" This rests on one event: without {_named(flips, num)} the mean is "
                f"{num(x['mean_pct'])}, {fmt.pp(abs(x['diff_pp']), signed=False)} "
                f"{_SHORT[x['verdict']]} ({fmt.pvalue(x['p_value'])}).")
    if len(flips) <= MAX_NAMED:
        return (f" Removing any one of {_named(flips, num, 'or')} alone turns it "
                f"{_and(sorted({_SIDES[x['verdict']] for x in flips}), 'or')}.")
    return (f" Removing any one of {len(flips)} events alone turns the verdict: the excess "
            f"({fmt.pp(r['diff_pp'])}) is too close to zero for its sign to mean anything.")


def _bullet(h, r, flips, name: str, num, min_events: int, alpha: float) -> tuple[str, bool]:
    """One horizon's bullet and whether it was tested."""
    n = int(r["n_events"])
    if n == 0:
        return f"- **{h} days:** no event has a complete {h}-day window yet.", False
    diff = r["diff_pp"]
    tested = n >= min_events and not fmt.is_missing(r["p_value"])
    if tested:
        significant = r["p_value"] < alpha
        verdict = (f"{'significant' if significant else 'not significant'} at "
                   f"{alpha:.0%} ({fmt.pvalue(r['p_value'])}, {_q(r['q'])}, 95% CI "
                   f"{fmt.pp(r['ci_low_pp'])} to {fmt.pp(r['ci_high_pp'])})")
    else:
        verdict = f"too few events (n = {n}) to test"
    eps = int(r["episodes"])
    text = (f"- **{h} days** ({fmt.plural(n, 'event')}, {eps} non-overlapping "
            f"{'episode' if eps == 1 else 'episodes'}): {name} {num(r['mean_pct'])} on average "
            f"after events (median {num(r['median_pct'])}, up in {r['hit_rate']:.0%}) vs "
            f"{num(r['base_mean_pct'])} on all days (median {num(r['base_median_pct'])}): "
            f"{fmt.pp(abs(diff), signed=False)} {'above' if diff > 0 else 'below'} the drift, "
            f"{verdict}.")
    if tested:
        text += _loo_clause(flips, r, num)
    return text, tested


def _weak(h, r, flips: dict) -> str:
    """Why a significant excess at horizon ``h`` is not firm ("" when it is): one event
    carries it, or it does not survive the false-discovery control across horizons."""
    reasons = []
    if flips.get(h):
        reasons.append("a single event carries it")
    if fmt.is_missing(r["q"]) or r["q"] > Q_LEVEL:
        reasons.append(f"it does not survive a {Q_LEVEL:.0%} false-discovery rate across the "
                       f"horizons ({_q(r['q'])})")
    return f"at {h} days {' and '.join(reasons)}" if reasons else ""


def _verdict(name: str, claim: str | None, t, flips: dict, tested, alpha: float) -> str:
    """The verdict on the excess over the drift: significant at ``alpha``, and firm when no
    single event carries it and it survives the false-discovery control across horizons;
    then which events carry a verdict and how many independent episodes it rests on."""
    if not tested:
        what = f"whether {name} beats its unconditional drift after these events"
        return f"**Verdict:** too few events to test {what}."
    rows = t.loc[tested]
    sig_pos = [h for h in tested if rows.loc[h, "verdict"] == "significantly above"]
    sig_neg = [h for h in tested if rows.loc[h, "verdict"] == "significantly below"]
    pos_h = [h for h in tested if rows.loc[h, "diff_pp"] > 0]
    neg_h = [h for h in tested if rows.loc[h, "diff_pp"] <= 0]
    weak = {h: _weak(h, rows.loc[h], flips) for h in sig_pos + sig_neg}
    firm_pos = [h for h in sig_pos if not weak[h]]
    firm_neg = [h for h in sig_neg if not weak[h]]
    why = "; ".join(w for w in weak.values() if w)
    about = f"the claim that {claim}" if claim else "a lasting effect of these events"
    if sig_pos and not sig_neg:
        where = " at those horizons" if len(firm_pos) < len(tested) else ""
        text = (f"after these events {name} beat its unconditional drift significantly at "
                f"{_days(sig_pos)}")
        text += (f"; the data support {about}{where}." if firm_pos else
                 f", but not firmly ({why}); the data do not firmly support {about}.")
        if firm_pos and why:
            text += f" Not firm {why}."
    elif sig_neg and not sig_pos:
        text = (f"after these events {name} did significantly *worse* than its unconditional "
                f"drift at {_days(sig_neg)}")
        text += (f"; the data contradict {about}." if firm_neg else
                 f", but not firmly ({why}); the data do not firmly contradict {about}.")
        if firm_neg and why:
            text += f" Not firm {why}."
    elif sig_pos and sig_neg:
        text = (f"mixed: significantly above the drift at {_days(sig_pos)}, significantly "
                f"below at {_days(sig_neg)}.")
    elif not neg_h:
        text = (f"{name} did better than its drift after events at every horizon, but no "
                f"difference is significant at {alpha:.0%}: the gap is within what chance "
                f"produces, so the data do not confirm {about}.")
    elif not pos_h:
        text = (f"{name} did worse than its drift after events at every horizon, though not "
                f"significantly at {alpha:.0%}; the data do not support {about}.")
    else:
        text = (f"above the drift at {_days(pos_h)}, below at {_days(neg_h)}, none "
                f"significant at {alpha:.0%}: no evidence either way on {about}.")
    carried = []
    for h in tested:
        named = flips.get(h, [])
        if 0 < len(named) <= MAX_NAMED:
            dates = _and([f"{x['date']:%Y-%m-%d}" for x in named], "or")
            carried.append(f"{h} days ({dates})")
        elif named:
            carried.append(f"{h} days (any one of {len(named)} events)")
    if carried:
        text += f" Removing a single event changes the verdict at {_and(carried)}."
    return f"**Verdict:** {text} Independent observations: {_basis(t)}."


# ----------------------------------------------------------------------------------------------
# the events
# ----------------------------------------------------------------------------------------------

def _events(study) -> str:
    """How many events, when, how large, how long the clusters lasted, and how many
    independent episodes they form."""
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
    t = study.table.loc["small"]
    rows = t[t["n_events"] > 0]
    if not rows.empty:
        h = rows.index.max()
        text += (f" Their windows overlap: the {int(rows.loc[h, 'n_events'])} with a complete "
                 f"{h}-day window form {_longest_episodes(t)}, the number of independent "
                 f"observations a {h}-day statement rests on.")
    return text


# ----------------------------------------------------------------------------------------------
# the test and its verdict
# ----------------------------------------------------------------------------------------------

def _test(study) -> str:
    """How many events and episodes; whether the small-cap return after events beat the
    unconditional drift at each horizon, by how much (pp), with the 95 % bootstrap interval,
    whether the excess is significant at the study's ``alpha`` and whether one event carries
    it; then a verdict on the claim."""
    p = study.params
    alpha = study.alpha
    t = study.table.loc["small"]
    ts = study.table.loc["spread"]
    flips = study.small_study.loo
    n_ev = len(study.events)
    z_days = study.signal["z"].dropna()
    span = f"{z_days.index[0]:%Y-%m-%d} to {study.asof:%Y-%m-%d}" if len(z_days) else "n/a"
    eps = _longest_episodes(t)
    lines = [f"**{fmt.plural(n_ev, 'event')}**{f' ({eps})' if eps else ''} of the "
             f"{_event_rule(p)}, {span}."]
    if p["std_method"] == "full":
        lines.append("*Caution: in-sample threshold. The standard deviation uses data after "
                     "each event, which no analyst had at the time.*")
    if n_ev == 0:
        lines.append("No event to study: nothing can be said about what followed.")
        return "\n\n".join(lines)
    bullets, tested = [], []
    for h in t.index:
        text, was_tested = _bullet(h, t.loc[h], flips.get(h, []), p["small"], fmt.pct,
                                   study.min_events_to_test, alpha)
        if was_tested:
            tested.append(h)
        if int(t.loc[h, "n_events"]) > 0:
            text += (f" Relative to {p['large']} after events: {fmt.pp(ts.loc[h, 'mean_pct'])} "
                     f"(all days {fmt.pp(ts.loc[h, 'base_mean_pct'])}).")
        bullets.append(text)
    lines.append("\n".join(bullets))
    lines.append(_verdict(p["small"], _CLAIMS[p["direction"]], t, flips, tested, alpha))
    return "\n\n".join(lines)


def _event_test(result) -> str:
    """The test section of a generic event study."""
    p = result.params
    t = result.table
    num = fmt.pct if p["unit"] == "%" else fmt.pp
    name = p["name"] if p["benchmark"] is None else f"{p['name']} minus {p['benchmark']}"
    n_ev = len(result.dates)
    eps = _longest_episodes(t)
    head = f"**{fmt.plural(n_ev, 'event')}**{f' ({eps})' if eps else ''}"
    if n_ev == 0:
        return f"{head}: nothing can be said about what followed."
    lines = [f"{head}, {result.dates[0]:%Y-%m-%d} to {result.dates[-1]:%Y-%m-%d}; data to "
             f"{result.asof:%Y-%m-%d}."]
    bullets, tested = [], []
    for h in t.index:
        text, was_tested = _bullet(h, t.loc[h], result.loo.get(h, []), name, num,
                                   result.min_events_to_test, result.alpha)
        bullets.append(text)
        if was_tested:
            tested.append(h)
    lines.append("\n".join(bullets))
    lines.append(_verdict(name, None, t, result.loo, tested, result.alpha))
    return "\n\n".join(lines)


# ----------------------------------------------------------------------------------------------
# robustness: median, trimmed mean, leave-one-out
# ----------------------------------------------------------------------------------------------

def _compare(t, col: str, base: str, what: str) -> str:
    """``"below the all-days median at 63, 126 days and above it at 21 days"``."""
    above = [h for h in t.index if t.loc[h, col] > t.loc[h, base]]
    below = [h for h in t.index if t.loc[h, col] <= t.loc[h, base]]
    if not above:
        return f"below the all-days {what} at every horizon"
    if not below:
        return f"above the all-days {what} at every horizon"
    return f"below the all-days {what} at {_days(below)} and above it at {_days(above)}"


def _loo_sentence(h, r, flips, num) -> str:
    if len(flips) == 1:
        x = flips[0]
        return (f"at {h} days the excess ({fmt.pp(r['diff_pp'])}) is {_SIDES[r['verdict']]} "
                f"only because of {_named(flips, num)}: without it the mean is "
                f"{num(x['mean_pct'])} against {num(r['base_mean_pct'])} on all days, "
                f"{_SIDES[x['verdict']]}, and the median after events "
                f"({num(x['median_pct'])}) is "
                f"{'above' if x['median_pct'] > r['base_median_pct'] else 'below'} the "
                f"all-days median ({num(r['base_median_pct'])})")
    if len(flips) <= MAX_NAMED:
        return (f"at {h} days the excess ({fmt.pp(r['diff_pp'])}) is {_SIDES[r['verdict']]}, "
                f"but removing any one of {_named(flips, num, 'or')} alone turns it "
                f"{_and(sorted({_SHORT[x['verdict']] for x in flips}), 'or')} (mean without "
                f"it {_and([num(x['mean_pct']) for x in flips], 'or')})")
    return (f"at {h} days removing any one of {len(flips)} events alone turns the excess "
            f"({fmt.pp(r['diff_pp'])}): it is too close to zero for its sign to mean anything")


def _robust_text(name: str, t, flips: dict, num) -> str:
    rows = t[t["n_events"] > 0]
    if rows.empty:
        return "No event with a complete window: nothing to check."
    h = rows.index.max()
    r = rows.loc[h]
    text = (f"**Robustness** ({name}, after events against all days). The median after "
            f"events is {_compare(rows, 'median_pct', 'base_median_pct', 'median')} "
            f"({h} days: {num(r['median_pct'])} vs {num(r['base_median_pct'])}); the 10% "
            f"trimmed mean is "
            f"{_compare(rows, 'trimmed_mean_pct', 'base_trimmed_mean_pct', 'trimmed mean')} "
            f"({h} days: {num(r['trimmed_mean_pct'])} vs {num(r['base_trimmed_mean_pct'])}).")
    carried = [_loo_sentence(k, rows.loc[k], flips[k], num) for k in rows.index if flips.get(k)]
    firm = [k for k in rows.index if not flips.get(k)]
    text += " Leave-one-out (each event removed in turn and the excess re-tested): "
    if carried:
        text += "; ".join(carried) + "."
        if firm:
            text += f" At {_days(firm)} no single event changes the verdict."
    else:
        text += "no single event changes the verdict at any horizon."
    return text


def _robustness(study) -> str:
    """Median and trimmed mean against their all-days counterparts, and the events whose
    removal alone flips the verdict, for the small-cap index."""
    if study.events.empty:
        return "No event: nothing to check."
    return _robust_text(study.params["small"], study.table.loc["small"],
                        study.small_study.loo, fmt.pct)


def _event_robustness(result) -> str:
    p = result.params
    num = fmt.pct if p["unit"] == "%" else fmt.pp
    name = p["name"] if p["benchmark"] is None else f"{p['name']} minus {p['benchmark']}"
    return _robust_text(name, result.table, result.loo, num)


# ----------------------------------------------------------------------------------------------
# paths and the latest state
# ----------------------------------------------------------------------------------------------

def _path_text(path, what: str, num) -> str:
    end = path.index.max()
    r = path.loc[end]
    if fmt.is_missing(r["event_mean"]):
        return f"No event has run {end} trading days yet."
    groups = int(r["groups"])
    basis = (f"{fmt.plural(int(r['n_events']), 'event')} in "
             f"{fmt.plural(groups, 'group')} whose {end}-day windows overlap")
    text = (f"After {end} trading days the average path of {what} after events stands at "
            f"{num(r['event_mean'])} (median {num(r['event_median'])}; {basis}) against "
            f"{num(r['baseline'])} for all days; ")
    if fmt.is_missing(r["band_low"]):
        return text + (f"with {fmt.plural(groups, 'independent group')} there is no bootstrap "
                       "band to judge the gap by.")
    inside = r["band_low"] <= r["baseline"] <= r["band_high"]
    return text + (f"the baseline is {'inside' if inside else 'outside'} the 95% bootstrap "
                   f"band ({num(r['band_low'])} to {num(r['band_high'])}), which resamples "
                   "those groups whole.")


def _paths(study, which: str) -> str:
    """Where the average post-event path ends against the baseline path and its band."""
    if study.events.empty:
        return "No event, so no path after events to compare with the baseline."
    p = study.params
    num = fmt.pct if which == "small" else fmt.pp
    what = p["small"] if which == "small" else f"{p['small']} minus {p['large']}"
    return _path_text(study.paths(which), what, num)


def _event_paths(result) -> str:
    if len(result.dates) == 0:
        return "No event, so no path after events to compare with the baseline."
    p = result.params
    num = fmt.pct if p["unit"] == "%" else fmt.pp
    name = p["name"] if p["benchmark"] is None else f"{p['name']} minus {p['benchmark']}"
    return _path_text(result.paths(), name, num)


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
    significant anywhere?  The thresholds share events, so they are not independent checks."""
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
    h = max(v.horizons)
    eps_col = f"episodes_{h}d"
    counts = ", ".join(
        f"{int(n)} at {fmt.sigma(s)}"
        + (f" ({int(table.loc[s, eps_col])} non-overlapping {h}-day episodes)"
           if eps_col in table and not fmt.is_missing(table.loc[s, eps_col]) else "")
        for s, n in table["n_events"].items())
    what = "the small-cap index" if v.which == "small" else "the spread"
    text = (f"Events by threshold: {counts}. Event mean minus baseline for {what}: "
            + "; ".join(parts) + ".")
    q_cols = [f"q_{k}d" for k in v.horizons if f"q_{k}d" in table]
    if q_cols:
        q = [x for x in table[q_cols].to_numpy(dtype=float).ravel() if not fmt.is_missing(x)]
        cells, survive = len(q), sum(x <= Q_LEVEL for x in q)
        text += (f" Tested together, {survive} of {cells} threshold × horizon cells survive a "
                 f"{Q_LEVEL:.0%} false-discovery rate (Benjamini-Hochberg q ≤ {Q_LEVEL:.2f}).")
    if len(table) > 1:
        text += (" The thresholds share most of their events (a 3σ event is also a 2σ one), "
                 "so agreement across them is one observation seen several times, not "
                 "independent confirmation.")
    return text


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
        eps = r.get(f"episodes_{h}d")
        eps_txt = "" if fmt.is_missing(eps) else f" ({int(eps)} non-overlapping episodes)"
        parts.append(f"{name}: {int(r['n_events'])} events{eps_txt}, {fmt.pp(diff)} vs the "
                     f"drift at {h} days, {sig}")
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


# ----------------------------------------------------------------------------------------------
# the brief: the verdicts on top of the page
# ----------------------------------------------------------------------------------------------

def brief(study, sensitivity=None, methods=None) -> list[str]:
    """The page's brief: four to six Markdown sentences, each ending with a link to the
    section it summarises (:data:`HEADINGS`): the verdict on the claim across horizons, the
    key number at the longest horizon (excess over the all-days drift in pp, 95 % interval, p,
    q and the non-overlapping episodes it rests on), the spread against the large caps, the
    leave-one-out check, the threshold sensitivity (a :class:`~smallcaps.events.Variants`,
    when given) and the latest state.  ``methods`` is accepted for symmetry and not read.
    Every sentence follows the signs and the tests, so it reads true on any data.
    """
    out = [_brief_verdict(study)]
    if study.events.empty:
        out.append(_brief_no_event(study))
    else:
        out += [_brief_number(study, "small"), _brief_number(study, "spread"),
                _brief_loo(study)]
    if sensitivity is not None:
        out.append(_brief_sensitivity(sensitivity))
    out.append(_brief_latest(study))
    return out[:6]


def _link(section: str) -> str:
    return " " + fmt.section_link(HEADINGS[section])


def _tested(study, t) -> list:
    return [h for h in t.index if int(t.loc[h, "n_events"]) >= study.min_events_to_test
            and not fmt.is_missing(t.loc[h, "p_value"])]


def _brief_verdict(study) -> str:
    p, t = study.params, study.table.loc["small"]
    claim = _CLAIMS[p["direction"]]
    n = len(study.events)
    if n == 0:
        return (f"**No event**: the {_label(p)} never went {_where(p)}, so nothing tests the "
                f"claim that {claim}." + _link("test"))
    tested = _tested(study, t)
    what = (f"after {fmt.plural(n, 'event')} of the {short_rule(study)}, from "
            f"{study.events.index[0]:%Y-%m-%d} to {study.events.index[-1]:%Y-%m-%d}")
    if not tested:
        return (f"**Too few events to test** the claim that {claim}: {what} no horizon has "
                f"{study.min_events_to_test} complete windows." + _link("test"))
    up = [h for h in tested if t.loc[h, "verdict"] == "significantly above"]
    down = [h for h in tested if t.loc[h, "verdict"] == "significantly below"]
    if up and not down:
        head = f"**The data support the claim** that {claim}"
        body = f"{p['small']} beat its all-days drift significantly at {_days(up)}"
    elif down and not up:
        head = f"**The data contradict the claim** that {claim}"
        body = f"{p['small']} fell significantly short of its all-days drift at {_days(down)}"
    elif up and down:
        head = f"**Mixed evidence on the claim** that {claim}"
        body = (f"{p['small']} beat its drift significantly at {_days(up)} and fell short at "
                f"{_days(down)}")
    else:
        head = f"**No evidence for the claim** that {claim}"
        body = (f"{p['small']}'s return differs significantly from its all-days drift at "
                f"none of {_and([str(h) for h in tested])} days")
    return f"{head}: {what}, {body} (5% level)." + _link("test")


def _brief_no_event(study) -> str:
    p, z = study.params, study.signal["z"].dropna()
    if z.empty:
        return "The data are shorter than the warm-up: no z-score yet." + _link("latest")
    ext = z.max() if p["direction"] == "up" else z.min() if p["direction"] == "down" \
        else z.loc[z.abs().idxmax()]
    return (f"Over {fmt.plural(len(z), 'trading day')} with a z-score ({z.index[0]:%Y-%m-%d} "
            f"to {z.index[-1]:%Y-%m-%d}) the {'highest' if ext >= 0 else 'lowest'} z was "
            f"{ext:+.2f}, short of the {fmt.sigma(p['sigma'])} threshold." + _link("latest"))


def _brief_number(study, which: str) -> str:
    """The excess over the drift at the longest horizon with an event."""
    p, t = study.params, study.table.loc[which]
    rows = t[t["n_events"] > 0]
    section = "test" if which == "small" else "spread"
    if rows.empty:
        return "No event has a complete window yet." + _link(section)
    h = rows.index.max()
    r = rows.loc[h]
    num = fmt.pct if which == "small" else fmt.pp
    what = p["small"] if which == "small" else f"{p['small']} minus {p['large']}"
    verb = "returned" if which == "small" else "moved"
    eps = int(r["episodes"])
    test = ("too few events for a test" if fmt.is_missing(r["p_value"]) else
            f"95% CI {fmt.pp(r['ci_low_pp'])} to {fmt.pp(r['ci_high_pp'])}, "
            f"{fmt.pvalue(r['p_value'])}, {_q(r['q'])}")
    return (f"Over {h} trading days {what} {verb} {num(r['mean_pct'])} on average after "
            f"events against {num(r['base_mean_pct'])} on all days: "
            f"**{fmt.pp(r['diff_pp'])}** ({test}), on {fmt.plural(int(r['n_events']), 'event')} "
            f"in {fmt.plural(eps, 'non-overlapping episode')}." + _link(section))


def _brief_loo(study) -> str:
    t, flips = study.table.loc["small"], study.small_study.loo
    rows = t[t["n_events"] > 0]
    carried = [h for h in rows.index if flips.get(h)]
    if not carried:
        return ("No single event carries a verdict: removing any one leaves each horizon's "
                "verdict unchanged." + _link("robustness"))
    h = max(carried)
    named = flips[h]
    if len(named) == 1:
        x = named[0]
        text = (f"The {h}-day verdict rests on one event: without {x['date']:%Y-%m-%d} "
                f"({fmt.pct(x['value_pct'])}) the mean is {fmt.pct(x['mean_pct'])}, "
                f"{_SHORT[x['verdict']]}")
    else:
        text = (f"At {h} days removing any one of {fmt.plural(len(named), 'event')} alone "
                "changes the verdict: the excess is too close to zero for its sign to mean "
                "anything")
    others = [k for k in carried if k != h]
    if others:
        text += f"; single events also carry the verdict at {_days(others)}"
    return text + "." + _link("robustness")


def _brief_sensitivity(v) -> str:
    table = v.table
    q_cols = [f"q_{k}d" for k in v.horizons if f"q_{k}d" in table]
    sigmas = list(table.index)
    span = (f"{fmt.sigma(min(sigmas))} to {fmt.sigma(max(sigmas))}" if len(sigmas) > 1
            else fmt.sigma(sigmas[0]) if sigmas else "no threshold")
    q = [x for x in table[q_cols].to_numpy(dtype=float).ravel() if not fmt.is_missing(x)] \
        if q_cols else []
    if not q:
        return f"No threshold from {span} gives enough events to test." + _link("sensitivity")
    survive = sum(x <= Q_LEVEL for x in q)
    return (f"At thresholds from {span}, {survive} of {len(q)} threshold × horizon cells "
            f"survive a {Q_LEVEL:.0%} false-discovery rate (Benjamini-Hochberg); the "
            "thresholds share their events, so this is not independent confirmation."
            + _link("sensitivity"))


def _brief_latest(study) -> str:
    lt, p = study.latest, study.params
    z = lt["z"]
    ztxt = ("no z-score yet" if fmt.is_missing(z) else
            f"z = {z:+.2f}, {'beyond' if lt['beyond'] else 'inside'} the "
            f"{fmt.sigma(p['sigma'])} threshold")
    text = (f"As of {lt['date']:%Y-%m-%d} the {_label(p)} is {fmt.pp(lt['spread_pct'], 2)} "
            f"({ztxt})")
    le = study.latest_event
    if le is None:
        return text + "; there has been no event." + _link("latest")
    return (text + f"; the latest event was on {le['date']:%Y-%m-%d} (z = {le['z']:+.2f}), "
            f"{fmt.plural(le['days_since'], 'trading day')} ago." + _link("latest"))
