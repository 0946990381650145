"""Matplotlib figures of a run, shared by the CLI, the experiments and the docs.

Figures are made with :class:`matplotlib.figure.Figure`, not pyplot, so nothing here picks
a backend: a script saves them, a notebook shows them, and no global state is left behind.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.model.events import target_percent


def plot_run(table, target_rate: float, title: str = "", unit: str = "week"):
    """Outcome rate against the target, mean trust and coalition size over the steps.

    Args:
        table: the DataCollector's model-vars DataFrame (one row per step).
        target_rate: the goal's target, drawn as a dashed line.
        title: the figure's title.
        unit: what a step is called (the scenario's ``step_unit``: week, month...).

    Returns:
        The matplotlib Figure.

    """
    fig = Figure(figsize=(8, 7.5))
    axes = fig.subplots(3, 1, sharex=True)
    weeks = table.index
    ax = axes[0]
    ax.plot(weeks, table["outcome_rate"], color="tab:red", lw=1, alpha=0.5, label=f"outcome rate (each {unit})")
    ax.plot(weeks, table["expected_rate"], color="tab:red", lw=2, label="expected rate")
    ax.axhline(target_rate, color="black", ls="--", lw=1, label=f"target {target_percent(target_rate)}")
    ax.set_ylabel("outcome rate")
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    ax.plot(weeks, table["mean_trust"], color="tab:blue", label="mean trust")
    ax.plot(weeks, table["diagnosis_accuracy"], color="tab:purple", label="diagnosis accuracy")
    ax.set_ylim(0, 1)
    ax.set_ylabel("0 - 1")
    ax.legend(loc="lower right", fontsize=8)
    ax = axes[2]
    ax.step(weeks, table["coalition_size"], where="post", color="tab:green", label="committed members")
    ax.step(weeks, table["roles_covered"], where="post", color="tab:orange", label="roles at the table (of 5)")
    ax.step(weeks, table["sharing_count"], where="post", color="tab:gray", label="members sharing records")
    ax.set_ylabel("count")
    ax.set_xlabel(unit)
    ax.legend(loc="upper left", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
