"""The model's record of events, in plain words, for the narration and for teachers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext


def percent(share: float) -> str:
    """A share in words: one decimal (``20.0%``), or two significant digits below 1% (``0.28%``)."""
    if share == 0 or abs(share) >= 0.01 or share != share:  # (NaN as "nan%")
        return f"{share:.1%}"
    value = share * 100  # two significant digits, never in scientific notation
    return f"{value:.{1 - math.floor(math.log10(abs(value)))}f}%"


def target_percent(share: float) -> str:
    """A target as the file states it (``2.85%``, ``20%``, ``0.262%``, ``99.999%``), never in scientific notation."""
    with localcontext(prec=10):  # at most ten significant digits, for a target computed rather than typed
        value = Decimal(repr(float(share))) * 100  # the file's own digits: 0.0285 is 2.85, not 2.8499999999999996
        return f"{value.normalize():f}%"


def how_many(n: int, unit: tuple[str, str]) -> str:
    """``1 week``, ``8 weeks``: a count with the singular or plural of ``unit`` (``("week", "weeks")``)."""
    return f"{n} {unit[0] if n == 1 else unit[1]}"


@dataclass(frozen=True)
class Event:
    """One thing that happened: the week, the words, and whether it is minor."""

    step: int
    text: str
    minor: bool = False

    def __str__(self) -> str:
        return f"week {self.step}: {self.text}"


class EventLog(list):
    """A list of :class:`Event` with helpers for the narration."""

    def add(self, step: int, text: str, minor: bool = False) -> None:
        """Record ``text`` as happening in week ``step``."""
        self.append(Event(step, text, minor))

    def week(self, step: int, include_minor: bool = True) -> list[Event]:
        """The events of week ``step``."""
        return [e for e in self if e.step == step and (include_minor or not e.minor)]

    def recent(self, n: int = 20, include_minor: bool = False) -> list[Event]:
        """The last ``n`` events, newest first."""
        chosen = [e for e in self if include_minor or not e.minor]
        return chosen[::-1][:n]
