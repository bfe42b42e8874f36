"""The status-entry writer: `append_entries` appends every status entry but a group
declaration's, which `declarations.declare_group` inserts in one INSERT ... SELECT.

The one rule no path may skip (DOMAIN.md 5.3): a REFUGEE entry is never followed by another
status unless an ending procedure (cessation, cancellation, revocation) records it, or the
new status only records a departure or a death. `append_entries` enforces it for every
writer: the RSD procedure (`rsd`), the ending procedures (`endings`), the synthetic demo, and
`record_status_event`, which movements and solutions call for a departure or a death. A group
declaration applies to asylum seekers only (`criteria.ELIGIBLE`), so it cannot end a refugee
status either.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person

from . import queries
from .models import EVENT_STATUSES, EndingProcedure, LegalStatus, RsdCase, StatusEntry

BATCH = 5000


def append_entries(
    *,
    actor: Actor,
    person_ids: list[int],
    status: str,
    effective_on: date,
    rsd_case: RsdCase | None = None,
    procedure: EndingProcedure | None = None,
    recognised_by: str = "",
    determination_mode: str = "",
    legal_basis: str = "",
    derivative_of: dict[int, int] | None = None,
    note: str = "",
) -> list[StatusEntry]:
    """Append one entry per person, refusing to end refugee status without a procedure."""
    if status != LegalStatus.REFUGEE and status not in EVENT_STATUSES and procedure is None:
        current = queries.current_statuses(person_ids)
        refugees = sorted(pid for pid, s in current.items() if s == LegalStatus.REFUGEE)
        if refugees:
            refs = list(Person.objects.filter(pk__in=refugees).values_list("reference", flat=True))
            raise Conflict(
                _(
                    "Refugee status of %(refs)s can only end through a cessation, cancellation or revocation "
                    "procedure (DOMAIN 5.3)."
                )
                % {"refs": ", ".join(refs)},
                code="refugee_status_needs_procedure",
            )
    now = timezone.now()
    derivative_of = derivative_of or {}
    return StatusEntry.objects.bulk_create(
        [
            StatusEntry(
                person_id=pid,
                status=status,
                effective_on=effective_on,
                rsd_case=rsd_case,
                procedure=procedure,
                recognised_by=recognised_by,
                determination_mode=determination_mode,
                legal_basis=legal_basis,
                derivative_of_id=derivative_of.get(pid),
                note=note[:200],
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                recorded_at=now,
            )
            for pid in person_ids
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def record_status_event(
    *, actor: Actor, person: Person, status: str, effective_on: date | None = None, note: str
) -> StatusEntry:
    """Record a departure or a death in the status history (movements and solutions call this)."""
    ensure(actor, "status.add_statusentry", person)
    errors: dict[str, list[str]] = {}
    if status not in EVENT_STATUSES:
        errors["status"] = [_("Only departures and deaths are recorded here; decisions come from their procedure.")]
    if not (note or "").strip():
        errors["note"] = [_("Say what the entry rests on.")]
    effective_on = effective_on or today()
    if effective_on > today():
        errors["effective_on"] = [_("The date is in the future.")]
    if errors:
        raise InvalidInput(errors)
    Person.objects.select_for_update().get(pk=person.pk)
    [entry] = append_entries(
        actor=actor, person_ids=[person.pk], status=status, effective_on=effective_on, note=note.strip()
    )
    audit.record(
        actor, "status.recorded", person, changes={"status": status, "effective_on": effective_on}, reason=note
    )
    return entry


def follow_death(sender, *, actor: Actor, person: Person, died_on: date, note: str, **kwargs) -> None:
    """A death the register confirmed (registry.signals.death_confirmed) enters the status
    history, in the register's transaction."""
    record_status_event(actor=actor, person=person, status=LegalStatus.DECEASED, effective_on=died_on, note=note)
