"""The register's API as a client program uses it: bearer token, JSON in and out, 422 with field paths."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from tests.signin import bearer

from asylon.accounts.services import issue_api_token
from asylon.registry.models import Household, Person


@pytest.fixture
def api(client, clerk):
    token = issue_api_token(actor=clerk, user=clerk)

    def call(method: str, path: str, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def payload(**member_extra):
    pa = {
        "relationship": "PA",
        "given_name": "Kourosh",
        "family_name": "Ahmadi",
        "sex": "M",
        "date_of_birth": "1975-06-01",
        "nationality": "IR",
        "country_of_origin": "IR",
    }
    pa.update(member_extra)
    return {
        "site": "AAA",
        "arrival_date": "2012-02-18",
        "members": [pa, {"relationship": "CHILD", "given_name": "Nima", "sex": "M", "date_of_birth": "2008-01-01"}],
    }


def test_create_read_and_list(api, site_a):
    created = api("post", "/households", payload())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["principal_applicant"] == "AAA-000001"
    assert len(body["members"]) == 2
    person = api("get", "/persons/AAA-000001").json()
    assert person["family_name"] == "Ahmadi" and person["household"] == body["reference"]
    assert person["sensitive"] is None  # a clerk never receives sensitive fields
    listed = api("get", "/persons?sex=M&limit=1").json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    second = api("get", f"/persons?sex=M&limit=1&cursor={listed['next_cursor']}").json()
    assert second["items"][0]["reference"] == "AAA-000002" and second["next_cursor"] is None


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"date_of_birth": str(date.today() + timedelta(days=2))}, ["members", "0", "date_of_birth"]),
        ({"sex": "W"}, ["members", "0", "sex"]),
        ({"nationality": "XX"}, ["members", "0", "nationality"]),
        ({"relationship": "SPOUSE"}, ["members"]),
    ],
)
def test_bad_input_is_422_with_field_path_and_nothing_written(api, site_a, change, loc):
    response = api("post", "/households", payload(**change))
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_principal_not_member_and_reference_used(api, site_a):
    assert api("post", "/households", payload()).status_code == 201
    again = payload()
    again["reference"] = "AAA-H-000001"
    again["duplicates"] = {"0": "unsure", "1": "unsure"}  # the same persons again: past the duplicate check
    response = api("post", "/households", again)
    assert response.status_code == 422
    assert ["reference"] in [e["loc"] for e in response.json()["detail"]]
    assert Person.objects.count() == 2


def test_unparseable_date_is_422(api, site_a):
    response = api("post", "/households", payload(date_of_birth="31/02/1980"))
    assert response.status_code == 422
    assert Person.objects.count() == 0


def test_patch_corrects_with_reason_and_there_is_no_delete(api, site_a):
    api("post", "/households", payload())
    missing_reason = api("patch", "/persons/AAA-000001", {"family_name": "Ahmady"})
    assert missing_reason.status_code == 422
    fixed = api("patch", "/persons/AAA-000001", {"family_name": "Ahmady", "reason": "Passport spelling"})
    assert fixed.status_code == 200 and fixed.json()["family_name"] == "Ahmady"
    assert api("delete", "/persons/AAA-000001").status_code == 405


def test_other_site_is_invisible(api, site_b, clerk):
    from tests.conftest import member

    from asylon.accounts.services import create_user
    from asylon.registry import services

    other = create_user(actor=None, username="clerk-b", role="registration_clerk", sites=[site_b]).user
    services.register_household(actor=other, site=site_b, members=[member()])
    assert api("get", "/persons/BBB-000001").status_code == 404
    assert api("get", "/persons").json()["items"] == []
    assert api("post", "/households", {**payload(), "site": "BBB"}).status_code == 422


def test_no_token_no_data(client, site_a):
    assert client.get("/api/v1/persons").status_code == 401
    assert client.get("/api/v1/persons", HTTP_AUTHORIZATION="Bearer asy_bad_token").status_code == 401


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/households" in doc["paths"] and "delete" not in doc["paths"]["/api/v1/persons/{reference}"]


# --- the duplicate check, as on the registration page ---------------------------------------


def _count():
    from asylon.matching.models import DuplicateCandidate

    return Person.objects.count(), Household.objects.count(), DuplicateCandidate.objects.count()


def test_a_probable_duplicate_is_a_409_with_the_candidates_and_nothing_written(api, site_a):
    first = api("post", "/households", payload()).json()
    kourosh = first["principal_applicant"]
    # Kourosh again, spelled another way, with a new child.
    second = payload(given_name="Kouroush")
    second["members"][1] = {"relationship": "CHILD", "given_name": "Taraneh", "sex": "F", "date_of_birth": "2019-03-09"}
    before = _count()
    response = api("post", "/households", second)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicates_found" and "duplicates" in body["detail"]
    assert list(body["candidates"]) == ["0"]  # the child resembles no one
    (candidate,) = body["candidates"]["0"]
    assert candidate["reference"] == kourosh
    assert candidate["names"]["given_name"] == "Kourosh" and candidate["names"]["family_name"] == "Ahmadi"
    assert 0.5 < candidate["score"] <= 1
    assert {"family_name", "date_of_birth", "sex"} <= set(candidate["agree"])
    given = next(f for f in candidate["fields"] if f["field"] == "given_name")
    assert (given["new"], given["existing"]) == ("Kouroush", "Kourosh") and given["agreement"] != "missing"
    assert [e["loc"] for e in body["errors"]] == [["members", "0", "duplicate"]]
    assert _count() == before
    # A decision that names no candidate is no decision.
    second["duplicates"] = {"0": "link:AAA-999999"}
    assert api("post", "/households", second).status_code == 409
    second["duplicates"] = {"7": "unsure"}
    assert api("post", "/households", second).status_code == 422
    assert _count() == before


def test_link_adds_the_new_members_to_the_registered_persons_household(api, site_a):
    first = api("post", "/households", payload()).json()
    second = payload(given_name="Kouroush")
    second["members"][1] = {"relationship": "CHILD", "given_name": "Taraneh", "sex": "F", "date_of_birth": "2019-03-09"}
    second["duplicates"] = {"0": f"link:{first['principal_applicant']}"}
    response = api("post", "/households", second)
    assert response.status_code == 201
    household = response.json()
    assert household["reference"] == first["reference"]
    names = {Person.objects.get(reference=m["reference"]).given_name for m in household["members"]}
    assert names == {"Kourosh", "Nima", "Taraneh"}  # Kourosh is not registered twice
    assert Person.objects.count() == 3 and Household.objects.count() == 1


def test_unsure_registers_and_sends_the_pair_to_the_review_queue(api, site_a):
    from asylon.matching.models import CandidateStatus, DuplicateCandidate

    first = api("post", "/households", payload()).json()
    second = payload(given_name="Kouroush")
    second["members"].pop()
    second["duplicates"] = {"0": "unsure"}
    response = api("post", "/households", second)
    assert response.status_code == 201 and response.json()["reference"] != first["reference"]
    pair = DuplicateCandidate.objects.get()
    new = response.json()["principal_applicant"]
    assert {pair.person_a.reference, pair.person_b.reference} == {first["principal_applicant"], new}
    assert pair.status == CandidateStatus.OPEN


def test_sensitive_fields_reach_only_the_single_read_of_a_role_that_may_see_them(client, protection_officer, site_a):
    """The profile is a reverse relation of the person: a schema must not read it on its own.
    A protection officer reads it on the person's own route (audited), never in the list."""
    auth = bearer(protection_officer)
    body = payload(sensitive={"religion": "Baha'i"})
    created = client.post("/api/v1/households", json.dumps(body), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    one = client.get("/api/v1/persons/AAA-000001", **auth).json()
    assert one["sensitive"]["religion"] == "Baha'i"
    listed = client.get("/api/v1/persons", **auth).json()
    assert [p["sensitive"] for p in listed["items"]] == [None, None]
    corrected = client.patch(
        "/api/v1/persons/AAA-000001",
        json.dumps({"reason": "typo", "given_name": "Kurosh"}),
        content_type="application/json",
        **auth,
    ).json()
    assert corrected["given_name"] == "Kurosh" and corrected["sensitive"] is None
