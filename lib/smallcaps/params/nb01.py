"""Parameters of ``01_yields_vs_small_caps``: small vs large caps against a Treasury yield."""

from __future__ import annotations

from pydantic import model_validator

from smallcaps.params.fields import choice, date_or_blank, number, series_key, whole
from smallcaps.params.schema import NotebookParams, different

__all__ = ["Params"]

Date = date_or_blank()
PriceKey = series_key("price")
YieldKey = series_key("yield")
Freq = choice("W-FRI", "M", "D")
#: rolling OLS needs at least 3 periods; 520 weeks is ten years
Window = whole(3, 520)
Periods = whole(1, 520)
Weeks = whole(1, 520)
BasisPoints = number(ge=0, le=1000)


class Params(NotebookParams):
    """``small``/``large`` price keys (different), ``yield_series`` a yield key, ``freq``,
    ``window`` (3-520 periods), the yield regime (``regime_periods``, ``regime_bp``) and the
    Fed cycle (``fed_window`` weeks, ``fed_bp``)."""

    notebook = "01_yields_vs_small_caps"

    start: Date = "1990-01-01"
    small: PriceKey = "RUT"
    large: PriceKey = "SPX"
    yield_series: YieldKey = "DGS10"
    freq: Freq = "W-FRI"
    window: Window = 52
    regime_periods: Periods = 13
    regime_bp: BasisPoints = 25.0
    fed_window: Weeks = 26
    fed_bp: BasisPoints = 25.0

    @model_validator(mode="after")
    def _two_series(self):
        different(self, "small", "large")
        return self
