"""Referrals of a protection case to a service, and the receiving side's answers.

A referral outside the organisation (to a `sharing.Recipient`) is a disclosure (DOMAIN.md 8,
12): before anything is written, the consent on file must cover this service, this partner
and these fields (`safeguards.consent_rules`, rule DC), then the sharing guard decides
(`sharing.guard.decide_release`: D1 first, then the agreement, its purpose and its fields)
and records the release (Disclosure, D6) or the refused attempt. A refusal is recorded
before it is reported and leaves no referral behind. Inside the organisation no data leaves
the data controller, so only consent is asked.

The receiving partner (a partner account acting for the recipient, `cases.answer_referral`)
accepts or declines and records the outcome; an internal referral's answers are recorded by
whoever works on the case. A referral's `state` changes only in `_enter_state`
(transitions.REFERRAL).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput, NotFound, SafeguardRefusal
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person
from asylon.sharing import guard
from asylon.sharing.models import Recipient

from . import queries
from .models import ConsentScope, ProtectionCase, Referral, Service
from .referrals import PURPOSES, SHAREABLE, shared_values
from .services import _locked, require_consent
from .transitions import OPEN_STATES, REFERRAL, ReferralAction

PREFIX = "PC-RF"


def refer_case(
    *,
    actor: Actor,
    case: ProtectionCase,
    service: str,
    fields: list[str] | tuple[str, ...] = (),
    recipient: Recipient | None = None,
    internal_unit: str = "",
    note: str = "",
) -> Referral:
    """Refer the case to a service; raises `SafeguardRefusal` (rule DC, D1, DP...) after the
    refused attempt is on the trail, with no referral written."""
    referral, refusal = _refer(
        actor=actor,
        case=case,
        service=service,
        fields=sorted(set(fields)),
        recipient=recipient,
        internal_unit=(internal_unit or "").strip(),
        note=(note or "").strip(),
    )
    if refusal is not None:
        raise refusal
    assert referral is not None
    return referral


@transaction.atomic
def _refer(
    *, actor: Actor, case: ProtectionCase, service: str, fields: list[str], recipient, internal_unit: str, note: str
) -> tuple[Referral | None, SafeguardRefusal | None]:
    case = _locked(actor, case)
    if case.state not in OPEN_STATES:
        raise InvalidInput({"case": [_("A closed case refers no one.")]})
    errors: dict[str, list[str]] = {}
    if service not in Service.values:
        errors["service"] = [_("Choose the service.")]
    if (recipient is None) == (not internal_unit):
        errors["recipient"] = [_("Refer to a partner outside, or name the unit inside the organisation.")]
    unknown = [f for f in fields if f not in SHAREABLE]
    if unknown or not fields:
        errors["fields"] = [_("Choose the fields to share, from the list.")]
    if errors:
        raise InvalidInput(errors)
    purpose = PURPOSES[service]
    try:
        require_consent(
            case,
            scope=ConsentScope.REFERRAL,
            service=service,
            recipient=recipient.name if recipient else "",
            fields=fields,
        )
    except SafeguardRefusal as refusal:
        audit.record(
            actor,
            "case.referral_refused",
            case,
            changes={"rule": refusal.rule, "service": service, "recipient": recipient.name if recipient else None},
        )
        return None, refusal
    disclosure = None
    if recipient is not None:
        subjects = _subjects(case)
        decision, disclosure = guard.decide_release(
            actor=actor,
            recipient=recipient,
            persons=subjects,
            fields=fields,
            purpose=purpose,
            channel=f"cases:referral {case.reference}",
        )
        if not decision.allowed:
            audit.record(
                actor,
                "case.referral_refused",
                case,
                changes={"rule": decision.rule, "service": service, "recipient": recipient.name},
            )
            try:
                decision.raise_if_refused()
            except SafeguardRefusal as refusal:
                return None, refusal
    referral = Referral.objects.create(
        reference=_next_reference(),
        case=case,
        site_id=case.site_id,
        service=service,
        recipient=recipient,
        internal_unit=internal_unit,
        purpose=purpose,
        fields=fields,
        shared=shared_values(case, fields, note),
        disclosure=disclosure,
        sent_by=actor,
    )
    audit.record(
        actor,
        "case.referred",
        case,
        changes={
            "referral": referral.reference,
            "service": service,
            "recipient": recipient.name if recipient else None,
            "internal_unit": internal_unit or None,
            "fields": fields,
        },
    )
    return referral, None


def _next_reference() -> str:
    from asylon.registry.references import next_reference

    return next_reference(PREFIX)


def _subjects(case: ProtectionCase) -> list[Person]:
    if case.person_id:
        return [case.person]  # type: ignore[list-item]
    return [m.person for m in case.household.memberships.filter(ended_on__isnull=True).select_related("person")]  # type: ignore[union-attr]


def _enter_state(actor: Actor, referral: Referral, action: str, text: str, **changes: Any) -> None:
    """The one writer of `Referral.state` (transitions.REFERRAL)."""
    step = REFERRAL.step_for(action, referral.state)
    if step.needs_reason and not (text or "").strip():
        field = "outcome" if action == ReferralAction.COMPLETE else "reason"
        raise InvalidInput({field: [_("Say why, or what came of it.")]})
    before = referral.state
    referral.state = step.target
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.save(update_fields=["state", *changes])
    # On the case's trail (its history) and the referral's own reference.
    audit.record(
        actor,
        f"case.referral_{action}",
        referral.case,
        changes={"referral": referral.reference, "state": [before, referral.state]},
        reason=text if action == ReferralAction.DECLINE else "",
    )


@transaction.atomic
def answer_referral(*, actor: Actor, referral: Referral, action: str, text: str = "") -> Referral:
    """Accept, decline (with a reason) or complete (with the outcome) a referral.

    Outside: only a partner account acting for the referral's recipient answers (others: no
    such referral). Inside: whoever works on the case."""
    if referral.recipient_id is not None:
        ensure(actor, queries.ANSWER)
        if not queries.referrals_for_partner(actor).filter(pk=referral.pk).exists():
            raise NotFound(_("No such referral."))
    else:
        _locked(actor, referral.case)
    referral = Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    now = timezone.now()
    text = (text or "").strip()
    if action == ReferralAction.COMPLETE:
        _enter_state(actor, referral, action, text, outcome=text, completed_at=now)
    elif action == ReferralAction.DECLINE:
        _enter_state(actor, referral, action, text, decline_reason=text, answered_by=actor, answered_at=now)
    else:
        _enter_state(actor, referral, action, text, answered_by=actor, answered_at=now)
    return referral
