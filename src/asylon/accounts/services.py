"""Writes about users: creating them with a role and sites, issuing and revoking tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import Group
from django.db import transaction

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput

from .models import ApiToken, User
from .roles import Role


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@transaction.atomic
def create_user(
    *, actor, username: str, role: str, sites, password: str | None = None, is_staff: bool = False
) -> tuple[User, str]:
    """Create a user with one role and its sites; returns the user and the password to hand over."""
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}: use one of {', '.join(Role.values)}."]
    if User.objects.filter(username=username).exists():
        errors["username"] = [f"The username {username!r} is already taken."]
    sites = list(sites)
    if not sites:
        errors["site"] = ["A user works in at least one site."]
    if errors:
        raise InvalidInput(errors)
    password = password or generate_password()
    user = User.objects.create_user(username=username, password=password, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=role))
    user.sites.set(sites)
    audit.record(
        actor, "user.created", user, changes={"username": username, "role": role, "sites": [s.code for s in sites]}
    )
    return user, password


@transaction.atomic
def issue_api_token(*, actor, user: User, name: str = "") -> str:
    token, secret = ApiToken.issue(user, name)
    audit.record(actor, "api_token.issued", token, changes={"user": user.username, "prefix": token.prefix})
    return secret


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> None:
    token.revoke()
    audit.record(actor, "api_token.revoked", token, changes={"prefix": token.prefix})
