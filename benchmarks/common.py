"""Timing helpers: repeated, interleaved measurements, medians (min-max), ratios, slopes.

Every figure is a median over repeats, printed with its range; every target is a ratio
against a floor measured in the same process, interleaved with the measured code so that
both see the same load. Both wall time and process CPU time are kept: on a shared machine
(other processes on the same cores) CPU time is the steadier of the two, so the
single-process targets are judged on CPU-time ratios and the wall ratios are shown beside.
"""

from __future__ import annotations

import math
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timings:
    """Wall and CPU seconds of repeated runs of one thing."""

    wall: list = field(default_factory=list)
    cpu: list = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        """Record one run."""
        self.wall.append(wall)
        self.cpu.append(cpu)

    def median(self, kind: str = "cpu") -> float:
        """Median seconds."""
        return statistics.median(getattr(self, kind))

    def text(self, kind: str = "cpu", scale: float = 1.0, unit: str = "s") -> str:
        """``median (min-max) unit``."""
        v = [x * scale for x in getattr(self, kind)]
        return f"{statistics.median(v):.3g} {unit} ({min(v):.3g}-{max(v):.3g})"


def timed(fn, *args, **kwargs):
    """Run ``fn`` once; return (result, wall seconds, cpu seconds)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def interleave(repeats: int, **fns) -> dict[str, Timings]:
    """Run each named function ``repeats`` times, alternating them; ``fn(i)`` gets the repeat."""
    out = {name: Timings() for name in fns}
    for i in range(repeats):
        for name, fn in fns.items():
            _, w, c = timed(fn, i)
            out[name].add(w, c)
    return out


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    """``met`` or ``NOT MET``."""
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "NOT MET"


def ratio_line(label: str, model: Timings, floor: Timings, target: float) -> str:
    """``label: ratio (cpu) ... target``, with the wall-time ratio beside it."""
    r_cpu = model.median("cpu") / floor.median("cpu")
    r_wall = model.median("wall") / floor.median("wall")
    return (
        f"  {label}: {r_cpu:.1f}x the floor in CPU time ({r_wall:.1f}x in wall time); "
        f"target <= {target:g}x: {verdict(r_cpu, target)}"
    )


def loglog_slope(xs, ys) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB.

    Linux's ``VmHWM`` (the high-water mark of this address space), not ``ru_maxrss``:
    the latter survives ``exec`` and so includes the parent's memory at ``fork``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def python_json(code: str, timeout: float = 3600) -> dict:
    """Run ``code`` in a fresh interpreter (from the project root); it must print one JSON line last."""
    import json

    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    """One line about the machine."""
    import os
    import platform

    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}; "
        f"load average {load}"
    )
