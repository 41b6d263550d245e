"""The prose of the seasonality study (smallcaps.narrative.seasonality) on planted and
hand-made results: the words and numbers that would change if the logic broke."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from smallcaps import seasonality as se
from smallcaps.errors import ParameterError
from smallcaps.narrative import seasonality as nar
from test_seasonality import daily_from_monthly, monthly_frame, planted, sessions, walk


def test_narrative_never_imports_the_compute_module():
    tree = ast.parse(Path(nar.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("smallcaps.seasonality") for m in imported), imported


def test_sections_and_errors():
    assert nar.SECTIONS_BY_RESULT["MonthlyReturns"] == ("inputs", "asof", "latest", "history")
    assert nar.SECTIONS_BY_RESULT["SantaRally"] == ("definition", "rally")
    assert nar.SECTIONS_BY_RESULT["MonthStats"] == ("overview", "months")
    assert set(nar.SECTIONS) == {s for v in nar.SECTIONS_BY_RESULT.values() for s in v}
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    with pytest.raises(ParameterError) as err:
        m.reading("rally")
    assert "MonthlyReturns" in str(err.value) and "inputs, asof, latest, history" in str(err.value)
    with pytest.raises(ParameterError, match="no seasonality reading"):
        nar.read(object())
    whole = m.reading()
    assert whole == "\n\n".join(m.reading(s) for s in ("inputs", "asof", "latest", "history"))


# ------------------------------------------------------------------------------------------
# monthly returns
# ------------------------------------------------------------------------------------------


def test_monthly_readings_say_asof_latest_month_and_month_to_date():
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    asof = m.reading("asof")
    assert asof.startswith("Data as of 2024-03-15.")
    assert "March 2024 is month-to-date through 2024-03-15 (partial)" in asof
    latest = m.reading("latest")
    assert latest.startswith("**February 2024** (latest complete month): S -10.0%, L +10.0%.")
    assert "Small caps lagged large caps by 20.0 pp (S-L)." in latest
    assert f"**March 2024 so far** (month-to-date through 2024-03-15, partial): S " \
           f"+{120 / 99 * 100 - 100:.1f}%, L 0.0%." in latest
    done = se.monthly_returns(monthly_frame().loc[:"2024-02-29"])
    assert "Every month through February 2024 is complete." in done.reading("asof")
    assert "so far" not in done.reading("latest")


def test_monthly_asof_reading_names_the_requested_date_when_snapped():
    frame = monthly_frame().loc[:"2024-03-01"].copy()
    frame.attrs["asof"] = {"date": "2024-03-01", "requested": "2024-03-03",
                           "reference": ["S", "L"], "provisional": False}
    text = se.monthly_returns(frame).reading("asof")
    assert text.startswith("Data as of 2024-03-01 (requested 2024-03-03: the last complete bar "
                           "of S and L on or before it).")


def test_history_reading_names_best_and_worst_month():
    m = se.monthly_returns(monthly_frame(), relative=["S", "L"], start="2024-01-01")
    text = m.reading("history")
    assert "For S, 2 complete months from 2024-01 to 2024-02" in text
    assert "best was 2024-01 (+10.0%)" in text and "worst 2024-02 (-10.0%)" in text
    assert "50% of months were positive" in text
    assert "In 2024, 1 of 2 complete months so far were positive (compounded -1.0%)." in text
    spread = text.split("\n\n")[1]
    assert spread.startswith("For the S-L spread") and "(-20.0 pp)" in spread
    assert "compounded" not in spread
    # without a spread every series is read
    alone = se.monthly_returns(monthly_frame(), start="2024-01-01").reading("history")
    assert alone.count("For ") == 2 and "For L," in alone


def test_no_complete_month_is_said_plainly():
    idx = pd.DatetimeIndex(["2024-03-01", "2024-03-04"])
    m = se.monthly_returns(pd.DataFrame({"S": [1.0, 2.0]}, index=idx))
    assert m.reading("latest") == "No complete month in the data yet."
    assert m.reading("history") == "S: no complete month."


# ------------------------------------------------------------------------------------------
# month-of-year statistics
# ------------------------------------------------------------------------------------------


def test_planted_strong_november_is_read_as_strong():
    m = se.monthly_returns(planted(4.0, 0.0), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10)
    months = stats.reading("months").split("\n")
    assert len(months) == 4  # November and January, for SMALL and the spread
    nov = stats.table.loc[("SMALL", "November")]
    assert months[0].startswith("- November has been a strong month for SMALL: mean +")
    assert f"against an average month of {nov['baseline']:+.2f}%, an excess of " \
           f"{nov['excess']:+.2f} pp (95% CI " in months[0]
    assert "30 independent observations" in months[0] and "q = 0.00" in months[0]
    assert "Against the other eleven months Welch t = " in months[0]
    assert "rank 1 of 12 months" in months[0]
    assert "for the small-minus-large spread" in months[2]
    overview = stats.reading("overview")
    assert overview.startswith("Complete months only, 1990-2019.")
    fdr = stats.fdr
    assert f"**{fdr['surviving']} of 36 month x series cells survive at q ≤ 10%**" in overview
    assert "SMALL November" in overview.split("\n\n")[0]  # named among the survivors
    assert "- **SMALL**: best month on average November (+" in overview
    small = overview.split("\n")[2]
    assert "At p < 0.05 one at a time: " in small and "November (above)" in small
    assert "- **SMALL-LARGE**:" in overview and " pp, hit rate" in overview


def test_planted_weak_november_is_not_called_strong():
    m = se.monthly_returns(planted(-4.0, 0.0), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10)
    november = stats.reading("months").split("\n")[0]
    assert november.startswith("- November has been a weak month for SMALL: mean -")
    assert "strong" not in november and "rank 12 of 12" in november
    assert "worst November" in stats.reading("overview")
    assert "November (below)" in stats.reading("overview")


def _drift(seed: int = 5) -> pd.DataFrame:
    """Every month of both series rises 1 % on average (noise 2 %): drift, no seasonality."""
    drift = {m: 1.0 for m in range(1, 13)}
    return pd.DataFrame({"SMALL": daily_from_monthly(drift, seed=seed, noise=2.0),
                         "LARGE": daily_from_monthly(drift, seed=seed + 1, noise=2.0)})


def test_drift_alone_is_not_read_as_a_strong_november():
    """The audit's point: every month is 'distinguishable from zero' when the market drifts
    up, yet no month is special; the reading must say so."""
    m = se.monthly_returns(_drift(), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10)
    small = stats.table.loc["SMALL"]
    assert (small["t"] >= 1.96).sum() >= 10  # against zero nearly every month "works"
    assert stats.fdr["surviving"] == 0
    november = stats.reading("months").split("\n")[0]
    assert november.startswith("- November has been ")
    assert "strong" not in november and "but not distinguishably so" in november
    assert "**0 of 36 month x series cells survive at q ≤ 10%**" in stats.reading("overview")


def _stats_with_november(verdict: str, survives: bool, excess: float = 1.0):
    m = se.monthly_returns(planted(4.0, 0.0), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m, min_years=10, focus=("November",))
    cell = ("SMALL", "November")
    stats.table.loc[cell, "verdict"] = verdict
    stats.table.loc[cell, "survives"] = survives
    stats.table.loc[cell, "excess"] = excess
    stats.table.at[cell, "loo"] = []
    return stats.reading("months").split("\n")[0]


def test_the_verdict_reads_the_excess_test_and_the_fdr_control():
    assert "November has been a strong month for SMALL" in _stats_with_november("above", True)
    alone = _stats_with_november("above", False)
    assert "November has beaten the average month for SMALL taken alone, but not once all 36 " \
           "cells are tested together" in alone
    assert "strong" not in alone
    assert "November has been above the average month for SMALL, but not distinguishably so" \
        in _stats_with_november("indistinct", False)
    assert "November has been below the average month for SMALL, but not distinguishably so" \
        in _stats_with_november("indistinct", False, excess=-1.0)
    assert "November has trailed the average month for SMALL taken alone" in \
        _stats_with_november("below", False, excess=-1.0)


def test_a_single_year_that_carries_the_verdict_is_named():
    m = se.monthly_returns(planted(3.0, 0.0, noise=0.5), relative=["SMALL", "LARGE"])
    table = m.table.copy()
    table.loc[pd.Period("2008-11", "M"), "SMALL"] = -60.0  # one crash in a strong month
    m.table = table
    stats = se.month_of_year_stats(m, min_years=10, focus=("November",))
    nov = stats.table.loc[("SMALL", "November")]
    assert nov["verdict"] == "indistinct" and nov["loo"] == [2008] and not nov["loo_more"]
    text = stats.reading("months").split("\n")[0]
    assert "The verdict hangs on single years: without that year (2008) the excess would be " \
           "distinguishable." in text
    # the same month without the crash: strong, and no single year carries it
    clean = se.month_of_year_stats(se.monthly_returns(planted(3.0, 0.0, noise=0.5),
                                                      relative=["SMALL", "LARGE"]))
    assert clean.table.loc[("SMALL", "November"), "loo"] == []
    assert "hangs on single years" not in clean.reading("months").split("\n")[0]


def test_flagged_months_are_named_not_read():
    months = pd.period_range("2019-11", "2023-12", freq="M")
    table = pd.DataFrame({"S": pd.Series({p: (2.0 if p.month == 11 else 0.5) for p in months})})
    m = se.MonthlyReturns(table=table, partial=None, asof=pd.Timestamp("2023-12-29"),
                          series=["S"])
    stats = se.month_of_year_stats(m, min_years=5)
    assert "- January for S: only 4 years (fewer than 5), too few to read." in \
        stats.reading("months")
    flagged = stats.reading("months").split("\n\n")[-1]
    assert flagged.startswith("Flagged (fewer than 5 years, not read or tested): S January, "
                              "S February")
    assert "S November" not in flagged and "S December" not in flagged
    assert stats.reading().count("Flagged (") == 1
    # without a flagged month, nothing is said about flags
    full = se.month_of_year_stats(se.monthly_returns(planted(4.0, 0.0),
                                                     relative=["SMALL", "LARGE"]))
    assert "Flagged" not in full.reading()


# ------------------------------------------------------------------------------------------
# January effect, election years, rank
# ------------------------------------------------------------------------------------------


def test_planted_january_effect_found_with_sign_and_size():
    m = se.monthly_returns(planted(0.5, 3.0), relative=["SMALL", "LARGE"])
    jan = se.january_effect(m)
    text = jan.reading()
    assert text.startswith("In January small caps (SMALL) led large caps (LARGE) by "
                           f"{jan.stats['mean_pct']:.2f} pp on average over 30 years "
                           "(1990-2019)")
    assert "The data support a January effect: small caps have gained more on large caps in " \
           "January than in their average month." in text and "do not" not in text
    st = jan.stats
    assert f"Tested against the spread's average month of {st['baseline_pct']:+.2f} pp, an " \
           f"excess of {st['excess_pct']:+.2f} pp" in text
    assert "30 independent observations" in text
    assert "Over the last 10 Januaries" in text


def test_planted_january_lag_reads_as_no_effect():
    m = se.monthly_returns(planted(0.5, -3.0), relative=["SMALL", "LARGE"])
    text = se.january_effect(m).reading("effect")
    assert "lagged" in text and "The data contradict a January effect" in text
    assert "support" not in text
    assert "in no more than half of the years" in text


def test_no_january_effect_reads_as_not_supported():
    m = se.monthly_returns(planted(0.5, 0.0), relative=["SMALL", "LARGE"])
    jan = se.january_effect(m)
    assert jan.stats["verdict"] == "indistinct"
    assert "The data do not support a reliable January effect." in jan.reading()


def test_election_reading_size_and_welch_t():
    months = pd.period_range("1987-11", "2019-12", freq="M")
    rng = np.random.default_rng(0)
    vals = [((5.0 if p.year % 4 == 0 else 1.0) + rng.normal(0, 0.5)) if p.month == 11 else
            (1.0 if p.month == 12 else 0.0) for p in months]
    table = pd.DataFrame({"S": vals}, index=pd.PeriodIndex(months, name="month"))
    m = se.MonthlyReturns(table=table, partial=None, asof=pd.Timestamp("2019-12-31"),
                          series=["S"])
    e = se.election_years(m)
    d = e.difference.loc["S"]
    text = e.reading()
    assert f"stronger by {d['diff_pp']:.2f} pp" in text
    assert "a difference that is statistically distinguishable from zero" in text
    assert f"Welch t = {d['t']:.1f}" in text and d["t"] > 10
    assert "in 8 election years vs" in text and "in 25 other years" in text


def test_rank_reading_quarters():
    idx = pd.PeriodIndex([f"{y}-03" for y in range(2013, 2025)], freq="M")
    values = pd.Series(np.arange(12, dtype=float), index=idx)  # the latest is the best
    m = se.MonthlyReturns(table=pd.DataFrame({"S": values, "S-L": -values}), partial=None,
                          asof=pd.Timestamp("2024-03-28"), series=["S"], spread="S-L")
    text = se.latest_month_rank(m).reading()
    assert "- S: 2024-03 +11.0%, rank 1 of 12 (in the top quarter; average for the month " \
           "+5.50%)." in text  # a month's return 1 decimal, an average of months 2
    assert "- S-L: 2024-03 -11.0 pp, rank 12 of 12 (in the bottom quarter" in text


# ------------------------------------------------------------------------------------------
# Santa Claus rally and seasonal path
# ------------------------------------------------------------------------------------------


def test_santa_reading_both_directions_and_excluded_years():
    idx = sessions("2005-11-01", "2025-01-02")  # 2025-01-01 closed: one January session
    windows = se.santa_claus_windows(idx)
    r_up = np.zeros(len(idx))
    for y, w in windows.iterrows():
        in_window = (idx > w["base"]) & (idx <= w["last"])
        r_up[in_window] = 0.002 + 0.0005 * (y % 3)
    prices = pd.DataFrame({"UP": 100 * np.cumprod(1 + r_up),
                           "DOWN": 100 * np.cumprod(1 - r_up)}, index=idx)
    santa = se.santa_claus_rally(prices)
    text = santa.reading("rally")
    assert text.startswith("Each window is compared with the average of **all** "
                           "7-trading-day windows of the same years")
    up = santa.tests.loc["UP"]
    assert f"- **UP**: mean {up['mean']:+.2f}% over 19 windows" in text
    assert f"against the average 7-day window of {up['baseline']:+.2f}%, an excess of " \
           f"{up['excess']:+.2f} pp" in text
    assert "the rally beats an ordinary 7-day window" in text
    assert "positive in 100%" in text and "positive in 0%" in text
    assert "- **DOWN**: mean -" in text
    assert "the window has been weaker than an ordinary 7-day window" in text
    assert "Latest (2023-2024)" in text
    assert text.endswith("\n\nExcluded, window not complete as of the data: 2024 (1 of 2 "
                         "January sessions by 2025-01-02).")
    assert f"Latest (2023-2024): {santa.table.at[2023, 'UP']:+.2f}%, " in text  # 2 decimals
    assert santa.reading("definition") == nar.SANTA_DEFINITION
    assert santa.reading().startswith("Santa Claus rally (Stock Trader's Almanac)")


def test_path_reading_current_year_against_the_band():
    idx = sessions("2021-12-01", "2024-03-15", holidays=[])
    sp = se.seasonal_path(walk(idx, daily_pct=0.05, name="S"), start="2022-01-01")
    text = sp.reading()
    assert text.startswith("Over 2 complete years (2022-2023) S ended the year +")
    pos = sp.position
    assert (f"2024 so far: {pos['value']:+.1f}% after {pos['day']} trading days (to 2024-03-15)"
            in text)
    assert f"{pos['where']} the middle half of years" in text


def test_pair_path_reading_is_in_pp():
    idx = sessions("2021-12-01", "2023-12-29", holidays=[])
    pair = pd.DataFrame({"S": walk(idx, 0.08, seed=1, noise=0.5),
                         "L": walk(idx, 0.02, seed=2, noise=0.5)})
    text = se.seasonal_path(pair, start="2022-01-01").reading("path")
    assert "S-L (small minus large)" in text and " pp on average" in text
    assert "so far" not in text


# ------------------------------------------------------------------------------------------
# the brief on top of the page
# ------------------------------------------------------------------------------------------

LINK = re.compile(r" \[→\]\((#[^)]+)\)$")


def _headings() -> set:
    """The in-page anchors of notebook 03's section headings, as nbconvert writes them."""
    import nbformat
    from smallcaps.page import anchor

    nb = nbformat.read(Path(__file__).parents[1] / "notebooks" / "03_seasonality.ipynb", 4)
    return {anchor(line.lstrip("#").strip()) for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if re.match(r"^#{2,3} ", line)}


