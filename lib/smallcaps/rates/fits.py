"""The measurements of the rates study: alignment of equity and yield periods, HAC
regressions, rolling fits, regimes, lead/lag and the latest weeks (see :mod:`smallcaps.rates`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tsa.stattools import grangercausalitytests

from smallcaps import data
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError
from smallcaps.returns import period_closes, relative_returns, simple_returns, window_return
from smallcaps.stats import T_CRIT, hac_maxlags, summarize

__all__ = [
    "SensitivityFit",
    "align_periods",
    "fit_sensitivity",
    "sensitivity_by_period",
    "regime_labels",
    "regime_table",
    "label_episodes",
    "latest_reading",
]

_FREQS = {"W-FRI": "W-FRI", "W": "W-FRI", "M": "M", "ME": "M", "D": "D"}
_PERIOD_NAME = {"W-FRI": "week", "M": "month", "D": "day"}
_PERIOD_ADJ = {"W-FRI": "weekly", "M": "monthly", "D": "daily"}
_HORIZONS = {"W-FRI": (1, 4, 13, 26, 52), "M": (1, 3, 6, 12), "D": (1, 5, 21, 63, 252)}
_GRANGER_LAGS = {"W-FRI": 4, "M": 3, "D": 5}
_MIN_PERIODS = 10
_REGIMES = ("falling", "neutral", "rising")
_MAX_LAG = 8


# ---- alignment -------------------------------------------------------------------------------

def _check_freq(freq: str) -> str:
    f = _FREQS.get(freq) if isinstance(freq, str) else None
    if f is None:
        raise ParameterError(f"freq {freq!r} is not supported; valid: W-FRI (weekly), M, D")
    return f


def _check_pair(pair) -> tuple[str, str]:
    if (isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2
            or not all(isinstance(k, str) and k for k in pair)):
        raise ParameterError(
            f"pair {pair!r} must be two price series keys (small, large), e.g. ('RUT', 'SPX')")
    return pair[0], pair[1]


def _check_key(prices: pd.DataFrame, key: str, what: str, kind: str) -> None:
    if key not in prices.columns:
        raise ParameterError(
            f"{what} {key!r} is not a column of the data; available: "
            + ", ".join(map(str, prices.columns))
        )
    got = data.get_series(key).kind
    if got != kind:
        raise ParameterError(
            f"{what} {key!r} is a {got} series; {what} must be a {kind} series "
            f"(e.g. {'DGS10 or DGS2' if kind == 'yield' else 'RUT or SPX'})"
        )


def _period_key(index: pd.DatetimeIndex, freq: str):
    return index.normalize() if freq == "D" else index.to_period(freq)


def align_periods(prices: pd.DataFrame, pair: Sequence[str] = ("RUT", "SPX"),
                  yield_series: str = "DGS10", freq: str = "W-FRI") -> pd.DataFrame:
    """Per-period closes, relative return and yield change, aligned period by period.

    Parameters
    ----------
    prices : DataFrame
        Daily closes from :func:`smallcaps.data.load`, one column per catalog key.
    pair : (str, str)
        Small-cap and large-cap price series keys (catalog kind ``price``).
    yield_series : str
        Yield key (catalog kind ``yield``, percent), e.g. ``"DGS10"`` or ``"DGS2"``.
    freq : str
        ``"W-FRI"``, ``"M"`` or ``"D"``.

    Returns
    -------
    DataFrame
        Indexed by the last date in each period on which both equities closed.  Columns
        ``small`` and ``large`` (closes), ``yield_pct`` (the yield's last valid value in the
        period, %), ``yield_date`` (the date of that value), ``rel_return_pct`` (small return
        minus large return since the previous row, pp) and ``yield_change_bp`` (bp).  The first
        row has NaN changes.  ``attrs`` carries ``keys``, ``freq``, ``provenance`` and
        ``unmatched`` (equity periods left out because the yield had no value in them).
    """
    small, large = _check_pair(pair)
    f = _check_freq(freq)
    _check_key(prices, small, "small", "price")
    _check_key(prices, large, "large", "price")
    _check_key(prices, yield_series, "yield_series", "yield")
    eq = prices[[small, large]].dropna()
    if eq.empty:
        raise ParameterError(f"{small} and {large} have no date in common in the data")
    yld = prices[yield_series].dropna()
    if yld.loc[: eq.index[-1]].empty:
        raise ParameterError(
            f"yield_series {yield_series!r} has no value on or before {eq.index[-1]:%Y-%m-%d}"
        )
    eq_p = period_closes(eq, f)
    # the yield's last valid value on or before each equity period close, in the same period
    pos = yld.index.searchsorted(eq_p.index, side="right") - 1
    ydates = yld.index[np.clip(pos, 0, None)]
    ok = (pos >= 0) & np.asarray(_period_key(ydates, f) == _period_key(eq_p.index, f))
    out = pd.DataFrame({"small": eq_p[small].to_numpy(), "large": eq_p[large].to_numpy(),
                        "yield_pct": yld.to_numpy()[np.clip(pos, 0, None)],
                        "yield_date": ydates}, index=eq_p.index)[ok]
    out.index.name = "date"
    rel = relative_returns(out["small"], out["large"])
    out["rel_return_pct"] = rel.reindex(out.index)
    out["yield_change_bp"] = out["yield_pct"].diff() * 100.0
    out.attrs = {"keys": {"small": small, "large": large, "yield": yield_series}, "freq": f,
                 "unmatched": int((~ok).sum()),
                 "provenance": {k: v for k, v in prices.attrs.get("provenance", {}).items()
                                if k in (small, large, yield_series)}}
    return out


# ---- regression ------------------------------------------------------------------------------

@dataclass
class SensitivityFit:
    """OLS of relative return (pp) on yield change, slope per +100 bp.

    Attributes
    ----------
    slope : float
        pp of relative return per +100 bp of yield change (negative = falling yields help
        small caps).
    se_hac, t_hac, p_hac : float
        Newey-West standard error (pp per 100 bp), t-statistic and two-sided p-value.
    ci_low, ci_high : float
        95 % HAC confidence band of the slope, pp per +100 bp.
    t_plain : float
        Ordinary (i.i.d.) OLS t-statistic, for comparison.
    intercept : float
        Mean relative return when the yield is unchanged, pp per period.
    r_squared, corr : float
        R² (0..1) and Pearson correlation of the two series.
    n, maxlags : int
        Observations and HAC lag length.
    results : statsmodels RegressionResults or None
        The HAC-fitted OLS (parameters ``[const, slope per +100 bp]``); None when there were
        too few data to fit.
    """

    slope: float
    se_hac: float
    t_hac: float
    p_hac: float
    ci_low: float
    ci_high: float
    t_plain: float
    intercept: float
    r_squared: float
    corr: float
    n: int
    maxlags: int
    results: Any = field(default=None, repr=False, compare=False)

    @property
    def significant(self) -> bool:
        """``|t_hac| >= T_CRIT`` (1.96)."""
        return bool(np.isfinite(self.t_hac) and abs(self.t_hac) >= T_CRIT)

    @property
    def verdict(self) -> str:
        """The label of the fit against the claim (a negative slope): ``"supports claim"``,
        ``"contradicts claim"``, ``"not significant"`` or ``"too few data"``."""
        if not np.isfinite(self.slope):
            return "too few data"
        if not self.significant:
            return "not significant"
        return "supports claim" if self.slope < 0 else "contradicts claim"

    def conf_int(self, alpha: float = 0.05) -> tuple[float, float]:
        """HAC confidence band of the slope at level ``1 - alpha``, pp per +100 bp (NaNs when
        there was no fit)."""
        if self.results is None:
            return float("nan"), float("nan")
        lo, hi = self.results.conf_int(alpha=alpha)[1]
        return float(lo), float(hi)


def fit_sensitivity(rel_return_pct: pd.Series, yield_change_bp: pd.Series,
                    maxlags: int | None = None) -> SensitivityFit:
    """Regress relative return (pp) on yield change (bp) with Newey-West standard errors.

    Parameters
    ----------
    rel_return_pct : Series
        Relative return per period, pp.
    yield_change_bp : Series
        Yield change over the same periods, bp (aligned on the index; NaN rows dropped).
    maxlags : int, optional
        HAC lag length; default :func:`smallcaps.stats.hac_maxlags` of the sample size.

    Returns
    -------
    SensitivityFit
        Slope in pp per +100 bp with HAC and plain t-statistics (NaNs when n < 3 or the yield
        never changes).
    """
    y, x = _pairs(rel_return_pct, yield_change_bp)
    n = len(y)
    lags = hac_maxlags(n) if maxlags is None else int(maxlags)
    if _degenerate(y, x):
        nan = float("nan")
        return SensitivityFit(nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, n, lags)
    model = sm.OLS(y, sm.add_constant(x / 100.0))  # per +100 bp
    plain = model.fit()
    hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "kernel": "bartlett"})
    lo, hi = hac.conf_int(alpha=0.05)[1]
    return SensitivityFit(
        slope=float(hac.params[1]), se_hac=float(hac.bse[1]), t_hac=float(hac.tvalues[1]),
        p_hac=float(hac.pvalues[1]), ci_low=float(lo), ci_high=float(hi),
        t_plain=float(plain.tvalues[1]), intercept=float(plain.params[0]),
        r_squared=float(plain.rsquared), corr=float(pd.Series(y).corr(pd.Series(x))), n=n,
        maxlags=lags, results=hac,
    )


def _pairs(y: pd.Series, x: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The two series' values on the dates both have one, in date order (the rows of
    ``concat([y, x], axis=1).dropna()``; without building it when both share one index)."""
    if y.index.equals(x.index) and y.index.is_unique:
        a, b = y.to_numpy(), x.to_numpy()
        ok = ~(pd.isna(a) | pd.isna(b))
        return a[ok], b[ok]
    df = pd.concat([y.rename("y"), x.rename("x")], axis=1).dropna()
    return df["y"].to_numpy(), df["x"].to_numpy()


