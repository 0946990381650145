"""Matplotlib figures for the page: the network and the live plots.

Each figure is built once per model and its static parts (axes, ticks, labels, legend) are
drawn once into a background; after each step only the changing artists are drawn over a
copy of it ("blitting"), because laying out text and ticks costs far more than drawing a
few lines. No pyplot is used, so nothing leaks between steps. Positions come from the network's fixed, seeded
sector layout, so nodes never jump between steps.
"""

from __future__ import annotations

import contextlib
import io
import threading
import weakref

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image

from sim.model.organization import State
from sim.scenario.roles import ROLES

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
SIZE = (6.6, 5.2)


def node_positions(model) -> np.ndarray:
    """(n_nodes, 2) array of the fixed layout positions."""
    return np.array([model.space[node].position for node in range(model.n_nodes)], dtype=float)


def tie_trust(model) -> tuple[np.ndarray, np.ndarray]:
    """Edges as an (m, 2) node array and each edge's mean trust in both directions."""
    edges = np.array(list(model.space.G.edges()), dtype=np.int64).reshape(-1, 2)
    trust = np.array([(model.trust.get(i, j) + model.trust.get(j, i)) / 2 for i, j in edges])
    return edges, trust


def short_name(name: str, width: int = 20) -> str:
    """A name cut to ``width`` characters for a label."""
    return name if len(name) <= width else name[: width - 1] + "…"


class Blitted:
    """A figure whose ``animated`` artists are redrawn over a cached background."""

    def __init__(self):
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.animated = []
        self.background = None

    def animate(self, *artists):
        """Mark artists as changing from step to step; returns the first."""
        for artist in artists:
            artist.set_animated(True)
            self.animated.append(artist)
        return artists[0]

    def invalidate(self) -> None:
        """Redraw the static background on the next render (after limits change)."""
        self.background = None

    def render(self) -> bytes:
        """The figure as PNG bytes."""
        if self.background is None:
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


class NetworkPicture(Blitted):
    """The network: colour = engagement state, size = budget, ties coloured and widened by trust.

    The leader is a star (hollow once it gave up), community partners are diamonds (hollow
    when absent); organizations sharing their data have a black ring.
    """

    def __init__(self, model):
        super().__init__()
        fig = self.fig
        ax = fig.add_axes((0.0, 0.0, 0.76, 0.93))
        self.pos = pos = node_positions(model)
        self.ties = self.animate(LineCollection([], zorder=1))
        ax.add_collection(self.ties)
        self.nodes = [o.node for o in model.organizations]
        self.orgs = self.animate(ax.scatter(pos[self.nodes, 0], pos[self.nodes, 1], zorder=2))
        for o in model.organizations:
            x, y = pos[o.node]
            ax.annotate(
                short_name(o.name),
                (x, y),
                xytext=(x * 1.13, y * 1.13),
                fontsize=8,
                zorder=3,
                ha="left" if x > 0.1 else "right" if x < -0.1 else "center",
                va="center",
            )
        leader = model.leader
        self.leader = self.animate(
            ax.scatter(*pos[leader.node], s=420, marker="*", zorder=3, edgecolors=LEADER_COLOUR, linewidths=1.5)
        )
        self.leader_label = self.animate(
            ax.annotate(
                "",
                pos[leader.node],
                xytext=(0, 12),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=LEADER_COLOUR,
                zorder=4,
            )
        )
        for p in model.partners:
            self.animate(
                ax.scatter(
                    *pos[p.node],
                    s=160,
                    marker="D",
                    zorder=3,
                    edgecolors=PARTNER_COLOUR,
                    linewidths=1.5,
                    c=PARTNER_COLOUR if p.mode != "absent" else "white",
                )
            )
            ax.annotate(
                f"{short_name(p.name, 16)} ({p.mode})",
                pos[p.node],
                xytext=(0, -15),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=PARTNER_COLOUR,
                zorder=4,
            )
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-1.3, 1.3)
        ax.set_aspect("equal")
        ax.axis("off")
        self.title = self.animate(fig.text(0.01, 0.96, "", fontsize=10))
        handles = [Line2D([], [], ls="", marker="o", ms=9, color=c, label=str(s)) for s, c in STATE_COLOURS.items()]
        handles += [
            Line2D([], [], ls="", marker="o", ms=9, mfc="white", mec="black", mew=2.5, label="shares its data"),
            Line2D([], [], ls="", marker="*", ms=13, color=LEADER_COLOUR, label="leader"),
            Line2D([], [], ls="", marker="D", ms=8, color=PARTNER_COLOUR, label="community"),
            Line2D([], [], color=TRUST_CMAP(0.1), lw=1, label="tie, low trust"),
            Line2D([], [], color=TRUST_CMAP(0.9), lw=5, label="tie, high trust"),
        ]
        fig.legend(
            handles=handles, loc="center right", fontsize=8, frameon=False, title="node size = budget", title_fontsize=8
        )

    def update(self, model) -> bytes:
        """The network in the model's current week, as PNG."""
        edges, trust = tie_trust(model)
        self.ties.set_segments(self.pos[edges])
        self.ties.set_linewidths(0.5 + 5 * trust)
        self.ties.set_colors(TRUST_CMAP(trust))
        orgs = model.organizations
        self.orgs.set_sizes([60 + 9 * o.budget for o in orgs])
        self.orgs.set_facecolors([STATE_COLOURS[o.state] for o in orgs])
        self.orgs.set_edgecolors(["black" if o.sharing else "white" for o in orgs])
        self.orgs.set_linewidths([2.5 if o.sharing else 1.0 for o in orgs])
        leader = model.leader
        self.leader.set_facecolors([LEADER_COLOUR if leader.active else "white"])
        self.leader_label.set_text(f"leader ({leader.mode}{'' if leader.active else ', gave up'})")
        self.title.set_text(
            f"Week {model.steps}: {model.coalition_size} committed, {model.table_size} at the table, "
            f"mean trust {model.mean_trust:.2f}"
        )
        return self.render()


