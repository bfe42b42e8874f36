"""Pages and API answers that carry personal data tell every browser and proxy to keep no
copy (`Cache-Control: no-store, private`); static files keep their caching."""

from __future__ import annotations

import pytest

from asylon.accounts.services import issue_api_token


def no_store(response) -> bool:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"no-store", "private"} <= directives


def test_a_person_page_is_not_stored(client, clerk, household):
    client.force_login(clerk)
    person = household.memberships.first().person
    response = client.get(f"/persons/{person.reference}/")
    assert response.status_code == 200 and person.given_name in response.content.decode()
    assert no_store(response)


def test_an_api_answer_is_not_stored(client, clerk, household):
    token = issue_api_token(actor=clerk, user=clerk)
    person = household.memberships.first().person
    response = client.get(f"/api/v1/persons/{person.reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["given_name"] == person.given_name
    assert no_store(response)


@pytest.mark.django_db
def test_the_login_page_is_not_stored(client):
    assert no_store(client.get("/accounts/login/"))


@pytest.mark.django_db
def test_static_files_are_not_touched(client):
    response = client.get("/static/asylon/asylon.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
