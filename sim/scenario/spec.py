"""The scenario format, declared once: every field's type, range, default and meaning.

A scenario file is read into these (frozen) pydantic models. What a field accepts comes
from its declaration alone: the loader's one-line errors (:mod:`sim.scenario.messages`),
the tables of ``docs/scenarios.md`` (checked against this file by a test), and the writer
(:mod:`sim.scenario.write`). What refers to what (a circumstance named in a mission, a role
and what it needs, unique names) is checked after, in :mod:`sim.scenario.validate`.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr
from pydantic_core import PydanticCustomError

from sim.scenario.messages import suggest
from sim.scenario.roles import ROLES

MAX_CIRCUMSTANCES = 12
MAX_ORGANIZATIONS = 10_000
MAX_COMMUNITY = 100
FORMAT = 1  # the scenario format this code writes (see docs/scenarios.md, "Format versions")


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


def _plain_text(value):
    """A name shown in terminals, tables and file names: no control characters, not blank."""
    if isinstance(value, str):
        if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029" for ch in value):
            raise PydanticCustomError("control_character", "must not contain control characters or line breaks")
        if any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in value):  # turns a line backwards
            raise PydanticCustomError("direction_control", "must not contain text-direction overrides or isolates")
        if not value.strip():
            raise PydanticCustomError("blank", "must not be empty")
    return value


def _pair(value):
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(x, str) for x in value)):
        raise PydanticCustomError("pair", 'expected a pair of names, e.g. ["Schools", "Housing Authority"]')
    return tuple(value)


def Between(low: float, high: float) -> Interval:  # noqa: N802 - reads like a type
    """A range for ``Probability``: inclusive bounds."""
    return Interval(ge=low, le=high)


def _known_role(value):
    if isinstance(value, str) and value not in ROLES:
        raise PydanticCustomError("role", "{text}", {"text": f"{value!r} is not a role; {suggest(value, ROLES)}"})
    return value


AsList = (BeforeValidator(_as_tuple), PlainSerializer(list))
Names = Annotated[tuple[str, ...], BeforeValidator(_as_tuple), PlainSerializer(list)]
Circumstances = Annotated[Names, Field(title="a circumstance")]
RoleNames = Annotated[
    tuple[Annotated[str, AfterValidator(_known_role)], ...],
    BeforeValidator(_as_tuple),
    PlainSerializer(list),
    Field(title="a role"),
]
Name = Annotated[str, BeforeValidator(_plain_text)]
Probability = Annotated[float, Between(0, 1)]


class Section(BaseModel):
    """A table of a scenario file: unknown keys, wrong types, NaN and out-of-range values refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Header(Section):
    """``[scenario]``: what the scenario is, for people."""

    format: Annotated[int, Between(1, FORMAT)] = Field(FORMAT, description="the format version the file is written in")
    name: Name | None = Field(None, description="the scenario's name (default: the file stem)")
    title: Name | None = Field(None, description="a title for plots and the app (default: the file stem)")
    description: str = Field("", description="one sentence")
    steps: Annotated[int, Between(1, 10_000)] = Field(156, description="the horizon in steps")
    days_per_step: Annotated[float, Between(1, 366)] = Field(
        7.0, description="real time one step stands for, in days (7: a week); rates are per step"
    )
    notice: str = Field("", description='"what to notice, what to try", shown to students in the app')
    how_it_works: str = Field("", description="how the model works for this problem, in plain words (Info panel)")
    things_to_try: str = Field("", description="experiments for students, in plain words (Info panel)")
    sources: Annotated[Names, Field(title="a source")] = Field(
        (), description="where the numbers come from: a list of strings, a citation or address each"
    )

    @property
    def step_unit(self) -> tuple[str, str]:
        """What one step is called in words, singular and plural: ``("week", "weeks")`` for 7 days."""
        return step_unit(self.days_per_step)


# calendar units a step can stand for, (low, high) days; anything else is called a "step"
STEP_UNITS = (((1, 1), "day"), ((7, 7), "week"), ((14, 14), "fortnight"), ((28, 31), "month"), ((365, 366), "year"))


def step_unit(days_per_step: float) -> tuple[str, str]:
    """``("week", "weeks")`` for 7 days a step, ``("month", "months")`` for 28-31 ...; else ``("step", "steps")``."""
    for (low, high), name in STEP_UNITS:
        if low <= days_per_step <= high:
            return name, name + "s"
    return "step", "steps"


