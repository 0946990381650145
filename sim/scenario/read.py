"""Checking a parsed scenario document and turning it into :mod:`sim.scenario_spec` data.

Every key is checked: an unknown key (with a 'did you mean'), a wrong type, a value out
of range, NaN or infinity, a missing required field, a reference to a circumstance,
sector or organization that does not exist, a role without what it needs. Each mistake
raises :class:`sim.schema.ScenarioError` with one line naming the file, line and field.
"""

from __future__ import annotations

from sim.scenario.roles import ROLE_TABLE, ROLES
from sim.scenario.schema import Locator, Table, suggest
from sim.scenario.spec import (
    Circumstance,
    CommunitySpec,
    Interventions,
    LeaderSpec,
    NetworkSpec,
    OrganizationSpec,
    PopulationSpec,
    Scenario,
    Setbacks,
)

MAX_CIRCUMSTANCES = 12
MAX_ORGANIZATIONS = 10_000
SECTIONS = (
    "scenario",
    "population",
    "organizations",
    "leader",
    "community",
    "network",
    "interventions",
    "setbacks",
    "generator",
)
GENERATED = ("population", "organizations", "leader", "community")


def scenario_from_dict(
    data, *, label: str = "<scenario>", default_name: str = "scenario", locator: Locator | None = None
) -> Scenario:
    """Build a checked :class:`Scenario` from a parsed TOML document.

    Args:
        data: the document, as ``tomllib`` returns it.
        label: the file name used in error messages.
        default_name: the scenario's name when ``[scenario] name`` is absent.
        locator: finds line numbers for error messages.

    Raises:
        ScenarioError: one line, ``<file>[:<line>]: <field path>: <what is wrong>``.
    """
    root = Table(data, label, "", locator)
    root.allow(*SECTIONS)
    head = root.table("scenario")
    head.allow("name", "title", "description", "steps", "notice", "sources", "how_it_works", "things_to_try")
    steps = head.integer("steps", 156, 1, 10_000)
    name, title = head.str("name", default_name), head.str("title", default_name)
    description, notice = head.str("description", ""), head.str("notice", "")
    how_it_works, things_to_try = head.str("how_it_works", ""), head.str("things_to_try", "")
    sources = head.strings("sources", what="a string naming a source")
    if "generator" in root.data:
        from sim.scenario.generator import expand

        for key in GENERATED:
            if key in root.data:
                root.fail(key, "cannot be given together with [generator], which writes it")
        generated = expand(root.table("generator"), steps)
        for key, value in data.items():
            given = isinstance(value, dict) and isinstance(generated.get(key), dict)
            generated[key] = {**generated[key], **value} if given else value
        root = root.sub(generated, "")
    pop = _population(root.table("population"), steps)
    names = tuple(c.name for c in pop.circumstances)
    orgs = tuple(_organization(t, names) for t in root.array_of_tables("organizations", 1, MAX_ORGANIZATIONS))
    _unique(root, "organizations", [o.name for o in orgs])
    leader = _leader(root.table("leader", required=False), orgs)
    if leader.name in [o.name for o in orgs]:
        root.table("leader", required=False).fail("name", f"{leader.name!r} is already the name of an organization")
    community = tuple(_community(t, names) for t in root.array_of_tables("community", 0, 100))
    _unique(
        root,
        "community",
        [o.name for o in orgs] + [leader.name] + [c.name for c in community],
        first=len(orgs) + 1,
        what="an organization, the leader or another community partner",
    )
    everyone = [o.name for o in orgs] + [leader.name] + [c.name for c in community]
    return Scenario(
        name=name,
        title=title,
        description=description,
        steps=steps,
        notice=notice,
        how_it_works=how_it_works,
        things_to_try=things_to_try,
        population=pop,
        organizations=orgs,
        leader=leader,
        community=community,
        network=_network(root.table("network", required=False), everyone),
        interventions=_interventions(root.table("interventions", required=False)),
        setbacks=_setbacks(root.table("setbacks", required=False)),
        sources=sources,
        path=label,
    )


def _unique(t: Table, key: str, names: list, first: int = 0, what: str = "another one") -> None:
    seen = set(names[:first])
    for i in range(first, len(names)):
        if names[i] in seen:
            problem = f"{names[i]!r} is already the name of {what}; names must be unique"
            t.sub({}, f"{key}[{i - first}]").fail("name", problem)
        seen.add(names[i])


def _population(t: Table, steps: int) -> PopulationSpec:
    t.allow("size", "outcome", "baseline", "circumstances", "target_rate", "hold_steps")
    raw = t.array_of_tables("circumstances", 1, MAX_CIRCUMSTANCES)
    names = []
    for c in raw:
        name = c.str("name")
        if name == "outcome":
            c.fail("name", '"outcome" is reserved for the outcome itself; choose another name')
        if name in names:
            c.fail("name", f"{name!r} appears twice; circumstance names must be unique")
        names.append(name)
    circs = tuple(_circumstance(c, names) for c in raw)
    hold = t.integer("hold_steps", 8, 1, 10_000)
    if hold > steps:
        t.fail(
            "hold_steps",
            f"{hold} weeks is longer than the horizon scenario.steps = {steps}; the goal could never be reached",
        )
    return PopulationSpec(
        size=t.integer("size", None, 1, 10_000_000),
        outcome=t.str("outcome", "the outcome"),
        baseline=t.number("baseline", None, -50, 50),
        circumstances=circs,
        target_rate=t.number("target_rate", None, 0, 1),
        hold_steps=hold,
    )


