"""Who received whom: the personal-data exports (D6) and the persons each one carried.

Read by the roles that read the audit trail (`audit.view_audit_trail`), for their sites: an
export's record belongs to the trail, its event (`export.personal_data`) holds the count and
digest of the persons, and `check` recomputes both from the stored list, so a row added,
changed or removed there shows. Reading records nothing, like reading the trail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from asylon.audit.models import AuditEvent
from asylon.core.errors import NotFound
from asylon.core.scope import site_ids
from asylon.core.types import Actor

from .models import ExportedPerson, PersonalDataExport

READ = "audit.view_audit_trail"


def exports_for(actor: Actor, *, reference: str | None = None) -> QuerySet[PersonalDataExport]:
    """The exports of the actor's sites, newest first, with their count of persons;
    `reference`: only those that carried that person."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(READ):
        return PersonalDataExport.objects.none()
    qs = PersonalDataExport.objects.filter(site_id__in=site_ids(actor))
    if reference:
        qs = qs.filter(pk__in=ExportedPerson.objects.filter(reference=reference.strip()).values("export_id"))
    return qs.select_related("site", "exported_by").annotate(person_count=Count("persons")).order_by("-pk")


def get_export(actor: Actor, pk: int) -> PersonalDataExport:
    export = exports_for(actor).filter(pk=pk).first()
    if export is None:
        raise NotFound("No such export.")
    return export


def exported_persons(
    actor: Actor, pk: int, *, after: int = 0, limit: int = 1000
) -> tuple[list[ExportedPerson], int | None]:
    """A page of the persons one export carried, in file order (the order they were written
    in), after the cursor `after`; and the cursor of the next page (None on the last)."""
    rows = list(ExportedPerson.objects.filter(export=get_export(actor, pk), pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].pk if more else None


@dataclass(frozen=True)
class Check:
    count: int
    references_sha256: str
    recorded_count: int | None
    recorded_sha256: str | None

    @property
    def matches(self) -> bool:
        return (self.count, self.references_sha256) == (self.recorded_count, self.recorded_sha256)


def check(export: PersonalDataExport) -> Check:
    """The export's persons, counted and digested again, beside what its audit event recorded."""
    digest, count = hashlib.sha256(), 0
    rows = ExportedPerson.objects.filter(export=export).order_by("row", "pk").values_list("reference", flat=True)
    for reference in rows.iterator(chunk_size=5000):
        digest.update(reference.encode() + b"\n")
        count += 1
    event = (
        AuditEvent.objects.filter(action="export.personal_data", site_id=export.site_id, changes__export_id=export.pk)
        .values_list("changes", flat=True)
        .first()
    )
    return Check(
        count,
        digest.hexdigest(),
        event.get("count") if event else None,
        event.get("references_sha256") if event else None,
    )
