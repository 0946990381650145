"""The network picture: who is at the table, who shares data, and how much the ties trust.

Each engagement state has its own colour from the Okabe-Ito palette (safe for the common
colour-vision deficiencies) *and* its own shape, so it reads in grey too: outside an open
circle, invited a dashed circle, at the table a filled circle, committed a square, left a
cross. A thick dark ring marks an organization sharing its data. The leader is a star, a
community partner a triangle. Ties darken and thicken as trust grows.
"""

from __future__ import annotations

import functools
import math
import textwrap
from dataclasses import dataclass

from sim.viz import svg
from sim.viz.view import View


@dataclass(frozen=True)
class Layout:
    """Where the circle sits in the picture and how long a label line may be."""

    width: int
    height: int
    centre: tuple
    radius: float
    wrap: int


WIDE = Layout(640, 540, (320, 250), 140, 18)
NARROW = Layout(420, 590, (210, 270), 105, 11)  # a phone: a smaller circle, shorter lines, same text size
NARROW_BELOW = 480  # CSS pixels: a picture drawn narrower than this uses NARROW
# state -> (fill, stroke, shape)
STATES = {
    "outside": ("#ffffff", "#6b6b6b", "open"),
    "invited": ("#f0e442", "#6b6200", "dashed"),
    "at the table": ("#56b4e9", "#1c5d86", "circle"),
    "committed": ("#009e73", "#00573f", "square"),
    "left": ("#d55e00", "#7a3500", "cross"),
}
LEADER = "#cc79a7"
COMMUNITY = "#e69f00"
TIE_LOW, TIE_HIGH = (0xC6, 0xDB, 0xEF), (0x08, 0x30, 0x6B)
HALO = {"stroke": "#ffffff", "stroke_width": 4, "paint_order": "stroke", "stroke_linejoin": "round"}


def radius(budget: float) -> float:
    """Node radius from the budget (area grows with money)."""
    return min(20.0, 7.0 + 2.0 * math.sqrt(max(budget, 0.0)))


def tie_colour(trust: float) -> str:
    """Light blue for low trust to dark blue for high trust."""
    t = min(max(trust, 0.0), 1.0)
    return "#" + "".join(f"{round(lo + (hi - lo) * t):02x}" for lo, hi in zip(TIE_LOW, TIE_HIGH, strict=True))


def place(layout: Layout, x: float, y: float) -> tuple[float, float]:
    """Picture coordinates of a network position (the network's y points up)."""
    return layout.centre[0] + layout.radius * x, layout.centre[1] - layout.radius * y


def marker(state: str, r: float, sharing: bool = False) -> str:
    """The shape of an organization in ``state`` at (0, 0)."""
    fill, stroke, shape = STATES[state]
    ring = ""
    if sharing:
        edge: dict = {"fill": "none", "stroke": svg.INK, "stroke_width": 3.5}
        w = r + 4
        ring = (
            svg.tag("rect", x=-w, y=-w, width=2 * w, height=2 * w, **edge)
            if shape == "square"
            else svg.tag("circle", r=w, **edge)
        )
    if shape == "square":
        s = r * 0.9
        return svg.tag("rect", x=-s, y=-s, width=2 * s, height=2 * s, fill=fill, stroke=stroke, stroke_width=2) + ring
    if shape == "cross":
        d, e = svg.num(r * 0.75), svg.num(-r * 0.75)
        arms = f"M{e},{e}L{d},{d}M{e},{d}L{d},{e}"
        return svg.tag("path", d=arms, stroke=fill, stroke_width=max(4.0, r * 0.45), stroke_linecap="round") + ring
    dash = "4 3" if shape == "dashed" else None
    return svg.tag("circle", r=r, fill=fill, stroke=stroke, stroke_width=2, stroke_dasharray=dash) + ring


def star(r: float, filled: bool) -> str:
    """A five-pointed star at (0, 0) for the leader (hollow once it gave up)."""
    points = []
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        points.append(f"{svg.num(rr * math.cos(angle))},{svg.num(-rr * math.sin(angle))}")
    return svg.tag(
        "polygon",
        points=" ".join(points),
        fill=LEADER if filled else "#ffffff",
        stroke="#7d3a63",
        stroke_width=2,
        stroke_dasharray=None if filled else "3 2",
    )


