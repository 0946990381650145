"""The classroom page in a real headless Chromium, served by ``coalition viz``.

One server and one browser for the module; each test opens its own browser contexts
(separate cookies, like separate students). Every page records console errors and
warnings, script errors, failed requests and HTTP errors; each test asserts there were
none. Skipped when ``/usr/bin/chromium`` or playwright is missing, except under CI (env
``CI`` set), where a missing browser fails the test: ``.ci/run`` installs Debian's chromium.
"""

import itertools
import os
import re
import socket
from pathlib import Path

import pytest

from tests.browser import (
    CHROMIUM,
    NETWORK,
    click_step,
    free_port,
    is_local,
    launch,
    new_tab,
    serve,
    shown_week,
    wait_for_week,
    wait_for_week_at_least,
)

pytestmark = pytest.mark.browser
VIEWPORTS = {"laptop": (1280, 720), "projector": (1920, 1080), "phone": (390, 844)}


def browser_missing() -> str:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    return " and ".join(missing)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    missing = browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need {missing}")
        pytest.skip(f"the browser tests need {missing}")
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serve(log=log) as url:
        yield url
    text = log.read_text()
    assert "Traceback" not in text and "Could not load URL" not in text, text


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def no_problems(*pages):
    for page in pages:
        assert page.problems == [], page.problems
        outside = [u for u in page.requested if not is_local(u)]
        assert outside == [], f"requests left localhost: {outside}"


def test_is_local():
    assert is_local("http://127.0.0.1:8765/_solara/cdn/x.js") and is_local("data:image/png;base64,xx")
    assert not is_local("https://cdn.jsdelivr.net/npm/vue") and not is_local("http://10.0.0.1/")


def test_every_tab_has_its_own_run(server, browser):
    a, b = new_tab(browser, server), new_tab(browser, server)
    for _ in range(3):
        click_step(a)
    assert (shown_week(a), shown_week(b)) == (3, 0)
    click_step(b)
    assert (shown_week(a), shown_week(b)) == (3, 1)
    c = new_tab(browser, server)
    assert shown_week(c) == 0
    no_problems(a, b, c)


def test_pause_stops_play_at_once(server, browser):
    page = new_tab(browser, server)
    page.get_by_role("button", name="Play").click()
    wait_for_week_at_least(page, 5)
    page.get_by_role("button", name="Pause").click()
    page.get_by_text(re.compile(r"^Week \d+ of 156\. Paused\.$")).wait_for()
    paused = shown_week(page)
    page.wait_for_timeout(1500)
    assert shown_week(page) == paused >= 5
    assert page.get_by_role("button", name="Step", exact=True).is_enabled()
    no_problems(page)


def test_a_number_being_typed_survives_the_page_redrawing(server, browser):
    """The server's answer to another change redraws the settings; it must not undo typing."""
    from playwright.sync_api import expect

    page = new_tab(browser, server)
    box = page.get_by_label("Patience (weeks) (type a number)")
    box.fill("13")  # typed, not yet committed: no Enter, the box keeps the focus
    # another setting changes meanwhile (as when the server answers a change made just before)
    page.get_by_label("Leader", exact=True).evaluate(
        "el => { el.value = 'none'; el.dispatchEvent(new Event('change')); }"
    )
    expect(page).to_have_url(re.compile(r"leader=none"))
    page.get_by_text("Press Reset to start a run with these settings.").wait_for()
    assert box.input_value() == "13"
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"leader=none.*patience=13"))
    no_problems(page)


def boxes(page) -> list:
    return page.locator(".coalition-panel").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.className, r.left, r.top, r.right, r.bottom]; })"
    )


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_page_fits_the_screen(server, browser, screen):
    width, height = VIEWPORTS[screen]
    page = new_tab(browser, server, width, height)
    click_step(page)
    panels = boxes(page)
    assert len(panels) >= 10
    for (name_a, *a), (name_b, *b) in itertools.combinations(panels, 2):
        overlap_x = min(a[2], b[2]) - max(a[0], b[0])
        overlap_y = min(a[3], b[3]) - max(a[1], b[1])
        assert overlap_x <= 0 or overlap_y <= 0, f"{name_a} overlaps {name_b} on the {screen}"
    assert all(p[3] <= width + 0.5 for p in panels), "a panel runs off the right edge"
    if screen == "phone":  # one column: every panel as wide as the screen allows
        narrow = [name for name, left, _, right, _ in panels if right - left < 0.9 * width]
        assert narrow == [], f"panels narrower than the phone: {narrow}"
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"horizontal scroll on the {screen}: {scroll} > {client}"
    # the network's smallest text (11 picture units) is at least 8 CSS pixels on screen
    drawn, picture = page.locator(NETWORK).evaluate("s => [s.getBoundingClientRect().width, s.viewBox.baseVal.width]")
    assert drawn / picture * 11 >= 8, f"network text too small on the {screen}: {drawn} px for {picture}"
    no_problems(page)


