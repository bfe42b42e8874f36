"""The register following a household's life: births, deaths, members moving between
households, households splitting, joining and moving unit.

Every act here keeps the household invariants (the database holds the first two too):
exactly one current principal applicant per open household, no person in two current
households, and a household that no current member is left in is closed. Each act is
keyword-only with the actor first, runs lock → check → write → audit in one transaction and
records a `household.*` event with its reason, which the household's history reads.

A death reaches the register only when a second person confirms it (the rule roll-call death
reviews follow, incidents/reviews.py); the status history follows through
`signals.death_confirmed`, since status stands above the register. A household moving to
another site is an internal transfer and goes through the movement gate, never through here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor

from .models import (
    DeathReport,
    DeathReportState,
    DeathSource,
    Household,
    Location,
    LocationKind,
    Membership,
    Parentage,
    ParentRole,
    Person,
    Presence,
    Relationship,
)
from .references import next_references
from .services import CORRECT_PRESENCE, add_household_members, apply_presence
from .signals import death_confirmed

CHANGE_HOUSEHOLD = "registry.change_household"
# A death is a protection matter (DOMAIN 9.2): it is confirmed by the role that reviews a
# roll call's deaths, and never by the person who reported it.
CONFIRM_DEATH = CORRECT_PRESENCE
ONE_PRINCIPAL = gettext_lazy(
    "A household keeps exactly one principal applicant: name the member who becomes principal applicant."
)
OTHER_SITE = gettext_lazy("A move to another site is an internal transfer: request it as a movement.")
SAME_PERSON_TWICE = gettext_lazy(
    "You reported this death: another protection officer must confirm it before it reaches the register."
)
# How a newborn stands to the principal applicant, from how its parent does.
CHILD_OF: dict[str, str] = {
    Relationship.PRINCIPAL_APPLICANT: Relationship.CHILD,
    Relationship.SPOUSE_PARTNER: Relationship.CHILD,
    Relationship.CHILD: Relationship.GRANDCHILD,
    Relationship.PARENT: Relationship.SIBLING,
}
GONE = (Presence.DECEASED, Presence.DEPARTED, Presence.MERGED)

Errors = defaultdict[str, list[str]]


def _errors() -> Errors:
    return defaultdict(list)


def _raise(errors: Errors) -> None:
    if errors:
        raise InvalidInput(dict(errors))


def _need_reason(reason: str, errors: Errors, field: str = "reason") -> str:
    if not (reason or "").strip():
        errors[field].append(_("Say why (the reason is kept in the household's history)."))
    return (reason or "").strip()


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update(of=("self",)).select_related("site", "unit").get(pk=household.pk)


def _current(household: Household) -> list[Membership]:
    """The household's current memberships, locked, principal applicant first."""
    rows = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(household=household, ended_on__isnull=True)
        .select_related("person")
        .order_by("person__reference")
    )
    return sorted(rows, key=lambda m: m.relationship != Relationship.PRINCIPAL_APPLICANT)


def _open(household: Household, errors: Errors, field: str) -> None:
    if household.closed_on is not None:
        errors[field].append(_("Household %(h)s is closed.") % {"h": household.reference})


def _end(membership: Membership, on: date) -> None:
    membership.ended_on = max(on, membership.started_on)
    membership.save(update_fields=["ended_on"])


def _join(household: Household, person: Person, relationship: str, on: date) -> Membership:
    return Membership.objects.create(household=household, person=person, relationship=relationship, started_on=on)


def _promote(membership: Membership, on: date) -> Membership:
    """The member becomes principal applicant: a new dated membership, the old one ended."""
    _end(membership, on)
    return _join(membership.household, membership.person, Relationship.PRINCIPAL_APPLICANT, on)


def _close_if_empty(household: Household, on: date) -> bool:
    if Membership.objects.filter(household=household, ended_on__isnull=True).exists():
        return False
    household.closed_on = on
    household.save(update_fields=["closed_on", "updated_at"])
    return True


