"""Scenarios: the upstream problem as data (TOML files), checked on reading.

The lowest layer: it imports nothing else of ``sim``. See ``docs/scenarios.md``.
"""

from sim.scenario.load import (
    SCENARIO_DIR,
    available_scenarios,
    dump_scenario,
    load_scenario,
    parse_scenario,
    scenario_from_dict,
    scenario_path,
)
from sim.scenario.messages import ScenarioError
from sim.scenario.spec import Scenario

__all__ = [
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "available_scenarios",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
    "scenario_path",
]
