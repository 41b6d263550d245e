"""Prose of the technicals study (notebook 06): the reading of one index
(:class:`smallcaps.technicals.TrendResult`) and of several (:class:`~smallcaps.technicals.
TrendStudy`).  Results are duck-typed: a study is anything with a ``results`` mapping of
index results; this module never imports :mod:`smallcaps.technicals`.

Sections of one index (:data:`INDEX_SECTIONS`): ``close``, ``averages``, ``macd``,
``structure``, ``levels``, ``breakout``, ``high``, ``pattern``, ``relative_strength``,
``caution`` (a provisional last bar) and ``figures`` (the key-figure table in Markdown).  The
full reading is the paragraph of the first ten followed by the table.

Sections of a study (:data:`STUDY_SECTIONS`): ``dashboard``, ``levels``, ``patterns`` and each
index key (that index's full reading).

The text is Markdown with values from the data and the catalog in it; ``smallcaps.page.say``
escapes HTML when it shows it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from smallcaps import fmt as F
from smallcaps.errors import ParameterError

__all__ = ["SECTIONS", "INDEX_SECTIONS", "STUDY_SECTIONS", "read"]

INDEX_SECTIONS = ("close", "averages", "macd", "structure", "levels", "breakout", "high",
                  "pattern", "relative_strength", "caution", "figures")
STUDY_SECTIONS = ("dashboard", "levels", "patterns")
SECTIONS = tuple(dict.fromkeys(STUDY_SECTIONS + INDEX_SECTIONS))


def _day(d) -> str | None:
    return None if d is None or pd.isna(d) else f"{pd.Timestamp(d):%Y-%m-%d}"


def _finite(x) -> bool:
    return not F.is_missing(x)


def _has_rs(r) -> bool:
    return bool(r.benchmark) and r.benchmark != r.key and _finite(r.rs_change)


# ------------------------------------------------------------------------------------------------
# One index
# ------------------------------------------------------------------------------------------------

def _close(r) -> str:
    return f"**{r.name} ({r.key})**, as of {_day(r.asof)}: close {F.level(r.close)} {r.units}."


def _averages(r) -> str:
    pct = r.pct_vs_ma
    above = [n for n, v in pct.items() if _finite(v) and v > 0]
    below = [n for n, v in pct.items() if _finite(v) and v <= 0]
    bits = []
    if above:
        bits.append("above its " + ", ".join(f"{n}-day ({F.pct(pct[n])})" for n in above))
    if below:
        bits.append("below its " + ", ".join(f"{n}-day ({F.pct(pct[n])})" for n in below))
    if not bits:
        return "Its moving averages are not yet defined."
    rising = [str(n) for n, s in r.ma_slopes.items() if s == "rising"]
    falling = [str(n) for n, s in r.ma_slopes.items() if s == "falling"]
    slopes = "; ".join(x for x in (f"rising: {', '.join(rising)}-day" if rising else "",
                                   f"falling: {', '.join(falling)}-day" if falling else "") if x)
    days = r.params.get("slope_days", 20)
    return (f"It is {' and '.join(bits)} moving average{'s' if len(pct) > 1 else ''} "
            f"({slopes or 'slopes n/a'} over {days} days); the averages are "
            + ("**aligned** bullishly." if r.aligned else "not aligned."))


def _macd(r) -> str:
    m = r.macd.iloc[-1]
    side = "above" if r.macd_signal == "buy" else "below"
    since = (f" since the cross on {_day(r.macd_cross_date)}."
             if r.macd_cross_date is not None else ".")
    return (f"MACD is on a **{r.macd_signal}** signal (MACD {m['macd']:,.1f} {side} its signal "
            f"line {m['signal']:,.1f}){since}")


def _structure(r) -> str:
    hi = r.swings.loc[r.swings["kind"] == "high", "price"].to_numpy()
    lo = r.swings.loc[r.swings["kind"] == "low", "price"].to_numpy()
    if len(hi) < 2 or len(lo) < 2:
        return f"Structure: **{r.structure}** (too few swing points to compare)."
    hh = "higher" if hi[-1] > hi[-2] else "lower"
    hl = "higher" if lo[-1] > lo[-2] else "lower"
    return (f"Structure: **{r.structure}** (last swing highs {F.level(hi[-2], 0)} then "
            f"{F.level(hi[-1], 0)}, {hh}; last swing lows {F.level(lo[-2], 0)} then "
            f"{F.level(lo[-1], 0)}, {hl}).")


def _nearest(r) -> str:
    sup = (f"nearest support {F.level(r.support[0], 0)} "
           f"({F.pct((r.support[0] / r.close - 1) * 100)})"
           if r.support else "no support level below the close in the window")
    res = (f"nearest resistance {F.level(r.resistance[0], 0)} "
           f"({F.pct((r.resistance[0] / r.close - 1) * 100)})"
           if r.resistance else "no resistance above the close in the window")
    return f"{sup}; {res}"


def _levels(r) -> str:
    return f"Levels: {_nearest(r)}."


def _breakout(r) -> str:
    if r.breakout_date is not None:
        b = r.breakouts[r.breakouts["date"] == r.breakout_date].iloc[-1]
        below = int(b["closes_below_since"])
        since = (f"has closed back below it on {F.plural(below, 'day')} since, but is above it "
                 "now" if below else "has stayed above it since")
        return (f"It broke out above resistance at {F.level(r.breakout_level, 0)} "
                f"({int(b['touches'])} swing highs) on {_day(r.breakout_date)} and {since}.")
    if len(r.breakouts):
        last = r.breakouts.iloc[-1]
        return (f"Its last breakout (above {F.level(last['level'], 0)} on {_day(last['date'])}) "
                "has failed: the close is back below that level.")
    return "No breakout above a multi-touch resistance in the window."


def _high(r) -> str:
    if r.pct_from_ath >= 0:
        return f"It closed at its all-time high ({F.level(r.all_time_high)})."
    return (f"All-time intraday high {F.level(r.all_time_high)} on "
            f"{_day(r.all_time_high_date)}; the close is "
            f"{F.pct(abs(r.pct_from_ath), signed=False)} below it.")


def _pattern_label(kind: str) -> str:
    return "inverted head-and-shoulders" if kind.startswith("inverse") else \
        "head-and-shoulders top"


def _pattern(r) -> str:
    n = len(r.patterns)
    if n == 0:
        return ""
    p = r.patterns.sort_values("right_shoulder_date").iloc[-1]
    state = (f"confirmed on {_day(p['confirmed_date'])}"
             + (", target already reached" if p["target_reached"] else "")
             if p["confirmed"] else "not confirmed yet")
    out = (f"{'Latest pattern' if n > 1 else 'Pattern'}: {_pattern_label(p['type'])} "
           f"(head {F.level(p['head_price'], 0)} on {_day(p['head_date'])}, neckline "
           f"{F.level(p['neckline'], 0)}), {state}; measured-move target "
           f"{F.level(p['target'], 0)}.")
    if n > 1:
        out += (f" ({F.plural(n - 1, 'earlier pattern')} in the window: see the patterns "
                "table.)")
    return out


def _relative_strength(r) -> str:
    if not _has_rs(r):
        return ""
    verb = "outperformed" if r.rs_change > 0 else "underperformed"
    return (f"Relative to {r.benchmark} it {verb} by {F.pct(abs(r.rs_change), signed=False)} "
            f"over the window ({F.pct(r.rs_change_recent)} over the last 3 months).")


def _caution(r) -> str:
    if not r.provisional:
        return ""
    return (f"_Caution: the last bar ({_day(r.asof)}) has zero volume and unrounded prices, the "
            "mark of a provisional intraday snapshot; its close may differ from the final one._")


def _markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (index as the first column)."""
    def cell(v) -> str:
        return str(v).replace("|", "\\|")

    head = [frame.index.name or "", *map(str, frame.columns)]
    lines = ["| " + " | ".join(map(cell, head)) + " |", "|" + "---|" * len(head)]
    for label, row in frame.iterrows():
        lines.append("| " + " | ".join(cell(v) for v in (label, *row.tolist())) + " |")
    return "\n".join(lines)


