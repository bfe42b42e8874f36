"""Reads about incidents, always scoped to the actor's sites and role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.core.errors import InvalidInput, NotFound
from asylon.core.scope import can, ensure, site_ids
from asylon.core.types import Actor
from asylon.registry.models import Site

from .models import (
    Delivery,
    Evidence,
    FollowUp,
    Incident,
    IncidentKind,
    Notification,
    RollCall,
    RollCallEntry,
    RollCallResult,
    RollCallState,
)


def incidents_for(actor: Actor) -> QuerySet[Incident]:
    if not actor.has_perm("incidents.view_incident"):
        return Incident.objects.none()
    return Incident.objects.filter(site_id__in=site_ids(actor))


# Who may own a follow-up: the roles that report and work incidents (field monitors and
# protection officers), never an account that merely reads the site (the form offers no one by default).
FOLLOW_UP_OWNER_PERMISSION = ("incidents", "add_incident")


def follow_up_owners(site_id: int) -> QuerySet:
    """The active users of `site_id` whose role may act on its incidents, by username.

    Superusers and administrators are left out unless their role grants the permission: a
    follow-up needs someone who can open the incident and do the work.
    """
    app_label, codename = FOLLOW_UP_OWNER_PERMISSION
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            sites=site_id,
            groups__permissions__content_type__app_label=app_label,
            groups__permissions__codename=codename,
        )
        .distinct()
        .order_by("username")
    )


def can_see_restricted(actor: Actor, incident: Incident) -> bool:
    """Narrative, perpetrator detail and affected persons (D4): protection roles, and the reporter."""
    return actor.has_perm("incidents.view_restricted_incident", incident) or incident.reported_by_id == actor.pk


def incident_record(actor: Actor, incident: Incident) -> dict:
    """What the incident's page lists under it, each part only for the roles that may read
    it (None otherwise): follow-ups, affected persons (D4, restricted), evidence and its
    custody, and the roll calls it started. The number of files is shown to every reader."""
    return {
        "follow_ups": incident.follow_ups.select_related("owner", "done_by")
        if can(actor, "incidents.view_followup", incident)
        else None,
        "affected": incident.affected.select_related("person") if can_see_restricted(actor, incident) else None,
        "evidence": incident.evidence.select_related("uploaded_by").prefetch_related("custody__actor")
        if can(actor, "incidents.view_evidence", incident)
        else None,
        "evidence_count": incident.evidence.count(),
        "roll_calls": incident.roll_calls.all(),
    }


@dataclass
class IncidentFilters:
    site: int | None = None
    kind: str | None = None
    severity: int | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def timeline(actor: Actor, f: IncidentFilters) -> QuerySet[Incident]:
    qs = incidents_for(actor).select_related("site", "location", "location__parent")
    if f.site:
        qs = qs.filter(site_id=f.site)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.severity:
        qs = qs.filter(severity__gte=f.severity)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_day_start(date.fromordinal(f.date_to.toordinal() + 1)))
    return qs.order_by("-occurred_at", "-pk")


def get_incident(actor: Actor, reference: str) -> Incident:
    incident = (
        incidents_for(actor)
        .select_related("site", "location", "location__parent", "reported_by")
        .filter(reference=reference)
        .first()
    )
    if incident is None:
        raise NotFound("No such incident.")
    return incident


def incident_named(actor: Actor, reference: str, *, field: str) -> Incident:
    """The incident a form names by reference, or `InvalidInput` on `field`: a form's typo is
    the form's error, not a missing page."""
    try:
        return get_incident(actor, reference.strip())
    except NotFound as exc:
        raise InvalidInput({field: [_("No such incident.")]}) from exc


def get_follow_up(actor: Actor, pk: int) -> FollowUp:
    """A follow-up of the actor's sites (whoever may complete it is the service's question)."""
    follow_up = FollowUp.objects.select_related("incident", "owner").filter(pk=pk, site_id__in=site_ids(actor)).first()
    if follow_up is None:
        raise NotFound("No such follow-up.")
    return follow_up


def open_follow_ups(actor: Actor, site: int | None = None) -> QuerySet[FollowUp]:
    ids = site_ids(actor)
    if actor.has_perm("incidents.view_followup"):
        qs = FollowUp.objects.filter(site_id__in=ids)
    else:
        qs = FollowUp.objects.filter(site_id__in=ids, owner=actor)
    if site:
        qs = qs.filter(site_id=site)
    return (
        qs.filter(done_at__isnull=True)
        .select_related("incident", "site", "owner")
        .order_by("site__code", "due_on", "pk")
    )


def get_evidence(actor: Actor, pk: int) -> Evidence:
    ev = Evidence.objects.select_related("incident", "site").filter(pk=pk, site_id__in=site_ids(actor)).first()
    if ev is None or not actor.has_perm("incidents.view_evidence", ev):
        raise NotFound("No such evidence.")
    return ev


def roll_calls_for(actor: Actor) -> QuerySet[RollCall]:
    if not actor.has_perm("incidents.view_rollcall"):
        return RollCall.objects.none()
    return RollCall.objects.filter(site_id__in=site_ids(actor)).select_related("site", "incident", "started_by")


def get_roll_call(actor: Actor, pk: int) -> RollCall:
    rc = roll_calls_for(actor).filter(pk=pk).first()
    if rc is None:
        raise NotFound("No such roll call.")
    return rc