def test_the_page_is_accessible(server, browser):
    page = new_tab(browser, server, 1280, 720)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title().startswith("Coalition: ")
    unnamed = page.locator("button, select, input").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null)"
        ".filter(e => !(e.getAttribute('aria-label') || e.labels?.length || e.innerText.trim()))"
        ".map(e => e.outerHTML.slice(0, 80))"
    )
    assert unnamed == []
    pictures = page.locator("svg[role=img]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-labelledby').split(' ')"
        ".map(id => (document.getElementById(id) || {}).textContent || '').join(' '))"
    )
    assert len(pictures) == 6 and all(len(words) > 40 for words in pictures), pictures
    assert page.locator("h1").count() == 1 and page.locator("h2").count() >= 8
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 2, f"focus ring {outline}"
    no_problems(page)


def test_a_run_stops_at_its_horizon(server, browser):
    page = new_tab(browser, server + "?steps=6&seed=3&leader=point")
    page.get_by_role("button", name="Play").click()
    page.get_by_text(re.compile("Run finished at week 6")).wait_for()
    assert shown_week(page) == 6
    assert page.get_by_role("button", name="Play").is_disabled()
    assert page.get_by_role("button", name="Step", exact=True).is_disabled()
    no_problems(page)


def test_a_mistyped_link_is_said_on_the_first_screen_of_a_phone(server, browser):
    from playwright.sync_api import expect

    page = new_tab(browser, server + "?patience=-5&scenario=single_agency", *VIEWPORTS["phone"])
    top = page.locator(".coalition-link-note")
    top.wait_for()
    assert top.bounding_box()["y"] < VIEWPORTS["phone"][1]  # above the fold, not under the charts
    page.get_by_text(re.compile(r"Patience \(weeks\): -5 is outside this page's range")).wait_for()
    expect(page).to_have_url(re.compile(r"scenario=single_agency"))  # as the docs write it
    assert "scenario_name" not in page.url
    no_problems(page)


def test_starting_a_run_from_the_settings_on_a_phone_brings_back_its_controls(server, browser):
    # a teacher's trial: the run restarted but the page stayed at the settings, Play far above
    page = new_tab(browser, server, *VIEWPORTS["phone"])
    page.get_by_label("Leader", exact=True).select_option("none")
    apply = page.get_by_role("button", name="Start a run with these settings")
    apply.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > VIEWPORTS["phone"][1]
    apply.click()
    page.get_by_text("Press Play or Step to start.").wait_for()
    # Play on screen (the page settles as the server answers: waited for, not read once)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.coalition-run button')].some(b => b.textContent.includes('Play')
            && b.getBoundingClientRect().top >= 0 && b.getBoundingClientRect().bottom <= window.innerHeight)""",
        timeout=10_000,
    )
    no_problems(page)


def test_a_reload_starts_afresh_with_the_tabs_settings(server, browser):
    from playwright.sync_api import expect

    page = new_tab(browser, server)
    page.get_by_label("Leader", exact=True).select_option("none")
    # the settings reach the URL by history.replaceState, which is no navigation: poll the URL
    # (wait_for_url waits for a navigation event when the URL does not match yet, and can miss it).
    # Let the server's answer to the first change arrive before typing the second: on a loaded
    # machine it can re-render the settings while the number is being typed.
    expect(page).to_have_url(re.compile(r"leader=none"))
    page.get_by_label("Patience (weeks) (type a number)").fill("13")
    page.get_by_label("Patience (weeks) (type a number)").press("Enter")
    page.get_by_text("Press Reset to start a run with these settings.").wait_for()
    expect(page).to_have_url(re.compile(r"leader=none.*patience=13"))
    click_step(page)
    page.reload()
    page.locator(NETWORK).wait_for()
    assert shown_week(page) == 0
    page.get_by_text(re.compile("This run: leader none, .*patience 13 weeks")).wait_for()
    wait_for_week(page, 0)
    no_problems(page)


def test_the_table_and_the_pictures_download(server, browser, tmp_path):
    page = new_tab(browser, server)
    for _ in range(2):
        click_step(page)
    with page.expect_download() as csv:
        page.get_by_role("button", name="Download the run's table (CSV)").click()
    lines = Path(csv.value.path()).read_text().splitlines()
    assert lines[0].startswith("week,") and len(lines) == 4
    with page.expect_download() as png:
        page.get_by_role("button", name="Download the network as a PNG picture").click()
    data = Path(png.value.path()).read_bytes()
    assert data.startswith(b"\x89PNG") and png.value.suggested_filename.endswith("-network.png")
    width = int.from_bytes(data[16:20], "big")
    assert width == 2 * 640  # drawn at twice the picture's size, for a projector or print
    no_problems(page)


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
