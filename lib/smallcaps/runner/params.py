"""Notebook inspection and parameter checks, before anything runs.

A notebook's parameters are what papermill reads from its cell tagged ``parameters``.  The
``-p NAME VALUE`` values of a run are validated before any folder is created or kernel started:
by the notebook's declared schema (:mod:`smallcaps.params`: ranges, choices, catalog keys,
dates) when it has one, else by the type of each default; a mistake is one line naming the
option, the notebook and what would be valid.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from pathlib import Path

from smallcaps.errors import SmallcapsError
from smallcaps.page import jsonable

__all__ = ["FLAGS", "STANDARD_PARAMETERS", "check_parameters", "coerce_parameter",
           "effective_parameters", "inspect_notebook", "notebook_title"]

STANDARD_PARAMETERS = ("asof", "start", "source", "data_dir")
FLAGS = {"asof": "--asof", "start": "--start", "source": "--source", "data_dir": "--data-dir"}
_MISSING = object()


def notebook_title(doc: dict, fallback: str) -> str:
    """The first heading (``#`` or ``##``) of the notebook's first markdown cell."""
    for cell in doc.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        for line in src.splitlines():
            m = re.match(r"^\s*#{1,2}\s+(.+?)\s*#*\s*$", line)
            if m:
                return m.group(1)
        break
    return fallback


def inspect_notebook(path: Path, cache) -> dict:
    """Name, content hash, title, parameters (papermill's inspection) and number of code cells
    (``code_cells``, 0 when inspected by an older runner) of a notebook.

    ``cache`` has a ``notebooks`` dict (content hash -> inspection) and a ``dirty`` flag: a
    notebook is inspected by papermill only when its content is new.
    """
    raw = path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    hit = cache.notebooks.get(sha)
    if hit is None:
        try:
            doc = json.loads(raw)
        except ValueError:
            raise SmallcapsError(f"{path}: not a notebook (invalid JSON)") from None
        found, unparsed = _papermill_parameters(path, doc)
        params = {k: {"inferred_type_name": v.get("inferred_type_name"),
                      "default": v.get("default"), "help": v.get("help", "")}
                  for k, v in found.items()}
        hit = {"params": params, "title": notebook_title(doc, path.stem), "unparsed": unparsed,
               "code_cells": sum(c.get("cell_type") == "code" for c in doc.get("cells", []))}
        cache.notebooks[sha] = hit
        cache.dirty = True
    return {"path": path, "name": path.stem, "sha": sha, "params": hit["params"],
            "title": hit["title"], "unparsed": hit.get("unparsed", []),
            "code_cells": hit.get("code_cells", 0)}


def _papermill_parameters(path: Path, doc: dict) -> tuple[dict, list[str]]:
    """papermill's parameters of a notebook, and the lines it could not read."""
    found, unparsed = _inspect_logged(str(path))
    if unparsed:
        # papermill skips a line holding two '=' (e.g. "x = 1  # empty = all"); read the
        # cell again with the '=' in comments masked (its injection is not affected)
        import tempfile

        masked = _mask_comment_equals(doc)
        if masked is not None:
            with tempfile.TemporaryDirectory() as tmp:
                tmp_nb = Path(tmp) / path.name
                tmp_nb.write_text(json.dumps(masked), encoding="utf-8")
                found, unparsed = _inspect_logged(str(tmp_nb))
    return found, unparsed


def _inspect_logged(nb_path: str) -> tuple[dict, list[str]]:
    import logging

    import papermill as pm

    lines: list[str] = []

    class Catch(logging.Handler):
        def emit(self, rec):
            msg = rec.getMessage()
            if msg.startswith("Unable to parse line"):
                lines.append(msg.removeprefix("Unable to parse ").rstrip("."))

    log = logging.getLogger("papermill")
    catch, propagate = Catch(logging.WARNING), log.propagate
    log.addHandler(catch)
    log.propagate = False
    try:
        return pm.inspect_notebook(nb_path), lines
    finally:
        log.removeHandler(catch)
        log.propagate = propagate


def _mask_comment_equals(doc: dict) -> dict | None:
    """A copy of a notebook whose parameters cell has no '=' inside comments (None if none)."""
    import copy
    import io
    import tokenize

    doc = copy.deepcopy(doc)
    for cell in doc.get("cells", []):
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = src.splitlines(keepends=True)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(src).readline))
        except (tokenize.TokenError, SyntaxError):
            return None
        for tok in reversed(tokens):
            if tok.type == tokenize.COMMENT and "=" in tok.string:
                row, col = tok.start
                line = lines[row - 1]
                lines[row - 1] = line[:col] + line[col:].replace("=", ":")
        cell["source"] = "".join(lines)
        return doc
    return None