def roll_call_to_mark(actor: Actor, pk: int) -> RollCall:
    """The roll call a batch of marks is for, with only what marking reads (its site, state and
    start): the marking endpoints call this on every batch. The caller checks that the actor
    may mark (`incidents.mark_rollcall`); outside the actor's sites it does not exist."""
    sites = sorted(site_ids(actor))
    if not sites:
        raise NotFound("No such roll call.")
    # Raw SQL (still a RollCall, its other fields deferred): the ORM's compiling of this
    # filter cost more than the statement, on every batch.
    table, marks = RollCall._meta.db_table, ", ".join(["%s"] * len(sites))
    sql = f"SELECT id, site_id, state, started_at FROM {table} WHERE id = %s AND site_id IN ({marks})"  # noqa: S608
    found = list(RollCall.objects.raw(sql, [pk, *sites]))
    if not found:
        raise NotFound("No such roll call.")
    return found[0]


def roll_call_entries(roll_call: RollCall) -> list[dict]:
    """The marking list: who, where, and the current mark. Personal data (D4): marking roles only."""
    rows = (
        RollCallEntry.objects.filter(roll_call=roll_call)
        .order_by("person__unit__parent__name", "person__unit__name", "person__reference")
        .values_list(
            "person__reference",
            "person__given_name",
            "person__fathers_name",
            "person__family_name",
            "person__given_name_original",
            "person__family_name_original",
            "person__unit__parent__name",
            "person__unit__name",
            "result",
            "marked_at",
            "version",
        )
    )
    out = []
    for ref, given, father, family, given_o, family_o, block, unit, result, marked_at, version in rows:
        out.append(
            {
                "ref": ref,
                "name": " ".join(p for p in (given, father, family) if p),
                "orig": " ".join(p for p in (given_o, family_o) if p),
                "unit": f"{block} / {unit}" if unit else "",
                "result": result,
                "marked_at": marked_at.isoformat() if marked_at else None,
                "version": version,
            }
        )
    return out


# How many deliveries the deliveries page lists, newest first as the table orders them.
DELIVERIES_SHOWN = 200


def deliveries_for(actor: Actor) -> QuerySet[Delivery]:
    """The alerts' deliveries of the actor's sites, as the deliveries page lists them."""
    return Delivery.objects.filter(alert__site_id__in=site_ids(actor)).select_related("alert", "alert__site")[
        :DELIVERIES_SHOWN
    ]


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("alert", "alert__site")


# --- figures for the situation report (counts only: no person, no narrative) -----------------


def _local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of local day `start` to the start of the day after `end`."""
    return _day_start(start), _day_start(date.fromordinal(end.toordinal() + 1))


@dataclass(frozen=True)
class IncidentFigures:
    occurred_on: date
    kind: str
    label: str
    severity: int
    killed: int
    injured: int
    missing: int
    detained: int


def incidents_in_period(*, actor: Actor, site: Site, start: date, end: date) -> list[IncidentFigures]:
    """The incidents at `site` that occurred between `start` and `end` (local days, both
    included), oldest first, with their type's label, severity and casualty counts as
    recorded now (a roll call may have raised them). Counts only: a role that may read the
    site's statistics may read them."""
    ensure(actor, "reports.view_statistics", site)
    first, after = _local_days(start, end)
    rows = (
        Incident.objects.filter(site=site, occurred_at__gte=first, occurred_at__lt=after)
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", "kind", "severity", "killed", "injured", "missing", "detained")
    )
    return [
        IncidentFigures(timezone.localdate(at), kind, str(IncidentKind(kind).label), severity, *counts)
        for at, kind, severity, *counts in rows
    ]


@dataclass(frozen=True)
class RollCallTally:
    started_on: date
    closed: bool
    expected: int
    by_result: dict[str, int]  # every RollCallResult value, in its declared order

    def labelled(self) -> list[tuple[str, int]]:
        """(label, count) for every result, in the declared order."""
        return [(str(RollCallResult(r).label), n) for r, n in self.by_result.items()]


def roll_calls_in_period(*, actor: Actor, site: Site, start: date, end: date) -> list[RollCallTally]:
    """The roll calls at `site` started between `start` and `end` (local days, both
    included), oldest first, each with the number of persons expected and its tally by
    result (frozen when it closed). Counts only: a role that may read the site's statistics
    may read them."""
    ensure(actor, "reports.view_statistics", site)
    first, after = _local_days(start, end)
    calls = list(
        RollCall.objects.filter(site=site, started_at__gte=first, started_at__lt=after)
        .order_by("started_at", "pk")
        .values_list("pk", "started_at", "state")
    )
    tallies: dict[int, dict[str, int]] = {pk: dict.fromkeys(RollCallResult.values, 0) for pk, _at, _s in calls}
    for roll_call_id, result, n in (
        RollCallEntry.objects.filter(roll_call_id__in=list(tallies))
        .values_list("roll_call_id", "result")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies[roll_call_id][result] = n
    return [
        RollCallTally(timezone.localdate(at), state == RollCallState.CLOSED, sum(tallies[pk].values()), tallies[pk])
        for pk, at, state in calls
    ]


# --- reads for the API ---------------------------------------------------------------------------


def follow_up_owner(site_id: int, username: str):
    """The user an API caller names as a follow-up's owner, among `follow_up_owners` of the
    site; None for anyone else, which `services.add_follow_up` refuses as it refuses no owner."""
    return follow_up_owners(site_id).filter(username=username).first()
