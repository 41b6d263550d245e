"""Bad inputs, table-driven: CSV files in every accepted format, broken every way.

Formats: a Yahoo export, yfinance's 3- and 4-line headers, FRED's ``observation_date`` and
``DATE`` exports, plain ``Date,Close``.  Each broken file is put in an otherwise valid CSV folder
and ``smallcaps report --source csv`` must refuse it before any kernel starts (see
``test_bad_inputs.py`` for what "refused" asserts).  What is accepted (unsorted rows, a BOM,
CRLF line ends, ``nan`` as a missing value, duplicate dates with a warning) is checked through
:func:`smallcaps.data.load` and the runner's pre-kernel check.
"""

from __future__ import annotations

import os
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from smallcaps import data
from smallcaps.data import fingerprint
from test_bad_inputs import DAYS, Guard, assert_refused, cache_folder, good_folder, report

K = 3  # the broken row: DAYS[3]
DAY = DAYS[K]


@pytest.fixture(autouse=True)
def _empty_user_catalog(monkeypatch, tmp_path):
    from test_bad_inputs import no_user_series

    no_user_series(monkeypatch, tmp_path)


@dataclass(frozen=True)
class Format:
    """One accepted CSV layout and how a row of it is written."""

    name: str
    file: str  # the file name it is saved under in the CSV folder
    key: str
    header: tuple[str, ...]
    layout: str  # yahoo (d,o,h,l,c,ac,v), yf (d,ac,c,h,l,o,v), one (d,value)
    kind: str = "price"
    time: str = ""  # appended to dates (yfinance writes ' 00:00:00' in some versions)

    def value(self, i: int) -> str:
        return f"{4 + i / 100:.2f}" if self.kind == "yield" else f"{2200 + i}.5"

    def row(self, date: str, close: str) -> str:
        d = date + self.time
        if self.layout == "yahoo":
            return f"{d},2200,2230,2180,{close},{close},1000"
        if self.layout == "yf":
            return f"{d},{close},{close},2230,2180,2200,1000"
        return f"{d},{close}"

    def rows(self) -> list[str]:
        return [self.row(d, self.value(i)) for i, d in enumerate(DAYS)]

    def text(self, rows: list[str] | None = None, nl: str = "\n") -> str:
        return nl.join([*self.header, *(self.rows() if rows is None else rows)]) + nl

    @property
    def line(self) -> int:
        """The file line of the broken row."""
        return len(self.header) + K + 1


YF = "Price,Adj Close,Close,High,Low,Open,Volume"
FORMATS = [
    Format("yahoo", "RUT.csv", "RUT", ("Date,Open,High,Low,Close,Adj Close,Volume",), "yahoo"),
    Format("yfinance-3", "RUT.csv", "RUT", (YF, "Ticker" + ",^RUT" * 6, "Date,,,,,,"), "yf"),
    Format("yfinance-4", "RUT.csv", "RUT",
           ("Price,Price,Close,High,Low,Open,Volume", "Ticker" + ",^RUT" * 6,
            "Ticker" + ",^RUT" * 6, "Date,,,,,,"), "yf", time=" 00:00:00"),
    Format("fred", "DGS10.csv", "DGS10", ("observation_date,DGS10",), "one", kind="yield"),
    Format("fred-DATE", "DGS10.csv", "DGS10", ("DATE,DGS10",), "one", kind="yield"),
    Format("plain", "RUT.csv", "RUT", ("Date,Close",), "one"),
]


def with_cell(f: Format, close: str) -> str:
    rows = f.rows()
    rows[K] = f.row(DAY, close)
    return f.text(rows)


def with_row(f: Format, row: str) -> str:
    rows = f.rows()
    rows[K] = row
    return f.text(rows)