# ---------------------------------------------------------------------------------------------
# Values of notebooks without a schema: the type of the default
# ---------------------------------------------------------------------------------------------


def _base_type(param: dict, default):
    name = str(param.get("inferred_type_name") or "None").split("[", 1)[0].strip().lower()
    mapping = {"str": str, "int": int, "float": float, "bool": bool, "list": list,
               "dict": dict, "tuple": list}
    if name in mapping:
        return mapping[name]
    if default is None:
        return None
    return list if isinstance(default, tuple) else type(default)


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _json_or_literal(text: str):
    try:
        return json.loads(text)
    except ValueError:
        pass
    got = _literal(text)
    return _MISSING if got is None and text != "None" else got


def _type_words(kind) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "a list such as [1, 2] or a,b", dict: "a JSON object"}.get(kind, "a value")


@functools.lru_cache(maxsize=16)
def _adapter(kind, elem):
    """The pydantic type a value of ``kind`` (list elements: ``elem``) is validated with."""
    from typing import Annotated, Any

    from pydantic import BeforeValidator, Field, TypeAdapter

    from smallcaps.params.fields import as_list, not_bool

    def as_dict(value):
        return _json_or_literal(value.strip()) if isinstance(value, str) else value

    number = {int: Annotated[int, BeforeValidator(not_bool)],
              float: Annotated[float, BeforeValidator(not_bool), Field(allow_inf_nan=False)]}
    if kind is list:
        item = number.get(elem, str if elem is str else Any)
        return TypeAdapter(Annotated[list[item], BeforeValidator(as_list)])
    if kind is dict:
        return TypeAdapter(Annotated[dict, BeforeValidator(as_dict)])
    return TypeAdapter(number.get(kind, kind))


def coerce_parameter(name: str, value, param: dict, notebook: str = "the notebook",
                     label: str = "parameter"):
    """Convert a ``-p NAME VALUE`` value to the type of the notebook's default, or refuse it.

    The check of a parameter no schema declares (:mod:`smallcaps.params`): a user's notebook,
    or a parameter newly added to a built-in one.  Strings from the command line are parsed by
    pydantic by the default's type: ``int`` (``20``), ``float`` (``0.05``, ``5``; not ``nan``),
    ``bool`` (``true``/``false``/``yes``/``no``/``1``/``0``), ``list`` (JSON or Python list
    ``[1, 2]``, or comma-separated ``RUT,SPX``; elements take the type of the default's
    elements), ``dict`` (JSON object), ``str`` (as given).  Non-string values (Python API) must
    already fit (strict: an int where a float is expected, a tuple for a list).  Raises
    :class:`SmallcapsError` naming the parameter (after ``label``: ``--sweep`` for a swept
    value), the notebook and the expected type.
    """
    default = _literal(param.get("default", "None"))
    kind = _base_type(param, default)
    if kind is None:  # no annotation and a None default: JSON or a literal if it parses
        if not isinstance(value, str):
            return list(value) if isinstance(value, tuple) else value
        parsed = _json_or_literal(value.strip())
        return value if parsed is _MISSING else parsed
    if kind is str and isinstance(value, str):
        return value
    elem = None
    if kind is list and isinstance(default, (list, tuple)) and default:
        elem = type(default[0]) if type(default[0]) in (int, float, str) else None
    from pydantic import PydanticSchemaGenerationError, ValidationError

    refused = SmallcapsError(
        f"{label} {name}={value!r} does not fit {notebook}: expected {_type_words(kind)} "
        f"(default {param.get('default')})"
    )
    try:
        adapter = _adapter(kind, elem)
    except PydanticSchemaGenerationError:  # a default of a type pydantic has no schema for
        if isinstance(value, kind):
            return value
        raise refused from None
    try:
        return adapter.validate_python(value, strict=not isinstance(value, str))
    except ValidationError:
        raise refused from None


# ---------------------------------------------------------------------------------------------
# The checks of a run
# ---------------------------------------------------------------------------------------------