def _degenerate(y: np.ndarray, x: np.ndarray) -> bool:
    """Too few pairs to fit (fewer than 3), or a series that never changes."""
    return len(y) < 3 or pd.Series(x).std() == 0 or pd.Series(y).std() == 0


def slope_verdict(y: np.ndarray, x: np.ndarray) -> str:
    """:attr:`SensitivityFit.verdict` of :func:`fit_sensitivity` on paired arrays (relative
    return, pp; yield change, bp; no NaN), from the HAC fit alone: what a leave-one-out
    search re-fits many times."""
    if _degenerate(y, x):
        return SensitivityFit(*[float("nan")] * 10, len(y), hac_maxlags(len(y))).verdict
    hac = sm.OLS(y, sm.add_constant(x / 100.0)).fit(
        cov_type="HAC", cov_kwds={"maxlags": hac_maxlags(len(y)), "kernel": "bartlett"})
    nan = float("nan")
    return SensitivityFit(slope=float(hac.params[1]), se_hac=nan, t_hac=float(hac.tvalues[1]),
                          p_hac=nan, ci_low=nan, ci_high=nan, t_plain=nan, intercept=nan,
                          r_squared=nan, corr=nan, n=len(y), maxlags=hac_maxlags(len(y))).verdict


def _fit_row(fit: SensitivityFit) -> dict:
    return {"n": fit.n, "slope_pct_per_100bp": fit.slope, "ci_low": fit.ci_low,
            "ci_high": fit.ci_high, "t_hac": fit.t_hac, "t_plain": fit.t_plain,
            "r_squared": fit.r_squared, "corr": fit.corr, "hac_lags": fit.maxlags,
            "verdict": fit.verdict}


