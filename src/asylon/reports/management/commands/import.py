"""`asylon import FILE --site CODE --as USERNAME [--source NAME] [--dry-run] [--mapping JSON]
[--roster main|repeat [--head-value VALUE ...]]`

Imports registrations from a CSV, an XLSX (KoboToolbox exports with repeat groups included) or
a ZIP of CSV files. A dry run checks every row and writes nothing; a real run writes
everything or nothing. Any problem: every one is listed by row and column, the exit status is
non-zero and nothing is written. A household roster in repeat rows holds its head either in
the main sheet or among the repeat rows (`--roster`); the choice is detected when obvious and
saved with the source's mapping. `asylon import --list --as USERNAME` lists past imports; one
whose worker was killed is listed (and recorded) as interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.models import User
from asylon.core.errors import DomainError
from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.registry.models import Site
from asylon.reports.imports.mapping import HEAD_IN_MAIN, HEAD_IN_REPEAT, HEAD_VALUES, Roster
from asylon.reports.imports.services import import_registrations, settle_interrupted
from asylon.reports.imports.tally import Problem
from asylon.reports.models import ImportRun, ImportStatus


class Command(BaseCommand):
    help = "Import registrations (households and persons) from a CSV, XLSX or ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The file: .csv, .xlsx or .zip of CSV files")
        parser.add_argument("--site", help="Site code, e.g. LIB")
        parser.add_argument("--as", dest="username", required=True, help="Act as this user (scope and record)")
        parser.add_argument("--source", help="Name of the source whose column mapping to use (saved on first use)")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing")
        parser.add_argument("--mapping", help='Column mapping as JSON ({"Header": "target"}) or a path to a JSON file')
        parser.add_argument(
            "--roster",
            choices=["main", "repeat"],
            help="Where a household's head is in a file with repeat groups: in the main sheet, or among the "
            "repeat rows (the main sheet then holds household fields only). Default: as saved, or detected",
        )
        parser.add_argument(
            "--head-value",
            action="append",
            default=[],
            metavar="VALUE",
            help="With --roster repeat: a relationship value that names the head (default head, self, pa...)",
        )
        parser.add_argument(
            "--decision",
            action="append",
            default=[],
            metavar="ROW=new|REFERENCE",
            help="Settle a probable duplicate: register the row as new, or as the named person",
        )
        parser.add_argument("--chunk-size", type=int, default=2000, help="Households per chunk (default 2000)")
        parser.add_argument("--list", action="store_true", help="List past imports")

    def handle(self, *args, **opts):
        actor = User.objects.filter(username=opts["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {opts['username']!r}.")
        if opts["list"]:
            return self._list(actor)
        if not opts["file"] or not opts["site"]:
            raise CommandError("Give a FILE and --site.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        site = Site.objects.filter(code=opts["site"]).first()
        if site is None:
            raise CommandError(f"No site {opts['site']!r}.")
        try:
            decisions = dict(d.split("=", 1) for d in opts["decision"])
        except ValueError as exc:
            raise CommandError("Write decisions as ROW=new or ROW=REFERENCE.") from exc
        with _Bar(self.stdout) as bar:
            try:
                run = import_registrations(
                    actor=actor,
                    site=site,
                    path=path,
                    source=opts["source"],
                    mapping=_mapping(opts["mapping"]),
                    roster=_roster(opts["roster"], opts["head_value"]),
                    dry_run=opts["dry_run"],
                    decisions=decisions,
                    progress=bar.update,
                    chunk_households=opts["chunk_size"],
                )
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
        self._report(run)

    def _report(self, run: ImportRun) -> None:
        write = self.stdout.write
        for outcome in run.outcomes:
            if outcome["action"] == "decide":
                similar = "; ".join(f"{c['reference']} {c['name']} ({c['score']})" for c in outcome["candidates"])
                write(f"row {outcome['row']}: needs a decision: {outcome['name']} resembles {similar}")
            else:
                household = f" in household {outcome['household']}" if outcome.get("household") else ""
                write(f"row {outcome['row']}: {outcome['action']} {outcome['reference'] or ''}{household}".rstrip())
        for error in run.errors:
            self.stderr.write(str(Problem(**error)))
        if run.error_count > len(run.errors):
            self.stderr.write(f"... and {run.error_count - len(run.errors)} more problem(s).")
        roster = Roster.from_dict(run.roster)
        if roster is not None:
            how = "declared" if roster.declared else "saved or detected"
            heads = f", the head's values: {', '.join(roster.head_values)}" if roster.head_in_repeat else ""
            write(f"roster ({how}): {roster.label()}; relationship column {roster.relationship_column or '-'}{heads}")
        verb = "registered" if run.status == ImportStatus.COMMITTED else "would register"
        summary = (
            f"{run.file_name} (sha256 {run.sha256}): {run.rows} rows, {run.households} households; "
            f"{verb} {run.created}, update {run.updated}, link {run.linked}, "
            f"{run.needs_decision} need a decision, {run.error_count} problem(s). Import #{run.pk}: "
            f"{run.get_status_display()}."
        )
        if run.status == ImportStatus.FAILED or run.error_count:
            raise CommandError(summary + " Nothing was written.")
        write(summary)

    def _list(self, actor: Actor) -> None:
        """Past imports; a run whose worker is gone is settled as interrupted first."""
        runs = ImportRun.objects.filter(site__in=site_ids(actor)).select_related("site", "actor", "source")[:200]
        for run in settle_interrupted(actor=actor, runs=runs):
            self.stdout.write(
                f"#{run.pk} {run.started_at:%Y-%m-%d %H:%M} {run.site.code} {run.file_name} {run.sha256[:12]} "
                f"{run.get_status_display()} rows={run.rows} created={run.created} updated={run.updated} "
                f"problems={run.error_count} by {run.actor.get_username()}"
            )


def _roster(shape: str | None, head_values: list[str]) -> dict | None:
    if head_values and shape != "repeat":
        raise CommandError("--head-value goes with --roster repeat.")
    if not shape:
        return None
    return {
        "shape": {"main": HEAD_IN_MAIN, "repeat": HEAD_IN_REPEAT}[shape],
        "head_values": head_values or list(HEAD_VALUES),
    }


def _mapping(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    text = Path(value).read_text() if not value.lstrip().startswith("{") and Path(value).is_file() else value
    try:
        mapping = json.loads(text)
    except ValueError as exc:
        raise CommandError(f"The mapping is not JSON: {exc}") from exc
    if not isinstance(mapping, dict):
        raise CommandError('The mapping must be an object: {"Header": "target"}.')
    return {str(k): str(v or "") for k, v in mapping.items()}


class _Bar:
    """A rich progress bar on a terminal; plain progress lines otherwise (logs, tests)."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.tty = sys.stdout.isatty()
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.progress = Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
            )
            self.progress.start()
            self.task = self.progress.add_task("rows", total=None)
        return self

    def update(self, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=total)
        else:
            self.stdout.write(f"progress: {done}/{total if total is not None else '?'}")
            self.stdout.flush()

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
