"""Packaging: pyproject.toml and environment.yml declare the same packages; undeclared imports
of our dependencies (mplfinance -> six) are declared by us."""

from __future__ import annotations

import importlib.metadata as md
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: conda-forge names that differ from the PyPI names (every other package has the same name)
CONDA_NAMES = {"arch-py": "arch"}


def norm(requirement: str) -> str:
    """Distribution name of a requirement, PEP 503-normalised (``PyYAML>=6`` -> ``pyyaml``)."""
    name = re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_norm():
    assert norm("PyYAML>=6.0") == "pyyaml"
    assert norm("ruamel.yaml") == "ruamel-yaml"
    assert norm("mplfinance >= 0.12.10b0") == "mplfinance"
    assert norm("pytest") == "pytest"


def test_environment_yml_matches_pyproject():
    proj = pyproject()["project"]
    runtime = {norm(r) for r in proj["dependencies"]}
    dev = {norm(r) for r in proj["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            conda.add(CONDA_NAMES.get(norm(dep), norm(dep)))
    assert "python=3.11" in env["dependencies"]
    conda -= {"python", "pip"}
    assert conda - (runtime | dev) == set(), "in environment.yml only"
    assert (runtime | dev) - conda == set(), "in pyproject.toml only"
    assert pip == ["-e ."]


def test_required_packages_declared():
    runtime = {norm(r) for r in pyproject()["project"]["dependencies"]}
    for name in ("pandas", "numpy", "matplotlib", "mplfinance", "statsmodels", "papermill",
                 "nbconvert", "ipykernel", "jupyterlab", "yfinance", "requests", "pyarrow",
                 "six", "pyyaml", "tqdm"):
        assert name in runtime, name
    dev = {norm(r) for r in pyproject()["project"]["optional-dependencies"]["dev"]}
    assert {"pytest", "hypothesis", "ruff", "responses"} <= dev


def test_mplfinance_imports_six_without_declaring_it():
    """Why ``six`` is in our dependencies: mplfinance's source imports it, its metadata does
    not require it (checked on the installed version)."""
    try:
        dist = md.distribution("mplfinance")
    except md.PackageNotFoundError:
        pytest.skip("mplfinance not installed")
    requires = {norm(r) for r in (dist.requires or [])}
    sources = [f for f in dist.files or [] if str(f).endswith(".py")]
    imports_six = any(re.search(r"^\s*(from six|import six)", Path(dist.locate_file(f))
                                .read_text(errors="replace"), re.M) for f in sources)
    if not imports_six:
        pytest.skip("this mplfinance no longer imports six")
    assert "six" not in requires  # still undeclared upstream, so we declare it
    assert "six" in {norm(r) for r in pyproject()["project"]["dependencies"]}


def test_package_data_and_entry_point():
    proj = pyproject()
    assert proj["project"]["scripts"]["smallcaps"] == "smallcaps.cli:main"
    assert (ROOT / "lib" / "smallcaps" / "data" / "catalog.yml").is_file()
    tool = proj["tool"]["setuptools"]
    data = tool["package-data"]
    assert "*.yml" in data["smallcaps.data"]
    assert "templates/*/*" in data["smallcaps"]  # templates/<name>/<file>: every template file
    assert (ROOT / "lib" / "smallcaps" / "templates" / "smallcaps_report" / "conf.json").is_file()
    # the top-level notebooks/ ship as smallcaps/notebooks, without a copy in the repository
    assert tool["package-dir"] == {"": "lib", "smallcaps.notebooks": "notebooks"}
    assert data["smallcaps.notebooks"] == ["[0-9][0-9]_*.ipynb"]
    assert not (ROOT / "lib" / "smallcaps" / "notebooks").exists()
    assert (ROOT / "README.md").is_file()  # pyproject's readme: install fails without it


def test_every_package_folder_is_listed():
    """packages is an explicit list (it maps smallcaps.notebooks onto notebooks/): a package
    folder under lib/ that is not listed would be missing from the wheel."""
    lib = ROOT / "lib"
    found = {".".join(p.parent.relative_to(lib).parts) for p in lib.rglob("__init__.py")
             if "__pycache__" not in p.parts}
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    assert found - listed == set(), "add to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == {"smallcaps.notebooks"}, "listed in pyproject.toml but not in lib/"


def test_build_requirements_are_dev_requirements():
    """The install test builds the wheel without isolation, with the dev environment."""
    proj = pyproject()
    dev = {norm(r) for r in proj["project"]["optional-dependencies"]["dev"]}
    assert {norm(r) for r in proj["build-system"]["requires"]} <= dev


def test_gitignore_keeps_lib_and_ignores_data():
    lines = (ROOT / ".gitignore").read_text().splitlines()
    assert not any(ln.strip().rstrip("/") in ("lib", "/lib") for ln in lines)
    assert "data/raw/*" in lines and "data/cache/*" in lines


# --- the lock (requirements.lock, installed by `make setup`, regenerated by `make lock`) --------
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(;[^\\]*)?\\?$")


def lock_pins() -> dict[str, tuple[str, int]]:
    """``{name: (version, number of hashes)}`` of every requirement in the lock; every line is a
    ``name==version`` pin, a ``--hash`` of the pin above it or a comment."""
    pins: dict[str, tuple[str, int]] = {}
    last = None
    for n, line in enumerate(LOCK.read_text().splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("--hash=sha256:"):
            assert last is not None, f"line {n}: a hash before any pin"
            version, hashes = pins[last]
            pins[last] = (version, hashes + 1)
            continue
        m = PIN.match(text)
        assert m, f"requirements.lock line {n} is not a name==version pin: {line!r}"
        last = norm(m[1])
        assert last not in pins, f"{last} pinned twice"
        pins[last] = (m[2], 0)
    return pins


def declared() -> dict[str, str]:
    """``{name: requirement}`` of pyproject's runtime and dev dependencies."""
    proj = pyproject()["project"]
    reqs = proj["dependencies"] + proj["optional-dependencies"]["dev"]
    return {norm(r): r for r in reqs}


def test_lock_pins_every_declared_package_within_its_range():
    from packaging.requirements import Requirement

    pins = lock_pins()
    missing = sorted(set(declared()) - set(pins))
    assert missing == [], f"not in requirements.lock (run `make lock`): {missing}"
    for name, req in declared().items():
        spec = Requirement(req.split("#")[0]).specifier
        assert spec.contains(pins[name][0], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name][0]}, outside {req!r}: run `make lock`")


def test_lock_pins_every_package_of_environment_yml():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {CONDA_NAMES.get(norm(d), norm(d)) for d in env["dependencies"]
             if isinstance(d, str)} - {"python", "pip"}
    assert conda - set(lock_pins()) == set()


def test_lock_has_hashes_and_no_urls_or_editables():
    pins = lock_pins()
    assert len(pins) > 50  # the whole environment, not only the direct dependencies
    assert [n for n, (_, hashes) in pins.items() if hashes == 0] == []
    assert "smallcaps" not in pins  # the kit itself is installed from the working tree
    text = LOCK.read_text()
    assert "make lock" in text.splitlines()[1]  # the header names how to regenerate it
    assert not re.search(r"^\s*(-e|--index-url|--extra-index-url|\S+ @ )", text, re.M)


def test_lock_is_closed_under_dependencies():
    """Every dependency (for this platform and Python) of every locked package is locked too,
    read from the installed metadata: with --require-hashes nothing unpinned can come in."""
    from packaging.requirements import Requirement

    pins = lock_pins()
    holes = []
    for name in pins:
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for r in map(Requirement, requires):
            if r.marker is None or r.marker.evaluate({"extra": ""}):
                if norm(r.name) not in pins:
                    holes.append(f"{name} -> {r}")
    assert holes == []


def test_environment_is_the_lock():
    """After `make setup`, every locked package is installed at its locked version."""
    import sys

    if not (Path(sys.prefix) / ".setup-stamp").is_file():
        pytest.skip("not the environment made by `make setup`")
    wrong = {}
    for name, (version, _) in lock_pins().items():
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            have = None
        if have != version:
            wrong[name] = (version, have)
    assert wrong == {}, "installed versions differ from requirements.lock: run `make setup`"


def test_every_extra_is_in_dev_with_the_same_pin():
    """The lock is resolved for the ``dev`` extra: an optional extra (``dask``) is installed
    for the tests only when dev requires it too, with the very same pin."""
    extras = pyproject()["project"]["optional-dependencies"]
    dev = {re.sub(r"\s+", "", r) for r in extras["dev"]}
    assert "dask" in extras
    for name, requirements in extras.items():
        missing = {re.sub(r"\s+", "", r) for r in requirements} - dev
        assert not missing, f"extra {name!r}: add {sorted(missing)} to dev"
