"""The Makefile's recipes, read with ``make -n`` (nothing runs): ``make lab`` passes
``--allow-root`` to Jupyter only as root, ``make setup`` installs exactly the lock, ``make lock``
regenerates it from pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str, env: dict | None = None) -> list[str]:
    """The commands ``make -n ARGS`` would run, one per line (continuations joined), in the
    repository, with ``LAB_UID`` only as ``env`` sets it."""
    base = {k: v for k, v in os.environ.items() if k not in ("LAB_UID", "MAKEFLAGS")}
    proc = subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**base, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.replace("\\\n", " ").splitlines()


def jupyter_line(lines: list[str]) -> str:
    found = [ln for ln in lines if "bin/jupyter lab" in ln]
    assert len(found) == 1, lines
    return found[0]


@pytest.mark.parametrize(("uid", "allow_root"), [("0", True), ("1000", False), ("501", False)])
def test_lab_allows_root_only_as_root(uid, allow_root):
    line = jupyter_line(dry_run("lab", f"LAB_UID={uid}"))
    assert line.endswith(".venv/bin/jupyter lab --notebook-dir=notebooks"
                         + (" --allow-root" if allow_root else "")), line


def test_lab_uid_from_the_environment_and_by_default():
    assert "--allow-root" in jupyter_line(dry_run("lab", env={"LAB_UID": "0"}))
    assert "--allow-root" not in jupyter_line(dry_run("lab", env={"LAB_UID": "1000"}))
    default = jupyter_line(dry_run("lab"))  # LAB_UID unset: `id -u`
    assert ("--allow-root" in default) == (os.getuid() == 0), default


def test_setup_installs_exactly_the_lock():
    lines = dry_run("-B", "setup", "VENV=/tmp/smallcaps-dry-run-venv")  # -B: every step
    text = "\n".join(lines)
    install = [ln for ln in lines if " -r requirements.lock" in ln]
    assert len(install) == 1 and "--require-hashes" in install[0], text
    kit = [ln for ln in lines if ln.rstrip().endswith("-e .")]
    assert len(kit) == 1 and "--no-deps" in kit[0], text  # the kit adds nothing unpinned
    assert lines.index(install[0]) < lines.index(kit[0])
    assert "'.[dev]'" not in text  # no unpinned resolution any more
    assert any("ipykernel install --sys-prefix --name smallcaps" in ln for ln in lines), text


def test_lock_regenerates_from_pyproject():
    lines = dry_run("lock", "VENV=/tmp/smallcaps-dry-run-venv")
    compile_ = [ln for ln in lines if "pip compile" in ln]
    assert len(compile_) == 1, lines
    cmd = compile_[0]
    for part in ("pyproject.toml", "--extra dev", "--python-version 3.11", "--generate-hashes",
                 "-o requirements.lock"):
        assert part in cmd, (part, cmd)
