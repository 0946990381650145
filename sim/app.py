"""The classroom page: ``solara run sim/app.py`` (or ``coalition viz``).

A Mesa SolaraViz page for :class:`sim.CoalitionModel`: the network, live plots, a
narration of the week's events, a "what to notice" panel, and sliders bound to the
model's keyword parameters (see :mod:`sim.viz`). ``COALITION_SCENARIO`` in the
environment picks the scenario shown first (``coalition viz --scenario NAME`` sets it).
"""

from __future__ import annotations

import os

from sim.viz.lenient import DEFAULT_SCENARIO
from sim.viz.page import make_page

page = make_page(os.environ.get("COALITION_SCENARIO") or DEFAULT_SCENARIO)
