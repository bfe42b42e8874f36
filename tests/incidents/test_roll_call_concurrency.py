"""20 monitors marking at once over 3,000 residents on PostgreSQL: no mark lost, counts exact,
and the audit trail names every applied mark and still verifies."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.audit.verify import verify_chain
from asylon.incidents import rollcall
from asylon.incidents.models import ACCOUNTED, RollCallEntry, RollCallResult
from asylon.registry.models import Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
RESIDENTS = 3000
OVERLAP = 100  # persons every thread marks, each at its own time
parse = datetime.fromisoformat
RESULTS = [r for r in RollCallResult.values if r != RollCallResult.NOT_YET_CHECKED]


def test_twenty_concurrent_markers(site_a, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (ASYLON_DATABASE_URL=postgres://...)")
    officer = make_user(Role.PROTECTION_OFFICER, username="officer")
    monitors = [make_user(Role.FIELD_MONITOR, username=f"monitor{i:02d}") for i in range(THREADS)]
    today = timezone.localdate()
    Person.objects.bulk_create(
        [
            Person(reference=f"AAA-{i:06d}", site=site_a, given_name=f"Resident{i}", sex="U", registered_on=today)
            for i in range(RESIDENTS)
        ],
        batch_size=1000,
    )
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    refs = [f"AAA-{i:06d}" for i in range(RESIDENTS)]
    t0 = timezone.now()
    rng = random.Random(6)
    # Each thread: its own disjoint slice of the non-overlapping persons, plus every overlapping one.
    offsets = rng.sample(range(1, 10_000_000), THREADS * OVERLAP)
    plans: list[list[dict]] = []
    for t in range(THREADS):
        own = refs[OVERLAP + t :: THREADS]
        marks = [
            {
                "person": ref,
                "result": rng.choice(RESULTS),
                "marked_at": (t0 + timedelta(seconds=1 + t)).isoformat(),
                "client_id": f"{t}-{ref}",
            }
            for ref in own
        ]
        for j, ref in enumerate(refs[:OVERLAP]):
            when = t0 + timedelta(microseconds=offsets[t * OVERLAP + j])
            marks.append(
                {
                    "person": ref,
                    "result": rng.choice(RESULTS),
                    "marked_at": when.isoformat(),
                    "client_id": f"{t}-o-{ref}",
                }
            )
        rng.shuffle(marks)  # older marks arrive after newer ones
        plans.append(marks)

    outcomes: list[list[dict]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(t: int) -> None:
        try:
            barrier.wait()
            for start in range(0, len(plans[t]), 50):
                marks, rejected = rollcall.parse_marks(plans[t][start : start + 50])
                assert not rejected
                outcomes[t].extend(rollcall.mark_persons(actor=monitors[t], roll_call=rc, marks=marks))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors

    sent = sum(len(p) for p in plans)
    answered = [o for out in outcomes for o in out]
    assert len(answered) == sent  # every mark answered: none lost
    assert {o["status"] for o in answered} <= {"applied", "conflict"}
    # The stored mark of each person is the newest one sent for them.
    newest: dict[str, dict] = {}
    for plan in plans:
        for m in plan:
            if m["person"] not in newest or parse(m["marked_at"]) > parse(newest[m["person"]]["marked_at"]):
                newest[m["person"]] = m
    stored = dict(RollCallEntry.objects.filter(roll_call=rc).values_list("person__reference", "result"))
    assert stored == {ref: m["result"] for ref, m in newest.items()}
    counts = rollcall.counts(rc)
    expected_accounted = sum(1 for m in newest.values() if m["result"] in ACCOUNTED)
    assert counts["total"] == RESIDENTS
    assert counts["accounted"] == expected_accounted
    assert counts["unaccounted"] == RESIDENTS - expected_accounted
    assert counts["by_result"]["NOT_YET_CHECKED"] == 0
    # Every applied mark is in the database once and named by its batch's one audit event.
    applied = [o for o in answered if o["status"] == "applied"]
    assert sum(RollCallEntry.objects.filter(roll_call=rc).values_list("version", flat=True)) == len(applied)
    named = [
        (ref, result)
        for changes in AuditEvent.objects.filter(action="roll_call.marked", object_id=str(rc.pk)).values_list(
            "changes", flat=True
        )
        for ref, result in changes["marks"].items()
    ]
    assert sorted(named) == sorted((o["person"], o["result"]) for o in applied)
    assert verify_chain().ok
