import sim
from sim.model.reporters import HEADLINE


def test_default_run_returns_headline_reporters():
    result = sim.run(steps=20, rng=1)
    assert set(HEADLINE) <= set(result)
    assert 0.0 <= result["outcome_rate"] <= 1.0
