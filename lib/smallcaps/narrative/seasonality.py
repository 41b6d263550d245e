"""Prose for the seasonality study (notebook 03): monthly returns, month-of-year statistics,
the latest month's rank, seasonal paths, the Santa Claus rally, the January effect and
election-year Novembers (the Almanac's companion indicators are
:mod:`smallcaps.narrative.seasonality_almanac`).

:func:`read` takes any seasonality result (duck-typed by its class name, never imported) and
writes Markdown.  Each kind of result has its own sections (see :data:`SECTIONS_BY_RESULT`);
``section=None`` joins all of them.  Returns are written as percent (``+1.2%``), the
small-minus-large spread and every excess in percentage points (``+0.8 pp``).

Verdicts read the **excess** over the baseline (the unconditional mean of windows of the same
length in the same sample), never the t against zero: a statistic is "distinguishable" when
the excess's two-sided block-bootstrap p-value is below the result's ``p_level`` (5 %, the
level of ``stats.T_CRIT``).  A cell of a many-cell table is called strong or weak only when
it also survives the false-discovery control (q <= ``stats.Q_LEVEL``).  Every verdict says
how many independent observations it rests on, and names the years whose removal alone would
change it.
"""

from __future__ import annotations

from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.page import section_link
from smallcaps.stats import T_CRIT

__all__ = ["SECTIONS", "SECTIONS_BY_RESULT", "SANTA_DEFINITION", "HEADINGS", "read", "brief",
           "excess_clause", "flip_clause", "num"]

SANTA_DEFINITION = (
    "Santa Claus rally (Stock Trader's Almanac): the last five trading days of December plus the "
    "first two trading days of January, measured from the close of the sixth-to-last December "
    "trading day (the close before the window) to the close of the second January trading day; "
    "the window is labelled with the December's year."
)


def num(x, unit: str = "%", digits: int = 1) -> str:
    """A value in its unit: percent for an index, pp for a spread or an excess."""
    return fmt.pp(x, digits) if unit == "pp" else fmt.pct(x, digits)


def _q(q) -> str:
    return "q = n/a" if fmt.is_missing(q) else f"q = {float(q):.2f}"


def excess_clause(test, baseline_words: str, unit: str = "%", digits: int = 2,
                  q=None) -> str:
    """``"against <baseline_words> of +0.28%, an excess of +0.60 pp (95% CI -0.20 to +1.43
    pp, p = 0.15[, q = 0.25]; 36 independent observations)"``."""
    extra = f", {_q(q)}" if q is not None else ""
    n = int(test["episodes"]) if not fmt.is_missing(test["episodes"]) else 0
    return (f"against {baseline_words} of {num(test['baseline'], unit, digits)}, an excess of "
            f"{fmt.pp(test['excess'], digits)} (95% CI {fmt.pp(test['ci_low'], digits)} to "
            f"{fmt.pp(test['ci_high'], digits)}, {fmt.pvalue(test['p'])}{extra}; "
            f"{fmt.plural(n, 'independent observation')})")


def flip_clause(years, more: bool, verdict: str, lead: str = "The verdict") -> str:
    """The leave-one-out sentence, with a leading space ("" when no single year changes the
    verdict); ``lead`` names whose verdict it is."""
    years = [str(y) for y in years]
    if not years:
        return ""
    named = ", ".join(years) + (" and possibly more" if more else "")
    which = "that year" if len(years) == 1 and not more else "any one of these years"
    would = ("would be distinguishable" if verdict == "indistinct" else
             "would no longer be distinguishable")
    return f" {lead} hangs on single years: without {which} ({named}) the excess {would}."


# ----------------------------------------------------------------------------------------------
# Monthly returns
# ----------------------------------------------------------------------------------------------


def _names(items) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _monthly_inputs(m) -> str:
    done = m.complete
    firsts = {c: done[c].first_valid_index() for c in m.series}
    firsts = {c: p for c, p in firsts.items() if p is not None}
    text = f"Inputs: daily closes of {_names(m.series)}"
    if m.spread:
        small, large = m.pair
        text += (f", and the spread {small} minus {large} (small caps minus large caps, in "
                 "percentage points)")
    if not firsts:
        return text + f"; no complete month by the as-of date {m.asof:%Y-%m-%d}."
    common = min(firsts.values())
    late = [f"{c} from {p:%Y-%m}" for c, p in firsts.items() if p > common]
    return (text + f"; calendar months from {common:%Y-%m}"
            + (f" ({', '.join(late)})" if late else "")
            + f" to the as-of date {m.asof:%Y-%m-%d}.")


def _monthly_asof(m) -> str:
    text = f"Data as of {m.asof_text or f'{m.asof:%Y-%m-%d}'}."
    if m.partial is not None:
        text += (f" {m.partial:%B %Y} is month-to-date through {m.asof:%Y-%m-%d} (partial): it "
                 "is shown apart and kept out of every statistic.")
    else:
        text += f" Every month through {m.asof:%B %Y} is complete."
    return text


