"""Prose of the turn-of-the-year study (smallcaps.narrative.taxloss) on hand-made results: the
verdicts at the kit's critical t (1.96), the as-of wording, phases, groups and sensitivity."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from smallcaps.data import AsOf
from smallcaps.errors import ParameterError
from smallcaps.narrative import taxloss as nt

WINDOWS = {"pressure": ("12-01", "12-20"), "rebound": ("12-21", "01-15"),
           "path": ("11-01", "01-31")}


class FakeStudy:
    """Duck-typed TurnOfYear: only what the narrative reads, every number given by hand."""

    def __init__(self, stats=None, years=None, incomplete=None, trough=None, groups=None,
                 group_t=np.nan, current=None, band=None, sensitivity=None,
                 asof="2024-12-27", asof_info=None):
        self.small, self.large, self.windows = "RUT", "SPX", WINDOWS
        self._stats = stats or {}
        self.years = years if years is not None else pd.DataFrame(
            {"pressure_rel": [-1.0, 2.5, 0.4], "rebound_rel": [3.0, -0.5, 1.0]},
            index=pd.Index([2021, 2022, 2023], name="year"))
        self.incomplete = incomplete or {}
        self._trough, self._groups, self.rebound_group_t = trough, groups, group_t
        self._current, self._sens = current, sensitivity
        self.band = band if band is not None else pd.DataFrame({"mean": [0.0, 0.5, 1.0]})
        self.asof, self.asof_info = pd.Timestamp(asof), asof_info

    def window_stats(self, which):
        return self._stats[which]

    def trough(self):
        return self._trough

    def by_ytd_group(self):
        return self._groups

    def current(self):
        return self._current

    def sensitivity(self):
        return self._sens


def stats(mean, t, median=0.1, hit=0.6, n=30, small=1.0, hit_small=0.7):
    return {"mean_rel_pct": mean, "median_rel_pct": median, "hit_rate": hit, "n": n, "t": t,
            "mean_small_pct": small, "hit_rate_small": hit_small}


def test_unknown_section_names_the_valid_ones():
    with pytest.raises(ParameterError) as err:
        nt.read(FakeStudy(), "fit")
    assert "'fit'" in str(err.value) and "windows, years, trough" in str(err.value)
    sens = SimpleNamespace(table=pd.DataFrame(), end="01-15", small="RUT", large="SPX")
    with pytest.raises(ParameterError, match="valid: sensitivity"):
        nt.read(sens, "windows")
    assert nt.SECTIONS == ("windows", "years", "trough", "groups", "current", "sensitivity")


@pytest.mark.parametrize("t, verdict", [
    (1.97, "the playbook's rebound shows up."),  # significant at 1.96 (not at the old 2.0)
    (1.95, "the playbook's rebound shows up on average but not reliably"),
])
def test_rebound_verdict_switches_at_t_crit(t, verdict):
    s = FakeStudy(stats={"pressure": stats(-0.5, -1.0), "rebound": stats(1.234, t)})
    text = nt.read(s, "windows")
    assert verdict in text
    assert "beat large caps (SPX) by 1.23 pp on average" in text
    assert f"(t = {t:.1f})" in text


def test_dip_verdicts_and_wording():
    s = FakeStudy(stats={"pressure": stats(-2.6, -5.0, hit=0.05), "rebound": stats(-0.2, -0.4)},
                  incomplete={2024: "rebound window not complete"})
    text = nt.read(s, "windows")
    assert text.startswith("As of 2024-12-27, 3 seasons (2021 to 2023) have both windows")
    assert "lagged large caps (SPX) by 2.60 pp" in text
    assert "statistically distinguishable from zero (t = -5.0), so the playbook's December " \
           "dip shows up." in text
    assert "beating them in 5% of 30 years" in text
    assert "the playbook's rebound does not show up" in text
    assert text.endswith("Excluded, windows not complete by 2024-12-27: 2024 (rebound window "
                         "not complete).")
    weak = FakeStudy(stats={"pressure": stats(-0.4, -1.0), "rebound": stats(0.3, np.nan)})
    text = nt.read(weak, "windows")
    assert "December dip shows up on average but not reliably" in text
    assert "untestable with so few years" in text


def test_asof_wording_snapped_and_stale():
    snapped = AsOf(date="2024-12-27", requested="2024-12-29", reference=("RUT", "SPX"))
    s = FakeStudy(stats={"pressure": stats(0.1, 0.2), "rebound": stats(1.0, 2.5)},
                  asof_info=snapped)
    assert nt.read(s, "windows").startswith(
        "As of 2024-12-27 (requested 2024-12-29: the last complete bar of RUT and SPX")
    stale = AsOf(date="2026-02-20", requested=None, reference=("RUT", "SPX"))
    s = FakeStudy(stats={"pressure": stats(0.1, 0.2), "rebound": stats(1.0, 2.5)},
                  asof="2025-09-26", asof_info=stale)
    assert nt.read(s, "windows").startswith(
        "As of 2025-09-26, the last date both RUT and SPX have a close (data as of 2026-02-20)")


def test_years_extremes_and_latest_season():
    text = nt.read(FakeStudy(), "years")
    assert "- Pressure window: weakest for small caps in 2021 (-1.00 pp), strongest in 2022 " \
           "(+2.50 pp)." in text
    assert "- Rebound window: weakest for small caps in 2022 (-0.50 pp), strongest in 2021 " \
           "(+3.00 pp)." in text
    # 2023: pressure +0.40 vs average +0.63 (below), rebound +1.00 vs average +1.17 (below)
    assert "Latest complete season (2023): pressure +0.40 pp (below the average +0.63 pp), " \
           "rebound +1.00 pp (below the average +1.17 pp)." in text


def test_trough_wording():
    deep = {"trading_day": 33, "date": "12-18", "value_pp": -2.345, "years": 31,
            "vs_pressure": "inside"}
    text = nt.read(FakeStudy(trough=deep), "trough")
    assert "bottoms on trading day 33 of the window, typically around 12-18 (MM-DD), at " \
           "-2.35 pp: inside the pressure window (12-01 to 12-20)." in text
    flat = dict(deep, value_pp=0.2)
    assert "never falls below its starting level" in nt.read(FakeStudy(trough=flat), "trough")
    none = {"trading_day": None, "date": None, "value_pp": np.nan, "years": 0,
            "vs_pressure": None}
    assert nt.read(FakeStudy(trough=none), "trough") == "No complete path window to average."


def groups(lp, lr, wp, wr, n=10):
    return pd.DataFrame({"pressure_mean_rel_pct": [lp, 0.0, wp],
                         "rebound_mean_rel_pct": [lr, 0.0, wr], "n": [n, n, n],
                         "ytd_min_pp": [-20.0, -4.0, 2.0], "ytd_max_pp": [-5.0, 1.0, 22.0]},
                        index=["losers", "middle", "winners"])


@pytest.mark.parametrize("g, t, verdict, sig", [
    (groups(-1.0, 2.0, 0.5, 0.2), 1.96, "both as the tax-loss hypothesis predicts",
     "statistically distinguishable (Welch t = 2.0)"),
    (groups(1.0, 2.0, 0.5, 0.2), 1.5, "the rebound as predicted but not the pressure",
     "not statistically distinguishable (Welch t = 1.5)"),
    (groups(-1.0, 0.1, 0.5, 0.2), -0.3, "the pressure as predicted but not the rebound",
     "not statistically"),
    (groups(1.0, 0.1, 0.5, 0.2), -2.5, "neither as the tax-loss hypothesis predicts",
     "statistically distinguishable (Welch t = -2.5)"),
])
def test_groups_verdicts(g, t, verdict, sig):
    text = nt.read(FakeStudy(groups=g, group_t=t), "groups")
    assert f"Losers differ from winners in {verdict};" in text
    assert sig in text
    assert "-20.0 pp to -5.0 pp, n = 10" in text and "+2.0 pp to +22.0 pp" in text
    few = groups(1.0, 0.1, 0.5, 0.2, n=1)
    assert nt.read(FakeStudy(groups=few), "groups") == \
        "Too few years to compare losers with winners."


def test_current_phases_ytd_and_path():
    path = pd.Series([0.0, -1.0, -2.0], index=[0, 1, 2])
    cur = {"year": 2024, "phase": "rebound", "ytd_rel_pct": -6.3587,
           "ytd_until": pd.Timestamp("2024-11-29"), "ytd_at_pressure": True,
           "ytd_group": "losers", "path": path}
    text = nt.read(FakeStudy(current=cur), "current")
    assert text.startswith("As of 2024-12-27, the 2024 season is inside the rebound window "
                           "(pressure 12-01 to 12-20, rebound 12-21 to 01-15).")
    assert "Year-to-date RUT trails SPX by 6.36 pp (to 2024-11-29, the close before the " \
           "pressure window), which would place 2024 among the losers (bottom third) of past " \
           "years." in text
    assert "stands at -2.00 pp after 2 trading days of the path window, below the average " \
           "(+1.00 pp) at that day." in text
    early = dict(cur, phase="before", ytd_rel_pct=5.7, ytd_until=pd.Timestamp("2024-06-28"),
                 ytd_at_pressure=False, ytd_group="winners", path=None)
    text = nt.read(FakeStudy(current=early), "current")
    assert "is before the pressure window" in text
    assert "leads SPX by 5.70 pp (to 2024-06-28), which would place 2024 among the winners " \
           "(top third) of past years (past years are measured up to their pressure window, " \
           "so this is provisional)." in text
    assert "relative path" not in text
    for phase, words in (("between", "between the pressure and rebound windows"),
                         ("after", "after the rebound window"),
                         ("pressure", "inside the pressure window")):
        assert words in nt.read(FakeStudy(current=dict(early, phase=phase)), "current")
    missing = dict(early, ytd_rel_pct=float("nan"))
    assert "Year-to-date" not in nt.read(FakeStudy(current=missing), "current")


def sens_table(t, mean):
    idx = [f"12-{d}" for d in range(20, 20 + len(t))]
    return pd.DataFrame({"mean_rel_pct": mean, "t": t, "hit_rate": 0.6}, index=idx)


def test_sensitivity_counts_at_t_crit():
    table = sens_table([1.95, 1.96, 2.5, -0.5], [0.9, 1.1, 1.4, -0.2])
    sens = SimpleNamespace(table=table, end="01-15", small="RUT", large="SPX")
    text = nt.read(sens)
    assert text == ("Across rebound windows starting 12-20 to 12-23 (end 01-15), the mean "
                    "relative rebound of RUT over SPX ranges from -0.20 pp (start 12-23) to "
                    "+1.40 pp (start 12-22); it is positive for 3 of 4 start dates and "
                    "statistically distinguishable from zero (t >= 1.96) for 2.")
    assert nt.read(FakeStudy(sensitivity=sens), "sensitivity") == text
    empty = SimpleNamespace(table=sens_table([np.nan], [np.nan]), end="01-15", small="RUT",
                            large="SPX")
    assert nt.read(empty) == "No complete rebound window for any start date."


def test_full_reading_joins_every_section():
    path = pd.Series([0.0, 1.0], index=[0, 1])
    s = FakeStudy(
        stats={"pressure": stats(-0.5, -1.0), "rebound": stats(1.0, 2.5)},
        trough={"trading_day": 5, "date": "11-07", "value_pp": -0.3, "years": 3,
                "vs_pressure": "before"},
        groups=groups(-1.0, 2.0, 0.5, 0.2), group_t=1.0,
        current={"year": 2024, "phase": "rebound", "ytd_rel_pct": 1.0,
                 "ytd_until": pd.Timestamp("2024-11-29"), "ytd_at_pressure": True,
                 "ytd_group": "middle", "path": path},
        sensitivity=SimpleNamespace(table=sens_table([2.5], [1.0]), end="01-15", small="RUT",
                                    large="SPX"))
    full = nt.read(s)
    parts = [nt.read(s, sec) for sec in nt.SECTIONS]
    assert full == "\n\n".join(parts)
    assert "before the pressure window (12-01 to 12-20)" in full
