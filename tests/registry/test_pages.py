"""The register's pages, driven as a clerk would with the test client."""

from __future__ import annotations

from datetime import date

import pytest

from asylon.registry.models import Household, Person
from asylon.registry.queries import AGE_BRACKETS


@pytest.fixture
def logged_in(client, clerk):
    client.force_login(clerk)
    return client


def form_data(site, unit, members):
    data = {
        "site": site.code,
        "unit": unit.pk,
        "arrival_date": "2012-02-18",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "register": "1",
    }
    for i, m in enumerate(members):
        for k, v in m.items():
            data[f"members-{i}-{k}"] = v
    return data


def m(rel, name, sex, dob="1980-01-01"):
    return {
        "relationship": rel,
        "given_name": name,
        "family_name": "Rostami",
        "sex": sex,
        "date_of_birth": dob,
        "dob_precision": "EXACT",
        "nationality": "IR",
        "country_of_origin": "IR",
    }


def test_register_household_of_three_then_find_it(logged_in, site_a, unit_a):
    response = logged_in.post(
        "/households/new/",
        form_data(
            site_a, unit_a, [m("PA", "Babak", "M"), m("SPOUSE", "Shirin", "F"), m("CHILD", "Arman", "M", "2009-09-09")]
        ),
    )
    assert response.status_code == 302
    assert Household.objects.count() == 1 and Person.objects.count() == 3
    page = logged_in.get("/persons/?sex=F")
    assert "Shirin" in page.content.decode() and "Babak" not in page.content.decode()


def test_form_shows_errors_and_keeps_nothing(logged_in, site_a, unit_a):
    response = logged_in.post(
        "/households/new/",
        form_data(site_a, unit_a, [m("SPOUSE", "Shirin", "F"), m("CHILD", "Arman", "M", "2999-01-01")]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "principal applicant" in html and "in the future" in html
    assert Person.objects.count() == 0


def test_blank_extra_rows_are_ignored(logged_in, site_a, unit_a):
    data = form_data(site_a, unit_a, [m("PA", "Babak", "M")])
    data["members-TOTAL_FORMS"] = "3"
    for i in (1, 2):  # what a browser sends for an untouched row
        data.update({f"members-{i}-relationship": "", f"members-{i}-sex": "", f"members-{i}-dob_precision": ""})
    response = logged_in.post("/households/new/", data)
    assert response.status_code == 302 and Person.objects.count() == 1


def test_person_page_and_correction(logged_in, household):
    page = logged_in.get("/persons/AAA-000001/")
    assert page.status_code == 200 and "Dariush" in page.content.decode()
    form = logged_in.get("/persons/AAA-000001/correct/")
    assert form.status_code == 200
    data = {
        "given_name": "Dariush",
        "family_name": "Tehrani",
        "sex": "M",
        "date_of_birth": "1980-03-01",
        "dob_precision": "EXACT",
        "nationality": "IR",
        "country_of_origin": "IR",
        "reason": "",
    }
    refused = logged_in.post("/persons/AAA-000001/correct/", data)
    assert refused.status_code == 200 and Person.objects.get(reference="AAA-000001").family_name == "Tehranifar"
    data["reason"] = "Passport"
    assert logged_in.post("/persons/AAA-000001/correct/", data).status_code == 302
    assert Person.objects.get(reference="AAA-000001").family_name == "Tehrani"


def test_list_filters_by_age_bracket(logged_in, household):
    from asylon.core.dates import age_on, today

    sara_age = age_on(date(2010, 5, 5), today())
    bracket = next(k for k, (lo, hi) in AGE_BRACKETS.items() if lo <= sara_age and (hi is None or sara_age <= hi))
    html = logged_in.get(f"/persons/?age_bracket={bracket}").content.decode()
    assert "Sara" in html and "Parvaneh" not in html
    html = logged_in.get("/persons/?age_bracket=18-59").content.decode()
    assert "Sara" not in html and "Parvaneh" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/persons/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_filters_by_specific_need(logged_in, clerk, site_a):
    from tests.conftest import member

    from asylon.registry import services

    services.register_household(
        actor=clerk,
        site=site_a,
        members=[
            member(given_name="Behrouz", specific_needs=["SM-CI"]),
            member("CHILD", given_name="Kaveh", date_of_birth=date(2012, 1, 1)),
        ],
    )
    by_category = logged_in.get("/persons/?specific_need=SM").content.decode()
    by_code = logged_in.get("/persons/?specific_need=SM-CI").content.decode()
    other = logged_in.get("/persons/?specific_need=DS").content.decode()
    assert "Behrouz" in by_category and "Kaveh" not in by_category
    assert "Behrouz" in by_code
    assert "Behrouz" not in other


def test_reference_data_does_not_change_through_the_admin(client, site_a):
    """Issue 18: the admin is read-only and for superusers only; sites change through the
    registry services, which check scope and write the audit event."""
    from asylon.accounts.services import create_user
    from asylon.audit.models import AuditEvent

    admin_user = create_user(actor=None, username="adm", role="administrator", sites=[site_a], is_staff=True).user
    client.force_login(admin_user)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/admin/registry/site/{site_a.pk}/change/",
        {
            "code": "AAA",
            "name": "Site A renamed",
            "host_country": "IQ",
            "designation": "TTL",
            "designated_on": "",
            "capacity": "",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.post(f"/admin/registry/site/{site_a.pk}/delete/", {"post": "yes"}).status_code == 302
    site_a.refresh_from_db()
    assert site_a.name == "Site A"
    assert AuditEvent.objects.count() == before
