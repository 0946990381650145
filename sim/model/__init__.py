"""The model and its mechanisms: agents, the people affected, trust, diagnosis, money.

``CoalitionModel`` wires the parts (``model.py``); each mechanism is one module.
Nothing here imports the runs, sweeps or interfaces above it.

The names below are imported when first used (PEP 562), so that ``sim.model.params`` and
the command line's error paths do not pay for importing Mesa, pandas and SciPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_exports

if TYPE_CHECKING:
    from sim.model.community import CommunityPartner
    from sim.model.leader import SystemLeader
    from sim.model.model import CoalitionModel
    from sim.model.organization import Organization, State
    from sim.model.runner import run

_HOMES = {
    "CoalitionModel": "sim.model.model",
    "CommunityPartner": "sim.model.community",
    "Organization": "sim.model.organization",
    "State": "sim.model.organization",
    "SystemLeader": "sim.model.leader",
    "run": "sim.model.runner",
}
__all__ = ["CoalitionModel", "CommunityPartner", "Organization", "State", "SystemLeader", "run"]

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
