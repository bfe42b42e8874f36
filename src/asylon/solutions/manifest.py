"""The manifest of a batch submitted to a country: one row per person, and only the
columns the country's data-sharing agreement lists. Building it is a release of personal
data to that country (sharing.guard.release_personal_data: D3 and D6)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.core.types import Actor
from asylon.registry.models import Person
from asylon.sharing.guard import release_personal_data
from asylon.sharing.models import SharingAgreement

from .models import CaseMember, ReceivingCountry, SubmissionBatch

# Every column a manifest can have, in order, with how to read it from a case member.
COLUMNS: dict[str, Callable[[CaseMember], object]] = {
    "case_reference": lambda m: m.case.reference,
    "priority": lambda m: m.case.priority,
    "primary_category": lambda m: m.case.primary_category,
    "secondary_category": lambda m: m.case.secondary_category,
    "relationship": lambda m: m.relationship,
    "reference": lambda m: m.person.reference,
    "full_name": lambda m: m.person.full_name,
    "given_name": lambda m: m.person.given_name,
    "family_name": lambda m: m.person.family_name,
    "sex": lambda m: m.person.sex,
    "date_of_birth": lambda m: m.person.date_of_birth.isoformat() if m.person.date_of_birth else "",
    "nationality": lambda m: m.person.nationality.code or "",
    "country_of_origin": lambda m: m.person.country_of_origin.code or "",
    "languages": lambda m: m.person.languages,
}


def _agreement(country: ReceivingCountry) -> SharingAgreement | None:
    on = today()
    if country.recipient_id is None:
        return None
    return (
        SharingAgreement.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on), recipient_id=country.recipient_id, valid_from__lte=on
        )
        .order_by("-valid_from", "-pk")
        .first()
    )


def manifest_fields(country: ReceivingCountry) -> list[str]:
    """The manifest's columns: those the agreement in force lists, in the manifest's order."""
    agreement = _agreement(country)
    if agreement is None:
        raise Conflict(
            _("No data-sharing agreement with %(c)s is in force: no manifest can be sent.") % {"c": country},
            code="no_agreement",
        )
    fields = [f for f in COLUMNS if f in set(agreement.fields)]
    if not fields:
        raise Conflict(_("The agreement lists none of the manifest's fields."), code="no_manifest_fields")
    return fields


def manifest_rows(*, actor: Actor, batch: SubmissionBatch) -> tuple[list[str], list[list[object]]]:
    """Release the batch's members to the country (recorded, or refused) and return the rows."""
    country = batch.country
    agreement = _agreement(country)
    fields = manifest_fields(country)
    members = list(
        CaseMember.objects.filter(case__submissions__batch=batch, active=True)
        .select_related("case", "person")
        .order_by("case__reference", "pk")
    )
    assert country.recipient is not None and agreement is not None
    persons: list[Person] = [m.person for m in members]
    release_personal_data(
        actor=actor,
        recipient=country.recipient,
        persons=persons,
        fields=fields,
        purpose=agreement.purpose,
        channel=f"solutions:manifest:{batch.pk}",
    )
    return fields, [[COLUMNS[f](m) for f in fields] for m in members]


def manifest_csv(*, actor: Actor, batch: SubmissionBatch) -> bytes:
    fields, rows = manifest_rows(actor=actor, batch=batch)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def manifest_xlsx(*, actor: Actor, batch: SubmissionBatch) -> bytes:
    from openpyxl import Workbook

    fields, rows = manifest_rows(actor=actor, batch=batch)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Manifest"))
    sheet.append(fields)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
