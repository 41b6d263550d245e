"""Charts, alphalens style: ``plot_*(data, ..., ax=None)`` functions on Series and DataFrames
that return their Axes and never show or save.

One module per topic (:mod:`~smallcaps.charts.rates`, :mod:`~smallcaps.charts.ratios`,
:mod:`~smallcaps.charts.seasonality`, :mod:`~smallcaps.charts.taxloss`,
:mod:`~smallcaps.charts.events`, :mod:`~smallcaps.charts.technicals`); the shared style,
colours (up green, down red) and source notes live in :mod:`~smallcaps.charts.base`.  Every
chart has a dated title, labelled axes with units and its data source written under it.
Apply the house style with :func:`use_style` (never at import).
"""

from __future__ import annotations

from smallcaps.charts import events, rates, ratios, seasonality, taxloss, technicals
from smallcaps.charts.base import COLORS, use_style
from smallcaps.charts.events import *  # noqa: F403
from smallcaps.charts.rates import *  # noqa: F403
from smallcaps.charts.ratios import *  # noqa: F403
from smallcaps.charts.seasonality import *  # noqa: F403
from smallcaps.charts.taxloss import *  # noqa: F403
from smallcaps.charts.technicals import *  # noqa: F403

__all__ = (
    ["COLORS", "use_style"]
    + events.__all__ + rates.__all__ + ratios.__all__ + seasonality.__all__
    + taxloss.__all__ + technicals.__all__
)
