"""The classroom page (``coalition viz``): one run per browser tab, on any screen.

* :mod:`sim.viz.view` -- the one module that reads the model: a plain snapshot of a week;
* :mod:`sim.viz.svg`, :mod:`sim.viz.network_svg`, :mod:`sim.viz.charts_svg` -- the pictures, as SVG;
* :mod:`sim.viz.settings`, :mod:`sim.viz.lenient` -- a tab's settings, lesson ranges, forgiving values;
* :mod:`sim.viz.session` -- one tab's runs, Play and Pause;
* :mod:`sim.viz.page` and its panels (:mod:`~sim.viz.panels`, :mod:`~sim.viz.pictures`,
  :mod:`~sim.viz.controls`, :mod:`~sim.viz.advice`, :mod:`~sim.viz.figure`) -- the Solara page.
"""
