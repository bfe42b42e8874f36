"""Data sharing through the API, with the services of the recipients page and of
resettlement: an administrator records a delegation, its agreement and its partner account;
a resettlement officer lets the delegation see a person and ends it; a protection officer
releases data under an agreement and reads the log. The refusals are the services': nothing
for the state a person fled (D1, no override), no more than the agreement covers (D2), no
person outside the caller's sites (404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.sharing import services
from asylon.sharing.models import Disclosure, SharingGrant

RECIPIENTS = "/api/v1/recipients"
AGREED = ["reference", "full_name", "sex"]


def call(client, user, method, url, body=None, **query):
    headers = bearer(user, name=f"{user.get_username()}-{method}")
    if body is None:
        return getattr(client, method)(url, query, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin-a")


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, username="delegation-al")


@pytest.fixture
def delegation(po):
    return services.create_recipient(actor=po, name="Delegation of Albania", kind="RESETTLEMENT_COUNTRY", country="AL")


def test_an_administrator_records_a_delegation_its_agreement_and_its_account(client, admin, partner):
    r = call(client, admin, "post", RECIPIENTS, {"name": "Delegation of Albania", "kind": "RESETTLEMENT_COUNTRY"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["country"]
    r = call(
        client,
        admin,
        "post",
        RECIPIENTS,
        {"name": "Delegation of Albania", "kind": "RESETTLEMENT_COUNTRY", "country": "AL"},
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    agreement = {
        "reference": "AGR-AL-1",
        "purpose": "resettlement case processing",
        "fields": ["sex", "reference", "full_name", "reference"],
        "non_refoulement_undertaking": True,
        "valid_from": today().isoformat(),
    }
    r = call(client, admin, "post", f"{RECIPIENTS}/{rid}/agreements", agreement)
    assert r.status_code == 201, r.content
    assert r.json() | {"id": 0, "recorded_at": ""} == agreement | {
        "id": 0,
        "recipient": rid,
        "fields": ["full_name", "reference", "sex"],
        "valid_to": None,
        "recorded_at": "",
    }
    r = call(client, admin, "post", f"{RECIPIENTS}/{rid}/partner-accounts", {"user": "delegation-al"})
    assert r.status_code == 201, r.content
    recipient = call(client, admin, "get", f"{RECIPIENTS}/{rid}").json()
    assert recipient | {"created_at": ""} == {
        "id": rid,
        "name": "Delegation of Albania",
        "kind": "RESETTLEMENT_COUNTRY",
        "country": "AL",
        "acts_for": None,
        "agreements": [r.json()["agreements"][0]],
        "partner_accounts": ["delegation-al"],
        "created_at": "",
    }
    assert recipient["agreements"][0]["reference"] == "AGR-AL-1"
    assert [x["name"] for x in call(client, admin, "get", RECIPIENTS).json()] == ["Delegation of Albania"]
    assert AuditEvent.objects.filter(action="sharing.recipient_user_linked").count() == 1


def test_d1_no_account_may_act_for_the_state_people_at_its_sites_fled(client, admin, partner, resident):
    resident("REFUGEE")  # an Iranian at the account's site
    office = services.create_recipient(actor=admin, name="Trade office", kind="RESETTLEMENT_COUNTRY", country="IR")
    r = call(client, admin, "post", f"{RECIPIENTS}/{office.pk}/partner-accounts", {"user": "delegation-al"})
    assert r.status_code == 409, r.content
    assert (r.json()["code"], r.json()["rule"]) == ("safeguard_refusal", "D1")
    assert "Iran" in r.json()["detail"]
    assert call(client, admin, "get", f"{RECIPIENTS}/{office.pk}").json()["partner_accounts"] == []
    assert not AuditEvent.objects.filter(action="sharing.recipient_user_linked").exists()


def test_d1_a_country_of_origin_authority_gets_no_agreement(client, po):
    ministry = services.create_recipient(actor=po, name="Ministry", kind="COUNTRY_OF_ORIGIN_AUTHORITY", country="IR")
    body = {"reference": "X", "purpose": "any", "fields": ["reference"], "valid_from": today().isoformat()}
    r = call(client, po, "post", f"{RECIPIENTS}/{ministry.pk}/agreements", body)
    assert (r.status_code, r.json()["rule"]) == (409, "D1")
    assert call(client, po, "get", f"{RECIPIENTS}/{ministry.pk}").json()["agreements"] == []


def test_only_a_partner_account_the_caller_manages_can_be_linked(client, admin, delegation, clerk, make_user, site_b):
    elsewhere = make_user(Role.PARTNER, username="delegation-b", sites=[site_b])
    for username in (elsewhere.get_username(), clerk.get_username(), "nobody"):
        r = call(client, admin, "post", f"{RECIPIENTS}/{delegation.pk}/partner-accounts", {"user": username})
        assert r.status_code == 404, username
    assert not delegation.users.exists()


def test_a_grant_lets_the_delegation_see_the_person_until_it_ends(client, rso, partner, po, delegation, resident):
    services.link_recipient_user(actor=po, recipient=delegation, user=partner)
    person = resident("REFUGEE")
    assert call(client, partner, "get", f"/api/v1/persons/{person.reference}").status_code == 404

    body = {"persons": [person.reference], "reason": "Case submitted", "source": "solutions.submission:7"}
    r = call(client, rso, "post", f"{RECIPIENTS}/{delegation.pk}/grants", body)
    assert r.status_code == 201, r.content
    (grant,) = r.json()
    assert grant | {"id": 0, "granted_at": ""} == {
        "id": 0,
        "recipient": delegation.pk,
        "person": person.reference,
        "reason": "Case submitted",
        "source": "solutions.submission:7",
        "granted_at": "",
        "expires_at": None,
    }
    # Granting again keeps the grant in force: still one.
    assert call(client, rso, "post", f"{RECIPIENTS}/{delegation.pk}/grants", body).json() == [grant]
    assert call(client, partner, "get", f"/api/v1/persons/{person.reference}").status_code == 200

    expiry = {"persons": [person.reference], "reason": "Case closed."}
    r = call(client, rso, "post", f"{RECIPIENTS}/{delegation.pk}/grants/expiry", expiry)
    assert r.status_code == 200 and r.json() == {"ended": 1}
    assert call(client, partner, "get", f"/api/v1/persons/{person.reference}").status_code == 404
    listed = call(client, rso, "get", f"{RECIPIENTS}/{delegation.pk}/grants").json()
    assert [(g["person"], g["expires_at"] is not None) for g in listed] == [(person.reference, True)]
    assert call(client, rso, "get", f"{RECIPIENTS}/{delegation.pk}/grants", open="true").json() == []
    assert len(call(client, rso, "get", f"{RECIPIENTS}/{delegation.pk}/grants", open="false").json()) == 1


def test_grants_are_refused_for_the_state_fled_other_kinds_and_persons_elsewhere(
    client, rso, po, resident, delegation, make_user, site_b
):
    person = resident("REFUGEE")  # Iranian
    iran = services.create_recipient(actor=po, name="IR resettlement?", kind="RESETTLEMENT_COUNTRY", country="IR")
    ngo = services.create_recipient(actor=po, name="Legal aid", kind="NGO")
    body = {"persons": [person.reference], "reason": "Submission"}
    r = call(client, rso, "post", f"{RECIPIENTS}/{iran.pk}/grants", body)
    assert (r.status_code, r.json()["rule"]) == (409, "D1")
    r = call(client, rso, "post", f"{RECIPIENTS}/{ngo.pk}/grants", body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["recipient"]
    other_site = make_user(Role.RESETTLEMENT_OFFICER, username="rso-b", sites=[site_b])
    assert call(client, other_site, "post", f"{RECIPIENTS}/{delegation.pk}/grants", body).status_code == 404
    assert not SharingGrant.objects.exists()

    services.grant_sharing(actor=rso, recipient=delegation, persons=[person], reason="Submission")
    # The other site's officer sees neither the grant nor the site it names.
    assert call(client, other_site, "get", f"{RECIPIENTS}/{delegation.pk}/grants").json() == []
    r = call(client, other_site, "get", f"{RECIPIENTS}/{delegation.pk}/grants", site="AAA")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["site"]
    assert len(call(client, rso, "get", f"{RECIPIENTS}/{delegation.pk}/grants", site="AAA").json()) == 1
    r = call(client, other_site, "post", f"{RECIPIENTS}/{delegation.pk}/grants/expiry", body | {"reason": "x"})
    assert r.status_code == 404
    assert SharingGrant.objects.get().expires_at is None


def test_a_release_goes_only_as_far_as_the_agreement_and_the_log_counts_it(client, po, admin, resident):
    person = resident("REFUGEE")
    host = services.create_recipient(actor=po, name="Host ministry", kind="HOST_AUTHORITY", country="IQ")
    release = {"persons": [person.reference], "fields": ["reference", "full_name"], "purpose": "site census"}
    r = call(client, po, "post", f"{RECIPIENTS}/{host.pk}/releases", release)
    assert (r.status_code, r.json()["rule"]) == (409, "D2")  # no agreement yet
    services.record_sharing_agreement(
        actor=po,
        recipient=host,
        reference="MoU-2012",
        purpose="site census",
        fields=["reference"],
        non_refoulement_undertaking=True,
        valid_from=today() - timedelta(days=10),
    )
    r = call(client, po, "post", f"{RECIPIENTS}/{host.pk}/releases", release)
    assert (r.status_code, r.json()["rule"]) == (409, "D2")  # full_name is not covered
    r = call(client, po, "post", f"{RECIPIENTS}/{host.pk}/releases", release | {"fields": ["reference"]})
    assert r.status_code == 201, r.content
    decision = r.json()
    assert (decision["rule"], decision["fields"], decision["persons"], decision["purpose"]) == (
        "D2",
        ["reference"],
        [person.reference],
        "site census",
    )
    assert Disclosure.objects.get().person_refs == [person.reference]

    r = call(client, admin, "get", "/api/v1/disclosures")
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 1
    assert page["items"][0] | {"id": 0, "at": "", "legal_basis": ""} == {
        "id": 0,
        "at": "",
        "recipient": host.pk,
        "recipient_name": "Host ministry",
        "rule": "D2",
        "legal_basis": "",
        "purpose": "site census",
        "fields": ["reference"],
        "person_count": 1,
        "channel": "api:POST /recipients/{recipient_id}/releases",
        "actor": po.get_username(),
    }
    assert person.reference not in r.content.decode()  # the log counts persons, never names them
    assert call(client, admin, "get", "/api/v1/disclosures", rule="D3").json() == {"total": 0, "items": []}
    assert call(client, admin, "get", "/api/v1/disclosures", recipient=host.pk + 1).json()["total"] == 0
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert call(client, admin, "get", "/api/v1/disclosures", since=tomorrow).json()["total"] == 0
    assert call(client, admin, "get", "/api/v1/disclosures", until=today().isoformat()).json()["total"] == 1


@pytest.mark.parametrize(
    ("role", "reads", "records", "grants", "releases", "log"),
    [
        (Role.PROTECTION_OFFICER, 200, 201, True, True, 200),
        (Role.ADMINISTRATOR, 200, 201, True, False, 200),
        (Role.RESETTLEMENT_OFFICER, 200, 403, True, True, 403),
        (Role.RSD_OFFICER, 403, 403, False, False, 403),
        (Role.PARTNER, 403, 403, False, False, 403),
    ],
)
def test_who_may_use_which_sharing_route(client, make_user, delegation, role, reads, records, grants, releases, log):
    user = make_user(role, username=f"sharing-{role}")
    assert call(client, user, "get", RECIPIENTS).status_code == reads
    r = call(client, user, "post", RECIPIENTS, {"name": f"NGO {role}", "kind": "NGO"})
    assert r.status_code == records
    # An empty body: 422 for a role that may use the route, 403 before reading it for the others.
    r = call(client, user, "post", f"{RECIPIENTS}/{delegation.pk}/grants", {})
    assert r.status_code == (422 if grants else 403)
    r = call(client, user, "post", f"{RECIPIENTS}/{delegation.pk}/releases", {})
    assert r.status_code == (422 if releases else 403)
    assert call(client, user, "get", "/api/v1/disclosures").status_code == log
