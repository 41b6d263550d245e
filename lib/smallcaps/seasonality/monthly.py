"""Calendar-month returns, month-of-year statistics and the latest month's rank.

A calendar month's return runs from the last close of the previous month to the last close of
the month, in percent; the spread (small minus large) is in percentage points (pp).  The month
of the as-of date is month-to-date and flagged *partial* until the as-of date reaches the
month's last expected session; only complete months enter the statistics.

Month-of-year statistics test each (series, month) cell against the series' own average month:

* **baseline**: the mean of all complete months of the series (every calendar month, every
  year); **excess** = the month's mean minus it (pp);
* **test**: :func:`smallcaps.stats.baseline_test` on the series of monthly returns with the
  flag "this calendar month", circular block bootstrap with blocks of :data:`MONTH_BLOCK` = 12
  months: a block is a year's run of consecutive months, so every replicate keeps one of each
  calendar month per block and whatever dependence there is within a year; two-sided
  bootstrap p-value and 95 % interval of the excess.  Each year gives one independent
  observation of a month;
* **Welch t against the other months**: the month's returns against the other eleven months'
  (``welch_t_vs_other_months``); ``t`` stays the mean against zero;
* **q**: Benjamini-Hochberg q-value of the p-value over every cell of the table with enough
  years (5 series x 12 months = 60 in the notebook); a cell *survives* at q <= 10 %
  (``stats.Q_LEVEL``);
* the median and the 10 % trimmed mean beside the mean; ``loo``: the years whose removal
  alone changes the verdict of the excess test (see ``seasonality._inference``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.calendar import period_complete, previous_session
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.returns import simple_returns
from smallcaps.seasonality._common import (
    MONTH_ABBR,
    MONTH_NAMES,
    frame_asof,
    month_label,
    provenance,
)
from smallcaps.seasonality._inference import P_LEVEL, excess_test, flip_text
from smallcaps.stats import Q_LEVEL, T_CRIT, bh_qvalues, summarize, trimmed_mean, welch_t

__all__ = [
    "MonthlyReturns",
    "monthly_returns",
    "year_month_table",
    "MonthStats",
    "month_of_year_stats",
    "MonthRank",
    "latest_month_rank",
    "MONTH_BLOCK",
    "month_end_session",
]

#: Bootstrap block of the month-of-year tests, in months (one year).
MONTH_BLOCK = 12


def _unit(column: str, spread: str | None) -> str:
    return "pp" if column == spread else "%"


# ----------------------------------------------------------------------------------------------
# Monthly returns
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthlyReturns(Result):
    """Calendar-month returns (percent) per series, plus the small-minus-large spread (pp).

    Attributes
    ----------
    table : DataFrame
        Indexed by month (``PeriodIndex``), one column per series and, when ``spread`` is set,
        a column ``spread`` (small minus large, pp).  The last row is month-to-date when
        ``partial`` is set.
    partial : Period or None
        The month of ``asof`` when it is not complete yet.
    asof : Timestamp
        Effective as-of date (last close used).
    series : list of str
        The price series' columns.
    spread : str or None
        Name of the spread column (e.g. ``"RUT-SPX"``).
    provenance : dict
        Per-series provenance of the loaded closes.
    asof_text : str
        The as-of date as a reading says it (with the requested date when it was snapped).
    recent_months : int
        Complete months shown and recorded besides the month-to-date.
    """

    narrative = "seasonality"

    table: pd.DataFrame
    partial: pd.Period | None
    asof: pd.Timestamp
    series: list
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    asof_text: str = ""
    recent_months: int = 12

    @property
    def complete(self) -> pd.DataFrame:
        """Only the months complete by ``asof``."""
        if self.partial is None:
            return self.table
        return self.table.loc[self.table.index != self.partial]

    @property
    def pair(self) -> tuple[str, str] | None:
        """``(small, large)`` of the spread, or None."""
        return None if not self.spread else tuple(self.spread.split("-", 1))

    @property
    def history(self) -> pd.DataFrame:
        """Per column (series and spread): the record of its complete months.

        Columns: ``months`` (count), ``first`` / ``last`` (``"YYYY-MM"``), ``best_month``,
        ``best``, ``worst_month``, ``worst`` (percent, pp for the spread), ``positive_share``
        (0..1), ``year`` (the latest year with a complete month), ``year_up`` and
        ``year_months`` (its positive and complete months), ``year_compounded`` (percent; NaN
        for the spread, whose monthly values do not compound) and ``unit``.
        """
        rows = {}
        for col in self.table.columns:
            s = self.complete[col].dropna()
            if s.empty:
                rows[col] = {"months": 0, "unit": _unit(col, self.spread)}
                continue
            best, worst = s.idxmax(), s.idxmin()
            year = s.index[-1].year
            this = s[s.index.year == year]
            compounded = (((1 + this / 100).prod() - 1) * 100 if col != self.spread
                          else np.nan)
            rows[col] = {"months": len(s), "first": month_label(s.index[0]),
                         "last": month_label(s.index[-1]), "best_month": month_label(best),
                         "best": float(s[best]), "worst_month": month_label(worst),
                         "worst": float(s[worst]), "positive_share": float((s > 0).mean()),
                         "year": int(year), "year_up": int((this > 0).sum()),
                         "year_months": len(this), "year_compounded": float(compounded),
                         "unit": _unit(col, self.spread)}
        return pd.DataFrame.from_dict(rows, orient="index")

    def _recent_rows(self) -> list:
        done = self.complete.dropna(how="all").tail(self.recent_months)
        return list(done.index) + ([self.partial] if self.partial is not None else [])

    def summary(self) -> pd.DataFrame:
        """The last ``recent_months`` complete months plus the month-to-date row (labelled
        ``"YYYY-MM (MTD to MM-DD)"``): returns in percent, the spread in pp."""
        out = self.table.loc[self._recent_rows()].copy()
        labels = [month_label(p) + (f" (MTD to {self.asof:%m-%d})" if p == self.partial else "")
                  for p in out.index]
        out.index = pd.Index(labels, name="month")
        names = {c: f"{c} ({_unit(c, self.spread)})" for c in out.columns}
        return out.rename(columns=names)

    def to_frame(self) -> pd.DataFrame:
        """Every month (rows) by series and spread (columns), with a ``partial`` flag."""
        out = self.table.copy()
        out["partial"] = out.index == self.partial
        return out

    def figures(self) -> dict:
        """``monthly_returns``: ``{series: {"YYYY-MM": percent}}`` for the recent complete
        months and the partial one (the spread is left out); ``partial_month``: the
        month-to-date month ``"YYYY-MM"`` or None."""
        rows = self._recent_rows()
        return {
            "monthly_returns": {s: {month_label(p): self.table.at[p, s] for p in rows}
                                for s in self.series},
            "partial_month": None if self.partial is None else month_label(self.partial),
        }


def _month_returns(s: pd.Series, asof: pd.Timestamp) -> pd.Series:
    """Month returns of one series; a month with no close in the month before is NaN, and so
    is the last month of a series that stops before ``asof`` in the middle of a month."""
    s = s.dropna()
    closes = s.groupby(s.index.to_period("M")).last()
    ret = simple_returns(closes)
    consecutive = pd.Series(closes.index, index=closes.index).diff() == closes.index.freq
    ret = ret.where(consecutive)
    if len(s) and s.index[-1] < asof:
        end = s.index[-1]
        if not period_complete(end, end.to_period("M").end_time.normalize()):
            ret.iloc[-1] = np.nan
    return ret


def monthly_returns(prices: pd.DataFrame, start=None, relative=None,
                    recent_months: int = 12) -> MonthlyReturns:
    """Calendar-month close-to-close returns per series (percent).

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per series, from :func:`smallcaps.data.load` (loaded from
        :func:`smallcaps.calendar.lookback_start` so the first month has its base close).  The
        as-of date is the one the frame carries (else its last date).
    start : date-like, optional
        First month to keep: months beginning before ``start`` are dropped.
    relative : pair of str, optional
        ``[small, large]``: adds the spread column ``"small-large"`` (pp).
    recent_months : int
        Complete months that :meth:`MonthlyReturns.summary` shows and
        :meth:`MonthlyReturns.figures` records, besides the month-to-date.

    Returns
    -------
    MonthlyReturns
        A month's return is its last close over the previous month's last close, minus 1, in
        percent; NaN when the previous month has no close.  The month of the as-of date is
        month-to-date (``partial``) until its last expected session has closed.  A series
        that ends before the as-of date in the middle of a month has no value for that month.
    """
    asof, asof_text = frame_asof(prices)
    lo = parse_date(start, "start")
    prices = prices.loc[:asof]
    table = pd.DataFrame({col: _month_returns(prices[col], asof) for col in prices.columns})
    table = table.sort_index()
    table.index.name = "month"
    spread = None
    if relative is not None:
        small, large = _pair(relative, prices.columns)
        spread = f"{small}-{large}"
        table[spread] = table[small] - table[large]
    if lo is not None:
        table = table.loc[table.index.start_time >= lo]
    last_month = asof.to_period("M")
    partial = None
    if not period_complete(asof, last_month.end_time.normalize()) and last_month in table.index:
        partial = last_month
    return MonthlyReturns(table=table, partial=partial, asof=asof, series=list(prices.columns),
                          spread=spread, provenance=provenance(prices), asof_text=asof_text,
                          recent_months=int(recent_months))


def _pair(relative, columns) -> tuple[str, str]:
    if isinstance(relative, str) or len(relative) != 2:
        raise ParameterError(f"relative {relative!r} must be a pair [small, large], e.g. "
                             "['RUT', 'SPX']")
    small, large = relative
    for k in (small, large):
        if k not in columns:
            raise ParameterError(f"relative series {k!r} is not among the loaded series "
                                 f"({', '.join(map(str, columns))})")
    return small, large


def year_month_table(monthly: MonthlyReturns, column: str) -> pd.DataFrame:
    """Years x months (Jan..Dec) of complete-month returns for ``column`` (percent or pp),
    with a ``Year`` column: the compounded return of complete years (for a series; for the
    spread, the sum of monthly spreads is not a yearly spread, so ``Year`` is left out)."""
    s = monthly.complete[column].dropna()
    frame = pd.DataFrame({"year": s.index.year, "month": s.index.month, "ret": s.to_numpy()})
    table = frame.pivot(index="year", columns="month", values="ret").reindex(
        columns=range(1, 13))
    table.columns = MONTH_ABBR
    if column != monthly.spread:
        full = table.notna().all(axis=1)
        table["Year"] = ((1 + table[MONTH_ABBR] / 100).prod(axis=1) - 1) * 100
        table.loc[~full, "Year"] = np.nan
    return table


# ----------------------------------------------------------------------------------------------
# Month-of-year statistics
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthStats(Result):
    """Month-of-year statistics per series (and spread), each month against the series' own
    average month (see the module docstring for the test).

    ``table`` is indexed by (``series``, ``month`` name): ``mean``, ``median``,
    ``trimmed_mean`` (10 % cut from each tail; percent, pp for the spread), ``hit_rate``
    (share of positive years, 0..1), ``n`` (years), ``std``, ``t`` (mean / standard error:
    the test against zero), ``best``/``best_year``, ``worst``/``worst_year``,
    ``enough_years`` (False when n < ``min_years``: such months are flagged, not read or
    tested), ``rank`` (1 = best mean among the series' months with enough years; NaN when
    flagged), ``baseline`` (mean of all the series' months), ``excess`` (mean - baseline,
    pp), ``ci_low`` / ``ci_high`` (its 95 % block-bootstrap interval, pp), ``p`` (two-sided
    bootstrap p-value), ``q`` (Benjamini-Hochberg over the tested cells), ``survives``
    (q <= ``q_level``), ``welch_t_vs_other_months``, ``episodes`` (independent years),
    ``verdict`` (``"above"``, ``"below"``, ``"indistinct"`` at ``p_level``; ``"untested"``
    when flagged), ``loo`` (years whose removal alone changes the verdict) and ``loo_more``
    (the leave-one-out search stopped at its cap; more years may flip it).  ``focus``
    names the months the reading describes one by one, for the small-cap series and the
    spread (``focus_series``).  ``span`` runs from the first month's first day to the last
    expected session of the last complete month (never after ``asof``, the as-of date of the
    monthly returns).
    """

    narrative = "seasonality"

    table: pd.DataFrame
    min_years: int
    first_year: int | None
    last_year: int | None
    spread: str | None = None
    provenance: dict = field(default_factory=dict)
    span: tuple = ()
    asof: pd.Timestamp | None = None
    focus: tuple = ("November", "January")
    q_level: float = Q_LEVEL
    p_level: float = P_LEVEL
    block: int = MONTH_BLOCK

    @property
    def series(self) -> list:
        """The columns studied, in order (the spread last)."""
        return list(dict.fromkeys(self.table.index.get_level_values("series")))

    @property
    def focus_series(self) -> list:
        """The small-cap series and the spread when there is one, else every series."""
        return [self.spread.split("-", 1)[0], self.spread] if self.spread else self.series

    @property
    def units(self) -> dict:
        """Series -> unit of its returns: ``"pp"`` for the spread, ``"%"`` for an index."""
        return {s: _unit(s, self.spread) for s in self.series}

    @property
    def overview(self) -> pd.DataFrame:
        """Per series, over the months with enough years: ``best_month``, ``best`` (mean),
        ``best_hit_rate``, ``worst_month``, ``worst``, ``worst_hit_rate``, ``months_read``,
        ``average`` (mean of the monthly means), ``significant`` (months whose mean has
        ``|t| >= stats.T_CRIT`` against zero), ``distinct`` (months whose excess over the
        average month has p < ``p_level``), ``surviving`` (months with q <= ``q_level``)
        and ``unit``."""
        rows = {}
        for s in self.series:
            ok = self.table.loc[s]
            ok = ok.loc[ok["enough_years"]]
            if ok.empty:
                rows[s] = {"months_read": 0, "significant": [], "distinct": [],
                           "surviving": [], "unit": self.units[s]}
                continue
            best, worst = ok["mean"].idxmax(), ok["mean"].idxmin()
            rows[s] = {"best_month": best, "best": ok.at[best, "mean"],
                       "best_hit_rate": ok.at[best, "hit_rate"], "worst_month": worst,
                       "worst": ok.at[worst, "mean"], "worst_hit_rate": ok.at[worst, "hit_rate"],
                       "months_read": len(ok), "average": float(ok["mean"].mean()),
                       "significant": ok.index[ok["t"].abs() >= T_CRIT].tolist(),
                       "distinct": ok.index[ok["p"] < self.p_level].tolist(),
                       "surviving": ok.index[ok["survives"]].tolist(),
                       "unit": self.units[s]}
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def fdr(self) -> dict:
        """The table's multiple-testing count: ``cells`` (tested cells), ``surviving``
        (cells with q <= ``q_level``) and ``surviving_cells`` (``"series month"``),
        ``distinct`` (cells with p < ``p_level`` one at a time), ``t_vs_zero`` (cells whose
        mean has ``|t| >= stats.T_CRIT`` against zero) and ``q_level``."""
        tested = self.table.loc[self.table["enough_years"]]
        alive = tested.index[tested["survives"]]
        return {"cells": len(tested), "surviving": len(alive),
                "surviving_cells": [f"{s} {m}" for s, m in alive],
                "distinct": int((tested["p"] < self.p_level).sum()),
                "t_vs_zero": int((tested["t"].abs() >= T_CRIT).sum()),
                "q_level": self.q_level}

    def excess_grid(self) -> pd.DataFrame:
        """Months (rows) by series: each series' excess over its average month (pp) and the
        cell's q-value, side by side (NaN for flagged months)."""
        cols = {}
        for s in self.series:
            t = self.table.loc[s].reindex(MONTH_NAMES)
            cols[f"{s} excess (pp)"] = t["excess"].where(t["enough_years"])
            cols[f"{s} q"] = t["q"]
        out = pd.DataFrame(cols)
        out.index.name = "month"
        return out

    def summary(self) -> pd.DataFrame:
        """One row per (series, month): mean, median and trimmed mean (in ``unit``: % for an
        index, pp for the spread), hit rate, years, t against zero, the series' average
        month, the excess over it with its 95 % interval (pp), p, q, Welch t against the
        other months, the verdict, the years whose removal alone flips it, and a ``flag`` for
        months with fewer than ``min_years`` years (left out when no month has too few)."""
        t = self.table
        out = pd.DataFrame({
            "mean": t["mean"], "median": t["median"], "trimmed_mean": t["trimmed_mean"],
            "hit_rate": t["hit_rate"], "n": t["n"], "t_vs_zero": t["t"],
            "all_months_mean": t["baseline"], "excess_pp": t["excess"],
            "ci_low_pp": t["ci_low"], "ci_high_pp": t["ci_high"], "p": t["p"], "q": t["q"],
            "welch_t_vs_other_months": t["welch_t_vs_other_months"],
            "verdict": t["verdict"],
            "flipped_without": [flip_text(y, m)
                                for y, m in zip(t["loo"], t["loo_more"], strict=True)]},
            index=t.index)
        out["unit"] = t.index.get_level_values("series").map(self.units)
        if not t["enough_years"].all():
            out["flag"] = np.where(t["enough_years"], "", f"fewer than {self.min_years} years")
        return out

    def to_frame(self) -> pd.DataFrame:
        """The statistics table, one row per (series, month)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``month_stats``: ``{series: {month name: {mean, median, hit_rate, n, t,
        trimmed_mean, baseline, excess_pct, ci_low, ci_high, p, q,
        welch_t_vs_other_months, episodes, verdict, loo_flip_years, loo_more}}}`` (means in
        the
        series' unit, the excess and its interval in pp); ``month_stats_fdr``: :attr:`fdr`."""
        out: dict = {}
        for (series, month), row in self.table.iterrows():
            out.setdefault(series, {})[month] = {
                "mean": row["mean"], "median": row["median"], "hit_rate": row["hit_rate"],
                "n": int(row["n"]), "t": row["t"], "trimmed_mean": row["trimmed_mean"],
                "baseline": row["baseline"], "excess_pct": row["excess"],
                "ci_low": row["ci_low"], "ci_high": row["ci_high"], "p": row["p"],
                "q": row["q"], "welch_t_vs_other_months": row["welch_t_vs_other_months"],
                "episodes": int(row["episodes"]), "verdict": row["verdict"],
                "loo_flip_years": [int(y) for y in row["loo"]],
                "loo_more": bool(row["loo_more"])}
        return {"month_stats": out, "month_stats_fdr": self.fdr}


