"""The classroom game's room, seats and protocol, in-process: what is asked, refused, tallied and played."""

import json
import re
from pathlib import Path

import pytest

from sim import CoalitionModel, State
from sim.classroom import protocol, seats, states
from sim.classroom.debrief import milestones
from sim.classroom.room import Refused, Room
from sim.classroom.rounds import play

ROOT = Path(__file__).resolve().parents[1]


def small_room(**kw) -> Room:
    return Room(seed=kw.pop("seed", 7), rounds=kw.pop("rounds", 3), weeks_per_round=kw.pop("weeks_per_round", 4), **kw)


def started_with(*names: str) -> tuple:
    """A started room whose students ``names`` took seats m0, m1, ... in turn; ``(room, players)``."""
    room = small_room()
    players = [room.join(name) for name in names]
    for i, player in enumerate(players):
        room.pick(player.token, f"m{i}")
    room.start()
    return room, players


def organization_left(room, seat) -> None:
    """The seat's organization leaves the coalition, and the open round is published again to show it."""
    from sim.classroom.rounds import publish

    seats.member_of(room.model, seat).state = State.LEFT
    room.published = publish(room.model, room.published.number, room.published.week, room.weeks_per_round)


def series(model, name="expected_rate"):
    return list(model.datacollector.model_vars[name])


# -- seats and questions -------------------------------------------------------------


def test_every_member_and_the_convener_is_a_seat_and_no_leader_means_no_convener_seat():
    model = CoalitionModel(rng=1)
    ids = [s.id for s in seats.seats(model)]
    assert ids[-1] == seats.LEADER and len(ids) == len(model.members) + 1
    assert {s.node for s in seats.seats(model)[:-1]} == {m.node for m in model.members}
    assert [s.kind for s in seats.seats(model)].count("community") == len(model.partners) > 0
    assert seats.LEADER not in [s.id for s in seats.seats(CoalitionModel(rng=1, leader="none"))]


def test_what_a_member_is_asked_follows_its_state():
    model = CoalitionModel(rng=2)
    org = next(o for o in model.organizations if o.can(seats.Capability.PLEDGE_MONEY) and o.records.size)
    seat = next(s for s in seats.seats(model) if s.node == org.node)
    asked = lambda: [q.field for q in seats.questions(model, seat)]  # noqa: E731
    assert asked() == ["join"]
    org.state = State.AT_TABLE
    assert asked() == ["commit", "keep_pledges", "share", "leave"]
    assert [q.required for q in seats.questions(model, seat)] == [True, False, False, True]
    org.state = State.COMMITTED
    assert asked() == ["keep_pledges", "share", "leave"]
    org.state = State.LEFT
    assert asked() == []
    counselors = next(o for o in model.organizations if not o.can(seats.Capability.SHARE_RECORDS))
    counselors.state = State.COMMITTED
    seat = next(s for s in seats.seats(model) if s.node == counselors.node)
    assert "share" not in [q.field for q in seats.questions(model, seat)]


def test_the_convener_picks_among_those_it_can_reach():
    model = CoalitionModel(rng=3, leader="point")
    leader_seat = next(s for s in seats.seats(model) if s.id == seats.LEADER)
    invite = seats.questions(model, leader_seat)[0]
    reachable = {m.node for m in model.members if model.leader.reaches(m)}
    assert invite.field == "invite" and {n for n, _ in invite.options} == reachable
    assert reachable < {m.node for m in model.members}
    model.leader.active = False
    assert seats.questions(model, leader_seat) == ()


def test_the_convener_is_told_who_is_not_offered_because_it_said_no_lately():
    # an organization that declined a member's invitation vanished from the convener's list without a word
    model = CoalitionModel(rng=3)
    leader_seat = next(s for s in seats.seats(model) if s.id == seats.LEADER)
    assert seats.questions(model, leader_seat)[0].note == ""
    org = model.organizations[1]
    org.declined_step = model.steps
    invite = seats.questions(model, leader_seat)[0]
    assert org.node not in {n for n, _ in invite.options}
    week = model.params.decline_cooldown
    assert f"{org.spec.label} (week {week})" in invite.note and invite.note.startswith("Not offered")
    assert "come back on this list in the first round that opens in or after the week given" in invite.note
    assert states._question(invite)["note"] == invite.note  # and the page gets it


def test_a_students_own_measure_says_it_follows_the_same_people():
    # "housing instability among the people you reach: 40.9% (a round ago 61.0%)" after a round in
    # which nobody acted: with reach drawn once, the same people get better on their own
    from sim.classroom.briefing import briefing

    model = CoalitionModel(rng=3)
    seat = seats.seats(model)[0]
    assert "clear up on their own" in briefing(model, seat, -1, None)["metric"]["name"]
    model = CoalitionModel(rng=3, reach_turnover=26)
    assert "on their own" not in briefing(model, seats.seats(model)[0], -1, None)["metric"]["name"]


def test_only_a_member_that_pledges_money_is_told_of_a_pledge():
    # a teacher's trial: child services (no resources role) read "$6k a week goes into the pool (pledged)" and
    # "$0 paid so far" all game, and was never asked to pay
    from sim.classroom.briefing import briefing
    from sim.scenario.roles import Capability

    model = CoalitionModel(rng=3)
    told = {}
    for seat in seats.seats(model):
        member = seats.member_of(model, seat) if seat.id != seats.LEADER else None
        if member is not None and member.budget > 0:
            told[member.can(Capability.PLEDGE_MONEY)] = briefing(model, seat, -1, None)
    assert set(told) == {True, False}  # the default scenario has both kinds
    assert "goes into the coalition's pool once you commit" in told[True]["pledge"] and told[True]["given"]
    assert told[False]["pledge"].startswith("none of it goes into the coalition's pool") and told[False]["given"] == ""


