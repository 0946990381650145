"""``python -m benchmarks`` (``make bench``): every figure of the performance issue.

Options: ``--quick`` (fewer repeats, shorter scaling, no sweep-memory, headline or classroom
runs; the quick calibration), ``--only NAME ...`` (teaching, city, scaling, sweeps, memory,
headline, classroom, calibration, game).
"""

from __future__ import annotations

import argparse
import time

from benchmarks import calibration, runs, sweeps
from benchmarks.common import machine

ALL = ("teaching", "city", "scaling", "sweeps", "memory", "headline", "classroom", "calibration", "game")


def main(argv=None) -> None:
    """Run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; skip the long sweep benchmarks")
    parser.add_argument("--only", nargs="+", choices=ALL, help="run only these")
    args = parser.parse_args(argv)
    chosen = args.only or (ALL[:4] + ("calibration",) if args.quick else ALL)
    q = args.quick
    print(f"machine: {machine()}")
    print("figures: medians (min-max) over repeats; ratios against floors measured in the same process or run")
    started = time.perf_counter()
    if "teaching" in chosen:
        runs.teaching(repeats=5 if q else 11)
    if "city" in chosen:
        runs.city_run(repeats=1 if q else 3)
    if "scaling" in chosen:
        runs.scaling(steps=12 if q else 40, repeats=1 if q else 3)
    if "sweeps" in chosen:
        sweeps.sweeps(steps=52 if q else 156, repeats=1 if q else 5)
    if "memory" in chosen:
        sweeps.memory()
    if "headline" in chosen:
        sweeps.headline()
    if "classroom" in chosen:
        from benchmarks.classroom import classroom

        classroom()
    if "calibration" in chosen:
        calibration.calibration(quick=q)
        print("calibration on Dask (a small calibration, seconds per simulation):")
        calibration.dask_scaling()
        print("calibration recovers known parameters (synthetic patterns, quick size):")
        calibration.recovery()
    if "game" in chosen:
        from benchmarks.classroom_game import classroom_game

        classroom_game()
    print(f"(benchmarks took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
