"""Bad inputs, table-driven: command-line options, notebook parameters and the data commands.

Every case runs the real ``smallcaps`` entry point (:func:`smallcaps.cli.main` in process, or
the command in a real process where one is needed) and asserts what the kit promises for a user
mistake: exit status 2, exactly one line on stderr without a traceback, the words that name the
input and what would be valid, and nothing written or lost (no ``--out`` folder, the CSV folder
and the cache byte-identical).  No case starts a kernel: each fails before one would start.

The helpers here are shared by ``test_bad_inputs_csv.py`` (CSV files in every accepted format,
broken every way) and ``test_bad_inputs_faults.py`` (cache files, catalogs, the network).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from smallcaps.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NB = "04_tax_loss_timing"  # a notebook whose parameters need no data beyond RUT and SPX
#: trading days of the small valid data folder (November 2024, Thanksgiving week excluded)
DAYS = ["2024-11-01", "2024-11-04", "2024-11-05", "2024-11-06", "2024-11-07", "2024-11-08",
        "2024-11-11", "2024-11-12", "2024-11-13", "2024-11-14", "2024-11-15", "2024-11-18",
        "2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22"]
SPAN = f"{DAYS[0]} to {DAYS[-1]}"


# --- helpers (imported by the other test_bad_inputs_* files) -----------------------------
def no_user_series(monkeypatch, tmp_path) -> None:
    """An existing, empty user catalog: no user series, whatever the rule for a missing one."""
    path = tmp_path / "user-catalog.yml"
    path.write_text("{}\n")
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))


@pytest.fixture(autouse=True)
def _empty_user_catalog(monkeypatch, tmp_path):
    no_user_series(monkeypatch, tmp_path)


@dataclass
class Outcome:
    """What one run of the command did."""

    status: int
    out: str
    err: str


def cli(capsys, *argv: str) -> Outcome:
    """``smallcaps ARGV`` in process; stdout and stderr as captured."""
    capsys.readouterr()
    status = main([str(a) for a in argv])
    got = capsys.readouterr()
    return Outcome(status, got.out, got.err)


def report(capsys, data_dir: Path, out: Path, *extra: str, notebook: str = NB) -> Outcome:
    """``smallcaps report NOTEBOOK --source csv --data-dir DIR --out OUT EXTRA...``."""
    return cli(capsys, "report", notebook, "--notebooks", NOTEBOOKS, "--source", "csv",
               "--data-dir", data_dir, "--out", out, *extra)


def _without_root_powers() -> None:
    """In the child, before exec: drop the capabilities that let root write anywhere
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from the bounding set, so a
    read-only folder is read-only for the command even when the tests run as root."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            os._exit(97)


