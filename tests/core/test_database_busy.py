"""While another connection holds SQLite's write lock (a long import), a page or an API write
that waited past the lock timeout is answered 503 with Retry-After, never 500, and nothing
is written.

The lock is held as an import holds it: `BEGIN IMMEDIATE` on a second connection to the test
database file. Django's connection waits 0.2 s instead of 30 s so the test stays short.
SQLite only: PostgreSQL locks rows, not the database.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.db import connection

from asylon.accounts.services import issue_api_token
from asylon.registry.models import Household, Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def write_lock():
    """Hold the database's write lock from a second connection until the test ends."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 30000")


def household_form(site, unit):
    return {
        "site": site.code,
        "unit": unit.pk,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "register": "1",
        "members-0-relationship": "PA",
        "members-0-given_name": "Shirin",
        "members-0-family_name": "Rostami",
        "members-0-sex": "F",
        "members-0-date_of_birth": "1980-01-01",
        "members-0-dob_precision": "EXACT",
    }


def test_a_registration_page_waiting_on_the_lock_is_told_to_retry(client, clerk, site_a, unit_a, request):
    client.force_login(clerk)
    request.getfixturevalue("write_lock")  # taken once the user is signed in
    client.raise_request_exception = False  # as a browser sees it, without the test client's re-raise
    response = client.post("/households/new/", household_form(site_a, unit_a))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The register is busy with a long write" in response.content.decode()
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_a_page_that_only_saves_its_session_is_told_to_retry(client, clerk, site_a, household, request):
    """Reading a person writes nothing but the session (saved when its last save is a minute
    old, as here: the test signed in without a request)."""
    client.force_login(clerk)
    request.getfixturevalue("write_lock")
    client.raise_request_exception = False
    person = household.memberships.first().person
    response = client.get(f"/persons/{person.reference}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


@pytest.fixture
def token(clerk):
    return issue_api_token(actor=clerk, user=clerk)


def test_the_api_answers_503_with_retry_after_and_its_json_error(client, token, site_a, request):
    request.getfixturevalue("write_lock")
    body = {"site": "AAA", "members": [{"relationship": "PA", "given_name": "Kourosh", "sex": "M"}]}
    response = client.post(
        "/api/v1/households",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "database_busy"
    assert Person.objects.count() == 0
