"""`asylon evidence verify`: recompute every evidence file's SHA-256, hold it against the
checksum the audit trail recorded at upload, and report every file that changed, was
replaced (file and row swapped together), went missing or has no upload on the trail (each
also gets a custody entry and an alert). Exit 1 on problems."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from asylon.incidents import evidence, services
from asylon.incidents.models import Evidence

REASONS = {
    "replaced": "the audit trail recorded another checksum at upload",
    "unrecorded": "the audit trail holds no upload of it",
}


class Command(BaseCommand):
    help = "Evidence store maintenance: `verify` recomputes every checksum."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--no-record", action="store_true", help="Report only; add no custody entry or alert")

    def handle(self, *args, action: str, no_record: bool, **options):
        total = Evidence.objects.count()
        with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
            task = progress.add_task("Verifying evidence", total=total)
            checked, problems = evidence.verify_all(progress=lambda: progress.advance(task))
        for p in problems:
            extra = f" (now sha256 {p.found})" if p.found else ""
            if p.problem in ("replaced", "unrecorded"):
                extra = f"{extra}: {REASONS[p.problem]}"
            self.stdout.write(
                f"{p.problem.upper()}: evidence {p.evidence_id} of {p.incident} {p.name!r} sha256 {p.sha256}{extra}"
            )
            if not no_record:
                services.record_integrity_failure(
                    evidence=Evidence.objects.get(pk=p.evidence_id), problem=p.problem, found=p.found
                )
        self.stdout.write(f"{checked} evidence files checked, {len(problems)} problems.")
        if problems:
            raise CommandError(f"{len(problems)} evidence files changed, replaced, missing or unrecorded.")
