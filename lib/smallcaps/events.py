"""Extreme small-cap divergences and what followed them (notebook 05).

The method, step by step (every number below is what the functions return):

1. **Spread.** ``spread_t`` = the ``horizon_days``-day percent return of the small-cap index
   minus that of the large-cap index, in percentage points, computed on the dates where *both*
   indices have a close (:func:`smallcaps.returns.relative_returns`).  Trading days are counted
   on that common calendar throughout this module.
2. **Standard deviation and z-score.** ``z_t = spread_t / sd_t``.  The spread is *not* demeaned:
   a "3-sigma divergence" is a gap between the two returns of three standard deviations of that
   gap, measured from zero (the mean 5-day spread of RUT minus SPX is a few hundredths of a
   percentage point, against a standard deviation of about 1.5 pp, so demeaning would change
   almost nothing and would add one more estimated quantity).  ``sd_t`` is the sample standard
   deviation (ddof=1) of spreads:

   * ``"expanding"`` (default, no look-ahead): all spreads *strictly before* day ``t``;
   * ``"rolling"`` (no look-ahead): the ``std_window`` spreads strictly before day ``t``;
   * ``"full"`` (in-sample, **look-ahead**): every spread in the sample up to the as-of date,
     including days after ``t``.  Only for comparison with studies that do this.

   For every method ``z`` starts on the first day with at least ``min_history`` (default 252,
   about one year) earlier spreads, so the three methods cover the same days; ``"rolling"``
   also needs a full window.
3. **Events.** A qualifying day has ``z > sigma`` (``direction="up"``), ``z < -sigma``
   (``"down"``) or ``|z| > sigma`` (``"both"``: up and down days are declustered separately,
   so its events are the union of the ``"up"`` and ``"down"`` events).
   Qualifying days are grouped into clusters: a qualifying day that comes at most
   ``decluster_days`` trading days after the *previous qualifying day* belongs to the same
   cluster (so a cluster ends only after more than ``decluster_days`` trading days without a
   qualifying day).  Each cluster is one event, dated on its first day.
4. **Forward returns.** From the close of the event day to the close ``h`` trading days later,
   for the small-cap index (percent) and for the spread (small minus large, percentage points).
   A window is used only when it is complete by the as-of date (the last date of the data);
   otherwise it is NaN.
5. **Baseline and test.** The unconditional baseline is the same forward return from *every*
   day on which ``z`` is defined (events included) whose window is complete.  The difference
   *event mean minus baseline mean* is tested with a circular block bootstrap over the daily
   series of (forward return, event flag) with blocks of ``max(h, 21)`` trading days, which keeps
   the overlap of ``h``-day windows inside blocks.  The 95% interval is the 2.5-97.5 percentile
   of the bootstrap differences; the two-sided p-value is twice the smaller share of bootstrap
   differences on either side of zero (so p < 0.05 exactly when the interval excludes zero).
   The generator is seeded (``seed``), so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.returns import relative_returns, summarize

STD_METHODS = ("expanding", "rolling", "full")
DIRECTIONS = ("up", "down", "both")
DEFAULT_FORWARD_DAYS = (21, 63, 126, 252)
DEFAULT_SIGMAS = (2.0, 2.5, 3.0, 3.5)
ALPHA = 0.05
MIN_EVENTS_TO_TEST = 5
_SIGNAL_KEYS = ("horizon_days", "std_method", "std_window", "min_history")
_STUDY_KEYS = ("sigma", "direction", "decluster_days", "forward_days", "n_boot", "seed")


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

def forward_returns(prices: pd.Series, dates: Iterable, forward_days=DEFAULT_FORWARD_DAYS,
                    asof=None) -> pd.DataFrame:
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
    asof : date, optional
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
    if asof is not None:
        p = p.loc[:pd.Timestamp(asof)]
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


# ----------------------------------------------------------------------------------------------
# 5. bootstrap test
# ----------------------------------------------------------------------------------------------

def block_bootstrap_diff(values, flags, block: int, n_boot: int = 2000, seed: int = 0,
                         level: float = 0.95) -> dict:
    """Bootstrap of ``mean(values[flags]) - mean(values)`` for a serially dependent series.

    Circular block bootstrap: each replicate joins ``ceil(n / block)`` blocks of consecutive
    rows (wrapping round the end) drawn at random start points, cut to ``n`` rows, and keeps
    ``values`` and ``flags`` together.  Replicates that contain no flagged row are dropped.

    Parameters
    ----------
    values : array-like of float
        Daily series (e.g. overlapping forward returns, percent); no NaN.
    flags : array-like of bool
        Rows that belong to the conditional sample (events).
    block : int
        Block length in rows (>= 1).
    n_boot : int
        Number of replicates.
    seed : int
        Seed of the random generator (results are deterministic for a given seed).
    level : float
        Coverage of the percentile interval.

    Returns
    -------
    dict
        ``diff`` (observed difference), ``ci_low``, ``ci_high`` (percentile interval),
        ``p_value`` (two-sided: twice the smaller share of replicates on either side of zero,
        capped at 1), ``n_boot`` (replicates kept).
    """
    x = np.asarray(values, dtype=float)
    f = np.asarray(flags, dtype=bool)
    n = x.size
    nan = {"diff": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n_boot": 0}
    if n == 0 or f.sum() == 0 or np.isnan(x).any():
        return nan
    block = max(1, min(_check_int("block", block, 1), n))
    n_boot = _check_int("n_boot", n_boot, 1)
    diff = float(x[f].mean() - x.mean())
    # prefix sums over the circularly extended series give every block's sums in O(1)
    ext = np.r_[np.arange(n), np.arange(block)] % n
    cs_x = np.r_[0.0, np.cumsum(x[ext])]
    cs_fx = np.r_[0.0, np.cumsum((x * f)[ext])]
    cs_f = np.r_[0.0, np.cumsum(f[ext].astype(float))]
    n_blocks = -(-n // block)
    lengths = np.full(n_blocks, block)
    lengths[-1] = n - block * (n_blocks - 1)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    ends = starts + lengths
    sum_x = (cs_x[ends] - cs_x[starts]).sum(axis=1)
    sum_fx = (cs_fx[ends] - cs_fx[starts]).sum(axis=1)
    sum_f = (cs_f[ends] - cs_f[starts]).sum(axis=1)
    keep = sum_f > 0.5
    if not keep.any():
        return {**nan, "diff": diff}
    d = sum_fx[keep] / sum_f[keep] - sum_x[keep] / n
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(d, [tail, 1.0 - tail])
    p = min(1.0, 2.0 * min((d <= 0).mean(), (d >= 0).mean()))
    return {"diff": diff, "ci_low": float(lo), "ci_high": float(hi), "p_value": float(p),
            "n_boot": int(keep.sum())}


# ----------------------------------------------------------------------------------------------
# the study
# ----------------------------------------------------------------------------------------------

def _fmt_pct(x: float, unit: str = "%", digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    if round(x, digits) == 0:
        return f"{0:.{digits}f}{unit}"
    return f"{x:+.{digits}f}{unit}"


def _fmt_p(p: float) -> str:
    """``"p = 0.73"``; 3 decimals near the 5% line; ``"p < 0.001"`` when no replicate crossed
    zero."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _fmt_sigma(s: float) -> str:
    return f"{s:g}σ"


