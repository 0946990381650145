"""Where the claims hold: Morris screening, Sobol indices and PRIM boxes of the claims' arm differences.

Usage: ``python experiments/boundaries.py [--quick | --mid] [--workers N] [--replicates N] [--steps N] [--out DIR]``

For each study of ``boundaries.toml`` (a scenario and its sizes) every numeric behavioural
parameter of Model 2 varies over its range, and each design point runs ten arms with the
same seeds (replicate ``i`` of every point and arm: ``run_seed(seed, i)``): the full
coalition (system leader, community partner, every role), a point leader, no leader, the
community consulted, the community absent, and each of the five roles missing. Per point,
averaged over replicates, the differences are:

* ``leadership``: final rate with ``leader="system"`` minus with ``leader="none"``;
* ``system_vs_point``: ``leader="system"`` minus ``leader="point"`` (claim 5's other half);
* ``community``: ``community="partner"`` minus ``community="absent"``;
* ``partner_vs_consulted`` and ``consulted_vs_absent``: claim 4's two steps, partner minus
  consulted and consulted minus absent;
* ``role_<r>``: full coalition minus ``missing_role=r``; ``roles_worst`` their maximum (the
  role whose absence costs least);
* ``data_pooling``: in the full arm at the end of the run, the accuracy of a diagnosis
  (``sim.model.diagnosis.diagnose_people``, the overlap of believed and true shares) from the
  records of every data owner minus from the first owner's alone (the schools).

The claims say the rate differences are negative and the accuracy difference positive.
Phases: the scenario's defaults with ``reference`` paired replicates (effect sizes with
intervals); Morris screening (SALib) over every parameter; Sobol indices (SALib) over the
``top`` parameters by mu_star, the others at their defaults; PRIM (the EMA workbench, through
``sim.runs.analyze_discovery.prim``) on the Morris and Sobol points together, for the region
where each difference is zero or of the wrong sign (the claim vanishes or reverses), and
where it is of the wrong sign by more than twice the noise of a point's mean at the defaults
(the claim reverses beyond noise). Runs go
through the sweep engine's executors (``sim.runs.executors``); each phase's runs are kept in
``<out>/runs`` and reused when the same command is run again.

Writes ``boundaries-{reference,morris,sobol,prim,points}.csv`` and
``boundaries-{morris,sobol,prim}-<scenario>.png`` into ``--out``.
"""

import time
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from boundaries_arms import CLAIMED, HEADLINE, NOT_VARIED, differences, run_points
from boundaries_plots import plot_morris, plot_prim, plot_sobol
from common import HERE, parse_args, write_summary
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.model.params import PARAMETERS
from sim.runs import stats
from sim.runs.analyze import AnalysisError, mean_interval
from sim.runs.analyze_discovery import prim
from sim.scenario.roles import ROLES


def reference(args, study, steps) -> pd.DataFrame:
    """The differences at the scenario's defaults: paired t intervals and Vargha-Delaney A."""
    n = 3 if args.quick else CONFIG["reference"]
    runs = run_points(args, study["path"], [{}], n, steps, f"{study['tag']}-reference", CONFIG["seed"])
    _, per_rep = differences(runs)
    per_rep["roles_worst"] = per_rep[[f"role_{r}" for r in ROLES]].max(axis=1)
    rows = []
    for name, sign in CLAIMED.items():
        x = per_rep[name].to_numpy(float)
        est = stats.difference(x, np.zeros_like(x))
        a = stats.vargha_delaney(sign * x, np.zeros_like(x))
        rows.append(
            {
                "scenario": study["tag"],
                "difference": name,
                "claimed_sign": sign,
                "replicates": len(x),
                "value": est.value,
                "low": est.low,
                "high": est.high,
                "sd_one_replicate": float(np.std(x, ddof=1)) if len(x) > 1 else np.nan,
                "share_of_replicates_failing": float(np.mean(sign * x <= 0)),
                "A_vs_zero": a.value,
            }
        )
    return pd.DataFrame(rows)


def problem_of(names: list[str], bounds: dict) -> dict:
    return {"num_vars": len(names), "names": names, "bounds": [list(map(float, bounds[n])) for n in names]}


