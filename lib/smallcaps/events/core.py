"""The reusable pieces of the divergence study: a return spread and its z-score, declustered
threshold crossings and forward returns from given dates.

They take plain Series and arrays and know nothing of the study; the generic event study
(:func:`smallcaps.events.event_study`) is built on them.  Returns are in percent (1.0 = 1 %),
spreads of two returns in percentage points (pp), windows and gaps in trading days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
from smallcaps.returns import relative_returns

__all__ = [
    "STD_METHODS",
    "DIRECTIONS",
    "DEFAULT_FORWARD_DAYS",
    "spread_zscore",
    "find_events",
    "forward_returns",
]

STD_METHODS = ("expanding", "rolling", "full")
DIRECTIONS = ("up", "down", "both")
DEFAULT_FORWARD_DAYS = (21, 63, 126, 252)


# ----------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------

def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _check_choice(name: str, value, valid: Sequence[str]) -> str:
    if value not in valid:
        raise ParameterError(f"{name} {value!r} is not supported; valid: {', '.join(valid)}")
    return value


def _check_sigma(sigma) -> float:
    try:
        s = float(sigma)
    except (TypeError, ValueError):
        raise ParameterError(f"sigma must be a positive number, got {sigma!r}") from None
    if not np.isfinite(s) or s <= 0:
        raise ParameterError(f"sigma must be a positive number, got {sigma!r}")
    return s


def _check_horizons(forward_days) -> tuple[int, ...]:
    if isinstance(forward_days, (int, np.integer)):
        forward_days = [forward_days]
    try:
        days = [_check_int("forward_days", d, 1) for d in forward_days]
    except TypeError:
        raise ParameterError(
            f"forward_days must be a list of whole numbers >= 1, got {forward_days!r}"
        ) from None
    if not days:
        raise ParameterError("forward_days must list at least one horizon, e.g. [21, 63]")
    return tuple(sorted(set(days)))


# ----------------------------------------------------------------------------------------------
# 1-2. spread and z-score
# ----------------------------------------------------------------------------------------------

def spread_zscore(small: pd.Series, large: pd.Series, horizon_days: int = 5,
                  std_method: str = "expanding", std_window: int = 252,
                  min_history: int = 252) -> pd.DataFrame:
    """The ``horizon_days``-day return spread of small over large caps and its z-score.

    Parameters
    ----------
    small, large : Series
        Daily closes (index points) indexed by date.  Only dates where both have a close are
        used; trading days are counted on that common calendar.
    horizon_days : int
        Length of the return window in trading days (5 = one week).
    std_method : {"expanding", "rolling", "full"}
        Standard deviation of the spread used for day ``t``: all spreads strictly before ``t``
        (``"expanding"``), the ``std_window`` spreads strictly before ``t`` (``"rolling"``), or
        the whole sample including later days (``"full"``: in-sample, look-ahead).
    std_window : int
        Window of the rolling standard deviation, in trading days (``"rolling"`` only).
    min_history : int
        Number of earlier spreads required before a z-score is reported (all methods), in
        trading days.

    Returns
    -------
    DataFrame
        Indexed by the common trading dates, columns ``small`` and ``large`` (closes),
        ``spread_pct`` (small minus large ``horizon_days``-day return, percentage points),
        ``sd_pp`` (standard deviation used, percentage points) and ``z`` (``spread_pct / sd_pp``,
        not demeaned; NaN during the warm-up).  ``attrs`` holds the settings and the inputs'
        provenance.
    """
    horizon_days = _check_int("horizon_days", horizon_days, 1)
    std_method = _check_choice("std_method", std_method, STD_METHODS)
    std_window = _check_int("std_window", std_window, 2)
    min_history = _check_int("min_history", min_history, 2)
    for name, s in (("small", small), ("large", large)):
        if not isinstance(s, pd.Series):
            raise ParameterError(f"{name} must be a pandas Series of closes, got "
                                 f"{type(s).__name__}")
    small_name = small.name if small.name is not None else "small"
    large_name = large.name if large.name is not None else "large"
    both = pd.concat([small.rename("small"), large.rename("large")], axis=1,
                     join="inner").dropna()
    both = both.sort_index()
    if len(both) <= horizon_days + min_history:
        raise ParameterError(
            f"{small_name} and {large_name} share {len(both)} dates; need more than "
            f"horizon_days + min_history = {horizon_days + min_history}"
        )
    spread = relative_returns(both["small"], both["large"], horizon_days)
    spread = spread.reindex(both.index)
    # number of spreads strictly before each day
    prior = spread.notna().cumsum().shift(1, fill_value=0)
    if std_method == "expanding":
        sd = spread.expanding(min_periods=2).std().shift(1)
    elif std_method == "rolling":
        sd = spread.rolling(std_window, min_periods=std_window).std().shift(1)
    else:
        sd = pd.Series(spread.std(), index=spread.index)
    sd = sd.where(prior >= min_history)
    z = (spread / sd).where(sd > 0)
    out = both.assign(spread_pct=spread, sd_pp=sd, z=z)
    prov = {}
    for s in (small, large):
        prov.update(s.attrs.get("provenance", {}) if hasattr(s, "attrs") else {})
    out.attrs = {
        "small": str(small_name), "large": str(large_name), "horizon_days": horizon_days,
        "std_method": std_method, "std_window": std_window, "min_history": min_history,
        "provenance": prov,
    }
    return out


# ----------------------------------------------------------------------------------------------
# 3. events
# ----------------------------------------------------------------------------------------------

def _qualifies(z: pd.Series, sigma: float, direction: str) -> pd.Series:
    if direction == "up":
        return z > sigma
    if direction == "down":
        return z < -sigma
    return z.abs() > sigma


def find_events(z: pd.Series, sigma: float = 3.0, direction: str = "up",
                decluster_days: int = 20) -> pd.DataFrame:
    """Declustered threshold crossings of a z-score.

    Parameters
    ----------
    z : Series
        z-score on the trading calendar (NaN allowed; NaN never qualifies).  Trading days are
        counted by position in this index, so pass it with every trading day, not only the
        qualifying ones.
    sigma : float
        Threshold in standard deviations (> 0).
    direction : {"up", "down", "both"}
        ``z > sigma``, ``z < -sigma`` or either; with ``"both"`` the up and down days are
        declustered separately, so the events are exactly those of ``"up"`` and of ``"down"``.
    decluster_days : int
        A qualifying day at most this many trading days after the previous qualifying day joins
        its cluster; 0 makes every qualifying day an event.

    Returns
    -------
    DataFrame
        One row per event, indexed by its date (the cluster's first day): ``z`` (on the event
        day), ``sign`` (+1 above, -1 below), ``cluster_days`` (qualifying days in the cluster),
        ``cluster_end`` (last qualifying day) and ``peak_z`` (largest ``|z|`` in the cluster,
        with its sign).
    """
    sigma = _check_sigma(sigma)
    direction = _check_choice("direction", direction, DIRECTIONS)
    decluster_days = _check_int("decluster_days", decluster_days, 0)
    z = pd.Series(z, dtype=float)
    if direction == "both":
        parts = [find_events(z, sigma, d, decluster_days) for d in ("up", "down")]
        return pd.concat([p for p in parts if not p.empty] or parts[:1]).sort_index()
    hit = _qualifies(z, sigma, direction).to_numpy()
    pos = np.flatnonzero(hit)
    cols = ["z", "sign", "cluster_days", "cluster_end", "peak_z"]
    if pos.size == 0:
        empty = pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="date"))
        return empty.astype({"z": float, "sign": int, "cluster_days": int, "peak_z": float,
                             "cluster_end": "datetime64[ns]"})
    new_cluster = np.r_[True, np.diff(pos) > decluster_days]
    cluster_id = np.cumsum(new_cluster) - 1
    zv = z.to_numpy()
    rows = []
    for c in range(cluster_id[-1] + 1):
        members = pos[cluster_id == c]
        first, last = members[0], members[-1]
        peak = members[np.argmax(np.abs(zv[members]))]
        rows.append({"date": z.index[first], "z": zv[first], "sign": int(np.sign(zv[first])),
                     "cluster_days": int(members.size), "cluster_end": z.index[last],
                     "peak_z": zv[peak]})
    out = pd.DataFrame(rows).set_index("date")
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out[cols]


# ----------------------------------------------------------------------------------------------
# 4. forward returns
# ----------------------------------------------------------------------------------------------

def forward_returns(prices: pd.Series, dates: Iterable,
                    forward_days: int | Sequence[int] = DEFAULT_FORWARD_DAYS,
                    asof: object = None) -> pd.DataFrame:
    """Percent return from the close on each date to the close ``h`` trading days later.

    Parameters
    ----------
    prices : Series
        Closes on the trading calendar (missing values are dropped first; trading days are
        counted on what remains).
    dates : iterable of dates
        Start dates; each must be a date in ``prices``.
    forward_days : list of int
        Horizons in trading days.
    asof : date-like, optional
        Only closes up to this date are used (default: the last date of ``prices``).  A window
        that ends after it is incomplete and gives NaN.

    Returns
    -------
    DataFrame
        Index = ``dates``, one column per horizon (int, trading days), values in percent; NaN
        where the window is not complete by ``asof``.
    """
    horizons = _check_horizons(forward_days)
    p = prices.dropna().sort_index()
    cut = parse_date(asof, "asof")
    if cut is not None:
        p = p.loc[:cut]
    idx = pd.DatetimeIndex(list(dates), name="date")
    pos = p.index.get_indexer(idx)
    if (pos < 0).any():
        bad = idx[pos < 0][0]
        raise ParameterError(
            f"date {bad:%Y-%m-%d} is not a trading date of {prices.name or 'prices'} up to the "
            "as-of date; pass dates taken from the price index"
        )
    values = p.to_numpy(dtype=float)
    last = len(values) - 1
    out = {}
    for h in horizons:
        end = pos + h
        ok = end <= last
        r = np.full(len(pos), np.nan)
        r[ok] = (values[end[ok]] / values[pos[ok]] - 1.0) * 100.0
        out[h] = r
    return pd.DataFrame(out, index=idx)


def _forward_matrix(values: np.ndarray, horizons: Sequence[int]) -> np.ndarray:
    """``(n, len(horizons))`` forward percent returns from every row (NaN past the end)."""
    n = len(values)
    out = np.full((n, len(horizons)), np.nan)
    for j, h in enumerate(horizons):
        if h < n:
            out[: n - h, j] = (values[h:] / values[: n - h] - 1.0) * 100.0
    return out

