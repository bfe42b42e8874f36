"""Every write to the register. One function per business action: permission-checked,
atomic, audited. Pages, the API, imports and commands all come through here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor

from . import bulk
from .models import (
    PERSON_NAME_FIELDS,
    Household,
    Location,
    LocationKind,
    Membership,
    Person,
    Presence,
    Relationship,
    SensitiveProfile,
    Site,
    SpecificNeed,
    SpecificNeedCode,
)
from .references import next_references
from .signals import persons_saved, presence_changed
from .validation import (
    CORRECTABLE_FIELDS,
    PERSON_FIELDS,
    check_members,
    check_person,
    new_errors,
    normalise_country,
    normalise_name,
)

# A bulk registration whose caller audits it as one event (an import, with its file's
# checksum): instead of an event per person and per household, the service hands the caller
# what it wrote, as (household, person, the member dict the caller passed), and the caller
# records it in the same transaction.
RegistrationTrail = Callable[[list[tuple[Household, Person, dict[str, Any]]]], None]


@dataclass
class NewHousehold:
    """A household to register: its members (dicts of person fields plus `relationship`,
    optional `specific_needs` codes and `sensitive` fields), and where it lives."""

    members: list[dict[str, Any]]
    unit: Location | None = None
    arrival_date: date | None = None
    reference: str | None = None


def _check_unit(site: Site, unit: Location | None, errors, field: str) -> None:
    if unit is not None and (unit.site_id != site.pk or unit.kind != LocationKind.UNIT):
        errors[field].append(_("This unit is not a unit of site %(site)s.") % {"site": site.code})


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in PERSON_FIELDS if k in data and data[k] is not None}
    for field in ("nationality", "country_of_origin"):
        if field in values:
            values[field] = normalise_country(values[field])
    for field in PERSON_NAME_FIELDS:
        if field in values:
            values[field] = normalise_name(values[field])
    return values


def _save_person(person: Person) -> None:
    person.save()
    persons_saved.send(sender=Person, persons=[person])


def register_household(
    *,
    actor: Actor,
    site: Site,
    members: list[dict[str, Any]],
    unit: Location | None = None,
    arrival_date: date | None = None,
    reference: str | None = None,
) -> Household:
    """Register a household with all its members in one step, or nothing at all."""
    new = NewHousehold(members=members, unit=unit, arrival_date=arrival_date, reference=reference)
    return register_households(actor=actor, site=site, households=[new], error_prefix=False)[0]


@transaction.atomic
def register_households(
    *,
    actor: Actor,
    site: Site,
    households: list[NewHousehold],
    error_prefix: bool = True,
    trail: RegistrationTrail | None = None,
) -> list[Household]:
    """Register many households at once (imports, the demo camp), all or nothing.

    The same checks and the same audit events as one registration, written in bulk; with
    `trail`, the caller records the audit event instead (see `RegistrationTrail`).
    Errors are keyed `households.<i>.members.<j>.<field>` (without the household part when
    `error_prefix` is false, for the single-household pages and API).
    """
    ensure(actor, "registry.add_household", site)
    errors = new_errors()
    known_codes = set(SpecificNeedCode.objects.values_list("code", flat=True))
    may_record_sensitive = actor.has_perm("registry.change_sensitive", site)
    taken = _references_taken([h.reference for h in households if h.reference])
    for i, new in enumerate(households):
        prefix = f"households.{i}." if error_prefix else ""
        _check_household(new, site, errors, prefix, known_codes, may_record_sensitive, taken)
    if errors:
        raise InvalidInput(dict(errors))
    return _write_households(actor, site, households, trail)


def _references_taken(wanted: list[str]) -> set[str]:
    taken = set(Household.objects.filter(reference__in=wanted).values_list("reference", flat=True))
    seen: set[str] = set()
    for ref in wanted:  # the same reference twice in one batch
        if ref in seen:
            taken.add(ref)
        seen.add(ref)
    return taken


def _check_household(new: NewHousehold, site, errors, prefix, known_codes, may_record_sensitive, taken) -> None:
    check_members(new.members, errors, prefix)
    _check_unit(site, new.unit, errors, f"{prefix}unit")
    if new.arrival_date is not None and new.arrival_date > today():
        errors[f"{prefix}arrival_date"].append(_("The arrival date is in the future."))
    if new.reference in taken:
        errors[f"{prefix}reference"].append(_("The reference %(r)s is already used.") % {"r": new.reference})
    for j, member in enumerate(new.members):
        for code in member.get("specific_needs") or []:
            if code not in known_codes:
                errors[f"{prefix}members.{j}.specific_needs"].append(
                    _("Unknown specific-need code %(c)r.") % {"c": code}
                )
        if member.get("sensitive") and not may_record_sensitive:
            errors[f"{prefix}members.{j}.sensitive"].append(_("Your role may not record sensitive fields."))


def _write_households(actor: Actor, site: Site, households: list[NewHousehold], trail=None) -> list[Household]:
    auto_refs = iter(next_references(f"{site.code}-H", sum(1 for h in households if not h.reference)))
    # The principal applicant first, so references and the audit trail read in family order.
    families = [
        sorted(h.members, key=lambda m: m.get("relationship") != Relationship.PRINCIPAL_APPLICANT) for h in households
    ]
    person_refs = iter(next_references(site.code, sum(len(f) for f in families)))
    rows = [
        bulk.build(
            Household, reference=h.reference or next(auto_refs), site=site, unit=h.unit, arrival_date=h.arrival_date
        )
        for h in households
    ]
    try:
        with transaction.atomic():
            bulk.insert(rows)
    except IntegrityError as exc:  # a concurrent registration took a reference
        raise InvalidInput({"reference": [_("The reference is already used.")]}) from exc
    plan: list[tuple[Household, Person, dict[str, Any]]] = []
    on = today()
    for row, new, family in zip(rows, households, families, strict=True):
        for member in family:
            values = {"registered_on": on, **_person_values(member)}
            person = bulk.build(Person, reference=next(person_refs), site=site, unit=new.unit, **values)
            plan.append((row, person, member))
    _write_persons(actor, plan)
    if trail is None:
        audit.record_many(actor, _registration_events(rows, households, plan))
    else:
        trail(plan)
    return rows


def _write_persons(actor: Actor, plan, started_on: date | None = None) -> None:
    persons = [p for _h, p, _m in plan]
    bulk.insert(persons)
    persons_saved.send(sender=Person, persons=persons, created=True)
    _write_person_details(actor, plan, started_on)


def _write_person_details(actor: Actor, plan, started_on: date | None = None) -> None:
    on = today()
    bulk.insert([bulk.build(SensitiveProfile, person=p, **_filled(m.get("sensitive"))) for _h, p, m in plan])
    bulk.insert(
        [
            bulk.build(
                Membership,
                household=h,
                person=p,
                relationship=m["relationship"],
                started_on=started_on or h.arrival_date or on,
            )
            for h, p, m in plan
        ],
        keys=False,
    )
    bulk.insert(
        [
            bulk.build(SpecificNeed, person=p, code_id=c, recorded_on=on, recorded_by=actor)
            for _h, p, m in plan
            for c in m.get("specific_needs") or []
        ],
        keys=False,
    )


def _filled(sensitive: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (sensitive or {}).items() if v not in (None, "")}


def _registration_events(rows, households, plan) -> list[audit.Entry]:
    """A person.registered event per member, then household.registered, household by household."""
    events: list[audit.Entry] = []
    members = iter(plan)
    for row, new in zip(rows, households, strict=True):
        refs = []
        for _household, person, member in (next(members) for _member in new.members):
            secret = _filled(member.get("sensitive"))
            changes = {**_person_values(member), "specific_needs": member.get("specific_needs") or []}
            events.append(
                audit.Entry(
                    "person.registered",
                    person,
                    sensitive=list(secret),
                    changes={**changes, **dict.fromkeys(secret, "set")},
                )
            )
            refs.append(person.reference)
        events.append(
            audit.Entry(
                "household.registered",
                row,
                changes={
                    "members": refs,
                    "unit": str(new.unit) if new.unit else None,
                    "arrival_date": new.arrival_date,
                },
            )
        )
    return events


@transaction.atomic
def add_household_members(
    *, actor: Actor, household: Household, members: list[dict[str, Any]], trail: RegistrationTrail | None = None
) -> list[Person]:
    """Register new persons into a household that exists (a baby born in the camp, a relative
    who arrives later, the new rows of an import naming persons already in the household).

    Members are dicts as for `register_household`, each with its relationship to the
    principal applicant; they live in the household's unit and are members from today. The
    household keeps one principal applicant (the database holds it too). Audited as a
    `person.registered` event per new person and one `household.members_added`, or through
    `trail` (an import's one event). Errors are keyed `members.<j>.<field>`.
    """
    ensure(actor, "registry.change_household", household)
    ensure(actor, "registry.add_person", household)
    household = Household.objects.select_for_update(of=("self",)).select_related("site", "unit").get(pk=household.pk)
    site = household.site
    errors = new_errors()
    if household.closed_on is not None:
        errors["household"].append(_("Household %(h)s is closed.") % {"h": household.reference})
    if not members:
        errors["members"].append(_("Name at least one member to add."))
    principal = (
        Membership.objects.filter(
            household=household, ended_on__isnull=True, relationship=Relationship.PRINCIPAL_APPLICANT
        )
        .values_list("person__reference", flat=True)
        .first()
    )
    known_codes = set(SpecificNeedCode.objects.values_list("code", flat=True))
    may_record_sensitive = actor.has_perm("registry.change_sensitive", site)
    principals = 1 if principal else 0
    for j, member in enumerate(members):
        prefix = f"members.{j}."
        relationship = member.get("relationship")
        if relationship not in Relationship.values:
            errors[f"{prefix}relationship"].append(
                _("Unknown relationship to the principal applicant: use one of %(c)s.")
                % {"c": ", ".join(Relationship.values)}
            )
        elif relationship == Relationship.PRINCIPAL_APPLICANT:
            principals += 1
            if principals > 1:
                errors[f"{prefix}relationship"].append(
                    _("Household %(h)s already has a principal applicant (%(p)s).")
                    % {"h": household.reference, "p": principal or _("another new member")}
                )
        check_person(member, errors, prefix)
        for code in member.get("specific_needs") or []:
            if code not in known_codes:
                errors[f"{prefix}specific_needs"].append(_("Unknown specific-need code %(c)r.") % {"c": code})
        if member.get("sensitive") and not may_record_sensitive:
            errors[f"{prefix}sensitive"].append(_("Your role may not record sensitive fields."))
    if errors:
        raise InvalidInput(dict(errors))
    on = today()
    references = iter(next_references(site.code, len(members)))
    plan = [
        (
            household,
            Person(
                reference=next(references),
                site=site,
                unit=household.unit,
                **{"registered_on": on, **_person_values(member)},
            ),
            member,
        )
        for member in members
    ]
    _write_persons(actor, plan, started_on=on)
    if trail is not None:
        trail(plan)
        return [p for _h, p, _m in plan]
    entries = [
        audit.Entry(
            "person.registered",
            person,
            sensitive=list(_filled(member.get("sensitive"))),
            changes={
                **_person_values(member),
                "specific_needs": member.get("specific_needs") or [],
                **dict.fromkeys(_filled(member.get("sensitive")), "set"),
            },
        )
        for _h, person, member in plan
    ]
    entries.append(
        audit.Entry(
            "household.members_added",
            household,
            changes={"members": [p.reference for _h, p, _m in plan]},
        )
    )
    audit.record_many(actor, entries)
    return [p for _h, p, _m in plan]


@transaction.atomic
def correct_person(*, actor: Actor, person: Person, changes: dict[str, Any], reason: str) -> Person:
    """Correct biodata. The reason is required; the trail keeps the values before and after."""
    ensure(actor, "registry.change_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors = new_errors()
    if not (reason or "").strip():
        errors["reason"].append(_("A correction needs a reason."))
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    for field in sorted(unknown):
        errors[field].append(_("This field cannot be corrected here."))
    check_person({k: v for k, v in changes.items() if k in PERSON_FIELDS}, errors, partial=True)
    unit = changes.get("unit")
    _check_unit(person.site, unit, errors, "unit")
    if errors:
        raise InvalidInput(dict(errors))
    values = _person_values(changes)
    if "unit" in changes:
        values["unit"] = unit
    before = {k: getattr(person, k) for k in values}
    for k, v in values.items():
        setattr(person, k, v)
    after = {k: getattr(person, k) for k in values}
    delta = audit.diff(before, after)
    if not delta:
        return person
    _save_person(person)
    audit.record(actor, "person.corrected", person, changes=delta, reason=reason.strip())
    return person


@transaction.atomic
def correct_sensitive(*, actor: Actor, person: Person, changes: dict[str, Any], reason: str) -> SensitiveProfile:
    ensure(actor, "registry.change_sensitive", person)
    errors = new_errors()
    if not (reason or "").strip():
        errors["reason"].append(_("A correction needs a reason."))
    for field in set(changes) - set(SensitiveProfile.FIELDS):
        errors[f"sensitive.{field}"].append(_("Unknown field."))
    if errors:
        raise InvalidInput(dict(errors))
    profile, _created = SensitiveProfile.objects.select_for_update().get_or_create(person=person)
    before = {k: getattr(profile, k) for k in changes}
    for k, v in changes.items():
        setattr(profile, k, v)
    profile.save()
    audit.record(
        actor,
        "person.sensitive_corrected",
        person,
        changes=audit.diff(before, dict(changes)),
        sensitive=SensitiveProfile.FIELDS,
        reason=reason.strip(),
    )
    return profile


@transaction.atomic
def change_presence(
    *, actor: Actor, person: Person, presence: str, reason: str, action: str = "person.presence_changed"
) -> Person:
    """A person leaving, dying, going missing or coming back is a change of presence, never a deletion."""
    ensure(actor, "registry.change_person", person)
    return apply_presence(actor=actor, person=person, presence=presence, reason=reason, action=action)


def apply_presence(*, actor: Actor, person: Person, presence: str, reason: str, action: str) -> Person:
    """`change_presence` without its permission check, for another app's service that has
    checked its own (e.g. movements recording a departure). Call inside that transaction."""
    # MERGED is set only by the matching app's merge, never as an ordinary change of presence.
    if presence not in Presence.values or presence == Presence.MERGED:
        raise InvalidInput({"presence": [_("Unknown presence %(v)r.") % {"v": presence}]})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.presence == presence:
        return person
    before = person.presence
    person.presence = presence
    person.save(update_fields=["presence", "updated_at"])
    audit.record(actor, action, person, changes={"presence": [before, presence]}, reason=reason)
    presence_changed.send(sender=Person, actor=actor, person_ids=[person.pk], reason=reason)
    return person


# Who may correct a presence on the person's page: a death or a disappearance is a protection
# matter (DOMAIN 9.2), so the permission is the one that reviews a roll call's observations.
CORRECT_PRESENCE = "incidents.review_presence"


@transaction.atomic
def correct_presence(*, actor: Actor, person: Person, presence: str, reason: str) -> Person:
    """Correct a person's presence (e.g. a death recorded in error), with a mandatory reason.

    Protection officers only. Refuses an unknown or unchanged presence and an empty reason,
    leaving the record as it was. Audited as `person.presence_corrected`; the incidents whose
    casualties count this person follow through `signals.presence_changed`.
    """
    ensure(actor, CORRECT_PRESENCE, person)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the presence is corrected.")]
    if presence not in Presence.values or presence == Presence.MERGED:
        errors["presence"] = [_("Choose a presence from the list.")]
    elif presence == Person.objects.filter(pk=person.pk).values_list("presence", flat=True).first():
        errors["presence"] = [_("The presence is already “%(p)s”.") % {"p": Presence(presence).label}]
    if errors:
        raise InvalidInput(errors)
    return apply_presence(
        actor=actor, person=person, presence=presence, reason=reason.strip(), action="person.presence_corrected"
    )


@transaction.atomic
def record_specific_need(*, actor: Actor, person: Person, code: str, identified_on: date | None = None) -> SpecificNeed:
    ensure(actor, "registry.change_person", person)
    if not SpecificNeedCode.objects.filter(code=code).exists():
        raise InvalidInput({"code": [_("Unknown specific-need code %(c)r.") % {"c": code}]})
    need, created = SpecificNeed.objects.get_or_create(
        person=person, code_id=code, defaults={"recorded_on": identified_on or today(), "recorded_by": actor}
    )
    if created:
        audit.record(actor, "person.specific_need_recorded", person, changes={"code": code})
    return need


@transaction.atomic
def create_site(*, actor: Actor, code: str, name: str, host_country: str, designation: str, **extra) -> Site:
    ensure(actor, "registry.add_site")
    site = Site.objects.create(code=code, name=name, host_country=host_country, designation=designation, **extra)
    audit.record(actor, "site.created", site, changes={"code": code, "name": name, "designation": designation})
    return site


@transaction.atomic
def add_location(*, actor: Actor, site: Site, name: str, block: Location | None = None) -> Location:
    ensure(actor, "registry.change_site", site)
    kind = LocationKind.UNIT if block else LocationKind.BLOCK
    location, created = Location.objects.get_or_create(site=site, parent=block, name=name, defaults={"kind": kind})
    if created:
        audit.record(actor, "location.created", location, changes={"name": str(location)})
    return location


@transaction.atomic
def lay_out_site(*, actor: Actor, site: Site, layout: dict[str, list[str]]) -> list[Location]:
    """Create blocks and their units in one step: {"Block 01": ["T01-01", ...], ...}.

    Places that exist already are kept; returns every unit of the layout.
    """
    ensure(actor, "registry.change_site", site)
    existing = {
        (loc.parent.name if loc.parent else None, loc.name): loc
        for loc in Location.objects.filter(site=site).select_related("parent")
    }
    new_blocks = [Location(site=site, kind=LocationKind.BLOCK, name=b) for b in layout if (None, b) not in existing]
    Location.objects.bulk_create(new_blocks)
    blocks = {
        **{name: loc for (parent, name), loc in existing.items() if parent is None},
        **{b.name: b for b in new_blocks},
    }
    new_units = [
        Location(site=site, kind=LocationKind.UNIT, parent=blocks[b], name=u)
        for b, units in layout.items()
        for u in units
        if (b, u) not in existing
    ]
    Location.objects.bulk_create(new_units)
    blocks_by_pk: dict[int | None, str] = {b.pk: name for name, b in blocks.items()}
    audit.record_many(
        actor, [audit.Entry("location.created", loc, changes={"name": str(loc)}) for loc in [*new_blocks, *new_units]]
    )
    made = {(blocks_by_pk[u.parent_id], u.name): u for u in new_units}
    return [existing.get((b, u)) or made[(b, u)] for b, units in layout.items() for u in units]
