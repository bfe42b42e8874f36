"""Django admin for reference data only. Persons and their sensitive fields are not here:
every change to them goes through the services, with permissions and audit."""

from django.contrib import admin

from .models import Location, Site, SpecificNeedCode


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "host_country", "designation", "designated_on", "capacity")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "site")
    list_filter = ("site", "kind")


@admin.register(SpecificNeedCode)
class SpecificNeedCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "category", "restricted", "valid_from", "valid_to")
