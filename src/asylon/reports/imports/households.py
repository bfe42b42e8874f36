"""Reading a registration file as households: which mapped column feeds which field, and
which rows make one household.

Three shapes (see `mapping.Roster`): flat rows grouped by a household key or by a principal
applicant's row (else one row, one household); a main sheet holding the head with the other
members in repeat rows; or household fields in the main row and every member, the head too,
in the repeat rows, where the roster's relationship values say which row is the head. The
reader only groups and splits raw values: reading them as dates, codes and so on is for the
checks (`checks`). It yields households one by one, so a run holds one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from asylon.registry.models import Household, Location, Person, Relationship

from . import values
from .duplicates import Candidate
from .mapping import HOUSEHOLD_TARGETS, HOUSEHOLD_WIDE, PERSON_TARGETS, Roster
from .readers import RegistrationFile, SourceRow


@dataclass
class FileMember:
    row: SourceRow
    raw: dict[str, Any]
    columns: dict[str, str]
    default_relationship: str | None = None
    head: bool = False  # a repeat row whose relationship value names the household's head
    person: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    existing: Person | None = None
    candidates: list[Candidate] = field(default_factory=list)
    action: str = "create"  # create, update, link, decide
    bad: set[str] = field(default_factory=set)  # fields already reported as unreadable

    def column(self, target: str) -> str:
        if target == "date_of_birth" and target not in self.columns:
            return self.columns.get("age", target)
        return self.columns.get(target, target)


@dataclass
class FileHousehold:
    first: SourceRow
    raw: dict[str, Any]
    columns: dict[str, str]
    members: list[FileMember] = field(default_factory=list)
    unit: Location | None = None
    arrival_date: date | None = None
    reference: str | None = None
    action: str = "create"  # create, update (persons already registered), add (to `target`), mixed
    target: Household | None = None  # the registered household new members join
    head_row: SourceRow | None = None  # read as holding its head, yet its main row names nobody and this row the head


class HouseholdReader:
    """The households of one file, in file order; `main_rows` counts the main rows read so far."""

    def __init__(self, reg_file: RegistrationFile, mapping: dict[str, str], roster: Roster | None):
        self.file, self.mapping, self.roster = reg_file, mapping, roster
        self.targets = set(mapping.values())
        self.main_rows = 0

    def split(self, row: SourceRow) -> tuple[dict, dict, dict, dict]:
        hraw, hcols, praw, pcols = {}, {}, {}, {}
        for header, value in row.values.items():
            target = self.mapping.get(header)
            if not target:
                continue
            if target in HOUSEHOLD_TARGETS:
                hraw[target], hcols[target] = value, header
            elif target in PERSON_TARGETS:
                praw[target], pcols[target] = value, header
        return hraw, hcols, praw, pcols

    def households(self, orphans: list[SourceRow]) -> Iterator[FileHousehold]:
        if self.file.is_linked:
            in_repeat = self.roster is not None and self.roster.head_in_repeat
            for sub in self.file.submissions(orphans):
                self.main_rows += 1
                hraw, hcols, praw, pcols = self.split(sub.main)
                household = FileHousehold(sub.main, hraw, hcols)
                if in_repeat:
                    household.members = [self._repeat_member(child, praw, pcols) for child in sub.children]
                    yield household
                    continue
                person_values = any(values.text(v) for v in praw.values())
                nameless = person_values and not values.text(praw.get("given_name"))
                heads = [c for c in sub.children if self._names_head(c)] if nameless else []
                if heads:  # a nameless main row and a head among the repeat rows: one error says so
                    household.head_row = heads[0]
                elif person_values:
                    household.members.append(FileMember(sub.main, praw, pcols, Relationship.PRINCIPAL_APPLICANT))
                for child in sub.children:
                    _h, _c, craw, ccols = self.split(child)
                    household.members.append(FileMember(child, craw, ccols))
                yield household
            return
        by_key = "household_key" in self.targets
        by_principal = "relationship" in self.targets
        current: FileHousehold | None = None
        current_key = ""
        for sub in self.file.submissions(orphans):
            self.main_rows += 1
            hraw, hcols, praw, pcols = self.split(sub.main)
            key = values.text(hraw.get("household_key"))
            if by_key:
                starts = current is None or not key or key != current_key
            elif by_principal:
                starts = current is None or is_principal(praw.get("relationship"))
            else:
                starts = True
            if starts:
                if current is not None:
                    yield current
                current, current_key = FileHousehold(sub.main, hraw, hcols), key
            assert current is not None
            first = not current.members and not by_principal
            current.members.append(
                FileMember(sub.main, praw, pcols, Relationship.PRINCIPAL_APPLICANT if first else None)
            )
        if current is not None:
            yield current

    def _names_head(self, row: SourceRow) -> bool:
        return self.roster is not None and self.roster.is_head(self.split(row)[2].get("relationship"))

    def _repeat_member(self, row: SourceRow, wide: dict, wide_columns: dict) -> FileMember:
        """A member read from a repeat row of a roster whose head is among them; the main
        sheet's household-wide person fields fill what the row leaves empty."""
        assert self.roster is not None
        _h, _c, raw, columns = self.split(row)
        for target in HOUSEHOLD_WIDE:
            if values.text(wide.get(target)) and not values.text(raw.get(target)):
                raw[target], columns[target] = wide[target], wide_columns[target]
        head = self.roster.is_head(raw.get("relationship"))
        return FileMember(row, raw, columns, head=head)


def is_principal(raw: Any) -> bool:
    try:
        return values.relationship(raw) == Relationship.PRINCIPAL_APPLICANT
    except values.BadValue:
        return False
