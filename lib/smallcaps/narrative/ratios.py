"""Prose of the ratio study (notebook 02): the report's dates, the headline count of ratios
above rising / below falling 200-day averages, the fund pairs, the rebased ratios, one paragraph
per pair and per two-line overlay, and the ranking of indexes and ETFs.

Reads, by their attributes (it never imports the compute module):

* a study of several pairs (:class:`smallcaps.ratios.RatioStudy`): sections ``"window"``,
  ``"basis"``, ``"headline"``, ``"funds"``, ``"rebased"`` (None: all five, in that order);
* one pair (:class:`smallcaps.ratios.PairAnalysis`): ``"pair"``;
* a pair's two rebased legs (:class:`smallcaps.ratios.PairOverlay`): ``"overlay"``;
* a ranking (:class:`smallcaps.ratios.Ranking`): ``"ranking"``;
* a study against itself on the other ETF field (:class:`smallcaps.ratios.BasisComparison`):
  ``"basis_effect"``.

Every series has a basis (its values are a *total return, dividend-adjusted* for an ETF on
adjusted closes, an *index level, price only* for an index, *price only* for an ETF on plain
closes); the prose says which wherever returns are compared.

Changes are in percent (%), gaps between two changes in percentage points (pp), trend slopes
in percent per month.  Every sentence is generated from the numbers and holds for either sign.
"""

from __future__ import annotations

from smallcaps import fmt
from smallcaps.errors import ParameterError

__all__ = ["SECTIONS", "HEADINGS", "read", "brief"]

#: The notebook's section headings the brief links to (``## <heading>`` in notebook 02).
HEADINGS = {"glance": "Relative strength at a glance", "charts": "Ratio charts",
            "ranking": "Ranking of indexes and ETFs",
            "basis_effect": "What the dividend adjustment moves"}

SECTIONS = ("window", "basis", "headline", "funds", "rebased", "inputs", "pair", "overlay",
            "ranking", "basis_effect")

_TOTAL = "total return"  # how the basis of a dividend-adjusted series begins


def read(result, section: str | None = None) -> str:
    """Markdown prose about a ratio-study result.

    Parameters
    ----------
    result : RatioStudy, PairAnalysis, PairOverlay or Ranking
    section : str, optional
        One of the result's sections (see the module docstring); None gives all of them.

    Raises
    ------
    ParameterError
        For a section the result has no prose for, naming the valid ones.
    """
    kind, writers = _writers(result)
    if section is None:
        return "\n\n".join(write(result) for write in writers.values())
    if section not in writers:
        raise ParameterError(f"reading section {section!r} is not known for a {kind}; valid: "
                             f"{', '.join(writers)}")
    return writers[section](result)


def _writers(result) -> tuple[str, dict]:
    if hasattr(result, "pairs") and hasattr(result, "window"):
        return "ratio study", {"window": _window, "basis": _basis, "headline": _headline,
                               "funds": _funds, "rebased": _rebased, "inputs": _inputs}
    if hasattr(result, "page") and hasattr(result, "other"):
        return "basis comparison", {"basis_effect": _basis_effect}
    if hasattr(result, "leaders") and hasattr(result, "table"):
        return "ranking", {"ranking": _ranking}
    if hasattr(result, "gap_pp") and hasattr(result, "lines"):
        return "pair overlay", {"overlay": _overlay}
    if hasattr(result, "trends") and hasattr(result, "ratio"):
        return "pair", {"pair": _pair}
    raise ParameterError(f"no ratio-study prose for a {type(result).__name__}; valid: a "
                         "RatioStudy, PairAnalysis, PairOverlay, Ranking or BasisComparison")


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _d(ts) -> str:
    return f"{ts:%Y-%m-%d}"


# ----------------------------------------------------------------------------------------------
# A study of several pairs
# ----------------------------------------------------------------------------------------------

