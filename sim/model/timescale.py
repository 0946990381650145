"""The parameters counted in weeks, rescaled for a scenario whose step is not a week.

A scenario's ``days_per_step`` renames a step and nothing else: every parameter counted in
weeks or per week is then counted in steps (docs/scenarios.md, "Units"). :func:`rescaled`
applies that page's rules with ``k = days_per_step / 7``, so a researcher does not do them
by hand: a span of weeks is divided by ``k``; a weekly chance ``p`` becomes
``1 - (1 - p)**k``; a count a week (``invites_per_step``) becomes ``k`` times as many, rounded;
a smoothing weight ``a`` (the newest step's weight in a running average) becomes
``1 - (1 - a)**k``. A 0 (never, none) stays 0; whole-number parameters are rounded, a value
above 0 to at least 1; and every value is kept within its parameter's range. ``system_lag`` and
``setback_rate`` default to the scenario's own values, already in steps, so they are rescaled
only when given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sim.model.params import PARAMETERS

SPANS, CHANCES, COUNTS, WEIGHTS = "weeks", "per week", "count", "weight"
COUNTED = frozenset({"invites_per_step"})  # "per week" but a whole number of things, not a chance


def kind_of(name: str) -> str | None:
    """How a parameter scales with the step's length: a span, a chance, a count, a weight, or None (it does not)."""
    unit = PARAMETERS[name].unit
    if name in COUNTED:
        return COUNTS
    return unit if unit in (SPANS, CHANCES, WEIGHTS) else None


def by_rule(name: str, value: float, days_per_step: float) -> float:
    """``value`` of parameter ``name``, given for weeks, rescaled by the rule alone (not rounded or kept in range)."""
    k = days_per_step / 7.0
    kind = kind_of(name)
    if kind is None or value == 0 or k == 1:
        return value
    if kind == SPANS:
        return value / k
    if kind == COUNTS:
        return value * k
    return 1.0 - (1.0 - value) ** k  # a chance or a weight: the same chance over k weeks as over one step


def _unbounded(name: str, value: float, days_per_step: float) -> float:
    """The rule's value, a whole-number parameter rounded (a value above 0 to at least 1), before the range."""
    new = by_rule(name, value, days_per_step)
    if PARAMETERS[name].kind == "int":
        return max(1, round(new)) if value > 0 else round(new)
    return new


def scale(name: str, value: float, days_per_step: float) -> float | int:
    """``value`` of parameter ``name``, given for weeks, for steps of ``days_per_step`` days.

    A whole-number parameter is rounded, but a value above 0 stays at least 1 (0 means never or
    none: two invitations a week are one a day, not none); the result is kept within the
    parameter's range (:func:`capped` says when that changed it).
    """
    p = PARAMETERS[name]
    low = p.low if p.low is not None else -math.inf
    high = p.high if p.high is not None else math.inf
    new = min(max(_unbounded(name, value, days_per_step), low), high)
    return int(new) if p.kind == "int" else float(new)


def capped(name: str, value: float, days_per_step: float) -> bool:
    """Whether the parameter's range, not the rule, set the rescaled ``value`` (patience 100 weeks at daily steps)."""
    return scale(name, value, days_per_step) != _unbounded(name, value, days_per_step)


def rescaled(days_per_step: float, params: Mapping | None = None) -> dict:
    """Every parameter that scales with the step's length, for steps of ``days_per_step`` days.

    Args:
        days_per_step: the scenario's step, in days.
        params: values for weekly steps to rescale instead of the defaults (others keep the
            defaults, rescaled); a model parameter that does not scale is passed through as
            given (a name that is no parameter raises KeyError).

    Returns:
        ``{name: value}``: each scaling parameter whose default is a number (not the
        scenario's), and each one in ``params``.
    """
    given = dict(params or {})
    names = [n for n in PARAMETERS if kind_of(n) is not None and PARAMETERS[n].default is not None]
    names += [n for n in given if n not in names]
    out = {}
    for name in names:
        value = given.get(name, PARAMETERS[name].default)
        out[name] = scale(name, value, days_per_step) if kind_of(name) is not None else value
    return out


# the scenario's own fields counted in its steps, and the model parameter each sets
SCENARIO_STEP_FIELDS = (("interventions.system_lag", "system_lag"), ("setbacks.rate", "setback_rate"))


def scenario_weekly_defaults(spec) -> list[tuple[str, str, float]]:
    """The scenario's own step-counted fields it leaves out: ``(field, parameter, the format's default)``.

    ``[interventions] system_lag`` and ``[setbacks] rate`` are in the scenario's steps; left out,
    they take the format's defaults, which were made for weeks.
    """
    out = []
    for field, name in SCENARIO_STEP_FIELDS:
        section, key = field.split(".")
        table = getattr(spec, section)
        if key not in table.model_fields_set:
            out.append((field, name, getattr(table, key)))
    return out


def left_out_defaults(spec) -> dict:
    """``{parameter: weekly default}`` of the step-counted fields a non-weekly scenario leaves out ({} at weekly steps).

    At weekly steps they are left to the scenario (a preset that pinned them would override a
    value the file gives later).
    """
    if spec.header.days_per_step == 7:
        return {}
    return {name: value for _, name, value in scenario_weekly_defaults(spec)}


def rescaled_for(spec, params: Mapping | None = None) -> dict:
    """:func:`rescaled` for a scenario's step, with the weekly defaults of the step-counted fields it leaves out."""
    return rescaled(spec.header.days_per_step, {**left_out_defaults(spec), **(params or {})})
