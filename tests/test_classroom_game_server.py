"""``coalition classroom`` as a server: the pages' protocol over real WebSockets, as a class would use it.

One server for the module (the real command on a free port); each test opens its own
pages. Whatever a page sends that cannot be taken is refused, to that page only, and the
room goes on: the other pages keep their states and the round is still played.
"""

import contextlib
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.game_client import Page, first_answers, game_server, student, teacher


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    log = tmp_path_factory.mktemp("game") / "server.log"
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "5", log=log) as running:
        yield running
    text = log.read_text()
    assert "Traceback" not in text and "ERROR" not in text, text


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_it_serves_both_pages_their_scripts_and_the_qr_code_from_this_machine(game):
    status, kind, html = get(game.student_url)
    assert status == 200 and "text/html" in kind and "/static/student.js" in html
    assert "/static/teacher.js" in get(game.teacher_url)[2]
    assert "function connect" in get(game.base + "/static/game.js")[2]
    key = game.teacher_url.split("key=", 1)[1]
    status, kind, svg = get(game.base + f"/qr.svg?key={key}")
    assert kind.startswith("image/svg+xml") and svg.startswith("<svg") and "Join the game" in svg
    for wrong in ("", "?key=", "?key=guess"):  # the join code, drawn: not for anyone on the network
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(game.base + "/qr.svg" + wrong)
        refused.value.close()
        assert refused.value.code == 403
    for text in (html, get(game.base + "/static/game.css")[2]):
        assert "http://" not in text and "https://" not in text  # nothing from the internet


def test_a_class_plays_a_round_through_refusals_that_disturb_nobody(game):
    teach = teacher(game)
    ann, bob = student(game, "Ann", "m5"), student(game, "Bob", "leader")
    teach.until_state(lambda s: {p["nickname"] for p in s["players"]} == {"Ann", "Bob"} and s["phase"] == "lobby")
    assert ann.state["briefing"]["name"] == "Housing Authority" and ann.state["questions"] == []

    ann.send({"type": "command", "command": "start"})
    assert "only the teacher" in ann.refused()["reason"]
    intruder = Page(game)
    intruder.send({"type": "teacher", "key": "wrong-key"})
    assert "not the teacher" in intruder.refused()["reason"]
    intruder.send({"type": "pick", "seat": "m1"})
    assert "join the game first" in intruder.refused()["reason"]
    intruder.send({"type": "join", "code": "ZZZZ", "nickname": "Eve"})
    assert "no game with the code ZZZZ" in intruder.refused()["reason"]
    intruder.close()

    teach.send({"type": "command", "command": "start"})
    ann.until_state(lambda s: s["phase"] == "playing" and s["questions"])
    bob.until_state(lambda s: s["phase"] == "playing" and s["questions"])
    for junk in ("{not json", json.dumps({"type": "decide", "round": 1, "answers": {"join": "yes"}}), b"\x00binary"):
        ann.send(junk)
        assert ann.refused()["reason"]
    ann.send({"type": "decide", "round": 0, "answers": {"join": True}})
    assert "round 0 is closed; this is round 1" in ann.refused()["reason"]
    ann.send({"type": "decide", "round": 1, "answers": {"commit": True}})
    assert "not a decision you take" in ann.refused()["reason"]
    ann.send({"type": "decide", "round": 1, "answers": {"join": True}})
    ann.until_state(lambda s: s["answered"])
    first = ann.state["answered"]
    ann.send({"type": "decide", "round": 1, "answers": {"join": False}})  # a change of mind, then back
    ann.until_state(lambda s: s["answered"] and s["answered"] != first)
    ann.send({"type": "decide", "round": 1, "answers": {"join": True}})
    ann.until_state(lambda s: s["answered"] == first)
    teach.until_state(lambda s: s["decided"] == 1 and s["waiting"] == 1)

    bob.send({"type": "decide", "round": 1, "answers": first_answers(bob.state)})
    for page in (ann, bob, teach):
        page.until_state(lambda s: s["round"] == 2 and not s["applying"])
    assert ann.state["answered"] is None and ann.state["week"] == 4
    assert any("Housing Authority came to the table" in line for line in ann.state["briefing"]["news"])
    assert teach.pictures["week"] == 4 and set(teach.pictures["svgs"]) == {
        "network",
        "rate",
        "trust",
        "members",
        "money",
    }
    ann.send({"type": "decide", "round": 1, "answers": {"join": True}})
    assert "round 1 is closed; this is round 2" in ann.refused()["reason"]
    assert not [r for r in bob.refusals + teach.refusals]  # nobody else was disturbed

    # a reload (a new page with the token of the last one) keeps the seat; a late joiner takes a free one
    token = ann.token
    ann.close()
    teach.until_state(lambda s: not next(p for p in s["players"] if p["nickname"] == "Ann")["online"])
    again = Page(game)
    again.send({"type": "hello", "code": game.code.lower(), "token": token})
    again.until_state(lambda s: s["you"] is not None)
    assert again.state["you"]["seat"] == "m5" and again.state["round"] == 2
    late = student(game, "Cy")
    late.send({"type": "pick", "seat": "m5"})
    assert "already has a player" in late.refused()["reason"]
    late.send({"type": "pick", "seat": "m3"})
    late.until_state(lambda s: s["you"]["seat"] == "m3" and s["questions"])

    # the teacher lets the model decide for the absent, ends the game; everyone sees the debrief
    teach.until_state(lambda s: s["waiting"] == 3)
    teach.send({"type": "command", "command": "away", "player": late.state["you"]["id"]})
    teach.until_state(lambda s: s["waiting"] == 2)
    teach.send({"type": "command", "command": "end"})
    for page in (again, bob, late, teach):
        page.until_state(lambda s: s["phase"] == "debrief")
    debrief = again.state["debrief"]
    assert [run["name"] for run in debrief["runs"]] == ["your class", "the model's own agents", "the model, no leader"]
    assert debrief["choices"]["total"] == 1 and debrief["seat"]["name"] == "Housing Authority"
    assert debrief["chart"].startswith("<svg")
    # every seated student, also Cy, for whom the model decided (0 of 0)
    listed = {s["nickname"]: s["total"] for s in teach.state["debrief"]["students"]}
    assert set(listed) == {"Ann", "Bob", "Cy"} and listed["Cy"] == 0
    assert "token" not in json.dumps(teach.state)  # the teacher's page never sees a student's secret
    for page in (again, bob, late, teach):
        page.close()


