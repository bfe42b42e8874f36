"""Every write to the register. One function per business action: permission-checked,
atomic, audited. Pages, the API, imports and commands all come through here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.accounts.scope import ensure
from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import InvalidInput

from .models import (
    Household,
    Location,
    LocationKind,
    Membership,
    Person,
    Presence,
    ReferenceCounter,
    Relationship,
    SensitiveProfile,
    Site,
    SpecificNeed,
    SpecificNeedCode,
)
from .validation import CORRECTABLE_FIELDS, PERSON_FIELDS, check_members, check_person, new_errors, normalise_country

# Hooks other apps register to keep derived data in step with a person (e.g. the name keys
# of `matching`). Each is called inside the writing transaction with the saved person.
person_saved_hooks: list = []


def next_reference(prefix: str) -> str:
    """The next never-used reference under a prefix, e.g. LIB-000124."""
    ReferenceCounter.objects.get_or_create(prefix=prefix)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{counter.last_number:06d}"


def _check_unit(site: Site, unit: Location | None, errors, field: str) -> None:
    if unit is not None and (unit.site_id != site.pk or unit.kind != LocationKind.UNIT):
        errors[field].append(_("This unit is not a unit of site %(site)s.") % {"site": site.code})


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in PERSON_FIELDS if k in data and data[k] is not None}
    for field in ("nationality", "country_of_origin"):
        if field in values:
            values[field] = normalise_country(values[field])
    for field in ("given_name", "fathers_name", "family_name"):
        if field in values:
            values[field] = " ".join(str(values[field]).split())
    return values


def _save_person(person: Person) -> None:
    person.save()
    for hook in person_saved_hooks:
        hook(person)


@transaction.atomic
def register_household(
    *,
    actor,
    site: Site,
    members: list[dict[str, Any]],
    unit: Location | None = None,
    arrival_date: date | None = None,
    reference: str | None = None,
) -> Household:
    """Register a household with all its members in one step, or nothing at all.

    Each member is a dict of person fields plus `relationship`, optional `specific_needs`
    (codes) and `sensitive` (a dict of SensitiveProfile fields; protection roles only).
    """
    ensure(actor, "registry.add_household", site)
    errors = new_errors()
    check_members(members, errors)
    _check_unit(site, unit, errors, "unit")
    if arrival_date is not None and arrival_date > today():
        errors["arrival_date"].append(_("The arrival date is in the future."))
    if reference and Household.objects.filter(reference=reference).exists():
        errors["reference"].append(_("The reference %(r)s is already used.") % {"r": reference})
    known_codes = set(SpecificNeedCode.objects.values_list("code", flat=True))
    for i, member in enumerate(members):
        for code in member.get("specific_needs") or []:
            if code not in known_codes:
                errors[f"members.{i}.specific_needs"].append(_("Unknown specific-need code %(c)r.") % {"c": code})
        if member.get("sensitive") and not actor.has_perm("registry.change_sensitive", site):
            errors[f"members.{i}.sensitive"].append(_("Your role may not record sensitive fields."))
    if errors:
        raise InvalidInput(dict(errors))

    household = Household(
        reference=reference or next_reference(f"{site.code}-H"), site=site, unit=unit, arrival_date=arrival_date
    )
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as exc:  # a concurrent registration took the reference
        raise InvalidInput({"reference": [_("The reference is already used.")]}) from exc
    started = arrival_date or today()
    # The principal applicant first, so the audit trail reads in family order.
    ordered = sorted(members, key=lambda m: m.get("relationship") != Relationship.PRINCIPAL_APPLICANT)
    refs = []
    for member in ordered:
        person = _create_person(actor=actor, site=site, unit=unit, data=member)
        Membership.objects.create(
            household=household, person=person, relationship=member["relationship"], started_on=started
        )
        refs.append(person.reference)
    audit.record(
        actor,
        "household.registered",
        household,
        changes={"members": refs, "unit": str(unit) if unit else None, "arrival_date": arrival_date},
    )
    return household


def _create_person(*, actor, site: Site, unit: Location | None, data: dict[str, Any]) -> Person:
    values = _person_values(data)
    values.setdefault("registered_on", today())
    person = Person(reference=next_reference(site.code), site=site, unit=unit, **values)
    _save_person(person)
    sensitive = {k: v for k, v in (data.get("sensitive") or {}).items() if v not in (None, "")}
    SensitiveProfile.objects.create(person=person, **sensitive)
    codes = data.get("specific_needs") or []
    SpecificNeed.objects.bulk_create(
        [SpecificNeed(person=person, code_id=c, recorded_on=today(), recorded_by=actor) for c in codes]
    )
    audit.record(
        actor,
        "person.registered",
        person,
        changes={**values, "specific_needs": codes, **{k: "set" for k in sensitive}},
        sensitive=list(sensitive),
    )
    return person


@transaction.atomic
def correct_person(*, actor, person: Person, changes: dict[str, Any], reason: str) -> Person:
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
def correct_sensitive(*, actor, person: Person, changes: dict[str, Any], reason: str) -> SensitiveProfile:
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
    *, actor, person: Person, presence: str, reason: str, action: str = "person.presence_changed"
) -> Person:
    """A person leaving, dying, going missing or coming back is a change of presence, never a deletion."""
    ensure(actor, "registry.change_person", person)
    return apply_presence(actor=actor, person=person, presence=presence, reason=reason, action=action)


def apply_presence(*, actor, person: Person, presence: str, reason: str, action: str) -> Person:
    """`change_presence` without its permission check, for another app's service that has
    checked its own (e.g. movements recording a departure). Call inside that transaction."""
    if presence not in Presence.values:
        raise InvalidInput({"presence": [_("Unknown presence %(v)r.") % {"v": presence}]})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.presence == presence:
        return person
    before = person.presence
    person.presence = presence
    person.save(update_fields=["presence", "updated_at"])
    audit.record(actor, action, person, changes={"presence": [before, presence]}, reason=reason)
    return person


@transaction.atomic
def record_specific_need(*, actor, person: Person, code: str, identified_on: date | None = None) -> SpecificNeed:
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
def create_site(*, actor, code: str, name: str, host_country: str, designation: str, **extra) -> Site:
    ensure(actor, "registry.add_site")
    site = Site.objects.create(code=code, name=name, host_country=host_country, designation=designation, **extra)
    audit.record(actor, "site.created", site, changes={"code": code, "name": name, "designation": designation})
    return site


@transaction.atomic
def add_location(*, actor, site: Site, name: str, block: Location | None = None) -> Location:
    ensure(actor, "registry.change_site", site)
    kind = LocationKind.UNIT if block else LocationKind.BLOCK
    location, created = Location.objects.get_or_create(site=site, parent=block, name=name, defaults={"kind": kind})
    if created:
        audit.record(actor, "location.created", location, changes={"name": str(location)})
    return location


@transaction.atomic
def change_presence_many(
    *, actor, site: Site, presences: dict[int, str], reason: str, action: str = "person.presence_changed"
) -> int:
    """`change_presence` for many persons of one site at once (e.g. closing a roll call).

    Each person whose presence really changes gets its own audit event. Returns how many changed.
    """
    ensure(actor, "registry.change_person", site)
    bad = {v for v in presences.values() if v not in Presence.values}
    if bad:
        raise InvalidInput({"presence": [_("Unknown presence %(v)r.") % {"v": v} for v in sorted(bad)]})
    current = {
        pk: (ref, presence)
        for pk, ref, presence in Person.objects.select_for_update()
        .filter(site=site, pk__in=list(presences))
        .values_list("pk", "reference", "presence")
    }
    if len(current) != len(presences):
        raise InvalidInput({"persons": [_("Some persons are not in site %(s)s.") % {"s": site.code}]})
    by_value: dict[str, list[int]] = {}
    for pk, value in presences.items():
        if current[pk][1] != value:
            by_value.setdefault(value, []).append(pk)
    now = timezone.now()
    for value, pks in by_value.items():
        for start in range(0, len(pks), 500):
            Person.objects.filter(pk__in=pks[start : start + 500]).update(presence=value, updated_at=now)
    changed = 0
    for value, pks in by_value.items():
        for pk in sorted(pks):
            # A bare instance is enough for the trail: it names the person's type, id and reference.
            person = Person(pk=pk, reference=current[pk][0], site_id=site.pk)
            audit.record(actor, action, person, changes={"presence": [current[pk][1], value]}, reason=reason)
            changed += 1
    return changed
