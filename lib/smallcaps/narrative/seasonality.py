"""Prose for the seasonality study (notebook 03): monthly returns, month-of-year statistics,
the latest month's rank, seasonal paths, the Santa Claus rally, the January effect and
election-year Novembers.

:func:`read` takes any seasonality result (duck-typed by its class name, never imported) and
writes Markdown.  Each kind of result has its own sections (see :data:`SECTIONS_BY_RESULT`);
``section=None`` joins all of them.  Returns are written as percent (``+1.2%``), the
small-minus-large spread in percentage points (``+0.8 pp``); a mean is called statistically
distinguishable from zero when ``|t| >= stats.T_CRIT`` (1.96).
"""

from __future__ import annotations

from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.stats import T_CRIT

__all__ = ["SECTIONS", "SECTIONS_BY_RESULT", "SANTA_DEFINITION", "read"]

SANTA_DEFINITION = (
    "Santa Claus rally (Stock Trader's Almanac): the last five trading days of December plus the "
    "first two trading days of January, measured from the close of the sixth-to-last December "
    "trading day (the close before the window) to the close of the second January trading day; "
    "the window is labelled with the December's year."
)


def _num(x, unit: str = "%", digits: int = 1) -> str:
    return fmt.pp(x, digits) if unit == "pp" else fmt.pct(x, digits)


def _sig(t) -> str:
    if fmt.is_missing(t):
        return "too few years to test"
    if abs(float(t)) >= T_CRIT:
        return f"statistically distinguishable from zero ({fmt.tstat(t)})"
    return f"not statistically distinguishable from zero ({fmt.tstat(t)})"


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
                f"the best was {h['best_month']} ({_num(h['best'], unit)}), the worst "
                f"{h['worst_month']} ({_num(h['worst'], unit)}); "
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


def _stats_overview(stats) -> str:
    over = stats.overview
    years = f"{stats.first_year}-{stats.last_year}" if stats.first_year else "no years"
    lines = []
    for s, o in over.iterrows():
        if not o["months_read"]:
            lines.append(f"- {s}: no month has at least {stats.min_years} years of data.")
            continue
        u = o["unit"]
        sig = o["significant"]
        lines.append(
            f"- **{s}**: best month on average {o['best_month']} ({_num(o['best'], u, 2)}, "
            f"hit rate {fmt.share(o['best_hit_rate'])}), worst {o['worst_month']} "
            f"({_num(o['worst'], u, 2)}, hit rate {fmt.share(o['worst_hit_rate'])}). "
            + (f"Months with |t| ≥ {T_CRIT}: {', '.join(sig)}." if sig
               else f"No month's mean has |t| ≥ {T_CRIT}."))
    return f"Complete months only, {years}.\n\n" + "\n".join(lines)


def _describe_month(stats, series: str, month: str) -> str:
    row = stats.table.loc[(series, month)]
    unit = stats.units[series]
    if not row["enough_years"]:
        return (f"{month} for {series}: only {int(row['n'])} years (fewer than "
                f"{stats.min_years}), too few to read.")
    o = stats.overview.loc[series]
    rank, what = int(row["rank"]), _what(stats, series)
    if row["mean"] > 0 and row["t"] >= T_CRIT:
        verdict = f"{month} has been a strong month for {what}"
    elif row["mean"] > 0 and rank <= 3:
        verdict = (f"{month} has been one of the better months for {what}, but not a "
                   "reliably positive one")
    elif row["mean"] > 0:
        verdict = f"{month} has not been a standout month for {what}"
    elif row["t"] <= -T_CRIT:
        verdict = f"{month} has been a reliably weak month for {what}"
    else:
        verdict = f"{month} has been weak on average for {what}, not strong"
    def num(x) -> str:
        return _num(x, unit, 2)

    return (f"{verdict}: mean {num(row['mean'])} (median {num(row['median'])}), positive in "
            f"{fmt.share(row['hit_rate'])} of {int(row['n'])} years, rank {rank} of "
            f"{int(o['months_read'])} months (all-month average {num(o['average'])}); the mean "
            f"is {_sig(row['t'])}. Best {int(row['best_year'])} ({num(row['best'])}), worst "
            f"{int(row['worst_year'])} ({num(row['worst'])}).")


def _stats_months(stats) -> str:
    return "\n".join(f"- {_describe_month(stats, s, m)}"
                     for s in stats.focus_series for m in stats.focus)


