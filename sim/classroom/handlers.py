"""What the server does with each message from a page.

:func:`handle` parses the message (:mod:`sim.classroom.protocol`), checks that this page
may send it (a student's messages need a joined student, the teacher's the teacher's
key), and passes it to the room. Whatever is refused, malformed or not, the page gets
``{"type": "refused", "reason": ...}`` and nothing else changes; the socket stays open.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sim.classroom import protocol as p
from sim.classroom.guard import TooMuch
from sim.classroom.room import Refused

REASON = 300  # characters of a refusal's reason at most

if TYPE_CHECKING:
    from sim.classroom.server import Client, Hub


def handle(hub: Hub, client: Client, text) -> None:
    """Act on one message from ``client``; refuse it, with the reason, if it cannot be taken."""
    try:
        message = p.parse(text)
        _dispatch(hub, client, message)
    except (p.Malformed, Refused) as err:
        reason = (str(err) or "refused")[:REASON]  # never a page's long input quoted back in full
        client.reply({"type": "refused", "reason": reason, "request": _peek_type(text)})


def _peek_type(text) -> str:
    """The ``type`` a refused message claimed, for the page to know what was refused."""
    try:
        value = json.loads(text).get("type", "") if isinstance(text, str) else ""
    except (ValueError, AttributeError, RecursionError):
        return ""
    return value[:16] if isinstance(value, str) else ""


def _dispatch(hub: Hub, client: Client, message: p.Message) -> None:
    room = hub.room
    if isinstance(message, p.Teacher):
        if not hub.is_teacher_key(message.key):
            raise Refused("this is not the teacher's address")
        client.role = "teacher"
        client.dirty.set()
    elif isinstance(message, p.Command):
        if client.role != "teacher":
            raise Refused("only the teacher's page controls the game")
        _command(hub, message)
    elif isinstance(message, p.Hello | p.Join):
        if message.code != room.code:
            refusal = f"no game with the code {message.code} here"
            try:
                hub.guard.wrong_code(client.address)
            except TooMuch as err:  # the page is told first (it forgets the code), then closed
                client.reply({"type": "refused", "reason": f"{refusal}; {err}", "request": message.type})
                raise
            raise Refused(refusal)
        if isinstance(message, p.Join):
            if client.token is not None and client.token in room.players:
                raise Refused("this page has joined already; another student joins from their own device")
            try:
                hub.guard.may_join(client.address)
            except TooMuch as err:  # said to the page, which stays open (its student may be one already)
                raise Refused(str(err)) from None
            player = room.join(message.nickname)
            hub.guard.joined(client.address)
            client.reply({"type": "welcome", "token": player.token, "code": room.code})
            _seat_client(room, client, player.token)
        elif message.token is not None:
            room.player(message.token)  # refused if unknown: the page forgets the token
            _seat_client(room, client, message.token)
        client.role = "student"
        client.dirty.set()
    elif client.token is None:
        raise Refused("join the game first")
    elif isinstance(message, p.Pick):
        room.pick(client.token, message.seat)
    elif isinstance(message, p.Decide):
        room.decide(client.token, message.round, message.answers.as_choices())


def _seat_client(room, client: Client, token: str) -> None:
    """Tie the page to a student (a reconnect or a second tab counts the same)."""
    if client.token == token:
        return
    if client.token is not None:
        room.connected(client.token, -1)
    client.token = token
    room.connected(token, +1)


def _command(hub: Hub, command: p.Command) -> None:
    room = hub.room
    match command.command:
        case "start":
            room.start()
        case "pause":
            room.pause(True)
        case "resume":
            room.pause(False)
        case "advance":
            room.advance()
        case "timer":
            room.set_timer(command.seconds or None)
        case "away":
            room.let_model_decide(command.player or "")
        case "remove":
            if room.applying:
                raise Refused("a round is being played; remove them in a moment")
            room.remove(command.player or "")
        case "end":
            if room.applying:
                raise Refused("a round is being played; end the game in a moment")
            hub.in_thread(room.end)  # the debrief catches the other runs up: off the event loop
