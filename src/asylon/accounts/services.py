"""Every write about users: creating them, their role, sites, active flag and password,
their second-factor enrolment, their API tokens and their own preferences.

No other path changes a user: the Django admin is read-only (see
`admin_site.py`), and superuser is granted by no service at all, only by the
`createsuperuser` command on the server. The rules every change to another user follows:

- the actor is the system (`actor=None`, a command run by the operator) or holds the
  permission for the action (`accounts.add_user` / `accounts.change_user`, administrators);
- the actor manages only users all of whose sites lie within the actor's own sites, and
  never a superuser; any other user does not exist for them (`NotFound`, a 404);
- the actor grants only sites they work in themselves, and never changes their own role,
  sites, active flag or password, nor issues themselves an enrolment code;
- each change locks the user's row, returns early when nothing changes, and writes one
  audit event in the chain with the value before and after (passwords and codes never).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from asylon.audit import services as audit
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor

from .models import ApiToken, EnrolmentCode, User
from .roles import Role
from .twofactor import confirmed_device, needs_second_factor


def generate_password() -> str:
    return secrets.token_urlsafe(15)


class GeneratedPasswordHasher(Argon2PasswordHasher):
    """Argon2id at a light cost, for generated passwords only.

    A generated password is 120 random bits (`generate_password`): no guess reaches it however
    fast the hash, so the cost Argon2 puts on each guess, which protects a password a person
    chose, buys nothing for it (and made each demo user cost a second). Its hash is still
    salted Argon2id, verified by the site's own hasher (the cost is read from the hash), and
    Django replaces it with one at the site's full cost at the user's first log-in
    (`must_update`). A password a person chooses is always hashed at the full cost."""

    time_cost = 1
    memory_cost = 8 * 1024  # KiB
    parallelism = 1


def _hash_generated(password: str) -> str:
    if isinstance(get_hasher("default"), Argon2PasswordHasher):
        return make_password(password, hasher=GeneratedPasswordHasher())
    return make_password(password)  # another hasher preferred (the tests'): as it is


@dataclass(frozen=True)
class NewAccount:
    """What `create_user` hands back: the user, the password to hand over (shown once), and
    the enrolment code when the user's role logs in with a second factor."""

    user: User
    password: str
    enrolment_code: str | None = None


def _check_password(password: str, user: User | None, errors: dict[str, list[str]]) -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS: length, common, numeric...)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)


def _site_codes(sites) -> list[str]:
    return sorted(s.code for s in sites)


def _check_grantable(actor: Actor | None, sites, errors: dict[str, list[str]]) -> None:
    if not sites:
        errors["sites"] = [_("A user works in at least one site.")]
    elif actor is not None and any(s.pk not in site_ids(actor) for s in sites):
        errors["sites"] = [_("You may only grant sites you work in.")]