def _monthly_latest(m) -> str:
    done = m.complete.dropna(how="all")
    if done.empty:
        return "No complete month in the data yet."
    last = done.index[-1]
    row = done.loc[last]
    parts = [f"{s} {fmt.pct(row[s])}" for s in m.series if not fmt.is_missing(row[s])]
    text = f"**{last:%B %Y}** (latest complete month): " + ", ".join(parts) + "."
    if m.spread and not fmt.is_missing(row[m.spread]):
        v = float(row[m.spread])
        lead = "led" if v > 0 else "lagged"
        text += (f" Small caps {lead} large caps by {fmt.pp(abs(v), signed=False)} "
                 f"({m.spread}).")
    if m.partial is not None:
        mtd = m.table.loc[m.partial]
        parts = [f"{s} {fmt.pct(mtd[s])}" for s in m.series if not fmt.is_missing(mtd[s])]
        text += (f" **{m.partial:%B %Y} so far** (month-to-date through "
                 f"{m.asof:%Y-%m-%d}, partial): " + ", ".join(parts) + ".")
    return text


def _monthly_history(m) -> str:
    columns = [m.pair[0], m.spread] if m.spread else list(m.series)
    hist = m.history
    paragraphs = []
    for col in columns:
        h = hist.loc[col]
        if not h["months"]:
            paragraphs.append(f"{col}: no complete month.")
            continue
        unit = h["unit"]
        what = f"the {col} spread" if col == m.spread else col
        text = (f"For {what}, {h['months']} complete months from {h['first']} to {h['last']}: "
                f"the best was {h['best_month']} ({num(h['best'], unit)}), the worst "
                f"{h['worst_month']} ({num(h['worst'], unit)}); "
                f"{fmt.share(h['positive_share'])} of months were positive.")
        so_far = " so far" if h["year_months"] < 12 else ""
        text += (f" In {h['year']}, {h['year_up']} of {h['year_months']} complete months"
                 f"{so_far} were positive")
        if col != m.spread:
            text += f" (compounded {fmt.pct(h['year_compounded'])})"
        paragraphs.append(text + ".")
    return "\n\n".join(paragraphs)


# ----------------------------------------------------------------------------------------------
# Month-of-year statistics
# ----------------------------------------------------------------------------------------------


def _what(stats, series: str) -> str:
    return "the small-minus-large spread" if series == stats.spread else series


def _p_level(result) -> str:
    return f"{float(result.p_level):.2f}"


def _stats_overview(stats) -> str:
    over = stats.overview
    fdr = stats.fdr
    years = f"{stats.first_year}-{stats.last_year}" if stats.first_year else "no years"
    lead = (f"Complete months only, {years}. Each month is tested against its series' own "
            f"average month (block bootstrap with {stats.block}-month blocks; each year is one "
            "independent observation), and the cells are controlled together for false "
            f"discoveries (Benjamini-Hochberg): **{fdr['surviving']} of {fdr['cells']} month x "
            f"series cells survive at q ≤ {fmt.share(stats.q_level)}**. Taken one at a time, "
            f"{fdr['distinct']} differ from their series' average month at p < "
            f"{_p_level(stats)}, and {fdr['t_vs_zero']} have |t| ≥ {T_CRIT} against zero, a "
            "test that mistakes the market's normal upward drift for a seasonal effect.")
    if fdr["surviving_cells"]:
        lead += " Surviving: " + ", ".join(fdr["surviving_cells"]) + "."
    lines = []
    for s, o in over.iterrows():
        if not o["months_read"]:
            lines.append(f"- {s}: no month has at least {stats.min_years} years of data.")
            continue
        u = o["unit"]
        distinct = o["distinct"]
        if distinct:
            words = ", ".join(f"{m} ({_direction(stats, s, m)})" for m in distinct)
            alive = o["surviving"]
            test = (f"At p < {_p_level(stats)} one at a time: {words}; "
                    + (f"surviving the false-discovery control: {', '.join(alive)}."
                       if alive else "none survives the false-discovery control."))
        else:
            test = f"No month differs from the average month at p < {_p_level(stats)}."
        lines.append(
            f"- **{s}**: best month on average {o['best_month']} ({num(o['best'], u, 2)}, "
            f"hit rate {fmt.share(o['best_hit_rate'])}), worst {o['worst_month']} "
            f"({num(o['worst'], u, 2)}, hit rate {fmt.share(o['worst_hit_rate'])}); the "
            f"average month {num(stats.table.loc[(s, o['best_month']), 'baseline'], u, 2)}. "
            + test)
    return lead + "\n\n" + "\n".join(lines)


