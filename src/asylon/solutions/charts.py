"""Charts drawn on the server as SVG (no JavaScript), embedded as data URIs.

The dashboard's charts are plain bar charts: rectangles, two axis lines, tick labels, a title
and at most a legend. They are written here directly as SVG elements, in the look the
matplotlib versions had (same colours, left and bottom axes only). Laying them out with
matplotlib took about half of the dashboard's time for three small pictures; writing the
elements takes well under a millisecond and needs no font metrics.
"""

from __future__ import annotations

import base64
import math
from datetime import date

from django.utils.html import escape

from asylon.core.i18n import to_digits

COLOUR = "#1f5f8b"
SERIES_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]  # matplotlib's first six
# Narrow enough that a phone (about 340 px of page) shows the 13px labels at 11px or more.
WIDTH = 400
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
CHAR_WIDTH = 8.0  # average width of a 13px sans-serif character, to size the label margins


def nice_ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 past `top`, at a step of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    step = next(k * power for k in (1, 2, 5, 10) if k * power >= raw)
    return list(range(0, (math.ceil(top / step) + 1) * step, step))


def _data_uri(width: float, height: float, title: str, body: list[str]) -> str:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" role="img" {FONT} font-size="13">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{width / 2:.1f}" y="17" text-anchor="middle" font-size="14">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _value_axis(ticks: list[int], to_px, *, horizontal: bool, span: tuple[float, float]) -> list[str]:
    """Tick marks and labels of the value axis (left, or bottom when the bars lie down)."""
    out = []
    for t in ticks:
        p = to_px(t)
        if horizontal:
            out.append(f'<line x1="{p:.1f}" y1="{span[1]:.1f}" x2="{p:.1f}" y2="{span[1] + 4:.1f}" stroke="#000"/>')
            out.append(f'<text x="{p:.1f}" y="{span[1] + 15:.1f}" text-anchor="middle">{to_digits(t)}</text>')
        else:
            out.append(f'<line x1="{span[0] - 4:.1f}" y1="{p:.1f}" x2="{span[0]:.1f}" y2="{p:.1f}" stroke="#000"/>')
            out.append(f'<text x="{span[0] - 6:.1f}" y="{p + 3.5:.1f}" text-anchor="end">{to_digits(t)}</text>')
    return out


def _axes(left: float, top: float, right: float, bottom: float) -> str:
    return f'<path d="M{left:.1f},{top:.1f} V{bottom:.1f} H{right:.1f}" fill="none" stroke="#000"/>'


def _label_width(labels: list[str]) -> float:
    return max((len(s) for s in labels), default=0) * CHAR_WIDTH


def bar_chart(labels: list[str], values: list[int], *, title: str, horizontal: bool = False) -> str:
    if horizontal:
        return _horizontal_bars(labels, values, title=title)
    return grouped_bars(labels, {"": values}, title=title, legend=False, rotate=True)


def _horizontal_bars(labels: list[str], values: list[int], *, title: str) -> str:
    row = 24.0
    left, top, right = 12 + _label_width(labels), 28.0, WIDTH - 16.0
    bottom = top + row * max(1, len(labels))
    ticks = nice_ticks(max(values, default=0))

    def x(v: float) -> float:
        return left + (right - left) * v / ticks[-1]

    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        body.append(
            f'<rect x="{left:.1f}" y="{y + 3:.1f}" width="{x(value) - left:.1f}" height="{row - 6:.1f}"'
            f' fill="{COLOUR}"><title>{escape(label)}: {value}</title></rect>'
        )
        body.append(f'<text x="{left - 6:.1f}" y="{y + row / 2 + 4.5:.1f}" text-anchor="end">{escape(label)}</text>')
    body += _value_axis(ticks, x, horizontal=True, span=(left, bottom))
    body.append(_axes(left, top, right, bottom))
    return _data_uri(WIDTH, bottom + 24, title, body)


def departures_by_month(rows: list[tuple[date, int]], *, title: str) -> str:
    return bar_chart([d.strftime("%Y-%m") for d, _n in rows], [n for _d, n in rows], title=title)


def grouped_bars(
    labels: list[str], series: dict[str, list[int]], *, title: str, legend: bool = True, rotate: bool = False
) -> str:
    """Bars side by side for each label, one colour per series (one series: the one colour)."""
    label_room = _label_width(labels) * 0.75 + 14 if rotate else 20.0
    left, top, right, bottom = 56.0, 40.0 if legend else 28.0, WIDTH - 16.0, 240.0
    ticks = nice_ticks(max((v for values in series.values() for v in values), default=0))

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / ticks[-1]

    slot = (right - left) / max(1, len(labels))
    width = slot * 0.8 / max(1, len(series))
    colours = [COLOUR] if len(series) == 1 else SERIES_COLOURS
    body = []
    for k, (name, values) in enumerate(series.items()):
        for i, value in enumerate(values):
            bx = left + i * slot + slot * 0.1 + k * width
            tip = escape(f"{labels[i]} {name}".strip() + f": {value}")
            body.append(
                f'<rect x="{bx:.1f}" y="{y(value):.1f}" width="{width:.1f}" height="{bottom - y(value):.1f}"'
                f' fill="{colours[k % len(colours)]}"><title>{tip}</title></rect>'
            )
    for i, label in enumerate(labels):
        cx = left + (i + 0.5) * slot
        if rotate:
            body.append(
                f'<text transform="translate({cx + 3:.1f},{bottom + 8:.1f}) rotate(-45)"'
                f' text-anchor="end">{escape(label)}</text>'
            )
        else:
            body.append(f'<text x="{cx:.1f}" y="{bottom + 14:.1f}" text-anchor="middle">{escape(label)}</text>')
    body += _value_axis(ticks, y, horizontal=False, span=(left, bottom))
    body.append(_axes(left, top, right, bottom))
    if legend:
        body += _legend(list(series), right, top)
    return _data_uri(WIDTH, bottom + label_room, title, body)


def _legend(names: list[str], right: float, top: float) -> list[str]:
    out, x = [], right
    for k, name in reversed(list(enumerate(names))):
        x -= len(name) * CHAR_WIDTH + 22
        out.append(f'<rect x="{x:.1f}" y="{top - 14:.1f}" width="10" height="8" fill="{SERIES_COLOURS[k]}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{top - 6:.1f}">{escape(name)}</text>')
    return out
