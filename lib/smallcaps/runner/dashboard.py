"""What the indexes show: key figures in words, and the dashboard of ``<out>/index.html``.

A key figure is named by a human label and formatted by its unit, with the pages' rounding
(:mod:`smallcaps.fmt`: percent with one decimal, shares as whole percents, prices with
thousands separators): ``January effect: Januarys small caps led = 81%``, never
``january_effect.hit_rate = 0.81``.  :data:`KEY_FIGURES` lists, per notebook, the figures an
analyst follows (dotted names into the notebook's recorded figures, labels built from its
parameters, units of :data:`smallcaps.periodic.THRESHOLDS`); the same list decides what the
"Since" sections call a change (:mod:`~.since`).  A notebook without an entry (a user's own), or
none of whose listed figures was recorded, gets its first recorded single values, labelled from
their names.

The dashboard (:func:`dashboard`) has one row per notebook: its brief's first sentence, the
latest signals and small history charts of a few key figures (:data:`HISTORY`) across every
dated run in the folder, as inline SVG geometry the templates draw (no script, no network).

Standard library only: the indexes are rewritten by every run that renders something.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

from smallcaps import fmt

__all__ = ["HISTORY", "KEY_FIGURES", "Chart", "dashboard", "figure_spec", "figure_value",
           "first_sentence", "key_figure_items", "key_figures", "label_from_name",
           "natural_key", "show", "topic"]

_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _names(p: dict, *keys_defaults) -> list:
    return [p.get(k) or d for k, d in keys_defaults]


def _nb01(p: dict) -> list[tuple[str, str, str, bool]]:
    y, s, lg = _names(p, ("yield_series", "DGS10"), ("small", "RUT"), ("large", "SPX"))
    per = {"W-FRI": "week", "M": "month", "D": "day"}.get(p.get("freq"), "period")
    w = p.get("window", 52)
    return [
        ("yield_last", f"{y} yield", "yield", True),
        ("yield_change_4w_bp", f"{y}, change over 4 weeks", "bp", True),
        ("beta_rolling_latest_pct", f"rolling {w}-{per} beta, {s} minus {lg} per +100 bp",
         "beta", True),
        ("corr_rolling_latest", f"rolling {w}-{per} correlation with {y} changes", "r", True),
        ("beta_per_100bp_pct", f"{s} minus {lg} per +100 bp of {y}, whole sample", "beta",
         True),
        ("beta_tstat_hac", "the whole-sample slope's HAC t-statistic", "t", True),
        ("relative_return_1w_pct", f"{s} minus {lg}, latest {per}", "pp", False),
    ]


def _nb02(p: dict) -> list[tuple[str, str, str, bool]]:
    pairs = list(p.get("pairs") or ["RUT/SPX"])
    out = []
    for i, pair in enumerate(pairs):
        out += [(f"ratios.{pair}.last", f"{pair} ratio", "ratio", i == 0),
                (f"ratios.{pair}.distance_ma200_pct", f"{pair} vs its 200-day average", "pct",
                 i == 0),
                (f"ratios.{pair}.change_1m_pct", f"{pair}, 1-month change", "pct", i == 0),
                (f"ratios.{pair}.percentile_1y", f"{pair}, 1-year percentile", "points", i == 0)]
    out.append(("leaders", "leaders over 1 month, best first", "text", True))
    return out


def _nb03(p: dict) -> list[tuple[str, str, str, bool]]:
    s, lg = (list(p.get("relative") or ["RUT", "SPX"]) + ["SPX"])[:2]
    return [
        ("january_effect.hit_rate", f"Januarys in which {s} beat {lg}", "share", True),
        ("january_effect.mean_pct", f"average January lead of {s} over {lg}", "pp", True),
        ("january_effect.excess_pct", "the January lead beyond an average month", "pp", True),
        (f"latest_month_rank.{s}.return_pct", f"{s}, latest month", "pct", True),
        (f"latest_month_rank.{s}-{lg}.return_pct", f"{s} minus {lg}, latest month", "pp",
         True),
        ("month_stats_fdr.surviving", "month cells that survive the false-discovery control",
         "count", True),
    ]


def _nb04(p: dict) -> list[tuple[str, str, str, bool]]:
    s, lg = _names(p, ("small", "RUT"), ("large", "SPX"))
    return [
        ("pressure_window.excess_pp", f"{s} minus {lg} in the pressure window, beyond a "
         "typical window", "pp", True),
        ("rebound_window.excess_pp", f"{s} minus {lg} in the rebound window, beyond a "
         "typical window", "pp", True),
        ("current_year.phase", "where the season stands", "text", True),
        ("current_year.ytd_rel_pct", f"{s} minus {lg}, year to date", "pp", True),
    ]


def _nb05(p: dict) -> list[tuple[str, str, str, bool]]:
    s, lg = _names(p, ("small", "RUT"), ("large", "SPX"))
    h = p.get("horizon_days", 5)
    return [
        ("latest.z", f"latest {h}-day spread z-score", "z", True),
        ("latest.spread_pct", f"{s} minus {lg} over the latest {h} days", "pp", True),
        ("latest_event.date", "latest divergence event", "text", True),
        ("latest_event.z", "its z-score", "z", True),
        ("test.252.diff_pp", f"{s} 252 days after events, beyond all days", "pp", True),
    ]


def _nb06(p: dict) -> list[tuple[str, str, str, bool]]:
    out = []
    for s in p.get("series") or ["RUT"]:
        out += [(f"trend.{s}.close", f"{s} close", "level", False),
                (f"trend.{s}.pct_vs_ma200", f"{s} vs its 200-day average", "pct", True),
                (f"trend.{s}.macd_signal", f"{s} MACD signal", "text", True),
                (f"trend.{s}.structure", f"{s} swing structure", "text", False),
                (f"trend.{s}.pct_from_ath", f"{s} from its all-time high", "pct", False),
                (f"trend.{s}.live_patterns", f"{s} live head-and-shoulders patterns", "count",
                 False)]
    return out


#: Per notebook topic (its name without the number): a function of the notebook's parameters
#: giving its key figures as ``(dotted name, label, unit, shown on the indexes)``
KEY_FIGURES: dict[str, Callable[[dict], list[tuple[str, str, str, bool]]]] = {
    "yields_vs_small_caps": _nb01, "ratio_charts": _nb02, "seasonality": _nb03,
    "tax_loss_timing": _nb04, "divergence_signals": _nb05, "trend_and_levels": _nb06}


def _p_first(p: dict, key: str, default: str) -> str:
    v = p.get(key)
    return str(v[0]) if isinstance(v, list) and v else default


def _history01(p: dict) -> list[dict]:
    y = p.get("yield_series") or "DGS10"
    return [{"title": "Rolling yield beta", "unit": "pp per +100 bp",
             "lines": [("beta_rolling_latest_pct", "beta")], "kind": "beta"},
            {"title": f"Rolling correlation with {y} changes", "unit": "correlation",
             "lines": [("corr_rolling_latest", "r")], "kind": "r"},
            {"title": f"{y} yield", "unit": "%", "lines": [("yield_last", y)],
             "kind": "yield"}]


def _history02(p: dict) -> list[dict]:
    pair = _p_first(p, "pairs", "RUT/SPX")
    return [{"title": f"{pair} ratio and its 200-day average", "unit": "ratio",
             "lines": [(f"ratios.{pair}.last", pair), (f"ratios.{pair}.ma200", "200-day average")],
             "kind": "ratio"},
            {"title": f"{pair} vs its 200-day average", "unit": "%",
             "lines": [(f"ratios.{pair}.distance_ma200_pct", "distance")], "kind": "pct"}]


def _history03(p: dict) -> list[dict]:
    s, lg = (list(p.get("relative") or ["RUT", "SPX"]) + ["SPX"])[:2]
    return [{"title": f"{s} minus {lg}, latest complete month", "unit": "pp",
             "lines": [(f"latest_month_rank.{s}-{lg}.return_pct", "spread")], "kind": "pp"}]


def _history04(p: dict) -> list[dict]:
    s, lg = _names(p, ("small", "RUT"), ("large", "SPX"))
    return [{"title": f"{s} minus {lg}, year to date", "unit": "pp",
             "lines": [("current_year.ytd_rel_pct", "spread")], "kind": "pp"}]


def _history05(p: dict) -> list[dict]:
    h = p.get("horizon_days", 5)
    return [{"title": f"Latest {h}-day spread z-score", "unit": "standard deviations",
             "lines": [("latest.z", "z")], "kind": "z", "threshold": p.get("sigma", 3.0)}]


def _history06(p: dict) -> list[dict]:
    series = list(p.get("series") or ["RUT"])
    s = "RUT" if "RUT" in series else series[0]
    return [{"title": f"{s} vs its 200-day average", "unit": "%",
             "lines": [(f"trend.{s}.pct_vs_ma200", s)], "kind": "pct"},
            {"title": f"{s} close", "unit": "index points",
             "lines": [(f"trend.{s}.close", s)], "kind": "level"}]


#: Per notebook topic: the history charts of the dashboard (title, unit, lines of dotted
#: names, the unit the values are formatted in; the first two with data are drawn)
HISTORY: dict[str, Callable[[dict], list[dict]]] = {
    "yields_vs_small_caps": _history01, "ratio_charts": _history02, "seasonality": _history03,
    "tax_loss_timing": _history04, "divergence_signals": _history05,
    "trend_and_levels": _history06}


def topic(notebook: str) -> str:
    """A notebook's topic, its name without the number: ``02_ratio_charts`` -> ``ratio_charts``;
    a page of a sweep has its notebook's: ``02_ratio_charts--mas=50`` -> ``ratio_charts``."""
    name = str(notebook).split("--", 1)[0]  # sweep.SEPARATOR (this module is standalone)
    m = re.match(r"^\d{2}_(.+)$", name)
    return m.group(1) if m else name


