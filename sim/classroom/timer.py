"""The teacher's round timer: a number of seconds a round, standing still while the game is paused."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class RoundTimer:
    """A round's time limit, if the teacher set one.

    Attributes:
        seconds: seconds a round (None: no timer).
        deadline: ``time.monotonic()`` when this round's time runs out (None: not running).
        remaining: seconds left while the game is paused (None: not paused).
    """

    seconds: float | None = None
    deadline: float | None = None
    remaining: float | None = None

    def left(self) -> float | None:
        """Seconds left in this round (None without a timer)."""
        if self.remaining is not None:
            return self.remaining
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        """Whether this round's time has run out."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    def start(self, paused: bool) -> None:
        """Start a round's time; it stands still until the game goes on if ``paused``."""
        if self.seconds is None:
            return
        if paused:
            self.remaining = self.seconds
        else:
            self.deadline = time.monotonic() + self.seconds

    def stop(self) -> None:
        """No time running (between rounds, after the game)."""
        self.deadline = self.remaining = None

    def pause(self) -> None:
        """Keep the seconds left; the clock stands still."""
        if self.deadline is not None:
            self.remaining, self.deadline = self.left(), None

    def resume(self) -> None:
        """Run again from the seconds left."""
        if self.remaining is not None:
            self.deadline, self.remaining = time.monotonic() + self.remaining, None

    def set(self, seconds: float | None, running: bool, paused: bool) -> None:
        """A new time a round (None or 0: no timer), started at once if a round is ``running``."""
        self.seconds = seconds or None
        self.stop()
        if running:
            self.start(paused)
