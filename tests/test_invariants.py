"""Invariants that hold for any parameters and seed (hypothesis)."""

import numpy as np
from hypothesis import given, settings

from sim import CoalitionModel, State
from tests.strategies import model_params, seeds


@settings(max_examples=12, deadline=None)
@given(params=model_params(), seed=seeds)
def test_invariants_hold_every_week(params, seed):
    model = CoalitionModel(n_people=400, steps=80, rng=seed, **params)
    n = model.n_people
    left_before = set()
    for _ in range(80):
        pool_of_left = {o.node: model.fund.balance[o.node] for o in model.organizations if o.node in left_before}
        model.step()
        trust = model.trust.trust
        assert np.all((trust >= 0) & (trust <= 1)), "trust left [0, 1]"
        assert all(o.budget >= 0 for o in model.organizations), "a budget went negative"
        c = model.fund
        assert np.all(c.balance >= -1e-9)
        assert c.given == np.float64(c.given)
        assert abs(c.given - (c.spent + c.pool + c.returned)) < 1e-6 * max(1.0, c.given), "money not conserved"
        assert model.people.x.shape[0] == n and model.people.outcome.shape[0] == n
        assert 0.0 <= model.outcome_rate <= 1.0
        for o in model.organizations:
            if o.node in left_before:
                assert o.state == State.LEFT and not o.sharing, "a member came back"
                assert model.fund.balance[o.node] <= pool_of_left[o.node] + 1e-12, "a member who left paid in"
        left_before |= {o.node for o in model.organizations if o.state == State.LEFT}


@settings(max_examples=6, deadline=None)
@given(params=model_params(), seed=seeds)
def test_the_same_seed_gives_the_same_data(params, seed):
    tables = []
    for _ in range(3):
        model = CoalitionModel(n_people=300, steps=30, rng=seed, **params)
        while model.running:
            model.step()
        tables.append(model.datacollector.get_model_vars_dataframe())
    assert tables[0].equals(tables[1]) and tables[1].equals(tables[2])
