"""The refugee status determination procedure: registering a case, assigning it, moving it
one step along `transitions.TRANSITIONS`, and the site's RSD settings. Pages, the API and
commands call these; `transition_rsd_case` is the only code that assigns `RsdCase.state`.

Each step's handler reads the step's fields, checks them, and writes the status entries the
step implies through `entries.append_entries` (a recognition, a final rejection, an
exclusion, an abandonment, a reopening), inside the step's one transaction and audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person, Site
from asylon.registry.references import next_reference

from . import queries
from .entries import append_entries
from .inputs import one_of, required_text
from .models import (
    CLOSED_STATES,
    ConventionGround,
    DeterminationMode,
    ExclusionClause,
    LegalBasis,
    LegalStatus,
    Outcome,
    RecognisedBy,
    ReopenGround,
    RsdCase,
    RsdCaseMember,
    RsdSiteSettings,
    RsdState,
    RsdTransition,
)
from .transitions import DECIDING_ACTIONS, RSD_CASE, Action


@transaction.atomic
def register_rsd_case(
    *,
    actor: Actor,
    applicant: Person,
    dependants: Iterable[Person] = (),
    registered_on: date | None = None,
    assigned_officer=None,
) -> RsdCase:
    """Open a case for a principal applicant and the dependants it covers."""
    ensure(actor, "status.add_rsdcase", applicant)
    dependants = list(dependants)
    people = [applicant, *dependants]
    errors: dict[str, list[str]] = {}
    registered_on = registered_on or today()
    if registered_on > today():
        errors["registered_on"] = [_("The date is in the future.")]
    if applicant in dependants or len({p.pk for p in people}) != len(people):
        errors["dependants"] = [_("A person appears twice in the case.")]
    for p in dependants:
        if p.site_id != applicant.site_id:
            errors.setdefault("dependants", []).append(_("%(r)s is registered at another site.") % {"r": p.reference})
    current = queries.current_statuses([p.pk for p in people])
    for p in people:
        if current[p.pk] != LegalStatus.ASYLUM_SEEKER:
            errors.setdefault("applicant" if p is applicant else "dependants", []).append(
                _("%(r)s is not an asylum seeker (status %(s)s); reopen their case instead.")
                % {"r": p.reference, "s": current[p.pk]}
            )
    busy = (
        RsdCaseMember.objects.filter(person__in=people)
        .exclude(case__state__in=CLOSED_STATES)
        .values_list("person__reference", "case__reference")
    )
    for ref, case_ref in busy:
        errors.setdefault("applicant", []).append(
            _("%(r)s is already covered by open case %(c)s.") % {"r": ref, "c": case_ref}
        )
    if assigned_officer is not None:
        _check_officer(assigned_officer, applicant.site, errors)
    if errors:
        raise InvalidInput(errors)
    site = applicant.site
    case = RsdCase.objects.create(
        reference=next_reference(f"{site.code}-RSD"),
        site=site,
        applicant=applicant,
        state=RsdState.REGISTERED,
        state_since=registered_on,
        registered_on=registered_on,
        assigned_officer=assigned_officer,
        created_by=actor,
    )
    RsdCaseMember.objects.bulk_create([RsdCaseMember(case=case, person=p, principal=p is applicant) for p in people])
    RsdTransition.objects.create(
        case=case, action="register", to_state=RsdState.REGISTERED, on=registered_on, by=actor, at=timezone.now()
    )
    audit.record(
        actor,
        "rsd_case.registered",
        case,
        changes={"applicant": applicant.reference, "dependants": [p.reference for p in dependants]},
    )
    return case


def _check_officer(officer, site: Site, errors) -> None:
    if not officer.has_perm("status.change_rsdcase", site):
        errors.setdefault("assigned_officer", []).append(
            _("%(u)s is not an RSD officer at this site.") % {"u": officer.get_username()}
        )


@transaction.atomic
def assign_rsd_case(*, actor: Actor, case: RsdCase, officer) -> RsdCase:
    ensure(actor, "status.change_rsdcase", case)
    case = RsdCase.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[str]] = {}
    _check_officer(officer, case.site, errors)
    if errors:
        raise InvalidInput(errors)
    before = case.assigned_officer.get_username() if case.assigned_officer else None
    case.assigned_officer = officer
    case.save(update_fields=["assigned_officer"])
    audit.record(actor, "rsd_case.assigned", case, changes={"assigned_officer": [before, officer.get_username()]})
    return case


class _Step:
    """What a transition handler learned: audit changes, and extra fields for the log row."""

    def __init__(self) -> None:
        self.changes: dict[str, Any] = {}
        self.sensitive: list[str] = []
        self.outcome = ""
        self.appeal_deadline: date | None = None


def _date(data: dict, field: str, errors: dict) -> date | None:
    value = data.get(field)
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors.setdefault(field, []).append(_("Give a date (YYYY-MM-DD)."))
        return None
    return value


def _recognition(data: dict, errors: dict) -> tuple[list[str], str, str]:
    grounds = data.get("grounds") or []
    if isinstance(grounds, str):
        grounds = [g.strip() for g in grounds.split(",") if g.strip()]
    if not grounds or any(g not in ConventionGround.values for g in grounds):
        errors.setdefault("grounds", []).append(
            _("A recognition names its grounds: %(v)s.") % {"v": ", ".join(map(str, ConventionGround.labels))}
        )
    legal_basis = one_of(data, "legal_basis", LegalBasis, errors)
    recognised_by = one_of(data, "recognised_by", RecognisedBy, errors)
    return list(grounds), legal_basis, recognised_by


def _member_ids(case: RsdCase) -> tuple[list[int], dict[int, int]]:
    """The case's persons and, for dependants, whose status theirs derives from."""
    ids = list(case.members.order_by("-principal", "person_id").values_list("person_id", flat=True))
    return ids, {pid: case.applicant_id for pid in ids if pid != case.applicant_id}


