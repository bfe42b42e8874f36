"""asylon adduser USERNAME --role ROLE --site CODE [--site CODE ...]

Creates a user with one role in one or more sites and prints a generated password (shown
once) and, for a role that logs in with a second factor, the enrolment code on the next line
(also shown once; the user types it before setting up their authenticator app). Acts as
the system: the event in the audit trail names "system" as the actor.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.core.errors import DomainError
from asylon.registry.models import Site


class Command(BaseCommand):
    help = "Create a user with a role and sites; prints the generated password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}")
        parser.add_argument("--site", action="append", required=True, dest="sites", metavar="CODE")

    def handle(self, *args, username: str, role: str, sites: list[str], **options) -> None:
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}: use one of {', '.join(Role.values)}.")
        found = {s.code: s for s in Site.objects.filter(code__in=sites)}
        missing = [code for code in sites if code not in found]
        if missing:
            raise CommandError(f"Unknown site {missing[0]!r}.")
        try:
            account = create_user(actor=None, username=username, role=role, sites=list(found.values()))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        where = ", ".join(sorted(found))
        if account.enrolment_code is None:
            self.stderr.write(f"Created {account.user.username} ({role}) in {where}. Password, shown once:")
            self.stdout.write(account.password)
            return
        self.stderr.write(
            f"Created {account.user.username} ({role}) in {where}. Password, then second-factor enrolment code"
            " (valid for a few days), shown once:"
        )
        self.stdout.write(account.password)
        self.stdout.write(account.enrolment_code)
