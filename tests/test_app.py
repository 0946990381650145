"""The classroom page in-process, with Solara's test API (no browser).

Each test renders the real ``Page`` (inside a router, as the server does) and drives it
through the same events the browser sends: the Vue templates' ``reset``/``play``/``step``
events and the settings form's ``change`` event. Every render is closed, even on failure.
"""

import contextlib
import gc
import re
import time
from pathlib import Path

import ipyvue
import pytest
import solara
from solara.routing import Router, router_context

from sim.viz import settings
from sim.viz.page import Page
from sim.viz.session import Session, open_sessions

ROOT = Path(__file__).resolve().parents[1]


@solara.component
def Routed(search: str, pushed: list):
    """The page as the server shows it at ``/?<search>``; URLs it pushes land in ``pushed``."""
    router_context.provide(Router(f"/?{search}", [solara.Route("/")], pushed.append))
    return Page()


class Tab:
    """One rendered page and handles on its parts."""

    def __init__(self, rc, pushed):
        self.rc, self.pushed = rc, pushed

    def vue(self, trait: str, value=None):
        """The Vue widget that has ``trait`` (and, if given, that value of it)."""
        found = [
            w
            for w in self.rc.find(ipyvue.VueTemplate).widgets
            if w.has_trait(trait) and (value is None or getattr(w, trait) == value)
        ]
        assert len(found) == 1, f"{len(found)} widgets with {trait}={value!r}"
        return found[0]

    @property
    def run(self):
        return self.vue("run")

    @property
    def form(self):
        return self.vue("fields")

    @property
    def live(self):
        return self.vue("monitors")

    def html(self, name: str) -> str:
        """The HTML of the panel with CSS class ``coalition-<name>``."""
        live = self.live
        if name == "monitors":
            return live.monitors
        if name in ("narration", "roles"):
            block = getattr(live, name)
            return f"<h2>{block['heading']}</h2>{block['html']}"
        for widget in self.rc.find(solara.widgets.HTML).widgets:
            if f"coalition-{name}" in widget.attributes.get("class", ""):
                return widget.unsafe_innerHTML
        raise AssertionError(f"no panel coalition-{name}")

    def pictures(self, name: str) -> list:
        return getattr(self.live, name)["pictures"]

    def step(self, n: int = 1):
        for _ in range(n):
            self.run.vue_step(None)

    def change(self, name, value):
        self.form.vue_change({"name": name, "value": value})

    def week(self) -> int:
        return int(self.html("monitors").split('tile-value">')[1].split("<")[0])


@contextlib.contextmanager
def tab(search: str = ""):
    pushed = []
    _, rc = solara.render(Routed(search, pushed), handle_error=False)
    try:
        yield Tab(rc, pushed)
    finally:
        rc.close()


def test_each_tab_has_its_own_model():
    with tab() as a, tab() as b:
        a.step(3)
        assert (a.week(), b.week()) == (3, 0)
        b.step()
        assert (a.week(), b.week()) == (3, 1)
        with tab() as c:
            assert c.week() == 0


def test_a_closed_tab_lets_go_of_its_model():
    gc.collect()
    before = open_sessions()
    with tab() as t:
        t.step()
        assert open_sessions() == before + 1
    gc.collect()
    assert open_sessions() == before


def test_a_step_shows_the_new_week_everywhere():
    with tab() as t:
        t.step()
        assert t.week() == 1
        assert "Week 1: what happened" in t.html("narration")
        assert "Week 1 of 156" in t.run.status
        network = t.pictures("network")[0]["svg"]
        assert "Week 1:" in network and network.startswith("<svg")
        assert [p["name"] for p in t.pictures("charts")] == ["rate", "trust", "members", "money"]


def test_settings_change_the_next_run_and_the_url():
    with tab() as t:
        t.step(2)
        t.change("leader", "none")
        t.change("patience", "13")
        assert t.form.dirty and t.form.values["leader"] == "none"
        assert "leader=none" in t.pushed[-1] and "patience=13" in t.pushed[-1]
        assert t.week() == 2  # nothing happens before Reset
        t.run.vue_reset(None)
        assert t.week() == 0 and not t.form.dirty
        assert "leader none" in t.form.current and "patience 13 weeks" in t.form.current
        assert t.run.run == 2
        t.step()
        compare = t.pictures("compare")[0]["svg"]
        assert "1. leader system, patience 52 weeks: week 2 so far" in compare
        assert "2. leader none, patience 13 weeks (this run)" in compare


