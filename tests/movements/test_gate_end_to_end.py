"""Every rule N1-N8 end to end: through the movement services and through the API, with the
legal status combinations that matter (asylum seeker, refugee, rejected, excluded).

The pure rules have their own exhaustive table in tests/safeguards; this one proves the
records (risk rows, assessments, art. 33(2), reference data, consent, status) reach the
gate, that a refusal is kept as a REFUSED movement with its reasons, and that the API
answers 201 or 409 with the rule, its legal basis and the reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.signin import sign_in

from asylon.core.dates import today
from asylon.incidents.models import Alert
from asylon.movements import gate as movement_gate
from asylon.movements import reference_data, risk_profile
from asylon.movements import requests as movement_requests
from asylon.movements.models import GateResult, Movement
from asylon.safeguards import legal_bases

from .conftest import approve_chain, clear_risk, consent


def policy(po, country, returns_to, nationality="IR"):
    reference_data.record_onward_policy(
        actor=po,
        country=country,
        returns_to=returns_to,
        nationality=nationality,
        valid_from=today() - timedelta(days=365),
        source="Country report on onward returns",
    )


def art332(po, person):
    risk_profile.record_art_33_2(
        actor=po, person=person, competent_authority="Supreme Court", reference="33-2/2014", decided_on=today()
    )


def torture_risk(po, person, country):
    risk_profile.add_risk_country(
        actor=po, person=person, country=country, kind="TORTURE", reason="Tortured in transit."
    )


# (status, kind, destination, setup(po, po2, person), refused rule or None)
CASES = [
    ("ASYLUM_SEEKER", "DEPORTATION_ORDER", "IR", None, "N1"),
    ("ASYLUM_SEEKER", "DEPORTATION_ORDER", "IR", lambda po, po2, p: clear_risk(po, p), "N1"),
    ("ASYLUM_SEEKER", "OTHER_REMOVAL", "JO", lambda po, po2, p: clear_risk(po, p, "JO"), "N4"),
    ("REFUGEE", "DEPORTATION_ORDER", "IR", lambda po, po2, p: clear_risk(po, p), "N1"),
    ("REFUGEE", "DEPORTATION_ORDER", "IR", lambda po, po2, p: (art332(po, p), clear_risk(po, p)), None),
    ("REJECTED_FINAL", "DEPORTATION_ORDER", "IR", None, "N1"),
    ("REJECTED_FINAL", "DEPORTATION_ORDER", "IR", lambda po, po2, p: clear_risk(po, p), None),
    ("REJECTED_FINAL", "DEPORTATION_ORDER", "IR", lambda po, po2, p: clear_risk(po, p, torture=False), "N1"),
    ("EXCLUDED", "DEPORTATION_ORDER", "IR", lambda po, po2, p: clear_risk(po, p, torture=False), "N1"),
    ("EXCLUDED", "DEPORTATION_ORDER", "JO", lambda po, po2, p: clear_risk(po, p, "JO", life=False), "N3"),
    ("EXCLUDED", "DEPORTATION_ORDER", "JO", lambda po, po2, p: clear_risk(po, p, "JO"), "N6"),
    (
        "EXCLUDED",
        "DEPORTATION_ORDER",
        "JO",
        lambda po, po2, p: (clear_risk(po, p, "JO"), approve_chain(po, po2, p, "JO")),
        None,
    ),
    ("REJECTED_FINAL", "DEPORTATION_ORDER", "SY", lambda po, po2, p: torture_risk(po, p, "SY"), "N2"),
    ("ASYLUM_SEEKER", "EXTRADITION_REQUEST", "IR", None, "N1"),
    ("REFUGEE", "RESETTLEMENT_DEPARTURE", "AL", None, "N6"),
    ("REFUGEE", "RESETTLEMENT_DEPARTURE", "AL", lambda po, po2, p: approve_chain(po, po2, p, "AL"), None),
    ("REFUGEE", "RESETTLEMENT_DEPARTURE", "IR", None, "N1"),
    (
        "REFUGEE",
        "HUMANITARIAN_ADMISSION",
        "DE",
        lambda po, po2, p: (policy(po, "DE", "IR"), approve_chain(po, po2, p, "DE")),
        "N6",
    ),
    (
        "REFUGEE",
        "RELOCATION_THIRD_COUNTRY",
        "AL",
        lambda po, po2, p: (policy(po, "AL", "TR"), policy(po, "TR", "IR"), approve_chain(po, po2, p, "AL")),
        "N6",
    ),
    (
        "REFUGEE",
        "RELOCATION_THIRD_COUNTRY",
        "TR",
        lambda po, po2, p: (torture_risk(po, p, "TR"), approve_chain(po, po2, p, "TR")),
        "N2",
    ),
    ("REFUGEE", "VOLUNTARY_REPATRIATION", "IR", None, "N7"),
    ("REFUGEE", "VOLUNTARY_REPATRIATION", "IR", lambda po, po2, p: consent(po, p), None),
    ("ASYLUM_SEEKER", "VOLUNTARY_REPATRIATION", "IR", lambda po, po2, p: consent(po, p, coercion_flag_open=True), "N7"),
    ("REFUGEE", "VOLUNTARY_REPATRIATION", "AL", lambda po, po2, p: consent(po, p), "N7"),
    ("ASYLUM_SEEKER", "INTERNAL_TRANSFER", "", None, None),
]


def _ids(case):
    status, kind, dest, setup, rule = case
    return f"{status}-{kind}-{dest or 'site'}-{'setup' if setup else 'bare'}-{rule or 'allowed'}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_gate_through_services(case, po, po2, resident, site_b):
    status, kind, dest, setup, rule = case
    person = resident(status)
    if setup:
        setup(po, po2, person)
    kwargs = {"destination_country": dest}
    if kind == "INTERNAL_TRANSFER":
        kwargs = {"destination_site": site_b}
    if kind == "EXTRADITION_REQUEST":
        kwargs |= {"requesting_state": dest, "legal_reference": "Warrant 12/2013"}
    if rule is None:
        movement = movement_requests.request_movement(actor=po, person=person, kind=kind, **kwargs)
        assert movement.state == "ASSESSED"
        return
    with pytest.raises(movement_gate.MovementRefused) as err:
        movement_requests.request_movement(actor=po, person=person, kind=kind, **kwargs)
    rules = {b.rule for b in err.value.blocks}
    assert rule in rules
    kept = Movement.objects.get(person=person)
    assert kept.state == "REFUSED"
    gate = GateResult.objects.get(movement=kept)
    assert not gate.allowed and gate.applied and rule in {b["rule"] for b in gate.blocks}
    assert Alert.objects.filter(kind="SAFEGUARD_REFUSAL").count() == 1
    assert person.reference not in Alert.objects.get().title + Alert.objects.get().body


def test_api_answers_201_with_the_assessed_movement(client, po, po2, resident):
    person = resident("REFUGEE")
    approve_chain(po, po2, person, "AL")
    sign_in(client, po)
    body = {"person": person.reference, "kind": "RESETTLEMENT_DEPARTURE", "destination_country": "AL"}
    response = client.post("/api/v1/movements", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "ASSESSED" and data["gate_results"][0]["allowed"]
    assert set(data["allowed_actions"]) == {"approve", "refuse", "cancel"}


def test_api_answers_409_naming_rule_basis_and_reason(client, po, resident):
    person = resident("ASYLUM_SEEKER")
    sign_in(client, po)
    body = {
        "person": person.reference,
        "kind": "EXTRADITION_REQUEST",
        "requesting_state": "IR",
        "legal_reference": "Warrant 12/2013",
    }
    response = client.post("/api/v1/movements", body, content_type="application/json")
    assert response.status_code == 409
    data = response.json()
    assert data["rule"] == "N1"
    assert data["legal_basis"] == legal_bases.REFUGEE_CONVENTION_33_1
    assert "country the person fled" in data["detail"]
    assert {"N1", "N2", "N3", "N4", "N5"} <= {b["rule"] for b in data["blocks"]}
    assert Movement.objects.get(reference=data["movement"]).state == "REFUSED"
    # N5: an extradition request from the country of origin is a critical alert.
    assert Alert.objects.get().severity == 4


def test_carrying_out_a_departure_records_it_in_the_register(po, po2, rso, resident):
    person = resident("REFUGEE")
    approve_chain(po, po2, person, "AL")
    movement = movement_requests.request_movement(
        actor=rso, person=person, kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    movement_requests.transition_movement(actor=po, movement=movement, action="approve")
    movement_requests.transition_movement(actor=rso, movement=movement, action="carry_out")
    movement.refresh_from_db()
    person.refresh_from_db()
    assert movement.state == "CARRIED_OUT"
    assert person.presence == "DEPARTED"
    from asylon.status.queries import status_on

    assert status_on(person).status == "DEPARTED_RESETTLED"
