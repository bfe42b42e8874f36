"""Reads of the register, always scoped to the actor's sites and role."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from asylon.audit import services as audit
from asylon.core.dates import birth_range_for_age, today
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.scope import ensure, site_ids
from asylon.safeguards.types import NEVER_RECIPIENTS, RecipientKind

from .models import Household, Location, Membership, Person, Presence, SensitiveProfile, Site, SpecificNeed

# Resolvers other apps register for references that no longer name a record of their own
# (`matching`: the reference of a person merged into another). Each returns the reference
# to look up instead, or None.
reference_resolvers: list[Callable[[str], str | None]] = []

# Age brackets of UNHCR population statistics (DOMAIN.md section 4), as (min, max) years.
AGE_BRACKETS: dict[str, tuple[int, int | None]] = {
    "0-4": (0, 4),
    "5-11": (5, 11),
    "12-17": (12, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}


def sites_for(actor) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=site_ids(actor))


def site_in_scope(actor, code: str, *, field: str = "site") -> Site:
    """The site an API caller names by its code, among the caller's own sites. A code outside
    them reads as unknown (as a record outside them reads as absent): 422 naming `field`."""
    site = sites_for(actor).filter(code=code).first()
    if site is None:
        raise InvalidInput({field: [f"Unknown site {code!r}."]})
    return site


def persons_for(actor) -> QuerySet[Person]:
    """Every person the actor may see. Partners see only persons shared with them (D3);
    whoever returns their data must pass it through `sharing.guard.guard_read`."""
    if not actor.has_perm("registry.view_person"):
        return Person.objects.filter(pk__in=_shared_with(actor)).exclude(presence=Presence.MERGED)
    # A merged record lives on only as an alias of the person it was merged into.
    return Person.objects.filter(site_id__in=site_ids(actor)).exclude(presence=Presence.MERGED)


def _shared_with(actor) -> QuerySet:
    """Ids of the persons a partner account may see (D3): an open grant, to a recipient the
    account acts for, of a person in the account's sites. Read through the person's grants
    (`sharing_grants`, the sharing app's rows) so that the register imports nothing above
    it; `sharing.guard.shared_persons_for` answers the same question from the other side.
    A recipient D1 names can never be given a grant; it is left out here all the same."""
    if not actor.has_perm("movements.read_shared_cases"):
        return Person.objects.none().values("pk")
    return Person.objects.filter(
        site_id__in=site_ids(actor),
        sharing_grants__expires_at__isnull=True,
        sharing_grants__recipient__users=actor,
        sharing_grants__recipient__kind__in=[k.value for k in RecipientKind if k not in NEVER_RECIPIENTS],
    ).values("pk")


def households_for(actor) -> QuerySet[Household]:
    if not actor.has_perm("registry.view_household"):
        return Household.objects.none()
    return Household.objects.filter(site_id__in=site_ids(actor))


@dataclass
class PersonFilters:
    site: int | None = None
    block: int | None = None
    presence: str | None = None
    sex: str | None = None
    age_bracket: str | None = None
    specific_need: str | None = None  # a code or a category ("SM")
    household: str | None = None


def filter_persons(qs: QuerySet[Person], f: PersonFilters, on: date | None = None) -> QuerySet[Person]:
    if f.site:
        qs = qs.filter(site_id=f.site)
    if f.block:
        qs = qs.filter(unit__parent_id=f.block)
    if f.presence:
        qs = qs.filter(presence=f.presence)
    if f.sex:
        qs = qs.filter(sex=f.sex)
    if f.age_bracket in AGE_BRACKETS:
        low, high = AGE_BRACKETS[f.age_bracket]
        earliest, latest = birth_range_for_age(low, high, on or today())
        qs = qs.filter(date_of_birth__lte=latest)
        if earliest:
            qs = qs.filter(date_of_birth__gte=earliest)
    if f.specific_need:
        code = f.specific_need
        match = Q(code_id=code) if "-" in code else Q(code__category=code)
        qs = qs.filter(Exists(SpecificNeed.objects.filter(match, person=OuterRef("pk"))))
    if f.household:
        qs = qs.filter(memberships__household__reference=f.household, memberships__ended_on__isnull=True)
    return qs


def person_list(actor, f: PersonFilters) -> QuerySet[Person]:
    return filter_persons(persons_for(actor), f).select_related("unit", "unit__parent").order_by("reference")


def encode_cursor(reference: str) -> str:
    return base64.urlsafe_b64encode(reference.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotFound("Invalid cursor.") from exc


def page_after(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Keyset pagination on `reference`: constant cost however deep the page."""
    if cursor:
        qs = qs.filter(reference__gt=decode_cursor(cursor))
    rows = list(qs.order_by("reference")[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1].reference) if len(rows) > limit else None
    return rows[:limit], next_cursor


def get_person(actor, reference: str) -> Person:
    qs = (
        persons_for(actor)
        .select_related("site", "unit", "unit__parent")
        .prefetch_related(Prefetch("specific_needs", queryset=SpecificNeed.objects.select_related("code")))
    )
    person = qs.filter(reference=reference).first()
    if person is None:
        for resolve in reference_resolvers:
            other = resolve(reference)
            if other and other != reference:
                person = qs.filter(reference=other).first()
                break
    if person is None:
        raise NotFound("No such person.")
    return person


def get_household(actor, reference: str) -> Household:
    household = households_for(actor).select_related("site", "unit", "unit__parent").filter(reference=reference).first()
    if household is None:
        raise NotFound("No such household.")
    return household


def current_members(household: Household) -> list[Membership]:
    members = household.memberships.filter(ended_on__isnull=True).select_related("person")
    # The principal applicant first, then the others in reference order.
    return sorted(members, key=lambda m: (m.relationship != "PA", m.person.reference))


def principal_applicant(household: Household) -> Person | None:
    m = household.memberships.filter(ended_on__isnull=True, relationship="PA").select_related("person").first()
    return m.person if m else None


def current_household(person: Person) -> Membership | None:
    return person.memberships.filter(ended_on__isnull=True).select_related("household").first()


def read_sensitive(actor, person: Person) -> SensitiveProfile | None:
    """The person's sensitive fields, for roles allowed to see them. Every read is audited."""
    if not actor.has_perm("registry.view_sensitive", person):
        return None
    ensure(actor, "registry.view_sensitive", person)
    profile = SensitiveProfile.objects.filter(person=person).first()
    with transaction.atomic():
        audit.record(actor, "person.sensitive_viewed", person)
    return profile


def blocks_of(actor, site_id: int | None = None) -> QuerySet[Location]:
    qs = Location.objects.filter(parent__isnull=True, site_id__in=site_ids(actor))
    return qs.filter(site_id=site_id) if site_id else qs