def check_parameters(specs: list[dict], parameters: dict, standard: dict | None = None,
                     swept: tuple = ()) -> dict:
    """Per notebook name, the ``-p`` overrides validated and converted.

    Refuses (:class:`SmallcapsError`, one line) a notebook without the standard parameters, a
    standard parameter given with ``-p``, a name no selected notebook declares (listing the
    valid ones) and a value that does not fit.  A notebook with a schema
    (:func:`smallcaps.params.schema_for`) is validated by it: ranges, choices, catalog keys,
    dates and their order, over the notebook's defaults, the ``-p`` values and the standard
    options given (``standard``: ``asof``, ``start``, ``source``, ``data_dir`` as the run has
    parsed them, dates as ``YYYY-MM-DD``; None or blank means not given).  A parameter the
    schema does not declare yet, and every parameter of a notebook without a schema, gets the
    type check of its default (:func:`coerce_parameter`).  Nothing is created or started before
    this passes.  Names in ``swept`` came from ``--sweep`` (:mod:`~.sweep`): a mistake names
    them ``--sweep NAME``.
    """
    for spec in specs:
        params = spec["params"]
        missing = [p for p in STANDARD_PARAMETERS if p not in params]
        if missing:
            what = "has no parameters cell" if not params else \
                f"declares no {', '.join(missing)} parameter"
            hint = ""
            if spec["unparsed"]:
                hint = (f" (papermill cannot read {spec['unparsed'][0]}: a parameter line may "
                        "hold only one '=', so keep '=' out of its comment)")
            raise SmallcapsError(
                f"notebook {spec['name']} {what}{hint}; every report notebook starts with a cell "
                "tagged 'parameters' declaring asof, start, source and data_dir"
            )
    for name in parameters:
        flag = "--sweep" if name in swept else "-p"
        if name in FLAGS:
            raise SmallcapsError(f"set {name} with {FLAGS[name]}, not with {flag} {name}")
        if not any(name in s["params"] for s in specs):
            raise _unknown_parameter(name, specs, flag)
    given_flags = {k: v for k, v in (standard or {}).items()
                   if k in STANDARD_PARAMETERS and v not in (None, "")}
    out: dict = {}
    for spec in specs:
        given = {k: v for k, v in parameters.items() if k in spec["params"]}
        out[spec["name"]] = _check_notebook(spec, given, given_flags, swept)
    return out


def _check_notebook(spec: dict, given: dict, flags: dict, swept: tuple = ()) -> dict:
    """The ``-p`` values of one notebook, validated by its schema (or its defaults' types)."""
    if not given and not (flags.keys() - {"source"}):
        return {}  # the notebook's own defaults: nothing to check (and nothing to import)
    from smallcaps import params as schemas

    model = schemas.schema_for(spec["name"])
    declared = [] if model is None else [n for n in spec["params"] if n in model.model_fields]
    out = {n: coerce_parameter(n, v, spec["params"][n], spec["name"],
                               "--sweep" if n in swept else "parameter")
           for n, v in given.items() if n not in declared}
    if model is None:
        return out
    values, labels = {}, {}
    for name in declared:
        default = spec["params"][name].get("default", "None")
        parsed = _literal(default)
        if parsed is not None or default == "None":
            values[name] = parsed
            labels[name] = f"default {name}"
    for name in declared:
        if name in given:
            flag = "--sweep" if name in swept else "-p"
            values[name], labels[name] = given[name], f"{flag} {name}"
        elif name in flags:
            values[name], labels[name] = flags[name], FLAGS[name]
    # the defaults are tested with the notebook; the options were parsed by the run already
    trusted = [n for n in values if not labels[n].startswith(("-p ", "--sweep "))]
    checked = schemas.validate(model, values, labels=labels, trusted=trusted)
    out.update({n: getattr(checked, n) for n in given if n in declared})
    return out


def _unknown_parameter(name: str, specs: list[dict], flag: str = "-p") -> SmallcapsError:
    unreadable = [f"{s['name']} {u}" for s in specs for u in s["unparsed"]
                  if re.search(rf"'\s*{re.escape(name)}\s*[:=]", u)]
    if unreadable:
        return SmallcapsError(
            f"parameter {name!r} cannot be set: papermill cannot read {unreadable[0]} "
            "(a parameter line may hold only one '='; keep '=' out of its comment)")
    valid = sorted({p for s in specs for p in s["params"] if p not in STANDARD_PARAMETERS})
    where = specs[0]["name"] if len(specs) == 1 else "the selected notebooks"
    return SmallcapsError(
        f"unknown parameter {flag} {name} for {where}; valid: "
        + (", ".join(valid) if valid else "(none besides asof, start, source, data_dir)")
    )


def effective_parameters(spec: dict, inject: dict) -> dict:
    """Every parameter of the notebook with the value it runs with (defaults, then injected)."""
    eff = {}
    for name, p in spec["params"].items():
        val = _literal(p.get("default", "None"))
        eff[name] = val if val is not None or p.get("default") == "None" else p.get("default")
    eff.update(inject)
    return jsonable(eff)
