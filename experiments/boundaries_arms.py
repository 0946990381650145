"""The arms every design point of experiments/boundaries.py runs, their runs, and the claims' differences.

Each point runs every arm of ``ARMS`` with the same seeds; ``differences`` turns the final
rates (and the two diagnoses of the full arm) into the differences of ``CLAIMED``, whose sign
is the one the chapter claims. Runs go through the sweep engine's executors and are kept in
``<out>/runs``, reused when the same jobs are asked for again.
"""

import hashlib
import json
import time

import pandas as pd

from sim.runs.executors import WorkerPool, dispatch
from sim.runs.replicates import replicate_seeds
from sim.scenario.roles import ROLES

# the arms, the size, and how the diagnosis reads its records (compared on their own in
# experiments/diagnosis_over_time.py; varying them here would change the documented design)
NOT_VARIED = (
    "leader",
    "community",
    "missing_role",
    "keep_away_holders",
    "n_people",
    "steps",
    "diagnosis_window",
    "diagnosis_prevalence",
    "reach_turnover",  # a variant of the reach (off by default), compared in diagnosis_over_time.py
)
BASE = {"leader": "system", "community": "partner", "missing_role": ""}
ARMS = {
    "full": {},
    "leader_none": {"leader": "none"},
    "leader_point": {"leader": "point"},
    "community_consulted": {"community": "consulted"},
    "community_absent": {"community": "absent"},
    **{f"missing_{r}": {"missing_role": r} for r in ROLES},
}
# difference -> the sign the chapter claims (-1: the claimed-better arm has the lower final rate)
CLAIMED = {
    "leadership": -1,
    "system_vs_point": -1,
    "community": -1,
    "partner_vs_consulted": -1,
    "consulted_vs_absent": -1,
    **{f"role_{r}": -1 for r in ROLES},
    "roles_worst": -1,
    "data_pooling": +1,
}
HEADLINE = ("leadership", "community", "roles_worst", "data_pooling")
KEEP = ("final_rate", "goal_reached", "diagnosis_accuracy", "coalition_size", "exits", "money_spent")


def run_jobs(jobs: list) -> list:
    """In a worker: run ``(scenario, seed, params, pooled)`` jobs; ``pooled`` adds the two diagnoses."""
    from sim import CoalitionModel
    from sim.model.diagnosis import diagnose_people
    from sim.model.runner import advance, results

    out = []
    for scenario, seed, params, pooled in jobs:
        model = CoalitionModel(scenario, rng=seed, **params)
        model.collect_steps = False
        advance(model)
        r = results(model)
        row = {k: r[k] for k in KEEP}
        if pooled:  # every data owner's records against the first owner's alone, on the people as they end
            owners = [(m.reach, m.records) for m in model.members if m.records.size and m.reach.size]
            every, one = diagnose_people(model.people, owners), diagnose_people(model.people, owners[:1])
            row.update(accuracy_every=every.accuracy, accuracy_one=one.accuracy)
            row.update(group_every=every.group, group_one=one.group)
        out.append(row)
    return out


def run_points(
    args, scenario: str, points: list[dict], replicates: int, steps, label: str, master: int
) -> pd.DataFrame:
    """Every arm of every point, ``replicates`` paired seeds from the ``master`` seed.

    One row per (point, replicate, arm); reused from ``<out>/runs`` when the same jobs were run before.
    """
    seeds = replicate_seeds(replicates, master)
    horizon = {} if steps is None else {"steps": steps}
    jobs = [
        (point, rep, arm, (scenario, seed, {**p, **BASE, **ARMS[arm], **horizon}, arm == "full"))
        for point, p in enumerate(points)
        for rep, seed in enumerate(seeds)
        for arm in ARMS
    ]
    key = hashlib.sha256(json.dumps([j[3] for j in jobs], sort_keys=True, default=str).encode()).hexdigest()[:12]
    cache = args.out / "runs" / f"{label}-{key}.parquet"
    if cache.exists():
        print(f"{label}: {len(jobs)} runs read from {cache}")
        return pd.read_parquet(cache)
    rows: list = [None] * len(jobs)

    def done(chunk, results):
        for i, r in zip(chunk, results, strict=True):
            rows[i] = {"point": jobs[i][0], "replicate": jobs[i][1], "arm": jobs[i][2], **r}

    start = time.perf_counter()
    workers = 0 if args.quick and args.workers is None else args.workers
    pool = WorkerPool(workers, args.scheduler)
    size = len(ARMS)  # a chunk: one point and replicate, every arm
    chunks = (list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size))
    dispatch(pool, chunks, lambda chunk: (run_jobs, [jobs[i][3] for i in chunk]), done)
    seconds = time.perf_counter() - start
    print(f"{label}: {len(jobs)} runs in {seconds:.0f} s ({seconds / len(jobs):.3f} s a run)")
    table = pd.DataFrame(rows)
    cache.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(cache)
    return table


def differences(runs: pd.DataFrame) -> pd.DataFrame:
    """Per point and replicate, every difference; then per point, the mean over replicates."""
    rate = runs.pivot_table(index=["point", "replicate"], columns="arm", values="final_rate")
    full = runs[runs["arm"] == "full"].set_index(["point", "replicate"])
    d = pd.DataFrame(index=rate.index)
    d["leadership"] = rate["full"] - rate["leader_none"]
    d["system_vs_point"] = rate["full"] - rate["leader_point"]
    d["community"] = rate["full"] - rate["community_absent"]
    d["partner_vs_consulted"] = rate["full"] - rate["community_consulted"]
    d["consulted_vs_absent"] = rate["community_consulted"] - rate["community_absent"]
    for r in ROLES:
        d[f"role_{r}"] = rate["full"] - rate[f"missing_{r}"]
    d["data_pooling"] = full["accuracy_every"] - full["accuracy_one"]
    d["full_rate"] = rate["full"]
    per_point = d.groupby("point").mean()
    per_point["roles_worst"] = per_point[[f"role_{r}" for r in ROLES]].max(axis=1)  # after averaging replicates
    return per_point, d
