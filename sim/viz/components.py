"""Solara components of the classroom page.

Each panel is a Solara component of the model that reads Mesa's update counter, so it
re-renders after every step. Mesa would also accept plain functions ``f(model)``, but it
wraps those in a new component type on every render of the page; after a Reset the
browser then stopped showing the weeks that Play ran (seen with Mesa 3.5.1 and Solara
1.58.2). Components of a fixed type keep their widgets across Resets.
"""

from __future__ import annotations

import logging

import reacton.ipywidgets as rw
import solara
from mesa.visualization.utils import update_counter

from sim.scenario.roles import ROLES
from sim.viz.drawing import network_png, plots_png

logger = logging.getLogger(__name__)
EARLIER_EVENTS = 8
BLOCK = {"display": "block", "margin-bottom": "8px"}


@solara.component
def Picture(model, week: int, draw):
    """A PNG drawn by ``draw(model)``, redrawn only when the model or the week changes.

    A drawing that fails shows a message instead of breaking the page.
    """

    def make():
        try:
            return draw(model), ""
        except Exception as err:  # noqa: BLE001 - the page must stay up; the log gets the traceback
            logger.exception("could not draw week %s", week)
            return b"", f"could not draw week {week}: {err}"

    data, problem = solara.use_memo(make, [model, week, draw])
    if problem:
        return solara.Error(problem)
    return rw.Image(value=data, format="png", layout={"width": "100%", "height": "auto"})


@solara.component
def NetworkPanel(model):
    """The network of organizations, leader and community partners."""
    update_counter.get()
    return Picture(model, model.steps, network_png)


@solara.component
def PlotsPanel(model):
    """Outcome rate against the target, mean trust, coalition size and roles covered."""
    update_counter.get()
    return Picture(model, model.steps, plots_png)


@solara.component
def Narration(model, week: int):
    """This week's events newest first, then the most recent earlier ones."""
    with solara.Card(f"Week {week}: what happened", classes=["coalition-narration"]) as card:
        now = model.events.week(week)[::-1]
        if now:
            for event in now:
                solara.Text(
                    f"• {event.text}", style={"font-weight": "normal" if event.minor else "bold", "display": "block"}
                )
        else:
            solara.Text("Nothing new this week." if week else "Press Step or Play to start the weeks.")
        earlier = [e for e in model.events.recent(EARLIER_EVENTS + len(now)) if e.step != week][:EARLIER_EVENTS]
        if earlier:
            solara.Text("Earlier", style={"font-weight": "bold", "display": "block", "margin-top": "8px"})
            for event in earlier:
                solara.Text(f"• {event}", style={"display": "block"})
    return card


@solara.component
def NarrationPanel(model):
    """The narration: the week's events in plain words, newest first."""
    update_counter.get()
    return Narration(model, model.steps)


@solara.component
def Notice(model, week: int):
    """Messages about refused values, the roles at the table, and what to notice and try."""
    with solara.Card("What to notice, what to try", classes=["coalition-notice"]) as card:
        for message in getattr(model, "app_messages", []):
            solara.Warning(message, dense=True)
        solara.Text(
            f"{model.spec.title}, seed {getattr(model, 'seed', '?')}: {model.horizon} weeks, "
            f"{model.n_people:,} people; goal: {model.people_outcome} at or under {model.target_rate:.1%} "
            f"for {model.hold_steps} weeks.",
            style=BLOCK,
        )
        solara.Text(
            f"This run: leader {model.leader_mode}, patience {model.params.patience:g} weeks, initial trust "
            f"{model.params.initial_trust:g}, community {model.community_mode}, missing role "
            f"{model.missing_role or 'none'}.",
            style=BLOCK,
        )
        if model.goal_reached:
            solara.Success(f"Goal reached in week {model.steps_to_goal}.", dense=True)
        present = set(model.roles_at_table())
        solara.Text(
            "Roles at the table: " + ", ".join(f"✓ {r}" if r in present else f"✗ {r}" for r in ROLES), style=BLOCK
        )
        for paragraph in notice_paragraphs(model.spec.header.notice):
            solara.Text(paragraph, style=BLOCK)
    return card


def notice_paragraphs(text: str) -> list[str]:
    """Split a scenario's notice into "What to notice" and "What to try" paragraphs."""
    text = " ".join((text or "").split())
    if not text:
        return ["(This scenario has no notes for teachers.)"]
    head, sep, tail = text.partition("What to try:")
    return [p for p in (head.strip(), (sep + tail).strip()) if p]


@solara.component
def NoticePanel(model):
    """The "what to notice / what to try" panel for the current scenario."""
    update_counter.get()
    return Notice(model, model.steps)


@solara.component
def TablePanel(model):
    """Who needs to be at the table? The stored Shapley table of the scenario, if there is one."""
    table = stored_table(model.spec.name)
    with solara.Card("Who needs to be at the table?") as card:
        if table is None:
            solara.Text(
                f"No stored table for {model.spec.name}. Compute one (a few minutes) with "
                f"`coalition table {model.spec.name} --csv scenarios/tables/{model.spec.name}.csv`.",
                style=BLOCK,
            )
            return card
        solara.Text(
            "Each organization's contribution to the chance of reaching the goal (Shapley value, "
            "with its 95% interval), from `coalition table`. * marks the smallest coalition found "
            "that reaches the goal with at least 80% probability.",
            style=BLOCK,
        )
        rows = [
            f"| {r.rank} | {r.organization}{' *' if r.in_smallest_coalition else ''} | {r.shapley:+.2f} "
            f"| [{r.low:+.2f}, {r.high:+.2f}] | {r.roles} |"
            for r in table.itertuples()
        ]
        solara.Markdown("| # | organization | value | interval | roles |\n|---|---|---|---|---|\n" + "\n".join(rows))
    return card


def stored_table(scenario: str):
    """The CSV written by ``coalition table --csv`` for a shipped scenario, or None."""
    import pandas as pd

    from sim.scenario.load import SCENARIO_DIR

    path = SCENARIO_DIR / "tables" / f"{scenario}.csv"
    return pd.read_csv(path) if path.exists() else None


PANELS = [NetworkPanel, PlotsPanel, NarrationPanel, NoticePanel, TablePanel]