def test_check_refuses_what_was_not_asked_and_wants_the_required_answers():
    model = CoalitionModel(rng=4)
    asked = seats.questions(model, seats.seats(model)[0])
    assert seats.check(asked, {"join": True}) == ""
    assert "not a decision" in seats.check(asked, {"join": True, "share": True})
    assert "true or false" in seats.check(asked, {"join": frozenset()})
    assert "please answer: join" in seats.check(asked, {})
    leader = seats.questions(model, seats.seats(model)[-1])
    assert "pick among" in seats.check(leader, {"invite": frozenset({999}), "shared_metric": True})


def test_a_team_decides_by_majority_and_the_earliest_answer_breaks_ties():
    assert seats.tally([{"commit": False}, {"commit": True}, {"commit": True}]) == {"commit": True}
    assert seats.tally([{"commit": False}, {"commit": True}]) == {"commit": False}
    assert seats.tally([{"share": True}, {"leave": False}]) == {"share": True, "leave": False}
    picks = [{"invite": frozenset({1, 2})}, {"invite": frozenset({2})}, {"invite": frozenset({2, 3})}]
    assert seats.tally(picks) == {"invite": frozenset({2})}
    assert seats.tally([{"invite": frozenset({1})}, {"invite": frozenset()}]) == {"invite": frozenset({1})}


def test_a_round_sets_the_choices_for_its_weeks_and_hands_them_back():
    model = CoalitionModel(rng=5, steps=40)
    org = model.organizations[3]
    seat = next(s for s in seats.seats(model) if s.node == org.node)
    play(model, {seat.id: {"join": False}}, 6)
    # it did not come on its own, and an invitation meanwhile waits for its players (never declined for them)
    assert model.steps == 6 and org.state in (State.OUTSIDE, State.INVITED) and org.declines == 0
    assert all(v is None for m in model.members for v in vars(m.choices).values())
    play(model, {seat.id: {"join": True}}, 1)
    assert org.state == State.AT_TABLE


def test_staying_away_uninvited_does_not_turn_down_the_conveners_invitation():
    # a student convener invites an organization whose students said "stay away" to "come on your
    # own?": the invitation waits for the next round's "You are invited" question, and only a no
    # to that declines it (in the narration too)
    model = CoalitionModel(rng=5, steps=60)
    org = model.organizations[3]
    seat = next(s for s in seats.seats(model) if s.node == org.node)
    assert seats.questions(model, seat)[0].ask == "Come to the table on your own?"
    play(model, {seat.id: {"join": False}, seats.LEADER: {"invite": frozenset({org.node})}}, 13)
    assert org.state == State.INVITED and org.declines == 0
    assert seats.questions(model, seat)[0].ask == "You are invited to the table. Do you come?"
    play(model, {seat.id: {"join": False}}, 13)
    assert org.state == State.OUTSIDE and org.declines == 1
    assert any(
        f"{org.name} declined the invitation" in e.text and not e.minor for e in model.events
    )  # on the projector


# -- the room ----------------------------------------------------------------------


def test_nobody_deciding_is_the_models_own_run_draw_for_draw():
    room = small_room()
    room.start()
    for _ in range(room.rounds):
        room.advance()
        assert room.play_round()
    assert room.phase == "debrief"
    own = room.counter.models["the model's own agents"]
    assert own.steps == room.model.steps == 12
    assert series(room.model) == series(own)
    assert series(room.model, "coalition_size") == series(own, "coalition_size")
    class_run, own_run, no_leader = room.debrief["runs"]
    assert class_run | {"name": ""} == own_run | {"name": ""}
    assert no_leader["name"] == "the model, no leader"


def test_students_change_the_run_and_the_debrief_compares_each_choice():
    room = small_room(seed=11)
    ann = room.join("Ann")
    seat = next(s for s in room.published.seats if s.name == "Housing Authority")
    room.pick(ann.token, seat.id)
    room.start()
    room.decide(ann.token, 1, {"join": True})  # uninvited, it would seldom come
    assert room.play_round()
    housing = next(m for m in room.model.members if m.node == seat.node)
    assert housing.state == State.AT_TABLE
    trust = housing.trust_in_coalition
    assert trust < room.model.params.commit_threshold
    room.decide(ann.token, 2, {"commit": True, "keep_pledges": False, "leave": False})
    leaning = room.published.inclination(seat.id, "commit")
    assert leaning.value is False and f"{trust:.2f}" in leaning.reason
    assert room.play_round()
    assert housing.state == State.COMMITTED
    assert room.model.fund.given_by[housing.node] == 0.0  # it held every pledge back
    room.end()
    mine = room.debrief["choices"][ann.token]
    assert mine["total"] == 4 and [line["agrees"] for line in mine["lines"]] == [False, False, False, True]
    assert all(type(line["agrees"]) is bool for line in mine["lines"])  # not numpy's: the pages get JSON
    json.dumps(states.student(room, ann)), json.dumps(states.teacher(room))
    assert "round 1" in room.debrief["seats"][seat.id]["runs"]["your class"]
    assert series(room.model) != series(room.counter.models["the model's own agents"])


