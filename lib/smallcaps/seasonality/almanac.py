"""The Stock Trader's Almanac's companion indicators, each tested against its baseline.

Every indicator is computed for each index and for the small-minus-large spread (pp; for the
December Low, the small/large price ratio gives the signal).  Returns are percent, close to
close; only periods complete by the as-of date count, and only years (windows) that begin on
or after ``start``.

Definitions
-----------
**January Barometer** (:func:`january_barometer`): the sign of January's return (calendar
month) against the rest of the year, February to December compounded (last January close to
last December close).  Groups: ``january_up`` (January > 0) and ``january_down`` (<= 0).

**First Five Days** (:func:`first_five_days`): the sign of the return over the first five
trading days of January (last December close to the fifth January close) against the rest of
the year (fifth January close to last December close).  Groups: ``first_five_up`` and
``first_five_down``.

**December Low** (:func:`december_low`): a close during the first quarter below the lowest
close of the previous December.  Outcome: April to December (last March close to last December
close), what a reader can act on once the quarter is over; the Almanac's own measure, the
calendar year, is kept in ``years`` (``year_pct``) but not tested, since it contains the fall
that triggered the signal.  Groups: ``break`` and ``no_break``.

**Best Six Months** (:func:`best_six_months`): November-April (last October close to last
April close, labelled with the April's year) against the May-October that follows it.
Groups: ``nov_apr`` and ``may_oct``.

**Mid-January reversal** (:func:`mid_january_reversal`), "the usual rug pull" after a Santa
Claus rally: the last :data:`MID_JANUARY_DAYS` = 10 trading days of January (close of the
eleventh-to-last January session to the last January close).  Groups: ``all_years`` and
``after_santa_gain`` (years whose preceding Santa Claus window rose; for the spread, small
caps led in it).

Baselines and tests
-------------------
* the annual indicators (Barometer, First Five Days, December Low): the baseline is the mean
  outcome of **all** years; each group's excess is its mean minus that, tested with
  :func:`smallcaps.stats.baseline_test` on the yearly outcomes, block of 1 year (one
  observation per year, no overlap);
* Best Six Months: the half-years in calendar order (Nov-Apr, May-Oct, Nov-Apr, ...); the
  baseline is the mean of all half-years, i.e. of the non-overlapping six-month windows;
  block of 2 half-years (one year), so every replicate keeps one of each half per block and
  ``difference`` = Nov-Apr minus May-Oct = twice the Nov-Apr excess, with twice its interval
  and the same p-value;
* the mid-January reversal: the baseline is the mean of the 10-session forward return from
  every trading day of the sample, block of 10 trading days (the windows overlap over 10
  days).

Each table carries Benjamini-Hochberg q-values over its cells (``q``), the median and 10 %
trimmed mean beside the mean, the number of independent observations and the years whose
removal alone changes a verdict (:mod:`smallcaps.seasonality._inference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps.results import Result
from smallcaps.seasonality._common import (
    completion,
    frame_asof,
    month_keys,
    plain,
    provenance,
    spans,
)
from smallcaps.seasonality._inference import (
    P_LEVEL,
    TEST_COLUMNS,
    excess_test,
    forward_returns,
    forward_spread,
    test_figures,
    test_summary,
)
from smallcaps.seasonality.effects import santa_claus_windows
from smallcaps.seasonality.monthly import MonthlyReturns, _pair
from smallcaps.stats import Q_LEVEL, bh_qvalues, welch_t

__all__ = [
    "Indicator",
    "JanuaryBarometer",
    "FirstFiveDays",
    "DecemberLow",
    "BestSixMonths",
    "MidJanuaryReversal",
    "january_barometer",
    "first_five_days",
    "december_low",
    "best_six_months",
    "mid_january_reversal",
    "indicator_table",
    "GROUP_LABELS",
    "MID_JANUARY_DAYS",
]

#: Trading days of the mid-January window (the last ten of January).
MID_JANUARY_DAYS = 10

#: How the summary tables name the groups.
GROUP_LABELS = {"january_up": "up January", "january_down": "down January",
                "first_five_up": "up first five days", "first_five_down": "down first five days",
                "break": "Q1 close below the December low", "no_break": "no break",
                "nov_apr": "November-April", "may_oct": "May-October",
                "all_years": "all years", "after_santa_gain": "after a Santa Claus gain"}


@dataclass
class Indicator(Result):
    """A seasonal indicator: per-year observations, and each group's test against the
    baseline (see the module docstring).

    ``years``: indexed by (``series``, ``year``): ``signal`` (the value the indicator reads,
    percent / pp, or the break's depth), ``outcome`` (percent, pp for the spread) and one
    bool column per group.  ``tests``: indexed by (``series``, ``group``): the columns of a
    test table plus ``q`` (Benjamini-Hochberg over the table).  ``columns``: the series,
    then the spread.
    """

    narrative: ClassVar[str] = "seasonality_almanac"
    #: name of the recorded figure, and of the indicator in words
    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: the groups, in order; the Almanac's claim for each group it speaks of
    groups: ClassVar[tuple] = ()
    claims: ClassVar[dict] = {}
    #: the groups are complementary (every year is in exactly one): a difference is read
    complementary: ClassVar[bool] = True
    #: what the baseline is, for the table
    baseline_name: ClassVar[str] = "all_years_mean"

    years: pd.DataFrame
    tests: pd.DataFrame
    columns: list
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    asof: pd.Timestamp | None = None
    block: int = 1
    p_level: float = P_LEVEL
    q_level: float = Q_LEVEL

    @property
    def units(self) -> dict:
        """Column -> ``"%"`` (an index) or ``"pp"`` (the spread)."""
        return {c: "pp" if c == self.spread else "%" for c in self.columns}

    @property
    def verdicts(self) -> dict:
        """Column -> the Almanac's claim against the data: ``"supported"`` (a group the claim
        speaks of has the claimed excess, above or below the baseline at p < ``p_level``, and
        none has the opposite one), ``"contradicted"`` (the reverse), ``"not supported"`` or
        ``"untested"`` (too few years)."""
        opposite = {"above": "below", "below": "above"}
        out = {}
        for c in self.columns:
            got = [(self.tests.loc[(c, g), "verdict"], want) for g, want in self.claims.items()
                   if (c, g) in self.tests.index]
            if not got or all(v == "untested" for v, _ in got):
                out[c] = "untested"
                continue
            hit = any(v == want for v, want in got)
            miss = any(v == opposite[want] for v, want in got)
            out[c] = ("supported" if hit and not miss else
                      "contradicted" if miss and not hit else "not supported")
        return out

    @property
    def difference(self) -> pd.DataFrame:
        """Per column, for complementary groups: ``diff_pp`` (first group's mean minus the
        second's) and its Welch ``t``; empty otherwise."""
        if not self.complementary or len(self.groups) != 2:
            return pd.DataFrame(columns=["diff_pp", "t"])
        first, second = self.groups
        rows = {}
        for c in self.columns:
            y = self.years.loc[c] if c in self.years.index.get_level_values(0) else None
            if y is None:
                continue
            a, b = y.loc[y[first], "outcome"], y.loc[y[second], "outcome"]
            rows[c] = {"diff_pp": a.mean() - b.mean(), "t": welch_t(a, b)}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["diff_pp", "t"])

    def summary(self) -> pd.DataFrame:
        """One row per (series, group), the groups in words (:data:`GROUP_LABELS`): n,
        independent observations, mean, median, trimmed mean and the baseline (in ``unit``),
        hit rate, the excess with its 95 % interval (pp), p, q, verdict, the years that flip
        it alone, and ``unit``."""
        units = [self.units[s] for s in self.tests.index.get_level_values("series")]
        out = test_summary(self.tests, units, baseline=self.baseline_name)
        return out.rename(index=GROUP_LABELS, level="group") if len(out) else out

    def to_frame(self) -> pd.DataFrame:
        """The per-year observations, one row per (series, year)."""
        return self.years.copy()

    def _extra(self, column: str) -> dict:
        diff = self.difference
        if column not in diff.index:
            return {}
        return {"difference_pp": diff.at[column, "diff_pp"], "welch_t": diff.at[column, "t"]}

    def figures(self) -> dict:
        """``<key>``: ``{column: {group: {n, episodes, mean_pct, median_pct,
        trimmed_mean_pct, hit_rate, baseline_pct, excess_pct, ci_low, ci_high, p, q,
        verdict, loo_flip_years, loo_more}, difference_pp, welch_t, verdict}}`` (pp for the
        spread; the difference only for complementary groups; ``verdict``: :attr:`verdicts`)."""
        out: dict = {}
        for (c, group), row in self.tests.iterrows():
            out.setdefault(c, {})[group] = {**test_figures(row), "q": row["q"]}
        verdicts = self.verdicts
        for c in out:
            out[c].update(self._extra(c))
            out[c]["verdict"] = verdicts[c]
        return {self.key: out}


