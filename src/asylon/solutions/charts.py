"""Charts drawn on the server as SVG (matplotlib, no JavaScript), embedded as data URIs."""

from __future__ import annotations

import base64
import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller and much faster than glyph paths
from matplotlib.figure import Figure  # noqa: E402

COLOUR = "#1f5f8b"


def _svg(fig: Figure) -> str:
    out = io.BytesIO()
    fig.subplots_adjust(left=0.22, right=0.98, bottom=0.25, top=0.9)  # fixed margins: one drawing pass
    fig.savefig(out, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def bar_chart(labels: list[str], values: list[int], *, title: str, horizontal: bool = False) -> str:
    fig = Figure(figsize=(6, 2.8 if not horizontal else max(2.0, 0.3 * len(labels) + 0.6)))
    ax = fig.subplots()
    if horizontal:
        ax.barh(labels, values, color=COLOUR)
        ax.invert_yaxis()
    else:
        ax.bar(labels, values, color=COLOUR)
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def departures_by_month(rows: list[tuple[date, int]], *, title: str) -> str:
    return bar_chart([d.strftime("%Y-%m") for d, _n in rows], [n for _d, n in rows], title=title)


def grouped_bars(labels: list[str], series: dict[str, list[int]], *, title: str) -> str:
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        ax.bar([x + i * width for x in range(len(labels))], values, width=width, label=name)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))], labels)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
