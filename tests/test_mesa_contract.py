"""It behaves like a Mesa model: keywords, rng, DataCollector, batch_run, agents, space."""

import gc
import inspect
import json
import subprocess
import sys
import weakref
from enum import StrEnum

import numpy as np
import pytest
from mesa.discrete_space import Network

from sim import CoalitionModel, CommunityPartner, Organization, SystemLeader
from sim.model.reporters import HEADLINE


def test_every_parameter_is_a_keyword_with_a_default_and_rng_last():
    params = list(inspect.signature(CoalitionModel).parameters.values())
    assert params[0].name == "scenario_name"
    assert params[-1].name == "rng"
    for p in params:
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        assert p.default is not inspect.Parameter.empty
    assert "scenario" not in [p.name for p in params]


def test_reporters_are_properties_and_datacollector_columns():
    model = CoalitionModel(steps=5, rng=1)
    model.run_for(5)
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == 6  # the initial state plus five weeks
    for name in HEADLINE:
        assert name in table.columns
        assert table[name].iloc[-1] == getattr(model, name) or (
            table[name].iloc[-1] is None and getattr(model, name) is None
        )
    agents = model.datacollector.get_agenttype_vars_dataframe(Organization)
    assert {"state", "trust", "frustration"} <= set(agents.columns)


def test_agents_live_in_a_mesa_network_and_the_model_registry():
    model = CoalitionModel(rng=1)
    assert isinstance(model.space, Network)
    kinds = {type(a) for a in model.agents}
    assert {Organization, SystemLeader, CommunityPartner} <= kinds
    for a in model.agents:
        assert a.cell is model.space[a.node]


def test_running_turns_false_at_the_horizon():
    model = CoalitionModel(steps=7, rng=1)
    while model.running:
        model.step()
    assert model.steps == 7


def test_the_model_can_be_garbage_collected():
    model = CoalitionModel(steps=3, rng=1)
    model.run_for(3)
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


BATCH = """
import json, mesa
from sim import CoalitionModel
rows = mesa.batch_run(CoalitionModel, {"leader": ["system", "none"], "steps": 15, "n_people": 500},
                      rng=[1, 2], max_steps=15, number_processes=1, data_collection_period=-1,
                      display_progress=False)
keys = ("leader", "rng", "Step", "outcome_rate", "coalition_size", "mean_trust")
print(json.dumps([{k: r[k] for k in keys} for r in rows]))
"""