class JanuaryBarometer(Indicator):
    """January's sign against the rest of the year (February-December)."""

    key = "january_barometer"
    title = "January Barometer"
    groups = ("january_up", "january_down")
    claims = {"january_up": "above", "january_down": "below"}


class FirstFiveDays(Indicator):
    """The first five trading days' sign against the rest of the year."""

    key = "first_five_days"
    title = "First Five Days"
    groups = ("first_five_up", "first_five_down")
    claims = {"first_five_up": "above", "first_five_down": "below"}


class DecemberLow(Indicator):
    """A first-quarter close below the previous December's low against April-December."""

    key = "december_low"
    title = "December Low"
    groups = ("break", "no_break")
    claims = {"break": "below"}


class BestSixMonths(Indicator):
    """November-April against the May-October that follows it.  ``years`` holds per year
    (the April's) ``nov_apr`` and ``may_oct`` (percent, pp for the spread)."""

    key = "best_six_months"
    title = "Best Six Months"
    groups = ("nov_apr", "may_oct")
    claims = {"nov_apr": "above", "may_oct": "below"}
    baseline_name = "all_half_years_mean"

    @property
    def difference(self) -> pd.DataFrame:
        """Per column: ``diff_pp`` (mean Nov-Apr minus mean May-Oct), its Welch ``t``, and the
        bootstrap ``ci_low`` / ``ci_high`` (pp) and ``p``: twice the Nov-Apr excess over all
        half-years, with twice its interval and the same p-value (module docstring)."""
        rows = {}
        for c in self.columns:
            if (c, "nov_apr") not in self.tests.index:
                continue
            y, t = self.years.loc[c], self.tests.loc[(c, "nov_apr")]
            rows[c] = {"diff_pp": y["nov_apr"].mean() - y["may_oct"].mean(),
                       "t": welch_t(y["nov_apr"], y["may_oct"]), "ci_low": 2 * t["ci_low"],
                       "ci_high": 2 * t["ci_high"], "p": t["p"]}
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=["diff_pp", "t", "ci_low", "ci_high", "p"])

    def _extra(self, column: str) -> dict:
        out = super()._extra(column)
        diff = self.difference
        if column in diff.index:
            out.update({"difference_ci_low": diff.at[column, "ci_low"],
                        "difference_ci_high": diff.at[column, "ci_high"],
                        "difference_p": diff.at[column, "p"]})
        return out


