"""The household form checks every member against the register before it saves anything.

Issue 19, item 3: "Naseem Ghassem Pahlavan, F, 1977-12-03" was registered beside "Nasim Ghasem
Pahlavan, F, 1977-12-03" without a word. Driven as a clerk would, through the page.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.matching.models import CandidateStatus, DuplicateCandidate
from asylon.registry import services
from asylon.registry.models import Household, Membership, Person

pytestmark = pytest.mark.django_db

NASEEM = {
    "relationship": "PA",
    "given_name": "Naseem",
    "fathers_name": "Ghassem",
    "family_name": "Pahlavan",
    "sex": "F",
    "date_of_birth": "1977-12-03",
    "dob_precision": "EXACT",
    "nationality": "IR",
    "country_of_origin": "IR",
}


@pytest.fixture
def nasim(clerk, site_a, unit_a) -> Person:
    """Nasim Ghasem Pahlavan, registered with her son."""
    household = services.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        members=[
            member(
                given_name="Nasim",
                fathers_name="Ghasem",
                family_name="Pahlavan",
                sex="F",
                date_of_birth=date(1977, 12, 3),
            ),
            member(
                "CHILD",
                given_name="Arash",
                fathers_name="Bahram",
                family_name="Pahlavan",
                date_of_birth=date(2005, 4, 1),
            ),
        ],
    )
    return Person.objects.get(memberships__household=household, given_name="Nasim")


@pytest.fixture
def logged_in(client, clerk):
    client.force_login(clerk)
    return client


def form_data(site, *members, **decisions) -> dict:
    data = {
        "site": site.code,
        "unit": "",
        "arrival_date": "2026-11-02",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "register": "1",
    }
    for i, m in enumerate(members):
        data.update({f"members-{i}-{k}": v for k, v in m.items()})
    data.update({f"members-{i.removeprefix('m')}-duplicate": v for i, v in decisions.items()})
    return data


def text(response) -> str:
    """What the clerk reads: the page without its tags, its entities read as characters."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_naseem_beside_nasim_is_shown_the_match_field_by_field_and_nothing_is_saved(logged_in, site_a, nasim):
    before = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    response = logged_in.post("/households/new/", form_data(site_a, NASEEM))
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was saved: 1 member resembles a person already registered" in page
    assert f"{nasim.reference} — Nasim Ghasem Pahlavan" in page
    # Field by field: the entry, the register, how they agree; her household and site.
    assert "Given name Naseem Nasim same name, spelled differently" in page
    assert "Father's name Ghassem Ghasem same name, spelled differently" in page
    assert "Family name Pahlavan Pahlavan exact" in page
    assert "Date of birth 1977-12-03 1977-12-03 exact" in page
    assert "Sex female female equal" in page
    household = Membership.objects.get(person=nasim).household.reference
    assert f"Household new household {household} different" in page
    assert f"Site {site_a} {site_a} equal" in page
    assert "This member resembles " + nasim.reference in page
    assert f'value="same:{nasim.reference}"' in response.content.decode()
    assert (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before
    assert not DuplicateCandidate.objects.exists()


def test_a_different_person_is_registered_and_the_pair_never_reaches_the_queue(logged_in, clerk, site_a, nasim):
    response = logged_in.post("/households/new/", form_data(site_a, NASEEM, m0="different"))
    assert response.status_code == 302
    naseem = Person.objects.get(given_name="Naseem")
    assert response["Location"] == f"/households/{Membership.objects.get(person=naseem).household.reference}/"
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a, pair.person_b} == {naseem, nasim}
    assert pair.status == CandidateStatus.DIFFERENT and pair.decided_by == clerk and pair.source == "registration"
    decided = AuditEvent.objects.get(action="duplicate.decided")
    assert decided.changes["status"] == [CandidateStatus.OPEN, CandidateStatus.DIFFERENT]
    assert "Decided at registration" in decided.reason
    queue = logged_in.get("/persons/duplicates/")
    assert nasim.reference not in queue.content.decode()


def test_not_sure_registers_and_sends_the_pair_to_the_review_queue(logged_in, site_a, nasim):
    response = logged_in.post("/households/new/", form_data(site_a, NASEEM, m0="unsure"))
    assert response.status_code == 302
    naseem = Person.objects.get(given_name="Naseem")
    pair = DuplicateCandidate.objects.get()
    assert pair.status == CandidateStatus.OPEN and {pair.person_a, pair.person_b} == {naseem, nasim}
    assert AuditEvent.objects.filter(action="duplicate.raised").count() == 1
    queue = logged_in.get("/persons/duplicates/").content.decode()
    assert nasim.reference in queue and naseem.reference in queue


