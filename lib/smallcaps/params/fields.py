"""The shared field types of the notebook parameter schemas (pydantic ``Annotated`` types).

Each type declares its constraint once and carries a :class:`Valid` phrase, the words an error
uses to say what would be valid (``"a whole number from 3 to 520"``).  The values come from the
command line (strings such as ``"26"``, ``"[50, 200]"`` or ``"RUT,SPX"``: pydantic's lax mode
parses them) or from a notebook's namespace (Python values).

Checks that need more than the value itself are done here too, lazily: catalog keys against
:func:`smallcaps.data.catalog` (the built-in catalog plus the user's), dates through
:func:`smallcaps.dates.parse_date` and month-days through :func:`smallcaps.dates.parse_window`.
A field named in the validation context's ``trusted`` set (in the runner: the notebook's own
defaults, tested with the notebook, and the options the runner has parsed already) skips these
three, so a run that changes only ``window`` never imports pandas to re-check
``small = "RUT"``.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from smallcaps.errors import SmallcapsError

__all__ = ["CatalogUnavailable", "ERROR_TYPE", "Valid", "as_list", "choice", "date_or_blank",
           "flag", "key_list", "macd_spans", "month_day_window", "not_bool", "number",
           "pair_list", "refuse", "series_key", "whole", "whole_list"]

ERROR_TYPE = "smallcaps"


@dataclass(frozen=True)
class Valid:
    """What a valid value is, in words (``"a whole number from 3 to 520"``)."""

    text: str


class CatalogUnavailable(Exception):
    """The catalog itself could not be read (a user catalog that is not UTF-8, not YAML...).

    Deliberately not a ``ValueError``: pydantic lets it through untouched, and
    :func:`smallcaps.params.validate` raises the :class:`~smallcaps.errors.SmallcapsError` it
    carries, which names the catalog file rather than the parameter.
    """

    def __init__(self, error: SmallcapsError):
        super().__init__(str(error))
        self.error = error


def refuse(problem: str, **ctx: Any) -> PydanticCustomError:
    """A field error whose message is ``problem`` (what is wrong and what would be valid)."""
    return PydanticCustomError(ERROR_TYPE, "{problem}", {"problem": problem, **ctx})


def _trusted(info: ValidationInfo) -> bool:
    ctx = info.context or {}
    return info.field_name in ctx.get("trusted", ())


def not_bool(value: Any) -> Any:
    """Refuse true/false where a number is expected (pydantic's lax mode reads True as 1)."""
    if isinstance(value, bool):
        raise ValueError("true/false is not a number")  # reported with the field's Valid words
    return value


# ---- numbers, flags and choices ------------------------------------------------------------


def whole(lo: int, hi: int) -> Any:
    """A whole number from ``lo`` to ``hi`` (``"26"`` and ``26.0`` read as 26; true/false and
    ``2.5`` are refused)."""
    words = f"a whole number from {lo} to {hi}"
    return Annotated[int, BeforeValidator(not_bool), Field(ge=lo, le=hi), Valid(words)]


def number(*, gt: float | None = None, ge: float | None = None,
           le: float | None = None) -> Any:
    """A finite number within the bounds (``nan`` and ``inf`` are refused)."""
    low = f"greater than {gt:g}" if gt is not None else f"from {ge:g}" if ge is not None else ""
    high = "" if le is None else (f" to {le:g}" if ge is not None and gt is None
                                  else f" and at most {le:g}")
    words = f"a number {low}{high}".strip()
    return Annotated[float, BeforeValidator(not_bool),
                     Field(gt=gt, ge=ge, le=le, allow_inf_nan=False), Valid(words)]


def flag() -> Any:
    """true or false (``true/false``, ``yes/no``, ``1/0`` from the command line)."""
    return Annotated[bool, Valid("true or false")]


def choice(*values: str) -> Any:
    """One of the given words, exactly."""
    return Annotated[Literal[values], Valid("one of " + ", ".join(values))]


# ---- lists -----------------------------------------------------------------------------------


def as_list(value: Any) -> Any:
    """A list from the command line: JSON or Python ``[1, 2]``, or comma-separated ``a,b``."""
    if isinstance(value, tuple):
        return list(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return []
    if text.startswith(("[", "(")):
        try:
            got = json.loads(text)
        except ValueError:
            try:
                got = ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                return value
        return list(got) if isinstance(got, tuple) else got
    return [t.strip() for t in text.split(",")]


def _unique(items: list, words: str) -> list:
    if len(set(items)) != len(items):
        dup = next(x for i, x in enumerate(items) if x in items[:i])
        raise refuse(f"names {dup} twice; must be {words}")
    return items


def whole_list(lo: int, hi: int, *, min_items: int = 1, max_items: int = 10,
               example: str = "[50, 200]") -> Any:
    """A list of distinct whole numbers from ``lo`` to ``hi``."""
    words = (f"a list of {min_items} to {max_items} different whole numbers from {lo} to {hi}, "
             f"e.g. {example}")
    item = Annotated[int, BeforeValidator(not_bool), Field(ge=lo, le=hi)]
    return Annotated[list[item], BeforeValidator(as_list),
                     Field(min_length=min_items, max_length=max_items),
                     AfterValidator(lambda items: _unique(items, words)), Valid(words)]


def _check_macd(spans: list[int]) -> list[int]:
    fast, slow, _signal = spans
    if fast >= slow:
        raise refuse(f"fast span {fast} is not shorter than slow span {slow}; must be three "
                     "whole numbers [fast, slow, signal] from 1 to 400 with fast < slow, "
                     "e.g. [12, 26, 9]")
    return spans


def macd_spans() -> Any:
    """``[fast, slow, signal]``: three whole numbers from 1 to 400, fast shorter than slow."""
    item = Annotated[int, BeforeValidator(not_bool), Field(ge=1, le=400)]
    return Annotated[list[item], BeforeValidator(as_list), Field(min_length=3, max_length=3),
                     AfterValidator(_check_macd),
                     Valid("three whole numbers [fast, slow, signal] from 1 to 400 with "
                           "fast < slow, e.g. [12, 26, 9]")]


# ---- catalog keys ----------------------------------------------------------------------------


def _catalog_kinds() -> dict[str, str]:
    """key -> kind of every catalog series (built-in and the user's catalog file)."""
    from smallcaps import data
    from smallcaps.data.catalog import user_catalog_path

    try:
        return {k: s.kind for k, s in data.catalog().items()}
    except SmallcapsError as exc:
        raise CatalogUnavailable(exc) from None
    except (OSError, UnicodeError) as exc:  # the data layer should say this itself
        why = "not UTF-8 text" if isinstance(exc, UnicodeError) else "cannot be read"
        raise CatalogUnavailable(SmallcapsError(
            f"catalog {user_catalog_path()}: {why} ({exc.__class__.__name__}); save it as "
            "UTF-8 YAML or unset SMALLCAPS_CATALOG")) from None


def _kind_words(kind: str, kinds: dict[str, str]) -> str:
    keys = [k for k, v in kinds.items() if v == kind]
    return f"a {kind} series of the catalog ({', '.join(keys) or 'none'})"


def _check_key(key: str, kind: str, kinds: dict[str, str]) -> str | None:
    """None when ``key`` is a ``kind`` series, else what is wrong with it."""
    if key not in kinds:
        return f"{key!r} is not in the catalog"
    if kinds[key] != kind:
        return f"{key} is a {kinds[key]} series"
    return None


def series_key(kind: str = "price", *, blank: bool = False) -> Any:
    """A catalog key of a ``kind`` series (``""`` too when ``blank``)."""

    def check(value: str, info: ValidationInfo) -> str:
        if (blank and not value.strip()) or _trusted(info):
            return value
        kinds = _catalog_kinds()
        wrong = _check_key(value, kind, kinds)
        if wrong:
            alt = " or blank" if blank else ""
            raise refuse(f"{wrong}; must be {_kind_words(kind, kinds)}{alt}")
        return value

    words = f"a {kind} series key of the catalog" + (" or blank" if blank else "")
    return Annotated[str, AfterValidator(check), Valid(words)]


def key_list(kind: str = "price", *, min_items: int = 1, max_items: int = 20,
             example: str = '["RUT", "SPX"]') -> Any:
    """A list of distinct catalog keys of ``kind`` series."""
    count = (f"exactly {min_items}" if min_items == max_items
             else f"{min_items} to {max_items}")
    words = f"a list of {count} different {kind} series keys of the catalog, e.g. {example}"

    def check(keys: list[str], info: ValidationInfo) -> list[str]:
        _unique(keys, words)
        if _trusted(info):
            return keys
        kinds = _catalog_kinds()
        for key in keys:
            wrong = _check_key(key, kind, kinds)
            if wrong:
                raise refuse(f"{wrong}; must be a list of {count} keys, each "
                             f"{_kind_words(kind, kinds)}")
        return keys

    return Annotated[list[str], BeforeValidator(as_list),
                     Field(min_length=min_items, max_length=max_items),
                     AfterValidator(check), Valid(words)]


def pair_list(*, max_items: int = 20) -> Any:
    """A list of pairs ``"A/B"`` of two different price series keys of the catalog."""
    form = "pairs 'A/B' of two different price series of the catalog, e.g. ['RUT/SPX']"

    def check(pairs: list[str], info: ValidationInfo) -> list[str]:
        for pair in pairs:
            sides = [p.strip() for p in pair.split("/")]
            if len(sides) != 2 or not all(sides):
                raise refuse(f"{pair!r} is not of the form 'A/B'; must be a list of {form}")
            if sides[0] == sides[1]:
                raise refuse(f"{pair!r} divides {sides[0]} by itself; must be a list of {form}")
        if _trusted(info):
            return pairs
        kinds = _catalog_kinds()
        for pair in pairs:
            for key in (p.strip() for p in pair.split("/")):
                wrong = _check_key(key, "price", kinds)
                if wrong:
                    raise refuse(f"pair {pair}: {wrong}; must be a list of pairs 'A/B', each "
                                 f"side {_kind_words('price', kinds)}")
        return pairs

    return Annotated[list[str], BeforeValidator(as_list),
                     Field(min_length=1, max_length=max_items),
                     AfterValidator(check), Valid(f"a list of 1 to {max_items} {form}")]


# ---- dates and month-days --------------------------------------------------------------------


def _iso_or_blank(value, info: ValidationInfo) -> str:
    """``YYYY-MM-DD`` (``""`` for blank) by :func:`smallcaps.dates.parse_date`, the kit's one
    date parser; a trusted value (a default, or an option the runner parsed already) is kept
    as it is, so checking it needs no pandas."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, (bool, int, float, list, tuple, dict)):
        raise refuse("is not a date; must be a date YYYY-MM-DD or blank")
    if isinstance(value, str) and _trusted(info):
        return value
    from smallcaps.dates import parse_date
    from smallcaps.errors import ParameterError

    try:
        return f"{parse_date(value, info.field_name or 'date'):%Y-%m-%d}"
    except ParameterError:
        raise refuse("is not a date; must be a date YYYY-MM-DD or blank") from None


def date_or_blank() -> Any:
    """A date ``YYYY-MM-DD`` or blank (``""``), normalised to ``YYYY-MM-DD``."""
    return Annotated[str, BeforeValidator(_iso_or_blank), Valid("a date YYYY-MM-DD or blank")]


def month_day_window(example: str = "['12-01', '12-20']") -> Any:
    """``[start, end]``: two different month-days ``"MM-DD"`` (may cross New Year)."""
    words = f"two different month-days ['MM-DD', 'MM-DD'], e.g. {example}"

    def check(pair: list[str], info: ValidationInfo) -> list[str]:
        if _trusted(info):
            return pair
        from smallcaps.dates import parse_window
        from smallcaps.errors import ParameterError

        try:
            parse_window(pair, info.field_name or "window")
        except ParameterError:
            bad = [x for x in pair if not _month_day_ok(x)]
            what = f"{bad[0]!r} is not a valid month-day" if bad else "starts where it ends"
            raise refuse(f"{what}; must be {words}") from None
        return pair

    item = Annotated[str, Field(min_length=1)]
    return Annotated[list[item], BeforeValidator(as_list), Field(min_length=2, max_length=2),
                     AfterValidator(check), Valid(words)]


def _month_day_ok(text: str) -> bool:
    from smallcaps.dates import parse_month_day
    from smallcaps.errors import ParameterError

    try:
        parse_month_day(text)
    except ParameterError:
        return False
    return True
