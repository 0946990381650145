"""Where chunks run: a local process pool, this process, or a Dask cluster's Executor."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sim.errors import InputError


def retryable() -> tuple:
    """Errors that mean a worker died (rerun the chunk), not that a run failed."""
    kinds = [BrokenProcessPool]
    try:
        from distributed import KilledWorker

        kinds.append(KilledWorker)
    except ImportError:
        pass
    return tuple(kinds)


class Pool:
    """A process pool, or a Dask cluster's executor when a scheduler address is given."""

    def __init__(self, workers: int | None, scheduler: str | None):
        self.scheduler = scheduler
        self.client = None
        if scheduler:
            from distributed import Client

            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as err:
                raise InputError(f"--scheduler {scheduler}: cannot connect: {err}") from None
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
            self.executor = InlineExecutor()
            return
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if hasattr(ctx, "set_forkserver_preload"):
            ctx.set_forkserver_preload(["sim.runs.engine", "sim.model.runner"])
        self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def close(self, wait: bool = True) -> None:
        """Stop the workers (and disconnect from Dask); ``wait=False`` leaves running tasks behind."""
        if self.client is not None:
            self.executor.shutdown(wait=False)  # ClientExecutor: cancels what is still queued
            self.client.close()
        elif self.executor is not None:
            self.executor.shutdown(wait=wait, cancel_futures=True)


class InlineExecutor(Executor):
    """Runs each task at once in this process (``workers=0``: no pool to start, for tiny sweeps)."""

    def submit(self, fn, /, *args, **kwargs):
        """Run ``fn`` now; return a finished Future."""
        fut = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as err:
            fut.set_exception(err)
        return fut