@transaction.atomic
def create_user(
    *,
    actor: Actor | None,
    username: str,
    role: str,
    sites,
    password: str | None = None,
    is_staff: bool = False,
    language: str = "",
) -> NewAccount:
    """Create a user with one role and its sites; returns the user, the password to hand
    over and, for a role that needs a second factor, its enrolment code (both shown once).
    `language` is their interface language (blank: as their browser asks); they change it
    themselves afterwards (`update_preferences`).

    `actor=None` is the system (the `asylon adduser` command run by the operator). A user
    actor needs `accounts.add_user` and may only grant sites they work in themselves. A
    password given is checked by Django's validators. Nobody is made superuser here.
    """
    if actor is not None:
        ensure(actor, "accounts.add_user")
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}: use one of {', '.join(Role.values)}."]
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    if User.objects.filter(username=username).exists():
        errors["username"] = [f"The username {username!r} is already taken."]
    sites = list(sites)
    _check_grantable(actor, sites, errors)
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [_("Choose one of the offered values.")]
    if password:
        _check_password(password, User(username=username), errors)
    if errors:
        raise InvalidInput(errors)
    if password:
        user = User.objects.create_user(username=username, password=password, is_staff=is_staff, language=language)
    else:
        password = generate_password()
        user = User.objects.create_user(username=username, is_staff=is_staff, language=language)
        user.password = _hash_generated(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    user.sites.set(sites)
    changes = {"username": username, "role": role, "sites": _site_codes(sites)}
    if language:
        changes["language"] = language
    audit.record(actor, "user.created", user, changes=changes)
    code = _new_enrolment_code(actor, user) if needs_second_factor(user) else None
    return NewAccount(user, password, code)


def manages(actor: Actor, user: User) -> bool:
    """Whether `actor` may manage `user`: never a superuser, never a user without a site or
    with a site outside the actor's own. The system (`None`) manages everyone but superusers."""
    if user.is_superuser:
        return False
    if actor is None:
        return True
    theirs = set(user.sites.values_list("pk", flat=True))
    return bool(theirs) and theirs <= site_ids(actor)


def _lock_managed(actor: Actor, user: User) -> User:
    """The user's row, locked, once the actor may change it; else the refusal."""
    if actor is not None:
        ensure(actor, "accounts.change_user")
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or not manages(actor, locked):
        raise NotFound(_("No such user."))
    if actor is not None and actor.pk == locked.pk:
        raise NotPermitted(_("You cannot change your own account here; ask another administrator."))
    return locked


@transaction.atomic
def change_role(*, actor: Actor, user: User, role: str) -> User:
    """Give `user` exactly one role (a group of roles.py) in place of the ones they hold."""
    if role not in Role.values:
        raise InvalidInput({"role": [_("Choose one of the roles offered.")]})
    user = _lock_managed(actor, user)
    before = sorted(user.groups.values_list("name", flat=True))
    if before == [role]:
        return user
    user.groups.set([Group.objects.get(name=role)])
    audit.record(actor, "user.role_changed", user, changes={"role": [before, [role]]})
    return user


@transaction.atomic
def change_sites(*, actor: Actor, user: User, sites) -> User:
    """Set the sites `user` works in: at least one, each one the actor works in."""
    sites = list(sites)
    errors: dict[str, list[str]] = {}
    _check_grantable(actor, sites, errors)
    user = _lock_managed(actor, user)
    if errors:
        raise InvalidInput(errors)
    before_ids = set(user.sites.values_list("pk", flat=True))
    before = _site_codes(user.sites.all())
    after = _site_codes(sites)
    if before == after:
        return user
    user.sites.set(sites)
    user.__dict__.pop("_asylon_site_ids", None)
    # Filed under the sites left and the sites joined: each one's administrators read it.
    concerned = before_ids | {s.pk for s in sites}
    audit.record(actor, "user.sites_changed", user, changes={"sites": [before, after]}, sites=concerned)
    return user


@transaction.atomic
def set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivate a user (they can no longer log in or use a token) or reactivate them."""
    user = _lock_managed(actor, user)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "user.reactivated" if active else "user.deactivated"
    audit.record(actor, action, user, changes={"is_active": [not active, active]})
    return user


@transaction.atomic
def reset_password(*, actor: Actor, user: User) -> str:
    """Give `user` a new generated password and return it (to be shown once). Their
    sessions end: Django signs each session with the password hash."""
    user = _lock_managed(actor, user)
    password = generate_password()
    user.password = _hash_generated(password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_reset", user, changes={"password": ["…", "…"]})
    return password


@transaction.atomic
def update_account(*, actor: Actor, user: User, role: str, sites, is_active: bool) -> User:
    """The user page's one form: role, sites and active flag together, all or nothing
    (each change that happens writes its own event)."""
    change_role(actor=actor, user=user, role=role)
    change_sites(actor=actor, user=user, sites=sites)
    return set_active(actor=actor, user=user, active=is_active)


def _new_enrolment_code(actor: Actor | None, user: User) -> str:
    """Void the user's earlier codes and issue a new one (inside the caller's transaction)."""
    now = timezone.now()
    voided = EnrolmentCode.live(user).update(voided_at=now)
    code = EnrolmentCode.generate()
    row = EnrolmentCode.objects.create(
        user=user, issued_by=actor if actor is not None else None, code_hash=EnrolmentCode.digest(code)
    )
    audit.record(
        actor,
        "user.enrolment_code_issued",
        user,
        changes={"expires_at": row.expires_at.isoformat(), "earlier_codes_voided": voided},
    )
    return code


@transaction.atomic
def issue_enrolment_code(*, actor: Actor | None, user: User) -> str:
    """A one-time code with which `user` enrols their second factor; returned to be shown
    once, stored hashed, valid ASYLON_ENROLMENT_CODE_DAYS. An earlier code stops working.

    `actor=None` is the operator (`asylon enrolment-code`), the only way to issue one for a
    superuser. Nobody issues themselves a code: that is what a stolen password would do.
    """
    if actor is None:
        user = User.objects.select_for_update().get(pk=user.pk)
    else:
        user = _lock_managed(actor, user)
    if confirmed_device(user) is not None:
        raise Conflict(_("This user already has a second factor."), code="already_enrolled")
    return _new_enrolment_code(actor, user)


def _may_manage_tokens(actor: Actor | None, user: User) -> bool:
    """Tokens are the user's own, or issued by the operator or an administrator of their sites."""
    if actor is None or actor.pk == user.pk:
        return True
    return bool(actor.has_perm("accounts.change_user")) and manages(actor, user)


