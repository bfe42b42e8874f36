"""Every step of the stage table, taken through the services from each stage it starts from."""

from __future__ import annotations

import pytest

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.solutions import services
from asylon.solutions.models import StageEntry
from asylon.solutions.transitions import RESETTLEMENT_CASE

from .conftest import clear_for, to_stage

STEPS = sorted((action, source) for source, action, _target in RESETTLEMENT_CASE.edges())


def _reach(case, stage, *, rso, po, po2, country):
    if stage == "REJECTED":
        to_stage(rso, case, "SUBMITTED", country=country)
        services.decide_submission(actor=rso, case=case, accepted=False)
    elif stage != "IDENTIFIED":
        to_stage(rso, case, stage, country=country, po=po, po2=po2)
    case.refresh_from_db()
    assert case.stage == stage


def _take(action, case, *, rso, po, po2, albania, germany):
    if action == "assess":
        services.assess_case(actor=rso, case=case, need_assessment="Protection risk in the host country.")
    elif action == "submit":
        services.submit_case(actor=rso, case=case, country=germany)  # Albania may have rejected it
    elif action == "interview":
        services.schedule_interview(actor=rso, case=case, on=today())
    elif action in ("accept", "reject"):
        services.decide_submission(actor=rso, case=case, accepted=action == "accept")
    elif action == "exit_formalities":
        services.start_exit_formalities(actor=rso, case=case)
    elif action == "schedule_departure":
        services.record_formalities(
            actor=rso, case=case, exit_permit=True, medical_clearance=True, travel_documents=True
        )
        clear_for(po, po2, case, albania.country.code)
        services.schedule_departure(actor=rso, case=case, departure_date=today())
    elif action == "depart":
        services.approve_departure(actor=po, case=case)
        services.record_departure(actor=rso, case=case)
    elif action == "confirm_arrival":
        services.confirm_arrival(actor=rso, case=case)
    elif action == "close":
        services.close_case(actor=rso, case=case, reason="The family no longer wishes to resettle.")


@pytest.mark.parametrize("action,source", STEPS, ids=[f"{a}-from-{s}" for a, s in STEPS])
def test_each_step_moves_the_case_and_records_it(rso, po, po2, family, albania, germany, action, source):
    case = services.open_case(actor=rso, household=family(2), primary_category="LPP")
    _reach(case, source, rso=rso, po=po, po2=po2, country=albania)
    _take(action, case, rso=rso, po=po, po2=po2, albania=albania, germany=germany)
    case.refresh_from_db()
    target = RESETTLEMENT_CASE.steps[action].target
    assert case.stage == target
    last = StageEntry.objects.filter(case=case).order_by("pk").last()
    assert (last.action, last.from_stage, last.to_stage, last.actor) == (action, source, target, rso)
    assert case.stage_since == last.at


@pytest.mark.parametrize("stage", ["DEPARTURE_SCHEDULED", "DEPARTED"])
def test_a_case_is_not_closed_once_its_departure_is_under_way(rso, po, po2, family, albania, stage):
    case = services.open_case(actor=rso, household=family(2), primary_category="LPP")
    _reach(case, stage, rso=rso, po=po, po2=po2, country=albania)
    with pytest.raises(Conflict) as err:
        services.close_case(actor=rso, case=case, reason="Changed their mind.")
    assert err.value.code == "impossible_transition"
    case.refresh_from_db()
    assert case.stage == stage
