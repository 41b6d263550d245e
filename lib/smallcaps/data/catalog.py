"""The series catalog: analyst keys mapped to provider, symbol, kind and units.

The built-in catalog ships with the package (the resource ``smallcaps.data/catalog.yml``).  A
user adds or overrides series in a small YAML file of the same shape: ``data/catalog.yml`` in the
project folder (:func:`smallcaps.project.project_dir`), or the file named by the
``SMALLCAPS_CATALOG`` environment variable (``none``, an empty value or ``/dev/null``: no user
catalog at all).

What an entry is, is declared once (:class:`Entry`, a pydantic model).  A user catalog that
cannot be used is a one-line :class:`~smallcaps.errors.DataError` that names the file and says
what would be valid, never a traceback and never silently ignored: a file named by
``SMALLCAPS_CATALOG`` that does not exist, a folder or other non-file, an unreadable file, text
that is not UTF-8, YAML syntax errors, duplicate keys, and entries with a missing or unknown
field, an unknown provider or kind, or a key or symbol with characters outside
:data:`KEY_CHARS`.  Only the project's own ``data/catalog.yml`` may be absent (it is optional).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from smallcaps import project
from smallcaps.errors import DataError

__all__ = [
    "ENV",
    "FIELDS",
    "KEY_CHARS",
    "KINDS",
    "SYMBOL_CHARS",
    "PROVIDERS",
    "Entry",
    "Series",
    "catalog",
    "get_series",
    "parse_catalog",
    "user_catalog_path",
]

PROVIDERS = ("yahoo", "fred")
KINDS = ("price", "yield")
FIELDS = ("name", "provider", "symbol", "kind", "units")
#: characters a key may have (it names columns, files and pages); symbols may also have ``=``
KEY_CHARS = "A-Za-z0-9_^.-"
SYMBOL_CHARS = "A-Za-z0-9_^.=-"
ENV = "SMALLCAPS_CATALOG"
NO_CATALOG = ("", "none", os.devnull)  # values of $SMALLCAPS_CATALOG meaning "no user catalog"
MAX_BYTES = 1_000_000  # a catalog is a few lines; anything larger is not one
BUILTIN = "catalog.yml"  # resource of the package smallcaps.data
SHAPE = "KEY: {name: ..., provider: yahoo|fred, symbol: ..., kind: price|yield, units: ...}"

_Symbol = Annotated[str, StringConstraints(pattern=f"^[{SYMBOL_CHARS}]+$")]
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Entry(BaseModel):
    """The fields of one catalog entry, as written in a catalog file (see :class:`Series`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    name: _Text
    provider: Literal["yahoo", "fred"]
    symbol: _Symbol
    kind: Literal["price", "yield"]
    units: _Text


@dataclass(frozen=True)
class Series:
    """One catalog entry.

    Attributes
    ----------
    key : str
        Analyst name, e.g. ``"RUT"``; the column name in loaded frames.
    name : str
        Long name for titles, e.g. ``"Russell 2000"``.
    provider : str
        ``"yahoo"`` or ``"fred"``.
    symbol : str
        Provider symbol, e.g. ``"^RUT"`` or ``"DGS10"``.
    kind : str
        ``"price"`` (an index level or ETF price) or ``"yield"`` (a rate in percent).
    units : str
        ``"index points"``, ``"USD"`` or ``"percent"``.
    """

    key: str
    name: str
    provider: str
    symbol: str
    kind: str
    units: str

    @property
    def file_stems(self) -> tuple[str, ...]:
        """File names (without ``.csv``) under which a CSV folder may hold this series."""
        stems = [self.key, self.symbol, self.symbol.lstrip("^")]
        return tuple(dict.fromkeys(stems))


def _show(value: object, limit: int = 60) -> str:
    """``repr`` of a value from a file, on one line and at most ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping key written twice (YAML keeps the last)."""

    def construct_mapping(self, node, deep=False):  # PyYAML's hook for every mapping
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key (a list or mapping): the constructor says so
                continue
            if first is not None:
                where = f"line {line}" if first == line else f"lines {first} and {line}"
                raise DataError(f"key {_show(key)} appears twice ({where}); each key once")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _entry_error(key: str, exc: ValidationError) -> str:
    """One line for the first problem pydantic found in the entry ``key``."""
    missing = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "missing"]
    if missing:
        return (f"entry {key!r} lacks {', '.join(missing)} "
                f"(each entry needs {', '.join(FIELDS)})")
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else "?"
    got = _show(err.get("input"))
    if err["type"] == "extra_forbidden":
        return f"entry {key!r} has unknown field {field!r}; valid fields: {', '.join(FIELDS)}"
    if err["type"] == "literal_error":
        valid = PROVIDERS if field == "provider" else KINDS
        return f"entry {key!r} has {field} {got}; valid: {', '.join(valid)}"
    if err["type"] == "string_pattern_mismatch":
        return f"entry {key!r} has {field} {got}; valid characters: {SYMBOL_CHARS}"
    if err["type"] == "string_too_short":
        return f"entry {key!r} has an empty {field}; give it some text"
    return f"entry {key!r} has {field} {got}; expected text"


