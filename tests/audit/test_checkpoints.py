"""A trail cut short (even with its head moved back, or wiped with it) or rewritten is caught
by the signed checkpoints kept outside the database; a forged checkpoint line is named."""

from __future__ import annotations

import logging
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from asylon.audit.models import AuditEvent, ChainHead
from asylon.audit.services import event_digest, hashed_fields, record
from asylon.registry import services
from asylon.registry.models import Person

# Real commits: a checkpoint is written when a transaction that appended events commits.
pytestmark = pytest.mark.django_db(transaction=True)


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def lines() -> list[str]:
    path = getattr(settings, "ASYLON_AUDIT_CHECKPOINTS", None)
    return path.read_text().splitlines() if path and path.exists() else []


def numbers() -> list[int]:
    return [int(re.search(r" n=(\d+) ", line)[1]) for line in lines()]


def correct(clerk, note: str) -> None:
    person = Person.objects.order_by("pk").first()
    services.correct_person(actor=clerk, person=person, changes={"languages": note}, reason=note)


@pytest.fixture
def trail(clerk, household):
    """A trail of several committed transactions, each checkpointed as it committed."""
    for i in range(3):
        correct(clerk, f"fa {i}")
    count = AuditEvent.objects.count()
    assert count >= 8
    assert verify().startswith(f"{count} events verified.")
    return count


def test_last_events_deleted_and_head_moved_back_are_named(trail):
    kept = AuditEvent.objects.get(seq=trail - 2)
    sql("DELETE FROM audit_auditevent WHERE seq > %s", [kept.seq])
    sql("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [kept.seq, kept.hash])
    with pytest.raises(CommandError, match=rf"event #{trail} is missing: checkpoint \d+ .* cut short"):
        verify()


def test_everything_wiped_with_the_head_is_named(trail):
    sql("DELETE FROM audit_auditevent")
    sql("DELETE FROM audit_chainhead")
    with pytest.raises(CommandError, match=rf"event #{trail} is missing: .* the chain ends at #0"):
        verify()


def test_history_rewritten_with_the_key_is_caught_by_the_checkpoint(trail):
    """A holder of the secret key and the database can re-sign the chain; what a checkpoint
    kept elsewhere already holds still gives the rewrite away."""
    prev = AuditEvent.objects.get(seq=2).hash
    for ev in AuditEvent.objects.filter(seq__gte=3).order_by("seq"):
        if ev.seq == 3:
            ev.reason = "rewritten"
        ev.prev_hash, ev.hash = prev, event_digest(hashed_fields(ev), prev)
        ev.save()
        prev = ev.hash
    ChainHead.objects.filter(pk=1).update(last_hash=prev)
    with pytest.raises(CommandError, match=rf"event #{trail} differs from checkpoint \d+ .*rewritten") as exc:
        verify()
    assert "altered" not in str(exc.value)  # the chain itself is consistent again


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda line: line.replace(" seq=", " seq=9"), id="seq-edited"),
        pytest.param(lambda line: line[:-4] + "0000", id="mac-edited"),
        pytest.param(lambda line: "asylon-audit-checkpoint n=99 seq=99999 hash=" + "a" * 64, id="made-up"),
    ],
)
def test_forged_checkpoint_line_is_named(trail, forge):
    first = (lines() or [""])[0]
    with open(settings.ASYLON_AUDIT_CHECKPOINTS, "a") as file:
        file.write(forge(first) + "\n")
    with pytest.raises(CommandError, match=rf"checkpoint line {len(lines())} is forged or edited") as exc:
        verify()
    assert "cut short" not in str(exc.value)  # a forged line claims nothing


def test_missing_checkpoint_numbers_are_named(trail):
    assert numbers() == list(range(1, len(lines()) + 1))
    settings.ASYLON_AUDIT_CHECKPOINTS.write_text("\n".join(lines()[2:]) + "\n")
    with pytest.raises(CommandError, match=r"checkpoints 1 to 2 are missing"):
        verify()


def test_each_committed_transaction_writes_one_signed_line(clerk, household, caplog):
    """A registration (many events, one transaction) gives one line; a correction another,
    naming the committed head; the `asylon.audit` logger carries the same line."""
    before = len(lines())
    with caplog.at_level(logging.INFO, logger="asylon.audit"):
        correct(clerk, "ku")
    head = ChainHead.objects.get(pk=1)
    assert len(lines()) == before + 1 and numbers() == list(range(1, before + 2))
    assert f" seq={head.last_seq} hash={head.last_hash} " in lines()[-1]
    assert caplog.messages == [lines()[-1]]
    assert len(lines()) < AuditEvent.objects.count()  # per transaction, not per event
    assert verify().endswith(f"{len(lines())} checkpoints matched.")


def test_an_append_rolled_back_in_a_savepoint_is_not_checkpointed(clerk, household):
    """The line names the head the transaction committed, not one a rolled-back savepoint
    wrote, and the trail still verifies against it."""
    person = Person.objects.order_by("pk").first()
    with transaction.atomic():
        record(clerk, "person.viewed", person)
        kept = ChainHead.objects.get(pk=1).last_seq
        try:
            with transaction.atomic():
                record(clerk, "person.viewed", person)
                raise RuntimeError("undone")
        except RuntimeError:
            pass
    head = ChainHead.objects.get(pk=1)
    assert head.last_seq == kept
    assert f" seq={kept} hash={head.last_hash} " in lines()[-1]
    assert verify().endswith(f"{len(lines())} checkpoints matched.")