def test_the_room_refuses_what_cannot_be_taken_and_changes_nothing():
    room = small_room()
    ann, bob = room.join("Ann"), room.join("Bob")
    with pytest.raises(Refused, match="already called"):
        room.join("ann")
    with pytest.raises(Refused, match="pick an organization"):
        room.decide(ann.token, 1, {"join": True})
    room.pick(ann.token, "m0")
    with pytest.raises(Refused, match="already has a player"):
        room.pick(bob.token, "m0")
    with pytest.raises(Refused, match="no seat"):
        room.pick(bob.token, "m999")
    room.pick(ann.token, "m2")  # in the lobby a student may change their mind
    room.pick(bob.token, "m0")
    with pytest.raises(Refused, match="not started"):
        room.decide(ann.token, 1, {"join": True})
    room.start()
    with pytest.raises(Refused, match="whole game"):
        room.pick(ann.token, "m3")
    with pytest.raises(Refused, match="round 0 is closed"):
        room.decide(ann.token, 0, {"join": True})
    with pytest.raises(Refused, match="not a decision"):
        room.decide(ann.token, 1, {"commit": True})
    with pytest.raises(Refused, match="not in the game"):
        room.decide("nobody", 1, {"join": True})
    version = room.version
    room.decide(ann.token, 1, {"join": True})
    assert room.submissions == {ann.token: {"join": True}} and room.version == version + 1
    with pytest.raises(Refused, match="not a decision"):  # a bad change leaves the answer sent
        room.decide(ann.token, 1, {"commit": True})
    assert room.submissions == {ann.token: {"join": True}} and len(room.choices) == 1
    assert not room.due() and [p.nickname for p in room.waiting()] == ["Bob"]


