"""Play the coalition in a real headless Chromium: a teacher and three students, two rounds and the debrief.

One ``coalition classroom`` server and one browser for the module; each person has their
own browser context (their own storage, like their own phone). Every page records console
errors, script errors, failed requests and HTTP errors, and each must have none; no
request may leave this machine. Skipped without Chromium or playwright, except under CI.
"""

import contextlib
import re

import pytest

from tests.browser import is_local, launch, watch
from tests.game_client import decide, game_server, student
from tests.test_browser import browser_missing

pytestmark = pytest.mark.browser
TIMEOUT_MS = 90_000  # generous: other jobs share these cores
PHONE, LAPTOP, PROJECTOR = (390, 844), (1280, 720), (1920, 1080)


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    missing = browser_missing()
    if missing:
        import os

        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need {missing}")
        pytest.skip(f"the browser tests need {missing}")
    log = tmp_path_factory.mktemp("game") / "server.log"
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "3", log=log) as running:
        yield running
    text = log.read_text()
    assert "Traceback" not in text and "ERROR" not in text, text


@pytest.fixture(scope="module")
def browser(game):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def open_page(browser, url: str, size: tuple[int, int]):
    # a phone as a phone: touch, a mobile viewport (the page's meta viewport applies) and a dense screen
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 3} if size == PHONE else {}
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **phone)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch(page)
    page.goto(url)
    return page


def join(browser, game, nickname: str, organization: str, size):
    page = open_page(browser, game.student_url, size)
    assert page.locator("#code").input_value() == game.code  # from the address (the QR code's)
    page.locator("#nickname").fill(nickname)
    press = "tap" if size == PHONE else "click"  # a finger on a phone
    getattr(page.get_by_role("button", name="Join", exact=True), press)()
    getattr(page.locator("button.seat", has_text=organization), press)()
    page.locator("#status", has_text=f"you play {organization}").wait_for()
    return page


def shows_round(page, round_number: int) -> None:
    page.locator("#where", has_text=re.compile(rf"Round {round_number} of 3")).wait_for()


def readable(page) -> None:
    """What any page must give a class: a language, names for every control and picture, no sideways scrolling."""
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for button in page.get_by_role("button").all():
        assert button.inner_text().strip() or button.get_attribute("aria-label"), button
    for image in page.locator("img").all():
        assert image.get_attribute("alt"), image


def no_problems(*pages) -> None:
    for page in pages:
        readable(page)
        assert page.problems == [], page.problems
        outside = [u for u in page.requested if not is_local(u)]
        assert outside == [], f"requests left localhost: {outside}"


