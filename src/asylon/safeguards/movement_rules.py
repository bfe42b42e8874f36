"""Non-refoulement gate for planned movements: rules N1-N9 of DOMAIN.md section 6.2.

Contract for callers
--------------------
`movements.gate` calls ``assess_movement(person, movement)`` for **each individual**
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

from django.utils.translation import gettext_noop

from asylon.core.errors import SafeguardRefusal

from . import legal_bases as basis
from .messages import Country, Listing, Message, message
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
    return bool(destination) and not stays_in_host_country(movement) and (destination not in person.home_countries)


def _where(destination: str) -> Country | Message:
    return Country(destination) if destination else message(gettext_noop("the destination"))


def _block(rule: str, legal_basis: str, msgid: str, **params: object) -> Block:
    return Block.of(rule, legal_basis, Message(msgid, params))


def _notice(rule: str, legal_basis: str, msgid: str, **params: object) -> Notice:
    return Notice.of(rule, legal_basis, Message(msgid, params))


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
                    gettext_noop(
                        "The destination country is not recorded, so a return to the country the person "
                        "fled cannot be ruled out. Record the destination first."
                    )
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
                _notice(
                    "N1",
                    basis.REFUGEE_CONVENTION_33_1,
                    gettext_noop(
                        "Movement to %(country)s, a country the person fled, is not blocked because the "
                        "required evidence is on file. It still needs the decision of the competent authority."
                    ),
                    country=Country(destination),
                )
            ],
        )
    return _result(
        "N1",
        [
            _block_n1(
                gettext_noop(
                    "%(country)s is a country the person fled or where persecution is recorded. "
                    "They cannot be sent there. Missing: %(missing)s."
                ),
                country=Country(destination),
                missing=Listing(tuple(missing), ";"),
            )
        ],
        alerts=_refoulement_alert(movement, destination),
    )


def _n1_missing_evidence(person: PersonFacts, destination: str) -> list[Message]:
    missing = []
    if person.has_convention_protection:
        determination = person.art_33_2_determination
        if determination is None or not determination.is_complete:
            missing.append(
                message(
                    gettext_noop(
                        "an art. 33(2) determination by a competent authority (refugees and asylum "
                        "seekers are otherwise protected from return)"
                    )
                )
            )
    if person.claim_or_appeal_open:
        missing.append(message(gettext_noop("a final decision on the asylum claim with the appeal period over")))
    assessment = person.assessment_for(destination)
    if assessment is None or not (assessment.clears_torture_risk and assessment.clears_risk_to_life):
        missing.append(
            message(
                gettext_noop(
                    "a signed individual risk assessment for %(country)s finding no risk of torture, "
                    "death or inhuman treatment"
                ),
                country=Country(destination),
            )
        )
    return missing


def _block_n1(msgid: str, **params: object) -> Block:
    return _block("N1", basis.REFUGEE_CONVENTION_33_1, msgid, **params)


# One whole sentence per kind, so that each language can build it its own way.
_REFOULEMENT_ALERTS = {
    MovementKind.DEPORTATION_ORDER: gettext_noop(
        "A deportation to %(country)s, a country the person fled, is planned. "
        "Record a refoulement-risk incident and inform protection staff."
    ),
    MovementKind.EXTRADITION_REQUEST: gettext_noop(
        "An extradition to %(country)s, a country the person fled, is planned. "
        "Record a refoulement-risk incident and inform protection staff."
    ),
    MovementKind.OTHER_REMOVAL: gettext_noop(
        "A removal to %(country)s, a country the person fled, is planned. "
        "Record a refoulement-risk incident and inform protection staff."
    ),
}


def _refoulement_alert(movement: MovementFacts, destination: str) -> list[Notice]:
    if not movement.is_involuntary:
        return []
    msgid = _REFOULEMENT_ALERTS[movement.kind]
    return [_notice("N1", basis.REFUGEE_CONVENTION_33_1, msgid, country=Country(destination))]


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
        msgid = gettext_noop(
            "The risk assessment for %(country)s found substantial grounds for believing the "
            "person would be in danger of torture there. The ban on torture is absolute: nothing "
            "can lift this block."
        )
    else:
        msgid = gettext_noop(
            "No signed individual risk assessment (with the country information used) shows that "
            "the person would not be in danger of torture in %(country)s. "
            "This protection is absolute: exclusion or an art. 33(2) decision does not lift it."
        )
    return _result("N2", [_block("N2", basis.TORTURE_CONVENTION_3, msgid, country=_where(destination))])


def check_n3_life_and_ill_treatment(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N3: as N2, for a real risk to life or of cruel, inhuman or degrading treatment."""
    destination = destination_of(movement)
    if not (movement.is_involuntary or destination in person.ill_treatment_risk):
        return _not_applicable("N3")
    assessment = person.assessment_for(destination) if destination else None
    if assessment is not None and assessment.clears_risk_to_life:
        return _result("N3")
    if assessment is not None and assessment.is_complete:
        msgid = gettext_noop(
            "The risk assessment for %(country)s found a real risk that the person would be "
            "killed or treated cruelly or inhumanly there. Nothing can lift this block."
        )
    else:
        msgid = gettext_noop(
            "No signed individual risk assessment shows that the person would not face a real "
            "risk to life or of cruel or inhuman treatment in %(country)s. "
            "This protection is absolute: exclusion or an art. 33(2) decision does not lift it."
        )
    return _result("N3", [_block("N3", basis.ICCPR_6_7, msgid, country=_where(destination))])


