"""CoalitionModel: organizations forming a coalition around an upstream problem.

The model holds the wiring; the agents hold behaviour. One step is one week and reads
like DESIGN.md section 3 (and docs/ODD.md).
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector, Model

from sim.model import reporters, setbacks
from sim.model.community import CommunityPartner
from sim.model.diagnosis import diagnose, no_diagnosis
from sim.model.events import EventLog
from sim.model.interventions import Coalition
from sim.model.leader import SystemLeader
from sim.model.measures import CoalitionMeasures
from sim.model.network import build_network
from sim.model.organization import AT_TABLE_STATES, Organization, State
from sim.model.params import PARAMETERS, ROLES, ParameterError
from sim.model.people import Population
from sim.model.seeding import normalize_rng
from sim.scenario.load import load_scenario

DIAGNOSIS_INTERVAL = 4
# the narration reports a new main cause only when its share leads the old one's by this much
ANNOUNCE_MARGIN = 0.15
MEETINGS_ON_JOINING = 3
PLEDGE_SHARE = 0.25
RATE_SMOOTHING = 0.1
_D = {name: p.default for name, p in PARAMETERS.items()}


class CoalitionModel(CoalitionMeasures, Model):
    """A coalition forming around an upstream problem.

    Args:
        scenario_name: a scenario in ``scenarios/`` (file stem) or a path to a TOML file.
        patience: weeks a member tolerates without visible progress (times its own factor).
        initial_trust: trust across sectors at the start, in [0, 1].
        leader: ``"system"``, ``"point"`` or ``"none"``.
        community: ``"partner"``, ``"consulted"`` or ``"absent"``.
        missing_role: ``""`` or a role whose holders all stay away from the table.
        translation: leader skill in [0, 1].
        trust_building: leader skill in [0, 1].
        shared_metric: leader skill in [0, 1].
        leader_patience: weeks the leader convenes without progress.
        commit_threshold: trust needed to commit money.
        share_threshold: trust needed to share data.
        build_rate: trust gained per honoured commitment (times 1 - trust).
        loss_ratio: trust lost per betrayal, as a multiple of build_rate (times trust).
        setback_rate: setbacks per week (None: the scenario's).
        n_people: people affected (None: the scenario's).
        steps: horizon in weeks (None: the scenario's).
        rng: seed: an int, numeric string, numpy integer, SeedSequence, or None.

    """

    def __init__(
        self,
        scenario_name: str = "chicago_absenteeism",
        *,
        patience: float = _D["patience"],
        initial_trust: float = _D["initial_trust"],
        leader: str = _D["leader"],
        community: str = _D["community"],
        missing_role: str = _D["missing_role"],
        translation: float = _D["translation"],
        trust_building: float = _D["trust_building"],
        shared_metric: float = _D["shared_metric"],
        leader_patience: float = _D["leader_patience"],
        commit_threshold: float = _D["commit_threshold"],
        share_threshold: float = _D["share_threshold"],
        build_rate: float = _D["build_rate"],
        loss_ratio: float = _D["loss_ratio"],
        setback_rate: float | None = None,
        n_people: int | None = None,
        steps: int | None = None,
        rng=None,
    ):
        super().__init__(rng=normalize_rng(rng))
        values = dict(
            patience=patience,
            initial_trust=initial_trust,
            leader=leader,
            community=community,
            missing_role=missing_role or "",
            translation=translation,
            trust_building=trust_building,
            shared_metric=shared_metric,
            leader_patience=leader_patience,
            commit_threshold=commit_threshold,
            share_threshold=share_threshold,
            build_rate=build_rate,
            loss_ratio=loss_ratio,
            setback_rate=setback_rate,
            n_people=n_people,
            steps=steps,
        )
        rename = {"leader": "leader_mode", "community": "community_mode", "steps": "horizon"}
        for name, value in values.items():
            try:
                setattr(self, rename.get(name, name), PARAMETERS[name].convert(value))
            except ParameterError as err:
                raise ParameterError(f"{name}: {err}") from None
        self.scenario_name = str(scenario_name)
        self.spec = spec = load_scenario(scenario_name)
        if self.horizon is None:
            self.horizon = spec.steps
        self.setbacks = spec.setbacks
        if self.setback_rate is None:
            self.setback_rate = spec.setbacks.rate
        self.pledge_share = PLEDGE_SHARE
        self.target_rate = spec.population.target_rate
        self.hold_steps = spec.population.hold_steps
        self.events = EventLog()

        self.people = Population(spec.population, self.n_people or spec.population.size, self.rng)
        self.n_people = self.people.n
        self._build_agents_and_network()

        self.coalition = Coalition(self.n_nodes, self.people.k, spec.interventions)
        self.diagnosis = no_diagnosis(self.people.k)
        self._announced_cause = ""
        self._sources_key = ()
        self._reach_cache = ((), np.zeros(0, dtype=np.int64))
        self.coalition_trust = np.full(self.n_nodes, self.initial_trust)
        self.smoothed_rate = self.people.outcome_rate
        self.first_commitment_step = None
        self._below_target = 0
        self._goal_step = None
        self.running = True
        # per-step collection can be switched off when only run-level results are wanted
        self.collect_steps = True
        self.datacollector = DataCollector(
            model_reporters=reporters.MODEL_REPORTERS,
            agenttype_reporters={Organization: reporters.ORGANIZATION_REPORTERS},
        )
        self.datacollector.collect(self)

    # -- construction ----------------------------------------------------------
    def _build_agents_and_network(self) -> None:
        spec, people = self.spec, self.people
        self.space, self.trust = build_network(
            spec, self.initial_trust, self.build_rate, self.loss_ratio, self.rng, self.random
        )
        self.n_nodes = len(self.space.G)
        self.organizations = []
        for node, o in enumerate(spec.organizations):
            touches = [people.names.index(c) for c in o.touches]
            reach = people.draw_reach(o.reach, touches, o.focus)
            org = Organization(self, o, node, reach, patience=self.patience * o.patience)
            org.cell = self.space[node]
            self.organizations.append(org)
        leader_node = len(spec.organizations)
        self.leader = SystemLeader(
            self,
            leader_node,
            self.leader_mode,
            spec.leader.sector,
            self.translation,
            self.trust_building,
            self.shared_metric,
            self.leader_patience,
            spec.leader.name,
        )
        self.leader.cell = self.space[leader_node]
        self.partners = []
        for j, p in enumerate(spec.community):
            node = leader_node + 1 + j
            partner = CommunityPartner(self, p, node, self.community_mode, people.draw_reach(p.reach, [], 0.0))
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
        self.coalition_trust = self.trust.trust_in(self.at_table_mask(), self.initial_trust)

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
        self.coalition.act(self, self.diagnosis, self.steps)

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

    def committed_with_role(self, role: str) -> list:
        """Committed organizations that bring ``role``."""
        return [o for o in self.organizations if o.state == State.COMMITTED and o.has_role(role)]

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
        self.trust.add_tie(i, j, self.initial_trust, self.initial_trust)
        self.space.add_connection(self.space[i], self.space[j])

    def shared_sources(self) -> list:
        """(node, people, circumstances) for every record pooled this week."""
        out = [(o.node, o.reach, o.records) for o in self.organizations if o.sharing and o.at_table]
        if self.missing_role != "data":
            out += [(p.node, p.reach, p.knows) for p in self.partners if p.shares_knowledge]
        return out

    def case_reach(self) -> np.ndarray:
        """People reached by committed touch-role members and by community partners (cached)."""
        workers = self.committed_with_role("touch")
        if self.missing_role != "touch":
            workers += [p for p in self.partners if p.at_table]
        key = tuple(w.node for w in workers)
        if key != self._reach_cache[0]:
            parts = [w.reach for w in workers]
            # the union as a mask: O(N + reach), sorted like np.unique, without a sort
            union = np.zeros(self.n_people, dtype=bool)
            for part in parts:
                union[part] = True
            self._reach_cache = (key, np.flatnonzero(union))
        return self._reach_cache[1]

    def roles_at_table(self) -> list:
        """Roles brought by organizations at the table (and partners, for legitimacy and data)."""
        roles = set()
        for o in self.table_members():
            roles |= o.roles
        for p in self.partners:
            if p.lends_legitimacy and self.missing_role != "legitimacy":
                roles.add("legitimacy")
            if p.shares_knowledge and p.at_table and self.missing_role != "data":
                roles.add("data")
        return [r for r in ROLES if r in roles]
