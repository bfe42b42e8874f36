"""The Django admin, reduced to a read-only window for superusers.

Issue 18: an administrator made themselves superuser, took a role and another site, and
reset a password through Django's UserAdmin, and none of it reached the audit chain. So:

- `SuperuserAdminSite` answers only active superusers (made on the command line with
  `asylon createsuperuser`); everyone else, `is_staff` or not, is sent to log in.
- `ReadOnlyAdmin` is the base of every `ModelAdmin` in the project, and the site wraps the
  admins of Django and the libraries (groups, axes...) in the same `ReadOnlyMixin` as they
  register: no add, change or delete for anyone, superusers included. Every write goes
  through a service, which checks scope and writes the audit event; the admin can only look.
- TOTP devices are not shown at all: their page would show each user's second-factor secret.
- The site's own password-change pages are gone: a password changes through
  `accounts.services.reset_password` (or Django's `changepassword` command on the server).

`tests/accounts/test_admin_lockdown.py` proves each of these, and that every registered
model admin is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models.base import ModelBase
from django.http import Http404


class ReadOnlyMixin:
    """Lists and shows rows to an active superuser; never adds, changes or deletes them."""

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The base of every ModelAdmin in Asylon."""


# Models the admin never shows: a TOTP device's page holds the secret of a user's second factor.
HIDDEN_MODELS = {"otp_totp.totpdevice"}


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Asylon (read-only)"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register like Django, but read-only whatever the admin class says."""
        models: list[Any] = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        models = [m for m in models if m._meta.label_lower not in HIDDEN_MODELS]
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyMixin):
            base = type(f"ReadOnly{base.__name__}", (ReadOnlyMixin, base), {"__module__": base.__module__})
        if models:
            super().register(models, base, **options)

    # Django's admin offers a password change to whoever it lets in; ours changes nothing.
    # The URLs stay (the admin's templates link to them) and answer 404.
    def password_change(self, request, extra_context=None):
        raise Http404

    def password_change_done(self, request, extra_context=None):
        raise Http404
