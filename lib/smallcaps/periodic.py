"""What makes dated reports periodic: the as-of dates of a backfill, and what changed between
two reports of the same notebook.

* :func:`backfill_dates` turns ``--asof 2024-10-04..2024-11-29 --every W-FRI`` into the trading
  days to render, in date order (a weekly date on a holiday is the last session before it).
* :func:`figure_changes` compares two reports' key figures and keeps the ones that moved by more
  than :data:`THRESHOLDS` (by unit, read from the figure's name), in words with units; a change
  of parameters or method is flagged instead of diffed (:func:`comparable`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pandas as pd

from smallcaps import fmt
from smallcaps.calendar import previous_session
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError

__all__ = ["EVERY", "THRESHOLDS", "UNITS", "backfill_dates", "parse_range", "figure_changes",
           "comparable"]

#: ``--every`` values: weekly on Fridays, month ends, every session
EVERY = {"W-FRI": "W-FRI", "M": "ME", "D": "B"}

#: A figure "changed" when it moved by more than this, by the unit its name says:
#: ``_pct`` / ``_pp`` figures by 0.5 (percent or percentage points), ``_bp`` by 5 bp,
#: t statistics by 0.5, shares (``hit_rate``) by 0.05, anything else by 1 % of its size.
#: Units a caller names (``figures=`` of :func:`figure_changes`): ``yield`` (a rate in
#: percent) by 5 bp, ``r`` (a correlation) by 0.05, ``z`` (a z-score) by 0.5, ``points``
#: (a percentile, 0..100) by 5, ``level`` (a price) and ``ratio`` by 1 % of their size,
#: ``count`` by any whole step, ``beta`` (a yield beta in pp per +100 bp, written with two
#: decimals) by 0.5 pp, ``text`` (a word or a date) by any change.
THRESHOLDS = {"pct": 0.5, "pp": 0.5, "beta": 0.5, "bp": 5.0, "t": 0.5, "share": 0.05,
              "relative": 0.01, "yield": 0.05, "r": 0.05, "z": 0.5, "points": 5.0,
              "level": 0.01, "ratio": 0.01, "count": 0.5, "text": 0.0}
#: The unit each kind of change is reported in (``unit`` of a change)
UNITS = {"pct": "%", "pp": "pp", "beta": "pp", "bp": "bp", "t": "t", "share": "share",
         "relative": "", "yield": "%", "r": "r", "z": "z", "points": "percentile",
         "level": "", "ratio": "", "count": "", "text": ""}
_RELATIVE = ("relative", "level", "ratio")

_RANGE = re.compile(r"^\s*([^.\s][^.]*?)\s*\.\.\s*([^.\s].*?)\s*$")


def parse_range(text: str, what: str = "--asof") -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``"2024-10-04..2024-11-29"`` -> the two dates; None for a single date."""
    m = _RANGE.match(str(text or ""))
    if not m:
        return None
    a = parse_date(m.group(1), f"{what} start", required=True)
    b = parse_date(m.group(2), f"{what} end", required=True)
    if b < a:
        raise ParameterError(f"{what} {text}: the end {b:%Y-%m-%d} is before the start "
                             f"{a:%Y-%m-%d}")
    return a, b


def backfill_dates(start, end, every: str = "W-FRI") -> list[str]:
    """The as-of dates of a backfill, oldest first.

    Parameters
    ----------
    start, end : date-like
        The range, both included.
    every : {"W-FRI", "M", "D"}
        Fridays, month ends or every weekday; each date moves to the last expected NYSE
        session on or before it (Good Friday 2024-03-29 -> Thursday 2024-03-28), and dates
        that land before ``start`` are dropped.

    Raises
    ------
    ParameterError
        An unknown ``every``, an end before the start, or a range with no trading day.
    """
    if every not in EVERY:
        raise ParameterError(f"--every {every!r} is unknown; valid: {', '.join(EVERY)}")
    a = parse_date(start, "--asof start", required=True)
    b = parse_date(end, "--asof end", required=True)
    if b < a:
        raise ParameterError(f"--asof range ends {b:%Y-%m-%d}, before it starts {a:%Y-%m-%d}")
    anchors = pd.date_range(a, b, freq=EVERY[every])
    dates = sorted({previous_session(d) for d in anchors})
    out = [f"{d:%Y-%m-%d}" for d in dates if d >= a]
    if not out:
        raise ParameterError(
            f"--asof {a:%Y-%m-%d}..{b:%Y-%m-%d} --every {every}: no trading day in the range")
    return out


def comparable(previous: dict, current: dict) -> str | None:
    """Why two reports' figures cannot be diffed (None when they can): their parameters other
    than the as-of date differ, or the method settings they record differ."""
    def params(doc):
        return {k: v for k, v in (doc.get("parameters") or {}).items() if k != "asof"}

    if params(previous) != params(current):
        keys = sorted(set(params(previous)) ^ set(params(current)) | {
            k for k in params(previous) if params(previous).get(k) != params(current).get(k)})
        return f"parameters changed ({', '.join(keys)}): figures not compared"
    method_a = (previous.get("figures") or {}).get("method")
    method_b = (current.get("figures") or {}).get("method")
    if method_a != method_b:
        return "the method changed: figures not compared"
    return None


