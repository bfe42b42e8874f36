"""A block that holds the chain (`audit.held_chain`, the demo's seeding) leaves the trail a
run of the same services one by one would: the same events in the same order, each with its
actor, moment and sites, the same hashes, and `asylon audit verify` passes. Events of a
savepoint rolled back inside the block are gone with the changes they described."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from asylon.audit import services as audit
from asylon.audit.models import AuditEvent, EventSite
from asylon.registry import services

COLUMNS = ("seq", "at", "actor_username", "action", "object_ref", "site_id", "changes", "reason", "prev_hash", "hash")


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def trail() -> list[tuple]:
    return list(AuditEvent.objects.order_by("seq").values_list(*COLUMNS))


@pytest.fixture
def restart_clock(monkeypatch):
    """Set the clock back to the same moment; each reading of it is a second later."""

    def restart() -> None:
        moments = iter(datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(seconds=n) for n in range(10_000))
        monkeypatch.setattr(audit.timezone, "now", lambda: next(moments))

    return restart


def corrections(clerk, protection_officer, person, site_a, site_b) -> None:
    services.correct_person(actor=clerk, person=person, changes={"languages": "fa, ar"}, reason="typo")
    audit.record(protection_officer, "demo.two_sites", person, sites=[site_a.pk, site_b.pk], reason="both camps")
    services.correct_person(actor=clerk, person=person, changes={"languages": "fa"}, reason="second look")


def test_held_block_writes_the_trail_one_by_one_would(
    clerk, protection_officer, household, site_a, site_b, restart_clock
):
    person = household.memberships.first().person
    before = AuditEvent.objects.count()

    one_by_one = transaction.savepoint()
    restart_clock()
    corrections(clerk, protection_officer, person, site_a, site_b)
    expected = trail()
    expected_sites = list(EventSite.objects.order_by("seq", "site_id").values_list("seq", "site_id"))
    transaction.savepoint_rollback(one_by_one)
    assert AuditEvent.objects.count() == before

    restart_clock()
    with audit.held_chain():
        corrections(clerk, protection_officer, person, site_a, site_b)
        assert AuditEvent.objects.count() == before  # written when the block ends

    assert trail() == expected
    assert [row[3] for row in expected[before:]] == ["person.corrected", "demo.two_sites", "person.corrected"]
    assert [row[2] for row in expected[before:]] == ["clerk", "protection", "clerk"]
    assert list(EventSite.objects.order_by("seq", "site_id").values_list("seq", "site_id")) == expected_sites
    assert verify() == f"{before + 3} events verified."


class Refused(Exception):
    pass


def test_events_of_a_rolled_back_savepoint_are_dropped(clerk, household):
    person = household.memberships.first().person
    with audit.held_chain():
        services.correct_person(actor=clerk, person=person, changes={"languages": "fa, ar"}, reason="kept first")
        with pytest.raises(Refused), transaction.atomic():
            services.correct_person(actor=clerk, person=person, changes={"languages": "ar"}, reason="undone")
            raise Refused
        services.correct_person(actor=clerk, person=person, changes={"languages": "fa"}, reason="kept second")

    corrected = AuditEvent.objects.filter(action="person.corrected").order_by("seq")
    reasons = list(corrected.values_list("reason", flat=True))
    assert reasons == ["kept first", "kept second"]
    person.refresh_from_db()
    assert person.languages == "fa"
    assert "events verified." in verify()


def test_changes_whose_events_an_exception_dropped_never_commit(clerk, household):
    person = household.memberships.first().person
    with transaction.atomic():
        try:
            with audit.held_chain():
                services.correct_person(actor=clerk, person=person, changes={"languages": "ar"}, reason="untold")
                raise Refused
        except Refused:
            pass  # caught, yet the block's changes must not outlive their dropped events
    person.refresh_from_db()
    assert person.languages != "ar"
    assert not AuditEvent.objects.filter(reason="untold").exists()
    assert "events verified." in verify()


def test_held_block_appends_its_events_in_one_insert(clerk, household):
    person = household.memberships.first().person
    with CaptureQueriesContext(connection) as queries, audit.held_chain():
        for n in range(5):
            services.correct_person(actor=clerk, person=person, changes={"languages": f"fa {n}"}, reason=f"fix {n}")
    inserts = [q["sql"] for q in queries.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    assert len(inserts) == 1
    assert AuditEvent.objects.filter(action="person.corrected").count() == 5


@pytest.mark.django_db(transaction=True)
def test_held_block_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside a transaction"), audit.held_chain():
        pass
