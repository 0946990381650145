"""The page's panels of numbers and words, written as HTML from a :class:`View`.

Monitors (the numbers a lesson quotes), the narration of the week, who brings each role,
the run's status line, and the scenario's Info panel. Each is one block of HTML (see
:mod:`sim.viz.live` for the ones that change every week).
"""

from __future__ import annotations

import contextlib
from html import escape

import solara

from sim.viz.charts_svg import money
from sim.viz.view import Info, View


@contextlib.contextmanager
def panel(title: str, name: str):
    """A titled panel for widgets, with the CSS class ``coalition-<name>`` (the layout places it by that class)."""
    with solara.Div(classes=["coalition-panel", "coalition-card", f"coalition-{name}"]) as box:
        solara.v.Html(tag="h2", children=[title], class_="coalition-heading")
        yield box


@solara.component
def HtmlPanel(title: str, name: str, html: str, live: bool = False):
    """A titled panel of HTML, all one widget; ``live`` asks screen readers to read its changes."""
    attributes = {"aria-live": "polite"} if live else {}
    return solara.HTML(
        tag="section",
        unsafe_innerHTML=f'<h2 class="coalition-heading">{escape(title)}</h2><div class="coalition-body">{html}</div>',
        classes=["coalition-panel", "coalition-card", f"coalition-{name}"],
        attributes=attributes,
    )


def tile(label: str, value: str, detail: str, name: str) -> str:
    """One monitor: a label, a large number and a line of detail."""
    return (
        f'<div class="coalition-tile coalition-tile-{name}"><span class="coalition-tile-label">{escape(label)}</span>'
        f'<span class="coalition-tile-value">{escape(value)}</span>'
        f'<span class="coalition-tile-detail">{escape(detail)}</span></div>'
    )


def monitors_html(view: View) -> str:
    """The numbers of the week, like NetLogo's monitors."""
    partners = f"members, {view.partners_at_table} of them community" if view.partners_at_table else "members"
    if view.goal_reached:
        goal, goal_detail = f"{view.unit} {view.goal_week}", "reached"
    else:
        goal = "not reached" if view.finished else "not yet"
        goal_detail = f"{view.weeks_on_target} of {view.hold_steps} {view.units} on target"
    cause = _cause_words(view)
    tiles = (
        (view.unit.capitalize(), f"{view.week}", f"of {view.horizon}", "week"),
        (view.outcome.capitalize(), f"{view.rate:.1%}", f"target {view.target:.0%}", "rate"),
        ("Diagnosis accuracy", f"{view.accuracy:.2f}", cause, "accuracy"),
        ("At the table", f"{view.at_table} of {view.n_members}", partners, "table"),
        ("Committed", f"{view.committed}", f"{view.sharing} sharing data", "committed"),
        ("Money spent", money(view.money_spent), "since the start", "money"),
        ("Goal", goal, goal_detail, "goal"),
    )
    return "".join(tile(*t) for t in tiles)


def _cause_words(view: View) -> str:
    """The belief in the narration's words: the group of causes, then its largest single cause."""
    if not view.believed_group:
        # a diagnosis the coalition had, gone with the records that made it: not "yet"
        had = any(a > 0 for a in view.series.get("diagnosis_accuracy", ()))
        return "no records pooled now (members took theirs back)" if had else "no diagnosis yet"
    if view.believed_cause == view.believed_group:
        return f"main cause: {view.believed_group}"
    if view.cause_in_group:
        return f"main cause: {view.believed_group} (mostly {view.believed_cause})"
    return f"main cause: {view.believed_group} (largest single cause: {view.believed_cause})"


def narration_html(view: View) -> str:
    """This week's events, newest first (the important ones in bold), then the last few weeks."""
    if view.this_week:
        now = "".join(
            f'<li class="{"coalition-line" if line.minor else "coalition-line-major"}">{escape(line.text)}</li>'
            for line in view.this_week
        )
        out = f'<ul class="coalition-list">{now}</ul>'
    else:
        quiet = f"Nothing new this {view.unit}." if view.week else f"Press Step or Play to start the {view.units}."
        out = f"<p>{quiet}</p>"
    if view.earlier:
        earlier = "".join(f"<li>{view.unit} {line.week}: {escape(line.text)}</li>" for line in view.earlier)
        out += f'<p class="coalition-subhead">Earlier</p><ul class="coalition-list coalition-earlier">{earlier}</ul>'
    return out


def roles_html(view: View) -> str:
    """Who brings each of the five roles to the table, and who acts on it, in plain words."""
    out = []
    for role in view.roles:
        mark = "✓" if role.acting else ("…" if role.at_table else "✗")
        out.append(f'<p class="coalition-role-name">{mark} {escape(role.words[:1].upper() + role.words[1:])}</p>')
        if not role.at_table:
            out.append(f"<p>Nobody at the table brings this. Without it, {escape(role.absence)}.</p>")
            continue
        out.append(f"<p>At the table: {escape(', '.join(role.at_table))}</p>")
        if role.acting == role.at_table:
            out.append(f"<p>All of them are {escape(role.acting_words)}.</p>")
        else:
            acting = ", ".join(role.acting) if role.acting else "nobody yet"
            out.append(f"<p>{escape(role.acting_words.capitalize())}: {escape(acting)}</p>")
    return "".join(out)


def info_html(info: Info) -> str:
    """What the scenario is, how the model works, what to notice and what to try (like NetLogo's Info tab)."""
    out = []
    for heading, words in (
        ("What it is", info.description),
        ("How it works", info.how_it_works),
        ("Things to notice", info.notice),
        ("Things to try", info.things_to_try),
    ):
        if words:
            out.append(f'<p class="coalition-subhead">{heading}</p><p>{escape(words)}</p>')
    if info.sources:
        sources = "".join(f"<li>{escape(s)}</li>" for s in info.sources)
        out.append(f'<p class="coalition-subhead">Sources</p><ul class="coalition-list">{sources}</ul>')
    return "".join(out)


@solara.component
def InfoPanel(info: Info):
    """The scenario's Info panel."""
    return HtmlPanel("Info", "info", info_html(info))


def status(view: View, playing: bool) -> str:
    """Where the run stands, in words."""
    if view.finished:
        goal = (
            f"the goal was reached in {view.unit} {view.goal_week}" if view.goal_reached else "the goal was not reached"
        )
        return f"Run finished at {view.unit} {view.week}, the end of the run: {goal}. Press Reset for a new run."
    if playing:
        return f"Playing: {view.unit} {view.week} of {view.horizon}."
    return f"{view.unit.capitalize()} {view.week} of {view.horizon}." + (
        " Paused." if view.week else " Press Play or Step to start."
    )
