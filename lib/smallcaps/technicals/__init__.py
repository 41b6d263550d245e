"""Trend, momentum and key levels of an index, the way market letters read a chart (notebook 06).

Everything is computed from daily OHLC bars up to the as-of date (the last row given); nothing
uses a bar after it.  Definitions (all prices in the series' units, e.g. index points):

Moving averages
    Simple moving averages of the close over ``n`` trading days (default 50, 100, 200).  A moving
    average is **rising** when ``MA_t > MA_{t-20}`` (its value 20 trading days earlier), else
    **falling**.  Price versus an average is ``(close / MA - 1) * 100`` in percent.  The averages
    are **aligned** when ``close > MA50 > MA100 > MA200`` (shortest to longest) and every one of
    them is rising.
MACD
    ``EMA_fast(close) - EMA_slow(close)`` with exponential averages ``ewm(span, adjust=False)``
    (default 12 and 26 days); the signal line is the EMA (default 9) of the MACD line; the
    histogram is MACD minus signal.  The signal is ``buy`` when MACD is above its signal line and
    ``sell`` otherwise; the cross date is the first bar of the current state (the bar on which
    MACD crossed its signal line most recently).
Swing points
    Bar ``i`` is a swing high when its intraday High is strictly above the Highs of the
    ``pivot_window`` bars before it and at least as high as those of the ``pivot_window`` bars
    after it (ties go to the earliest bar); a swing low mirrors this with the Lows.  A swing point
    needs its right-hand bars to exist, so the last ``pivot_window`` bars before the as-of date can
    never be swing points, and a swing point is known only ``pivot_window`` bars after it occurred.
Structure
    ``uptrend`` when the last two swing highs and the last two swing lows are both higher,
    ``downtrend`` when both are lower, otherwise ``range`` (also when fewer than two of either).
Support and resistance levels
    Swing points in the lookback window sorted by price and chained into clusters: a point joins
    the current cluster when it is within ``level_tolerance_pct`` percent of the cluster's mean
    price, else it starts a new cluster.  A level's price is the mean of its points; its touches
    are the number of points.  Levels are ranked by touches (more first), then by the date of the
    last touch (more recent first).  Support lists the (up to three) nearest levels below the last
    close, nearest first; resistance the (up to three) nearest above it, nearest first.
Breakout
    A resistance formed by at least two swing highs of one cluster exists from the bar on which
    its second swing high is confirmed (``pivot_window`` bars after it).  The breakout is the first
    later close above the highest of the cluster's swing highs confirmed by then.  The reported
    breakout date is the most recent breakout whose level the last close is still above.
All-time high
    Highest intraday High over the whole history loaded (first date it was reached) and the last
    close's distance from it, ``(close / ATH - 1) * 100`` percent (0 at a high, negative below).
Head-and-shoulders
    Swing highs and lows merged into an alternating sequence (of two neighbours of the same kind
    only the more extreme is kept).  A top is five consecutive points high, low, high, low, high
    where the middle high (head) is above both shoulders, the shoulders are within
    ``shoulder_tolerance_pct`` percent of their mean, and both shoulders are above the neckline: the
    straight line (in trading days; sloped or flat) through the two lows (reactions) between them,
    whose prices must also be within ``shoulder_tolerance_pct`` percent of each other (a neckline
    no steeper than that).  The inverted pattern mirrors this.  The pattern is confirmed by the
    first close through the neckline after the right shoulder; it is dropped if a close goes
    beyond the head first, or if no confirming close comes within the pattern's own width (bars
    from left to right shoulder) after the right shoulder.  The measured-move target is the
    neckline at the confirming bar (at the as-of bar while unconfirmed) minus (top) or plus
    (inverted) the head-to-neckline distance measured at the head's date.
Relative strength
    Close divided by the benchmark's close on common dates, rebased to 100 at the start of the
    lookback window; its change in percent over the window and the last 63 trading days.

Use
    ``bars = data.load_bars(series, asof=asof)``, ``bench = technicals.load_benchmark("SPX",
    asof=asof)`` (None for a blank key), then ``study = technicals.analyze_many(bars, bench)``:
    a :class:`TrendStudy` (``summary()`` the dashboard, ``to_frame()`` the levels, ``figures()``
    the recorded ``trend`` and ``patterns``, ``reading(section)`` the prose) holding one
    :class:`TrendResult` per index in ``study.results``.  Charts:
    :func:`smallcaps.charts.chart_trend`.
"""

from __future__ import annotations

from smallcaps.technicals.indicators import (
    all_time_high,
    ma_slope,
    macd,
    macd_state,
    moving_averages,
    provisional_last_bar,
    relative_strength,
)
from smallcaps.technicals.levels import (
    cluster_levels,
    find_breakouts,
    market_structure,
    nearest_levels,
    swing_points,
)
from smallcaps.technicals.patterns import find_head_and_shoulders
from smallcaps.technicals.study import (
    TrendResult,
    TrendStudy,
    analyze,
    analyze_many,
    load_benchmark,
)

__all__ = [
    "TrendResult",
    "TrendStudy",
    "analyze",
    "analyze_many",
    "load_benchmark",
    "moving_averages",
    "ma_slope",
    "macd",
    "macd_state",
    "swing_points",
    "market_structure",
    "cluster_levels",
    "nearest_levels",
    "find_breakouts",
    "find_head_and_shoulders",
    "all_time_high",
    "relative_strength",
    "provisional_last_bar",
]
