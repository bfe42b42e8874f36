"""Plain values the safeguards read and return.

Every input is a frozen dataclass that the caller builds from its own records, so the rules
never touch the database and a test can state a whole situation in one expression. Country
codes are ISO 3166-1 alpha-2; they are stripped and upper-cased on construction, and ""
means unknown (or, for nationality, stateless/undetermined).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .messages import Message

ADULT_AGE = 18


class LegalStatus(StrEnum):
    """DOMAIN.md section 1."""

    ASYLUM_SEEKER = "ASYLUM_SEEKER"
    REFUGEE = "REFUGEE"
    REJECTED_FINAL = "REJECTED_FINAL"
    EXCLUDED = "EXCLUDED"
    CEASED = "CEASED"
    CANCELLED = "CANCELLED"
    REVOKED = "REVOKED"
    CLOSED_ABANDONED = "CLOSED_ABANDONED"
    DEPARTED_RESETTLED = "DEPARTED_RESETTLED"
    DEPARTED_REPATRIATED = "DEPARTED_REPATRIATED"
    DEPARTED_OTHER = "DEPARTED_OTHER"
    DECEASED = "DECEASED"


# Statuses whose holder no longer has (or never had) a claim to art. 33(1) after a final
# decision. Every other status, including ones we do not expect here such as
# CLOSED_ABANDONED (a file that may reopen), is treated as protected: the safe default.
WITHOUT_CONVENTION_PROTECTION = frozenset(
    {
        LegalStatus.REJECTED_FINAL,
        LegalStatus.EXCLUDED,
        LegalStatus.CEASED,
        LegalStatus.CANCELLED,
        LegalStatus.REVOKED,
    }
)


class MovementKind(StrEnum):
    """DOMAIN.md section 6.2."""

    INTERNAL_TRANSFER = "INTERNAL_TRANSFER"
    RESETTLEMENT_DEPARTURE = "RESETTLEMENT_DEPARTURE"
    HUMANITARIAN_ADMISSION = "HUMANITARIAN_ADMISSION"
    RELOCATION_THIRD_COUNTRY = "RELOCATION_THIRD_COUNTRY"
    VOLUNTARY_REPATRIATION = "VOLUNTARY_REPATRIATION"
    DEPORTATION_ORDER = "DEPORTATION_ORDER"
    EXTRADITION_REQUEST = "EXTRADITION_REQUEST"
    OTHER_REMOVAL = "OTHER_REMOVAL"


# Movements a state imposes on the person. N2/N3 always apply to them and N4 blocks them.
INVOLUNTARY_KINDS = frozenset(
    {MovementKind.DEPORTATION_ORDER, MovementKind.EXTRADITION_REQUEST, MovementKind.OTHER_REMOVAL}
)
THIRD_COUNTRY_SOLUTION_KINDS = frozenset(
    {
        MovementKind.RESETTLEMENT_DEPARTURE,
        MovementKind.HUMANITARIAN_ADMISSION,
        MovementKind.RELOCATION_THIRD_COUNTRY,
    }
)


def country(code: str | None) -> str:
    return (code or "").strip().upper()


def countries(codes: Iterable[str] | None) -> frozenset[str]:
    return frozenset(c for c in (country(code) for code in codes or ()) if c)


def _set(obj: object, name: str, value: object) -> None:
    # Frozen dataclasses normalise their own fields in __post_init__.
    object.__setattr__(obj, name, value)


# --- Evidence -------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskAssessment:
    """A signed individual risk assessment for one destination (evidence for N2 and N3).

    `finds_no_substantial_grounds`: no substantial grounds for believing the person would be
    in danger of torture there (CAT art. 3). `finds_no_real_risk`: no real risk of irreparable
    harm to life or of cruel, inhuman or degrading treatment (ICCPR arts. 6 and 7).
    An assessment counts only if it is signed and names the country information used.
    """

    finds_no_substantial_grounds: bool
    finds_no_real_risk: bool
    signed_by: str
    country_information: str

    @property
    def is_complete(self) -> bool:
        return bool(self.signed_by.strip() and self.country_information.strip())

    @property
    def clears_torture_risk(self) -> bool:
        return self.is_complete and self.finds_no_substantial_grounds

    @property
    def clears_risk_to_life(self) -> bool:
        return self.is_complete and self.finds_no_real_risk


@dataclass(frozen=True)
class Art332Determination:
    """Art. 33(2) determination by a competent authority, after a final RSD decision."""

    competent_authority: str
    reference: str
    decided_on: date | None = None

    @property
    def is_complete(self) -> bool:
        return bool(self.competent_authority.strip() and self.reference.strip())


@dataclass(frozen=True)
class VoluntarinessRecord:
    """Evidence that a voluntary repatriation is free, informed and express (N7)."""

    signed_declaration: bool = False
    counselling_record: bool = False
    coercion_flag_open: bool = False
    withdrawn: bool = False
    best_interests_assessment: bool = False
    best_interests_determination: bool = False


@dataclass(frozen=True)
class ChainAssessment:
    """Assessment of a third country against chain refoulement (N6).

    `approvers` are user ids of protection officers; the caller checks their role,
    the rule checks there are two distinct ones.
    """

    country: str
    admission_document: str
    access_to_protection: bool
    respects_non_refoulement: bool
    approvers: tuple[str, ...]
    rationale: str

    def __post_init__(self) -> None:
        _set(self, "country", country(self.country))
        _set(self, "approvers", tuple(self.approvers))

    @property
    def distinct_approvers(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.approvers if a and a.strip())


@dataclass(frozen=True)
class FamilyUnityOverride:
    """Recorded decision to go ahead although a household member has no decision (N8)."""

    rationale: str
    approved_by: str

    @property
    def is_complete(self) -> bool:
        return bool(self.rationale.strip() and self.approved_by.strip())


# --- The person and the movement ------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the rules need to know about one individual, as of the moment of the check."""

    reference: str
    legal_status: LegalStatus
    country_of_origin: str = ""
    nationality: str = ""
    former_habitual_residence: str = ""
    age: int | None = None
    is_child: bool = False
    unaccompanied_or_separated: bool = False
    claim_pending: bool = False
    in_appeal_window: bool = False
    appeal_pending: bool = False
    # Countries with a recorded risk beyond the defaults (origin, nationality, former residence).
    risk_countries: frozenset[str] = frozenset()
    torture_risk_countries: frozenset[str] = frozenset()
    ill_treatment_risk_countries: frozenset[str] = frozenset()
    torture_survivor: bool = False  # TR specific need
    art_33_2_determination: Art332Determination | None = None
    risk_assessments: Mapping[str, RiskAssessment] = field(default_factory=dict)
    voluntariness: VoluntarinessRecord | None = None
    submitted_to_countries: frozenset[str] = frozenset()  # resettlement submissions (D3)

    def __post_init__(self) -> None:
        _set(self, "legal_status", LegalStatus(self.legal_status))
        for name in ("country_of_origin", "nationality", "former_habitual_residence"):
            _set(self, name, country(getattr(self, name)))
        for name in (
            "risk_countries",
            "torture_risk_countries",
            "ill_treatment_risk_countries",
            "submitted_to_countries",
        ):
            _set(self, name, countries(getattr(self, name)))
        _set(self, "risk_assessments", {country(k): v for k, v in dict(self.risk_assessments).items()})

    @property
    def home_countries(self) -> frozenset[str]:
        """Origin, nationality and former habitual residence: where N1 and D1 look."""
        return countries((self.country_of_origin, self.nationality, self.former_habitual_residence))

    @property
    def persecution_risk_countries(self) -> frozenset[str]:
        return self.home_countries | self.risk_countries

    @property
    def torture_risk(self) -> frozenset[str]:
        # A TR need is a recorded torture risk in the country the person fled, and so is an
        # individual assessment that found substantial grounds.
        survivor = self.home_countries if self.torture_survivor else frozenset()
        found = {c for c, a in self.risk_assessments.items() if a.is_complete and not a.clears_torture_risk}
        return self.torture_risk_countries | survivor | frozenset(found)

    @property
    def ill_treatment_risk(self) -> frozenset[str]:
        # Torture is within ICCPR art. 7, so a torture risk is also an N3 risk.
        found = {c for c, a in self.risk_assessments.items() if a.is_complete and not a.clears_risk_to_life}
        return self.ill_treatment_risk_countries | self.torture_risk | frozenset(found)

    @property
    def all_risk_countries(self) -> frozenset[str]:
        return self.persecution_risk_countries | self.ill_treatment_risk

    @property
    def is_minor(self) -> bool:
        # An unaccompanied or separated child is a child by definition.
        under_age = self.age is not None and self.age < ADULT_AGE
        return self.is_child or self.unaccompanied_or_separated or under_age

    @property
    def claim_or_appeal_open(self) -> bool:
        return (
            self.legal_status == LegalStatus.ASYLUM_SEEKER
            or self.claim_pending
            or self.in_appeal_window
            or self.appeal_pending
        )

    @property
    def has_convention_protection(self) -> bool:
        return self.legal_status not in WITHOUT_CONVENTION_PROTECTION

    def assessment_for(self, destination: str) -> RiskAssessment | None:
        return self.risk_assessments.get(country(destination))


