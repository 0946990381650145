"""The live charts and the chart comparing runs, as SVG.

Four small charts, each its own picture so that they can sit two by two on a laptop and
one under the other on a phone: the outcome against its target, trust and diagnosis
accuracy, organizations committed and sharing data, and money spent. The week axis always
spans the whole run. Lines differ in dash pattern as well as colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.viz import svg
from sim.viz.view import View

WIDTH, HEIGHT = 400, 250
BOX = (48, 50, 336, 156)  # the plot starts below a legend row of LEGEND-size text
# Okabe-Ito colours, and a dash pattern for each, so that lines differ without colour too
LINES = (
    ("#0072b2", None),
    ("#d55e00", "7 4"),
    ("#009e73", "2 3"),
    ("#cc79a7", "10 3 2 3"),
    ("#e69f00", "1 4"),
)
LEGEND_ROWS = 2  # the trust chart's legend takes two rows
LEGEND, HEADING = 12, 15  # text sizes of a chart's legend and heading (a phone shows a chart at 0.85 of these)
CURRENT = "#d55e00"  # the live rate chart's colour, and the current run's in a comparison
TARGET = {"stroke": svg.INK, "stroke_width": 1.5, "stroke_dasharray": "6 4"}


def percent(value: float) -> str:
    """A share as a percentage for tick labels."""
    return f"{value * 100:.0f}%"


def whole(value: float) -> str:
    """A count for tick labels."""
    return f"{value:.0f}"


def money(value: float) -> str:
    """Thousands of dollars, short: $850k, $1.2M."""
    if value >= 1000:
        return f"${value / 1000:.1f}M"
    return f"${value:.0f}k" if value else "$0"


def swatch(colour: str, dash=None, width: float = 2.5) -> str:
    """A short line for a legend."""
    return svg.tag("line", x1=-10, x2=10, y1=0, y2=0, stroke=colour, stroke_width=width, stroke_dasharray=dash)


def chart(name: str, heading: str, description: str, frame: str, lines: str, items: list) -> str:
    """One chart picture: a heading, a legend row, the frame and the lines."""
    keys, used = svg.legend(items, BOX[0], 34, BOX[2], size=LEGEND)
    # a legend of two rows would cover the top tick label: the plot moves down by the rows after
    # the first, and every chart keeps room for LEGEND_ROWS (so that charts shown in turn, as
    # the teacher's tabs show them, are one size); svg.legend's row is size + 9
    row = LEGEND + 9
    extra = max(round(used), LEGEND_ROWS * row) - row
    plot = frame + lines if not extra else f'<g transform="translate(0,{extra})">{frame}{lines}</g>'
    body = svg.text(8, 18, heading, HEADING, font_weight="bold") + keys + plot
    return svg.document(WIDTH, HEIGHT + extra, heading, description, body, name)


def rate_chart(view: View) -> str:
    """The outcome this week and its expected rate, against the target."""
    s = view.series
    values = s["outcome_rate"] + s["expected_rate"]
    low = min(min(values, default=view.target), view.target)
    high = max(max(values, default=view.target), view.target)
    # whole percentage points, so the axis (and its cached frame) moves only now and then
    c = svg.Chart(BOX, view.horizon, max(0.0, math.floor(low * 100 - 1) / 100), math.ceil(high * 100 + 1) / 100)
    lines = c.hline(view.target, **TARGET)
    lines += c.line(s["outcome_rate"], stroke=CURRENT, stroke_width=1, opacity=0.5)
    lines += c.line(s["expected_rate"], stroke=CURRENT, stroke_width=2.5)
    if view.goal_reached and view.goal_week is not None:
        lines += c.vline(view.goal_week, stroke="#009e73", stroke_width=2, stroke_dasharray="2 2")
        lines += svg.text(
            c.x(view.goal_week) - 4, BOX[1] + 12, f"goal, {view.unit} {view.goal_week}", 11, text_anchor="end"
        )
    items = [
        (swatch(CURRENT, width=1), f"this {view.unit}"),
        (swatch(CURRENT), "expected"),
        (swatch(svg.INK, "6 4", 1.5), f"target {view.target:.0%}"),
    ]
    words = (
        f"{view.outcome.capitalize()} by {view.unit}, {view.units} 0 to {view.week}: "
        f"{s['outcome_rate'][0]:.1%} at the start, "
        f"{view.rate:.1%} now (expected {view.expected_rate:.1%}); target {view.target:.1%}."
    )
    return chart(
        "rate", f"{view.outcome.capitalize()} (share of people)", words, c.frame(percent, axis=view.unit), lines, items
    )


def trust_chart(view: View) -> str:
    """Mean trust on the ties and the accuracy of the coalition's diagnosis."""
    s = view.series
    c = svg.Chart(BOX, view.horizon, 0.0, 1.0)
    lines = c.line(s["mean_trust"], stroke=LINES[0][0], stroke_width=2.5)
    lines += c.line(s["diagnosis_accuracy"], stroke=LINES[3][0], stroke_width=2.5, stroke_dasharray=LINES[3][1])
    # the mean over ties of everyone who has not left (outside or at the table): it can rise as the distrustful leave
    items = [
        (swatch(LINES[0][0]), "mean trust (all who have not left)"),
        (swatch(LINES[3][0], LINES[3][1]), "diagnosis accuracy"),
    ]
    words = (
        f"Mean trust among all who have not left {s['mean_trust'][-1]:.2f} and diagnosis accuracy "
        f"{view.accuracy:.2f} in {view.unit} {view.week}."
    )
    return chart("trust", "Trust and diagnosis", words, c.frame(axis=view.unit), lines, items)


