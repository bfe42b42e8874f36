"""An incident from report to closure: alerts, follow-ups, status machine, restricted details."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from tests.signin import bearer, sign_in

from asylon.accounts.roles import Role
from asylon.accounts.services import issue_api_token
from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from asylon.incidents import services
from asylon.incidents.models import Alert, FollowUp, IncidentStatus, Notification


def test_field_report_reaches_the_sites_protection_officers(
    report, monitor, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(monitor, kind="ARMED_ATTACK", severity=4, killed=2, injured=5, verification="CONFIRMED")
    assert incident.reference == "AAA-I-000001"
    assert incident.verification == "UNVERIFIED"  # a field report starts unverified
    alert = Alert.objects.get()
    assert alert.severity == 4 and "Killed: 2, injured: 5" in alert.body
    assert Notification.objects.filter(user=officer, alert=alert).exists()
    assert not Notification.objects.filter(user=monitor).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.org"]
    # No narrative or perpetrator detail leaves the system.
    assert "removal" not in mail.outbox[0].body and "official" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="incident.reported").get().changes["narrative"] == "[sensitive]"


def test_low_severity_property_incident_raises_no_alert(report, monitor, officer):
    report(monitor, kind="PROPERTY", severity=1)
    assert not Alert.objects.exists()


def test_lifecycle_and_follow_ups(report, monitor, officer):
    incident = report(monitor)
    fu = services.add_follow_up(
        actor=officer, incident=incident, action="Visit block 1", owner=monitor, due_on=timezone.localdate()
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.FOLLOW_UP
    services.complete_follow_up(actor=monitor, follow_up=fu, outcome="visited")  # the owner may close it
    with pytest.raises(Conflict):
        services.complete_follow_up(actor=officer, follow_up=fu)
    services.transition_incident(actor=officer, incident=incident, to="CLOSED")
    incident.refresh_from_db()
    assert incident.status == "CLOSED" and incident.closed_at is not None
    with pytest.raises(Conflict):
        services.transition_incident(actor=officer, incident=incident, to="OPEN")
    services.transition_incident(actor=officer, incident=incident, to="FOLLOW_UP")
    incident.refresh_from_db()
    assert incident.closed_at is None
    assert FollowUp.objects.get().done_by == monitor


def test_monitor_cannot_change_or_see_others_restricted_details(client, report, monitor, officer, make_user):
    other = make_user(Role.FIELD_MONITOR, username="other-monitor")
    incident = report(officer)
    with pytest.raises(NotPermitted):
        services.transition_incident(actor=monitor, incident=incident, to="CLOSED")
    sign_in(client, other)
    page = client.get(f"/incidents/{incident.reference}/")
    assert page.status_code == 200
    assert b"removal of residents" not in page.content and b"official of the district" not in page.content
    own = report(other, narrative="my own notes")
    assert b"my own notes" in client.get(f"/incidents/{own.reference}/").content


def test_out_of_scope_is_not_found(report, monitor, make_user, site_b, client):
    incident = report(monitor)
    stranger = make_user(Role.PROTECTION_OFFICER, sites=[site_b], username="stranger")
    with pytest.raises(NotFound):
        services.transition_incident(actor=stranger, incident=incident, to="CLOSED")
    sign_in(client, stranger)
    assert client.get(f"/incidents/{incident.reference}/").status_code == 404


def test_future_time_and_bad_severity_are_refused(report, monitor):
    with pytest.raises(InvalidInput) as exc:
        report(monitor, occurred_at=timezone.now() + timedelta(days=1), severity=7)
    assert set(exc.value.errors) == {"occurred_at", "severity"}


def test_timeline_filters_and_create_page(client, report, monitor, officer, unit_a):
    threat = report(monitor, kind="THREAT", severity=2)
    report(monitor, kind="ARMED_ATTACK", severity=4, occurred_at=threat.occurred_at - timedelta(days=3))
    sign_in(client, officer)
    page = client.get("/incidents/?kind=ARMED_ATTACK")
    assert page.content.count(b'">AAA-I-') == 1
    # The threat's own day (two hours ago may be yesterday just after midnight).
    page = client.get(f"/incidents/?date_from={timezone.localtime(threat.occurred_at).date().isoformat()}")
    assert page.content.count(b'">AAA-I-') == 1 and b"AAA-I-000001" in page.content
    sign_in(client, monitor)
    created = client.post(
        "/incidents/new/",
        {
            "site": monitor.sites.get().pk,
            "kind": "DENIAL_MEDICAL_ACCESS",
            "occurred_at": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "occurred_precision": "HOUR",
            "location": unit_a.pk,
            "severity": 3,
            "perpetrator_category": "STATE_FORCES",
            "killed": 0,
            "injured": 0,
            "missing": 0,
            "detained": 0,
        },
    )
    assert created.status_code == 302 and created["Location"].endswith("/incidents/AAA-I-000003/")
    assert client.get("/incidents/follow-ups/").status_code == 404  # open follow-ups: protection roles
    assert sign_in(client, officer).get("/incidents/follow-ups/").status_code == 200


def test_api_create_list_and_transition(client, officer, monitor):
    token = bearer(officer)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "site": "AAA",
        "kind": "ARREST_DETENTION",
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "severity": 3,
        "narrative": "detained at the gate",
        "detained": 1,
    }
    r = client.post("/api/v1/incidents", json.dumps(body), content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    ref = r.json()["reference"]
    assert r.json()["narrative"] == "detained at the gate"
    r = client.post(
        f"/api/v1/incidents/{ref}/transitions", json.dumps({"to": "OPEN"}), content_type="application/json", **headers
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = client.post(
        f"/api/v1/incidents/{ref}/follow-ups",
        json.dumps({"action": "Seek release", "owner": "monitor", "due_on": timezone.localdate().isoformat()}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201
    assert client.get("/api/v1/follow-ups", **headers).json()[0]["action"] == "Seek release"
    listed = client.get("/api/v1/incidents?severity=3", **headers).json()
    assert listed["count"] == 1
    mtoken = issue_api_token(actor=monitor, user=monitor)
    seen = client.get(f"/api/v1/incidents/{ref}", HTTP_AUTHORIZATION=f"Bearer {mtoken}").json()
    assert seen["narrative"] is None and seen["affected"] is None


def test_affected_person_is_restricted(report, officer, monitor, household, client):
    incident = report(officer)
    person = household.memberships.first().person
    services.add_affected_person(actor=officer, incident=incident, person=person, harm="THREATENED")
    sign_in(client, monitor)
    assert person.reference.encode() not in client.get(f"/incidents/{incident.reference}/").content
    sign_in(client, officer)
    assert person.reference.encode() in client.get(f"/incidents/{incident.reference}/").content