def _figures(r) -> str:
    return _markdown_table(r.summary())


_INDEX = {"close": _close, "averages": _averages, "macd": _macd, "structure": _structure,
          "levels": _levels, "breakout": _breakout, "high": _high, "pattern": _pattern,
          "relative_strength": _relative_strength, "caution": _caution, "figures": _figures}


def _read_index(r, section: str | None) -> str:
    if section is None:
        paragraph = " ".join(t for t in (_INDEX[s](r) for s in INDEX_SECTIONS[:-1]) if t)
        return f"{paragraph}\n\n{_figures(r)}"
    if section not in _INDEX:
        raise ParameterError(
            f"unknown section {section!r} of a trend reading; valid: {', '.join(INDEX_SECTIONS)}")
    return _INDEX[section](r)


# ------------------------------------------------------------------------------------------------
# Several indexes
# ------------------------------------------------------------------------------------------------

def _which(results: dict, pred) -> str:
    got = [k for k, r in results.items() if pred(r)]
    return ", ".join(got) if got else "none"


def _dashboard(study) -> str:
    results = study.results
    if not results:
        return "No index analysed."
    dates = ", ".join(sorted({_day(r.asof) for r in results.values()}))
    units = ", ".join(sorted({r.units for r in results.values()}))
    closest = max(results, key=lambda k: results[k].pct_from_ath)
    furthest = min(results, key=lambda k: results[k].pct_from_ath)
    lines = [
        f"As of {dates} (prices in {units}; % columns in percent):",
        "- moving averages aligned (close above rising short, medium and long averages): "
        f"{_which(results, lambda r: r.aligned)};",
        f"- MACD buy signal: {_which(results, lambda r: r.macd_signal == 'buy')}; "
        f"sell: {_which(results, lambda r: r.macd_signal == 'sell')};",
        f"- structure uptrend: {_which(results, lambda r: r.structure == 'uptrend')}; "
        f"downtrend: {_which(results, lambda r: r.structure == 'downtrend')}; "
        f"range: {_which(results, lambda r: r.structure == 'range')};",
        "- close above a multi-touch resistance it broke out of: "
        f"{_which(results, lambda r: r.breakout_date is not None)};",
        f"- closest to its all-time high: {closest} ({F.pct(results[closest].pct_from_ath)}); "
        f"furthest: {furthest} ({F.pct(results[furthest].pct_from_ath)}).",
    ]
    rs = {k: r.rs_change_recent for k, r in results.items()
          if r.benchmark and r.benchmark != k and _finite(r.rs_change_recent)}
    if rs:
        best = max(rs, key=rs.get)
        worst = min(rs, key=rs.get)
        lines.append(f"- relative strength vs {results[best].benchmark} over the last 3 months: "
                     f"strongest {best} ({F.pct(rs[best])}), weakest {worst} "
                     f"({F.pct(rs[worst])}).")
    return "\n".join(lines)


