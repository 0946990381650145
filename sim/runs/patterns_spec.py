"""The patterns file's schema, declared once with pydantic (see docs/calibration.md).

:mod:`sim.runs.patterns` reads a file into :class:`PatternsSpec` and checks what refers to
what (the scenario, the calendar, the parameter table).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from sim.model.reporters import MODEL_REPORTERS
from sim.scenario.messages import suggest, type_name
from sim.scenario.spec import Between, Name, Names, Section

MilestoneKind = Literal["first_commitment", "first_data_shared", "half_gap", "level", "goal"]
MILESTONES = get_args(MilestoneKind)
NOT_MEASURES = ("goal_reached", "steps_to_goal")  # yes/no and a step, not levels
MEASURES = tuple(m for m in MODEL_REPORTERS if m not in NOT_MEASURES)


def _date(value):
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise PydanticCustomError(
            "date", "expected a date like 1997-10-01 (no quotes), got {got}", {"got": type_name(value)}
        )
    return value


def _measure(value):
    if isinstance(value, str) and value not in MEASURES:
        raise PydanticCustomError(
            "measure", "{text}", {"text": f"{value!r} is not a model reporter; {suggest(value, MEASURES)}"}
        )
    return value


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


Date = Annotated[dt.date, BeforeValidator(_date)]
Measure = Annotated[str, BeforeValidator(_measure)]
Scale = Annotated[float, Between(1e-9, 1e9)]


class Header(Section):
    """``[patterns]``: the scenario and the calendar."""

    scenario: Name = Field(description="a scenario name or a path (relative to this file)")
    title: str = Field("", description="a title for figures")
    outcome: str | None = Field(None, description="the scenario's outcome, in its words (checked)")
    days_per_step: Annotated[float, Between(1, 366)] | None = Field(
        None, description="real days per step (checked against the scenario's)"
    )
    start: Date = Field(description="the date of model step 0")
    end: Date | None = Field(None, description="the horizon (default: the last observation)")
    measure: Measure = Field("expected_rate", description="the model reporter the patterns describe")
    sources: Names = Field((), description="where the numbers come from")


class Point(Section):
    """One observation of a series: in a calendar ``year`` (its mean) or on a ``date``."""

    year: Annotated[int, Between(1000, 3000)] | None = Field(None, description="a calendar year (the model's mean)")
    date: Date | None = Field(None, description="a day (the model's value that week)")
    value: Annotated[float, Between(0, 1e12)] = Field(description="the observed value")
    holdout: bool = Field(False, description="predicted, not fitted (an out-of-sample check)")


class Series(Section):
    """``[[series]]``: observations over years; ``relative``: divided by the first point's."""

    name: Name = Field(description="a name for tables and figures")
    measure: Measure | None = Field(None, description="default: [patterns] measure")
    relative: bool = Field(True, description="compare values relative to the first point (which is not fitted)")
    sd: Scale = Field(description="how far off a model value may be, in the units compared")
    points: Annotated[tuple[Point, ...], BeforeValidator(_as_tuple)] = Field(
        min_length=2, description="the observations, in time order"
    )
    sources: Names = Field((), description="where the numbers come from")


class Milestone(Section):
    """``[[milestones]]``: the date something first happened."""

    name: Name = Field(description="a name for tables and figures")
    kind: MilestoneKind = Field(description=", ".join(MILESTONES))
    date: Date = Field(description="when it happened")
    sd_days: Annotated[float, Between(1, 36500)] = Field(description="how far off the model may be, in days")
    level: Annotated[float, Between(1e-6, 10)] | None = Field(
        None, description="kind = level: the outcome at or under this fraction of its start"
    )
    measure: Measure | None = Field(None, description="default: [patterns] measure")
    holdout: bool = Field(False, description="predicted, not fitted")
    source: str = Field("", description="where it comes from")


class EndLevel(Section):
    """``[end_level]``: the level over the last year relative to the first month."""

    value: Annotated[float, Between(0, 1e6)] = Field(description="end over start")
    sd: Scale = Field(description="how far off the model may be")
    measure: Measure | None = Field(None, description="default: [patterns] measure")
    holdout: bool = Field(False, description="predicted, not fitted")
    source: str = Field("", description="where it comes from")


class Prior(Section):
    """A parameter to infer: a uniform or log-uniform prior between ``low`` and ``high``."""

    low: float = Field(description="lowest value, within the parameter's range")
    high: float = Field(description="highest value, above low")
    prior: Literal["uniform", "loguniform"] = Field("uniform", description="uniform or loguniform")


class PatternsSpec(Section):
    """A whole patterns file."""

    patterns: Header = Field(description="the scenario and the calendar")
    series: Annotated[tuple[Series, ...], BeforeValidator(_as_tuple)] = Field((), description="yearly series")
    milestones: Annotated[tuple[Milestone, ...], BeforeValidator(_as_tuple)] = Field(
        (), description="dates of first events"
    )
    end_level: EndLevel | None = Field(None, description="the end level relative to the start")
    parameters: dict[str, Prior] = Field(description="what to infer")
    fixed: dict[str, Any] = Field(default_factory=dict, description="parameters held at one value")