def _month_cell(s: pd.Series, months: np.ndarray, years: np.ndarray, baseline: float,
                m: int, enough: bool) -> dict:
    """Statistics of calendar month ``m`` of one series of complete monthly returns (its
    calendar ``months`` and ``years``, its mean month ``baseline``)."""
    flags = months == m
    values = s.to_numpy()
    x = values[flags]
    st = summarize(x)
    row = {"mean": st["mean"], "median": st["median"], "trimmed_mean": trimmed_mean(x),
           "hit_rate": st["hit_rate"], "n": st["n"], "std": st["std"], "t": st["t"],
           "best": float(x.max()) if len(x) else np.nan,
           "best_year": int(years[flags][np.argmax(x)]) if len(x) else np.nan,
           "worst": float(x.min()) if len(x) else np.nan,
           "worst_year": int(years[flags][np.argmin(x)]) if len(x) else np.nan,
           "enough_years": enough, "baseline": baseline,
           "welch_t_vs_other_months": welch_t(x, values[~flags])}
    if not enough:
        row.update({"excess": st["mean"] - row["baseline"], "ci_low": np.nan,
                    "ci_high": np.nan, "p": np.nan, "episodes": st["n"],
                    "verdict": "untested", "loo": [], "loo_more": False})
        return row
    labels = pd.Series(np.where(flags, years, np.nan), index=s.index)
    test = excess_test(s, pd.Series(flags, index=s.index), MONTH_BLOCK, labels)
    row.update({k: test[k] for k in ("excess", "ci_low", "ci_high", "p", "episodes",
                                     "verdict", "loo", "loo_more")})
    return row


