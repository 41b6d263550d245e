"""HTML of the report runner: notebook pages (nbconvert, own template) and the index pages.

The markup and the CSS are Jinja templates in ``smallcaps/templates`` (a package resource):
``smallcaps_report/`` is the nbconvert template of a notebook page, ``pages/`` the header,
footer, "Since" section and index pages, rendered with HTML autoescaping, so every text that
comes from data, parameters or notebooks is escaped; generated Markdown (the brief) goes
through :func:`smallcaps.page.safe_markdown` first.  Pages are self-contained: images are
embedded (base64 PNG), the CSS is inlined, and the template drops nbconvert's require.js /
MathJax / mermaid / widget scripts (CDN requests).

A page opens with the notebook's recorded ``brief`` (its verdicts, each linking to its
section) and the "Since <previous date>" section (filled in after the run by
:mod:`~.since`), before any table or chart.  The page's copy of the notebook
(:func:`prepare_notebook`) drops what the header already shows (the provenance record, the
in-notebook synthetic banner and sources table, ``SyntheticDataWarning`` lines on stderr), folds
gives every chart its title as alt text and stores charts as 256-colour PNGs, which keeps pages
under a megabyte; tables longer than :data:`FOLD_ROWS` rows are folded in ``<details>``
(:func:`fold_tables`).

jinja2, nbconvert, mistune and Pillow are imported on first use, not with this module.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from smallcaps import fmt
from smallcaps.page import RECORD_MIMETYPE, SYNTHETIC_BANNER, safe_markdown
from smallcaps.project import resource_dir
from smallcaps.runner import dashboard
from smallcaps.runner.executed import INJECTED_TAG, PAPERMILL_ERROR_TAG

__all__ = ["FOLD_ROWS", "KEY_FIGURES_PER_NOTEBOOK", "KEY_FIGURES_PER_RUN", "MARK_BEGIN",
           "MARK_END", "SWEEP_FIGURES", "TEMPLATE_NAME",
           "fmt_value", "fold_tables", "markdown_inline", "notebook_page", "prepare_notebook",
           "run_index_page", "run_links", "scalar_figures", "since_section", "source_words",
           "sweep_groups", "synthetic_text", "template_dir", "top_index_page"]

TEMPLATE_NAME = "smallcaps_report"
KEY_FIGURES_PER_NOTEBOOK = 8
KEY_FIGURES_PER_RUN = 2
#: Tables with more body rows than this are folded in ``<details>`` on the page
FOLD_ROWS = 15
#: Where a page's "Since" section goes (filled in after the run by :mod:`~.since`)
MARK_BEGIN = "<!--sc-since:begin-->"
MARK_END = "<!--sc-since:end-->"
_NOT_KEY = {"asof", "start", "source", "data_dir", "provenance", "method", "parameters",
            "settings", "config", "brief"}
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_WARNING_LINE = re.compile(r"^[^\n]*SyntheticDataWarning:[^\n]*\n(?:[ \t]+[^\n]*\n?)?", re.M)


def template_dir() -> Path:
    """The templates folder shipped with the package (``smallcaps/templates``)."""
    folder = resource_dir("smallcaps", "templates")
    if folder is None or not (folder / TEMPLATE_NAME / "index.html.j2").is_file():
        raise FileNotFoundError("the smallcaps package has no templates/smallcaps_report; "
                                "reinstall it (pip install smallcaps)")
    return folder


def fmt_value(value) -> str:
    """A key figure as short text: numbers rounded to what a reader needs."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        a = abs(value)
        if a >= 1000:
            return f"{value:,.0f}"
        if a >= 10:
            return f"{value:.1f}"
        if a >= 0.01 or a == 0:
            return f"{value:.2f}"
        return f"{value:.2g}"
    if value is None:
        return "n/a"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_scalar(v) -> bool:
    return isinstance(v, (int, float, str, bool)) and not (isinstance(v, str) and len(v) > 60)


