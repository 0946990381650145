"""Seeded replicate runs through a process pool, shared by the analysis and the validation.

Replicate ``i`` of a setting is seeded from ``SeedSequence(master, spawn_key=(i,))``, so
settings compared on the same ``master`` share their seeds (common random numbers).
Runs go through a ``ProcessPoolExecutor`` with the "spawn" start method; a script that
calls these with ``workers > 1`` needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np

DEFAULT_WORKERS = 2


def replicate_seeds(n: int, master: int = 0) -> list[int]:
    """``n`` independent integer seeds: seed ``i`` comes from ``SeedSequence(master, spawn_key=(i,))``."""
    return [int(np.random.SeedSequence(master, spawn_key=(i,)).generate_state(1)[0]) for i in range(n)]


def _run_one(job: tuple) -> dict:
    from sim.model.runner import run

    scenario, seed, params = job
    return run(scenario_name=scenario, rng=seed, **params)


def _run_chunk(jobs: list) -> list:
    return [_run_one(job) for job in jobs]


def _chunks(items: list, size: int) -> list:
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_many(jobs: Sequence[tuple], workers: int = DEFAULT_WORKERS, chunk: int = 8) -> list[dict]:
    """Run ``(scenario, seed, params)`` jobs, in order, through a process pool.

    Args:
        jobs: ``(scenario name or path, seed, dict of model keyword parameters)``.
        workers: processes (1 runs in this process).
        chunk: runs sent to a worker at once (a run takes about 0.1 s).

    Returns:
        ``sim.run``'s result dicts, in the order of ``jobs``.

    """
    jobs = list(jobs)
    if workers <= 1 or len(jobs) <= chunk:
        return _run_chunk(jobs)
    # spawn, not fork: forking a process that runs threads is unsafe (and warns)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        out = []
        for part in pool.map(_run_chunk, _chunks(jobs, chunk)):
            out.extend(part)
    return out


def replicates(
    scenario: str = "chicago_absenteeism",
    n: int = 24,
    master: int = 0,
    workers: int = DEFAULT_WORKERS,
    **params,
) -> list[dict]:
    """``n`` seeded replicate runs of one setting (the same seeds for the same ``master``)."""
    return run_many([(scenario, s, params) for s in replicate_seeds(n, master)], workers=workers)


def sweep_settings(
    settings: Iterable[dict], scenario: str = "chicago_absenteeism", n: int = 24, master: int = 0, workers: int = 2
) -> list[list[dict]]:
    """Replicates of several settings in one pool: a list (per setting) of result lists."""
    settings = [dict(s) for s in settings]
    seeds = replicate_seeds(n, master)
    flat = run_many([(scenario, s, p) for p in settings for s in seeds], workers=workers)
    return [flat[i * n : (i + 1) * n] for i in range(len(settings))]