def _check_shape(sentences: list) -> None:
    assert 3 <= len(sentences) <= 6, sentences
    for s in sentences:
        m = LINK.search(s)
        assert m, f"no section link at the end of: {s}"
        assert m.group(1) in _headings(), m.group(1)
        assert "nan" not in s.lower().replace("financ", "") and "n/a" not in s, s


def test_every_brief_link_is_a_heading_of_notebook_03():
    from smallcaps.page import anchor

    assert {anchor(h) for h in nar.HEADINGS.values()} <= _headings()


def test_brief_of_planted_effects_says_them_with_their_numbers():
    m = se.monthly_returns(planted(4.0, 3.0), relative=["SMALL", "LARGE"])
    stats, jan = se.month_of_year_stats(m), se.january_effect(m)
    brief = nar.brief(stats, jan)
    _check_shape(brief)
    nov = stats.table.loc[("SMALL", "November")]
    assert brief[0].startswith(
        f"**November has been a strong month for SMALL**: it averaged {nov['mean']:+.2f}% over "
        f"30 years, an excess of {nov['excess']:+.2f} pp over the average month (95% CI "
        f"{nov['ci_low']:+.2f} pp to {nov['ci_high']:+.2f} pp, p ")
    assert f"q = {nov['q']:.2f} over {stats.fdr['cells']} cells; 30 independent years)" in brief[0]
    assert brief[0].endswith("[→](#Month-of-year-statistics)")
    st = jan.stats
    assert brief[2].startswith(
        "**The data support a January effect**: in January small caps (SMALL) led large caps "
        f"(LARGE) by {abs(st['mean_pct']):.2f} pp on average and beat them in "
        f"{st['hit_rate'] * 100:.0f}% of years, an excess of {st['excess_pct']:+.2f} pp over the "
        "spread's average month (95% CI ")
    assert brief[2].endswith("[→](#January-effect)")
    fdr = stats.fdr
    assert f"; {fdr['surviving']} of the 36 month x series cells survive the false-discovery " \
           f"control at q ≤ 10% ({', '.join(fdr['surviving_cells'][:4])} and " \
           f"{fdr['surviving'] - 4} more)" in brief[1]
    assert f"more), and {fdr['distinct']} differ from their average month at p < 0.05 taken " \
           "alone." in brief[1]


