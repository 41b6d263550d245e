"""The rates study's result and entry point (see :mod:`smallcaps.rates`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from smallcaps import data, fmt
from smallcaps.calendar import years_before
from smallcaps.errors import ParameterError
from smallcaps.rates.fed import FedCycle, _check_fed, fed_cycle
from smallcaps.rates.fits import (
    _MIN_PERIODS,
    _PERIOD_ADJ,
    _PERIOD_NAME,
    SensitivityFit,
    _by_horizon,
    _check_key,
    _check_pair,
    _check_regime,
    _check_window,
    _cross_correlation,
    _granger,
    _rolling,
    align_periods,
    fit_sensitivity,
    latest_reading,
    regime_labels,
    regime_table,
    sensitivity_by_period,
)
from smallcaps.results import Result
from smallcaps.stats import T_CRIT, percentile_of_last, welch_t

__all__ = ["RatesResult", "analyze"]


# ---- results object and entry point ----------------------------------------------------------

_FIT_COLUMNS = {"n": "n", "slope_pct_per_100bp": "slope, pp per +100 bp",
                "ci_low": "95% band low", "ci_high": "95% band high", "t_hac": "t (HAC)",
                "t_plain": "t (plain)", "r_squared": "R²", "corr": "corr",
                "hac_lags": "HAC lags", "verdict": "verdict"}
_TABLES = ("periods", "horizons", "regimes", "fed", "granger")
_HORIZON_COLUMNS = {k: v for k, v in _FIT_COLUMNS.items() if k != "t_plain"}


@dataclass
class RatesResult(Result):
    """Everything notebook 01 shows; see :func:`analyze`.

    Attributes
    ----------
    aligned : DataFrame
        Per-period closes, yields, relative return (pp) and yield change (bp)
        (:func:`align_periods`).
    fit : SensitivityFit
        Full-sample regression (pp per +100 bp), with the fitted statsmodels results.
    by_period, by_horizon : DataFrame
        The regression per decade (:func:`sensitivity_by_period`) and on overlapping h-period
        changes (``periods`` = h).
    rolling : DataFrame
        Trailing ``window``-period ``corr``, ``beta`` and its band ``beta_low`` / ``beta_high``
        (pp per +100 bp).
    regimes, regime_labels : DataFrame, Series
        :func:`regime_table` and :func:`regime_labels`.
    xcorr : Series
        corr(yield change at t, relative return at t + k) for lags k = -8..8.
    granger : DataFrame
        Granger F-tests both ways (``lags``, ``F``, ``p_value``).
    latest : dict
        :func:`latest_reading` plus ``corr_rolling_latest`` and its ``corr_percentile``.
    names : dict
        ``small`` / ``large`` / ``yield`` (and ``fed`` when loaded) -> (key, long name).
    fed : FedCycle or None
        The Fed-cycle regimes (:func:`smallcaps.rates.fed_cycle`); None when no fed funds
        series was given.
    """

    narrative = "rates"

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
    fed: FedCycle | None = None

    # ---- derived facts (read by the narrative and the charts) ----------------------------
    @property
    def period(self) -> str:
        """``"week"``, ``"month"`` or ``"day"``."""
        return _PERIOD_NAME.get(self.freq, "period")

    @property
    def adjective(self) -> str:
        """``"weekly"``, ``"monthly"`` or ``"daily"``."""
        return _PERIOD_ADJ.get(self.freq, "per-period")

    @property
    def sample(self) -> pd.DataFrame:
        """The aligned periods that have both a relative return and a yield change."""
        return self.aligned.dropna(subset=["rel_return_pct", "yield_change_bp"])

    @property
    def fallbacks(self) -> int:
        """Periods whose yield is from an earlier day than the equity close (bond holidays)."""
        return int((self.aligned["yield_date"] != self.aligned.index).sum())

    @property
    def level_moves(self) -> pd.DataFrame:
        """Change of the small/large price ratio (%) and of the yield (bp) over the whole
        aligned sample (``"full"``) and over the last year (``"last year"``, from the first
        period on or after one year before the last)."""
        a = self.aligned
        rows = {}
        for label, start in (("full", a.index[0]),
                             ("last year", years_before(a.index[-1], 1, a.index))):
            f = a.loc[start:]
            ratio = (f["small"].iloc[-1] / f["large"].iloc[-1]) / (
                f["small"].iloc[0] / f["large"].iloc[0]) * 100 - 100
            rows[label] = {"start": f.index[0], "end": f.index[-1], "ratio_change_pct": ratio,
                           "yield_change_bp": (f["yield_pct"].iloc[-1] - f["yield_pct"].iloc[0])
                           * 100}
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def rolling_shares(self) -> dict:
        """Shares (0..1) of full rolling windows with a negative correlation
        (``corr_negative``), a 95 % beta band wholly below zero (``beta_below_zero``) and
        wholly above zero (``beta_above_zero``).  Neighbouring windows share all but one
        period, so these shares are descriptions, not counts of evidence; the counts of
        evidence are over the non-overlapping windows (every ``window``-th one, counting back
        from the last): ``independent`` windows, of which ``independent_below_zero`` and
        ``independent_above_zero`` have the band wholly below / above zero."""
        r = self.rolling.dropna(subset=["corr"])
        apart = r.iloc[::-1].iloc[::self.window]
        return {"corr_negative": float((r["corr"] < 0).mean()),
                "beta_below_zero": float((r["beta_high"] < 0).mean()),
                "beta_above_zero": float((r["beta_low"] > 0).mean()),
                "independent": int(len(apart)),
                "independent_below_zero": int((apart["beta_high"] < 0).sum()),
                "independent_above_zero": int((apart["beta_low"] > 0).sum())}

    @property
    def regime_spread(self) -> dict:
        """Mean relative return in falling minus rising regimes (``diff_pp``, pp per period)
        and its Welch t (``t``); NaN when either regime has fewer than 2 periods."""
        fa, ri = self.regimes.loc["falling"], self.regimes.loc["rising"]
        if fa["n"] < 2 or ri["n"] < 2:
            return {"diff_pp": float("nan"), "t": float("nan")}
        rel = self.aligned["rel_return_pct"]
        lab = self.regime_labels
        return {"diff_pp": float(fa["mean_rel_return_pct"] - ri["mean_rel_return_pct"]),
                "t": welch_t(rel.loc[lab.index[lab == "falling"]],
                             rel.loc[lab.index[lab == "rising"]])}

    @property
    def rolling_latest(self) -> dict:
        """The last full rolling window (the one the page's "rolling" reading states): its
        end ``date``, ``beta`` and 95 % band ``beta_low`` / ``beta_high`` (pp of relative return
        per +100 bp of yield change) and ``corr``; NaN values (and no date) before a full
        window."""
        r = self.rolling.dropna(subset=["corr"])
        if r.empty:
            nan = float("nan")
            return {"date": None, "beta": nan, "beta_low": nan, "beta_high": nan, "corr": nan}
        last = r.iloc[-1]
        return {"date": r.index[-1], "beta": float(last["beta"]),
                "beta_low": float(last["beta_low"]), "beta_high": float(last["beta_high"]),
                "corr": float(last["corr"])}

    @property
    def xcorr_band(self) -> float:
        """The ±T_CRIT/√n noise band of a cross-correlation (n = periods)."""
        n = self.xcorr.attrs.get("n", len(self.sample))
        return T_CRIT / math.sqrt(n) if n else float("nan")

    # ---- the protocol --------------------------------------------------------------------
    def figures(self) -> dict:
        """The key figures notebook 01 records: the latest yield (%), its 1- and 4-week change
        (bp), the week's relative return (pp), full-sample and latest rolling correlation,
        the slope (pp per +100 bp) and its HAC t, R², the latest rolling beta
        (``beta_rolling_latest_pct``, pp per +100 bp, the last full window's, as the page
        states it; :attr:`rolling_latest`), the regimes (mean pp, hit rate 0..1,
        n, episodes, t), the two Granger p-values and, with a fed funds series, the Fed-cycle
        regimes (``fed_regimes``: :meth:`FedCycle.figures`), DFF's last date
        (``fed_data_end``) and the sample periods after it (``fed_unlabelled_periods``)."""
        lt = self.latest
        reg = {name: {"mean_rel_return_pct": float(row["mean_rel_return_pct"]),
                      "hit_rate": float(row["hit_rate"]), "n": int(row["n"]),
                      "episodes": int(row["episodes"]), "t": float(row["t"])}
               for name, row in self.regimes.iterrows()}
        fed = {} if self.fed is None else {
            "fed_regimes": self.fed.figures(), "fed_data_end": self.fed.data_end,
            "fed_unlabelled_periods": self.fed.unlabelled_after}
        return {
            "yield_last": float(lt["yield_last"]),
            "yield_change_1w_bp": lt["yield_change_1w_bp"],
            "yield_change_4w_bp": lt["yield_change_4w_bp"],
            "relative_return_1w_pct": lt["relative_return_1w_pct"],
            "corr_full": self.fit.corr,
            "corr_rolling_latest": lt["corr_rolling_latest"],
            "beta_rolling_latest_pct": self.rolling_latest["beta"],
            "beta_per_100bp_pct": self.fit.slope,
            "beta_tstat_hac": self.fit.t_hac,
            "r_squared": self.fit.r_squared,
            "regimes": reg,
            "granger_pvalue_yield_to_relative": float(
                self.granger.loc["yield_to_relative", "p_value"]),
            "granger_pvalue_relative_to_yield": float(
                self.granger.loc["relative_to_yield", "p_value"]),
            **fed,
        }

    def summary(self) -> pd.DataFrame:
        """Headline numbers for display, one row each: ``value`` (text written with the kit's
        formatters, its unit attached: ``"+1.796 pp"``, ``"-7 bp"``, ``"t = 4.79"``) and
        ``units`` (what the value measures); the last row is the latest rolling beta (pp per
        +100 bp, :attr:`rolling_latest`) with its band."""
        f, lt, per, rb = self.fit, self.latest, self.period, self.rolling_latest
        rows = [
            ("sample", f"{self.sample.index[0]:%Y-%m-%d} to {self.sample.index[-1]:%Y-%m-%d}",
             "first and last period"),
            (f"{self.adjective} periods (n)", fmt.plural(f.n, per), "count"),
            ("slope per +100 bp", fmt.pp(f.slope, 2), "pp relative return per +100 bp"),
            ("95% HAC band", f"{fmt.pp(f.ci_low, 2)} to {fmt.pp(f.ci_high, 2)}",
             "pp per +100 bp"),
            ("t-stat (Newey-West HAC)", fmt.tstat(f.t_hac, 2), f"{f.maxlags} lags"),
            ("t-stat (plain OLS)", fmt.tstat(f.t_plain, 2), "i.i.d. errors"),
            ("R²", fmt.share(f.r_squared, 1), "share of variance explained"),
            ("correlation", f"r = {f.corr:+.2f}", "-1..1"),
            ("verdict on the claim", f.verdict, "claim = negative slope"),
            (f"yield on {lt['yield_date']:%Y-%m-%d}", fmt.pct(lt["yield_last"], 2, False),
             "%"),
            ("yield change, 1 week", fmt.bp(lt["yield_change_1w_bp"]), "bp"),
            ("yield change, 4 weeks", fmt.bp(lt["yield_change_4w_bp"]), "bp"),
            (f"relative return, week to {lt['date']:%Y-%m-%d}",
             fmt.pp(lt["relative_return_1w_pct"], 2), "pp"),
            (f"rolling {self.window}-{per} correlation now",
             f"r = {lt['corr_rolling_latest']:+.2f}", "-1..1"),
            ("its percentile in its own history",
             "n/a" if fmt.is_missing(lt["corr_percentile"]) else
             fmt.ordinal(lt["corr_percentile"]), "percentile, 0..100"),
            (f"rolling {self.window}-{per} beta now", fmt.pp(rb["beta"], 2),
             f"pp per +100 bp, 95% band {fmt.pp(rb['beta_low'], 2)} to "
             f"{fmt.pp(rb['beta_high'], 2)}"),
        ]
        return pd.DataFrame(rows, columns=["statistic", "value", "units"]).set_index("statistic")

    def to_frame(self) -> pd.DataFrame:
        """Per-period data: aligned series, rolling statistics, the yield regime label and,
        with a fed funds series, ``fed_avg_pct`` (28-day average, %), ``fed_change_bp`` and
        ``fed_regime`` (NaN where unlabelled)."""
        out = self.aligned.join(self.rolling, how="left")
        out["regime"] = self.regime_labels.reindex(out.index)
        if self.fed is not None:
            out["fed_avg_pct"] = self.fed.rate_pct.reindex(out.index)
            out["fed_change_bp"] = self.fed.change_bp.reindex(out.index)
            out["fed_regime"] = self.fed.labels.reindex(out.index)
        return out

    def table(self, name: str) -> pd.DataFrame:
        """One section's table ready for display: named columns with units, each kind of number
        rounded as the prose writes it (t, slopes, bands, correlations 2 decimals; R²,
        p-values and pp per period 3; shares in % 0).

        Parameters
        ----------
        name : str
            ``"periods"`` (:attr:`by_period`), ``"horizons"`` (:attr:`by_horizon`),
            ``"regimes"`` (:attr:`regimes`, hit rate in % of periods), ``"fed"`` (the Fed-cycle
            regimes; empty without a fed funds series) or ``"granger"``.  The horizon table
            shows the HAC t only (overlapping changes) with the number of non-overlapping
            periods each horizon rests on.
        """
        per = self.period
        y = self.names.get("yield", ("yield",))[0]
        if name == "periods":
            t = self.by_period.copy()
            t["start"] = [f"{d:%Y-%m-%d}" for d in t["start"]]
            t["end"] = [f"{d:%Y-%m-%d}" for d in t["end"]]
            cols = {"start": "from", "end": "to", **_FIT_COLUMNS}
        elif name == "horizons":
            t = self.by_horizon.copy()
            cols = {"periods": f"{per}s", "independent": "non-overlapping (n / h)",
                    **_HORIZON_COLUMNS}
        elif name == "regimes":
            t = self.regimes.copy()
            t["hit_rate"] = t["hit_rate"] * 100  # rounded once, below
            cols = {"n": "n", "episodes": "episodes", "mean_rel_return_pct": f"mean, pp per {per}",
                    "median_rel_return_pct": f"median, pp per {per}",
                    "hit_rate": "small ahead, % of periods", "t": "t",
                    "next_mean_pct": f"next {per} mean, pp", "next_t": f"next {per} t"}
        elif name == "fed":
            t = self.fed.display(per) if self.fed is not None else pd.DataFrame()
            cols = {c: c for c in t.columns}
        elif name == "granger":
            t = self.granger.copy()
            t.index = [f"{y} change -> relative return", f"relative return -> {y} change"]
            cols = {"lags": f"lags ({per}s)", "F": "F", "p_value": "p-value"}
        else:
            raise ParameterError(f"table {name!r} is unknown; valid: {', '.join(_TABLES)}")
        t = t[list(cols)].rename(columns=cols)
        for c in t.select_dtypes("number").columns:
            t[c] = t[c].round(_digits(c))
        return t


def _digits(label: str) -> int:
    """Decimals of a display column, the same as the prose writes that kind of number: t, F,
    slopes, their bands and correlations 2; R², p-values, means and excesses (pp per period)
    3; shares in % of periods 0; counts 0."""
    if label in ("n", "episodes", "HAC lags") or label.endswith(("s", "(n / h)")) and \
            not label.startswith(("mean", "median", "excess")):
        return 0
    if label == "t" or label.startswith("t (") or label.endswith(" t") or label in ("F", "corr") \
            or "slope" in label or "band" in label:
        return 2
    if "% of periods" in label:
        return 0
    return 3


def analyze(prices: pd.DataFrame, pair: Sequence[str] = ("RUT", "SPX"),
            yield_series: str = "DGS10", *, freq: str = "W-FRI", window: int = 52,
            regime: tuple[int, float] = (13, 25.0), fed_series: str | None = None,
            fed_window: int = 26, fed_bp: float = 25.0) -> RatesResult:
    """Measure whether small caps outperform large caps when the yield falls.

    Parameters
    ----------
    prices : DataFrame
        Daily closes from :func:`smallcaps.data.load` (loaded with ``asof=``: the sample ends
        where the frame ends), with columns for both keys of ``pair`` and ``yield_series``.
    pair : (str, str)
        Small-cap and large-cap price series keys, e.g. ``("RUT", "SPX")``.
    yield_series : str
        A catalog yield (percent), e.g. ``"DGS10"`` or ``"DGS2"``.
    freq : str
        ``"W-FRI"`` (weekly, default), ``"M"`` or ``"D"``.
    window : int
        Rolling window in periods (52 weeks by default).
    regime : (int, float)
        ``(regime_periods, regime_bp)``: a period is ``falling`` / ``rising`` when the yield
        moved more than ``regime_bp`` basis points down / up over the trailing
        ``regime_periods`` periods, else ``neutral``.
    fed_series : str, optional
        The fed funds series (``"DFF"``, a column of ``prices``; it may end before the as-of
        date): each period is labelled easing / tightening / hold (:mod:`smallcaps.rates.fed`)
        and the sensitivity is measured per regime.  None: no Fed-cycle section.
    fed_window : int
        Look-back of the fed funds change, weeks (26).
    fed_bp : float
        Move of the 28-day average fed funds rate over ``fed_window`` weeks that makes a period
        easing (below ``-fed_bp``) or tightening (above ``+fed_bp``), bp (25).

    Returns
    -------
    RatesResult
        With ``.summary()``, ``.to_frame()``, ``.figures()``, ``.reading(section)`` and
        ``.table(name)``.
    """
    small, large = _check_pair(pair)
    regime_periods, regime_bp = _check_regime(regime)
    fed_window, fed_bp = _check_fed(fed_window, fed_bp)
    if fed_series is not None:
        _check_key(prices, fed_series, "fed_series", "yield")
    aligned = align_periods(prices, (small, large), yield_series, freq)
    f = aligned.attrs["freq"]
    sample = aligned.dropna(subset=["rel_return_pct", "yield_change_bp"])
    if len(sample) < _MIN_PERIODS:
        raise ParameterError(
            f"only {len(sample)} {_PERIOD_ADJ[f]} changes between "
            f"{aligned.index[0]:%Y-%m-%d} and {aligned.index[-1]:%Y-%m-%d}; need at least "
            f"{_MIN_PERIODS}: use an earlier start or a shorter freq"
        )
    _check_window(window, len(sample), f)
    if regime_periods >= len(sample):
        raise ParameterError(
            f"regime_periods {regime_periods} is not shorter than the sample ({len(sample)} "
            f"{_PERIOD_ADJ[f]} changes)"
        )
    # the measurements read the frequency only: without the provenance in attrs, which pandas
    # would deep-copy into every intermediate result
    work = aligned.copy(deep=False)
    work.attrs = {"freq": f}
    rolling = _rolling(work, window)
    latest = latest_reading(prices, (small, large), yield_series)
    rc = rolling["corr"].dropna()
    latest["corr_rolling_latest"] = float(rc.iloc[-1]) if len(rc) else float("nan")
    latest["corr_percentile"] = percentile_of_last(rc)
    roles = [("small", small), ("large", large), ("yield", yield_series)]
    roles += [("fed", fed_series)] if fed_series is not None else []
    names = {role: (key, data.get_series(key).name) for role, key in roles}
    provenance = {k: v for k, v in prices.attrs.get("provenance", {}).items()
                  if k in {key for _, key in roles}}
    fed = None if fed_series is None else fed_cycle(work, prices[fed_series], fed_window,
                                                   fed_bp, series=fed_series)
    return RatesResult(
        aligned=aligned, fit=fit_sensitivity(sample["rel_return_pct"], sample["yield_change_bp"]),
        by_period=sensitivity_by_period(work), by_horizon=_by_horizon(work),
        rolling=rolling, regimes=regime_table(work, regime_periods, regime_bp),
        regime_labels=regime_labels(work, regime_periods, regime_bp),
        xcorr=_cross_correlation(work), granger=_granger(work), latest=latest, freq=f,
        window=int(window), regime_periods=regime_periods, regime_bp=regime_bp, names=names,
        provenance=provenance, fed=fed,
    )