def sensitivity_by_period(aligned: pd.DataFrame, edges=None) -> pd.DataFrame:
    """The regression per decade (default) or per sub-period.

    Parameters
    ----------
    aligned : DataFrame
        From :func:`align_periods`.
    edges : list of date-like, optional
        Sub-period boundaries ``YYYY-MM-DD`` (each sub-period starts on an edge, the last runs
        to the end); default: calendar decades.

    Returns
    -------
    DataFrame
        One row per sub-period (index label such as ``"1990s"`` or ``"2008-01-01.."``) with
        ``start``, ``end``, ``n``, ``slope_pct_per_100bp``, 95 % HAC band (``ci_low``,
        ``ci_high``, pp per +100 bp), ``t_hac``, ``t_plain``, ``r_squared``, ``corr``,
        ``hac_lags`` and ``verdict``.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    if edges is None:
        groups = d.groupby((d.index.year // 10) * 10)
        labelled = [(f"{int(k)}s", g) for k, g in groups]
    else:
        bounds = sorted(parse_date(e, "edges", required=True) for e in edges)
        ends = bounds[1:] + [None]
        labelled = [(f"{b:%Y-%m-%d}..", d.loc[(d.index >= b) & (d.index < e)] if e is not None
                     else d.loc[d.index >= b]) for b, e in zip(bounds, ends, strict=True)]
    rows = {}
    for label, g in labelled:
        if g.empty:
            continue
        fit = fit_sensitivity(g["rel_return_pct"], g["yield_change_bp"])
        rows[label] = {"start": g.index[0], "end": g.index[-1], **_fit_row(fit)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "period"
    return out


def _by_horizon(aligned: pd.DataFrame) -> pd.DataFrame:
    """The regression on overlapping h-period changes, for the horizons of the frequency.

    One row per horizon (index: ``"1 week"``, ``"13 weeks"`` ...) with ``periods`` (h), ``n``
    (overlapping h-period changes), ``independent`` (``n // h``: the non-overlapping h-period
    changes the sample holds, the number of independent observations the horizon rests on),
    ``slope_pct_per_100bp`` (pp of h-period relative return per +100 bp of h-period yield
    change), HAC band and t (Newey-West, lags ``max(rule, h)``: neighbouring h-period changes
    share h - 1 periods, so only a HAC t is honest), ``t_plain`` (kept for audit, never shown),
    ``r_squared``, ``corr`` and ``verdict``.  Horizons with fewer than 10 overlapping changes
    are left out.
    """
    f = aligned.attrs.get("freq", "W-FRI")
    unit = _PERIOD_NAME.get(f, "period")
    rows = {}
    for h in _HORIZONS.get(f, (1,)):
        r = simple_returns(aligned[["small", "large"]], h)
        rel = r["small"] - r["large"]
        dy = aligned["yield_pct"].diff(h) * 100.0
        n = int(pd.concat([rel, dy], axis=1).dropna().shape[0])
        if n < _MIN_PERIODS:
            continue
        fit = fit_sensitivity(rel, dy, maxlags=max(hac_maxlags(n), h if h > 1 else 0))
        rows[f"{h} {unit}{'s' if h > 1 else ''}"] = {"periods": h, "independent": n // h,
                                                      **_fit_row(fit)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "horizon"
    return out


# ---- rolling, regimes, lead/lag, latest ------------------------------------------------------

def _rolling(aligned: pd.DataFrame, window: int) -> pd.DataFrame:
    """Rolling correlation and OLS beta over ``window`` periods (trailing, causal).

    Indexed like the sample: ``corr`` (Pearson), ``beta`` (pp per +100 bp, statsmodels
    RollingOLS), ``beta_low`` / ``beta_high`` (beta ± 1.96 plain OLS standard errors of that
    window).  NaN until a full window is available.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    corr = d["rel_return_pct"].rolling(window).corr(d["yield_change_bp"])
    X = sm.add_constant(d["yield_change_bp"] / 100.0)
    res = RollingOLS(d["rel_return_pct"], X, window=window).fit()
    beta = res.params["yield_change_bp"]
    se = res.bse["yield_change_bp"]
    return pd.DataFrame({"corr": corr, "beta": beta, "beta_low": beta - T_CRIT * se,
                         "beta_high": beta + T_CRIT * se}, index=d.index)