def test_a_message_too_large_closes_only_that_page(game):
    from websockets.exceptions import ConnectionClosed

    watcher = student(game, "Dee")
    big = Page(game)
    big.send("x" * 100_000)
    with pytest.raises(ConnectionClosed) as closed:
        big.until(lambda m: False, timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big
    watcher.send({"type": "decide", "round": 1, "answers": {}})
    assert "pick an organization first" in watcher.refused()["reason"]  # the room goes on
    watcher.close()


def test_the_command_line_refuses_an_unknown_scenario_in_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "classroom", "--scenario", "atlantis", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.startswith("error: --scenario atlantis") and done.stdout == ""
    assert done.stderr.count("\n") == 1


def closed_with(page, code: int = 1008) -> str:
    """Read until the server closes ``page``; the close reason (it must be ``code``)."""
    from websockets.exceptions import ConnectionClosed

    with pytest.raises(ConnectionClosed) as closed:
        page.until(lambda m: False, timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code, closed.value
    return closed.value.rcvd.reason


def test_one_page_cannot_flood_the_room_or_fill_it(game):
    """A student's script with the code joined 200 made-up players from one socket in 0.06 s and sent
    330,000 messages in 5 s (every page waited seconds); now a page joins once and is closed when it floods."""
    watcher = student(game, "Eve")
    one = Page(game)
    one.send({"type": "join", "code": game.code, "nickname": "Bot1"})
    one.until_state(lambda s: s["you"] is not None)
    one.send({"type": "join", "code": game.code, "nickname": "Bot2"})
    assert "has joined already" in one.refused()["reason"]
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):  # closed while it is still sending
        for _ in range(500):
            one.send({"type": "decide", "round": 1, "answers": {}})
    assert "too many messages" in closed_with(one)
    watcher.send({"type": "decide", "round": 1, "answers": {}})
    assert watcher.refused()["reason"]  # the room goes on for the others
    assert sum(p["nickname"].startswith("Bot") for p in teacher(game).state["players"]) == 1
    watcher.close()


def test_the_join_code_cannot_be_guessed_by_trying_them_all(tmp_path):
    """19**4 codes answered at 26,000 a second: found in seconds. Its own server: this address is then barred
    from wrong codes for a minute."""
    with game_server("--rounds", "3", "--seed", "6", log=tmp_path / "log") as game:
        _guess(game)


def _guess(game):
    from websockets.exceptions import ConnectionClosed

    from sim.classroom.guard import WRONG_CODES

    wrong = [a + b + c for a in "BCDF" for b in "GHJK" for c in "LMNP" if a + b + c + "X" != game.code]
    pages, tried = [], 0
    with contextlib.suppress(ConnectionClosed):
        while tried <= WRONG_CODES:  # several pages, each well under its own rate limit
            pages.append(Page(game))
            for code in wrong[tried : tried + 20]:
                pages[-1].send({"type": "hello", "code": code + "X"})
            tried += 20
    last = pages[-1]
    told = last.until(lambda m: m["type"] == "refused" and "too many" in m["reason"], timeout=30)
    assert "wait a minute" in told["reason"]  # the page is told why before it is closed
    assert "too many wrong join codes" in closed_with(last)


def test_another_sites_page_cannot_open_the_game(game):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus):
        connect(game.ws_url, origin="http://evil.example", open_timeout=30)
    import socket

    address, port = game.base.split("//", 1)[1].rsplit(":", 1)

    def named(host):  # this server, by another name in the Host header (the address the name points to)
        return socket.create_connection((address, int(port)), timeout=30)

    from websockets.exceptions import ConnectionClosed

    evil = f"evil.example:{port}"
    with named(evil) as sock:  # its own name pointed here (DNS rebinding): Origin and Host agree
        with connect(f"ws://{evil}/ws", sock=sock, origin=f"http://{evil}", open_timeout=30) as page:
            with pytest.raises(ConnectionClosed) as closed:  # told where to go (1008: the page does not retry)
                page.send(json.dumps({"type": "hello", "code": game.code}))
                page.recv(timeout=30)
    assert closed.value.rcvd.code == 1008 and closed.value.rcvd.reason.startswith("open the game at http://")
    for name in ("localhost", "teacher-laptop", "teacher-laptop.local", "room12.lan"):  # names a class may use
        with named(name) as sock, connect(f"ws://{name}:{port}/ws", sock=sock, open_timeout=30) as ok:
            ok.send(json.dumps({"type": "hello", "code": game.code}))
            assert json.loads(ok.recv(timeout=30))["type"] == "state", name
    host = game.base.split("//", 1)[1]
    with connect(game.ws_url, origin=f"http://{host}", open_timeout=30) as ok:  # the game's own page
        ok.send(json.dumps({"type": "hello", "code": game.code}))
        assert json.loads(ok.recv(timeout=30))["type"] == "state"