def scalar_figures(figures: dict | None, limit: int) -> list[tuple[str, object]]:
    """Up to ``limit`` recorded single values by dotted name, in recording order (a dict one
    level deep: ``latest.z``; a short list joined); echoes of the parameters, method settings
    and the brief are left out.  The indexes show :func:`~.dashboard.key_figures` instead."""
    out: list[tuple[str, object]] = []
    for name, value in (figures or {}).items():
        if name in _NOT_KEY or value is None:
            continue
        if _is_scalar(value):
            out.append((name, value))
        elif isinstance(value, list) and 0 < len(value) <= 8 and all(
                _is_scalar(v) and not isinstance(v, bool) for v in value):
            out.append((name, ", ".join(fmt_value(v) for v in value)))
        elif isinstance(value, dict):
            for k, v in value.items():
                if v is not None and _is_scalar(v) and len(out) < limit:
                    out.append((f"{name}.{k}", v))
        if len(out) >= limit:
            break
    return out[:limit]


def synthetic_text(keys) -> str:
    """The small print of the synthetic-data banner, naming the synthetic series."""
    keys = list(keys)
    return SYNTHETIC_BANNER.format(
        keys=", ".join(keys) if keys else "The series of this report"
    ).removeprefix("SYNTHETIC DATA: ")


_PROVIDERS = {"yahoo": "Yahoo Finance", "fred": "FRED"}


def source_words(p: dict) -> str:
    """Where a series came from, for a reader: ``Yahoo Finance ^RUT, CSV file RUT.csv``."""
    if not isinstance(p, dict):
        return ""
    if p.get("synthetic"):
        return "built-in sample, not market data"
    origin = " ".join(x for x in (_PROVIDERS.get(p.get("provider"), p.get("provider") or ""),
                                  p.get("symbol") or "") if x)
    src = p.get("source")
    if src == "csv":
        where = f"CSV file {Path(p['path']).name}" if p.get("path") else "CSV file"
    elif src == "cache":
        where = "local cache" + (" (could not be refreshed)" if p.get("cache_stale") else "")
    elif src in ("yahoo", "fred"):
        fetched = str(p.get("fetched_at") or "")[:10]
        where = "downloaded" + (f" {fetched}" if fetched else "")
    else:
        where = str(src or "")
    return ", ".join(x for x in (origin, where) if x)


def _param_text(value) -> str:
    if isinstance(value, str):
        return value if value != "" else '""'
    return json.dumps(value)


def _thousands(value) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else \
        ("" if value is None else str(value))


def _sweep_words(values) -> str:
    """``window = 26, min_obs = 20`` (the same words as :func:`~.sweep.sweep_words`)."""
    return ", ".join(f"{k} = {_param_text(v)}" for k, v in (values or {}).items())


def _seconds(value) -> str:
    return f"{value:.1f} s" if isinstance(value, (int, float)) else ""


@lru_cache(maxsize=1)
def _markdown():
    import mistune

    return mistune.create_markdown(escape=False, plugins=["strikethrough"])


def markdown_inline(text, link_base: str = ""):
    """Generated Markdown (one sentence) as safe inline HTML (:class:`markupsafe.Markup`):
    escaped by :func:`smallcaps.page.safe_markdown`, links kept only to ``#anchors`` (with
    ``link_base`` put before them, e.g. ``2024-11-29/02_ratio_charts.html``)."""
    from markupsafe import Markup

    safe = safe_markdown(str(text or ""))
    if link_base:
        safe = safe.replace("](#", f"]({quote(link_base)}#")
    out = _markdown()(safe).strip()
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return Markup(out)


def _brief(doc: dict) -> list[str]:
    brief = (doc.get("figures") or {}).get("brief")
    if isinstance(brief, str):
        brief = [brief]
    return [s for s in brief if isinstance(s, str) and s.strip()] if isinstance(brief, list) \
        else []