@dataclass
class DivergenceStudy:
    """Result of :func:`divergence_study`.

    Attributes
    ----------
    signal : DataFrame
        Output of :func:`spread_zscore` (closes, ``spread_pct``, ``sd_pp``, ``z``).
    events : DataFrame
        Output of :func:`find_events` (one row per event).
    params : dict
        sigma, direction, decluster_days, forward_days, n_boot, seed and the signal settings.
    table : DataFrame
        Per (series, horizon): event and baseline statistics and the bootstrap test; see
        :meth:`summary`.
    """

    signal: pd.DataFrame
    events: pd.DataFrame
    params: dict
    table: pd.DataFrame = field(repr=False)
    _fwd_small: np.ndarray = field(repr=False)
    _fwd_spread: np.ndarray = field(repr=False)

    # -- accessors ---------------------------------------------------------------------------
    @property
    def horizons(self) -> tuple[int, ...]:
        return tuple(self.params["forward_days"])

    @property
    def asof(self) -> pd.Timestamp:
        """Last date of the data (the as-of date of every statistic)."""
        return self.signal.index[-1]

    @property
    def label(self) -> str:
        """e.g. ``"RUT − SPX 5-day spread"``."""
        a = self.signal.attrs
        return f"{a['small']} − {a['large']} {a['horizon_days']}-day spread"

    def summary(self, which: str = "small") -> pd.DataFrame:
        """Events against the baseline, one row per horizon.

        Parameters
        ----------
        which : {"small", "spread"}
            Forward return of the small-cap index (percent) or of the spread (small minus
            large, percentage points).

        Returns
        -------
        DataFrame
            Index ``horizon_days``; columns ``n_events``, ``mean_pct``, ``median_pct``,
            ``hit_rate`` (share > 0, 0..1) after events; ``base_n``, ``base_mean_pct``,
            ``base_median_pct``, ``base_hit_rate`` over all days; ``diff_pp`` (event mean minus
            baseline mean, percentage points), ``ci_low_pp``, ``ci_high_pp`` (95% block-bootstrap
            interval of the difference) and ``p_value`` (two-sided).
        """
        _check_choice("which", which, ("small", "spread"))
        return self.table.xs(which, level="series").copy()

    def to_frame(self) -> pd.DataFrame:
        """One row per event: ``spread_pct``, ``z``, ``cluster_days`` and the forward returns
        ``small_<h>d_pct`` (percent) and ``spread_<h>d_pp`` (percentage points); NaN where the
        window is not complete by the as-of date."""
        ev = self.events
        out = pd.DataFrame({"spread_pct": self.signal["spread_pct"].reindex(ev.index),
                            "z": ev["z"], "cluster_days": ev["cluster_days"]}, index=ev.index)
        pos = self.signal.index.get_indexer(ev.index)
        for j, h in enumerate(self.horizons):
            out[f"small_{h}d_pct"] = self._fwd_small[pos, j] if len(pos) else []
        for j, h in enumerate(self.horizons):
            out[f"spread_{h}d_pp"] = self._fwd_spread[pos, j] if len(pos) else []
        return out

    def events_table(self) -> pd.DataFrame:
        """:meth:`to_frame` laid out for reading: dates as text, two-level column names with
        units, rounded to 2 decimals."""
        f = self.to_frame()
        a = self.signal.attrs
        small, large = a["small"], a["large"]
        cols = [("event day", f"{a['horizon_days']}d spread (pp)"), ("event day", "z"),
                ("event day", "cluster days")]
        cols += [(f"{small} forward return (%)", f"{h}d") for h in self.horizons]
        cols += [(f"{small} − {large} forward (pp)", f"{h}d") for h in self.horizons]
        out = f.copy()
        out.columns = pd.MultiIndex.from_tuples(cols)
        out.index = pd.Index(f.index.strftime("%Y-%m-%d"), name="event date")
        return out.round(2)

    def summary_table(self, which: str = "small") -> pd.DataFrame:
        """:meth:`summary` laid out for reading: hit rates in %, the interval as text, two-level
        column names (after events / all days / difference), rounded."""
        t = self.summary(which)
        u = "%" if which == "small" else "pp"
        out = pd.DataFrame({
            ("after events", "n"): t["n_events"],
            ("after events", f"mean ({u})"): t["mean_pct"].round(2),
            ("after events", f"median ({u})"): t["median_pct"].round(2),
            ("after events", "up (%)"): (t["hit_rate"] * 100).round(0),
            ("all days", "n"): t["base_n"],
            ("all days", f"mean ({u})"): t["base_mean_pct"].round(2),
            ("all days", "up (%)"): (t["base_hit_rate"] * 100).round(0),
            ("events − all days", "mean (pp)"): t["diff_pp"].round(2),
            ("events − all days", "95% CI (pp)"): [
                f"{lo:+.1f} to {hi:+.1f}" if np.isfinite(lo) else "n/a"
                for lo, hi in zip(t["ci_low_pp"], t["ci_high_pp"], strict=True)],
            ("events − all days", "p"): t["p_value"].round(3),
        })
        out.index = pd.Index([f"{h} days" for h in t.index], name="horizon")
        return out

    def stats(self, which: str = "small", baseline: bool = False) -> dict:
        """``{"21": {"mean_pct", "median_pct", "hit_rate", "n"}, ...}`` for recording."""
        t = self.summary(which)
        pre = "base_" if baseline else ""
        n_col = "base_n" if baseline else "n_events"
        return {str(h): {"mean_pct": t.loc[h, f"{pre}mean_pct"],
                         "median_pct": t.loc[h, f"{pre}median_pct"],
                         "hit_rate": t.loc[h, f"{pre}hit_rate"], "n": int(t.loc[h, n_col])}
                for h in t.index}

    def event_list(self) -> list[dict]:
        """``[{"date", "spread_pct", "z"}, ...]`` for every event (oldest first)."""
        f = self.to_frame()
        return [{"date": d, "spread_pct": float(r.spread_pct), "z": float(r.z)}
                for d, r in f.iterrows()]

    def latest(self) -> dict:
        """Last date with a z-score: ``date``, ``spread_pct`` (pp), ``z`` and ``sd_pp``."""
        s = self.signal.dropna(subset=["spread_pct"])
        row = s.iloc[-1]
        return {"date": s.index[-1], "spread_pct": float(row["spread_pct"]),
                "z": float(row["z"]), "sd_pp": float(row["sd_pp"])}

    def latest_event(self) -> dict | None:
        """The most recent event and how far its forward windows have run, or None.

        Returns
        -------
        dict or None
            ``date``, ``z``, ``spread_pct``, ``days_since`` (trading days from the event close
            to the as-of close), ``return_to_date_pct`` (small-cap return since the event close,
            percent) and ``windows``: per horizon ``{"days_elapsed": min(days_since, h),
            "complete": bool, "return_pct": return over the window so far, percent}``.
        """
        if self.events.empty:
            return None
        d = self.events.index[-1]
        pos = self.signal.index.get_loc(d)
        last = len(self.signal) - 1
        days = last - pos
        px = self.signal["small"].to_numpy()
        windows = {}
        for h in self.horizons:
            end = min(pos + h, last)
            windows[str(h)] = {"days_elapsed": int(min(days, h)), "complete": bool(days >= h),
                               "return_pct": float((px[end] / px[pos] - 1) * 100)}
        return {"date": d, "z": float(self.events["z"].iloc[-1]),
                "spread_pct": float(self.signal["spread_pct"].iloc[pos]),
                "days_since": int(days),
                "return_to_date_pct": float((px[last] / px[pos] - 1) * 100),
                "windows": windows}

    def test_record(self, which: str = "small") -> dict:
        """Event mean minus all-days mean per horizon, for recording: ``{"21": {"diff_pp",
        "ci_low_pp", "ci_high_pp", "p_value"}, ...}`` (pp; bootstrap 95 % interval)."""
        cols = ["diff_pp", "ci_low_pp", "ci_high_pp", "p_value"]
        return {str(h): r[cols].to_dict() for h, r in self.summary(which).iterrows()}

    def latest_record(self) -> dict:
        """The last spread for recording: ``date``, ``spread_pct`` (pp), ``z``."""
        last = self.latest()
        return {k: last[k] for k in ("date", "spread_pct", "z")}

    def latest_event_record(self) -> dict | None:
        """The most recent event for recording, ``{"date", "z"}``, or None without events."""
        ev = self.latest_event()
        return None if ev is None else {"date": ev["date"], "z": ev["z"]}

    # -- paths -------------------------------------------------------------------------------
    def paths(self, which: str = "small", max_days: int | None = None) -> pd.DataFrame:
        """Average cumulative path after events against the all-days baseline.

        Parameters
        ----------
        which : {"small", "spread"}
            Cumulative return of the small-cap index (percent) or of the spread (small minus
            large cumulative returns, percentage points).
        max_days : int, optional
            Last day shown (default: the longest horizon).

        Returns
        -------
        DataFrame
            Index ``day`` (0..max_days trading days after the event close); columns
            ``event_mean``, ``band_low``, ``band_high`` (event mean ± 1.96 standard errors
            across events; a display band that ignores overlap between events), ``n_events``
            (events whose path reaches that day) and ``baseline`` (mean over all days with a
            z-score).
        """
        _check_choice("which", which, ("small", "spread"))
        max_days = max(self.horizons) if max_days is None else _check_int("max_days", max_days, 1)
        sig = self.signal
        small = sig["small"].to_numpy(dtype=float)
        large = sig["large"].to_numpy(dtype=float)
        n = len(sig)
        eligible = np.flatnonzero(sig["z"].notna().to_numpy())
        pos = sig.index.get_indexer(self.events.index)
        rows = []
        for k in range(max_days + 1):
            def cum(p, k=k):
                return (p[k:] / p[: n - k] - 1.0) * 100.0 if k < n else np.array([])
            r = cum(small) if which == "small" else cum(small) - cum(large)
            ev = r[pos[pos < n - k]] if len(pos) else np.array([])
            base = r[eligible[eligible < n - k]]
            m = ev.mean() if ev.size else np.nan
            se = ev.std(ddof=1) / np.sqrt(ev.size) if ev.size > 1 else np.nan
            rows.append({"day": k, "event_mean": m, "band_low": m - 1.96 * se,
                         "band_high": m + 1.96 * se, "n_events": int(ev.size),
                         "baseline": base.mean() if base.size else np.nan})
        return pd.DataFrame(rows).set_index("day")

    # -- variants ----------------------------------------------------------------------------
    def rerun(self, **changes) -> DivergenceStudy:
        """The same study with some settings changed.

        Parameters
        ----------
        **changes
            Any of ``sigma``, ``direction``, ``decluster_days``, ``forward_days``, ``n_boot``,
            ``seed`` (study settings) and ``horizon_days``, ``std_method``, ``std_window``,
            ``min_history`` (signal settings: the spread and z-score are recomputed from the
            same closes).

        Returns
        -------
        DivergenceStudy
        """
        unknown = set(changes) - set(_SIGNAL_KEYS) - set(_STUDY_KEYS)
        if unknown:
            raise ParameterError(f"cannot change {sorted(unknown)}; valid: "
                                 f"{', '.join(_STUDY_KEYS + _SIGNAL_KEYS)}")
        sig = self.signal
        a = sig.attrs
        if any(k in changes and changes[k] != a[k] for k in _SIGNAL_KEYS):
            sig = spread_zscore(sig["small"].rename(a["small"]), sig["large"].rename(a["large"]),
                                **{k: changes.get(k, a[k]) for k in _SIGNAL_KEYS})
            sig.attrs["provenance"] = a.get("provenance", {})
        return divergence_study(sig, **{k: changes.get(k, self.params[k]) for k in _STUDY_KEYS})

    def _headline(self, which: str) -> dict:
        t = self.summary(which)
        row = {"n_events": len(self.events)}
        for h in t.index:
            row[f"n_{h}d"] = int(t.loc[h, "n_events"])
            row[f"mean_{h}d_pct"] = t.loc[h, "mean_pct"]
            row[f"diff_{h}d_pp"] = t.loc[h, "diff_pp"]
            row[f"p_{h}d"] = t.loc[h, "p_value"]
        return row

    def sensitivity(self, sigmas: Sequence[float] = DEFAULT_SIGMAS,
                    which: str = "small") -> pd.DataFrame:
        """The same study at other thresholds (everything else unchanged).

        Returns
        -------
        DataFrame
            Index ``sigma``; ``n_events`` (all events at that threshold) and per horizon ``h``:
            ``n_<h>d`` (events with a complete window), ``mean_<h>d_pct`` (event mean, % or pp),
            ``diff_<h>d_pp`` (event mean minus baseline) and ``p_<h>d`` (bootstrap p-value).
        """
        rows = [{"sigma": float(s), **self.rerun(sigma=float(s))._headline(which)}
                for s in sigmas]
        return pd.DataFrame(rows).set_index("sigma")

    def compare_methods(self, methods: Sequence[str] = STD_METHODS,
                        which: str = "small") -> pd.DataFrame:
        """The same study with each way of estimating the standard deviation.

        Shows how much the choice matters, in particular how the in-sample ``"full"`` version
        (the one a study that standardises with the whole sample reports) differs from the
        no-look-ahead ones.  Columns as in :meth:`sensitivity`; index ``std_method``.
        """
        for m in methods:
            _check_choice("std_method", m, STD_METHODS)
        rows = [{"std_method": m, **self.rerun(std_method=m)._headline(which)} for m in methods]
        return pd.DataFrame(rows).set_index("std_method")

    # -- prose -------------------------------------------------------------------------------
    @property
    def short_rule(self) -> str:
        """e.g. ``"RUT − SPX 5-day spread above +3σ (expanding sd)"``."""
        s = _fmt_sigma(self.params["sigma"])
        d = self.params["direction"]
        where = {"up": f"above +{s}", "down": f"below −{s}", "both": f"beyond ±{s}"}[d]
        m = self.signal.attrs["std_method"]
        how = {"expanding": "expanding sd", "rolling": f"rolling {self.signal.attrs['std_window']}"
               "-day sd", "full": "full-sample sd, IN-SAMPLE"}[m]
        return f"{self.label} {where} ({how})"

    def describe_event_rule(self) -> str:
        """The event rule in words, e.g. ``"RUT − SPX 5-day spread above +3σ (expanding ...)"``."""
        s = _fmt_sigma(self.params["sigma"])
        d = self.params["direction"]
        where = {"up": f"above +{s}", "down": f"below −{s}", "both": f"beyond ±{s}"}[d]
        m = self.signal.attrs["std_method"]
        how = {"expanding": "expanding standard deviation of earlier days only, no look-ahead",
               "rolling": f"rolling {self.signal.attrs['std_window']}-day standard deviation of "
                          "earlier days, no look-ahead",
               "full": "full-sample standard deviation: IN-SAMPLE, uses later data "
                       "(look-ahead)"}[m]
        return f"{self.label} {where} ({how}; declustered over {self.params['decluster_days']} " \
               "trading days)"

    def reading(self, alpha: float = ALPHA) -> str:
        """Markdown reading of the result, generated from the numbers.

        Says how many events there were, whether the small-cap return after events beat the
        unconditional drift at each horizon, by how much (percentage points), with the 95%
        bootstrap interval, and whether the difference is significant at ``alpha``; then a
        verdict on the claim that small caps stay strong after such divergences.
        """
        t = self.summary("small")
        ts = self.summary("spread")
        small = self.signal.attrs["small"]
        large = self.signal.attrs["large"]
        n_ev = len(self.events)
        z_days = self.signal["z"].dropna()
        span = f"{z_days.index[0]:%Y-%m-%d} to {self.asof:%Y-%m-%d}" if len(z_days) else "n/a"
        lines = [f"**{n_ev} event{'s' if n_ev != 1 else ''}** of the {self.describe_event_rule()}"
                 f", {span}."]
        if self.signal.attrs["std_method"] == "full":
            lines.append("*Caution: in-sample threshold. The standard deviation uses data after "
                         "each event, which no analyst had at the time.*")
        if n_ev == 0:
            lines.append("No event to study: nothing can be said about what followed.")
            return "\n\n".join(lines)
        bullets = []
        sig_pos, sig_neg, pos_h, neg_h, tested = [], [], [], [], []
        for h in t.index:
            r = t.loc[h]
            n = int(r["n_events"])
            if n == 0:
                bullets.append(f"- **{h} days:** no event has a complete {h}-day window yet.")
                continue
            diff = r["diff_pp"]
            above = diff > 0
            (pos_h if above else neg_h).append(h)
            testable = n >= MIN_EVENTS_TO_TEST and np.isfinite(r["p_value"])
            if testable:
                tested.append(h)
                significant = r["p_value"] < alpha
                if significant:
                    (sig_pos if above else sig_neg).append(h)
                verdict = (f"{'significant' if significant else 'not significant'} at "
                           f"{alpha:.0%} ({_fmt_p(r['p_value'])}, 95% CI "
                           f"{_fmt_pct(r['ci_low_pp'], ' pp')} to "
                           f"{_fmt_pct(r['ci_high_pp'], ' pp')})")
            else:
                verdict = f"too few events (n = {n}) to test"
            rel = ts.loc[h, "mean_pct"]
            bullets.append(
                f"- **{h} days:** {small} {_fmt_pct(r['mean_pct'])} on average after events "
                f"(median {_fmt_pct(r['median_pct'])}, up in {r['hit_rate']:.0%} of {n}) vs "
                f"{_fmt_pct(r['base_mean_pct'])} on all days: "
                f"{_fmt_pct(abs(diff), ' pp').lstrip('+')} {'above' if above else 'below'} the "
                f"drift, {verdict}. Relative to {large} after events: {_fmt_pct(rel, ' pp')} "
                f"(all days {_fmt_pct(ts.loc[h, 'base_mean_pct'], ' pp')})."
            )
        lines.append("\n".join(bullets))
        lines.append(self._verdict(sig_pos, sig_neg, pos_h, neg_h, tested, alpha))
        return "\n\n".join(lines)

    def _verdict(self, sig_pos, sig_neg, pos_h, neg_h, tested, alpha) -> str:
        small = self.signal.attrs["small"]
        claim = {"up": "small caps stay strong after they surge past large caps",
                 "down": "small caps rebound after they fall behind large caps",
                 "both": "small caps beat their drift after extreme divergences"}[
                     self.params["direction"]]

        def days(hs):
            return ", ".join(f"{h}" for h in hs) + " days"

        if not tested:
            return (f"**Verdict:** too few events to test whether {small} beats its "
                    "unconditional drift after these divergences.")
        if sig_pos and not sig_neg:
            where = " at those horizons" if len(sig_pos) < len(tested) else ""
            return (f"**Verdict:** after these divergences {small} beat its unconditional drift "
                    f"significantly at {days(sig_pos)}; the data support the claim that "
                    f"{claim}{where}.")
        if sig_neg and not sig_pos:
            return (f"**Verdict:** after these divergences {small} did significantly *worse* "
                    f"than its unconditional drift at {days(sig_neg)}; the data contradict the "
                    f"claim that {claim}.")
        if sig_pos and sig_neg:
            return (f"**Verdict:** mixed: significantly above the drift at {days(sig_pos)}, "
                    f"significantly below at {days(sig_neg)}.")
        if not neg_h:
            return (f"**Verdict:** {small} did better than its drift after events at every "
                    f"horizon, but no difference is significant at {alpha:.0%}: the gap is "
                    f"within what chance produces, so the data do not confirm that {claim}.")
        if not pos_h:
            return (f"**Verdict:** {small} did worse than its drift after events at every "
                    f"horizon, though not significantly at {alpha:.0%}; the data do not support "
                    f"the claim that {claim}.")
        return (f"**Verdict:** above the drift at {days(pos_h)}, below at {days(neg_h)}, none "
                f"significant at {alpha:.0%}: no evidence either way on the claim that {claim}.")

    def describe_events(self) -> str:
        """Markdown: how many events, when, how large, and how long the clusters lasted."""
        ev = self.events
        z = self.signal["z"].dropna()
        if z.empty:
            return "No z-score: the data are shorter than the warm-up period."
        n_days = int(_qualifies(z, self.params["sigma"], self.params["direction"]).sum())
        text = (f"{n_days} of {len(z)} trading days ({n_days / len(z):.2%}) had the "
                f"{self.short_rule}; declustered, they form **{len(ev)} event"
                f"{'s' if len(ev) != 1 else ''}**.")
        if ev.empty:
            return text
        peak = ev["peak_z"].abs().idxmax()
        years = (z.index[-1] - z.index[0]).days / 365.25
        text += (f" First {ev.index[0]:%Y-%m-%d}, last {ev.index[-1]:%Y-%m-%d}; about "
                 f"{len(ev) / years * 10:.1f} per decade. The most extreme cluster began "
                 f"{peak:%Y-%m-%d} and peaked at z = {ev.loc[peak, 'peak_z']:+.2f}. A cluster "
                 f"lasted {ev['cluster_days'].median():.0f} qualifying day(s) at the median "
                 f"(longest {int(ev['cluster_days'].max())}).")
        return text

    def describe_paths(self, which: str = "small") -> str:
        """Markdown: where the average post-event path ends against the baseline path."""
        p = self.paths(which)
        a = self.signal.attrs
        unit = "%" if which == "small" else " pp"
        what = a["small"] if which == "small" else f"{a['small']} minus {a['large']}"
        end = p.index.max()
        r = p.loc[end]
        if self.events.empty:
            return "No event, so no path after events to compare with the baseline."
        if not np.isfinite(r["event_mean"]):
            return f"No event has run {end} trading days yet."
        inside = r["band_low"] <= r["baseline"] <= r["band_high"]
        return (f"After {end} trading days the average path of {what} after events stands at "
                f"{_fmt_pct(r['event_mean'], unit)} (n = {int(r['n_events'])}) against "
                f"{_fmt_pct(r['baseline'], unit)} for all days; the baseline is "
                f"{'inside' if inside else 'outside'} the ±1.96 s.e. band "
                f"({_fmt_pct(r['band_low'], unit)} to {_fmt_pct(r['band_high'], unit)}).")

    def describe_sensitivity(self, table: pd.DataFrame, alpha: float = ALPHA) -> str:
        """Markdown reading of :meth:`sensitivity`: does the sign of the event-minus-baseline
        difference hold across thresholds, and is it significant anywhere?"""
        parts = []
        for h in self.horizons:
            col = f"diff_{h}d_pp"
            if col not in table:
                continue
            d = table[col].dropna()
            if d.empty:
                parts.append(f"{h} days: no complete window at any threshold")
                continue
            p = table.loc[d.index, f"p_{h}d"]
            n_sig = int((p < alpha).sum())
            sign = ("above the drift at every threshold" if (d > 0).all() else
                    "below the drift at every threshold" if (d < 0).all() else
                    "changes sign across thresholds")
            parts.append(f"{h} days: {sign} ({_fmt_pct(d.min(), ' pp')} to "
                         f"{_fmt_pct(d.max(), ' pp')}), significant at {alpha:.0%} for {n_sig} "
                         f"of {len(d)} thresholds")
        n = table["n_events"]
        counts = ", ".join(f"{int(v)} at {_fmt_sigma(k)}" for k, v in n.items())
        return (f"Events by threshold: {counts}. Event mean minus baseline for the small-cap "
                "index: " + "; ".join(parts) + ".")

    def describe_methods(self, table: pd.DataFrame, alpha: float = ALPHA) -> str:
        """Markdown reading of :meth:`compare_methods` at the longest horizon."""
        h = max(self.horizons)
        names = {"expanding": "expanding (no look-ahead)", "rolling": "rolling (no look-ahead)",
                 "full": "full-sample (in-sample, look-ahead)"}
        parts = []
        for m, r in table.iterrows():
            diff, p = r.get(f"diff_{h}d_pp", np.nan), r.get(f"p_{h}d", np.nan)
            if np.isfinite(diff):
                sig = (f"{'significant' if p < alpha else 'not significant'} "
                       f"({_fmt_p(p)})" if np.isfinite(p) else "not tested")
                parts.append(f"{names.get(m, m)}: {int(r['n_events'])} events, "
                             f"{_fmt_pct(diff, ' pp')} vs the drift at {h} days, {sig}")
            else:
                parts.append(f"{names.get(m, m)}: {int(r['n_events'])} events, no complete "
                             f"{h}-day window")
        text = "By standard-deviation method: " + "; ".join(parts) + "."
        if {"full", "expanding"} <= set(table.index):
            nf, ne = int(table.loc["full", "n_events"]), int(table.loc["expanding", "n_events"])
            if nf != ne:
                k = abs(nf - ne)
                text += (f" Standardising with the whole sample gives {k} "
                         f"{'more' if nf > ne else 'fewer'} event{'s' if k != 1 else ''} "
                         "than using only earlier "
                         "data: a study that does so selects events with information from after "
                         "them.")
            else:
                text += " Both give the same number of events."
        return text

    def describe_latest(self) -> str:
        """Markdown: the latest spread and z-score, and how far the last event's windows ran."""
        lt = self.latest()
        s = self.params["sigma"]
        z = lt["z"]
        if np.isfinite(z):
            beyond = _qualifies(pd.Series([z]), s, self.params["direction"]).iloc[0]
            ztxt = (f"z = {z:+.2f}, {'beyond' if beyond else 'inside'} the "
                    f"{_fmt_sigma(s)} threshold")
        else:
            ztxt = "no z-score yet (warm-up)"
        text = (f"As of **{lt['date']:%Y-%m-%d}** the {self.label} is "
                f"**{_fmt_pct(lt['spread_pct'], ' pp', 2)}** ({ztxt}).")
        le = self.latest_event()
        if le is None:
            return text + " There has been no event."
        done = [h for h, w in le["windows"].items() if w["complete"]]
        running = [(h, w) for h, w in le["windows"].items() if not w["complete"]]
        text += (f" The most recent event was on **{le['date']:%Y-%m-%d}** (z = {le['z']:+.2f}), "
                 f"{le['days_since']} trading days ago; {self.signal.attrs['small']} is "
                 f"{_fmt_pct(le['return_to_date_pct'])} since its close.")
        if done:
            text += " Complete windows: " + ", ".join(
                f"{h} days {_fmt_pct(le['windows'][h]['return_pct'])}" for h in done) + "."
        if running:
            text += " Still running: " + ", ".join(
                f"{h}-day window at day {w['days_elapsed']} of {h}" for h, w in running) + "."
        return text


