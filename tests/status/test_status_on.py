"""The read the safeguards use: the status on any date, and what is pending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.status.conftest import D0, RECOGNISE

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.status import services
from asylon.status.entries import append_entries
from asylon.status.models import LegalStatus
from asylon.status.queries import status_on, statuses_on


def test_timeline_of_a_rejected_appealed_and_finally_rejected_claim(driver, new_person):
    person = new_person()
    notified = today() - timedelta(days=50)
    lodged = notified + timedelta(days=20)
    decided = lodged + timedelta(days=10)
    closed = decided + timedelta(days=2)
    case = driver.to_state(driver.new_case(person), "DECIDED")
    case = driver.step(case, "notify", on=notified)
    case = driver.step(case, "lodge_appeal", on=lodged)
    case = driver.step(case, "decide_appeal", on=decided)
    driver.step(case, "notify_appeal", on=closed)

    before = status_on(person, D0 - timedelta(days=1))
    assert before.status == "ASYLUM_SEEKER" and before.claim_pending and before.rsd_case_state is None
    in_window = status_on(person, notified + timedelta(days=1))
    assert in_window.in_appeal_window and in_window.claim_pending and not in_window.final_decision
    assert in_window.appeal_deadline == notified + timedelta(days=30)
    assert in_window.rsd_case_state == "NOTIFIED"
    appealing = status_on(person, lodged)
    assert appealing.appeal_pending and not appealing.in_appeal_window and appealing.claim_pending
    still = status_on(person, decided)  # decided but not yet notified: the appeal is still pending
    assert still.appeal_pending and still.status == "ASYLUM_SEEKER"
    final = status_on(person, closed)
    assert final.status == "REJECTED_FINAL" and final.final_decision and not final.suspensive
    assert final.rsd_case_state == "CLOSED"
    assert status_on(person).status == "REJECTED_FINAL"


def test_no_appeal_final_from_the_day_after_the_deadline(driver, new_person):
    person = new_person()
    notified = today() - timedelta(days=40)
    case = driver.to_state(driver.new_case(person), "NOTIFIED", notify_on=notified)
    # The window has passed, but until the file is closed the claim stays pending (safe default).
    assert status_on(person).claim_pending and not status_on(person).in_appeal_window
    driver.step(case, "finalise", on=today())
    deadline = notified + timedelta(days=30)
    assert status_on(person, deadline).status == "ASYLUM_SEEKER"
    assert status_on(person, deadline).in_appeal_window
    assert status_on(person, deadline + timedelta(days=1)).status == "REJECTED_FINAL"


def test_bulk_read_uses_a_constant_number_of_queries(driver, new_person, django_assert_num_queries):
    persons = [new_person() for _ in range(6)]
    for p in persons[:3]:
        driver.to_state(driver.new_case(p), "NOTIFIED")
    with django_assert_num_queries(4):  # entries, cases, transitions, ending procedures
        snaps = statuses_on([p.pk for p in persons])
    assert [snaps[p.pk].in_appeal_window for p in persons] == [True] * 3 + [False] * 3


def test_refugee_status_ends_only_through_a_procedure(driver, new_person, officer1):
    person = new_person()
    case = driver.to_state(driver.new_case(person), "ASSESSED")
    driver.step(driver.step(case, "decide", on=D0, data=RECOGNISE), "notify", on=D0)
    with pytest.raises(Conflict) as err:
        append_entries(actor=officer1, person_ids=[person.pk], status=LegalStatus.REJECTED_FINAL, effective_on=today())
    assert err.value.code == "refugee_status_needs_procedure"
    procedure = services.open_ending_procedure(actor=officer1, person=person, kind="CESSATION", clause="1C(5)")
    with pytest.raises(Conflict):
        services.open_ending_procedure(actor=officer1, person=person, kind="CESSATION", clause="1C(5)")
    services.decide_ending_procedure(
        actor=officer1, procedure=procedure, outcome="ENDED", reasons="Circumstances have ceased to exist."
    )
    snap = status_on(person)
    assert snap.status == "CEASED" and snap.final_decision
    assert status_on(person, D0).status == "REFUGEE"


def test_departure_is_recorded_without_ending_recognition_procedure(driver, new_person, protection_officer):
    person = new_person()
    services.record_status_event(
        actor=protection_officer, person=person, status="DEPARTED_RESETTLED", note="Departed to a third country."
    )
    assert status_on(person).status == "DEPARTED_RESETTLED"
    with pytest.raises(Exception):  # noqa: B017 - decisions never come through this door
        services.record_status_event(actor=protection_officer, person=person, status="REFUGEE", note="x")
