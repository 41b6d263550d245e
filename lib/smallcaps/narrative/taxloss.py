"""Prose of the turn-of-the-year study (notebook 04): the pressure and rebound windows, the
extreme seasons, the average trough, losers against winners, the current season and the
rebound's sensitivity to its start date.

Reads a :class:`smallcaps.taxloss.TurnOfYear` (all sections) or a
:class:`smallcaps.taxloss.ReboundSensitivity` (section ``"sensitivity"`` only) by their
attributes; it never imports the compute module.  A study's ``"sensitivity"`` section reads its
default sensitivity (rebound starts 12-10 to 12-28).

Every verdict reads a test against a baseline, never a t against zero: a window's *excess* over
the typical window of the same length in the same sample (the study's ``window_test``: its
``verdict`` word, 95 % block-bootstrap interval and p-value), says how many independent seasons
it rests on and names the season whose removal alone would change it.  Losers and winners are
compared with Welch's t (``|t| >= smallcaps.stats.T_CRIT``, 1.96); the rebound's start dates,
which overlap, with one joint max-|t| test.  Returns are in percent (%), small-minus-large
spreads and excesses in percentage points (pp).
"""

from __future__ import annotations

from smallcaps import fmt, stats
from smallcaps.errors import ParameterError

__all__ = ["SECTIONS", "HEADINGS", "read", "brief"]

#: The notebook's section headings the brief links to (``## <heading>`` in notebook 04).
HEADINGS = {"windows": "Pressure and rebound windows", "groups": "Losers and winners",
            "current": "The current year",
            "sensitivity": "Sensitivity to the rebound start date"}

SECTIONS = ("inputs", "windows", "years", "trough", "groups", "current", "sensitivity")

_PHASE_TEXT = {
    "before": "before the pressure window",
    "pressure": "inside the pressure window",
    "between": "between the pressure and rebound windows",
    "rebound": "inside the rebound window",
    "after": "after the rebound window",
}
_GROUP_TEXT = {
    "losers": "among the losers (bottom third)",
    "winners": "among the winners (top third)",
    "middle": "in the middle third",
}


def read(result, section: str | None = None) -> str:
    """Markdown prose about a turn-of-the-year result.

    Parameters
    ----------
    result : TurnOfYear or ReboundSensitivity
        The study (every section) or a rebound sensitivity (``"sensitivity"`` only).
    section : str, optional
        One of :data:`SECTIONS`; None gives every section of the result, in order.

    Raises
    ------
    ParameterError
        For a section the result has no prose for, naming the valid ones.
    """
    if _is_sensitivity(result):
        if section not in (None, "sensitivity"):
            raise ParameterError(f"reading section {section!r} is not known for a rebound "
                                 "sensitivity; valid: sensitivity")
        return _sensitivity(result)
    if section is None:
        return "\n\n".join(_WRITERS[s](result) for s in SECTIONS)
    if section not in _WRITERS:
        raise ParameterError(f"reading section {section!r} is not known; valid: "
                             f"{', '.join(SECTIONS)}")
    return _WRITERS[section](result)


def _is_sensitivity(result) -> bool:
    return hasattr(result, "table") and not hasattr(result, "years")


def _label(window) -> str:
    return f"{window[0]} to {window[1]}"


def _asof_text(study) -> str:
    """The study's as-of; with the loaded frame's :class:`~smallcaps.data.AsOf`, a snapped
    requested date shows both dates."""
    date = f"{study.asof:%Y-%m-%d}"
    info = getattr(study, "asof_info", None)
    if info is None:
        return date
    if info.date == date:
        return info.describe()
    return (f"{date}, the last date both {study.small} and {study.large} have a close "
            f"(data as of {info.describe()})")


_WHAT = {"pressure": "December dip", "rebound": "rebound"}
_VERDICT = {
    "shows": "the playbook's {what} shows up",
    "average": "the playbook's {what} shows up on average but not reliably",
    "absent": "the playbook's {what} does not show up",
    "untestable": "the playbook's {what} cannot be tested with so few seasons",
}


def _claim(name: str, verdict: str) -> str:
    return _VERDICT[verdict].format(what=_WHAT[name])


def _years_list(years) -> str:
    years = [str(y) for y in years]
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " or " + years[-1]


def _loo(flips, what: str = "this verdict") -> str:
    """Leave-one-season-out in words: the seasons named (three at most)."""
    if not flips:
        return f"no single season's removal changes {what}"
    if len(flips) == 1:
        return f"removing {flips[0]} alone would change {what}"
    if len(flips) <= 3:
        return f"removing any one of {_years_list(flips)} alone would change {what}"
    shown = ", ".join(str(y) for y in flips[:3])
    return (f"removing any one of {len(flips)} seasons ({shown} and {len(flips) - 3} more) "
            f"alone would change {what}, which therefore sits on the edge")