def test_brief_of_reversed_effects_says_the_data_go_against_the_claims():
    m = se.monthly_returns(planted(-4.0, -3.0), relative=["SMALL", "LARGE"])
    brief = nar.brief(se.month_of_year_stats(m), se.january_effect(m))
    _check_shape(brief)
    assert brief[0].startswith("**November has been a weak month for SMALL**, against the claim")
    assert "strong" not in brief[0]
    assert brief[2].startswith("**The data contradict a January effect**: in January small caps "
                               "(SMALL) lagged large caps (LARGE) by ")
    assert "support" not in brief[2]


def test_brief_of_absent_effects_says_nothing_is_distinguishable():
    m = se.monthly_returns(_drift(), relative=["SMALL", "LARGE"])
    stats = se.month_of_year_stats(m)
    brief = nar.brief(stats, se.january_effect(m))
    _check_shape(brief)
    assert brief[0].startswith("**November is not distinguishable from SMALL's average month**")
    assert brief[1].startswith("**No reliable December dip for small caps against large caps "
                               "over the whole month**: in December the spread SMALL-LARGE was ")
    assert "0 of the 36 month x series cells survive" in brief[1]
    assert brief[2].startswith("**No reliable January effect**")


def _december(extra: float) -> se.MonthStats:
    small = daily_from_monthly({12: 1.0 + extra}, seed=7, noise=1.0)
    large = daily_from_monthly({12: 1.0}, seed=8, noise=1.0)
    m = se.monthly_returns(pd.DataFrame({"S": small, "L": large}), relative=["S", "L"])
    return se.month_of_year_stats(m)


