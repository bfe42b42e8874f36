"""Importing registrations from CSV, XLSX and ZIP files: one service, `import_registrations`,
and the life of its run. This module is the run's life; the work is done in rooms of its own.

The file is streamed in chunks of households. Each chunk is read (`households`), parsed and
checked with the register's own checks (`checks`, through `registry.validation`), compared
with the persons already registered (same reference: an update; a probable duplicate: a person
must decide), and, in a real run, written (`writing`) through
`registry.services.register_households` and `correct_person`. A real run is one transaction
around every chunk: any problem anywhere and nothing is written. Chunks are dropped once
handled; only problems, counts and the rows needing a decision are kept (capped, `tally`),
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
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput
from asylon.core.scope import can, ensure
from asylon.core.types import Actor
from asylon.core.worker import process_alive
from asylon.registry.models import Site

from ..models import ImportRun, ImportSource, ImportStatus
from ..transitions import IMPORT_RUN
from .checks import ChunkChecker
from .households import FileHousehold, HouseholdReader
from .mapping import Roster, detect_roster, guess_mapping, mapping_problems, roster_problems
from .readers import RegistrationFile, SourceRow, UnreadableFile
from .tally import Tally
from .writing import ChunkWriter

CHUNK_HOUSEHOLDS = 2000
# A worker silent this long is gone: a chunk takes seconds, and the file is read before the
# first chunk in well under a minute even for the largest sites.
STALE_AFTER = timedelta(minutes=5)
BEAT_EVERY = timedelta(seconds=10)  # the heartbeat column is written at most this often

Progress = Callable[[int, int | None], None]


class _Rollback(Exception):
    pass


# --- the service ------------------------------------------------------------------------


def import_registrations(
    *,
    actor: Actor,
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


def begin_import(*, actor: Actor, site: Site, path: str | Path, file_name: str, dry_run: bool = True) -> ImportRun:
    """Record an import about to run (pages enqueue it for the worker and show its progress).
    It names no worker yet: the worker that takes it names itself, so a web process recycled
    while the run waits does not make it read as interrupted."""
    ensure(actor, "reports.import_registrations", site)
    ensure(actor, "registry.add_household", site)
    sha256, size = file_digest(Path(path))
    settle_interrupted(actor=actor, runs=ImportRun.objects.filter(site=site, status=ImportStatus.RUNNING))
    return _start_run(actor, site, None, file_name, sha256, size, {}, dry_run, worker=False, status=ImportStatus.QUEUED)


def take_run(run_id: int) -> ImportRun | None:
    """A worker takes the QUEUED run `run_id`: it reads as running from now on and names this
    worker. None when the run is no longer waiting (it was settled meanwhile)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("site").get(pk=run_id)
        if run.status != ImportStatus.QUEUED:
            return None
        IMPORT_RUN.step_to(ImportStatus.RUNNING, run.status)
        run.status = ImportStatus.RUNNING
        for field, value in _this_worker().items():
            setattr(run, field, value)
        run.save(update_fields=["status", "worker_pid", "worker_host"])
    write_progress(run.pk, 0, None)  # a first sign of life, before the file is opened
    return run


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _resolve_mapping(
    actor: Actor,
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
    actor: Actor,
    site,
    source,
    file_name,
    sha256,
    size,
    mapping,
    dry_run,
    roster=None,
    worker: bool = True,
    status: str = ImportStatus.RUNNING,
) -> ImportRun:
    return ImportRun.objects.create(
        status=status,
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
def save_source(
    *, actor: Actor, name: str, mapping: dict[str, str], roster: dict[str, Any] | None = None
) -> ImportSource:
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


def _finish(actor: Actor, run: ImportRun, status: str, tally: Tally) -> ImportRun:
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


# --- one run: read, check and write, chunk by chunk -------------------------------------


class _Importer:
    """One run over the file: households are read (`households`), checked a chunk at a time
    (`checks`) and, in a real run whose chunk has no problem, written (`writing`)."""

    def __init__(
        self, actor: Actor, site, reg_file, mapping, decisions, run: ImportRun, dry_run, roster: Roster | None
    ):
        reason = _("Import of %(f)s (sha256 %(h)s)") % {"f": run.file_name, "h": run.sha256[:16]}
        decisions = {str(k): str(v).strip() for k, v in decisions.items()}
        self.file, self.dry_run = reg_file, dry_run
        self.reader = HouseholdReader(reg_file, mapping, roster)
        self.checker = ChunkChecker(actor, site, mapping, roster, decisions, linked=reg_file.is_linked)
        self.writer = ChunkWriter(actor, site, run, reason)

    def run(self, tally: Tally, progress: Progress | None, chunk_households: int) -> None:
        orphans: list[SourceRow] = []
        total = self.file.estimated_rows()
        households = self.reader.households(orphans)
        while chunk := list(islice(households, chunk_households)):
            self._chunk(chunk, tally, write=not self.dry_run and not tally.problem_count)
            if progress:
                progress(self.reader.main_rows, total)
        for row in orphans:
            tally.rows += 1
            tally.problem(row, "_parent_index", _("This repeat row belongs to no submission of the main sheet."))

    def _chunk(self, chunk: list[FileHousehold], tally: Tally, *, write: bool) -> None:
        before = tally.problem_count
        self.checker.check(chunk, tally)
        if write and tally.problem_count == before and not tally.needs_decision:
            self.writer.write(chunk, tally)


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


def settle_interrupted(*, actor: Actor, runs: Iterable[ImportRun]) -> list[ImportRun]:
    """Return `runs` as they now stand, each RUNNING run whose worker is gone moved to INTERRUPTED.

    Called by `asylon import --list` and when an import of the site begins; `actor` is the
    one who noticed, and the move is audited as theirs. Runs of sites where the actor may
    not import are returned unchanged."""
    return [
        _interrupt(actor, run) if worker_gone(run) and can(actor, "reports.import_registrations", run.site) else run
        for run in runs
    ]


def settle_lost(*, run: ImportRun) -> ImportRun:
    """The task running `run` was found lost with its worker (the sweep marked it failed): the
    run, queued or running, is interrupted, audited as the one who started it."""
    return _interrupt(run.actor, run, lost=True)


def _interrupt(actor: Actor, run: ImportRun, *, lost: bool = False) -> ImportRun:
    with transaction.atomic():
        rows = ImportRun.objects.select_related("site", "actor", "source")
        locked = rows.select_for_update(of=("self",)).get(pk=run.pk)
        waiting = locked.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        if not (worker_gone(locked) or (lost and waiting)):  # it ended, or beat, meanwhile
            return locked
        IMPORT_RUN.step_to(ImportStatus.INTERRUPTED, locked.status)
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