def _direction(stats, series: str, month: str) -> str:
    return "above" if stats.table.loc[(series, month), "excess"] > 0 else "below"


def _month_verdict(stats, row, month: str, what: str) -> str:
    v, alive = row["verdict"], bool(row["survives"])
    cells = stats.fdr["cells"]
    if v == "above":
        return (f"{month} has been a strong month for {what}" if alive else
                f"{month} has beaten the average month for {what} taken alone, but not once "
                f"all {cells} cells are tested together")
    if v == "below":
        return (f"{month} has been a weak month for {what}" if alive else
                f"{month} has trailed the average month for {what} taken alone, but not once "
                f"all {cells} cells are tested together")
    side = "above" if row["excess"] > 0 else "below"
    return (f"{month} has been {side} the average month for {what}, but not distinguishably "
            "so")


def _describe_month(stats, series: str, month: str) -> str:
    row = stats.table.loc[(series, month)]
    unit = stats.units[series]
    if not row["enough_years"]:
        return (f"{month} for {series}: only {int(row['n'])} years (fewer than "
                f"{stats.min_years}), too few to read.")
    o = stats.overview.loc[series]
    rank, what = int(row["rank"]), _what(stats, series)

    def n2(x) -> str:
        return num(x, unit, 2)

    return (f"{_month_verdict(stats, row, month, what)}: mean {n2(row['mean'])} (median "
            f"{n2(row['median'])}, trimmed mean {n2(row['trimmed_mean'])}) over "
            f"{int(row['n'])} years, "
            + excess_clause(row, "an average month", unit, q=row["q"])
            + f". Against the other eleven months Welch {fmt.tstat(row['welch_t_vs_other_months'])}"
            f" (against zero {fmt.tstat(row['t'])}). Positive in {fmt.share(row['hit_rate'])} "
            f"of years, rank {rank} of {int(o['months_read'])} months; best "
            f"{int(row['best_year'])} ({n2(row['best'])}), worst {int(row['worst_year'])} "
            f"({n2(row['worst'])})." + flip_clause(row["loo"], row["loo_more"], row["verdict"]))


def _stats_months(stats) -> str:
    """The focus months one by one, then the flagged months (too few years) when any."""
    text = "\n".join(f"- {_describe_month(stats, s, m)}"
                     for s in stats.focus_series for m in stats.focus)
    flagged = _stats_flagged(stats)
    return text + (f"\n\n{flagged}" if flagged else "")


def _stats_flagged(stats) -> str:
    flagged = stats.table.loc[~stats.table["enough_years"]]
    if flagged.empty:
        return ""
    names = ", ".join(f"{s} {m}" for s, m in flagged.index)
    return f"Flagged (fewer than {stats.min_years} years, not read or tested): {names}."


# ----------------------------------------------------------------------------------------------
# Latest month's rank
# ----------------------------------------------------------------------------------------------


def _rank(rank) -> str:
    if rank.table.empty:
        return "No complete month to rank yet."
    lines = []
    for s, row in rank.table.iterrows():
        r, of = int(row["rank"]), int(row["of"])
        quarter = max(1, round(of / 4))
        where = ("in the top quarter" if r <= quarter else
                 "in the bottom quarter" if r > of - quarter else "in the middle half")
        u = row["unit"]
        lines.append(f"- {s}: {row['month']} {num(row['return_pct'], u)}, rank {r} of {of} "
                     f"({where}; average for the month {num(row['mean_pct'], u, 2)}).")
    return ("Latest complete month against the same month of every year (1 = best):\n\n"
            + "\n".join(lines))


# ----------------------------------------------------------------------------------------------
# Seasonal path
# ----------------------------------------------------------------------------------------------


def _path(path) -> str:
    years = path.years
    if not years:
        return "No complete year to average."
    u = path.unit
    what = f"{path.series} (small minus large)" if path.pair else path.series
    end = path.year_end
    text = (f"Over {len(years)} complete years ({years[0]}-{years[-1]}) {what} ended "
            f"the year {num(end['mean'], u)} on average (middle half of years "
            f"{num(end['q25'], u)} to {num(end['q75'], u)}).")
    pos = path.position
    if pos is not None:
        text += (f" {path.current_year} so far: {num(pos['value'], u)} after {pos['day']} "
                 f"trading days (to {path.asof:%Y-%m-%d}) against an average of "
                 f"{num(pos['mean'], u)} at the same trading day, {pos['where']} the middle "
                 f"half of years ({num(pos['q25'], u)} to {num(pos['q75'], u)}).")
    return text


# ----------------------------------------------------------------------------------------------
# Santa Claus rally, January effect, election years
# ----------------------------------------------------------------------------------------------


def _santa_definition(santa) -> str:
    return SANTA_DEFINITION


