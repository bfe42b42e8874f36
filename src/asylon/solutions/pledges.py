"""Receiving countries and their yearly pledges: the places a third country offers.

Reference data of the whole operation, written by resettlement officers (the pages, the API
and the demo call these). Keyword-only, actor first, atomic and audited, as every service.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.sharing.models import Recipient, RecipientKind

from .models import (
    Category,
    Pledge,
    ReceivingCountry,
    SelectionMode,
)

MANAGE = "solutions.manage_resettlement"


@transaction.atomic
def create_receiving_country(
    *, actor: Actor, country: str, selection_mode: str, recipient: Recipient | None = None, notes: str = ""
) -> ReceivingCountry:
    """A country that offers places. Its delegation is `recipient` (a resettlement-country
    recipient of the data-sharing guard, with the partner accounts linked to it)."""
    ensure(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    code = (country or "").strip().upper()
    if not code:
        errors["country"] = [_("Name the country.")]
    if selection_mode not in SelectionMode.values:
        errors["selection_mode"] = [_("Unknown selection mode.")]
    if recipient is not None and (
        recipient.kind != RecipientKind.RESETTLEMENT_COUNTRY or recipient.country.code != code
    ):
        errors["recipient"] = [_("The delegation must be a resettlement-country recipient of this country.")]
    if ReceivingCountry.objects.filter(country=code).exists():
        errors["country"] = [_("This country is already recorded.")]
    if errors:
        raise InvalidInput(errors)
    rc = ReceivingCountry.objects.create(
        country=code, selection_mode=selection_mode, recipient=recipient, notes=notes.strip(), created_by=actor
    )
    audit.record(
        actor, "resettlement.country_recorded", rc, changes={"country": code, "selection_mode": selection_mode}
    )
    return rc


@transaction.atomic
def record_pledge(
    *,
    actor: Actor,
    country: ReceivingCountry,
    year: int,
    places: int,
    categories: Iterable[str] = (),
    max_family_size: int | None = None,
    takes_medical_cases: bool = True,
    criteria: str = "",
) -> Pledge:
    ensure(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    cats = sorted(set(categories))
    if any(c not in Category.values for c in cats):
        errors["categories"] = [_("Unknown submission category.")]
    if places <= 0:
        errors["places"] = [_("A pledge offers at least one place.")]
    if max_family_size is not None and max_family_size <= 0:
        errors["max_family_size"] = [_("A family has at least one member.")]
    if Pledge.objects.filter(country=country, year=year).exists():
        errors["year"] = [_("This country already pledged for this year.")]
    if errors:
        raise InvalidInput(errors)
    pledge = Pledge.objects.create(
        country=country,
        year=year,
        places=places,
        categories=cats,
        max_family_size=max_family_size,
        takes_medical_cases=takes_medical_cases,
        criteria=criteria.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor, "resettlement.pledge_recorded", country, changes={"year": year, "places": places, "categories": cats}
    )
    return pledge


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # a `change_pledge` argument left as it is (None is a value: no family limit)


@transaction.atomic
def change_pledge(
    *,
    actor: Actor,
    pledge: Pledge,
    reason: str,
    places: int | _Keep = KEEP,
    categories: Iterable[str] | _Keep = KEEP,
    max_family_size: int | None | _Keep = KEEP,
    takes_medical_cases: bool | _Keep = KEEP,
    criteria: str | _Keep = KEEP,
) -> Pledge:
    """Correct what a country pledged for its year (the year names the pledge and stays).

    Same checks as `record_pledge`; the reason is required, since places already used or
    promised are counted against the pledge. Nothing changed: nothing written, no event."""
    ensure(actor, MANAGE)
    pledge = Pledge.objects.select_for_update().select_related("country").get(pk=pledge.pk)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the pledge changes.")]
    wanted: dict[str, object] = {}
    if places is not KEEP:
        if places <= 0:
            errors["places"] = [_("A pledge offers at least one place.")]
        wanted["places"] = places
    if categories is not KEEP:
        cats = sorted(set(categories))
        if any(c not in Category.values for c in cats):
            errors["categories"] = [_("Unknown submission category.")]
        wanted["categories"] = cats
    if max_family_size is not KEEP:
        if max_family_size is not None and max_family_size <= 0:
            errors["max_family_size"] = [_("A family has at least one member.")]
        wanted["max_family_size"] = max_family_size
    if takes_medical_cases is not KEEP:
        wanted["takes_medical_cases"] = takes_medical_cases
    if criteria is not KEEP:
        wanted["criteria"] = criteria.strip()
    if errors:
        raise InvalidInput(errors)
    changes = {k: [getattr(pledge, k), v] for k, v in wanted.items() if getattr(pledge, k) != v}
    if not changes:
        return pledge
    for name, (_before, after) in changes.items():
        setattr(pledge, name, after)
    pledge.save(update_fields=list(changes))
    audit.record(
        actor, "resettlement.pledge_changed", pledge.country, changes={"year": pledge.year, **changes}, reason=reason
    )
    return pledge
