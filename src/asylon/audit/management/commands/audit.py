"""asylon audit verify

Walks the hash chain from the first event to the head and holds it against every signed
checkpoint in the checkpoint file (`ASYLON_AUDIT_CHECKPOINTS`). Exits 0 saying how many
events and checkpoints were verified, or non-zero naming every problem found, one a line,
each with the event it concerns.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asylon.audit import checkpoints
from asylon.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain and its checkpoints."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sub.add_parser("verify", help="Check that no event was altered, removed or inserted, nor the trail cut short.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "verify":
            verdict = verify_chain()
            if not verdict.ok:
                lines = "\n".join(f"  {p.text}" for p in verdict.problems)
                raise CommandError(
                    f"Audit chain broken: {len(verdict.problems)} problem(s) ({verdict.checked} events read):\n{lines}"
                )
            if not verdict.checkpoints:
                self.stderr.write(f"No checkpoints in {checkpoints.path()}: the end of the trail could not be checked.")
            self.stdout.write(f"{verdict.checked} events verified.")
            if verdict.checkpoints:
                self.stdout.write(f"{verdict.checkpoints} checkpoints matched.")
