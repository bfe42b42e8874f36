"""The audit trail over the API reads as the trail page does: the same events, the same
filters (and the site and kind of record), newest first, paged, and as a CSV file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.registry import services


@pytest.fixture
def trail(household, site_b, clerk, make_user):
    """A household in site A registered by the clerk, one corrected, and one in site B."""
    person = household.memberships.select_related("person").order_by("person__reference").first().person
    services.correct_person(actor=clerk, person=person, changes={"given_name": "Dara"}, reason="typo")
    clerk_b = make_user(Role.REGISTRATION_CLERK, sites=[site_b], username="clerk-b")
    other = services.register_household(
        actor=clerk_b,
        site=site_b,
        members=[{"relationship": "PA", "given_name": "Behrouz", "family_name": "Elsewhere", "sex": "M"}],
    )
    return person, other


def _get(user, path: str, **params):
    return Client().get(path, params, **bearer(user))


def test_an_auditor_filters_the_trail_by_actor_and_sees_that_event(trail, protection_officer, clerk):
    person, _other = trail
    body = _get(protection_officer, "/api/v1/audit-events", actor="clerk").json()
    assert body["items"] and {e["actor"] for e in body["items"]} == {"clerk"}
    corrected = next(e for e in body["items"] if e["action"] == "person.corrected")
    assert corrected["object_ref"] == person.reference
    assert corrected["reason"] == "typo"
    assert corrected["changes"] == {"given_name": ["Dariush", "Dara"]}
    assert corrected["change_lines"] == [{"field": "given_name", "text": "Dariush → Dara"}]
    one = _get(protection_officer, f"/api/v1/audit-events/{corrected['seq']}").json()
    assert one == corrected


def test_the_trail_shows_only_the_readers_sites_and_accounts_only_to_administrators(
    trail, protection_officer, make_user
):
    _person, other = trail
    admin = make_user(Role.ADMINISTRATOR, username="admin-a")
    officer_events = _get(protection_officer, "/api/v1/audit-events", limit=500).json()["items"]
    refs = {e["object_ref"] for e in officer_events}
    assert other.reference not in refs
    assert not any(e["object_type"].startswith("accounts.") for e in officer_events)
    admin_actions = {e["action"] for e in _get(admin, "/api/v1/audit-events", limit=500).json()["items"]}
    assert "user.created" in admin_actions
    elsewhere = AuditEvent.objects.get(object_ref=other.reference, action="household.registered")
    assert _get(protection_officer, f"/api/v1/audit-events/{elsewhere.seq}").status_code == 404


def test_filters_by_record_kind_reference_site_and_dates(trail, protection_officer):
    person, _other = trail
    kinds = _get(protection_officer, "/api/v1/audit-events", object_type="registry.household").json()["items"]
    assert kinds and {e["object_type"] for e in kinds} == {"registry.household"}
    by_ref = _get(protection_officer, "/api/v1/audit-events", reference=person.reference).json()["items"]
    assert {e["object_ref"] for e in by_ref} == {person.reference}
    assert "person.corrected" in {e["action"] for e in by_ref}
    in_site = _get(protection_officer, "/api/v1/audit-events", site="AAA").json()["items"]
    assert person.reference in {e["object_ref"] for e in in_site}
    refused = _get(protection_officer, "/api/v1/audit-events", site="BBB")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["site"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert _get(protection_officer, "/api/v1/audit-events", since=tomorrow.isoformat()).json()["items"] == []
    backwards = _get(protection_officer, "/api/v1/audit-events", since=tomorrow.isoformat(), until="2013-01-01")
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["until"]
    today = timezone.localdate().isoformat()
    assert _get(protection_officer, "/api/v1/audit-events", since=today, until=today).json()["items"]


def test_pages_follow_the_cursor_newest_first_without_gaps(trail, protection_officer):
    everything = [e["seq"] for e in _get(protection_officer, "/api/v1/audit-events", limit=500).json()["items"]]
    assert everything == sorted(everything, reverse=True) and len(everything) > 3
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = _get(protection_officer, "/api/v1/audit-events", **params).json()
        seen += [e["seq"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


def test_the_export_is_a_csv_of_the_filtered_events_in_the_pages_columns(trail, protection_officer):
    person, _other = trail
    response = _get(protection_officer, "/api/v1/audit-events/export", reference=person.reference)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["seq", "at", "user", "action", "record", "changes", "reason"]
    corrected = next(r for r in rows[1:] if r[3] == "person.corrected")
    assert corrected[2] == "clerk" and corrected[4] == person.reference
    assert corrected[5] == "given_name: Dariush → Dara" and corrected[6] == "typo"
    assert {r[4] for r in rows[1:]} == {person.reference}


def test_a_cell_a_spreadsheet_would_run_is_exported_as_text(trail, protection_officer, clerk):
    person, _other = trail
    services.correct_person(actor=clerk, person=person, changes={"given_name": "Darya"}, reason="=HYPERLINK(1)")
    response = _get(protection_officer, "/api/v1/audit-events/export", action="person.corrected")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "'=HYPERLINK(1)" in {r[6] for r in rows[1:]}


@pytest.mark.parametrize("path", ["/api/v1/audit-events", "/api/v1/audit-events/export", "/api/v1/audit-events/1"])
def test_a_clerk_may_not_read_the_trail(clerk, path):
    response = _get(clerk, path)
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


def test_reading_the_trail_records_nothing_as_the_page_does(trail, protection_officer):
    before = AuditEvent.objects.count()
    _get(protection_officer, "/api/v1/audit-events")
    assert AuditEvent.objects.count() == before + 1  # the bearer token's issue only
