"""CoalitionModel: organizations forming a coalition around an upstream problem.

The model holds the wiring; the agents hold behaviour. One step is one week and reads
like DESIGN.md section 3 (and docs/ODD.md).
"""

from __future__ import annotations

import inspect

import numpy as np
from mesa import DataCollector, Model

from sim.model import reporters, setbacks
from sim.model.community import CommunityPartner
from sim.model.diagnosis import diagnose, no_diagnosis
from sim.model.events import EventLog
from sim.model.interventions import CoalitionFund
from sim.model.leader import LeaderSkills, SystemLeader
from sim.model.measures import CoalitionMeasures
from sim.model.network import build_network
from sim.model.organization import AT_TABLE_STATES, Organization, State
from sim.model.params import docstring_args, keyword_signature, resolve
from sim.model.people import People
from sim.model.seeding import normalize_rng
from sim.scenario import Scenario, load_scenario
from sim.scenario.roles import ROLES, Capability

DEFAULT_SCENARIO = "chicago_absenteeism"
DIAGNOSIS_INTERVAL = 4
# the narration reports a new main cause only when its share leads the old one's by this much
ANNOUNCE_MARGIN = 0.15
MEETINGS_ON_JOINING = 3
PLEDGE_SHARE = 0.25
RATE_SMOOTHING = 0.1