def variants_table(table: pd.DataFrame) -> pd.DataFrame:
    """Lay out :meth:`DivergenceStudy.sensitivity` or :meth:`~DivergenceStudy.compare_methods`
    for reading: one column group per horizon (``n``, ``mean``, ``vs all days (pp)``, ``p``),
    rounded."""
    horizons = sorted({int(c[2:-1]) for c in table.columns if c.startswith("n_") and
                       c.endswith("d")})
    out = {("", "events"): table["n_events"].astype(int)}
    for h in horizons:
        out[(f"{h} days", "n")] = table[f"n_{h}d"].astype(int)
        out[(f"{h} days", "mean")] = table[f"mean_{h}d_pct"].round(2)
        out[(f"{h} days", "vs all days (pp)")] = table[f"diff_{h}d_pp"].round(2)
        out[(f"{h} days", "p")] = table[f"p_{h}d"].round(3)
    res = pd.DataFrame(out, index=table.index)
    if table.index.name == "sigma":
        res.index = pd.Index([_fmt_sigma(s) for s in table.index], name="threshold")
    return res


def variants_record(table: pd.DataFrame) -> dict:
    """:meth:`DivergenceStudy.sensitivity` or :meth:`~DivergenceStudy.compare_methods` as a
    JSON-ready dict keyed by threshold or method (as strings), one dict of columns each."""
    return {str(k): row for k, row in table.to_dict("index").items()}


