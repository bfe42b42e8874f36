"""Every allowed and every refused step of the RSD state machine, driven through the service.

The expectations come from the hand-written list below, not from the table in the code, so
a wrong table cannot pass silently; a separate test checks the two say the same.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.status.conftest import PATHS

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.status.models import RsdState, RsdTransition
from asylon.status.transitions import RSD_CASE, Action

# Written by hand from DOMAIN.md 5.1 and the issue, independently of transitions.py.
EXPECTED = """
REGISTERED          schedule_interview  INTERVIEW_SCHEDULED
INTERVIEW_SCHEDULED schedule_interview  INTERVIEW_SCHEDULED
NO_SHOW             schedule_interview  INTERVIEW_SCHEDULED
REOPENED            schedule_interview  INTERVIEW_SCHEDULED
INTERVIEW_SCHEDULED record_no_show      NO_SHOW
NO_SHOW             close_abandoned     CLOSED_ABANDONED
INTERVIEW_SCHEDULED record_interview    INTERVIEWED
INTERVIEWED         assess              ASSESSED
REOPENED            assess              ASSESSED
ASSESSED            flag_exclusion      EXCLUSION_REVIEW
EXCLUSION_REVIEW    assess_exclusion    EXCLUSION_ASSESSED
EXCLUSION_ASSESSED  decide_exclusion    DECIDED
EXCLUSION_ASSESSED  clear_exclusion     ASSESSED
ASSESSED            decide              DECIDED
DECIDED             notify              NOTIFIED
NOTIFIED            lodge_appeal        APPEAL_LODGED
NOTIFIED            finalise            CLOSED
APPEAL_LODGED       decide_appeal       APPEAL_DECIDED
APPEAL_DECIDED      notify_appeal       CLOSED
CLOSED              reopen              REOPENED
CLOSED_ABANDONED    reopen              REOPENED
"""
ALLOWED = {(s, a): t for s, a, t in (line.split() for line in EXPECTED.strip().splitlines())}
REFUSED_BY_STATE = {s: [a for a in Action.values if (s, a) not in ALLOWED] for s in RsdState.values}


def test_table_in_code_is_the_hand_written_one():
    assert {(str(s), str(a)): str(t) for s, a, t in RSD_CASE.edges()} == ALLOWED


def test_every_state_is_reachable_by_the_test_paths():
    assert set(PATHS) == set(RsdState.values)


@pytest.mark.parametrize(("state", "action"), sorted(ALLOWED))
def test_allowed_step(driver, new_person, state, action):
    # Finalising a negative decision needs its appeal window over; everything else a recent notice.
    notify_on = today() - timedelta(days=40) if action == "finalise" else today() - timedelta(days=5)
    data = None
    case = driver.to_state(driver.new_case(new_person()), state, notify_on=notify_on)
    assert case.state == state
    if action == "reopen" and state == "CLOSED_ABANDONED":
        data = {"ground": "APPLICANT_REQUEST", "explanation": "The applicant came back."}
    if action == "schedule_interview":
        data = {"interview_on": today() + timedelta(days=7)}
    moved = driver.step(case, action, on=today(), data=data)
    assert moved.state == ALLOWED[(state, action)]
    last = RsdTransition.objects.filter(case=moved).last()
    assert (last.from_state, last.action, last.to_state) == (state, action, moved.state)


@pytest.mark.parametrize("state", RsdState.values)
def test_refused_steps(driver, new_person, state):
    case = driver.to_state(driver.new_case(new_person()), state)
    steps = RsdTransition.objects.filter(case=case).count()
    for action in REFUSED_BY_STATE[state]:
        with pytest.raises(Conflict) as err:
            driver.step(case, action, on=today())
        assert err.value.code == "invalid_transition", action
        case.refresh_from_db()
        assert case.state == state
    assert RsdTransition.objects.filter(case=case).count() == steps
