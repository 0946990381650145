"""Coalition: organizations that were never built to cooperate, forming a coalition.

An agent-based model on Mesa after the chapter "How to Unite the Right People".
"""

from importlib import metadata

from sim.model import CoalitionModel, CommunityPartner, Organization, State, SystemLeader, run
from sim.model.params import PARAMETERS, ParameterError
from sim.scenario import ScenarioError, available_scenarios, dump_scenario, load_scenario
from sim.scenario.roles import ROLES

__all__ = [
    "PARAMETERS",
    "ROLES",
    "CoalitionModel",
    "CommunityPartner",
    "Organization",
    "ParameterError",
    "ScenarioError",
    "State",
    "SystemLeader",
    "available_scenarios",
    "dump_scenario",
    "load_scenario",
    "run",
]
try:
    __version__ = metadata.version("coalition")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
