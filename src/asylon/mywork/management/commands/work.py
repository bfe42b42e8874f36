"""`asylon work digest [--dry-run]`: e-mail each user who asked for it the digest of their
work (counts and a link, no names). Run it once a day; a user is written to once a day at most."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from asylon.core.dates import today
from asylon.mywork.digest import send_digests


class Command(BaseCommand):
    help = "My work: `digest` e-mails each user who chose it the count of what waits for them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["digest"])
        parser.add_argument("--dry-run", action="store_true", help="Say who would be written to; send nothing")

    def handle(self, *args, action: str, dry_run: bool, **options):
        sent = send_digests(today(), dry_run=dry_run)
        verb = "would be sent" if dry_run else "sent"
        for digest in sent:
            self.stdout.write(f"{digest.user.username}: {digest.items} items")
        self.stdout.write(f"{len(sent)} digests {verb}.")
