"""Scenarios: TOML files describing the people affected, the organizations and the network.

A scenario is read into plain frozen dataclasses. Every field is checked: an unknown
key, a wrong type, a value out of range, NaN, or a reference to something that does not
exist raises :class:`ScenarioError` with one line ``<file>: <field path>: <problem>``.
The format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim.params import ROLES
from sim.schema import ScenarioError, Table

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Circumstance:
    """One circumstance of the people affected (a housing move, a health problem...)."""

    name: str
    prevalence: float
    duration: float
    weight: float
    group: str = ""
    raises: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Population:
    """The people affected and the goal set for them."""

    size: int
    outcome: str
    baseline: float
    circumstances: tuple
    target_rate: float
    hold_steps: int


@dataclass(frozen=True)
class OrganizationSpec:
    """An organization as the scenario describes it."""

    name: str
    sector: str
    mission: dict
    budget: float
    metric: str
    roles: tuple
    reach: float = 0.05
    touches: tuple = ()
    focus: float = 0.0
    records: tuple = ()
    authority: tuple = ()
    legitimacy: float = 0.0
    reliability: float = 0.85
    patience: float = 1.0
    funding_pool: str = ""


@dataclass(frozen=True)
class LeaderSpec:
    """The convener: its name and home sector (where a point leader acts)."""

    name: str = "System leader"
    sector: str = ""


@dataclass(frozen=True)
class CommunitySpec:
    """A community partner speaking for the people affected."""

    name: str
    reach: float
    knows: tuple
    legitimacy: float


@dataclass(frozen=True)
class NetworkSpec:
    """How the starting network is drawn: silos by sector plus explicit ties."""

    within_sector: float = 0.8
    across_sectors: float = 0.05
    silo_trust: float = 0.2
    ties: tuple = ()


@dataclass(frozen=True)
class Interventions:
    """Prices and effects of what the coalition can buy."""

    case_cost: float = 1.0
    spend_share: float = 0.5
    system_cost: float = 120.0
    system_lag: int = 26
    system_effect: float = 0.4


@dataclass(frozen=True)
class Setbacks:
    """Setbacks strike at ``rate`` per week; ``kinds`` weighs which one."""

    rate: float = 0.03
    budget_cut: float = 1.0
    turnover: float = 1.0
    misuse: float = 1.0


@dataclass(frozen=True)
class Scenario:
    """A whole scenario, as loaded from TOML."""

    name: str
    title: str
    description: str
    steps: int
    population: Population
    organizations: tuple
    leader: LeaderSpec
    community: tuple
    network: NetworkSpec
    interventions: Interventions
    setbacks: Setbacks
    notice: str = ""
    sources: tuple = ()
    path: str = ""

    @property
    def circumstance_names(self) -> tuple:
        """Names of the circumstances, in order."""
        return tuple(c.name for c in self.population.circumstances)


def scenario_path(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (a file stem in ``scenarios/``) or a path to a file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name_or_path}.toml"


def available_scenarios() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


_CACHE: dict = {}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and check a scenario by name or path.

    Raises:
        ScenarioError: the file is missing, not TOML, or a field is wrong.
    """
    path = scenario_path(name_or_path)
    label = str(name_or_path) if path.parent == SCENARIO_DIR else str(path)
    try:
        stat = path.stat()
    except OSError:
        known = ", ".join(available_scenarios())
        raise ScenarioError(f"{label}: no such scenario file; shipped scenarios: {known}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ScenarioError(f"{label}: cannot read the file: {err}") from None
        _CACHE[key] = parse_scenario(text, label=label, default_name=path.stem)
    return _CACHE[key]


def parse_scenario(text: str, *, label: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Parse and check a scenario from TOML text."""
    if not text.strip():
        raise ScenarioError(f"{label}: (file): the file is empty; expected a TOML scenario")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{label}: (file): not valid TOML: {err}") from None
    return scenario_from_dict(data, label=label, default_name=default_name)


def scenario_from_dict(data: dict, *, label: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Build a checked :class:`Scenario` from a parsed TOML document."""
    root = Table(data, label, "")
    root.allow("scenario", "population", "organizations", "leader", "community", "network", "interventions", "setbacks")
    head = root.table("scenario")
    head.allow("name", "title", "description", "steps", "notice", "sources")
    pop = _population(root.table("population"))
    names = tuple(c.name for c in pop.circumstances)
    orgs = tuple(_organization(t, names) for t in root.array_of_tables("organizations", min_items=1))
    org_names = [o.name for o in orgs]
    if len(set(org_names)) != len(org_names):
        dup = next(n for n in org_names if org_names.count(n) > 1)
        raise ScenarioError(f"{label}: organizations: the name {dup!r} appears twice; names must be unique")
    lead = root.table("leader", required=False)
    lead.allow("name", "sector")
    sectors = {o.sector for o in orgs}
    leader = LeaderSpec(name=lead.str("name", "System leader"), sector=lead.str("sector", orgs[0].sector))
    if leader.sector not in sectors:
        lead.fail("sector", f"{leader.sector!r} is not the sector of any organization ({', '.join(sorted(sectors))})")
    community = tuple(_community(t, names) for t in root.array_of_tables("community", min_items=0))
    net = root.table("network", required=False)
    net.allow("within_sector", "across_sectors", "silo_trust", "ties")
    ties = net.list("ties", default=[])
    everyone = set(org_names) | {c.name for c in community} | {leader.name}
    for i, tie in enumerate(ties):
        where = f"ties[{i}]"
        if not (isinstance(tie, list) and len(tie) == 2 and all(isinstance(x, str) for x in tie)):
            net.fail(where, "expected a pair of names, e.g. [\"Schools\", \"Housing Authority\"]")
        for end in tie:
            if end not in everyone:
                net.fail(where, f"{end!r} is not an organization, community partner or the leader")
    network = NetworkSpec(
        within_sector=net.number("within_sector", 0.8, 0, 1),
        across_sectors=net.number("across_sectors", 0.05, 0, 1),
        silo_trust=net.number("silo_trust", 0.2, 0, 1),
        ties=tuple(tuple(t) for t in ties),
    )
    iv = root.table("interventions", required=False)
    iv.allow("case_cost", "spend_share", "system_cost", "system_lag", "system_effect")
    interventions = Interventions(
        case_cost=iv.number("case_cost", 1.0, 1e-6, 1e9),
        spend_share=iv.number("spend_share", 0.5, 0, 1),
        system_cost=iv.number("system_cost", 120.0, 0, 1e12),
        system_lag=iv.integer("system_lag", 26, 0, 10_000),
        system_effect=iv.number("system_effect", 0.4, 0, 1),
    )
    sb = root.table("setbacks", required=False)
    sb.allow("rate", "budget_cut", "turnover", "misuse")
    setbacks = Setbacks(
        rate=sb.number("rate", 0.03, 0, 1),
        budget_cut=sb.number("budget_cut", 1.0, 0, 1e6),
        turnover=sb.number("turnover", 1.0, 0, 1e6),
        misuse=sb.number("misuse", 1.0, 0, 1e6),
    )
    sources = head.list("sources", default=[])
    for i, s in enumerate(sources):
        if not isinstance(s, str):
            head.fail(f"sources[{i}]", "expected a string naming a source")
    return Scenario(
        name=head.str("name", default_name),
        title=head.str("title", default_name),
        description=head.str("description", ""),
        steps=head.integer("steps", 156, 1, 10_000),
        notice=head.str("notice", ""),
        population=pop,
        organizations=orgs,
        leader=leader,
        community=community,
        network=network,
        interventions=interventions,
        setbacks=setbacks,
        sources=tuple(sources),
        path=label,
    )


def _population(t: Table) -> Population:
    t.allow("size", "outcome", "baseline", "circumstances", "target_rate", "hold_steps")
    raw = t.array_of_tables("circumstances", min_items=1)
    if len(raw) > 12:
        t.fail("circumstances", f"{len(raw)} circumstances; at most 12 are supported")
    names = []
    for c in raw:
        n = c.str("name")
        if n in names:
            c.fail("name", f"{n!r} appears twice; circumstance names must be unique")
        names.append(n)
    circs = []
    for c in raw:
        c.allow("name", "prevalence", "duration", "weight", "group", "raises")
        raises = c.table("raises", required=False)
        for k in raises.keys():
            if k not in names:
                raises.fail(k, f"unknown circumstance; expected one of {', '.join(names)}")
        circs.append(
            Circumstance(
                name=c.str("name"),
                prevalence=c.number("prevalence", None, 1e-6, 0.999),
                duration=c.number("duration", None, 1, 10_000),
                weight=c.number("weight", None, -20, 20),
                group=c.str("group", ""),
                raises={k: raises.number(k, None, 0, 100) for k in raises.keys()},
            )
        )
    return Population(
        size=t.integer("size", None, 1, 10_000_000),
        outcome=t.str("outcome", "the outcome"),
        baseline=t.number("baseline", None, -50, 50),
        circumstances=tuple(circs),
        target_rate=t.number("target_rate", None, 0, 1),
        hold_steps=t.integer("hold_steps", 8, 1, 10_000),
    )


def _names(t: Table, key: str, names: tuple) -> tuple:
    values = t.list(key, default=[])
    for i, v in enumerate(values):
        if v not in names:
            t.fail(f"{key}[{i}]", f"{v!r} is not a circumstance; expected one of {', '.join(names)}")
    return tuple(values)


def _organization(t: Table, names: tuple) -> OrganizationSpec:
    t.allow(
        "name", "sector", "mission", "budget", "metric", "roles", "reach", "touches", "focus",
        "records", "authority", "legitimacy", "reliability", "patience", "funding_pool",
    )
    mission = t.table("mission")
    for k in mission.keys():
        if k not in names and k != "outcome":
            mission.fail(k, f"unknown circumstance; expected \"outcome\" or one of {', '.join(names)}")
    roles = t.list("roles")
    for i, r in enumerate(roles):
        if r not in ROLES:
            t.fail(f"roles[{i}]", f"{r!r} is not a role; expected one of {', '.join(ROLES)}")
    metric = t.str("metric", "outcome")
    if metric != "outcome" and metric not in names:
        t.fail("metric", f"{metric!r} is neither \"outcome\" nor a circumstance ({', '.join(names)})")
    spec = OrganizationSpec(
        name=t.str("name"),
        sector=t.str("sector"),
        mission={k: mission.number(k, None, 0, 100) for k in mission.keys()},
        budget=t.number("budget", None, 0, 1e12),
        metric=metric,
        roles=tuple(roles),
        reach=t.number("reach", 0.05, 0, 1),
        touches=_names(t, "touches", names),
        focus=t.number("focus", 0.0, 0, 1),
        records=_names(t, "records", names),
        authority=_names(t, "authority", names),
        legitimacy=t.number("legitimacy", 0.0, 0, 1),
        reliability=t.number("reliability", 0.85, 0, 1),
        patience=t.number("patience", 1.0, 0.01, 100),
        funding_pool=t.str("funding_pool", ""),
    )
    if "data" in spec.roles and not spec.records:
        t.fail("records", "an organization with the data role must record at least one circumstance")
    if "authority" in spec.roles and not spec.authority:
        t.fail("authority", "an organization with the authority role must name the circumstances it can change")
    if not spec.mission:
        t.fail("mission", "give at least one circumstance weight")
    return spec


def _community(t: Table, names: tuple) -> CommunitySpec:
    t.allow("name", "reach", "knows", "legitimacy")
    return CommunitySpec(
        name=t.str("name"),
        reach=t.number("reach", 0.1, 0, 1),
        knows=_names(t, "knows", names),
        legitimacy=t.number("legitimacy", 0.5, 0, 1),
    )
