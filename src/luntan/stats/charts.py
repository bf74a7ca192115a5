"""Small charts drawn on the server as SVG: bars and lines with axes and labels, readable without
JavaScript and under the site's strict CSP (SVG presentation attributes such as fill= are not CSS, so no
style attribute is needed).

Each chart is an image to assistive technology (role="img"), named by its <title> and described by its
<desc>; the page shows the same figures as a table beside it (see stats/_chart.html)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 34
INK, MUTED, GRID, BAR, LINE, AREA = "#222", "#555", "#dfe3e8", "#1b5fa8", "#1b5fa8", "#dbe7f5"
MAX_X_LABELS = 8
Y_STEPS = 4


@dataclass(frozen=True)
class Point:
    label: str  # on the x axis and in the data table ("11-02")
    value: int


def nice_ceiling(value: float) -> int:
    """The axis top: Y_STEPS steps of a round size (1, 2, 2.5 or 5 times a power of ten) that reach the value."""
    if value <= 0:
        return Y_STEPS
    raw = value / Y_STEPS
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    sizes = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    step = next(m * power for m in sizes if m * power >= raw)
    return int(step) * Y_STEPS


def _label_every(n: int) -> int:
    return max(1, math.ceil(n / MAX_X_LABELS))


def _frame(chart_id: str, title: str, desc: str, top: int, points: Sequence[Point], body: list[str],
           slot: float) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        '<g aria-hidden="true">',
    ]
    for i in range(Y_STEPS + 1):  # grid lines and the y axis's numbers
        value = top * i // Y_STEPS
        y = TOP + plot_h - plot_h * i / Y_STEPS
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{value}</text>')
    every = _label_every(len(points))
    for i, point in enumerate(points):  # the x axis's labels, thinned out to fit
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                         f'fill="{MUTED}">{escape(point.label)}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="{MUTED}"/>')
    parts += body
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


def bar_chart(*, chart_id: str, title: str, desc: str, points: Sequence[Point]) -> Markup:
    """One bar per point; each bar carries its own figure as a tooltip (<title>)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((p.value for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    bar = max(slot * 0.7, 1.0)
    body = []
    for i, point in enumerate(points):
        h = plot_h * point.value / top
        x = LEFT + slot * i + (slot - bar) / 2
        body.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{BAR}">'
                    f'<title>{escape(point.label)}: {point.value}</title></rect>')
    return _frame(chart_id, title, desc, top, points, body, slot)


def line_chart(*, chart_id: str, title: str, desc: str, points: Sequence[Point]) -> Markup:
    """A line through the points over a tinted area, a dot on each point."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((p.value for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    xy = [(LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * p.value / top) for i, p in enumerate(points)]
    body = []
    if xy:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        area = f"{xy[0][0]:.1f},{TOP + plot_h} {line} {xy[-1][0]:.1f},{TOP + plot_h}"
        body.append(f'<polygon points="{area}" fill="{AREA}"/>')
        body.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        radius = 3 if len(points) <= 40 else 1.5
        for (x, y), point in zip(xy, points, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{LINE}">'
                        f'<title>{escape(point.label)}: {point.value}</title></circle>')
    return _frame(chart_id, title, desc, top, points, body, slot)
