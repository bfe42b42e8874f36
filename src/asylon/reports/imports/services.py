"""Importing registrations from CSV, XLSX and ZIP files: one service, `import_registrations`.

The file is streamed in chunks of households. Each chunk is read, parsed, checked with the
register's own checks (`registry.validation`), compared with the persons already registered
(same reference: an update; a probable duplicate: a person must decide), and, in a real run,
written through `registry.services.register_households` and `correct_person`. A real run is
one transaction around every chunk: any problem anywhere and nothing is written. Chunks are
dropped once handled; only problems, counts and the rows needing a decision are kept (capped),
so memory stays bounded whatever the file's size.

A file with repeat groups is read in its roster's shape (`mapping.Roster`): the head in the
main row and the other members in the repeat rows, or household fields in the main row and every
member, the head too, in the repeat rows, where exactly one row per household names the head.

Each run is recorded (`ImportRun`) and audited as one event with the file's checksum.

A run names its worker (process id and host) and beats a heartbeat at its start and after every
chunk, outside its transaction: the progress file in the data dir, and on PostgreSQL the run's
`heartbeat_at` written on a connection of its own (on SQLite the import holds the only write
lock). A RUNNING run whose process is gone from this host, or that gave no sign of life for
`STALE_AFTER`, was killed. The pages show it as interrupted (`as_seen`, which writes nothing: a
page read changes no state); `settle_interrupted` moves it to INTERRUPTED (audited) when
`asylon import --list` reads it and when the next import of its site begins. Its transaction
never committed, so nothing of it was written.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput, NotPermitted
from asylon.core.scope import can, ensure
from asylon.core.worker import process_alive
from asylon.registry import bulk
from asylon.registry import services as registry
from asylon.registry.models import (
    Household,
    Location,
    Membership,
    Person,
    Relationship,
    Site,
    SpecificNeedCode,
)
from asylon.registry.validation import PERSON_FIELDS, check_members, check_person, new_errors

from ..models import ImportedPerson, ImportRun, ImportSource, ImportStatus
from ..transitions import IMPORT_RUN
from . import values
from .duplicates import Candidate, DuplicateIndex
from .mapping import (
    HOUSEHOLD_TARGETS,
    HOUSEHOLD_WIDE,
    PERSON_TARGETS,
    Roster,
    detect_roster,
    guess_mapping,
    mapping_problems,
    roster_problems,
)
from .readers import RegistrationFile, SourceRow, UnreadableFile

CHUNK_HOUSEHOLDS = 2000
MAX_PROBLEMS = 10_000  # kept in memory and shown; further problems are only counted
MAX_OUTCOMES = 10_000
# A worker silent this long is gone: a chunk takes seconds, and the file is read before the
# first chunk in well under a minute even for the largest sites.
STALE_AFTER = timedelta(minutes=5)
BEAT_EVERY = timedelta(seconds=10)  # the heartbeat column is written at most this often

Progress = Callable[[int, int | None], None]


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


class _Rollback(Exception):
    pass


# --- the service ------------------------------------------------------------------------


def import_registrations(
    *,
    actor,
    site: Site,
    path: str | Path,
    file_name: str | None = None,
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    roster: dict[str, Any] | None = None,
    dry_run: bool = True,
    decisions: dict[str, str] | None = None,
    progress: Progress | None = None,
    run: ImportRun | None = None,
    chunk_households: int = CHUNK_HOUSEHOLDS,
) -> ImportRun:
    """Check (dry run) or import a registration file into `site`; return the recorded run.

    `mapping` overrides the saved or guessed mapping for the headers it names; `roster`
    ({"shape": ..., "head_values": [...]}, see `mapping.Roster`) declares where a household's
    head is in a file with repeat groups, over the saved or detected shape. With `source` the
    resulting mapping and roster are saved under that name. `decisions` settle probable duplicates:
    {row: "new" | person reference}, rows named as in the report ("12" or "members:12").
    A real run writes everything or nothing; its problems are in the returned run.
    """
    ensure(actor, "reports.import_registrations", site)
    ensure(actor, "registry.add_household", site)
    path = Path(path)
    file_name = file_name or path.name
    sha256, size = file_digest(path)
    try:
        with RegistrationFile(path, name=file_name) as reg_file:
            resolved, shape, saved_source = _resolve_mapping(actor, reg_file, source, mapping, roster)
            problems = mapping_problems(resolved, reg_file.sheets) + roster_problems(shape, resolved, reg_file.sheets)
            shape_dict = shape.as_dict() if shape else {}
            changed = saved_source is None or saved_source.mapping != resolved or saved_source.roster != shape_dict
            if source and not problems and changed:
                saved_source = save_source(actor=actor, name=source, mapping=resolved, roster=shape_dict)
            if run is None:
                run = _start_run(actor, site, saved_source, file_name, sha256, size, resolved, dry_run, shape_dict)
            else:
                ImportRun.objects.filter(pk=run.pk).update(
                    mapping=resolved, roster=shape_dict, source=saved_source, **_this_worker()
                )
            progress = _Heartbeat(run.pk, progress)
            tally = Tally()
            for sheet, column, message in problems:
                tally.problem(SourceRow(sheet, 1, {}), column, message)
            if tally.problem_count:
                return _finish(actor, run, ImportStatus.FAILED, tally)
            importer = _Importer(actor, site, reg_file, resolved, decisions or {}, run, dry_run, shape)
            if dry_run:
                importer.run(tally, progress, chunk_households)
                return _finish(actor, run, ImportStatus.DRY_RUN, tally)
            try:
                with transaction.atomic():
                    importer.run(tally, progress, chunk_households)
                    if tally.needs_decision:
                        tally.problem(
                            None,
                            "",
                            _(
                                "%(n)d row(s) resemble persons already registered: decide for each whether it "
                                "is the same person or a new one, then import again."
                            )
                            % {"n": tally.needs_decision},
                        )
                    if tally.problem_count:
                        raise _Rollback
                    return _finish(actor, run, ImportStatus.COMMITTED, tally)
            except _Rollback:
                return _finish(actor, run, ImportStatus.FAILED, tally)
    except UnreadableFile as exc:
        if run is None:
            run = _start_run(actor, site, None, file_name, sha256, size, {}, dry_run)
        tally = Tally()
        tally.problem(None, "", str(exc))
        return _finish(actor, run, ImportStatus.FAILED, tally)


def begin_import(*, actor, site: Site, path: str | Path, file_name: str, dry_run: bool = True) -> ImportRun:
    """Record an import about to run (pages enqueue it for the worker and show its progress).
    It names no worker yet: the worker that takes it names itself, so a web process recycled
    while the run waits does not make it read as interrupted."""
    ensure(actor, "reports.import_registrations", site)
    ensure(actor, "registry.add_household", site)
    sha256, size = file_digest(Path(path))
    settle_interrupted(actor=actor, runs=ImportRun.objects.filter(site=site, status=ImportStatus.RUNNING))
    return _start_run(actor, site, None, file_name, sha256, size, {}, dry_run, worker=False)


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _resolve_mapping(
    actor,
    reg_file: RegistrationFile,
    source: str | None,
    override: dict[str, str] | None,
    declared: dict[str, Any] | None,
) -> tuple[dict[str, str], Roster | None, ImportSource | None]:
    """The mapping (saved, guessed, then overridden) and the roster shape: declared, else the
    source's saved one, else detected from the mapped headers."""
    saved = ImportSource.objects.filter(name=source).first() if source else None
    resolved = guess_mapping(reg_file.headers, saved.mapping if saved else None)
    resolved.update({h: t for h, t in (override or {}).items() if h in resolved})
    chosen = Roster.from_dict({**(declared or {}), "declared": True})
    chosen = chosen or Roster.from_dict(saved.roster if saved else None)
    return resolved, detect_roster(resolved, reg_file.sheets, chosen), saved