class CoalitionModel(CoalitionMeasures, Model):
    """A coalition forming around an upstream problem."""

    def __init__(self, scenario_name: str | Scenario = DEFAULT_SCENARIO, *, rng=None, **params):
        super().__init__(rng=normalize_rng(rng))
        self.params = p = resolve(params)
        self.spec = spec = load_scenario(scenario_name)
        self.scenario_name = spec.name if isinstance(scenario_name, Scenario) else str(scenario_name)
        self.horizon = spec.steps if p.steps is None else p.steps
        self.setback_rate = spec.setbacks.rate if p.setback_rate is None else p.setback_rate
        self.pledge_share = PLEDGE_SHARE
        self.target_rate = spec.population.target_rate
        self.hold_steps = spec.population.hold_steps
        self.events = EventLog()

        self.people = People(spec.population, p.n_people or spec.population.size, self.rng)
        self.n_people = self.people.n
        self._build_agents_and_network()

        self.fund = CoalitionFund(self.n_nodes, self.people.k, spec.interventions)
        self.diagnosis = no_diagnosis(self.people.k)
        self._announced_cause = ""
        self._sources_key: tuple = ()
        self._reach_cache: tuple = ((), np.zeros(0, dtype=np.int64))
        self.coalition_trust = np.full(self.n_nodes, p.initial_trust)
        self.smoothed_rate = self.people.outcome_rate
        self.first_commitment_step: int | None = None
        self._below_target = 0
        self._goal_step: int | None = None
        self.running = True
        # per-step collection can be switched off when only run-level results are wanted
        self.collect_steps = True
        self.datacollector = DataCollector(
            model_reporters=reporters.MODEL_REPORTERS,
            agenttype_reporters={Organization: reporters.ORGANIZATION_REPORTERS},
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
        self.space, self.trust = build_network(spec, p.initial_trust, p.build_rate, p.loss_ratio, self.rng, self.random)
        self.n_nodes = len(self.space.G)
        self.organizations = []
        for node, o in enumerate(spec.organizations):
            touches = [people.names.index(c) for c in o.touches]
            reach = people.draw_reach(o.reach, touches, o.focus)
            org = Organization(self, o, node=node, reach=reach, patience=p.patience * o.patience)
            org.cell = self.space[node]
            self.organizations.append(org)
        leader_node = len(spec.organizations)
        self.leader = SystemLeader(
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
            partner = CommunityPartner(self, c, node=node, mode=p.community, reach=reach)
            partner.cell = self.space[node]
            self.partners.append(partner)

    # -- the week ----------------------------------------------------------------
    def step(self) -> None:
        """One week, in the order of DESIGN.md section 3."""
        self.people_change()  # 1. circumstances change, outcomes are drawn
        self.leader.convene()  # 2. invite, translate, broker commitments, shared metric
        self.organizations_decide()  # 3. join, commit, pledge, share, compete
        self.coalition_acts()  # 4. pool data, diagnose, spend on interventions
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
        self.smoothed_rate += RATE_SMOOTHING * (self.people.outcome_rate - self.smoothed_rate)
        self.coalition_trust = self.trust.trust_in(self.at_table_mask(), self.params.initial_trust)

    def organizations_decide(self) -> None:
        """Phase 3: each organization decides, in random order; then trust settles."""
        order = self.rng.permutation(len(self.organizations))
        for i in order:
            self.organizations[i].step()
        setbacks.compete_for_funding(self)
        self.trust.settle(self.at_table_mask())
        if self.first_commitment_step is None and self.coalition_size > 0:
            self.first_commitment_step = self.steps

    def coalition_acts(self) -> None:
        """Phase 4: pool shared data, diagnose, spend."""
        sources = self.shared_sources()
        key = tuple(node for node, _, _ in sources)
        if key != self._sources_key or self.steps % DIAGNOSIS_INTERVAL == 0:
            self.diagnosis = diagnose(
                self.people.x,
                self.people.outcome,
                [(p, c) for _, p, c in sources],
                self.people.names,
                self.people.true_shares(),
                code=self.people.code,
            )
            self._announce_cause(len(sources))
            self._sources_key = key
        self.fund.act(self, self.diagnosis, self.steps)

    def _announce_cause(self, n_sources: int) -> None:
        """Tell the narration when the believed main cause changes clearly (not on every wobble)."""
        cause, shares, names = self.diagnosis.cause, self.diagnosis.shares, self.people.names
        said = self._announced_cause
        if not cause or cause == said:
            return
        if said and shares[names.index(cause)] - shares[names.index(said)] < ANNOUNCE_MARGIN:
            return
        self._announced_cause = cause
        self.log(f"the coalition now believes the main cause is {cause} (pooled records of {n_sources} source(s))")

    def members_perceive(self) -> None:
        """Phase 5: members and the leader perceive progress and may leave."""
        for org in self.organizations:
            org.perceive_progress()
        self.leader.perceive_progress()

    def check_goal(self) -> None:
        """Phase 6: the goal is the outcome at or under target for ``hold_steps`` weeks."""
        if self.people.outcome_rate <= self.target_rate:
            self._below_target += 1
        else:
            self._below_target = 0
        if self._goal_step is None and self._below_target >= self.hold_steps:
            self._goal_step = self.steps
            self.log(
                f"GOAL REACHED: {self.people_outcome} held at or under {self.target_rate:.1%} "
                f"for {self.hold_steps} weeks"
            )

    # -- wiring used by agents ---------------------------------------------------
    def log(self, text: str, minor: bool = False) -> None:
        """Record an event in plain words for this week."""
        self.events.add(self.steps, text, minor)

    @property
    def people_outcome(self) -> str:
        """The outcome's name, in the scenario's words."""
        return self.spec.population.outcome

    def table_members(self) -> list:
        """Organizations at the table or committed."""
        return [o for o in self.organizations if o.state in AT_TABLE_STATES]

    def committed_able_to(self, capability: Capability) -> list:
        """Committed organizations that can use ``capability``."""
        return [o for o in self.organizations if o.state == State.COMMITTED and o.can(capability)]

    def at_table_mask(self) -> np.ndarray:
        """Bool per node: at the table (organizations, an active leader, partners)."""
        mask = np.zeros(self.n_nodes, dtype=bool)
        orgs = self.organizations
        mask[[o.node for o in orgs]] = [o.state in AT_TABLE_STATES for o in orgs]
        mask[self.leader.node] = self.leader.active
        for p in self.partners:
            mask[p.node] = p.at_table
        return mask

    def meet_table(self, newcomer) -> None:
        """A newcomer meets a few members already at the table: new ties, starting trust."""
        others = [
            n
            for n in np.flatnonzero(self.at_table_mask())
            if n != newcomer.node and not self.trust.has(newcomer.node, n)
        ]
        if not others:
            return
        chosen = self.rng.choice(others, min(MEETINGS_ON_JOINING, len(others)), replace=False)
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
        out = [(o.node, o.reach, o.records) for o in self.organizations if o.sharing and o.at_table]
        out += [(p.node, p.reach, p.knows) for p in self.partners if p.shares_knowledge]
        return out

    def case_reach(self) -> np.ndarray:
        """People reached by committed members and community partners that do case work (cached)."""
        workers = self.committed_able_to(Capability.CASE_WORK)
        workers += [p for p in self.partners if p.at_table and p.can(Capability.CASE_WORK)]
        key = tuple(w.node for w in workers)
        if key != self._reach_cache[0]:
            # the union as a mask: O(N + reach), sorted like np.unique, without a sort
            union = np.zeros(self.n_people, dtype=bool)
            for w in workers:
                union[w.reach] = True
            self._reach_cache = (key, np.flatnonzero(union))
        return self._reach_cache[1]

    def roles_at_table(self) -> list:
        """Roles brought by organizations at the table and by community partners, in ROLES order."""
        roles: set = set()
        for o in self.table_members():
            roles |= o.roles
        for p in self.partners:
            roles |= p.roles_at_table()
        return [r for r in ROLES if r in roles]


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