def _window(study) -> str:
    """The dates this report uses, and any pair whose data ends early."""
    w = study.window
    asked = (f" (requested {w.requested}: the last complete trading day on or before it)"
             if w.requested else "")
    txt = (f"As of **{_d(w.asof)}**{asked}. Charts start {_d(w.start)}; rebased lines equal 100 "
           f"on {_d(w.rebase_date)}. Statistics use each ratio's full history up to the as-of "
           "date (a 200-day average needs earlier closes).")
    moved = [f"{p} (from {_d(a.rebase_date)}, its first date)"
             for p, a in study.pairs.items() if a.rebase_date != w.rebase_date]
    if moved:
        txt += (" Rebased later because their data begins after the rebase date: "
                + ", ".join(moved) + ".")
    if study.stale:
        txt += " **Stale data:** " + "; ".join(
            f"{p} ends {_d(d)}, {(w.asof - d).days} days before the as-of date, so its figures "
            f"are as of {_d(d)}" for p, d in study.stale.items()) + "."
    return txt


def _inputs(study) -> str:
    """What this page reads, by value: each pair with its names, the averages and the
    breakout look-back."""
    if not study.pairs:
        return "**This page reads** no pair."
    pairs = "; ".join(f"{p} ({a.names.get(a.numerator, a.numerator)} / "
                      f"{a.names.get(a.denominator, a.denominator)})"
                      for p, a in study.pairs.items())
    a = next(iter(study.pairs.values()))
    mas = sorted(a.mas)
    ma_txt = (", ".join(f"{w}-" for w in mas[:-1]) + f" and {mas[-1]}-day" if len(mas) > 1
              else f"{mas[0]}-day") if mas else "no"
    return (f"**This page reads** {fmt.plural(len(study.pairs), 'ratio')}: {pairs}; {ma_txt} "
            f"moving "
            f"averages; new highs and lows over {a.breakout_days} trading days.")


def _total(basis: str | None) -> bool:
    return bool(basis) and basis.startswith(_TOTAL)


def _keys(keys) -> str:
    return ", ".join(keys)


def _basis(study) -> str:
    """What the series' values measure: total returns, index levels or price-only closes."""
    bases = study.bases
    adjusted = [k for k, b in bases.items() if _total(b)]
    index = [k for k, b in bases.items() if b.startswith("index level")]
    fund_price = [k for k, b in bases.items() if k not in adjusted and k not in index]
    if adjusted:
        txt = (f"**Prices.** ETFs are **total returns, dividend-adjusted** ({_keys(adjusted)}: "
               "their adjusted closes, dividends reinvested)")
        txt += (f"; indexes are **index levels, price only** ({_keys(index)}: an index has no "
                "adjusted close)." if index else ".")
        txt += (" A ratio of two ETFs compares total returns, a ratio of two indexes price "
                "returns.")
    elif fund_price:
        txt = (f"**Prices.** Every series is **price only**: ETFs on their plain closes, not "
               f"dividend-adjusted ({_keys(fund_price)})"
               + (f", indexes on their levels ({_keys(index)})" if index else "")
               + ". Ratios compare price returns and leave dividends out (ETFs loaded with "
               "adj_close would give total returns).")
    else:
        return (f"**Prices.** Every pair is of two indexes ({_keys(index)}): index levels, "
                "price only (an index has no adjusted close), so the ratios compare price "
                "returns.")
    mixed = study.mixed_pairs
    if mixed:
        txt += (f" **Mixed pairs** ({_keys(mixed)}): one leg is a total return and the other a "
                "price level, so the ratio rises by the ETF's dividends (about its dividend "
                "yield a year) even when the two perform alike.")
    return txt


