"""Prose of the turn-of-the-year study (smallcaps.narrative.taxloss) on hand-made results: the
window verdicts read the excess over the typical window of the same length (never a t against
zero), the independent seasons and the leave-one-season-out check; the as-of wording, phases,
groups (Welch t at the kit's 1.96, seasons per group, leave-one-out) and the joint sensitivity
statement (reject with a positive or a negative excess, no rejection, overlap counting)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from smallcaps.data import AsOf
from smallcaps.errors import ParameterError
from smallcaps.narrative import taxloss as nt

WINDOWS = {"pressure": ("12-01", "12-20"), "rebound": ("12-21", "01-15"),
           "path": ("11-01", "01-31")}


class FakeStudy:
    """Duck-typed TurnOfYear: only what the narrative reads, every number given by hand."""

    def __init__(self, stats=None, years=None, incomplete=None, trough=None, groups=None,
                 group_t=np.nan, current=None, band=None, sensitivity=None,
                 asof="2024-12-27", asof_info=None, tests=None, group_loo=()):
        self.small, self.large, self.windows = "RUT", "SPX", WINDOWS
        self._stats = stats or {}
        self.years = years if years is not None else pd.DataFrame(
            {"pressure_rel": [-1.0, 2.5, 0.4], "rebound_rel": [3.0, -0.5, 1.0]},
            index=pd.Index([2021, 2022, 2023], name="year"))
        self.incomplete = incomplete or {}
        self._trough, self._groups, self.rebound_group_t = trough, groups, group_t
        self._current, self._sens = current, sensitivity
        self._tests = tests or {}
        self._group = {"pressure_welch_t": 0.5, "rebound_welch_t": group_t,
                       "loo_flips": list(group_loo)}
        self.band = band if band is not None else pd.DataFrame({"mean": [0.0, 0.5, 1.0]})
        self.asof, self.asof_info = pd.Timestamp(asof), asof_info

    def window_stats(self, which):
        return self._stats[which]

    def window_test(self, which):
        return self._tests[which]

    def group_test(self):
        return self._group

    def trough(self):
        return self._trough

    def by_ytd_group(self):
        return self._groups

    def current(self):
        return self._current

    def sensitivity(self):
        return self._sens


def stats(mean, t=9.9, median=0.1, hit=0.6, n=30, small=1.0, hit_small=0.7):
    return {"mean_rel_pct": mean, "median_rel_pct": median, "hit_rate": hit, "n": n, "t": t,
            "mean_small_pct": small, "hit_rate_small": hit_small}


def wtest(excess=1.0, p=0.01, verdict="shows", flips=(), n=30, h=16, baseline=0.02):
    leg = {"mean_pct": 2.4, "baseline_pct": 0.64, "excess_pp": 1.76, "ci_low": 0.1,
           "ci_high": 3.4, "p": 0.029}
    return {"horizon_days": h, "n": n, "episodes": n, "mean_pp": excess + baseline,
            "median_pp": 0.7, "trimmed_mean_pp": 1.066, "baseline_pp": baseline,
            "excess_pp": excess, "ci_low": excess - 0.8, "ci_high": excess + 0.8, "p": p,
            "verdict": verdict, "loo_flips": list(flips), "small": leg,
            "large": dict(leg, mean_pct=1.29, baseline_pct=0.63, excess_pp=0.66, p=0.232)}


def study(pressure=None, rebound=None, **kw):
    return FakeStudy(stats={"pressure": stats(-0.5), "rebound": stats(1.234)},
                     tests={"pressure": pressure or wtest(-0.2, 0.6, "average", h=14),
                            "rebound": rebound or wtest()}, **kw)


def test_unknown_section_names_the_valid_ones():
    with pytest.raises(ParameterError) as err:
        nt.read(FakeStudy(), "fit")
    assert "'fit'" in str(err.value) and "windows, years, trough" in str(err.value)
    sens = SimpleNamespace(table=pd.DataFrame(), end="01-15", small="RUT", large="SPX")
    with pytest.raises(ParameterError, match="valid: sensitivity"):
        nt.read(sens, "windows")
    assert nt.SECTIONS == ("inputs", "windows", "years", "trough", "groups", "current",
                           "sensitivity")


def test_window_reads_the_excess_with_its_baseline_and_seasons():
    text = nt.read(study(), "windows")
    assert "beat large caps (SPX) by 1.23 pp on average (median +0.10 pp, trimmed mean " \
           "+1.07 pp), beating them in 60% of 30 seasons." in text
    assert "A typical 16-trading-day window of the same sample gives +0.02 pp, so the excess " \
           "is +1.00 pp (95% CI +0.20 pp to +1.80 pp, block bootstrap, p = 0.010): the " \
           "playbook's rebound shows up. It rests on 30 seasons, one window a year, so 30 " \
           "independent observations; no single season's removal changes this verdict." in text
    assert "In absolute terms RUT returned +2.40% on average (up in 70% of seasons) against " \
           "+0.64% for a typical 16-day window (excess +1.76 pp, p = 0.029), SPX +1.29% " \
           "against +0.63% (excess +0.66 pp, p = 0.23)." in text
    assert "t = 9.9" not in text  # the t against zero is no verdict
    assert "the playbook's December dip shows up on average but not reliably" in text


@pytest.mark.parametrize("verdict, words", [
    ("shows", "the playbook's rebound shows up."),
    ("average", "the playbook's rebound shows up on average but not reliably."),
    ("absent", "the playbook's rebound does not show up."),
])
def test_rebound_verdict_follows_the_excess_test_not_the_t(verdict, words):
    # the t against zero is 9.9 in every case: only the excess test's verdict is read
    text = nt.read(study(rebound=wtest(verdict=verdict)), "windows")
    assert words in text


@pytest.mark.parametrize("flips, words", [
    ([2005], "removing 2005 alone would change this verdict."),
    ([1999, 2008], "removing any one of 1999 or 2008 alone would change this verdict."),
    ([1990, 1997, 2000, 2002, 2004], "removing any one of 5 seasons (1990, 1997, 2000 and 2 "
                                     "more) alone would change this verdict, which therefore "
                                     "sits on the edge."),
])
def test_leave_one_out_names_the_season(flips, words):
    assert words in nt.read(study(rebound=wtest(flips=flips)), "windows")


def test_dip_verdicts_and_wording():
    s = study(pressure=wtest(-2.6, 0.001, "shows", h=14),
              rebound=wtest(-0.2, 0.7, "absent"),
              incomplete={2024: "rebound window not complete"})
    s._stats["pressure"] = stats(-2.6, hit=0.05)
    text = nt.read(s, "windows")
    assert text.startswith("As of 2024-12-27, 3 seasons (2021 to 2023) have both windows")
    assert "lagged large caps (SPX) by 2.60 pp" in text
    assert "so the excess is -2.60 pp (95% CI -3.40 pp to -1.80 pp, block bootstrap, " \
           "p = 0.001): the playbook's December dip shows up." in text
    assert "beating them in 5% of 30 seasons" in text
    assert "the playbook's rebound does not show up" in text
    assert text.endswith("Excluded, windows not complete by 2024-12-27: 2024 (rebound window "
                         "not complete).")
    few = study(rebound=wtest(np.nan, np.nan, "untestable", n=1))
    few._stats["rebound"] = stats(0.3, n=1)
    text = nt.read(few, "windows")
    assert "The playbook's rebound cannot be tested with so few seasons." in text
    assert "p = n/a" not in text


def test_asof_wording_snapped_and_stale():
    snapped = AsOf(date="2024-12-27", requested="2024-12-29", reference=("RUT", "SPX"))
    s = study(asof_info=snapped)
    assert nt.read(s, "windows").startswith(
        "As of 2024-12-27 (requested 2024-12-29: the last complete bar of RUT and SPX")
    stale = AsOf(date="2026-02-20", requested=None, reference=("RUT", "SPX"))
    s = study(asof="2025-09-26", asof_info=stale)
    assert nt.read(s, "windows").startswith(
        "As of 2025-09-26, the last date both RUT and SPX have a close (data as of 2026-02-20)")


def test_years_extremes_and_latest_season():
    text = nt.read(FakeStudy(), "years")
    assert "- Pressure window: weakest for small caps in 2021 (-1.00 pp), strongest in 2022 " \
           "(+2.50 pp)." in text
    assert "- Rebound window: weakest for small caps in 2022 (-0.50 pp), strongest in 2021 " \
           "(+3.00 pp)." in text
    # 2023: pressure +0.40 vs average +0.63 (below), rebound +1.00 vs average +1.17 (below)
    assert "Latest complete season (2023): pressure +0.40 pp (below the average +0.63 pp), " \
           "rebound +1.00 pp (below the average +1.17 pp)." in text


def test_trough_wording():
    deep = {"trading_day": 33, "date": "12-18", "value_pp": -2.345, "years": 31,
            "vs_pressure": "inside"}
    text = nt.read(FakeStudy(trough=deep), "trough")
    assert "bottoms on trading day 33 of the window, typically around 12-18 (MM-DD), at " \
           "-2.35 pp: inside the pressure window (12-01 to 12-20)." in text
    flat = dict(deep, value_pp=0.2)
    assert "never falls below its starting level" in nt.read(FakeStudy(trough=flat), "trough")
    none = {"trading_day": None, "date": None, "value_pp": np.nan, "years": 0,
            "vs_pressure": None}
    assert nt.read(FakeStudy(trough=none), "trough") == "No complete path window to average."


def groups(lp, lr, wp, wr, n=10):
    return pd.DataFrame({"pressure_mean_rel_pct": [lp, 0.0, wp],
                         "rebound_mean_rel_pct": [lr, 0.0, wr], "n": [n, n, n],
                         "ytd_min_pp": [-20.0, -4.0, 2.0], "ytd_max_pp": [-5.0, 1.0, 22.0]},
                        index=["losers", "middle", "winners"])


@pytest.mark.parametrize("g, t, verdict, sig", [
    (groups(-1.0, 2.0, 0.5, 0.2), 1.96, "both as the tax-loss hypothesis predicts",
     "statistically distinguishable (Welch t = 2.0;"),
    (groups(1.0, 2.0, 0.5, 0.2), 1.5, "the rebound as predicted but not the pressure",
     "not statistically distinguishable (Welch t = 1.5;"),
    (groups(-1.0, 0.1, 0.5, 0.2), -0.3, "the pressure as predicted but not the rebound",
     "not statistically"),
    (groups(1.0, 0.1, 0.5, 0.2), -2.5, "neither as the tax-loss hypothesis predicts",
     "statistically distinguishable (Welch t = -2.5;"),
])
def test_groups_verdicts(g, t, verdict, sig):
    text = nt.read(FakeStudy(groups=g, group_t=t), "groups")
    assert f"Losers differ from winners in {verdict};" in text
    assert sig in text
    assert "-20.0 pp to -5.0 pp, n = 10" in text and "+2.0 pp to +22.0 pp" in text
    assert "pressure Welch t = 0.5). The comparison rests on 10 loser and 10 winner seasons, " \
           "one a year; no single season's removal changes which group rebounds more or " \
           "whether the difference is distinguishable." in text
    few = groups(1.0, 0.1, 0.5, 0.2, n=1)
    assert nt.read(FakeStudy(groups=few), "groups") == \
        "Too few years to compare losers with winners."


def test_groups_name_the_season_that_carries_the_difference():
    text = nt.read(FakeStudy(groups=groups(-1.0, 2.0, 0.5, 0.2, n=12), group_t=2.3,
                             group_loo=[2008]), "groups")
    assert "statistically distinguishable (Welch t = 2.3" in text
    assert "rests on 12 loser and 12 winner seasons, one a year; removing 2008 alone would " \
           "change which group rebounds more or whether the difference is distinguishable." \
        in text


def test_current_phases_ytd_and_path():
    path = pd.Series([0.0, -1.0, -2.0], index=[0, 1, 2])
    cur = {"year": 2024, "phase": "rebound", "ytd_rel_pct": -6.3587,
           "ytd_until": pd.Timestamp("2024-11-29"), "ytd_at_pressure": True,
           "ytd_group": "losers", "path": path}
    text = nt.read(FakeStudy(current=cur), "current")
    assert text.startswith("As of 2024-12-27, the 2024 season is inside the rebound window "
                           "(pressure 12-01 to 12-20, rebound 12-21 to 01-15).")
    assert "Year-to-date RUT trails SPX by 6.36 pp (to 2024-11-29, the close before the " \
           "pressure window), which would place 2024 among the losers (bottom third) of past " \
           "years." in text
    assert "stands at -2.00 pp after 2 trading days of the path window, below the average " \
           "(+1.00 pp) at that day." in text
    early = dict(cur, phase="before", ytd_rel_pct=5.7, ytd_until=pd.Timestamp("2024-06-28"),
                 ytd_at_pressure=False, ytd_group="winners", path=None)
    text = nt.read(FakeStudy(current=early), "current")
    assert "is before the pressure window" in text
    assert "leads SPX by 5.70 pp (to 2024-06-28), which would place 2024 among the winners " \
           "(top third) of past years (past years are measured up to their pressure window, " \
           "so this is provisional)." in text
    assert "relative path" not in text
    for phase, words in (("between", "between the pressure and rebound windows"),
                         ("after", "after the rebound window"),
                         ("pressure", "inside the pressure window")):
        assert words in nt.read(FakeStudy(current=dict(early, phase=phase)), "current")
    alone = dict(early, ytd_group="unclassified")
    assert "leads SPX by 5.70 pp (to 2024-06-28); too few past seasons to place it among " \
           "them." in nt.read(FakeStudy(current=alone), "current")
    missing = dict(early, ytd_rel_pct=float("nan"))
    assert "Year-to-date" not in nt.read(FakeStudy(current=missing), "current")


def sens_table(excess, p=None, q=None, adjusted=None, n=36):
    idx = [f"12-{d}" for d in range(20, 20 + len(excess))]
    k = len(excess)
    return pd.DataFrame({"excess_pp": excess, "p": p or [0.01] * k, "q": q or [0.02] * k,
                         "adjusted_p": adjusted or [0.03] * k, "n": n, "hit_rate": 0.6},
                        index=idx)


def sens(table, at="12-22", p=0.01, t=3.3, default="12-21"):
    joint = {"max_abs_t": t, "at": at, "p": p, "critical_t": 2.63, "block": 25,
             "n_boot": 2000, "columns": len(table)}
    return SimpleNamespace(table=table, end="01-15", small="RUT", large="SPX", joint=joint,
                           default=default, alpha=0.05, q_level=0.10)


def test_sensitivity_is_one_joint_test_not_a_count():
    table = sens_table([0.6, 1.1, 1.4, 0.2], p=[0.2, 0.01, 0.002, 0.4], q=[0.27, 0.02, 0.008, 0.4],
                       adjusted=[0.5, 0.06, 0.01, 0.8])
    text = nt.read(sens(table))
    assert text == (
        "Each rebound window starting 12-20 to 12-23 (end 01-15) is compared with the typical "
        "window of its own length: the excess of RUT over SPX ranges from +0.20 pp (start "
        "12-23) to +1.40 pp (start 12-22); the default window (start 12-21) has +1.10 pp "
        "(p = 0.010). These 4 windows share their end and rest on the same 36 seasons, so they "
        "overlap almost entirely and are one test, not 4: the largest |t| across start dates, "
        "3.3 at 12-22, against its block-bootstrap distribution under no excess at any start "
        "date gives a joint p = 0.010 (critical |t| 2.63 at 5%). The rebound's excess is not an "
        "artefact of the chosen start date. 2 of 4 start dates have q ≤ 10% "
        "(Benjamini-Hochberg) and 1 clears the joint critical value, but they overlap: this "
        "counts one effect, not 2.")
    s = FakeStudy(sensitivity=sens(table))
    assert nt.read(s, "sensitivity") == text
    assert "t >= 1.96" not in text


def test_sensitivity_without_a_joint_rejection():
    table = sens_table([0.3, 0.5, 0.1], p=[0.3, 0.04, 0.7], q=[0.45, 0.12, 0.7],
                       adjusted=[0.6, 0.1, 0.95])
    text = nt.read(sens(table, at="12-21", p=0.1, t=2.1, default=None))
    assert "default window" not in text
    assert "gives a joint p = 0.10 (critical |t| 2.63 at 5%). No start date's excess survives " \
           "the joint test: across start dates the rebound cannot be told apart from a typical " \
           "window of the same length. 0 of 3 start dates have q ≤ 10% (Benjamini-Hochberg) " \
           "and 0 clear the joint critical value." in text


def test_sensitivity_rejecting_on_a_shortfall_reads_against_the_playbook():
    table = sens_table([-1.5, -1.2], adjusted=[0.01, 0.02])
    text = nt.read(sens(table, at="12-20"))
    assert "ranges from -1.50 pp (start 12-20) to -1.20 pp (start 12-21)" in text
    assert "Small caps fall short of a typical window for some start dates, against the " \
           "playbook." in text
    assert "not an artefact" not in text


def test_sensitivity_without_a_window_or_a_test():
    assert nt.read(sens(sens_table([np.nan]))) == \
        "No complete rebound window for any start date."
    one = sens(sens_table([0.5], p=[np.nan], n=1), p=np.nan, default="12-20")
    assert nt.read(one).endswith("to +0.50 pp (start 12-20); the default window (start 12-20) "
                                 "has +0.50 pp.")
    few = sens(sens_table([0.5, 0.6], p=[np.nan, np.nan], n=3), p=np.nan)
    assert nt.read(few).endswith("These 2 windows share their end and rest on the same 3 "
                                 "seasons, so they overlap almost entirely and are one test, "
                                 "not 2: too few seasons for the joint test.")


def test_full_reading_joins_every_section():
    path = pd.Series([0.0, 1.0], index=[0, 1])
    s = study(
        trough={"trading_day": 5, "date": "11-07", "value_pp": -0.3, "years": 3,
                "vs_pressure": "before"},
        groups=groups(-1.0, 2.0, 0.5, 0.2), group_t=1.0,
        current={"year": 2024, "phase": "rebound", "ytd_rel_pct": 1.0,
                 "ytd_until": pd.Timestamp("2024-11-29"), "ytd_at_pressure": True,
                 "ytd_group": "middle", "path": path},
        sensitivity=sens(sens_table([1.0])))
    full = nt.read(s)
    parts = [nt.read(s, sec) for sec in nt.SECTIONS]
    assert full == "\n\n".join(parts)
    assert "before the pressure window (12-01 to 12-20)" in full


# ---- the brief -------------------------------------------------------------------------------

def _links(sentences):
    import re

    from smallcaps import page

    anchors = {page.anchor(h) for h in nt.HEADINGS.values()}
    assert 3 <= len(sentences) <= 6
    for s in sentences:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m and m.group(1) in anchors, s
    return sentences


def brief_study(pressure, rebound, sensitivity, g, t, cur):
    return FakeStudy(stats={"pressure": stats(-0.5), "rebound": stats(1.234)},
                     tests={"pressure": pressure, "rebound": rebound}, sensitivity=sensitivity,
                     groups=g, group_t=t, current=cur)


CUR = {"year": 2024, "phase": "before", "ytd_rel_pct": -6.3587,
       "ytd_until": pd.Timestamp("2024-11-29"), "ytd_at_pressure": False,
       "ytd_group": "losers", "path": None}


def test_brief_when_the_playbook_shows_up():
    s = brief_study(wtest(-1.2, 0.01, "shows", h=14), wtest(1.09, 0.014, "shows"),
                    sens(sens_table([0.6, 1.1, 1.4])), groups(-1.0, 2.0, 0.5, 0.2), 2.3, CUR)
    p, r, se, g, c = _links(nt.brief(s))
    assert p.startswith("**The playbook's December dip shows up** in the pressure window "
                        "(12-01 to 12-20): RUT minus SPX averaged -0.50 pp, -1.20 pp against a "
                        "typical 14-day window (95% CI -2.00 pp to -0.40 pp, p = 0.010; 30 "
                        "independent seasons)")
    assert r.startswith("**The playbook's rebound shows up** in the rebound window")
    assert "p = 0.014" in r
    assert "joint p = 0.010): the rebound is not an artefact of the chosen start date" in se
    assert "as the tax-loss story predicts, a significant difference" in g
    assert c.startswith("As of 2024-12-27 the 2024 season is before the pressure window; year "
                        "to date RUT trails SPX by 6.36 pp, among the losers (bottom third)")


def test_brief_when_the_data_contradict_the_playbook():
    """Reversed inputs: small caps ahead in December, behind in the rebound (significant),
    loser years rebounding less, no joint rejection, small caps leading the year."""
    s = brief_study(wtest(0.9, 0.02, "absent", h=14, flips=[2008]),
                    wtest(-1.0, 0.01, "absent"),
                    sens(sens_table([-0.3, -0.1, 0.1]), p=0.3, t=1.2),
                    groups(1.0, 0.1, 0.5, 0.9), -0.4,
                    dict(CUR, ytd_rel_pct=4.2, ytd_group="winners", phase="rebound"))
    p, r, se, g, c = _links(nt.brief(s))
    assert p.startswith("**The opposite of the playbook's December dip** in the pressure")
    assert "removing 2008 alone would change this verdict" in p
    assert r.startswith("**The opposite of the playbook's rebound** in the rebound window")
    assert "shows up" not in p + r
    assert "no start date's excess survives it" in se
    assert "against the tax-loss story, not a significant difference" in g
    assert "inside the rebound window; year to date RUT leads SPX by 4.20 pp, among the " \
           "winners (top third) of past years." in c
    weak = brief_study(wtest(-0.2, 0.6, "average", h=14), wtest(0.5, 0.3, "average"),
                       sens(sens_table([0.6])), groups(1.0, 0.1, 0.5, 0.2, n=1), np.nan,
                       dict(CUR, ytd_rel_pct=np.nan))
    p, r, se, g, c = _links(nt.brief(weak))
    assert "shows up on average but not reliably" in p and "too few seasons" in se
    assert g.startswith("Too few seasons") and "year to date" not in c
    none = brief_study(wtest(np.nan, np.nan, "untestable", n=2), wtest(), sens(sens_table([])),
                       groups(1.0, 0.1, 0.5, 0.2), 1.0, CUR)
    assert _links(nt.brief(none))[0].startswith("With 2 complete seasons, the pressure window")
