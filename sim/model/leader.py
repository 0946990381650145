"""The convener: a system leader, a point leader, or nobody.

The leader has influence, not authority. Each week it invites ``invites_per_step``
outsiders, translating each one's mission distance (``perceived = distance * (1 -
translation)``); works with members on extra small commitments (each member it reaches
makes one more with chance ``trust_building``, on top of what members do alone:
:mod:`sim.model.commitments`); keeps its own commitment, the weekly meeting; and works on
a shared metric (each member adopts it with chance ``shared_metric_rate * shared_metric``
a week). A *system* leader works across sectors and invites the holders of missing roles
first; a *point* leader works only inside its own sector; with *none*, nobody convenes.
The leader has its own patience: weeks without progress on the shared rate or new
commitments, after which it stops convening. Every number is a model parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mesa.discrete_space import FixedAgent

from sim.model.choices import LeaderChoices
from sim.scenario.roles import ROLE_TABLE


class LeaderState(StrEnum):
    """What the convener is doing (a string, like the members' :class:`State`)."""

    CONVENING = "convening"
    STOPPED = "stopped"  # it lost patience
    ABSENT = "absent"  # leader mode none
    REMOVED = "removed"  # taken out of the model with Agent.remove


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
        model.refuse_late(type(self))
        super().__init__(model)
        self.node = node
        self.mode = mode
        self.sector = sector
        self.skills = skills
        self.patience = patience
        self.name = name
        self.frustration = 0.0
        self.active = mode != "none"
        self.removed = False  # taken out of the model with Agent.remove
        self.choices = LeaderChoices()  # a person's decisions (the classroom game); None: the model's
        self._best_rate: float | None = None
        self._committed_seen = 0

    @property
    def state(self) -> LeaderState:
        """``"convening"``, ``"stopped"`` (it lost patience), ``"absent"`` (leader mode none) or ``"removed"``."""
        if self.removed:
            return LeaderState.REMOVED
        if self.mode == "none":
            return LeaderState.ABSENT
        return LeaderState.CONVENING if self.active else LeaderState.STOPPED

    def reaches(self, member) -> bool:
        """Whether this leader works with ``member`` (a point leader stays in its sector)."""
        return self.mode == "system" or (self.mode == "point" and member.sector == self.sector)

    def remove(self) -> None:
        """Remove it from the model (Mesa's ``Agent.remove``): it leaves the registry and stops convening.

        Removing it again does nothing, as for Mesa's plain ``Agent``.
        """
        if self.removed:
            return
        self.active = False
        self.removed = True
        super().remove()

    # -- the weekly convening ------------------------------------------------
    def convene(self) -> frozenset:
        """Invite, work on the shared metric; return the nodes of the members it brokers commitments with."""
        if not self.active:
            return frozenset()
        self.invite()
        if self.choices.shared_metric is not False:
            self.promote_shared_metric()
        reached = frozenset(m.node for m in self.model.table_members() if self.reaches(m))
        return reached if self.choices.broker is None else reached & self.choices.broker

    def invite(self) -> None:
        """Invite outsiders; a system leader asks the holders of missing roles first."""
        outside = [m for m in self.model.members if m.invitable() and self.reaches(m)]
        if self.choices.invite is not None:
            for member in outside:
                if member.node in self.choices.invite:
                    member.invite(member.distance * (1.0 - self.skills.translation), by=self.name)
            return
        if not outside:
            return
        covered = set(self.model.roles_at_table())
        missing = [r.name for r in ROLE_TABLE if r.name not in covered]
        keys = self.model.rng.random(len(outside))
        ranked = sorted(
            zip(outside, keys, strict=True),
            key=lambda pair: (-sum(r in pair[0].roles_in_use() for r in missing), pair[1]),
        )
        for member, _ in ranked[: self.model.params.invites_per_step]:
            member.invite(member.distance * (1.0 - self.skills.translation), by=self.name)

    def promote_shared_metric(self) -> None:
        """Members adopt the shared metric, one by one."""
        for m in self.model.table_members():
            if not m.adopted_shared_metric and self.reaches(m):
                if self.model.rng.random() < self.model.params.shared_metric_rate * self.skills.shared_metric:
                    m.use_shared_metric(True)
                    self.model.log(f"{m.name} now measures progress with the coalition's shared measures")

    def perceive_progress(self) -> None:
        """The leader's own patience: progress is a falling shared rate or a new commitment."""
        if not self.active:
            return
        committed = self.model.coalition_size
        rate = self.model.smoothed_rate
        if (
            self._best_rate is None
            or rate < self._best_rate * (1 - self.model.params.leader_progress_margin)
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
