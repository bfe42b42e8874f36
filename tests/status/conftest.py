"""Fixtures for legal status: RSD officers, applicants registered through the register's service,
and a helper that drives a case through the state machine with dated steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import member

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.registry import services as registry
from asylon.status import services
from asylon.status.models import RsdCase


@pytest.fixture
def officer1(make_user):
    return make_user(Role.RSD_OFFICER, username="rsd-one")


@pytest.fixture
def officer2(make_user):
    return make_user(Role.RSD_OFFICER, username="rsd-two")


@pytest.fixture
def family(clerk, site_a, unit_a):
    """A principal applicant and two dependants."""
    household = registry.register_household(
        actor=clerk,
        site=site_a,
        unit=unit_a,
        arrival_date=date(2012, 2, 18),
        members=[
            member(registered_on=date(2012, 2, 18)),
            member("SPOUSE", given_name="Parvaneh", sex="F", registered_on=date(2012, 2, 18)),
            member(
                "CHILD", given_name="Sara", sex="F", date_of_birth=date(2010, 5, 5), registered_on=date(2012, 2, 18)
            ),
        ],
    )
    members = sorted((m for m in household.memberships.select_related("person")), key=lambda m: m.relationship != "PA")
    return [m.person for m in members]


D0 = today() - timedelta(days=200)

VALID_DATA = {
    "schedule_interview": {"interview_on": D0},
    "record_no_show": {},
    "close_abandoned": {"reasons": "No contact for six weeks."},
    "record_interview": {"notes": "Interview held with a Farsi interpreter."},
    "assess": {"assessment": "Credible account.", "recommendation": "RECOGNISED"},
    "flag_exclusion": {"indications": "Served in a unit named in reports."},
    "assess_exclusion": {"clause": "1F_B", "assessment": "No serious reasons for considering."},
    "decide_exclusion": {"reasons": "Serious reasons for considering 1F(b)."},
    "clear_exclusion": {"reasons": "Indications not substantiated."},
    "decide": {"outcome": "REJECTED", "reasons": "Fear not well-founded on the facts found."},
    "notify": {},
    "lodge_appeal": {"grounds": "The facts were misread."},
    "finalise": {},
    "decide_appeal": {"outcome": "REJECTED", "reasons": "First instance confirmed."},
    "notify_appeal": {},
    "reopen": {"ground": "NEW_EVIDENCE", "explanation": "A court record was found."},
}
RECOGNISE = {
    "outcome": "RECOGNISED",
    "reasons": "Well-founded fear for political opinion.",
    "grounds": ["POLITICAL_OPINION"],
    "legal_basis": "1951_CONV",
    "recognised_by": "UNHCR",
}

# How to reach each state from REGISTERED: (action, data override or None).
PATHS: dict[str, list[str]] = {
    "REGISTERED": [],
    "INTERVIEW_SCHEDULED": ["schedule_interview"],
    "NO_SHOW": ["schedule_interview", "record_no_show"],
    "CLOSED_ABANDONED": ["schedule_interview", "record_no_show", "close_abandoned"],
    "INTERVIEWED": ["schedule_interview", "record_interview"],
    "ASSESSED": ["schedule_interview", "record_interview", "assess"],
    "EXCLUSION_REVIEW": ["schedule_interview", "record_interview", "assess", "flag_exclusion"],
    "EXCLUSION_ASSESSED": ["schedule_interview", "record_interview", "assess", "flag_exclusion", "assess_exclusion"],
    "DECIDED": ["schedule_interview", "record_interview", "assess", "decide"],
    "NOTIFIED": ["schedule_interview", "record_interview", "assess", "decide", "notify"],
    "APPEAL_LODGED": ["schedule_interview", "record_interview", "assess", "decide", "notify", "lodge_appeal"],
    "APPEAL_DECIDED": [
        "schedule_interview",
        "record_interview",
        "assess",
        "decide",
        "notify",
        "lodge_appeal",
        "decide_appeal",
    ],
    "CLOSED": [
        "schedule_interview",
        "record_interview",
        "assess",
        "decide",
        "notify",
        "lodge_appeal",
        "decide_appeal",
        "notify_appeal",
    ],
    "REOPENED": [
        "schedule_interview",
        "record_interview",
        "assess",
        "decide",
        "notify",
        "lodge_appeal",
        "decide_appeal",
        "notify_appeal",
        "reopen",
    ],
}
SECOND_OFFICER_ACTIONS = {"decide_exclusion", "clear_exclusion", "decide_appeal"}


class Driver:
    """Moves cases with dated steps: everything on D0 except notification (on `notify_on`)."""

    def __init__(self, officer1, officer2):
        self.officer1, self.officer2 = officer1, officer2

    def actor_for(self, action: str):
        return self.officer2 if action in SECOND_OFFICER_ACTIONS else self.officer1

    def step(self, case, action, *, on=None, data=None, actor=None):
        return services.transition_rsd_case(
            actor=actor or self.actor_for(action),
            case=case,
            action=action,
            on=on,
            data=VALID_DATA[action] if data is None else data,
        )

    def new_case(self, applicant, dependants=()):
        return services.register_rsd_case(
            actor=self.officer1,
            applicant=applicant,
            dependants=dependants,
            registered_on=D0,
            assigned_officer=self.officer1,
        )

    def to_state(self, case: RsdCase, state: str, *, notify_on: date | None = None) -> RsdCase:
        notify_on = notify_on or today() - timedelta(days=5)
        for action in PATHS[state]:
            if action == "notify":
                on = notify_on
            elif action in ("lodge_appeal", "decide_appeal", "notify_appeal", "reopen", "finalise"):
                on = max(notify_on, case.state_since)
            else:
                on = D0
            case = self.step(case, action, on=on)
        return case


@pytest.fixture
def driver(officer1, officer2):
    return Driver(officer1, officer2)


@pytest.fixture
def new_person(clerk, site_a):
    """Register a one-person household and return the person."""
    counter = iter(range(1, 10_000))

    def make(**extra):
        n = next(counter)
        household = registry.register_household(
            actor=clerk,
            site=site_a,
            arrival_date=date(2012, 2, 18),
            members=[member(given_name=f"Applicant{n}", registered_on=date(2012, 2, 18), **extra)],
        )
        return household.memberships.get().person

    return make
