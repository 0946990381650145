"""The fast paths give what the plain computations they replaced give.

Each reference below is the straightforward version of a fast path, written differently
on purpose: the people's week event by event in Python, case offers drawn circumstance by
circumstance, and each circumstance's regression on one row per person with
``numpy.linalg.lstsq``. The people and the offers must match exactly (same draws in the
same order); the regression to floating-point precision.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.diagnosis import MIN_OBSERVED, _pinvs, estimate
from sim.model.interventions import choose_offers
from sim.model.people import People
from sim.model.records import WEEKLY_BITS, observation_codes, patterns, weekly_patterns
from sim.scenario.load import Circumstance
from sim.scenario.spec import PopulationSpec

# -- references ------------------------------------------------------------------------


def reference_effect(x, y, observed, c):
    """Circumstance ``c``'s effect by least squares on one row per observing person."""
    rows = observed[:, c]
    columns = [np.ones(rows.sum()), x[rows, c]]
    for d in range(x.shape[1]):
        o = observed[rows, d]
        if d == c or not o.any():
            continue
        columns.append(x[rows, d] & o)
        if not o.all():
            columns.append(o)
    design = np.column_stack(columns).astype(float)
    return np.linalg.lstsq(design, y[rows].astype(float), rcond=None)[0][1]


class ReferencePopulation(People):
    """The people, with the plain weekly update: every event set de-duplicated and re-checked."""

    def change(self) -> None:
        """Event by event in Python, every rate from the state at the start of the week."""
        rng, n, k = self.rng, self.n, self.k
        start = self.x.copy()
        rates = []
        for c in range(k):
            boost = self.raises[:, c]
            rates.append(min(1.0, self.base_onset[c] * self.onset_factor[c] * (1.0 + boost.sum())))
        # raises so strong that some largest onset is capped at 1: each is accepted at its own rate over the largest
        capped = any(
            self.base_onset[c] * self.onset_factor[c] * (1.0 + self.raises[:, c].sum()) > 1.0 for c in range(k)
        )
        rates += [self.resolve_rate[c] for c in range(k)]
        counts = rng.binomial(n, rates)
        n_onsets = int(sum(counts[:k]))
        u = rng.random(int(sum(counts)) + n_onsets)
        events = [(int(u[e] * n), c % k, c < k) for e, c in enumerate(np.repeat(np.arange(2 * k), counts))]
        for e, (i, c, onset) in enumerate(events):
            if onset:
                own = 1.0 + start[i] @ self.raises[:, c]
                if capped:
                    accept = u[len(events) + e] * rates[c] < min(1.0, self.base_onset[c] * self.onset_factor[c] * own)
                else:
                    accept = u[len(events) + e] * (1.0 + self.raises[:, c].sum()) < own
                if not start[i, c] and accept:
                    self._set(np.array([i]), c, True)
            elif start[i, c]:
                self._set(np.array([i]), c, False)

    def _set(self, idx, c, value) -> None:
        idx = np.unique(idx)
        idx = idx[self.x[idx, c] != value]
        self.x[idx, c] = value
        if value:
            self.code[idx] |= self._bit[c]
        else:
            self.code[idx] &= ~self._bit[c]

    def resolve(self, idx, circumstances) -> int:
        resolved = 0
        for i, c in zip(idx, circumstances, strict=True):
            if self.x[i, c]:
                self._set(np.array([i]), c, False)
                resolved += 1
        return resolved

    @property
    def outcome_rate(self) -> float:
        return float(self.outcome.mean()) if self.n else 0.0

    def prevalence(self) -> np.ndarray:
        return self.x.mean(axis=0)


@st.composite
def records_case(draw):
    """A small hidden state, an outcome and some shared sources."""
    n = draw(st.integers(1, 120))
    k = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.random((n, k)) < rng.random(k)
    outcome = rng.random(n) < draw(st.floats(0, 1))
    sources = []
    for _ in range(draw(st.integers(0, 5))):
        people = np.unique(rng.integers(0, n, rng.integers(0, 2 * n + 1)))
        circs = np.unique(rng.integers(0, k, rng.integers(0, k + 1)))
        sources.append((people, circs))
    shares = rng.random(k)
    return x, outcome, sources, [f"c{i}" for i in range(k)], shares / shares.sum()


@st.composite
def population_spec(draw):
    """A small population spec: circumstances that raise each other."""
    k = draw(st.integers(1, 7))
    names = [f"c{i}" for i in range(k)]
    circs = []
    for i in range(k):
        raises = {}
        for j in range(k):
            if j != i and draw(st.booleans()):
                raises[names[j]] = draw(st.sampled_from([0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.7]))
        circs.append(
            Circumstance(
                name=names[i],
                prevalence=draw(st.floats(0.01, 0.6)),
                duration=draw(st.floats(1, 60)),
                weight=draw(st.floats(-2, 2)),
                raises=raises,
            )
        )
    return PopulationSpec(
        size=1, outcome="o", baseline=draw(st.floats(-3, 1)), circumstances=tuple(circs), target_rate=0.2, hold_steps=4
    )


# -- the fast paths against the references ------------------------------------------------


@given(records_case())
@settings(max_examples=150, deadline=None)
def test_each_effect_equals_least_squares_on_every_observing_person(case):
    x, outcome, sources, _, _ = case
    n, k = x.shape
    observed = observation_codes(n, sources)
    code = (x * (1 << np.arange(k))).sum(axis=1).astype(np.uint32)
    effects, _, known, observing = estimate(code, outcome, observed, k)
    seen = ((observed[:, None] >> np.arange(k)) & 1).astype(bool)
    for c in range(k):
        if seen[:, c].sum() >= MIN_OBSERVED:
            assert effects[c] == pytest.approx(reference_effect(x & seen, outcome, seen, c), abs=1e-9)
        else:
            assert np.isnan(effects[c])
    assert np.array_equal(known, (x & seen).sum(axis=0))
    assert np.array_equal(observing, seen.sum(axis=0))


