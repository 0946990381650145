"""A person's choices for an agent replace the model's own decisions, and only those."""

import numpy as np

from sim import CoalitionModel, State
from sim.model.choices import LeaderChoices, MemberChoices


def test_no_choices_is_the_models_own_run():
    a, b = CoalitionModel(rng=11, steps=60), CoalitionModel(rng=11, steps=60)
    for m in b.members:
        m.choices = MemberChoices()
    b.leader.choices = LeaderChoices()
    a.run_for(60)
    b.run_for(60)
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())


def test_a_member_can_stay_away_or_come_whatever_the_odds():
    model = CoalitionModel(rng=12, accept_rate=0.0)
    away, keen = model.organizations[1], model.organizations[2]
    away.choices.join, keen.choices.join = False, True
    for m in (away, keen):
        m.invite(m.distance)
        m.consider_invitation()
    assert away.state == State.OUTSIDE and keen.state == State.AT_TABLE


def test_a_member_can_commit_before_trust_says_so_and_break_its_pledges():
    model = CoalitionModel(rng=13)
    org = next(o for o in model.organizations if "resources" in o.roles)
    org.state = State.AT_TABLE
    model.coalition_trust[org.node] = 0.0
    org.choices.commit = True
    org.consider_commitment()
    assert org.state == State.COMMITTED
    org.choices.keep_pledges = False
    before = model.fund.given
    org.pledge()
    assert model.fund.given == before and model.trust.seen_betrayals[org.node] == 1


def test_a_member_can_share_early_take_its_records_back_and_stay_or_leave():
    model = CoalitionModel(rng=14)
    org = next(o for o in model.organizations if "data" in o.roles)
    org.state = State.COMMITTED
    model.coalition_trust[org.node] = 0.0
    org.choices.share = True
    org.consider_sharing()
    assert org.sharing
    org.choices.share = False
    model.coalition_trust[org.node] = 1.0
    org.consider_sharing()
    assert not org.sharing
    org.choices.leave = False
    org.frustration = org.patience + 10
    org._metric_best = {org.metric: 0.0}
    org.perceive_progress()
    assert org.state == State.COMMITTED
    org.choices.leave = True
    org.perceive_progress()
    assert org.state == State.LEFT


def test_the_leader_invites_and_brokers_with_whom_the_person_says():
    model = CoalitionModel(rng=15)
    chosen = model.members[4]
    model.leader.choices.invite = frozenset({chosen.node})
    model.leader.invite()
    invited = [m for m in model.members if m.state == State.INVITED]
    assert invited == [chosen]
    for m in model.organizations[:3]:
        m.join("joined for the test")
    model.leader.choices.broker = frozenset({model.organizations[0].node})
    assert model.leader.convene() == frozenset({model.organizations[0].node})
    model.leader.choices.shared_metric = False
    model.leader.choices.broker = None
    for _ in range(30):
        model.leader.convene()
    assert not any(m.adopted_shared_metric for m in model.members)
    assert np.isfinite(model.outcome_rate)
