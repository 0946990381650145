"""Unit tests of each mechanism of DESIGN.md section 3, one at a time.

What each mechanism does to whole runs, switched off over seeded replicates, is checked
in tests/validation/test_mechanism_signatures.py.
"""

import math

import numpy as np
import pytest

from sim import CoalitionModel, State
from sim.model.diagnosis import changed_beyond_noise, diagnose, diagnose_people, judged
from sim.model.interventions import uptake_from
from sim.model.trust import TrustLedger
from sim.scenario.roles import Capability


def ledger_with_tie(t=0.5, build=0.17, ratio=3.0):
    ledger = TrustLedger(3, build, ratio)
    ledger.add_tie(0, 1, t, t)
    return ledger


def everyone():
    return np.ones(3, dtype=bool)


def logit(t):
    return math.log(t / (1 - t))


def test_an_honoured_commitment_adds_build_rate_in_log_odds():
    ledger = ledger_with_tie(0.5)
    ledger.honoured_by_all(1)
    ledger.settle(everyone())
    assert logit(ledger.get(0, 1)) == pytest.approx(0.17)
    assert ledger.get(1, 0) == pytest.approx(0.5)  # the promisor's own trust is unchanged


def test_a_betrayal_costs_loss_ratio_times_an_honour():
    up, down = ledger_with_tie(0.3), ledger_with_tie(0.3)
    up.honoured(1, 0)
    down.broken(1, 0)
    up.settle(everyone())
    down.settle(everyone())
    gained, lost = logit(up.get(0, 1)) - logit(0.3), logit(0.3) - logit(down.get(0, 1))
    assert lost == pytest.approx(3 * gained)


def test_recovery_after_a_betrayal_takes_several_honours():
    ledger = ledger_with_tie(0.5)
    ledger.broken_by_all(1)
    ledger.settle(everyone())
    honours = 0
    while ledger.get(0, 1) < 0.5 - 1e-12:
        ledger.honoured_by_all(1)
        ledger.settle(everyone())
        honours += 1
    assert honours == 3


def test_only_observers_at_the_table_see_coalition_wide_events():
    ledger = ledger_with_tie(0.5)
    ledger.honoured_by_all(1)
    ledger.settle(np.array([False, True, True]))  # node 0 is not at the table
    assert ledger.get(0, 1) == pytest.approx(0.5)


def committed(model, role):
    member = next(m for m in model.organizations if role in m.roles)
    member.state = State.COMMITTED
    return member


def test_a_member_shares_data_only_above_its_threshold():
    model = CoalitionModel(rng=1)
    org = committed(model, "data")
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


def test_a_missing_role_takes_the_capability_not_its_holders():
    model = CoalitionModel(missing_role="data", rng=5)
    owners = [m for m in model.organizations if "data" in m.roles]
    assert owners and not any(m.can(Capability.SHARE_RECORDS) for m in owners)
    assert all(m.invitable() for m in owners)  # they still come, with their other roles
    while model.running and model.steps < 80:
        model.step()
    assert any(m.at_table for m in owners)
    assert model.sharing_count == 0 and not model.diagnosis.known
    assert "data" not in model.roles_at_table()


def test_the_old_variant_keeps_every_holder_away():
    model = CoalitionModel(missing_role="data", keep_away_holders=True, rng=5)
    owners = [m for m in model.organizations if "data" in m.roles]
    assert all(not m.invitable() for m in owners)
    while model.running and model.steps < 60:
        model.step()
    assert not any(m.at_table for m in owners)


@pytest.mark.parametrize("seed", range(3))
def test_no_system_change_without_authority(seed):
    model = CoalitionModel(missing_role="authority", rng=seed)
    while model.running:
        model.step()
    assert model.fund.system_changes == 0


def test_a_system_change_needs_a_committed_authority_holder():
    model = CoalitionModel(rng=2)
    shares = np.full(model.people.k, 1.0 / model.people.k)
    assert model.fund._system_target(model, shares) is None
    holder = committed(model, "authority")
    target = model.fund._system_target(model, shares)
    assert target in holder.authority


