"""Issue 19, item 4: a form never answers for the user what the user must judge.

The perpetrator of a new incident, the harm done to an affected person and the owner of a
follow-up start on "— choose —"; a form sent without choosing is refused on that field and
records nothing; the owner list holds only the people who work on the site's incidents.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from tests.conftest import member
from tests.html_text import select_options, visible_text
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.incidents.models import AffectedPerson, FollowUp, Incident
from asylon.registry import services as registry


def selected(html: bytes, name: str) -> list[str]:
    """The values of the options marked selected in select `name`."""
    return [o.value for o in select_options(html, name) if o.selected]


def options(html: bytes, name: str) -> list[str]:
    return [o.text for o in select_options(html, name)]


@pytest.mark.parametrize("name", ["perpetrator_category", "occurred_precision", "kind", "severity"])
def test_new_incident_form_selects_no_answer(client, officer, name):
    sign_in(client, officer)
    html = client.get("/incidents/new/").content
    # Nothing selected, or the empty choice: the browser sends "" and the form refuses it.
    assert selected(html, name) in ([], [""])
    assert options(html, name)[0] == "— choose —"


def test_new_incident_without_a_perpetrator_is_refused_on_that_field(client, officer, site_a):
    sign_in(client, officer)
    r = client.post(
        "/incidents/new/",
        {
            "site": site_a.pk,
            "kind": "THREAT",
            "occurred_at": "2013-02-09T05:40",
            "occurred_precision": "MINUTE",
            "severity": "2",
            "killed": "0",
            "injured": "0",
            "missing": "0",
            "detained": "0",
        },
    )
    assert r.status_code == 200
    paragraph = re.search(r'<p><label for="id_perpetrator_category">.*?</p>', r.content.decode(), re.S)
    assert paragraph is not None
    field_text = visible_text(paragraph.group())
    assert "This field is required." in field_text and "Perpetrator" in field_text
    assert Incident.objects.count() == 0


@pytest.fixture
def incident(report, officer):
    return report(officer)


def test_affected_person_form_selects_no_harm(client, officer, incident):
    sign_in(client, officer)
    html = client.get(f"/incidents/{incident.reference}/").content
    assert selected(html, "harm") in ([], [""])
    assert options(html, "harm")[0] == "— choose —"


def test_affected_person_without_a_harm_is_refused_naming_the_field(client, officer, clerk, incident, unit_a):
    household = registry.register_household(actor=clerk, site=incident.site, unit=unit_a, members=[member()])
    person = household.memberships.first().person
    sign_in(client, officer)
    r = client.post(f"/incidents/{incident.reference}/affected/", {"person": person.reference, "harm": ""}, follow=True)
    assert "Harm: This field is required." in r.content.decode()
    assert not AffectedPerson.objects.filter(incident=incident).exists()


def test_owner_list_holds_only_people_who_work_on_incidents(client, officer, monitor, clerk, make_user, incident):
    administrator = make_user(Role.ADMINISTRATOR, username="admin")
    superuser = get_user_model().objects.create_superuser("root", password="correct horse battery staple")
    superuser.sites.add(incident.site)
    make_user(Role.RSD_OFFICER, username="rsd")
    sign_in(client, officer)
    html = client.get(f"/incidents/{incident.reference}/").content
    assert options(html, "owner") == ["— choose —", "monitor", "officer"]
    assert selected(html, "owner") in ([], [""])
    assert administrator.username not in options(html, "owner") and clerk.username not in options(html, "owner")


@pytest.mark.parametrize("owner", ["admin", "clerk"])
def test_follow_up_for_someone_outside_the_incident_work_is_refused(client, officer, clerk, make_user, incident, owner):
    make_user(Role.ADMINISTRATOR, username="admin")
    sign_in(client, officer)
    pk = get_user_model().objects.get(username=owner).pk
    r = client.post(
        f"/incidents/{incident.reference}/follow-ups/",
        {"action": "Visit block 1", "owner": pk, "due_on": "2030-01-01"},
        follow=True,
    )
    assert "Owner: Select a valid choice." in r.content.decode()
    assert not FollowUp.objects.exists()


def test_service_refuses_an_owner_who_cannot_act_on_incidents(officer, clerk, incident):
    from asylon.core.errors import InvalidInput
    from asylon.incidents import services

    with pytest.raises(InvalidInput) as refused:
        services.add_follow_up(
            actor=officer, incident=incident, action="Visit", owner=clerk, due_on=incident.occurred_at.date()
        )
    assert "owner" in refused.value.errors
    assert not FollowUp.objects.exists()
