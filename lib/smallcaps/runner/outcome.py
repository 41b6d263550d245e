"""What a report run returns: :class:`NotebookResult` per notebook and the :class:`ReportRun`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NotebookResult", "ReportRun", "asof_text", "display_path", "result_from",
           "runner_failure"]


def asof_text(date: str, requested: str | None) -> str:
    """``"2026-02-20"``, or ``"2026-02-20 (requested 2026-02-22)"`` when the requested date was
    not a complete bar of the reference series and the run used the one before it."""
    if requested and requested != date:
        return f"{date} (requested {requested})"
    return str(date)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class NotebookResult:
    """The outcome for one notebook of a report run.

    Attributes
    ----------
    name : str
        The page's stem, e.g. ``"03_seasonality"``; a page of a sweep adds its values,
        ``"01_yields_vs_small_caps--window=26"`` (:mod:`~.sweep`).
    status : str
        ``"ok"`` (rendered now), ``"skipped"`` (up to date, files from an earlier run) or
        ``"failed"`` (a cell raised, or the kernel died; the HTML shows the error on top).
    html, ipynb, json : Path
        The output files.
    figures : dict
        Key figures recorded by the notebook (name -> value), without ``provenance``.
    provenance : dict
        Series key -> provenance dict, as recorded by ``page.sources``.
    duration : float
        Seconds spent executing and rendering (of the earlier run when skipped).
    parameters : dict
        The parameters the notebook ran with (defaults overridden by the injected ones).
    error : dict or None
        For a failure: ``cell`` (1-based position in the notebook), ``exec_count``, ``ename``,
        ``evalue``, ``last_line`` (last line of the error), ``source`` (the cell's code).
    title : str
        The notebook's title (its first markdown heading).
    reason : str
        Why it was rendered: ``new``, ``forced``, ``notebook changed``, ``parameters changed``,
        ``data changed``, ``library changed``... ("" when skipped).
    sweep : dict
        The swept parameter values of the page (``{}`` when not swept).
    source_notebook : str
        The notebook the page was rendered from (``name`` without the swept values).
    """

    name: str
    status: str
    html: Path
    ipynb: Path
    json: Path
    figures: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    duration: float = 0.0
    parameters: dict = field(default_factory=dict)
    error: dict | None = None
    title: str = ""
    reason: str = ""
    sweep: dict = field(default_factory=dict)
    source_notebook: str = ""

    def __post_init__(self):
        if not self.source_notebook:
            self.source_notebook = self.name.split("--", 1)[0]

    @property
    def ok(self) -> bool:
        """True when the notebook rendered without error (now or in the skipped earlier run)."""
        return self.status in ("ok", "skipped")

    def error_line(self) -> str:
        """One line naming the failing cell and the last line of the error ("" when ok)."""
        if not self.error:
            return ""
        e = self.error
        last = e.get("last_line") or e.get("ename", "error")
        if not e.get("cell"):
            return last
        where = f"cell {e['cell']}"
        if e.get("exec_count"):
            where += f" (In [{e['exec_count']}])"
        return f"{where}: {last}"


@dataclass
class ReportRun:
    """The outcome of :func:`smallcaps.runner.run`: one :class:`NotebookResult` per notebook.

    Attributes
    ----------
    asof : str
        The run's one as-of date ``YYYY-MM-DD`` (every notebook got it as ``asof``).
    out : Path
        The output folder; the pages are in ``out / asof``.
    results : list of NotebookResult
        In notebook order (a swept notebook's pages in the order of its combinations).
    duration : float
        Seconds for the whole run.
    source : str
        The data source passed to every notebook.
    asof_requested : str or None
        The ``--asof`` asked for, when given (it differs from ``asof`` when it was not a complete
        bar of the reference series: a weekend, a holiday, a provisional last row).
    """

    asof: str
    out: Path
    results: list
    duration: float
    source: str = "auto"
    asof_requested: str | None = None

    @property
    def folder(self) -> Path:
        """The dated folder ``<out>/<asof>``."""
        return self.out / self.asof

    @property
    def index(self) -> Path:
        """The run's ``index.html``."""
        return self.folder / "index.html"

    @property
    def ok(self) -> bool:
        """True when every notebook rendered (or was up to date)."""
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list:
        """The failed notebooks' results."""
        return [r for r in self.results if not r.ok]

    def __getitem__(self, name: str) -> NotebookResult:
        for r in self.results:
            if r.name == name or r.name.split("_", 1)[-1] == name:
                return r
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        """Counts, the output folder, one line per swept notebook (its values and pages), one
        per failed page (cell, last error line) and one naming every synthetic series."""
        n = len(self.results)
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "skipped", "failed")}
        parts = [f"{counts['ok']} rendered"]
        if counts["skipped"]:
            parts.append(f"{counts['skipped']} up to date")
        if counts["failed"]:
            parts.append(f"{counts['failed']} FAILED")
        swept = self.swept()
        what = f"{n} notebook{'s' if n != 1 else ''}"
        if swept:
            k = len({r.source_notebook for r in self.results})
            what = f"{n} page{'s' if n != 1 else ''} of {k} notebook{'s' if k != 1 else ''}"
        lines = [
            f"{what} as of "
            f"{asof_text(self.asof, self.asof_requested)}: {', '.join(parts)} "
            f"in {self.duration:.1f} s -> {display_path(self.index)}"
        ]
        for nb, values in swept.items():
            pages = sum(r.source_notebook == nb for r in self.results)
            lines.append(f"  {nb}: {pages} pages, sweep "
                         + " x ".join(f"{k}={','.join(v)}" for k, v in values.items()))
        for r in self.failed:
            lines.append(f"  FAILED {r.name}: {r.error_line()}  ({display_path(r.html)})")
        synthetic = self.synthetic_series()
        if synthetic:
            lines.append(f"  SYNTHETIC DATA, not market data: {', '.join(synthetic)} came from "
                         "the built-in sample")
        return "\n".join(lines)

    def swept(self) -> dict[str, dict[str, list[str]]]:
        """Per swept notebook, each swept name and its values as spelled in the page names."""
        from smallcaps.runner.sweep import value_text

        out: dict[str, dict[str, list[str]]] = {}
        for r in self.results:
            for k, v in (r.sweep or {}).items():
                seen = out.setdefault(r.source_notebook, {}).setdefault(k, [])
                if value_text(v) not in seen:
                    seen.append(value_text(v))
        return out

    def synthetic_series(self) -> list[str]:
        """Every series any notebook of the run read from the synthetic sample, sorted."""
        return sorted({k for r in self.results for k, p in (r.provenance or {}).items()
                       if isinstance(p, dict) and p.get("synthetic")})

    def to_frame(self):
        """One row per page: status, duration (s), html path, error line (and the swept values
        as columns when the run swept parameters)."""
        import pandas as pd

        return pd.DataFrame(
            [{"notebook": r.name, "status": r.status, "duration_s": round(r.duration, 1),
              "html": str(r.html), "error": r.error_line(), **(r.sweep or {})}
             for r in self.results]
        ).set_index("notebook")


