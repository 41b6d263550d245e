"""The batch: :func:`run` (the ``smallcaps report`` command) and :func:`backfill`, from the
options to the indexes, in three steps:

* **plan** (:func:`_plan`): the options checked, every as-of date resolved, the ``-p`` values
  and the sweeps (:mod:`~.sweep`) validated for every date, the pages of every date listed;
  nothing is written and no kernel starts, so every mistake is a one-line error first;
* **execute** (:func:`_execute`): the skip decisions (an up-to-date page is skipped), then ONE
  :func:`~.execute.pool_map` for every page of every date (or the Dask executor's
  ``cluster_map``, :mod:`~.cluster`), so a worker's warm kernel serves the notebooks of every
  date;
* **finish**: per date, oldest first, :func:`~.since.update` and the run files (each date
  compares with the one before), then the top index once.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from smallcaps import project
from smallcaps.errors import SmallcapsError
from smallcaps.page import jsonable
from smallcaps.runner import execute, params, since, skipcache
from smallcaps.runner import sweep as sweeps
from smallcaps.runner.files import atomic_write
from smallcaps.runner.notebooks import notebook_folder, resolve_notebooks
from smallcaps.runner.outcome import NotebookResult, ReportRun, display_path, result_from

__all__ = ["EXECUTORS", "SOURCES", "RunOptions", "backfill", "report_command", "run"]

SOURCES = ("auto", "live", "csv", "sample")
EXECUTORS = ("local", "dask")
_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class RunOptions:
    """The options of a run that hold for each of its dates (the keywords of :func:`run`)."""

    start: str | None = None
    source: str = "auto"
    data_dir: str | Path | None = None
    out: str | Path | None = None
    jobs: int | None = None
    force: bool = False
    show_code: bool = False
    parameters: dict | None = None
    notebook_dir: str | Path | None = None
    progress: bool = True
    sweep: dict | None = None
    executor: str = "local"
    scheduler: str | None = None


def run(
    notebooks: list | str | None = None,
    asof: str | None = None,
    start: str | None = None,
    source: str = "auto",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    show_code: bool = False,
    parameters: dict | None = None,
    *,
    notebook_dir: str | Path | None = None,
    progress: bool = True,
    compare_to: str | None = None,
    check_only: bool = False,
    sweep: dict | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> ReportRun:
    """Render notebooks into dated HTML reports (the ``smallcaps report`` command).

    Parameters
    ----------
    notebooks : list of str, optional
        Names (``seasonality``, ``03_seasonality``, ``03_seasonality.ipynb``, ``03``) or paths
        of notebooks; default every ``NN_*.ipynb`` of the notebooks folder.
    asof : str, optional
        As-of date ``YYYY-MM-DD``; default the kit's as-of rule (the last date on which RUT and
        SPX both have a complete bar, :func:`smallcaps.data.resolve_asof`).  It is resolved
        once per run: a weekend, holiday or provisional bar becomes the last complete bar before
        it, and every notebook gets that one date.  No notebook uses data after it.
    start : str, optional
        First date of history, injected only when given (else each notebook's default).
    source : str
        ``auto``, ``live``, ``csv`` or ``sample`` (passed to every notebook).
    data_dir : str or Path, optional
        CSV folder for ``csv``/``auto`` (passed as an absolute path, ``""`` when not given).
    out : str or Path, optional
        Output folder (default ``reports/`` in the project folder); pages go to
        ``<out>/<asof>/``.
    jobs : int, optional
        Notebooks executed at once, each in its own process and kernel (default: CPU cores);
        the local executor only (a Dask cluster has its own workers).
    force : bool
        Re-render notebooks that are up to date.
    show_code : bool
        Keep code cells in the HTML (hidden by default).
    parameters : dict, optional
        Notebook parameters (``-p NAME VALUE``): strings are parsed by the type of the
        notebook's default, other values must fit it.  A name goes to the notebooks that
        declare it; a name no selected notebook declares is refused.
    notebook_dir : str or Path, optional
        The notebooks folder (``--notebooks DIR``); default the project's ``notebooks/``, else
        the notebooks shipped with the package.
    progress : bool
        Show a progress bar and a status line per notebook on stderr.
    compare_to : str, optional
        ``--compare-to DATE``: compare every notebook with the run as of that date in ``out``
        (default: each notebook's newest earlier run with the same parameters); see
        :mod:`~.since` for ``changes.json`` and the pages' "Since" sections.
    check_only : bool
        Check the options, the notebooks, the parameters and the as-of date, then return
        without rendering or writing anything (the empty run, with its as-of date).
    sweep : dict, optional
        ``--sweep NAME=V1,V2``: ``{"window": [26, 52], ...}``, one page per combination of
        the values (the cartesian product), named ``01_x--window=26.html``; values are checked
        as ``parameters`` are (:mod:`~.sweep`).
    executor : {"local", "dask"}
        Render in local worker processes (``jobs`` of them), or on a Dask cluster
        (:mod:`~.cluster`; the skip decisions, the files and the indexes stay here).
    scheduler : str, optional
        The Dask scheduler, ``tcp://HOST:PORT`` (default ``$SMALLCAPS_DASK_SCHEDULER``); only
        with ``executor="dask"``.

    Returns
    -------
    ReportRun
        Per-page status, paths, key figures and durations; ``.ok``, ``.summary()``.

    Raises
    ------
    SmallcapsError
        For a mistake in the input (unknown notebook or parameter, a value of the wrong type,
        a bad sweep, a bad date, no data, a scheduler that cannot be reached), before any
        notebook runs.
    """
    t0 = time.monotonic()
    opts = RunOptions(start=start, source=source, data_dir=data_dir, out=out, jobs=jobs,
                      force=force, show_code=show_code, parameters=parameters,
                      notebook_dir=notebook_dir, progress=progress, sweep=sweep,
                      executor=executor, scheduler=scheduler)
    setup, dates = _plan(notebooks, [asof], compare_to, opts)
    if check_only:
        setup.cache.save(setup.shas)
        return ReportRun(asof=dates[0].asof, out=setup.out, results=[],
                         duration=time.monotonic() - t0, source=source,
                         asof_requested=dates[0].requested)
    return _render(setup, dates, t0)[0]


@dataclass
class _Setup:
    """What a plan found once for all its dates."""

    opts: RunOptions
    out: Path
    cache: skipcache.Cache
    specs: list
    packaged_dir: Path | None
    lib: str
    data_dir: str
    start: str | None
    root: Path
    notes: list = field(default_factory=list)
    earlier: dict = field(default_factory=dict)  # page name -> seconds (:func:`_expected_s`)

    @property
    def shas(self) -> set:
        return {s["sha"] for s in self.specs}


@dataclass
class _DatePlan:
    """One as-of date of a plan: its pages (per notebook, ``(swept values, overrides)``)."""

    asof: str
    requested: str | None
    compare_to: str | None
    fp: str
    pages: dict


def _plan(notebooks, asofs: list, compare_to: str | None,
          opts: RunOptions) -> tuple[_Setup, list[_DatePlan]]:
    """Every check of a run of the as-of dates ``asofs`` (``compare_to`` for the first), in
    the order a user's mistakes are reported; one plan per distinct resolved date."""
    if opts.source not in SOURCES:
        raise SmallcapsError(f"unknown source {opts.source!r}; valid: {', '.join(SOURCES)}")
    jobs = opts.jobs
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SmallcapsError(f"--jobs {jobs!r} must be a whole number of at least 1")
    if opts.executor not in EXECUTORS:
        raise SmallcapsError(f"--executor {opts.executor!r} is unknown; valid: "
                             f"{', '.join(EXECUTORS)}")
    if opts.scheduler and opts.executor != "dask":
        raise SmallcapsError(f"--scheduler {opts.scheduler} needs --executor dask")
    out_dir = Path(opts.out).expanduser() if opts.out else project.reports_dir()
    cache = skipcache.Cache(out_dir)
    requested_dates = [skipcache.normalize_date(a, "--asof", cache) for a in asofs]
    start = skipcache.normalize_date(opts.start, "--start", cache)
    compare_to = skipcache.normalize_date(compare_to, "--compare-to", cache)
    for requested in requested_dates:
        if requested and start and start >= requested:
            raise SmallcapsError(f"--start {start} is not before --asof {requested}")
    # absolute: the kernels run in the notebooks' folder, not in the caller's
    data_dir = opts.data_dir
    data_dir_str = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
    if data_dir_str and not Path(data_dir_str).is_dir():
        raise SmallcapsError(f"--data-dir {data_dir}: no such folder")
    swept = sweeps.normalize(opts.sweep)

    folder_of = notebook_folder(opts.notebook_dir)
    paths = resolve_notebooks(notebooks, folder_of)
    specs = [params.inspect_notebook(p, cache) for p in paths]
    setup = _Setup(opts=opts, out=out_dir, cache=cache, specs=specs,
                   packaged_dir=folder_of.path if folder_of.packaged else None,
                   lib=skipcache.lib_hash(), data_dir=data_dir_str, start=start,
                   root=project.project_dir())
    given = dict(opts.parameters or {})
    dates: list[_DatePlan] = []
    for i, requested in enumerate(requested_dates):
        # the as-of first: a date outside the data is named with the data's valid range
        fp, when = skipcache.data_state(opts.source, data_dir_str, requested, cache, setup.lib,
                                        setup.notes.append)
        standard = {"asof": requested, "start": start, "source": opts.source,
                    "data_dir": data_dir_str}
        pages = sweeps.plan_pages(specs, given, swept, standard)
        asof = when["date"]
        if start and start >= asof:
            raise SmallcapsError(f"--start {start} is not before the as-of date {asof}")
        first = compare_to if i == 0 else None
        since.check_compare_to(out_dir, first, asof)
        if all(d.asof != asof for d in dates):
            dates.append(_DatePlan(asof=asof, requested=requested, compare_to=first, fp=fp,
                                   pages=pages))
    return setup, dates


def _decide(setup: _Setup, d: _DatePlan, spec: dict, values: dict,
            overrides: dict) -> NotebookResult | dict:
    """One page of one date: its earlier result when it is up to date, else its task."""
    opts = setup.opts
    folder = setup.out / d.asof
    name = sweeps.page_name(spec["name"], values)
    inject = {"asof": d.asof, "source": opts.source, "data_dir": setup.data_dir}
    if setup.start:
        inject["start"] = setup.start
    inject.update(overrides)
    inject = jsonable(inject)
    swept = jsonable(dict(values))
    key = skipcache.task_key(spec, inject, d.requested, d.fp, setup.lib, opts.show_code,
                             execute.KERNEL_NAME)
    old = _read_json(folder / f"{name}.json")
    if (not opts.force and old and old.get("status") == "ok" and old.get("key") == key
            and (folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()):
        _stamp(folder / f"{name}.json", swept, spec["name"], old)
        return result_from({**old, "sweep": swept, "source_notebook": spec["name"]}, folder,
                           status="skipped")
    root = setup.root
    packaged = setup.packaged_dir is not None and spec["path"].parent == setup.packaged_dir
    return {
        "notebook": str(spec["path"]), "name": name, "title": spec["title"],
        "sweep": swept, "source_notebook": spec["name"],
        # the shipped notebooks run in the project folder, never in the install folder
        "cwd": str(root if packaged else spec["path"].parent), "project": str(root),
        "out_dir": str(folder), "asof": d.asof, "asof_requested": d.requested,
        "inject": inject, "effective": params.effective_parameters(spec, inject),
        "show_code": bool(opts.show_code), "key": key,
        "inputs": {"notebook_sha256": spec["sha"], "data_fingerprint": d.fp,
                   "lib_hash": setup.lib, "source": opts.source, "data_dir": setup.data_dir,
                   "show_code": bool(opts.show_code)},
        "previous_s": _expected_s(setup, name, old), "code_cells": spec.get("code_cells", 0),
        "reason": skipcache.why_render(old, spec, inject, d.requested, d.fp, setup.lib,
                                       opts.show_code, opts.force),
    }


_EARLIER_FOLDERS = 8  # dated folders looked into for a page's last duration (newest first)


def _expected_s(setup: _Setup, name: str, old: dict | None) -> float:
    """Seconds the page ``name`` is expected to take, for the longest-first order: its last
    render's in its own dated folder (``old``, its JSON), else in the newest dated folder of
    the output folder that has one (a weekly run renders into a new folder); 1e9 (longer than
    any) for a page never rendered there.  Only the order of the renders depends on it."""
    known = (old or {}).get("duration_s")
    if isinstance(known, (int, float)) and known > 0:
        return float(known)
    if name not in setup.earlier:
        found = 1e9
        folders = sorted((p for p in setup.out.glob("*") if _DATE_FOLDER.match(p.name)),
                         key=lambda p: p.name, reverse=True)
        for folder in folders[:_EARLIER_FOLDERS]:
            seconds = (_read_json(folder / f"{name}.json") or {}).get("duration_s")
            if isinstance(seconds, (int, float)) and seconds > 0:
                found = float(seconds)
                break
        setup.earlier[name] = found
    return setup.earlier[name]


def _stamp(path: Path, swept: dict, source: str, doc: dict | None = None) -> None:
    """The page's JSON records its ``sweep`` and ``source_notebook`` (added when missing)."""
    doc = doc if doc is not None else _read_json(path)
    if not doc or (doc.get("sweep") == swept and doc.get("source_notebook") == source):
        return
    doc = {**doc, "sweep": swept, "source_notebook": source}
    atomic_write(path, json.dumps(doc, indent=1, allow_nan=False))


def _render(setup: _Setup, dates: list[_DatePlan], t0: float) -> list[ReportRun]:
    """Skip decisions, one execution for every page of every date, then each date's files."""
    opts = setup.opts
    say_line = _Printer(opts.progress)
    results: list[NotebookResult | None] = []
    date_of: list[int] = []  # per slot (plan order): the index of its date
    todo: list[dict] = []
    slot_of: dict[int, int] = {}  # id(task) -> slot: names repeat across dates
    for di, d in enumerate(dates):
        for spec in setup.specs:
            for values, overrides in d.pages[spec["name"]]:
                got = _decide(setup, d, spec, values, overrides)
                if isinstance(got, dict):
                    slot_of[id(got)] = len(results)
                    todo.append(got)
                    got = None
                results.append(got)
                date_of.append(di)
    client = None
    if todo and opts.executor == "dask":  # every check passed; before any kernel or folder
        from smallcaps.runner import cluster

        client = cluster.connect(opts.scheduler)
    try:
        for d in dates:
            _writable(setup.out, d.asof)
        for line in dict.fromkeys(setup.notes):
            say_line(line)
        setup.cache.save(setup.shas)  # an interrupted batch keeps what is known
        labels = [dates[di].asof for di in date_of] if len(dates) > 1 else None
        t_exec = time.monotonic()
        _execute(todo, results, slot_of, labels, setup, say_line, client)
        exec_s = time.monotonic() - t_exec
    finally:
        if client is not None:
            from smallcaps.runner import cluster

            cluster.close(client)
    plan_s = t_exec - t0
    rendered = [date_of[slot_of[id(t)]] for t in todo]
    reports, wrote = [], False
    for di, d in enumerate(dates):
        t1 = time.monotonic()
        folder = setup.out / d.asof
        ordered = [r for r, i in zip(results, date_of, strict=True) if i == di]
        note = say_line if len(dates) == 1 else (
            lambda line, a=d.asof: say_line(f"  {a} {line.strip()}"))
        # signals and changes since the previous date, here (a skipped run reads its bases)
        changes = since.update(setup.out, d.asof, d.compare_to, note=note)
        share = exec_s * rendered.count(di) / len(rendered) if rendered else 0.0
        report = ReportRun(asof=d.asof, out=setup.out, results=ordered,
                           duration=plan_s / len(dates) + share + time.monotonic() - t1,
                           source=opts.source, asof_requested=d.requested)
        if di in rendered or changes is not None or not (folder / "run.json").is_file() \
                or not (setup.out / "index.html").is_file():
            # a run that rendered nothing changed nothing: its files stay as they were
            _write_run_files(report, folder, opts)
            wrote = True
        reports.append(report)
    if wrote:
        _write_top_index(setup.out)
    setup.cache.save(setup.shas)
    return reports


def _writable(out_dir: Path, asof: str) -> Path:
    folder = out_dir / asof
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / ".write-test", "")
        (folder / ".write-test").unlink()
    except OSError as exc:
        raise SmallcapsError(f"--out {out_dir}: cannot write there ({exc.strerror})") from None
    return folder


def _read_json(path: Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _git_commit(root: Path) -> str:
    """The project's git commit (``+dirty`` when lib/ or notebooks/ differ), or ``unknown``."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root,
                              capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "lib", "notebooks"],
                               cwd=root, capture_output=True, timeout=10)
        return head.stdout.strip() + ("+dirty" if dirty.returncode == 1 else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class _Printer:
    """Status lines that do not break the progress bar."""

    def __init__(self, progress: bool):
        self.progress = progress
        self.bar = None

    def __call__(self, line: str) -> None:
        if not self.progress:
            return
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)


def _status_line(r: NotebookResult, date: str | None = None) -> str:
    """``  ok          01_x--window=26  1.2 s  reports/...html  (new)``; a backfill's lines
    name the date after the status."""
    name = f"{date}  {r.name}" if date else r.name
    if r.status == "skipped":
        return f"  up to date  {name}"
    if r.status == "ok":
        why = f"  ({r.reason})" if r.reason else ""
        return f"  ok          {name}  {r.duration:5.1f} s  {display_path(r.html)}{why}"
    return f"  FAILED      {name}  {r.error_line()}"


class _InOrder:
    """Status lines in plan order, whatever order the pages finish in: a line waits until the
    lines of the pages before it are out."""

    def __init__(self, n: int, say_line):
        self.n, self.say_line, self.lines, self.next = n, say_line, {}, 0

    def __call__(self, slot: int, line: str) -> None:
        self.lines[slot] = line
        while self.next < self.n and self.next in self.lines:
            self.say_line(self.lines.pop(self.next))
            self.next += 1


def _execute(todo: list[dict], results: list, slot_of: dict, labels: list | None,
             setup: _Setup, say_line, client=None) -> None:
    """Render ``todo`` in one pool (or on the Dask ``client``), every result into its slot of
    ``results``; the status lines in plan order (``labels``: each slot's date, a backfill)."""
    in_order = _InOrder(len(results), say_line)
    for slot, r in enumerate(results):
        if r is not None:
            in_order(slot, _status_line(r, labels and labels[slot]))
    if not todo:
        return
    from tqdm import tqdm

    opts = setup.opts
    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    if client is None:
        execute.check_kernel()
    commit = _git_commit(setup.root)
    for t in todo:
        t["git_commit"] = commit
    workers = min(opts.jobs or execute.cpu_count(), len(todo))
    # longest first: the batch ends sooner.  When workers share them, of pages never rendered
    # in the output folder the one with more code cells goes first (a rough proxy, right about
    # the longest: 03_seasonality, 40 code cells, takes 3 to 4 times any other notebook); one
    # worker renders those in the plan order (their order cannot change its duration)
    todo.sort(key=lambda t: (-t["previous_s"], -t.get("code_cells", 0) if workers > 1 else 0))
    bar = tqdm(total=len(results), initial=len(results) - len(todo), unit="nb",
               file=sys.stderr, disable=None if opts.progress else True, desc="report",
               dynamic_ncols=True, leave=False)
    say_line.bar = bar
    left, preloading = [len(todo)], []

    def done(task: dict, r: NotebookResult) -> None:
        slot = slot_of[id(task)]
        r.reason = task["reason"]
        r.sweep, r.source_notebook = task["sweep"], task["source_notebook"]
        if r.json.is_file():
            _stamp(r.json, task["sweep"], task["source_notebook"])
        results[slot] = r
        in_order(slot, _status_line(r, labels and labels[slot]))
        bar.update(1)
        left[0] -= 1
        if not preloading and 0 < left[0] < workers:  # a worker has nothing left to do
            preloading.append(_preload_finish())

    try:
        if client is not None:
            from smallcaps.runner import cluster

            cluster.cluster_map(todo, done, client)
        else:
            execute.pool_map(todo, workers, done)
    finally:
        bar.close()
        say_line.bar = None
    for thread in preloading:
        thread.join()


def _preload_finish() -> threading.Thread:
    """Load what the run's files need (Jinja and mistune imported, the page templates
    compiled: 0.2 to 0.5 s) in a thread of this process, which waits for the last notebooks
    meanwhile: started once a worker, and its core, have nothing left to do.  Best effort: a
    failure shows where the files are written."""
    def load() -> None:
        with contextlib.suppress(Exception):
            from smallcaps.runner import html

            html._markdown()
            env = html._pages()
            for name in env.list_templates(filter_func=lambda n: n.startswith("pages/")):
                env.get_template(name)

    thread = threading.Thread(target=load, name="smallcaps-preload", daemon=True)
    thread.start()
    return thread


_RUN_KEYS = ("notebook", "source_notebook", "sweep", "title", "status", "this_run",
             "duration_s", "generated_at", "synthetic", "error", "files", "figures",
             "git_commit", "asof_requested", "parameters", "provenance")


def _write_run_files(report: ReportRun, folder: Path, opts: RunOptions) -> None:
    """run.json and index.html of the dated folder."""
    from smallcaps import __version__
    from smallcaps.runner import html

    docs = []
    this_run = {r.name: r.status for r in report.results}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        doc = _read_json(path)
        if doc and doc.get("notebook") == path.stem:
            doc = dict(doc)
            doc["this_run"] = this_run.get(path.stem, "not run")
            if this_run.get(path.stem) == "skipped":
                doc["status"] = "ok"
            docs.append(doc)
    listed = {d["notebook"] for d in docs}
    for r in report.results:  # failed before writing its JSON (a runner error)
        if r.name not in listed:
            docs.append({"notebook": r.name, "title": r.title or r.name, "status": r.status,
                         "this_run": r.status, "error": r.error, "figures": {}, "files": {},
                         "sweep": r.sweep, "source_notebook": r.source_notebook})
    order = {r.name: i for i, r in enumerate(report.results)}
    for d in docs:
        d.setdefault("source_notebook", sweeps.source_notebook(d["notebook"]))
        d.setdefault("sweep", {})
    # a notebook's pages together, in plan order (a sweep's combinations as given)
    docs.sort(key=lambda d: (d["source_notebook"], order.get(d["notebook"], len(order)),
                             d["notebook"]))
    run_doc = {
        "asof": report.asof,
        "asof_requested": report.asof_requested,
        "generated_at": execute.utc_now(),
        "source": report.source,
        "ok": all(d.get("status") == "ok" for d in docs),
        "duration_s": round(report.duration, 2),
        "executor": opts.executor,
        "jobs": opts.jobs or execute.cpu_count(),
        "force": bool(opts.force),
        "version": __version__,
        "counts": {s: sum(r.status == s for r in report.results)
                   for s in ("ok", "skipped", "failed")},
        "synthetic": any(d.get("synthetic") for d in docs),
        "notebooks": [{k: d.get(k) for k in _RUN_KEYS} for d in docs],
    }
    changes = _read_json(folder / since.CHANGES_FILE)
    atomic_write(folder / "run.json", json.dumps(run_doc, indent=1, allow_nan=False))
    atomic_write(folder / "index.html", html.run_index_page(run_doc, changes))


def _write_top_index(out: Path) -> None:
    """``<out>/index.html``: the dashboard and every run of the folder."""
    from smallcaps.runner import dashboard, html

    runs = []
    for run_json in out.glob("*/run.json"):
        doc = _read_json(run_json)
        if doc and _DATE_FOLDER.match(run_json.parent.name):
            doc["folder"] = run_json.parent.name
            doc["changes"] = _read_json(run_json.parent / since.CHANGES_FILE) or {}
            runs.append(doc)
    runs.sort(key=lambda d: (d["folder"], d.get("generated_at", "")), reverse=True)
    atomic_write(out / "index.html", html.top_index_page(runs, dashboard.dashboard(out, runs)))


def backfill(asof_range: str, every: str | None = None, notebooks: list | str | None = None,
             *, compare_to: str | None = None, **options) -> list[ReportRun]:
    """Render every as-of date of a range, oldest first (``--asof A..B --every W-FRI``).

    Every date is planned first (its as-of resolved, its parameters and sweeps checked), then
    the pages of every date are rendered in one pool of workers (their warm kernels serve
    every date), then each date, in date order, gets its "Since" sections (comparing with the
    date before) and its run files.

    Parameters
    ----------
    asof_range : str
        ``"2024-10-04..2024-11-29"``, both ends included.
    every : {"W-FRI", "M", "D"}, optional
        Fridays (the default), month ends or every session; each date is the last trading day
        on or before it (:func:`smallcaps.periodic.backfill_dates`).
    notebooks, options
        As :func:`run` (``source``, ``data_dir``, ``out``, ``jobs``, ``parameters``,
        ``sweep``, ``executor``, ``scheduler``...).
    compare_to : str, optional
        The run the first date compares with; each later date compares with the one before.

    Returns
    -------
    list of ReportRun
        One per distinct as-of date, in date order.

    Raises
    ------
    SmallcapsError
        For a bad range (end before start, unknown ``every``, no trading day), a bad option or
        sweep, or a ``compare_to`` without a run, before any notebook runs.
    """
    from smallcaps import periodic

    t0 = time.monotonic()
    bounds = periodic.parse_range(asof_range)
    if bounds is None:
        raise SmallcapsError(f"--asof {asof_range}: a backfill needs a range START..END")
    dates = periodic.backfill_dates(bounds[0], bounds[1], every or "W-FRI")
    setup, plans = _plan(notebooks, dates, compare_to, RunOptions(**options))
    for p in plans:  # each date is run as of itself, as a single-date run of it would be
        p.requested = p.asof
    return _render(setup, plans, t0)


def report_command(args) -> int:
    """``smallcaps report``: run :func:`run` (or :func:`backfill` for ``--asof A..B``) from
    parsed arguments; 0 when all rendered, 1 when a notebook failed (user mistakes raise
    :class:`SmallcapsError`: the CLI exits 2)."""
    parameters: dict = {}
    for name, value in args.p or []:
        parameters[name] = value
    options = {"start": args.start, "source": args.source, "data_dir": args.data_dir,
               "out": args.out, "jobs": args.jobs, "force": args.force,
               "show_code": args.show_code, "parameters": parameters,
               "notebook_dir": args.notebook_dir,
               "sweep": sweeps.parse_option(getattr(args, "sweep", None)),
               "executor": getattr(args, "executor", None) or "local",
               "scheduler": getattr(args, "scheduler", None)}
    every = getattr(args, "every", None)
    compare_to = getattr(args, "compare_to", None)
    ranged = args.asof is not None and ".." in str(args.asof)
    if every and not ranged:
        raise SmallcapsError(f"--every {every} needs a range of dates: --asof START..END")
    with _terminate_as_interrupt():
        if ranged:
            results = backfill(args.asof, every, args.notebooks or None, compare_to=compare_to,
                               **options)
        else:
            results = [run(args.notebooks or None, asof=args.asof, compare_to=compare_to,
                           **options)]
    for result in results:
        print(result.summary())
    return 0 if all(r.ok for r in results) else 1


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM (``kill``, ``timeout``, a service manager) stops a run as Ctrl-C does: workers
    and kernels stopped, temporary files removed, exit 130.  Without it the runner would die
    on the spot and leave its own temporary files (its workers would still stop)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