def broken(f: Format, how: str) -> tuple[bytes, list[str]] | None:
    """The file broken ``how`` and the words its error must hold (None: not a fault for
    this kind of series)."""
    price = f.kind == "price"
    rule = "> 0" if price else "within -5 % to 30 %"
    full = f.row(DAY, f.value(K))
    cases = {
        "inf": (with_cell(f, "inf"), ["close = inf", DAY, "finite"]),
        "minus-inf": (with_cell(f, "-inf"), ["close = -inf", DAY, "finite"]),
        "negative": (with_cell(f, "-5" if price else "-7.5"),
                     [f"close = {'-5' if price else '-7.5'}", DAY, rule]),
        "zero": (with_cell(f, "0"), ["close = 0", DAY, "> 0"]) if price else None,
        "yield-99": None if price else (with_cell(f, "99"), ["close = 99", DAY, rule]),
        "text": (with_cell(f, "abc"), [f"line {f.line}", "'abc'", "not a number"]),
        "thousands": (with_cell(f, '"2,205.50"'), [f"line {f.line}", "'2,205.50'",
                                                    "not a number"]),
        "short-row": (with_row(f, full.rsplit(",", 1 if f.layout == "one" else 3)[0]),
                      [f"line {f.line}", "fields, expected"]),
        "long-row": (with_row(f, full + ",7"), [f"line {f.line}", "fields, expected"]),
        "bad-date": (with_row(f, full.replace(DAY, "2024-13-06")),
                     [f"line {f.line}", "2024-13-06", "YYYY-MM-DD"]),
        "us-date": (with_row(f, full.replace(DAY, "11/06/2024")),
                    [f"line {f.line}", "11/06/2024", "YYYY-MM-DD"]),
        "future": (f.text([*f.rows(), f.row("2099-01-04", f.value(1))]),
                   ["2099-01-04", "no date after today"]),
        "header-only": (f.text([]), ["no data", "only a header"]),
        "all-missing": (f.text([f.row(d, "") for d in DAYS]), ["no close values"]),
    }
    got = cases[how]
    if got is None:
        return None
    text, words = got
    return text.encode(), words


HOWS = ["inf", "minus-inf", "negative", "zero", "yield-99", "text", "thousands", "short-row",
        "long-row", "bad-date", "us-date", "future", "header-only", "all-missing"]
CELLS = [pytest.param(f, how, id=f"{f.name}-{how}") for f in FORMATS for how in HOWS
         if broken(f, how) is not None]


def refused(capsys, tmp_path, name: str, payload: bytes | None, *words: str) -> str:
    """``name`` in a valid folder replaced by ``payload`` (None: leave it as the caller made
    it): the report is refused, naming the file; nothing written."""
    folder = good_folder(tmp_path / "data")
    if payload is not None:
        (folder / name).write_bytes(payload)
    return refused_folder(capsys, tmp_path, folder, str(folder / name), *words)


def refused_folder(capsys, tmp_path, folder: Path, *words: str) -> str:
    out = tmp_path / "out"
    guard = Guard(folder, cache_folder())
    got = report(capsys, folder, out)
    line = assert_refused(got, *words)
    assert not out.exists()
    guard.unchanged()
    return line


@pytest.mark.parametrize("fmt, how", CELLS)
def test_broken_file_is_refused_naming_file_and_place(capsys, tmp_path, fmt, how):
    payload, words = broken(fmt, how)
    refused(capsys, tmp_path, fmt.file, payload, *words)


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_latin1_byte_names_the_line(capsys, tmp_path, fmt):
    payload = with_cell(fmt, "2205.5").encode().replace(b"2205.5", b"2205.5\xe9", 1)
    line = refused(capsys, tmp_path, fmt.file, payload, f"line {fmt.line}", "UTF-8")
    assert "\\xe9" not in line and "é" not in line


# --- whole files that are not a CSV of the series ----------------------------------------
def _zip_bytes() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", os.urandom(2000).hex())
    return buf.getvalue()


