"""Alerts to a site's protection officers: an in-app notification, an e-mail, and an
optional signed webhook per site.

`raise_alert` is called inside the caller's transaction (an incident report, a safeguard
refusal): the alert, its notifications and its deliveries commit with the caller's change
or not at all. After commit each delivery is one background task (`incidents.tasks.
send_delivery`, run by `asylon worker`) naming its attempt; a failed attempt enqueues the next
one after a backoff, until it succeeds or is given up (status FAILED, shown on the deliveries
page and re-queued by hand). A worker that dies mid-send counts as a failed attempt
(core/worker.py `on_lost`). Two tasks for the same attempt never both send: the attempt is
claimed with a conditional UPDATE. Nothing sent out carries personal data: titles, counts
and a link only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation

from asylon.accounts.roles import ROLE_PERMISSIONS
from asylon.safeguards.messages import Message

from .models import Alert, Channel, Delivery, DeliveryStatus, Notification, SiteWebhook

log = logging.getLogger(__name__)

RECEIVE_PERM = "incidents.receive_alerts"


def max_attempts() -> int:
    return int(getattr(settings, "ASYLON_ALERT_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def recipients(site) -> models.QuerySet:
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if RECEIVE_PERM in perms]
    return get_user_model().objects.filter(is_active=True, sites=site, groups__name__in=roles).distinct().order_by("pk")


def raise_alert(
    *,
    site,
    kind: str,
    severity: int,
    title: str | Message,
    body: str | Message | Sequence[Message],
    link: str = "",
    source=None,
) -> Alert:
    """Record an alert for the site's protection officers and queue its e-mails and webhook.

    Call it inside your own transaction. `title` and `body` must not name persons: they
    leave the system by e-mail and webhook. Give them as messages (`safeguards.messages`:
    an English msgid and parameters) so that every reader reads them in their own language;
    the English text is stored beside them. `source` is a model instance or a string.
    """
    if source is not None and not isinstance(source, str):
        source = f"{source._meta.label_lower}:{source.pk}"
    stored: dict = {}
    if isinstance(title, Message):
        stored["title"] = title.as_dict()
        title = title.english()
    if isinstance(body, Message):
        body = [body]
    if not isinstance(body, str):
        stored["body"] = [line.as_dict() for line in body]
        body = "\n".join(line.english() for line in body)
    with transaction.atomic():
        alert = Alert.objects.create(
            site=site,
            kind=kind,
            severity=severity,
            title=title[:200],
            body=body,
            message=stored,
            link=link,
            source=source or "",
        )
        users = list(recipients(site))
        Notification.objects.bulk_create([Notification(alert=alert, user=u) for u in users])
        now = timezone.now()
        rows = [
            Delivery(alert=alert, channel=Channel.EMAIL, recipient=u.email, next_attempt_at=now)
            for u in users
            if u.email
        ]
        hook = SiteWebhook.objects.filter(site=site, active=True).first()
        if hook is not None:
            rows.append(Delivery(alert=alert, channel=Channel.WEBHOOK, recipient=hook.url, next_attempt_at=now))
        Delivery.objects.bulk_create(rows)
        if getattr(settings, "ASYLON_ALERTS_SEND_ON_COMMIT", True):
            ids = [row.pk for row in rows]
            transaction.on_commit(lambda: _enqueue(ids))
    return alert


def absolute(link: str) -> str:
    base = getattr(settings, "ASYLON_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def payload(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "site": alert.site.code,
        "kind": alert.kind,
        "severity": alert.severity,
        "title": alert.title,
        "body": alert.body,
        "link": absolute(alert.link),
        "created_at": alert.created_at.isoformat(),
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _send(delivery: Delivery) -> None:
    alert = delivery.alert
    if delivery.channel == Channel.EMAIL:
        with translation.override(_reader_language(delivery.recipient)):
            title, lines = alert.shown_title, alert.shown_body
        text = lines + ("\n\n" + absolute(alert.link) if alert.link else "")
        send_mail(f"[Asylon {alert.site.code}] {title}", text, None, [delivery.recipient], fail_silently=False)
        return
    hook = SiteWebhook.objects.get(site_id=alert.site_id)
    body = json.dumps(payload(alert), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an operator-configured http(s) endpoint
        delivery.recipient,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Asylon-Signature": sign(hook.secret, body),
            "X-Asylon-Delivery": str(delivery.pk),
        },
    )
    if not delivery.recipient.startswith(("http://", "https://")):
        raise ValueError("webhook URL must be http(s)")
    timeout = float(getattr(settings, "ASYLON_WEBHOOK_TIMEOUT", 5))
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(delivery.recipient, response.status, "not 2xx", response.headers, None)


def _reader_language(email: str) -> str:
    """The language an e-mail is written in: its recipient's, else the site's default."""
    chosen = get_user_model().objects.filter(email=email, is_active=True).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def _enqueue(ids: list[int], attempt: int = 1) -> None:
    from .tasks import send_delivery

    for pk in ids:
        send_delivery.enqueue(delivery_id=pk, attempt=attempt)


def _claim(pk: int, attempt: int) -> bool:
    """Take attempt number `attempt` of a pending delivery: a conditional UPDATE, so two
    workers (or a task enqueued twice) never send the same attempt twice."""
    return bool(
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, attempts=attempt - 1).update(attempts=attempt)
    )


def attempt_delivery(*, delivery_id: int, attempt: int) -> str:
    """Make attempt `attempt` of a delivery (the task's body). Returns "sent", "retry",
    "failed", or "skipped" when the attempt was already taken or the delivery is settled."""
    if not _claim(delivery_id, attempt):
        return "skipped"
    delivery = Delivery.objects.select_related("alert", "alert__site").get(pk=delivery_id)
    try:
        _send(delivery)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        return failed_attempt(delivery_id=delivery_id, attempt=attempt, error=f"{type(exc).__name__}: {exc}")
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def failed_attempt(*, delivery_id: int, attempt: int, error: str) -> str:
    """Record a failed attempt: give up after `max_attempts`, else schedule the next attempt
    after the backoff. A backend that cannot defer (the immediate one, in tests) leaves it to
    `enqueue_due`."""
    from .tasks import send_delivery

    error = error[:500]
    log.warning("alert delivery %s failed: %s", delivery_id, error)
    pending = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt)
    if attempt >= max_attempts():
        pending.update(status=DeliveryStatus.FAILED, last_error=error)
        return "failed"
    next_at = timezone.now() + backoff(attempt)
    if pending.update(last_error=error, next_attempt_at=next_at) and send_delivery.get_backend().supports_defer:
        send_delivery.using(run_after=next_at).enqueue(delivery_id=delivery_id, attempt=attempt + 1)
    return "retry"


def enqueue_due(*, now: datetime | None = None) -> int:
    """Enqueue the next attempt of every pending delivery that is due (`asylon alerts retry`:
    deliveries whose task was lost with a database restored from backup, or tests). A
    delivery that already has its task queued is not sent twice: the attempt is claimed."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by("pk")
    rows = list(due.values_list("pk", "attempts"))
    for pk, attempts in rows:
        _enqueue([pk], attempts + 1)
    return len(rows)


def requeue_failed(*, site_ids=None) -> int:
    """Give failed deliveries a fresh series of attempts (after the endpoint is fixed)."""
    qs = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    if site_ids is not None:
        qs = qs.filter(alert__site_id__in=site_ids)
    ids = list(qs.values_list("pk", flat=True))
    n = Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue(ids))
    return n


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def pending_problem_deliveries(site_ids) -> models.QuerySet:
    return Delivery.objects.filter(alert__site_id__in=site_ids).filter(
        Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0)
    )