def as_params(names: list[str], row: np.ndarray) -> dict:
    return {
        n: (int(round(float(x))) if PARAMETERS[n].kind == "int" else float(x)) for n, x in zip(names, row, strict=True)
    }


def morris_phase(args, study, size, bounds, steps):
    names = list(bounds)
    problem = problem_of(names, bounds)
    x = morris_sample.sample(problem, size["trajectories"], num_levels=CONFIG["levels"], seed=CONFIG["seed"])
    points = [as_params(names, row) for row in x]
    runs = run_points(args, study["path"], points, size["replicates"], steps, f"{study['tag']}-morris", CONFIG["seed"])
    y, _ = differences(runs)
    rows = []
    for name in CLAIMED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # constant outputs at tiny sizes
            res = morris_analyze.analyze(
                problem, x, y[name].to_numpy(float), num_levels=CONFIG["levels"], seed=CONFIG["seed"]
            )
        for i, p in enumerate(names):
            rows.append(
                {
                    "scenario": study["tag"],
                    "difference": name,
                    "parameter": p,
                    "mu": res["mu"][i],
                    "mu_star": res["mu_star"][i],
                    "mu_star_conf": res["mu_star_conf"][i],
                    "sigma": res["sigma"][i],
                }
            )
    table = pd.DataFrame(rows)
    table["rank"] = table.groupby("difference")["mu_star"].rank(ascending=False, method="first").astype(int)
    pts = pd.DataFrame(points)
    return table, pd.concat([pts, y.reset_index(drop=True)], axis=1).assign(design="morris")


