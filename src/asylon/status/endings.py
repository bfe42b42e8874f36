"""Ending refugee status (DOMAIN.md 5.3): cessation, cancellation and revocation procedures,
their written notification, the appeal against an ending and its decision.

A decided ending writes the ending status through `entries.append_entries` with the
procedure attached, the only way a REFUGEE entry may be followed by another status; an
overturned ending restores refugee status as it was recognised. Until the decision is
notified and its appeal window has passed, removal stays suspended (`queries.statuses_on`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person

from . import queries
from .entries import append_entries
from .inputs import one_of, required_text
from .models import ENDING_STATUS, EndingKind, EndingProcedure, LegalStatus, StatusEntry


@transaction.atomic
def open_ending_procedure(
    *, actor: Actor, person: Person, kind: str, clause: str, on: date | None = None
) -> EndingProcedure:
    ensure(actor, "status.add_endingprocedure", person)
    errors: dict[str, list[str]] = {}
    one_of({"kind": kind}, "kind", EndingKind, errors)
    required_text({"clause": clause}, "clause", errors, _("Name the clause, e.g. 1C(5)."))
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
    *, actor: Actor, procedure: EndingProcedure, outcome: str, reasons: str, on: date | None = None
) -> EndingProcedure:
    ensure(actor, "status.decide_rsdcase", procedure)
    procedure = EndingProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.outcome != EndingProcedure.Outcome.OPEN:
        raise Conflict(_("This procedure is already decided."), code="procedure_decided")
    errors: dict[str, list[str]] = {}
    one_of(
        {"outcome": outcome},
        "outcome",
        EndingProcedure.Outcome,
        errors,
        allowed=[EndingProcedure.Outcome.ENDED, EndingProcedure.Outcome.MAINTAINED],
    )
    required_text({"reasons": reasons}, "reasons", errors, _("A decision gives its reasons in writing."))
    on = on or today()
    if on < procedure.opened_on or on > today():
        errors["on"] = [_("The date must be between the opening of the procedure and today.")]
    if errors:
        raise InvalidInput(errors)
    procedure.outcome, procedure.reasons, procedure.decided_by, procedure.decided_on = outcome, reasons, actor, on
    procedure.save()
    if outcome == EndingProcedure.Outcome.ENDED:
        append_entries(
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
def notify_ending_decision(*, actor: Actor, procedure: EndingProcedure, on: date | None = None) -> EndingProcedure:
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
def lodge_ending_appeal(
    *, actor: Actor, procedure: EndingProcedure, reasons: str, on: date | None = None
) -> EndingProcedure:
    """The person appeals the decision that ended their status, within the window."""
    ensure(actor, "status.change_endingprocedure", procedure)
    procedure = _locked_procedure(procedure)
    if procedure.outcome != EndingProcedure.Outcome.ENDED or procedure.notified_on is None:
        raise Conflict(_("Only a notified decision ending the status can be appealed."), code="nothing_to_appeal")
    if procedure.appeal_lodged_on is not None:
        raise Conflict(_("An appeal is already lodged."), code="appeal_lodged")
    on = on or today()
    errors: dict[str, list[str]] = {}
    required_text({"reasons": reasons}, "reasons", errors, _("Record the grounds of appeal."))
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
    *, actor: Actor, procedure: EndingProcedure, outcome: str, reasons: str, on: date | None = None
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
    one_of({"outcome": outcome}, "outcome", EndingProcedure.AppealOutcome, errors)
    required_text({"reasons": reasons}, "reasons", errors, _("A decision gives its reasons in writing."))
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
        append_entries(
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
