"""The guards on top of the table: separation of duties, the appeal time limit, reopening
grounds, recognition details, and the status entries each step writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.status.conftest import D0, RECOGNISE

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from asylon.status import services
from asylon.status.models import LegalStatus, RsdSiteSettings
from asylon.status.queries import status_on, statuses_on


def test_appeal_cannot_be_decided_by_the_first_instance_officer(driver, new_person, officer1):
    case = driver.to_state(driver.new_case(new_person()), "APPEAL_LODGED")
    with pytest.raises(Conflict) as err:
        driver.step(case, "decide_appeal", actor=officer1)
    assert err.value.code == "appeal_same_officer"


def test_appeal_cannot_be_decided_by_the_interviewer(driver, new_person, officer1, officer2, make_user):
    officer3 = make_user(Role.RSD_OFFICER, username="rsd-three")
    case = driver.new_case(new_person())
    case = driver.step(case, "schedule_interview", on=D0)
    case = driver.step(case, "record_interview", on=D0, actor=officer3)
    for action in ("assess", "decide", "notify", "lodge_appeal"):
        case = driver.step(case, action, on=D0 if action != "lodge_appeal" else D0)
    with pytest.raises(Conflict):
        driver.step(case, "decide_appeal", actor=officer3, on=D0)
    assert driver.step(case, "decide_appeal", actor=officer2, on=D0).state == "APPEAL_DECIDED"


def test_appeal_time_limit_counts_from_notification(driver, new_person):
    on_time = driver.to_state(driver.new_case(new_person()), "NOTIFIED", notify_on=today() - timedelta(days=30))
    assert on_time.appeal_deadline == today()
    assert driver.step(on_time, "lodge_appeal", on=today()).state == "APPEAL_LODGED"
    late = driver.to_state(driver.new_case(new_person()), "NOTIFIED", notify_on=today() - timedelta(days=31))
    with pytest.raises(Conflict) as err:
        driver.step(late, "lodge_appeal", on=today())
    assert err.value.code == "appeal_time_limit"
    # ...and a file whose window is still open cannot be closed as final.
    open_window = driver.to_state(driver.new_case(new_person()), "NOTIFIED", notify_on=today() - timedelta(days=3))
    with pytest.raises(Conflict) as err:
        driver.step(open_window, "finalise", on=today())
    assert err.value.code == "appeal_window_open"


def test_appeal_window_is_set_per_site(driver, new_person, site_a):
    RsdSiteSettings.objects.create(site=site_a, appeal_window_days=10)
    case = driver.to_state(driver.new_case(new_person()), "NOTIFIED", notify_on=today() - timedelta(days=11))
    assert case.appeal_deadline == today() - timedelta(days=1)
    with pytest.raises(Conflict):
        driver.step(case, "lodge_appeal", on=today())


def test_a_recognition_cannot_be_appealed(driver, new_person):
    case = driver.to_state(driver.new_case(new_person()), "ASSESSED")
    case = driver.step(case, "decide", on=D0, data=RECOGNISE)
    case = driver.step(case, "notify", on=D0)
    with pytest.raises(Conflict) as err:
        driver.step(case, "lodge_appeal", on=D0)
    assert err.value.code == "nothing_to_appeal"


def test_reopening_a_final_rejection_needs_a_coded_ground(driver, new_person):
    case = driver.to_state(driver.new_case(new_person()), "CLOSED")
    for bad in ({}, {"ground": "BECAUSE", "explanation": "x"}, {"ground": "APPLICANT_REQUEST", "explanation": "x"}):
        with pytest.raises(InvalidInput) as err:
            driver.step(case, "reopen", data=bad)
        assert "ground" in err.value.errors
    with pytest.raises(InvalidInput):
        driver.step(case, "reopen", data={"ground": "MATERIAL_CHANGE", "explanation": ""})
    reopened = driver.step(case, "reopen", data={"ground": "MATERIAL_CHANGE", "explanation": "Regime change."})
    assert reopened.reopen_ground == "MATERIAL_CHANGE" and reopened.outcome == ""
    assert status_on(case.applicant).status == LegalStatus.ASYLUM_SEEKER


def test_a_recognised_case_is_not_reopened(driver, new_person):
    case = driver.to_state(driver.new_case(new_person()), "ASSESSED")
    for action, data in (("decide", RECOGNISE), ("notify", {}), ("finalise", {})):
        case = driver.step(case, action, on=D0, data=data)
    with pytest.raises(Conflict) as err:
        driver.step(case, "reopen", data={"ground": "NEW_EVIDENCE", "explanation": "x"})
    assert err.value.code == "recognition_not_reopened"


def test_exclusion_needs_a_reviewer_other_than_the_assessor(driver, new_person, officer1, officer2):
    case = driver.to_state(driver.new_case(new_person()), "EXCLUSION_ASSESSED")
    assert case.exclusion_assessed_by == officer1
    for action in ("decide_exclusion", "clear_exclusion"):
        with pytest.raises(Conflict) as err:
            driver.step(case, action, actor=officer1, on=D0)
        assert err.value.code == "separation_of_duties"
    excluded = driver.step(case, "decide_exclusion", actor=officer2, on=D0)
    assert excluded.outcome == "EXCLUDED" and excluded.exclusion_reviewed_by == officer2


def test_recognition_needs_grounds_basis_and_reasons(driver, new_person):
    case = driver.to_state(driver.new_case(new_person()), "ASSESSED")
    with pytest.raises(InvalidInput) as err:
        driver.step(case, "decide", on=D0, data={"outcome": "RECOGNISED", "reasons": ""})
    assert {"reasons", "grounds", "legal_basis", "recognised_by"} <= set(err.value.errors)


def test_recognition_gives_refugee_status_to_the_applicant_and_derivatively_to_dependants(driver, family):
    pa, spouse, child = family
    case = driver.to_state(driver.new_case(pa, [spouse, child]), "ASSESSED")
    case = driver.step(case, "decide", on=D0, data=RECOGNISE)
    assert status_on(pa).status == LegalStatus.ASYLUM_SEEKER  # not until notified
    driver.step(case, "notify", on=D0 + timedelta(days=3))
    snaps = statuses_on([p.pk for p in family])
    assert {s.status for s in snaps.values()} == {LegalStatus.REFUGEE}
    assert snaps[pa.pk].derivative_of is None and snaps[child.pk].derivative_of == pa.pk
    assert snaps[pa.pk].recognised_by == "UNHCR" and snaps[pa.pk].determination_mode == "INDIVIDUAL"
    assert snaps[pa.pk].final_decision and not snaps[pa.pk].claim_pending


def test_who_may_act(driver, new_person, clerk, protection_officer, make_user, site_b):
    case = driver.new_case(new_person())
    with pytest.raises(NotPermitted):
        services.transition_rsd_case(
            actor=clerk, case=case, action="schedule_interview", data={"interview_on": today()}
        )
    with pytest.raises(NotPermitted):
        services.transition_rsd_case(
            actor=protection_officer, case=case, action="schedule_interview", data={"interview_on": today()}
        )
    elsewhere = make_user(Role.RSD_OFFICER, sites=[site_b], username="rsd-b")
    with pytest.raises(NotFound):
        services.transition_rsd_case(
            actor=elsewhere, case=case, action="schedule_interview", data={"interview_on": today()}
        )


def test_a_person_is_in_one_open_case_and_a_refugee_gets_none(driver, new_person):
    person = new_person()
    driver.new_case(person)
    with pytest.raises(InvalidInput):
        driver.new_case(person)


def test_dates_cannot_run_backwards_or_into_the_future(driver, new_person):
    case = driver.new_case(new_person())
    with pytest.raises(InvalidInput):
        driver.step(case, "schedule_interview", on=D0 - timedelta(days=1), data={"interview_on": D0})
    with pytest.raises(InvalidInput):
        driver.step(case, "schedule_interview", on=today() + timedelta(days=1), data={"interview_on": today()})
