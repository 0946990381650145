import sim
from sim.model.reporters import HEADLINE


def test_default_run_returns_headline_reporters():
    result = sim.run(steps=20, rng=1)
    assert set(HEADLINE) <= set(result)
    assert 0.0 <= result["outcome_rate"] <= 1.0


def test_a_horizon_shorter_than_the_goals_hold_is_refused_as_on_the_command_line():
    import pytest

    hold = sim.load_scenario("chicago_absenteeism").population.hold_steps
    with pytest.raises(sim.ParameterError, match=f"steps = {hold - 1}: .*hold_steps = {hold}"):
        sim.run(steps=hold - 1, rng=1)
    assert sim.run(steps=hold, rng=1)["steps"] == hold
