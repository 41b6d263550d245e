"""Bad inputs, table-driven: cache files, provider answers and network faults, the cache folder,
user catalogs.  What "refused" asserts is in ``test_bad_inputs.py``; here "nothing lost" also
means the previous cache file is byte-identical after a failed refresh.

The network is never touched: FRED answers through ``responses`` (as tests/test_data_providers.py
does), Yahoo through a stand-in for ``yfinance.download``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
import responses
from smallcaps import data
from smallcaps.data import cache, fred
from smallcaps.data.load import SyntheticDataWarning
from test_bad_inputs import (
    DAYS,
    NB,
    NOTEBOOKS,
    Guard,
    assert_refused,
    cache_folder,
    cli,
    good_folder,
    no_user_series,
    report,
)

FRED_OK = "observation_date,DGS10\n" + "".join(f"{d},4.{i:02d}\n" for i, d in enumerate(DAYS))


@pytest.fixture(autouse=True)
def _empty_user_catalog(monkeypatch, tmp_path):
    no_user_series(monkeypatch, tmp_path)


@pytest.fixture
def online(monkeypatch):
    """Network allowed, every request mocked; no failure remembered."""
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    cache.reset_network()
    yield
    cache.reset_network()


def yf_answer(close, dates=DAYS):
    close = np.asarray(close, float)
    return pd.DataFrame({"Adj Close": close, "Close": close, "High": close + 1, "Low": close - 1,
                         "Open": close, "Volume": np.full(len(close), 1e6)},
                        index=pd.DatetimeIndex(pd.to_datetime(dates), name="Date"))


def closes(n: int | None = None, base: float = 2200.0) -> np.ndarray:
    return base + np.arange(len(DAYS) if n is None else n)


def cached(key: str, fetched_at: str = "2020-01-01") -> bytes:
    """A valid cache file for ``key`` (an old one, so that a load tries to refresh it)."""
    series = data.get_series(key)
    values = closes(3) if series.kind == "price" else [4.1, 4.2, 4.3]
    frame = pd.DataFrame({"close": values},
                         index=pd.DatetimeIndex(DAYS[:3], name="date"))
    cache.write_cache(series, frame, pd.Timestamp(fetched_at))
    return cache.cache_path(series).read_bytes()


def parquet_with(key: str, frame: pd.DataFrame, **meta_changes) -> None:
    """Write ``frame`` as the cache file of ``key`` with (possibly wrong) metadata."""
    series = data.get_series(key)
    meta = {"key": key, "source": series.provider, "symbol": series.symbol,
            "fetched_at": pd.Timestamp.now(tz="UTC").tz_localize(None).isoformat("T", "seconds"),
            "first": f"{frame.index[0]:%Y-%m-%d}" if len(frame) else None,
            "last": f"{frame.index[-1]:%Y-%m-%d}" if len(frame) else None, "rows": len(frame)}
    meta.update(meta_changes)
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           cache.META_KEY: json.dumps(meta).encode()})
    cache_folder().mkdir(parents=True, exist_ok=True)
    pq.write_table(table, cache.cache_path(series))


# --- cache files that cannot be used -----------------------------------------------------
def _truncated(key):
    path = cache.cache_path(data.get_series(key))
    path.write_bytes(path.read_bytes()[:-60])


def _garbage(key):
    cache.cache_path(data.get_series(key)).write_bytes(b"PAR1" + bytes(range(256)) * 4)


def _wrong_columns(key):
    idx = pd.DatetimeIndex(DAYS[:3], name="date")
    parquet_with(key, pd.DataFrame({"price": [1.0, 2.0, 3.0]}, index=idx))


def _extra_column(key):
    idx = pd.DatetimeIndex(DAYS[:3], name="date")
    parquet_with(key, pd.DataFrame({"close": [1.0, 2.0, 3.0], "ticker": ["a", "b", "c"]},
                                   index=idx))


def _rows_mismatch(key):
    idx = pd.DatetimeIndex(DAYS[:3], name="date")
    parquet_with(key, pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=idx), rows=99)


def _other_symbol(key):
    idx = pd.DatetimeIndex(DAYS[:3], name="date")
    parquet_with(key, pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=idx), symbol="^GSPC")


DAMAGE = {"truncated": (_truncated, "unreadable"), "garbage": (_garbage, "unreadable"),
          "wrong-columns": (_wrong_columns, "no close column"),
          "extra-column": (_extra_column, "'ticker'"),
          "rows-mismatch": (_rows_mismatch, "99 rows"),
          "other-symbol": (_other_symbol, "^GSPC")}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_cache_with_live_offline_is_refused_and_kept(capsys, tmp_path, damage):
    """--source live without network: one line that names the unusable cache file; the file
    is left for the next fetch to replace."""
    make, words = DAMAGE[damage]
    cached("RUT")
    make("RUT")
    guard = Guard(cache_folder())
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "live",
              "--out", tmp_path / "out")
    assert_refused(got, "no network for RUT", "SMALLCAPS_OFFLINE",
                   str(cache.cache_path(data.get_series("RUT"))), words)
    assert not (tmp_path / "out").exists()
    guard.unchanged()


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_cache_is_never_used_silently_by_auto(damage):
    cached("RUT")
    DAMAGE[damage][0]("RUT")
    with pytest.warns(cache.CacheWarning, match=r"RUT\.parquet is"), \
            pytest.warns(SyntheticDataWarning):
        f = data.load("RUT", source="auto")
    assert f.attrs["provenance"]["RUT"]["source"] == "sample"


@pytest.mark.parametrize("damage", ["truncated", "wrong-columns"])
def test_damaged_cache_is_replaced_by_a_fetch(capsys, online, monkeypatch, damage):
    cached("RUT")
    DAMAGE[damage][0]("RUT")
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: yf_answer(closes()))
    path = cache.cache_path(data.get_series("RUT"))
    got = cli(capsys, "data", "fetch", "RUT")
    assert got.status == 0 and "Traceback" not in got.err, got.err
    assert got.err.splitlines() == [f"smallcaps: warning: cache file {path} was "
                                    f"{got.err.split(' was ', 1)[1].split(';')[0]}; replaced "
                                    "by a new download"]
    assert DAMAGE[damage][1] in got.err
    frame, meta = cache.read_cache(data.get_series("RUT"))
    assert meta["rows"] == len(DAYS) and frame["close"].iloc[-1] == closes()[-1]


def test_cache_file_that_is_a_folder_is_refused_not_removed(capsys, tmp_path, online,
                                                           monkeypatch):
    folder = cache.cache_path(data.get_series("RUT"))
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("mine\n")
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: yf_answer(closes()))
    guard = Guard(cache_folder())
    got = cli(capsys, "data", "fetch", "RUT")
    assert_refused(got, f"cache file {folder}", "a folder", "SMALLCAPS_CACHE_DIR")
    empty = tmp_path / "no-csv"
    empty.mkdir()
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "auto",
              "--data-dir", empty, "--out", tmp_path / "out")
    assert_refused(got, f"cache file {folder}", "a folder")
    assert not (tmp_path / "out").exists()
    guard.unchanged()
    listed = cli(capsys, "data", "list")
    assert listed.status == 0 and "corrupt" in listed.out.splitlines()[1]


def test_cache_with_values_that_break_the_rule_is_refused(capsys, tmp_path):
    idx = pd.DatetimeIndex(DAYS[:3], name="date")
    parquet_with("RUT", pd.DataFrame({"close": [1.0, np.inf, 3.0]}, index=idx))
    parquet_with("SPX", pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=idx))
    guard = Guard(cache_folder())
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "live",
              "--out", tmp_path / "out")
    assert_refused(got, "cache file", "RUT.parquet", "close = inf", DAYS[1], "finite")
    assert not (tmp_path / "out").exists()
    guard.unchanged()


# --- provider answers and network faults -------------------------------------------------
FRED_FAULTS = [
    ("http-503", dict(status=503), ["FRED answered HTTP 503 for DGS10", "--source sample"]),
    ("http-404", dict(status=404), ["HTTP 404", "DGS10"]),
    ("connection", dict(body=requests.exceptions.ConnectionError("down")),
     ["FRED unreachable for DGS10", "ConnectionError"]),
    ("timeout", dict(body=requests.exceptions.ReadTimeout("slow")),
     ["FRED unreachable for DGS10", "ReadTimeout"]),
    ("html-page", dict(body="<html><body>maintenance</body></html>"),
     ["FRED DGS10", "line 1", "not a recognised CSV header"]),
    ("empty-answer", dict(body=""), ["FRED DGS10", "empty"]),
    ("other-series", dict(body=FRED_OK.replace("DGS10", "DGS2")),
     ["FRED column 'DGS2'", "expected 'DGS10'"]),
    ("cut-mid-row", dict(body=FRED_OK + "2024-1"),
     ["FRED DGS10", f"line {len(DAYS) + 2}", "1 fields, expected 2"]),
    ("yield-99", dict(body=FRED_OK.replace(",4.03", ",99")),
     ["FRED answer for DGS10", "close = 99", DAYS[3], "within -5 % to 30 %"]),
    ("future-date", dict(body=FRED_OK + "2099-01-02,4.1\n"),
     ["FRED answer for DGS10", "2099-01-02", "no date after today"]),
]


@pytest.mark.parametrize("answer, words", [pytest.param(a, w, id=i) for i, a, w in FRED_FAULTS])
def test_fred_fault_is_one_line_and_keeps_the_cache(capsys, online, answer, words):
    before = cached("DGS10")
    guard = Guard(cache_folder())
    with responses.RequestsMock() as rsps:
        rsps.get(fred.URL, **answer)
        got = cli(capsys, "data", "fetch", "DGS10")
    assert_refused(got, *words)
    guard.unchanged()
    assert cache.cache_path(data.get_series("DGS10")).read_bytes() == before


def _raises(exc):
    def download(symbol, **kw):
        raise exc
    return download


YAHOO_FAULTS = [
    ("connection", _raises(requests.exceptions.ConnectionError("down")),
     ["Yahoo Finance unreachable for ^RUT", "ConnectionError", "--source sample"]),
    ("any-exception", _raises(RuntimeError("curl: (6)")),
     ["Yahoo Finance unreachable for ^RUT", "RuntimeError"]),
    ("empty-answer", lambda symbol, **kw: pd.DataFrame(),
     ["Yahoo Finance returned no data for ^RUT"]),
    ("negative-close", lambda symbol, **kw: yf_answer(-closes()),
     ["Yahoo Finance answer for RUT", f"= {-closes()[0]:g} on {DAYS[0]}", "'> 0'"]),
    ("inf-close", lambda symbol, **kw: yf_answer(np.r_[closes(3), np.inf], DAYS[:4]),
     ["Yahoo Finance answer for RUT", f"= inf on {DAYS[3]}", "finite"]),
    ("future-date", lambda symbol, **kw: yf_answer(closes(2), ["2024-11-01", "2099-01-02"]),
     ["Yahoo Finance answer for RUT", "2099-01-02", "no date after today"]),
]


@pytest.mark.parametrize("download, words",
                         [pytest.param(d, w, id=i) for i, d, w in YAHOO_FAULTS])
def test_yahoo_fault_is_one_line_and_keeps_the_cache(capsys, online, monkeypatch, download,
                                                    words):
    before = cached("RUT")
    monkeypatch.setattr("yfinance.download", download)
    guard = Guard(cache_folder())
    got = cli(capsys, "data", "fetch", "RUT")
    assert_refused(got, *words)
    guard.unchanged()
    assert cache.cache_path(data.get_series("RUT")).read_bytes() == before


def test_live_report_with_the_network_down(capsys, tmp_path, online, monkeypatch):
    monkeypatch.setattr("yfinance.download",
                        _raises(requests.exceptions.ConnectionError("down")))
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "live",
              "--out", tmp_path / "out")
    assert_refused(got, "Yahoo Finance unreachable for ^RUT", "--source sample")
    assert not (tmp_path / "out").exists() and not cache_folder().exists()


@pytest.mark.parametrize("place", ["a-file", "under-a-file"])
def test_cache_folder_unwritable_with_live(capsys, tmp_path, online, monkeypatch, place):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n")
    target = blocker if place == "a-file" else blocker / "cache"
    monkeypatch.setenv("SMALLCAPS_CACHE_DIR", str(target))
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: yf_answer(closes()))
    with responses.RequestsMock() as rsps:
        rsps.get(fred.URL, body=FRED_OK)
        got = cli(capsys, "data", "fetch", "DGS10")
    assert_refused(got, "cannot write the cache file", str(target), "SMALLCAPS_CACHE_DIR")
    got = cli(capsys, "report", NB, "--notebooks", NOTEBOOKS, "--source", "live",
              "--out", tmp_path / "out")
    assert_refused(got, "cannot write the cache file", str(target), "SMALLCAPS_CACHE_DIR")
    assert blocker.read_text() == "not a folder\n" and not (tmp_path / "out").exists()


def test_fresh_download_with_a_good_cache_stays_silent(online, monkeypatch):
    """The control: a valid answer is cached and loads without a warning."""
    monkeypatch.setattr("yfinance.download", lambda symbol, **kw: yf_answer(closes()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = data.load("RUT", source="live", reference=["RUT"])
    assert f["RUT"].iloc[-1] == closes()[-1]


# --- user catalogs (SMALLCAPS_CATALOG) ---------------------------------------------------
ENTRY = "{name: Equal weight, provider: yahoo, symbol: RSP, kind: price, units: USD}"
#: (id, what the file is, words besides the file's path)
CATALOGS = [
    ("missing", None, ["no such file"]),
    ("a-folder", "<dir>", ["folder"]),
    ("latin-1", f"# S\xe9ries\nRSP: {ENTRY}\n".encode("latin-1"), ["UTF-8"]),
    ("binary", bytes(range(256)), ["UTF-8"]),
    ("bad-yaml", "RSP: {name: [unclosed\n", ["YAML"]),
    ("a-list", "- RSP\n- IWM\n", ["mapping"]),
    ("unknown-provider", ENTRY.replace("yahoo", "bloomberg").join(["RSP: ", "\n"]),
     ["'RSP'", "bloomberg", "yahoo, fred"]),
    ("unknown-kind", ENTRY.replace("price", "ratio").join(["RSP: ", "\n"]),
     ["'RSP'", "ratio", "price, yield"]),
    ("missing-field", "RSP: {name: Equal weight, provider: yahoo, symbol: RSP}\n",
     ["'RSP'", "kind", "units"]),
    ("duplicate-key", f"RSP: {ENTRY}\nRSP: {ENTRY}\n", ["'RSP'", "twice"]),
    ("html-key", f"'<img src=x onerror=alert(3)>': {ENTRY}\n",
     ["<img", "only the characters A-Za-z0-9"]),
]


def _catalog_file(tmp_path, content):
    path = tmp_path / "catalog.yml"
    if content == "<dir>":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["list", "report"])
@pytest.mark.parametrize("content, words", [pytest.param(c, w, id=i) for i, c, w in CATALOGS])
def test_user_catalog_that_cannot_be_used(capsys, tmp_path, monkeypatch, command, content,
                                          words):
    path = _catalog_file(tmp_path, content)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))
    folder = good_folder(tmp_path / "data")
    guard = Guard(folder, cache_folder(), path)
    if command == "list":
        got = cli(capsys, "data", "list", "--data-dir", folder)
    else:
        got = report(capsys, folder, tmp_path / "out")
    assert_refused(got, str(path), *words)
    assert got.out == "" and not (tmp_path / "out").exists()
    guard.unchanged()
