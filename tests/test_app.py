"""The classroom page in-process, with Solara's test API (no browser).

Each test renders a fresh page around a ``solara.Reactive`` model, so it can read the
model that Reset builds; every render is closed, even when a test fails.
"""

import contextlib
import inspect

import ipyvuetify as v
import numpy as np
import pytest
import solara

from sim import CoalitionModel
from sim.model.params import PARAMETERS
from sim.viz.controls import SHOWN, model_params
from sim.viz.drawing import network_png, node_positions, plots_png
from sim.viz.lenient import ClassroomModel, lenient_seed, lenient_value
from sim.viz.page import make_page

PNG = b"\x89PNG"


@contextlib.contextmanager
def rendered(seed=42, **params):
    """The page around a reactive model; yields (render context, reactive model)."""
    model = solara.reactive(ClassroomModel(rng=seed, **params))
    # Mesa puts the controls in a sidebar, which only an AppLayout shows
    _, rc = solara.render(solara.AppLayout(children=[make_page(model=model)]), handle_error=True)
    try:
        yield rc, model
    finally:
        rc.close()


def click(rc, label):
    rc.find(v.Btn, children=[label]).widget.click()


def card_lines(rc, name):
    """The title and the lines of text of the card with CSS class ``name``."""
    card = rc.find(v.Card, class_=f"ma-2 {name}").widget
    lines = []
    for part in card.children:
        for child in part.children:
            if isinstance(child, str):
                lines.append(child)
            elif getattr(child, "children", None) and isinstance(child.children[0], str):
                lines.append(child.children[0])
    return lines


def narration(rc):
    return card_lines(rc, "coalition-narration")


def test_step_advances_the_model():
    with rendered() as (rc, model):
        first = model.value
        for _ in range(3):
            click(rc, "Step")
        assert model.value is first
        assert first.steps == 3
        assert narration(rc)[0] == "Week 3: what happened"


def test_slider_change_and_reset_build_a_model_with_that_value():
    with rendered() as (rc, model):
        rc.find(v.Slider, label="Initial trust").widget.v_model = 0.7
        rc.find(v.Slider, label="Patience (weeks)").widget.v_model = 13
        rc.find(v.Select, label="Leader").widget.v_model = "point"
        rc.find(v.Select, label="Missing role").widget.v_model = "data"
        old = model.value
        click(rc, "Reset")
        new = model.value
        assert new is not old and new.steps == 0
        assert (new.params.initial_trust, new.params.patience, new.leader_mode, new.missing_role) == (
            0.7,
            13,
            "point",
            "data",
        )
        assert new.scenario_name == "chicago_absenteeism"
        assert new.app_messages == []


def test_narration_shows_new_events_newest_first():
    with rendered() as (rc, model):
        before = narration(rc)
        for _ in range(30):
            click(rc, "Step")
            if model.value.events.week(model.value.steps):
                break
        m = model.value
        this_week = m.events.week(m.steps)
        assert this_week, "no events in 30 weeks"
        shown = narration(rc)
        assert shown[0] == f"Week {m.steps}: what happened"
        assert shown[1 : 1 + len(this_week)] == [f"• {e.text}" for e in reversed(this_week)]
        assert shown != before


@pytest.mark.parametrize("seed_text", ["abc", "1.5", "-3", ""])
def test_a_bad_seed_does_not_crash_the_page(seed_text):
    with rendered() as (rc, model):
        box = rc.find(v.TextField, label="Seed (a whole number)").widget
        box.v_model = seed_text
        box.fire_event("focusout", seed_text)
        click(rc, "Reset")
        m = model.value
        assert isinstance(m.seed, int)
        if seed_text:
            alerts = [w.children[0] for w in rc.find(v.Alert).widgets]
            assert any("seed" in a and f"ran with seed {m.seed}" in a for a in alerts)
        click(rc, "Step")
        assert m.steps == 1