@dataclass(frozen=True)
class MovementFacts:
    """One planned movement of one individual, as of the state being entered.

    `onward_return_countries`: reference data, countries known to return people of the
    person's nationality to the country of origin. `onward_returns`: known onward transfers,
    country -> countries it sends people of this nationality on to (followed transitively).
    `member_decisions`: household member reference -> explicit decision, None if not yet taken.
    """

    kind: MovementKind
    destination_country: str = ""
    host_country: str = ""
    requesting_state: str = ""
    onward_return_countries: frozenset[str] = frozenset()
    onward_returns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    chain_assessment: ChainAssessment | None = None
    rsd_decision_final: bool = False
    court_reference: str = ""
    member_decisions: Mapping[str, str | None] = field(default_factory=dict)
    split_decision: bool = False
    family_unity_override: FamilyUnityOverride | None = None

    def __post_init__(self) -> None:
        _set(self, "kind", MovementKind(self.kind))
        for name in ("destination_country", "host_country", "requesting_state"):
            _set(self, name, country(getattr(self, name)))
        _set(self, "onward_return_countries", countries(self.onward_return_countries))
        routes = {country(k): countries(v) for k, v in dict(self.onward_returns).items()}
        _set(self, "onward_returns", routes)
        _set(self, "member_decisions", dict(self.member_decisions))

    @property
    def is_involuntary(self) -> bool:
        return self.kind in INVOLUNTARY_KINDS


