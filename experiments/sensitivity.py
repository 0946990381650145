"""Sensitivity: Sobol first-order and total indices (SALib) of the final rate, the weeks to halve the gap, and the goal.

Usage: ``python experiments/sensitivity.py [--quick] [--out DIR] [--workers N]``
"""

import warnings

import matplotlib.pyplot as plt
import pandas as pd
from common import parse_args, save, sobol_bars, spec_for, sweep, title_suffix, write_summary
from SALib.analyze import sobol

from sim.runs import Design

OUTPUTS = ("final_rate", "steps_to_half_gap", "goal_reached")


def main():
    args = parse_args("sensitivity", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    design = Design(spec)
    # one replicate per point: run i is point i; average replicates if there are more
    df["steps_to_half_gap"] = df["steps_to_half_gap"].fillna(df["steps"])  # never halved: censored at the horizon
    y = df.groupby("point_id")[list(OUTPUTS)].mean().sort_index()
    assert len(y) == design.n_points
    rows = []
    for out in OUTPUTS:
        values = y[out].to_numpy(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # constant outputs at tiny sizes
            res = sobol.analyze(design.problem(), values, calc_second_order=spec.second_order, seed=spec.seed)
        for i, name in enumerate(design.names):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "S1": res["S1"][i],
                    "S1_conf": res["S1_conf"][i],
                    "ST": res["ST"][i],
                    "ST_conf": res["ST_conf"][i],
                }
            )
    table = pd.DataFrame(rows)
    write_summary(table, args)

    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(14, 4.6))
    for ax, out in zip(axes, OUTPUTS, strict=True):
        sobol_bars(ax, table[table["output"] == out])
        ax.set_title(f"{out} (mean {y[out].mean():.2f})")
        ax.legend(fontsize=8)
    fig.suptitle(f"Sobol indices, {spec.scenario}, N={spec.samples}, {design.n_runs} runs {title_suffix(args, spec)}")
    save(fig, args, "sensitivity")


if __name__ == "__main__":
    main()
