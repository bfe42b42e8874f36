"""Every write about a protection case except its referrals (`services_referrals`): opening
it, consent and its withdrawal, assessments, the plan, reviews, notes, closing and reopening.

Each service takes the actor first and keyword-only arguments, runs lock → check → write →
audit in one transaction, and raises a `core.errors` error with a stable code. The case's
`state` changes only in `_enter_state`, which reads `transitions.PROTECTION_CASE`. Consent is
asked of `safeguards.consent_rules` before an assessment (no information collected without
it). Who may work on a case is who may see it (`queries.cases_for`) and holds
`cases.change_protectioncase`: a sensitive case is worked on by its caseworker, its
supervisor and `cases.view_sensitive_case` only; anyone else meets a `NotFound`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import age_on, today
from asylon.core.errors import InvalidInput, NotFound, SafeguardRefusal
from asylon.core.scope import can, ensure
from asylon.core.types import Actor
from asylon.incidents.models import Incident, RollCallEntry, RollCallResult
from asylon.registry.models import Household, NeedStatus, Person, SpecificNeed
from asylon.registry.references import next_reference
from asylon.safeguards import consent_rules
from asylon.sharing.models import Recipient

from . import assessments, queries
from .models import (
    REVIEW_INTERVAL_DAYS,
    Assessment,
    CaseNote,
    CaseState,
    CaseType,
    ClosureReason,
    Consent,
    ConsentGiver,
    ConsentScope,
    Origin,
    PlanAction,
    ProtectionCase,
    Review,
    RiskLevel,
    Service,
)
from .referrals import SHAREABLE
from .transitions import PROTECTION_CASE, Action

OPEN = "cases.add_protectioncase"
WORK = "cases.change_protectioncase"
PREFIX = "PC"
# Roll-call results that may open a case: a person hurt or not found (DOMAIN.md 9.2).
CASE_RESULTS = frozenset({RollCallResult.INJURED, RollCallResult.MISSING, RollCallResult.NOT_FOUND})


def review_due(risk_level: str, on: date) -> date:
    return on + timedelta(days=REVIEW_INTERVAL_DAYS[risk_level])


def _is_child(case: ProtectionCase, on: date) -> bool:
    born = case.person.date_of_birth if case.person is not None else None
    return born is not None and age_on(born, on) < 18


def _staff(user: Any, case_or_subject: Any, field: str) -> None:
    """A caseworker, supervisor or plan owner: an active account that may work on cases there."""
    if user is None or not getattr(user, "is_active", False) or not can(user, WORK, case_or_subject):
        raise InvalidInput({field: [_("Choose a protection worker of this site.")]})


def _locked(actor: Actor, case: ProtectionCase) -> ProtectionCase:
    """The case locked for a write by an actor who may work on it (else: it does not exist)."""
    if not queries.cases_for(actor).filter(pk=case.pk).exists():
        raise NotFound(_("No such case."))
    ensure(actor, WORK, case)
    return ProtectionCase.objects.select_for_update(of=("self",)).select_related("person", "household").get(pk=case.pk)


def _enter_state(actor: Actor, case: ProtectionCase, action: str, *, reason: str = "", **changes: Any) -> None:
    """The one writer of `ProtectionCase.state` (transitions.PROTECTION_CASE)."""
    step = PROTECTION_CASE.step_for(action, case.state)
    if step.needs_reason and not reason.strip():
        raise InvalidInput({"reason": [_("Give the reason.")]})
    before = case.state
    case.state = step.target
    for name, value in changes.items():
        setattr(case, name, value)
    case.save(update_fields=["state", *changes])
    audit.record(actor, f"case.{action}", case, changes={"state": [before, case.state]}, reason=reason)


@transaction.atomic
def open_case(
    *,
    actor: Actor,
    case_type: str,
    risk_level: str,
    caseworker: Any,
    person: Person | None = None,
    household: Household | None = None,
    supervisor: Any = None,
    need: SpecificNeed | None = None,
    incident: Incident | None = None,
    mark: RollCallEntry | None = None,
    summary: str = "",
) -> ProtectionCase:
    """Open a case for a person or a household, by hand or from what identified the need."""
    subject = person or household
    if subject is None or (person is not None and household is not None):
        raise InvalidInput({"person": [_("Open the case for one person or one household.")]})
    ensure(actor, OPEN, subject)
    errors: dict[str, list[str]] = {}
    if case_type not in CaseType.values:
        errors["case_type"] = [_("Choose a case type.")]
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("Choose a risk level.")]
    for field, user in (("caseworker", caseworker), ("supervisor", supervisor)):
        if user is not None or field == "caseworker":
            try:
                _staff(user, subject, field)
            except InvalidInput as exc:
                errors |= exc.errors
    if supervisor is not None and caseworker is not None and supervisor.pk == caseworker.pk:
        errors["supervisor"] = [_("The supervisor is someone other than the caseworker.")]
    origin = _origin(person, subject, need, incident, mark, errors)
    if errors:
        raise InvalidInput(errors)
    on = today()
    case = ProtectionCase.objects.create(
        reference=next_reference(PREFIX),
        site_id=subject.site_id,
        person=person,
        household=household,
        case_type=case_type,
        risk_level=risk_level,
        caseworker=caseworker,
        supervisor=supervisor,
        origin=origin,
        origin_need=need,
        origin_incident=incident,
        origin_mark=mark,
        summary=(summary or "").strip(),
        next_review_on=review_due(risk_level, on),
        opened_by=actor,
    )
    audit.record(
        actor,
        "case.opened",
        case,
        changes={
            "subject": subject.reference,
            "case_type": case_type,
            "risk_level": risk_level,
            "caseworker": caseworker.get_username(),
            "supervisor": supervisor.get_username() if supervisor else None,
            "origin": origin,
        },
    )
    return case


def _origin(person, subject, need, incident, mark, errors: dict[str, list[str]]) -> str:
    given = [o for o in (need, incident, mark) if o is not None]
    if len(given) > 1:
        errors["origin"] = [_("A case has one origin.")]
        return Origin.MANUAL
    if need is not None:
        if person is None or need.person_id != person.pk:
            errors["origin"] = [_("The specific need is not this person's.")]
        elif need.status not in (NeedStatus.FLAGGED, NeedStatus.CONFIRMED):
            errors["origin"] = [_("Only a flagged or confirmed need opens a case.")]
        return Origin.SPECIFIC_NEED
    if incident is not None:
        if incident.site_id != subject.site_id:
            errors["origin"] = [_("The incident is not in this site.")]
        return Origin.INCIDENT
    if mark is not None:
        if person is None or mark.person_id != person.pk:
            errors["origin"] = [_("The roll-call mark is not this person's.")]
        elif mark.result not in CASE_RESULTS:
            errors["origin"] = [_("Only an injured, missing or not found resident's mark opens a case.")]
        return Origin.ROLL_CALL
    return Origin.MANUAL


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    case: ProtectionCase,
    giver: str,
    scope: str,
    given_on: date | None = None,
    guardian_name: str = "",
    guardian_relation: str = "",
    service: str = "",
    recipient: Recipient | None = None,
    fields: list[str] | tuple[str, ...] = (),
) -> Consent:
    """Record who consented to what. For a child, the child's assent and a guardian's consent
    are two records, both needed (safeguards.consent_rules)."""
    case = _locked(actor, case)
    on = given_on or today()
    errors: dict[str, list[str]] = {}
    child = _is_child(case, on)
    if giver not in ConsentGiver.values:
        errors["giver"] = [_("Say who consents.")]
    elif child and giver == ConsentGiver.PERSON:
        errors["giver"] = [_("For a child, record the child's assent and a guardian's consent.")]
    elif not child and giver == ConsentGiver.CHILD:
        errors["giver"] = [_("This person is not a child: record the person's own consent.")]
    if giver == ConsentGiver.GUARDIAN and not (guardian_name.strip() and guardian_relation.strip()):
        errors["guardian_name"] = [_("Name the guardian and their relation to the person.")]
    if on > today():
        errors["given_on"] = [_("Consent cannot be recorded for a future day.")]
    field_list = sorted(set(fields))
    if scope == ConsentScope.REFERRAL:
        if service not in Service.values:
            errors["service"] = [_("Name the service the person agrees to be referred to.")]
        unknown = [f for f in field_list if f not in SHAREABLE]
        if unknown or not field_list:
            errors["fields"] = [_("List the fields the person agrees to share.")]
    elif scope == ConsentScope.CASE_MANAGEMENT:
        service, recipient, field_list = "", None, []
    else:
        errors["scope"] = [_("Say what the consent is for.")]
    if errors:
        raise InvalidInput(errors)
    consent = Consent.objects.create(
        case=case,
        giver=giver,
        guardian_name=guardian_name.strip() if giver == ConsentGiver.GUARDIAN else "",
        guardian_relation=guardian_relation.strip() if giver == ConsentGiver.GUARDIAN else "",
        scope=scope,
        service=service,
        recipient=recipient,
        fields=field_list,
        given_on=on,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "case.consent_recorded",
        case,
        changes={
            "giver": giver,
            "scope": scope,
            "service": service,
            "recipient": recipient.name if recipient else None,
            "fields": field_list,
            "given_on": on.isoformat(),
        },
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor: Actor, consent: Consent, note: str = "") -> Consent:
    _locked(actor, consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on = today()
    consent.withdrawn_by = actor
    consent.withdrawal_note = (note or "").strip()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_note"])
    audit.record(
        actor, "case.consent_withdrawn", consent.case, changes={"scope": consent.scope, "giver": consent.giver}
    )
    return consent


def consent_facts(case: ProtectionCase) -> list[consent_rules.ConsentFact]:
    return [
        consent_rules.ConsentFact(
            giver=c.giver,
            scope=c.scope,
            given_on=c.given_on,
            service=c.service,
            recipient=c.recipient.name if c.recipient else "",
            fields=frozenset(c.fields),
            withdrawn_on=c.withdrawn_on,
        )
        for c in case.consents.select_related("recipient")
    ]


def require_consent(case: ProtectionCase, *, scope: str, **what: Any) -> None:
    """Raise the consent rule's refusal (rule DC) unless the consent on file covers the step."""
    on = today()
    refusal = consent_rules.consent_refusal(consent_facts(case), scope=scope, child=_is_child(case, on), on=on, **what)
    if refusal is not None:
        raise SafeguardRefusal(consent_rules.RULE, consent_rules.LEGAL_BASIS, refusal.english(), refusal.as_dict())


