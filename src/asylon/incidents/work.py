"""What the incidents give a user to do ("my work", core/work.py): the follow-ups they own,
the roll calls open in their sites with how many residents are still to check, and the
deaths and disappearances seen in roll calls that wait for their review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from asylon.core.i18n import to_digits
from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.core.work import WorkItem

from . import reviews
from .models import FollowUp, RollCall, RollCallResult, RollCallState


def follow_ups_due(actor: Actor, today: date) -> Iterator[WorkItem]:
    """The actor's own open follow-ups, in the sites they still work in (whoever may read
    every follow-up still has only their own to do)."""
    rows = (
        FollowUp.objects.filter(owner=actor, done_at__isnull=True, site_id__in=site_ids(actor))
        .select_related("incident", "site")
        .order_by("due_on", "pk")
    )
    for row in rows:
        yield WorkItem(
            source="incidents.follow_ups",
            group=_("Incident follow-ups"),
            title=_("%(action)s (incident %(reference)s)")
            % {"action": row.action, "reference": row.incident.reference},
            url=reverse("incidents:detail", args=[row.incident.reference]),
            due=row.due_on,
            site=row.site.code,
        )


def roll_calls_open(actor: Actor, today: date) -> Iterator[WorkItem]:
    """Each roll call open in the actor's sites, for those who mark: how many are unchecked."""
    if not actor.has_perm("incidents.mark_rollcall"):
        return
    unchecked = Count("entries", filter=Q(entries__result=RollCallResult.NOT_YET_CHECKED))
    rows = (
        RollCall.objects.filter(state=RollCallState.OPEN, site_id__in=site_ids(actor))
        .select_related("site")
        .annotate(unchecked=unchecked)
        .order_by("started_at")
    )
    for rc in rows:
        yield WorkItem(
            source="incidents.roll_calls",
            group=_("Roll calls"),
            title=_("Roll call open in %(site)s; residents not yet checked: %(n)s")
            % {"site": rc.site.name, "n": to_digits(rc.unchecked)},
            url=reverse("incidents:rollcall_mark", args=[rc.pk]),
            due=rc.started_at.date(),
            site=rc.site.code,
        )


def presence_reviews_waiting(actor: Actor, today: date) -> Iterator[WorkItem]:
    """One line for the reviews waiting in the actor's sites, but those waiting for a second
    officer after the actor confirmed them first (someone else must act)."""
    if not actor.has_perm(reviews.REVIEW):
        return
    waiting = reviews.open_reviews(actor).exclude(first_by=actor)
    n = waiting.count()
    if n:
        oldest = waiting.order_by("roll_call__started_at").values_list("roll_call__started_at", flat=True).first()
        yield WorkItem(
            source="incidents.presence_reviews",
            group=_("Roll calls"),
            title=_("Deaths or disappearances seen in roll calls, awaiting your review: %(n)s") % {"n": to_digits(n)},
            url=reverse("incidents:presence_reviews"),
            due=oldest.date() if oldest else None,
        )


def register() -> None:
    from asylon.core import work

    work.register("incidents.follow_ups", follow_ups_due)
    work.register("incidents.roll_calls", roll_calls_open)
    work.register("incidents.presence_reviews", presence_reviews_waiting)
