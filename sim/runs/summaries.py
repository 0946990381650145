"""Pattern-oriented summaries of one run, computed from its per-step series.

:func:`summarize` turns a run's DataCollector series (reporter -> value per step, as
:func:`sim.runs.series.run_with_series` gives them) into one number per
:class:`sim.runs.patterns.Target`: a series point (the mean over its calendar window,
relative to the first point's window), the step of a milestone (the first commitment, the
first data shared, halving the gap between start and end, falling to a level, the goal),
or the end level over the start. A milestone that never happens is censored past the
horizon: at ``n (1 + shortfall)`` for ``n`` steps, where the shortfall in [0, 1] says how far
the run stayed from it (for a level or the goal: how much of the way down from the start it
never went), so that runs that came closer count as closer and ABC's thresholds can keep
falling. :func:`distance` compares two such dicts in units of each target's ``sd``.
"""

from __future__ import annotations

import math

import numpy as np

START_STEPS = 4  # the start level: the mean over the first four steps (a month of weeks)
END_DAYS = 365.0  # the end level: the mean over the last year


def start_level(values: np.ndarray) -> float:
    """The level at the start of a run: the mean over its first steps."""
    return float(np.mean(values[:START_STEPS]))


def end_level(values: np.ndarray, days_per_step: float) -> float:
    """The level at the end of a run: the mean over its last year."""
    n = max(1, int(round(END_DAYS / days_per_step)))
    return float(np.mean(values[-n:]))


def first_step(mask: np.ndarray, censored: float) -> float:
    """The first step where ``mask`` holds, or ``censored`` if it never does."""
    hits = np.flatnonzero(mask)
    return float(hits[0]) if hits.size else censored


def _values(series: dict, name: str) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in series[name]], dtype=float)


def summarize(series: dict, targets, days_per_step: float = 7.0) -> dict[str, float]:
    """One number per target, from a run's per-step series.

    Args:
        series: reporter name -> list of values, step 0 first (``run_with_series``).
        targets: the :class:`~sim.runs.patterns.Target` list of a patterns file.
        days_per_step: real days per step (for the end level's year).

    Returns:
        target key -> the run's value, in the target's units.
    """
    cache: dict[str, np.ndarray] = {}

    def values(name: str) -> np.ndarray:
        if name not in cache:
            cache[name] = _values(series, name)
        return cache[name]

    n_steps = len(next(iter(series.values())))
    censored = float(n_steps)  # one past the last step (0 .. n_steps - 1)
    out = {}
    for t in targets:
        v = values(t.measure)
        if t.kind == "point":
            level = _window_mean(v, t.window)
            if t.reference is not None:
                ref = _window_mean(v, t.reference)
                level = level / ref if ref > 0 else math.inf
            out[t.key] = level
        elif t.kind == "end_level":
            s = start_level(v)
            out[t.key] = end_level(v, days_per_step) / s if s > 0 else math.inf
        else:
            out[t.key] = milestone(t, series, v, censored, days_per_step)
    return out


def _window_mean(v: np.ndarray, window) -> float:
    a, b = window
    a = min(a, len(v) - 1)
    return float(np.mean(v[a : max(b, a + 1)]))


def milestone(target, series: dict, v: np.ndarray, censored: float, days_per_step: float) -> float:
    """The step at which a milestone target first happens in a run (censored past the horizon)."""
    if target.kind == "first_commitment":
        return first_step(_values(series, "coalition_size") > 0, censored)
    if target.kind == "first_data_shared":
        return first_step(_values(series, "sharing_count") > 0, censored)
    start = start_level(v)
    if target.kind == "goal":  # ``level``: the scenario's target rate
        return first_step(_values(series, "goal_reached") > 0, censored * (1 + shortfall(v, start, target.level)))
    if target.kind == "level":
        level = target.level * start
        return first_step(v <= level, censored * (1 + shortfall(v, start, level)))
    if target.kind == "half_gap":
        end = end_level(v, days_per_step)
        if not end < start:
            return 2 * censored
        return first_step(v <= start - 0.5 * (start - end), censored)
    raise ValueError(f"unknown milestone kind {target.kind!r}")


def shortfall(v: np.ndarray, start: float, level: float | None) -> float:
    """How much of the way from ``start`` down to ``level`` a run never went, in [0, 1]."""
    if level is None or not start > level:
        return 1.0
    return float(np.clip((np.nanmin(v) - level) / (start - level), 0.0, 1.0))


def distance(simulated: dict, observed: dict, scales: dict) -> float:
    """Root mean square of ``(simulated - observed) / scale`` over the keys of ``scales``."""
    z = [(simulated[k] - observed[k]) / s for k, s in scales.items()]
    z = [min(abs(x), 1e6) if math.isfinite(x) else 1e6 for x in z]
    return math.sqrt(sum(x * x for x in z) / len(z)) if z else 0.0
