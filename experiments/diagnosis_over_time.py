"""The pooled diagnosis over a whole run: named early, and at the end?

For each scenario (shipped ones and test fixtures in other domains) and each way of reading
the records (``variants`` in the .toml: the defaults, a quarter's records, prevalence where
observed, both), runs the system leader with a community partner on explicit seeds and reads
the coalition's belief at a few weeks and at the end: is the real group (the group with the
largest true share in week 0) named, is it still the real group at the end, how often the
believed cause changed, what share of the money went to it, and how far its prevalence fell.
See docs/validation.md, Result 1, "Over a whole run".

Usage: ``python experiments/diagnosis_over_time.py [--quick] [--steps W] [--out DIR] [--scenario PATH ...]
[--config FILE]`` (``--scenario``: check these scenarios, e.g. a new one, instead of the .toml's
list; ``--config experiments/reach_turnover.toml``: reach drawn once against reach that turns
over, docs/validation.md, "Reach that turns over"). Weeks here are weeks of real time: a
scenario in months or days is read at the same times and pools a quarter's records in its own
steps, and every parameter counted in weeks or per week, the variant's and the defaults, is
rescaled to its step (:func:`sim.model.timescale.rescaled_for`: with the scenario's left-out
system_lag and setback rate).
"""

import tomllib
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from common import HERE, fail, leading_group, parse_args, save, write_summary

from sim import CoalitionModel
from sim.errors import InputError
from sim.model.timescale import rescaled_for
from sim.scenario.load import load_scenario


def in_steps(weeks: float, days_per_step: float) -> int:
    """A span in weeks as whole steps of a scenario (a weekly scenario's: the same number)."""
    return max(1, round(weeks * 7 / days_per_step))


def one_run(scenario: str, seed: int, weeks: list, steps: int | None, **params) -> dict:
    """One run's belief at ``weeks`` and at the end, against its real group.

    ``weeks``, ``steps`` and the variant's parameters are for weeks; a scenario whose step is not
    a week reads them, and every default counted in weeks or per week, rescaled to its step
    (0, "never", stays 0).
    """
    source = scenario
    spec = load_scenario(source)
    days = spec.header.days_per_step
    read_at = {w: w for w in weeks}
    if days != 7:  # every parameter counted in weeks or per week, defaults too (sim.model.timescale)
        params = rescaled_for(spec, params)
        steps = in_steps(steps, days) if steps else None
        read_at = {in_steps(w, days): w for w in weeks}
    model = CoalitionModel(source, rng=seed, **params, **({"steps": steps} if steps else {}))
    people = model.people
    groups = np.array(people.groups)
    real = leading_group(people)
    start = people.prevalence()[groups == real].sum()
    row = {"scenario": scenario.rsplit("/", 1)[-1].removesuffix(".toml"), "seed": seed, "real_group": real}
    while model.running:
        model.step()
        if model.steps in read_at:
            row[f"named_week_{read_at[model.steps]}"] = model.diagnosis.group == real
    spent = np.asarray(model.fund.spent_by_cause)
    real_now = leading_group(people)
    row |= {
        "named_at_end": model.diagnosis.group == real,
        "real_group_moved": real_now != real,
        "named_real_group_at_end": model.diagnosis.group == real_now,
        "group_accuracy_at_end": model.diagnosis.group_accuracy,
        "nothing_at_end": not model.diagnosis.known,
        "cause_changes": model.cause_changes,
        "money_share": float(spent[groups == real].sum() / spent.sum()) if spent.sum() > 0 else 0.0,
        "prevalence_end_over_start": float(people.prevalence()[groups == real].sum() / start),
        "final_rate": model.outcome_rate,
    }
    return row


def plot(table: pd.DataFrame, seeds: str):
    """Bars: the share of runs naming the real group at the end, per scenario and reading."""
    fig, ax = plt.subplots(figsize=(11, 5))
    scenarios = list(dict.fromkeys(table["scenario"]))
    variants = list(dict.fromkeys(table["variant"]))
    x = np.arange(len(scenarios))
    width = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        share = table[table["variant"] == variant].set_index("scenario").loc[scenarios, "named_at_end"]
        ax.bar(x + (i - (len(variants) - 1) / 2) * width, share, width, label=variant)
    ax.set_xticks(x, scenarios, rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs naming the real group at the end")
    ax.set_title(f"The pooled diagnosis at the end of a run ({seeds}, system leader)")
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=len(variants), fontsize=8)
    fig.subplots_adjust(bottom=0.3)
    return fig


def read_config(path: Path) -> dict:
    """The config's scenarios, seeds and variants; a scenario file named in it is read from the config's folder."""
    try:
        cfg = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        fail(f"{path}: {err}")
    cfg["scenarios"] = [
        str((path.parent / s).resolve()) if s.endswith(".toml") else s for s in cfg.get("scenarios", [])
    ]
    return cfg


def scenario_option(parser) -> None:
    parser.add_argument(
        "--scenario", action="append", metavar="PATH", help="a scenario name or file to check (repeatable)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=HERE / "diagnosis_over_time.toml",
        help="the scenarios, seeds and variants (default experiments/diagnosis_over_time.toml; "
        "experiments/reach_turnover.toml compares reach that turns over)",
    )


def main():
    args = parse_args("diagnosis_over_time", __doc__, extra=scenario_option)
    cfg = read_config(args.config)
    if args.scenario:  # a file is read from where it was named, not from the checkout
        cfg["scenarios"] = [str(Path(s).resolve()) if s.endswith(".toml") else s for s in args.scenario]
    named_in = "--scenario" if args.scenario else f"{args.config}: scenarios"
    for scenario in cfg["scenarios"]:  # every scenario loads before the first run
        try:
            load_scenario(scenario)
        except InputError as err:
            fail(f"{named_in}: {err}")
    replicates = 2 if args.quick else args.replicates or cfg["replicates"]
    steps = args.steps or (120 if args.quick else None)
    weeks = [w for w in cfg["weeks"] if steps is None or w < steps]
    seeds = range(cfg["first_seed"], cfg["first_seed"] + replicates)
    rows = [
        {"variant": v["name"]} | one_run(s, seed, weeks, steps, **v.get("params", {}))
        for v in cfg["variants"]
        for s in cfg["scenarios"]
        for seed in seeds
    ]
    df = pd.DataFrame(rows)
    named = [f"named_week_{w}" for w in weeks] + ["named_at_end"]
    means = [*named, "real_group_moved", "named_real_group_at_end", "group_accuracy_at_end", "nothing_at_end"]
    means.append("cause_changes")
    table = (
        df.groupby(["variant", "scenario"], sort=False)
        .agg(
            runs=("seed", "size"),
            real_group=("real_group", "first"),
            **{c: (c, "mean") for c in means},
            money_share=("money_share", "mean"),
            prevalence_end_over_start=("prevalence_end_over_start", "mean"),
            final_rate=("final_rate", "mean"),
        )
        .reset_index()
    )
    write_summary(table, args)
    df.to_csv(args.out / "runs.csv", index=False, float_format="%.6g")
    # three significant digits, never in scientific notation: a rare outcome's rate is not 0.00, nor 3e-05
    print(
        table.to_string(
            index=False, float_format=lambda v: np.format_float_positional(v, 3, fractional=False, trim="-")
        )
    )

    save(plot(table, f"{replicates} seeds from {cfg['first_seed']}"), args, "diagnosis_over_time")


if __name__ == "__main__":
    main()