def members_chart(view: View) -> str:
    """Organizations committed and organizations sharing their data."""
    s = view.series
    c = svg.Chart(BOX, view.horizon, 0.0, max(view.n_members, 1))
    lines = c.steps(s["coalition_size"], stroke=LINES[2][0], stroke_width=2.5)
    lines += c.steps(s["sharing_count"], stroke=svg.INK, stroke_width=1.5, stroke_dasharray="5 3")
    items = [(swatch(LINES[2][0]), "committed"), (swatch(svg.INK, "5 3", 1.5), "sharing data")]
    words = f"In {view.unit} {view.week}: {view.committed} members committed, {view.sharing} sharing data."
    return chart("members", "Members", words, c.frame(whole, axis=view.unit), lines, items)


def money_chart(view: View) -> str:
    """Money the coalition has spent so far."""
    spent = view.series["money_spent"]
    top = max(max(spent, default=0.0), 100.0)
    step = svg.nice_step(top)
    c = svg.Chart(BOX, view.horizon, 0.0, step * math.ceil(top / step))
    lines = c.line(spent, stroke=LINES[4][0], stroke_width=2.5)
    spent_by = f"{view.unit} {view.week}: {money(view.money_spent)}"
    words = f"Money the coalition has spent on case work and rule changes by {spent_by}."
    return chart(
        "money", "Money spent", words, c.frame(money, axis=view.unit), lines, [(swatch(LINES[4][0]), "spent so far")]
    )


def live_charts(view: View) -> list[tuple[str, str]]:
    """The four live charts as ``(name, svg)``."""
    return [
        ("rate", rate_chart(view)),
        ("trust", trust_chart(view)),
        ("members", members_chart(view)),
        ("money", money_chart(view)),
    ]


@dataclass(frozen=True)
class Run:
    """A run to compare: its label, expected rate by week and goal week."""

    label: str
    expected: tuple
    goal_week: int | None
    finished: bool = True
    current: bool = False
    unit: str = "week"  # what a step is called

    @property
    def outcome(self) -> str:
        """How the run ended, or how far it got."""
        if self.goal_week is not None:
            return f"goal in {self.unit} {self.goal_week}"
        return "goal not reached" if self.finished else f"{self.unit} {len(self.expected) - 1} so far"


def compare_svg(runs: list[Run], view: View) -> str:
    """The expected outcome rate of each run, overlaid, with the target; newest run last."""
    values = [v for run in runs for v in run.expected] + [view.target]
    low, high = max(0.0, math.floor(min(values) * 100 - 1) / 100), math.ceil(max(values) * 100 + 1) / 100
    c = svg.Chart((48, 40, 336, 150), view.horizon, low, high)
    lines, items = c.hline(view.target, **TARGET), []
    # the run being played in the live rate chart's orange, solid (a class reads it as "ours");
    # the others in the other colours and dashes
    others = [line for line in LINES if line[0] != CURRENT]
    for i, run in enumerate(runs):
        colour, dash = (CURRENT, None) if run.current else others[i % len(others)]
        lines += c.line(run.expected, stroke=colour, stroke_dasharray=dash, stroke_width=3.5 if run.current else 2)
        items.append(
            (swatch(colour, dash, 3), f"{i + 1}. {run.label}{' (this run)' if run.current else ''}: {run.outcome}")
        )
    keys, height = column_legend(items, 230)
    words = f"Expected rate by {view.unit} for each run: " + "; ".join(w for _, w in items) + "."
    body = svg.text(8, 18, f"Compare runs: expected {view.outcome}", 14, font_weight="bold")
    body += svg.text(48, 34, f"dashed: target {view.target:.0%}", LEGEND, fill=svg.MUTED)
    body += c.frame(percent, axis=view.unit) + lines + keys
    return svg.document(WIDTH, int(236 + height), "Compare runs", words, body, "compare")


def column_legend(items, top: float, size: float = 11) -> tuple[str, float]:
    """Legend entries one under the other, each wrapped to the picture's width (long labels).

    A run's label grows with the settings that differ; cut at the edge, it lost the part a
    class reads it for, how the run ended (a teacher's trial).
    """
    import textwrap

    out, y = [], top
    fits = int((WIDTH - 40 - 8) / (0.56 * size))  # characters a line holds, at about 0.56 em a character
    for swatch_svg, words in items:
        out.append(f'<g transform="translate(24,{svg.num(y)})">{swatch_svg}</g>')
        for line in textwrap.wrap(words, fits) or [""]:
            out.append(svg.text(40, y + 4, line, size))
            y += size + 3
        y += 4
    return "".join(out), y - top
