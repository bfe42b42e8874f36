"""Reference data in the read-only admin. Sites and their places change through
`registry.services` (scoped, audited); persons and their sensitive fields are not here."""

from django.contrib import admin

from asylon.accounts.admin_site import ReadOnlyAdmin

from .models import Location, Site, SpecificNeedCode


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "host_country", "designation", "designated_on", "capacity")


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "site")
    list_filter = ("site", "kind")


@admin.register(SpecificNeedCode)
class SpecificNeedCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "category", "restricted", "valid_from", "valid_to")
