"""A batch of marks through the page's endpoint costs the same few statements whatever its
size, and writes nothing but the marks and their one audit event (issue 24: 20 monitors
marking at once, 2,000 marks a second).

The statements of a batch, with every check kept: the session and its user, the user's
sites, the roll call in those sites, the role's permissions, the entries of the persons
named (only while the roll call is open); then, in one transaction, the roll call held
FOR SHARE, the one UPDATE of the marks, the audit chain's head, the event and the new head.
The answer carries no live counts (the page reads counts.json). The session is not saved
again within a minute.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.incidents.conftest import register_residents
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.incidents import rollcall

NAMES = [f"Resident{i:02d}" for i in range(20)]
# The statements listed above (11), and the savepoint pair of the test's own transaction.
MOST_STATEMENTS = 13


@pytest.fixture
def marking(monitor, officer, site_a, unit_a, clerk):
    residents = register_residents(clerk, site_a, unit_a, NAMES)
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, monitor)
    token = str(browser.get(f"/incidents/roll-calls/{rc.pk}/").context["csrf_token"])

    def send(persons, tag):
        now = timezone.now().isoformat()
        marks = [
            {"person": p.reference, "result": "ACCOUNTED_SAFE", "marked_at": now, "client_id": f"{tag}-{i}"}
            for i, p in enumerate(persons)
        ]
        with CaptureQueriesContext(connection) as statements:
            response = browser.post(
                f"/incidents/roll-calls/{rc.pk}/marks",
                json.dumps({"marks": marks}),
                content_type="application/json",
                HTTP_X_CSRFTOKEN=token,
            )
        assert response.status_code == 200
        return response.json(), [q["sql"] for q in statements.captured_queries]

    return rc, residents, send


def test_a_batch_of_twenty_costs_the_statements_of_a_batch_of_one(marking):
    rc, residents, send = marking
    one, one_sql = send(residents[:1], "a")
    twenty, twenty_sql = send(residents[1:], "b")
    assert [r["status"] for r in one["results"] + twenty["results"]] == ["applied"] * 20
    assert len(twenty_sql) == len(one_sql) <= MOST_STATEMENTS, "\n".join(twenty_sql)
    assert not [sql for sql in twenty_sql if "COUNT(" in sql.upper()], "the answer carries no counts"
    counts = rollcall.counts(rc)
    assert counts["accounted"] == 20 and counts["unaccounted"] == 0
    events = AuditEvent.objects.filter(action="roll_call.marked", object_id=str(rc.pk))
    assert [len(e.changes["marks"]) for e in events.order_by("seq")] == [1, 19]


def test_a_batch_does_not_save_the_session_again_within_the_minute(marking):
    _rc, residents, send = marking
    _answer, statements = send(residents[:5], "c")
    assert not [sql for sql in statements if "django_session" in sql and not sql.startswith("SELECT")]
