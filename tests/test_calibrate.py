"""ABC-SMC calibration: recovery of known parameters, the CLI, resume, refusal of a foreign directory."""

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.runs.calibrate_synthetic import synthetic_patterns
from sim.runs.summaries import distance, first_step, shortfall

TRUTH = {"build_rate": 0.1}
PRIORS = {"build_rate": (0.02, 0.4, "loguniform")}
TINY = {"steps": 30, "seed": 3, "fixed": {"n_people": 300}, "with_end_level": False}


@pytest.fixture(scope="module")
def patterns_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns") / "synthetic.toml"
    path.write_text(synthetic_patterns("teen_substance_use", TRUTH, PRIORS, **TINY))
    return path


def cli(patterns_file, out, *extra):
    args = ["calibrate", "teen_substance_use", "--patterns", str(patterns_file), "--out", str(out)]
    return main(args + ["--quick", "--population", "6", "--predictive", "2", "--workers", "0", *extra])


def test_quick_cli_resumes_and_gives_what_one_uninterrupted_run_gives(patterns_file, tmp_path, capsys):
    assert cli(patterns_file, tmp_path / "a", "--generations", "1") == 0
    assert "1 generations" in capsys.readouterr().out
    assert cli(patterns_file, tmp_path / "a", "--generations", "2") == 0  # resumes after generation 0
    assert "resumed after generation 0" in capsys.readouterr().out
    assert cli(patterns_file, tmp_path / "b", "--generations", "2") == 0
    a = pd.read_parquet(tmp_path / "a" / "posterior.parquet")
    b = pd.read_parquet(tmp_path / "b" / "posterior.parquet")
    pd.testing.assert_frame_equal(a, b)  # same seeds, same sample, however it was interrupted


def test_a_directory_from_another_patterns_file_or_seed_is_refused(patterns_file, tmp_path, capsys):
    assert cli(patterns_file, tmp_path / "a", "--generations", "1") == 0
    other = tmp_path / "other.toml"
    other.write_text(patterns_file.read_text().replace("sd_days = 14.0", "sd_days = 21.0"))
    capsys.readouterr()
    assert cli(other, tmp_path / "a", "--generations", "1") == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(r"error: \S+manifest.json: calibration: .*changed: patterns file\).*", err), err
    assert cli(patterns_file, tmp_path / "a", "--generations", "1", "--seed", "5") == 2
    assert "changed: seed" in capsys.readouterr().err
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    assert cli(patterns_file, tmp_path / "c") == 2
    assert "not empty and holds no calibration manifest" in capsys.readouterr().err


@pytest.fixture
def own_scenario(tmp_path):
    """A copy of a shipped scenario and a patterns file that names it by path."""
    scenario = tmp_path / "in" / "teen_substance_use.toml"
    scenario.parent.mkdir()
    scenario.write_text((Path(__file__).parents[1] / "scenarios" / "teen_substance_use.toml").read_text())
    patterns = tmp_path / "in" / "patterns.toml"
    patterns.write_text(synthetic_patterns(str(scenario), TRUTH, PRIORS, **TINY))
    return scenario, patterns


