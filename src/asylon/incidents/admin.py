from django.contrib import admin

from .models import Delivery, SiteWebhook


@admin.register(SiteWebhook)
class SiteWebhookAdmin(admin.ModelAdmin):
    list_display = ("site", "url", "active")
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("alert", "channel", "recipient", "status", "attempts", "last_error", "next_attempt_at")
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in Delivery._meta.fields]
