"""Charts drawn on the server as SVG (matplotlib, Agg/SVG backends, no GUI), so that the pages
and the PDF show the same picture. Text is drawn as paths: no font is needed to view them.

Persian and Arabic text is drawn with Noto Sans Arabic (Debian's fonts-noto-core, installed by
`make system-deps`), after DejaVu Sans for Latin: matplotlib falls back glyph by glyph, and its
libraqm layout joins the letters and orders right-to-left runs. Figures are written in the
reader's digits (`core.i18n.to_digits`).

Hidden (suppressed) figures are never drawn as zero: their bar is left out and the bracket is
labelled "suppressed".
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from asylon.core.i18n import to_digits  # noqa: E402

from .disclosure import PublishedTable, PublishedVector  # noqa: E402

ARABIC_SCRIPT_FONT = "Noto Sans Arabic"


def _register_arabic_script_font() -> None:
    """Make Noto Sans Arabic known to matplotlib even when its font cache predates the
    package (matplotlib does not rescan the system's fonts once it has a cache)."""
    for path in font_manager.findSystemFonts():
        if Path(path).name.startswith("NotoSansArabic-"):
            font_manager.fontManager.addfont(path)


_register_arabic_script_font()

matplotlib.rcParams.update(
    {
        "font.family": ["DejaVu Sans", ARABIC_SCRIPT_FONT],
        "font.size": 9,
        "svg.fonttype": "path",
        "svg.hashsalt": "asylon",  # stable ids: the same figures give the same file
    }
)

FEMALE, MALE, ARRIVAL, DEPARTURE = "#b5446e", "#2f6690", "#3a7d44", "#a4493d"


def _svg(fig: Figure) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pyramid_svg(table: PublishedTable) -> str:
    return _svg(pyramid(table))


def monthly_svg(months: list[str], arrivals: PublishedVector, departures: PublishedVector) -> str:
    return _svg(monthly(months, arrivals, departures))


def pyramid(table: PublishedTable) -> Figure:
    """Age brackets by sex: females right, males left. Only the known-age brackets are drawn."""
    labels = table.row_labels[:-1]  # the last row is "unknown age"
    female = [row[0] for row in table.cells[:-1]]
    male = [row[1] for row in table.cells[:-1]]
    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    ys = list(range(len(labels)))
    shown = [v for v in female + male if v is not None]
    span = max(shown, default=1) or 1
    for y, f, m in zip(ys, female, male, strict=True):
        if f is not None:
            ax.barh(y, f, color=FEMALE)
        else:
            ax.text(span * 0.02, y, _("suppressed"), va="center", ha="left", fontsize=7, style="italic")
        if m is not None:
            ax.barh(y, -m, color=MALE)
        else:
            ax.text(-span * 0.02, y, _("suppressed"), va="center", ha="right", fontsize=7, style="italic")
    ax.set_yticks(ys, [to_digits(label) for label in labels])
    ax.set_xlim(-span * 1.15, span * 1.15)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [to_digits(f"{abs(int(t))}") for t in ticks])
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_xlabel(_("persons (male left, female right)"))
    ax.set_title(_("Population by age and sex"))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def monthly(months: list[str], arrivals: PublishedVector, departures: PublishedVector) -> Figure:
    """Arrivals and departures per month, side by side; hidden months are marked, not drawn."""
    fig = Figure(figsize=(6, 2.8))
    ax = fig.subplots()
    xs = list(range(len(months)))
    width = 0.4
    for offset, series, color, name in (
        (-width / 2, arrivals, ARRIVAL, _("arrivals")),
        (width / 2, departures, DEPARTURE, _("departures")),
    ):
        shown = [(x + offset, v) for x, v in zip(xs, series.values, strict=True) if v is not None]
        ax.bar([x for x, _v in shown], [v for _x, v in shown], width=width, color=color, label=name)
        for x, v in zip(xs, series.values, strict=True):
            if v is None:
                ax.text(x + offset, 0, "—", ha="center", va="bottom", fontsize=8)
    # Persons are whole: an empty or nearly empty chart still counts 0, 1, 2, never 0.006.
    top = max((v for s in (arrivals, departures) for v in s.values if v is not None), default=0)
    ax.set_ylim(0, max(top * 1.05, 1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: to_digits(f"{value:g}")))
    step = max(1, len(months) // 12)
    ax.set_xticks(xs[::step], [to_digits(m) for m in months[::step]], rotation=45, ha="right")
    ax.set_ylabel(_("persons"))
    ax.set_title(_("Arrivals and departures per month (— suppressed)"))
    ax.legend(frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig
