"""Invariants that hold for any parameters and seed (hypothesis)."""

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim import CoalitionModel, State
from sim.model.trust import TrustLedger
from tests.strategies import parameter_values, seeds


@settings(max_examples=12, deadline=None)
@given(params=parameter_values(), seed=seeds)
def test_invariants_hold_every_week(params, seed):
    model = CoalitionModel(n_people=400, steps=80, rng=seed, **params)
    n = model.n_people
    left_before = set()
    for _ in range(80):
        pool_of_left = {m.node: model.fund.balance[m.node] for m in model.members if m.node in left_before}
        model.step()
        trust = model.trust.trust
        assert np.all((trust >= 0) & (trust <= 1)), "trust left [0, 1]"
        assert all(m.budget >= 0 for m in model.members), "a budget went negative"
        fund = model.fund
        assert np.all(fund.balance >= -1e-9)
        assert abs(fund.given - (fund.spent + fund.pool + fund.returned)) < 1e-6 * max(1.0, fund.given), "money"
        assert model.people.x.shape[0] == n and model.people.outcome.shape[0] == n
        assert 0.0 <= model.outcome_rate <= 1.0
        assert 0.0 <= model.diagnosis_accuracy <= 1.0 + 1e-9
        shares = model.belief.shares
        assert np.all(shares >= 0) and (shares.sum() == 0 or abs(shares.sum() - 1) < 1e-9)
        for m in model.members:
            if m.node in left_before:
                assert m.state == State.LEFT and not m.sharing, "a member came back"
                assert model.fund.balance[m.node] <= pool_of_left[m.node] + 1e-12, "a member who left paid in"
            if m.sharing:
                assert m.at_table and m.records.size, "only members at the table share, and only records"
        left_before |= {m.node for m in model.members if m.state == State.LEFT}


@settings(max_examples=300, deadline=None)
@given(trust=st.floats(1e-6, 1 - 1e-6), build=st.floats(0.001, 2.0), ratio=st.floats(1.01, 20))
def test_a_betrayal_costs_more_trust_than_an_honour_earns_at_every_level(trust, build, ratio):
    """In log-odds always; in trust itself whenever exp(b) + exp(-r b) < 2 (the defaults: 1.79)."""
    up, down = TrustLedger(2, build, ratio), TrustLedger(2, build, ratio)
    for ledger in (up, down):
        ledger.add_tie(0, 1, trust, trust)
    up.honoured(1, 0)
    down.broken(1, 0)
    up.settle(np.ones(2, dtype=bool))
    down.settle(np.ones(2, dtype=bool))
    after_up, after_down = up.get(0, 1), down.get(0, 1)

    def logit(t):
        return math.log(t / (1 - t))

    assert logit(trust) - logit(after_down) > logit(after_up) - logit(trust)
    assume(math.exp(build) + math.exp(-ratio * build) < 2 and 1e-6 < after_down and after_up < 1 - 1e-6)
    assert trust - after_down > after_up - trust > 0


def test_a_raise_never_makes_what_it_raises_rarer():
    """An edge-case trial: with raises so strong that the largest onset was capped at 1 a week, the
    acceptance still divided by the uncapped largest, so b's share fell from 50% to 6% as a's raise grew."""
    from sim.model.people import People
    from sim.scenario.spec import PopulationSpec

    def steady_share_of_b(strength: float) -> float:
        spec = PopulationSpec.model_validate(
            {
                "size": 20_000,
                "baseline": -2.0,
                "target_rate": 0.1,
                "circumstances": [
                    {"name": "a", "prevalence": 0.3, "duration": 10, "weight": 1.0, "raises": {"b": strength}},
                    {"name": "b", "prevalence": 0.5, "duration": 2, "weight": 0.5},
                ],
            }
        )
        people = People(spec, 20_000, np.random.default_rng(7))
        for _ in range(60):
            people.change()
        return float(people.x[:, 1].mean())

    shares = [steady_share_of_b(s) for s in (0.0, 1.0, 3.0, 100.0)]
    assert abs(shares[0] - 0.5) < 0.02, shares  # without a raise: the stated prevalence
    assert all(later > shares[0] + 0.02 for later in shares[1:]), shares  # a raise: more of b, never less