def natural_key(name: str) -> list:
    """Sort key putting ``window=26`` before ``window=104`` (numbers compared as numbers)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p)
            for p in re.split(r"(\d+)", str(name)) if p]


CHARTS_PER_NOTEBOOK = 2


def show(value, unit: str) -> str:
    """A key figure's value as the pages write it, by its unit."""
    if value is None:
        return "n/a"
    if isinstance(value, list):
        return ", ".join(show(v, unit) for v in value[:8]) + ("…" if len(value) > 8 else "")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) or unit == "text":
        text = str(value).replace("_", " ")
        return text if len(text) <= 40 else text[:39] + "…"
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "n/a"
    shown = {
        "pct": lambda v: fmt.pct(v), "pp": lambda v: fmt.pp(v), "bp": lambda v: fmt.bp(v),
        "beta": lambda v: fmt.pp(v, 2),
        "yield": lambda v: f"{v:.2f}%", "share": lambda v: fmt.share(v),
        "t": lambda v: f"{v:.1f}", "r": lambda v: f"{v:+.2f}", "z": lambda v: f"{v:+.1f}",
        "points": lambda v: fmt.ordinal(v), "level": lambda v: fmt.level(v),
        "ratio": lambda v: f"{v:,.4f}" if abs(v) < 100 else fmt.level(v),
        "count": lambda v: f"{v:,.0f}",
    }.get(unit)
    if shown is not None:
        return shown(float(value))
    if isinstance(value, int):
        return f"{value:,}"
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if a >= 10 else f"{value:.2f}" if a >= 0.01 or a == 0 else \
        f"{value:.2g}"


