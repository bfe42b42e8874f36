"""SV and TR needs are protection information (DOMAIN.md 4): a role that may not read
sensitive fields is not told that a person has one, on the page, in the API or by filtering."""

from __future__ import annotations

import pytest
from tests.conftest import member
from tests.signin import sign_in

from asylon.registry import services


@pytest.fixture
def survivor(clerk, site_a, unit_a):
    household = services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        members=[member(given_name="Golnar", sex="F", specific_needs=["SV", "SM-CI"])],
    )
    return household.memberships.get().person


def test_clerk_reads_the_medical_need_but_not_the_violence_one(client, clerk, survivor):
    sign_in(client, clerk)
    text = client.get(f"/persons/{survivor.reference}/").content.decode()
    assert "SM-CI" in text
    assert "SV " not in text and "violence" not in text.lower()

    api = client.get(f"/api/v1/persons/{survivor.reference}").json()
    assert [n["code"] for n in api["specific_needs"]] == ["SM-CI"]
    listed = client.get("/api/v1/persons", {"site": survivor.site.code}).json()["items"]
    assert [n["code"] for n in listed[0]["specific_needs"]] == ["SM-CI"]


def test_protection_officer_reads_both(client, protection_officer, survivor):
    sign_in(client, protection_officer)
    api = client.get(f"/api/v1/persons/{survivor.reference}").json()
    assert sorted(n["code"] for n in api["specific_needs"]) == ["SM-CI", "SV"]
    assert "SV " in client.get(f"/persons/{survivor.reference}/").content.decode()


def test_filtering_by_a_restricted_need_is_refused_to_the_clerk(client, clerk, protection_officer, survivor):
    sign_in(client, clerk)
    refused = client.get("/api/v1/persons", {"specific_need": "SV"})
    assert refused.status_code == 403 and "restricted need" in refused.json()["detail"]
    assert client.get("/persons/", {"specific_need": "TR"}).status_code == 403
    assert client.get("/api/v1/persons", {"specific_need": "SM"}).json()["items"][0]["reference"] == survivor.reference

    sign_in(client, protection_officer)
    found = client.get("/api/v1/persons", {"specific_need": "SV"}).json()["items"]
    assert [p["reference"] for p in found] == [survivor.reference]