@transaction.atomic
def _start_run(
    actor, site, source, file_name, sha256, size, mapping, dry_run, roster=None, worker: bool = True
) -> ImportRun:
    return ImportRun.objects.create(
        site=site,
        source=source,
        file_name=file_name[:200],
        sha256=sha256,
        size=size,
        mapping=mapping,
        roster=roster or {},
        dry_run=dry_run,
        actor=actor,
        started_at=timezone.now(),
        **(_this_worker() if worker else {}),
    )


@transaction.atomic
def save_source(*, actor, name: str, mapping: dict[str, str], roster: dict[str, Any] | None = None) -> ImportSource:
    """Save (or replace) the column mapping of a source, and its roster shape when given."""
    ensure(actor, "reports.import_registrations")
    problems = mapping_problems(mapping, {})
    if roster and Roster.from_dict(roster) is None:
        problems.append(("", "", _("Unknown roster shape %(s)r.") % {"s": roster.get("shape")}))
    if problems:
        raise InvalidInput({f"mapping.{c or 'file'}": [m] for _s, c, m in problems})
    source, created = ImportSource.objects.select_for_update().get_or_create(
        name=name, defaults={"mapping": mapping, "roster": roster or {}, "created_by": actor}
    )
    before, roster_before = dict(source.mapping), dict(source.roster)
    if not created:
        source.mapping = mapping
        if roster is not None:
            source.roster = roster
        source.save(update_fields=["mapping", "roster", "updated_at"])
    changes = {"name": name, "mapping": audit.diff(before, mapping)}
    if roster is not None:
        changes["roster"] = audit.diff(roster_before if not created else {}, roster)
    audit.record(actor, "import_source.saved", source, changes=changes)
    return source


