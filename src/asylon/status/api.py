"""The legal-status API: RSD cases and their steps, group declarations, site designation
acts, and each person's status history and status on a date. Same services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, Offset, Text, requires
from asylon.core.confirm import ConfirmationRequired
from asylon.core.errors import InvalidInput
from asylon.core.scope import can, ensure
from asylon.core.types import Actor, AuthedRequest
from asylon.registry import queries as registry_queries

from . import previews, queries, services
from .models import GroupDeclaration, RsdCase, SiteDesignationAct, StatusEntry
from .transitions import RSD_CASE

router = Router(tags=["legal status"])


# --- schemas ----------------------------------------------------------------------------


class SnapshotOut(Schema):
    on: date
    status: str
    recognised_by: str
    determination_mode: str
    legal_basis: str
    derivative_of: str | None
    claim_pending: bool
    in_appeal_window: bool
    appeal_pending: bool
    final_decision: bool
    appeal_deadline: date | None
    rsd_case_state: str | None
    rsd_case: str | None

    @staticmethod
    def resolve_derivative_of(snap: queries.StatusSnapshot) -> str | None:
        return registry_queries.reference_of(snap.derivative_of)


def _name(user) -> str | None:
    return user.get_username() if user else None


class EntryOut(Schema):
    id: int
    status: str
    effective_on: date
    recognised_by: str
    determination_mode: str
    legal_basis: str
    derivative_of: str | None
    basis: str = Field(description="The act the entry rests on")
    rsd_case: str | None
    declaration: int | None = Field(alias="declaration_id")
    procedure: int | None = Field(alias="procedure_id")
    recorded_by: str | None
    recorded_at: datetime
    reverted_at: datetime | None
    reverted_by_declaration: int | None = Field(alias="reverted_by_id")

    @staticmethod
    def resolve_derivative_of(entry: StatusEntry) -> str | None:
        return entry.derivative_of.reference if entry.derivative_of else None

    @staticmethod
    def resolve_rsd_case(entry: StatusEntry) -> str | None:
        return entry.rsd_case.reference if entry.rsd_case else None

    @staticmethod
    def resolve_recorded_by(entry: StatusEntry) -> str | None:
        return _name(entry.recorded_by)


class HistoryOut(Schema):
    reference: str
    current: SnapshotOut
    entries: list[EntryOut]


class RsdCaseIn(Schema):
    applicant: Line = Field(description="Person reference of the principal applicant")
    dependants: list[Line] = []
    registered_on: date | None = None
    assigned_officer: Line | None = Field(None, description="Username of an RSD officer")


def _case(field: str):
    return FromModel(RsdCase, field)


class RsdTransitionIn(Schema):
    action: Line
    on: date | None = Field(None, description="Day the step happened; default today")
    interview_on: date | None = None
    notes: Annotated[str, _case("interview_notes")] | None = None
    assessment: Annotated[str, _case("assessment")] | None = None
    recommendation: Annotated[str, _case("recommendation")] | None = None
    indications: Annotated[str, _case("exclusion_indications")] | None = None
    clause: Annotated[str, _case("exclusion_clause")] | None = None
    outcome: Annotated[str, _case("outcome")] | None = None
    reasons: Annotated[str, _case("decision_reasons")] | None = None
    grounds: list[Line] | Annotated[str, _case("appeal_grounds")] | None = None
    legal_basis: Annotated[str, _case("legal_basis")] | None = None
    recognised_by: Annotated[str, _case("recognised_by")] | None = None
    ground: Annotated[str, _case("reopen_ground")] | None = None
    explanation: Text | None = None
    confirm: bool = Field(
        False,
        description="Needed for a step that decides against a claim, notifies such a decision or closes the "
        "file (close_abandoned, a negative decide or decide_appeal, decide_exclusion, notify of a negative "
        "decision, finalise, notify_appeal): without it nothing changes and a 409 carries the preview.",
    )


class AssignIn(Schema):
    officer: Line


class ConfidentialOut(Schema):
    interview_notes: str
    assessment: str
    exclusion_indications: str
    exclusion_assessment: str
    decision_reasons: str
    appeal_grounds: str
    appeal_reasons: str


class RsdCaseOut(Schema):
    reference: str
    site: str = Field(alias="site.code")
    state: str
    state_since: date
    registered_on: date
    applicant: str = Field(alias="applicant.reference")
    dependants: list[str]
    assigned_officer: str | None
    interview_on: date | None
    recommendation: str
    exclusion_indicated: bool
    exclusion_clause: str
    outcome: str
    decision_grounds: list[str]
    legal_basis: str
    recognised_by: str
    decided_by: str | None
    decided_on: date | None
    notified_on: date | None
    appeal_deadline: date | None
    appeal_lodged_on: date | None
    appeal_outcome: str
    appeal_decided_by: str | None
    reopen_ground: str
    allowed_actions: list[str]
    overdue_days: int | None
    confidential: ConfidentialOut | None = Field(None, description="Only for RSD and protection roles")

    @staticmethod
    def resolve_dependants(case: RsdCase) -> list[str]:
        return [m.person.reference for m in queries.case_members(case) if not m.principal]

    @staticmethod
    def resolve_assigned_officer(case: RsdCase) -> str | None:
        return _name(case.assigned_officer)

    @staticmethod
    def resolve_decided_by(case: RsdCase) -> str | None:
        return _name(case.decided_by)

    @staticmethod
    def resolve_appeal_decided_by(case: RsdCase) -> str | None:
        return _name(case.appeal_decided_by)

    @staticmethod
    def resolve_allowed_actions(case: RsdCase) -> list[str]:
        return RSD_CASE.allowed_actions(case.state)

    @staticmethod
    def resolve_overdue_days(case: RsdCase) -> int | None:
        return queries.overdue_days(case)

    @staticmethod
    def resolve_confidential(case: RsdCase, context: dict) -> RsdCase | None:
        # The confidential fields are the case's own attributes: shown (as ConfidentialOut reads
        # them) only to a reader of this response whose role may see them in the case's site.
        return case if can(context["request"].user, "status.view_rsd_confidential", case) else None


class CasePage(Schema):
    count: int
    items: list[RsdCaseOut]


def _declaration(field: str):
    return FromModel(GroupDeclaration, field)


class CriteriaIn(Schema):
    site: Line
    nationality: Line
    cutoff_kind: Annotated[str, _declaration("cutoff_kind")] = Field(description="ARRIVAL or REGISTRATION")
    cutoff_date: date
    ethnicity: Annotated[str, _declaration("ethnicity")] = ""


class DeclarationIn(CriteriaIn):
    effective_on: date
    legal_basis: Annotated[str, _declaration("legal_basis")]
    recognised_by: Annotated[str, _declaration("recognised_by")]
    legal_basis_text: Annotated[str, _declaration("legal_basis_text")]


class PersonRef(Schema):
    reference: str
    name: str = ""


class SkippedOut(Schema):
    reference: str
    reason: str
    status: str | None = None


class PreviewOut(Schema):
    count: int
    skipped_count: int
    sample: list[PersonRef]
    skipped_sample: list[SkippedOut]


class DeclarationOut(Schema):
    id: int
    site: str = Field(alias="site.code")
    nationality: str
    cutoff_kind: str
    cutoff_date: date
    ethnicity: str | None
    effective_on: date
    legal_basis: str
    recognised_by: str
    legal_basis_text: str
    declared_by: str
    declared_at: datetime
    applied_count: int
    skipped: list[SkippedOut]
    revoked_at: datetime | None
    revoke_reason: str
    reverted_count: int

    @staticmethod
    def resolve_nationality(declaration: GroupDeclaration) -> str:
        return declaration.nationality.code

    @staticmethod
    def resolve_ethnicity(declaration: GroupDeclaration) -> str | None:
        return declaration.ethnicity or None

    @staticmethod
    def resolve_declared_by(declaration: GroupDeclaration) -> str:
        return declaration.declared_by.get_username()


class ReasonIn(Schema):
    reason: Text
    confirm: bool = Field(
        False, description="Must be true: without it nothing changes and a 409 carries the preview of what would."
    )


class DesignationIn(Schema):
    site: Line
    designation: Annotated[str, FromModel(SiteDesignationAct, "designation")]
    effective_on: date
    legal_basis_text: Annotated[str, FromModel(SiteDesignationAct, "legal_basis_text")]


class DesignationOut(Schema):
    id: int
    site: str = Field(alias="site.code")
    designation: str
    effective_on: date
    legal_basis_text: str
    previous_designation: str
    previous_designated_on: date | None
    recorded_by: str
    recorded_at: datetime
    revoked_at: datetime | None
    revoke_reason: str

    @staticmethod
    def resolve_recorded_by(act: SiteDesignationAct) -> str:
        return act.recorded_by.get_username()


# --- helpers ----------------------------------------------------------------------------


def _criteria(actor: Actor, p: CriteriaIn) -> queries.Criteria:
    return queries.Criteria(
        site=registry_queries.site_in_scope(actor, p.site),
        nationality=p.nationality.upper(),
        cutoff_kind=p.cutoff_kind,
        cutoff_date=p.cutoff_date,
        ethnicity=p.ethnicity,
    )


def _example(body: dict) -> dict:
    """An example request body for the API docs."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