def test_brief_december_dip_planted_reversed():
    dip = _december(-3.0)
    row = dip.table.loc[("S-L", "December")]
    text = nar.brief(dip)[1]
    assert text.startswith("**A December dip for small caps against large caps**: in December "
                           f"the spread S-L was {abs(row['excess']):.2f} pp below its average "
                           "month (95% CI ")
    assert "surviving the false-discovery control" in text
    rise = nar.brief(_december(3.0))[1]
    assert rise.startswith("**No December dip for small caps against large caps over the whole "
                           "month, rather the reverse**: in December the spread S-L was ")
    assert " above its average month" in rise and "A December dip" not in rise


def _santa_prices(order: list) -> pd.DataFrame:
    idx = sessions("1995-11-01", "2020-01-31", holidays=[])
    windows = se.santa_claus_windows(idx)
    rng = np.random.default_rng(4)
    r = rng.normal(0, 0.004, len(idx))
    for y, w in windows.iterrows():
        r[(idx > w["base"]) & (idx <= w["last"])] += 0.002 + 0.0005 * (y % 3)
    frame = pd.DataFrame({"UP": 100 * np.cumprod(1 + r), "DOWN": 100 * np.cumprod(1 - r)},
                         index=idx)
    return frame[order]


def test_brief_santa_rally_both_ways():
    prices = _santa_prices(["UP", "DOWN"])
    stats = se.month_of_year_stats(se.monthly_returns(prices))
    santa = se.santa_claus_rally(prices)
    up = santa.tests.loc["UP"]
    text = nar.brief(stats, santa)[2]
    assert text.startswith(
        f"**The Santa Claus rally beats an ordinary 7-day window for UP**: {up['mean']:+.2f}% on "
        f"average, an excess of {up['excess']:+.2f} pp over the average 7-day window (95% CI ")
    assert "; 25 independent years)" in text and "; below an ordinary window for DOWN." in text
    assert text.endswith("[→](#Santa-Claus-rally)")
    prices = _santa_prices(["DOWN", "UP"])
    down = nar.brief(se.month_of_year_stats(se.monthly_returns(prices)),
                     se.santa_claus_rally(prices))[2]
    assert down.startswith("**The Santa Claus window has been weaker than an ordinary 7-day "
                           "window for DOWN**, against the claim")
    assert "; above an ordinary window for UP." in down and "also" not in down