def _write_outcome(actor: Actor, case: RsdCase, outcome: str, on: date, note: str) -> None:
    ids, derived = _member_ids(case)
    if outcome == Outcome.RECOGNISED:
        append_entries(
            actor=actor,
            person_ids=ids,
            status=LegalStatus.REFUGEE,
            effective_on=on,
            rsd_case=case,
            recognised_by=case.recognised_by,
            determination_mode=DeterminationMode.INDIVIDUAL,
            legal_basis=case.legal_basis,
            derivative_of=derived,
            note=note,
        )
    else:
        status = LegalStatus.EXCLUDED if outcome == Outcome.EXCLUDED else LegalStatus.REJECTED_FINAL
        append_entries(
            actor=actor, person_ids=ids, status=status, effective_on=on, rsd_case=case, derivative_of=derived, note=note
        )


def _h_schedule(actor: Actor, case, on, data, errors, step):
    when = _date(data, "interview_on", errors)
    if when and when < on:
        errors.setdefault("interview_on", []).append(_("The interview cannot be before the day it is scheduled."))
    if not errors:
        step.changes["interview_on"] = [case.interview_on, when]
        case.interview_on = when


def _h_no_show(actor: Actor, case, on, data, errors, step):
    case.no_shows += 1
    step.changes["no_shows"] = case.no_shows


def _h_abandon(actor: Actor, case, on, data, errors, step):
    reason = required_text(data, "reasons", errors)
    if not errors:
        step.changes["reasons"] = reason
        ids, _derived = _member_ids(case)
        append_entries(
            actor=actor,
            person_ids=ids,
            status=LegalStatus.CLOSED_ABANDONED,
            effective_on=on,
            rsd_case=case,
            note=_("abandoned: ") + reason,
        )


def _h_interview(actor: Actor, case, on, data, errors, step):
    notes = required_text(data, "notes", errors, _("Record the interview notes."))
    if not errors:
        case.interview_notes, case.interviewed_by = notes, actor
        step.changes.update(interview_notes=notes, interviewed_by=actor.get_username())
        step.sensitive.append("interview_notes")


def _h_assess(actor: Actor, case, on, data, errors, step):
    text = required_text(data, "assessment", errors)
    rec = one_of(data, "recommendation", Outcome, errors, allowed=[Outcome.RECOGNISED, Outcome.REJECTED])
    if not errors:
        case.assessment, case.recommendation = text, rec
        step.changes.update(assessment=text, recommendation=rec)
        step.sensitive.append("assessment")


