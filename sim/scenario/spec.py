"""The scenario as data: frozen dataclasses read from TOML by :mod:`sim.scenario_read`.

Every field is documented with its type, range and default in ``docs/scenarios.md``.
Mappings (``mission``, ``raises``) are plain dicts; lists are tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Circumstance:
    """One circumstance of the people affected (a housing move, a health problem...)."""

    name: str
    prevalence: float
    duration: float
    weight: float
    group: str = ""
    raises: dict = field(default_factory=dict)
    label: str = ""

    @property
    def display(self) -> str:
        """How people read it: the ``label``, else the name with spaces for underscores."""
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True)
class PopulationSpec:
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
    short_name: str = ""

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class LeaderSpec:
    """The convener: its name and home sector (where a point leader acts)."""

    name: str = "System leader"
    sector: str = ""
    short_name: str = ""

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class CommunitySpec:
    """A community partner speaking for the people affected."""

    name: str
    reach: float
    knows: tuple
    legitimacy: float
    short_name: str = ""

    @property
    def label(self) -> str:
        """A short label for pictures: ``short_name``, else the name."""
        return self.short_name or self.name


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
    population: PopulationSpec
    organizations: tuple
    leader: LeaderSpec
    community: tuple
    network: NetworkSpec
    interventions: Interventions
    setbacks: Setbacks
    notice: str = ""
    sources: tuple = ()
    how_it_works: str = ""
    things_to_try: str = ""
    path: str = field(default="", compare=False)

    @property
    def circumstance_names(self) -> tuple:
        """Names of the circumstances, in order."""
        return tuple(c.name for c in self.population.circumstances)
