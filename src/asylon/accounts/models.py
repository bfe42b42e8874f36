"""Users, their sites, and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asylon.core.i18n import Calendar, Digits


class User(AbstractUser):
    """A staff member. Roles are Django groups (see roles.py); sites bound every query."""

    sites = models.ManyToManyField("registry.Site", blank=True, related_name="users")
    # Interface preferences: blank language = the browser's; see core/i18n.py for the others.
    language = models.CharField(_("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES)
    digits = models.CharField(_("digits"), max_length=8, choices=Digits.choices, default=Digits.AUTO)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.GREGORIAN)

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
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
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
