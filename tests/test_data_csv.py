"""CSV parsers on small fixtures in every real provider format (tests/fixtures/csv)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smallcaps.data.csvfile import parse_csv_text, read_csv
from smallcaps.errors import DataError

FIX = Path(__file__).parent / "fixtures" / "csv"


def test_yahoo_export_keeps_close_and_adj_close():
    f = read_csv(FIX / "yahoo_export.csv")
    assert f.attrs["format"] == "yahoo"
    assert list(f.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert f.loc["2024-10-31", "close"] == pytest.approx(217.759995)
    assert f.loc["2024-10-31", "adj_close"] == pytest.approx(215.42)
    assert isinstance(f.index, pd.DatetimeIndex) and f.index.name == "date"


def test_yfinance_four_line_header_price_column_is_adj_close():
    f = read_csv(FIX / "yfinance_4line.csv")
    assert f.attrs["format"] == "yfinance-multi"
    assert len(f) == 3
    assert f.index[0] == pd.Timestamp("2000-05-26")  # the ' 00:00:00' suffix is dropped
    assert f.loc["2000-05-26", "adj_close"] == pytest.approx(32.83599090576172)
    assert f.loc["2000-05-26", "close"] == pytest.approx(45.71875)
    assert f.loc["2000-05-31", "volume"] == 46100


def test_yfinance_three_line_header():
    f = read_csv(FIX / "yfinance_3line.csv")
    assert f.attrs["format"] == "yfinance-multi"
    assert f.loc["2024-10-31", "close"] == pytest.approx(5705.45, abs=0.01)
    assert set(f.columns) == {"open", "high", "low", "close", "adj_close", "volume"}


def test_fred_blanks_are_missing():
    f = read_csv(FIX / "fred_blank.csv", symbol="DGS10")
    assert f.attrs["format"] == "fred"
    assert list(f.columns) == ["close"]
    assert np.isnan(f.loc["2024-12-25", "close"]) and np.isnan(f.loc["2025-01-01", "close"])
    assert f["close"].notna().sum() == 3


def test_fred_dot_and_DATE_header():
    f = read_csv(FIX / "fred_dot_DATE.csv", symbol="DGS10")
    assert f.attrs["format"] == "fred"
    assert f.loc["2024-11-08", "close"] == 4.30
    assert np.isnan(f.loc["2024-11-11", "close"])


def test_fred_wrong_series_is_named():
    with pytest.raises(DataError, match=r"fred_blank.csv: line 1: FRED column 'DGS10', "
                                        r"expected 'DGS2'"):
        read_csv(FIX / "fred_blank.csv", symbol="DGS2")


def test_plain_date_close():
    f = read_csv(FIX / "plain.csv")
    assert f.attrs["format"] == "plain"
    assert f["close"].tolist() == [2209.22, 2270.59, 2392.92]


def test_crlf_and_yfinance_auto_adjusted_column_order():
    f = read_csv(FIX / "crlf_rut.csv")
    assert list(f.columns) == ["open", "high", "low", "close", "volume"]
    assert f.loc["2024-10-31", "close"] == pytest.approx(2196.65, abs=0.005)
    assert f.loc["2024-11-01", "open"] == pytest.approx(2203.85, abs=0.005)


def test_unsorted_blank_lines_null_and_duplicates():
    f = read_csv(FIX / "messy.csv")
    assert list(f.index.strftime("%Y-%m-%d")) == ["2024-11-01", "2024-11-04", "2024-11-05",
                                                  "2024-11-06"]
    assert f.loc["2024-11-01"].isna().all()  # 'null' row kept as missing
    assert np.isnan(f.loc["2024-11-06", "volume"])
    assert f.loc["2024-11-05", "close"] == 12


def test_conflicting_duplicates_warn_and_keep_last():
    with pytest.warns(UserWarning, match="1 dates appear more than once.*2024-11-04"):
        f = read_csv(FIX / "duplicate_conflict.csv")
    assert f.loc["2024-11-04", "close"] == 11
    assert f.index.is_unique


def test_bad_number_names_file_line_and_expectation():
    with pytest.raises(DataError) as err:
        read_csv(FIX / "bad_number.csv")
    msg = str(err.value)
    assert "bad_number.csv: line 3: '1O.7' in column close is not a number" in msg
    assert "\n" not in msg


@pytest.mark.parametrize("text, match", [
    ("", "empty file"),
    ("Foo,Bar\n1,2\n", "line 1: not a recognised CSV header"),
    ("Date,Close\n2024-13-01,5\n", "line 2: date '2024-13-01' is not a date"),
    ("Date,Close\n2024-11-01,5,6\n", "line 2: 3 fields, expected 2"),
    ("Date,Open,Wibble\n2024-11-01,5,6\n", "column 3: unknown column 'Wibble'"),
    ("Date,Open,High\n2024-11-01,5,6\n", "no Close column"),
])
def test_malformed_files_are_clear_errors(text, match):
    with pytest.raises(DataError, match=match):
        parse_csv_text(text, "x.csv")


def test_missing_file():
    with pytest.raises(DataError, match="nope.csv: file not found"):
        read_csv(FIX / "nope.csv")


rows = st.lists(
    st.tuples(st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                       max_value=pd.Timestamp("2030-12-31").date()),
              st.floats(min_value=0.01, max_value=1e5, allow_nan=False).map(lambda x: round(x, 4))),
    min_size=1, max_size=40, unique_by=lambda r: r[0],
)


@settings(max_examples=60, deadline=None)
@given(rows=rows, seed=st.randoms(use_true_random=False), crlf=st.booleans())
def test_shuffled_rows_parse_to_the_same_sorted_frame(rows, seed, crlf):
    nl = "\r\n" if crlf else "\n"
    ordered = sorted(rows)
    shuffled = list(rows)
    seed.shuffle(shuffled)
    text_a = nl.join(["Date,Close"] + [f"{d:%Y-%m-%d},{v}" for d, v in ordered]) + nl
    text_b = nl.join(["Date,Close", ""] + [f"{d:%Y-%m-%d},{v}" for d, v in shuffled])
    a, b = parse_csv_text(text_a, "a"), parse_csv_text(text_b, "b")
    pd.testing.assert_frame_equal(a, b)
    assert a.index.is_monotonic_increasing and a.index.is_unique
    assert a["close"].tolist() == [v for _, v in ordered]


cells = st.one_of(st.floats(min_value=0.01, max_value=1e5, allow_nan=False).map(
    lambda x: repr(round(x, 4))), st.sampled_from(["", ".", "null", "NaN"]))
HEADERS = {
    "yahoo": "Date,Open,High,Low,Close,Adj Close,Volume",
    "yfinance-multi": "Price,Price,Close,High,Low,Open,Volume\nTicker,IWM,IWM,IWM,IWM,IWM,IWM\n"
                      "Ticker,IWM,IWM,IWM,IWM,IWM,IWM\nDate,,,,,,",
    "fred": "observation_date,DGS10",
}


@settings(max_examples=40, deadline=None)
@given(fmt=st.sampled_from(sorted(HEADERS)), crlf=st.booleans(),
       days=st.lists(st.integers(0, 60), min_size=1, max_size=30),
       data=st.data())
def test_fast_reader_equals_the_exact_line_by_line_parser(tmp_path_factory, fmt, crlf, days,
                                                         data):
    """pyarrow's reader (read_csv) and the exact parser give the same frame, duplicates,
    unsorted dates and null markers included."""
    width = 1 if fmt == "fred" else 6
    lines = [HEADERS[fmt]]
    for d in days:  # repeated days are duplicates, some with different values
        date = f"{pd.Timestamp('2024-01-01') + pd.Timedelta(days=d):%Y-%m-%d}"
        lines.append(",".join([date] + [data.draw(cells) for _ in range(width)]))
    nl = "\r\n" if crlf else "\n"
    text = nl.join(lines) + nl
    path = tmp_path_factory.mktemp("fast") / "x.csv"
    path.write_bytes(text.encode())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = read_csv(path)
        exact = parse_csv_text(text, str(path))
    pd.testing.assert_frame_equal(fast, exact)
    assert fast.attrs["format"] == exact.attrs["format"] == fmt


def test_two_million_rows_with_repeated_dates_parse_without_a_per_date_loop(tmp_path):
    """The issue's 2,000,000-row file (dates repeated) killed the old reader after 300 s; the
    size here is a tenth of it (the timing lives in benchmarks/bench_csv.py)."""
    n = 200_000
    dates = pd.date_range("1990-01-01", periods=n // 4, freq="D").strftime("%Y-%m-%d")
    body = "\n".join(f"{d},{i % 97 + 1}.5" for i, d in enumerate(list(dates) * 4))
    path = tmp_path / "big.csv"
    path.write_text("Date,Close\n" + body + "\n")
    with pytest.warns(UserWarning, match=r"50000 dates appear more than once with different"):
        frame = read_csv(path)
    assert len(frame) == n // 4 and frame.index.is_unique
    # the last row of each date wins: row 3 * n/4 + k carries (3 * n/4 + k) % 97 + 1.5
    k = 12_345
    assert frame["close"].iloc[k] == (3 * (n // 4) + k) % 97 + 1.5