RUT_YAHOO = FORMATS[0].text()
FRED = FORMATS[3].text()
WHOLE = [
    ("empty", "RUT.csv", b"", ["empty file", "Date,Close"]),
    ("empty-fred", "DGS10.csv", b"", ["empty file"]),
    ("blank-lines", "RUT.csv", b"\n\n  \n", ["empty file"]),
    ("binary", "RUT.csv", bytes(range(256)) * 8, ["UTF-8"]),
    ("binary-fred", "DGS10.csv", b"\x00\xff\xfe" * 500, ["UTF-8"]),
    ("xlsx-saved-as-csv", "RUT.csv", _zip_bytes(), ["UTF-8", "CSV"]),
    ("utf16", "RUT.csv", RUT_YAHOO.encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("no-header", "RUT.csv", "".join(FORMATS[0].rows()).encode(),
     ["line 1", "not a recognised CSV header"]),
    ("html-page", "RUT.csv", b"<html><body>Too many requests</body></html>\n",
     ["line 1", "not a recognised CSV header"]),
    ("fred-as-RUT", "RUT.csv", FRED.encode(), ["a fred file cannot hold RUT", "price series"]),
    ("yahoo-as-DGS10", "DGS10.csv", RUT_YAHOO.encode(),
     ["a yahoo file cannot hold DGS10", "yield series", "observation_date"]),
    ("yfinance-as-DGS10", "DGS10.csv", FORMATS[1].text().encode(),
     ["a yfinance-multi file cannot hold DGS10"]),
    ("other-fred-id", "DGS10.csv", FRED.replace("DGS10", "DGS2").encode(),
     ["line 1", "FRED column 'DGS2'", "expected 'DGS10'"]),
    ("other-ticker", "RUT.csv", FORMATS[1].text().replace("^RUT", "^GSPC").encode(),
     ["line 2", "^GSPC", "^RUT"]),
    ("unknown-column", "RUT.csv", RUT_YAHOO.replace("Adj Close", "Wibble").encode(),
     ["line 1", "unknown column 'Wibble'"]),
    ("no-close-column", "RUT.csv", "Date,Open,High\n" + "".join(f"{d},1,2\n" for d in DAYS),
     ["line 1", "no Close column"]),
    ("duplicate-column", "RUT.csv", "Date,Close,Close\n2024-11-01,1,2\n",
     ["line 1", "duplicate columns"]),
    ("basis-points", "DGS10.csv", FRED.replace(",4.0", ",40").encode(),
     ["close = 40", "within -5 % to 30 %"]),
    ("volume-negative", "RUT.csv", RUT_YAHOO.replace(",1000\n", ",-1000\n", 1).encode(),
     ["volume = -1000", DAYS[0], ">= 0"]),
    ("high-inf", "RUT.csv", RUT_YAHOO.replace(",2230,", ",inf,", 1).encode(),
     ["high = inf", DAYS[0], "finite"]),
]


@pytest.mark.parametrize("name, payload, words", [
    pytest.param(n, p.encode() if isinstance(p, str) else p, w, id=i) for i, n, p, w in WHOLE])
def test_file_that_cannot_hold_the_series_is_refused(capsys, tmp_path, name, payload, words):
    line = refused(capsys, tmp_path, name, payload, *words)
    assert "\\x" not in line  # no bytes of the file echoed


# --- files that are not regular files inside the folder ----------------------------------
SECRET = "TOP-SECRET-7f3a9c"


def _outside_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\nsecond line\n")
    return secret


def test_symlink_out_of_the_folder_is_refused_without_reading_it(capsys, tmp_path):
    folder = good_folder(tmp_path / "data")
    (folder / "RUT.csv").unlink()
    (folder / "RUT.csv").symlink_to(_outside_secret(tmp_path))
    line = refused_folder(capsys, tmp_path, folder, str(folder / "RUT.csv"), "symbolic link",
                          "outside the data folder", "SMALLCAPS_FOLLOW_SYMLINKS=1")
    assert SECRET not in line


def test_symlink_allowed_never_prints_the_target(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCAPS_FOLLOW_SYMLINKS", "1")
    folder = good_folder(tmp_path / "data")
    (folder / "RUT.csv").unlink()
    (folder / "RUT.csv").symlink_to(_outside_secret(tmp_path))
    line = refused_folder(capsys, tmp_path, folder, "RUT.csv", "line 1",
                          "not a recognised CSV header")
    assert SECRET not in line


def test_symlink_to_nowhere_is_named(capsys, tmp_path):
    folder = good_folder(tmp_path / "data")
    (folder / "RUT.csv").unlink()
    (folder / "RUT.csv").symlink_to(tmp_path / "gone.csv")
    refused_folder(capsys, tmp_path, folder, str(folder / "RUT.csv"), "symbolic link",
                   "missing")


def test_folder_named_like_a_csv_file(capsys, tmp_path):
    folder = good_folder(tmp_path / "data")
    (folder / "RUT.csv").unlink()
    (folder / "RUT.csv").mkdir()
    refused_folder(capsys, tmp_path, folder, str(folder / "RUT.csv"), "a folder, not a file")


def test_named_pipe_is_refused_without_blocking(capsys, tmp_path):
    folder = good_folder(tmp_path / "data")
    os.mkfifo(folder / "DGS10.csv.tmp")
    (folder / "DGS10.csv").unlink()
    os.replace(folder / "DGS10.csv.tmp", folder / "DGS10.csv")
    refused_folder(capsys, tmp_path, folder, str(folder / "DGS10.csv"), "not a regular file")


def test_two_files_for_one_series(capsys, tmp_path):
    folder = good_folder(tmp_path / "data")
    shutil.copy(folder / "RUT.csv", folder / "^RUT.csv")
    refused_folder(capsys, tmp_path, folder, "RUT.csv", "^RUT.csv", "both hold RUT", "keep one")


# --- accepted inputs: read as documented, and not refused by the pre-kernel check ---------
def load_one(folder: Path, key: str):
    """The series as a notebook would load it, after the runner's pre-kernel check."""
    fingerprint.data_fingerprint("csv", folder)
    ref = ["DGS10"] if key == "DGS10" else None
    return data.load(key, source="csv", data_dir=folder, reference=ref)[key]


def accepted_folder(tmp_path: Path, f: Format, payload: bytes) -> Path:
    folder = good_folder(tmp_path / "data")
    (folder / f.file).write_bytes(payload)
    return folder


def expected(f: Format) -> list[float]:
    return [float(f.value(i)) for i in range(len(DAYS))]


@pytest.mark.parametrize("variant", ["bom", "crlf", "unsorted", "blank-lines"])
@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_accepted_variants_read_the_same_values(tmp_path, fmt, variant):
    text = {"bom": "\ufeff" + fmt.text(), "crlf": fmt.text(nl="\r\n"),
            "unsorted": fmt.text(fmt.rows()[::-1]),
            "blank-lines": fmt.text([*fmt.rows()[:5], "", *fmt.rows()[5:], ""])}[variant]
    folder = accepted_folder(tmp_path, fmt, text.encode())
    guard = Guard(folder)
    got = load_one(folder, fmt.key)
    assert got.tolist() == expected(fmt)
    assert list(got.index.strftime("%Y-%m-%d")) == DAYS
    guard.unchanged()


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_nan_text_is_a_missing_value(tmp_path, fmt):
    """``nan`` (pandas' own marker) is missing, like an empty cell, ``.`` or ``null``: the date
    has no value; it is not a number that reaches the analysis."""
    folder = accepted_folder(tmp_path, fmt, with_cell(fmt, "nan").encode())
    got = load_one(folder, fmt.key)
    assert DAY not in set(got.index.strftime("%Y-%m-%d"))
    assert np.isfinite(got.to_numpy()).all() and len(got) == len(DAYS) - 1


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.kind == "yield"],
                         ids=[f.name for f in FORMATS if f.kind == "yield"])