def _circumstance(c: Table, names: list) -> Circumstance:
    c.allow("name", "label", "prevalence", "duration", "weight", "group", "raises")
    name = c.str("name")
    raises = c.table("raises", required=False)
    for k in raises.keys():
        if k not in names:
            raises.fail(k, f"unknown circumstance; {suggest(k, names)}")
        if k == name:
            raises.fail(k, "a circumstance cannot raise itself")
    return Circumstance(
        name=name,
        prevalence=c.number("prevalence", None, 1e-6, 0.999),
        duration=c.number("duration", None, 1, 10_000),
        weight=c.number("weight", None, -20, 20),
        group=c.str("group", ""),
        label=c.str("label", ""),
        raises={k: raises.number(k, None, 0, 100) for k in raises.keys()},
    )


ORGANIZATION_KEYS = (
    "name",
    "short_name",
    "sector",
    "mission",
    "budget",
    "metric",
    "roles",
    "reach",
    "touches",
    "focus",
    "records",
    "authority",
    "legitimacy",
    "reliability",
    "patience",
    "funding_pool",
)


def _organization(t: Table, names: tuple) -> OrganizationSpec:
    t.allow(*ORGANIZATION_KEYS)
    mission = t.table("mission")
    for k in mission.keys():
        if k not in names and k != "outcome":
            mission.fail(k, f"unknown circumstance; {suggest(k, ('outcome',) + names)}")
    weights = {k: mission.number(k, None, 0, 100) for k in mission.keys()}
    if not any(w > 0 for w in weights.values()):
        t.fail("mission", "give at least one positive weight, e.g. mission = { outcome = 1.0 }")
    metric = t.str("metric", "outcome")
    if metric != "outcome" and metric not in names:
        hint = suggest(metric, ("outcome",) + names)
        t.fail("metric", f'{metric!r} is neither "outcome" nor a circumstance; {hint}')
    circ = "a circumstance"
    t.list("roles")
    spec = OrganizationSpec(
        name=t.str("name"),
        short_name=t.str("short_name", ""),
        sector=t.str("sector"),
        mission=weights,
        budget=t.number("budget", None, 0, 1e12),
        metric=metric,
        roles=t.strings("roles", ROLES, "a role"),
        reach=t.number("reach", 0.05, 0, 1),
        touches=t.strings("touches", names, circ),
        focus=t.number("focus", 0.0, 0, 1),
        records=t.strings("records", names, circ),
        authority=t.strings("authority", names, circ),
        legitimacy=t.number("legitimacy", 0.0, 0, 1),
        reliability=t.number("reliability", 0.85, 0, 1),
        patience=t.number("patience", 1.0, 0.01, 100),
        funding_pool=t.str("funding_pool", ""),
    )
    for role in ROLE_TABLE:
        if role.name in spec.roles and not role.needs(spec):
            t.fail(role.field, f"an organization with the {role.name} role {role.requirement}")
    return spec


def _leader(t: Table, orgs: tuple) -> LeaderSpec:
    t.allow("name", "short_name", "sector")
    sectors = sorted({o.sector for o in orgs})
    leader = LeaderSpec(
        name=t.str("name", "System leader"), short_name=t.str("short_name", ""), sector=t.str("sector", orgs[0].sector)
    )
    if leader.sector not in sectors:
        t.fail("sector", f"{leader.sector!r} is not the sector of any organization; {suggest(leader.sector, sectors)}")
    return leader


def _community(t: Table, names: tuple) -> CommunitySpec:
    t.allow("name", "short_name", "reach", "knows", "legitimacy")
    return CommunitySpec(
        name=t.str("name"),
        short_name=t.str("short_name", ""),
        reach=t.number("reach", 0.1, 0, 1),
        knows=t.strings("knows", names, "a circumstance"),
        legitimacy=t.number("legitimacy", 0.5, 0, 1),
    )


def _network(t: Table, everyone: list) -> NetworkSpec:
    t.allow("within_sector", "across_sectors", "silo_trust", "ties")
    ties = t.list("ties", default=[])
    known = set(everyone)
    for i, tie in enumerate(ties):
        where = ("ties", i)
        if not (isinstance(tie, list) and len(tie) == 2 and all(isinstance(x, str) for x in tie)):
            t.fail(where, 'expected a pair of names, e.g. ["Schools", "Housing Authority"]')
        for end in tie:
            if end not in known:
                hint = suggest(end, everyone)
                t.fail(where, f"{end!r} is not an organization, community partner or the leader; {hint}")
        if tie[0] == tie[1]:
            t.fail(where, f"a tie joins two different names, not {tie[0]!r} with itself")
    return NetworkSpec(
        within_sector=t.number("within_sector", 0.8, 0, 1),
        across_sectors=t.number("across_sectors", 0.05, 0, 1),
        silo_trust=t.number("silo_trust", 0.2, 0, 1),
        ties=tuple(tuple(tie) for tie in ties),
    )


def _interventions(t: Table) -> Interventions:
    t.allow("case_cost", "spend_share", "system_cost", "system_lag", "system_effect")
    return Interventions(
        case_cost=t.number("case_cost", 1.0, 1e-6, 1e9),
        spend_share=t.number("spend_share", 0.5, 0, 1),
        system_cost=t.number("system_cost", 120.0, 0, 1e12),
        system_lag=t.integer("system_lag", 26, 0, 10_000),
        system_effect=t.number("system_effect", 0.4, 0, 1),
    )


def _setbacks(t: Table) -> Setbacks:
    t.allow("rate", "budget_cut", "turnover", "misuse")
    return Setbacks(
        rate=t.number("rate", 0.03, 0, 1),
        budget_cut=t.number("budget_cut", 1.0, 0, 1e6),
        turnover=t.number("turnover", 1.0, 0, 1e6),
        misuse=t.number("misuse", 1.0, 0, 1e6),
    )
