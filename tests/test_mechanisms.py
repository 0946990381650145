"""Unit tests of each mechanism of DESIGN.md section 3, one at a time."""

import numpy as np
import pytest

from sim import CoalitionModel, State
from sim.model.diagnosis import diagnose
from sim.model.interventions import uptake_from
from sim.model.trust import TrustLedger


def ledger_with_tie(t=0.5, build=0.06, ratio=3.0):
    ledger = TrustLedger(3, build, ratio)
    ledger.add_tie(0, 1, t, t)
    return ledger


def everyone():
    return np.ones(3, dtype=bool)


def test_honoured_commitment_raises_trust_by_build_rate_times_distrust():
    ledger = ledger_with_tie(0.5)
    ledger.honoured_by_all(1)
    ledger.settle(everyone())
    assert ledger.get(0, 1) == pytest.approx(0.5 + 0.06 * 0.5)
    assert ledger.get(1, 0) == pytest.approx(0.5)  # the promisor's own trust is unchanged


def test_betrayal_costs_more_than_an_honour_earns():
    up, down = ledger_with_tie(0.5), ledger_with_tie(0.5)
    up.honoured(1, 0)
    down.broken(1, 0)
    up.settle(everyone())
    down.settle(everyone())
    gain = up.get(0, 1) - 0.5
    loss = 0.5 - down.get(0, 1)
    assert gain > 0 and loss > 0
    assert loss == pytest.approx(3 * gain)


def test_recovery_after_a_betrayal_takes_several_honours():
    ledger = ledger_with_tie(0.5)
    ledger.broken_by_all(1)
    ledger.settle(everyone())
    honours = 0
    while ledger.get(0, 1) < 0.5:
        ledger.honoured_by_all(1)
        ledger.settle(everyone())
        honours += 1
    assert honours >= 3


def test_only_observers_at_the_table_see_coalition_wide_events():
    ledger = ledger_with_tie(0.5)
    ledger.honoured_by_all(1)
    ledger.settle(np.array([False, True, True]))  # node 0 is not at the table
    assert ledger.get(0, 1) == pytest.approx(0.5)


def committed_member(model, role):
    org = next(o for o in model.organizations if role in o.roles)
    org.state = State.COMMITTED
    return org


def test_a_member_shares_data_only_above_its_threshold():
    model = CoalitionModel(rng=1)
    org = committed_member(model, "data")
    model.coalition_trust[org.node] = model.params.share_threshold - 0.01
    org.consider_sharing()
    assert not org.sharing
    model.coalition_trust[org.node] = model.params.share_threshold + 0.01
    org.consider_sharing()
    assert org.sharing
    assert org.node in [node for node, _, _ in model.shared_sources()]


def test_a_member_commits_only_when_trust_reaches_the_threshold():
    model = CoalitionModel(rng=1)
    org = model.organizations[0]
    org.state = State.AT_TABLE
    model.coalition_trust[org.node] = model.params.commit_threshold - 0.01
    org.consider_commitment()
    assert org.state == State.AT_TABLE
    model.coalition_trust[org.node] = model.params.commit_threshold
    org.consider_commitment()
    assert org.state == State.COMMITTED


@pytest.mark.parametrize("seed", range(4))
def test_no_system_intervention_without_authority(seed):
    model = CoalitionModel(missing_role="authority", rng=seed)
    while model.running:
        model.step()
    assert model.fund.system_changes == 0
    assert not any(o.at_table for o in model.organizations if "authority" in o.roles)


def test_system_change_needs_a_committed_authority_holder():
    model = CoalitionModel(rng=2)
    shares = np.full(model.people.k, 1.0 / model.people.k)
    assert model.fund._system_target(model, shares) is None
    holder = committed_member(model, "authority")
    target = model.fund._system_target(model, shares)
    assert target in holder.authority


def test_a_frustrated_member_leaves_and_takes_its_money_and_data():
    model = CoalitionModel(rng=3)
    org = committed_member(model, "data")
    org.sharing = True
    model.fund.receive(org.node, 12.5)
    org._metric_best = 0.0  # nothing it watches can look like progress
    org.frustration = org.patience
    org.perceive_progress()
    assert org.state == State.LEFT
    assert not org.sharing
    assert org.money_returned == pytest.approx(12.5)
    assert model.fund.balance[org.node] == 0
    assert org.node not in [node for node, _, _ in model.shared_sources()]


def test_visible_progress_resets_frustration():
    model = CoalitionModel(rng=3)
    org = committed_member(model, "data")
    org.frustration = 10
    org._metric_ewma = org._metric_best = 1.0  # its metric then falls far below
    org.perceive_progress()
    assert org.frustration == 0


def test_uptake_rises_with_legitimacy():
    assert uptake_from([]) < uptake_from([0.3]) < uptake_from([0.3, 0.5]) <= 0.9


def test_pooled_records_move_the_diagnosis_from_disengagement():
    model = CoalitionModel(community="absent", rng=4)
    people = model.people
    names = people.names
    owners = {o.name: o for o in model.organizations}
    schools = owners["Chicago Public Schools"]
    only_schools = diagnose(people.x, people.outcome, [(schools.reach, schools.records)], names, people.true_shares())
    assert only_schools.cause == "disengagement"
    everyone_shares = [(o.reach, o.records) for o in model.organizations if "data" in o.roles]
    pooled = diagnose(people.x, people.outcome, everyone_shares, names, people.true_shares())
    assert people.groups[names.index(pooled.cause)] == "instability"
    assert pooled.accuracy > only_schools.accuracy + 0.3
