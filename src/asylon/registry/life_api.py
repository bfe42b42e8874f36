"""The API of a household's life: births, deaths, moves, splits, joins, units and the
household's history. Each route calls `life_events`; a split, a join and a death's
confirmation cannot be undone, so without ``"confirm": true`` they answer 409
`confirmation_required` with what they would change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Text, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.errors import InvalidInput
from asylon.core.types import Actor, AuthedRequest

from . import life_events, queries
from .models import DeathReport, Person

router = Router(tags=["register"])

CONFIRMERS = life_events.CONFIRM_DEATH


class ChildIn(Schema):
    given_name: Annotated[str, FromModel(Person, "given_name")]
    fathers_name: Annotated[str, FromModel(Person, "fathers_name")] = ""
    family_name: Annotated[str, FromModel(Person, "family_name")] = ""
    sex: Annotated[str, FromModel(Person, "sex")]
    date_of_birth: date | None = None
    nationality: Line = ""
    country_of_origin: Line = ""
    stateless: bool = False


class BirthIn(Schema):
    child: ChildIn
    mother: Line | None = Field(None, description="Reference of the mother, a current member")
    father: Line | None = Field(None, description="Reference of the father, a current member")
    reason: Text


class NewMemberOut(Schema):
    reference: str
    household: str
    relationship: str


class DeathReportIn(Schema):
    source: Annotated[str, FromModel(DeathReport, "source")]
    died_on: date | None = None
    note: Text


class DeathReportOut(Schema):
    id: int
    person: str = Field(alias="person.reference")
    source: str
    died_on: date
    state: str
    note: str
    decision_reason: str


class DecisionIn(Schema):
    reason: Text
    new_principal: Line | None = Field(None, description="Reference of the member who becomes principal applicant")
    confirm: bool = False


class RejectIn(Schema):
    reason: Text


class MoveIn(Schema):
    target: Line = Field(description="Reference of the household the person joins")
    relationship: Line
    reason: Text
    new_principal: Line | None = None


class SplitMemberIn(Schema):
    person: Line
    relationship: Line


class HouseholdSplitIn(Schema):
    members: list[SplitMemberIn]
    unit: Id | None = None
    reason: Text
    new_principal: Line | None = None
    confirm: bool = False


class JoinIn(Schema):
    target: Line
    principal_relationship: Line
    relationships: dict[Line, Line] = {}
    reason: Text
    confirm: bool = False


class UnitIn(Schema):
    unit: Id
    reason: Text


class HouseholdRefOut(Schema):
    reference: str
    closed_on: date | None


class HouseholdHistoryOut(Schema):
    at: datetime
    action: str
    actor: str
    changes: dict[str, Any]
    reason: str


def _member(actor: Actor, reference: str | None, field: str) -> Person | None:
    return queries.person_named(actor, reference, field=field) if reference else None


def _new_member(person: Person) -> dict[str, str]:
    membership = queries.current_household(person)
    assert membership is not None
    return {
        "reference": person.reference,
        "household": membership.household.reference,
        "relationship": membership.relationship,
    }


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


@router.post(
    "/households/{reference}/births",
    response={201: NewMemberOut},
    auth=requires(life_events.CHANGE_HOUSEHOLD),
    summary="Record a birth in a household",
    openapi_extra=_example(
        {
            "child": {"given_name": "Nika", "family_name": "Yazdi", "sex": "F", "date_of_birth": "2026-11-30"},
            "mother": "AAA-000124",
            "father": "AAA-000123",
            "reason": "Born at the camp clinic",
        }
    ),
)
def record_birth(request: AuthedRequest, reference: Line, payload: BirthIn):
    household = queries.get_household(request.user, reference)
    person = life_events.record_birth(
        actor=request.user,
        household=household,
        child=payload.child.dict(exclude_defaults=True) | {"date_of_birth": payload.child.date_of_birth},
        mother=_member(request.user, payload.mother, "mother"),
        father=_member(request.user, payload.father, "father"),
        reason=payload.reason,
    )
    return Status(201, _new_member(person))


@router.post(
    "/persons/{reference}/death-reports",
    response={201: DeathReportOut},
    auth=requires("registry.change_person"),
    summary="Report a death (takes effect once a second person confirms)",
    openapi_extra=_example({"source": "CLINIC", "died_on": "2026-12-01", "note": "Certificate from the camp clinic"}),
)
def report_death(request: AuthedRequest, reference: Line, payload: DeathReportIn):
    person = queries.get_person(request.user, reference)
    report = life_events.report_death(
        actor=request.user, person=person, source=payload.source, died_on=payload.died_on, note=payload.note
    )
    return Status(201, report)


@router.post(
    "/death-reports/{report_id}/confirm",
    response=DeathReportOut,
    auth=requires(CONFIRMERS),
    summary="Confirm a reported death (asks for confirm)",
    openapi_extra=_example({"reason": "Seen the clinic's certificate", "new_principal": "AAA-000124", "confirm": True}),
)
def confirm_death(request: AuthedRequest, report_id: Id, payload: DecisionIn):
    report = queries.get_death_report(request.user, report_id)
    if not payload.confirm:
        raise ConfirmationRequired(life_events.death_changes(report))
    return life_events.confirm_death(
        actor=request.user,
        report=report,
        reason=payload.reason,
        new_principal=_member(request.user, payload.new_principal, "new_principal"),
    )


@router.post(
    "/death-reports/{report_id}/reject",
    response=DeathReportOut,
    auth=requires(CONFIRMERS),
    summary="Reject a reported death",
    openapi_extra=_example({"reason": "The person was seen at the roll call today"}),
)
def reject_death(request: AuthedRequest, report_id: Id, payload: RejectIn):
    report = queries.get_death_report(request.user, report_id)
    return life_events.reject_death(actor=request.user, report=report, reason=payload.reason)


@router.post(
    "/persons/{reference}/household-move",
    response=NewMemberOut,
    auth=requires(life_events.CHANGE_HOUSEHOLD),
    summary="Move a person to another household",
    openapi_extra=_example(
        {"target": "AAA-H-000045", "relationship": "SPOUSE", "reason": "Marriage", "new_principal": None}
    ),
)
def move_member(request: AuthedRequest, reference: Line, payload: MoveIn):
    person = queries.get_person(request.user, reference)
    life_events.move_member(
        actor=request.user,
        person=person,
        target=queries.household_named(request.user, payload.target, field="target"),
        relationship=payload.relationship,
        reason=payload.reason,
        new_principal=_member(request.user, payload.new_principal, "new_principal"),
    )
    return _new_member(person)


@router.post(
    "/households/{reference}/split",
    response={201: HouseholdRefOut},
    auth=requires(life_events.CHANGE_HOUSEHOLD),
    summary="Split members into a new household (asks for confirm)",
    openapi_extra=_example(
        {
            "members": [{"person": "AAA-000125", "relationship": "PA"}],
            "unit": None,
            "reason": "Separation",
            "new_principal": None,
            "confirm": True,
        }
    ),
)
def split_household(request: AuthedRequest, reference: Line, payload: HouseholdSplitIn):
    household = queries.get_household(request.user, reference)
    members = [
        (queries.person_named(request.user, m.person, field=f"members.{i}.person"), m.relationship)
        for i, m in enumerate(payload.members)
    ]
    if not payload.confirm:
        raise ConfirmationRequired(life_events.split_changes(household, [p for p, _r in members]))
    new = life_events.split_household(
        actor=request.user,
        household=household,
        members=members,
        unit=queries.location_in_site(household.site, payload.unit),
        reason=payload.reason,
        new_principal=_member(request.user, payload.new_principal, "new_principal"),
    )
    return Status(201, new)


@router.post(
    "/households/{reference}/join",
    response=HouseholdRefOut,
    auth=requires(life_events.CHANGE_HOUSEHOLD),
    summary="Join a whole household into another (asks for confirm)",
    openapi_extra=_example(
        {
            "target": "AAA-H-000045",
            "principal_relationship": "SPOUSE",
            "relationships": {},
            "reason": "Marriage",
            "confirm": True,
        }
    ),
)
def join_household(request: AuthedRequest, reference: Line, payload: JoinIn):
    household = queries.get_household(request.user, reference)
    target = queries.household_named(request.user, payload.target, field="target")
    if not payload.confirm:
        raise ConfirmationRequired(life_events.join_changes(household, target))
    return life_events.join_household(
        actor=request.user,
        household=household,
        target=target,
        principal_relationship=payload.principal_relationship,
        relationships=payload.relationships,
        reason=payload.reason,
    )


@router.post(
    "/households/{reference}/unit",
    response=HouseholdRefOut,
    auth=requires(life_events.CHANGE_HOUSEHOLD),
    summary="Move a household to another unit of its site",
    openapi_extra=_example({"unit": 42, "reason": "Shelter damaged by shelling"}),
)
def move_unit(request: AuthedRequest, reference: Line, payload: UnitIn):
    household = queries.get_household(request.user, reference)
    # A unit of another site reads as unknown here: another site is an internal transfer.
    try:
        unit = queries.location_in_site(household.site, payload.unit)
    except InvalidInput as exc:
        raise InvalidInput({"unit": [str(life_events.OTHER_SITE)]}) from exc
    return life_events.move_unit(actor=request.user, household=household, unit=unit, reason=payload.reason)


@router.get(
    "/households/{reference}/history",
    response=list[HouseholdHistoryOut],
    auth=requires("registry.view_household"),
    summary="A household's history, newest first",
)
def household_history(request: AuthedRequest, reference: Line):
    household = queries.get_household(request.user, reference)
    return queries.household_history(request.user, household)
