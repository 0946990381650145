"""The convener: a system leader, a point leader, or nobody.

The leader has influence, not authority. Each week it invites outsiders, translating
each one's mission distance (``perceived = distance * (1 - translation)``); brokers small
commitments between members (each member makes one with chance ``trust_building``);
and works on a shared metric (each member adopts it with chance
``SHARED_METRIC_RATE * shared_metric`` a week). A *system* leader works across sectors
and invites the holders of missing roles first; a *point* leader works only inside its
own sector; with *none*, members make small commitments only at ``BASE_COMMITMENT_RATE``.
The leader has its own patience: weeks without progress on the shared metric or new
commitments, after which it stops convening.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesa.discrete_space import FixedAgent

from sim.model.organization import State
from sim.scenario.roles import ROLE_TABLE

INVITES_PER_STEP = 2
SHARED_METRIC_RATE = 0.05
BASE_COMMITMENT_RATE = 0.1
# the leader sees progress when the smoothed shared rate falls this far below its best
LEADER_PROGRESS_MARGIN = 0.03


@dataclass(frozen=True)
class LeaderSkills:
    """The system leader's skills of the chapter, each in [0, 1].

    Attributes:
        translation: how much of each invitee's mission distance it explains away.
        trust_building: chance a week that each member it works with makes a small commitment.
        shared_metric: how fast members adopt the shared metric.
    """

    translation: float
    trust_building: float
    shared_metric: float


class SystemLeader(FixedAgent):
    """The coalition's convener.

    Args:
        model: the :class:`sim.CoalitionModel`.
        node: its node in the network.
        mode: ``"system"``, ``"point"`` or ``"none"``.
        sector: its home sector (where a point leader acts).
        skills: its :class:`LeaderSkills`.
        patience: weeks it keeps convening without progress.
        name: how the narration calls it.

    """

    def __init__(self, model, *, node: int, mode: str, sector: str, skills: LeaderSkills, patience: float, name: str):
        super().__init__(model)
        self.node = node
        self.mode = mode
        self.sector = sector
        self.skills = skills
        self.patience = patience
        self.name = name
        self.frustration = 0.0
        self.active = mode != "none"
        self._best_rate = None
        self._committed_seen = 0

    def reaches(self, org) -> bool:
        """Whether this leader works with ``org`` (a point leader stays in its sector)."""
        return self.mode == "system" or (self.mode == "point" and org.sector == self.sector)

    # -- the weekly convening ------------------------------------------------
    def convene(self) -> None:
        """Invite, broker small commitments, work on the shared metric."""
        if self.active:
            self.invite()
            self.promote_shared_metric()
        self.broker_commitments()

    def invite(self) -> None:
        """Invite outsiders; a system leader asks the holders of missing roles first."""
        outside = [
            o for o in self.model.organizations if o.state == State.OUTSIDE and not o.excluded and self.reaches(o)
        ]
        if not outside:
            return
        covered = set(self.model.roles_at_table())
        missing = [r.name for r in ROLE_TABLE if r.name not in covered]
        keys = self.model.rng.random(len(outside))
        ranked = sorted(
            zip(outside, keys, strict=True),
            key=lambda pair: (-sum(r in pair[0].roles for r in missing), pair[1]),
        )
        for org, _ in ranked[:INVITES_PER_STEP]:
            org.invite(org.distance * (1.0 - self.skills.translation))

    def broker_commitments(self) -> None:
        """Members make small commitments to the coalition and honour or break them.

        Everyone at the table tied to the promisor sees the outcome; making one, the
        promisor meets one more member (a new tie, if they had none).
        """
        members = self.model.table_members()
        if self.active:
            members = [m for m in members if self.reaches(m)]
        rate = self.skills.trust_building if self.active else BASE_COMMITMENT_RATE
        ledger = self.model.trust
        # per member: whether it makes a commitment, whom it meets, whether it keeps it
        draws = self.model.rng.random((len(members), 3))
        for promisor, (makes, meets, keeps) in zip(members, draws, strict=True):
            if makes >= rate:
                continue
            other = members[int(meets * len(members))]
            if other is not promisor:
                self.model.meet(promisor, other)
            if keeps < promisor.reliability:
                ledger.honoured_by_all(promisor.node)
            else:
                ledger.broken_by_all(promisor.node)

    def promote_shared_metric(self) -> None:
        """Members adopt the shared metric, one by one."""
        for m in self.model.table_members():
            if not m.adopted_shared_metric and self.reaches(m):
                if self.model.rng.random() < SHARED_METRIC_RATE * self.skills.shared_metric:
                    m.use_shared_metric(True)
                    self.model.log(f"{m.name} adopted the shared metric ({self.model.people_outcome})")

    def perceive_progress(self) -> None:
        """The leader's own patience: progress is a falling shared rate or a new commitment."""
        if not self.active:
            return
        committed = self.model.coalition_size
        rate = self.model.smoothed_rate
        if (
            self._best_rate is None
            or rate < self._best_rate * (1 - LEADER_PROGRESS_MARGIN)
            or committed > self._committed_seen
        ):
            self._best_rate = rate if self._best_rate is None else min(rate, self._best_rate)
            self._committed_seen = max(committed, self._committed_seen)
            self.frustration = 0.0
        else:
            self.frustration += 1.0
        if self.frustration > self.patience:
            self.active = False
            self.model.log(f"{self.name} stopped convening after {self.frustration:.0f} weeks without progress")