_WORDS = {"pct": "%", "pp": "pp", "bp": "bp", "ma200": "200-day average",
          "ma50": "50-day average", "tstat": "t-statistic", "hac": "HAC", "corr": "correlation",
          "n": "count", "ytd": "year to date", "1m": "1 month", "3m": "3 months",
          "1w": "1 week", "4w": "4 weeks", "1y": "1 year", "rel": "relative",
          "ath": "all-time high", "q": "q-value", "p": "p-value"}


def label_from_name(name: str) -> tuple[str, str]:
    """A label and a unit from a figure's dotted name, for figures no list names:
    ``january_effect.hit_rate`` -> ``("January effect: hit rate", "share")``."""
    parts = name.split(".")
    last = parts[-1]
    unit = ""
    if last.endswith(("_pct", "_pp", "_bp")):
        unit = last.rsplit("_", 1)[1]
        last = last.rsplit("_", 1)[0]
    elif "hit_rate" in last or last.endswith("_share"):
        unit = "share"
    elif last in ("t", "tstat") or last.endswith(("_t", "_tstat")):
        unit = "t"

    def words(text: str) -> str:
        return " ".join(_WORDS.get(w, w) for w in text.split("_") if w)

    head = [words(x) for x in parts[:-1]]
    text = ": ".join([*head, words(last)]) if head else words(last)
    return (text[:1].upper() + text[1:]), unit