def _finish(actor, run: ImportRun, status: str, tally: Tally) -> ImportRun:
    """Record the outcome. A committed run is finished inside the import's transaction, so the
    run and its audit event exist exactly when the registrations do; the others in their own."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        IMPORT_RUN.step_to(status, run.status)
        run.status = status
        run.rows, run.households = tally.rows, tally.households
        run.created, run.updated, run.linked = tally.created, tally.updated, tally.linked
        run.needs_decision = tally.needs_decision
        run.error_count = tally.problem_count
        run.errors = [p.as_dict() for p in tally.problems[: ImportRun.MAX_STORED_ERRORS]]
        run.outcomes = tally.outcomes[: ImportRun.MAX_STORED_ERRORS]
        run.finished_at = timezone.now()
        run.save()
        action = {
            ImportStatus.COMMITTED: "import.committed",
            ImportStatus.DRY_RUN: "import.checked",
            ImportStatus.FAILED: "import.failed",
        }[ImportStatus(status)]
        audit.record(
            actor,
            action,
            run,
            object_ref=f"import-{run.pk}",
            changes={
                "file": run.file_name,
                "sha256": run.sha256,
                "size": run.size,
                "source": run.source.name if run.source else None,
                "rows": run.rows,
                "households": run.households,
                "created": run.created,
                "updated": run.updated,
                "linked": run.linked,
                "needs_decision": run.needs_decision,
                "problems": run.error_count,
                **({"registered": tally.registered.as_dict()} if status == ImportStatus.COMMITTED else {}),
            },
        )
    _clear_progress(run.pk)
    return run


# --- reading, checking and writing ------------------------------------------------------


class _Importer:
    def __init__(self, actor, site, reg_file, mapping, decisions, run: ImportRun, dry_run, roster: Roster | None):
        self.actor, self.site, self.file, self.mapping, self.import_run = actor, site, reg_file, mapping, run
        self.roster = roster
        self.decisions = {str(k): str(v).strip() for k, v in decisions.items()}
        self.reason = _("Import of %(f)s (sha256 %(h)s)") % {"f": run.file_name, "h": run.sha256[:16]}
        self.dry_run = dry_run
        self.known_codes = set(SpecificNeedCode.objects.values_list("code", flat=True))
        self.may_record_sensitive = actor.has_perm("registry.change_sensitive", site)
        self.duplicates = DuplicateIndex(site)
        units = Location.objects.filter(site=site, kind="UNIT").select_related("parent")
        self.units: dict[tuple[str, str], Location] = {}
        self.units_by_name: dict[str, list[Location]] = {}
        for unit in units:
            block = unit.parent.name if unit.parent else ""
            self.units[(block.casefold(), unit.name.casefold())] = unit
            self.units_by_name.setdefault(unit.name.casefold(), []).append(unit)
        self.targets = set(mapping.values())
        self.household_refs_seen: set[str] = set()
        self.homes: dict[int, Membership] = {}  # current memberships of the chunk's registered persons
        self.with_principal: set[int] = set()  # their households that have a principal applicant
        self.main_rows = 0

    def run(self, tally: Tally, progress: Progress | None, chunk_households: int) -> None:
        orphans: list[SourceRow] = []
        total = self.file.estimated_rows()
        households = self._households(orphans)
        while chunk := list(islice(households, chunk_households)):
            self._chunk(chunk, tally, write=not self.dry_run and not tally.problem_count)
            if progress:
                progress(self.main_rows, total)
        for row in orphans:
            tally.rows += 1
            tally.problem(row, "_parent_index", _("This repeat row belongs to no submission of the main sheet."))

    # --- grouping rows into households

    def _split(self, row: SourceRow) -> tuple[dict, dict, dict, dict]:
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

    def _households(self, orphans: list[SourceRow]) -> Iterator[FileHousehold]:
        if self.file.is_linked:
            in_repeat = self.roster is not None and self.roster.head_in_repeat
            for sub in self.file.submissions(orphans):
                self.main_rows += 1
                hraw, hcols, praw, pcols = self._split(sub.main)
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
                    _h, _c, craw, ccols = self._split(child)
                    household.members.append(FileMember(child, craw, ccols))
                yield household
            return
        by_key = "household_key" in self.targets
        by_principal = "relationship" in self.targets
        current: FileHousehold | None = None
        current_key = ""
        for sub in self.file.submissions(orphans):
            self.main_rows += 1
            hraw, hcols, praw, pcols = self._split(sub.main)
            key = values.text(hraw.get("household_key"))
            if by_key:
                starts = current is None or not key or key != current_key
            elif by_principal:
                starts = current is None or _is_principal(praw.get("relationship"))
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
        return self.roster is not None and self.roster.is_head(self._split(row)[2].get("relationship"))

    def _repeat_member(self, row: SourceRow, wide: dict, wide_columns: dict) -> FileMember:
        """A member read from a repeat row of a roster whose head is among them; the main
        sheet's household-wide person fields fill what the row leaves empty."""
        assert self.roster is not None
        _h, _c, raw, columns = self._split(row)
        for target in HOUSEHOLD_WIDE:
            if values.text(wide.get(target)) and not values.text(raw.get(target)):
                raw[target], columns[target] = wide[target], wide_columns[target]
        head = self.roster.is_head(raw.get("relationship"))
        return FileMember(row, raw, columns, head=head)

    def _heads(self, household: FileHousehold, tally: Tally) -> bool:
        """In a roster whose head is among the repeat rows, exactly one row names the head;
        else one problem on the submission's main row. True when the household has its head."""
        assert self.roster is not None
        heads = [m for m in household.members if m.head]
        if len(heads) == 1:
            return True
        column = self.roster.relationship_column
        if not heads:
            tally.problem(
                household.first,
                column,
                _(
                    "None of this household's %(n)d member row(s) names its head (%(c)s is one of %(v)s "
                    "for the head): mark exactly one member as the head."
                )
                % {"n": len(household.members), "c": column, "v": ", ".join(self.roster.head_values)},
            )
        else:
            tally.problem(
                household.first,
                column,
                _("Rows %(rows)s all name the head of this household: exactly one member is its head.")
                % {"rows": ", ".join(m.row.key for m in heads)},
            )
        return False

    # --- one chunk

    def _chunk(self, chunk: list[FileHousehold], tally: Tally, *, write: bool) -> None:
        before = tally.problem_count
        refs = {values.text(m.raw.get("person_reference")) for h in chunk for m in h.members} - {""}
        refs |= {v for v in self.decisions.values() if v and v != "new"}
        existing = {p.reference: p for p in Person.objects.filter(site=self.site, reference__in=refs)}
        # The registered households of those persons, for groups that add new members to them.
        self.homes = {
            m.person_id: m
            for m in Membership.objects.filter(
                person__in=list(existing.values()), ended_on__isnull=True
            ).select_related("household")
        }
        self.with_principal = set(
            Membership.objects.filter(
                household__in={m.household_id for m in self.homes.values()},
                ended_on__isnull=True,
                relationship=Relationship.PRINCIPAL_APPLICANT,
            ).values_list("household_id", flat=True)
        )
        wanted = {values.text(h.raw.get("household_reference")) for h in chunk} - {""}
        taken = set(Household.objects.filter(reference__in=wanted).values_list("reference", flat=True))
        for household in chunk:
            tally.households += 1
            tally.rows += len({m.row.key for m in household.members} | {household.first.key})
            self._household(household, tally, existing, taken)
        if write and tally.problem_count == before and not tally.needs_decision:
            self._write(chunk, tally)

    def _household(self, household: FileHousehold, tally: Tally, existing: dict, taken: set[str]) -> None:
        self._household_fields(household, tally, taken)
        for member in household.members:
            self._member(member, tally)
        for member in household.members:
            self._classify(member, tally, existing)
        actions = {m.action for m in household.members}
        if actions and actions <= {"update", "link"}:
            household.action = "update"
        elif actions & {"update", "link"}:
            self._joining(household, tally)
        if household.action != "create":
            for member in household.members:
                if member.action != "decide" and (member.existing or household.target):
                    tally.outcome(member, household.target)
            return
        errors = new_errors()
        check_members([m.person for m in household.members], errors)
        # A value already reported as unreadable is not reported again as missing; nor is a
        # missing or second head, once reported on the submission's row.
        unreadable_relationship = any("relationship" in m.bad for m in household.members)
        if self.file.is_linked and self.roster is not None and self.roster.head_in_repeat:
            has_head = self._heads(household, tally)
            unreadable_relationship = unreadable_relationship or not has_head
        if household.head_row is not None:
            unreadable_relationship = True
            tally.problem(
                household.first,
                self.roster.relationship_column if self.roster else "",
                _(
                    "This main row names no person, and repeat row %(row)s names the head: the head is among the "
                    "repeat rows. Import again with the head among the repeat rows (the household roster choice, or "
                    "--roster repeat)."
                )
                % {"row": household.head_row.key},
            )
        for key, messages in errors.items():
            parts = key.split(".", 2)
            if parts[0] == "members" and len(parts) == 3:
                member = household.members[int(parts[1])]
                if parts[2] in member.bad:
                    continue
                for message in messages:
                    tally.problem(member.row, member.column(parts[2]), message)
            elif not unreadable_relationship:
                row = household.members[0].row if household.members else household.first
                for message in messages:
                    tally.problem(row, self._header_of("relationship"), message)

    def _joining(self, household: FileHousehold, tally: Tally) -> None:
        """A group naming persons already registered and new ones: the new ones join the
        registered household of the others (which must be one and the same)."""
        known = [m for m in household.members if m.existing]
        persons = [m.existing for m in known if m.existing is not None]
        homes = {self.homes[p.pk].household if p.pk in self.homes else None for p in persons}
        refs = ", ".join(p.reference for p in persons)
        if len(homes) != 1 or None in homes:
            household.action = "mixed"
            tally.problem(
                household.first,
                self._header_of("person_reference"),
                _(
                    "This household mixes new persons with persons already registered (%(refs)s) who are not "
                    "members of one household of the register. Import the new members as their own household, "
                    "or register them on the household's page."
                )
                % {"refs": refs},
            )
            return
        target = homes.pop()
        assert target is not None
        household.action, household.target = "add", target
        for member in known:
            assert member.existing is not None
            registered = self.homes[member.existing.pk].relationship
            if values.text(member.raw.get("relationship")) and member.person.get("relationship") != registered:
                tally.problem(
                    member.row,
                    member.column("relationship"),
                    _(
                        "The register has %(p)s as %(r)s in household %(h)s: change relationships on the "
                        "household's page."
                    )
                    % {"p": member.existing.reference, "r": Relationship(registered).label, "h": target.reference},
                )
        principal = target.pk in self.with_principal
        for member in (m for m in household.members if m.action == "create"):
            errors = new_errors()
            check_person(member.person, errors)
            relationship = member.person.get("relationship")
            if "relationship" in member.bad:
                pass
            elif relationship not in Relationship.values:
                errors["relationship"].append(_("Give the new member's relationship to the principal applicant."))
            elif relationship == Relationship.PRINCIPAL_APPLICANT and principal:
                errors["relationship"].append(
                    _("Household %(h)s already has a principal applicant.") % {"h": target.reference}
                )
            principal = principal or relationship == Relationship.PRINCIPAL_APPLICANT
            for key, messages in errors.items():
                if key not in member.bad:
                    for message in messages:
                        tally.problem(member.row, member.column(key), message)

    def _header_of(self, target: str) -> str:
        return next((h for h, t in self.mapping.items() if t == target), target)

    def _household_fields(self, household: FileHousehold, tally: Tally, taken: set[str]) -> None:
        raw, cols, row = household.raw, household.columns, household.first
        reference = values.text(raw.get("household_reference"))
        if reference:
            if reference in taken or reference in self.household_refs_seen:
                tally.problem(
                    row, cols["household_reference"], _("The reference %(r)s is already used.") % {"r": reference}
                )
            self.household_refs_seen.add(reference)
            household.reference = reference
        if values.text(raw.get("arrival_date")):
            try:
                household.arrival_date, _p = values.a_date(raw["arrival_date"])
                if household.arrival_date > timezone.localdate():
                    tally.problem(row, cols["arrival_date"], _("The arrival date is in the future."))
            except values.BadValue as exc:
                tally.problem(row, cols["arrival_date"], str(exc))
        unit_name = values.text(raw.get("unit")).casefold()
        block_name = values.text(raw.get("block")).casefold()
        if unit_name:
            if block_name:
                household.unit = self.units.get((block_name, unit_name))
            else:
                matches = self.units_by_name.get(unit_name, [])
                household.unit = matches[0] if len(matches) == 1 else None
                if len(matches) > 1:
                    tally.problem(row, cols["unit"], _("Several blocks have a unit of this name: add a block column."))
                    return
            if household.unit is None:
                tally.problem(
                    row,
                    cols["unit"],
                    _("Unknown unit %(u)r in site %(s)s.") % {"u": values.text(raw.get("unit")), "s": self.site.code},
                )

    def _member(self, member: FileMember, tally: Tally) -> None:
        person: dict[str, Any] = {}
        if member.default_relationship and not values.text(member.raw.get("relationship")):
            person["relationship"] = member.default_relationship
        if member.head:  # its value is one the roster names as the head, whatever its spelling
            person["relationship"] = Relationship.PRINCIPAL_APPLICANT
        dob_from_age = None
        for target, raw in member.raw.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            column = member.columns[target]
            try:
                if target == "person_reference":
                    continue
                if target == "relationship":
                    if not member.head:
                        person["relationship"] = values.relationship(raw)
                elif target == "sex":
                    person["sex"] = values.sex(raw)
                elif target == "date_of_birth":
                    person["date_of_birth"], precision = values.a_date(raw)
                    person.setdefault("dob_precision", precision)
                elif target == "age":
                    dob_from_age = values.age(raw)
                elif target == "dob_precision":
                    person["dob_precision"] = values.precision(raw)
                elif target in ("nationality", "country_of_origin"):
                    code = values.country(raw)
                    person[target] = code
                    if not code and target == "nationality":
                        person["stateless"] = True
                elif target == "stateless":
                    person["stateless"] = values.boolean(raw)
                elif target == "registered_on":
                    person["registered_on"], _p = values.a_date(raw)
                elif target == "specific_needs":
                    codes = values.codes(raw)
                    unknown = [c for c in codes if c not in self.known_codes]
                    if unknown:
                        tally.problem(
                            member.row,
                            column,
                            _("Unknown specific-need code(s): %(c)s.") % {"c": ", ".join(unknown)},
                        )
                    person["specific_needs"] = [c for c in codes if c in self.known_codes]
                elif target.startswith("sensitive."):
                    name = target.split(".", 1)[1]
                    member.sensitive[name] = values.boolean(raw) if name == "torture_survivor" else values.text(raw)
                else:
                    person[target] = values.text(raw)
            except values.BadValue as exc:
                tally.problem(member.row, column, str(exc))
                member.bad.add("date_of_birth" if target == "age" else target)
        if dob_from_age and "date_of_birth" not in person:
            person["date_of_birth"], person["dob_precision"] = dob_from_age
        if member.sensitive:
            if not self.may_record_sensitive:
                column = member.columns[f"sensitive.{next(iter(member.sensitive))}"]
                tally.problem(member.row, column, _("Your role may not record sensitive fields."))
            person["sensitive"] = dict(member.sensitive)
        member.person = person

    def _classify(self, member: FileMember, tally: Tally, existing: dict[str, Person]) -> None:
        reference = values.text(member.raw.get("person_reference"))
        decision = self.decisions.get(member.row.key, "")
        if reference:
            member.existing = existing.get(reference)
            member.action = "update"
            if member.existing is None:
                tally.problem(
                    member.row,
                    member.column("person_reference"),
                    _("No person %(r)s in site %(s)s.") % {"r": reference, "s": self.site.code},
                )
                return
        else:
            member.candidates = self.duplicates.candidates(member.person)
            if decision and decision != "new":
                member.existing = existing.get(decision)
                member.action = "link"
                if member.existing is None:
                    tally.problem(
                        member.row,
                        _("decision"),
                        _("No person %(r)s in site %(s)s.") % {"r": decision, "s": self.site.code},
                    )
                    return
            elif member.candidates and decision != "new":
                member.action = "decide"
                tally.needs_decision += 1
                tally.outcome(member)
                return
            else:
                tally.created += 1
                return
        changes = {k: v for k, v in member.person.items() if k in PERSON_FIELDS}
        errors = new_errors()
        check_person(changes, errors, partial=True)
        for key, messages in errors.items():
            for message in messages:
                tally.problem(member.row, member.column(key), message)
        if member.action == "update":
            tally.updated += 1
        else:
            tally.linked += 1

    def _write(self, chunk: list[FileHousehold], tally: Tally) -> None:
        creates = [h for h in chunk if h.action == "create"]
        rows_of: dict[int, str] = {}  # the member dicts passed, by identity, to their file rows
        new = []
        for h in creates:
            members = [_register_values(m.person) for m in h.members]
            rows_of.update((id(values), m.row.key) for values, m in zip(members, h.members, strict=True))
            new.append(
                registry.NewHousehold(members=members, unit=h.unit, arrival_date=h.arrival_date, reference=h.reference)
            )
        if new:
            try:
                registry.register_households(
                    actor=self.actor,
                    site=self.site,
                    households=new,
                    trail=lambda plan: self._registered(plan, rows_of, tally),
                )
            except InvalidInput as exc:
                self._map_service_errors(exc.errors, creates, tally)
                return
        for household in chunk:
            if household.action == "add":
                self._add_members(household, rows_of, tally)
            if household.action not in ("update", "add"):
                continue
            for member in household.members:
                if member.existing is None:
                    continue
                try:
                    self._update(member)
                except InvalidInput as exc:
                    for key, messages in exc.errors.items():
                        for message in messages:
                            tally.problem(member.row, member.column(key.removeprefix("sensitive.")), message)
                except NotPermitted as exc:
                    tally.problem(member.row, "", exc.message)

    def _add_members(self, household: FileHousehold, rows_of: dict[int, str], tally: Tally) -> None:
        assert household.target is not None
        new = [m for m in household.members if m.action == "create"]
        members = [_register_values(m.person) for m in new]
        rows_of.update((id(values), m.row.key) for values, m in zip(members, new, strict=True))
        try:
            registry.add_household_members(
                actor=self.actor,
                household=household.target,
                members=members,
                trail=lambda plan: self._registered(plan, rows_of, tally, new_households=False),
            )
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                parts = key.split(".", 2)
                member = new[int(parts[1])] if len(parts) == 3 else None
                for message in messages:
                    tally.problem(
                        member.row if member else household.first, member.column(parts[2]) if member else "", message
                    )
        except NotPermitted as exc:
            tally.problem(household.first, "", exc.message)

    def _registered(self, plan, rows_of: dict[int, str], tally: Tally, new_households: bool = True) -> None:
        """The import is audited as one event (see `_finish`): here its list is kept."""
        if new_households:
            tally.registered.households += len({household.pk for household, _p, _m in plan})
        for _h, person, _m in plan:
            tally.registered.add(person.reference)
        bulk.insert([ImportedPerson(run=self.import_run, person=p, row=rows_of[id(m)]) for _h, p, m in plan])

    def _update(self, member: FileMember) -> None:
        person = member.existing
        assert person is not None
        changes = {k: v for k, v in member.person.items() if k in PERSON_FIELDS}
        if changes:
            registry.correct_person(actor=self.actor, person=person, changes=changes, reason=self.reason)
        if member.sensitive:
            registry.correct_sensitive(actor=self.actor, person=person, changes=member.sensitive, reason=self.reason)
        have = set(person.specific_needs.values_list("code_id", flat=True))
        for code in member.person.get("specific_needs") or []:
            if code not in have:
                registry.record_specific_need(actor=self.actor, person=person, code=code)

    @staticmethod
    def _map_service_errors(errors: dict[str, list[str]], creates: list[FileHousehold], tally: Tally) -> None:
        """`households.<i>.members.<j>.<field>` back to the file's row and column."""
        for key, messages in errors.items():
            parts = key.split(".")
            household = creates[int(parts[1])] if len(parts) > 1 and parts[0] == "households" else None
            row, column = (household.first if household else None), ".".join(parts[2:])
            if household and len(parts) >= 5 and parts[2] == "members":
                member = household.members[int(parts[3])]
                row, column = member.row, member.column(".".join(parts[4:]))
            elif household:
                column = household.columns.get(parts[2], parts[2]) if len(parts) > 2 else ""
            for message in messages:
                tally.problem(row, column, message)


