"""A streaming XLSX writer for exports: rows in, a workbook file out, in constant memory.

`exports._write` calls it for every XLSX export. It writes the smallest SpreadsheetML that
spreadsheet programs and openpyxl read: one worksheet part per sheet, written row by row
straight into the zip archive, every text as an inline string. openpyxl's write-only mode
does the same work through an XML tree per cell and is several times slower; this module
writes the same rows with string formatting (the anchor of bench/persons_export.py is
openpyxl writing the same rows).

What a cell holds: text (never a formula, whatever it starts with: a register's value is
data, not an instruction to a spreadsheet), a number, a boolean, or nothing (None). Other
values are written as their text. Characters XML forbids (control characters) are dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# XML 1.0 forbids these; openpyxl refuses them, so a spreadsheet never carries them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Deflate's fastest level: the XML is repetitive and shrinks well even so.
_LEVEL = 1

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return escape(value)


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _sheet_rows(rows: Iterable[list[Any]]) -> Iterable[str]:
    letters: list[str] = []
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letters(len(letters)))
        cells = "".join([_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row)])
        yield f'<row r="{number}">{cells}</row>'


def write_xlsx(path: Path, sheets: list[tuple[str, Iterable[list[Any]]]]) -> None:
    """Write `sheets` (name, rows), in order, to a new workbook at `path`. Rows are consumed
    as they come: a generator of a million rows never sits in memory."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as book:
        numbers = range(1, len(sheets) + 1)
        book.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers))
        )
        book.writestr("_rels/.rels", _ROOT_RELS)
        names = "".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _r) in zip(numbers, sheets, strict=True)
        )
        book.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=names))
        book.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(rels="".join(_SHEET_REL.format(n=n) for n in numbers))
        )
        for n, (_name, rows) in zip(numbers, sheets, strict=True):
            with book.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as part:
                buffer: list[str] = [_SHEET_HEAD]
                size = 0
                for line in _sheet_rows(rows):
                    buffer.append(line)
                    size += len(line)
                    if size > 1 << 20:
                        part.write("".join(buffer).encode())
                        buffer, size = [], 0
                buffer.append(_SHEET_TAIL)
                part.write("".join(buffer).encode())
