"""The classroom page in a real headless Chromium, served by ``coalition viz``.

Skipped when ``/usr/bin/chromium`` or playwright is missing, except under CI (env ``CI``
set), where a missing browser fails the test: ``.ci/run`` installs Debian's chromium.
"""

import os
import re
import shutil
import socket
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, NARRATION_TITLE, click_step, free_port, is_local, open_page, serve, shown_week

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_ready():
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_is_local():
    assert is_local("http://127.0.0.1:8765/_solara/cdn/x.js") and is_local("data:image/png;base64,xx")
    assert not is_local("https://cdn.jsdelivr.net/npm/vue") and not is_local("http://10.0.0.1/")


def test_three_steps_in_a_real_browser(browser_ready, tmp_path):
    log = tmp_path / "server.log"
    with serve(log=log) as url, open_page(url) as page:
        assert shown_week(page) == 0
        first_narration = page.locator(".coalition-narration").inner_text()
        for _ in range(3):
            click_step(page)
        # the step counter: our narration title and Mesa's own "Time" counter
        assert shown_week(page) == 3
        assert page.locator(NARRATION_TITLE).inner_text().startswith("Week 3")
        page.get_by_text(re.compile(r"^Time: 3(\.0)?$")).wait_for(timeout=10_000)
        # the network and the plots are drawn (two decoded images, not empty)
        sizes = page.locator("img").evaluate_all("imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])")
        drawn = [s for s in sizes if s[0] > 300 and s[1] > 200]
        assert len(drawn) >= 2, sizes
        assert page.locator(".coalition-narration").inner_text() != first_narration
        assert page.locator(".coalition-notice").inner_text().count("What to") >= 1
        screenshot = tmp_path / "classroom-test.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 10_000
        if os.environ.get("COALITION_SCREENSHOT_DIR"):  # keep it, e.g. as a CI artifact
            shutil.copy(screenshot, Path(os.environ["COALITION_SCREENSHOT_DIR"]) / screenshot.name)
        requested = list(page.requested)
    assert requested, "no requests were recorded"
    outside = [u for u in requested if not is_local(u)]
    assert outside == [], f"requests left localhost: {outside}"
    server_log = log.read_text()
    assert "Could not load URL" not in server_log  # the server never had to fetch an asset from a CDN
    assert "Traceback" not in server_log, server_log


def _servers_on(port: int) -> list[int]:
    """PIDs of processes whose command line serves on ``port``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in args and str(port).encode() in args and proc.name.isdigit():
            pids.append(int(proc.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_stopping_the_page_leaves_no_server_behind():
    pytest.importorskip("solara")
    port = free_port()
    with serve(port=port) as url:
        assert url.endswith(f":{port}/") and _servers_on(port)
    assert _servers_on(port) == []
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
