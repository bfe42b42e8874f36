"""The register's API: households and persons. Create, read, list, correct; no delete."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import FileResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Field, Query, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import AuthedRequest
from asylon.matching import registration
from asylon.sharing.guard import guard_read

from . import photos, queries, services
from .models import PERSON_NAME_FIELDS, Household, Membership, Person, SensitiveProfile, SpecificNeed

router = Router(tags=["register"])


def _person(field: str):
    return FromModel(Person, field)


def _sensitive(field: str):
    return FromModel(SensitiveProfile, field)


class SensitiveIn(Schema):
    religion: Annotated[str, _sensitive("religion")] = ""
    ethnicity: Annotated[str, _sensitive("ethnicity")] = ""
    political_profile: Annotated[str, _sensitive("political_profile")] = ""
    medical_notes: Annotated[str, _sensitive("medical_notes")] = ""
    torture_survivor: bool | None = None


class SensitiveOut(Schema):
    religion: str = ""
    ethnicity: str = ""
    political_profile: str = ""
    medical_notes: str = ""
    torture_survivor: bool | None = None


class MemberIn(Schema):
    relationship: Annotated[str, FromModel(Membership, "relationship")]
    given_name: Annotated[str, _person("given_name")]
    fathers_name: Annotated[str, _person("fathers_name")] = ""
    family_name: Annotated[str, _person("family_name")] = ""
    given_name_original: Annotated[str, _person("given_name_original")] = ""
    fathers_name_original: Annotated[str, _person("fathers_name_original")] = ""
    family_name_original: Annotated[str, _person("family_name_original")] = ""
    sex: Annotated[str, _person("sex")]
    date_of_birth: date | None = None
    dob_precision: Annotated[str, _person("dob_precision")] = "EXACT"
    nationality: Line = ""
    country_of_origin: Line = ""
    stateless: bool = False
    languages: Annotated[str, _person("languages")] = ""
    registered_on: date | None = None
    specific_needs: list[Line] = []
    sensitive: SensitiveIn | None = None


class HouseholdIn(Schema):
    site: Line = Field(description="Site code, e.g. LIB")
    unit: Id | None = Field(None, description="Id of a unit of that site")
    arrival_date: date | None = None
    reference: Annotated[str, FromModel(Household, "reference")] | None = None
    members: list[MemberIn]
    duplicates: dict[Line, Line] = Field(
        {},
        description="The decision for each member (by its index in `members`, from 0) that probably is a "
        "registered person; without one, nothing is written and a 409 lists the candidates. "
        '"same:<reference>" (or "link:<reference>"): that registered person, no new one is registered and '
        'the other members join their household; "different": a new person, the pairs shown are closed '
        'as different persons; "unsure": a new person, the pairs go to the review queue.',
    )


class NeedOut(Schema):
    code: str = Field(alias="code_id")
    recorded_on: date
    status: str


class PersonOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
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
    sensitive: SensitiveOut | None = Field(None, description="Only for roles allowed to see sensitive fields")

    @staticmethod
    def resolve_household(person: Person) -> str | None:
        membership = queries.open_membership(person)
        return membership.household.reference if membership else None

    @staticmethod
    def resolve_relationship(person: Person) -> str | None:
        membership = queries.open_membership(person)
        return membership.relationship if membership else None

    @staticmethod
    def resolve_unit(person: Person) -> str | None:
        return str(person.unit) if person.unit else None

    @staticmethod
    def resolve_nationality(person: Person) -> str:
        return person.nationality.code or ""

    @staticmethod
    def resolve_country_of_origin(person: Person) -> str:
        return person.country_of_origin.code or ""

    @staticmethod
    def resolve_specific_needs(person: Person, context) -> list[SpecificNeed]:
        return queries.visible_needs(context["request"].user, person)

    @staticmethod
    def resolve_sensitive(person: Person) -> None:
        # Never `person.sensitive` (the profile's reverse accessor): the sensitive fields leave
        # only through `queries.read_sensitive`, which checks the role and audits the read
        # (`_with_sensitive`, for the one route that shows them).
        return None


class HouseholdMemberOut(Schema):
    reference: str = Field(alias="person.reference")
    relationship: str


class HouseholdOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
    unit: str | None
    arrival_date: date | None
    principal_applicant: str | None
    members: list[HouseholdMemberOut]

    @staticmethod
    def resolve_unit(household: Household) -> str | None:
        return str(household.unit) if household.unit else None

    @staticmethod
    def resolve_principal_applicant(household: Household) -> str | None:
        pa = queries.principal_applicant(household)
        return pa.reference if pa else None

    @staticmethod
    def resolve_members(household: Household) -> list[Membership]:
        return queries.current_members(household)


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next_cursor: str | None


class PersonFilterIn(Schema):
    site: Line | None = None
    block: Id | None = None
    presence: Line | None = None
    sex: Line | None = None
    age_bracket: Line | None = None
    specific_need: Line | None = None
    household: Line | None = None
    cursor: Line | None = None
    limit: int = Field(50, ge=1, le=500)


class PersonCorrectionIn(Schema):
    reason: Text
    given_name: Annotated[str, _person("given_name")] | None = None
    fathers_name: Annotated[str, _person("fathers_name")] | None = None
    family_name: Annotated[str, _person("family_name")] | None = None
    given_name_original: Annotated[str, _person("given_name_original")] | None = None
    fathers_name_original: Annotated[str, _person("fathers_name_original")] | None = None
    family_name_original: Annotated[str, _person("family_name_original")] | None = None
    sex: Annotated[str, _person("sex")] | None = None
    date_of_birth: date | None = None
    dob_precision: Annotated[str, _person("dob_precision")] | None = None
    nationality: Line | None = None
    country_of_origin: Line | None = None
    stateless: bool | None = None
    languages: Annotated[str, _person("languages")] | None = None
    unit: Id | None = None


def _with_sensitive(request: AuthedRequest, person: Person) -> PersonOut:
    """The person with their sensitive fields for a reader whose role may see them (the read
    is audited by `queries.read_sensitive`); for any other reader, without."""
    profile = queries.read_sensitive(request.user, person)
    out = PersonOut.model_validate(person, context={"request": request})
    if profile is not None:
        out.sensitive = SensitiveOut.model_validate(profile)
    return out


class DuplicatesFound(Conflict):
    """Members probably are registered persons and the request did not say who they are:
    nothing written. The body lists the candidates and how to send the decisions."""

    code = "duplicates_found"

    def __init__(self, exc: registration.DuplicatesUndecided):
        self.errors = exc.errors
        self.found = exc.found
        super().__init__(
            "Members probably are registered persons: send the request again with a decision for each "
            'in "duplicates", e.g. {"0": "same:<reference>"}, {"0": "different"} or {"0": "unsure"}.'
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "detail": self.message,
            "errors": [{"loc": path.split("."), "msg": msg} for path, msgs in self.errors.items() for msg in msgs],
            "candidates": {str(i): [_candidate(m) for m in matches] for i, matches in self.found.items()},
            "decisions": ["same:<reference>", "link:<reference>", "different", "unsure"],
        }


def _candidate(match) -> dict:
    person = match.person
    return {
        "reference": person.reference,
        "names": {f: getattr(person, f) for f in PERSON_NAME_FIELDS},
        "full_name": person.full_name,
        "score": match.probability,
        "match_weight": match.match_weight,
        "agree": [f.column or f.label for f in match.fields if f.agreement not in ("different", "missing")],
        "fields": [
            {"field": f.column or f.label, "new": f.new, "existing": f.existing, "agreement": f.agreement}
            for f in match.fields
        ],
    }


def _decisions(payload: HouseholdIn) -> dict[int, str]:
    decisions = {}
    for key, value in payload.duplicates.items():
        if not key.isdigit() or int(key) >= len(payload.members):
            raise InvalidInput({"duplicates": [f"{key!r} is no member index (0 to {len(payload.members) - 1})."]})
        choice, sep, reference = value.partition(":")
        decisions[int(key)] = f"{registration.SAME}:{reference}" if choice == "link" and sep else value
    return decisions


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.post(
    "/households",
    summary="Register a household",
    response={201: HouseholdOut},
    auth=requires("registry.add_household"),
    openapi_extra=_example(
        {
            "site": "AAA",
            "arrival_date": "2026-03-02",
            "members": [
                {
                    "relationship": "PA",
                    "given_name": "Samira",
                    "family_name": "Haddad",
                    "sex": "F",
                    "date_of_birth": "1990-04-12",
                    "nationality": "SY",
                    "languages": "ar",
                },
                {
                    "relationship": "CHILD",
                    "given_name": "Omar",
                    "family_name": "Haddad",
                    "sex": "M",
                    "date_of_birth": "2015-01-01",
                    "dob_precision": "YEAR",
                    "nationality": "SY",
                },
            ],
            "duplicates": {"0": "different"},
        }
    ),
)
def create_household(request: AuthedRequest, payload: HouseholdIn):
    """Register a household. Each member is first checked against the register, as the
    registration page does: a probable match needs a decision in `duplicates` (409 without)."""
    site = queries.site_in_scope(request.user, payload.site)
    try:
        done = registration.register_checked(
            actor=request.user,
            site=site,
            unit=queries.location_in_site(site, payload.unit),
            arrival_date=payload.arrival_date,
            reference=payload.reference,
            # Defaults left out, so an empty `sensitive` block is no attempt to record sensitive fields.
            members=[m.dict(exclude_defaults=True) for m in payload.members],
            decisions=_decisions(payload),
        )
    except registration.DuplicatesUndecided as exc:
        raise DuplicatesFound(exc) from exc
    return Status(201, done.household)


@router.get("/households", summary="List households", response=HouseholdPage, auth=requires("registry.view_household"))
def list_households(request: AuthedRequest, site: Line | None = None, cursor: Line | None = None, limit: Id = 50):
    qs = queries.households_for(request.user).select_related("site", "unit", "unit__parent")
    if site:
        qs = qs.filter(site__code=site)
    rows, next_cursor = queries.page_after(qs, cursor, min(max(limit, 1), 500))
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/households/{reference}",
    summary="Read one household",
    response=HouseholdOut,
    auth=requires("registry.view_household"),
)
def get_household(request: AuthedRequest, reference: Line):
    return queries.get_household(request.user, reference)


# Partners list only the persons shared with their country (D3).
@router.get(
    "/persons",
    summary="List registered persons",
    response=PersonPage,
    auth=requires("registry.view_person", "movements.read_shared_cases"),
)
def list_persons(request: AuthedRequest, filters: Query[PersonFilterIn]):
    if not request.user.has_perm("movements.read_shared_cases"):  # partners: only what is shared (D3)
        ensure(request.user, "registry.view_person")
    site = queries.site_in_scope(request.user, filters.site) if filters.site else None
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
        .prefetch_related(queries.needs_with_codes(), "memberships__household")
    )
    rows, next_cursor = queries.page_after(qs, filters.cursor, filters.limit)
    guard_read(request.user, rows, fields=PersonOut.model_fields, channel="api:GET /persons")
    return {"items": rows, "next_cursor": next_cursor}


# Partners read the persons shared with their country (D3); others are not found for them.
@router.get(
    "/persons/{reference}",
    response=PersonOut,
    auth=requires("registry.view_person", "movements.read_shared_cases"),
    summary="Read one person",
)
def get_person(request: AuthedRequest, reference: Line):
    person = queries.get_person(request.user, reference)
    guard_read(request.user, [person], fields=PersonOut.model_fields, channel="api:GET /persons/{reference}")
    return _with_sensitive(request, person)


@router.patch(
    "/persons/{reference}",
    summary="Correct a person's record, with a reason",
    response=PersonOut,
    auth=requires("registry.change_person"),
    openapi_extra=_example(
        {
            "reason": "Date of birth corrected from the birth certificate seen on 2 March.",
            "date_of_birth": "1990-04-21",
            "dob_precision": "EXACT",
        }
    ),
)
def correct_person(request: AuthedRequest, reference: Line, payload: PersonCorrectionIn):
    person = queries.get_person(request.user, reference)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "unit" in changes:
        changes["unit"] = queries.location_in_site(person.site, changes["unit"])
    services.correct_person(actor=request.user, person=person, changes=changes, reason=reason)
    return queries.get_person(request.user, reference)


class PhotoOut(Schema):
    person: str = Field(alias="person.reference")
    sha256: str
    content_type: str
    size: int
    uploaded_at: datetime


PHOTO_READERS = ("registry.view_person", "movements.read_shared_cases")


@router.get(
    "/persons/{reference}/photo",
    auth=requires(*PHOTO_READERS),
    response={200: None},
    summary="A resident's current photo (the read is audited)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The current photo (JPEG, PNG or WebP); the read is audited",
                "content": {t: {} for t in sorted(photos.STORE.accepted)},
            }
        }
    },
)
def get_photo(request: AuthedRequest, reference: Line):
    """The person's current photo, for whoever may read the person (a partner's read is a
    release of the field "photo", D3-D6). 404 without a photo. Never cached."""
    if not request.user.has_perm("movements.read_shared_cases"):  # partners: only what is shared (D3)
        ensure(request.user, "registry.view_person")
    person = queries.get_person(request.user, reference)
    guard_read(request.user, [person], fields=photos.PHOTO_FIELDS, channel="api:GET /persons/{reference}/photo")
    photo, fh = photos.open_photo(actor=request.user, person=person)
    response = FileResponse(fh, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _uploaded_file(request: AuthedRequest):
    """The multipart body's `file`, parsed here, after `requires` let the caller in: Django fills
    request.FILES for POST only, and parsing every PUT in a middleware would read a body before
    its sender's permission is known (permission before input, `core/api_edge.py`)."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise InvalidInput({"file": ["Send the photo as multipart/form-data in the field 'file'."]})
    try:
        _, files = request.parse_file_upload(request.META, request)  # type: ignore[arg-type]  # a request is read as a stream
    except MultiPartParserError as exc:
        raise InvalidInput({"file": [f"The multipart body could not be read: {exc}"]}) from exc
    return files.get("file")


PHOTO_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP"}},
            }
        }
    },
}


@router.put(
    "/persons/{reference}/photo",
    response=PhotoOut,
    auth=requires("registry.change_person"),
    summary="Take or replace a resident's photo (multipart, field file)",
    openapi_extra={"requestBody": PHOTO_BODY},
)
def put_photo(request: AuthedRequest, reference: Line):
    """Take a new photo (multipart, field `file`): JPEG, PNG or WebP by its content, at most
    ASYLON_PHOTO_MAX_BYTES. It replaces the current photo; the old one is kept."""
    person = queries.get_person(request.user, reference)
    file = _uploaded_file(request)
    return photos.set_photo(actor=request.user, person=person, file=file, name=file.name if file else "")
