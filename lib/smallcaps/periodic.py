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

import pandas as pd

from smallcaps import fmt
from smallcaps.calendar import previous_session
from smallcaps.dates import parse_date
from smallcaps.errors import ParameterError

__all__ = ["EVERY", "THRESHOLDS", "backfill_dates", "parse_range", "figure_changes",
           "comparable"]

#: ``--every`` values: weekly on Fridays, month ends, every session
EVERY = {"W-FRI": "W-FRI", "M": "ME", "D": "B"}

#: A figure "changed" when it moved by more than this, by the unit its name says:
#: ``_pct`` / ``_pp`` figures by 0.5 (percent or percentage points), ``_bp`` by 5 bp,
#: t statistics by 0.5, shares (``hit_rate``) by 0.05, anything else by 1 % of its size.
THRESHOLDS = {"pct": 0.5, "pp": 0.5, "bp": 5.0, "t": 0.5, "share": 0.05, "relative": 0.01}

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


def _words(name: str, unit: str, before: float, after: float) -> str:
    move = after - before
    verb = "rose" if move > 0 else "fell"
    if unit in ("pct", "pp"):
        shown = fmt.pp(move) if unit == "pp" else f"{abs(move):.1f} points"
        level = fmt.pct(after) if unit == "pct" else fmt.pp(after)
        return f"{name} {verb} by {shown.lstrip('+-')} to {level}"
    if unit == "bp":
        return f"{name} {verb} by {abs(move):.0f} bp to {after:+.0f} bp"
    if unit == "share":
        return f"{name} {verb} from {fmt.share(before)} to {fmt.share(after)}"
    if unit == "t":
        return f"{name} {verb} from {before:.2f} to {after:.2f}"
    rel = move / abs(before) * 100 if before else float("nan")
    return f"{name} {verb} {fmt.pct(rel).lstrip('+-')} to {after:,.4g}"


def figure_changes(previous: dict, current: dict, notebook: str = "") -> list[dict]:
    """The key figures that moved by more than :data:`THRESHOLDS` between two reports.

    ``previous`` and ``current`` are the figures dicts of one notebook's two reports.  Returns
    ``{"notebook", "figure", "before", "after", "unit", "text"}`` per moved figure, largest
    relative move first.
    """
    a, b = _flat(previous), _flat(current)
    out = []
    for name in sorted(set(a) & set(b)):
        unit = _unit(name)
        before, after = a[name], b[name]
        move = after - before
        limit = THRESHOLDS[unit] * (abs(before) if unit == "relative" else 1.0)
        if unit == "relative" and before == 0:
            limit = THRESHOLDS["relative"]
        if abs(move) <= limit:
            continue
        out.append({"notebook": notebook, "figure": name, "before": before, "after": after,
                    "unit": {"pct": "%", "pp": "pp", "bp": "bp", "t": "t", "share": "share",
                             "relative": ""}[unit],
                    "text": _words(name, unit, before, after),
                    "_size": abs(move) / (limit or 1.0)})
    out.sort(key=lambda c: -c["_size"])
    for c in out:
        del c["_size"]
    return out
