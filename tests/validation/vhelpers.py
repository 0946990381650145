"""Shared helpers of the validation suite: seeded replicates, cached, and their effect sizes.

Every setting is run with the same seeds (``run_seed(MASTER, i)``, the sweep's formula), so
arms are paired (common random numbers) and every number in these tests is reproducible.
Claims are judged on continuous effect sizes with intervals (:mod:`sim.runs.claims`); the
yes/no goal is reported beside them.
"""

from __future__ import annotations

import os

from sim.runs.claims import Contrast, Effect, measure
from sim.runs.replicates import replicate_seeds, run_many

MASTER = 0
N = 24
# a process pool of two, unless pytest-xdist already runs tests side by side (make validation)
WORKERS = 0 if os.environ.get("PYTEST_XDIST_WORKER") else 2
_CACHE: dict = {}


def _key(scenario: str, setting: dict, n: int) -> tuple:
    return scenario, tuple(sorted(setting.items())), n


def results(settings: list[dict], n: int = N, scenario: str = "chicago_absenteeism") -> list[list[dict]]:
    """Replicate runs (``n`` seeds each) of several settings, each run once per session."""
    seeds = replicate_seeds(n, MASTER)
    todo = [s for s in settings if _key(scenario, s, n) not in _CACHE]
    if todo:
        flat = run_many([(scenario, seed, s) for s in todo for seed in seeds], workers=WORKERS)
        for i, s in enumerate(todo):
            _CACHE[_key(scenario, s, n)] = flat[i * n : (i + 1) * n]
    return [_CACHE[_key(scenario, s, n)] for s in settings]


def effects(contrasts: list[Contrast], n: int = N) -> list[Effect]:
    """Each contrast measured over ``n`` paired replicates (all arms run in one pool)."""
    by_scenario: dict = {}
    for c in contrasts:
        by_scenario.setdefault(c.scenario, []).extend([c.better, c.worse])
    for scenario, settings in by_scenario.items():
        unique = [dict(t) for t in dict.fromkeys(tuple(sorted(s.items())) for s in settings)]
        results(unique, n, scenario)
    out = []
    for c in contrasts:
        better, worse = results([c.better, c.worse], n, c.scenario)
        out.append(measure(c, better, worse))
    return out


def describe(effect: Effect) -> str:
    """One line of measured numbers, for assertion messages."""
    c = effect.contrast
    sig = ", ".join(f"{k} {v}" for k, v in effect.signature.items())
    return (
        f"{c.scenario}: {c.claim} ({c.label}): {c.measure} difference {effect.difference}, "
        f"A {effect.a_measure.value:.2f}; P(goal) {effect.goal_better.value:.2f} vs "
        f"{effect.goal_worse.value:.2f}; {sig}"
    )
