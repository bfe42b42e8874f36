"""Safeguards: the non-refoulement gate (N1-N9) and the data-sharing gate (D1-D6).

Pure functions over plain frozen dataclasses; no models, no database. See
`movement_rules` and `sharing_rules` for the contract with callers.
"""

from .movement_rules import Assessment, RuleResult, assess_movement
from .sharing_rules import SharingDecision, assess_disclosure
from .types import (
    Agreement,
    Art332Determination,
    Block,
    ChainAssessment,
    DisclosureSubject,
    FamilyUnityOverride,
    LegalStatus,
    MovementFacts,
    MovementKind,
    Notice,
    PersonFacts,
    Recipient,
    RecipientKind,
    RiskAssessment,
    RuleOutcome,
    VoluntarinessRecord,
)

__all__ = [
    "Agreement",
    "Art332Determination",
    "Assessment",
    "Block",
    "ChainAssessment",
    "DisclosureSubject",
    "FamilyUnityOverride",
    "LegalStatus",
    "MovementFacts",
    "MovementKind",
    "Notice",
    "PersonFacts",
    "Recipient",
    "RecipientKind",
    "RiskAssessment",
    "RuleOutcome",
    "RuleResult",
    "SharingDecision",
    "VoluntarinessRecord",
    "assess_disclosure",
    "assess_movement",
]