def _study_levels(study) -> str:
    if not study.results:
        return "No index analysed."
    parts = [f"**{k}**: {F.plural(len(r.levels), 'level')} from "
             f"{F.plural(len(r.swings), 'swing point')}; {_nearest(r)}"
             for k, r in study.results.items()]
    return ("Support and resistance in the window, ranked by touches, then recency:\n"
            + "\n".join(f"- {p}." for p in parts))


def _study_patterns(study) -> str:
    frames = [r.patterns for r in study.results.values() if len(r.patterns)]
    if not frames:
        return "No head-and-shoulders pattern in the window."
    both = pd.concat(frames, ignore_index=True)
    n = len(both)
    labels = ["inverted H&S" if t.startswith("inverse") else "H&S top" for t in both["type"]]
    counts = sorted(Counter(labels).items(), key=lambda kv: (-kv[1], labels.index(kv[0])))
    kinds = ", ".join(f"{c} {k}" for k, c in counts)
    confirmed = int(np.sum(both["confirmed"].astype(bool)))
    return (f"{F.plural(n, 'head-and-shoulders pattern')} in the window ({kinds}); "
            f"{confirmed} confirmed by a close through the neckline.")


_STUDY = {"dashboard": _dashboard, "levels": _study_levels, "patterns": _study_patterns}


def _read_study(study, section: str | None) -> str:
    if section is None:
        parts = [fn(study) for fn in _STUDY.values()]
        parts += [_read_index(r, None) for r in study.results.values()]
        return "\n\n".join(parts)
    if section in _STUDY:
        return _STUDY[section](study)
    if section in study.results:
        return _read_index(study.results[section], None)
    raise ParameterError(
        f"unknown section {section!r} of a trend study; valid: "
        f"{', '.join([*STUDY_SECTIONS, *study.results])}")


def read(result, section: str | None = None) -> str:
    """Markdown about a trend result (one index) or a trend study (several indexes).

    Parameters
    ----------
    result : TrendResult or TrendStudy
        From :func:`smallcaps.technicals.analyze` / :func:`~smallcaps.technicals.analyze_many`.
    section : str, optional
        One part (see the module docstring); None for the whole reading.

    Raises
    ------
    ParameterError
        For a section the result does not have (the message lists the valid ones).
    """
    if hasattr(result, "results"):
        return _read_study(result, section)
    return _read_index(result, section)
