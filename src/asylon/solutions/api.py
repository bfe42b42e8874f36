"""The resettlement API: cases, submissions, decisions, departures and batches.

Cases are addressed by reference. A partner account sees only the cases submitted to its
country and only their shared members; each read is a recorded release (D3, D6)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Line, Text, requires
from asylon.core.errors import Conflict, InvalidInput, SafeguardRefusal
from asylon.core.messages import reason_text
from asylon.core.scope import can, ensure
from asylon.core.types import Actor, AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.sharing.guard import recipient_of

from . import queries, services
from .models import CaseMember, ResettlementCase, Submission, SubmissionBatch
from .transitions import RESETTLEMENT_CASE

router = Router(tags=["resettlement"])

VIEW = "solutions.view_resettlementcase"
MANAGE = services.MANAGE
APPROVE = "movements.approve_movement"


class CaseMemberOut(Schema):
    person: str = Field(alias="person.reference")
    name: str = Field(alias="person.full_name")
    relationship: str
    active: bool


class SubmissionOut(Schema):
    country: str
    submitted_on: date
    interview_on: date | None
    outcome: str
    decided_on: date | None

    @staticmethod
    def resolve_country(submission: Submission) -> str:
        return submission.country.country.code


def _partner(context: dict) -> bool:
    """Whether the reader of this response is a partner: it sees only the shared members (D3)."""
    return recipient_of(context["request"].user) is not None


class ResettlementCaseOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
    household: str | None
    stage: str
    stage_since: datetime
    priority: str
    primary_category: str
    secondary_category: str
    country: str | None
    submitted_on: date | None
    target_date: date | None
    departure_date: date | None
    departed_on: date | None
    members: list[CaseMemberOut]
    submissions: list[SubmissionOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_country(case: ResettlementCase) -> str | None:
        return case.country.country.code if case.country else None

    # The household, submissions and actions are the case's own: a partner reads none of them.
    @staticmethod
    def resolve_household(case: ResettlementCase, context: dict) -> str | None:
        return None if _partner(context) else case.household.reference

    @staticmethod
    def resolve_submissions(case: ResettlementCase, context: dict) -> list[Submission]:
        return [] if _partner(context) else list(case.submissions.select_related("country").order_by("pk"))

    @staticmethod
    def resolve_allowed_actions(case: ResettlementCase, context: dict) -> list[str]:
        return [] if _partner(context) else RESETTLEMENT_CASE.allowed_actions(case.stage)

    @staticmethod
    def resolve_members(case: ResettlementCase, context: dict) -> list[CaseMember]:
        # The members the reader may see; for a partner the read is a recorded release (D3, D6),
        # refused here (and so the whole response) when it is not allowed.
        actor = context["request"].user
        members = queries.members_for(actor, case)
        queries.guard_members(actor, members, channel="api:GET /resettlement-cases")
        return members


def _of(field: str):
    return FromModel(ResettlementCase, field)


class ResettlementCaseIn(Schema):
    household: Line = Field(description="Household reference: the whole household forms the case")
    primary_category: Annotated[str, _of("primary_category")]
    secondary_category: Annotated[str, _of("secondary_category")] = ""
    priority: Annotated[str, _of("priority")] = "NORMAL"


class AssessmentIn(Schema):
    need_assessment: Annotated[str, _of("need_assessment")]
    primary_category: Annotated[str, _of("primary_category")] | None = None
    secondary_category: Annotated[str, _of("secondary_category")] | None = None
    priority: Annotated[str, _of("priority")] | None = None


class SplitIn(Schema):
    persons: list[Line]
    reason: Text


class SubmissionIn(Schema):
    country: Line = Field(description="ISO alpha-2 of a receiving country")
    submitted_on: date | None = None


class CountryDecisionIn(Schema):
    accepted: bool | None = Field(None, description="The country's decision; omit to schedule an interview")
    interview_on: date | None = None
    note: Text = ""


class StepIn(Schema):
    action: Line = Field(description="exit_formalities, formalities or close")
    exit_permit: bool | None = None
    medical_clearance: bool | None = None
    travel_documents: bool | None = None
    reason: Text = ""


class DepartureIn(Schema):
    action: Line = Field(description="schedule, approve, record or confirm_arrival")
    on: date | None = None


class BatchIn(Schema):
    country: Line
    cases: list[Line]


class BatchOut(Schema):
    id: int
    country: str
    cases: int = Field(alias="case_count")
    manifest_fields: list[str] = Field(alias="fields")

    @staticmethod
    def resolve_country(batch: SubmissionBatch) -> str:
        return batch.country.country.code


class CaseFilterIn(Schema):
    stage: Line | None = None
    limit: int = Field(100, ge=1, le=500)


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.get(
    "/resettlement-cases", summary="List resettlement cases", response=list[ResettlementCaseOut], auth=requires(VIEW)
)
def list_cases(request: AuthedRequest, filters: Query[CaseFilterIn]):
    qs = queries.cases_for(request.user).order_by("reference")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs[: filters.limit]


@router.post(
    "/resettlement-cases",
    summary="Open a resettlement case for a household",
    response={201: ResettlementCaseOut},
    auth=requires(MANAGE),
    openapi_extra=_example(
        {"household": "AAA-H-000045", "primary_category": "LPP", "secondary_category": "WGR", "priority": "NORMAL"}
    ),
)
def open_case(request: AuthedRequest, payload: ResettlementCaseIn):
    household = registry_queries.get_household(request.user, payload.household)
    case = services.open_case(
        actor=request.user,
        household=household,
        primary_category=payload.primary_category,
        secondary_category=payload.secondary_category,
        priority=payload.priority,
    )
    return Status(201, queries.get_case(request.user, case.reference))


@router.get(
    "/resettlement-cases/{reference}",
    summary="Read one resettlement case",
    response=ResettlementCaseOut,
    auth=requires(VIEW),
)
def get_case(request: AuthedRequest, reference: Line):
    return queries.get_case(request.user, reference)


@router.post(
    "/resettlement-cases/{reference}/assessment",
    summary="Record a resettlement need assessment",
    response=ResettlementCaseOut,
    auth=requires(MANAGE),
    openapi_extra=_example(
        {
            "need_assessment": "Single mother with two children, no durable solution in the host country.",
            "priority": "URGENT",
        }
    ),
)
def assess(request: AuthedRequest, reference: Line, payload: AssessmentIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    services.assess_case(actor=request.user, case=case, **payload.dict())
    return queries.get_case(request.user, case.reference)


@router.post(
    "/resettlement-cases/{reference}/splits",
    summary="Split persons off into a case of their own",
    response={201: ResettlementCaseOut},
    auth=requires(MANAGE),
    openapi_extra=_example({"persons": ["AAA-000124"], "reason": "The adult son applies on his own."}),
)
def split(request: AuthedRequest, reference: Line, payload: SplitIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    persons = [registry_queries.get_person(request.user, ref) for ref in payload.persons]
    new = services.split_case(actor=request.user, case=case, persons=persons, reason=payload.reason)
    return Status(201, queries.get_case(request.user, new.reference))


@router.post(
    "/resettlement-cases/{reference}/submissions",
    summary="Submit a resettlement case to a country",
    response={201: ResettlementCaseOut},
    auth=requires(MANAGE),
    openapi_extra=_example({"country": "CA", "submitted_on": "2026-03-02"}),
)
def submit(request: AuthedRequest, reference: Line, payload: SubmissionIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    services.submit_case(
        actor=request.user, case=case, country=queries.receiving_country_coded(payload.country), on=payload.submitted_on
    )
    return Status(201, queries.get_case(request.user, case.reference))


@router.post(
    "/resettlement-cases/{reference}/decisions",
    summary="Record a country's decision or interview",
    response=ResettlementCaseOut,
    auth=requires(MANAGE),
    openapi_extra=_example({"accepted": True, "note": "Accepted after the interview of 19 March."}),
)
def decide(request: AuthedRequest, reference: Line, payload: CountryDecisionIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    if payload.accepted is None:
        if payload.interview_on is None:
            raise InvalidInput({"interview_on": ["Give the interview date, or the decision."]})
        services.schedule_interview(actor=request.user, case=case, on=payload.interview_on)
    else:
        services.decide_submission(actor=request.user, case=case, accepted=payload.accepted, note=payload.note)
    return queries.get_case(request.user, case.reference)


@router.post(
    "/resettlement-cases/{reference}/steps",
    summary="Record exit formalities or close a case",
    response=ResettlementCaseOut,
    auth=requires(MANAGE),
    openapi_extra=_example(
        {"action": "exit_formalities", "exit_permit": True, "medical_clearance": True, "travel_documents": False}
    ),
)
def step(request: AuthedRequest, reference: Line, payload: StepIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    if payload.action == "exit_formalities":
        services.start_exit_formalities(actor=request.user, case=case)
    elif payload.action == "formalities":
        services.record_formalities(
            actor=request.user,
            case=case,
            exit_permit=payload.exit_permit,
            medical_clearance=payload.medical_clearance,
            travel_documents=payload.travel_documents,
        )
    elif payload.action == "close":
        services.close_case(actor=request.user, case=case, reason=payload.reason)
    else:
        raise InvalidInput({"action": ["Unknown step."]})
    return queries.get_case(request.user, case.reference)


@router.post(
    "/resettlement-cases/{reference}/departures",
    summary="Schedule, approve or record a departure",
    response=ResettlementCaseOut,
    auth=requires(MANAGE, APPROVE),
    openapi_extra=_example({"action": "schedule", "on": "2026-05-04"}),
)
def departure(request: AuthedRequest, reference: Line, payload: DepartureIn):
    """schedule (the gate assesses each member), approve (protection officer), record
    (carried out: members leave the register), confirm_arrival. A refusal answers 409."""
    case = queries.get_case(request.user, reference)
    # The route admits resettlement officers (every step) and protection officers (approve):
    # the actor's right to the step is checked before its input.
    if payload.action == "approve":
        ensure(request.user, APPROVE, case)
    elif payload.action in ("schedule", "record", "confirm_arrival") or not can(request.user, APPROVE, case):
        ensure(request.user, MANAGE, case)
    try:
        if payload.action == "schedule":
            if payload.on is None:
                raise InvalidInput({"on": ["Give the departure date."]})
            services.schedule_departure(actor=request.user, case=case, departure_date=payload.on)
        elif payload.action == "approve":
            services.approve_departure(actor=request.user, case=case)
        elif payload.action == "record":
            services.record_departure(actor=request.user, case=case, departed_on=payload.on)
        elif payload.action == "confirm_arrival":
            services.confirm_arrival(actor=request.user, case=case, arrived_on=payload.on)
        else:
            raise InvalidInput({"action": ["Unknown action."]})
    except SafeguardRefusal as exc:
        raise DepartureRefused(exc, _member_refusals(request.user, case, exc)) from exc
    return queries.get_case(request.user, case.reference)


class DepartureRefused(Conflict):
    """The gate's refusal of a departure, with every member it stops: the rule, the reason in
    the reader's language and the URL path where the missing evidence is recorded."""

    code = "safeguard_refusal"

    def __init__(self, refusal: SafeguardRefusal, members: list[dict]):
        self.refusal = refusal
        self.members = members
        super().__init__(refusal.message)

    def as_dict(self) -> dict:
        return {**self.refusal.as_dict(), "members": self.members}


