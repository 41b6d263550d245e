"""Providers and cache without network: FRED over mocked HTTP (responses), yfinance mocked at
``yfinance.download``; cache refresh, atomic writes, corruption, offline policy, fallbacks."""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import requests
import responses
from smallcaps import data
from smallcaps.data import cache, fred, yahoo
from smallcaps.data.load import SyntheticDataWarning
from smallcaps.errors import DataError, NetworkError

FRED_TEXT = ("observation_date,DGS10\n2024-11-01,4.37\n2024-11-04,4.29\n2024-11-05,4.27\n"
             "2024-11-06,4.43\n2024-11-07,4.33\n2024-11-08,4.30\n2024-11-11,\n")


@pytest.fixture
def online(monkeypatch):
    """Network allowed (but every request is mocked) and no failure remembered."""
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    cache.reset_network()
    yield
    cache.reset_network()


def yf_frame(dates, close, multi=False, symbol="^RUT", tz=None):
    idx = pd.DatetimeIndex(pd.to_datetime(dates), name="Date")
    if tz:
        idx = idx.tz_localize(tz)
    close = np.asarray(close, float)
    f = pd.DataFrame({"Adj Close": close * 0.99, "Close": close, "High": close + 1,
                      "Low": close - 1, "Open": close, "Volume": np.full(len(close), 1e6)},
                     index=idx)
    if multi:
        f.columns = pd.MultiIndex.from_product([f.columns, [symbol]], names=["Price", "Ticker"])
    return f


# --- FRED --------------------------------------------------------------------------------
@responses.activate
def test_fred_fetch_parses_and_passes_id_and_timeout(online):
    responses.get(fred.URL, body=FRED_TEXT)
    f = fred.fetch("DGS10")
    assert f.loc["2024-11-08", "close"] == 4.30
    assert np.isnan(f.loc["2024-11-11", "close"])
    assert responses.calls[0].request.params == {"id": "DGS10"}


@responses.activate
def test_fred_old_format_with_dots(online):
    responses.get(fred.URL, body="DATE,DGS2\r\n2024-11-08,4.26\r\n2024-11-11,.\r\n")
    f = fred.fetch("DGS2", start=pd.Timestamp("2024-11-01"))
    assert f.loc["2024-11-08", "close"] == 4.26 and np.isnan(f.loc["2024-11-11", "close"])
    assert responses.calls[0].request.params["cosd"] == "2024-11-01"


@responses.activate
def test_fred_http_error_and_connection_error_are_network_errors(online):
    responses.get(fred.URL, status=503)
    with pytest.raises(NetworkError, match="HTTP 503 for DGS10"):
        fred.fetch("DGS10")
    responses.replace(responses.GET, fred.URL, body=requests.exceptions.ConnectionError("down"))
    with pytest.raises(NetworkError, match="FRED unreachable for DGS10"):
        fred.fetch("DGS10")


@responses.activate
def test_fred_html_answer_is_a_data_error(online):
    responses.get(fred.URL, body="<html><body>maintenance</body></html>")
    with pytest.raises(DataError, match="FRED DGS10: line 1: not a recognised CSV header"):
        fred.fetch("DGS10")


# --- Yahoo -------------------------------------------------------------------------------
@pytest.mark.parametrize("multi", [False, True])
def test_yahoo_fetch_asks_unadjusted_and_flattens(monkeypatch, multi):
    seen = {}

    def fake_download(symbol, **kw):
        seen.update(kw, symbol=symbol)
        return yf_frame(["2024-10-31", "2024-11-01"], [2196.65, 2209.48], multi=multi,
                        tz="America/New_York")

    monkeypatch.setattr("yfinance.download", fake_download)
    f = yahoo.fetch("^RUT")
    assert seen["auto_adjust"] is False and seen["actions"] is False
    assert seen["progress"] is False and seen["period"] == "max" and seen["timeout"] <= 10
    assert list(f.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert f.index.tz is None and f.index[0] == pd.Timestamp("2024-10-31")
    assert f.loc["2024-10-31", "close"] == 2196.65
    assert f.loc["2024-10-31", "adj_close"] == pytest.approx(2196.65 * 0.99)


def test_yahoo_multiindex_ticker_first(monkeypatch):
    raw = yf_frame(["2024-11-01"], [5.0], multi=True, symbol="IWM")
    raw.columns = raw.columns.swaplevel(0, 1)
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: raw)
    f = yahoo.fetch("IWM", start=pd.Timestamp("2024-10-01"))
    assert f.loc["2024-11-01", "close"] == 5.0 and "adj_close" in f.columns


