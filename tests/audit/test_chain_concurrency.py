"""Many writers at once on PostgreSQL still leave one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.audit import checkpoints
from asylon.audit.models import AuditEvent
from asylon.audit.verify import verify_chain
from asylon.registry import services
from asylon.registry.models import Person, Site

THREADS, WRITES = 8, 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_corrections_leave_a_single_valid_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite takes one writer at a time anyway)")
    site = Site.objects.create(code="CCC", name="Site C", host_country="IQ", designation="TTL")
    clerk = create_user(actor=None, username="conc", role=Role.REGISTRATION_CLERK, sites=[site]).user
    household = services.register_household(
        actor=clerk,
        site=site,
        members=[{"relationship": "PA", "given_name": "Kaveh", "family_name": "Parallel", "sex": "M"}]
        + [
            {"relationship": "CHILD", "given_name": f"Child{i}", "family_name": "Parallel", "sex": "F"}
            for i in range(7)
        ],
    )
    persons = list(Person.objects.filter(memberships__household=household).order_by("pk"))
    assert len(persons) == THREADS
    before = AuditEvent.objects.count()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(person: Person) -> None:
        try:
            start.wait()
            for i in range(WRITES):
                services.correct_person(
                    actor=clerk, person=person, changes={"languages": f"fa {i}"}, reason="concurrent"
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(p,)) for p in persons]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    assert AuditEvent.objects.count() == before + THREADS * WRITES
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    verdict = verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.checked == len(seqs)
    # Each commit checkpointed once, whole lines, numbered without gaps or repeats.
    lines = settings.ASYLON_AUDIT_CHECKPOINTS.read_text().splitlines()
    marks = [checkpoints.parse(line) for line in lines]
    assert all(marks) and [m.n for m in marks] == list(range(1, len(marks) + 1))
    assert verdict.checkpoints == len(marks) > THREADS
