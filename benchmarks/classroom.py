"""The classroom page under a class: many browser sessions on one ``coalition viz`` server.

Real headless Chromium (one browser, one context per student) against the server on the
same machine, so the browsers and the server share the cores, as on a teacher's laptop
that also shows the page. Figures of the performance issue:

* first picture: from opening the page to the network drawn, 10 sessions opening at once;
* Step: click to the next week shown, 10 sessions open (idle, then while the others play);
* Play: weeks shown per second in each of 10 sessions playing at once (default speed);
* memory: the server's resident memory after 35 sessions opened, played and closed,
  against its memory after a first session (Python's imports done) was opened and closed.

``python -m benchmarks --only classroom`` runs it; ``python -m benchmarks.classroom`` too.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

from benchmarks.common import verdict
from tests.browser import CHROMIUM, CHROMIUM_ARGS, NETWORK, WEEK, server

SESSIONS = 10
CYCLED = 35
BATCH = 5
PLAY_SECONDS = 10.0


def cpu_s(pid: int) -> float:
    """CPU seconds (user and system) that process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def open_session(browser, url: str):
    """A new context and page; returns ``(context, page, seconds to the first picture)``."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url + "?steps=520", timeout=120_000)  # runs long enough never to end here
    await page.locator(NETWORK).wait_for(timeout=120_000)
    return context, page, time.perf_counter() - start


async def close_session(context, page) -> None:
    """Close the tab as a student would (the page's unload handlers run), then its context."""
    await page.close(run_before_unload=True)
    await asyncio.sleep(0.2)
    await context.close()


async def week(page) -> int:
    """The week the page shows."""
    return int(await page.locator(WEEK).inner_text())


async def step(page) -> float:
    """Click Step; seconds until the next week is shown."""
    before = await week(page)
    start = time.perf_counter()
    await page.get_by_role("button", name="Step", exact=True).click()
    await page.wait_for_function(
        f"() => document.querySelector('{WEEK}').textContent.trim() === '{before + 1}'", timeout=60_000
    )
    return time.perf_counter() - start


async def play_all(pages, seconds: float) -> list[float]:
    """Press Play in every page, wait, and return each page's weeks shown per second."""
    await press_all(pages, "Play", "Pause")
    starts = [await week(p) for p in pages]
    began = time.perf_counter()
    await asyncio.sleep(seconds)
    ends = [await week(p) for p in pages]
    elapsed = time.perf_counter() - began
    await press_all(pages, "Pause", "Play")
    return [(end - start) / elapsed for start, end in zip(starts, ends, strict=True)]


async def press_all(pages, button: str, then: str) -> None:
    """Press ``button`` in every page and wait until each shows ``then`` instead."""
    await asyncio.gather(*(p.get_by_role("button", name=button).click(timeout=120_000) for p in pages))
    await asyncio.gather(*(p.get_by_role("button", name=then).wait_for(timeout=120_000) for p in pages))


async def settle(pid: int, seconds: float = 20.0) -> float:
    """The server's memory once it stops changing (or after ``seconds``)."""
    last, still = rss_mb(pid), 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and still < 3:
        await asyncio.sleep(1.0)
        now = rss_mb(pid)
        still = still + 1 if abs(now - last) < 1 else 0
        last = now
    return last


def report(what: str, values) -> None:
    """One line of raw figures as they come (the summary follows at the end)."""
    print(f"    {what}: " + " ".join(f"{v:.2f}" for v in values), flush=True)


async def measure(url: str, pid: int) -> dict:
    """All the classroom figures, against a running server."""
    from playwright.async_api import async_playwright

    out = {"cold_mb": rss_mb(pid)}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context, page, _ = await open_session(browser, url)
        await step(page)
        await close_session(context, page)
        out["start_mb"] = await settle(pid)

        before = cpu_s(pid)
        opened = await asyncio.gather(*(open_session(browser, url) for _ in range(SESSIONS)))
        out["cpu_per_tab"] = (cpu_s(pid) - before) / SESSIONS
        pages = [p for _, p, _ in opened]
        out["first_picture"] = [t for _, _, t in opened]
        report("first picture (s)", out["first_picture"])
        out["step_idle"] = [await step(p) for _ in range(3) for p in pages]
        report("Step, others idle (s)", out["step_idle"])
        before, weeks = cpu_s(pid), sum([await week(p) for p in pages])
        out["play"] = await play_all(pages, PLAY_SECONDS)
        out["cpu_per_week"] = (cpu_s(pid) - before) / max(1, sum([await week(p) for p in pages]) - weeks)
        report("Play (weeks/s)", out["play"])
        playing = pages[1:]
        await press_all(playing, "Play", "Pause")
        out["step_busy"] = [await step(pages[0]) for _ in range(10)]
        await press_all(playing, "Pause", "Play")
        out["open_mb"] = rss_mb(pid)
        for context, page, _ in opened:
            await close_session(context, page)

        for _ in range(CYCLED // BATCH):
            batch = await asyncio.gather(*(open_session(browser, url) for _ in range(BATCH)))
            await press_all([p for _, p, _ in batch], "Play", "Pause")
            await asyncio.sleep(2.0)
            for context, page, _ in batch:
                await close_session(context, page)
        out["peak_mb"] = rss_mb(pid)
        out["end_mb"] = await settle(pid, 60.0)
        await browser.close()
    return out


def classroom() -> dict | None:
    """Run the classroom benchmark and print its figures against the issue's targets."""
    if not Path(CHROMIUM).exists():
        print(f"classroom page: skipped, {CHROMIUM} is missing (apt-get install chromium)")
        return None
    print(f"classroom page: {SESSIONS} Chromium sessions on one server, sharing this machine's cores", flush=True)
    with server() as (url, process):
        figures = asyncio.run(measure(url, process.pid))
    first, idle, busy, play = (figures[k] for k in ("first_picture", "step_idle", "step_busy", "play"))
    start, end = figures["start_mb"], figures["end_mb"]
    print(
        f"  first picture, {SESSIONS} opening at once: median {statistics.median(first):.1f} s, "
        f"slowest {max(first):.1f} s; target <= 5 s each: {verdict(max(first), 5)}"
    )
    print(
        f"  Step to the next week shown, {SESSIONS} open: median {statistics.median(idle) * 1000:.0f} ms "
        f"(max {max(idle) * 1000:.0f}); target <= 300 ms median: {verdict(statistics.median(idle), 0.3)}"
    )
    print(
        f"  Step while the other {SESSIONS - 1} play: median {statistics.median(busy) * 1000:.0f} ms "
        f"(max {max(busy) * 1000:.0f})"
    )
    print(
        f"  Play, all {SESSIONS} at once: {min(play):.1f}-{max(play):.1f} weeks/s each "
        f"(median {statistics.median(play):.1f}); target >= 5 each: {verdict(min(play), 5, higher_is_better=True)}"
    )
    print(
        f"  server CPU: {figures['cpu_per_tab']:.2f} s per tab opened, {figures['cpu_per_week'] * 1000:.1f} ms per "
        f"week shown while all play (so one core serves about {1 / figures['cpu_per_week']:.0f} weeks/s in all)"
    )
    print(
        f"  server memory: {figures['cold_mb']:.0f} MB started, {start:.0f} MB after a first session, "
        f"{figures['open_mb']:.0f} MB with {SESSIONS} open, {figures['peak_mb']:.0f} MB after {CYCLED} more "
        f"opened and closed, {end:.0f} MB settled ({(end / start - 1) * 100:+.0f}%); "
        f"target within 10%: {verdict(abs(end / start - 1), 0.10)}"
    )
    return figures


if __name__ == "__main__":
    classroom()