def test_yahoo_empty_answer_is_network_error(monkeypatch):
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: pd.DataFrame())
    with pytest.raises(NetworkError, match="Yahoo Finance returned no data for \\^RUT"):
        yahoo.fetch("^RUT")


# --- cache -------------------------------------------------------------------------------
def test_refresh_fetches_only_after_last_cached_date_and_new_values_win(online, monkeypatch):
    calls = []
    answers = [
        yf_frame(pd.bdate_range("2024-10-01", "2024-10-31"), np.arange(23) + 100.0),
        # overlap re-fetch: 2024-10-30 revised, 2 new days
        yf_frame(["2024-10-30", "2024-10-31", "2024-11-01", "2024-11-04"],
                 [555.0, 122.0, 123.0, 124.0]),
    ]

    def fake_download(symbol, **kw):
        calls.append(kw)
        return answers[len(calls) - 1]

    monkeypatch.setattr("yfinance.download", fake_download)
    rut = data.get_series("RUT")
    f1, info1 = cache.fetch_through_cache(rut, required=True)
    assert info1["source"] == "yahoo" and len(f1) == 23 and "period" in calls[0]
    meta = json.loads(pq.read_schema(cache.cache_path(rut)).metadata[cache.META_KEY])
    assert meta["rows"] == 23 and meta["last"] == "2024-10-31" and meta["symbol"] == "^RUT"
    assert meta["source"] == "yahoo" and meta["first"] == "2024-10-01" and meta["fetched_at"]
    # a fresh cache is used as is
    f_again, info = cache.fetch_through_cache(rut, required=True)
    assert info["source"] == "cache" and len(calls) == 1
    f2, info2 = cache.refresh(rut, force=True)
    start = pd.Timestamp(calls[1]["start"])
    assert pd.Timestamp("2024-10-15") < start <= pd.Timestamp("2024-10-31")
    assert len(f2) == 25 and info2["new_rows"] == 2
    assert f2.loc["2024-10-30", "close"] == 555.0  # the new value wins
    assert f2.loc["2024-10-01", "close"] == 100.0  # old rows kept
    assert f2.index.is_unique and f2.index.is_monotonic_increasing


def test_refresh_of_fred_series(online):
    with responses.RequestsMock() as rsps:
        rsps.get(fred.URL, body=FRED_TEXT)
        f, info = cache.fetch_through_cache(data.get_series("DGS10"), required=True)
    assert info["source"] == "fred" and f.loc["2024-11-08", "close"] == 4.30
    loaded = data.load("DGS10", source="live")  # served from the fresh cache, no request
    assert loaded.attrs["provenance"]["DGS10"]["source"] == "cache"
    assert loaded["DGS10"].iloc[-1] == 4.30  # the NaN holiday is dropped


def test_crash_during_write_keeps_the_old_file(online, monkeypatch):
    rut = data.get_series("RUT")
    old = yf_frame(["2024-11-01", "2024-11-04"], [1.0, 2.0])
    cache.write_cache(rut, yahoo.normalise(old, "^RUT"), pd.Timestamp("2024-11-05"))
    before = cache.cache_path(rut).read_bytes()

    def boom(table, where, **kw):
        where.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr("pyarrow.parquet.write_table", boom)
    new = yahoo.normalise(yf_frame(["2024-11-05"], [3.0]), "^RUT")
    with pytest.raises(OSError, match="disk full"):
        cache.write_cache(rut, new, pd.Timestamp("2024-11-06"))
    assert cache.cache_path(rut).read_bytes() == before
    assert [p.name for p in cache.cache_dir().iterdir()] == ["RUT.parquet"]  # no temp left


@pytest.mark.parametrize("damage", ["truncate", "garbage", "rows"])
def test_corrupt_cache_is_detected_and_replaced(online, monkeypatch, damage):
    rut = data.get_series("RUT")
    good = yahoo.normalise(yf_frame(["2024-11-01", "2024-11-04"], [1.0, 2.0]), "^RUT")
    cache.write_cache(rut, good, pd.Timestamp("2020-01-01"))
    path = cache.cache_path(rut)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:-40])
    elif damage == "garbage":
        path.write_bytes(b"not a parquet file at all")
    else:  # valid parquet whose metadata disagrees with the data
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[cache.META_KEY])
        meta["rows"] = 99
        pq.write_table(table.replace_schema_metadata(
            {**table.schema.metadata, cache.META_KEY: json.dumps(meta).encode()}), path)
    with pytest.warns(cache.CacheWarning, match="RUT.parquet is"):
        assert cache.read_cache(rut) is None
    fresh = yf_frame(["2024-11-05", "2024-11-06"], [7.0, 8.0])
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: fresh)
    with pytest.warns(cache.CacheWarning):
        f, info = cache.fetch_through_cache(rut, required=True)
    assert info["source"] == "yahoo" and f["close"].tolist() == [7.0, 8.0]
    assert cache.read_cache(rut)[1]["rows"] == 2