# --- N4 suspensive effect ----------------------------------------------------------------


def check_n4_suspensive_effect(person: PersonFacts, movement: MovementFacts) -> RuleResult:
    """N4: no removal while the claim or an appeal is open. No override."""
    if not movement.is_involuntary:
        return _not_applicable("N4")
    if not person.claim_or_appeal_open:
        return _result("N4")
    reasons = []
    if person.legal_status == LegalStatus.ASYLUM_SEEKER or person.claim_pending:
        reasons.append(message(gettext_noop("the asylum claim is not finally decided")))
    if person.in_appeal_window:
        reasons.append(message(gettext_noop("the time to appeal has not run out")))
    if person.appeal_pending:
        reasons.append(message(gettext_noop("an appeal is pending")))
    msgid = gettext_noop(
        "The person cannot be removed while their case is open: %(reasons)s. "
        "An asylum seeker is protected from return until the final decision."
    )
    return _result("N4", [_block("N4", basis.SUSPENSIVE_EFFECT, msgid, reasons=Listing(tuple(reasons)))])


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
            _block(
                "N5",
                basis.EXTRADITION,
                gettext_noop(
                    "%(country)s, the country the person fled, asks for extradition. The asylum claim "
                    "must be finally decided first; a claim made after the request still counts."
                ),
                country=Country(requesting),
            )
        )
    if not movement.court_reference.strip():
        blocks.append(
            _block(
                "N5",
                basis.EXTRADITION,
                gettext_noop("The reference of the court or authority decision on the extradition is not recorded."),
            )
        )
    determination = person.art_33_2_determination
    if person.has_convention_protection and not (determination and determination.is_complete):
        blocks.append(
            _block(
                "N5",
                basis.REFUGEE_CONVENTION_33_1,
                gettext_noop(
                    "The person is protected as a refugee or asylum seeker; the refugee decision binds "
                    "the extradition authorities. Only an art. 33(2) determination by a competent "
                    "authority can lift this, and even then the torture and life-risk checks still apply."
                ),
            )
        )
    alert = _notice(
        "N5",
        basis.EXTRADITION,
        gettext_noop(
            "Extradition requested by %(country)s, the country the person fled. Record a "
            "refoulement-risk incident and inform protection staff. Never tell the requesting state "
            "that the person has asked for asylum."
        ),
        country=Country(requesting),
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
            _block_n6(
                gettext_noop(
                    "An internal transfer must stay inside the host country, but the destination is "
                    "%(country)s. Plan a move abroad as a departure or removal so that it is checked."
                ),
                country=Country(destination),
            )
        )
    chain_blocks = _known_chain_blocks(person, movement, destination)
    blocks.extend(chain_blocks)
    if not chain_blocks:
        blocks.extend(_chain_assessment_blocks(movement, destination))
    return _result("N6", blocks)


def _block_n6(msgid: str, **params: object) -> Block:
    return _block("N6", basis.CHAIN_REFOULEMENT, msgid, **params)


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
            _block_n6(
                gettext_noop("A risk to this person is recorded in %(country)s. They cannot be sent there."),
                country=Country(destination),
            )
        ]
    reach = onward_reach(destination, movement)
    returners = reach & movement.onward_return_countries
    at_risk = (reach - {destination}) & person.all_risk_countries
    if not (returners or at_risk):
        return []
    onward = sorted(reach - {destination})
    if not onward:
        return [
            _block_n6(
                gettext_noop(
                    "%(country)s is known to send people of this nationality on to a country where this "
                    "person is at risk. Sending them there would be refoulement by another route."
                ),
                country=Country(destination),
            )
        ]
    return [
        _block_n6(
            gettext_noop(
                "%(country)s is known to send people of this nationality on to a country where this "
                "person is at risk (via %(via)s). Sending them there would be refoulement by another route."
            ),
            country=Country(destination),
            via=Listing(tuple(Country(c) for c in onward)),
        )
    ]