def month_of_year_stats(monthly: MonthlyReturns, min_years: int = 10,
                        focus=("November", "January")) -> MonthStats:
    """Statistics of each calendar month across years, per series and for the spread, each
    tested against the series' average month (module docstring).

    Only months complete by the as-of date count.  A month with fewer than ``min_years``
    years is kept in the table with ``enough_years = False`` and is not tested (no p, no q).
    ``focus`` (month names) are the months the reading describes one by one.  The q-values
    run over every tested cell of the table.
    """
    if int(min_years) < 2:
        raise ParameterError(f"min_years must be at least 2, got {min_years}")
    unknown = [m for m in focus if m not in MONTH_NAMES]
    if unknown:
        raise ParameterError(f"focus months {unknown!r} are not month names such as 'November'")
    done = monthly.complete
    rows = []
    for col in done.columns:
        s = done[col].dropna()
        months, years = s.index.month.to_numpy(), s.index.year.to_numpy()
        baseline = float(s.mean()) if len(s) else np.nan
        for m in range(1, 13):
            n = int((months == m).sum())
            rows.append({"series": col, "month": MONTH_NAMES[m - 1],
                         **_month_cell(s, months, years, baseline, m, n >= int(min_years))})
    table = pd.DataFrame(rows).set_index(["series", "month"])
    valid = table["mean"].where(table["enough_years"])
    table["rank"] = valid.groupby(level="series").rank(ascending=False, method="min")
    table["q"] = bh_qvalues(table["p"].where(table["enough_years"]).to_numpy())
    table["survives"] = table["q"] <= Q_LEVEL
    done_rows = done.dropna(how="all")
    first = int(done_rows.index[0].year) if len(done_rows) else None
    last = int(done_rows.index[-1].year) if len(done_rows) else None
    span = ((done_rows.index[0].start_time, month_end_session(done_rows.index[-1], monthly.asof))
            if len(done_rows) else ())
    return MonthStats(table=table, min_years=int(min_years), first_year=first, last_year=last,
                      spread=monthly.spread, provenance=monthly.provenance, span=span,
                      asof=monthly.asof, focus=tuple(focus))


