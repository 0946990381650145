"""The people affected, as numpy arrays: circumstances that come and go, and an outcome.

Each person holds K boolean circumstances. Every week a person without circumstance ``c``
acquires it with probability ``onset[c] * (1 + sum_j raises[j, c] * x_j)`` and a person
with it loses it with probability ``1 / duration[c]``. The outcome is drawn each week with
probability ``sigmoid(baseline + sum_c weight[c] * x_c)``; the weights are hidden from
every agent. Only the week's events are drawn (thinning), so a step costs O(events + N).
"""

from __future__ import annotations

from collections import deque

import numpy as np


class People:
    """The people affected by the problem.

    Args:
        spec: the scenario's :class:`sim.scenario.spec.PopulationSpec`.
        size: number of people.
        rng: the model's numpy Generator.

    """

    def __init__(self, spec, size: int, rng: np.random.Generator):
        self.rng = rng
        circs = spec.circumstances
        self.names = tuple(c.name for c in circs)
        self.groups = tuple(c.group or c.name for c in circs)
        self.labels = tuple(c.display for c in circs)
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
        # per circumstance, fixed: 1 + the sum of all that could raise it
        self._boost_total = 1.0 + self.raises.sum(axis=0)
        self._event_circumstance = np.tile(np.arange(k), 2)  # onsets of each c, then resolutions
        self._event_rates: tuple | None = None
        self.weights = np.array([c.weight for c in circs])
        self._risk_weights = np.clip(self.weights, 0, None)  # the positive weights: what carries excess risk
        self.baseline = spec.baseline
        codes = np.arange(2**k)
        bits = (codes[:, None] >> np.arange(k)) & 1
        self._p_by_code = 1.0 / (1.0 + np.exp(-(self.baseline + bits @ self.weights)))
        self._bit = (1 << np.arange(k)).astype(np.uint16)
        self._bits = bits.astype(float)
        # for each combination of circumstances (a code), 1 + what raises each circumstance
        self._own_onset = 1.0 + self._bits @ self.raises
        self._outcome_rate: tuple | None = None
        self._prevalence: np.ndarray | None = None
        self.keep_weeks = 1  # weeks of records kept for the diagnosis (set by the model)
        self.pattern_cache: dict = {}  # the diagnosis's counts of each kept week, forgotten with it
        self._draws = 0
        self.prevalence_from = "observed"  # how the diagnosis reads prevalence (set by the model)
        self._recent: deque = deque()
        # start near the steady state: draw each circumstance, then let raises act
        self.x = rng.random((self.n, k)) < prevalence
        self.code = (self.x.astype(np.uint16) * self._bit).sum(axis=1).astype(np.uint16)
        self.outcome = np.zeros(self.n, dtype=bool)
        for _ in range(4):
            self.change()
        self.draw_outcomes()

    # -- weekly dynamics -------------------------------------------------
    def change(self) -> None:
        """Circumstances change: the week's onsets and resolutions, all from the week's start.

        Candidate onsets of ``c`` are drawn at the largest rate any person can have and
        accepted with the person's own rate over that maximum (thinning); resolutions at
        ``1 / duration``. Every count, person and acceptance is drawn in one call each.
        """
        rng, n, k, x = self.rng, self.n, self.k, self.x
        key = self.onset_factor.tobytes() + self.base_onset.tobytes()
        if self._event_rates is None or self._event_rates[0] != key:
            # the largest onset rate anyone can have, then the resolution rate, per circumstance
            onset = self.base_onset * self.onset_factor
            capped = onset * self._boost_total > 1.0  # a chance of 1 a week: the candidates come at that
            onset_max = np.minimum(1.0, onset * self._boost_total)
            self._event_rates = (key, np.concatenate([onset_max, self.resolve_rate]), onset if capped.any() else None)
        counts = rng.binomial(n, self._event_rates[1])
        total = int(counts.sum())
        n_onsets = int(counts[:k].sum())
        # one uniform draw gives every event's person, and each onset's acceptance
        u = rng.random(total + n_onsets)
        who = (u[:total] * n).astype(np.int64)
        which = np.repeat(self._event_circumstance, counts)
        on, on_c, off, off_c = who[:n_onsets], which[:n_onsets], who[n_onsets:], which[n_onsets:]
        # accepted with the person's own rate over the largest: (1 + what raises c now) / (1 + all that could)
        own = self._own_onset[self.code[on], on_c]
        onset = self._event_rates[2]
        if onset is None:
            gain = ~x[on, on_c] & (u[total:] * self._boost_total[on_c] < own)
        else:  # raises so strong that some largest rate is capped at 1: accept at the own rate over the largest
            largest = self._event_rates[1][:k][on_c]
            gain = ~x[on, on_c] & (u[total:] * largest < np.minimum(1.0, onset[on_c] * own))
        lose = x[off, off_c]
        on, on_c, off, off_c = on[gain], on_c[gain], off[lose], off_c[lose]
        x[on, on_c] = True
        x[off, off_c] = False
        self._recode(np.concatenate([on, off]))

    def draw_outcomes(self) -> None:
        """Draw this week's outcome for everyone."""
        p = self._p_by_code.take(self.code)  # (take: the same as indexing, cheaper)
        self.outcome = self.rng.random(self.n) < p
        self._outcome_rate = None
        self._expected_rate = float(p.sum()) / self.n if self.n else 0.0
        self._draws += 1
        if self.keep_weeks > 1:  # keep the week's circumstances and outcomes: codes change in place
            self._recent.append((self._draws, self.code.copy(), self.outcome))
            if len(self._recent) > self.keep_weeks:
                gone = self._recent.popleft()[0]
                for key in [key for key in self.pattern_cache if key[0] == gone]:
                    del self.pattern_cache[key]

    def recent(self) -> tuple:
        """The last ``keep_weeks`` weeks' circumstances and outcomes, stacked, and how many weeks.

        Returns:
            ``(codes, outcomes, weeks)``: person-weeks in week order (``weeks * n`` of each);
            with ``keep_weeks`` 1, this week's arrays themselves.
        """
        _, codes, outcomes = zip(*self.recent_weeks(), strict=True)
        if len(codes) == 1:
            return codes[0], outcomes[0], 1
        return np.concatenate(codes), np.concatenate(outcomes), len(codes)

    def recent_weeks(self) -> list:
        """The kept weeks as ``(week, codes, outcomes)``; none kept: this week's arrays, week ``None``."""
        if self.keep_weeks <= 1 or not self._recent:
            return [(None, self.code, self.outcome)]
        return list(self._recent)

    def _recode(self, idx: np.ndarray) -> None:
        """Recompute the circumstance codes of ``idx`` from ``x`` (and forget the cached prevalence)."""
        self.code[idx] = self.x[idx].view(np.uint8) @ self._bit
        self._prevalence = None

    # -- what interventions do --------------------------------------------
    def resolve(self, idx: np.ndarray, circumstances: np.ndarray) -> int:
        """Case work resolves ``circumstances[j]`` for person ``idx[j]``; returns how many had it.

        The pairs ``(idx[j], circumstances[j])`` must be distinct.
        """
        had = self.x[idx, circumstances]
        idx = idx[had]
        self.x[idx, circumstances[had]] = False
        self._recode(idx)
        return int(idx.size)

    def lower_onset(self, c: int, effect: float) -> None:
        """A system change lowers the onset of ``c`` for everyone by ``effect``."""
        self.onset_factor[c] *= 1.0 - effect

    # -- who is touched, and how far a mission is from the problem ---------
    def draw_reach(self, share: float, touches: list, focus: float) -> np.ndarray:
        """Indices of the people an agent touches.

        Each person is touched with probability ``share``, or ``max(share, focus)`` when
        they have one of the ``touches`` circumstances (column indices) now.
        """
        p = np.full(self.n, share)
        if touches and focus > 0:
            p[self.x[:, touches].any(axis=1)] = max(share, focus)
        return np.flatnonzero(self.rng.random(self.n) < p)

    def redraw_reach(self, reach: np.ndarray, who: np.ndarray, share: float, touches: list, focus: float):
        """``reach`` (sorted) with the people ``who`` drawn again by :meth:`draw_reach`'s rule, as they are now."""
        p = np.full(who.size, share)
        if touches and focus > 0:
            p[self.x[who][:, touches].any(axis=1)] = max(share, focus)
        member = np.zeros(self.n, dtype=bool)
        member[reach] = True
        member[who] = self.rng.random(who.size) < p
        return np.flatnonzero(member)

    def mission_distance(self, mission: dict) -> float:
        """``1 - cos(mission, problem)`` over the circumstances and the outcome.

        The problem is ``(w+ / |w+|, 1)``: the positive hidden weights, and the outcome itself.
        """
        w = np.clip(self.weights, 0, None)
        problem = np.append(w / (np.linalg.norm(w) or 1.0), 1.0)
        m = np.array([mission.get(n, 0.0) for n in self.names] + [mission.get("outcome", 0.0)])
        norm = np.linalg.norm(m) * np.linalg.norm(problem)
        return float(1.0 - m @ problem / norm) if norm > 0 else 1.0

    def group_label(self, group: str) -> str:
        """A group of circumstances in words: its name, or the label of a circumstance alone in it."""
        return self.labels[self.names.index(group)] if group in self.names else group.replace("_", " ")

    def mission_theory(self, mission: dict) -> np.ndarray:
        """What a mission says the causes are: its positive weights over circumstances, normalised.

        All zeros for a mission that names only the outcome (no theory of the causes).
        """
        weights = np.array([max(float(mission.get(n, 0.0)), 0.0) for n in self.names])
        total = weights.sum()
        return weights / total if total > 0 else weights

    # -- what can be measured ---------------------------------------------
    @property
    def outcome_rate(self) -> float:
        """Share of people with the outcome this week."""
        if self._outcome_rate is None or self._outcome_rate[0] is not self.outcome:
            self._outcome_rate = (self.outcome, np.count_nonzero(self.outcome) / self.n if self.n else 0.0)
        return self._outcome_rate[1]

    def prevalence(self) -> np.ndarray:
        """Current share of people with each circumstance (computed once per change of circumstances)."""
        if self._prevalence is None:
            self._prevalence = self._bits.T @ self.code_counts() / self.n
        return self._prevalence

    def code_counts(self) -> np.ndarray:
        """How many people have each combination of circumstances (bit ``c`` of the code)."""
        return np.bincount(self.code, minlength=self._bits.shape[0]).astype(float)

    def expected_rate(self) -> float:
        """Expected outcome rate of this week's draw: its probabilities, without the draw noise."""
        return self._expected_rate

    def true_shares(self) -> np.ndarray:
        """Each circumstance's share of the excess outcome risk (the hidden truth).

        The share of ``c`` is ``weight[c] * prevalence[c]``, positive parts, normalised.
        """
        contrib = self._risk_weights * self.prevalence()
        total = contrib.sum()
        return contrib / total if total > 0 else contrib
