"""Matplotlib figures for the page: the network and the live plots.

Plain functions of a model that return a :class:`matplotlib.figure.Figure` (no pyplot,
so nothing leaks between steps); the Solara components only wrap them. Positions come
from the network's fixed, seeded sector layout, so nodes never jump between steps.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.organization import State
from sim.params import ROLES

STATE_COLOURS = {
    State.OUTSIDE: "#c8c8c8",
    State.INVITED: "#f2c14e",
    State.AT_TABLE: "#5b9bd5",
    State.COMMITTED: "#2e9e4f",
    State.LEFT: "#d1495b",
}
LEADER_COLOUR = "#7b3fa0"
PARTNER_COLOUR = "#e07b39"
TRUST_CMAP = colormaps["viridis"]
DPI = 72


def node_positions(model) -> np.ndarray:
    """(n_nodes, 2) array of the fixed layout positions."""
    return np.array([model.space[node].position for node in range(model.n_nodes)], dtype=float)


def tie_trust(model) -> tuple[np.ndarray, np.ndarray]:
    """Edges as an (m, 2) node array and each edge's mean trust in both directions."""
    edges = np.array(list(model.space.G.edges()), dtype=np.int64).reshape(-1, 2)
    trust = np.array([(model.trust.get(i, j) + model.trust.get(j, i)) / 2 for i, j in edges])
    return edges, trust


def short_name(name: str, width: int = 18) -> str:
    """A name cut to ``width`` characters for a label."""
    return name if len(name) <= width else name[: width - 1] + "…"


def network_figure(model, size: tuple[float, float] = (6.4, 5.6)) -> Figure:
    """The network: colour = engagement state, size = budget, ties coloured and widened by trust.

    The leader is a star, community partners are diamonds; organizations sharing their
    data have a black ring.
    """
    fig = Figure(figsize=size, dpi=DPI)
    ax = fig.add_axes((0.0, 0.0, 0.78, 0.93))
    pos = node_positions(model)
    edges, trust = tie_trust(model)
    if len(edges):
        lines = LineCollection(pos[edges], linewidths=0.5 + 5 * trust, colors=TRUST_CMAP(trust), zorder=1)
        ax.add_collection(lines)
    orgs = model.organizations
    nodes = [o.node for o in orgs]
    ax.scatter(
        pos[nodes, 0], pos[nodes, 1], s=[60 + 9 * o.budget for o in orgs],
        c=[STATE_COLOURS[o.state] for o in orgs], edgecolors=["black" if o.sharing else "white" for o in orgs],
        linewidths=[2.5 if o.sharing else 1.0 for o in orgs], zorder=2,
    )
    for o in orgs:
        x, y = pos[o.node]
        ax.annotate(short_name(o.name), (x, y), xytext=(x * 1.16, y * 1.16), fontsize=8,
                    ha="left" if x > 0.1 else "right" if x < -0.1 else "center", va="center", zorder=3)
    leader = model.leader
    ax.scatter(*pos[leader.node], s=420, marker="*", zorder=3,
               c=LEADER_COLOUR if leader.active else "white", edgecolors=LEADER_COLOUR, linewidths=1.5)
    ax.annotate(f"leader ({leader.mode}{'' if leader.active else ', gone'})", pos[leader.node],
                xytext=(0, -16), textcoords="offset points", ha="center", fontsize=8, color=LEADER_COLOUR)
    for p in model.partners:
        ax.scatter(*pos[p.node], s=160, marker="D", zorder=3, edgecolors=PARTNER_COLOUR, linewidths=1.5,
                   c=PARTNER_COLOUR if p.mode != "absent" else "white")
        ax.annotate(f"{short_name(p.name, 16)} ({p.mode})", pos[p.node], xytext=(0, -14),
                    textcoords="offset points", ha="center", fontsize=7, color=PARTNER_COLOUR)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.01, 0.96, f"Week {model.steps}: {model.coalition_size} committed, {model.table_size} at the table, "
             f"mean trust {model.mean_trust:.2f}", fontsize=10)
    handles = [Line2D([], [], ls="", marker="o", ms=9, color=c, label=str(s)) for s, c in STATE_COLOURS.items()]
    handles += [
        Line2D([], [], ls="", marker="o", ms=9, mfc="white", mec="black", mew=2.5, label="shares its data"),
        Line2D([], [], ls="", marker="*", ms=13, color=LEADER_COLOUR, label="leader"),
        Line2D([], [], ls="", marker="D", ms=8, color=PARTNER_COLOUR, label="community"),
        Line2D([], [], color=TRUST_CMAP(0.1), lw=1, label="tie, low trust"),
        Line2D([], [], color=TRUST_CMAP(0.9), lw=5, label="tie, high trust"),
    ]
    fig.legend(handles=handles, loc="center right", fontsize=8, frameon=False, title="size = budget", title_fontsize=8)
    return fig


def plots_figure(model, size: tuple[float, float] = (6.4, 5.6)) -> Figure:
    """Four live plots: outcome rate against the target, mean trust, coalition size, roles covered."""
    data = model.datacollector.model_vars
    weeks = np.arange(len(data["outcome_rate"]))
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    ax = axes[0, 0]
    ax.plot(weeks, data["outcome_rate"], color="tab:red", lw=1, alpha=0.45, label="this week")
    ax.plot(weeks, data["expected_rate"], color="tab:red", lw=2, label="expected")
    ax.axhline(model.target_rate, color="black", ls="--", lw=1, label=f"target {model.target_rate:.0%}")
    ax.set_title(f"{model.people_outcome} (rate)", fontsize=9)
    ax.legend(fontsize=7, loc="upper right")
    ax = axes[0, 1]
    ax.plot(weeks, data["mean_trust"], color="tab:blue", label="mean trust")
    ax.plot(weeks, data["diagnosis_accuracy"], color="tab:purple", lw=1, label="diagnosis accuracy")
    ax.set_ylim(0, 1)
    ax.set_title("mean trust", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[1, 0]
    ax.step(weeks, data["coalition_size"], where="post", color="tab:green", label="committed")
    ax.step(weeks, data["sharing_count"], where="post", color="tab:gray", lw=1, label="sharing data")
    ax.set_ylim(0, len(model.organizations) + 0.5)
    ax.set_title("coalition size", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[1, 1]
    ax.step(weeks, data["roles_covered"], where="post", color="tab:orange")
    ax.set_ylim(0, len(ROLES) + 0.5)
    present = set(model.roles_at_table())
    ax.set_title("roles at the table: " + " ".join(("✓" if r in present else "✗") + r for r in ROLES), fontsize=7)
    for ax in axes.flat:
        ax.tick_params(labelsize=7)
    for ax in axes[1]:
        ax.set_xlabel("week", fontsize=8)
    return fig
