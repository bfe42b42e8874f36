"""The API of the gate's reference data: onward-return policies and country authorities.

Both are facts about states, kept for the whole operation (no site): an onward-return policy
says a country sends people of a nationality on to another (the chain-refoulement check, N6);
a country authority is an organisation that acts for a state, so that a recipient acting for
it is treated as that state (D1). Whoever may read risk profiles reads them, as on the
reference-data page; only those holding `movements.manage_reference_data` record them or end
a policy, through the same services as the page (`record_onward_policy`, `end_onward_policy`,
`record_country_authority`). A policy is never deleted: it ends on a date, and the gate reads
the policies in force on the day it assesses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, requires
from asylon.core.errors import NotFound
from asylon.core.types import Actor, AuthedRequest

from . import queries, reference_data
from .models import CountryAuthority, OnwardReturnPolicy

router = Router(tags=["reference data"])

VIEW = "movements.view_risk_profile"
MANAGE = "movements.manage_reference_data"


# --- what a client reads ------------------------------------------------------------------------


class OnwardPolicyOut(Schema):
    id: int
    country: str = Field(alias="country.code", description="The country that sends people on (ISO alpha-2)")
    nationality: str = Field(alias="nationality.code", description="Of persons of this nationality; '': any")
    returns_to: str = Field(alias="returns_to.code", description="Where it sends them (ISO alpha-2)")
    valid_from: date
    valid_to: date | None = Field(description="null: in force until ended")
    source: str
    recorded_at: datetime


class CountryAuthorityOut(Schema):
    id: int
    name: str
    country: str = Field(alias="country.code", description="The state it acts for (ISO alpha-2)")
    kind: str = Field(description="AUTHORITY, EMBASSY or PROXY")
    valid_from: date
    valid_to: date | None
    source: str


# --- what a client sends ------------------------------------------------------------------------


class OnwardPolicyIn(Schema):
    country: Line = Field(description="ISO alpha-2 of the country that sends people on")
    returns_to: Line = Field(description="ISO alpha-2 of where it sends them")
    nationality: Line = Field("", description="ISO alpha-2; blank: persons of any nationality")
    valid_from: date
    valid_to: date | None = None
    source: Annotated[str, FromModel(OnwardReturnPolicy, "source")] = Field(
        description="Where this is known from (a report, a judgment)"
    )


class OnwardPolicyEndIn(Schema):
    valid_to: date = Field(description="The last day the policy was in force")


class CountryAuthorityIn(Schema):
    name: Annotated[str, FromModel(CountryAuthority, "name")]
    country: Line = Field(description="ISO alpha-2 of the state it acts for")
    kind: Line = Field(description="AUTHORITY, EMBASSY or PROXY")
    valid_from: date
    valid_to: date | None = None
    source: Annotated[str, FromModel(CountryAuthority, "source")] = ""


class OnwardPolicyFilterIn(Schema):
    on: date | None = Field(
        None, description="Only the policies in force on this day", json_schema_extra={"example": "2026-01-01"}
    )
    country: Line | None = Field(
        None, description="Only those of this sending country (ISO alpha-2)", json_schema_extra={"example": "TR"}
    )


class CountryAuthorityFilterIn(Schema):
    country: Line | None = Field(
        None, description="Only those acting for this state (ISO alpha-2)", json_schema_extra={"example": "IR"}
    )


POLICY = Annotated[Id, Path(description="The policy's id", example=1)]


def _example(body: dict) -> dict:
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


def _policy(actor: Actor, policy_id: int) -> OnwardReturnPolicy:
    policy = queries.onward_policies(actor).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("No such onward-return policy.")
    return policy


# --- onward-return policies ---------------------------------------------------------------------


@router.get(
    "/onward-return-policies",
    response=list[OnwardPolicyOut],
    auth=requires(VIEW),
    summary="List the onward-return policies",
)
def list_policies(request: AuthedRequest, filters: Query[OnwardPolicyFilterIn]):
    policies = queries.onward_policies(request.user, filters.on)
    if filters.country:
        policies = policies.filter(country=filters.country.upper())
    return policies.order_by("country", "valid_from", "pk")


@router.post(
    "/onward-return-policies",
    response={201: OnwardPolicyOut},
    auth=requires(MANAGE),
    summary="Record an onward-return policy",
    openapi_extra=_example(
        {
            "country": "TR",
            "nationality": "SY",
            "returns_to": "SY",
            "valid_from": "2024-01-01",
            "source": "Country report on returns, 2024, section 3.2.",
        }
    ),
)
def record_policy(request: AuthedRequest, payload: OnwardPolicyIn):
    """N6 reads it: a movement to `country` of a person of `nationality` is a movement on to `returns_to`."""
    policy = reference_data.record_onward_policy(actor=request.user, **payload.dict())
    return Status(201, policy)


@router.get(
    "/onward-return-policies/{policy_id}",
    response=OnwardPolicyOut,
    auth=requires(VIEW),
    summary="One onward-return policy",
)
def get_policy(request: AuthedRequest, policy_id: POLICY):
    return _policy(request.user, policy_id)


@router.post(
    "/onward-return-policies/{policy_id}/end",
    response=OnwardPolicyOut,
    auth=requires(MANAGE),
    summary="End an onward-return policy on a date",
    openapi_extra=_example({"valid_to": "2025-06-30"}),
)
def end_policy(request: AuthedRequest, policy_id: POLICY, payload: OnwardPolicyEndIn):
    """The policy stays on record; from the day after `valid_to` the gate no longer reads it."""
    return reference_data.end_onward_policy(
        actor=request.user, policy=_policy(request.user, policy_id), valid_to=payload.valid_to
    )


# --- country authorities ------------------------------------------------------------------------


@router.get(
    "/country-authorities",
    response=list[CountryAuthorityOut],
    auth=requires(VIEW),
    summary="List the organisations that act for a state",
)
def list_authorities(request: AuthedRequest, filters: Query[CountryAuthorityFilterIn]):
    authorities = queries.country_authorities(request.user)
    if filters.country:
        authorities = authorities.filter(country=filters.country.upper())
    return authorities.order_by("country", "name", "pk")


@router.post(
    "/country-authorities",
    response={201: CountryAuthorityOut},
    auth=requires(MANAGE),
    summary="Record an organisation that acts for a state",
    openapi_extra=_example(
        {
            "name": "Consular section, Embassy of the Republic of Testland",
            "country": "IR",
            "kind": "EMBASSY",
            "valid_from": "2020-01-01",
            "source": "Diplomatic list of the host state, 2020.",
        }
    ),
)
def record_authority(request: AuthedRequest, payload: CountryAuthorityIn):
    """From now on a recipient that acts for it (by link or by name) is treated as that state (D1)."""
    authority = reference_data.record_country_authority(actor=request.user, **payload.dict())
    return Status(201, authority)
