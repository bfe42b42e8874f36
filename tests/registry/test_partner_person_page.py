"""A partner (a resettlement country's delegation) opening a person's page reads a refusal
in its own language, never a server error: a person not shared with it does not exist for
it (404, D3); a shared person whose page asks for more than the agreement covers is refused
with the rule (403), and nothing is released."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.movements.conftest import resident  # noqa: F401  (a fixture)
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Disclosure


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def delegation(po, rso, resident, make_user):  # noqa: F811
    country = sharing_services.create_recipient(
        actor=po, name="Albania delegation", kind="RESETTLEMENT_COUNTRY", country="AL"
    )
    sharing_services.record_sharing_agreement(
        actor=po,
        recipient=country,
        reference="AGR-AL",
        purpose="resettlement case processing",
        fields=["reference", "full_name", "sex", "date_of_birth", "nationality"],
        valid_from=today() - timedelta(days=30),
    )
    partner = make_user(Role.PARTNER, username="partner-al")
    partner.language = "fa"
    partner.save(update_fields=["language"])
    sharing_services.link_recipient_user(actor=po, recipient=country, user=partner)
    shared, other = resident("REFUGEE", given_name="Sharedperson"), resident("REFUGEE", given_name="Hiddenperson")
    sharing_services.grant_sharing(
        actor=rso, recipient=country, persons=[shared], reason="Submission 2013/4", source="t:1"
    )
    return partner, shared, other


def test_a_person_not_shared_with_the_partner_is_a_404_in_its_language(client, delegation):
    partner, shared, other = delegation
    sign_in(client, partner)
    response = client.get(f"/persons/{other.reference}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'dir="rtl"' in body and "Hiddenperson" not in body
    assert "یافت نشد" in body  # "not found", in Persian
    assert "D3" in body


def test_a_refused_release_is_a_403_naming_the_rule_in_the_partners_language(client, delegation):
    partner, shared, other = delegation
    sign_in(client, partner)
    client.raise_request_exception = False
    response = client.get(f"/persons/{shared.reference}/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'dir="rtl"' in body and "Sharedperson" not in body
    assert "D3" in body
    assert not Disclosure.objects.exists()


def test_the_refusal_names_the_fields_by_their_labels_and_the_basis_in_persian_digits(client, delegation):
    partner, shared, other = delegation
    sign_in(client, partner)
    client.raise_request_exception = False
    body = client.get(f"/persons/{shared.reference}/").content.decode()
    # The fields the agreement leaves out, as the person page names them, in Persian.
    assert "کشور مبدأ" in body  # country of origin
    assert "country_of_origin" not in body and "full_name_original" not in body
    assert "، " in body  # joined with the Persian comma
    # The resettlement handbook's section, in the reader's digits.
    assert "۲٫۳" in body or "۲.۳" in body
    assert "2.3" not in body
