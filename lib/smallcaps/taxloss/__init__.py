"""Tax-loss selling and turn-of-the-year timing of small caps against large caps (notebook 04).

The trader's playbook: small caps lag around the first three weeks of December as tax-loss
selling hits, then rebound into mid-January, more so in years in which they were the losers.
This package times both windows year by year (:mod:`~smallcaps.taxloss.study`), tests each
against the typical window of the same length in the same sample and tests the rebound's start
dates jointly (:mod:`~smallcaps.taxloss.inference`, :mod:`~smallcaps.taxloss.sensitivity`);
the prose about them is written by :mod:`smallcaps.narrative.taxloss`
(``study.reading(section)``).

Windows are month-day pairs mapped onto trading days with the rule of
:mod:`smallcaps.calendar` (:func:`~smallcaps.calendar.map_windows`): a window covers the first
trading day on or after its start month-day to the last trading day on or before its end
month-day; its return runs from the close before the first day to the close of the last day; a
window crossing New Year belongs to the December's year.  Relative returns are small minus
large, in percentage points (pp); both legs are measured on the dates both series trade.

Every verdict reads an *excess*: the window's mean minus the mean of all windows of the same
length in trading days that start on any day of the sample, with a block-bootstrap interval
and p-value; one window a year makes the seasons independent observations (36 seasons are 36
observations), and a leave-one-season-out check names the season that alone carries a verdict.

The as-of date is the loaded frame's (:func:`smallcaps.data.load` cuts it there): the study
uses the last date both series have a close, and windows not complete by then are left out.
"""

from smallcaps.taxloss.inference import ALPHA, forward_returns, max_t_test, window_test
from smallcaps.taxloss.sensitivity import ReboundSensitivity, rebound_sensitivity
from smallcaps.taxloss.study import PATH, PRESSURE, REBOUND, TurnOfYear, turn_of_year

__all__ = [
    "PRESSURE",
    "REBOUND",
    "PATH",
    "ALPHA",
    "TurnOfYear",
    "ReboundSensitivity",
    "turn_of_year",
    "rebound_sensitivity",
    "forward_returns",
    "window_test",
    "max_t_test",
]
