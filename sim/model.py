"""CoalitionModel: organizations forming a coalition around an upstream problem.

The model holds the wiring; the agents hold behaviour. One step is one week and reads
like DESIGN.md section 3 (and docs/ODD.md).
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector, Model
from mesa.discrete_space import Network

from sim import reporters, setbacks
from sim.community import CommunityPartner
from sim.diagnosis import diagnose, no_diagnosis
from sim.events import EventLog
from sim.interventions import Coalition, uptake_from
from sim.leader import SystemLeader
from sim.network import sector_layout, silo_graph
from sim.organization import AT_TABLE_STATES, Organization, State
from sim.params import PARAMETERS, ROLES, ParameterError
from sim.population import Population
from sim.scenario import load_scenario
from sim.seeding import normalize_rng
from sim.trust import TrustLedger

DIAGNOSIS_INTERVAL = 4
MEETINGS_ON_JOINING = 3
PLEDGE_SHARE = 0.25
RATE_SMOOTHING = 0.1
_D = {name: p.default for name, p in PARAMETERS.items()}


class CoalitionModel(Model):
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
        spec, rng = self.spec, self.rng
        orgs = spec.organizations
        sectors = [o.sector for o in orgs]
        n_orgs = len(orgs)
        partners = spec.community
        self.n_nodes = n_orgs + 1 + len(partners)
        graph = silo_graph(
            sectors, spec.network.within_sector, spec.network.across_sectors, seed=int(rng.integers(2**31))
        )
        graph.add_nodes_from(range(n_orgs, self.n_nodes))
        leader_node = n_orgs
        graph.add_edges_from((leader_node, i) for i, s in enumerate(sectors) if s == spec.leader.sector)
        for j in range(len(partners)):
            graph.add_edge(n_orgs + 1 + j, int(rng.integers(n_orgs)))
        names = [o.name for o in orgs] + [spec.leader.name] + [p.name for p in partners]
        for a, b in spec.network.ties:
            graph.add_edge(names.index(a), names.index(b))
        self.space = Network(graph, layout=sector_layout(sectors, 1 + len(partners)), random=self.random)
        self.trust = TrustLedger(self.n_nodes, self.build_rate, self.loss_ratio)
        for u, v in graph.edges():
            same = u < n_orgs and v < n_orgs and sectors[u] == sectors[v]
            level = min(1.0, self.initial_trust + spec.network.silo_trust) if same else self.initial_trust
            self.trust.add_tie(u, v, level, level)

        names_c = self.people.names
        self.organizations = []
        for node, o in enumerate(orgs):
            reach = self._draw_reach(o.reach, [names_c.index(c) for c in o.touches], o.focus)
            org = Organization(self, o, node, reach, patience=self.patience * o.patience)
            org.cell = self.space[node]
            self.organizations.append(org)
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
        for j, p in enumerate(partners):
            partner = CommunityPartner(self, p, n_orgs + 1 + j, self.community_mode, self._draw_reach(p.reach, [], 0.0))
            partner.cell = self.space[n_orgs + 1 + j]
            self.partners.append(partner)

    def _draw_reach(self, share: float, touches: list, focus: float) -> np.ndarray:
        """People an agent touches: ``share`` of everyone, ``focus`` of those with ``touches``."""
        p = np.full(self.people.n, share)
        if touches and focus > 0:
            p[self.people.x[:, touches].any(axis=1)] = max(share, focus)
        return np.flatnonzero(self.rng.random(self.people.n) < p)

    def mission_distance(self, mission: dict) -> float:
        """1 - cosine between a mission and the problem (its outcome and positive weights)."""
        names = self.people.names
        w = np.clip(self.people.weights, 0, None)
        problem = np.append(w / (np.linalg.norm(w) or 1.0), 1.0)
        m = np.array([mission.get(n, 0.0) for n in names] + [mission.get("outcome", 0.0)])
        norm = np.linalg.norm(m) * np.linalg.norm(problem)
        return float(1.0 - m @ problem / norm) if norm > 0 else 1.0

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
            before = self.diagnosis.cause
            self.diagnosis = diagnose(
                self.people.x,
                self.people.outcome,
                [(p, c) for _, p, c in sources],
                self.people.names,
                self.people.true_shares(),
            )
            if self.diagnosis.cause and self.diagnosis.cause != before:
                self.log(
                    f"the coalition now believes the main cause is {self.diagnosis.cause} "
                    f"(pooled records of {len(sources)} source(s))"
                )
            self._sources_key = key
        self.coalition.act(self, self.diagnosis, self.steps)

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

    # -- reporters -----------------------------------------------------------------
    @property
    def outcome_rate(self) -> float:
        """Share of people with the outcome this week."""
        return self.people.outcome_rate

    @property
    def expected_rate(self) -> float:
        """Expected outcome rate given circumstances (without this week's draw noise)."""
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
        """Organizations committed to the coalition."""
        return sum(o.state == State.COMMITTED for o in self.organizations)

    @property
    def table_size(self) -> int:
        """Organizations at the table or committed."""
        return len(self.table_members())

    @property
    def mean_trust(self) -> float:
        """Mean directed trust over ties between agents that have not left."""
        active = np.ones(self.n_nodes, dtype=bool)
        orgs = self.organizations
        active[[o.node for o in orgs]] = [o.state != State.LEFT for o in orgs]
        return self.trust.mean(active)

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
        """The group (e.g. "instability") of the believed main cause."""
        if not self.diagnosis.cause:
            return ""
        return self.people.groups[self.people.names.index(self.diagnosis.cause)]

    @property
    def pool(self) -> float:
        """Money in the coalition's pool."""
        return self.coalition.pool

    @property
    def money_spent(self) -> float:
        """Money spent on interventions so far."""
        return self.coalition.spent

    @property
    def sharing_count(self) -> int:
        """Data owners sharing their records."""
        return sum(o.sharing for o in self.organizations)

    @property
    def exits(self) -> int:
        """Organizations that left."""
        return sum(o.state == State.LEFT for o in self.organizations)

    @property
    def uptake(self) -> float:
        """Chance that a person offered case work takes it up."""
        legit = [o.legitimacy for o in self.table_members() if o.has_role("legitimacy")]
        if self.missing_role != "legitimacy":
            legit += [p.legitimacy for p in self.partners if p.lends_legitimacy]
        return uptake_from(legit)

    @property
    def reach(self) -> float:
        """Share of people that the coalition's case work can reach."""
        return self.case_reach().size / self.n_people if self.n_people else 0.0

    @property
    def shared_metric_adoption(self) -> float:
        """Share of members at the table that adopted the shared metric."""
        members = self.table_members()
        return sum(m.adopted_shared_metric for m in members) / len(members) if members else 0.0
