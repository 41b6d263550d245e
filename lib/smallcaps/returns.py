"""Returns and rebasing, shared by every analysis (summary statistics: :mod:`smallcaps.stats`).

Conventions: prices are levels (index points or USD); returns are **percent** (1.0 = 1 %);
relative return = small-cap return minus large-cap return, in percentage points.
"""

from __future__ import annotations

import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.stats import summarize  # noqa: F401  TRANSITIONAL, removed when topics switch

__all__ = ["simple_returns", "period_closes", "relative_returns", "window_return", "rebase"]


def simple_returns(prices: pd.DataFrame | pd.Series, periods: int = 1):
    """Percent change over ``periods`` rows (NaN for the first ``periods`` rows).

    Missing values are not filled: a gap gives NaN returns on both sides of it.
    """
    if periods < 1:
        raise ParameterError(f"periods must be a positive whole number, got {periods}")
    return prices.pct_change(periods=periods, fill_method=None) * 100.0


def period_closes(prices: pd.DataFrame | pd.Series, freq: str = "W-FRI"):
    """Last available close in each period, labelled by the date it was observed.

    Parameters
    ----------
    prices : Series or DataFrame
        Daily levels indexed by date.
    freq : str
        ``"D"`` (as given), ``"W-FRI"`` (weeks ending Friday; a holiday Friday uses Thursday's
        close) or ``"M"`` (calendar months, last trading day).

    Returns
    -------
    Same type as ``prices``
        One row per period, indexed by the actual last trading date in that period, so no value
        is ever dated after it was observed.
    """
    if freq == "D":
        return prices.copy()
    alias = {"M": "ME", "ME": "ME", "W": "W-FRI", "W-FRI": "W-FRI"}.get(freq)
    if alias is None:
        raise ParameterError(f"freq {freq!r} is not supported; valid: D, W-FRI, M")
    obj = prices.dropna(how="all") if isinstance(prices, pd.DataFrame) else prices.dropna()
    period_end = obj.index.to_period(alias.replace("ME", "M")).to_timestamp(how="end").normalize()
    grouped = obj.groupby(period_end)
    last = grouped.tail(1)
    return last


def relative_returns(small: pd.Series, large: pd.Series, periods: int = 1) -> pd.Series:
    """Small-cap return minus large-cap return over ``periods`` rows, in percentage points.

    Both series are aligned on the dates where both exist.
    """
    both = pd.concat([small, large], axis=1, join="inner").dropna()
    r = simple_returns(both, periods)
    out = (r.iloc[:, 0] - r.iloc[:, 1]).dropna()
    out.name = f"{small.name}-{large.name}" if small.name and large.name else "relative"
    return out


def window_return(prices: pd.Series, start, end) -> float:
    """Percent return from the last close on or before ``start`` to the last close on or
    before ``end`` (NaN when either is unavailable)."""
    p = prices.dropna() if prices.hasnans else prices
    closes = p.to_numpy()
    a = closes[p.index.slice_indexer(None, start)]  # the rows of p.loc[:start]
    b = closes[p.index.slice_indexer(None, end)]
    if a.size == 0 or b.size == 0:
        return float("nan")
    return float((b[-1] / a[-1] - 1.0) * 100.0)


def rebase(prices: pd.DataFrame | pd.Series, at=None, base: float = 100.0):
    """Scale each series so it equals ``base`` at date ``at`` (default: its first valid value).

    When ``at`` is not a trading date, the last value on or before it is used.
    """
    if isinstance(prices, pd.Series):
        return rebase(prices.to_frame(), at, base).iloc[:, 0]
    out = {}
    for col in prices:
        s = prices[col].dropna()
        if s.empty:
            out[col] = prices[col]
            continue
        ref = s.iloc[0] if at is None else s.loc[:at]
        if at is not None:
            if ref.empty:
                raise ParameterError(
                    f"rebase date {pd.Timestamp(at):%Y-%m-%d} is before {col}'s first value "
                    f"({s.index[0]:%Y-%m-%d})"
                )
            ref = ref.iloc[-1]
        out[col] = prices[col] / ref * base
    return pd.DataFrame(out, index=prices.index)