def figure_spec(doc: dict) -> list[tuple[str, str, str, bool]] | None:
    """The key-figure list of a notebook's JSON document (None for a notebook no list names)."""
    make = KEY_FIGURES.get(topic(doc.get("notebook", "")))
    return make(doc.get("parameters") or {}) if make else None


def figure_value(figures: dict, name: str):
    """The value of a dotted figure name (``ratios.RUT/SPX.last``), None when absent; keys may
    hold dots of their own, the longest matching key is taken first."""
    node, rest = figures or {}, name
    while rest:
        if not isinstance(node, dict):
            return None
        key = max((k for k in node if rest == k or rest.startswith(f"{k}.")), key=len,
                  default=None)
        if key is None:
            return None
        node, rest = node[key], rest[len(key) + 1:]
    return node


_NOT_KEY = {"asof", "start", "source", "data_dir", "provenance", "method", "parameters",
            "settings", "config", "brief"}


def key_figures(doc: dict, limit: int = 8) -> list[tuple[str, str]]:
    """Up to ``limit`` key figures of a notebook's document as ``(label, shown value)``."""
    return [(label, shown) for _, label, shown in key_figure_items(doc, limit)]


def key_figure_items(doc: dict, limit: int = 8) -> list[tuple[str, str, str]]:
    """:func:`key_figures` with each figure's dotted name first: ``(name, label, shown)`` (the
    run index lines up a sweep's pages by name: their labels may hold the swept values)."""
    figures = doc.get("figures") or {}
    out: list[tuple[str, str, str]] = []
    for name, label, unit, on_index in figure_spec(doc) or []:
        value = figure_value(figures, name)
        if on_index and value is not None and not isinstance(value, dict):
            out.append((name, label, show(value, unit)))
    if out:
        return out[:limit]
    for name, value in figures.items():
        if name in _NOT_KEY or value is None:
            continue
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for k, v in items:
            if v is None or isinstance(v, (dict, list)) and not (
                    isinstance(v, list) and 0 < len(v) <= 8 and all(
                        isinstance(x, (int, float, str)) for x in v)):
                continue
            if isinstance(v, str) and len(v) > 60:
                continue
            dotted = name if k is None else f"{name}.{k}"
            label, unit = label_from_name(dotted)
            out.append((dotted, label, show(v, unit)))
            if len(out) >= limit:
                return out
    return out


def first_sentence(doc: dict) -> str | None:
    """The brief's first sentence (Markdown), when the notebook recorded a brief."""
    brief = (doc.get("figures") or {}).get("brief")
    if isinstance(brief, str):
        brief = [brief]
    if isinstance(brief, list):
        for s in brief:
            if isinstance(s, str) and s.strip():
                return s.strip()
    return None


class Chart:
    """The geometry of one small history chart: polylines in a ``width`` x ``height`` box.

    Attributes: ``title``, ``unit``, ``lines`` (``{"label", "points"}`` with ``points`` the SVG
    ``x,y`` list), ``dots`` (single points), ``last`` / ``low`` / ``high`` (formatted values),
    ``first_date`` / ``last_date``, ``zero_y`` and ``threshold_y`` (or None) and ``n`` (runs).
    """

    width = 240
    height = 64
    pad = 4

    def __init__(self, title: str, unit: str, kind: str, series: list[tuple[str, list]],
                 threshold: float | None = None):
        self.title, self.unit = title, unit
        dates = sorted({d for _, pts in series for d, _ in pts})
        values = [v for _, pts in series for _, v in pts]
        guides = [threshold] if threshold is not None else []
        lo, hi = min(values + guides), max(values + guides)
        if hi - lo < 1e-12:
            lo, hi = lo - 1.0, hi + 1.0
        day0 = _days(dates[0])
        span = max(_days(dates[-1]) - day0, 1)
        w, h, pad = self.width, self.height, self.pad

        def x(d: str) -> float:
            return round(pad + (w - 2 * pad) * (_days(d) - day0) / span, 1)

        def y(v: float) -> float:
            return round(h - pad - (h - 2 * pad) * (v - lo) / (hi - lo), 1)

        self.lines = [{"label": label, "points": " ".join(f"{x(d)},{y(v)}" for d, v in pts),
                       "single": len(pts) == 1,
                       "x": x(pts[-1][0]), "y": y(pts[-1][1])} for label, pts in series]
        main = series[0][1]
        self.last = show(main[-1][1], kind)
        self.low = show(min(v for _, v in main), kind)
        self.high = show(max(v for _, v in main), kind)
        self.first_date, self.last_date = dates[0], dates[-1]
        self.n = len(dates)
        self.zero_y = y(0.0) if lo < 0 < hi else None
        self.threshold_y = y(threshold) if threshold is not None and lo <= threshold <= hi \
            else None
        self.threshold = None if threshold is None else show(threshold, kind)
        self.legend = [ln["label"] for ln in self.lines] if len(self.lines) > 1 else []


