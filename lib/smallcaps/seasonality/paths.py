"""Window returns, per-year paths by trading day and the average seasonal path.

Windows come from :func:`smallcaps.calendar.map_windows` (the kit's window mapping rule): a
window's return runs from the close before its first trading day to the close of its last one,
in percent.  The turn-of-the-year study (:mod:`smallcaps.taxloss`) builds on
:func:`window_returns`, :func:`window_paths` and :func:`path_band`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.calendar import map_windows
from smallcaps.errors import ParameterError
from smallcaps.results import Result
from smallcaps.returns import window_return
from smallcaps.seasonality._common import frame_asof, provenance

__all__ = [
    "window_returns",
    "window_paths",
    "path_band",
    "SeasonalPath",
    "seasonal_path",
    "seasonal_paths",
]


def window_returns(prices: pd.Series, windows: pd.DataFrame) -> pd.Series:
    """Percent return of ``prices`` over each window of
    :func:`smallcaps.calendar.map_windows` (close before the first day to the close of the
    last day), indexed by year."""
    p = prices.dropna()
    if not p.index.is_monotonic_increasing:
        vals = {y: window_return(p, w["base"], w["last"]) for y, w in windows.iterrows()}
        return pd.Series(vals, dtype=float, name=prices.name).rename_axis("year")
    # window_return on a sorted index: the last close on or before each date, by position
    closes = p.to_numpy(dtype=float)
    a = p.index.searchsorted(pd.DatetimeIndex(windows["base"]), side="right") - 1
    b = p.index.searchsorted(pd.DatetimeIndex(windows["last"]), side="right") - 1
    ok = (a >= 0) & (b >= 0)
    ret = np.full(len(windows), np.nan)
    ret[ok] = (closes[b[ok]] / closes[a[ok]] - 1.0) * 100.0
    vals = dict(zip(windows.index, ret.tolist(), strict=True))
    return pd.Series(vals, dtype=float, name=prices.name).rename_axis("year")


def window_paths(prices: pd.Series, windows: pd.DataFrame) -> pd.DataFrame:
    """Cumulative percent return by trading day of each window, one column per year.

    Row 0 is the close before the window (0 %), row *k* the close of the window's *k*-th
    trading day.  Running (incomplete) windows give a shorter column.
    """
    p = prices.dropna()
    cols = {}
    if p.index.is_monotonic_increasing:  # p.loc[base:last] by position
        closes = p.to_numpy(dtype=float)
        lo = p.index.searchsorted(pd.DatetimeIndex(windows["base"]), side="left")
        hi = p.index.searchsorted(pd.DatetimeIndex(windows["last"]), side="right")
        for year, i, j in zip(windows.index, lo, hi, strict=True):
            seg = closes[i:j]
            cols[year] = (seg / seg[0] - 1.0) * 100.0
    else:
        for year, w in windows.iterrows():
            seg = p.loc[w["base"]: w["last"]]
            cols[year] = (seg / seg.iloc[0] - 1.0).to_numpy() * 100.0
    n = max((len(v) for v in cols.values()), default=0)
    out = pd.DataFrame({y: np.pad(v, (0, n - len(v)), constant_values=np.nan)
                        for y, v in cols.items()}, index=pd.RangeIndex(n, name="trading_day"))
    out.columns.name = "year"
    return out


def path_band(paths: pd.DataFrame) -> pd.DataFrame:
    """Mean path across years with the middle half of years as a band.

    Returns a DataFrame indexed like ``paths``: ``mean``, ``median``, ``q25``, ``q75`` (25th and
    75th percentile across years, in the unit of ``paths``) and ``n`` (years with a value on
    that day).
    """
    return pd.DataFrame({"mean": paths.mean(axis=1), "median": paths.median(axis=1),
                         "q25": paths.quantile(0.25, axis=1), "q75": paths.quantile(0.75, axis=1),
                         "n": paths.notna().sum(axis=1).astype(int)})


@dataclass
class SeasonalPath(Result):
    """Cumulative return by trading day of the year, per year, with the average across
    complete years and the current year.

    ``paths``: rows = trading day of year (0 = previous year's last close), columns = years,
    values = cumulative percent (``unit`` "%"), or for a small/large pair the difference of
    the two cumulative returns in percentage points (``unit`` "pp").  ``band``:
    :func:`path_band` over complete years.  ``current``: the as-of year's path so far (or
    None)."""

    narrative = "seasonality"

    series: str
    paths: pd.DataFrame
    band: pd.DataFrame
    current_year: int | None
    current: pd.Series | None
    asof: pd.Timestamp
    provenance: dict = field(default_factory=dict)
    unit: str = "%"

    @property
    def pair(self) -> bool:
        """True for the small-minus-large path of a pair."""
        return self.unit == "pp"

    @property
    def years(self) -> list:
        """The complete years the band averages."""
        return [c for c in self.paths.columns if c != self.current_year]

    @property
    def year_end(self) -> dict:
        """The band at its last trading day: ``mean``, ``q25``, ``q75`` (in ``unit``)."""
        end = self.band.dropna(subset=["mean"])
        if end.empty:
            return {"mean": np.nan, "q25": np.nan, "q75": np.nan}
        row = end.iloc[-1]
        return {"mean": float(row["mean"]), "q25": float(row["q25"]), "q75": float(row["q75"])}

    @property
    def position(self) -> dict | None:
        """The current year against the band on its latest trading day: ``day``, ``value``,
        ``mean``, ``q25``, ``q75`` (in ``unit``) and ``where`` (``"above"``, ``"inside"`` or
        ``"below"`` the middle half of years); None without a current year under way."""
        if self.current is None or len(self.current) <= 1 or self.band.empty:
            return None
        day = int(self.current.index[-1])
        now = float(self.current.iloc[-1])
        b = self.band.loc[min(day, self.band.index[-1])]
        where = "above" if now > b["q75"] else "below" if now < b["q25"] else "inside"
        return {"day": day, "value": now, "mean": float(b["mean"]), "q25": float(b["q25"]),
                "q75": float(b["q75"]), "where": where}

    def _row(self) -> dict:
        years = self.years
        pos = self.position or {}
        end = self.year_end
        return {"unit": self.unit, "years": len(years),
                "first_year": years[0] if years else None,
                "last_year": years[-1] if years else None,
                "year_end_mean": end["mean"], "year_end_q25": end["q25"],
                "year_end_q75": end["q75"], "current_year": self.current_year,
                "current_day": pos.get("day"), "current": pos.get("value", np.nan),
                "same_day_mean": pos.get("mean", np.nan), "same_day_q25": pos.get("q25", np.nan),
                "same_day_q75": pos.get("q75", np.nan), "position": pos.get("where")}

    def summary(self) -> pd.DataFrame:
        """One row (the series): complete years, the average year-end value with the middle
        half of years, and the current year against the band on its latest trading day (values
        in ``unit``)."""
        return pd.DataFrame({self.series: self._row()}).T

    def to_frame(self) -> pd.DataFrame:
        """By trading day of the year: the band (``mean``, ``median``, ``q25``, ``q75``, ``n``)
        and the ``current`` year's path (in ``unit``)."""
        out = self.band.copy()
        cur = self.current if self.current is not None else pd.Series(dtype=float)
        out["current"] = cur.reindex(out.index)
        return out

    def figures(self) -> dict:
        """``seasonal_path``: ``{series: the summary row}`` (notebook 03 does not record it)."""
        return {"seasonal_path": {self.series: self._row()}}


