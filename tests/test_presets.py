"""Named presets: written and read back, checked in one line, loaded by run, sweeps and the app."""

import datetime as dt
import json
import tomllib

import pytest

from sim.cli.main import main
from sim.runs import parse_spec
from sim.runs.presets import available_presets, load_preset, write_preset
from sim.runs.provenance import file_digest
from sim.scenario import ScenarioError

SHIPPED = ("teen_substance_use", "traffic_fatalities", "homelessness_built_for_zero")


def test_a_written_preset_reads_back_with_its_provenance(tmp_path):
    values = {"build_rate": 0.05, "leader": "point"}
    path = write_preset(tmp_path / "mine.toml", "traffic_fatalities", values, {"date": dt.date(2026, 1, 2)})
    p = load_preset("traffic_fatalities", str(path))
    assert p.parameters == {"build_rate": 0.05, "leader": "point"}
    assert p.provenance["date"] == dt.date(2026, 1, 2) and p.name == "mine"


@pytest.mark.parametrize("scenario", SHIPPED)
def test_each_calibrated_case_ships_a_preset_with_provenance(scenario):
    assert "calibrated" in available_presets(scenario)
    p = load_preset(scenario, "calibrated")
    assert p.parameters and len(p.provenance["patterns_sha256"]) == 64 and p.provenance["version"]


def test_mistakes_are_one_line(tmp_path):
    path = write_preset(tmp_path / "p.toml", "traffic_fatalities", {"patience": 20}, {})
    text = path.read_text()
    path.write_text(text.replace("patience = 20", "patience = 2000"))
    with pytest.raises(ScenarioError, match=r"p.toml:\d+: parameters.patience: 2000(\.0)? is above the maximum 520"):
        load_preset("traffic_fatalities", str(path))
    path.write_text(text.replace("patience = 20", "patiense = 20"))
    with pytest.raises(ScenarioError, match=r"parameters.patiense: not a preset parameter; did you mean 'patience'"):
        load_preset("traffic_fatalities", str(path))
    with pytest.raises(ScenarioError, match=r"preset.scenario: made for 'traffic_fatalities', not 'teen_sub"):
        load_preset("teen_substance_use", str(path))
    with pytest.raises(ScenarioError, match=r"no preset 'nope' for traffic_fatalities"):
        load_preset("traffic_fatalities", "nope")
    quoted = write_preset(tmp_path / "q.toml", "single_agency", {"patience": 5}, {})
    quoted.write_text(quoted.read_text().replace("patience = 5.0", 'patience = "5"'))
    with pytest.raises(ScenarioError, match=r"parameters.patience: expected a number, got the string '5'; write it"):
        load_preset("single_agency", str(quoted))


def test_run_starts_from_the_preset_and_set_wins(tmp_path, capsys):
    path = write_preset(tmp_path / "p.toml", "single_agency", {"leader": "none", "patience": 20}, {})
    args = ["run", "single_agency", "--preset", str(path), "--steps", "10", "--out", str(tmp_path / "o")]
    assert main(args) == 0
    assert "leader=none" in capsys.readouterr().out
    # run.json records the preset as a sweep's manifest does: where it was and its bytes' hash
    recorded = json.loads((tmp_path / "o" / "run.json").read_text())["preset"]
    assert recorded == {"name": str(path), "path": str(path.resolve()), "sha256": file_digest(path)}
    assert main(args + ["--set", "leader=point"]) == 0
    assert "leader=point" in capsys.readouterr().out
    assert main(["run", "single_agency", "--preset", "nope", "--steps", "10"]) == 2
    assert "no preset 'nope' for single_agency" in capsys.readouterr().err


def test_table_starts_from_the_preset_and_set_wins(tmp_path, capsys, monkeypatch):
    import sim.runs.shapley

    seen = []
    monkeypatch.setattr(sim.runs.shapley, "shapley_table", lambda *a, params, **k: seen.append(params) or 1 / 0)
    path = write_preset(tmp_path / "p.toml", "single_agency", {"leader": "none", "patience": 20}, {})
    with pytest.raises(ZeroDivisionError):  # stopped once the parameters reach the table
        main(["table", "single_agency", "--preset", str(path), "--set", "leader=point"])
    assert seen == [{"leader": "point", "patience": 20}]
    assert main(["table", "single_agency", "--preset", "nope"]) == 2
    assert "no preset 'nope' for single_agency" in capsys.readouterr().err


def test_a_sweep_spec_starts_from_the_preset(tmp_path):
    path = write_preset(tmp_path / "p.toml", "single_agency", {"leader": "none", "patience": 20, "build_rate": 0.1}, {})
    text = f"""
scenario = "single_agency"
seed = 1
preset = "{path}"
[parameters]
patience = [4, 8]
[fixed]
build_rate = 0.2
"""
    spec = parse_spec(tomllib.loads(text))
    assert spec.fixed == {"leader": "none", "build_rate": 0.2}  # varied and [fixed] win
    assert spec.to_dict()["preset"] == str(path)
    with pytest.raises(ScenarioError, match=r"preset: .*no preset 'nope'"):
        parse_spec(tomllib.loads(text.replace(str(path), "nope")))


def test_a_sweep_specs_preset_file_is_read_relative_to_the_spec_file(tmp_path, monkeypatch, capsys):
    # as the spec's scenario is: a spec that names "../p.toml" works from any working directory
    write_preset(tmp_path / "p.toml", "single_agency", {"leader": "none"}, {})
    (tmp_path / "specs").mkdir()
    spec_file = tmp_path / "specs" / "s.toml"
    spec_file.write_text(
        'scenario = "single_agency"\nseed = 1\nsteps = 12\npreset = "../p.toml"\n[parameters]\npatience = [4]\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    from sim.runs import load_spec

    spec = load_spec(spec_file)
    assert spec.fixed == {"leader": "none"}
    assert spec.to_dict()["preset"] == str(tmp_path / "p.toml")
    # a file of that name in the working directory is not taken instead
    write_preset(elsewhere / "q.toml", "single_agency", {"leader": "point"}, {})
    spec_file.write_text(spec_file.read_text().replace("../p.toml", "q.toml"))
    assert main(["sweep", str(spec_file), "--out", str(tmp_path / "out")]) == 2
    assert "relative to the spec file" in capsys.readouterr().err
    spec_file.write_text(spec_file.read_text().replace("q.toml", "../q.toml"))
    (tmp_path / "q.toml").unlink(missing_ok=True)
    assert main(["sweep", str(spec_file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "preset" in err and "relative to the spec file" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
