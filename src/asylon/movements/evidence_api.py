"""API for the evidence the gate reads beyond risk countries and assessments: third-country
(chain refoulement, N6) assessments and their second approval, art. 33(2) determinations,
voluntariness records and the withdrawal of consent (N7). The same services as the pages;
each route names its permission so a role that may not use it is refused before its input
is read, and the person is then looked up in the actor's sites. Each output schema reads
the recorded row itself (its `resolve_*` methods say what the JSON shows of it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import queries, risk_profile
from . import requests as movement_requests
from .models import Art332Determination, ChainAssessmentRecord, VoluntarinessRecord

router = Router(tags=["movement evidence"])


class ChainAssessmentIn(Schema):
    country: Line = Field(description="Third country assessed (ISO 3166-1 alpha-2)", examples=["AL"])
    admission_document: Annotated[str, FromModel(ChainAssessmentRecord, "admission_document")] = Field(
        "", examples=["Acceptance letter 2013/17"]
    )
    access_to_protection: bool = Field(examples=[True])
    respects_non_refoulement: bool = Field(examples=[True])
    rationale: Text = Field(examples=["Party to the 1951 Convention with a working asylum system."])


class ChainAssessmentOut(Schema):
    id: int
    person: str
    country: str
    admission_document: str
    access_to_protection: bool
    respects_non_refoulement: bool
    rationale: str
    approvers: list[str] = Field(description="Two different protection officers are needed (N6)")
    recorded_at: datetime
    withdrawn: bool

    @staticmethod
    def resolve_person(record: ChainAssessmentRecord) -> str:
        return record.person.reference

    @staticmethod
    def resolve_country(record: ChainAssessmentRecord) -> str:
        return record.country.code

    @staticmethod
    def resolve_approvers(record: ChainAssessmentRecord) -> list[str]:
        return [a.approver.get_username() for a in record.approvals.select_related("approver").order_by("pk")]

    @staticmethod
    def resolve_withdrawn(record: ChainAssessmentRecord) -> bool:
        return record.withdrawn_at is not None


class Art332In(Schema):
    competent_authority: Annotated[str, FromModel(Art332Determination, "competent_authority")] = Field(
        examples=["Court of Appeal, Baghdad"]
    )
    reference: Annotated[str, FromModel(Art332Determination, "reference")] = Field(examples=["CA-2013-114"])
    decided_on: date = Field(examples=["2026-02-11"])


class Art332Out(Schema):
    id: int
    person: str
    competent_authority: str
    reference: str
    decided_on: date

    @staticmethod
    def resolve_person(determination: Art332Determination) -> str:
        return determination.person.reference


class VoluntarinessIn(Schema):
    signed_declaration: bool = Field(False, examples=[True])
    counselling_record: bool = Field(False, examples=[True])
    coercion_flag_open: bool = Field(False, examples=[False])
    best_interests_assessment: bool = Field(False, examples=[False])
    best_interests_determination: bool = Field(False, examples=[False])
    note: Text = Field("", examples=["Counselled with an interpreter on 2 March; signed the declaration."])


class VoluntarinessOut(Schema):
    id: int
    person: str
    signed_declaration: bool
    counselling_record: bool
    coercion_flag_open: bool
    best_interests_assessment: bool
    best_interests_determination: bool
    withdrawn: bool

    @staticmethod
    def resolve_person(record: VoluntarinessRecord) -> str:
        return record.person.reference

    @staticmethod
    def resolve_withdrawn(record: VoluntarinessRecord) -> bool:
        return record.withdrawn_at is not None


class WithdrawalIn(Schema):
    note: Text = Field(examples=["Changed her mind after news from home."])


class WithdrawalOut(Schema):
    person: str
    cancelled: list[str] = Field(description="References of the voluntary repatriations cancelled")


@router.post(
    "/persons/{reference}/chain-assessments",
    summary="Assess a third country for a person",
    response={201: ChainAssessmentOut},
    auth=requires("movements.approve_chain"),
)
def record_chain_assessment(request: AuthedRequest, reference: Line, payload: ChainAssessmentIn):
    """N6: assess a third country for this person; the author's approval is the first."""
    person = registry_queries.get_person(request.user, reference)
    record = risk_profile.record_chain_assessment(actor=request.user, person=person, **payload.dict())
    return Status(201, record)


@router.post(
    "/persons/{reference}/chain-assessments/{assessment_id}/approvals",
    summary="Approve a third-country assessment (second officer)",
    response={201: ChainAssessmentOut},
    auth=requires("movements.approve_chain"),
)
def approve_chain_assessment(request: AuthedRequest, reference: Line, assessment_id: Id):
    """N6: the second approval, by a different protection officer."""
    person = registry_queries.get_person(request.user, reference)
    record = queries.get_chain_assessment(request.user, person, assessment_id)
    risk_profile.approve_chain_assessment(actor=request.user, assessment=record)
    return Status(201, queries.get_chain_assessment(request.user, person, assessment_id))


@router.post(
    "/persons/{reference}/art-33-2-determinations",
    summary="Record an art. 33(2) determination",
    response={201: Art332Out},
    auth=requires("movements.manage_risk_profile"),
)
def record_art_33_2(request: AuthedRequest, reference: Line, payload: Art332In):
    """An art. 33(2) determination by a competent authority, after a final decision (N1, N5)."""
    person = registry_queries.get_person(request.user, reference)
    d = risk_profile.record_art_33_2(actor=request.user, person=person, **payload.dict())
    return Status(201, d)


@router.post(
    "/persons/{reference}/voluntariness-records",
    summary="Record a voluntariness interview",
    response={201: VoluntarinessOut},
    auth=requires("movements.record_voluntariness"),
)
def record_voluntariness(request: AuthedRequest, reference: Line, payload: VoluntarinessIn):
    """N7: what a voluntary repatriation interview found."""
    person = registry_queries.get_person(request.user, reference)
    v = movement_requests.record_voluntariness(actor=request.user, person=person, **payload.dict())
    return Status(201, v)


@router.post(
    "/persons/{reference}/consent-withdrawal",
    summary="Withdraw consent to voluntary repatriation",
    response=WithdrawalOut,
    auth=requires("movements.record_voluntariness"),
)
def withdraw_consent(request: AuthedRequest, reference: Line, payload: WithdrawalIn):
    """N7: consent withdrawn before departure cancels every open voluntary repatriation."""
    person = registry_queries.get_person(request.user, reference)
    cancelled = movement_requests.withdraw_consent(actor=request.user, person=person, note=payload.note)
    return WithdrawalOut(person=person.reference, cancelled=[m.reference for m in cancelled])
