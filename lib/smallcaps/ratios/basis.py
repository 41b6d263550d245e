"""What the dividend adjustment moves: the ratio study on its own ETF field against the same
study on the other one (``adj_close`` against ``close``, or back).

Indexes are price levels on either field, so only pairs with an ETF leg can move.  Every figure
is recomputed with the page's own window, moving averages and breakout look-back
(:func:`compare_basis`); numeric figures are compared as differences (pp for percent changes,
%/month for trend slopes, percentile points), the labels (side of an average, its direction,
trend labels, the last breakout, the trend start) as *same* or *changed*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError
from smallcaps.ratios.inputs import _require, frame_field, is_fund, pair_keys
from smallcaps.ratios.study import RatioStudy, _analyze
from smallcaps.results import Result

__all__ = ["NUMERIC_FIGURES", "LABEL_FIGURES", "BasisComparison", "compare_basis"]

#: Numeric figures compared: name -> (label, unit of the difference).
NUMERIC_FIGURES = {
    "change_1m_pct": ("change over 1 month", "pp"),
    "change_3m_pct": ("change over 3 months", "pp"),
    "change_ytd_pct": ("change year to date", "pp"),
    "change_since_pct": ("change since the rebase date", "pp"),
    "distance_ma200_pct": ("distance to the 200-day average", "pp"),
    "percentile_1y": ("1-year percentile", "points"),
    "trend_3m_slope_pct_per_month": ("3-month trend", "%/month"),
    "trend_12m_slope_pct_per_month": ("12-month trend", "%/month"),
}
#: Label figures compared: name -> label.
LABEL_FIGURES = {
    "above_ma50": "side of the 50-day average",
    "above_ma200": "side of the 200-day average",
    "ma50_slope": "direction of the 50-day average",
    "ma200_slope": "direction of the 200-day average",
    "trend_3m": "3-month trend label",
    "trend_12m": "12-month trend label",
    "last_breakout_date": "date of the last new high or low",
    "last_breakout_kind": "kind of the last new high or low",
    "trend_start_date": "start of the current 200-day trend",
}
_FIELD_WORDS = {"adj_close": "dividend-adjusted closes (total return)",
                "close": "plain closes (price only)"}


def _figures(a) -> dict:
    out = a.figures()
    out["distance_ma200_pct"] = a.distance_to_ma(200)
    return out


def _same(x, y) -> bool:
    if x is None or y is None:
        return x is y
    return bool(x == y)


@dataclass
class BasisComparison(Result):
    """A ratio study on its field against the same study on the other field.

    Attributes
    ----------
    page : RatioStudy
        The study the report shows (its ``etf_field``).
    other : RatioStudy
        The same pairs, window and parameters on the other field.
    """

    narrative: ClassVar[str] = "ratios"

    page: RatioStudy
    other: RatioStudy

    @property
    def field(self) -> str:
        """The page's ETF field."""
        return self.page.etf_field

    @property
    def other_field(self) -> str:
        """The field of the comparison."""
        return self.other.etf_field

    @property
    def field_words(self) -> dict:
        """``{"page": ..., "other": ...}``: what each field holds, in words."""
        return {"page": _FIELD_WORDS[self.field], "other": _FIELD_WORDS[self.other_field]}

    @property
    def affected(self) -> list[str]:
        """Pairs with an ETF leg (the only ones the field can move)."""
        return [p for p in self.page.pairs if any(is_fund(k) for k in p.split("/"))]

    @property
    def unaffected(self) -> list[str]:
        """Pairs of two indexes: the same on both fields."""
        return [p for p in self.page.pairs if p not in self.affected]

    def rows(self, pair: str) -> pd.DataFrame:
        """One row per compared figure of ``pair``: ``figure`` (its label), ``kind``
        (``numeric`` / ``label``), ``page`` and ``other`` (values), ``diff`` (page minus other,
        numeric only, in ``unit``) and ``moved`` (numeric: the difference is not zero; label:
        the values differ)."""
        a, b = _figures(self.page.pairs[pair]), _figures(self.other.pairs[pair])
        rows = []
        for name, (label, unit) in NUMERIC_FIGURES.items():
            x, y = a.get(name), b.get(name)
            x = np.nan if x is None else float(x)
            y = np.nan if y is None else float(y)
            d = x - y
            rows.append({"name": name, "figure": label, "kind": "numeric", "unit": unit,
                         "page": x, "other": y, "diff": d,
                         "moved": bool(np.isfinite(d) and round(d, 9) != 0)})
        for name, label in LABEL_FIGURES.items():
            x, y = a.get(name), b.get(name)
            rows.append({"name": name, "figure": label, "kind": "label", "unit": "",
                         "page": x, "other": y, "diff": np.nan, "moved": not _same(x, y)})
        return pd.DataFrame(rows).set_index("name")

    def moved_labels(self, pair: str) -> list[str]:
        """Names of the label figures of ``pair`` that differ between the two fields."""
        r = self.rows(pair)
        return list(r.index[(r["kind"] == "label") & r["moved"]])

    def to_frame(self) -> pd.DataFrame:
        """Every compared figure of every pair (index ``pair``, ``name``)."""
        frames = {p: self.rows(p) for p in self.page.pairs}
        out = pd.concat(frames, names=["pair", "name"])
        return out

    def summary(self) -> pd.DataFrame:
        """The numeric figures of the pairs with an ETF leg, on both fields, and their
        difference (rounded to 2 decimals), plus the label figures that change."""
        cols = {"page": f"on {self.field}", "other": f"on {self.other_field}",
                "diff": "difference"}
        out = []
        for p in self.affected:
            r = self.rows(p)
            num = r[r["kind"] == "numeric"].copy()
            num = num.assign(**{k: num[k].astype(float).round(2) for k in ("page", "other",
                                                                            "diff")})
            lab = r[(r["kind"] == "label") & r["moved"]]
            t = pd.concat([num, lab])[["figure", "page", "other", "diff", "unit"]]
            t.insert(0, "pair", p)
            out.append(t.rename(columns=cols))
        if not out:
            return pd.DataFrame(columns=["pair", "figure", *cols.values(), "unit"])
        return pd.concat(out).reset_index(drop=True)

    def figures(self) -> dict:
        """``etf_field`` (the page's) and ``basis_effect``: pair with an ETF leg -> the ratio's
        change since the rebase date on the page's field and on the other (``change_since_pct``,
        ``change_since_pct_other``, %), the differences of the changes (``*_diff_pp``, pp:
        page minus other) and ``moved`` (the label figures that change)."""
        effect = {}
        for p in self.affected:
            r = self.rows(p)
            effect[p] = {"other_field": self.other_field,
                         "change_since_pct": float(r.loc["change_since_pct", "page"]),
                         "change_since_pct_other": float(r.loc["change_since_pct", "other"]),
                         **{f"{k[:-4]}_diff_pp": float(r.loc[k, "diff"])
                            for k in ("change_1m_pct", "change_3m_pct", "change_ytd_pct",
                                      "change_since_pct")},
                         "moved": self.moved_labels(p)}
        return {"etf_field": self.field, "basis_effect": effect}


def compare_basis(study: RatioStudy, other_prices: pd.DataFrame) -> BasisComparison:
    """Recompute ``study`` on the other ETF field.

    Parameters
    ----------
    study : RatioStudy
        The report's study (:func:`smallcaps.ratios.analyze_pairs`).
    other_prices : DataFrame
        The same keys loaded with the other field (``data.load(..., field=
        ratios.alternative_field(etf_field))``) at the same as-of date.

    Returns
    -------
    BasisComparison

    Raises
    ------
    ParameterError
        When ``other_prices`` is on the study's own field.
    """
    got = frame_field(other_prices)
    if got == study.etf_field:
        raise ParameterError(
            f"other_prices are on {got!r}, the study's own field; load them with the other "
            "field (ratios.alternative_field(etf_field))"
        )
    _require(other_prices, pair_keys(list(study.pairs)))
    first = next(iter(study.pairs.values()))
    windows = sorted(first.mas)
    pairs = {p: _analyze(other_prices, p, study.window, windows, a.breakout_days)
             for p, a in study.pairs.items()}
    return BasisComparison(page=study, other=RatioStudy(window=study.window, pairs=pairs,
                                                        etf_field=got))
