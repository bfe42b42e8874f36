"""Charts and the situation report in Persian and Arabic: the letters are drawn with a font that
has them (no empty boxes), joined, and the figures are in the reader's digits."""

from __future__ import annotations

import re
import subprocess
import warnings

import pytest
from django.utils import translation
from tests.reports.test_sitrep import END, START, camp, needs_poppler, pdf_text  # noqa: F401

from asylon.reports import charts, sitrep
from asylon.reports.disclosure import PublishedTable, PublishedVector

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def age_sex_table() -> PublishedTable:
    """Three known-age brackets and "unknown"; the males of 5-17 hidden (a small cell)."""
    return PublishedTable(
        row_labels=["0-4", "5-17", "18-59", "unknown"],
        col_labels=["F", "M"],
        cells=[[12, 15], [30, None], [44, 41], [None, None]],
        row_totals=[27, None, 85, None],
        col_totals=[86, None],
        total=None,
        threshold=5,
        hidden=5,
    )


def drawn(fig) -> tuple[str, list[str]]:
    """The figure as SVG and the warnings its drawing raised (matplotlib warns of every glyph
    its fonts lack and draws an empty box instead)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = charts._svg(fig)
    return svg, [str(w.message) for w in caught]


def texts(fig) -> list[str]:
    ax = fig.axes[0]
    labels = [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    return [*labels, ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]


@pytest.mark.parametrize(
    ("language", "suppressed", "digits"),
    [("fa", "پنهان‌شده", PERSIAN_DIGITS), ("ar", "محجوب", ARABIC_DIGITS)],
)
def test_the_pyramid_is_drawn_in_the_readers_script_and_digits(language, suppressed, digits):
    with translation.override(language):
        fig = charts.pyramid(age_sex_table())
        words = texts(fig)
        svg, problems = drawn(fig)
    assert suppressed in words  # the hidden bracket is labelled in the reader's language
    assert ("۰-۴" if language == "fa" else "٠-٤") in words  # the first age bracket
    counts = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert len(counts) >= 3 and all(c and set(c) <= set(digits) for c in counts)
    assert not [t for t in words if re.search(r"[0-9]", t)]  # no Western digit anywhere
    assert problems == []
    assert "NotoSansArabic" in svg  # the letters' outlines come from the font that has them


def test_the_monthly_chart_writes_months_and_counts_in_persian_digits():
    arrivals = PublishedVector(["2013-01", "2013-02"], [7, None], None, 5, 1)
    departures = PublishedVector(["2013-01", "2013-02"], [6, 9], 15, 5, 0)
    with translation.override("fa"):
        fig = charts.monthly(["2013-01", "2013-02"], arrivals, departures)
        fig.canvas.draw()  # lays out the count axis's ticks
        words = texts(fig)
        _svg, problems = drawn(fig)
    assert "۲۰۱۳-۰۱" in words and "۲۰۱۳-۰۲" in words
    assert "ورودها و عزیمت‌ها در هر ماه (— پنهان‌شده)" in words
    assert any(w and set(w) <= set(PERSIAN_DIGITS) and w != "۰" for w in words)  # the counts' ticks
    assert problems == []


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


@needs_poppler
@pytest.mark.parametrize(
    ("language", "title", "threshold"),
    [("fa", "گزارش وضعیت", "۵"), ("ar", "تقرير الحالة", "٥")],
)
def test_the_sitrep_reads_in_persian_and_arabic(
    camp,  # noqa: F811
    protection_officer,
    tmp_path,
    settings,
    language,
    title,
    threshold,
):
    settings.ASYLON_SMALL_CELL_THRESHOLD = 5
    with translation.override(language):
        pdf, _run = sitrep.generate_sitrep(protection_officer, site=camp, start=START, end=END)
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert title in text
    assert "Noto-Sans-Arabic" in pdf_fonts(path)  # embedded: the letters are drawn, not boxes
    legend = next(line for line in text.splitlines() if threshold in line and "—" in line)
    assert not re.search(r"[0-9]", legend)  # the threshold in the reader's digits
    # The age bands and the page numbers in the reader's digits.
    zero_four = "۰-۴" if language == "fa" else "٠-٤"
    assert "0-4" not in text and "4-0" not in text
    assert zero_four in text or zero_four[::-1] in text  # pdftotext may read the band backwards
    footer = [line for line in text.splitlines() if camp.code in line and " / " in line]
    assert footer and not any(re.search(r"[0-9]", line.replace(camp.code, "")) for line in footer)


def test_the_timeline_separates_casualties_with_the_languages_comma():
    from django.template import Context, Template

    row = Template(
        "{% load asylon_i18n %}{% comma as sep %}{% for n in counts %}{{ n|digits }}"
        "{% if not forloop.last %}{{ sep }}{% endif %}{% endfor %}"
    )
    with translation.override("fa"):
        assert row.render(Context({"counts": [1, 2, 0]})) == "۱، ۲، ۰"
    with translation.override("en"):
        assert row.render(Context({"counts": [1, 2, 0]})) == "1, 2, 0"
