"""The resettlement API: cases, submissions, decisions, departures and batches.

Cases are addressed by reference. A partner account sees only the cases submitted to its
country and only their shared members; each read is a recorded release (D3, D6)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Line, Text, requires
from asylon.core.errors import Conflict, InvalidInput, NotFound, SafeguardRefusal
from asylon.core.messages import reason_text
from asylon.core.scope import can, ensure
from asylon.registry import queries as registry_queries
from asylon.sharing.guard import recipient_of

from . import queries, services
from .models import ReceivingCountry, ResettlementCase
from .transitions import allowed_actions

router = Router(tags=["resettlement"])

VIEW = "solutions.view_resettlementcase"
MANAGE = services.MANAGE
APPROVE = "movements.approve_movement"


class CaseMemberOut(Schema):
    person: str
    name: str
    relationship: str
    active: bool


class SubmissionOut(Schema):
    country: str
    submitted_on: date
    interview_on: date | None
    outcome: str
    decided_on: date | None


class ResettlementCaseOut(Schema):
    reference: str
    site: str
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
    cases: int
    manifest_fields: list[str]


class CaseFilterIn(Schema):
    stage: Line | None = None
    limit: int = Field(100, ge=1, le=500)


def case_out(actor, case: ResettlementCase) -> dict:
    members = queries.members_for(actor, case)
    queries.guard_members(actor, members, channel="api:GET /resettlement-cases")
    partner = recipient_of(actor) is not None
    return {
        "reference": case.reference,
        "site": case.site.code,
        "household": None if partner else case.household.reference,
        "stage": case.stage,
        "stage_since": case.stage_since,
        "priority": case.priority,
        "primary_category": case.primary_category,
        "secondary_category": case.secondary_category,
        "country": case.country.country.code if case.country else None,
        "submitted_on": case.submitted_on,
        "target_date": case.target_date,
        "departure_date": case.departure_date,
        "departed_on": case.departed_on,
        "members": [
            {
                "person": m.person.reference,
                "name": m.person.full_name,
                "relationship": m.relationship,
                "active": m.active,
            }
            for m in members
        ],
        "submissions": []
        if partner
        else [
            {
                "country": s.country.country.code,
                "submitted_on": s.submitted_on,
                "interview_on": s.interview_on,
                "outcome": s.outcome,
                "decided_on": s.decided_on,
            }
            for s in case.submissions.select_related("country").order_by("pk")
        ],
        "allowed_actions": [] if partner else allowed_actions(case.stage),
    }


def _country(code: str) -> ReceivingCountry:
    country = ReceivingCountry.objects.select_related("recipient").filter(country=(code or "").upper()).first()
    if country is None:
        raise InvalidInput({"country": ["Not a receiving country."]})
    return country


def _fresh(actor, case: ResettlementCase) -> dict:
    return case_out(actor, queries.get_case(actor, case.reference))


@router.get("/resettlement-cases", response=list[ResettlementCaseOut], auth=requires(VIEW))
def list_cases(request: HttpRequest, filters: Query[CaseFilterIn]):
    qs = queries.cases_for(request.user).order_by("reference")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return [case_out(request.user, c) for c in qs[: filters.limit]]


@router.post("/resettlement-cases", response={201: ResettlementCaseOut}, auth=requires(MANAGE))
def open_case(request: HttpRequest, payload: ResettlementCaseIn):
    household = registry_queries.get_household(request.user, payload.household)
    case = services.open_case(
        actor=request.user,
        household=household,
        primary_category=payload.primary_category,
        secondary_category=payload.secondary_category,
        priority=payload.priority,
    )
    return Status(201, _fresh(request.user, case))


@router.get("/resettlement-cases/{reference}", response=ResettlementCaseOut, auth=requires(VIEW))
def get_case(request: HttpRequest, reference: Line):
    return case_out(request.user, queries.get_case(request.user, reference))


@router.post("/resettlement-cases/{reference}/assessment", response=ResettlementCaseOut, auth=requires(MANAGE))
def assess(request: HttpRequest, reference: Line, payload: AssessmentIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    services.assess_case(actor=request.user, case=case, **payload.dict())
    return _fresh(request.user, case)


@router.post("/resettlement-cases/{reference}/splits", response={201: ResettlementCaseOut}, auth=requires(MANAGE))
def split(request: HttpRequest, reference: Line, payload: SplitIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    persons = [registry_queries.get_person(request.user, ref) for ref in payload.persons]
    new = services.split_case(actor=request.user, case=case, persons=persons, reason=payload.reason)
    return Status(201, _fresh(request.user, new))


@router.post("/resettlement-cases/{reference}/submissions", response={201: ResettlementCaseOut}, auth=requires(MANAGE))
def submit(request: HttpRequest, reference: Line, payload: SubmissionIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    services.submit_case(actor=request.user, case=case, country=_country(payload.country), on=payload.submitted_on)
    return Status(201, _fresh(request.user, case))


@router.post("/resettlement-cases/{reference}/decisions", response=ResettlementCaseOut, auth=requires(MANAGE))
def decide(request: HttpRequest, reference: Line, payload: CountryDecisionIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, MANAGE, case)
    if payload.accepted is None:
        if payload.interview_on is None:
            raise InvalidInput({"interview_on": ["Give the interview date, or the decision."]})
        services.schedule_interview(actor=request.user, case=case, on=payload.interview_on)
    else:
        services.decide_submission(actor=request.user, case=case, accepted=payload.accepted, note=payload.note)
    return _fresh(request.user, case)


@router.post("/resettlement-cases/{reference}/steps", response=ResettlementCaseOut, auth=requires(MANAGE))
def step(request: HttpRequest, reference: Line, payload: StepIn):
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
    return _fresh(request.user, case)


@router.post("/resettlement-cases/{reference}/departures", response=ResettlementCaseOut, auth=requires(MANAGE, APPROVE))
def departure(request: HttpRequest, reference: Line, payload: DepartureIn):
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
    return _fresh(request.user, case)


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


def _member_refusals(actor, case: ResettlementCase, exc: SafeguardRefusal) -> list[dict]:
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


@router.post("/resettlement-batches", response={201: BatchOut}, auth=requires(MANAGE))
def submit_batch(request: HttpRequest, payload: BatchIn):
    """Submit many cases to one country. The manifest: GET /resettlement/batches/{id}/manifest.csv|xlsx."""
    cases = list(queries.cases_for(request.user).filter(reference__in=payload.cases))
    if len(cases) != len(set(payload.cases)):
        raise NotFound("No such resettlement case.")
    batch = services.submit_batch(actor=request.user, country=_country(payload.country), cases=cases)
    return Status(
        201,
        {
            "id": batch.pk,
            "country": batch.country.country.code,
            "cases": batch.case_count,
            "manifest_fields": batch.fields,
        },
    )
