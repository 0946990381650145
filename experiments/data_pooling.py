"""Data pooling: diagnosis accuracy and the diagnosed cause as data owners share one by one.

Builds :class:`sim.CoalitionModel` directly, lets the people's circumstances run for a few
weeks, then diagnoses (:func:`sim.model.diagnosis.diagnose_people`) from the records of the first k data
owners (the first organization listed first, Chicago's schools, then the others in the scenario's
order, then the community), and
whether it names the real group (the group with the largest true share at that time).

Usage: ``python experiments/data_pooling.py [--quick] [--out DIR] [--scenario PATH] [--weeks W]
[--seed S] [--replicates N]`` (``--scenario``: a scenario name or file, e.g. one of your own,
instead of the .toml's; ``--weeks``: weeks of the people's dynamics before the diagnoses;
``--seed``: the master seed of the models, fresh ones instead of the .toml's; ``--replicates``:
how many models).
"""

import tomllib
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import HERE, leading_group, non_negative, parse_args, save, write_summary

from sim import CoalitionModel
from sim.model.diagnosis import diagnose_people


def owners(model):
    """(name, people, circumstances) of every data owner, schools first, then the community."""
    return [(m.name, m.reach, m.records) for m in model.members if m.records.size and m.reach.size]


def options(parser) -> None:
    parser.add_argument("--scenario", metavar="PATH", help="a scenario name or file (default: the .toml's)")
    parser.add_argument(
        "--weeks", type=non_negative, metavar="W", help="weeks before the diagnoses (default: the .toml's)"
    )
    parser.add_argument(
        "--seed", type=non_negative, metavar="S", help="master seed of the models (default: the .toml's)"
    )


def main():
    args = parse_args("data_pooling", __doc__, extra=options)
    cfg = tomllib.loads((HERE / "data_pooling.toml").read_text())
    scenario = args.scenario or cfg["scenario"]
    if scenario.endswith(".toml"):  # a file is read from where it was named
        scenario = str(Path(scenario).resolve())
    weeks = cfg["weeks"] if args.weeks is None else args.weeks
    n_seeds = args.replicates or (3 if args.quick else cfg["seeds"])
    master = cfg["seed"] if args.seed is None else args.seed
    seeds = np.random.SeedSequence(master).generate_state(n_seeds, dtype=np.uint32)
    rows = []
    for s in seeds:
        model = CoalitionModel(scenario, rng=int(s))
        for _ in range(weeks):
            model.people.change()
        model.people.draw_outcomes()
        people = model.people
        real = leading_group(people)
        sources = owners(model)
        for k in range(1, len(sources) + 1):
            d = diagnose_people(people, [(p, c) for _, p, c in sources[:k]])
            group = d.group
            rows.append(
                {
                    "seed": int(s),
                    "owners": k,
                    "added": sources[k - 1][0],
                    "accuracy": d.accuracy,
                    "cause": d.cause,
                    "group": group,
                    "real_group": real,
                    "named_real_group": group == real,
                }
            )
    df = pd.DataFrame(rows)
    table = (
        df.groupby(["owners", "added"], sort=True)
        .agg(
            runs=("seed", "size"),
            mean_accuracy=("accuracy", "mean"),
            sd_accuracy=("accuracy", "std"),
            top_cause=("cause", lambda c: c.mode().iloc[0]),
            share_top_cause=("cause", lambda c: (c == c.mode().iloc[0]).mean()),
            share_real_group=("named_real_group", "mean"),
        )
        .reset_index()
    )
    write_summary(table, args)
    df.to_csv(args.out / "runs.csv", index=False, float_format="%.6g")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 4.8))
    ax1.errorbar(table["owners"], table["mean_accuracy"], yerr=table["sd_accuracy"], marker="o", capsize=3)
    ax1.set_xticks(table["owners"], [f"+ {a}" for a in table["added"]], rotation=30, ha="right", fontsize=7)
    ax1.set_ylabel("diagnosis accuracy (mean, sd over seeds)")
    ax1.set_ylim(0, 1)
    ax1.set_title("accuracy as owners share")
    causes = sorted(df["cause"].unique())
    counts = df.groupby(["owners", "cause"]).size().unstack(fill_value=0).reindex(columns=causes, fill_value=0)
    bottom = np.zeros(len(counts))
    for c in causes:
        share = counts[c].to_numpy() / counts.sum(axis=1).to_numpy()
        ax2.bar(counts.index, share, bottom=bottom, label=c or "(none)")
        bottom += share
    ax2.set_xticks(table["owners"], [f"+ {a}" for a in table["added"]], rotation=30, ha="right", fontsize=7)
    ax2.set_ylabel("share of seeds")
    ax2.set_title("diagnosed main cause")
    ax2.legend(fontsize=7)
    fig.suptitle(
        f"Data pooling, {Path(scenario).stem} ({n_seeds} seeds, seed {master}{', QUICK' if args.quick else ''})"
    )
    save(fig, args, "data_pooling")


if __name__ == "__main__":
    main()
