"""Every notebook follows the house anatomy, and this test enforces each rule it states:

* a title cell (``# ...``) with the question, then a ``parameters`` cell papermill can read:
  flat, typed, commented literals with the four standard parameters first;
* the pinned ``smallcaps`` kernel, no committed outputs;
* one imports cell, importing only what the notebook uses and ending with
  ``charts.use_style()``; no import anywhere else;
* no logic in notebooks: no loops, conditions, comprehensions, lambdas, function or class
  definitions, no ``display(...)`` or ``print(...)``;
* one intent sentence (a markdown cell) before each code cell after the imports, except a
  generated reading (``page.say``) right after the cell it reads;
* every code cell after the imports ends the same way: ``plt.show()`` or a ``page.*`` call.
"""

from __future__ import annotations

import ast
import re

import nbformat
import papermill as pm
import pytest
from conftest import NOTEBOOKS

PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
STANDARD = ["asof", "start", "source", "data_dir"]
LOGIC = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.IfExp, ast.ListComp, ast.SetComp,
         ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef,
         ast.ClassDef, ast.Try, ast.With)
PAGE_ENDINGS = {"say", "table", "sources", "record", "record_figures", "gallery", "brief"}


def test_there_are_notebooks():
    assert len(PATHS) >= 6, [p.name for p in PATHS]
    assert all(re.match(r"^\d{2}_[a-z0-9_]+\.ipynb$", p.name) for p in PATHS)


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def code_cells(nb):
    """(index, cell) of the code cells after the parameters cell."""
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and i > 1]


def test_title_then_parameters_cell(notebook):
    path, nb = notebook
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "**Question.**" in nb.cells[0].source, f"{path.name}: the title cell states no question"
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


def test_one_imports_cell_importing_only_what_is_used(notebook):
    path, nb = notebook
    (first, cell), *rest = code_cells(nb)
    tree = ast.parse(cell.source)
    assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body[:-1])
    assert ast.unparse(tree.body[-1]) == "charts.use_style()", path.name
    imported = {(a.asname or a.name).split(".")[0] for n in tree.body
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    used = set()
    for _, c in rest:
        t = ast.parse(c.source)
        assert not any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(t)), (
            f"{path.name}: import outside the imports cell:\n{c.source}")
        used |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    unused = imported - used - {"charts"}
    assert not unused, f"{path.name} imports {sorted(unused)} and never uses them"


def test_no_logic_in_notebooks(notebook):
    path, nb = notebook
    for _, cell in code_cells(nb):
        assert not re.search(r"\bif\s+TEST\b", cell.source)
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, LOGIC), (
                f"{path.name}: {type(node).__name__} in a notebook cell:\n{cell.source}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("display", "print"), (
                    f"{path.name}: {node.func.id}() in a notebook; use page.*:\n{cell.source}")


def test_every_code_cell_has_an_intent_sentence_and_ends_the_same_way(notebook):
    path, nb = notebook
    for i, cell in code_cells(nb)[1:]:
        before = nb.cells[i - 1]
        if before.cell_type == "markdown":
            assert before.source.strip(), f"{path.name}: empty markdown before cell {i}"
        else:  # a code cell may follow another only to read out what it computed
            assert "page.say(" in cell.source, (
                f"{path.name}: cell {i} follows a code cell without a markdown intent sentence "
                f"and is not a generated reading:\n{cell.source}")
        last = ast.parse(cell.source).body[-1]
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call), (
            f"{path.name}: cell {i} does not end with a call:\n{cell.source}")
        call = ast.unparse(last.value.func)
        ok = call == "plt.show" or (call.startswith("page.")
                                    and call.split(".")[1] in PAGE_ENDINGS)
        assert ok, f"{path.name}: cell {i} ends with {call}(), not plt.show() or page.*"
    markdown = [c for c in nb.cells[2:] if c.cell_type == "markdown"]
    assert len(markdown) >= 3, f"{path.name}: sections need their intent sentences"
