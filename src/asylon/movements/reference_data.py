"""Reference data the gate and the sharing guard read, dated so that any day's answer can
be given again: onward-return policies (the basis of the chain-refoulement check, N6) and
the organisations that act for a state (D1 refuses a recipient acting for the state a
person fled). Kept by whoever holds `movements.manage_reference_data`.

Also the two input checks every movement and sharing service shares: a country code and
a validity period.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor

from .models import AuthorityKind, CountryAuthority, OnwardReturnPolicy


def country_code(value: str | None, field: str, errors: dict[str, list[str]]) -> str:
    """The upper-cased ISO code in `value` (may be empty); an unknown one is an error on `field`."""
    code = (value or "").strip().upper()
    if code and code not in country_names:
        errors.setdefault(field, []).append(_("Unknown country code %(c)r.") % {"c": code})
    return code


def check_dates(valid_from: date, valid_to: date | None, errors: dict) -> None:
    """An error on `valid_to` when the period ends before it starts."""
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The end is before the start.")]


@transaction.atomic
def record_onward_policy(
    *,
    actor: Actor,
    country: str,
    returns_to: str,
    source: str,
    valid_from: date,
    nationality: str = "",
    valid_to: date | None = None,
) -> OnwardReturnPolicy:
    ensure(actor, "movements.manage_reference_data")
    errors: dict[str, list[str]] = {}
    c = country_code(country, "country", errors)
    r = country_code(returns_to, "returns_to", errors)
    n = country_code(nationality, "nationality", errors)
    if not c:
        errors.setdefault("country", []).append(_("Name the country."))
    if not r:
        errors.setdefault("returns_to", []).append(_("Name where it sends people on to."))
    if c and c == r:
        errors.setdefault("returns_to", []).append(_("Two different countries are needed."))
    if not (source or "").strip():
        errors["source"] = [_("Name the source of this information.")]
    check_dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    policy = OnwardReturnPolicy.objects.create(
        country=c,
        nationality=n,
        returns_to=r,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor,
        "reference.onward_policy_recorded",
        policy,
        changes={"country": c, "nationality": n, "returns_to": r, "valid_from": valid_from, "valid_to": valid_to},
    )
    return policy


@transaction.atomic
def end_onward_policy(*, actor: Actor, policy: OnwardReturnPolicy, valid_to: date) -> OnwardReturnPolicy:
    ensure(actor, "movements.manage_reference_data")
    policy = OnwardReturnPolicy.objects.select_for_update().get(pk=policy.pk)
    if valid_to < policy.valid_from:
        raise InvalidInput({"valid_to": [_("The end is before the start.")]})
    before = policy.valid_to
    policy.valid_to = valid_to
    policy.save(update_fields=["valid_to"])
    audit.record(actor, "reference.onward_policy_ended", policy, changes={"valid_to": [before, valid_to]})
    return policy


@transaction.atomic
def record_country_authority(
    *,
    actor: Actor,
    name: str,
    country: str,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    source: str = "",
) -> CountryAuthority:
    ensure(actor, "movements.manage_reference_data")
    errors: dict[str, list[str]] = {}
    code = country_code(country, "country", errors)
    if not code:
        errors.setdefault("country", []).append(_("Name the state it acts for."))
    if not (name or "").strip():
        errors["name"] = [_("Name the organisation.")]
    if kind not in AuthorityKind.values:
        errors["kind"] = [_("Unknown kind.")]
    check_dates(valid_from, valid_to, errors)
    if errors:
        raise InvalidInput(errors)
    authority = CountryAuthority.objects.create(
        name=name.strip(),
        country=code,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        source=(source or "").strip(),
        recorded_by=actor,
    )
    audit.record(actor, "reference.authority_recorded", authority, changes={"name": authority.name, "country": code})
    return authority
