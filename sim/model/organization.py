"""Organizations: agencies with their own mission, budget, metric and roles.

An organization moves through ``outside -> invited -> at the table -> committed -> left``.
It accepts an invitation when the mission distance it perceives is small enough, commits
money once its trust in the coalition reaches ``commit_threshold``, shares its records
once trust reaches ``share_threshold``, and leaves, taking its money and data with it,
when its frustration (weeks without progress it can see) passes its patience.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from mesa.discrete_space import FixedAgent

from sim.scenario.roles import Capability, capabilities


class State(StrEnum):
    """Engagement of an organization with the coalition."""

    OUTSIDE = "outside"
    INVITED = "invited"
    AT_TABLE = "at the table"
    COMMITTED = "committed"
    LEFT = "left"


AT_TABLE_STATES = (State.AT_TABLE, State.COMMITTED)

# how much of a perceived-progress signal counts: EWMA weight and the relative drop needed
METRIC_SMOOTHING = 0.2
PROGRESS_MARGIN = 0.03
# visible progress resets frustration; honoured commitments (per tie and week) slow its growth
RELATIONSHIP_RELIEF = 0.4
MAX_RELATIONSHIP_RELIEF = 0.8
# chance per week an outsider joins on its own, times (1 - mission distance)
SELF_JOIN_RATE = 0.01
ACCEPT_RATE = 0.6
# a sharer withdraws its records when its trust falls this far below the sharing threshold
WITHDRAW_MARGIN = 0.15


class Organization(FixedAgent):
    """An agency, school district, hospital or community organization.

    Args:
        model: the :class:`sim.CoalitionModel`.
        spec: its :class:`sim.scenario.spec.OrganizationSpec`.
        node: its node in the network.
        reach: indices of the people it touches.
        patience: weeks it tolerates without visible progress.

    """

    def __init__(self, model, spec, *, node: int, reach: np.ndarray, patience: float):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.sector = spec.sector
        self.node = node
        self.roles = frozenset(spec.roles)
        self.budget = float(spec.budget)
        self.reliability = spec.reliability
        self.legitimacy = spec.legitimacy
        self.patience = float(patience)
        self.reach = reach
        self.state = State.OUTSIDE
        self.frustration = 0.0
        self.sharing = False
        self.money_returned = 0.0
        self.adopted_shared_metric = False
        # what its roles let it do; the model's missing role is taken away
        self.capabilities = capabilities(self.roles, model.missing_role)
        # keep_away_holders: every holder of the missing role stays away from the table
        self.excluded = bool(model.missing_role) and model.missing_role in self.roles
        names = model.people.names
        self.records = np.array([names.index(c) for c in spec.records], dtype=np.int64)
        self.authority = frozenset(names.index(c) for c in spec.authority)
        self.metric = -1 if spec.metric == "outcome" else names.index(spec.metric)
        self.distance = model.people.mission_distance(spec.mission)
        self._metric_ewma = None
        self._metric_best = None
        self.joined_step = None

    # -- convenience --------------------------------------------------------
    @property
    def at_table(self) -> bool:
        """At the table or committed."""
        return self.state in AT_TABLE_STATES

    @property
    def trust_in_coalition(self) -> float:
        """Mean trust in the members it is tied to at the table."""
        return float(self.model.coalition_trust[self.node])

    def can(self, capability: Capability) -> bool:
        """True when one of its roles lets it do ``capability`` (and that role is not missing)."""
        return capability in self.capabilities

    # -- the weekly decision --------------------------------------------------
    def step(self) -> None:
        """Decide this week: join, commit, pledge, share (leaving is decided in perceive)."""
        if self.state == State.OUTSIDE:
            self.consider_joining_on_own()
        elif self.state == State.INVITED:
            self.consider_invitation()
        elif self.state == State.AT_TABLE:
            self.consider_commitment()
        elif self.state == State.COMMITTED:
            self.pledge()
            self.consider_sharing()

    def invite(self, perceived_distance: float) -> None:
        """The leader invites it, having translated the mission distance."""
        if self.state == State.OUTSIDE and not self.excluded:
            self.state = State.INVITED
            self._perceived = perceived_distance

    def consider_joining_on_own(self) -> None:
        """Without an invitation an organization seldom comes to the table."""
        if self.excluded:
            return
        if self.model.rng.random() < SELF_JOIN_RATE * (1.0 - self.distance):
            self.join("came to the table on its own")

    def consider_invitation(self) -> None:
        """Accept with a chance falling with the mission distance it perceives."""
        if self.model.rng.random() < ACCEPT_RATE * (1.0 - self._perceived):
            self.join("accepted the invitation to the table")
        else:
            self.state = State.OUTSIDE

    def join(self, how: str) -> None:
        """Come to the table and meet the members already there."""
        self.state = State.AT_TABLE
        self.joined_step = self.model.steps
        self.frustration = 0.0
        self._metric_best = None
        self.model.meet_table(self)
        self.model.log(f"{self.name} {how}")

    def consider_commitment(self) -> None:
        """Commit money and effort once trust in the coalition is high enough."""
        if self.trust_in_coalition >= self.model.params.commit_threshold:
            self.state = State.COMMITTED
            self.model.log(f"{self.name} committed to the coalition (trust {self.trust_in_coalition:.2f})")

    def pledge(self) -> None:
        """Pay this week's pledge, or break it (others see either)."""
        if not self.can(Capability.PLEDGE_MONEY) or self.budget <= 0:
            return
        amount = self.model.pledge_share * self.budget
        if self.model.rng.random() < self.reliability:
            self.model.fund.receive(self.node, amount)
            self.model.trust.honoured_by_all(self.node)
        else:
            self.model.trust.broken_by_all(self.node)
            self.model.log(f"{self.name} missed its pledge to the coalition", minor=True)

    def consider_sharing(self) -> None:
        """Share records once trust is high enough; withdraw them if it falls far below."""
        if not self.can(Capability.SHARE_RECORDS):
            return
        trust = self.trust_in_coalition
        if not self.sharing and trust >= self.model.params.share_threshold:
            self.sharing = True
            self.model.log(f"{self.name} shared its data after its trust in the coalition reached {trust:.2f}")
        elif self.sharing and trust < self.model.params.share_threshold - WITHDRAW_MARGIN:
            self.sharing = False
            self.model.log(f"{self.name} withdrew its data (trust fell to {trust:.2f})")

    # -- perceiving progress -----------------------------------------------------
    def metric_value(self) -> float:
        """What it measures: its own metric over the people it touches, or the shared one."""
        people = self.model.people
        if self.adopted_shared_metric or self.reach.size == 0:
            return people.outcome_rate
        # counting is much cheaper than mean() on a bool array; a column view indexes fastest
        watched = people.outcome if self.metric < 0 else people.x[:, self.metric]
        return np.count_nonzero(watched[self.reach]) / self.reach.size

    def perceive_progress(self) -> None:
        """Update frustration from the metric it watches; leave past its patience."""
        if not self.at_table:
            return
        value = self.metric_value()
        a = METRIC_SMOOTHING
        self._metric_ewma = value if self._metric_ewma is None else (1 - a) * self._metric_ewma + a * value
        if self._metric_best is None:
            self._metric_best = self._metric_ewma
        improved = self._metric_ewma < self._metric_best * (1 - PROGRESS_MARGIN)
        # on the shared metric, a member also sees the coalition's target being met
        on_target = self.adopted_shared_metric and self._metric_ewma <= self.model.target_rate
        if improved or on_target:
            self._metric_best = min(self._metric_best, self._metric_ewma)
            self.frustration = 0.0
        else:
            relief = min(MAX_RELATIONSHIP_RELIEF, RELATIONSHIP_RELIEF * self.model.trust.observed_honours[self.node])
            self.frustration += 1.0 - relief
        if self.frustration > self.patience:
            self.leave("lost patience")

    def use_shared_metric(self, adopted: bool) -> None:
        """Switch between the shared metric and its own; its memory of progress starts over."""
        if adopted != self.adopted_shared_metric:
            self.adopted_shared_metric = adopted
            self._metric_ewma = self._metric_best = None

    def leave(self, why: str) -> None:
        """Leave the table for good, taking its money and data."""
        self.money_returned += self.model.fund.refund(self.node)
        self.state = State.LEFT
        self.sharing = False
        self.model.log(
            f"{self.name} left the coalition: {why} after {self.frustration:.0f} weeks without progress it could see"
        )