def result_from(doc: dict, folder: Path, status: str | None = None) -> NotebookResult:
    """The :class:`NotebookResult` of a notebook's JSON document in ``folder``."""
    name = doc["notebook"]
    return NotebookResult(
        name=name, status=status or doc.get("status", "failed"),
        html=folder / f"{name}.html", ipynb=folder / f"{name}.ipynb", json=folder / f"{name}.json",
        figures=doc.get("figures", {}), provenance=doc.get("provenance", {}),
        duration=float(doc.get("duration_s") or 0.0), parameters=doc.get("parameters", {}),
        error=doc.get("error"), title=doc.get("title", name), sweep=doc.get("sweep") or {},
        source_notebook=doc.get("source_notebook") or "",
    )


def runner_failure(task: dict, line: str) -> NotebookResult:
    """A failed result for a notebook whose render broke outside the notebook (no JSON)."""
    folder = Path(task["out_dir"])
    name = task["name"]
    return NotebookResult(
        name=name, status="failed", html=folder / f"{name}.html", ipynb=folder / f"{name}.ipynb",
        json=folder / f"{name}.json", title=task["title"], sweep=task.get("sweep") or {},
        source_notebook=task.get("source_notebook") or "",
        error={"cell": None, "exec_count": None, "ename": "RunnerError", "evalue": line,
               "last_line": line})
