"""N4 after an ending procedure (DOMAIN 5.3): a refugee whose status ceased cannot be removed
until the decision is notified and the appeal window has run out, nor while an appeal of it
is pending; an overturned ending restores the status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.status import services as status
from asylon.status.queries import status_on

from .conftest import clear_risk


@pytest.fixture
def rsd1(make_user):
    return make_user(Role.RSD_OFFICER, username="rsd-first")


@pytest.fixture
def rsd2(make_user):
    return make_user(Role.RSD_OFFICER, username="rsd-second")


def ceased(rsd1, person, decided_on):
    procedure = status.open_ending_procedure(
        actor=rsd1, person=person, kind="CESSATION", clause="1C(5)", on=decided_on - timedelta(days=30)
    )
    return status.decide_ending_procedure(
        actor=rsd1,
        procedure=procedure,
        outcome="ENDED",
        reasons="Circumstances in the country of origin changed fundamentally.",
        on=decided_on,
    )


def deport(po, person):
    return movement_requests.request_movement(
        actor=po, person=person, kind="DEPORTATION_ORDER", destination_country="IR"
    )


def n4_detail(po, person) -> str:
    with pytest.raises(gate.MovementRefused) as err:
        deport(po, person)
    [n4] = [b for b in err.value.blocks if b.rule == "N4"]
    return n4.detail


def test_status_ceased_today_cannot_be_deported_the_same_day(po, rsd1, resident):
    person = resident("REFUGEE")
    clear_risk(po, person, "IR")
    ceased(rsd1, person, today())
    assert status_on(person).status == "CEASED"
    assert "the time to appeal has not run out" in n4_detail(po, person)


def test_the_window_runs_from_the_notification_for_the_site_appeal_period(po, rsd1, resident):
    person = resident("REFUGEE")
    clear_risk(po, person, "IR")
    procedure = ceased(rsd1, person, today() - timedelta(days=40))
    assert "the time to appeal has not run out" in n4_detail(po, person)  # decided long ago, never notified
    procedure = status.notify_ending_decision(actor=rsd1, procedure=procedure, on=today() - timedelta(days=10))
    assert procedure.appeal_deadline == today() + timedelta(days=20)
    assert status_on(person).in_appeal_window
    assert "the time to appeal has not run out" in n4_detail(po, person)
    assert not status_on(person, today() + timedelta(days=21)).suspensive


def test_a_window_that_ran_out_lets_the_removal_be_assessed(po, rsd1, resident):
    person = resident("REFUGEE")
    clear_risk(po, person, "IR")
    procedure = ceased(rsd1, person, today() - timedelta(days=40))
    status.notify_ending_decision(actor=rsd1, procedure=procedure, on=today() - timedelta(days=35))
    assert deport(po, person).state == "ASSESSED"


def test_a_pending_appeal_suspends_removal_and_an_overturned_ending_restores_status(po, rsd1, rsd2, resident):
    person = resident("REFUGEE")
    clear_risk(po, person, "IR")
    procedure = ceased(rsd1, person, today() - timedelta(days=20))
    procedure = status.notify_ending_decision(actor=rsd1, procedure=procedure, on=today() - timedelta(days=15))
    status.lodge_ending_appeal(actor=rsd1, procedure=procedure, reasons="Compelling reasons from past persecution.")
    assert status_on(person, today() + timedelta(days=60)).appeal_pending  # pending, whatever the window
    assert "an appeal is pending" in n4_detail(po, person)
    with pytest.raises(Conflict) as err:
        status.decide_ending_appeal(actor=rsd1, procedure=procedure, outcome="OVERTURNED", reasons="x")
    assert err.value.code == "same_decision_maker"
    status.decide_ending_appeal(
        actor=rsd2, procedure=procedure, outcome="OVERTURNED", reasons="Compelling reasons accepted."
    )
    snapshot = status_on(person)
    assert (snapshot.status, snapshot.recognised_by, snapshot.appeal_pending) == ("REFUGEE", "UNHCR", False)


def test_an_appeal_after_the_window_is_refused(rsd1, resident):
    person = resident("REFUGEE")
    procedure = ceased(rsd1, person, today() - timedelta(days=50))
    procedure = status.notify_ending_decision(actor=rsd1, procedure=procedure, on=today() - timedelta(days=45))
    with pytest.raises(Conflict) as err:
        status.lodge_ending_appeal(actor=rsd1, procedure=procedure, reasons="Late.")
    assert err.value.code == "appeal_time_limit"
