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
All-time highs
    Two records over the whole daily history loaded (also on weekly bars): the **intraday**
    record, the highest High (first date it was reached), and the **closing** record, the
    highest Close (first date); the last close's distance from each, ``(close / record - 1) *
    100`` percent (0 at a record, negative below).  A day can set one without the other: an
    intraday record whose close stays below the closing record.
Head-and-shoulders
    Swing points of one pivot window merged into an alternating high/low sequence (of two
    neighbours of the same kind only the more extreme is kept).  A top is five consecutive
    points high, low, high, low, high where the middle high (head) is above both shoulders, the
    shoulders are within ``shoulder_tolerance_pct`` percent of their mean, and both shoulders
    are above the neckline: the straight line (in bars) through the two lows (reactions) between
    them, whose prices must also be within ``shoulder_tolerance_pct`` percent of each other (a
    neckline no steeper than that).  The inverted pattern mirrors this.  Every five-point window
    the sequence showed as each swing point became known is checked, including windows a later,
    more extreme point replaced (what a reader saw at the time).  Patterns are searched over
    several pivot windows (default 5, 10 and 20 bars) and de-duplicated: two patterns of the
    same type are one formation when they share the head or each one's head lies between the
    other's shoulders; the one found with the largest pivot window is kept (then the larger
    ``height_pct``, then the earlier detection).
Pattern targets
    ``height`` is the head's distance from the sloped neckline at the head's bar; ``target``
    is the sloped neckline at the confirming bar (unconfirmed: at the bar the pattern was
    invalidated or expired, at the as-of bar while forming) minus
    (top) or plus (inverted) ``height``.  ``target_flat`` uses a horizontal neckline at the
    mean of the two reactions: ``neckline_flat -/+ |head - neckline_flat|``.
Pattern lifecycle
    ``forming`` from the right shoulder on (it is *detected*, ``formed_date``, when the right
    shoulder is known, ``pivot_window`` bars after it); ``confirmed`` by the first close
    through the sloped neckline within the pattern's width (bars from left to right shoulder)
    after the right shoulder; ``target_reached`` on the first later close at or beyond
    ``target``; ``invalidated`` by a close beyond the head (above it for a top, below it for an
    inverted pattern) before the target, whether confirmed or not; ``expired`` when no
    confirming close comes within the width, or when a confirmed pattern neither reaches its
    target nor closes beyond the head within ``RESOLVE_WIDTHS`` (2) widths after the
    confirming bar (the expiry date is the first bar past the limit).  Only ``forming`` and
    ``confirmed`` patterns are live (current).  States use closes only and no bar after the
    as-of date.
Pattern record
    The detector's own history over the whole data: among confirmed patterns resolved after
    they were detected (those resolved before their right shoulder was known are counted
    apart), the share that reached the target (hit rate, with its n), the median bars from
    confirmation to target, and the shares invalidated and expired.  Baseline: for each such
    pattern, the share of all days of the same history on which a close-to-close move of the
    pattern's own target distance (from its confirming close) came within its time limit
    (``RESOLVE_WIDTHS`` widths) before a move of its stop distance (confirming close to head)
    the other way; ``z = (hits - sum p_i) / sqrt(sum p_i (1 - p_i))`` with patterns taken as
    independent, read against ``smallcaps.stats.T_CRIT`` (two-sided normal p-value; across
    the indexes of a study, Benjamini-Hochberg q-values).  Beside the n: the number of
    non-overlapping episodes (confirmations at least the median outcome length apart) and the
    patterns whose removal alone flips the verdict (leave-one-out).
Trend lines
    An up-trend line runs through two consecutive swing lows, the second higher; a down-trend
    line through two consecutive swing highs, the second lower (straight in bars).  It is kept
    when no bar between its points pierces it by more than ``RETEST_TOLERANCE_PCT`` (1 %) and
    no close is on its wrong side before it is known (``pivot_window`` bars after the second
    point).  Touches: swing points of the kind within 1 % of the line before it breaks.  The
    break is the first close on the wrong side (below an up line, above a down line) after it
    is known; the re-test the first bar, after a close more than 1 % beyond the line on the
    broken side (the breaking close included), whose High (up line) or Low (down line) comes
    back within 1 % of the line while it still closes on the broken side; ``recovered`` the first
    close back on the trend's side after the break.  States: ``intact``, ``broken``,
    ``retested``, ``recovered``.  The prose and chart show the latest line of each kind.
Weekly bars
    ``timeframe="weekly"``: bars resampled from the daily ones per week ending Friday (W-FRI):
    first Open, highest High, lowest Low, last Close, summed Volume, each labelled with the
    last trading day of its week (the last bar may be a partial week ending on the as-of
    date).  Moving averages, MACD spans and pivot windows then count weeks; the lookback and the
    63-day relative-strength window are converted to weeks (``ceil(days / 5)``).
Relative strength
    Close divided by the benchmark's close on common dates, rebased to 100 at the start of the
    lookback window; its change in percent over the window and the last 63 trading days.

Use
    ``bars = data.load_bars(series, asof=asof)``, ``bench = technicals.load_benchmark("SPX",
    asof=asof)`` (None for a blank key), then ``study = technicals.analyze_many(bars, bench)``:
    a :class:`TrendStudy` (``summary()`` the dashboard, ``to_frame()`` the levels, ``figures()``
    the recorded ``trend``, ``patterns`` and ``pattern_history``, ``reading(section)`` the
    prose) holding one :class:`TrendResult` per index in ``study.results``.  Charts:
    :func:`smallcaps.charts.chart_trend`.
"""

from __future__ import annotations

from smallcaps.technicals.history import pattern_base_rate, random_entry_rate
from smallcaps.technicals.indicators import (
    all_time_high,
    all_time_high_close,
    ma_slope,
    macd,
    macd_state,
    moving_averages,
    provisional_last_bar,
    relative_strength,
    weekly_bars,
)
from smallcaps.technicals.levels import (
    cluster_levels,
    find_breakouts,
    market_structure,
    nearest_levels,
    swing_points,
)
from smallcaps.technicals.patterns import (
    LIVE_STATES,
    PATTERN_STATES,
    RESOLVE_WIDTHS,
    dedupe_patterns,
    find_head_and_shoulders,
    find_patterns,
)
from smallcaps.technicals.study import (
    TIMEFRAMES,
    TrendResult,
    TrendStudy,
    analyze,
    analyze_many,
    load_benchmark,
)
from smallcaps.technicals.trendlines import (
    LINE_STATES,
    RETEST_TOLERANCE_PCT,
    latest_lines,
    trend_lines,
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
    "find_patterns",
    "dedupe_patterns",
    "pattern_base_rate",
    "random_entry_rate",
    "trend_lines",
    "latest_lines",
    "all_time_high",
    "all_time_high_close",
    "weekly_bars",
    "relative_strength",
    "provisional_last_bar",
    "TIMEFRAMES",
    "PATTERN_STATES",
    "LIVE_STATES",
    "RESOLVE_WIDTHS",
    "LINE_STATES",
    "RETEST_TOLERANCE_PCT",
]
