"""Users, their sites, their personal API tokens and their second-factor enrolment codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asylon.core.i18n import Calendar, Digits


class WorkDigest(models.TextChoices):
    """How often the user is e-mailed a digest of their work (counts and a link, no names)."""

    NEVER = "never", _("never")
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every Monday")


class User(AbstractUser):
    """A staff member. Roles are Django groups (see roles.py); sites bound every query."""

    sites = models.ManyToManyField("registry.Site", blank=True, related_name="users")
    # Interface preferences: blank language = the browser's; see core/i18n.py for the others.
    language = models.CharField(_("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES)
    digits = models.CharField(_("digits"), max_length=8, choices=Digits.choices, default=Digits.AUTO)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.GREGORIAN)
    work_digest = models.CharField(
        _("e-mail digest of my work"), max_length=8, default=WorkDigest.NEVER, choices=WorkDigest.choices
    )
    work_digest_sent_on = models.DateField(null=True, blank=True, editable=False)  # never twice a day

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs hides the abstract Meta
        permissions = [("view_own_work", "Can read the list of their own work")]

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]

    @property
    def role_labels(self) -> list[str]:
        """The roles as the reader's language names them (for pages; groups stay codes)."""
        from .roles import Role

        return [str(Role(name).label) if name in Role.values else name for name in self.role_names]


def token_expiry():
    """When a token issued now stops working: ASYLON_API_TOKEN_DAYS from now."""
    return timezone.now() + timedelta(days=settings.ASYLON_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the token itself is shown once.
    It works until `expires_at` or until revoked, whichever comes first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple[ApiToken, str]:
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=prefix, key_hash=cls.digest(secret))
        return token, f"asy_{prefix}_{secret}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def enrolment_code_expiry():
    return timezone.now() + timedelta(days=settings.ASYLON_ENROLMENT_CODE_DAYS)


class EnrolmentCode(models.Model):
    """A one-time code that lets a user enrol their second factor.

    Issued by an administrator of the user's sites, by `asylon adduser`, or by the operator
    (`asylon enrolment-code`); shown once and kept only as a SHA-256 (the code is random,
    about 60 bits, so a plain hash is enough). A code is live while unused, unexpired, not
    replaced by a newer one and refused fewer than `MAX_FAILURES` times.
    """

    MAX_FAILURES = 5
    ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is read out and typed

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=enrolment_code_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("second-factor enrolment code")

    def __str__(self) -> str:
        return f"enrolment code for {self.user}"

    @staticmethod
    def normalise(code: str) -> str:
        return "".join(c for c in code.upper() if c.isalnum())

    @classmethod
    def digest(cls, code: str) -> str:
        return hashlib.sha256(cls.normalise(code).encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(12))
        return "-".join(raw[i : i + 4] for i in range(0, 12, 4))

    @classmethod
    def live(cls, user) -> models.QuerySet[EnrolmentCode]:
        return cls.objects.filter(
            user=user,
            used_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=timezone.now(),
            failures__lt=cls.MAX_FAILURES,
        )
