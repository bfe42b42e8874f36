"""The API of resettlement's places: receiving countries and what each pledges, year by year.

Countries and pledges are reference data of the whole operation, not of a site. Whoever holds
`solutions.view_receivingcountry` reads them (protection and resettlement officers; not a
partner: a delegation reads its cases, not other countries' offers); resettlement officers
(`solutions.manage_resettlement`) record a country, record its pledge for a year and change
it, through `solutions.services` as the pages and the demo do. Every pledge carries the places
used of it and the places left, counted over every site as the departure's confirmation page
counts them (`queries.with_pledges`): a negative `places_left` says more persons hold a place
than the country offered.

Countries are addressed by their ISO 3166-1 alpha-2 code, pledges by their year.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.types import Actor, AuthedRequest
from asylon.sharing import queries as sharing_queries

from . import pledges, queries, services
from .models import Pledge, ReceivingCountry

router = Router(tags=["resettlement pledges"])

VIEW = "solutions.view_receivingcountry"
MANAGE = services.MANAGE


# --- what a client reads ------------------------------------------------------------------------


class PledgeOut(Schema):
    """One pledge (read from `queries.PledgeRow`)."""

    country: str = Field(alias="pledge.country.country.code", description="ISO 3166-1 alpha-2")
    year: int = Field(alias="pledge.year")
    places: int = Field(alias="pledge.places", description="Persons the country takes in the year")
    places_used: int = Field(
        alias="used",
        description="Persons departed in the year to this country, and, this year, those accepted and not yet gone",
    )
    places_left: int = Field(alias="left", description="places - places_used (negative: more than pledged)")
    categories: list[str] = Field(alias="pledge.categories", description="Submission categories taken; empty: any")
    max_family_size: int | None = Field(alias="pledge.max_family_size")
    takes_medical_cases: bool = Field(alias="pledge.takes_medical_cases")
    criteria: str = Field(alias="pledge.criteria")
    recorded_at: datetime = Field(alias="pledge.recorded_at")


class ReceivingCountryOut(Schema):
    """A country that offers places, with its pledges (read from `queries.CountryPledges`)."""

    country: str = Field(alias="country.country.code", description="ISO 3166-1 alpha-2")
    name: str
    selection_mode: str = Field(alias="country.selection_mode", description="DOSSIER or INTERVIEW")
    active: bool = Field(alias="country.active", description="Inactive: takes no submissions now")
    recipient: int | None = Field(alias="country.recipient_id", description="Id of its delegation (a recipient)")
    recipient_name: str | None
    notes: str = Field(alias="country.notes")
    pledges: list[PledgeOut]

    @staticmethod
    def resolve_name(row: queries.CountryPledges) -> str:
        return str(row.country.country.name)

    @staticmethod
    def resolve_recipient_name(row: queries.CountryPledges) -> str | None:
        return row.country.recipient.name if row.country.recipient else None


# --- what a client sends ------------------------------------------------------------------------


def _pledge(field: str):
    return FromModel(Pledge, field)


class ReceivingCountryIn(Schema):
    country: Line = Field(description="ISO 3166-1 alpha-2")
    selection_mode: Line = Field(description="DOSSIER or INTERVIEW")
    recipient: Id | None = Field(None, description="Id of the country's delegation: a resettlement-country recipient")
    notes: Annotated[str, FromModel(ReceivingCountry, "notes")] = ""


class PledgeIn(Schema):
    year: Annotated[int, _pledge("year")]
    places: Annotated[int, _pledge("places")]
    categories: list[Line] = Field([], description="Submission categories taken (LPP, SVT, ...); empty: any")
    max_family_size: Annotated[int, _pledge("max_family_size")] | None = None
    takes_medical_cases: bool = True
    criteria: Annotated[str, _pledge("criteria")] = ""


class PledgeChangeIn(Schema):
    """Only the fields sent change; `max_family_size: null` lifts the limit."""

    reason: Text = Field(description="Why the pledge changes (kept in the audit trail)")
    places: Annotated[int, _pledge("places")] | None = None
    categories: list[Line] | None = None
    max_family_size: Annotated[int, _pledge("max_family_size")] | None = None
    takes_medical_cases: bool | None = None
    criteria: Annotated[str, _pledge("criteria")] | None = None


class CountryFilterIn(Schema):
    active: bool | None = Field(
        None,
        description="Only the countries that take submissions now (true) or not",
        json_schema_extra={"example": True},
    )


COUNTRY = Annotated[Line, Path(description="ISO 3166-1 alpha-2 of the receiving country", example="CA")]
YEAR = Annotated[int, _pledge("year"), Path(description="The pledge's year", example=2026)]


def _example(body: dict) -> dict:
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


def _one(actor: Actor, country: ReceivingCountry) -> queries.CountryPledges:
    return queries.with_pledges([queries.get_country(actor, country.country.code)])[0]


def _pledge_row(actor: Actor, pledge: Pledge) -> queries.PledgeRow:
    row = _one(actor, pledge.country)
    return next(p for p in row.pledges if p.pledge.pk == pledge.pk)


# --- routes -------------------------------------------------------------------------------------


@router.get(
    "/receiving-countries",
    response=list[ReceivingCountryOut],
    auth=requires(VIEW),
    summary="List the receiving countries and their pledges",
)
def list_countries(request: AuthedRequest, filters: Query[CountryFilterIn]):
    countries = queries.countries_for(request.user).order_by("country")
    if filters.active is not None:
        countries = countries.filter(active=filters.active)
    return queries.with_pledges(countries)


@router.post(
    "/receiving-countries",
    response={201: ReceivingCountryOut},
    auth=requires(MANAGE),
    summary="Record a receiving country",
    openapi_extra=_example({"country": "CA", "selection_mode": "DOSSIER", "notes": "Dossier selection from 2026."}),
)
def record_country(request: AuthedRequest, payload: ReceivingCountryIn):
    """Its delegation, when named, must be a resettlement-country recipient of the same country."""
    recipient = None
    if payload.recipient is not None:
        try:
            recipient = sharing_queries.get_recipient(request.user, payload.recipient)
        except NotFound as exc:
            raise InvalidInput({"recipient": ["No such recipient."]}) from exc
    country = pledges.create_receiving_country(
        actor=request.user,
        country=payload.country,
        selection_mode=payload.selection_mode,
        recipient=recipient,
        notes=payload.notes,
    )
    return Status(201, _one(request.user, country))


@router.get(
    "/receiving-countries/{country}",
    response=ReceivingCountryOut,
    auth=requires(VIEW),
    summary="One receiving country and its pledges",
)
def get_country(request: AuthedRequest, country: COUNTRY):
    return _one(request.user, queries.get_country(request.user, country))


@router.post(
    "/receiving-countries/{country}/pledges",
    response={201: PledgeOut},
    auth=requires(MANAGE),
    summary="Record a country's pledge for a year",
    openapi_extra=_example(
        {
            "year": 2026,
            "places": 120,
            "categories": ["LPP", "SVT", "WGR"],
            "max_family_size": 8,
            "takes_medical_cases": True,
            "criteria": "No more than 10 medical cases.",
        }
    ),
)
def record_pledge(request: AuthedRequest, country: COUNTRY, payload: PledgeIn):
    rc = queries.get_country(request.user, country)
    pledge = pledges.record_pledge(actor=request.user, country=rc, **payload.dict())
    return Status(201, _pledge_row(request.user, pledge))


@router.patch(
    "/receiving-countries/{country}/pledges/{year}",
    response=PledgeOut,
    auth=requires(MANAGE),
    summary="Change a country's pledge for a year",
    openapi_extra=_example({"places": 150, "reason": "The ministry raised the quota in its letter of 3 March."}),
)
def change_pledge(request: AuthedRequest, country: COUNTRY, year: YEAR, payload: PledgeChangeIn):
    """Only the fields sent change; each change is audited with its reason."""
    pledge = queries.get_pledge(request.user, queries.get_country(request.user, country), year)
    sent = payload.dict(exclude_unset=True)
    for field in ("places", "categories", "takes_medical_cases", "criteria"):
        if field in sent and sent[field] is None:
            raise InvalidInput({field: ["Give a value, or leave the field out."]})
    pledge = pledges.change_pledge(actor=request.user, pledge=pledge, **sent)
    return _pledge_row(request.user, pledge)