class MidJanuaryReversal(Indicator):
    """The last ten trading days of January against every 10-day window."""

    key = "mid_january_reversal"
    title = "Mid-January reversal"
    groups = ("all_years", "after_santa_gain")
    claims = {"all_years": "below", "after_santa_gain": "below"}
    complementary = False
    baseline_name = f"all_{MID_JANUARY_DAYS}_day_windows"
    #: trading days of the window
    days: ClassVar[int] = MID_JANUARY_DAYS


def indicator_table(*indicators: Indicator) -> pd.DataFrame:
    """The summary tables of several indicators as one, for an appendix.

    Parameters
    ----------
    *indicators : Indicator
        Results of this module, in the order to show.

    Returns
    -------
    DataFrame
        Indexed by (``indicator``: its title, ``series``, ``group``); the columns of
        :meth:`Indicator.summary` with each indicator's baseline column named ``baseline``
        (the mean of all years, of all half-years or of every 10-day window, in ``unit``).
        The ``q`` of each row runs over its own indicator's table, as in the readings.
    """
    frames = {}
    for ind in indicators:
        summ = ind.summary()
        frames[ind.title or ind.key] = summ.rename(columns={ind.baseline_name: "baseline"})
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, names=["indicator", "series", "group"])


# ----------------------------------------------------------------------------------------------
# builders
# ----------------------------------------------------------------------------------------------


def _annual_tests(years: pd.DataFrame, groups: tuple) -> dict:
    """Each group's excess test on one column's yearly outcomes (block of 1 year)."""
    y = years.dropna(subset=["outcome"])
    labels = pd.Series(y.index, index=y.index)
    return {g: excess_test(y["outcome"], y[g], 1, labels) for g in groups}


