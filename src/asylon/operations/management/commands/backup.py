"""`asylon backup FILE`: one archive with the database, the evidence and uploads, and the audit
checkpoints; never the secret key (operations/backup.py says how to keep it apart)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive (database, evidence, uploads, audit checkpoints) to FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            manifest = backup(file, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["counts"]
        self.stdout.write(
            f"Backup written to {file}: {manifest['vendor']} database ({counts['persons']} persons, "
            f"{counts['audit_events']} audit events), {manifest['media_files']} evidence and media files, "
            f"{manifest['import_files']} import uploads. Key fingerprint {manifest['key_fingerprint']}: "
            "keep the secret key apart from this file."
        )
