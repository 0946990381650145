"""The sweep engine: fixed run_ids, chunks through an Executor, one Parquet part per chunk.

:func:`run_sweep` is what ``coalition sweep`` calls. Results never depend on the number of
workers, the scheduler, the shard split or interruptions: run ``i`` always gets the same
parameters and seed (:mod:`sim.sweep.design`), and a rerun skips every run_id on disk.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.sweep.design import Design, auto_chunk_size, chunked, shard_range
from sim.sweep.spec import SweepSpec
from sim.sweep.storage import build_schema, check_or_write_manifest, clean_temporary, done_run_ids, write_part

MAX_RESTARTS = 5


class SweepError(RuntimeError):
    """A sweep that cannot go on (workers keep dying, the model fails)."""


@dataclass
class SweepReport:
    """What a call of :func:`run_sweep` did."""

    out: Path
    total: int
    in_shard: int
    already_done: int
    ran: int
    parts: int
    seconds: float
    restarts: int


def run_chunk(runs: list[dict], scenario: str, steps: int | None, run_fn=None) -> list[dict]:
    """Run one chunk in a worker; one flat row per run (ids, seed, parameters, outcomes)."""
    if run_fn is None:
        from sim.runner import run as run_fn
    rows = []
    for r in runs:
        result = run_fn(scenario_name=scenario, steps=steps, rng=r["seed"], **r["params"])
        rows.append(
            {
                "run_id": r["run_id"],
                "point_id": r["point_id"],
                "replicate": r["replicate"],
                "seed": r["seed"],
                **r["params"],
                **result,
            }
        )
    return rows


def _retryable() -> tuple:
    kinds = [BrokenProcessPool]
    try:
        from distributed import KilledWorker

        kinds.append(KilledWorker)
    except ImportError:
        pass
    return tuple(kinds)


class _Pool:
    """A process pool, or a Dask cluster's executor when a scheduler address is given."""

    def __init__(self, workers: int | None, scheduler: str | None):
        self.scheduler = scheduler
        self.client = None
        if scheduler:
            from distributed import Client

            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as err:
                from sim.cli import UsageError

                raise UsageError(f"--scheduler {scheduler}: cannot connect: {err}") from None
            self.workers = max(1, sum(self.client.nthreads().values()))
        else:
            self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.executor = None
        self.restart()

    def restart(self) -> None:
        """A fresh executor (after a worker process died and broke the pool)."""
        if self.client is not None:
            self.executor = self.client.get_executor(pure=False)
            return
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
        if self.workers == 0:
            self.executor = _InlineExecutor()
            return
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if hasattr(ctx, "set_forkserver_preload"):
            ctx.set_forkserver_preload(["sim.sweep.engine", "sim.runner"])
        self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def close(self) -> None:
        """Stop the workers (and disconnect from Dask)."""
        if self.client is not None:
            self.executor.shutdown(wait=False)  # ClientExecutor: cancels what is still queued
            self.client.close()
        elif self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


class _InlineExecutor(Executor):
    """Runs each task at once in this process (``workers=0``: no pool to start, for tiny sweeps)."""

    def submit(self, fn, /, *args, **kwargs):
        fut = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as err:
            fut.set_exception(err)
        return fut


def _progress(total: int, initial: int, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc="sweep", file=sys.stderr, smoothing=0.1)