# --- persons' status --------------------------------------------------------------------


@router.get(
    "/persons/{reference}/status-history",
    summary="A person's status history",
    response=HistoryOut,
    auth=requires("status.view_statusentry"),
)
def status_history(request: AuthedRequest, reference: Line):
    person = registry_queries.get_person(request.user, reference)
    entries = queries.status_history(request.user, person)
    return {
        "reference": person.reference,
        "current": queries.status_on(person),
        "entries": entries,
    }


@router.get(
    "/persons/{reference}/status",
    summary="A person's current status",
    response=SnapshotOut,
    auth=requires("status.view_statusentry"),
)
def person_status(request: AuthedRequest, reference: Line, on: date | None = None):
    person = registry_queries.get_person(request.user, reference)
    return queries.person_status(request.user, person, on)


# --- RSD cases --------------------------------------------------------------------------


@router.post(
    "/rsd-cases",
    summary="Open an RSD case",
    response={201: RsdCaseOut},
    auth=requires("status.add_rsdcase"),
    openapi_extra=_example(
        {
            "applicant": "AAA-000123",
            "dependants": ["AAA-000124"],
            "registered_on": "2026-03-02",
            "assigned_officer": "rsd-officer",
        }
    ),
)
def create_case(request: AuthedRequest, payload: RsdCaseIn):
    actor = request.user
    applicant = registry_queries.get_person(actor, payload.applicant)
    dependants = [registry_queries.get_person(actor, ref) for ref in payload.dependants]
    case = services.register_rsd_case(
        actor=actor,
        applicant=applicant,
        dependants=dependants,
        registered_on=payload.registered_on,
        assigned_officer=queries.user_named(payload.assigned_officer, field="assigned_officer"),
    )
    return Status(201, queries.get_case(actor, case.reference))


