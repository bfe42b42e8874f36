"""Non-refoulement gate for planned movements: rules N1-N9 of DOMAIN.md section 6.2.

Contract for callers
--------------------
`movements.services` calls ``assess_movement(person, movement)`` for **each individual**
of a movement, at **every state change** up to departure, with the facts as they are at
that moment (statuses, appeal windows, risk assessments and consent change over time).

* The result is an `Assessment`. ``assessment.allowed`` is False while any rule blocks.
  ``assessment.raise_if_blocked()`` raises `core.errors.SafeguardRefusal` for the first
  block; ``assessment.blocks`` has every reason (all rules are evaluated, none short-circuits),
  each with its rule code, legal basis and a plain-words detail for the user.
* ``assessment.alerts`` must be turned into protection alerts (e.g. N5: an extradition
  request from the country of origin), whether or not the movement is allowed.
  ``assessment.warnings`` are shown to the user; they do not stop the movement.
* N9: the caller writes ``assessment.as_audit_dict()`` to the append-only audit log for
  every result, allowed or not, in the same transaction as the state change.
* The gate never authorises a removal. An allowed result only means the evidence that
  the rules require is on file; the decision stays with the competent humans.
* There are no overrides here except the two DOMAIN.md grants: N6 (two protection officers
  with a rationale, passed in as `ChainAssessment`) and N8 (`FamilyUnityOverride`). The
  caller is responsible for checking the approvers' roles before building those records.

Internal transfers (inside the host country) are not refoulement and not involuntary for
N2/N4 purposes; an internal transfer whose destination is another country is always blocked
(N6) and also gets every destination rule, so a mislabelled removal cannot slip through.
Likewise a resettlement, humanitarian admission or relocation "to" a country the person fled
is always blocked (N6): those kinds exist only for third countries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from asylon.core.errors import SafeguardRefusal

from . import legal_bases as basis
from .types import (
    THIRD_COUNTRY_SOLUTION_KINDS,
    Block,
    LegalStatus,
    MovementFacts,
    MovementKind,
    Notice,
    PersonFacts,
    RuleOutcome,
    VoluntarinessRecord,
)

RULES = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: RuleOutcome
    blocks: tuple[Block, ...] = ()
    warnings: tuple[Notice, ...] = ()
    alerts: tuple[Notice, ...] = ()

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "outcome": str(self.outcome),
            "blocks": [b.as_dict() for b in self.blocks],
            "warnings": [w.as_dict() for w in self.warnings],
            "alerts": [a.as_dict() for a in self.alerts],
        }


def _not_applicable(rule: str) -> RuleResult:
    return RuleResult(rule, RuleOutcome.NOT_APPLICABLE)


def _result(
    rule: str,
    blocks: Iterable[Block] = (),
    warnings: Iterable[Notice] = (),
    alerts: Iterable[Notice] = (),
) -> RuleResult:
    blocks = tuple(blocks)
    outcome = RuleOutcome.BLOCKED if blocks else RuleOutcome.PASSED
    return RuleResult(rule, outcome, blocks, tuple(warnings), tuple(alerts))


@dataclass(frozen=True)
class Assessment:
    """The gate's answer for one person and one movement."""

    person_reference: str
    movement: MovementFacts
    results: tuple[RuleResult, ...] = field(default_factory=tuple)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(b for r in self.results for b in r.blocks)

    @property
    def warnings(self) -> tuple[Notice, ...]:
        return tuple(w for r in self.results for w in r.warnings)

    @property
    def alerts(self) -> tuple[Notice, ...]:
        return tuple(a for r in self.results for a in r.alerts)

    @property
    def allowed(self) -> bool:
        return not self.blocks

    def outcome_of(self, rule: str) -> RuleOutcome:
        return next(r.outcome for r in self.results if r.rule == rule)

    def raise_if_blocked(self) -> None:
        if self.blocks:
            first = self.blocks[0]
            raise SafeguardRefusal(first.rule, first.legal_basis, first.detail)

    def as_audit_dict(self) -> dict:
        """N9: a JSON-serialisable record of every rule checked and its result."""
        movement = self.movement
        chain = movement.chain_assessment
        override = movement.family_unity_override
        return {
            "person": self.person_reference,
            "movement": {
                "kind": str(movement.kind),
                "destination_country": movement.destination_country,
                "host_country": movement.host_country,
                "requesting_state": movement.requesting_state,
                "court_reference": movement.court_reference,
            },
            "allowed": self.allowed,
            "rules_checked": [r.as_dict() for r in self.results],
            "blocks": [b.as_dict() for b in self.blocks],
            "warnings": [w.as_dict() for w in self.warnings],
            "alerts": [a.as_dict() for a in self.alerts],
            "chain_assessment_approvers": sorted(chain.distinct_approvers) if chain else [],
            "family_unity_override": (
                {"rationale": override.rationale, "approved_by": override.approved_by} if override else None
            ),
        }