def listing(folder):
    """Every file under ``folder`` with its bytes' hash and modification time."""
    import hashlib

    return {
        p.relative_to(folder): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_resume_after_the_scenario_or_the_code_changed_is_refused(own_scenario, tmp_path, capsys, monkeypatch):
    scenario, patterns = own_scenario
    out = tmp_path / "cal"
    assert cli(patterns, out, "--generations", "1") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["scenario"]["content_sha256"] and manifest["code"]["sha256"]
    original = scenario.read_text()
    scenario.write_text(original + "# a comment is not a change\n")
    assert cli(patterns, out, "--generations", "1") == 0  # nothing to add, and nothing refused
    scenario.write_text(original.replace("target_rate = 0.358", "target_rate = 0.2"))
    before = listing(out)
    capsys.readouterr()
    assert cli(patterns, out, "--generations", "2") == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(
        r"error: \S+manifest.json: inputs: the scenario \S+teen_substance_use.toml changed since this calibration "
        r"started \(content sha256 \w+ -> \w+\), .*use a new --out directory",
        err,
    ), err
    assert listing(out) == before  # nothing written, no generation added
    scenario.write_text(original)
    import sim.runs.calibrate_manifest as calibration

    real = calibration.code_record
    changed = {"sha256": "0" * 64, "logic_sha256": "0" * 64}  # the code itself, not only its docstrings
    monkeypatch.setattr(calibration, "code_record", lambda: {**real(), **changed})
    assert cli(patterns, out, "--generations", "2") == 2
    assert re.fullmatch(r"error: \S+manifest.json: code: the model's code changed .*", capsys.readouterr().err.strip())
    assert listing(out) == before


def test_a_calibration_that_recorded_no_provenance_is_refused(own_scenario, tmp_path, capsys):
    _, patterns = own_scenario
    out = tmp_path / "cal"
    assert cli(patterns, out, "--generations", "1") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["inputs"], manifest["code"]  # as an older version wrote it
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = listing(out)
    capsys.readouterr()
    assert cli(patterns, out, "--generations", "2") == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(r"error: \S+manifest.json: inputs: started by an older version .*", err), err
    assert listing(out) == before


def test_save_preset_is_checked_before_any_simulation(own_scenario, tmp_path, capsys, monkeypatch):
    import sim.runs.calibrate as calibration

    scenario, patterns = own_scenario
    monkeypatch.setattr(calibration, "calibrate", lambda *a, **k: pytest.fail("a simulation ran"))
    (tmp_path / "afile").write_text("mine")
    (tmp_path / "notes.toml").write_text("my notes")
    scenario_text, patterns_text = scenario.read_text(), patterns.read_text()
    out = tmp_path / "cal"
    bad = {
        str(tmp_path / "afile" / "x.toml"): r"--save-preset \S+afile/x.toml: \S+afile: a file, not a folder; .*",
        str(tmp_path / "afile" / "deeper" / "x.toml"): r"--save-preset \S+x.toml: cannot write there: .*",
        "": r"--save-preset: empty; .*",
        str(scenario): r"--save-preset \S+: is the scenario being calibrated; .*",
        str(tmp_path / "in" / ".." / "in" / "patterns.toml"): r"--save-preset \S+: is the patterns file; .*",
        str(out / "manifest.json"): r"--save-preset \S+: inside the calibration directory --out .*",
        str(tmp_path / "new" / "folder") + "/": r"--save-preset \S+: is a folder; .*",
        ".": r"--save-preset \.: is a folder; .*",  # not a hidden preset named ".toml"
        "..": r"--save-preset \.\.: is a folder; name a file, e.g. \.\./calibrated\.toml$",
        str(tmp_path / "notes.toml"): r"--save-preset \S+: \S+notes.toml exists and is not a preset; .*",
        "x\ny": r"--save-preset 'x\\ny': has a control or format character .*",
        "a\u202eb": r"--save-preset 'a\\u202eb': has a control or format character .*",
    }
    for preset, message in bad.items():
        capsys.readouterr()
        assert cli(patterns, out, "--generations", "1", "--save-preset", preset) == 2, preset
        err = capsys.readouterr().err.strip()
        assert re.fullmatch("error: " + message, err), err
    assert scenario.read_text() == scenario_text and patterns.read_text() == patterns_text
    assert (tmp_path / "afile").read_text() == "mine" and (tmp_path / "notes.toml").read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "in", "notes.toml"]  # no folder left behind


def test_a_folder_made_for_the_preset_is_removed_when_the_calibration_fails(own_scenario, tmp_path, capsys):
    _, patterns = own_scenario
    out = tmp_path / "cal"
    target = tmp_path / "presets" / "mine" / "fit.toml"
    assert cli(patterns, out, "--generations", "1", "--save-preset", str(target)) == 0
    assert "build_rate" in target.read_text()
    assert [p.name for p in target.parent.iterdir()] == ["fit.toml"]  # no temporary file left
    other = tmp_path / "other" / "fit.toml"
    assert cli(patterns, out, "--generations", "1", "--seed", "5", "--save-preset", str(other)) == 2
    assert "changed: seed" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_an_out_that_is_a_file_is_refused_naming_out(patterns_file, tmp_path, capsys):
    (tmp_path / "afile").write_text("mine")
    assert cli(patterns_file, tmp_path / "afile", "--generations", "1") == 2
    assert re.fullmatch(r"error: --out \S+afile: exists and is not a folder; .*", capsys.readouterr().err.strip())
    assert (tmp_path / "afile").read_text() == "mine"
    # pyabc names its database by an SQLite URL, which must be UTF-8: refused before anything is made
    assert cli(patterns_file, tmp_path / os.fsdecode(b"cal\xfd"), "--generations", "1") == 2
    assert "a name that is not UTF-8" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_half_made_database_is_started_again(patterns_file, tmp_path):
    import sqlite3

    from sim.runs.calibrate import _finished_generations

    db = tmp_path / "abc.db"
    db.write_bytes(b"")  # interrupted as SQLite made the file
    assert _finished_generations(db) == 0 and not db.exists()
    sqlite3.connect(db).execute("CREATE TABLE abc_smc (id INTEGER)").connection.commit()  # or its first tables
    assert _finished_generations(db) == 0 and not db.exists()


