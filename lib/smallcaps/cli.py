"""The ``smallcaps`` command: ``smallcaps data list|fetch`` and ``smallcaps report``
(one as-of date, or every date of ``--asof START..END --every W-FRI|M|D``; ``--sweep
NAME=V1,V2`` renders a page per combination of values; ``--executor dask --scheduler
tcp://HOST:PORT`` renders on a Dask cluster).

User mistakes (:class:`~smallcaps.errors.SmallcapsError`, and the options argparse refuses)
print one line and exit with status 2, without a traceback; Ctrl-C exits with 130.  Notebook
parameters (``-p NAME VALUE``) are validated by each notebook's declared schema
(:mod:`smallcaps.params`) before any folder is created or kernel started.  Files are found
from the project folder (:mod:`smallcaps.project`): ``$SMALLCAPS_PROJECT``, else the nearest
folder at or above the working directory with ``notebooks/NN_*.ipynb`` or a
``.smallcaps-project`` file, else the working directory.
"""

from __future__ import annotations

import argparse
import sys

from smallcaps.errors import SmallcapsError

__all__ = ["main"]


class _UsageError(Exception):
    """A command-line mistake argparse found (an unknown option, a bad choice)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (no usage block) and :func:`main` returns 2."""

    def error(self, message: str):
        raise _UsageError(f"{message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="smallcaps",
        description="Small caps vs large caps research kit: data and reports.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{data,report}")

    d = sub.add_parser("data", help="list the series catalog or refresh the cache")
    dsub = d.add_subparsers(dest="data_command", required=True, metavar="{list,fetch}")
    dl = dsub.add_parser("list", help="show the catalog with cache status")
    dl.add_argument("--data-dir", help="CSV folder (default: $SMALLCAPS_DATA_DIR or data/raw)")
    df = dsub.add_parser("fetch", help="refresh the parquet cache from Yahoo / FRED")
    df.add_argument("keys", nargs="*", help="catalog keys (default: all)")

    r = sub.add_parser("report", help="render notebooks into dated HTML reports")
    r.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                   help="notebook names, e.g. seasonality or 03_seasonality (default: all)")
    r.add_argument("--notebooks", dest="notebook_dir", metavar="DIR",
                   help="folder of NN_*.ipynb notebooks (default: the project's notebooks/, "
                        "else the ones shipped with smallcaps)")
    r.add_argument("--asof", help="as-of date YYYY-MM-DD (default: the last complete bar of "
                                  "RUT and SPX); a weekend or holiday means the trading day "
                                  "before it; START..END renders every date of the range "
                                  "(see --every), oldest first")
    r.add_argument("--every", metavar="W-FRI|M|D",
                   help="dates of an --asof START..END range: W-FRI Fridays (default), M month "
                        "ends, D every session; a holiday means the trading day before it")
    r.add_argument("--compare-to", metavar="DATE",
                   help="compare with the run as of DATE in the output folder (default: each "
                        "notebook's newest earlier run with the same parameters)")
    r.add_argument("--start", help="first date of history used (default: each notebook's own)")
    r.add_argument("--source", default="auto", choices=["auto", "live", "csv", "sample"],
                   help="data source (default: auto)")
    r.add_argument("--data-dir", help="CSV folder for --source csv/auto "
                                      "(default: $SMALLCAPS_DATA_DIR or data/raw)")
    r.add_argument("--out", default=None,
                   help="output folder (default: reports/ in the project folder)")
    r.add_argument("--jobs", type=int, default=None,
                   help="notebooks run at once by the local executor (default: cores; "
                        "ignored with --executor dask, whose cluster has its own workers)")
    r.add_argument("--force", action="store_true", help="re-render even when up to date")
    r.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    r.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="set a notebook parameter (repeatable); checked against the "
                        "notebook's declared parameters before anything runs")
    r.add_argument("--sweep", action="append", default=[], metavar="NAME=V1,V2",
                   help="render one page per value of a notebook parameter (repeatable: the "
                        "cartesian product), e.g. --sweep window=26,52; pages are named "
                        "01_x--window=26.html; a list value goes in brackets: [RUT,SPX]; "
                        "checked like -p before anything runs")
    r.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="render in local worker processes (default) or on a Dask cluster")
    r.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="the Dask scheduler of --executor dask (default: "
                        "$SMALLCAPS_DASK_SCHEDULER)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``smallcaps`` command; returns the exit status.

    Called without ``argv`` (the command's own process, which ends with this call), the
    process skips the garbage collection of its whole heap at exit (:func:`_quick_exit`).
    """
    if argv is None:
        _quick_exit()
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        print(f"smallcaps: error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "data":
            from smallcaps.data import commands

            if args.data_command == "list":
                return commands.list_command(args)
            return commands.fetch_command(args)
        from smallcaps.runner import execute

        execute.skip_unused_imports()  # this process is the runner's (see UNUSED_IMPORTS)
        from smallcaps.runner.batch import report_command

        return report_command(args)
    except SmallcapsError as exc:
        print(f"smallcaps: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("smallcaps: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into e.g. `head`, which closed early: not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _quick_exit() -> None:
    """At exit, the objects still alive are left out of the interpreter's last garbage
    collections (``gc.freeze``, an exit handler registered as the command starts: it runs
    after those registered during the run, the pool's included): scanning a report run's
    heap (pandas, papermill, nbconvert, Jinja) took 0.3 to 0.5 s as the process ended, for
    nothing: every file is written and closed by then, and the memory goes back to the
    system with the process (reference counting still frees what it frees)."""
    import atexit
    import gc

    atexit.register(gc.freeze)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
