"""What each page is sent: the whole state it shows, as one JSON-ready dict.

A page is sent its whole state after every change (a decision, a seat taken, a round
played), never a difference, so a page that reconnects, or missed a message, shows the
truth at once. A student's state holds only what their seat may see: their briefing and
questions, how many have decided, and in the debrief their own choices. The teacher's
adds every player, the narration and the projector's numbers; its pictures travel in a
separate message, once per round (:func:`pictures`).
"""

from __future__ import annotations

from sim.classroom.room import Player, Room
from sim.classroom.rounds import Published
from sim.viz.charts_svg import money


def common(room: Room) -> dict:
    """What every page shows: the game, its phase and round, the seats and how full they are."""
    pub = room.published
    players = list(room.players.values())
    seated = {s.id: sum(p.seat == s.id for p in players) for s in pub.seats}
    waiting = room.waiting() if room.phase == "playing" else []
    return {
        "type": "state",
        "version": room.version,
        "title": room.title,
        "code": room.code,
        "phase": room.phase,
        "paused": room.paused,
        "applying": room.applying,
        "round": room.round,
        "rounds": room.rounds,
        "week": pub.week,
        "weeks_per_round": room.weeks_per_round,
        "unit": room.unit[0],  # what a step is called (the scenario's days_per_step): week, month...
        "outcome": room.model.people_outcome,  # what the rate counts, in the scenario's words
        "units": room.unit[1],
        "seconds_left": room.seconds_left(),
        "seats": [
            {
                "id": s.id,
                "label": s.label,
                "name": s.name,
                "kind": s.kind,
                "sector": s.sector,
                "players": seated[s.id],
                "gone": pub.gone.get(s.id, ""),
            }
            for s in pub.seats
        ],
        "decided": len(room.submissions),
        "waiting": len(waiting),
        "nobody_deciding": room.nobody_deciding(),  # the round waits for the teacher
    }


def student(room: Room, player: Player | None) -> dict:
    """A student's page (``player`` None: a page that has not joined yet)."""
    with room.lock:
        out = common(room)
        if player is None:
            return out | {"you": None}
        pub = room.published
        seat = player.seat
        out["you"] = {"id": player.id, "nickname": player.nickname, "seat": seat, "away": player.away}
        if seat is not None:
            # rounds since they joined that the model decided for their seat (no answer came), and when it went
            out["you"]["model_played"] = _model_played(room, player)
            out["you"]["gone_in"] = room.gone_in.get(seat)
        if seat is None:
            if room.phase == "debrief" and room.debrief is not None:  # joined after the game: the class's run
                out["debrief"] = {k: room.debrief[k] for k in ("week", "runs", "chart")} | {
                    "seat": None,
                    "choices": None,
                }
            return out
        out["briefing"] = pub.briefings[seat]
        answered = room.submissions.get(player.token)
        out["answered"] = None if answered is None else _answered(pub, seat, answered)
        # the answers themselves (picks as sorted lists): a change of mind starts from them
        out["sent"] = (
            None
            if answered is None
            else {k: sorted(v) if isinstance(v, frozenset | set) else v for k, v in answered.items()}
        )
        out["questions"] = [_question(q) for q in pub.questions[seat]] if room.phase == "playing" else []
        if room.phase == "debrief" and room.debrief is not None:
            d = room.debrief
            mine = d["choices"].get(player.token, {"agreed": 0, "total": 0, "lines": []})
            out["debrief"] = {k: d[k] for k in ("week", "runs", "chart")} | {
                "seat": d["seats"].get(seat),
                "choices": mine,
            }
        return out


def teacher(room: Room) -> dict:
    """The teacher's page: everything on the projector, every player, the controls' state."""
    with room.lock:
        out = common(room)
        pub = room.published
        labels = {s.id: s.label for s in pub.seats}
        waiting = {p.token for p in room.waiting()} if room.phase == "playing" else set()
        out["players"] = [
            {
                "id": p.id,
                "nickname": p.nickname,
                "seat": labels.get(p.seat or "", ""),
                "online": p.connections > 0,
                "decided": p.token in room.submissions,
                "waiting": p.token in waiting,
                "away": p.away,
                # seated, in a game under way, with nothing asked: its organization left (or has nothing this round)
                "idle": bool(p.seat) and room.phase == "playing" and not pub.questions.get(p.seat),
            }
            for p in _for_the_teacher(room.players.values(), waiting)
        ]
        out["timer"] = room.timer.seconds
        out["narration"] = list(pub.narration)
        v = pub.view
        out["numbers"] = {
            "rate": f"{v.rate:.1%}",
            "target": f"{v.target:.0%}",
            "at_table": f"{v.at_table} of {v.n_members}",
            "committed": v.committed,
            "sharing": v.sharing,
            "money": money(v.money_spent),
        }
        if room.phase == "debrief" and room.debrief is not None:
            d = room.debrief
            # every student who took a seat, also one who never sent a decision (0 of 0: the model decided)
            nobody = {"agreed": 0, "total": 0}
            students = [
                {"nickname": p.nickname, "seat": labels.get(p.seat or "", "")}
                | {k: d["choices"].get(p.token, nobody)[k] for k in ("agreed", "total")}
                | {"model_rounds": len(_model_played(room, p))}
                for p in room.players.values()
                if p.seat or p.token in d["choices"]
            ]
            out["debrief"] = {k: d[k] for k in ("week", "runs", "chart")} | {
                "seats": list(d["seats"].values()),
                "students": students,
            }
        return out


def _model_played(room: Room, player: Player) -> list:
    """The rounds since ``player`` joined that the model decided for their seat (nobody answered)."""
    return [r for r in room.model_played.get(player.seat or "", []) if r >= player.joined_round]


def pictures(room: Room) -> dict:
    """The projector's pictures of the published round (sent when the week changes)."""
    pub = room.published
    return {"type": "pictures", "week": pub.week, "svgs": pub.pictures}


def _question(q) -> dict:
    return {
        "field": q.field,
        "ask": q.ask,
        "answers": [[value, words] for value, words in q.answers],
        "options": [[node, label] for node, label in q.options],
        "required": q.required,
        "note": q.note,
    }


def _answered(pub: Published, seat: str, answers: dict) -> list:
    """A student's answers this round, in words."""
    out = []
    for q in pub.questions[seat]:
        if q.field in answers:
            value = answers[q.field]
            if q.options:
                words = ", ".join(label for node, label in q.options if node in value) or "nobody"
            else:
                words = dict(q.answers)[value]
            out.append(f"{q.ask} {words}")
    return out


def _for_the_teacher(players, waiting: set) -> list:
    """Players in the order a teacher needs them, in the order they joined within each kind.

    Those the round waits for first (the ones a teacher may let the model play for), then
    those still choosing an organization, then everyone else.
    """
    return sorted(players, key=lambda p: 0 if p.token in waiting else 1 if not p.seat else 2)
