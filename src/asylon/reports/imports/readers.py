"""Reading registration files row by row, never whole.

Three shapes:

* a flat CSV or a one-sheet XLSX (one row per person, hand-kept or exported);
* a KoboToolbox XLSX export: the main sheet holds one row per submission (a household), each
  repeat group has its own sheet whose rows point to their submission with `_parent_index`
  (the main sheet's `_index`);
* a ZIP of CSV files (KoboToolbox's or ODK Central's CSV export with repeat groups): the main
  file and one file per repeat group, linked by `_index`/`_parent_index` or `KEY`/`PARENT_KEY`
  (ODK Central: a repeat row's `PARENT_KEY` is its submission's `KEY`, `uuid:...`, and its own
  `KEY` is `uuid:.../members[1]`).

CSV files are read in the delimiter their header row uses: KoboToolbox writes `;` by default,
ODK Central and spreadsheets `,`.

Repeat rows come in the order of their submissions in both tools' exports, so the join is a
merge of streams: memory holds one submission at a time whatever the file's size.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

PARENT_COLUMNS = ("_parent_index", "PARENT_KEY")
KEY_COLUMNS = ("_index", "KEY")


class UnreadableFile(ValueError):
    pass


@dataclass(slots=True)
class SourceRow:
    """One row as a spreadsheet shows it: its sheet ("" for a lone CSV) and its row number
    (the header is row 1)."""

    sheet: str
    number: int
    values: dict[str, Any]

    @property
    def key(self) -> str:
        """How a row is named in reports and decisions: "12" or "members:12"."""
        return f"{self.sheet}:{self.number}" if self.sheet else str(self.number)


@dataclass(slots=True)
class Submission:
    """A main row and the repeat-group rows that belong to it (none in a flat file)."""

    main: SourceRow
    children: list[SourceRow] = field(default_factory=list)


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: Iterator[SourceRow]
    estimated_rows: int | None = None

    @property
    def parent_column(self) -> str | None:
        return next((c for c in PARENT_COLUMNS if c in self.headers), None)

    @property
    def key_column(self) -> str | None:
        return next((c for c in KEY_COLUMNS if c in self.headers), None)


class RegistrationFile:
    """Open a file and stream its submissions. Use as a context manager."""

    def __init__(self, path: str | Path, *, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        self._closers: list[Any] = []
        self.tables: list[Table] = []

    def __enter__(self) -> RegistrationFile:
        suffix = Path(self.name).suffix.lower()
        try:
            if suffix == ".xlsx":
                self._open_xlsx()
            elif suffix == ".zip":
                self._open_zip()
            elif suffix in (".csv", ".txt"):
                self.tables = [self._csv_table("", self._text(self.path.open("rb")))]
            else:
                raise UnreadableFile(_("Unknown file type %(s)r: use .csv, .xlsx or .zip.") % {"s": suffix})
        except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError) as exc:
            self.close()
            raise UnreadableFile(_("The file cannot be read: %(e)s") % {"e": exc}) from exc
        if not self.tables or not self.tables[0].headers:
            self.close()
            raise UnreadableFile(_("The file has no header row."))
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer.close()
        self._closers = []

    # --- opening --------------------------------------------------------------------

    def _text(self, raw) -> io.TextIOWrapper:
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self._closers.append(stream)
        return stream

    def _csv_table(self, name: str, stream: io.TextIOWrapper) -> Table:
        first = stream.readline()
        reader = csv.reader(itertools.chain([first], stream), delimiter=_delimiter(first))
        headers = [h.strip() for h in next(reader, [])]

        def rows() -> Iterator[SourceRow]:
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                yield SourceRow(name, number, dict(zip(headers, cells, strict=False)))

        return Table(name, headers, rows())

    def _open_zip(self) -> None:
        archive = zipfile.ZipFile(self.path)
        self._closers.append(archive)
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and not n.startswith("__MACOSX"))
        tables = [self._csv_table(Path(n).stem, self._text(archive.open(n))) for n in names]
        # The main file is the one whose rows point to no parent.
        tables.sort(key=lambda t: t.parent_column is not None)
        self.tables = tables

    def _open_xlsx(self) -> None:
        import openpyxl

        book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        self._closers.append(book)
        found = []
        for sheet in book.worksheets:
            cells = sheet.iter_rows(values_only=True)
            first = next(cells, None)
            if first:
                headers = ["" if h is None else str(h).strip() for h in first]
                linked = any(c in headers for c in PARENT_COLUMNS)
                found.append((linked, sheet.title, headers, cells, (sheet.max_row or 1) - 1))
        found.sort(key=lambda f: f[0])  # the main sheet first, then the repeat groups
        # Sheets without links besides the first (notes, choice lists) are not data.
        found = found[:1] + [f for f in found[1:] if f[0]]
        single = len(found) == 1  # a one-sheet book reads like a CSV: rows named by number only
        self.tables = [
            Table(
                title,
                headers,
                self._sheet_rows("" if single else title, headers, cells),
                estimated,
            )
            for _linked, title, headers, cells, estimated in found
        ]
        if single:
            self.tables[0].name = ""

    @staticmethod
    def _sheet_rows(name: str, headers: list[str], cells) -> Iterator[SourceRow]:
        for number, row in enumerate(cells, start=2):
            if row is None or all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
                continue
            yield SourceRow(name, number, {h: v for h, v in zip(headers, row, strict=False) if h})

    # --- reading --------------------------------------------------------------------

    @property
    def sheets(self) -> dict[str, list[str]]:
        return {t.name: t.headers for t in self.tables}

    @property
    def headers(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.tables:
            seen.update(dict.fromkeys(h for h in t.headers if h))
        return list(seen)

    @property
    def is_linked(self) -> bool:
        return len(self.tables) > 1

    def estimated_rows(self) -> int | None:
        """Main rows, for a progress bar: counted cheaply (CSV lines) or read from the sheet."""
        main = self.tables[0]
        if main.estimated_rows is not None:
            return main.estimated_rows
        if not self.is_linked and self.path.suffix.lower() in (".csv", ".txt"):
            with self.path.open("rb") as f:
                return max(sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1, 0)
        return None

    def submissions(self, orphans: list[SourceRow]) -> Iterator[Submission]:
        """Each main row with its repeat rows. Repeat rows whose submission never comes are
        appended to `orphans` (the caller reports them)."""
        main, children = self.tables[0], self.tables[1:]
        key_column = main.key_column
        pending = [_Peek(t.rows) for t in children]
        for row in main.rows:
            sub = Submission(row)
            key = _link(row.values.get(key_column)) if key_column else None
            for table, peek in zip(children, pending, strict=True):
                parent = table.parent_column or ""
                while peek.head is not None and _link(peek.head.values.get(parent)) == key:
                    sub.children.append(peek.pop())
            yield sub
        for peek in pending:
            while peek.head is not None:
                orphans.append(peek.pop())


def _delimiter(header_line: str) -> str:
    """`;` when the header row has more of them than commas and tabs (KoboToolbox's CSV), tab
    likewise, else `,`. Read from the header alone: a name never holds a delimiter there."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _link(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


class _Peek:
    def __init__(self, rows: Iterator[SourceRow]):
        self._rows = rows
        self.head: SourceRow | None = next(rows, None)

    def pop(self) -> SourceRow:
        head = self.head
        assert head is not None
        self.head = next(self._rows, None)
        return head
