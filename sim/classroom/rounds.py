"""A round: the class's decisions set as the members' choices for a few weeks of the model.

:func:`play` sets each played seat's decision, steps the model the round's weeks and hands
every decision back to the model. :func:`publish` then freezes what everybody sees of the
new round, once, for all the pages: each seat's questions, briefing and inclinations, and
the projector's snapshot and pictures (the classroom page's own SVG pictures, from
:mod:`sim.viz`). Pages read a :class:`Published` and never touch the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.classroom import seats as seats_
from sim.classroom.briefing import briefing, watched_value, words_of
from sim.classroom.inclination import Inclination, inclinations
from sim.viz.charts_svg import live_charts
from sim.viz.network_svg import network_svg
from sim.viz.view import View, plain, snapshot

NARRATION = 14


@dataclass(frozen=True)
class Published:
    """Everything the pages show of one round, built once when it opens.

    Attributes:
        number: the round now open for decisions (1 to the last; one more once the game is over).
        week: the model's week.
        seats: every seat.
        questions: per seat id, what it decides this round.
        inclinations: per seat id and question, what its organization would decide on its own.
        briefings: per seat id, what it sees.
        metrics: per seat id, its own measure now (for the next round's "before").
        view: the projector's snapshot of the model.
        pictures: the projector's SVG pictures by name (network and the four charts).
        narration: what happened last round, newest first.
        gone: per seat out of the game for good (its organization left or was kept away, or its convener
            stopped), why in words: nothing to decide there.
    """

    number: int
    week: int
    seats: tuple
    questions: dict
    inclinations: dict
    briefings: dict
    metrics: dict
    view: View
    pictures: dict = field(repr=False)
    narration: tuple = ()
    gone: dict = field(default_factory=dict)

    def seat(self, seat_id: str) -> seats_.Seat:
        """The seat with this id."""
        return next(s for s in self.seats if s.id == seat_id)

    def inclination(self, seat_id: str, question: str) -> Inclination:
        """What the seat's organization would have answered."""
        return self.inclinations[seat_id][question]


def _at_most(lines: tuple, n: int, units: str) -> tuple:
    """The first ``n`` lines, the last of them saying how many more there were (none left out unsaid)."""
    if len(lines) <= n:
        return lines
    more = len(lines) - (n - 1)
    return (*lines[: n - 1], f"... and {more} more earlier in the round's {units}")


def play(model, decisions: dict, weeks: int) -> None:
    """Step ``weeks`` weeks with each seat's decision (seat id -> field -> answer); then clear them."""
    by_id = {s.id: s for s in seats_.seats(model)}
    try:
        for seat_id, decision in decisions.items():
            seats_.apply(model, by_id[seat_id], decision)
        for _ in range(weeks):
            if not model.running:
                break
            model.step()
    finally:
        seats_.clear_all(model)


def publish(model, number: int, since: int, weeks: int, before: dict | None = None) -> Published:
    """What the pages show of round ``number``; ``since`` is the week the last round began."""
    all_seats = seats_.seats(model)
    asked = {s.id: seats_.questions(model, s) for s in all_seats}
    before = before or {}
    view = snapshot(model)
    pictures = {"network": network_svg(view)} | dict(live_charts(view))
    words, unit = words_of(model), model.spec.header.step_unit
    narration = tuple(
        f"{unit[0]} {e.step}: {plain(e.text, words, unit)}"
        for e in reversed(model.events)
        if e.step > since and not e.minor
    )
    return Published(
        number=number,
        week=model.steps,
        seats=all_seats,
        questions=asked,
        inclinations={s.id: inclinations(model, s, asked[s.id], weeks) for s in all_seats},
        briefings={s.id: briefing(model, s, since, before.get(s.id)) for s in all_seats},
        metrics={s.id: watched_value(model, s) for s in all_seats},
        view=view,
        pictures=pictures,
        narration=_at_most(narration, NARRATION, unit[1]),
        gone={s.id: why for s in all_seats if (why := seats_.gone(model, s))},
    )
