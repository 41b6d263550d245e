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
from smallcaps.stats import T_CRIT

__all__ = ["SECTIONS", "SECTIONS_BY_RESULT", "SANTA_DEFINITION", "read", "excess_clause",
           "flip_clause", "num"]

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
    return "\n".join(f"- {_describe_month(stats, s, m)}"
                     for s in stats.focus_series for m in stats.focus)


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
                     f"({where}; average for the month {num(row['mean_pct'], u)}).")
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
            + f" Latest ({year}-{year + 1}): {num(latest, u)}, {vs} the average.")
    return "\n".join(lines)


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
    summ, diff = el.summary(), el.difference
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
        text = (f"- **{s}**: November averaged {fmt.pct(e['mean_pct'])} in {int(e['n'])} "
                f"election years vs {fmt.pct(o['mean_pct'])} in {int(o['n'])} other years: "
                f"{better} by {fmt.pp(abs(d['diff_pp']), signed=False)} ({sig}, Welch "
                f"{fmt.tstat(d['t'])}).")
        if (s, "election_years") in el.tests.index:
            t = el.tests.loc[(s, "election_years")]
            text += (f" Election-year Novembers (median {fmt.pct(e['median_pct'])}, trimmed "
                     f"mean {fmt.pct(e['trimmed_mean_pct'])}) measured "
                     + excess_clause(t, f"an average {s} month", "%", 1)
                     + f": {_EXCESS_WORDS[t['verdict']]} month."
                     + flip_clause(t["loo"], t["loo_more"], t["verdict"])
                     + f" November-December: {fmt.pct(e['nov_dec_mean_pct'])} (median "
                     f"{fmt.pct(e['nov_dec_median_pct'])}, trimmed mean "
                     f"{fmt.pct(e['nov_dec_trimmed_mean_pct'])}) vs "
                     f"{fmt.pct(o['nov_dec_mean_pct'])} ({nd_better}); election years' excess "
                     f"over the average two-month window {fmt.pp(t['nov_dec_excess'])} "
                     f"({fmt.pvalue(t['nov_dec_p'])}).")
        else:
            text += (f" November-December: {fmt.pct(e['nov_dec_mean_pct'])} vs "
                     f"{fmt.pct(o['nov_dec_mean_pct'])} ({nd_better}).")
        lines.append(text)
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Dispatch
# ----------------------------------------------------------------------------------------------

_READERS = {
    "MonthlyReturns": {"asof": _monthly_asof, "latest": _monthly_latest,
                       "history": _monthly_history},
    "MonthStats": {"overview": _stats_overview, "months": _stats_months,
                   "flagged": _stats_flagged},
    "MonthRank": {"rank": _rank},
    "SeasonalPath": {"path": _path},
    "SantaRally": {"definition": _santa_definition, "rally": _santa_rally,
                   "excluded": _santa_excluded},
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