def _check_successor(
    leaving: list[Membership], staying: list[Membership], successor: Person | None, errors: Errors, field: str
) -> Membership | None:
    """When the principal applicant leaves a household that keeps members, one of those who
    stay must be named principal applicant in the same act (and only then)."""
    pa_leaves = any(m.relationship == Relationship.PRINCIPAL_APPLICANT for m in leaving)
    if not pa_leaves or not staying:
        if successor is not None:
            errors[field].append(_("The principal applicant stays: name no new one."))
        return None
    if successor is None:
        errors[field].append(str(ONE_PRINCIPAL))
        return None
    chosen = next((m for m in staying if m.person_id == successor.pk), None)
    if chosen is None:
        errors[field].append(_("%(p)s is not a member who stays in the household.") % {"p": successor.reference})
    elif chosen.person.presence in GONE:
        errors[field].append(_("%(p)s has left the register.") % {"p": successor.reference})
    return chosen


def _relationship(value: str | None, errors: Errors, field: str, *, principal_allowed: bool = False) -> str:
    if value not in Relationship.values or (value == Relationship.PRINCIPAL_APPLICANT and not principal_allowed):
        choices = [r for r in Relationship.values if principal_allowed or r != Relationship.PRINCIPAL_APPLICANT]
        errors[field].append(_("Choose a relationship among %(c)s.") % {"c": ", ".join(choices)})
        return ""
    return str(value)


def _follow_unit(persons: list[Person], unit: Location | None) -> None:
    for person in persons:
        if person.unit_id != (unit.pk if unit else None):
            person.unit = unit
            person.save(update_fields=["unit", "updated_at"])


# ---- births ----------------------------------------------------------------------------


@transaction.atomic
def record_birth(
    *,
    actor: Actor,
    household: Household,
    child: dict[str, Any],
    mother: Person | None = None,
    father: Person | None = None,
    reason: str,
) -> Person:
    """A child born into a household: a new member, linked to the parents named among its
    current members, standing to the principal applicant as the parents' relationship
    allows (child of the principal applicant or partner, grandchild of a child...).

    The child is registered as any new member (`services.add_household_members`: the
    household's site and unit, the same checks; matching is told through `persons_saved`).
    Errors name `mother`, `father`, `reason` or `child.<field>`.
    """
    ensure(actor, CHANGE_HOUSEHOLD, household)
    household = _locked_household(household)
    current = {m.person_id: m for m in _current(household)}
    errors = _errors()
    why = _need_reason(reason, errors)
    _open(household, errors, "household")
    if mother is None and father is None:
        errors["mother"].append(_("Name the mother or the father among the household's members."))
    parents: dict[str, Membership] = {}
    for role, parent, sex in ((ParentRole.MOTHER, mother, "F"), (ParentRole.FATHER, father, "M")):
        if parent is None:
            continue
        field = role.value.lower()
        membership = current.get(parent.pk)
        if membership is None:
            errors[field].append(_("%(p)s is not a current member of this household.") % {"p": parent.reference})
        elif membership.person.sex not in (sex, "X", "U"):
            errors[field].append(_("%(p)s is recorded with another sex.") % {"p": parent.reference})
        else:
            parents[role] = membership
    born = child.get("date_of_birth")
    if born is None:
        errors["child.date_of_birth"].append(_("A birth needs its date."))
    elif isinstance(born, date) and born > today():
        errors["child.date_of_birth"].append(_("The date of birth is in the future."))
    if child.get("relationship"):
        errors["child.relationship"].append(_("The relationship follows from the parents; do not give it."))
    _raise(errors)
    relationship = next(
        (CHILD_OF[m.relationship] for m in parents.values() if m.relationship in CHILD_OF),
        Relationship.OTHER_RELATIVE,
    )
    member = {**child, "relationship": relationship}
    written: list[Person] = []

    def trail(plan) -> None:
        written.extend(p for _h, p, _m in plan)

    try:
        [person] = add_household_members(actor=actor, household=household, members=[member], trail=trail)
    except InvalidInput as exc:  # the member's checks, keyed members.0.<field>
        raise InvalidInput({k.replace("members.0.", "child.", 1): v for k, v in exc.errors.items()}) from exc
    Parentage.objects.bulk_create([Parentage(child=person, parent=m.person, role=r) for r, m in parents.items()])
    links = {str(r).lower(): m.person.reference for r, m in parents.items()}
    audit.record_many(
        actor,
        [
            audit.Entry(
                "person.registered",
                person,
                changes={
                    **{k: v for k, v in child.items() if k in ("given_name", "family_name", "sex", "date_of_birth")},
                    "relationship": relationship,
                    **links,
                },
                reason=why,
            ),
            audit.Entry(
                "household.birth_recorded",
                household,
                changes={"person": person.reference, "relationship": relationship, **links},
                reason=why,
            ),
        ],
    )
    return person


