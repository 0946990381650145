"""The game's web server: two plain pages and one WebSocket per page, on the local network.

Starlette (served by uvicorn, both installed with Solara) serves the student page at
``/``, the teacher's at ``/teacher``, their scripts and styles from ``static/``, the QR
code of the student address at ``/qr.svg``, and the game at ``/ws``. Nothing is fetched
from the internet.

Each open page is a :class:`Client` with one task that writes to its socket: replies
first, then the page's whole current state (:mod:`sim.classroom.states`). A change marks
every client dirty; a client that is slow to read gets the latest state once instead of
every state in between, so one slow phone never holds up the room. A round is played in a
worker thread when it is due (all decided, the teacher advanced, or the timer ran out;
a clock checks four times a second), so pages keep being answered meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from sim.classroom import handlers, states
from sim.classroom.guard import OUTBOX, Bucket, Guard, TooMuch
from sim.classroom.qr import qr_svg
from sim.classroom.room import Refused, Room

STATIC = Path(__file__).resolve().parent / "static"
TICK = 0.25  # seconds between the clock's checks (timer, rounds due)
HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:"
    ),
}
log = logging.getLogger("coalition.classroom")


class Client:
    """One open page: its socket, who it is, and what it still has to be sent."""

    def __init__(self, websocket: WebSocket, address: str = ""):
        self.websocket = websocket
        self.address = address  # the page's device on the network
        self.role: str | None = None  # "student" once it said hello, "teacher" once it gave the key
        self.token: str | None = None  # the student's, once joined
        self.outbox: list[dict] = []  # replies, sent before the next state
        self.dirty = asyncio.Event()
        self.pictures_week = -1
        self.bucket = Bucket()

    def reply(self, message: dict) -> None:
        """Send ``message`` to this page (before its next state).

        Raises:
            TooMuch: the page has left :data:`~sim.classroom.guard.OUTBOX` replies unread.
        """
        if len(self.outbox) >= OUTBOX:
            self.outbox.clear()
            raise TooMuch("this page does not read what it is sent")
        self.outbox.append(message)
        self.dirty.set()


class Hub:
    """The room's open pages, and the clock that plays rounds when they are due.

    Args:
        room: the game.
        teacher_key: the secret in the teacher's address.
        student_url: the address students open (shown on the teacher's page).
        students_per_device: students one network address may join (0: any number; default the guard's).
    """

    def __init__(self, room: Room, teacher_key: str, student_url: str = "", students_per_device: int | None = None):
        self.room = room
        self.student_url = student_url
        self.teacher_key = teacher_key
        self.clients: set[Client] = set()
        self.guard = Guard() if students_per_device is None else Guard(students_per_device)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._playing: asyncio.Future | None = None
        room.on_change = self.notify

    def notify(self) -> None:
        """Mark every page for a new state (from any thread)."""
        if self.loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: the server is stopping
            self.loop.call_soon_threadsafe(self._mark_all)

    def _mark_all(self) -> None:
        for client in self.clients:
            client.dirty.set()

    def is_teacher_key(self, key: str) -> bool:
        """Whether ``key`` is the teacher's (compared in constant time)."""
        return secrets.compare_digest(key.encode(), self.teacher_key.encode())

    def play_if_due(self) -> None:
        """Play the open round in a worker thread if it is due and none is being played."""
        if self.room.due() and (self._playing is None or self._playing.done()):
            self._playing = asyncio.ensure_future(asyncio.to_thread(self._play))

    def _play(self) -> None:
        self._guarded(self.room.play_round)

    def in_thread(self, work) -> None:
        """Run ``work`` in a worker thread (it takes model time; the pages keep being answered)."""
        asyncio.ensure_future(asyncio.to_thread(self._guarded, work))

    @staticmethod
    def _guarded(work) -> None:
        try:
            work()
        except Refused:  # the game moved on meanwhile (ended, or a round began)
            pass
        except Exception:  # a bug in a round must not stop the room; the log shows it
            log.exception("the game failed to go on")

    async def clock(self) -> None:
        """Check for due rounds (a timer running out) four times a second."""
        while True:
            await asyncio.sleep(TICK)
            self.play_if_due()

    def messages(self, client: Client) -> list[dict]:
        """What ``client`` is sent now: its replies, then (once it said who it is) its state."""
        out, client.outbox = client.outbox, []
        room = self.room
        if client.role == "teacher":
            if room.published.week != client.pictures_week:
                client.pictures_week = room.published.week
                out.append(states.pictures(room))
            out.append(states.teacher(room) | {"student_url": self.student_url})
        elif client.role == "student":
            player = room.players.get(client.token or "")
            out.append(states.student(room, player))
        return out

    async def serve(self, client: Client) -> None:
        """Write to ``client`` whenever it is marked, the latest state only."""
        try:
            while True:
                await client.dirty.wait()
                client.dirty.clear()
                for message in self.messages(client):
                    await client.websocket.send_text(json.dumps(message, separators=(",", ":")))
        except (WebSocketDisconnect, RuntimeError, OSError):  # the page went away; its reader cleans up
            return
        except Exception:  # a state that cannot be sent (a bug): say so, or the page would freeze unseen
            log.exception("a page's state could not be sent")
            with contextlib.suppress(Exception):
                await client.websocket.close(code=1011)


class Static(StaticFiles):
    """The pages' scripts and styles; an odd path (a null byte: Starlette's ``os.stat`` raises) is not found."""

    async def get_response(self, path: str, scope):  # noqa: D102 - StaticFiles's
        try:
            return await super().get_response(path, scope)
        except ValueError:
            return PlainTextResponse("Not Found", status_code=404)


def same_origin(headers) -> bool:
    """Whether a WebSocket comes from this server's own pages.

    A browser names the page that opened a socket (``Origin``); a page of another site, open
    in a browser on the same network or on this computer, could otherwise reach the game and
    try join codes. A client that is not a browser sends no ``Origin``, and has no page to borrow.
    """
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


LOCAL_SUFFIXES = (".local", ".lan", ".home", ".home.arpa", ".internal", ".localdomain", ".intranet", ".localhost")


def known_host(headers, student_url: str) -> bool:
    """Whether a request names this server as a class would: an address, a local name, or this machine's.

    A page of another site can have its own name point to this computer (DNS rebinding): its
    ``Origin`` and ``Host`` then agree, and :func:`same_origin` alone let it into the game.
    Such a name is a public one (``evil.example``), so it is refused; an address, a name of
    one label (``localhost``, ``teacher-laptop``), a local network's (``.local``, ``.lan``...),
    this machine's own and the students' address's host are taken.
    """
    host = headers.get("host", "").lower()
    name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if "." not in name.rstrip(".") or name.rstrip(".").endswith(LOCAL_SUFFIXES):  # names only a local network gives
        return True
    machine = socket.gethostname().lower()
    known = {machine, socket.getfqdn().lower(), (urlsplit(student_url).hostname or "").lower()}
    return name.rstrip(".") in known


def create_app(room: Room, student_url: str, teacher_key: str, students_per_device: int | None = None) -> Starlette:
    """The game's web application.

    Args:
        room: the game.
        student_url: the address students open (drawn as the QR code).
        teacher_key: the secret that the teacher's page must give.
        students_per_device: students one network address may join (0: any number).
    """
    hub = Hub(room, teacher_key, student_url, students_per_device)
    qr = qr_svg(student_url)

    async def student_page(request):
        return FileResponse(STATIC / "student.html", headers=HEADERS)

    async def teacher_page(request):
        return FileResponse(STATIC / "teacher.html", headers=HEADERS)

    async def qr_code(request):
        # the join code, drawn: for the teacher's page (the projector), not for anyone on the network
        if not secrets.compare_digest(request.query_params.get("key", ""), teacher_key):
            return PlainTextResponse("the QR code is on the teacher's page", status_code=403)
        return Response(qr, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})

    async def health(request):
        return PlainTextResponse("ok")

    async def socket(websocket: WebSocket):
        if not same_origin(websocket.headers):  # another site's page in a browser here: never the game's
            await websocket.close(code=1008)
            return
        if not known_host(websocket.headers, student_url):  # a public name pointed here: told, not retried
            await websocket.accept()
            where = student_url.split("?")[0]
            with contextlib.suppress(Exception):
                await websocket.close(code=1008, reason=f"open the game at {where}")
            return
        address = websocket.client.host if websocket.client else ""
        try:
            hub.guard.connection(address)
        except TooMuch as err:
            log.warning("refused a page from %s: %s", address, err)
            await websocket.close(code=1008)
            return
        await websocket.accept()
        client = Client(websocket, address)
        hub.clients.add(client)
        writer = asyncio.ensure_future(hub.serve(client))
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                client.bucket.take()
                hub.guard.message(address)
                handlers.handle(hub, client, message.get("text"))
                hub.play_if_due()
        except WebSocketDisconnect:
            pass
        except TooMuch as err:  # one page past the limits (sim.classroom.guard): closed, the others play on
            log.warning("closed a page from %s: %s", client.address, err)
            with contextlib.suppress(Exception):
                for message in client.outbox:  # what it was told last (why it is closed), before it goes
                    await websocket.send_text(json.dumps(message, separators=(",", ":")))
                client.outbox = []
                await websocket.close(code=1008, reason=str(err))
        finally:
            hub.clients.discard(client)
            writer.cancel()
            if client.token is not None:
                room.connected(client.token, -1)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        hub.loop = asyncio.get_running_loop()
        clock = asyncio.ensure_future(hub.clock())
        yield
        clock.cancel()

    app = Starlette(
        routes=[
            Route("/", student_page),
            Route("/teacher", teacher_page),
            Route("/qr.svg", qr_code),
            Route("/health", health),
            WebSocketRoute("/ws", socket),
            Mount("/static", Static(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.hub = hub
    app.state.student_url = student_url
    return app
