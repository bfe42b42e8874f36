"""Closing an incident shows what stays open, and closes only when confirmed.

The first POST changes nothing: it lists the open follow-ups, the deaths and disappearances
seen in roll calls that still wait for review, the roll calls still open and the persons
affected. Only the POST with confirm=yes closes; the API asks for "confirm": true.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from tests.confirm_page import asks_to_confirm, summary
from tests.incidents.conftest import register_residents
from tests.incidents.test_roll_call_reviews import marked_roll_call
from tests.signin import bearer, sign_in

from asylon.incidents import rollcall, services
from asylon.incidents.models import Incident, IncidentStatus


@pytest.fixture
def residents(clerk, site_a, unit_a):
    return register_residents(clerk, site_a, unit_a, ["Ava", "Behrouz", "Camran", "Dina", "Elham", "Farid"])


@pytest.fixture
def busy_attack(officer, monitor, report, site_a, residents):
    """An attack with an open follow-up, an injured person, a closed roll call whose marks of
    death and disappearance wait for review, and a second roll call still open."""
    attack = report(officer, kind="ARMED_ATTACK", severity=4, injured=1)
    services.add_follow_up(
        actor=officer,
        incident=attack,
        action="Visit the wounded in block 1",
        owner=monitor,
        due_on=timezone.localdate(),
    )
    services.add_affected_person(actor=officer, incident=attack, person=residents[0], harm="INJURED")
    first = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=first)
    second = rollcall.start_roll_call(actor=officer, site=site_a, incident=attack)
    attack.open_roll_call = second  # type: ignore[attr-defined]
    return attack


def status_of(incident) -> str:
    return Incident.objects.get(pk=incident.pk).status


def test_closing_lists_what_stays_open_and_changes_nothing(client, officer, busy_attack, residents):
    sign_in(client, officer)
    path = f"/incidents/{busy_attack.reference}/status/"
    first = client.post(path, {"to": "CLOSED", "reason": "Handled."})
    assert asks_to_confirm(first)
    text = summary(first)
    assert "Open follow-up actions: 1" in text and "Visit the wounded in block 1 · monitor" in text
    assert "awaiting review: 3" in text
    camran, dina = residents[2], residents[3]
    assert f"{camran.reference} {camran.full_name} · deceased" in text
    assert f"{dina.reference} {dina.full_name} · missing" in text
    assert "Open roll calls: 1" in text and f"Roll call {busy_attack.open_roll_call.pk}" in text
    assert "Persons affected: 2" in text and "Injured: 2" in text  # Ava, and Behrouz from the roll call
    assert f"{residents[0].reference} {residents[0].full_name} · injured" in text
    assert status_of(busy_attack) == IncidentStatus.FOLLOW_UP

    done = client.post(path, {"to": "CLOSED", "reason": "Handled.", "confirm": "yes"})
    assert done.status_code == 302 and status_of(busy_attack) == IncidentStatus.CLOSED


def test_a_quiet_incident_says_nothing_is_open(client, officer, report):
    quiet = report(officer)
    sign_in(client, officer)
    first = client.post(f"/incidents/{quiet.reference}/status/", {"to": "CLOSED"})
    assert "Nothing attached to this incident is still open." in summary(first)
    assert status_of(quiet) == IncidentStatus.OPEN


def test_reopening_for_follow_up_needs_no_confirmation(client, officer, report):
    incident = report(officer)
    services.transition_incident(actor=officer, incident=incident, to="CLOSED")
    sign_in(client, officer)
    r = client.post(f"/incidents/{incident.reference}/status/", {"to": "FOLLOW_UP"})
    assert r.status_code == 302 and status_of(incident) == IncidentStatus.FOLLOW_UP


def test_the_api_closes_only_with_confirm(client, officer, busy_attack):
    headers = bearer(officer)
    path = f"/api/v1/incidents/{busy_attack.reference}/transitions"
    r = client.post(path, json.dumps({"to": "CLOSED"}), content_type="application/json", **headers)
    assert r.status_code == 409 and r.json()["code"] == "confirmation_required"
    preview = r.json()["preview"]
    assert [f["action"] for f in preview["open_follow_ups"]] == ["Visit the wounded in block 1"]
    assert preview["awaiting_review"] == 3
    assert [rc["pk"] for rc in preview["open_roll_calls"]] == [busy_attack.open_roll_call.pk]
    assert preview["affected_by_harm"] == [{"harm": "INJURED", "label": "injured", "count": 2}]
    assert status_of(busy_attack) == IncidentStatus.FOLLOW_UP
    r = client.post(path, json.dumps({"to": "CLOSED", "confirm": True}), content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["status"] == "CLOSED"
