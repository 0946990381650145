"""Coalition: organizations that were never built to cooperate, forming a coalition.

An agent-based model on Mesa after the chapter "How to Unite the Right People".
"""

from sim.community import CommunityPartner
from sim.leader import SystemLeader
from sim.model import CoalitionModel
from sim.organization import Organization, State
from sim.params import PARAMETERS, ROLES, ParameterError
from sim.runner import run
from sim.scenario import available_scenarios, dump_scenario, load_scenario
from sim.schema import ScenarioError

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
__version__ = "0.1.0"
