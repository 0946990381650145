"""What a seat sees at the start of a round, in plain words: only what its organization would know.

A member sees its mission, its budget and what it has paid in, its trust in the members it
is tied to (and theirs in it), the measure it watches (its own, or the coalition's shared
measures once it adopted them), how long it has waited for progress against its patience,
and what happened last round, its own news first. The convener sees the table: who is
there, who has committed and shares records, mean trust, the shared rate against the
target and the cause the coalition believes in. Nothing here is hidden truth (no
diagnosis accuracy, no hidden weights). Every value is ready for JSON.
"""

from __future__ import annotations

import re

from sim.classroom.inclination import decimals
from sim.classroom.seats import LEADER, Seat, member_of
from sim.model.events import percent, target_percent
from sim.model.organization import State
from sim.scenario.roles import ROLE_TABLE, Capability
from sim.viz.charts_svg import money
from sim.viz.view import plain

STATE_WORDS = {
    State.OUTSIDE: "outside the coalition",
    State.INVITED: "invited to the table",
    State.AT_TABLE: "at the table, not yet committed",
    State.COMMITTED: "committed to the coalition",
    State.LEFT: "gone: you left the coalition",
}
NEWS = 14


def words_of(model) -> tuple:
    """``(name, display)`` for each circumstance: the scenario's words for them."""
    return tuple((c.name, c.display) for c in model.spec.population.circumstances)


def measure_name(model, key: int) -> str:
    """A watched measure in words (``-1`` is the outcome)."""
    if key < 0:
        return model.people_outcome
    return model.spec.population.circumstances[key].display


def mission_words(model, mission: dict) -> str:
    """A mission as a sentence: what it wants less of, the first thing first."""
    ranked = sorted(mission.items(), key=lambda kv: -kv[1])
    things = [
        model.people_outcome if key == "outcome" else dict(words_of(model)).get(key, key)
        for key, weight in ranked
        if weight > 0
    ]
    if not things:
        return "No stated mission on this problem."
    if len(things) == 1:
        return f"Less {things[0]}."
    return f"Less {things[0]} above all; also less {', '.join(things[1:])}."


def briefing(model, seat: Seat, since: int, metric_before: float | None) -> dict:
    """What ``seat`` sees now; ``since`` is the week the last round began."""
    if seat.id == LEADER:
        return _leader(model, seat, since)
    member = member_of(model, seat)
    p = model.params
    unit = model.spec.header.step_unit[0]
    gone = member.state == State.LEFT  # out of the coalition: no pledge to make, no threshold to reach
    # only a holder of the resources role pledges money: another's budget stays its own (a teacher's trial:
    # child services read "$6k a week goes into the pool (pledged)" and paid nothing all game, never asked)
    pays = member.can(Capability.PLEDGE_MONEY)
    pledge = p.pledge_share * member.budget if member.budget > 0 and not gone and pays else 0.0
    when = "(pledged)" if member.state == State.COMMITTED else "once you commit"
    indicators = member.indicators()
    own = indicators.get(member.metric)
    thresholds = (p.commit_threshold, p.share_threshold, p.share_threshold - p.withdraw_margin)
    return {
        "name": seat.name,
        "kind": seat.kind,
        "sector": seat.sector,
        "mission": mission_words(model, member.spec.mission),
        "state": STATE_WORDS[member.state],
        "budget": f"your budget is ${member.budget:.0f}k a {unit}" if member.budget > 0 else "no money of your own",
        "pledge": f"${pledge:.0f}k a {unit} of it goes into the coalition's pool {when}"
        if pledge
        else (
            "none of it goes into the coalition's pool: your organization does not control resources the "
            "coalition can spend (its roles do not include money)"
            if member.budget > 0 and not gone and not pays
            else ""
        ),
        "given": f"{money(float(model.fund.given_by[member.node]))} paid into the pool so far" if pays else "",
        "sharing": bool(member.sharing),
        "trust": round(member.trust_in_coalition, 6),
        # as the page prints it: 0.497 where two decimals would read as the threshold 0.50
        "trust_shown": f"{member.trust_in_coalition:.{decimals(member.trust_in_coalition, *thresholds)}f}",
        # what the trust number means: 0 none, 1 full, and where the organization acts on it
        "trust_scale": "0 is none, 1 full"
        + (
            ""
            if gone
            else f"; on its own, an organization commits at {p.commit_threshold:.2f} and shares records at "
            f"{p.share_threshold:.2f}"
        ),
        "ties": _ties(model, member.node),
        "metric": {
            # reach drawn once: the same people all game, whose circumstances resolve with time
            "name": f"{measure_name(model, member.metric)} among the people you reach"
            + (
                " (the same people all game: some of their problems clear up on their own, so it can fall "
                "even without the coalition)"
                if not p.reach_turnover
                else ""
            ),
            "now": None if own is None else round(float(own), 4),
            "before": metric_before,
        },
        "shared": _shared(model, indicators) if member.adopted_shared_metric else [],
        "waited": round(member.frustration),
        "patience": round(member.patience),
        "progress_margin": p.progress_margin,  # what counts as progress: a new low by this fraction
        "news": _news(model, since, member.name),
    }


