"""The data-sharing guard: D1 without override, D2 agreements, D3 partner reads, D6 log;
and a crawl of every page and API route as a partner: person data never leaves unlogged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.core.errors import InvalidInput, SafeguardRefusal
from asylon.movements import reference_data
from asylon.safeguards.types import RecipientKind as SafeguardRecipientKind
from asylon.sharing import guard as sharing
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Disclosure, RecipientKind

FIELDS = ["reference", "full_name", "date_of_birth"]


def test_recipient_kinds_match_the_safeguards():
    assert set(RecipientKind.values) == {k.value for k in SafeguardRecipientKind}


@pytest.fixture
def embassy(po):
    reference_data.record_country_authority(
        actor=po, name="Embassy of the Islamic Republic", country="IR", kind="EMBASSY", valid_from=today()
    )
    return sharing_services.create_recipient(actor=po, name="Embassy of the Islamic Republic", kind="NGO")


def test_d1_a_recipient_acting_for_the_country_of_origin_gets_nothing(po, resident, embassy, make_user):
    person = resident("REJECTED_FINAL")
    assert embassy.country.code == "IR"  # classified through the country authority, whatever its label
    with pytest.raises(SafeguardRefusal) as err:
        sharing.release_personal_data(
            actor=po, recipient=embassy, persons=[person], fields=["reference"], purpose="verification before return"
        )
    assert err.value.rule == "D1"
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="disclosure.refused").count() == 1


def test_d1_a_country_of_origin_authority_can_have_no_agreement_account_or_grant(po, resident, make_user):
    ministry = sharing_services.create_recipient(
        actor=po, name="Ministry", kind="COUNTRY_OF_ORIGIN_AUTHORITY", country="IR"
    )
    with pytest.raises(SafeguardRefusal):
        sharing_services.record_sharing_agreement(
            actor=po, recipient=ministry, reference="X", purpose="any", fields=["reference"], valid_from=today()
        )
    with pytest.raises(SafeguardRefusal):
        sharing_services.link_recipient_user(actor=po, recipient=ministry, user=make_user(Role.PARTNER, username="coo"))


def test_d2_host_authority_only_under_an_agreement_with_minimum_fields(po, resident):
    person = resident()
    host = sharing_services.create_recipient(actor=po, name="Host ministry", kind="HOST_AUTHORITY", country="IQ")
    with pytest.raises(SafeguardRefusal) as err:
        sharing.release_personal_data(actor=po, recipient=host, persons=[person], fields=FIELDS, purpose="site census")
    assert err.value.rule == "D2"
    sharing_services.record_sharing_agreement(
        actor=po,
        recipient=host,
        reference="MoU-2012",
        purpose="site census",
        fields=["reference", "full_name"],
        non_refoulement_undertaking=True,
        valid_from=today() - timedelta(days=10),
    )
    with pytest.raises(SafeguardRefusal):
        sharing.release_personal_data(actor=po, recipient=host, persons=[person], fields=FIELDS, purpose="site census")
    decision = sharing.release_personal_data(
        actor=po, recipient=host, persons=[person], fields=["reference"], purpose="site census"
    )
    assert decision.allowed
    row = Disclosure.objects.get()
    assert (row.rule, row.fields, row.person_refs) == ("D2", ["reference"], [person.reference])


@pytest.fixture
def partner_setup(po, rso, resident, make_user):
    country = sharing_services.create_recipient(
        actor=po, name="Albania delegation", kind="RESETTLEMENT_COUNTRY", country="AL"
    )
    partner = make_user(Role.PARTNER, username="partner-al")
    sharing_services.link_recipient_user(actor=po, recipient=country, user=partner)
    shared, other = resident("REFUGEE", given_name="Sharedperson"), resident("REFUGEE", given_name="Hiddenperson")
    sharing_services.grant_sharing(
        actor=rso, recipient=country, persons=[shared], reason="Submission 2013/4", source="test:1"
    )
    return partner, shared, other


def test_d3_a_partner_sees_only_submitted_persons_and_every_read_is_logged(client, partner_setup):
    partner, shared, other = partner_setup
    sign_in(client, partner)
    assert client.get(f"/api/v1/persons/{other.reference}").status_code == 404
    response = client.get(f"/api/v1/persons/{shared.reference}")
    assert response.status_code == 200 and response.json()["sensitive"] is None
    assert Disclosure.objects.get().person_refs == [shared.reference]
    listing = client.get("/api/v1/persons").json()["items"]
    assert [p["reference"] for p in listing] == [shared.reference]
    assert Disclosure.objects.count() == 2


def test_d3_a_grant_to_the_persecuting_state_is_refused(po, resident):
    iran = sharing_services.create_recipient(
        actor=po, name="IR resettlement?", kind="RESETTLEMENT_COUNTRY", country="IR"
    )
    with pytest.raises(SafeguardRefusal):
        sharing_services.grant_sharing(actor=po, recipient=iran, persons=[resident()], reason="Submission")


def test_only_partner_accounts_act_for_a_recipient(po, clerk):
    ngo = sharing_services.create_recipient(actor=po, name="Legal aid NGO", kind="NGO")
    with pytest.raises(InvalidInput):
        sharing_services.link_recipient_user(actor=po, recipient=ngo, user=clerk)


# --- crawl: every route, as a partner ---------------------------------------------------------

SKIP = ("admin/", "accounts/", "i18n/", "api/v1/docs", "api/v1/openapi.json")


def _patterns(resolvers, prefix=""):
    for p in resolvers:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _fill(pattern: str, values: dict[str, str]) -> str:
    path = pattern.lstrip("^").rstrip("$")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), path)
    return "/" + path.replace("\\Z", "")


def test_no_route_lets_person_data_reach_a_partner_without_the_guard(client, partner_setup):
    partner, shared, other = partner_setup
    sign_in(client, partner)
    values = {"reference": shared.reference, "pk": "1", "id": "1"}
    leaks, unlogged = [], []
    routes = sorted(set(_patterns(get_resolver().url_patterns)))
    assert any("persons" in r for r in routes)
    for pattern in routes:
        if pattern.startswith(SKIP) or "(?P" in pattern:
            continue
        for ref in (shared.reference, other.reference):
            before = Disclosure.objects.count()
            response = client.get(_fill(pattern, values | {"reference": ref}))
            body = response.content.decode(errors="replace")
            if other.reference in body or other.given_name in body:
                leaks.append(pattern)
            if (shared.reference in body or shared.given_name in body) and Disclosure.objects.count() == before:
                unlogged.append(pattern)
    assert leaks == []
    assert unlogged == []
    assert Disclosure.objects.exists()  # the crawl did reach the shared person's record