def _check_window(window, n: int, freq: str) -> None:
    if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 3:
        raise ParameterError(f"window must be a whole number of periods >= 3, got {window!r}")
    if window > n:
        raise ParameterError(
            f"window {window} is longer than the sample ({n} {_PERIOD_ADJ.get(freq, 'period')} "
            f"changes); use a window of at most {n} or an earlier start"
        )


def _check_regime(regime) -> tuple[int, float]:
    if isinstance(regime, str) or not isinstance(regime, Sequence) or len(regime) != 2:
        raise ParameterError(
            f"regime {regime!r} must be a pair (regime_periods, regime_bp), e.g. (13, 25)")
    periods, bp = regime
    if not isinstance(periods, (int, np.integer)) or isinstance(periods, bool) or periods < 1:
        raise ParameterError(f"regime_periods must be a whole number >= 1, got {periods!r}")
    if (isinstance(bp, bool) or not isinstance(bp, (int, float, np.number))
            or not np.isfinite(bp) or bp < 0):
        raise ParameterError(f"regime_bp must be a number of basis points >= 0, got {bp!r}")
    return int(periods), float(bp)


def regime_labels(aligned: pd.DataFrame, regime_periods: int = 13,
                  regime_bp: float = 25) -> pd.Series:
    """Label each period by the trailing ``regime_periods`` yield change ending at it.

    ``falling`` when the yield fell more than ``regime_bp`` basis points, ``rising`` when it
    rose more, ``neutral`` otherwise (exactly ``regime_bp`` is neutral).  Only trailing data
    are used.  Periods without a full look-back (the first ``regime_periods``) and without a
    relative return are left out, so the labels partition the periods that have both.
    """
    regime_periods, regime_bp = _check_regime((regime_periods, regime_bp))
    change = aligned["yield_pct"].diff(regime_periods) * 100.0
    ok = change.notna() & aligned["rel_return_pct"].notna()
    if int(ok.sum()) < 1:
        raise ParameterError(
            f"regime_periods {regime_periods} leaves no period with a full look-back "
            f"(sample has {len(aligned)} periods)"
        )
    c = change[ok].round(9)
    lab = np.where(c < -regime_bp, "falling", np.where(c > regime_bp, "rising", "neutral"))
    return pd.Series(lab, index=c.index, name="regime")


