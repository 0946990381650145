"""What can be observed of a coalition: the model's reporters as properties.

:class:`CoalitionMeasures` is mixed into :class:`sim.CoalitionModel`; each property is
also a DataCollector model reporter of the same name (``sim.reporters``), so plots,
sweeps and the app read the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.interventions import uptake_from
from sim.model.organization import State
from sim.scenario.roles import Capability

if TYPE_CHECKING:
    from sim.model.diagnosis import Diagnosis
    from sim.model.interventions import CoalitionFund
    from sim.model.leader import SystemLeader
    from sim.model.people import People
    from sim.model.trust import TrustLedger


class CoalitionMeasures:
    """Reporters of :class:`sim.CoalitionModel` (outcome, coalition, trust, diagnosis, money).

    What the measures read from the model, declared:
    """

    params: Any
    people: People
    organizations: list
    partners: list
    members: list
    leader: SystemLeader
    trust: TrustLedger
    fund: CoalitionFund
    diagnosis: Diagnosis
    belief: Diagnosis
    n_nodes: int
    n_people: int
    _goal_step: int | None
    _shared_measures: tuple = (None, None, None, {})
    _trust_when_last_tied: float

    def table_members(self) -> list:  # noqa: D102 - provided by the model
        raise NotImplementedError

    def roles_at_table(self) -> list:  # noqa: D102 - provided by the model
        raise NotImplementedError

    def case_reach(self) -> np.ndarray:  # noqa: D102 - provided by the model
        raise NotImplementedError

    @property
    def outcome_rate(self) -> float:
        """Share of people with the outcome this week."""
        return self.people.outcome_rate

    @property
    def expected_rate(self) -> float:
        """Expected outcome rate this week: the mean probability of the week's draw, without its noise."""
        return self.people.expected_rate()

    @property
    def goal_reached(self) -> bool:
        """True once the outcome has held at or under target for ``hold_steps`` weeks."""
        return self._goal_step is not None

    @property
    def steps_to_goal(self) -> int | None:
        """Week the goal was reached, None until then."""
        return self._goal_step

    @property
    def coalition_size(self) -> int:
        """Members (organizations and community partners) committed to the coalition."""
        return sum(m.state == State.COMMITTED for m in self.members)

    @property
    def table_size(self) -> int:
        """Members at the table or committed."""
        return len(self.table_members())

    @property
    def mean_trust(self) -> float:
        """Mean directed trust over ties between agents that have not left (nor been removed).

        Once no two such agents are tied (every member has left), the mean of the last week
        they were: the trust the coalition dissolved with (a tie-less network: ``initial_trust``).
        """
        value = self._trust_among_active()
        return self._trust_when_last_tied if value != value else value

    def _trust_among_active(self) -> float:
        """Mean trust over ties between agents that have not left; NaN when there is none."""
        active = [False] * self.n_nodes
        for m in self.members:
            active[m.node] = m.state != State.LEFT
        leader = self.leader
        active[leader.node] = leader.active or (leader.mode != "none" and not leader.removed)
        return self.trust.mean(np.array(active, dtype=bool))

    def remember_trust(self) -> None:
        """Keep this week's :attr:`mean_trust` for the weeks after the last tie between active agents ends."""
        value = self._trust_among_active()
        if value == value:
            self._trust_when_last_tied = value

    @property
    def roles_covered(self) -> int:
        """How many of the five roles are at the table."""
        return len(self.roles_at_table())

    @property
    def diagnosis_accuracy(self) -> float:
        """Overlap of the believed and the true causes, in [0, 1]."""
        return self.diagnosis.accuracy

    @property
    def diagnosed_group(self) -> str:
        """The group of causes (e.g. "instability") the pooled records point to most."""
        return self.diagnosis.group

    @property
    def group_accuracy(self) -> float:
        """Overlap of the believed and the true causes, by group, in [0, 1]."""
        return self.diagnosis.group_accuracy

    @property
    def belief_accuracy(self) -> float:
        """Accuracy of what the coalition acts on: the pooled diagnosis, or its members' theory before."""
        return self.belief.accuracy

    @property
    def trust_in_leader(self) -> float:
        """Members' mean trust in the leader (the starting trust if none is tied to it)."""
        _, trusts = self.trust.trust_of(self.leader.node)
        return float(trusts.mean()) if trusts.size else self.params.initial_trust

    @property
    def pool(self) -> float:
        """Money in the coalition's pool."""
        return self.fund.pool

    @property
    def money_spent(self) -> float:
        """Money spent on interventions so far."""
        return self.fund.spent

    @property
    def sharing_count(self) -> int:
        """Members sharing their records."""
        return sum(m.sharing for m in self.members)

    @property
    def exits(self) -> int:
        """Members that left."""
        return sum(m.state == State.LEFT for m in self.members)

    @property
    def uptake(self) -> float:
        """Chance that a person offered case work takes it up (legitimacy at the table raises it)."""
        legit = [m.legitimacy for m in self.table_members() if m.can(Capability.LEND_LEGITIMACY)]
        return uptake_from(legit, self.params.base_uptake, self.params.max_uptake)

    @property
    def reach(self) -> float:
        """Share of people that the coalition's case work can reach."""
        return self.case_reach().size / self.n_people if self.n_people else 0.0

    @property
    def shared_metric_adoption(self) -> float:
        """Share of members at the table that adopted the shared metric."""
        members = self.table_members()
        return sum(m.adopted_shared_metric for m in members) / len(members) if members else 0.0

    def shared_measures(self) -> dict:
        """The coalition's dashboard this week (what members on the shared metric watch).

        The outcome over everyone (key ``-1``) and the prevalence of each circumstance the
        coalition believes holds at least ``min_system_share`` of the risk (key: its index).
        Computed once for a week's outcome, prevalence and belief.
        """
        people, belief = self.people, self.belief
        prevalence = people.prevalence()
        held_outcome, held_prevalence, held_belief, measures = self._shared_measures
        if held_outcome is not people.outcome or held_prevalence is not prevalence or held_belief is not belief:
            measures = {-1: people.outcome_rate}
            if belief.shares.sum() > 0:
                for c in np.flatnonzero(belief.shares >= self.params.min_system_share):
                    measures[int(c)] = float(prevalence[c])
            self._shared_measures = (people.outcome, prevalence, belief, measures)
        return dict(measures)
