"""Shared fixtures: the real market history in ../shared (skipped when absent) and a helper that
executes a notebook with papermill and returns its recorded figures."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_MARKET = Path(
    os.environ.get("SMALLCAPS_SHARED_MARKET", ROOT.parent / "shared" / "data" / "market")
)
NOTEBOOKS = ROOT / "notebooks"
RECORD_MIMETYPE = "application/vnd.smallcaps.record+json"
KERNEL = "smallcaps"


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    """Tests never read the user's data/raw, cache or catalog, and never touch the network."""
    monkeypatch.setenv("SMALLCAPS_DATA_DIR", str(tmp_path / "no-raw-data"))
    monkeypatch.setenv("SMALLCAPS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SMALLCAPS_CATALOG", "none")  # no user catalog
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")


@pytest.fixture
def shared_market() -> Path:
    """Folder of real daily history (../shared/data/market); the test skips when it is absent."""
    if not (SHARED_MARKET / "RUT.csv").is_file():
        pytest.skip(f"real market data not found at {SHARED_MARKET}")
    return SHARED_MARKET


@pytest.fixture(scope="module")
def shared_market_module() -> Path:
    """``shared_market`` for module-scoped fixtures (one notebook run shared by many tests)."""
    if not (SHARED_MARKET / "RUT.csv").is_file():
        pytest.skip(f"real market data not found at {SHARED_MARKET}")
    return SHARED_MARKET


def plain_closes(folder: Path, name: str):
    """The Close column of a Yahoo-export CSV read with plain pandas, independent of the
    library (for cross-checking its numbers)."""
    import pandas as pd

    frame = pd.read_csv(folder / f"{name}.csv", index_col=0, parse_dates=True)
    return frame["Close"].astype(float)


def records_from(nb) -> dict:
    """Recorded figures (name -> value) from an executed notebook node."""
    from smallcaps.page import collect_records

    return collect_records(nb)


def run_notebook(name: str, tmp_path: Path, **parameters) -> dict:
    """Execute ``notebooks/<name>.ipynb`` with papermill; return its recorded figures.

    Raises papermill's ``PapermillExecutionError`` when a cell fails.
    """
    import nbformat
    import papermill as pm

    src = NOTEBOOKS / f"{name}.ipynb"
    out = tmp_path / f"{name}.out.ipynb"
    pm.execute_notebook(str(src), str(out), parameters=parameters, kernel_name=KERNEL,
                        cwd=str(NOTEBOOKS), progress_bar=False)
    return records_from(nbformat.read(out, as_version=4))
