"""Shared helpers of the validation suite: cached seeded replicates and small statistics.

Every setting is run with the same seeds (``sim.analysis.replicate_seeds(n, MASTER)``),
so comparisons between settings are paired (common random numbers) and every number in
these tests is reproducible. Runs go through a pool of two processes.
"""

from __future__ import annotations

import numpy as np

from sim.runs.replicates import replicate_seeds, run_many

MASTER = 0
WORKERS = 2
_CACHE: dict = {}


def _key(scenario: str, setting: dict, n: int) -> tuple:
    return scenario, tuple(sorted(setting.items())), n


def results(settings: list[dict], n: int, scenario: str = "chicago_absenteeism") -> list[list[dict]]:
    """Replicate runs (``n`` seeds each) of several settings, each run once per session."""
    seeds = replicate_seeds(n, MASTER)
    todo = [s for s in settings if _key(scenario, s, n) not in _CACHE]
    if todo:
        flat = run_many([(scenario, seed, s) for s in todo for seed in seeds], workers=WORKERS)
        for i, s in enumerate(todo):
            _CACHE[_key(scenario, s, n)] = flat[i * n : (i + 1) * n]
    return [_CACHE[_key(scenario, s, n)] for s in settings]


def success(runs: list[dict]) -> float:
    """Share of runs that reached the goal."""
    return float(np.mean([bool(r["goal_reached"]) for r in runs]))


def mean(runs: list[dict], key: str) -> float:
    """Mean of a run result over replicates."""
    return float(np.mean([float(r[key]) for r in runs]))


def clearly_more(a: list[dict], b: list[dict], alpha: float = 0.05) -> bool:
    """True when runs ``a`` reach the goal more often than runs ``b``, significantly.

    One-sided Fisher exact test on the two success counts, at level ``alpha``.
    """
    from scipy.stats import fisher_exact

    wins_a, wins_b = (sum(bool(r["goal_reached"]) for r in runs) for runs in (a, b))
    table = [[wins_a, len(a) - wins_a], [wins_b, len(b) - wins_b]]
    return bool(fisher_exact(table, alternative="greater").pvalue < alpha)


def clearly_lower(a: list[dict], b: list[dict], key: str = "final_rate", alpha: float = 0.01) -> bool:
    """True when ``key`` is lower over runs ``a`` than over runs ``b``, significantly.

    One-sided Mann-Whitney U test at level ``alpha``.
    """
    from scipy.stats import mannwhitneyu

    values = ([float(r[key]) for r in runs] for runs in (a, b))
    return bool(mannwhitneyu(*values, alternative="less").pvalue < alpha)


def describe(label: str, runs: list[dict]) -> str:
    """One line of measured numbers, for assertion messages."""
    keys = ("final_rate", "diagnosis_accuracy", "reach", "uptake", "money_spent", "system_changes", "exits")
    parts = [f"P(goal)={success(runs):.2f}"] + [f"{k}={mean(runs, k):.3g}" for k in keys]
    return f"{label}: " + " ".join(parts)


def accuracy_by_sharing(seeds=range(6)) -> tuple[list, list]:
    """Diagnosis accuracy in the weeks of default runs with one owner sharing, and with 3 or more."""
    from sim.model.model import CoalitionModel

    one, many = [], []
    for seed in seeds:
        model = CoalitionModel(rng=seed)
        while model.running:
            model.step()
        df = model.datacollector.get_model_vars_dataframe()
        one += list(df.diagnosis_accuracy[df.sharing_count == 1])
        many += list(df.diagnosis_accuracy[df.sharing_count >= 3])
    return one, many
