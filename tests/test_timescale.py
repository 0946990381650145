"""Parameters counted in weeks, rescaled to a scenario's step (docs/scenarios.md, Units)."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.model.params import PARAMETERS
from sim.model.timescale import capped, kind_of, rescaled, scale

ROOT = Path(__file__).resolve().parents[1]


def test_the_docs_worked_examples():
    four = rescaled(28)
    assert four["patience"] == 13 and four["diagnosis_window"] == 3
    assert four["base_commitment_rate"] == pytest.approx(0.344, abs=5e-4)
    assert four["trust_building"] == pytest.approx(0.974, abs=5e-4)
    assert four["rate_smoothing"] == pytest.approx(0.344, abs=5e-4)
    assert four["metric_smoothing"] == pytest.approx(0.590, abs=5e-4)
    assert rescaled(30)["invites_per_step"] == 9  # 2 x 30/7 = 8.6, rounded
    assert rescaled(1)["diagnosis_window"] == 91  # a quarter in days


def test_something_never_becomes_never_and_the_range_is_said():
    # two invitations a week are one a day, not none (round(2/7) was 0: the leader invited nobody)
    assert rescaled(1)["invites_per_step"] == 1 and scale("reach_turnover", 2, 28) == 1
    assert scale("patience", 100, 1) == 520 and capped("patience", 100, 1)  # the rule gives 700
    assert not capped("meeting_interval", 4, 30)  # 0.93 rounds to 1: the rule's, not the range's


def test_a_week_is_unchanged_and_never_stays_never():
    assert rescaled(7) == {n: PARAMETERS[n].default for n in rescaled(7)}
    assert rescaled(30)["reach_turnover"] == 0
    # the scenario's own system_lag and setback_rate are already in steps: only a value given is rescaled
    assert "system_lag" not in rescaled(30) and rescaled(28, {"system_lag": 26})["system_lag"] == 6
    assert rescaled(28, {"leader": "point"})["leader"] == "point"  # not a weekly parameter: as given


@settings(deadline=None, max_examples=60)
@given(days=st.floats(1, 366), name=st.sampled_from([n for n in PARAMETERS if kind_of(n)]), value=st.floats(0, 1))
def test_a_rescaled_value_is_in_its_range_and_whole_where_it_must_be(days, name, value):
    p = PARAMETERS[name]
    given_value = p.low + value * ((p.high if p.high is not None else 1000) - p.low)
    if p.kind == "int":
        given_value = round(given_value)
    new = scale(name, given_value, days)
    assert p.low <= new <= (p.high if p.high is not None else float("inf"))
    assert isinstance(new, int) if p.kind == "int" else isinstance(new, float)
    if kind_of(name) in ("per week", "weight") and 0 < given_value < 1 and new < 1 - 1e-9:
        # the same chance over the same real time: k steps' worth of weeks (away from 1, where floats run out)
        assert 1 - (1 - new) ** (7 / days) == pytest.approx(given_value, rel=1e-6) or new == p.low


def test_scenarios_preset_writes_a_preset_that_silences_the_monthly_note(tmp_path, capsys):
    fixture = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(fixture.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1), encoding="utf-8")
    assert main(["scenarios", "preset", str(monthly)]) == 0
    text = capsys.readouterr().out
    assert "patience: 52 weeks -> 12.1333" in text
    preset = tmp_path / "months.toml"
    preset.write_text(text, encoding="utf-8")
    assert main(["run", str(monthly), "--steps", "12", "--out", str(tmp_path / "o")]) == 0
    assert "scenarios preset" in capsys.readouterr().err  # the note says how to make one
    assert main(["run", str(monthly), "--steps", "12", "--preset", str(preset), "--out", str(tmp_path / "p")]) == 0
    out, err = capsys.readouterr()
    assert "made for 7-day steps" not in err and "invites_per_step=9" in out


def test_a_preset_made_for_another_step_is_refused_on_its_field(tmp_path, capsys):
    fixture = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    monthly, daily = tmp_path / "monthly.toml", tmp_path / "daily" / "monthly.toml"  # one name, two steps
    daily.parent.mkdir()
    monthly.write_text(fixture.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1), encoding="utf-8")
    daily.write_text(fixture.replace("[scenario]\n", "[scenario]\ndays_per_step = 1\n", 1), encoding="utf-8")
    assert main(["scenarios", "preset", str(monthly)]) == 0
    preset = tmp_path / "months.toml"
    preset.write_text(capsys.readouterr().out, encoding="utf-8")
    assert "days_per_step = 30" in preset.read_text(encoding="utf-8")
    assert main(["run", str(daily), "--steps", "5", "--preset", str(preset), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "preset.days_per_step" in err and "made for 30-day steps" in err
    assert "is 1 day;" in err and str(preset) in err
    assert not (tmp_path / "o").exists()


def test_a_preset_names_a_scenario_file_whatever_its_name(tmp_path, capsys):
    # the preset names its scenario by the file's stem: one with a tab in it was refused by the run
    fixture = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    odd = tmp_path / "youth\tunemployment.toml"
    odd.write_text(fixture, encoding="utf-8")
    assert main(["scenarios", "preset", str(odd)]) == 0
    preset = tmp_path / "p.toml"
    preset.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["run", str(odd), "--steps", "8", "--preset", str(preset), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "run.json").is_file()


def test_a_monthly_scenario_leaving_out_its_lag_and_setbacks_is_told_and_the_preset_rescales_them(tmp_path, capsys):
    # left out, [interventions] system_lag and [setbacks] rate are the format's weekly defaults counted in months
    fixture = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    assert "system_lag" not in fixture and "[setbacks]" not in fixture
    monthly = tmp_path / "monthly.toml"
    monthly.write_text(fixture.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1), encoding="utf-8")
    assert main(["scenarios", "show", str(monthly)]) == 0
    out = capsys.readouterr().out
    assert "interventions.system_lag = 26, setbacks.rate = 0.03 are the format's defaults" in out
    assert main(["scenarios", "preset", str(monthly)]) == 0
    text = capsys.readouterr().out
    assert "system_lag: 26 weeks -> 6" in text and "setback_rate = 0.122" in text
    from sim.model.timescale import rescaled_for
    from sim.scenario.load import load_scenario

    assert rescaled_for(load_scenario(monthly))["system_lag"] == 6  # as diagnosis_over_time runs it
    assert rescaled_for(load_scenario(monthly), {"system_lag": 13})["system_lag"] == 3  # given: rescaled as given
    given = tmp_path / "given.toml"  # the file gives its own lag: said in its steps, not rescaled
    given.write_text(
        fixture.replace("[scenario]\n", "[scenario]\ndays_per_step = 30\n", 1) + "\n[interventions]\nsystem_lag = 5\n"
    )
    assert main(["scenarios", "show", str(given)]) == 0
    out = capsys.readouterr().out
    assert "setbacks.rate = 0.03 is the format's default" in out and "system_lag = 26" not in out
    assert main(["scenarios", "preset", str(given)]) == 0
    assert "system_lag is the scenario's interventions.system_lag" in capsys.readouterr().out
    weekly = tmp_path / "weekly.toml"
    weekly.write_text(fixture, encoding="utf-8")
    assert main(["scenarios", "show", str(weekly)]) == 0
    assert "format's default" not in capsys.readouterr().out
    assert main(["scenarios", "preset", str(weekly)]) == 0  # at weekly steps nothing to rescale: not pinned
    assert "\nsystem_lag =" not in capsys.readouterr().out
