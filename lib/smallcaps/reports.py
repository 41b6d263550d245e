"""Reports: key figures recorded from notebooks, and the batch runner.

Inside a notebook, :func:`record` stores a JSON-serialisable key figure in the cell's output
(mimetype :data:`RECORD_MIMETYPE`); the runner collects them into ``<out>/<notebook>.json``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math

import numpy as np
import pandas as pd

RECORD_MIMETYPE = "application/vnd.smallcaps.record+json"


def jsonable(value):
    """Convert numpy / pandas scalars, timestamps, NaN and containers into plain JSON values.

    NaN and infinities become ``None``; timestamps become ``"YYYY-MM-DD"`` (or ISO with time when
    it is not midnight); tuples become lists; dict keys become strings.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            return None
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(jsonable(k)) if not isinstance(k, str) else k: jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray, pd.Index)):
        return [jsonable(v) for v in list(value)]
    if isinstance(value, pd.Series):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    raise TypeError(
        f"cannot record a value of type {type(value).__name__}; record numbers, strings, bools, "
        "dates, or small lists / dicts of them"
    )


def record(name: str, value):
    """Record a key figure of the notebook for the report's JSON.

    Parameters
    ----------
    name : str
        Figure name, e.g. ``"corr_full"``.
    value
        A JSON-serialisable value (numpy/pandas scalars and timestamps are converted).

    Returns
    -------
    The converted value (so a notebook can display it).
    """
    if not isinstance(name, str) or not name:
        raise TypeError("record name must be a non-empty string")
    clean = jsonable(value)
    json.dumps(clean)  # fail here, not in the runner
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return clean
    if get_ipython() is not None:
        display({RECORD_MIMETYPE: {"name": name, "value": clean},
                 "text/plain": f"recorded {name}"}, raw=True)
    return clean


def say(markdown: str) -> None:
    """Display generated prose (Markdown) in the notebook; in plain Python, print it."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(markdown)
        return
    if get_ipython() is not None:
        display(Markdown(markdown))
    else:
        print(markdown)


SYNTHETIC_BANNER = (
    "SYNTHETIC DATA: {keys} came from the built-in synthetic sample, not from the market. "
    "The numbers below illustrate the method only; do not read them as market history."
)


def sources_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """One row per series with its provenance (source, symbol, first/last date, rows)."""
    prov: dict = {}
    for f in frames:
        prov.update(f.attrs.get("provenance", {}))
    cols = ["name", "source", "symbol", "first", "last", "rows", "fetched_at", "synthetic"]
    table = pd.DataFrame.from_dict(prov, orient="index")
    return table.reindex(columns=cols)


def show_sources(*frames: pd.DataFrame) -> dict:
    """Record the provenance of loaded frames and show it; a loud banner if any is synthetic.

    Call once per notebook after loading data.  Records the figure ``provenance`` (key ->
    provenance dict), which the runner uses for the report header and its synthetic banner.
    """
    prov: dict = {}
    for f in frames:
        prov.update(f.attrs.get("provenance", {}))
    record("provenance", prov)
    synthetic = [k for k, p in prov.items() if p.get("synthetic")]
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover
        return prov
    if get_ipython() is not None:
        if synthetic:
            import html as _html

            msg = _html.escape(SYNTHETIC_BANNER.format(keys=", ".join(synthetic)))
            display(HTML(
                '<div class="smallcaps-synthetic" style="background:#b00020;color:#fff;'
                'padding:12px;font-weight:bold;font-size:1.2em;border-radius:4px">'
                f"{msg}</div>"
            ))
        display(sources_table(*frames))
    return prov
