"""Every notebook follows the house anatomy: title cell, a parameters cell papermill can read
with the four standard parameters first, the pinned kernel, no committed outputs, and no
computation that bypasses the library."""

from __future__ import annotations

import ast
import re

import nbformat
import papermill as pm
import pytest
from conftest import NOTEBOOKS

PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
STANDARD = ["asof", "start", "source", "data_dir"]


def test_there_are_notebooks():
    assert len(PATHS) >= 6, [p.name for p in PATHS]


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_title_then_parameters_cell(notebook):
    path, nb = notebook
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = nb.cells[1]
    assert params.cell_type == "code" and "parameters" in params.metadata.get("tags", [])
    assert nb.metadata["kernelspec"]["name"] == "smallcaps"


def test_parameters_are_flat_literals_papermill_can_read(notebook, recwarn):
    path, nb = notebook
    source = nb.cells[1].source
    lines = [ln for ln in source.splitlines() if ln.strip()]
    inspected = pm.inspect_notebook(str(path))
    assert len(inspected) == len(lines), f"papermill read {list(inspected)} from {lines}"
    assert list(inspected)[:4] == STANDARD
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign), ast.dump(node)
        ast.literal_eval(node.value)  # a literal, no derived values
    assert all("#" in ln for ln in lines), "every parameter carries a comment"


def test_committed_without_outputs(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), path.name
            assert cell.get("execution_count") is None, path.name


def test_code_cells_call_the_library(notebook):
    """No analysis logic in notebooks: no loops, function or class definitions."""
    path, nb = notebook
    for cell in nb.cells[2:]:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.While)), (
                f"{path.name}: definition or loop in a notebook cell:\n{cell.source}")
        assert not re.search(r"\bif\s+TEST\b", cell.source)
