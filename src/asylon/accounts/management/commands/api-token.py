"""asylon api-token USERNAME [--name NAME] [--revoke PREFIX]

Prints a new personal API token (shown once, stored hashed), or revokes one by its prefix.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.models import ApiToken, User
from asylon.accounts.services import issue_api_token, revoke_api_token
from asylon.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a personal API token for a user (printed once), or revoke one with --revoke PREFIX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the user's token with this prefix")

    def handle(self, *args, username: str, name: str, revoke: str | None, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            if revoke:
                token = ApiToken.objects.filter(user=user, prefix=revoke).first()
                if token is None:
                    raise CommandError(f"{username!r} has no token with prefix {revoke!r}.")
                revoke_api_token(actor=None, token=token)
                self.stdout.write(f"Revoked token {revoke}… of {username}.")
                return
            self.stdout.write(issue_api_token(actor=None, user=user, name=name))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