def label_episodes(labels: pd.Series, gap: int) -> pd.DataFrame:
    """Episodes of a labelled series: stretches of consecutive periods with the same label,
    where two stretches of one label fewer than ``gap`` periods apart count as one (a short
    pause inside one cycle is not a new cycle).

    Parameters
    ----------
    labels : Series
        One label per period, in time order (unlabelled periods left out).
    gap : int
        Periods (>= 1); stretches of a label separated by fewer than ``gap`` periods of other
        labels are merged.

    Returns
    -------
    DataFrame
        One row per episode in order of its start: ``label``, ``start``, ``end`` (first and
        last period carrying the label), ``periods`` (periods with the label in it) and
        ``name`` (``"YYYY-MM..YYYY-MM"``).  ``attrs["episode"]`` maps each period to the row
        number of its episode (a Series like ``labels``).
    """
    gap = max(1, int(gap))
    lab = pd.Series(labels)
    values = lab.to_numpy()
    # runs of one label (consecutive periods); a run joins the label's last episode when it
    # starts fewer than ``gap`` periods after that episode's last period
    n = len(values)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if n else np.zeros(0, int)
    stops = np.append(starts[1:], n) if n else np.zeros(0, int)
    run_rows = np.full(len(starts), -1, dtype=int)
    rows: list[dict] = []
    last: dict = {}  # label -> (episode row, position of its last period)
    for k, (first, stop) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
        value = values[first]
        if value in last and first - last[value][1] - 1 < gap:
            row = last[value][0]
        else:
            row = len(rows)
            rows.append({"label": value, "start": lab.index[first], "periods": 0})
        run_rows[k] = row
        rows[row]["end"] = lab.index[stop - 1]
        rows[row]["periods"] += stop - first
        last[value] = (row, stop - 1)
    ids = np.repeat(run_rows, stops - starts)
    out = pd.DataFrame(rows, columns=["label", "start", "end", "periods"])
    out["name"] = [f"{a:%Y-%m}..{b:%Y-%m}" for a, b in zip(out["start"], out["end"], strict=True)]
    out.attrs["episode"] = pd.Series(ids, index=lab.index, name="episode")
    return out


