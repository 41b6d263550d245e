"""The seasonality study's faster code against the plain code it replaced (kept here as the
reference): the leave-one-out search on arrays, the per-year loops on positions, the window
returns and paths by position, the Santa Claus windows and the month cells.  Random calendars
(gaps, holidays, an as-of date anywhere in the year), random values, ties and missing labels;
every result must be the reference's exactly (same floats, same labels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smallcaps import calendar, stats
from smallcaps import seasonality as se
from smallcaps.returns import window_return
from smallcaps.seasonality import _common, _inference, almanac, effects, monthly, paths

# ------------------------------------------------------------------------------------------
# the reference implementations (the code before the faster one, verbatim but for names)
# ------------------------------------------------------------------------------------------


def ref_test(values: pd.Series, flags: pd.Series, block: int) -> dict:
    out = stats.baseline_test(values, flags, block=block, n_boot=_inference.N_BOOT,
                              seed=_inference.SEED)
    out["p"] = out.pop("p_value")
    out["verdict"] = _inference.verdict(out["excess"], out["p"], out["n"])
    return out


def ref_flips(v: pd.Series, f: pd.Series, block: int, labels: pd.Series, full: str,
              drop_rows: bool) -> tuple[list, bool]:
    if full == "untested" or f.sum() <= _inference.MIN_N:
        return [], False
    picked = v[f]
    order = picked.sort_values(kind="mergesort").index
    directions = {"above": [order[::-1]], "below": [order],
                  "indistinct": [order, order[::-1]]}[full]
    flipped: set = set()
    more = False
    for rows in directions:
        found = calm = 0
        for row in rows:
            if found == _inference.MAX_FLIPS:
                more = True
                break
            if calm == _inference.PATIENCE:
                break
            gone = (labels == labels[row]).to_numpy()
            if drop_rows:
                again = ref_test(v[~gone], f[~gone], block)["verdict"]
            else:
                again = ref_test(v, f & ~gone, block)["verdict"]
            if again == full:
                calm += 1
                continue
            flipped.add(row)
            found, calm = found + 1, 0
    return [int(labels[row]) for row in picked.index if row in flipped], more


def ref_excess_test(values, flags, block, labels, drop_rows=True) -> dict:
    v = pd.Series(values, dtype=float)
    f = pd.Series(flags, index=v.index).reindex(v.index).fillna(False).astype(bool)
    f &= v.notna()
    out = ref_test(v, f, block)
    out["loo"], out["loo_more"] = ref_flips(v, f, block, labels.reindex(v.index),
                                            out["verdict"], drop_rows)
    return out


def ref_window_returns(prices: pd.Series, windows: pd.DataFrame) -> pd.Series:
    p = prices.dropna()
    vals = {y: window_return(p, w["base"], w["last"]) for y, w in windows.iterrows()}
    return pd.Series(vals, dtype=float, name=prices.name).rename_axis("year")


def ref_window_paths(prices: pd.Series, windows: pd.DataFrame) -> pd.DataFrame:
    p = prices.dropna()
    cols = {}
    for year, w in windows.iterrows():
        seg = p.loc[w["base"]: w["last"]]
        cols[year] = (seg / seg.iloc[0] - 1.0).to_numpy() * 100.0
    n = max((len(v) for v in cols.values()), default=0)
    out = pd.DataFrame({y: np.pad(v, (0, n - len(v)), constant_values=np.nan)
                        for y, v in cols.items()}, index=pd.RangeIndex(n, name="trading_day"))
    out.columns.name = "year"
    return out


def ref_santa_windows(index, asof=None, start=None) -> pd.DataFrame:
    idx = pd.DatetimeIndex(index).dropna().sort_values().unique()
    cut = pd.Timestamp(asof) if asof is not None else None
    if cut is not None:
        idx = idx[idx <= cut]
    last_date = idx[-1] if len(idx) else None
    rows = {}
    for y in sorted(set(idx.year)):
        dec = idx[(idx.year == y) & (idx.month == 12)]
        if len(dec) < 6:
            continue
        if not calendar.period_complete(last_date, pd.Timestamp(year=y, month=12, day=31)):
            rows[y] = {"base": dec[-6], "first": dec[-5], "last": dec[-1],
                       "dec_days": 5, "jan_days": 0, "complete": False}
            continue
        jan = idx[(idx.year == y + 1) & (idx.month == 1)][:2]
        rows[y] = {"base": dec[-6], "first": dec[-5], "last": jan[-1] if len(jan) else dec[-1],
                   "dec_days": 5, "jan_days": len(jan), "complete": len(jan) == 2}
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["base", "first", "last", "dec_days", "jan_days",
                                          "complete"])
    out.index.name = "year"
    if start is not None and not out.empty:
        out = out.loc[out["first"] >= pd.Timestamp(start)]
    return out


def ref_ret(p, a, b) -> float:
    r = (p.loc[b] / p.loc[a] - 1.0) * 100.0
    return float(r) if np.ndim(r) == 0 else float(r.iloc[0] - r.iloc[1])


def ref_complete_years(idx, asof, start) -> list:
    lo = pd.Timestamp(start) if start is not None else None
    out = []
    for y in sorted(set(idx.year)):
        if not calendar.period_complete(asof, pd.Timestamp(year=y, month=12, day=31)):
            continue
        if not (idx < pd.Timestamp(year=y, month=1, day=1)).any():
            continue
        if lo is not None and idx[idx.year == y][0] < lo:
            continue
        out.append(y)
    return out


def ref_legs(prices: pd.DataFrame) -> dict:
    legs = {c: prices[c].dropna() for c in prices.columns}
    legs["A-B"] = prices[["A", "B"]].dropna()
    return legs


def ref_first_five(prices, asof, start) -> dict:
    out = {}
    for c, p in ref_legs(prices).items():
        idx, rows = p.index, {}
        for y in ref_complete_years(idx, asof, start):
            inside = idx[idx.year == y]
            if len(inside) < 6:
                continue
            base, fifth, end = idx[idx < inside[0]][-1], inside[4], inside[-1]
            rows[y] = {"signal": ref_ret(p, base, fifth), "outcome": ref_ret(p, fifth, end)}
        out[c] = rows
    return out


def ref_december_low(prices, asof, start) -> dict:
    out = {}
    for c, p in ref_legs(prices).items():
        level = p.iloc[:, 0] / p.iloc[:, 1] if isinstance(p, pd.DataFrame) else p
        idx, rows = p.index, {}
        for y in ref_complete_years(idx, asof, start):
            dec = level[(idx.year == y - 1) & (idx.month == 12)]
            if len(dec) < 15 or not (idx < dec.index[0]).any():
                continue
            q1 = level[(idx.year == y) & (idx.month <= 3)]
            last_mar, end = q1.index[-1], idx[idx.year == y][-1]
            low = float(dec.min())
            rows[y] = {"signal": float(q1.min() / low - 1) * 100,
                       "outcome": ref_ret(p, last_mar, end),
                       "year_pct": ref_ret(p, dec.index[-1], end),
                       "break": bool((q1 < low).any())}
        out[c] = rows
    return out


def ref_mid_january(prices, asof, start) -> dict:
    h, out = almanac.MID_JANUARY_DAYS, {}
    for c, p in ref_legs(prices).items():
        idx = p.index
        if isinstance(p, pd.DataFrame):
            fwd = _inference.forward_spread(p.iloc[:, 0], p.iloc[:, 1], h, start)
        else:
            fwd = _inference.forward_returns(p, h, start)
        santa = ref_santa_windows(idx, asof=asof)
        rows = {}
        for y in sorted(set(idx.year)):
            jan = idx[(idx.year == y) & (idx.month == 1)]
            if len(jan) <= h or not calendar.period_complete(
                    asof, pd.Timestamp(year=y, month=1, day=31)):
                continue
            base = jan[-h - 1]
            if base not in fwd.index or np.isnan(fwd.loc[base]):
                continue
            prior = santa.loc[y - 1] if y - 1 in santa.index else None
            gain = (ref_ret(p, prior["base"], prior["last"])
                    if prior is not None and prior["complete"] else np.nan)
            rows[y] = {"signal": gain, "outcome": float(fwd.loc[base])}
        out[c] = rows
    return out


# ------------------------------------------------------------------------------------------
# random inputs
# ------------------------------------------------------------------------------------------


def random_calendar(seed: int, first="1999-10-01", last="2006-03-31", drop=0.04):
    """Business days with a random share left out (holidays, missing rows)."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(first, last)
    return days[rng.random(days.size) > drop]


