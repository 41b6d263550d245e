"""Prose for the Almanac's companion indicators of notebook 03: the January Barometer, the First
Five Days, the December Low, the Best Six Months and the mid-January reversal.

:func:`read` takes an indicator result of :mod:`smallcaps.seasonality.almanac` (duck-typed by
its class name, never imported).  Each has the sections ``definition`` (what counts, the
outcome and the baseline), ``groups`` (per index and the spread: each group's mean, median
and trimmed mean, its excess over the baseline with interval, p and q, the years that flip a
verdict and the verdict) and ``verdict`` (how many columns support the Almanac's claim).
Verdicts read the excess test at the result's ``p_level`` and say whether they survive the
table's false-discovery control (q <= ``q_level``).
"""

from __future__ import annotations

from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.narrative.seasonality import flip_clause, num

__all__ = ["SECTIONS", "DEFINITIONS", "CLAIMS", "read"]

DEFINITIONS = {
    "JanuaryBarometer": (
        "January Barometer (Stock Trader's Almanac: \"as January goes, so goes the year\"): "
        "January's return (last December close to last January close) is up or down; the "
        "outcome is the rest of the year, February to December (last January close to last "
        "December close), so January's own move is not counted twice. Baseline: the "
        "rest-of-year mean of all years, one independent observation per year."),
    "FirstFiveDays": (
        "First Five Days (Almanac: the first five trading days of January set the tone for the "
        "year): the return from the last December close to the fifth January close is up or "
        "down; the outcome is the rest of the year, from that fifth close to the last December "
        "close. Baseline: the rest-of-year mean of all years, one observation per year."),
    "DecemberLow": (
        "December Low indicator (Almanac: a first-quarter close below the previous December's "
        "lowest close warns of a weak year): any close from January to March below the lowest "
        "close of the previous December. The outcome is April to December (last March close to "
        "last December close), what can be acted on once the quarter is over; the calendar "
        "year itself would contain the fall that set off the signal. For the spread the signal "
        "reads the small/large price ratio. Baseline: the April-December mean of all years, one "
        "observation per year."),
    "BestSixMonths": (
        "Best Six Months (Almanac: November-April beats May-October): November-April runs from "
        "the last October close to the last April close and carries the April's year; the "
        "May-October that follows it runs on to the last October close. Baseline: the mean of "
        "all half-years (the non-overlapping six-month windows); Nov-Apr minus May-Oct is twice "
        "the Nov-Apr excess, tested with a block bootstrap over years (blocks of two "
        "half-years)."),
    "MidJanuaryReversal": (
        "Mid-January reversal (2023 commentary: \"the usual rug pull\" after the Santa Claus "
        "rally): the last {days} trading days of January, from the close of the "
        "{first} January session to the last January close, in all years and after a Santa "
        "Claus window that rose (for the spread: one in which small caps led); one window, one "
        "independent observation, per year. Baseline: the average {days}-trading-day window of "
        "the same years (block bootstrap, {block}-day blocks)."),
}

#: What the Almanac (or the commentary) claims, as a clause.
CLAIMS = {
    "JanuaryBarometer": "January's sign foretells the rest of the year",
    "FirstFiveDays": "the sign of the first five days foretells the rest of the year",
    "DecemberLow": "a first-quarter break of the December low foretells a weak April-December",
    "BestSixMonths": "November-April beats May-October",
    "MidJanuaryReversal": "the second half of January gives back gains (the rug pull)",
}

_OUTCOME = {
    "JanuaryBarometer": "the rest of the year (February-December) averaged",
    "FirstFiveDays": "the rest of the year averaged",
    "DecemberLow": "April-December averaged",
    "BestSixMonths": "half-years averaged",
    "MidJanuaryReversal": "the last {days} trading days of January averaged",
}

_GROUP = {
    "january_up": "after an up January", "january_down": "after a down January",
    "first_five_up": "after up first five days", "first_five_down": "after down first five days",
    "break": "in years that broke the December low in the first quarter",
    "no_break": "in years that did not",
    "nov_apr": "in November-April", "may_oct": "in May-October",
    "all_years": "in all years", "after_santa_gain": "after a Santa Claus gain",
}

_SHORT = {"break": "after a break", "no_break": "without one"}


def _kind(result) -> str | None:
    return next((c.__name__ for c in type(result).__mro__ if c.__name__ in DEFINITIONS), None)


def _baseline(result, kind: str, column: str) -> str:
    n = int(result.years.loc[column].shape[0]) if column in result.columns else 0
    if kind == "BestSixMonths":
        return f"the average half-year ({fmt.plural(2 * n, 'half-year')})"
    if kind == "MidJanuaryReversal":
        return f"the average {result.days}-trading-day window"
    return f"all {fmt.plural(n, 'year')}"


def _definition(result) -> str:
    kind = _kind(result)
    days = getattr(result, "days", 0)
    return DEFINITIONS[kind].format(days=days, first=fmt.ordinal(days + 1) + "-to-last",
                                    block=result.block)


def _ci(t) -> str:
    return (f"95% CI {fmt.pp(t['ci_low'], 2)} to {fmt.pp(t['ci_high'], 2)}, "
            f"{fmt.pvalue(t['p'])}, q = {float(t['q']):.2f}" if not fmt.is_missing(t["q"])
            else f"95% CI {fmt.pp(t['ci_low'], 2)} to {fmt.pp(t['ci_high'], 2)}, "
            f"{fmt.pvalue(t['p'])}")


