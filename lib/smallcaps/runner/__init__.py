"""The report runner: notebooks executed with papermill into dated, self-contained HTML pages.

:func:`run` (the ``smallcaps report`` command) resolves the run's one as-of date
(:func:`smallcaps.data.resolve_asof`, once per run), injects it with the source and data folder
into every notebook, executes the notebooks in worker processes, one kernel each, and writes::

    <out>/<asof>/NN_topic.html      the page (header, brief, "Since", provenance, banner, errors)
    <out>/<asof>/NN_topic.ipynb     the executed notebook
    <out>/<asof>/NN_topic.json      parameters, provenance, status, duration, key figures
    <out>/<asof>/changes.json       signals and changed key figures since the previous run
    <out>/<asof>/run.json           the run: every notebook of that date and its status
    <out>/<asof>/index.html         the run's page
    <out>/index.html                the dashboard, and every run, newest first

:func:`backfill` (``smallcaps report --asof A..B --every W-FRI|M|D``) renders every as-of date
of a range, oldest first, each compared with the date before.

``<out>`` defaults to ``reports/`` in the project folder (:mod:`smallcaps.project`); the
notebooks come from ``--notebooks DIR``, else the project's ``notebooks/``, else the copies
shipped with the package.  A notebook whose file, parameters, data fingerprint and library
source are unchanged since its last successful render is skipped ("up to date").  Every file is
written under a temporary name and renamed into place, so an interrupted run never leaves a
half-written file.

The modules, in dependency order: :mod:`~.files` (atomic writes, stat stamps),
:mod:`~.outcome` (:class:`NotebookResult`, :class:`ReportRun`), :mod:`~.lifeline` (no process
outlives its run), :mod:`~.notebooks` (which notebooks), :mod:`~.params` (inspection and
parameter checks), :mod:`~.sweep` (parameter sweeps: one page per combination of the grid of
``--sweep`` values), :mod:`~.skipcache` (the cache, the as-of and the keys), :mod:`~.executed`
(reading an executed notebook), :mod:`~.dashboard` (key figures in words, the dashboard's rows
and history charts), :mod:`~.html` (pages from the Jinja templates), :mod:`~.since` (what
changed since the previous report: ``changes.json`` and the "Since" sections), :mod:`~.warm`
(warm kernels: one per worker, reset between notebooks), :mod:`~.execute` (papermill in worker
processes), :mod:`~.cluster` (the Dask executor: ``--executor dask``), :mod:`~.batch` (the run
and the backfill).  Importing this package imports none of numpy, pandas, papermill,
nbconvert, jinja2 or distributed (:mod:`~.cluster`, which needs distributed's worker-plugin
class, is imported only for ``--executor dask``): an up-to-date re-run finishes in about a
tenth of a second.
"""

from smallcaps.runner.batch import backfill, run
from smallcaps.runner.outcome import NotebookResult, ReportRun

__all__ = ["NotebookResult", "ReportRun", "backfill", "run"]
