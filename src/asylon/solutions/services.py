"""Every write about resettlement: countries, pledges, cases, submissions, departures.

A case's stage changes only in `_enter_stage`, following `transitions.TRANSITIONS`, and
each change leaves a StageEntry and one audit event. Submitting a case to a country grants
that country's delegation sight of the case's members (sharing.services.grant_sharing, D3); a
rejection, an arrival or a closure ends the grant. A departure is one
RESETTLEMENT_DEPARTURE movement per member, requested and carried out through
movements.requests, so the non-refoulement gate assesses every person: a refusal leaves
the case where it was and is raised (the refused attempt stays recorded by movements).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.movements.models import Movement, MovementKind, MovementState
from asylon.registry.models import Household, Membership, Person, Presence
from asylon.registry.references import next_reference
from asylon.sharing import services as sharing_services

from .models import (
    CaseMember,
    CaseSplit,
    Category,
    Outcome,
    Priority,
    ReceivingCountry,
    ResettlementCase,
    Stage,
    StageEntry,
    Submission,
    SubmissionBatch,
)
from .transitions import RESETTLEMENT_CASE

MANAGE = "solutions.manage_resettlement"
GONE = (Presence.DEPARTED, Presence.DECEASED)
KIND = MovementKind.RESETTLEMENT_DEPARTURE


# --- the one place a case's stage is written -----------------------------------------------


def _enter_stage(actor: Actor, case: ResettlementCase, action: str, *, note: str = "", changes: dict | None = None):
    target = RESETTLEMENT_CASE.step_for(action, case.stage).target
    before = case.stage
    now = timezone.now()
    case.stage, case.stage_since = target, now
    case.save()
    StageEntry.objects.create(
        case=case, from_stage=before, to_stage=target, action=action, at=now, actor=actor, note=note
    )
    audit.record(
        actor,
        f"resettlement.{action}",
        case,
        changes={"stage": [before, target], **(changes or {})},
        reason=note,
        site_id=case.site_id,
    )
    return case


def _lock(case: ResettlementCase) -> ResettlementCase:
    return ResettlementCase.objects.select_for_update(of=("self",)).select_related("site").get(pk=case.pk)


def _members(case: ResettlementCase) -> list[Person]:
    return [m.person for m in case.members.filter(active=True).select_related("person", "person__site")]


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]})
    return value


# --- cases -------------------------------------------------------------------------------------


def _categories(primary: str, secondary: str, errors: dict) -> None:
    if primary not in Category.values:
        errors["primary_category"] = [_("Choose the primary submission category.")]
    if secondary and secondary not in Category.values:
        errors["secondary_category"] = [_("Unknown submission category.")]
    if secondary and secondary == primary:
        errors["secondary_category"] = [_("The secondary category must differ from the primary.")]


@transaction.atomic
def open_case(
    *,
    actor: Actor,
    household: Household,
    primary_category: str,
    secondary_category: str = "",
    priority: str = Priority.NORMAL,
) -> ResettlementCase:
    """Open a case for a whole household: every current member still in the camp. A
    household is split only later, by `split_case`, with a reason."""
    ensure(actor, MANAGE, household)
    errors: dict[str, list[str]] = {}
    _categories(primary_category, secondary_category, errors)
    if priority not in Priority.values:
        errors["priority"] = [_("Unknown priority.")]
    if errors:
        raise InvalidInput(errors)
    memberships = list(
        Membership.objects.filter(household=household, ended_on__isnull=True)
        .exclude(person__presence__in=GONE)
        .select_related("person")
        .order_by("pk")
    )
    if not memberships:
        raise Conflict(_("Nobody of this household is in the camp."), code="household_empty")
    persons = [m.person for m in memberships]
    # Every member is held until the case commits (in id order, as every act locks persons);
    # `.exists()` would lock one only, since it reads with LIMIT 1.
    list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in persons]).order_by("pk").values_list("pk"))
    taken = CaseMember.objects.filter(person__in=persons, active=True).select_related("case", "person")
    if taken:
        refs = ", ".join(f"{m.person.reference} ({m.case.reference})" for m in taken)
        raise Conflict(_("Already in an open case: %(refs)s.") % {"refs": refs}, code="already_in_case")
    now = timezone.now()
    case = ResettlementCase.objects.create(
        reference=next_reference(f"{household.site.code}-RST"),
        site_id=household.site_id,
        household=household,
        stage=Stage.IDENTIFIED,
        stage_since=now,
        persons=len(memberships),
        priority=priority,
        primary_category=primary_category,
        secondary_category=secondary_category,
        created_by=actor,
    )
    CaseMember.objects.bulk_create(
        [CaseMember(case=case, person=m.person, relationship=m.relationship) for m in memberships]
    )
    StageEntry.objects.create(case=case, from_stage="", to_stage=Stage.IDENTIFIED, action="open", at=now, actor=actor)
    audit.record(
        actor,
        "resettlement.opened",
        case,
        changes={"household": household.reference, "members": [p.reference for p in persons], "priority": priority},
        site_id=case.site_id,
    )
    return case


@transaction.atomic
def split_case(*, actor: Actor, case: ResettlementCase, persons: Iterable[Person], reason: str) -> ResettlementCase:
    """Take some members out of a household's case into a case of their own: only by an
    explicit decision with its reason, and only before the case is submitted."""
    case = _lock(case)
    ensure(actor, MANAGE, case)
    reason = _text(reason, "reason", _("A household is split only by a reasoned decision: give the reason."))
    if case.stage not in (Stage.IDENTIFIED, Stage.ASSESSED):
        raise Conflict(_("Only a case not yet submitted can be split."), code="split_after_submission")
    wanted = {p.pk for p in persons}
    rows = list(case.members.filter(active=True).select_related("person"))
    moving = [m for m in rows if m.person_id in wanted]
    if not moving or len(moving) != len(wanted):
        raise InvalidInput({"persons": [_("Name members of this case.")]})
    if len(moving) == len(rows):
        raise InvalidInput({"persons": [_("At least one member must stay in the case.")]})
    CaseMember.objects.filter(pk__in=[m.pk for m in moving]).update(active=False)
    case.persons -= len(moving)
    case.save(update_fields=["persons"])
    now = timezone.now()
    new = ResettlementCase.objects.create(
        reference=next_reference(f"{case.site.code}-RST"),
        site_id=case.site_id,
        household_id=case.household_id,
        split_from=case,
        stage=case.stage,
        stage_since=now,
        persons=len(moving),
        priority=case.priority,
        primary_category=case.primary_category,
        secondary_category=case.secondary_category,
        need_assessment=case.need_assessment,
        assessed_by=case.assessed_by,
        assessed_on=case.assessed_on,
        created_by=actor,
    )
    CaseMember.objects.bulk_create(
        [CaseMember(case=new, person_id=m.person_id, relationship=m.relationship) for m in moving]
    )
    refs = sorted(m.person.reference for m in moving)
    CaseSplit.objects.create(case=case, new_case=new, person_refs=refs, reason=reason, decided_by=actor)
    StageEntry.objects.create(
        case=new, from_stage="", to_stage=new.stage, action="split", at=now, actor=actor, note=reason
    )
    audit.record(
        actor,
        "resettlement.split",
        case,
        changes={"new_case": new.reference, "persons": refs},
        reason=reason,
        site_id=case.site_id,
    )
    return new


@transaction.atomic
def assess_case(
    *,
    actor: Actor,
    case: ResettlementCase,
    need_assessment: str,
    primary_category: str | None = None,
    secondary_category: str | None = None,
    priority: str | None = None,
) -> ResettlementCase:
    """Record the resettlement need assessment (and, if changed, categories and priority)."""
    case = _lock(case)
    ensure(actor, MANAGE, case)
    text = _text(need_assessment, "need_assessment", _("Write the resettlement need assessment."))
    primary = primary_category or case.primary_category
    secondary = case.secondary_category if secondary_category is None else secondary_category
    errors: dict[str, list[str]] = {}
    _categories(primary, secondary, errors)
    if priority is not None and priority not in Priority.values:
        errors["priority"] = [_("Unknown priority.")]
    if errors:
        raise InvalidInput(errors)
    case.need_assessment, case.assessed_by, case.assessed_on = text, actor, today()
    case.primary_category, case.secondary_category = primary, secondary
    case.priority = priority or case.priority
    return _enter_stage(actor, case, "assess", changes={"priority": case.priority, "categories": [primary, secondary]})


def _open_submission(case: ResettlementCase) -> Submission:
    sub = case.submissions.select_for_update().filter(outcome__in=[Outcome.PENDING, Outcome.ACCEPTED]).first()
    if sub is None:
        raise Conflict(_("This case has no open submission."), code="no_submission")
    return sub


def _submit(actor: Actor, case: ResettlementCase, country: ReceivingCountry, on: date, batch=None) -> Submission:
    ensure(actor, MANAGE, case)
    if not country.active:
        raise Conflict(_("This country takes no submissions now."), code="country_inactive")
    if country.recipient_id is None:
        raise Conflict(_("Record the country's delegation (recipient) before submitting."), code="no_delegation")
    if case.submissions.filter(country=country, outcome=Outcome.REJECTED).exists():
        raise Conflict(_("This country already rejected the case; resubmit to another."), code="already_rejected")
    RESETTLEMENT_CASE.step_for("submit", case.stage)  # refuses before anything is written
    if on > today():
        raise InvalidInput({"submitted_on": [_("The date is in the future.")]})
    members = _members(case)
    submission = Submission.objects.create(
        case=case, country=country, batch=batch, priority=case.priority, submitted_on=on, submitted_by=actor
    )
    assert country.recipient is not None
    sharing_services.grant_sharing(
        actor=actor,
        recipient=country.recipient,
        persons=members,
        reason=_("Resettlement case %(ref)s submitted") % {"ref": case.reference},
        source=submission.source,
    )
    resubmission = case.stage == Stage.REJECTED
    case.country, case.submitted_on = country, on
    _enter_stage(actor, case, "submit", changes={"country": country.country.code, "resubmission": resubmission})
    return submission


@transaction.atomic
def submit_case(
    *, actor: Actor, case: ResettlementCase, country: ReceivingCountry, on: date | None = None
) -> Submission:
    """Submit to one country (one open submission at a time; after a rejection, to another).
    The country's delegation may then see the case's members, and only them."""
    return _submit(actor, _lock(case), country, on or today())


@transaction.atomic
def schedule_interview(*, actor: Actor, case: ResettlementCase, on: date) -> ResettlementCase:
    case = _lock(case)
    ensure(actor, MANAGE, case)
    RESETTLEMENT_CASE.step_for("interview", case.stage)
    submission = _open_submission(case)
    submission.interview_on = on
    submission.save(update_fields=["interview_on"])
    return _enter_stage(actor, case, "interview", changes={"interview_on": on})


@transaction.atomic
def decide_submission(
    *, actor: Actor, case: ResettlementCase, accepted: bool, note: str = "", on: date | None = None
) -> Submission:
    """Record the country's decision. A rejection ends its sight of the members; the case
    can then be resubmitted to another country."""
    case = _lock(case)
    ensure(actor, MANAGE, case)
    action = "accept" if accepted else "reject"
    RESETTLEMENT_CASE.step_for(action, case.stage)
    submission = _open_submission(case)
    submission.outcome = Outcome.ACCEPTED if accepted else Outcome.REJECTED
    submission.decided_on = on or today()
    submission.decision_note = (note or "").strip()
    submission.save(update_fields=["outcome", "decided_on", "decision_note"])
    if not accepted:
        _end_sharing(actor, submission, _("Rejected by %(c)s") % {"c": submission.country.country.code})
        case.country, case.submitted_on = None, None
    _enter_stage(
        actor, case, action, note=submission.decision_note, changes={"country": submission.country.country.code}
    )
    return submission


def _end_sharing(actor: Actor, submission: Submission, reason: str) -> None:
    recipient = submission.country.recipient
    if recipient is not None:
        sharing_services.expire_sharing(actor=actor, recipient=recipient, reason=reason, source=submission.source)


@transaction.atomic
def start_exit_formalities(*, actor: Actor, case: ResettlementCase) -> ResettlementCase:
    case = _lock(case)
    ensure(actor, MANAGE, case)
    return _enter_stage(actor, case, "exit_formalities")


@transaction.atomic
def record_formalities(
    *,
    actor: Actor,
    case: ResettlementCase,
    exit_permit: bool | None = None,
    medical_clearance: bool | None = None,
    travel_documents: bool | None = None,
) -> ResettlementCase:
    case = _lock(case)
    ensure(actor, MANAGE, case)
    if case.stage != Stage.EXIT_FORMALITIES:
        raise Conflict(_("Exit formalities are recorded once the case is accepted."), code="not_in_formalities")
    before = {
        "exit_permit": case.exit_permit,
        "medical_clearance": case.medical_clearance,
        "travel_documents": case.travel_documents,
    }
    for name, value in (
        ("exit_permit", exit_permit),
        ("medical_clearance", medical_clearance),
        ("travel_documents", travel_documents),
    ):
        if value is not None:
            setattr(case, name, value)
    case.save(update_fields=["exit_permit", "medical_clearance", "travel_documents"])
    after = {k: getattr(case, k) for k in before}
    audit.record(actor, "resettlement.formalities", case, changes=audit.diff(before, after), site_id=case.site_id)
    return case


# --- departure: through the movements app and its non-refoulement gate -------------------------


def _first_blocked(actor: Actor, case: ResettlementCase, persons: list[Person]) -> Person | None:
    """The first member the gate would refuse today, all members moving together (read
    only; the recorded attempt is made by movements.requests for that member)."""
    assert case.country is not None
    preview = gate.preview_movement(
        actor=actor, persons=persons, kind=KIND, destination_country=case.country.country.code
    )
    blocked = [p for p in persons if not preview[p.pk].allowed]
    # A member held back only because another is blocked (N8) is not the one to report.
    first_cause = [p for p in blocked if any(b.rule != "N8" for b in preview[p.pk].blocks)]
    return next(iter(first_cause or blocked), None)


def schedule_departure(*, actor: Actor, case: ResettlementCase, departure_date: date) -> ResettlementCase:
    """Request one resettlement departure per member; the gate assesses each. If it refuses
    anyone, the refusal is recorded (a REFUSED movement) and raised, and the case stays."""
    case = ResettlementCase.objects.select_related("site", "country").get(pk=case.pk)
    ensure(actor, MANAGE, case)
    RESETTLEMENT_CASE.step_for("schedule_departure", case.stage)
    missing = [
        label
        for label, done in (
            (_("exit permit"), case.exit_permit),
            (_("medical clearance"), case.medical_clearance),
            (_("travel documents"), case.travel_documents),
        )
        if not done
    ]
    if missing:
        raise Conflict(
            _("Exit formalities outstanding: %(m)s.") % {"m": ", ".join(missing)}, code="formalities_outstanding"
        )
    if case.country is None:
        raise Conflict(_("The case has no accepting country."), code="no_country")
    # The step first: in the common case the gate lets everyone go, and the facts are then
    # read once, under the step's locks. A refusal rolls the step back; only then is the
    # member to report looked for and the refused attempt recorded, as before.
    try:
        return _schedule_departure(actor=actor, case=case, departure_date=departure_date)
    except gate.MovementRefused:
        pass
    members = _members(case)
    blocked = _first_blocked(actor, case, members)
    if blocked is not None:
        movement_requests.request_movement(
            actor=actor,
            person=blocked,
            kind=KIND,
            destination_country=case.country.country.code,
            note=_("Resettlement case %(ref)s") % {"ref": case.reference},
            together=members,
        )  # records the refusal and raises MovementRefused
    return _schedule_departure(actor=actor, case=case, departure_date=departure_date)


@transaction.atomic
def _schedule_departure(*, actor: Actor, case: ResettlementCase, departure_date: date) -> ResettlementCase:
    case = _lock(case)
    RESETTLEMENT_CASE.step_for("schedule_departure", case.stage)
    assert case.country is not None
    rows = list(case.members.filter(active=True).select_related("person"))
    movements = movement_requests.request_movements(
        actor=actor,
        persons=[m.person for m in rows],
        kind=KIND,
        destination_country=case.country.country.code,
        note=_("Resettlement case %(ref)s") % {"ref": case.reference},
    )
    for member, movement in zip(rows, movements, strict=True):
        member.movement = movement
    CaseMember.objects.bulk_update(rows, ["movement"])
    case.departure_date = departure_date
    return _enter_stage(actor, case, "schedule_departure", changes={"departure_date": departure_date})


def approve_departure(*, actor: Actor, case: ResettlementCase) -> list[Movement]:
    """A protection officer approves each member's departure (the gate runs again)."""
    case = ResettlementCase.objects.get(pk=case.pk)
    ensure(actor, "movements.approve_movement", case)
    if case.stage != Stage.DEPARTURE_SCHEDULED:
        raise Conflict(_("No departure is scheduled for this case."), code="no_departure")
    members = case.members.filter(active=True).select_related("movement")
    assessed = [m.movement for m in members if m.movement and m.movement.state == MovementState.ASSESSED]
    return movement_requests.transition_movements(actor=actor, movements=assessed, action="approve")


