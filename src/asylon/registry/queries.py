"""Reads of the register, always scoped to the actor's sites and role."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from asylon.audit import queries as audit_queries
from asylon.audit import services as audit
from asylon.audit.models import AuditEvent
from asylon.core.dates import birth_range_for_age, today
from asylon.core.errors import InvalidInput, NotFound, NotPermitted
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.safeguards.types import NEVER_RECIPIENTS, RecipientKind

from .models import (
    DeathReport,
    Household,
    Location,
    Membership,
    Person,
    Presence,
    SensitiveProfile,
    Site,
    SpecificNeed,
    SpecificNeedCode,
)

# Age brackets of UNHCR population statistics (DOMAIN.md section 4), as (min, max) years.
AGE_BRACKETS: dict[str, tuple[int, int | None]] = {
    "0-4": (0, 4),
    "5-11": (5, 11),
    "12-17": (12, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}


def sites_for(actor: Actor) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=site_ids(actor))


def site_in_scope(actor: Actor, code: str, *, field: str = "site") -> Site:
    """The site an API caller names by its code, among the caller's own sites. A code outside
    them reads as unknown (as a record outside them reads as absent): 422 naming `field`."""
    site = sites_for(actor).filter(code=code).first()
    if site is None:
        raise InvalidInput({field: [f"Unknown site {code!r}."]})
    return site


def persons_for(actor: Actor) -> QuerySet[Person]:
    """Every person the actor may see. Partners see only persons shared with them (D3);
    whoever returns their data must pass it through `sharing.guard.guard_read`."""
    if not actor.has_perm("registry.view_person"):
        return Person.objects.filter(pk__in=_shared_with(actor)).exclude(presence=Presence.MERGED)
    # A merged record lives on only as an alias of the person it was merged into.
    return Person.objects.filter(site_id__in=site_ids(actor)).exclude(presence=Presence.MERGED)


def _shared_with(actor: Actor) -> QuerySet:
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


def households_for(actor: Actor) -> QuerySet[Household]:
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


# --- restricted needs ------------------------------------------------------------------------
# SV and TR needs (`SpecificNeedCode.restricted`) are protection information (DOMAIN.md 4): a
# role that may not read sensitive fields is not told that a person has one, on the person's
# page, in the API, through the list's filter or in an export (reports.exports does the same).


def sees_restricted_needs(actor: Actor, person: Person | None = None) -> bool:
    return actor.has_perm("registry.view_sensitive", person) if person else actor.has_perm("registry.view_sensitive")


def needs_with_codes() -> Prefetch:
    """Prefetch a person's needs with their codes (`visible_needs` reads `code.restricted`)."""
    return Prefetch("specific_needs", queryset=SpecificNeed.objects.select_related("code"))


def visible_needs(actor: Actor, person: Person) -> list[SpecificNeed]:
    """The person's needs this actor may know of (prefetch `specific_needs__code`)."""
    needs = list(person.specific_needs.all())
    if sees_restricted_needs(actor, person):
        return needs
    return [n for n in needs if not n.code.restricted]


def _names_restricted_need(code: str) -> bool:
    match = Q(code=code) if "-" in code else Q(category=code)
    return SpecificNeedCode.objects.filter(match, restricted=True).exists()


def person_list(actor: Actor, f: PersonFilters) -> QuerySet[Person]:
    if f.specific_need and not sees_restricted_needs(actor) and _names_restricted_need(f.specific_need):
        raise NotPermitted(
            gettext("Only protection roles may list persons by a restricted need (%(code)s).")
            % {"code": f.specific_need},
            code="restricted_need",
        )
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


def get_person(actor: Actor, reference: str) -> Person:
    qs = persons_for(actor).select_related("site", "unit", "unit__parent").prefetch_related(needs_with_codes())
    person = qs.filter(reference=reference).first()
    if person is None:
        # The reference of a person merged into another names the survivor: `matching`
        # keeps it as a PersonAlias (reverse name `aliases`), read here through the ORM.
        person = qs.filter(aliases__reference=reference).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def get_household(actor: Actor, reference: str) -> Household:
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


def read_sensitive(actor: Actor, person: Person) -> SensitiveProfile | None:
    """The person's sensitive fields, for roles allowed to see them. Every read is audited."""
    if not actor.has_perm("registry.view_sensitive", person):
        return None
    ensure(actor, "registry.view_sensitive", person)
    profile = SensitiveProfile.objects.filter(person=person).first()
    with transaction.atomic():
        audit.record(actor, "person.sensitive_viewed", person)
    return profile


def blocks_of(actor: Actor, site_id: int | None = None) -> QuerySet[Location]:
    qs = Location.objects.filter(parent__isnull=True, site_id__in=site_ids(actor))
    return qs.filter(site_id=site_id) if site_id else qs


def locations_for(actor: Actor) -> QuerySet[Location]:
    """Every block and unit of the actor's sites, in the order a form lists them."""
    return (
        Location.objects.filter(site_id__in=site_ids(actor))
        .select_related("site", "parent")
        .order_by("site", "parent__name", "name")
    )


def units_for(actor: Actor) -> QuerySet[Location]:
    """The units (shelters) of the actor's sites, where a household may live."""
    return locations_for(actor).filter(kind="UNIT")


