"""Bar charts drawn by the server as SVG (no script, no CDN): the geometry of a chart of
values, which a template writes out as <rect> and <text> elements (templates escape the
labels; nothing here builds markup).

    chart = bar_chart([(label, value), ...], width=600, height=160)
    chart.bars -> [Bar(x, y, width, height, value, label, tick)], chart.top (the scale's
    maximum, a round number), chart.gridlines -> [(y, value)]
"""

import math
from dataclasses import dataclass, field


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    label: str
    tick: bool  # whether the label is written under the axis
    centre: float = 0
    anchor: str = "middle"  # text-anchor of the label ("end" for the last bar)


@dataclass
class BarChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    top: float
    bars: list = field(default_factory=list)
    gridlines: list = field(default_factory=list)

    @property
    def scale_x(self):
        return self.plot_left - 4

    @property
    def empty(self):
        return not any(bar.value for bar in self.bars)


def nice_top(value):
    """The smallest of 1, 2, 5 × 10ⁿ at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(points, width=600, height=160, label_every=7, gap=0.25, margin=(8, 22, 28)):
    """Geometry of a bar chart of `points` ((label, value) pairs, in order), the plot
    between `margin` (top, bottom axis labels, left scale labels) and the edges."""
    top_margin, bottom_margin, left_margin = margin
    plot_top, plot_bottom = top_margin, height - bottom_margin
    values = [max(0, float(value or 0)) for _, value in points]
    top = nice_top(max(values, default=0))
    chart = BarChart(width, height, plot_top, plot_bottom, left_margin, top)
    if not points:
        return chart
    slot = (width - left_margin) / len(points)
    span = plot_bottom - plot_top
    last = len(points) - 1
    for n, ((label, _), value) in enumerate(zip(points, values, strict=True)):
        bar_height = span * value / top
        chart.bars.append(
            Bar(
                x=round(left_margin + n * slot + slot * gap / 2, 2),
                y=round(plot_bottom - bar_height, 2),
                width=round(slot * (1 - gap), 2),
                height=round(bar_height, 2),
                value=value,
                label=str(label),
                tick=(last - n) % label_every == 0,
                centre=round(left_margin + (n + 0.5) * slot, 2),
                anchor="end" if n == last and len(points) > 1 else "middle",
            )
        )
    if chart.bars and chart.bars[-1].anchor == "end":
        chart.bars[-1].centre = width
    chart.gridlines = [
        (round(plot_bottom - span * share, 2), round(top * share, 2)) for share in (0, 0.5, 1)
    ]
    return chart