def test_a_class_plays_two_rounds_and_sees_the_debrief(browser, game):
    teacher = open_page(browser, game.teacher_url, PROJECTOR)
    teacher.locator("#code", has_text=game.code).wait_for()
    assert teacher.locator("#qr").evaluate("img => img.complete && img.naturalWidth > 0")
    ann = join(browser, game, "Ann", "Housing Authority", PHONE)
    bob = join(browser, game, "Bob", "Chronic absence working group", LAPTOP)
    cy = join(browser, game, "Cy", "Department of Public Health", PHONE)
    students = (ann, bob, cy)
    teacher.locator("#decided-heading", has_text="Players (3)").wait_for()
    assert ann.locator("#briefing", has_text="Less housing instability").is_visible()

    teacher.get_by_role("button", name="Start the game").click()
    for page in students:
        shows_round(page, 1)
    decide(ann, 1)
    teacher.locator(".player.done", has_text="Ann").wait_for()
    teacher.locator("#decided-heading", has_text="1 decided, 2 deciding").wait_for()
    # those the round waits for first (Ann joined first but has decided), in view on the projector
    listed = teacher.locator("#players li")
    assert [listed.nth(i).get_attribute("class").split()[-1] for i in range(3)] == ["waiting", "waiting", "done"]
    assert "Ann" in listed.nth(2).inner_text()
    assert listed.nth(0).bounding_box()["y"] + listed.nth(0).bounding_box()["height"] <= PROJECTOR[1]
    decide(bob, 1)
    decide(cy, 1)
    for page in (teacher, *students):
        shows_round(page, 2)
    teacher.locator("#network svg").wait_for()
    assert teacher.locator("#charts svg").count() == 4
    assert teacher.locator("#charts figure:visible").count() == 1  # one chart at a time, large enough to read
    teacher.get_by_role("button", name="Trust", exact=True).click()
    assert teacher.locator("#charts figure:visible").get_attribute("aria-label") == "Trust and diagnosis"
    assert "week 4" in teacher.locator("#where").inner_text()
    ann.locator("#briefing", has_text="came to the table on its own").wait_for()  # her choice, in her news

    # Ann's phone reloads mid-round: she is still the Housing Authority, and decides
    ann.reload()
    ann.locator("#status", has_text="you play Housing Authority").wait_for()
    shows_round(ann, 2)
    for page in students:
        decide(page, 2)
    for page in (teacher, *students):
        shows_round(page, 3)

    # ending cannot be undone: the page asks first, and "Cancel" leaves the game as it was
    teacher.once("dialog", lambda dialog: dialog.dismiss())
    teacher.get_by_role("button", name="End and debrief").click()
    teacher.wait_for_timeout(300)
    shows_round(teacher, 3)
    teacher.once("dialog", lambda dialog: dialog.accept())
    teacher.get_by_role("button", name="End and debrief").click()
    for page in (teacher, *students):
        page.locator("#debrief h2", has_text="Debrief").wait_for()
        assert page.locator("#debrief svg").count() == 1
        header = page.locator("#debrief table.runs th").all_inner_texts()
        assert header[1:4] == ["your class", "the model's own agents", "the model, no leader"]
    assert ann.locator("#debrief", has_text="Your choices").is_visible()
    assert ann.locator("#debrief li.agrees, #debrief li.differs").count() >= 4  # two rounds, two or more answers
    assert teacher.locator("#debrief table.students tr").count() == 4  # a header and three students
    no_problems(teacher, *students)


def test_the_teacher_page_without_its_key_shows_no_controls(browser, game):
    # the server refuses a wrong key's commands anyway; the page must not look as if it worked
    for url in (game.teacher_url.split("?")[0], game.teacher_url.split("key=")[0] + "key=wrong"):
        page = open_page(browser, url, LAPTOP)
        page.locator("#notice", has_text=re.compile("not the teacher's address|needs its key")).wait_for()
        assert page.locator("section.controls").count() == 1 and page.locator("section.controls").is_hidden()
        assert page.locator("#start").is_hidden() and page.locator("section.join-card").is_hidden()
        assert page.locator("section.players-card").is_hidden()  # no empty game beside the notice
        page.context.close()


def test_a_nickname_too_long_is_refused_in_words_not_cut(browser, game):
    page = open_page(browser, game.student_url, PHONE)
    page.locator("#nickname").fill("Maximiliana-Alexandrovna-Konstantinopoulou the Third")
    page.get_by_role("button", name="Join", exact=True).click()
    page.locator("#notice", has_text="at most 24 characters").wait_for()
    assert page.locator("#nickname").input_value().endswith("the Third")  # kept as typed, to shorten
    page.context.close()


# a socket that opens two seconds late, as on a school's slow Wi-Fi
SLOW_SOCKET = """(() => {
  const Real = window.WebSocket;
  window.WebSocket = function (url) {
    const proxy = { readyState: 0, send() {}, close() {} };
    setTimeout(() => {
      const real = new Real(url);
      for (const k of ["onopen", "onmessage", "onclose"]) real[k] = (...a) => proxy[k] && proxy[k](...a);
      proxy.send = (m) => real.send(m);
      proxy.close = () => real.close();
      Object.defineProperty(proxy, "readyState", { get: () => real.readyState });
    }, 2000);
    return proxy;
  };
  window.WebSocket.OPEN = 1;
})()"""