def _ci(test: dict) -> str:
    return (f"95% CI {fmt.pp(test['ci_low'], 2)} to {fmt.pp(test['ci_high'], 2)}, block "
            f"bootstrap, {fmt.pvalue(test['p'])}")


def _window_line(study, name: str) -> str:
    s, test = study.window_stats(name), study.window_test(name)
    beat = "beat" if s["mean_rel_pct"] > 0 else "lagged"
    head = (f"- **{name.capitalize()} window ({_label(study.windows[name])})**: small caps "
            f"({study.small}) {beat} large caps ({study.large}) by "
            f"{fmt.pp(abs(s['mean_rel_pct']), 2, signed=False)} on average (median "
            f"{fmt.pp(s['median_rel_pct'], 2)}, trimmed mean "
            f"{fmt.pp(test['trimmed_mean_pp'], 2)}), beating them in "
            f"{fmt.share(s['hit_rate'])} of {fmt.plural(s['n'], 'season')}.")
    if test["verdict"] == "untestable":
        claim = _claim(name, "untestable")
        return f"{head} {claim[0].upper()}{claim[1:]}."
    h = test["horizon_days"]
    small, large = test["small"], test["large"]
    return (
        f"{head} A typical {h}-trading-day window of the same sample gives "
        f"{fmt.pp(test['baseline_pp'], 2)}, so the excess is {fmt.pp(test['excess_pp'], 2)} "
        f"({_ci(test)}): {_claim(name, test['verdict'])}. It rests on "
        f"{fmt.plural(test['n'], 'season')}, one window a year, so "
        f"{fmt.plural(test['episodes'], 'independent observation')}; "
        f"{_loo(test['loo_flips'])}. In absolute terms {study.small} returned "
        f"{fmt.pct(small['mean_pct'], 2)} on average (up in {fmt.share(s['hit_rate_small'])} of "
        f"seasons) against {fmt.pct(small['baseline_pct'], 2)} for a typical {h}-day window "
        f"(excess {fmt.pp(small['excess_pp'], 2)}, {fmt.pvalue(small['p'])}), {study.large} "
        f"{fmt.pct(large['mean_pct'], 2)} against {fmt.pct(large['baseline_pct'], 2)} (excess "
        f"{fmt.pp(large['excess_pp'], 2)}, {fmt.pvalue(large['p'])}).")


def _windows(study) -> str:
    y = study.years
    lead = f"As of {_asof_text(study)}"
    if y.empty:
        return f"{lead}, no year has both windows complete in the data."
    lines = [f"{lead}, {fmt.plural(len(y), 'season')} ({y.index.min()} to {y.index.max()}) "
             "have both windows complete."]
    lines += [_window_line(study, name) for name in ("pressure", "rebound")]
    return "\n".join(lines) + "\n\n" + _excluded(study)


def _excluded(study) -> str:
    if not study.incomplete:
        return "Every year in range has complete windows."
    notes = "; ".join(f"{y} ({why})" for y, why in study.incomplete.items())
    return f"Excluded, windows not complete by {study.asof:%Y-%m-%d}: {notes}."


def _years(study) -> str:
    y = study.years
    if y.empty:
        return "No year has both windows complete."
    lines = []
    for name in ("pressure", "rebound"):
        col = y[f"{name}_rel"]
        lo, hi = col.idxmin(), col.idxmax()
        lines.append(f"- {name.capitalize()} window: weakest for small caps in {lo} "
                     f"({fmt.pp(col[lo], 2)}), strongest in {hi} ({fmt.pp(col[hi], 2)}).")
    last = y.index[-1]
    p, r = y.at[last, "pressure_rel"], y.at[last, "rebound_rel"]
    mp, mr = y["pressure_rel"].mean(), y["rebound_rel"].mean()
    lines.append(
        f"- Latest complete season ({last}): pressure {fmt.pp(p, 2)} "
        f"({'above' if p > mp else 'below'} the average {fmt.pp(mp, 2)}), rebound "
        f"{fmt.pp(r, 2)} ({'above' if r > mr else 'below'} the average {fmt.pp(mr, 2)}).")
    return "\n".join(lines)