def random_prices(seed: int, asof: str, first="1999-10-01") -> pd.DataFrame:
    """Two random walks on overlapping but different calendars, cut at ``asof``."""
    rng = np.random.default_rng(seed)
    idx = random_calendar(seed, first)
    a = pd.Series(100 * np.cumprod(1 + rng.normal(0.0003, 0.012, idx.size)), index=idx)
    b = pd.Series(100 * np.cumprod(1 + rng.normal(0.0002, 0.010, idx.size)), index=idx)
    b[rng.random(idx.size) < 0.03] = np.nan  # the large leg misses a few days
    return pd.DataFrame({"A": a, "B": b}).loc[:asof]


def years_frame(rows: dict, columns: list) -> pd.DataFrame:
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    out.index.name = "year"
    return out


ASOFS = ["2005-12-30", "2006-01-06", "2006-01-31", "2006-03-31", "2005-06-15"]


# ------------------------------------------------------------------------------------------
# the excess test and its leave-one-out search
# ------------------------------------------------------------------------------------------


def _case(seed: int, n: int, every: int, lift: float, ties: bool, missing: bool):
    rng = np.random.default_rng(seed)
    v = pd.Series(rng.normal(0.3, 2.0, n))
    if ties:
        v = v.round(0)
    flags = pd.Series(np.arange(n) % every == every // 2)
    v[flags] += lift
    labels = pd.Series(np.arange(n) // every + 1990).where(flags)
    if missing:
        v[rng.random(n) < 0.05] = np.nan
        labels[rng.random(n) < 0.1] = np.nan  # flagged rows without a label
    return v, flags, labels


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(15, 160), every=st.integers(2, 12),
       lift=st.sampled_from([-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0]), ties=st.booleans(),
       missing=st.booleans(), drop_rows=st.booleans(), block=st.sampled_from([1, 2, 5, 12]))
def test_excess_test_equals_the_pandas_search(seed, n, every, lift, ties, missing, drop_rows,
                                              block):
    v, flags, labels = _case(seed, n, every, lift, ties, missing)
    got = _inference.excess_test(v, flags, block, labels, drop_rows=drop_rows)
    ref = ref_excess_test(v, flags, block, labels, drop_rows=drop_rows)
    assert got.keys() == ref.keys()
    for k in ref:
        assert got[k] == ref[k] or (np.isnan(got[k]) and np.isnan(ref[k])), k


@pytest.mark.parametrize(("seed", "lift"), [(3, 1.0), (9, 1.0), (0, 1.3), (5, 1.3), (7, 1.3),
                                          (1, -1.0), (2, -1.0)])
def test_excess_test_flips_near_the_line_equal_the_pandas_search(seed, lift):
    # 20 years near the 5 % line: the searches name years, some up to the cap
    v, flags, labels = _case(seed, 240, 12, lift, False, False)
    for drop_rows in (True, False):
        got = _inference.excess_test(v, flags, 12, labels, drop_rows=drop_rows)
        ref = ref_excess_test(v, flags, 12, labels, drop_rows=drop_rows)
        assert (got["loo"], got["loo_more"], got["verdict"]) == (
            ref["loo"], ref["loo_more"], ref["verdict"])
        assert got["loo"] or not drop_rows


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), share=st.floats(0.0, 1.0),
       nan_share=st.sampled_from([0.0, 0.1, 0.5]), block=st.sampled_from([1, 3, 12]))