def seasonal_path(prices: pd.Series | pd.DataFrame, start=None) -> SeasonalPath:
    """Year-to-date path by trading day of the year, for one series or a small/large pair.

    Parameters
    ----------
    prices : Series, or DataFrame with two columns [small, large]
        Daily closes up to the as-of date (the one a loaded frame carries, else the last
        date).  For a pair the path is small's cumulative return minus large's (pp), on the
        dates both trade.
    start : date-like, optional
        First year kept.

    Each year starts at 0 on the previous year's last close; trading day *k* is the *k*-th
    session of the year (:func:`smallcaps.calendar.trading_day_of_year`).  The band covers
    complete years only (a year keeps its year-end value on the extra days of longer years);
    the as-of year is kept apart as ``current``.
    """
    pair = isinstance(prices, pd.DataFrame)
    if pair and prices.shape[1] != 2:
        raise ParameterError("seasonal_path takes one series or two columns [small, large]")
    p = prices.dropna(how="any") if pair else prices.dropna()
    asof, _ = frame_asof(p)
    p = p.loc[:asof]
    w = map_windows(p.index, ["01-01", "12-31"], asof=asof, start=start)
    if pair:
        paths = window_paths(p.iloc[:, 0], w) - window_paths(p.iloc[:, 1], w)
        name = f"{p.columns[0]}-{p.columns[1]}"
    else:
        paths = window_paths(p, w)
        name = str(prices.name)
    done = [y for y in w.index if w.at[y, "complete"]]
    paths[done] = paths[done].ffill()
    band = path_band(paths[done]) if done else path_band(paths.iloc[:, :0])
    cur_year = int(asof.year) if asof.year in w.index and not w.at[asof.year, "complete"] else None
    current = paths[cur_year].dropna() if cur_year is not None else None
    return SeasonalPath(series=name, paths=paths, band=band, current_year=cur_year,
                        current=current, asof=asof, provenance=provenance(prices),
                        unit="pp" if pair else "%")


def seasonal_paths(prices: pd.DataFrame, series, relative=None, start=None) -> list:
    """Seasonal paths of several series and of a small/large pair, in that order.

    Parameters
    ----------
    prices : DataFrame
        Daily closes from :func:`smallcaps.data.load`.
    series : list of str
        Columns that get their own path (percent).
    relative : pair of str, optional
        ``[small, large]``: adds the small-minus-large path (pp) last.
    start : date-like, optional
        First year kept.

    Returns
    -------
    list of SeasonalPath
    """
    names = [series] if isinstance(series, str) else list(series)
    missing = [k for k in names + list(relative or []) if k not in prices.columns]
    if missing:
        raise ParameterError(f"series {missing!r} are not among the loaded series "
                             f"({', '.join(map(str, prices.columns))})")
    out = [seasonal_path(prices[k], start=start) for k in names]
    if relative is not None:
        if isinstance(relative, str) or len(relative) != 2:
            raise ParameterError(f"relative {relative!r} must be a pair [small, large]")
        out.append(seasonal_path(prices[list(relative)], start=start))
    return out
