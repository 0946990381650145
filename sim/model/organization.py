"""Members of a coalition: organizations, and the community partners who join like them.

A member moves through ``outside -> invited -> at the table -> committed -> left``. It
accepts an invitation (from the leader, who translates, or from a member it is tied to)
with a chance falling with the mission distance it perceives, and declines for a while
after saying no; it commits once its trust in the coalition reaches ``commit_threshold``,
then pledges money if it can, shares its records once trust reaches ``share_threshold``,
invites outsiders it knows, and leaves, taking its money and data with it, when its
frustration (weeks without progress it can see) passes its patience. Each role it holds
lets it do one thing (:mod:`sim.scenario.roles`); the model's ``missing_role`` takes that
capability away. Every number here is a model parameter (``model.params``).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from mesa.discrete_space import FixedAgent

from sim.model.choices import MemberChoices
from sim.model.diagnosis import diagnose_people
from sim.model.progress import PerceivesProgress
from sim.scenario.roles import Capability, capabilities


class State(StrEnum):
    """Engagement of a member with the coalition."""

    OUTSIDE = "outside"
    INVITED = "invited"
    AT_TABLE = "at the table"
    COMMITTED = "committed"
    LEFT = "left"
    REMOVED = "removed"  # taken out of the model with Agent.remove (not a decision of its own)


AT_TABLE_STATES = (State.AT_TABLE, State.COMMITTED)


class Organization(PerceivesProgress, FixedAgent):
    """An agency, school district, hospital or community organization.

    Args:
        model: the :class:`sim.CoalitionModel`.
        spec: its :class:`sim.scenario.spec.OrganizationSpec`.
        node: its node in the network.
        reach: indices of the people it touches.
        patience: weeks it tolerates without visible progress.
    """

    def __init__(self, model, spec, *, node: int, reach: np.ndarray, patience: float):
        model.refuse_late(type(self))
        super().__init__(model)
        p = model.params
        self.spec = spec
        self.name = spec.name
        self.label = spec.label
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
        self.capabilities = capabilities(self.roles, p.missing_role)
        self._roles_in_use = frozenset(r for r in self.roles if r != p.missing_role)
        # the old variant of missing_role: every holder of the role stays away
        self.excluded = p.keep_away_holders and bool(p.missing_role) and p.missing_role in self.roles
        names = model.people.names
        self.records = np.array([names.index(c) for c in spec.records], dtype=np.int64)
        self.authority = frozenset(names.index(c) for c in spec.authority)
        self.metric = -1 if spec.metric == "outcome" else names.index(spec.metric)
        self.distance = model.people.mission_distance(spec.mission)
        self.mission_theory = model.people.mission_theory(spec.mission)
        self._own_theory: tuple | None = None
        self._perceived = self.distance
        self._invited_by = ""  # who asked it to the table (for the narration)
        self._metric_ewma: dict[int, float] = {}  # per watched measure (-1: the outcome)
        self._metric_best: dict[int, float] = {}
        self.joined_step: int | None = None
        self.declined_step: int | None = None
        self.declines = 0
        self.choices = MemberChoices()  # a person's decisions (the classroom game); None: the model's

    # -- convenience --------------------------------------------------------
    @property
    def at_table(self) -> bool:
        """At the table or committed."""
        return self.state in AT_TABLE_STATES

    @property
    def trust_in_coalition(self) -> float:
        """Mean trust in the members it is tied to at the table."""
        return float(self.model.coalition_trust[self.node])

    @property
    def trust(self) -> float:
        """Its trust in the coalition, the DataCollector's ``trust`` column (``agents.get("trust")``)."""
        return self.trust_in_coalition

    def can(self, capability: Capability) -> bool:
        """True when one of its roles lets it do ``capability`` (and that role is not missing)."""
        return capability in self.capabilities

    def own_theory(self) -> np.ndarray:
        """What it believes the causes are: what its own records show, else its mission's weights.

        Recomputed once every ``diagnosis_interval`` weeks.
        """
        if not (self.can(Capability.SHARE_RECORDS) and self.records.size):
            return self.mission_theory
        period = self.model.steps // self.model.params.diagnosis_interval
        if self._own_theory is None or self._own_theory[0] != period:
            shares = diagnose_people(self.model.people, [(self.reach, self.records)]).shares
            self._own_theory = (period, shares)
        return self._own_theory[1]

    def renew_reach(self, who: np.ndarray) -> None:
        """The people ``who`` come into or out of its reach again, by the rule its reach was drawn with."""
        touches = [self.model.people.names.index(c) for c in self.spec.touches]
        self.reach = self.model.people.redraw_reach(self.reach, who, self.spec.reach, touches, self.spec.focus)

    def roles_in_use(self) -> frozenset:
        """The roles whose capability it can use (none of the missing role)."""
        return self._roles_in_use

    def remove(self) -> None:
        """Remove it from the model (Mesa's ``Agent.remove``): it leaves the registry and stops acting.

        Like a member that leaves, it takes back what is left of its money in the pool, and
        its records with it. Removing it again does nothing, as for Mesa's plain ``Agent``.
        """
        if self not in self.model.agents:
            return
        self.money_returned += self.model.fund.refund(self.node)
        self.sharing = False
        self.state = State.REMOVED  # as a removed leader says: not outside, nor invitable
        self.model.forget(self)
        super().remove()

    # -- the weekly decision --------------------------------------------------
    def step(self) -> None:
        """Decide this week: join, commit, pledge, share, invite (leaving is decided in perceive)."""
        if self.state == State.OUTSIDE:
            self.consider_joining_on_own()
        elif self.state == State.INVITED:
            self.consider_invitation()
        elif self.state == State.AT_TABLE:
            self.consider_commitment()
            self.invite_a_contact()
        elif self.state == State.COMMITTED:
            self.pledge()
            self.consider_sharing()
            self.invite_a_contact()

    def invitable(self) -> bool:
        """Outside, not kept away, and not declining a recent invitation."""
        if self.state != State.OUTSIDE or self.excluded:
            return False
        cooldown = self.model.params.decline_cooldown
        return self.declined_step is None or self.model.steps - self.declined_step >= cooldown

    def invite(self, perceived_distance: float, by: str = "") -> None:
        """It is invited (by ``by``), and will perceive its mission ``perceived_distance`` from the problem."""
        if self.invitable():
            self.state = State.INVITED
            self._perceived = perceived_distance
            self._invited_by = by

    def consider_joining_on_own(self) -> None:
        """Without an invitation an organization seldom comes to the table."""
        on_own = self.choices.join if self.choices.join_on_own is None else self.choices.join_on_own
        if self.excluded or on_own is False:
            return
        chance = self.model.rng.random() < self.model.params.self_join_rate * (1.0 - self.distance)
        if chance or on_own:
            self.join("came to the table on its own")

    def consider_invitation(self) -> None:
        """Accept with a chance falling with the mission distance it perceives; else decline for a while."""
        if self.choices.join is None and self.choices.join_on_own is False:
            return  # its players said only that it would not come uninvited: the invitation waits for them
        accepts = self.model.rng.random() < self.model.params.accept_rate * (1.0 - self._perceived)
        if self.choices.join is not None:
            accepts = self.choices.join
        elif self.choices.join_on_own:
            accepts = True  # it meant to come anyway
        invitation = f"the invitation from {self._invited_by}" if self._invited_by else "the invitation"
        if accepts:
            self.join(f"accepted {invitation} to the table")
        else:
            self.state = State.OUTSIDE
            self.declined_step = self.model.steps
            self.declines += 1
            self.model.log(f"{self.name} declined {invitation} to the table")

    def join(self, how: str) -> None:
        """Come to the table and meet the members already there."""
        self.state = State.AT_TABLE
        self.joined_step = self.model.steps
        self.frustration = 0.0
        self._metric_best = {}
        self.model.meet_table(self)
        self.model.log(f"{self.name} {how}")

    def invite_a_contact(self) -> None:
        """Now and then a member asks an outsider it is tied to (without the leader's translation)."""
        if self.model.rng.random() >= self.model.params.member_invite_rate:
            return
        contacts = [m for m in self.model.members_tied_to(self) if m.invitable()]
        if contacts:
            contact = contacts[int(self.model.rng.integers(len(contacts)))]
            contact.invite(contact.distance, by=self.name)

    def consider_commitment(self) -> None:
        """Commit money and effort once trust in the coalition is high enough."""
        ready = self.trust_in_coalition >= self.model.params.commit_threshold
        if self.choices.commit is not None:
            ready = self.choices.commit
        if ready:
            self.state = State.COMMITTED
            self.model.log(f"{self.name} committed to the coalition (trust {self.trust_in_coalition:.2f})")

    def pledge(self) -> None:
        """Pay this week's pledge, or break it (others see either)."""
        if not self.can(Capability.PLEDGE_MONEY) or self.budget <= 0:
            return
        amount = self.model.params.pledge_share * self.budget
        keeps = self.model.rng.random() < self.reliability
        if self.choices.keep_pledges is not None:
            keeps = self.choices.keep_pledges
        if keeps:
            self.model.fund.receive(self.node, amount)
            self.model.trust.honoured_by_all(self.node)
        else:
            self.model.trust.broken_by_all(self.node)
            self.model.log(f"{self.name} did not pay what it had promised the coalition this week", minor=True)

    def consider_sharing(self) -> None:
        """Share records once trust is high enough; withdraw them if it falls far below."""
        if not self.can(Capability.SHARE_RECORDS) or self.records.size == 0:
            return
        trust, p = self.trust_in_coalition, self.model.params
        if self.choices.share is not None and self.choices.share != self.sharing:
            self.sharing = self.choices.share
            what = "shared its records" if self.sharing else "took its records back"
            self.model.log(f"{self.name} {what} (its trust in the coalition: {trust:.2f})")
            return
        if self.choices.share is not None:
            return
        if not self.sharing and trust >= p.share_threshold:
            self.sharing = True
            self.model.log(f"{self.name} shared its records after its trust in the coalition reached {trust:.2f}")
        elif self.sharing and trust < p.share_threshold - p.withdraw_margin:
            self.sharing = False
            self.model.log(f"{self.name} took its records back (trust fell to {trust:.2f})")

    def leave(self, why: str, frustrated: bool = True) -> None:
        """Leave the table for good, taking its money and data (``frustrated``: after weeks without progress)."""
        self.money_returned += self.model.fund.refund(self.node)
        self.state = State.LEFT
        self.sharing = False
        after = f" after {self.frustration:.0f} weeks without progress it could see" if frustrated else ""
        self.model.log(f"{self.name} left the coalition: {why}{after}")
