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

__all__ = ["SECTIONS", "read"]

SECTIONS = ("window", "basis", "headline", "funds", "rebased", "pair", "overlay", "ranking",
            "basis_effect")

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
                               "funds": _funds, "rebased": _rebased}
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
    parts.append(f"{head} closed at {a.last:.4g} on {_d(a.data_end)}.")
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
    txt = [f"Over the month to {_d(rk.asof)}, **{best}** led ({fmt.pct(t.loc[best, '1m %'], 2)})"
           f" and **{worst}** lagged ({fmt.pct(t.loc[worst, '1m %'], 2)})."]
    if "RUT" in lead and "SPX" in lead:
        for col, label in (("1m %", "Over 1 month"), ("3m %", "Over 3 months"),
                           ("YTD %", "Year to date")):
            gap = t.loc["RUT", col] - t.loc["SPX", col]
            if not fmt.is_missing(gap):
                verb = "beat" if gap > 0 else "trailed" if gap < 0 else "matched"
                txt.append(f"{label} the Russell 2000 {verb} the S&P 500 by "
                           f"{fmt.pp(abs(gap), 2, signed=False)}.")
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