def test_the_same_person_is_not_registered_again_and_new_members_join_her_household(logged_in, site_a, nasim):
    baby = NASEEM | {
        "relationship": "CHILD",
        "given_name": "Shirin",
        "fathers_name": "Bahram",
        "date_of_birth": "2026-10-01",
    }
    persons = Person.objects.count()
    response = logged_in.post("/households/new/", form_data(site_a, NASEEM, baby, m0=f"same:{nasim.reference}"))
    assert response.status_code == 302
    home = Membership.objects.get(person=nasim).household
    assert response["Location"] == f"/households/{home.reference}/"
    assert Person.objects.count() == persons + 1
    assert not Person.objects.filter(given_name="Naseem").exists()
    shirin = Person.objects.get(given_name="Shirin")
    assert Membership.objects.get(person=shirin).household == home
    link = AuditEvent.objects.get(action="registration.linked")
    assert link.changes["entered"]["given_name"] == "Naseem" and link.changes["household"] == home.reference
    assert not DuplicateCandidate.objects.exists()


def test_a_decision_naming_someone_not_shown_is_refused_and_nothing_saved(logged_in, site_a, nasim, household):
    other = Person.objects.filter(memberships__household=household).first()
    response = logged_in.post("/households/new/", form_data(site_a, NASEEM, m0=f"same:{other.reference}"))
    assert response.status_code == 200
    assert "This member resembles " + nasim.reference in text(response)
    assert not Person.objects.filter(given_name="Naseem").exists()


def test_a_flagged_spouse_gets_the_decision_on_her_own_row(logged_in, clerk, site_a, nasim):
    husband = NASEEM | {"given_name": "Kourosh", "fathers_name": "Jamshid", "family_name": "Azadi", "sex": "M"}
    wife = NASEEM | {"relationship": "SPOUSE"}
    response = logged_in.post("/households/new/", form_data(site_a, husband, wife))
    page = response.content.decode()
    assert 'name="members-1-duplicate"' in page and 'name="members-0-duplicate"' not in page
    response = logged_in.post("/households/new/", form_data(site_a, husband, wife, m1="different"))
    assert response.status_code == 302
    naseem = Person.objects.get(given_name="Naseem")
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DIFFERENT
    assert naseem in {DuplicateCandidate.objects.get().person_a, DuplicateCandidate.objects.get().person_b}


def test_an_obviously_different_person_goes_straight_through(logged_in, site_a, nasim):
    other = NASEEM | {
        "given_name": "Farideh",
        "fathers_name": "Mehdi",
        "family_name": "Sadeghi",
        "date_of_birth": "1990-06-15",
    }
    response = logged_in.post("/households/new/", form_data(site_a, other))
    assert response.status_code == 302
    assert Person.objects.filter(given_name="Farideh").exists()
    assert not DuplicateCandidate.objects.exists()


def test_the_duplicate_check_page_carries_its_input_into_the_form(logged_in, site_a, nasim):
    query = {"site": site_a.code, "given_name": "Naseem", "fathers_name": "Ghassem", "family_name": "Pahlavan"}
    query |= {"date_of_birth": "1977-12-03", "sex": "F"}
    check = logged_in.get("/persons/duplicates/check/", query).content.decode()
    assert 'action="/households/new/"' in check and "Register this household" in check
    form = logged_in.get("/households/new/", query).content.decode()
    for name, value in query.items():
        if name != "site":
            assert f'name="members-0-{name}" value="{value}"' in form or (
                name == "sex" and '<option value="F" selected>' in form
            )
    assert f'<option value="{site_a.code}" selected>' in form


def test_linking_persons_of_two_households_is_refused_and_nothing_saved(logged_in, site_a, nasim, household):
    dariush = Person.objects.get(memberships__household=household, given_name="Dariush")
    him = {**NASEEM, "given_name": "Dariush", "fathers_name": "Kamran", "family_name": "Tehranifar", "sex": "M"}
    him |= {"relationship": "SPOUSE", "date_of_birth": "1980-03-01"}
    persons = Person.objects.count()
    data = form_data(site_a, NASEEM, him, m0=f"same:{nasim.reference}", m1=f"same:{dariush.reference}")
    response = logged_in.post("/households/new/", data)
    assert response.status_code == 200
    assert f"({nasim.reference}, {dariush.reference}) are not the members of one household" in text(response)
    assert Person.objects.count() == persons
    assert not AuditEvent.objects.filter(action="registration.linked").exists()
