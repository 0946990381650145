"""The same seed gives the same numbers; seeds come in every form users type."""

import random

import numpy as np
import pytest

from sim import CoalitionModel, ParameterError, run


def tables(rng, steps=40, **params):
    model = CoalitionModel(steps=steps, rng=rng, **params)
    while model.running:
        model.step()
    dc = model.datacollector
    return dc.get_model_vars_dataframe(), dc.get_agenttype_vars_dataframe(type(model.organizations[0]))


def test_same_seed_identical_datacollector_tables():
    a_model, a_agents = tables(11)
    b_model, b_agents = tables(11)
    assert a_model.equals(b_model)
    assert a_agents.equals(b_agents)


def test_different_seeds_differ():
    a, _ = tables(11)
    b, _ = tables(12)
    assert not a.equals(b)


@pytest.mark.parametrize("form", ["7", " 7 ", np.int64(7), np.uint32(7), 7.0])
def test_seed_forms_equal_the_int(form):
    assert tables(form)[0].equals(tables(7)[0])


def test_seed_sequence_is_deterministic():
    seq = np.random.SeedSequence(2026, spawn_key=(3,))
    again = np.random.SeedSequence(2026, spawn_key=(3,))
    assert run(steps=30, rng=seq) == run(steps=30, rng=again)


def test_a_sequence_of_whole_numbers_seeds_as_its_seed_sequence():
    assert tables([2026, 3])[0].equals(tables(np.random.SeedSequence([2026, 3]))[0])
    assert not tables([2026, 3])[0].equals(tables([2026, 4])[0])


@pytest.mark.parametrize("bad", ["x", "1.5", "-3", True, [], [1, -2], [1.5], [True]])
def test_bad_seeds_are_refused_with_a_clear_error(bad):
    with pytest.raises(ParameterError, match="rng"):
        CoalitionModel(rng=bad)


@pytest.mark.parametrize(
    ("name", "value"), [("patience", -1), ("initial_trust", 1.5), ("leader", "boss"), ("missing_role", "money")]
)
def test_bad_parameters_are_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError, match=name):
        CoalitionModel(**{name: value})


def test_run_is_a_plain_function_of_its_arguments():
    assert run(steps=25, rng=5, leader="point") == run(steps=25, rng=5, leader="point")


def test_same_seed_same_numbers_in_other_processes():
    import json
    import os
    import subprocess
    import sys

    code = "import json, sim; r = sim.run(steps=60, rng=3); print(json.dumps(r, sort_keys=True, default=str))"
    outs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        outs.append(json.loads(done.stdout))
    here = json.loads(json.dumps(run(steps=60, rng=3), sort_keys=True, default=str))
    assert outs[0] == outs[1] == here


class _Forbidden(random.Random):
    """A ``random.Random`` that fails the test when anything draws from it."""

    def random(self):
        raise AssertionError("a draw from Python's random module instead of model.rng")

    def getrandbits(self, k):
        raise AssertionError("a draw from Python's random module instead of model.rng")


@pytest.mark.parametrize("params", [{}, {"leader": "none", "community": "absent"}, {"missing_role": "data"}])
def test_every_draw_comes_from_the_model_rng(params):
    model = CoalitionModel(steps=60, rng=4, **params)
    model.random = _Forbidden()
    for agent in model.agents:
        assert agent.random is model.random
    while model.running:
        model.step()
    assert model.steps == 60