def test_a_round_is_due_when_all_decided_when_advanced_or_when_the_timer_runs_out(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("sim.classroom.timer.time.monotonic", lambda: clock[0])
    room = small_room()
    ann, bob = room.join("Ann"), room.join("Bob")
    room.pick(ann.token, "m0")
    room.pick(bob.token, "m1")
    room.start()
    assert not room.due()  # nobody decided yet
    room.decide(ann.token, 1, {"join": True})
    room.let_model_decide(bob.id)
    assert room.due()
    room.pause(True)
    assert not room.due()
    room.pause(False)
    assert room.play_round() and room.round == 2 and not room.due()
    room.set_timer(60)
    clock[0] += 20
    room.pause(True)
    clock[0] += 100  # a paused timer stands still
    assert not room.due() and room.seconds_left() == 40
    room.pause(False)
    clock[0] += 39
    assert not room.due() and room.seconds_left() == 1
    clock[0] += 1
    assert room.due()
    assert room.play_round() and room.seconds_left() == 60  # the next round gets the timer too
    room.set_timer(None)
    clock[0] += 1000
    assert not room.due() and room.seconds_left() is None
    room.advance()
    assert room.due()


def test_a_late_joiner_takes_a_free_seat_and_joins_a_team_once_all_are_taken():
    room = small_room()
    room.start()
    players = [room.join(f"s{i}") for i in range(len(room.published.seats) + 1)]
    for player, seat in zip(players, room.published.seats, strict=False):
        room.pick(player.token, seat.id)
    late = players[-1]
    room.pick(late.token, "m0")
    assert [p.nickname for p in room.seated("m0")] == ["s0", late.nickname]


def test_inclinations_follow_the_models_own_rules():
    room = small_room(seed=3)
    room.start()
    for _ in range(2):
        room.advance()
        room.play_round()
    model, p = room.model, room.model.params
    for seat in room.published.seats:
        member = seats.member_of(model, seat)
        for question in room.published.questions[seat.id]:
            leaning = room.published.inclination(seat.id, question.field)
            assert type(leaning.value) in (bool, frozenset)  # never numpy's bool: it goes into the pages' JSON
            if question.field == "commit":
                assert leaning.value == (member.trust_in_coalition >= p.commit_threshold)
            if question.field == "leave":
                assert leaning.value == (member.frustration > member.patience)
            if question.field == "keep_pledges":
                assert leaning.value == (member.reliability >= 0.5)


@pytest.mark.parametrize("pace", [0, 2])
def test_the_conveners_inclination_to_invite_follows_its_pace(pace):
    # it said "invites two a week ... everyone in a round" whatever the pace, 0 included
    room = small_room(invites_per_step=pace)
    room.start()
    leaning = room.published.inclination("leader", "invite")
    invite = next(q for q in room.published.questions["leader"] if q.field == "invite")
    outside = {node for node, _ in invite.options}
    assert leaning.value == (frozenset(outside) if pace else frozenset())
    assert (f"{pace} a week" in leaning.reason) if pace else ("invites nobody" in leaning.reason)


def test_ending_the_game_mid_round_drops_that_rounds_decisions():
    # a game ended at the start of a round counted its answers in the debrief ("Round 8: same", 15 of 17)
    room, (ann, bob) = started_with("Ann", "Bob")
    room.decide(ann.token, 1, {"join": True})
    room.decide(bob.token, 1, {"join": False})  # both decided: round 1 is played
    assert room.play_round()
    room.decide(ann.token, 2, {q.field: q.answers[0][0] for q in room.published.questions["m0"] if q.answers})
    assert any(c.round == 2 for c in room.choices)
    room.end()
    assert room.choices and {c.round for c in room.choices} == {1}


def test_words_fit_the_seat_a_partner_without_money_commits_its_time():
    # the Parents' council, with "no money of your own", was asked to "Commit money and staff"
    room = small_room()
    room.start()
    model = room.model
    assert states.teacher(room)["outcome"] == model.people_outcome  # the projector's number is named
    for seat in room.published.seats:
        if seat.id == "leader":
            continue
        member = seats.member_of(model, seat)
        member.state = State.AT_TABLE
        (commit,) = [q for q in seats.questions(model, seat) if q.field == "commit"]
        assert ("money" in commit.ask) == (member.budget > 0), (seat.name, commit.ask)


def test_milestones_in_words():
    timeline = [("outside", False), ("at the table", False), ("committed", True), ("left", False)]
    assert (
        milestones(timeline)
        == "at the table in round 1, committed in round 2, shared records in round 2, left in round 3"
    )
    assert milestones([("outside", False)]) == "stayed outside"


# -- the protocol ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, reason",
    [
        ("not json", "Invalid JSON"),
        ("[1, 2]", "object"),
        ('{"type": "shout"}', "does not match"),
        ('{"type": "pick", "seat": "m1", "extra": 1}', "Extra inputs"),
        ('{"type": "decide", "round": 1, "answers": {"join": "yes"}}', "valid boolean"),
        ('{"type": "decide", "round": "1", "answers": {}}', "valid integer"),
        ('{"type": "decide", "round": 1, "answers": {"invite": [1, "2"]}}', "valid integer"),
        ('{"type": "join", "code": "AB12", "nickname": "x"}', "^The join code is the letters"),
        ('{"type": "hello", "code": "<script>"}', "^The join code is the letters"),
        ('{"type": "join", "code": "ABCD", "nickname": "   "}', "^Type a nickname first"),
        ('{"type": "join", "code": "ABCD", "nickname": "' + "n" * 25 + '"}', "at most 24 characters, please"),
        ('{"type": "join", "code": "ABCD", "nickname": "\\u202eevil"}', "text-direction"),
        ('{"type": "join", "code": "ABCD", "nickname": "a\\u2066b"}', "text-direction"),
        ('{"type": "join", "code": "ABCD", "nickname": "a\\u0085b"}', "control"),
        ('{"type": "join", "code": "ABCD", "nickname": "\\u200f"}', "no visible character"),
        ('{"type": "join", "code": "ABCD", "nickname": "\\u200b\\u3164"}', "no visible character"),
        ('{"type": "join", "code": "ABCD", "nickname": "a\\u2028b"}', "control"),
        # a Cyrillic "А" in a Latin name (looks like a classmate's "Ann"; an attacker's trial)
        ('{"type": "join", "code": "ABCD", "nickname": "\\u0410nn"}', "^A nickname in one alphabet a word"),
        ('{"type": "join", "code": "ABCD", "nickname": "Zo\\u00eb \\u03b1nna"}', "^A nickname in one alphabet"),
        ('{"type": "teacher", "key": ""}', "^This teacher page needs its key"),
        ('{"type": "command", "command": "reboot"}', "command"),
        ('{"type": "command", "command": "timer", "seconds": -5}', "greater than or equal"),
        (b"\x00\x01", "JSON text"),
        ("x" * (protocol.MAX_MESSAGE + 1), "too long"),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(text, reason):
    with pytest.raises(protocol.Malformed, match=reason):
        protocol.parse(text)


def test_well_formed_messages_are_read_exactly():
    join = protocol.parse('{"type": "join", "code": " abcd ", "nickname": "  Ann B "}')
    assert (join.code, join.nickname) == ("ABCD", "Ann B")
    # right-to-left and other scripts need no direction controls
    hebrew = protocol.parse('{"type": "join", "code": "AB", "nickname": "\\u05e9\\u05dc\\u05d5\\u05dd"}')
    assert hebrew.nickname == "שלום"
    marked = protocol.parse('{"type": "join", "code": "AB", "nickname": "\\u200f\\u05e9 2"}')  # an RLM, harmless
    assert marked.nickname == "\u200fש 2"
    # one alphabet a word: a Cyrillic or Greek name, a name in each, full-width Latin, accents, all welcome
    for name in (
        "\u0410\u043d\u044f",
        "Ann \u0410\u043d\u044f",
        "\uff21\uff4e\uff41",
        "Zo\u00eb",
        "\u0394\u03ae\u03bc\u03b7\u03c4\u03c1\u03b1 7",
    ):
        assert protocol.parse(json.dumps({"type": "join", "code": "AB", "nickname": name})).nickname == name
    decide = protocol.parse('{"type": "decide", "round": 2, "answers": {"invite": [3, 1], "shared_metric": false}}')
    assert decide.answers.as_choices() == {"invite": frozenset({1, 3}), "shared_metric": False}
    assert protocol.parse('{"type": "decide", "round": 2, "answers": {"join": null}}').answers.as_choices() == {}


def _texts(value) -> list[str]:
    """Every string a page is sent, tags stripped (what a reader sees), keys left out."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    return [re.sub(r"<[^>]*>", " ", value)] if isinstance(value, str) else []


def test_a_scenario_in_months_is_played_in_months(tmp_path):
    """A scenario whose step is a month: the briefings, questions, news and debrief say "month", never "week"."""
    text = (ROOT / "tests" / "data" / "scenarios" / "youth_unemployment.toml").read_text(encoding="utf-8")
    path = tmp_path / "monthly.toml"
    path.write_text(text.replace("steps = 156\n", "steps = 36\ndays_per_step = 30\n", 1), encoding="utf-8")
    room = Room(path, seed=5, rounds=3, weeks_per_round=6)
    players = [room.join(name) for name in ("Ann", "Bob")]
    payer = next(s for s in room.published.seats if s.kind == "organization")
    room.pick(players[0].token, payer.id)
    room.pick(players[1].token, seats.LEADER)
    room.start()
    seen = []
    for _ in range(room.rounds):
        seen += _texts(states.student(room, players[0])) + _texts(states.teacher(room))
        room.advance()
        assert room.play_round()
    seen += _texts(states.student(room, players[0])) + _texts(states.teacher(room))
    assert room.phase == "debrief"
    assert states.teacher(room)["unit"] == "month" and states.teacher(room)["units"] == "months"
    shown = " ".join(seen)
    assert re.search(r"\bmonths?\b", shown)
    assert re.findall(r".{30}\bweeks?\b.{30}", shown, re.IGNORECASE) == []


def test_the_teacher_sees_first_whom_the_round_waits_for_then_who_is_choosing():
    room = small_room()
    players = [room.join(f"s{i}") for i in range(30)]
    for player, seat in zip(players[:12], room.published.seats * 2, strict=False):
        room.pick(player.token, seat.id)
    lobby = [p["nickname"] for p in states.teacher(room)["players"]]
    # before the game: those still choosing an organization, then the seated, each in the order they joined
    assert lobby == [f"s{i}" for i in range(12, 30)] + [f"s{i}" for i in range(12)]
    room.start()
    for player in players[:12:2]:  # the model plays for half of the seated
        room.let_model_decide(player.id)
    shown = states.teacher(room)["players"]
    kinds = ["waiting" if p["waiting"] else "choosing" if not p["seat"] else "other" for p in shown]
    n_waiting = kinds.count("waiting")
    assert n_waiting > 0 and kinds == sorted(kinds, key=["waiting", "choosing", "other"].index)
    assert [p["nickname"] for p in shown[n_waiting:]][: 30 - 12] == [f"s{i}" for i in range(12, 30)]


def test_students_take_only_the_steps_they_were_asked_about_this_round():
    """Asked only whether to come, a played member does not also commit or share that round (the doc:
    a class's first commitment comes a round later at best); the model's own member may."""
    room = Room(seed=42, rounds=3, weeks_per_round=13)
    housing = next(s for s in room.published.seats if s.name == "Housing Authority")
    ann = room.join("Ann")
    room.pick(ann.token, housing.id)
    room.start()
    assert [q["field"] for q in states.student(room, ann)["questions"]] == ["join"]
    room.decide(ann.token, 1, {"join": True})
    assert room.play_round()
    member = next(m for m in room.model.members if m.name == "Housing Authority")
    assert member.state == State.AT_TABLE and not member.sharing
    # the same seed without students: the model's own Housing Authority commits within those weeks
    own = CoalitionModel("chicago_absenteeism", rng=42)
    own.run_for(13)
    assert next(m for m in own.members if m.name == "Housing Authority").state == State.COMMITTED


def test_a_members_own_news_includes_what_befell_it():
    from sim.classroom.briefing import _news

    model = CoalitionModel("chicago_absenteeism", rng=42)
    model.run_for(3)
    model.log("setback: Housing Authority had its budget cut by 30%")
    model.log("setback: staff turnover at Housing Authority; new people must build trust again")
    model.log("setback: Chicago Public Schools misused shared data; trust in it fell")
    news = _news(model, 0, "Housing Authority")
    assert news[0].endswith("staff turnover at Housing Authority; new people must build trust again")
    assert news[1].endswith("Housing Authority had its budget cut by 30%")
    assert not any("Chicago Public Schools" in line for line in news[:2])


def test_the_same_news_week_after_week_is_one_line_with_its_weeks():
    # a member holding back its pledge read 13 identical lines, burying the rest of the round's news
    from sim.classroom.briefing import _news

    model = CoalitionModel("chicago_absenteeism", rng=42)
    for _ in range(3):
        model.step()
        model.log("Housing Authority did not pay what it had promised the coalition this week")
    news = _news(model, 0, "Housing Authority")
    held = [line for line in news if "did not pay" in line]
    assert held == ["weeks 1-3: Housing Authority did not pay what it had promised the coalition (3 of those weeks)"]


def test_the_debrief_lists_every_seated_student_also_one_who_never_decided():
    room = small_room()
    ann, bob = room.join("Ann"), room.join("Bob")
    room.join("Cy")
    room.pick(ann.token, "m0")
    room.pick(bob.token, "m1")  # Bob never sends a decision; Cy never takes a seat
    room.start()
    room.decide(ann.token, 1, {"join": True})
    room.advance()
    assert room.play_round()
    room.end()
    listed = {s["nickname"]: (s["agreed"], s["total"]) for s in states.teacher(room)["debrief"]["students"]}
    assert set(listed) == {"Ann", "Bob"} and listed["Bob"] == (0, 0) and listed["Ann"][1] == 1


def ended_after_one_round() -> Room:
    """A room whose game the teacher ended after its first round (4 weeks)."""
    room = small_room()
    room.start()
    room.advance()
    assert room.play_round()
    room.end()
    return room


def test_after_an_early_end_the_debrief_chart_spans_the_weeks_played():
    room = ended_after_one_round()
    chart = states.teacher(room)["debrief"]["chart"]
    assert room.model.steps == 4 and ">156<" not in chart and ">4<" in chart
    assert "so far" not in chart  # the game is over: each run ended, not "week 4 so far" (a teacher's trial)


def test_a_student_who_joins_after_the_game_sees_the_class_run_and_takes_no_seat():
    room = ended_after_one_round()
    late = room.join("Dee")
    with pytest.raises(Refused, match="the game is over"):
        room.pick(late.token, "m0")
    page = states.student(room, late)
    assert page["you"]["seat"] is None and "briefing" not in page
    assert page["debrief"]["choices"] is None and page["debrief"]["seat"] is None
    assert page["debrief"]["week"] == 4 and page["debrief"]["runs"] == states.teacher(room)["debrief"]["runs"]


def test_nicknames_that_look_alike_are_one_nickname():
    room = small_room()
    room.join("Ana")
    for lookalike in ("ana", "Ana\u200f", "\u200bAna", "\uff21\uff4e\uff41"):  # the last full-width
        with pytest.raises(Refused, match="already called"):
            room.join(lookalike)


def test_a_late_joiner_is_not_offered_an_organization_that_has_left():
    """A seat whose organization left has nothing to decide for the rest of the game: not a free seat."""
    room, _ = started_with()
    first = room.published.seats[0]
    organization_left(room, first)
    late = room.join("late")
    shown = {s["id"]: s["gone"] for s in states.student(room, late)["seats"]}
    assert shown[first.id] == "left the coalition" and not any(v for k, v in shown.items() if k != first.id)
    with pytest.raises(Refused, match="left the coalition, nothing to decide there"):
        room.pick(late.token, first.id)
    for i, seat in enumerate(room.published.seats[1:]):  # every other seat taken
        room.pick(room.join(f"s{i}").token, seat.id)
    room.pick(late.token, room.published.seats[1].id)  # a team, rather than the empty seat that left
    assert late.seat == room.published.seats[1].id


def test_a_student_may_change_their_decision_until_the_round_is_played():
    """The new answer replaces the old one, in the tally (as a later answer) and in the debrief's record."""
    room, (ann, bob) = started_with("Ann", "Bob")
    room.decide(bob.token, 1, {"join": True})
    room.decide(ann.token, 1, {"join": True})  # the last to decide: the round is due
    assert room.due()
    room.decide(ann.token, 1, {"join": False})  # not played yet: she changes her mind
    assert list(room.submissions) == [bob.token, ann.token] and room.submissions[ann.token] == {"join": False}
    assert [c.answer for c in room.choices if c.player == ann.token] == ["Stay away"] and len(room.choices) == 2


# -- the limits on one page and one address (sim.classroom.guard) ----------------------


def test_a_page_may_send_a_burst_then_a_steady_rate():
    from sim.classroom.guard import BURST, RATE, Bucket, TooMuch

    now = [0.0]
    bucket = Bucket(clock=lambda: now[0])
    for _ in range(BURST):
        bucket.take()
    with pytest.raises(TooMuch, match="too many messages"):
        bucket.take()
    now[0] += 1.0
    for _ in range(int(RATE)):  # a second later: RATE more
        bucket.take()
    with pytest.raises(TooMuch):
        bucket.take()


def test_an_address_joins_a_few_students_and_tries_a_few_codes_but_this_computer_any_number():
    from sim.classroom.guard import PLAYERS_PER_ADDRESS, WRONG_CODES, Guard, TooMuch

    now = [0.0]
    guard = Guard(clock=lambda: now[0])
    for _ in range(PLAYERS_PER_ADDRESS):
        guard.may_join("192.168.1.23")
        guard.joined("192.168.1.23")
    with pytest.raises(TooMuch, match="joined from this device"):
        guard.may_join("192.168.1.23")
    guard.may_join("192.168.1.24")  # another phone
    for _ in range(50):
        guard.may_join("127.0.0.1")  # the teacher trying the pages in tabs
        guard.joined("127.0.0.1")
    for _ in range(WRONG_CODES):
        guard.wrong_code("192.168.1.23")
    with pytest.raises(TooMuch, match="wrong join codes"):
        guard.wrong_code("192.168.1.23")
    now[0] += 61
    guard.wrong_code("192.168.1.23")  # a minute later: a typo is forgiven again
    behind_one_router = Guard(players_per_address=0)  # coalition classroom --students-per-device 0
    for _ in range(40):
        behind_one_router.may_join("10.0.0.1")
        behind_one_router.joined("10.0.0.1")


def test_a_page_that_never_reads_is_closed_before_its_replies_pile_up():
    """Replies quoting an 8 KB tag to a page that never read took the server from 241 MB to 3.6 GB in 30 s."""
    from sim.classroom.guard import OUTBOX, TooMuch
    from sim.classroom.handlers import REASON, handle
    from sim.classroom.server import Client, Hub

    hub = Hub(small_room(), "key")
    client = Client(websocket=None, address="192.168.1.9")
    with pytest.raises(TooMuch, match="does not read"):
        for _ in range(OUTBOX + 1):
            handle(hub, client, json.dumps({"type": "x" * 8000}))
    handle(hub, client, json.dumps({"type": "x" * 8000}))
    assert all(len(m["reason"]) <= REASON for m in client.outbox)


def test_the_teacher_removes_a_player_and_its_decision_and_record_go_with_it():
    room, (ann, bot) = started_with("Ann", "Bot")
    room.decide(bot.token, 1, {"join": True})
    room.remove(bot.id)
    assert list(room.players) == [ann.token] and room.submissions == {} and room.choices == []
    assert room.join("Cy").id == "p3"  # ids are never reused
    with pytest.raises(Refused, match="no player"):
        room.remove(bot.id)
    assert states.student(room, None)["seats"][1]["players"] == 0  # the seat is free again
    room.end()  # once the game is over, its record stays whole
    with pytest.raises(Refused, match="the game is over"):
        room.remove(ann.id)
    assert ann.token in room.players
    # one who joins once it is over has no seat and no record: the teacher can take a nickname off the projector
    late = room.join("Lea")
    room.remove(late.id)
    assert late.token not in room.players


def test_the_same_answer_sent_again_keeps_its_place_in_a_tie():
    """Ann's 'yes' came first and broke the tie; sending 'yes' again must not hand the tie to Bob's 'no'."""
    room = small_room()
    seats_ids = [s.id for s in room.published.seats]
    ann, bob = room.join("Ann"), room.join("Bob")
    others = [room.join(f"s{i}") for i in range(len(seats_ids) - 1)]
    room.pick(ann.token, "m0")
    for player, seat in zip(others, [s for s in seats_ids if s != "m0"], strict=True):
        room.pick(player.token, seat)
    room.pick(bob.token, "m0")  # every seat taken: Bob joins Ann's team
    room.start()
    room.decide(ann.token, 1, {"join": True})
    room.decide(bob.token, 1, {"join": False})
    room.decide(ann.token, 1, {"join": True})
    assert list(room.submissions) == [ann.token, bob.token]
    assert seats.tally(list(room.submissions.values())) == {"join": True}


def test_a_player_is_not_removed_while_the_round_is_being_played_and_a_mapped_address_is_this_computer():
    from sim.classroom.guard import Guard, TooMuch, device, is_this_computer
    from sim.classroom.handlers import handle
    from sim.classroom.server import Client, Hub

    hub = Hub(small_room(), "key")
    bot = hub.room.join("Bot")
    teacher = Client(websocket=None, address="127.0.0.1")
    handle(hub, teacher, json.dumps({"type": "teacher", "key": "key"}))
    hub.room.applying = True
    handle(hub, teacher, json.dumps({"type": "command", "command": "remove", "player": bot.id}))
    assert "a round is being played" in teacher.outbox[-1]["reason"] and bot.token in hub.room.players
    assert is_this_computer("::ffff:127.0.0.1") and device("::ffff:10.0.0.5") == "10.0.0.5"
    now = [0.0]
    guard = Guard(clock=lambda: now[0])
    for _ in range(60):
        guard.connection("::ffff:10.0.0.5")
    with pytest.raises(TooMuch, match="pages opened"):
        guard.connection("10.0.0.5")  # one device, however its address is written
    for _ in range(400):
        guard.message("10.0.0.6")
    with pytest.raises(TooMuch, match="too many messages from this device"):
        guard.message("10.0.0.6")
    for _ in range(1000):
        guard.connection("127.0.0.1")  # the teacher's own tabs: no address limit


def test_a_device_joins_six_students_through_the_handlers_and_is_told_how_to_allow_more():
    from sim.classroom.handlers import handle
    from sim.classroom.server import Client, Hub

    hub = Hub(small_room(), "key")
    code = hub.room.code
    for i in range(7):
        page = Client(websocket=None, address="::ffff:192.168.1.5")
        handle(hub, page, json.dumps({"type": "join", "code": code, "nickname": f"Tab{i}"}))
    assert len(hub.room.players) == 6
    assert "--students-per-device" in page.outbox[-1]["reason"]
    lab = Hub(small_room(), "key", students_per_device=0)  # coalition classroom --students-per-device 0
    for i in range(7):
        handle(
            lab,
            Client(websocket=None, address="192.168.1.5"),
            json.dumps({"type": "join", "code": lab.room.code, "nickname": f"T{i}"}),
        )
    assert len(lab.room.players) == 7


def test_the_teacher_sees_who_has_nothing_to_decide():
    room, _ = started_with("Ann", "Bob")
    organization_left(room, room.published.seats[0])
    shown = {p["nickname"]: p["idle"] for p in states.teacher(room)["players"]}
    assert shown == {"Ann": True, "Bob": False}


def test_a_students_state_carries_the_answers_sent_as_plain_json():
    """A change of mind starts from them; a convener's picks are sets, which JSON cannot carry."""
    room = small_room(leader="system")
    ann = room.join("Ann")
    room.pick(ann.token, seats.LEADER)
    room.start()
    asked = room.published.questions[seats.LEADER]
    invite = next(q for q in asked if q.options)
    nodes = [node for node, _ in invite.options[:2]]
    others = {q.field: q.answers[0][0] for q in asked if not q.options and q.required}
    room.decide(ann.token, 1, {invite.field: frozenset(nodes), **others})
    state = states.student(room, ann)
    assert json.loads(json.dumps(state))["sent"] == {invite.field: sorted(nodes), **others}


def test_a_round_nobody_decides_in_is_said_to_the_teacher():
    """Every seated student's organization left: nothing plays the round by itself (no
    timer), so the teacher's page is told it waits for "Play the round now"."""
    room, (ann,) = started_with("Ann")
    assert not states.teacher(room)["nobody_deciding"]  # Ann has questions
    organization_left(room, next(s for s in room.published.seats if s.id == "m0"))
    assert room.waiting() == [] and not room.due()
    assert states.teacher(room)["nobody_deciding"] and states.student(room, ann)["nobody_deciding"]
    room.advance()
    assert room.play_round()
    # an empty room (nobody seated yet) is not the same: the teacher waits for students
    assert not states.teacher(small_room())["nobody_deciding"]


def test_a_student_is_told_the_rounds_the_model_decided_for_their_seat():
    """A round played with no answer from a seated student (away, or out of time) is the model's,
    and the student's state says so; a seat that went out in such a round says when."""
    room, (ann, bob) = started_with("Ann", "Bob")
    asked = room.published.questions["m1"]
    room.decide(bob.token, 1, {q.field: q.answers[-1][0] for q in asked if q.required})
    room.advance()
    room.play_round()  # round 1: Bob answered, Ann did not
    mine, his = states.student(room, ann)["you"], states.student(room, bob)["you"]
    assert mine["model_played"] == [1] and his["model_played"] == []
    assert mine["gone_in"] is None
    late = room.join("Cy")
    late.seat = "m0"  # Ann's team from round 2 (as a late joiner once every seat is taken)
    assert states.student(room, late)["you"]["model_played"] == []  # round 1 was not Cy's
    seats.member_of(room.model, room.published.seats[0]).state = State.LEFT  # Ann's seat leaves in round 2
    room.advance()
    room.play_round()
    mine = states.student(room, ann)["you"]
    assert mine["model_played"] == [1, 2] and mine["gone_in"] == 2
    assert states.student(room, late)["you"]["model_played"] == [2]
    room.end()  # the teacher's debrief counts them beside each student's choices
    rounds = {st["nickname"]: st["model_rounds"] for st in states.teacher(room)["debrief"]["students"]}
    assert rounds == {"Ann": 2, "Bob": 1, "Cy": 1}, rounds


def test_trust_and_its_threshold_are_told_apart_when_they_round_alike(monkeypatch):
    from sim.classroom.inclination import _beside

    assert _beside(0.4973, 0.5) == "0.497; it commits at 0.500"
    assert _beside(0.49996, 0.5) == "0.49996; it commits at 0.50000"
    assert _beside(0.507, 0.505) == "0.507; it commits at 0.505"  # the threshold never rounds across it
    assert _beside(0.52, 0.5) == "0.52; it commits at 0.50"
    assert _beside(0.5, 0.5) == "0.50; it commits at 0.50"
    # the briefing's trust, read against the thresholds it names, with as many decimals
    from sim.classroom.briefing import briefing

    model = CoalitionModel(rng=2)
    org = model.organizations[0]
    seat = next(s for s in seats.seats(model) if s.node == org.node)
    monkeypatch.setattr(type(org), "trust_in_coalition", property(lambda self: 0.4973))
    assert briefing(model, seat, -1, None)["trust_shown"] == "0.497"
    monkeypatch.setattr(type(org), "trust_in_coalition", property(lambda self: 0.42))
    assert briefing(model, seat, -1, None)["trust_shown"] == "0.42"


def test_the_convener_is_told_why_nobody_is_offered_when_nobody_can_be_invited():
    model = CoalitionModel(rng=3)
    leader_seat = next(s for s in seats.seats(model) if s.id == seats.LEADER)
    for m in model.members:
        if m.invitable():
            m.state = State.AT_TABLE
    declined = model.organizations[1]
    declined.state, declined.declined_step = State.OUTSIDE, model.steps
    asked = seats.questions(model, leader_seat)
    assert "invite" not in [q.field for q in asked]
    assert asked[0].note.startswith("Nobody to invite this round. Not offered")
    assert declined.spec.label in asked[0].note


def test_leaving_says_it_is_for_good_and_the_conveners_rate_names_the_outcome():
    model = CoalitionModel(rng=2)
    org = model.organizations[0]
    org.state = State.COMMITTED
    seat = next(s for s in seats.seats(model) if s.node == org.node)
    leave = next(q for q in seats.questions(model, seat) if q.field == "leave")
    assert "for good" in leave.note
    from sim.classroom.briefing import briefing

    convener = next(s for s in seats.seats(model) if s.id == seats.LEADER)
    assert briefing(model, convener, -1, None)["rate"].startswith(model.people_outcome)


def test_the_projectors_news_says_how_many_lines_it_left_out():
    """A teacher's trial: 14 lines and no word of the rest (the Schools' commitment, a refusal were gone)."""
    from sim.classroom.rounds import NARRATION, publish

    model = CoalitionModel("chicago_absenteeism", rng=3, n_people=600)
    model.run_for(40)
    lines = [e for e in model.events if 0 < e.step and not e.minor]
    assert len(lines) > NARRATION  # a long round: more than the projector shows
    news = publish(model, 2, 0, 40).narration
    assert (
        len(news) == NARRATION and news[-1] == f"... and {len(lines) - NARRATION + 1} more earlier in the round's weeks"
    )
    assert news[0].startswith(f"week {lines[-1].step}: ")  # newest first
    short = publish(model, 2, 38, 2).narration  # a round with few lines: every one, nothing added
    assert len(short) == sum(1 for e in lines if e.step > 38) and not any(n.startswith("...") for n in short)