def assess_movement(person: PersonFacts, movement: MovementFacts) -> Assessment:
    """Run every rule N1-N8 for one person and one planned movement."""
    results = (
        check_n1_country_of_origin(person, movement),
        check_n2_torture(person, movement),
        check_n3_life_and_ill_treatment(person, movement),
        check_n4_suspensive_effect(person, movement),
        check_n5_extradition(person, movement),
        check_n6_chain_refoulement(person, movement),
        check_n7_voluntariness(person, movement),
        check_n8_family_unity(person, movement),
    )
    return Assessment(person_reference=person.reference, movement=movement, results=results)


# --- Where is the person going? --------------------------------------------------------


def destination_of(movement: MovementFacts) -> str:
    # An internal transfer with no country recorded stays in the host country.
    if movement.kind == MovementKind.INTERNAL_TRANSFER and not movement.destination_country:
        return movement.host_country
    return movement.destination_country


def stays_in_host_country(movement: MovementFacts) -> bool:
    """Only an internal transfer stays put. Any other kind is a crossing, whatever it names:
    a "removal" to the host country is mislabelled data and gets every check."""
    if movement.kind != MovementKind.INTERNAL_TRANSFER:
        return False
    destination = movement.destination_country
    return not destination or (bool(movement.host_country) and destination == movement.host_country)


def is_third_country(person: PersonFacts, movement: MovementFacts) -> bool:
    destination = destination_of(movement)
    return (
        bool(destination)
        and not stays_in_host_country(movement)
        and (destination not in person.home_countries)
    )


def _names(codes: Iterable[str]) -> str:
    return ", ".join(sorted(codes))


# --- N1 country of origin ----------------------------------------------------------------


