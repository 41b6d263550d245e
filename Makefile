# smallcaps: two commands on a fresh machine: `make reports` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
KERNEL := smallcaps
# The lock: every runtime and dev package pinned with its hashes, resolved for Linux x86_64 and
# CPython 3.11 (tests/test_packaging.py checks it covers pyproject.toml and environment.yml).
LOCK := requirements.lock
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-unknown-linux-gnu
LOCK_FLAGS ?=
# uv installs the lock (pip would take several times as long); pinned here, as it is not in it.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
# `make lab` as root (usual in containers) needs --allow-root; `make -n lab LAB_UID=0` shows it.
LAB_UID ?= $(shell id -u)

.PHONY: setup lock test lint reports lab clean-reports bench

## setup: create .venv and install exactly the lock (again only when it or pyproject.toml changed)
setup: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: uv, unlike pip, leaves the .pyc files to the first import, and where
# PYTHONDONTWRITEBYTECODE is set (it is on these machines) they are never
# written, so every process (the command, each kernel, each Dask worker) compiled pandas,
# matplotlib, statsmodels and the rest again: 11 to 15 s of imports against 4 to 6 s.
$(STAMP): pyproject.toml $(LOCK) | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) --require-hashes -r $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	$(UV) pip check --quiet --python $(PY)
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (smallcaps)" >/dev/null
	touch $(STAMP)

## lock: re-resolve requirements.lock from pyproject.toml (keeps current pins where they still
## fit; `make lock LOCK_FLAGS=--upgrade` takes the newest versions), then `make setup`
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --python-version $(LOCK_PYTHON) \
	  --python-platform $(LOCK_PLATFORM) --generate-hashes --custom-compile-command 'make lock' \
	  --quiet $(LOCK_FLAGS) -o $(LOCK)

## test: lint and run the test suite
# The suite starts about a hundred Python processes (kernels, commands, workers): it lets them
# keep the compiled library and pytest its rewritten test modules (__pycache__, git-ignored)
# even where PYTHONDONTWRITEBYTECODE is set.
test: setup
	$(VENV)/bin/ruff check lib tests benchmarks
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n auto --dist loadfile \
	  --no-loadscope-reorder --durations=15

lint: setup
	$(VENV)/bin/ruff check lib tests benchmarks

## reports: render every notebook to reports/<asof>/ (offline: synthetic sample, clearly labelled)
reports: setup
	$(VENV)/bin/smallcaps report

## lab: open JupyterLab on the notebooks
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks$(if $(filter 0,$(LAB_UID)), --allow-root)

## bench: run the benchmarks, each printing its times and ratios measured in one run (about
## half an hour on 2 cores; the Dask sweep needs `distributed`, which `make setup` installs)
bench: setup
	$(PY) benchmarks/bench_reports.py
	$(PY) benchmarks/bench_warm.py
	$(PY) benchmarks/bench_backfill.py
	$(PY) benchmarks/bench_sweep_dask.py
	$(PY) benchmarks/bench_bootstrap.py

clean-reports:
	rm -rf reports/*/ reports/index.html
