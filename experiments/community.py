"""Community: partner vs consulted vs absent, by the final rate, uptake and accuracy.

Usage: ``python experiments/community.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
from common import parse_args, save, spec_for, sweep, title_suffix, write_summary
from effects import outcome_table, plot_effects, plot_final_rates, plot_goal

SIGNATURES = ("uptake", "reach", "diagnosis_accuracy")


def main():
    args = parse_args("community", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    table = outcome_table(df, ["community"], reference="absent")
    for col in SIGNATURES:
        table[f"mean_{col}"] = [df.loc[df["community"] == c, col].mean() for c in table["community"]]
    write_summary(table, args)
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.6))
    plot_final_rates(axes[0], table, "community")
    plot_effects(axes[1], table, "community", "absent")
    for col, marker in zip(SIGNATURES, "ov^", strict=True):
        axes[2].plot(table[f"mean_{col}"], range(len(table)), marker, label=col)
    axes[2].set_yticks(range(len(table)), table["community"])
    axes[2].invert_yaxis()
    axes[2].legend(fontsize=7)
    axes[2].set_xlabel("mean at the horizon")
    plot_goal(axes[3], table, "community")
    fig.suptitle(f"Community, {spec.scenario} {title_suffix(args, spec)}", y=1.03)
    save(fig, args, "community")


if __name__ == "__main__":
    main()
