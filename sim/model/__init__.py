"""The model and its mechanisms: agents, the people affected, trust, diagnosis, money.

``CoalitionModel`` wires the parts (``model.py``); each mechanism is one module.
Nothing here imports the runs, sweeps or interfaces above it.
"""

from sim.model.community import CommunityPartner
from sim.model.leader import SystemLeader
from sim.model.model import CoalitionModel
from sim.model.organization import Organization, State
from sim.model.runner import run

__all__ = ["CoalitionModel", "CommunityPartner", "Organization", "State", "SystemLeader", "run"]
