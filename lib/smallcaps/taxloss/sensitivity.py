"""The rebound's sensitivity to its start date, tested jointly (notebook 04).

Rebound windows starting on each day of a range (12-10 to 12-28 by default) and sharing their
end (01-15) are each compared with the typical window of their own length (see
:mod:`smallcaps.taxloss.inference`); because they overlap almost entirely, the family is
judged by one joint max-|t| test, and the Benjamini-Hochberg q-values of the start dates are
shown as a count of one overlapping effect, not of independent confirmations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps import stats
from smallcaps.calendar import map_windows
from smallcaps.dates import parse_month_day
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.seasonality import window_returns
from smallcaps.taxloss.inference import (
    ALPHA,
    MIN_SEASONS,
    baseline,
    forward_returns,
    horizon,
    max_t_test,
    qvalues,
    window_design,
)

__all__ = ["ReboundSensitivity", "rebound_sensitivity"]


@dataclass
class ReboundSensitivity(Result):
    """Rebound statistics for rebound windows starting on each day of a range, the end fixed.

    Attributes
    ----------
    small, large : str
        Series keys.
    end : str
        The fixed end month-day of the rebound window (``"01-15"``).
    table : DataFrame
        One row per start month-day (``"12-10"``...): ``mean_rel_pct``, ``median_rel_pct``
        (small minus large, pp), ``hit_rate`` (share of seasons small caps led, 0..1), ``n``
        (seasons), ``mean_small_pct`` (%), ``horizon_days`` (trading days), ``baseline_pp``
        (the typical window of that length), ``excess_pp``, ``ci_low``, ``ci_high`` (95 %
        block-bootstrap interval, pp), ``p`` (two-sided), ``q`` (Benjamini-Hochberg over the
        start dates), ``t_excess`` (excess / its bootstrap standard error, shared blocks) and
        ``adjusted_p`` (the max-|t| adjusted p-value).
    joint : dict
        The max-|t| test across start dates: ``max_abs_t``, ``at`` (start month-day),
        ``p`` (joint p-value), ``critical_t`` (95 % critical value of the largest |t|),
        ``block`` (trading days), ``n_boot``, ``columns`` (start dates tested).
    default : str or None
        The study's rebound start month-day when it is in the range.
    span : tuple of Timestamp
        First and last trading day of the seasons the study covers (for chart titles).
    provenance : dict
        Per-series provenance of the loaded prices.
    """

    narrative: ClassVar[str] = "taxloss"

    small: str
    large: str
    end: str
    table: pd.DataFrame
    joint: dict = field(default_factory=dict)
    default: str | None = None
    span: tuple = ()
    provenance: dict = field(default_factory=dict)

    @property
    def alpha(self) -> float:
        """The level of the joint test and the per-date p-values (0.05)."""
        return ALPHA

    @property
    def q_level(self) -> float:
        """The false-discovery rate at which a start date's q-value is counted (0.10)."""
        return stats.Q_LEVEL

    def summary(self) -> pd.DataFrame:
        """The table with its index named ``rebound start (end MM-DD)``."""
        return self.table.rename_axis(f"rebound start (end {self.end})")

    def to_frame(self) -> pd.DataFrame:
        """One row per start month-day (index ``start``), statistics as columns."""
        return self.table.copy()

    def figures(self) -> dict:
        """``rebound_sensitivity``: ``first``, ``last``, ``end`` (month-days), ``n_starts``,
        ``excess_min_pp`` / ``excess_min_start``, ``excess_max_pp`` / ``excess_max_start``,
        ``default_start`` and ``default_excess_pp`` (None / NaN outside the range),
        ``joint_max_abs_t``, ``joint_at``, ``joint_p``, ``joint_critical_t``,
        ``joint_survivors`` (start dates with adjusted p <= 5 %) and ``q_survivors`` (q <=
        10 %)."""
        t = self.table.dropna(subset=["excess_pp"])
        has = not t.empty
        lo = t["excess_pp"].idxmin() if has else None
        hi = t["excess_pp"].idxmax() if has else None
        j = self.joint
        return {"rebound_sensitivity": {
            "first": str(self.table.index[0]) if len(self.table) else None,
            "last": str(self.table.index[-1]) if len(self.table) else None,
            "end": self.end, "n_starts": int(len(self.table)),
            "excess_min_pp": float(t.at[lo, "excess_pp"]) if has else np.nan,
            "excess_min_start": lo,
            "excess_max_pp": float(t.at[hi, "excess_pp"]) if has else np.nan,
            "excess_max_start": hi,
            "default_start": self.default,
            "default_excess_pp": float(self.table.at[self.default, "excess_pp"])
            if self.default in self.table.index else np.nan,
            "joint_max_abs_t": j.get("max_abs_t", np.nan), "joint_at": j.get("at"),
            "joint_p": j.get("p", np.nan), "joint_critical_t": j.get("critical_t", np.nan),
            "joint_survivors": int((self.table["adjusted_p"] <= ALPHA).sum()),
            "q_survivors": int((self.table["q"] <= stats.Q_LEVEL).sum()),
        }}