def test_runs_of_another_scenario_are_not_compared_on_this_ones_axis():
    # a teacher's trial: teen drinking drawn at 42% under absenteeism's heading and 20% target
    with tab() as t:
        t.step(2)
        t.change("scenario_name", "single_agency")
        t.run.vue_reset(None)
        t.step()
        compare = t.pictures("compare")[0]["svg"]
        assert "scenario" not in compare.split("<desc")[1].split("</desc>")[0] and "1. " in compare
        assert "2. " not in compare  # only this scenario's run
        t.change("scenario_name", "chicago_absenteeism")
        t.run.vue_reset(None)
        t.step()
        assert "2. " in t.pictures("compare")[0]["svg"]  # back to the first scenario: its earlier run again


def test_reset_with_the_same_settings_starts_the_next_run():
    with tab() as t:
        t.step(2)
        t.run.vue_reset(None)
        assert (t.run.run, t.week()) == (2, 0)


def test_the_url_gives_a_fresh_run_with_its_settings():
    with tab("leader=point&initial_trust=0.5&seed=7") as t:
        assert t.week() == 0
        assert "leader point" in t.form.current and "trust 0.5" in t.form.current and "seed 7" in t.form.current


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("patience", "900", "Patience (weeks): 900 is outside this page's range 4-104; used 104"),
        ("initial_trust", "lots", "not a number"),
        ("seed", "seven", "kept seed 42"),  # typed in the page: the seed in use stays
        ("seed", "4.5", "seed: 4.5 is not a whole number; uses seed 5 instead"),
    ],
)
def test_a_value_the_page_cannot_use_is_replaced_with_a_message(name, typed, message):
    with tab() as t:
        t.change(name, typed)
        assert any(message in m for m in t.form.messages), t.form.messages
        t.run.vue_reset(None)
        t.step()
        assert t.week() == 1


def test_the_settings_panel_starts_a_run_with_its_settings_too():
    """On a phone the run's Reset is far above the settings: the form has its own button."""
    with tab() as t:
        t.change("leader", "none")
        assert t.form.dirty
        t.form.vue_reset(None)
        assert not t.form.dirty and t.week() == 0 and "leader none" in t.form.current


def test_a_note_stays_until_its_own_setting_changes():
    with tab("seed=abc") as t:
        assert any(m.startswith("seed: 'abc'") for m in t.form.messages)  # from the address
        t.change("patience", "900")
        assert any(m.startswith("seed: 'abc'") for m in t.form.messages), t.form.messages
        assert any("900 is outside" in m for m in t.form.messages)
        t.change("leader", "none")  # a setting without a note leaves the others'
        assert len(t.form.messages) == 2, t.form.messages
        t.change("seed", "7")
        t.change("patience", "26")
        assert t.form.messages == []


def test_play_runs_and_pause_stops_before_the_next_week():
    with tab() as t:
        t.run.vue_set_speed("20 weeks/s")
        t.run.vue_play(None)
        deadline = time.monotonic() + 60
        while t.week() < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert t.run.playing
        t.run.vue_pause(None)
        paused = t.week()
        time.sleep(0.5)
        assert t.week() == paused >= 3
        assert not t.run.playing and "Paused" in t.run.status


def test_a_run_stops_at_its_horizon_with_a_message():
    with tab("steps=5&seed=3") as t:
        t.step(7)
        assert t.week() == 5
        assert t.run.finished and "Run finished at week 5" in t.run.status


@pytest.mark.parametrize(("given", "used"), [("-5", 4), ("2", 4), ("100000", 520), ("1000", 520)])
def test_steps_outside_the_page_range_name_the_steps_the_run_has(given, used):
    values, notes = settings.from_query(f"steps={given}")
    assert values["steps"] == used
    assert notes == [f"steps: {given} is outside this page's range 4-520 weeks; used {used}"]


