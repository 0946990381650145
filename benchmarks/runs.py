"""Single runs against their floors: the teaching run, the city run, and scaling slopes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks import city
from benchmarks.common import interleave, loglog_slope, python_json, ratio_line, timed, verdict
from benchmarks.floors import bare_run, outcome_draws
from sim.model.model import CoalitionModel

STEPS = 156


def run_model(scenario, seed: int, steps: int = STEPS, collect: bool = True, **params) -> CoalitionModel:
    """Build and run one model to ``steps`` (``collect=False``: no per-step DataCollector rows)."""
    model = CoalitionModel(scenario, rng=seed, steps=steps, **params)
    model.collect_steps = collect
    while model.running:
        model.step()
    return model


def teaching(repeats: int = 9) -> dict:
    """A default chicago_absenteeism run against the bare-Mesa floor, interleaved."""
    probe = CoalitionModel("chicago_absenteeism", rng=0)
    n_agents, n_people = len(probe.agents), probe.n_people
    t = interleave(
        repeats,
        floor=lambda i: bare_run(n_agents, n_people, STEPS, seed=i),
        model=lambda i: run_model("chicago_absenteeism", seed=i),
        bare=lambda i: run_model("chicago_absenteeism", seed=i, collect=False),
    )
    print(
        f"teaching run: chicago_absenteeism, {STEPS} steps, {n_agents} agents, {n_people:,} people; "
        f"{repeats} repeats, medians (min-max)"
    )
    print(f"  model: {t['model'].text('cpu')} CPU, {t['model'].text('wall')} wall")
    print(
        f"  floor (bare Mesa, {n_agents} agents, 7 reporters, one outcome draw a step): "
        f"{t['floor'].text('cpu', 1e3, 'ms')} CPU, {t['floor'].text('wall', 1e3, 'ms')} wall"
    )
    print(ratio_line("teaching run", t["model"], t["floor"], 8))
    bare, floor = t["bare"].median(), t["floor"].median()
    print(
        f"  what limits it: the same runs without per-step DataCollector rows (as sim.run and sweeps do) take "
        f"{t['bare'].text('cpu')} CPU, {bare / floor:.1f}x the floor; the DataCollector (14 model reporters, 6 for "
        f"each organization) adds {(t['model'].median() - bare) / floor:.1f} floors; the rest is ~100 small numpy "
        f"calls and the agents' Python a week"
    )
    return {"ratio": t["model"].median() / floor, "model_s": t["model"].median(), "bare_ratio": bare / floor}


CITY_CODE = """
import json, time
from benchmarks.common import peak_rss_mb
from sim.model.model import CoalitionModel
base = peak_rss_mb()
w, c = time.perf_counter(), time.process_time()
m = CoalitionModel({scenario!r}, rng={seed}, steps={steps})
built_w, built_c = time.perf_counter() - w, time.process_time() - c
while m.running:
    m.step()
print(json.dumps(dict(wall=time.perf_counter() - w, cpu=time.process_time() - c, build_wall=built_w,
                      build_cpu=built_c, rss=peak_rss_mb(),
                      rss_imports=base, rate=m.outcome_rate, goal=m.goal_reached)))
"""

FLOOR_CODE = """
import json, time
from benchmarks.common import peak_rss_mb
from benchmarks.floors import outcome_draws
w, c = time.perf_counter(), time.process_time()
outcome_draws({people}, {steps}, seed={seed})
print(json.dumps(dict(wall=time.perf_counter() - w, cpu=time.process_time() - c,
                      rss=peak_rss_mb())))
