"""The protection-case API: cases, consent, assessments, plan, reviews, notes, referrals.

Cases are addressed by reference. A case the caller may not know exists (a violence or
torture case it neither holds nor supervises, another site's case) is 404 on every route,
exactly like a reference that was never issued. Notes are in a case's answer only for its
holders, and each read is audited. Partners read no case: only `/referrals` made to the
recipient they act for, with the fields shared, and answer them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Path, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.errors import InvalidInput
from asylon.core.types import Actor, AuthedRequest
from asylon.incidents import queries as incident_queries
from asylon.registry import queries as registry_queries

from . import assessments, queries, services
from .models import Consent, PlanAction, ProtectionCase, Referral, Review
from .services_referrals import answer_referral, refer_case
from .transitions import PROTECTION_CASE

router = Router(tags=["protection cases"])

VIEW = queries.VIEW
SENSITIVE = queries.SENSITIVE
ANSWER = queries.ANSWER
OPEN = services.OPEN
WORK = services.WORK

REFERENCE = Annotated[Line, Path(description="The case's reference", example="PC-000001")]
REFERRAL_REF = Annotated[Line, Path(description="The referral's reference", example="PC-RF-000001")]
ROW = Annotated[Id, Path(description="The row's id", example=1)]


def _example(body: dict) -> dict:
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


def _of(field: str, model: Any = ProtectionCase):
    return FromModel(model, field)


class ConsentOut(Schema):
    id: int
    giver: str
    guardian_name: str
    guardian_relation: str
    scope: str
    service: str
    recipient: str | None
    fields: list[str]
    given_on: date
    withdrawn_on: date | None

    @staticmethod
    def resolve_recipient(consent: Consent) -> str | None:
        return consent.recipient.name if consent.recipient else None


class CaseAssessmentOut(Schema):
    case_type: str
    answers: dict[str, Any]
    assessed_by: str = Field(alias="assessed_by.username")
    assessed_at: datetime


class ActionOut(Schema):
    id: int
    action: str
    owner: str = Field(alias="owner.username")
    due_on: date
    done_on: date | None
    outcome: str


class ReviewOut(Schema):
    reviewed_on: date
    reviewed_by: str = Field(alias="reviewed_by.username")
    note: str
    next_review_on: date


class ReferralOut(Schema):
    reference: str
    service: str
    recipient: str | None
    internal_unit: str
    purpose: str
    fields: list[str]
    state: str
    sent_at: datetime
    decline_reason: str
    outcome: str

    @staticmethod
    def resolve_recipient(referral: Referral) -> str | None:
        return referral.recipient.name if referral.recipient else None


class PartnerReferralOut(Schema):
    """What a partner reads: the referral and the fields shared with it, nothing of the case."""

    reference: str
    service: str
    purpose: str
    shared: dict[str, Any]
    state: str
    sent_at: datetime
    decline_reason: str
    outcome: str


class NoteOut(Schema):
    text: str
    written_by: str = Field(alias="written_by.username")
    written_at: datetime


class CaseOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
    subject: str
    case_type: str
    risk_level: str
    state: str
    caseworker: str = Field(alias="caseworker.username")
    supervisor: str | None
    next_review_on: date | None
    closure_reason: str

    @staticmethod
    def resolve_subject(case: ProtectionCase) -> str:
        return case.subject.reference

    @staticmethod
    def resolve_supervisor(case: ProtectionCase) -> str | None:
        return case.supervisor.username if case.supervisor else None


class CaseDetailOut(CaseOut):
    origin: str
    summary: str
    consents: list[ConsentOut]
    assessments: list[CaseAssessmentOut]
    actions: list[ActionOut]
    reviews: list[ReviewOut]
    referrals: list[ReferralOut]
    notes: list[NoteOut] | None = Field(None, description="Only for the caseworker and the supervisor")
    allowed_actions: list[str]

    @staticmethod
    def resolve_consents(case: ProtectionCase) -> list[Consent]:
        return list(case.consents.select_related("recipient"))

    @staticmethod
    def resolve_assessments(case: ProtectionCase) -> list:
        return list(case.assessments.select_related("assessed_by"))

    @staticmethod
    def resolve_actions(case: ProtectionCase) -> list[PlanAction]:
        return list(case.actions.select_related("owner"))

    @staticmethod
    def resolve_reviews(case: ProtectionCase) -> list[Review]:
        return list(case.reviews.select_related("reviewed_by"))

    @staticmethod
    def resolve_referrals(case: ProtectionCase) -> list[Referral]:
        return list(case.referrals.select_related("recipient"))

    @staticmethod
    def resolve_notes(case: ProtectionCase, context: dict) -> list | None:
        return queries.case_notes(context["request"].user, case, channel="api:GET /protection-cases/{reference}")

    @staticmethod
    def resolve_allowed_actions(case: ProtectionCase) -> list[str]:
        return PROTECTION_CASE.allowed_actions(case.state)


class CaseIn(Schema):
    person: Line | None = Field(None, description="The person's reference (or give a household)")
    household: Line | None = Field(None, description="The household's reference")
    case_type: Annotated[str, _of("case_type")]
    risk_level: Annotated[str, _of("risk_level")]
    caseworker: Line = Field(description="The caseworker's username")
    supervisor: Line | None = None
    need: Id | None = Field(None, description="Origin: the specific need's id")
    incident: Line | None = Field(None, description="Origin: the incident's reference")
    mark: Id | None = Field(None, description="Origin: the roll-call mark's id")
    summary: Text = ""


class ConsentIn(Schema):
    giver: Annotated[str, _of("giver", Consent)]
    scope: Annotated[str, _of("scope", Consent)]
    given_on: date | None = None
    guardian_name: Annotated[str, _of("guardian_name", Consent)] = ""
    guardian_relation: Annotated[str, _of("guardian_relation", Consent)] = ""
    service: Annotated[str, _of("service", Consent)] = ""
    recipient: Line | None = Field(None, description="The partner's name, for a referral outside")
    fields: list[Line] = []


class ConsentWithdrawalIn(Schema):
    note: Text = ""


class CaseAssessmentIn(Schema):
    answers: dict[Line, Text | bool | None]


class ActionIn(Schema):
    action: Annotated[str, _of("action", PlanAction)]
    owner: Line = Field(description="The owner's username")
    due_on: date


class OutcomeIn(Schema):
    outcome: Text


class ReviewIn(Schema):
    note: Text = ""
    risk_level: Annotated[str, _of("risk_level")] = ""
    next_review_on: date | None = None


class NoteIn(Schema):
    text: Text


class ClosureIn(Schema):
    reason: Annotated[str, _of("closure_reason")]
    note: Text = ""


class ReopenIn(Schema):
    reason: Text


class ReferralIn(Schema):
    service: Annotated[str, _of("service", Referral)]
    fields: list[Line]
    recipient: Line | None = Field(None, description="The partner's name, for a referral outside")
    internal_unit: Annotated[str, _of("internal_unit", Referral)] = ""
    note: Text = ""


class AnswerIn(Schema):
    action: Line = Field(description="accept, decline or complete")
    text: Text = Field("", description="The reason for declining, or the outcome")


class CaseFilters(Schema):
    which: Line = Field("site", description="mine, supervised or site")
    state: Annotated[str, _of("state")] = ""


def _case(actor: Actor, reference: str) -> ProtectionCase:
    return queries.get_case(actor, reference)


def _worker(actor: Actor, username: str | None, field: str):
    if not username:
        return None
    user = queries.worker_named(actor, username)
    if user is None:
        raise InvalidInput({field: ["No such account in your sites."]})
    return user


@router.get("/protection-cases", response=list[CaseOut], auth=requires(VIEW), summary="List protection cases")
def list_cases(request: AuthedRequest, filters: Query[CaseFilters]):
    """Only the cases the caller may know exist: its own, those it supervises and, for a
    protection officer, the site's cases that are not of a sensitive type."""
    return list(queries.case_list(request.user, filters.which, state=filters.state)[:500])