@lru_cache(maxsize=1)
def _pages():
    """The Jinja environment of the header, footer and index templates (HTML autoescape)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters.update(fmt_value=fmt_value, urlquote=quote, param_text=_param_text,
                       thousands=_thousands, seconds=_seconds, md=markdown_inline,
                       pct=fmt.pct, pp=fmt.pp, pvalue=fmt.pvalue, plural=fmt.plural,
                       source_words=source_words)
    env.globals.update(key_figures=dashboard.key_figures, per_notebook=KEY_FIGURES_PER_NOTEBOOK,
                       per_run=KEY_FIGURES_PER_RUN, brief_of=_brief,
                       first_sentence=dashboard.first_sentence, run_links=run_links,
                       sweep_words=_sweep_words)
    return env


def _render(name: str, **context) -> str:
    return _pages().get_template(f"pages/{name}").render(**context)


@lru_cache(maxsize=2)
def _exporter(show_code: bool):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.exclude_input = not show_code
    c.HTMLExporter.exclude_input_prompt = not show_code
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = ("remove_cell",)
    c.TagRemovePreprocessor.remove_input_tags = ("remove_input", "hide_input")
    c.TagRemovePreprocessor.remove_all_outputs_tags = ("remove_output",)
    return HTMLExporter(config=c, template_name=TEMPLATE_NAME,
                        extra_template_basedirs=[str(template_dir())])


def _records(o: dict) -> dict | None:
    rec = (o.get("data") or {}).get(RECORD_MIMETYPE)
    if isinstance(rec, str):
        try:
            rec = json.loads(rec)
        except ValueError:
            return None
    return rec if isinstance(rec, dict) else {}


def _html_of(o: dict) -> str:
    text = (o.get("data") or {}).get("text/html", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _is_sources_output(o: dict) -> bool:
    """page.sources' own banner and table (the page header shows both once)."""
    text = _html_of(o)
    if "smallcaps-synthetic" in text:
        return True
    plain = str((o.get("data") or {}).get("text/plain", ""))
    return (">fetched_at<" in text and ">synthetic<" in text) or (
        not text and "fetched_at" in plain and "synthetic" in plain)


def _page_outputs(outputs: list) -> list:
    """A code cell's outputs as the page shows them."""
    out = []
    after_sources = False
    for o in outputs or []:
        if RECORD_MIMETYPE in (o.get("data") or {}):
            after_sources = after_sources or (_records(o) or {}).get("name") == "provenance"
            continue
        if after_sources and o.get("output_type") in ("display_data", "execute_result") \
                and _is_sources_output(o):
            continue
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            text = o.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            cleaned = _WARNING_LINE.sub("", text)
            if cleaned != text:
                if not cleaned.strip():
                    continue
                o = copy.deepcopy(o)
                o["text"] = cleaned
        out.append(o)
    return out


def _table_rows(table_html: str) -> tuple[int, int]:
    """Body rows and columns of an HTML table."""
    if "<tbody" in table_html:
        head, body = table_html.split("<tbody", 1)
        rows = body.count("<tr")
    else:
        head, rows = table_html, max(table_html.count("<tr") - 1, 0)
    first = re.search(r"<tr\b.*?</tr>", head, re.S)
    cols = len(re.findall(r"<t[hd]\b", first.group(0))) if first else 0
    return rows, cols


_TABLE = re.compile(r"<(table)\b.*?</\1>", re.S)  # a whole HTML table, not nested


def fold_tables(page: str, start: int = 0) -> str:
    """Every table after ``start`` with more than :data:`FOLD_ROWS` body rows (a DataFrame, or
    a Markdown table in generated prose) folded in ``<details>`` with a summary line."""
    from markupsafe import Markup

    def fold(m: re.Match) -> str:
        rows, cols = _table_rows(m.group(0))
        if rows <= FOLD_ROWS:
            return m.group(0)
        return _render("folded_table.html.j2", table=Markup(m.group(0)), rows=rows, cols=cols)

    return page[:start] + _TABLE.sub(fold, page[start:])


def _png_title(raw: bytes, image) -> str | None:
    info = getattr(image, "text", None) or getattr(image, "info", {}) or {}
    for key in ("Title", "title", "Description"):
        if isinstance(info.get(key), str) and info[key].strip():
            return info[key].strip()
    return None


def _chart(o: dict, alt: str, quantize: bool) -> dict:
    """An image output with its alt text and, for PNGs, a 256-colour copy (charts have few
    colours; a third of the size or less)."""
    o = copy.deepcopy(o)
    meta = o.setdefault("metadata", {})
    given = (meta.get("image/png") or {}).get("alt") or meta.get("alt")
    data = o.get("data") or {}
    png = data.get("image/png")
    if png is not None:
        try:
            from PIL import Image

            raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
            image = Image.open(io.BytesIO(raw))
            given = given or _png_title(raw, image)
            if quantize and image.mode in ("RGB", "RGBA"):
                if image.mode == "RGBA":
                    flat = Image.new("RGB", image.size, (255, 255, 255))
                    flat.paste(image, mask=image.getchannel("A"))
                    image = flat
                small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                       dither=Image.Dither.NONE)
                buf = io.BytesIO()
                small.save(buf, "PNG")  # zlib level 6: +10 % size, a sixth of optimize=True
                if buf.tell() < len(raw):
                    data["image/png"] = base64.b64encode(buf.getvalue()).decode("ascii")
        except (ImportError, OSError, ValueError):
            pass  # the image stays as the notebook made it
    meta["smallcaps"] = {"alt": str(given or alt)}
    return o


