"""Buttons, selectors and sliders of the classroom page.

Run controls (Reset, Play/Pause, Step, speed, and where the run stands) and the settings
for the next run, each a small Vue template of plain HTML controls: native selects and
sliders work with a keyboard, a screen reader and a phone's own pickers, every slider has a
box to type into, and each panel is one widget, so a new week updates one thing.
Settings take effect on Reset; their ranges suit a lesson (see :mod:`sim.viz.settings`).
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from sim.model.params import PARAMETERS
from sim.viz import settings as settings_
from sim.viz.lenient import NO_ROLE
from sim.viz.panels import panel
from sim.viz.session import SPEEDS
from sim.viz.view import View


@solara.component_vue("run.vue", vuetify=False)
def RunPanel(
    run: int,
    playing: bool,
    finished: bool,
    status: str,
    speed: str,
    speeds: list,
    event_reset: Callable = None,
    event_play: Callable = None,
    event_pause: Callable = None,
    event_step: Callable = None,
    event_set_speed: Callable = None,
):
    """Reset, Play/Pause, Step, the speed of Play and a status line (a Vue template)."""


@solara.component_vue("settings.vue", vuetify=False)
def SettingsForm(fields: list, values: dict, messages: list, dirty: bool, current: str, event_change: Callable = None):
    """The settings form (a Vue template); ``event_change`` gets ``{"name": ..., "value": ...}`` as typed."""


@solara.component
def RunControls(
    view: solara.Reactive, run: int, playing: bool, speed: str, on_reset, on_play, on_pause, on_step, on_speed
):
    """The run's buttons and the line saying where it stands."""
    now = view.value
    return RunPanel(
        run=run,
        playing=playing,
        finished=now.finished,
        status=status(now, playing),
        speed=speed,
        speeds=list(SPEEDS),
        event_reset=lambda _=None: on_reset(),
        event_play=lambda _=None: on_play(),
        event_pause=lambda _=None: on_pause(),
        event_step=lambda _=None: on_step(),
        event_set_speed=on_speed,
    )


def status(view: View, playing: bool) -> str:
    """Where the run stands, in words."""
    if view.finished:
        goal = f"the goal was reached in week {view.goal_week}" if view.goal_reached else "the goal was not reached"
        return f"Run finished at week {view.week}, the end of the run: {goal}. Press Reset for a new run."
    if playing:
        return f"Playing: week {view.week} of {view.horizon}."
    return f"Week {view.week} of {view.horizon}." + (" Paused." if view.week else " Press Play or Step to start.")


def fields(scenario_name: str) -> list[dict]:
    """What the settings form shows, in order: selectors, then numbers, then the seed."""
    choices = settings_.scenario_choices()
    if scenario_name not in choices:
        choices = (scenario_name, *choices)
    out = [{"name": "scenario_name", "label": "Scenario", "kind": "choice", "options": [[c, c] for c in choices]}]
    for name, label in settings_.CHOICES:
        options = [[c, c or NO_ROLE] for c in PARAMETERS[name].choices]
        out.append({"name": name, "label": label, "kind": "choice", "options": options})
    for name, label, low, high, step in settings_.NUMBERS:
        unit = "weeks" if name == "patience" else ""
        out.append(
            {"name": name, "label": label, "kind": "number", "min": low, "max": high, "step": step, "unit": unit}
        )
    out.append({"name": "seed", "label": "Seed (a whole number)", "kind": "text"})
    return out


@solara.component
def SettingsPanel(pending: dict, current: dict, messages: list, on_change):
    """The settings for the next run; ``on_change(name, value)`` gets each change (raw, as typed)."""
    form = solara.use_memo(lambda: fields(pending["scenario_name"]), [pending["scenario_name"]])
    return SettingsForm(
        fields=form,
        values={k: (v if isinstance(v, str) else f"{v:g}") for k, v in pending.items()},
        messages=list(messages),
        dirty=pending != current,
        current=settings_.describe(current),
        event_change=lambda change: on_change(change["name"], change["value"]),
    )


@solara.component
def ExportPanel(filename: str, table):
    """Download the run's table as CSV (the pictures each have their own PNG button)."""
    with panel("Export", "export") as card:
        solara.FileDownload(
            lambda: table().to_csv(index=False),
            filename=f"{filename}.csv",
            label="Download the run's table (CSV)",
            icon_name=None,
            mime_type="text/csv",
        )
        solara.Text("Each picture has its own “Download PNG” button.", classes=["coalition-note"])
    return card
