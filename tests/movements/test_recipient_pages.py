"""Recipients, agreements and partner accounts are managed from pages: the
administrator records a delegation, its agreement, and links the delegation's partner
account; a recipient acting for the state people fled can never be given an account (D1),
and a refused link leaves the recipient without it."""

from __future__ import annotations

import pytest
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.core.errors import NotFound, SafeguardRefusal
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Recipient, SharingAgreement

PAGE = "/movements/recipients/"


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin-a")


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, username="delegation-al")


def test_the_administrator_records_a_delegation_its_agreement_and_its_account(client, admin, partner):
    sign_in(client, admin)
    assert client.get(PAGE).status_code == 200
    client.post(
        PAGE, {"what": "recipient", "name": "Albania delegation", "kind": "RESETTLEMENT_COUNTRY", "country": "AL"}
    )
    delegation = Recipient.objects.get(name="Albania delegation")
    client.post(
        PAGE,
        {
            "what": "agreement",
            "recipient": delegation.pk,
            "reference": "AGR-AL-1",
            "purpose": "resettlement case processing",
            "field_list": "reference, full_name, sex",
            "non_refoulement_undertaking": "on",
            "valid_from": today().isoformat(),
        },
    )
    response = client.post(PAGE, {"what": "link", "recipient": delegation.pk, "user": partner.pk}, follow=True)
    body = response.content.decode()
    assert list(delegation.users.all()) == [partner]
    assert SharingAgreement.objects.get(recipient=delegation).fields == ["full_name", "reference", "sex"]
    assert "AGR-AL-1" in body and "delegation-al" in body  # the list shows the agreement and the account
    assert AuditEvent.objects.filter(action="sharing.recipient_user_linked").count() == 1


def test_an_account_for_the_state_people_fled_is_refused_on_the_page(client, admin, partner, resident):
    resident("REFUGEE")  # an Iranian at the account's site
    embassy = sharing_services.create_recipient(actor=admin, name="Iranian consular office", kind="NGO", country="IR")
    sign_in(client, admin)
    response = client.post(PAGE, {"what": "link", "recipient": embassy.pk, "user": partner.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "D1" in body and "Iran" in body
    assert not embassy.users.exists()
    assert not AuditEvent.objects.filter(action="sharing.recipient_user_linked").exists()


def test_d1_the_service_refuses_an_account_acting_for_the_state_of_origin(po, partner, resident):
    resident("REFUGEE")
    office = sharing_services.create_recipient(actor=po, name="Trade office", kind="RESETTLEMENT_COUNTRY", country="IR")
    with pytest.raises(SafeguardRefusal) as refused:
        sharing_services.link_recipient_user(actor=po, recipient=office, user=partner)
    assert refused.value.rule == "D1"
    assert not office.users.exists()


def test_an_account_at_a_site_the_actor_does_not_hold_cannot_be_linked(po, make_user, site_b):
    elsewhere = make_user(Role.PARTNER, username="delegation-b", sites=[site_b])
    delegation = sharing_services.create_recipient(
        actor=po, name="Albania delegation", kind="RESETTLEMENT_COUNTRY", country="AL"
    )
    with pytest.raises(NotFound):
        sharing_services.link_recipient_user(actor=po, recipient=delegation, user=elsewhere)
    assert not delegation.users.exists()


def test_a_clerk_cannot_reach_the_page(client, clerk):
    sign_in(client, clerk)
    assert client.get(PAGE).status_code == 404
