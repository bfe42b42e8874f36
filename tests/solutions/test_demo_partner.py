"""The demo camp's delegation account: signed in as the demo's partner, one reads the cases
submitted to its country and opens a member's page, released under D3 with the demo's
agreement (not refused for want of an agreement or of fields it covers)."""

from __future__ import annotations

from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.demo.resettlement import DEMO_PARTNER_COUNTRY, seed_resettlement
from asylon.sharing.models import Disclosure
from asylon.solutions.models import Outcome, ResettlementCase
from asylon.solutions.transitions import OPEN_STAGES


def test_the_demo_partner_opens_the_page_of_a_member_of_a_case_submitted_to_its_country(
    client, clerk, site_a, family, make_user
):
    for _ in range(10):
        family(2)
    partner = make_user(Role.PARTNER, username="demo-partner")
    seed_resettlement(site_a, clerk, small=True)
    theirs = ResettlementCase.objects.filter(
        submissions__country__country=DEMO_PARTNER_COUNTRY,
        submissions__outcome__in=[Outcome.PENDING, Outcome.ACCEPTED],
        stage__in=OPEN_STAGES,  # an arrival ends the country's sight of the case
    ).order_by("reference")
    assert theirs.exists()
    others = ResettlementCase.objects.exclude(pk__in=theirs.values("pk")).order_by("reference")

    sign_in(client, partner)
    listed = visible_text(client.get("/resettlement/").content)
    assert all(c.reference in listed for c in theirs)
    assert not any(c.reference in listed for c in others)
    assert not any(c.household.reference in listed for c in theirs)  # the case, not the household
    case = theirs.first()
    assert client.get(f"/resettlement/cases/{case.reference}/").status_code == 200
    person = case.members.filter(active=True).first().person
    response = client.get(f"/persons/{person.reference}/")
    assert response.status_code == 200 and person.full_name in visible_text(response.content)
    release = Disclosure.objects.filter(channel="page:registry:person_detail").get()
    assert release.rule == "D3" and release.person_refs == [person.reference]
