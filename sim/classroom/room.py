"""One class playing the coalition: its players, seats, rounds and the teacher's controls.

A :class:`Room` holds the class's model and everything around it. Students join with a
nickname (and get a secret token that brings them back to their seat after a reload),
pick a seat, and send one decision a round (which they may change until the round is
played). The room refuses, with a reason and without changing anything, what cannot be
taken: a decision for a round that is over, an answer to a question not asked, a seat
switch in mid-game. When
every seated student has decided (or the teacher advances, or the timer runs out) the
round is played: the model steps the round's weeks with the class's decisions, and the
next round is published for every page at once (:mod:`sim.classroom.rounds`). After the
last round (or when the teacher ends the game) comes the debrief.

Every method may be called from any thread: a lock guards the room's state, and the model
is only touched by one round at a time (:attr:`Room.applying`), outside the lock, so pages
keep reading the published round meanwhile. ``on_change`` is called after every change.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sim.classroom import seats as seats_
from sim.classroom.debrief import Choice, Counterfactuals, compare, debrief, record_round
from sim.classroom.protocol import looks
from sim.classroom.rounds import Published, play, publish
from sim.classroom.timer import RoundTimer
from sim.model.model import DEFAULT_SCENARIO, CoalitionModel

CODE_LETTERS = "ACDEFHJKLMNPRTUVWXY"  # no look-alikes (B/8, I/1, O/0, S/5, G/6, Q, Z/2)
CODE_LENGTH = 4
MAX_PLAYERS = 200


class Refused(Exception):
    """A request the room cannot take; its message says why, in plain words."""


@dataclass
class Player:
    """A student in the room."""

    id: str
    token: str
    nickname: str
    joined_round: int
    seat: str | None = None
    connections: int = 0
    away: bool = False  # the model decides for them until they answer again


def new_code() -> str:
    """A short join code, easy to read off a projector."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


