"""What changed since the previous report: ``<out>/<asof>/changes.json`` and the "Since"
sections of the pages and the run index.

After a run has rendered, :func:`update` compares each notebook of the dated folder with the
newest earlier run of the same notebook in the same output folder, preferring one with the
same parameters (other than the as-of date), or with the run of ``--compare-to DATE``:

* **signals** (:mod:`smallcaps.signals`) found in the data between the previous as-of
  (exclusive) and this one (inclusive), loaded through :mod:`smallcaps.data` at this run's
  as-of, source and data folder with the notebook's own parameters: notebook 02's ``pairs``
  (50/200-day crosses of each ratio, its 252-day highs and lows), 06's ``series`` (50/200-day
  crosses, MACD crosses, intraday and closing records; the pattern transitions of its recorded
  ``patterns``), 05's ``small``/``large`` (its divergence events, with z).  Each carries its
  history (:func:`smallcaps.signals.base_rate`) and a sentence;
* **changes**: the key figures (:data:`~.dashboard.KEY_FIGURES`) that moved by more than
  :data:`smallcaps.periodic.THRESHOLDS`, in words (:func:`smallcaps.periodic.figure_changes`);
  a change of parameters or method is flagged instead (:func:`smallcaps.periodic.comparable`);
  a notebook with nothing earlier says so.

``changes.json``::

    {"asof": "2024-11-08", "previous": "2024-11-01", "compare_to": null, "seconds": 1.4,
     "notebooks": {"02_ratio_charts": {"previous": "2024-11-01", "status": "compared",
                                       "note": "...", "basis": [...]}, ...},
     "signals": [{"notebook", "series", "signal", "date", "value", "detail", "text",
                  "base_rate": {"n", "episodes", "forward": {"21": {...}, ...}}}, ...],
     "changes": [{"notebook", "figure", "label", "before", "after", "unit", "text"}, ...],
     "context": {"02_ratio_charts": {"ratios": {"RUT/SPX": {"ma200": ..., ...}}}}}

Each notebook's entry keeps its *basis* (its render key, the previous date and that render's
key): a run whose bases are unchanged reads nothing else and writes nothing, so an up-to-date
run stays cheap (no pandas); only notebooks whose basis moved are computed again.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from pathlib import Path

from smallcaps import fmt
from smallcaps.errors import SmallcapsError
from smallcaps.runner import html
from smallcaps.runner.files import atomic_write
from smallcaps.runner.html import MARK_BEGIN, MARK_END

__all__ = ["CHANGES_FILE", "MAX_CHANGES", "MARK_BEGIN", "MARK_END", "SIGNAL_WORDS",
           "check_compare_to", "dated_folders", "find_previous", "history_text", "short_history",
           "notebook_changes", "notebook_signals", "patch_page", "update"]

CHANGES_FILE = "changes.json"
#: At most this many changed figures per notebook (the largest moves)
MAX_CHANGES = 8
#: Bootstrap replicates of a signal's history
N_BOOT = 1000
_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A page's JSON: ``NN_topic.json``, or a sweep's ``NN_topic--window=26.json``
_NOTEBOOK_JSON = re.compile(r"^\d{2}_\w+(--[A-Za-z0-9_=.+~-]+)?\.json$")

#: What each signal says, after the series' name
SIGNAL_WORDS = {
    "ma50_cross_up": "closed above its 50-day average",
    "ma50_cross_down": "closed below its 50-day average",
    "ma200_cross_up": "closed above its 200-day average",
    "ma200_cross_down": "closed below its 200-day average",
    "macd_buy": "turned to a MACD buy signal (MACD crossed above its signal line)",
    "macd_sell": "turned to a MACD sell signal (MACD crossed below its signal line)",
    "new_high_intraday": "set an intraday all-time high",
    "new_high_close": "closed at an all-time high",
    "ratio_252d_high": "closed at its highest in 252 trading days",
    "ratio_252d_low": "closed at its lowest in 252 trading days",
    "divergence_event": "had a divergence event",
    "pattern_confirmed": "confirmed a pattern",
    "pattern_target_reached": "reached a pattern's target",
    "pattern_invalidated": "invalidated a pattern",
}
_PATTERN_NAMES = {"head_and_shoulders": "head-and-shoulders top",
                  "inverse_head_and_shoulders": "inverse head-and-shoulders"}


def _read(path: Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def dated_folders(out: Path) -> list[str]:
    """The run folders (``YYYY-MM-DD``) of an output folder, oldest first."""
    try:
        return sorted(p.name for p in Path(out).iterdir()
                      if p.is_dir() and _DATE_FOLDER.match(p.name))
    except OSError:
        return []


def check_compare_to(out: Path, compare_to: str | None, asof: str) -> None:
    """``--compare-to DATE`` must name an earlier run of this output folder."""
    if not compare_to:
        return
    folder = Path(out) / compare_to
    has_run = folder.is_dir() and any(_NOTEBOOK_JSON.match(p.name) for p in folder.iterdir())
    if not has_run:
        earlier = [d for d in dated_folders(out) if d < asof][-3:]
        known = f"; earlier runs: {', '.join(earlier)}" if earlier else "; there is no earlier run"
        raise SmallcapsError(f"--compare-to {compare_to}: no run as of that date in {out}{known}")
    if compare_to >= asof:
        raise SmallcapsError(f"--compare-to {compare_to} is not before the as-of date {asof}")


def _params(doc: dict) -> dict:
    return {k: v for k, v in (doc.get("parameters") or {}).items() if k != "asof"}


def find_previous(out: Path, asof: str, doc: dict, compare_to: str | None = None) -> dict | None:
    """The document of the run to compare ``doc`` with: the ``compare_to`` run, else the
    newest earlier successful run of the notebook with the same parameters, else the newest
    earlier successful run at all (then flagged as not comparable); None when there is none."""
    name = doc["notebook"]
    dates = [compare_to] if compare_to else [d for d in reversed(dated_folders(out)) if d < asof]
    fallback = None
    for d in dates:
        prev = _read(Path(out) / d / f"{name}.json")
        if not prev or prev.get("status") != "ok" or prev.get("asof") != d:
            continue
        if compare_to or _params(prev) == _params(doc):
            return prev
        fallback = fallback or prev
    return fallback


def _basis(doc: dict, prev: dict | None, compare_to: str | None) -> list:
    """What a notebook's "Since" entry depends on: its render (a forced render rewrites the page
    with the same key, hence the time), the previous run's render and ``--compare-to``."""
    return [doc.get("key"), doc.get("status"), doc.get("generated_at"), prev and prev["asof"],
            prev and prev.get("key"), prev and prev.get("generated_at"), compare_to]