"""


def city_run(repeats: int = 3, steps: int = STEPS) -> dict:
    """chicago_city against one outcome draw per step over its people; peak memory.

    Each run is a fresh interpreter so that its peak resident memory is its own.
    """
    people = city.STUDENTS
    model, floor = [], []
    for i in range(repeats):
        floor.append(python_json(FLOOR_CODE.format(people=people, steps=steps, seed=i)))
        model.append(python_json(CITY_CODE.format(scenario="chicago_city", seed=i, steps=steps)))

    def med(rows, key):
        values = sorted(r[key] for r in rows)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    def span(rows, key, unit="s"):
        values = [r[key] for r in rows]
        return f"{med(rows, key):.3g} {unit} ({min(values):.3g}-{max(values):.3g})"

    print(f"city run: chicago_city, {steps} steps, {people:,} people; {repeats} repeats (fresh processes)")
    print(
        f"  model (build + steps): {span(model, 'cpu')} CPU, {span(model, 'wall')} wall; "
        f"build alone {span(model, 'build_cpu')} CPU"
    )
    print(
        f"  floor (one outcome draw a step over {people:,} people, 6 circumstances): "
        f"{span(floor, 'cpu')} CPU, {span(floor, 'wall')} wall"
    )
    r_cpu, r_wall = med(model, "cpu") / med(floor, "cpu"), med(model, "wall") / med(floor, "wall")
    print(
        f"  city run: {r_cpu:.1f}x the floor in CPU time ({r_wall:.1f}x in wall time); target <= 8x: "
        f"{verdict(r_cpu, 8)}"
    )
    rss = med(model, "rss")
    print(
        f"  peak memory (resident, whole process): {span(model, 'rss', 'MB')}; after imports "
        f"{med(model, 'rss_imports'):.0f} MB; the floor process {med(floor, 'rss'):.0f} MB; "
        f"target < 400 MB: {verdict(rss, 400)}"
    )
    return {"ratio": r_cpu, "rss": rss, "model_s": med(model, "cpu")}


def _per_step(scenario: Path, steps: int, repeats: int) -> float:
    """Median CPU seconds per step (construction excluded)."""
    times = []
    for i in range(repeats):
        model = CoalitionModel(str(scenario), rng=i, steps=steps)

        def go(model=model):
            while model.running:
                model.step()

        _, _, cpu = timed(go)
        times.append(cpu / steps)
    times.sort()
    return times[len(times) // 2]


def scaling(
    steps: int = 52,
    repeats: int = 3,
    people=(30_000, 100_000, 300_000, 1_000_000),
    orgs=(10, 100, 1000),
    org_people: int = 100_000,
) -> dict:
    """Time per step against population and against organizations: log-log slopes.

    Scenarios are written by :mod:`benchmarks.city` into a temporary directory: the city
    with its 737 organizations at each population, and cities of 10, 100 and 1,000
    organizations at ``org_people`` people (schools keep about the same number of ties).
    """
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n in people:
            path = Path(tmp) / f"city_p{n}.toml"
            path.write_text(city.city_toml(people=n, name=path.stem), encoding="utf-8")
            rows.append((n, _per_step(path, steps, repeats)))
        slope = loglog_slope(*zip(*rows, strict=True))
        print(
            f"scaling with population ({city.SCHOOLS + city.HOSPITALS + city.COMMUNITY_AREAS + 10} organizations, "
            f"{steps} steps, median of {repeats}, CPU time per step):"
        )
        print("  " + "; ".join(f"{n:,} people {t * 1e3:.2f} ms" for n, t in rows))
        print(f"  log-log slope {slope:.2f}; target <= 1.1: {verdict(slope, 1.1)}")
        out["people_slope"] = slope
        rows = []
        for k in orgs:
            path = Path(tmp) / f"city_o{k}.toml"
            path.write_text(city.city_toml(n_orgs=k, people=org_people, name=path.stem), encoding="utf-8")
            rows.append((k, _per_step(path, steps, repeats)))
        slope = loglog_slope(*zip(*rows, strict=True))
        print(
            f"scaling with organizations ({org_people:,} people, {steps} steps, median of {repeats}, "
            "CPU time per step):"
        )
        print("  " + "; ".join(f"{k:,} organizations {t * 1e3:.2f} ms" for k, t in rows))
        print(f"  log-log slope {slope:.2f}; target <= 1.1: {verdict(slope, 1.1)}")
        out["orgs_slope"] = slope
    return out


def city_floor_check(steps: int = STEPS) -> float:
    """The city floor alone, in this process (for quick checks)."""
    _, _, cpu = timed(outcome_draws, city.STUDENTS, steps)
    return cpu