@router.get("/rsd-cases", summary="List RSD cases", response=CasePage, auth=requires("status.view_rsdcase"))
def list_cases(
    request: AuthedRequest,
    queue: Line = "open",
    state: Line | None = None,
    site: Line | None = None,
    offset: Offset = 0,
    limit: Id = 50,
):
    if queue not in queries.QUEUES:
        raise InvalidInput({"queue": [f"Use one of {', '.join(queries.QUEUES)}."]})
    qs = queries.case_queue(request.user, queue)
    if state:
        qs = qs.filter(state=state)
    if site:
        qs = qs.filter(site__code=site)
    limit = min(max(limit, 1), 500)
    rows = list(qs[max(offset, 0) : max(offset, 0) + limit])
    return {"count": qs.count(), "items": rows}


@router.get(
    "/rsd-cases/{reference}", summary="Read one RSD case", response=RsdCaseOut, auth=requires("status.view_rsdcase")
)
def get_case(request: AuthedRequest, reference: Line):
    return queries.get_case(request.user, reference)


@router.post(
    "/rsd-cases/{reference}/transitions",
    summary="Take the next step of an RSD case",
    response=RsdCaseOut,
    auth=requires("status.change_rsdcase"),
    openapi_extra=_example(
        {
            "action": "schedule_interview",
            "on": "2026-03-05",
            "interview_on": "2026-03-19",
            "notes": "Arabic interpreter booked.",
        }
    ),
)
def transition(request: AuthedRequest, reference: Line, payload: RsdTransitionIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, "status.change_rsdcase", case)
    data = payload.dict(exclude_none=True)
    action, on, confirm = data.pop("action"), data.pop("on", None), data.pop("confirm", False)
    if not confirm and RSD_CASE.allows(action, case.state):
        consequence = previews.rsd_step(request.user, case, action, data, on)
        if consequence is not None:
            raise ConfirmationRequired(consequence.as_dict())
    services.transition_rsd_case(actor=request.user, case=case, action=action, on=on, data=data)
    return queries.get_case(request.user, reference)


@router.post(
    "/rsd-cases/{reference}/assign",
    summary="Assign an RSD case to an officer",
    response=RsdCaseOut,
    auth=requires("status.change_rsdcase"),
    openapi_extra=_example({"officer": "rsd-officer"}),
)
def assign(request: AuthedRequest, reference: Line, payload: AssignIn):
    case = queries.get_case(request.user, reference)
    ensure(request.user, "status.change_rsdcase", case)
    officer = queries.user_named(payload.officer, field="officer")
    services.assign_rsd_case(actor=request.user, case=case, officer=officer)
    return queries.get_case(request.user, reference)


# --- group declarations -----------------------------------------------------------------