@router.post(
    "/protection-cases",
    response={201: CaseDetailOut},
    auth=requires(OPEN),
    summary="Open a protection case",
    openapi_extra=_example(
        {"person": "LIB-000123", "case_type": "MEDICAL", "risk_level": "HIGH", "caseworker": "protection"}
    ),
)
def open_case(request: AuthedRequest, payload: CaseIn):
    actor = request.user
    person = registry_queries.get_person(actor, payload.person) if payload.person else None
    household = registry_queries.get_household(actor, payload.household) if payload.household else None
    case = services.open_case(
        actor=actor,
        person=person,
        household=household,
        case_type=payload.case_type,
        risk_level=payload.risk_level,
        caseworker=_worker(actor, payload.caseworker, "caseworker"),
        supervisor=_worker(actor, payload.supervisor, "supervisor"),
        need=queries.need_of(actor, payload.need) if payload.need else None,
        incident=incident_queries.get_incident(actor, payload.incident) if payload.incident else None,
        mark=queries.mark_of(actor, payload.mark) if payload.mark else None,
        summary=payload.summary,
    )
    return Status(201, _case(actor, case.reference))


@router.get(
    "/protection-cases/{reference}",
    response=CaseDetailOut,
    auth=requires(VIEW),
    summary="One protection case, with its consent, assessments, plan, reviews and referrals",
)
def get_case(request: AuthedRequest, reference: REFERENCE):
    return queries.read_case(request.user, reference, channel="api:GET /protection-cases/{reference}")


