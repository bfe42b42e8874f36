"""The API records the evidence the gate reads, through the same services as the pages: a
third-country assessment approved by two protection officers (N6), an art. 33(2)
determination, a voluntariness record and the withdrawal of consent (N7)."""

from __future__ import annotations

from tests.signin import bearer

from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.movements.models import Movement

from .conftest import PAST


def post(client, user, url, body):
    return client.post(url, body, content_type="application/json", **bearer(user, name=user.get_username()))


def test_a_chain_assessment_needs_a_second_officer_and_then_opens_the_departure(client, po, po2, resident):
    person = resident("REFUGEE")
    base = f"/api/v1/persons/{person.reference}/chain-assessments"
    body = {
        "country": "AL",
        "admission_document": "Acceptance letter 2013/17",
        "access_to_protection": True,
        "respects_non_refoulement": True,
        "rationale": "Party to the 1951 Convention with a working asylum system.",
    }
    r = post(client, po, base, body)
    assert r.status_code == 201, r.content
    assessment = r.json()
    assert assessment["approvers"] == [po.get_username()]
    with_one = gate.preview_movement(
        actor=po, persons=[person], kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )[person.pk]
    assert "approval by two different protection officers" in with_one.blocks[0].detail
    r = post(client, po, f"{base}/{assessment['id']}/approvals", {})
    assert r.status_code == 409 and r.json()["code"] == "same_approver"
    r = post(client, po2, f"{base}/{assessment['id']}/approvals", {})
    assert r.status_code == 201, r.content
    assert r.json()["approvers"] == [po.get_username(), po2.get_username()]
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="RESETTLEMENT_DEPARTURE", destination_country="AL"
    )
    assert movement.state == "ASSESSED"


def test_an_art_33_2_determination_only_follows_a_final_decision(client, po, resident):
    seeker, rejected = resident("ASYLUM_SEEKER"), resident("REJECTED_FINAL")
    body = {"competent_authority": "Court of Appeal", "reference": "CA-2013-114", "decided_on": PAST.isoformat()}
    r = post(client, po, f"/api/v1/persons/{seeker.reference}/art-33-2-determinations", body)
    assert r.status_code == 409 and r.json()["code"] == "art332_before_final_decision"
    r = post(client, po, f"/api/v1/persons/{rejected.reference}/art-33-2-determinations", body)
    assert r.status_code == 201, r.content
    assert (r.json()["person"], r.json()["reference"]) == (rejected.reference, "CA-2013-114")


def test_withdrawing_consent_through_the_api_cancels_the_return(client, po, resident):
    person = resident("REFUGEE")
    r = post(
        client,
        po,
        f"/api/v1/persons/{person.reference}/voluntariness-records",
        {"signed_declaration": True, "counselling_record": True, "note": "Interview with an interpreter."},
    )
    assert r.status_code == 201 and r.json()["signed_declaration"] is True
    movement = movement_requests.request_movement(
        actor=po, person=person, kind="VOLUNTARY_REPATRIATION", destination_country="IR"
    )
    r = post(
        client,
        po,
        f"/api/v1/persons/{person.reference}/consent-withdrawal",
        {"note": "Changed her mind after news from home."},
    )
    assert r.status_code == 200, r.content
    assert r.json()["cancelled"] == [movement.reference]
    assert Movement.objects.get(pk=movement.pk).state == "CANCELLED"


def test_a_field_monitor_is_refused_before_the_body_is_read(client, make_user, resident):
    from asylon.accounts.roles import Role

    monitor = make_user(Role.FIELD_MONITOR, username="monitor-ev")
    person = resident("REFUGEE")
    r = post(client, monitor, f"/api/v1/persons/{person.reference}/consent-withdrawal", {"not": "a body"})
    assert r.status_code == 403
