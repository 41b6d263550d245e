"""Notebook inspection and parameter checks, before anything runs.

A notebook's parameters are what papermill reads from its cell tagged ``parameters``; the
``-p NAME VALUE`` values of a run are converted to the type of each default or refused with one
line naming the parameter, the notebook and the expected type.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
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
    """Name, content hash, title and parameters of a notebook (papermill's inspection).

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
        hit = {"params": params, "title": notebook_title(doc, path.stem), "unparsed": unparsed}
        cache.notebooks[sha] = hit
        cache.dirty = True
    return {"path": path, "name": path.stem, "sha": sha, "params": hit["params"],
            "title": hit["title"], "unparsed": hit.get("unparsed", [])}


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
# Values
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


def coerce_parameter(name: str, value, param: dict, notebook: str = "the notebook"):
    """Convert a ``-p NAME VALUE`` value to the type of the notebook's default, or refuse it.

    Strings from the command line are parsed by the default's type: ``int`` (``20``), ``float``
    (``0.05``, ``5``), ``bool`` (``true``/``false``/``1``/``0``), ``list`` (JSON or Python list
    ``[1, 2]``, or comma-separated ``RUT,SPX``; elements take the type of the default's
    elements), ``dict`` (JSON object), ``str`` (as given).  Non-string values (Python API) must
    already fit.  Raises :class:`SmallcapsError` naming the parameter, the notebook and the
    expected type.
    """
    default = _literal(param.get("default", "None"))
    kind = _base_type(param, default)

    def refuse():
        return SmallcapsError(
            f"parameter {name}={value!r} does not fit {notebook}: expected {_type_words(kind)} "
            f"(default {param.get('default')})"
        )

    if not isinstance(value, str):
        return _coerce_python(value, kind, refuse)
    text = value.strip()
    if kind is str:
        return value
    if kind is None:
        parsed = _json_or_literal(text)
        return value if parsed is _MISSING else parsed
    if kind is bool:
        low = text.lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise refuse()
    if kind in (int, float):
        try:
            out = kind(text)
        except ValueError:
            raise refuse() from None
        if kind is float and not math.isfinite(out):
            raise refuse()
        return out
    if kind is dict:
        parsed = _json_or_literal(text)
        if not isinstance(parsed, dict):
            raise refuse()
        return parsed
    if kind is list:
        return _coerce_list(text, default, refuse)
    raise refuse()  # pragma: no cover - every kind handled above


def _coerce_python(value, kind, refuse):
    is_bool = isinstance(value, bool)
    if kind is None or (isinstance(value, kind) and not (kind is int and is_bool)):
        return list(value) if isinstance(value, tuple) else value
    if kind is float and isinstance(value, int) and not is_bool:
        return float(value)
    if kind is list and isinstance(value, tuple):
        return list(value)
    raise refuse()


def _coerce_list(text: str, default, refuse) -> list:
    if text.startswith(("[", "(")):
        parsed = _json_or_literal(text)
        if not isinstance(parsed, (list, tuple)):
            raise refuse()
        items = list(parsed)
    else:
        items = [t.strip() for t in text.split(",")] if text else []
    elem = type(default[0]) if isinstance(default, (list, tuple)) and default else None
    out = []
    for item in items:
        if elem in (int, float) and not isinstance(item, bool):
            try:
                item = elem(item) if not (elem is int and isinstance(item, float)) else None
            except (TypeError, ValueError):
                item = None
            if item is None:
                raise refuse()
        elif elem is str and not isinstance(item, str):
            raise refuse()
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------
# The checks of a run
# ---------------------------------------------------------------------------------------------


def check_parameters(specs: list[dict], parameters: dict) -> dict:
    """Per notebook name, the ``-p`` overrides converted to the defaults' types.

    Refuses (:class:`SmallcapsError`) a notebook without the standard parameters, a standard
    parameter given with ``-p``, a name no selected notebook declares (listing the valid ones)
    and a value that does not fit its default.
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
    out: dict = {spec["name"]: {} for spec in specs}
    for name, value in parameters.items():
        if name in FLAGS:
            raise SmallcapsError(f"set {name} with {FLAGS[name]}, not with -p {name}")
        holders = [s for s in specs if name in s["params"]]
        if not holders:
            raise _unknown_parameter(name, specs)
        for spec in holders:
            out[spec["name"]][name] = coerce_parameter(name, value, spec["params"][name],
                                                       spec["name"])
    return out


def _unknown_parameter(name: str, specs: list[dict]) -> SmallcapsError:
    unreadable = [f"{s['name']} {u}" for s in specs for u in s["unparsed"]
                  if re.search(rf"'\s*{re.escape(name)}\s*[:=]", u)]
    if unreadable:
        return SmallcapsError(
            f"parameter {name!r} cannot be set: papermill cannot read {unreadable[0]} "
            "(a parameter line may hold only one '='; keep '=' out of its comment)")
    valid = sorted({p for s in specs for p in s["params"] if p not in STANDARD_PARAMETERS})
    where = specs[0]["name"] if len(specs) == 1 else "the selected notebooks"
    return SmallcapsError(
        f"unknown parameter {name!r} for {where}; valid: "
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
