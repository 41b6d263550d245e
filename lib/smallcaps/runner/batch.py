"""The batch: :func:`run` (the ``smallcaps report`` command) from the options to the indexes."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
import time
from pathlib import Path

from smallcaps import project
from smallcaps.errors import SmallcapsError
from smallcaps.page import jsonable
from smallcaps.runner import execute, params, since, skipcache
from smallcaps.runner.files import atomic_write
from smallcaps.runner.notebooks import notebook_folder, resolve_notebooks
from smallcaps.runner.outcome import NotebookResult, ReportRun, display_path, result_from

__all__ = ["SOURCES", "backfill", "report_command", "run"]

SOURCES = ("auto", "live", "csv", "sample")
_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
        Notebooks executed at once, each in its own process and kernel (default: CPU cores).
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

    Returns
    -------
    ReportRun
        Per-notebook status, paths, key figures and durations; ``.ok``, ``.summary()``.

    Raises
    ------
    SmallcapsError
        For a mistake in the input (unknown notebook or parameter, a value of the wrong type,
        a bad date, no data), before any notebook runs.
    """
    t0 = time.monotonic()
    if source not in SOURCES:
        raise SmallcapsError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SmallcapsError(f"--jobs {jobs!r} must be a whole number of at least 1")
    out_dir = Path(out).expanduser() if out else project.reports_dir()
    cache = skipcache.Cache(out_dir)
    requested = skipcache.normalize_date(asof, "--asof", cache)
    start = skipcache.normalize_date(start, "--start", cache)
    compare_to = skipcache.normalize_date(compare_to, "--compare-to", cache)
    if requested and start and start >= requested:
        raise SmallcapsError(f"--start {start} is not before --asof {requested}")
    # absolute: the kernels run in the notebooks' folder, not in the caller's
    data_dir_str = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
    if data_dir_str and not Path(data_dir_str).is_dir():
        raise SmallcapsError(f"--data-dir {data_dir}: no such folder")
    say_line = _Printer(progress)

    folder_of = notebook_folder(notebook_dir)
    paths = resolve_notebooks(notebooks, folder_of)
    specs = [params.inspect_notebook(p, cache) for p in paths]
    lib = skipcache.lib_hash()
    # the as-of first: a date outside the data is named with the data's valid range
    notes: list[str] = []  # said once the options are known to be good
    fp, when = skipcache.data_state(source, data_dir_str, requested, cache, lib, notes.append)
    overrides = params.check_parameters(
        specs, dict(parameters or {}),
        standard={"asof": requested, "start": start, "source": source, "data_dir": data_dir_str})
    asof = when["date"]
    if start and start >= asof:
        raise SmallcapsError(f"--start {start} is not before the as-of date {asof}")
    since.check_compare_to(out_dir, compare_to, asof)
    if check_only:
        cache.save({s["sha"] for s in specs})
        return ReportRun(asof=asof, out=out_dir, results=[], duration=time.monotonic() - t0,
                         source=source, asof_requested=requested)
    folder = _writable(out_dir, asof)
    for line in notes:
        say_line(line)

    root = project.project_dir()
    results: dict[str, NotebookResult] = {}
    todo = []
    for spec in specs:
        inject = {"asof": asof, "source": source, "data_dir": data_dir_str}
        if start:
            inject["start"] = start
        inject.update(overrides[spec["name"]])
        inject = jsonable(inject)
        key = skipcache.task_key(spec, inject, requested, fp, lib, show_code, execute.KERNEL_NAME)
        old = _read_json(folder / f"{spec['name']}.json")
        if (not force and old and old.get("status") == "ok" and old.get("key") == key
                and (folder / f"{spec['name']}.html").is_file()
                and (folder / f"{spec['name']}.ipynb").is_file()):
            results[spec["name"]] = result_from(old, folder, status="skipped")
            continue
        packaged = folder_of.packaged and spec["path"].parent == folder_of.path
        todo.append({
            "notebook": str(spec["path"]), "name": spec["name"], "title": spec["title"],
            # the shipped notebooks run in the project folder, never in the install folder
            "cwd": str(root if packaged else spec["path"].parent), "project": str(root),
            "out_dir": str(folder), "asof": asof, "asof_requested": requested,
            "inject": inject, "effective": params.effective_parameters(spec, inject),
            "show_code": bool(show_code), "key": key,
            "inputs": {"notebook_sha256": spec["sha"], "data_fingerprint": fp, "lib_hash": lib,
                       "source": source, "data_dir": data_dir_str,
                       "show_code": bool(show_code)},
            "previous_s": float((old or {}).get("duration_s") or 1e9),
            "reason": skipcache.why_render(old, spec, inject, requested, fp, lib, show_code,
                                           force),
        })

    cache.save({s["sha"] for s in specs})  # an interrupted batch keeps what is known
    _execute_batch(todo, results, specs, jobs, say_line, progress, root)
    ordered = [results[s["name"]] for s in specs]
    # signals and changes since the previous run, once, here (a skipped run reads its bases)
    changes = since.update(out_dir, asof, compare_to, note=say_line)
    report = ReportRun(asof=asof, out=out_dir, results=ordered,
                       duration=time.monotonic() - t0, source=source, asof_requested=requested)
    if todo or changes is not None or not (folder / "run.json").is_file() \
            or not (out_dir / "index.html").is_file():
        # a run that rendered nothing changed nothing: its files stay as they were
        _write_run_files(report, folder, jobs=jobs, force=force)
    cache.save({s["sha"] for s in specs})
    return report


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


