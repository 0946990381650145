"""Lock files stay inside the output folder, and a refused command leaves none behind."""

import pytest

from sim.cli.main import main

SPEC = 'scenario = "single_agency"\nsteps = 8\nseed = 1\nreplicates = 1\n[parameters]\npatience = [4, 8]\n'


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("lock", [".sweep.lock", ".shards.gate", ".shards-of-2-in-2.lock", ".shard-0-of-2.lock"])
def test_a_lock_file_that_is_a_symbolic_link_is_refused_not_followed(tmp_path, capsys, lock):
    # the link pointed out of the folder: the sweep created and locked the file it named
    spec = tmp_path / "s.toml"
    spec.write_text(SPEC)
    out, victim = tmp_path / "out", tmp_path / "elsewhere" / "lockfile"
    out.mkdir()
    victim.parent.mkdir()
    (out / lock).symlink_to(victim)
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0", "--shard", "0/2"]) == 2
    line = error_line(capsys)
    assert f"{lock}: a symbolic link" in line and line.startswith(f"error: --out {out}"), line
    assert not victim.exists() and list(victim.parent.iterdir()) == []


def test_a_calibration_lock_that_is_a_symbolic_link_is_refused(tmp_path, capsys):
    pytest.importorskip("pyabc")
    from sim.scenario.load import SCENARIO_DIR

    out, victim = tmp_path / "cal", tmp_path / "elsewhere"
    out.mkdir()
    (out / ".calibrate.lock").symlink_to(victim)
    patterns = SCENARIO_DIR / "patterns" / "sweden_vision_zero.toml"
    argv = ["calibrate", "traffic_fatalities", "--patterns", str(patterns), "--out", str(out), "--workers", "0"]
    assert main([*argv, "--population", "2", "--generations", "1"]) == 2
    assert ".calibrate.lock: a symbolic link" in error_line(capsys)
    assert not victim.exists()


def test_a_calibration_refused_in_a_sweeps_folder_leaves_it_as_it_was(tmp_path, capsys):
    pytest.importorskip("pyabc")
    from sim.scenario.load import SCENARIO_DIR

    spec = tmp_path / "s.toml"
    spec.write_text(SPEC)
    sweep = tmp_path / "sweep"
    assert main(["sweep", str(spec), "--out", str(sweep), "--workers", "0"]) == 0
    capsys.readouterr()
    before = sorted(p.name for p in sweep.iterdir())
    patterns = SCENARIO_DIR / "patterns" / "sweden_vision_zero.toml"
    argv = ["calibrate", "traffic_fatalities", "--patterns", str(patterns), "--out", str(sweep), "--workers", "0"]
    assert main([*argv, "--population", "2", "--generations", "1"]) == 2
    assert "not a calibration manifest" in error_line(capsys)
    assert sorted(p.name for p in sweep.iterdir()) == before  # no .calibrate.lock left behind