def _finish(cls, years: dict, tests: dict, columns: list, spread, prov: dict, asof,
            block: int = 1) -> Indicator:
    """The result: per-year frames stacked, the tests as a table with their q-values."""
    frame = pd.concat(years, names=["series", "year"]) if years else pd.DataFrame()
    table = pd.DataFrame.from_dict(
        {(c, g): t for c, by in tests.items() for g, t in by.items()},
        orient="index").reindex(columns=TEST_COLUMNS)
    if len(table):
        table.index = pd.MultiIndex.from_tuples(table.index, names=["series", "group"])
    table["q"] = bh_qvalues(table["p"].to_numpy(dtype=float)) if len(table) else []
    return cls(years=frame, tests=table, columns=columns, spread=spread, provenance=prov,
               asof=asof, block=block)


def _compound(r: pd.DataFrame) -> pd.Series:
    """Compounded return (percent) of each row of monthly returns (NaN if one is missing)."""
    return ((1 + r / 100).prod(axis=1, min_count=r.shape[1]) - 1) * 100


def _year_months(x: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"year": x.index.year, "month": x.index.month, "r": x.to_numpy()})
    return frame.pivot(index="year", columns="month", values="r").reindex(columns=range(1, 13))


def january_barometer(monthly: MonthlyReturns) -> JanuaryBarometer:
    """January's sign against February-December, per series and for the spread (the small
    leg's rest of year compounded minus the large leg's), complete years only.

    Parameters
    ----------
    monthly : MonthlyReturns
        From :func:`smallcaps.seasonality.monthly_returns`; with a ``relative`` pair the spread
        is studied too (pp).

    Returns
    -------
    JanuaryBarometer
        Per-year observations (percent, pp for the spread) and each group's test against the
        baseline, with q-values over the table (module docstring).
    """
    done = monthly.complete
    tables = {s: _year_months(done[s].dropna()) for s in monthly.series}
    columns = list(monthly.series) + ([monthly.spread] if monthly.spread else [])
    years, tests = {}, {}
    for c in columns:
        if c == monthly.spread:
            small, large = monthly.pair
            jan = tables[small][1] - tables[large][1]
            rest = _compound(tables[small][list(range(2, 13))]) - _compound(
                tables[large][list(range(2, 13))])
        else:
            jan, rest = tables[c][1], _compound(tables[c][list(range(2, 13))])
        y = pd.DataFrame({"signal": jan, "outcome": rest}).dropna()
        y["january_up"] = y["signal"] > 0
        y["january_down"] = ~y["january_up"]
        years[c] = y
        tests[c] = _annual_tests(y, JanuaryBarometer.groups)
    return _finish(JanuaryBarometer, years, tests, columns, monthly.spread, monthly.provenance,
                   monthly.asof)


def _columns(prices: pd.DataFrame, relative) -> tuple[list, dict, str | None]:
    """Each column's closes (the spread: both legs on common dates) and the spread's name,
    in date order."""
    prices = plain(prices if prices.index.is_monotonic_increasing else prices.sort_index())
    legs = {c: prices[c].dropna() for c in prices.columns}
    spread = None
    if relative is not None:
        small, large = _pair(relative, prices.columns)
        spread = f"{small}-{large}"
        legs[spread] = prices[[small, large]].dropna()
    return list(legs), legs, spread


def _ret(values: np.ndarray, a: int, b: int) -> float:
    """Percent return from position ``a`` to position ``b`` of one column's closes, or small
    minus large (pp) of a two-column array."""
    r = (values[b] / values[a] - 1.0) * 100.0
    return float(r) if np.ndim(r) == 0 else float(r[0] - r[1])


def _complete_years(idx: pd.DatetimeIndex, years: dict, complete, start) -> list:
    """The years of ``idx`` (sorted; ``years``: :func:`spans` of its years) complete by the
    as-of date (``complete``: :func:`completion`), with a close before them to measure from
    and a first session on or after ``start``."""
    lo = pd.Timestamp(start) if start is not None else None
    out = []
    for y, (first, _) in years.items():
        if not complete(pd.Timestamp(year=y, month=12, day=31)):
            continue
        if first == 0:
            continue  # no close before the year to measure from
        if lo is not None and idx[first] < lo:
            continue
        out.append(y)
    return out