_WINDOW_VERDICT = {
    "above": "the rally beats an ordinary {d}-day window",
    "below": "the window has been weaker than an ordinary {d}-day window",
    "indistinct": "not distinguishable from an ordinary {d}-day window",
    "untested": "too few windows to test",
}


def _santa_rally(santa) -> str:
    d = santa.days
    lines = [f"Each window is compared with the average of **all** {d}-trading-day windows of "
             f"the same years (the market's normal drift over {d} days), block bootstrap with "
             f"{santa.block}-day blocks; a verdict needs p < {_p_level(santa)}."]
    for s, row in santa.summary().iterrows():
        u = row["unit"]
        if row["n"] == 0:
            lines.append(f"- {s}: no complete Santa Claus window in the data.")
            continue
        latest, year = row["latest"], int(row["latest_year"])
        vs = "above" if latest > row["mean"] else "below"
        test = santa.tests.loc[s]
        what = f"**{s}** (small minus large)" if u == "pp" else f"**{s}**"
        lines.append(
            f"- {what}: mean {num(row['mean'], u, 2)} over {int(row['n'])} windows (median "
            f"{num(row['median'], u, 2)}, trimmed mean {num(row['trimmed_mean'], u, 2)}), "
            f"positive in {fmt.share(row['hit_rate'])}; "
            + excess_clause(test, f"the average {d}-day window", u)
            + f": {_WINDOW_VERDICT[test['verdict']].format(d=d)} (against zero "
            f"{fmt.tstat(row['t_vs_zero'])})."
            + flip_clause(test["loo"], test["loo_more"], test["verdict"])
            + f" Latest ({year}-{year + 1}): {num(latest, u, 2)}, {vs} the average.")
    excluded = _santa_excluded(santa)
    return "\n".join(lines) + (f"\n\n{excluded}" if excluded else "")


def _santa_excluded(santa) -> str:
    if not santa.incomplete:
        return ""
    by = f" by {santa.asof:%Y-%m-%d}" if santa.asof is not None else ""
    notes = "; ".join(f"{y} ({days} of 2 January sessions{by})"
                      for y, days in sorted(santa.incomplete.items()))
    return f"Excluded, window not complete as of the data: {notes}."


_JANUARY_VERDICT = {
    "above": "The data support a January effect: small caps have gained more on large caps in "
             "January than in their average month.",
    "below": "The data contradict a January effect: small caps have done worse against large "
             "caps in January than in their average month.",
    "indistinct": "The data do not support a reliable January effect.",
    "untested": "Too few Januaries to test a January effect.",
}


def _january(jan) -> str:
    st = jan.stats
    if st["n"] == 0:
        return "No complete January in the data."
    lead = "led" if st["mean_pct"] > 0 else "lagged"
    often = ("more often than not" if st["hit_rate"] > 0.5 else
             "in no more than half of the years")
    text = (f"In January small caps ({jan.small}) {lead} large caps ({jan.large}) by "
            f"{fmt.pp(abs(st['mean_pct']), 2, signed=False)} on average over {st['n']} years "
            f"({jan.table.index[0]}-{jan.table.index[-1]}), median {fmt.pp(st['median_pct'], 2)}"
            f", trimmed mean {fmt.pp(st['trimmed_mean_pct'], 2)}, and beat them {often} "
            f"({fmt.share(st['hit_rate'])}). Tested "
            + excess_clause(jan.test, "the spread's average month", "pp")
            + f"; against the other months Welch {fmt.tstat(st['welch_t_vs_other_months'])} "
            f"(against zero {fmt.tstat(st['t'])}). {_JANUARY_VERDICT[st['verdict']]}"
            + flip_clause(st["loo"], st["loo_more"], st["verdict"]))
    if st["recent_n"] >= 3:
        text += (f" Over the last {st['recent_n']} Januaries the mean spread was "
                 f"{fmt.pp(st['recent_mean_pct'], 2)}.")
    return text


_EXCESS_WORDS = {"above": "above an ordinary", "below": "below an ordinary",
                 "indistinct": "not distinguishable from an ordinary",
                 "untested": "too few to test against an ordinary"}


