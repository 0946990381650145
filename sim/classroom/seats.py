"""Who a student can play, what they are asked each round, and how a team's answers become choices.

A *seat* is one member of the coalition (an organization or the community partner) or the
convener. Each round a seat is asked only what its organization can decide in its state
(an organization outside is asked whether to come to the table; one at the table whether
to commit, and whether it would pay its pledges and share its records once committed; a
committed one whether to keep paying, to share, to stay). When several students play one
seat, each answers and the majority decides, the earliest answer breaking a tie. Answers
become the member's :class:`~sim.model.choices.MemberChoices` (or the leader's
:class:`~sim.model.choices.LeaderChoices`) for the round's weeks; a question nobody
answered is left to the model's own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.model.organization import State
from sim.scenario.roles import Capability

LEADER = "leader"
MEMBER_FIELDS = ("join", "commit", "keep_pledges", "share", "leave")
LEADER_FIELDS = ("invite", "broker", "shared_metric")
NODE_SETS = ("invite", "broker")


@dataclass(frozen=True)
class Seat:
    """Something a student can play: a member of the coalition, or the convener."""

    id: str  # "m<node>" for a member, "leader" for the convener
    kind: str  # "organization", "community" or "leader"
    name: str
    label: str
    sector: str
    node: int


@dataclass(frozen=True)
class Question:
    """One decision a seat takes this round.

    Attributes:
        field: the choice it sets (a field of ``MemberChoices`` or ``LeaderChoices``).
        ask: the question in plain words.
        answers: ``(value, words)`` for a yes/no question, in the order shown.
        options: ``(node, label)`` to pick from, for a question that picks members.
        required: the page asks for an answer before sending (else the model decides it).
        note: a line under the choices (who is not offered and why), or "".
    """

    field: str
    ask: str
    answers: tuple = ()
    options: tuple = ()
    required: bool = True
    note: str = ""


def seats(model) -> tuple[Seat, ...]:
    """Every seat of a model: its members in network order, then the convener if there is one."""
    out = [
        Seat(
            f"m{m.node}", "community" if m in model.partners else "organization", m.name, m.spec.label, m.sector, m.node
        )
        for m in model.members
    ]
    leader = model.leader
    if leader.mode != "none":
        spec = model.spec.leader
        out.append(Seat(LEADER, "leader", spec.name, spec.label, leader.sector, leader.node))
    return tuple(out)


def member_of(model, seat: Seat):
    """The model's agent behind a seat (the leader for the convener's seat)."""
    if seat.id == LEADER:
        return model.leader
    return next(m for m in model.members if m.node == seat.node)


def gone(model, seat: Seat) -> str:
    """Why the seat is out of the game for good, in the page's words ("" while it is in play)."""
    if seat.id == LEADER:
        return "" if model.leader.active else "stopped convening"
    member = member_of(model, seat)
    if member.excluded:
        return "kept away"
    return "left the coalition" if member.state == State.LEFT else ""


def questions(model, seat: Seat) -> tuple[Question, ...]:
    """What the seat decides this round, given its state (nothing once it has left)."""
    if seat.id == LEADER:
        return _leader_questions(model)
    member = member_of(model, seat)
    if member.excluded or member.state == State.LEFT:
        return ()
    pays = member.can(Capability.PLEDGE_MONEY) and member.budget > 0
    shares = member.can(Capability.SHARE_RECORDS) and member.records.size > 0
    every = f"every {model.spec.header.step_unit[0]}"
    stay = Question(
        "leave",
        "Stay at the table, or leave the coalition?",
        ((False, "Stay"), (True, "Leave")),
        note="Leaving is for good: an organization that leaves cannot come back in this game.",
    )
    if member.state in (State.OUTSIDE, State.INVITED):
        invited = member.state == State.INVITED
        ask = "You are invited to the table. Do you come?" if invited else "Come to the table on your own?"
        return (Question("join", ask, ((True, "Come to the table"), (False, "Stay away"))),)
    if member.state == State.AT_TABLE:
        # an organization with no money of its own commits its people's time, not money
        what = "money and staff" if member.budget > 0 else "your people's time"
        out = [Question("commit", f"Commit {what} to the coalition?", ((True, "Commit"), (False, "Not yet")))]
        if pays:
            out.append(_pledge(f"If you commit: pay your pledge {every}?", required=False))
        if shares:
            out.append(_share("If you commit: share your records with the coalition?", required=False))
        return (*out, stay)
    out = []
    if pays:
        out.append(_pledge(f"Pay your pledge {every}?", required=True))
    if shares:
        ask = "Keep sharing your records?" if member.sharing else "Share your records with the coalition?"
        out.append(_share(ask, required=True))
    return (*out, stay)


