"""Play the coalition under a class: 30 simulated students on one ``coalition classroom`` server.

Each student is a client over the pages' own protocol (a WebSocket, the same JSON
messages as ``static/student.js``); the teacher is a real headless Chromium showing the
projector page (when Chromium is there) plus a protocol client. Server, clients and
browser share this machine's cores. The class joins, takes the seats (12 in the default
scenario, so teams of two or three) and plays the lesson's 12 rounds of 13 weeks. Per
round:

* **last decision to every page**: the first 29 decisions are sent and received; then the
  clock starts, the 30th is sent, and stops when every one of the 31 protocol pages has
  the next round's state (and the projector page shows it): the issue's target, 1 s;
* **all at once**: in other rounds all 30 decisions leave together, timed from the first
  send to the last page updated;
* the server's CPU seconds per round and its memory at the end.

``python -m benchmarks --only game`` runs it; ``python -m benchmarks.classroom_game`` too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from pathlib import Path

from benchmarks.classroom import cpu_s, rss_mb
from benchmarks.common import verdict
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.game_client import game_server

STUDENTS = 30
ROUNDS = 12
WEEKS = 13
TARGET_S = 1.0
WAIT = 120.0


class Client:
    """One page over the protocol, reading in the background and keeping the latest state."""

    def __init__(self, socket):
        self.socket = socket
        self.state: dict = {}
        self.changed = asyncio.Event()
        self.refusals: list[str] = []
        self.token = ""
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.socket:
                message = json.loads(text)
                if message["type"] == "state":
                    self.state = message
                elif message["type"] == "refused":
                    self.refusals.append(message["reason"])
                elif message["type"] == "welcome":
                    self.token = message["token"]
                self.changed.set()

    async def send(self, message: dict) -> None:
        await self.socket.send(json.dumps(message))

    async def until(self, check, timeout: float = WAIT) -> None:
        """Wait until ``check(state)`` holds."""
        deadline = time.monotonic() + timeout
        while not (self.state and check(self.state)):
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.01, deadline - time.monotonic()))


def answers(state: dict, i: int) -> dict:
    """A keen but not uniform class: most come, commit, pay and share; every seventh holds back."""
    keen = i % 7 != 0
    out: dict = {}
    for q in state["questions"]:
        if q["options"]:
            out[q["field"]] = [node for node, _ in q["options"]][: 3 if keen else 1]
        elif q["field"] == "leave":
            out[q["field"]] = False
        else:
            out[q["field"]] = keen
    return out


async def join_class(game, connect) -> tuple[Client, list[Client]]:
    teacher = Client(await connect(game.ws_url, max_size=2**24))
    await teacher.send({"type": "teacher", "key": game.key})
    await teacher.until(lambda s: "players" in s)
    students = [Client(await connect(game.ws_url)) for _ in range(STUDENTS)]
    for i, s in enumerate(students):
        await s.send({"type": "join", "code": game.code, "nickname": f"student{i:02d}"})
    await asyncio.gather(*(s.until(lambda st: st.get("you") is not None) for s in students))
    for s in students:  # one after the other, each taking a seat with the fewest players, as the page offers
        while not s.state["you"]["seat"]:
            seat, refused = min(s.state["seats"], key=lambda x: x["players"])["id"], len(s.refusals)
            await s.send({"type": "pick", "seat": seat})
            await s.until(lambda st, seat=seat, n=refused, s=s: st["you"]["seat"] == seat or len(s.refusals) > n)
    await teacher.until(lambda st: all(p["seat"] for p in st["players"]) and len(st["players"]) == STUDENTS)
    return teacher, students


async def play_round(teacher, students, page, number: int, one_last: bool, pid: int) -> tuple[float, float]:
    """One round; returns (seconds to every page updated, server CPU seconds)."""
    pages = [teacher, *students]
    await asyncio.gather(*(s.until(lambda st: st["round"] == number and not st["applying"]) for s in students))
    deciding = [(i, s) for i, s in enumerate(students) if s.state["questions"]]
    cpu = cpu_s(pid)
    if one_last and len(deciding) > 1:
        first, last = deciding[:-1], deciding[-1]
        for i, s in first:
            await s.send({"type": "decide", "round": number, "answers": answers(s.state, i)})
        await teacher.until(lambda st: st["decided"] == len(first))
        start = time.perf_counter()
        await last[1].send({"type": "decide", "round": number, "answers": answers(last[1].state, last[0])})
    else:
        start = time.perf_counter()
        await asyncio.gather(
            *(s.send({"type": "decide", "round": number, "answers": answers(s.state, i)}) for i, s in deciding)
        )
    waits = [p.until(lambda st: st["round"] == number + 1 or st["phase"] == "debrief") for p in pages]
    if page is not None:
        where = page.locator("#where", has_text=f"Round {number + 1} of" if number < ROUNDS else "Debrief")
        waits.append(where.wait_for(timeout=WAIT * 1000))
    await asyncio.gather(*waits)
    return time.perf_counter() - start, cpu_s(pid) - cpu


async def measure(game) -> dict:
    from websockets.asyncio.client import connect

    out: dict = {"last": [], "burst": [], "cpu": [], "browser": Path(CHROMIUM).exists()}
    pid = game.process.pid
    out["start_mb"] = rss_mb(pid)
    async with contextlib.AsyncExitStack() as stack:
        page = None
        if out["browser"]:
            from playwright.async_api import async_playwright

            pw = await stack.enter_async_context(async_playwright())
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.push_async_callback(browser.close)
            context = await browser.new_context(viewport={"width": 1920, "height": 1080})
            page = await context.new_page()
            await page.goto(game.teacher_url, timeout=WAIT * 1000)
            await page.locator("#code", has_text=game.code).wait_for(timeout=WAIT * 1000)
        began = time.perf_counter()
        teacher, students = await join_class(game, connect)
        out["join_s"] = time.perf_counter() - began
        await teacher.send({"type": "command", "command": "start"})
        for number in range(1, ROUNDS + 1):
            one_last = number % 2 == 1
            seconds, cpu = await play_round(teacher, students, page, number, one_last, pid)
            out["last" if one_last else "burst"].append(seconds)
            out["cpu"].append(cpu)
            print(f"    round {number}: {'last decision' if one_last else 'all at once'} {seconds:.3f} s", flush=True)
        out["refusals"] = sum(len(s.refusals) for s in students)
        out["end_mb"] = rss_mb(pid)
        out["debrief"] = teacher.state["phase"] == "debrief"
        for client in (teacher, *students):
            await client.socket.close()
    return out


def classroom_game() -> dict:
    """Run the benchmark and print its figures against the issue's target."""
    print(f"classroom game: {STUDENTS} simulated students, {ROUNDS} rounds of {WEEKS} weeks, one server", flush=True)
    with game_server("--rounds", str(ROUNDS), "--weeks-per-round", str(WEEKS)) as game:
        figures = asyncio.run(measure(game))
    last, burst, cpu = figures["last"], figures["burst"], figures["cpu"]
    browser = ", and the projector page in Chromium)" if figures["browser"] else "; no Chromium here)"
    shown = "every page (30 students' and the teacher's protocol pages" + browser
    print(
        f"  {STUDENTS} joined and took seats in {figures['join_s']:.1f} s; refusals on the way: {figures['refusals']}"
    )
    print(
        f"  last decision to {shown}: median {statistics.median(last):.3f} s, max {max(last):.3f} s "
        f"over {len(last)} rounds; target <= {TARGET_S:g} s: "
        f"{verdict(max(last), TARGET_S)}"
    )
    print(
        f"  all 30 at once, first send to every page: median {statistics.median(burst):.3f} s, max {max(burst):.3f} s"
    )
    print(
        f"  server CPU a round: median {statistics.median(cpu) * 1000:.0f} ms (max {max(cpu) * 1000:.0f}); "
        f"memory {figures['start_mb']:.0f} MB at the start, {figures['end_mb']:.0f} MB after the debrief "
        f"({'shown' if figures['debrief'] else 'NOT shown'})"
    )
    return figures


if __name__ == "__main__":
    classroom_game()
