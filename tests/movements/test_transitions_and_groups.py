"""Transitions re-check the safeguards with the facts of the day; group requests are
answered person by person with one alert; only the declared steps exist."""

from __future__ import annotations

import pytest
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.incidents.models import Alert
from asylon.movements import gate, risk_profile
from asylon.movements import requests as movement_requests
from asylon.movements.models import GateResult, Movement
from asylon.registry.models import Location

from .conftest import approve_chain, consent


def test_a_risk_recorded_after_assessment_stops_the_approval(po, po2, resident):
    person = resident("REFUGEE")
    approve_chain(po, po2, person, "AL")
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    risk_profile.add_risk_country(
        actor=po, person=person, country="AL", kind="PERSECUTION", reason="Agents active there."
    )
    with pytest.raises(gate.MovementRefused) as err:
        movement_requests.transition_movement(actor=po, movement=movement, action="approve")
    assert {"N1", "N6"} <= {b.rule for b in err.value.blocks}
    movement.refresh_from_db()
    assert movement.state == "ASSESSED"  # the record stays as it was
    attempt = GateResult.objects.filter(movement=movement).last()
    assert attempt.action == "approve" and not attempt.allowed and not attempt.applied
    assert AuditEvent.objects.filter(action="movement.approve_refused", object_ref=movement.reference).exists()
    assert Alert.objects.count() == 1


def test_withdrawing_consent_cancels_the_return_before_departure(po, resident):
    person = resident("REFUGEE")
    consent(po, person)
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="VOLUNTARY_REPATRIATION", destination_country="IR"
    )
    movement_requests.transition_movement(actor=po, movement=movement, action="approve")
    movement_requests.withdraw_consent(actor=po, person=person, note="Changed her mind after news from home.")
    movement.refresh_from_db()
    assert movement.state == "CANCELLED"
    with pytest.raises(Conflict):
        movement_requests.transition_movement(actor=po, movement=movement, action="carry_out")


def test_carrying_out_checks_again_on_the_day(po, resident):
    person = resident("REFUGEE")
    record = consent(po, person)
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="VOLUNTARY_REPATRIATION", destination_country="IR"
    )
    movement_requests.transition_movement(actor=po, movement=movement, action="approve")
    consent(po, person, coercion_flag_open=True)  # a new interview finds pressure
    with pytest.raises(gate.MovementRefused) as err:
        movement_requests.transition_movement(actor=po, movement=movement, action="carry_out")
    assert err.value.rule == "N7" and record.pk
    movement.refresh_from_db()
    person.refresh_from_db()
    assert movement.state == "APPROVED" and person.presence == "PRESENT"


def test_impossible_steps_and_reasons(po, po2, resident):
    person = resident("REFUGEE")
    approve_chain(po, po2, person, "AL")
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    with pytest.raises(Conflict):
        movement_requests.transition_movement(actor=po, movement=movement, action="carry_out")
    with pytest.raises(InvalidInput):
        movement_requests.transition_movement(actor=po, movement=movement, action="refuse")
    movement_requests.transition_movement(
        actor=po, movement=movement, action="refuse", reason="Not the durable solution chosen."
    )
    movement.refresh_from_db()
    assert movement.state == "REFUSED"


def test_resettlement_officers_handle_departures_only(rso, resident):
    person = resident("REJECTED_FINAL")
    with pytest.raises(NotPermitted):
        movement_requests.request_movement(actor=rso, person=person, kind="DEPORTATION_ORDER", destination_country="IR")
    assert not Movement.objects.exists()


def test_a_clerk_cannot_request_movements(clerk, resident):
    with pytest.raises(NotPermitted):
        movement_requests.request_movement(
            actor=clerk, person=resident(), kind="INTERNAL_TRANSFER", destination_country="IQ"
        )


def test_group_extradition_of_a_block_refuses_everyone_with_one_alert(client, po, resident, site_a, block4):
    unit = Location.objects.create(site=site_a, kind="UNIT", name="B4-01", parent=block4)
    statuses = ["ASYLUM_SEEKER", "REFUGEE", "REJECTED_FINAL", "EXCLUDED", "ASYLUM_SEEKER", "REFUGEE"]
    people = [resident(s, unit=unit) for s in statuses]
    group = movement_requests.request_group_movement(
        actor=po,
        site=site_a,
        block=block4,
        kind="EXTRADITION_REQUEST",
        requesting_state="IR",
        legal_reference="Note verbale 88/2013",
        description="All residents of block 4",
    )
    assert (group.allowed_count, group.refused_count) == (0, len(people))
    assert set(Movement.objects.filter(group_request=group).values_list("state", flat=True)) == {"REFUSED"}
    assert Alert.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.severity == 4
    assert not any(p.reference in alert.title + alert.body or p.given_name in alert.body for p in people)
    sign_in(client, po)
    page = client.get(f"/movements/group/{group.reference}/").content.decode()
    assert "May not go" in page and all(p.reference in page for p in people)
    assert "Rule N5" in page and "Legal basis" in page


def test_group_request_through_the_api(client, po, po2, resident, site_a, block4):
    unit = Location.objects.create(site=site_a, kind="UNIT", name="B4-02", parent=block4)
    ok, blocked = resident("REFUGEE", unit=unit), resident("REFUGEE", unit=unit)
    approve_chain(po, po2, ok, "AL")
    sign_in(client, po)
    body = {
        "site": site_a.code,
        "block": block4.pk,
        "kind": "HUMANITARIAN_ADMISSION",
        "destination_country": "AL",
        "description": "Humanitarian admission offer, residents of block 4",
    }
    response = client.post("/api/v1/movements/group", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert [r["person"] for r in data["may_go"]] == [ok.reference]
    assert [r["person"] for r in data["may_not_go"]] == [blocked.reference]
    assert data["may_not_go"][0]["reasons"][0]["rule"] == "N6"
