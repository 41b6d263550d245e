"""Ranking of indexes and ETFs by return over 1 month, 3 months and year to date: total return
for ETFs on dividend-adjusted closes (``field="adj_close"``), price return for indexes (and
for ETFs on ``field="close"``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps.errors import DataError, ParameterError
from smallcaps.ratios.inputs import _frame_asof, _require, frame_field, series_basis
from smallcaps.ratios.study import _name
from smallcaps.results import Result
from smallcaps.returns import window_return

__all__ = ["RANKING_KEYS", "Ranking", "rank_returns"]

RANKING_KEYS = ("RUT", "SPX", "NDX", "DJI", "IWM", "SPY", "QQQ")
_COLUMNS = ["name", "basis", "last date", "last close", "1m %", "3m %", "YTD %", "rank (1m)",
            "status"]


@dataclass
class Ranking(Result):
    """Returns of several series over 1 month, 3 months and year to date.

    Attributes
    ----------
    asof : Timestamp
        The report's as-of date.
    table : DataFrame
        Index = key; columns ``name``, ``basis`` (what the returns measure: ``"total return,
        dividend-adjusted"``, ``"index level, price only"`` or ``"price only, not
        dividend-adjusted"``), ``last date``, ``last close``, ``1m %``, ``3m %``, ``YTD %``
        (percent), ``rank (1m)`` (1 = best; NA for stale series), ``status``.
    etf_field : str
        The field the prices were loaded with (``"adj_close"`` or ``"close"``).
    """

    narrative: ClassVar[str] = "ratios"

    asof: pd.Timestamp
    table: pd.DataFrame
    etf_field: str = "close"

    @property
    def leaders(self) -> list[str]:
        """Current (not stale) keys by 1-month return, best first."""
        t = self.table[self.table["rank (1m)"].notna()]
        return list(t.sort_values("rank (1m)").index)

    @property
    def stale(self) -> dict:
        """Key -> last date for series that end before the as-of date (not ranked)."""
        t = self.table[self.table["rank (1m)"].isna()]
        return {k: pd.Timestamp(v) for k, v in t["last date"].items()}

    def to_frame(self) -> pd.DataFrame:
        """The unrounded table (one row per series)."""
        return self.table

    def summary(self) -> pd.DataFrame:
        """The table for display: returns in % rounded to 2 decimals, dates as text."""
        out = self.table.round({"last close": 2, "1m %": 2, "3m %": 2, "YTD %": 2})
        out["last date"] = [f"{d:%Y-%m-%d}" if pd.notna(d) else "" for d in out["last date"]]
        return out

    @property
    def bases(self) -> dict:
        """Key -> what its returns measure."""
        return dict(self.table["basis"])

    def figures(self) -> dict:
        """``leaders`` (current keys by 1-month return, best first), ``stale_series`` (key ->
        last date of the series that end before the as-of date) and ``ranking_basis`` (key ->
        what its returns measure)."""
        return {"leaders": self.leaders, "stale_series": self.stale,
                "ranking_basis": self.bases}


def rank_returns(prices: pd.DataFrame, keys: Sequence[str] = RANKING_KEYS) -> Ranking:
    """Rank series by return over 1 month, 3 months and year to date.

    Returns are calendar based (see :mod:`smallcaps.ratios`), in percent, from the loaded
    field, as of the frame's as-of date: total returns for ETFs on ``adj_close``, price returns
    for indexes.  A series whose last close is before it is *stale*: its returns are computed
    as of its own last date, shown, and left unranked.

    Parameters
    ----------
    prices : DataFrame
        Closes, one column per key, from :func:`smallcaps.data.load` with ``field="adj_close"``
        or ``"close"`` (a frame built by hand is as of its last date, on closes).
    keys : sequence of str
        Catalog keys to rank (default: RUT, SPX, NDX, DJI, IWM, SPY, QQQ).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ParameterError("ranking keys are empty; name series such as 'RUT', 'SPX'")
    _require(prices, keys)
    got = frame_field(prices)
    asof, _ = _frame_asof(prices)
    frame = prices.loc[:asof].dropna(how="all")
    if frame.empty:
        raise DataError("no prices up to the as-of date")
    rows = {}
    for k in keys:
        s = frame[k].dropna()
        if s.empty:
            rows[k] = {"name": _name(k), "basis": series_basis(k, got), "last date": pd.NaT,
                       "last close": np.nan,
                       "1m %": np.nan, "3m %": np.nan, "YTD %": np.nan,
                       "status": "no data up to the as-of date"}
            continue
        end = s.index[-1]
        ye = pd.Timestamp(year=end.year - 1, month=12, day=31)
        rows[k] = {
            "name": _name(k), "basis": series_basis(k, got), "last date": end,
            "last close": float(s.iloc[-1]),
            "1m %": window_return(s, end - pd.DateOffset(months=1), end),
            "3m %": window_return(s, end - pd.DateOffset(months=3), end),
            "YTD %": window_return(s, ye, end),
            "status": "current" if end >= asof else f"STALE: data ends {end:%Y-%m-%d}",
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    current = t["status"] == "current"
    t["rank (1m)"] = t["1m %"].where(current).rank(ascending=False, method="min").astype("Int64")
    t = t[_COLUMNS]
    order = t.sort_values(["rank (1m)", "1m %"], ascending=[True, False], na_position="last")
    return Ranking(asof=asof, table=order, etf_field=got)