def _h_flag_exclusion(actor: Actor, case, on, data, errors, step):
    text = required_text(data, "indications", errors, _("Say which Art. 1F indications were found."))
    if not errors:
        case.exclusion_indicated, case.exclusion_indications = True, text
        step.changes["exclusion_indications"] = text
        step.sensitive.append("exclusion_indications")


def _h_assess_exclusion(actor: Actor, case, on, data, errors, step):
    clause = one_of(data, "clause", ExclusionClause, errors)
    text = required_text(data, "assessment", errors)
    if not errors:
        case.exclusion_clause, case.exclusion_assessment, case.exclusion_assessed_by = clause, text, actor
        step.changes.update(clause=clause, exclusion_assessment=text)
        step.sensitive.append("exclusion_assessment")


def _other_than_assessor(actor: Actor, case):
    if case.exclusion_assessed_by_id == actor.pk:
        raise Conflict(
            _("An exclusion decision needs a reviewer other than the officer who assessed it (DOMAIN 5.2)."),
            code="separation_of_duties",
        )


def _h_decide_exclusion(actor: Actor, case, on, data, errors, step):
    _other_than_assessor(actor, case)
    reasons = required_text(data, "reasons", errors)
    if not errors:
        case.outcome, case.decision_reasons, case.decided_by, case.decided_on = Outcome.EXCLUDED, reasons, actor, on
        case.exclusion_reviewed_by = actor
        step.changes.update(outcome=Outcome.EXCLUDED, clause=case.exclusion_clause, decision_reasons=reasons)
        step.sensitive.append("decision_reasons")
        step.outcome = Outcome.EXCLUDED


def _h_clear_exclusion(actor: Actor, case, on, data, errors, step):
    _other_than_assessor(actor, case)
    reasons = required_text(data, "reasons", errors)
    if not errors:
        case.exclusion_indicated, case.exclusion_reviewed_by = False, actor
        step.changes.update(exclusion_cleared=True, reasons=reasons)
        step.sensitive.append("reasons")


def _h_decide(actor: Actor, case, on, data, errors, step):
    if case.exclusion_indicated:
        raise Conflict(_("Art. 1F indications must be decided first."), code="exclusion_pending")
    outcome = one_of(data, "outcome", Outcome, errors, allowed=[Outcome.RECOGNISED, Outcome.REJECTED])
    reasons = required_text(data, "reasons", errors, _("A decision gives its reasons in writing."))
    grounds, basis, by = _recognition(data, errors) if outcome == Outcome.RECOGNISED else ([], "", "")
    if not errors:
        case.outcome, case.decision_reasons, case.decided_by, case.decided_on = outcome, reasons, actor, on
        case.decision_grounds, case.legal_basis, case.recognised_by = grounds, basis, by
        step.changes.update(outcome=outcome, grounds=grounds, legal_basis=basis, decision_reasons=reasons)
        step.sensitive.append("decision_reasons")
        step.outcome = outcome


def _h_notify(actor: Actor, case, on, data, errors, step):
    case.notified_on = on
    step.outcome = case.outcome
    if case.outcome in queries.NEGATIVE:
        case.appeal_deadline = on + timedelta(days=queries.settings_for(case.site_id).appeal_window_days)
        step.appeal_deadline = case.appeal_deadline
        step.changes.update(notified_on=on, appeal_deadline=case.appeal_deadline)
    else:
        step.changes.update(notified_on=on, status=LegalStatus.REFUGEE)
        _write_outcome(actor, case, case.outcome, on, _("recognised, notified"))


def _h_lodge_appeal(actor: Actor, case, on, data, errors, step):
    if case.outcome not in queries.NEGATIVE:
        raise Conflict(_("Only a negative decision can be appealed."), code="nothing_to_appeal")
    if case.appeal_deadline is None or on > case.appeal_deadline:
        raise Conflict(_("The appeal period ended on %(d)s.") % {"d": case.appeal_deadline}, code="appeal_time_limit")
    grounds = str(data.get("grounds") or "").strip()
    case.appeal_lodged_on, case.appeal_grounds = on, grounds
    step.changes.update(appeal_lodged_on=on, appeal_grounds=grounds)
    step.sensitive.append("appeal_grounds")


