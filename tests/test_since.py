"""What changed since the previous report, on hand-made JSON documents and planted data: which
earlier run a notebook compares with, the changes in words, parameter changes flagged, the
first run, the bases that keep an up-to-date run cheap, and signals found in the data across
a skipped week (not from the snapshots)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from smallcaps import data, signals
from smallcaps.errors import SmallcapsError
from smallcaps.runner import html, since


def _doc(name: str, asof: str, figures: dict, key: str | None = None, status: str = "ok",
         **params) -> dict:
    parameters = {"asof": asof, "source": "sample", "data_dir": "", **params}
    return {"notebook": name, "title": f"{name} title", "status": status, "asof": asof,
            "parameters": parameters, "figures": figures, "key": key or f"{name}-{asof}",
            "files": {"html": f"{name}.html"}, "provenance": {}}


def _write(out: Path, doc: dict, page: bool = True) -> None:
    folder = out / doc["asof"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc['notebook']}.json").write_text(json.dumps(doc))
    if page:
        (folder / f"{doc['notebook']}.html").write_text(
            f"<html><body><h1>t</h1>{html.MARK_BEGIN}{html.MARK_END}<img src=x></body></html>")


def _figures01(y: float, corr: float, beta: float = 1.19) -> dict:
    return {"yield_last": y, "yield_change_4w_bp": -37.0, "corr_rolling_latest": corr,
            "beta_per_100bp_pct": beta, "beta_tstat_hac": 3.75, "method": {"k": 1},
            "brief": ["The claim fails."]}


def test_previous_is_the_newest_earlier_run_with_the_same_parameters(tmp_path):
    nb = "01_yields_vs_small_caps"
    _write(tmp_path, _doc(nb, "2024-11-01", _figures01(4.2, -0.3)))
    _write(tmp_path, _doc(nb, "2024-11-08", _figures01(4.3, -0.3), window=26))
    _write(tmp_path, _doc(nb, "2024-11-22", _figures01(4.4, -0.3), status="failed"))
    now = _doc(nb, "2024-11-29", _figures01(4.5, -0.2))
    assert since.find_previous(tmp_path, "2024-11-29", now)["asof"] == "2024-11-01"
    other = _doc(nb, "2024-11-29", _figures01(4.5, -0.2), window=13)
    assert since.find_previous(tmp_path, "2024-11-29", other)["asof"] == "2024-11-08"  # fallback
    assert since.find_previous(tmp_path, "2024-11-29", now, compare_to="2024-11-08")[
        "asof"] == "2024-11-08"
    assert since.find_previous(tmp_path, "2024-11-01", now) is None
    assert since.dated_folders(tmp_path) == ["2024-11-01", "2024-11-08", "2024-11-22"]


def test_first_run_then_changes_in_words_then_nothing_to_redo(tmp_path):
    nb = "01_yields_vs_small_caps"
    _write(tmp_path, _doc(nb, "2024-11-01", _figures01(4.20, -0.37)))
    first = since.update(tmp_path, "2024-11-01")
    assert first["previous"] is None and first["signals"] == [] and first["changes"] == []
    assert first["notebooks"][nb]["status"] == "first"
    assert "nothing earlier to compare with" in first["notebooks"][nb]["note"]
    page = (tmp_path / "2024-11-01" / f"{nb}.html").read_text()
    assert "nothing earlier to compare with" in page

    _write(tmp_path, _doc(nb, "2024-11-08", _figures01(4.02, -0.30, beta=1.191)))
    got = since.update(tmp_path, "2024-11-08")
    written = json.loads((tmp_path / "2024-11-08" / since.CHANGES_FILE).read_text())
    assert written["asof"] == "2024-11-08" and written["previous"] == "2024-11-01"
    assert set(written) >= {"asof", "previous", "signals", "changes"}
    texts = [c["text"] for c in got["changes"]]
    assert texts == ["DGS10 yield fell by 18 bp to 4.02%",
                     "rolling 52-period correlation with DGS10 changes rose from -0.37 to -0.30"]
    assert [c["unit"] for c in got["changes"]] == ["%", "r"]  # beta moved 0.001 only: no change
    assert all(c["notebook"] == nb for c in got["changes"])
    page = (tmp_path / "2024-11-08" / f"{nb}.html").read_text()
    since_part = page[page.index(html.MARK_BEGIN):page.index(html.MARK_END)]
    assert "Since 2024-11-01" in since_part and "fell by 18 bp to 4.02%" in since_part
    assert page.index(html.MARK_END) < page.index("<img")
    # nothing moved: the next run reads the bases and writes nothing
    stamp = (tmp_path / "2024-11-08" / since.CHANGES_FILE).stat().st_mtime_ns
    assert since.update(tmp_path, "2024-11-08") is None
    assert (tmp_path / "2024-11-08" / since.CHANGES_FILE).stat().st_mtime_ns == stamp
    # a new render of the earlier run moves the basis: computed again
    _write(tmp_path, _doc(nb, "2024-11-01", _figures01(4.10, -0.37), key="again"))
    again = since.update(tmp_path, "2024-11-08")
    assert [c["text"] for c in again["changes"]][0] == "DGS10 yield fell by 8 bp to 4.02%"


def test_a_parameter_or_method_change_is_flagged_not_diffed(tmp_path):
    nb = "01_yields_vs_small_caps"
    _write(tmp_path, _doc(nb, "2024-11-01", _figures01(4.2, -0.37)))
    _write(tmp_path, _doc(nb, "2024-11-08", _figures01(3.0, 0.5), window=26))
    got = since.update(tmp_path, "2024-11-08")
    entry = got["notebooks"][nb]
    assert entry["status"] == "not comparable" and got["changes"] == []
    assert entry["note"] == ("The parameters changed (window) since 2024-11-01: the figures are "
                             "not compared (the signals are found in the data all the same).")
    method = _figures01(3.0, 0.5)
    method["method"] = {"k": 2}
    _write(tmp_path, _doc(nb, "2024-11-15", method, window=26))
    got = since.update(tmp_path, "2024-11-15")
    assert got["notebooks"][nb]["note"].startswith("The method changed since 2024-11-08: ")
    assert got["notebooks"][nb]["status"] == "not comparable"


def test_changes_of_an_unlisted_notebook_have_labels_not_code_names(tmp_path):
    nb = "09_mine"
    _write(tmp_path, _doc(nb, "2024-11-01", {"january_effect": {"hit_rate": 0.40, "n": 30},
                                             "asof": "2024-11-01"}))
    _write(tmp_path, _doc(nb, "2024-11-08", {"january_effect": {"hit_rate": 0.47, "n": 30},
                                             "asof": "2024-11-08"}))
    got = since.update(tmp_path, "2024-11-08")
    assert [c["text"] for c in got["changes"]] == ["January effect: hit rate rose from 40% to 47%"]


def test_a_ratio_change_says_where_it_stands_against_its_average():
    before = _doc("02_ratio_charts", "2024-11-01", {"ratios": {"RUT/SPX": {"last": 0.3950}}},
                  pairs=["RUT/SPX"])
    after = _doc("02_ratio_charts", "2024-11-08", {"ratios": {"RUT/SPX": {"last": 0.4036}}},
                 pairs=["RUT/SPX"])
    changes = since.notebook_changes(before, after)
    assert [c["text"] for c in changes] == ["RUT/SPX ratio rose 2.2% to 0.4036"]
    since._add_context(changes, {"ratios": {"RUT/SPX": {"distance_ma200_pct": 3.21}}})
    assert changes[0]["text"] == ("RUT/SPX ratio rose 2.2% to 0.4036; it is now 3.2% above its "
                                  "200-day average")


def test_a_figure_of_another_month_is_not_a_change():
    def doc(month, ret):
        return _doc("03_seasonality", "2024-11-29", {"latest_month_rank": {
            "RUT": {"month": month, "return_pct": ret}}}, relative=["RUT", "SPX"])

    assert since.notebook_changes(doc("2024-10", -1.5), doc("2024-11", 10.8)) == []
    assert [c["text"] for c in since.notebook_changes(doc("2024-11", 9.0), doc("2024-11", 10.8))
            ] == ["RUT, latest month rose by 1.8 points to +10.8%"]


def test_compare_to_must_name_an_earlier_run(tmp_path):
    _write(tmp_path, _doc("01_x", "2024-11-01", {}))
    since.check_compare_to(tmp_path, "2024-11-01", "2024-11-08")
    since.check_compare_to(tmp_path, None, "2024-11-08")
    with pytest.raises(SmallcapsError, match=r"--compare-to 2024-10-25: no run as of that date"
                                             r".*earlier runs: 2024-11-01"):
        since.check_compare_to(tmp_path, "2024-10-25", "2024-11-08")
    with pytest.raises(SmallcapsError, match="is not before the as-of date 2024-11-01"):
        since.check_compare_to(tmp_path, "2024-11-01", "2024-11-01")


def test_history_text():
    assert since.history_text({"n": 0, "episodes": 0, "forward": {}}) == (
        "It had not happened before in the data.")
    text = since.history_text({"n": 3, "episodes": 2, "forward": {
        "63": {"n": 3, "mean_pct": 4.0, "baseline_pct": 1.5, "excess_pp": 2.5, "p_value": None},
        "252": {"n": 0, "mean_pct": None}}}, "the ratio")
    assert text == ("It happened 3 times before (2 separate episodes): 63 trading days later the "
                    "ratio was +4.0% on average against +1.5% over all 63-day windows (+2.5 pp, "
                    "too few to test, 3 windows).")


def test_patch_page_only_between_the_markers(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(f"a{html.MARK_BEGIN}old{html.MARK_END}b")
    assert since.patch_page(page, "<section>new</section>")
    assert page.read_text() == f"a{html.MARK_BEGIN}<section>new</section>{html.MARK_END}b"
    page.write_text("no markers")
    assert not since.patch_page(page, "x") and page.read_text() == "no markers"


# ----------------------------------------------------------------------------- signals in data


JUMP = "2024-11-20"  # the Wednesday of the week no report was made


def _planted_csvs(folder: Path) -> None:
    """RUT drifts down from 120 to 100 (below its averages, a new 252-day low every day) until
    September 2024, then stays at 100 (below its averages, no new low) and jumps to 110 on
    JUMP; a five-day spike in May 2023 is the one earlier up-cross, 252-day high and record.
    SPX is flat: RUT/SPX follows RUT."""
    idx = pd.bdate_range("2022-01-03", "2024-11-29")
    rut = pd.Series(100.0, index=idx)
    down = idx <= pd.Timestamp("2024-09-30")
    rut[down] = np.linspace(120.0, 100.0, int(down.sum()))
    spike = idx.get_loc(pd.Timestamp("2023-05-01"))
    rut.iloc[spike:spike + 5] += 10.0
    rut[rut.index >= JUMP] = 110.0
    folder.mkdir(parents=True, exist_ok=True)
    for name, s in (("RUT", rut), ("GSPC", pd.Series(4000.0, index=idx))):
        lines = ["Date,Close"] + [f"{d:%Y-%m-%d},{v:.6f}" for d, v in s.items()]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")


def test_signals_across_a_skipped_week_come_from_the_data(tmp_path):
    csv = tmp_path / "csv"
    _planted_csvs(csv)
    kw = {"source": "csv", "data_dir": str(csv)}
    # the figures of both runs say nothing of the jump: the signals come from the data
    doc = _doc("02_ratio_charts", "2024-11-29", {"ratios": {}}, pairs=["RUT/SPX"],
               mas=[50, 200], breakout_days=252, etf_field="adj_close", **kw)
    found, context = since.notebook_signals(doc, "2024-11-15", "2024-11-29")
    assert [(s["date"], s["series"], s["signal"]) for s in found] == [
        (JUMP, "RUT/SPX", "ma200_cross_up"), (JUMP, "RUT/SPX", "ma50_cross_up"),
        (JUMP, "RUT/SPX", "ratio_252d_high")]
    up50 = found[1]
    assert up50["value"] == pytest.approx(110 / 4000)
    assert up50["base_rate"]["n"] == 1  # the May 2023 spike, and nothing after the signal
    assert up50["text"].startswith("RUT/SPX closed above its 50-day average on 2024-11-20 at "
                                   "0.0275")
    assert "It happened 1 time before" in up50["text"]
    assert context["ratios"]["RUT/SPX"]["distance_ma200_pct"] > 0
    # the window is exclusive of the previous as-of: a report as of the jump's week only
    assert since.notebook_signals(doc, JUMP, "2024-11-29")[0] == []
    # what the finders say on the same data, independently of the runner
    px = data.load(["RUT", "SPX"], asof="2024-11-29", **kw)
    ratio = (px["RUT"] / px["SPX"]).dropna()
    direct = pd.concat([signals.ma_crosses(ratio, (50, 200), name="RUT/SPX"),
                        signals.ratio_extremes(ratio, 252, name="RUT/SPX")])
    direct = signals.between(direct, "2024-11-15", "2024-11-29")
    assert sorted(direct["signal"]) == sorted(s["signal"] for s in found)


def test_trend_signals_include_pattern_transitions_from_the_recorded_figure(tmp_path):
    csv = tmp_path / "csv"
    _planted_csvs(csv)
    pattern = {"series": "RUT", "type": "inverse_head_and_shoulders", "neckline": 104.5,
               "target": 112.0, "head": {"date": "2024-10-01", "price": 98.0},
               "formed_date": "2024-11-19", "confirmed_date": "2024-11-14",
               "target_date": None, "invalidated_date": None}
    old = dict(pattern, confirmed_date="2024-06-03", formed_date="2024-06-03",
               target_date="2024-11-21")
    doc = _doc("06_trend_and_levels", "2024-11-29",
               {"patterns": [pattern, old], "pattern_history": {"RUT": {
                   "n_resolved": 88, "n_target_reached": 47, "hit_rate_pct": 53.4,
                   "baseline_hit_rate_pct": 40.7}}},
               series=["RUT"], mas=[50, 100, 200], macd=[12, 26, 9], timeframe="daily",
               source="csv", data_dir=str(csv))
    found, _ = since.notebook_signals(doc, "2024-11-15", "2024-11-29")
    kinds = {(s["date"], s["signal"]) for s in found}
    # confirmed on 11-14 (before the window) but complete only on 11-19: reported now
    assert ("2024-11-19", "pattern_confirmed") in kinds
    assert ("2024-11-21", "pattern_target_reached") in kinds
    assert {(JUMP, "ma50_cross_up"), (JUMP, "ma200_cross_up")} <= kinds
    assert not any(s["signal"].startswith("new_high") for s in found)  # 120 is the record
    confirmed = next(s for s in found if s["signal"] == "pattern_confirmed")
    assert confirmed["text"].startswith("RUT: an inverse head-and-shoulders was confirmed "
                                        "(neckline broken) at 104.50 on 2024-11-19.")
    assert "47 of 88 resolved patterns" in confirmed["text"]
    assert all(set(s) >= {"notebook", "series", "signal", "date", "text", "base_rate"}
               for s in found)


def test_many_signals_are_folded_after_the_first_five_nothing_dropped():
    base = {"n": 1500, "episodes": 30, "forward": {"63": {
        "n": 1490, "mean_pct": 1.0, "baseline_pct": 0.5, "excess_pp": 0.5, "p_value": 0.3}}}
    sig = [{"date": f"2024-11-{i:02d}", "headline": f"Headline {i}.", "text": f"Text {i}.",
            "base_rate": base} for i in range(1, 9)]
    out = html.since_section({"status": "compared", "previous": "2024-10-31"}, sig, [])
    assert "Signals (8)" in out and all(f"Headline {i}." in out for i in range(1, 9))
    assert out.index("Headline 5.") < out.index("3 more signals") < out.index("Headline 6.")
    assert "What followed the 1,500 earlier ones" in out
    assert "<td>63</td>" in out and "+0.5 pp" in out and "p = 0.30" in out
    six = html.since_section({"status": "compared", "previous": "2024-10-31"}, sig[:6], [])
    assert "more signals" not in six and "Headline 6." in six
    none = html.since_section({"status": "compared", "previous": "2024-10-31"}, [], [])
    assert "No signal in the data since 2024-10-31." in none
    assert "No key figure moved past its threshold." in none
