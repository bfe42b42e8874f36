"""Charts drawn on the server (matplotlib, Agg/SVG backends, no GUI), so that the pages
and the PDF show the same picture: SVG on the pages, JPEG in the PDF. Text is drawn as paths
(or pixels): no font is needed to view them.

Persian and Arabic text is drawn with Noto Sans Arabic (Debian's fonts-noto-core, installed by
`make system-deps`), after DejaVu Sans for Latin: matplotlib falls back glyph by glyph, and its
libraqm layout joins the letters and orders right-to-left runs. Figures are written in the
reader's digits (`core.i18n.to_digits`).

Hidden (suppressed) figures are never drawn as zero: their bar is left out and the bracket is
labelled "suppressed".
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from asylon.core.i18n import digit_system, to_digits  # noqa: E402

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


# A chart is drawn once per data version: the key is a digest of exactly what it shows (the
# published, already disclosure-controlled figures), the language and the digits, so a
# changed figure is a new key and a stale chart is never served. Only published figures
# enter the cache, never personal data.
CHART_SECONDS = 24 * 3600
# The drawing code is part of the version: a changed chart module never serves old pictures.
DRAWING = hashlib.sha256(Path(__file__).read_bytes() + matplotlib.__version__.encode()).hexdigest()[:16]


def _cached(kind: str, render: Callable[[Figure], str], draw: Callable[[], Figure], *inputs: object) -> str:
    version = repr((DRAWING, kind, inputs, get_language(), digit_system())).encode()
    key = f"asylon-chart:{kind}:{hashlib.sha256(version).hexdigest()}"
    picture = cache.get(key)
    if picture is None:
        picture = render(draw())
        cache.set(key, picture, CHART_SECONDS)
    return picture


def pyramid_svg(table: PublishedTable) -> str:
    return _cached("pyramid", _svg, lambda: pyramid(table), table)


def monthly_svg(months: list[str], arrivals: PublishedVector, departures: PublishedVector) -> str:
    return _cached("monthly", _svg, lambda: monthly(months, arrivals, departures), months, arrivals, departures)


# The situation report embeds the same pictures as raster images: WeasyPrint draws an SVG of
# text outlines node by node (most of a report's rendering time), an image in one step. JPEG,
# because WeasyPrint copies a JPEG into the PDF as it is, while it decodes and compresses a
# PNG again for every report; at high quality with no chroma subsampling, thin coloured bars
# and the labels stay crisp. 200 dpi prints sharp on A4.
PRINT_DPI = 200
PRINT_QUALITY = 92


def _print_uri(fig: Figure) -> str:
    out = io.BytesIO()
    fig.savefig(
        out,
        format="jpeg",
        dpi=PRINT_DPI,
        bbox_inches="tight",
        facecolor="white",
        pil_kwargs={"quality": PRINT_QUALITY, "subsampling": 0, "optimize": True},
    )
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def pyramid_print_uri(table: PublishedTable) -> str:
    return _cached("pyramid-print", _print_uri, lambda: pyramid(table), table)


def monthly_print_uri(months: list[str], arrivals: PublishedVector, departures: PublishedVector) -> str:
    return _cached(
        "monthly-print", _print_uri, lambda: monthly(months, arrivals, departures), months, arrivals, departures
    )


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