def test_corrupt_cache_is_not_used_offline(monkeypatch):
    rut = data.get_series("RUT")
    cache.cache_dir().mkdir(parents=True)
    cache.cache_path(rut).write_bytes(b"junk")
    with pytest.warns(cache.CacheWarning), pytest.warns(SyntheticDataWarning):
        f = data.load("RUT", source="auto")
    assert f.attrs["provenance"]["RUT"]["source"] == "sample"


def test_first_network_failure_stops_further_attempts(online, monkeypatch):
    calls = []

    def down(symbol, **kw):
        calls.append(symbol)
        return pd.DataFrame()

    monkeypatch.setattr("yfinance.download", down)
    with responses.RequestsMock() as rsps:  # any HTTP request would fail the test
        with pytest.warns(SyntheticDataWarning):
            f = data.load(["RUT", "SPX", "DGS10"], source="auto")
        assert len(rsps.calls) == 0
    assert calls == ["^RUT"]
    assert {p["source"] for p in f.attrs["provenance"].values()} == {"sample"}
    assert "returned no data" in cache.offline_reason()


def test_live_unreachable_is_one_line_error_with_offline_hint(online, monkeypatch):
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: pd.DataFrame())
    with pytest.raises(DataError) as err:
        data.load("RUT", source="live")
    msg = str(err.value)
    assert "\n" not in msg and "--source sample" in msg and "--source csv --data-dir" in msg


def test_offline_env_means_never_try(monkeypatch):
    monkeypatch.setattr("yfinance.download", lambda *a, **k: pytest.fail("network touched"))
    assert cache.offline_reason() == "SMALLCAPS_OFFLINE is set"
    with pytest.raises(DataError, match="no network for SPX \\(SMALLCAPS_OFFLINE is set\\)"):
        data.load("SPX", source="live")


def test_stale_cache_serves_auto_when_network_is_down(online, monkeypatch):
    rut = data.get_series("RUT")
    cache.write_cache(rut, yahoo.normalise(yf_frame(["2024-11-01"], [9.0]), "^RUT"),
                      pd.Timestamp("2020-01-01"))
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: pd.DataFrame())
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntheticDataWarning)
        f = data.load("RUT", source="auto")
    prov = f.attrs["provenance"]["RUT"]
    assert prov["source"] == "cache" and prov["cache_stale"] is True
    assert prov["fetched_at"] == "2020-01-01T00:00:00"


def test_cache_dir_honours_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCAPS_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"
    assert not os.path.exists(tmp_path / "elsewhere")  # nothing created by asking


def test_live_load_carries_provider_provenance(online, monkeypatch):
    raw = yf_frame(["2024-10-31", "2024-11-01", "2024-11-04"], [217.76, 219.47, 218.0])
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: raw)
    f = data.load("IWM", field="adj_close", start="2024-11-01", source="live")
    prov = f.attrs["provenance"]["IWM"]
    assert prov["source"] == "yahoo" and prov["symbol"] == "IWM" and not prov["synthetic"]
    assert prov["first"] == "2024-11-01" and prov["last"] == "2024-11-04" and prov["rows"] == 2
    assert prov["fetched_at"] and prov["cache_file"].endswith("IWM.parquet")
    assert f["IWM"].iloc[0] == pytest.approx(219.47 * 0.99)
    o = data.load_ohlc("IWM", source="live")  # now from the fresh cache
    assert o.attrs["provenance"]["IWM"]["source"] == "cache" and len(o) == 3


def test_fresh_cache_serves_auto_offline_without_stale_flag():
    rut = data.get_series("RUT")
    cache.write_cache(rut, yahoo.normalise(yf_frame(["2024-11-01"], [9.0]), "^RUT"),
                      cache._now())
    f = data.load("RUT", source="auto")  # SMALLCAPS_OFFLINE=1: cache, no network, no sample
    prov = f.attrs["provenance"]["RUT"]
    assert prov["source"] == "cache" and "stale" not in prov and not prov["synthetic"]