def _headline(study) -> str:
    """How many current ratios sit above a rising / below a falling 200-day average."""
    current = {p: a for p, a in study.pairs.items() if not a.stale}
    ma = next(iter(study.pairs.values())).trend_ma
    up = [p for p, a in current.items() if a.above_ma(ma) and a.ma_slope(ma)[0] == "rising"]
    down = [p for p, a in current.items()
            if a.above_ma(ma) is False and a.ma_slope(ma)[0] == "falling"]
    txt = (f"As of {_d(study.asof)}, {len(up)} of {len(current)} current ratios {_be(len(up))} "
           f"above a rising {ma}-day average ({', '.join(up) or 'none'}) and {len(down)} "
           f"{_be(len(down))} below a falling one ({', '.join(down) or 'none'}).")
    mixed = [p for p in current if p not in up and p not in down]
    if mixed:
        txt += (f" Mixed (the ratio and the slope of its {ma}-day average disagree, or there is "
                f"no average yet): {', '.join(mixed)}.")
    if study.stale:
        txt += " Not counted, because their data ends early: " + ", ".join(
            f"{p} (ends {_d(d)})" for p, d in study.stale.items()) + "."
    return txt


def _funds(study) -> str:
    """Which pairs are drawn as two rebased price lines (pairs of two ETFs)."""
    funds = study.fund_pairs
    if not funds:
        return "No pair of two ETFs among `pairs`; nothing to overlay."
    return (f"Pairs of two ETFs, drawn as their two price lines rebased to 100 on "
            f"{_d(study.window.rebase_date)}: {', '.join(funds)}.")


def _rebased(study) -> str:
    """The ratios ranked by their change since their rebase date."""
    ch = {p: a.changes["since"] for p, a in study.pairs.items()}
    order = sorted((p for p in ch if not fmt.is_missing(ch[p])), key=lambda p: -ch[p])
    if not order:
        return "No ratio has a value at the rebase date."
    items = [f"{p} {fmt.pct(ch[p])}"
             + (f" (to {_d(study.pairs[p].data_end)})" if study.pairs[p].stale else "")
             for p in order]
    rising = [p for p in order if ch[p] > 0]
    return (f"Change of each ratio since {_d(study.window.rebase_date)}, strongest first: "
            + ", ".join(items) + f". {len(rising)} of {len(order)} ratios {_be(len(rising))} "
            "above 100 (their numerator outperformed).")


# ----------------------------------------------------------------------------------------------
# One pair, and its two legs
# ----------------------------------------------------------------------------------------------

def _ma_text(a, w: int) -> str:
    dist = a.distance_to_ma(w)
    if fmt.is_missing(dist):
        return f"there is not yet enough history for a {w}-day average"
    slope, pct = a.ma_slope(w)
    slope_txt = (f", which is {slope} ({fmt.pct(pct, 2)} over {a.slope_lag} trading days)"
                 if slope else "")
    if dist == 0:
        return f"exactly at its {w}-day average{slope_txt}"
    where = "above" if dist > 0 else "below"
    return f"{abs(dist):.1f}% {where} its {w}-day average{slope_txt}"


def _trend_text(a) -> str:
    bits = []
    for key, label in (("12m", "12-month"), ("3m", "3-month")):
        t = a.trends.get(key)
        if t is None:
            bits.append(f"the {label} trend cannot be fitted (too few closes)")
        else:
            bits.append(f"the {label} trend is {t.direction} "
                        f"({t.slope_pct:+.2f}%/month, R² {t.r2:.2f})")
    return bits[0][0].upper() + bits[0][1:] + "; " + bits[1] + "."


def _reversal_text(a) -> str | None:
    t3, t12 = a.trends.get("3m"), a.trends.get("12m")
    if not (t3 and t12 and {t3.direction, t12.direction} == {"up", "down"}):
        return None
    turned = "up" if t3.direction == "up" else "down"
    where = "above" if turned == "up" else "below"
    confirm = a.trend_side == where
    return (f"The 3-month trend has turned {turned} against the 12-month trend: a possible "
            "reversal, "
            + (f"and the ratio is already {where} its {a.trend_ma}-day average." if confirm else
               f"not yet confirmed: the ratio is not {where} its {a.trend_ma}-day average."))