def process(*argv: str, env: dict | None = None, as_user: bool = False) -> Outcome:
    """``smallcaps ARGV`` in a real process; ``as_user``: without root's power to write into
    read-only folders."""
    drop = _without_root_powers if as_user and os.geteuid() == 0 else None
    proc = subprocess.run([sys.executable, "-m", "smallcaps.cli", *map(str, argv)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
                          preexec_fn=drop)
    if proc.returncode == 97 and drop is not None:
        pytest.skip("cannot drop root's capabilities here")
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def assert_refused(got: Outcome, *words: str, status: int = 2) -> str:
    """Exit ``status``, one non-empty stderr line without a traceback holding every word."""
    lines = [line for line in got.err.splitlines() if line.strip()]
    assert "Traceback" not in got.err + got.out, got.err
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{got.err}"
    line = lines[0]
    assert got.status == status, f"exit {got.status}, expected {status}: {line}"
    assert line.startswith("smallcaps: error: "), line
    missing = [w for w in words if w not in line]
    assert not missing, f"{missing} not in: {line}"
    return line


def tree(folder: Path) -> dict[str, object]:
    """Everything under ``folder`` (None when absent): relative path -> bytes, ``"<dir>"``, or
    ``"-> target"`` for a symbolic link (not followed)."""
    if not folder.exists() and not folder.is_symlink():
        return {"": None}
    if not folder.is_dir():
        return {"": folder.read_bytes()}
    out: dict[str, object] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = f"-> {os.readlink(p)}"
        elif p.is_dir():
            out[rel] = "<dir>"
        elif p.is_file():
            out[rel] = p.read_bytes()
        else:
            out[rel] = "<special>"
    return out


def yahoo_rows(base: float) -> str:
    return "".join(f"{d},{base},{base + 10},{base - 10},{base + i},{base + i},1000\n"
                   for i, d in enumerate(DAYS))


def good_folder(folder: Path, *, dgs10: bool = True) -> Path:
    """A small valid CSV folder: RUT and SPX (Yahoo exports), DGS10 (a FRED export)."""
    folder.mkdir(parents=True, exist_ok=True)
    head = "Date,Open,High,Low,Close,Adj Close,Volume\n"
    (folder / "RUT.csv").write_text(head + yahoo_rows(2200.0))
    (folder / "GSPC.csv").write_text(head + yahoo_rows(5700.0))
    if dgs10:
        (folder / "DGS10.csv").write_text(
            "observation_date,DGS10\n" + "".join(f"{d},4.{i:02d}\n" for i, d in enumerate(DAYS)))
    return folder


class Guard:
    """Snapshots of the folders a refused run must leave as they were."""

    def __init__(self, *folders: Path):
        self.folders = folders
        self.before = [tree(f) for f in folders]

    def unchanged(self) -> None:
        for folder, before in zip(self.folders, self.before, strict=True):
            assert tree(folder) == before, f"{folder} changed"


def cache_folder() -> Path:
    """The test's cache folder (tests/conftest.py points SMALLCAPS_CACHE_DIR at it)."""
    return Path(os.environ["SMALLCAPS_CACHE_DIR"])


# --- command-line options of `smallcaps report` ------------------------------------------
#: (id, extra options, words of the line); {data} {out} {file} are filled in per case
OPTIONS = [
    ("source-unknown", ["--source", "web"], ["--source", "'web'", "choose from", "sample"]),
    ("asof-not-a-date", ["--asof", "2024-13-45"], ["--asof", "'2024-13-45'", "YYYY-MM-DD"]),
    ("asof-word", ["--asof", "soon"], ["--asof", "'soon'", "YYYY-MM-DD"]),
    ("asof-after-the-data", ["--asof", "2099-01-01"],
     ["--asof 2099-01-01", "after the data", f"valid: {SPAN}"]),
    ("asof-before-the-data", ["--asof", "1900-01-02"],
     ["--asof 1900-01-02", "before the data", f"valid: {SPAN}"]),
    ("asof-a-month-after", ["--asof", "2024-12-31"],
     ["--asof 2024-12-31", "after the data", f"valid: {SPAN}"]),
    ("start-after-asof", ["--start", "2024-11-20", "--asof", "2024-11-10"],
     ["--start 2024-11-20", "--asof 2024-11-10"]),
    ("start-equals-asof", ["--start", "2024-11-12", "--asof", "2024-11-12"],
     ["--start 2024-11-12", "--asof 2024-11-12"]),
    ("start-after-the-data", ["--start", "2030-01-01"],
     ["--start 2030-01-01", f"as-of date {DAYS[-1]}"]),
    ("start-not-a-date", ["--start", "2024-02-30"], ["--start", "'2024-02-30'", "YYYY-MM-DD"]),
    ("jobs-zero", ["--jobs", "0"], ["--jobs 0", "at least 1"]),
    ("jobs-negative", ["--jobs", "-1"], ["--jobs -1", "at least 1"]),
    ("jobs-not-a-number", ["--jobs", "x"], ["--jobs", "'x'", "int"]),
    ("jobs-fraction", ["--jobs", "1.5"], ["--jobs", "'1.5'", "int"]),
    ("data-dir-missing", ["--data-dir", "{data}/nope"], ["--data-dir", "{data}/nope", "folder"]),
    ("data-dir-a-file", ["--data-dir", "{data}/RUT.csv"],
     ["--data-dir", "{data}/RUT.csv", "folder"]),
    ("out-a-file", ["--out", "{file}"], ["--out {file}", "cannot write"]),
    ("out-under-a-file", ["--out", "{file}/reports"], ["--out {file}/reports", "cannot write"]),
    ("asof-without-value", ["--asof"], ["--asof", "expected one argument"]),
    ("unknown-option", ["--asof-date", "2024-11-08"], ["--asof-date", "unrecognized"]),
    ("p-one-value", ["-p", "small"], ["-p", "expected 2 arguments"]),
]


@pytest.mark.parametrize("extra, words", [pytest.param(e, w, id=i) for i, e, w in OPTIONS])
def test_report_option_is_refused_before_anything_runs(capsys, tmp_path, extra, words):
    data, out = good_folder(tmp_path / "data"), tmp_path / "out"
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("keep me\n")
    fill = {"data": str(data), "out": str(out), "file": str(a_file)}
    guard = Guard(data, cache_folder(), a_file)
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "csv",
              "--data-dir", data, "--out", out, *[e.format(**fill) for e in extra])
    assert_refused(got, *[w.format(**fill) for w in words])
    assert not out.exists()
    guard.unchanged()


