"""Alerts: notifications, e-mail, a signed webhook that fails first, retries, and giving up visibly."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from tests.signin import sign_in

from asylon.incidents import alerts
from asylon.incidents.models import Delivery, DeliveryStatus, Notification, SiteWebhook

SECRET = "s3cret-for-tests"


class Hook:
    def __init__(self, fail_first: int):
        self.fail_first = fail_first
        self.received: list[tuple[bytes, str]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.fail_first > 0:
                    hook.fail_first -= 1
                    self.send_response(503)
                else:
                    hook.received.append((body, self.headers["X-Asylon-Signature"]))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(site_a):
    h = Hook(fail_first=1)
    SiteWebhook.objects.create(site=site_a, url=h.url, secret=SECRET)
    yield h
    h.close()


def raise_one(site, **extra):
    with transaction.atomic():
        return alerts.raise_alert(
            site=site,
            kind="SAFEGUARD_REFUSAL",
            severity=4,
            title="Removal refused at AAA",
            body="1 person",
            link="/x/",
            **extra,
        )


def test_delivery_is_retried_until_the_webhook_answers(site_a, officer, hook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_one(site_a)
    assert Notification.objects.filter(alert=alert, user=officer, read_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1
    webhook = Delivery.objects.get(channel="WEBHOOK")
    assert webhook.status == DeliveryStatus.PENDING and webhook.attempts == 1 and "503" in webhook.last_error
    assert hook.received == []
    # Not yet due: the retry command leaves it alone.
    call_command("alerts", "retry")
    assert Delivery.objects.get(channel="WEBHOOK").attempts == 1
    assert alerts.enqueue_due(now=timezone.now() + timedelta(minutes=5)) == 1  # the worker sends it
    webhook.refresh_from_db()
    assert webhook.status == DeliveryStatus.SENT and webhook.attempts == 2
    body, signature = hook.received[0]
    assert signature == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)["title"] == "Removal refused at AAA"


def test_an_alert_rolled_back_with_its_cause_is_never_sent(site_a, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                alerts.raise_alert(site=site_a, kind="INCIDENT", severity=3, title="t", body="b")
                raise RuntimeError("the caller's change failed")
        except RuntimeError:
            pass
    assert not Delivery.objects.exists() and mail.outbox == []


def test_unreachable_webhook_gives_up_visibly_and_can_be_requeued(site_a, officer, settings, client):
    settings.ASYLON_ALERT_MAX_ATTEMPTS = 2
    settings.ASYLON_WEBHOOK_TIMEOUT = 0.5
    SiteWebhook.objects.create(site=site_a, url="http://127.0.0.1:9/closed", secret=SECRET)
    settings.ASYLON_ALERTS_SEND_ON_COMMIT = False
    raise_one(site_a)
    later = timezone.now()
    for _ in range(3):
        later += timedelta(hours=2)
        alerts.enqueue_due(now=later)
    d = Delivery.objects.get(channel="WEBHOOK")
    assert d.status == DeliveryStatus.FAILED and d.attempts == 2 and d.last_error
    sign_in(client, officer)
    page = client.get("/incidents/deliveries/")
    assert b"127.0.0.1:9/closed" in page.content and b"1 delivery failing or given up" in page.content
    assert alerts.requeue_failed() == 1
    assert Delivery.objects.get(channel="WEBHOOK").status == DeliveryStatus.PENDING


def test_two_workers_never_send_the_same_delivery_twice(site_a, officer, settings):
    settings.ASYLON_ALERTS_SEND_ON_COMMIT = False
    raise_one(site_a)
    d = Delivery.objects.get()
    assert alerts._claim(d.pk, 1) is True
    assert alerts._claim(d.pk, 1) is False
    # A second task for the same attempt sends nothing.
    assert alerts.attempt_delivery(delivery_id=d.pk, attempt=1) == "skipped"
    assert len(mail.outbox) == 0


def test_unread_count_in_the_navigation(client, site_a, officer, settings):
    settings.ASYLON_ALERTS_SEND_ON_COMMIT = False
    raise_one(site_a)
    sign_in(client, officer)
    page = client.get("/incidents/notifications/")
    assert b'class="badge"' in page.content and b"Removal refused at AAA" in page.content
    client.post("/incidents/notifications/read/")
    assert b'class="badge"' not in client.get("/incidents/notifications/").content
