"""Admin pages write reference data; this mixin gives those writes an audit event too."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import model_to_dict

from . import services


class AuditedAdmin(admin.ModelAdmin):
    """Every save through the admin is recorded like a service write (same transaction)."""

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        action = f"{obj._meta.model_name}.{'changed' if change else 'created'}_in_admin"
        services.record(request.user, action, obj, changes=services.diff(before, after))

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted: records are closed or corrected, and the trail keeps them.
        return False
