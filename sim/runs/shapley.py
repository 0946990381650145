"""Who needs to be at the table? Shapley values of organizations.

The value of a coalition ``S`` of organizations is what it achieves when only the
organizations in ``S`` exist in the scenario (the others are removed from it, with their
ties), estimated over seeded replicates. By default (``value="reduction"``) that is how far
the rate falls over the run, the expected rate in week 0 minus the final rate (a
continuous measure, the project's standard); ``value="goal"`` takes the probability of
reaching the goal instead, which is 0 for every coalition when no arm reaches the goal
within the horizon. The value of the empty coalition is 0 by convention: with nobody at the
table nothing is done about the problem (the rate only drifts around its steady state).
P(goal) of every coalition is kept beside either way.

Each organization's Shapley value is its marginal contribution ``v(P_i + i) - v(P_i)``
averaged over random orderings of organizations joining (``P_i`` is the set that joined
before it), estimated by Monte Carlo over orderings. Every coalition is run with the same
seeds (common random numbers), so that differences between coalitions are not swamped by
noise, and each coalition's value is computed once (cached). Confidence intervals come
from a bootstrap that resamples both the orderings and the seeds.

The smallest coalition reaching a share (``threshold``, 0.8) of everyone's value is found
greedily: add organizations in order of Shapley value until the coalition reaches the
threshold, then drop any member whose removal keeps it there (a heuristic, not a search
of every subset).

Runs go through the sweep engine's executors (:mod:`sim.runs.replicates`), each coalition
as a :class:`sim.scenario.Scenario` object; a script that calls these functions with
``workers > 0`` needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from sim.runs.replicates import DEFAULT_WORKERS, replicate_seeds, replicates, run_many, sweep_settings
from sim.runs.shapley_table import VALUES, ShapleyRow, ShapleyTable
from sim.runs.spec import MAX_RUNS  # as many runs as a sweep may have
from sim.scenario.load import Scenario, load_scenario

__all__ = [
    "VALUES",
    "ShapleyRow",
    "ShapleyTable",
    "replicate_seeds",
    "replicates",
    "restrict",
    "run_many",
    "shapley_table",
    "sweep_settings",
]
SUCCESS_THRESHOLD = 0.8
MAX_MEMBERSHIPS = 50_000_000  # organizations in every sampled ordering's coalitions, held at once


def plan_problem(n_organizations: int, permutations: int, replicates: int) -> tuple[str, str]:
    """What makes a table too big to run, and the option to change; ``("", "")`` when it is not.

    Returns:
        ``(option, words)``: ``"permutations"`` when the coalitions' memberships would not fit in
        memory, ``"replicates"`` when the runs are more than a sweep may have.
    """
    n = n_organizations
    memberships = permutations * n * (n + 1) // 2
    if memberships > MAX_MEMBERSHIPS:
        return "permutations", (
            f"{permutations:,} orderings of {n:,} organizations make coalitions of {memberships:,} members in all, "
            f"held in memory at once (at most {MAX_MEMBERSHIPS:,}); take fewer permutations"
        )
    runs = min(2**n, (permutations + 1) * n + 1) * replicates
    if runs > MAX_RUNS:
        return "replicates", f"{runs:,} runs is more than {MAX_RUNS:,}; take fewer replicates or permutations"
    return "", ""


# -- scenarios restricted to a coalition ---------------------------------------------------
def restrict(spec: Scenario, members: Iterable[str]) -> Scenario:
    """Return the scenario with only the organizations named in ``members`` (and their ties).

    A scenario's leader must belong to the sector of some organization; when no member of
    its home sector is left, it moves to the sector of the first member left (which only
    matters for a point leader and for the leader's starting ties).
    """
    keep = set(members)
    orgs = tuple(o for o in spec.organizations if o.name in keep)
    if not orgs:
        raise ValueError("a scenario needs at least one organization")
    names = {o.name for o in orgs} | {p.name for p in spec.community} | {spec.leader.name}
    ties = tuple(t for t in spec.network.ties if t[0] in names and t[1] in names)
    leader = spec.leader
    if leader.sector not in {o.sector for o in orgs}:
        leader = leader.model_copy(update={"sector": orgs[0].sector})
    network = spec.network.model_copy(update={"ties": ties})
    return spec.model_copy(update={"organizations": orgs, "leader": leader, "network": network})


# -- Shapley values ------------------------------------------------------------------------
class CoalitionValues:
    """A coalition's value (and its P(goal)) per seed, run with common seeds and cached.

    Args:
        scenario: a scenario name or path.
        seeds: the seeds every coalition is run with.
        params: model keyword parameters for every run.
        workers: processes.
        value: a key of :data:`VALUES`.

    """

    def __init__(
        self,
        scenario: str,
        seeds: Sequence[int],
        params: dict | None = None,
        workers: int = 2,
        value: str = "reduction",
    ):
        if value not in VALUES:
            raise ValueError(f"value must be one of {', '.join(VALUES)}, not {value!r}")
        self.spec = load_scenario(scenario)
        self.names = tuple(o.name for o in self.spec.organizations)
        self.seeds = list(seeds)
        self.params = dict(params or {})
        self.workers = workers
        self.kind = value
        self.results: dict[frozenset, np.ndarray] = {frozenset(): np.zeros(len(self.seeds))}
        self.goals: dict[frozenset, np.ndarray] = {frozenset(): np.zeros(len(self.seeds))}

    def evaluate(self, coalitions: Iterable[frozenset]) -> None:
        """Run every coalition not yet cached (all in one pool)."""
        todo = []
        for c in coalitions:
            c = frozenset(c)
            if c not in self.results and c not in todo:
                todo.append(c)
        if not todo:
            return
        jobs = [(restrict(self.spec, c), s, self.params) for c in todo for s in self.seeds]
        flat = run_many(jobs, workers=self.workers)
        n = len(self.seeds)
        for i, c in enumerate(todo):
            runs = flat[i * n : (i + 1) * n]
            self.goals[c] = np.array([float(r["goal_reached"]) for r in runs])
            if self.kind == "goal":
                self.results[c] = self.goals[c]
            else:
                self.results[c] = np.array([float(r["start_rate"]) - float(r["final_rate"]) for r in runs])

    def value(self, coalition: Iterable[str]) -> float:
        """Mean of the value over the seeds (runs it if needed)."""
        c = frozenset(coalition)
        self.evaluate([c])
        return float(self.results[c].mean())

    def p_goal(self, coalition: Iterable[str]) -> float:
        """The share of the seeds in which the coalition reaches the goal (runs it if needed)."""
        c = frozenset(coalition)
        self.evaluate([c])
        return float(self.goals[c].mean())


def _orderings(n_players: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """Random orderings in antithetic pairs (each followed by its reverse)."""
    half = [rng.permutation(n_players) for _ in range((permutations + 1) // 2)]
    out = []
    for p in half:
        out += [p, p[::-1]]
    return np.array(out[:permutations])


def shapley_table(
    scenario: str = "chicago_absenteeism",
    replicates: int = 16,
    permutations: int = 24,
    seed: int = 0,
    workers: int = DEFAULT_WORKERS,
    threshold: float = SUCCESS_THRESHOLD,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    params: dict | None = None,
    value: str = "reduction",
) -> ShapleyTable:
    """Each organization's Shapley value for a coalition's value (see the module).

    Args:
        scenario: a scenario name or path.
        replicates: seeds per coalition (common random numbers: the same for every coalition).
        permutations: orderings of organizations joining, sampled in antithetic pairs.
        seed: master seed for the replicate seeds, the orderings and the bootstrap.
        workers: processes running the model.
        threshold: the share of everyone's value the smallest coalition must reach.
        confidence: level of the bootstrap intervals.
        bootstrap: bootstrap resamples (of seeds and of ordering pairs together).
        params: model keyword parameters for every run.
        value: ``"reduction"`` (how far the rate falls) or ``"goal"`` (P(goal)).

    Returns:
        A :class:`ShapleyTable`.

    """
    if replicates < 1 or permutations < 1:
        raise ValueError("replicates and permutations must be at least 1")
    if not 0 < threshold <= 1 or not 0 < confidence < 1:
        raise ValueError("threshold must be in (0, 1] and confidence in (0, 1)")
    spec = load_scenario(scenario)
    names = tuple(o.name for o in spec.organizations)
    n = len(names)
    option, problem = plan_problem(n, permutations, replicates)
    if problem:
        raise ValueError(f"{option}: {problem}")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    orders = _orderings(n, permutations, rng)
    values = CoalitionValues(scenario, replicate_seeds(replicates, seed), params, workers, value)
    prefixes = [frozenset(names[j] for j in order[:k]) for order in orders for k in range(n + 1)]
    values.evaluate(prefixes)
    index = {c: i for i, c in enumerate(values.results)}
    table = np.array(list(values.results.values()))  # coalition x seed
    # before[p, i], after[p, i]: coalition ids around player i's arrival in ordering p
    before = np.empty((len(orders), n), dtype=np.int64)
    after = np.empty((len(orders), n), dtype=np.int64)
    for p, order in enumerate(orders):
        ids = [index[frozenset(names[j] for j in order[:k])] for k in range(n + 1)]
        for k, j in enumerate(order):
            before[p, j], after[p, j] = ids[k], ids[k + 1]
    v = table.mean(axis=1)
    phi = (v[after] - v[before]).mean(axis=0)
    low, high = _bootstrap(table, before, after, bootstrap, confidence, rng)
    ranked = sorted(range(n), key=lambda i: -phi[i])
    v_all = values.value(names)
    smallest, smallest_value = _smallest_coalition(values, [names[i] for i in ranked], threshold * v_all)
    coalitions_run = len(values.results) - 1
    rows = tuple(
        ShapleyRow(names[i], spec.organizations[i].roles, float(phi[i]), float(low[i]), float(high[i])) for i in ranked
    )
    return ShapleyTable(
        scenario=spec.name,
        rows=rows,
        v_all=v_all,
        v_empty=0.0,
        replicates=replicates,
        permutations=len(orders),
        coalitions_run=coalitions_run,
        smallest=smallest,
        smallest_value=smallest_value,
        threshold=threshold,
        confidence=confidence,
        value=value,
        p_goal_all=values.p_goal(names),
        step=spec.header.step_unit[0],
    )


def _bootstrap(table, before, after, n_boot, confidence, rng) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals, resampling seeds and antithetic ordering pairs together."""
    n_perm, n = before.shape
    pairs = np.arange(n_perm) // 2
    n_pairs = int(pairs.max()) + 1
    draws = np.empty((n_boot, n))
    for b in range(n_boot):
        seeds = rng.integers(0, table.shape[1], table.shape[1])
        v = table[:, seeds].mean(axis=1)
        chosen = rng.integers(0, n_pairs, n_pairs)
        weight = np.bincount(chosen, minlength=n_pairs)[pairs].astype(float)
        draws[b] = weight @ (v[after] - v[before]) / weight.sum()
    tail = (1 - confidence) / 2
    return np.quantile(draws, tail, axis=0), np.quantile(draws, 1 - tail, axis=0)


def _smallest_coalition(values: CoalitionValues, ranked: list[str], threshold: float):
    """Greedy: the shortest prefix of the Shapley ranking reaching ``threshold``, then pruned."""
    if threshold <= 0:  # everyone together achieves nothing: no coalition to recommend
        return None, None
    prefixes = [frozenset(ranked[:k]) for k in range(1, len(ranked) + 1)]
    values.evaluate(prefixes)
    chosen = next((c for c in prefixes if values.value(c) >= threshold), None)
    if chosen is None:
        return None, None
    members = [name for name in ranked if name in chosen]
    for name in reversed(members[:]):  # try dropping the lowest-ranked first
        if len(members) == 1:
            break
        trial = frozenset(m for m in members if m != name)
        if values.value(trial) >= threshold:
            members.remove(name)
    return tuple(members), values.value(members)
