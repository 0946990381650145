"""The debrief: the class's run beside the same seed played by the model alone; each choice beside its organization's.

:class:`Counterfactuals` keeps two more models of the same scenario and seed, one with
the model's own agents in every seat and one with no leader, at the class's week (they
catch up after each round, off the round's critical path). Each round, each member's state
is written down in all three runs, so the debrief can say "the Housing Authority committed
in round 2 in your run, in round 4 in the model's". :func:`debrief` puts it all together
as plain, JSON-ready values.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from sim.classroom.inclination import agrees
from sim.classroom.seats import LEADER, Question
from sim.model.model import CoalitionModel
from sim.viz.charts_svg import Run, compare_svg, money
from sim.viz.view import View

CLASS = "your class"
ALTERNATIVES = {"the model's own agents": {}, "the model, no leader": {"leader": "none"}}


@dataclass(frozen=True)
class Choice:
    """One answer a student gave, beside the one its organization leans to on its own."""

    round: int
    player: str
    seat: str
    field: str
    ask: str
    answer: str
    model: str
    agrees: bool
    reason: str


def compare(published, player: str, seat: str, asked, answers: dict) -> list[Choice]:
    """A student's answers (``player``: their token) beside what their organization leans to on its own."""
    out = []
    for q in asked:
        if q.field not in answers:
            continue
        leaning = published.inclination(seat, q.field)
        out.append(
            Choice(
                published.number,
                player,
                seat,
                q.field,
                q.ask,
                _words(q, answers[q.field]),
                _words(q, leaning.value),
                agrees(answers[q.field], leaning),
                leaning.reason,
            )
        )
    return out


def _words(question: Question, value) -> str:
    """An answer in the page's words."""
    if question.options:
        labels = dict(question.options)
        return ", ".join(labels[n] for n in sorted(value)) or "nobody"
    return dict(question.answers).get(value, str(value))


def record_round(model, timeline: dict) -> None:
    """Append each member's state (and whether it shares records) to its ``timeline`` list."""
    for m in model.members:
        timeline.setdefault(m.name, []).append((str(m.state), bool(m.sharing)))


class Counterfactuals:
    """The same scenario and seed without the class: the model's own agents, and no leader.

    Args:
        scenario_name: the class's scenario.
        seed: the class's seed.
        params: the class's model keywords (``steps`` included).
        weeks_per_round: weeks in a round (the timelines are written once a round).
    """

    def __init__(self, scenario_name, seed: int, params: dict, weeks_per_round: int):
        self.lock = threading.Lock()
        self.weeks_per_round = weeks_per_round
        self.models = {
            name: CoalitionModel(scenario_name, rng=seed, **(params | extra)) for name, extra in ALTERNATIVES.items()
        }
        self.timelines: dict[str, dict] = {name: {} for name in ALTERNATIVES}
        for name, model in self.models.items():
            record_round(model, self.timelines[name])

    def catch_up(self, week: int) -> None:
        """Step both runs to ``week`` (or their end), writing their timelines each round."""
        with self.lock:
            for name, model in self.models.items():
                while model.steps < week and model.running:
                    model.step()
                    if model.steps % self.weeks_per_round == 0 or not model.running:
                        record_round(model, self.timelines[name])


def summary(model) -> dict:
    """A run at its current week, in the debrief's words."""
    goal = model.steps_to_goal
    return {
        "week": model.steps,
        "rate": f"{model.outcome_rate:.1%}",
        "expected": f"{model.expected_rate:.1%}",
        "committed": f"{model.coalition_size} of {len(model.members)}",
        "sharing": model.sharing_count,
        "left": model.exits,
        "money": money(model.money_spent),
        "trust": f"{model.mean_trust:.2f}",
        "goal": f"reached in {model.spec.header.step_unit[0]} {goal}" if goal is not None else "not reached",
    }


def milestones(timeline: list) -> str:
    """When a member came to the table, committed, shared and left, by round, in words."""
    events = []
    for label, reached in (
        ("at the table", lambda s, _: s in ("at the table", "committed")),
        ("committed", lambda s, _: s == "committed"),
        ("shared records", lambda _, sharing: sharing),
        ("left", lambda s, _: s == "left"),
    ):
        first = next((i for i, (state, sharing) in enumerate(timeline) if reached(state, sharing)), None)
        if first is not None:
            events.append(f"{label} {'from the start' if first == 0 else f'in round {first}'}")
    return ", ".join(events) or "stayed outside"


def debrief(model, view: View, seats: tuple, timeline: dict, counter: Counterfactuals, choices: list) -> dict:
    """Everything the debrief shows, for the teacher's page and each student's."""
    counter.catch_up(model.steps)
    runs = [(CLASS, model, timeline)] + [(n, counter.models[n], counter.timelines[n]) for n in ALTERNATIVES]
    chart = compare_svg(
        [
            # the debrief is the end: a game ended early is not "so far" (its axis spans the weeks played)
            Run(name, _expected(m, model.steps), m.steps_to_goal, True, current=name == CLASS)
            for name, m, _ in runs
        ],
        # ended early: the axis spans the weeks played, not the whole horizon
        replace(view, horizon=max(1, min(view.horizon, model.steps))),
    )
    members = [s for s in seats if s.id != LEADER]
    return {
        "week": model.steps,
        "runs": [{"name": name} | summary(m) for name, m, _ in runs],
        "chart": chart,
        "seats": {
            s.id: {"name": s.name, "runs": {name: milestones(t.get(s.name, [])) for name, _, t in runs}}
            for s in members
        },
        "choices": choices_by_player(choices),
    }


def choices_by_player(choices: list) -> dict:
    """Each student's answers beside their organization's, with how many agreed."""
    out: dict = {}
    for c in choices:
        mine = out.setdefault(c.player, {"agreed": 0, "total": 0, "lines": []})
        mine["total"] += 1
        mine["agreed"] += c.agrees
        mine["lines"].append(
            {
                "round": c.round,
                "ask": c.ask,
                "answer": c.answer,
                "model": c.model,
                "agrees": c.agrees,
                "reason": c.reason,
            }
        )
    return out


def _expected(model, weeks: int) -> tuple:
    return tuple(float(v) for v in model.datacollector.model_vars["expected_rate"][: weeks + 1])
