"""What a seat's organization would have decided on its own: its mission, its trust, its patience.

For each question a seat is asked, :func:`inclinations` gives the answer the model's own
rules lean to in that state, and why, in plain words. The debrief sets each student's
answer beside it ("you committed with trust 0.42; on its own the Housing Authority waits
for 0.50"). Where the model draws a chance, the inclination is the likelier answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.classroom.seats import LEADER, Question, Seat, member_of
from sim.model.organization import State


@dataclass(frozen=True)
class Inclination:
    """The answer the model's rules lean to, and why."""

    value: bool | frozenset
    reason: str

    def __post_init__(self):
        # the model's numbers are often numpy's: a numpy bool here would not compare as ``is``
        # nor go into the pages' JSON, so every yes/no is a plain bool
        if not isinstance(self.value, frozenset):
            object.__setattr__(self, "value", bool(self.value))


def inclinations(model, seat: Seat, asked: tuple[Question, ...], weeks: int) -> dict[str, Inclination]:
    """The model's own answer to each question in ``asked``, for a round of ``weeks`` weeks."""
    if seat.id == LEADER:
        return {q.field: _leader(model, q) for q in asked}
    member = member_of(model, seat)
    return {q.field: _member(model, member, q.field, weeks) for q in asked}


def _member(model, member, field: str, weeks: int) -> Inclination:
    p = model.params
    trust = member.trust_in_coalition
    if field == "join" and member.state == State.INVITED:
        leader = model.leader
        translated = leader.active and leader.reaches(member)
        perceived = member.distance * (1.0 - leader.skills.translation) if translated else member.distance
        chance = p.accept_rate * (1.0 - perceived)
        return Inclination(chance >= 0.5, f"invited, it accepts about {chance:.0%} of the time")
    if field == "join":
        weekly = p.self_join_rate * (1.0 - member.distance)
        chance = 1.0 - (1.0 - weekly) ** weeks
        return Inclination(chance >= 0.5, f"uninvited, it comes to the table about {chance:.0%} of the time in a round")
    if field == "commit":
        return Inclination(
            trust >= p.commit_threshold,
            f"its trust in the coalition was {_beside(trust, p.commit_threshold)}",
        )
    if field == "keep_pledges":
        return Inclination(member.reliability >= 0.5, f"it pays about {member.reliability:.0%} of its pledges")
    if field == "share":
        if member.sharing:
            floor = p.share_threshold - p.withdraw_margin
            return Inclination(
                trust >= floor, f"its trust was {_beside(trust, floor, 'it takes its records back below')}"
            )
        return Inclination(
            trust >= p.share_threshold, f"its trust was {_beside(trust, p.share_threshold, 'it shares at')}"
        )
    if field == "leave":
        gone = member.frustration > member.patience
        unit, units = model.spec.header.step_unit
        waited = f"{member.frustration:.0f} {unit if round(member.frustration) == 1 else units}"
        words = f"{waited} without progress it could see; its patience is {member.patience:.0f} {units}"
        return Inclination(gone, words)
    raise ValueError(f"no inclination for {field!r}")


def _leader(model, question: Question) -> Inclination:
    everyone = frozenset(node for node, _ in question.options)
    if question.field == "invite":
        pace = model.params.invites_per_step
        if pace == 0:
            return Inclination(frozenset(), "the model's convener invites nobody here (invites_per_step is 0)")
        return Inclination(
            everyone,
            f"the model's convener asks them all in time, {pace} a {model.spec.header.step_unit[0]}, "
            "holders of missing roles first",
        )
    if question.field == "broker":
        return Inclination(everyone, "the model's convener works with every member at the table")
    return Inclination(True, "the model's convener always works on shared measures")


def _beside(trust: float, threshold: float, words: str = "it commits at") -> str:
    """Trust and the threshold it is read against, with enough decimals to tell which side it is on.

    "0.50; it commits at 0.50" then "Not yet" reads as a contradiction: "0.497; it commits at
    0.500" does not. Both take the same number of decimals (2, more only where needed).
    """
    digits = decimals(trust, threshold)
    return f"{trust:.{digits}f}; {words} {threshold:.{digits}f}"


def decimals(value: float, *thresholds: float) -> int:
    """The fewest decimals (2 to 6) at which ``value`` reads apart from each threshold it is not equal to."""
    digits = 2
    while digits < 6 and any(value != t and f"{value:.{digits}f}" == f"{t:.{digits}f}" for t in thresholds):
        digits += 1
    return digits


def agrees(answer, inclination: Inclination) -> bool:
    """Whether a student's answer is the one the model leans to."""
    return bool(answer == inclination.value)
