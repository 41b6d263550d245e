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
    "anchor",
    "section_link",
    "BRIEF_SENTENCES",
    "brief",
    "table",
    "format_table",
    "stack_groups",
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


def anchor(heading: str) -> str:
    """:func:`smallcaps.fmt.anchor`: the in-page link target of a section heading."""
    from smallcaps.fmt import anchor as _anchor

    return _anchor(heading)


def section_link(heading: str) -> str:
    """:func:`smallcaps.fmt.section_link`: ``"[→](#The-Fed-cycle)"``."""
    from smallcaps.fmt import section_link as _link

    return _link(heading)


#: How many sentences a brief has (the runner shows them on top of the page and on the index).
BRIEF_SENTENCES = (3, 6)


def brief(result, *others) -> None:
    """Record the page's brief and show it: the verdicts a reader needs, in a few sentences.

    Parameters
    ----------
    result : Result or list of str
        An analysis result, whose narrative module's ``brief(result, *others)`` writes the
        sentences, or the sentences themselves (Markdown, each ending with a
        :func:`section_link` to the section it summarises).
    *others
        Further results the brief reads (e.g. a ranking beside a ratio study).

    Records the figure ``brief`` (the list of sentences, raw Markdown: render it through
    :func:`safe_markdown`) and shows the sentences as a list; in a notebook both travel in one
    output, which the report runner takes off the page body (it puts the brief on top).
    Returns nothing, so a cell can end with it.

    Raises
    ------
    TypeError
        When a sentence is not a non-empty string.
    ValueError
        For no sentence or more than ``BRIEF_SENTENCES[1]``.
    """
    if isinstance(result, (list, tuple)):
        sentences = list(result)
    else:
        from smallcaps.results import narrative_module

        sentences = list(narrative_module(result.narrative).brief(result, *others))
    if not all(isinstance(s, str) and s.strip() for s in sentences):
        raise TypeError("a brief is a list of non-empty Markdown strings")
    if not 1 <= len(sentences) <= BRIEF_SENTENCES[1]:
        raise ValueError(f"a brief has 1 to {BRIEF_SENTENCES[1]} sentences, not "
                         f"{len(sentences)}")
    markdown = "**Brief.**\n\n" + "\n".join(f"- {safe_markdown(s)}" for s in sentences)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(markdown)
        return None
    display({RECORD_MIMETYPE: {"name": "brief", "value": sentences},
             "text/markdown": markdown, "text/plain": markdown}, raw=True)
    return None


_LABELS = {"ci_low": "CI low", "ci_high": "CI high", "p_value": "p-value",
           "adjusted_p": "adjusted p", "t_excess": "t (excess)"}


def _pretty_label(name: str) -> str:
    if name == "t":
        return "t-stat"
    if name in _LABELS:
        return _LABELS[name]
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
    elif name.endswith("_days") and name != "_days":
        unit, base = "trading days", name[: -len("_days")]
    base = base.replace("_", " ").strip()
    return f"{base} ({unit})" if unit else base


def _last_label(col) -> str:
    return str(col[-1] if isinstance(col, tuple) else col)


def _is_p_label(col) -> bool:
    """A p- or q-value column (``p``, ``q``, ``p-value``, ``small_p``, ``p (block
    bootstrap)``, ``adjusted_p``...): shown with at least three decimals."""
    import re

    label = _last_label(col).strip().lower()
    return bool(re.match(r"^(adjusted |adjusted_|joint |joint_)?[pq]($|[ _(-])", label)
                or re.search(r"[ _][pq]$", label) or label.endswith(("p_value", "p-value")))


def _is_year_label(col) -> bool:
    label = _last_label(col).lower()
    return label == "year" or label.endswith("_year") or label.startswith("year ")


def _digits_for(decimals, col) -> int:
    """The decimals asked for one column: an int for all, or a mapping from the column's
    label (as given or as shown) to digits, ``"*"`` (else 2) for the others."""
    if isinstance(decimals, int):
        digits = decimals
    else:
        raw = _last_label(col)
        digits = decimals.get(raw, decimals.get(_pretty_label(raw), decimals.get("*", 2)))
    return max(int(digits), 3) if _is_p_label(col) else int(digits)


def _needed_digits(values, cap: int) -> int:
    """The fewest decimals (at most ``cap``) that show every value of a rounded column
    exactly: a column rounded to 2 decimals upstream is shown with 2, padded ("1.50")."""
    import numpy as np

    v = values.dropna().to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    for k in range(cap):
        if np.all(np.abs(np.round(v, k) - v) < 0.5 * 10.0 ** -(cap + 3)):
            return k
    return cap


def _number(v: float, k: int) -> str:
    """``v`` with ``k`` decimals and thousands separators; ``0.00``, never ``-0.00``."""
    return f"{0.0 if round(v, k) == 0 else v:,.{k}f}"


def _cell(v, k: int) -> str:
    """One cell of a column mixing text, dates and numbers, as text."""
    import datetime as dt
    import numbers

    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, numbers.Integral):
        return f"{int(v):,}"
    if isinstance(v, numbers.Real):
        return _number(float(v), k)
    if isinstance(v, (dt.date, dt.datetime)):
        return str(jsonable(v))
    return str(v)


