"""Take pictures of "Play the coalition" from the real pages, at a phone's, a laptop's and a projector's size.

``python -m tests.game_screenshots FOLDER`` starts ``coalition classroom`` (seed 42, 12
rounds of 13 weeks), opens the teacher's page and four students' pages in headless
Chromium (each its own browser context, like its own phone), lets them join and take
seats, and plays (every student gives the first answer to every question) until
``--round``, where one student is still deciding. It saves, for each size, the teacher's
page, that student's decision and (after End, or with ``--to-end`` after the last round)
the debrief: ``game-<page>-<size>.png``; ``--full`` saves whole pages, for review.
``--docs --to-end`` saves only the three small pictures ``docs/classroom.md`` shows. It
prints every problem a page had (console errors, failed requests, requests that left this
machine).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.browser import is_local, launch, watch
from tests.game_client import decide, game_server

SIZES = {"phone": (390, 844), "laptop": (1366, 768), "projector": (1920, 1080)}
STUDENTS = (
    ("Ann", "Housing Authority"),
    ("Bob", "Chicago Public Schools"),
    ("Cy", "Department of Public Health"),
    ("Dee", "Chronic absence working group"),
)
TIMEOUT_MS = 90_000
# the pictures docs/classroom.md shows: (name, page, size)
DOCS = (
    ("game-teacher", "teacher", "projector"),
    ("game-student", "decide", "phone"),
    ("game-debrief", "teacher", "projector"),
)
ROUNDS, WEEKS, SEED = 12, 13, 42


def open_page(browser, url: str, size: tuple[int, int]):
    """A page in its own browser context, showing ``url``."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch(page)
    page.goto(url)
    return page


def join(browser, student_url: str, nickname: str, organization: str, folder: Path | None = None):
    """A student who joined and took ``organization`` (on a phone); ``folder``: save the join and seat pages."""
    page = open_page(browser, student_url, SIZES["phone"])
    page.locator("#nickname").fill(nickname)
    if folder:
        page.screenshot(path=str(folder / "game-join-phone.png"))
    page.get_by_role("button", name="Join", exact=True).click()
    page.locator("button.seat").first.wait_for()
    if folder:
        page.screenshot(path=str(folder / "game-seats-phone.png"), full_page=True)
    page.locator("button.seat", has_text=organization).click()
    page.locator("#status", has_text=f"you play {organization}").wait_for()
    return page


def shoot(page, folder: Path, name: str, full: bool, sizes=SIZES) -> list[Path]:
    """Save ``page`` at every size in ``sizes``: ``name-<size>.png``."""
    saved = []
    for size, (width, height) in sizes.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        path = folder / f"{name}-{size}.png"
        page.screenshot(path=str(path), full_page=full)
        saved.append(path)
    return saved


def overflow(page) -> list[str]:
    """Elements wider than the page (what a phone would scroll sideways to see)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width && r.right > width + 1 && getComputedStyle(el).position !== 'fixed')
                    out.push(`${el.tagName.toLowerCase()}#${el.id} right=${Math.round(r.right)}`);
            }
            return out.slice(0, 8);
        }"""
    )


def play_round(pages, students, number: int, rounds: int) -> None:
    """Every student decides round ``number``; wait until every page shows the next round (or the debrief)."""
    for page in students:
        if page.locator("#decide h2", has_text=f"Round {number}: your decision").count():
            decide(page, number)
    after = f"Round {number + 1} of" if number < rounds else "Debrief"
    for page in pages:
        page.locator("#debrief h2" if number == rounds else "#where", has_text=after).wait_for()


def small(path: Path) -> None:
    """Rewrite a PNG with a palette of 128 colours (a screenshot of flat colours: a fraction of the bytes)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(128, method=Image.Quantize.FASTOCTREE)
    small.save(path, optimize=True)


def main(argv=None) -> int:
    """Play a few rounds in Chromium and save the pictures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to save the PNGs")
    parser.add_argument("--round", type=int, default=3, help="the round to picture mid-game (default 3)")
    parser.add_argument("--full", action="store_true", help="whole pages, not only what the screen shows")
    parser.add_argument("--docs", action="store_true", help="only the pictures docs/classroom.md shows")
    parser.add_argument("--to-end", action="store_true", help="play every round before the debrief (else: End)")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with (
        game_server("--rounds", str(ROUNDS), "--weeks-per-round", "13", "--seed", "42") as game,
        sync_playwright() as pw,
    ):
        browser = launch(pw)
        teacher = open_page(browser, game.teacher_url, SIZES["projector"])
        teacher.locator("#code", has_text=game.code).wait_for()
        keep = None if args.docs else args.folder  # the join and seat pages, of the last to join
        students = [join(browser, game.student_url, n, o, keep if n == STUDENTS[-1][0] else None) for n, o in STUDENTS]
        pages = [teacher, *students]
        teacher.get_by_role("button", name="Start the game").click()
        for number in range(1, args.round):
            play_round(pages, students, number, ROUNDS)
        for page in students[1:]:  # Ann still deciding, the others' decisions in
            decide(page, args.round)
        students[0].locator("#decide h2", has_text=f"Round {args.round}: your decision").wait_for()
        teacher.locator("#network svg").wait_for()
        mid = {"teacher": teacher, "decide": students[0]}
        if args.docs:
            saved = [shoot(mid[kind], args.folder, name, False, {size: SIZES[size]}) for name, kind, size in DOCS[:2]]
        else:
            for kind, page in mid.items():
                shoot(page, args.folder, f"game-{kind}", args.full)
                print(f"game-{kind}: overflow {overflow(page) or 'none'}", flush=True)
        if args.to_end:
            for number in range(args.round, ROUNDS + 1):
                play_round(pages, students, number, ROUNDS)
        else:
            teacher.once("dialog", lambda dialog: dialog.accept())  # the page asks before ending
            teacher.get_by_role("button", name="End and debrief").click()
        for page in pages:
            page.locator("#debrief h2", has_text="Debrief").wait_for()
        if args.docs:
            name, kind, size = DOCS[2]
            saved.append(shoot(teacher, args.folder, name, False, {size: SIZES[size]}))
            for path in sum(saved, []):
                small(path)
                print(f"{path}: {path.stat().st_size // 1024} kB", flush=True)
        else:
            shoot(students[0], args.folder, "game-debrief", args.full)
            shoot(teacher, args.folder, "game-debrief-teacher", args.full)
            print(f"game-debrief: overflow {overflow(students[0]) or 'none'}", flush=True)
        problems = [p for page in pages for p in page.problems]
        outside = [u for page in pages for u in page.requested if not is_local(u)]
        print(f"problems on the pages: {problems or 'none'}; requests that left this machine: {outside or 'none'}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
