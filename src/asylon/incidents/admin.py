"""Webhooks and alert deliveries in the read-only admin (a webhook's secret is never shown)."""

from django.contrib import admin

from asylon.accounts.admin_site import ReadOnlyAdmin

from .models import Delivery, SiteWebhook


@admin.register(SiteWebhook)
class SiteWebhookAdmin(ReadOnlyAdmin):
    list_display = ("site", "url", "active")
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("alert", "channel", "recipient", "status", "attempts", "last_error", "next_attempt_at")
    list_filter = ("status", "channel")
