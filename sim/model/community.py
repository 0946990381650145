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


class CommunityPartner(FixedAgent):
    """A community organization or parents' council speaking for the people affected.

    Args:
        model: the :class:`sim.CoalitionModel`.
        spec: its :class:`sim.scenario.CommunitySpec`.
        node: its node in the network.
        mode: ``"partner"``, ``"consulted"`` or ``"absent"``.
        reach: indices of the people it reaches.

    """

    def __init__(self, model, spec, node: int, mode: str, reach: np.ndarray):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.node = node
        self.mode = mode
        self.reach = reach
        self.legitimacy = spec.legitimacy
        names = model.people.names
        self.knows = np.array([names.index(c) for c in spec.knows], dtype=np.int64)
        self.reliability = 0.9

    @property
    def at_table(self) -> bool:
        """A partner sits at the table; consulted or absent it does not."""
        return self.mode == "partner"

    @property
    def shares_knowledge(self) -> bool:
        """Partners and consulted communities both share what they know."""
        return self.mode in ("partner", "consulted") and self.knows.size > 0

    @property
    def lends_legitimacy(self) -> bool:
        """Only a genuine partner lends legitimacy to the solution."""
        return self.mode == "partner"