def top_parameters(morris: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` parameters with the largest mu_star relative to the largest, over the headline differences."""
    t = morris[morris["difference"].isin(HEADLINE)].copy()
    t["relative"] = t["mu_star"] / t.groupby("difference")["mu_star"].transform("max").replace(0, np.nan)
    score = t.groupby("parameter")["relative"].max().fillna(0).sort_values(ascending=False, kind="stable")
    return list(score.index[:k])


def sobol_phase(args, study, size, bounds, defaults, top, steps):
    problem = problem_of(top, bounds)
    x = sobol_sample.sample(problem, size["sobol_samples"], calc_second_order=False, seed=CONFIG["seed"])
    points = [as_params(top, row) for row in x]
    runs = run_points(
        args, study["path"], points, size["sobol_replicates"], steps, f"{study['tag']}-sobol", CONFIG["seed"]
    )
    y, _ = differences(runs)
    rows = []
    for name in CLAIMED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sobol_analyze.analyze(
                problem, y[name].to_numpy(float), calc_second_order=False, conf_level=0.95, seed=CONFIG["seed"]
            )
        for i, p in enumerate(top):
            rows.append(
                {
                    "scenario": study["tag"],
                    "difference": name,
                    "parameter": p,
                    "S1": res["S1"][i],
                    "S1_conf": res["S1_conf"][i],
                    "ST": res["ST"][i],
                    "ST_conf": res["ST_conf"][i],
                    "variance": float(y[name].var()),
                }
            )
    pts = pd.DataFrame([{**defaults, **p} for p in points])
    return pd.DataFrame(rows), pd.concat([pts, y.reset_index(drop=True)], axis=1).assign(design="sobol")


def prim_phase(study, points: pd.DataFrame, names: list[str], noise: dict):
    """PRIM boxes (EMA workbench) where each difference is zero or of the wrong sign, and where it is
    of the wrong sign by more than twice its noise (``noise``: the sd of a point's mean at the defaults)."""
    rows, boxes = [], {}
    x = points[names]
    for (name, sign), condition in ((c, k) for c in CLAIMED.items() for k in ("vanishes", "reverses")):
        values = points[name].to_numpy(float)
        margin = 0.0 if condition == "vanishes" else 2 * noise.get(name, np.nan)
        if not np.isfinite(margin):
            continue
        fails = sign * values <= -margin if condition == "reverses" else sign * values <= 0
        base = {
            "scenario": study["tag"],
            "difference": name,
            "condition": condition,
            "threshold": -sign * margin,
            "cases": len(values),
            "failing": int(fails.sum()),
            "share_failing": float(fails.mean()),
        }
        try:
            res = prim(x, fails, min_coverage=0.5)
        except AnalysisError as err:
            rows.append({**base, "note": str(err).removeprefix("--prim: ")})
            continue
        chosen = res.trajectory.loc[res.chosen]
        inside = np.ones(len(x), dtype=bool)
        for b in res.box.itertuples():
            inside &= (x[b.parameter] >= b.min) & (x[b.parameter] <= b.max)
        m_in, m_out = mean_interval(values[inside]), mean_interval(values[~inside])
        if condition == "vanishes":
            boxes[name] = res
        summary = {
            **base,
            "coverage": float(chosen["coverage"]),
            "density": float(chosen["density"]),
            "box_cases": int(inside.sum()),
            "mean_inside": m_in.value,
            "mean_inside_low": m_in.low,
            "mean_inside_high": m_in.high,
            "mean_outside": m_out.value,
            "mean_outside_low": m_out.low,
            "mean_outside_high": m_out.high,
        }
        if res.box.empty:
            rows.append({**summary, "note": "no restriction"})
        for b in res.box.itertuples():
            rows.append({**summary, "parameter": b.parameter, "min": b.min, "max": b.max})
    return pd.DataFrame(rows), boxes


def scenario_defaults(path: str) -> dict:
    from sim import CoalitionModel

    model = CoalitionModel(path, rng=0)
    out = {n: p.default for n, p in PARAMETERS.items() if p.default is not None and n not in NOT_VARIED}
    out.update(system_lag=model.system_lag, system_effect=model.system_effect, setback_rate=model.setback_rate)
    return out


def check_ranges(bounds: dict) -> None:
    numeric = {n for n, p in PARAMETERS.items() if p.kind in ("int", "float") and n not in NOT_VARIED}
    if set(bounds) != numeric:
        raise SystemExit(f"boundaries.toml: ranges missing {numeric - set(bounds)}, unknown {set(bounds) - numeric}")
    for name, (lo, hi) in bounds.items():
        PARAMETERS[name].convert(lo), PARAMETERS[name].convert(hi)  # inside the declared range


CONFIG = tomllib.loads((HERE / "boundaries.toml").read_text())


def main():
    args = parse_args("boundaries", __doc__.split("\n\n")[0])
    all_tables: dict[str, list] = {k: [] for k in ("reference", "morris", "sobol", "prim", "points")}
    for study in CONFIG["study"]:
        size = study.get(args.size)
        if size is None:
            continue
        size = dict(size)
        if args.replicates:
            size["replicates"] = size["sobol_replicates"] = args.replicates
        steps = args.steps or size.get("steps")
        path = study["scenario"]
        study = {**study, "path": str((HERE / path).resolve()) if path.endswith(".toml") else path}
        study["tag"] = Path(path).stem
        bounds = {**CONFIG["ranges"], **study["centred"]}
        check_ranges(bounds)
        study["size_text"] = (
            f"r={size['trajectories']}, {size['replicates']} paired replicates, "
            f"Sobol N={size['sobol_samples']}, {steps or 'scenario'} weeks, seed {CONFIG['seed']}"
        )
        started = time.perf_counter()
        ref = reference(args, study, steps)
        morris, points = morris_phase(args, study, size, bounds, steps)
        tables = [points]
        if size["sobol_samples"]:
            top = top_parameters(morris, size["top"])
            sobol, sobol_points = sobol_phase(args, study, size, bounds, scenario_defaults(study["path"]), top, steps)
            all_tables["sobol"].append(sobol)
            plot_sobol(args, study, sobol, HEADLINE)
            tables.append(sobol_points)
        points = pd.concat(tables, ignore_index=True).assign(scenario=study["tag"])
        noise = dict(zip(ref["difference"], ref["sd_one_replicate"] / np.sqrt(size["replicates"]), strict=True))
        boxes_table, boxes = prim_phase(study, points, list(bounds), noise)
        plot_morris(args, study, morris, HEADLINE)
        plot_prim(args, study, points, boxes, ref, morris, CLAIMED, HEADLINE)
        for k, t in zip(("reference", "morris", "prim", "points"), (ref, morris, boxes_table, points), strict=True):
            all_tables[k].append(t)
        print(f"{study['tag']}: {time.perf_counter() - started:.0f} s")
    for k, parts in all_tables.items():
        if parts:
            write_summary(pd.concat(parts, ignore_index=True), args, f"boundaries-{k}")


if __name__ == "__main__":
    main()
