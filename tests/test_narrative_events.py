"""Tests for smallcaps.narrative.events: the prose of the divergence study, on planted studies
and on hand-made results (the narrative reads attributes only)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from smallcaps import events
from smallcaps.errors import ParameterError
from smallcaps.narrative import events as nar
from test_events import planted_study, synthetic

PARAMS = {"sigma": 3.0, "direction": "up", "decluster_days": 20, "forward_days": [21, 63],
          "small": "RUT", "large": "SPX", "horizon_days": 5, "std_method": "expanding",
          "std_window": 252}


@pytest.fixture(scope="module")
def strong_study():
    return planted_study(0.004)


@pytest.fixture(scope="module")
def weak_study():
    return planted_study(-0.004)


def hand_study(rows: dict, n_events: int = 12, loo: dict | None = None, q: dict | None = None,
               **params) -> SimpleNamespace:
    """A duck-typed study whose small-cap table has the given rows per horizon:
    ``{h: (n, mean, diff, p)}`` (episodes = n // 2, median 1 below the mean, the all-days
    median 0.5 above the all-days mean, q = p unless ``q`` = {h: q} says otherwise); the
    spread rows are 0; ``loo`` = {h: flips}."""
    recs = []
    for series in ("small", "spread"):
        for h, (n, mean, diff, p) in rows.items():
            base = mean - diff if series == "small" else 0.0
            m = mean if series == "small" else 0.0
            verdict = ("n/a" if n == 0 else
                       ("significantly " if p < 0.05 else "") + ("above" if diff > 0 else "below"))
            recs.append({"series": series, "horizon_days": h, "n_events": n,
                         "episodes": n // 2, "mean_pct": m, "median_pct": m - 1,
                         "trimmed_mean_pct": m - 0.5, "hit_rate": 0.5, "base_n": 5000,
                         "base_mean_pct": base, "base_median_pct": base + 0.5,
                         "base_trimmed_mean_pct": base + 0.2, "diff_pp": diff,
                         "ci_low_pp": diff - 2, "ci_high_pp": diff + 2, "p_value": p,
                         "q": (q or {}).get(h, p), "verdict": verdict})
    table = pd.DataFrame(recs).set_index(["series", "horizon_days"])
    idx = pd.bdate_range("2000-01-03", periods=300)
    signal = pd.DataFrame({"z": np.r_[np.nan, np.zeros(299)]}, index=idx)
    ev = pd.DataFrame({"z": [3.5] * n_events}, index=idx[1:n_events + 1])
    return SimpleNamespace(params={**PARAMS, **params}, alpha=0.05, min_events_to_test=5,
                           table=table, events=ev, signal=signal, asof=idx[-1],
                           small_study=SimpleNamespace(loo=loo or {}))


def flip(date: str, value: float, mean: float, diff: float, p: float, verdict: str) -> dict:
    """One leave-one-out record."""
    return {"date": pd.Timestamp(date), "value_pct": value, "mean_pct": mean,
            "median_pct": mean - 1, "trimmed_mean_pct": mean, "diff_pp": diff, "p_value": p,
            "verdict": verdict}


# ---------------------------------------------------------------------------------------------
# the test section and its verdict
# ---------------------------------------------------------------------------------------------

def test_test_reading_positive(strong_study):
    text = strong_study.reading("test")
    t = strong_study.table.loc["small"]
    n63, e63 = int(t.loc[63, "n_events"]), int(t.loc[63, "episodes"])
    assert text.startswith(f"**{len(strong_study.events)} events** ({e63} non-overlapping "
                           "63-day episodes) of the")
    assert "above the drift" in text and "significant at 5%" in text
    assert "beat its unconditional drift significantly at 21, 63 days" in text
    assert "support the claim that small caps stay strong after they surge past" in text
    assert "worse" not in text and "Removing a single event" not in text
    assert f"- **63 days** ({n63} events, {e63} non-overlapping episodes): SMALL" in text
    assert f"SMALL {t.loc[63, 'mean_pct']:+.1f}% on average after events" in text
    assert f"{abs(t.loc[63, 'diff_pp']):.1f} pp above the drift" in text
    assert "Relative to LARGE after events" in text
    assert f"Independent observations: {n63} events, which form" in text


def test_test_reading_shows_tiny_p_values_as_bound(strong_study):
    t = strong_study.table.loc["small"]
    text = strong_study.reading("test")
    assert (t["p_value"] < 0.001).any()
    assert "p < 0.001" in text and "p = 0.000" not in text


def test_test_reading_negative(weak_study):
    text = weak_study.reading("test")
    assert "below the drift" in text
    assert "significantly *worse*" in text and "contradict" in text
    assert "support the claim" not in text


@pytest.mark.parametrize("rows, expected", [
    ({21: (12, 2.0, 1.5, 0.01), 63: (12, 1.0, -0.5, 0.6)},
     "beat its unconditional drift significantly at 21 days; the data support the claim that "
     "small caps stay strong after they surge past large caps at those horizons."),
    ({21: (12, 2.0, 1.5, 0.01), 63: (12, 1.0, -2.5, 0.02)},
     "mixed: significantly above the drift at 21 days, significantly below at 63 days."),
    ({21: (12, 2.0, 1.5, 0.3), 63: (12, 3.0, 0.5, 0.6)},
     "did better than its drift after events at every horizon, but no difference is "
     "significant at 5%"),
    ({21: (12, 2.0, -1.5, 0.3), 63: (12, 3.0, -0.5, 0.6)},
     "did worse than its drift after events at every horizon, though not significantly"),
    ({21: (12, 2.0, 1.5, 0.3), 63: (12, 3.0, -0.5, 0.6)},
     "above the drift at 21 days, below at 63 days, none significant at 5%"),
    ({21: (4, 2.0, 1.5, 0.01), 63: (4, 3.0, 0.5, 0.01)},
     "too few events to test whether RUT beats its unconditional drift"),
])
def test_verdict_branches(rows, expected):
    text = nar.read(hand_study(rows), "test")
    assert expected in text


def test_verdict_says_what_it_rests_on_and_which_event_carries_it():
    rows = {21: (12, 2.0, 1.5, 0.01), 63: (10, 11.2, 1.9, 0.73)}
    loo = {63: [flip("2020-03-25", 96.6, 7.3, -1.9, 0.58, "below")]}
    text = nar.read(hand_study(rows, loo=loo), "test")
    assert text.endswith("Removing a single event changes the verdict at 63 days "
                         "(2020-03-25). Independent observations: 12 events, which form 6 and "
                         "5 non-overlapping episodes at 21 and 63 days.")
    assert ("This rests on one event: without 2020-03-25 (+96.6%) the mean is +7.3%, 1.9 pp "
            "below the drift (p = 0.58).") in text
    # the significant 21-day verdict is firm, so the claim is still supported there
    assert "the data support the claim" in text


def test_a_significant_verdict_carried_by_one_event_is_not_called_support():
    rows = {21: (12, 2.0, 1.5, 0.01), 63: (12, 1.0, 0.5, 0.6)}
    loo = {21: [flip("2008-11-03", 40.0, 0.9, 0.4, 0.2, "above")]}
    text = nar.read(hand_study(rows, loo=loo), "test")
    assert ("beat its unconditional drift significantly at 21 days, but not firmly (at 21 days "
            "a single event carries it); the data do not firmly support the claim") in text
    assert "the data support" not in text
    neg = nar.read(hand_study({21: (12, 2.0, -1.5, 0.01)},
                              loo={21: [flip("2008-11-03", -40.0, 3.1, -0.2, 0.7, "below")]}),
                   "test")
    assert "do not firmly contradict" in neg


def test_a_significant_horizon_that_fails_the_false_discovery_control_is_not_firm():
    rows = {21: (12, 2.0, 1.5, 0.04), 63: (12, 1.0, 0.5, 0.6), 126: (12, 1.0, 0.5, 0.7)}
    text = nar.read(hand_study(rows, q={21: 0.12, 63: 0.6, 126: 0.7}), "test")
    assert "(p = 0.040, q = 0.12, 95% CI" in text
    assert ("significantly at 21 days, but not firmly (at 21 days it does not survive a 10% "
            "false-discovery rate across the horizons (q = 0.12)); the data do not firmly "
            "support the claim") in text
    # with a second, firm horizon the claim is supported there, and the weak one is named
    rows[63] = (12, 5.0, 3.0, 0.001)
    text = nar.read(hand_study(rows, q={21: 0.12, 63: 0.003, 126: 0.7}), "test")
    assert ("significantly at 21, 63 days; the data support the claim that small caps stay "
            "strong after they surge past large caps at those horizons. Not firm at 21 days it "
            "does not survive") in text


def test_many_flips_are_counted_not_listed():
    flips = [flip(f"2001-0{k}-01", 1.0, 0.1, 0.05, 0.9, "above") for k in range(1, 6)]
    text = nar.read(hand_study({21: (12, 2.0, -0.05, 0.9)}, loo={21: flips}), "test")
    assert ("Removing any one of 5 events alone turns the verdict: the excess (-0.1 pp) is too "
            "close to zero for its sign to mean anything.") in text
    assert "2001-03-01" not in text
    assert "changes the verdict at 21 days (any one of 5 events)" in text


def test_test_reading_numbers_and_too_few_events():
    study = hand_study({21: (12, 2.04, 1.46, 0.0312), 63: (3, 3.0, 0.5, 0.01),
                        126: (0, np.nan, np.nan, np.nan)})
    text = nar.read(study, "test")
    assert text.startswith("**12 events** (1 non-overlapping 63-day episode) of the RUT − SPX "
                           "5-day spread above +3σ (expanding standard deviation of earlier "
                           "days only, no look-ahead; declustered over 20 trading days), "
                           "2000-01-04 to 2001-02-23.")
    assert ("- **21 days** (12 events, 6 non-overlapping episodes): RUT +2.0% on average "
            "after events (median +1.0%, up in 50%) vs +0.6% on all days (median +1.1%): "
            "1.5 pp above the drift, significant at 5% (p = 0.031, q = 0.031, 95% CI -0.5 pp to "
            "+3.5 pp). Relative to SPX after events: 0.0 pp (all days 0.0 pp).") in text
    assert "- **63 days** (3 events, 1 non-overlapping episode): RUT +3.0%" in text
    assert "too few events (n = 3) to test" in text
    assert "- **126 days:** no event has a complete 126-day window yet." in text


def test_in_sample_warning_and_no_events():
    small, large = synthetic(n=3000, seed=4, jumps={1000: 0.12, 2000: 0.12})
    full = events.divergence_study(events.spread_zscore(small, large, std_method="full"),
                                   forward_days=[21], n_boot=200)
    text = full.reading("test")
    assert "IN-SAMPLE" in text and "look-ahead" in text and "Caution: in-sample" in text
    none = events.divergence_study(events.spread_zscore(small, large), sigma=50,
                                   forward_days=[21], n_boot=50)
    assert "**0 events**" in none.reading("test")
    assert "No event to study" in none.reading("test")
    assert none.reading("latest").endswith("There has been no event.")
    assert none.reading("paths_small") == ("No event, so no path after events to compare with "
                                           "the baseline.")
    assert none.reading("robustness") == "No event: nothing to check."
    assert "declustered, they form **0 events**." in none.reading("events")
    assert "0 at 50σ" in none.sensitivity([50.0]).reading()


# ---------------------------------------------------------------------------------------------
# robustness
# ---------------------------------------------------------------------------------------------

def test_robustness_reading_hand_made():
    rows = {21: (12, 2.0, 1.2, 0.3), 252: (12, 11.2, 1.9, 0.73)}
    loo = {252: [flip("2020-03-25", 96.6, 7.3, -1.9, 0.58, "below")]}
    text = nar.read(hand_study(rows, loo=loo), "robustness")
    # median = mean - 1 against all-days median = mean - diff + 0.5: below when diff < 1.5
    assert text.startswith("**Robustness** (RUT, after events against all days). The median "
                           "after events is below the all-days median at 21 days and above it "
                           "at 252 days (252 days: +10.2% vs +9.8%)")
    assert "the 10% trimmed mean is" in text
    assert ("at 252 days the excess (+1.9 pp) is above the drift (not significant) only "
            "because of 2020-03-25 (+96.6%): without it the mean is +7.3% against +9.3% on all "
            "days, below the drift (not significant), and the median after events (+6.3%) is "
            "below the all-days median (+9.8%).") in text
    assert text.endswith("At 21 days no single event changes the verdict.")
    firm = nar.read(hand_study(rows), "robustness")
    assert firm.endswith("no single event changes the verdict at any horizon.")


def test_robustness_reading_names_the_planted_outlier():
    from test_events import EVERY_120, walk

    outlier = EVERY_120[7]
    px = walk(seed=0, plant={outlier: (0.012, 63)})
    study = events.event_study(px, px.index[EVERY_120], [63], n_boot=500, seed=1)
    date = f"{px.index[outlier]:%Y-%m-%d}"
    rob = study.reading("robustness")
    assert "at 63 days the excess (+" in rob and f"only because of {date} (+" in rob
    assert "below the drift (not significant)" in rob
    test = study.reading("test")
    assert f"This rests on one event: without {date}" in test
    assert f"Removing a single event changes the verdict at 63 days ({date})" in test
    assert "the data support" not in test


def test_event_study_prose_on_planted_drift_and_on_no_effect():
    from test_events import EVERY_120, walk

    up = walk(seed=1, plant={p: (0.004, 63) for p in EVERY_120})
    found = events.event_study(up, up.index[EVERY_120], [21, 63], n_boot=500, seed=1)
    text = found.reading("test")
    assert text.startswith("**22 events** (22 non-overlapping 63-day episodes), ")
    assert ("after these events P beat its unconditional drift significantly at 21, 63 days; "
            "the data support a lasting effect of these events.") in text
    assert "Removing" not in text
    assert found.reading("robustness").endswith(
        "no single event changes the verdict at any horizon.")
    down = walk(seed=1, plant={p: (-0.004, 63) for p in EVERY_120})
    worse = events.event_study(down, down.index[EVERY_120], [63], n_boot=500, seed=1)
    assert "the data contradict a lasting effect" in worse.reading("test")
    flat = walk(seed=2)
    none = events.event_study(flat, flat.index[EVERY_120], [21, 63], n_boot=500, seed=1)
    text = none.reading("test")
    assert "significantly" not in text and "the data support" not in text
    assert "no evidence either way" in text or "do not" in text
    assert set(nar.EVENT_SECTIONS) == {"test", "robustness", "paths"}
    assert none.reading() == "\n\n".join(none.reading(s) for s in nar.EVENT_SECTIONS)
    with pytest.raises(ParameterError, match="valid: test, robustness, paths"):
        none.reading("latest")


# ---------------------------------------------------------------------------------------------
# rule, events, paths, latest
# ---------------------------------------------------------------------------------------------

def test_rule_and_short_rule():
    study = hand_study({21: (12, 1, 1, 0.5)})
    assert nar.read(study, "rule") == (
        "Event rule: RUT − SPX 5-day spread above +3σ (expanding standard deviation of earlier "
        "days only, no look-ahead; declustered over 20 trading days).")
    assert nar.short_rule(study) == "RUT − SPX 5-day spread above +3σ (expanding sd)"
    rolling = hand_study({21: (12, 1, 1, 0.5)}, std_method="rolling", std_window=126,
                         direction="down", sigma=2.5)
    assert nar.short_rule(rolling) == "RUT − SPX 5-day spread below −2.5σ (rolling 126-day sd)"
    both = hand_study({21: (12, 1, 1, 0.5)}, std_method="full", direction="both")
    assert nar.short_rule(both) == ("RUT − SPX 5-day spread beyond ±3σ (full-sample sd, "
                                    "IN-SAMPLE)")
    assert "uses later data (look-ahead)" in nar.read(both, "rule")


def test_events_reading(strong_study):
    text = strong_study.reading("events")
    q = strong_study.qualifying
    ev = strong_study.events
    assert text.startswith(f"{int(q.sum())} of {len(q)} trading days")
    assert f"they form **{len(ev)} events**" in text
    assert f"First {ev.index[0]:%Y-%m-%d}, last {ev.index[-1]:%Y-%m-%d}" in text
    peak = ev["peak_z"].abs().idxmax()
    assert f"began {peak:%Y-%m-%d} and peaked at z = {ev.loc[peak, 'peak_z']:+.2f}" in text


def test_paths_reading(strong_study):
    text = strong_study.reading("paths_small")
    p = strong_study.paths("small")
    r = p.loc[63]
    n, g = int(r["n_events"]), int(r["groups"])
    assert text.startswith(f"After 63 trading days the average path of SMALL after events "
                           f"stands at {r['event_mean']:+.1f}% (median {r['event_median']:+.1f}%; "
                           f"{n} events in {g} groups whose 63-day windows overlap) against "
                           f"{r['baseline']:+.1f}% for all days")
    assert "outside the 95% bootstrap band" in text and "resamples those groups whole" in text
    spread = strong_study.reading("paths_spread")
    assert "SMALL minus LARGE" in spread and " pp " in spread
    assert "%" not in spread.replace("95% bootstrap band", "")


def test_latest_reading_hand_made():
    study = hand_study({5: (12, 1, 1, 0.5), 21: (12, 1, 1, 0.5)})
    study.latest = {"date": pd.Timestamp("2026-02-20"), "spread_pct": 0.70980, "z": 0.4722,
                    "sd_pp": 1.5, "beyond": False}
    study.latest_event = {"date": pd.Timestamp("2026-02-06"), "z": 3.41, "spread_pct": 5.0,
                          "days_since": 10, "return_to_date_pct": 2.345,
                          "windows": {"5": {"days_elapsed": 5, "complete": True,
                                            "return_pct": 3.0},
                                      "21": {"days_elapsed": 10, "complete": False,
                                             "return_pct": 2.345}}}
    assert nar.read(study, "latest") == (
        "As of **2026-02-20** the RUT − SPX 5-day spread is **+0.71 pp** (z = +0.47, inside "
        "the 3σ threshold). The most recent event was on **2026-02-06** (z = +3.41), 10 "
        "trading days ago; RUT is +2.3% since its close. Complete windows: 5 days +3.0%. "
        "Still running: 21-day window at day 10 of 21.")
    study.latest = {**study.latest, "z": 3.2, "beyond": True}
    assert "(z = +3.20, beyond the 3σ threshold)" in nar.read(study, "latest")
    study.latest = {**study.latest, "z": float("nan")}
    assert "(no z-score yet (warm-up))" in nar.read(study, "latest")


# ---------------------------------------------------------------------------------------------
# variants
# ---------------------------------------------------------------------------------------------

def test_sensitivity_reading():
    table = pd.DataFrame({"n_events": [40, 20, 8], "diff_21d_pp": [1.0, 2.5, 4.0],
                          "p_21d": [0.2, 0.03, 0.01], "diff_63d_pp": [-1.0, 0.5, np.nan],
                          "p_63d": [0.5, 0.6, np.nan], "q_21d": [0.33, 0.075, 0.05],
                          "q_63d": [0.6, 0.6, np.nan]},
                         index=pd.Index([2.0, 3.0, 4.0], name="sigma"))
    var = events.Variants(table=table, by="sigma", horizons=(21, 63))
    assert var.reading() == (
        "Events by threshold: 40 at 2σ, 20 at 3σ, 8 at 4σ. Event mean minus baseline for the "
        "small-cap index: 21 days: above the drift at every threshold (+1.0 pp to +4.0 pp), "
        "significant at 5% for 2 of 3 thresholds; 63 days: changes sign across thresholds "
        "(-1.0 pp to +0.5 pp), significant at 5% for 0 of 2 thresholds. Tested together, 2 of 5 "
        "threshold × horizon cells survive a 10% false-discovery rate (Benjamini-Hochberg "
        "q ≤ 0.10). The thresholds share "
        "most of their events (a 3σ event is also a 2σ one), so agreement across them is one "
        "observation seen several times, not independent confirmation.")
    table["episodes_63d"] = [15, 9, 4]
    assert var.reading().startswith(
        "Events by threshold: 40 at 2σ (15 non-overlapping 63-day episodes), 20 at 3σ (9 "
        "non-overlapping 63-day episodes), 8 at 4σ (4 non-overlapping 63-day episodes).")
    assert var.reading("sensitivity") == var.reading()
    spread = events.Variants(table=table, by="sigma", horizons=(21,), which="spread")
    assert "baseline for the spread: 21 days" in spread.reading()
    with pytest.raises(ParameterError, match="valid: sensitivity"):
        var.reading("methods")


def test_methods_reading_counts_difference():
    tab = pd.DataFrame({"n_events": [5, 7], "diff_21d_pp": [1.0, -2.0], "p_21d": [0.5, 0.01]},
                       index=pd.Index(["expanding", "full"], name="std_method"))
    var = events.Variants(table=tab, by="std_method", horizons=(21,))
    text = var.reading()
    assert text.startswith("By standard-deviation method: expanding (no look-ahead): 5 events, "
                           "+1.0 pp vs the drift at 21 days, not significant (p = 0.50); "
                           "full-sample (in-sample, look-ahead): 7 events, -2.0 pp vs the "
                           "drift at 21 days, significant (p = 0.010).")
    assert "gives 2 more events than using only earlier data" in text
    tab.loc["full", "n_events"] = 4
    assert "gives 1 fewer event than" in var.reading("methods")
    tab.loc["full", "n_events"] = 5
    assert var.reading().endswith("Both give the same number of events.")
    tab.loc["full", "diff_21d_pp"] = np.nan
    assert "7 events" not in var.reading() and "no complete 21-day window" in var.reading()


def test_methods_reading_on_a_study(strong_study):
    var = strong_study.compare_methods()
    text = var.reading()
    assert "full-sample (in-sample, look-ahead)" in text
    assert f"expanding (no look-ahead): {len(strong_study.events)} events" in text


# ---------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------

def test_full_reading_joins_the_sections_in_order(strong_study):
    full = strong_study.reading()
    parts = [strong_study.reading(s) for s in nar.SECTIONS]
    assert full == "\n\n".join(parts)
    assert nar.SECTIONS == ("rule", "events", "test", "robustness", "paths_small",
                            "paths_spread", "latest")


def test_unknown_section_names_the_valid_ones(strong_study):
    with pytest.raises(ParameterError, match="valid: rule, events, test"):
        strong_study.reading("verdict")


# ---------------------------------------------------------------------------------------------
# the brief
# ---------------------------------------------------------------------------------------------

def _links(sentences):
    import re

    from smallcaps import page

    anchors = {page.anchor(h) for h in nar.HEADINGS.values()}
    assert 3 <= len(sentences) <= 6
    for s in sentences:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m and m.group(1) in anchors, s
    return sentences


def test_brief_on_planted_drifts_both_ways(strong_study, weak_study):
    up = _links(nar.brief(strong_study, strong_study.sensitivity([2.5, 3.0])))
    assert up[0].startswith("**The data support the claim** that small caps stay strong")
    assert "contradict" not in up[0]
    t = strong_study.table.loc["small"]
    h = t[t["n_events"] > 0].index.max()
    r = t.loc[h]
    small, large = strong_study.params["small"], strong_study.params["large"]
    assert (f"Over {h} trading days {small} returned {r['mean_pct']:+.1f}% on average after events "
            f"against {r['base_mean_pct']:+.1f}% on all days: **{r['diff_pp']:+.1f} pp**") in up[1]
    assert f"in {int(r['episodes'])} non-overlapping episode" in up[1]
    assert up[2].startswith(f"Over {h} trading days {small} minus {large} moved")
    assert any("threshold × horizon cells" in s for s in up)
    down = _links(nar.brief(weak_study))
    assert down[0].startswith("**The data contradict the claim** that small caps stay strong")
    assert "fell significantly short of its all-days drift" in down[0]
    assert len(down) == 5 and not any("cells survive" in s for s in down)


def test_brief_without_evidence_without_events_and_with_a_carrying_event():
    study = hand_study({21: (12, 2.0, 0.9, 0.5), 252: (10, 12.1, 2.8, 0.62)},
                       loo={252: [flip("2020-03-25", 96.6, 7.6, -1.7, 0.73, "below")]})
    study.latest = {"date": pd.Timestamp("2024-11-29"), "spread_pct": 1.58, "z": 1.05,
                    "beyond": False}
    study.latest_event = None
    first, small, spread, loo, latest = _links(nar.brief(study))
    assert first.startswith("**No evidence for the claim** that small caps stay strong")
    assert "differs significantly from its all-days drift at none of 21 and 252 days" in first
    assert "(95% CI +0.8 pp to +4.8 pp, p = 0.62, q = 0.62), on 10 events in 5 " in small
    assert loo.startswith("The 252-day verdict rests on one event: without 2020-03-25 "
                          "(+96.6%) the mean is +7.6%, below the drift")
    assert latest.endswith("(z = +1.05, inside the 3σ threshold); there has been no event. "
                           "[→](#The-latest-reading)")
    firm = hand_study({21: (12, 2.0, 0.9, 0.5)})
    firm.latest, firm.latest_event = study.latest, None
    assert _links(nar.brief(firm))[3].startswith("No single event carries a verdict")
    none = hand_study({21: (0, np.nan, np.nan, np.nan)}, n_events=0)
    none.latest, none.latest_event = study.latest, None
    none.signal["z"] = np.r_[np.nan, np.linspace(-1, 2.5, 299)]
    out = _links(nar.brief(none))
    assert out[0].startswith("**No event**: the RUT − SPX 5-day spread never went above +3σ")
    assert out[1].startswith("Over 299 trading days with a z-score (2000-01-04 to 2001-02-23) "
                             "the highest z was +2.50")
