"""The do-nothing baseline: the people's circumstances and outcome with no coalition at all.

Only the people's dynamics run (:class:`sim.model.people.People`): circumstances come and
go, ``raises`` make some likelier, and the outcome's expected rate (its probability, without
the weekly draw's noise) is read every week. A circumstance's ``prevalence`` in a scenario
is its steady state *without* ``raises``; with them the real shares are higher, and this is
where to see by how much, and how far the target lies below what happens anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.people import People

PEOPLE = 50_000  # shares are estimated on this many people, whatever the scenario's size (s.e. < 0.25 points)
MAX_SETTLE = 5_200  # weeks simulated at most to find the steady state


@dataclass(frozen=True)
class CircumstanceBaseline:
    """One circumstance without a coalition: its stated and simulated shares."""

    name: str
    stated: float  # the scenario's prevalence (steady state without raises)
    start: float  # share in week 0
    end: float  # share at the horizon
    steady: float  # long-run share, raises included
    weight: float


@dataclass(frozen=True)
class Baseline:
    """The outcome's expected rate with nobody acting (see the module)."""

    people: int
    horizon: int
    settle_weeks: int
    start: float
    end: float
    steady: float
    floor: float  # expected rate if nobody had any circumstance
    circumstances: tuple


def do_nothing(scenario, steps: int | None = None, people: int | None = None, seed: int = 0) -> Baseline:
    """Simulate the people of ``scenario`` with no coalition.

    Args:
        scenario: a :class:`sim.scenario.Scenario`.
        steps: the horizon (default: the scenario's).
        people: how many people to simulate (default :data:`PEOPLE`).
        seed: the random seed.
    """
    pop = scenario.population
    horizon = steps or scenario.steps
    n = people or PEOPLE
    group = People(pop, n, np.random.default_rng(seed))
    longest = max(c.duration for c in pop.circumstances)
    weeks = max(horizon, min(math.ceil(5 * longest), MAX_SETTLE))
    tail = max(26, weeks // 10)
    rate_list, share_list = [group.expected_rate()], [group.prevalence()]
    for _ in range(weeks):
        group.change()
        group.draw_outcomes()
        rate_list.append(group.expected_rate())
        share_list.append(group.prevalence())
    rates, shares = np.array(rate_list), np.array(share_list)
    steady_shares = shares[-tail:].mean(axis=0)
    circumstances = tuple(
        CircumstanceBaseline(
            name=c.name,
            stated=c.prevalence,
            start=float(shares[0, i]),
            end=float(shares[horizon, i]),
            steady=float(steady_shares[i]),
            weight=c.weight,
        )
        for i, c in enumerate(pop.circumstances)
    )
    return Baseline(
        people=n,
        horizon=horizon,
        settle_weeks=weeks,
        start=float(rates[0]),
        end=float(rates[horizon]),
        steady=float(rates[-tail:].mean()),
        floor=floor_rate(pop),
        circumstances=circumstances,
    )


def floor_rate(pop) -> float:
    """The expected rate if nobody had any circumstance: where clearing them all would take it."""
    return float(1 / (1 + math.exp(-pop.baseline)))
