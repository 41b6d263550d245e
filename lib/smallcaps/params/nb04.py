"""Parameters of ``04_tax_loss_timing``: the December pressure and the turn-of-year rebound."""

from __future__ import annotations

from pydantic import model_validator

from smallcaps.params.fields import date_or_blank, month_day_window, series_key
from smallcaps.params.schema import NotebookParams, different

__all__ = ["Params"]

Date = date_or_blank()
PriceKey = series_key("price")
Pressure = month_day_window("['12-01', '12-20']")
Rebound = month_day_window("['12-21', '01-15']")
PathSpan = month_day_window("['11-01', '01-31']")


class Params(NotebookParams):
    """``small``/``large`` price keys (different) and three month-day windows ``[start, end]``
    (``"MM-DD"``, may cross New Year)."""

    notebook = "04_tax_loss_timing"

    start: Date = "1988-01-01"
    small: PriceKey = "RUT"
    large: PriceKey = "SPX"
    pressure_window: Pressure = ["12-01", "12-20"]
    rebound_window: Rebound = ["12-21", "01-15"]
    path_window: PathSpan = ["11-01", "01-31"]

    @model_validator(mode="after")
    def _two_series(self):
        different(self, "small", "large")
        return self
