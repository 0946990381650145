"""The floors the model is measured against.

* :class:`BareModel`: a bare Mesa model with the same number of agents as the coalition
  model, each agent's step one attribute update, a DataCollector with 7 model reporters,
  and each step one outcome draw over ``n_people`` people with 6 circumstances,
  ``rng.random(N) < sigmoid(X @ w)``.
* :func:`outcome_draws`: the irreducible vectorized work of a city run, the same draw
  alone, ``steps`` times. ``X`` is float64, so no conversion is counted in the floor.
"""

from __future__ import annotations

import numpy as np
from mesa import Agent, DataCollector, Model

K = 6


class Counter(Agent):
    """An agent whose step is one attribute update."""

    def __init__(self, model):
        super().__init__(model)
        self.count = 0

    def step(self):
        """One attribute update."""
        self.count += 1


def _rate(model):
    return model.rate


def _steps(model):
    return model.steps


def _count(model):
    return model.counted


def _one(model):
    return 1.0


def _agents(model):
    return model.n_agents


def _people(model):
    return model.n_people


def _zero(model):
    return 0


REPORTERS = {
    "rate": _rate,
    "steps": _steps,
    "count": _count,
    "one": _one,
    "agents": _agents,
    "people": _people,
    "zero": _zero,
}


class BareModel(Model):
    """The teaching-run floor: bare Mesa plus one outcome draw per step.

    Args:
        n_agents: agents (each step: one attribute update).
        n_people: people whose outcome is drawn each step.
        rng: seed.
    """

    def __init__(self, n_agents: int = 12, n_people: int = 3000, rng=None):
        super().__init__(rng=rng)
        self.n_agents, self.n_people = n_agents, n_people
        for _ in range(n_agents):
            Counter(self)
        self.x = (self.rng.random((n_people, K)) < 0.1).astype(float)
        self.w = self.rng.normal(0.0, 1.0, K)
        self.rate = 0.0
        self.counted = 0
        self.datacollector = DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)

    def step(self):
        """Agents update, one outcome draw, collect."""
        self.agents.shuffle_do("step")
        outcome = self.rng.random(self.n_people) < 1.0 / (1.0 + np.exp(-(self.x @ self.w)))
        self.rate = float(outcome.mean())
        self.counted += 1
        self.datacollector.collect(self)


def bare_run(n_agents: int, n_people: int, steps: int, seed: int = 0) -> BareModel:
    """Build and run the bare floor model for ``steps`` steps."""
    model = BareModel(n_agents, n_people, rng=seed)
    for _ in range(steps):
        model.step()
    return model


def outcome_draws(n_people: int, steps: int, seed: int = 0) -> float:
    """``steps`` outcome draws over ``n_people`` with 6 circumstances; returns the last rate."""
    rng = np.random.default_rng(seed)
    x = (rng.random((n_people, K)) < 0.1).astype(float)
    w = rng.normal(0.0, 1.0, K)
    rate = 0.0
    for _ in range(steps):
        rate = float((rng.random(n_people) < 1.0 / (1.0 + np.exp(-(x @ w)))).mean())
    return rate
