"""Helpers that notebooks call: record key figures, show generated prose, format tables and
show the data's sources.

Inside a notebook, :func:`record` stores a JSON-serialisable key figure in the cell's output
(mimetype :data:`RECORD_MIMETYPE`); the report runner (:mod:`smallcaps.runner`) collects them
into ``<out>/<notebook>.json``.  :func:`record_figures` records every key figure of an analysis
result (:meth:`smallcaps.results.Result.figures`) in one call.

This module imports neither pandas nor IPython at import time (the runner imports it).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RECORD_MIMETYPE",
    "SYNTHETIC_BANNER",
    "jsonable",
    "record",
    "record_figures",
    "collect_records",
    "say",
    "safe_markdown",
    "table",
    "format_table",
    "gallery",
    "sources",
    "sources_table",
]

RECORD_MIMETYPE = "application/vnd.smallcaps.record+json"


def jsonable(value):
    """Convert numpy / pandas scalars, timestamps, NaN and containers into plain JSON values.

    NaN and infinities become ``None``; timestamps become ``"YYYY-MM-DD"`` (or ISO with time when
    it is not midnight); tuples become lists; dict keys become strings.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    # numpy / pandas values can only exist when those modules are loaded: do not import them
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is not None and isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int) or (np is not None and isinstance(value, np.integer)):
        return int(value)
    if isinstance(value, float) or (np is not None and isinstance(value, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if pd is not None and value is pd.NaT:
        return None
    if isinstance(value, (_dt.datetime, _dt.date)) or (
        np is not None and isinstance(value, np.datetime64)
    ):
        if pd is None:
            if isinstance(value, _dt.datetime) and value.time() != _dt.time(0):
                return value.isoformat()
            return value.strftime("%Y-%m-%d")
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            return None
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dict):
        return {str(jsonable(k)) if not isinstance(k, str) else k: jsonable(v)
                for k, v in value.items()}
    if pd is not None and isinstance(value, pd.Series):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)) or (
        (np is not None and isinstance(value, np.ndarray))
        or (pd is not None and isinstance(value, pd.Index))
    ):
        return [jsonable(v) for v in list(value)]
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

    Returns nothing (a cell can end with it); :func:`jsonable` gives the converted value.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("record name must be a non-empty string")
    clean = jsonable(value)
    json.dumps(clean)  # fail here, not in the runner
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    if get_ipython() is not None:
        display({RECORD_MIMETYPE: {"name": name, "value": clean},
                 "text/plain": f"recorded {name}"}, raw=True)
    return None


def record_figures(result) -> None:
    """Record every key figure of an analysis result (its ``figures()`` dict), one record per
    top-level name.  Returns nothing, so a cell can end with it."""
    figures = result.figures()
    if not isinstance(figures, dict):
        raise TypeError(f"{type(result).__name__}.figures() must return a dict")
    for name, value in figures.items():
        record(name, value)


_LINK = None


def safe_markdown(markdown: str) -> str:
    """Generated prose made safe to render: the one place where text that carries values from
    data, the catalog or parameters enters Markdown.

    HTML is escaped (``<`` and ``&``; a lone ``>`` as in "t >= 2" stays), so a series named
    ``<img src=x onerror=...>`` shows as text and never becomes a tag; Markdown links and
    images are kept only when they point inside the page (``[text](#anchor)``), others become
    their text.  Markdown emphasis, code spans and lists are kept: prose is written in them.
    """
    import re

    global _LINK
    if _LINK is None:
        # [label](target "title"), one level of parentheses inside the target allowed
        _LINK = re.compile(r"!?\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()]*\))*)"
                           r"(?:[^()]|\([^()]*\))*\)")
    # "<" starts every tag and "&" every entity: escaping them is enough for text nodes.
    # Code spans are left alone: Markdown renders their content escaped, entities and all.
    parts = re.split(r"(`+[^`]*?`+)", str(markdown))
    text = "".join(p if i % 2 else p.replace("&", "&amp;").replace("<", "&lt;")
                   for i, p in enumerate(parts))

    def link(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        if target.startswith("#") and not m.group(0).startswith("!"):
            return f"[{label}]({target})"
        return label

    return _LINK.sub(link, text)


def say(markdown: str) -> None:
    """Display generated prose (Markdown, made safe by :func:`safe_markdown`) in the notebook;
    in plain Python, print it."""
    text = safe_markdown(markdown)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(text)
        return
    if get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)


def _pretty_label(name: str) -> str:
    if name == "t":
        return "t-stat"
    if name == "n" or name.endswith("_n"):
        return name.replace("_", " ").replace(" n", " (n)") if name != "n" else "n"
    unit = ""
    base = name
    if "hit_rate" in name:
        unit, base = "%", name.replace("hit_rate", "hit rate")
    elif name.endswith("_pct"):
        unit, base = ("pp" if "rel" in name else "%"), name[: -len("_pct")]
    elif name.endswith("_pp") or name.endswith("_bp"):
        unit, base = name[-2:], name[:-3]
    base = base.replace("_", " ").strip()
    return f"{base} ({unit})" if unit else base


