"""Writing a checked chunk through the register's services: new households in bulk
(`registry.services.register_households`, one call per chunk), new members of registered
households (`add_household_members`), and corrections of registered persons (`correct_person`,
`correct_sensitive`, `record_specific_need`). The services' own refusals come back as
problems on the file's row and column. Each registered person is listed against the run
(`ImportedPerson`, in bulk) and counted for the run's one audit event.

A real run calls this inside its one transaction, only for a chunk whose checks found nothing.
"""

from __future__ import annotations

from typing import Any

from asylon.core.errors import InvalidInput, NotPermitted
from asylon.core.types import Actor
from asylon.registry import bulk
from asylon.registry import services as registry
from asylon.registry.validation import PERSON_FIELDS

from ..models import ImportedPerson, ImportRun
from .households import FileHousehold, FileMember
from .tally import Tally


class ChunkWriter:
    def __init__(self, actor: Actor, site, run: ImportRun, reason: str):
        self.actor, self.site, self.import_run, self.reason = actor, site, run, reason

    def write(self, chunk: list[FileHousehold], tally: Tally) -> None:
        creates = [h for h in chunk if h.action == "create"]
        rows_of: dict[int, str] = {}  # the member dicts passed, by identity, to their file rows
        new = []
        for h in creates:
            members = [register_values(m.person) for m in h.members]
            rows_of.update((id(values), m.row.key) for values, m in zip(members, h.members, strict=True))
            new.append(
                registry.NewHousehold(members=members, unit=h.unit, arrival_date=h.arrival_date, reference=h.reference)
            )
        if new:
            try:
                registry.register_households(
                    actor=self.actor,
                    site=self.site,
                    households=new,
                    trail=lambda plan: self._registered(plan, rows_of, tally),
                )
            except InvalidInput as exc:
                self._map_service_errors(exc.errors, creates, tally)
                return
        for household in chunk:
            if household.action == "add":
                self._add_members(household, rows_of, tally)
            if household.action not in ("update", "add"):
                continue
            for member in household.members:
                if member.existing is None:
                    continue
                try:
                    self._update(member)
                except InvalidInput as exc:
                    for key, messages in exc.errors.items():
                        for message in messages:
                            tally.problem(member.row, member.column(key.removeprefix("sensitive.")), message)
                except NotPermitted as exc:
                    tally.problem(member.row, "", exc.message)

    def _add_members(self, household: FileHousehold, rows_of: dict[int, str], tally: Tally) -> None:
        assert household.target is not None
        new = [m for m in household.members if m.action == "create"]
        members = [register_values(m.person) for m in new]
        rows_of.update((id(values), m.row.key) for values, m in zip(members, new, strict=True))
        try:
            registry.add_household_members(
                actor=self.actor,
                household=household.target,
                members=members,
                trail=lambda plan: self._registered(plan, rows_of, tally, new_households=False),
            )
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                parts = key.split(".", 2)
                member = new[int(parts[1])] if len(parts) == 3 else None
                for message in messages:
                    tally.problem(
                        member.row if member else household.first, member.column(parts[2]) if member else "", message
                    )
        except NotPermitted as exc:
            tally.problem(household.first, "", exc.message)

    def _registered(self, plan, rows_of: dict[int, str], tally: Tally, new_households: bool = True) -> None:
        """The import is audited as one event (see `_finish`): here its list is kept."""
        if new_households:
            tally.registered.households += len({household.pk for household, _p, _m in plan})
        for _h, person, _m in plan:
            tally.registered.add(person.reference)
        # Plain rows, not instances: three values a person, and nothing reads them back here.
        bulk.insert_rows(
            ImportedPerson._meta.db_table,
            ["run_id", "person_id", "row"],
            [(self.import_run.pk, p.pk, rows_of[id(m)]) for _h, p, m in plan],
        )

    def _update(self, member: FileMember) -> None:
        person = member.existing
        assert person is not None
        changes = {k: v for k, v in member.person.items() if k in PERSON_FIELDS}
        if changes:
            registry.correct_person(actor=self.actor, person=person, changes=changes, reason=self.reason)
        if member.sensitive:
            registry.correct_sensitive(actor=self.actor, person=person, changes=member.sensitive, reason=self.reason)
        have = set(person.specific_needs.values_list("code_id", flat=True))
        for code in member.person.get("specific_needs") or []:
            if code not in have:
                registry.record_specific_need(actor=self.actor, person=person, code=code)

    @staticmethod
    def _map_service_errors(errors: dict[str, list[str]], creates: list[FileHousehold], tally: Tally) -> None:
        """`households.<i>.members.<j>.<field>` back to the file's row and column."""
        for key, messages in errors.items():
            parts = key.split(".")
            household = creates[int(parts[1])] if len(parts) > 1 and parts[0] == "households" else None
            row, column = (household.first if household else None), ".".join(parts[2:])
            if household and len(parts) >= 5 and parts[2] == "members":
                member = household.members[int(parts[3])]
                row, column = member.row, member.column(".".join(parts[4:]))
            elif household:
                column = household.columns.get(parts[2], parts[2]) if len(parts) > 2 else ""
            for message in messages:
                tally.problem(row, column, message)


def register_values(person: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in person.items() if v is not None and (k != "sensitive" or v)}
