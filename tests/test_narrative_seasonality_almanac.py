"""The prose of the Almanac's companion indicators (smallcaps.narrative.seasonality_almanac) on
planted, absent and reversed effects: the words and numbers that change if the logic breaks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from smallcaps import seasonality as se
from smallcaps.errors import ParameterError
from smallcaps.narrative import seasonality_almanac as nar
from test_seasonality_almanac import (
    _barometer_rule,
    _rug,
    _six,
    daily,
    monthly_result,
    months,
)


def _barometer(sign: float, seed: int = 2):
    return se.january_barometer(monthly_result({"S": months(_barometer_rule(sign), seed)}))


def test_narrative_never_imports_the_compute_module():
    tree = ast.parse(Path(nar.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("smallcaps.seasonality") for m in imported), imported


def test_sections_and_errors():
    b = _barometer(1.0)
    assert nar.SECTIONS == ("definition", "groups", "verdict")
    assert b.reading() == "\n\n".join(b.reading(s) for s in nar.SECTIONS)
    with pytest.raises(ParameterError, match="definition, groups, verdict"):
        b.reading("rally")
    with pytest.raises(ParameterError, match="no Almanac indicator reading"):
        nar.read(object())
    assert b.reading("definition") == nar.DEFINITIONS["JanuaryBarometer"]


def test_planted_barometer_reads_as_supported_with_its_numbers():
    b = _barometer(1.0)
    text = b.reading("groups")
    up = b.tests.loc[("S", "january_up")]
    assert text.startswith("- **S**: the rest of the year (February-December) averaged "
                           f"{up['mean']:+.2f}% after an up January ({int(up['n'])} years; median")
    assert f"against {up['baseline']:+.2f}% for all 40 years" in text
    assert f"after an up January {up['excess']:+.2f} pp (95% CI {up['ci_low']:+.2f} pp to " \
           in text
    assert "Supported: January's sign foretells the rest of the year, and the test survives " \
           "the false-discovery control over the table's 2 cells." in text
    assert b.reading("verdict").startswith("The claim that January's sign foretells the rest of "
                                           "the year holds, at p < 0.05, for 1 of 1 columns (S)")


def test_reversed_and_absent_barometer():
    reverse = _barometer(-1.0).reading()
    assert "Contradicted: the data go against the claim that January's sign foretells the rest " \
           "of the year." in reverse
    assert "Supported" not in reverse
    assert "for 0 of 1 columns and is contradicted for S" in reverse
    absent = _barometer(0.0, seed=3).reading()
    assert "Not supported: no group's excess reaches p < 0.05 in the claimed direction." in absent
    assert "holds, at p < 0.05, for 0 of 1 columns;" in absent


def test_supported_alone_but_not_after_the_fdr_control_and_a_named_year():
    b = _barometer(1.0)
    b.tests["q"] = 0.5
    b.tests.at[("S", "january_up"), "loo"] = [1999]
    b.tests.at[("S", "january_up"), "loo_more"] = False
    text = b.reading("groups")
    assert "Supported taken alone (January's sign foretells the rest of the year), but not once " \
           "the table's 2 cells are tested together." in text
    assert "The verdict after an up January hangs on single years: without that year (1999) " \
           "the excess would no longer be distinguishable." in text


def test_best_six_months_reads_the_difference_test():
    six = se.best_six_months(monthly_result({"S": months(_six(1.2, 0.0), 6)}))
    text = six.reading("groups")
    d = six.difference.loc["S"]
    assert f"November-April minus May-October: {d['diff_pp']:+.2f} pp (95% CI " \
           f"{d['ci_low']:+.2f} pp to {d['ci_high']:+.2f} pp" in text
    assert "half-years averaged" in text and "for the average half-year (78 half-years)" in text
    assert "Supported: November-April beats May-October" in text
    summer = se.best_six_months(monthly_result({"S": months(_six(0.0, 1.2), 6)}))
    assert "Contradicted: the data go against the claim that November-April beats May-October." \
        in summer.reading()


def test_mid_january_reversal_definition_and_both_directions():
    rug = se.mid_january_reversal(daily(_rug(-3.0), 14).to_frame("S"))
    definition = rug.reading("definition")
    assert "the last 10 trading days of January, from the close of the 11th-to-last January " \
           "session to the last January close" in definition
    assert "(block bootstrap, 10-day blocks)" in definition
    text = rug.reading("groups")
    assert "the last 10 trading days of January averaged" in text
    assert "after a Santa Claus gain" in text
    assert "against +" in text and "for the average 10-trading-day window" in text
    assert "Supported: the second half of January gives back gains (the rug pull)" in text
    none = se.mid_january_reversal(daily(_rug(0.0), 17).to_frame("S")).reading("groups")
    assert "Not supported" in none and "Supported" not in none.replace("Not supported", "")