def _election(el) -> str:
    summ, diff = el.group_table(), el.difference
    lines = [f"Each group of Novembers is tested against the series' average month, "
             f"November-December against the average two-month window (block bootstrap, "
             f"12-month blocks; a verdict needs p < {_p_level(el)})."]
    for s in el.series:
        e, o = summ.loc[(s, "election_years")], summ.loc[(s, "other_years")]
        if e["n"] == 0 or o["n"] == 0:
            lines.append(f"- {s}: not enough years in both groups.")
            continue
        d = diff.loc[s]
        better = "stronger" if d["diff_pp"] > 0 else "weaker"
        sig = ("a difference that is statistically distinguishable from zero"
               if not fmt.is_missing(d["t"]) and abs(d["t"]) >= T_CRIT else
               "with so few election years, not a statistically distinguishable difference")
        nd_better = "stronger" if d["nov_dec_diff_pp"] > 0 else "weaker"
        text = (f"- **{s}**: November averaged {fmt.pct(e['mean_pct'], 2)} in {int(e['n'])} "
                f"election years vs {fmt.pct(o['mean_pct'], 2)} in {int(o['n'])} other years: "
                f"{better} by {fmt.pp(abs(d['diff_pp']), 2, signed=False)} ({sig}, Welch "
                f"{fmt.tstat(d['t'])}).")
        if (s, "election_years") in el.tests.index:
            t = el.tests.loc[(s, "election_years")]
            text += (f" Election-year Novembers (median {fmt.pct(e['median_pct'], 2)}, trimmed "
                     f"mean {fmt.pct(e['trimmed_mean_pct'], 2)}) measured "
                     + excess_clause(t, f"an average {s} month", "%", 2)
                     + f": {_EXCESS_WORDS[t['verdict']]} month."
                     + flip_clause(t["loo"], t["loo_more"], t["verdict"])
                     + f" November-December: {fmt.pct(e['nov_dec_mean_pct'], 2)} (median "
                     f"{fmt.pct(e['nov_dec_median_pct'], 2)}, trimmed mean "
                     f"{fmt.pct(e['nov_dec_trimmed_mean_pct'], 2)}) vs "
                     f"{fmt.pct(o['nov_dec_mean_pct'], 2)} ({nd_better}); election years' excess "
                     f"over the average two-month window {fmt.pp(t['nov_dec_excess'], 2)} "
                     f"({fmt.pvalue(t['nov_dec_p'])}).")
        else:
            text += (f" November-December: {fmt.pct(e['nov_dec_mean_pct'], 2)} vs "
                     f"{fmt.pct(o['nov_dec_mean_pct'], 2)} ({nd_better}).")
        lines.append(text)
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Dispatch
# ----------------------------------------------------------------------------------------------

_READERS = {
    "MonthlyReturns": {"inputs": _monthly_inputs, "asof": _monthly_asof,
                       "latest": _monthly_latest,
                       "history": _monthly_history},
    "MonthStats": {"overview": _stats_overview, "months": _stats_months},
    "MonthRank": {"rank": _rank},
    "SeasonalPath": {"path": _path},
    "SantaRally": {"definition": _santa_definition, "rally": _santa_rally},
    "JanuaryEffect": {"effect": _january},
    "ElectionYears": {"november": _election},
}

#: The sections each kind of result can write, in reading order.
SECTIONS_BY_RESULT = {kind: tuple(readers) for kind, readers in _READERS.items()}

#: Every section name this module knows.
SECTIONS = tuple(dict.fromkeys(s for names in SECTIONS_BY_RESULT.values() for s in names))


def read(result, section: str | None = None) -> str:
    """Markdown prose about a seasonality result.

    Parameters
    ----------
    result
        A result of :mod:`smallcaps.seasonality` (``MonthlyReturns``, ``MonthStats``,
        ``MonthRank``, ``SeasonalPath``, ``SantaRally``, ``JanuaryEffect`` or
        ``ElectionYears``).
    section : str, optional
        One of the result's sections (:data:`SECTIONS_BY_RESULT`); None joins them all.

    Raises
    ------
    ParameterError
        For a section the result does not have (the message names the valid ones).
    """
    kind = next((c.__name__ for c in type(result).__mro__ if c.__name__ in _READERS), None)
    if kind is None:
        raise ParameterError(f"no seasonality reading for a {type(result).__name__}")
    readers = _READERS[kind]
    if section is None:
        return "\n\n".join(t for t in (f(result) for f in readers.values()) if t)
    if section not in readers:
        raise ParameterError(f"{kind} has no reading section {section!r}; valid: "
                             + ", ".join(readers))
    return readers[section](result)


# ----------------------------------------------------------------------------------------------
# The brief: the verdicts on top of the page
# ----------------------------------------------------------------------------------------------

#: The notebook's section headings the brief links to (``##`` / ``###`` in notebook 03).
HEADINGS = {"months": "Month-of-year statistics", "santa": "Santa Claus rally",
            "january": "January effect", "almanac": "The Almanac's companions",
            "JanuaryBarometer": "January Barometer", "FirstFiveDays": "First Five Days",
            "DecemberLow": "December Low", "BestSixMonths": "Best Six Months",
            "MidJanuaryReversal": "Mid-January reversal"}

#: The Almanac's indicators by class name: how the brief names them and what their groups
#: are measured against.
_INDICATORS = {"JanuaryBarometer": ("the January Barometer", "all years"),
               "FirstFiveDays": ("the First Five Days", "all years"),
               "DecemberLow": ("the December Low", "all years"),
               "BestSixMonths": ("Best Six Months", "the average half-year"),
               "MidJanuaryReversal": ("the mid-January reversal", "the average 10-day window")}

