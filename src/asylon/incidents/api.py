"""The incidents API: incidents, follow-ups and roll calls. Same services, same queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Offset, Text, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.scope import ensure
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import previews, queries, rollcall, services
from .models import FollowUp, Incident, IncidentStatus, RollCall, RollCallEntry, RollCallState

router = Router(tags=["incidents"])


def _of(field: str):
    return FromModel(Incident, field)


class IncidentIn(Schema):
    site: Line = Field(description="Site code")
    kind: Annotated[str, _of("kind")]
    occurred_at: datetime
    occurred_precision: Annotated[str, _of("occurred_precision")] = "MINUTE"
    location: Id | None = Field(None, description="Id of a block or unit of that site")
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    severity: Annotated[int, _of("severity")]
    source: Annotated[str, _of("source")] = ""
    verification: Annotated[str, _of("verification")] | None = None
    perpetrator_category: Annotated[str, _of("perpetrator_category")] = "UNKNOWN"
    perpetrator_detail: Annotated[str, _of("perpetrator_detail")] = ""
    narrative: Annotated[str, _of("narrative")] = ""
    killed: Annotated[int, _of("killed")] = 0
    injured: Annotated[int, _of("injured")] = 0
    missing: Annotated[int, _of("missing")] = 0
    detained: Annotated[int, _of("detained")] = 0


class AffectedOut(Schema):
    person: str = Field(alias="person.reference")
    harm: str
    note: str


class FollowUpOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    action: str
    owner: str = Field(alias="owner.username")
    due_on: date
    done_at: datetime | None
    outcome: str


def _restricted(incident: Incident, context: dict) -> bool:
    """D4, for the reader of this response: `queries.can_see_restricted`."""
    return queries.can_see_restricted(context["request"].user, incident)


class IncidentOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
    kind: str
    occurred_at: datetime
    occurred_precision: str
    location: str | None
    severity: int
    verification: str
    status: str
    source: str
    reported_at: datetime
    reported_by: str = Field(alias="reported_by.username")
    perpetrator_category: str
    killed: int
    injured: int
    missing: int
    detained: int
    narrative: str | None = Field(None, description="Restricted: protection roles and the reporter")
    perpetrator_detail: str | None = None
    affected: list[AffectedOut] | None = None

    @staticmethod
    def resolve_location(incident: Incident) -> str | None:
        return str(incident.location) if incident.location_id else None

    # The restricted fields are model attributes: each resolver asks for the reader's right
    # first, so that a schema reading the model never hands them to a role without it.
    @staticmethod
    def resolve_narrative(incident: Incident, context: dict) -> str | None:
        return incident.narrative if _restricted(incident, context) else None

    @staticmethod
    def resolve_perpetrator_detail(incident: Incident, context: dict) -> str | None:
        return incident.perpetrator_detail if _restricted(incident, context) else None

    @staticmethod
    def resolve_affected(incident: Incident, context: dict) -> list | None:
        if not _restricted(incident, context):
            return None
        return list(incident.affected.select_related("person").order_by("person__reference"))


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int


class IncidentTransitionIn(Schema):
    to: Line
    reason: Text = ""
    confirm: bool = Field(
        False,
        description="Needed to close (to CLOSED): without it nothing changes and a 409 carries what stays open "
        "(follow-ups, roll calls, reviews, affected persons).",
    )


class FollowUpIn(Schema):
    action: Annotated[str, FromModel(FollowUp, "action")]
    owner: Line = Field(description="Username")
    due_on: date


class FollowUpDoneIn(Schema):
    outcome: Annotated[str, FromModel(FollowUp, "outcome")] = ""


class RollCallIn(Schema):
    site: Line
    blocks: list[Id] = []
    incident: Line | None = None


class RollCallCloseIn(Schema):
    confirm: bool = Field(
        False,
        description="Must be true: without it nothing changes and a 409 carries the preview (the counts, "
        "how many are unaccounted, and the marks that become reviews).",
    )


class CountsOut(Schema):
    total: int
    accounted: int
    unaccounted: int
    by_result: dict[str, int]


class RollCallOut(Schema):
    id: int
    site: str = Field(alias="site.code")
    state: str
    incident: str | None
    started_at: datetime
    closed_at: datetime | None
    counts: CountsOut

    @staticmethod
    def resolve_incident(rc: RollCall) -> str | None:
        return rc.incident.reference if rc.incident else None

    @staticmethod
    def resolve_counts(rc: RollCall) -> dict:
        return rollcall.counts(rc)


class MarkIn(Schema):
    person: Line
    result: Annotated[str, FromModel(RollCallEntry, "result")]
    marked_at: Line
    client_id: Annotated[str, FromModel(RollCallEntry, "client_id")]


class MarksIn(Schema):
    marks: list[MarkIn]


class MarksOut(Schema):
    results: list[dict]
    counts: CountsOut


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.post(
    "/incidents",
    summary="Report a security incident",
    response={201: IncidentOut},
    auth=requires("incidents.add_incident"),
    openapi_extra=_example(
        {
            "site": "AAA",
            "kind": "THREAT",
            "occurred_at": "2026-03-02T21:40:00Z",
            "severity": 2,
            "verification": "CREDIBLE",
            "perpetrator_category": "UNKNOWN",
            "narrative": "Threats shouted at the gate of block B during the night.",
            "injured": 0,
        }
    ),
)
def create_incident(request: AuthedRequest, payload: IncidentIn):
    site = registry_queries.site_in_scope(request.user, payload.site)
    data = payload.dict(exclude={"site"})
    data["location"] = registry_queries.location_in_site(site, payload.location, field="location", what="place")
    incident = services.report_incident(actor=request.user, site=site, **data)
    return Status(201, queries.get_incident(request.user, incident.reference))


@router.get("/incidents", summary="List incidents", response=IncidentPage, auth=requires("incidents.view_incident"))
def list_incidents(
    request: AuthedRequest,
    site: Line | None = None,
    kind: Line | None = None,
    severity: Annotated[int, _of("severity")] | None = None,
    status: Line | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: Offset = 0,
    limit: int = Query(50, ge=1, le=500),  # type: ignore[type-arg]
):
    f = queries.IncidentFilters(
        site=registry_queries.site_in_scope(request.user, site).pk if site else None,
        kind=kind,
        severity=severity,
        status=status,
        date_from=date_from,
        date_to=date_to,
    )
    qs = queries.timeline(request.user, f).select_related("reported_by")
    rows = list(qs[offset : offset + limit])
    return {"items": rows, "count": qs.count()}


@router.get(
    "/incidents/{reference}",
    summary="Read one incident",
    response=IncidentOut,
    auth=requires("incidents.view_incident"),
)
def get_incident(request: AuthedRequest, reference: Line):
    return queries.get_incident(request.user, reference)


@router.post(
    "/incidents/{reference}/transitions",
    summary="Move an incident to follow-up or close it",
    response=IncidentOut,
    auth=requires("incidents.change_incident"),
    openapi_extra=_example({"to": "FOLLOW_UP", "reason": "Protection follow-up with the families of block B."}),
)
def transition(request: AuthedRequest, reference: Line, payload: IncidentTransitionIn):
    incident = queries.get_incident(request.user, reference)
    ensure(request.user, "incidents.change_incident", incident)
    closing = payload.to == IncidentStatus.CLOSED and incident.status != IncidentStatus.CLOSED
    if closing and not payload.confirm:
        raise ConfirmationRequired(previews.incident_closing(request.user, incident).as_dict())
    services.transition_incident(actor=request.user, incident=incident, to=payload.to, reason=payload.reason)
    return queries.get_incident(request.user, reference)


@router.post(
    "/incidents/{reference}/follow-ups",
    summary="Add a follow-up action to an incident",
    response={201: FollowUpOut},
    auth=requires("incidents.add_followup"),
    openapi_extra=_example(
        {"action": "Visit the families of block B", "owner": "protection-officer", "due_on": "2026-03-09"}
    ),
)
def add_follow_up(request: AuthedRequest, reference: Line, payload: FollowUpIn):
    incident = queries.get_incident(request.user, reference)
    ensure(request.user, "incidents.add_followup", incident)
    owner = queries.follow_up_owner(incident.site_id, payload.owner)
    f = services.add_follow_up(
        actor=request.user, incident=incident, action=payload.action, owner=owner, due_on=payload.due_on
    )
    return Status(201, f)


@router.get(
    "/follow-ups",
    summary="List the open follow-up actions",
    response=list[FollowUpOut],
    auth=requires("incidents.view_followup"),
)
def open_follow_ups(request: AuthedRequest, site: Line | None = None):
    site_id = registry_queries.site_in_scope(request.user, site).pk if site else None
    return queries.open_follow_ups(request.user, site_id)


@router.post(
    "/follow-ups/{pk}/done",
    summary="Mark a follow-up action done",
    response=FollowUpOut,
    auth=requires("incidents.change_followup"),
    openapi_extra=_example({"outcome": "All five families visited; no one wishes to move."}),
)
def follow_up_done(request: AuthedRequest, pk: Id, payload: FollowUpDoneIn):
    f = queries.get_follow_up(request.user, pk)
    return services.complete_follow_up(actor=request.user, follow_up=f, outcome=payload.outcome)


def _closing_preview(rc) -> dict:
    """What closing the roll call will do, for the API's 409 (the page's preview)."""
    preview = rollcall.closing_preview(rc)
    return {
        "roll_call": rc.pk,
        "total": preview["total"],
        "accounted": preview["accounted"],
        "unaccounted": preview["unaccounted"],
        "by_result": preview["by_result"],
        "reviews": preview["reviews"],
        "to_review": {
            result: [
                {
                    "person": e.person.reference,
                    "name": e.person.full_name,
                    "unit": str(e.person.unit) if e.person.unit else None,
                    "marked_by": e.marked_by.username if e.marked_by else None,
                    "marked_at": e.marked_at.isoformat() if e.marked_at else None,
                }
                for e in entries
            ]
            for result, entries in preview["to_review"].items()
        },
    }


@router.post(
    "/roll-calls",
    summary="Start a roll call",
    response={201: RollCallOut},
    auth=requires("incidents.add_rollcall"),
    openapi_extra=_example({"site": "AAA", "blocks": [12, 13], "incident": "AAA-INC-000042"}),
)
def start_roll_call(request: AuthedRequest, payload: RollCallIn):
    site = registry_queries.site_in_scope(request.user, payload.site)
    blocks = registry_queries.blocks_in_site(site, payload.blocks)
    incident = queries.get_incident(request.user, payload.incident) if payload.incident else None
    rc = rollcall.start_roll_call(actor=request.user, site=site, blocks=blocks, incident=incident)
    return Status(201, queries.get_roll_call(request.user, rc.pk))


@router.get(
    "/roll-calls/{pk}", summary="Read one roll call", response=RollCallOut, auth=requires("incidents.view_rollcall")
)
def get_roll_call(request: AuthedRequest, pk: Id):
    return queries.get_roll_call(request.user, pk)


@router.get(
    "/roll-calls/{pk}/counts",
    summary="A roll call's counts",
    response=CountsOut,
    auth=requires("incidents.view_rollcall"),
)
def roll_call_counts(request: AuthedRequest, pk: Id):
    return rollcall.counts(queries.get_roll_call(request.user, pk))


@router.post(
    "/roll-calls/{pk}/marks",
    summary="Record roll-call marks (offline-safe)",
    response=MarksOut,
    auth=requires("incidents.mark_rollcall"),
    openapi_extra=_example(
        {
            "marks": [
                {
                    "person": "AAA-000123",
                    "result": "ACCOUNTED_SAFE",
                    "marked_at": "2026-03-03T08:15:00Z",
                    "client_id": "tablet-2-0001",
                }
            ]
        }
    ),
)
def roll_call_marks(request: AuthedRequest, pk: Id, payload: MarksIn):
    rc = queries.roll_call_to_mark(request.user, pk)
    ensure(request.user, "incidents.mark_rollcall", rc)
    marks, rejected = rollcall.parse_marks([m.dict() for m in payload.marks])
    results = rollcall.mark_persons(actor=request.user, roll_call=rc, marks=marks)
    return {"results": results + rejected, "counts": rollcall.counts(rc)}


@router.post(
    "/roll-calls/{pk}/close",
    summary="Close a roll call",
    response=RollCallOut,
    auth=requires("incidents.close_rollcall"),
    openapi_extra=_example({"confirm": True}),
)
def close_roll_call(request: AuthedRequest, pk: Id, payload: RollCallCloseIn):
    rc = queries.get_roll_call(request.user, pk)
    ensure(request.user, "incidents.close_rollcall", rc)
    if not payload.confirm and rc.state == RollCallState.OPEN:
        raise ConfirmationRequired(_closing_preview(rc))
    rollcall.close_roll_call(actor=request.user, roll_call=rc)
    return queries.get_roll_call(request.user, pk)