# ---- deaths ----------------------------------------------------------------------------


@transaction.atomic
def report_death(*, actor: Actor, person: Person, source: str, died_on: date | None, note: str) -> DeathReport:
    """Report a death with its source (clinic, family, roll call...). The register does not
    change until another person confirms it (`confirm_death`)."""
    ensure(actor, "registry.change_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors = _errors()
    why = _need_reason(note, errors, "note")
    if source not in DeathSource.values:
        errors["source"].append(_("Choose the source among %(c)s.") % {"c": ", ".join(DeathSource.values)})
    if died_on is None:
        errors["died_on"].append(_("Give the date of death."))
    elif died_on > today():
        errors["died_on"].append(_("The date of death is in the future."))
    elif person.date_of_birth and died_on < person.date_of_birth:
        errors["died_on"].append(_("The date of death is before the date of birth."))
    if person.presence in GONE:
        errors["person"].append(
            _("%(p)s is already %(s)s.") % {"p": person.reference, "s": person.get_presence_display()}
        )
    elif DeathReport.objects.filter(person=person, state=DeathReportState.AWAITING_SECOND).exists():
        errors["person"].append(_("A death report of %(p)s already awaits confirmation.") % {"p": person.reference})
    _raise(errors)
    assert died_on is not None
    report = DeathReport.objects.create(
        person=person,
        site_id=person.site_id,
        source=source,
        died_on=died_on,
        note=why,
        reported_by=actor,
        reported_at=timezone.now(),
    )
    membership = _membership_of(person)
    entries = [audit.Entry("person.death_reported", person, changes=_facts(report), reason=why)]
    if membership is not None:
        entries.append(
            audit.Entry("household.death_reported", membership.household, changes=_facts(report), reason=why)
        )
    audit.record_many(actor, entries)
    return report


def _membership_of(person: Person) -> Membership | None:
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(person=person, ended_on__isnull=True)
        .select_related("household")
        .first()
    )


def _facts(report: DeathReport) -> dict[str, Any]:
    return {
        "person": report.person.reference,
        "source": report.source,
        "died_on": report.died_on,
        "state": report.state,
    }


def _locked_report(report: DeathReport) -> DeathReport:
    report = DeathReport.objects.select_for_update(of=("self",)).select_related("person").get(pk=report.pk)
    if report.state != DeathReportState.AWAITING_SECOND:
        raise Conflict(_("This death report has already been decided."), code="already_decided")
    return report


def death_changes(report: DeathReport) -> dict[str, Any]:
    """What confirming a death will change, for the preview that asks before it is done."""
    membership = (
        Membership.objects.filter(person=report.person, ended_on__isnull=True).select_related("household").first()
    )
    household = membership.household if membership else None
    others = (
        Membership.objects.filter(household=household, ended_on__isnull=True).exclude(person=report.person).count()
        if household
        else 0
    )
    return {
        "person": report.person.reference,
        "presence": Presence.DECEASED.label,
        "household": household.reference if household else None,
        "was_principal": bool(membership and membership.relationship == Relationship.PRINCIPAL_APPLICANT),
        "household_closes": bool(household and others == 0),
    }