def _as_text(out: pd.DataFrame, col, kind: str, digits: int, original=None) -> None:
    """Column ``col`` of ``out`` as display text, in place: fixed decimals (the fewest that
    show the ``original`` values, at most ``digits``) and thousands separators (years
    without), ``yes`` / ``no``, dates as ``YYYY-MM-DD`` and blanks for missing values."""
    import numbers

    import pandas as pd

    values = out[col]
    missing = values.isna()
    if kind == "bool":
        text = values.map(lambda v: "yes" if bool(v) else "no")
    elif kind == "int":
        text = values.map(lambda v: str(int(v)) if _is_year_label(col) else f"{int(v):,}",
                          na_action="ignore")
    elif kind == "float":
        k = digits if _is_p_label(col) else _needed_digits(
            values if original is None else original, digits)
        text = pd.to_numeric(values).map(lambda v: _number(v, k), na_action="ignore")
    else:
        reals = pd.Series([v for v in values if isinstance(v, numbers.Real)
                           and not isinstance(v, (bool, numbers.Integral))], dtype=float)
        k = _needed_digits(reals, digits)
        text = values.map(lambda v: _cell(v, k), na_action="ignore")
    out[col] = text.where(~missing, "").astype(object)


def format_table(frame: pd.DataFrame, decimals: int | dict = 2,
                 text: bool = False) -> pd.DataFrame:
    """A statistics table made readable for a report, values unchanged in meaning.

    Labels named in the kit's conventions become words with units: ``mean_pct`` -> "mean (%)",
    ``mean_rel_pct`` -> "mean rel (pp)", ``hit_rate`` -> "hit rate (%)" (shares 0..1 shown
    as percent), ``t`` -> "t-stat", ``n`` stays an integer count, ``horizon_days`` ->
    "horizon (trading days)", ``ci_low`` -> "CI low".  Works whether the statistics are
    columns or rows (a row is treated as a statistic when its label matches the conventions
    and the columns do not).  Other numbers are rounded to ``decimals``: an int for every
    column, or a dict from column label to digits (``"*"`` for the others, else 2); p- and
    q-value columns get at least 3.

    With ``text=True`` every cell becomes the text a page shows: each number column with one
    number of decimals (the fewest that show its rounded values, at most the digits asked
    for), thousands separators (``2,434.73``; years without), booleans as ``yes`` / ``no``,
    missing values blank (never ``NaN``), and a 0-based row number as 1, 2, 3...
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
        digits = _digits_for(decimals, col)
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
            if text:
                _as_text(out, col, "text", digits)
            continue
        if pd.api.types.is_bool_dtype(out[col]) and text:
            _as_text(out, col, "bool", digits)
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        if (values.isna() & out[col].notna()).any():
            if text:  # text (or text mixed with numbers): shown as it is, blanks for missing
                _as_text(out, col, "text", digits)
            continue
        kind = "float"
        if "hit_rate" in name:
            out[col], kind = (values * 100).round(0).astype("Int64"), "int"
        elif name == "n" or name.endswith("_n") or _is_year_label(col):
            out[col], kind = values.round(0).astype("Int64"), "int"
        elif pd.api.types.is_integer_dtype(out[col]):
            kind = "int"
        else:
            out[col] = values.round(digits)
        if text:
            _as_text(out, col, kind, digits, original=values)
    out = out.rename(columns={c: _pretty_label(str(c)) for c in out.columns})
    out = out.T if rows_are_stats else out
    if text and isinstance(out.index, pd.RangeIndex) and out.index.start == 0 \
            and out.index.step == 1:
        out.index = pd.RangeIndex(1, len(out) + 1, name=out.index.name)
    if text:  # index names are labels too: std_method -> std method
        out.index = out.index.set_names([None if n is None else _pretty_label(str(n))
                                         for n in out.index.names])
    return out


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


def stack_groups(frame: pd.DataFrame, name: str = "group") -> pd.DataFrame:
    """A wide table whose columns are groups of the same statistics (``("21 days", "n")``,
    ``("21 days", "p")``, ``("63 days", "n")``...) as a long one: one row per row and group
    (the group named in the last index level), the statistics as columns; columns outside
    any group (first level ``""``) repeat on each of their row's lines; ``name`` names the
    groups' index level (``"horizon"``).  Nothing is dropped.

    Raises
    ------
    ValueError
        When the columns are not two levels or the groups do not hold the same statistics.
    """
    import pandas as pd

    cols = frame.columns
    if not isinstance(cols, pd.MultiIndex) or cols.nlevels != 2:
        raise ValueError("stack_groups needs two levels of columns: (group, statistic)")
    common = [c for c in cols if c[0] == ""]
    groups = list(dict.fromkeys(c[0] for c in cols if c[0] != ""))
    stats = [[c[1] for c in cols if c[0] == g] for g in groups]
    if not groups or any(s != stats[0] for s in stats):
        raise ValueError("the column groups do not hold the same statistics")
    parts = []
    for g in groups:
        part = frame[[*common, *[(g, st) for st in stats[0]]]].copy()
        part.columns = [c[1] for c in common] + stats[0]
        part["_group"], part["_order"] = g, groups.index(g)
        parts.append(part)
    names = list(frame.index.names) if frame.index.names != [None] else ["row"]
    long = pd.concat(parts).reset_index(names=names)
    long["_row"] = long.groupby("_group").cumcount()
    long = long.sort_values(["_row", "_order"], kind="stable")
    long = long.rename(columns={"_group": name}).drop(columns=["_row", "_order"])
    return long.set_index([*names, name])


def table(frame: pd.DataFrame, decimals: int | dict = 2, text: bool = False,
          stack: bool | str = False) -> None:
    """Show a statistics table made readable (:func:`format_table`; ``text=True``: fixed
    decimals per column, thousands separators, blanks for missing values, rows numbered from
    1; ``stack``: a wide table of column groups one row per group, :func:`stack_groups`, a
    string naming the groups, e.g. ``"horizon"``); every column is shown, none cut; returns
    nothing, so a cell can end with it."""
    import pandas as pd

    if stack:
        frame = stack_groups(frame, stack if isinstance(stack, str) else "group")
    shown = format_table(frame, decimals=decimals, text=text)
    with pd.option_context("display.max_columns", None, "display.max_rows", None):
        _display(shown)


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