def _chain_assessment_blocks(movement: MovementFacts, destination: str) -> list[Block]:
    chain = movement.chain_assessment
    place = Country(destination)
    if chain is None or chain.country != destination:
        return [
            _block_n6(
                gettext_noop(
                    "No assessment of %(country)s is on file: record that it admits the person, gives "
                    "access to protection and respects non-refoulement, approved by two protection officers."
                ),
                country=place,
            )
        ]
    missing = []
    if not chain.admission_document.strip():
        missing.append(message(gettext_noop("the admission or acceptance document from %(country)s"), country=place))
    if not chain.access_to_protection:
        missing.append(message(gettext_noop("a finding that the person will have access to protection there")))
    if not chain.respects_non_refoulement:
        missing.append(message(gettext_noop("a finding that %(country)s respects non-refoulement"), country=place))
    if len(chain.distinct_approvers) < 2:
        missing.append(message(gettext_noop("approval by two different protection officers")))
    if not chain.rationale.strip():
        missing.append(message(gettext_noop("the written rationale")))
    if not missing:
        return []
    return [
        _block_n6(
            gettext_noop("The assessment of %(country)s is incomplete. Missing: %(missing)s."),
            country=place,
            missing=Listing(tuple(missing), ";"),
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
                gettext_noop(
                    "Voluntary repatriation means going back to the person's own country, not to "
                    "%(country)s. Plan a move to another country as a relocation."
                ),
                country=Country(destination),
            )
        )
    record = person.voluntariness
    if record is None:
        blocks.append(_block_n7(gettext_noop("No voluntariness record is on file for this person.")))
        return _result("N7", blocks)
    if record.withdrawn:
        blocks.append(_block_n7(gettext_noop("The person withdrew their consent. The return is cancelled.")))
    if record.coercion_flag_open:
        blocks.append(_block_n7(gettext_noop("A report of pressure or coercion to return is still open.")))
        alerts.append(
            _notice(
                "N7",
                basis.VOLUNTARY_REPATRIATION,
                gettext_noop(
                    "Possible pressure to return: a coercion flag is open on a planned voluntary repatriation."
                ),
            )
        )
    blocks.extend(_consent_evidence_blocks(person, record))
    return _result("N7", blocks, alerts=alerts)


def _consent_evidence_blocks(person: PersonFacts, record: VoluntarinessRecord) -> list[Block]:
    blocks = []
    if not person.is_minor:
        if not record.signed_declaration:
            blocks.append(
                _block_n7(gettext_noop("The person's own signed voluntary repatriation declaration is missing."))
            )
        if not record.counselling_record:
            blocks.append(
                _block_n7(
                    gettext_noop(
                        "No counselling record shows the person was given up-to-date information about their country."
                    )
                )
            )
        return blocks
    if not record.best_interests_assessment:
        blocks.append(
            _block(
                "N7",
                basis.BEST_INTERESTS_OF_THE_CHILD,
                gettext_noop("A best-interests assessment for this child is missing."),
            )
        )
    if person.unaccompanied_or_separated and not record.best_interests_determination:
        blocks.append(
            _block(
                "N7",
                basis.BEST_INTERESTS_OF_THE_CHILD,
                gettext_noop("This child is unaccompanied or separated: a best-interests determination is required."),
            )
        )
    return blocks


def _block_n7(msgid: str, **params: object) -> Block:
    return _block("N7", basis.VOLUNTARY_REPATRIATION, msgid, **params)


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
        missing = message(gettext_noop("no member has a recorded decision"))
    elif undecided:
        missing = message(gettext_noop("no decision yet for %(members)s"), members=", ".join(undecided))
    else:
        return _result(
            "N8",
            warnings=[
                _notice(
                    "N8",
                    basis.FAMILY_UNITY,
                    gettext_noop("Household members have different outcomes; every member has an explicit decision."),
                )
            ],
        )
    override = movement.family_unity_override
    if override is not None and override.is_complete:
        return _result(
            "N8",
            warnings=[
                _notice(
                    "N8",
                    basis.FAMILY_UNITY,
                    gettext_noop(
                        "Household split with %(missing)s; going ahead under a recorded override by "
                        "%(approver)s: %(rationale)s"
                    ),
                    missing=missing,
                    approver=override.approved_by,
                    rationale=override.rationale,
                )
            ],
        )
    return _result(
        "N8",
        [
            _block(
                "N8",
                basis.FAMILY_UNITY,
                gettext_noop(
                    "Household members have different outcomes and %(missing)s. Decide for every member "
                    "(or record an override with its reason) before moving anyone."
                ),
                missing=missing,
            )
        ],
    )
