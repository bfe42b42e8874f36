"""Django admin for reference data only. Persons and their sensitive fields are not here:
every change to them goes through the services, with permissions and audit."""

from django.contrib import admin

from asylon.audit.admin import AuditedAdmin

from .models import Location, Site, SpecificNeedCode


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ("code", "name", "host_country", "designation", "designated_on", "capacity")


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent", "site")
    list_filter = ("site", "kind")


@admin.register(SpecificNeedCode)
class SpecificNeedCodeAdmin(AuditedAdmin):
    list_display = ("code", "label", "category", "restricted", "valid_from", "valid_to")
