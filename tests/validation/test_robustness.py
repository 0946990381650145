"""Robustness: the central results still hold when the main constants move by a quarter.

Each of build_rate, loss_ratio, commit_threshold, share_threshold, patience and
initial_trust, and the scenario's system_effect, is set to 0.75x and 1.25x its default,
one at a time. At each, 8 seeded replicates (the same seeds) of: the full coalition with a
system leader, a point leader, an impatient coalition (patience 13), and a coalition
without data owners. Checked (tolerance: 3 of 8 runs): the system leader reaches the goal
in >= 5 of 8 runs and beats the point leader by >= 0.375; patience 13 fails in >= 6 of 8;
removing the data owners lowers success by >= 0.375. docs/validation.md reports a fuller
sweep (all five roles, community modes) and where results stop holding.
"""

import dataclasses

import pytest
import vhelpers

from sim.params import PARAMETERS
from sim.scenario import dump_scenario, load_scenario

pytestmark = pytest.mark.validation

N = 8
CONSTANTS = ("build_rate", "loss_ratio", "commit_threshold", "share_threshold", "patience", "initial_trust")
# measured (8 seeds): at these the full coalition itself fails, so no comparison can show
STOPS_HOLDING = {
    ("commit_threshold", 1.25): "commit_threshold 0.625: the system leader reaches the goal in 1 of 8 runs (P=0.12); "
    "trust rarely passes the threshold for committing money within 156 weeks",
    ("share_threshold", 1.25): "share_threshold 0.75: the system leader reaches the goal in 0 of 8 runs; "
    "data owners rarely share, so the diagnosis stays poor (accuracy 0.36)",
}
CASES = [
    pytest.param(
        c,
        f,
        id=f"{c}x{f}",
        marks=[pytest.mark.xfail(strict=True, reason=STOPS_HOLDING[(c, f)])] if (c, f) in STOPS_HOLDING else [],
    )
    for c in CONSTANTS + ("system_effect",)
    for f in (0.75, 1.25)
]


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("robustness")


def variant(name: str, factor: float, directory) -> tuple[str, dict]:
    """(scenario path or name, parameters) with ``name`` moved by ``factor``."""
    if name in PARAMETERS:
        return "chicago_absenteeism", {name: PARAMETERS[name].default * factor}
    spec = load_scenario("chicago_absenteeism")
    value = getattr(spec.interventions, name) * factor
    spec = dataclasses.replace(spec, interventions=dataclasses.replace(spec.interventions, **{name: value}))
    path = directory / f"{name}-{factor}.toml"
    path.write_text(dump_scenario(spec), encoding="utf-8")
    return str(path), {}


@pytest.mark.parametrize(("name", "factor"), CASES)
def test_central_results_hold(name, factor, scenario_dir):
    scenario, base = variant(name, factor, scenario_dir)
    labels = ("system", "point", "patience 13", "no data owners")
    settings = [dict(base), dict(base, leader="point"), dict(base, patience=13), dict(base, missing_role="data")]
    runs = dict(zip(labels, vhelpers.results(settings, N, scenario), strict=True))
    p = {k: vhelpers.success(v) for k, v in runs.items()}
    msg = f"{name} x {factor}:\n" + "\n".join(vhelpers.describe(k, v) for k, v in runs.items())
    assert p["system"] >= 5 / N, msg
    assert p["system"] >= p["point"] + 3 / N, msg
    assert p["patience 13"] <= 2 / N, msg
    assert p["no data owners"] <= p["system"] - 3 / N, msg