@transaction.atomic
def confirm_death(
    *, actor: Actor, report: DeathReport, reason: str, new_principal: Person | None = None
) -> DeathReport:
    """The second confirmation: the person becomes deceased (presence and status history),
    their membership ends on the date of death, and if they were principal applicant the
    household names its new one in this same act (refused otherwise). A household left
    without members is closed."""
    ensure(actor, CONFIRM_DEATH, report.person)
    report = _locked_report(report)
    if report.reported_by_id == actor.pk:
        raise Conflict(str(SAME_PERSON_TWICE), code="same_reviewer")
    errors = _errors()
    why = _need_reason(reason, errors)
    membership = _membership_of(report.person)
    household = _locked_household(membership.household) if membership else None
    successor = None
    if household is not None:
        members = _current(household)
        leaving = [m for m in members if m.person_id == report.person_id]
        staying = [m for m in members if m.person_id != report.person_id]
        successor = _check_successor(leaving, staying, new_principal, errors, "new_principal")
    _raise(errors)
    on = today()
    report.state, report.decided_by, report.decided_at, report.decision_reason = (
        DeathReportState.CONFIRMED,
        actor,
        timezone.now(),
        why,
    )
    report.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    changes: dict[str, Any] = {**_facts(report), "reported_by": report.reported_by.get_username()}
    if membership is not None and household is not None:
        _end(membership, min(report.died_on, on))
        if successor is not None:
            _promote(successor, on)
            changes["new_principal"] = successor.person.reference
        changes["household_closed"] = _close_if_empty(household, on)
    entries = [audit.Entry("person.death_confirmed", report.person, changes=changes, reason=why)]
    if household is not None:
        entries.append(audit.Entry("household.death_confirmed", household, changes=changes, reason=why))
    audit.record_many(actor, entries)
    note = _("Death (%(source)s) reported by %(a)s, confirmed by %(b)s: %(why)s") % {
        "source": report.get_source_display(),
        "a": report.reported_by.get_username(),
        "b": actor.get_username(),
        "why": why,
    }
    apply_presence(
        actor=actor, person=report.person, presence=Presence.DECEASED, reason=note, action="person.presence_changed"
    )
    death_confirmed.send(sender=Person, actor=actor, person=report.person, died_on=report.died_on, note=note)
    return report


@transaction.atomic
def reject_death(*, actor: Actor, report: DeathReport, reason: str) -> DeathReport:
    """The person is alive, or the report was about someone else: the register stays as it was."""
    ensure(actor, CONFIRM_DEATH, report.person)
    report = _locked_report(report)
    errors = _errors()
    why = _need_reason(reason, errors)
    _raise(errors)
    report.state, report.decided_by, report.decided_at, report.decision_reason = (
        DeathReportState.REJECTED,
        actor,
        timezone.now(),
        why,
    )
    report.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    membership = Membership.objects.filter(person=report.person, ended_on__isnull=True).first()
    entries = [audit.Entry("person.death_rejected", report.person, changes=_facts(report), reason=why)]
    if membership is not None:
        entries.append(
            audit.Entry("household.death_rejected", membership.household, changes=_facts(report), reason=why)
        )
    audit.record_many(actor, entries)
    return report


# ---- members moving between households ----------------------------------------------------


def _movers(
    household: Household, persons: list[Person], errors: Errors, field: str
) -> tuple[list[Membership], list[Membership]]:
    members = _current(household)
    wanted = {p.pk for p in persons}
    for person in persons:
        if not any(m.person_id == person.pk for m in members):
            errors[field].append(
                _("%(p)s is not a current member of %(h)s.") % {"p": person.reference, "h": household.reference}
            )
    if len(wanted) != len(persons):
        errors[field].append(_("A person is named twice."))
    return [m for m in members if m.person_id in wanted], [m for m in members if m.person_id not in wanted]


def _lock_pair(first: Household, second: Household) -> tuple[Household, Household]:
    """Lock two households in id order, so two acts on the same pair never deadlock."""
    low, high = sorted((first, second), key=lambda h: h.pk)
    locked = {h.pk: _locked_household(h) for h in (low, high)}
    return locked[first.pk], locked[second.pk]