def _is_image(o: dict) -> bool:
    return any(m in (o.get("data") or {}) for m in ("image/png", "image/jpeg"))


def prepare_notebook(nb, title: str, show_code: bool = False, compress: bool = True):
    """A copy of the executed notebook fit for the page: record outputs, papermill's banners
    and what the header shows removed, long tables folded, charts with alt text (their title
    when the notebook gives one, else ``Chart <n> of <title>: <section>``) and compressed."""
    nb = copy.deepcopy(nb)
    cells = []
    section = ""
    n_chart = 0
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if PAPERMILL_ERROR_TAG in tags:
            if 'id="papermill-error-cell"' in cell.get("source", ""):
                cell.source = _render("stopped_here.html.j2")
                cells.append(cell)
            continue
        if INJECTED_TAG in tags and not show_code:
            continue
        if cell.get("cell_type") == "markdown":
            heads = _HEADING.findall(cell.source)
            if i <= 1 and title and heads and cell.source.lstrip().startswith("#") and \
                    cell.source.splitlines()[0].lstrip("# ").strip() == title:
                cell.source = "\n".join(cell.source.splitlines()[1:]).lstrip("\n")
                heads = heads[1:]
            section = heads[-1] if heads else section
        if cell.get("cell_type") == "code":
            outputs = []
            for o in _page_outputs(cell.get("outputs", [])):
                if _is_image(o):
                    n_chart += 1
                    where = f": {section}" if section else ""
                    o = _chart(o, f"Chart {n_chart} of {title}{where}", compress)
                outputs.append(o)
            cell.outputs = outputs
        cells.append(cell)
    if not show_code:
        cells = _drop_orphans(cells)
    nb.cells = cells
    nb.metadata["title"] = title
    return nb


def _drop_orphans(cells: list) -> list:
    """Without code, a short note that introduces a cell showing nothing ("Record the key
    figures for the report.") is an orphan line: left out."""
    out = []
    first_text = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), -1)
    for i, cell in enumerate(cells):
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if (i != first_text and cell.get("cell_type") == "markdown"
                and not _HEADING.search(cell.source) and len(cell.source) <= 300
                and nxt is not None and nxt.get("cell_type") == "code" and not nxt.get("outputs")
                and not {"parameters", INJECTED_TAG} & set(nxt.get("metadata", {}).get("tags",
                                                                                     []))):
            continue
        out.append(cell)
    return out


def notebook_page(nb, doc: dict, error: dict | None = None, show_code: bool = False) -> str:
    """The HTML page of one executed notebook (header, brief, banners, outputs, footer).

    ``doc`` is the notebook's JSON document (``asof``, ``asof_requested``, ``parameters``,
    ``provenance``, ``status``, ``figures`` with its ``brief``...); ``error`` the failure
    (:func:`~.executed.find_error`).  The "Since" section is empty until :mod:`~.since`
    fills it in.
    """
    prov = doc.get("provenance") or {}
    synth = [k for k, p in prov.items() if isinstance(p, dict) and p.get("synthetic")]
    title = doc.get("title") or doc["notebook"]
    page_nb = prepare_notebook(nb, title, show_code)
    resources = {
        "smallcaps_header": _render("header.html.j2", doc=doc, error=error,
                                    synthetic_text=synthetic_text(synth),
                                    since_begin=MARK_BEGIN, since_end=MARK_END),
        "smallcaps_footer": _render("footer.html.j2", doc=doc),
        "smallcaps_synthetic": bool(doc.get("synthetic")),
        "metadata": {"name": title},
    }
    body, _ = _exporter(show_code).from_notebook_node(page_nb, resources=resources)
    return fold_tables(body, max(body.find("</header>"), 0))


