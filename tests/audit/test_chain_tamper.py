"""Editing, deleting or inserting an audit row with raw SQL is caught by `asylon audit verify`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from asylon.audit.models import AuditEvent
from asylon.registry import services


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def trail(clerk, household):
    person = household.memberships.first().person
    for i in range(3):
        services.correct_person(actor=clerk, person=person, changes={"languages": f"fa {i}"}, reason=f"fix {i}")
    count = AuditEvent.objects.count()
    assert count >= 8
    return count


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_untouched_trail_verifies(trail):
    assert verify() == f"{trail} events verified."


def test_changed_row_is_named(trail):
    sql("UPDATE audit_auditevent SET changes = %s WHERE seq = 3", [json.dumps({"given_name": ["A", "B"]})])
    with pytest.raises(CommandError, match=r"event #3 was altered"):
        verify()


def test_changed_actor_is_named(trail):
    sql("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE seq = 5")
    with pytest.raises(CommandError, match=r"event #5 was altered"):
        verify()


def test_deleted_row_in_the_middle_is_named(trail):
    sql("DELETE FROM audit_auditevent WHERE seq = 4")
    with pytest.raises(CommandError, match=r"event #4 is missing"):
        verify()


def test_deleted_last_row_is_named(trail):
    sql("DELETE FROM audit_auditevent WHERE seq = %s", [trail])
    with pytest.raises(CommandError, match=rf"event #{trail} is missing"):
        verify()


def test_deleted_last_row_with_the_count_rewound_is_named(trail):
    sql("DELETE FROM audit_auditevent WHERE seq = %s", [trail])
    sql("UPDATE audit_chainhead SET last_seq = last_seq - 1 WHERE id = 1")
    with pytest.raises(CommandError, match=rf"event #{trail - 1} is not the event the chain head recorded"):
        verify()


def test_replaced_last_row_is_named(trail):
    sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["a" * 64, trail])
    with pytest.raises(CommandError, match=rf"event #{trail} was altered"):
        verify()


def test_forged_row_is_named(trail):
    last = AuditEvent.objects.order_by("-seq").first()
    sql(
        "INSERT INTO audit_auditevent (seq, at, actor_username, action, object_type, object_id, object_ref, changes,"
        " reason, prev_hash, hash) VALUES (%s, %s, 'forger', 'person.corrected', '', '', '', '{}', '', %s, %s)",
        [trail + 1, last.at, last.hash, "0" * 64],
    )
    with pytest.raises(CommandError, match=rf"event #{trail + 1} was altered"):
        verify()


def test_row_inserted_in_the_middle_is_named(trail):
    sql("UPDATE audit_auditevent SET seq = seq + 1000 WHERE seq >= 4")
    first = AuditEvent.objects.get(seq=3)
    sql(
        "INSERT INTO audit_auditevent (seq, at, actor_username, action, object_type, object_id, object_ref, changes,"
        " reason, prev_hash, hash) VALUES (4, %s, 'forger', 'person.corrected', '', '', '', '{}', '', %s, %s)",
        [first.at, first.hash, "f" * 64],
    )
    with pytest.raises(CommandError, match=r"event #4 was altered"):
        verify()


def test_verify_exits_non_zero_from_the_command_line(trail):
    sql("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE seq = 2")
    with pytest.raises(SystemExit) as exc:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["asylon", "audit", "verify"])
    assert exc.value.code != 0


def test_two_alterations_are_both_named(trail):
    sql("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE seq = 3")
    sql("DELETE FROM audit_auditevent WHERE seq = 5")
    sql("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE seq = %s", [trail - 1])
    with pytest.raises(CommandError) as exc:
        verify()
    message = str(exc.value)
    assert "event #3 was altered" in message
    assert "event #5 is missing" in message
    assert f"event #{trail - 1} was altered" in message
    assert "event #4 " not in message and "event #6 " not in message  # the walk resumes cleanly