def test_a_join_tapped_while_connecting_goes_through_and_a_late_joiner_sees_the_debrief(browser, game):
    """Runs after the game above has ended (the module's one game)."""
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch(page)
    page.add_init_script(SLOW_SOCKET)
    page.goto(game.student_url)
    page.locator("#nickname").fill("Dee")
    page.get_by_role("button", name="Join", exact=True).click()
    assert "Not connected yet" in page.locator("#notice").inner_text()  # said, not lost
    page.locator("#debrief h2", has_text="Debrief").wait_for()  # joined once the link came up
    assert page.locator("#seats").is_hidden() and page.locator("#status").is_hidden()
    assert page.locator("#debrief", has_text="You joined after the game").is_visible()
    assert page.locator("#debrief svg").count() == 1
    no_problems(page)


def test_a_paused_rounds_timer_stands_still_on_every_page(browser, tmp_path):
    """The server keeps a paused round's seconds; the pages counted down to 0:00 all the same."""
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "4", log=tmp_path / "log") as g:
        teacher = open_page(browser, g.teacher_url, LAPTOP)
        teacher.locator("#code", has_text=g.code).wait_for()
        ann = join(browser, g, "Ann", "Housing Authority", PHONE)
        bot = join(browser, g, "Bot", "Chicago Public Schools", PHONE)
        # the teacher takes a made-up player out (asked first); its page is back at the join form
        teacher.once("dialog", lambda dialog: dialog.accept())
        teacher.get_by_role("button", name="remove Bot from the game").click()
        bot.locator("#join").wait_for()
        teacher.locator("#decided-heading", has_text="Players (1)").wait_for()
        teacher.locator("#timer-select").select_option("120")
        teacher.get_by_role("button", name="Start the game").click()
        shows_round(ann, 1)
        teacher.get_by_role("button", name="Pause").click()
        ann.locator("#where", has_text="paused by the teacher").wait_for()
        teacher.locator("#where", has_text="paused").wait_for()
        before = [page.locator("#timer").inner_text() for page in (teacher, ann)]
        teacher.wait_for_timeout(2600)
        assert [page.locator("#timer").inner_text() for page in (teacher, ann)] == before
        assert before[0] not in ("", "0:00")
        # while paused (the round waits) a student can send, and change what she sent
        decide(ann, 1)
        ann.locator("#decide h2", has_text="Your decision for round 1 is in").wait_for()
        ann.get_by_role("button", name="Change my decision").click()
        ann.locator("#decide h2", has_text="Round 1: your decision").wait_for()
        assert ann.locator("fieldset.question input:checked").count() >= 1  # it starts from what she sent
        assert ann.get_by_role("button", name="Send my decision").is_enabled()
        decide(ann, 1)
        ann.locator("#decide h2", has_text="Your decision for round 1 is in").wait_for()
        teacher.locator("#decided-heading", has_text="1 decided, 0 deciding").wait_for()
        teacher.get_by_role("button", name="Go on").click()
        shows_round(ann, 2)  # everyone had decided: going on plays the round
        no_problems(teacher, ann)


@contextlib.contextmanager
def teacher_and_ann(browser, tmp_path, seed: int, teacher_size):
    """A game of its own (3 rounds of 4 weeks): the teacher's page, and Ann on a phone as the Housing Authority."""
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", str(seed), log=tmp_path / "log") as g:
        teacher = open_page(browser, g.teacher_url, teacher_size)
        teacher.locator("#code", has_text=g.code).wait_for()
        yield teacher, join(browser, g, "Ann", "Housing Authority", PHONE)


