"""The classroom page: a Mesa SolaraViz app for :class:`sim.CoalitionModel`.

``sim/app.py`` assembles the page from the parts here:

* :mod:`sim.viz.lenient` -- a model that turns bad slider values and seeds into messages;
* :mod:`sim.viz.controls` -- the sliders and selectors, built from ``sim.params.PARAMETERS``;
* :mod:`sim.viz.drawing` -- matplotlib figures of the network and the live plots;
* :mod:`sim.viz.components` -- the Solara components around them.
"""