def test_brief_almanac_holds_contradicted_and_absent():
    from test_narrative_seasonality_almanac import _barometer

    held = _barometer(1.0)
    up = held.tests.loc[("S", "january_up")]
    stats = _stats_of_barometer(held)
    text = nar.brief(stats, held)[-1]
    assert text.startswith(
        f"**The January Barometer holds for S** at p < 0.05: for S after an up January "
        f"{up['excess']:+.2f} pp over all years (p ")
    assert f"q = {up['q']:.2f}; {int(up['episodes'])} years), surviving the false-discovery " \
           "control over its table's 2 cells." in text
    assert text.endswith("[→](#January-Barometer)")
    reversed_ = _barometer(-1.0)
    against = nar.brief(stats, reversed_)[-1]
    # the figure quoted is the group that went against the claim
    group = next(g for g in ("january_up", "january_down")
                 if reversed_.tests.loc[("S", g), "verdict"] != "indistinct")
    words = {"january_up": "after an up January", "january_down": "after a down January"}
    assert against.startswith("**The January Barometer is contradicted for S** at p < 0.05: "
                              f"for S {words[group]} "
                              f"{reversed_.tests.loc[('S', group), 'excess']:+.2f} pp")
    absent = _barometer(0.0, seed=3)
    none = nar.brief(stats, absent)[-1]
    assert none.startswith("**The January Barometer holds for no column** at p < 0.05; for S: "
                           "after an up January ")
    assert none.endswith("[→](#January-Barometer)")