#: The indicators' groups in words.
_GROUP_WORDS = {"january_up": "after an up January", "january_down": "after a down January",
                "first_five_up": "after up first five days",
                "first_five_down": "after down first five days",
                "break": "after a first-quarter break of the December low",
                "no_break": "in years without a break", "nov_apr": "November-April",
                "may_oct": "May-October", "all_years": "late January in all years",
                "after_santa_gain": "late January after a Santa Claus gain"}


def _kind_of(result) -> str:
    names = [c.__name__ for c in type(result).__mro__]
    return next((n for n in names if n in _READERS or n in _INDICATORS), "")


def _link(key: str) -> str:
    return " " + section_link(HEADINGS[key])


def _cap(text: str) -> str:
    """The first letter upper case (after any leading ``**``)."""
    i = len(text) - len(text.lstrip("*"))
    return text[:i] + text[i:i + 1].upper() + text[i + 1:]


def _uncertainty(test, q=None, cells: int | None = None) -> str:
    """``"95% CI -0.10 pp to +3.35 pp, p = 0.069, q = 0.29 over 60 cells; 37 independent
    years"``."""
    n = 0 if fmt.is_missing(test["episodes"]) else int(test["episodes"])
    extra = ""
    if q is not None and not fmt.is_missing(q):
        extra = f", {_q(q)}" + (f" over {cells} cells" if cells else "")
    return (f"95% CI {fmt.pp(test['ci_low'], 2)} to {fmt.pp(test['ci_high'], 2)}, "
            f"{fmt.pvalue(test['p'])}{extra}; {fmt.plural(n, 'independent year')}")


def _hangs(test) -> str:
    years = [str(y) for y in test["loo"]]
    if not years or test["verdict"] not in ("above", "below"):
        return ""
    more = " and possibly more" if test["loo_more"] else ""
    return f"; the verdict hangs on single years ({', '.join(years)}{more})"


def _brief_november(stats) -> str | None:
    series = stats.focus_series[0]
    if (series, "November") not in stats.table.index:
        return None
    row = stats.table.loc[(series, "November")]
    u, cells = stats.units[series], stats.fdr["cells"]
    if row["verdict"] == "untested":
        return (f"November is too short a record for {series} to test (only "
                f"{fmt.plural(int(row['n']), 'year')})." + _link("months"))
    alive = bool(row["survives"])
    lead = {
        ("above", True): f"**November has been a strong month for {series}**",
        ("above", False): f"**November has beaten {series}'s average month taken alone, but "
                          f"not once all {cells} month x series cells are tested together**",
        ("below", True): f"**November has been a weak month for {series}**, against the claim",
        ("below", False): f"**November has trailed {series}'s average month taken alone "
                          f"(against the claim), but not once all {cells} cells are tested "
                          "together**",
    }.get((row["verdict"], alive), f"**November is not distinguishable from {series}'s "
                                   "average month**")
    return (f"{lead}: it averaged {num(row['mean'], u, 2)} over "
            f"{fmt.plural(int(row['n']), 'year')}, an excess of {fmt.pp(row['excess'], 2)} over "
            f"the average month ({_uncertainty(row, row['q'], cells)}){_hangs(row)}."
            + _link("months"))


def _brief_december(stats) -> str:
    """December of the spread (the December dip of small caps against large caps; of the
    small-cap series without a spread) and the table's false-discovery count."""
    series = stats.spread or stats.focus_series[0]
    fdr = stats.fdr
    table = (f"{fdr['surviving']} of the {fdr['cells']} month x series cells survive the "
             f"false-discovery control at q ≤ {fmt.share(stats.q_level)}"
             + _some(fdr["surviving_cells"])
             + f", and {fdr['distinct']} differ from their average month at p < "
             f"{_p_level(stats)} taken alone")
    if (series, "December") not in stats.table.index:
        return _cap(table) + "." + _link("months")
    row = stats.table.loc[(series, "December")]
    who = "for small caps against large caps" if series == stats.spread else f"for {series}"
    if row["verdict"] == "untested":
        return (f"December is too short a record {who} to test; " + table + "."
                + _link("months"))
    cells, alive = fdr["cells"], bool(row["survives"])
    held = ("surviving the false-discovery control" if alive else
            f"at p < {_p_level(stats)} taken alone but not once all {cells} cells are tested "
            "together")
    lead = {"below": f"**A December dip {who}**" if alive else
                     f"**A December dip {who} taken alone, not once all {cells} cells are "
                     "tested together**",
            "above": f"**No December dip {who} over the whole month, rather the reverse**"}.get(
        row["verdict"], f"**No reliable December dip {who} over the whole month**")
    what = f"the spread {series}" if series == stats.spread else series
    side = "above" if row["excess"] > 0 else "below"
    verdict = held if row["verdict"] in ("above", "below") else "not distinguishable"
    return (f"{lead}: in December {what} was {fmt.pp(abs(row['excess']), 2, signed=False)} "
            f"{side} its average month ({_uncertainty(row, row['q'])}), {verdict}"
            f"{_hangs(row)}; {table}." + _link("months"))