def record_departure(*, actor: Actor, case: ResettlementCase, departed_on: date | None = None) -> ResettlementCase:
    """Carry out every member's approved departure: each leaves the register as DEPARTED.
    If the gate now refuses anyone, nobody leaves and the case stays scheduled."""
    case = ResettlementCase.objects.select_related("site", "country").get(pk=case.pk)
    ensure(actor, MANAGE, case)
    RESETTLEMENT_CASE.step_for("depart", case.stage)
    rows = list(case.members.filter(active=True).select_related("person", "movement"))
    if any(m.movement is None or m.movement.state != MovementState.APPROVED for m in rows):
        raise Conflict(_("Every member's departure must first be approved."), code="departure_not_approved")
    by_person = {m.person_id: m.movement for m in rows if m.movement is not None}
    # The step first, as for scheduling (`schedule_departure`).
    try:
        return _record_departure(actor=actor, case=case, departed_on=departed_on or today())
    except gate.MovementRefused:
        pass
    blocked = _first_blocked(actor, case, [m.person for m in rows])
    if blocked is not None:
        movement_requests.transition_movement(actor=actor, movement=by_person[blocked.pk], action="carry_out")
    return _record_departure(actor=actor, case=case, departed_on=departed_on or today())


@transaction.atomic
def _record_departure(*, actor: Actor, case: ResettlementCase, departed_on: date) -> ResettlementCase:
    case = _lock(case)
    RESETTLEMENT_CASE.step_for("depart", case.stage)
    if departed_on > today():
        raise InvalidInput({"departed_on": [_("The date is in the future.")]})
    rows = list(case.members.filter(active=True).select_related("movement"))
    movements = [m.movement for m in rows if m.movement is not None]
    assert len(movements) == len(rows)
    movement_requests.transition_movements(actor=actor, movements=movements, action="carry_out")
    case.departed_on = departed_on
    return _enter_stage(actor, case, "depart", changes={"departed_on": departed_on})