def test_an_out_of_range_value_is_clamped_with_a_visible_message():
    with rendered() as (rc, model):
        rc.find(v.Slider, label="Patience (weeks)").widget.v_model = 99_999
        rc.find(v.Slider, label="Initial trust").widget.v_model = -2.0
        click(rc, "Reset")
        m = model.value
        assert (m.params.patience, m.params.initial_trust) == (PARAMETERS["patience"].high, 0.0)
        alerts = " ".join(w.children[0] for w in rc.find(v.Alert).widgets)
        assert "patience" in alerts and "initial_trust" in alerts


def test_lenient_conversions():
    assert lenient_value("patience", "13") == (13.0, "")
    value, message = lenient_value("initial_trust", "lots")
    assert value == PARAMETERS["initial_trust"].default and "not a number" in message
    assert lenient_value("leader", "dictator")[0] == PARAMETERS["leader"].default
    assert lenient_value("missing_role", "(none)") == ("", "")
    assert lenient_seed("7") == (7, "")
    seed, message = lenient_seed("seven")
    assert isinstance(seed, int) and str(seed) in message
    m = ClassroomModel("no_such_scenario", rng=1)
    assert m.scenario_name == "chicago_absenteeism" and "no_such_scenario" in m.app_messages[0]


def test_controls_come_from_the_parameter_table_and_match_the_model():
    params = model_params()
    assert "scenario" not in params  # Mesa's Reset would replace it with its own Scenario object
    keywords = inspect.signature(CoalitionModel.__init__).parameters
    assert set(params) <= set(keywords)
    assert inspect.signature(ClassroomModel.__init__) == inspect.signature(CoalitionModel.__init__)
    for name, _, _ in SHOWN:
        p, c = PARAMETERS[name], params[name]
        if p.kind == "choice":
            assert len(c["values"]) == len(p.choices)
        else:
            assert (c["min"], c["max"]) == (p.low, p.high)


def test_app_module_builds_the_page():
    from mesa.visualization.solara_viz import _check_model_params

    import sim.app

    assert sim.app.page is not None
    _check_model_params(ClassroomModel(rng=1), model_params())


def test_pictures_are_png_and_the_layout_is_stable():
    m = ClassroomModel(rng=3)
    before = node_positions(m)
    first = network_png(m)
    for _ in range(40):
        m.step()
    assert network_png(m).startswith(PNG) and first.startswith(PNG)
    assert plots_png(m).startswith(PNG)
    np.testing.assert_array_equal(node_positions(m), before)


def test_the_lessons_three_runs_end_differently():
    """docs/classroom.md: with the lesson's seed only the system leader reaches the goal."""
    from tests.classroom_screenshots import LESSON_SEED, RUNS

    reached = {}
    for leader in ("none", "point", "system"):
        m = CoalitionModel(leader=leader, rng=int(LESSON_SEED))
        while m.running:
            m.step()
        reached[leader] = m.goal_reached
    assert reached == {"none": False, "point": False, "system": True}
    assert {leader for _, leader, _ in RUNS} == set(reached)


def test_the_week_axis_spans_the_horizon():
    from sim.viz.drawing import PlotsPicture, picture_of

    m = ClassroomModel(rng=2, steps=12)
    while m.running:
        m.step()
    plots_png(m)
    assert picture_of(m, PlotsPicture).axes[0, 0].get_xlim() == (0, 12)


def test_the_page_shows_who_needs_to_be_at_the_table():
    from sim.viz.components import TablePanel, stored_table

    table = stored_table("chicago_absenteeism")
    assert table is not None and table["organization"].iloc[0]  # shipped with the scenario
    model = ClassroomModel(rng=1)
    _, rc = solara.render(TablePanel(model), handle_error=True)
    try:
        card = rc.find(v.Card).widget
        assert "Who needs to be at the table?" in str(card.children)
        assert table["organization"].iloc[0] in str(card.children)
    finally:
        rc.close()
