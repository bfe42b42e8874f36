"""`asylon restore FILE`: restore a backup into an empty database and data dir, under the
secret key it was made with; then run `asylon migrate`, `asylon audit verify` and
`asylon evidence verify` (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and data dir."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            manifest = restore(file, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["counts"]
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {counts['persons']} persons, "
            f"{counts['audit_events']} audit events, {manifest['media_files']} evidence and media files. "
            "Next: asylon migrate, asylon audit verify, asylon evidence verify."
        )
