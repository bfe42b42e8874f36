"""A household's life through the API: the same acts as the pages, 422 naming the field,
409 confirmation_required before an act that cannot be undone."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.signin import bearer

from asylon.registry import queries


def caller(client, user):
    headers = bearer(user)

    def call(method: str, path: str, body=None):
        kwargs = dict(headers)
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def fields(response) -> set[str]:
    return {".".join(e["loc"]) for e in response.json()["detail"]}


@pytest.fixture
def members(household):
    return {m.person.given_name: m.person.reference for m in queries.current_members(household)}


def test_a_birth_through_the_api(client, clerk, household, members):
    api = caller(client, clerk)
    child = {"given_name": "Nika", "sex": "F", "date_of_birth": date.today()}
    bad = api("post", f"/households/{household.reference}/births", {"child": child, "reason": "Born"})
    assert bad.status_code == 422 and "mother" in fields(bad)
    done = api(
        "post",
        f"/households/{household.reference}/births",
        {"child": child, "mother": members["Parvaneh"], "reason": "Born at the clinic"},
    )
    assert done.status_code == 201 and done.json()["relationship"] == "CHILD"
    history = api("get", f"/households/{household.reference}/history").json()
    assert history[0]["action"] == "household.birth_recorded" and history[0]["reason"] == "Born at the clinic"


def test_a_death_is_confirmed_by_a_second_officer_after_its_preview(client, po, po2, household, members):
    report = caller(client, po)(
        "post",
        f"/persons/{members['Dariush']}/death-reports",
        {"source": "CLINIC", "note": "Clinic record", "died_on": date.today()},
    )
    assert report.status_code == 201, report.content
    path = f"/death-reports/{report.json()['id']}/confirm"
    second = caller(client, po2)
    preview = second("post", path, {"reason": "Record seen"})
    assert preview.status_code == 409 and preview.json()["preview"]["was_principal"] is True
    refused = second("post", path, {"reason": "Record seen", "confirm": True})
    assert refused.status_code == 422 and "new_principal" in fields(refused)
    done = second("post", path, {"reason": "Record seen", "confirm": True, "new_principal": members["Parvaneh"]})
    assert done.status_code == 200 and done.json()["state"] == "CONFIRMED"
    assert queries.principal_applicant(household).reference == members["Parvaneh"]


def test_a_split_asks_first_and_a_unit_of_another_site_is_an_internal_transfer(client, clerk, household, members):
    api = caller(client, clerk)
    body = {"members": [{"person": members["Sara"], "relationship": "PA"}], "reason": "Own shelter"}
    preview = api("post", f"/households/{household.reference}/split", body)
    assert preview.status_code == 409 and preview.json()["preview"]["moving"] == [members["Sara"]]
    assert len(queries.current_members(household)) == 3
    done = api("post", f"/households/{household.reference}/split", {**body, "confirm": True})
    assert done.status_code == 201 and len(queries.current_members(household)) == 2
    moved = api("post", f"/households/{household.reference}/unit", {"unit": 999999, "reason": "Flood"})
    assert moved.status_code == 422 and "internal transfer" in moved.json()["detail"][0]["msg"]