def test_a_pause_shows_from_the_back_and_a_game_ended_at_once_says_there_is_nothing_to_compare(browser, tmp_path):
    # on a projector the pause was a small grey word in the header, and stayed after the game ended
    # ("Debrief · paused"); a debrief at week 0 was an empty chart with no word why
    with teacher_and_ann(browser, tmp_path, 5, PROJECTOR) as (teacher, ann):
        # her briefing says whose money it is and what a trust of 0.35 means
        briefing = ann.locator("#briefing")
        briefing.locator("text=paid into the pool so far").wait_for()
        scale = r"Your trust in the coalition:\s+\d\.\d\d\s+\(0 is none, 1 full; on its own, an organization commits at"
        assert re.search(scale, briefing.inner_text())
        teacher.get_by_role("button", name="Start the game").click()
        shows_round(ann, 1)
        assert teacher.locator("#paused-banner").is_hidden()
        teacher.get_by_role("button", name="Pause").click()
        teacher.locator("#paused-banner", has_text="Paused").wait_for()
        teacher.once("dialog", lambda dialog: dialog.accept())
        teacher.get_by_role("button", name="End and debrief").click()
        teacher.locator("#debrief h2", has_text="Debrief after 0 weeks").wait_for()
        assert teacher.locator("#where").inner_text() == "Debrief"
        assert teacher.locator("#paused-banner").is_hidden()
        assert "before any round was played" in teacher.locator("#debrief").inner_text()
        ann.locator("#debrief", has_text="before any round was played").wait_for()
        no_problems(teacher, ann)


def test_an_answer_ticked_but_not_sent_survives_a_reload(browser, tmp_path):
    with teacher_and_ann(browser, tmp_path, 6, LAPTOP) as (teacher, ann):
        teacher.get_by_role("button", name="Start the game").click()
        ann.locator("#decide h2", has_text="Round 1: your decision").wait_for()
        ann.locator("fieldset.question label.answer").first.click()
        ticked = ann.locator("fieldset.question input:checked").evaluate_all(
            "inputs => inputs.map(i => i.name + '=' + i.value)"
        )
        assert ticked
        ann.reload()
        ann.locator("#decide h2", has_text="Round 1: your decision").wait_for()
        again = ann.locator("fieldset.question input:checked").evaluate_all(
            "inputs => inputs.map(i => i.name + '=' + i.value)"
        )
        assert again == ticked
        no_problems(teacher, ann)


def test_a_wrong_code_in_the_address_is_forgotten_and_a_removed_student_is_told(browser, tmp_path):
    """A student who opened a link with a wrong code, then typed the right one, lost her seat on reload
    (the address's code won); a student the teacher took out went back to the join form without a word."""
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "8", log=tmp_path / "log") as g:
        teacher = open_page(browser, g.teacher_url, LAPTOP)
        teacher.locator("#code", has_text=g.code).wait_for()
        eve = open_page(browser, g.student_url.split("?")[0] + "?code=QQQQ", PHONE)
        told = "no game with the code QQQQ here: type the code on the teacher's screen"
        eve.locator("#notice", has_text=told).wait_for()
        assert eve.locator("#code").input_value() == ""
        eve.locator("#code").fill(g.code.lower())
        eve.locator("#nickname").fill("Eve")
        eve.get_by_role("button", name="Join", exact=True).tap()
        eve.locator("button.seat", has_text="Housing Authority").tap()
        eve.locator("#status", has_text="you play Housing Authority").wait_for()
        assert f"code={g.code}" in eve.url
        eve.reload()
        eve.locator("#status", has_text="you play Housing Authority").wait_for()  # her own seat again
        eve.goto(g.student_url.split("?")[0] + "?code=QQQQ")  # a stale link again: the game she joined wins
        eve.locator("#status", has_text="you play Housing Authority").wait_for()
        assert f"code={g.code}" in eve.url
        teacher.once("dialog", lambda dialog: dialog.accept())
        teacher.get_by_role("button", name="remove Eve from the game").click()
        eve.locator("#notice", has_text="The teacher took you out of the game").wait_for()
        eve.locator("#join").wait_for()
        no_problems(teacher, eve)