def test_retest_is_the_verdict_of_the_full_test(seed, n, share, nan_share, block):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n) + rng.choice([0.0, 3.0], n)
    f = rng.random(n) < share
    x[rng.random(n) < nan_share] = np.nan
    f &= ~np.isnan(x)
    want = ref_test(pd.Series(x), pd.Series(f), block)["verdict"]
    assert _inference._retest(x, f, block) == want


# ------------------------------------------------------------------------------------------
# calendar helpers, windows and paths
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_completion_is_period_complete(seed):
    rng = np.random.default_rng(seed)
    days = pd.date_range("1999-12-20", "2006-01-10")
    for asof in rng.choice(days, 8):
        complete = _common.completion(asof)
        for end in rng.choice(days, 40):
            assert complete(end) == calendar.period_complete(asof, end)
        for y in range(1999, 2007):  # year and month ends, where it matters
            for end in (f"{y}-12-31", f"{y}-01-31"):
                assert complete(end) == calendar.period_complete(asof, end)


def test_spans_are_the_runs_of_equal_keys():
    idx = random_calendar(3)
    keys = _common.month_keys(idx)
    assert (keys == idx.year * 12 + idx.month - 1).all()
    got = _common.spans(keys)
    for k in np.unique(keys):
        pos = np.flatnonzero(keys == k)
        assert got[int(k)] == (pos[0], pos[-1] + 1)
    assert _common.spans(np.array([], dtype=int)) == {}


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("window", [["12-21", "01-15"], ["11-01", "01-31"], ["01-01", "12-31"],
                                    ["12-01", "12-20"], ["02-29", "03-05"]])
