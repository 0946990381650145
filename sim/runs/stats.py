"""Effect sizes with intervals over seeded replicates (scipy), for claims and sweeps.

* :func:`wilson`: a proportion (P(goal)) with its Wilson interval.
* :func:`difference`: the difference in means of two arms (final rate, accuracy...), paired
  by seed when the arms share their seeds (common random numbers), with a t interval.
* :func:`vargha_delaney`: Vargha-Delaney A, the chance that a run of arm ``a`` scores
  higher than a run of arm ``b`` (0.5: no effect), with a bootstrap interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A number with its interval."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"

    @property
    def excludes(self) -> float:
        """The value the interval lies wholly above or below (0 for differences), as a sign: +1, -1 or 0."""
        return 1.0 if self.low > 0 else (-1.0 if self.high < 0 else 0.0)


def wilson(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """A proportion with its Wilson score interval (``scipy.stats.binomtest``)."""
    if n <= 0:
        return Estimate(float("nan"), 0.0, 1.0)
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return Estimate(successes / n, float(ci.low), float(ci.high))


def difference(a, b, paired: bool = True, confidence: float = 0.95) -> Estimate:
    """``mean(a) - mean(b)`` with a t interval; ``paired``: the i-th runs share a seed."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if paired and a.size == b.size and a.size > 1:
        d = a - b
        value, se, df = d.mean(), d.std(ddof=1) / np.sqrt(d.size), d.size - 1
    else:
        value = a.mean() - b.mean()
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else 1  # Welch
    if not np.isfinite(se) or se == 0:
        return Estimate(float(value), float(value), float(value))
    half = stats.t.ppf(0.5 + confidence / 2, df) * se
    return Estimate(float(value), float(value - half), float(value + half))


def vargha_delaney(a, b, confidence: float = 0.95, resamples: int = 2000, seed: int = 0) -> Estimate:
    """Vargha-Delaney A of ``a`` over ``b``: P(a > b) + P(a = b) / 2, with a percentile bootstrap interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)

    def measure(x, y, axis=-1):
        gt = (x[..., :, None] > y[..., None, :]).mean(axis=(-1, -2))
        eq = (x[..., :, None] == y[..., None, :]).mean(axis=(-1, -2))
        return gt + 0.5 * eq

    value = float(measure(a, b))
    if a.size < 2 or b.size < 2 or np.all(a == a[0]) and np.all(b == b[0]):
        return Estimate(value, value, value)
    res = stats.bootstrap(
        (a, b),
        measure,
        vectorized=True,
        paired=False,
        confidence_level=confidence,
        n_resamples=resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return Estimate(value, float(res.confidence_interval.low), float(res.confidence_interval.high))
