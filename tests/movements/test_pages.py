"""The pages: a refusal reads clearly, forms go through the services, roles see their pages."""

from __future__ import annotations

from tests.signin import sign_in

from asylon.movements.models import Movement, RiskCountry


def test_a_refused_request_shows_rule_reason_and_basis(client, po, resident):
    person = resident()
    sign_in(client, po)
    response = client.post(
        "/movements/new/",
        {"person": person.reference, "kind": "DEPORTATION_ORDER", "destination_country": "IR"},
        follow=True,
    )
    page = response.content.decode()
    movement = Movement.objects.get(person=person)
    assert movement.state == "REFUSED"
    assert "The safeguards refused this movement" in page
    assert "Rule N1" in page and "1951 Refugee Convention, art. 33(1)" in page
    assert "Nobody can override these rules" in page


def test_a_refused_step_leaves_the_movement_and_says_why(client, po, po2, resident):
    from .conftest import approve_chain

    person = resident("REFUGEE")
    approve_chain(po, po2, person, "AL")
    sign_in(client, po)
    client.post(
        "/movements/new/", {"person": person.reference, "kind": "RESETTLEMENT_DEPARTURE", "destination_country": "AL"}
    )
    movement = Movement.objects.get(person=person)
    client.post(
        f"/movements/persons/{person.reference}/risk/",
        {"what": "risk", "country": "AL", "kind": "TORTURE", "reason": "Threatened by agents there."},
    )
    assert RiskCountry.objects.filter(person=person, country="AL").exists()
    page = client.post(f"/movements/{movement.reference}/transition/", {"action": "approve"}, follow=True)
    text = page.content.decode()
    movement.refresh_from_db()
    assert movement.state == "ASSESSED"
    assert "the movement stays as it was" in text and "Rule N2" in text


def test_pages_render_for_a_protection_officer(client, po, resident):
    person = resident()
    sign_in(client, po)
    for url in (
        "/movements/",
        "/movements/new/",
        "/movements/group/new/",
        "/movements/recipients/",
        "/movements/reference-data/",
        f"/movements/persons/{person.reference}/risk/",
        f"/persons/{person.reference}/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_clerk_sees_no_movement_pages(client, clerk, resident):
    person = resident()
    sign_in(client, clerk)
    for url in (
        "/movements/",
        "/movements/new/",
        "/movements/recipients/",
        f"/movements/persons/{person.reference}/risk/",
    ):
        assert client.get(url).status_code == 404, url
