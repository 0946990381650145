"""The people affected, as numpy arrays: circumstances that come and go, and an outcome.

Each person holds K boolean circumstances. Every week a person without circumstance ``c``
acquires it with probability ``onset[c] * (1 + sum_j raises[j, c] * x_j)`` and a person
with it loses it with probability ``1 / duration[c]``. The outcome is drawn each week with
probability ``sigmoid(baseline + sum_c weight[c] * x_c)``; the weights are hidden from
every agent. Only the week's events are drawn (thinning), so a step costs O(events + N).
"""

from __future__ import annotations

import numpy as np


class Population:
    """The people affected by the problem.

    Args:
        spec: the scenario's :class:`sim.scenario.Population`.
        size: number of people.
        rng: the model's numpy Generator.

    """

    MAX_CIRCUMSTANCES = 12

    def __init__(self, spec, size: int, rng: np.random.Generator):
        self.rng = rng
        circs = spec.circumstances
        self.names = tuple(c.name for c in circs)
        self.groups = tuple(c.group or c.name for c in circs)
        k = len(circs)
        self.n = int(size)
        self.k = k
        prevalence = np.array([c.prevalence for c in circs])
        self.resolve_rate = 1.0 / np.array([c.duration for c in circs])
        # onset chosen so that, without raises, the steady state equals the prevalence
        self.base_onset = prevalence * self.resolve_rate / (1.0 - prevalence)
        self.onset_factor = np.ones(k)
        self.raises = np.zeros((k, k))
        index = {name: i for i, name in enumerate(self.names)}
        for j, c in enumerate(circs):
            for target, strength in c.raises.items():
                self.raises[j, index[target]] = strength
        self.weights = np.array([c.weight for c in circs])
        self.baseline = spec.baseline
        codes = np.arange(2**k)
        bits = (codes[:, None] >> np.arange(k)) & 1
        self._p_by_code = 1.0 / (1.0 + np.exp(-(self.baseline + bits @ self.weights)))
        self._bit = (1 << np.arange(k)).astype(np.uint16)
        # start near the steady state: draw each circumstance, then let raises act
        self.x = rng.random((self.n, k)) < prevalence
        self.code = (self.x.astype(np.uint16) * self._bit).sum(axis=1).astype(np.uint16)
        self.outcome = np.zeros(self.n, dtype=bool)
        for _ in range(4):
            self.change()
        self.draw_outcomes()

    # -- weekly dynamics -------------------------------------------------
    def change(self) -> None:
        """Circumstances change: the week's onsets and resolutions."""
        rng, n = self.rng, self.n
        for c in range(self.k):
            boost = self.raises[:, c]
            onset_max = min(1.0, self.base_onset[c] * self.onset_factor[c] * (1.0 + boost.sum()))
            if onset_max > 0:
                idx = rng.integers(0, n, rng.binomial(n, onset_max))
                idx = idx[~self.x[idx, c]]
                if boost.any():
                    accept = (1.0 + self.x[idx] @ boost) / (1.0 + boost.sum())
                    idx = idx[rng.random(idx.size) < accept]
                self._set(idx, c, True)
            idx = rng.integers(0, n, rng.binomial(n, self.resolve_rate[c]))
            self._set(idx[self.x[idx, c]], c, False)

    def draw_outcomes(self) -> None:
        """Draw this week's outcome for everyone."""
        self.outcome = self.rng.random(self.n) < self._p_by_code[self.code]

    def _set(self, idx: np.ndarray, c: int, value: bool) -> None:
        idx = np.unique(idx)
        idx = idx[self.x[idx, c] != value]
        self.x[idx, c] = value
        if value:
            self.code[idx] |= self._bit[c]
        else:
            self.code[idx] &= ~self._bit[c]

    # -- what interventions do --------------------------------------------
    def resolve(self, idx: np.ndarray, c: int) -> int:
        """Case work resolves circumstance ``c`` for ``idx``; returns how many had it."""
        idx = np.unique(idx)
        had = idx[self.x[idx, c]]
        self._set(had, c, False)
        return int(had.size)

    def lower_onset(self, c: int, effect: float) -> None:
        """A system change lowers the onset of ``c`` for everyone by ``effect``."""
        self.onset_factor[c] *= 1.0 - effect

    # -- what can be measured ---------------------------------------------
    @property
    def outcome_rate(self) -> float:
        """Share of people with the outcome this week."""
        return float(self.outcome.mean()) if self.n else 0.0

    def prevalence(self) -> np.ndarray:
        """Current share of people with each circumstance."""
        return self.x.mean(axis=0)

    def expected_rate(self) -> float:
        """Expected outcome rate given current circumstances (no draw noise)."""
        return float(self._p_by_code[self.code].mean())

    def true_shares(self) -> np.ndarray:
        """Each circumstance's share of the excess outcome risk (the hidden truth).

        The share of ``c`` is ``weight[c] * prevalence[c]``, positive parts, normalised.
        """
        contrib = np.clip(self.weights, 0, None) * self.prevalence()
        total = contrib.sum()
        return contrib / total if total > 0 else contrib
