"""Tests for smallcaps.narrative.ratios: the prose of notebook 02, generated from planted
inputs (trending, falling, stale, late-starting and fund pairs; rankings both ways).  Every
assertion names a word or number that changes if the logic behind it breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from smallcaps import ratios
from smallcaps.data import AsOf
from smallcaps.errors import ParameterError
from smallcaps.narrative import ratios as narrative


def bdays(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def exp_path(idx: pd.DatetimeIndex, pct_per_month: float, base: float = 100.0) -> pd.Series:
    t = (idx - idx[0]).days / (365.25 / 12)
    return pd.Series(base * (1 + pct_per_month / 100.0) ** np.asarray(t), index=idx)


def trending_pair(pct_per_month: float, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = bdays("2020-01-01", 900)
    num = exp_path(idx, pct_per_month) * np.exp(rng.normal(0, 0.002, 900))
    return pd.DataFrame({"RUT": num, "SPX": pd.Series(50.0, index=idx)})


def walks(n=900, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = bdays("2020-01-01", n)
    return pd.DataFrame({k: 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
                         for k in ("RUT", "SPX", "NDX")}, index=idx)


# --------------------------------------------------------------------------------- the protocol

def test_sections_and_unknown_section():
    assert narrative.SECTIONS == ("window", "basis", "headline", "funds", "rebased", "inputs",
                                  "pair", "overlay", "ranking", "basis_effect")
    study = ratios.analyze_pairs(trending_pair(1.0), ["RUT/SPX"])
    with pytest.raises(ParameterError, match="'fit' is not known for a ratio study; valid: "
                                             "window, basis, headline, funds, rebased"):
        study.reading("fit")
    with pytest.raises(ParameterError, match="valid: pair$"):
        study.pairs["RUT/SPX"].reading("window")
    with pytest.raises(ParameterError, match="no ratio-study prose for a dict"):
        narrative.read({}, None)
    # the full reading of a study is its five sections, in order
    parts = [study.reading(s) for s in ("window", "basis", "headline", "funds", "rebased",
                                        "inputs")]
    assert study.reading() == "\n\n".join(parts)
    assert study.pairs["RUT/SPX"].reading() == study.pairs["RUT/SPX"].reading("pair")


# --------------------------------------------------------------------------------- one pair

def test_pair_reading_up_case():
    a = ratios.analyze_pair(trending_pair(1.5), "RUT/SPX")
    text = a.reading()
    assert text.startswith("**RUT/SPX** (Russell 2000 / S&P 500) closed at ")
    assert a.above_ma(200) and a.ma_slope(200)[0] == "rising"
    slope = a.ma_slope(200)[1]
    assert (f"{a.distance_to_ma(200):.1f}% above its 200-day average, which is rising "
            f"(+{slope:.2f}% over 20 trading days)") in text
    t12 = a.trends["12m"]
    assert f"The 12-month trend is up ({t12.slope_pct:+.2f}%/month, R² {t12.r2:.2f})" in text
    assert f"{a.changes['1m']:+.1f}% over 1 month" in text
    assert "(positive = RUT outperformed SPX)" in text
    first = a.mas[200].first_valid_index()
    assert a.trend_start_date is None  # a steady climb never crossed back under its average
    assert (f"The ratio has stayed above its 200-day average since that average begins "
            f"({first:%Y-%m-%d}).") in text
    assert round(a.percentile_1y) == 99  # 248 of the 251 prior closes are below today's
    assert "It sits at the 99th percentile of its past-year range" in text
    date, kind, since = a.last_breakout
    assert kind == "high"
    assert (f"Its most recent breakout to a new 252-day high was on {date:%Y-%m-%d}, {since} "
            "trading days before its last close.") in text


def test_pair_reading_down_case():
    a = ratios.analyze_pair(trending_pair(-1.5), "RUT/SPX")
    text = a.reading()
    assert a.above_ma(200) is False and a.ma_slope(200)[0] == "falling"
    assert f"{abs(a.distance_to_ma(200)):.1f}% below its 200-day average, which is falling" in text
    assert "The 12-month trend is down (-" in text
    assert "above its 200-day average" not in text
    assert f"{a.changes['3m']:+.1f}% over 3 months" in text and a.changes["3m"] < 0
    assert "It sits at the 0th percentile of its past-year range" in text
    assert "Its most recent breakdown to a new 252-day low was on" in text


def test_pair_reading_planted_reversal_and_confirmation():
    idx = bdays("2019-01-01", 900)
    turn = idx[-64]
    down = exp_path(idx, -3.0)
    s = down.copy()
    after = idx >= turn
    s[after] = down[turn] * exp_path(idx[after], 2.0, base=1.0).to_numpy()
    prices = pd.DataFrame({"RUT": s, "SPX": pd.Series(1.0, index=idx)})
    a = ratios.analyze_pair(prices, "RUT/SPX")
    text = a.reading()
    assert "The 3-month trend has turned up against the 12-month trend: a possible reversal" in text
    # a three-month rebound after years of decline is still under the 200-day average
    assert a.trend_side == "below"
    assert "not yet confirmed: the ratio is not above its 200-day average." in text


def test_pair_reading_no_crossing_and_no_breakout():
    idx = bdays("2018-01-01", 300)
    s = pd.Series(np.linspace(120, 100, 300), index=idx)
    prices = pd.DataFrame({"RUT": s, "SPX": pd.Series(1.0, index=idx)})
    c = ratios.analyze_pair(prices.loc[:idx[290]], "RUT/SPX")
    first = c.mas[200].first_valid_index()
    assert (f"has stayed below its 200-day average since that average begins "
            f"({first:%Y-%m-%d})") in c.reading()
    flat = pd.DataFrame({"RUT": pd.Series(2.0, index=idx[:60]),
                         "SPX": pd.Series(1.0, index=idx[:60])})
    text = ratios.analyze_pair(flat, "RUT/SPX").reading()
    assert "there is not yet enough history for a 200-day average" in text
    assert "It has made no 252-day high or low in its history." in text
    assert "percentile" not in text  # fewer than 252 closes: no percentile


def test_pair_reading_of_a_stale_pair():
    prices = walks().rename(columns={"NDX": "IWM"})
    prices["QQQ"] = prices["SPX"] * 1.5
    prices.loc[prices.index[800]:, ["IWM", "QQQ"]] = np.nan
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    end, asof = prices.index[799], prices.index[-1]
    text = study.pairs["IWM/QQQ"].reading()
    assert text.startswith("**IWM/QQQ** (iShares Russell 2000 ETF / Invesco QQQ (Nasdaq 100) "
                           f"ETF): **data ends {end:%Y-%m-%d}**, {(asof - end).days} calendar")
    assert f"as-of date {asof:%Y-%m-%d}; every figure here is as of {end:%Y-%m-%d}" in text
    assert f"The ratio closed at {study.pairs['IWM/QQQ'].last:.4f} on {end:%Y-%m-%d}." in text


# --------------------------------------------------------------------------------- a study

def test_headline_counts_both_ways():
    up = trending_pair(1.5)
    down = trending_pair(-1.5, seed=6)
    prices = pd.DataFrame({"RUT": up["RUT"], "SPX": up["SPX"], "NDX": down["RUT"]})
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "NDX/SPX"])
    text = study.reading("headline")
    assert text.startswith(f"As of {study.asof:%Y-%m-%d}, 1 of 2 current ratios is above a "
                           "rising 200-day average (RUT/SPX) and 1 is below a falling one "
                           "(NDX/SPX).")
    assert "Mixed" not in text and "Not counted" not in text
    # the headline does not repeat the per-pair paragraphs shown beside each chart
    assert study.pairs["RUT/SPX"].reading() not in text
    rebased = study.reading("rebased")
    rut, ndx = (study.pairs[p].changes["since"] for p in ("RUT/SPX", "NDX/SPX"))
    assert rut > 0 > ndx
    assert (f"strongest first: RUT/SPX {rut:+.1f}%, NDX/SPX {ndx:+.1f}%. 1 of 2 ratios is "
            "above 100") in rebased


def test_headline_mixed_and_stale():
    prices = walks().rename(columns={"NDX": "IWM"})
    prices["QQQ"] = prices["SPX"] * 1.5
    prices.loc[prices.index[800]:, ["IWM", "QQQ"]] = np.nan
    prices["RUT"] = prices["SPX"] * np.linspace(1.0, 1.3, len(prices))  # rising, above
    prices.iloc[-1, prices.columns.get_loc("RUT")] = prices["SPX"].iloc[-1] * 0.5  # ... but not
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    a = study.pairs["RUT/SPX"]
    assert a.above_ma(200) is False and a.ma_slope(200)[0] == "rising"
    text = study.reading("headline")
    assert "0 of 1 current ratios are above a rising 200-day average (none)" in text
    assert "Mixed (the ratio and the slope of its 200-day average disagree" in text
    assert f"Not counted, because their data ends early: IWM/QQQ (ends " \
           f"{prices.index[799]:%Y-%m-%d})." in text


def test_window_names_stale_pairs_late_rebase_and_requested_date():
    prices = walks()
    prices["IWM"], prices["QQQ"] = prices["RUT"], prices["SPX"]
    prices.loc[:prices.index[100], ["IWM", "QQQ"]] = np.nan
    prices.loc[prices.index[850]:, ["IWM", "QQQ"]] = np.nan
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"])
    note = study.reading("window")
    end, asof = prices.index[849], prices.index[-1]
    assert note.startswith(f"As of **{asof:%Y-%m-%d}**. Charts start ")
    assert (f"**Stale data:** IWM/QQQ ends {end:%Y-%m-%d}, {(asof - end).days} days before "
            f"the as-of date, so its figures are as of {end:%Y-%m-%d}.") in note
    assert f"IWM/QQQ (from {prices.index[101]:%Y-%m-%d}, its first date)" in note
    assert study.pairs["IWM/QQQ"].rebase_date == prices.index[101]
    reb = study.rebased()
    assert reb["IWM/QQQ"].dropna().iloc[0] == pytest.approx(100.0)
    assert reb["RUT/SPX"].iloc[0] == pytest.approx(100.0)
    # a weekend as-of says which date was asked for
    friday = f"{asof:%Y-%m-%d}"
    sunday = f"{asof + pd.Timedelta(days=2):%Y-%m-%d}"
    p2 = walks()
    p2.attrs["asof"] = AsOf(date=friday, requested=sunday, reference=("RUT", "SPX")).to_dict()
    text = ratios.analyze_pairs(p2, ["RUT/SPX"]).reading("window")
    assert text.startswith(f"As of **{friday}** (requested {sunday}: the last complete trading "
                           "day on or before it). Charts start")
    assert "Stale" not in text and "Rebased later" not in text


def test_funds_section_with_and_without_etf_pairs():
    idx = bdays("2021-01-04", 400)
    prices = pd.DataFrame({"IWM": exp_path(idx, 1.0), "QQQ": exp_path(idx, 2.0),
                           "RUT": exp_path(idx, 1.0), "SPX": exp_path(idx, 0.5)})
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"], rebase_date="2021-06-01")
    assert study.reading("funds") == ("Pairs of two ETFs, drawn as their two price lines "
                                      "rebased to 100 on 2021-06-01: IWM/QQQ.")
    indexes = ratios.analyze_pairs(prices, ["RUT/SPX"])
    assert indexes.reading("funds") == "No pair of two ETFs among `pairs`; nothing to overlay."


# --------------------------------------------------------------------------------- overlays

def test_overlay_reading_both_signs():
    idx = bdays("2021-01-04", 400)
    prices = pd.DataFrame({"IWM": exp_path(idx, 1.0), "QQQ": exp_path(idx, 2.0),
                           "RUT": exp_path(idx, 1.0), "SPX": exp_path(idx, 0.5)})
    study = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"], rebase_date="2021-06-01")
    (ov,) = study.overlays()
    base = prices.loc[:"2021-06-01"].iloc[-1]
    iwm = (prices["IWM"].iloc[-1] / base["IWM"] - 1) * 100
    qqq = (prices["QQQ"].iloc[-1] / base["QQQ"] - 1) * 100
    assert ov.gap_pp == pytest.approx(iwm - qqq)
    text = ov.reading()
    assert text.startswith(f"From 2021-06-01 to {idx[-1]:%Y-%m-%d}, IWM moved {iwm:+.1f}% and "
                           f"QQQ {qqq:+.1f}% (closes, not dividend-adjusted)")
    assert f"IWM underperformed QQQ by {qqq - iwm:.1f} pp" in text
    ratio_change = study.pairs["IWM/QQQ"].changes["since"]
    assert ratio_change == pytest.approx(((1 + iwm / 100) / (1 + qqq / 100) - 1) * 100)
    assert f"a ratio change of {ratio_change:+.1f}%." in text
    assert "ends" not in text
    flipped = ratios.analyze_pairs(prices, ["QQQ/IWM"], rebase_date="2021-06-01")
    assert "QQQ outperformed IWM" in flipped.overlays()[0].reading()
    assert ov.figures()["gap_pp"] == pytest.approx(iwm - qqq)
    assert ov.summary().loc["QQQ"].iloc[0] == round(qqq, 2)


def test_overlay_reading_of_a_stale_pair():
    idx = bdays("2021-01-04", 400)
    prices = pd.DataFrame({"IWM": exp_path(idx, 1.0), "QQQ": exp_path(idx, 2.0),
                           "RUT": exp_path(idx, 1.0), "SPX": exp_path(idx, 0.5)})
    prices.loc[idx[300]:, ["IWM", "QQQ"]] = np.nan
    (ov,) = ratios.analyze_pairs(prices, ["RUT/SPX", "IWM/QQQ"]).overlays()
    assert ov.reading().endswith(f"**The data for this pair ends {idx[299]:%Y-%m-%d}**, before "
                                 f"the as-of date {idx[-1]:%Y-%m-%d}.")


# --------------------------------------------------------------------------------- ranking

def test_ranking_reading_leader_laggard_and_stale():
    idx = bdays("2023-10-02", 200)
    grow = {"RUT": 2.0, "SPX": 1.0, "NDX": -1.0, "IWM": 5.0}
    prices = pd.DataFrame({k: exp_path(idx, g) for k, g in grow.items()})
    prices.loc[idx[150]:, "IWM"] = np.nan
    rk = ratios.rank_returns(prices, ["RUT", "SPX", "NDX", "IWM"])
    t = rk.table
    text = rk.reading()
    # one decimal, as the ranking table and the ratio changes show them
    assert text.startswith(f"Over the month to {idx[-1]:%Y-%m-%d}, **RUT** led "
                           f"({t.loc['RUT', '1m %']:+.1f}%) and **NDX** lagged "
                           f"({t.loc['NDX', '1m %']:+.1f}%).")
    gap = t.loc["RUT", "3m %"] - t.loc["SPX", "3m %"]
    assert f"Over 3 months the Russell 2000 beat the S&P 500 by {gap:.1f} pp." in text
    assert f"IWM (data ends {idx[149]:%Y-%m-%d}; returns shown as of that date)" in text
    assert "not the dividend-adjusted close" in text


def test_ranking_reading_when_small_caps_trail_or_nothing_is_current():
    idx = bdays("2023-10-02", 200)
    prices = pd.DataFrame({"RUT": exp_path(idx, -2.0), "SPX": exp_path(idx, 1.0)})
    text = ratios.rank_returns(prices, ["RUT", "SPX"]).reading()
    assert "**SPX** led" in text and "the Russell 2000 trailed the S&P 500" in text
    assert "beat" not in text
    later = prices.copy()
    later.attrs["asof"] = AsOf(date=f"{idx[-1] + pd.Timedelta(days=1):%Y-%m-%d}",
                               requested=None, reference=("RUT", "SPX")).to_dict()
    none = ratios.rank_returns(later, ["RUT", "SPX"]).reading()
    assert none == (f"No series has data up to {idx[-1] + pd.Timedelta(days=1):%Y-%m-%d}; "
                    "nothing is ranked.")


# --------------------------------------------------------------------------------- basis

def with_field(prices: pd.DataFrame, field: str) -> pd.DataFrame:
    out = prices.copy()
    out.attrs["field"] = field
    return out


def fund_prices(n=700):
    """IWM/QQQ falls 0.6 %/month on closes; IWM's adjusted close adds 0.25 %/month, QQQ's
    0.05 %/month, so on adjusted closes the ratio falls 0.4 %/month (a flat trend)."""
    idx = bdays("2020-01-01", n)
    close = pd.DataFrame({"IWM": exp_path(idx, 0.4), "QQQ": exp_path(idx, 1.0),
                          "RUT": exp_path(idx, 0.4), "SPX": exp_path(idx, 0.8)})
    adj = close.copy()
    adj["IWM"] = close["IWM"] * exp_path(idx, 0.25, base=1.0)
    adj["QQQ"] = close["QQQ"] * exp_path(idx, 0.05, base=1.0)
    return with_field(close, "close"), with_field(adj, "adj_close")


def test_basis_names_total_returns_price_levels_and_mixed_pairs():
    close, adj = fund_prices()
    text = ratios.analyze_pairs(adj, ["IWM/QQQ", "RUT/SPX"]).reading("basis")
    assert text == ("**Prices.** ETFs are **total returns, dividend-adjusted** (IWM, QQQ: their "
                    "adjusted closes, dividends reinvested); indexes are **index levels, price "
                    "only** (RUT, SPX: an index has no adjusted close). A ratio of two ETFs "
                    "compares total returns, a ratio of two indexes price returns.")
    mixed = ratios.analyze_pairs(adj, ["IWM/SPX"])
    assert "**Mixed pairs** (IWM/SPX): one leg is a total return" in mixed.reading("basis")
    assert ("**Mixed basis**: IWM is on its dividend-adjusted close (total return) and SPX on "
            "its index level (price only)") in mixed.pairs["IWM/SPX"].reading()
    text = ratios.analyze_pairs(close, ["IWM/QQQ", "RUT/SPX"]).reading("basis")
    assert text.startswith("**Prices.** Every series is **price only**: ETFs on their plain "
                           "closes, not dividend-adjusted (IWM, QQQ), indexes on their levels "
                           "(RUT, SPX).")
    assert "Mixed" not in text
    indexes = ratios.analyze_pairs(adj, ["RUT/SPX"]).reading("basis")
    assert indexes.startswith("**Prices.** Every pair is of two indexes (RUT, SPX)")
    both = ratios.analyze_pairs(adj, ["IWM/QQQ"]).pairs["IWM/QQQ"].reading()
    assert "Both legs are total returns (dividend-adjusted closes)." in both
    assert "Both legs" not in ratios.analyze_pairs(close, ["IWM/QQQ"]).pairs["IWM/QQQ"].reading()


def test_overlay_and_ranking_say_whether_etf_returns_include_dividends():
    close, adj = fund_prices()
    (ov,) = ratios.analyze_pairs(adj, ["IWM/QQQ"]).overlays()
    assert "(total returns, dividend-adjusted):" in ov.reading()
    (ov,) = ratios.analyze_pairs(close, ["IWM/QQQ"]).overlays()
    assert "(closes, not dividend-adjusted):" in ov.reading()
    text = ratios.rank_returns(adj, ["RUT", "IWM", "SPX"]).reading()
    assert text.endswith("ETF returns (IWM) are total returns on dividend-adjusted closes; index "
                         "returns (SPX, RUT) are price returns, so an ETF runs ahead of its own "
                         "index by about the dividends paid in the window.")
    assert "not the dividend-adjusted close" in ratios.rank_returns(close, ["RUT", "IWM"]).reading()


def test_basis_effect_reads_the_differences_and_the_labels_that_change():
    close, adj = fund_prices()
    study = ratios.analyze_pairs(adj, ["IWM/QQQ", "RUT/SPX"])
    c = ratios.compare_basis(study, close)
    r = c.rows("IWM/QQQ")
    text = c.reading()
    assert text.startswith("**What the dividend adjustment moves.** This page reads ETFs on "
                           "dividend-adjusted closes (total return); here is the same study on "
                           "plain closes (price only).")
    since = r.loc["change_since_pct"]
    assert (f"IWM/QQQ changed {since['page']:+.1f}% since {study.window.rebase_date:%Y-%m-%d} on "
            f"this page against {since['other']:+.1f}% on the other field, a difference of "
            f"{since['diff']:+.2f} pp") in text
    assert ("Labels that change: 3-month trend label flat here, down on the other field; "
            "12-month trend label flat here, down on the other field.") in text
    assert text.endswith("Pairs of two indexes (RUT/SPX) are the same on both fields: an index "
                         "has no dividend adjustment.")
    back = ratios.compare_basis(ratios.analyze_pairs(close, ["IWM/QQQ"]), adj).reading()
    assert "This page reads ETFs on plain closes (price only)" in back
    assert f"a difference of {-since['diff']:+.2f} pp" in back
    assert "12-month trend label down here, flat on the other field" in back
    none = ratios.compare_basis(ratios.analyze_pairs(adj, ["RUT/SPX"]), close).reading()
    assert none.endswith("No pair has an ETF leg, so every figure is the same on both: an index "
                         "has no dividend adjustment.")
    same = fund_prices()[0].copy()
    same["IWM"] = same["IWM"] * 1.0
    flat = ratios.compare_basis(ratios.analyze_pairs(with_field(same, "adj_close"),
                                                     ["IWM/QQQ"]), close).reading()
    assert "No label changes" in flat and "a difference of 0.00 pp" in flat


# --------------------------------------------------------------------------------- the brief

def _links(sentences):
    import re

    from smallcaps import page

    anchors = {page.anchor(h) for h in narrative.HEADINGS.values()}
    assert 3 <= len(sentences) <= 6
    for s in sentences:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m and m.group(1) in anchors, s
    return sentences


@pytest.mark.parametrize("pct, verdict, side", [
    (1.5, "**RUT/SPX is in an uptrend by the 200-day rule**", "above"),
    (-1.5, "**RUT/SPX is still in a downtrend by the 200-day rule**", "below"),
])
def test_brief_follows_the_planted_trend_both_ways(pct, verdict, side):
    prices = trending_pair(pct)
    study = ratios.analyze_pairs(prices, ["RUT/SPX"])
    rk = ratios.rank_returns(prices, ["RUT", "SPX"])
    first, history, headline, ranking = _links(narrative.brief(study, rk))
    a = study.pairs["RUT/SPX"]
    assert first.startswith(verdict)
    assert f"{abs(a.distance_to_ma(200)):.1f}% {side} its 200-day average" in first
    t12 = a.trends["12m"]
    assert (f"the 12-month trend is {'up' if pct > 0 else 'down'} ({t12.slope_pct:+.2f}%/month, "
            f"R² {t12.r2:.2f} over {t12.n:,} closes)") in first
    assert f"it has changed {a.changes['since']:+.1f}% since" in history
    assert headline.startswith("As of ")
    lead = "RUT" if pct > 0 else "SPX"
    assert ranking.startswith(f"Over the month to {a.asof:%Y-%m-%d}, {lead} led")
    assert ("RUT beat SPX" if pct > 0 else "RUT trailed SPX") in ranking


def test_brief_of_a_reversal_not_yet_confirmed_and_of_the_dividend_effect():
    idx = bdays("2019-01-01", 900)
    down = exp_path(idx, -3.0)
    s = down.copy()
    s.iloc[-40:] = down.iloc[-41] * np.exp(np.linspace(0.02, 0.12, 40))  # a late jump
    study = ratios.analyze_pairs(pd.DataFrame({"RUT": s, "SPX": 50.0}, index=idx),
                                 ["RUT/SPX"])
    a = study.pairs["RUT/SPX"]
    assert a.above_ma(200) and a.ma_slope(200)[0] == "falling"
    (first, *_rest) = _links(narrative.brief(study))
    assert first.startswith("**RUT/SPX has not confirmed a reversal**")
    assert "which is still falling" in first
    close, adj = fund_prices()
    c = ratios.compare_basis(ratios.analyze_pairs(adj, ["IWM/QQQ", "RUT/SPX"]), close)
    since = c.rows("IWM/QQQ").loc["change_since_pct"]
    last = _links(narrative.brief(c.page, None, c))[-1]
    assert last.startswith(f"The dividend adjustment moves IWM/QQQ by {since['diff']:+.2f} pp")
    assert "on adjusted closes" in last and "pairs of two indexes do not move" in last