class Circumstance(Section):
    """One circumstance of the people affected (a housing move, a health problem...), hidden from agents."""

    name: Name = Field(description="how everything else refers to it; not `outcome`, unique")
    label: str = Field("", description="how people read it in the app and the narration (default: the name)")
    prevalence: Annotated[float, Between(1e-6, 0.999)] = Field(description="share of people with it at steady state")
    duration: Annotated[float, Between(1, 10_000)] = Field(description="mean steps it lasts (weeks at 7 days a step)")
    weight: Annotated[float, Between(-20, 20)] = Field(description="its hidden effect on the outcome's log-odds")
    group: str = Field(
        "",
        description='a family of causes ("instability"), for reports (default: the name); '
        "not another circumstance's name",
    )
    raises: dict[str, Annotated[float, Between(0, 100)]] = Field(
        default_factory=dict, description="other circumstances it makes likelier: onset times `1 + strength`"
    )

    @property
    def display(self) -> str:
        """How people read it: the ``label``, else the name with spaces for underscores."""
        return self.label or self.name.replace("_", " ")


class PopulationSpec(Section):
    """``[population]``: the people affected and the goal set for them."""

    size: Annotated[int, Between(1, 10_000_000)] = Field(
        description="number of people (the model's `n_people` overrides it)"
    )
    outcome: str = Field("the outcome", description='what is measured, in words ("chronic absence")')
    baseline: Annotated[float, Between(-50, 50)] = Field(
        description="log-odds of the outcome for a person with no circumstance"
    )
    target_rate: Probability = Field(description="the goal: the outcome rate at or under this...")
    target_source: str = Field(
        "", description="where the target comes from: the source's own target, or the rule that set it"
    )
    hold_steps: Annotated[int, Between(1, 10_000)] = Field(8, description="...for this many steps in a row")
    circumstances: Annotated[
        tuple[Circumstance, ...], BeforeValidator(_as_tuple), Field(min_length=1, max_length=MAX_CIRCUMSTANCES)
    ] = Field(description="what people live through (below)")


class OrganizationSpec(Section):
    """``[[organizations]]``: an organization as the scenario describes it."""

    name: Name = Field(description="unique among organizations, leader and partners")
    short_name: str = Field("", description='a short label for pictures ("Housing"; default: the name)')
    sector: Name = Field(description="organizations of a sector start tied (silos); a point leader works in its own")
    mission: dict[str, Annotated[float, Between(0, 100)]] = Field(
        description=(
            "what it works for: weights over `outcome` and circumstances, at least one above 0; how far they "
            "point from the real causes is its distance from the problem (the further, the less it joins)"
        )
    )
    budget: Annotated[float, Between(0, 1e12)] = Field(
        description="money per step; members with the resources role pledge a share"
    )
    metric: str = Field("outcome", description="what it watches for progress: `outcome` or a circumstance")
    roles: RoleNames = Field(description="the capabilities it brings (`sim/scenario/roles.py`)")
    reach: Probability = Field(0.05, description="share of all people it touches (and records)")
    touches: Circumstances = Field((), description="with `focus`: it touches people with these more")
    focus: Probability = Field(0.0, description="share of people with `touches` that it touches")
    records: Circumstances = Field((), description="what it has on file for the people it touches")
    authority: Circumstances = Field((), description="what it can change for everyone")
    legitimacy: Probability = Field(0.0, description="how far people trust it (raises uptake of case work)")
    reliability: Probability = Field(0.85, description="chance it honours a commitment or pledge")
    patience: Annotated[float, Between(0.01, 100)] = Field(1.0, description="a factor on the model's `patience`")
    funding_pool: str = Field(
        "", description="organizations in one pool compete for funding every `funding_cycle` steps"
    )

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


class LeaderSpec(Section):
    """``[leader]``: the convener's name and home sector (where a point leader acts)."""

    name: Name = Field("System leader", description="the convener, in the narration")
    short_name: str = Field("", description="a short label for pictures (default: the name)")
    sector: str = Field("", description="its home sector, a sector of some organization (default: the first's)")

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


