"""Statistics helpers shared by every topic: a sample summary, Welch's t, the HAC lag rule and
the critical value the kit's prose uses.

Returns are in percent (1.0 = 1 %) throughout; a *t* is a mean divided by its standard error.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["T_CRIT", "summarize", "welch_t", "hac_maxlags", "percentile_of_last"]

#: Two-sided 5 % critical value of a t statistic (normal approximation): a mean with
#: ``|t| >= T_CRIT`` is called statistically distinguishable from the null.
T_CRIT = 1.96


def summarize(values, name: str | None = None) -> dict:
    """Mean, median, hit rate, count and t-statistic of a sample of returns.

    Parameters
    ----------
    values : array-like
        Returns in percent; NaNs are dropped.

    Returns
    -------
    dict
        ``mean``, ``median`` (percent), ``hit_rate`` (share of values > 0, 0..1), ``n``,
        ``std`` (percent, ddof=1), ``t`` (mean / (std / sqrt(n)); NaN when n < 2 or std = 0).
    """
    x = pd.Series(values, dtype=float).dropna().to_numpy()
    n = int(x.size)
    if n == 0:
        return {"mean": np.nan, "median": np.nan, "hit_rate": np.nan, "n": 0, "std": np.nan,
                "t": np.nan}
    std = float(x.std(ddof=1)) if n > 1 else np.nan
    t = float(x.mean() / (std / np.sqrt(n))) if n > 1 and std > 0 else np.nan
    return {"mean": float(x.mean()), "median": float(np.median(x)),
            "hit_rate": float((x > 0).mean()), "n": n, "std": std, "t": t}


def welch_t(a, b) -> float:
    """Welch's t for the difference of means ``mean(a) - mean(b)`` (unequal variances).

    NaN when either sample has fewer than two values or both have zero variance.
    """
    a = pd.Series(a, dtype=float).dropna()
    b = pd.Series(b, dtype=float).dropna()
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return float((a.mean() - b.mean()) / se) if se > 0 else float("nan")


def hac_maxlags(n: int) -> int:
    """Newey-West (1994) lag rule ``floor(4 * (n / 100) ** (2 / 9))``, at least 1."""
    return max(1, int(math.floor(4.0 * (max(int(n), 1) / 100.0) ** (2.0 / 9.0))))


def percentile_of_last(values) -> float:
    """Where the last value stands in the series' own history: share of values <= it, 0..100."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return float("nan")
    return float((v <= v.iloc[-1]).mean() * 100.0)
