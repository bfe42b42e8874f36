"""The export workbook: what a spreadsheet program reads back is what was written."""

from __future__ import annotations

import openpyxl

from asylon.reports.xlsx import column_letters, write_xlsx


def test_a_workbook_reads_back_cell_for_cell(tmp_path):
    rows = [
        ["Reference", "Given name", "Stateless", "Size", "Note"],
        ["LIB-000001", "مریم", False, 3, '=HYPERLINK("x")'],
        ["LIB-000002", "Ali <Reza> & co", True, 2.5, None],
        ["LIB-000003", "  spaced  ", None, 0, "bell\x07 gone"],
    ]
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [("export", iter(rows)), ("columns", [["key", "label"], ["reference", "Reference"]])])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["export", "columns"]
    got = [list(r) for r in book["export"].iter_rows(values_only=True)]
    assert got[0] == rows[0]
    assert got[1] == ["LIB-000001", "مریم", False, 3, '=HYPERLINK("x")']
    assert book["export"]["E2"].data_type == "s"  # text, never a formula
    assert got[2] == ["LIB-000002", "Ali <Reza> & co", True, 2.5, None]
    assert got[3] == ["LIB-000003", "  spaced  ", None, 0, "bell gone"]
    assert [list(r) for r in book["columns"].iter_rows(values_only=True)] == [
        ["key", "label"],
        ["reference", "Reference"],
    ]


def test_columns_are_lettered_past_z():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