def test_each_further_system_change_on_a_cause_does_less_but_none_is_capped():
    model = CoalitionModel(rng=2, system_returns=0.8, min_system_share=0.0)
    holder = committed(model, "authority")
    cause = min(holder.authority)
    shares = np.zeros(model.people.k)
    shares[cause] = 1.0
    effects = []
    for week in range(5):
        model.fund.receive(holder.node, model.spec.interventions.system_cost)
        model.fund.act(model, shares, week)
        effects.append(model.fund.pending[-1][2])
    assert model.fund.system_by_cause[cause] == 5
    assert np.allclose(np.array(effects[1:]) / np.array(effects[:-1]), 0.8)
    # the news tells them apart: "a change", then "another change (the 2nd)" ... on the same cause
    label = model.people.labels[cause]
    paid = [e.text for e in model.events if e.text.startswith("the coalition paid for") and label in e.text]
    assert paid[0].startswith(f"the coalition paid for a change in the rules on {label}")
    assert paid[4].startswith(f"the coalition paid for another change (the 5th) in the rules on {label}")
    model.fund.act(model, shares, 10_000)  # every pending change takes effect
    took = [e.text for e in model.events if e.text.endswith("took effect for everyone") and label in e.text]
    assert took[0] == f"a change in the rules on {label} took effect for everyone"
    assert took[1] == f"another change (the 2nd) in the rules on {label} took effect for everyone"


def test_without_pooled_records_the_coalition_spends_on_what_members_believe():
    model = CoalitionModel(missing_role="data", rng=3)
    while model.running:
        model.step()
    assert not model.diagnosis.known
    assert model.belief.known and model.fund.spent > 0


def test_a_frustrated_member_leaves_and_takes_its_money_and_data():
    model = CoalitionModel(rng=3)
    org = committed(model, "data")
    org.sharing = True
    model.fund.receive(org.node, 12.5)
    org._metric_best = {org.metric: 0.0}  # nothing it watches can look like progress
    org._metric_ewma = {org.metric: 0.5}
    org.frustration = org.patience
    org.perceive_progress()
    assert org.state == State.LEFT
    assert not org.sharing
    assert org.money_returned == pytest.approx(12.5)
    assert model.fund.balance[org.node] == 0
    assert org.node not in [node for node, _, _ in model.shared_sources()]


def test_visible_progress_resets_frustration():
    model = CoalitionModel(rng=3)
    org = committed(model, "data")
    org.frustration = 10
    org._metric_ewma = {org.metric: 1.0}  # its metric then falls far below
    org._metric_best = {org.metric: 1.0}
    org.perceive_progress()
    assert org.frustration == 0


def test_uptake_rises_with_legitimacy():
    assert uptake_from([], 0.25, 0.9) < uptake_from([0.3], 0.25, 0.9) < uptake_from([0.3, 0.5], 0.25, 0.9) <= 0.9


def test_community_partners_start_outside_and_come_in_by_invitation():
    model = CoalitionModel(rng=4)
    partner = model.partners[0]
    assert partner.state == State.OUTSIDE and not partner.at_table
    assert partner.roles == {"touch", "data", "legitimacy"}
    model.step()
    assert partner.state in (State.OUTSIDE, State.INVITED, State.AT_TABLE)
    consulted = CoalitionModel(community="consulted", rng=4).partners[0]
    assert consulted.roles == {"data"} and consulted.legitimacy == 0
    assert CoalitionModel(community="absent", rng=4).partners == []


def test_an_invitee_that_declines_is_not_invited_again_for_a_while():
    model = CoalitionModel(rng=6, accept_rate=0.0, decline_cooldown=13)
    org = model.organizations[2]
    org.invite(org.distance)
    org.consider_invitation()
    assert org.state == State.OUTSIDE and not org.invitable()
    model.steps += 13
    assert org.invitable()


def test_the_narration_says_who_sent_an_invitation():
    """A member asks a contact (no leader here): the news names the member, not only "the invitation"."""
    model = CoalitionModel(rng=3, leader="none", member_invite_rate=1.0, steps=40)
    while model.running:
        model.step()
    names = {m.name for m in model.members}
    senders = {
        e.text.split(" invitation from ")[1].rsplit(" to the table", 1)[0]
        for e in model.events
        if " invitation from " in e.text
    }
    assert senders and senders <= names
    assert not [e.text for e in model.events if "the invitation to the table" in e.text]


def test_translation_lowers_the_distance_an_invitee_perceives():
    for translation in (0.0, 0.6, 1.0):
        model = CoalitionModel(rng=7, translation=translation, invites_per_step=50)
        model.leader.invite()
        invited = [m for m in model.members if m.state == State.INVITED]
        assert invited and all(m._perceived == pytest.approx(m.distance * (1 - translation)) for m in invited)


