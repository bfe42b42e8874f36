"""What the databases cannot store is refused at the API's edge, alike on SQLite and PostgreSQL:
a 422 naming the field and the reason, never a 500, and the record left as it was.

Each case here answered 500 on PostgreSQL (a NUL byte, a value past the column's length, an
integer past 64 bits) or on both databases (a negative offset), or was stored in full on SQLite
(a 5,000-character `languages`)."""

from __future__ import annotations

import json

import pytest
from tests.signin import bearer

from asylon.registry.models import Household, Person


@pytest.fixture
def as_officer(client, protection_officer):
    headers = bearer(protection_officer)

    def call(method: str, path: str, body=None):
        kwargs = dict(headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def _refused(response, field: str, reason: str) -> None:
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert any(e["loc"][-1] == field and reason in e["msg"] for e in errors), errors


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/persons?site=AAA%00", "site"),
        ("/persons?presence=PRESENT%00", "presence"),
        ("/incidents?kind=PROPERTY%00", "kind"),
        ("/movements?person=AAA-000001%00", "person"),
        ("/rsd-cases?state=REGISTERED%00", "state"),
        ("/persons/search?q=Sara%00", "q"),
        ("/persons/AAA-000001%00", "reference"),
        ("/households/AAA%00/", "reference"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None,
)
def test_a_nul_byte_in_a_parameter_is_named_not_a_500(as_officer, household, path, field):
    _refused(as_officer("get", path.rstrip("/")), field, "control characters")


@pytest.mark.parametrize("offset", ["-1", str(2**63), "99999999999999"])
def test_an_offset_out_of_range_is_refused(as_officer, offset):
    _refused(as_officer("get", f"/incidents?offset={offset}"), "offset", "")


def test_an_id_past_64_bits_is_refused(as_officer):
    _refused(as_officer("get", f"/roll-calls/{2**63}"), "pk", "less than or equal")


def test_a_count_past_the_columns_range_is_refused(as_officer, site_a):
    body = {"site": site_a.code, "kind": "PROPERTY", "occurred_at": "2013-05-01T10:00:00Z", "severity": 2**63}
    _refused(as_officer("post", "/incidents", body), "severity", "less than or equal")


def test_languages_longer_than_the_field_are_refused_and_nothing_is_stored(as_officer, household):
    person = Person.objects.filter(memberships__household=household).first()
    before = person.languages
    response = as_officer("patch", f"/persons/{person.reference}", {"reason": "Typo", "languages": "fa," * 1700})
    _refused(response, "languages", "at most 100 characters")
    person.refresh_from_db()
    assert person.languages == before


def test_a_nul_byte_in_a_name_registers_nobody(as_officer, site_a):
    households = Household.objects.count()
    body = {"site": site_a.code, "members": [{"relationship": "PA", "given_name": "Sa\x00ra", "sex": "F"}]}
    _refused(as_officer("post", "/households", body), "given_name", "U+0000")
    assert Household.objects.count() == households


def test_line_breaks_stay_allowed_in_free_text(as_officer, household):
    person = Person.objects.filter(memberships__household=household).first()
    response = as_officer("patch", f"/persons/{person.reference}", {"reason": "Interview:\n\tspelling", "sex": "M"})
    assert response.status_code == 200, response.content


def test_a_line_break_in_a_name_is_refused(as_officer, household):
    person = Person.objects.filter(memberships__household=household).first()
    response = as_officer("patch", f"/persons/{person.reference}", {"reason": "Typo", "given_name": "Da\nriush"})
    _refused(response, "given_name", "U+000A")
