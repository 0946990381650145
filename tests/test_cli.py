"""The ``coalition`` command as a user types it."""

import subprocess
import sys

import pandas as pd
import pytest

from sim.cli.main import main
from sim.scenario.load import SCENARIO_DIR


def coalition(*args):
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, timeout=120)


def test_run_prints_a_summary_and_writes_table_and_figure(tmp_path, capsys):
    assert main(["run", "chicago_absenteeism", "--steps", "30", "--seed", "3", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    joined = next(line for line in printed.splitlines() if line.startswith("joined ("))
    assert "Parents' council" in joined  # members: the community partner with the organizations
    n = int(joined.split("(")[1].split(")")[0])
    assert n == len(joined.split(": ", 1)[1].split(", "))
    table = pd.read_csv(tmp_path / "steps.csv", keep_default_na=False)
    assert len(table) == 31 and "outcome_rate" in table
    # the diagnosis week by week: nothing before records are pooled, then a group of the scenario
    believed = table["diagnosed_group"]
    assert believed.iloc[0] == "" and set(believed) <= {"", "instability", "logistics", "disengagement"}
    assert (believed != "").any() and ((believed != "") == (table["diagnosis_accuracy"] > 0)).all()
    assert (tmp_path / "run.png").stat().st_size > 10_000
    assert (tmp_path / "organizations.csv").exists()


def test_run_json_records_the_arm_so_runs_can_be_repeated_and_told_apart(tmp_path, capsys):
    import json

    from sim import run

    argv = ["run", "single_agency", "--steps", "12", "--seed", "5", "--set", "missing_role=data", "--out", tmp_path]
    assert main([str(a) for a in argv + ["--set", "patience=8"]]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "leader=system, community=partner" in header and "missing_role=data" in header and "patience=8" in header
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["seed"] == 5 and record["steps"] == 12 and record["given"] == {"missing_role": "data", "patience": 8}
    assert record["parameters"]["missing_role"] == "data" and record["parameters"]["leader"] == "system"
    assert None not in record["parameters"].values()  # the scenario's own values, not "default"
    assert record["parameters"]["n_people"] == 2000 and record["parameters"]["steps"] == 12
    assert record["scenario"]["name"] == "single_agency" and len(record["scenario"]["sha256"]) == 64
    again = run("single_agency", steps=record["steps"], rng=record["seed"], **record["given"])
    for key in ("final_rate", "steps_to_goal", "first_commitment", "money_spent", "diagnosed_group"):
        assert again[key] == record["summary"][key], key  # the record repeats the run, as sim.run reports it


def test_run_json_names_a_scenario_file_by_its_full_path(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text((SCENARIO_DIR / "single_agency.toml").read_text())
    assert main(["run", "mine.toml", "--steps", "9", "--out", "o"]) == 0
    record = json.loads((tmp_path / "o" / "run.json").read_text())
    assert record["scenario"]["path"] == str(tmp_path / "mine.toml")


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.2, "20.0%"), (0.01, "1.0%"), (0.0028, "0.28%"), (0.002, "0.20%"), (9e-7, "0.000090%"), (0.0, "0.0%")],
)
def test_percent_keeps_two_significant_digits_below_one_percent(share, text):
    from sim.model.events import percent

    assert percent(share) == text


def test_the_members_table_has_every_member_each_week(tmp_path, capsys):
    assert main(["run", "chicago_absenteeism", "--steps", "9", "--seed", "3", "--out", str(tmp_path)]) == 0
    members = pd.read_csv(tmp_path / "organizations.csv")
    assert list(members.columns[:4]) == ["week", "agent_id", "name", "kind"]
    assert members["week"].dtype == "int64" and sorted(set(members["week"])) == list(range(10))
    assert set(members["kind"]) == {"organization", "community partner"}
    assert "Parents' council" in set(members.loc[members["kind"] == "community partner", "name"])
    assert members.groupby("week").size().nunique() == 1  # every member every week


def test_text_in_written_tables_is_escaped_whatever_its_dtype():
    from sim.cli.common import text_columns

    frame = pd.DataFrame({"text": ["a\nb", "c"], "mixed": pd.Series(["\x1b[2J", 1], dtype=object), "n": [1, 2]})
    out = text_columns(frame)
    assert out["text"].tolist() == ["a\\x0ab", "c"] and out["mixed"].tolist() == ["\\x1b[2J", 1]


@pytest.mark.parametrize(
    "cause, group, words",
    [
        ("truancy", "truancy", "diagnosed cause: truancy (accuracy 0.50)"),
        ("housing", "instability", "diagnosed group: instability, mostly housing (accuracy 0.50, by group 0.70)"),
        (
            "parent_mental_health",
            "instability",
            "diagnosed group: instability, mostly parental mental illness [parent_mental_health] (accuracy 0.50,",
        ),
        ("truancy", "instability", "diagnosed group: instability (largest single cause: truancy, in no group;"),
        ("bullying", "instability", "diagnosed group: instability (largest single cause: bullying, of group school;"),
    ],
)
def test_the_summary_names_the_group_and_never_pairs_it_with_a_cause_outside_it(  # and reads labels
    cause, group, words
):
    from sim.cli.run import _diagnosis_words

    summary = dict(diagnosed_cause=cause, diagnosed_group=group, diagnosis_accuracy=0.5, group_accuracy=0.7)
    group_of = {"truancy": "truancy", "housing": "instability", "parent_mental_health": "instability"}
    group_of["bullying"] = "school"
    labels = {"truancy": "truancy", "housing": "housing", "parent_mental_health": "parental mental illness"}
    assert _diagnosis_words(summary, group_of, labels).startswith(words)


def test_set_changes_a_parameter(tmp_path, capsys):
    assert main(["run", "--steps", "8", "--set", "leader=none", "--out", str(tmp_path)]) == 0
    assert "leader=none" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--steps", "-5"],
        ["run", "--steps", "abc"],
        ["run", "--seed", "x"],
        ["run", "--set", "patience=abc"],
        ["run", "--set", "no_such_parameter=1"],
        ["run", "--set", "patiense=3"],
        ["run", "--set", "initial_trust=2"],
        ["run", "--set", "leader"],
        ["run", "no_such_scenario"],
        ["frobnicate"],
    ],
)
def test_bad_input_gets_one_line_and_exit_2(args):
    result = coalition(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    if "patiense=3" in args:  # a near miss is named, as in sweep specs and sim.run
        assert lines[0] == "error: --set patiense: unknown parameter; did you mean 'patience'?", lines[0]


HEAVY = ("mesa", "pandas", "matplotlib", "scipy", "pyabc", "dask")


def test_a_mistake_is_reported_before_the_model_and_its_libraries_are_imported(tmp_path):
    """A typo costs half a second, not the three it takes to import Mesa, pandas and SciPy."""
    out, patterns = str(tmp_path / "out"), str(tmp_path / "no_patterns.toml")
    mistakes = [
        ["run", "no_such_scenario"],
        ["run", "--set", "patiense=3"],
        ["run", "--steps", "3", "--out", out],
        ["sweep", str(tmp_path / "no_spec.toml"), "--out", out],
        ["calibrate", "chicago_absenteeism", "--patterns", patterns, "--out", out],
        ["table", "no_such_scenario"],
    ]
    code = (
        "import sys\nfrom sim.cli.main import main\n"
        f"codes = [main(a) for a in {mistakes!r}]\n"
        f"print(codes, sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == f"{[2] * len(mistakes)} []", result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_import_sim_is_light_and_its_names_arrive_on_use():
    code = (
        f"import sys, sim\nbefore = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(before, sim.CoalitionModel.__module__, 'mesa' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["[]", "sim.model.model", "True"], result.stdout + result.stderr


def test_scenarios_lists_the_default(capsys):
    assert main(["scenarios"]) == 0
    assert "chicago_absenteeism" in capsys.readouterr().out


def test_summaries_name_the_scenarios_own_step(tmp_path, capsys):
    text = (SCENARIO_DIR / "single_agency.toml").read_text()
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(text.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1))
    assert main(["scenarios", "show", str(monthly), "--people", "300", "--steps", "12"]) == 0
    shown = capsys.readouterr().out
    assert "in month 0" in shown and "months in a row" in shown and "week" not in shown
    assert main(["run", str(monthly), "--steps", "12", "--out", str(tmp_path / "o")]) == 0
    summary = capsys.readouterr().out
    assert ": 12 months," in summary.splitlines()[0] and "in month 0 (one month's draw" in summary


@pytest.mark.parametrize(
    "flag, value, most",
    [("--permutations", "100000000", "100,000"), ("--replicates", "100000000", "1,000,000")],
)
def test_table_refuses_sizes_that_would_exhaust_the_machine(capsys, flag, value, most):
    """--permutations 1e8 grew by 135 MB a second until the kernel's out-of-memory killer stopped it."""
    assert main(["table", "chicago_absenteeism", flag, value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{flag}: '{value}' is more than {most}, the most it takes" in err[0]


@pytest.mark.parametrize(
    "scenario, flags, words",
    [
        # each within its own maximum, together a run of 2 GB and more before the first coalition ran
        ("chicago_city", ["--permutations", "100000", "--replicates", "1"], "--permutations 100000: 100,000 orderings"),
        ("chicago_absenteeism", ["--permutations", "100000", "--replicates", "1000000"], "--replicates 1000000: "),
    ],
)
def test_table_refuses_a_plan_too_big_before_it_runs(tmp_path, capsys, scenario, flags, words):
    csv = tmp_path / "new" / "t.csv"
    assert main(["table", scenario, *flags, "--csv", str(csv)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {words}"), err
    assert not (tmp_path / "new").exists()


def test_steps_csv_gives_the_goal_week_as_a_whole_number(tmp_path):
    """A reached goal's week reads 104, not 104.0 (a float string to polars, DOUBLE to DuckDB); empty before it."""
    import duckdb

    assert main(["run", "teen_substance_use", "--steps", "110", "--seed", "0", "--out", str(tmp_path)]) == 0
    lines = (tmp_path / "steps.csv").read_text().splitlines()
    column = lines[0].split(",").index("steps_to_goal")
    assert {line.split(",")[column] for line in lines[1:]} == {"", "104"}
    read = duckdb.sql(f"select typeof(steps_to_goal) from read_csv('{tmp_path / 'steps.csv'}') limit 1").fetchall()[0]
    assert read == ("BIGINT",)


@pytest.mark.parametrize("steps", [20, 110])  # the goal never reached (every week empty), and reached in week 104
def test_the_readmes_way_of_reading_steps_csv_types_its_columns(tmp_path, steps):
    import polars as pl

    assert main(["run", "teen_substance_use", "--steps", str(steps), "--seed", "0", "--out", str(tmp_path)]) == 0
    path = tmp_path / "steps.csv"
    table = pd.read_csv(path, dtype={"steps_to_goal": "Int64"}).fillna({"diagnosed_group": ""})
    assert str(table["steps_to_goal"].dtype) == "Int64" and table["diagnosed_group"].map(type).eq(str).all()
    frame = pl.read_csv(path, schema_overrides={"steps_to_goal": pl.Int64})
    assert frame.schema["steps_to_goal"] == pl.Int64 and frame["steps_to_goal"].max() == (104 if steps > 104 else None)
    readme = (SCENARIO_DIR.parent / "README.md").read_text()
    assert 'dtype={"steps_to_goal": "Int64"}' in readme and 'schema_overrides={"steps_to_goal": pl.Int64}' in readme


def test_table_speaks_in_the_scenarios_step_and_its_csv_keeps_every_digit(tmp_path, capsys):
    """A researcher's trial: a monthly scenario's table said "week 0", and --csv rounded to 4 decimals."""
    text = (SCENARIO_DIR / "single_agency.toml").read_text()
    text = text.replace("steps = 156\n", "steps = 36\ndays_per_step = 30\n")
    (tmp_path / "monthly.toml").write_text(text)
    csv = tmp_path / "t.csv"
    argv = ["table", str(tmp_path / "monthly.toml"), "--replicates", "2", "--permutations", "2", "--workers", "0"]
    assert main([*argv, "--steps", "12", "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "(month 0 minus the end)" in out and "week" not in out.splitlines()[0]
    values = pd.read_csv(csv)[["shapley", "low", "high"]]
    assert (values != values.round(4)).any().any(), values
