"""Parameters of ``03_seasonality``: month-of-year returns and the small-large spread."""

from __future__ import annotations

from smallcaps.params.fields import date_or_blank, key_list, whole
from smallcaps.params.schema import NotebookParams

__all__ = ["Params"]

Date = date_or_blank()
Series = key_list("price", min_items=1, max_items=20, example='["RUT", "SPX"]')
Relative = key_list("price", min_items=2, max_items=2, example='["RUT", "SPX"]')
MinYears = whole(2, 100)


class Params(NotebookParams):
    """``series`` price keys, ``relative`` two different price keys ``[small, large]``,
    ``min_years`` (2-100)."""

    notebook = "03_seasonality"

    start: Date = "1988-01-01"
    series: Series = ["RUT", "SPX", "NDX", "DJI"]
    relative: Relative = ["RUT", "SPX"]
    min_years: MinYears = 10
