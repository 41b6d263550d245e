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


def hand_study(rows: dict, n_events: int = 12, **params) -> SimpleNamespace:
    """A duck-typed study whose small-cap table has the given rows per horizon:
    ``{h: (n, mean, diff, p)}``; the spread rows are 0."""
    recs = []
    for series in ("small", "spread"):
        for h, (n, mean, diff, p) in rows.items():
            base = mean - diff if series == "small" else 0.0
            recs.append({"series": series, "horizon_days": h, "n_events": n,
                         "mean_pct": mean if series == "small" else 0.0, "median_pct": mean,
                         "hit_rate": 0.5, "base_n": 5000, "base_mean_pct": base,
                         "diff_pp": diff, "ci_low_pp": diff - 2, "ci_high_pp": diff + 2,
                         "p_value": p})
    table = pd.DataFrame(recs).set_index(["series", "horizon_days"])
    idx = pd.bdate_range("2000-01-03", periods=300)
    signal = pd.DataFrame({"z": np.r_[np.nan, np.zeros(299)]}, index=idx)
    ev = pd.DataFrame({"z": [3.5] * n_events}, index=idx[1:n_events + 1])
    return SimpleNamespace(params={**PARAMS, **params}, alpha=0.05, min_events_to_test=5,
                           table=table, events=ev, signal=signal, asof=idx[-1])


# ---------------------------------------------------------------------------------------------
# the test section and its verdict
# ---------------------------------------------------------------------------------------------

def test_test_reading_positive(strong_study):
    text = strong_study.reading("test")
    assert f"**{len(strong_study.events)} events**" in text
    assert "above the drift" in text and "significant at 5%" in text
    assert "beat its unconditional drift significantly at 21, 63 days" in text
    assert "support the claim that small caps stay strong after they surge past" in text
    assert "worse" not in text
    t = strong_study.table.loc["small"]
    assert f"SMALL {t.loc[63, 'mean_pct']:+.1f}% on average after events" in text
    assert f"{abs(t.loc[63, 'diff_pp']):.1f} pp above the drift" in text
    assert "Relative to LARGE after events" in text


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


def test_test_reading_numbers_and_too_few_events():
    study = hand_study({21: (12, 2.04, 1.46, 0.0312), 63: (3, 3.0, 0.5, 0.01),
                        126: (0, np.nan, np.nan, np.nan)})
    text = nar.read(study, "test")
    assert text.startswith("**12 events** of the RUT − SPX 5-day spread above +3σ (expanding "
                           "standard deviation of earlier days only, no look-ahead; declustered "
                           "over 20 trading days), 2000-01-04 to 2001-02-23.")
    assert ("- **21 days:** RUT +2.0% on average after events (median +2.0%, up in 50% of 12) "
            "vs +0.6% on all days: 1.5 pp above the drift, significant at 5% (p = 0.031, "
            "95% CI -0.5 pp to +3.5 pp). Relative to SPX after events: 0.0 pp (all days "
            "0.0 pp).") in text
    assert "- **63 days:** RUT +3.0%" in text and "too few events (n = 3) to test" in text
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
    assert "declustered, they form **0 events**." in none.reading("events")
    assert "0 at 50σ" in none.sensitivity([50.0]).reading()


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
    assert text.startswith(f"After 63 trading days the average path of SMALL after events "
                           f"stands at {r['event_mean']:+.1f}% (n = {int(r['n_events'])}) "
                           f"against {r['baseline']:+.1f}% for all days")
    assert "outside the ±1.96 s.e. band" in text
    spread = strong_study.reading("paths_spread")
    assert "SMALL minus LARGE" in spread and " pp " in spread and "%" not in spread


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
                          "p_63d": [0.5, 0.6, np.nan]},
                         index=pd.Index([2.0, 3.0, 4.0], name="sigma"))
    var = events.Variants(table=table, by="sigma", horizons=(21, 63))
    assert var.reading() == (
        "Events by threshold: 40 at 2σ, 20 at 3σ, 8 at 4σ. Event mean minus baseline for the "
        "small-cap index: 21 days: above the drift at every threshold (+1.0 pp to +4.0 pp), "
        "significant at 5% for 2 of 3 thresholds; 63 days: changes sign across thresholds "
        "(-1.0 pp to +0.5 pp), significant at 5% for 0 of 2 thresholds.")
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
    assert nar.SECTIONS == ("rule", "events", "test", "paths_small", "paths_spread", "latest")


def test_unknown_section_names_the_valid_ones(strong_study):
    with pytest.raises(ParameterError, match="valid: rule, events, test"):
        strong_study.reading("verdict")