def test_summaries_and_distance():
    import numpy as np

    assert first_step(np.array([0, 0, 1, 1]) > 0, 9.0) == 2.0
    assert first_step(np.zeros(3) > 0, 9.0) == 9.0
    v = np.array([0.4, 0.3, 0.25])
    assert shortfall(v, 0.4, 0.1) == pytest.approx(0.5)  # got half the way down
    assert shortfall(v, 0.4, 0.3) == 0.0
    assert distance({"a": 3.0, "b": 0.0}, {"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 2.0}) == pytest.approx(2 / 2**0.5)


def test_the_point_estimate_is_a_particle_with_whole_weeks_where_weeks_are_whole():
    from pathlib import Path

    import numpy as np

    from sim.runs.calibrate_report import point_estimate
    from sim.runs.patterns import load_patterns

    p = load_patterns(Path(__file__).parents[1] / "scenarios" / "patterns" / "rockford_built_for_zero.toml")
    rng = np.random.default_rng(0)
    last = pd.DataFrame({n: rng.uniform(q.low, q.high, 30) for n, q in p.spec.parameters.items()})
    last["weight"] = 1 / 30
    point = point_estimate(last, p)
    assert isinstance(point["system_lag"], int)
    assert any(np.isclose(last["patience"], point["patience"]))  # one of the particles


def test_a_second_calibration_into_a_folder_in_use_is_refused(patterns_file, tmp_path, capsys, monkeypatch):
    # two at once wrote the same generations into one database (weights summing to 2)
    import sim.runs.calibrate as calibration
    from sim.runs.locks import calibration_lock

    monkeypatch.setattr(calibration, "_calibrate", lambda *a, **k: pytest.fail("a simulation ran"))
    out = tmp_path / "cal"
    out.mkdir()
    with calibration_lock(out):  # another process's calibration, as flock sees it (its own open file)
        assert cli(patterns_file, out, "--generations", "1") == 2
    err = capsys.readouterr().err
    assert "another coalition calibrate is running into this folder now" in err and len(err.splitlines()) == 1


def test_a_database_pyabc_cannot_read_is_named_not_thrown_away(tmp_path):
    from sim.runs.calibrate import _finished_generations
    from sim.runs.outputs import OutputError

    db = tmp_path / "abc.db"
    db.write_bytes(b"not a database, but perhaps hours of generations")
    with pytest.raises(OutputError, match=r"abc.db: pyabc cannot read this calibration's database .*move it away"):
        _finished_generations(db)
    assert db.read_bytes().startswith(b"not a database")


@pytest.mark.parametrize("name", ["fit.csv", "preset.toml", "abc.db", "abc.db-journal", "posterior.parquet"])
def test_a_symbolic_link_where_a_report_file_goes_is_refused(patterns_file, tmp_path, capsys, name):
    # an attacker's trial: calibrate wrote its report through links in --out, over files elsewhere
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("USER DATA")
    (tmp_path / "cal").mkdir()
    (tmp_path / "cal" / name).symlink_to(victim)
    assert cli(patterns_file, tmp_path / "cal", "--generations", "1") == 2
    assert capsys.readouterr().err.strip() == (
        f"error: --out {tmp_path / 'cal'}: {name}: a symbolic link; name the file it points to, or remove the link"
    )
    assert victim.read_text() == "USER DATA"


def test_an_interrupted_report_leaves_the_last_one_whole(patterns_file, tmp_path, monkeypatch):
    import sim.runs.calibrate_report as report

    out = tmp_path / "cal"
    assert cli(patterns_file, out, "--generations", "1") == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name in report.REPORT_FILES}
    assert set(before) == set(report.REPORT_FILES)

    def stopped(*args, **kwargs):  # the posterior written, then a signal before the predictive runs end
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "predictive", stopped)
    assert cli(patterns_file, out, "--generations", "2") == 130
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name in report.REPORT_FILES}
    assert after == before  # not generation 1's posterior beside generation 0's fit
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
