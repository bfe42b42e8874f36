"""asylon api-token USERNAME [--name NAME] [--revoke PREFIX] [--list]

Prints a new personal API token (shown once, stored hashed), revokes one by its prefix, or
lists the user's tokens with when each expires and was last used. A token stops working
ASYLON_API_TOKEN_DAYS (default 90) after it is issued.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from asylon.accounts.models import ApiToken, User
from asylon.accounts.services import issue_api_token, revoke_api_token
from asylon.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a personal API token for a user (printed once), or revoke one with --revoke PREFIX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the user's token with this prefix")
        parser.add_argument(
            "--list", action="store_true", dest="list_tokens", help="List the user's tokens; issue none"
        )

    def handle(self, *args, username: str, name: str, revoke: str | None, list_tokens: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if list_tokens:
            self._list(user)
            return
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

    def _list(self, user: User) -> None:
        """One line a token: prefix, name, state, expiry and last use (never the secret)."""
        now = timezone.now()
        for token in ApiToken.objects.filter(user=user).order_by("created_at"):
            if token.revoked_at is not None:
                state = "revoked"
            elif token.expires_at <= now:
                state = "expired"
            else:
                state = "active"
            last_used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {state:8} expires {token.expires_at.isoformat(timespec='minutes')}"
                f"  last used {last_used}  {token.name}"
            )
