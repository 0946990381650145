"""The chapter's claims on fresh seeds: every contrast of sim.runs.claims, its effect sizes.

Usage: ``python experiments/claims.py [--quick] [--out DIR] [--workers N] [--replicates N] [--only WORDS]
[--scenario FILE ...] [--master SEED]``

Runs each contrast (leadership on four cross-boundary scenarios, four fixtures in other
domains and the single-agency control, community, the five roles, each mechanism switched
off, and the crutches a sceptic removes: trust gates, the system lag, the trust rule's
asymmetry) with paired replicates
seeded from a master seed the validation suite does not use, and writes ``claims.csv``
(difference with its 95% interval, Vargha-Delaney A with its interval, P(goal) of both
arms) and a forest plot. docs/validation.md quotes it.

``--scenario`` (repeatable: a scenario name or file) runs every claim but the single-agency
controls on those scenarios instead, e.g. one of your own; ``--master`` seeds other fresh
replicates. A scenario whose step is not a week reads each arm's weeks (patience 52, the
system lag...) and every default counted in weeks in its own steps
(:func:`sim.model.timescale.rescaled_for`).
"""

import argparse
import dataclasses
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.errors import InputError, one_line  # noqa: E402
from sim.model.timescale import rescaled_for  # noqa: E402
from sim.runs.claims import (  # noqa: E402
    CROSS_BOUNDARY,
    Contrast,
    community,
    crutches,
    leadership,
    measure,
    mechanisms,
    roles,
)
from sim.runs.replicates import replicate_seeds, run_many  # noqa: E402
from sim.scenario.load import load_scenario  # noqa: E402

MASTER = 2026  # fresh seeds: the validation suite uses master 0
# domains no shipped scenario covers (two written by a reviewer from docs/scenarios.md alone)
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "scenarios"
OTHER_DOMAINS = ("childhood_asthma", "youth_unemployment", "older_adult_food_insecurity", "diabetes_repeat_ed")


def contrasts(scenarios: list[str] | None = None) -> list[Contrast]:
    """Every claim; with ``scenarios``, every claim but the single-agency controls on each of them."""
    if scenarios:
        every = [c for s in scenarios for c in leadership(s)]
        every += [dataclasses.replace(c, scenario=s) for s in scenarios for c in community() + roles()]
        return every + [dataclasses.replace(c, scenario=s) for s in scenarios for c in mechanisms() + crutches()]
    out = [c for s in CROSS_BOUNDARY for c in leadership(s)]
    out += [c for name in OTHER_DOMAINS for c in leadership(str(FIXTURES / f"{name}.toml"))]
    out += [Contrast("point leader as good inside one organization", {}, {"leader": "point"}, scenario="single_agency")]
    out += [Contrast("a leader helps inside one organization", {}, {"leader": "none"}, scenario="single_agency")]
    return out + community() + roles() + mechanisms() + crutches()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="3 replicates, 30 weeks (CI size)")
    p.add_argument("--replicates", type=int, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "claims")
    p.add_argument("--only", metavar="WORDS", help="only the contrasts whose claim contains WORDS")
    p.add_argument("--scenario", action="append", metavar="FILE", help="run the claims on this scenario (repeatable)")
    p.add_argument("--master", type=int, default=MASTER, help=f"master seed of the replicates (default {MASTER})")
    args = p.parse_args()
    scenarios = [str(Path(s).resolve()) if s.endswith(".toml") else s for s in args.scenario or []]
    specs = {}  # scenario -> its spec (its step)
    for s in scenarios:  # every scenario loads before the first run
        try:
            specs[s] = load_scenario(s)
        except InputError as err:
            print(f"error: --scenario: {one_line(str(err))}", file=sys.stderr)
            raise SystemExit(2) from None
    n = 3 if args.quick else args.replicates
    steps = {"steps": 30} if args.quick else {}
    args.out.mkdir(parents=True, exist_ok=True)
    seeds = replicate_seeds(n, args.master)
    todo = [c for c in contrasts(scenarios) if args.only is None or args.only in c.claim]
    if not todo:
        p.error(f"--only {args.only!r}: no claim contains it")
    arms = list(
        dict.fromkeys((c.scenario, tuple(sorted({**a, **steps}.items()))) for c in todo for a in (c.better, c.worse))
    )
    jobs = [(s, seed, in_steps(specs.get(s), dict(a))) for s, a in arms for seed in seeds]
    flat = run_many(jobs, workers=args.workers)
    runs = {arm: flat[i * n : (i + 1) * n] for i, arm in enumerate(arms)}

    def of(scenario, params):
        return runs[(scenario, tuple(sorted({**params, **steps}.items())))]

    effects = [measure(c, of(c.scenario, c.better), of(c.scenario, c.worse)) for c in todo]
    table = pd.DataFrame([e.row() for e in effects])
    table["scenario"] = table["scenario"].map(shown)
    table.to_csv(args.out / "claims.csv", index=False, float_format="%.5g")
    print(f"wrote {args.out / 'claims.csv'} ({n} paired replicates per arm, master seed {args.master})")

    plot(table, n).savefig(args.out / "claims.png", dpi=120)
    print(f"wrote {args.out / 'claims.png'}")


def in_steps(spec, params: dict) -> dict:
    """An arm's parameters for a scenario (None: a shipped weekly one): weeks read in its own steps."""
    days = 7 if spec is None else spec.header.days_per_step
    if days == 7:
        return params
    out = rescaled_for(spec, params)
    if "steps" in params:  # the horizon in weeks (--quick's 30), as whole steps
        out["steps"] = max(1, round(params["steps"] * 7 / days))
    return out


def shown(scenario: str) -> str:
    """A scenario as the table shows it: its name, a fixture's path from the repository's root, or its file."""
    path = Path(scenario)
    if not path.is_absolute():
        return scenario
    return str(path.relative_to(FIXTURES.parents[2])) if path.is_relative_to(FIXTURES.parents[2]) else str(path)


def plot(table: pd.DataFrame, n: int):
    """Left: the difference in final rate of the final-rate claims; right: A of every claim."""
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(15, 0.3 * len(table) + 2.0), sharey=True, gridspec_kw={"width_ratios": [1.2, 1]}
    )
    y = np.arange(len(table))
    rate = (table["measure"] == "final_rate").to_numpy()
    err = np.array([table["difference"] - table["low"], table["high"] - table["difference"]])
    left.errorbar(table["difference"][rate], y[rate], xerr=err[:, rate], fmt="o", color="black", capsize=3)
    left.axvline(0, color="grey", lw=0.8)
    left.set_yticks(y, [f"{r.claim} ({r.scenario}; {r.measure})" for r in table.itertuples()], fontsize=7)
    left.invert_yaxis()
    left.set_xlabel("difference in final rate\n(claimed-better arm minus the other, 95% interval)")
    a_err = np.array([table["A"] - table["A_low"], table["A_high"] - table["A"]])
    right.errorbar(table["A"], y, xerr=a_err, fmt="s", color="tab:blue", capsize=3)
    right.axvline(0.5, color="grey", lw=0.8)
    right.set_xlim(0, 1.02)
    right.set_xlabel("Vargha-Delaney A, 95% interval\n(chance a run of the claimed-better arm does better; 0.5: none)")
    fig.suptitle(f"The chapter's claims on fresh seeds ({n} paired replicates per arm)")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    main()
