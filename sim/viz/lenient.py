"""A model for the browser: out-of-range values and text seeds become visible messages.

The page builds a model from whatever a URL or a text box holds; an exception there would
break a student's tab. :class:`ClassroomModel` takes the same keywords as
:class:`sim.CoalitionModel`, converts what it can (a number out of range is clamped into
range, a text seed is replaced by a fresh numeric one), and lists what it changed in
``app_messages`` so the page can show it.
"""

from __future__ import annotations

import inspect
import math
import secrets
from pathlib import Path

from sim.model.model import CoalitionModel
from sim.model.params import PARAMETERS, ParameterError
from sim.model.seeding import normalize_rng
from sim.scenario.load import available_scenarios
from sim.scenario.messages import ScenarioError

DEFAULT_SCENARIO = "chicago_absenteeism"
NO_ROLE = "(none)"  # how the app shows missing_role="" in a selector


def lenient_value(name: str, value):
    """Return ``(converted value, message or "")`` for one model parameter.

    A number out of range is clamped to the nearest bound; anything else that
    :meth:`sim.params.Parameter.convert` refuses falls back to the default.
    """
    param = PARAMETERS[name]
    if name == "missing_role" and value in (NO_ROLE, "none"):  # the selector's word; no role is called none
        value = ""
    try:
        return param.convert(value), ""
    except ParameterError as err:
        # a box left empty in words, not as the quotes of an empty string ('')
        problem = "left empty" if isinstance(value, str) and not value.strip() else str(err)
    if param.kind in ("int", "float"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is not None and number == number:  # not NaN
            low = param.low if param.low is not None else number
            high = param.high if param.high is not None else number
            clamped = min(max(number, low), high)
            if param.kind == "int":
                clamped = round(clamped)
            return param.convert(clamped), f"{name}: {problem}; used {clamped:g}"
    if param.default is None:
        shown = "the scenario's value"
    elif isinstance(param.default, float):
        shown = f"{param.default:g}"
    else:
        shown = repr(param.default) if param.default != "" else "none"
    return param.default, f"{name}: {problem}; used {shown}"


def lenient_seed(value, keep=None):
    """Return ``(seed, message or "")``: a usable seed; for text, ``keep`` (the seed in use) or a fresh one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return (secrets.randbelow(10**6) if keep is None else keep), ""
    try:
        return normalize_rng(value), ""
    except ParameterError as err:
        nearest = _nearest_whole(value)
        if nearest is not None:  # a number that is not whole: the nearest whole one
            return nearest, f"seed: {value} is not a whole number; uses seed {nearest} instead"
        problem = str(err).removeprefix("rng: ")
        if keep is not None:
            return keep, f"seed: {problem}; kept seed {keep}"
        seed = secrets.randbelow(10**6)
        return seed, f"seed: {problem}; uses seed {seed} instead"


def _nearest_whole(value) -> int | None:
    """The whole seed nearest a number given as text or a float (None when it is no usable number)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    nearest = math.floor(number + 0.5)
    try:
        return normalize_rng(nearest)
    except ParameterError:
        return None


class ClassroomModel(CoalitionModel):
    """:class:`sim.CoalitionModel` that never refuses a value from the page.

    Takes exactly the keywords of :class:`sim.CoalitionModel` (its signature is copied,
    so Mesa's SolaraViz and ``batch_run`` see the same names). ``app_messages`` lists every
    value that was converted or refused, in plain words; ``seed`` is the seed actually used.
    """

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, **params):  # noqa: D417 - see CoalitionModel
        messages = []
        values = {}
        for name, value in params.items():
            if name == "rng":
                continue
            if name not in PARAMETERS:
                messages.append(f"{name}: not a parameter of the model; ignored")
                continue
            values[name], message = lenient_value(name, value)
            if message:
                messages.append(message)
        seed, message = lenient_seed(params.get("rng"))
        if message:
            messages.append(message)
        if str(scenario_name) not in available_scenarios() and not Path(str(scenario_name)).is_file():
            messages.append(f"scenario: {scenario_name!r} is not a shipped scenario; used {DEFAULT_SCENARIO!r}")
            scenario_name = DEFAULT_SCENARIO
        try:
            super().__init__(scenario_name, rng=seed, **values)
        except ScenarioError as err:
            messages.append(f"scenario: {err}; used {DEFAULT_SCENARIO!r}")
            super().__init__(DEFAULT_SCENARIO, rng=seed, **values)
        self.seed = seed
        self.app_messages = messages


ClassroomModel.__init__.__signature__ = inspect.signature(CoalitionModel.__init__)  # type: ignore[attr-defined]
