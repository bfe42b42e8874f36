"""Property tests: whatever the person, the evidence and the reference data, the gates never
let a person go where they are at risk, and never let data reach the state they fled.

The oracles below recompute risk and onward chains independently of the implementation.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from asylon.safeguards.movement_rules import assess_movement
from asylon.safeguards.sharing_rules import assess_disclosure
from asylon.safeguards.types import (
    NEVER_RECIPIENTS,
    Agreement,
    Art332Determination,
    ChainAssessment,
    DisclosureSubject,
    FamilyUnityOverride,
    LegalStatus,
    MovementFacts,
    MovementKind,
    PersonFacts,
    Recipient,
    RecipientKind,
    RiskAssessment,
    VoluntarinessRecord,
)

PROFILE = settings(max_examples=300, deadline=None)
POOL = ["IR", "IQ", "AL", "DE", "TR", "SY", "AF", "US"]
K = MovementKind
INVOLUNTARY = {K.DEPORTATION_ORDER, K.EXTRADITION_REQUEST, K.OTHER_REMOVAL}

code = st.sampled_from(POOL)
maybe_code = st.sampled_from(["", *POOL])
code_set = st.frozensets(code, max_size=2)
# Biased towards complete evidence, so that allowed movements (the interesting case for
# "never allows ...") are common rather than vanishingly rare.
likely = st.sampled_from([True, True, True, True, False])
unlikely = st.sampled_from([False, False, False, False, True])
text = st.sampled_from(["po-1", "COI note", "po-1", "", " "])
kinds = st.sampled_from(list(K))

risk_assessment = st.builds(
    RiskAssessment,
    finds_no_substantial_grounds=likely,
    finds_no_real_risk=likely,
    signed_by=text,
    country_information=text,
)
voluntariness = st.builds(
    VoluntarinessRecord,
    signed_declaration=likely,
    counselling_record=likely,
    coercion_flag_open=unlikely,
    withdrawn=unlikely,
    best_interests_assessment=likely,
    best_interests_determination=likely,
)
base_persons = st.builds(
    PersonFacts,
    reference=st.just("LIB-000001"),
    legal_status=st.sampled_from(list(LegalStatus)),
    country_of_origin=maybe_code,
    nationality=maybe_code,
    former_habitual_residence=maybe_code,
    age=st.none() | st.integers(0, 90),
    is_child=unlikely,
    unaccompanied_or_separated=unlikely,
    claim_pending=unlikely,
    in_appeal_window=unlikely,
    appeal_pending=unlikely,
    risk_countries=code_set,
    torture_risk_countries=code_set,
    ill_treatment_risk_countries=code_set,
    torture_survivor=unlikely,
    art_33_2_determination=st.none() | st.builds(Art332Determination, text, text),
    risk_assessments=st.dictionaries(code, risk_assessment, max_size=3),
    voluntariness=st.none() | voluntariness,
    submitted_to_countries=code_set,
)
approvers = st.sampled_from([("po-1", "po-2"), ("po-1", "po-2"), ("po-1", "po-1"), ("po-1",), (), ("po-2", "")])


def chain_assessments(country=code):
    return st.builds(
        ChainAssessment,
        country=country,
        admission_document=text,
        access_to_protection=likely,
        respects_non_refoulement=likely,
        approvers=approvers,
        rationale=text,
    )


base_movements = st.builds(
    MovementFacts,
    kind=kinds,
    destination_country=maybe_code,
    host_country=maybe_code,
    requesting_state=maybe_code,
    onward_return_countries=code_set,
    onward_returns=st.dictionaries(code, code_set, max_size=3),
    chain_assessment=st.none() | chain_assessments(),
    rsd_decision_final=likely,
    court_reference=text,
    member_decisions=st.dictionaries(
        st.sampled_from(["LIB-1", "LIB-2"]), st.none() | st.sampled_from(["DEPART", "STAY"]), max_size=2
    ),
    split_decision=unlikely,
    family_unity_override=st.none() | st.builds(FamilyUnityOverride, text, text),
)


@st.composite
def scenarios(draw):
    """A person and a movement whose evidence usually concerns the actual destination."""
    p, m = draw(base_persons), draw(base_movements)
    if p.country_of_origin and draw(st.booleans()):
        m = replace(m, destination_country=p.country_of_origin)  # the case the gate exists for
    destination = m.destination_country
    if destination and draw(likely):
        p = replace(p, risk_assessments={**p.risk_assessments, destination: draw(risk_assessment)})
    if destination and draw(likely):
        m = replace(m, chain_assessment=draw(chain_assessments(st.just(destination))))
    if m.kind == K.EXTRADITION_REQUEST and draw(likely):
        m = replace(m, requesting_state=destination)
    return p, m


# --- Independent oracles ------------------------------------------------------------------


def home(p: PersonFacts) -> set[str]:
    return {c for c in (p.country_of_origin, p.nationality, p.former_habitual_residence) if c}


def complete(a: RiskAssessment) -> bool:
    return bool(a.signed_by.strip() and a.country_information.strip())


def risk_countries(p: PersonFacts) -> set[str]:
    risks = home(p) | set(p.risk_countries) | set(p.torture_risk_countries) | set(p.ill_treatment_risk_countries)
    for country, a in p.risk_assessments.items():
        if complete(a) and not (a.finds_no_substantial_grounds and a.finds_no_real_risk):
            risks.add(country)
    return risks


def cleared(p: PersonFacts, destination: str) -> bool:
    a = p.risk_assessments.get(destination)
    return a is not None and complete(a) and a.finds_no_substantial_grounds and a.finds_no_real_risk


def reachable(destination: str, routes) -> set[str]:
    seen, todo = {destination}, [destination]
    while todo:
        for nxt in routes.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def is_internal_stay(m: MovementFacts) -> bool:
    # No border is crossed: not a movement "to" a country at all.
    return m.kind == K.INTERNAL_TRANSFER and m.destination_country in ("", m.host_country)


def chain_leads_to_risk(p: PersonFacts, m: MovementFacts) -> bool:
    reach = reachable(m.destination_country, m.onward_returns)
    return bool(reach & set(m.onward_return_countries)) or bool((reach - {m.destination_country}) & risk_countries(p))


def valid_voluntariness(p: PersonFacts) -> bool:
    v = p.voluntariness
    if v is None or v.withdrawn or v.coercion_flag_open:
        return False
    child = p.is_child or p.unaccompanied_or_separated or (p.age is not None and p.age < 18)
    if not child:
        return v.signed_declaration and v.counselling_record
    return v.best_interests_assessment and (v.best_interests_determination or not p.unaccompanied_or_separated)


# --- Movement properties ------------------------------------------------------------------


@PROFILE
@given(scenarios())
def test_never_to_a_risk_country_without_a_clearing_assessment(scenario):
    """The brief's property. A destination with recorded risk is reachable only by a valid
    voluntary repatriation home, or once a signed individual assessment for that destination
    finds no risk of torture or to life (N1 lifts only on that evidence, see the next test)."""
    p, m = scenario
    if is_internal_stay(m) or m.destination_country not in risk_countries(p):
        return
    if assess_movement(p, m).allowed and not cleared(p, m.destination_country):
        assert m.kind == K.VOLUNTARY_REPATRIATION
        assert valid_voluntariness(p)
        assert m.destination_country in home(p)


@PROFILE
@given(scenarios())
def test_forced_return_home_needs_every_piece_of_evidence(scenario):
    p, m = scenario
    if is_internal_stay(m) or m.kind == K.VOLUNTARY_REPATRIATION:
        return
    if m.destination_country not in home(p) | set(p.risk_countries):
        return
    if not assess_movement(p, m).allowed:
        return
    assert cleared(p, m.destination_country)
    assert not (p.claim_pending or p.in_appeal_window or p.appeal_pending)
    assert p.legal_status != LegalStatus.ASYLUM_SEEKER
    if p.legal_status in {LegalStatus.ASYLUM_SEEKER, LegalStatus.REFUGEE}:
        d = p.art_33_2_determination
        assert d is not None and d.competent_authority.strip() and d.reference.strip()


@PROFILE
@given(scenarios())
def test_never_to_a_third_country_that_sends_people_on_to_risk(scenario):
    p, m = scenario
    destination = m.destination_country
    if is_internal_stay(m) or not destination or destination in home(p):
        return
    if destination in risk_countries(p) or chain_leads_to_risk(p, m):
        assert not assess_movement(p, m).allowed


@PROFILE
@given(scenarios())
def test_solutions_never_to_a_risk_country_and_internal_transfers_never_abroad(scenario):
    p, m = scenario
    solution = m.kind in {K.RESETTLEMENT_DEPARTURE, K.HUMANITARIAN_ADMISSION, K.RELOCATION_THIRD_COUNTRY}
    if solution and m.destination_country in risk_countries(p) | {""}:
        assert not assess_movement(p, m).allowed
    if m.kind == K.INTERNAL_TRANSFER and not is_internal_stay(m):
        assert not assess_movement(p, m).allowed


@PROFILE
@given(scenarios())
def test_third_country_needs_two_distinct_approvers(scenario):
    p, m = scenario
    destination = m.destination_country
    if is_internal_stay(m) or not destination or destination in home(p):
        return
    if assess_movement(p, m).allowed:
        chain = m.chain_assessment
        assert chain is not None and chain.country == destination
        assert len({a for a in chain.approvers if a.strip()}) >= 2
        assert chain.rationale.strip() and chain.admission_document.strip()
        assert chain.access_to_protection and chain.respects_non_refoulement


@PROFILE
@given(scenarios())
def test_involuntary_movements_respect_suspensive_effect_and_torture_ban(scenario):
    p, m = scenario
    if m.kind not in INVOLUNTARY or not assess_movement(p, m).allowed:
        return
    assert p.legal_status != LegalStatus.ASYLUM_SEEKER
    assert not (p.claim_pending or p.in_appeal_window or p.appeal_pending)
    assert cleared(p, m.destination_country)


@PROFILE
@given(scenarios())
def test_voluntary_repatriation_needs_valid_consent(scenario):
    p, m = scenario
    if m.kind == K.VOLUNTARY_REPATRIATION and assess_movement(p, m).allowed:
        assert valid_voluntariness(p)


@PROFILE
@given(scenarios())
def test_result_is_consistent_and_auditable(scenario):
    p, m = scenario
    assessment = assess_movement(p, m)
    assert assessment.allowed == (not assessment.blocks)
    assert [r.rule for r in assessment.results] == [f"N{i}" for i in range(1, 9)]
    assert all(b.rule in {f"N{i}" for i in range(1, 9)} and b.legal_basis and b.detail for b in assessment.blocks)
    record = json.loads(json.dumps(assessment.as_audit_dict()))
    assert record["allowed"] == assessment.allowed
    assert len(record["blocks"]) == len(assessment.blocks)


# --- Sharing properties -------------------------------------------------------------------

subjects = st.builds(
    DisclosureSubject,
    reference=st.sampled_from(["LIB-1", "LIB-2", "LIB-3"]),
    country_of_origin=maybe_code,
    nationality=maybe_code,
    former_habitual_residence=maybe_code,
    risk_countries=code_set,
    submitted_to_countries=code_set,
)
field_names = st.frozensets(st.sampled_from(["reference", "names", "date_of_birth", "religion", "count"]))
days = st.dates(date(2010, 1, 1), date(2020, 12, 31))
agreements = st.builds(
    Agreement,
    purpose=st.sampled_from(["verification", "resettlement", "statistics"]),
    fields=field_names,
    non_refoulement_undertaking=st.booleans(),
    valid_from=days,
    valid_to=st.none() | days.map(lambda d: d + timedelta(days=365)),
)
recipients = st.builds(
    Recipient, kind=st.sampled_from(list(RecipientKind)), country=maybe_code, agreement=st.none() | agreements
)
purposes = st.sampled_from(["verification", "resettlement", "statistics"])


@PROFILE
@given(
    st.sampled_from(sorted(NEVER_RECIPIENTS)),
    maybe_code,
    st.none() | agreements,
    st.lists(subjects, max_size=3),
    field_names,
    purposes,
    days,
    st.booleans(),
)
def test_d1_never_country_of_origin_or_persecutor(kind, country, agreement, people, fields, purpose, on, agg):
    recipient = Recipient(kind, country, agreement=agreement)
    decision = assess_disclosure(recipient, people, fields, purpose, on, aggregate=agg)
    assert not decision.allowed and decision.rule == "D1"
    assert decision.allowed_fields == frozenset()


@PROFILE
@given(recipients, st.lists(subjects, min_size=1, max_size=3), field_names, purposes, days, st.booleans())
def test_d1_never_to_a_state_any_person_fled(recipient, people, fields, purpose, on, agg):
    feared = set()
    for s in people:
        feared |= {s.country_of_origin, s.nationality, s.former_habitual_residence} | set(s.risk_countries)
    feared.discard("")
    decision = assess_disclosure(recipient, people, fields, purpose, on, aggregate=agg)
    if recipient.country in feared or recipient.kind in NEVER_RECIPIENTS:
        assert not decision.allowed and decision.rule == "D1"


@PROFILE
@given(recipients, st.lists(subjects, max_size=3), field_names, purposes, days)
def test_personal_data_only_under_the_rules(recipient, people, fields, purpose, on):
    decision = assess_disclosure(recipient, people, fields, purpose, on)
    json.dumps(decision.as_audit_dict())
    if not decision.allowed:
        assert decision.allowed_fields == frozenset()
        return
    assert decision.allowed_fields == fields
    agreement = recipient.agreement
    if recipient.kind == RecipientKind.RESETTLEMENT_COUNTRY:
        assert all(recipient.country in s.submitted_to_countries for s in people)
    else:
        assert agreement is not None and fields <= agreement.fields and agreement.is_valid_on(on)
    if recipient.kind == RecipientKind.HOST_AUTHORITY:
        assert agreement.non_refoulement_undertaking
