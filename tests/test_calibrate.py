"""ABC-SMC calibration: recovery of known parameters, the CLI, resume, refusal of a foreign directory."""

import json
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.runs.calibrate import Settings, calibrate
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


def test_a_synthetic_pattern_gives_back_its_parameters_within_the_reported_interval(patterns_file, tmp_path):
    settings = Settings.of(True, population=12, generations=2, predictive=2, seed=1)
    result = calibrate(patterns_file, tmp_path / "cal", settings=settings, workers=0)
    row = result.report.posterior.set_index("parameter").loc["build_rate"]
    assert row["q05"] <= TRUTH["build_rate"] <= row["q95"], row
    assert row["spread"] < 0.75, "the milestones should narrow the (log-uniform) prior"
    posterior = pd.read_parquet(result.posterior)
    assert set(posterior["generation"]) == {0, 1}
    assert posterior.groupby("generation")["weight"].sum().round(6).eq(1).all()
    meta = pq.read_schema(result.posterior).metadata
    assert (
        meta[b"patterns_sha256"].decode()
        == json.loads((tmp_path / "cal" / "manifest.json").read_text())["calibration"]["patterns_sha256"]
    )
    assert meta[b"coalition_version"]
    for name in ("fit.csv", "posterior.csv", "fit.png", "pairs.png", "preset.toml"):
        assert (tmp_path / "cal" / name).stat().st_size > 0


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


def test_a_half_made_database_is_started_again(patterns_file, tmp_path):
    from sim.runs.calibrate import _finished_generations

    db = tmp_path / "abc.db"
    db.write_bytes(b"not a database")
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
