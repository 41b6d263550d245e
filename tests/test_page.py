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


def test_anchor_is_the_id_nbconvert_gives_a_heading():
    """The brief links to sections by the ids nbconvert writes: checked on a real export."""
    from nbconvert import HTMLExporter

    headings = ["Relative strength at a glance", "The Fed cycle", "Full-sample sensitivity",
                "Sensitivity to the rebound start date", "RUT/SPX & 52-week highs"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"## {h}\n\ntext") for h in headings]
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    for h in headings:
        assert f'id="{page.anchor(h)[1:]}"' in html.replace("&amp;", "&"), h
    assert page.anchor("The Fed cycle") == "#The-Fed-cycle"
    assert page.section_link("By decade") == "[→](#By-decade)"


def test_brief_records_the_sentences_in_one_output_the_runner_drops(monkeypatch, capsys):
    shown = []
    import IPython
    import IPython.display

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    sentences = [f"Sentence {i} with <b>{HOSTILE}</b> [→](#Sec-{i})" for i in range(3)]
    assert page.brief(sentences) is None
    (out,) = shown
    assert out[page.RECORD_MIMETYPE] == {"name": "brief", "value": sentences}  # raw Markdown
    assert "<img" not in out["text/markdown"] and "- Sentence 0" in out["text/markdown"]
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("page.brief(result)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=out)]
    nb.cells = [cell]
    assert page.collect_records(nb) == {"brief": sentences}


def test_brief_asks_the_results_narrative_and_checks_the_sentences(monkeypatch, capsys):
    import sys
    import types

    mod = types.ModuleType("smallcaps.narrative.toy")
    mod.brief = lambda result, *others: [f"{type(result).__name__} and {len(others)} more"]
    monkeypatch.setitem(sys.modules, "smallcaps.narrative.toy", mod)

    class Named(Toy):
        narrative = "toy"

    page.brief(Named(), 1, 2)
    assert "- Named and 2 more" in capsys.readouterr().out
    with pytest.raises(TypeError, match="non-empty Markdown strings"):
        page.brief(["ok", ""])
    with pytest.raises(ValueError, match="1 to 6 sentences, not 7"):
        page.brief(["s"] * 7)
    with pytest.raises(ValueError, match="not 0"):
        page.brief([])


def test_format_table_as_text_fixed_decimals_separators_blanks_and_row_numbers():
    frame = pd.DataFrame({"mean_pct": [1.5, 2.4567, np.nan], "n": [1, 2000, 3],
                          "p": [0.0123, 0.5, 0.9], "year": [1988, 1999, 2020],
                          "live": [True, False, True], "state": ["a", None, "c"],
                          "close": [2434.73, 44910.651, 5.0]})
    out = page.format_table(frame, text=True)
    assert list(out.index) == [1, 2, 3]  # a 0-based row number is counted from 1
    assert out["mean (%)"].tolist() == ["1.50", "2.46", ""]  # one decimals rule, blank NaN
    assert out["n"].tolist() == ["1", "2,000", "3"] and out["year"].tolist()[0] == "1988"
    assert out["p"].tolist() == ["0.012", "0.500", "0.900"]  # p-values: three decimals
    assert out["live"].tolist() == ["yes", "no", "yes"] and out["state"].tolist()[1] == ""
    assert out["close"].tolist() == ["2,434.73", "44,910.65", "5.00"]
    # rounded upstream to 1 decimal: shown with 1, padded, even when 3 are allowed
    assert page.format_table(pd.DataFrame({"up": [55.0, 60.5]}), decimals=3,
                             text=True)["up"].tolist() == ["55.0", "60.5"]
    by_col = page.format_table(pd.DataFrame({"R²": [0.0301], "slope": [1.8291]}),
                               decimals={"R²": 3, "*": 2}, text=True)
    assert by_col.iloc[0].tolist() == ["0.030", "1.83"]
    stats = pd.DataFrame({"pressure": {"mean_rel_pct": 0.21, "n": 36, "t": 0.4963,
                                       "p": 0.67, "ci_low": -0.58, "verdict": "absent"},
                          "rebound": {"mean_rel_pct": 1.11, "n": 36, "t": 2.46, "p": 0.014,
                                      "ci_low": 0.23, "verdict": "shows"}})
    rows = page.format_table(stats, text=True)  # statistics as rows: one rule per row
    assert rows.loc["t-stat"].tolist() == ["0.50", "2.46"]
    assert rows.loc["p"].tolist() == ["0.670", "0.014"] and "CI low" in rows.index
    assert page.format_table(frame)["n"].dtype == "Int64"  # without text: numbers stay numbers
    mixed = pd.DataFrame({"on page": pd.Series([7.034, -37.76, pd.Timestamp("2024-11-04")],
                                               dtype=object),
                          "difference": [-0.001, 2.08, np.nan]})
    out = page.format_table(mixed, text=True)
    assert out["on page"].tolist() == ["7.03", "-37.76", "2024-11-04"]  # no 00:00:00
    assert out["difference"].tolist() == ["0.00", "2.08", ""]  # never -0.00


# ---- checks the notebook tests share (tests/test_nbNN.py import them) --------------------------

def headings_of(nb) -> dict:
    """``anchor -> heading`` of the notebook's Markdown section headings (``## ...``)."""
    import re

    out = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in re.finditer(r"^#{2,4}\s+(.+?)\s*$", cell.source, flags=re.M):
                out[page.anchor(m.group(1))] = m.group(1)
    return out


def check_brief(rec: dict, nb) -> list[str]:
    """The recorded brief: three to six sentences, each ending with a link to one of the
    notebook's own section headings; returns the sentences."""
    import re

    brief = rec["brief"]
    assert isinstance(brief, list) and 3 <= len(brief) <= 6, brief
    anchors = headings_of(nb)
    for s in brief:
        m = re.search(r"\[→\]\((#[^)]+)\)$", s)
        assert m, f"no section link at the end of: {s}"
        assert m.group(1) in anchors, f"{m.group(1)} is not a heading of the notebook"
    return brief


def check_page_outputs(executed) -> None:
    """What a reader sees: every chart has a title as its alt text, no table shows NaN, no
    markdown cell has an orphan line about recording figures or names parameters in the
    inputs paragraph, and the brief's output is the last one."""
    import re

    images = 0
    params = re.findall(r"^(\w+):", executed.cells[1].source, flags=re.M)
    for cell in executed.cells:
        if cell.cell_type == "markdown":
            assert "Record the key figures" not in cell.source
            assert "Recorded figures" not in cell.source
            for block in re.findall(r"\*\*Inputs\.\*\*(.*?)(?:\n\n|$)", cell.source, re.S):
                used = [p for p in params if f"`{p}`" in block]
                assert not used, f"the inputs paragraph names parameters {used}"
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {}) or {}
            if "image/png" in data:
                images += 1
                alt = (o.get("metadata", {}).get("image/png") or {}).get("alt")
                assert alt and re.search(r"\d{4}-\d{2}-\d{2}", alt), alt  # titled and dated
            html = data.get("text/html", "")
            if "<table" in html:
                assert ">NaN<" not in html and ">nan<" not in html, html[:300]
    assert images > 0
    last = [(o.get("data") or {}).get(page.RECORD_MIMETYPE) for o in executed.cells[-1].outputs]
    last = [json.loads(r) if isinstance(r, str) else r for r in last if r]
    assert any(r["name"] == "brief" for r in last), "the brief is not in the last cell"