def _pair(a) -> str:
    """One pair: level, averages, changes, percentile, breakouts, trends, trend start."""
    num, den = a.numerator, a.denominator
    parts = []
    head = f"**{a.pair}** ({a.names.get(num, num)} / {a.names.get(den, den)})"
    if a.stale:
        parts.append(
            f"{head}: **data ends {_d(a.data_end)}**, {(a.asof - a.data_end).days} calendar days "
            f"before the as-of date {_d(a.asof)}; every figure here is as of {_d(a.data_end)}."
        )
        head = "The ratio"
    parts.append(f"{head} closed at {a.last:.4f} on {_d(a.data_end)}.")
    basis = getattr(a, "basis", {})
    if a.mixed_basis:
        parts.append(f"**Mixed basis**: {num} is on {_on(basis.get(num))} and {den} on "
                     f"{_on(basis.get(den))}, so the ratio drifts by the dividends of the "
                     "total-return leg.")
    elif all(_total(basis.get(k)) for k in (num, den)):
        parts.append("Both legs are total returns (dividend-adjusted closes).")
    parts.append("It is " + "; and ".join(_ma_text(a, w) for w in (a.trend_ma, 50)) + ".")
    c = a.changes
    parts.append(
        f"Change of the ratio: {fmt.pct(c['1m'])} over 1 month, {fmt.pct(c['3m'])} over "
        f"3 months, {fmt.pct(c['ytd'])} year to date and {fmt.pct(c['since'])} since "
        f"{_d(a.rebase_date)} (positive = {num} outperformed {den})."
    )
    if not fmt.is_missing(a.percentile_1y):
        parts.append(f"It sits at the {fmt.ordinal(a.percentile_1y)} percentile of its past-year "
                     "range (0 = lowest close of the last 252 trading days, 100 = highest).")
    date, kind, since = a.last_breakout
    if date is None:
        parts.append(f"It has made no {a.breakout_days}-day high or low in its history.")
    else:
        what = "breakout to a new" if kind == "high" else "breakdown to a new"
        parts.append(f"Its most recent {what} {a.breakout_days}-day {kind} was on {_d(date)}, "
                     f"{since} trading days before its last close.")
    parts.append(_trend_text(a))
    reversal = _reversal_text(a)
    if reversal:
        parts.append(reversal)
    if a.trend_side is not None:
        if a.trend_start_date is not None:
            parts.append(f"The current relative trend began on {_d(a.trend_start_date)}, when "
                         f"the ratio crossed {a.trend_side} its {a.trend_ma}-day average.")
        else:
            first = a.mas[a.trend_ma].first_valid_index()
            parts.append(f"The ratio has stayed {a.trend_side} its {a.trend_ma}-day average "
                         f"since that average begins ({_d(first)}).")
    return " ".join(parts)


def _on(basis: str | None) -> str:
    """``"its dividend-adjusted close (total return)"``, ``"its index level (price only)"`` or
    ``"its plain close (price only)"``."""
    if _total(basis):
        return "its dividend-adjusted close (total return)"
    if basis and basis.startswith("index level"):
        return "its index level (price only)"
    return "its plain close (price only)"


def _overlay_basis(o) -> str:
    """``"total returns, dividend-adjusted"``, ``"closes, not dividend-adjusted"`` or, mixed,
    each leg's basis."""
    basis = getattr(o, "basis", {}) or {}
    legs = [_total(basis.get(k)) for k in (o.numerator, o.denominator)]
    if all(legs):
        return "total returns, dividend-adjusted"
    if not any(legs):
        return "closes, not dividend-adjusted"
    return "; ".join(f"{k} on {_on(basis.get(k))}" for k in (o.numerator, o.denominator))


