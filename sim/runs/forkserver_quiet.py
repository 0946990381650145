"""Imported first by the worker pool's fork server: stopping a sweep makes no noise there.

The fork server imports the modules it preloads (the model, pandas: most of a second)
before it starts ignoring SIGINT itself, so a Ctrl-C at the terminal, which reaches the
whole process group, printed a KeyboardInterrupt traceback from inside those imports.
Importing this module first makes the fork server, and the workers it forks, ignore SIGINT
from the start; the parent stops them (:mod:`sim.runs.executors`). And a worker the fork
server starts just as the parent stops the pool finds the pool's semaphores already gone:
that worker never ran anything, so its FileNotFoundError is not printed.
"""

from __future__ import annotations

import signal
import sys
import traceback

signal.signal(signal.SIGINT, signal.SIG_IGN)


def quiet_when_the_pool_is_gone(kind, value, tb) -> None:
    """``sys.excepthook`` of the fork server's children: silent for a worker started after its pool was stopped."""
    frames = traceback.extract_tb(tb)
    last = frames[-1] if frames else None
    if issubclass(kind, FileNotFoundError) and last is not None:
        if last.name == "__setstate__" and last.filename.endswith("synchronize.py"):
            return  # SemLock._rebuild: the pool's semaphore was unlinked when the parent stopped it
    sys.__excepthook__(kind, value, tb)


sys.excepthook = quiet_when_the_pool_is_gone
