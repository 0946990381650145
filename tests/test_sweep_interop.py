"""Clients of the results: the docs' pandas, polars, DuckDB and EMA workbench examples run as written."""

import contextlib
import io
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sim.model.runner import censored, run, run_uncensored
from sim.runs import Design, load_spec, parse_spec, run_sweep

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
TESTED = re.findall(r"<!-- tested: [^>]*-->\n```python\n(.*?)```((?:\n\n```python\n.*?```)*)", DOC, flags=re.S)
SPEC = """scenario = "single_agency"
steps = 60
replicates = 2
seed = 3
series = true
organizations = true
[parameters]
patience = {start = 20, stop = 100, step = 40}
[fixed]
leader = "system"
"""


def doc_blocks():
    blocks = []
    for first, rest in TESTED:
        blocks += [first] + re.findall(r"```python\n(.*?)```", rest, flags=re.S)
    return blocks


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interop")
    (folder / "spec.toml").write_text(SPEC)
    spec = load_spec(folder / "spec.toml")
    run_sweep(
        spec,
        folder / "runs-pt",
        workers=0,
        progress=False,
        series_out=folder / "runs-pt-series",
        organizations_out=folder / "runs-pt-orgs",
    )
    return folder


def test_the_docs_examples_are_found():
    blocks = doc_blocks()
    assert len(blocks) == 4 and "polars" in blocks[1] and "duckdb" in blocks[2] and "ema_model" in blocks[3]


@pytest.mark.parametrize("index", range(3), ids=["pandas", "polars", "duckdb"])
def test_table_examples_run_on_a_real_sweep(sweep_folder, monkeypatch, index):
    monkeypatch.chdir(sweep_folder)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(doc_blocks()[index], f"docs/sweeps.md[{index}]", "exec"), {})
    assert "patience" in out.getvalue()


def test_a_glob_over_the_sweep_folder_reads_one_table(sweep_folder):
    import duckdb
    import polars as pl

    runs = pd.read_parquet(sweep_folder / "runs-pt" / "runs")
    assert len(runs) == 6
    assert pl.scan_parquet(str(sweep_folder / "runs-pt" / "**" / "*.parquet")).collect().height == 6
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{sweep_folder}/runs-pt/**/*.parquet')").fetchall()[0][0]
    assert count == 6
    series = pd.read_parquet(sweep_folder / "runs-pt-series" / "series")
    assert len(series) == sum(runs["steps_run"] + 1)
    orgs = pd.read_parquet(sweep_folder / "runs-pt-orgs" / "organizations")
    assert len(orgs) == 6 * orgs["organization"].nunique() and set(orgs["run_id"]) == set(runs["run_id"])


@pytest.mark.slow  # make validation
def test_the_ema_recipe_runs_twenty_experiments_and_scores_features(monkeypatch):
    out = io.StringIO()
    scope = {}
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pandas/sklearn deprecations inside EMA's own code
        exec(compile(doc_blocks()[3], "docs/sweeps.md[ema]", "exec"), scope)
    experiments, outcomes = scope["experiments"], scope["outcomes"]
    assert len(experiments) == 20 and set(outcomes) >= {"goal_reached", "steps_to_goal", "final_rate"}
    assert outcomes["steps_to_goal"].dtype == float and (outcomes["steps_to_goal"] <= 26).all()
    assert scope["scores"].shape[0] == 3 and scope["scores"].notna().all().all()


def test_ema_replications_use_the_sweep_seeds():
    from sim.runs.ema import ema_model
    from sim.runs.replicates import replicate_seeds

    model = ema_model("single_agency", {"patience": (4, 50)}, replications=3, seed=9)
    assert [r["rng"] for r in model.replications] == replicate_seeds(3, 9)
    # and the experiments run: each outcome the mean of its replications (it failed: "should be a scalar")
    import ema_workbench

    from sim import run

    model = ema_model("single_agency", {"patience": [6, 40]}, replications=2, seed=9, steps=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pandas/sklearn deprecations inside EMA's own code
        experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=2)
    for i, patience in enumerate(experiments["patience"]):
        runs = [run("single_agency", steps=12, rng=s, patience=patience) for s in replicate_seeds(2, 9)]
        assert outcomes["final_rate"][i] == pytest.approx(sum(r["final_rate"] for r in runs) / 2)
        assert outcomes["goal_reached"][i] == sum(r["goal_reached"] for r in runs) / 2


