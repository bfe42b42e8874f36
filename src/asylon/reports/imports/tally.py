"""What an import run learns as it reads: its problems (capped), its counts, the rows that
need a person's decision (capped), and what a real run registered, for its one audit event.
Memory stays bounded whatever the file's size: past the caps, problems and outcomes are only
counted. The checks (`checks`) and the writer (`writing`) add to one `Tally` per run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from asylon.registry.models import Household

from .households import FileMember
from .readers import SourceRow

MAX_PROBLEMS = 10_000  # kept in memory and shown; further problems are only counted
MAX_OUTCOMES = 10_000


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.sheet else f"row {self.row}"
        if self.row is None:
            where = self.sheet or _("file")
        return f"{where}, {self.column or '-'}: {self.message}"


@dataclass
class Tally:
    rows: int = 0
    households: int = 0
    created: int = 0
    updated: int = 0
    linked: int = 0
    needs_decision: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    registered: Registered = field(default_factory=lambda: Registered())

    def problem(self, row: SourceRow | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row.sheet if row else "", row.number if row else None, column, message))

    def outcome(self, member: FileMember, household: Household | None = None) -> None:
        if len(self.outcomes) < MAX_OUTCOMES:
            self.outcomes.append(
                {
                    "row": member.row.key,
                    "action": member.action,
                    "name": " ".join(
                        str(member.person.get(f) or "") for f in ("given_name", "fathers_name", "family_name")
                    ).strip(),
                    "reference": member.existing.reference if member.existing else None,
                    "candidates": [c.as_dict() for c in member.candidates],
                    "household": household.reference if household else None,
                }
            )


@dataclass
class Registered:
    """What a real run registered, for its one audit event: counts, the first and last
    reference, and a digest of every reference in order (the list is in `ImportedPerson`)."""

    persons: int = 0
    households: int = 0
    first: str | None = None
    last: str | None = None
    digest: Any = field(default_factory=hashlib.sha256)

    def add(self, reference: str) -> None:
        self.persons += 1
        self.first = self.first or reference
        self.last = reference
        self.digest.update(reference.encode() + b"\n")

    def as_dict(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "households": self.households,
            "first": self.first,
            "last": self.last,
            "references_sha256": self.digest.hexdigest(),
        }