def _unit(name: str) -> str:
    last = name.rsplit(".", 1)[-1]
    if last.endswith("_pct") or last.endswith("_pp") or last.endswith("_bp"):
        return last.rsplit("_", 1)[-1]
    if last in ("t", "tstat") or last.endswith("_t") or last.startswith("t_") or "tstat" in last:
        return "t"
    if "hit_rate" in last or last.endswith("_share"):
        return "share"
    return "relative"


def _flat(value, prefix: str = "") -> dict:
    """Numeric leaves of a figures dict, by dotted name (lists are not diffed)."""
    out: dict = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(float(value)):
            out[prefix] = float(value)
    return out


def _num(x: float, unit: str) -> str:
    if unit == "level":
        return fmt.level(x)
    if unit == "ratio":
        return f"{x:,.4f}" if abs(x) < 100 else fmt.level(x)
    return f"{x:,.4g}"


def _words(name: str, unit: str, before, after) -> str:
    if unit == "text":
        return f"{name} is now {after} (was {before})"
    move = after - before
    verb = "rose" if move > 0 else "fell"
    if unit == "beta":  # a slope in pp per +100 bp, written with two decimals as on the page
        return f"{name} {verb} by {fmt.pp(abs(move), 2, signed=False)} to {fmt.pp(after, 2)}"
    if unit in ("pct", "pp"):
        shown = fmt.pp(move) if unit == "pp" else f"{abs(move):.1f} points"
        level = fmt.pct(after) if unit == "pct" else fmt.pp(after)
        return f"{name} {verb} by {shown.lstrip('+-')} to {level}"
    if unit == "bp":
        return f"{name} {verb} by {abs(move):.0f} bp to {after:+.0f} bp"
    if unit == "yield":
        return f"{name} {verb} by {abs(move) * 100:.0f} bp to {after:.2f}%"
    if unit == "share":
        return f"{name} {verb} from {fmt.share(before)} to {fmt.share(after)}"
    if unit in ("t", "r"):
        return f"{name} {verb} from {before:+.2f} to {after:+.2f}"
    if unit == "z":
        return f"{name} {verb} from {before:+.1f} to {after:+.1f}"
    if unit == "points":
        return (f"{name} {verb} from the {fmt.ordinal(before)} to the {fmt.ordinal(after)} "
                "percentile")
    if unit == "count":
        return f"{name} {verb} from {before:,.0f} to {after:,.0f}"
    rel = move / abs(before) * 100 if before else float("nan")
    return f"{name} {verb} {fmt.pct(rel).lstrip('+-')} to {_num(after, unit)}"


def _leaf(figures: dict, name: str):
    """The value at a dotted name (``ratios.RUT/SPX.last``), None when absent; keys may hold
    dots of their own, the longest matching key is taken first."""
    node, rest = figures, name
    while rest:
        if not isinstance(node, dict):
            return None
        key = max((k for k in node if rest == k or rest.startswith(f"{k}.")), key=len,
                  default=None)
        if key is None:
            return None
        node, rest = node[key], rest[len(key) + 1:]
    return node


def figure_changes(previous: dict, current: dict, notebook: str = "",
                   figures: list[tuple[str, str, str]] | None = None,
                   label: Callable[[str], str] | None = None) -> list[dict]:
    """The key figures that moved by more than :data:`THRESHOLDS` between two reports.

    Parameters
    ----------
    previous, current : dict
        The figures dicts of one notebook's two reports.
    notebook : str
        The notebook's name, copied into each change.
    figures : list of (name, label, unit), optional
        Compare only these figures (dotted names), each named by its ``label`` in the text and
        judged in its ``unit`` (a key of :data:`THRESHOLDS`; ``text`` compares words and dates).
        Default: every numeric figure, judged by its name (``_pct``, ``_bp``...) and named by
        ``label(name)`` (default the dotted name itself).

    Returns
    -------
    list of dict
        ``{"notebook", "figure", "label", "before", "after", "unit", "text"}`` per moved
        figure, largest move (relative to its threshold) first; text changes last.
    """
    if figures is None:
        a, b = _flat(previous), _flat(current)
        figures = [(n, label(n) if label else n, _unit(n)) for n in sorted(set(a) & set(b))]
        values = {n: (a[n], b[n]) for n, _, _ in figures}
    else:
        values = {n: (_leaf(previous, n), _leaf(current, n)) for n, _, _ in figures}
    out = []
    for name, label, unit in figures:
        before, after = values[name]
        if unit == "text":
            if before is None or after is None or isinstance(before, (dict, list)) or \
                    before == after:
                continue
            size = 0.0
        else:
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v) for v in (before, after)):
                continue
            before, after = float(before), float(after)
            move = after - before
            limit = THRESHOLDS[unit] * (abs(before) if unit in _RELATIVE else 1.0)
            if unit in _RELATIVE and before == 0:
                limit = THRESHOLDS[unit]
            if abs(move) <= limit:
                continue
            size = abs(move) / (limit or 1.0)
        out.append({"notebook": notebook, "figure": name, "label": label, "before": before,
                    "after": after, "unit": UNITS[unit],
                    "text": _words(label, unit, before, after), "_size": size})
    out.sort(key=lambda c: -c["_size"])
    for c in out:
        del c["_size"]
    return out
