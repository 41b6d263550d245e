"""Do small caps outperform when Treasury yields fall?  (notebook 01)

The claim: small caps carry more floating-rate debt, so falling yields help them relative to
large caps.  In the numbers that means a **negative** slope of the small-minus-large relative
return on the change in the yield.  This module measures that slope and how stable it is;
:func:`analyze` runs the whole study and returns a :class:`RatesResult` (its prose is written
by :mod:`smallcaps.narrative.rates`).

Units and conventions
---------------------
* Relative return per period = small-cap return minus large-cap return, in percentage points
  (pp, "%").  Yield level in percent, yield change in basis points (bp; 1 bp = 0.01 %).
* Slopes are quoted in **pp of relative return per +100 bp** of yield change.
* Periods are ``"W-FRI"`` (weeks ending Friday), ``"M"`` (calendar months) or ``"D"`` (days),
  built with :func:`smallcaps.returns.period_closes`: the last close in each period, labelled
  by the date it was observed (a holiday Friday uses Thursday's close).
* The sample ends where the loaded frame ends: load it with ``data.load(..., asof=asof)`` (the
  kit's one as-of rule); nothing here resolves dates.

Alignment (how FRED holidays are handled)
-----------------------------------------
FRED yields are NaN on bond-market holidays (Columbus Day, Veterans Day ...) on which stocks
may trade, and have values on some days stocks are shut (Good Friday in some years, 2001-09-13
and 14).  :func:`align_periods` takes, in each period, the equity close from the last date on
which *both* equity series have a close, and the yield's **last valid value on or before that
date within the same period** (so a bond-holiday Friday uses Thursday's yield, and a Good Friday
yield fixing after Thursday's equity close is not used that week: it enters the next change).
Periods that lack either are dropped, so the next change spans two periods for both sides.  For
``freq="D"`` a bond holiday is dropped and the following day's changes cover two trading days
on both sides.  No yield dated after the equity close it is paired with is ever used.

Statistics
----------
Full-sample OLS with Newey-West (HAC, Bartlett) standard errors, lag length
:func:`smallcaps.stats.hac_maxlags` (7 for ~1,900 weekly periods), plain OLS t beside it for
the non-overlapping period changes.  Overlapping h-period horizons are read by their HAC t
only (lags ``max(rule, h)``), next to the number of non-overlapping h-period changes they
rest on (``n // h``).  "Significant" means ``|t_HAC| >= smallcaps.stats.T_CRIT`` (1.96: 5 %
two-sided, normal approximation).  Regimes (of the yield, and of the Fed cycle in
:mod:`smallcaps.rates.fed`) are counted in periods *and* in distinct episodes
(:func:`label_episodes`): overlapping look-backs make the periods of a regime cluster.
"""

from smallcaps.rates.fed import FED_REGIMES, FedCycle, fed_change, fed_cycle, fed_labels
from smallcaps.rates.fits import (
    SensitivityFit,
    align_periods,
    fit_sensitivity,
    label_episodes,
    latest_reading,
    regime_labels,
    regime_table,
    sensitivity_by_period,
)
from smallcaps.rates.result import RatesResult, analyze

__all__ = [
    "analyze",
    "RatesResult",
    "SensitivityFit",
    "align_periods",
    "fit_sensitivity",
    "sensitivity_by_period",
    "regime_labels",
    "regime_table",
    "label_episodes",
    "latest_reading",
    "FED_REGIMES",
    "FedCycle",
    "fed_change",
    "fed_labels",
    "fed_cycle",
]