class CommunitySpec(Section):
    """``[[community]]``: a community partner speaking for the people affected."""

    name: Name = Field(description="unique among organizations, leader and partners")
    short_name: str = Field("", description="a short label for pictures (default: the name)")
    reach: Probability = Field(0.1, description="share of people it speaks for")
    knows: Circumstances = Field((), description="what it knows that agencies may not record")
    legitimacy: Probability = Field(0.5, description="lent to the coalition when it is a partner")
    reliability: Probability = Field(0.9, description="chance it keeps a small commitment")
    patience: Annotated[float, Between(0.01, 100)] = Field(1.0, description="a factor on the model's `patience`")

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


class NetworkSpec(Section):
    """``[network]``: how the starting network is drawn: silos by sector plus explicit ties."""

    within_sector: Probability = Field(0.8, description="chance two organizations of one sector start tied")
    across_sectors: Probability = Field(0.05, description="chance two of different sectors start tied")
    silo_trust: Probability = Field(0.2, description="extra starting trust inside a sector")
    ties: Annotated[
        tuple[Annotated[tuple[str, str], BeforeValidator(_pair), PlainSerializer(list)], ...],
        BeforeValidator(_as_tuple),
        PlainSerializer(list),
    ] = Field((), description="pairs of names tied from the start")


class Interventions(Section):
    """``[interventions]``: prices and effects of what the coalition can buy."""

    case_cost: Annotated[float, Between(1e-6, 1e9)] = Field(1.0, description="money per case of case work")
    spend_share: Probability = Field(0.5, description="share of the pool spent each week")
    system_cost: Annotated[float, Between(0, 1e12)] = Field(120.0, description="price of a system change")
    system_lag: Annotated[int, Between(0, 10_000)] = Field(
        26, description="steps before a system change acts (the default was made for weeks: see Units)"
    )
    system_effect: Probability = Field(0.4, description="how much a system change lowers the onset of its cause")


class Setbacks(Section):
    """``[setbacks]``: setbacks strike at ``rate`` per week; the weights pick which kind."""

    rate: Probability = Field(
        0.03, description="chance of a setback per step (the default was made for weeks: see Units)"
    )
    budget_cut: Annotated[float, Between(0, 1e6)] = Field(
        1.0, description="weight of budget cuts among setbacks (not the model parameter `budget_cut`, a share)"
    )
    turnover: Annotated[float, Between(0, 1e6)] = Field(1.0, description="weight of staff turnover")
    misuse: Annotated[float, Between(0, 1e6)] = Field(1.0, description="weight of data misuse")


class Scenario(Section):
    """A whole scenario, as a file holds it (``[scenario]`` is the :class:`Header`)."""

    model_config = ConfigDict(populate_by_name=True)

    header: Header = Field(alias="scenario", description="what the scenario is")
    population: PopulationSpec = Field(description="the people affected and the goal")
    organizations: Annotated[
        tuple[OrganizationSpec, ...],
        BeforeValidator(_as_tuple),
        Field(min_length=1, max_length=MAX_ORGANIZATIONS),
    ] = Field(description="the organizations that could form a coalition")
    leader: LeaderSpec = Field(default_factory=lambda: LeaderSpec(), description="the convener")
    community: Annotated[tuple[CommunitySpec, ...], BeforeValidator(_as_tuple), Field(max_length=MAX_COMMUNITY)] = (
        Field((), description="partners speaking for the people affected")
    )
    network: NetworkSpec = Field(default_factory=lambda: NetworkSpec(), description="the starting network")
    interventions: Interventions = Field(default_factory=lambda: Interventions(), description="prices and effects")
    setbacks: Setbacks = Field(default_factory=lambda: Setbacks(), description="setbacks from outside")
    _path: str = PrivateAttr("")

    def __eq__(self, other) -> bool:
        """Equal when every field is equal (the file it was read from does not count)."""
        return isinstance(other, Scenario) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # missions and raises are dicts

    @property
    def path(self) -> str:
        """The file it was read from (``""`` when built in code)."""
        return self._path

    def from_file(self, path: str) -> Scenario:
        """This scenario, remembering the file it was read from."""
        self._path = str(path)
        return self

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.header.name or ""

    @property
    def title(self) -> str:
        """Its title."""
        return self.header.title or self.name

    @property
    def steps(self) -> int:
        """The horizon in steps (weeks at 7 days a step)."""
        return self.header.steps

    @property
    def circumstance_names(self) -> tuple:
        """Names of the circumstances, in order."""
        return tuple(c.name for c in self.population.circumstances)
