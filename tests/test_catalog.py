"""User catalog files that cannot be used: one line naming the file and what would be valid, exit
status 2, nothing printed on stdout and the file left as it was (issue rows 2 and 10).  And the
ways of having no user catalog, which are not errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from smallcaps.cli import main

GOOD = "RSP: {name: Equal weight S&P 500, provider: yahoo, symbol: RSP, kind: price, units: USD}\n"
NO_USER_CATALOG = "SMALLCAPS_CATALOG=none for no user catalog"


def _text(body: str | bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / "catalog.yml"
        p.write_bytes(body if isinstance(body, bytes) else body.encode())
        return p
    return make


def _entry(**fields: str) -> Callable[[Path], Path]:
    base = {"name": "Equal weight", "provider": "yahoo", "symbol": "RSP", "kind": "price",
            "units": "USD"}
    base.update(fields)
    body = ", ".join(f"{k}: {v}" for k, v in base.items() if v is not None)
    return _text(f"RSP: {{{body}}}\n")


def _missing(tmp: Path) -> Path:
    return tmp / "nowhere" / "catalog.yml"


def _folder(tmp: Path) -> Path:
    (tmp / "catalog.yml").mkdir()
    return tmp / "catalog.yml"


def _under_a_file(tmp: Path) -> Path:
    (tmp / "plain.txt").write_text("x\n")
    return tmp / "plain.txt" / "catalog.yml"


def _broken_link(tmp: Path) -> Path:
    (tmp / "catalog.yml").symlink_to(tmp / "gone.yml")
    return tmp / "catalog.yml"


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "catalog.yml")  # reading it would block: refused from its status
    return tmp / "catalog.yml"


def _huge(tmp: Path) -> Path:
    p = tmp / "catalog.yml"
    p.write_bytes(b"# " + b"x" * 1_100_000 + b"\n" + GOOD.encode())
    return p


# (case id, how to make the file named by SMALLCAPS_CATALOG, words the one line must have)
CASES = [
    ("missing", _missing, ["no such file", NO_USER_CATALOG]),
    ("folder", _folder, ["is a folder, not a file", NO_USER_CATALOG]),
    ("parent-is-a-file", _under_a_file, ["no such file", NO_USER_CATALOG]),
    ("broken-link", _broken_link, ["a link to a missing file", NO_USER_CATALOG]),
    ("fifo", _fifo, ["is not a regular file", NO_USER_CATALOG]),
    ("too-large", _huge, ["bytes is too large for a catalog (at most 1000000)"]),
    ("latin-1", _text("# ok\nRSP: {name: S&P \xe9gal, provider: yahoo, symbol: RSP, kind: price,"
                      " units: USD}\n".encode("latin-1")),
     ["not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8"]),
    ("utf-16", _text(GOOD.encode("utf-16")), ["not UTF-8 text (byte 0xff on line 1)"]),
    ("yaml-syntax", _text("RSP: {name: x, provider: yahoo\nDGS5: [\n"),
     ["not valid YAML at line", "expected lines like KEY: {name: ..., provider: yahoo|fred"]),
    ("yaml-tab", _text("RSP:\n\tname: x\n"), ["not valid YAML at line 2"]),
    ("python-tag", _text("RSP: !!python/object/apply:os.system ['true']\n"),
     ["not valid YAML at line 1", "could not determine a constructor"]),
    ("top-level-list", _text("- RSP\n- DGS5\n"),
     ["expected a mapping of keys to fields", "got list ['RSP', 'DGS5']"]),
    ("top-level-text", _text("just some words\n"),
     ["expected a mapping of keys to fields", "got str 'just some words'"]),
    ("entry-not-mapping", _text("RSP: RSP\n"), ["entry 'RSP' must be a mapping of fields"]),
    ("duplicate-key", _text(GOOD + "# again\n" + GOOD),
     ["key 'RSP' appears twice (lines 1 and 3); each key once"]),
    ("duplicate-field", _text("RSP: {name: a, name: b, provider: yahoo, symbol: RSP, "
                              "kind: price, units: USD}\n"),
     ["key 'name' appears twice (line 1); each key once"]),
    ("unknown-provider", _entry(provider="bloomberg"),
     ["entry 'RSP' has provider 'bloomberg'; valid: yahoo, fred"]),
    ("unknown-kind", _entry(kind="bond"), ["entry 'RSP' has kind 'bond'; valid: price, yield"]),
    ("missing-fields", _entry(kind=None, units=None),
     ["entry 'RSP' lacks kind, units (each entry needs name, provider, symbol, kind, units)"]),
    ("unknown-field", _entry(kidn="price"),
     ["entry 'RSP' has unknown field 'kidn'; valid fields: name, provider, symbol, kind, units"]),
    ("empty-name", _entry(name="''"), ["entry 'RSP' has an empty name; give it some text"]),
    ("name-not-text", _entry(name="[a, b]"), ["entry 'RSP' has name ['a', 'b']; expected text"]),
    ("symbol-path", _entry(symbol="../../etc/passwd"),
     ["entry 'RSP' has symbol '../../etc/passwd'; valid characters: A-Za-z0-9_^.=-"]),
    ("key-html", _text("'<img src=x onerror=alert(3)>': {name: x, provider: yahoo, symbol: X, "
                       "kind: price, units: USD}\n"),
     ["key '<img src=x onerror=alert(3)>' is not a valid key; use only the characters "
      "A-Za-z0-9_^.-"]),
    ("key-space", _text("MY KEY: {name: x, provider: yahoo, symbol: X, kind: price, units: USD}\n"),
     ["key 'MY KEY' is not a valid key"]),
    ("key-newline", _text('"A\\nB": {name: x, provider: yahoo, symbol: X, kind: price, '
                          "units: USD}\n"), ["key 'A\\nB' is not a valid key"]),
    ("key-number", _text("10: {name: x, provider: yahoo, symbol: X, kind: price, units: USD}\n"),
     ["key 10 is not text; write it in quotes"]),
]


def _snapshot(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def _one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == ""  # nothing listed before the error
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(("make", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_catalog_named_by_the_variable(make, words, tmp_path, monkeypatch, capsys):
    path = make(tmp_path)
    before = _snapshot(path)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))
    assert main(["data", "list"]) == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"smallcaps: error: catalog {path} ($SMALLCAPS_CATALOG): "), line
    for w in words:
        assert w in line, (w, line)
    assert _snapshot(path) == before  # the file is left as it was


def test_unreadable_catalog(tmp_path, monkeypatch, capsys):
    """A file that cannot be read (simulated: as root, mode 000 does not stop a read)."""
    path = _text(GOOD)(tmp_path)
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))
    assert main(["data", "list"]) == 2
    line = _one_error_line(capsys)
    assert line == (f"smallcaps: error: catalog {path} ($SMALLCAPS_CATALOG): cannot be read "
                    "(Permission denied); make it readable, or name another file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_catalog_without_read_permission(tmp_path, monkeypatch, capsys):
    path = _text(GOOD)(tmp_path)
    path.chmod(0)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))
    try:
        assert main(["data", "list"]) == 2
        assert "cannot be read (Permission denied)" in _one_error_line(capsys)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("make", [_folder, _text("RSP: [\n"), _entry(kind="bond")],
                         ids=["folder", "yaml-syntax", "unknown-kind"])
def test_bad_project_catalog(make, tmp_path, monkeypatch, capsys):
    """The project's own data/catalog.yml (no variable set) is checked the same way."""
    (tmp_path / "data").mkdir()
    path = make(tmp_path / "data")
    monkeypatch.delenv("SMALLCAPS_CATALOG")
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(tmp_path))
    assert main(["data", "list"]) == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"smallcaps: error: catalog {path.resolve()}: "), line
    assert "$SMALLCAPS_CATALOG" not in line


