"""The incidents API: incidents, follow-ups and roll calls. Same services, same queries."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from asylon.accounts.scope import ensure, site_ids
from asylon.core.errors import InvalidInput, NotFound
from asylon.registry.models import Location, Site

from . import queries, rollcall, services
from .models import Incident

router = Router(tags=["incidents"])


class IncidentIn(Schema):
    site: str = Field(description="Site code")
    kind: str
    occurred_at: datetime
    occurred_precision: str = "MINUTE"
    location: int | None = Field(None, description="Id of a block or unit of that site")
    latitude: float | None = None
    longitude: float | None = None
    severity: int
    source: str = ""
    verification: str | None = None
    perpetrator_category: str = "UNKNOWN"
    perpetrator_detail: str = ""
    narrative: str = ""
    killed: int = 0
    injured: int = 0
    missing: int = 0
    detained: int = 0


class AffectedOut(Schema):
    person: str
    harm: str
    note: str


class FollowUpOut(Schema):
    id: int
    incident: str
    action: str
    owner: str
    due_on: date
    done_at: datetime | None
    outcome: str


class IncidentOut(Schema):
    reference: str
    site: str
    kind: str
    occurred_at: datetime
    occurred_precision: str
    location: str | None
    severity: int
    verification: str
    status: str
    source: str
    reported_at: datetime
    reported_by: str
    perpetrator_category: str
    killed: int
    injured: int
    missing: int
    detained: int
    narrative: str | None = Field(None, description="Restricted: protection roles and the reporter")
    perpetrator_detail: str | None = None
    affected: list[AffectedOut] | None = None


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int


class TransitionIn(Schema):
    to: str
    reason: str = ""


class FollowUpIn(Schema):
    action: str
    owner: str = Field(description="Username")
    due_on: date


class FollowUpDoneIn(Schema):
    outcome: str = ""


class RollCallIn(Schema):
    site: str
    blocks: list[int] = []
    incident: str | None = None


class CountsOut(Schema):
    total: int
    accounted: int
    unaccounted: int
    by_result: dict[str, int]


class RollCallOut(Schema):
    id: int
    site: str
    state: str
    incident: str | None
    started_at: datetime
    closed_at: datetime | None
    counts: CountsOut


class MarkIn(Schema):
    person: str
    result: str
    marked_at: str
    client_id: str


class MarksIn(Schema):
    marks: list[MarkIn]


class MarksOut(Schema):
    results: list[dict]
    counts: CountsOut


def _site(actor, code: str) -> Site:
    site = Site.objects.filter(code=code, pk__in=site_ids(actor)).first()
    if site is None:
        raise InvalidInput({"site": [f"Unknown site {code!r}."]})
    return site


def incident_out(actor, i: Incident) -> dict:
    restricted = queries.can_see_restricted(actor, i)
    return {
        "reference": i.reference,
        "site": i.site.code,
        "kind": i.kind,
        "occurred_at": i.occurred_at,
        "occurred_precision": i.occurred_precision,
        "location": str(i.location) if i.location_id else None,
        "severity": i.severity,
        "verification": i.verification,
        "status": i.status,
        "source": i.source,
        "reported_at": i.reported_at,
        "reported_by": i.reported_by.username,
        "perpetrator_category": i.perpetrator_category,
        "killed": i.killed,
        "injured": i.injured,
        "missing": i.missing,
        "detained": i.detained,
        "narrative": i.narrative if restricted else None,
        "perpetrator_detail": i.perpetrator_detail if restricted else None,
        "affected": [
            {"person": a.person.reference, "harm": a.harm, "note": a.note}
            for a in i.affected.select_related("person").order_by("person__reference")
        ]
        if restricted
        else None,
    }


@router.post("/incidents", response={201: IncidentOut})
def create_incident(request: HttpRequest, payload: IncidentIn):
    ensure(request.user, "incidents.add_incident")
    site = _site(request.user, payload.site)
    data = payload.dict()
    data.pop("site")
    if data["location"] is not None:
        loc = Location.objects.filter(pk=data["location"], site=site).first()
        if loc is None:
            raise InvalidInput({"location": [f"No place {data['location']} in site {site.code}."]})
        data["location"] = loc
    incident = services.report_incident(actor=request.user, site=site, **data)
    return Status(201, incident_out(request.user, queries.get_incident(request.user, incident.reference)))


@router.get("/incidents", response=IncidentPage)
def list_incidents(
    request: HttpRequest,
    site: str | None = None,
    kind: str | None = None,
    severity: int | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int = Query(50, ge=1, le=500),  # type: ignore[type-arg]
):
    ensure(request.user, "incidents.view_incident")
    f = queries.IncidentFilters(
        site=_site(request.user, site).pk if site else None,
        kind=kind,
        severity=severity,
        status=status,
        date_from=date_from,
        date_to=date_to,
    )
    qs = queries.timeline(request.user, f).select_related("reported_by")
    rows = list(qs[offset : offset + limit])
    return {"items": [incident_out(request.user, i) for i in rows], "count": qs.count()}


@router.get("/incidents/{reference}", response=IncidentOut)
def get_incident(request: HttpRequest, reference: str):
    return incident_out(request.user, queries.get_incident(request.user, reference))


@router.post("/incidents/{reference}/transitions", response=IncidentOut)
def transition(request: HttpRequest, reference: str, payload: TransitionIn):
    incident = queries.get_incident(request.user, reference)
    ensure(request.user, "incidents.change_incident", incident)
    services.transition_incident(actor=request.user, incident=incident, to=payload.to, reason=payload.reason)
    return incident_out(request.user, queries.get_incident(request.user, reference))


def follow_up_out(f) -> dict:
    return {
        "id": f.pk,
        "incident": f.incident.reference,
        "action": f.action,
        "owner": f.owner.username,
        "due_on": f.due_on,
        "done_at": f.done_at,
        "outcome": f.outcome,
    }


@router.post("/incidents/{reference}/follow-ups", response={201: FollowUpOut})
def add_follow_up(request: HttpRequest, reference: str, payload: FollowUpIn):
    incident = queries.get_incident(request.user, reference)
    ensure(request.user, "incidents.add_followup", incident)
    owner = get_user_model().objects.filter(username=payload.owner).first()
    f = services.add_follow_up(
        actor=request.user, incident=incident, action=payload.action, owner=owner, due_on=payload.due_on
    )
    return Status(201, follow_up_out(f))


@router.get("/follow-ups", response=list[FollowUpOut])
def open_follow_ups(request: HttpRequest, site: str | None = None):
    ensure(request.user, "incidents.view_followup")
    return [
        follow_up_out(f) for f in queries.open_follow_ups(request.user, _site(request.user, site).pk if site else None)
    ]


@router.post("/follow-ups/{pk}/done", response=FollowUpOut)
def follow_up_done(request: HttpRequest, pk: int, payload: FollowUpDoneIn):
    from .models import FollowUp

    f = FollowUp.objects.filter(pk=pk, site_id__in=site_ids(request.user)).first()
    if f is None:
        raise NotFound("No such follow-up.")
    return follow_up_out(services.complete_follow_up(actor=request.user, follow_up=f, outcome=payload.outcome))


def roll_call_out(rc) -> dict:
    return {
        "id": rc.pk,
        "site": rc.site.code,
        "state": rc.state,
        "incident": rc.incident.reference if rc.incident_id else None,
        "started_at": rc.started_at,
        "closed_at": rc.closed_at,
        "counts": rollcall.counts(rc),
    }


@router.post("/roll-calls", response={201: RollCallOut})
def start_roll_call(request: HttpRequest, payload: RollCallIn):
    ensure(request.user, "incidents.add_rollcall")
    site = _site(request.user, payload.site)
    blocks = list(Location.objects.filter(pk__in=payload.blocks, site=site, parent__isnull=True))
    if len(blocks) != len(set(payload.blocks)):
        raise InvalidInput({"blocks": [f"Unknown blocks of site {site.code}."]})
    incident = queries.get_incident(request.user, payload.incident) if payload.incident else None
    rc = rollcall.start_roll_call(actor=request.user, site=site, blocks=blocks, incident=incident)
    return Status(201, roll_call_out(queries.get_roll_call(request.user, rc.pk)))


@router.get("/roll-calls/{pk}", response=RollCallOut)
def get_roll_call(request: HttpRequest, pk: int):
    return roll_call_out(queries.get_roll_call(request.user, pk))


@router.get("/roll-calls/{pk}/counts", response=CountsOut)
def roll_call_counts(request: HttpRequest, pk: int):
    return rollcall.counts(queries.get_roll_call(request.user, pk))


@router.post("/roll-calls/{pk}/marks", response=MarksOut)
def roll_call_marks(request: HttpRequest, pk: int, payload: MarksIn):
    rc = queries.get_roll_call(request.user, pk)
    ensure(request.user, "incidents.mark_rollcall", rc)
    marks, rejected = rollcall.parse_marks([m.dict() for m in payload.marks])
    results = rollcall.mark_persons(actor=request.user, roll_call=rc, marks=marks)
    return {"results": results + rejected, "counts": rollcall.counts(rc)}


@router.post("/roll-calls/{pk}/close", response=RollCallOut)
def close_roll_call(request: HttpRequest, pk: int):
    rc = queries.get_roll_call(request.user, pk)
    ensure(request.user, "incidents.close_rollcall", rc)
    rollcall.close_roll_call(actor=request.user, roll_call=rc)
    return roll_call_out(queries.get_roll_call(request.user, pk))