def test_mesa_batch_run_works_and_returns_the_reporters():
    # batch_run switches the whole process to "spawn": keep it out of this one
    out = subprocess.run([sys.executable, "-W", "error", "-c", BATCH], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    # one row per member (agent-type reporters: 10 organizations and the parents' council) per run
    assert {(r["leader"], r["rng"]) for r in rows} == {(m, s) for m in ("system", "none") for s in (1, 2)}
    assert len(rows) == 4 * 11
    assert {r["leader"] for r in rows} == {"system", "none"}
    assert all(0 <= r["outcome_rate"] <= 1 for r in rows)


def test_a_model_pickles_mid_run_and_the_copy_goes_on_the_same():
    import pickle

    model = CoalitionModel(steps=30, rng=7)
    model.run_for(15)
    copy = pickle.loads(pickle.dumps(model))
    model.run_for(15)
    copy.run_for(15)
    assert copy.datacollector.get_model_vars_dataframe().equals(model.datacollector.get_model_vars_dataframe())
    for kind in (Organization, CommunityPartner):
        a, b = (m.datacollector.get_agenttype_vars_dataframe(kind) for m in (model, copy))
        assert len(a) and a.equals(b)


def test_seed_is_taken_as_mesa_takes_it_with_its_warning():
    import pytest

    with pytest.warns(FutureWarning, match="use `rng` instead"):
        old = CoalitionModel(steps=10, seed=42)
    new = CoalitionModel(steps=10, rng=42)
    old.run_for(10)
    new.run_for(10)
    assert old.datacollector.get_model_vars_dataframe().equals(new.datacollector.get_model_vars_dataframe())
    with pytest.raises(ValueError, match="give rng or seed, not both"):
        CoalitionModel(seed=1, rng=1)


def test_community_partners_have_their_rows_beside_the_organizations():
    model = CoalitionModel(steps=5, rng=42)
    model.run_for(5)
    partners = model.datacollector.get_agenttype_vars_dataframe(CommunityPartner)
    ids = set(partners.reset_index()["AgentID"])
    assert ids == {p.unique_id for p in model.partners} and {"state", "trust", "sharing"} <= set(partners.columns)


def test_a_removed_member_leaves_the_registry_and_stops_acting():
    model = CoalitionModel(steps=40, rng=1)
    model.run_for(5)
    gone = model.organizations[0]
    frustration = gone.frustration
    gone.remove()
    model.run_for(20)
    assert gone not in model.agents and gone not in model.members and gone not in model.organizations
    assert gone.frustration == frustration  # it no longer decides or perceives
    # it says so, as a removed leader does (it read "outside" and invitable, a Mesa user's trial)
    assert gone.state == "removed" and not gone.invitable() and not gone.at_table


def test_removing_an_agent_twice_does_nothing_the_second_time():
    model = CoalitionModel(steps=40, n_people=300, rng=1)
    model.run_for(30)
    gone = max(model.organizations, key=lambda o: model.fund.given_by[o.node])
    gone.remove()
    returned, given = gone.money_returned, model.fund.given
    gone.remove()  # as for Mesa's plain Agent: no error, no second refund
    assert (gone.money_returned, model.fund.given) == (returned, given)
    model.leader.remove()
    model.leader.remove()
    assert model.leader not in model.agents and model.leader.state == "removed"
    absent = CoalitionModel(steps=5, n_people=300, leader="none", rng=1)
    absent.leader.remove()
    assert absent.leader.state == "removed", "removed, not absent: it is no longer in the model"


def test_an_agent_type_with_no_agents_gives_an_empty_table():
    model = CoalitionModel(steps=5, n_people=300, community="absent", rng=1)
    model.run_for(5)
    partners = model.datacollector.get_agenttype_vars_dataframe(CommunityPartner)
    assert partners.empty and list(partners.index.names) == ["Step", "AgentID"]
    organizations = model.datacollector.get_agenttype_vars_dataframe(Organization)
    assert list(partners.columns) == list(organizations.columns) and len(organizations) == 6 * 10


def test_a_model_subclass_can_name_its_own_agent_classes():
    class Stubborn(Organization):
        """Never comes to the table."""

        def step(self):
            pass

    class StubbornModel(CoalitionModel):
        organization_class = Stubborn

    model = StubbornModel(steps=30, rng=3)
    model.run_for(30)
    assert all(type(o) is Stubborn for o in model.organizations)
    assert model.coalition_size == sum(p.state == "committed" for p in model.partners)
    assert len(model.datacollector.get_agenttype_vars_dataframe(Stubborn)) == 31 * len(model.organizations)


def test_a_member_removing_itself_or_another_mid_week_leaves_the_week_whole():
    """As in Mesa's wolf_sheep: removing an agent inside a step; the others still act once each."""
    stepped: list[int] = []
    after_removal: list[int] = []

    class Quitter(Organization):
        def step(self):
            if self not in self.model.members:
                after_removal.append(self.unique_id)  # a removed member must not act again
            if self.model.steps == 3:
                stepped.append(self.unique_id)
                if self is self.model.organizations[0]:
                    self.model.organizations[-1].remove()  # another member, maybe not yet stepped
                    self.remove()
                    return
            super().step()

    class QuitModel(CoalitionModel):
        organization_class = Quitter

    for seed in range(4):
        stepped.clear()
        model = QuitModel(steps=8, rng=seed)
        first, last = model.organizations[0], model.organizations[-1]
        model.run_for(8)
        assert first not in model.members and last not in model.members
        assert after_removal == [], "a removed member acted after its removal"
        assert len(stepped) == len(set(stepped)), "a member stepped twice in the week of a removal"
        others = {o.unique_id for o in model.organizations}
        assert others <= set(stepped), "a member was skipped in the week of a removal"


def test_a_removed_member_takes_its_money_back_and_money_is_conserved():
    model = CoalitionModel(steps=80, rng=1)
    model.run_for(60)
    payers = [m for m in model.members if model.fund.balance[m.node] > 0]
    assert payers, "no member has money in the pool at week 60 with this seed"
    gone = payers[0]
    left = float(model.fund.balance[gone.node])
    gone.remove()
    assert gone.money_returned >= left and model.fund.balance[gone.node] == 0
    model.run_for(20)
    fund = model.fund
    assert fund.given == pytest.approx(fund.spent + fund.pool + fund.returned)
    assert fund.balance[gone.node] == 0


def test_a_removed_leader_stops_convening():
    model = CoalitionModel(steps=40, rng=2)
    model.run_for(3)
    calls = []
    model.leader.invite = lambda: calls.append(model.steps)
    model.leader.remove()
    model.run_for(20)
    assert model.leader not in model.agents and model.leader.state == "removed"
    assert calls == [] and model.leader.convene() == frozenset()
    # its ties no longer count in the coalition's mean trust
    active = np.zeros(model.n_nodes, dtype=bool)
    active[[m.node for m in model.members]] = [m.state != "left" for m in model.members]
    assert model.mean_trust == model.trust.mean(active)


def test_a_scenario_given_by_keyword_is_pointed_to_scenario_name():
    from sim import ParameterError

    with pytest.raises(ParameterError, match="first argument, scenario_name"):
        CoalitionModel(scenario="single_agency", steps=2)
    assert CoalitionModel(scenario_name="single_agency", steps=2, rng=1).scenario_name == "single_agency"


def test_once_every_member_has_left_mean_trust_is_the_trust_they_left_with():
    # impatient members all leave: no tie between active agents is left; mean_trust keeps the
    # mean of the last week there was one (it once fell back to every tie, departed ones too)
    dissolved = 0
    for seed in range(7, 12):
        model = CoalitionModel(steps=80, rng=seed, patience=4)
        means, actives = [], []
        while model.running:
            model.step()
            means.append(model.mean_trust)
            actives.append(model._trust_among_active())
        if all(m.state == "left" for m in model.members):
            dissolved += 1
            last = max(i for i, a in enumerate(actives) if a == a)  # the last week with a tie
            assert all(m == means[last + 1] for m in means[last + 1 :]) and 0 <= means[-1] <= 1
            assert means[-1] != pytest.approx(float(model.trust.trust.mean()), abs=1e-9)
        assert all(m == a for m, a in zip(means, actives, strict=True) if a == a)
    assert dissolved >= 2


def test_agentset_get_reads_each_members_trust_as_the_datacollector_does():
    model = CoalitionModel(steps=20, rng=3)
    model.run_for(6)
    members = model.agents_by_type[Organization]
    table = model.datacollector.get_agenttype_vars_dataframe(Organization).loc[6]
    assert members.get("trust") == list(table["trust"]) and len(set(members.get("trust"))) > 1


@pytest.mark.parametrize("node", ["new", "taken"])
def test_a_member_or_leader_made_after_the_model_is_built_is_refused(node):
    """A late Organization broke the next step (IndexError) on a new node, or never acted on a taken one."""
    from sim.model.leader import LeaderSkills

    model = CoalitionModel(rng=3)
    model.run_for(5)
    agents_before = len(model.agents)
    where = model.n_nodes if node == "new" else 3
    with pytest.raises(RuntimeError, match=r"Organization: .* adding one to a built model is not supported"):
        Organization(model, model.spec.organizations[3], node=where, reach=np.arange(50), patience=52)
    with pytest.raises(RuntimeError, match=r"SystemLeader: .* not supported"):
        SystemLeader(model, node=where, mode="system", sector="x", skills=LeaderSkills(1, 1, 1), patience=52, name="x")
    assert len(model.agents) == agents_before  # refused before Mesa registered it
    model.step()  # the model goes on
    assert model.steps == 6


def test_a_scenario_changed_in_code_is_checked_as_a_file_is():
    """pydantic's ``model_copy(update=...)`` skips every check: two members of one name ran."""
    from sim import ScenarioError
    from sim.scenario.load import load_scenario

    spec = load_scenario("chicago_absenteeism")
    assert load_scenario(spec) is spec  # a checked one comes back as it is
    twice = spec.model_copy(update={"organizations": (*spec.organizations, spec.organizations[0])})
    with pytest.raises(ScenarioError, match=r"organizations\[10\]\.name: .* already the name of another"):
        CoalitionModel(twice, rng=1)
    odd = spec.model_copy(update={"population": spec.population.model_copy(update={"target_rate": 2.0})})
    with pytest.raises(ScenarioError, match=r"population\.target_rate"):
        CoalitionModel(odd, rng=1)


def test_every_agent_states_its_state_as_one_kind_of_value():
    """The leader's state is an enum of strings, as the members' is: groupby keys of one type."""
    model = CoalitionModel(steps=3, n_people=300, rng=5)
    model.run_for(3)
    groups = model.agents.groupby("state").groups
    assert "convening" in groups and all(isinstance(key, StrEnum) for key in groups), groups


def test_an_agent_type_without_reporters_warns_at_the_callers_line():
    model = CoalitionModel(steps=2, n_people=300, rng=1)
    with pytest.warns(UserWarning, match="No agent-type reporters") as caught:
        table = model.datacollector.get_agenttype_vars_dataframe(SystemLeader)
    assert table.empty and caught[0].filename == __file__