def _is_principal(raw: Any) -> bool:
    try:
        return values.relationship(raw) == Relationship.PRINCIPAL_APPLICANT
    except values.BadValue:
        return False


def _register_values(person: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in person.items() if v is not None and (k != "sensitive" or v)}


# --- progress, for pages ----------------------------------------------------------------


def progress_file(run_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"run-{run_id}.progress.json"


def write_progress(run_id: int, done: int, total: int | None) -> None:
    """Progress lives beside the database: the import's transaction hides its own writes."""
    path = progress_file(run_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "at": timezone.now().isoformat()}))
    tmp.replace(path)


def read_progress(run_id: int) -> dict[str, Any]:
    try:
        return json.loads(progress_file(run_id).read_text())
    except (OSError, ValueError):
        return {}


def _clear_progress(run_id: int) -> None:
    progress_file(run_id).unlink(missing_ok=True)


# --- the worker's heartbeat, and runs whose worker is gone ------------------------------


def _this_worker() -> dict[str, Any]:
    return {"worker_pid": os.getpid(), "worker_host": socket.gethostname()[:255]}


class _Heartbeat:
    """The progress callback the importer calls after every chunk: it writes the progress file
    (the sign of life on SQLite), on PostgreSQL also the run's `heartbeat_at` on a connection of
    its own so that it commits outside the import's transaction, then calls `progress`."""

    def __init__(self, run_id: int, progress: Progress | None):
        self.run_id, self.progress = run_id, progress
        self.column_beaten: datetime | None = None
        self.beat(0, None)

    def __call__(self, done: int, total: int | None) -> None:
        self.beat(done, total)
        if self.progress:
            self.progress(done, total)

    def beat(self, done: int, total: int | None) -> None:
        write_progress(self.run_id, done, total)
        now = timezone.now()
        if connection.vendor != "sqlite" and (self.column_beaten is None or now - self.column_beaten >= BEAT_EVERY):
            self.column_beaten = now
            own = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with own.cursor() as cursor:
                    table = own.ops.quote_name(ImportRun._meta.db_table)
                    cursor.execute(f"UPDATE {table} SET heartbeat_at = %s WHERE id = %s", [now, self.run_id])  # noqa: S608
            finally:
                own.close()


