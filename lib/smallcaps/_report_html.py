"""HTML of the report runner: notebook pages (nbconvert, own template) and the index pages.

Every text that comes from data, parameters or notebooks goes through :func:`esc`.  Pages are
self-contained: images are embedded by the notebook itself (base64 PNG), the CSS is inlined, and
the template drops nbconvert's require.js / MathJax / mermaid / widget scripts (CDN requests).
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from urllib.parse import quote

from smallcaps.reports import (
    INJECTED_TAG,
    PAPERMILL_ERROR_TAG,
    RECORD_MIMETYPE,
    SYNTHETIC_BANNER,
)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "smallcaps_report"
IMAGE_MIMETYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
KEY_FIGURES_PER_NOTEBOOK = 6
KEY_FIGURES_PER_RUN = 2

CSS = """
.sc-header { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 0 0 1.5em 0; padding: 1em 20px 0.6em 20px;
  border-bottom: 2px solid #2b3a55; color: #1b1b1b; font-size: 14px; }
.sc-nav { font-size: 13px; margin-bottom: 0.6em; }
.sc-nav a { color: #1f5fa8; text-decoration: none; margin-right: 1em; }
.sc-title { font-size: 1.9em; margin: 0.2em 0 0.3em 0; color: #2b3a55; }
.sc-meta { color: #444; margin: 0.2em 0 0.8em 0; }
.sc-meta b { color: #111; }
.sc-header h2 { font-size: 1.05em; margin: 1em 0 0.3em 0; color: #2b3a55; }
table.sc-table { border-collapse: collapse; font-size: 13px; margin: 0.2em 0 0.6em 0; }
table.sc-table th, table.sc-table td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 0;
  text-align: left; vertical-align: top; }
table.sc-table th { color: #555; font-weight: 600; }
table.sc-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sc-synthetic { position: sticky; top: 0; z-index: 100; background: #b00020; color: #fff;
  font-weight: bold; font-size: 1.25em; padding: 14px 18px; margin: 0 0 0.8em 0;
  border: 4px solid #6d0014; border-radius: 4px; letter-spacing: 0.01em; }
.sc-synthetic small { display: block; font-weight: normal; font-size: 0.75em; margin-top: 4px; }
.sc-error { background: #fff4f4; border: 3px solid #b00020; border-radius: 4px;
  padding: 0.6em 1em; margin: 0 0 1em 0; }
.sc-error a { color: #1f5fa8; text-decoration: underline; }
.sc-error h2 { color: #b00020; margin-top: 0.2em; font-size: 1.3em; }
.sc-error .sc-error-line { font-family: monospace; font-size: 1.1em; font-weight: bold; }
.sc-error pre { background: #fff; border: 1px solid #e3b5bb; padding: 0.6em; overflow-x: auto;
  font-size: 12px; white-space: pre-wrap; }
.sc-badge { display: inline-block; padding: 1px 7px; border-radius: 3px; font-size: 12px;
  font-weight: 600; color: #fff; background: #2e7d32; }
.sc-badge.failed { background: #b00020; }
.sc-badge.synthetic { background: #b00020; }
.sc-badge.muted { background: #777; }
.sc-figs { color: #333; font-size: 12px; }
.sc-figs span { white-space: nowrap; margin-right: 0.9em; }
.sc-footer { margin: 2em 0 1em 0; padding: 0.6em 20px;
  border-top: 1px solid #ccc; color: #666; font-size: 12px;
  font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
#papermill-error-cell { color: #b00020; font-weight: bold; font-size: 1.3em; }
body.sc-index { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 0; background: #fff; }
body.sc-index main { max-width: 1200px; margin: 0 auto; padding: 0 1.2em 2em 1.2em; }
body.sc-index table.sc-table { width: 100%; }
td.sc-figs { white-space: normal; }
.sc-warn { color: #8a4b00; font-weight: 600; }
"""


def esc(value) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


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
    if isinstance(value, str):
        return value if len(value) <= 40 else value[:39] + "…"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


_NOT_KEY = {"asof", "start", "source", "data_dir", "provenance", "method", "parameters",
            "settings", "config"}


def _is_scalar(v) -> bool:
    return isinstance(v, (int, float, str, bool)) and not (isinstance(v, str) and len(v) > 60)


def scalar_figures(figures: dict, limit: int) -> list[tuple[str, object]]:
    """Up to ``limit`` figures to show in an index, in recording order.

    Single values are taken as they are, a dict one level deep (``latest.z``), a short list of
    values joined (``leaders = RUT, IWM``); deeper tables stay in the JSON and on the page.
    Echoes of the run's parameters (``asof``...) and method settings are left out.
    """
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


def _figs_html(figures: dict, limit: int, prefix: str = "") -> str:
    return "".join(f"<span>{esc(prefix)}{esc(n)} = <b>{esc(fmt_value(v))}</b></span>"
                   for n, v in scalar_figures(figures, limit))


def count_images(nb) -> int:
    """Number of image outputs in a notebook."""
    return sum(1 for cell in nb.get("cells", []) for o in cell.get("outputs", []) or []
               if any(m in (o.get("data") or {}) for m in IMAGE_MIMETYPES))


def synthetic_banner(keys) -> str:
    """The loud banner of a page whose numbers come from the synthetic sample."""
    keys = list(keys)
    text = SYNTHETIC_BANNER.format(
        keys=", ".join(keys) if keys else "The series of this report"
    ).removeprefix("SYNTHETIC DATA: ")
    return ('<div class="sc-synthetic" role="alert">SYNTHETIC DATA: NOT MARKET DATA'
            f"<small>{esc(text)}</small></div>")


def _param_text(value) -> str:
    import json

    if isinstance(value, str):
        return value if value != "" else '""'
    return json.dumps(value)


def header_html(doc: dict, error: dict | None) -> str:
    """The top of a notebook page: navigation, banners, title, as-of, parameters, provenance."""
    name = doc["notebook"]
    files = doc.get("files", {})
    prov = doc.get("provenance") or {}
    parts = ['<header class="sc-header">', '<div class="sc-nav">',
             '<a href="index.html">&larr; all reports as of ' + esc(doc.get("asof")) + "</a>",
             '<a href="../index.html">all runs</a>']
    for label, key in (("executed notebook", "ipynb"), ("key figures (JSON)", "json")):
        if files.get(key):
            parts.append(f'<a href="{esc(quote(files[key]))}">{label}</a>')
    parts.append("</div>")
    if doc.get("synthetic"):
        synth = [k for k, p in prov.items() if isinstance(p, dict) and p.get("synthetic")]
        parts.append(synthetic_banner(synth))
    if error:
        parts.append(error_html(error))
    parts.append(f'<h1 class="sc-title">{esc(doc.get("title") or name)}</h1>')
    status = "" if doc.get("status") == "ok" else \
        ' &middot; <span class="sc-badge failed">FAILED</span>'
    parts.append(
        f'<p class="sc-meta">As of <b>{esc(doc.get("asof"))}</b> &middot; {esc(name)} '
        f"&middot; generated {esc(doc.get('generated_at'))} &middot; smallcaps "
        f"{esc(doc.get('version'))} &middot; commit <code>{esc(doc.get('git_commit'))}</code>"
        f"{status}</p>"
    )
    params = doc.get("parameters") or {}
    if params:
        injected = doc.get("injected") or {}
        parts.append('<h2>Parameters</h2><table class="sc-table"><tr>'
                     + "".join(f"<th>{esc(k)}</th>" for k in params) + "</tr><tr>"
                     + "".join(f"<td>{'<b>' if k in injected else ''}{esc(_param_text(v))}"
                               f"{'</b>' if k in injected else ''}</td>"
                               for k, v in params.items())
                     + "</tr></table>")
    parts.append("<h2>Data</h2>")
    if prov:
        cols = [("key", "Series"), ("name", "Name"), ("source", "Source"), ("symbol", "Symbol"),
                ("first", "First"), ("last", "Last"), ("rows", "Rows"),
                ("fetched_at", "File / fetched"), ("synthetic", "Synthetic")]
        parts.append('<table class="sc-table"><tr>'
                     + "".join(f"<th>{esc(c[1])}</th>" for c in cols) + "</tr>")
        for key, p in prov.items():
            p = p if isinstance(p, dict) else {}
            cells = []
            for c, _ in cols:
                v = key if c == "key" else p.get(c)
                if c == "synthetic":
                    v = "SYNTHETIC" if v else "no"
                elif c == "rows" and isinstance(v, int):
                    v = f"{v:,}"
                cls = ' class="num"' if c == "rows" else ""
                note = ""
                if c == "last" and p.get("provisional_last_row"):
                    note = (' <span class="sc-warn" title="the last row looks like an intraday '
                            'snapshot (volume 0): treat its values as provisional">'
                            "provisional</span>")
                cells.append(f"<td{cls}>{esc(v if v is not None else '')}{note}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No data provenance was recorded (the notebook did not reach "
                     "<code>show_sources</code>).</p>")
    parts.append("</header>")
    return "\n".join(parts)


def error_html(error: dict) -> str:
    """The failure box: which cell, the last line of the error, the cell's code, the traceback."""
    where = f"cell {error['cell']}" if error.get("cell") else "no cell (kernel or papermill)"
    if error.get("exec_count"):
        where += f" (In [{error['exec_count']}])"
    jump = ('<p><a href="#papermill-error-cell">Jump to where it stopped</a>; the sections after '
            "it did not run.</p>" if error.get("cell") else "")
    out = ['<section class="sc-error" id="sc-error">',
           f"<h2>This report is incomplete: the notebook failed at {esc(where)}</h2>",
           f'<p class="sc-error-line">{esc(error.get("last_line"))}</p>', jump]
    if error.get("source"):
        out.append(f"<h3>Failing cell</h3><pre>{esc(error['source'])}</pre>")
    if error.get("traceback"):
        out.append(f"<h3>Error</h3><pre>{esc(error['traceback'])}</pre>")
    out.append("</section>")
    return "\n".join(out)


def footer_html(doc: dict) -> str:
    return (f'<footer class="sc-footer">{esc(doc.get("notebook"))} as of '
            f"{esc(doc.get('asof'))}, generated {esc(doc.get('generated_at'))} by smallcaps "
            f"{esc(doc.get('version'))} (commit {esc(doc.get('git_commit'))}), kernel "
            f"{esc(doc.get('kernel'))}, {esc(doc.get('duration_s'))} s.</footer>")


_EXPORTERS: dict = {}


def _exporter(show_code: bool):
    if show_code not in _EXPORTERS:
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
        _EXPORTERS[show_code] = HTMLExporter(
            config=c, template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)])
    return _EXPORTERS[show_code]


def _prepare(nb, title: str, show_code: bool):
    """A copy of the executed notebook fit for the page (records, papermill banners removed)."""
    import copy

    nb = copy.deepcopy(nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if PAPERMILL_ERROR_TAG in tags:
            if 'id="papermill-error-cell"' in cell.get("source", ""):
                cell.source = ('<span id="papermill-error-cell">The notebook stopped here with '
                               "an error (see the top of the page):</span>")
                cells.append(cell)
            continue
        if INJECTED_TAG in tags and not show_code:
            continue
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if RECORD_MIMETYPE not in (o.get("data") or {})]
        if i <= 1 and cell.get("cell_type") == "markdown" and title:
            lines = cell.source.splitlines()
            if lines and lines[0].lstrip("# ").strip() == title and lines[0].startswith("#"):
                cell.source = "\n".join(lines[1:]).lstrip("\n")
        cells.append(cell)
    nb.cells = cells
    nb.metadata["title"] = title
    return nb


def notebook_page(nb, doc: dict, error: dict | None = None, show_code: bool = False) -> str:
    """The HTML page of one executed notebook (header, banners, outputs, footer)."""
    page_nb = _prepare(nb, doc.get("title") or doc["notebook"], show_code)
    resources = {
        "smallcaps_css": CSS,
        "smallcaps_header": header_html(doc, error),
        "smallcaps_footer": footer_html(doc),
        "metadata": {"name": doc.get("title") or doc["notebook"]},
    }
    body, _ = _exporter(show_code).from_notebook_node(page_nb, resources=resources)
    return body


# ---------------------------------------------------------------------------------------------
# Index pages
# ---------------------------------------------------------------------------------------------


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f'<body class="sc-index">\n<main>\n{body}\n</main>\n</body>\n</html>\n')


def _status_badge(status: str) -> str:
    if status == "ok":
        return '<span class="sc-badge">ok</span>'
    return f'<span class="sc-badge failed">{esc(status).upper()}</span>'


def run_index_page(run: dict) -> str:
    """``<out>/<asof>/index.html``: every notebook of the run with status and key figures."""
    nbs = run.get("notebooks", [])
    n_failed = sum(1 for d in nbs if d.get("status") != "ok")
    head = ['<header class="sc-header">',
            '<div class="sc-nav"><a href="../index.html">&larr; all runs</a>'
            '<a href="run.json">run.json</a></div>']
    if run.get("synthetic"):
        head.append(synthetic_banner([]))
    head.append(f'<h1 class="sc-title">smallcaps reports as of {esc(run.get("asof"))}</h1>')
    head.append(
        f'<p class="sc-meta">{len(nbs)} notebooks, '
        + (f'<span class="sc-badge failed">{n_failed} failed</span>' if n_failed else "all ok")
        + f" &middot; source <b>{esc(run.get('source'))}</b> &middot; generated "
        f"{esc(run.get('generated_at'))} &middot; smallcaps {esc(run.get('version'))}</p>"
    )
    head.append("</header>")
    rows = ['<table class="sc-table"><tr><th>Report</th><th>Status</th><th>Duration</th>'
            "<th>Key figures</th><th>Files</th></tr>"]
    for d in nbs:
        files = d.get("files") or {}
        name = d.get("notebook", "")
        title = d.get("title") or name
        link = (f'<a href="{esc(quote(files["html"]))}">{esc(title)}</a>'
                if files.get("html") else esc(title))
        status = _status_badge(d.get("status", "failed"))
        if d.get("synthetic"):
            status += ' <span class="sc-badge synthetic">synthetic</span>'
        if d.get("this_run") == "skipped":
            status += ' <span class="sc-badge muted">up to date</span>'
        figs = _figs_html(d.get("figures") or {}, KEY_FIGURES_PER_NOTEBOOK)
        err = d.get("error") or {}
        if err:
            where = f"cell {err['cell']}: " if err.get("cell") else ""
            figs = f'<span class="sc-error-line">{esc(where)}{esc(err.get("last_line"))}</span>'
        links = " ".join(f'<a href="{esc(quote(files[k]))}">{k}</a>'
                         for k in ("ipynb", "json") if files.get(k))
        dur = d.get("duration_s")
        dur = f"{dur:.1f} s" if isinstance(dur, (int, float)) else ""
        rows.append(f"<tr><td>{link}<br><small>{esc(name)}</small></td><td>{status}</td>"
                    f'<td class="num">{esc(dur)}</td><td class="sc-figs">{figs}</td>'
                    f"<td>{links}</td></tr>")
    rows.append("</table>")
    return _page(f"smallcaps reports as of {run.get('asof')}", "\n".join(head + rows))


def top_index_page(runs: list[dict]) -> str:
    """``<out>/index.html``: every run, newest first, with links and a few key figures."""
    head = ['<header class="sc-header">', '<h1 class="sc-title">smallcaps reports</h1>',
            f'<p class="sc-meta">{len(runs)} run{"s" if len(runs) != 1 else ""}, newest first. '
            "Each run renders every notebook as of one date.</p>", "</header>"]
    rows = ['<table class="sc-table"><tr><th>As of</th><th>Status</th><th>Source</th>'
            "<th>Generated</th><th>Key figures</th></tr>"]
    for r in runs:
        folder = r.get("folder", r.get("asof", ""))
        nbs = r.get("notebooks", [])
        failed = sum(1 for d in nbs if d.get("status") != "ok")
        status = (f'<span class="sc-badge failed">{failed} of {len(nbs)} failed</span>' if failed
                  else f'<span class="sc-badge">{len(nbs)} ok</span>')
        if r.get("synthetic"):
            status += ' <span class="sc-badge synthetic">SYNTHETIC DATA</span>'
        figs = "".join(
            _figs_html(d.get("figures") or {}, KEY_FIGURES_PER_RUN,
                       prefix=f"{str(d.get('notebook', ''))[:2]} ")
            for d in nbs)
        links = "".join(
            f' <a href="{esc(quote(folder))}/{esc(quote(d["files"]["html"]))}">'
            f"{esc(str(d.get('notebook', ''))[:2])}</a>"
            for d in nbs if (d.get("files") or {}).get("html"))
        rows.append(f'<tr><td><a href="{esc(quote(folder))}/index.html"><b>{esc(folder)}</b></a>'
                    f"<br><small>{links}</small></td><td>{status}</td>"
                    f"<td>{esc(r.get('source'))}</td><td>{esc(r.get('generated_at'))}</td>"
                    f'<td class="sc-figs">{figs}</td></tr>')
    rows.append("</table>")
    return _page("smallcaps reports", "\n".join(head + rows))
