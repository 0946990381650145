"""CoalitionModel: organizations forming a coalition around an upstream problem.

The model holds the wiring; the agents hold behaviour. One step is one week and reads
like DESIGN.md section 3 (and docs/ODD.md).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
from mesa import Model

from sim.model import reporters, setbacks
from sim.model.collector import CoalitionDataCollector
from sim.model.commitments import commitment_round
from sim.model.community import CommunityPartner
from sim.model.diagnosis import Diagnosis, changed_beyond_noise, diagnose_people, judged, no_diagnosis
from sim.model.events import EventLog, how_many, target_percent
from sim.model.interventions import CoalitionFund
from sim.model.leader import LeaderSkills, SystemLeader
from sim.model.measures import CoalitionMeasures
from sim.model.network import build_network
from sim.model.organization import Organization, State
from sim.model.params import ParameterError, docstring_args, keyword_signature, resolve
from sim.model.people import People
from sim.model.seeding import normalize_rng
from sim.model.table import CoalitionTable
from sim.scenario import Scenario, load_scenario

DEFAULT_SCENARIO = "chicago_absenteeism"


class CoalitionModel(CoalitionTable, CoalitionMeasures, Model):
    """A coalition forming around an upstream problem."""

    # the agents' classes: a subclass of the model may name subclasses of its own
    organization_class: type[Organization] = Organization
    partner_class: type[CommunityPartner] = CommunityPartner
    leader_class: type[SystemLeader] = SystemLeader

    def __init__(self, scenario_name: str | Scenario = DEFAULT_SCENARIO, *, rng=None, **params):
        if "seed" in params:  # Mesa 3's older keyword, accepted as Mesa accepts it
            rng = _seed_as_rng(params.pop("seed"), rng)
        super().__init__(rng=normalize_rng(rng))
        self.params = p = resolve(params)
        self.spec = spec = load_scenario(scenario_name)
        self.scenario_name = spec.name if isinstance(scenario_name, Scenario) else str(scenario_name)
        self.horizon = spec.steps if p.steps is None else p.steps
        self.setback_rate = spec.setbacks.rate if p.setback_rate is None else p.setback_rate
        self.system_lag = spec.interventions.system_lag if p.system_lag is None else p.system_lag
        self.system_effect = spec.interventions.system_effect if p.system_effect is None else p.system_effect
        self.target_rate = spec.population.target_rate
        self.hold_steps = spec.population.hold_steps
        self.events = EventLog()

        self.people = People(spec.population, p.n_people or spec.population.size, self.rng)
        self.people.keep_weeks = p.diagnosis_window
        self.people.prevalence_from = p.diagnosis_prevalence
        self.n_people = self.people.n
        self._build_agents_and_network()
        self.members_made = True  # from now on a new member or leader is refused (table.refuse_late)

        self.fund = CoalitionFund(self.n_nodes, self.people.k, spec.interventions)
        self.diagnosis = no_diagnosis(self.people.k)  # from pooled records
        self.belief = self.diagnosis  # what the coalition acts on
        self._announced_group = ""
        self._sources_key: tuple = ()
        self._reach_cache: tuple = ((), np.zeros(0, dtype=np.int64))
        self.coalition_trust = np.full(self.n_nodes, p.initial_trust)
        self._trust_when_last_tied = p.initial_trust
        self.remember_trust()
        self.smoothed_rate = self.people.outcome_rate
        self.first_commitment_step: int | None = None
        self.first_share_step: int | None = None
        self._below_target = 0
        self._goal_step: int | None = None
        self.start_rate = self.people.expected_rate()
        self.half_gap_step: int | None = None
        self.cause_changes = 0
        self.running = True
        # per-step collection can be switched off when only run-level results are wanted
        self.collect_steps = True
        self.datacollector = CoalitionDataCollector(
            model_reporters=reporters.MODEL_REPORTERS,
            # Mesa collects each agent type on its own: organizations, and community partners beside them
            agenttype_reporters={
                self.organization_class: reporters.ORGANIZATION_REPORTERS,
                self.partner_class: reporters.ORGANIZATION_REPORTERS,
            },
        )
        self.datacollector.collect(self)

    # -- the parameters under the names the mechanisms use ---------------------
    @property
    def leader_mode(self) -> str:
        """The ``leader`` parameter: ``"system"``, ``"point"`` or ``"none"``."""
        return self.params.leader

    @property
    def community_mode(self) -> str:
        """The ``community`` parameter: ``"partner"``, ``"consulted"`` or ``"absent"``."""
        return self.params.community

    @property
    def missing_role(self) -> str:
        """The ``missing_role`` parameter (``""``: none)."""
        return self.params.missing_role

    # -- construction ----------------------------------------------------------
    def _build_agents_and_network(self) -> None:
        spec, people, p = self.spec, self.people, self.params
        self.space, self.trust = build_network(
            spec, p.initial_trust, p.build_rate, p.loss_ratio, self.rng, self.random, p.community != "absent"
        )
        self.n_nodes = len(self.space.G)
        self.organizations = []
        for node, o in enumerate(spec.organizations):
            touches = [people.names.index(c) for c in o.touches]
            reach = people.draw_reach(o.reach, touches, o.focus)
            org = self.organization_class(self, o, node=node, reach=reach, patience=p.patience * o.patience)
            org.cell = self.space[node]
            self.organizations.append(org)
        leader_node = len(spec.organizations)
        self.leader = self.leader_class(
            self,
            node=leader_node,
            mode=p.leader,
            sector=spec.leader.sector,
            skills=LeaderSkills(p.translation, p.trust_building, p.shared_metric),
            patience=p.leader_patience,
            name=spec.leader.name,
        )
        self.leader.cell = self.space[leader_node]
        self.partners = []
        for j, c in enumerate(spec.community):
            node = leader_node + 1 + j
            reach = people.draw_reach(c.reach, [], 0.0)
            if p.community == "absent":
                continue  # an absent community plays no part (its node stays, untied)
            partner = self.partner_class(
                self, c, node=node, mode=p.community, reach=reach, patience=p.patience * c.patience
            )
            partner.cell = self.space[node]
            self.partners.append(partner)
        self.members = self.organizations + self.partners
        self._member_by_node = {m.node: m for m in self.members}

    # -- the week ----------------------------------------------------------------
    def step(self) -> None:
        """One week, in the order of DESIGN.md section 3."""
        self.people_change()  # 1. circumstances change, outcomes are drawn
        brokered = self.leader.convene()  # 2. invite, translate, shared metric
        self.members_decide(brokered)  # 3. join, commit, pledge, share, small commitments, compete
        self.coalition_acts()  # 4. pool records, diagnose, spend on interventions
        self.members_perceive()  # 5. progress, frustration, exits; setbacks
        setbacks.strike(self)
        self.check_goal()  # 6. the goal, data collection
        if self.collect_steps:
            self.datacollector.collect(self)
        if self.steps >= self.horizon:
            self.running = False

    def people_change(self) -> None:
        """Phase 1: the people's circumstances change and outcomes are drawn."""
        self.people.change()
        self.people.draw_outcomes()
        if self.params.reach_turnover > 0:  # people come into and out of contact with the organizations
            self.renew_reach()
        self.smoothed_rate += self.params.rate_smoothing * (self.people.outcome_rate - self.smoothed_rate)
        self.coalition_trust = self.trust.trust_in(self.at_table_mask(), self.params.initial_trust)

    def renew_reach(self) -> None:
        """Each person's contact with every member is drawn again with probability ``1 / reach_turnover``."""
        who = np.flatnonzero(self.rng.random(self.n_people) < 1.0 / self.params.reach_turnover)
        for member in self.members:
            member.renew_reach(who)
        self._reach_cache = (None, self._reach_cache[1])  # case work's reach is made again

    def members_decide(self, brokered: frozenset) -> None:
        """Phase 3: each member decides, in random order; small commitments; then trust settles."""
        order = self.rng.permutation(len(self.members))
        members = list(self.members)  # a member may remove itself or another (Agent.remove) mid-week
        for i in order:
            if self.is_member(members[i]):
                members[i].step()
        commitment_round(self, brokered)
        setbacks.compete_for_funding(self)
        self.trust.settle(self.at_table_mask())
        if self.first_commitment_step is None and self.coalition_size > 0:
            self.first_commitment_step = self.steps
        if self.first_share_step is None and self.sharing_count > 0:
            self.first_share_step = self.steps

    def coalition_acts(self) -> None:
        """Phase 4: pool shared records, diagnose, act on what the coalition believes."""
        sources = self.shared_sources()
        key = tuple(node for node, _, _ in sources)
        new_records = key != self._sources_key
        if new_records or self.steps % self.params.diagnosis_interval == 0:
            self._sources_key = key
            self.diagnosis = self._rediagnose(sources, new_records)
        self.belief = self.diagnosis if self.diagnosis.known else self.members_theory()
        self.fund.act(self, self.belief.shares, self.steps)

    def _rediagnose(self, sources: list, new_records: bool) -> Diagnosis:
        """The pooled diagnosis: a new estimate when records change or it moves beyond noise."""
        people = self.people
        estimate = diagnose_people(people, [(p, c) for _, p, c in sources])
        if new_records or changed_beyond_noise(estimate, self.diagnosis, self.params.belief_z):
            self.cause_changes += bool(self.diagnosis.cause) and estimate.cause != self.diagnosis.cause
            self._announce(estimate, len(sources))
            return estimate
        # the same belief, judged against the truth of this week
        held = self.diagnosis
        return judged(held.shares, held.errors, people.names, people.groups, people.true_shares(), held.recorded)

    def members_theory(self) -> Diagnosis:
        """Before any records are pooled: what committed members' own records and missions suggest.

        A member that can share records believes what its own records show; any other its
        mission's weights. The coalition's belief weighs each by the money it has given.
        """
        people, k = self.people, self.people.k
        total, weights = np.zeros(k), 0.0
        for m in (m for m in self.members if m.state == State.COMMITTED):
            weight = float(self.fund.given_by[m.node])
            if weight <= 0:
                continue
            total += weight * m.own_theory()
            weights += weight
        shares = total / total.sum() if weights > 0 and total.sum() > 0 else np.zeros(k)
        return judged(shares, np.zeros(k), people.names, people.groups, people.true_shares())

    def _announce(self, diagnosis: Diagnosis, n_sources: int) -> None:
        """Tell the narration when the believed main group of causes changes."""
        if diagnosis.group and diagnosis.group != self._announced_group:
            self._announced_group = diagnosis.group
            self.log(
                f"the coalition now believes the main cause is {self.people.group_label(diagnosis.group)}, "
                f"from the records of {n_sources} member{'s' if n_sources != 1 else ''}"
            )

    def members_perceive(self) -> None:
        """Phase 5: members and the leader perceive progress and may leave."""
        self.remember_trust()  # mean_trust once every member has left: the trust they left with
        for member in list(self.members):
            if self.is_member(member):
                member.perceive_progress()
        self.leader.perceive_progress()

    def check_goal(self) -> None:
        """Phase 6: the goal is the outcome at or under target for ``hold_steps`` weeks.

        Also notes the first week the expected rate has closed half the gap between the
        start and the target (a continuous measure of how fast the coalition works).
        """
        halfway = self.start_rate - (self.start_rate - self.target_rate) / 2
        if self.half_gap_step is None and self.people.expected_rate() <= halfway:
            self.half_gap_step = self.steps
        if self.people.outcome_rate <= self.target_rate:
            self._below_target += 1
        else:
            self._below_target = 0
        if self._goal_step is None and self._below_target >= self.hold_steps:
            self._goal_step = self.steps
            self.log(
                f"GOAL REACHED: {self.people_outcome} held at or under {target_percent(self.target_rate)} "
                f"for {how_many(self.hold_steps, self.spec.header.step_unit)}"
            )

    # -- wiring used by agents ---------------------------------------------------
    def log(self, text: str, minor: bool = False) -> None:
        """Record an event in plain words for this week."""
        self.events.add(self.steps, text, minor)

    @property
    def people_outcome(self) -> str:
        """The outcome's name, in the scenario's words."""
        return self.spec.population.outcome


def _seed_as_rng(seed, rng):
    """``seed=`` as Mesa 3.5 takes it: the same as ``rng=``, with Mesa's FutureWarning."""
    if rng is not None:
        raise ParameterError("seed: give rng or seed, not both (seed is Mesa's older name for rng)")
    warnings.warn(
        "The use of the `seed` keyword argument is deprecated, use `rng` instead.", FutureWarning, stacklevel=3
    )
    return seed


# SolaraViz and mesa.batch_run read the signature: every parameter of the table, as a keyword
CoalitionModel.__init__.__signature__ = keyword_signature(  # type: ignore[attr-defined]
    inspect.Parameter("scenario_name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=DEFAULT_SCENARIO)
)
CoalitionModel.__doc__ = f"""A coalition forming around an upstream problem (Mesa model).

    Every keyword comes from the parameter table ``sim.model.params.PARAMETERS``; a value of
    ``None`` takes the scenario's own.

    Args:
        scenario_name: a scenario in ``scenarios/`` (file stem), a path to a TOML file, or a
            :class:`sim.scenario.Scenario`.
{docstring_args()}
        rng: seed: an int, numeric string, numpy integer, SeedSequence, or None.
    """
