"""One run with everything a sweep may record: results, per-step series, organizations, parameters.

``sim.run`` returns run-level results only; a sweep that also records per-step series or
organizations' end states builds the model here, steps it the same way
(:func:`sim.model.runner.advance`) and reads the same results
(:func:`sim.model.runner.results`), so a row is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.reporters import ORGANIZATION_REPORTERS
from sim.model.runner import advance, plain, results


@dataclass
class Recorded:
    """What one run gives: ``result`` as :func:`sim.run` returns it, and what else was asked for.

    Unlike :func:`sim.run`, ``result`` keeps None for weeks of events that never happened.
    """

    result: dict
    parameters: dict
    per_step: dict | None = None
    organizations: list | None = None


def record(
    scenario, steps: int | None, seed: int, params: dict, *, stop_at_goal=False, series=False, organizations=False
) -> Recorded:
    """Run one model and record it.

    Args:
        scenario: a scenario name, path or Scenario.
        steps: the horizon (None: the scenario's).
        seed: the run's seed.
        params: model keyword parameters.
        stop_at_goal: stop in the week the goal is reached.
        series: also keep every model reporter at every step (step 0: before the first week).
        organizations: also keep each organization's state at the end.
    """
    from sim.model.model import CoalitionModel

    model = CoalitionModel(scenario, steps=steps, rng=seed, **params)
    model.collect_steps = series
    advance(model, stop_at_goal)
    per_step = {name: list(values) for name, values in model.datacollector.model_vars.items()} if series else None
    orgs = organization_rows(model) if organizations else None
    return Recorded(results(model, censor=()), resolved_parameters(model), per_step, orgs)


# where the model keeps a parameter it resolved, when not under the parameter's own name
ATTRIBUTES: dict[str, str] = {"steps": "horizon"}


def resolved_parameters(model) -> dict:
    """Every parameter of the table as the model used it (a default of None resolved from the scenario)."""
    out = {}
    for name, value in vars(model.params).items():
        out[name] = plain(getattr(model, ATTRIBUTES.get(name, name), None) if value is None else value)
    return out


def organization_rows(model) -> list[dict]:
    """Each organization at the end of the run: name, sector, its reporters, the week it joined."""
    rows = []
    for org in model.organizations:
        row = {"organization": org.name, "sector": org.sector}
        for key, reporter in ORGANIZATION_REPORTERS.items():
            if key != "name":
                row[key] = plain(reporter(org) if callable(reporter) else getattr(org, str(reporter)))
        row["joined_step"] = org.joined_step
        rows.append(row)
    return rows


def run_series(scenario, steps: int | None, seed: int, params: dict) -> dict:
    """One run's per-step model reporters (name -> list of values, step 0 first), as a sweep records them."""
    per_step = record(scenario, steps, seed, params, series=True).per_step
    assert per_step is not None  # series=True always records them
    return per_step