@router.get(
    "/protection-cases/{reference}/assessment-form",
    response=list[dict[str, Any]],
    auth=requires(VIEW),
    summary="The questions of the case's assessment form",
)
def assessment_form(request: AuthedRequest, reference: REFERENCE):
    case = _case(request.user, reference)
    return [
        {
            "name": q.name,
            "kind": q.kind,
            "label": str(q.label),
            "required": q.required,
            "choices": [c for c, _label in q.choices],
        }
        for q in assessments.questions_for(case.case_type)
    ]


@router.post(
    "/protection-cases/{reference}/consents",
    response={201: ConsentOut},
    auth=requires(WORK),
    summary="Record a consent (or a child's assent, or a guardian's consent)",
    openapi_extra=_example({"giver": "PERSON", "scope": "CASE_MANAGEMENT"}),
)
def record_consent(request: AuthedRequest, reference: REFERENCE, payload: ConsentIn):
    case = _case(request.user, reference)
    values = payload.dict()
    recipient = values.pop("recipient")
    consent = services.record_consent(
        actor=request.user,
        case=case,
        recipient=queries.recipient_named(recipient) if recipient else None,
        **values,
    )
    return Status(201, consent)


@router.post(
    "/protection-cases/{reference}/consents/{consent_id}/withdrawal",
    response=ConsentOut,
    auth=requires(WORK),
    summary="Record that a consent was withdrawn",
    openapi_extra=_example({"note": "The person no longer wants the referral."}),
)
def withdraw_consent(request: AuthedRequest, reference: REFERENCE, consent_id: ROW, payload: ConsentWithdrawalIn):
    case = _case(request.user, reference)
    return services.withdraw_consent(
        actor=request.user, consent=queries.consent_of(case, consent_id), note=payload.note
    )


@router.post(
    "/protection-cases/{reference}/assessments",
    response={201: CaseDetailOut},
    auth=requires(WORK),
    summary="Record an assessment (the case type's form)",
    openapi_extra=_example(
        {"answers": {"condition": "Shrapnel wound", "urgency": "URGENT", "summary": "Needs surgery follow-up"}}
    ),
)
def record_assessment(request: AuthedRequest, reference: REFERENCE, payload: CaseAssessmentIn):
    """Refused (409, rule DC) without consent to case management in force."""
    case = _case(request.user, reference)
    services.record_assessment(actor=request.user, case=case, answers=payload.answers)
    return Status(201, _case(request.user, reference))


@router.post(
    "/protection-cases/{reference}/actions",
    response={201: ActionOut},
    auth=requires(WORK),
    summary="Add an action to the case plan",
    openapi_extra=_example({"action": "Accompany to the clinic", "owner": "protection", "due_on": "2026-12-10"}),
)
def add_action(request: AuthedRequest, reference: REFERENCE, payload: ActionIn):
    case = _case(request.user, reference)
    item = services.add_plan_action(
        actor=request.user,
        case=case,
        action=payload.action,
        owner=_worker(request.user, payload.owner, "owner"),
        due_on=payload.due_on,
    )
    return Status(201, item)


@router.post(
    "/protection-cases/{reference}/actions/{action_id}/completion",
    response=ActionOut,
    auth=requires(WORK),
    summary="Record that a plan action is done, and its outcome",
    openapi_extra=_example({"outcome": "Seen by the surgeon"}),
)
def complete_action(request: AuthedRequest, reference: REFERENCE, action_id: ROW, payload: OutcomeIn):
    case = _case(request.user, reference)
    return services.complete_plan_action(
        actor=request.user, item=queries.action_of(case, action_id), outcome=payload.outcome
    )


