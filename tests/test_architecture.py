"""The library's structure, as the architecture issue states it: modules of at most about 800
lines and classes of at most about 300, ``__all__`` in every public module, no import cycle,
every analysis result on the one protocol with a narrative module, and one as-of rule."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import smallcaps
from smallcaps.results import Result

LIB = Path(smallcaps.__file__).resolve().parent
FILES = sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)
MAX_MODULE_LINES = 800
MAX_CLASS_LINES = 300


def module_name(path: Path) -> str:
    parts = path.relative_to(LIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in FILES}


def test_the_checks_see_the_library():
    assert {"smallcaps.data.load", "smallcaps.dates", "smallcaps.calendar", "smallcaps.page",
            "smallcaps.results"} <= set(MODULES)


@pytest.mark.parametrize("path", FILES, ids=[module_name(p) for p in FILES])
def test_module_and_class_sizes(path):
    lines = path.read_text().count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module_name(path)} has {lines} lines"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef):
            size = node.end_lineno - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"class {node.name} has {size} lines"


PUBLIC = [m for m in MODULES if not any(part.startswith("_") for part in m.split("."))
          and m != "smallcaps"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_modules_declare_all(name):
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"


def imports_of(path: Path, name: str) -> set[str]:
    """smallcaps modules imported by a module (function-level imports included; imports under
    ``if TYPE_CHECKING:`` excluded, they never run)."""
    tree = ast.parse(path.read_text())
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("smallcaps"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("smallcaps"):
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in MODULES else base)
    out.discard(name)
    return {m for m in out if m in MODULES}


def test_no_import_cycle():
    graph = {name: imports_of(path, name) for name, path in MODULES.items()}
    # a package's __init__ re-exporting its submodules is not a cycle with them
    for name, deps in graph.items():
        graph[name] = {d for d in deps if not (d.startswith(name + ".") and
                                               MODULES[name].name == "__init__.py")}
        graph[name] = {d for d in graph[name]
                       if not (name.startswith(d + ".") and MODULES[d].name == "__init__.py")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def all_result_classes() -> list[type]:
    for info in pkgutil.walk_packages(smallcaps.__path__, "smallcaps."):
        importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({c for c in subclasses(Result) if c.__module__.startswith("smallcaps.")},
                  key=lambda c: c.__qualname__)


def test_every_result_follows_the_protocol():
    classes = all_result_classes()
    assert len(classes) >= 6, [c.__name__ for c in classes]  # at least one per notebook topic
    for cls in classes:
        for method in ("summary", "to_frame", "figures"):
            assert getattr(cls, method) is not getattr(Result, method), (
                f"{cls.__qualname__} does not implement {method}()")
        assert cls.narrative, f"{cls.__qualname__} names no narrative module"
        mod = importlib.import_module(f"smallcaps.narrative.{cls.narrative}")
        assert callable(mod.read) and isinstance(mod.SECTIONS, tuple) and mod.SECTIONS
        assert list(inspect.signature(mod.read).parameters)[:2] == ["result", "section"]


def test_narrative_modules_never_import_compute_modules():
    narrative = [m for m in MODULES if m.startswith("smallcaps.narrative.")]
    allowed = {"smallcaps.fmt", "smallcaps.stats", "smallcaps.errors", "smallcaps.dates",
               "smallcaps.calendar", "smallcaps.narrative", "smallcaps.page"}
    for name in narrative:
        deps = imports_of(MODULES[name], name)
        assert deps <= allowed | set(narrative), f"{name} imports {sorted(deps - allowed)}"


ONE_RULE = ("resolve_asof", "load_asof", "load_inputs", "latest_date")


def test_one_as_of_rule():
    """Only the data layer resolves an as-of date; no module parses dates on its own."""
    for name, path in MODULES.items():
        if name.startswith("smallcaps.data"):
            continue
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & set(ONE_RULE), f"{name} defines {sorted(defined & set(ONE_RULE))}"
        assert not defined & {"_date", "_parse_date", "_check_date"}, f"{name}: own date parser"
