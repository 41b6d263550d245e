"""Ratio charts and relative strength (notebook 02).

A *ratio* ``A/B`` is the close of series ``A`` divided by the close of series ``B`` on the dates
where both have a close (no filling).  It rises when ``A`` outperforms ``B``.  Every statistic is
read from the ratio's closes up to the as-of date; nothing after it is used.

Definitions (all documented numbers use these):

* **Dates.** The as-of date is the loaded frame's (:func:`smallcaps.data.load` resolves it by
  the kit's one rule; :func:`smallcaps.data.asof_of`).  The chart window starts on the first
  trading day on or after the date five calendar years before it
  (:func:`smallcaps.calendar.years_before`); a given ``start`` moves forward onto the first
  trading day on or after it, a given ``rebase_date`` back onto the last trading day on or
  before it.  Rebased lines equal 100 at the rebase date (default: the window start).
* **Moving averages** are simple averages of the last ``w`` ratio closes (trading days of the
  ratio).  An average is **rising** when today's value is above its value
  :data:`SLOPE_LAG` (= 20) trading days earlier, **falling** when below (``flat`` only on an
  exact tie).
* **Changes** are calendar based, from :func:`smallcaps.returns.window_return`: 1 month = from
  the last close on or before (end - 1 calendar month) to the last close on or before ``end``;
  3 months likewise; year to date from the last close of the previous calendar year; *since*
  from the last close on or before ``rebase_date``.  Percent.
* **Percentile (1 year)**: where today's close ranks among the last :data:`YEAR_DAYS` (= 252)
  closes including today: 0 = the lowest of them, 100 = the highest (ties count half).
* **Breakout / breakdown**: a close strictly above the highest (below the lowest) of the
  previous ``breakout_days`` closes (default 252 trading days, one year).  ``days since`` counts
  the ratio's trading days after that close up to the end of its data.
* **Trend**: least-squares line through the log of the ratio over the last 3 (12) calendar
  months; slope converted to percent per month (a month = 365.25 / 12 days), with its R².  The
  trend is ``up`` / ``down`` when ``|slope| >= FLAT_SLOPE_PCT`` (0.5 %/month) **and**
  ``R² >= MIN_R2`` (0.25), otherwise ``flat``.  (Daily ratio residuals are strongly
  autocorrelated, so OLS t-statistics would overstate significance; the size and fit thresholds
  are the honest test.)
* **Trend start**: the first close on the current side of the 200-day average after the ratio
  last crossed it (the close that crossed).
* **Stale**: a pair (or a ranked series) whose data ends before the report's as-of date.  Its
  figures are computed as of its own last date, and it is flagged, never silently mixed in.
* **Basis**: prices loaded with ``field="adj_close"`` (the notebook's default ``etf_field``)
  give ETFs as **total returns** (dividend-adjusted closes) and indexes as **index levels,
  price only** (an index has no adjusted close); ``field="close"`` gives price-only closes for
  both.  Each series carries its basis; a pair of an ETF and an index is **mixed** (its ratio
  drifts by the ETF's dividends).  :func:`compare_basis` recomputes a study on the other field
  to show what the adjustment moves.

Results (:class:`PairAnalysis`, :class:`PairOverlay`, :class:`RatioStudy`, :class:`Ranking`,
:class:`BasisComparison`) follow :class:`smallcaps.results.Result`; their prose is
:mod:`smallcaps.narrative.ratios`.
"""

from __future__ import annotations

from smallcaps.ratios.basis import BasisComparison, compare_basis
from smallcaps.ratios.inputs import (
    DEFAULT_PAIRS,
    DEFAULT_YEARS,
    ETF_FIELDS,
    FUND_PRICE,
    INDEX_LEVEL,
    TOTAL_RETURN,
    Window,
    alternative_field,
    pair_keys,
    parse_pairs,
    series_basis,
)
from smallcaps.ratios.measures import (
    FLAT_SLOPE_PCT,
    MIN_R2,
    SLOPE_LAG,
    TREND_MA,
    YEAR_DAYS,
    Trend,
    breakouts,
    classify_trend,
    fit_trend,
    last_cross,
    moving_average,
    percentile_rank,
    ratio,
    slope_direction,
)
from smallcaps.ratios.ranking import RANKING_KEYS, Ranking, rank_returns
from smallcaps.ratios.study import (
    PairAnalysis,
    PairOverlay,
    RatioStudy,
    analyze_pair,
    analyze_pairs,
)

__all__ = [
    # notebook 02
    "DEFAULT_PAIRS",
    "RANKING_KEYS",
    "pair_keys",
    "parse_pairs",
    "analyze_pairs",
    "analyze_pair",
    "rank_returns",
    "compare_basis",
    "alternative_field",
    "series_basis",
    "ETF_FIELDS",
    "TOTAL_RETURN",
    "INDEX_LEVEL",
    "FUND_PRICE",
    # results
    "RatioStudy",
    "PairAnalysis",
    "PairOverlay",
    "Ranking",
    "BasisComparison",
    "Window",
    "Trend",
    # building blocks and their thresholds
    "ratio",
    "moving_average",
    "slope_direction",
    "percentile_rank",
    "breakouts",
    "fit_trend",
    "classify_trend",
    "last_cross",
    "DEFAULT_YEARS",
    "SLOPE_LAG",
    "YEAR_DAYS",
    "FLAT_SLOPE_PCT",
    "MIN_R2",
    "TREND_MA",
]
