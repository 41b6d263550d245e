"""The installable kit: the wheel ships the notebooks, templates and catalog (and no tests); once
installed (not editable) in a fresh environment, ``smallcaps report`` renders a shipped notebook
from an empty folder, with the data, reports and kernel of that folder and environment.

The fresh environment is made fast: ``venv --without-pip`` plus a ``.pth`` line that lends it
this environment's site-packages for the dependencies; only the wheel is installed into it
(``--no-deps``).  Its own ``smallcaps`` kernel is registered with ``--sys-prefix``, so the
kernel runs that environment's Python (``check_kernel`` refuses any other).  Lending proves as
much as installing the dependencies again: the kit itself comes only from the wheel (the test
asserts ``smallcaps.__file__`` is in the new environment; the lent folder's editable hook is a
``.pth`` file of its own, which a path line does not run), and the dependencies are the lock's
versions either way (installing them from PyPI again would test pip, not the kit).  The report
renders one notebook, the quickest, not six: what is under test is the install, not the
notebooks (``tests/test_report_e2e.py`` renders all six).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "smallcaps"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FAST_NOTEBOOK = "02_ratio_charts"  # the quickest of the six on the sample (about 6 s of CPU)

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/NN_*.ipynb")


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600,
                          **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources the package is made of."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
    for name in ("lib", "notebooks"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", tmp / "dist", src])
    (built,) = (tmp / "dist").glob("smallcaps-*.whl")
    return built


def test_wheel_ships_notebooks_templates_and_catalog_but_no_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"smallcaps/notebooks/{nb}" for nb in NOTEBOOKS} <= names
    templates = {f"smallcaps/{p.relative_to(LIB).as_posix()}"
                 for p in (LIB / "templates").rglob("*") if p.is_file()}
    assert "smallcaps/templates/smallcaps_report/index.html.j2" in templates
    assert templates <= names
    assert "smallcaps/data/catalog.yml" in names
    packages = {p.relative_to(LIB.parent).as_posix() for p in LIB.rglob("__init__.py")
                if "__pycache__" not in p.parts}
    assert packages <= names, f"packages missing from the wheel: {sorted(packages - names)}"
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n
                or n.rsplit("/", 1)[-1].startswith("test_")]
    assert not [n for n in names if n.endswith(".pyc")]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh environment with the wheel installed (not editable) and its own kernel."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    deps = sysconfig.get_paths()["purelib"]
    (site / "_smallcaps_test_deps.pth").write_text(deps + "\n")  # the dependencies, lent
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
          "--no-index", wheel])
    # nbconvert's base templates are data files of its own install (share/jupyter/nbconvert):
    # lay them out in the new prefix as installing nbconvert there would
    share = venv / "share" / "jupyter"
    share.mkdir(parents=True)
    (share / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    _run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "smallcaps",
          "--display-name", "Python (smallcaps)"])
    return venv


def test_installed_kit_reports_from_an_empty_folder(installed, tmp_path):
    python = installed / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMALLCAPS_", "JUPYTER_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({"SMALLCAPS_OFFLINE": "1", "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data"),
                "PATH": f"{installed / 'bin'}{os.pathsep}{env.get('PATH', '')}"})
    where = _run([python, "-c", "import smallcaps; print(smallcaps.__file__)"], env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed)  # the wheel, not lib/

    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _run([installed / "bin" / "smallcaps", "report", "--source", "sample",
                 FAST_NOTEBOOK], cwd=empty, env=env)
    assert "1 notebook as of " in proc.stdout and "1 rendered" in proc.stdout, proc.stdout
    assert sorted(p.name for p in empty.iterdir()) == ["reports"]  # the project is this folder
    (page,) = (empty / "reports").glob(f"*/{FAST_NOTEBOOK}.html")
    text = page.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA: NOT MARKET DATA" in text and 'class="sc-synthetic"' in text
    assert (page.parent / "index.html").is_file() and (empty / "reports" / "index.html").is_file()
    # the kernel ran in the project folder: nothing was written beside the shipped notebooks
    shipped = Path(where.stdout.strip()).parent / "notebooks"
    assert sorted(p.name for p in shipped.iterdir()) == NOTEBOOKS