def test_stack_groups_shows_a_wide_table_of_column_groups_one_row_per_group(monkeypatch):
    cols = pd.MultiIndex.from_tuples([("", "events"), ("21 days", "n"), ("21 days", "p"),
                                      ("63 days", "n"), ("63 days", "p")])
    wide = pd.DataFrame([[23, 22, 0.5, 20, 0.9], [17, 17, 0.1, 15, 0.3]], columns=cols,
                        index=pd.Index(["3σ", "3.5σ"], name="threshold"))
    long = page.stack_groups(wide, "horizon")
    assert list(long.index) == [("3σ", "21 days"), ("3σ", "63 days"), ("3.5σ", "21 days"),
                                ("3.5σ", "63 days")]
    assert list(long.columns) == ["events", "n", "p"]
    assert long["events"].tolist() == [23, 23, 17, 17] and long["p"].tolist() == [0.5, 0.9,
                                                                                0.1, 0.3]
    with pytest.raises(ValueError, match="same statistics"):
        page.stack_groups(wide.drop(columns=[("63 days", "p")]))
    with pytest.raises(ValueError, match="two levels"):
        page.stack_groups(pd.DataFrame({"a": [1]}))
    shown = []
    monkeypatch.setattr(page, "_display", lambda obj: shown.append(
        (obj, pd.get_option("display.max_columns"))))
    page.table(wide, text=True, stack="horizon")
    frame, max_columns = shown[0]
    assert frame.index.names == ["threshold", "horizon"] and max_columns is None  # none cut
    assert frame["p"].tolist() == ["0.500", "0.900", "0.100", "0.300"]
