"""The data-sharing guard (DOMAIN.md 8.2, D1-D6) around every release of personal data.

Who is a recipient user. Staff of the operation read the register as its data controller;
that is not a disclosure. A *partner* account (role `partner`) is linked to one `Recipient`
(e.g. a resettlement country's delegation) and everything it reads is a release to that
recipient: `persons_for` gives it only the persons with an open `SharingGrant` (D3), and
every page or API route that returns person data calls `guard_read`, which runs
`release_personal_data`: the safeguards decide, a `Disclosure` row and an audit event are
written (D6), and a refusal (D1 first) stops the response. A country-of-origin authority or
alleged persecutor can have no account, agreement or grant at all (no override).

Exports to a recipient (reports, later) call `release_personal_data` directly. With
`sharing.services` (grants) and the record exports, this is one of the doors to the
safeguards' sharing rules (tests/movements/test_one_door.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import NotFound
from asylon.core.scope import ensure, in_scope, site_ids
from asylon.core.types import Actor
from asylon.movements.facts import person_facts
from asylon.registry.models import Person
from asylon.safeguards import Agreement, DisclosureSubject, SharingDecision, assess_disclosure
from asylon.safeguards import Recipient as RecipientFacts
from asylon.safeguards.types import NEVER_RECIPIENTS, RecipientKind

from .models import Disclosure, Recipient, SharingAgreement, SharingGrant

PARTNER_PURPOSE = "resettlement case processing"
_UNSET = object()


def recipient_of(user) -> Recipient | None:
    """The recipient a partner account acts for, or None for staff of the operation."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_asylon_recipient", _UNSET)
    if cached is _UNSET:
        cached = Recipient.objects.filter(users=user).select_related("acts_for").first()
        user._asylon_recipient = cached
    return cached  # type: ignore[return-value]


def shared_persons_for(user) -> QuerySet:
    """Ids of the persons a partner account may see: open grants to its recipient (D3)."""
    recipient = recipient_of(user)
    if recipient is None or recipient.kind in NEVER_RECIPIENTS or not user.has_perm("movements.read_shared_cases"):
        return Person.objects.none().values("pk")
    return SharingGrant.objects.filter(
        recipient=recipient, expires_at__isnull=True, person__site_id__in=site_ids(user)
    ).values("person_id")


def agreement_for(recipient: Recipient, purpose: str, on: date) -> Agreement | None:
    """The agreement in force on `on` for this purpose (else any in force, which the rules
    will find does not cover the purpose), as the safeguards' plain value."""
    rows = list(
        SharingAgreement.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on), recipient=recipient, valid_from__lte=on
        ).order_by("-valid_from", "-pk")
    )
    row = next((a for a in rows if a.purpose.strip().casefold() == purpose.strip().casefold()), None)
    row = row or (rows[0] if rows else None)
    if row is None:
        return None
    return Agreement(
        purpose=row.purpose,
        fields=frozenset(row.fields),
        non_refoulement_undertaking=row.non_refoulement_undertaking,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        reference=row.reference,
    )


def recipient_facts(recipient: Recipient, purpose: str, on: date) -> RecipientFacts:
    country = recipient.country.code or (recipient.acts_for.country.code if recipient.acts_for else "")
    return RecipientFacts(
        kind=RecipientKind(recipient.kind),
        country=country,
        name=recipient.name,
        agreement=agreement_for(recipient, purpose, on),
    )


def release_personal_data(
    *,
    actor: Actor,
    recipient: Recipient,
    persons: Iterable[Person],
    fields: Iterable[str],
    purpose: str,
    channel: str = "",
) -> SharingDecision:
    """Ask the safeguards whether `fields` of `persons` may go to `recipient`; record the
    release (Disclosure + audit) or the refused attempt (audit), then raise on refusal."""
    decision, _disclosure = _release(
        actor=actor, recipient=recipient, persons=list(persons), fields=fields, purpose=purpose, channel=channel
    )
    decision.raise_if_refused()
    return decision


def decide_release(
    *,
    actor: Actor,
    recipient: Recipient,
    persons: Iterable[Person],
    fields: Iterable[str],
    purpose: str,
    channel: str = "",
) -> tuple[SharingDecision, Disclosure | None]:
    """`release_personal_data` for a caller that writes its own record of the release in the
    same transaction (a case's referral): the decision and the Disclosure row (None when
    refused) are returned, not raised, so the caller can keep the refused attempt on the
    trail and write nothing else."""
    return _release(
        actor=actor, recipient=recipient, persons=list(persons), fields=fields, purpose=purpose, channel=channel
    )


@transaction.atomic
def _release(*, actor: Actor, recipient: Recipient, persons: list[Person], fields, purpose: str, channel: str):
    own = recipient_of(actor)
    if own is not None:
        if own.pk != recipient.pk:
            raise NotFound(_("No such recipient."))
        ensure(actor, "movements.read_shared_cases")
    else:
        ensure(actor, "movements.release_personal_data")
        if any(not in_scope(actor, p) for p in persons):
            raise NotFound(_("No such person."))
    on = today()
    situations = person_facts([p.pk for p in persons], on)
    subjects: list[Any] = [  # DisclosureSubject is a sharing_rules.Subject (frozen, so read-only)
        DisclosureSubject(
            reference=s.facts.reference,
            country_of_origin=s.facts.country_of_origin,
            nationality=s.facts.nationality,
            risk_countries=s.facts.risk_countries,  # D1: alleged persecutors only
            submitted_to_countries=s.facts.submitted_to_countries,
        )
        for s in situations.values()
    ]
    decision = assess_disclosure(recipient_facts(recipient, purpose, on), subjects, sorted(set(fields)), purpose, on)
    record = decision.as_audit_dict()
    record["channel"] = channel
    action = "disclosure.released" if decision.allowed else "disclosure.refused"
    # One event per site of the persons, each naming only that site's persons: the trail of a
    # site tells its administrators nothing about another site's people.
    by_site: dict[int | None, list[str]] = defaultdict(list)
    for p in persons:
        by_site[p.site_id].append(p.reference)
    entry = audit.Entry(action, recipient, changes=record, reason=purpose)
    audit.record_many(actor, audit.split_by_site(entry, by_site))
    disclosure = None
    if decision.allowed:
        disclosure = Disclosure.objects.create(
            recipient=recipient,
            rule=decision.rule,
            legal_basis=decision.legal_basis[:300],
            purpose=purpose[:200],
            fields=sorted(decision.allowed_fields),
            person_count=len(subjects),
            person_refs=[s.reference for s in subjects],
            channel=channel[:60],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return decision, disclosure


def guard_read(actor: Actor, persons: Iterable[Person], *, fields: Iterable[str], channel: str) -> None:
    """Call before returning person data from any page, API route or export. A no-op for
    staff of the operation; for a partner account, a recorded release or a refusal."""
    recipient = recipient_of(actor)
    if recipient is None:
        return
    persons = list(persons)
    if not persons:
        return
    release_personal_data(
        actor=actor, recipient=recipient, persons=persons, fields=fields, purpose=PARTNER_PURPOSE, channel=channel
    )