def test_window_returns_and_paths_equal_the_loops(seed, window):
    prices = random_prices(seed, ASOFS[seed % len(ASOFS)])
    for col in ("A", "B"):
        p = prices[col]
        w = calendar.map_windows(p.dropna().index, window, asof=p.index[-1])
        pd.testing.assert_series_equal(paths.window_returns(p, w), ref_window_returns(p, w),
                                       check_exact=True)
        pd.testing.assert_frame_equal(paths.window_paths(p, w), ref_window_paths(p, w),
                                      check_exact=True)
    # windows on the other leg's calendar: some dates are not among this leg's closes
    w = calendar.map_windows(prices["A"].index, window, asof=prices.index[-1])
    pd.testing.assert_series_equal(paths.window_returns(prices["B"], w),
                                   ref_window_returns(prices["B"], w), check_exact=True)
    empty = w.iloc[:0]
    pd.testing.assert_series_equal(paths.window_returns(prices["A"], empty),
                                   ref_window_returns(prices["A"], empty), check_exact=True)


@pytest.mark.parametrize("seed", range(8))
def test_santa_claus_windows_equal_the_loop(seed):
    idx = random_calendar(seed, first=f"1999-12-{1 + 3 * seed:02d}", drop=0.1)
    for asof in [None, *ASOFS, "2000-12-26", "2001-01-02"]:
        for start in (None, "2001-12-20", "2003-01-01"):
            got = effects.santa_claus_windows(idx, asof=asof, start=start)
            pd.testing.assert_frame_equal(got, ref_santa_windows(idx, asof, start))
    assert effects.santa_claus_windows(idx[:0]).empty


# ------------------------------------------------------------------------------------------
# the Almanac's per-year loops
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_first_five_days_and_december_low_years_equal_the_loops(seed):
    asof = ASOFS[seed]
    prices = random_prices(seed, asof)
    for start in (None, "2001-01-03"):
        ff = almanac.first_five_days(prices, start=start, relative=["A", "B"])
        dl = almanac.december_low(prices, start=start, relative=["A", "B"])
        ref_ff = ref_first_five(prices, prices.index[-1], start)
        ref_dl = ref_december_low(prices, prices.index[-1], start)
        for c in ("A", "B", "A-B"):
            pd.testing.assert_frame_equal(
                ff.years.loc[c][["signal", "outcome"]],
                years_frame(ref_ff[c], ["signal", "outcome"]), check_exact=True)
            got = dl.years.loc[c][["signal", "outcome", "year_pct", "break"]]
            pd.testing.assert_frame_equal(
                got, years_frame(ref_dl[c], ["signal", "outcome", "year_pct", "break"])
                .astype({"break": bool}), check_exact=True)


