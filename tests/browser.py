"""Drive the classroom page in a real headless Chromium (for tests, timing and the docs' screenshots).

Needs the ``playwright`` package (the ``test`` extra) and Debian's ``chromium``
(``playwright install`` cannot download a browser on these machines).
Run ``python -m tests.classroom_screenshots docs/figures`` to retake the docs' screenshots
and print the time a step takes to show.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# a dead local address: if the server ever tried to fetch an asset from a CDN, it would fail loudly
OFFLINE_CDN = "http://127.0.0.1:9/npm/"
WEEK = ".coalition-tile-week .coalition-tile-value"
NETWORK = ".coalition-figure-network svg"
TIMEOUT_MS = 90_000
# Solara's own router template misspells ``module.exports``; Vue warns once per page, harmlessly
KNOWN_WARNINGS = ("Failed to evaluate Vue script and find module.exports",)


def free_port() -> int:
    """A TCP port that is free on localhost right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(
    port: int | None = None, scenario: str | None = None, log: Path | None = None, timeout: float = 60, env=None
):
    """Run ``coalition viz`` on a free port; yield ``(url, process)``; stop it afterwards.

    The process is the server itself (``coalition viz`` becomes ``solara run``), so its
    ``/proc`` entry tells the server's memory.
    """
    port = port or free_port()
    cmd = [sys.executable, "-m", "sim.cli", "viz", "--port", str(port)]
    if scenario:
        cmd += ["--scenario", scenario]
    env = dict(os.environ, SOLARA_ASSETS_CDN=OFFLINE_CDN, **(env or {}))
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"coalition viz exited with status {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"coalition viz did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.3)
        yield url, process
    finally:
        stop(process)
        if log:
            out.close()


@contextlib.contextmanager
def serve(port: int | None = None, scenario: str | None = None, log: Path | None = None, timeout: float = 60):
    """Run ``coalition viz`` on a free port; yield its URL; stop it afterwards."""
    with server(port, scenario, log, timeout) as (url, _):
        yield url


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server started in its own session, with everything it started (SIGTERM, then SIGKILL)."""
    if not hasattr(os, "killpg"):  # Windows: no process groups to signal
        process.terminate()
        process.wait(timeout=timeout)
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # the whole group: the server and any child it started
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (localhost, data: and blob: URLs)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def watch(page) -> list:
    """Record on ``page.problems`` every console error or warning, script error, failed request and HTTP error."""
    page.problems = problems = []
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") and not m.text.startswith(KNOWN_WARNINGS)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "requestfailed",
        lambda r: None if unload_beacon(r) else problems.append(f"failed request: {r.url} ({r.failure})"),
    )
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return problems


def unload_beacon(request) -> bool:
    """Solara's "tab closed" beacon, sent while a page unloads (a reload): the browser lists it as
    aborted because the page that sent it is gone, though the server gets it."""
    return "/_solara/api/close/" in request.url and "ERR_ABORTED" in (request.failure or "")


def launch(pw):
    """Debian's Chromium, headless, with the flags these machines need."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_tab(browser, url: str, width: int = 1500, height: int = 1050):
    """A page in its own browser context (its own cookies: another student), showing ``url``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)  # generous: other jobs share these cores
    page = context.new_page()
    watch(page)
    page.goto(url)
    page.locator(NETWORK).wait_for()
    return page


@contextlib.contextmanager
def open_page(url: str, width: int = 1500, height: int = 1050):
    """A Chromium page showing ``url``; ``page.requested`` and ``page.problems`` record what happened."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            yield new_tab(browser, url, width, height)
        finally:
            browser.close()


def shown_week(page) -> int:
    """The week the page shows."""
    return int(page.locator(WEEK).first.inner_text())


def wait_for_week(page, week: int, timeout: float = TIMEOUT_MS / 1000) -> None:
    """Wait until the page shows ``week``."""
    page.locator(WEEK, has_text=re.compile(rf"^{week}$")).wait_for(timeout=timeout * 1000)


def wait_for_week_at_least(page, week: int) -> None:
    """Wait until the page shows ``week`` or a later one (while Play runs)."""
    page.wait_for_function(f"() => Number(document.querySelector('{WEEK}').textContent) >= {week}")


def click_step(page, timeout: float = TIMEOUT_MS / 1000) -> float:
    """Click Step and wait until the page shows the next week; return the seconds it took."""
    before = shown_week(page)
    start = time.perf_counter()
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_week(page, before + 1, timeout)
    return time.perf_counter() - start


def step_times(page, n: int = 10) -> list[float]:
    """Seconds from each of ``n`` Step clicks to the next week being shown."""
    return [click_step(page) for _ in range(n)]


def play_rate(page, seconds: float = 5.0) -> float:
    """Weeks shown per second while Play runs for about ``seconds``."""
    start_week = shown_week(page)
    page.get_by_role("button", name="Play").click()
    start = time.perf_counter()
    time.sleep(seconds)
    end_week = shown_week(page)
    elapsed = time.perf_counter() - start
    page.get_by_role("button", name="Pause").click()
    return (end_week - start_week) / elapsed


def main(argv=None) -> int:
    """Time steps in the browser; optionally take screenshots into a folder."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="Step clicks to time")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the page here")
    args = parser.parse_args(argv)
    with serve() as url, open_page(url) as page:
        times = step_times(page, args.steps)
        rate = play_rate(page)
        print(
            f"step to screen: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(times)}); Play: {rate:.1f} weeks/s"
        )
        if args.screenshot:
            page.screenshot(path=str(args.screenshot), full_page=True)
        outside = [u for u in page.requested if not is_local(u)]
        print(f"{len(page.requested)} requests, {len(outside)} left localhost; problems: {page.problems or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
