"""Synthetic patterns: what the model itself shows at known parameters, as a patterns file.

A calibration of such a file should recover the parameters within its reported intervals;
the tests do it at a tiny size and ``benchmarks/calibration.py`` at full size. It is also a
way to ask, before collecting data, whether a set of patterns can pin a parameter down.
"""

from __future__ import annotations

import datetime as dt

import tomli_w

from sim.runs.record import run_series
from sim.runs.summaries import end_level, first_step, start_level

START = dt.date(2000, 1, 3)


def synthetic_patterns(
    scenario: str,
    truth: dict,
    priors: dict,
    *,
    steps: int,
    seed: int = 0,
    fixed: dict | None = None,
    sd_days: float = 14.0,
    end_sd: float = 0.05,
    days_per_step: float = 7.0,
    with_end_level: bool = True,
) -> str:
    """The TOML text of a patterns file made from one run at ``truth``.

    Args:
        scenario: a scenario name or path.
        truth: the parameter values to recover.
        priors: name -> ``(low, high)`` or ``(low, high, "loguniform")``.
        steps: the horizon in steps.
        seed: the run's seed.
        fixed: other parameters held fixed (in the run and in the file).
        sd_days: the milestones' sd.
        end_sd: the end level's sd.
        days_per_step: the scenario's days per step.
        with_end_level: also give the end level relative to the start.

    Returns:
        A patterns file with the first commitment, the first data shared (when they happen)
        and the end level relative to the start.
    """
    fixed = dict(fixed or {})
    series = run_series(scenario, steps, seed, {**fixed, **truth})
    n = len(series["expected_rate"])
    import numpy as np

    rate = np.asarray(series["expected_rate"], dtype=float)
    milestones = []
    for kind, name in (("first_commitment", "coalition_size"), ("first_data_shared", "sharing_count")):
        step = first_step(np.asarray(series[name], dtype=float) > 0, n)
        if step < n:
            day = START + dt.timedelta(days=step * days_per_step)
            milestones.append({"name": kind, "kind": kind, "date": day, "sd_days": sd_days})
    params = {}
    for name, bounds in priors.items():
        params[name] = {"low": bounds[0], "high": bounds[1]}
        if len(bounds) > 2:
            params[name]["prior"] = bounds[2]
    body = {
        "patterns": {
            "scenario": scenario,
            "title": "synthetic: " + ", ".join(f"{k} = {v:g}" for k, v in truth.items()),
            "start": START,
            "end": START + dt.timedelta(days=(steps - 1) * days_per_step),
        },
        "milestones": milestones,
        "parameters": params,
    }
    if with_end_level:
        body["end_level"] = {"value": end_level(rate, days_per_step) / start_level(rate), "sd": end_sd}
    if fixed:
        body["fixed"] = fixed
    return "# Synthetic patterns made by the model itself (sim.runs.calibrate_synthetic)\n" + tomli_w.dumps(body)
