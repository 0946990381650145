"""Where chunks of runs go: a local process pool, this process, or a Dask cluster's Executor.

:func:`dispatch` is the one loop that sends chunks to a :class:`WorkerPool` and hands each
finished chunk back, rerunning chunks whose worker died. Sweeps (written to Parquet) and
in-memory replicates (validation, experiments, the Shapley table) both go through it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.errors import InputError, one_line
from sim.runs import progress
from sim.runs.extras import require
from sim.runs.worker_watch import WorkerWatch

MAX_RESTARTS = 5


class SweepError(RuntimeError):
    """Runs that cannot go on (workers keep dying, or the model failed)."""


def retryable() -> tuple:
    """Errors that mean a worker died (rerun the chunk), not that a run failed."""
    kinds: list[type[BaseException]] = [BrokenProcessPool]
    try:
        from distributed import KilledWorker

        kinds.append(KilledWorker)
    except ImportError:
        pass
    return tuple(kinds)


class WorkerPool:
    """A process pool, or a Dask cluster's executor when a scheduler address is given.

    ``code``: the :func:`~sim.runs.provenance.code_record` of what the results are recorded
    under (a sweep's or a calibration's manifest); a worker process checks its own model code
    against it before each chunk, so that one importing another checkout is refused.
    """

    def __init__(self, workers: int | None, scheduler: str | None, code: dict | None = None):
        self.scheduler = scheduler
        self.code = code
        self.client = None
        if scheduler:
            Client = require("distributed", f"--scheduler {scheduler}").Client  # noqa: N806

            try:
                self.client = Client(scheduler, timeout="20s")
            except (OSError, ValueError, TypeError) as err:  # ValueError, TypeError: an address Dask cannot parse
                raise InputError(f"--scheduler {scheduler}: cannot connect: {one_line(str(err))}") from None
            # a scheduler lost mid-sweep is said in one line (dispatch); Dask's client logged 30 lines of
            # traceback as it gave up reconnecting
            self._client_log = logging.getLogger("distributed.client")
            self._client_level = self._client_log.level
            self._client_log.setLevel(logging.CRITICAL)
            self.workers = max(1, sum(self.client.nthreads().values()))
        else:
            self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.executor: Executor | None = None
        self.restart()

    def restart(self) -> None:
        """A fresh executor (after a worker process died and broke the pool)."""
        if self.client is not None:
            self.executor = self.client.get_executor(pure=False)
            return
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=False, cancel_futures=True)
        if self.workers == 0:
            self.executor = InlineExecutor()
            return
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if hasattr(ctx, "set_forkserver_preload"):
            # first: the fork server ignores Ctrl-C while it imports the rest (the parent handles it)
            ctx.set_forkserver_preload(["sim.runs.forkserver_quiet", "sim.runs.engine", "sim.model.runner"])
            _start_fork_server()
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_worker_setup, initargs=(os.getpid(),)
        )

    def close(self, wait: bool = True) -> None:
        """Stop the workers (and disconnect from Dask).

        ``wait=False`` (after Ctrl-C, SIGTERM or a failed run) does not wait for running
        chunks: the local worker processes are terminated, so none is left running.
        """
        if self.client is not None:
            if self.executor is not None:
                self.executor.shutdown(wait=False)  # ClientExecutor: cancels what is still queued
            self.client.close()
            self._client_log.setLevel(self._client_level)
        elif self.executor is not None:
            if not wait:
                _terminate(self.executor)
            self.executor.shutdown(wait=wait, cancel_futures=True)


def checked_code(code: dict, fn: Callable, *args):
    """``fn(*args)`` in a worker whose model code is ``code``'s; else :class:`SweepError`, before any run.

    A Dask worker started on a node with another checkout ran its own model into a sweep's
    table, stamped with the client's code.
    """
    from sim.runs.provenance import other_code

    wrong = other_code(code)
    if wrong:
        raise SweepError(
            f"a worker ({socket.gethostname()}, process {os.getpid()}) runs {wrong}: start the workers from the "
            "checkout this command runs (their PYTHONPATH and environment) and run the same command; nothing it "
            "ran was written"
        )
    return fn(*args)


def _died(restarts: int, finished_chunks: int) -> str:
    """Why the pool is given up; workers that never finished a chunk were likely killed by their start."""
    if finished_chunks:
        return f"workers died {restarts} times; finished runs are kept, rerun to resume"
    # a worker process imports the script that started it: without the guard it starts a pool itself
    return (
        f"workers died {restarts} times before any run finished; in a script that runs the model in "
        'worker processes, put the code under `if __name__ == "__main__":` (workers import the script '
        "again), or give workers=0 to run in this process; if the runs are large, a worker may have run out "
        "of memory (try fewer workers or fewer people)"
    )


def _start_fork_server() -> None:
    """Start the fork server with SIGINT blocked, as multiprocessing starts its resource tracker.

    The fork server is a new Python interpreter: a Ctrl-C (which reaches the whole process
    group) while that interpreter sets itself up, before any of its code can ignore it, ended
    it with "Fatal Python error: init_sys_streams" and a traceback. A blocked signal stays
    blocked across exec, so the server and the workers it forks never see it; here it waits
    until the mask is restored and then interrupts this process as usual.
    """
    from multiprocessing import forkserver, resource_tracker

    if not hasattr(signal, "pthread_sigmask"):
        forkserver.ensure_running()
        return
    # the resource tracker first: starting it unblocks SIGINT when done, which would undo the block below
    _start_quiet_tracker(resource_tracker)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_quiet_tracker(resource_tracker) -> None:
    """Start multiprocessing's resource tracker without its warning of leaked semaphores.

    It warns when the process it serves was killed outright (SIGKILL, the out-of-memory
    killer), seconds later, on the terminal or in whatever log the killed command wrote to;
    it cleans them up all the same. The warning filter goes to it through its environment.
    """
    quiet = "ignore:resource_tracker:UserWarning"
    before = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = f"{before},{quiet}" if before else quiet
    try:
        resource_tracker.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONWARNINGS"]
        else:
            os.environ["PYTHONWARNINGS"] = before


def _worker_setup(parent: int) -> None:
    """Set up a worker process.

    Ctrl-C reaches the whole process group, but the parent alone decides what stops; and a
    worker whose parent was killed outright (SIGKILL, the kernel's out-of-memory killer) stops
    within a second instead of lingering (the pool's helper processes then end too).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "win32":  # os.kill(pid, 0) only asks on POSIX
        threading.Thread(target=_stop_without, args=(parent,), name="parent-watch", daemon=True).start()


def _stop_without(parent: int, every: float = 1.0) -> None:
    """Exit this worker once the process ``parent`` is gone."""
    while True:
        time.sleep(every)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # its number now belongs to someone else's process
            os._exit(1)


def _terminate(executor: Executor) -> None:
    """Terminate a process pool's workers now (Python 3.12 has no public call for it)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


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


def dispatch(
    pool: WorkerPool,
    chunks: Iterator[list],
    task: Callable[[list], tuple],
    done: Callable[[list, Any], None],
) -> int:
    """Send every chunk to ``pool`` and hand each finished one to ``done(chunk, result)``.

    Args:
        pool: where the chunks run.
        chunks: lists of work items (run ids or jobs).
        task: ``task(chunk)`` gives ``(function, *args)`` to submit; the function must pickle.
        done: called in this process with each chunk and its result, in the order they finish.
            Inside :func:`sim.runs.progress.reporting`, each finished chunk's items are counted too.

    Returns:
        How many times the workers died and the pool was restarted.

    Raises:
        SweepError: a run failed, or workers died more than ``MAX_RESTARTS`` times.
    """
    retryable_errors = retryable()
    counter = progress.current()
    retry: list[list] = []
    pending: dict = {}
    restarts = finished_chunks = 0

    def fill() -> bool:
        """Keep the pool busy; False if it broke while a chunk was sent (the chunk is kept to retry)."""
        while len(pending) < 2 * max(pool.workers, 1):
            chunk = retry.pop() if retry else next(chunks, None)
            if chunk is None:
                return True
            fn, *args = task(chunk)
            assert pool.executor is not None
            if getattr(pool, "code", None) and not isinstance(pool.executor, InlineExecutor):
                fn, args = checked_code, [pool.code, fn, *args]  # a worker is another process: maybe other code
            try:
                fut = pool.executor.submit(fn, *args)
            except retryable_errors:  # a worker died since the last wait: the pool refuses new work
                retry.append(chunk)
                return False
            pending[fut] = chunk
        return True

    def collect(fut, chunk) -> bool:
        try:
            result = fut.result()
        except retryable_errors:
            retry.append(chunk)
            return False
        except SweepError:  # a worker's own refusal (other model code): said as it is
            raise
        except CancelledError as err:
            if pool.client is not None:  # Dask cancels every task when the client loses its scheduler
                raise SweepError(
                    f"lost the Dask scheduler {pool.scheduler} (it stopped, or the network to it): every finished "
                    "chunk is kept; start the scheduler and its workers again and run the same command to go on"
                ) from None
            raise SweepError(f"runs {chunk[0]}..{chunk[-1]} were cancelled") from err
        except Exception as err:  # a run failed: keep what is done, stop
            raise SweepError(f"runs {chunk[0]}..{chunk[-1]} failed: {type(err).__name__}: {err}") from err
        nonlocal finished_chunks
        finished_chunks += 1
        done(chunk, result)
        if counter is not None:
            counter.update(len(chunk))
        return True

    finished_cleanly = False
    watch = WorkerWatch(pool)
    try:
        broken = not fill()
        while pending or broken:
            if pending:
                finished, _ = wait(list(pending), timeout=watch.timeout, return_when=FIRST_COMPLETED)
                watch.look(finished)
                for fut in finished:
                    broken |= not collect(fut, pending.pop(fut))
            if broken:
                restarts += 1
                if restarts > MAX_RESTARTS:
                    raise SweepError(_died(restarts, finished_chunks))
                if pool.client is None:  # the whole pool is broken: collect what finished, rerun the rest
                    for fut in wait(list(pending))[0]:
                        collect(fut, pending.pop(fut))
                    pool.restart()
            broken = not fill()
        finished_cleanly = True
    finally:
        for fut in pending:
            fut.cancel()
        pool.close(wait=finished_cleanly)  # after Ctrl-C or an error, do not wait for running chunks
    return restarts
