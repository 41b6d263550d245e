"""The one protocol every analysis result follows (statsmodels style).

Every result class of the kit derives from :class:`Result` and offers:

``summary()``
    The display table(s) with units in the labels (a DataFrame).
``to_frame()``
    The result's main data, tidy, one row per observation or item (a DataFrame).
``figures()``
    The key figures as a JSON-able dict: what a notebook records for its report (plain
    numbers in the units their names say: ``_pct`` percent, ``_pp`` percentage points, ``_bp``
    basis points, ``_days`` trading days).
``reading(section=None)``
    Generated prose (Markdown) about the result.  The prose lives in a narrative module
    (``smallcaps.narrative.<topic>``) that reads the result; the compute class only names it
    in :attr:`Result.narrative`.  ``section`` picks one part (the module's ``SECTIONS``);
    None gives the whole reading.

Fitted statsmodels objects stay reachable on the results that use them (``.fit``,
``conf_int()``), never flattened away.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

__all__ = ["Result", "narrative_module"]


def narrative_module(name: str):
    """The narrative module ``smallcaps.narrative.<name>``."""
    return importlib.import_module(f"smallcaps.narrative.{name}")


class Result:
    """Base class of every analysis result (see the module docstring).

    Subclasses set :attr:`narrative` to the name of their narrative module and implement
    :meth:`summary`, :meth:`to_frame` and :meth:`figures`.
    """

    #: name of the narrative module under ``smallcaps.narrative`` that writes the prose
    narrative: ClassVar[str] = ""

    def summary(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.summary")

    def to_frame(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.to_frame")

    def figures(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__}.figures")

    def reading(self, section: str | None = None) -> str:
        """Generated Markdown prose; ``section`` picks one part of it (see the narrative
        module's ``SECTIONS``)."""
        if not self.narrative:
            raise NotImplementedError(f"{type(self).__name__} names no narrative module")
        return narrative_module(self.narrative).read(self, section)