def format_table(frame: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """A statistics table made readable for a report, values unchanged in meaning.

    Labels named in the kit's conventions become words with units: ``mean_pct`` -> "mean (%)",
    ``mean_rel_pct`` -> "mean rel (pp)", ``hit_rate`` -> "hit rate (%)" (shares 0..1 shown
    as percent), ``t`` -> "t-stat", ``n`` stays an integer count.  Works whether the
    statistics are columns or rows (a row is treated as a statistic when its label matches
    the conventions and the columns do not).  Other numbers are rounded to ``decimals``.
    """
    import pandas as pd

    known = ("_pct", "_pp", "_bp", "hit_rate")

    def is_stat(label) -> bool:
        label = str(label)
        return label in ("n", "t") or label.endswith("_n") or any(k in label for k in known)

    rows_are_stats = sum(map(is_stat, frame.index)) > sum(map(is_stat, frame.columns))
    out = frame.T.copy() if rows_are_stats else frame.copy()
    for col in list(out.columns):
        name = str(col)
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        if (values.isna() & out[col].notna()).any():
            continue  # text (or text mixed with numbers): shown as it is
        if "hit_rate" in name:
            out[col] = (values * 100).round(0).astype("Int64")
        elif name == "n" or name.endswith("_n") or name.endswith("_year") or name == "year":
            out[col] = values.round(0).astype("Int64")
        else:
            out[col] = values.round(decimals)
    out = out.rename(columns={c: _pretty_label(str(c)) for c in out.columns})
    return out.T if rows_are_stats else out


SYNTHETIC_BANNER = (
    "SYNTHETIC DATA: {keys} came from the built-in synthetic sample, not from the market. "
    "The numbers below illustrate the method only; do not read them as market history."
)


def sources_table(*frames):
    """One row per series with its provenance (source, symbol, first/last date, rows)."""
    import pandas as pd

    prov: dict = {}
    for f in frames:
        prov.update(f.attrs.get("provenance", {}))
    cols = ["name", "source", "symbol", "first", "last", "rows", "fetched_at", "synthetic"]
    table = pd.DataFrame.from_dict(prov, orient="index")
    return table.reindex(columns=cols)


def sources(*frames) -> None:
    """Record the provenance of loaded frames and show it; a loud banner if any is synthetic.

    Call once per notebook after loading data.  Records the figure ``provenance`` (key ->
    provenance dict), which the runner uses for the report header and its synthetic banner.
    ``None`` entries are skipped (an optional frame that was not loaded).  Displays only and
    returns nothing, so it can end a cell; ``smallcaps.data.provenance(frame)`` gives the dict.
    """
    frames = tuple(f for f in frames if f is not None)
    prov: dict = {}
    for f in frames:
        prov.update(f.attrs.get("provenance", {}))
    record("provenance", prov)
    synthetic = [k for k, p in prov.items() if p.get("synthetic")]
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    message = SYNTHETIC_BANNER.format(keys=", ".join(synthetic)) if synthetic else ""
    if get_ipython is None or get_ipython() is None:  # plain Python: print what a page shows
        if message:
            print(message)
        print(sources_table(*frames))
        return None
    if message:
        import html as _html

        display(HTML(
            '<div class="smallcaps-synthetic" style="background:#b00020;color:#fff;'
            'padding:12px;font-weight:bold;font-size:1.2em;border-radius:4px">'
            f"{_html.escape(message)}</div>"
        ))
    display(sources_table(*frames))
    return None


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    if get_ipython() is not None:
        display(obj)
    else:
        print(obj)


def table(frame: pd.DataFrame, decimals: int = 2) -> None:
    """Show a statistics table made readable (:func:`format_table`); returns nothing, so a
    cell can end with it."""
    _display(format_table(frame, decimals=decimals))


def gallery(items, plot, **options) -> None:
    """For each item: draw ``plot(item, **options)``, show it, then show the item's reading.

    The one way a notebook shows a chart per item (a pair, an index) followed by its prose,
    without a loop in the notebook.  ``plot`` is a chart adapter taking one item and keyword
    options; the reading is ``item.reading()`` when the item has one.
    """
    import matplotlib.pyplot as plt

    for item in items:
        plot(item, **options)
        plt.show()
        read = getattr(item, "reading", None)
        if callable(read):
            say(read())


def collect_records(nb) -> dict:
    """Recorded figures (name -> value) from an executed notebook, in recording order."""
    out: dict = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) or []:
            data = o.get("data", {}) or {}
            if RECORD_MIMETYPE in data:
                rec = data[RECORD_MIMETYPE]
                if isinstance(rec, str):
                    rec = json.loads(rec)
                out[rec["name"]] = rec["value"]
    return out
