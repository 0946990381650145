"""Generic checks every agent kind gets (after Axelrod's contract base class)."""

import pytest

from sim import CoalitionModel, CommunityPartner, Organization, SystemLeader


class AgentContract:
    kind = None

    @pytest.fixture
    def model(self):
        model = CoalitionModel(steps=30, rng=8)
        model.run_for(30)
        return model

    def agents(self, model):
        return [a for a in model.agents if type(a) is self.kind]

    def test_registered_with_the_model_and_placed_in_its_cell(self, model):
        agents = self.agents(model)
        assert agents
        for a in agents:
            assert a.model is model
            assert a in model.agents_by_type[self.kind]
            assert a.cell is model.space[a.node]
            assert a in a.cell.agents

    def test_has_a_name_for_the_narration(self, model):
        for a in self.agents(model):
            assert isinstance(a.name, str) and a.name


class TestOrganization(AgentContract):
    kind = Organization


class TestSystemLeader(AgentContract):
    kind = SystemLeader


class TestCommunityPartner(AgentContract):
    kind = CommunityPartner
