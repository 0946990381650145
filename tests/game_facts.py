"""The facts of lesson 2 ("Play the coalition") in docs/classroom.md, from the game itself.

``python -m tests.game_facts`` plays the lesson's game in-process (the same
:class:`~sim.classroom.room.Room` the server runs: seed 42, 12 rounds of 13 weeks) and
rewrites the block between the game-facts markers in ``docs/classroom.md``: the seats and
how 30 students fill them, the thresholds the debrief compares choices with, and what the
debrief would show beside two example classes (a keen one, and a keen one that keeps its
records), with the two runs every class is compared with. ``--print`` only prints it.
``tests/test_docs.py`` checks that the docs' block is what this writes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sim.classroom import states
from sim.classroom.room import Room
from sim.classroom.seats import LEADER

SEED, ROUNDS, WEEKS, CLASS_SIZE = 42, 12, 13, 30
DOC = Path(__file__).resolve().parents[1] / "docs" / "classroom.md"
BEGIN, END = "<!-- game facts: begin -->", "<!-- game facts: end -->"
AT_ROUNDS = (4, 8, 12)  # the expected rate at the end of these rounds (the lesson pauses after 4 and 8)
LEANINGS = ("Chicago Public Schools", "Housing Authority", "Parents' council")  # round 1, on their own


def keen(field: str, question: dict) -> object:
    """A class that comes, commits, pays, shares and stays; its convener invites and brokers with everyone."""
    if question["options"]:
        return [node for node, _ in question["options"]]
    return field != "leave"


def keeps_records(field: str, question: dict) -> object:
    """The keen class, except that nobody shares records."""
    return False if field == "share" else keen(field, question)


CLASSES = {"a keen class": keen, "a keen class that keeps its records": keeps_records}


def room() -> Room:
    """The lesson's game."""
    return Room(seed=SEED, rounds=ROUNDS, weeks_per_round=WEEKS)


def teams(size: int = CLASS_SIZE) -> dict[str, int]:
    """How many students each seat gets when ``size`` students each take a seat with the fewest players."""
    game = room()
    for i in range(size):
        player = game.join(f"s{i}")
        counts = {s.id: len(game.seated(s.id)) for s in game.published.seats}
        game.pick(player.token, min(counts, key=counts.get))
    return {s.name: len(game.seated(s.id)) for s in game.published.seats}


def play(policy) -> Room:
    """A game in which one student a seat answers every question by ``policy``, to the debrief."""
    game = room()
    players = {s.id: game.join(s.id) for s in game.published.seats}
    for seat, player in players.items():
        game.pick(player.token, seat)
    game.start()
    while game.phase == "playing":
        for player in players.values():
            asked = states.student(game, player)["questions"]
            answers = {q["field"]: policy(q["field"], q) for q in asked}
            answers = {k: frozenset(v) if isinstance(v, list) else v for k, v in answers.items()}
            if answers:
                game.decide(player.token, game.round, answers)
        game.advance()
        game.play_round()
    return game


def by_round(model, name: str = "expected_rate") -> list[str]:
    series = model.datacollector.model_vars[name]
    return [f"{series[min(r * WEEKS, len(series) - 1)]:.1%}" for r in AT_ROUNDS]


def first_round(timeline: list, check) -> str:
    """The first round in which some member's state passes ``check`` (timelines hold one entry a round)."""
    rounds = [i for i in range(len(next(iter(timeline.values())))) if any(check(t[i]) for t in timeline.values())]
    return f"round {rounds[0]}" if rounds else "never"


def facts() -> str:
    """The facts block of lesson 2."""
    game = room()
    p, model = game.model.params, game.model
    seats = game.published.seats
    members = [s for s in seats if s.id != LEADER]
    sizes = teams()
    three = [name for name, n in sizes.items() if n == 3]
    lines = [
        BEGIN,
        f"- The game: {model.spec.title}, seed {SEED}, {ROUNDS} rounds of {WEEKS} weeks = {ROUNDS * WEEKS} weeks "
        f"(the scenario's whole run is {model.spec.steps} weeks).",
        f"- {len(seats)} seats: {len(members)} members of the coalition "
        f"({', '.join(s.name for s in members)}) and the convener ({seats[-1].name}).",
        f"- {CLASS_SIZE} students taking a seat with the fewest players, one after the other: "
        f"{len(three)} seats get 3 students, {sum(n == 2 for n in sizes.values())} get 2 "
        f"(in this simulation the first {len(three)} in the list above).",
        f"- Missions that name {model.people_outcome}: "
        + ", ".join(s.name for s in members if model.people_outcome in game.published.briefings[s.id]["mission"])
        + "; the others' missions are their own problems.",
        "- Round 1, nobody invited yet, each organization is asked "
        + _leanings(game)
        + '. The debrief sets each answer beside this "on its own".',
        f"- What the debrief compares each choice with (the model's own rules): an organization commits once its "
        f"trust in the coalition reaches {p.commit_threshold:.2f}, shares its records at {p.share_threshold:.2f} "
        f"(and takes them back below {p.share_threshold - p.withdraw_margin:.2f}), and leaves after more weeks "
        f"without progress it can see than its board's patience ({_patience(model)} weeks). A change in the rules "
        f"takes effect {model.system_lag} weeks (two rounds) after the coalition pays for it.",
        "",
        f"| run (seed {SEED}) | first commitment | first records shared | expected rate after rounds "
        f"{', '.join(map(str, AT_ROUNDS))} | rate in the last week | committed | sharing records | left | "
        "money spent | goal |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows: list[str] = []
    for name, policy in CLASSES.items():
        played = play(policy)
        if not rows:  # the runs every class is compared with: the same in every game of this seed
            reference: list[str] = []
            for run in played.counter.models:
                _reference_row(played, run, reference)
            rows += reference
        _reference_row(played, "your class", rows, name)
    lines += rows + [END]
    return "\n".join(lines)


def _leanings(game: Room) -> str:
    """What the organizations in ``LEANINGS`` are asked in round 1 and what they would do on their own."""
    pub, out = game.published, {}
    for name in LEANINGS:
        seat = next(s for s in pub.seats if s.name == name)
        question = pub.questions[seat.id][0]
        out.setdefault(question.ask, []).append(f"{name}: {pub.inclination(seat.id, question.field).reason}")
    return "; ".join(f'"{ask}" On its own, {"; ".join(words)}' for ask, words in out.items())


def _patience(model) -> str:
    values = sorted({round(float(m.patience)) for m in model.members})
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def _reference_row(game: Room, run: str, rows: list[str], name: str | None = None) -> None:
    runs = {r["name"]: r for r in game.debrief["runs"]}
    model = game.model if run == "your class" else game.counter.models[run]
    timeline = game.timeline if run == "your class" else game.counter.timelines[run]
    r = runs[run]
    committed = first_round(timeline, lambda entry: entry[0] == "committed")
    shared = first_round(timeline, lambda entry: entry[1])
    rows.append(
        f"| {name or run} | {committed} | {shared} | {' / '.join(by_round(model))} | {r['rate']} "
        f"(expected {r['expected']}) | {r['committed']} | {r['sharing']} | {r['left']} | {r['money']} | {r['goal']} |"
    )


def write(doc: Path = DOC) -> None:
    """Replace the block in the docs."""
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{doc}: no {BEGIN} ... {END} block")
    doc.write_text(pattern.sub(lambda _: facts(), text), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="only print the block")
    args = parser.parse_args(argv)
    if args.print:
        print(facts())
    else:
        write()
        print(f"rewrote the game's facts in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
