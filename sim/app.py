"""The classroom page: ``solara run sim/app.py`` (or ``coalition viz``).

Every browser tab gets its own run of :class:`sim.CoalitionModel` (see :mod:`sim.viz.page`).
``COALITION_SCENARIO`` in the environment picks the scenario a new tab shows first
(``coalition viz --scenario NAME`` sets it).
"""

from __future__ import annotations

from sim.viz.page import Layout, Page, configure_server

configure_server()

__all__ = ["Layout", "Page"]