def last_sign_of_life(run: ImportRun) -> datetime:
    """The latest of the run's start, its heartbeat column and its progress file."""
    signs = [run.started_at, run.heartbeat_at]
    at = read_progress(run.pk).get("at")
    if at:
        try:
            signs.append(datetime.fromisoformat(at))
        except ValueError:
            pass
    return max(s for s in signs if s is not None)


def worker_gone(run: ImportRun) -> bool:
    """A RUNNING run whose process no longer exists on this host, or that gave no sign of
    life for `STALE_AFTER` (its host may be another machine, or its thread may have died)."""
    if run.status != ImportStatus.RUNNING:
        return False
    if run.worker_pid and run.worker_host == socket.gethostname()[:255] and not process_alive(run.worker_pid):
        return True
    return timezone.now() - last_sign_of_life(run) > STALE_AFTER


def as_seen(runs: Iterable[ImportRun]) -> list[ImportRun]:
    """`runs` as a reader should see them: a RUNNING run whose worker is gone reads as
    INTERRUPTED. Nothing is written; the shown copy is never saved."""
    return [_shown_interrupted(run) if worker_gone(run) else run for run in runs]


def _shown_interrupted(run: ImportRun) -> ImportRun:
    shown = copy.copy(run)
    shown.status = ImportStatus.INTERRUPTED
    return shown


