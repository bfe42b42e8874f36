"""The movements API: requests, transitions, group requests, risk profiles.

A safeguard refusal answers 409 with {"code", "rule", "legal_basis", "detail"} plus, for a
movement, its reference, its state and every block. Movements are addressed by reference.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.errors import InvalidInput
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.registry.models import Location, Person, Site

from . import gate, queries, risk_profile
from . import requests as movement_requests
from .models import FamilyUnityDecision, GateResult, GroupRequest, Movement, RiskAssessment, RiskCountry
from .transitions import MOVEMENT

router = Router(tags=["movements"])


def _of(field: str):
    return FromModel(Movement, field)


class MovementIn(Schema):
    person: Line = Field(description="Person reference")
    kind: Annotated[str, _of("kind")]
    destination_country: Line = Field("", description="ISO 3166-1 alpha-2")
    destination_site: Line | None = Field(None, description="Site code, for an internal transfer")
    requesting_state: Line = Field("", description="ISO alpha-2; required for an extradition request")
    legal_reference: Annotated[str, _of("legal_reference")] = ""
    court_reference: Annotated[str, _of("court_reference")] = ""
    note: Annotated[str, _of("note")] = ""


class ReasonOut(Schema):
    rule: str
    legal_basis: str
    detail: str


class GateOut(Schema):
    action: str
    from_state: str
    to_state: str
    allowed: bool
    applied: bool
    gated: bool
    blocks: list[ReasonOut]
    warnings: list[ReasonOut]
    reason: str
    actor: str | None
    at: datetime

    @staticmethod
    def resolve_actor(gate: GateResult) -> str | None:
        return gate.actor.get_username() if gate.actor else None


class MovementOut(Schema):
    reference: str
    person: str
    site: str
    kind: str
    destination_country: str
    destination_site: str | None
    requesting_state: str
    legal_reference: str
    court_reference: str
    state: str
    state_since: datetime
    group_request: str | None
    allowed_actions: list[str]
    gate_results: list[GateOut]

    @staticmethod
    def resolve_person(movement: Movement) -> str:
        return movement.person.reference

    @staticmethod
    def resolve_site(movement: Movement) -> str:
        return movement.site.code

    @staticmethod
    def resolve_destination_country(movement: Movement) -> str:
        return movement.destination_country.code or ""

    @staticmethod
    def resolve_destination_site(movement: Movement) -> str | None:
        return movement.destination_site.code if movement.destination_site else None

    @staticmethod
    def resolve_requesting_state(movement: Movement) -> str:
        return movement.requesting_state.code or ""

    @staticmethod
    def resolve_group_request(movement: Movement) -> str | None:
        return movement.group_request.reference if movement.group_request else None

    @staticmethod
    def resolve_allowed_actions(movement: Movement, context) -> list[str]:
        actor = context["request"].user
        return [a for a in MOVEMENT.allowed_actions(movement.state) if gate.may_act(actor, movement, a)]

    @staticmethod
    def resolve_gate_results(movement: Movement) -> list[GateResult]:
        return queries.gate_results(movement)


class MovementPage(Schema):
    items: list[MovementOut]
    next_cursor: str | None


class MovementTransitionIn(Schema):
    action: Line = Field(description="approve, refuse, carry_out or cancel")
    reason: Text = ""


class GroupIn(Schema):
    site: Line
    kind: Annotated[str, _of("kind")]
    description: Annotated[str, FromModel(GroupRequest, "description")]
    block: Id | None = Field(None, description="Id of a block of the site: all its residents")
    persons: list[Line] | None = Field(None, description="Person references, instead of a block")
    destination_country: Line = ""
    destination_site: Line | None = None
    requesting_state: Line = ""
    legal_reference: Annotated[str, FromModel(GroupRequest, "legal_reference")] = ""
    court_reference: Annotated[str, _of("court_reference")] = ""


class AnswerOut(Schema):
    person: str
    movement: str
    reasons: list[ReasonOut]


class GroupOut(Schema):
    reference: str
    site: str
    kind: str
    description: str
    destination_country: str
    requesting_state: str
    allowed_count: int
    refused_count: int
    may_go: list[AnswerOut]
    may_not_go: list[AnswerOut]


class MovementFilterIn(Schema):
    state: Line | None = None
    kind: Line | None = None
    person: Line | None = None
    cursor: Line | None = None
    limit: int = Field(50, ge=1, le=500)


class RiskCountryIn(Schema):
    country: Line
    kind: Annotated[str, FromModel(RiskCountry, "kind")] = Field(description="PERSECUTION, TORTURE or ILL_TREATMENT")
    reason: Annotated[str, FromModel(RiskCountry, "reason")]


class RiskAssessmentIn(Schema):
    country: Line
    finds_no_substantial_grounds: bool
    finds_no_real_risk: bool
    country_information: Annotated[str, FromModel(RiskAssessment, "country_information")]
    signed_on: date | None = None


class RiskRowOut(Schema):
    id: int
    country: str
    kind: str
    reason: str
    added_on: date
    added_by: str

    @staticmethod
    def resolve_country(risk: RiskCountry) -> str:
        return risk.country.code

    @staticmethod
    def resolve_added_by(risk: RiskCountry) -> str:
        return risk.added_by.get_username()


class AssessmentOut(Schema):
    country: str
    finds_no_substantial_grounds: bool
    finds_no_real_risk: bool
    country_information: str
    signed_by: str
    signed_on: date

    @staticmethod
    def resolve_country(assessment: RiskAssessment) -> str:
        return assessment.country.code

    @staticmethod
    def resolve_signed_by(assessment: RiskAssessment) -> str:
        return assessment.signed_by.get_username()


class RiskProfileOut(Schema):
    person: str
    implicit: list[str]
    risk_countries: list[RiskRowOut]
    assessments: list[AssessmentOut]

    # Read from `queries.risk_profile(...)`, the profile the page shows too.
    @staticmethod
    def resolve_person(profile) -> str:
        return profile.person.reference

    @staticmethod
    def resolve_implicit(profile) -> list[str]:
        return [code for code, _why in profile.implicit]

    @staticmethod
    def resolve_risk_countries(profile) -> list[RiskCountry]:
        return list(profile.risks)


def _destination_site(code: str | None) -> Site | None:
    """The site an internal transfer goes to, by its code. Any site of the operation: a
    transfer may go to a site the requester does not work in (the receiving site's staff
    take the person over), so this one is not limited to the actor's sites. The site a
    request is made *from* is (`registry.queries.site_in_scope`)."""
    if not code:
        return None
    site = Site.objects.filter(code=code).first()
    if site is None:
        raise InvalidInput({"destination_site": [f"Unknown site {code!r}."]})
    return site


def group_out(group: GroupRequest) -> GroupOut:
    rows = queries.group_answer(group)  # read once for both lists
    return GroupOut(
        reference=group.reference,
        site=group.site.code,
        kind=group.kind,
        description=group.description,
        destination_country=group.destination_country.code or "",
        requesting_state=group.requesting_state.code or "",
        allowed_count=group.allowed_count,
        refused_count=group.refused_count,
        may_go=[
            AnswerOut(person=r.movement.person.reference, movement=r.movement.reference, reasons=[])
            for r in rows
            if r.allowed
        ],
        may_not_go=[
            AnswerOut(
                person=r.movement.person.reference,
                movement=r.movement.reference,
                reasons=[ReasonOut.model_validate(b) for b in r.blocks],
            )
            for r in rows
            if not r.allowed
        ],
    )


# Open to the roles that may request some kind of movement; the kind is checked next.
REQUESTERS = ("movements.add_movement", "movements.request_departure")
HANDLERS = (*REQUESTERS, "movements.approve_movement", "movements.carry_out_movement")
VIEW = "movements.view_movement"


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.post(
    "/movements",
    summary="Request a movement for one person",
    response={201: MovementOut},
    auth=requires(*REQUESTERS),
    openapi_extra=_example(
        {
            "person": "AAA-000123",
            "kind": "INTERNAL_TRANSFER",
            "destination_site": "BBB",
            "note": "Family reunion with the spouse at BBB.",
        }
    ),
)
def request_movement(request: AuthedRequest, payload: MovementIn):
    gate.ensure_may_request(request.user, payload.kind)
    person = registry_queries.get_person(request.user, payload.person)
    movement = movement_requests.request_movement(
        actor=request.user,
        person=person,
        kind=payload.kind,
        destination_country=payload.destination_country,
        destination_site=_destination_site(payload.destination_site),
        requesting_state=payload.requesting_state,
        legal_reference=payload.legal_reference,
        court_reference=payload.court_reference,
        note=payload.note,
    )
    return Status(201, queries.get_movement(request.user, movement.reference))


@router.get("/movements", summary="List movements", response=MovementPage, auth=requires(VIEW))
def list_movements(request: AuthedRequest, filters: Query[MovementFilterIn]):
    qs = queries.movements_for(request.user).select_related("group_request")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.person:
        qs = qs.filter(person__reference=filters.person)
    rows, next_cursor = registry_queries.page_after(qs, filters.cursor, filters.limit)
    # The page's envelope; each item is read by MovementOut (with the caller, for its steps).
    return {"items": rows, "next_cursor": next_cursor}


@router.post(
    "/movements/group",
    summary="Request a movement for a group",
    response={201: GroupOut},
    auth=requires(*REQUESTERS),
    openapi_extra=_example(
        {
            "site": "AAA",
            "kind": "INTERNAL_TRANSFER",
            "description": "Move of block B after the flooding",
            "block": 12,
            "destination_site": "BBB",
        }
    ),
)
def request_group(request: AuthedRequest, payload: GroupIn):
    gate.ensure_may_request(request.user, payload.kind)
    site = registry_queries.site_in_scope(request.user, payload.site)
    block = None
    if payload.block is not None:
        block = Location.objects.filter(pk=payload.block, site=site, parent__isnull=True).first()
        if block is None:
            raise InvalidInput({"block": [f"No block {payload.block} in site {site.code}."]})
    persons: list[Person] | None = None
    if payload.persons is not None:
        persons = [registry_queries.get_person(request.user, ref) for ref in payload.persons]
    group = movement_requests.request_group_movement(
        actor=request.user,
        site=site,
        kind=payload.kind,
        description=payload.description,
        block=block,
        persons=persons,
        destination_country=payload.destination_country,
        destination_site=_destination_site(payload.destination_site),
        requesting_state=payload.requesting_state,
        legal_reference=payload.legal_reference,
        court_reference=payload.court_reference,
    )
    return Status(201, group_out(group))


@router.get("/movements/group/{reference}", summary="Read one group movement", response=GroupOut, auth=requires(VIEW))
def get_group(request: AuthedRequest, reference: Line):
    return group_out(queries.get_group(request.user, reference))


@router.get("/movements/{reference}", summary="Read one movement", response=MovementOut, auth=requires(VIEW))
def get_movement(request: AuthedRequest, reference: Line):
    return queries.get_movement(request.user, reference)


@router.post(
    "/movements/{reference}/transitions",
    summary="Approve, refuse, carry out or cancel a movement",
    response=MovementOut,
    auth=requires(*HANDLERS),
    openapi_extra=_example({"action": "approve", "reason": "Places confirmed at the receiving site."}),
)
def transition(request: AuthedRequest, reference: Line, payload: MovementTransitionIn):
    movement = queries.get_movement(request.user, reference)
    movement_requests.transition_movement(
        actor=request.user, movement=movement, action=payload.action, reason=payload.reason
    )
    return queries.get_movement(request.user, reference)


@router.get(
    "/persons/{reference}/risk-profile",
    summary="A person's refoulement risk profile",
    response=RiskProfileOut,
    auth=requires("movements.view_risk_profile"),
)
def get_risk_profile(request: AuthedRequest, reference: Line):
    person = registry_queries.get_person(request.user, reference)
    return queries.risk_profile(request.user, person)


@router.post(
    "/persons/{reference}/risk-countries",
    summary="Record a country where a person is at risk",
    response={201: RiskProfileOut},
    auth=requires("movements.manage_risk_profile"),
    openapi_extra=_example({"country": "SY", "kind": "PERSECUTION", "reason": "Recognised refugee from this country."}),
)
def add_risk_country(request: AuthedRequest, reference: Line, payload: RiskCountryIn):
    person = registry_queries.get_person(request.user, reference)
    risk_profile.add_risk_country(
        actor=request.user, person=person, country=payload.country, kind=payload.kind, reason=payload.reason
    )
    return Status(201, queries.risk_profile(request.user, person))


@router.post(
    "/persons/{reference}/risk-assessments",
    summary="Record a non-refoulement risk assessment",
    response={201: RiskProfileOut},
    auth=requires("movements.manage_risk_profile"),
    openapi_extra=_example(
        {
            "country": "AL",
            "finds_no_substantial_grounds": True,
            "finds_no_real_risk": True,
            "country_information": "Country report 2026, section 4: access to asylum and non-refoulement.",
            "signed_on": "2026-03-02",
        }
    ),
)
def add_risk_assessment(request: AuthedRequest, reference: Line, payload: RiskAssessmentIn):
    person = registry_queries.get_person(request.user, reference)
    risk_profile.record_risk_assessment(actor=request.user, person=person, **payload.dict())
    return Status(201, queries.risk_profile(request.user, person))


# --- family unity (N8) ---------------------------------------------------------------------


class FamilyUnityIn(Schema):
    member: Line = Field(description="Reference of the household member who stays", examples=["AAA-000002"])
    kind: Line = Field(description="Kind of movement the person makes", examples=["DEPORTATION_ORDER"])
    country: Line = Field(description="Destination (ISO 3166-1 alpha-2)", examples=["IR"])
    rationale: Text = Field(examples=["The couple separated in 2013; she asked to stay."])


class FamilyUnityOut(Schema):
    id: int
    person: str
    member: str
    kind: str
    country: str
    rationale: str
    decided_by: str
    decided_at: datetime

    @staticmethod
    def resolve_person(decision: FamilyUnityDecision) -> str:
        return decision.person.reference

    @staticmethod
    def resolve_member(decision: FamilyUnityDecision) -> str:
        return decision.member.reference

    @staticmethod
    def resolve_country(decision: FamilyUnityDecision) -> str:
        return decision.country.code

    @staticmethod
    def resolve_decided_by(decision: FamilyUnityDecision) -> str:
        return decision.decided_by.get_username()


@router.post(
    "/persons/{reference}/family-unity-decisions",
    summary="Let a person move while a family member stays",
    response={201: FamilyUnityOut},
    auth=requires("movements.approve_movement"),
)
def record_family_unity_decision(request: AuthedRequest, reference: Line, payload: FamilyUnityIn):
    """N8 override: this person may make the movement while the member stays (with a rationale)."""
    person = registry_queries.get_person(request.user, reference)
    member = registry_queries.get_person(request.user, payload.member)
    d = movement_requests.record_family_unity_decision(
        actor=request.user,
        person=person,
        member=member,
        kind=payload.kind,
        country=payload.country,
        rationale=payload.rationale,
    )
    return Status(201, d)
