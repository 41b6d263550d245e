"""Calendar effects: the Santa Claus rally, the January effect and election-year Novembers,
each against its baseline.

Returns are percent (1.0 = 1 %), close to close; the small-minus-large spread is in
percentage points (pp).  A window or month counts only when it is complete by the as-of date.

Baselines (the unconditional mean of windows of the same length in the same sample)
--------------------------------------------------------------------------------------
* **Santa Claus rally** (7 trading days): the 7-session forward return from the close of
  every trading day whose window starts on or after ``start`` (:data:`SANTA_DAYS`); the
  rally's excess is its mean minus that, tested with a circular block bootstrap of
  :data:`SANTA_BLOCK` = 7 days (the windows overlap over 7 days).  Each year's window is one
  independent observation.
* **January effect** (one month of the spread): every complete month of the spread; blocks
  of 12 months, as in :mod:`~smallcaps.seasonality.monthly` (it is that table's January
  cell of the spread).
* **Election-year November** (one month) against every month of the series, and
  **November-December** (two months) against every two-month window (from every month),
  blocks of 12 months; the comparison with the Novembers of other years is Welch's t.

Each test gives the median and the 10 % trimmed mean beside the mean, the number of
independent observations and the years whose removal alone changes the verdict
(:mod:`smallcaps.seasonality._inference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
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
    flip_text,
    forward_returns,
    forward_spread,
    months_forward,
    test_figures,
)
from smallcaps.seasonality.monthly import MONTH_BLOCK, MonthlyReturns, _pair
from smallcaps.seasonality.paths import window_returns
from smallcaps.stats import summarize, welch_t

__all__ = [
    "SantaRally",
    "santa_claus_windows",
    "santa_claus_rally",
    "JanuaryEffect",
    "january_effect",
    "ElectionYears",
    "election_years",
    "is_election_year",
    "SANTA_DAYS",
    "SANTA_BLOCK",
    "GROUP_LABELS",
]

#: Trading days in the Santa Claus window (last five of December, first two of January).
SANTA_DAYS = 7
#: Bootstrap block of the Santa Claus test, in trading days (``max(h, 5)``).
SANTA_BLOCK = max(SANTA_DAYS, 5)


# ----------------------------------------------------------------------------------------------
# Santa Claus rally
# ----------------------------------------------------------------------------------------------


def santa_claus_windows(index, asof=None, start=None) -> pd.DataFrame:
    """The Santa Claus rally window of each year on a trading calendar.

    The Stock Trader's Almanac window: the last five trading days of December plus the first
    two trading days of January, from the close of the sixth-to-last December trading day
    (the close before the window) to the close of the second January trading day, labelled
    with the December's year.

    Parameters
    ----------
    index : DatetimeIndex
        Trading dates up to the as-of date.
    asof : date-like, optional
        Default: last date of ``index``.
    start : date-like, optional
        Keep windows whose first day is on or after ``start``.

    Returns
    -------
    DataFrame
        Indexed by the December's ``year``: ``base`` (6th-to-last December trading day),
        ``first`` (5th-to-last), ``last`` (2nd January trading day, or the last date so far),
        ``dec_days`` (5), ``jan_days`` (2 when complete) and ``complete``.
    """
    idx = pd.DatetimeIndex(index).dropna().sort_values().unique()
    cut = parse_date(asof, "asof")
    if cut is not None:
        idx = idx[idx <= cut]
    complete = completion(idx[-1]) if len(idx) else None
    months = spans(month_keys(idx))
    rows = {}
    for y in sorted(set(idx.year)):
        dec = idx[slice(*months.get(y * 12 + 11, (0, 0)))]
        if len(dec) < 6:
            continue  # the data starts inside the window
        if not complete(pd.Timestamp(year=y, month=12, day=31)):
            rows[y] = {"base": dec[-6], "first": dec[-5], "last": dec[-1],
                       "dec_days": 5, "jan_days": 0, "complete": False}
            continue
        jan = idx[slice(*months.get((y + 1) * 12, (0, 0)))][:2]
        rows[y] = {"base": dec[-6], "first": dec[-5], "last": jan[-1] if len(jan) else dec[-1],
                   "dec_days": 5, "jan_days": len(jan), "complete": len(jan) == 2}
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["base", "first", "last", "dec_days", "jan_days",
                                          "complete"])
    out.index.name = "year"
    lo = parse_date(start, "start")
    if lo is not None and not out.empty:
        out = out.loc[out["first"] >= lo]
    return out


@dataclass
class SantaRally(Result):
    """Santa Claus rally returns per year and their test against every 7-day window.

    ``table``: indexed by year, one column per series (percent) and, with a pair, the spread
    (pp); NaN when that series has no complete window.  ``tests``: indexed by the same
    columns, the columns of a test table (``n``, ``episodes``, ``mean``, ``median``,
    ``trimmed_mean``, ``hit_rate``, ``baseline`` = mean of every 7-session window,
    ``excess`` = mean - baseline (pp), ``ci_low``, ``ci_high``, ``p``, ``verdict``,
    ``loo``, ``loo_more``).  ``incomplete``: year -> January sessions closed so far (0 or 1) for the
    windows that have not closed by ``asof`` (excluded).
    """

    narrative = "seasonality"

    table: pd.DataFrame
    incomplete: dict
    series: list
    provenance: dict = field(default_factory=dict)
    asof: pd.Timestamp | None = None
    tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    spread: str | None = None
    days: int = SANTA_DAYS
    block: int = SANTA_BLOCK
    p_level: float = P_LEVEL

    @property
    def columns(self) -> list:
        """The series, then the spread when there is one."""
        return list(self.series) + ([self.spread] if self.spread else [])

    @property
    def units(self) -> dict:
        """Column -> ``"%"`` (an index) or ``"pp"`` (the spread)."""
        return {c: "pp" if c == self.spread else "%" for c in self.columns}

    def _row(self, col: str) -> dict:
        x = self.table[col].dropna() if col in self.table else pd.Series(dtype=float)
        st = summarize(x)
        row = {"mean": st["mean"], "median": st["median"], "hit_rate": st["hit_rate"],
               "n": st["n"], "t": st["t"],
               "latest_year": int(x.index[-1]) if len(x) else None,
               "latest": float(x.iloc[-1]) if len(x) else np.nan}
        test = self.tests.loc[col] if col in self.tests.index else {}
        for k in ("episodes", "trimmed_mean", "baseline", "excess", "ci_low", "ci_high", "p",
                  "verdict", "loo", "loo_more"):
            row[k] = test[k] if len(test) else {"loo": [], "loo_more": False}.get(k, np.nan)
        return row

    def summary(self) -> pd.DataFrame:
        """Per column: ``mean``, ``median``, ``trimmed_mean`` (in ``unit``), ``hit_rate``
        (0..1), ``n`` (windows = independent years), ``t_vs_zero``,
        ``all_7_day_windows`` (the baseline, in ``unit``), ``excess_pp``, ``ci_low_pp``,
        ``ci_high_pp``, ``p``, ``verdict``, ``flipped_without`` (years), ``latest_year``,
        ``latest`` and ``unit``."""
        rows = {}
        for c in self.columns:
            r = self._row(c)
            rows[c] = {"mean": r["mean"], "median": r["median"],
                       "trimmed_mean": r["trimmed_mean"], "hit_rate": r["hit_rate"],
                       "n": r["n"], "t_vs_zero": r["t"], f"all_{self.days}_day_windows":
                       r["baseline"], "excess_pp": r["excess"], "ci_low_pp": r["ci_low"],
                       "ci_high_pp": r["ci_high"], "p": r["p"], "verdict": r["verdict"],
                       "flipped_without": flip_text(r["loo"], r["loo_more"]),
                       "latest_year": r["latest_year"], "latest": r["latest"],
                       "unit": self.units[c]}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_frame(self) -> pd.DataFrame:
        """Rally return per year (rows, the December's year) and column, percent (pp for the
        spread)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``santa_rally``: ``{column: {mean_pct, hit_rate, n, latest_pct, latest_year,
        median_pct, trimmed_mean_pct, t, baseline_pct, excess_pct, ci_low, ci_high, p,
        episodes, verdict, loo_flip_years, loo_more}}`` (pp for the spread)."""
        out = {}
        for c in self.columns:
            r = self._row(c)
            out[c] = {"mean_pct": r["mean"], "hit_rate": r["hit_rate"], "n": int(r["n"]),
                      "latest_pct": r["latest"], "latest_year": r["latest_year"],
                      "median_pct": r["median"], "t": r["t"]}
            if c in self.tests.index:
                fig = test_figures(self.tests.loc[c])
                out[c].update({k: fig[k] for k in (
                    "trimmed_mean_pct", "baseline_pct", "excess_pct", "ci_low", "ci_high", "p",
                    "episodes", "verdict", "loo_flip_years", "loo_more")})
        return {"santa_rally": out}


def _santa_column(p: pd.Series, asof, start, forward: pd.Series) -> tuple:
    """Window returns, incomplete years and the test of one price series (or, for the
    spread, the two legs' common dates with their forward spread)."""
    w = santa_claus_windows(p.index, asof=asof, start=start)
    done = w.loc[w["complete"]]
    flags = pd.Series(forward.index.isin(done["base"]), index=forward.index)
    labels = pd.Series(dict(zip(done["base"], done.index, strict=True)))
    test = excess_test(forward, flags, SANTA_BLOCK, labels.reindex(forward.index),
                       drop_rows=False)
    incomplete = {int(y): int(w.at[y, "jan_days"]) for y in w.index[~w["complete"]]}
    return done, incomplete, test


def santa_claus_rally(prices: pd.DataFrame, start=None, relative=None) -> SantaRally:
    """Santa Claus rally return per year and series (see :func:`santa_claus_windows`), each
    tested against every 7-session window of the same sample (module docstring).

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load`.  Each series
        uses its own trading dates, up to the as-of date the frame carries (else its last
        date).
    start : date-like, optional
        Keep windows (and baseline windows) whose first session is on or after ``start``.
    relative : pair of str, optional
        ``[small, large]``: adds the spread (small minus large, pp) on the dates both trade.

    Returns
    -------
    SantaRally
        Window returns per year (percent, pp for the spread) and, per column, the test of
        their mean against every 7-session window (``tests``).  Years whose window is not
        complete by the as-of date are excluded and listed in ``incomplete``.
    """
    asof, _ = frame_asof(prices)
    prov = provenance(prices)
    prices = plain(prices.loc[:asof])
    cols, incomplete, tests = {}, {}, {}
    for col in prices.columns:
        p = prices[col].dropna()
        done, inc, tests[col] = _santa_column(p, asof, start,
                                              forward_returns(p, SANTA_DAYS, start))
        incomplete.update(inc)
        cols[col] = window_returns(p, done)
    spread = None
    if relative is not None:
        small, large = _pair(relative, prices.columns)
        spread = f"{small}-{large}"
        both = prices[[small, large]].dropna()
        done, _, tests[spread] = _santa_column(
            both[small], asof, start, forward_spread(both[small], both[large], SANTA_DAYS,
                                                     start))
        cols[spread] = window_returns(both[small], done) - window_returns(both[large], done)
    table = pd.DataFrame(cols).sort_index()
    table.index.name = "year"
    test_table = pd.DataFrame.from_dict(tests, orient="index").reindex(columns=TEST_COLUMNS)
    return SantaRally(table=table, incomplete=incomplete, series=list(prices.columns),
                      provenance=prov, asof=asof, tests=test_table,
                      spread=spread)


# ----------------------------------------------------------------------------------------------
# January effect
# ----------------------------------------------------------------------------------------------


@dataclass
class JanuaryEffect(Result):
    """Small minus large January returns per year, and the spread's Januaries against the
    spread's average month.

    ``table``: indexed by year: ``small``, ``large`` (percent) and ``spread`` (pp).
    ``test``: the excess test of the spread's Januaries against every complete month of the
    spread (keys of a test table, block of 12 months) with ``welch_t_vs_other_months``.
    ``asof``: the as-of date of the monthly returns."""

    narrative = "seasonality"

    table: pd.DataFrame
    small: str
    large: str
    provenance: dict = field(default_factory=dict)
    recent_years: int = 10
    test: dict = field(default_factory=dict)
    p_level: float = P_LEVEL
    asof: pd.Timestamp | None = None

    @property
    def stats(self) -> dict:
        """``mean_pct``, ``median_pct`` (pp), ``hit_rate`` (share of Januaries small caps
        led), ``n``, ``t`` (against zero) of the spread, plus ``recent_mean_pct`` /
        ``recent_n`` (last ``recent_years``), ``mean_small_pct`` / ``mean_large_pct``
        (percent) and, from :attr:`test`, ``trimmed_mean_pct``, ``baseline_pct`` (the
        spread's average month), ``excess_pct``, ``ci_low``, ``ci_high`` (pp), ``p``,
        ``episodes``, ``welch_t_vs_other_months``, ``verdict``, ``loo`` (years) and
        ``loo_more``."""
        st = summarize(self.table["spread"])
        rec = summarize(self.table["spread"].tail(self.recent_years))
        t = self.test
        return {"mean_pct": st["mean"], "median_pct": st["median"], "hit_rate": st["hit_rate"],
                "n": st["n"], "t": st["t"], "recent_mean_pct": rec["mean"],
                "recent_n": rec["n"], "mean_small_pct": float(self.table["small"].mean()),
                "mean_large_pct": float(self.table["large"].mean()),
                "trimmed_mean_pct": t.get("trimmed_mean", np.nan),
                "baseline_pct": t.get("baseline", np.nan),
                "excess_pct": t.get("excess", np.nan), "ci_low": t.get("ci_low", np.nan),
                "ci_high": t.get("ci_high", np.nan), "p": t.get("p", np.nan),
                "episodes": t.get("episodes", 0),
                "welch_t_vs_other_months": t.get("welch_t_vs_other_months", np.nan),
                "verdict": t.get("verdict", "untested"), "loo": list(t.get("loo", [])),
                "loo_more": bool(t.get("loo_more", False))}

    def summary(self) -> pd.DataFrame:
        """One row (``"<small>-<large> January"``): the spread's ``mean_rel_pct``,
        ``median_rel_pct``, ``trimmed_mean_rel_pct`` (pp), ``hit_rate``, ``n``,
        ``t_vs_zero``, the spread's average month ``all_months_mean_rel_pct``, the
        ``excess_pp`` over it with ``ci_low_pp`` / ``ci_high_pp``, ``p``,
        ``welch_t_vs_other_months``, ``verdict``, ``flipped_without``, the
        last-``recent_years`` mean and the mean January return of each index (%)."""
        st = self.stats
        row = {"mean_rel_pct": st["mean_pct"], "median_rel_pct": st["median_pct"],
               "trimmed_mean_rel_pct": st["trimmed_mean_pct"], "hit_rate": st["hit_rate"],
               "n": st["n"], "t_vs_zero": st["t"], "all_months_mean_rel_pct": st["baseline_pct"],
               "excess_pp": st["excess_pct"], "ci_low_pp": st["ci_low"],
               "ci_high_pp": st["ci_high"], "p": st["p"],
               "welch_t_vs_other_months": st["welch_t_vs_other_months"],
               "verdict": st["verdict"],
               "flipped_without": flip_text(st["loo"], st["loo_more"]),
               "recent_mean_rel_pct": st["recent_mean_pct"], "recent_n": st["recent_n"],
               "mean_small_pct": st["mean_small_pct"], "mean_large_pct": st["mean_large_pct"]}
        return pd.DataFrame({f"{self.small}-{self.large} January": row}).T

    def to_frame(self) -> pd.DataFrame:
        """January returns per year: ``small``, ``large`` (percent), ``spread`` (pp)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``january_effect``: ``{mean_pct, hit_rate, n, t, median_pct, trimmed_mean_pct,
        baseline_pct, excess_pct, ci_low, ci_high, p, episodes, welch_t_vs_other_months,
        verdict, loo_flip_years, loo_more}`` of the spread (pp)."""
        st = self.stats
        keep = ("mean_pct", "hit_rate", "n", "t", "median_pct", "trimmed_mean_pct",
                "baseline_pct", "excess_pct", "ci_low", "ci_high", "p", "episodes",
                "welch_t_vs_other_months", "verdict")
        out = {k: st[k] for k in keep}
        out["loo_flip_years"] = [int(y) for y in st["loo"]]
        out["loo_more"] = st["loo_more"]
        return {"january_effect": out}


def january_effect(monthly: MonthlyReturns, recent_years: int = 10) -> JanuaryEffect:
    """January returns of small and large caps and their spread, per complete January, with
    the spread's Januaries tested against every complete month of the spread (block of 12
    months)."""
    if not monthly.spread:
        raise ParameterError("january_effect needs monthly returns computed with relative=[small,"
                             " large]")
    small, large = monthly.pair
    done = monthly.complete
    jan = done.loc[done.index.month == 1, [small, large, monthly.spread]].dropna()
    table = pd.DataFrame({"small": jan[small].to_numpy(), "large": jan[large].to_numpy(),
                          "spread": jan[monthly.spread].to_numpy()},
                         index=pd.Index(jan.index.year, name="year"))
    spread = done[monthly.spread].dropna()
    flags = pd.Series(spread.index.month == 1, index=spread.index)
    years = pd.Series(spread.index.year, index=spread.index).where(flags)
    test = excess_test(spread, flags, MONTH_BLOCK, years)
    test["welch_t_vs_other_months"] = welch_t(spread[flags], spread[~flags])
    return JanuaryEffect(table=table, small=small, large=large, provenance=monthly.provenance,
                         recent_years=int(recent_years), test=test, asof=monthly.asof)


# ----------------------------------------------------------------------------------------------
# Election years
# ----------------------------------------------------------------------------------------------


def is_election_year(year: int) -> bool:
    """US presidential election years (1988, 1992, ..., 2024)."""
    return int(year) % 4 == 0


_GROUPS = ("election_years", "other_years")
#: How the summary table names the groups.
GROUP_LABELS = {"election_years": "election years", "other_years": "other years"}


@dataclass
class ElectionYears(Result):
    """November and November-December returns in presidential election years vs other years,
    each group against the series' average month (two-month window).

    ``table``: indexed by (series, year): ``november``, ``nov_dec`` (percent; Nov-Dec runs from
    the last October close to the last December close) and ``election`` (bool).  ``tests``:
    indexed by (series, group): the November test (columns of a test table: baseline =
    every month of the series) and the November-December test (the same columns prefixed
    ``nov_dec_``: baseline = every two-month window)."""

    narrative = "seasonality"

    table: pd.DataFrame
    series: list
    tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    p_level: float = P_LEVEL
    asof: pd.Timestamp | None = None

    def summary(self) -> pd.DataFrame:
        """:meth:`group_table` with the groups in words (``"election years"``, ``"other
        years"``), for display."""
        out = self.group_table()
        return out.rename(index=GROUP_LABELS, level="group")

    def group_table(self) -> pd.DataFrame:
        """Per (series, group), the groups keyed ``election_years`` / ``other_years``: mean,
        median, trimmed mean, hit rate and n of November returns (percent), the series'
        average month, the excess over it with its 95 % interval (pp), p, verdict and the
        years that flip it; mean, median, trimmed mean, hit rate and n of November-December
        returns (percent) with their excess over every two-month window and its p."""
        rows = []
        for s in self.series:
            t = self.table.loc[s]
            for group, mask in (("election_years", t["election"]),
                                ("other_years", ~t["election"])):
                nov = summarize(t.loc[mask, "november"])
                nd = summarize(t.loc[mask, "nov_dec"].dropna())
                test = (self.tests.loc[(s, group)] if (s, group) in self.tests.index
                        else pd.Series(dtype=object))
                rows.append({"series": s, "group": group, "mean_pct": nov["mean"],
                             "median_pct": nov["median"],
                             "trimmed_mean_pct": test.get("trimmed_mean", np.nan),
                             "hit_rate": nov["hit_rate"], "n": nov["n"],
                             "all_months_mean_pct": test.get("baseline", np.nan),
                             "excess_pp": test.get("excess", np.nan),
                             "ci_low_pp": test.get("ci_low", np.nan),
                             "ci_high_pp": test.get("ci_high", np.nan),
                             "p": test.get("p", np.nan), "verdict": test.get("verdict", ""),
                             "flipped_without": flip_text(test.get("loo", []),
                                                          test.get("loo_more", False)),
                             "nov_dec_mean_pct": nd["mean"], "nov_dec_median_pct": nd["median"],
                             "nov_dec_trimmed_mean_pct": test.get("nov_dec_trimmed_mean",
                                                                  np.nan),
                             "nov_dec_hit_rate": nd["hit_rate"], "nov_dec_n": nd["n"],
                             "nov_dec_excess_pp": test.get("nov_dec_excess", np.nan),
                             "nov_dec_p": test.get("nov_dec_p", np.nan)})
        return pd.DataFrame(rows).set_index(["series", "group"])

    @property
    def difference(self) -> pd.DataFrame:
        """Per series: election-year minus other-year mean November return ``diff_pp`` with
        its Welch ``t``, and the same difference for November-December ``nov_dec_diff_pp``
        (percentage points)."""
        summ = self.group_table()
        rows = {}
        for s in self.series:
            t = self.table.loc[s]
            e, o = summ.loc[(s, "election_years")], summ.loc[(s, "other_years")]
            rows[s] = {"diff_pp": e["mean_pct"] - o["mean_pct"],
                       "t": welch_t(t.loc[t["election"], "november"],
                                    t.loc[~t["election"], "november"]),
                       "nov_dec_diff_pp": e["nov_dec_mean_pct"] - o["nov_dec_mean_pct"]}
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=["diff_pp", "t", "nov_dec_diff_pp"])

    def to_frame(self) -> pd.DataFrame:
        """November and Nov-Dec returns per (series, year), with the election flag."""
        return self.table.copy()

    def figures(self) -> dict:
        """``election_year_november``: ``{series: {group: {mean_pct, hit_rate, n,
        nov_dec_mean_pct, median_pct, trimmed_mean_pct, baseline_pct, excess_pct, ci_low,
        ci_high, p, episodes, verdict, loo_flip_years, loo_more, nov_dec_baseline_pct,
        nov_dec_excess_pct, nov_dec_p}}}``."""
        out: dict = {}
        for (s, group), row in self.group_table().iterrows():
            rec = {"mean_pct": row["mean_pct"], "hit_rate": row["hit_rate"], "n": int(row["n"]),
                   "nov_dec_mean_pct": row["nov_dec_mean_pct"]}
            if (s, group) in self.tests.index:
                test = self.tests.loc[(s, group)]
                fig = test_figures(test)
                rec.update({k: fig[k] for k in (
                    "median_pct", "trimmed_mean_pct", "baseline_pct", "excess_pct", "ci_low",
                    "ci_high", "p", "episodes", "verdict", "loo_flip_years", "loo_more")})
                rec.update({"nov_dec_baseline_pct": test["nov_dec_baseline"],
                            "nov_dec_excess_pct": test["nov_dec_excess"],
                            "nov_dec_p": test["nov_dec_p"]})
            out.setdefault(s, {})[group] = rec
        return {"election_year_november": out}