# --- Results --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reason:
    rule: str
    legal_basis: str
    detail: str
    # The same reason as a translatable message; `detail` is its English text (the evidence).
    message: Message | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, rule: str, legal_basis: str, message: Message):
        return cls(rule, legal_basis, message.english(), message)

    def as_dict(self) -> dict:
        reason: dict = {"rule": self.rule, "legal_basis": self.legal_basis, "detail": self.detail}
        if self.message is not None:
            reason |= self.message.as_dict()
        return reason


@dataclass(frozen=True)
class Block(_Reason):
    """A rule that stops the movement. `detail` is written for a non-lawyer."""


@dataclass(frozen=True)
class Notice(_Reason):
    """A warning (the movement may go on, someone should know) or an alert (notify protection staff)."""


class RuleOutcome(StrEnum):
    PASSED = "passed"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


# --- Data sharing (DOMAIN.md section 8.2) ---------------------------------------------


class RecipientKind(StrEnum):
    UN_AGENCY = "UN_AGENCY"
    RESETTLEMENT_COUNTRY = "RESETTLEMENT_COUNTRY"
    HOST_AUTHORITY = "HOST_AUTHORITY"
    COUNTRY_OF_ORIGIN_AUTHORITY = "COUNTRY_OF_ORIGIN_AUTHORITY"
    ALLEGED_PERSECUTOR = "ALLEGED_PERSECUTOR"
    NGO = "NGO"


# D1: these recipients can never be granted anything, including their embassies and proxies.
NEVER_RECIPIENTS = frozenset({RecipientKind.COUNTRY_OF_ORIGIN_AUTHORITY, RecipientKind.ALLEGED_PERSECUTOR})


@dataclass(frozen=True)
class Agreement:
    """A recorded data-sharing agreement: purpose, the fields it covers, validity dates."""

    purpose: str
    fields: frozenset[str]
    non_refoulement_undertaking: bool
    valid_from: date
    valid_to: date | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        _set(self, "fields", frozenset(self.fields))

    def is_valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def covers_purpose(self, purpose: str) -> bool:
        return bool(purpose.strip()) and purpose.strip().casefold() == self.purpose.strip().casefold()


@dataclass(frozen=True)
class Recipient:
    """Who would receive the data. `country` is the state behind the recipient, "" if none."""

    kind: RecipientKind
    country: str = ""
    name: str = ""
    agreement: Agreement | None = None

    def __post_init__(self) -> None:
        _set(self, "kind", RecipientKind(self.kind))
        _set(self, "country", country(self.country))


@dataclass(frozen=True)
class DisclosureSubject:
    """The minimum about a person that the sharing rules read. `PersonFacts` fits as well."""

    reference: str
    country_of_origin: str = ""
    nationality: str = ""
    former_habitual_residence: str = ""
    risk_countries: frozenset[str] = frozenset()
    submitted_to_countries: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("country_of_origin", "nationality", "former_habitual_residence"):
            _set(self, name, country(getattr(self, name)))
        for name in ("risk_countries", "submitted_to_countries"):
            _set(self, name, countries(getattr(self, name)))
