"""Django admin for the per-site RSD settings only; saving goes through the audited service.
Statuses, cases and declarations are not here: they change through their services."""

from django.contrib import admin

from .models import RsdSiteSettings


@admin.register(RsdSiteSettings)
class RsdSiteSettingsAdmin(admin.ModelAdmin):
    list_display = ("site", "appeal_window_days", "target_days_registered", "target_days_decided")

    def save_model(self, request, obj, form, change):
        from .services import update_rsd_settings

        values = {f: form.cleaned_data[f] for f in form.changed_data if f != "site"}
        if not change:
            values = {f: form.cleaned_data[f] for f in form.cleaned_data if f != "site"}
        update_rsd_settings(actor=request.user, site=obj.site, **values)
        obj.pk = RsdSiteSettings.objects.get(site=obj.site).pk