def update(out: Path, asof: str, compare_to: str | None = None, note=None) -> dict | None:
    """Write ``<out>/<asof>/changes.json`` and the pages' "Since" sections when a notebook's
    basis changed; returns the document written, or None when everything was current.

    ``note(line)`` prints a status line (the signals' count and the seconds they took).
    """
    t0 = time.monotonic()
    folder = Path(out) / asof
    docs = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        doc = _read(path)
        if doc and doc.get("notebook") == path.stem:
            docs[path.stem] = doc
    old = _read(folder / CHANGES_FILE) or {}
    old_entries = old.get("notebooks") or {}
    previous = {n: find_previous(out, asof, d, compare_to) if d.get("status") == "ok" else None
                for n, d in docs.items()}
    bases = {n: _basis(d, previous[n], compare_to) for n, d in docs.items()}
    if old and set(old_entries) == set(docs) and all(
            (old_entries[n] or {}).get("basis") == bases[n] for n in docs):
        return None
    result = {"asof": asof, "previous": None, "compare_to": compare_to, "seconds": 0.0,
              "notebooks": {}, "signals": [], "changes": [], "context": {}}
    for name, doc in docs.items():
        entry = old_entries.get(name) or {}
        if entry.get("basis") == bases[name]:
            parts = ([s for s in old.get("signals", []) if s.get("notebook") == name],
                     [c for c in old.get("changes", []) if c.get("notebook") == name],
                     (old.get("context") or {}).get(name))
        else:
            entry, parts = _compute(doc, previous[name], asof, compare_to)
            entry["basis"] = bases[name]
        result["notebooks"][name] = entry
        result["signals"] += parts[0]
        result["changes"] += parts[1]
        if parts[2]:
            result["context"][name] = parts[2]
    dates = [e["previous"] for e in result["notebooks"].values() if e.get("previous")]
    result["previous"] = max(dates) if dates else None
    result["signals"].sort(key=lambda s: (s["date"], s["notebook"], s["series"], s["signal"]))
    result["seconds"] = round(time.monotonic() - t0, 2)
    atomic_write(folder / CHANGES_FILE, json.dumps(result, indent=1, allow_nan=False))
    _patch_pages(folder, docs, result)
    if note is not None:
        since = f"since {result['previous']}" if result["previous"] else "first report"
        note(f"  {since}: {fmt.plural(len(result['signals']), 'signal')}, "
             f"{fmt.plural(len(result['changes']), 'changed figure')} "
             f"({result['seconds']:.1f} s)")
    return result


