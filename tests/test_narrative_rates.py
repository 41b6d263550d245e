"""Prose of notebook 01 (smallcaps.narrative.rates) on hand-made results: the words follow the
numbers (sign, significance, regimes, lead/lag, latest week) and the numbers are restated."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from smallcaps import fmt
from smallcaps.errors import ParameterError
from smallcaps.narrative import rates as narrative


def _fit(slope=1.8, t_hac=4.79, **kw):
    base = {"slope": slope, "ci_low": slope - 0.74, "ci_high": slope + 0.74, "t_hac": t_hac,
            "t_plain": 6.56, "maxlags": 7, "r_squared": 0.022, "corr": 0.15, "n": 1885}
    base.update(kw)
    base["significant"] = bool(np.isfinite(t_hac) and abs(t_hac) >= 1.96)
    return SimpleNamespace(**base)


def _table(rows):
    """rows: label -> (slope, t_hac, verdict)."""
    return pd.DataFrame({"slope_pct_per_100bp": [r[0] for r in rows.values()],
                         "t_hac": [r[1] for r in rows.values()],
                         "verdict": [r[2] for r in rows.values()]}, index=list(rows))


def _fed_table(slopes=None, levels=None, flips=None):
    """Fed regimes: slopes regime -> (slope, t, verdict); levels regime -> (excess, p,
    verdict); flips regime -> (slope_flips, level_flips)."""
    slopes = slopes or {"easing": (1.52, 1.99, "contradicts claim"),
                        "tightening": (1.73, 2.26, "contradicts claim"),
                        "hold": (2.05, 3.69, "contradicts claim")}
    levels = levels or {"easing": (0.084, 0.148, "not significant"),
                        "tightening": (-0.011, 0.825, "not significant"),
                        "hold": (-0.039, 0.31, "no claim")}
    flips = flips or {}
    rows = {}
    for r, n, e in (("easing", 466, 7), ("tightening", 492, 6), ("hold", 878, 15)):
        b, t, v = slopes[r]
        x, p, lv = levels[r]
        rows[r] = {"n": n, "episodes": e, "slope_pct_per_100bp": b, "t_hac": t,
                   "slope_verdict": v, "mean_rel_return_pct": x + 0.004,
                   "median_rel_return_pct": x / 2, "trimmed_mean_pct": x / 3, "excess_pp": x,
                   "excess_ci_low": x - 0.1, "excess_ci_high": x + 0.1, "excess_p_value": p,
                   "level_verdict": lv, "slope_flips": flips.get(r, ([], []))[0],
                   "level_flips": flips.get(r, ([], []))[1]}
    return pd.DataFrame.from_dict(rows, orient="index")


def fake_fed(**over):
    labels = pd.Series(["easing", "hold"], index=pd.to_datetime(["1990-08-03", "2025-10-03"]))
    base = dict(labels=labels, table=_fed_table(), series="DFF", smooth_days=28,
                window_weeks=26, bp=25.0, block=26, baseline_pct=0.004,
                data_start=pd.Timestamp("1990-01-01"), data_end=pd.Timestamp("2025-10-09"),
                unlabelled_after=0, stale=False)
    base.update(over)
    return SimpleNamespace(**base)


def fake(**over):
    """A duck-typed rates result with round, hand-picked numbers (weekly, RUT/SPX/DGS10)."""
    idx = pd.date_range("1990-01-05", periods=12, freq="W-FRI")
    aligned = pd.DataFrame({"yield_date": idx}, index=idx)
    aligned.attrs["unmatched"] = 0
    rolling = pd.DataFrame({"corr": [np.nan, 0.1, -0.22], "beta": [np.nan, 0.5, -1.25],
                            "beta_low": [np.nan, -0.5, -2.5], "beta_high": [np.nan, 1.5, 0.0]},
                           index=idx[-3:])
    regimes = pd.DataFrame(
        {"mean_rel_return_pct": [0.014, -0.051, 0.085], "hit_rate": [0.501, 0.486, 0.527],
         "t": [0.21, -1.04, 1.2], "n": [579, 814, 480], "episodes": [39, 34, 38],
         "next_mean_pct": [0.09, -0.048, -0.009],
         "next_t": [1.36, -0.98, -0.12]}, index=["falling", "neutral", "rising"])
    xcorr = pd.Series([0.01, -0.02, 0.03, 0.15, -0.04, 0.02, -0.01],
                      index=pd.RangeIndex(-3, 4, name="lag"))
    granger = pd.DataFrame({"lags": [4, 4], "p_value": [0.845, 0.543]},
                           index=["yield_to_relative", "relative_to_yield"])
    latest = {"date": pd.Timestamp("2026-02-20"), "yield_date": pd.Timestamp("2026-02-20"),
              "yield_last": 4.08, "yield_change_1w_bp": 4.0, "yield_change_4w_bp": -16.0,
              "relative_return_1w_pct": -0.43, "corr_rolling_latest": -0.22,
              "corr_percentile": 3.0}
    moves = pd.DataFrame({"start": [idx[0], idx[6]], "end": [idx[-1], idx[-1]],
                          "ratio_change_pct": [-19.96, 5.6], "yield_change_bp": [-391.0, -34.0]},
                         index=["full", "last year"])
    base = dict(
        names={"small": ("RUT", "Russell 2000"), "large": ("SPX", "S&P 500"),
               "yield": ("DGS10", "10-year Treasury yield")},
        freq="W-FRI", period="week", adjective="weekly", window=52, regime_periods=13,
        regime_bp=25.0, aligned=aligned, sample=aligned.iloc[1:], fallbacks=0, fit=_fit(),
        by_period=_table({"1990s": (1.83, 3.06, "contradicts claim"),
                          "2020s": (0.19, 0.17, "not significant")}),
        by_horizon=_table({"1 week": (1.80, 4.79, "contradicts claim")}),
        rolling=rolling, latest=latest, level_moves=moves,
        rolling_latest={"date": idx[-1], "beta": -1.25, "beta_low": -2.5, "beta_high": 0.0,
                        "corr": -0.22},
        rolling_shares={"corr_negative": 0.2, "beta_below_zero": 0.024, "beta_above_zero": 0.34,
                        "independent": 36, "independent_below_zero": 0,
                        "independent_above_zero": 13},
        fed=fake_fed(),
        regimes=regimes, regime_spread={"diff_pp": -0.071, "t": -0.72}, xcorr=xcorr,
        xcorr_band=0.1, granger=granger,
    )
    base.update(over)
    return SimpleNamespace(**base)


def test_sections_and_unknown_section():
    assert narrative.SECTIONS == ("inputs", "sample", "levels", "fit", "periods", "horizons",
                                  "rolling", "regimes", "fed", "leadlag", "latest")
    full = narrative.read(fake())
    heads = ["**This page reads**", "**Sample.**", "**Levels.**", "**Full sample",
             "**By sub-period**", "**By horizon**", "**Rolling 52-week window.**", "**Regimes**",
             "**The Fed cycle**",
             "**Lead/lag.**", "**Latest, 2026-02-20.**"]
    positions = [full.index(h) for h in heads]
    assert positions == sorted(positions)
    assert full.count("\n\n") == 10
    with pytest.raises(ParameterError,
                       match="section 'all' is unknown; valid: inputs, sample, levels"):
        narrative.read(fake(), "all")


@pytest.mark.parametrize("slope,t,words", [
    (-2.0, -3.0, "**The data supports the claim**"),
    (1.8, 4.79, "**The data contradicts the claim**"),
    (-0.5, -1.95, "**No reliable link**: the slope is negative, the claimed sign,"),
    (0.5, 1.0, "**No reliable link**: the slope is positive, against the claim,"),
    (-0.5, -1.96, "**The data supports the claim**"),  # |t| = 1.96 is significant
])
def test_fit_verdict_follows_sign_and_significance(slope, t, words):
    text = narrative.read(fake(fit=_fit(slope, t)), "fit")
    assert words in text
    assert f"went with a {slope:+.2f} pp RUT vs SPX relative return per week" in text
    assert f"Newey-West t = {t:+.2f} with 7 lags, plain t = +6.56" in text
    assert "(1,885 weekly periods)" in text
    assert "10-year Treasury yield (DGS10)" in text
    assert "explain 2.2% of the variance" in text and "a small share" in text


def test_fit_without_data_and_with_a_large_r_squared():
    text = narrative.read(fake(fit=_fit(np.nan, np.nan)), "fit")
    assert text.endswith("Too few data for a verdict.")
    text = narrative.read(fake(fit=_fit(-3.0, -8.0, r_squared=0.2)), "fit")
    assert "explain 20.0% of the variance of weekly relative returns." in text
    assert "small share" not in text


def test_sub_periods_and_horizons_split_by_sign_and_significance():
    text = narrative.read(fake(), "periods")
    assert ("the slope is positive (against the claim) in every one: 1990s (+1.83, t +3.06), "
            "2020s (+0.19, t +0.17)") in text  # t with 2 decimals, as in the table
    assert "no significant support anywhere; significant contradiction in 1990s." in text
    mixed = _table({"1990s": (-2.0, -2.5, "supports claim"),
                    "2000s": (1.0, 1.2, "not significant"),
                    "2010s": (-0.4, -0.8, "not significant")})
    text = narrative.read(fake(by_horizon=mixed), "horizons")
    assert ("**the sign differs**: negative (the claimed sign) in 1990s (-2.00, t -2.50), 2010s "
            "(-0.40, t -0.80); positive (against the claim) in 2000s (+1.00, t +1.20)") in text
    assert "significant support in 1990s; no significant contradiction" in text
    assert "overlapping changes over h weeks" in text
    empty = _table({"1990s": (np.nan, np.nan, "too few data")})
    assert "no sub-sample had enough data" in narrative.read(fake(by_period=empty), "periods")


@pytest.mark.parametrize("diff,t,words", [
    (0.3, 2.5, "significant; **consistent with the claim**"),
    (-0.3, -1.96, "significant; **against the claim**: small caps did better while yields"),
    (0.1, 1.5, "not significant; the claimed sign, but no evidence"),
    (-0.071, -0.72, "not significant; the sign is against the claim"),
])
def test_regime_contrast_words(diff, t, words):
    text = narrative.read(fake(regime_spread={"diff_pp": diff, "t": t}), "regimes")
    assert words in text
    assert f"Falling minus rising: {diff:+.3f} pp per week (t ≈ {t:+.2f}," in text
    assert ("falling (yield down more than 25 bp): +0.014 pp per week, small caps ahead 50% of "
            "the time, t = +0.21, n = 579 in 39 episodes") in text
    assert "trailing 13 weeks" in text
    assert "In the week *after* a labelled week: falling +0.090 pp (t = +1.36)" in text


def test_regimes_with_an_empty_regime():
    f = fake()
    f.regimes.loc["rising", "n"] = 0
    text = narrative.read(fake(regimes=f.regimes, regime_spread={"diff_pp": np.nan,
                                                                  "t": np.nan}), "regimes")
    assert "rising (yield up more than 25 bp): no periods" in text
    assert text.endswith("Too few falling or rising periods to compare.")


def test_lead_lag_names_the_largest_lag_the_band_and_granger():
    text = narrative.read(fake(), "leadlag")
    assert "Same-week correlation +0.15." in text
    assert ("The largest lagged correlation is -0.04 at lag +1 (yield change leads by 1 week)"
            in text)
    x = pd.Series([0.01, -0.02, 0.03, 0.05, -0.04, 0.02, -0.30],
                  index=pd.RangeIndex(-3, 4, name="lag"))
    g = pd.DataFrame({"lags": [4, 4], "p_value": [0.0004, np.nan]},
                     index=["yield_to_relative", "relative_to_yield"])
    text = narrative.read(fake(xcorr=x, granger=g), "leadlag")
    assert "Same-week correlation +0.05." in text
    assert "-0.30 at lag +3 (yield change leads by 3 weeks)" in text
    assert "lags outside the ±0.10 noise band: [3] (of 6 lags" in text
    assert "past yield changes **do** help predict the relative return (p < 0.001)" in text
    assert "too few periods to test whether past relative returns predict yield changes" in text


def test_lead_lag_when_the_relative_return_leads_and_nothing_is_outside_the_band():
    x = pd.Series([0.01, -0.08, 0.03, 0.2, -0.04, 0.02, -0.01],
                  index=pd.RangeIndex(-3, 4, name="lag"))
    text = narrative.read(fake(xcorr=x), "leadlag")
    assert "-0.08 at lag -2 (relative return leads by 2 weeks)" in text
    assert "no lag lies outside the ±0.10 noise band." in text
    assert "past yield changes do not help predict the relative return (p = 0.84)" in text


@pytest.mark.parametrize("dy,rr,words", [
    (-7.0, 3.92, "+3.92 pp (small caps ahead), in line with the claim"),
    (4.0, -0.43, "-0.43 pp (large caps ahead), in line with the claim"),
    (4.0, 1.0, "+1.00 pp (small caps ahead), not what the claim would predict"),
    (0.0, 1.0, "no signal either way"),
])
def test_latest_week_against_the_claim(dy, rr, words):
    f = fake()
    latest = {**f.latest, "yield_change_1w_bp": dy, "relative_return_1w_pct": rr}
    text = narrative.read(fake(latest=latest), "latest")
    assert words in text
    assert f"DGS10 at 4.08%, {fmt.bp(dy)} on the week and -16 bp over four weeks" in text
    assert "correlation is -0.22 (3rd percentile of its history)" in text
    assert "more than a week" not in text


def test_stale_yield_is_flagged_in_sample_and_latest():
    f = fake()
    latest = {**f.latest, "yield_date": pd.Timestamp("2026-02-06")}
    stale = fake(latest=latest)
    assert "**The DGS10 data ends on 2026-02-06**" in narrative.read(stale, "sample")
    assert ("(the latest DGS10 value is from 2026-02-06, more than a week before the equity "
            "data)") in narrative.read(stale, "latest")
    assert "ends on" not in narrative.read(f, "sample")


def test_sample_counts_fallbacks_and_unmatched_periods():
    f = fake(fallbacks=3)
    f.aligned.attrs["unmatched"] = 1
    text = narrative.read(f, "sample")
    assert text.startswith("**Sample.** 11 weekly changes from 1990-01-12 to 1990-03-23")
    assert "in 3 weeks that value is from an earlier day (bond-market holidays)" in text
    assert "1 week without a DGS10 value was left out" in text
    text = narrative.read(fake(fallbacks=0), "sample")
    assert "no bond-market holiday needed a fallback." in text
    daily = narrative.read(fake(freq="D", period="day", adjective="daily"), "sample")
    assert "Each day pairs the equity closes with the DGS10 value of that day." in daily


def test_levels_say_whether_the_moves_fit_the_claim():
    text = narrative.read(fake(), "levels")
    assert ("the RUT/SPX ratio changed -20.0% while DGS10 moved -391 bp (the opposite of the "
            "claim); over the last year, +5.6% against -34 bp (as the claim would have it)") in text


def test_rolling_restates_shares_and_the_latest_window():
    text = narrative.read(fake(), "rolling")
    assert "The correlation is now -0.22, at the 3rd percentile" in text
    assert "negative (the claimed sign) 20% of the time and positive 80%" in text
    assert "The rolling beta is now -1.25 pp per +100 bp (band -2.50 to +0.00)" in text
    assert "wholly below zero (significantly the claimed sign) in 2% of windows" in text
    assert "wholly above zero in 34%" in text
    # the shares describe overlapping windows; the evidence is counted over disjoint ones
    assert ("of the 36 non-overlapping 52-week windows (counting back from the last), 0 had the "
            "band wholly below zero and 13 wholly above.") in text


def test_horizons_say_how_many_non_overlapping_changes_each_rests_on():
    t = _table({"1 week": (1.80, 4.79, "contradicts claim"),
                "52 weeks": (1.74, 1.2, "not significant")})
    t["independent"] = [1885, 35]
    text = narrative.read(fake(by_horizon=t), "horizons")
    assert ("1 week (+1.80, t +4.79, 1,885 non-overlapping changes), 52 weeks (+1.74, "
            "t +1.20, 35 non-overlapping changes)") in text
    assert "52 weeks on 35 independent changes" in text
    assert "Newey-West t with at least h lags" in text
    assert "plain" not in text  # overlapping changes: the plain OLS t is never read


def test_fed_cycle_that_contradicts_the_claim_in_every_regime():
    f = fake_fed(stale=True, unlabelled_after=20)
    text = narrative.read(fake(fed=f), "fed")
    assert text.startswith("**The Fed cycle** (DFF, the effective fed funds rate: its 28-day "
                           "average against the same average 26 weeks earlier; easing when it "
                           "fell more than 25 bp")
    assert "2 labelled weeks, 1990-08-03 to 2025-10-03" in text
    assert "easing 466 weeks in 7 episodes; tightening 492 weeks in 6 episodes" in text
    assert ("**DFF ends on 2025-10-09**, before the sample does: the 20 weeks after it (to "
            "1990-03-23) have no label") in text
    assert "easing +1.52 (t +1.99), tightening +1.73 (t +2.26), on hold +2.05 (t +3.69)" in text
    assert ("**against the claim**: the slope is positive and significant in easing, tightening "
            "and on hold, so small caps did better when yields *rose*, whatever the Fed was "
            "doing") in text
    assert ("easing +0.088 pp (median +0.042, trimmed mean +0.028), +0.084 pp against the "
            "average (95% interval -0.016 to +0.184, p = 0.15)") in text
    assert ("easing: no difference from the average labelled week that the data can tell from "
            "chance") in text
    assert "rest on 7 easing episodes and 6 tightening episodes, not on 2 independent weeks" in text
    assert "No single episode carries a verdict" in text
    assert "The latest labelled week, 2025-10-03, is on hold." in text
    assert "ends on" not in narrative.read(fake(), "fed")


@pytest.mark.parametrize("slopes,words", [
    ({"easing": (-2.0, -3.0, "supports claim"), "tightening": (-1.0, -2.5, "supports claim"),
      "hold": (0.2, 0.3, "not significant")},
     "**consistent with the claim**: the slope is negative and significant in easing and "
     "tightening"),
    ({"easing": (-2.0, -3.0, "supports claim"), "tightening": (2.0, 2.5, "contradicts claim"),
      "hold": (0.2, 0.3, "not significant")},
     "**the regimes disagree**: a significant negative slope (the claim) in easing, a "
     "significant positive one (against it) in tightening"),
    ({"easing": (-0.5, -1.0, "not significant"), "tightening": (0.5, 1.0, "not significant"),
      "hold": (0.2, 0.3, "not significant")},
     "no regime shows a slope distinguishable from zero (|t| < 1.96)"),
    ({"easing": (2.0, 3.0, "contradicts claim"), "tightening": (0.5, 1.0, "not significant"),
      "hold": (0.2, 0.3, "not significant")},
     "positive and significant in easing, so small caps did better when yields *rose*."),
])
def test_fed_slope_verdict_follows_the_regimes(slopes, words):
    text = narrative.read(fake(fed=fake_fed(table=_fed_table(slopes=slopes))), "fed")
    assert words in text


@pytest.mark.parametrize("easing,tightening,words", [
    ((0.3, 0.01, "supports claim"), (-0.2, 0.02, "supports claim"),
     "small caps did better than in the average labelled week while the Fed eased, as the claim "
     "says; small caps did worse than in the average labelled week while the Fed tightened, as "
     "the claim says"),
    ((-0.3, 0.01, "contradicts claim"), (0.2, 0.02, "contradicts claim"),
     "small caps did *worse* than in the average labelled week while the Fed eased, against the "
     "claim; small caps did *better* than in the average labelled week while the Fed tightened, "
     "against the claim"),
])
def test_fed_level_verdict_reads_the_excess(easing, tightening, words):
    levels = {"easing": easing, "tightening": tightening, "hold": (0.0, 0.9, "no claim")}
    text = narrative.read(fake(fed=fake_fed(table=_fed_table(levels=levels))), "fed")
    assert words in text


def test_fed_names_the_episodes_that_carry_a_verdict():
    flips = {"easing": ([], ["2007-08..2009-05"]),
             "tightening": (["1994-03..1995-07", "1999-07..2000-11"], [])}
    text = narrative.read(fake(fed=fake_fed(table=_fed_table(flips=flips))), "fed")
    assert ("removing the easing episode 2007-08..2009-05 alone would change the easing level "
            "verdict") in text
    assert ("removing any one of the tightening episodes 1994-03..1995-07 and 1999-07..2000-11 "
            "would by itself change the tightening slope verdict") in text
    assert "No single episode" not in text


def test_fed_without_a_series_or_without_labels():
    assert narrative.read(fake(fed=None), "fed").startswith(
        "**The Fed cycle.** Not measured: no fed funds series was loaded")
    empty = fake_fed(labels=pd.Series([], dtype=object, index=pd.DatetimeIndex([])),
                     stale=True, unlabelled_after=11)
    text = narrative.read(fake(fed=empty), "fed")
    assert text.endswith("No week of the sample could be labelled (DFF runs from 1990-01-01 to "
                         "2025-10-09).")
    assert "the 11 weeks after it" in text


# ---- the brief --------------------------------------------------------------------------------

def _links(sentences):
    import re

    from smallcaps import page

    anchors = {page.anchor(h) for h in narrative.HEADINGS.values()}
    assert 3 <= len(sentences) <= 6
    for s in sentences:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m and m.group(1) in anchors, s
    return " ".join(sentences)


def test_brief_on_the_shared_data_shape_contradicts_the_claim():
    text = _links(narrative.brief(fake()))
    assert text.startswith("**The data contradict the claim that RUT outperforms SPX when "
                           "DGS10 falls**")
    assert ("**+1.80 pp** of RUT minus SPX return per week (95% HAC band +1.06 pp to +2.54 pp,"
            in text)
    assert "t = 4.79" in text and "1,885 weekly changes" in text
    assert "significantly positive in 1990s" in text
    assert "against the claim, not significant" in text  # regimes: falling minus rising < 0
    assert "7 easing episodes" in text and "a difference chance can produce" in text
    assert "RUT trailed SPX by 0.43 pp over the week" in text
    assert "DGS10 is at 4.08%, +4 bp on the week" in text


def test_brief_reads_true_when_the_data_support_the_claim():
    """Reversed inputs: a negative significant slope, negative decades, falling-yield regimes
    ahead, small caps ahead while the Fed eases, small caps ahead on the week."""
    reg = fake().regimes.copy()
    reg.loc["falling", "mean_rel_return_pct"], reg.loc["rising", "mean_rel_return_pct"] = 0.2, -0.1
    fed = fake_fed(table=_fed_table(
        slopes={"easing": (-1.5, -2.5, "supports claim"), "tightening": (-1.0, -2.1,
                                                                         "supports claim"),
                "hold": (-0.2, -0.3, "not significant")},
        levels={"easing": (0.2, 0.01, "supports claim"),
                "tightening": (-0.1, 0.04, "supports claim"), "hold": (0.0, 0.9, "no claim")}))
    latest = {**fake().latest, "relative_return_1w_pct": 0.5, "yield_change_1w_bp": -10.0}
    r = fake(fit=_fit(-1.8, -4.0), regimes=reg, regime_spread={"diff_pp": 0.3, "t": 2.5},
             by_period=_table({"1990s": (-1.8, -3.0, "supports claim"),
                               "2020s": (-0.2, -0.1, "not significant")}),
             by_horizon=_table({"1 week": (-1.8, -4.0, "supports claim")}), fed=fed,
             latest=latest)
    text = _links(narrative.brief(r))
    assert text.startswith("**The data support the claim that RUT outperforms SPX")
    assert "contradict" not in text and "against the claim" not in text
    assert "negative (the claimed sign) in both decades" in text
    assert "the claimed sign, significant" in text
    assert "consistent with the claim" in text and "as the claim says" in text
    assert "RUT beat SPX by 0.50 pp over the week" in text


def test_brief_without_a_link_a_fed_series_or_data():
    no_fed = narrative.brief(fake(fed=None))
    assert len(no_fed) == 5 and not any("Fed cycle" in s for s in no_fed)
    weak = _links(narrative.brief(fake(fit=_fit(0.3, 0.8))))
    assert weak.startswith("**No reliable link for the claim") and "includes zero" in weak
    empty = narrative.brief(fake(fit=_fit(np.nan, np.nan)))
    assert empty[0].startswith("Too few weekly changes to test the claim")
    mixed = narrative.brief(fake(by_period=_table({"1990s": (1.8, 3.0, "contradicts claim"),
                                                   "2000s": (-1.0, -2.5, "supports claim")})))
    assert ("The sign changes across decades: negative (the claimed sign) in 2000s, positive "
            "in 1990s; significantly negative in 2000s and significantly positive in 1990s."
            in mixed[1])