def first_five_days(prices: pd.DataFrame, start=None, relative=None) -> FirstFiveDays:
    """The first five trading days of January against the rest of the year, per series and
    for the spread of ``relative = [small, large]``; complete years only.

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load` (as of the date
        the frame carries; loaded from :func:`smallcaps.calendar.lookback_start`).
    start : date-like, optional
        First year (window) kept: the year's (window's) first session on or after ``start``.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).

    Returns
    -------
    FirstFiveDays
        Per-year observations (percent, pp for the spread) and each group's test against the
        baseline, with q-values over the table (module docstring).
    """
    asof, _ = frame_asof(prices)
    prices = prices.loc[:asof]
    columns, legs, spread = _columns(prices, relative)
    complete = completion(asof)
    years, tests = {}, {}
    for c in columns:
        p = legs[c]
        idx, values = p.index, p.to_numpy()
        by_year = spans(idx.year)
        rows = {}
        for y in _complete_years(idx, by_year, complete, start):
            first, stop = by_year[y]
            if stop - first < 6:
                continue
            base, fifth, end = first - 1, first + 4, stop - 1
            rows[y] = {"signal": _ret(values, base, fifth), "outcome": _ret(values, fifth, end)}
        y = pd.DataFrame.from_dict(rows, orient="index", columns=["signal", "outcome"])
        y.index.name = "year"
        y["first_five_up"] = y["signal"] > 0
        y["first_five_down"] = ~y["first_five_up"]
        years[c] = y
        tests[c] = _annual_tests(y, FirstFiveDays.groups)
    return _finish(FirstFiveDays, years, tests, columns, spread, provenance(prices), asof)


def december_low(prices: pd.DataFrame, start=None, relative=None) -> DecemberLow:
    """A first-quarter close below the previous December's lowest close, against April to
    December, per series and for the spread (signal on the small/large price ratio, outcome
    small minus large); complete years whose previous December is fully in the data.

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load` (as of the date
        the frame carries; loaded from :func:`smallcaps.calendar.lookback_start`).
    start : date-like, optional
        First year (window) kept: the year's (window's) first session on or after ``start``.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).

    Returns
    -------
    DecemberLow
        Per-year observations (percent, pp for the spread) and each group's test against the
        baseline, with q-values over the table (module docstring).
    """
    asof, _ = frame_asof(prices)
    prices = prices.loc[:asof]
    columns, legs, spread = _columns(prices, relative)
    complete = completion(asof)
    years, tests = {}, {}
    for c in columns:
        p = legs[c]
        level = p.iloc[:, 0] / p.iloc[:, 1] if isinstance(p, pd.DataFrame) else p
        idx, values, level = p.index, p.to_numpy(), level.to_numpy()
        by_year, months = spans(idx.year), month_keys(idx)
        by_month = spans(months)
        rows = {}
        for y in _complete_years(idx, by_year, complete, start):
            dec_first, dec_stop = by_month.get((y - 1) * 12 + 11, (0, 0))
            if dec_stop - dec_first < 15 or dec_first == 0:
                continue  # the data starts inside that December
            first, stop = by_year[y]
            q1 = level[first:int(np.searchsorted(months, y * 12 + 3))]  # January to March
            last_mar, end = first + q1.size - 1, stop - 1
            low = float(level[dec_first:dec_stop].min())
            rows[y] = {"signal": float(q1.min() / low - 1) * 100, "outcome":
                       _ret(values, last_mar, end), "year_pct": _ret(values, dec_stop - 1, end),
                       "break": bool((q1 < low).any())}
        y = pd.DataFrame.from_dict(rows, orient="index",
                                   columns=["signal", "outcome", "year_pct", "break"])
        y.index.name = "year"
        y["break"] = y["break"].astype(bool)
        y["no_break"] = ~y["break"]
        years[c] = y
        tests[c] = _annual_tests(y, DecemberLow.groups)
    return _finish(DecemberLow, years, tests, columns, spread, provenance(prices), asof)