@pytest.mark.parametrize("seed", range(5))
def test_mid_january_reversal_years_equal_the_loop(seed):
    prices = random_prices(seed, ASOFS[seed])
    for start in (None, "2001-01-03"):
        got = almanac.mid_january_reversal(prices, start=start, relative=["A", "B"])
        ref = ref_mid_january(prices, prices.index[-1], start)
        for c in ("A", "B", "A-B"):
            pd.testing.assert_frame_equal(got.years.loc[c][["signal", "outcome"]],
                                          years_frame(ref[c], ["signal", "outcome"]),
                                          check_exact=True)


def test_the_almanac_ignores_the_frames_attrs_and_keeps_them():
    prices = random_prices(1, "2006-03-31")
    bare = almanac.first_five_days(prices, relative=["A", "B"])
    prices.attrs = {"provenance": {"A": {"source": "test"}}}
    dressed = almanac.first_five_days(prices, relative=["A", "B"])
    pd.testing.assert_frame_equal(bare.years, dressed.years)
    assert dressed.provenance == {"A": {"source": "test"}}
    assert prices.attrs == {"provenance": {"A": {"source": "test"}}}


# ------------------------------------------------------------------------------------------
# month-of-year cells
# ------------------------------------------------------------------------------------------


def ref_month_cell(s: pd.Series, m: int, enough: bool) -> dict:
    flags = pd.Series(s.index.month == m, index=s.index)
    x = s[flags.to_numpy()]
    st_ = stats.summarize(x)
    years = x.index.year
    row = {"mean": st_["mean"], "median": st_["median"], "trimmed_mean": stats.trimmed_mean(x),
           "hit_rate": st_["hit_rate"], "n": st_["n"], "std": st_["std"], "t": st_["t"],
           "best": float(x.max()) if len(x) else np.nan,
           "best_year": int(years[np.argmax(x.to_numpy())]) if len(x) else np.nan,
           "worst": float(x.min()) if len(x) else np.nan,
           "worst_year": int(years[np.argmin(x.to_numpy())]) if len(x) else np.nan,
           "enough_years": enough, "baseline": float(s.mean()) if len(s) else np.nan,
           "welch_t_vs_other_months": stats.welch_t(x, s[~flags.to_numpy()])}
    if not enough:
        row.update({"excess": st_["mean"] - row["baseline"], "ci_low": np.nan,
                    "ci_high": np.nan, "p": np.nan, "episodes": st_["n"],
                    "verdict": "untested", "loo": [], "loo_more": False})
        return row
    years = pd.Series(s.index.year, index=s.index).where(flags)
    test = ref_excess_test(s, flags, monthly.MONTH_BLOCK, years)
    row.update({k: test[k] for k in ("excess", "ci_low", "ci_high", "p", "episodes",
                                     "verdict", "loo", "loo_more")})
    return row


@pytest.mark.parametrize("seed", range(3))
def test_month_cells_equal_the_reference(seed):
    prices = random_prices(seed, "2006-03-31", first="1990-01-01")
    monthly_returns = se.monthly_returns(prices, relative=["A", "B"])
    table = se.month_of_year_stats(monthly_returns, min_years=15).table
    for col in monthly_returns.complete.columns:
        s = monthly_returns.complete[col].dropna()
        for m in range(1, 13):
            ref = ref_month_cell(s, m, int((s.index.month == m).sum()) >= 15)
            got = table.loc[(col, monthly.MONTH_NAMES[m - 1])]
            for k, want in ref.items():
                value = got[k]
                assert value == want or (pd.isna(value) and pd.isna(want)), (col, m, k)
