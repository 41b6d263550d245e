"""Which notebooks a run renders: the folder they come from and the names on the command line.

The folder is, in this order: the one named by ``--notebooks DIR``; the project's
``notebooks/`` when it holds ``NN_*.ipynb`` files (:func:`smallcaps.project.notebooks_dir`);
the copies shipped inside the package (:func:`smallcaps.project.packaged_notebooks_dir`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from smallcaps import project
from smallcaps.errors import SmallcapsError

__all__ = ["NotebookFolder", "available_notebooks", "notebook_folder", "resolve_notebooks"]

_NOTEBOOK_RE = re.compile(r"^(\d{2})_(\w+)$")


@dataclass(frozen=True)
class NotebookFolder:
    """Where a run's notebooks come from.

    Attributes
    ----------
    path : Path or None
        The folder (None when there is none: no project notebooks and no packaged copies).
    packaged : bool
        True for the copies shipped with the package (the kernels then run in the project
        folder, never in the install folder).
    """

    path: Path | None
    packaged: bool = False

    def describe(self) -> str:
        """The folder as an error message names it."""
        if self.path is None:
            return f"{project.project_dir() / 'notebooks'} (and the package ships no notebooks)"
        return str(self.path) + (" (the notebooks shipped with smallcaps)" if self.packaged else "")


def notebook_folder(folder: str | Path | None = None) -> NotebookFolder:
    """The notebooks folder of a run: ``folder`` (``--notebooks``), else the project's, else the
    packaged copies.  A ``folder`` that does not exist is a :class:`SmallcapsError`."""
    if folder:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise SmallcapsError(f"--notebooks {folder}: no such folder")
        return NotebookFolder(path.resolve())
    own = project.notebooks_dir()
    if own is not None:
        return NotebookFolder(own)
    shipped = project.packaged_notebooks_dir()
    return NotebookFolder(shipped, packaged=shipped is not None)


def available_notebooks(folder: str | Path | None) -> list[Path]:
    """The report notebooks ``NN_*.ipynb`` of ``folder``, sorted by number."""
    if folder is None:
        return []
    return sorted(p for p in Path(folder).glob(project.NOTEBOOK_PATTERN)
                  if _NOTEBOOK_RE.match(p.stem))


def resolve_notebooks(names=None, folder: NotebookFolder | str | Path | None = None) -> list[Path]:
    """Notebook files for names given with or without number and extension, or paths.

    ``seasonality``, ``03_seasonality``, ``03_seasonality.ipynb``, ``03`` and
    ``notebooks/03_seasonality.ipynb`` all name the same notebook; an existing ``.ipynb`` path
    anywhere is taken as is.  No names: every ``NN_*.ipynb`` of the folder.
    """
    if not isinstance(folder, NotebookFolder):
        folder = notebook_folder(folder)
    known = available_notebooks(folder.path)
    if not names:
        if not known:
            raise SmallcapsError(f"no notebooks NN_*.ipynb in {folder.describe()}; nothing to "
                                 "report (name a folder with --notebooks DIR)")
        return known
    if isinstance(names, (str, Path)):
        names = [names]
    chosen: list[Path] = []
    for raw in names:
        text = str(raw)
        path = Path(text).expanduser()
        if text.endswith(".ipynb") and path.is_file():
            hit = path.resolve()
        else:
            stem = Path(text).name.removesuffix(".ipynb")
            hits = [p for p in known
                    if stem in (p.stem, p.stem.split("_", 1)[1], p.stem.split("_", 1)[0])]
            if len(hits) != 1:
                valid = ", ".join(p.stem for p in known) or "(none)"
                what = "is ambiguous" if hits else "is not a notebook"
                raise SmallcapsError(f"{text!r} {what}; valid: {valid}")
            hit = hits[0]
        if hit not in chosen:
            chosen.append(hit)
    return chosen
