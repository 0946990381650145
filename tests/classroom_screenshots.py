"""Retake the screenshots of ``docs/classroom.md`` from the real page, and time a step.

``python -m tests.classroom_screenshots docs/figures`` serves the page with ``coalition viz``, drives it
in headless Chromium like a teacher would (choose a leader, Reset, Play), and saves
``classroom-*.png``. It also prints the browser step time recorded in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from tests.browser import click_step, open_page, play_rate, serve, shown_week

LESSON_SEED = "42"
# (file stem, leader, week to stop at: None = the end of the run)
RUNS = (
    ("classroom-start", "system", 0),
    ("classroom-housing-shares", "system", 38),
    ("classroom-leader-none", "none", None),
    ("classroom-leader-point", "point", None),
    ("classroom-leader-system", "system", None),
)


def choose(page, label: str, value: str) -> None:
    """Pick ``value`` in the selector labelled ``label``."""
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=value).first.click()


def set_seed(page, seed: str) -> None:
    """Type a seed into the seed box (it takes effect on Reset)."""
    box = page.get_by_label("Seed (a whole number)")
    box.fill(seed)
    box.press("Enter")


def reset(page) -> None:
    """Click Reset and wait for week 0."""
    page.get_by_role("button", name="Reset").click()
    page.locator(".coalition-narration .v-card__title", has_text="Week 0:").wait_for(timeout=30_000)


def run_until(page, week: int | None, timeout: float = 120) -> int:
    """Play until ``week`` (Step the last few weeks, so it stops exactly there) or the run ends."""
    play = page.get_by_role("button", name="▶")
    deadline = time.monotonic() + timeout
    target = 10**9 if week is None else week
    if target - shown_week(page) > 4:
        play.click()
        last, still = -1, 0
        while shown_week(page) < target - 3 and time.monotonic() < deadline:
            time.sleep(0.25)
            now = shown_week(page)
            still = still + 1 if now == last else 0
            last = now
            if still > 12:  # three seconds without a new week: the run has ended
                break
        pause = page.get_by_role("button", name="❚❚")
        if pause.is_visible() and pause.is_enabled():
            pause.click()
        time.sleep(0.5)
    while shown_week(page) < target and page.get_by_role("button", name="Step").is_enabled():
        click_step(page)
    return shown_week(page)


def main(argv=None) -> int:
    """Take the lesson's screenshots into a folder and print the measured step time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to save classroom-*.png")
    parser.add_argument("--steps", type=int, default=15, help="Step clicks to time")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    with serve() as url, open_page(url, width=1500, height=1000) as page:
        times = [click_step(page) for _ in range(args.steps)]
        rate = play_rate(page, seconds=6)
        print(
            f"step to screen: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f}, "
            f"max {max(times) * 1000:.0f} (n={len(times)}); Play: {rate:.1f} weeks/s",
            flush=True,
        )
        set_seed(page, LESSON_SEED)
        for stem, leader, week in RUNS:
            choose(page, "Leader", leader)
            reset(page)
            reached = run_until(page, week)
            page.screenshot(path=str(args.folder / f"{stem}.png"), full_page=True)
            notice = page.locator(".coalition-notice").inner_text()
            print(f"{stem}: leader {leader}, week {reached}, goal reached: {'Goal reached' in notice}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