def _status_line(r: NotebookResult) -> str:
    if r.status == "skipped":
        return f"  up to date  {r.name}"
    if r.status == "ok":
        why = f"  ({r.reason})" if r.reason else ""
        return f"  ok          {r.name}  {r.duration:5.1f} s  {display_path(r.html)}{why}"
    return f"  FAILED      {r.name}  {r.error_line()}"


class _InOrder:
    """Status lines in notebook order, whatever order the notebooks finish in: a line waits
    until the lines of the notebooks before it are out."""

    def __init__(self, names: list[str], say_line):
        self.names, self.say_line, self.lines, self.next = names, say_line, {}, 0

    def __call__(self, name: str, line: str) -> None:
        self.lines[name] = line
        while self.next < len(self.names) and self.names[self.next] in self.lines:
            self.say_line(self.lines.pop(self.names[self.next]))
            self.next += 1


def _execute_batch(todo, results, specs, jobs, say_line, progress, root: Path) -> None:
    in_order = _InOrder([s["name"] for s in specs], say_line)
    for spec in specs:
        if spec["name"] in results:
            in_order(spec["name"], _status_line(results[spec["name"]]))
    if not todo:
        return
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    execute.check_kernel()
    commit = _git_commit(root)
    for t in todo:
        t["git_commit"] = commit
    todo.sort(key=lambda t: -t["previous_s"])  # longest first: the batch ends sooner
    workers = min(jobs or execute.cpu_count(), len(todo))
    bar = tqdm(total=len(specs), initial=len(specs) - len(todo), unit="nb", file=sys.stderr,
               disable=None if progress else True, desc="report", dynamic_ncols=True, leave=False)
    say_line.bar = bar

    def done(task: dict, r: NotebookResult) -> None:
        r.reason = task["reason"]
        results[task["name"]] = r
        in_order(task["name"], _status_line(r))
        bar.update(1)

    try:
        execute.pool_map(todo, workers, done)
    finally:
        bar.close()
        say_line.bar = None


def _write_run_files(report: ReportRun, folder: Path, jobs, force) -> None:
    """run.json and index.html of the dated folder, and the top index of every run."""
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
                         "this_run": r.status, "error": r.error, "figures": {}, "files": {}})
    docs.sort(key=lambda d: d["notebook"])
    run_doc = {
        "asof": report.asof,
        "asof_requested": report.asof_requested,
        "generated_at": execute.utc_now(),
        "source": report.source,
        "ok": all(d.get("status") == "ok" for d in docs),
        "duration_s": round(report.duration, 2),
        "jobs": jobs or execute.cpu_count(),
        "force": bool(force),
        "version": __version__,
        "counts": {s: sum(r.status == s for r in report.results)
                   for s in ("ok", "skipped", "failed")},
        "synthetic": any(d.get("synthetic") for d in docs),
        "notebooks": [
            {k: d.get(k) for k in ("notebook", "title", "status", "this_run", "duration_s",
                                   "generated_at", "synthetic", "error", "files", "figures",
                                   "git_commit", "asof_requested", "parameters", "provenance")}
            for d in docs
        ],
    }
    changes = _read_json(folder / since.CHANGES_FILE)
    atomic_write(folder / "run.json", json.dumps(run_doc, indent=1, allow_nan=False))
    atomic_write(folder / "index.html", html.run_index_page(run_doc, changes))
    runs = []
    for run_json in report.out.glob("*/run.json"):
        doc = _read_json(run_json)
        if doc and _DATE_FOLDER.match(run_json.parent.name):
            doc["folder"] = run_json.parent.name
            doc["changes"] = _read_json(run_json.parent / since.CHANGES_FILE) or {}
            runs.append(doc)
    runs.sort(key=lambda d: (d["folder"], d.get("generated_at", "")), reverse=True)
    from smallcaps.runner import dashboard

    atomic_write(report.out / "index.html",
                 html.top_index_page(runs, dashboard.dashboard(report.out, runs)))


def backfill(asof_range: str, every: str | None = None, notebooks: list | str | None = None,
             *, compare_to: str | None = None, **options) -> list[ReportRun]:
    """Render every as-of date of a range, oldest first (``--asof A..B --every W-FRI``).

    Parameters
    ----------
    asof_range : str
        ``"2024-10-04..2024-11-29"``, both ends included.
    every : {"W-FRI", "M", "D"}, optional
        Fridays (the default), month ends or every session; each date is the last trading day
        on or before it (:func:`smallcaps.periodic.backfill_dates`).
    notebooks, options
        As :func:`run` (``source``, ``data_dir``, ``out``, ``jobs``, ``parameters``...).
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
        a ``compare_to`` without a run, before any notebook runs.
    """
    from smallcaps import periodic

    bounds = periodic.parse_range(asof_range)
    if bounds is None:
        raise SmallcapsError(f"--asof {asof_range}: a backfill needs a range START..END")
    dates = periodic.backfill_dates(bounds[0], bounds[1], every or "W-FRI")
    plan: list[str] = []
    quiet = {**options, "progress": False}
    for i, d in enumerate(dates):  # every date checked (and resolved) before anything runs
        checked = run(notebooks, asof=d, compare_to=compare_to if i == 0 else None,
                      check_only=True, **quiet)
        if checked.asof not in plan:
            plan.append(checked.asof)
    out = []
    for i, d in enumerate(plan):
        out.append(run(notebooks, asof=d, compare_to=compare_to if i == 0 else None,
                       **options))
    return out


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
               "notebook_dir": args.notebook_dir}
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
