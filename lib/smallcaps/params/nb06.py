"""Parameters of ``06_trend_and_levels``: trend, momentum, levels and patterns per index."""

from __future__ import annotations

from smallcaps.params.fields import (
    choice,
    key_list,
    macd_spans,
    number,
    series_key,
    whole,
    whole_list,
)
from smallcaps.params.schema import NotebookParams

__all__ = ["Params"]

#: about forty years of trading days
LookbackDays = whole(20, 10_000)
Series = key_list("price", min_items=1, max_items=20, example='["SPX", "RUT"]')
Benchmark = series_key("price", blank=True)
MovingAverages = whole_list(2, 400, min_items=1, max_items=6, example="[50, 100, 200]")
Macd = macd_spans()
PivotWindow = whole(2, 60)
Tolerance = number(ge=0, le=20)
Timeframe = choice("daily", "weekly")
PatternWindows = whole_list(2, 60, min_items=1, max_items=6, example="[5, 10, 20]")


class Params(NotebookParams):
    """``lookback_days`` (20-10000), ``series`` price keys, ``benchmark`` a price key or blank,
    ``mas`` (2-400), ``macd`` [fast, slow, signal] with fast < slow, ``pivot_window`` (2-60),
    ``level_tolerance_pct`` (0-20), ``timeframe`` daily/weekly, ``pattern_windows`` (2-60)."""

    notebook = "06_trend_and_levels"

    lookback_days: LookbackDays = 500
    series: Series = ["SPX", "NDX", "RUT", "DJI"]
    benchmark: Benchmark = "SPX"
    mas: MovingAverages = [50, 100, 200]
    macd: Macd = [12, 26, 9]
    pivot_window: PivotWindow = 10
    level_tolerance_pct: Tolerance = 1.5
    timeframe: Timeframe = "daily"
    pattern_windows: PatternWindows = [5, 10, 20]
