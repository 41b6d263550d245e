"""Notebook parameters validated by their declared schemas (smallcaps.params, pydantic) before any
folder is created or kernel started: bad ``-p`` values and options through ``smallcaps report``
(exit 2, one line naming the input and what would be valid, nothing written), the schemas
themselves (the notebooks' own defaults, boundaries, catalog keys) and the interactive check a
notebook runs on its own namespace.  No test here starts a kernel."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from smallcaps import params
from smallcaps.cli import main
from smallcaps.errors import ParameterError, SmallcapsError
from smallcaps.runner import params as runner_params
from smallcaps.runner import skipcache

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BUILTIN = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
HOSTILE = "<img src=x onerror=alert(3)>"
PRICES = "RUT, SPX, NDX, DJI, IWM, SPY, QQQ"


def _specs(*names: str) -> list[dict]:
    cache = skipcache.Cache(Path("/nonexistent-out"))
    return [runner_params.inspect_notebook(NOTEBOOKS / f"{n}.ipynb", cache) for n in names]


def _defaults(spec: dict) -> dict:
    return {k: ast.literal_eval(v["default"]) for k, v in spec["params"].items()}


# --------------------------------------------------------------------------- the command line

#: (arguments after ``smallcaps report``, words the one line must hold)
CLI_CASES = [
    # 01_yields_vs_small_caps
    (["01", "-p", "window", "-3"],
     ["-p window -3 for 01_yields_vs_small_caps: must be a whole number from 3 to 520"]),
    (["01", "-p", "window", "0"], ["-p window 0", "from 3 to 520"]),
    (["01", "-p", "window", "100000"], ["-p window 100000", "from 3 to 520"]),
    (["01", "-p", "window", "2.5"], ["-p window 2.5", "whole number"]),
    (["01", "-p", "window", "abc"], ["-p window abc", "whole number"]),
    (["01", "-p", "small", "XYZ"], ["-p small XYZ", "'XYZ' is not in the catalog",
                                    f"price series of the catalog ({PRICES})"]),
    (["01", "-p", "small", "DGS10"], ["-p small DGS10", "DGS10 is a yield series",
                                      "must be a price series"]),
    (["01", "-p", "yield_series", "SPX"], ["-p yield_series SPX", "SPX is a price series",
                                           "yield series of the catalog (DGS10, DGS2, DFF)"]),
    (["01", "-p", "freq", "Q"], ["-p freq Q", "must be one of W-FRI, M, D"]),
    (["01", "-p", "regime_bp", "nan"], ["-p regime_bp nan", "a number from 0 to 1000"]),
    (["01", "-p", "small", "SPX"], ["-p small SPX", "must be different from default large SPX"]),
    (["01", "-p", "windw", "5"], ["unknown parameter -p windw for 01_yields_vs_small_caps",
                                  "valid:", "window"]),
    (["01", "-p", "small", "A\nB"], ["-p small 'A\\nB'", "not in the catalog"]),
    # 02_ratio_charts
    (["02", "-p", "pairs", "RUT/DGS10"], ["-p pairs RUT/DGS10 for 02_ratio_charts",
                                          "DGS10 is a yield series"]),
    (["02", "-p", "pairs", "RUTSPX"], ["-p pairs RUTSPX", "not of the form 'A/B'"]),
    (["02", "-p", "pairs", "RUT/RUT"], ["-p pairs RUT/RUT", "divides RUT by itself"]),
    (["02", "-p", "mas", "1,50"], ["-p mas 1,50", "whole numbers from 2 to 400"]),
    (["02", "-p", "rebase_date", "2024-13-01"], ["-p rebase_date 2024-13-01",
                                                 "must be a date YYYY-MM-DD or blank"]),
    (["02", "-p", "log_scale", "maybe"], ["-p log_scale maybe", "must be true or false"]),
    (["02", "-p", "breakout_days", "1"], ["-p breakout_days 1", "from 2 to 2520"]),
    (["02", "-p", "ranking", "RUT,XYZ"], ["-p ranking RUT,XYZ", "'XYZ' is not in the catalog"]),
    (["02", "-p", "etf_field", "open"], ["-p etf_field open", "one of adj_close, close"]),
    # 03_seasonality
    (["03", "-p", "series", f'["{HOSTILE}", "SPX"]'],
     ["-p series", "03_seasonality", f"'{HOSTILE}' is not in the catalog"]),
    (["03", "-p", "series", ""], ["-p series ''", "a list of 1 to 20 different price series"]),
    (["03", "-p", "relative", "RUT"], ["-p relative RUT", "a list of exactly 2"]),
    (["03", "-p", "relative", "RUT,RUT"], ["-p relative RUT,RUT", "names RUT twice"]),
    (["03", "-p", "min_years", "1"], ["-p min_years 1", "from 2 to 100"]),
    # 04_tax_loss_timing
    (["04", "-p", "pressure_window", "13-01,12-20"],
     ["-p pressure_window 13-01,12-20 for 04_tax_loss_timing",
      "'13-01' is not a valid month-day", "['MM-DD', 'MM-DD']"]),
    (["04", "-p", "rebound_window", "12-21"], ["-p rebound_window 12-21",
                                               "two different month-days"]),
    (["04", "-p", "path_window", "11-01,11-01"], ["-p path_window", "starts where it ends"]),
    (["04", "-p", "small", "DGS2"], ["-p small DGS2", "DGS2 is a yield series"]),
    # 05_divergence_signals
    (["05", "-p", "horizon_days", "0"], ["-p horizon_days 0 for 05_divergence_signals",
                                         "from 1 to 252"]),
    (["05", "-p", "horizon_days", "253"], ["-p horizon_days 253", "from 1 to 252"]),
    (["05", "-p", "sigma", "0"], ["-p sigma 0", "greater than 0 and at most 10"]),
    (["05", "-p", "sigma", "11"], ["-p sigma 11", "greater than 0 and at most 10"]),
    (["05", "-p", "direction", "bad"], ["-p direction bad", "must be one of up, down, both"]),
    (["05", "-p", "std_method", "ewm"], ["-p std_method ewm", "expanding, rolling, full"]),
    (["05", "-p", "n_boot", "10"], ["-p n_boot 10", "from 100 to 100000"]),
    (["05", "-p", "n_boot", "200000"], ["-p n_boot 200000", "from 100 to 100000"]),
    (["05", "-p", "forward_days", "0,21"], ["-p forward_days 0,21", "from 1 to 1260"]),
    (["05", "-p", "seed", "-1"], ["-p seed -1", "a whole number from 0"]),
    # 06_trend_and_levels
    (["06", "-p", "lookback_days", "5"], ["-p lookback_days 5 for 06_trend_and_levels",
                                          "from 20 to 10000"]),
    (["06", "-p", "pivot_window", "1"], ["-p pivot_window 1", "from 2 to 60"]),
    (["06", "-p", "pivot_window", "61"], ["-p pivot_window 61", "from 2 to 60"]),
    (["06", "-p", "mas", "50,50"], ["-p mas 50,50", "names 50 twice"]),
    (["06", "-p", "macd", "26,12,9"], ["-p macd 26,12,9", "fast < slow"]),
    (["06", "-p", "macd", "12,26"], ["-p macd 12,26", "three whole numbers"]),
    (["06", "-p", "benchmark", "DGS10"], ["-p benchmark DGS10", "price series of the catalog",
                                          "or blank"]),
    (["06", "-p", "series", "SPX,XYZ"], ["-p series SPX,XYZ", "'XYZ' is not in the catalog"]),
    (["06", "-p", "level_tolerance_pct", "-1"], ["-p level_tolerance_pct -1",
                                                 "a number from 0 to 20"]),
    (["06", "-p", "timeframe", "monthly"], ["-p timeframe monthly", "one of daily, weekly"]),
    (["06", "-p", "pattern_windows", "5,100"], ["-p pattern_windows 5,100", "from 2 to 60"]),
    # options and the standard parameters
    (["01", "--asof", "1900-01-02"], ["--asof 1900-01-02 is before the data", "valid:"]),
    (["05", "--asof", "2099-01-01"], ["--asof 2099-01-01 is after the data", "valid:"]),
    (["01", "--asof", "2024-13-01"], ["--asof '2024-13-01' is not a date", "YYYY-MM-DD"]),
    (["01", "--asof", "2020-01-01", "--start", "2021-01-01"],
     ["--start 2021-01-01 is not before --asof 2020-01-01"]),
    (["01", "-p", "asof", "2020-01-01"], ["set asof with --asof, not with -p asof"]),
    (["01", "--source", "bogus"], ["argument --source", "'bogus'", "auto"]),
    (["01", "--jobs", "0"], ["--jobs 0"]),
]


@pytest.mark.parametrize("args, words", CLI_CASES,
                         ids=[" ".join(a).replace("\n", "\\n")[:60] for a, _ in CLI_CASES])
def test_bad_parameter_is_one_line_exit_2_and_writes_nothing(args, words, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["report", "--notebooks", str(NOTEBOOKS), *args, "--source", "sample",
                   "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("smallcaps: error: ")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]
    assert not out.exists()


def test_at_least_25_cases_over_the_six_notebooks():
    assert len(CLI_CASES) >= 25
    assert {a[0] for a, _ in CLI_CASES} == {"01", "02", "03", "04", "05", "06"}


def test_the_cli_and_the_notebook_say_the_same():
    """The runner's line and the interactive check's differ only in how the input is named."""
    with pytest.raises(ParameterError) as err:
        params.check("01_yields_vs_small_caps", {"window": -3})
    assert str(err.value) == ("window -3 for 01_yields_vs_small_caps: must be a whole number "
                              "from 3 to 520")
    specs = _specs("01_yields_vs_small_caps")
    with pytest.raises(ParameterError) as cli:
        runner_params.check_parameters(specs, {"window": "-3"})
    assert str(cli.value) == "-p " + str(err.value)


# --------------------------------------------------------------------------- the runner's check


def test_good_values_are_parsed_by_the_schema():
    specs = _specs(*BUILTIN)
    got = runner_params.check_parameters(specs, {
        "window": "26", "mas": "50,200", "sigma": "2", "rebase_date": "2024-1-5",
        "pairs": '["RUT/SPX", "IWM/QQQ"]', "log_scale": "no", "benchmark": "",
        "pressure_window": "12-02,12-19", "macd": "[8, 21, 5]"})
    assert got["01_yields_vs_small_caps"] == {"window": 26}
    assert got["02_ratio_charts"] == {"mas": [50, 200], "rebase_date": "2024-01-05",
                                      "pairs": ["RUT/SPX", "IWM/QQQ"], "log_scale": False}
    assert got["04_tax_loss_timing"] == {"pressure_window": ["12-02", "12-19"]}
    assert got["05_divergence_signals"] == {"sigma": 2.0}
    assert got["06_trend_and_levels"] == {"mas": [50, 200], "benchmark": "", "macd": [8, 21, 5]}
    assert type(got["05_divergence_signals"]["sigma"]) is float


def test_standard_options_are_checked_against_the_notebook():
    """--asof before a notebook's own default start, a rebase date after --asof: refused before
    anything runs, naming both inputs."""
    (nb01,) = _specs("01_yields_vs_small_caps")
    with pytest.raises(ParameterError) as err:
        runner_params.check_parameters([nb01], {}, standard={"asof": "1989-06-01"})
    assert str(err.value) == ("default start 1990-01-01 for 01_yields_vs_small_caps: must be "
                              "before --asof 1989-06-01")
    (nb02,) = _specs("02_ratio_charts")
    with pytest.raises(ParameterError, match="-p rebase_date 2025-01-01 for 02_ratio_charts: "
                                             "must be on or before --asof 2024-06-28"):
        runner_params.check_parameters([nb02], {"rebase_date": "2025-01-01"},
                                       standard={"asof": "2024-06-28", "source": "sample"})
    ok = runner_params.check_parameters([nb02], {"rebase_date": "2024-06-28"},
                                        standard={"asof": "2024-06-28"})
    assert ok == {"02_ratio_charts": {"rebase_date": "2024-06-28"}}


def test_a_parameter_the_schema_does_not_know_yet_keeps_working(tmp_path):
    """A notebook engineer adds ``new_knob``: the schema still checks the rest, the new one
    gets the type check of its default."""
    nb = nbformat.read(NOTEBOOKS / "01_yields_vs_small_caps.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\nnew_knob: int = 3  # a parameter added after the schema was written"
    path = tmp_path / "01_yields_vs_small_caps.ipynb"
    nbformat.write(nb, path)
    (spec,) = [runner_params.inspect_notebook(path, skipcache.Cache(tmp_path / "o"))]
    got = runner_params.check_parameters([spec], {"new_knob": "5", "window": "26"})
    assert got == {"01_yields_vs_small_caps": {"new_knob": 5, "window": 26}}
    with pytest.raises(SmallcapsError, match="new_knob='x' does not fit .* expected an integer"):
        runner_params.check_parameters([spec], {"new_knob": "x"})
    with pytest.raises(ParameterError, match="-p window 1 "):
        runner_params.check_parameters([spec], {"new_knob": "5", "window": "1"})


def test_a_schema_field_the_notebook_lacks_is_not_a_parameter(tmp_path):
    """A schema may declare a parameter before its notebook has it (``fed_bp`` was declared so):
    the runner still accepts only what the notebook itself declares."""
    nb = nbformat.read(NOTEBOOKS / "01_yields_vs_small_caps.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line for line in cell.source.splitlines()
                            if not line.startswith("fed_bp"))
    path = tmp_path / "01_yields_vs_small_caps.ipynb"
    nbformat.write(nb, path)
    (spec,) = [runner_params.inspect_notebook(path, skipcache.Cache(tmp_path / "o"))]
    assert "fed_bp" not in spec["params"] and "fed_bp" in params.schema_for(path).model_fields
    with pytest.raises(SmallcapsError, match="unknown parameter -p fed_bp for 01_yields"):
        runner_params.check_parameters([spec], {"fed_bp": "10"})
    assert runner_params.check_parameters([spec], {"window": "30"}) == {
        "01_yields_vs_small_caps": {"window": 30}}


def test_a_run_of_defaults_and_plain_values_never_imports_pandas():
    """The checks that need the catalog or pandas are skipped for the notebook's own defaults:
    ``-p window 26`` is checked without loading the data layer."""
    code = (
        "import sys; from pathlib import Path; from smallcaps.runner import params, skipcache;"
        f"c = skipcache.Cache(Path('/nonexistent')); nb = Path({str(NOTEBOOKS)!r});"
        "specs = [params.inspect_notebook(p, c) for p in sorted(nb.glob('0*.ipynb'))];"
        "got = params.check_parameters(specs, {'window': '26', 'sigma': '2', 'mas': '50,200'},"
        " standard={'asof': '2024-06-28', 'source': 'sample'});"
        "print(json.dumps([got['01_yields_vs_small_caps'], 'pandas' in sys.modules,"
        " 'smallcaps.data' in sys.modules]))"
    )
    proc = subprocess.run([sys.executable, "-c", "import json;" + code], capture_output=True,
                          text=True, check=True, timeout=300)
    assert json.loads(proc.stdout) == [{"window": 26}, False, False]


@pytest.mark.parametrize("body", [
    "MYSC: {name: caf\xe9, provider: yahoo, symbol: X, kind: price, units: USD}\n".encode(
        "latin-1"),
    b"MYSC: [unclosed\n",
], ids=["latin-1", "not-yaml"])
def test_a_catalog_that_cannot_be_read_is_named_not_the_parameter(body, tmp_path, monkeypatch):
    bad = tmp_path / "catalog.yml"
    bad.write_bytes(body)
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(bad))
    with pytest.raises(SmallcapsError) as err:
        params.check("01_yields_vs_small_caps", {"small": "MYSC"})
    msg = str(err.value)
    assert str(bad) in msg and "\n" not in msg and "small" not in msg


# --------------------------------------------------------------------------- the schemas


def test_every_builtin_notebook_has_a_schema():
    assert set(params.SCHEMAS) == set(BUILTIN)
    assert len(BUILTIN) == 6


@pytest.mark.parametrize("name", BUILTIN)
def test_the_notebooks_own_defaults_validate(name):
    """Every default of the parameters cell (papermill's inspection), checked in full: the
    catalog keys against the catalog, the month-days, the dates."""
    (spec,) = _specs(name)
    model = params.schema_for(name)
    values = {k: v for k, v in _defaults(spec).items() if k in model.model_fields}
    got = params.validate(model, values)
    assert got.model_dump(include=set(values)) == values
    assert params.check(name, _defaults(spec)).model_dump(include=set(values)) == values


@pytest.mark.parametrize("name", BUILTIN)
def test_the_schema_defaults_match_the_notebook(name):
    """The schema's own defaults document the notebook's (for the parameters both declare)."""
    (spec,) = _specs(name)
    model = params.schema_for(name)
    for key, value in _defaults(spec).items():
        if key in model.model_fields:
            assert model.model_fields[key].default == value, key


def test_undeclared_parameters_are_listed():
    """What the schemas do not declare yet falls back to the type of its default."""
    undeclared = {}
    for spec in _specs(*BUILTIN):
        model = params.schema_for(spec["name"])
        rest = [k for k in spec["params"] if k not in model.model_fields]
        if rest:
            undeclared[spec["name"]] = rest
            for key in rest:  # the fallback accepts the notebook's own default text
                text = spec["params"][key]["default"]
                value = ast.literal_eval(text)
                raw = value if isinstance(value, str) else json.dumps(value)
                runner_params.check_parameters([spec], {key: raw})
    print("undeclared:", undeclared)


@pytest.mark.parametrize("name, field, good, bad", [
    ("01_yields_vs_small_caps", "window", [3, 520], [2, 521]),
    ("01_yields_vs_small_caps", "regime_bp", [0, 1000], [-0.01, 1000.5]),
    ("01_yields_vs_small_caps", "fed_window", [1, 520], [0, 521]),
    ("02_ratio_charts", "breakout_days", [2, 2520], [1, 2521]),
    ("02_ratio_charts", "mas", [[], [2, 400]], [[1], [401], [2, 3, 4, 5, 6, 7, 8]]),
    ("03_seasonality", "min_years", [2, 100], [1, 101]),
    ("05_divergence_signals", "horizon_days", [1, 252], [0, 253]),
    ("05_divergence_signals", "sigma", [1e-9, 10], [0, 10.000001, float("inf")]),
    ("05_divergence_signals", "n_boot", [100, 100_000], [99, 100_001]),
    ("05_divergence_signals", "decluster_days", [0, 252], [-1, 253]),
    ("05_divergence_signals", "seed", [0, 2**32 - 1], [-1, 2**32]),
    ("06_trend_and_levels", "pivot_window", [2, 60], [1, 61]),
    ("06_trend_and_levels", "lookback_days", [20, 10_000], [19, 10_001]),
    ("06_trend_and_levels", "mas", [[2], [400, 2]], [[], [1], [401]]),
    ("06_trend_and_levels", "macd", [[1, 2, 1], [399, 400, 400]], [[2, 2, 9], [0, 5, 3]]),
    ("06_trend_and_levels", "level_tolerance_pct", [0, 20], [-0.1, 20.1]),
    ("06_trend_and_levels", "timeframe", ["daily", "weekly"], ["monthly", "Daily"]),
])
def test_boundaries(name, field, good, bad):
    for value in good:
        assert getattr(params.check(name, {field: value}), field) == value
    for value in bad:
        with pytest.raises(ParameterError) as err:
            params.check(name, {field: value})
        msg = str(err.value)
        assert msg.startswith(f"{field} {value!r} for {name}: ") and "must be " in msg, msg
        assert "\n" not in msg


@pytest.mark.parametrize("value", [True, "26", 26.0, None, [26]])
def test_a_namespace_value_of_another_type_is_refused(value):
    """In a notebook the values are Python values: ``window = "26"`` is a mistake there."""
    with pytest.raises(ParameterError) as err:
        params.check("01_yields_vs_small_caps", {"window": value})
    assert str(err.value).startswith(f"window {value!r} for 01_yields_vs_small_caps: must be")


def test_a_user_catalog_key_is_accepted(tmp_path, monkeypatch):
    cat = tmp_path / "catalog.yml"
    cat.write_text("MYSC: {name: My small caps, provider: yahoo, symbol: MYSC, kind: price, "
                   "units: USD}\nMYRATE: {name: My rate, provider: fred, symbol: MYRATE, "
                   "kind: yield, units: percent}\n", encoding="utf-8")
    monkeypatch.setenv("SMALLCAPS_CATALOG", str(cat))
    assert params.check("01_yields_vs_small_caps", {"small": "MYSC",
                                                    "yield_series": "MYRATE"}).small == "MYSC"
    assert params.check("02_ratio_charts", {"pairs": ["MYSC/SPX"]}).pairs == ["MYSC/SPX"]
    assert params.check("06_trend_and_levels", {"series": ["MYSC"]}).series == ["MYSC"]
    with pytest.raises(ParameterError, match="MYRATE is a yield series"):
        params.check("05_divergence_signals", {"small": "MYRATE"})
    (spec,) = _specs("03_seasonality")
    got = runner_params.check_parameters([spec], {"series": "MYSC,RUT"})
    assert got == {"03_seasonality": {"series": ["MYSC", "RUT"]}}


def test_a_yield_key_is_refused_for_small():
    for name in ("01_yields_vs_small_caps", "04_tax_loss_timing", "05_divergence_signals"):
        with pytest.raises(ParameterError) as err:
            params.check(name, {"small": "DGS10"})
        assert str(err.value) == (f"small 'DGS10' for {name}: DGS10 is a yield series; must "
                                  f"be a price series of the catalog ({PRICES})")


def test_dates_and_their_order():
    check = params.check
    assert check("01_yields_vs_small_caps", {"asof": "", "start": ""}).asof == ""
    assert check("02_ratio_charts", {"rebase_date": "2024-02-29"}).rebase_date == "2024-02-29"
    for bad in ("2023-02-29", "soon", "2024-13-01", "20240101x"):
        with pytest.raises(ParameterError, match="must be a date YYYY-MM-DD or blank"):
            check("02_ratio_charts", {"rebase_date": bad})
    with pytest.raises(ParameterError, match="start '2020-01-01' for 03_seasonality: must be "
                                             "before asof '2020-01-01'"):
        check("03_seasonality", {"start": "2020-01-01", "asof": "2020-01-01"})
    assert check("06_trend_and_levels", {"start": "", "asof": "2020-01-01"}).start == ""


# --------------------------------------------------------------------------- the interactive check


def test_check_validates_a_namespace_and_leaves_the_rest_alone():
    namespace = {"__name__": "__main__", "plt": object(), "asof": "", "start": "1990-01-01",
                 "source": "sample", "data_dir": "", "small": "RUT", "large": "SPX",
                 "window": 26, "fed_bp": 50, "not_a_parameter": [1, 2]}
    got = params.check("01_yields_vs_small_caps", namespace)
    assert (got.window, got.fed_bp, got.source) == (26, 50.0, "sample")
    assert params.check(NOTEBOOKS / "01_yields_vs_small_caps.ipynb", namespace).window == 26
    namespace["source"] = "bloomberg"
    with pytest.raises(ParameterError, match="source 'bloomberg' for 01_yields_vs_small_caps: "
                                             "must be one of auto, live, csv, sample"):
        params.check("01_yields_vs_small_caps", namespace)


def test_check_executed_as_a_notebook_cell_would():
    """The call the lead adds after each parameters cell, executed on a namespace."""
    (spec,) = _specs("05_divergence_signals")
    namespace = _defaults(spec)
    cell = "from smallcaps import params\nparams.check('05_divergence_signals', globals())\n"
    exec(compile(cell, "<cell>", "exec"), namespace)  # noqa: S102 - a notebook cell
    namespace["sigma"] = -1.0
    with pytest.raises(ParameterError, match="sigma -1.0 for 05_divergence_signals: must be a "
                                             "number greater than 0 and at most 10"):
        exec(compile(cell, "<cell>", "exec"), namespace)  # noqa: S102


def test_check_of_a_notebook_without_schema():
    with pytest.raises(ParameterError, match="'07_mine' has no parameter schema; known: 01_"):
        params.check("07_mine", {})
    assert params.schema_for("07_mine.ipynb") is None
