"""The page's pictures: the network, the four live charts, and the runs compared.

Each is an SVG built from the week's :class:`View` and shown by
:func:`sim.viz.figure.Figures`, which also saves it as PNG. The components read the
session's reactive view, so they (and only they) redraw when a week is shown.
"""

from __future__ import annotations

import solara

from sim.viz.charts_svg import compare_svg, live_charts
from sim.viz.figure import Figures, picture
from sim.viz.network_svg import NARROW, NARROW_BELOW, WIDE, network_svg

# while Play runs, the comparison is redrawn every few weeks only
COMPARE_EVERY = 8
PANEL = "coalition-panel"
CHART_TITLES = {
    "rate": "outcome chart",
    "trust": "trust chart",
    "members": "organizations chart",
    "money": "money chart",
}


@solara.component
def NetworkPanel(view: solara.Reactive, filename: str):
    """The network, laid out for a phone when the browser draws it narrow."""
    width, set_width = solara.use_state(0)
    layout = NARROW if 0 < width < NARROW_BELOW else WIDE
    shown = picture(network_svg(view.value, layout), "network", "network", f"{filename}-network.png")
    return Figures(pictures=[shown], kind=PANEL + " coalition-network", width=width, on_width=set_width)


@solara.component
def ChartsPanel(view: solara.Reactive, filename: str):
    """The four live charts, in one widget."""
    shown = [picture(svg, name, CHART_TITLES[name], f"{filename}-{name}.png") for name, svg in live_charts(view.value)]
    return Figures(pictures=shown, kind=PANEL + " coalition-charts")


@solara.component
def ComparePanel(view: solara.Reactive, session, playing: bool, filename: str):
    """The expected outcome of this run and the last few, overlaid."""
    now = view.value
    when = (session.number, now.week // COMPARE_EVERY if playing and not now.finished else now.week)
    svg = solara.use_memo(lambda: compare_svg(session.compared(now), now), [when])
    return Figures(
        pictures=[picture(svg, "compare", "comparison of runs", f"{filename}-compare.png")],
        kind=PANEL + " coalition-card coalition-compare",
        heading="Compare runs",
        note="Each Reset keeps the run before it here (the last few runs); labels show the settings that differ.",
    )