def _verdict_text(result, kind: str, column: str, verdict: str) -> str:
    claim = CLAIMS[kind]
    claimed = [g for g in result.claims if (column, g) in result.tests.index]
    alive = any(result.tests.loc[(column, g), "q"] <= result.q_level for g in claimed
                if result.tests.loc[(column, g), "verdict"] == result.claims[g])
    cells = len(result.tests)
    if verdict == "supported":
        return (f"Supported: {claim}, and the test survives the false-discovery control over "
                f"the table's {cells} cells." if alive else
                f"Supported taken alone ({claim}), but not once the table's {cells} cells are "
                "tested together.")
    if verdict == "contradicted":
        return f"Contradicted: the data go against the claim that {claim}."
    if verdict == "untested":
        return "Too few years to test."
    return (f"Not supported: no group's excess reaches p < {float(result.p_level):.2f} in the "
            "claimed direction.")


def _column(result, kind: str, column: str) -> str:
    u = result.units[column]
    tests = {g: result.tests.loc[(column, g)] for g in result.groups
             if (column, g) in result.tests.index}
    if not tests or all(t["n"] == 0 for t in tests.values()):
        return f"- {column}: no complete year to test."
    days = getattr(result, "days", 0)
    means = " and ".join(
        f"{num(t['mean'], u, 2)} {_GROUP[g]} ({fmt.plural(int(t['n']), 'year')}; median "
        f"{num(t['median'], u, 2)}, trimmed mean {num(t['trimmed_mean'], u, 2)})"
        for g, t in tests.items() if t["n"])
    base = next(iter(tests.values()))["baseline"]
    excess = "; ".join(f"{_SHORT.get(g, _GROUP[g])} {fmt.pp(t['excess'], 2)} ({_ci(t)})"
                       for g, t in tests.items() if t["n"])
    what = f"**{column}** (small minus large)" if u == "pp" else f"**{column}**"
    text = (f"- {what}: {_OUTCOME[kind].format(days=days)} {means}, against "
            f"{num(base, u, 2)} for {_baseline(result, kind, column)}. Excess over that: "
            f"{excess}.")
    diff = result.difference
    if column in diff.index:
        d = diff.loc[column]
        first, second = (_SHORT.get(g, _GROUP[g]) for g in result.groups)
        if "ci_low" in diff.columns:
            text += (f" November-April minus May-October: {fmt.pp(d['diff_pp'], 2)} (95% CI "
                     f"{fmt.pp(d['ci_low'], 2)} to {fmt.pp(d['ci_high'], 2)}, "
                     f"{fmt.pvalue(d['p'])}; Welch {fmt.tstat(d['t'])}).")
        else:
            text += (f" Difference {first} minus {second}: {fmt.pp(d['diff_pp'], 2)} (Welch "
                     f"{fmt.tstat(d['t'])}).")
    for g, t in tests.items():
        short = _SHORT.get(g, _GROUP[g])
        text += flip_clause(t["loo"], t["loo_more"], t["verdict"],
                            lead=f"The verdict {short}")
    return text + " " + _verdict_text(result, kind, column, result.verdicts.get(column, ""))


def _groups(result) -> str:
    kind = _kind(result)
    return "\n".join(_column(result, kind, c) for c in result.columns)


def _overall(result) -> str:
    kind = _kind(result)
    verdicts = result.verdicts
    backed = [c for c, v in verdicts.items() if v == "supported"]
    against = [c for c, v in verdicts.items() if v == "contradicted"]
    alive = int((result.tests["q"] <= result.q_level).sum())
    text = (f"The claim that {CLAIMS[kind]} holds, at p < {float(result.p_level):.2f}, for "
            f"{len(backed)} of {len(verdicts)} columns"
            + (f" ({', '.join(backed)})" if backed else "")
            + (f" and is contradicted for {', '.join(against)}" if against else "")
            + f"; {alive} of {len(result.tests)} cells of the table survive the false-discovery "
            f"control (q ≤ {fmt.share(result.q_level)}).")
    return text


_SECTIONS = {"definition": _definition, "groups": _groups, "verdict": _overall}

#: The sections every indicator can write, in reading order.
SECTIONS = tuple(_SECTIONS)


def read(result, section: str | None = None) -> str:
    """Markdown prose about an indicator of :mod:`smallcaps.seasonality.almanac`.

    Parameters
    ----------
    result
        A ``JanuaryBarometer``, ``FirstFiveDays``, ``DecemberLow``, ``BestSixMonths`` or
        ``MidJanuaryReversal``.
    section : str, optional
        One of :data:`SECTIONS`; None joins them all.

    Raises
    ------
    ParameterError
        For another result or an unknown section (the message names the valid ones).
    """
    if _kind(result) is None:
        raise ParameterError(f"no Almanac indicator reading for a {type(result).__name__}")
    if section is None:
        return "\n\n".join(f(result) for f in _SECTIONS.values())
    if section not in _SECTIONS:
        raise ParameterError(f"{type(result).__name__} has no reading section {section!r}; "
                             "valid: " + ", ".join(SECTIONS))
    return _SECTIONS[section](result)
