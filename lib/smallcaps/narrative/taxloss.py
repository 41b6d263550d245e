"""Prose of the turn-of-the-year study (notebook 04): the pressure and rebound windows, the
extreme seasons, the average trough, losers against winners, the current season and the
rebound's sensitivity to its start date.

Reads a :class:`smallcaps.taxloss.TurnOfYear` (all sections) or a
:class:`smallcaps.taxloss.ReboundSensitivity` (section ``"sensitivity"`` only) by their
attributes; it never imports the compute module.  A study's ``"sensitivity"`` section reads its
default sensitivity (rebound starts 12-10 to 12-28).  A mean is called statistically
distinguishable from zero when ``|t| >= smallcaps.stats.T_CRIT`` (1.96).  Returns are in
percent (%), small-minus-large spreads in percentage points (pp).
"""

from __future__ import annotations

from smallcaps import fmt, stats
from smallcaps.errors import ParameterError

__all__ = ["SECTIONS", "read"]

SECTIONS = ("windows", "years", "trough", "groups", "current", "sensitivity")

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


def _sig(t) -> str:
    if fmt.is_missing(t):
        return "untestable with so few years"
    if abs(t) >= stats.T_CRIT:
        return f"statistically distinguishable from zero ({fmt.tstat(t)})"
    return f"not statistically distinguishable from zero ({fmt.tstat(t)})"


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


def _claim(name: str, mean: float, t: float) -> str:
    if name == "pressure":
        what, seen, reliable = "December dip", mean < 0, mean < 0 and t <= -stats.T_CRIT
    else:
        what, seen, reliable = "rebound", mean > 0, mean > 0 and t >= stats.T_CRIT
    if reliable:
        return f"the playbook's {what} shows up"
    if seen:
        return f"the playbook's {what} shows up on average but not reliably"
    return f"the playbook's {what} does not show up"


def _windows(study) -> str:
    y = study.years
    lead = f"As of {_asof_text(study)}"
    if y.empty:
        return f"{lead}, no year has both windows complete in the data."
    lines = [f"{lead}, {fmt.plural(len(y), 'season')} ({y.index.min()} to {y.index.max()}) "
             "have both windows complete."]
    for name in ("pressure", "rebound"):
        s = study.window_stats(name)
        beat = "beat" if s["mean_rel_pct"] > 0 else "lagged"
        lines.append(
            f"- **{name.capitalize()} window ({_label(study.windows[name])})**: small caps "
            f"({study.small}) {beat} large caps ({study.large}) by "
            f"{fmt.pp(abs(s['mean_rel_pct']), 2, signed=False)} on average (median "
            f"{fmt.pp(s['median_rel_pct'], 2)}), beating them in {fmt.share(s['hit_rate'])} of "
            f"{s['n']} years; the mean is {_sig(s['t'])}, so "
            f"{_claim(name, s['mean_rel_pct'], s['t'])}. In absolute terms {study.small} "
            f"returned {fmt.pct(s['mean_small_pct'], 2)} on average (up in "
            f"{fmt.share(s['hit_rate_small'])} of years).")
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


def _groups(study) -> str:
    g = study.by_ytd_group()
    lo, hi = g.loc["losers"], g.loc["winners"]
    if lo["n"] < 2 or hi["n"] < 2:
        return "Too few years to compare losers with winners."
    ok_p = lo["pressure_mean_rel_pct"] < hi["pressure_mean_rel_pct"]
    ok_r = lo["rebound_mean_rel_pct"] > hi["rebound_mean_rel_pct"]
    t_r = study.rebound_group_t
    verdict = ("both as the tax-loss hypothesis predicts" if ok_p and ok_r else
               "the rebound as predicted but not the pressure" if ok_r else
               "the pressure as predicted but not the rebound" if ok_p else
               "neither as the tax-loss hypothesis predicts")
    sig = ("statistically distinguishable" if not fmt.is_missing(t_r)
           and abs(t_r) >= stats.T_CRIT else "not statistically distinguishable")
    return (f"Loser years (bottom third by {study.small}-{study.large} year-to-date relative "
            f"performance before the pressure window, {fmt.pp(lo['ytd_min_pp'])} to "
            f"{fmt.pp(lo['ytd_max_pp'])}, n = {int(lo['n'])}) saw "
            f"{fmt.pp(lo['pressure_mean_rel_pct'], 2)} in the pressure window and "
            f"{fmt.pp(lo['rebound_mean_rel_pct'], 2)} in the rebound window; winner years "
            f"(top third, {fmt.pp(hi['ytd_min_pp'])} to {fmt.pp(hi['ytd_max_pp'])}, n = "
            f"{int(hi['n'])}) saw {fmt.pp(hi['pressure_mean_rel_pct'], 2)} and "
            f"{fmt.pp(hi['rebound_mean_rel_pct'], 2)}. Losers differ from winners in "
            f"{verdict}; the rebound difference is {sig} (Welch {fmt.tstat(t_r)}).")


def _current(study) -> str:
    c = study.current()
    text = (f"As of {_asof_text(study)}, the {c['year']} season is {_PHASE_TEXT[c['phase']]} "
            f"(pressure {_label(study.windows['pressure'])}, rebound "
            f"{_label(study.windows['rebound'])}).")
    if not fmt.is_missing(c["ytd_rel_pct"]):
        until = f"to {c['ytd_until']:%Y-%m-%d}"
        if c["ytd_at_pressure"]:
            until += ", the close before the pressure window"
        grp = _GROUP_TEXT.get(c["ytd_group"], "unclassified")
        lead = "leads" if c["ytd_rel_pct"] > 0 else "trails"
        text += (f" Year-to-date {study.small} {lead} {study.large} by "
                 f"{fmt.pp(abs(c['ytd_rel_pct']), 2, signed=False)} ({until}), which would "
                 f"place {c['year']} {grp} of past years")
        text += (" (past years are measured up to their pressure window, so this is "
                 "provisional)." if c["phase"] == "before" else ".")
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
    t = sens.table.dropna(subset=["mean_rel_pct"])
    if t.empty:
        return "No complete rebound window for any start date."
    best, worst = t["mean_rel_pct"].idxmax(), t["mean_rel_pct"].idxmin()
    pos = int((t["mean_rel_pct"] > 0).sum())
    sig = int((t["t"] >= stats.T_CRIT).sum())
    return (f"Across rebound windows starting {t.index[0]} to {t.index[-1]} (end {sens.end}), "
            f"the mean relative rebound of {sens.small} over {sens.large} ranges from "
            f"{fmt.pp(t.at[worst, 'mean_rel_pct'], 2)} (start {worst}) to "
            f"{fmt.pp(t.at[best, 'mean_rel_pct'], 2)} (start {best}); it is positive for "
            f"{pos} of {len(t)} start dates and statistically distinguishable from zero "
            f"(t >= {stats.T_CRIT:g}) for {sig}.")


def _study_sensitivity(study) -> str:
    return _sensitivity(study.sensitivity())


_WRITERS = {
    "windows": _windows,
    "years": _years,
    "trough": _trough,
    "groups": _groups,
    "current": _current,
    "sensitivity": _study_sensitivity,
}
