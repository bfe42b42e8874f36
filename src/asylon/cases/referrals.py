"""What a referral may share, declared in one place: each field's name (as the consent, the
sharing agreement and the guard name it), its label and how it is read from the case.

A referral shares the fields the caseworker picks from this table and no others; the
consent must cover them and the partner's agreement must list them (sharing.guard, DP). The
released values are kept on the referral (`Referral.shared`): that snapshot is all the
partner ever reads. The purpose of a referral is the service's, so that an agreement made
"for medical referral" covers medical referrals only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from asylon.core.dates import age_on, today
from asylon.core.i18n import language_names
from asylon.registry.models import Sex

from .models import ProtectionCase, RiskLevel, Service


def _person(case: ProtectionCase):
    if case.person_id:
        return case.person
    membership = case.household.memberships.filter(ended_on__isnull=True, relationship="PA").first()  # type: ignore[union-attr]
    return membership.person if membership else None


def _age(case: ProtectionCase) -> Any:
    person = _person(case)
    if person is None or person.date_of_birth is None:
        return None
    return age_on(person.date_of_birth, today())


@dataclass(frozen=True)
class Shareable:
    label: str | Promise
    read: Callable[[ProtectionCase], Any]
    # The stored value in words for the partner who reads it (a code becomes its label).
    show: Callable[[Any], Any] = lambda value: value


def _choice(choices) -> Callable[[Any], Any]:
    return lambda value: choices(value).label if value in choices.values else value


SHAREABLE: dict[str, Shareable] = {
    "reference": Shareable(_("Person's reference"), lambda c: getattr(_person(c), "reference", None)),
    "full_name": Shareable(_("Name"), lambda c: getattr(_person(c), "full_name", None)),
    "sex": Shareable(_("Sex"), lambda c: getattr(_person(c), "sex", None), _choice(Sex)),
    "age": Shareable(_("Age"), _age),
    "languages": Shareable(
        _("Languages"), lambda c: getattr(_person(c), "languages", None), lambda v: language_names(v or "")
    ),
    "location": Shareable(_("Shelter"), lambda c: str(_person(c).unit) if getattr(_person(c), "unit", None) else None),
    "risk_level": Shareable(_("Risk level"), lambda c: c.risk_level, _choice(RiskLevel)),
    "referral_reason": Shareable(_("Reason for the referral"), lambda c: None),  # the referral's own note
}

PURPOSES: dict[str, str] = {
    Service.MEDICAL: "medical referral",
    Service.LEGAL_AID: "legal aid referral",
    Service.PSYCHOSOCIAL: "psychosocial referral",
    Service.SHELTER: "shelter referral",
    Service.LIVELIHOOD: "livelihood referral",
}


def shared_values(case: ProtectionCase, fields: list[str], note: str) -> dict[str, Any]:
    """The values of exactly `fields`, read at the moment of release."""
    values = {name: SHAREABLE[name].read(case) for name in fields}
    if "referral_reason" in values:
        values["referral_reason"] = note
    return values
