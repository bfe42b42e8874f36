"""Table-driven tests of the non-refoulement gate N1-N8, allowed and refused.

Synthetic scenario: persons from IR sheltered in IQ; AL and DE are resettlement countries,
TR a transit country, SY a country with a recorded risk to life.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from asylon.core.errors import SafeguardRefusal
from asylon.safeguards import legal_bases as basis
from asylon.safeguards.movement_rules import assess_movement
from asylon.safeguards.types import (
    Art332Determination,
    ChainAssessment,
    FamilyUnityOverride,
    LegalStatus,
    MovementFacts,
    MovementKind,
    PersonFacts,
    RiskAssessment,
    RuleOutcome,
    VoluntarinessRecord,
)

S = LegalStatus
K = MovementKind

# Every legal basis a block of each rule may quote.
BASES = {
    "N1": {basis.REFUGEE_CONVENTION_33_1},
    "N2": {basis.TORTURE_CONVENTION_3},
    "N3": {basis.ICCPR_6_7},
    "N4": {basis.SUSPENSIVE_EFFECT},
    "N5": {basis.EXTRADITION, basis.REFUGEE_CONVENTION_33_1},
    "N6": {basis.CHAIN_REFOULEMENT},
    "N7": {basis.VOLUNTARY_REPATRIATION, basis.BEST_INTERESTS_OF_THE_CHILD},
    "N8": {basis.FAMILY_UNITY},
}
# Spot checks of the exact wording the brief asks for.
assert basis.REFUGEE_CONVENTION_33_1 == "1951 Refugee Convention, art. 33(1)"
assert basis.TORTURE_CONVENTION_3 == "Convention against Torture, art. 3"
assert basis.ICCPR_6_7 == "ICCPR arts. 6 and 7; Human Rights Committee General Comment No. 31, para. 12"

CLEAR = RiskAssessment(True, True, signed_by="po-7", country_information="COI note 2015/3")
TORTURE_FOUND = RiskAssessment(False, False, signed_by="po-7", country_information="COI note 2015/3")
UNSIGNED = RiskAssessment(True, True, signed_by="", country_information="COI note 2015/3")
LIFE_RISK_FOUND = RiskAssessment(True, False, signed_by="po-7", country_information="COI note")
ART_33_2 = Art332Determination(competent_authority="High Court", reference="HC-33-2/01")
VOLUNTARY = VoluntarinessRecord(signed_declaration=True, counselling_record=True)
CHILD_OK = VoluntarinessRecord(best_interests_assessment=True)


def chain(country="AL", approvers=("po-1", "po-2"), **kw):
    fields = dict(
        admission_document="ADM-1",
        access_to_protection=True,
        respects_non_refoulement=True,
        rationale="Admission letter seen; asylum system in place; no returns on record.",
    )
    fields.update(kw)
    return ChainAssessment(country=country, approvers=approvers, **fields)


def person(status=S.REFUGEE, **kw):
    fields = dict(reference="LIB-000123", legal_status=status, country_of_origin="IR", nationality="IR")
    fields.update(kw)
    return PersonFacts(**fields)


def move(kind, destination="IR", **kw):
    return MovementFacts(kind=kind, destination_country=destination, host_country="IQ", **kw)


def blocking_rules(assessment):
    return {b.rule for b in assessment.blocks}


def assert_bases(assessment):
    for block in assessment.blocks:
        assert block.legal_basis in BASES[block.rule], block
        assert block.detail


CASES = [
    # --- N1: country of origin ----------------------------------------------------------
    ("N1 refugee resettlement to origin", person(), move(K.RESETTLEMENT_DEPARTURE), {"N1", "N6"}),
    (
        "N1 also former habitual residence",
        person(former_habitual_residence="AF"),
        move(K.HUMANITARIAN_ADMISSION, "AF"),
        {"N1", "N6"},
    ),
    (
        "N1 also an added persecution risk country",
        person(risk_countries={"TR"}),
        move(K.RELOCATION_THIRD_COUNTRY, "TR", chain_assessment=chain("TR")),
        {"N1", "N6"},
    ),
    ("N1 unknown destination blocks", person(), move(K.RESETTLEMENT_DEPARTURE, ""), {"N1"}),
    (
        "N1 refugee deportation with 33(2) and clear assessment",
        person(art_33_2_determination=ART_33_2, risk_assessments={"IR": CLEAR}),
        move(K.DEPORTATION_ORDER),
        set(),
    ),
    (
        "N1 refugee deportation, clear assessment, no 33(2)",
        person(risk_assessments={"IR": CLEAR}),
        move(K.DEPORTATION_ORDER),
        {"N1"},
    ),
    (
        "N1 refugee deportation, 33(2) but no assessment",
        person(art_33_2_determination=ART_33_2),
        move(K.DEPORTATION_ORDER),
        {"N1", "N2", "N3"},
    ),
    (
        "N1 incomplete 33(2) record does not count",
        person(art_33_2_determination=Art332Determination("", "X"), risk_assessments={"IR": CLEAR}),
        move(K.DEPORTATION_ORDER),
        {"N1"},
    ),
    (
        "N1 rejected final, N2/N3 cleared, N4 satisfied",
        person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR}),
        move(K.DEPORTATION_ORDER),
        set(),
    ),
    (
        "N1 excluded, N2/N3 cleared",
        person(S.EXCLUDED, risk_assessments={"IR": CLEAR}),
        move(K.OTHER_REMOVAL),
        set(),
    ),
    (
        "N1 rejected, appeal window open",
        person(S.REJECTED_FINAL, in_appeal_window=True, risk_assessments={"IR": CLEAR}),
        move(K.DEPORTATION_ORDER),
        {"N1", "N4"},
    ),
    (
        "N1 unsigned assessment does not clear",
        person(S.REJECTED_FINAL, risk_assessments={"IR": UNSIGNED}),
        move(K.DEPORTATION_ORDER),
        {"N1", "N2", "N3"},
    ),
    ("N1 internal transfer within host", person(S.ASYLUM_SEEKER), move(K.INTERNAL_TRANSFER, "IQ"), set()),
    (
        "N1 internal transfer with no country stays in host",
        person(S.ASYLUM_SEEKER),
        move(K.INTERNAL_TRANSFER, ""),
        set(),
    ),
    ("N1 internal transfer to origin", person(), move(K.INTERNAL_TRANSFER, "IR"), {"N1", "N6"}),
    (
        "N6 resettlement home is refused even with full N1 evidence",
        person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR}),
        move(K.RESETTLEMENT_DEPARTURE, chain_assessment=chain("IR")),
        {"N6"},
    ),
    (
        "N6 internal transfer home is refused even with full N1 evidence",
        person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR}),
        move(K.INTERNAL_TRANSFER, chain_assessment=chain("IR")),
        {"N6"},
    ),
    # --- N2: torture, absolute ----------------------------------------------------------
    (
        "N2 torture found: 33(2) and exclusion do not lift it",
        person(S.EXCLUDED, art_33_2_determination=ART_33_2, risk_assessments={"IR": TORTURE_FOUND}),
        move(K.DEPORTATION_ORDER),
        {"N1", "N2", "N3"},
    ),
    (
        "N2 involuntary move to a third country needs an assessment",
        person(S.REJECTED_FINAL),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        {"N2", "N3"},
    ),
    (
        "N2 cleared for a third country",
        person(S.REJECTED_FINAL, risk_assessments={"TR": CLEAR}),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        set(),
    ),
    (
        "N2 assessment for another country does not count",
        person(S.REJECTED_FINAL, risk_assessments={"AL": CLEAR}),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        {"N2", "N3"},
    ),
    (
        "N2 torture survivor going home voluntarily needs an assessment",
        person(torture_survivor=True, voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION),
        {"N2", "N3"},
    ),
    (
        "N2 torture survivor going home, assessment clear",
        person(torture_survivor=True, voluntariness=VOLUNTARY, risk_assessments={"IR": CLEAR}),
        move(K.VOLUNTARY_REPATRIATION),
        set(),
    ),
    (
        "N2 resettlement to a recorded torture-risk country",
        person(torture_risk_countries={"DE"}),
        move(K.RESETTLEMENT_DEPARTURE, "DE", chain_assessment=chain("DE")),
        {"N2", "N3", "N6"},
    ),
    # --- N3: life and ill-treatment ------------------------------------------------------
    (
        "N3 real risk found though torture cleared",
        person(S.REJECTED_FINAL, risk_assessments={"TR": LIFE_RISK_FOUND}),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        {"N3", "N6"},
    ),
    (
        "N3 relocation to a life-risk country",
        person(ill_treatment_risk_countries={"SY"}),
        move(K.RELOCATION_THIRD_COUNTRY, "SY", chain_assessment=chain("SY")),
        {"N3", "N6"},
    ),
    # --- N4: suspensive effect ----------------------------------------------------------
    (
        "N4 asylum seeker to a third country",
        person(S.ASYLUM_SEEKER, risk_assessments={"TR": CLEAR}),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        {"N4"},
    ),
    (
        "N4 appeal pending",
        person(S.EXCLUDED, appeal_pending=True, risk_assessments={"TR": CLEAR}),
        move(K.OTHER_REMOVAL, "TR", chain_assessment=chain("TR")),
        {"N4"},
    ),
    (
        "N4 claim pending (reopened)",
        person(S.REJECTED_FINAL, claim_pending=True, risk_assessments={"TR": CLEAR}),
        move(K.DEPORTATION_ORDER, "TR", chain_assessment=chain("TR")),
        {"N4"},
    ),
    (
        "N4 does not apply to resettlement",
        person(S.ASYLUM_SEEKER),
        move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain()),
        set(),
    ),
    # --- N5: extradition ----------------------------------------------------------------
    (
        "N5 extradition from origin before a final decision",
        person(S.ASYLUM_SEEKER),
        move(K.EXTRADITION_REQUEST, requesting_state="IR"),
        {"N1", "N2", "N3", "N4", "N5"},
    ),
    (
        "N5 rejected final, no court reference",
        person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR}),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True),
        {"N5"},
    ),
    (
        "N5 rejected final, decision final, court reference, N2/N3 clear",
        person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR}),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="EX-9"),
        set(),
    ),
    (
        "N5 rejected final, still N2/N3",
        person(S.REJECTED_FINAL),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="EX-9"),
        {"N1", "N2", "N3"},
    ),
    (
        "N5 refugee without 33(2): Convention bar",
        person(risk_assessments={"IR": CLEAR}),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="EX-9"),
        {"N1", "N5"},
    ),
    (
        "N5 refugee with 33(2) and N2/N3 clear",
        person(art_33_2_determination=ART_33_2, risk_assessments={"IR": CLEAR}),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="EX-9"),
        set(),
    ),
    (
        "N5 refugee with 33(2): torture still bars",
        person(art_33_2_determination=ART_33_2, risk_assessments={"IR": TORTURE_FOUND}),
        move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="EX-9"),
        {"N1", "N2", "N3"},
    ),
    (
        "N5 not from origin: third-country extradition",
        person(risk_assessments={"TR": CLEAR}),
        move(K.EXTRADITION_REQUEST, "TR", requesting_state="TR", chain_assessment=chain("TR")),
        set(),
    ),
    # --- N6: chain refoulement ----------------------------------------------------------
    ("N6 no assessment", person(), move(K.RESETTLEMENT_DEPARTURE, "AL"), {"N6"}),
    (
        "N6 assessment approved twice by one officer",
        person(),
        move(K.HUMANITARIAN_ADMISSION, "AL", chain_assessment=chain(approvers=("po-1", "po-1"))),
        {"N6"},
    ),
    (
        "N6 one approver",
        person(),
        move(K.HUMANITARIAN_ADMISSION, "AL", chain_assessment=chain(approvers=("po-1",))),
        {"N6"},
    ),
    (
        "N6 no rationale",
        person(),
        move(K.HUMANITARIAN_ADMISSION, "AL", chain_assessment=chain(rationale=" ")),
        {"N6"},
    ),
    (
        "N6 no admission document",
        person(),
        move(K.RELOCATION_THIRD_COUNTRY, "AL", chain_assessment=chain(admission_document="")),
        {"N6"},
    ),
    (
        "N6 no access to protection",
        person(),
        move(K.RELOCATION_THIRD_COUNTRY, "AL", chain_assessment=chain(access_to_protection=False)),
        {"N6"},
    ),
    (
        "N6 does not respect non-refoulement",
        person(),
        move(K.RELOCATION_THIRD_COUNTRY, "AL", chain_assessment=chain(respects_non_refoulement=False)),
        {"N6"},
    ),
    (
        "N6 assessment of another country",
        person(),
        move(K.RESETTLEMENT_DEPARTURE, "DE", chain_assessment=chain("AL")),
        {"N6"},
    ),
    (
        "N6 complete assessment",
        person(),
        move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain()),
        set(),
    ),
    (
        "N6 destination returns nationals to origin: no approval lifts it",
        person(),
        move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain(), onward_return_countries={"AL"}),
        {"N6"},
    ),
    (
        "N6 indirect chain via a returner",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            onward_returns={"AL": {"TR"}},
            onward_return_countries={"TR"},
        ),
        {"N6"},
    ),
    (
        "N6 indirect chain to a risk country",
        person(ill_treatment_risk_countries={"SY"}),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            onward_returns={"AL": {"TR"}, "TR": {"SY"}},
        ),
        {"N6"},
    ),
    (
        "N6 onward route to a safe country is fine",
        person(),
        move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain(), onward_returns={"AL": {"DE"}}),
        set(),
    ),
    (
        "N6 internal transfer abroad",
        person(),
        move(K.INTERNAL_TRANSFER, "AL", chain_assessment=chain()),
        {"N6"},
    ),
    # --- N7: voluntariness --------------------------------------------------------------
    (
        "N7 adult with declaration and counselling",
        person(voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION),
        set(),
    ),
    (
        "N7 asylum seeker may go home voluntarily",
        person(S.ASYLUM_SEEKER, voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION),
        set(),
    ),
    ("N7 no record", person(), move(K.VOLUNTARY_REPATRIATION), {"N7"}),
    (
        "N7 no declaration",
        person(voluntariness=replace(VOLUNTARY, signed_declaration=False)),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 no counselling",
        person(voluntariness=replace(VOLUNTARY, counselling_record=False)),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 open coercion flag",
        person(voluntariness=replace(VOLUNTARY, coercion_flag_open=True)),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 withdrawn consent cancels",
        person(voluntariness=replace(VOLUNTARY, withdrawn=True)),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 child with best-interests assessment",
        person(is_child=True, voluntariness=CHILD_OK),
        move(K.VOLUNTARY_REPATRIATION),
        set(),
    ),
    (
        "N7 child by age without assessment",
        person(age=15, voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 unaccompanied child needs a determination",
        person(age=16, unaccompanied_or_separated=True, voluntariness=CHILD_OK),
        move(K.VOLUNTARY_REPATRIATION),
        {"N7"},
    ),
    (
        "N7 unaccompanied child with determination",
        person(
            age=16,
            unaccompanied_or_separated=True,
            voluntariness=replace(CHILD_OK, best_interests_determination=True),
        ),
        move(K.VOLUNTARY_REPATRIATION),
        set(),
    ),
    (
        "N7 repatriation to a third country is not repatriation",
        person(voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION, "AL"),
        {"N6", "N7"},
    ),
    (
        "N7 repatriation to former habitual residence",
        person(nationality="", country_of_origin="", former_habitual_residence="AF", voluntariness=VOLUNTARY),
        move(K.VOLUNTARY_REPATRIATION, "AF"),
        set(),
    ),
    # --- N8: family unity ---------------------------------------------------------------
    (
        "N8 split with an undecided member",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            split_decision=True,
            member_decisions={"LIB-000123": "DEPART", "LIB-000124": None},
        ),
        {"N8"},
    ),
    (
        "N8 different outcomes detected without the flag",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            member_decisions={"LIB-000123": "DEPART", "LIB-000124": "STAY", "LIB-000125": None},
        ),
        {"N8"},
    ),
    (
        "N8 split flag with no decisions",
        person(),
        move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain(), split_decision=True),
        {"N8"},
    ),
    (
        "N8 split, every member decided",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            split_decision=True,
            member_decisions={"LIB-000123": "DEPART", "LIB-000124": "STAY"},
        ),
        set(),
    ),
    (
        "N8 split, override with rationale",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            split_decision=True,
            member_decisions={"LIB-000123": "DEPART", "LIB-000124": None},
            family_unity_override=FamilyUnityOverride("Emergency medical case", "po-3"),
        ),
        set(),
    ),
    (
        "N8 override without rationale does not count",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            split_decision=True,
            member_decisions={"LIB-000124": None},
            family_unity_override=FamilyUnityOverride("", "po-3"),
        ),
        {"N8"},
    ),
    (
        "N8 whole household same decision",
        person(),
        move(
            K.RESETTLEMENT_DEPARTURE,
            "AL",
            chain_assessment=chain(),
            member_decisions={"LIB-000123": "DEPART", "LIB-000124": "DEPART"},
        ),
        set(),
    ),
]


@pytest.mark.parametrize(("person_facts", "movement", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_table(person_facts, movement, expected):
    assessment = assess_movement(person_facts, movement)
    assert blocking_rules(assessment) == expected
    assert assessment.allowed is (not expected)
    assert_bases(assessment)


# --- Status x movement kind, with no evidence on file, destination = country of origin ---

STATUSES = [S.ASYLUM_SEEKER, S.REFUGEE, S.REJECTED_FINAL, S.EXCLUDED]


def expected_without_evidence(status, kind):
    if kind == K.VOLUNTARY_REPATRIATION:
        return {"N7"}
    expected = {"N1"}
    if kind in {
        K.RESETTLEMENT_DEPARTURE,
        K.HUMANITARIAN_ADMISSION,
        K.RELOCATION_THIRD_COUNTRY,
        K.INTERNAL_TRANSFER,
    }:
        expected.add("N6")
    if kind in {K.DEPORTATION_ORDER, K.EXTRADITION_REQUEST, K.OTHER_REMOVAL}:
        expected |= {"N2", "N3"}
        if status == S.ASYLUM_SEEKER:
            expected.add("N4")
    if kind == K.EXTRADITION_REQUEST:
        expected.add("N5")
    return expected


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("status", STATUSES)
def test_status_by_kind_to_origin_without_evidence(status, kind):
    movement = move(kind, "IR", requesting_state="IR" if kind == K.EXTRADITION_REQUEST else "")
    assessment = assess_movement(person(status), movement)
    assert blocking_rules(assessment) == expected_without_evidence(status, kind)
    assert not assessment.allowed
    assert_bases(assessment)


def full_evidence(status):
    return person(
        status,
        art_33_2_determination=ART_33_2,
        risk_assessments={"IR": CLEAR},
        voluntariness=VOLUNTARY,
    )


@pytest.mark.parametrize("kind", [K.DEPORTATION_ORDER, K.EXTRADITION_REQUEST, K.OTHER_REMOVAL])
@pytest.mark.parametrize("status", STATUSES)
def test_status_by_involuntary_kind_with_full_evidence(status, kind):
    # Full evidence lifts every bar except the suspensive effect of an open claim.
    movement = move(kind, "IR", requesting_state="IR", rsd_decision_final=True, court_reference="EX-1")
    assessment = assess_movement(full_evidence(status), movement)
    if status == S.ASYLUM_SEEKER:
        expected = {"N1", "N4"} | ({"N5"} if kind == K.EXTRADITION_REQUEST else set())
    else:
        expected = set()
    assert blocking_rules(assessment) == expected
    assert_bases(assessment)


@pytest.mark.parametrize("status", STATUSES)
def test_torture_finding_blocks_every_status_whatever_the_evidence(status):
    facts = replace(full_evidence(status), risk_assessments={"IR": TORTURE_FOUND})
    for kind in K:
        if kind == K.INTERNAL_TRANSFER:
            continue
        movement = move(kind, "IR", requesting_state="IR", rsd_decision_final=True, court_reference="X")
        assessment = assess_movement(facts, movement)
        assert not assessment.allowed, kind
        if kind in {K.DEPORTATION_ORDER, K.EXTRADITION_REQUEST, K.OTHER_REMOVAL}:
            assert "N2" in blocking_rules(assessment)


# --- Alerts, warnings, errors, audit -----------------------------------------------------


def test_extradition_from_origin_raises_protection_alert_even_when_allowed():
    facts = person(S.REJECTED_FINAL, risk_assessments={"IR": CLEAR})
    movement = move(K.EXTRADITION_REQUEST, requesting_state="IR", rsd_decision_final=True, court_reference="X")
    assessment = assess_movement(facts, movement)
    assert assessment.allowed
    assert [a.rule for a in assessment.alerts] == ["N5"]
    assert "asked for asylum" in assessment.alerts[0].detail


def test_deportation_to_origin_raises_refoulement_alert():
    assessment = assess_movement(person(S.ASYLUM_SEEKER), move(K.DEPORTATION_ORDER))
    assert [a.rule for a in assessment.alerts] == ["N1"]


def test_coercion_flag_raises_alert():
    facts = person(voluntariness=replace(VOLUNTARY, coercion_flag_open=True))
    assessment = assess_movement(facts, move(K.VOLUNTARY_REPATRIATION))
    assert [a.rule for a in assessment.alerts] == ["N7"]


def test_family_override_is_a_warning():
    movement = move(
        K.RESETTLEMENT_DEPARTURE,
        "AL",
        chain_assessment=chain(),
        split_decision=True,
        member_decisions={"LIB-000124": None},
        family_unity_override=FamilyUnityOverride("Emergency medical case", "po-3"),
    )
    assessment = assess_movement(person(), movement)
    assert assessment.allowed
    assert [w.rule for w in assessment.warnings] == ["N8"]
    assert "po-3" in assessment.warnings[0].detail


def test_every_rule_is_evaluated_and_recorded():
    assessment = assess_movement(person(S.ASYLUM_SEEKER), move(K.EXTRADITION_REQUEST, requesting_state="IR"))
    assert [r.rule for r in assessment.results] == ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"]
    assert assessment.outcome_of("N6") == RuleOutcome.NOT_APPLICABLE
    assert assessment.outcome_of("N4") == RuleOutcome.BLOCKED
    assert len(assessment.blocks) >= 5


def test_raise_if_blocked_raises_the_first_block():
    assessment = assess_movement(person(S.ASYLUM_SEEKER), move(K.DEPORTATION_ORDER))
    with pytest.raises(SafeguardRefusal) as caught:
        assessment.raise_if_blocked()
    assert caught.value.rule == "N1"
    assert caught.value.legal_basis == basis.REFUGEE_CONVENTION_33_1
    assert caught.value.as_dict()["code"] == "safeguard_refusal"


def test_raise_if_blocked_is_silent_when_allowed():
    assess_movement(person(voluntariness=VOLUNTARY), move(K.VOLUNTARY_REPATRIATION)).raise_if_blocked()


def test_audit_dict_is_json_and_complete():
    movement = move(K.RESETTLEMENT_DEPARTURE, "AL", chain_assessment=chain())
    record = assess_movement(person(), movement).as_audit_dict()
    json.dumps(record)
    assert record["person"] == "LIB-000123"
    assert record["allowed"] is True
    assert record["movement"]["kind"] == "RESETTLEMENT_DEPARTURE"
    assert [r["rule"] for r in record["rules_checked"]] == [f"N{i}" for i in range(1, 9)]
    assert record["chain_assessment_approvers"] == ["po-1", "po-2"]


def test_country_codes_are_normalised():
    facts = person(country_of_origin=" ir", nationality="ir")
    assessment = assess_movement(facts, move(K.RESETTLEMENT_DEPARTURE, "Ir"))
    assert blocking_rules(assessment) == {"N1", "N6"}
