"""A pyabc sampler that runs on the sweep engine's executors, with the model's seed formula.

pyabc's own :class:`pyabc.sampler.ConcurrentFutureSampler` accepts any
``concurrent.futures.Executor`` but reseeds every worker from the operating system, so a
calibration cannot be repeated. :class:`SeededSampler` sends jobs through
:func:`sim.runs.executors.dispatch` (a process pool, this process, or a Dask cluster, with
dead workers' jobs rerun) and gives simulation ``j`` of generation ``t`` the run id
``(t + 1) * STRIDE + j`` and the seed :func:`sim.runs.design.run_seed` of that id: it seeds
the proposal (pyabc draws from numpy's global generator) and the model run. The accepted
sample is the one pyabc's sampler takes, the first ``n`` accepted simulations in job order,
so it never depends on which worker finished first: the same seed gives the same posterior.
"""

from __future__ import annotations

import functools
import random
from typing import cast

import numpy as np
from pyabc.sampler import Sampler

from sim.runs.design import run_seed
from sim.runs.executors import WorkerPool, dispatch

STRIDE = 10**9  # run ids per generation
_current: dict[str, int | None] = {"seed": None}


def current_seed() -> int:
    """The seed of the simulation running in this process (set by the sampler's jobs)."""
    seed = _current["seed"]
    if seed is None:
        raise RuntimeError("no calibration job is running in this process")
    return seed


@functools.lru_cache(maxsize=4)
def _loads(blob: bytes):
    import cloudpickle  # type: ignore[import-untyped]

    return cloudpickle.loads(blob)


def simulate_jobs(blob: bytes, seeds: list[int]) -> list:
    """Run pyabc's ``simulate_one`` once per seed (in a worker); a list of particles."""
    simulate_one = _loads(blob)
    out = []
    for seed in seeds:
        np.random.seed(seed % 2**32)
        random.seed(seed)
        _current["seed"] = seed
        try:
            out.append(simulate_one())
        finally:
            _current["seed"] = None
    return out


class KeepOpen:
    """The pool as :func:`dispatch` sees it, left open between generations.

    ``dispatch`` closes its pool when it returns (``wait=True``) or fails (``wait=False``);
    here only a failure closes it, so every generation reuses the same workers.
    """

    def __init__(self, pool: WorkerPool):
        self.pool = pool

    @classmethod
    def around(cls, pool: WorkerPool) -> WorkerPool:
        """``pool`` wrapped, typed as the pool it stands for."""
        return cast(WorkerPool, cls(pool))

    def __getattr__(self, name):
        return getattr(self.pool, name)

    def close(self, wait: bool = True) -> None:
        """Close the pool only after a failure (``wait=False``)."""
        if not wait:
            self.pool.close(wait=False)


class SeededSampler(Sampler):
    """Samples pyabc generations on a :class:`WorkerPool`, seeded from ``master``.

    Args:
        pool: where the simulations run.
        master: the calibration's master seed.
        batch: simulations per job.
        progress: called with ``(t, accepted, evaluated)`` after each finished job.
    """

    def __init__(self, pool: WorkerPool, master: int, batch: int = 2, progress=None):
        super().__init__()
        self.pool = pool
        self.master = int(master)
        self.batch = max(1, int(batch))
        self.progress = progress

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        """The first ``n`` accepted simulations of generation ``t``, in job order."""
        import cloudpickle

        blob = cloudpickle.dumps(simulate_one)
        base = (t + 1) * STRIDE
        results: dict[int, object] = {}
        state = {"next": 0, "accepted": 0}

        def chunks():
            while state["accepted"] < n:
                first = state["next"]
                state["next"] += self.batch
                yield list(range(first, first + self.batch))

        def task(ids):
            return simulate_jobs, blob, [run_seed(self.master, base + j) for j in ids]

        def done(ids, particles):
            for j, particle in zip(ids, particles, strict=True):
                results[j] = particle
                state["accepted"] += bool(particle.accepted)
            if self.progress is not None:
                self.progress(t, state["accepted"], len(results))

        dispatch(KeepOpen.around(self.pool), chunks(), task, done)
        sample = self._create_empty_sample()
        accepted = 0
        for j in sorted(results):
            sample.append(results[j])
            accepted += bool(results[j].accepted)
            if accepted == n:
                self.nr_evaluations_ = j + 1
                break
        return sample

    def stop(self) -> None:
        """Called by pyabc at the end of a run; the pool is closed by its owner."""
