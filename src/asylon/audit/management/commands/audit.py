"""asylon audit verify

Walks the hash chain from the first event to the head. Exits 0 saying how many events were
verified, or non-zero naming the first event that does not match.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asylon.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sub.add_parser("verify", help="Check that no event was altered, removed or inserted.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "verify":
            verdict = verify_chain()
            if not verdict.ok:
                raise CommandError(
                    f"Audit chain broken: {verdict.problem} ({verdict.checked} events verified before it)."
                )
            self.stdout.write(f"{verdict.checked} events verified.")
