"""Do small caps outperform when Treasury yields fall?  (notebook 01)

The claim: small caps carry more floating-rate debt, so falling yields help them relative to
large caps.  In the numbers that means a **negative** slope of the small-minus-large relative
return on the change in the yield.  This module measures that slope and how stable it is.

Units and conventions
---------------------
* Relative return per period = small-cap return minus large-cap return, in percentage points
  (pp, "%").  Yield level in percent, yield change in basis points (bp; 1 bp = 0.01 %).
* Slopes are quoted in **pp of relative return per +100 bp** of yield change.
* Periods are ``"W-FRI"`` (weeks ending Friday), ``"M"`` (calendar months) or ``"D"`` (days),
  built with :func:`smallcaps.returns.period_closes`: the last close in each period, labelled
  by the date it was observed (a holiday Friday uses Thursday's close).

Alignment (how FRED holidays are handled)
-----------------------------------------
FRED yields are NaN on bond-market holidays (Columbus Day, Veterans Day ...) on which stocks
may trade, and have values on some days stocks are shut (Good Friday in some years, 2001-09-13
and 14).  :func:`align_periods` takes, in each period, the equity close from the last date on
which *both* equity series have a close, and the yield's **last valid value on or before that
date within the same period** (so a bond-holiday Friday uses Thursday's yield, and a Good Friday
yield fixing after Thursday's equity close is not used that week: it enters the next change).
Periods that lack either are dropped, so the next change spans two periods for both sides.  For
``freq="D"`` a bond holiday is dropped and the following day's changes cover two trading days
on both sides.  No yield dated after the equity close it is paired with is ever used.

Statistics
----------
* Full-sample OLS with Newey-West (HAC, Bartlett kernel) standard errors; the lag length is
  ``L = floor(4 * (n / 100) ** (2 / 9))`` (Newey & West 1994), e.g. 7 for ~1,900 weekly
  periods.  For overlapping h-period horizons ``L = max(rule, h)`` so the kernel spans the
  overlap.  Plain OLS t-statistics are reported beside the HAC ones.
* "Significant" means ``|t_HAC| >= 1.96`` (5 % two-sided, normal approximation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tsa.stattools import grangercausalitytests

from smallcaps import data
from smallcaps.errors import ParameterError
from smallcaps.returns import (
    period_closes,
    relative_returns,
    simple_returns,
    summarize,
    window_return,
)

FREQS = {"W-FRI": "W-FRI", "W": "W-FRI", "M": "M", "ME": "M", "D": "D"}
PERIOD_NAME = {"W-FRI": "week", "M": "month", "D": "day"}
PERIOD_ADJ = {"W-FRI": "weekly", "M": "monthly", "D": "daily"}
HORIZONS = {"W-FRI": (1, 4, 13, 26, 52), "M": (1, 3, 6, 12), "D": (1, 5, 21, 63, 252)}
GRANGER_LAGS = {"W-FRI": 4, "M": 3, "D": 5}
T_CRIT = 1.96
MIN_PERIODS = 10
REGIMES = ("falling", "neutral", "rising")


# ---------------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------------

def _check_freq(freq: str) -> str:
    f = FREQS.get(freq) if isinstance(freq, str) else None
    if f is None:
        raise ParameterError(f"freq {freq!r} is not supported; valid: W-FRI (weekly), M, D")
    return f


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
    if freq == "D":
        return index.normalize()
    return index.to_period(freq)


def align_periods(prices: pd.DataFrame, small: str = "RUT", large: str = "SPX",
                  yield_series: str = "DGS10", freq: str = "W-FRI") -> pd.DataFrame:
    """Per-period closes, relative return and yield change, aligned period by period.

    Parameters
    ----------
    prices : DataFrame
        Daily closes from :func:`smallcaps.data.load`, one column per catalog key.
    small, large : str
        Price series keys (catalog kind ``price``).
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


# ---------------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------------

