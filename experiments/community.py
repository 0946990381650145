"""Community: partner vs consulted vs absent; success, uptake and diagnosis accuracy.

Usage: ``python experiments/community.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save, spec_for, success_table, sweep, title_suffix, write_summary

EXTRA = ("uptake", "diagnosis_accuracy", "final_rate", "cases_resolved")


def main():
    args = parse_args("community", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    table = success_table(df, ["community"], extra=EXTRA)
    write_summary(table, args)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
    x = np.arange(len(table))
    err = [table["p_goal"] - table["ci_low"], table["ci_high"] - table["p_goal"]]
    axes[0].bar(x, table["p_goal"], yerr=err, capsize=4, color="tab:blue")
    axes[0].set_ylabel("P(goal), 95% interval")
    axes[0].set_ylim(0, 1.05)
    for ax, col in zip(axes[1:], ("uptake", "diagnosis_accuracy", "final_rate"), strict=True):
        groups = [df.loc[df["community"] == c, col] for c in table["community"]]
        ax.boxplot(groups)
        ax.set_xticks(x + 1, table["community"])
        ax.set_title(col)
    axes[0].set_xticks(x, table["community"])
    axes[0].set_title("goal reached")
    fig.suptitle(f"Community, {spec.scenario} {title_suffix(args, spec)}", y=1.03)
    save(fig, args, "community")


if __name__ == "__main__":
    main()