class Room:
    """A game of the coalition for one class.

    Args:
        scenario_name: the scenario (a name from ``scenarios/`` or a path).
        seed: the model's seed (the debrief's runs use the same one).
        rounds: rounds in the game.
        weeks_per_round: weeks of model time in a round.
        code: the join code (default: a fresh one).
        **params: further keywords of :class:`sim.CoalitionModel`.
    """

    def __init__(
        self,
        scenario_name=DEFAULT_SCENARIO,
        *,
        seed: int = 42,
        rounds: int = 12,
        weeks_per_round: int = 13,
        code: str | None = None,
        **params,
    ):
        if rounds < 1 or weeks_per_round < 1:
            raise ValueError("rounds and weeks per round must be at least 1")
        self.lock = threading.RLock()
        self.code = code or new_code()
        self.seed, self.rounds, self.weeks_per_round = seed, rounds, weeks_per_round
        model_params = dict(params) | {"steps": rounds * weeks_per_round}
        self.model = CoalitionModel(scenario_name, rng=seed, **model_params)
        self.title = self.model.spec.title
        self.unit = self.model.spec.header.step_unit  # what a step is called, singular and plural
        self.counter = Counterfactuals(scenario_name, seed, model_params, weeks_per_round)
        self.timeline: dict = {}
        record_round(self.model, self.timeline)
        self.published: Published = publish(self.model, 1, -1, weeks_per_round)
        self.phase = "lobby"  # then "playing", then "debrief"
        self.paused = False
        self.applying = False
        self.players: dict[str, Player] = {}
        self.submissions: dict[str, dict] = {}  # token -> answers, this round, in the order they came
        self.choices: list[Choice] = []
        self.model_played: dict[str, list[int]] = {}  # seat -> rounds the model decided for its players
        self.gone_in: dict[str, int] = {}  # seat -> the round in which it went out of the game
        self.joined = 0  # students who ever joined
        self.timer = RoundTimer()
        self.advance_requested = False
        self.debrief: dict | None = None
        self.version = 0
        self.on_change: Callable[[], None] | None = None

    # -- reading -------------------------------------------------------------
    @property
    def round(self) -> int:
        """The round open for decisions (0 in the lobby)."""
        return 0 if self.phase == "lobby" else min(self.published.number, self.rounds)

    def player(self, token: str) -> Player:
        """The player with this token."""
        with self.lock:
            found = self.players.get(token)
        if found is None:
            raise Refused("this browser is not in the game (it may be another game): join again")
        return found

    def _by_id(self, player_id: str) -> Player:
        """The player the teacher's page names by id (call it holding the lock)."""
        player = next((p for p in self.players.values() if p.id == player_id), None)
        if player is None:
            raise Refused(f"no player {player_id!r}")
        return player

    def seated(self, seat_id: str) -> list[Player]:
        """The players of a seat, earliest first."""
        return [p for p in self.players.values() if p.seat == seat_id]

    def waiting(self) -> list[Player]:
        """Seated players the round waits for: not away, with a decision to take, not yet decided."""
        asked = self.published.questions
        return [
            p
            for p in self.players.values()
            if p.seat and not p.away and asked.get(p.seat) and p.token not in self.submissions
        ]

    def nobody_deciding(self) -> bool:
        """Whether the open round has students in seats but nobody deciding.

        Their organizations left, or the model decides for each: only the teacher's "Play the
        round now" (or the timer) plays such a round.
        """
        with self.lock:
            if self.phase != "playing" or self.submissions or self.waiting():
                return False
            return any(p.seat for p in self.players.values())

    def seconds_left(self) -> float | None:
        """Seconds left on this round's timer (None without one)."""
        return self.timer.left()

    def due(self) -> bool:
        """Whether the open round should be played now."""
        with self.lock:
            if self.phase != "playing" or self.paused or self.applying:
                return False
            if self.advance_requested or self.timer.expired():
                return True
            return bool(self.submissions) and not self.waiting()

    # -- students ------------------------------------------------------------
    def join(self, nickname: str) -> Player:
        """A new student; nicknames are unique in the room (case aside)."""
        with self.lock:
            seen = looks(nickname)  # "Ana", "ana", "Ana" with an invisible mark, full-width "Ａｎａ" look alike
            if any(looks(p.nickname) == seen for p in self.players.values()):
                raise Refused(f"someone here is already called {nickname!r}: choose another nickname")
            if len(self.players) >= MAX_PLAYERS:
                raise Refused("the room is full")
            self.joined += 1  # ids never reused: one removed does not lend its id to the next
            player = Player(f"p{self.joined}", secrets.token_urlsafe(18), nickname, self.round)
            self.players[player.token] = player
        self._changed()
        return player

    def pick(self, token: str, seat_id: str) -> None:
        """Take a seat: a free one while there are any, then the one with the fewest players."""
        with self.lock:
            player = self.player(token)
            if player.seat == seat_id:
                return
            seat = next((s for s in self.published.seats if s.id == seat_id), None)
            if seat is None:
                raise Refused(f"there is no seat {seat_id!r} in this game")
            if self.phase == "debrief":
                raise Refused("the game is over")
            if player.seat is not None and self.phase != "lobby":
                raise Refused(f"you play {self.published.seat(player.seat).name} for the whole game")
            gone = self.published.gone
            if seat_id in gone:
                raise Refused(f"{seat.name}: {gone[seat_id]}, nothing to decide there; choose another")
            others = [p.seat for p in self.players.values() if p is not player]
            # a seat whose organization has left is out of play: the free seats are among the others
            counts = {s.id: others.count(s.id) for s in self.published.seats if s.id not in gone}
            fewest = min(counts.values())  # not empty: the seat asked for is in play
            if counts[seat_id] > fewest:
                free = [s.label for s in self.published.seats if counts.get(s.id) == fewest]
                raise Refused(f"{seat.name} already has a player; still free: {', '.join(free)}")
            player.seat = seat_id
        self._changed()

    def decide(self, token: str, round_number: int, answers: dict) -> None:
        """A student's decision for their seat in round ``round_number``."""
        with self.lock:
            player = self.player(token)
            if player.seat is None:
                raise Refused("pick an organization first")
            if self.phase == "lobby":
                raise Refused("the game has not started yet")
            if self.phase == "debrief":
                raise Refused("the game is over")
            now = self.published.number
            if round_number != now:
                raise Refused(f"round {round_number} is closed; this is round {now}")
            if self.applying:
                raise Refused(f"round {now} is closed: it is being played")
            asked = self.published.questions[player.seat]
            if not asked:
                raise Refused("your organization has nothing to decide this round")
            problem = seats_.check(asked, answers)
            if problem:
                raise Refused(problem)
            # the same answer sent again keeps its place in a tie (the page is still sent its state)
            if self.submissions.get(token) != answers:
                if token in self.submissions:  # a change of mind before the round is played: a later answer
                    del self.submissions[token]
                    self.choices = [c for c in self.choices if not (c.round == now and c.player == token)]
                self.submissions[token] = dict(answers)
                self.choices += compare(self.published, player.token, player.seat, asked, answers)
            player.away = False
        self._changed()

    def connected(self, token: str, delta: int) -> None:
        """A page of this player opened (+1) or closed (-1)."""
        with self.lock:
            player = self.players.get(token)
            if player is not None:
                player.connections = max(0, player.connections + delta)
        self._changed()

    # -- the teacher -----------------------------------------------------------
    def start(self) -> None:
        """Open the first round."""
        with self.lock:
            if self.phase != "lobby":
                raise Refused("the game has already started")
            self.phase = "playing"
            self.timer.start(self.paused)
        self._changed()

    def pause(self, paused: bool) -> None:
        """Pause (no round is played, the timer stops) or go on."""
        with self.lock:
            if paused and not self.paused:
                self.timer.pause()
            elif not paused and self.paused:
                self.timer.resume()
            self.paused = paused
        self._changed()

    def set_timer(self, seconds: float | None) -> None:
        """A timer for this round and the next ones (None: no timer)."""
        with self.lock:
            self.timer.set(seconds, running=self.phase == "playing", paused=self.paused)
        self._changed()

    def let_model_decide(self, player_id: str) -> None:
        """The model decides for this student until they answer again (they are away)."""
        with self.lock:
            player = self._by_id(player_id)
            player.away = True
        self._changed()

    def remove(self, player_id: str) -> None:
        """Take a student out of the game (a made-up player, a nickname that is not welcome).

        Their decision this round and their record in the debrief go with them; their page
        can join again, as a new student (and still counts toward its device's students). Once
        the game is over only a student without a seat (who joined too late to play) can be.
        """
        with self.lock:
            player = self._by_id(player_id)
            # the class's record is kept as it was played; one who joined too late to take a seat has none
            if self.phase == "debrief" and player.seat is not None:
                raise Refused("the game is over: every student's record stays in the debrief")
            del self.players[player.token]
            self.submissions.pop(player.token, None)
            self.choices = [c for c in self.choices if c.player != player.token]
        self._changed()

    def advance(self) -> None:
        """Play the round now; the model decides for everyone who has not."""
        with self.lock:
            if self.phase != "playing":
                raise Refused("no round is open")
            self.advance_requested = True
        self._changed()

    # -- playing ---------------------------------------------------------------
    def play_round(self) -> bool:
        """Play the open round if it is due; True if it was played (takes the round's weeks of model time)."""
        with self.lock:
            if not self.due():
                return False
            self.applying = True
            by_seat: dict[str, list] = {}
            for token, answers in self.submissions.items():  # in the order they came
                by_seat.setdefault(self.players[token].seat or "", []).append(answers)
            decisions = {seat: seats_.tally(answers) for seat, answers in by_seat.items()}
            number, since, before = self.published.number, self.published.week, self.published.metrics
            # seats with players and questions but no answer: the model decides for them (away, or out of time)
            seated = {p.seat for p in self.players.values() if p.seat}
            for seat, asked in self.published.questions.items():
                if asked and seat in seated and seat not in decisions:
                    self.model_played.setdefault(seat, []).append(number)
            was_gone = set(self.published.gone)
        self._changed()
        over = False
        try:
            play(self.model, decisions, self.weeks_per_round)
            record_round(self.model, self.timeline)
            published = publish(self.model, number + 1, since, self.weeks_per_round, before)
            over = number >= self.rounds or not self.model.running
            with self.lock:
                self.published = published
                self.gone_in |= {seat: number for seat in published.gone if seat not in was_gone}
                self.submissions = {}
                self.advance_requested = False
                self.timer.stop()
                if not over:
                    self.timer.start(self.paused)
        finally:
            if not over:
                with self.lock:
                    self.applying = False
        if over:
            self._finish()
        else:
            threading.Thread(target=self.counter.catch_up, args=(self.model.steps,), daemon=True).start()
        self._changed()
        return True

    def end(self) -> None:
        """End the game now and show the debrief."""
        with self.lock:
            if self.phase == "debrief":
                return
            if self.applying:
                raise Refused("a round is being played; end the game in a moment")
            self.applying = True
            if self.phase == "playing":  # the open round is never played: its decisions count for nothing
                now = self.published.number
                self.choices = [c for c in self.choices if c.round != now]
                self.submissions = {}
        self._finish()
        self._changed()

    def _finish(self) -> None:
        try:
            pub = self.published
            result = debrief(self.model, pub.view, pub.seats, self.timeline, self.counter, list(self.choices))
            with self.lock:
                self.debrief = result
                self.phase = "debrief"
                self.timer.stop()
        finally:
            with self.lock:
                self.applying = False

    def _changed(self) -> None:
        with self.lock:
            self.version += 1
        if self.on_change is not None:
            self.on_change()
