"""Roles: the final rate with each of the five roles missing, and the failure signature of each.

Usage: ``python experiments/roles.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save, spec_for, sweep, title_suffix, write_summary
from effects import outcome_table, plot_effects, plot_goal

from sim.scenario.roles import ROLE_TABLE

SIGNATURES = tuple(r.signature for r in ROLE_TABLE)


def main():
    args = parse_args("roles", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    df["missing_role"] = df["missing_role"].replace("", "(none)")
    table = outcome_table(df, ["missing_role"], reference="(none)")
    for col in SIGNATURES:
        table[f"mean_{col}"] = [df.loc[df["missing_role"] == r, col].mean() for r in table["missing_role"]]
    write_summary(table, args)

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6), gridspec_kw={"width_ratios": [1, 1.6, 0.8]})
    plot_effects(axes[0], table, "missing_role", "every role")
    x = np.arange(len(table))
    base = table.iloc[0]
    width = 0.8 / len(SIGNATURES)
    for k, sig in enumerate(SIGNATURES):
        denom = base[f"mean_{sig}"] or 1.0
        axes[1].bar(x + (k - len(SIGNATURES) / 2 + 0.5) * width, table[f"mean_{sig}"] / denom, width, label=sig)
    axes[1].axhline(1, color="grey", lw=0.8)
    axes[1].set_xticks(x, table["missing_role"], rotation=20)
    axes[1].set_ylabel("mean signature / value with every role")
    axes[1].set_title("failure signatures: each role's own")
    axes[1].legend(fontsize=7, ncol=3)
    plot_goal(axes[2], table, "missing_role")
    fig.suptitle(f"Roles, {spec.scenario} {title_suffix(args, spec)}")
    save(fig, args, "roles")


if __name__ == "__main__":
    main()
