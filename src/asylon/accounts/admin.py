"""Users and API tokens in the read-only admin. Every change to a user goes through
`accounts.services` (scoped, audited); Django's UserAdmin, with its add-user and
password pages, is deliberately not used."""

from django.contrib import admin

from .admin_site import ReadOnlyAdmin
from .models import ApiToken, EnrolmentCode, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "groups")
    search_fields = ("username",)
    exclude = ("password", "user_permissions")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(ReadOnlyAdmin):
    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at")
    exclude = ("code_hash",)