def since_section(entry: dict, signals: list[dict], changes: list[dict]) -> str:
    """The "Since <previous date>" section of a notebook page (HTML)."""
    return _render("since.html.j2", entry=entry or {}, signals=signals, changes=changes)


#: Key figures shown as columns of a sweep's table on the run index
SWEEP_FIGURES = 3


def _source(doc: dict) -> str:
    return doc.get("source_notebook") or str(doc.get("notebook", "")).split("--", 1)[0]


def sweep_groups(docs: list[dict], figures: int = SWEEP_FIGURES) -> list[dict]:
    """The run index's rows: a notebook's swept pages grouped (consecutive in ``docs``).

    Each group has ``notebook`` (the source notebook), ``title``, ``docs``; a swept group
    also ``names`` (the swept parameters, the columns), ``figures`` (up to ``figures`` key
    figures as ``(dotted name, column label)``: the label all pages share, else one from the
    name) and ``rows`` (per page: ``doc``, ``values`` and ``shown`` figures, in column order).
    """
    groups: list[dict] = []
    for d in docs:
        src, swept = _source(d), bool(d.get("sweep"))
        last = groups[-1] if groups else None
        if swept and last and last["swept"] and last["notebook"] == src:
            last["docs"].append(d)
        else:
            groups.append({"notebook": src, "title": d.get("title") or src, "docs": [d],
                           "swept": swept})
    for g in groups:
        if not g["swept"]:
            continue
        names = list(dict.fromkeys(k for d in g["docs"] for k in d.get("sweep") or {}))
        items = [dashboard.key_figure_items(d, 8) for d in g["docs"]]
        # the swept values are columns already: not again as recorded figures
        order = [n for n in dict.fromkeys(n for it in items for n, _, _ in it)
                 if n not in names][:figures]
        cols = []
        for name in order:
            labels = {lab for it in items for n, lab, _ in it if n == name}
            cols.append((name, labels.pop() if len(labels) == 1 else
                         dashboard.label_from_name(name)[0]))
        g.update(names=names, figures=cols, rows=[
            {"doc": d, "values": [(d.get("sweep") or {}).get(n) for n in names],
             "shown": [next((v for n, _, v in it if n == name), "") for name, _ in cols]}
            for d, it in zip(g["docs"], items, strict=True)])
    return groups


def run_links(folder: str, notebooks: list[dict]) -> list[tuple[str, str]]:
    """The top index's links to one run's pages, ``(text, href)``: ``01`` per page, a swept
    notebook once (``01 ×4``, to its group on the run index)."""
    out: list[tuple[str, str]] = []
    swept: dict[str, int] = {}
    for d in notebooks:
        if d.get("sweep"):
            swept[_source(d)] = swept.get(_source(d), 0) + 1
    seen = set()
    for d in notebooks:
        src = _source(d)
        if d.get("sweep"):
            if src not in seen:
                seen.add(src)
                out.append((f"{src[:2]} \u00d7{swept[src]}",
                            f"{quote(folder)}/index.html#nb-{quote(src)}"))
        elif (d.get("files") or {}).get("html"):
            out.append((str(d.get("notebook", ""))[:2],
                        f"{quote(folder)}/{quote(d['files']['html'])}"))
    return out


def run_index_page(run: dict, changes: dict | None = None) -> str:
    """``<out>/<asof>/index.html``: every notebook of the run with its brief, status and key
    figures (a swept notebook as one table, a row per page: :func:`sweep_groups`), and what
    changed since the previous run (``changes.json``)."""
    synth = sorted({k for d in run.get("notebooks") or []
                    for k, p in (d.get("provenance") or {}).items()
                    if isinstance(p, dict) and p.get("synthetic")})
    return _render("run_index.html.j2", run=run, changes=changes or {},
                   groups=sweep_groups(run.get("notebooks") or []),
                   synthetic_text=synthetic_text(synth))


def top_index_page(runs: list[dict], rows: list[dict] | None = None) -> str:
    """``<out>/index.html``: the dashboard (one row per notebook, or per page of a swept one:
    brief, latest signals, history charts; :func:`~.dashboard.dashboard`) and every run,
    newest first."""
    return _render("top_index.html.j2", runs=runs, rows=rows or [])