def _compute(doc: dict, prev: dict | None, asof: str,
             compare_to: str | None = None) -> tuple[dict, tuple]:
    if doc.get("status") != "ok":
        return {"previous": None, "status": "failed",
                "note": "The notebook failed: nothing to compare."}, ([], [], None)
    if prev is None:
        note = (f"No successful run of this notebook as of {compare_to} to compare with."
                if compare_to else "First report of this notebook in this folder: nothing "
                                   "earlier to compare with.")
        return {"previous": None, "status": "first", "note": note}, ([], [], None)
    from smallcaps import periodic

    entry = {"previous": prev["asof"], "status": "compared", "note": None}
    why = periodic.comparable(prev, doc)
    changes: list[dict] = []
    if why:
        reason = why.split(":")[0].removeprefix("the ")
        entry.update(status="not comparable",
                     note=f"The {reason} since {prev['asof']}: the figures are not compared "
                          "(the signals are found in the data all the same).")
    else:
        changes = notebook_changes(prev, doc)
    try:
        found, context = notebook_signals(doc, prev["asof"], asof)
    except (SmallcapsError, KeyError, ValueError, TypeError) as exc:
        entry["signals_note"] = f"signals not computed: {exc}"
        found, context = [], None
    if context and changes:
        _add_context(changes, context)
    return entry, (found, changes, context)


def notebook_changes(previous: dict, current: dict) -> list[dict]:
    """The key figures of ``current`` (a notebook's JSON document) that moved since
    ``previous``, in words, at most :data:`MAX_CHANGES`, largest first."""
    from smallcaps import periodic
    from smallcaps.runner import dashboard

    spec = dashboard.figure_spec(current)
    before, after = previous.get("figures") or {}, current.get("figures") or {}
    if spec and any(dashboard.figure_value(after, n) is not None for n, *_ in spec):
        found = periodic.figure_changes(before, after, current["notebook"],
                                        figures=[(n, lab, u) for n, lab, u, _ in spec
                                                 if not _other_period(before, after, n)])
    else:
        skip = {"asof", "method", "parameters", "provenance"}
        found = periodic.figure_changes(
            {k: v for k, v in before.items() if k not in skip},
            {k: v for k, v in after.items() if k not in skip}, current["notebook"],
            label=lambda n: dashboard.label_from_name(n)[0])
    return found[:MAX_CHANGES]


def _other_period(before: dict, after: dict, name: str) -> bool:
    """A figure of the latest month (or year) is not compared with another month's."""
    from smallcaps.runner.dashboard import figure_value

    parent = name.rpartition(".")[0]
    for key in ("month", "year"):
        a = figure_value(before, f"{parent}.{key}" if parent else key)
        b = figure_value(after, f"{parent}.{key}" if parent else key)
        if a is not None and b is not None and a != b:
            return True
    return False


def _add_context(changes: list[dict], context: dict) -> None:
    """"RUT/SPX ratio rose 2.1% to 0.4036; it is now 3.2% above its 200-day average"."""
    for c in changes:
        m = re.match(r"^ratios\.(.+)\.last$", c["figure"])
        d = ((context.get("ratios") or {}).get(m.group(1)) or {}).get("distance_ma200_pct") \
            if m else None
        if d is not None:
            side = "above" if d >= 0 else "below"
            c["text"] += f"; it is now {fmt.pct(abs(d), signed=False)} {side} its 200-day average"


# ----------------------------------------------------------------------------- signals


