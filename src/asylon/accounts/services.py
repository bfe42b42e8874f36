"""Writes about users: creating them with a role and sites, issuing and revoking tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from asylon.audit import services as audit
from asylon.core.errors import Conflict, InvalidInput, NotPermitted

from .models import ApiToken, User
from .roles import Role
from .scope import ensure, site_ids
from .twofactor import confirmed_device, needs_second_factor


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@transaction.atomic
def create_user(
    *, actor, username: str, role: str, sites, password: str | None = None, is_staff: bool = False
) -> tuple[User, str]:
    """Create a user with one role and its sites; returns the user and the password to hand over.

    `actor=None` is the system (the `asylon adduser` command run by the operator). A user
    actor needs `accounts.add_user` and may only grant sites they work in themselves.
    """
    if actor is not None:
        ensure(actor, "accounts.add_user")
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}: use one of {', '.join(Role.values)}."]
    if User.objects.filter(username=username).exists():
        errors["username"] = [f"The username {username!r} is already taken."]
    sites = list(sites)
    if not sites:
        errors["site"] = ["A user works in at least one site."]
    elif actor is not None and not actor.is_superuser and any(s.pk not in site_ids(actor) for s in sites):
        errors["site"] = ["You may only grant sites you work in."]
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


def _may_manage(actor, user: User) -> bool:
    return actor is None or actor.pk == user.pk or actor.has_perm("accounts.change_user")


@transaction.atomic
def issue_api_token(*, actor, user: User, name: str = "") -> str:
    """A new personal token for `user`; the returned secret is shown once and stored hashed.

    A user who needs a second factor gets a token only once their TOTP device is confirmed.
    """
    if not _may_manage(actor, user):
        raise NotPermitted("You may only issue tokens for yourself.")
    if not user.is_active:
        raise Conflict(f"The user {user.username!r} is not active.", code="user_inactive")
    if needs_second_factor(user) and confirmed_device(user) is None:
        raise Conflict(
            f"{user.username!r} must enrol a second factor (log in once in the browser) before a token can be issued.",
            code="second_factor_required",
        )
    token, secret = ApiToken.issue(user, name)
    audit.record(actor, "api_token.issued", token, changes={"user": user.username, "prefix": token.prefix})
    return secret


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> None:
    if not _may_manage(actor, token.user):
        raise NotPermitted("You may only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(f"The token {token.prefix}… is already revoked.", code="already_revoked")
    token.revoke()
    audit.record(actor, "api_token.revoked", token, changes={"prefix": token.prefix})


@transaction.atomic
def start_totp_enrolment(*, actor) -> TOTPDevice:
    """The actor's unconfirmed TOTP device (created once). Only for a user with no confirmed
    device: a second device is never added through a password-only session."""
    if confirmed_device(actor) is not None:
        raise Conflict("A second factor is already enrolled.", code="already_enrolled")
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="default", confirmed=False)
        audit.record(actor, "user.second_factor_started", actor, changes={"device": device.pk})
    return device


def confirm_totp_device(*, actor, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the device with a code from the authenticator app.

    The code is checked before the transaction, so that django-otp's throttling of wrong
    codes is kept when the confirmation is refused.
    """
    if device.user_id != actor.pk or device.confirmed:
        raise Conflict("This device cannot be confirmed.", code="not_pending")
    if not device.verify_token(token):
        raise InvalidInput({"token": ["That code is not right. Codes change every 30 seconds."]})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor, "user.second_factor_enrolled", actor, changes={"device": device.pk})
    return device


PREFERENCE_FIELDS = ("language", "digits", "calendar")


@transaction.atomic
def update_preferences(*, actor, **values: str) -> User:
    """Change the actor's own interface preferences (language, digits, calendar).

    Only the named fields change; a value outside the field's choices is refused.
    """
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise InvalidInput({f: [_("Not an interface preference.")] for f in sorted(unknown)})
    user = User.objects.select_for_update().get(pk=actor.pk)
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        field: Any = User._meta.get_field(name)
        allowed = {str(v) for v, _label in field.choices or ()} | ({""} if field.blank else set())
        if value not in allowed:
            errors[name] = [_("Choose one of the offered values.")]
    if errors:
        raise InvalidInput(errors)
    before = {name: getattr(user, name) for name in values}
    for name, value in values.items():
        setattr(user, name, value)
    changes = audit.diff(before, values)
    if changes:
        user.save(update_fields=list(values))
        audit.record(actor, "user.preferences_changed", user, changes=changes)
    for name, value in values.items():  # the request's user object sees the change at once
        setattr(actor, name, value)
    return user