def rebound_sensitivity(study, first: str = "12-10", last: str = "12-28") -> ReboundSensitivity:
    """Rebound windows starting on each day from ``first`` to ``last`` (month-days of one
    month), the end fixed at the study's rebound end, each against its own baseline, with the
    joint max-|t| test across them (start dates with fewer than
    :data:`~smallcaps.taxloss.inference.MIN_SEASONS` seasons have no p-value and stay out of
    the joint test).

    Parameters
    ----------
    study : TurnOfYear
        The study (its prices, windows, as-of, start and seasons).
    first, last : str
        First and last start month-day ("MM-DD", same month, increasing).

    Returns
    -------
    ReboundSensitivity
    """
    (fm, fd) = parse_month_day(first, "sensitivity first")
    (lm, ld) = parse_month_day(last, "sensitivity last")
    if fm != lm or ld < fd:
        raise ParameterError(f"sensitivity starts {first!r}..{last!r} must be increasing "
                             "days of one month, e.g. '12-10'..'12-28'")
    end = study.windows["rebound"][1]
    px, small, large = study.prices, study.small, study.large
    rows, values, flags, horizons = {}, {}, {}, []
    for d in range(fd, ld + 1):
        md = f"{fm:02d}-{d:02d}"
        w = map_windows(px.index, [md, end], asof=study.asof, start=study.start)
        w = w.loc[w["complete"]] if len(w) else w
        s, lg = window_returns(px[small], w), window_returns(px[large], w)
        rel = (s - lg).dropna()
        summ = stats.summarize(rel)
        h = horizon(w["days"]) if len(w) else None
        row = {"mean_rel_pct": summ["mean"], "median_rel_pct": summ["median"],
               "hit_rate": summ["hit_rate"], "n": summ["n"],
               "mean_small_pct": float(s.mean()) if len(s) else np.nan,
               "horizon_days": h, "baseline_pp": np.nan, "excess_pp": np.nan,
               "ci_low": np.nan, "ci_high": np.nan, "p": np.nan}
        if h is not None and len(rel):
            fwd = forward_returns(px[small], h) - forward_returns(px[large], h)
            v, f = window_design(fwd, w["first"], rel, study.start)
            test = baseline(v, f, h)
            row.update({"baseline_pp": test["baseline"], "excess_pp": test["excess"],
                        "ci_low": test["ci_low"], "ci_high": test["ci_high"],
                        "p": test["p_value"]})
            if test["n"] >= MIN_SEASONS:
                values[md], flags[md] = v, f
                horizons.append(h)
        rows[md] = row
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("start")
    table["q"] = qvalues(table["p"])
    block = max([max(h, 5) for h in horizons], default=5)
    joint = max_t_test(pd.DataFrame(values), pd.DataFrame(flags), block=block)
    table["t_excess"] = joint["t"].reindex(table.index)
    table["adjusted_p"] = joint["adjusted_p"].reindex(table.index)
    scalars = {k: v for k, v in joint.items()
               if k not in ("excess", "se", "t", "adjusted_p")}
    start_md = study.windows["rebound"][0]
    years = study.years
    span = () if years.empty else (pd.Timestamp(years["pressure_first"].min()),
                                   pd.Timestamp(years["rebound_last"].max()))
    return ReboundSensitivity(small=small, large=large, end=end, table=table, joint=scalars,
                              default=start_md if start_md in table.index else None,
                              span=span, provenance=study.provenance)