@transaction.atomic
def move_member(
    *,
    actor: Actor,
    person: Person,
    target: Household,
    relationship: str,
    reason: str,
    new_principal: Person | None = None,
) -> Membership:
    """A person moves to another household of the same site (a marriage, a separation, a
    registration found mistaken): the membership ends and one opens in the target, with
    the person's relationship to its principal applicant. The household left names a new
    principal applicant if it was theirs, and is closed if nobody is left."""
    ensure(actor, CHANGE_HOUSEHOLD, person)
    ensure(actor, CHANGE_HOUSEHOLD, target)
    errors = _errors()
    why = _need_reason(reason, errors)
    current = Membership.objects.filter(person=person, ended_on__isnull=True).select_related("household").first()
    if current is None:
        errors["person"].append(_("%(p)s is in no household.") % {"p": person.reference})
        _raise(errors)
    assert current is not None
    source, target = _lock_pair(current.household, target)
    leaving, staying = _movers(source, [person], errors, "person")
    _open(target, errors, "target")
    if target.pk == source.pk:
        errors["target"].append(_("The person is already a member of %(h)s.") % {"h": target.reference})
    if target.site_id != source.site_id:
        errors["target"].append(str(OTHER_SITE))
    rel = _relationship(relationship, errors, "relationship", principal_allowed=not _current(target))
    successor = _check_successor(leaving, staying, new_principal, errors, "new_principal")
    _raise(errors)
    on = today()
    _end(leaving[0], on)
    if successor is not None:
        _promote(successor, on)
    joined = _join(target, person, rel, on)
    _follow_unit([person], target.unit)
    closed = _close_if_empty(source, on)
    changes = {
        "person": person.reference,
        "from": source.reference,
        "to": target.reference,
        "relationship": rel,
        "new_principal": successor.person.reference if successor else None,
        "household_closed": closed,
    }
    audit.record_many(
        actor,
        [
            audit.Entry("person.household_changed", person, changes=changes, reason=why),
            audit.Entry("household.member_left", source, changes=changes, reason=why),
            audit.Entry("household.member_joined", target, changes=changes, reason=why),
        ],
    )
    return joined


def split_changes(household: Household, persons: list[Person]) -> dict[str, Any]:
    """What a split will change, for the preview."""
    moving = {p.pk for p in persons}
    members = list(Membership.objects.filter(household=household, ended_on__isnull=True).select_related("person"))
    return {
        "household": household.reference,
        "moving": [m.person.reference for m in members if m.person_id in moving],
        "staying": [m.person.reference for m in members if m.person_id not in moving],
    }


@transaction.atomic
def split_household(
    *,
    actor: Actor,
    household: Household,
    members: list[tuple[Person, str]],
    reason: str,
    unit: Location | None = None,
    new_principal: Person | None = None,
) -> Household:
    """Several members leave together to found a new household of the same site: `members`
    pairs each with their relationship to the new household's principal applicant (exactly
    one PA among them). Members stay behind, so the household left keeps its principal
    applicant or names a new one (`new_principal`)."""
    ensure(actor, CHANGE_HOUSEHOLD, household)
    ensure(actor, "registry.add_household", household)
    household = _locked_household(household)
    errors = _errors()
    why = _need_reason(reason, errors)
    _open(household, errors, "household")
    leaving, staying = _movers(household, [p for p, _r in members], errors, "members")
    if not members:
        errors["members"].append(_("Name the members who leave."))
    elif not staying and not errors.get("members"):
        errors["members"].append(_("Everybody would leave: nobody is left to split from."))
    rels = {
        p.pk: _relationship(r, errors, f"members.{i}.relationship", principal_allowed=True)
        for i, (p, r) in enumerate(members)
    }
    if members and list(rels.values()).count(Relationship.PRINCIPAL_APPLICANT) != 1:
        errors["members"].append(_("The new household needs exactly one principal applicant among those who leave."))
    if unit is not None and (unit.site_id != household.site_id or unit.kind != LocationKind.UNIT):
        errors["unit"].append(_("This unit is not a unit of site %(site)s.") % {"site": household.site.code})
    successor = _check_successor(leaving, staying, new_principal, errors, "new_principal")
    _raise(errors)
    on = today()
    [reference] = next_references(f"{household.site.code}-H", 1)
    new = Household.objects.create(
        reference=reference, site=household.site, unit=unit or household.unit, arrival_date=household.arrival_date
    )
    for m in leaving:
        _end(m, on)
    if successor is not None:
        _promote(successor, on)
    for m in leaving:
        _join(new, m.person, rels[m.person_id], on)
    _follow_unit([m.person for m in leaving], new.unit)
    changes = {
        "from": household.reference,
        "to": new.reference,
        "members": {m.person.reference: rels[m.person_id] for m in leaving},
        "new_principal": successor.person.reference if successor else None,
    }
    audit.record_many(
        actor,
        [
            audit.Entry("household.split", household, changes=changes, reason=why),
            audit.Entry("household.registered_by_split", new, changes=changes, reason=why),
        ],
    )
    return new