def test_zero_and_negative_yields_in_range_are_valid(tmp_path, fmt):
    rows = fmt.rows()
    rows[K], rows[K + 1] = fmt.row(DAY, "0"), fmt.row(DAYS[K + 1], "-0.75")
    got = load_one(accepted_folder(tmp_path, fmt, fmt.text(rows).encode()), fmt.key)
    assert got[DAY] == 0 and got[DAYS[K + 1]] == -0.75


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_conflicting_duplicate_dates_warn_and_keep_the_last(tmp_path, fmt):
    rows = fmt.rows()
    rows.insert(K + 1, fmt.row(DAY, fmt.value(40)))
    folder = accepted_folder(tmp_path, fmt, fmt.text(rows).encode())
    fingerprint.data_fingerprint("csv", folder)  # the pre-kernel check: no error
    with pytest.warns(UserWarning) as caught:
        got = data.load(fmt.key, source="csv", data_dir=folder,
                        reference=["DGS10"] if fmt.key == "DGS10" else None)[fmt.key]
    msgs = [str(w.message) for w in caught]
    assert any(fmt.file in m and "1 dates appear more than once with different values" in m
               and f"first {DAY}" in m and "last row" in m for m in msgs), msgs
    assert got[DAY] == float(fmt.value(40)) and got.index.is_unique


def test_identical_duplicate_rows_are_silent(tmp_path):
    fmt = FORMATS[0]
    rows = fmt.rows()
    rows.insert(K, rows[K])
    folder = accepted_folder(tmp_path, fmt, fmt.text(rows).encode())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_one(folder, "RUT").tolist() == expected(fmt)


def test_symlink_inside_the_folder_is_followed(tmp_path):
    folder = good_folder(tmp_path / "data")
    (folder / "archive").mkdir()
    os.replace(folder / "RUT.csv", folder / "archive" / "rut-2024.csv")
    (folder / "RUT.csv").symlink_to(Path("archive") / "rut-2024.csv")
    assert load_one(folder, "RUT").iloc[0] == 2200.0


def test_symlink_out_of_the_folder_when_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCAPS_FOLLOW_SYMLINKS", "1")
    folder = good_folder(tmp_path / "data")
    os.replace(folder / "RUT.csv", tmp_path / "rut-elsewhere.csv")
    (folder / "RUT.csv").symlink_to(tmp_path / "rut-elsewhere.csv")
    assert load_one(folder, "RUT").iloc[-1] == 2200.0 + len(DAYS) - 1