def test_notebook_name_unknown(capsys, tmp_path):
    data, out = good_folder(tmp_path / "data"), tmp_path / "out"
    guard = Guard(data, cache_folder())
    got = cli(capsys, "report", "taxloss_timing_v2", "--notebooks", NOTEBOOKS,
              "--source", "csv", "--data-dir", data, "--out", out)
    assert_refused(got, "'taxloss_timing_v2'", "not a notebook", "04_tax_loss_timing")
    assert not out.exists()
    guard.unchanged()


def test_notebooks_folder_missing(capsys, tmp_path):
    data, out = good_folder(tmp_path / "data"), tmp_path / "out"
    got = cli(capsys, "report", NB, "--notebooks", tmp_path / "nbs", "--source", "csv",
              "--data-dir", data, "--out", out)
    assert_refused(got, "--notebooks", str(tmp_path / "nbs"))
    assert not out.exists()


def test_csv_folder_without_the_reference_series(capsys, tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    got = report(capsys, data, out)
    assert_refused(got, "no CSV file for RUT", str(data), "RUT.csv")
    assert not out.exists() and tree(data) == {}


def test_live_source_offline(capsys, tmp_path):
    """tests/conftest.py sets SMALLCAPS_OFFLINE=1: --source live must say so, not hang."""
    out = tmp_path / "out"
    guard = Guard(cache_folder())
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "live", "--out", out)
    assert_refused(got, "no network for RUT", "SMALLCAPS_OFFLINE", "--source sample",
                   "--source csv --data-dir")
    assert not out.exists()
    guard.unchanged()


def test_out_in_a_read_only_folder(tmp_path):
    """A real process: as root (usual in containers) it runs without the capabilities that
    bypass file permissions, so the read-only folder is read-only for it too."""
    data, locked = good_folder(tmp_path / "data"), tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    guard = Guard(data, locked, cache_folder())
    try:
        got = process("report", NB, "--notebooks", NOTEBOOKS, "--source", "csv",
                      "--data-dir", data, "--out", locked / "reports", as_user=True)
    finally:
        locked.chmod(0o755)
    assert_refused(got, f"--out {locked / 'reports'}", "cannot write", "ermission denied")
    guard.unchanged()


