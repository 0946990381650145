"""Whether a Dask cluster still has workers: said when none is left, and when they are back.

:func:`sim.runs.executors.dispatch` waits for chunks with a timeout on a cluster and asks a
:class:`WorkerWatch` after each wait.
"""

from __future__ import annotations

import sys

WORKERLESS_CHECK = 10.0  # seconds between two looks at a Dask cluster's workers while nothing finishes


class WorkerWatch:
    """Says when a Dask cluster has no workers left, and when workers come back.

    Dask's scheduler keeps the chunks until a worker connects: if every worker died (a job
    killed, its allocation over) the sweep waited without a word. It still waits, since a
    batch system may start new workers, but says why once, and again when they are back.
    """

    def __init__(self, pool, stream=None):
        self.client, self.scheduler = pool.client, pool.scheduler
        self.timeout = WORKERLESS_CHECK if self.client is not None else None
        self.stream = stream
        self.without = False

    def look(self, finished) -> None:
        """After a wait: if nothing finished, ask the scheduler how many workers it has."""
        if self.client is None:
            return
        if finished:
            workers = True  # a chunk finished: some worker is there
        else:
            try:
                workers = bool(self.client.nthreads())
            except Exception:  # noqa: BLE001 -- the scheduler itself gone: Dask's own error comes with the next wait
                return
        if not workers and not self.without:
            self._say(
                f"coalition: no Dask workers are connected to {self.scheduler}; waiting for workers "
                "(Ctrl-C stops; finished runs are kept)"
            )
        elif workers and self.without:
            self._say(f"coalition: Dask workers are connected to {self.scheduler}; going on")
        self.without = not workers

    def _say(self, text: str) -> None:
        stream = self.stream or sys.stderr
        if stream is None:
            return
        try:
            print(text, file=stream, flush=True)
        except (OSError, ValueError):  # stderr gone: nothing to tell
            pass