# --- assessment, plan, review, notes ---------------------------------------------------------


@transaction.atomic
def record_assessment(*, actor: Actor, case: ProtectionCase, answers: dict[str, Any]) -> Assessment:
    """Record the assessment of the case's type (assessments.QUESTIONS); the first one moves
    an open case to ASSESSED. Refused without consent to case management (rule DC)."""
    case = _locked(actor, case)
    if case.state == CaseState.CLOSED:
        raise PROTECTION_CASE.refused(case.state, action=Action.ASSESS)
    require_consent(case, scope=ConsentScope.CASE_MANAGEMENT)
    clean = assessments.validate(case.case_type, answers)
    assessment = Assessment.objects.create(case=case, case_type=case.case_type, answers=clean, assessed_by=actor)
    if case.state == CaseState.OPEN:
        _enter_state(actor, case, Action.ASSESS)
    audit.record(actor, "case.assessment_recorded", case, changes={"questions": sorted(clean)})
    return assessment


@transaction.atomic
def add_plan_action(*, actor: Actor, case: ProtectionCase, action: str, owner: Any, due_on: date) -> PlanAction:
    """Add an action to the plan; the first one starts the plan of an assessed case."""
    case = _locked(actor, case)
    if case.state not in (CaseState.ASSESSED, CaseState.PLAN_ACTIVE):
        raise PROTECTION_CASE.refused(case.state, action=Action.START_PLAN)
    errors: dict[str, list[str]] = {}
    if not (action or "").strip():
        errors["action"] = [_("Say what is to be done.")]
    try:
        _staff(owner, case, "owner")
        if case.sensitive and not queries.reads_confidential(owner, case):
            # An owner who may not know the case exists would learn it from their own work.
            errors["owner"] = [_("On this case, only its caseworker or supervisor can own an action.")]
    except InvalidInput as exc:
        errors |= exc.errors
    if due_on is None:
        errors["due_on"] = [_("Give the due date.")]
    if errors:
        raise InvalidInput(errors)
    item = PlanAction.objects.create(
        case=case, action=action.strip()[:300], owner=owner, due_on=due_on, created_by=actor
    )
    if case.state == CaseState.ASSESSED:
        _enter_state(actor, case, Action.START_PLAN)
    audit.record(
        actor,
        "case.action_added",
        case,
        changes={"action": item.action, "owner": owner.get_username(), "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic
def complete_plan_action(*, actor: Actor, item: PlanAction, outcome: str) -> PlanAction:
    """The owner (or anyone working on the case) records that the action is done and how."""
    case = _locked(actor, item.case)
    item = PlanAction.objects.select_for_update().get(pk=item.pk, case=case)
    if item.done_on is not None:
        raise PROTECTION_CASE.refused(case.state, action=Action.START_PLAN)
    if not (outcome or "").strip():
        raise InvalidInput({"outcome": [_("Say what came of it.")]})
    item.done_on = today()
    item.outcome = outcome.strip()
    item.save(update_fields=["done_on", "outcome"])
    audit.record(actor, "case.action_done", case, changes={"action": item.action})
    return item


@transaction.atomic
def record_review(
    *,
    actor: Actor,
    case: ProtectionCase,
    note: str = "",
    risk_level: str = "",
    next_review_on: date | None = None,
) -> Review:
    """A review: the next one falls after the risk level's interval unless a date is set. A
    new risk level, if given, is the case's from now on."""
    case = _locked(actor, case)
    if case.state == CaseState.CLOSED:
        raise PROTECTION_CASE.refused(case.state, action=Action.CLOSE)
    on = today()
    if risk_level and risk_level not in RiskLevel.values:
        raise InvalidInput({"risk_level": [_("Choose a risk level.")]})
    if next_review_on is not None and next_review_on <= on:
        raise InvalidInput({"next_review_on": [_("The next review falls after today.")]})
    before = case.risk_level
    level = risk_level or case.risk_level
    following = next_review_on or review_due(level, on)
    review = Review.objects.create(
        case=case, reviewed_on=on, reviewed_by=actor, note=(note or "").strip(), next_review_on=following
    )
    case.risk_level = level
    case.next_review_on = following
    case.save(update_fields=["risk_level", "next_review_on"])
    audit.record(
        actor,
        "case.reviewed",
        case,
        changes={"risk_level": [before, level], "next_review_on": following.isoformat()},
    )
    return review


@transaction.atomic
def add_note(*, actor: Actor, case: ProtectionCase, text: str) -> CaseNote:
    """A confidential note: written, like read, by the caseworker, the supervisor and
    `cases.view_sensitive_case` only. The trail records that a note was written, not its text."""
    case = _locked(actor, case)
    if not queries.reads_confidential(actor, case):
        raise NotFound(_("No such case."))
    if not (text or "").strip():
        raise InvalidInput({"text": [_("Write the note.")]})
    note = CaseNote.objects.create(case=case, text=text.strip(), written_by=actor)
    audit.record(actor, "case.note_added", case, changes={"note": note.pk})
    return note


@transaction.atomic
def close_case(*, actor: Actor, case: ProtectionCase, reason: str, note: str = "") -> ProtectionCase:
    case = _locked(actor, case)
    if reason not in ClosureReason.values:
        raise InvalidInput({"reason": [_("Choose the reason for closing.")]})
    _enter_state(
        actor,
        case,
        Action.CLOSE,
        reason=f"{reason}: {note}".strip(": "),
        closure_reason=reason,
        closed_on=today(),
        next_review_on=None,
    )
    return case


@transaction.atomic
def reopen_case(*, actor: Actor, case: ProtectionCase, reason: str) -> ProtectionCase:
    case = _locked(actor, case)
    _enter_state(
        actor,
        case,
        Action.REOPEN,
        reason=reason or "",
        closure_reason="",
        closed_on=None,
        next_review_on=review_due(case.risk_level, today()),
    )
    return case