def divergence_study(signal: pd.DataFrame, sigma: float = 3.0, direction: str = "up",
                     decluster_days: int = 20, forward_days=DEFAULT_FORWARD_DAYS,
                     n_boot: int = 2000, seed: int = 0) -> DivergenceStudy:
    """Events of extreme divergence and the forward returns that followed them.

    Parameters
    ----------
    signal : DataFrame
        Output of :func:`spread_zscore` (its last date is the as-of date).
    sigma : float
        Threshold in standard deviations of the spread.
    direction : {"up", "down", "both"}
        Small caps ahead (``z > sigma``), behind (``z < -sigma``) or either.
    decluster_days : int
        Qualifying days at most this many trading days after the previous qualifying day
        belong to the same event (see :func:`find_events`).
    forward_days : list of int
        Horizons of the forward returns, in trading days.
    n_boot, seed : int
        Bootstrap replicates and seed of the test of event mean minus baseline.

    Returns
    -------
    DivergenceStudy
    """
    needed = {"small", "large", "spread_pct", "z"}
    if not isinstance(signal, pd.DataFrame) or not needed <= set(signal.columns):
        raise ParameterError("signal must be the DataFrame returned by spread_zscore "
                             f"(columns {sorted(needed)})")
    horizons = _check_horizons(forward_days)
    n_boot = _check_int("n_boot", n_boot, 1)
    seed = _check_int("seed", seed, 0)
    events = find_events(signal["z"], sigma, direction, decluster_days)
    small = signal["small"].to_numpy(dtype=float)
    large = signal["large"].to_numpy(dtype=float)
    fwd_small = _forward_matrix(small, horizons)
    fwd_spread = fwd_small - _forward_matrix(large, horizons)
    eligible = signal["z"].notna().to_numpy()
    is_event = np.zeros(len(signal), dtype=bool)
    is_event[signal.index.get_indexer(events.index)] = True
    rows = []
    for which, mat in (("small", fwd_small), ("spread", fwd_spread)):
        for j, h in enumerate(horizons):
            col = mat[:, j]
            use = eligible & np.isfinite(col)
            ev = summarize(col[use & is_event])
            base = summarize(col[use])
            test = block_bootstrap_diff(col[use], is_event[use], block=max(h, 21),
                                        n_boot=n_boot, seed=seed + j)
            rows.append({"series": which, "horizon_days": h, "n_events": ev["n"],
                         "mean_pct": ev["mean"], "median_pct": ev["median"],
                         "hit_rate": ev["hit_rate"], "base_n": base["n"],
                         "base_mean_pct": base["mean"], "base_median_pct": base["median"],
                         "base_hit_rate": base["hit_rate"],
                         "diff_pp": ev["mean"] - base["mean"] if ev["n"] else np.nan,
                         "ci_low_pp": test["ci_low"], "ci_high_pp": test["ci_high"],
                         "p_value": test["p_value"]})
    table = pd.DataFrame(rows).set_index(["series", "horizon_days"])
    params = {"sigma": float(sigma), "direction": direction, "decluster_days": decluster_days,
              "forward_days": list(horizons), "n_boot": n_boot, "seed": seed,
              **{k: v for k, v in signal.attrs.items() if k != "provenance"}}
    return DivergenceStudy(signal=signal, events=events, params=params, table=table,
                           _fwd_small=fwd_small, _fwd_spread=fwd_spread)