def person_at_sites(actor: Actor, reference: str) -> Person | None:
    """The person registered under `reference` at one of the actor's sites, whatever the
    actor's role may browse: another record (an incident) names them, nothing of theirs is shown."""
    return Person.objects.filter(reference=reference.strip(), site_id__in=site_ids(actor)).first()


def person_named(actor: Actor, reference: str, *, field: str = "__all__", message: object = None) -> Person:
    """The person a form names by reference, or `InvalidInput` on `field` (above the form by
    default): a form's typo is the form's error, not a missing page."""
    try:
        return get_person(actor, reference.strip())
    except NotFound as exc:
        raise InvalidInput({field: [str(message or exc.message)]}) from exc


def household_named(actor: Actor, reference: str, *, field: str = "__all__", message: object = None) -> Household:
    """The household a form names by reference, or `InvalidInput` on `field` (as `person_named`)."""
    try:
        return get_household(actor, reference.strip())
    except NotFound as exc:
        raise InvalidInput({field: [str(message or exc.message)]}) from exc


# --- reads for the API's schemas ---------------------------------------------------------------


def location_in_site(site: Site, pk: int | None, *, field: str = "unit", what: str = "unit") -> Location | None:
    """The block or unit `pk` of `site` an API caller names (None when they name none); one of
    another site, or none at all, is a 422 naming `field`."""
    if pk is None:
        return None
    location = Location.objects.filter(pk=pk, site=site).first()
    if location is None:
        raise InvalidInput({field: [f"No {what} {pk} in site {site.code}."]})
    return location


def open_membership(person: Person) -> Membership | None:
    """`current_household`, read from the memberships a list prefetched
    (`memberships__household`: no query per person); a single person reads its own once."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([person], "memberships__household")  # nothing when already read
    return next((m for m in person.memberships.all() if m.ended_on is None), None)


def reference_of(person_id: int | None) -> str | None:
    """The public reference of the person a status record points to (a derivative status's
    principal), for a reader who already holds that record."""
    if person_id is None:
        return None
    return Person.objects.filter(pk=person_id).values_list("reference", flat=True).first()


def blocks_in_site(site: Site, pks: list[int], *, field: str = "blocks") -> list[Location]:
    """The blocks of `site` an API caller names by id; any id that is no block of it is a 422."""
    blocks = list(Location.objects.filter(pk__in=pks, site=site, parent__isnull=True))
    if len(blocks) != len(set(pks)):
        raise InvalidInput({field: [f"Unknown blocks of site {site.code}."]})
    return blocks


def site_named(actor: Actor, code: str) -> Site:
    """The site a report names by its code, among the actor's sites: any other is not found
    (404), whether it exists or not, so that the answer says nothing of other sites."""
    site = sites_for(actor).filter(code=code).first()
    if site is None:
        raise NotFound("No such site.")
    return site


# The household's changes in words, for its history page (the trail keeps the codes).
HISTORY_ACTIONS = {
    "household.registered": gettext_lazy("registered"),
    "household.members_added": gettext_lazy("members added"),
    "household.birth_recorded": gettext_lazy("birth"),
    "household.death_reported": gettext_lazy("death reported"),
    "household.death_confirmed": gettext_lazy("death confirmed"),
    "household.death_rejected": gettext_lazy("death report rejected"),
    "household.member_left": gettext_lazy("member left"),
    "household.member_joined": gettext_lazy("member joined"),
    "household.split": gettext_lazy("split"),
    "household.registered_by_split": gettext_lazy("founded by a split"),
    "household.joined_into": gettext_lazy("joined another household"),
    "household.joined_by": gettext_lazy("joined by another household"),
    "household.unit_changed": gettext_lazy("moved unit"),
}


@dataclass
class HistoryLine:
    at: object
    action: str
    actor: str
    changes: dict
    reason: str
    lines: list[tuple[str, str]]

    @property
    def label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))


def household_history(actor: Actor, household: Household) -> list[HistoryLine]:
    """Every change of a household the trail holds (registration, births, deaths, moves,
    splits, joins, units), newest first, with its reason. Outside the actor's sites: NotFound."""
    ensure(actor, "registry.view_household", household)
    events = AuditEvent.objects.filter(object_type="registry.household", object_id=str(household.pk)).order_by("-seq")
    return [
        HistoryLine(e.at, e.action, e.actor_username, e.changes, e.reason, audit_queries.change_lines(e))
        for e in events
    ]


def get_death_report(actor: Actor, pk: int) -> DeathReport:
    """A death report of the actor's sites; any other is NotFound."""
    report = (
        DeathReport.objects.filter(pk=pk, site_id__in=site_ids(actor))
        .select_related("person", "reported_by", "decided_by")
        .first()
    )
    if report is None or not actor.has_perm("registry.view_person"):
        raise NotFound("No such death report.")
    return report


def open_death_reports(actor: Actor, household: Household | None = None) -> QuerySet[DeathReport]:
    """Deaths reported and awaiting their second confirmation, in the actor's sites."""
    qs = DeathReport.objects.filter(site_id__in=site_ids(actor), state="AWAITING_SECOND").select_related(
        "person", "reported_by"
    )
    if household is not None:
        qs = qs.filter(person__memberships__household=household, person__memberships__ended_on__isnull=True)
    return qs
