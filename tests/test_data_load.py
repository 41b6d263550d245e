"""data.load / load_ohlc: source selection, errors, the CLI, and the real CSV folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from smallcaps import data
from smallcaps.cli import main
from smallcaps.data.load import SyntheticDataWarning
from smallcaps.errors import DataError

FIX = Path(__file__).parent / "fixtures" / "csv"
KEYS = ["RUT", "SPX", "NDX", "DJI", "IWM", "SPY", "QQQ", "DGS10", "DGS2", "DFF"]


def test_unknown_key_lists_known_ones():
    with pytest.raises(DataError, match=r"unknown series 'RTY'; known: RUT, SPX, NDX"):
        data.load(["RUT", "RTY"], source="sample")


def test_start_after_asof():
    with pytest.raises(DataError, match="start 2021-01-01 is after the as-of date 2019-12-31"):
        data.load("RUT", start="2021-01-01", asof="2020-01-01", source="sample")


def test_bad_date_source_and_field():
    with pytest.raises(DataError, match="start '2021-13-45' is not a date"):
        data.load("RUT", start="2021-13-45", source="sample")
    with pytest.raises(DataError, match="unknown source 'web'; valid: auto, live, csv, sample"):
        data.load("RUT", source="web")
    with pytest.raises(DataError, match="unknown field 'px'"):
        data.load("RUT", field="px", source="sample")
    with pytest.raises(DataError, match="no series keys"):
        data.load([], source="sample")


def test_start_after_the_data():
    with pytest.raises(DataError, match="start 2030-01-01 is after the as-of date 2025-12-31"):
        data.load("RUT", start="2030-01-01", source="sample")


def test_no_data_in_range_names_the_series_and_its_span(shared_market):
    with pytest.raises(DataError, match="no IWM data from 2025-10-01 to 2026-02-20 .source csv "
                                        "has 2000-05-26 to 2025-09-26"):
        data.load(["RUT", "IWM"], start="2025-10-01", source="csv", data_dir=shared_market)


def test_asof_is_inclusive_and_nothing_after():
    f = data.load(["RUT", "DGS10"], start="2024-11-01", asof="2024-11-08", source="sample")
    assert f.index[-1] == pd.Timestamp("2024-11-08") and f.index[0] == pd.Timestamp("2024-11-01")
    assert f.attrs["provenance"]["RUT"]["last"] == "2024-11-08"
    assert f.attrs["provenance"]["RUT"]["synthetic"] is True


def test_sample_ohlc_ready_for_mplfinance():
    o = data.load_ohlc("IWM", start="2024-11-01", asof="2024-11-30", source="sample")
    assert list(o.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert o["Volume"].notna().all()
    with pytest.raises(DataError, match="DGS10 is a yield series; OHLC needs a price series"):
        data.load_ohlc("DGS10", source="sample")


def test_csv_folder_file_naming_and_auto_prefers_csv(tmp_path):
    shutil.copy(FIX / "crlf_rut.csv", tmp_path / "^RUT.csv")
    shutil.copy(FIX / "yfinance_3line.csv", tmp_path / "GSPC.csv")
    shutil.copy(FIX / "fred_blank.csv", tmp_path / "DGS10.csv")
    f = data.load(["RUT", "SPX"], source="csv", data_dir=tmp_path)
    assert f.loc["2024-10-31", "SPX"] == pytest.approx(5705.45, abs=0.01)
    # no warning: the CSV has it (and it is its own reference: the fixtures do not overlap)
    g = data.load("DGS10", source="auto", data_dir=tmp_path, reference=["DGS10"])
    assert g.attrs["provenance"]["DGS10"]["source"] == "csv"
    assert g.attrs["provenance"]["DGS10"]["format"] == "fred"
    with pytest.raises(DataError, match="no CSV file for NDX in .*expected one of NDX.csv, "
                                        r"\^NDX.csv"):
        data.load("NDX", source="csv", data_dir=tmp_path)


def test_data_dir_env_is_the_default_csv_folder(tmp_path, monkeypatch):
    shutil.copy(FIX / "plain.csv", tmp_path / "RUT.csv")
    monkeypatch.setenv("SMALLCAPS_DATA_DIR", str(tmp_path))
    assert data.load("RUT", source="csv")["RUT"].iloc[0] == 2209.22


def test_auto_falls_back_to_sample_loudly():
    with pytest.warns(SyntheticDataWarning, match="SYNTHETIC DATA.*RUT"):
        f = data.load("RUT", source="auto")
    assert f.attrs["provenance"]["RUT"]["source"] == "sample"


def test_adj_close_falls_back_to_close_for_indexes():
    f = data.load(["RUT", "IWM"], field="adj_close", start="2025-12-01", source="sample")
    assert f["RUT"].equals(data.load("RUT", start="2025-12-01", source="sample")["RUT"])
    raw = data.load("IWM", start="2025-12-01", source="sample")["IWM"]
    assert (f["IWM"] <= raw).all() and f["IWM"].iloc[-1] == raw.iloc[-1]


def test_user_catalog_extension(tmp_path, monkeypatch):
    cat = tmp_path / "catalog.yml"
    cat.write_text("RSP: {name: Invesco S&P 500 Equal Weight ETF, provider: yahoo, symbol: RSP, "
                   "kind: price, units: USD}\n")
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(cat))
    assert data.get_series("RSP").units == "USD"
    assert "RSP" in data.catalog() and "RUT" in data.catalog()
    cat.write_text("BAD: {name: x, provider: bloomberg, symbol: X, kind: price, units: USD}\n")
    with pytest.raises(DataError, match="provider 'bloomberg'; valid: yahoo, fred"):
        data.get_series("BAD")


# --- CLI ---------------------------------------------------------------------------------
def test_cli_unknown_key_exits_2_with_one_line(capsys):
    assert main(["data", "fetch", "NOPE"]) == 2
    out, err = capsys.readouterr()
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert err.startswith("smallcaps: error: unknown series 'NOPE'; known: RUT")


def test_cli_fetch_offline_exits_2_with_hint(capsys):
    assert main(["data", "fetch", "RUT"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--source sample" in err


def test_cli_fetch_refreshes_cache(capsys, monkeypatch):
    from smallcaps.data import cache

    monkeypatch.delenv("SMALLCAPS_OFFLINE")
    idx = pd.DatetimeIndex(["2024-11-01", "2024-11-04"], name="Date")
    raw = pd.DataFrame({"Adj Close": [1.0, 2.0], "Close": [1.0, 2.0], "High": [1.0, 2.0],
                        "Low": [1.0, 2.0], "Open": [1.0, 2.0], "Volume": [5.0, 6.0]}, index=idx)
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: raw)
    cache.reset_network()
    assert main(["data", "fetch", "RUT", "IWM"]) == 0
    out = capsys.readouterr().out
    assert "RUT" in out and "IWM" in out and "(+2 new)" in out
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("RUT"))
    assert "2024-11-04" in line and "^RUT" in line
    cache.reset_network()


def test_cli_list_shows_catalog_and_csv_presence(capsys, tmp_path):
    shutil.copy(FIX / "plain.csv", tmp_path / "GSPC.csv")
    assert main(["data", "list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    spx = next(ln for ln in out.splitlines() if ln.startswith("SPX"))
    assert "GSPC.csv" in spx and "^GSPC" in spx and "index points" in spx
    assert all(any(ln.startswith(k) for ln in out.splitlines()) for k in KEYS)


# --- the real CSV folder (../shared/data/market) -----------------------------------------
def test_real_folder_loads_every_series_sorted_unique(shared_market):
    for key in KEYS:
        f = data.load(key, source="csv", data_dir=shared_market)
        assert f.index.is_monotonic_increasing and f.index.is_unique, key
        assert f.attrs["provenance"][key]["source"] == "csv"


REFERENCE = [  # PROVENANCE.md, closes on 2024-10-31 and 2024-11-29
    ("RUT", "close", 2196.65, 2434.73), ("SPX", "close", 5705.45, 6032.38),
    ("NDX", "close", 19890.42, 20930.37), ("DJI", "close", 41763.46, 44910.65),
    ("IWM", "close", 217.76, 241.87), ("IWM", "adj_close", 215.42, 239.27),
    ("SPY", "close", 568.64, 602.55), ("SPY", "adj_close", 561.81, 595.31),
    ("QQQ", "close", 483.85, 509.74), ("QQQ", "adj_close", 481.25, 507.00),
]


@pytest.mark.parametrize("key, field, oct31, nov29", REFERENCE)
def test_real_reference_closes(shared_market, key, field, oct31, nov29):
    f = data.load(key, start="2024-10-31", asof="2024-11-29", field=field, source="csv",
                  data_dir=shared_market)[key]
    assert f.loc["2024-10-31"] == pytest.approx(oct31, abs=0.006)
    assert f.loc["2024-11-29"] == pytest.approx(nov29, abs=0.006)


def test_real_rates_and_rut_highs(shared_market):
    y = data.load(["DGS10", "DGS2", "DFF"], start="2024-11-01", asof="2024-12-31", source="csv",
                  data_dir=shared_market)
    assert y.loc["2024-11-08", "DGS10"] == 4.30 and y.loc["2024-11-01", "DGS10"] == 4.37
    assert y.loc["2024-11-08", "DGS2"] == 4.26
    assert y.loc["2024-11-01", "DFF"] == 4.83 and y.loc["2024-11-08", "DFF"] == 4.58
    assert y.loc["2024-12-31", "DFF"] == 4.33
    o = data.load_ohlc("RUT", start="2021-01-01", asof="2025-12-31", source="csv",
                       data_dir=shared_market)
    assert o.loc[:"2024-12-31", "High"].idxmax() == pd.Timestamp("2024-11-25")
    assert o.loc[:"2023-12-31", "High"].idxmax() == pd.Timestamp("2021-11-08")
    assert o.loc["2021-11-08", "High"] == pytest.approx(2458.86, abs=0.005)
    close = o["Close"]
    above = close[close > close.loc["2021-11-08"]]
    assert above.index[0] == pd.Timestamp("2025-09-18")
    assert above.iloc[0] == pytest.approx(2467.70, abs=0.005)


def test_real_fred_holidays_are_nan_in_the_union(shared_market):
    f = data.load(["RUT", "DGS10"], start="2024-10-10", asof="2024-12-31", source="csv",
                  data_dir=shared_market)
    assert pd.Timestamp("2024-12-25") not in f.index  # nobody has a value that day
    assert np.isnan(f.loc["2024-10-14", "DGS10"])  # Columbus Day: bonds closed...
    assert f.loc["2024-10-14", "RUT"] > 0  # ...stocks open


def test_real_provisional_last_row_only_when_asked_for(shared_market):
    """RUT's 2026-02-23 row is an intraday snapshot (Volume 0): not a complete bar."""
    full = data.load("RUT", source="csv", data_dir=shared_market)
    assert full.index[-1] == pd.Timestamp("2026-02-20")
    assert "provisional_last_row" not in full.attrs["provenance"]["RUT"]
    asked = data.load("RUT", source="csv", data_dir=shared_market, provisional=True)
    assert asked.index[-1] == pd.Timestamp("2026-02-23")  # values kept, flagged
    assert asked.attrs["provenance"]["RUT"]["provisional_last_row"] is True
    assert asked.attrs["asof"]["date"] == "2026-02-23"
    spx = data.load("SPX", source="csv", data_dir=shared_market)  # no volume column
    assert "provisional_last_row" not in spx.attrs["provenance"]["SPX"]
