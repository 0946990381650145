"""Everything the classroom page reads from a model, as one plain snapshot.

This is the only module of :mod:`sim.viz` that reads the model's attributes; every panel,
picture and export works from the :class:`View` it returns. When the model changes,
adapt this file and the page follows.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import pandas as pd

from sim.model.reporters import week_table
from sim.scenario.roles import ROLE_TABLE, Capability

EARLIER_EVENTS = 8
# what a member with a role does once it acts on it
ACTING = {
    Capability.CASE_WORK: "doing case work",
    Capability.SHARE_RECORDS: "sharing their records",
    Capability.PLEDGE_MONEY: "paying in",
    Capability.LEND_LEGITIMACY: "vouching for the work",
    Capability.CHANGE_SYSTEMS: "committed, able to change rules",
}
HOW_IT_WORKS = (
    "Each organization sees the problem through its own mission, metric and records. A leader invites "
    "organizations to the table, translates between their missions and brokers small commitments; every kept "
    "commitment raises trust, every broken one lowers it more. Members commit money once they trust the coalition "
    "enough and share their records once they trust it more. The pooled records show the real causes; money spent "
    "on them brings the rate down, slowly. Members who see no progress for longer than their patience leave."
)
# per-week series the pictures and the exported table use (DataCollector model reporters)
SERIES = ("outcome_rate", "expected_rate", "mean_trust", "diagnosis_accuracy", "coalition_size", "sharing_count")


@dataclass(frozen=True)
class Node:
    """One agent in the network picture."""

    node: int
    kind: str  # "organization", "leader" or "community"
    name: str
    label: str
    sector: str
    state: str  # organizations: outside / invited / at the table / committed / left
    budget: float
    sharing: bool
    x: float
    y: float


@dataclass(frozen=True)
class Tie:
    """A tie between two nodes and the mean trust across it (both directions)."""

    a: int
    b: int
    trust: float


@dataclass(frozen=True)
class Role:
    """One of the five roles: who at the table brings it, and who acts on it."""

    role: str
    words: str  # whom the chapter means, in its words
    acting_words: str
    absence: str  # what a coalition without the role cannot do
    at_table: tuple
    acting: tuple


@dataclass(frozen=True)
class Line:
    """A line of narration: the week, the words, and whether it is minor."""

    week: int
    text: str
    minor: bool


@dataclass(frozen=True)
class Info:
    """The scenario's own words for the Info panel."""

    name: str
    title: str
    description: str
    how_it_works: str
    notice: str
    things_to_try: str
    sources: tuple


@dataclass(frozen=True)
class View:
    """What the page shows of a model in one week."""

    week: int
    horizon: int
    finished: bool
    title: str
    outcome: str
    n_people: int
    rate: float
    expected_rate: float
    target: float
    hold_steps: int
    weeks_on_target: int
    goal_week: int | None
    accuracy: float
    believed_cause: str
    believed_group: str  # the group of causes the narration names ("" before any diagnosis)
    cause_in_group: bool  # whether the largest single cause belongs to that group
    money_spent: float
    n_members: int  # organizations and community partners
    at_table: int
    committed: int
    sharing: int
    partners_at_table: int
    leader_mode: str
    leader_active: bool
    leader_name: str
    nodes: tuple
    ties: tuple
    sectors: tuple  # (sector, x, y) for its label
    roles: tuple
    this_week: tuple
    earlier: tuple
    series: dict
    unit: str = "week"  # what a step is called (the scenario's days_per_step): week, day, month...
    units: str = "weeks"

    @property
    def goal_reached(self) -> bool:
        """True once the goal was reached."""
        return self.goal_week is not None

    def node(self, name: str) -> Node:
        """The node with this full name."""
        return next(n for n in self.nodes if n.name == name)


@functools.lru_cache(maxsize=4096)
def plain(text: str, names: tuple, unit: tuple = ("week", "weeks")) -> str:
    """Narration text with display names for circumstances, plain plurals, and the scenario's time unit.

    Args:
        text: what the model logged (the model calls a step a week).
        names: ``(name, display)`` of each circumstance (the scenario's words for them).
        unit: what a step is called, singular and plural (``Header.step_unit``).
    """
    for name, display in names:
        text = re.sub(rf"\b{re.escape(name)}\b", display, text)
    if unit != ("week", "weeks"):
        text = re.sub(r"\bweek(s?)\b", lambda m: unit[1] if m.group(1) else unit[0], text)
    return re.sub(r"\b(1 source)\(s\)|(\d+ source)\(s\)", lambda m: m.group(1) or m.group(2) + "s", text)


