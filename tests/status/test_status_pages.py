"""The legal-status pages, driven with the test client as officers would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tests.html_text import visible_text
from tests.signin import sign_in
from tests.status.conftest import D0

from asylon.core.dates import today
from asylon.status.models import GroupDeclaration, RsdCase


def test_open_a_case_and_take_steps_with_the_buttons(client, officer1, family):
    sign_in(client, officer1)
    pa, spouse, child = family
    r = client.post(
        "/rsd/new/",
        {"applicant": pa.reference, "dependants": f"{spouse.reference} {child.reference}", "registered_on": D0},
    )
    assert r.status_code == 302, r.content
    case = RsdCase.objects.get()
    page = client.get(f"/rsd/{case.reference}/").content.decode()
    assert "Schedule the interview" in page and "Record the interview" not in page
    # An impossible step is refused and changes nothing.
    r = client.post(f"/rsd/{case.reference}/step/", {"action": "decide"})
    assert r.status_code == 302 and RsdCase.objects.get().state == "REGISTERED"
    r = client.post(
        f"/rsd/{case.reference}/step/",
        {"action": "schedule_interview", "schedule_interview-interview_on": today(), "schedule_interview-on": today()},
    )
    assert r.status_code == 302 and RsdCase.objects.get().state == "INTERVIEW_SCHEDULED"
    assert case.reference in client.get("/rsd/?queue=interviews_this_week").content.decode()
    r = client.post(f"/rsd/{case.reference}/step/", {"action": "record_interview", "record_interview-notes": ""})
    assert r.status_code == 422 and "required" in r.content.decode()
    r = client.post(f"/rsd/{case.reference}/step/", {"action": "record_interview", "record_interview-notes": "Held."})
    assert r.status_code == 302
    page = client.get(f"/rsd/{case.reference}/").content.decode()
    assert "Held." in page and "Record the inclusion assessment" in page
    assert case.reference in client.get("/rsd/?queue=mine").content.decode()
    history = client.get(f"/persons/{child.reference}/status/").content.decode()
    assert "asylum seeker" in history and "ASYLUM_SEEKER" not in visible_text(history) and case.reference in history


def test_clerk_sees_status_but_not_cases_or_reasons(client, clerk, driver, family):
    case = driver.to_state(driver.new_case(family[0]), "INTERVIEWED")
    sign_in(client, clerk)
    assert client.get(f"/persons/{family[0].reference}/status/").status_code == 200
    assert "Legal status and its history" in client.get(f"/persons/{family[0].reference}/").content.decode()
    assert client.get(f"/rsd/{case.reference}/").status_code == 404
    assert client.get("/rsd/").status_code == 404
    assert client.get("/declarations/new/").status_code == 404


def test_declaration_preview_then_confirm_then_revoke(client, protection_officer, family):
    sign_in(client, protection_officer)
    form = {
        "site": "AAA",
        "nationality": "IR",
        "cutoff_kind": "REGISTRATION",
        "cutoff_date": "2013-01-01",
        "effective_on": "2013-02-01",
        "legal_basis": "1951_CONV",
        "recognised_by": "UNHCR",
        "legal_basis_text": "Prima facie (synthetic).",
    }
    preview = client.post("/declarations/new/", {**form, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "3 persons match" in body and family[2].reference in body
    assert GroupDeclaration.objects.count() == 0
    previewed = re.search(r'name="previewed" value="(\w+)"', body).group(1)
    r = client.post("/declarations/new/", {**form, "previewed": previewed, "confirm": "yes"})
    assert r.status_code == 302
    declaration = GroupDeclaration.objects.get()
    assert "refugee" in client.get(f"/persons/{family[0].reference}/status/").content.decode()
    r = client.post(f"/declarations/{declaration.pk}/revoke/", {"reason": "Issued in error."})
    assert r.status_code == 200 and GroupDeclaration.objects.get().revoked_at is None
    r = client.post(f"/declarations/{declaration.pk}/revoke/", {"reason": "Issued in error.", "confirm": "yes"})
    assert r.status_code == 302
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "3 statuses reverted" in page
    history = client.get(f"/persons/{family[0].reference}/status/").content.decode()
    assert "<del>refugee</del>" in history


@pytest.mark.parametrize("path", ["/rsd/", "/declarations/", "/site-designations/"])
def test_statistics_viewer_sees_none_of_it(client, make_user, path, family):
    sign_in(client, make_user("statistics_viewer", username="stats"))
    assert client.get(path).status_code == 404
    assert client.get(f"/persons/{family[0].reference}/status/").status_code == 404


def test_designation_page(client, protection_officer, site_a):
    sign_in(client, protection_officer)
    r = client.post(
        "/site-designations/",
        {
            "site": "AAA",
            "designation": "REFUGEE_CAMP",
            "effective_on": today() - timedelta(days=1),
            "legal_basis_text": "Act.",
        },
    )
    assert r.status_code == 302
    site_a.refresh_from_db()
    assert site_a.designation == "REFUGEE_CAMP"
