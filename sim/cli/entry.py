"""The ``coalition`` command's first lines: an interruption while it starts ends quietly.

Importing the subcommands takes a few tenths of a second; Ctrl-C or SIGTERM in that time
would otherwise print a traceback from inside an import. Until :func:`sim.cli.main.main`
installs its own handlers, such a signal prints one line and exits with 128 + its number
(nothing has been written yet).
"""

from __future__ import annotations

import os
import signal
import sys

EARLY = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _quit(signum, frame) -> None:
    name = signal.Signals(signum).name
    os.write(2, f"interrupted ({name}) while starting; nothing was written\n".encode())
    os._exit(128 + signum)


def install() -> dict:
    """Make the signals in ``EARLY`` end the process quietly; returns the handlers they had.

    A signal the process was started ignoring (``nohup``, a background job of ``sh -c``) stays ignored.
    """
    return {s: signal.signal(s, _quit) for s in EARLY if signal.getsignal(s) is not signal.SIG_IGN}


def main() -> int:
    """Import the command with early signals handled, then run it."""
    old = install()
    from sim.cli.main import main as command

    for s, handler in old.items():
        signal.signal(s, handler)
    return command(exiting=True)  # from the finished command on, signals are ignored (see there)


if __name__ == "__main__":
    sys.exit(main())
