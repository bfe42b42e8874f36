"""Reading the audit trail, scoped like everything else. A viewer reads the events of their
sites (an event of several sites, through `EventSite`, if any is theirs); events about user
accounts only if they are an administrator of one of that user's sites; and events that
concern no site at all (reference data, a country) only if they are an administrator.
This is the one read of the trail: the page and the API both go through `events_for`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from asylon.core import labels
from asylon.core.scope import site_ids
from asylon.core.types import Actor

from .models import AuditEvent, ChainHead, EventSite

# Events about accounts (users, their tokens and second factors) are an administrator's
# business, even within the viewer's sites.
ACCOUNT_OBJECTS = "accounts."
# An administrator is who may read user accounts: the roles table (accounts/roles.py) gives it
# to the administrator role alone, and a superuser holds every permission. The trail asks the
# permission system, not the roles table, because audit sits below accounts.
ADMINISTERS = "accounts.view_user"


@dataclass
class EventFilters:
    person: str | None = None  # a person's (or any object's) public reference
    username: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    action: str | None = None
    object_type: str | None = None  # "app_label.model", as events name what they are about
    site: int | None = None  # a site's id: events of that site, alone or among several


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for(actor: Actor, f: EventFilters | None = None) -> QuerySet[AuditEvent]:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("audit.view_audit_trail"):
        return AuditEvent.objects.none()
    mine = site_ids(actor)
    several = EventSite.objects.filter(seq=OuterRef("seq"))
    visible = Q(site_id__in=mine) | Q(Exists(several.filter(site_id__in=mine)))
    if actor.has_perm(ADMINISTERS):
        visible |= Q(site_id__isnull=True) & ~Q(Exists(several))
    else:
        visible &= ~Q(object_type__startswith=ACCOUNT_OBJECTS)
    qs = AuditEvent.objects.filter(visible)
    f = f or EventFilters()
    if f.person:
        qs = qs.filter(object_ref=f.person.strip())
    if f.username:
        qs = qs.filter(actor_username=f.username.strip())
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.site:
        qs = qs.filter(Q(site_id=f.site) | Q(Exists(several.filter(site_id=f.site))))
    if f.since:
        qs = qs.filter(at__gte=_start_of(f.since))
    if f.until:
        qs = qs.filter(at__lt=_start_of(f.until + timedelta(days=1)))
    return qs.order_by("-seq")


# Changes whose value is itself a list (not a [before, after] pair from audit.diff).
LIST_VALUED = {"members", "sites", "specific_needs"}


def change_lines(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's changes as (field, "before → after") lines for a reader.

    Codes are shown in words, for a reader: a value of a field with choices by its
    label in the reader's language (M → male, PRESENT → present), a country code by the
    country's name (IR → Iran), a state-keyed tally by its labels. The stored event keeps
    the codes; only this display translates them.
    """
    lines = []
    for field, value in (event.changes or {}).items():
        show = partial(_show, model=event.object_type, field=field)
        if isinstance(value, list) and len(value) == 2 and field not in LIST_VALUED:
            text = f"{show(value[0])} → {show(value[1])}"
        else:
            text = show(value)
        lines.append((field, text))
    return lines


def _show(value, *, model: str, field: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_show(v, model=model, field=field) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{labels.label_of(k, model=model, field=field)} {_show(v, model=model, field=k)}" for k, v in value.items()
        )
    return str(labels.label_of(value, model=model, field=field))


def chain_head() -> tuple[int, str]:
    """The state of the data: the head of the audit chain (every write appends to it). The hash
    tells apart two states with the same number of events (a restored backup, a test). What is
    cached per state of the data (published statistics, the count of a user's work) keys on it."""
    head = ChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return head or (0, "")


def chain_head_except(actions: tuple[str, ...]) -> tuple[int, str]:
    """The seq and hash of the chain's last event whose action is not one of `actions`: the
    state of the data when those events change none of it (a report's own record). Reads the
    chain from its top down by its unique seq, so it stops at the first event that counts."""
    last = AuditEvent.objects.exclude(action__in=actions).order_by("-seq").values_list("seq", "hash").first()
    return last or (0, "")
