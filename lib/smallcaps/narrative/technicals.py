"""Prose of the technicals study (notebook 06): the reading of one index
(:class:`smallcaps.technicals.TrendResult`) and of several (:class:`~smallcaps.technicals.
TrendStudy`).  Results are duck-typed: a study is anything with a ``results`` mapping of
index results; this module never imports :mod:`smallcaps.technicals`.

Sections of one index (:data:`INDEX_SECTIONS`): ``close``, ``averages``, ``macd``,
``structure``, ``levels``, ``breakout``, ``trendlines`` (the latest up- and down-trend line,
its break and re-test), ``high`` (the intraday and the closing record, and which kind the
record day set), ``pattern`` (live patterns are the only ones called current; resolved ones
are named with their end), ``pattern_record`` (the detector's own record over the whole
history against a random entry), ``relative_strength``, ``caution`` (a provisional last bar)
and ``figures`` (the key-figure table in Markdown).  The full reading is the paragraph of all
but the last followed by the table.

Sections of a study (:data:`STUDY_SECTIONS`): ``dashboard``, ``levels``, ``patterns``,
``pattern_record`` and each index key (that index's full reading); ``inputs`` (what the page
reads, by value) is asked for by name and is not part of the full reading.  :func:`brief`
writes the page's brief.

Verdicts: a pattern record is called better (worse) than chance only when its ``z`` against the
random entry reaches ``smallcaps.stats.T_CRIT``; the sentence gives the n it rests on.

The text is Markdown with values from the data and the catalog in it; ``smallcaps.page.say``
escapes HTML when it shows it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from smallcaps import fmt as F
from smallcaps.errors import ParameterError
from smallcaps.stats import Q_LEVEL, T_CRIT

__all__ = ["SECTIONS", "INDEX_SECTIONS", "STUDY_SECTIONS", "HEADINGS", "read", "brief"]

#: The notebook's section headings the brief links to (``## <heading>`` in notebook 06).
HEADINGS = {"dashboard": "Dashboard", "levels": "Support and resistance levels",
            "patterns": "Patterns", "pattern_record": "The detector's record"}

INDEX_SECTIONS = ("close", "averages", "macd", "structure", "levels", "breakout", "trendlines",
                  "high", "pattern", "pattern_record", "relative_strength", "caution", "figures")
STUDY_SECTIONS = ("dashboard", "levels", "patterns", "pattern_record")
LIVE = ("forming", "confirmed")
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
    unit = _bar_word(r)
    above = [n for n, v in pct.items() if _finite(v) and v > 0]
    below = [n for n, v in pct.items() if _finite(v) and v <= 0]
    bits = []
    if above:
        bits.append("above its " + ", ".join(f"{n}-{unit} ({F.pct(pct[n])})" for n in above))
    if below:
        bits.append("below its " + ", ".join(f"{n}-{unit} ({F.pct(pct[n])})" for n in below))
    if not bits:
        return "Its moving averages are not yet defined."
    rising = [str(n) for n, s in r.ma_slopes.items() if s == "rising"]
    falling = [str(n) for n, s in r.ma_slopes.items() if s == "falling"]
    slopes = "; ".join(x for x in (f"rising: {', '.join(rising)}-{unit}" if rising else "",
                                   f"falling: {', '.join(falling)}-{unit}" if falling else "")
                       if x)
    days = r.params.get("slope_days", 20)
    return (f"It is {' and '.join(bits)} moving average{'s' if len(pct) > 1 else ''} "
            f"({slopes or 'slopes n/a'} over {days} {unit}s); the averages are "
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


def _bar_word(r) -> str:
    return "week" if getattr(r, "timeframe", "daily") == "weekly" else "day"


def _bars_word(r) -> str:
    return "weeks" if getattr(r, "timeframe", "daily") == "weekly" else "trading days"


def _line_sentence(r, kind: str, row) -> str:
    up = kind == "up"
    pts = "lows" if up else "highs"
    label = ("Weekly " if getattr(r, "timeframe", "daily") == "weekly" else "") + (
        "Up-trend line" if up else "Down-trend line")
    label = label[0].upper() + label[1:].lower()
    if row is None:
        return (f"No {'up' if up else 'down'}-trend line (two {'rising' if up else 'falling'} "
                f"swing {pts}) in the window.")
    touches = F.plural(int(row["touches"]), "touch", "touches")
    head = (f"{label} through the swing {pts} of {_day(row['first_date'])} "
            f"({F.level(row['first_price'], 0)}) and {_day(row['second_date'])} "
            f"({F.level(row['second_price'], 0)}; {touches})")
    side, other = ("below", "above") if up else ("above", "below")
    now = float(row["line_at_last"])
    where = (f"the close is {F.pct((r.close / now - 1) * 100)} from the line, now at "
             f"{F.level(now, 0)}")
    if row["state"] == "intact":
        return f"{head}: intact; {where}."
    brk = (f"broken on {_day(row['break_date'])} (close {F.level(row['break_close'], 0)} "
           f"{side} the line at {F.level(row['break_line'], 0)})")
    retest = ""
    if row["retest_date"] is not None and not pd.isna(row["retest_date"]):
        retest = (f", re-tested from {side} on {_day(row['retest_date'])} "
                  f"({'high' if up else 'low'} {F.level(row['retest_price'], 0)} against the "
                  f"line at {F.level(row['retest_line'], 0)})")
    if row["state"] == "recovered":
        return (f"{head}: {brk}{retest}; the break failed: the close was back {other} it on "
                f"{_day(row['recovered_date'])}.")
    return f"{head}: {brk}{retest}; no close back {other} it since."


def _trendlines(r) -> str:
    lines = r.lines
    return " ".join(_line_sentence(r, k, lines.get(k)) for k in ("up", "down"))


def _high(r) -> str:
    ath, athd = r.all_time_high, r.all_time_high_date
    rec, recd = r.all_time_high_close, r.all_time_high_close_date
    asof = pd.Timestamp(r.asof)
    below = F.pct(abs(r.pct_from_ath_close), signed=False)
    below_hi = F.pct(abs(r.pct_from_ath), signed=False)
    intraday_today = pd.Timestamp(athd) == asof
    close_today = pd.Timestamp(recd) == asof
    if intraday_today and close_today:
        return (f"It set new all-time highs on {_day(asof)}, intraday ({F.level(ath)}) and on a "
                f"daily closing basis ({F.level(rec)}).")
    if close_today:
        return (f"It closed at a record on {_day(asof)} ({F.level(rec)}, a new all-time high "
                f"on a daily closing basis); the intraday record is {F.level(ath)} from "
                f"{_day(athd)}, {below_hi} above the close.")
    if intraday_today:
        return (f"It set an intraday record on {_day(asof)} ({F.level(ath)}) but not a closing "
                f"one: the closing record is still {F.level(rec)} from {_day(recd)}, "
                f"{below} above the close.")
    if pd.Timestamp(athd) > pd.Timestamp(recd):
        return (f"Its intraday record, {F.level(ath)} on {_day(athd)}, is not a closing record: "
                f"the closing record is still {F.level(rec)} from {_day(recd)}. The close is "
                f"{below} below the closing record and {below_hi} below the intraday one.")
    same = pd.Timestamp(athd) == pd.Timestamp(recd)
    when = (f"both set on {_day(athd)}" if same else
            f"set on {_day(athd)} and {_day(recd)}")
    return (f"All-time highs: intraday {F.level(ath)}, closing {F.level(rec)}, {when}; the "
            f"close is {below} below the closing record ({below_hi} below the intraday one).")


def _pattern_label(kind: str) -> str:
    return "inverted head-and-shoulders" if kind.startswith("inverse") else \
        "head-and-shoulders top"


def _has(d) -> bool:
    return d is not None and not pd.isna(d)


def _live_sentence(r, p) -> str:
    inverse = p["type"].startswith("inverse")
    through, beyond = ("above", "below") if inverse else ("below", "above")
    shape = (f"{_pattern_label(p['type'])} (head {F.level(p['head_price'], 0)} on "
             f"{_day(p['head_date'])}, right shoulder {_day(p['right_shoulder_date'])}, "
             f"{int(p['pivot_window'])}-{_bar_word(r)} pivots)")
    targets = (f"measured-move target {F.level(p['target'], 0)} from the sloped neckline, "
               f"{F.level(p['target_flat'], 0)} from a horizontal one")
    if p["state"] == "confirmed":
        return (f"Live pattern: {shape}, confirmed on {_day(p['confirmed_date'])} by a close "
                f"{through} the neckline ({F.level(p['neckline'], 0)}); {targets}; not reached "
                f"yet, and a close {beyond} the head would invalidate it.")
    return (f"Live pattern: {shape}, forming since {_day(p['formed_date'])}: it needs a close "
            f"{through} the neckline (now {F.level(p['neckline'], 0)}) within "
            f"{int(p['width'])} {_bars_word(r)} of the right shoulder; {targets} if it "
            "confirms.")


def _dead_sentence(p) -> str:
    inverse = p["type"].startswith("inverse")
    beyond = "below" if inverse else "above"
    what = (f"the {_pattern_label(p['type'])} with head {F.level(p['head_price'], 0)} on "
            f"{_day(p['head_date'])} (target {F.level(p['target'], 0)})")
    if p["state"] == "target_reached":
        end = f"reached its target on {_day(p['target_date'])}"
    elif p["state"] == "invalidated":
        end = f"was invalidated on {_day(p['invalidated_date'])} (a close {beyond} the head)"
    else:
        why = ("neither target nor head reached in time after confirmation" if p["confirmed"]
               else "no confirming close in time")
        end = f"expired on {_day(p['expired_date'])} ({why})"
    return f"{what} {end}"


def _pattern(r) -> str:
    pats = r.patterns
    if len(pats) == 0:
        return ""
    pats = pats.sort_values("right_shoulder_date")
    live = pats[pats["state"].isin(LIVE)]
    dead = pats[~pats["state"].isin(LIVE)]
    out = [_live_sentence(r, p) for _, p in live.iloc[::-1].iterrows()]
    if len(dead):
        last = _dead_sentence(dead.iloc[-1])
        out.append(("No live head-and-shoulders pattern: " if live.empty else "Not current: ")
                   + last[0].lower() + last[1:] + ".")
    counts = Counter(pats["state"])
    tally = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in
                      ("forming", "confirmed", "target_reached", "invalidated", "expired")
                      if counts[s])
    out.append(f"({F.plural(len(pats), 'pattern')} in the window: {tally}; see the patterns "
               "table.)")
    return " ".join(out)


def _verdict(rec) -> str:
    if rec["verdict"] == "better":
        return "the patterns did better than chance"
    if rec["verdict"] == "worse":
        return "the patterns did worse than chance"
    return "the patterns were not distinguishable from chance"


def _pattern_record(r) -> str:
    rec = r.pattern_record
    span = f"{rec['first']} to {rec['last']}"
    if rec["n_confirmed"] == 0:
        return (f"The detector confirmed no pattern in {r.key}'s history ({span}): no base "
                "rate.")
    if rec["n_resolved"] == 0:
        return (f"The detector confirmed {F.plural(rec['n_confirmed'], 'pattern')} in "
                f"{r.key}'s history ({span}), none resolved after it was detected: no base "
                "rate yet.")
    n = rec["n_resolved"]
    med = rec["median_bars_to_target"]
    speed = (f", median {F.level(med, 1 if med % 1 else 0)} {_bars_word(r)} after "
             "confirmation" if not F.is_missing(med) else "")
    text = (f"Detector's record on {r.key} ({span}): of {F.plural(n, 'confirmed pattern')} "
            f"resolved after detection, {rec['n_target_reached']} reached the target "
            f"({F.pct(rec['hit_rate_pct'], 0, signed=False)}{speed}), {rec['n_invalidated']} "
            f"were invalidated ({F.pct(rec['invalidated_pct'], 0, signed=False)}) and "
            f"{rec['n_expired']} expired ({F.pct(rec['expired_pct'], 0, signed=False)}).")
    if F.is_missing(rec["baseline_hit_rate_pct"]):
        return text
    text += (f" A random entry on any {_bar_word(r)} of the same history with the same target, "
             f"stop and time limit hit {F.pct(rec['baseline_hit_rate_pct'], 0, signed=False)}: "
             f"{_verdict(rec)} ({F.pp(rec['excess_pp'])}, z = "
             f"{F.level(rec['z'], 1)} against ±{T_CRIT}; {n} patterns in "
             f"{F.plural(rec.get('episodes', n), 'non-overlapping episode')}, taken as "
             "independent).")
    carried = rec.get("carried_by") or []
    if carried:
        text += (" Removing the pattern with head on "
                 f"{' or '.join(carried)} alone would flip this verdict.")
    extra = [f"{rec['n_open']} still open"] if rec["n_open"] else []
    if rec["n_resolved_before_seen"]:
        extra.append(f"{rec['n_resolved_before_seen']} resolved before detection, left out")
    if extra:
        text += f" ({'; '.join(extra)}.)"
    return text


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
          "levels": _levels, "breakout": _breakout, "trendlines": _trendlines, "high": _high,
          "pattern": _pattern, "pattern_record": _pattern_record,
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


def _intraday_only(r) -> bool:
    return pd.Timestamp(r.all_time_high_date) > pd.Timestamp(r.all_time_high_close_date)


def _dashboard(study) -> str:
    results = study.results
    if not results:
        return "No index analysed."
    dates = ", ".join(sorted({_day(r.asof) for r in results.values()}))
    units = ", ".join(sorted({r.units for r in results.values()}))
    closest = max(results, key=lambda k: results[k].pct_from_ath)
    furthest = min(results, key=lambda k: results[k].pct_from_ath)
    items = [
        "- moving averages aligned (close above rising short, medium and long averages): "
        f"{_which(results, lambda r: r.aligned)}",
        f"- MACD buy signal: {_which(results, lambda r: r.macd_signal == 'buy')}; "
        f"sell: {_which(results, lambda r: r.macd_signal == 'sell')}",
        f"- structure uptrend: {_which(results, lambda r: r.structure == 'uptrend')}; "
        f"downtrend: {_which(results, lambda r: r.structure == 'downtrend')}; "
        f"range: {_which(results, lambda r: r.structure == 'range')}",
        "- close above a multi-touch resistance it broke out of: "
        f"{_which(results, lambda r: r.breakout_date is not None)}",
        f"- closest to its all-time high: {closest} ({F.pct(results[closest].pct_from_ath)}); "
        f"furthest: {furthest} ({F.pct(results[furthest].pct_from_ath)})",
        "- new closing record on the last day: "
        f"{_which(results, lambda r: pd.Timestamp(r.all_time_high_close_date) == r.asof)}; "
        "intraday record set after the closing record (no closing record with it): "
        f"{_which(results, _intraday_only)}",
        "- live head-and-shoulders pattern: "
        f"{_which(results, lambda r: bool(r.patterns['state'].isin(LIVE).any()))}",
    ]
    rs = {k: r.rs_change_recent for k, r in results.items()
          if r.benchmark and r.benchmark != k and _finite(r.rs_change_recent)}
    if rs:
        best = max(rs, key=rs.get)
        worst = min(rs, key=rs.get)
        items.append(f"- relative strength vs {results[best].benchmark} over the last 3 months: "
                     f"strongest {best} ({F.pct(rs[best])}), weakest {worst} "
                     f"({F.pct(rs[worst])})")
    return f"As of {dates} (prices in {units}; % columns in percent):\n" + ";\n".join(items) + "."


def _study_levels(study) -> str:
    if not study.results:
        return "No index analysed."
    parts = [f"**{k}**: {F.plural(len(r.levels), 'level')} from "
             f"{F.plural(len(r.swings), 'swing point')}; {_nearest(r)}"
             for k, r in study.results.items()]
    return ("Support and resistance in the window, ranked by touches, then recency:\n"
            + "\n".join(f"- {p}." for p in parts))


def _live_list(p: pd.DataFrame) -> str:
    return ", ".join(f"{_pattern_label(t)} {s}"
                     for t, s in zip(p["type"], p["state"], strict=True))


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
    live = {k: r.patterns[r.patterns["state"].isin(LIVE)] for k, r in study.results.items()}
    live_txt = "; ".join(f"{k} ({_live_list(p)})" for k, p in live.items() if len(p))
    n_live = sum(len(p) for p in live.values())
    states = Counter(both["state"])
    done = ", ".join(f"{states[s]} {s.replace('_', ' ')}"
                     for s in ("target_reached", "invalidated", "expired") if states[s])
    out = (f"{F.plural(n, 'head-and-shoulders pattern')} in the window ({kinds}); "
           f"{confirmed} confirmed by a close through the neckline.  ")
    out += (f"Live (current) now: {live_txt}." if n_live else "None is live now.")
    if done:
        k = n - n_live
        out += (f"  The other {F.plural(k, 'pattern')} {'is' if k == 1 else 'are'} over "
                f"({done}) and {'is' if k == 1 else 'are'} not current.")
    return out


def _study_record(study) -> str:
    if not study.results:
        return "No index analysed."
    lines = [f"- {_pattern_record(r)}" for r in study.results.values()]
    recs = [r.pattern_record for r in study.results.values()]
    n = sum(x["n_resolved"] for x in recs)
    if len(recs) > 1 and n:
        hits = sum(x["n_target_reached"] for x in recs)
        base = [x["baseline_hit_rate_pct"] * x["n_resolved"] for x in recs
                if not F.is_missing(x["baseline_hit_rate_pct"])]
        pooled = f"{hits} of {n} ({F.pct(hits / n * 100, 0, signed=False)})"
        if base:
            pooled += (f" against {F.pct(sum(base) / n, 0, signed=False)} for the random "
                       "entry")
        lines.append(f"- Pooled: {pooled}; the indexes move together, so the pooled patterns "
                     "are not independent observations.")
    qs = [q for q in (getattr(study, "record_qvalues", None) or {}).values()
          if not F.is_missing(q)]
    if len(qs) > 1:
        k = sum(q <= Q_LEVEL for q in qs)
        lines.append(f"- Tested on {len(qs)} indexes at once: {k} of {len(qs)} survive a "
                     f"Benjamini-Hochberg false-discovery rate of {Q_LEVEL:.0%} (column q).")
    return ("How the head-and-shoulders detector did on each index's own history (targets "
            "from the sloped neckline):\n" + "\n".join(lines))


def _study_inputs(study) -> str:
    """What this page reads, by value: the indexes, the benchmark, the bars and the settings."""
    if not study.results:
        return "**This page reads** no index."
    r0 = next(iter(study.results.values()))
    p, unit = r0.params, _bar_word(r0)
    names = ", ".join(f"{k} ({r.name})" for k, r in study.results.items())
    mas = [str(m) for m in p.get("mas", [])]
    ma_txt = (", ".join(f"{m}-" for m in mas[:-1]) + f" and {mas[-1]}-{unit}" if len(mas) > 1
              else f"{mas[0]}-{unit}" if mas else "no")
    bars = "weekly bars (weeks ending Friday)" if unit == "week" else "daily bars"
    bench = (f"; relative strength against {study.benchmark}" if getattr(study, "benchmark", None)
             else "")
    macd = "/".join(str(x) for x in p.get("macd", []))
    wins = ", ".join(str(x) for x in p.get("pattern_windows", []))
    return (f"**This page reads** the {bars} of {names}, whole history (records and the "
            f"detector's record), the last {F.plural(p.get('lookback_bars', 0), unit)} drawn "
            f"and searched{bench}; {ma_txt} moving averages; MACD {macd}; swing points "
            f"{p.get('pivot_window')} {unit}s each side; levels within "
            f"{p.get('level_tolerance_pct', 0):g}%; head-and-shoulders over pivot windows "
            f"{wins}.")


_STUDY = {"dashboard": _dashboard, "levels": _study_levels, "patterns": _study_patterns,
          "pattern_record": _study_record}


def _read_study(study, section: str | None) -> str:
    if section == "inputs":  # what the page reads (shown above the dashboard, not in the reading)
        return _study_inputs(study)
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


# ------------------------------------------------------------------------------------------------
# The brief: the verdicts on top of the page
# ------------------------------------------------------------------------------------------------

def brief(study) -> list[str]:
    """The page's brief of a trend study: five Markdown sentences, each ending with a link to
    the section it summarises (:data:`HEADINGS`): trend (averages and structure), momentum
    and records, the nearest support and resistance, the live patterns, and the detector's
    record against a random entry (excess in pp, z, q and the non-overlapping episodes it
    rests on).  Every sentence names the indexes each state applies to, so it reads true on
    any data."""
    results = study.results
    if not results:
        return ["No index analysed. " + F.section_link(HEADINGS["dashboard"])]
    return [_brief_trend(results), _brief_momentum(results), _brief_levels(results),
            _brief_patterns(results), _brief_record(study)]


def _blink(section: str) -> str:
    return " " + F.section_link(HEADINGS[section])


def _group(results: dict, pred) -> list[str]:
    return [k for k, r in results.items() if pred(r)]


def _join(keys) -> str:
    keys = list(keys)
    return keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]


def _brief_trend(results: dict) -> str:
    r0 = next(iter(results.values()))
    n = len(results)
    unit = _bar_word(r0)
    spans = [f"{k}-" for k in r0.pct_vs_ma]
    mas = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]
    aligned = _group(results, lambda r: r.aligned)
    head = (f"As of {_day(r0.asof)}, {len(aligned)} of {n} indexes "
            + (f"({_join(aligned)}) " if aligned else "")
            + f"close above rising, aligned {mas}{unit} averages")
    below = _group(results, lambda r: all(_finite(v) and v < 0 for v in r.pct_vs_ma.values()))
    if below:
        head += f"; below all of them: {_join(below)}"
    parts = []
    for word in ("uptrend", "downtrend", "range"):
        keys = _group(results, lambda r, w=word: r.structure == w)
        if keys:
            parts.append(f"{word} {_join(keys)}")
    return f"{head}; structure (swing highs and lows): {'; '.join(parts)}." + \
        _blink("dashboard")


def _brief_momentum(results: dict) -> str:
    buy = _group(results, lambda r: r.macd_signal == "buy")
    sell = _group(results, lambda r: r.macd_signal == "sell")
    macd = "; ".join(x for x in (f"buy {_join(buy)}" if buy else "",
                                 f"sell {_join(sell)}" if sell else "") if x)
    record = _group(results, lambda r: pd.Timestamp(r.all_time_high_close_date)
                    == pd.Timestamp(r.asof))
    far = min(results, key=lambda k: results[k].pct_from_ath)
    text = f"MACD signal: {macd or 'none'}; "
    text += (f"a closing record on the last day: {_join(record)}" if record else
             "no closing record on the last day")
    text += (f"; furthest from its all-time high: {far} "
             f"({F.pct(results[far].pct_from_ath)})")
    return text + "." + _blink("dashboard")


def _brief_levels(results: dict) -> str:
    def one(k, r) -> str:
        sup = (f"{F.level(r.support[0], 0)} ({F.pct((r.support[0] / r.close - 1) * 100)})"
               if r.support else "none")
        res = (f"{F.level(r.resistance[0], 0)} ({F.pct((r.resistance[0] / r.close - 1) * 100)})"
               if r.resistance else "none")
        return f"{k} {sup} / {res}"

    r0 = next(iter(results.values()))
    return (f"Nearest support / resistance from the close ({r0.units}): "
            + "; ".join(one(k, r) for k, r in results.items()) + "." + _blink("levels"))


def _brief_patterns(results: dict) -> str:
    live = {k: r.patterns[r.patterns["state"].isin(LIVE)] for k, r in results.items()
            if len(r.patterns)}
    items = []
    for k, p in live.items():
        for _, row in p.iterrows():
            kind = "inverted H&S" if row["type"].startswith("inverse") else "H&S top"
            if row["state"] == "confirmed":
                items.append(f"{k} {kind} confirmed, target {F.level(row['target'], 0)}")
            else:
                items.append(f"{k} {kind} forming (target {F.level(row['target'], 0)} if it "
                             "confirms)")
    if not items:
        return "No live head-and-shoulders pattern on any index." + _blink("patterns")
    return ("Live head-and-shoulders patterns (targets from the sloped neckline): "
            + "; ".join(items) + "." + _blink("patterns"))


def _brief_record(study) -> str:
    results = study.results
    recs = {k: r.pattern_record for k, r in results.items()}
    tested = {k: x for k, x in recs.items() if x["n_resolved"]
              and not F.is_missing(x["baseline_hit_rate_pct"])}
    if not tested:
        return ("The detector has no resolved pattern to judge on these histories."
                + _blink("pattern_record"))
    qs = getattr(study, "record_qvalues", None) or {}
    hits = [x["hit_rate_pct"] for x in tested.values()]
    base = [x["baseline_hit_rate_pct"] for x in tested.values()]

    def rng(v) -> str:
        lo, hi = F.pct(min(v), 0, signed=False), F.pct(max(v), 0, signed=False)
        return lo if lo == hi else f"{lo} to {hi}"

    text = (f"Over each index's history the detector's confirmed patterns reached their "
            f"target {rng(hits)} of the time, against {rng(base)} for a random entry with the "
            "same target, stop and time limit")
    better = [k for k, x in tested.items() if x["verdict"] == "better"]
    worse = [k for k, x in tested.items() if x["verdict"] == "worse"]

    def detail(k) -> str:
        x = tested[k]
        q = qs.get(k)
        qtxt = "" if q is None or F.is_missing(q) else ", " + F.pvalue(q).replace("p", "q", 1)
        return (f"{k} {F.pp(x['excess_pp'])} (z = {x['z']:.1f}{qtxt}, "
                f"{F.plural(x.get('episodes', x['n_resolved']), 'non-overlapping episode')})")

    if better or worse:
        bits = []
        if better:
            bits.append(f"better than chance (|z| ≥ {T_CRIT}): "
                        + ", ".join(detail(k) for k in better))
        if worse:
            bits.append(f"worse than chance (|z| ≥ {T_CRIT}): "
                        + ", ".join(detail(k) for k in worse))
        text += f"; {'; '.join(bits)}"
    else:
        text += f"; no index's record differs from chance (|z| < {T_CRIT})"
    q = [v for v in qs.values() if not F.is_missing(v)]
    if len(q) > 1:
        k = sum(v <= Q_LEVEL for v in q)
        text += (f"; {'none' if k == 0 else f'{k}'} of the {len(q)} indexes "
                 f"{'survives' if k <= 1 else 'survive'} a {Q_LEVEL:.0%} false-discovery rate "
                 "across them")
    return text + "." + _blink("pattern_record")
