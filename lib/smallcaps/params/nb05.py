"""Parameters of ``05_divergence_signals``: z-scored spread events and what followed them."""

from __future__ import annotations

from pydantic import model_validator

from smallcaps.params.fields import choice, date_or_blank, number, series_key, whole, whole_list
from smallcaps.params.schema import NotebookParams, different

__all__ = ["Params"]

Date = date_or_blank()
PriceKey = series_key("price")
HorizonDays = whole(1, 252)
Sigma = number(gt=0, le=10)
Direction = choice("up", "down", "both")
StdMethod = choice("expanding", "rolling", "full")
#: ten years of trading days
Days = whole(2, 2520)
DeclusterDays = whole(0, 252)
ForwardDays = whole_list(1, 1260, min_items=1, max_items=10, example="[21, 63, 126, 252]")
Replicates = whole(100, 100_000)
Seed = whole(0, 2**32 - 1)


class Params(NotebookParams):
    """``small``/``large`` price keys (different), ``horizon_days`` (1-252), ``sigma`` (> 0,
    <= 10), ``direction``, ``std_method``, ``std_window`` and ``min_history`` (2-2520),
    ``decluster_days`` (0-252), ``forward_days`` (1-1260), ``n_boot`` (100-100000), ``seed``."""

    notebook = "05_divergence_signals"

    start: Date = "1988-01-01"
    small: PriceKey = "RUT"
    large: PriceKey = "SPX"
    horizon_days: HorizonDays = 5
    sigma: Sigma = 3.0
    direction: Direction = "up"
    std_method: StdMethod = "expanding"
    std_window: Days = 252
    min_history: Days = 252
    decluster_days: DeclusterDays = 20
    forward_days: ForwardDays = [21, 63, 126, 252]
    n_boot: Replicates = 2000
    seed: Seed = 0

    @model_validator(mode="after")
    def _two_series(self):
        different(self, "small", "large")
        return self