def _overlay(o) -> str:
    """A pair's two legs since the rebase date: each leg's change and the gap between them."""
    num, den = o.numerator, o.denominator
    gap = o.gap_pp
    verb = "outperformed" if gap > 0 else "underperformed" if gap < 0 else "matched"
    txt = (f"From {_d(o.rebase_date)} to {_d(o.data_end)}, {num} moved "
           f"{fmt.pct(o.changes[num])} and {den} {fmt.pct(o.changes[den])} "
           f"({_overlay_basis(o)}): {num} {verb} {den} by {fmt.pp(abs(gap), signed=False)}, a "
           f"ratio change of {fmt.pct(o.ratio_change_pct)}.")
    if o.stale:
        txt += (f" **The data for this pair ends {_d(o.data_end)}**, before the as-of date "
                f"{_d(o.asof)}.")
    return txt


# ----------------------------------------------------------------------------------------------
# Ranking
# ----------------------------------------------------------------------------------------------

def _ranking(rk) -> str:
    """Leader, laggard, small against large caps, stale series."""
    t = rk.table
    lead = rk.leaders
    if not lead:
        return f"No series has data up to {_d(rk.asof)}; nothing is ranked."
    best, worst = lead[0], lead[-1]
    txt = [f"Over the month to {_d(rk.asof)}, **{best}** led ({fmt.pct(t.loc[best, '1m %'])})"
           f" and **{worst}** lagged ({fmt.pct(t.loc[worst, '1m %'])})."]
    if "RUT" in lead and "SPX" in lead:
        for col, label in (("1m %", "Over 1 month"), ("3m %", "Over 3 months"),
                           ("YTD %", "Year to date")):
            gap = t.loc["RUT", col] - t.loc["SPX", col]
            if not fmt.is_missing(gap):
                verb = "beat" if gap > 0 else "trailed" if gap < 0 else "matched"
                txt.append(f"{label} the Russell 2000 {verb} the S&P 500 by "
                           f"{fmt.pp(abs(gap), signed=False)}.")
    if rk.stale:
        by_date: dict = {}
        for k, d in rk.stale.items():
            by_date.setdefault(d, []).append(k)
        txt.append("Not ranked because their data ends before the as-of date: " + "; ".join(
            f"{', '.join(ks)} (data ends {_d(d)}; returns shown as of that date)"
            for d, ks in by_date.items()) + ".")
    txt.append(_ranking_basis(rk))
    return " ".join(txt)


def _ranking_basis(rk) -> str:
    bases = getattr(rk, "bases", {})
    adjusted = [k for k, b in bases.items() if _total(b)]
    index = [k for k, b in bases.items() if b.startswith("index level")]
    if adjusted:
        return (f"ETF returns ({_keys(adjusted)}) are total returns on dividend-adjusted closes"
                + (f"; index returns ({_keys(index)}) are price returns, so an ETF runs ahead "
                   "of its own index by about the dividends paid in the window." if index
                   else "."))
    return ("Returns are price returns on closes; ETF returns use the close, not the "
            "dividend-adjusted close, so they compare with the price indexes.")


# ----------------------------------------------------------------------------------------------
# What the dividend adjustment moves
# ----------------------------------------------------------------------------------------------

def _value(name: str, v) -> str:
    if v is None or (isinstance(v, float) and fmt.is_missing(v)):
        return "none"
    if isinstance(v, bool) and name.startswith("above_ma"):
        return "above" if v else "below"
    if hasattr(v, "strftime"):
        return _d(v)
    return str(v)