# --- notebook parameters (-p NAME VALUE), declared per notebook in smallcaps.params -------
#: (id, notebook, -p name, value, words besides the option: the value, the notebook, what
#: would be valid)
PARAMETERS = [
    ("unknown-name", NB, "lookback", "5", [NB, "small", "large"]),
    ("unknown-name-typo", "05_divergence_signals", "sigmaa", "3", ["sigma"]),
    ("int-not-a-number", "01_yields_vs_small_caps", "window", "x", ["x", "whole number"]),
    ("int-a-fraction", "01_yields_vs_small_caps", "window", "2.5", ["2.5", "whole number"]),
    ("int-negative", "01_yields_vs_small_caps", "window", "-3", ["-3", "3"]),
    ("int-zero", "01_yields_vs_small_caps", "window", "0", ["0", "3"]),
    ("int-huge", "01_yields_vs_small_caps", "window", "100000", ["100000", "520"]),
    ("float-not-a-number", "05_divergence_signals", "sigma", "high", ["high", "number"]),
    ("float-nan", "05_divergence_signals", "sigma", "nan", ["nan", "number"]),
    ("float-inf", "05_divergence_signals", "sigma", "inf", ["inf", "number"]),
    ("choice-unknown", "05_divergence_signals", "direction", "bad",
     ["bad", "up", "down", "both"]),
    ("choice-freq", "01_yields_vs_small_caps", "freq", "Q", ["Q", "W-FRI"]),
    ("key-unknown", NB, "small", "XYZ", ["XYZ", "RUT"]),
    ("key-of-a-yield", NB, "large", "DGS10", ["DGS10", "price"]),
    ("list-not-a-list", "03_seasonality", "series", "{}", ["{}", "RUT"]),
    ("month-day-invalid", NB, "pressure_window", '["12-01","13-40"]', ["13-40", "MM-DD"]),
    ("bool-not-a-bool", "02_ratio_charts", "log_scale", "maybe", ["maybe", "true"]),
    ("date-not-a-date", "02_ratio_charts", "rebase_date", "2024-99-01",
     ["2024-99-01", "YYYY-MM-DD"]),
    ("standard-via-p", NB, "asof", "2024-11-08", ["--asof"]),
]


@pytest.mark.parametrize("notebook, name, value, words",
                         [pytest.param(nb, n, v, w, id=i) for i, nb, n, v, w in PARAMETERS])
def test_parameter_is_refused_before_any_kernel(capsys, tmp_path, notebook, name, value, words):
    data, out = good_folder(tmp_path / "data"), tmp_path / "out"
    guard = Guard(data, cache_folder())
    got = report(capsys, data, out, "-p", name, value, notebook=notebook)
    line = assert_refused(got, f"-p {name}", *words)
    assert notebook in line or name == "asof", line
    assert not out.exists()
    guard.unchanged()


# --- smallcaps data list | fetch ---------------------------------------------------------
DATA_COMMANDS = [
    ("fetch-unknown-key", ["fetch", "NOPE"], ["unknown series 'NOPE'", "known: RUT, SPX"]),
    ("fetch-unknown-among-known", ["fetch", "RUT", "rut"], ["unknown series 'rut'", "RUT"]),
    ("fetch-offline", ["fetch", "DGS10"],
     ["no network for DGS10", "SMALLCAPS_OFFLINE", "--source sample"]),
    ("list-with-a-key", ["list", "RUT"], ["unrecognized arguments: RUT"]),
    ("unknown-subcommand", ["show"], ["'show'", "list", "fetch"]),
    ("no-subcommand", [], ["required", "{list,fetch}"]),
]


@pytest.mark.parametrize("argv, words", [pytest.param(a, w, id=i) for i, a, w in DATA_COMMANDS])
def test_data_command_is_refused(capsys, tmp_path, argv, words):
    guard = Guard(cache_folder())
    got = cli(capsys, "data", *argv)
    assert_refused(got, *words)
    assert got.out == ""
    guard.unchanged()


def test_fetch_offline_keeps_the_cached_file(capsys):
    """A refused refresh leaves the previous cache as it was (nothing lost)."""
    import pandas as pd
    from smallcaps import data
    from smallcaps.data import cache

    dgs10 = data.get_series("DGS10")
    frame = pd.DataFrame({"close": [4.3, 4.4]},
                         index=pd.DatetimeIndex(["2024-11-01", "2024-11-04"], name="date"))
    cache.write_cache(dgs10, frame, pd.Timestamp("2020-01-01"))
    guard = Guard(cache_folder())
    got = cli(capsys, "data", "fetch", "DGS10")
    assert_refused(got, "no network for DGS10", "SMALLCAPS_OFFLINE")
    guard.unchanged()
