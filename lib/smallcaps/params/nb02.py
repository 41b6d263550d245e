"""Parameters of ``02_ratio_charts``: ratio charts of index pairs and a return ranking."""

from __future__ import annotations

from pydantic import model_validator

from smallcaps.params.fields import (
    choice,
    date_or_blank,
    flag,
    key_list,
    pair_list,
    whole,
    whole_list,
)
from smallcaps.params.schema import NotebookParams, in_order

__all__ = ["Params"]

Pairs = pair_list()
MovingAverages = whole_list(2, 400, min_items=0, max_items=6, example="[50, 200]")
Date = date_or_blank()
Flag = flag()
#: ten years of trading days
BreakoutDays = whole(2, 2520)
Ranking = key_list("price", min_items=1, max_items=30, example='["RUT", "SPX", "IWM"]')
#: ETFs as total returns (dividend-adjusted closes) or price only (smallcaps.ratios.ETF_FIELDS)
EtfField = choice("adj_close", "close")


class Params(NotebookParams):
    """``pairs`` ``"A/B"`` of price keys, ``mas`` (2-400 days), ``rebase_date`` (blank or a
    date on or before the as-of), ``log_scale``, ``breakout_days`` (2-2520), ``ranking``,
    ``etf_field`` (``adj_close`` or ``close``)."""

    notebook = "02_ratio_charts"

    pairs: Pairs = ["RUT/SPX", "RUT/NDX", "DJI/NDX", "NDX/SPX", "IWM/QQQ"]
    mas: MovingAverages = [50, 200]
    rebase_date: Date = ""
    log_scale: Flag = True
    breakout_days: BreakoutDays = 252
    ranking: Ranking = ["RUT", "SPX", "NDX", "DJI", "IWM", "SPY", "QQQ"]
    etf_field: EtfField = "adj_close"

    @model_validator(mode="after")
    def _rebase_by_asof(self):
        in_order(self, "rebase_date", "asof", strict=False)
        return self
