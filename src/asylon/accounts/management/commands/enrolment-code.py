"""asylon enrolment-code USERNAME

Prints a one-time second-factor enrolment code for a user (shown once, stored hashed, valid
ASYLON_ENROLMENT_CODE_DAYS). Any earlier code of the user stops working. Acts as the system:
the operator's way to hand a code to a superuser, or to anyone when no administrator can.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.models import User
from asylon.accounts.services import issue_enrolment_code
from asylon.core.errors import DomainError


class Command(BaseCommand):
    help = "Print a one-time code with which a user enrols their second factor."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            code = issue_enrolment_code(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(code)