@router.post(
    "/group-declarations/preview",
    summary="Preview who a group declaration would cover",
    response=PreviewOut,
    auth=requires("status.add_groupdeclaration"),
    openapi_extra=_example({"site": "AAA", "nationality": "SY", "cutoff_kind": "ARRIVAL", "cutoff_date": "2026-01-31"}),
)
def preview(request: AuthedRequest, payload: CriteriaIn):
    return queries.preview_declaration(request.user, _criteria(request.user, payload))


@router.post(
    "/group-declarations",
    summary="Make a prima facie group declaration",
    response={201: DeclarationOut},
    auth=requires("status.add_groupdeclaration"),
    openapi_extra=_example(
        {
            "site": "AAA",
            "nationality": "SY",
            "cutoff_kind": "ARRIVAL",
            "cutoff_date": "2026-01-31",
            "effective_on": "2026-03-01",
            "legal_basis": "1951_CONV",
            "recognised_by": "UNHCR",
            "legal_basis_text": "Prima facie recognition of arrivals from the conflict areas.",
        }
    ),
)
def declare(request: AuthedRequest, payload: DeclarationIn):
    d = services.declare_group(
        actor=request.user,
        criteria=_criteria(request.user, payload),
        effective_on=payload.effective_on,
        legal_basis=payload.legal_basis,
        recognised_by=payload.recognised_by,
        legal_basis_text=payload.legal_basis_text,
    )
    return Status(201, queries.get_declaration(request.user, d.pk))


@router.get(
    "/group-declarations",
    summary="List group declarations",
    response=list[DeclarationOut],
    auth=requires("status.view_groupdeclaration"),
)
def list_declarations(request: AuthedRequest):
    return queries.declarations_for(request.user)[:200]


@router.get(
    "/group-declarations/{declaration_id}",
    response=DeclarationOut,
    auth=requires("status.view_groupdeclaration"),
    summary="Read one group declaration",
)
def get_declaration(request: AuthedRequest, declaration_id: Id):
    return queries.get_declaration(request.user, declaration_id)


@router.post(
    "/group-declarations/{declaration_id}/revoke",
    summary="Revoke a group declaration",
    response=DeclarationOut,
    auth=requires("status.revoke_groupdeclaration"),
    openapi_extra=_example({"reason": "The declaration named the wrong cut-off date.", "confirm": True}),
)
def revoke_declaration(request: AuthedRequest, declaration_id: Id, payload: ReasonIn):
    d = queries.get_declaration(request.user, declaration_id)
    ensure(request.user, "status.revoke_groupdeclaration", d)
    if not payload.confirm and d.revoked_at is None:
        raise ConfirmationRequired(previews.declaration_revocation(request.user, d).as_dict())
    services.revoke_group_declaration(actor=request.user, declaration=d, reason=payload.reason)
    return queries.get_declaration(request.user, declaration_id)


# --- site designation acts --------------------------------------------------------------


@router.get(
    "/site-designations",
    summary="List site designations",
    response=list[DesignationOut],
    auth=requires("status.view_sitedesignationact"),
)
def list_designations(request: AuthedRequest):
    return queries.designations_for(request.user)[:200]


@router.post(
    "/site-designations",
    summary="Designate a site",
    response={201: DesignationOut},
    auth=requires("status.add_sitedesignationact"),
    openapi_extra=_example(
        {
            "site": "AAA",
            "designation": "REFUGEE_CAMP",
            "effective_on": "2026-03-01",
            "legal_basis_text": "Ministerial order 2026/14 designating the site.",
        }
    ),
)
def designate(request: AuthedRequest, payload: DesignationIn):
    act = services.designate_site(
        actor=request.user,
        site=registry_queries.site_in_scope(request.user, payload.site),
        designation=payload.designation,
        effective_on=payload.effective_on,
        legal_basis_text=payload.legal_basis_text,
    )
    return Status(201, queries.get_designation(request.user, act.pk))


@router.post(
    "/site-designations/{act_id}/revoke",
    summary="Revoke a site designation",
    response=DesignationOut,
    auth=requires("status.revoke_sitedesignationact"),
    openapi_extra=_example({"reason": "The ministerial order was withdrawn.", "confirm": True}),
)
def revoke_designation(request: AuthedRequest, act_id: Id, payload: ReasonIn):
    act = queries.get_designation(request.user, act_id)
    ensure(request.user, "status.revoke_sitedesignationact", act)
    if not payload.confirm and act.revoked_at is None:
        raise ConfirmationRequired(previews.designation_revocation(act).as_dict())
    services.revoke_site_designation(actor=request.user, act=act, reason=payload.reason)
    return queries.get_designation(request.user, act_id)
