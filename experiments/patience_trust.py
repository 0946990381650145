"""Phase diagram over patience x initial trust: the final rate, the weeks to halve the gap, P(goal).

Usage: ``python experiments/patience_trust.py [--quick] [--out DIR] [--workers N]``
"""

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save, spec_for, sweep, title_suffix, write_summary
from effects import outcome_table


def heat(fig, ax, data, title, cmap, fmt):
    """One heat map with the values written in its cells."""
    values = data.to_numpy(float)
    im = ax.imshow(values, origin="lower", cmap=cmap, aspect="auto")
    ax.set_xticks(range(data.shape[1]), [f"{p:g}" for p in data.columns])
    ax.set_yticks(range(data.shape[0]), [f"{t:g}" for t in data.index])
    ax.set_xlabel("patience (weeks)")
    ax.set_ylabel("initial trust")
    ax.set_title(title)
    fig.colorbar(im, ax=ax)
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            dark = im.norm(v) < 0.5
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7, color="white" if dark else "black")


def main():
    args = parse_args("patience_trust", __doc__)
    spec = spec_for(args)
    df = sweep(args, spec)
    table = outcome_table(df, ["patience", "initial_trust"])
    write_summary(table, args)
    pats, trusts = sorted(df["patience"].unique()), sorted(df["initial_trust"].unique())

    def grid(col):
        return table.pivot(index="initial_trust", columns="patience", values=col).loc[trusts, pats]

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6))
    heat(fig, axes[0], grid("final_rate"), "mean final rate (lower is better)", "viridis", "{:.3f}")
    heat(
        fig,
        axes[1],
        grid("median_weeks_to_half_gap"),
        "median weeks to halve the gap (runs that did)",
        "magma",
        "{:.0f}",
    )
    heat(fig, axes[2], grid("p_goal"), "P(goal), shown beside", "cividis", "{:.2f}")
    fig.suptitle(f"Patience x trust, {spec.scenario} {title_suffix(args, spec)}")
    save(fig, args, "patience_trust")


if __name__ == "__main__":
    main()
