"""From a parsed TOML document to a checked :class:`Scenario`.

Pydantic checks every field against its declaration (:mod:`sim.scenario.spec`); the code
here checks what fields say about each other: names that must refer to a circumstance,
sector or organization, unique names, a role and what it needs, a goal the horizon can
hold, rates a week can have. Every mistake is one line naming the file, line and field.
"""

from __future__ import annotations

import unicodedata

from pydantic import ValidationError

from sim.scenario.locator import Locator
from sim.scenario.messages import Where, suggest, type_name
from sim.scenario.roles import ROLE_TABLE
from sim.scenario.spec import FORMAT, Scenario

GENERATED = ("population", "organizations", "leader", "community")
SECTIONS = tuple(f.alias or n for n, f in Scenario.model_fields.items()) + ("generator",)


def scenario_from_dict(
    data,
    *,
    label: str = "<scenario>",
    default_name: str = "scenario",
    locator: Locator | None = None,
    affordable: bool = True,
) -> Scenario:
    """Build a checked :class:`Scenario` from a parsed TOML document.

    Args:
        data: the document, as ``tomllib`` returns it.
        label: the file name used in error messages.
        default_name: the scenario's name (and title) when ``[scenario]`` gives none.
        locator: finds line numbers for error messages.
        affordable: check that a year of every budget buys a case (see :func:`check_references`).

    Raises:
        ScenarioError: one line, ``<file>[:<line>]: <field path>: <what is wrong>``.
    """
    where = Where(label, locator)
    if not isinstance(data, dict):
        where.fail((), f"expected a table, got {type_name(data)}")
    _check_format(data, where)
    if "generator" in data:
        data = _expanded(data, where)
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as err:
        where.explain(err, Scenario)
    header = spec.header.model_copy(
        update={"name": spec.header.name or default_name, "title": spec.header.title or default_name}
    )
    leader = spec.leader
    if not leader.sector:
        leader = leader.model_copy(update={"sector": spec.organizations[0].sector})
    spec = spec.model_copy(update={"header": header, "leader": leader})
    check_references(spec, where, affordable)
    return spec.from_file(label)


def checked(spec: Scenario) -> Scenario:
    """``spec`` checked as a file is.

    A Scenario built in code, or changed with pydantic's ``model_copy(update=...)``, skips both
    pydantic's checks and the references' checks.

    Returns ``spec`` itself when it passes unchanged, else the checked copy (a missing name or
    leader's sector filled in as a file's is).

    Raises:
        ScenarioError: one line naming the field, as for a file.
    """
    label = f"{spec.path or 'the Scenario'} (as given in code)"
    data = spec.model_dump(mode="json", by_alias=True)
    # (not whether a year of budgets buys a case: a smaller coalition of a checked scenario need not)
    again = scenario_from_dict(data, label=label, default_name=spec.name or "scenario", affordable=False)
    return spec if again == spec else again.from_file(spec.path)


def _check_format(data: dict, where: Where) -> None:
    head = data.get("scenario")
    version = head.get("format", FORMAT) if isinstance(head, dict) else FORMAT
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        where.fail(
            ("scenario", "format"),
            f"{version} is newer than this version of coalition reads (format {FORMAT}); upgrade the package",
        )


def _expanded(data: dict, where: Where) -> dict:
    """The document with its ``[generator]`` table expanded (keys given in the file win)."""
    from sim.scenario.generator import expand

    for key in GENERATED:
        if key in data:
            where.fail((key,), "cannot be given together with [generator], which writes it")
    head = data["scenario"] if isinstance(data.get("scenario"), dict) else {}
    steps = head.get("steps", 156)
    generated = expand(data["generator"], steps if isinstance(steps, int) and steps > 0 else 156, where)
    for key, value in data.items():
        if key == "generator":
            continue
        given = isinstance(value, dict) and isinstance(generated.get(key), dict)
        generated[key] = {**generated[key], **value} if given else value
    return generated