def _h_finalise(actor: Actor, case, on, data, errors, step):
    if case.outcome in queries.NEGATIVE:
        if case.appeal_deadline is None or on <= case.appeal_deadline:
            raise Conflict(
                _("The appeal period runs until %(d)s.") % {"d": case.appeal_deadline}, code="appeal_window_open"
            )
        final_on = case.appeal_deadline + timedelta(days=1)
        _write_outcome(actor, case, case.outcome, final_on, _("no appeal within the time limit"))
        step.changes.update(final=case.outcome, effective_on=final_on)
    step.outcome = case.outcome


def _h_decide_appeal(actor: Actor, case, on, data, errors, step):
    first = {case.decided_by_id, case.interviewed_by_id, case.exclusion_assessed_by_id, case.exclusion_reviewed_by_id}
    if actor.pk in first:
        raise Conflict(
            _("An appeal is decided by an officer who took no part in the first instance."),
            code="appeal_same_officer",
        )
    outcome = one_of(data, "outcome", Outcome, errors)
    reasons = required_text(data, "reasons", errors, _("A decision gives its reasons in writing."))
    grounds, basis, by = _recognition(data, errors) if outcome == Outcome.RECOGNISED else ([], "", "")
    if outcome == Outcome.EXCLUDED and case.outcome != Outcome.EXCLUDED:
        errors.setdefault("outcome", []).append(_("Exclusion is decided at first instance, after an assessment."))
    if not errors:
        case.appeal_outcome, case.appeal_reasons, case.appeal_decided_by, case.appeal_decided_on = (
            outcome,
            reasons,
            actor,
            on,
        )
        if outcome == Outcome.RECOGNISED:
            case.decision_grounds, case.legal_basis, case.recognised_by = grounds, basis, by
        step.changes.update(appeal_outcome=outcome, grounds=grounds, appeal_reasons=reasons)
        step.sensitive.append("appeal_reasons")
        step.outcome = outcome


def _h_notify_appeal(actor: Actor, case, on, data, errors, step):
    _write_outcome(actor, case, case.appeal_outcome, on, _("appeal decided, notified"))
    step.outcome = case.appeal_outcome
    step.changes.update(notified_on=on, final=case.appeal_outcome)


ROUND_FIELDS: dict[str, Any] = {
    "interview_on": None,
    "interviewed_by": None,
    "interview_notes": "",
    "no_shows": 0,
    "assessment": "",
    "recommendation": "",
    "exclusion_indicated": False,
    "exclusion_indications": "",
    "exclusion_clause": "",
    "exclusion_assessment": "",
    "exclusion_assessed_by": None,
    "exclusion_reviewed_by": None,
    "outcome": "",
    "decision_reasons": "",
    "decision_grounds": [],
    "legal_basis": "",
    "recognised_by": "",
    "decided_by": None,
    "decided_on": None,
    "notified_on": None,
    "appeal_deadline": None,
    "appeal_lodged_on": None,
    "appeal_grounds": "",
    "appeal_outcome": "",
    "appeal_reasons": "",
    "appeal_decided_by": None,
    "appeal_decided_on": None,
}


def _h_reopen(actor: Actor, case, on, data, errors, step):
    final = case.appeal_outcome or case.outcome
    if case.state == RsdState.CLOSED and final not in queries.NEGATIVE:
        raise Conflict(
            _("A recognition is not reopened; open a cessation, cancellation or revocation procedure."),
            code="recognition_not_reopened",
        )
    allowed = [g for g in ReopenGround.values if g != ReopenGround.APPLICANT_REQUEST]
    if case.state == RsdState.CLOSED_ABANDONED:
        allowed.append(ReopenGround.APPLICANT_REQUEST)
    ground = one_of(data, "ground", ReopenGround, errors, allowed=allowed)
    explanation = required_text(data, "explanation", errors)
    if not errors:
        step.changes.update(ground=ground, explanation=explanation, previous_outcome=final)
        for field, blank in ROUND_FIELDS.items():
            setattr(case, field, list(blank) if isinstance(blank, list) else blank)
        case.reopen_ground = ground
        ids, _derived = _member_ids(case)
        append_entries(
            actor=actor,
            person_ids=ids,
            status=LegalStatus.ASYLUM_SEEKER,
            effective_on=on,
            rsd_case=case,
            note=_("case reopened: %(g)s") % {"g": ground},
        )


