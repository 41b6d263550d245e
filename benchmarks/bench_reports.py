"""Benchmark of the report runner against the naive way, in the same run.

Naive: for each notebook, one after the other, ``papermill`` (CLI) then ``jupyter nbconvert
--to html`` (CLI).  Kit: ``smallcaps report --force`` (parallel workers, one kernel per notebook,
HTML rendered in the worker).  Then a warm re-run with nothing changed, which must only check
hashes (no kernel, no data loading, no pandas import).  Prints both times, their ratio, the warm
times and the size of every HTML page.  The as-of date is the kit's one rule
(``smallcaps.data.resolve_asof``), the one the runner injects into every notebook.

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--source sample] [--data-dir DIR]
        [--jobs N] [--warm-runs 3] [NOTEBOOK ...]

Targets on a 2-core machine: ratio at most 0.15 (issue 16; 0.5 before warm kernels), warm
re-run under 2 s, pages under 3 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _common import BIN, default_notebooks, machine
from _common import check as _check
from _common import timed as _timed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", help="notebook files (default notebooks/NN_*.ipynb)")
    ap.add_argument("--source", default="sample", help="data source (default: sample)")
    ap.add_argument("--data-dir", default="", help="CSV folder for --source csv")
    ap.add_argument("--jobs", type=int, default=None, help="runner jobs (default: cores)")
    ap.add_argument("--warm-runs", type=int, default=3, help="warm re-runs timed (default 3)")
    args = ap.parse_args(argv)

    notebooks = default_notebooks(args.notebooks)
    from smallcaps import data

    asof = data.resolve_asof(None, source=args.source, data_dir=args.data_dir or None).date
    print(f"{len(notebooks)} notebooks, source {args.source}, as of {asof}, {machine()}")

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp = Path(tmp)
        naive_dir = tmp / "naive"
        naive_dir.mkdir()
        naive_times = {}
        t_naive = 0.0
        for nb in notebooks:
            out_nb = naive_dir / nb.name
            t1, proc = _timed([str(BIN / "papermill"), str(nb), str(out_nb), "-k", "smallcaps",
                               "--cwd", str(nb.parent), "-p", "asof", asof,
                               "-p", "source", args.source, "-p", "data_dir", args.data_dir])
            _check(proc, f"papermill {nb.name}")
            t2, proc = _timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out_nb)])
            _check(proc, f"nbconvert {nb.name}")
            naive_times[nb.stem] = t1 + t2
            t_naive += t1 + t2
            print(f"  naive  {nb.stem:32s} papermill {t1:6.1f} s  nbconvert {t2:5.1f} s")

        out = tmp / "reports"
        cmd = [str(BIN / "smallcaps"), "report", *map(str, notebooks), "--source", args.source,
               "--out", str(out)]
        if args.data_dir:
            cmd += ["--data-dir", args.data_dir]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        t_kit, proc = _timed([*cmd, "--force"])
        _check(proc, "smallcaps report --force")
        print(proc.stdout.strip())

        warm = []
        for i in range(max(1, args.warm_runs)):
            t, proc = _timed(cmd)
            _check(proc, "smallcaps report (warm)")
            warm.append(t)
            if " 0 rendered" not in proc.stdout:  # something changed meanwhile: say what
                reasons = [ln.strip() for ln in proc.stderr.splitlines()
                           if ln.startswith("  ok ")]
                print(f"note: warm run {i + 1} rendered again: " + "; ".join(reasons))
        print(proc.stdout.strip())

        print()
        print(f"naive (papermill CLI + nbconvert CLI, sequential): {t_naive:7.1f} s")
        print(f"smallcaps report --force:                          {t_kit:7.1f} s")
        print(f"ratio kit / naive:                                 {t_kit / t_naive:7.2f}"
              "   (target <= 0.15 on 2 cores)")
        print(f"warm re-run, nothing changed: median {statistics.median(warm):.2f} s "
              f"(runs: {', '.join(f'{w:.2f}' for w in warm)})   (target < 2 s)")
        print()
        print("HTML page sizes (kit | naive nbconvert):")
        for nb in notebooks:
            kit = out / asof / f"{nb.stem}.html"
            naive = naive_dir / f"{nb.stem}.html"
            print(f"  {nb.stem:32s} {kit.stat().st_size / 1e6:6.2f} MB | "
                  f"{naive.stat().st_size / 1e6:6.2f} MB")
        big = [nb.stem for nb in notebooks
               if (out / asof / f"{nb.stem}.html").stat().st_size >= 3_000_000]
        if big:
            print(f"pages over 3 MB: {', '.join(big)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
