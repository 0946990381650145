"""Community partners: people who speak for those affected.

As a *partner* it sits at the table from the start: it shares what it knows (circumstances
no agency records) for the people it reaches, lends its legitimacy, which raises the uptake
of the coalition's case work, and helps deliver that case work to the people it reaches.
*Consulted*, it is asked for its knowledge (its records are pooled) but has no part in the
solution, so it lends no legitimacy. *Absent*, it plays no part.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

from sim.scenario.roles import Capability, capabilities, role_of

# the roles a community brings in each mode, before the model's missing role is taken away
MODE_ROLES = {"partner": ("touch", "data", "legitimacy"), "consulted": ("data",), "absent": ()}
RELIABILITY = 0.9


class CommunityPartner(FixedAgent):
    """A community organization or parents' council speaking for the people affected.

    Args:
        model: the :class:`sim.CoalitionModel`.
        spec: its :class:`sim.scenario.CommunitySpec`.
        node: its node in the network.
        mode: ``"partner"``, ``"consulted"`` or ``"absent"``.
        reach: indices of the people it reaches.

    """

    def __init__(self, model, spec, *, node: int, mode: str, reach: np.ndarray):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.node = node
        self.mode = mode
        self.reach = reach
        self.legitimacy = spec.legitimacy
        names = model.people.names
        self.knows = np.array([names.index(c) for c in spec.knows], dtype=np.int64)
        self.reliability = RELIABILITY
        self.roles = frozenset(MODE_ROLES[mode])
        self.capabilities = capabilities(self.roles, model.missing_role)

    def can(self, capability: Capability) -> bool:
        """True when the community's part in this mode lets it do ``capability``."""
        return capability in self.capabilities

    @property
    def at_table(self) -> bool:
        """A partner sits at the table; consulted or absent it does not."""
        return self.mode == "partner"

    @property
    def shares_knowledge(self) -> bool:
        """Partners and consulted communities both share what they know."""
        return self.can(Capability.SHARE_RECORDS) and self.knows.size > 0

    @property
    def lends_legitimacy(self) -> bool:
        """Only a genuine partner lends legitimacy to the solution."""
        return self.can(Capability.LEND_LEGITIMACY)

    def roles_at_table(self) -> frozenset:
        """The roles it counts as bringing: legitimacy it lends, records it shares from the table."""
        counted = []
        if self.lends_legitimacy:
            counted.append(role_of(Capability.LEND_LEGITIMACY).name)
        if self.at_table and self.shares_knowledge:
            counted.append(role_of(Capability.SHARE_RECORDS).name)
        return frozenset(counted)