def _trough(study) -> str:
    t = study.trough()
    if t["trading_day"] is None:
        return "No complete path window to average."
    label = _label(study.windows["path"])
    if t["trading_day"] == 0 or t["value_pp"] >= 0:
        return (f"Averaged over {t['years']} years, the relative path from {label} never "
                "falls below its starting level: there is no average trough for small caps "
                "in this window.")
    where = t["vs_pressure"] or "unknown relative to"
    return (f"Averaged over {t['years']} years, small caps' relative path ({label}) bottoms "
            f"on trading day {t['trading_day']} of the window, typically around {t['date']} "
            f"(MM-DD), at {fmt.pp(t['value_pp'], 2)}: {where} the pressure window "
            f"({_label(study.windows['pressure'])}).")


_GROUP_LOO = "which group rebounds more or whether the difference is distinguishable"


def _groups(study) -> str:
    g = study.by_ytd_group()
    lo, hi = g.loc["losers"], g.loc["winners"]
    if lo["n"] < 2 or hi["n"] < 2:
        return "Too few years to compare losers with winners."
    test = study.group_test()
    ok_p = lo["pressure_mean_rel_pct"] < hi["pressure_mean_rel_pct"]
    ok_r = lo["rebound_mean_rel_pct"] > hi["rebound_mean_rel_pct"]
    t_r = test["rebound_welch_t"]
    verdict = ("both as the tax-loss hypothesis predicts" if ok_p and ok_r else
               "the rebound as predicted but not the pressure" if ok_r else
               "the pressure as predicted but not the rebound" if ok_p else
               "neither as the tax-loss hypothesis predicts")
    sig = ("statistically distinguishable" if not fmt.is_missing(t_r)
           and abs(t_r) >= stats.T_CRIT else "not statistically distinguishable")
    n_lo, n_hi = int(lo["n"]), int(hi["n"])
    return (f"Loser years (bottom third by {study.small}-{study.large} year-to-date relative "
            f"performance before the pressure window, {fmt.pp(lo['ytd_min_pp'])} to "
            f"{fmt.pp(lo['ytd_max_pp'])}, n = {n_lo}) saw "
            f"{fmt.pp(lo['pressure_mean_rel_pct'], 2)} in the pressure window and "
            f"{fmt.pp(lo['rebound_mean_rel_pct'], 2)} in the rebound window; winner years "
            f"(top third, {fmt.pp(hi['ytd_min_pp'])} to {fmt.pp(hi['ytd_max_pp'])}, n = "
            f"{n_hi}) saw {fmt.pp(hi['pressure_mean_rel_pct'], 2)} and "
            f"{fmt.pp(hi['rebound_mean_rel_pct'], 2)}. Losers differ from winners in "
            f"{verdict}; the rebound difference is {sig} (Welch {fmt.tstat(t_r)}; pressure "
            f"Welch {fmt.tstat(test['pressure_welch_t'])}). The comparison rests on {n_lo} "
            f"loser and {n_hi} winner seasons, one a year; "
            f"{_loo(test['loo_flips'], _GROUP_LOO)}.")


def _current(study) -> str:
    c = study.current()
    text = (f"As of {_asof_text(study)}, the {c['year']} season is {_PHASE_TEXT[c['phase']]} "
            f"(pressure {_label(study.windows['pressure'])}, rebound "
            f"{_label(study.windows['rebound'])}).")
    if not fmt.is_missing(c["ytd_rel_pct"]):
        until = f"to {c['ytd_until']:%Y-%m-%d}"
        if c["ytd_at_pressure"]:
            until += ", the close before the pressure window"
        lead = "leads" if c["ytd_rel_pct"] > 0 else "trails"
        text += (f" Year-to-date {study.small} {lead} {study.large} by "
                 f"{fmt.pp(abs(c['ytd_rel_pct']), 2, signed=False)} ({until})")
        if c["ytd_group"] in _GROUP_TEXT:
            text += (f", which would place {c['year']} {_GROUP_TEXT[c['ytd_group']]} of past "
                     "years")
            text += (" (past years are measured up to their pressure window, so this is "
                     "provisional)." if c["phase"] == "before" else ".")
        else:
            text += "; too few past seasons to place it among them."
    path = c["path"]
    if path is not None and len(path) > 1:
        day = int(path.index[-1])
        avg = study.band["mean"].get(day, float("nan"))
        rel = "above" if path.iloc[-1] > avg else "below"
        text += (f" Its relative path stands at {fmt.pp(float(path.iloc[-1]), 2)} after "
                 f"{day} trading days of the path window, {rel} the average "
                 f"({fmt.pp(avg, 2)}) at that day.")
    return text


