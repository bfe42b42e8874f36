"""A role that may not act is refused before its input is looked at: a bad request from
it must not answer 409/422 (which would tell it the route is open to it)."""

from __future__ import annotations

from tests.signin import bearer

from asylon.movements import requests as movement_requests


def test_roles_without_movements_get_no_list(client, clerk):
    response = client.get("/api/v1/movements", **bearer(clerk))
    assert response.status_code == 403


def test_a_clerk_with_bad_input_is_refused_not_corrected(client, clerk, resident, site_a):
    person = resident()
    bad = {"person": person.reference, "kind": "INTERNAL_TRANSFER", "destination_site": "NOPE"}
    response = client.post("/api/v1/movements", bad, content_type="application/json", **bearer(clerk))
    assert response.status_code == 403
    group = {"site": "NOPE", "kind": "INTERNAL_TRANSFER", "description": "x"}
    response = client.post("/api/v1/movements/group", group, content_type="application/json", **bearer(clerk))
    assert response.status_code == 403


def test_a_resettlement_officer_cannot_probe_steps_of_a_transfer(client, po, rso, resident, site_b):
    movement = movement_requests.request_movement(
        actor=po, person=resident(), kind="INTERNAL_TRANSFER", destination_site=site_b
    )
    url = f"/api/v1/movements/{movement.reference}/transitions"
    response = client.post(url, {"action": "no-such-step"}, content_type="application/json", **bearer(rso))
    assert response.status_code == 403
    response = client.post(url, {"action": "no-such-step"}, content_type="application/json", **bearer(po))
    assert response.status_code == 409
