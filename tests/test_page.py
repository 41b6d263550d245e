"""Notebook helpers (smallcaps.page) and the results protocol (smallcaps.results)."""

from __future__ import annotations

import datetime as dt
import json

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
from smallcaps import page
from smallcaps.errors import ParameterError
from smallcaps.results import Result


def test_jsonable_converts_numpy_pandas_and_nan():
    value = {"a": np.float64(1.5), "b": np.int64(3), "c": float("nan"), "d": np.bool_(True),
             "e": pd.Timestamp("2024-11-29"), "f": (1, 2), 3: pd.Series([1.0], index=["x"]),
             "g": dt.datetime(2024, 1, 2, 15, 30), "h": pd.NaT, "i": np.inf}
    assert page.jsonable(value) == {"a": 1.5, "b": 3, "c": None, "d": True, "e": "2024-11-29",
                                    "f": [1, 2], "3": {"x": 1.0}, "g": "2024-01-02T15:30:00",
                                    "h": None, "i": None}
    with pytest.raises(TypeError, match="cannot record a value of type object"):
        page.jsonable(object())


class Toy(Result):
    narrative = ""

    def figures(self):
        return {"last_pct": np.float64(2.5), "when": pd.Timestamp("2024-11-08")}


def test_record_figures_records_each_top_level_name(monkeypatch):
    seen = {}
    monkeypatch.setattr(page, "record", lambda name, value: seen.update({name: value}))
    assert page.record_figures(Toy()) is None
    assert seen == {"last_pct": 2.5, "when": pd.Timestamp("2024-11-08")}
    monkeypatch.undo()
    assert page.record("x", np.float64(1.5)) is None  # outside IPython: checked, not shown
    with pytest.raises(TypeError, match="cannot record a value of type object"):
        page.record("x", object())

    class Bad(Result):
        def figures(self):
            return [1, 2]

    with pytest.raises(TypeError, match=r"Bad.figures\(\) must return a dict"):
        page.record_figures(Bad())
    with pytest.raises(TypeError, match="non-empty string"):
        page.record("", 1)


def test_result_protocol_defaults_name_what_is_missing():
    toy = Toy()
    with pytest.raises(NotImplementedError, match=r"Toy.summary"):
        toy.summary()
    with pytest.raises(NotImplementedError, match="names no narrative module"):
        toy.reading()


def test_reading_delegates_to_the_named_narrative_module(monkeypatch):
    import sys
    import types

    mod = types.ModuleType("smallcaps.narrative.toy")
    mod.SECTIONS = ("a",)

    def read(result, section=None):
        if section not in (None, "a"):
            raise ParameterError(f"unknown section {section!r}; valid: a")
        return f"{type(result).__name__}:{section}"

    mod.read = read
    monkeypatch.setitem(sys.modules, "smallcaps.narrative.toy", mod)

    class Named(Toy):
        narrative = "toy"

    assert Named().reading() == "Named:None" and Named().reading("a") == "Named:a"
    with pytest.raises(ParameterError, match="unknown section 'b'"):
        Named().reading("b")


def test_format_table_units_counts_and_orientation():
    by_col = pd.DataFrame({"mean_pct": [1.234, -0.5], "mean_rel_pct": [0.3, 0.1],
                           "hit_rate": [0.4049, 0.6], "n": [37.0, 12.0], "t": [2.04, -1.0]},
                          index=["Nov", "Dec"])
    out = page.format_table(by_col)
    assert list(out.columns) == ["mean (%)", "mean rel (pp)", "hit rate (%)", "n", "t-stat"]
    assert out.loc["Nov", "hit rate (%)"] == 40 and out.loc["Nov", "mean (%)"] == 1.23
    assert str(out["n"].dtype) == "Int64"
    dated = page.format_table(pd.DataFrame({"first": pd.to_datetime(["2024-12-02"]),
                                            "n": [3.0]}))
    assert dated.loc[0, "first"] == "2024-12-02"  # dates stay dates, not nanoseconds
    mixed = page.format_table(pd.DataFrame({"value": [1.23456, "+4 bp"]}, dtype=object))
    assert mixed["value"].tolist() == [1.23456, "+4 bp"]  # text mixed in: left as it is
    by_row = page.format_table(by_col.T)
    assert list(by_row.index) == list(out.columns)  # statistics as rows stay rows


def test_sources_records_provenance_and_returns_nothing(capsys):
    frame = pd.DataFrame({"RUT": [1.0]})
    frame.attrs["provenance"] = {"RUT": {"name": "Russell 2000", "source": "sample",
                                         "synthetic": True}}
    assert page.sources(frame, None) is None
    out = capsys.readouterr().out
    assert out.startswith("SYNTHETIC DATA: RUT came from the built-in synthetic sample")
    assert "Russell 2000" in out


def test_gallery_draws_shows_and_reads_each_item(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(len(plt.get_fignums())))

    class Item:
        def __init__(self, name):
            self.name = name

        def reading(self):
            return f"reading of {self.name}"

    def plot(item, scale=1):
        fig, ax = plt.subplots()
        ax.set_title(f"{item.name} x{scale}")
        return ax

    page.gallery([Item("a"), Item("b")], plot, scale=3)
    assert len(shown) == 2
    assert capsys.readouterr().out.split("\n")[:2] == ["reading of a", "reading of b"]
    plt.close("all")


def test_collect_records_reads_what_record_wrote():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={page.RECORD_MIMETYPE: {"name": "a", "value": 1}}),
        nbformat.v4.new_output("display_data", data={
            page.RECORD_MIMETYPE: json.dumps({"name": "b", "value": [1, 2]})})]
    nb.cells = [cell]
    assert page.collect_records(nb) == {"a": 1, "b": [1, 2]}


HOSTILE = '<img src=x onerror=alert(3)>'


@pytest.mark.parametrize("text, shown", [
    (f"**{HOSTILE}** fell 2.1%", "**&lt;img src=x onerror=alert(3)>** fell 2.1%"),
    ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ("p < 0.001 & t >= 2", "p &lt; 0.001 &amp; t >= 2"),
    ("[click](javascript:alert(1)) now", "click now"),
    ("![x](http://evil/x.png)", "x"),
    ("see [the test](#the-test)", "see [the test](#the-test)"),
    ("- `RUT/SPX` *rose*", "- `RUT/SPX` *rose*"),
    ("`S&P <500>` & <b>", "`S&P <500>` &amp; &lt;b>"),
])
def test_safe_markdown_escapes_html_and_outside_links(text, shown):
    assert page.safe_markdown(text) == shown


def test_say_renders_hostile_names_without_a_live_tag(capsys):
    """What a page shows goes through nbconvert's Markdown renderer: no tag survives."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    page.say(f"The series **{HOSTILE}** and <b>bold</b> [x](javascript:alert(1)).")
    printed = capsys.readouterr().out
    rendered = markdown2html_mistune(printed)
    assert "<img" not in rendered and "<b>" not in rendered and "javascript:" not in rendered
    assert "&lt;img src=x onerror=alert(3)&gt;" in rendered and "<strong>" in rendered
    code = markdown2html_mistune(page.safe_markdown(f"`{HOSTILE}` and `S&P 500`"))
    assert "<img" not in code and "<code>S&amp;P 500</code>" in code
