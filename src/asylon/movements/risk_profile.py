"""What the gate reads about one person's risks, recorded by protection officers: risk
countries, signed risk assessments (N2, N3), art. 33(2) determinations and third-country
(chain refoulement, N6) assessments with their second approval.

Each service checks `movements.manage_risk_profile` (or `approve_chain`) for the person,
in the person's site, and writes one audit event. Nothing here moves anyone: the gate
reads these rows the next time it is asked (`gate`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person
from asylon.status.queries import status_on

from .models import (
    Art332Determination,
    ChainApproval,
    ChainAssessmentRecord,
    RiskAssessment,
    RiskCountry,
    RiskKind,
)
from .reference_data import country_code

# --- risk profiles ------------------------------------------------------------------------------


@transaction.atomic
def add_risk_country(
    *, actor: Actor, person: Person, country: str, kind: str, reason: str, on: date | None = None
) -> RiskCountry:
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    code = country_code(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country."))
    if kind not in RiskKind.values:
        errors["kind"] = [_("Unknown kind of risk.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the person is at risk there.")]
    if errors:
        raise InvalidInput(errors)
    if RiskCountry.objects.filter(person=person, country=code, kind=kind, withdrawn_on__isnull=True).exists():
        raise Conflict(_("This risk is already recorded."), code="risk_recorded")
    risk = RiskCountry.objects.create(
        person=person, country=code, kind=kind, reason=reason.strip(), added_by=actor, added_on=on or today()
    )
    audit.record(actor, "risk.country_added", person, changes={"country": code, "kind": kind}, reason=reason.strip())
    return risk


@transaction.atomic
def withdraw_risk_country(*, actor: Actor, risk: RiskCountry, reason: str) -> RiskCountry:
    risk = RiskCountry.objects.select_for_update().select_related("person").get(pk=risk.pk)
    ensure(actor, "movements.manage_risk_profile", risk.person)
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why the risk no longer applies.")]})
    if risk.withdrawn_on is not None:
        raise Conflict(_("Already withdrawn."), code="risk_withdrawn")
    risk.withdrawn_on, risk.withdrawn_by, risk.withdrawal_reason = today(), actor, reason.strip()
    risk.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_reason"])
    audit.record(
        actor,
        "risk.country_withdrawn",
        risk.person,
        changes={"country": risk.country.code, "kind": risk.kind},
        reason=reason.strip(),
    )
    return risk


@transaction.atomic
def record_risk_assessment(
    *,
    actor: Actor,
    person: Person,
    country: str,
    finds_no_substantial_grounds: bool,
    finds_no_real_risk: bool,
    country_information: str,
    signed_on: date | None = None,
) -> RiskAssessment:
    """A signed individual risk assessment (N2, N3). The signer is the actor."""
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    code = country_code(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country assessed."))
    if not (country_information or "").strip():
        errors["country_information"] = [_("Name the country information used.")]
    if signed_on and signed_on > today():
        errors["signed_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    assessment = RiskAssessment.objects.create(
        person=person,
        country=code,
        finds_no_substantial_grounds=finds_no_substantial_grounds,
        finds_no_real_risk=finds_no_real_risk,
        country_information=country_information.strip(),
        signed_by=actor,
        signed_on=signed_on or today(),
    )
    audit.record(
        actor,
        "risk.assessment_signed",
        person,
        changes={
            "country": code,
            "finds_no_substantial_grounds": finds_no_substantial_grounds,
            "finds_no_real_risk": finds_no_real_risk,
        },
    )
    return assessment


@transaction.atomic
def record_art_33_2(
    *, actor: Actor, person: Person, competent_authority: str, reference: str, decided_on: date
) -> Art332Determination:
    """Record an art. 33(2) determination; only after a final decision on the claim."""
    ensure(actor, "movements.manage_risk_profile", person)
    errors: dict[str, list[str]] = {}
    if not (competent_authority or "").strip():
        errors["competent_authority"] = [_("Name the competent authority.")]
    if not (reference or "").strip():
        errors["reference"] = [_("Give the reference of the determination.")]
    if decided_on > today():
        errors["decided_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    if not status_on(person, decided_on).final_decision:
        raise Conflict(
            _("An art. 33(2) determination can only follow a final decision on the asylum claim."),
            code="art332_before_final_decision",
        )
    record = Art332Determination.objects.create(
        person=person,
        competent_authority=competent_authority.strip(),
        reference=reference.strip(),
        decided_on=decided_on,
        recorded_by=actor,
    )
    audit.record(actor, "risk.art_33_2_recorded", person, changes={"authority": record.competent_authority})
    return record


# --- chain refoulement (N6) -----------------------------------------------------------------------


@transaction.atomic
def record_chain_assessment(
    *,
    actor: Actor,
    person: Person,
    country: str,
    admission_document: str,
    access_to_protection: bool,
    respects_non_refoulement: bool,
    rationale: str,
) -> ChainAssessmentRecord:
    """Assess a third country for one person. The author's approval counts as the first;
    a second, different protection officer must approve (`approve_chain_assessment`)."""
    ensure(actor, "movements.approve_chain", person)
    errors: dict[str, list[str]] = {}
    code = country_code(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the country assessed."))
    if not (rationale or "").strip():
        errors["rationale"] = [_("Write the rationale.")]
    if errors:
        raise InvalidInput(errors)
    ChainAssessmentRecord.objects.filter(person=person, country=code, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    record = ChainAssessmentRecord.objects.create(
        person=person,
        country=code,
        admission_document=(admission_document or "").strip(),
        access_to_protection=access_to_protection,
        respects_non_refoulement=respects_non_refoulement,
        rationale=rationale.strip(),
        recorded_by=actor,
    )
    ChainApproval.objects.create(assessment=record, approver=actor)
    audit.record(
        actor,
        "risk.chain_assessment_recorded",
        person,
        changes={
            "country": code,
            "access_to_protection": access_to_protection,
            "respects_non_refoulement": respects_non_refoulement,
            "admission_document": bool(record.admission_document),
        },
        reason=record.rationale,
    )
    return record


@transaction.atomic
def approve_chain_assessment(*, actor: Actor, assessment: ChainAssessmentRecord) -> ChainApproval:
    assessment = ChainAssessmentRecord.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    ensure(actor, "movements.approve_chain", assessment.person)
    if assessment.withdrawn_at is not None:
        raise Conflict(_("This assessment was replaced."), code="chain_assessment_replaced")
    if assessment.approvals.filter(approver=actor).exists():
        raise Conflict(_("You already approved it; a different protection officer must."), code="same_approver")
    approval = ChainApproval.objects.create(assessment=assessment, approver=actor)
    audit.record(
        actor, "risk.chain_assessment_approved", assessment.person, changes={"country": assessment.country.code}
    )
    return approval
