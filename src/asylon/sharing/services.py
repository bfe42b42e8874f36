"""Every write about recipients of personal data: recording a recipient, its agreements,
the partner accounts that act for it, and the grants that let a resettlement country see
the members of a case submitted to it (D3). Pages, the API, the resettlement app and the
demo call these; releases themselves are `sharing.guard`'s.

D1 comes first and has no override: a recipient that is, or acts for, the state people
fled can be given no agreement, no account and no grant. Each service checks
`movements.manage_recipients` (grants: or `movements.request_departure`, for the
resettlement officer who submits the case), runs in one transaction and writes its audit
event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from asylon.accounts.roles import Role
from asylon.accounts.services import manages
from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import InvalidInput, NotFound, NotPermitted, SafeguardRefusal
from asylon.core.scope import can, ensure, site_ids
from asylon.core.types import Actor
from asylon.movements.facts import disclosure_subjects
from asylon.movements.models import CountryAuthority, RiskCountry, RiskKind
from asylon.movements.reference_data import check_dates, country_code
from asylon.registry.models import Person, Site
from asylon.safeguards import Recipient as RecipientFacts
from asylon.safeguards import legal_bases
from asylon.safeguards.sharing_rules import d1_refusal
from asylon.safeguards.types import NEVER_RECIPIENTS
from asylon.safeguards.types import RecipientKind as SafeguardRecipientKind

from .models import Recipient, RecipientKind, SharingAgreement, SharingGrant


def _authority_named(name: str) -> CountryAuthority | None:
    on = today()
    return (
        CountryAuthority.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
        .filter(name__iexact=name.strip())
        .first()
    )


@transaction.atomic
def create_recipient(
    *, actor: Actor, name: str, kind: str, country: str = "", acts_for: CountryAuthority | None = None
) -> Recipient:
    """Record a recipient. One that acts for a recorded country authority (by link or by
    name) takes that authority's country, so D1 sees whose state it speaks for."""
    ensure(actor, "movements.manage_recipients")
    errors: dict[str, list[str]] = {}
    code = country_code(country, "country", errors)
    if not (name or "").strip():
        errors["name"] = [_("Name the recipient.")]
    if kind not in RecipientKind.values:
        errors["kind"] = [_("Unknown kind of recipient.")]
    if errors:
        raise InvalidInput(errors)
    acts_for = acts_for or _authority_named(name)
    if acts_for is not None:
        if code and code != acts_for.country.code:
            raise InvalidInput({"country": [_("This organisation acts for %(c)s.") % {"c": acts_for.country.code}]})
        code = acts_for.country.code
    if kind == RecipientKind.RESETTLEMENT_COUNTRY and not code:
        raise InvalidInput({"country": [_("Name the resettlement country.")]})
    if Recipient.objects.filter(name__iexact=name.strip()).exists():
        raise InvalidInput({"name": [_("A recipient with this name exists.")]})
    recipient = Recipient.objects.create(
        name=name.strip(), kind=kind, country=code, acts_for=acts_for, created_by=actor
    )
    audit.record(
        actor, "sharing.recipient_recorded", recipient, changes={"name": recipient.name, "kind": kind, "country": code}
    )
    return recipient


def _refuse_never_recipient(recipient: Recipient) -> None:
    if recipient.kind in NEVER_RECIPIENTS:
        raise SafeguardRefusal(
            "D1",
            legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN,
            _(
                "Nothing about refugees or asylum seekers, not even whether a person is here, may go to the "
                "authorities of the country they fled or to anyone accused of persecuting them. This "
                "recipient can never be given an agreement, an account or a grant."
            ),
        )


