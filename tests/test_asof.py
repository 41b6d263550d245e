"""The kit's one as-of rule (smallcaps.data.resolve_asof, used by data.load and the runner):
default = last complete bar of the reference series, explicit dates snap back to a trading day,
provisional rows are not bars, later series are cut and earlier-ending ones flagged stale."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps import data
from smallcaps.data import AsOf
from smallcaps.errors import DataError


def yahoo_csv(path: Path, dates, closes, volumes=None) -> Path:
    """A Yahoo-export CSV (Date,Open,High,Low,Close,Adj Close,Volume)."""
    volumes = volumes or [1000] * len(dates)
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"]
    for d, c, v in zip(dates, closes, volumes, strict=True):
        lines.append(f"{d},{c},{c * 1.01},{c * 0.99},{c},{c},{v}")
    path.write_text("\n".join(lines) + "\n")
    return path


WEEK = ["2024-11-04", "2024-11-05", "2024-11-06", "2024-11-07", "2024-11-08"]


@pytest.fixture
def folder(tmp_path) -> Path:
    """RUT with a provisional last row on Monday 2024-11-11 (Volume 0), SPX through 2024-11-11,
    IWM ending early (2024-11-06)."""
    yahoo_csv(tmp_path / "RUT.csv", WEEK + ["2024-11-11"], [10, 11, 12, 13, 14, 15],
              [5, 5, 5, 5, 5, 0])
    yahoo_csv(tmp_path / "GSPC.csv", WEEK + ["2024-11-11"], [50, 51, 52, 53, 54, 55])
    yahoo_csv(tmp_path / "IWM.csv", WEEK[:3], [1.0, 1.1, 1.2])
    return tmp_path


def test_default_is_the_last_complete_bar_of_the_reference(folder):
    a = data.resolve_asof(source="csv", data_dir=folder)
    assert a == AsOf(date="2024-11-08", requested=None, reference=("RUT", "SPX"))
    assert not a.snapped and a.describe() == "2024-11-08"


def test_provisional_row_counts_only_when_asked(folder):
    a = data.resolve_asof(source="csv", data_dir=folder, provisional=True)
    assert a.date == "2024-11-11" and a.provisional
    f = data.load(["RUT", "SPX"], source="csv", data_dir=folder, provisional=True)
    assert f.index[-1] == pd.Timestamp("2024-11-11")
    assert f.attrs["provenance"]["RUT"]["provisional_last_row"] is True


def test_explicit_date_on_a_weekend_snaps_back_and_keeps_both_dates(folder):
    a = data.resolve_asof("2024-11-10", source="csv", data_dir=folder)  # a Sunday
    assert (a.date, a.requested, a.snapped) == ("2024-11-08", "2024-11-10", True)
    assert "2024-11-08" in a.describe() and "requested 2024-11-10" in a.describe()
    # the provisional Monday is not a bar either: asking for it gives the Friday
    assert data.resolve_asof("2024-11-11", source="csv", data_dir=folder).date == "2024-11-08"


def test_load_cuts_every_series_and_flags_the_ones_that_end_earlier(folder):
    f = data.load(["RUT", "SPX", "IWM"], source="csv", data_dir=folder)
    assert f.index[-1] == pd.Timestamp("2024-11-08")  # SPX's 11-11 row is after the as-of
    prov = f.attrs["provenance"]
    assert prov["IWM"]["stale"] is True and prov["IWM"]["last"] == "2024-11-06"
    assert "stale" not in prov["RUT"] and "stale" not in prov["SPX"]
    assert f.attrs["asof"] == {"date": "2024-11-08", "requested": None,
                               "reference": ["RUT", "SPX"], "provisional": False}
    assert data.asof_of(f) == data.resolve_asof(source="csv", data_dir=folder)


def test_frames_of_one_notebook_share_one_date(folder):
    bars = data.load_bars(["SPX", "RUT"], source="csv", data_dir=folder)
    closes = data.load("IWM", source="csv", data_dir=folder)
    assert {b.attrs["asof"]["date"] for b in bars.values()} == {"2024-11-08"}
    assert closes.attrs["asof"]["date"] == "2024-11-08"
    assert list(bars) == ["SPX", "RUT"] and bars["SPX"].index[-1] == pd.Timestamp("2024-11-08")


def test_reference_is_configurable(folder, monkeypatch):
    assert data.resolve_asof(source="csv", data_dir=folder, reference=["SPX"]).date == "2024-11-11"
    monkeypatch.setenv("SMALLCAPS_REFERENCE", "SPX,IWM")
    a = data.resolve_asof(source="csv", data_dir=folder)
    assert a.reference == ("SPX", "IWM") and a.date == "2024-11-06"
    with pytest.raises(DataError, match="unknown series 'XYZ'"):
        data.resolve_asof(source="csv", data_dir=folder, reference=["XYZ"])


def test_a_folder_without_the_reference_uses_the_requested_series(tmp_path):
    yahoo_csv(tmp_path / "NDX.csv", WEEK, [1, 2, 3, 4, 5])
    f = data.load("NDX", source="csv", data_dir=tmp_path)
    assert f.attrs["asof"]["reference"] == ["NDX"] and f.index[-1] == pd.Timestamp("2024-11-08")
    with pytest.raises(DataError, match="no CSV file for RUT"):
        data.resolve_asof(source="csv", data_dir=tmp_path)  # the runner's call: no fallback


def test_an_asof_outside_the_data_names_the_option_and_the_valid_range(folder):
    span = ("valid: 2024-11-04 to 2024-11-08 .the complete bars of RUT and SPX., or empty for "
            "the last one")
    with pytest.raises(DataError, match="^asof 2024-11-01 is before the data; " + span):
        data.resolve_asof("2024-11-01", source="csv", data_dir=folder)
    with pytest.raises(DataError, match="^--asof 2099-01-01 is after the data; " + span):
        data.resolve_asof("2099-01-01", source="csv", data_dir=folder, what="--asof")
    # a few days after the last bar is a dated report on the data so far, not an error
    assert data.resolve_asof("2024-11-15", source="csv", data_dir=folder).date == "2024-11-08"
    with pytest.raises(DataError, match="^asof 2024-11-16 is after the data"):
        data.resolve_asof("2024-11-16", source="csv", data_dir=folder)
    with pytest.raises(DataError, match="asof 'soon' is not a date"):
        data.load("RUT", asof="soon", source="csv", data_dir=folder)


def test_an_asof_object_passes_through_unchanged(folder):
    a = AsOf(date="2024-11-06", requested="2024-11-06", reference=("RUT",))
    assert data.resolve_asof(a) is a
    f = data.load("SPX", asof=a, source="csv", data_dir=folder)
    assert f.index[-1] == pd.Timestamp("2024-11-06")
    assert AsOf.from_value(a.to_dict()) == a


# --- the synthetic sample: NYSE-like calendar ----------------------------------------------
def test_sample_holidays_and_default():
    assert data.resolve_asof(source="sample").date == "2025-12-31"
    # Thanksgiving 2024 and the weekend after the Friday
    assert data.resolve_asof("2024-11-28", source="sample").date == "2024-11-27"
    assert data.resolve_asof("2024-12-01", source="sample").date == "2024-11-29"


SAMPLE_DATES = data.load(["RUT", "SPX"], source="sample").dropna().index


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1988-02-01").date(),
                max_value=pd.Timestamp("2026-03-01").date()))
def test_resolved_date_is_the_last_common_bar_on_or_before(day):
    want = pd.Timestamp(day)
    if (want - SAMPLE_DATES[-1]).days > 7:
        with pytest.raises(DataError, match="is after the data"):
            data.resolve_asof(want, source="sample")
        return
    got = pd.Timestamp(data.resolve_asof(want, source="sample").date)
    assert got <= want and got in SAMPLE_DATES
    later = SAMPLE_DATES[(SAMPLE_DATES > got) & (SAMPLE_DATES <= want)]
    assert later.empty
    f = data.load(["RUT", "DFF"], asof=want, source="sample")  # DFF has no weekend rows here
    assert f.index.max() <= got  # no look-ahead, for any series


# --- the real history ----------------------------------------------------------------------
@pytest.mark.parametrize("requested, expected", [
    ("", "2026-02-20"),  # RUT's 2026-02-23 row is an intraday snapshot
    ("2026-02-23", "2026-02-20"), ("2026-02-22", "2026-02-20"), ("2026-02-21", "2026-02-20"),
    ("2026-02-20", "2026-02-20"), ("2026-02-17", "2026-02-17"),
    ("2026-02-16", "2026-02-13"),  # Presidents' Day
    ("2024-11-29", "2024-11-29"), ("2024-11-28", "2024-11-27"),
])
def test_real_asof(shared_market, requested, expected):
    a = data.resolve_asof(requested, source="csv", data_dir=shared_market)
    assert a.date == expected and a.snapped == (bool(requested) and requested != expected)
