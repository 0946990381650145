"""``sim.run``: one run as a plain function, for sweep engines, the EMA workbench, SALib and notebooks.

Results are plain Python scalars (``bool``, ``int``, ``float``, ``str``), never numpy types
and never ``None``, so any client can store them in an array or a table:

- ``steps_to_goal`` is a float: the week the goal was reached or, when it was not reached,
  the week the run ended (the horizon): right-censored, as survival analysis records it, with
  ``goal_reached`` as the event flag. NaN or None would break the EMA workbench's result
  arrays and its feature scoring, and SALib's indices; a finite number works everywhere.
- The other weeks of events that may never happen are censored the same way, each with its
  event flag: ``first_commitment`` (``commitment_made``), ``first_share``
  (``records_shared``), ``steps_to_half_gap`` (``half_gap_closed``).
- ``steps`` is the number of weeks run: the horizon, or fewer with ``stop_at_goal``.

:func:`run_uncensored` gives the same results with the weeks of events that never happened
as None instead (the sweep table's null; what the experiments average over).
"""

from __future__ import annotations

import numbers

from sim.model.model import CoalitionModel
from sim.model.params import ParameterError
from sim.model.reporters import run_summary
from sim.scenario.load import short_horizon

EVENT_WEEKS = ("steps_to_goal", "first_commitment", "first_share", "steps_to_half_gap")  # None: never happened
# each week's event flag: whether the event happened (sim.run censors the week when it did not)
EVENT_FLAGS = {
    "steps_to_goal": "goal_reached",
    "first_commitment": "commitment_made",
    "first_share": "records_shared",
    "steps_to_half_gap": "half_gap_closed",
}
CENSORED = ("steps_to_goal",)  # censored by run_uncensored too (goal_reached is its event flag)


def run(
    scenario_name: str = "chicago_absenteeism", steps: int | None = None, rng=None, *, stop_at_goal=False, **params
) -> dict:
    """Run one model to its horizon (or until the goal, with ``stop_at_goal``) and return run-level results.

    Args:
        scenario_name: a shipped scenario name, a path to a TOML file, or a Scenario.
        steps: horizon in weeks (None: the scenario's).
        rng: the seed (int, numeric string, numpy integer, SeedSequence or None).
        stop_at_goal: stop as soon as the goal is reached (the results are then those of that week).
        **params: any keyword parameter of :class:`sim.CoalitionModel`.

    Raises:
        ParameterError: a bad parameter, or ``steps`` shorter than the scenario's ``hold_steps``
            (the goal could never be reached).

    Returns:
        A flat dict of plain scalars (``bool``, ``int``, ``float``, ``str``; never None): the
        seven headline reporters at the end, ``steps`` (weeks run), and the signatures
        (``reach``, ``uptake``, ``money_spent``, ``system_changes``, ``exits``,
        ``diagnosed_cause``, ``spent_on_<circumstance>``...). Every week of an event is
        censored at the week the run ended when the event never happened; its flag says
        whether it did (see the module).
    """
    model = _ran(scenario_name, steps, rng, stop_at_goal=stop_at_goal, **params)  # no per-step table kept
    return results(model, censor=EVENT_WEEKS)


censored = run  # the name the EMA workbench's model function had (sim.runs.ema)


def run_uncensored(
    scenario_name: str = "chicago_absenteeism", steps: int | None = None, rng=None, *, stop_at_goal=False, **params
) -> dict:
    """:func:`run`, but ``first_commitment``, ``first_share`` and ``steps_to_half_gap`` are None if never reached."""
    return results(_ran(scenario_name, steps, rng, stop_at_goal=stop_at_goal, **params), censor=CENSORED)


def _ran(scenario_name="chicago_absenteeism", steps=None, rng=None, *, stop_at_goal=False, **params):
    model = CoalitionModel(scenario_name, steps=steps, rng=rng, **params)
    problem = short_horizon(model.spec, model.horizon)  # as the command line and sweep specs refuse it
    if problem:
        raise ParameterError(f"steps = {model.horizon}: {problem}")
    model.collect_steps = False
    advance(model, stop_at_goal)
    return model


def advance(model: CoalitionModel, stop_at_goal: bool = False, on_step=None) -> None:
    """Step ``model`` to its horizon, or until the goal is reached with ``stop_at_goal``.

    Args:
        model: a model not yet run.
        stop_at_goal: stop in the week the goal is reached.
        on_step: called after every week (progress reports).
    """
    while model.running:
        model.step()
        if on_step is not None:
            on_step()
        if stop_at_goal and model.goal_reached:
            break


def results(model: CoalitionModel, censor: tuple = CENSORED) -> dict:
    """The run-level results of a model that has run, as plain Python scalars (see the module).

    Args:
        model: a model that has run.
        censor: the weeks of events given as floats, the week the run ended when the event never
            happened; the others of :data:`EVENT_WEEKS` stay None (the sweep table's null).
    """
    out = {}
    for name, value in run_summary(model).items():
        if name in censor:
            value = float(model.steps if value is None else value)
        out[name] = plain(value)
    return out


def plain(value):
    """``value`` as a plain Python scalar (numpy booleans, integers and floats converted)."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if hasattr(value, "dtype") and value.dtype == bool:
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value