@transaction.atomic
def record_sharing_agreement(
    *,
    actor: Actor,
    recipient: Recipient,
    reference: str,
    purpose: str,
    fields: Iterable[str],
    valid_from: date,
    non_refoulement_undertaking: bool = False,
    valid_to: date | None = None,
) -> SharingAgreement:
    ensure(actor, "movements.manage_recipients")
    _refuse_never_recipient(recipient)
    errors: dict[str, list[str]] = {}
    field_list = sorted({f.strip() for f in fields if f and f.strip()})
    if not (reference or "").strip():
        errors["reference"] = [_("Give the agreement's reference.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("State the purpose.")]
    if not field_list:
        errors["fields"] = [_("List the fields the agreement covers.")]
    check_dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    agreement = SharingAgreement.objects.create(
        recipient=recipient,
        reference=reference.strip(),
        purpose=purpose.strip(),
        fields=field_list,
        non_refoulement_undertaking=non_refoulement_undertaking,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "sharing.agreement_recorded",
        recipient,
        changes={"reference": agreement.reference, "purpose": agreement.purpose, "fields": field_list},
    )
    return agreement


def _refuse_state_of_origin_for(recipient: Recipient, user) -> None:
    """D1 at the door: an account acting for the state that people at the account's sites
    fled (their country of origin or nationality) or that is recorded as persecuting one of
    them (a persecution risk: the alleged actor of persecution) is refused outright, whatever the
    recipient's kind or label: the reads would be refused one by one anyway, and even the
    account's existence tells that state whom to look for here."""
    state = recipient.country.code
    if not state:
        return
    persecutor = RiskCountry.objects.filter(country=state, kind=RiskKind.PERSECUTION, withdrawn_on__isnull=True)
    fled = Person.objects.filter(site__in=user.sites.all()).filter(
        Q(country_of_origin=state) | Q(nationality=state) | Q(pk__in=persecutor.values("person_id"))
    )
    if fled.exists():
        raise SafeguardRefusal(
            "D1",
            legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN,
            _(
                "This recipient acts for %(state)s, the state that people at this account's sites fled. "
                "Nothing about them, not even whether they are here, may reach it: no account can act for it."
            )
            % {"state": country_names.name(state) or state},
        )


@transaction.atomic
def link_recipient_user(*, actor: Actor, recipient: Recipient, user) -> Recipient:
    """Give a partner account access as this recipient (it will read only what is shared).

    Refused: a recipient D1 names (by kind, or acting for the state people at the account's
    sites fled), an account the actor does not manage (a site outside the actor's), an
    account that is not a partner account only, or one already acting for another recipient.
    """
    ensure(actor, "movements.manage_recipients")
    _refuse_never_recipient(recipient)
    if not manages(actor, user):
        raise NotFound(_("No such user."))
    if not user.groups.filter(name=Role.PARTNER).exists() or user.groups.exclude(name=Role.PARTNER).exists():
        raise InvalidInput({"user": [_("Only partner accounts (and nothing else) can act for a recipient.")]})
    if user.recipients.exclude(pk=recipient.pk).exists():
        raise InvalidInput({"user": [_("This account already acts for another recipient.")]})
    _refuse_state_of_origin_for(recipient, user)
    recipient.users.add(user)
    # About a user: read by the administrators of the user's sites (the trail is read per site).
    audit.record(
        actor,
        "sharing.recipient_user_linked",
        recipient,
        changes={"user": user.get_username()},
        sites=user.sites.values_list("pk", flat=True),
    )
    return recipient


@transaction.atomic
def grant_sharing(
    *, actor: Actor, recipient: Recipient, persons: Iterable[Person], reason: str, source: str = ""
) -> list[SharingGrant]:
    """D3: let a resettlement country see these persons (the members of a case submitted to
    it). The resettlement app calls this at submission. D1 is checked for every person."""
    persons = list(persons)
    for p in persons:
        if not (can(actor, "movements.manage_recipients", p) or can(actor, "movements.request_departure", p)):
            ensure(actor, "movements.manage_recipients", p)
            raise NotPermitted(_("Your role does not allow sharing."))
    _refuse_never_recipient(recipient)
    if recipient.kind != RecipientKind.RESETTLEMENT_COUNTRY:
        raise InvalidInput({"recipient": [_("Case grants are for resettlement countries only.")]})
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why (e.g. the submission).")]})
    # D1 reads each person's origin, nationality and alleged persecutors (only those).
    subjects: list[Any] = list(disclosure_subjects([p.pk for p in persons], today()))
    refusal = d1_refusal(
        RecipientFacts(
            kind=SafeguardRecipientKind(recipient.kind), country=recipient.country.code, name=recipient.name
        ),
        subjects,
    )
    if refusal:
        raise SafeguardRefusal(
            "D1", legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN, refusal.english(), refusal.as_dict()
        )
    open_for = set(
        SharingGrant.objects.filter(recipient=recipient, expires_at__isnull=True, person__in=persons).values_list(
            "person_id", flat=True
        )
    )
    grants = SharingGrant.objects.bulk_create(
        [
            SharingGrant(recipient=recipient, person=p, reason=reason.strip(), source=source, granted_by=actor)
            for p in persons
            if p.pk not in open_for
        ]
    )
    for grant in grants:
        audit.record(
            actor,
            "sharing.granted",
            grant.person,
            changes={"recipient": recipient.name, "source": source},
            reason=reason.strip(),
        )
    return grants


@transaction.atomic
def expire_sharing(
    *, actor: Actor, recipient: Recipient, reason: str, persons: Iterable[Person] | None = None, source: str = ""
) -> int:
    """End grants at the case's closure: for these persons, or every grant from `source`."""
    if not (can(actor, "movements.manage_recipients") or can(actor, "movements.request_departure")):
        raise NotPermitted(_("Your role does not allow sharing."))
    qs = SharingGrant.objects.select_for_update().filter(recipient=recipient, expires_at__isnull=True)
    if persons is not None:
        qs = qs.filter(person__in=list(persons))
    elif source:
        qs = qs.filter(source=source)
    else:
        raise InvalidInput({"persons": [_("Say which grants end.")]})
    now = timezone.now()
    ended = 0
    for grant in qs.select_related("person"):
        grant.expires_at = now
        grant.save(update_fields=["expires_at"])
        audit.record(actor, "sharing.expired", grant.person, changes={"recipient": recipient.name}, reason=reason)
        ended += 1
    return ended


def partner_users(actor: Actor | None = None):
    """Active partner accounts; with `actor`, only those the actor manages (all its sites are
    the actor's), the ones it may link to a recipient."""
    users = get_user_model().objects.filter(groups__name=Role.PARTNER, is_active=True).distinct()
    if actor is None:
        return users
    mine = site_ids(actor)
    return users.filter(is_superuser=False, sites__in=mine).exclude(sites__in=Site.objects.exclude(pk__in=mine))
