"""Checking a chunk of households read from a registration file, with the register's own
checks (`registry.validation`): values read as dates, codes and choices, units found in the
site, references not taken, one principal applicant per household, and each member compared
with the persons already registered. A member is then one of: create, update (it names a
reference), link (a person decided it is someone registered), or decide (it resembles someone
registered: a person must decide before a real run). A group naming registered persons and
new ones adds the new ones to the registered household (`add`), if it is one and the same.

Every problem is added to the run's `Tally` against the file's own row and column; nothing is
written here (`writing` does, and only for a chunk with no problem).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.core.types import Actor
from asylon.registry.models import (
    Household,
    Location,
    Membership,
    Person,
    Relationship,
    SpecificNeedCode,
)
from asylon.registry.validation import PERSON_FIELDS, check_members, check_person, new_errors

from . import values
from .duplicates import DuplicateIndex
from .households import FileHousehold, FileMember
from .mapping import Roster
from .tally import Tally


class ChunkChecker:
    """Checks one run's chunks in turn; it remembers the household references already seen."""

    def __init__(
        self,
        actor: Actor,
        site,
        mapping: dict[str, str],
        roster: Roster | None,
        decisions: dict[str, str],
        linked: bool,
    ):
        self.site, self.mapping, self.roster, self.linked = site, mapping, roster, linked
        self.decisions = decisions
        self.known_codes = set(SpecificNeedCode.objects.values_list("code", flat=True))
        self.may_record_sensitive = actor.has_perm("registry.change_sensitive", site)
        self.duplicates = DuplicateIndex(site)
        units = Location.objects.filter(site=site, kind="UNIT").select_related("parent")
        self.units: dict[tuple[str, str], Location] = {}
        self.units_by_name: dict[str, list[Location]] = {}
        for unit in units:
            block = unit.parent.name if unit.parent else ""
            self.units[(block.casefold(), unit.name.casefold())] = unit
            self.units_by_name.setdefault(unit.name.casefold(), []).append(unit)
        self.household_refs_seen: set[str] = set()
        self.homes: dict[int, Membership] = {}  # current memberships of the chunk's registered persons
        self.with_principal: set[int] = set()  # their households that have a principal applicant

    def check(self, chunk: list[FileHousehold], tally: Tally) -> None:
        """Check one chunk of households, adding what it finds to `tally`."""
        refs = {values.text(m.raw.get("person_reference")) for h in chunk for m in h.members} - {""}
        refs |= {v for v in self.decisions.values() if v and v != "new"}
        existing = {p.reference: p for p in Person.objects.filter(site=self.site, reference__in=refs)}
        # The registered households of those persons, for groups that add new members to them.
        self.homes = {
            m.person_id: m
            for m in Membership.objects.filter(
                person__in=list(existing.values()), ended_on__isnull=True
            ).select_related("household")
        }
        self.with_principal = set(
            Membership.objects.filter(
                household__in={m.household_id for m in self.homes.values()},
                ended_on__isnull=True,
                relationship=Relationship.PRINCIPAL_APPLICANT,
            ).values_list("household_id", flat=True)
        )
        wanted = {values.text(h.raw.get("household_reference")) for h in chunk} - {""}
        taken = set(Household.objects.filter(reference__in=wanted).values_list("reference", flat=True))
        for household in chunk:
            tally.households += 1
            tally.rows += len({m.row.key for m in household.members} | {household.first.key})
            self._household(household, tally, existing, taken)

    def _household(self, household: FileHousehold, tally: Tally, existing: dict, taken: set[str]) -> None:
        self._household_fields(household, tally, taken)
        for member in household.members:
            self._member(member, tally)
        for member in household.members:
            self._classify(member, tally, existing)
        actions = {m.action for m in household.members}
        if actions and actions <= {"update", "link"}:
            household.action = "update"
        elif actions & {"update", "link"}:
            self._joining(household, tally)
        if household.action != "create":
            for member in household.members:
                if member.action != "decide" and (member.existing or household.target):
                    tally.outcome(member, household.target)
            return
        errors = new_errors()
        check_members([m.person for m in household.members], errors)
        # A value already reported as unreadable is not reported again as missing; nor is a
        # missing or second head, once reported on the submission's row.
        unreadable_relationship = any("relationship" in m.bad for m in household.members)
        if self.linked and self.roster is not None and self.roster.head_in_repeat:
            has_head = self._heads(household, tally)
            unreadable_relationship = unreadable_relationship or not has_head
        if household.head_row is not None:
            unreadable_relationship = True
            tally.problem(
                household.first,
                self.roster.relationship_column if self.roster else "",
                _(
                    "This main row names no person, and repeat row %(row)s names the head: the head is among the "
                    "repeat rows. Import again with the head among the repeat rows (the household roster choice, or "
                    "--roster repeat)."
                )
                % {"row": household.head_row.key},
            )
        for key, messages in errors.items():
            parts = key.split(".", 2)
            if parts[0] == "members" and len(parts) == 3:
                member = household.members[int(parts[1])]
                if parts[2] in member.bad:
                    continue
                for message in messages:
                    tally.problem(member.row, member.column(parts[2]), message)
            elif not unreadable_relationship:
                row = household.members[0].row if household.members else household.first
                for message in messages:
                    tally.problem(row, self._header_of("relationship"), message)

    def _joining(self, household: FileHousehold, tally: Tally) -> None:
        """A group naming persons already registered and new ones: the new ones join the
        registered household of the others (which must be one and the same)."""
        known = [m for m in household.members if m.existing]
        persons = [m.existing for m in known if m.existing is not None]
        homes = {self.homes[p.pk].household if p.pk in self.homes else None for p in persons}
        refs = ", ".join(p.reference for p in persons)
        if len(homes) != 1 or None in homes:
            household.action = "mixed"
            tally.problem(
                household.first,
                self._header_of("person_reference"),
                _(
                    "This household mixes new persons with persons already registered (%(refs)s) who are not "
                    "members of one household of the register. Import the new members as their own household, "
                    "or register them on the household's page."
                )
                % {"refs": refs},
            )
            return
        target = homes.pop()
        assert target is not None
        household.action, household.target = "add", target
        for member in known:
            assert member.existing is not None
            registered = self.homes[member.existing.pk].relationship
            if values.text(member.raw.get("relationship")) and member.person.get("relationship") != registered:
                tally.problem(
                    member.row,
                    member.column("relationship"),
                    _(
                        "The register has %(p)s as %(r)s in household %(h)s: change relationships on the "
                        "household's page."
                    )
                    % {"p": member.existing.reference, "r": Relationship(registered).label, "h": target.reference},
                )
        principal = target.pk in self.with_principal
        for member in (m for m in household.members if m.action == "create"):
            errors = new_errors()
            check_person(member.person, errors)
            relationship = member.person.get("relationship")
            if "relationship" in member.bad:
                pass
            elif relationship not in Relationship.values:
                errors["relationship"].append(_("Give the new member's relationship to the principal applicant."))
            elif relationship == Relationship.PRINCIPAL_APPLICANT and principal:
                errors["relationship"].append(
                    _("Household %(h)s already has a principal applicant.") % {"h": target.reference}
                )
            principal = principal or relationship == Relationship.PRINCIPAL_APPLICANT
            for key, messages in errors.items():
                if key not in member.bad:
                    for message in messages:
                        tally.problem(member.row, member.column(key), message)

    def _header_of(self, target: str) -> str:
        return next((h for h, t in self.mapping.items() if t == target), target)

    def _household_fields(self, household: FileHousehold, tally: Tally, taken: set[str]) -> None:
        raw, cols, row = household.raw, household.columns, household.first
        reference = values.text(raw.get("household_reference"))
        if reference:
            if reference in taken or reference in self.household_refs_seen:
                tally.problem(
                    row, cols["household_reference"], _("The reference %(r)s is already used.") % {"r": reference}
                )
            self.household_refs_seen.add(reference)
            household.reference = reference
        if values.text(raw.get("arrival_date")):
            try:
                household.arrival_date, _p = values.a_date(raw["arrival_date"])
                if household.arrival_date > timezone.localdate():
                    tally.problem(row, cols["arrival_date"], _("The arrival date is in the future."))
            except values.BadValue as exc:
                tally.problem(row, cols["arrival_date"], str(exc))
        unit_name = values.text(raw.get("unit")).casefold()
        block_name = values.text(raw.get("block")).casefold()
        if unit_name:
            if block_name:
                household.unit = self.units.get((block_name, unit_name))
            else:
                matches = self.units_by_name.get(unit_name, [])
                household.unit = matches[0] if len(matches) == 1 else None
                if len(matches) > 1:
                    tally.problem(row, cols["unit"], _("Several blocks have a unit of this name: add a block column."))
                    return
            if household.unit is None:
                tally.problem(
                    row,
                    cols["unit"],
                    _("Unknown unit %(u)r in site %(s)s.") % {"u": values.text(raw.get("unit")), "s": self.site.code},
                )

    def _member(self, member: FileMember, tally: Tally) -> None:
        person: dict[str, Any] = {}
        if member.default_relationship and not values.text(member.raw.get("relationship")):
            person["relationship"] = member.default_relationship
        if member.head:  # its value is one the roster names as the head, whatever its spelling
            person["relationship"] = Relationship.PRINCIPAL_APPLICANT
        dob_from_age = None
        for target, raw in member.raw.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            column = member.columns[target]
            try:
                if target == "person_reference":
                    continue
                if target == "relationship":
                    if not member.head:
                        person["relationship"] = values.relationship(raw)
                elif target == "sex":
                    person["sex"] = values.sex(raw)
                elif target == "date_of_birth":
                    person["date_of_birth"], precision = values.a_date(raw)
                    person.setdefault("dob_precision", precision)
                elif target == "age":
                    dob_from_age = values.age(raw)
                elif target == "dob_precision":
                    person["dob_precision"] = values.precision(raw)
                elif target in ("nationality", "country_of_origin"):
                    code = values.country(raw)
                    person[target] = code
                    if not code and target == "nationality":
                        person["stateless"] = True
                elif target == "stateless":
                    person["stateless"] = values.boolean(raw)
                elif target == "registered_on":
                    person["registered_on"], _p = values.a_date(raw)
                elif target == "specific_needs":
                    codes = values.codes(raw)
                    unknown = [c for c in codes if c not in self.known_codes]
                    if unknown:
                        tally.problem(
                            member.row,
                            column,
                            _("Unknown specific-need code(s): %(c)s.") % {"c": ", ".join(unknown)},
                        )
                    person["specific_needs"] = [c for c in codes if c in self.known_codes]
                elif target.startswith("sensitive."):
                    name = target.split(".", 1)[1]
                    member.sensitive[name] = values.boolean(raw) if name == "torture_survivor" else values.text(raw)
                else:
                    person[target] = values.text(raw)
            except values.BadValue as exc:
                tally.problem(member.row, column, str(exc))
                member.bad.add("date_of_birth" if target == "age" else target)
        if dob_from_age and "date_of_birth" not in person:
            person["date_of_birth"], person["dob_precision"] = dob_from_age
        if member.sensitive:
            if not self.may_record_sensitive:
                column = member.columns[f"sensitive.{next(iter(member.sensitive))}"]
                tally.problem(member.row, column, _("Your role may not record sensitive fields."))
            person["sensitive"] = dict(member.sensitive)
        member.person = person

    def _classify(self, member: FileMember, tally: Tally, existing: dict[str, Person]) -> None:
        reference = values.text(member.raw.get("person_reference"))
        decision = self.decisions.get(member.row.key, "")
        if reference:
            member.existing = existing.get(reference)
            member.action = "update"
            if member.existing is None:
                tally.problem(
                    member.row,
                    member.column("person_reference"),
                    _("No person %(r)s in site %(s)s.") % {"r": reference, "s": self.site.code},
                )
                return
        else:
            member.candidates = self.duplicates.candidates(member.person)
            if decision and decision != "new":
                member.existing = existing.get(decision)
                member.action = "link"
                if member.existing is None:
                    tally.problem(
                        member.row,
                        _("decision"),
                        _("No person %(r)s in site %(s)s.") % {"r": decision, "s": self.site.code},
                    )
                    return
            elif member.candidates and decision != "new":
                member.action = "decide"
                tally.needs_decision += 1
                tally.outcome(member)
                return
            else:
                tally.created += 1
                return
        changes = {k: v for k, v in member.person.items() if k in PERSON_FIELDS}
        errors = new_errors()
        check_person(changes, errors, partial=True)
        for key, messages in errors.items():
            for message in messages:
                tally.problem(member.row, member.column(key), message)
        if member.action == "update":
            tally.updated += 1
        else:
            tally.linked += 1

    def _heads(self, household: FileHousehold, tally: Tally) -> bool:
        """In a roster whose head is among the repeat rows, exactly one row names the head;
        else one problem on the submission's main row. True when the household has its head."""
        assert self.roster is not None
        heads = [m for m in household.members if m.head]
        if len(heads) == 1:
            return True
        column = self.roster.relationship_column
        if not heads:
            tally.problem(
                household.first,
                column,
                _(
                    "None of this household's %(n)d member row(s) names its head (%(c)s is one of %(v)s "
                    "for the head): mark exactly one member as the head."
                )
                % {"n": len(household.members), "c": column, "v": ", ".join(self.roster.head_values)},
            )
        else:
            tally.problem(
                household.first,
                column,
                _("Rows %(rows)s all name the head of this household: exactly one member is its head.")
                % {"rows": ", ".join(m.row.key for m in heads)},
            )
        return False

    # --- one chunk
