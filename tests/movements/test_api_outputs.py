"""The movement API publishes the same fields wherever a movement appears: created, read
one by one, listed (each with the steps the caller may take) and in a group's answer."""

from __future__ import annotations

from tests.signin import bearer

MOVEMENT_FIELDS = {
    "reference",
    "person",
    "site",
    "kind",
    "destination_country",
    "destination_site",
    "requesting_state",
    "legal_reference",
    "court_reference",
    "state",
    "state_since",
    "group_request",
    "allowed_actions",
    "gate_results",
}


def test_a_movement_reads_the_same_created_listed_and_alone(client, po, resident, site_a, site_b):
    person = resident("REFUGEE")
    auth = bearer(po, name=po.get_username())
    body = {"person": person.reference, "kind": "INTERNAL_TRANSFER", "destination_site": site_b.code}
    created = client.post("/api/v1/movements", body, content_type="application/json", **auth).json()
    alone = client.get(f"/api/v1/movements/{created['reference']}", **auth).json()
    listed = client.get("/api/v1/movements", **auth).json()
    assert set(created) == MOVEMENT_FIELDS and created == alone == listed["items"][0]
    assert created["site"] == site_a.code and created["destination_site"] == site_b.code
    assert created["destination_country"] == site_b.host_country.code and created["group_request"] is None
    assert set(created["allowed_actions"]) == {"approve", "refuse", "cancel"}
    assert created["gate_results"][0]["actor"] == po.get_username()
    assert listed["next_cursor"] is None


def test_a_group_answer_names_each_person_and_movement(client, po, resident, site_a, site_b):
    person = resident("REFUGEE")
    auth = bearer(po, name=po.get_username())
    body = {
        "site": site_a.code,
        "kind": "INTERNAL_TRANSFER",
        "description": "Block move",
        "persons": [person.reference],
        "destination_site": site_b.code,
    }
    group = client.post("/api/v1/movements/group", body, content_type="application/json", **auth).json()
    assert group["site"] == site_a.code and group["allowed_count"] == 1 and group["may_not_go"] == []
    [answer] = group["may_go"]
    assert answer["person"] == person.reference and answer["reasons"] == []
    moved = client.get(f"/api/v1/movements/{answer['movement']}", **auth).json()
    assert moved["group_request"] == group["reference"]


def test_a_group_request_from_a_site_outside_the_callers_names_the_site(client, po, resident, site_b):
    auth = bearer(po, name=po.get_username())
    body = {
        "site": site_b.code,
        "kind": "INTERNAL_TRANSFER",
        "description": "Not mine",
        "persons": [resident().reference],
    }
    response = client.post("/api/v1/movements/group", body, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["site"], "msg": f"Unknown site {site_b.code!r}."}]