def _member_refusals(actor: Actor, case: ResettlementCase, exc: SafeguardRefusal) -> list[dict]:
    """The refused member's blocks, then what the same gate answers today for the others
    (`queries.departure_check`, the case page's check): one entry per member and reason."""
    refusals: list[queries.MemberRefusal] = []
    movement = getattr(exc, "movement", None)
    if movement is not None:
        refusals += [queries.MemberRefusal(movement.person, b.rule, b.as_dict()) for b in getattr(exc, "blocks", ())]
    case.refresh_from_db()
    if case.country is not None and can(actor, VIEW, case):
        refusals += queries.departure_check(actor, case, case.country).refusals
    seen: set[tuple[int, str]] = set()
    members = []
    for r in refusals:
        key = (r.person.pk, json.dumps(r.reason, sort_keys=True, default=str))
        if key in seen:
            continue
        seen.add(key)
        basis = r.reason.get("legal_basis")
        members.append(
            {
                "person": r.person.reference,
                "name": r.person.full_name,
                "rule": r.rule,
                "reason": reason_text(r.reason),
                "legal_basis": gettext(basis) if basis else "",
                "evidence": queries.evidence_path(r.rule, r.person),
            }
        )
    return members


@router.post(
    "/resettlement-batches",
    summary="Submit many resettlement cases to one country",
    response={201: BatchOut},
    auth=requires(MANAGE),
    openapi_extra=_example({"country": "CA", "cases": ["AAA-RST-000012", "AAA-RST-000013"]}),
)
def submit_batch(request: AuthedRequest, payload: BatchIn):
    """Submit many cases to one country. The manifest: GET /resettlement/batches/{id}/manifest.csv|xlsx."""
    cases = queries.cases_named(request.user, payload.cases)
    batch = services.submit_batch(
        actor=request.user, country=queries.receiving_country_coded(payload.country), cases=cases
    )
    return Status(201, batch)