def _sensitivity(sens) -> str:
    t = sens.table.dropna(subset=["excess_pp"])
    if t.empty:
        return "No complete rebound window for any start date."
    lo, hi = t["excess_pp"].idxmin(), t["excess_pp"].idxmax()
    text = (f"Each rebound window starting {t.index[0]} to {t.index[-1]} (end {sens.end}) is "
            f"compared with the typical window of its own length: the excess of {sens.small} "
            f"over {sens.large} ranges from {fmt.pp(t.at[lo, 'excess_pp'], 2)} (start {lo}) "
            f"to {fmt.pp(t.at[hi, 'excess_pp'], 2)} (start {hi})")
    if sens.default in t.index:
        d = t.loc[sens.default]
        text += (f"; the default window (start {sens.default}) has "
                 f"{fmt.pp(d['excess_pp'], 2)}")
        text += "" if fmt.is_missing(d["p"]) else f" ({fmt.pvalue(d['p'])})"
    if len(t) < 2:
        return text + "."
    j = sens.joint
    seasons = fmt.plural(int(t["n"].max()), "season")
    text += (f". These {len(t)} windows share their end and rest on the same {seasons}, so "
             f"they overlap almost entirely and are one test, not {len(t)}")
    if fmt.is_missing(j.get("p")):
        return text + ": too few seasons for the joint test."
    alpha = sens.alpha
    rejects = j["p"] <= alpha
    peak = t.at[j["at"], "excess_pp"] if j["at"] in t.index else float("nan")
    text += (f": the largest |t| across start dates, {j['max_abs_t']:.1f} at {j['at']}, against "
             f"its block-bootstrap distribution under no excess at any start date gives a joint "
             f"{fmt.pvalue(j['p'])} (critical |t| {j['critical_t']:.2f} at {alpha:.0%}). ")
    if rejects and peak > 0:
        text += ("The rebound's excess is not an artefact of the chosen start date.")
    elif rejects:
        text += ("Small caps fall short of a typical window for some start dates, against "
                 "the playbook.")
    else:
        text += ("No start date's excess survives the joint test: across start dates the "
                 "rebound cannot be told apart from a typical window of the same length.")
    q_pass = int((t["q"] <= sens.q_level).sum())
    joint_pass = int((t["adjusted_p"] <= alpha).sum())
    text += (f" {q_pass} of {len(t)} start dates have q ≤ {sens.q_level:.0%} "
             f"(Benjamini-Hochberg) and {joint_pass} "
             f"{'clears' if joint_pass == 1 else 'clear'} the joint critical value")
    many = max(q_pass, joint_pass)
    return text + (f", but they overlap: this counts one effect, not {many}." if many > 1
                   else ".")


def _study_sensitivity(study) -> str:
    return _sensitivity(study.sensitivity())


def _inputs(study) -> str:
    """What this page reads, by value: the two series, the seasons and the three windows."""
    y = study.years
    seasons = (f"seasons {y.index.min()} to {y.index.max()} complete" if len(y)
               else "no complete season")
    w = study.windows
    return (f"**This page reads** the daily closes of {study.small} against {study.large} "
            f"({seasons}, data to {study.asof:%Y-%m-%d}); the pressure window "
            f"{_label(w['pressure'])}, the rebound window {_label(w['rebound'])} and the path "
            f"window {_label(w['path'])} (month-days).")


_WRITERS = {
    "inputs": _inputs,
    "windows": _windows,
    "years": _years,
    "trough": _trough,
    "groups": _groups,
    "current": _current,
    "sensitivity": _study_sensitivity,
}


# ---- the brief: the verdicts on top of the page ----------------------------------------------

def brief(study, sensitivity=None) -> list[str]:
    """The page's brief: five Markdown sentences, each ending with a link to the section it
    summarises (:data:`HEADINGS`): the pressure and the rebound window against the typical
    window of the same length (excess in pp, 95 % interval, p, independent seasons), the
    rebound's sensitivity to its start date (one joint test), losers against winners and the
    current season.  ``sensitivity`` defaults to the study's own (starts 12-10 to 12-28).
    Every sentence follows the sign and the test, so it reads true on any data.
    """
    sens = study.sensitivity() if sensitivity is None else sensitivity
    return [_brief_window(study, "pressure"), _brief_window(study, "rebound"),
            _brief_sensitivity(sens), _brief_groups(study), _brief_current(study)]


def _link(section: str) -> str:
    return " " + fmt.section_link(HEADINGS[section])


_PREDICTED = {"pressure": -1, "rebound": 1}
_BRIEF_VERDICT = {
    "shows": "**the playbook's {what} shows up**",
    "average": "**the playbook's {what} shows up on average but not reliably**",
    "absent": "**the playbook's {what} does not show up**",
    "opposite": "**the opposite of the playbook's {what}**",
}