def notebook_signals(doc: dict, after: str, upto: str) -> tuple[list[dict], dict | None]:
    """The signals of one notebook's series dated after ``after`` up to ``upto``, from the
    data at ``upto`` with the notebook's parameters, and a context of levels for the changes
    and the dashboard (notebook 02: each ratio's 50- and 200-day averages)."""
    import pandas as pd

    from smallcaps.runner.dashboard import topic

    p = doc.get("parameters") or {}
    finder = {"ratio_charts": _ratio_signals, "divergence_signals": _divergence_signals,
              "trend_and_levels": _trend_signals}.get(topic(doc["notebook"]))
    if finder is None:
        return [], None
    kw = {"source": p.get("source") or "auto", "data_dir": p.get("data_dir") or None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the synthetic sample is named on the page and index
        found, context = finder(doc, p, upto, kw)
    out = []
    for series, history, prices, what, extra in found:
        from smallcaps import signals

        for _, row in signals.between(history, after, upto).iterrows():
            base = signals.base_rate(prices, history, row["signal"], before=row["date"],
                                     n_boot=N_BOOT)
            sig = {"notebook": doc["notebook"], "series": series, "signal": row["signal"],
                   "date": f"{pd.Timestamp(row['date']):%Y-%m-%d}",
                   "value": _finite(row["value"]), "detail": str(row["detail"]),
                   "base_rate": base}
            sig["text"] = _signal_text(sig, what, extra)
            out.append(sig)
    return out, context


def _finite(x) -> float | None:
    x = float(x)
    return x if x == x and abs(x) != float("inf") else None


def _ratio_signals(doc, p, upto, kw):
    from smallcaps import data, signals

    pairs = [str(x) for x in p.get("pairs") or []]
    keys = list(dict.fromkeys(k for pair in pairs for k in pair.split("/")))
    prices = data.load(keys, asof=upto, field=p.get("etf_field") or "adj_close", **kw)
    windows = [w for w in (p.get("mas") or [50, 200]) if w in (50, 200)] or [50, 200]
    days = int(p.get("breakout_days") or 252)
    found, context = [], {}
    for pair in pairs:
        a, b = pair.split("/")
        ratio = (prices[a] / prices[b]).dropna().rename(pair)
        if len(ratio) < 2:
            continue
        history = _concat([signals.ma_crosses(ratio, windows, name=pair),
                           signals.ratio_extremes(ratio, days=days, name=pair)])
        found.append((pair, history, ratio, "the ratio", {}))
        ma = {w: ratio.rolling(w, min_periods=w).mean().iloc[-1] for w in (50, 200)}
        context[pair] = {"last": float(ratio.iloc[-1]),
                         **{f"ma{w}": _finite(v) for w, v in ma.items()},
                         **{f"distance_ma{w}_pct": _finite((ratio.iloc[-1] / v - 1) * 100)
                            for w, v in ma.items()}}
    return found, {"ratios": context}


def _divergence_signals(doc, p, upto, kw):
    from smallcaps import data, signals

    small, large = p.get("small") or "RUT", p.get("large") or "SPX"
    prices = data.load([small, large], start=p.get("start") or None, asof=upto, **kw)
    history = signals.divergence_events(
        prices[small], prices[large], sigma=float(p.get("sigma", 3.0)),
        direction=p.get("direction") or "up", name=f"{small}-{large}",
        horizon_days=int(p.get("horizon_days", 5)), std_method=p.get("std_method") or
        "expanding", std_window=int(p.get("std_window", 252)),
        min_history=int(p.get("min_history", 252)),
        decluster_days=int(p.get("decluster_days", 20)))
    extra = {"small": small, "large": large, "days": int(p.get("horizon_days", 5))}
    return [(f"{small}-{large}", history, prices[small].dropna(), small, extra)], None


def _trend_signals(doc, p, upto, kw):
    import pandas as pd

    from smallcaps import data, signals, technicals

    windows = [w for w in (p.get("mas") or [50, 200]) if w in (50, 200)] or [50, 200]
    spans = [int(v) for v in (p.get("macd") or [12, 26, 9])]
    patterns = (doc.get("figures") or {}).get("patterns") or []
    records = (doc.get("figures") or {}).get("pattern_history") or {}
    found = []
    for key in p.get("series") or []:
        ohlc = data.load_ohlc(key, asof=upto, **kw)
        if p.get("timeframe") == "weekly":
            ohlc = technicals.weekly_bars(ohlc)
        close = ohlc["Close"].rename(key)
        rows = []
        for pat in patterns:
            if pat.get("series") != key:
                continue
            name = _PATTERN_NAMES.get(pat.get("type"), str(pat.get("type", "pattern")))
            known = pat.get("formed_date")
            if pat.get("confirmed_date"):  # known once both the break and the shape are
                rows.append({"date": max(pat["confirmed_date"], known or ""),
                             "state": "confirmed", "pattern": name,
                             "level": pat.get("neckline")})
            if pat.get("target_date"):
                rows.append({"date": pat["target_date"], "state": "target_reached",
                             "pattern": name, "level": pat.get("target")})
            if pat.get("invalidated_date"):
                rows.append({"date": pat["invalidated_date"], "state": "invalidated",
                             "pattern": name, "level": (pat.get("head") or {}).get("price")})
        moves = pd.DataFrame(rows, columns=["date", "state", "pattern", "level"])
        history = _concat([signals.ma_crosses(close, windows, name=key),
                           signals.macd_crosses(close, spans, name=key),
                           signals.record_highs(ohlc, name=key),
                           signals.pattern_signals(moves, key)])
        found.append((key, history, close, key, {"record": records.get(key) or {}}))
    return found, None


def _concat(frames):
    import pandas as pd

    from smallcaps.signals import COLUMNS

    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS).astype({"date": "datetime64[us]", "value": float})
    out = pd.concat(frames, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["date", "signal"], kind="mergesort").reset_index(drop=True)


