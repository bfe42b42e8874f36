"""The per-site RSD settings in the read-only admin; they change through
`status.services.update_rsd_settings`. Statuses, cases and declarations are not here."""

from django.contrib import admin

from asylon.accounts.admin_site import ReadOnlyAdmin

from .models import RsdSiteSettings


@admin.register(RsdSiteSettings)
class RsdSiteSettingsAdmin(ReadOnlyAdmin):
    list_display = ("site", "appeal_window_days", "target_days_registered", "target_days_decided")