def test_no_project_catalog_is_fine(tmp_path, monkeypatch, capsys):
    """The project's data/catalog.yml is optional: absent, only the built-in series."""
    monkeypatch.delenv("SMALLCAPS_CATALOG")
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(tmp_path))
    assert main(["data", "list"]) == 0
    keys = [ln.split()[0] for ln in capsys.readouterr().out.splitlines()[1:] if ln.strip()]
    assert {"RUT", "SPX", "DGS10"} <= set(keys) and "RSP" not in keys


@pytest.mark.parametrize("value", ["none", "NONE", "", os.devnull])
def test_no_user_catalog(value, tmp_path, monkeypatch, capsys):
    """``SMALLCAPS_CATALOG=none`` (or empty, or /dev/null): no user catalog, even when the
    project has one."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalog.yml").write_text(GOOD)
    monkeypatch.setenv("SMALLCAPS_PROJECT", str(tmp_path))
    monkeypatch.setenv("SMALLCAPS_CATALOG", value)
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "RUT" in out and "RSP" not in out


def test_good_user_catalog_adds_and_overrides(tmp_path, monkeypatch, capsys):
    path = _text(GOOD + "RUT: {name: My Russell, provider: yahoo, symbol: ^RUT, kind: price, "
                 "units: index points}\nDGS5: {name: 5-year yield, provider: fred, symbol: DGS5,"
                 " kind: yield, units: percent}\n'BRK.B': {name: Berkshire, provider: yahoo, "
                 "symbol: BRK-B, kind: price, units: USD}\n")(tmp_path)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(path))
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip()}
    assert {"RSP", "DGS5", "BRK.B", "SPX"} <= set(rows)
    assert "My Russell" in rows["RUT"]
    # an edit is seen by the next call (the parsed file is cached by size and mtime)
    path.write_text(GOOD.replace("Equal weight S&P 500", "Equal weight"))
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "DGS5" not in out and "My Russell" not in out
