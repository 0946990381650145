"""The EMA workbench: a coalition model as an ``ema_workbench`` model in one call.

``pip install 'coalition[ema]'``, then::

    from ema_workbench import perform_experiments
    from sim.runs.ema import ema_model

    model = ema_model("chicago_absenteeism", {"patience": (4, 104), "leader": ["system", "point"]})
    experiments, outcomes = perform_experiments(model, scenarios=100)

The model's function is :func:`sim.run` (``sim.model.runner.censored``), with every week
of an event that never happened (``steps_to_goal``, ``first_commitment``...) censored at the
week the run ended rather than None or NaN (it pickles, so EMA's ``MultiprocessingEvaluator``
works too); results are plain floats, ints and booleans, so EMA's result arrays, feature
scoring and PRIM take them as they are. Randomness is explicit, as EMA
recommends: with ``replications=None`` every experiment runs with the one seed ``seed``
(common random numbers across experiments); with ``replications=n`` the model is an EMA
``ReplicatorModel`` whose replication ``i`` has the seed of a sweep's replicate ``i``
(:func:`sim.runs.replicates.replicate_seeds`), and each outcome is an array of ``n`` values.
"""

from __future__ import annotations

from sim.model.params import PARAMETERS, ParameterError
from sim.model.runner import censored
from sim.runs.extras import require
from sim.runs.replicates import replicate_seeds
from sim.scenario.load import load_scenario, short_horizon

OUTCOMES = ("goal_reached", "steps_to_goal", "final_rate", "mean_trust", "coalition_size", "diagnosis_accuracy")


def ema_model(
    scenario: str = "chicago_absenteeism",
    uncertainties: dict | None = None,
    *,
    outcomes=OUTCOMES,
    constants: dict | None = None,
    steps: int | None = None,
    seed: int = 0,
    replications: int | None = None,
    name: str = "coalition",
):
    """An EMA workbench model of ``scenario``.

    Args:
        scenario: a scenario name or path.
        uncertainties: parameter name -> ``(low, high)`` (a range) or a list of options; None
            for a name means its whole range in the parameter table.
        outcomes: keys of :func:`sim.run`'s result, as EMA scalar outcomes.
        constants: parameter name -> one value, the same in every experiment.
        steps: the horizon (default: the scenario's).
        seed: the seed of every experiment, or the master seed of the replications.
        replications: seeded replications per experiment (an EMA ``ReplicatorModel``); each
            outcome is then the mean over them (for ``goal_reached``, the share that reached it).
        name: the model's name in EMA (letters, digits and underscores).

    Raises:
        MissingExtra: the ``ema`` extra is not installed.
        ParameterError: an unknown parameter, a value outside its range, or a horizon (``steps``,
            or the low end of a ``steps`` uncertainty) shorter than the goal's ``hold_steps``.
    """
    ema = require("ema_workbench", "sim.runs.ema")
    model = (ema.ReplicatorModel if replications else ema.Model)(name, function=censored)
    model.uncertainties = [parameter(ema, k, v) for k, v in (uncertainties or {}).items()]
    fixed = {"scenario_name": scenario} | {k: _known(k).convert(v) for k, v in (constants or {}).items()}
    if steps is not None:
        fixed["steps"] = PARAMETERS["steps"].convert(steps)
    _check_horizons(scenario, fixed, model.uncertainties)
    if replications:
        model.replications = [{"rng": s} for s in replicate_seeds(replications, seed)]
    else:
        fixed["rng"] = seed
    model.constants = [ema.Constant(k, v) for k, v in fixed.items()]
    # with replications each outcome is their mean (a share for a yes/no one): EMA wants one number
    mean = _mean if replications else None
    model.outcomes = [ema.ScalarOutcome(o, function=mean) for o in outcomes]
    return model


def _mean(values) -> float:
    """The mean of one outcome over an experiment's replications (picklable, for EMA's workers)."""
    return float(sum(float(v) for v in values) / len(values))


def _check_horizons(scenario, fixed: dict, uncertainties: list) -> None:
    """Refuse, when the model is built, a horizon sim.run would refuse in every experiment (shorter than the hold)."""
    horizons = [fixed["steps"]] if "steps" in fixed else []
    for u in uncertainties:
        if u.name == "steps":
            low = getattr(u, "lower_bound", None)
            horizons += [low] if low is not None else [c.value for c in getattr(u, "categories", ())]
    shortest = min((h for h in horizons if h is not None), default=None)
    problem = short_horizon(load_scenario(scenario), shortest)
    if problem:
        raise ParameterError(f"steps = {shortest}: {problem}")


def parameter(ema, name: str, values):
    """The EMA parameter for one of the model's parameters: a range or a list of options."""
    p = _known(name)
    if isinstance(values, list) or p.kind in ("choice", "bool"):
        options = [p.convert(v) for v in (values if values is not None else p.choices or (True, False))]
        return ema.CategoricalParameter(name, options)
    low, high = values if values is not None else (p.low, p.high)
    if high is None:
        raise ParameterError(f"{name}: give its range; the parameter table has no upper bound")
    low, high = p.convert(low), p.convert(high)
    return (ema.IntegerParameter if p.kind == "int" else ema.RealParameter)(name, low, high)


def _known(name: str):
    if name not in PARAMETERS:
        raise ParameterError(f"{name}: not a parameter of the model; expected one of {', '.join(PARAMETERS)}")
    return PARAMETERS[name]
