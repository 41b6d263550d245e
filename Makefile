# smallcaps: two commands on a fresh machine: `make reports` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
KERNEL := smallcaps

.PHONY: setup test lint reports lab clean-reports bench

## setup: create .venv and install the kit (re-installs only when pyproject.toml changed)
setup: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (smallcaps)" >/dev/null
	touch $(STAMP)

## test: lint and run the test suite
test: setup
	$(VENV)/bin/ruff check lib tests benchmarks
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check lib tests benchmarks

## reports: render every notebook to reports/<asof>/ (offline: synthetic sample, clearly labelled)
reports: setup
	$(VENV)/bin/smallcaps report

## lab: open JupyterLab on the notebooks
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: setup
	$(PY) benchmarks/bench_reports.py

clean-reports:
	rm -rf reports/*/ reports/index.html