def test_the_table_exports_as_csv():
    session = Session(settings.defaults())
    for _ in range(4):
        session.step()
    table = session.table()
    assert list(table["week"]) == [0, 1, 2, 3, 4]
    assert {"outcome_rate", "diagnosis_accuracy", "money_spent", "coalition_size"} <= set(table.columns)
    assert table.to_csv(index=False).startswith("week,")


def test_compared_runs_with_the_same_settings_have_labels_of_their_own():
    a, b = settings.defaults(), dict(settings.defaults(), leader="none")
    assert settings.labels([a, b]) == ["leader system", "leader none"]
    # a Reset with nothing changed drew two lines under one name
    assert settings.labels([a, b, a]) == ["leader system (run 1)", "leader none", "leader system (run 3)"]
    assert len(set(settings.labels([a, a]))) == 2
    # the run numbers are the session's (as the downloaded table's name has them), not the lines'
    session = Session(a)
    for _ in range(6):
        session.step()
        session.reset(a)
    session.step()
    assert session.number == 7
    named = [run.label for run in session.compared(session.view())]
    assert named == [f"leader system, seed {a['seed']} (run {n})" for n in (3, 4, 5, 6, 7)]


def test_a_diagnosis_gone_with_its_records_is_not_called_not_there_yet_and_trust_says_whose():
    # at the end of a run whose members took their records back the tile said "no diagnosis yet",
    # and the trust chart's "mean trust" rose as the coalition emptied (the mean of those who stayed)
    from dataclasses import replace

    from sim.viz.charts_svg import trust_chart
    from sim.viz.panels import _cause_words

    session = Session(settings.defaults())
    view = session.view()
    assert _cause_words(replace(view, believed_group="")) == "no diagnosis yet"
    had = {**view.series, "diagnosis_accuracy": (0.0, 0.5, 0.0)}
    assert (
        _cause_words(replace(view, believed_group="", series=had)) == "no records pooled now (members took theirs back)"
    )
    assert "mean trust (all who have not left)" in trust_chart(view)


def test_a_legend_of_two_rows_pushes_the_chart_down_instead_of_covering_its_top_label():
    # the trust chart's legend wrapped onto its "1" tick label (a teacher's trial)
    import re

    from sim.viz.charts_svg import LEGEND, live_charts
    from sim.viz.svg import TICK

    view = Session(settings.defaults()).view()
    for name, picture in live_charts(view):
        found = re.search(r'translate\(0,(\d+)\)">', picture)
        shift = int(found.group(1)) if found else 0
        keys = re.findall(rf'<text x="[\d.]+" y="([\d.]+)" font-size="{LEGEND}">', picture)
        legend = [float(y) for y in keys if float(y) < 80]  # under the heading
        ticks = [float(y) + shift for y in re.findall(rf'<text x="43" y="([\d.]+)" font-size="{TICK}"', picture)]
        assert legend and ticks, name  # the value axis's labels, moved with the plot
        assert max(legend) < min(ticks) - TICK, (name, legend, ticks)  # the top label's letters start below


def test_a_seed_typed_wrong_keeps_the_seed_in_use_and_an_empty_box_is_said_in_words():
    # typed "abc" became a random seed: a class told "everyone uses seed 42" drifted apart
    values, notes = settings.clean({**settings.defaults(), "seed": "abc"}, seed=42)
    assert values["seed"] == 42 and notes == ["seed: 'abc' is not a seed; expected a whole number; kept seed 42"]
    values, notes = settings.from_query("seed=abc")  # a link: nothing in use to keep
    assert isinstance(values["seed"], int) and "uses seed" in notes[0]
    from sim.viz.lenient import lenient_value

    value, note = lenient_value("translation", "")
    assert note.startswith("translation: left empty; used") and "''" not in note


def test_play_stops_by_itself_at_the_horizon():
    values, _ = settings.clean({"steps": 5})
    session = Session(values)
    session.playing = True
    while session.play_step():
        pass
    assert session.week == 5 and not session.playing


