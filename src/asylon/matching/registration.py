"""Registering a household with the duplicate check: the household form's way to write.

Who calls it: the household registration page (`registry.views.household_register`). Before
anything is written the page calls `probable_duplicates`: each member is looked up once in the
name-token index of the clerk's sites and scored with the register's scorer (the check of the
duplicate-check page, `candidates.find_matches_for`). A member with a probable match needs the
clerk's decision, one of:

- `same:<reference>` — the member is that registered person. Mirroring an import's "link" row,
  no new person is registered: the other (new) members join the household the linked person
  lives in (`registry.services.add_household_members`); linked persons of two households, or
  of none, are refused as an import refuses them. The entered values do not overwrite the
  register's (a correction is its own act, with a reason).
- `different` — a new person: registered, and each pair shown is closed as different persons
  (`candidates.decide_candidate`), so it never reaches the review queue again.
- `unsure` — registered, and each pair shown goes to the review queue (OPEN) for a second look.

`register_checked` runs the check again inside its transaction, so a decision covers exactly the
candidates the register holds when it writes; a flagged member without a valid decision is
refused (`members.<i>.duplicate`) and nothing is written. Every decision is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput
from asylon.core.scope import can, ensure
from asylon.core.types import Actor
from asylon.registry import services as registry
from asylon.registry.models import Household, Location, Membership, Person, Relationship, Site
from asylon.registry.queries import sites_for
from asylon.registry.validation import new_errors

from .candidates import FieldComparison, ProbableMatch, decide_candidate, find_matches_for, raise_candidate
from .models import CandidateStatus

SAME, DIFFERENT, UNSURE = "same", "different", "unsure"
DECIDE = "matching.decide_duplicatecandidate"  # closing a pair as different, as the review queue does


class DuplicatesUndecided(InvalidInput):
    """Members resemble registered persons and the clerk has not decided: nothing written.
    `found` holds the probable matches by member index, for the form to show."""

    code = "duplicate_undecided"

    def __init__(self, errors: dict[str, list[str]], found: dict[int, list[ProbableMatch]]):
        super().__init__(errors)
        self.found = found


@dataclass
class Registered:
    """What a checked registration did: the household the members are in, the persons
    registered, and the registered persons the clerk named instead of new ones."""

    household: Household
    registered: list[Person] = field(default_factory=list)
    linked: list[Person] = field(default_factory=list)


def parse_decision(value: str) -> tuple[str, str]:
    """`same:AAA-000001` → ("same", "AAA-000001"); `different`, `unsure` → (choice, "")."""
    choice, _sep, reference = (value or "").partition(":")
    return choice, reference


def probable_duplicates(actor: Actor, *, site: Site, members: list[dict[str, Any]]) -> dict[int, list[ProbableMatch]]:
    """Registered persons each member (by index) probably is, in the actor's sites, best first.

    Each match's fields also compare the household and the site. Reads only.
    """
    scope = list(sites_for(actor))
    if site not in scope:
        scope.append(site)
    population = Person.objects.filter(site__in=scope).count()
    found = {}
    for i, member in enumerate(members):
        matches = find_matches_for(member, site, sites=scope, population=population, limit=3)
        if matches:
            found[i] = matches
    _compare_household_and_site(found, site)
    return found


def _compare_household_and_site(found: dict[int, list[ProbableMatch]], site: Site) -> None:
    persons = [m.person for matches in found.values() for m in matches]
    homes = dict(
        Membership.objects.filter(person__in=persons, ended_on__isnull=True).values_list(
            "person_id", "household__reference"
        )
    )
    for matches in found.values():
        for match in matches:
            home = homes.get(match.person.pk, "")
            match.fields.append(
                FieldComparison("household", _("new household"), home, "different" if home else "missing")
            )
            same_site = match.person.site_id == site.pk
            match.fields.append(
                FieldComparison("site", str(site), str(match.person.site), "equal" if same_site else "different")
            )


@transaction.atomic
def register_checked(
    *,
    actor: Actor,
    site: Site,
    members: list[dict[str, Any]],
    decisions: dict[int, str],
    unit: Location | None = None,
    arrival_date=None,
    reference: str | None = None,
) -> Registered:
    """Register the household unless a member probably is someone registered and the clerk
    has not decided; apply each decision (see the module). All or nothing, audited."""
    ensure(actor, "registry.add_household", site)
    found = probable_duplicates(actor, site=site, members=members)
    chosen = _decisions(actor, found, decisions)  # refuses before anything is written
    linked = {
        i: next(m.person for m in found[i] if m.person.reference == ref) for i, (c, ref) in chosen.items() if c == SAME
    }
    new = [i for i in range(len(members)) if i not in linked]
    if linked:
        household = _linked_household(linked)
        persons = _join(actor, household, [members[i] for i in new], new)
    else:
        household = registry.register_household(
            actor=actor, site=site, unit=unit, arrival_date=arrival_date, members=members, reference=reference
        )
        persons = _in_entry_order(household, members)
    registered = dict(zip(new, persons, strict=True))
    for i, (choice, _ref) in chosen.items():
        if choice == SAME:
            _record_link(actor, linked[i], members[i], household)
        else:
            _record_pairs(actor, registered[i], found[i], choice)
    return Registered(household, persons, list(linked.values()))


def _decisions(
    actor: Actor, found: dict[int, list[ProbableMatch]], decisions: dict[int, str]
) -> dict[int, tuple[str, str]]:
    errors = new_errors()
    chosen = {}
    for i, matches in found.items():
        choice, reference = parse_decision(decisions.get(i, ""))
        shown = {m.person.reference for m in matches}
        if choice == DIFFERENT and not all(can(actor, DECIDE, m.person) for m in matches):
            errors[f"members.{i}.duplicate"].append(
                _("Your role may not close a pair as different persons: send it to the review queue.")
            )
        elif choice in (DIFFERENT, UNSURE) or (choice == SAME and reference in shown):
            chosen[i] = (choice, reference)
        else:
            errors[f"members.{i}.duplicate"].append(
                _(
                    "This member resembles %(refs)s, already registered: choose whether it is the same person, "
                    "a different person, or send the pair to the review queue."
                )
                % {"refs": ", ".join(sorted(shown))}
            )
    if errors:
        raise DuplicatesUndecided(dict(errors), found)
    return chosen


def _linked_household(linked: dict[int, Person]) -> Household:
    """The one household the linked persons live in, as an import requires of a group that
    names registered persons; two rows naming one person are refused too."""
    homes = dict(
        Membership.objects.filter(person__in=linked.values(), ended_on__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    households = {homes.get(p.pk) for p in linked.values()}
    persons = list(linked.values())
    if len(households) != 1 or None in households or len(set(persons)) != len(persons):
        refs = ", ".join(p.reference for p in persons)
        message = _(
            "The persons you named as already registered (%(refs)s) are not the members of one household: "
            "register the new members as their own household, or add them on the household's page."
        )
        raise InvalidInput({"members": [message % {"refs": refs}]})
    (household_id,) = households
    assert household_id is not None
    return Household.objects.get(pk=household_id)


def _join(actor: Actor, household: Household, members: list[dict[str, Any]], indexes: list[int]) -> list[Person]:
    """The new members join the linked person's household; errors keyed by the form's rows."""
    if not members:
        return []
    try:
        return registry.add_household_members(actor=actor, household=household, members=members)
    except InvalidInput as exc:
        errors = {}
        for path, messages in exc.errors.items():
            parts = path.split(".")
            if parts[0] == "members" and len(parts) > 1 and parts[1].isdigit():
                parts[1] = str(indexes[int(parts[1])])
            errors[".".join(parts)] = messages
        raise InvalidInput(errors) from exc


def _in_entry_order(household: Household, members: list[dict[str, Any]]) -> list[Person]:
    """The household's persons in the order the members were entered. The registry numbers
    a new household's persons principal applicant first, then in the order given."""
    persons = list(Person.objects.filter(memberships__household=household).order_by("reference"))
    order = sorted(
        range(len(members)), key=lambda i: members[i].get("relationship") != Relationship.PRINCIPAL_APPLICANT
    )
    by_entry: list[Person | None] = [None] * len(members)
    for person, i in zip(persons, order, strict=True):
        by_entry[i] = person
    return [p for p in by_entry if p is not None]