@pytest.mark.parametrize("leader", ["system", "none"])
def test_sim_run_returns_plain_scalars_with_censored_floats_and_their_flags(leader):
    result = run(scenario_name="chicago_absenteeism", steps=30, rng=2, n_people=600, leader=leader)
    assert {type(v) for v in result.values()} <= {bool, int, float, str}, result
    assert result["goal_reached"] is False and result["steps_to_goal"] == 30.0 and result["steps"] == 30
    flags = {
        "first_commitment": "commitment_made",
        "first_share": "records_shared",
        "steps_to_half_gap": "half_gap_closed",
    }
    uncensored = run_uncensored(scenario_name="chicago_absenteeism", steps=30, rng=2, n_people=600, leader=leader)
    for week, flag in flags.items():
        assert result[flag] is (uncensored[week] is not None)
        assert result[week] == (uncensored[week] if result[flag] else 30.0)
    if leader == "none":  # nobody is brought to the table in 30 weeks: every event week censored
        assert not result["commitment_made"] and result["first_commitment"] == 30.0
    else:
        assert result["commitment_made"] and result["first_commitment"] < 30
    assert censored is run  # the EMA workbench's model function
    assert {k: v for k, v in uncensored.items() if k not in flags} == {
        k: v for k, v in result.items() if k not in flags
    }


def test_stop_at_goal_stops_in_the_week_the_goal_is_reached(tmp_path):
    seed = next(s for s in range(40) if run(scenario_name="single_agency", rng=s)["goal_reached"])
    full = run(scenario_name="single_agency", rng=seed)
    stopped = run(scenario_name="single_agency", rng=seed, stop_at_goal=True)
    assert stopped["steps_to_goal"] == full["steps_to_goal"] == stopped["steps"] < full["steps"]


def test_categorical_parameters_are_sampled_by_lhs_and_sobol():
    for design, samples in (("lhs", 30), ("sobol", 8)):
        spec = parse_spec(
            {
                "scenario": "single_agency",
                "seed": 1,
                "design": design,
                "samples": samples,
                "parameters": {
                    "patience": {"min": 4, "max": 50},
                    "leader": ["system", "point", "none"],
                    "n_people": [100, 200],
                },
            }
        )
        design_ = Design(spec)
        points = [design_.point(j) for j in range(design_.n_points)]
        assert {p["leader"] for p in points} == {"system", "point", "none"}
        assert {p["n_people"] for p in points} == {100, 200} and all(4 <= p["patience"] <= 50 for p in points)
        assert design_.problem()["bounds"][1] == [0.0, 3.0]


def test_grid_ranges_include_both_ends():
    spec = parse_spec(
        {
            "scenario": "single_agency",
            "seed": 1,
            "parameters": {
                "initial_trust": {"start": 0.1, "stop": 0.9, "step": 0.2},
                "n_people": {"start": 100, "stop": 300, "step": 100},
            },
        }
    )
    assert spec.parameters["initial_trust"] == (0.1, 0.3, 0.5, 0.7, 0.9)
    assert spec.parameters["n_people"] == (100, 200, 300)


def test_an_ema_model_with_a_horizon_shorter_than_the_goals_hold_is_refused_when_built():
    from sim import ParameterError
    from sim.runs.ema import ema_model

    short = (
        {"steps": 4},
        {"steps": "4"},  # converted as every value is, then checked
        {"steps": 4.0},
        {"constants": {"steps": 4}},
        {"uncertainties": {"steps": (4, 60)}},
        {"uncertainties": {"steps": (4.0, 60.0)}},
        {"uncertainties": {"steps": [4, 60]}},
        {"uncertainties": {"steps": None}},
    )
    for kwargs in short:
        with pytest.raises(ParameterError, match="shorter than the scenario's population.hold_steps = 8"):
            ema_model("single_agency", **kwargs)
    assert ema_model("single_agency", {"steps": (8, 60)}).uncertainties
