"""The parts of the page that change every week: two widgets that a new week updates directly.

Solara redraws a page by walking its whole component tree; with thirty tabs playing at
ten weeks a second that walk cost more than the weeks themselves (see
docs/performance.md). So the week's numbers, words and pictures live in two plain
widgets, built once per tab: :class:`RunWidget` (the run's buttons and status, in the side
column) and :class:`LiveWidget` (monitors, network, charts, narration, roles and the runs
compared, in the main column). A new week sets their fields in one message each; the rest
of the page (settings, Info, export) stays Solara components, redrawn only when it changes.
"""

from __future__ import annotations

import threading

import ipyvue
import traitlets

from sim.viz.charts_svg import compare_svg, live_charts
from sim.viz.network_svg import NARROW, NARROW_BELOW, WIDE, network_svg
from sim.viz.panels import monitors_html, narration_html, roles_html, status
from sim.viz.session import SPEEDS
from sim.viz.view import View

# while Play runs, the comparison is redrawn every few weeks only
COMPARE_EVERY = 8
CHART_TITLES = {
    "rate": "outcome chart",
    "trust": "trust chart",
    "members": "members chart",
    "money": "money chart",
}
COMPARE_NOTE = "Each Reset keeps the run before it here (the last few runs); labels show the settings that differ."


def picture(svg: str, name: str, title: str, filename: str) -> dict:
    """One picture for the page.

    Args:
        svg: the SVG document.
        name: a short name (the CSS class ``coalition-figure-<name>``).
        title: what it shows, for its download button's label.
        filename: the PNG's file name.
    """
    return {"svg": svg, "name": name, "title": title, "filename": filename}


class RunWidget(ipyvue.VueTemplate):
    """Reset, Play/Pause, Step, the speed of Play and the run's status line.

    Args:
        handlers: ``reset``, ``play``, ``pause``, ``step`` (no argument) and ``speed`` (the
            chosen speed) callables; replace the dict's entries to change them.
    """

    template_file = (__file__, "run.vue")
    run = traitlets.Int(1).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    finished = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    speed = traitlets.Unicode("").tag(sync=True)
    speeds = traitlets.List(list(SPEEDS)).tag(sync=True)
    unit = traitlets.Unicode("week").tag(sync=True)  # what a step is called: the Step button's hint, the speeds

    def __init__(self, handlers: dict, **kwargs):
        super().__init__(**kwargs)
        self.handlers = handlers

    def vue_reset(self, _=None):
        """The Reset button."""
        self.handlers["reset"]()

    def vue_play(self, _=None):
        """The Play button."""
        self.handlers["play"]()

    def vue_pause(self, _=None):
        """The Pause button."""
        self.handlers["pause"]()

    def vue_step(self, _=None):
        """The Step button."""
        self.handlers["step"]()

    def vue_set_speed(self, value):
        """The speed selector."""
        self.handlers["speed"](value)

    def show(self, view: View, run: int, playing: bool, speed: str) -> None:
        """Show where the run stands."""
        with self.hold_sync():
            self.run, self.playing, self.finished, self.speed = run, playing, view.finished, speed
            self.unit = view.unit
            self.status = status(view, playing)


class LiveWidget(ipyvue.VueTemplate):
    """Monitors, network, charts, narration, roles and the runs compared, for one tab.

    ``width`` is set by the browser: the width the network is drawn at, so that a phone
    gets the narrow layout.
    """

    template_file = (__file__, "live.vue")
    monitors = traitlets.Unicode("").tag(sync=True)
    network = traitlets.Dict().tag(sync=True)
    charts = traitlets.Dict().tag(sync=True)
    compare = traitlets.Dict().tag(sync=True)
    narration = traitlets.Dict().tag(sync=True)
    roles = traitlets.Dict().tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    week = traitlets.Int(-1).tag(sync=True)  # the week sent
    seen = traitlets.Int(-1).tag(sync=True)  # the week the browser has drawn (set by the browser)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lock = threading.Lock()
        self.drawn = threading.Condition()
        self.observe(self._seen, "seen")
        self.shown = None
        self.filename = "coalition"
        self._compared_at = None
        self.observe(self._resized, "width")

    def show(self, view: View, compared, filename: str, playing: bool) -> None:
        """Show the week in ``view``; ``compared()`` gives the runs to compare (called only when redrawn)."""
        with self.lock, self.hold_sync():
            self.shown, self.filename = view, filename
            self.week = view.week
            self.monitors = monitors_html(view)
            self._redraw_network()
            charts = [
                picture(svg, name, CHART_TITLES[name], f"{filename}-{name}.png") for name, svg in live_charts(view)
            ]
            self.charts = {"name": "charts", "pictures": charts}
            when = (filename, view.week // COMPARE_EVERY if playing and not view.finished else view.week)
            if when != self._compared_at:
                self._compared_at = when
                svg = compare_svg(compared(), view)
                self.compare = {
                    "name": "compare",
                    "heading": "Compare runs",
                    "card": True,
                    "note": COMPARE_NOTE,
                    "pictures": [picture(svg, "compare", "comparison of runs", f"{filename}-compare.png")],
                }
            self.narration = {
                "name": "narration",
                "heading": f"{view.unit.capitalize()} {view.week}: what happened",
                "html": narration_html(view),
                "live": True,
            }
            self.roles = {"name": "roles", "heading": "Who brings what to the table", "html": roles_html(view)}

    def _seen(self, _change) -> None:
        with self.drawn:
            self.drawn.notify_all()

    def wait_until_drawn(self, week: int, timeout: float = 2.0) -> None:
        """Wait (at most ``timeout`` seconds) until the browser has drawn ``week``.

        Play calls it before stepping on, so a slow browser (a phone, a busy laptop) is never
        sent weeks faster than it can draw them: the messages would pile up, the page would
        lag behind and Pause would seem to come late. A page that never reported (no browser)
        is not waited for.
        """
        with self.drawn:
            self.drawn.wait_for(lambda: self.seen < 0 or self.seen >= week, timeout)

    def _resized(self, _change) -> None:
        with self.lock:
            self._redraw_network()

    def _redraw_network(self) -> None:
        view = self.shown
        if view is None:
            return
        layout = NARROW if 0 < self.width < NARROW_BELOW else WIDE
        svg = network_svg(view, layout)
        shown = picture(svg, "network", "network", f"{self.filename}-network.png")
        self.network = {"name": "network", "pictures": [shown]}