@transaction.atomic
def confirm_arrival(*, actor: Actor, case: ResettlementCase, arrived_on: date | None = None) -> ResettlementCase:
    """The receiving state confirmed the arrival; its sight of the case ends."""
    case = _lock(case)
    ensure(actor, MANAGE, case)
    RESETTLEMENT_CASE.step_for("confirm_arrival", case.stage)
    case.arrived_on = arrived_on or today()
    submission = case.submissions.filter(outcome=Outcome.ACCEPTED).select_related("country__recipient").first()
    if submission is not None:
        _end_sharing(actor, submission, _("Arrival confirmed"))
    case.members.filter(active=True).update(active=False)
    return _enter_stage(actor, case, "confirm_arrival", changes={"arrived_on": case.arrived_on})


@transaction.atomic
def close_case(*, actor: Actor, case: ResettlementCase, reason: str) -> ResettlementCase:
    """Close a case before departure (e.g. the family no longer wishes to resettle). An
    open submission is withdrawn and the country's sight of the members ends."""
    case = _lock(case)
    ensure(actor, MANAGE, case)
    reason = _text(reason, "reason", _("Say why the case is closed."))
    RESETTLEMENT_CASE.step_for("close", case.stage)
    submission = case.submissions.select_for_update().filter(outcome__in=[Outcome.PENDING, Outcome.ACCEPTED]).first()
    if submission is not None:
        submission.outcome = Outcome.WITHDRAWN
        submission.decided_on = today()
        submission.decision_note = reason
        submission.save(update_fields=["outcome", "decided_on", "decision_note"])
        _end_sharing(actor, submission, reason)
    case.closure_reason = reason
    case.members.filter(active=True).update(active=False)
    return _enter_stage(actor, case, "close", note=reason)


