"""The whole classroom page: Mesa's SolaraViz with the Coalition panels and controls."""

from __future__ import annotations

from mesa.visualization import SolaraViz

from sim.viz.components import PANELS
from sim.viz.controls import DEFAULT_SEED, initial_values, model_params
from sim.viz.lenient import DEFAULT_SCENARIO, ClassroomModel

# Play waits this long between steps, which leaves the server time to send each week to the browser
PLAY_INTERVAL_MS = 60


def make_page(scenario_name: str = DEFAULT_SCENARIO, seed: str = DEFAULT_SEED, model=None):
    """A SolaraViz page element for the scenario.

    Args:
        scenario_name: the scenario shown first (the selector can change it on Reset).
        seed: the seed shown first in the seed box.
        model: the model to show, or a ``solara.Reactive`` holding it (tests read the
            model Reset builds from it); default: a fresh :class:`ClassroomModel`.
    """
    params = model_params(scenario_name, seed)
    if model is None:
        model = ClassroomModel(**initial_values(params))
    return SolaraViz(
        model, components=list(PANELS), model_params=params, name="Coalition", play_interval=PLAY_INTERVAL_MS
    )
