"""Big legal-status acts show what they will change and act only when confirmed.

The first POST changes nothing and names the persons and counts a user reads; the POST
carrying confirm=yes acts. The API refuses the same acts without "confirm": true with a 409
whose preview carries the same figures.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from tests.confirm_page import asks_to_confirm, summary
from tests.conftest import member
from tests.signin import sign_in, totp_device
from tests.status.conftest import D0

from asylon.accounts.services import issue_api_token
from asylon.core.dates import today
from asylon.registry import services as registry
from asylon.registry.models import Person
from asylon.status import services
from asylon.status.models import GroupDeclaration, RsdCase, StatusEntry
from asylon.status.queries import Criteria


@pytest.fixture
def api(client):
    def make(user):
        totp_device(user)
        token = issue_api_token(actor=user, user=user)

        def call(method: str, path: str, body=None):
            return getattr(client, method)(
                f"/api/v1{path}",
                data=json.dumps(body, default=str),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )

        return call

    return make


@pytest.fixture
def declared(clerk, protection_officer, site_a):
    """24 Iranians (8 households of 3) recognised by one declaration."""
    for n in range(8):
        registry.register_household(
            actor=clerk,
            site=site_a,
            arrival_date=date(2012, 3, 1),
            members=[
                member(given_name=f"Pa{n:02}", registered_on=date(2012, 3, 1)),
                member("SPOUSE", given_name=f"Sp{n:02}", sex="F", registered_on=date(2012, 3, 1)),
                member("CHILD", given_name=f"Ch{n:02}", registered_on=date(2012, 3, 1), date_of_birth=date(2009, 1, 1)),
            ],
        )
    return services.declare_group(
        actor=protection_officer,
        criteria=Criteria(site=site_a, nationality="IR", cutoff_kind="ARRIVAL", cutoff_date=date(2013, 1, 1)),
        effective_on=date(2013, 2, 1),
        legal_basis="1951_CONV",
        recognised_by="UNHCR",
        legal_basis_text="Prima facie determination (synthetic).",
    )


DECLARATION_FORM = {
    "site": "AAA",
    "nationality": "IR",
    "cutoff_kind": "REGISTRATION",
    "cutoff_date": "2013-01-01",
    "effective_on": "2013-02-01",
    "legal_basis": "1951_CONV",
    "recognised_by": "UNHCR",
    "legal_basis_text": "Prima facie (synthetic).",
}


def test_a_declaration_confirmed_with_other_criteria_than_previewed_is_previewed_again(
    client, protection_officer, family
):
    sign_in(client, protection_officer)
    preview = client.post("/declarations/new/", {**DECLARATION_FORM, "preview": "1"})
    assert "3 persons match and will be recognised" in summary(preview)
    previewed = re.search(r'name="previewed" value="(\w+)"', preview.content.decode()).group(1)
    changed = {**DECLARATION_FORM, "nationality": "AF", "previewed": previewed, "confirm": "yes"}
    again = client.post("/declarations/new/", changed)
    assert "The declaration changed since the preview" in again.content.decode()
    assert "0 persons match and will be recognised" in summary(again)
    assert not GroupDeclaration.objects.exists()
    done = client.post("/declarations/new/", {**DECLARATION_FORM, "previewed": previewed, "confirm": "yes"})
    assert done.status_code == 302 and GroupDeclaration.objects.get().applied_count == 3


def test_revoking_a_declaration_first_shows_the_statuses_that_end(client, protection_officer, declared):
    persons = list(Person.objects.order_by("reference"))
    sign_in(client, protection_officer)
    first = client.post(f"/declarations/{declared.pk}/revoke/", {"reason": "Issued in error."})
    assert asks_to_confirm(first)
    text = summary(first)
    assert "24 statuses recognised by this declaration will be reverted." in text
    assert "For 24 of these persons it is the status in force now" in text
    assert "AAA Site A 24" in text
    assert all(f"{p.reference} {p.full_name}" in text for p in persons[:20])
    assert persons[20].reference not in text and "and 4 more" in text
    assert GroupDeclaration.objects.get().revoked_at is None
    assert not StatusEntry.objects.filter(reverted_at__isnull=False).exists()

    done = client.post(f"/declarations/{declared.pk}/revoke/", {"reason": "Issued in error.", "confirm": "yes"})
    assert done.status_code == 302
    assert GroupDeclaration.objects.get().reverted_count == 24


def test_a_declaration_revoked_without_a_reason_asks_for_one_and_previews_nothing(client, protection_officer, declared):
    sign_in(client, protection_officer)
    r = client.post(f"/declarations/{declared.pk}/revoke/", {"reason": ""})
    assert r.status_code == 422 and 'id="confirm-summary"' not in r.content.decode()


def test_the_api_revokes_a_declaration_only_with_confirm(api, protection_officer, declared):
    call = api(protection_officer)
    first = call("post", f"/group-declarations/{declared.pk}/revoke", {"reason": "Issued in error."})
    assert first.status_code == 409
    body = first.json()
    assert body["code"] == "confirmation_required"
    assert body["preview"]["statuses"] == 24 and body["preview"]["more"] == 4
    assert body["preview"]["by_site"] == [{"site": "AAA", "name": "Site A", "count": 24}]
    first_person = Person.objects.order_by("reference").first()
    assert body["preview"]["sample"][0] == {"reference": first_person.reference, "name": first_person.full_name}
    assert GroupDeclaration.objects.get().revoked_at is None
    done = call("post", f"/group-declarations/{declared.pk}/revoke", {"reason": "Issued in error.", "confirm": True})
    assert done.status_code == 200 and done.json()["reverted_count"] == 24


def test_revoking_a_site_designation_says_what_the_site_returns_to(client, api, protection_officer, site_a, family):
    act = services.designate_site(
        actor=protection_officer,
        site=site_a,
        designation="REFUGEE_CAMP",
        effective_on=date(2013, 3, 1),
        legal_basis_text="Act (synthetic).",
    )
    sign_in(client, protection_officer)
    first = client.post(f"/site-designations/{act.pk}/revoke/", {"reason": "Entered in error."})
    assert asks_to_confirm(first)
    text = summary(first)
    assert "Site AAA stops being a “refugee camp” and is again a “temporary transit location”." in text
    assert "3 persons are registered at this site." in text
    site_a.refresh_from_db()
    assert site_a.designation == "REFUGEE_CAMP"

    refused = api(protection_officer)("post", f"/site-designations/{act.pk}/revoke", {"reason": "Entered in error."})
    assert refused.status_code == 409 and refused.json()["preview"]["back_to"] == "temporary transit location"

    done = client.post(f"/site-designations/{act.pk}/revoke/", {"reason": "Entered in error.", "confirm": "yes"})
    assert done.status_code == 302
    site_a.refresh_from_db()
    assert site_a.designation == "TTL"


# --- RSD steps ------------------------------------------------------------------------------

NOTIFIED_ON = today() - timedelta(days=40)  # the 30-day appeal window has passed

STEPS = [
    pytest.param(
        "NO_SHOW",
        "close_abandoned",
        {"close_abandoned-reasons": "No contact for six weeks."},
        ["asylum seeker", "closed (abandoned)", "there is no decision to appeal"],
        "CLOSED_ABANDONED",
        id="close-abandoned",
    ),
    pytest.param(
        "ASSESSED",
        "decide",
        {"decide-decide_outcome": "REJECTED", "decide-reasons": "Fear not well-founded."},
        ["unchanged for now", "Decision: rejected.", "the applicant has 30 days to appeal"],
        "DECIDED",
        id="reject",
    ),
    pytest.param(
        "DECIDED",
        "notify",
        {"notify-on": today().isoformat()},
        [f"may appeal until {(today() + timedelta(days=30)).isoformat()}", "finally rejected"],
        "NOTIFIED",
        id="notify-rejection",
    ),
    pytest.param(
        "NOTIFIED",
        "finalise",
        {},
        [
            "finally rejected",
            f"No appeal was lodged by {(NOTIFIED_ON + timedelta(days=30)).isoformat()}",
            "the right to appeal ends",
        ],
        "CLOSED",
        id="finalise-rejection",
    ),
]


@pytest.mark.parametrize(("state", "action", "fields", "reads", "after"), STEPS)
def test_a_grave_rsd_step_shows_persons_status_and_appeal_first(
    client, officer1, driver, family, state, action, fields, reads, after
):
    case = driver.to_state(driver.new_case(family[0], family[1:]), state, notify_on=NOTIFIED_ON)
    sign_in(client, officer1)
    post = {"action": action, **fields}
    first = client.post(f"/rsd/{case.reference}/step/", post)
    assert asks_to_confirm(first)
    text = summary(first)
    for person in family:
        assert f"{person.reference} {person.full_name}" in text
    for words in reads:
        assert words in text
    assert RsdCase.objects.get().state == state

    done = client.post(f"/rsd/{case.reference}/step/", {**post, "confirm": "yes"})
    assert done.status_code == 302 and RsdCase.objects.get().state == after


def test_a_recognition_needs_no_confirmation(client, officer1, driver, family):
    case = driver.to_state(driver.new_case(family[0]), "ASSESSED")
    sign_in(client, officer1)
    r = client.post(
        f"/rsd/{case.reference}/step/",
        {
            "action": "decide",
            "decide-decide_outcome": "RECOGNISED",
            "decide-reasons": "Well-founded fear.",
            "decide-grounds": ["POLITICAL_OPINION"],
            "decide-legal_basis": "1951_CONV",
            "decide-recognised_by": "UNHCR",
        },
    )
    assert r.status_code == 302 and RsdCase.objects.get().state == "DECIDED"


def test_the_api_takes_a_rejection_only_with_confirm(api, officer1, driver, family):
    case = driver.to_state(driver.new_case(family[0]), "ASSESSED")
    call = api(officer1)
    body = {"action": "decide", "on": str(D0), "outcome": "REJECTED", "reasons": "Fear not well-founded."}
    first = call("post", f"/rsd-cases/{case.reference}/transitions", body)
    assert first.status_code == 409 and first.json()["code"] == "confirmation_required"
    preview = first.json()["preview"]
    assert preview["persons"] == [
        {"reference": family[0].reference, "name": family[0].full_name, "status": "asylum seeker"}
    ]
    assert any("30 days to appeal" in c for c in preview["consequences"])
    assert RsdCase.objects.get().state == "ASSESSED"
    done = call("post", f"/rsd-cases/{case.reference}/transitions", {**body, "confirm": True})
    assert done.status_code == 200 and done.json()["state"] == "DECIDED"