def test_a_message_nested_thousands_deep_is_refused_in_words(game):
    page = Page(game)
    page.send("[" * 4000 + "]" * 4000)
    assert page.refused()["reason"]
    page.close()


def test_only_the_teacher_removes_a_player_and_not_once_the_game_is_over(tmp_path):
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "5", log=tmp_path / "log") as game:
        bot = student(game, "Mallory")
        ada = student(game, "Ada")
        ada.send({"type": "command", "command": "remove", "player": bot.state["you"]["id"]})
        assert "only the teacher" in ada.refused()["reason"]
        teach = teacher(game)
        teach.send({"type": "command", "command": "remove", "player": bot.state["you"]["id"]})
        teach.until_state(lambda s: "Mallory" not in [p["nickname"] for p in s["players"]])
        bot.until_state(lambda s: s["you"] is None)  # its page is back at the join form
        bot.send({"type": "join", "code": game.code, "nickname": "Mallory again"})  # and can join, as a new student
        bot.until_state(lambda s: s["you"] is not None and s["you"]["nickname"] == "Mallory again")
        # once the game is over, a record stays whole: the debrief of a student who played is not taken away
        ada.send({"type": "pick", "seat": "m0"})
        ada.until_state(lambda s: s["you"]["seat"] == "m0")
        teach.send({"type": "command", "command": "end"})
        teach.until_state(lambda s: s["phase"] == "debrief")
        teach.send({"type": "command", "command": "remove", "player": ada.state["you"]["id"]})
        assert "the game is over" in teach.refused()["reason"]
        # one without a seat (Mallory again, who never took one) has no record: taken off the list
        teach.send({"type": "command", "command": "remove", "player": bot.state["you"]["id"]})
        teach.until_state(lambda s: "Mallory again" not in [p["nickname"] for p in s["players"]])
        for page in (bot, ada, teach):
            page.close()


def test_an_odd_static_path_is_not_found_not_a_server_error(game):
    import urllib.error

    for path in ("/static/game.js%00.css", "/static/..%2fserver.py", "/static/%2e%2e/room.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(game.base + path)
        refused.value.close()
        assert refused.value.code == 404, path


def test_a_test_page_starts_no_thread_that_draws_from_the_global_random(game):
    """websockets' keepalive pings draw from Python's global random every 20 s in a thread;
    a hypothesis test later in the same worker then fails as a strategy using ``random``."""
    import threading

    page = Page(game)
    try:
        assert not [t.name for t in threading.enumerate() if "keepalive" in t.name]
    finally:
        page.close()
