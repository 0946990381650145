"""Seeded replicates of several settings, in memory, through the sweep engine's executors.

Replicate ``i`` of every setting is seeded with :func:`sim.runs.design.run_seed` of
``(master, i)``, the sweep's one seed formula, so settings compared on the same ``master``
share their seeds (common random numbers) and a sweep's run ``i`` with the same master
seed is the same run. Chunks go to a :class:`sim.runs.executors.WorkerPool` (a local
process pool, this process with ``workers=0``, or a Dask cluster) by
:func:`sim.runs.executors.dispatch`, as a sweep's do. A script that runs these with
``workers > 0`` needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from sim.runs.design import run_seed
from sim.runs.executors import WorkerPool, dispatch

DEFAULT_WORKERS = 2


def replicate_seeds(n: int, master: int = 0) -> list[int]:
    """The seeds of replicates ``0 .. n-1``: ``run_seed(master, i)``."""
    return [run_seed(master, i) for i in range(n)]


def _run_jobs(jobs: list) -> list:
    from sim.model.runner import run_uncensored

    return [run_uncensored(scenario_name=scenario, rng=seed, **params) for scenario, seed, params in jobs]


def run_many(
    jobs: Sequence[tuple], workers: int = DEFAULT_WORKERS, scheduler: str | None = None, chunk: int | None = None
) -> list[dict]:
    """Run ``(scenario, seed, params)`` jobs; their results in the order of ``jobs``.

    The results are ``sim.model.runner.run_uncensored``'s: ``sim.run``'s, with the weeks of
    events that never happened as None, so that averages over runs leave them out.

    Args:
        jobs: ``(scenario name, path or Scenario, seed, dict of model keyword parameters)``.
        workers: local processes (0 runs in this process); ignored with ``scheduler``.
        scheduler: a Dask scheduler address.
        chunk: runs sent to a worker at once (default: enough chunks to keep every worker busy).
    """
    jobs = list(jobs)
    if not jobs:
        return []
    pool = WorkerPool(0 if len(jobs) <= 4 else workers, scheduler)
    size = chunk or max(1, min(8, math.ceil(len(jobs) / (4 * max(pool.workers, 1)))))
    chunks = (list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size))
    out: list = [None] * len(jobs)

    def done(chunk: list[int], results: list) -> None:
        for i, result in zip(chunk, results, strict=True):
            out[i] = result

    dispatch(pool, chunks, lambda chunk: (_run_jobs, [jobs[i] for i in chunk]), done)
    return out


def replicates(
    scenario="chicago_absenteeism", n: int = 24, master: int = 0, workers: int = DEFAULT_WORKERS, **params
) -> list[dict]:
    """``n`` seeded replicate runs of one setting (the same seeds for the same ``master``)."""
    return run_many([(scenario, s, params) for s in replicate_seeds(n, master)], workers=workers)


def sweep_settings(
    settings: Iterable[dict], scenario="chicago_absenteeism", n: int = 24, master: int = 0, workers: int = 2
) -> list[list[dict]]:
    """Replicates of several settings in one pool: a list (per setting) of result lists."""
    settings = [dict(s) for s in settings]
    seeds = replicate_seeds(n, master)
    flat = run_many([(scenario, s, p) for p in settings for s in seeds], workers=workers)
    return [flat[i * n : (i + 1) * n] for i in range(len(settings))]
