"""Phase diagram: P(goal) with 95% intervals and median weeks to goal over patience x initial trust.

Usage: ``python experiments/patience_trust.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save, spec_for, success_table, sweep, title_suffix, write_summary


def main():
    args = parse_args("patience_trust", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    table = success_table(df, ["patience", "initial_trust"], extra=("final_rate", "mean_trust", "exits"))
    write_summary(table, args)
    pats, trusts = sorted(df["patience"].unique()), sorted(df["initial_trust"].unique())
    grid = table.pivot(index="initial_trust", columns="patience", values="p_goal").loc[trusts, pats]
    weeks = table.pivot(index="initial_trust", columns="patience", values="median_steps_to_goal").loc[trusts, pats]

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    for ax, data, label, cmap in (
        (axes[0], grid, "P(goal reached)", "viridis"),
        (axes[1], weeks, "median weeks to goal (successes)", "magma_r"),
    ):
        im = ax.imshow(
            data.to_numpy(float),
            origin="lower",
            cmap=cmap,
            aspect="auto",
            vmin=0 if cmap == "viridis" else None,
            vmax=1 if cmap == "viridis" else None,
        )
        ax.set_xticks(range(len(pats)), [f"{p:g}" for p in pats])
        ax.set_yticks(range(len(trusts)), [f"{t:g}" for t in trusts])
        ax.set_xlabel("patience (weeks)")
        ax.set_ylabel("initial trust")
        ax.set_title(label)
        fig.colorbar(im, ax=ax)
        for (i, j), v in np.ndenumerate(data.to_numpy(float)):
            if np.isfinite(v):
                dark = im.norm(v) < 0.5 if cmap == "viridis" else im.norm(v) > 0.5
                text = f"{v:.2f}" if cmap == "viridis" else f"{v:.0f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax = axes[2]
    for t in trusts:
        rows = table[table["initial_trust"] == t].sort_values("patience")
        err = [rows["p_goal"] - rows["ci_low"], rows["ci_high"] - rows["p_goal"]]
        ax.errorbar(rows["patience"], rows["p_goal"], yerr=err, marker="o", capsize=3, label=f"trust {t:g}")
    ax.set_xscale("log")
    ax.set_xticks(pats, [f"{p:g}" for p in pats])
    ax.set_xlabel("patience (weeks)")
    ax.set_ylabel("P(goal) with 95% Wilson interval")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=7, ncol=2)
    fig.suptitle(f"Patience x trust, {spec.scenario} {title_suffix(args, spec)}")
    save(fig, args, "patience_trust")


if __name__ == "__main__":
    main()