def watched_value(model, seat: Seat) -> float | None:
    """The seat's own measure now (``None`` for the convener)."""
    if seat.id == LEADER:
        return None
    member = member_of(model, seat)
    value = member.indicators().get(member.metric)
    return None if value is None else round(float(value), 4)


def _ties(model, node: int) -> list:
    """Trust both ways with each member or the convener it is tied to, most trusted first."""
    labels = {m.node: m.spec.label for m in model.members}
    if model.leader.mode != "none":
        labels[model.leader.node] = model.spec.leader.label
    out = []
    for other in model.space.G.neighbors(node):
        if other in labels:
            mine, theirs = model.trust.get(node, other), model.trust.get(other, node)
            out.append({"who": labels[other], "yours": round(mine, 2), "theirs": round(theirs, 2)})
    return sorted(out, key=lambda t: -t["yours"])


def _shared(model, indicators: dict) -> list:
    """The coalition's shared measures as a member sees them."""
    out = []
    for key, value in indicators.items():
        line = f"{measure_name(model, key)}: {value:.1%}"
        if key < 0:
            line += f" (target {target_percent(model.target_rate)})"
        out.append(line)
    return out


def _news(model, since: int, name: str = "") -> list:
    """Last round's events, the seat's own first, then the others (major ones), newest first."""
    words = words_of(model)
    events = [e for e in reversed(model.events) if e.step > since]
    # about it: what it did ("Housing Authority shared ...") and what befell it ("setback: Housing Authority ...")
    about = re.compile(rf"(?<![\w']){re.escape(name)}(?![\w'])") if name else None
    own = [e for e in events if about and about.search(e.text)]
    others = [e for e in events if not e.minor and e not in own]
    unit = model.spec.header.step_unit
    # the same news week after week ("did not pay what it had promised") once, with its weeks
    seen: dict[str, list] = {}  # text -> [newest week, oldest week, times]
    for e in own + others:
        text = plain(e.text, words, unit)
        if text in seen:
            seen[text][1:] = [e.step, seen[text][2] + 1]
        else:
            seen[text] = [e.step, e.step, 1]
    return [
        f"{unit[0]} {new}: {text}"
        if times == 1  # "this week" said of several weeks: "(3 of those weeks)" instead
        else f"{unit[1]} {old}-{new}: {text.removesuffix(f' this {unit[0]}')} ({times} of those {unit[1]})"
        for text, (new, old, times) in list(seen.items())[:NEWS]
    ]


def _leader(model, seat: Seat, since: int) -> dict:
    leader = model.leader
    table = [
        {
            "who": m.spec.label,
            "state": str(m.state),
            "sharing": bool(m.sharing),
            "trust": round(m.trust_in_coalition, 2),
        }
        for m in model.members
    ]
    cause = dict(words_of(model)).get(model.belief.cause, "")
    present = set(model.roles_at_table())
    missing = [r.chapter for r in ROLE_TABLE if r.name not in present]
    return {
        "name": seat.name,
        "kind": seat.kind,
        "sector": seat.sector,
        "mission": (
            f"Bring everyone who touches {model.people_outcome} to one table: invite them, translate between "
            "their missions, broker small commitments and work on shared measures. You have influence, no authority."
        ),
        "state": "convening" if leader.active else "stopped: you gave up convening",
        "members": table,
        "trust": round(model.mean_trust, 2),
        "rate": f"{model.people_outcome} {percent(model.outcome_rate)} this {model.spec.header.step_unit[0]} "
        f"(target {target_percent(model.target_rate)})",
        "cause": f"the coalition believes the main cause is {cause}" if cause else "no shared diagnosis yet",
        "missing": missing,
        "waited": round(leader.frustration),
        "patience": round(leader.patience),
        "news": _news(model, since),
    }