def snapshot(model) -> View:
    """The model's current week as a :class:`View` (call it between steps, never during one)."""
    spec = model.spec
    leader, partners = model.leader, model.partners
    data = model.datacollector.model_vars
    n = len(data["outcome_rate"])
    series = {key: tuple(float(v) for v in data[key][:n]) for key in SERIES}
    money = data["money_spent"][:n] if "money_spent" in data else []
    series["money_spent"] = tuple(float(v) for v in money)
    on_target = 0
    for rate in reversed(series["outcome_rate"]):
        if rate > model.target_rate:
            break
        on_target += 1
    nodes, hidden = _nodes(model)
    ties = tuple(
        Tie(int(a), int(b), (model.trust.get(a, b) + model.trust.get(b, a)) / 2)
        for a, b in model.space.G.edges()
        if a not in hidden and b not in hidden
    )
    cause = model.diagnosis.cause
    names = dict(zip(model.people.names, (c.display for c in spec.population.circumstances), strict=True))
    words = tuple((c.name, c.display) for c in spec.population.circumstances)
    unit = spec.header.step_unit
    now = tuple(Line(e.step, plain(e.text, words, unit), e.minor) for e in reversed(model.events.week(model.steps)))
    earlier = [e for e in model.events.recent(EARLIER_EVENTS + len(now)) if e.step != model.steps]
    return View(
        week=model.steps,
        horizon=model.horizon,
        finished=not model.running,
        title=spec.title,
        outcome=model.people_outcome,
        n_people=model.n_people,
        rate=model.outcome_rate,
        expected_rate=model.expected_rate,
        target=model.target_rate,
        hold_steps=model.hold_steps,
        weeks_on_target=on_target,
        goal_week=model.steps_to_goal,
        accuracy=model.diagnosis_accuracy,
        believed_cause=names.get(cause, ""),
        believed_group=model.people.group_label(model.diagnosis.group) if model.diagnosis.group else "",
        cause_in_group=bool(cause) and model.people.groups[model.people.names.index(cause)] == model.diagnosis.group,
        money_spent=model.money_spent,
        n_members=len(model.members),
        at_table=model.table_size,
        committed=model.coalition_size,
        sharing=model.sharing_count,
        partners_at_table=sum(p.at_table for p in partners),
        leader_mode=leader.mode,
        leader_active=bool(leader.active),
        leader_name=spec.leader.label,
        nodes=nodes,
        ties=ties,
        sectors=_sector_labels(nodes),
        roles=_roles(model),
        this_week=now,
        earlier=tuple(Line(e.step, plain(e.text, words, unit), e.minor) for e in earlier[:EARLIER_EVENTS]),
        series=series,
        unit=unit[0],
        units=unit[1],
    )


def info(model) -> Info:
    """The Info panel's text: the scenario's fields, with "What to try" split out of the notice if needed."""
    spec = model.spec
    header = spec.header
    notice, things_to_try = " ".join(header.notice.split()), " ".join(header.things_to_try.split())
    if not things_to_try and "What to try:" in notice:
        notice, _, things_to_try = notice.partition("What to try:")
    notice = notice.strip().removeprefix("What to notice:").strip()
    # the file's parameter names (missing_role) as the page's settings say them (missing role)
    notice, things_to_try = (_setting_words(t) for t in (notice, things_to_try))
    return Info(
        spec.name,
        spec.title,
        " ".join(header.description.split()),
        " ".join(header.how_it_works.split()) or HOW_IT_WORKS,
        notice[:1].upper() + notice[1:],
        things_to_try.strip()[:1].upper() + things_to_try.strip()[1:],
        tuple(header.sources),
    )


def _setting_words(text: str) -> str:
    """Parameter names in a scenario's text in the page's words (``missing_role`` -> ``missing role``)."""
    from sim.model.params import PARAMETERS

    names = "|".join(re.escape(n) for n in sorted(PARAMETERS, key=len, reverse=True) if "_" in n)
    return re.sub(rf"\b({names})\b", lambda m: m.group(1).replace("_", " "), text)


def _nodes(model) -> tuple[tuple, set]:
    """The nodes to draw, and the nodes left out (a leader that does not exist, an absent community)."""
    pos = {node: model.space[node].position for node in range(model.n_nodes)}
    out = []
    for m in model.members:
        x, y = pos[m.node]
        kind = "community" if m in model.partners else "organization"
        label = f"{m.spec.label} ({m.mode})" if kind == "community" else m.spec.label
        out.append(Node(m.node, kind, m.name, label, m.sector, str(m.state), m.budget, m.sharing, x, y))
    leader = model.leader
    if leader.mode != "none":
        x, y = pos[leader.node]
        state = "convening" if leader.active else "removed" if leader.removed else "gave up"
        spec = model.spec.leader
        out.append(Node(leader.node, "leader", spec.name, spec.label, leader.sector, state, 0.0, False, x, y))
    drawn = {n.node for n in out}
    return tuple(out), set(range(model.n_nodes)) - drawn


def _sector_labels(nodes: tuple) -> tuple:
    """Where to write each sector's name: outside the middle of its arc."""
    labels = []
    for sector in dict.fromkeys(n.sector for n in nodes if n.kind == "organization"):
        members = [n for n in nodes if n.kind == "organization" and n.sector == sector]
        angle = math.atan2(sum(n.y for n in members), sum(n.x for n in members))
        labels.append((sector, math.cos(angle), math.sin(angle)))
    return tuple(labels)


def _roles(model) -> tuple:
    """Each role: who at the table brings it (community partners included) and who acts on it."""
    members = model.table_members()
    out = []
    for role in ROLE_TABLE:
        capability = role.capability
        present = [m for m in members if m.can(capability)]
        if capability == Capability.SHARE_RECORDS:
            acting = [m for m in present if m.sharing]
        elif capability == Capability.LEND_LEGITIMACY:
            acting = present
        else:
            acting = model.committed_able_to(capability)
        words = ACTING.get(capability, "acting on it")
        out.append(Role(role.name, role.chapter, words, role.absence, _labels(present), _labels(acting)))
    return tuple(out)


def _labels(agents) -> tuple:
    """Short labels of agents, each once, in order."""
    return tuple(dict.fromkeys(a.spec.label for a in agents))


def run_table(model) -> pd.DataFrame:
    """The run's per-week table (one row a week, the model's reporters as columns) for export."""
    return week_table(model).reset_index()
