import sim


def test_default_run_returns_headline_reporters():
    result = sim.run(steps=20, rng=1)
    for name in (
        "outcome_rate",
        "goal_reached",
        "steps_to_goal",
        "coalition_size",
        "mean_trust",
        "roles_covered",
        "diagnosis_accuracy",
    ):
        assert name in result
    assert 0.0 <= result["outcome_rate"] <= 1.0
