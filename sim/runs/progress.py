"""Progress of long work: a bar on a terminal, a line every half minute otherwise.

A sweep, a long single run or the Shapley table reports how far it is. On a terminal that
is a tqdm bar; when stderr is a file or a pipe (a batch job's log, ``nohup``, CI) it is one
plain line every :data:`EVERY` seconds, so a log shows that the work goes on::

    run: 1200/10000 weeks (12%), 35.2 weeks/s, about 4 min left

The Shapley table runs its replicates through :func:`sim.runs.executors.dispatch` inside
library code; :func:`reporting` makes every dispatch in its ``with`` block report to one
:class:`Progress`, without threading it through every call.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
import time

EVERY = 30.0  # seconds between two plain progress lines
SLOW = 5.0  # seconds of silent work before :func:`announced` says what is being done
_CURRENT: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("coalition_progress", default=None)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Counts work done and reports it.

    Args:
        label: what is counted, e.g. ``"sweep"``.
        total: how much there is (None: unknown; ``upto`` says it is an upper bound).
        unit: the unit's name (``"run"``, ``"week"``).
        initial: already done before this started (a resumed sweep).
        enabled: report at all (None: always; a bar only on a terminal).
        stream: where to report (default stderr).
        every: seconds between two plain lines (default :data:`EVERY`).
        upto: ``total`` is an upper bound ("of up to").
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        unit: str = "run",
        initial: int = 0,
        enabled: bool | None = None,
        stream=None,
        every: float | None = None,
        upto: bool = False,
    ):
        self.label, self.total, self.unit, self.upto = label, total, unit, upto
        self.done = self.initial = initial
        self.stream = stream or sys.stderr
        self.enabled = enabled is not False
        self.every = EVERY if every is None else every
        self.started = self.last = time.monotonic()
        self.bar = None
        if self.enabled and _isatty(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit=unit, desc=label, file=self.stream, smoothing=0.1)

    def update(self, n: int = 1) -> None:
        """``n`` more units done."""
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if self.enabled and now - self.last >= self.every:
            self.last = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        """The plain progress line."""
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = (self.done - self.initial) / elapsed
        units = f"{self.unit}s"
        if self.total:
            of = "of up to " if self.upto else "/"
            text = f"{self.label}: {self.done:,}{' ' if self.upto else ''}{of}{self.total:,} {units}"
            text += f" ({100 * self.done / self.total:.0f}%), {rate:.3g} {units}/s"
            if rate > 0 and not self.upto:
                text += f", about {_duration((self.total - self.done) / rate)} left"
            return text
        return f"{self.label}: {self.done:,} {units} done, {rate:.3g} {units}/s"

    def close(self) -> None:
        """Stop reporting (closes the bar)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def reporting(progress: Progress):
    """Every :func:`sim.runs.executors.dispatch` inside the block counts its items on ``progress``."""
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)
        progress.close()


def current() -> Progress | None:
    """The progress set by :func:`reporting`, if any."""
    return _CURRENT.get()


@contextlib.contextmanager
def announced(text: str, after: float | None = None, stream=None):
    """Say ``text`` (one line) if the block is still running after ``after`` seconds.

    Building a model of thousands of organizations takes a minute before the first step's
    progress: without a word, a run looked hung.
    """
    out = stream or sys.stderr
    if out is None:  # stderr closed: print(file=None) would write to stdout
        yield
        return

    def say():
        try:
            print(text, file=out, flush=True)
        except (OSError, ValueError):  # stderr gone: nothing to tell
            pass

    timer = threading.Timer(SLOW if after is None else after, say)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()  # a line already being printed ends before anything else is
