"""The settings for the next run, and the export panel.

The settings form is a small Vue template of plain HTML controls: native selects and
sliders work with a keyboard, a screen reader and a phone's own pickers, and every slider
has a box to type into. Settings take effect on Reset; their ranges suit a lesson (see
:mod:`sim.viz.settings`). The run's buttons are in :mod:`sim.viz.live`.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from sim.model.params import PARAMETERS
from sim.viz import settings as settings_
from sim.viz.lenient import NO_ROLE
from sim.viz.panels import panel


@solara.component_vue("settings.vue", vuetify=False)
def SettingsForm(
    fields: list,
    values: dict,
    messages: list,
    dirty: bool,
    current: str,
    event_change: Callable | None = None,
    event_reset: Callable | None = None,
):
    """The settings form (a Vue template).

    ``event_change`` gets ``{"name": ..., "value": ...}`` as typed; ``event_reset`` fires on the
    form's own "start a run with these settings" (the run's Reset, nearer on a phone).
    """


def fields(scenario_name: str) -> list[dict]:
    """What the settings form shows, in order: selectors, then numbers, then the seed."""
    choices = settings_.scenario_choices()
    if scenario_name not in choices:
        choices = (scenario_name, *choices)
    out: list[dict] = [
        {
            "name": "scenario_name",
            "label": "Scenario",
            "kind": "choice",
            "options": [[c, settings_.scenario_title(c)] for c in choices],  # titles, not file names
        }
    ]
    for name, label in settings_.CHOICES:
        options = [[c, c or NO_ROLE] for c in PARAMETERS[name].choices]
        out.append({"name": name, "label": label, "kind": "choice", "options": options})
    units = settings_.step_units(scenario_name)[1]
    for name, label, low, high, step in settings_.NUMBERS:
        unit = units if name == "patience" else ""
        out.append(
            {
                "name": name,
                "label": label.format(units=units),
                "kind": "number",
                "min": low,
                "max": high,
                "step": step,
                "unit": unit,
            }
        )
    out.append({"name": "seed", "label": "Seed (a whole number)", "kind": "text"})
    return out


@solara.component
def SettingsPanel(pending: dict, current: dict, messages: list, on_change, on_reset=None):
    """The settings for the next run.

    ``on_change(name, value)`` gets each change (raw, as typed); ``on_reset`` the form's own
    button to start a run with them.
    """
    form = solara.use_memo(lambda: fields(pending["scenario_name"]), [pending["scenario_name"]])
    return SettingsForm(
        fields=form,
        values={k: boxed(v) for k, v in pending.items()},
        messages=list(messages),
        dirty=pending != current,
        current=settings_.describe(current),
        event_change=lambda change: on_change(change["name"], change["value"]),
        event_reset=lambda _=None: on_reset() if on_reset else None,
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


def boxed(value) -> str:
    """A setting as its box shows it: a whole number in full (a long seed too), a fraction short."""
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else f"{value:g}"