def join_changes(household: Household, target: Household) -> dict[str, Any]:
    """What a join will change, for the preview."""
    return {
        "from": household.reference,
        "to": target.reference,
        "moving": list(
            Membership.objects.filter(household=household, ended_on__isnull=True).values_list(
                "person__reference", flat=True
            )
        ),
        "household_closes": household.reference,
    }


@transaction.atomic
def join_household(
    *,
    actor: Actor,
    household: Household,
    target: Household,
    principal_relationship: str,
    reason: str,
    relationships: dict[str, str] | None = None,
) -> Household:
    """A whole household joins another of the same site, which keeps its principal
    applicant: the joining principal applicant takes `principal_relationship` to them, the
    other members keep theirs unless `relationships` (person reference → relationship) says
    otherwise. The household joined from is closed."""
    ensure(actor, CHANGE_HOUSEHOLD, household)
    ensure(actor, CHANGE_HOUSEHOLD, target)
    household, target = _lock_pair(household, target)
    errors = _errors()
    why = _need_reason(reason, errors)
    _open(household, errors, "household")
    _open(target, errors, "target")
    if target.pk == household.pk:
        errors["target"].append(_("A household cannot join itself."))
    if target.site_id != household.site_id:
        errors["target"].append(str(OTHER_SITE))
    moving = _current(household)
    given = dict(relationships or {})
    unknown = set(given) - {m.person.reference for m in moving}
    for ref in sorted(unknown):
        errors["relationships"].append(_("%(p)s is not a member of %(h)s.") % {"p": ref, "h": household.reference})
    rels: dict[int, str] = {}
    for m in moving:
        field = f"relationships.{m.person.reference}"
        if m.person.reference in given:
            wanted = given[m.person.reference]
        elif m.relationship == Relationship.PRINCIPAL_APPLICANT:
            wanted, field = principal_relationship, "principal_relationship"
        else:
            wanted = m.relationship
        rels[m.person_id] = _relationship(wanted, errors, field)
    _raise(errors)
    on = today()
    for m in moving:
        _end(m, on)
    for m in moving:
        _join(target, m.person, rels[m.person_id], on)
    _follow_unit([m.person for m in moving], target.unit)
    _close_if_empty(household, on)
    changes = {
        "from": household.reference,
        "to": target.reference,
        "members": {m.person.reference: rels[m.person_id] for m in moving},
        "household_closed": household.reference,
    }
    audit.record_many(
        actor,
        [
            audit.Entry("household.joined_into", household, changes=changes, reason=why),
            audit.Entry("household.joined_by", target, changes=changes, reason=why),
        ],
    )
    return target


# ---- a household moving unit -----------------------------------------------------------


@transaction.atomic
def move_unit(*, actor: Actor, household: Household, unit: Location | None, reason: str) -> Household:
    """A household moves to another unit of its own site; its current members follow.
    Another site is an internal transfer, requested as a movement so that the gate sees it."""
    ensure(actor, CHANGE_HOUSEHOLD, household)
    household = _locked_household(household)
    errors = _errors()
    why = _need_reason(reason, errors)
    _open(household, errors, "household")
    if unit is None:
        errors["unit"].append(_("Choose the unit."))
    elif unit.site_id != household.site_id:
        errors["unit"].append(str(OTHER_SITE))
    elif unit.kind != LocationKind.UNIT:
        errors["unit"].append(_("Choose a unit, not a block."))
    elif unit.pk == household.unit_id:
        errors["unit"].append(_("The household already lives in %(u)s.") % {"u": str(unit)})
    _raise(errors)
    before = str(household.unit) if household.unit else None
    household.unit = unit
    household.save(update_fields=["unit", "updated_at"])
    _follow_unit([m.person for m in _current(household)], unit)
    audit.record(actor, "household.unit_changed", household, changes={"unit": [before, str(unit)]}, reason=why)
    return household