def settle_interrupted(*, actor, runs: Iterable[ImportRun]) -> list[ImportRun]:
    """Return `runs` as they now stand, each RUNNING run whose worker is gone moved to INTERRUPTED.

    Called by `asylon import --list` and when an import of the site begins; `actor` is the
    one who noticed, and the move is audited as theirs. Runs of sites where the actor may
    not import are returned unchanged."""
    return [
        _interrupt(actor, run) if worker_gone(run) and can(actor, "reports.import_registrations", run.site) else run
        for run in runs
    ]


def _interrupt(actor, run: ImportRun) -> ImportRun:
    with transaction.atomic():
        rows = ImportRun.objects.select_related("site", "actor", "source")
        locked = rows.select_for_update(of=("self",)).get(pk=run.pk)
        if not worker_gone(locked):  # it ended, or beat, meanwhile
            return locked
        last = last_sign_of_life(locked)
        locked.status = ImportStatus.INTERRUPTED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        audit.record(
            actor,
            "import.interrupted",
            locked,
            object_ref=f"import-{locked.pk}",
            changes={
                "file": locked.file_name,
                "sha256": locked.sha256,
                "worker_pid": locked.worker_pid,
                "worker_host": locked.worker_host,
                "last_sign_of_life": last.isoformat(),
            },
        )
    _clear_progress(locked.pk)
    return locked
