"""Every write about legal status: RSD case steps, group declarations, site designation
acts, ending procedures. Permission-checked, atomic, audited; pages, the API and commands
all come through here.

The one rule no path may skip (DOMAIN.md 5.3): a REFUGEE entry is never followed by another
status unless an ending procedure (cessation, cancellation, revocation) records it, or the
new status only records a departure or a death. `_append_entries` enforces it for every writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from asylon.audit import services as audit
from asylon.core.bulk import insert_select
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.registry.models import Person, Site, SiteDesignation
from asylon.registry.references import next_reference

from . import queries
from .models import (
    CLOSED_STATES,
    ENDING_STATUS,
    EVENT_STATUSES,
    ConventionGround,
    CutoffKind,
    DeterminationMode,
    EndingKind,
    EndingProcedure,
    ExclusionClause,
    GroupDeclaration,
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
    SiteDesignationAct,
    StatusEntry,
)
from .transitions import DECIDING_ACTIONS, RSD_CASE, Action

BATCH = 5000
NEGATIVE = (Outcome.REJECTED, Outcome.EXCLUDED)


# --- status entries ---------------------------------------------------------------------


def _append_entries(
    *,
    actor,
    person_ids: list[int],
    status: str,
    effective_on: date,
    rsd_case: RsdCase | None = None,
    procedure: EndingProcedure | None = None,
    recognised_by: str = "",
    determination_mode: str = "",
    legal_basis: str = "",
    derivative_of: dict[int, int] | None = None,
    note: str = "",
) -> list[StatusEntry]:
    """Append one entry per person, refusing to end refugee status without a procedure."""
    if status != LegalStatus.REFUGEE and status not in EVENT_STATUSES and procedure is None:
        current = queries.current_statuses(person_ids)
        refugees = sorted(pid for pid, s in current.items() if s == LegalStatus.REFUGEE)
        if refugees:
            refs = list(Person.objects.filter(pk__in=refugees).values_list("reference", flat=True))
            raise Conflict(
                _(
                    "Refugee status of %(refs)s can only end through a cessation, cancellation or revocation "
                    "procedure (DOMAIN 5.3)."
                )
                % {"refs": ", ".join(refs)},
                code="refugee_status_needs_procedure",
            )
    now = timezone.now()
    derivative_of = derivative_of or {}
    return StatusEntry.objects.bulk_create(
        [
            StatusEntry(
                person_id=pid,
                status=status,
                effective_on=effective_on,
                rsd_case=rsd_case,
                procedure=procedure,
                recognised_by=recognised_by,
                determination_mode=determination_mode,
                legal_basis=legal_basis,
                derivative_of_id=derivative_of.get(pid),
                note=note[:200],
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                recorded_at=now,
            )
            for pid in person_ids
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def record_status_event(
    *, actor, person: Person, status: str, effective_on: date | None = None, note: str
) -> StatusEntry:
    """Record a departure or a death in the status history (movements and solutions call this)."""
    ensure(actor, "status.add_statusentry", person)
    errors: dict[str, list[str]] = {}
    if status not in EVENT_STATUSES:
        errors["status"] = [_("Only departures and deaths are recorded here; decisions come from their procedure.")]
    if not (note or "").strip():
        errors["note"] = [_("Say what the entry rests on.")]
    effective_on = effective_on or today()
    if effective_on > today():
        errors["effective_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    Person.objects.select_for_update().get(pk=person.pk)
    [entry] = _append_entries(
        actor=actor, person_ids=[person.pk], status=status, effective_on=effective_on, note=note.strip()
    )
    audit.record(
        actor, "status.recorded", person, changes={"status": status, "effective_on": effective_on}, reason=note
    )
    return entry


# --- RSD cases --------------------------------------------------------------------------


@transaction.atomic
def register_rsd_case(
    *,
    actor,
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
def assign_rsd_case(*, actor, case: RsdCase, officer) -> RsdCase:
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


def _text(data: dict, field: str, errors: dict, message: str | None = None) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    return value


def _choice(data: dict, field: str, choices, errors: dict, allowed: Iterable[str] | None = None) -> str:
    value = str(data.get(field) or "")
    valid = list(allowed) if allowed is not None else list(choices.values)
    if value not in valid:
        errors.setdefault(field, []).append(_("Choose one of: %(v)s.") % {"v": ", ".join(valid)})
    return value


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
    legal_basis = _choice(data, "legal_basis", LegalBasis, errors)
    recognised_by = _choice(data, "recognised_by", RecognisedBy, errors)
    return list(grounds), legal_basis, recognised_by


def _member_ids(case: RsdCase) -> tuple[list[int], dict[int, int]]:
    """The case's persons and, for dependants, whose status theirs derives from."""
    ids = list(case.members.order_by("-principal", "person_id").values_list("person_id", flat=True))
    return ids, {pid: case.applicant_id for pid in ids if pid != case.applicant_id}