def _shown(value, signal: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.4f}" if abs(value) < 100 else fmt.level(value)


def _signal_text(sig: dict, what: str, extra: dict) -> str:
    """One signal in words, then what followed it before."""
    s, kind, date = sig["series"], sig["signal"], sig["date"]
    if kind == "divergence_event":
        head = (f"{extra['small']} beat {extra['large']} over {extra['days']} trading days by "
                f"{sig['value']:+.1f} standard deviations on {date}: a divergence event "
                f"({sig['detail']})")
    elif kind.startswith("pattern_"):
        level = "" if sig["value"] is None else f" at {fmt.level(sig['value'])}"
        verb = {"pattern_confirmed": "was confirmed (neckline broken)",
                "pattern_target_reached": "reached its target",
                "pattern_invalidated": "was invalidated"}[kind]
        article = "an" if sig["detail"][:1].lower() in "aeiou" else "a"
        head = f"{s}: {article} {sig['detail']} {verb}{level} on {date}"
    else:
        words = SIGNAL_WORDS.get(kind, kind.replace("_", " "))
        head = f"{s} {words} on {date} at {_shown(sig['value'], kind)} ({sig['detail']})"
    sig["headline"] = f"{head}. {short_history(sig['base_rate'])}"
    text = f"{head}. {history_text(sig['base_rate'], what)}"
    record = extra.get("record") or {}
    if kind.startswith("pattern_") and record.get("n_resolved"):
        text += (f" Over the whole history, {record['n_target_reached']} of "
                 f"{record['n_resolved']} resolved patterns of the detector reached their target "
                 f"({fmt.pct(record.get('hit_rate_pct'), signed=False)}; a random entry "
                 f"{fmt.pct(record.get('baseline_hit_rate_pct'), signed=False)}).")
    return text


def short_history(base: dict) -> str:
    """A signal's history in a few words, for the indexes: ``Before: 117 times; 63 days
    later -1.1 pp against all days (p = 0.34).``"""
    n = int(base.get("n") or 0)
    if n == 0:
        return "First time in the data."
    row = (base.get("forward") or {}).get("63") or {}
    if not row.get("n") or row.get("excess_pp") is None:
        return f"Before: {fmt.plural(n, 'time')}; no complete 63-day window yet."
    p = row.get("p_value")
    test = fmt.pvalue(p) if p is not None else "too few to test"
    return (f"Before: {fmt.plural(n, 'time')}; 63 trading days later {fmt.pp(row['excess_pp'])} "
            f"against all days ({test}).")


def history_text(base: dict, what: str = "the series") -> str:
    """What a signal's earlier occurrences were followed by, in one or two sentences."""
    n = int(base.get("n") or 0)
    if n == 0:
        return "It had not happened before in the data."
    head = (f"It happened {fmt.plural(n, 'time')} before "
            f"({fmt.plural(int(base.get('episodes') or 0), 'separate episode')})")
    parts = []
    for h in ("63", "252"):
        row = (base.get("forward") or {}).get(h)
        if not row or not row.get("n") or row.get("mean_pct") is None:
            continue
        p = row.get("p_value")
        test = fmt.pvalue(p) if p is not None else "too few to test"
        parts.append(f"{h} trading days later {what} was {fmt.pct(row['mean_pct'])} on "
                     f"average against {fmt.pct(row['baseline_pct'])} over all {h}-day windows "
                     f"({fmt.pp(row['excess_pp'])}, {test}, {fmt.plural(row['n'], 'window')})")
    if not parts:
        return head + "; none has a complete window after it yet."
    return head + ": " + "; ".join(parts) + "."


# ----------------------------------------------------------------------------- pages


def patch_page(path: Path, section: str) -> bool:
    """Put ``section`` between the page's "Since" markers; False when the page has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    i, j = text.find(MARK_BEGIN), text.find(MARK_END)
    if i < 0 or j < i:
        return False
    new = text[: i + len(MARK_BEGIN)] + section + text[j:]
    if new != text:
        atomic_write(path, new)
    return True


def _patch_pages(folder: Path, docs: dict, result: dict) -> None:
    for name, doc in docs.items():
        page = folder / ((doc.get("files") or {}).get("html") or f"{name}.html")
        entry = result["notebooks"].get(name) or {}
        section = html.since_section(
            entry, [s for s in result["signals"] if s["notebook"] == name],
            [c for c in result["changes"] if c["notebook"] == name])
        patch_page(page, section)
