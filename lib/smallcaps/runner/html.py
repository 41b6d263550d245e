"""HTML of the report runner: notebook pages (nbconvert, own template) and the index pages.

The markup and the CSS are Jinja templates in ``smallcaps/templates`` (a package resource):
``smallcaps_report/`` is the nbconvert template of a notebook page, ``pages/`` the header,
footer and index pages, rendered with HTML autoescaping, so every text that comes from data,
parameters or notebooks is escaped.  Pages are self-contained: images are embedded by the
notebook itself (base64 PNG), the CSS is inlined, and the template drops nbconvert's
require.js / MathJax / mermaid / widget scripts (CDN requests).

jinja2 and nbconvert are imported on first use, not with this module.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from smallcaps.page import RECORD_MIMETYPE, SYNTHETIC_BANNER
from smallcaps.project import resource_dir
from smallcaps.runner.executed import INJECTED_TAG, PAPERMILL_ERROR_TAG

__all__ = ["KEY_FIGURES_PER_NOTEBOOK", "KEY_FIGURES_PER_RUN", "TEMPLATE_NAME", "fmt_value",
           "notebook_page", "run_index_page", "scalar_figures", "synthetic_text",
           "template_dir", "top_index_page"]

TEMPLATE_NAME = "smallcaps_report"
KEY_FIGURES_PER_NOTEBOOK = 6
KEY_FIGURES_PER_RUN = 2
_NOT_KEY = {"asof", "start", "source", "data_dir", "provenance", "method", "parameters",
            "settings", "config"}


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


def synthetic_text(keys) -> str:
    """The small print of the synthetic-data banner, naming the synthetic series."""
    keys = list(keys)
    return SYNTHETIC_BANNER.format(
        keys=", ".join(keys) if keys else "The series of this report"
    ).removeprefix("SYNTHETIC DATA: ")


def _param_text(value) -> str:
    if isinstance(value, str):
        return value if value != "" else '""'
    return json.dumps(value)


def _thousands(value) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else \
        ("" if value is None else str(value))


def _seconds(value) -> str:
    return f"{value:.1f} s" if isinstance(value, (int, float)) else ""


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
                       thousands=_thousands, seconds=_seconds)
    env.globals.update(key_figures=scalar_figures, per_notebook=KEY_FIGURES_PER_NOTEBOOK,
                       per_run=KEY_FIGURES_PER_RUN)
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


def _prepare(nb, title: str, show_code: bool):
    """A copy of the executed notebook fit for the page (records, papermill banners removed)."""
    import copy

    nb = copy.deepcopy(nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if PAPERMILL_ERROR_TAG in tags:
            if 'id="papermill-error-cell"' in cell.get("source", ""):
                cell.source = _render("stopped_here.html.j2")
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
    """The HTML page of one executed notebook (header, banners, outputs, footer).

    ``doc`` is the notebook's JSON document (``asof``, ``asof_requested``, ``parameters``,
    ``provenance``, ``status``...); ``error`` the failure (:func:`~.executed.find_error`).
    """
    prov = doc.get("provenance") or {}
    synth = [k for k, p in prov.items() if isinstance(p, dict) and p.get("synthetic")]
    page_nb = _prepare(nb, doc.get("title") or doc["notebook"], show_code)
    resources = {
        "smallcaps_header": _render("header.html.j2", doc=doc, error=error,
                                    synthetic_text=synthetic_text(synth)),
        "smallcaps_footer": _render("footer.html.j2", doc=doc),
        "metadata": {"name": doc.get("title") or doc["notebook"]},
    }
    body, _ = _exporter(show_code).from_notebook_node(page_nb, resources=resources)
    return body


def run_index_page(run: dict) -> str:
    """``<out>/<asof>/index.html``: every notebook of the run with status and key figures."""
    return _render("run_index.html.j2", run=run, synthetic_text=synthetic_text([]))


def top_index_page(runs: list[dict]) -> str:
    """``<out>/index.html``: every run, newest first, with links and a few key figures."""
    return _render("top_index.html.j2", runs=runs)
