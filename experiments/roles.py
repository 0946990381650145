"""Roles: success with each of the five roles missing, and the failure signature of each.

Usage: ``python experiments/roles.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save, spec_for, success_table, sweep, title_suffix, write_summary

SIGNATURES = ("diagnosis_accuracy", "money_spent", "uptake", "reach", "system_changes", "final_rate")


def main():
    args = parse_args("roles", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    df["missing_role"] = df["missing_role"].replace("", "(none)")
    table = success_table(df, ["missing_role"], extra=SIGNATURES)
    write_summary(table, args)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 4.6), gridspec_kw={"width_ratios": [1, 1.6]})
    x = np.arange(len(table))
    err = [table["p_goal"] - table["ci_low"], table["ci_high"] - table["p_goal"]]
    ax1.bar(x, table["p_goal"], yerr=err, capsize=4, color=["tab:green"] + ["tab:red"] * (len(x) - 1))
    ax1.set_xticks(x, table["missing_role"], rotation=20)
    ax1.set_ylabel("P(goal) with 95% Wilson interval")
    ax1.set_title("success with one role missing")
    ax1.set_ylim(0, 1.05)
    base = table.iloc[0]
    width = 0.8 / len(SIGNATURES)
    for k, sig in enumerate(SIGNATURES):
        denom = base[f"mean_{sig}"] or 1.0
        ax2.bar(x + (k - len(SIGNATURES) / 2 + 0.5) * width, table[f"mean_{sig}"] / denom, width, label=sig)
    ax2.axhline(1, color="grey", lw=0.8)
    ax2.set_xticks(x, table["missing_role"], rotation=20)
    ax2.set_ylabel("mean signature / value with every role")
    ax2.set_title("failure signatures")
    ax2.legend(fontsize=7, ncol=3)
    fig.suptitle(f"Roles, {spec.scenario} {title_suffix(args, spec)}")
    save(fig, args, "roles")


if __name__ == "__main__":
    main()
