"""The API of data sharing (DOMAIN.md 8.2, D1-D6): recipients, their agreements and partner
accounts, the grants that let a resettlement country see a person, releases of personal data
and the log of every release.

The same services as the recipients page and the resettlement app, so the same refusals:
nothing ever goes to, and no agreement, account or grant is given to, the authorities of a
state people fled or an alleged persecutor (D1, 409 `safeguard_refusal`, no override); a
partner account is refused a recipient that acts for the state that people at its sites fled.

Scope. Recipients and agreements are reference data of the whole operation (read with
`movements.view_recipient`, recorded with `movements.manage_recipients`). Grants and releases
name persons: a person is found only among the caller's own (`registry.queries.get_person`,
else 404), a grant list shows only the caller's persons, and a site named in a filter must be
one of the caller's sites (`registry.queries.site_in_scope`, else 422). The disclosure log
shows, as its page does, how many persons each release named, never who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Offset, Text, requires
from asylon.core.errors import NotFound
from asylon.core.types import Actor, AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.registry.models import Person

from . import guard, queries, services
from .models import Disclosure, Recipient, SharingAgreement, SharingGrant

router = Router(tags=["data sharing"])

VIEW = "movements.view_recipient"
MANAGE = "movements.manage_recipients"
# Grants follow submissions: resettlement officers grant and end them; so do those who keep
# recipients (the service checks each person against the caller's sites).
GRANT = (MANAGE, "movements.request_departure")
RELEASE = "movements.release_personal_data"
LOG = "movements.view_disclosure"


# --- what a client reads ------------------------------------------------------------------------


class SharingAgreementOut(Schema):
    id: int
    recipient: int = Field(alias="recipient_id")
    reference: str
    purpose: str
    fields: list[str] = Field(description="The fields the agreement covers, no more (D2)")
    non_refoulement_undertaking: bool
    valid_from: date
    valid_to: date | None
    recorded_at: datetime


class RecipientOut(Schema):
    id: int
    name: str
    kind: str = Field(description="UN_AGENCY, RESETTLEMENT_COUNTRY, HOST_AUTHORITY, NGO, ... (D1 refuses two)")
    country: str = Field(alias="country.code", description="The state behind it (ISO alpha-2); '': none")
    acts_for: int | None = Field(alias="acts_for_id", description="Id of the country authority it acts for")
    agreements: list[SharingAgreementOut]
    partner_accounts: list[str] = Field(description="Usernames of the partner accounts acting for it")
    created_at: datetime

    @staticmethod
    def resolve_agreements(recipient: Recipient) -> list[SharingAgreement]:
        return sorted(recipient.agreements.all(), key=lambda a: (a.valid_from, a.pk))

    @staticmethod
    def resolve_partner_accounts(recipient: Recipient) -> list[str]:
        return sorted(u.get_username() for u in recipient.users.all())


class SharingGrantOut(Schema):
    id: int
    recipient: int = Field(alias="recipient_id")
    person: str = Field(alias="person.reference")
    reason: str
    source: str
    granted_at: datetime
    expires_at: datetime | None = Field(description="null: the recipient still sees the person")


class GrantExpiryOut(Schema):
    ended: int = Field(description="Grants ended (those already ended are not counted)")


class ReleaseOut(Schema):
    """The safeguards' decision on a release that went through (D6: logged)."""

    rule: str
    legal_basis: str
    detail: str
    purpose: str
    fields: list[str] = Field(description="The fields released: those asked for that the rule allows")
    persons: list[str] = Field(description="References of the persons released")
    on: date

    @staticmethod
    def resolve_fields(decision) -> list[str]:
        return sorted(decision.allowed_fields)

    @staticmethod
    def resolve_persons(decision) -> list[str]:
        return list(decision.person_references)


class DisclosureOut(Schema):
    id: int
    at: datetime
    recipient: int = Field(alias="recipient_id")
    recipient_name: str = Field(alias="recipient.name")
    rule: str
    legal_basis: str
    purpose: str
    fields: list[str]
    person_count: int
    channel: str = Field(description="Where the data left: a page, an API route, a manifest")
    actor: str | None = Field(description="Username of who released it; null: the system")

    @staticmethod
    def resolve_actor(row: Disclosure) -> str | None:
        return row.actor.get_username() if row.actor else None


class DisclosurePage(Schema):
    total: int = Field(description="Releases matching the filters (the page holds at most `limit`)")
    items: list[DisclosureOut]


@dataclass(frozen=True)
class DisclosureLog:
    total: int
    items: list[Disclosure]


# --- what a client sends ------------------------------------------------------------------------


class RecipientIn(Schema):
    name: Annotated[str, FromModel(Recipient, "name")]
    kind: Line = Field(description="UN_AGENCY, RESETTLEMENT_COUNTRY, HOST_AUTHORITY, NGO, ...")
    country: Line = Field("", description="ISO alpha-2 of the state behind it; required for a resettlement country")