def _basis_effect(c) -> str:
    """Each pair with an ETF leg on the page's field against the other field."""
    words = c.field_words
    head = (f"**What the dividend adjustment moves.** This page reads ETFs on {words['page']}; "
            f"here is the same study on {words['other']}.")
    if not c.affected:
        return (f"{head} No pair has an ETF leg, so every figure is the same on both: an index "
                "has no dividend adjustment.")
    parts = [head]
    for pair in c.affected:
        r, a = c.rows(pair), c.page.pairs[pair]
        since, t12 = r.loc["change_since_pct"], r.loc["trend_12m_slope_pct_per_month"]
        end = f" (to {_d(a.data_end)}, its last date)" if a.stale else ""
        txt = (f"{pair} changed {fmt.pct(since['page'])} since {_d(a.rebase_date)}{end} on "
               f"this page against {fmt.pct(since['other'])} on the other field, a difference "
               f"of {fmt.pp(since['diff'], 2)}; over 1 month "
               f"{fmt.pp(r.loc['change_1m_pct', 'diff'], 2)}, over 3 months "
               f"{fmt.pp(r.loc['change_3m_pct', 'diff'], 2)}, year to date "
               f"{fmt.pp(r.loc['change_ytd_pct', 'diff'], 2)}; its 12-month trend "
               f"{t12['page']:+.2f} against {t12['other']:+.2f}%/month.")
        moved = c.moved_labels(pair)
        if moved:
            txt += " Labels that change: " + "; ".join(
                f"{r.loc[n, 'figure']} {_value(n, r.loc[n, 'page'])} here, "
                f"{_value(n, r.loc[n, 'other'])} on the other field" for n in moved) + "."
        else:
            txt += (" No label changes: the sides and directions of its averages, its trend "
                    "labels, its last new high or low and the start of its trend are the same "
                    "on both.")
        parts.append(txt)
    if c.unaffected:
        parts.append(f"Pairs of two indexes ({_keys(c.unaffected)}) are the same on both "
                     "fields: an index has no dividend adjustment.")
    return " ".join(parts)


# ----------------------------------------------------------------------------------------------
# The brief: the verdicts on top of the page
# ----------------------------------------------------------------------------------------------

def brief(study, ranking=None, basis=None) -> list[str]:
    """The page's brief: three to six Markdown sentences, each ending with a link to the
    section it summarises (:data:`HEADINGS`).

    Parameters
    ----------
    study : RatioStudy
        Its first pair is the headline pair (RUT/SPX by default): has its downtrend reversed
        by the 200-day rule (above a rising average), with its trends (%/month, R² and the
        closes they rest on), its last crossing, its latest 252-day extreme and its change
        since the rebase date; then the count of ratios above rising / below falling averages.
    ranking : Ranking, optional
        Leader and laggard over the month, small against large caps.
    basis : BasisComparison, optional
        What the dividend adjustment moves.
    """
    out = []
    if study.pairs:
        a = next(iter(study.pairs.values()))
        out += [_brief_reversal(a), _brief_history(a, study)]
    out.append(_headline(study) + " " + fmt.section_link(HEADINGS["glance"]))
    if ranking is not None:
        out.append(_brief_ranking(ranking))
    if basis is not None:
        out.append(_brief_basis(basis))
    return out[:6]


def _trend_bit(t, label: str) -> str:
    if t is None:
        return f"the {label} trend cannot be fitted (too few closes)"
    return (f"the {label} trend is {t.direction} ({t.slope_pct:+.2f}%/month, R² {t.r2:.2f} "
            f"over {fmt.plural(t.n, 'close')})")


def _brief_reversal(a) -> str:
    """Has the pair's downtrend reversed by the 200-day rule?"""
    ma = a.trend_ma
    dist = a.distance_to_ma(ma)
    link = " " + fmt.section_link(HEADINGS["glance"])
    stale = f" (its data end {_d(a.data_end)})" if a.stale else ""
    if fmt.is_missing(dist):
        return (f"**{a.pair}**{stale} has too little history for a {ma}-day average: no "
                "verdict on its trend." + link)
    slope, pct = a.ma_slope(ma)
    above = dist > 0
    if above and slope == "rising":
        verdict = f"**{a.pair} is in an uptrend by the {ma}-day rule**"
    elif above:
        verdict = f"**{a.pair} has not confirmed a reversal**"
    elif slope == "falling":
        verdict = f"**{a.pair} is still in a downtrend by the {ma}-day rule**"
    else:
        verdict = (f"**{a.pair} has slipped below a rising {ma}-day average**: the uptrend "
                   "is faltering")
    where = (f"at {a.last:.4f} on {_d(a.data_end)} it is {abs(dist):.1f}% "
             f"{'above' if above else 'below'} its {ma}-day average")
    still = "still " if above and slope == "falling" else ""
    moving = (f", which is {still}{slope} ({fmt.pct(pct, 2)} over {a.slope_lag} trading days)"
              if slope else "")
    trends = (_trend_bit(a.trends.get("12m"), "12-month") + " and "
              + _trend_bit(a.trends.get("3m"), "3-month"))
    return f"{verdict}{stale}: {where}{moving}; {trends}." + link


