"""Robustness: the central results still hold when the main constants move by a quarter.

Each of build_rate, loss_ratio, commit_threshold, share_threshold, patience and
initial_trust, and the scenario's system_effect, is set to 0.75x and 1.25x its default,
one at a time. At each, 16 seeded replicates (the same seeds) of: the full coalition with a
system leader, a point leader, an impatient coalition (patience 13), and a coalition
without data owners. Two measures of "beats":

* the problem itself: the system leader's coalition ends with a significantly lower
  chronic-absence rate than each of the other three (one-sided Mann-Whitney U, p < 0.01).
  This holds at every perturbation.
* the goal: it reaches the goal significantly more often than each of the other three
  (one-sided Fisher exact test, p < 0.05; with none of the others succeeding, that needs 5
  of 16). Where the full coalition itself seldom reaches the target within three years,
  no comparison of successes can show: those cases are strict xfails with the reason.

docs/validation.md reports a fuller sweep (all five roles, community modes).
"""

import pytest
import vhelpers

from sim.model.params import PARAMETERS
from sim.scenario.load import dump_scenario, load_scenario

pytestmark = pytest.mark.validation

N = 16
CONSTANTS = ("build_rate", "loss_ratio", "commit_threshold", "share_threshold", "patience", "initial_trust")
OTHERS = ("point", "patience 13", "no data owners")
# measured (16 seeds; docs/validation.md): here the full coalition itself seldom reaches the goal
GOAL_SELDOM_REACHED = {
    ("commit_threshold", 1.25): "commit_threshold 0.625: the system leader reaches the goal in 0 of 16 runs "
    "(final rate 0.25 against 0.31 with a point leader); trust rarely passes the bar for committing money",
    ("share_threshold", 1.25): "share_threshold 0.75: the system leader reaches the goal in 0 of 16 runs "
    "(final rate 0.27); data owners rarely share, so the diagnosis stays poor",
    ("patience", 0.75): "patience 39: the system leader reaches the goal in 4 of 16 runs (p = 0.051); the rate "
    "falls to 0.235 on average, just above the 0.23 target, mostly too late to hold it for 8 weeks within 156",
}


def cases(xfails: dict | None = None) -> list:
    """Every perturbation, with ``xfails`` marked strict."""
    xfails = xfails or {}
    return [
        pytest.param(
            c,
            f,
            id=f"{c}x{f}",
            marks=[pytest.mark.xfail(strict=True, reason=xfails[(c, f)])] if (c, f) in xfails else [],
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
    spec = spec.model_copy(update={"interventions": spec.interventions.model_copy(update={name: value})})
    path = directory / f"{name}-{factor}.toml"
    path.write_text(dump_scenario(spec), encoding="utf-8")
    return str(path), {}


def arms(name: str, factor: float, directory) -> tuple[dict, str]:
    """The four arms' runs at one perturbation, and a description for failure messages."""
    scenario, base = variant(name, factor, directory)
    settings = [dict(base), dict(base, leader="point"), dict(base, patience=13), dict(base, missing_role="data")]
    runs = dict(zip(("system",) + OTHERS, vhelpers.results(settings, N, scenario), strict=True))
    return runs, f"{name} x {factor}:\n" + "\n".join(vhelpers.describe(k, v) for k, v in runs.items())


@pytest.mark.parametrize(("name", "factor"), cases())
def test_system_leader_lowers_the_rate_most(name, factor, scenario_dir):
    runs, msg = arms(name, factor, scenario_dir)
    for other in OTHERS:
        assert vhelpers.clearly_lower(runs["system"], runs[other]), f"system vs {other}: " + msg


@pytest.mark.parametrize(("name", "factor"), cases(GOAL_SELDOM_REACHED))
def test_system_leader_reaches_the_goal_more_often(name, factor, scenario_dir):
    runs, msg = arms(name, factor, scenario_dir)
    for other in OTHERS:
        assert vhelpers.clearly_more(runs["system"], runs[other]), f"system vs {other}: " + msg