@router.post(
    "/protection-cases/{reference}/reviews",
    response={201: ReviewOut},
    auth=requires(WORK),
    summary="Record a review (the next one follows from the risk level)",
    openapi_extra=_example({"note": "Stable, plan on track", "risk_level": "MEDIUM"}),
)
def record_review(request: AuthedRequest, reference: REFERENCE, payload: ReviewIn):
    case = _case(request.user, reference)
    return Status(201, services.record_review(actor=request.user, case=case, **payload.dict()))


@router.post(
    "/protection-cases/{reference}/notes",
    response={201: NoteOut},
    auth=requires(WORK),
    summary="Add a confidential case note (caseworker and supervisor only)",
    openapi_extra=_example({"text": "Spoke with the person alone; safety plan agreed."}),
)
def add_note(request: AuthedRequest, reference: REFERENCE, payload: NoteIn):
    case = _case(request.user, reference)
    return Status(201, services.add_note(actor=request.user, case=case, text=payload.text))


@router.post(
    "/protection-cases/{reference}/closure",
    response=CaseDetailOut,
    auth=requires(WORK),
    summary="Close the case with a reason",
    openapi_extra=_example({"reason": "NEEDS_MET", "note": "Recovered"}),
)
def close_case(request: AuthedRequest, reference: REFERENCE, payload: ClosureIn):
    case = _case(request.user, reference)
    services.close_case(actor=request.user, case=case, reason=payload.reason, note=payload.note)
    return _case(request.user, reference)


@router.post(
    "/protection-cases/{reference}/reopening",
    response=CaseDetailOut,
    auth=requires(WORK),
    summary="Reopen a closed case",
    openapi_extra=_example({"reason": "A new injury"}),
)
def reopen_case(request: AuthedRequest, reference: REFERENCE, payload: ReopenIn):
    case = _case(request.user, reference)
    services.reopen_case(actor=request.user, case=case, reason=payload.reason)
    return _case(request.user, reference)


@router.post(
    "/protection-cases/{reference}/referrals",
    response={201: ReferralOut},
    auth=requires(WORK),
    summary="Refer the case to a service (outside: a checked, logged disclosure)",
    openapi_extra=_example(
        {"service": "MEDICAL", "recipient": "Camp clinic", "fields": ["reference", "age"], "note": "Wound care"}
    ),
)
def refer(request: AuthedRequest, reference: REFERENCE, payload: ReferralIn):
    """Refused (409) without consent covering the service, partner and fields (rule DC), or
    when the sharing guard refuses (D1, DP: agreement, purpose, fields); nothing is written."""
    case = _case(request.user, reference)
    referral = refer_case(
        actor=request.user,
        case=case,
        service=payload.service,
        fields=payload.fields,
        recipient=queries.recipient_named(payload.recipient) if payload.recipient else None,
        internal_unit=payload.internal_unit,
        note=payload.note,
    )
    return Status(201, referral)


@router.get(
    "/referrals",
    response=list[PartnerReferralOut],
    auth=requires(ANSWER),
    summary="The referrals made to the partner the caller acts for",
)
def partner_referrals(request: AuthedRequest):
    return list(queries.referrals_for_partner(request.user)[:500])


@router.get(
    "/referrals/{reference}",
    response=PartnerReferralOut,
    auth=requires(ANSWER),
    summary="One referral made to the caller's partner, with the fields shared",
)
def partner_referral(request: AuthedRequest, reference: REFERRAL_REF):
    return queries.get_partner_referral(request.user, reference)


@router.post(
    "/referrals/{reference}/answers",
    response=PartnerReferralOut,
    auth=requires(ANSWER, WORK),
    summary="Accept or decline a referral, or record its outcome",
    openapi_extra=_example({"action": "complete", "text": "Wound dressed; review in a week"}),
)
def answer(request: AuthedRequest, reference: REFERRAL_REF, payload: AnswerIn):
    """A partner answers the referrals made to it; staff record the answers of an internal
    referral of a case they work on."""
    referral = queries.get_referral(request.user, reference)
    return answer_referral(actor=request.user, referral=referral, action=payload.action, text=payload.text)
