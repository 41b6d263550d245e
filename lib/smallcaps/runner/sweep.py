"""Parameter sweeps: ``--sweep NAME=V1,V2,...`` renders one page per combination of values.

Several ``--sweep`` options make the cartesian product (``--sweep window=26,52 --sweep
min_obs=20,40``: four pages).  A swept name goes to the selected notebooks that declare it
(as ``-p`` does); a notebook that declares none of the swept names gets its one page.  Every
value is parsed and validated exactly like ``-p`` (:func:`~.params.check_parameters`: the
notebook's schema, else the type of its default), once per combination, before any kernel
starts; a mistake is one line naming ``--sweep NAME``.

A page of a combination is named after its notebook and the swept values, in the order the
sweeps were given::

    01_yields_vs_small_caps--window=26--min_obs=20.html   (.ipynb, .json)

Values are spelled filename-safe (:func:`value_text`: ``RUT/SPX`` -> ``RUT-SPX``, a list
``[RUT, IWM]`` -> ``RUT+IWM``, other characters -> ``_``, long values shortened with a digest);
two combinations that would get one name are refused.  ``--`` never occurs in a notebook's
topic, so :func:`source_notebook` finds the notebook of any page.

Values are separated by commas outside brackets and quotes: a list value is written in
brackets, ``--sweep keys=[RUT,SPX],[RUT,IWM]``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping

from smallcaps.errors import SmallcapsError
from smallcaps.runner import params

__all__ = ["MAX_VALUE_CHARS", "SEPARATOR", "combinations", "normalize", "page_name", "parse_option",
           "plan_pages", "source_notebook", "sweep_words", "value_text"]

#: Between the notebook's name and each ``NAME=value`` of a page name
SEPARATOR = "--"
#: A value longer than this (spelled) is shortened to its start and a digest
MAX_VALUE_CHARS = 40
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")
_OPEN, _CLOSE = "[({", "])}"


def _split_values(text: str) -> list[str]:
    """``26,52`` -> ``["26", "52"]``; commas inside brackets or quotes do not split."""
    out, depth, quote, cur = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return out


def _bracketed(value: str) -> str:
    """``[RUT,SPX]`` (not JSON) -> ``RUT,SPX``, which a list parameter reads as a list (once:
    a value with brackets inside is left as it is)."""
    if value.startswith("[") and value.endswith("]") and not set("[]") & set(value[1:-1]):
        try:
            json.loads(value)
        except ValueError:
            return value[1:-1]
    return value


def parse_option(items: list[str] | None) -> dict[str, list[str]]:
    """The ``--sweep NAME=V1,V2`` options of a command, as ``{NAME: [V1, V2]}`` in order.

    Raises :class:`SmallcapsError` (one line) for an option without ``NAME=``, a name that is
    not an identifier, an empty value (list), a value given twice, or a name given twice.
    """
    out: dict[str, list[str]] = {}
    for item in items or []:
        name, eq, rest = str(item).partition("=")
        name = name.strip()
        if not eq or not name:
            raise SmallcapsError(f"--sweep {item}: expected NAME=V1,V2,... (e.g. --sweep "
                                 "window=26,52)")
        if not _NAME.match(name):
            raise SmallcapsError(f"--sweep {item}: {name!r} is not a parameter name")
        if name in out:
            raise SmallcapsError(f"--sweep {name} is given twice; give all its values in one "
                                 f"--sweep {name}=V1,V2,...")
        if not rest.strip():
            raise SmallcapsError(f"--sweep {name}= has no values; give NAME=V1,V2,...")
        values = _split_values(rest)
        if any(v == "" for v in values):
            raise SmallcapsError(f"--sweep {name}={rest}: an empty value between commas")
        out[name] = [_bracketed(v) for v in values]
    return out


def normalize(sweep: Mapping | None) -> dict[str, list]:
    """A sweep of the Python API (``{"window": [26, 52]}``; a string value is split as on the
    command line) checked for empty and repeated values."""
    out: dict[str, list] = {}
    for name, values in dict(sweep or {}).items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise SmallcapsError(f"--sweep {name!r}: not a parameter name")
        if isinstance(values, str):
            values = parse_option([f"{name}={values}"])[name]
        elif isinstance(values, (list, tuple)):
            values = [_bracketed(v.strip()) if isinstance(v, str) else v for v in values]
        else:
            raise SmallcapsError(f"--sweep {name}: expected a list of values, got "
                                 f"{type(values).__name__}")
        if not values:
            raise SmallcapsError(f"--sweep {name} has no values; give NAME=V1,V2,...")
        for i, v in enumerate(values):
            if any(_same(v, w) for w in values[:i]):
                raise SmallcapsError(f"--sweep {name}: the value {v!r} is given twice")
        out[name] = values
    return out


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def combinations(sweep: Mapping[str, list]) -> list[dict]:
    """The cartesian product of a sweep, the last name varying fastest; ``[{}]`` without one."""
    names = list(sweep)
    return [dict(zip(names, values, strict=True))
            for values in itertools.product(*(sweep[n] for n in names))]


def value_text(value) -> str:
    """A swept value spelled for a file name: letters, digits, ``. _ + -`` only.

    ``26`` -> ``26``, ``0.05`` -> ``0.05``, ``25.0`` -> ``25``, ``True`` -> ``true``,
    ``"RUT/SPX"`` -> ``RUT-SPX``, ``["RUT", "IWM"]`` -> ``RUT+IWM``, ``"^RUT"`` -> ``_RUT``;
    beyond :data:`MAX_VALUE_CHARS` characters, the start and ``~`` with a digest of the value.
    """
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "none"
    elif isinstance(value, float):
        text = repr(value).removesuffix(".0")
    elif isinstance(value, (list, tuple)):
        text = "+".join(value_text(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    else:
        text = str(value)
    text = _UNSAFE.sub("_", text.replace("/", "-"))
    text = re.sub(r"-{2,}", "-", text)  # "--" separates a page name's parts
    if len(text) > MAX_VALUE_CHARS:
        digest = hashlib.sha1(json.dumps(value, sort_keys=True, default=str).encode())
        text = f"{text[:MAX_VALUE_CHARS - 8]}~{digest.hexdigest()[:7]}"
    return text


def page_name(notebook: str, values: Mapping) -> str:
    """The page of one combination: ``01_x--window=26--min_obs=20``; ``01_x`` unswept."""
    return "".join([notebook, *(f"{SEPARATOR}{k}={value_text(v)}" for k, v in values.items())])


def source_notebook(page: str) -> str:
    """The notebook a page was rendered from: ``01_x--window=26`` -> ``01_x``."""
    return str(page).split(SEPARATOR, 1)[0]


def _coerced(pages: dict, spec: dict, name: str) -> dict:
    """The swept values of the page ``name`` already planned for ``spec``."""
    return next(v for v, _ in pages[spec["name"]] if page_name(spec["name"], v) == name)


def sweep_words(values: Mapping) -> str:
    """``window = 26, min_obs = 20`` (the status lines and the indexes)."""
    return ", ".join(f"{k} = {_shown(v)}" for k, v in values.items())


def _shown(value) -> str:
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value)


def plan_pages(specs: list[dict], parameters: dict, sweep: Mapping | None,
               standard: dict) -> dict[str, list[tuple[dict, dict]]]:
    """Per notebook, its pages: ``(swept values, -p and swept overrides)`` in plan order.

    Each combination is checked by :func:`~.params.check_parameters` with the ``-p`` values
    (its swept names labelled ``--sweep NAME``).  Refuses (one line, before anything runs) a
    sweep of a standard parameter (``asof``: use ``--asof A..B``), a name given both with
    ``-p`` and ``--sweep``, a name no selected notebook declares, an empty or repeated value,
    a value the notebook refuses, and two combinations that would get one page name.
    """
    sweep = normalize(sweep)
    for name in sweep:
        if name in params.FLAGS:
            extra = " (a range of dates: --asof START..END --every W-FRI)" if name == "asof" \
                else ""
            raise SmallcapsError(f"set {name} with {params.FLAGS[name]}{extra}, not with "
                                 f"--sweep {name}")
        if name in parameters:
            raise SmallcapsError(f"{name} is given both with -p and with --sweep; give it once")
    pages: dict[str, list[tuple[dict, dict]]] = {s["name"]: [] for s in specs}
    seen: dict[str, dict[str, dict]] = {s["name"]: {} for s in specs}
    for combo in combinations(sweep):
        overrides = params.check_parameters(specs, {**parameters, **combo}, standard=standard,
                                            swept=tuple(sweep))
        for spec in specs:
            mine = overrides[spec["name"]]
            values = {n: mine[n] for n in sweep if n in mine}
            if values and SEPARATOR in spec["name"]:
                raise SmallcapsError(f"notebook {spec['name']} cannot be swept: its name holds "
                                     f"{SEPARATOR!r}, which separates a page's swept values")
            name = page_name(spec["name"], values)
            given = {n: combo[n] for n in values}
            before = seen[spec["name"]].get(name)
            if before is None:
                seen[spec["name"]][name] = given
                pages[spec["name"]].append((values, mine))
            elif before != given:
                same = "are the same value" if _coerced(pages, spec, name) == values \
                    else f"would both be the page {name}"
                raise SmallcapsError(
                    f"--sweep: {sweep_words(before)} and {sweep_words(given)} {same} for "
                    f"{spec['name']}; give values that differ (in letters, digits, '.', '+' "
                    "or '-')")
    return pages