def test_the_info_panel_tells_what_to_notice_and_try():
    with tab() as t:
        info = t.html("info")
        for heading in ("What it is", "How it works", "Things to notice", "Things to try"):
            assert heading in info
        assert "Things to try</p><p>Set the leader" in info


def test_who_needs_to_be_at_the_table_in_plain_words():
    with tab() as t:
        advice = t.html("advice")
    from sim.viz.advice import advice_lines, stored_table

    table = stored_table("chicago_absenteeism")  # the shipped table, as coalition table --csv wrote it
    first = advice_lines(table)[0]
    assert first.startswith(f"1. {table['organization'].iloc[0]}: ") and first in advice
    assert f"{table['shapley'].iloc[0] * 100:+.1f} points" in first  # the value, as points off the rate
    assert "takes off the rate" in advice and "community partners are not in this list" in advice
    assert "-0.0" not in advice  # a value that rounds to nothing has no sign
    for jargon in ("Shapley", "coalition table", "95%", "--csv"):
        assert jargon not in advice


def test_the_roles_say_who_brings_them():
    """At week 0 nobody is at the table; once members come, the panel names them by role."""
    with tab() as t:
        roles, monitors = t.html("roles"), t.html("monitors")
        assert "0 of 11" in monitors
        assert roles.count("Nobody at the table brings this.") == 5
        assert "Without it, no money to spend." in roles
        t.step(20)
        roles = t.html("roles")
    assert "At the table: " in roles


def test_the_lesson_plan_quotes_the_model():
    """docs/classroom.md's facts are what the page shows for seed 42 (retake: python -m tests.classroom_screenshots)."""
    from tests.classroom_screenshots import BEGIN, DOC, END, lesson_facts

    text = DOC.read_text()
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == lesson_facts(), "run python -m tests.classroom_screenshots docs/figures"


def test_app_module_serves_the_page():
    import sim.app

    assert sim.app.Page is Page
    assert sim.app.Layout is not None


def test_lenient_conversions():
    from sim.model.params import PARAMETERS
    from sim.viz.lenient import ClassroomModel, lenient_seed, lenient_value

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


def test_the_model_still_works_in_mesas_own_solaraviz():
    """Mesa users may put the model in SolaraViz themselves: the keywords check out."""
    from mesa.visualization.solara_viz import _check_model_params

    from sim.viz.lenient import ClassroomModel

    params = {"leader": {"type": "Select", "value": "point", "values": ["system", "point", "none"]}, "rng": 1}
    _check_model_params(ClassroomModel.__init__, params)
    with pytest.raises(ValueError):
        _check_model_params(ClassroomModel.__init__, {"no_such_parameter": 1})


def test_the_server_compresses_fast():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware

    from sim.viz.page import GZIP_LEVEL, fast_compression

    app = Starlette(middleware=[Middleware(GZipMiddleware, minimum_size=1000)])
    fast_compression(app)
    assert app.user_middleware[0].kwargs["compresslevel"] == GZIP_LEVEL
    app.middleware_stack = app.build_middleware_stack()
    fast_compression(app, 3)
    layer = app.middleware_stack
    while not isinstance(layer, GZipMiddleware):
        layer = layer.app
    assert layer.compresslevel == 3


def test_a_scenario_in_months_is_told_in_months(tmp_path, monkeypatch):
    """A scenario whose step is a month (``days_per_step = 30``) says "month" wherever a week would be."""
    text = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    path = tmp_path / "monthly.toml"
    path.write_text(text.replace("steps = 156\n", "steps = 36\ndays_per_step = 30\n", 1), encoding="utf-8")
    monkeypatch.setenv("COALITION_SCENARIO", str(path))
    with tab() as t:
        labels = [f["label"] for f in t.form.fields]
        assert "Patience (months)" in labels and not any("week" in label for label in labels)
        t.step(30)
        words = " ".join(
            [t.run.status, t.html("monitors"), t.html("narration"), t.form.current]
            + [p["svg"] for p in t.pictures("network") + t.pictures("charts")]
        )
        assert "Month 30 of 36" in t.run.status and "Month 30: what happened" in t.html("narration")
        assert "patience" in t.form.current and "months" in t.form.current
        shown = re.sub(r"<[^>]*>", " ", words)  # what a reader sees: no tags, attributes or class names
        assert "month" in shown and re.findall(r".{30}\bweeks?\b.{30}", shown, re.IGNORECASE) == []