def hac_maxlags(n: int) -> int:
    """Newey-West (1994) lag rule ``floor(4 * (n / 100) ** (2 / 9))`` (at least 1)."""
    return max(1, int(math.floor(4.0 * (max(n, 1) / 100.0) ** (2.0 / 9.0))))


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
        95 % HAC confidence band of the slope.
    t_plain : float
        Ordinary (i.i.d.) OLS t-statistic, for comparison.
    intercept : float
        Mean relative return when the yield is unchanged, pp per period.
    r_squared, corr : float
        R² (0..1) and Pearson correlation of the two series.
    n, maxlags : int
        Observations and HAC lag length.
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

    @property
    def significant(self) -> bool:
        return bool(np.isfinite(self.t_hac) and abs(self.t_hac) >= T_CRIT)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


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
        HAC lag length; default :func:`hac_maxlags` of the sample size.

    Returns
    -------
    SensitivityFit
        Slope in pp per +100 bp with HAC and plain t-statistics (NaNs when n < 3 or the yield
        never changes).
    """
    df = pd.concat([rel_return_pct.rename("y"), yield_change_bp.rename("x")], axis=1).dropna()
    n = len(df)
    L = hac_maxlags(n) if maxlags is None else int(maxlags)
    if n < 3 or df["x"].std() == 0 or df["y"].std() == 0:
        nan = float("nan")
        return SensitivityFit(nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, n, L)
    X = sm.add_constant(df["x"].to_numpy() / 100.0)  # per +100 bp
    y = df["y"].to_numpy()
    model = sm.OLS(y, X)
    plain = model.fit()
    hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": L, "kernel": "bartlett"})
    lo, hi = hac.conf_int(alpha=0.05)[1]
    return SensitivityFit(
        slope=float(hac.params[1]), se_hac=float(hac.bse[1]), t_hac=float(hac.tvalues[1]),
        p_hac=float(hac.pvalues[1]), ci_low=float(lo), ci_high=float(hi),
        t_plain=float(plain.tvalues[1]), intercept=float(plain.params[0]),
        r_squared=float(plain.rsquared), corr=float(df["y"].corr(df["x"])), n=n, maxlags=L,
    )


def _verdict(fit: SensitivityFit) -> str:
    if not np.isfinite(fit.slope):
        return "too few data"
    if not fit.significant:
        return "not significant"
    return "supports claim" if fit.slope < 0 else "contradicts claim"


def _fit_row(fit: SensitivityFit) -> dict:
    return {"n": fit.n, "slope_pct_per_100bp": fit.slope, "ci_low": fit.ci_low,
            "ci_high": fit.ci_high, "t_hac": fit.t_hac, "t_plain": fit.t_plain,
            "r_squared": fit.r_squared, "corr": fit.corr, "hac_lags": fit.maxlags,
            "verdict": _verdict(fit)}


def sensitivity_by_period(aligned: pd.DataFrame, edges=None) -> pd.DataFrame:
    """The regression per decade (default) or per sub-period.

    Parameters
    ----------
    aligned : DataFrame
        From :func:`align_periods`.
    edges : list of date-like, optional
        Sub-period boundaries (each sub-period starts on an edge, the last runs to the end);
        default: calendar decades.

    Returns
    -------
    DataFrame
        One row per sub-period (index label such as ``"1990s"`` or ``"2008-01-01.."``) with
        ``start``, ``end``, ``n``, ``slope_pct_per_100bp``, 95 % HAC band, ``t_hac``,
        ``t_plain``, ``r_squared``, ``corr``, ``hac_lags`` and ``verdict``.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    if edges is None:
        groups = d.groupby((d.index.year // 10) * 10)
        labelled = [(f"{int(k)}s", g) for k, g in groups]
    else:
        bounds = sorted(pd.Timestamp(e) for e in edges)
        labelled = []
        for i, b in enumerate(bounds):
            g = d.loc[d.index >= b]
            if i + 1 < len(bounds):
                g = g.loc[g.index < bounds[i + 1]]
            labelled.append((f"{b:%Y-%m-%d}..", g))
    rows = {}
    for label, g in labelled:
        if g.empty:
            continue
        fit = fit_sensitivity(g["rel_return_pct"], g["yield_change_bp"])
        rows[label] = {"start": g.index[0], "end": g.index[-1], **_fit_row(fit)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "period"
    return out


def sensitivity_by_horizon(aligned: pd.DataFrame, horizons=None) -> pd.DataFrame:
    """The regression on overlapping h-period changes, for several horizons h.

    Returns
    -------
    DataFrame
        One row per horizon (index: ``"1 week"``, ``"13 weeks"`` ...) with ``periods`` (h),
        ``n``, ``slope_pct_per_100bp`` (pp of h-period relative return per +100 bp of
        h-period yield change), HAC band and t (lags ``max(rule, h)``), ``t_plain``,
        ``r_squared``, ``corr`` and ``verdict``.
    """
    f = aligned.attrs.get("freq", "W-FRI")
    horizons = HORIZONS.get(f, (1,)) if horizons is None else horizons
    unit = PERIOD_NAME.get(f, "period")
    rows = {}
    for h in horizons:
        r = simple_returns(aligned[["small", "large"]], h)
        rel = r["small"] - r["large"]
        dy = aligned["yield_pct"].diff(h) * 100.0
        n = int(pd.concat([rel, dy], axis=1).dropna().shape[0])
        if n < MIN_PERIODS:
            continue
        fit = fit_sensitivity(rel, dy, maxlags=max(hac_maxlags(n), h if h > 1 else 0))
        rows[f"{h} {unit}{'s' if h > 1 else ''}"] = {"periods": h, **_fit_row(fit)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "horizon"
    return out


# ---------------------------------------------------------------------------------------------
# Rolling, regimes, lead/lag, latest
# ---------------------------------------------------------------------------------------------

def rolling_sensitivity(aligned: pd.DataFrame, window: int = 52) -> pd.DataFrame:
    """Rolling correlation and rolling OLS beta over ``window`` periods (trailing, causal).

    Returns
    -------
    DataFrame
        Indexed like the sample: ``corr`` (Pearson), ``beta`` (pp per +100 bp, statsmodels
        RollingOLS), ``beta_low`` / ``beta_high`` (beta ± 1.96 plain OLS standard errors of that
        window).  NaN until a full window is available.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    _check_window(window, len(d), aligned.attrs.get("freq", "W-FRI"))
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
            f"window {window} is longer than the sample ({n} {PERIOD_ADJ.get(freq, 'period')} "
            f"changes); use a window of at most {n} or an earlier start"
        )


def regime_labels(aligned: pd.DataFrame, regime_periods: int = 13,
                  regime_bp: float = 25) -> pd.Series:
    """Label each period by the trailing ``regime_periods`` yield change ending at it.

    ``falling`` when the yield fell more than ``regime_bp`` bp, ``rising`` when it rose more,
    ``neutral`` otherwise.  Only trailing data are used.  Periods without a full look-back (the
    first ``regime_periods``) and without a relative return are left out, so the labels
    partition the periods that have both.
    """
    if not isinstance(regime_periods, (int, np.integer)) or regime_periods < 1:
        raise ParameterError(f"regime_periods must be a whole number >= 1, got {regime_periods!r}")
    if not np.isfinite(regime_bp) or regime_bp < 0:
        raise ParameterError(f"regime_bp must be a number of basis points >= 0, got {regime_bp!r}")
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


def regime_table(aligned: pd.DataFrame, regime_periods: int = 13,
                 regime_bp: float = 25) -> pd.DataFrame:
    """Relative return per period in falling / neutral / rising yield regimes.

    Returns
    -------
    DataFrame
        Index ``falling``, ``neutral``, ``rising``; columns ``mean_rel_return_pct`` (mean
        relative return of the periods in the regime, pp per period), ``median_rel_return_pct``,
        ``hit_rate`` (share of periods small caps beat large caps, 0..1), ``n``, ``t``
        (mean / standard error), ``se_pct`` (standard error of the mean, pp) and
        ``next_mean_pct`` / ``next_t`` (the same for the period
        *after* each labelled period: what the regime said about the next period).
    """
    lab = regime_labels(aligned, regime_periods, regime_bp)
    rel = aligned["rel_return_pct"]
    nxt = rel.shift(-1)
    rows = {}
    for name in REGIMES:
        idx = lab.index[lab == name]
        s = summarize(rel.loc[idx])
        sn = summarize(nxt.loc[idx])
        rows[name] = {"mean_rel_return_pct": s["mean"], "median_rel_return_pct": s["median"],
                      "hit_rate": s["hit_rate"], "n": s["n"], "t": s["t"],
                      "se_pct": s["std"] / math.sqrt(s["n"]) if s["n"] > 1 else float("nan"),
                      "next_mean_pct": sn["mean"], "next_t": sn["t"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    out.attrs = {"regime_periods": regime_periods, "regime_bp": regime_bp}
    return out


def cross_correlation(aligned: pd.DataFrame, max_lag: int = 8) -> pd.Series:
    """Correlation of the yield change at t with the relative return at t + k, k = -max..max.

    Positive k: the yield change *leads* the relative return by k periods; negative k: the
    relative return leads.  k = 0 is the contemporaneous correlation.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    out = {k: d["yield_change_bp"].corr(d["rel_return_pct"].shift(-k))
           for k in range(-max_lag, max_lag + 1)}
    s = pd.Series(out, name="corr", dtype=float)
    s.index.name = "lag"
    s.attrs["n"] = len(d)
    return s


def granger(aligned: pd.DataFrame, lags: int | None = None) -> pd.DataFrame:
    """Granger causality F-tests both ways (statsmodels ``grangercausalitytests``).

    Parameters
    ----------
    lags : int, optional
        Lags in periods; default 4 weeks / 3 months / 5 days.

    Returns
    -------
    DataFrame
        Index ``yield_to_relative`` (do past yield changes help predict the relative return
        beyond its own past?) and ``relative_to_yield``; columns ``lags``, ``F``, ``p_value``.
    """
    d = aligned[["rel_return_pct", "yield_change_bp"]].dropna()
    L = GRANGER_LAGS.get(aligned.attrs.get("freq", "W-FRI"), 4) if lags is None else int(lags)
    if len(d) < 3 * L + 10:
        raise ParameterError(f"Granger test with {L} lags needs at least {3 * L + 10} periods; "
                             f"the sample has {len(d)}")
    rows = {}
    for name, cols in (("yield_to_relative", ["rel_return_pct", "yield_change_bp"]),
                       ("relative_to_yield", ["yield_change_bp", "rel_return_pct"])):
        res = grangercausalitytests(d[cols].to_numpy(), maxlag=[L])
        F, p = res[L][0]["ssr_ftest"][:2]
        rows[name] = {"lags": L, "F": float(F), "p_value": float(p)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "direction"
    return out


def _granger_if_possible(aligned: pd.DataFrame) -> pd.DataFrame:
    """:func:`granger`, or NaN p-values when the sample is too short for its lags."""
    L = GRANGER_LAGS.get(aligned.attrs.get("freq", "W-FRI"), 4)
    n = int(aligned[["rel_return_pct", "yield_change_bp"]].dropna().shape[0])
    if n >= 3 * L + 10:
        return granger(aligned, L)
    out = pd.DataFrame({"lags": [L, L], "F": [np.nan] * 2, "p_value": [np.nan] * 2},
                       index=pd.Index(["yield_to_relative", "relative_to_yield"], name="direction"))
    return out


def latest_reading(prices: pd.DataFrame, small: str = "RUT", large: str = "SPX",
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


def _ordinal(x: float) -> str:
    n = int(round(x))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percentile_of_last(values: pd.Series) -> float:
    """Where the last value stands in the series' own history: share of values <= it, 0..100."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return float("nan")
    return float((v <= v.iloc[-1]).mean() * 100.0)


# ---------------------------------------------------------------------------------------------
# Results object and entry point
# ---------------------------------------------------------------------------------------------

@dataclass
class RatesResult:
    """Everything notebook 01 shows; see :func:`analyze`.

    Attributes
    ----------
    aligned : DataFrame
        Per-period closes, yields, relative return (pp) and yield change (bp).
    fit : SensitivityFit
        Full-sample regression (pp per +100 bp).
    by_period, by_horizon, rolling, regimes, xcorr, granger : DataFrame / Series
        See the functions of the same purpose in this module.
    latest : dict
        :func:`latest_reading` plus ``corr_rolling_latest`` and its ``corr_percentile``.
    names : dict
        ``small`` / ``large`` / ``yield`` -> (key, long name).
    """

    aligned: pd.DataFrame
    fit: SensitivityFit
    by_period: pd.DataFrame
    by_horizon: pd.DataFrame
    rolling: pd.DataFrame
    regimes: pd.DataFrame
    regime_labels: pd.Series
    xcorr: pd.Series
    granger: pd.DataFrame
    latest: dict
    freq: str
    window: int
    regime_periods: int
    regime_bp: float
    names: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    # ---- small helpers -----------------------------------------------------------------
    @property
    def period(self) -> str:
        return PERIOD_NAME.get(self.freq, "period")

    @property
    def adjective(self) -> str:
        return PERIOD_ADJ.get(self.freq, "per-period")

    @property
    def sample(self) -> pd.DataFrame:
        return self.aligned.dropna(subset=["rel_return_pct", "yield_change_bp"])

    def _n(self, key):
        return self.names.get(key, (key, key))

    # ---- tables ----------------------------------------------------------------------
    def figures(self) -> dict:
        """The key figures notebook 01 records (names as in the issue)."""
        lt = self.latest
        reg = {name: {"mean_rel_return_pct": float(row["mean_rel_return_pct"]),
                      "hit_rate": float(row["hit_rate"]), "n": int(row["n"]),
                      "t": float(row["t"])}
               for name, row in self.regimes.iterrows()}
        return {
            "yield_last": float(lt["yield_last"]),
            "yield_change_1w_bp": lt["yield_change_1w_bp"],
            "yield_change_4w_bp": lt["yield_change_4w_bp"],
            "relative_return_1w_pct": lt["relative_return_1w_pct"],
            "corr_full": self.fit.corr,
            "corr_rolling_latest": lt["corr_rolling_latest"],
            "beta_per_100bp_pct": self.fit.slope,
            "beta_tstat_hac": self.fit.t_hac,
            "r_squared": self.fit.r_squared,
            "regimes": reg,
            "granger_pvalue_yield_to_relative": float(
                self.granger.loc["yield_to_relative", "p_value"]),
            "granger_pvalue_relative_to_yield": float(
                self.granger.loc["relative_to_yield", "p_value"]),
        }

    def summary(self) -> pd.DataFrame:
        """Headline numbers with their units, one row each."""
        f, lt = self.fit, self.latest
        rows = [
            ("sample", f"{self.sample.index[0]:%Y-%m-%d} to {self.sample.index[-1]:%Y-%m-%d}",
             ""),
            (f"{self.adjective} periods (n)", f.n, "count"),
            ("slope per +100 bp", f.slope, "pp relative return"),
            ("95% HAC band", f"{f.ci_low:+.2f} .. {f.ci_high:+.2f}", "pp per +100 bp"),
            ("t-stat (Newey-West HAC)", f.t_hac, f"{f.maxlags} lags"),
            ("t-stat (plain OLS)", f.t_plain, ""),
            ("R²", f.r_squared, "0..1"),
            ("correlation", f.corr, "-1..1"),
            ("verdict on the claim", _verdict(f), "claim = negative slope"),
            (f"yield on {lt['yield_date']:%Y-%m-%d}", lt["yield_last"], "%"),
            ("yield change, 1 week", lt["yield_change_1w_bp"], "bp"),
            ("yield change, 4 weeks", lt["yield_change_4w_bp"], "bp"),
            (f"relative return, week to {lt['date']:%Y-%m-%d}", lt["relative_return_1w_pct"],
             "pp"),
            (f"rolling {self.window}-{self.period} correlation now", lt["corr_rolling_latest"],
             "-1..1"),
            ("its percentile in its own history", lt["corr_percentile"], "0..100"),
        ]
        out = pd.DataFrame(rows, columns=["statistic", "value", "units"]).set_index("statistic")
        out["value"] = [round(v, 3) if isinstance(v, float) else v for v in out["value"]]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Per-period data: aligned series, rolling statistics and the regime label."""
        out = self.aligned.join(self.rolling, how="left")
        out["regime"] = self.regime_labels.reindex(out.index)
        return out

    def table(self, name: str) -> pd.DataFrame:
        """A display-ready table (rounded, named columns with units).

        Parameters
        ----------
        name : str
            ``"periods"`` (by sub-period), ``"horizons"``, ``"regimes"`` or ``"granger"``.
        """
        fit_cols = {"n": "n", "slope_pct_per_100bp": "slope, pp per +100 bp",
                    "ci_low": "95% band low", "ci_high": "95% band high", "t_hac": "t (HAC)",
                    "t_plain": "t (plain)", "r_squared": "R²", "corr": "corr",
                    "hac_lags": "HAC lags", "verdict": "verdict"}
        per = self.period
        if name == "periods":
            t = self.by_period.copy()
            t["start"] = [f"{d:%Y-%m-%d}" for d in t["start"]]
            t["end"] = [f"{d:%Y-%m-%d}" for d in t["end"]]
            cols = {"start": "from", "end": "to", **fit_cols}
        elif name == "horizons":
            t = self.by_horizon.copy()
            cols = {"periods": f"{per}s", **fit_cols}
        elif name == "regimes":
            t = self.regimes.copy()
            t["hit_rate"] = t["hit_rate"] * 100
            cols = {"n": "n", "mean_rel_return_pct": f"mean, pp per {per}",
                    "median_rel_return_pct": f"median, pp per {per}",
                    "hit_rate": "small ahead, % of periods", "t": "t",
                    "next_mean_pct": f"next {per} mean, pp", "next_t": f"next {per} t"}
        elif name == "granger":
            t = self.granger.copy()
            t.index = [f"{self._n('yield')[0]} change -> relative return",
                       f"relative return -> {self._n('yield')[0]} change"]
            cols = {"lags": f"lags ({per}s)", "F": "F", "p_value": "p-value"}
        else:
            raise ParameterError(
                f"table {name!r} is unknown; valid: periods, horizons, regimes, granger")
        t = t[list(cols)].rename(columns=cols)
        num = t.select_dtypes("number").columns
        t[num] = t[num].round(3)
        if name == "regimes":
            t["small ahead, % of periods"] = t["small ahead, % of periods"].round(1)
        return t

    # ---- prose -------------------------------------------------------------------------
    def reading(self, part: str = "all") -> str:
        """Markdown that reads the result from its numbers.

        Parameters
        ----------
        part : str
            ``"sample"``, ``"levels"``, ``"fit"``, ``"periods"``, ``"horizons"``,
            ``"rolling"``, ``"regimes"``, ``"leadlag"``, ``"latest"`` or ``"all"``.
        """
        parts = {"sample": self._read_sample, "levels": self._read_levels,
                 "fit": self._read_fit, "periods": self._read_periods,
                 "horizons": self._read_horizons, "rolling": self._read_rolling,
                 "regimes": self._read_regimes, "leadlag": self._read_leadlag,
                 "latest": self._read_latest}
        if part == "all":
            return "\n\n".join(fn() for fn in parts.values())
        if part not in parts:
            raise ParameterError(f"part {part!r} is unknown; valid: all, {', '.join(parts)}")
        return parts[part]()

    def _pair(self) -> str:
        return f"{self._n('small')[0]} vs {self._n('large')[0]}"

    def _read_sample(self) -> str:
        a, s = self.aligned, self.sample
        y = self._n("yield")[0]
        shifted = int((a["yield_date"] != a.index).sum())
        lt = self.latest
        text = (f"**Sample.** {len(s)} {self.adjective} changes from {s.index[0]:%Y-%m-%d} to "
                f"{s.index[-1]:%Y-%m-%d} (the last date on which both "
                f"{self._n('small')[0]} and {self._n('large')[0]} have a close). "
                + (f"Each day pairs the equity closes with the {y} value of that day"
                   if self.freq == "D" else
                   f"Each {self.period} pairs the equity close with the last {y} value on or "
                   f"before it in the same {self.period}"))
        if self.freq != "D":
            text += (f"; in {shifted} {self.period}s that value is from an earlier day "
                     "(bond-market holidays)" if shifted else
                     "; no bond-market holiday needed a fallback")
        unmatched = int(a.attrs.get("unmatched", 0))
        text += (f". {unmatched} {self.period}s without a {y} value were left out, so the "
                 "change after each spans two periods on both sides." if unmatched else ".")
        if (lt["date"] - lt["yield_date"]).days > 7:
            text += (f" **The {y} data ends on {lt['yield_date']:%Y-%m-%d}**, before the equity "
                     "data: the latest periods have no yield and are left out.")
        return text

    def _read_levels(self) -> str:
        a = self.aligned
        sm_, lg = self._n("small")[0], self._n("large")[0]
        y = self._n("yield")[0]

        def move(frame):
            ratio = (frame["small"].iloc[-1] / frame["large"].iloc[-1]) / (
                frame["small"].iloc[0] / frame["large"].iloc[0]) * 100 - 100
            dy = (frame["yield_pct"].iloc[-1] - frame["yield_pct"].iloc[0]) * 100
            return ratio, dy

        def words(ratio, dy):
            claim = (ratio > 0) == (dy < 0)
            return "as the claim would have it" if claim else "the opposite of the claim"

        r_all, y_all = move(a)
        last = a.loc[a.index >= a.index[-1] - pd.DateOffset(years=1)]
        r_1y, y_1y = move(last)
        return (f"**Levels.** From {a.index[0]:%Y-%m-%d} to {a.index[-1]:%Y-%m-%d} the {sm_}/{lg} "
                f"ratio changed {r_all:+.1f}% while {y} moved {y_all:+.0f} bp "
                f"({words(r_all, y_all)}); over the last year, {r_1y:+.1f}% against "
                f"{y_1y:+.0f} bp ({words(r_1y, y_1y)}). Levels drift for many reasons; the "
                f"{self.adjective} changes below are the test.")

    def _read_fit(self) -> str:
        f = self.fit
        s = self.sample
        y = self._n("yield")
        head = (f"**Full sample, {s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d} ({f.n} "
                f"{self.adjective} periods).** A +100 bp move in the {y[1]} ({y[0]}) went with a "
                f"{f.slope:+.2f} pp {self._pair()} relative return per {self.period} (95% HAC band "
                f"{f.ci_low:+.2f} to {f.ci_high:+.2f}; Newey-West t = {f.t_hac:+.2f} with "
                f"{f.maxlags} lags, plain t = {f.t_plain:+.2f}; R² = {f.r_squared:.3f}, "
                f"correlation {f.corr:+.2f}).")
        if not np.isfinite(f.slope):
            return head + " Too few data for a verdict."
        if f.significant and f.slope < 0:
            verdict = ("**The data supports the claim**: small caps did better relative to "
                       "large caps when yields fell (negative slope, significant at 5%).")
        elif f.significant:
            verdict = ("**The data contradicts the claim**: the slope is *positive* and "
                       "significant, so small caps did better when yields *rose*, not when they "
                       "fell.")
        else:
            sign = "negative, the claimed sign," if f.slope < 0 else "positive, against the claim,"
            verdict = (f"**No reliable link**: the slope is {sign} but not significantly "
                       f"different from zero (|t| < {T_CRIT}), so the data does not back the "
                       "claim at this frequency.")
        size = (f" Yield changes explain {f.r_squared:.1%} of the variance of {self.adjective} "
                "relative returns" + (", a small share: other drivers dominate."
                                      if f.r_squared < 0.05 else "."))
        return f"{head} {verdict}{size}"

    def _split(self, table: pd.DataFrame) -> str:
        t = table.dropna(subset=["slope_pct_per_100bp"])
        if t.empty:
            return "no sub-sample had enough data"

        def fmt(idx):
            return ", ".join(f"{i} ({t.loc[i, 'slope_pct_per_100bp']:+.2f}, t "
                             f"{t.loc[i, 't_hac']:+.1f})" for i in idx)

        neg = t.index[t["slope_pct_per_100bp"] < 0]
        pos = t.index[t["slope_pct_per_100bp"] >= 0]
        out = []
        if len(neg) and len(pos):
            out.append(f"**the sign differs**: negative (the claimed sign) in {fmt(neg)}; "
                       f"positive (against the claim) in {fmt(pos)}")
        elif len(neg):
            out.append(f"the slope is negative (the claimed sign) in every one: {fmt(neg)}")
        else:
            out.append(f"the slope is positive (against the claim) in every one: {fmt(pos)}")
        sup = list(t.index[t["verdict"] == "supports claim"])
        con = list(t.index[t["verdict"] == "contradicts claim"])
        out.append(("significant support in " + ", ".join(sup)) if sup
                   else "no significant support anywhere")
        out.append(("significant contradiction in " + ", ".join(con)) if con
                   else "no significant contradiction")
        return "; ".join(out)

    def _read_periods(self) -> str:
        return (f"**By sub-period** (slope in pp per +100 bp, HAC t): {self._split(self.by_period)}"
                ".")

    def _read_horizons(self) -> str:
        return (f"**By horizon** (overlapping changes over h {self.period}s, slope in pp of "
                f"h-{self.period} relative return per +100 bp): {self._split(self.by_horizon)}.")

    def _read_rolling(self) -> str:
        r = self.rolling.dropna(subset=["corr"])
        lt = self.latest
        neg_share = float((r["corr"] < 0).mean())
        below = float((r["beta_high"] < 0).mean())
        above = float((r["beta_low"] > 0).mean())
        return (f"**Rolling {self.window}-{self.period} window.** The correlation is now "
                f"{lt['corr_rolling_latest']:+.2f}, at the "
                f"{_ordinal(lt['corr_percentile'])} percentile of its own history "
                f"({r.index[0]:%Y} onwards); it has been negative (the claimed sign) "
                f"{neg_share:.0%} of the time and positive {1 - neg_share:.0%}. The rolling "
                f"beta is now {r['beta'].iloc[-1]:+.2f} pp per +100 bp (band "
                f"{r['beta_low'].iloc[-1]:+.2f} to {r['beta_high'].iloc[-1]:+.2f}); its 95% band "
                f"lay wholly below zero (significantly the claimed sign) in {below:.0%} of "
                f"windows and wholly above zero in {above:.0%}.")

    def _read_regimes(self) -> str:
        t = self.regimes
        per = self.period
        desc = {"falling": f"yield down more than {self.regime_bp:g} bp",
                "rising": f"yield up more than {self.regime_bp:g} bp",
                "neutral": "neither"}

        def line(name):
            r = t.loc[name]
            if r["n"] == 0:
                return f"{name} ({desc[name]}): no periods"
            return (f"{name} ({desc[name]}): {r['mean_rel_return_pct']:+.3f} pp per {per}, "
                    f"small caps ahead {r['hit_rate']:.0%} of the time, t = {r['t']:+.2f}, "
                    f"n = {int(r['n'])}")

        head = (f"**Regimes** (yield change over the trailing {self.regime_periods} {per}s): "
                + "; ".join(line(n) for n in REGIMES) + ".")
        fa, ri = t.loc["falling"], t.loc["rising"]
        if fa["n"] < 2 or ri["n"] < 2:
            return head + " Too few falling or rising periods to compare."
        diff = fa["mean_rel_return_pct"] - ri["mean_rel_return_pct"]
        se = math.sqrt(fa["se_pct"] ** 2 + ri["se_pct"] ** 2)
        tdiff = diff / se if se > 0 else float("nan")
        if np.isfinite(tdiff) and abs(tdiff) >= T_CRIT:
            v = ("**consistent with the claim**" if diff > 0 else
                 "**against the claim**: small caps did better while yields were rising")
            word = "significant"
        else:
            v = ("the claimed sign, but no evidence" if diff > 0 else
                 "the sign is against the claim")
            word = "not significant"
        nxt = "; ".join(f"{n} {t.loc[n, 'next_mean_pct']:+.3f} pp (t = {t.loc[n, 'next_t']:+.2f})"
                        for n in REGIMES if t.loc[n, "n"] > 1)
        return (f"{head} Falling minus rising: {diff:+.3f} pp per {per} (t ≈ {tdiff:+.2f}, "
                f"{word}; {v}). In the {per} *after* a labelled {per}: {nxt}.")

    def _read_leadlag(self) -> str:
        x = self.xcorr
        n = x.attrs.get("n", len(self.sample))
        band = T_CRIT / math.sqrt(n) if n else float("nan")
        lagged = x.drop(0)
        k = int(lagged.abs().idxmax())
        outside = [int(i) for i in lagged.index if abs(lagged[i]) > band]
        g = self.granger
        py, pr = g.loc["yield_to_relative", "p_value"], g.loc["relative_to_yield", "p_value"]
        L = int(g.loc["yield_to_relative", "lags"])

        def gr(p, a, b):
            if not np.isfinite(p):
                return f"too few periods to test whether past {a} predict {b}"
            return (f"past {a} **do** help predict {b} (p = {p:.3f})" if p < 0.05 else
                    f"past {a} do not help predict {b} (p = {p:.3f})")

        lead = ("yield change leads" if k > 0 else "relative return leads")
        return (f"**Lead/lag.** Same-{self.period} correlation {x.loc[0]:+.2f}. The largest "
                f"lagged correlation is {lagged[k]:+.2f} at lag {k:+d} ({lead} by {abs(k)} "
                f"{self.period}{'s' if abs(k) > 1 else ''}); "
                + (f"lags outside the ±{band:.2f} noise band: {outside} (of {len(lagged)} "
                   f"lags, about {0.05 * len(lagged):.0f} would fall outside by chance)."
                   if outside else f"no lag lies outside the ±{band:.2f} noise band.")
                + f" Granger tests with {L} lags: {gr(py, 'yield changes', 'the relative return')};"
                f" {gr(pr, 'relative returns', 'yield changes')}.")

    def _read_latest(self) -> str:
        lt = self.latest
        y = self._n("yield")
        rr = lt["relative_return_1w_pct"]
        d1, d4 = lt["yield_change_1w_bp"], lt["yield_change_4w_bp"]
        stale = ((lt["date"] - lt["yield_date"]).days > 7)
        note = (f" (the latest {y[0]} value is from {lt['yield_date']:%Y-%m-%d}, more than a week "
                "before the equity data)") if stale else ""
        who = "small caps ahead" if rr > 0 else "large caps ahead" if rr < 0 else "level"
        same = (d1 < 0 and rr > 0) or (d1 > 0 and rr < 0)
        fit_word = ("in line with the claim" if same else
                    "not what the claim would predict" if d1 != 0 and rr != 0 else
                    "no signal either way")
        return (f"**Latest, {lt['date']:%Y-%m-%d}.** {y[0]} at {lt['yield_last']:.2f}%{note}, "
                f"{d1:+.0f} bp on the week and {d4:+.0f} bp over four weeks. {self._pair()} over "
                f"the week: {rr:+.2f} pp ({who}), {fit_word}. The rolling {self.window}-"
                f"{self.period} correlation is {lt['corr_rolling_latest']:+.2f} "
                f"({_ordinal(lt['corr_percentile'])} percentile of its history).")


def analyze(prices: pd.DataFrame, small: str = "RUT", large: str = "SPX",
            yield_series: str = "DGS10", *, freq: str = "W-FRI", window: int = 52,
            regime_periods: int = 13, regime_bp: float = 25) -> RatesResult:
    """Measure whether small caps outperform large caps when the yield falls.

    Parameters
    ----------
    prices : DataFrame
        Daily closes from :func:`smallcaps.data.load` (loaded with ``end=asof``), with columns
        ``small``, ``large`` and ``yield_series``.
    small, large : str
        Price series keys, e.g. ``"RUT"`` and ``"SPX"``.
    yield_series : str
        A catalog yield (percent), e.g. ``"DGS10"`` or ``"DGS2"``.
    freq : str
        ``"W-FRI"`` (weekly, default), ``"M"`` or ``"D"``.
    window : int
        Rolling window in periods (52 weeks by default).
    regime_periods, regime_bp : int, float
        A period is ``falling`` / ``rising`` when the yield moved more than ``regime_bp`` basis
        points down / up over the trailing ``regime_periods`` periods, else ``neutral``.

    Returns
    -------
    RatesResult
        With ``.summary()``, ``.to_frame()``, ``.figures()`` and ``.reading()``.
    """
    aligned = align_periods(prices, small, large, yield_series, freq)
    f = aligned.attrs["freq"]
    sample = aligned.dropna(subset=["rel_return_pct", "yield_change_bp"])
    if len(sample) < MIN_PERIODS:
        raise ParameterError(
            f"only {len(sample)} {PERIOD_ADJ[f]} changes between "
            f"{aligned.index[0]:%Y-%m-%d} and {aligned.index[-1]:%Y-%m-%d}; need at least "
            f"{MIN_PERIODS}: use an earlier start or a shorter freq"
        )
    _check_window(window, len(sample), f)
    if isinstance(regime_periods, (int, np.integer)) and regime_periods >= len(sample):
        raise ParameterError(
            f"regime_periods {regime_periods} is not shorter than the sample ({len(sample)} "
            f"{PERIOD_ADJ[f]} changes)"
        )
    fit = fit_sensitivity(sample["rel_return_pct"], sample["yield_change_bp"])
    rolling = rolling_sensitivity(aligned, window)
    latest = latest_reading(prices, small, large, yield_series)
    rc = rolling["corr"].dropna()
    latest["corr_rolling_latest"] = float(rc.iloc[-1]) if len(rc) else float("nan")
    latest["corr_percentile"] = percentile_of_last(rc)
    names = {role: (key, data.get_series(key).name)
             for role, key in (("small", small), ("large", large), ("yield", yield_series))}
    return RatesResult(
        aligned=aligned, fit=fit, by_period=sensitivity_by_period(aligned),
        by_horizon=sensitivity_by_horizon(aligned), rolling=rolling,
        regimes=regime_table(aligned, regime_periods, regime_bp),
        regime_labels=regime_labels(aligned, regime_periods, regime_bp),
        xcorr=cross_correlation(aligned), granger=_granger_if_possible(aligned), latest=latest,
        freq=f,
        window=int(window), regime_periods=int(regime_periods), regime_bp=float(regime_bp),
        names=names, provenance=dict(aligned.attrs.get("provenance", {})),
    )