def run_sweep(
    spec: SweepSpec,
    out,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    shard: tuple[int, int] | None = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    run_fn=None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``.

    Args:
        spec: the checked spec (with any command-line overrides applied).
        out: the sweep directory; ``out/runs`` gets the Parquet parts, ``out/manifest.json`` the spec.
        workers: processes of the local pool (default: every core; 0: run in this process);
            ignored with ``scheduler``.
        scheduler: a Dask scheduler address, e.g. ``tcp://127.0.0.1:8786``.
        shard: ``(i, n)``: run only the i-th of n contiguous blocks of run_ids (0-based i).
        chunk_size: runs per chunk (default: a few seconds' worth).
        progress: show a progress bar (default: when stderr is a terminal).
        run_fn: the function run per run (default :func:`sim.run`); must pickle.

    Returns:
        A :class:`SweepReport`.

    Raises:
        ScenarioError: the directory was started with another spec.
        SweepError: workers kept dying, or a run failed.
    """
    started = time.perf_counter()
    out = Path(out)
    runs_dir = out / "runs"
    design = Design(spec)
    first = design.run(0)
    probe = (run_fn or _default_run)(scenario_name=spec.scenario, steps=1, rng=first["seed"], **first["params"])
    schema = build_schema(list(first["params"]), probe)
    columns = [f"{f.name}: {f.type}" for f in schema]
    check_or_write_manifest(out, spec.to_dict(), {"n_runs": design.n_runs, "columns": columns})
    _check_columns(out, columns)
    clean_temporary(runs_dir)
    runs = shard_range(design.n_runs, shard)
    done = done_run_ids(runs_dir)
    already = int(np.count_nonzero((done >= runs.start) & (done < runs.stop))) if len(runs) else 0
    n_todo = len(runs) - already
    report = SweepReport(out, design.n_runs, len(runs), already, 0, 0, 0.0, 0)
    if n_todo == 0:
        report.seconds = time.perf_counter() - started
        return report
    todo = (i for i in runs if not _contains(done, i))
    pool = _Pool(workers, scheduler)
    size = chunk_size or auto_chunk_size(n_todo, pool.workers, 0.15 * (spec.steps or 156) / 156)
    chunks = chunked(todo, size)
    bar = _progress(len(runs), already, progress)
    retry: list[list[int]] = []
    pending: dict = {}
    retryable = _retryable()

    def submit(chunk: list[int]) -> None:
        fut = pool.executor.submit(run_chunk, [design.run(i) for i in chunk], spec.scenario, spec.steps, run_fn)
        pending[fut] = chunk

    def fill() -> None:
        while len(pending) < 2 * max(pool.workers, 1):
            chunk = retry.pop() if retry else next(chunks, None)
            if chunk is None:
                return
            submit(chunk)

    def collect(fut, chunk) -> bool:
        try:
            rows = fut.result()
        except retryable:
            retry.append(chunk)
            return False
        except Exception as err:  # a run failed: keep what is on disk, stop
            raise SweepError(f"run_ids {chunk[0]}..{chunk[-1]} failed: {type(err).__name__}: {err}") from err
        write_part(runs_dir, rows, schema)
        report.ran += len(rows)
        report.parts += 1
        if bar is not None:
            bar.update(len(rows))
        return True

    try:
        fill()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                broken |= not collect(fut, pending.pop(fut))
            if broken:
                report.restarts += 1
                if report.restarts > MAX_RESTARTS:
                    raise SweepError(
                        f"workers died {report.restarts} times; runs on disk are kept, rerun to resume"
                    )
                if pool.client is None:  # the whole pool is broken: collect what finished, rerun the rest
                    for fut in wait(list(pending))[0]:
                        collect(fut, pending.pop(fut))
                    pool.restart()
            fill()
    finally:
        for fut in pending:
            fut.cancel()
        pool.close()
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - started
    return report


def _default_run(**kwargs) -> dict:
    from sim.runner import run

    return run(**kwargs)


def _contains(sorted_ids: np.ndarray, i: int) -> bool:
    k = np.searchsorted(sorted_ids, i)
    return bool(k < sorted_ids.size and sorted_ids[k] == i)


def _check_columns(out: Path, columns: list) -> None:
    import json

    from sim.schema import ScenarioError

    path = out / "manifest.json"
    old = json.loads(path.read_text()).get("columns")
    if old is not None and old != columns:
        raise ScenarioError(
            f"{path}: columns: the model's outputs changed since this sweep started; use a new --out"
        )
