"""Resettlement from the pages: opening a case, the departure's checks said at submission
with a link to where the missing evidence is recorded, and the confirmation of the big acts
(a departure, a rejection, a closure) naming whom they change."""

from __future__ import annotations

import re

import pytest
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.core.dates import today
from asylon.movements.requests import record_family_unity_decision
from asylon.registry import services as registry
from asylon.solutions import pledges, services
from asylon.solutions.models import ResettlementCase

from .conftest import make_country, persons, to_stage

N6_EN = "No assessment of Canada is on file"


@pytest.fixture
def canada(po, rso, make_user):
    return make_country(po, rso, make_user, "CA")


@pytest.fixture
def case(rso, family):
    return services.open_case(actor=rso, household=family(3), primary_category="LPP", secondary_category="LAS")


def _section(html: bytes, element_id: str) -> str:
    """The visible text of the element with this id (its tag closes at the matching end)."""
    text = html.decode()
    start = text.index(f'id="{element_id}"')
    tag = text.rfind("<", 0, start)
    name = re.match(r"<(\w+)", text[tag:]).group(1)
    depth, pos = 0, tag
    for m in re.finditer(rf"<(/?){name}\b", text[tag:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            pos = tag + m.end()
            break
    return visible_text(text[tag:pos])


def _risk_links(html: bytes) -> list[str]:
    return re.findall(r'href="(/movements/persons/[^"]+)"', html.decode())


# --- opening a case -----------------------------------------------------------------------------


def test_the_household_page_leads_to_opening_a_case_and_the_page_opens_the_apis_case(client, rso, family):
    household = family(3)
    sign_in(client, rso)
    page = client.get(f"/households/{household.reference}/").content.decode()
    assert f'href="/resettlement/cases/new/?household={household.reference}"' in page
    form = client.get(f"/resettlement/cases/new/?household={household.reference}").content.decode()
    assert f'value="{household.reference}"' in form
    response = client.post(
        "/resettlement/cases/new/",
        {
            "household": household.reference,
            "primary_category": "SVT",
            "secondary_category": "LAS",
            "priority": "URGENT",
        },
    )
    case = ResettlementCase.objects.get(household=household)
    assert response.status_code == 302 and response["Location"] == f"/resettlement/cases/{case.reference}/"
    # The API reads the case the page opened: the whole household, as the service makes it.
    data = client.get(f"/api/v1/resettlement-cases/{case.reference}").json()
    assert data["household"] == household.reference and data["stage"] == "IDENTIFIED"
    assert (data["priority"], data["primary_category"], data["secondary_category"]) == ("URGENT", "SVT", "LAS")
    assert sorted(m["person"] for m in data["members"]) == sorted(
        m.person.reference for m in household.memberships.all()
    )
    # ... and the API, opening a case for the same household, is refused by the same rule.
    again = client.post(
        "/api/v1/resettlement-cases",
        {"household": household.reference, "primary_category": "LPP"},
        content_type="application/json",
    )
    assert again.status_code == 409 and case.reference in again.json()["detail"]


def test_opening_a_case_for_a_household_outside_ones_sites_is_refused_on_the_form(client, rso, clerk, site_b, family):
    from tests.conftest import member

    far = registry.register_household(
        actor=_clerk_of(site_b, clerk), site=site_b, unit=None, arrival_date=today(), members=[member("PA")]
    )
    sign_in(client, rso)
    response = client.post(
        "/resettlement/cases/new/", {"household": far.reference, "primary_category": "LPP", "priority": "NORMAL"}
    )
    assert response.status_code == 200
    assert "No such household in your sites." in visible_text(response.content)
    assert not ResettlementCase.objects.exists()


def _clerk_of(site, clerk):
    clerk.sites.add(site)
    return clerk


def test_a_role_that_does_not_manage_resettlement_cannot_open_a_case(client, po, family):
    household = family(1)
    sign_in(client, po)
    assert client.get("/resettlement/cases/new/").status_code == 404
    response = client.post(
        "/resettlement/cases/new/", {"household": household.reference, "primary_category": "LPP", "priority": "NORMAL"}
    )
    assert response.status_code == 404 and not ResettlementCase.objects.exists()


# --- the departure's checks, said at submission ------------------------------------------------


def test_submission_says_the_departure_would_be_refused_by_n6_with_a_link_to_record_it(client, rso, case, canada):
    services.assess_case(actor=rso, case=case, need_assessment="Need")
    sign_in(client, rso)
    url = f"/resettlement/cases/{case.reference}/transition/"
    page = client.post(url, {"action": "submit", "country": canada.pk})
    assert page.status_code == 200
    check = _section(page.content, "departure-check")
    assert "Rule N6" in check and check.count(N6_EN) == 1  # one reason, said once for the three
    members = persons(case)
    assert sorted(_risk_links(page.content)) == sorted(
        f"/movements/persons/{p.reference}/risk/#chain-h" for p in members
    )
    for p in members:
        assert f"Record the assessment of Canada for {p.reference}" in check
    summary = _section(page.content, "confirm-summary")
    assert "The delegation of Canada will see 3 members" in summary
    assert all(p.full_name in summary for p in members)
    case.refresh_from_db()
    assert case.stage == "ASSESSED"  # nothing is submitted before the confirmation

    client.post(url, {"action": "submit", "country": canada.pk, "confirm": "yes"})
    case.refresh_from_db()
    assert case.stage == "SUBMITTED" and case.country == canada
    # The case's page keeps saying it, with the same links, until the evidence is on file.
    detail = client.get(f"/resettlement/cases/{case.reference}/")
    assert N6_EN in _section(detail.content, "departure-check")
    assert len(_risk_links(detail.content)) == 3


def test_submission_says_nothing_stops_the_departure_when_the_evidence_is_on_file(client, rso, po, po2, case, canada):
    from .conftest import clear_for

    services.assess_case(actor=rso, case=case, need_assessment="Need")
    clear_for(po, po2, case, "CA")
    sign_in(client, rso)
    page = client.post(f"/resettlement/cases/{case.reference}/transition/", {"action": "submit", "country": canada.pk})
    assert "No safeguard stops a departure to Canada so far." in _section(page.content, "departure-check")
    assert _risk_links(page.content) == []


def test_the_refusal_is_in_the_readers_language_and_names_the_rule(client, rso, case, canada):
    services.assess_case(actor=rso, case=case, need_assessment="Need")
    rso.language = "fa"
    rso.save(update_fields=["language"])
    sign_in(client, rso)
    page = client.post(f"/resettlement/cases/{case.reference}/transition/", {"action": "submit", "country": canada.pk})
    check = _section(page.content, "departure-check")
    assert "N6" in check and "هیچ ارزیابی‌ای از" in check and N6_EN not in check


def test_the_departure_refused_by_n6_links_to_where_the_assessment_is_recorded(client, rso, case, canada):
    to_stage(rso, case, "EXIT_FORMALITIES", country=canada)
    sign_in(client, rso)
    response = client.post(
        f"/resettlement/cases/{case.reference}/transition/", {"action": "schedule_departure", "on": ""}
    )
    assert response.status_code == 409
    refusal = _section(response.content, "departure-refusal")
    first = persons(case)[0]
    assert "Rule N6" in refusal and N6_EN in refusal and first.reference in refusal
    assert f"/movements/persons/{first.reference}/risk/#chain-h" in _risk_links(response.content)
    case.refresh_from_db()
    assert case.stage == "EXIT_FORMALITIES"


# --- confirmations of the big acts ----------------------------------------------------------------


def test_recording_a_departure_first_names_who_leaves_who_stays_and_the_places_used(
    client, rso, po, po2, family, canada
):
    household = family(4)
    case = services.open_case(actor=rso, household=household, primary_category="LPP")
    staying = persons(case)[-1]
    services.split_case(actor=rso, case=case, persons=[staying], reason="The son resettles later with his wife.")
    pledges.record_pledge(actor=rso, country=canada, year=today().year, places=10)
    # The household splits at departure (N8): a protection officer decides for the one who stays.
    for goes in persons(case):
        record_family_unity_decision(
            actor=po, person=goes, member=staying, kind="RESETTLEMENT_DEPARTURE", country="CA", rationale="Joins later."
        )
    to_stage(rso, case, "DEPARTURE_SCHEDULED", country=canada, po=po, po2=po2)
    services.approve_departure(actor=po, case=case)
    leaving = persons(case)
    sign_in(client, rso)
    url = f"/resettlement/cases/{case.reference}/transition/"
    page = client.post(url, {"action": "depart", "on": ""})
    summary = _section(page.content, "confirm-summary")
    assert "3 persons leave the camp for Canada" in summary
    assert all(p.full_name in summary for p in leaving)
    assert f"1 member of the household stays behind: {staying.reference} {staying.full_name}" in summary
    assert "This departure takes 3 of the 10 places Canada pledged for" in summary and "7 remain after it" in summary
    assert 'name="confirm" value="yes"' in page.content.decode()
    case.refresh_from_db()
    assert case.stage == "DEPARTURE_SCHEDULED"

    client.post(url, {"action": "depart", "on": "", "confirm": "yes"})
    case.refresh_from_db()
    assert case.stage == "DEPARTED"
    assert {p.presence for p in persons(case)} == {"DEPARTED"}


def test_recording_a_rejection_first_names_the_country_and_the_members_it_stops_seeing(client, rso, case, canada):
    to_stage(rso, case, "SUBMITTED", country=canada)
    sign_in(client, rso)
    url = f"/resettlement/cases/{case.reference}/transition/"
    page = client.post(url, {"action": "reject", "note": "Outside the quota"})
    summary = _section(page.content, "confirm-summary")
    assert "Canada rejected the case" in summary and all(p.full_name in summary for p in persons(case))
    case.refresh_from_db()
    assert case.stage == "SUBMITTED"
    client.post(url, {"action": "reject", "note": "Outside the quota", "confirm": "yes"})
    case.refresh_from_db()
    assert case.stage == "REJECTED" and case.submissions.get().decision_note == "Outside the quota"


def test_closing_a_case_first_names_its_members_and_the_submission_withdrawn(client, rso, case, canada):
    to_stage(rso, case, "SUBMITTED", country=canada)
    members = persons(case)
    sign_in(client, rso)
    url = f"/resettlement/cases/{case.reference}/transition/"
    page = client.post(url, {"action": "close", "reason": "The family no longer wishes to resettle."})
    summary = _section(page.content, "confirm-summary")
    assert "3 members leave this case" in summary and all(p.full_name in summary for p in members)
    assert "The open submission to Canada is withdrawn" in summary
    client.post(url, {"action": "close", "reason": "The family no longer wishes to resettle.", "confirm": "yes"})
    case.refresh_from_db()
    assert case.stage == "CLOSED" and case.closure_reason == "The family no longer wishes to resettle."


def test_a_step_without_its_required_field_is_refused_on_the_case_page(client, rso, case):
    sign_in(client, rso)
    response = client.post(f"/resettlement/cases/{case.reference}/transition/", {"action": "close", "reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.stage == "IDENTIFIED"


def _step_buttons(html: bytes) -> list[str]:
    forms = html.decode().split('class="step"')[1:]
    return [re.search(r'<button type="submit">([^<]+)</button>', f).group(1) for f in forms]


def test_the_case_page_offers_the_steps_of_its_stage_from_the_one_table(client, rso, po, case, canada):
    from asylon.solutions.views import STEPS

    to_stage(rso, case, "SUBMITTED", country=canada)
    sign_in(client, rso)
    page = client.get(f"/resettlement/cases/{case.reference}/")
    assert _step_buttons(page.content) == [str(STEPS[n].label) for n in ("interview", "accept", "reject", "close")]
    sign_in(client, po)  # a protection officer reads the case; no step of a resettlement officer
    assert _step_buttons(client.get(f"/resettlement/cases/{case.reference}/").content) == []