def _election_tests(x: pd.Series) -> dict:
    """November and Nov-Dec tests of one series' complete monthly returns, per group."""
    years = pd.Series(x.index.year, index=x.index)
    two = months_forward(x, 2)
    nov = x.index.month == 11
    election = np.array([is_election_year(y) for y in x.index.year], dtype=bool)
    out = {}
    for group, mask in zip(_GROUPS, (nov & election, nov & ~election), strict=True):
        flags = pd.Series(mask, index=x.index)
        test = excess_test(x, flags, MONTH_BLOCK, years.where(flags))
        both = excess_test(two, flags, MONTH_BLOCK, years.where(flags))
        test.update({f"nov_dec_{k}": both[k] for k in ("n", "median", "trimmed_mean",
                                                      "baseline", "excess", "ci_low",
                                                      "ci_high", "p", "verdict")})
        out[group] = test
    return out


def election_years(monthly: MonthlyReturns) -> ElectionYears:
    """November and Nov-Dec returns per series and year, tagged election year or not, and
    each group's test against the series' average month (Nov-Dec: against every two-month
    window); only months complete by the as-of date."""
    done = monthly.complete
    rows, tests = [], {}
    for s in monthly.series:
        x = done[s]
        nov = x[x.index.month == 11].dropna()
        for p, v in nov.items():
            dec = x.get(pd.Period(year=p.year, month=12, freq="M"), np.nan)
            nd = ((1 + v / 100) * (1 + dec / 100) - 1) * 100 if np.isfinite(dec) else np.nan
            rows.append({"series": s, "year": p.year, "november": v, "nov_dec": nd,
                         "election": is_election_year(p.year)})
        for group, test in _election_tests(x.dropna()).items():
            tests[(s, group)] = test
    table = pd.DataFrame(rows, columns=["series", "year", "november", "nov_dec", "election"])
    test_table = pd.DataFrame.from_dict(tests, orient="index")
    if len(test_table):
        test_table.index = pd.MultiIndex.from_tuples(test_table.index,
                                                     names=["series", "group"])
    return ElectionYears(table=table.set_index(["series", "year"]), series=list(monthly.series),
                         tests=test_table, asof=monthly.asof)
