"""Extreme small-cap divergences and what followed them (notebook 05).

Usage: ``signal = spread_zscore(small, large)``, ``study = divergence_study(signal)``; the
study follows the kit's results protocol (``summary``, ``to_frame``, ``figures``, ``reading``)
and :meth:`~DivergenceStudy.sensitivity` / :meth:`~DivergenceStudy.compare_methods` give
:class:`Variants` of it.  Its statistics come from :func:`event_study`, the one event study of
the kit: ``event_study(prices, dates)`` serves any signal that dates its events.  The prose is
written by :mod:`smallcaps.narrative.events`, the charts by :mod:`smallcaps.charts.events`.

The method, step by step (every number below is what the functions return):

1. **Spread.** ``spread_t`` = the ``horizon_days``-day percent return of the small-cap index
   minus that of the large-cap index, in percentage points, computed on the dates where *both*
   indices have a close (:func:`smallcaps.returns.relative_returns`).  Trading days are counted
   on that common calendar throughout this module.
2. **Standard deviation and z-score.** ``z_t = spread_t / sd_t``.  The spread is *not* demeaned:
   a "3-sigma divergence" is a gap between the two returns of three standard deviations of that
   gap, measured from zero (the mean 5-day spread of RUT minus SPX is a few hundredths of a
   percentage point, against a standard deviation of about 1.5 pp, so demeaning would change
   almost nothing and would add one more estimated quantity).  ``sd_t`` is the sample standard
   deviation (ddof=1) of spreads:

   * ``"expanding"`` (default, no look-ahead): all spreads *strictly before* day ``t``;
   * ``"rolling"`` (no look-ahead): the ``std_window`` spreads strictly before day ``t``;
   * ``"full"`` (in-sample, **look-ahead**): every spread in the sample up to the as-of date,
     including days after ``t``.  Only for comparison with studies that do this.

   For every method ``z`` starts on the first day with at least ``min_history`` (default 252,
   about one year) earlier spreads, so the three methods cover the same days; ``"rolling"``
   also needs a full window.
3. **Events.** A qualifying day has ``z > sigma`` (``direction="up"``), ``z < -sigma``
   (``"down"``) or ``|z| > sigma`` (``"both"``: up and down days are declustered separately,
   so its events are the union of the ``"up"`` and ``"down"`` events).
   Qualifying days are grouped into clusters: a qualifying day that comes at most
   ``decluster_days`` trading days after the *previous qualifying day* belongs to the same
   cluster (so a cluster ends only after more than ``decluster_days`` trading days without a
   qualifying day).  Each cluster is one event, dated on its first day.
4. **Forward returns.** From the close of the event day to the close ``h`` trading days later,
   for the small-cap index (percent) and for the spread (small minus large, percentage points).
   A window is used only when it is complete by the as-of date (the last date of the data);
   otherwise it is NaN.
5. **Baseline and test** (:func:`event_study`, on :func:`smallcaps.stats.baseline_test`).
   The unconditional baseline is the same forward return from *every* day on which ``z`` is
   defined (events included) whose window is complete.  The excess *event mean minus baseline
   mean* is tested with a circular block bootstrap over the daily series of (forward return,
   event flag) with blocks of ``max(h, 21)`` trading days, which keeps the overlap of
   ``h``-day windows inside blocks.  The 95% interval is the 2.5-97.5 percentile of the
   bootstrap differences; the two-sided p-value is twice the smaller share of bootstrap
   differences on either side of zero (so p < 0.05 exactly when the interval excludes zero).
   The generator is seeded (``seed + j`` at the j-th horizon), so results are reproducible.
   The verdict at a horizon is the side of the excess and whether it is significant at 5 %;
   the horizons are tested together, so each also carries a Benjamini-Hochberg q-value, and
   the prose calls a significant verdict firm only when q <= 10 % and no single event
   carries it (step 7).
6. **Independent observations.** Beside every count of events: the number of non-overlapping
   ``h``-day episodes among them (:func:`smallcaps.stats.episodes`: an event opens a new
   episode when it comes at least ``h`` trading days after the start of the last one).
   Twenty events whose 12-month windows mostly overlap are a handful of observations.
7. **Robustness.** Median and 10 % trimmed mean beside every mean, after events and over all
   days; a leave-one-out check re-tests without each event in turn (same bootstrap draws) and
   names every event whose removal alone changes the verdict.
8. **Paths.** The average cumulative path after events gets a 95 % bootstrap band that
   resamples *groups* of events whose windows overlap (an event less than ``max_days`` after
   the previous one joins its group) whole: the groups' windows never overlap, so they are the
   independent units, and the band is as wide as that small number of units warrants.
"""

from __future__ import annotations

from smallcaps.events.core import (
    DEFAULT_FORWARD_DAYS,
    DIRECTIONS,
    STD_METHODS,
    find_events,
    forward_returns,
    spread_zscore,
)
from smallcaps.events.eventstudy import (
    ALPHA,
    MIN_EVENTS_TO_TEST,
    VERDICTS,
    EventStudy,
    event_study,
)
from smallcaps.events.study import DivergenceStudy, divergence_study
from smallcaps.events.variants import DEFAULT_SIGMAS, Variants

__all__ = [
    "ALPHA",
    "DEFAULT_FORWARD_DAYS",
    "DEFAULT_SIGMAS",
    "DIRECTIONS",
    "MIN_EVENTS_TO_TEST",
    "STD_METHODS",
    "VERDICTS",
    "DivergenceStudy",
    "EventStudy",
    "Variants",
    "divergence_study",
    "event_study",
    "find_events",
    "forward_returns",
    "spread_zscore",
]