def check_references(spec: Scenario, where: Where, affordable: bool = True) -> None:
    """Check what the fields of ``spec`` say about each other; raise the first mistake as one line.

    ``affordable``: also that a year of every budget buys a case (a file's sanity check; a part of
    a checked scenario, such as a smaller coalition of ``coalition table``, need not pass it).
    """
    names = _circumstances(spec, where)
    hint = _circumstance_hint(spec, names)
    head = spec.header
    _no_repeats(where, ("scenario", "sources"), head.sources)
    hold = spec.population.hold_steps
    if hold > head.steps:
        where.fail(
            ("population", "hold_steps"),
            f"{hold} {head.step_unit[1]} is longer than the horizon scenario.steps = {head.steps}; "
            "the goal could never be reached",
        )
    for i, org in enumerate(spec.organizations):
        _organization(org, ("organizations", i), names, where, hint)
    _unique(where, "organizations", [o.name for o in spec.organizations], 0, "another one")
    sectors_read: dict[str, str] = {}
    for i, org in enumerate(spec.organizations):  # "Education" and "education" would be two silos
        _reads_apart(where, ("organizations", i, "sector"), org.sector, sectors_read, "another sector")
    sectors = sorted({o.sector for o in spec.organizations})
    if spec.leader.sector not in sectors:
        hint = suggest(spec.leader.sector, sectors)
        where.fail(("leader", "sector"), f"{spec.leader.sector!r} is not the sector of any organization; {hint}")
    alike = {_as_read(o.name): o.name for o in spec.organizations}.get(_as_read(spec.leader.name))
    if alike == spec.leader.name:
        where.fail(("leader", "name"), f"{spec.leader.name!r} is already the name of an organization")
    if alike is not None:
        where.fail(
            ("leader", "name"),
            f"{spec.leader.name!r} reads as {alike!r}, the name of an organization; names must differ in more "
            "than case, spaces or character width",
        )
    for i, partner in enumerate(spec.community):
        _refer(where, ("community", i, "knows"), partner.knows, names, "a circumstance", hint)
    everyone = [o.name for o in spec.organizations] + [spec.leader.name] + [c.name for c in spec.community]
    what = "an organization, the leader or another community partner"
    _unique(where, "community", everyone, len(spec.organizations) + 1, what)
    for i, (a, b) in enumerate(spec.network.ties):
        for end in (a, b):
            if end not in everyone:
                hint = suggest(end, everyone)
                where.fail(
                    ("network", "ties", i), f"{end!r} is not an organization, community partner or the leader; {hint}"
                )
        if a == b:
            where.fail(("network", "ties", i), f"a tie joins two different names, not {a!r} with itself")
    if affordable:
        _affordable(spec, where)


def _circumstances(spec: Scenario, where: Where) -> tuple:
    names: list[str] = []
    names_read: dict[str, str] = {}
    for i, c in enumerate(spec.population.circumstances):
        loc = ("population", "circumstances", i)
        if c.name == "outcome":
            where.fail((*loc, "name"), '"outcome" is reserved for the outcome itself; choose another name')
        if c.name in names:
            where.fail((*loc, "name"), f"{c.name!r} appears twice; circumstance names must be unique")
        _reads_apart(where, (*loc, "name"), c.name, names_read, "another circumstance's name")
        names.append(c.name)
        # the onset that keeps the prevalence steady must be a probability a step
        if c.prevalence > c.duration / (c.duration + 1):
            onset = c.prevalence / (c.duration * (1 - c.prevalence))
            step, steps = spec.header.step_unit
            where.fail(
                (*loc, "prevalence"),
                f"{c.prevalence:g} cannot be kept up by people who keep it {c.duration:g} {steps} on average: it "
                f"needs {onset:.3g} onsets per person and {step}, and a chance is at most 1; lower prevalence "
                f"or raise duration (at most {c.duration / (c.duration + 1):.3g} for this duration)",
            )
    labels: dict[str, str] = {}
    groups = dict(names_read)  # a circumstance without a group is a group of its own name
    for i, c in enumerate(spec.population.circumstances):
        loc = ("population", "circumstances", i)
        if c.label:
            _reads_apart(where, (*loc, "label"), c.label, labels, "another circumstance's label")
        if c.group:  # "Instability" and "instability" would be reported as two
            _reads_apart(where, (*loc, "group"), c.group, groups, "another group or circumstance")
    for i, c in enumerate(spec.population.circumstances):
        if c.group and c.group != c.name and c.group in names:  # "diagnosed: x" must say which x
            where.fail(
                ("population", "circumstances", i, "group"),
                f"{c.group!r} is also a circumstance's name, so reports could not tell the group from that "
                f"circumstance; name the group apart (e.g. {c.group + '_group'!r}), and give that group to "
                f"{c.group!r} too if it belongs",
            )
        for k in c.raises:
            at = ("population", "circumstances", i, "raises", k)
            if k not in names:
                where.fail(at, f"unknown circumstance; {suggest(k, names)}")
            if k == c.name:
                where.fail(at, "a circumstance cannot raise itself")
    return tuple(names)


