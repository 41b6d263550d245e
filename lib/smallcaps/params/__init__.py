"""Declared parameter schemas of the report notebooks (pydantic), one per built-in notebook.

Each notebook's parameters cell has a schema here (:mod:`~.nb01` ... :mod:`~.nb06`) that states
every parameter's type and constraints: ranges (``window`` 3-520 periods), choices (``freq`` in
W-FRI/M/D), catalog keys (``small`` a *price* series of :func:`smallcaps.data.catalog`, the
user's catalog included), month-days, dates and date order.  The same schema checks a run twice:

* the report runner validates ``-p NAME VALUE`` (and the standard options) before it creates any
  folder or starts a kernel (:func:`smallcaps.runner.params.check_parameters`);
* a notebook run by hand in JupyterLab validates its own namespace::

      from smallcaps import params
      params.check("01_yields_vs_small_caps", globals())

A mistake is one line naming the input, the notebook and what would be valid::

    -p window -3 for 01_yields_vs_small_caps: must be a whole number from 3 to 520

A parameter a notebook declares but its schema does not know yet is left to the runner's type
check (the type of its default), so a newly added parameter keeps working.  The shared field
types (:mod:`~.fields`) are re-exported here for new schemas.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from smallcaps.errors import ParameterError
from smallcaps.params import nb01, nb02, nb03, nb04, nb05, nb06
from smallcaps.params.fields import (
    Valid,
    choice,
    date_or_blank,
    flag,
    key_list,
    macd_spans,
    month_day_window,
    number,
    pair_list,
    series_key,
    whole,
    whole_list,
)
from smallcaps.params.schema import STANDARD, NotebookParams, show, validate

__all__ = ["NotebookParams", "ParameterError", "SCHEMAS", "STANDARD", "Valid", "check",
           "choice", "date_or_blank", "flag", "key_list", "macd_spans", "month_day_window",
           "number", "pair_list", "schema_for", "series_key", "show", "validate", "whole",
           "whole_list"]

#: notebook name (file name without ``.ipynb``) -> its parameter schema
SCHEMAS: dict[str, type[NotebookParams]] = {
    m.Params.notebook: m.Params for m in (nb01, nb02, nb03, nb04, nb05, nb06)
}


def _name(notebook: str | os.PathLike) -> str:
    return Path(os.fspath(notebook)).name.removesuffix(".ipynb")


def schema_for(notebook: str | os.PathLike) -> type[NotebookParams] | None:
    """The schema of a notebook, by name (``01_yields_vs_small_caps``), file name or path;
    None for a notebook without one (e.g. a user's own notebook)."""
    return SCHEMAS.get(_name(notebook))


def check(notebook: str | os.PathLike, namespace: Mapping[str, Any]) -> NotebookParams:
    """Validate a notebook's parameters where they live: its namespace (``globals()``).

    Parameters
    ----------
    notebook : str or path-like
        The notebook's name (``"01_yields_vs_small_caps"``) or path.
    namespace : mapping
        The notebook's variables; the schema's fields found there are validated (others, and
        variables the schema does not know, are left alone).

    Returns
    -------
    NotebookParams
        The validated parameters.

    Raises
    ------
    ParameterError
        One line, the same the runner prints for the same value (the input named by its
        parameter name instead of ``-p NAME``), e.g. ``window -3 for 01_yields_vs_small_caps:
        must be a whole number from 3 to 520``; also for a notebook without a schema.
    """
    model = schema_for(notebook)
    if model is None:
        raise ParameterError(f"notebook {_name(notebook)!r} has no parameter schema; known: "
                             + ", ".join(SCHEMAS))
    values = {k: namespace[k] for k in model.model_fields if k in namespace}
    return validate(model, values, strict=True)