def _stats_flagged(stats) -> str:
    flagged = stats.table.loc[~stats.table["enough_years"]]
    if flagged.empty:
        return ""
    names = ", ".join(f"{s} {m}" for s, m in flagged.index)
    return f"Flagged (fewer than {stats.min_years} years, not read): {names}."


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
        lines.append(f"- {s}: {row['month']} {_num(row['return_pct'], u)}, rank {r} of {of} "
                     f"({where}; average for the month {_num(row['mean_pct'], u)}).")
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
            f"the year {_num(end['mean'], u)} on average (middle half of years "
            f"{_num(end['q25'], u)} to {_num(end['q75'], u)}).")
    pos = path.position
    if pos is not None:
        text += (f" {path.current_year} so far: {_num(pos['value'], u)} after {pos['day']} "
                 f"trading days (to {path.asof:%Y-%m-%d}) against an average of "
                 f"{_num(pos['mean'], u)} at the same trading day, {pos['where']} the middle "
                 f"half of years ({_num(pos['q25'], u)} to {_num(pos['q75'], u)}).")
    return text


# ----------------------------------------------------------------------------------------------
# Santa Claus rally, January effect, election years
# ----------------------------------------------------------------------------------------------


def _santa_definition(santa) -> str:
    return SANTA_DEFINITION


def _santa_rally(santa) -> str:
    lines = []
    for s, row in santa.summary().iterrows():
        if row["n"] == 0:
            lines.append(f"- {s}: no complete Santa Claus window in the data.")
            continue
        latest, year = row["latest_pct"], int(row["latest_year"])
        vs = "above" if latest > row["mean_pct"] else "below"
        often = ("rises more often than not" if row["hit_rate"] > 0.5 else
                 "does not rise more often than not")
        lines.append(
            f"- **{s}**: mean {fmt.pct(row['mean_pct'])} over {int(row['n'])} windows, positive "
            f"in {fmt.share(row['hit_rate'])} ({often}); the mean is {_sig(row['t'])}. "
            f"Latest ({year}-{year + 1}): {fmt.pct(latest)}, {vs} the average.")
    return "\n".join(lines)


def _santa_excluded(santa) -> str:
    if not santa.incomplete:
        return ""
    by = f" by {santa.asof:%Y-%m-%d}" if santa.asof is not None else ""
    notes = "; ".join(f"{y} ({days} of 2 January sessions{by})"
                      for y, days in sorted(santa.incomplete.items()))
    return f"Excluded, window not complete as of the data: {notes}."


def _january(jan) -> str:
    st = jan.stats
    if st["n"] == 0:
        return "No complete January in the data."
    lead = "led" if st["mean_pct"] > 0 else "lagged"
    often = ("more often than not" if st["hit_rate"] > 0.5 else
             "in no more than half of the years")
    exists = st["mean_pct"] > 0 and st["t"] >= T_CRIT
    verdict = ("The data support a January effect." if exists else
               "The data do not support a reliable January effect.")
    text = (f"In January small caps ({jan.small}) {lead} large caps ({jan.large}) by "
            f"{fmt.pp(abs(st['mean_pct']), 2, signed=False)} on average over {st['n']} years "
            f"({jan.table.index[0]}-{jan.table.index[-1]}), median {fmt.pp(st['median_pct'], 2)}, "
            f"and beat them {often} ({fmt.share(st['hit_rate'])}); the mean spread is "
            f"{_sig(st['t'])}. {verdict}")
    if st["recent_n"] >= 3:
        text += (f" Over the last {st['recent_n']} Januaries the mean spread was "
                 f"{fmt.pp(st['recent_mean_pct'], 2)}.")
    return text


def _election(el) -> str:
    summ, diff = el.summary(), el.difference
    lines = []
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
        lines.append(
            f"- **{s}**: November averaged {fmt.pct(e['mean_pct'])} in {int(e['n'])} election "
            f"years vs {fmt.pct(o['mean_pct'])} in {int(o['n'])} other years: {better} by "
            f"{fmt.pp(abs(d['diff_pp']), signed=False)} ({sig}, Welch {fmt.tstat(d['t'])}). "
            f"November-December: {fmt.pct(e['nov_dec_mean_pct'])} vs "
            f"{fmt.pct(o['nov_dec_mean_pct'])} ({nd_better}).")
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