def parse_catalog(entries: object, origin: str) -> dict[str, Series]:
    """Validate the loaded YAML of a catalog file and return its series by key.

    Parameters
    ----------
    entries : object
        What the YAML file holds: a mapping of key -> fields (``None`` for an empty file).
    origin : str
        The file, for messages.

    Returns
    -------
    dict of str to Series

    Raises
    ------
    DataError
        One line naming ``origin``, the entry and what would be valid.
    """
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise DataError(f"catalog {origin}: expected a mapping of keys to fields ({SHAPE}), "
                        f"got {type(entries).__name__} {_show(entries, 40)}")
    out: dict[str, Series] = {}
    for key, fields in entries.items():
        if not isinstance(key, str):
            raise DataError(f"catalog {origin}: key {_show(key)} is not text; write it in quotes "
                            f"(and use only the characters {KEY_CHARS})")
        if not re.fullmatch(f"[{KEY_CHARS}]+", key):
            raise DataError(f"catalog {origin}: key {_show(key)} is not a valid key; "
                            f"use only the characters {KEY_CHARS}")
        if not isinstance(fields, dict):
            raise DataError(f"catalog {origin}: entry {key!r} must be a mapping of fields "
                            f"({SHAPE}), got {_show(fields, 40)}")
        try:
            entry = Entry.model_validate({str(k): v for k, v in fields.items()})
        except ValidationError as exc:
            raise DataError(f"catalog {origin}: {_entry_error(key, exc)}") from None
        out[key] = Series(key=key, **entry.model_dump())
    return out


def _named() -> tuple[Path | None, bool]:
    """(user catalog file or None, whether ``$SMALLCAPS_CATALOG`` named it)."""
    env = os.environ.get(ENV)
    if env is None:
        return project.catalog_path(), False
    if env.strip().lower() in NO_CATALOG:
        return None, True
    return Path(env.strip()).expanduser(), True


def user_catalog_path() -> Path:
    """Path of the user's catalog extension file: ``$SMALLCAPS_CATALOG``, else
    ``data/catalog.yml`` in the project folder (which may not exist).  ``os.devnull`` when
    ``$SMALLCAPS_CATALOG`` says there is none (``none`` or empty)."""
    path, _ = _named()
    return Path(os.devnull) if path is None else path


def _where(path: Path, named: bool) -> str:
    text = str(path)
    text = text if text.isprintable() else _show(text, 200)
    return f"{text} (${ENV})" if named else text


def _stat(path: Path, named: bool) -> os.stat_result | None:
    """The file's status; None for an absent project catalog; DataError for anything else."""
    where = _where(path, named)
    fix = (f"name a YAML file, or set {ENV}=none for no user catalog" if named
           else f"make it a YAML file ({SHAPE}) or remove it")
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        if path.is_symlink():
            raise DataError(f"catalog {where}: a link to a missing file; {fix}") from None
        if not named:
            return None
        raise DataError(f"catalog {where}: no such file; {fix}") from None
    except OSError as exc:
        raise DataError(f"catalog {where}: cannot be read ({exc.strerror or exc}); {fix}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(f"catalog {where}: is a folder, not a file; {fix}")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"catalog {where}: is not a regular file; {fix}")
    if st.st_size > MAX_BYTES:
        raise DataError(f"catalog {where}: {st.st_size} bytes is too large for a catalog "
                        f"(at most {MAX_BYTES}); {fix}")
    return st


def _read(path: Path, named: bool) -> object:
    """The loaded YAML of a user catalog file (DataError naming the file when it is not)."""
    where = _where(path, named)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"catalog {where}: cannot be read ({exc.strerror or exc}); "
                        "make it readable, or name another file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"catalog {where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line "
                        f"{line}); save it as UTF-8") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no Python objects
    except DataError as exc:
        raise DataError(f"catalog {where}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise DataError(f"catalog {where}: not valid YAML{at} ({problem}); "
                        f"expected lines like {SHAPE}") from None


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Series]:
    from importlib import resources

    res = resources.files("smallcaps.data").joinpath(BUILTIN)
    return parse_catalog(yaml.safe_load(res.read_text(encoding="utf-8")),
                         f"smallcaps.data/{BUILTIN}")


@lru_cache(maxsize=8)
def _load_user(path: str, named: bool, mtime_ns: int, size: int) -> dict[str, Series]:
    p = Path(path)
    return parse_catalog(_read(p, named), _where(p, named))


def catalog() -> dict[str, Series]:
    """All known series, built-in plus the user's catalog file, keyed by analyst key.

    Raises
    ------
    DataError
        The user catalog cannot be used (see the module docstring): one line naming the file.
    """
    cat = dict(_builtin())
    path, named = _named()
    if path is not None:
        st = _stat(path, named)
        if st is not None:
            cat.update(_load_user(str(path), named, st.st_mtime_ns, st.st_size))
    return cat


def get_series(key: str) -> Series:
    """Look up one catalog entry; an unknown key is a :class:`DataError` listing the known ones."""
    cat = catalog()
    if key not in cat:
        raise DataError(f"unknown series {key!r}; known: {', '.join(cat)}")
    return cat[key]
