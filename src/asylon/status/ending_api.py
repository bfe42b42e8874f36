"""API for ending refugee status (DOMAIN 5.3): the same services as the pages in
`ending_views`. Each route names its permission (`requires`) so a role that may not use it
is refused before its input is read; the procedure is then looked up in the actor's sites."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import Id, Line, Offset, Text, requires
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import queries, services
from .models import EndingProcedure

router = Router(tags=["ending refugee status"])
READ = "status.view_endingprocedure"
OPEN = "status.add_endingprocedure"
CHANGE = "status.change_endingprocedure"
DECIDE = "status.decide_rsdcase"


class EndingOpenIn(Schema):
    person: Line = Field(description="Person reference", examples=["AAA-000001"])
    kind: Line = Field(description="CESSATION, CANCELLATION or REVOCATION", examples=["CESSATION"])
    clause: Line = Field(description="The clause relied on", examples=["1C(5)"])


class EndingDecisionIn(Schema):
    outcome: Line = Field(description="ENDED or MAINTAINED", examples=["ENDED"])
    reasons: Text = Field(examples=["Circumstances in the country of origin changed fundamentally."])
    on: date | None = Field(None, description="Day of the decision; default today", examples=["2026-03-02"])


class EndingNotificationIn(Schema):
    on: date | None = Field(
        None, description="Day the decision was notified in writing; default today", examples=["2026-03-04"]
    )


class EndingAppealIn(Schema):
    reasons: Text = Field(examples=["Compelling reasons arising from past persecution."])
    on: date | None = Field(None, description="Day the appeal was lodged; default today", examples=["2026-03-20"])


class EndingAppealDecisionIn(Schema):
    outcome: Line = Field(description="UPHELD or OVERTURNED", examples=["OVERTURNED"])
    reasons: Text = Field(examples=["Compelling reasons accepted."])
    on: date | None = Field(None, description="Day of the appeal decision; default today", examples=["2026-04-15"])


class EndingOut(Schema):
    id: int
    reference: str
    person: str = Field(alias="person.reference")
    site: str = Field(alias="site.code")
    kind: str
    clause: str
    opened_on: date
    outcome: str
    decided_on: date | None
    notified_on: date | None
    appeal_deadline: date | None = Field(description="Last day to appeal; removal is suspended until then")
    appeal_lodged_on: date | None
    appeal_outcome: str
    appeal_decided_on: date | None
    removal_suspended: bool = Field(description="Whether this procedure suspends removal today (N4)")

    @staticmethod
    def resolve_removal_suspended(procedure: EndingProcedure) -> bool:
        if procedure.outcome != EndingProcedure.Outcome.ENDED:
            return False
        snapshot = queries.status_on(procedure.person)
        return snapshot.in_appeal_window or snapshot.appeal_pending


class EndingPage(Schema):
    count: int
    items: list[EndingOut]


def _get(request: AuthedRequest, procedure_id: int) -> EndingProcedure:
    return queries.get_ending_procedure(request.user, procedure_id)


@router.get(
    "/ending-procedures",
    summary="List cessation, cancellation and revocation procedures",
    response=EndingPage,
    auth=requires(READ),
)
def list_endings(request: AuthedRequest, offset: Offset = 0):
    qs = queries.ending_procedures_for(request.user)
    return {"count": qs.count(), "items": qs[offset : offset + 100]}


@router.post(
    "/ending-procedures",
    summary="Open a cessation, cancellation or revocation procedure",
    response={201: EndingOut},
    auth=requires(OPEN),
)
def open_ending(request: AuthedRequest, payload: EndingOpenIn):
    person = registry_queries.get_person(request.user, payload.person)
    procedure = services.open_ending_procedure(
        actor=request.user, person=person, kind=payload.kind, clause=payload.clause
    )
    return Status(201, _get(request, procedure.pk))


@router.get(
    "/ending-procedures/{procedure_id}", summary="Read one ending procedure", response=EndingOut, auth=requires(READ)
)
def get_ending(request: AuthedRequest, procedure_id: Id):
    return _get(request, procedure_id)


@router.post(
    "/ending-procedures/{procedure_id}/decision",
    summary="Decide an ending procedure",
    response=EndingOut,
    auth=requires(DECIDE),
)
def decide_ending(request: AuthedRequest, procedure_id: Id, payload: EndingDecisionIn):
    services.decide_ending_procedure(
        actor=request.user,
        procedure=_get(request, procedure_id),
        outcome=payload.outcome,
        reasons=payload.reasons,
        on=payload.on,
    )
    return _get(request, procedure_id)


@router.post(
    "/ending-procedures/{procedure_id}/notification",
    summary="Record the written notification of an ending decision",
    response=EndingOut,
    auth=requires(CHANGE),
)
def notify_ending(request: AuthedRequest, procedure_id: Id, payload: EndingNotificationIn):
    services.notify_ending_decision(actor=request.user, procedure=_get(request, procedure_id), on=payload.on)
    return _get(request, procedure_id)


@router.post(
    "/ending-procedures/{procedure_id}/appeal",
    summary="Lodge an appeal against an ending decision",
    response=EndingOut,
    auth=requires(CHANGE),
)
def appeal_ending(request: AuthedRequest, procedure_id: Id, payload: EndingAppealIn):
    services.lodge_ending_appeal(
        actor=request.user, procedure=_get(request, procedure_id), reasons=payload.reasons, on=payload.on
    )
    return _get(request, procedure_id)


@router.post(
    "/ending-procedures/{procedure_id}/appeal-decision",
    summary="Decide the appeal against an ending decision",
    response=EndingOut,
    auth=requires(DECIDE),
)
def decide_ending_appeal(request: AuthedRequest, procedure_id: Id, payload: EndingAppealDecisionIn):
    services.decide_ending_appeal(
        actor=request.user,
        procedure=_get(request, procedure_id),
        outcome=payload.outcome,
        reasons=payload.reasons,
        on=payload.on,
    )
    return _get(request, procedure_id)