def regime_table(aligned: pd.DataFrame, regime_periods: int = 13,
                 regime_bp: float = 25) -> pd.DataFrame:
    """Relative return per period in falling / neutral / rising yield regimes.

    Returns
    -------
    DataFrame
        Index ``falling``, ``neutral``, ``rising``; columns ``mean_rel_return_pct`` (mean
        relative return of the periods in the regime, pp per period), ``median_rel_return_pct``,
        ``hit_rate`` (share of periods small caps beat large caps, 0..1), ``n``, ``episodes``
        (distinct stretches of the regime, :func:`label_episodes` with a gap of
        ``regime_periods``: the labels come from overlapping look-backs, so the periods of a
        regime cluster into far fewer independent episodes), ``t`` (mean / standard error),
        ``se_pct`` (standard error of the mean, pp) and ``next_mean_pct`` / ``next_t`` (the
        same for the period *after* each labelled period: what the regime said about the next
        period).
    """
    lab = regime_labels(aligned, regime_periods, regime_bp)
    eps = label_episodes(lab, regime_periods)["label"].value_counts()
    rel = aligned["rel_return_pct"]
    nxt = rel.shift(-1)
    rows = {}
    for name in _REGIMES:
        idx = lab.index[lab == name]
        s = summarize(rel.loc[idx])
        sn = summarize(nxt.loc[idx])
        rows[name] = {"mean_rel_return_pct": s["mean"], "median_rel_return_pct": s["median"],
                      "hit_rate": s["hit_rate"], "n": s["n"],
                      "episodes": int(eps.get(name, 0)), "t": s["t"],
                      "se_pct": s["std"] / math.sqrt(s["n"]) if s["n"] > 1 else float("nan"),
                      "next_mean_pct": sn["mean"], "next_t": sn["t"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    out.attrs = {"regime_periods": regime_periods, "regime_bp": regime_bp}
    return out


def _cross_correlation(aligned: pd.DataFrame, max_lag: int = _MAX_LAG) -> pd.Series:
    """Correlation of the yield change at t with the relative return at t + k, k = -max..max.

    Positive k: the yield change *leads* the relative return by k periods; negative k: the
    relative return leads.  k = 0 is the contemporaneous correlation.  ``attrs["n"]`` is the
    number of periods.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    out = {k: d["yield_change_bp"].corr(d["rel_return_pct"].shift(-k))
           for k in range(-max_lag, max_lag + 1)}
    s = pd.Series(out, name="corr", dtype=float)
    s.index.name = "lag"
    s.attrs["n"] = len(d)
    return s


def _granger(aligned: pd.DataFrame) -> pd.DataFrame:
    """Granger causality F-tests both ways (statsmodels ``grangercausalitytests``) with 4 weekly
    / 3 monthly / 5 daily lags.

    Index ``yield_to_relative`` (do past yield changes help predict the relative return beyond
    its own past?) and ``relative_to_yield``; columns ``lags``, ``F``, ``p_value``.  NaN F and
    p-values when the sample has fewer than ``3 * lags + 10`` periods.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    lags = _GRANGER_LAGS.get(aligned.attrs.get("freq", "W-FRI"), 4)
    rows = {}
    for name, cols in (("yield_to_relative", ["rel_return_pct", "yield_change_bp"]),
                       ("relative_to_yield", ["yield_change_bp", "rel_return_pct"])):
        F = p = float("nan")
        if len(d) >= 3 * lags + 10:
            res = grangercausalitytests(d[cols].to_numpy(), maxlag=[lags])
            F, p = (float(v) for v in res[lags][0]["ssr_ftest"][:2])
        rows[name] = {"lags": lags, "F": F, "p_value": p}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "direction"
    return out


def latest_reading(prices: pd.DataFrame, pair: Sequence[str] = ("RUT", "SPX"),
                   yield_series: str = "DGS10") -> dict:
    """Where things stand on the last date both equity series have a close.

    One week back means the last close on or before that date minus 7 calendar days (Friday
    to Friday when the last date is a Friday; a holiday Friday falls back to Thursday); four
    weeks back, minus 28 days.

    Returns
    -------
    dict
        ``date`` (last common equity date), ``yield_date`` (date of the last valid yield on or
        before it), ``yield_last`` (%), ``yield_change_1w_bp``, ``yield_change_4w_bp`` (bp),
        ``relative_return_1w_pct`` (small minus large over the week, pp), ``small_return_1w_pct``
        and ``large_return_1w_pct`` (%).
    """
    small, large = _check_pair(pair)
    eq = prices[[small, large]].dropna()
    end = eq.index[-1]
    yld = prices[yield_series].dropna().loc[:end]

    def back(days):
        s = yld.loc[: end - pd.Timedelta(days=days)]
        return float(s.iloc[-1]) if len(s) else float("nan")

    last = float(yld.iloc[-1])
    a = window_return(eq[small], end - pd.Timedelta(days=7), end)
    b = window_return(eq[large], end - pd.Timedelta(days=7), end)
    return {"date": end, "yield_date": yld.index[-1], "yield_last": last,
            "yield_change_1w_bp": round((last - back(7)) * 100.0, 6),
            "yield_change_4w_bp": round((last - back(28)) * 100.0, 6),
            "relative_return_1w_pct": a - b, "small_return_1w_pct": a, "large_return_1w_pct": b}