# --- bulk submission -----------------------------------------------------------------------------


@transaction.atomic
def submit_batch(
    *, actor: Actor, country: ReceivingCountry, cases: Iterable[ResettlementCase], on: date | None = None
) -> SubmissionBatch:
    """Submit many cases to one country at once (all or none). The manifest is built by
    `manifest.build_manifest(actor=..., batch=...)`, limited to the agreement's fields."""
    ensure(actor, MANAGE)
    from .manifest import manifest_fields

    fields = manifest_fields(country)
    cases = [_lock(c) for c in cases]
    if not cases:
        raise InvalidInput({"cases": [_("Choose at least one case.")]})
    batch = SubmissionBatch.objects.create(country=country, fields=fields, case_count=len(cases), created_by=actor)
    for case in cases:
        _submit(actor, case, country, on or today(), batch=batch)
    # One event per site of the cases, each naming only that site's cases: a site's trail
    # tells nothing of another site's people.
    by_site: dict[int | None, list[str]] = {}
    for c in cases:
        by_site.setdefault(c.site_id, []).append(c.reference)
    entry = audit.Entry(
        "resettlement.batch_submitted", country, changes={"cases": [c.reference for c in cases], "fields": fields}
    )
    audit.record_many(actor, audit.split_by_site(entry, by_site))
    return batch
