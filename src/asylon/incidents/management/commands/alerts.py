"""`asylon alerts retry`: enqueue the next attempt of every alert delivery that is due (the
worker sends them and schedules their retries; this catches up after a restore or an outage);
`--failed` first re-queues deliveries that were given up. `asylon alerts webhook SITE URL`
sets a site's signed webhook and prints its secret once."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from asylon.audit import services as audit
from asylon.incidents import alerts
from asylon.incidents.models import Delivery, DeliveryStatus, SiteWebhook
from asylon.registry.models import Site


class Command(BaseCommand):
    help = "Alert deliveries: `retry` sends what is due; `webhook SITE URL` configures a site's webhook."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retry", "webhook", "status"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--failed", action="store_true", help="Re-queue deliveries that were given up")

    def handle(self, *args, action: str, failed: bool, **options):
        if action == "webhook":
            return self.webhook(*args)
        if action == "status":
            for status in DeliveryStatus.values:
                self.stdout.write(f"{status}: {Delivery.objects.filter(status=status).count()}")
            return None
        if failed:
            self.stdout.write(f"{alerts.requeue_failed()} failed deliveries re-queued.")
        self.stdout.write(f"{alerts.enqueue_due()} due deliveries queued for the worker.")
        return None

    def webhook(self, *args):
        if len(args) != 2:
            raise CommandError("usage: asylon alerts webhook SITE_CODE URL")
        code, url = args
        if not url.startswith(("https://", "http://")):
            raise CommandError("The URL must be http(s).")
        site = Site.objects.filter(code=code).first()
        if site is None:
            raise CommandError(f"No site {code!r}.")
        secret = secrets.token_hex(32)
        with transaction.atomic():
            SiteWebhook.objects.update_or_create(site=site, defaults={"url": url, "secret": secret, "active": True})
            audit.record(None, "site.webhook_set", site, changes={"url": url})
        self.stdout.write(f"Webhook of {code} set. Secret (shown once): {secret}")
