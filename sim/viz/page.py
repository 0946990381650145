"""The classroom page: one :class:`Session` per browser tab, laid out for any screen.

``Page`` is a Solara page component: Solara renders it once per browser tab (each tab has
its own virtual kernel), so every tab builds its own model when it opens, and the model is
dropped when the tab closes (the effect's cleanup) or, if the browser just vanishes, when
Solara culls the tab's kernel (:data:`CULL_TIMEOUT`). The tab's settings live in its URL,
so a reload starts a fresh run with the same settings.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys
import threading
import time
from pathlib import Path

import solara

from sim.viz import settings as settings_
from sim.viz.advice import AdvicePanel
from sim.viz.controls import ExportPanel, SettingsPanel
from sim.viz.lenient import DEFAULT_SCENARIO
from sim.viz.live import LiveWidget, RunWidget
from sim.viz.panels import InfoPanel
from sim.viz.session import DEFAULT_SPEED, SPEEDS, Session

CSS = (Path(__file__).with_name("page.css")).read_text()
# a tab whose browser went away without closing it (a phone asleep, a lost connection) keeps
# its run this long, then its kernel and model are dropped (Solara's default is 24 hours)
CULL_TIMEOUT = "10m"
GZIP_LEVEL = 1


def configure_server() -> None:
    """Solara server settings for a classroom (the environment wins where it sets them).

    Plain loader (no "made with Solara" badge over the page), a kernel cull timeout of
    :data:`CULL_TIMEOUT` so memory comes back when students go away, and faster compression.
    """
    import solara.server.settings as server

    if "SOLARA_THEME_LOADER" not in os.environ:
        server.theme.loader = "plain"
    if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
        server.kernel.cull_timeout = CULL_TIMEOUT
    if "solara.server.starlette" in sys.modules:  # only when serving, never on import in a test
        fast_compression(sys.modules["solara.server.starlette"].app)


def fast_compression(app, level: int = GZIP_LEVEL) -> None:
    """Compress responses at ``level`` instead of Starlette's 9.

    Every student's browser fetches about 3 MB of scripts and styles when the page opens;
    at level 9 compressing them took the server about 0.22 s of CPU per tab, at level 1
    0.06 s, for 1.0 MB sent instead of 0.83 MB (measured on the classroom laptop's files).
    Sets the level whether or not Starlette has built its middleware stack yet.
    """
    from starlette.middleware.gzip import GZipMiddleware

    for middleware in getattr(app, "user_middleware", []):
        if middleware.cls is GZipMiddleware:
            middleware.kwargs["compresslevel"] = level
    layer = getattr(app, "middleware_stack", None)
    while layer is not None:
        if isinstance(layer, GZipMiddleware):
            layer.compresslevel = level
        layer = getattr(layer, "app", None)


def give_back_memory() -> None:
    """Return the memory freed by a closed tab to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def first_scenario() -> str:
    """The scenario a new tab shows (``coalition viz --scenario`` sets ``COALITION_SCENARIO``)."""
    return os.environ.get("COALITION_SCENARIO") or DEFAULT_SCENARIO


def play(session: Session, speed: str, on_week, cancel: threading.Event, drawn=lambda week: None) -> None:
    """Step ``session`` at ``speed`` until Pause (``cancel`` or ``session.playing`` cleared) or the end.

    ``on_week()`` shows each week; ``drawn(week)`` waits until the browser has drawn it.
    """
    interval = 1.0 / SPEEDS[speed]
    due = time.monotonic()
    while not cancel.is_set() and session.play_step():
        on_week()
        drawn(session.week - 1)  # one week may be on its way, not more
        due += interval
        wait = due - time.monotonic()
        if wait > 0:
            cancel.wait(wait)
        else:  # behind (a busy server): carry on from now rather than rush to catch up
            due = time.monotonic()


@solara.component
def Layout(children=()):
    """The page as it is, without Solara's default app layout.

    That layout's full-height scroll box would keep the browser from scrolling the page itself
    (phones need that to hide their address bar, and screenshots to see the whole page).
    """
    return solara.Div(children=list(children), classes=["coalition-root"])


@solara.component
def Page():
    """The whole page for one browser tab."""
    router = solara.use_router()
    scenario = first_scenario()
    session = solara.use_memo(lambda: Session(*settings_.from_query(router.search, scenario)), [])
    handlers = solara.use_memo(dict, [])
    run_widget = solara.use_memo(lambda: RunWidget(handlers, speed=DEFAULT_SPEED), [])
    live = solara.use_memo(LiveWidget, [])
    pending, set_pending = solara.use_state(dict(session.settings))
    current, set_current = solara.use_state(dict(session.settings))  # the settings of the run on show
    # notes on the settings, by the setting they are about ("": from the address), so that editing
    # one setting does not wipe another's note
    notes, set_notes = solara.use_state({"": list(session.messages)})
    messages = [text for texts in notes.values() for text in texts]
    run, set_run = solara.use_state(session.number)
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(DEFAULT_SPEED)
    info = solara.use_memo(session.info, [current["scenario_name"]])
    filename = f"coalition-{current['scenario_name']}-run{run}"

    def show(now_playing: bool = playing):
        """Put the current week on the page (from whichever thread stepped the model)."""
        if session.closed:  # the tab went away while a week was being stepped
            return
        view = session.view()
        live.show(view, lambda: session.compared(view), filename, now_playing)
        run_widget.show(view, session.number, now_playing, speed)

    def close():
        session.close()
        run_widget.close()
        live.close()
        give_back_memory()

    solara.use_effect(lambda: close, [])
    solara.use_effect(show, [run, playing, speed])

    def play_loop(cancel: threading.Event):
        if playing:
            play(session, speed, lambda: show(session.playing), cancel, live.wait_until_drawn)
            set_playing(False)

    solara.use_thread(play_loop, [playing, speed], intrusive_cancel=False)

    def on_play():
        session.playing = True
        set_playing(True)

    def on_pause():
        session.pause()
        set_playing(False)

    def on_step():
        if not playing and session.step():
            show(False)

    def on_reset():
        session.reset(pending, messages)
        set_playing(False)
        set_pending(dict(session.settings))
        set_current(dict(session.settings))
        set_run(session.number)

    def on_change(name, value):
        values, new = settings_.clean({**pending, name: value}, scenario, seed=pending.get("seed"))
        set_pending(values)
        kept = {k: [n for n in v if not settings_.is_about(name, n)] for k, v in notes.items() if k != name}
        set_notes({**kept, name: new})
        router.push("?" + settings_.to_query(values))

    handlers.update(reset=on_reset, play=on_play, pause=on_pause, step=on_step, speed=set_speed)
    with solara.Div(classes=["coalition-page"]) as page:
        solara.Title(f"Coalition: {info.title}")
        solara.Style(CSS)
        with solara.Div(classes=["coalition-header"]):
            solara.v.Html(tag="h1", children=[info.title], class_="coalition-title")
            solara.Text(
                "Coalition: organizations that were never built to work together, forming a coalition "
                "around an upstream problem.",
                classes=["coalition-subtitle"],
            )
            if notes.get(""):  # the link's own notes, at the top: on a phone the settings are far down
                words = "note" if len(notes[""]) == 1 else f"{len(notes[''])} notes"
                solara.Text(
                    f"This page's address asked for settings it changed: see the {words} under Settings.",
                    classes=["coalition-message", "coalition-link-note"],
                )
        with solara.Div(classes=["coalition-layout"]):
            with solara.Div(classes=["coalition-side"]):
                solara.Div(children=[run_widget], classes=["coalition-contents"])
                SettingsPanel(pending, current, messages, on_change, on_reset)
                ExportPanel(filename, session.table)
            with solara.Div(classes=["coalition-main"]):
                solara.Div(children=[live], classes=["coalition-contents"])
                InfoPanel(info)
                AdvicePanel(info.name)
    return page