def triangle(r: float, state: str = "", sharing: bool = False) -> str:
    """A triangle at (0, 0) for a community partner, coloured by its engagement state."""
    fill, stroke, shape = STATES.get(state, (COMMUNITY, "#7a5200", ""))
    pts = f"0,{svg.num(-r)} {svg.num(r * 0.9)},{svg.num(r * 0.65)} {svg.num(-r * 0.9)},{svg.num(r * 0.65)}"
    dash = "4 3" if shape == "dashed" else None
    out = svg.tag("polygon", points=pts, fill=fill, stroke=stroke, stroke_width=2, stroke_dasharray=dash)
    if sharing:
        out += svg.tag("circle", r=r + 3, fill="none", stroke=svg.INK, stroke_width=3)
    return out


def label(layout: Layout, name: str, sector: str, x: float, y: float, r: float) -> str:
    """An organization's name (wrapped) and sector, beside it on the side away from the centre."""
    dx, dy = x - layout.centre[0], y - layout.centre[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    lines = textwrap.wrap(name, layout.wrap) or [name]
    rows = [(line, 13, svg.INK, None) for line in lines] + [(sector, 12, svg.MUTED, "italic")]
    height = 15 * len(rows)
    if abs(ux) > 0.35:  # left or right of the circle: beside the node, a little away from the middle
        anchor = "start" if ux > 0 else "end"
        lx = x + math.copysign(r + 7, ux)
        top = y + uy * r * 0.6 - height / 2 + 11
    elif abs(ux) > 0.1:  # top or bottom, off the middle: above or below, leaning away from its neighbour
        anchor = "start" if ux > 0 else "end"
        lx = x - math.copysign(r * 0.6, ux)
        top = y + r + 17 if uy > 0 else y - r - 8 - height + 11
    else:  # top or bottom: centred above or below
        anchor, lx = "middle", x
        top = y + r + 17 if uy > 0 else y - r - 8 - height + 11
    return "".join(
        svg.text(lx, top + 15 * i, words, size, text_anchor=anchor, fill=fill, font_style=style, **HALO)
        for i, (words, size, fill, style) in enumerate(rows)
    )


def centred(layout: Layout, words: str, x: float, y: float, up: bool = False) -> str:
    """A label centred on ``x``, wrapped, starting at ``y`` (growing upwards when ``up``)."""
    lines = textwrap.wrap(words, round(layout.wrap * 1.8)) or [words]
    top = y - 15 * (len(lines) - 1) if up else y
    # in the middle of the picture, on the densest ties: a light card under the words, not only a halo
    width = 7.2 * max(len(line) for line in lines) + 8
    card = svg.tag(
        "rect", x=x - width / 2, y=top - 12, width=width, height=15 * len(lines) + 3, rx=3, fill="#ffffff", opacity=0.85
    )
    return card + "".join(
        svg.text(x, top + 15 * i, line, 12, text_anchor="middle", **HALO) for i, line in enumerate(lines)
    )


def sector_arcs(layout: Layout, organizations: list) -> str:
    """A light band along the circle under the organizations of each sector (the silos).

    Args:
        layout: the picture's layout.
        organizations: ``(sector, x, y)`` of each organization, in network order.
    """
    out = []
    for sector in dict.fromkeys(s for s, _, _ in organizations):
        members = [(x, y) for s, x, y in organizations if s == sector]
        if len(members) < 2:
            continue
        (x0, y0), (x1, y1) = members[0], members[-1]
        span = math.atan2(y1, x1) - math.atan2(y0, x0)
        large = 1 if span % (2 * math.pi) > math.pi else 0
        (px0, py0), (px1, py1) = place(layout, x0, y0), place(layout, x1, y1)
        r = layout.radius
        path = f"M{svg.num(px0)},{svg.num(py0)}A{r},{r} 0 {large} 0 {svg.num(px1)},{svg.num(py1)}"
        out.append(svg.tag("path", d=path, fill="none", stroke="#e6e6e6", stroke_width=26, stroke_linecap="round"))
    return "".join(out)


def legend_items() -> list:
    """The legend's entries: the five states, sharing, leader, community and ties."""
    items = [(marker(state, 7), state) for state in STATES]
    items.append((marker("at the table", 7, sharing=True), "shares its data"))
    items.append((star(10, True), "leader"))
    items.append((triangle(9, "outside"), "community"))  # coloured by its state on the network
    items.append((svg.tag("line", x1=-9, x2=9, y1=0, y2=0, stroke=tie_colour(0.1), stroke_width=1.5), "tie, low trust"))
    items.append((svg.tag("line", x1=-9, x2=9, y1=0, y2=0, stroke=tie_colour(0.9), stroke_width=5.5), "high trust"))
    return items


def describe(view: View) -> str:
    """The picture in words (its alt text)."""
    members = [n for n in view.nodes if n.kind != "leader"]
    orgs = sum(n.kind == "organization" for n in members)
    parts = [f"The network in {view.unit} {view.week}: {orgs} organizations, {len(members) - orgs} community partners."]
    for state in STATES:
        names = [n.label for n in members if n.state == state]
        if names:
            parts.append(f"{state.capitalize()}: {', '.join(names)}.")
    sharing = [n.label for n in members if n.sharing]
    parts.append(f"Sharing data: {', '.join(sharing) if sharing else 'nobody'}.")
    for n in view.nodes:
        if n.kind == "leader":
            parts.append(f"Leader: {n.name}, {n.state}.")
    if view.leader_mode == "none":
        parts.append("No leader.")
    strong = sum(t.trust >= 0.5 for t in view.ties)
    parts.append(f"{len(view.ties)} ties, {strong} of them with trust of one half or more.")
    return " ".join(parts)


def network_svg(view: View, layout: Layout = WIDE) -> str:
    """The network in the view's week, as an SVG document laid out by ``layout``."""
    where = {n.node: place(layout, n.x, n.y) for n in view.nodes}
    fixed = tuple((n.node, n.kind, n.label, n.sector, n.x, n.y, n.budget) for n in view.nodes)
    under, over = fixed_layers(layout, fixed, view.leader_mode)
    body = [under]
    for tie in sorted(view.ties, key=lambda t: t.trust):
        (x1, y1), (x2, y2) = where[tie.a], where[tie.b]
        width = 0.8 + 5 * tie.trust
        body.append(
            svg.tag("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=tie_colour(tie.trust), stroke_width=width, opacity=0.85)
        )
    for n in view.nodes:
        x, y = where[n.node]
        if n.kind == "organization":
            shape = marker(n.state, radius(n.budget), n.sharing)
        elif n.kind == "leader":
            shape = star(17, n.state == "convening")
        else:
            shape = triangle(13, n.state, n.sharing)
        title = svg.tag("title", f"{n.name}: {n.state}" + (", shares its data" if n.sharing else ""))
        body.append(f'<g transform="translate({svg.num(x)},{svg.num(y)})">{title}{shape}</g>')
    body.append(over)
    heading = [
        f"{view.unit.capitalize()} {view.week}: {view.at_table} of {view.n_members} at the table,",
        f"{view.committed} committed, {view.sharing} sharing data",
    ]
    if layout.width >= WIDE.width:
        heading = [" ".join(heading)]
    body += [svg.text(16, 26 + 19 * i, line, 15, font_weight="bold") for i, line in enumerate(heading)]
    title = f"Network, {view.unit} {view.week}"
    return svg.document(layout.width, layout.height, title, describe(view), "".join(body), "network")


@functools.lru_cache(maxsize=256)
def fixed_layers(layout: Layout, nodes: tuple, leader_mode: str) -> tuple[str, str]:
    """The parts that change at most with a node's budget or mode, kept between weeks.

    Returns the sector bands (drawn under the ties), and the labels, the legend and a note
    when there is no leader (drawn over them).
    """
    under = sector_arcs(layout, [(sector, x, y) for _, kind, _, sector, x, y, _ in nodes if kind == "organization"])
    over = []
    for _, kind, short, sector, nx, ny, budget in nodes:
        x, y = place(layout, nx, ny)
        if kind == "organization":
            over.append(label(layout, short, sector, x, y, radius(budget)))
        elif kind == "leader":
            over.append(centred(layout, f"{short} (leader)", x, y - 22, up=True))
        else:
            over.append(centred(layout, short, x, y + 28))
    if leader_mode == "none":
        top = 26 + 19 * (1 if layout.width >= WIDE.width else 2)
        over.append(svg.text(16, top, "No leader convenes in this run.", 12, font_weight="bold"))
    rows = 2 if layout.width >= WIDE.width else 4
    items, _ = svg.legend(legend_items(), 24, layout.height - 8 - 21 * rows, layout.width - 40)
    return under, "".join(over) + items
