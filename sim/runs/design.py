"""Design points and runs: which parameter values and which seed each ``run_id`` gets.

Run ids come in replicate-major blocks: with ``P`` design points, run ``i`` is replicate
``i // P`` of design point ``i % P``, seeded from ``numpy.random.SeedSequence(seed,
spawn_key=(i,))`` (with ``common_seeds``, ``spawn_key=(i // P,)``: replicate ``r`` of every
point shares one seed). Everything is computed from ``i`` alone, so any worker, shard or rerun
gives run ``i`` the same values and seed; and raising ``replicates`` (3 to 20) only adds
run ids after the existing ones, so the runs already on disk keep their ids and seeds.

Lists under lhs or sobol are options, sampled uniformly: the sampler draws a number in
``[0, k)`` for ``k`` options and the run takes option ``floor(x)``.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.params import PARAMETERS
from sim.runs.extras import require
from sim.runs.spec import Range, SweepSpec, n_points


def run_seed(master: int, run_id: int) -> int:
    """The integer seed of run ``run_id``: drawn from ``SeedSequence(master, spawn_key=(run_id,))``.

    It equals what :func:`sim.seeding.normalize_rng` makes of that SeedSequence, so
    ``sim.run(rng=seed)`` reproduces the run.
    """
    state = np.random.SeedSequence(master, spawn_key=(run_id,)).generate_state(2, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


class Design:
    """The design points of a spec.

    Args:
        spec: a checked sweep spec.
    """

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.names = list(spec.parameters)
        self.n_points = n_points(spec)
        self.n_runs = self.n_points * spec.replicates
        self._matrix = None if spec.design == "grid" else self._sample()

    def _bounds(self) -> list:
        out = []
        for name in self.names:
            values = self.spec.parameters[name]
            out.append([values.min, values.max] if isinstance(values, Range) else [0.0, float(len(values))])
        return out

    def _sample(self) -> np.ndarray:
        spec = self.spec
        if spec.design == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(self.names), rng=np.random.default_rng(spec.seed)).random(spec.samples)
            lo, hi = np.array(self._bounds()).T
            return lo + unit * (hi - lo)
        require("SALib", 'design = "sobol"')
        from SALib.sample import sobol

        return sobol.sample(self.problem(), spec.samples, calc_second_order=spec.second_order, seed=spec.seed)

    def problem(self) -> dict:
        """The SALib problem dict of a lhs or sobol design (options span ``[0, k)``)."""
        return {"num_vars": len(self.names), "names": self.names, "bounds": self._bounds()}

    def point(self, j: int) -> dict:
        """Varied parameter values of design point ``j``."""
        if self._matrix is None:
            values = {}
            for name in reversed(self.names):  # first parameter varies slowest
                options = self.spec.parameters[name]
                j, k = divmod(j, len(options))
                values[name] = options[k]
            return {n: values[n] for n in self.names}
        out = {}
        for name, x in zip(self.names, self._matrix[j], strict=True):
            values = self.spec.parameters[name]
            if not isinstance(values, Range):
                out[name] = values[min(int(x), len(values) - 1)]
            else:
                out[name] = int(round(float(x))) if PARAMETERS[name].kind == "int" else float(x)
        return out

    def run(self, run_id: int) -> dict:
        """Everything a worker needs for run ``run_id``: ids, seed and the varied and fixed parameters."""
        rep, point = divmod(run_id, self.n_points)
        return {
            "run_id": run_id,
            "point_id": point,
            "replicate": rep,
            # common seeds: replicate i of every point is one draw of chance, so points differ by their parameters alone
            "seed": run_seed(self.spec.seed, rep if self.spec.common_seeds else run_id),
            "params": {**self.point(point), **self.spec.fixed},
        }


def mismatch(design: Design, row: dict, seed: bool = True) -> str:
    """The first of a stored run's ids, seed or parameters that ``design`` does not plan for its run ("" if none).

    A part of another sweep (another seed, other values) holds run_ids this sweep plans too;
    only its seeds and parameters tell it apart. ``seed=False`` leaves the seed out (drawing it
    costs a SeedSequence).
    """
    run_id = int(row["run_id"])
    if not 0 <= run_id < design.n_runs:
        return ""  # beyond the design: said elsewhere, with the run_id
    rep, point = divmod(run_id, design.n_points)
    expected: dict = {"point_id": point, "replicate": rep}
    if seed:
        expected["seed"] = design.run(run_id)["seed"]
    expected.update(design.point(point))
    expected.update(design.spec.fixed)
    for name, value in expected.items():
        if name not in row:
            continue
        got = row[name]
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (got, value))
        if not (math.isclose(got, value, rel_tol=1e-12, abs_tol=0.0) if numbers else got == value):
            return f"{name} {got!r}, where this sweep's run {run_id} has {value!r}"
    return ""


def shard_range(n_runs: int, shard: tuple[int, int] | None) -> range:
    """The contiguous block of run_ids of shard ``(i, n)`` (0-based ``i``), or all runs."""
    if shard is None:
        return range(n_runs)
    i, n = shard
    return range(n_runs * i // n, n_runs * (i + 1) // n)


def chunked(runs: range, size: int, done: np.ndarray | None = None, points: int = 1):
    """Lists of at most ``size`` run_ids of ``runs`` not in ``done``, each taking every m-th of them.

    Each chunk samples the whole design rather than a few neighbouring points, so chunks
    cost about the same and the last ones do not leave workers idle (neighbouring points,
    e.g. high patience and trust, can take twice as long as others). The stride m is the
    fewest chunks of ``size`` made prime to ``points``: run ``r`` is design point ``r % points``,
    so a stride that ``points`` divides gave each chunk one point (8 points, 240 runs, chunks
    of 30: a killed sweep kept whole points, not replicates of every point). Chunks are made
    one at a time from the runs still to do, never from a list of them: a sweep of fifty
    million runs holds one chunk's ids and the finished ones' index (8 bytes a run), not the plan.

    Args:
        runs: the run_ids to run, a contiguous block (a shard's, or all).
        size: the most run_ids a chunk.
        done: run_ids already on disk, sorted (left out).
        points: the design's number of points (``run_id % points`` is a run's point).
    """
    if runs.step != 1:
        raise ValueError("chunked: runs must be a contiguous range")
    d = np.empty(0, dtype=np.int64) if done is None else np.asarray(done, dtype=np.int64)
    d = d[np.searchsorted(d, runs.start) : np.searchsorted(d, runs.stop)]  # a view: sorted
    # ahead[i]: how many runs still to do come before the i-th finished one (never decreasing)
    ahead = d - runs.start
    ahead -= np.arange(d.size)
    todo = len(runs) - d.size
    m = math.ceil(todo / size) if todo else 0
    while m and math.gcd(m, max(points, 1)) != 1 and m < todo:
        m += 1
    for j in range(m):
        k = np.arange(j, todo, m)  # positions among the runs still to do
        yield (runs.start + k + np.searchsorted(ahead, k, side="right")).tolist()


def auto_chunk_size(n_todo: int, workers: int, seconds_per_run: float = 0.07) -> int:
    """Chunks of a few seconds, but enough of them to keep every worker busy and show progress."""
    by_time = max(1, math.ceil(3.0 / max(seconds_per_run, 1e-3)))
    by_balance = max(1, math.ceil(n_todo / (4 * max(workers, 1))))
    return max(1, min(by_time, by_balance))
