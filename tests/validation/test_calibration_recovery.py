"""Calibration recovers a known parameter: a statistical check, so run by ``make validation``.

ABC-SMC on patterns simulated from a known ``build_rate`` must give it back within the
reported 90% interval, narrowing the prior. The pipeline itself (CLI, resume, files) is
tested in ``tests/test_calibrate.py``.
"""

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.runs.calibrate import Settings, calibrate
from sim.runs.calibrate_synthetic import synthetic_patterns
from tests.test_calibrate import PRIORS, TINY, TRUTH

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def patterns_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns") / "synthetic.toml"
    path.write_text(synthetic_patterns("teen_substance_use", TRUTH, PRIORS, **TINY))
    return path


def test_a_synthetic_pattern_gives_back_its_parameters_within_the_reported_interval(patterns_file, tmp_path):
    settings = Settings.of(True, population=12, generations=2, predictive=2, seed=1)
    result = calibrate(patterns_file, tmp_path / "cal", settings=settings, workers=0)
    row = result.report.posterior.set_index("parameter").loc["build_rate"]
    assert 1 <= row["effective_sample"] <= 12  # Kish's effective sample size of the 12 particles
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
    # the preset is the model that was fitted: the patterns file's [fixed] values too
    from sim.runs.presets import load_preset

    preset = load_preset("teen_substance_use", str(tmp_path / "cal" / "preset.toml")).parameters
    assert preset["n_people"] == TINY["fixed"]["n_people"] and "build_rate" in preset
