"""Benchmark of warm kernels against a new kernel per notebook, in the same run.

``smallcaps report --source sample --force`` on the six notebooks, four times: cold
(``SMALLCAPS_KERNELS=cold``: papermill starts a kernel per notebook, today's path before warm
kernels) and warm (one kernel per worker, the kit imported once, reset between notebooks),
each with 1 and 2 jobs.  Prints the wall times and the warm / cold ratios, then the page-level
breakdown read from every page's JSON (``timing``): ``start`` (before the first cell: a cold
kernel's start, a new warm kernel's start and imports, or a reused one's reset), ``compute``
(first cell to last: for a cold kernel it includes the imports in the notebook's first cell),
``teardown`` (a cold kernel's shut-down) and ``export`` (HTML page and files), and whether
every page's key figures are the same warm and cold.

Usage::

    .venv/bin/python benchmarks/bench_warm.py [--source sample] [--jobs 1 2] [--repeat N]
        [--no-prime] [--no-snapshot] [NOTEBOOK ...]

An untimed warm run comes first (compiled files, OS caches) unless ``--no-prime``.  The
library and the notebooks are copied first and the runs use the copies (``PYTHONPATH``), so
that edits made while the benchmark runs change neither the times nor the figures compared
(``--no-snapshot``: use the working tree).  With ``--repeat N`` every configuration runs N
times, interleaved; the median wall time is reported, the breakdown of the median run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BIN, PHASES, default_notebooks, machine, phase_sums, snapshot


def _report(notebooks: list[Path], out: Path, mode: str, jobs: int, source: str,
            asof: str, env: dict) -> tuple[float, dict]:
    """One ``smallcaps report --force`` run; (wall seconds, page name -> JSON document)."""
    env = {**env, "SMALLCAPS_KERNELS": mode}
    cmd = [str(BIN / "smallcaps"), "report", *map(str, notebooks), "--source", source,
           "--asof", asof, "--out", str(out), "--jobs", str(jobs), "--force"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"{mode} run failed ({proc.returncode}):\n{proc.stdout}{proc.stderr[-3000:]}")
    if proc.returncode == 1:
        print(f"  note: {mode} --jobs {jobs}: {proc.stdout.strip().splitlines()[-1]}")
    docs = {}
    for nb in notebooks:
        path = out / asof / f"{nb.stem}.json"
        docs[nb.stem] = json.loads(path.read_text()) if path.is_file() else {}
    return wall, docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", help="notebook files (default notebooks/NN_*.ipynb)")
    ap.add_argument("--source", default="sample", help="data source (default: sample)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="jobs (default 1 2)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per configuration (default 1)")
    ap.add_argument("--no-prime", action="store_true", help="skip the untimed first run")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the working tree, not a copy of lib/ and the notebooks")
    args = ap.parse_args(argv)

    notebooks = default_notebooks(args.notebooks)
    from smallcaps import data

    asof = str(data.resolve_asof(None, source=args.source).date)
    print(f"{len(notebooks)} notebooks, source {args.source}, as of {asof}, {machine()}")

    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ)
        if not args.no_snapshot:
            notebooks, env = snapshot(notebooks, tmp / "snapshot")
        if not args.no_prime:
            _report(notebooks, tmp / "prime", "warm", max(args.jobs), args.source, asof, env)
        every: dict[tuple[str, int], list[tuple[float, dict]]] = {}
        for i in range(max(1, args.repeat)):
            for jobs in args.jobs:
                for mode in ("cold", "warm"):
                    got = _report(notebooks, tmp / f"{mode}-{jobs}-{i}", mode, jobs,
                                  args.source, asof, env)
                    every.setdefault((mode, jobs), []).append(got)
                    print(f"  {mode}  --jobs {jobs}: {got[0]:6.1f} s")
    runs = {}
    for key, got in every.items():  # the run of the median wall time
        median = statistics.median_low([g[0] for g in got])
        runs[key] = next(g for g in got if g[0] == median)

    print()
    print(f"wall time of smallcaps report --force (s){', median' if args.repeat > 1 else ''}:")
    for jobs in args.jobs:
        cold, warm = runs["cold", jobs][0], runs["warm", jobs][0]
        print(f"  --jobs {jobs}:  cold {cold:6.1f}   warm {warm:6.1f}   "
              f"ratio warm/cold {warm / cold:5.2f}")
    for mode in ("cold", "warm"):
        if len(args.jobs) > 1:
            a, b = runs[mode, args.jobs[0]][0], runs[mode, args.jobs[-1]][0]
            print(f"  {mode}: --jobs {args.jobs[-1]} / --jobs {args.jobs[0]} = {b / a:5.2f}")

    print()
    print("page-level breakdown (s): start | compute | teardown | export   kernel")
    for jobs in args.jobs:
        for mode in ("cold", "warm"):
            wall, docs = runs[mode, jobs]
            print(f"  {mode} --jobs {jobs}")
            for name, doc in docs.items():
                t = doc.get("timing") or {}
                cells = "  ".join(f"{float(t.get(p) or 0):6.2f}" for p in PHASES)
                retried = "  retried" if doc.get("retried") else ""
                print(f"    {name:30s} {cells}   {t.get('kernel', '?')}{retried}")
            sums = phase_sums(docs)
            total = "  ".join(f"{sums[p]:6.2f}" for p in PHASES)
            print(f"    {'sum':30s} {total}   (wall {wall:.1f})")
    warm1 = runs["warm", args.jobs[0]][1]
    floor = phase_sums(warm1)["compute_s"]
    print()
    print(f"compute floor (sum of the notebooks' compute, warm --jobs {args.jobs[0]}): "
          f"{floor:.1f} s")
    for jobs in args.jobs:
        for mode in ("cold", "warm"):
            wall = runs[mode, jobs][0]
            print(f"  {mode} --jobs {jobs}: wall / (floor / jobs) = {wall / (floor / jobs):5.2f}")

    print()
    same = []
    for jobs in args.jobs:
        for name, doc in runs["warm", jobs][1].items():
            cold_doc = runs["cold", jobs][1].get(name, {})
            same.append((jobs, name, doc.get("figures") == cold_doc.get("figures"),
                         doc.get("status"), cold_doc.get("status")))
    bad = [s for s in same if not s[2]]
    print(f"key figures identical warm vs cold: {len(same) - len(bad)} of {len(same)} pages")
    for jobs, name, _, ws, cs in bad:
        print(f"  differs: {name} (--jobs {jobs}; status warm {ws}, cold {cs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
