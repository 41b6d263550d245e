"""The report runner: notebooks executed with papermill into dated, self-contained HTML pages.

:func:`run` (the ``smallcaps report`` command) resolves the run's one as-of date
(:func:`smallcaps.data.resolve_asof`, once per run), injects it with the source and data folder
into every notebook, executes the notebooks in worker processes, one kernel each, and writes::

    <out>/<asof>/NN_topic.html      the page (header, provenance, synthetic banner, errors)
    <out>/<asof>/NN_topic.ipynb     the executed notebook
    <out>/<asof>/NN_topic.json      parameters, provenance, status, duration, key figures
    <out>/<asof>/run.json           the run: every notebook of that date and its status
    <out>/<asof>/index.html         the run's page
    <out>/index.html                every run, newest first

``<out>`` defaults to ``reports/`` in the project folder (:mod:`smallcaps.project`); the
notebooks come from ``--notebooks DIR``, else the project's ``notebooks/``, else the copies
shipped with the package.  A notebook whose file, parameters, data fingerprint and library
source are unchanged since its last successful render is skipped ("up to date").  Every file is
written under a temporary name and renamed into place, so an interrupted run never leaves a
half-written file.

The modules, in dependency order: :mod:`~.files` (atomic writes, stat stamps),
:mod:`~.outcome` (:class:`NotebookResult`, :class:`ReportRun`), :mod:`~.lifeline` (no process
outlives its run), :mod:`~.notebooks` (which
notebooks), :mod:`~.params` (inspection and parameter checks), :mod:`~.skipcache` (the
cache, the as-of and the keys), :mod:`~.executed` (reading an executed notebook),
:mod:`~.html` (pages from the Jinja templates), :mod:`~.execute` (papermill in worker
processes), :mod:`~.batch` (the run).  None imports numpy, pandas, papermill, nbconvert or
jinja2 at import time: an up-to-date re-run finishes in about a tenth of a second.
"""

from smallcaps.runner.batch import run
from smallcaps.runner.outcome import NotebookResult, ReportRun

__all__ = ["NotebookResult", "ReportRun", "run"]