def _circumstance_hint(spec: Scenario, names: tuple):
    """``suggest`` for circumstance names, which also says when a name is a group's."""
    groups: dict[str, list[str]] = {}
    for c in spec.population.circumstances:
        if c.group and c.group not in names:
            groups.setdefault(c.group, []).append(c.name)

    def hint(value, choices=names) -> str:
        if value in groups:
            return f"it is a group: name its circumstances instead ({', '.join(groups[value])})"
        return suggest(value, choices)

    return hint


def _organization(org, loc: tuple, names: tuple, where: Where, hint=suggest) -> None:
    for k in org.mission:
        if k not in names and k != "outcome":
            where.fail((*loc, "mission", k), f"unknown circumstance; {hint(k, ('outcome',) + names)}")
    if not any(w > 0 for w in org.mission.values()):
        where.fail((*loc, "mission"), "give at least one positive weight, e.g. mission = { outcome = 1.0 }")
    if org.metric != "outcome" and org.metric not in names:
        words = hint(org.metric, ("outcome",) + names)
        where.fail((*loc, "metric"), f'{org.metric!r} is neither "outcome" nor a circumstance; {words}')
    _no_repeats(where, (*loc, "roles"), org.roles)
    for key in ("touches", "records", "authority"):
        _refer(where, (*loc, key), getattr(org, key), names, "a circumstance", hint)
    for role in ROLE_TABLE:
        if role.name in org.roles and not role.needs(org):
            where.fail((*loc, role.field), f"an organization with the {role.name} role {role.requirement}")


def _refer(where: Where, loc: tuple, values: tuple, names: tuple, noun: str, hint=suggest) -> None:
    for i, v in enumerate(values):
        if v not in names:
            where.fail((*loc, i), f"{v!r} is not {noun}; {hint(v, names)}")
    _no_repeats(where, loc, values)


def _no_repeats(where: Where, loc: tuple, values: tuple) -> None:
    for i, v in enumerate(values):
        if v in values[:i]:
            where.fail((*loc, i), f"{v!r} is listed twice")


def _unique(where: Where, key: str, names: list, first: int, what: str) -> None:
    seen = {_as_read(n): n for n in names[:first]}
    for i in range(first, len(names)):
        if seen.get(_as_read(names[i])) == names[i]:
            where.fail((key, i - first, "name"), f"{names[i]!r} is already the name of {what}; names must be unique")
        # "Nursing department " beside "Nursing department": one name in every table
        _reads_apart(where, (key, i - first, "name"), names[i], seen, f"the name of {what}")


def _reads_apart(where: Where, loc: tuple, name: str, seen: dict, what: str) -> None:
    """Refuse ``name`` when it reads as another name in ``seen`` (as read -> as written); else add it.

    Names read alike when they differ only in case, spaces, character width or invisible marks.
    """
    alike = seen.setdefault(_as_read(name), name)
    if alike != name:
        where.fail(
            loc,
            f"{name!r} reads as {alike!r}, {what}; names must differ in more than case, spaces, character width "
            "or invisible characters",
        )


def _as_read(name: str) -> str:
    """A name as a reader tells names apart: width (NFKC), case, spaces and invisible characters folded."""
    shown = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")  # zero widths, direction marks
    return " ".join(unicodedata.normalize("NFKC", shown).casefold().split())


def _affordable(spec: Scenario, where: Where) -> None:
    """A case of case work must be affordable: a year of every budget must buy at least one.

    Budgets are per step: a year is ``365.25 / days_per_step`` of them (52.2 weeks, 12 months).
    """
    yearly = 365.25 / spec.header.days_per_step * sum(o.budget for o in spec.organizations)
    cost = spec.interventions.case_cost
    if yearly > 0 and cost > yearly:
        where.fail(
            ("interventions", "case_cost"),
            f"{cost:g} is more than a year of every organization's budget together ({yearly:g}); no case could be paid",
        )