HANDLERS: dict[str, Callable] = {
    Action.SCHEDULE_INTERVIEW: _h_schedule,
    Action.RECORD_NO_SHOW: _h_no_show,
    Action.CLOSE_ABANDONED: _h_abandon,
    Action.RECORD_INTERVIEW: _h_interview,
    Action.ASSESS: _h_assess,
    Action.FLAG_EXCLUSION: _h_flag_exclusion,
    Action.ASSESS_EXCLUSION: _h_assess_exclusion,
    Action.DECIDE_EXCLUSION: _h_decide_exclusion,
    Action.CLEAR_EXCLUSION: _h_clear_exclusion,
    Action.DECIDE: _h_decide,
    Action.NOTIFY: _h_notify,
    Action.LODGE_APPEAL: _h_lodge_appeal,
    Action.FINALISE: _h_finalise,
    Action.DECIDE_APPEAL: _h_decide_appeal,
    Action.NOTIFY_APPEAL: _h_notify_appeal,
    Action.REOPEN: _h_reopen,
}


@transaction.atomic
def transition_rsd_case(
    *, actor: Actor, case: RsdCase, action: str, on: date | None = None, data: dict[str, Any] | None = None
) -> RsdCase:
    """Move a case one step along `transitions.RSD_CASE`. The only code that assigns `RsdCase.state`.

    `on` is the day the step happened (default today; never in the future, never before the
    previous step). `data` holds the step's fields (notes, outcome, reasons, grounds...).
    """
    if action not in Action.values:
        raise InvalidInput({"action": [_("Unknown action %(a)r.") % {"a": action}]})
    ensure(actor, "status.decide_rsdcase" if action in DECIDING_ACTIONS else "status.change_rsdcase", case)
    case = RsdCase.objects.select_for_update().get(pk=case.pk)
    target = RSD_CASE.step_for(action, case.state).target
    on = on or today()
    if on > today():
        raise InvalidInput({"on": [_("The date is in the future.")]})
    if on < case.state_since:
        raise InvalidInput(
            {"on": [_("The date is before the case's previous step (%(d)s).") % {"d": case.state_since}]}
        )
    errors: dict[str, list[str]] = {}
    step = _Step()
    HANDLERS[action](actor, case, on, data or {}, errors, step)
    if errors:
        raise InvalidInput(errors)
    before = case.state
    case.state, case.state_since = target, on
    case.save()
    RsdTransition.objects.create(
        case=case,
        action=action,
        from_state=before,
        to_state=target,
        on=on,
        outcome=step.outcome,
        appeal_deadline=step.appeal_deadline,
        by=actor,
        at=timezone.now(),
    )
    audit.record(
        actor,
        f"rsd_case.{action}",
        case,
        changes={"state": [before, target], "on": on, **step.changes},
        sensitive=step.sensitive,
    )
    return case


@transaction.atomic
def update_rsd_settings(*, actor: Actor, site: Site, **values) -> RsdSiteSettings:
    ensure(actor, "status.change_rsdsitesettings", site)
    cfg, _created = RsdSiteSettings.objects.select_for_update().get_or_create(site=site)
    fields = {f.name for f in RsdSiteSettings._meta.concrete_fields} - {"id", "site"}
    errors = {k: [_("Unknown setting.")] for k in values if k not in fields}
    errors.update(
        {
            k: [_("Give a whole number of days, at least 1.")]
            for k, v in values.items()
            if k in fields and (not isinstance(v, int) or v < 1)
        }
    )
    if errors:
        raise InvalidInput(errors)
    before = {k: getattr(cfg, k) for k in values}
    for k, v in values.items():
        setattr(cfg, k, v)
    cfg.save()
    audit.record(actor, "rsd_settings.changed", cfg, changes=audit.diff(before, values), site_id=site.pk)
    return cfg