def test_committing_and_leaving_in_one_round_is_said_before_it_is_sent(browser, tmp_path):
    # a student ticked Commit and Leave together with no word of what that does (a teacher's trial)
    with teacher_and_ann(browser, tmp_path, 6, LAPTOP) as (teacher, ann):
        teacher.get_by_role("button", name="Start the game").click()
        ann.locator("#decide h2", has_text="Round 1: your decision").wait_for()
        ann.get_by_text("Come to the table", exact=True).click()
        ann.get_by_role("button", name="Send my decision").click()
        ann.locator("#decide h2", has_text="Round 2: your decision").wait_for()
        ann.get_by_text("Commit", exact=True).click()
        assert ann.locator("#leave-warning").count() == 0
        ann.get_by_text("Leave", exact=True).click()
        ann.locator("#leave-warning", has_text="then leaves the coalition this round").wait_for()
        ann.get_by_text("Stay", exact=True).click()
        ann.locator("#leave-warning").wait_for(state="detached")
        no_problems(teacher, ann)


def test_the_network_takes_the_height_few_players_leave_and_ten_players_still_fit(browser, tmp_path):
    # with 8 students the third row of players sat under a 1080-pixel projector's edge; and with few,
    # the network was held to 45% of the height, the bottom third empty: labels about 11 px from the
    # back of the room (teachers' trials)
    with game_server("--rounds", "3", "--weeks-per-round", "4", "--seed", "3", log=tmp_path / "log") as g:
        teacher = open_page(browser, g.teacher_url, PROJECTOR)
        teacher.locator("#code", has_text=g.code).wait_for()
        names = ("Ana", "Ben", "Chloé", "Dev", "Maximilian-Alexander vHZ", "Zoë", "Ola", "Sam", "Kai", "Lea")
        pages = [student(g, name, f"m{i}") for i, name in enumerate(names[:3])]
        teacher.get_by_role("button", name="Start the game").click()
        teacher.locator("#decided-heading", has_text="0 decided, 3 deciding").wait_for()
        teacher.locator("#network svg").wait_for()
        picture = teacher.locator("#network svg").bounding_box()
        assert picture["height"] > 0.55 * PROJECTOR[1], picture
        pages += [student(g, name, f"m{i}") for i, name in enumerate(names[3:], start=3)]  # late joiners
        teacher.locator("#decided-heading", has_text="0 decided, 10 deciding").wait_for()
        boxes = teacher.locator("#players li").evaluate_all("items => items.map(i => i.getBoundingClientRect().bottom)")
        assert len(boxes) == 10 and max(boxes) <= PROJECTOR[1], boxes
        entry = teacher.locator("#players li").first  # "Ana · Schools", then "deciding [model decides] x": two lines
        assert entry.bounding_box()["height"] < 3 * 19 * 1.5, entry.bounding_box()
        for page in pages:
            page.close()
        no_problems(teacher)


def test_a_student_is_told_when_the_model_decided_for_them(browser, tmp_path):
    # a student whose round the model played (out of time, or let by the teacher) was told nothing, and the
    # debrief left those rounds out without a word (a teacher's trial)
    with teacher_and_ann(browser, tmp_path, 6, LAPTOP) as (teacher, ann):
        teacher.get_by_role("button", name="Start the game").click()
        ann.locator("#decide h2", has_text="Round 1: your decision").wait_for()
        assert ann.evaluate("window.scrollY") == 0
        teacher.get_by_role("button", name="model decides").click()
        teacher.get_by_role("button", name="Play the round now").click()
        ann.locator("#decide h2", has_text="Round 2: your decision").wait_for()
        ann.locator("#model-played", has_text="Round 1: no decision came from you, so the model decided").wait_for()
        teacher.once("dialog", lambda dialog: dialog.accept())
        teacher.get_by_role("button", name="End and debrief").click()
        ann.locator("#model-rounds", has_text="in round 1").wait_for()
        no_problems(teacher, ann)
