"""The optimized paths give exactly what the straightforward computations give.

Each reference below is the plain version the optimization replaced (the N-row least
squares, ``np.unique`` unions, per-node loops, de-duplicated event sets, ``x.mean``), kept
here as the definition. Equality is exact (``array_equal``, ``==``), and for whole runs the
random generator must end in the same state: same draws, in the same order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.model.interventions as interventions
import sim.model.model as model_module
from sim.model.diagnosis import Diagnosis, diagnose, no_diagnosis, pooled_records, record_codes
from sim.model.interventions import choose_offers
from sim.model.model import CoalitionModel
from sim.model.organization import AT_TABLE_STATES, Organization, State
from sim.model.people import People
from sim.scenario.load import Circumstance
from sim.scenario.roles import Capability
from sim.scenario.spec import PopulationSpec

# -- references ------------------------------------------------------------------------


def reference_diagnose(x, outcome, sources, names, true_shares, code=None) -> Diagnosis:
    """Least squares on the N-row design of pooled records (the definition; ``code`` is ignored)."""
    k = x.shape[1]
    records = pooled_records(x, sources)
    cols = np.flatnonzero(records.any(axis=0))
    if cols.size == 0:
        return no_diagnosis(k)
    design = np.empty((x.shape[0], cols.size + 1))
    design[:, 0] = 1.0
    design[:, 1:] = records[:, cols]
    gram = design.T @ design
    rhs = design.T @ outcome.astype(float)
    beta = np.linalg.lstsq(gram, rhs, rcond=None)[0][1:]
    shares = np.zeros(k)
    shares[cols] = np.clip(beta, 0, None) * design[:, 1:].mean(axis=0)
    total = shares.sum()
    if total <= 0:
        return Diagnosis(np.zeros(k), 0.0, "", tuple(names[c] for c in cols))
    shares /= total
    accuracy = float(np.minimum(shares, true_shares).sum())
    return Diagnosis(shares, accuracy, names[int(np.argmax(shares))], tuple(names[c] for c in cols))


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
        rates += [self.resolve_rate[c] for c in range(k)]
        counts = rng.binomial(n, rates)
        n_onsets = int(sum(counts[:k]))
        u = rng.random(int(sum(counts)) + n_onsets)
        events = [(int(u[e] * n), c % k, c < k) for e, c in enumerate(np.repeat(np.arange(2 * k), counts))]
        for e, (i, c, onset) in enumerate(events):
            if onset:
                own = 1.0 + start[i] @ self.raises[:, c]
                if not start[i, c] and u[len(events) + e] * (1.0 + self.raises[:, c].sum()) < own:
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


def reference_case_reach(self) -> np.ndarray:
    """The union of the case workers' reach by ``np.unique`` (no cache)."""
    workers = self.committed_able_to(Capability.CASE_WORK)
    workers += [p for p in self.partners if p.at_table and p.can(Capability.CASE_WORK)]
    parts = [w.reach for w in workers]
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def reference_at_table_mask(model) -> np.ndarray:
    mask = np.zeros(model.n_nodes, dtype=bool)
    for o in model.organizations:
        mask[o.node] = o.state in AT_TABLE_STATES
    mask[model.leader.node] = model.leader.active
    for p in model.partners:
        mask[p.node] = p.at_table
    return mask


def reference_mean_trust(model) -> float:
    active = np.ones(model.n_nodes, dtype=bool)
    for o in model.organizations:
        active[o.node] = o.state != State.LEFT
    return model.trust.mean(active)


# -- strategies ----------------------------------------------------------------------------


@st.composite
def records_case(draw):
    """A small hidden state, an outcome and some shared sources."""
    n = draw(st.integers(1, 60))
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


def same_diagnosis(a: Diagnosis, b: Diagnosis) -> bool:
    return (
        np.array_equal(a.shares, b.shares)
        and a.accuracy == b.accuracy
        and a.cause == b.cause
        and a.recorded == b.recorded
    )


# -- the optimized paths against the references --------------------------------------------


@given(records_case())
@settings(max_examples=150, deadline=None)
def test_record_codes_are_the_pooled_records(case):
    x, _, sources, _, _ = case
    codes = record_codes(x, sources)
    bits = (codes[:, None].astype(np.int64) >> np.arange(x.shape[1])) & 1
    assert np.array_equal(bits.astype(bool), pooled_records(x, sources))
    as_codes = (x * (1 << np.arange(x.shape[1]))).sum(axis=1).astype(np.uint16)  # x as the model keeps it
    assert np.array_equal(record_codes(x, sources, as_codes), codes)


@given(records_case())
@settings(max_examples=200, deadline=None)
def test_diagnose_equals_least_squares_on_all_rows(case):
    with np.errstate(all="ignore"):
        assert same_diagnosis(diagnose(*case), reference_diagnose(*case))


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


@given(st.integers(1, 500), st.lists(st.lists(st.integers(0, 499), max_size=60), max_size=8))
@settings(max_examples=100, deadline=None)
def test_union_by_mask_equals_unique(n, parts):
    parts = [np.array([i % n for i in p], dtype=np.int64) for p in parts]
    union = np.zeros(n, dtype=bool)
    for part in parts:
        union[part] = True
    expected = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    got = np.flatnonzero(union)
    assert np.array_equal(got, expected) and got.dtype == expected.dtype


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


# -- whole runs: optimized model against the model built on the references -----------------


def run_pair(monkeypatch, scenario, steps, seed, **params):
    fast = CoalitionModel(scenario, rng=seed, steps=steps, **params)
    with monkeypatch.context() as m:
        m.setattr(model_module, "People", ReferencePopulation)
        m.setattr(model_module, "diagnose", reference_diagnose)
        m.setattr(CoalitionModel, "case_reach", reference_case_reach)
        m.setattr(interventions, "choose_offers", reference_choose_offers)
        slow = CoalitionModel(scenario, rng=seed, steps=steps, **params)
        for model in (fast, slow):
            while model.running:
                model.step()
                if model is fast:
                    assert np.array_equal(fast.at_table_mask(), reference_at_table_mask(fast))
                    assert fast.mean_trust == reference_mean_trust(fast)
                    assert np.array_equal(fast.case_reach(), reference_case_reach(fast))
    return fast, slow


@pytest.mark.parametrize(
    ("seed", "params"),
    [
        (0, {}),
        (1, {"leader": "point"}),
        (2, {"initial_trust": 0.5, "community": "consulted"}),
        (3, {"missing_role": "data", "patience": 8}),
    ],
)
def test_teaching_run_is_unchanged(monkeypatch, seed, params):
    fast, slow = run_pair(monkeypatch, "chicago_absenteeism", 120, seed, **params)
    a, b = fast.datacollector, slow.datacollector
    assert a.get_model_vars_dataframe().equals(b.get_model_vars_dataframe())
    assert a.get_agenttype_vars_dataframe(Organization).equals(b.get_agenttype_vars_dataframe(Organization))
    assert np.array_equal(fast.people.x, slow.people.x)
    assert fast.rng.random() == slow.rng.random()
