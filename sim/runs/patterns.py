"""The patterns file: what a calibration fits, declared once (see docs/calibration.md).

A TOML file names the scenario, the calendar (the date of model step 0; one step is the
scenario's ``days_per_step`` days), the observed patterns (a yearly ``[[series]]`` of the
outcome, ``[[milestones]]`` such as the first commitment, an ``[end_level]`` relative to the
start) and the ``[parameters]`` to infer with their priors. Every mistake is one line,
``<file>:<line>: <field>: <what is wrong>`` (:class:`sim.scenario.ScenarioError`).
:func:`load_patterns` checks the file against the scenario and the model's parameter table
and turns it into :class:`Target` numbers in model units (steps, relative levels).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sim.model.params import PARAMETERS, ParameterError
from sim.runs.patterns_spec import MEASURES, MILESTONES, PatternsSpec
from sim.scenario.files import parse_toml, read_text
from sim.scenario.load import is_scenario_file, load_scenario
from sim.scenario.locator import Locator
from sim.scenario.messages import ScenarioError, Where, suggest
from sim.scenario.spec import Section

__all__ = ["MEASURES", "MILESTONES", "Patterns", "PatternsSpec", "Target", "load_patterns", "read_declared"]


def _year(point) -> int:
    """The calendar year of a series point (given as a year, or as a date)."""
    return int(point.year) if point.year is not None else point.date.year


@dataclass(frozen=True)
class Target:
    """One number a run is compared on, in model units (steps, or levels)."""

    key: str
    kind: str  # "point", a milestone kind, or "end_level"
    measure: str
    observed: float
    sd: float
    holdout: bool = False
    window: tuple[int, int] | None = None  # steps [a, b) a point averages over
    reference: tuple[int, int] | None = None  # the window of a relative series' first point
    level: float | None = None  # kind level: a fraction of the start; kind goal: the target rate
    when: dt.date | None = None


@dataclass(frozen=True)
class Patterns:
    """A checked patterns file, with its targets in model units."""

    spec: PatternsSpec
    label: str
    sha256: str
    scenario: str
    days_per_step: float
    steps: int
    targets: tuple[Target, ...]

    @property
    def start(self) -> dt.date:
        """The date of model step 0."""
        return self.spec.patterns.start

    def step_of(self, day: dt.date) -> float:
        """The model step of a date (fractional)."""
        return (day - self.start).days / self.days_per_step

    def date_of(self, step: float) -> dt.date:
        """The date of a model step."""
        return self.start + dt.timedelta(days=step * self.days_per_step)

    @property
    def fitted(self) -> tuple[Target, ...]:
        """The targets the fit uses (not held out)."""
        return tuple(t for t in self.targets if not t.holdout)


def read_declared(path, model: type[Section], what: str) -> tuple:
    """Read a TOML file a person wrote into ``model``: ``(spec, where, text)``; one-line errors."""
    label = str(path)
    text = read_text(Path(path), label)
    data = parse_toml(text, label, what)
    where = Where(label, Locator(text))
    try:
        return model.model_validate(data), where, text
    except ValidationError as err:
        where.explain(err, model)  # raises the one-line error
        raise


def load_patterns(path) -> Patterns:
    """Read and check a patterns file (one-line :class:`ScenarioError` for any mistake)."""
    spec, where, text = read_declared(path, PatternsSpec, "a patterns file ([patterns], [[milestones]], [parameters])")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return check(spec, where, digest, base=Path(path).parent)


def check(spec: PatternsSpec, where: Where, digest: str = "", base: Path | None = None) -> Patterns:
    """Check a parsed patterns file against its scenario and the parameter table."""
    head = spec.patterns
    scenario = head.scenario
    # as in a sweep spec: a path is read relative to this file only, a bare name is a shipped scenario
    if is_scenario_file(scenario) and base is not None and not Path(scenario).is_absolute():
        scenario = str((base / scenario).resolve())
    try:  # a scenario that is missing or broken: said on this file's field, as a sweep spec does
        sc = load_scenario(scenario)
    except ScenarioError as err:
        where.fail("patterns.scenario", str(err))
    if head.outcome is not None and head.outcome != sc.population.outcome:
        where.fail("patterns.outcome", f"{head.outcome!r} is not what {sc.name} models ({sc.population.outcome!r})")
    days = sc.header.days_per_step
    if head.days_per_step is not None and head.days_per_step != days:
        where.fail("patterns.days_per_step", f"{head.days_per_step:g} but {sc.name} says {days:g} days per step")
    if not (spec.series or spec.milestones or spec.end_level):
        where.fail("(file)", "no patterns; give at least one [[series]], [[milestones]] or [end_level]")
    _check_parameters(spec, where)
    stop = head.end
    targets: list[Target] = []

    def step(day: dt.date, loc: str) -> float:
        if day < head.start:
            where.fail(loc, f"{day} is before the start, {head.start}")
        if head.end is not None and day > head.end:
            where.fail(loc, f"{day} is after the end, {head.end}")
        return (day - head.start).days / days

    last = head.start
    named: dict[str, str] = {}  # each pattern's name, once: the fit keys what it observed by name
    for loc, name in [(f"series[{i}].name", s.name) for i, s in enumerate(spec.series)] + [
        (f"milestones[{i}].name", m.name) for i, m in enumerate(spec.milestones)
    ]:
        if name in named or name == "end_level":
            first = named.get(name, "end_level")
            where.fail(loc, f"{name!r} is also the name of {first}; give each pattern a name of its own")
        named[name] = loc.removesuffix(".name")
    for i, s in enumerate(spec.series):
        windows: list[tuple[int, int]] = []
        for j, p in enumerate(s.points):
            loc = f"series[{i}].points[{j}]"
            if (p.year is None) == (p.date is None):
                where.fail(loc, "give either year or date")
            if p.date is not None:
                first_day = last_day = p.date
            else:
                year = int(p.year or 0)
                first_day, last_day = max(dt.date(year, 1, 1), head.start), dt.date(year, 12, 31)
                if head.end is not None:
                    last_day = min(last_day, head.end)
            field = ".date" if p.date else ".year"
            a = int(step(first_day, loc + field))
            b = max(int(step(last_day, loc)) + 1, a + 1)
            # two values of one time cannot both be fitted: the same year, a date inside a year given
            # too, two dates in one model step (years are told apart by the calendar, never by steps:
            # consecutive years may share a step, and a year cut short by the calendar is one step)
            for k, (other, (a0, _)) in enumerate(zip(s.points[:j], windows, strict=True)):
                if p.date is not None and other.date is not None:
                    clash = a == a0
                else:
                    clash = _year(p) == _year(other)
                if clash:
                    what = p.date if p.date is not None else p.year
                    where.fail(loc + field, f"{what} is the time of points[{k}] too; give each time once")
            windows.append((a, b))
            last = max(last, last_day)
        if s.relative and s.points[0].value == 0:
            where.fail(f"series[{i}].points[0].value", "0 cannot be the reference of a relative series")
        ref = s.points[0].value if s.relative else 1.0
        for j, (p, w) in enumerate(zip(s.points, windows, strict=True)):
            if s.relative and j == 0:
                continue  # 1 by construction
            targets.append(
                Target(
                    f"{s.name}.{p.year or p.date}",
                    "point",
                    s.measure or head.measure,
                    p.value / ref,
                    s.sd,
                    p.holdout,
                    window=w,
                    reference=windows[0] if s.relative else None,
                    when=p.date or dt.date(int(p.year or 0), 7, 1),
                )
            )
    for i, m in enumerate(spec.milestones):
        loc = f"milestones[{i}]"
        if (m.kind == "level") != (m.level is not None):
            where.fail(loc + ".level", "give level for kind = level, and only then")
        if m.kind == "first_data_shared" and not any("data" in o.roles for o in sc.organizations):
            where.fail(loc + ".kind", f"{sc.name} has no organization with the data role")
        observed = step(m.date, loc + ".date")
        last = max(last, m.date)
        level = sc.population.target_rate if m.kind == "goal" else m.level
        targets.append(
            Target(
                m.name,
                m.kind,
                m.measure or head.measure,
                observed,
                m.sd_days / days,
                m.holdout,
                level=level,
                when=m.date,
            )
        )
    if spec.end_level is not None:
        e = spec.end_level
        targets.append(Target("end_level", "end_level", e.measure or head.measure, e.value, e.sd, e.holdout))
    if stop is None:
        stop = last
    steps = int((stop - head.start).days // days) + 1
    most = PARAMETERS["steps"].high or 10_000
    if not 1 <= steps <= most:
        where.fail("patterns.end", f"{steps} steps from the start; a run is 1 to {most:g} steps")
    if not any(not t.holdout for t in targets):
        where.fail("(file)", "every pattern is a holdout; leave at least one to fit")
    return Patterns(spec, where.label, digest, scenario, days, steps, tuple(targets))


def _check_parameters(spec: PatternsSpec, where: Where) -> None:
    if not spec.parameters:
        where.fail(
            "parameters", "no parameters to infer; give at least one, e.g. build_rate = { low = 0.02, high = 0.2 }"
        )
    for name, prior in spec.parameters.items():
        loc = f"parameters.{name}"
        _known(where, loc, name)
        p = PARAMETERS[name]
        if p.kind not in ("float", "int"):
            where.fail(loc, f"only numbers can be inferred; {name} is a {p.kind}: put it in [fixed]")
        for key in ("low", "high"):
            try:
                p.convert(getattr(prior, key))
            except ParameterError as err:
                where.fail(f"{loc}.{key}", str(err))
        if not prior.low < prior.high:
            where.fail(f"{loc}.low", f"{prior.low:g} is not below high {prior.high:g}")
        if prior.prior == "loguniform" and prior.low <= 0:
            where.fail(f"{loc}.low", "a loguniform prior needs low above 0")
    for name, value in spec.fixed.items():
        loc = f"fixed.{name}"
        _known(where, loc, name)
        if name in spec.parameters:
            where.fail(loc, "is also in [parameters]; a parameter is either inferred or fixed")
        try:
            PARAMETERS[name].from_file(value)
        except ParameterError as err:
            where.fail(loc, str(err))


RESERVED = ("steps",)  # the horizon comes from the calendar


def _known(where: Where, loc: str, name: str) -> None:
    if name in RESERVED:
        where.fail(loc, "the horizon comes from the calendar ([patterns] start and end)")
    if name not in PARAMETERS:
        where.fail(loc, f"unknown parameter; {suggest(name, [n for n in PARAMETERS if n not in RESERVED])}")


def fixed_values(patterns: Patterns) -> dict:
    """The ``[fixed]`` parameters, converted."""
    return {k: PARAMETERS[k].convert(v) for k, v in patterns.spec.fixed.items()}
