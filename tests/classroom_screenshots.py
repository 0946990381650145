"""Retake the pictures of ``docs/classroom.md`` from the real page, and the lesson's facts.

``python -m tests.classroom_screenshots docs/figures`` runs the lesson's three runs in the
model (seed 42), rewrites the block of facts in ``docs/classroom.md`` (what each run ends
with, and the system leader's run week by week, in the words the page shows), then serves
the page with ``coalition viz`` and drives it in headless Chromium like a teacher would
(choose a leader, Reset, Play, Step) to save ``classroom-*.png``. ``--facts`` only prints
the facts. ``tests/test_app.py`` checks that the docs' facts match the model.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from sim import CoalitionModel
from sim.viz.charts_svg import money
from sim.viz.view import snapshot
from tests.browser import click_step, launch, new_tab, serve, shown_week

LESSON_SEED = "42"
LEADERS = {"none": "no leader", "point": "a point leader", "system": "a system leader"}
DOC = Path(__file__).resolve().parents[1] / "docs" / "classroom.md"
BEGIN, END = "<!-- lesson facts: begin -->", "<!-- lesson facts: end -->"
# what the system leader's timeline keeps of the narration
MILESTONES = ("committed to the coalition", "shared its", "took effect", "GOAL REACHED", "left the coalition")


def run(leader: str) -> tuple:
    """The lesson's run with ``leader``: its last week's view, the important narration, accuracy by week."""
    model = CoalitionModel(leader=leader, rng=int(LESSON_SEED))
    lines, accuracy = [], [model.diagnosis_accuracy]
    while model.running:
        model.step()
        view = snapshot(model)
        lines += [line for line in reversed(view.this_week) if not line.minor]
        accuracy.append(view.accuracy)
    return view, lines, accuracy


def lesson_facts() -> str:
    """The facts block of docs/classroom.md: each run's end, and the system leader's milestones."""
    rows = [
        "| run (seed 42) | at the table | committed | sharing data | money spent | chronic absence, last week | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for leader, words in LEADERS.items():
        view, lines, accuracy = run(leader)
        goal = f"week {view.goal_week}" if view.goal_reached else "not reached"
        rows.append(
            f"| {words} | {view.at_table} of {view.n_members} | {view.committed} | {view.sharing} | "
            f"{money(view.money_spent)} | {view.rate:.1%} (target {view.target:.0%}) | {goal} |"
        )
    first = {m: next((line for line in lines if m in line.text), None) for m in MILESTONES}
    shares = [line for line in lines if MILESTONES[1] in line.text]
    timeline = [f"- week {first[MILESTONES[0]].week}: the first commitment: {first[MILESTONES[0]].text}"]
    timeline += [f"- week {line.week}: {line.text}" for line in shares]
    if shares:
        before, after = shares[0].week - 1, shares[-1].week
        timeline.append(
            f"- diagnosis accuracy (monitor): {accuracy[before]:.2f} in week {before}, "
            f"{accuracy[after]:.2f} in week {after}"
        )
    timeline += [f"- week {first[m].week}: {first[m].text}" for m in MILESTONES[2:4] if first[m]]
    timeline += [f"- week {line.week}: {line.text}" for line in lines if MILESTONES[4] in line.text]
    return "\n".join([BEGIN, *rows, "", "The system leader's run, in the page's words:", "", *timeline, END])


def write_facts(doc: Path = DOC) -> None:
    """Replace the facts block in the docs."""
    text = doc.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    doc.write_text(pattern.sub(lambda _: lesson_facts(), text))


def choose(page, label: str, value: str) -> None:
    """Pick ``value`` in the selector labelled ``label``."""
    page.get_by_label(label, exact=True).select_option(value)


def reset(page) -> None:
    """Click Reset and wait for week 0."""
    page.get_by_role("button", name="Reset").click()
    page.get_by_text(re.compile(r"^Week 0 of \d+")).wait_for(timeout=30_000)


def run_until(page, week: int | None, timeout: float = 180) -> int:
    """Play until ``week`` (Step the last few weeks, so it stops exactly there) or the end of the run."""
    target = 10**9 if week is None else week
    if target - shown_week(page) > 12:
        page.get_by_role("button", name="Play").click()
        deadline = time.monotonic() + timeout
        while shown_week(page) < target - 12 and time.monotonic() < deadline:
            if page.get_by_text(re.compile("^Run finished")).count():
                break
            time.sleep(0.2)
        pause = page.get_by_role("button", name="Pause")
        if pause.count():
            pause.click()
        time.sleep(0.5)
    step = page.get_by_role("button", name="Step", exact=True)
    while shown_week(page) < target and step.is_enabled():
        click_step(page)
    return shown_week(page)


def take(page, path: Path, selector: str | None = None) -> None:
    """Save the viewport (or one panel) as PNG, with the focus ring out of the way."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    (page.locator(selector).first if selector else page).screenshot(path=str(path))


def main(argv=None) -> int:
    """Write the lesson's facts into the docs and retake its pictures into a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="where to save classroom-*.png")
    parser.add_argument("--facts", action="store_true", help="only print the lesson's facts")
    args = parser.parse_args(argv)
    if args.facts or args.folder is None:
        print(lesson_facts())
        return 0
    write_facts()
    print(f"rewrote the lesson's facts in {DOC}", flush=True)
    shares = next(line.week for line in run("system")[1] if line.text.startswith("Housing Authority shared its"))
    args.folder.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with serve() as url, sync_playwright() as pw:
        browser = launch(pw)
        page = new_tab(browser, url + f"?seed={LESSON_SEED}", 1280, 720)
        take(page, args.folder / "classroom-start.png")
        for leader in ("none", "point", "system"):
            choose(page, "Leader", leader)
            reset(page)
            if leader == "system":
                run_until(page, shares)
                take(page, args.folder / "classroom-data-shared.png")
            reached = run_until(page, None)
            take(page, args.folder / f"classroom-leader-{leader}.png")
            print(f"classroom-leader-{leader}: week {reached}", flush=True)
        take(page, args.folder / "classroom-compare.png", ".coalition-compare")
        projector = new_tab(browser, url + f"?seed={LESSON_SEED}", 1920, 1080)
        run_until(projector, shares)
        take(projector, args.folder / "classroom-projector.png")
        phone = new_tab(browser, url + f"?seed={LESSON_SEED}", 390, 844)
        run_until(phone, shares)
        phone.locator(".coalition-monitors").scroll_into_view_if_needed()
        take(phone, args.folder / "classroom-phone.png")
        problems = page.problems + projector.problems + phone.problems
        print(f"problems on the pages: {problems or 'none'}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