def _record_link(actor: Actor, person: Person, entered: dict[str, Any], household: Household) -> None:
    names = ("given_name", "fathers_name", "family_name", "sex", "date_of_birth")
    audit.record(
        actor,
        "registration.linked",
        person,
        changes={
            "entered": {k: entered[k] for k in names if entered.get(k) not in (None, "")},
            "household": household.reference,
        },
        reason=_("Named at registration as the same person as a new entry."),
    )


def _record_pairs(actor: Actor, person: Person, matches: list[ProbableMatch], choice: str) -> None:
    """Each pair shown: closed as different persons, or left open in the review queue."""
    for match in matches:
        explanation = {f.label: f.agreement for f in match.fields}
        candidate, _created = raise_candidate(
            person,
            match.person,
            probability=match.probability,
            match_weight=match.match_weight,
            explanation=explanation,
            source="registration",
        )
        if choice == DIFFERENT:
            decide_candidate(
                actor=actor,
                candidate=candidate,
                decision=CandidateStatus.DIFFERENT,
                note=_("Decided at registration: a different person."),
            )
        else:
            audit.record(
                actor,
                "duplicate.raised",
                candidate.person_a,
                changes={
                    "pair": [candidate.person_a.reference, candidate.person_b.reference],
                    "status": CandidateStatus.OPEN,
                },
                reason=_("Sent to the review queue at registration."),
            )
