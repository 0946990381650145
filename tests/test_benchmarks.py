"""The benchmarks run on demand (make bench), not in CI: these checks keep their inputs valid."""

import tomllib

from benchmarks import sweeps
from sim.runs import parse_spec


def test_every_sweep_the_benchmarks_write_is_a_valid_spec():
    # a sweep of one step (the fixed-cost and memory measures) was refused once specs checked the
    # goal's hold, and `make bench` failed halfway without anyone running it
    from sim.scenario.load import load_scenario

    assert sweeps.SHORTEST == load_scenario("chicago_absenteeism").population.hold_steps
    for steps in (sweeps.SHORTEST, 52, 156):
        spec = parse_spec(tomllib.loads(sweeps._spec_text(sweeps.GRID, 2, steps)))
        assert spec.steps == steps


def test_the_equivalence_check_accepts_its_settings_and_tells_runs_apart():
    # a setting the model refuses would stop the check halfway (it named missing_role "money" once)
    from benchmarks import equivalence
    from sim.model.model import CoalitionModel
    from sim.model.params import resolve

    for settings in equivalence.SETTINGS:
        resolve(settings)

    def digest(seed, **settings):
        model = CoalitionModel("chicago_absenteeism", rng=seed, steps=6, n_people=300, **settings)
        while model.running:
            model.step()
        return equivalence.digest(model)

    assert digest(3) == digest(3)
    assert digest(3) != digest(4)
    assert digest(3) != digest(3, leader="none")