class PlotsPicture(Blitted):
    """Four live plots: outcome rate against the target, mean trust, coalition size, roles covered.

    The week axis spans the whole horizon and the count and trust axes are fixed, so the
    background only has to be redrawn when the outcome rate leaves its range.
    """

    def __init__(self, model):
        super().__init__()
        fig = self.fig
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.09, top=0.93, wspace=0.22, hspace=0.32)
        self.axes = axes = fig.subplots(2, 2, sharex=True)
        rate, trust, size, roles = axes.flat
        self.rate = self.animate(*rate.plot([], [], color="tab:red", lw=1, alpha=0.45, label="this week"))
        self.expected = self.animate(*rate.plot([], [], color="tab:red", lw=2, label="expected"))
        rate.axhline(model.target_rate, color="black", ls="--", lw=1, label=f"target {model.target_rate:.0%}")
        rate.set_title(f"{model.people_outcome} (rate)", fontsize=9)
        rate.legend(fontsize=7, loc="lower left")
        self.rate_range = (model.target_rate, model.outcome_rate)
        self.trust = self.animate(*trust.plot([], [], color="tab:blue", label="mean trust"))
        self.accuracy = self.animate(*trust.plot([], [], color="tab:purple", lw=1, label="diagnosis accuracy"))
        trust.set_ylim(0, 1)
        trust.set_title("mean trust", fontsize=9)
        trust.legend(fontsize=7, loc="lower right")
        self.committed = self.animate(*size.plot([], [], color="tab:green", drawstyle="steps-post", label="committed"))
        self.sharing = self.animate(
            *size.plot([], [], color="tab:gray", lw=1, drawstyle="steps-post", label="sharing data")
        )
        size.set_ylim(0, len(model.organizations) + 0.5)
        size.set_title("coalition size", fontsize=9)
        size.legend(fontsize=7, loc="upper left")
        self.roles = self.animate(*roles.plot([], [], color="tab:orange", drawstyle="steps-post"))
        roles.set_ylim(0, len(ROLES) + 0.5)
        self.roles_title = self.animate(roles.set_title("", fontsize=8))
        for ax in axes.flat:
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=ax in (size, roles)))
        for ax in axes[1]:
            ax.set_xlabel("week", fontsize=8)
        rate.set_xlim(0, max(10, model.horizon))
        self._fit_rate(*self.rate_range)

    def _fit_rate(self, low: float, high: float) -> None:
        pad = max(0.01, 0.15 * (high - low))
        self.rate_range = (low - pad, high + pad)
        self.axes[0, 0].set_ylim(*self.rate_range)
        self.invalidate()

    def update(self, model) -> bytes:
        """The data collected so far, as PNG."""
        data = model.datacollector.model_vars
        n = len(data["outcome_rate"])
        weeks = np.arange(n)
        for line, key in (
            (self.rate, "outcome_rate"),
            (self.expected, "expected_rate"),
            (self.trust, "mean_trust"),
            (self.accuracy, "diagnosis_accuracy"),
            (self.committed, "coalition_size"),
            (self.sharing, "sharing_count"),
            (self.roles, "roles_covered"),
        ):
            line.set_data(weeks, np.array(data[key][:n], dtype=float))  # a copy: the lists keep growing
        low, high = min(data["outcome_rate"][:n]), max(data["outcome_rate"][:n])
        if low < self.rate_range[0] or high > self.rate_range[1]:
            self._fit_rate(min(low, model.target_rate), high)
        if n - 1 > self.axes[0, 0].get_xlim()[1]:  # a run past its horizon
            self.axes[0, 0].set_xlim(0, 2 * n)
            self.invalidate()
        present = set(model.roles_at_table())
        self.roles_title.set_text("roles at the table\n" + " ".join(("✓" if r in present else "✗") + r for r in ROLES))
        return self.render()


_PICTURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PICTURES_LOCK = threading.Lock()


def picture_of(model, kind: type):
    """The model's picture of ``kind``, built on first use and kept while the model lives."""
    with _PICTURES_LOCK:
        pictures = _PICTURES.setdefault(model, {})
        if kind not in pictures:
            pictures[kind] = (kind(model), threading.Lock())
        return pictures[kind][0]


def draw(model, kind: type) -> bytes:
    """The model's picture of ``kind`` as PNG (the picture is built on first use, kept while the model lives).

    Holds the model's ``step_lock`` (if it has one) so that a step never runs in the middle
    of a drawing, and the picture's own lock so that two renders never share a figure.
    """
    picture = picture_of(model, kind)
    lock = _PICTURES[model][kind][1]
    with lock, getattr(model, "step_lock", contextlib.nullcontext()):
        return picture.update(model)


def network_png(model) -> bytes:
    """The network for the model's current week, as PNG."""
    return draw(model, NetworkPicture)


def plots_png(model) -> bytes:
    """The live plots for the model's current week, as PNG."""
    return draw(model, PlotsPicture)
