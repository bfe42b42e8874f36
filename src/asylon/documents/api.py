"""Protection documents over the API: a resident's papers, issuing one, withdrawing one, and
verifying a paper's code through the site (audited, unlike the offline page, which checks on
the phone and tells the site nothing).

Same services and the same rules as the pages (`documents/services.py`); withdrawing cannot be
undone, so it asks for `"confirm": true` and answers 409 `confirmation_required` with what will
change until it gets it.
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import Line, Text, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import queries, services
from .models import DocumentKind, ProtectionDocument

router = Router(tags=["documents"])

VIEW = "documents.view_protectiondocument"


class DocumentOut(Schema):
    reference: str = Field(examples=["AAA-DOC-000012"])
    kind: str = Field(description="ASC, RA or HS", examples=["ASC"])
    person: str = Field(alias="person.reference", examples=["AAA-000123"])
    household: str | None = Field(None, examples=[None])
    attested_status: str = Field(examples=["ASYLUM_SEEKER"])
    attested_basis: str = Field(examples=[""])
    language: str = Field(examples=["fa"])
    issued_on: date
    valid_until: date
    state: str = Field(description="VALID, WITHDRAWN or SUPERSEDED", examples=["VALID"])
    end_reason: str = Field(examples=[""])
    key_id: str = Field(alias="key.key_id", description="The key that signed it", examples=["5906165356f3c615"])
    statement: str = Field(description="The signed text the paper's QR code carries")

    @staticmethod
    def resolve_household(doc: ProtectionDocument) -> str | None:
        return doc.household.reference if doc.household_id and doc.household else None


class IssueIn(Schema):
    kind: DocumentKind = Field(examples=["ASC"])
    language: Line = Field("en", description="en, fa or ar; English is printed too", examples=["fa"])
    valid_until: date | None = Field(None, description="Default: the kind's usual period", examples=[None])


class WithdrawIn(Schema):
    reason: Text = Field(examples=["Reported stolen at the market checkpoint"])
    confirm: bool = Field(
        False, description="Withdrawing cannot be undone: send true once the preview is read", examples=[True]
    )


class VerifyIn(Schema):
    code: Text = Field(
        description="The text of the paper's QR code", examples=["ASY1.eyJyIjoiQUFBLURPQy0wMDAwMTIi….sig"]
    )


class VerdictOut(Schema):
    verdict: str = Field(description="valid, withdrawn, superseded, expired, forged or unknown", examples=["valid"])
    reason: str = Field(examples=[""])
    reference: str | None = Field(None, description="What the code says, signed or not", examples=["AAA-DOC-000012"])
    valid_until: str | None = Field(None, examples=["2027-06-07"])

    @staticmethod
    def resolve_reference(verdict: services.Verdict) -> str | None:
        return verdict.payload.get("r")

    @staticmethod
    def resolve_valid_until(verdict: services.Verdict) -> str | None:
        return verdict.payload.get("v")


@router.get(
    "/persons/{reference}/documents",
    response=list[DocumentOut],
    auth=requires(VIEW),
    summary="A resident's protection documents, newest first",
)
def list_documents(request: AuthedRequest, reference: Line):
    person = registry_queries.get_person(request.user, reference)
    services.withdraw_invalidated()
    return queries.documents_of(request.user, person)


@router.post(
    "/persons/{reference}/documents",
    response={201: DocumentOut},
    auth=requires("documents.add_protectiondocument"),
    summary="Issue (or reissue) a protection document",
)
def issue_document(request: AuthedRequest, reference: Line, payload: IssueIn):
    person = registry_queries.get_person(request.user, reference)
    doc = services.issue_document(actor=request.user, person=person, **payload.dict())
    return Status(201, doc)


@router.post(
    "/documents/{reference}/withdraw",
    response=DocumentOut,
    auth=requires("documents.withdraw_protectiondocument"),
    summary="Withdraw a protection document (asks for confirm)",
)
def withdraw_document(request: AuthedRequest, reference: Line, payload: WithdrawIn):
    doc = queries.get_document(request.user, reference)
    if not payload.confirm:
        raise ConfirmationRequired(
            {"document": doc.reference, "kind": doc.kind, "person": doc.person.reference, "state_after": "WITHDRAWN"}
        )
    return services.withdraw_document(actor=request.user, document=doc, reason=payload.reason)


@router.post(
    "/documents/verify",
    response=VerdictOut,
    auth=requires(VIEW),
    summary="Verify a paper's code through the site (recorded in the audit trail)",
)
def verify_document(request: AuthedRequest, payload: VerifyIn):
    return services.verify(payload.code, record_by=request.user)
