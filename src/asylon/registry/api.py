"""The register's API: households and persons. Create, read, list, correct; no delete."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from asylon.accounts.scope import ensure, site_ids
from asylon.core.errors import InvalidInput
from asylon.movements.sharing import guard_read

from . import queries, services
from .models import PERSON_NAME_FIELDS, Location, Person, Site

router = Router(tags=["register"])


class SensitiveIn(Schema):
    religion: str = ""
    ethnicity: str = ""
    political_profile: str = ""
    medical_notes: str = ""
    torture_survivor: bool | None = None


class MemberIn(Schema):
    relationship: str
    given_name: str
    fathers_name: str = ""
    family_name: str = ""
    given_name_original: str = ""
    fathers_name_original: str = ""
    family_name_original: str = ""
    sex: str
    date_of_birth: date | None = None
    dob_precision: str = "EXACT"
    nationality: str = ""
    country_of_origin: str = ""
    stateless: bool = False
    languages: str = ""
    registered_on: date | None = None
    specific_needs: list[str] = []
    sensitive: SensitiveIn | None = None


class HouseholdIn(Schema):
    site: str = Field(description="Site code, e.g. LIB")
    unit: int | None = Field(None, description="Id of a unit of that site")
    arrival_date: date | None = None
    reference: str | None = None
    members: list[MemberIn]


class NeedOut(Schema):
    code: str
    recorded_on: date
    status: str


class PersonOut(Schema):
    reference: str
    site: str
    household: str | None
    relationship: str | None
    unit: str | None
    given_name: str
    fathers_name: str
    family_name: str
    given_name_original: str
    fathers_name_original: str
    family_name_original: str
    sex: str
    date_of_birth: date | None
    dob_precision: str
    nationality: str
    country_of_origin: str
    stateless: bool
    languages: str
    registered_on: date
    presence: str
    specific_needs: list[NeedOut]
    sensitive: SensitiveIn | None = Field(None, description="Only for roles allowed to see sensitive fields")


class MemberOut(Schema):
    reference: str
    relationship: str


class HouseholdOut(Schema):
    reference: str
    site: str
    unit: str | None
    arrival_date: date | None
    principal_applicant: str | None
    members: list[MemberOut]


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next_cursor: str | None


class PersonFilterIn(Schema):
    site: str | None = None
    block: int | None = None
    presence: str | None = None
    sex: str | None = None
    age_bracket: str | None = None
    specific_need: str | None = None
    household: str | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=500)


class PersonCorrectionIn(Schema):
    reason: str
    given_name: str | None = None
    fathers_name: str | None = None
    family_name: str | None = None
    given_name_original: str | None = None
    fathers_name_original: str | None = None
    family_name_original: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    dob_precision: str | None = None
    nationality: str | None = None
    country_of_origin: str | None = None
    stateless: bool | None = None
    languages: str | None = None
    unit: int | None = None


def _site(actor, code: str) -> Site:
    site = Site.objects.filter(code=code, pk__in=site_ids(actor)).first()
    if site is None:
        raise InvalidInput({"site": [f"Unknown site {code!r}."]})
    return site


def _unit(site: Site, unit_id: int | None, field: str = "unit") -> Location | None:
    if unit_id is None:
        return None
    unit = Location.objects.filter(pk=unit_id, site=site).first()
    if unit is None:
        raise InvalidInput({field: [f"No unit {unit_id} in site {site.code}."]})
    return unit


def person_out(actor, person: Person, *, with_sensitive: bool = False) -> dict:
    membership = queries.current_household(person)
    profile = queries.read_sensitive(actor, person) if with_sensitive else None
    return {
        **{
            f: getattr(person, f)
            for f in (
                "reference",
                *PERSON_NAME_FIELDS,
                "sex",
                "date_of_birth",
                "dob_precision",
                "stateless",
                "languages",
                "registered_on",
                "presence",
            )
        },
        "site": person.site.code,
        "household": membership.household.reference if membership else None,
        "relationship": membership.relationship if membership else None,
        "unit": str(person.unit) if person.unit else None,
        "nationality": person.nationality.code or "",
        "country_of_origin": person.country_of_origin.code or "",
        "specific_needs": [
            {"code": n.code_id, "recorded_on": n.recorded_on, "status": n.status} for n in person.specific_needs.all()
        ],
        "sensitive": {f: getattr(profile, f) for f in profile.FIELDS} if profile else None,
    }


def household_out(household) -> dict:
    members = queries.current_members(household)
    pa = next((m.person.reference for m in members if m.relationship == "PA"), None)
    return {
        "reference": household.reference,
        "site": household.site.code,
        "unit": str(household.unit) if household.unit else None,
        "arrival_date": household.arrival_date,
        "principal_applicant": pa,
        "members": [{"reference": m.person.reference, "relationship": m.relationship} for m in members],
    }


@router.post("/households", response={201: HouseholdOut})
def create_household(request: HttpRequest, payload: HouseholdIn):
    site = _site(request.user, payload.site)
    household = services.register_household(
        actor=request.user,
        site=site,
        unit=_unit(site, payload.unit),
        arrival_date=payload.arrival_date,
        reference=payload.reference,
        # Defaults left out, so an empty `sensitive` block is no attempt to record sensitive fields.
        members=[m.dict(exclude_defaults=True) for m in payload.members],
    )
    return Status(201, household_out(household))


@router.get("/households", response=HouseholdPage)
def list_households(request: HttpRequest, site: str | None = None, cursor: str | None = None, limit: int = 50):
    ensure(request.user, "registry.view_household")  # a role without it is refused, not shown an empty list
    qs = queries.households_for(request.user).select_related("site", "unit", "unit__parent")
    if site:
        qs = qs.filter(site__code=site)
    rows, next_cursor = queries.page_after(qs, cursor, min(max(limit, 1), 500))
    return {"items": [household_out(h) for h in rows], "next_cursor": next_cursor}


@router.get("/households/{reference}", response=HouseholdOut)
def get_household(request: HttpRequest, reference: str):
    return household_out(queries.get_household(request.user, reference))


@router.get("/persons", response=PersonPage)
def list_persons(request: HttpRequest, filters: Query[PersonFilterIn]):
    if not request.user.has_perm("movements.read_shared_cases"):  # partners: only what is shared (D3)
        ensure(request.user, "registry.view_person")
    site = _site(request.user, filters.site) if filters.site else None
    f = queries.PersonFilters(
        site=site.pk if site else None,
        block=filters.block,
        presence=filters.presence,
        sex=filters.sex,
        age_bracket=filters.age_bracket,
        specific_need=filters.specific_need,
        household=filters.household,
    )
    qs = (
        queries.person_list(request.user, f)
        .select_related("site")
        .prefetch_related("specific_needs", "memberships__household")
    )
    rows, next_cursor = queries.page_after(qs, filters.cursor, filters.limit)
    guard_read(request.user, rows, fields=PersonOut.model_fields, channel="api:GET /persons")
    return {"items": [person_out(request.user, p) for p in rows], "next_cursor": next_cursor}


@router.get("/persons/{reference}", response=PersonOut)
def get_person(request: HttpRequest, reference: str):
    person = queries.get_person(request.user, reference)
    guard_read(request.user, [person], fields=PersonOut.model_fields, channel="api:GET /persons/{reference}")
    return person_out(request.user, person, with_sensitive=True)


@router.patch("/persons/{reference}", response=PersonOut)
def correct_person(request: HttpRequest, reference: str, payload: PersonCorrectionIn):
    person = queries.get_person(request.user, reference)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "unit" in changes:
        changes["unit"] = _unit(person.site, changes["unit"])
    services.correct_person(actor=request.user, person=person, changes=changes, reason=reason)
    return person_out(request.user, queries.get_person(request.user, reference))