def _some(cells: list, most: int = 4) -> str:
    """``" (A, B)"``, ``" (A, B, C, D and 3 more)"`` or ``""``."""
    if not cells:
        return ""
    more = f" and {len(cells) - most} more" if len(cells) > most + 1 else ""
    shown = cells[:most] if more else cells
    return f" ({', '.join(shown)}{more})"


def _brief_santa(santa, small: str) -> str:
    tests = santa.tests
    col = small if small in tests.index else (tests.index[0] if len(tests) else None)
    d = santa.days
    if col is None or tests.loc[col, "verdict"] == "untested":
        return (f"Too few complete Santa Claus windows to test against ordinary {d}-day "
                "windows." + _link("santa"))
    t = tests.loc[col]
    lead = {"above": f"**The Santa Claus rally beats an ordinary {d}-day window for {col}**",
            "below": f"**The Santa Claus window has been weaker than an ordinary {d}-day window "
                     f"for {col}**, against the claim",
            }.get(t["verdict"], f"**The Santa Claus rally is not distinguishable from an "
                                f"ordinary {d}-day window for {col}**")
    u = santa.units[col]
    others = {c: tests.loc[c, "verdict"] for c in tests.index if c != col}
    also = {t["verdict"]: f"also {t['verdict']}"}
    words = {"above": also.get("above", "above an ordinary window"),
             "below": also.get("below", "below an ordinary window"),
             "indistinct": "not distinguishable", "untested": "too few windows"}
    rest = "; ".join(f"{w} for {_names(cols)}" for v, w in words.items()
                     if (cols := [c for c, got in others.items() if got == v]))
    return (f"{lead}: {num(t['mean'], u, 2)} on average, an excess of {fmt.pp(t['excess'], 2)} "
            f"over the average {d}-day window ({_uncertainty(t)}){_hangs(t)}"
            + (f"; {rest}" if rest else "") + "." + _link("santa"))


def _brief_january(jan, stats=None) -> str:
    st = jan.stats
    if st["n"] == 0 or st["verdict"] == "untested":
        return "Too few complete Januaries to test a January effect." + _link("january")
    lead = {"above": "**The data support a January effect**",
            "below": "**The data contradict a January effect**"}.get(
        st["verdict"], "**No reliable January effect**")
    q = cells = None
    spread = f"{jan.small}-{jan.large}"
    if stats is not None and (spread, "January") in stats.table.index:
        q, cells = stats.table.loc[(spread, "January"), "q"], stats.fdr["cells"]
    side = "led" if st["mean_pct"] > 0 else "lagged"
    test = dict(jan.test, episodes=st["episodes"], verdict=st["verdict"], loo=st["loo"],
                loo_more=st["loo_more"])
    return (f"{lead}: in January small caps ({jan.small}) {side} large caps ({jan.large}) by "
            f"{fmt.pp(abs(st['mean_pct']), 2, signed=False)} on average and beat them in "
            f"{fmt.share(st['hit_rate'])} of years, an excess of {fmt.pp(st['excess_pct'], 2)} "
            f"over the spread's average month ({_uncertainty(test, q, cells)}){_hangs(test)}."
            + _link("january"))


def _quoted_group(ind, col: str, verdict: str) -> str:
    """The group whose figure the brief quotes for one column: the one that carries a
    supported (or contradicted) verdict, else the first claimed group with a test."""
    opposite = {"above": "below", "below": "above"}
    claims = [g for g in ind.claims if (col, g) in ind.tests.index]
    for g in claims:
        got = ind.tests.loc[(col, g), "verdict"]
        if (verdict == "supported" and got == ind.claims[g]) or (
                verdict == "contradicted" and got == opposite[ind.claims[g]]):
            return g
    tested = [g for g in claims if not fmt.is_missing(ind.tests.loc[(col, g), "p"])]
    return (tested or claims or list(ind.groups))[0]


