"""Small helpers for writing SVG by hand: documents, text, lines and a chart frame.

The page's pictures are SVG text built from a :class:`sim.viz.view.View`: sharp at any
screen resolution, cheap to build (a millisecond, where a matplotlib PNG took twenty), and
with their own alt text. All styling is in presentation attributes, so a picture looks the
same on the page and when the browser turns it into a PNG for download.
"""

from __future__ import annotations

import functools
import math
from xml.sax.saxutils import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#555555"
GRID = "#e3e3e3"
TICK = 13  # a chart's tick and axis labels: 11 px on a phone's 340-pixel-wide chart (11 was 9)
QUOTE = {'"': "&quot;"}


def num(value: float) -> str:
    """A coordinate with at most one decimal (keeps the SVG text short)."""
    text = f"{value:.1f}"
    return text[:-2] if text[-1] == "0" else text


@functools.cache
def attribute(key: str) -> str:
    """An attribute's name from a keyword: ``stroke_width`` is ``stroke-width``, ``class_`` is ``class``."""
    return key.rstrip("_").replace("_", "-")


def attrs(**values) -> str:
    """Attributes from keywords (``stroke_width`` becomes ``stroke-width``; None is left out)."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        if type(value) is float:
            value = num(value)
        elif type(value) is not int:
            value = escape(str(value), QUOTE)
        parts.append(f'{attribute(key)}="{value}"')
    return " ".join(parts)


def tag(name: str, body: str = "", **values: object) -> str:
    """One element; empty elements close themselves."""
    head = f"<{name} {attrs(**values)}".rstrip()
    return f"{head}>{body}</{name}>" if body else f"{head}/>"


def text(x: float, y: float, words: str, size: float = 13, **values) -> str:
    """A text element (escaped)."""
    return tag("text", escape(words), x=float(x), y=float(y), font_size=size, **values)


def polyline(points, **values) -> str:
    """A polyline through (x, y) points."""
    return tag("polyline", points=" ".join(f"{num(x)},{num(y)}" for x, y in points), fill="none", **values)


def document(width: int, height: int, title: str, description: str, body: str, name: str) -> str:
    """A whole SVG picture with an accessible name and description.

    Args:
        width: the viewBox's width (the picture scales to its box on the page).
        height: the viewBox's height.
        title: a short name (screen readers read it first; browsers show it on hover).
        description: the alt text: what the picture shows, in words.
        body: the picture's elements.
        name: the ``id`` prefix of the title and description elements.
    """
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{name}-title {name}-desc" font-family="{FONT}" fill="{INK}">'
        f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(description)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>{body}</svg>'
    )


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class Chart:
    """A plotting frame: maps weeks and values into a box of the picture.

    Args:
        box: (left, top, width, height) of the plotting area in picture units.
        weeks: the last week on the x axis (the run's horizon).
        low: the bottom of the y axis.
        high: the top of the y axis.
    """

    def __init__(self, box: tuple, weeks: int, low: float, high: float):
        self.box = box
        self.left, self.top, self.width, self.height = box
        self.weeks = max(weeks, 1)
        self.low, self.high = low, high if high > low else low + 1
        self.xs = week_positions(self.left, self.width, self.weeks)

    def x(self, week: float) -> float:
        """Picture x of a week."""
        return self.left + self.width * week / self.weeks

    def y(self, value: float) -> float:
        """Picture y of a value."""
        return self.top + self.height * (1 - (value - self.low) / (self.high - self.low))

    def frame(self, label=None, week_step: int = 52, axis: str = "week") -> str:
        """Grid lines, tick labels and the week axis (kept between weeks while the range holds)."""
        return frame(self.box, self.weeks, self.low, self.high, label or plain_number, week_step, axis)

    def points(self, values) -> list[str]:
        """``x,y`` text of one value a week, from week 0."""
        top, scale, low, xs = self.top + self.height, self.height / (self.high - self.low), self.low, self.xs
        return [f"{xs[week]},{top - (v - low) * scale:.1f}" for week, v in enumerate(values)]

    def line(self, values, **style) -> str:
        """A line through one value a week, starting at week 0."""
        return tag("polyline", points=" ".join(self.points(values)), fill="none", **style) if values else ""

    def steps(self, values, **style) -> str:
        """A step line (a count that holds until the next week)."""
        points = self.points(values)
        if not points:
            return ""
        held = [points[0]]
        for week in range(1, len(points)):
            held.append(f"{self.xs[week]},{held[-1].split(',')[1]}")
            held.append(points[week])
        return tag("polyline", points=" ".join(held), fill="none", **style)

    def hline(self, value: float, **style) -> str:
        """A horizontal line across the chart at ``value``."""
        y = self.y(value)
        return tag("line", x1=self.left, x2=self.left + self.width, y1=y, y2=y, **style)

    def vline(self, week: float, **style) -> str:
        """A vertical line at ``week``."""
        x = self.x(week)
        return tag("line", x1=x, x2=x, y1=self.top, y2=self.top + self.height, **style)


def plain_number(value: float) -> str:
    """A tick label: the number as Python writes it shortest."""
    return f"{value:g}"


@functools.lru_cache(maxsize=64)
def week_positions(left: float, width: float, weeks: int) -> tuple:
    """The x of every week as text (the same for every line of a chart)."""
    return tuple(f"{left + width * week / weeks:.1f}" for week in range(weeks + 1))


@functools.lru_cache(maxsize=512)
def frame(box: tuple, weeks: int, low: float, high: float, label, week_step: int, axis: str = "week") -> str:
    """Grid lines, tick labels and the week axis of a chart."""
    chart = Chart.__new__(Chart)
    chart.left, chart.top, chart.width, chart.height = box
    chart.weeks, chart.low, chart.high = weeks, low, high
    out = []
    step = nice_step(high - low)
    value = math.ceil(low / step) * step
    while value <= high + 1e-9:
        y = chart.y(value)
        out.append(tag("line", x1=chart.left, x2=chart.left + chart.width, y1=y, y2=y, stroke=GRID))
        out.append(text(chart.left - 5, y + 4, label(value), TICK, text_anchor="end", fill=MUTED))
        value += step
    week_step = week_step if weeks >= 2 * week_step else max(1, round(nice_step(weeks)))
    bottom = chart.top + chart.height
    for week in range(0, weeks + 1, week_step):
        out.append(text(chart.x(week), bottom + TICK + 4, str(week), TICK, text_anchor="middle", fill=MUTED))
    out.append(tag("line", x1=chart.left, x2=chart.left + chart.width, y1=bottom, y2=bottom, stroke=MUTED))
    out.append(text(chart.left + chart.width, bottom + 2 * TICK + 5, axis, TICK, text_anchor="end", fill=MUTED))
    return "".join(out)


def legend(items, x: float, y: float, width: float, size: float = 12) -> tuple[str, float]:
    """Legend entries ``(swatch svg at (0, 0), words)`` laid out in rows; returns (svg, height used)."""
    out, cx, cy = [], x, y
    for swatch, words in items:
        span = 26 + 0.6 * size * len(words) + 16
        if cx > x and cx + span > x + width:
            cx, cy = x, cy + size + 9
        out.append(f'<g transform="translate({num(cx)},{num(cy)})">{swatch}</g>')
        out.append(text(cx + 24, cy + size * 0.35, words, size))
        cx += span
    return "".join(out), cy - y + size + 9