def test_a_long_seed_shows_in_full_in_its_box():
    from sim.viz.controls import boxed

    values, notes = settings.from_query("seed=12345678901234567890123456789&patience=52&initial_trust=0.35")
    assert notes == []
    shown = {k: boxed(v) for k, v in values.items()}
    assert shown["seed"] == "12345678901234567890123456789"
    assert (shown["patience"], shown["initial_trust"]) == ("52", "0.35")


def test_a_link_with_scenario_or_a_mistyped_key_is_read_or_named():
    values, notes = settings.from_query("scenario=teen_substance_use&seed=3")
    assert (values["scenario_name"], values["seed"], notes) == ("teen_substance_use", 3, [])
    values, notes = settings.from_query("leadr=none&leader=point")
    assert values["leader"] == "point"
    assert (
        len(notes) == 1
        and notes[0].startswith("leadr: not a setting of this page (these are: ")
        and "leader" in notes[0]
    )


def test_notes_on_a_link_use_the_pages_labels_and_name_empty_and_repeated_values():
    values, notes = settings.from_query("initial_trust=2&patience=abc&missing_role=xyz")
    assert (values["initial_trust"], values["patience"], values["missing_role"]) == (1.0, 52.0, "")
    assert sorted(n.split(":")[0] for n in notes) == ["Initial trust", "Missing role", "Patience (weeks)"]
    assert any(n.endswith("used 52") for n in notes) and any(n.endswith("used (none)") for n in notes)
    assert settings.from_query("missing_role=none") == settings.from_query("missing_role=(none)")
    values, notes = settings.from_query("patience=&leader=none&leader=point")
    assert values["patience"] == 52 and values["leader"] == "point"
    assert "Patience (weeks): no value given; used the page's default" in notes
    assert "Leader given twice ('none', then 'point'); used the last" in notes
    _, notes = settings.from_query("scenario=single_agency&scenario=teen_substance_use&missing_role=bogus")
    assert notes[0].startswith("Missing role: 'bogus' is not a role (touch, data, ")
    assert notes[1].startswith("Scenario given twice") and "scenario_name" not in " ".join(notes)
    # the page's own address names the scenario as the docs do, and reads back the same
    query = settings.to_query(values)
    assert query.startswith("scenario=chicago_absenteeism&") and "scenario_name" not in query
    assert settings.from_query(query) == (values, [])


def test_the_scenario_selector_shows_titles():
    from sim.scenario import load_scenario
    from sim.viz.controls import fields

    options = dict(next(f for f in fields("chicago_absenteeism") if f["name"] == "scenario_name")["options"])
    assert options["chicago_absenteeism"] == load_scenario("chicago_absenteeism").title
    assert options["teen_substance_use"] == load_scenario("teen_substance_use").title != "teen_substance_use"


def test_a_prank_link_gives_a_few_short_notes_not_pages_of_them():
    """A 100,000-digit seed gave a 100 KB note, 300 copies of seed= 299 notes, 3,000 keys a 20 KB one."""
    _, notes = settings.from_query("seed=" + "9" * 100_000)
    assert len(notes) == 1 and len(notes[0]) <= settings.MAX_NOTE
    _, notes = settings.from_query("&".join(f"seed={i}" for i in range(300)))
    assert notes == ["Seed given 300 times ('0', ... '299'); used the last"]
    _, notes = settings.from_query("&".join(f"k{i}=1" for i in range(3000)))
    assert len(notes) == 1 and len(notes[0]) <= settings.MAX_NOTE and "others" in notes[0]
    known = [k for k in settings.defaults() if k != "scenario_name"]
    _, notes = settings.from_query("&".join(f"{name}=x&{name}=y" for name in known))  # two notes a setting
    assert 2 * len(known) > settings.MAX_NOTES + 1 and len(notes) == settings.MAX_NOTES + 1
    assert notes[-1] == f"and {2 * len(known) - settings.MAX_NOTES} more notes about this address"