@given(st.lists(st.tuples(st.integers(1, 8), st.integers(0, 3), st.integers(0, 2**32 - 1)), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_stacked_pseudo_inverses_equal_numpy_pinv_bit_for_bit(shapes):
    """The diagnosis inverts its grams a size at a time; each must be numpy's pinv exactly."""
    grams = {}
    for i, (p, collinear, seed) in enumerate(shapes):
        design = np.random.default_rng(seed).integers(0, 2, (30, p)).astype(float)
        design[:, : min(collinear, p)] = design[:, :1]  # repeated columns: a singular gram
        grams[i] = design.T @ design
    inverses = _pinvs(grams)
    for i, gram in grams.items():
        assert np.array_equal(inverses[i], np.linalg.pinv(gram))


@given(population_spec(), st.integers(1, 400), st.integers(0, 2**32 - 1), st.data())
@settings(max_examples=40, deadline=None)
def test_population_week_draws_the_same(spec, n, seed, data):
    fast = People(spec, n, np.random.default_rng(seed))
    slow = ReferencePopulation(spec, n, np.random.default_rng(seed))
    for week in range(12):
        for p in (fast, slow):
            p.change()
            p.draw_outcomes()
        if week % 3 == 2:  # case work and a system change, as interventions do them
            c = data.draw(st.integers(0, spec_k(spec) - 1))
            idx = np.unique(np.random.default_rng(week).integers(0, n, n // 2 + 1))
            cs = np.full(idx.size, c)
            assert fast.resolve(idx, cs) == slow.resolve(idx, cs)
            fast.lower_onset(c, 0.3)
            slow.lower_onset(c, 0.3)
        assert np.array_equal(fast.x, slow.x)
        assert np.array_equal(fast.code, slow.code)
        assert np.array_equal(fast.outcome, slow.outcome)
        assert fast.outcome_rate == slow.outcome_rate
        assert np.array_equal(fast.prevalence(), slow.prevalence())
        assert np.array_equal(fast.true_shares(), slow.true_shares())
    assert fast.rng.random() == slow.rng.random()


def spec_k(spec) -> int:
    return len(spec.circumstances)


def reference_choose_offers(x, reach, wanted, rng):
    """Per circumstance in turn: the reached people who have it, by their random keys, the first wanted[c]."""
    causes = [c for c in range(x.shape[1]) if wanted[c] > 0]
    eligible = {c: [i for i in reach if x[i, c]] for c in causes}
    keys = iter(rng.random(sum(len(e) for e in eligible.values())))
    people, circumstances = [], []
    for c in causes:
        keyed = {i: next(keys) for i in eligible[c]}
        ranked = sorted(eligible[c], key=keyed.get)
        people += ranked[: wanted[c]]
        circumstances += [c] * len(ranked[: wanted[c]])
    return np.array(people, dtype=np.int64), np.array(circumstances, dtype=np.int64)


@given(st.integers(1, 300), st.integers(1, 8), st.integers(0, 2**32 - 1), st.data())
@settings(max_examples=100, deadline=None)
def test_case_offers_equal_a_per_circumstance_draw(n, k, seed, data):
    rng = np.random.default_rng(seed)
    x = rng.random((n, k)) < rng.random(k)
    reach = np.unique(rng.integers(0, n, rng.integers(0, n + 1)))
    wanted = np.array(data.draw(st.lists(st.integers(0, n), min_size=k, max_size=k)))
    got = choose_offers(x, reach, wanted, np.random.default_rng(seed + 1))
    expected = reference_choose_offers(x, reach, wanted, np.random.default_rng(seed + 1))
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    pairs = set(zip(got[0].tolist(), got[1].tolist(), strict=True))
    assert len(pairs) == got[0].size and all(x[i, c] for i, c in pairs)


@given(records_case(), st.integers(1, 4))
@settings(max_examples=80, deadline=None)
def test_each_weeks_own_counts_sum_to_the_stacked_weeks_counts(case, n_weeks):
    """The diagnosis counts a quarter's records week by week (and reuses a week's counts): the same numbers."""
    x, outcome, sources, _, _ = case
    n, k = x.shape
    if 2 * k > WEEKLY_BITS:
        k, x = WEEKLY_BITS // 2, x[:, : WEEKLY_BITS // 2]
        sources = [(people, circs[circs < k]) for people, circs in sources]
    observed = observation_codes(n, sources)
    rng = np.random.default_rng(n_weeks)
    weeks = []
    for week in range(n_weeks):
        xs = x if week == 0 else rng.random(x.shape) < 0.3
        y = outcome if week == 0 else rng.random(n) < 0.2
        weeks.append((week, (xs * (1 << np.arange(k))).sum(axis=1).astype(np.uint16), y))
    everyone = np.tile(observed, n_weeks)
    codes = np.concatenate([code for _, code, _ in weeks]).astype(np.uint32) & everyone
    stacked = patterns(codes, everyone, np.concatenate([y for *_, y in weeks]).astype(float), k)
    cache: dict = {}
    for _ in range(2):  # counted, then read back from the cache
        for mine, theirs in zip(weekly_patterns(weeks, observed, k, cache), stacked, strict=True):
            assert np.array_equal(mine, theirs)
