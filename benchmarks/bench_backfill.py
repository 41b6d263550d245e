"""Benchmark of a backfill against a loop of single-date runs and its compute floor, one run.

Eight weekly as-of dates (default ``2024-10-04..2024-11-22``, Fridays) x the six notebooks on
the sample, three ways, measured in the same run:

(a) loop: one ``smallcaps report --source sample --asof D --force --out X`` per date, in date
    order, into the same folder (each starts its own workers and kernels);
(b) backfill: one ``smallcaps report --source sample --asof A..B --every W-FRI --force
    --out Y`` run;
(c) compute floor: the notebooks' code cells executed in ONE already-warm kernel (the kit
    imported first, untimed; before every notebook the kernel is reset as the runner resets
    it, untimed), the parameters injected as papermill injects them (``asof``, ``source``,
    ``data_dir``), timed per notebook from its first cell to its last; no HTML export.

Prints the wall times, the ratio (b) / (a) (target <= 0.35), the backfill against the floor
shared by the workers, ``backfill / floor-per-N-workers`` = (b) / ((c) / N) (target <= 1.3 on
2 workers), per render too, the page-level breakdown (start, compute, teardown, export; summed
from the pages' JSON ``timing``, see ``bench_warm.py``) and whether (a) and (b) give the same
key figures on every page.

Usage::

    .venv/bin/python benchmarks/bench_backfill.py [--asof A..B] [--every W-FRI] [--jobs 2]
        [--source sample] [--no-prime] [--no-snapshot] [--skip-loop] [NOTEBOOK ...]

The library and the notebooks are copied first and every run uses the copies (``--no-snapshot``:
the working tree).  An untimed single-date run comes first (compiled files, OS caches, the
sample generated) unless ``--no-prime``.  Exit status 1 when a run or a page failed; the
times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    PHASES,
    default_notebooks,
    failed_pages,
    machine,
    page_docs,
    print_breakdown,
    print_same_figures,
    report,
    snapshot,
)

CELL_TIMEOUT_S = 600.0
#: run in the floor's kernel before the first notebook (untimed): the kit's imports and the
#: fresh state the runner's warm kernels reset to (a plain import when that is missing)
_PREPARE = """\
try:
    from smallcaps.runner import warm as _bench_warm
    _bench_failed = _bench_warm.kernel_prepare()
except ImportError:
    import matplotlib.pyplot, mplfinance, numpy, pandas, smallcaps, statsmodels.api
    _bench_failed = []
"""
#: run before every notebook (untimed): back to the fresh state, in the notebook's folder
_RESET = """\
import os as _bench_os
try:
    from smallcaps.runner import warm as _bench_warm
    _bench_warm.kernel_reset({cwd!r}, {{"SMALLCAPS_PROJECT": {project!r}}})
except (ImportError, RuntimeError):
    import matplotlib.pyplot as _bench_plt
    _bench_plt.close("all")
    _bench_os.chdir({cwd!r})
    _bench_os.environ["SMALLCAPS_PROJECT"] = {project!r}
    get_ipython().reset(new_session=True)