class SharingAgreementIn(Schema):
    reference: Annotated[str, FromModel(SharingAgreement, "reference")]
    purpose: Annotated[str, FromModel(SharingAgreement, "purpose")]
    fields: list[Line] = Field(description="The fields it covers")
    non_refoulement_undertaking: bool = False
    valid_from: date
    valid_to: date | None = None


class PartnerLinkIn(Schema):
    user: Line = Field(description="Username of a partner account at the caller's sites")


class GrantIn(Schema):
    persons: list[Line] = Field(description="Person references")
    reason: Annotated[str, FromModel(SharingGrant, "reason")]
    source: Annotated[str, FromModel(SharingGrant, "source")] = ""


class GrantExpiryIn(Schema):
    persons: list[Line] = Field(description="Person references whose grants end")
    reason: Text


class ReleaseIn(Schema):
    persons: list[Line] = Field(description="Person references")
    fields: list[Line] = Field(description="The fields to release")
    purpose: Annotated[str, FromModel(Disclosure, "purpose")]


class GrantFilterIn(Schema):
    site: Line | None = Field(
        None, description="Only persons of this site (one of the caller's)", json_schema_extra={"example": "LIB"}
    )
    open: bool | None = Field(
        None, description="true: only grants in force; false: only ended ones", json_schema_extra={"example": True}
    )


class DisclosureFilterIn(Schema):
    recipient: Id | None = Field(None, description="Only releases to this recipient", json_schema_extra={"example": 1})
    rule: Line | None = Field(
        None, description="The rule that allowed the release (D2, D3, ...)", json_schema_extra={"example": "D3"}
    )
    since: date | None = Field(
        None, description="Released on or after this day", json_schema_extra={"example": "2026-01-01"}
    )
    until: date | None = Field(None, description="Released on or before this day")
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=500)


RECIPIENT = Annotated[Id, Path(description="The recipient's id", example=1)]


def _example(body: dict) -> dict:
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


def _recipient(actor: Actor, recipient_id: int) -> Recipient:
    return queries.get_recipient(actor, recipient_id)


def _persons(actor: Actor, references: list[str]) -> list[Person]:
    return [registry_queries.get_person(actor, ref) for ref in dict.fromkeys(references)]


def _grants(actor: Actor, recipient: Recipient):
    """The recipient's grants of persons the caller may see."""
    return (
        recipient.grants.filter(person__in=registry_queries.persons_for(actor))
        .select_related("person")
        .order_by("-granted_at", "-pk")
    )


# --- recipients and agreements ------------------------------------------------------------------


@router.get("/recipients", response=list[RecipientOut], auth=requires(VIEW), summary="List the recipients")
def list_recipients(request: AuthedRequest):
    return queries.recipients_for(request.user).order_by("name")


@router.post(
    "/recipients",
    response={201: RecipientOut},
    auth=requires(MANAGE),
    summary="Record a recipient of personal data",
    openapi_extra=_example({"name": "Delegation of Canada", "kind": "RESETTLEMENT_COUNTRY", "country": "CA"}),
)
def record_recipient(request: AuthedRequest, payload: RecipientIn):
    """One that acts for a recorded country authority (by its name) takes that authority's state."""
    recipient = services.create_recipient(actor=request.user, **payload.dict())
    return Status(201, _recipient(request.user, recipient.pk))


@router.get("/recipients/{recipient_id}", response=RecipientOut, auth=requires(VIEW), summary="One recipient")
def get_recipient(request: AuthedRequest, recipient_id: RECIPIENT):
    return _recipient(request.user, recipient_id)


@router.post(
    "/recipients/{recipient_id}/agreements",
    response={201: SharingAgreementOut},
    auth=requires(MANAGE),
    summary="Record a data-sharing agreement with a recipient",
    openapi_extra=_example(
        {
            "reference": "AGR-CA-2026",
            "purpose": "resettlement case processing",
            "fields": ["reference", "full_name", "sex", "date_of_birth", "nationality"],
            "non_refoulement_undertaking": True,
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
        }
    ),
)
def record_agreement(request: AuthedRequest, recipient_id: RECIPIENT, payload: SharingAgreementIn):
    """Refused (D1) for a country-of-origin authority or an alleged persecutor."""
    recipient = _recipient(request.user, recipient_id)
    agreement = services.record_sharing_agreement(actor=request.user, recipient=recipient, **payload.dict())
    return Status(201, agreement)


