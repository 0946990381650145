"""The ``coalition`` command: run, scenarios, sweep, table, viz, classroom, calibrate, analyze.

Bad input gets one line on stderr, ``error: <where>: <what is wrong>``, and exit status 2.
SIGTERM (``timeout``, Slurm, ``docker stop``) and SIGHUP (a closed terminal) are handled like
Ctrl-C: workers are stopped, temporary files removed, and the exit status is 128 + the
signal's number (130, 143, 129). Each subcommand is a module of this package with
``add_parser(subparsers)``; heavy imports happen inside the handlers, so ``coalition --help``
starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import sys
import threading

from sim.cli import analyze, calibrate, classroom, run, scenarios, sweep, table, viz
from sim.cli.common import EXIT_USAGE, Parser, UsageError
from sim.errors import InputError, one_line
from sim.model.params import ParameterError

SUBCOMMANDS = (run, scenarios, sweep, table, viz, classroom, calibrate, analyze)
HANDLED = (signal.SIGTERM, signal.SIGHUP)
RESUMABLE = ("sweep", "calibrate")  # the commands that keep finished work when interrupted
SERVERS = {"viz": "the page stopped", "classroom": "the game stopped; a game is not saved"}  # they write no files


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C would be, so the same cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@functools.cache
def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (built once: parsing does not change it)."""
    parser = Parser(prog="coalition", description="Organizations forming a coalition around an upstream problem.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return parser


@contextlib.contextmanager
def signals_as_interrupts(exiting: bool = False):
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated`; later ones are ignored during cleanup.

    ``exiting``: the process ends after the block (the ``coalition`` command). Left without an
    error, the block then ignores SIGINT, SIGTERM and SIGHUP from there on instead of putting
    the earlier handlers back: the command's files are written, and a signal while Python shuts
    down (a few tenths of a second with Arrow and Dask loaded) would end it with 130 or 143 and
    no word, so that a scheduler reads a finished job as interrupted. (Ignored, not handled:
    Python's shutdown sets its own handlers back to the default, but leaves an ignored signal.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        for s in (*HANDLED, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)  # one interruption: let the cleanup finish
        raise Terminated(signum)

    def swallowed(unraisable):
        # raised inside a callback Python cannot raise from (a weakref's, during an import), the
        # interruption was printed and dropped, and later signals ignored: deliver it again
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            return hook(unraisable)
        for s in HANDLED:
            if s in old:  # not one the process ignores
                signal.signal(s, handler)
        signal.signal(signal.SIGINT, old[signal.SIGINT])
        # from another thread, a moment later: sent from here it would land in this hook, and be dropped again
        again = threading.Timer(0.01, os.kill, (os.getpid(), getattr(unraisable.exc_value, "signum", signal.SIGINT)))
        again.daemon = True
        again.start()

    # a signal the process was started ignoring (nohup's SIGHUP) stays ignored
    old = {s: signal.signal(s, handler) for s in HANDLED if signal.getsignal(s) is not signal.SIG_IGN}
    old[signal.SIGINT] = signal.getsignal(signal.SIGINT)
    hook, sys.unraisablehook = sys.unraisablehook, swallowed
    finished = False
    try:
        yield
        finished = True
    finally:
        sys.unraisablehook = hook
        for s, h in old.items():
            # from the finished command straight to ignoring: never the default in between
            signal.signal(s, signal.SIG_IGN if exiting and finished and h is not None else h)


def main(argv=None, exiting: bool = False) -> int:
    """Entry point of the ``coalition`` command (``argv``: strings or paths; default ``sys.argv[1:]``).

    ``exiting``: the process ends when this returns (the console script): signals that come
    after the command finished are ignored (:func:`signals_as_interrupts`).
    """
    if argv is not None:
        argv = [os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in argv]
    if exiting and sys.stdout is not None and not isinstance(sys.stdout, NamedStdout):  # the console script
        sys.stdout = NamedStdout(sys.stdout)
    command = None
    try:
        with signals_as_interrupts(exiting):
            args = build_parser().parse_args(argv)
            command = args.command
            check_environment(command)
            if getattr(args, "prints", False) and sys.stdout is None:  # started with stdout closed (`>&-`)
                raise UsageError(f"stdout: closed; `coalition {command}` writes what it finds there (try > FILE)")
            status = args.handler(args) or 0
            if sys.stdout is not None:  # what is still buffered fails here, not in Python's shutdown
                sys.stdout.flush()
            return status
    except (InputError, ParameterError) as err:
        say(f"error: {one_line(str(err))}")
        return EXIT_USAGE
    except BrokenPipeError:  # `coalition scenarios | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except OSError as err:  # a file system that failed under us (disk full, a vanished folder)
        if err.filename == "stdout" and sys.stdout is not None:  # what is left in its buffer goes nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        where = f"{one_line(err.filename)}: " if err.filename else ""
        say(f"error: {where}{one_line(err.strerror or str(err))}")
        return EXIT_USAGE
    except MemoryError:  # a size within the ranges that this machine (or its ulimit) cannot hold
        say(
            f"error: {command or 'coalition'}: out of memory; try fewer people (n_people), a shorter "
            "horizon or fewer workers, or a machine with more memory"
        )
        return EXIT_USAGE
    except KeyboardInterrupt as err:
        return interrupted(err, command)
    except Exception as err:  # an interruption a library turned into its own error (pandas: an ImportError)
        cause = interruption_behind(err)
        if cause is None:
            raise
        return interrupted(cause, command)


def say(line: str) -> None:
    """Tell the user ``line`` on stderr; closed or failing (``2>&-``, ``2>/dev/full``), say nothing.

    ``print(file=None)`` writes to stdout: with stderr closed, an error went into what the
    command wrote there (``coalition scenarios preset X > file.toml 2>&-``); and an error in
    writing it ended the command with a traceback's exit status 1 instead of its own.
    """
    if sys.stderr is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


class NamedStdout:
    """Standard output whose write errors say it was standard output (``> /dev/full``).

    An error with no file name read "error: No space left on device" while the output folder
    had been written whole; the command's own files always carry their names.
    """

    def __init__(self, stream):
        self._stream = stream

    def _named(self, method, *args):
        try:
            return method(*args)
        except OSError as err:
            if not err.filename:
                err.filename = "stdout"
            raise

    def write(self, text):
        """Write ``text``; an error names stdout."""
        return self._named(self._stream.write, text)

    def flush(self):
        """Flush; an error names stdout."""
        return self._named(self._stream.flush)

    def __getattr__(self, name):
        return getattr(self._stream, name)


WRITERS = ("run", "sweep", "table", "analyze", "calibrate")  # the commands that write files


def check_environment(command: str | None = None) -> None:
    """Refuse, in one line, an environment the command would fail in.

    A variable the libraries fail on with a traceback, or, for a command that writes files,
    a umask under which you could not read or write them again.
    """
    mask = os.umask(0o022)  # (read by setting it: put back at once)
    os.umask(mask)
    if command in WRITERS and mask & 0o600:  # umask 777: runs wrote files of mode 000, the next one refused them
        raise InputError(
            f"umask {mask:04o}: the files `coalition {command}` writes would not be readable and writable by "
            "you (the next run could not read or replace them); set a umask such as 022"
        )
    backend = os.environ.get("MPLBACKEND")
    if backend:
        try:
            import matplotlib  # noqa: F401  (it reads MPLBACKEND as it is imported)
        except ValueError:
            raise InputError(
                f"MPLBACKEND={backend!r} is not a matplotlib backend; unset it or use one such as Agg"
            ) from None


def interrupted(err: KeyboardInterrupt, command: str | None) -> int:
    """Say which signal interrupted ``command`` and what is left; the exit status, 128 + its number."""
    signum = getattr(err, "signum", signal.SIGINT)
    # a sweep and a calibration keep what they finished; the servers write nothing; the others all or nothing
    if command in RESUMABLE:
        kept = getattr(err, "kept", None) or "finished work is kept"
    elif command in SERVERS:
        kept = SERVERS[command]
    else:
        kept = "its files are written whole or not at all"
    say(f"interrupted ({signal.Signals(signum).name}); {kept}")
    return 128 + signum


def interruption_behind(err: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM an exception was raised while handling, if any (its cause or context)."""
    seen: set[int] = set()
    link: BaseException | None = err
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, KeyboardInterrupt):
            return link
        link = link.__cause__ or link.__context__
    return None


if __name__ == "__main__":
    sys.exit(main())