def check_n1_country_of_origin(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N1: no return to a country where persecution is recorded, except voluntary repatriation.

    Art. 33(1) protects against return to "territories" where life or freedom is threatened,
    so the rule covers origin, nationality, former habitual residence and any country added
    to the person's persecution risks.
    """
    if stays_in_host_country(movement):
        return _not_applicable("N1")
    destination = destination_of(movement)
    if not destination:
        return _result(
            "N1",
            [
                _block_n1(
                    "The destination country is not recorded, so a return to the country the person "
                    "fled cannot be ruled out. Record the destination first."
                )
            ],
        )
    if destination not in person.persecution_risk_countries:
        return _result("N1")
    if movement.kind == MovementKind.VOLUNTARY_REPATRIATION:
        return _result("N1")  # a free, informed choice to go home: N7 governs it
    missing = _n1_missing_evidence(person, destination)
    if not missing:
        return _result(
            "N1",
            warnings=[
                Notice(
                    "N1",
                    basis.REFUGEE_CONVENTION_33_1,
                    f"Movement to {destination}, a country the person fled, is not blocked because the "
                    "required evidence is on file. It still needs the decision of the competent authority.",
                )
            ],
        )
    return _result(
        "N1",
        [
            _block_n1(
                f"{destination} is a country the person fled or where persecution is recorded. "
                f"They cannot be sent there. Missing: {'; '.join(missing)}."
            )
        ],
        alerts=_refoulement_alert(movement, destination),
    )


def _n1_missing_evidence(person: PersonFacts, destination: str) -> list[str]:
    missing = []
    if person.has_convention_protection:
        determination = person.art_33_2_determination
        if determination is None or not determination.is_complete:
            missing.append(
                "an art. 33(2) determination by a competent authority (refugees and asylum "
                "seekers are otherwise protected from return)"
            )
    if person.claim_or_appeal_open:
        missing.append("a final decision on the asylum claim with the appeal period over")
    assessment = person.assessment_for(destination)
    if assessment is None or not (assessment.clears_torture_risk and assessment.clears_risk_to_life):
        missing.append(
            f"a signed individual risk assessment for {destination} finding no risk of torture, "
            "death or inhuman treatment"
        )
    return missing


def _block_n1(detail: str) -> Block:
    return Block("N1", basis.REFUGEE_CONVENTION_33_1, detail)


_KIND_WORDS = {
    MovementKind.DEPORTATION_ORDER: "A deportation",
    MovementKind.EXTRADITION_REQUEST: "An extradition",
    MovementKind.OTHER_REMOVAL: "A removal",
}


def _refoulement_alert(movement: MovementFacts, destination: str) -> list[Notice]:
    if not movement.is_involuntary:
        return []
    return [
        Notice(
            "N1",
            basis.REFUGEE_CONVENTION_33_1,
            f"{_KIND_WORDS[movement.kind]} to {destination}, a country the person fled, is planned. "
            "Record a refoulement-risk incident and inform protection staff.",
        )
    ]


# --- N2 torture, N3 life and ill-treatment -----------------------------------------------


def check_n2_torture(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N2: absolute. Only a signed risk assessment for this destination clears it."""
    destination = destination_of(movement)
    if not (movement.is_involuntary or destination in person.torture_risk):
        return _not_applicable("N2")
    assessment = person.assessment_for(destination) if destination else None
    if assessment is not None and assessment.clears_torture_risk:
        return _result("N2")
    if assessment is not None and assessment.is_complete:
        detail = (
            f"The risk assessment for {destination} found substantial grounds for believing the "
            "person would be in danger of torture there. The ban on torture is absolute: nothing "
            "can lift this block."
        )
    else:
        detail = (
            f"No signed individual risk assessment (with the country information used) shows that "
            f"the person would not be in danger of torture in {destination or 'the destination'}. "
            "This protection is absolute: exclusion or an art. 33(2) decision does not lift it."
        )
    return _result("N2", [Block("N2", basis.TORTURE_CONVENTION_3, detail)])


def check_n3_life_and_ill_treatment(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N3: as N2, for a real risk to life or of cruel, inhuman or degrading treatment."""
    destination = destination_of(movement)
    if not (movement.is_involuntary or destination in person.ill_treatment_risk):
        return _not_applicable("N3")
    assessment = person.assessment_for(destination) if destination else None
    if assessment is not None and assessment.clears_risk_to_life:
        return _result("N3")
    if assessment is not None and assessment.is_complete:
        detail = (
            f"The risk assessment for {destination} found a real risk that the person would be "
            "killed or treated cruelly or inhumanly there. Nothing can lift this block."
        )
    else:
        detail = (
            f"No signed individual risk assessment shows that the person would not face a real "
            f"risk to life or of cruel or inhuman treatment in {destination or 'the destination'}. "
            "This protection is absolute: exclusion or an art. 33(2) decision does not lift it."
        )
    return _result("N3", [Block("N3", basis.ICCPR_6_7, detail)])


# --- N4 suspensive effect ----------------------------------------------------------------


def check_n4_suspensive_effect(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N4: no removal while the claim or an appeal is open. No override."""
    if not movement.is_involuntary:
        return _not_applicable("N4")
    if not person.claim_or_appeal_open:
        return _result("N4")
    reasons = []
    if person.legal_status == LegalStatus.ASYLUM_SEEKER or person.claim_pending:
        reasons.append("the asylum claim is not finally decided")
    if person.in_appeal_window:
        reasons.append("the time to appeal has not run out")
    if person.appeal_pending:
        reasons.append("an appeal is pending")
    detail = (
        f"The person cannot be removed while their case is open: {', '.join(reasons)}. "
        "An asylum seeker is protected from return until the final decision."
    )
    return _result("N4", [Block("N4", basis.SUSPENSIVE_EFFECT, detail)])


# --- N5 extradition ----------------------------------------------------------------------


def check_n5_extradition(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N5: an extradition request from the country of origin waits for the asylum decision.

    Even after it, N2/N3 still apply (checked separately); only an art. 33(2) determination
    lifts the Convention bar for a recognised refugee.
    """
    if movement.kind != MovementKind.EXTRADITION_REQUEST:
        return _not_applicable("N5")
    requesting = movement.requesting_state or movement.destination_country
    if requesting not in person.persecution_risk_countries:
        return _not_applicable("N5")
    blocks = []
    if not movement.rsd_decision_final or person.claim_or_appeal_open:
        blocks.append(
            Block(
                "N5",
                basis.EXTRADITION,
                (
                    f"{requesting}, the country the person fled, asks for extradition. The asylum claim "
                    "must be finally decided first; a claim made after the request still counts."
                ),
            )
        )
    if not movement.court_reference.strip():
        blocks.append(
            Block(
                "N5",
                basis.EXTRADITION,
                ("The reference of the court or authority decision on the extradition is not recorded."),
            )
        )
    determination = person.art_33_2_determination
    if person.has_convention_protection and not (determination and determination.is_complete):
        blocks.append(
            Block(
                "N5",
                basis.REFUGEE_CONVENTION_33_1,
                (
                    "The person is protected as a refugee or asylum seeker; the refugee decision binds "
                    "the extradition authorities. Only an art. 33(2) determination by a competent "
                    "authority can lift this, and even then the torture and life-risk checks still apply."
                ),
            )
        )
    alert = Notice(
        "N5",
        basis.EXTRADITION,
        (
            f"Extradition requested by {requesting}, the country the person fled. Record a "
            "refoulement-risk incident and inform protection staff. Never tell the requesting state "
            "that the person has asked for asylum."
        ),
    )
    return _result("N5", blocks, alerts=[alert])


# --- N6 chain refoulement ----------------------------------------------------------------


def check_n6_chain_refoulement(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N6: a third country must admit the person, protect them and not send them on to risk.

    Resettlement, humanitarian admission and relocation are by definition to a third country,
    so for those kinds a destination the person fled is refused here too, whatever N1 allows.
    """
    destination = destination_of(movement)
    solution = movement.kind in THIRD_COUNTRY_SOLUTION_KINDS and bool(destination)
    leaves_host = movement.kind == MovementKind.INTERNAL_TRANSFER and not stays_in_host_country(movement)
    if not (solution or leaves_host or is_third_country(person, movement)):
        return _not_applicable("N6")
    blocks = []
    if leaves_host:
        blocks.append(
            Block(
                "N6",
                basis.CHAIN_REFOULEMENT,
                (
                    f"An internal transfer must stay inside the host country, but the destination is "
                    f"{destination}. Plan a move abroad as a departure or removal so that it is checked."
                ),
            )
        )
    chain_blocks = _known_chain_blocks(person, movement, destination)
    blocks.extend(chain_blocks)
    if not chain_blocks:
        blocks.extend(_chain_assessment_blocks(movement, destination))
    return _result("N6", blocks)


def onward_reach(destination: str, movement: MovementFacts) -> frozenset[str]:
    """Every country the person could be sent on to from `destination`, following known routes."""
    reached, frontier = {destination}, [destination]
    while frontier:
        for next_country in movement.onward_returns.get(frontier.pop(), frozenset()):
            if next_country not in reached:
                reached.add(next_country)
                frontier.append(next_country)
    return frozenset(reached)


def _known_chain_blocks(person: PersonFacts, movement: MovementFacts, destination: str) -> list[Block]:
    # Known refoulement needs no assessment to refuse, and no approval can lift it.
    if destination in person.all_risk_countries:
        return [
            Block(
                "N6",
                basis.CHAIN_REFOULEMENT,
                (f"A risk to this person is recorded in {destination}. They cannot be sent there."),
            )
        ]
    reach = onward_reach(destination, movement)
    returners = reach & movement.onward_return_countries
    at_risk = (reach - {destination}) & person.all_risk_countries
    if not (returners or at_risk):
        return []
    via = f" (via {_names(reach - {destination})})" if len(reach) > 1 else ""
    return [
        Block(
            "N6",
            basis.CHAIN_REFOULEMENT,
            (
                f"{destination} is known to send people of this nationality on to a country where this "
                f"person is at risk{via}. Sending them there would be refoulement by another route."
            ),
        )
    ]


def _chain_assessment_blocks(movement: MovementFacts, destination: str) -> list[Block]:
    chain = movement.chain_assessment
    if chain is None or chain.country != destination:
        return [
            Block(
                "N6",
                basis.CHAIN_REFOULEMENT,
                (
                    f"No assessment of {destination} is on file: record that it admits the person, gives "
                    "access to protection and respects non-refoulement, approved by two protection officers."
                ),
            )
        ]
    missing = []
    if not chain.admission_document.strip():
        missing.append(f"the admission or acceptance document from {destination}")
    if not chain.access_to_protection:
        missing.append("a finding that the person will have access to protection there")
    if not chain.respects_non_refoulement:
        missing.append(f"a finding that {destination} respects non-refoulement")
    if len(chain.distinct_approvers) < 2:
        missing.append("approval by two different protection officers")
    if not chain.rationale.strip():
        missing.append("the written rationale")
    if not missing:
        return []
    return [
        Block(
            "N6",
            basis.CHAIN_REFOULEMENT,
            (f"The assessment of {destination} is incomplete. Missing: {'; '.join(missing)}."),
        )
    ]


# --- N7 voluntariness --------------------------------------------------------------------


def check_n7_voluntariness(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N7: a return is voluntary only if free, informed and express; consent can be withdrawn."""
    if movement.kind != MovementKind.VOLUNTARY_REPATRIATION:
        return _not_applicable("N7")
    blocks, alerts = [], []
    destination = destination_of(movement)
    if destination and destination not in person.home_countries:
        blocks.append(
            _block_n7(
                f"Voluntary repatriation means going back to the person's own country, not to "
                f"{destination}. Plan a move to another country as a relocation."
            )
        )
    record = person.voluntariness
    if record is None:
        blocks.append(_block_n7("No voluntariness record is on file for this person."))
        return _result("N7", blocks)
    if record.withdrawn:
        blocks.append(_block_n7("The person withdrew their consent. The return is cancelled."))
    if record.coercion_flag_open:
        blocks.append(_block_n7("A report of pressure or coercion to return is still open."))
        alerts.append(
            Notice(
                "N7",
                basis.VOLUNTARY_REPATRIATION,
                ("Possible pressure to return: a coercion flag is open on a planned voluntary repatriation."),
            )
        )
    blocks.extend(_consent_evidence_blocks(person, record))
    return _result("N7", blocks, alerts=alerts)


def _consent_evidence_blocks(person: PersonFacts, record: VoluntarinessRecord) -> list[Block]:
    blocks = []
    if not person.is_minor:
        if not record.signed_declaration:
            blocks.append(_block_n7("The person's own signed voluntary repatriation declaration is missing."))
        if not record.counselling_record:
            blocks.append(
                _block_n7(
                    "No counselling record shows the person was given up-to-date information about "
                    "their country."
                )
            )
        return blocks
    if not record.best_interests_assessment:
        blocks.append(
            Block(
                "N7",
                basis.BEST_INTERESTS_OF_THE_CHILD,
                ("A best-interests assessment for this child is missing."),
            )
        )
    if person.unaccompanied_or_separated and not record.best_interests_determination:
        blocks.append(
            Block(
                "N7",
                basis.BEST_INTERESTS_OF_THE_CHILD,
                ("This child is unaccompanied or separated: a best-interests determination is required."),
            )
        )
    return blocks


def _block_n7(detail: str) -> Block:
    return Block("N7", basis.VOLUNTARY_REPATRIATION, detail)


# --- N8 family unity ---------------------------------------------------------------------


def check_n8_family_unity(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N8: a household with different outcomes needs an explicit decision for every member."""
    decisions = movement.member_decisions
    decided = {d for d in decisions.values() if d}
    split = movement.split_decision or len(decided) > 1
    if not split:
        return _not_applicable("N8") if not decisions else _result("N8")
    undecided = sorted(ref for ref, d in decisions.items() if not d)
    if not decisions:
        missing = "no member has a recorded decision"
    elif undecided:
        missing = f"no decision yet for {', '.join(undecided)}"
    else:
        return _result(
            "N8",
            warnings=[
                Notice(
                    "N8",
                    basis.FAMILY_UNITY,
                    ("Household members have different outcomes; every member has an explicit decision."),
                )
            ],
        )
    override = movement.family_unity_override
    if override is not None and override.is_complete:
        return _result(
            "N8",
            warnings=[
                Notice(
                    "N8",
                    basis.FAMILY_UNITY,
                    (
                        f"Household split with {missing}; going ahead under a recorded override by "
                        f"{override.approved_by}: {override.rationale}"
                    ),
                )
            ],
        )
    return _result(
        "N8",
        [
            Block(
                "N8",
                basis.FAMILY_UNITY,
                (
                    f"Household members have different outcomes and {missing}. Decide for every member "
                    "(or record an override with its reason) before moving anyone."
                ),
            )
        ],
    )
