"""Benchmark of a parameter sweep through the Dask executor against the local one, one run.

A sweep of notebook 01 over four values of its ``window`` (default 26, 52, 78, 104 weeks; the
schema allows 3-520) and four weekly as-of dates (default ``2024-10-04..2024-10-25``): 16
renders, twice:

- local: ``smallcaps report 01 --source sample --asof A..B --every W-FRI
  --sweep window=V1,V2,V3,V4 --jobs 2 --force --out DIR`` (the default executor);
- dask: the same with ``--executor dask --scheduler tcp://127.0.0.1:PORT``, on a cluster
  started here on localhost (``dask scheduler`` and two ``dask worker --nthreads 1``
  processes, each in its own folder; started and connected before the timing begins, stopped
  at the end, and no process of theirs, kernels included, left behind).

Prints both wall times and the ratio dask / local (target <= 1.2: shipping the files back must
cost little), the page-level breakdown (start, compute, teardown, export; summed from the
pages' JSON ``timing``) and whether both give the same key figures on every page.

Usage::

    .venv/bin/python benchmarks/bench_sweep_dask.py [--asof A..B] [--every W-FRI]
        [--sweep window=26,52,78,104] [--notebook 01] [--workers 2] [--jobs 2]
        [--no-prime] [--no-snapshot]

Needs ``distributed`` (the ``dask`` extra; ``make setup`` installs it) and a ``smallcaps
report`` with ``--sweep``, ``--executor`` and ``--scheduler``: without them it says so and
exits 2.  The library and the notebooks are copied first, and the runs and the workers use the
copies (``--no-snapshot``: the working tree).  An untimed local run of one page comes first
unless ``--no-prime``.  Exit status 1 when a run or a page failed; the times are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import (
    BIN,
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

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0
OPTIONS = ("--sweep", "--executor", "--scheduler")
MARK = "SMALLCAPS_BENCH_CLUSTER"  # set in the cluster's environment: finds what it started


def missing(env: dict | None) -> list[str]:
    """What this benchmark needs and does not find (empty: ready)."""
    problems = []
    if importlib.util.find_spec("distributed") is None:
        problems.append("the package `distributed` is not installed in this environment "
                        "(the `dask` extra of smallcaps; `make setup` installs it)")
    elif not (BIN / "dask").is_file():
        problems.append(f"{BIN / 'dask'} not found (the `dask` command comes with distributed)")
    proc = subprocess.run([str(BIN / "smallcaps"), "report", "--help"], capture_output=True,
                          text=True, env=env)
    absent = [opt for opt in OPTIONS if opt not in proc.stdout]
    if proc.returncode != 0:
        problems.append(f"`smallcaps report --help` failed ({proc.returncode}): "
                        f"{(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
    elif absent:
        problems.append(f"`smallcaps report` has no {', '.join(absent)} option yet "
                        "(issue 16: sweeps and the Dask executor)")
    return problems


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Cluster:
    """``dask scheduler`` and ``n`` ``dask worker --nthreads 1`` on localhost, each a
    subprocess in its own session and folder under ``tmp``, logs in ``tmp/*.log``."""

    def __init__(self, n: int, env: dict, tmp: Path):
        self.n, self.tmp = n, tmp
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.mark = uuid.uuid4().hex
        self.env = {**env, MARK: self.mark}
        self.procs: list[subprocess.Popen] = []

    def _spawn(self, name: str, cmd: list[str]) -> None:
        folder = self.tmp / name
        folder.mkdir(parents=True, exist_ok=True)
        with open(self.tmp / f"{name}.log", "wb") as log:
            self.procs.append(subprocess.Popen(
                cmd, cwd=folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True))

    def start(self) -> None:
        """Start the scheduler, then the workers; return once all are connected."""
        dask = str(BIN / "dask")
        self._spawn("scheduler", [dask, "scheduler", "--host", "127.0.0.1", "--port",
                                  str(self.port), "--no-dashboard"])
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(self.port):
            self._alive_or_fail("scheduler")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the scheduler did not listen on {self.address} within "
                                   f"{START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        for i in range(self.n):
            name = f"worker-{i + 1}"
            self._spawn(name, [dask, "worker", self.address, "--nthreads", "1", "--name", name,
                               "--no-dashboard", "--local-directory", str(self.tmp / name)])
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(self.n, timeout=START_TIMEOUT_S)

    def _alive_or_fail(self, name: str) -> None:
        for proc in self.procs:
            if proc.poll() is not None:
                log = (self.tmp / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{log}")

    def stop(self) -> list[int]:
        """Stop every process of the cluster (workers first): SIGTERM to each one's session,
        SIGKILL after :data:`STOP_TIMEOUT_S`; then any process still carrying this cluster's
        mark (a kernel in a session of its own) is killed.  Returns the ids of those."""
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        left = []
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while True:
            left = self.survivors()
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # kernels stop with their worker, a moment later
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return left

    def survivors(self) -> list[int]:
        """Processes whose environment carries this cluster's mark."""
        needle = f"{MARK}={self.mark}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                found.append(int(entry.name))
        return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebook", default="01",
                    help="the notebook swept (default 01: 01_yields_vs_small_caps)")
    ap.add_argument("--sweep", default="window=26,52,78,104",
                    help="NAME=V1,V2,... (default window=26,52,78,104)")
    ap.add_argument("--asof", default="2024-10-04..2024-10-25",
                    help="as-of range START..END (default 2024-10-04..2024-10-25: 4 Fridays)")
    ap.add_argument("--every", default="W-FRI", help="dates of the range (default W-FRI)")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers (default 2)")
    ap.add_argument("--jobs", type=int, default=2, help="jobs of the local run (default 2)")
    ap.add_argument("--source", default="sample", help="data source (default: sample)")
    ap.add_argument("--no-prime", action="store_true", help="skip the untimed first run")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the working tree, not a copy of lib/ and the notebooks")
    args = ap.parse_args(argv)

    from smallcaps import periodic
    from smallcaps.errors import SmallcapsError

    matches = [p for p in default_notebooks([]) if p.stem.startswith(args.notebook)]
    if len(matches) != 1:
        sys.exit(f"--notebook {args.notebook}: {len(matches)} notebooks match")
    name, _, values = args.sweep.partition("=")
    values = [v for v in values.split(",") if v.strip()]
    if not name or not values:
        sys.exit(f"--sweep {args.sweep}: NAME=V1,V2,... expected")
    try:
        span = periodic.parse_range(args.asof)
        if span is None:
            sys.exit(f"--asof {args.asof}: a range START..END is needed")
        dates = periodic.backfill_dates(*span, args.every)
    except SmallcapsError as exc:
        sys.exit(f"bench_sweep_dask: {exc}")
    if importlib.util.find_spec("distributed") is None:  # before copying anything
        sys.stderr.write("bench_sweep_dask: cannot run: " + "; ".join(missing(None)) + "\n")
        return 2
    renders = len(dates) * len(values)
    print(f"{matches[0].stem}: --sweep {args.sweep} ({len(values)} values) x {len(dates)} "
          f"as-of dates ({dates[0]} .. {dates[-1]}) = {renders} renders, source "
          f"{args.source}; dask {args.workers} workers x 1 thread vs local --jobs {args.jobs}; "
          f"{machine()}")

    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-sweep-dask-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "SMALLCAPS_DASK_SCHEDULER"}
        notebooks = matches
        if not args.no_snapshot:
            notebooks, env = snapshot(matches, tmp / "snapshot")
            env.pop("SMALLCAPS_DASK_SCHEDULER", None)
        problems = missing(env)
        if problems:
            sys.stderr.write("bench_sweep_dask: cannot run: " + "; ".join(problems) + "\n")
            return 2
        nb = str(notebooks[0])
        common = [nb, "--source", args.source, "--asof", args.asof, "--every", args.every,
                  "--sweep", args.sweep, "--force"]
        if not args.no_prime:
            report([nb, "--source", args.source, "--asof", dates[0], "--jobs", str(args.jobs),
                    "--force", "--out", str(tmp / "prime")], "prime run", env)

        local_out = tmp / "local"
        local_wall, rc = report([*common, "--jobs", str(args.jobs), "--out", str(local_out)],
                                f"local --jobs {args.jobs}", env)
        status |= rc
        print(f"  local --jobs {args.jobs}: {local_wall:6.1f} s")

        cluster = Cluster(args.workers, env, tmp / "cluster")
        dask_out = tmp / "dask"
        left: list[int] = []
        try:
            t0 = time.perf_counter()
            cluster.start()
            print(f"  cluster up at {cluster.address}: scheduler + {args.workers} workers in "
                  f"{time.perf_counter() - t0:.1f} s (not timed)")
            dask_wall, rc = report([*common, "--executor", "dask", "--scheduler",
                                    cluster.address, "--out", str(dask_out)], "dask", env)
            status |= rc
            print(f"  dask {args.workers} workers: {dask_wall:6.1f} s")
        except (RuntimeError, TimeoutError, OSError) as exc:
            print(f"dask cluster failed: {exc}", file=sys.stderr)
            return 1
        finally:
            left = cluster.stop()
            if left:
                print(f"  note: killed {len(left)} cluster process(es) left after the stop: "
                      f"{', '.join(map(str, left))}")
        if cluster.survivors():
            print("  error: cluster processes are still running after the stop", file=sys.stderr)
            status = 1
        local_docs = {d: page_docs(local_out / d) for d in dates}
        dask_docs = {d: page_docs(dask_out / d) for d in dates}

    print()
    print(f"wall time (s), {renders} renders:")
    print(f"  local --jobs {args.jobs}:       {local_wall:7.1f}   ({local_wall / renders:.2f} "
          "per render)")
    print(f"  dask, {args.workers} workers:      {dask_wall:7.1f}   ({dask_wall / renders:.2f} "
          "per render)")
    print(f"ratio dask / local:          {dask_wall / local_wall:7.2f}   (target <= 1.2)")

    print()
    heads = "  ".join(f"{p.removesuffix('_s'):>7s}" for p in PHASES)
    print(f"page-level breakdown (s, summed over pages): {heads}")
    for label, by_date, wall in (("local", local_docs, local_wall),
                                 ("dask", dask_docs, dask_wall)):
        print_breakdown(label, [doc for docs in by_date.values() for doc in docs.values()], wall)

    print()
    for label, by_date in (("local", local_docs), ("dask", dask_docs)):
        pages = sum(len(docs) for docs in by_date.values())
        bad = [f"{d} {n}" for d in dates for n in failed_pages(by_date[d])]
        if bad or pages != renders:
            status = 1
            print(f"{label}: {pages} pages of {renders}; failed: {', '.join(bad) or 'none'}")
    print_same_figures("local vs dask", {d: local_docs[d] for d in dates},
                       {d: dask_docs[d] for d in dates})
    return status


if __name__ == "__main__":
    sys.exit(main())