def _write_outcome(actor, case: RsdCase, outcome: str, on: date, note: str) -> None:
    ids, derived = _member_ids(case)
    if outcome == Outcome.RECOGNISED:
        _append_entries(
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
        _append_entries(
            actor=actor, person_ids=ids, status=status, effective_on=on, rsd_case=case, derivative_of=derived, note=note
        )


def _h_schedule(actor, case, on, data, errors, step):
    when = _date(data, "interview_on", errors)
    if when and when < on:
        errors.setdefault("interview_on", []).append(_("The interview cannot be before the day it is scheduled."))
    if not errors:
        step.changes["interview_on"] = [case.interview_on, when]
        case.interview_on = when


def _h_no_show(actor, case, on, data, errors, step):
    case.no_shows += 1
    step.changes["no_shows"] = case.no_shows


def _h_abandon(actor, case, on, data, errors, step):
    reason = _text(data, "reasons", errors)
    if not errors:
        step.changes["reasons"] = reason
        ids, _derived = _member_ids(case)
        _append_entries(
            actor=actor,
            person_ids=ids,
            status=LegalStatus.CLOSED_ABANDONED,
            effective_on=on,
            rsd_case=case,
            note=_("abandoned: ") + reason,
        )


def _h_interview(actor, case, on, data, errors, step):
    notes = _text(data, "notes", errors, _("Record the interview notes."))
    if not errors:
        case.interview_notes, case.interviewed_by = notes, actor
        step.changes.update(interview_notes=notes, interviewed_by=actor.get_username())
        step.sensitive.append("interview_notes")


def _h_assess(actor, case, on, data, errors, step):
    text = _text(data, "assessment", errors)
    rec = _choice(data, "recommendation", Outcome, errors, allowed=[Outcome.RECOGNISED, Outcome.REJECTED])
    if not errors:
        case.assessment, case.recommendation = text, rec
        step.changes.update(assessment=text, recommendation=rec)
        step.sensitive.append("assessment")


def _h_flag_exclusion(actor, case, on, data, errors, step):
    text = _text(data, "indications", errors, _("Say which Art. 1F indications were found."))
    if not errors:
        case.exclusion_indicated, case.exclusion_indications = True, text
        step.changes["exclusion_indications"] = text
        step.sensitive.append("exclusion_indications")


def _h_assess_exclusion(actor, case, on, data, errors, step):
    clause = _choice(data, "clause", ExclusionClause, errors)
    text = _text(data, "assessment", errors)
    if not errors:
        case.exclusion_clause, case.exclusion_assessment, case.exclusion_assessed_by = clause, text, actor
        step.changes.update(clause=clause, exclusion_assessment=text)
        step.sensitive.append("exclusion_assessment")


def _other_than_assessor(actor, case):
    if case.exclusion_assessed_by_id == actor.pk:
        raise Conflict(
            _("An exclusion decision needs a reviewer other than the officer who assessed it (DOMAIN 5.2)."),
            code="separation_of_duties",
        )


def _h_decide_exclusion(actor, case, on, data, errors, step):
    _other_than_assessor(actor, case)
    reasons = _text(data, "reasons", errors)
    if not errors:
        case.outcome, case.decision_reasons, case.decided_by, case.decided_on = Outcome.EXCLUDED, reasons, actor, on
        case.exclusion_reviewed_by = actor
        step.changes.update(outcome=Outcome.EXCLUDED, clause=case.exclusion_clause, decision_reasons=reasons)
        step.sensitive.append("decision_reasons")
        step.outcome = Outcome.EXCLUDED


def _h_clear_exclusion(actor, case, on, data, errors, step):
    _other_than_assessor(actor, case)
    reasons = _text(data, "reasons", errors)
    if not errors:
        case.exclusion_indicated, case.exclusion_reviewed_by = False, actor
        step.changes.update(exclusion_cleared=True, reasons=reasons)
        step.sensitive.append("reasons")


def _h_decide(actor, case, on, data, errors, step):
    if case.exclusion_indicated:
        raise Conflict(_("Art. 1F indications must be decided first."), code="exclusion_pending")
    outcome = _choice(data, "outcome", Outcome, errors, allowed=[Outcome.RECOGNISED, Outcome.REJECTED])
    reasons = _text(data, "reasons", errors, _("A decision gives its reasons in writing."))
    grounds, basis, by = _recognition(data, errors) if outcome == Outcome.RECOGNISED else ([], "", "")
    if not errors:
        case.outcome, case.decision_reasons, case.decided_by, case.decided_on = outcome, reasons, actor, on
        case.decision_grounds, case.legal_basis, case.recognised_by = grounds, basis, by
        step.changes.update(outcome=outcome, grounds=grounds, legal_basis=basis, decision_reasons=reasons)
        step.sensitive.append("decision_reasons")
        step.outcome = outcome


def _h_notify(actor, case, on, data, errors, step):
    case.notified_on = on
    step.outcome = case.outcome
    if case.outcome in NEGATIVE:
        case.appeal_deadline = on + timedelta(days=queries.settings_for(case.site_id).appeal_window_days)
        step.appeal_deadline = case.appeal_deadline
        step.changes.update(notified_on=on, appeal_deadline=case.appeal_deadline)
    else:
        step.changes.update(notified_on=on, status=LegalStatus.REFUGEE)
        _write_outcome(actor, case, case.outcome, on, _("recognised, notified"))


def _h_lodge_appeal(actor, case, on, data, errors, step):
    if case.outcome not in NEGATIVE:
        raise Conflict(_("Only a negative decision can be appealed."), code="nothing_to_appeal")
    if case.appeal_deadline is None or on > case.appeal_deadline:
        raise Conflict(_("The appeal period ended on %(d)s.") % {"d": case.appeal_deadline}, code="appeal_time_limit")
    grounds = str(data.get("grounds") or "").strip()
    case.appeal_lodged_on, case.appeal_grounds = on, grounds
    step.changes.update(appeal_lodged_on=on, appeal_grounds=grounds)
    step.sensitive.append("appeal_grounds")


def _h_finalise(actor, case, on, data, errors, step):
    if case.outcome in NEGATIVE:
        if case.appeal_deadline is None or on <= case.appeal_deadline:
            raise Conflict(
                _("The appeal period runs until %(d)s.") % {"d": case.appeal_deadline}, code="appeal_window_open"
            )
        final_on = case.appeal_deadline + timedelta(days=1)
        _write_outcome(actor, case, case.outcome, final_on, _("no appeal within the time limit"))
        step.changes.update(final=case.outcome, effective_on=final_on)
    step.outcome = case.outcome


def _h_decide_appeal(actor, case, on, data, errors, step):
    first = {case.decided_by_id, case.interviewed_by_id, case.exclusion_assessed_by_id, case.exclusion_reviewed_by_id}
    if actor.pk in first:
        raise Conflict(
            _("An appeal is decided by an officer who took no part in the first instance."),
            code="appeal_same_officer",
        )
    outcome = _choice(data, "outcome", Outcome, errors)
    reasons = _text(data, "reasons", errors, _("A decision gives its reasons in writing."))
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


def _h_notify_appeal(actor, case, on, data, errors, step):
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


def _h_reopen(actor, case, on, data, errors, step):
    final = case.appeal_outcome or case.outcome
    if case.state == RsdState.CLOSED and final not in NEGATIVE:
        raise Conflict(
            _("A recognition is not reopened; open a cessation, cancellation or revocation procedure."),
            code="recognition_not_reopened",
        )
    allowed = [g for g in ReopenGround.values if g != ReopenGround.APPLICANT_REQUEST]
    if case.state == RsdState.CLOSED_ABANDONED:
        allowed.append(ReopenGround.APPLICANT_REQUEST)
    ground = _choice(data, "ground", ReopenGround, errors, allowed=allowed)
    explanation = _text(data, "explanation", errors)
    if not errors:
        step.changes.update(ground=ground, explanation=explanation, previous_outcome=final)
        for field, blank in ROUND_FIELDS.items():
            setattr(case, field, list(blank) if isinstance(blank, list) else blank)
        case.reopen_ground = ground
        ids, _derived = _member_ids(case)
        _append_entries(
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
    *, actor, case: RsdCase, action: str, on: date | None = None, data: dict[str, Any] | None = None
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
def update_rsd_settings(*, actor, site: Site, **values) -> RsdSiteSettings:
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


# --- group declarations -----------------------------------------------------------------


def check_criteria(actor, c: queries.Criteria, errors: dict) -> None:
    if c.ethnicity and not actor.has_perm("registry.view_sensitive", c.site):
        errors.setdefault("ethnicity", []).append(_("Your role may not select persons by a sensitive field."))
    if c.nationality not in dict(countries):
        errors.setdefault("nationality", []).append(_("Unknown country code."))
    if c.cutoff_kind not in CutoffKind.values:
        errors.setdefault("cutoff_kind", []).append(_("Choose arrival or registration."))


@transaction.atomic
def declare_group(
    *,
    actor,
    criteria: queries.Criteria,
    effective_on: date,
    legal_basis: str,
    recognised_by: str,
    legal_basis_text: str,
) -> GroupDeclaration:
    """Declare a group prima facie and apply refugee status to every matching person, in
    one transaction; anyone already decided or under exclusion review is skipped and listed."""
    ensure(actor, "status.add_groupdeclaration", criteria.site)
    errors: dict[str, list[str]] = {}
    check_criteria(actor, criteria, errors)
    _choice({"legal_basis": legal_basis}, "legal_basis", LegalBasis, errors)
    _choice({"recognised_by": recognised_by}, "recognised_by", RecognisedBy, errors)
    _text({"legal_basis_text": legal_basis_text}, "legal_basis_text", errors, _("Quote the legal basis."))
    if effective_on > today():
        errors.setdefault("effective_on", []).append(_("The date is in the future."))
    if errors:
        raise InvalidInput(errors)
    # One declaration at a time per site: the site row is the lock.
    Site.objects.select_for_update().get(pk=criteria.site.pk)
    skipped = queries.skipped(criteria)
    now = timezone.now()
    declaration = GroupDeclaration.objects.create(
        site=criteria.site,
        nationality=criteria.nationality,
        cutoff_kind=criteria.cutoff_kind,
        cutoff_date=criteria.cutoff_date,
        ethnicity=criteria.ethnicity.strip(),
        effective_on=effective_on,
        legal_basis=legal_basis,
        recognised_by=recognised_by,
        legal_basis_text=legal_basis_text.strip(),
        declared_by=actor,
        declared_at=now,
        applied_count=0,
        skipped=skipped,
    )
    # One INSERT ... SELECT: the eligible persons never leave the database. The site lock
    # above keeps the selection from changing under it.
    applied = insert_select(
        StatusEntry,
        queries.eligible_ids(criteria),
        "person",
        {
            "status": LegalStatus.REFUGEE,
            "effective_on": effective_on,
            "recognised_by": recognised_by,
            "determination_mode": DeterminationMode.PRIMA_FACIE_GROUP,
            "legal_basis": legal_basis,
            "declaration": declaration,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    declaration.applied_count = applied
    declaration.save(update_fields=["applied_count"])
    audit.record(
        actor,
        "group_declaration.confirmed",
        declaration,
        changes={
            "nationality": criteria.nationality,
            "cutoff": [criteria.cutoff_kind, criteria.cutoff_date],
            "ethnicity": criteria.ethnicity,
            "effective_on": effective_on,
            "legal_basis": legal_basis,
            "recognised_by": recognised_by,
            "applied": applied,
            "skipped": len(skipped),
            "persons_digest": _persons_digest(StatusEntry.objects.filter(declaration=declaration)),
        },
        sensitive=["ethnicity"] if criteria.ethnicity else [],
    )
    return declaration


@transaction.atomic
def revoke_group_declaration(*, actor, declaration: GroupDeclaration, reason: str) -> GroupDeclaration:
    """Revoke a declaration: exactly the entries it created are marked reverted (not deleted)."""
    ensure(actor, "status.revoke_groupdeclaration", declaration)
    declaration = GroupDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.revoked_at is not None:
        raise Conflict(_("This declaration is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("A revocation needs a reason.")]})
    now = timezone.now()
    reverted = StatusEntry.objects.filter(declaration=declaration, reverted_at__isnull=True).update(
        reverted_at=now, reverted_by=declaration
    )
    declaration.revoked_at, declaration.revoked_by, declaration.revoke_reason = now, actor, reason.strip()
    declaration.reverted_count = reverted
    digest = _persons_digest(StatusEntry.objects.filter(declaration=declaration, reverted_at=now))
    declaration.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "reverted_count"])
    audit.record(
        actor,
        "group_declaration.revoked",
        declaration,
        changes={"reverted": reverted, "persons_digest": digest},
        reason=reason.strip(),
    )
    return declaration


def _persons_digest(entries) -> str:
    """SHA-256 over the sorted ids of the persons whose entries an act wrote or reverted: the
    one audit event of a group act names its count and this, and each person's own history
    is their status entries, which point to the declaration."""
    h = hashlib.sha256()
    for (pid,) in entries.order_by("person_id").values_list("person_id").iterator(chunk_size=BATCH):
        h.update(b"%d," % pid)
    return h.hexdigest()


# --- site designation acts --------------------------------------------------------------


@transaction.atomic
def designate_site(
    *, actor, site: Site, designation: str, effective_on: date, legal_basis_text: str
) -> SiteDesignationAct:
    ensure(actor, "status.add_sitedesignationact", site)
    errors: dict[str, list[str]] = {}
    _choice({"designation": designation}, "designation", SiteDesignation, errors)
    _text({"legal_basis_text": legal_basis_text}, "legal_basis_text", errors, _("Quote the legal basis."))
    if effective_on > today():
        errors.setdefault("effective_on", []).append(_("The date is in the future."))
    if errors:
        raise InvalidInput(errors)
    site = Site.objects.select_for_update().get(pk=site.pk)
    act = SiteDesignationAct.objects.create(
        site=site,
        designation=designation,
        effective_on=effective_on,
        legal_basis_text=legal_basis_text.strip(),
        previous_designation=site.designation,
        previous_designated_on=site.designated_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    changes = {"designation": [site.designation, designation], "designated_on": [site.designated_on, effective_on]}
    site.designation, site.designated_on = designation, effective_on
    site.save(update_fields=["designation", "designated_on", "updated_at"])
    audit.record(actor, "site.designated", site, changes={**changes, "act": act.pk})
    return act


@transaction.atomic
def revoke_site_designation(*, actor, act: SiteDesignationAct, reason: str) -> SiteDesignationAct:
    ensure(actor, "status.revoke_sitedesignationact", act)
    act = SiteDesignationAct.objects.select_for_update().get(pk=act.pk)
    if act.revoked_at is not None:
        raise Conflict(_("This act is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("A revocation needs a reason.")]})
    latest = SiteDesignationAct.objects.filter(site_id=act.site_id, revoked_at__isnull=True).order_by("-id").first()
    if latest is None or latest.pk != act.pk:
        raise Conflict(_("Only the site's latest designation act can be revoked."), code="not_latest_designation")
    site = Site.objects.select_for_update().get(pk=act.site_id)
    changes = {
        "designation": [site.designation, act.previous_designation],
        "designated_on": [site.designated_on, act.previous_designated_on],
        "act": act.pk,
    }
    site.designation, site.designated_on = act.previous_designation, act.previous_designated_on
    site.save(update_fields=["designation", "designated_on", "updated_at"])
    act.revoked_at, act.revoked_by, act.revoke_reason = timezone.now(), actor, reason.strip()
    act.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(actor, "site.designation_revoked", site, changes=changes, reason=reason.strip())
    return act


# --- ending refugee status (DOMAIN 5.3) -------------------------------------------------


@transaction.atomic
def open_ending_procedure(*, actor, person: Person, kind: str, clause: str, on: date | None = None) -> EndingProcedure:
    ensure(actor, "status.add_endingprocedure", person)
    errors: dict[str, list[str]] = {}
    _choice({"kind": kind}, "kind", EndingKind, errors)
    _text({"clause": clause}, "clause", errors, _("Name the clause, e.g. 1C(5)."))
    if errors:
        raise InvalidInput(errors)
    Person.objects.select_for_update().get(pk=person.pk)
    if queries.current_statuses([person.pk])[person.pk] != LegalStatus.REFUGEE:
        raise Conflict(_("Only a refugee's status can be reviewed for ending."), code="not_a_refugee")
    if EndingProcedure.objects.filter(person=person, outcome=EndingProcedure.Outcome.OPEN).exists():
        raise Conflict(_("A procedure is already open for this person."), code="procedure_open")
    procedure = EndingProcedure.objects.create(
        person=person, site=person.site, kind=kind, clause=clause.strip(), opened_by=actor, opened_on=on or today()
    )
    audit.record(actor, "ending_procedure.opened", person, changes={"kind": kind, "clause": clause, "id": procedure.pk})
    return procedure


@transaction.atomic
def decide_ending_procedure(
    *, actor, procedure: EndingProcedure, outcome: str, reasons: str, on: date | None = None
) -> EndingProcedure:
    ensure(actor, "status.decide_rsdcase", procedure)
    procedure = EndingProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.outcome != EndingProcedure.Outcome.OPEN:
        raise Conflict(_("This procedure is already decided."), code="procedure_decided")
    errors: dict[str, list[str]] = {}
    _choice(
        {"outcome": outcome},
        "outcome",
        EndingProcedure.Outcome,
        errors,
        allowed=[EndingProcedure.Outcome.ENDED, EndingProcedure.Outcome.MAINTAINED],
    )
    _text({"reasons": reasons}, "reasons", errors, _("A decision gives its reasons in writing."))
    on = on or today()
    if on < procedure.opened_on or on > today():
        errors["on"] = [_("The date must be between the opening of the procedure and today.")]
    if errors:
        raise InvalidInput(errors)
    procedure.outcome, procedure.reasons, procedure.decided_by, procedure.decided_on = outcome, reasons, actor, on
    procedure.save()
    if outcome == EndingProcedure.Outcome.ENDED:
        _append_entries(
            actor=actor,
            person_ids=[procedure.person_id],
            status=ENDING_STATUS[EndingKind(procedure.kind)],
            effective_on=on,
            procedure=procedure,
            note=procedure.clause,
        )
    audit.record(
        actor,
        "ending_procedure.decided",
        procedure.person,
        changes={"id": procedure.pk, "kind": procedure.kind, "outcome": outcome, "reasons": reasons},
        sensitive=["reasons"],
    )
    return procedure


def _locked_procedure(procedure: EndingProcedure) -> EndingProcedure:
    return EndingProcedure.objects.select_for_update().select_related("person", "site").get(pk=procedure.pk)


@transaction.atomic
def notify_ending_decision(*, actor, procedure: EndingProcedure, on: date | None = None) -> EndingProcedure:
    """Record the written notification of the decision. For a decision that ends the status
    this starts the appeal window (the site's RSD appeal window, DOMAIN 5.3); until then the
    clock has not started and removal stays suspended (N4)."""
    ensure(actor, "status.change_endingprocedure", procedure)
    procedure = _locked_procedure(procedure)
    if procedure.outcome == EndingProcedure.Outcome.OPEN:
        raise Conflict(_("The procedure is not decided yet."), code="procedure_open")
    if procedure.notified_on is not None:
        raise Conflict(_("The decision was already notified."), code="already_notified")
    on = on or today()
    if procedure.decided_on and on < procedure.decided_on:
        raise InvalidInput({"on": [_("The notification cannot come before the decision.")]})
    if on > today():
        raise InvalidInput({"on": [_("The date is in the future.")]})
    procedure.notified_on = on
    if procedure.outcome == EndingProcedure.Outcome.ENDED:
        procedure.appeal_deadline = on + timedelta(days=queries.settings_for(procedure.site_id).appeal_window_days)
    procedure.save(update_fields=["notified_on", "appeal_deadline"])
    audit.record(
        actor,
        "ending_procedure.notified",
        procedure.person,
        changes={"id": procedure.pk, "notified_on": on, "appeal_deadline": procedure.appeal_deadline},
    )
    return procedure


@transaction.atomic
def lodge_ending_appeal(*, actor, procedure: EndingProcedure, reasons: str, on: date | None = None) -> EndingProcedure:
    """The person appeals the decision that ended their status, within the window."""
    ensure(actor, "status.change_endingprocedure", procedure)
    procedure = _locked_procedure(procedure)
    if procedure.outcome != EndingProcedure.Outcome.ENDED or procedure.notified_on is None:
        raise Conflict(_("Only a notified decision ending the status can be appealed."), code="nothing_to_appeal")
    if procedure.appeal_lodged_on is not None:
        raise Conflict(_("An appeal is already lodged."), code="appeal_lodged")
    on = on or today()
    errors: dict[str, list[str]] = {}
    _text({"reasons": reasons}, "reasons", errors, _("Record the grounds of appeal."))
    if on < procedure.notified_on or on > today():
        errors["on"] = [_("The date must be between the notification and today.")]
    if errors:
        raise InvalidInput(errors)
    assert procedure.appeal_deadline is not None
    if on > procedure.appeal_deadline:
        raise Conflict(
            _("The appeal period ended on %(d)s.") % {"d": procedure.appeal_deadline}, code="appeal_time_limit"
        )
    procedure.appeal_lodged_on, procedure.appeal_reasons = on, reasons.strip()
    procedure.save(update_fields=["appeal_lodged_on", "appeal_reasons"])
    audit.record(
        actor,
        "ending_procedure.appeal_lodged",
        procedure.person,
        changes={"id": procedure.pk, "lodged_on": on, "reasons": procedure.appeal_reasons},
        sensitive=["reasons"],
    )
    return procedure


@transaction.atomic
def decide_ending_appeal(
    *, actor, procedure: EndingProcedure, outcome: str, reasons: str, on: date | None = None
) -> EndingProcedure:
    """Decide the appeal, by an officer other than the one who decided the procedure. An
    overturned ending restores refugee status as it was recognised."""
    ensure(actor, "status.decide_rsdcase", procedure)
    procedure = _locked_procedure(procedure)
    if procedure.appeal_lodged_on is None:
        raise Conflict(_("No appeal is lodged."), code="no_appeal")
    if procedure.appeal_outcome:
        raise Conflict(_("The appeal is already decided."), code="appeal_decided")
    if procedure.decided_by_id == actor.pk:
        raise Conflict(_("The officer who decided the procedure cannot decide its appeal."), code="same_decision_maker")
    errors: dict[str, list[str]] = {}
    _choice({"outcome": outcome}, "outcome", EndingProcedure.AppealOutcome, errors)
    _text({"reasons": reasons}, "reasons", errors, _("A decision gives its reasons in writing."))
    on = on or today()
    if on < procedure.appeal_lodged_on or on > today():
        errors["on"] = [_("The date must be between the appeal and today.")]
    if errors:
        raise InvalidInput(errors)
    procedure.appeal_outcome, procedure.appeal_decision_reasons = outcome, reasons.strip()
    procedure.appeal_decided_by, procedure.appeal_decided_on = actor, on
    procedure.save(
        update_fields=["appeal_outcome", "appeal_decision_reasons", "appeal_decided_by", "appeal_decided_on"]
    )
    if outcome == EndingProcedure.AppealOutcome.OVERTURNED:
        recognition = (
            StatusEntry.objects.filter(
                person_id=procedure.person_id, status=LegalStatus.REFUGEE, reverted_at__isnull=True
            )
            .order_by("-id")
            .first()
        )
        _append_entries(
            actor=actor,
            person_ids=[procedure.person_id],
            status=LegalStatus.REFUGEE,
            effective_on=on,
            procedure=procedure,
            recognised_by=recognition.recognised_by if recognition else "",
            determination_mode=recognition.determination_mode if recognition else "",
            legal_basis=recognition.legal_basis if recognition else "",
            note=_("Appeal against %(clause)s upheld") % {"clause": procedure.clause},
        )
    audit.record(
        actor,
        "ending_procedure.appeal_decided",
        procedure.person,
        changes={"id": procedure.pk, "outcome": outcome, "reasons": procedure.appeal_decision_reasons},
        sensitive=["reasons"],
    )
    return procedure
