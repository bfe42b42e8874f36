"""Data-sharing gate: rules D1-D6 of DOMAIN.md section 8.2.

Contract for callers
--------------------
`reports` exports and every API or file that ships personal data outside the system call
``assess_disclosure(recipient, persons, fields, purpose, on)`` before anything leaves, with
every person whose data (or whose mere existence) the disclosure would reveal.

* ``decision.allowed`` False means nothing is sent, not even a count or a "not found":
  ``decision.raise_if_refused()`` raises `core.errors.SafeguardRefusal` with rule and basis.
* Send only ``decision.allowed_fields`` (empty when refused).
* ``aggregate=True`` is for statistics; the decision then has
  ``requires_disclosure_control=True`` (D5) and the caller must suppress small cells before
  release. A country-of-origin recipient is refused aggregates as well.
* D6: the caller writes ``decision.as_audit_dict()`` to the audit log for every decision,
  sent or refused.

D1 has no override of any kind. It refuses a country-of-origin authority or an alleged
persecutor whatever agreement is supplied, and it also refuses any recipient whose state is
the origin, nationality or former habitual residence of any person in the batch, or a state
recorded as persecuting one of them (`risk_countries`: persecution risks only): an embassy
or a proxy of the persecuting state is the same harm.

What D1 does not read: a torture or ill-treatment risk recorded in a third country. DOMAIN.md
8.2 names the country of origin and the alleged actor of persecution; a risk of harm in a
country (its detention conditions, say) is a reason not to *send* the person there (N2, N3,
N6), not an allegation that its state persecutes them, and reading it as one would stop a
household from even being submitted to the resettlement country that would protect it.
Callers pass only persecution risks as `risk_countries`.

Recipients not named in section 8.2 (UN agencies, NGOs) get the general data-protection
principles under rule code "DP": a recorded agreement for the stated purpose, valid on the
day, covering the requested fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext_noop

from asylon.core.errors import SafeguardRefusal

from . import legal_bases as basis
from .messages import Country, Day, Field, Listing, Message, Number, message
from .types import NEVER_RECIPIENTS, Agreement, Recipient, RecipientKind, countries


class Subject(Protocol):
    """Anything with these attributes can be assessed (`DisclosureSubject`, `PersonFacts`)."""

    reference: str
    country_of_origin: str
    nationality: str
    former_habitual_residence: str


@dataclass(frozen=True)
class SharingDecision:
    allowed: bool
    rule: str
    legal_basis: str
    detail: str
    recipient: Recipient
    purpose: str
    requested_fields: frozenset[str]
    allowed_fields: frozenset[str]
    person_references: tuple[str, ...]
    on: date
    aggregate: bool = False
    requires_disclosure_control: bool = False
    # The detail as a translatable message; `detail` is its English text.
    message: Message | None = None

    def raise_if_refused(self) -> None:
        if not self.allowed:
            reason = self.message.as_dict() if self.message else None
            raise SafeguardRefusal(self.rule, self.legal_basis, self.detail, reason)

    def as_audit_dict(self) -> dict:
        """D6: recipient, legal basis, purpose and fields of every disclosure decision."""
        agreement = self.recipient.agreement
        return {
            "allowed": self.allowed,
            "rule": self.rule,
            "legal_basis": self.legal_basis,
            "detail": self.detail,
            **(self.message.as_dict() if self.message else {}),
            "recipient": {
                "kind": str(self.recipient.kind),
                "country": self.recipient.country,
                "name": self.recipient.name,
                "agreement": agreement.reference if agreement else None,
            },
            "purpose": self.purpose,
            "requested_fields": sorted(self.requested_fields),
            "allowed_fields": sorted(self.allowed_fields),
            "persons": list(self.person_references),
            "on": self.on.isoformat(),
            "aggregate": self.aggregate,
            "requires_disclosure_control": self.requires_disclosure_control,
        }


def assess_disclosure(
    recipient: Recipient,
    persons: Iterable[Subject],
    fields: Iterable[str],
    purpose: str,
    on: date,
    *,
    aggregate: bool = False,
) -> SharingDecision:
    """Decide whether `fields` about `persons` may go to `recipient` for `purpose` on `on`."""
    persons = tuple(persons)
    fields = frozenset(fields)

    def decide(allowed: bool, rule: str, legal_basis: str, reason: Message, control: bool = False):
        return SharingDecision(
            allowed=allowed,
            rule=rule,
            legal_basis=legal_basis,
            detail=reason.english(),
            message=reason,
            recipient=recipient,
            purpose=purpose,
            requested_fields=fields,
            allowed_fields=fields if allowed else frozenset(),
            person_references=tuple(p.reference for p in persons),
            on=on,
            aggregate=aggregate,
            requires_disclosure_control=control,
        )

    refusal = d1_refusal(recipient, persons)
    if refusal:
        return decide(False, "D1", basis.CONFIDENTIALITY_COUNTRY_OF_ORIGIN, refusal)
    if aggregate:
        return decide(
            True,
            "D5",
            basis.AGGREGATE_DISCLOSURE_CONTROL,
            message(gettext_noop("Aggregate figures only. Small cells must be suppressed before release.")),
            control=True,
        )
    rule, legal_basis, refusal = _recipient_rule(recipient, persons, fields, purpose, on)
    if refusal:
        return decide(False, rule, legal_basis, refusal)
    allowed = message(
        gettext_noop("May share the %(count)s listed field(s) for: %(purpose)s."),
        count=Number(len(fields)),
        purpose=purpose,
    )
    return decide(True, rule, legal_basis, allowed)


def d1_refusal(recipient: Recipient, persons: Iterable[Subject]) -> Message | None:
    """Why D1 forbids this recipient, or None if it does not. No override exists."""
    if recipient.kind in NEVER_RECIPIENTS:
        return message(
            gettext_noop(
                "Nothing about refugees or asylum seekers, not even whether a person is here, may go "
                "to the authorities of the country they fled or to anyone accused of persecuting them."
            )
        )
    if recipient.country and recipient.country in _feared_states(persons):
        return message(
            gettext_noop(
                "The recipient acts for %(country)s, a country that at least one of these "
                "persons fled. Nothing about them may be shared with it, in any form, through anyone."
            ),
            country=Country(recipient.country),
        )
    return None


def _feared_states(persons: Iterable[Subject]) -> frozenset[str]:
    feared: set[str] = set()
    for person in persons:
        feared |= countries(
            (
                person.country_of_origin,
                person.nationality,
                getattr(person, "former_habitual_residence", ""),
            )
        )
        feared |= countries(getattr(person, "risk_countries", ()))
    return frozenset(feared)


def _recipient_rule(
    recipient: Recipient, persons: tuple[Subject, ...], fields: frozenset[str], purpose: str, on: date
) -> tuple[str, str, Message | None]:
    agreement = recipient.agreement
    if recipient.kind == RecipientKind.HOST_AUTHORITY:
        return "D2", basis.HOST_STATE_SHARING, _agreement_refusal(agreement, fields, purpose, on, True)
    if recipient.kind == RecipientKind.RESETTLEMENT_COUNTRY:
        refusal = _resettlement_refusal(recipient, persons, fields, purpose, on)
        return "D3", basis.RESETTLEMENT_SHARING, refusal
    return "DP", basis.PARTNER_SHARING, _agreement_refusal(agreement, fields, purpose, on, False)


def _agreement_refusal(
    agreement: Agreement | None, fields: frozenset[str], purpose: str, on: date, needs_undertaking: bool
) -> Message | None:
    if agreement is None:
        return message(gettext_noop("No data-sharing agreement with this recipient is on file."))
    if not agreement.is_valid_on(on):
        return message(gettext_noop("The data-sharing agreement is not in force on %(day)s."), day=Day(on))
    if not agreement.covers_purpose(purpose):
        return message(
            gettext_noop("The agreement covers '%(covered)s', not '%(purpose)s'."),
            covered=agreement.purpose,
            purpose=purpose,
        )
    extra = fields - agreement.fields
    if extra:
        return message(
            gettext_noop("The agreement does not cover these fields: %(fields)s. Share only what it lists."),
            fields=Listing(tuple(Field(f) for f in sorted(extra))),
        )
    if needs_undertaking and not agreement.non_refoulement_undertaking:
        return message(
            gettext_noop("The host authority has not undertaken in the agreement not to return anyone to danger.")
        )
    return None


def _resettlement_refusal(
    recipient: Recipient, persons: tuple[Subject, ...], fields: frozenset[str], purpose: str, on: date
) -> Message | None:
    if not recipient.country:
        return message(gettext_noop("The resettlement country is not recorded."))
    not_submitted = sorted(
        p.reference for p in persons if recipient.country not in countries(getattr(p, "submitted_to_countries", ()))
    )
    if not_submitted:
        return message(
            gettext_noop("%(country)s may only receive data on cases submitted to it. Not submitted: %(cases)s."),
            country=Country(recipient.country),
            cases=", ".join(not_submitted),
        )
    # The submission is the grant; an agreement, when recorded, narrows it further.
    if recipient.agreement is not None:
        return _agreement_refusal(recipient.agreement, fields, purpose, on, False)
    return None
