"""Names made of invisible characters: every way in (page, API, import) stores a name in NFC
without bidi controls or zero-width characters, keeps the Persian ZWNJ between letters, and
refuses a name that is nothing once they are gone, naming the field."""

from __future__ import annotations

import json

import pytest
from tests.reports.kobo import FLAT_HEADERS, write_csv

from asylon.accounts.services import issue_api_token
from asylon.registry.models import Household, Person
from asylon.registry.validation import normalise_name
from asylon.reports.imports.services import import_registrations
from asylon.reports.models import ImportStatus

ZWNJ = "\u200c"
INVISIBLE = "\u200b\u202e\u2066\ufeff\u200c"  # zero-width space, RTL override, isolate, BOM, ZWNJ


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        (INVISIBLE, ""),
        ("\u202eKourosh\u202c", "Kourosh"),  # an override that would show the name reversed
        (f"{ZWNJ}علی{ZWNJ}رضا{ZWNJ}", f"علی{ZWNJ}رضا"),  # ZWNJ kept between letters only
        ("Ali \u200b Reza", "Ali Reza"),
        ("E\u0301milie", "\u00c9milie"),  # NFC: one code point for É
    ],
)
def test_a_name_is_normalised(entered, stored):
    assert normalise_name(entered) == stored


@pytest.fixture
def api(client, clerk):
    token = issue_api_token(actor=clerk, user=clerk)

    def post(path: str, body: dict):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **auth)

    return post


def household(**pa):
    return {
        "site": "AAA",
        "members": [{"relationship": "PA", "given_name": "Kourosh", "sex": "M", "date_of_birth": "1975-06-01", **pa}],
    }


def test_the_api_refuses_a_given_name_of_invisible_characters(api, site_a):
    response = api("/households", household(given_name=INVISIBLE))
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert errors[("members", "0", "given_name")] == "This name is made only of invisible characters."
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_the_api_refuses_a_family_name_of_invisible_characters(api, site_a):
    response = api("/households", household(family_name="\u2066\u2069"))
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert "invisible" in errors[("members", "0", "family_name")]
    assert Person.objects.count() == 0


def test_the_api_stores_a_name_without_its_overrides(api, site_a):
    response = api("/households", household(given_name="\u202eKourosh\u202c", family_name=f"Ali{ZWNJ}zadeh\u200b"))
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == ("Kourosh", f"Ali{ZWNJ}zadeh")


def test_the_registration_page_refuses_an_invisible_name(client, clerk, site_a, unit_a):
    client.force_login(clerk)
    data = {
        "site": site_a.code,
        "unit": unit_a.pk,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "register": "1",
        "members-0-relationship": "PA",
        "members-0-given_name": "\u200b\u200b",
        "members-0-family_name": "Rostami",
        "members-0-sex": "F",
        "members-0-date_of_birth": "1980-01-01",
        "members-0-dob_precision": "EXACT",
    }
    response = client.post("/households/new/", data)
    assert response.status_code == 200
    assert "This name is made only of invisible characters." in response.content.decode()
    assert Person.objects.count() == 0


def test_an_import_reports_the_invisible_name_by_row_and_column(tmp_path, clerk, site_a, unit_a):
    rows = [
        ["HH1", "PA", "Shirin", "Babak", "Golbahar", "F", "01/01/1990", "IR", "Block 1", "T01", ""],
        ["HH2", "PA", INVISIBLE, "Babak", "Golbahar", "F", "01/01/1991", "IR", "Block 1", "T01", ""],
    ]
    path = write_csv(tmp_path / "names.csv", FLAT_HEADERS, rows)
    run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False)
    assert run.status == ImportStatus.FAILED
    assert [(e["row"], e["column"], e["message"]) for e in run.errors] == [
        (3, "First name", "This name is made only of invisible characters.")
    ]
    assert Person.objects.count() == 0
