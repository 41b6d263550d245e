"""The series catalog: analyst keys mapped to provider, symbol, kind and units.

The built-in catalog ships with the package (the resource ``smallcaps.data/catalog.yml``).  A
user adds or overrides series in a small YAML file of the same shape: ``data/catalog.yml`` in the
project folder (:func:`smallcaps.project.project_dir`), or the file named by the
``SMALLCAPS_CATALOG`` environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from smallcaps import project
from smallcaps.errors import DataError

__all__ = ["KINDS", "PROVIDERS", "Series", "catalog", "get_series", "user_catalog_path"]

PROVIDERS = ("yahoo", "fred")
KINDS = ("price", "yield")
BUILTIN = "catalog.yml"  # resource of the package smallcaps.data


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


def _parse(entries: dict, origin: str) -> dict[str, Series]:
    out: dict[str, Series] = {}
    if not isinstance(entries, dict):
        raise DataError(f"catalog {origin}: expected a mapping of key -> fields, got {entries!r}")
    for key, fields in entries.items():
        if not isinstance(fields, dict):
            raise DataError(f"catalog {origin}: entry {key!r} must be a mapping of fields")
        missing = {"name", "provider", "symbol", "kind", "units"} - set(fields)
        if missing:
            raise DataError(
                f"catalog {origin}: entry {key!r} lacks {', '.join(sorted(missing))} "
                "(each entry needs name, provider, symbol, kind, units)"
            )
        if fields["provider"] not in PROVIDERS:
            raise DataError(
                f"catalog {origin}: entry {key!r} has provider {fields['provider']!r}; "
                f"valid: {', '.join(PROVIDERS)}"
            )
        if fields["kind"] not in KINDS:
            raise DataError(
                f"catalog {origin}: entry {key!r} has kind {fields['kind']!r}; "
                f"valid: {', '.join(KINDS)}"
            )
        out[str(key)] = Series(key=str(key), **{k: str(fields[k]) for k in
                                                 ("name", "provider", "symbol", "kind", "units")})
    return out


def user_catalog_path() -> Path:
    """Path of the user's catalog extension file (may not exist): ``$SMALLCAPS_CATALOG``, else
    ``data/catalog.yml`` in the project folder."""
    env = os.environ.get("SMALLCAPS_CATALOG")
    return Path(env).expanduser() if env else project.catalog_path()


@lru_cache(maxsize=8)
def _load_catalog(user_path: str, mtime: float) -> dict[str, Series]:
    from importlib import resources

    builtin = resources.files("smallcaps.data").joinpath(BUILTIN)
    cat = _parse(yaml.safe_load(builtin.read_text(encoding="utf-8")), f"smallcaps.data/{BUILTIN}")
    p = Path(user_path)
    if p.is_file():
        try:
            extra = yaml.safe_load(p.read_text()) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"catalog {p}: not valid YAML ({exc.__class__.__name__})") from None
        cat.update(_parse(extra, str(p)))
    return cat


def catalog() -> dict[str, Series]:
    """All known series, built-in plus the user's catalog file, keyed by analyst key."""
    p = user_catalog_path()
    mtime = p.stat().st_mtime if p.is_file() else 0.0
    return dict(_load_catalog(str(p), mtime))


def get_series(key: str) -> Series:
    """Look up one catalog entry; an unknown key is a :class:`DataError` listing the known ones."""
    cat = catalog()
    if key not in cat:
        raise DataError(f"unknown series {key!r}; known: {', '.join(cat)}")
    return cat[key]
