"""Coalition: organizations that were never built to cooperate, forming a coalition.

An agent-based model on Mesa after the chapter "How to Unite the Right People".

The names below are imported when first used (PEP 562): ``import sim`` and the command
line's error paths stay fast, and ``from sim import CoalitionModel`` works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_exports

if TYPE_CHECKING:
    from sim.model import CoalitionModel, CommunityPartner, Organization, State, SystemLeader, run
    from sim.model.params import PARAMETERS, ParameterError
    from sim.scenario import ScenarioError, available_scenarios, dump_scenario, load_scenario
    from sim.scenario.roles import ROLES

_HOMES = {
    "__version__": "sim.version",
    "PARAMETERS": "sim.model.params",
    "ParameterError": "sim.model.params",
    "ROLES": "sim.scenario.roles",
    "CoalitionModel": "sim.model",
    "CommunityPartner": "sim.model",
    "Organization": "sim.model",
    "State": "sim.model",
    "SystemLeader": "sim.model",
    "run": "sim.model",
    "ScenarioError": "sim.scenario",
    "available_scenarios": "sim.scenario",
    "dump_scenario": "sim.scenario",
    "load_scenario": "sim.scenario",
}
__all__ = [
    "CoalitionModel",
    "CommunityPartner",
    "Organization",
    "PARAMETERS",
    "ParameterError",
    "ROLES",
    "ScenarioError",
    "State",
    "SystemLeader",
    "available_scenarios",
    "dump_scenario",
    "load_scenario",
    "run",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