def month_end_session(month: pd.Period, asof=None) -> pd.Timestamp:
    """The last expected session of ``month`` (its last close), never after ``asof``."""
    end = previous_session(month.end_time.normalize())
    return min(end, pd.Timestamp(asof).normalize()) if asof is not None else end


# ----------------------------------------------------------------------------------------------
# Latest month's rank
# ----------------------------------------------------------------------------------------------


@dataclass
class MonthRank(Result):
    """Where the latest complete month ranks among the same calendar month of all years.

    ``table`` indexed by series: ``month`` ("YYYY-MM"), ``return_pct`` (pp for the spread),
    ``rank`` (1 = best), ``of`` (years with that month), ``mean_pct`` (that month's average
    across years) and ``unit``."""

    narrative = "seasonality"

    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per series: the month, its return and the month's average (in ``unit``), rank and
        number of years."""
        names = {"return_pct": "return", "mean_pct": "month_mean", "of": "years"}
        cols = ["month", "return_pct", "rank", "of", "mean_pct", "unit"]
        return self.table.reindex(columns=cols).rename(columns=names)

    def to_frame(self) -> pd.DataFrame:
        """The rank table, one row per series."""
        return self.table.copy()

    def figures(self) -> dict:
        """``latest_month_rank``: ``{series: {month, return_pct, rank, of}}``."""
        return {"latest_month_rank": {
            s: {"month": row["month"], "return_pct": float(row["return_pct"]),
                "rank": int(row["rank"]), "of": int(row["of"])}
            for s, row in self.table.iterrows()}}


def latest_month_rank(monthly: MonthlyReturns) -> MonthRank:
    """Rank of the latest complete month among the same calendar month of all years, per
    series and for the spread (1 = best; ties share the better rank)."""
    done = monthly.complete
    rows = {}
    for col in done.columns:
        s = done[col].dropna()
        if s.empty:
            continue
        last = s.index[-1]
        same = s[s.index.month == last.month]
        rows[col] = {"month": month_label(last), "return_pct": float(s.iloc[-1]),
                     "rank": int((same > s.iloc[-1]).sum()) + 1, "of": int(same.size),
                     "mean_pct": float(same.mean()), "unit": _unit(col, monthly.spread)}
    cols = ["month", "return_pct", "rank", "of", "mean_pct", "unit"]
    return MonthRank(pd.DataFrame.from_dict(rows, orient="index", columns=cols))
