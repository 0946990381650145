"""``sim.run``: one run as a plain function, for sweep engines, SALib and notebooks."""

from __future__ import annotations

from sim.model.model import CoalitionModel
from sim.model.reporters import run_summary


def run(scenario_name: str = "chicago_absenteeism", steps: int | None = None, rng=None, **params) -> dict:
    """Run one model to its horizon and return run-level results.

    Args:
        scenario_name: a shipped scenario name or a path to a TOML file.
        steps: horizon in weeks (None: the scenario's).
        rng: the seed (int, numeric string, numpy integer, SeedSequence or None).
        **params: any keyword parameter of :class:`sim.CoalitionModel`.

    Returns:
        A flat dict: the seven headline reporters at the end, plus the signatures
        (``reach``, ``uptake``, ``money_spent``, ``system_changes``, ``exits``,
        ``diagnosed_cause``, ``spent_on_<circumstance>``...).

    """
    model = CoalitionModel(scenario_name, steps=steps, rng=rng, **params)
    model.collect_steps = False  # only run-level results are returned: skip the per-step table
    while model.running:
        model.step()
    return run_summary(model)
