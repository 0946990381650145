"""The messages a page may send, checked before anything else sees them.

Every message is one JSON object with a ``type``. Students send ``hello`` (the code, and
the token of an earlier visit to get their seat back), ``join`` (the code and a
nickname), ``pick`` (a seat) and ``decide`` (the round and their answers); the teacher's
page sends ``teacher`` (its key) and ``command``. Anything else, a field too many, a
string where a bool belongs (``"yes"`` is not ``true``), a nickname of control characters:
:func:`parse` refuses it with a short reason and the room never sees it. Whether an answer
fits the seat and the round is the room's business (:meth:`sim.classroom.room.Room.decide`).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from sim.classroom.seats import NODE_SETS

MAX_MESSAGE = 8192  # bytes; a decision is a few hundred
Code = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{1,8}$")]
INVISIBLE = "\u115f\u1160\u2800\u3164\uffa0"  # fillers that take a place but show nothing


def shown_name(nickname: str) -> str:
    """A nickname as people see it: without format characters (direction marks, zero widths) or fillers."""
    return "".join(ch for ch in nickname if unicodedata.category(ch) != "Cf" and ch not in INVISIBLE).strip()


def looks(nickname: str) -> str:
    """A nickname as people tell nicknames apart on the projector: invisible marks, case and width folded."""
    return unicodedata.normalize("NFKC", shown_name(nickname)).casefold()


# alphabets with letters that look like another's (Latin "a", Cyrillic "а", Greek "α"...)
LOOK_ALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def scripts_of(word: str) -> set:
    """The look-alike alphabets a word's letters come from (full-width forms read as what they show)."""
    letters = (unicodedata.name(ch, "").split(" ", 1)[0] for ch in unicodedata.normalize("NFKC", word) if ch.isalpha())
    return {script for script in letters if script in LOOK_ALIKE_SCRIPTS}


def _visible(nickname: str) -> str:
    if not shown_name(nickname):
        raise ValueError("no visible character")
    # one alphabet a word: "Аnn" with a Cyrillic "А" shows as a classmate's "Ann" (case and width fold; this cannot)
    if any(len(scripts_of(word)) > 1 for word in shown_name(nickname).split()):
        raise PydanticCustomError("mixed_scripts", "letters of two alphabets that look alike in one word")
    return nickname


# no control characters (C0, C1, line and paragraph separators), and none of Unicode's direction
# embeddings, overrides or isolates (U+202E would turn the rest of a line on the projector
# backwards); the direction marks LRM, RLM and ALM some keyboards insert are harmless and allowed
Nickname = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=24,
        pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$",
    ),
    AfterValidator(_visible),
]
Token = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Nodes = Annotated[list[StrictInt], Field(max_length=64)]


class Message(BaseModel):
    """A message from a page: no extra fields, nothing coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Hello(Message):
    """A student's page opens: the game's code, and its token if it has been here before."""

    type: Literal["hello"]
    code: Code
    token: Token | None = None


class Join(Message):
    """A student joins with a nickname."""

    type: Literal["join"]
    code: Code
    nickname: Nickname


class Pick(Message):
    """A student takes a seat."""

    type: Literal["pick"]
    seat: Annotated[str, StringConstraints(max_length=16, pattern=r"^[a-z0-9]+$")]


class Answers(Message):
    """A seat's answers; a field left out (or null) is left to the model."""

    join: StrictBool | None = None
    commit: StrictBool | None = None
    keep_pledges: StrictBool | None = None
    share: StrictBool | None = None
    leave: StrictBool | None = None
    invite: Nodes | None = None
    broker: Nodes | None = None
    shared_metric: StrictBool | None = None

    def as_choices(self) -> dict:
        """The answers given, picks as sets of nodes."""
        given = self.model_dump(exclude_none=True)
        return {k: frozenset(v) if k in NODE_SETS else v for k, v in given.items()}


class Decide(Message):
    """A student's decision for the round ``round``."""

    type: Literal["decide"]
    round: StrictInt
    answers: Answers


class Teacher(Message):
    """The teacher's page opens with its key."""

    type: Literal["teacher"]
    key: Token


class Command(Message):
    """A teacher's control."""

    type: Literal["command"]
    command: Literal["start", "pause", "resume", "advance", "timer", "away", "remove", "end"]
    seconds: Annotated[StrictInt, Field(ge=0, le=3600)] | None = None
    player: Annotated[str, StringConstraints(max_length=16)] | None = None


Incoming = Annotated[Hello | Join | Pick | Decide | Teacher | Command, Field(discriminator="type")]
_ADAPTER: TypeAdapter = TypeAdapter(Incoming)


class Malformed(ValueError):
    """A message that is not one of the protocol's; the text says why, briefly."""


def parse(text: str | bytes | None) -> Message:
    """The message in ``text``, or :class:`Malformed`."""
    if not isinstance(text, str):
        raise Malformed("send JSON text")
    if len(text.encode()) > MAX_MESSAGE:
        raise Malformed("message too long")
    try:
        return _ADAPTER.validate_json(text)
    except RecursionError:  # brackets nested thousands deep
        raise Malformed("message nested too deep") from None
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        raise Malformed(_in_words(first["loc"][-1:], first["type"]) or f"{where}: {first['msg']}") from None


# what a person typed, said in their words (the rest can only come from a page that is not ours)
TYPED = {
    "code": "The join code is the letters on the teacher's screen (up to 8, A to Z); check it and try again.",
    "key": "This teacher page needs its key: open the teacher link the classroom command printed.",
}
NICKNAME = {
    "string_too_short": "Type a nickname first.",
    "value_error": "A nickname people can see, please (it has no visible character).",
    "string_too_long": "A nickname of at most 24 characters, please.",
    "string_pattern_mismatch": "A nickname without control or text-direction characters, please.",
    "mixed_scripts": "A nickname in one alphabet a word, please (it mixes letters that look alike, such as Latin and "
    "Cyrillic).",
}


def _in_words(field: tuple, kind: str) -> str | None:
    """A refusal of something a person typed (a code, a nickname, a key) in plain words, else None."""
    if field == ("nickname",):
        return NICKNAME.get(kind)
    return TYPED.get(field[0]) if field else None