@transaction.atomic
def issue_api_token(*, actor: Actor | None, user: User, name: str = "") -> str:
    """A new personal token for `user`; the returned secret is shown once and stored hashed.

    A user who needs a second factor gets a token only once their TOTP device is confirmed.
    """
    if not _may_manage_tokens(actor, user):
        raise NotPermitted("You may only issue tokens for yourself.")
    if not user.is_active:
        raise Conflict(f"The user {user.username!r} is not active.", code="user_inactive")
    if needs_second_factor(user) and confirmed_device(user) is None:
        raise Conflict(
            f"{user.username!r} must enrol a second factor (log in once in the browser) before a token can be issued.",
            code="second_factor_required",
        )
    token, secret = ApiToken.issue(user, name)
    audit.record(
        actor,
        "api_token.issued",
        token,
        changes={"user": user.username, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return secret


@transaction.atomic
def revoke_api_token(*, actor: Actor | None, token: ApiToken) -> None:
    if not _may_manage_tokens(actor, token.user):
        raise NotPermitted("You may only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(f"The token {token.prefix}… is already revoked.", code="already_revoked")
    token.revoke()
    audit.record(actor, "api_token.revoked", token, changes={"prefix": token.prefix})


CODE_REFUSED = gettext_noop(
    "That enrolment code is not right, has expired or was already used. Ask an administrator for a new one."
)


def _refuse_code(actor: Actor) -> None:
    """Count a wrong code against every live code of the actor, in its own transaction so
    the count survives the refusal; after MAX_FAILURES the codes are dead (throttling)."""
    from django.db.models import F

    with transaction.atomic():
        live = EnrolmentCode.live(actor)
        counted = live.update(failures=F("failures") + 1)
        audit.record(actor, "user.enrolment_code_refused", actor, changes={"live_codes": counted})


def start_totp_enrolment(*, actor: Actor, code: str) -> TOTPDevice:
    """Redeem an enrolment code and give the actor a fresh, unconfirmed TOTP device.

    A password alone is not enough to enrol: the code, issued by an administrator
    or at account creation, proves the person was handed the account. The code is used up
    here; any earlier unconfirmed device is replaced, so a secret shown before is worthless.
    Only for a user with no confirmed device: a second device is never added this way.
    """
    if confirmed_device(actor) is not None:
        raise Conflict("A second factor is already enrolled.", code="already_enrolled")
    digest = EnrolmentCode.digest(code or "")
    with transaction.atomic():
        row = EnrolmentCode.live(actor).select_for_update().filter(code_hash=digest).first()
        if row is not None:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=actor, name="default", confirmed=False)
            audit.record(actor, "user.enrolment_code_used", actor, changes={"device": device.pk})
            audit.record(actor, "user.second_factor_started", actor, changes={"device": device.pk})
            return device
    _refuse_code(actor)
    raise InvalidInput({"code": [_(CODE_REFUSED)]})


def confirm_totp_device(*, actor: Actor, device: TOTPDevice, token: str) -> TOTPDevice:
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


PREFERENCE_FIELDS = ("language", "digits", "calendar", "work_digest")


@transaction.atomic
def update_preferences(*, actor: Actor, **values: str) -> User:
    """Change the actor's own preferences (language, digits, calendar, the work digest).

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