def _brief_history(a, study) -> str:
    """The pair's last crossing of its 200-day average, its latest 252-day extreme and its
    change since the rebase date."""
    bits = []
    if a.trend_side is not None and a.trend_start_date is not None:
        bits.append(f"{a.pair} crossed {a.trend_side} its {a.trend_ma}-day average on "
                    f"{_d(a.trend_start_date)}")
    elif a.trend_side is not None:
        bits.append(f"{a.pair} has stayed {a.trend_side} its {a.trend_ma}-day average since "
                    "that average begins")
    date, kind, since = a.last_breakout
    if date is None:
        bits.append(f"it has made no {a.breakout_days}-day high or low")
    else:
        bits.append(f"its latest {a.breakout_days}-day extreme was a {kind} on {_d(date)}, "
                    f"{fmt.plural(since, 'trading day')} before its last close")
    since = a.changes.get("since")
    if not fmt.is_missing(since):
        bits.append(f"it has changed {fmt.pct(since)} since {_d(a.rebase_date)} (positive = "
                    f"{a.numerator} outperformed)")
    text = "; ".join(bits)
    return text[0].upper() + text[1:] + ". " + fmt.section_link(HEADINGS["charts"])


def _brief_ranking(rk) -> str:
    link = " " + fmt.section_link(HEADINGS["ranking"])
    lead, t = rk.leaders, rk.table
    if not lead:
        return f"No series has data up to {_d(rk.asof)}: nothing is ranked." + link
    best, worst = lead[0], lead[-1]
    bases = getattr(rk, "bases", {}) or {}

    def basis(k) -> str:
        return "total return" if _total(bases.get(k)) else "price only"

    text = (f"Over the month to {_d(rk.asof)}, {best} led ({fmt.pct(t.loc[best, '1m %'])}, "
            f"{basis(best)}) and {worst} lagged ({fmt.pct(t.loc[worst, '1m %'])}, "
            f"{basis(worst)})")
    if "RUT" in lead and "SPX" in lead:
        m = t.loc["RUT", "1m %"] - t.loc["SPX", "1m %"]
        y = t.loc["RUT", "YTD %"] - t.loc["SPX", "YTD %"]
        if not (fmt.is_missing(m) or fmt.is_missing(y)):
            one = "beat" if m >= 0 else "trailed"
            ytd = "is ahead of" if y >= 0 else "trails"
            text += (f"; RUT {one} SPX by {fmt.pp(abs(m), signed=False)} over the month and "
                     f"{ytd} it by {fmt.pp(abs(y), signed=False)} year to date")
    if rk.stale:
        text += f" ({', '.join(rk.stale)} not ranked: their data end early)"
    return text + "." + link


def _brief_basis(c) -> str:
    link = " " + fmt.section_link(HEADINGS["basis_effect"])
    if not c.affected:
        return ("No pair has an ETF leg, so the dividend adjustment moves nothing on this page."
                + link)
    moves = []
    for pair in c.affected:
        since = c.rows(pair).loc["change_since_pct"]
        fields = {"adj_close": "adjusted closes", "close": "plain closes"}
        moves.append(f"{pair} by {fmt.pp(since['diff'], 2)} since "
                     f"{_d(c.page.pairs[pair].rebase_date)} ({fmt.pct(since['page'])} on "
                     f"{fields.get(c.field, c.field)}, {fmt.pct(since['other'])} on "
                     f"{fields.get(c.other_field, c.other_field)})")
    text = "The dividend adjustment moves " + "; ".join(moves)
    if c.unaffected:
        text += "; pairs of two indexes do not move"
    return text + "." + link
