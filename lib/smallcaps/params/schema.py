"""The base of every notebook's parameter schema and the one-line messages of its errors.

:class:`NotebookParams` declares the four standard parameters every report notebook has
(``asof``, ``start``, ``source``, ``data_dir``) and the date order; each notebook's schema
(:mod:`smallcaps.params.nb01` ...) adds its own fields.  :func:`validate` runs a schema on a
mapping of values and turns the first problem into a :class:`~smallcaps.errors.ParameterError`
of one line that names the input, the notebook and what would be valid::

    -p window -3 for 01_yields_vs_small_caps: must be a whole number from 3 to 520
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from smallcaps.errors import ParameterError
from smallcaps.params.fields import (
    ERROR_TYPE,
    CatalogUnavailable,
    Valid,
    choice,
    date_or_blank,
)

__all__ = ["NotebookParams", "STANDARD", "different", "in_order", "show", "validate"]

#: the parameters every report notebook declares (set with --asof, --start, --source, --data-dir)
STANDARD = ("asof", "start", "source", "data_dir")

Date = date_or_blank()
Source = choice("auto", "live", "csv", "sample")


def in_order(model: BaseModel, first: str, second: str, *, strict: bool = True) -> None:
    """Refuse ``first`` not before ``second`` (not after it when ``strict`` is False), when
    both were given and neither is blank."""
    a, b = getattr(model, first), getattr(model, second)
    if not ({first, second} <= model.model_fields_set and a and b):
        return
    if a > b or (strict and a == b):
        relation = "before" if strict else "on or before"
        raise PydanticCustomError(ERROR_TYPE, "{problem}",
                                  {"problem": f"must be {relation} {second}", "field": first,
                                   "other": second, "relation": relation})


def different(model: BaseModel, first: str, second: str) -> None:
    """Refuse ``first`` equal to ``second`` (e.g. the same series as small and large caps)."""
    if ({first, second} <= model.model_fields_set
            and getattr(model, first) == getattr(model, second)):
        raise PydanticCustomError(ERROR_TYPE, "{problem}",
                                  {"problem": f"must differ from {second}", "field": first,
                                   "other": second, "relation": "different from"})


class NotebookParams(BaseModel):
    """Parameters of a report notebook: the standard four, then the notebook's own.

    Every field has the notebook's default, so a schema validates any subset of the parameters
    (a notebook that does not declare a field yet is not refused for it); cross-field rules look
    only at the fields given.
    """

    model_config = ConfigDict(extra="forbid")

    #: the notebook's file name without ``.ipynb``, e.g. ``"01_yields_vs_small_caps"``
    notebook: ClassVar[str] = ""

    asof: Date = ""
    start: Date = ""
    source: Source = "auto"
    data_dir: str = ""

    @model_validator(mode="after")
    def _start_before_asof(self):
        in_order(self, "start", "asof")
        return self


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[\x21-\x7e]+$")


def show(value: Any, python: bool = False) -> str:
    """A value as a message shows it: as typed on the command line (``-3``, ``RUT``, ``''``,
    ``'a b'``, ``[50, 200]``), or with ``python`` as Python writes it (``'26'``, ``True``)."""
    if python:
        text = repr(value)
    elif isinstance(value, str):
        text = value if _PLAIN.match(value) and not re.search(r"['\"\\]", value) else repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError):
            text = repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= 80 else text[:77] + "..."


def _valid_words(model: type[BaseModel], field: str) -> str:
    info = model.model_fields.get(field)
    for meta in (info.metadata if info is not None else []):
        if isinstance(meta, Valid):
            return meta.text
    if info is not None and info.annotation is str:
        return "a string"
    return "a value like its default"


def _message(model: type[NotebookParams], exc: ValidationError, values: Mapping,
             notebook: str, labels: Mapping[str, str], python: bool) -> str:
    errors = exc.errors(include_url=False)

    def field_of(err: dict) -> str:
        if err["loc"]:
            return str(err["loc"][0])
        return str((err.get("ctx") or {}).get("field", "parameters"))

    # a value the user gave comes before a default it may clash with
    err = next((e for e in errors if field_of(e) in labels), errors[0])
    field = field_of(err)
    ctx = err.get("ctx") or {}
    subject = f"{labels.get(field, field)} {show(values.get(field, err.get('input')), python)}"
    if err["type"] == "extra_forbidden":
        known = ", ".join(n for n in model.model_fields if n not in STANDARD)
        return f"{subject}: not a parameter of {notebook}; valid: {known}"
    if err["type"] == ERROR_TYPE and "other" in ctx:
        other = ctx["other"]
        problem = (f"must be {ctx['relation']} {labels.get(other, other)} "
                   f"{show(values.get(other, ''), python)}")
    elif err["type"] == ERROR_TYPE:
        problem = ctx["problem"]
    else:
        problem = f"must be {_valid_words(model, field)}"
    return f"{subject} for {notebook}: {problem}"


def validate(model: type[NotebookParams], values: Mapping[str, Any], *,
             labels: Mapping[str, str] | None = None, trusted: Iterable[str] = (),
             strict: bool = False) -> NotebookParams:
    """Validate ``values`` against a notebook's schema.

    Parameters
    ----------
    model : type of NotebookParams
        The notebook's schema.
    values : mapping
        Parameter values, a subset of the schema's fields: strings from the command line
        (parsed by pydantic's lax mode) or Python values.
    labels : mapping, optional
        How an error names each input (``{"window": "-p window", "asof": "--asof"}``); a field
        without a label is named by itself.
    trusted : iterable of str
        Fields holding the notebook's own defaults: their catalog and month-day checks are
        skipped (they are tested with the notebook).
    strict : bool
        Refuse values of another type instead of parsing them, and show values as Python
        writes them (a notebook's namespace holds Python values: ``window = "26"`` there is a
        mistake, shown as ``window '26'``).

    Returns
    -------
    NotebookParams
        The validated parameters (dates as ``YYYY-MM-DD``, lists as lists).

    Raises
    ------
    ParameterError
        One line: the input as given (``-p window -3``), the notebook and what would be valid.
    SmallcapsError
        The catalog itself could not be read (the error names the catalog file).
    """
    try:
        return model.model_validate(dict(values), strict=strict,
                                    context={"trusted": frozenset(trusted)})
    except CatalogUnavailable as exc:
        raise exc.error from None
    except ValidationError as exc:
        raise ParameterError(_message(model, exc, values, model.notebook or "the notebook",
                                      labels or {}, python=strict)) from None
