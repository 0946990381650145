"""The page's sliders and selectors, built from the parameter table ``sim.params.PARAMETERS``.

Ranges and choices are read from the table, never repeated here; this module only says
which parameters a teacher sees, in what order, and with what slider step.
"""

from __future__ import annotations

from sim.model.params import PARAMETERS
from sim.scenario.load import available_scenarios
from sim.viz.lenient import DEFAULT_SCENARIO, NO_ROLE

# (parameter, label, slider step); order is the order on the page
SHOWN = (
    ("patience", "Patience (weeks)", 1),
    ("initial_trust", "Initial trust", 0.05),
    ("leader", "Leader", None),
    ("translation", "Leader skill: translation", 0.05),
    ("trust_building", "Leader skill: trust building", 0.05),
    ("shared_metric", "Leader skill: shared metric", 0.05),
    ("community", "Community", None),
    ("missing_role", "Missing role", None),
)
DEFAULT_SEED = "42"


def scenario_choices() -> list[str]:
    """Shipped scenarios, the default first."""
    names = available_scenarios()
    return [DEFAULT_SCENARIO] + [n for n in names if n != DEFAULT_SCENARIO]


def control(name: str, label: str, step=None, value=None) -> dict:
    """One SolaraViz input for parameter ``name``, from its row in ``PARAMETERS``.

    Args:
        name: a key of ``PARAMETERS``.
        label: what the page shows.
        step: slider step for numbers (whole numbers use a ``SliderInt`` when step is 1).
        value: the starting value (default: the table's default).
    """
    param = PARAMETERS[name]
    value = param.default if value is None else value
    if param.kind == "choice":
        values = [c if c else NO_ROLE for c in param.choices]
        return {"type": "Select", "label": label, "value": value if value else NO_ROLE, "values": values}
    if param.kind == "bool":
        return {"type": "Checkbox", "label": label, "value": bool(value)}
    whole = param.kind == "int" or (step == 1 and float(value).is_integer())
    return {
        "type": "SliderInt" if whole else "SliderFloat",
        "label": label,
        "value": int(value) if whole else float(value),
        "min": int(param.low) if whole else float(param.low),
        "max": int(param.high) if whole else float(param.high),
        "step": step or (1 if whole else 0.01),
    }


def model_params(scenario_name: str = DEFAULT_SCENARIO, seed: str = DEFAULT_SEED) -> dict:
    """The ``model_params`` of SolaraViz: scenario, the parameters in ``SHOWN``, and the seed.

    Keys are the model's keywords: ``scenario_name`` (never ``scenario``, which Mesa's
    Reset would replace with its own Scenario object) and ``rng`` (a text box; the model
    turns text that is not a number into a visible message).
    """
    choices = scenario_choices()
    if scenario_name not in choices:
        choices.append(scenario_name)
    params = {"scenario_name": {"type": "Select", "label": "Scenario", "value": scenario_name, "values": choices}}
    for name, label, step in SHOWN:
        params[name] = control(name, label, step)
    params["rng"] = {"type": "InputText", "label": "Seed (a whole number)", "value": seed}
    return params


def initial_values(params: dict) -> dict:
    """The values the page starts with, as keywords for the model."""
    return {name: spec["value"] for name, spec in params.items()}
