"""The pooled diagnosis over a whole run: named early, and at the end?

For each scenario (shipped ones and test fixtures in other domains), runs the system leader
with a community partner on explicit seeds and reads the coalition's belief at a few weeks
and at the end: is the real group (the group with the largest true share in week 0) named,
what share of the money went to it, and how far its prevalence fell. See docs/validation.md,
Result 1, "Over a whole run".

Usage: ``python experiments/diagnosis_over_time.py [--quick] [--steps W] [--out DIR]``
"""

import tomllib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import HERE, parse_args, save, write_summary

from sim import CoalitionModel

ROOT = HERE.parent


def one_run(scenario: str, seed: int, weeks: list, steps: int | None) -> dict:
    """One run's belief at ``weeks`` and at the end, against its real group."""
    source = str(ROOT / scenario) if scenario.endswith(".toml") else scenario
    model = CoalitionModel(source, rng=seed, **({"steps": steps} if steps else {}))
    people = model.people
    groups = np.array(people.groups)
    truth = people.true_shares()
    real = max(set(people.groups), key=lambda g: truth[groups == g].sum())
    start = people.prevalence()[groups == real].sum()
    row = {"scenario": scenario.rsplit("/", 1)[-1].removesuffix(".toml"), "seed": seed, "real_group": real}
    while model.running:
        model.step()
        if model.steps in weeks:
            row[f"named_week_{model.steps}"] = model.diagnosis.group == real
    spent = np.asarray(model.fund.spent_by_cause)
    row |= {
        "named_at_end": model.diagnosis.group == real,
        "nothing_at_end": not model.diagnosis.known,
        "money_share": float(spent[groups == real].sum() / spent.sum()) if spent.sum() > 0 else 0.0,
        "prevalence_end_over_start": float(people.prevalence()[groups == real].sum() / start),
    }
    return row


def main():
    args = parse_args("diagnosis_over_time", __doc__)
    cfg = tomllib.loads((HERE / "diagnosis_over_time.toml").read_text())
    replicates = 2 if args.quick else args.replicates or cfg["replicates"]
    steps = args.steps or (120 if args.quick else None)
    weeks = [w for w in cfg["weeks"] if steps is None or w < steps]
    seeds = range(cfg["first_seed"], cfg["first_seed"] + replicates)
    df = pd.DataFrame([one_run(s, seed, weeks, steps) for s in cfg["scenarios"] for seed in seeds])
    named = [f"named_week_{w}" for w in weeks] + ["named_at_end"]
    table = (
        df.groupby("scenario", sort=False)
        .agg(
            runs=("seed", "size"),
            real_group=("real_group", "first"),
            **{c: (c, "mean") for c in named},
            nothing_at_end=("nothing_at_end", "mean"),
            money_share=("money_share", "mean"),
            prevalence_end_over_start=("prevalence_end_over_start", "mean"),
        )
        .reset_index()
    )
    write_summary(table, args)
    df.to_csv(args.out / "runs.csv", index=False, float_format="%.6g")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))

    fig, ax = plt.subplots(figsize=(11, 4.5))
    x = np.arange(len(table))
    width = 0.8 / len(named)
    for i, column in enumerate(named):
        label = column.replace("named_week_", "week ").replace("named_at_end", "the end")
        ax.bar(x + (i - (len(named) - 1) / 2) * width, table[column], width, label=label)
    ax.set_xticks(x, table["scenario"], rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs naming the real group")
    ax.set_title(f"The pooled diagnosis over a run ({replicates} seeds from {cfg['first_seed']}, system leader)")
    ax.legend()
    save(fig, args, "diagnosis_over_time")


if __name__ == "__main__":
    main()