@router.post(
    "/recipients/{recipient_id}/partner-accounts",
    response={201: RecipientOut},
    auth=requires(MANAGE),
    summary="Link a partner account to the recipient it acts for",
    openapi_extra=_example({"user": "delegation-ca"}),
)
def link_partner(request: AuthedRequest, recipient_id: RECIPIENT, payload: PartnerLinkIn):
    """The account then reads only what is shared with this recipient, every read logged.
    Refused (D1, 409) for a recipient acting for the state that people at the account's sites
    fled; an account not managed by the caller is 404."""
    recipient = _recipient(request.user, recipient_id)
    user = queries.partner_users_for(request.user).filter(username=payload.user).first()
    if user is None:
        raise NotFound("No such partner account.")
    services.link_recipient_user(actor=request.user, recipient=recipient, user=user)
    return Status(201, _recipient(request.user, recipient.pk))


# --- grants (D3) --------------------------------------------------------------------------------


@router.get(
    "/recipients/{recipient_id}/grants",
    response=list[SharingGrantOut],
    auth=requires(VIEW),
    summary="The grants of persons to a recipient",
)
def list_grants(request: AuthedRequest, recipient_id: RECIPIENT, filters: Query[GrantFilterIn]):
    """Newest first; only persons of the caller's sites."""
    grants = _grants(request.user, _recipient(request.user, recipient_id))
    if filters.site:
        grants = grants.filter(person__site=registry_queries.site_in_scope(request.user, filters.site))
    if filters.open is not None:
        grants = grants.filter(expires_at__isnull=filters.open)
    return grants


@router.post(
    "/recipients/{recipient_id}/grants",
    response={201: list[SharingGrantOut]},
    auth=requires(*GRANT),
    summary="Let a resettlement country see these persons",
    openapi_extra=_example({"persons": ["LIB-000123"], "reason": "Resettlement case LIB-RST-000004 submitted"}),
)
def grant(request: AuthedRequest, recipient_id: RECIPIENT, payload: GrantIn):
    """Answers the grants in force for these persons (a person already granted keeps the grant
    they had). Refused (D1, 409) for a state a person fled."""
    recipient = _recipient(request.user, recipient_id)
    persons = _persons(request.user, payload.persons)
    services.grant_sharing(
        actor=request.user, recipient=recipient, persons=persons, reason=payload.reason, source=payload.source
    )
    return Status(201, _grants(request.user, recipient).filter(person__in=persons, expires_at__isnull=True))


@router.post(
    "/recipients/{recipient_id}/grants/expiry",
    response=GrantExpiryOut,
    auth=requires(*GRANT),
    summary="End a recipient's sight of these persons",
    openapi_extra=_example({"persons": ["LIB-000123"], "reason": "Case closed."}),
)
def expire(request: AuthedRequest, recipient_id: RECIPIENT, payload: GrantExpiryIn):
    """By person only: a grant of a person outside the caller's sites is not the caller's to end."""
    recipient = _recipient(request.user, recipient_id)
    persons = _persons(request.user, payload.persons)
    ended = services.expire_sharing(actor=request.user, recipient=recipient, reason=payload.reason, persons=persons)
    return GrantExpiryOut(ended=ended)


# --- releases and their log (D6) ----------------------------------------------------------------


@router.post(
    "/recipients/{recipient_id}/releases",
    response={201: ReleaseOut},
    auth=requires(RELEASE),
    summary="Release personal data to a recipient (checked and logged)",
    openapi_extra=_example(
        {
            "persons": ["LIB-000123"],
            "fields": ["reference", "full_name"],
            "purpose": "resettlement case processing",
        }
    ),
)
def release(request: AuthedRequest, recipient_id: RECIPIENT, payload: ReleaseIn):
    """Ask the safeguards whether these fields of these persons may go to the recipient for
    the purpose: allowed, the release is logged (a disclosure, D6) and its decision answered;
    refused, the attempt is recorded and the answer is 409 naming the rule. The data itself
    leaves by the caller's own channel (a letter, a transfer): this route is its record."""
    recipient = _recipient(request.user, recipient_id)
    decision = guard.release_personal_data(
        actor=request.user,
        recipient=recipient,
        persons=_persons(request.user, payload.persons),
        fields=payload.fields,
        purpose=payload.purpose,
        channel="api:POST /recipients/{recipient_id}/releases",
    )
    return Status(201, decision)


@router.get(
    "/disclosures",
    response=DisclosurePage,
    auth=requires(LOG),
    summary="The log of personal-data releases",
)
def list_disclosures(request: AuthedRequest, filters: Query[DisclosureFilterIn]):
    """Newest first. Each row says to whom, on which rule, for what and how many persons."""
    rows = queries.disclosures_for(request.user)
    if filters.recipient is not None:
        rows = rows.filter(recipient_id=filters.recipient)
    if filters.rule:
        rows = rows.filter(rule=filters.rule)
    if filters.since:
        rows = rows.filter(at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(at__date__lte=filters.until)
    rows = rows.order_by("-at", "-pk")
    return DisclosureLog(rows.count(), list(rows[filters.offset : filters.offset + filters.limit]))
