"""The divergence study re-run with other settings: other thresholds
(:meth:`~smallcaps.events.DivergenceStudy.sensitivity`) or other ways of estimating the standard
deviation (:meth:`~smallcaps.events.DivergenceStudy.compare_methods`), one row per variant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from smallcaps.fmt import sigma as fmt_sigma
from smallcaps.results import Result
from smallcaps.stats import bh_qvalues

__all__ = ["DEFAULT_SIGMAS", "Variants"]

#: Thresholds of the default sensitivity table, standard deviations.
DEFAULT_SIGMAS = (2.0, 2.5, 3.0, 3.5)
#: The figure name each kind of variant is recorded under.
_FIGURE = {"sigma": "sensitivity", "std_method": "methods"}


@dataclass
class Variants(Result):
    """The headline numbers of one study under several settings.

    Attributes
    ----------
    table : DataFrame
        Index ``sigma`` (thresholds, standard deviations) or ``std_method``; ``n_events`` (all
        events of that variant) and per horizon ``h``: ``n_<h>d`` (events with a complete
        window), ``episodes_<h>d`` (non-overlapping h-day windows among them),
        ``mean_<h>d_pct`` (event mean, % for the small-cap index, pp for the spread),
        ``diff_<h>d_pp`` (event mean minus baseline, pp), ``p_<h>d`` (bootstrap p-value) and
        ``q_<h>d`` (Benjamini-Hochberg q-value over every variant x horizon cell of the table).
    by : {"sigma", "std_method"}
        What varies.
    horizons : tuple of int
        Forward horizons, trading days.
    which : {"small", "spread"}
        The forward series compared: the small-cap index or the spread.
    alpha : float
        Significance level the reading uses.
    """

    narrative: ClassVar[str] = "events"

    table: pd.DataFrame
    by: str
    horizons: tuple[int, ...]
    which: str = "small"
    alpha: float = 0.05

    @property
    def name(self) -> str:
        """The figure name: ``"sensitivity"`` (thresholds) or ``"methods"``."""
        return _FIGURE[self.by]

    def summary(self) -> pd.DataFrame:
        """The table laid out for reading: one column group per horizon (``n``, ``episodes``,
        ``mean``, ``vs all days (pp)``, ``p``, ``q``), rounded; thresholds shown as ``3σ``."""
        t = self.table
        out = {("", "events"): t["n_events"].astype(int)}
        for h in self.horizons:
            out[(f"{h} days", "n")] = t[f"n_{h}d"].astype(int)
            out[(f"{h} days", "episodes")] = t[f"episodes_{h}d"].astype(int)
            out[(f"{h} days", "mean")] = t[f"mean_{h}d_pct"].round(2)
            out[(f"{h} days", "vs all days (pp)")] = t[f"diff_{h}d_pp"].round(2)
            out[(f"{h} days", "p")] = t[f"p_{h}d"].round(3)
            out[(f"{h} days", "q")] = t[f"q_{h}d"].round(3)
        res = pd.DataFrame(out, index=t.index)
        if self.by == "sigma":
            res.index = pd.Index([fmt_sigma(s) for s in t.index], name="threshold")
        return res

    def to_frame(self) -> pd.DataFrame:
        """:attr:`table` (one row per variant)."""
        return self.table.copy()

    def figures(self) -> dict:
        """``{"sensitivity": {"3.0": {column: value}, ...}}`` (keyed by threshold) or
        ``{"methods": {"expanding": {...}, ...}}``: one dict of :attr:`table` columns per
        variant."""
        return {self.name: {str(k): row for k, row in self.table.to_dict("index").items()}}


def _headline(study, which: str) -> dict:
    """One row of a :class:`Variants` table from a study (``which``: "small" or "spread")."""
    t = study.table.loc[which]
    row = {"n_events": len(study.events)}
    for h in t.index:
        row[f"n_{h}d"] = int(t.loc[h, "n_events"])
        row[f"episodes_{h}d"] = int(t.loc[h, "episodes"])
        row[f"mean_{h}d_pct"] = t.loc[h, "mean_pct"]
        row[f"diff_{h}d_pp"] = t.loc[h, "diff_pp"]
        row[f"p_{h}d"] = t.loc[h, "p_value"]
    return row


def _compare(rows: Mapping, by: str, horizons: Sequence[int], which: str,
            alpha: float) -> Variants:
    """A :class:`Variants` from ``{variant: headline row}``, with Benjamini-Hochberg q-values
    over all its variant x horizon cells (they are tested together)."""
    table = pd.DataFrame.from_dict(dict(rows), orient="index")
    table.index.name = by
    p_cols = [f"p_{h}d" for h in horizons]
    if table.empty or not set(p_cols) <= set(table.columns):
        return Variants(table=table, by=by, horizons=tuple(horizons), which=which, alpha=alpha)
    q = bh_qvalues(table[p_cols].to_numpy(dtype=float).ravel()).reshape(len(table), -1)
    for j, h in enumerate(horizons):
        table.insert(table.columns.get_loc(f"p_{h}d") + 1, f"q_{h}d", q[:, j])
    return Variants(table=table, by=by, horizons=tuple(horizons), which=which, alpha=alpha)