def _days(date: str) -> int:
    """The day number of a run folder's ``YYYY-MM-DD`` (only differences matter)."""
    return dt.date.fromisoformat(date).toordinal()


def _read(path: Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _same_parameters(a: dict, b: dict) -> bool:
    def strip(d):
        return {k: v for k, v in (d.get("parameters") or {}).items() if k != "asof"}
    return strip(a) == strip(b)


def _series(docs: list[dict], contexts: dict, name: str) -> list[tuple[str, float]]:
    pts = []
    for doc in docs:
        v = figure_value(doc.get("figures") or {}, name)
        if v is None:
            v = figure_value(contexts.get(doc["asof"], {}).get(doc["notebook"], {}), name)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            pts.append((doc["asof"], float(v)))
    return pts


def _charts(nb: str, docs: list[dict], contexts: dict) -> list[Chart]:
    make = HISTORY.get(topic(nb))
    if make is None or not docs:
        return []
    out = []
    for spec in make(docs[-1].get("parameters") or {}):
        series = [(label, pts) for name, label in spec["lines"]
                  if (pts := _series(docs, contexts, name))]
        if not series or series[0][0] != spec["lines"][0][1]:
            continue  # the main line is missing: another chart instead
        out.append(Chart(spec["title"], spec["unit"], spec["kind"], series,
                         spec.get("threshold")))
        if len(out) >= CHARTS_PER_NOTEBOOK:
            break
    return out


def dashboard(out: Path, runs: list[dict]) -> list[dict]:
    """One row per notebook for ``<out>/index.html``: the latest run's title, page, as-of date,
    brief's first sentence, the signals and changes since the run before, and the history
    charts across every dated run with the same parameters.  A swept notebook has a row per
    page (``sweep``: its values, ``source_notebook``), after its unswept page, in the values'
    order.

    ``runs`` are the folder's run documents (``run.json`` with ``folder``), any order.
    """
    by_date = sorted((r for r in runs if _DATE_FOLDER.match(str(r.get("folder", "")))),
                     key=lambda r: r["folder"])
    docs: dict[str, list[dict]] = {}
    changes: dict[str, dict] = {}
    for r in by_date:
        folder = Path(out) / r["folder"]
        ch = _read(folder / "changes.json")
        if ch:
            changes[r["folder"]] = ch
        for entry in r.get("notebooks") or []:
            if entry.get("status") != "ok" or not entry.get("notebook"):
                continue
            doc = _read(folder / f"{entry['notebook']}.json")
            if doc and doc.get("status") == "ok" and doc.get("asof") == r["folder"]:
                docs.setdefault(entry["notebook"], []).append(doc)
    contexts = {d: ch.get("context") or {} for d, ch in changes.items()}
    rows = []
    for nb in sorted(docs, key=natural_key):
        latest = docs[nb][-1]
        same = [d for d in docs[nb] if _same_parameters(d, latest)]
        since = changes.get(latest["asof"], {})
        state = (since.get("notebooks") or {}).get(nb) or {}
        rows.append({
            "notebook": nb, "title": latest.get("title") or nb, "asof": latest["asof"],
            "href": f"{latest['asof']}/{(latest.get('files') or {}).get('html', nb + '.html')}",
            "brief": first_sentence(latest), "synthetic": bool(latest.get("synthetic")),
            "previous": state.get("previous"), "since_status": state.get("status"),
            "signals": [s for s in since.get("signals") or [] if s.get("notebook") == nb],
            "changes": [c for c in since.get("changes") or [] if c.get("notebook") == nb],
            "charts": _charts(nb, same, contexts), "runs": len(same),
            "sweep": latest.get("sweep") or {},
            "source_notebook": latest.get("source_notebook") or nb.split("--", 1)[0],
        })
    return rows