def _brief_window(study, name: str) -> str:
    s, test = study.window_stats(name), study.window_test(name)
    what, label = _WHAT[name], _label(study.windows[name])
    pair = f"{study.small} minus {study.large}"
    if test["verdict"] == "untestable" or fmt.is_missing(test["excess_pp"]):
        return (f"With {fmt.plural(test['n'], 'complete season')}, the {name} window ({label}) "
                f"cannot test the playbook's {what}." + _link("windows"))
    verdict = test["verdict"]
    if (verdict == "absent" and not fmt.is_missing(test["p"]) and test["p"] <= 0.05
            and test["excess_pp"] * _PREDICTED[name] < 0):
        verdict = "opposite"
    head = _BRIEF_VERDICT[verdict].format(what=what)
    loo = "" if not test["loo_flips"] else f"; {_loo(test['loo_flips'])}"
    head = head[:2] + head[2].upper() + head[3:]
    return (f"{head} in the {name} window ({label}): {pair} averaged "
            f"{fmt.pp(s['mean_rel_pct'], 2)}, {fmt.pp(test['excess_pp'], 2)} against a typical "
            f"{test['horizon_days']}-day window (95% CI {fmt.pp(test['ci_low'], 2)} to "
            f"{fmt.pp(test['ci_high'], 2)}, {fmt.pvalue(test['p'])}; "
            f"{fmt.plural(test['episodes'], 'independent season')}{loo})." + _link("windows"))


def _brief_sensitivity(sens) -> str:
    t = sens.table.dropna(subset=["excess_pp"])
    if t.empty:
        return "No complete rebound window for any start date." + _link("sensitivity")
    j = sens.joint
    span = f"{t.index[0]} to {t.index[-1]}"
    rng = (f"the excess ranges from {fmt.pp(t['excess_pp'].min(), 2)} to "
           f"{fmt.pp(t['excess_pp'].max(), 2)}")
    if len(t) < 2 or fmt.is_missing(j.get("p")):
        return (f"Across rebound starts {span} (end {sens.end}) {rng}; too few seasons for "
                "the joint test." + _link("sensitivity"))
    peak = t.at[j["at"], "excess_pp"] if j["at"] in t.index else float("nan")
    if j["p"] <= sens.alpha and peak > 0:
        verdict = "the rebound is not an artefact of the chosen start date"
    elif j["p"] <= sens.alpha:
        verdict = "small caps fall short of a typical window for some start dates"
    else:
        verdict = "no start date's excess survives it"
    return (f"Across {len(t)} rebound starts {span} (end {sens.end}) {rng}; one joint test "
            f"of these overlapping windows (largest |t| {j['max_abs_t']:.1f} at {j['at']}, "
            f"joint {fmt.pvalue(j['p'])}): {verdict}." + _link("sensitivity"))


def _brief_groups(study) -> str:
    g = study.by_ytd_group()
    lo, hi = g.loc["losers"], g.loc["winners"]
    if lo["n"] < 2 or hi["n"] < 2:
        return "Too few seasons to compare loser with winner years." + _link("groups")
    t_r = study.group_test()["rebound_welch_t"]
    more = lo["rebound_mean_rel_pct"] > hi["rebound_mean_rel_pct"]
    sig = not fmt.is_missing(t_r) and abs(t_r) >= stats.T_CRIT
    verdict = (("as the tax-loss story predicts" if more else "against the tax-loss story")
               + (", a significant difference" if sig else ", not a significant difference"))
    return (f"Loser years (bottom third by {study.small}-{study.large} year to date) rebounded "
            f"{fmt.pp(lo['rebound_mean_rel_pct'], 2)} against "
            f"{fmt.pp(hi['rebound_mean_rel_pct'], 2)} for winner years (Welch "
            f"{fmt.tstat(t_r)}, {int(lo['n'])} against {int(hi['n'])} seasons): {verdict}."
            + _link("groups"))


def _brief_current(study) -> str:
    c = study.current()
    text = f"As of {study.asof:%Y-%m-%d} the {c['year']} season is {_PHASE_TEXT[c['phase']]}"
    if not fmt.is_missing(c["ytd_rel_pct"]):
        lead = "leads" if c["ytd_rel_pct"] > 0 else "trails"
        text += (f"; year to date {study.small} {lead} {study.large} by "
                 f"{fmt.pp(abs(c['ytd_rel_pct']), 2, signed=False)}")
        if c["ytd_group"] in _GROUP_TEXT:
            text += f", {_GROUP_TEXT[c['ytd_group']]} of past years"
            if c["phase"] == "before":
                text += " (provisional until the pressure window)"
    return text + "." + _link("current")
