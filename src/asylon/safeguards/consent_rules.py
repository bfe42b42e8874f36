"""Consent before a case is worked on or a referral shares anything (DOMAIN.md 8.1, 12).

Contract for callers
--------------------
`cases.services` asks ``consent_refusal`` before an assessment (scope CASE_MANAGEMENT) and
before a referral (scope REFERRAL, with the service, the recipient when outside and the
fields to share), with every consent recorded on the case as plain `ConsentFact` values.
``None`` means the consent on file covers the step; otherwise the answer is the refusal's
translated message, and the caller raises `SafeguardRefusal(RULE, LEGAL_BASIS, ...)`.

Rules, in order:

* a withdrawn consent counts for nothing from the day of its withdrawal;
* an adult's consent is the person's own;
* a child needs both: the child's assent and a parent's or guardian's consent (the
  inter-agency guidelines: assent according to age and maturity, and a caregiver's
  consent);
* a referral consent is specific: to that service, to that partner when the referral goes
  outside, and covering every field the referral would share. Consent to case management is
  not consent to share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_noop

from .messages import Field, Listing, Message, message

RULE = "DC"
LEGAL_BASIS = gettext_noop(
    "UNHCR Policy on the Protection of Personal Data of Persons of Concern (2015), consent; "
    "Inter-Agency Guidelines for Case Management and Child Protection (2014)"
)

CASE_MANAGEMENT = "CASE_MANAGEMENT"
REFERRAL = "REFERRAL"
PERSON, CHILD, GUARDIAN = "PERSON", "CHILD", "GUARDIAN"


@dataclass(frozen=True)
class ConsentFact:
    giver: str  # PERSON, CHILD (assent) or GUARDIAN
    scope: str  # CASE_MANAGEMENT or REFERRAL
    given_on: date
    service: str = ""
    recipient: str = ""  # the partner's name; "" for a referral inside the organisation
    fields: frozenset[str] = field(default_factory=frozenset)
    withdrawn_on: date | None = None

    def in_force(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


def consent_refusal(
    consents: Iterable[ConsentFact],
    *,
    scope: str,
    child: bool,
    on: date,
    service: str = "",
    recipient: str = "",
    fields: Iterable[str] = (),
) -> Message | None:
    """Why the consent on file does not cover this step, or None when it does."""
    wanted = frozenset(fields)
    covering = [c for c in consents if c.in_force(on) and _covers(c, scope, service, recipient, wanted)]
    givers = {c.giver for c in covering}
    if child:
        missing = [g for g in (CHILD, GUARDIAN) if g not in givers]
        if not missing:
            return None
        if missing == [CHILD]:
            return message(gettext_noop("The child's own assent is not recorded for this step."))
        if missing == [GUARDIAN]:
            return message(gettext_noop("A parent's or guardian's consent is not recorded for this step."))
    elif PERSON in givers:
        return None
    if scope == REFERRAL:
        partial = [
            c
            for c in consents
            if c.in_force(on) and c.scope == REFERRAL and c.service == service and c.recipient == recipient
        ]
        if partial and wanted:
            uncovered = wanted - frozenset().union(*(c.fields for c in partial))
            if uncovered:
                return message(
                    gettext_noop("The consent does not cover sharing these fields: %(fields)s."),
                    fields=Listing(tuple(Field(f) for f in sorted(uncovered))),
                )
        return message(
            gettext_noop(
                "No consent in force covers this referral: the person must agree to this service, this "
                "partner and the fields shared."
            )
        )
    return message(gettext_noop("No consent to case management is in force for this case."))


def _covers(c: ConsentFact, scope: str, service: str, recipient: str, fields: frozenset[str]) -> bool:
    if c.scope != scope:
        return False
    if scope == REFERRAL:
        return c.service == service and c.recipient == recipient and fields <= c.fields
    return True
