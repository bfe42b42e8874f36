"""My work: each user's start page lists what is theirs to do across the system, and only that.

Each test builds the work of two users of the same role (or of two sites) and reads both
pages: an item shows on its owner's page, with its due date, and nowhere else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from tests.conftest import member
from tests.html_text import visible_text
from tests.signin import bearer, sign_in

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.incidents import rollcall
from asylon.incidents import services as incidents
from asylon.matching.models import CandidateStatus, DuplicateCandidate
from asylon.registry import services as registry
from asylon.status.models import Outcome, RsdCase, RsdState


def page(client, user) -> str:
    sign_in(client, user)
    response = client.get("/work/")
    assert response.status_code == 200
    return visible_text(response.content.decode())


@pytest.fixture
def residents(clerk, site_a, unit_a):
    hh = registry.register_household(
        actor=clerk, site=site_a, unit=unit_a, members=[member(), member("SPOUSE", given_name="Parvaneh", sex="F")]
    )
    return [m.person for m in hh.memberships.select_related("person")]


def test_everyone_starts_on_their_work(client, make_user):
    for role in Role.values:
        user = make_user(role, username=f"start-{role}")
        sign_in(client, user)
        assert client.get("/").url == "/work/", role


def test_a_role_with_nothing_to_do_is_told_so(client, make_user):
    viewer = make_user(Role.STATISTICS_VIEWER, username="stats")
    assert "Nothing waits for you today." in page(client, viewer)


def test_an_open_roll_call_waits_on_the_monitors_of_its_site_only(client, make_user, site_a, site_b, residents):
    here = make_user(Role.FIELD_MONITOR, username="monitor-a")
    there = make_user(Role.FIELD_MONITOR, sites=[site_b], username="monitor-b")
    officer = make_user(Role.PROTECTION_OFFICER, username="po-a")
    rollcall.start_roll_call(actor=officer, site=site_a)

    text = page(client, here)
    assert "Roll call open in Site A; residents not yet checked: 2" in text
    assert "Roll call open" not in page(client, there)

    # The menu says how many items wait, on every page.
    sign_in(client, here)
    menu = client.get("/persons/search/").content.decode()
    assert 'class="badge" aria-label="items waiting: 1"' in menu


def test_the_menu_count_follows_a_change_at_once(client, make_user, site_a, residents):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-count")
    officer = make_user(Role.PROTECTION_OFFICER, username="po-count")
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    sign_in(client, monitor)
    assert 'aria-label="items waiting: 1"' in client.get("/persons/search/").content.decode()
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    assert "items waiting" not in client.get("/persons/search/").content.decode()


def test_a_follow_up_shows_on_its_owners_page_until_done(client, make_user, site_a):
    officer = make_user(Role.PROTECTION_OFFICER, username="po-owner")
    other = make_user(Role.PROTECTION_OFFICER, username="po-other")
    incident = incidents.report_incident(
        actor=officer, site=site_a, kind="THREAT", occurred_at=timezone.now() - timedelta(hours=3), severity=2
    )
    due = today() - timedelta(days=2)
    follow_up = incidents.add_follow_up(
        actor=officer, incident=incident, action="Visit the family in block 4", owner=officer, due_on=due
    )

    text = page(client, officer)
    assert f"Visit the family in block 4 (incident {incident.reference})" in text
    assert f"overdue since {due.isoformat()}" in text
    assert "Visit the family" not in page(client, other)

    incidents.complete_follow_up(actor=officer, follow_up=follow_up, outcome="Visited; safe")
    assert "Visit the family" not in page(client, officer)


def test_an_appeal_window_closing_waits_on_the_officer_of_the_case(client, make_user, site_a, residents):
    officer = make_user(Role.RSD_OFFICER, username="rsd-a")
    colleague = make_user(Role.RSD_OFFICER, username="rsd-b")
    closes = today() + timedelta(days=3)
    RsdCase.objects.create(
        reference="RSD-AAA-0001",
        site=site_a,
        applicant=residents[0],
        state=RsdState.NOTIFIED,
        state_since=today() - timedelta(days=27),
        registered_on=today() - timedelta(days=200),
        assigned_officer=officer,
        outcome=Outcome.REJECTED,
        appeal_deadline=closes,
    )

    text = page(client, officer)
    assert f"Appeal window of RSD case RSD-AAA-0001 closes on {closes.isoformat()}" in text
    assert "RSD-AAA-0001" not in page(client, colleague)


def test_duplicates_to_review_are_counted_for_those_who_decide(client, make_user, clerk, site_a, residents):
    DuplicateCandidate.objects.create(
        person_a=residents[0],
        person_b=residents[1],
        site=site_a,
        probability=0.9,
        match_weight=3.2,
        status=CandidateStatus.OPEN,
    )
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-dup")
    assert "Possible duplicates to review: 1" in page(client, clerk)
    assert "Possible duplicates" not in page(client, monitor)


def test_the_api_lists_the_same_work(client, make_user, site_a, residents):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-api")
    officer = make_user(Role.PROTECTION_OFFICER, username="po-api")
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    response = client.get("/api/v1/work", **bearer(monitor))
    assert response.status_code == 200
    [item] = response.json()
    assert item["url"] == f"/incidents/roll-calls/{rc.pk}/"
    assert item["title"] == "Roll call open in Site A; residents not yet checked: 2"
    assert item["overdue"] is False


def test_the_page_reads_in_persian(client, make_user, site_a, residents):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor-fa")
    monitor.language = "fa"
    monitor.save()
    officer = make_user(Role.PROTECTION_OFFICER, username="po-fa")
    rollcall.start_roll_call(actor=officer, site=site_a)
    sign_in(client, monitor)
    text = visible_text(client.get("/work/", HTTP_ACCEPT_LANGUAGE="fa").content.decode())
    assert "My work" not in text
    assert "۲" in text  # the count in Persian digits


class TestDigest:
    @pytest.fixture
    def monitor(self, make_user, site_a, residents):
        monitor = make_user(Role.FIELD_MONITOR, username="monitor-mail")
        monitor.email = "monitor@example.org"
        monitor.work_digest = "daily"
        monitor.save()
        rollcall.start_roll_call(actor=make_user(Role.PROTECTION_OFFICER, username="po-mail"), site=site_a)
        return monitor

    def test_a_daily_digest_counts_without_naming_anyone(self, monitor, residents):
        call_command("work", "digest")
        [message] = mail.outbox
        assert message.to == ["monitor@example.org"]
        assert message.subject == "Asylon: 1 items of work wait for you (overdue: 0)"
        assert "Roll calls: 1 (overdue: 0)" in message.body
        assert "/work/" in message.body
        for person in residents:
            assert person.family_name not in message.body and person.reference not in message.body

    def test_never_twice_a_day_and_not_when_asked_for_none(self, monitor, make_user):
        call_command("work", "digest")
        call_command("work", "digest")
        assert len(mail.outbox) == 1
        monitor.work_digest = "never"
        monitor.work_digest_sent_on = None
        monitor.save()
        call_command("work", "digest")
        assert len(mail.outbox) == 1

    def test_a_dry_run_sends_nothing(self, monitor):
        call_command("work", "digest", "--dry-run")
        assert mail.outbox == []

    def test_the_digest_is_chosen_in_the_preferences(self, client, make_user):
        user = make_user(Role.RSD_OFFICER, username="rsd-pref")
        sign_in(client, user)
        response = client.post(
            "/accounts/preferences/", {"digits": "auto", "calendar": "gregorian", "work_digest": "weekly"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.work_digest == "weekly"
