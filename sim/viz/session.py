"""One browser tab's runs: the current model, the weeks it steps, and the runs before it.

A :class:`Session` is built when a tab opens and dropped when it closes (see
:mod:`sim.viz.page`); nothing in it is shared with other tabs. Its lock makes a step and a
snapshot exclusive, so Play (a worker thread) and the page never see half a week, and
Pause takes effect before the next week starts.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace

from sim.viz import settings as settings_
from sim.viz.charts_svg import Run
from sim.viz.lenient import ClassroomModel
from sim.viz.view import Info, View, info, run_table, snapshot

KEEP_RUNS = 4  # earlier runs kept for comparison, besides the current one
SPEEDS = {"2 weeks/s": 2, "5 weeks/s": 5, "10 weeks/s": 10, "20 weeks/s": 20}
DEFAULT_SPEED = "10 weeks/s"
_SESSIONS: weakref.WeakSet = weakref.WeakSet()


def open_sessions() -> int:
    """How many sessions in this process still hold a model (tabs not yet closed)."""
    return sum(s.model is not None for s in list(_SESSIONS))


class Session:
    """The runs of one browser tab.

    Args:
        settings: the first run's settings (see :mod:`sim.viz.settings`).
        messages: notes about the settings (values the page changed) to show with the run.
    """

    def __init__(self, settings: dict, messages: list[str] | None = None):
        self.lock = threading.RLock()
        self.playing = False
        self.runs: list[tuple[dict, Run, int]] = []  # earlier runs (settings, line, run number), oldest first
        self.number = 0
        self._start(settings, messages or [])
        _SESSIONS.add(self)

    def _start(self, settings: dict, messages: list[str]) -> None:
        self.settings = dict(settings)
        self.model: ClassroomModel | None = ClassroomModel(**settings_.model_keywords(settings))
        self.settings["seed"] = self.model.seed
        self.messages = list(messages) + list(self.model.app_messages)
        self.number += 1

    @property
    def closed(self) -> bool:
        """True once the tab closed (the models are gone)."""
        return self.model is None

    @property
    def week(self) -> int:
        """The current run's week."""
        return self.model.steps if self.model is not None else 0

    def step(self) -> bool:
        """Advance one week unless the run is finished; True if it stepped."""
        with self.lock:
            if self.model is None or not self.model.running:
                return False
            self.model.step()
            return True

    def play_step(self) -> bool:
        """One week of Play: steps only while playing (Pause wins over a step not yet started)."""
        with self.lock:
            if not self.playing or self.model is None or not self.model.running:
                self.playing = False
                return False
            self.model.step()
            if not self.model.running:
                self.playing = False
            return True

    def pause(self) -> None:
        """Stop Play before its next week."""
        with self.lock:
            self.playing = False

    def reset(self, settings: dict, messages: list[str] | None = None) -> None:
        """Start a new run with ``settings``; the current run joins the runs to compare if it ran."""
        with self.lock:
            self.playing = False
            if self.model is not None and self.model.steps > 0:
                view = snapshot(self.model)
                self.runs.append(
                    (
                        self.settings,
                        Run("", view.series["expected_rate"], view.goal_week, view.finished, unit=view.unit),
                        self.number,
                    )
                )
                del self.runs[:-KEEP_RUNS]
            self._start(settings, messages or [])

    def view(self) -> View:
        """A snapshot of the current week."""
        with self.lock:
            return snapshot(self.model)

    def info(self) -> Info:
        """The scenario's words for the Info panel."""
        return info(self.model)

    def table(self):
        """The current run's table (a DataFrame, one row a week)."""
        with self.lock:
            return run_table(self.model)

    def compared(self, now: View) -> list[Run]:
        """The earlier runs of this scenario and the current one (shown in ``now``), labelled by what differs."""
        current = Run("", now.series["expected_rate"], now.goal_week, now.finished, current=True, unit=now.unit)
        with self.lock:
            runs = self.runs + [(self.settings, current, self.number)]
        # runs of another scenario have another outcome and target: not drawn on this one's axis
        here = self.settings.get("scenario_name")
        runs = [r for r in runs if r[0].get("scenario_name") == here]
        # a label's run number is the session's, as the downloaded table's file name has it
        names = settings_.labels([s for s, _, _ in runs], [n for _, _, n in runs])
        return [replace(run, label=name) for name, (_, run, _) in zip(names, runs, strict=True)]

    def close(self) -> None:
        """Stop playing and let go of the models (the tab closed)."""
        with self.lock:
            self.playing = False
            self.runs.clear()
            self.model = None