def test_the_leaders_meetings_build_trust_in_it():
    model = CoalitionModel(rng=8)
    while model.steps < 40:
        model.step()
    sources, trusts = model.trust.trust_of(model.leader.node)
    assert trusts.size and trusts.max() > model.params.initial_trust + 0.05


def test_members_make_commitments_without_a_leader():
    model = CoalitionModel(rng=9, leader="none")
    for m in model.organizations[:3]:
        m.join("joined for the test")
    before = model.trust.trust.copy()
    for _ in range(20):
        model.step()
    assert not np.allclose(model.trust.trust[: before.size], before)


def test_the_shared_measures_are_the_outcome_and_the_believed_causes():
    model = CoalitionModel(rng=3)
    org = committed(model, "data")
    assert set(org.indicators()) == {org.metric}
    org.use_shared_metric(True)
    assert set(org.indicators()) == {-1}  # nothing believed yet: the outcome alone
    shares = np.zeros(model.people.k)
    shares[[0, 1]] = 0.5
    model.belief = judged(shares, np.zeros(model.people.k), model.people.names, model.people.groups, shares)
    assert set(org.indicators()) == {-1, 0, 1}


def test_pooled_records_move_the_diagnosis_from_disengagement():
    model = CoalitionModel(community="absent", rng=4)
    people = model.people
    owners = {o.name: o for o in model.organizations}
    schools = owners["Chicago Public Schools"]
    only_schools = diagnose_people(people, [(schools.reach, schools.records)])
    assert only_schools.cause == "disengagement" and only_schools.group == "disengagement"
    everyone_shares = [(o.reach, o.records) for o in model.organizations if "data" in o.roles]
    pooled = diagnose_people(people, everyone_shares)
    assert pooled.group == "instability"
    assert pooled.accuracy > only_schools.accuracy + 0.3


def test_a_belief_changes_only_beyond_noise():
    names, groups, truth = ("a", "b"), ("a", "b"), np.array([0.5, 0.5])
    old = judged(np.array([0.6, 0.4]), np.array([0.05, 0.05]), names, groups, truth)
    wobble = judged(np.array([0.55, 0.45]), np.array([0.05, 0.05]), names, groups, truth)
    shift = judged(np.array([0.3, 0.7]), np.array([0.05, 0.05]), names, groups, truth)
    assert not changed_beyond_noise(wobble, old, z=2.0)
    assert changed_beyond_noise(shift, old, z=2.0)


def test_a_window_of_weeks_stacks_the_records_kept():
    model = CoalitionModel(diagnosis_window=3, rng=5)
    people = model.people
    for _ in range(5):
        model.step()
    codes, outcomes, weeks = people.recent()
    assert weeks == 3 and codes.shape == outcomes.shape == (3 * people.n,)
    assert np.array_equal(outcomes[-people.n :], people.outcome)  # this week's outcomes come last
    assert not np.array_equal(outcomes[: people.n], people.outcome)  # and an earlier week's first
    one = CoalitionModel(diagnosis_window=1, rng=5).people
    assert one.recent()[0] is one.code and one.recent()[2] == 1  # one week: this week's arrays alone


def narrow_cause_and_wide_proxy(seed=0, n=20_000):
    """A strong cause recorded for a tenth of the people, a weak one recorded for everyone."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2)) < [0.1, 0.3]
    code = (x[:, 0] + 2 * x[:, 1]).astype(np.uint16)
    outcome = rng.random(n) < 0.05 + 0.3 * x[:, 0] + 0.03 * x[:, 1]
    sources = [(np.flatnonzero(rng.random(n) < 0.1), [0]), (np.arange(n), [1])]
    truth = np.array([0.3 * 0.1, 0.03 * 0.3]) / (0.3 * 0.1 + 0.03 * 0.3)
    return code, outcome, sources, truth


@pytest.mark.parametrize("seed", range(3))
def test_prevalence_where_observed_counts_an_unrecorded_person_as_unknown(seed):
    code, outcome, sources, truth = narrow_cause_and_wide_proxy(seed)
    args = (("cause", "proxy"), ("cause", "proxy"), truth)
    everyone = diagnose(code, outcome, sources, *args, prevalence="everyone")
    observed = diagnose(code, outcome, sources, *args, prevalence="observed")
    assert everyone.cause == "proxy"  # nine in ten cases unrecorded read as no case
    assert observed.cause == "cause" and observed.accuracy > everyone.accuracy + 0.3