def _stats_of_barometer(b) -> se.MonthStats:
    from test_seasonality_almanac import _barometer_rule, monthly_result, months

    return se.month_of_year_stats(monthly_result({"S": months(_barometer_rule(1.0), 2)}))


def test_brief_rounds_once_like_the_tables():
    """The brief, the readings and the page's table show the same rounded numbers."""
    from smallcaps import page

    m = se.monthly_returns(planted(0.5, 0.0), relative=["SMALL", "LARGE"])
    jan = se.january_effect(m)
    row = page.format_table(jan.summary(), decimals=2, text=True).iloc[0]
    brief = nar.brief(se.month_of_year_stats(m), jan)[2]
    assert f"by {row['mean rel (pp)'].lstrip('-')} pp on average" in brief
    assert f"beat them in {row['hit rate (%)']}% of years" in brief
    assert f"an excess of {float(row['excess (pp)']):+.2f} pp" in brief
    assert f"by {row['mean rel (pp)'].lstrip('-')} pp on average" in jan.reading()


def test_brief_refuses_what_it_cannot_read():
    stats = se.month_of_year_stats(se.monthly_returns(planted(0.5, 0.0)))
    with pytest.raises(ParameterError, match="cannot read a"):
        nar.brief(stats, object())


def test_brief_quotes_the_group_that_carries_the_verdict():
    from test_narrative_seasonality_almanac import _barometer

    b = _barometer(1.0)
    b.tests.loc[("S", "january_up"), ["verdict", "p"]] = ["untested", np.nan]
    b.tests.loc[("S", "january_down"), "verdict"] = "below"
    assert b.verdicts["S"] == "supported"
    down = b.tests.loc[("S", "january_down")]
    text = nar.brief(_stats_of_barometer(b), b)[-1]
    assert text.startswith("**The January Barometer holds for S** at p < 0.05: for S after a "
                           f"down January {down['excess']:+.2f} pp over all years (p ")
    assert "p = n/a" not in text