def _pledge(ask: str, required: bool) -> Question:
    return Question("keep_pledges", ask, ((True, "Pay"), (False, "Hold it back")), required=required)


def _share(ask: str, required: bool) -> Question:
    return Question("share", ask, ((True, "Share"), (False, "Keep them")), required=required)


def _leader_questions(model) -> tuple[Question, ...]:
    leader = model.leader
    if not leader.active:
        return ()
    outside = tuple((m.node, m.spec.label) for m in model.members if m.invitable() and leader.reaches(m))
    table = tuple((m.node, m.spec.label) for m in model.table_members() if leader.reaches(m))
    out = []
    note = _declined(model)  # under the invitations, or, with nobody to invite, under the next question
    if outside:
        out.append(Question("invite", "Whom do you invite to the table this round?", options=outside, note=note))
        note = ""
    elif note:
        note = "Nobody to invite this round. " + note
    if table:
        out.append(Question("broker", "With whom do you broker small commitments?", options=table, note=note))
        note = ""
    answers = ((True, "Work on it"), (False, "Not this round"))
    out.append(Question("shared_metric", "Work with the members on shared measures?", answers, note=note))
    return tuple(out)


def _declined(model) -> str:
    """Who is outside but not offered to the convener because it said no lately, and when it can be asked again."""
    p, unit = model.params, model.spec.header.step_unit[0]
    resting = [
        f"{m.spec.label} ({unit} {m.declined_step + p.decline_cooldown})"
        for m in model.members
        if m.state == State.OUTSIDE
        and not m.excluded
        and not m.invitable()
        and m.declined_step is not None
        and model.leader.reaches(m)
    ]
    if not resting:
        return ""
    # offered again in the first round that opens once the cooldown is over (a round's choices are made at its start)
    return (
        f"Not offered: they said no to an invitation lately, and come back on this list in the first round that "
        f"opens in or after the {unit} given: " + ", ".join(resting) + "."
    )


def check(asked: Sequence[Question], choices: dict) -> str:
    """Why ``choices`` (field -> answer) cannot be this seat's answer, or ``""`` when they can.

    Every answer must be to a question asked; a yes/no answer must be a bool, a pick a set of
    the members offered; every required question must be answered.
    """
    by_field = {q.field: q for q in asked}
    for field, value in choices.items():
        question = by_field.get(field)
        if question is None:
            return f"'{field}' is not a decision you take this round"
        if question.options:
            allowed = {node for node, _ in question.options}
            if not isinstance(value, frozenset) or not value <= allowed:
                return f"'{field}' must pick among {sorted(allowed)}"
        elif not isinstance(value, bool):
            return f"'{field}' must be true or false"
    missing = [q.field for q in asked if q.required and q.field not in choices]
    return f"please answer: {', '.join(missing)}" if missing else ""


def tally(answers: Sequence[dict]) -> dict:
    """A team's decision from its members' answers, earliest first: the majority, the earliest breaking ties."""
    out: dict = {}
    fields = dict.fromkeys(f for a in answers for f in a)
    for field in fields:
        given = [a[field] for a in answers if field in a]
        if field in NODE_SETS:
            nodes = dict.fromkeys(n for value in given for n in sorted(value))
            out[field] = frozenset(n for n in nodes if _majority([n in value for value in given]))
        else:
            out[field] = _majority(given)
    return out


def _majority(votes: list[bool]) -> bool:
    yes = sum(votes)
    if 2 * yes == len(votes):
        return votes[0]
    return 2 * yes > len(votes)


def apply(model, seat: Seat, decision: dict) -> None:
    """Set the seat's choices for the weeks to come.

    A question asked but left unanswered goes to the organization's own rules. A step the
    students were not asked about this round is not taken for them: a member that comes to
    the table does not also commit, nor start sharing its records, until its students are
    asked (in the next round); a member asked whether to come on its own and answering no is
    not thereby turning down an invitation the convener sends during the round: the
    invitation waits for the next round's "You are invited" question.
    """
    member = member_of(model, seat)
    choices = member.choices
    choices.clear()
    if seat.id != LEADER:
        asked = {q.field for q in questions(model, seat)}
        if "commit" not in asked and member.state != State.COMMITTED:
            choices.commit = False
        if "share" not in asked and not member.sharing:
            choices.share = False
    for field, value in decision.items():
        if field == "join" and member.state == State.OUTSIDE:
            field = "join_on_own"  # asked "on your own?": an invitation meanwhile waits for its own question
        setattr(choices, field, value)


def clear_all(model) -> None:
    """Hand every decision back to the model."""
    for member in model.members:
        member.choices.clear()
    model.leader.choices.clear()
