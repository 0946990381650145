"""Who is at the table, and how members meet: the wiring agents ask the model for.

:class:`CoalitionTable` is mixed into :class:`sim.CoalitionModel`; it reads the model's
members, leader, trust ledger and network space, and keeps two small caches (members by
node, and the people case work can reach).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.organization import AT_TABLE_STATES, State
from sim.scenario.roles import ROLES, Capability


class CoalitionTable:
    """Members at the table, their ties and reach (mixed into :class:`sim.CoalitionModel`).

    What it reads from the model, declared:
    """

    members: list
    leader: Any
    trust: Any
    space: Any
    params: Any
    rng: Any
    n_nodes: int
    n_people: int
    _member_by_node: dict
    _reach_cache: tuple

    def is_member(self, member) -> bool:
        """Whether ``member`` is still one of the model's members (not removed with ``Agent.remove``)."""
        return self._member_by_node.get(member.node) is member

    def table_members(self) -> list:
        """Members (organizations and community partners) at the table or committed."""
        return [m for m in self.members if m.state in AT_TABLE_STATES]

    def committed_able_to(self, capability: Capability) -> list:
        """Committed members that can use ``capability``."""
        return [m for m in self.members if m.state == State.COMMITTED and m.can(capability)]

    def members_tied_to(self, member) -> list:
        """Members tied to ``member`` in the network."""
        by_node = self._member_by_node
        return [by_node[n] for n in self.space.G.neighbors(member.node) if n in by_node]

    def at_table_mask(self) -> np.ndarray:
        """Bool per node: at the table (members and an active leader)."""
        at_table = [False] * self.n_nodes
        for m in self.members:
            at_table[m.node] = m.state in AT_TABLE_STATES
        at_table[self.leader.node] = self.leader.active
        return np.array(at_table, dtype=bool)

    def meet_table(self, newcomer) -> None:
        """A newcomer meets a few members already at the table: new ties, starting trust."""
        others = [
            int(n)
            for n in np.flatnonzero(self.at_table_mask())
            if n != newcomer.node and not self.trust.has(newcomer.node, int(n))
        ]
        if not others:
            return
        chosen = self.rng.choice(others, min(self.params.meetings_on_joining, len(others)), replace=False)
        for n in chosen:
            self._tie(newcomer.node, int(n))

    def meet(self, a, b) -> None:
        """Two members meet at the table (a new tie at the starting trust, if they had none)."""
        if not self.trust.has(a.node, b.node):
            self._tie(a.node, b.node)

    def _tie(self, i: int, j: int) -> None:
        start = self.params.initial_trust
        self.trust.add_tie(i, j, start, start)
        self.space.add_connection(self.space[i], self.space[j])

    def shared_sources(self) -> list:
        """(node, people, circumstances) for every record pooled this week."""
        return [(m.node, m.reach, m.records) for m in self.members if m.sharing and m.at_table]

    def case_reach(self) -> np.ndarray:
        """People reached by committed members that do case work (cached)."""
        workers = self.committed_able_to(Capability.CASE_WORK)
        key = tuple(w.node for w in workers)
        if key != self._reach_cache[0]:
            # the union as a mask: O(N + reach), sorted like np.unique, without a sort
            union = np.zeros(self.n_people, dtype=bool)
            for w in workers:
                union[w.reach] = True
            self._reach_cache = (key, np.flatnonzero(union))
        return self._reach_cache[1]

    def roles_at_table(self) -> list:
        """Roles whose capability members at the table can use, in ROLES order."""
        roles: set = set()
        for m in self.table_members():
            roles |= m.roles_in_use()
        return [r for r in ROLES if r in roles]

    def refuse_late(self, agent_class: type) -> None:
        """Refuse a member or leader made after the model was built (by :class:`Organization` and the leader).

        The members, the leader and the network's nodes are made from the scenario when the
        model is built, and the trust ledger, the fund and the week's order are sized by them:
        one made later never acted, or broke the next step with an IndexError after its week ran.
        """
        if getattr(self, "members_made", False):
            raise RuntimeError(
                f"{agent_class.__name__}: a coalition's members and leader are made from its scenario "
                "when the model is built; adding one to a built model is not supported (add it to the "
                "scenario's [[organizations]] or [[community]], or make it in a subclass's "
                "_build_agents_and_network)"
            )

    def forget(self, member) -> None:
        """Take a removed member (``Agent.remove``) out of the model's lists: it no longer acts."""
        for group in (self.members, getattr(self, "organizations", []), getattr(self, "partners", [])):
            if member in group:
                group.remove(member)
        self._member_by_node.pop(member.node, None)
