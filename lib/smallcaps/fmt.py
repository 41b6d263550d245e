"""Number and word formatting for generated prose and tables: one rule per kind of number.

* percent returns: signed, one decimal by default (``+1.2%``), ``n/a`` when missing;
* percentage points (pp) for spreads between two returns (``+0.8 pp``);
* basis points (bp) for yield changes (``-7 bp``);
* index levels and prices with thousands separators and two decimals (``2,434.73``);
* shares (0..1) as whole percents (``41%``); p-values as ``p = 0.031`` / ``p < 0.001``;
* links to a section of the page (a brief's sentence ends with one): ``[→](#The-Fed-cycle)``.
"""

from __future__ import annotations

import math

__all__ = [
    "ordinal",
    "pct",
    "pp",
    "bp",
    "level",
    "share",
    "pvalue",
    "sigma",
    "tstat",
    "plural",
    "is_missing",
    "anchor",
    "section_link",
]


def is_missing(x) -> bool:
    """True for None, NaN and infinities (and values that are not numbers)."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def ordinal(x: float) -> str:
    """``1`` -> ``"1st"``, ``22`` -> ``"22nd"``, ``13`` -> ``"13th"`` (rounded to an integer)."""
    n = int(round(float(x)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _signed(x, digits: int, signed: bool, unit: str) -> str:
    """A number with thousands separators and its unit; exactly zero once rounded (no sign)."""
    if is_missing(x):
        return "n/a"
    x = float(x)
    if round(x, digits) == 0:
        return f"{0:.{digits}f}{unit}"
    return f"{x:+,.{digits}f}{unit}" if signed else f"{x:,.{digits}f}{unit}"


def pct(x, digits: int = 1, signed: bool = True) -> str:
    """A percent value (1.0 = 1 %): ``"+1.2%"``; ``"0.0%"`` for values that round to zero."""
    return _signed(x, digits, signed, "%")


def pp(x, digits: int = 1, signed: bool = True) -> str:
    """Percentage points (a difference of two percent returns): ``"+0.8 pp"``."""
    return _signed(x, digits, signed, " pp")


def bp(x, digits: int = 0, signed: bool = True) -> str:
    """Basis points (0.01 percentage point of a yield): ``"-7 bp"``."""
    return _signed(x, digits, signed, " bp")


def level(x, digits: int = 2) -> str:
    """An index level or price with thousands separators: ``"2,434.73"``."""
    return "n/a" if is_missing(x) else f"{float(x):,.{digits}f}"


def share(x, digits: int = 0) -> str:
    """A share 0..1 as a percent: ``0.41`` -> ``"41%"``."""
    return "n/a" if is_missing(x) else f"{float(x) * 100:.{digits}f}%"


def pvalue(p) -> str:
    """``"p = 0.73"``; three decimals below 0.1; ``"p < 0.001"`` below that bound."""
    if is_missing(p):
        return "p = n/a"
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def sigma(s) -> str:
    """A threshold in standard deviations: ``3.0`` -> ``"3σ"``."""
    return f"{float(s):g}σ"


def tstat(t, digits: int = 1) -> str:
    """``"t = 2.1"`` (``"t = n/a"`` when missing)."""
    return "t = n/a" if is_missing(t) else f"t = {float(t):.{digits}f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 year"``, ``"3 years"`` (``many`` for irregular plurals), thousands separated."""
    n = int(n)
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def anchor(heading: str) -> str:
    """The in-page link target of a Markdown section heading, as nbconvert writes its id:
    spaces become ``-`` and characters not allowed in a URL fragment are percent-encoded
    (``"Relative strength at a glance"`` -> ``"#Relative-strength-at-a-glance"``)."""
    from urllib.parse import quote

    return "#" + quote(str(heading).strip().replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def section_link(heading: str) -> str:
    """A Markdown link to a section of the page, written at the end of a brief's sentence:
    ``"[→](#The-Fed-cycle)"``."""
    return f"[→]({anchor(heading)})"
