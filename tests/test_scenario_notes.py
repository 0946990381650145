"""Settings a scenario gives that the model never uses are pointed out, file, line and field."""

import re
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.scenario.load import available_scenarios, load_scenario
from sim.scenario.roles import unused_settings

CHICAGO = (Path(__file__).parents[1] / "scenarios" / "chicago_absenteeism.toml").read_text()
SCHOOLS = 'roles = ["data", "resources", "authority"]\nreach = 1.0\nrecords = ["disengagement"]'


@pytest.mark.parametrize("name", available_scenarios())
def test_the_shipped_scenarios_use_everything_they_set(name):
    assert unused_settings(load_scenario(name)) == []


@pytest.mark.parametrize(
    "edit, field, words",
    [
        (SCHOOLS.replace('"data", ', ""), "organizations[0].records", "no data role"),
        (SCHOOLS.replace(', "authority"', ""), "organizations[0].authority", "no authority role"),
        (SCHOOLS + "\nfocus = 0.5", "organizations[0].focus", "a focus but no touches"),
        (
            SCHOOLS.replace("reach = 1.0", "reach = 0.5") + '\ntouches = ["disengagement"]',
            "organizations[0].touches",
            "whom it touches is never used",
        ),
        (SCHOOLS + "\nlegitimacy = 0.2", "organizations[0].legitimacy", "no legitimacy role"),
    ],
)
def test_an_unused_setting_is_noted_by_show_and_run_and_the_file_still_loads(tmp_path, capsys, edit, field, words):
    assert SCHOOLS in CHICAGO
    text = CHICAGO.replace(SCHOOLS, edit)
    path = tmp_path / "edited.toml"
    path.write_text(text)
    assert [f for f, _ in unused_settings(load_scenario(path))] == [field]
    key = field.split(".")[1] + " ="
    start = text[: text.index(edit)].count("\n")  # the schools' block, the first organization
    line = next(i for i, t in enumerate(text.splitlines(), 1) if i > start and t.startswith(key))
    assert main(["scenarios", "show", str(path), "--people", "500", "--steps", "10"]) == 0
    notes = [n for n in capsys.readouterr().out.splitlines() if n.startswith("note: ")]
    assert notes == [notes[0]] and notes[0].startswith(f"note: {path}:{line}: {field}: ") and words in notes[0]
    assert main(["run", str(path), "--steps", "8", "--seed", "1", "--out", str(tmp_path / "run")]) == 0
    assert notes[0] in capsys.readouterr().err.splitlines()


def test_a_target_below_the_floor_is_said_to_be_below_it(tmp_path, capsys):
    path = tmp_path / "low.toml"
    path.write_text(CHICAGO.replace("target_rate = 0.2\n", "target_rate = 0.001\n"))
    assert main(["scenarios", "show", str(path), "--people", "500", "--steps", "10"]) == 0
    out = capsys.readouterr().out
    assert "below the floor: no coalition can reach it" in out and "points above the floor" not in out
    assert main(["run", str(path), "--steps", "8", "--seed", "1", "--out", str(tmp_path / "run")]) == 0
    note = (
        f"note: {path}: the target 0.1% is below 19.0%, the rate with no circumstance at all: no coalition can reach it"
    )
    assert note in capsys.readouterr().err
    spec = tmp_path / "spec.toml"
    spec.write_text(f'scenario = "{path.name}"\nseed = 1\nsteps = 8\n[parameters]\npatience = [4]\n')
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sweep"), "--workers", "0"]) == 0
    assert note in capsys.readouterr().err


def test_a_sweep_says_what_run_says_of_a_scenario(tmp_path, capsys):
    """Notes on settings the model never uses, and on weekly defaults in a scenario whose step is not a week."""
    path = tmp_path / "edited.toml"
    path.write_text(
        CHICAGO.replace(SCHOOLS, SCHOOLS + "\nlegitimacy = 0.2").replace(
            "[scenario]", "[scenario]\ndays_per_step = 30", 1
        )
    )
    spec = tmp_path / "spec.toml"
    spec.write_text(f'scenario = "{path.name}"\nseed = 1\nsteps = 8\n[parameters]\npatience = [4]\n')
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sweep"), "--workers", "0"]) == 0
    err = capsys.readouterr().err
    assert "organizations[0].legitimacy: " in err and "a step is 30 days" in err
    assert "(patience 52 means 52 months)" not in err  # the spec sets patience


def test_a_goal_held_one_step_reads_in_the_singular_and_in_the_scenarios_unit(tmp_path, capsys):
    path = tmp_path / "monthly.toml"
    path.write_text(
        CHICAGO.replace("hold_steps = 8", "hold_steps = 1").replace("[scenario]", "[scenario]\ndays_per_step = 30", 1)
    )
    assert main(["scenarios", "show", str(path), "--people", "500", "--steps", "10"]) == 0
    assert "at or under 20% for 1 month in a row" in capsys.readouterr().out
    from sim.model.model import CoalitionModel

    path.write_text(path.read_text().replace("target_rate = 0.2\n", "target_rate = 0.9\n"))  # met at once
    model = CoalitionModel(path, rng=1, steps=3)
    model.run_model()
    assert any(e.text.endswith("held at or under 90% for 1 month") for e in model.events.recent(1000, True))


def test_a_circumstance_nobody_records_is_noted_with_its_part_of_the_cause(tmp_path, capsys):
    """Only the parents' council knows of transport barriers: without it, no diagnosis can name them."""
    path = tmp_path / "unseen.toml"
    edited = CHICAGO.replace(
        'knows = ["parent_mental_health", "transport_barrier"]', 'knows = ["parent_mental_health"]'
    )
    assert edited != CHICAGO
    path.write_text(edited)
    assert main(["scenarios", "show", str(path), "--people", "500", "--steps", "10"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"note: nobody records transport_barrier \(\d+% of the real cause\): no diagnosis can name it", out
    )
    assert main(["scenarios", "show", "chicago_absenteeism", "--people", "500", "--steps", "10"]) == 0
    assert "nobody records" not in capsys.readouterr().out
