"""Seasonality of small caps and of their lead over large caps (notebook 03).

Calendar-month returns (:mod:`~smallcaps.seasonality.monthly`), calendar effects: Santa Claus
rally, January effect, election years (:mod:`~smallcaps.seasonality.effects`), the Almanac's
companion indicators: January Barometer, First Five Days, December Low, Best Six Months and
the mid-January reversal (:mod:`~smallcaps.seasonality.almanac`), and per-year paths by
trading day with their average and middle-half band (:mod:`~smallcaps.seasonality.paths`,
whose window helpers the turn-of-the-year study :mod:`smallcaps.taxloss` builds on).  The
calendar (sessions, windows, trading day of the year) is :mod:`smallcaps.calendar`; the prose
is :mod:`smallcaps.narrative.seasonality` and :mod:`smallcaps.narrative.seasonality_almanac`.

Conventions
-----------
* Returns are percent (1.0 = 1 %), close to close.  The relative spread is the small-cap return
  minus the large-cap return of the same period, in percentage points (pp), named
  ``"<small>-<large>"`` (e.g. ``"RUT-SPX"``).
* The as-of date is the one the loaded frame carries (:func:`smallcaps.data.load`); a period
  counts only when it is complete by it (no expected session of the period lies after it);
  incomplete ones are reported separately, never averaged in.
* Analyses include periods that *begin* on or after ``start``; the close before such a period
  may lie before ``start`` (load data from :func:`smallcaps.calendar.lookback_start`).
* Every seasonal window, month and indicator is reported as its raw mean and as the
  **excess** over the unconditional mean of windows of the same length in the same sample,
  with a block-bootstrap interval and p-value (:func:`smallcaps.stats.baseline_test`); the
  median and a trimmed mean stand beside each mean, tables of many cells carry
  Benjamini-Hochberg q-values, and a leave-one-out search names the year that alone flips a
  verdict.  Each module's docstring defines its baselines and block lengths.

Every result follows :class:`smallcaps.results.Result`: ``summary()``, ``to_frame()``,
``figures()`` and ``reading(section)``.
"""

from __future__ import annotations

from smallcaps.seasonality.almanac import (
    BestSixMonths,
    DecemberLow,
    FirstFiveDays,
    Indicator,
    JanuaryBarometer,
    MidJanuaryReversal,
    best_six_months,
    december_low,
    first_five_days,
    indicator_table,
    january_barometer,
    mid_january_reversal,
)
from smallcaps.seasonality.effects import (
    ElectionYears,
    JanuaryEffect,
    SantaRally,
    election_years,
    is_election_year,
    january_effect,
    santa_claus_rally,
    santa_claus_windows,
)
from smallcaps.seasonality.monthly import (
    MonthlyReturns,
    MonthRank,
    MonthStats,
    latest_month_rank,
    month_of_year_stats,
    monthly_returns,
    year_month_table,
)
from smallcaps.seasonality.paths import (
    SeasonalPath,
    path_band,
    seasonal_path,
    seasonal_paths,
    window_paths,
    window_returns,
)

__all__ = [
    "monthly_returns",
    "MonthlyReturns",
    "year_month_table",
    "month_of_year_stats",
    "MonthStats",
    "latest_month_rank",
    "MonthRank",
    "seasonal_path",
    "seasonal_paths",
    "SeasonalPath",
    "santa_claus_windows",
    "santa_claus_rally",
    "SantaRally",
    "january_effect",
    "JanuaryEffect",
    "election_years",
    "ElectionYears",
    "is_election_year",
    "january_barometer",
    "JanuaryBarometer",
    "first_five_days",
    "FirstFiveDays",
    "december_low",
    "DecemberLow",
    "best_six_months",
    "BestSixMonths",
    "mid_january_reversal",
    "MidJanuaryReversal",
    "Indicator",
    "indicator_table",
    "window_returns",
    "window_paths",
    "path_band",
]