"""


class FloorKernel:
    """One kernel, started with the environment of the runs (``env``), the kit imported."""

    def __init__(self, env: dict, cwd: Path):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(
            startup_timeout=120, kernel_name="smallcaps", env=env, cwd=str(cwd),
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.run(_PREPARE, silent=True)

    def run(self, code: str, silent: bool = False) -> dict | None:
        """Execute ``code``; None, or the error (``ename``, ``evalue``) it raised."""
        errors: list[dict] = []

        def hook(msg):
            if msg["msg_type"] == "error":
                errors.append(msg["content"])

        reply = self.kc.execute_interactive(code, silent=silent, store_history=not silent,
                                            timeout=CELL_TIMEOUT_S, output_hook=hook,
                                            allow_stdin=False)
        if reply["content"].get("status") != "ok":
            return errors[0] if errors else dict(reply["content"])
        return None

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=False)


def floor(notebooks: list[Path], dates: list[str], source: str, env: dict,
          project: Path) -> tuple[float, dict[tuple[str, str], float], list[str]]:
    """The compute floor: (seconds summed, seconds by (date, notebook), failures)."""
    import copy

    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    docs = {nb: load_notebook_node(str(nb)) for nb in notebooks}
    kernel = FloorKernel(env, notebooks[0].parent)
    times: dict[tuple[str, str], float] = {}
    failures = []
    try:
        for date in dates:
            for nb in notebooks:
                run = parameterize_notebook(
                    copy.deepcopy(docs[nb]),
                    {"asof": date, "source": source, "data_dir": ""}, kernel_name="smallcaps",
                    language="python")
                cells = [c.source for c in run.cells if c.cell_type == "code" and c.source]
                err = kernel.run(_RESET.format(cwd=str(nb.parent), project=str(project)),
                                 silent=True)
                if err:
                    raise RuntimeError(f"reset before {nb.stem}: {err.get('ename')}: "
                                       f"{err.get('evalue')}")
                t0 = time.perf_counter()
                for i, code in enumerate(cells):
                    err = kernel.run(code)
                    if err:
                        failures.append(f"{date} {nb.stem} code cell {i + 1}: "
                                        f"{err.get('ename')}: {err.get('evalue')}")
                        break
                times[date, nb.stem] = time.perf_counter() - t0
            print(f"  floor {date}: {sum(t for (d, _), t in times.items() if d == date):6.1f} s")
    finally:
        kernel.close()
    return sum(times.values()), times, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", help="notebook files (default notebooks/NN_*.ipynb)")
    ap.add_argument("--asof", default="2024-10-04..2024-11-22",
                    help="as-of range START..END (default 2024-10-04..2024-11-22: 8 Fridays)")
    ap.add_argument("--every", default="W-FRI", help="dates of the range (default W-FRI)")
    ap.add_argument("--jobs", type=int, default=2, help="workers of (a) and (b) (default 2)")
    ap.add_argument("--source", default="sample", help="data source (default: sample)")
    ap.add_argument("--no-prime", action="store_true", help="skip the untimed first run")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the working tree, not a copy of lib/ and the notebooks")
    ap.add_argument("--skip-loop", action="store_true",
                    help="skip (a), the loop of single-date runs (no ratio to it)")
    args = ap.parse_args(argv)

    from smallcaps import periodic, project
    from smallcaps.errors import SmallcapsError

    notebooks = default_notebooks(args.notebooks)
    try:
        span = periodic.parse_range(args.asof)
        if span is None:
            sys.exit(f"--asof {args.asof}: a range START..END is needed")
        dates = periodic.backfill_dates(*span, args.every)
    except SmallcapsError as exc:
        sys.exit(f"bench_backfill: {exc}")
    renders = len(dates) * len(notebooks)
    print(f"{len(dates)} as-of dates ({dates[0]} .. {dates[-1]}, {args.every}) x "
          f"{len(notebooks)} notebooks = {renders} renders, source {args.source}, "
          f"--jobs {args.jobs}, {machine()}")
    status = 0

    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        tmp = Path(tmp)
        env = None
        if not args.no_snapshot:
            notebooks, env = snapshot(notebooks, tmp / "snapshot")
        common = ["--source", args.source, "--jobs", str(args.jobs), "--force",
                  *map(str, notebooks)]
        if not args.no_prime:
            report([*common, "--asof", dates[0], "--out", str(tmp / "prime")], "prime run", env)

        loop_wall, loop_docs = None, {}
        if not args.skip_loop:
            loop_out = tmp / "loop"
            loop_wall = 0.0
            for date in dates:
                wall, rc = report([*common, "--asof", date, "--out", str(loop_out)],
                                  f"(a) --asof {date}", env)
                status |= rc
                loop_wall += wall
                print(f"  (a) loop  --asof {date}: {wall:6.1f} s")
            loop_docs = {d: page_docs(loop_out / d) for d in dates}

        back_out = tmp / "backfill"
        back_wall, rc = report([*common, "--asof", args.asof, "--every", args.every,
                                "--out", str(back_out)], "(b) backfill", env)
        status |= rc
        print(f"  (b) backfill --asof {args.asof} --every {args.every}: {back_wall:6.1f} s")
        back_docs = {d: page_docs(back_out / d) for d in dates}

        try:
            floor_s, floor_times, failures = floor(
                notebooks, dates, args.source, env or dict(os.environ), project.project_dir())
        except (RuntimeError, OSError) as exc:
            sys.exit(f"(c) compute floor failed: {exc}")
        print(f"  (c) floor, one warm kernel: {floor_s:6.1f} s of notebook code")
        for line in failures:
            print(f"  floor: failed: {line}")
            status = 1

    per_worker = floor_s / args.jobs
    print()
    print(f"wall time (s), {renders} renders:")
    if loop_wall is not None:
        print(f"  (a) loop of {len(dates)} single-date runs:   {loop_wall:7.1f}   "
              f"({loop_wall / renders:.2f} per render)")
    print(f"  (b) one backfill run:                {back_wall:7.1f}   "
          f"({back_wall / renders:.2f} per render)")
    print(f"  (c) compute floor, one kernel:       {floor_s:7.1f}   "
          f"({floor_s / renders:.2f} per render; / {args.jobs} workers: {per_worker:.1f})")
    if loop_wall is not None:
        print(f"ratio backfill / loop:                 {back_wall / loop_wall:7.2f}"
              "   (target <= 0.35)")
    print(f"backfill / floor-per-{args.jobs}-workers:       {back_wall / per_worker:7.2f}"
          f"   (per render {back_wall / renders:.2f} s vs {per_worker / renders:.2f} s; "
          "target <= 1.3)")

    print()
    print("floor by notebook (s, summed over the dates) | compute_s in the backfill's JSONs:")
    for nb in notebooks:
        f = sum(t for (_, n), t in floor_times.items() if n == nb.stem)
        b = sum(float((back_docs[d].get(nb.stem, {}).get("timing") or {}).get("compute_s")
                      or 0.0) for d in dates)
        print(f"  {nb.stem:32s} {f:7.1f} | {b:7.1f}")

    print()
    heads = "  ".join(f"{p.removesuffix('_s'):>7s}" for p in PHASES)
    print(f"page-level breakdown (s, summed over pages): {heads}")
    runs = [("(b) backfill", back_docs, back_wall)]
    if loop_wall is not None:
        runs.insert(0, ("(a) loop", loop_docs, loop_wall))
    for label, by_date, wall in runs:
        print_breakdown(label, [doc for docs in by_date.values() for doc in docs.values()], wall)
    for label, by_date, _ in runs:
        print(f"  {label}, by date:")
        for date in dates:
            print_breakdown(f"  {date}", by_date[date])

    print()
    for label, by_date, _ in runs:
        bad = [f"{d} {name}" for d in dates for name in failed_pages(by_date[d])]
        missing = [f"{d} {nb.stem}" for d in dates for nb in notebooks
                   if nb.stem not in by_date[d]]
        if bad or missing:
            status = 1
            print(f"{label}: failed pages: {', '.join(bad) or 'none'}; "
                  f"missing: {', '.join(missing) or 'none'}")
    if loop_wall is not None:
        print_same_figures("loop vs backfill", {d: loop_docs[d] for d in dates},
                           {d: back_docs[d] for d in dates})
    return status


if __name__ == "__main__":
    sys.exit(main())