def _indicator_number(ind, kind: str, col: str, baseline_words: bool = True) -> str:
    """The quoted figure of one indicator for one column, with its uncertainty (and the
    baseline it is measured against, unless ``baseline_words`` is False)."""
    group = _quoted_group(ind, col, ind.verdicts.get(col, ""))
    if (col, group) not in ind.tests.index:
        return f"{_GROUP_WORDS.get(group, group)}: not tested"
    t = ind.tests.loc[(col, group)]
    if kind == "BestSixMonths" and col in ind.difference.index:
        d = ind.difference.loc[col]
        return (f"November-April beat May-October by {fmt.pp(d['diff_pp'], 2)} (95% CI "
                f"{fmt.pp(d['ci_low'], 2)} to {fmt.pp(d['ci_high'], 2)}, {fmt.pvalue(d['p'])}, "
                f"{_q(t['q'])}; {fmt.plural(int(t['episodes']), 'year')})")
    over = f" over {_INDICATORS[kind][1]}" if baseline_words else ""
    return (f"{_GROUP_WORDS.get(group, group)} {fmt.pp(t['excess'], 2)}{over} "
            f"({fmt.pvalue(t['p'])}, {_q(t['q'])}; {fmt.plural(int(t['episodes']), 'year')})")


def _held(ind, kind: str, small: str, verdicts: dict) -> str:
    """An indicator that holds (or is contradicted) for some columns: which, and its figure
    for the small-cap series when it is one of them (else the first)."""
    yes = [c for c, x in verdicts.items() if x == "supported"]
    no = [c for c, x in verdicts.items() if x == "contradicted"]
    col = small if small in yes + no else (yes + no)[0]
    bits = ([f"holds for {_names(yes)}"] if yes else []) + (
        [f"is contradicted for {_names(no)}"] if no else [])
    group = _quoted_group(ind, col, verdicts[col])
    q = ind.tests.loc[(col, group), "q"] if (col, group) in ind.tests.index else float("nan")
    cells = len(ind.tests)
    control = (f"surviving the false-discovery control over its table's {cells} cells"
               if not fmt.is_missing(q) and q <= ind.q_level else
               f"but not once its table's {cells} cells are tested together")
    return (f"**{_INDICATORS[kind][0]} {' and '.join(bits)}** at p < {float(ind.p_level):.2f}: "
            f"for {col} {_indicator_number(ind, kind, col)}, {control}")


def _brief_almanac(indicators: list, small: str) -> list[str]:
    """One sentence for the indicators that hold (or are contradicted) somewhere, one for
    those that hold nowhere."""
    held, failed = [], []
    for kind, ind in indicators:
        v = ind.verdicts
        (held if any(x in ("supported", "contradicted") for x in v.values()) else
         failed).append((kind, ind, v))
    out = []
    if held:
        text = "; ".join(_held(ind, kind, small, v) for kind, ind, v in held)
        out.append(_cap(text) + "." + _link(held[0][0] if len(held) == 1 else "almanac"))
    if failed:
        names = _names([_INDICATORS[k][0] for k, _, _ in failed])
        n_cols = max(len(v) for _, _, v in failed)
        col = {k: small if small in ind.columns else ind.columns[0] for k, ind, _ in failed}
        cols = set(col.values())
        figures = ", ".join((f"for {col[kind]} " if len(cols) > 1 else "")
                            + _indicator_number(ind, kind, col[kind], len(failed) == 1)
                            for kind, ind, _ in failed)
        verb = "holds" if len(failed) == 1 else "hold"
        base = "" if len(failed) == 1 else ", the excess over each baseline"
        where = f"; for {cols.pop()}{base}: " if len(cols) == 1 else f"; {base[2:]}: "
        none = "no column" if n_cols == 1 else f"none of the {n_cols} columns"
        out.append(_cap(f"**{names} {verb} for {none}** at p < "
                        f"{float(failed[0][1].p_level):.2f}{where}{figures}.")
                   + _link(failed[0][0] if len(failed) == 1 else "almanac"))
    return out


def brief(stats, *others) -> list[str]:
    """The page's brief: at most six Markdown sentences, the verdicts of notebook 03, each
    ending with a link to the section it summarises (:data:`HEADINGS`); numbers as the
    readings write them (2 decimals, excesses in pp, ``fmt.pvalue``, q with 2 decimals).

    Parameters
    ----------
    stats : MonthStats
        November of the small-cap series against its average month (excess, interval, p, q
        over the table, years), then December of the spread (the December dip) with the
        table's false-discovery count.
    *others
        ``SantaRally``, ``JanuaryEffect`` and the Almanac's indicators (one sentence for
        those that hold or are contradicted somewhere, one for those that hold nowhere).
    """
    small = stats.focus_series[0]
    out = [s for s in (_brief_november(stats), _brief_december(stats)) if s]
    indicators = []
    for r in others:
        kind = _kind_of(r)
        if kind == "SantaRally":
            out.append(_brief_santa(r, small))
        elif kind == "JanuaryEffect":
            out.append(_brief_january(r, stats))
        elif kind in _INDICATORS:
            indicators.append((kind, r))
        else:
            raise ParameterError(f"the seasonality brief cannot read a {type(r).__name__}")
    if indicators:
        out += _brief_almanac(indicators, small)
    return out[:6]
