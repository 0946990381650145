"""Drive ``coalition classroom`` for tests and the benchmark: the server, and clients over the pages' protocol.

:func:`game_server` starts the real command on a free port and reads the addresses it
prints. :class:`Page` is one page's WebSocket (what ``static/game.js`` does), synchronous,
for tests; the benchmark has its own asyncio clients over the same messages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.browser import stop

WAIT = 60.0  # seconds: generous, other jobs share these cores


@dataclass(frozen=True)
class Game:
    """A running game server: its process and the addresses it printed."""

    process: subprocess.Popen
    teacher_url: str
    student_url: str
    code: str

    @property
    def base(self) -> str:
        """``http://host:port``."""
        return self.student_url.split("/?")[0]

    @property
    def ws_url(self) -> str:
        """The game's WebSocket."""
        return self.base.replace("http://", "ws://") + "/ws"

    @property
    def key(self) -> str:
        """The teacher's key."""
        return self.teacher_url.split("key=", 1)[1]


@contextlib.contextmanager
def game_server(*args: str, log: Path | None = None, timeout: float = WAIT):
    """Run ``coalition classroom --port 0 ARGS``; yield a :class:`Game`; stop it afterwards."""
    cmd = [sys.executable, "-m", "sim.cli", "classroom", "--port", "0", *args]
    err = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True, env=dict(os.environ)
    )
    try:
        printed = _read_until(process, "Ctrl-C", timeout)
        teacher = re.search(r"teacher[^:]*: (\S+)", printed)
        students = re.search(r"students: (\S+)", printed)
        code = re.search(r"join code: (\S+)", printed)
        if not (teacher and students and code):
            raise RuntimeError(f"coalition classroom printed: {printed!r}")
        game = Game(process, teacher.group(1), students.group(1), code.group(1))
        _wait_for(game.base + "/health", timeout)
        yield game
    finally:
        stop(process)
        if process.stdout:
            process.stdout.close()
        if log:
            err.close()


def _read_until(process: subprocess.Popen, marker: str, timeout: float) -> str:
    deadline, out = time.monotonic() + timeout, ""
    assert process.stdout is not None
    while marker not in out:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"coalition classroom did not start: {out!r}")
        out += process.stdout.readline()
    return out


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Page:
    """One page's connection to the game (a student's or the teacher's).

    Keeps the last state and every refusal it was sent.
    """

    def __init__(self, game: Game):
        from websockets.sync.client import connect

        self.game = game
        self._stack = contextlib.ExitStack()
        # no keepalive pings: websockets draws their payload from Python's global random
        # every 20 s in a thread, which hypothesis tests in the same worker see as a
        # strategy using the random module (a flaky HypothesisDeprecationWarning in CI)
        self.socket = self._stack.enter_context(
            connect(game.ws_url, open_timeout=WAIT, ping_interval=None, close_timeout=1)
        )
        self.state: dict = {}
        self.refusals: list[dict] = []
        self.token: str | None = None
        self.pictures: dict = {}

    def send(self, message) -> None:
        """Send a message (a dict as JSON, or text as it is)."""
        self.socket.send(message if isinstance(message, str | bytes) else json.dumps(message))

    def receive(self, timeout: float = WAIT) -> dict:
        """The next message (states, refusals and welcomes are also kept)."""
        message = json.loads(self.socket.recv(timeout=timeout))
        kind = message["type"]
        if kind == "state":
            self.state = message
        elif kind == "refused":
            self.refusals.append(message)
        elif kind == "welcome":
            self.token = message["token"]
        elif kind == "pictures":
            self.pictures = message
        return message

    def until(self, check, timeout: float = WAIT) -> dict:
        """Read messages until ``check(message)`` is true; return that message."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.1, deadline - time.monotonic()))
            if check(message):
                return message

    def until_state(self, check, timeout: float = WAIT) -> dict:
        """Read until a state for which ``check(state)`` is true."""
        return self.until(lambda m: m["type"] == "state" and check(m), timeout)

    def refused(self, timeout: float = WAIT) -> dict:
        """Wait for the next refusal."""
        return self.until(lambda m: m["type"] == "refused", timeout)

    def close(self) -> None:
        """Close the connection (a page closed, or a phone lost the network)."""
        self._stack.close()


def student(game: Game, nickname: str, seat: str | None = None) -> Page:
    """A student's page that joined (and took ``seat``)."""
    page = Page(game)
    page.send({"type": "join", "code": game.code, "nickname": nickname})
    page.until_state(lambda s: s["you"] is not None)
    if seat:
        page.send({"type": "pick", "seat": seat})
        page.until_state(lambda s: s["you"]["seat"] == seat)
    return page


def teacher(game: Game) -> Page:
    """The teacher's page."""
    page = Page(game)
    page.send({"type": "teacher", "key": game.key})
    page.until_state(lambda s: "players" in s)
    return page


def first_answers(state: dict) -> dict:
    """An answer to every question asked: the first answer offered, or the first option picked."""
    out: dict = {}
    for q in state["questions"]:
        out[q["field"]] = [q["options"][0][0]] if q["options"] else q["answers"][0][0]
    return out


def decide(page, round_number: int) -> None:
    """On a student's page: answer every question with its first answer and send."""
    page.locator("#decide h2", has_text=f"Round {round_number}: your decision").wait_for()
    for question in page.locator("fieldset.question").all():
        question.locator("label").first.click()
    page.get_by_role("button", name="Send my decision").click()
    # taken: the page says so, or (for the last to decide) the round is already played
    page.locator("#decide h2", has_text=f"Round {round_number}: your decision").wait_for(state="detached")
    assert page.locator("#notice").is_hidden()