def best_six_months(monthly: MonthlyReturns) -> BestSixMonths:
    """November-April against May-October, per series and for the spread, on complete
    months; a year counts when both its halves are complete (module docstring).

    Parameters
    ----------
    monthly : MonthlyReturns
        From :func:`smallcaps.seasonality.monthly_returns`; with a ``relative`` pair the spread
        is studied too (pp).

    Returns
    -------
    BestSixMonths
        Per-year observations (percent, pp for the spread) and each group's test against the
        baseline, with q-values over the table (module docstring).
    """
    done = monthly.complete
    tables = {s: _year_months(done[s].dropna()) for s in monthly.series}
    columns = list(monthly.series) + ([monthly.spread] if monthly.spread else [])

    def halves(t: pd.DataFrame) -> pd.DataFrame:
        before = t.reindex(t.index - 1).set_axis(t.index)  # the previous year's months
        winter = _compound(pd.concat([before[[11, 12]], t[[1, 2, 3, 4]]], axis=1))
        return pd.DataFrame({"nov_apr": winter, "may_oct": _compound(t[[5, 6, 7, 8, 9, 10]])})

    years, tests = {}, {}
    for c in columns:
        if c == monthly.spread:
            small, large = monthly.pair
            h = halves(tables[small]) - halves(tables[large])
        else:
            h = halves(tables[c])
        h = h.dropna()
        h.index.name = "year"
        years[c] = h
        values = pd.Series(np.ravel(h[["nov_apr", "may_oct"]].to_numpy()))
        labels = pd.Series(np.repeat(h.index.to_numpy(), 2))
        winter = pd.Series(np.tile([True, False], len(h)))
        tests[c] = {"nov_apr": excess_test(values, winter, 2, labels),
                    "may_oct": excess_test(values, ~winter, 2, labels)}
    return _finish(BestSixMonths, years, tests, columns, monthly.spread, monthly.provenance,
                   monthly.asof, block=2)


def mid_january_reversal(prices: pd.DataFrame, start=None, relative=None) -> MidJanuaryReversal:
    """The last ten trading days of January against every 10-session window, in all years and
    after a Santa Claus window that rose, per series and for the spread; complete Januaries
    only.

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load` (as of the date
        the frame carries; loaded from :func:`smallcaps.calendar.lookback_start`).
    start : date-like, optional
        First year (window) kept: the year's (window's) first session on or after ``start``.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).

    Returns
    -------
    MidJanuaryReversal
        Per-year observations (percent, pp for the spread) and each group's test against the
        baseline, with q-values over the table (module docstring).
    """
    asof, _ = frame_asof(prices)
    prices = prices.loc[:asof]
    columns, legs, spread = _columns(prices, relative)
    complete = completion(asof)
    h = MID_JANUARY_DAYS
    years, tests = {}, {}
    for c in columns:
        p = legs[c]
        idx, values = p.index, p.to_numpy()
        if isinstance(p, pd.DataFrame):
            fwd = forward_spread(p.iloc[:, 0], p.iloc[:, 1], h, start)
        else:
            fwd = forward_returns(p, h, start)
        at = fwd.reindex(idx).to_numpy()  # NaN where no window starts (before start, at the end)
        santa = santa_claus_windows(idx, asof=asof)
        santa = santa.loc[santa["complete"]]
        gains = dict(zip(santa.index, (_ret(values, a, b) for a, b in zip(
            idx.get_indexer(santa["base"]), idx.get_indexer(santa["last"]), strict=True)),
            strict=True))
        rows = {}
        for y, (first, stop) in spans(month_keys(idx)).items():
            y, month = divmod(y, 12)
            if month != 0:
                continue  # January only
            if stop - first <= h or not complete(pd.Timestamp(year=y, month=1, day=31)):
                continue
            base = stop - h - 1
            if np.isnan(at[base]):
                continue
            rows[y] = {"base": idx[base], "signal": gains.get(y - 1, np.nan),
                       "outcome": float(at[base])}
        y = pd.DataFrame.from_dict(rows, orient="index", columns=["base", "signal", "outcome"])
        y.index.name = "year"
        y["all_years"] = True
        y["after_santa_gain"] = y["signal"] > 0
        labels = pd.Series(y.index, index=pd.DatetimeIndex(y["base"]))
        tests[c] = {
            g: excess_test(fwd, pd.Series(fwd.index.isin(y.loc[y[g], "base"]), index=fwd.index),
                           max(h, 5), labels.reindex(fwd.index), drop_rows=False)
            for g in MidJanuaryReversal.groups}
        years[c] = y.drop(columns="base")
    return _finish(MidJanuaryReversal, years, tests, columns, spread, provenance(prices), asof,
                   block=max(h, 5))
