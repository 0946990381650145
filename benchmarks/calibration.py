"""Calibration benchmarks: a whole ABC-SMC calibration of one scenario, and Dask scaling.

* ``calibration(quick)``: ``coalition calibrate`` of Sweden's road deaths (the longest
  horizon of the shipped patterns, 1,161 weekly steps a run) at the quick or the full size,
  on a local pool of 2 workers; the limits are 5 minutes (quick) and 30 minutes (full) on
  2 cores.
* ``dask_scaling()``: the same small calibration on local Dask clusters of 1 and 2 worker
  processes: seconds per simulation, against the process pool.
* ``recovery()``: the full check of the synthetic test: a calibration at the quick size of a
  pattern made by the model itself recovers its parameters within the reported intervals.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, timed

PATTERNS = ROOT / "scenarios" / "patterns" / "sweden_vision_zero.toml"


def calibration(quick: bool) -> None:
    """A whole calibration of one scenario at the quick or full size, 2 local workers."""
    from sim.runs.calibrate import Settings, calibrate

    settings = Settings.of(quick, seed=1)
    limit = 5 if quick else 30
    with tempfile.TemporaryDirectory() as d:
        result, wall, _ = timed(calibrate, PATTERNS, Path(d) / "cal", settings=settings, workers=2)
    size = "quick" if quick else "full"
    per = wall * 2 / (result.simulations + settings.predictive)
    print(
        f"calibration ({size}: population {settings.population}, {result.generations} generations), Sweden "
        f"1997-2019: {result.simulations} simulations + {settings.predictive} predictive in {wall / 60:.1f} min "
        f"on 2 workers ({per:.2f} worker-s a simulation); limit {limit} min: "
        + ("met" if wall <= limit * 60 else "NOT met")
    )


def _small(patterns: Path, out: Path, workers=None, scheduler=None):
    from sim.runs.calibrate import Settings, calibrate

    settings = Settings.of(True, population=16, generations=2, predictive=4, seed=1)
    return calibrate(patterns, out, settings=settings, workers=workers, scheduler=scheduler)


def dask_scaling() -> None:
    """The same small calibration on a process pool and on Dask clusters of 1 and 2 workers."""
    from dask.distributed import LocalCluster

    patterns = ROOT / "scenarios" / "patterns" / "rockford_built_for_zero.toml"
    with tempfile.TemporaryDirectory() as d:
        runs = [("process pool, 2 workers", {"workers": 2})]
        for n in (1, 2):
            runs.append((f"Dask, {n} worker{'s' if n > 1 else ''}", {"n": n}))
        for label, how in runs:
            cluster = None
            if "n" in how:
                cluster = LocalCluster(n_workers=how["n"], threads_per_worker=1, processes=True, dashboard_address=None)
                how = {"scheduler": cluster.scheduler_address}
            try:
                started = time.perf_counter()
                result = _small(patterns, Path(d) / label.replace(" ", "_").replace(",", ""), **how)
                wall = time.perf_counter() - started
            finally:
                if cluster is not None:
                    cluster.close()
            n = result.simulations + 4
            print(f"  {label}: {n} simulations in {wall:.0f} s ({wall / n:.3f} s each)")


def recovery() -> None:
    """Synthetic patterns at known parameters, calibrated at the quick size: are they recovered?"""
    from sim.runs.calibrate import Settings, calibrate
    from sim.runs.calibrate_synthetic import synthetic_patterns

    truth = {"build_rate": 0.08, "trust_building": 0.5}
    priors = {"build_rate": (0.01, 0.3, "loguniform"), "trust_building": (0.05, 1.0)}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "synthetic.toml"
        path.write_text(synthetic_patterns("traffic_fatalities", truth, priors, steps=156, seed=11))
        result = calibrate(path, Path(d) / "cal", settings=Settings.of(True, seed=1), workers=2)
    table = result.report.posterior.set_index("parameter")
    for name, value in truth.items():
        row = table.loc[name]
        inside = row["q05"] <= value <= row["q95"]
        print(
            f"  {name}: truth {value:g}, median {row['median']:.3g}, 90% [{row['q05']:.3g}, {row['q95']:.3g}], "
            f"spread {row['spread']:.2f}: " + ("recovered" if inside else "NOT in the interval")
        )
