"""The e-mail digest of each user's work (`asylon work digest`, run once a day by cron or a
timer: docs/deploy.md).

An e-mail leaves the system for a mailbox that may be read on a shared phone or handed to
the persecutor's police at a checkpoint: the digest says how many items wait in each group
and how many are overdue, with a link to the my-work page, never a name, a reference or a
case type. Users choose it in their preferences (daily, or on Mondays); a user is written
to at most once a day, however often the command runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from asylon.accounts.models import User, WorkDigest
from asylon.audit import services as audit
from asylon.core.work import items_for


@dataclass(frozen=True)
class Digest:
    user: User
    subject: str
    body: str
    items: int


def due_today(user: User, on: date) -> bool:
    if user.work_digest_sent_on == on:
        return False
    return user.work_digest == WorkDigest.DAILY or (user.work_digest == WorkDigest.WEEKLY and on.weekday() == 0)


def compose(user: User, on: date) -> Digest | None:
    """The user's digest in their language, or None when nothing waits for them."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = items_for(user, on)
        if not items:
            return None
        overdue = sum(1 for i in items if i.overdue(on))
        groups: dict[str, list[int]] = {}
        for item in items:
            counts = groups.setdefault(item.group, [0, 0])
            counts[0] += 1
            counts[1] += item.overdue(on)
        lines = [
            _("%(group)s: %(n)s (overdue: %(late)s)") % {"group": g, "n": n, "late": late}
            for g, (n, late) in groups.items()
        ]
        link = settings.ASYLON_BASE_URL.rstrip("/") + reverse("mywork:home")
        subject = _("Asylon: %(n)s items of work wait for you (overdue: %(late)s)") % {"n": len(items), "late": overdue}
        body = "\n".join([_("What waits for you in Asylon today:"), "", *lines, "", link])
    return Digest(user, subject, body, len(items))


def send_digests(on: date, dry_run: bool = False) -> list[Digest]:
    """Write to every active user with an e-mail address whose digest is due today."""
    users = User.objects.filter(is_active=True, work_digest__in=[WorkDigest.DAILY, WorkDigest.WEEKLY]).exclude(email="")
    users = users.order_by("pk")
    sent = []
    for user in users:
        if not due_today(user, on):
            continue
        digest = compose(user, on)
        if digest is None:
            continue
        sent.append(digest)
        if dry_run:
            continue
        send_mail(digest.subject, digest.body, None, [user.email])
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(work_digest_sent_on=on)
            audit.record(None, "user.work_digest_sent", user, changes={"items": [None, digest.items]})
    return sent
