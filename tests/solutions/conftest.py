"""Fixtures for resettlement: officers, a receiving country with its delegation and
agreement, and a household of recognised refugees registered through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import member
from tests.movements.conftest import approve_chain, set_status

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.registry import services as registry
from asylon.sharing import services as sharing_services
from asylon.solutions import pledges, services

AGREED = ["case_reference", "priority", "reference", "full_name", "sex", "date_of_birth", "nationality"]


def make_country(po, rso, make_user, code: str, *, fields=AGREED, username: str | None = None):
    recipient = sharing_services.create_recipient(
        actor=po, name=f"Delegation {code}", kind="RESETTLEMENT_COUNTRY", country=code
    )
    sharing_services.record_sharing_agreement(
        actor=po,
        recipient=recipient,
        reference=f"AGR-{code}",
        purpose="resettlement case processing",
        fields=fields,
        valid_from=today() - timedelta(days=30),
    )
    partner = make_user(Role.PARTNER, username=username or f"partner-{code.lower()}")
    sharing_services.link_recipient_user(actor=po, recipient=recipient, user=partner)
    country = pledges.create_receiving_country(actor=rso, country=code, selection_mode="DOSSIER", recipient=recipient)
    country.partner = partner  # type: ignore[attr-defined]
    return country


@pytest.fixture
def albania(po, rso, make_user):
    return make_country(po, rso, make_user, "AL")


@pytest.fixture
def germany(po, rso, make_user):
    return make_country(po, rso, make_user, "DE")


@pytest.fixture
def family(clerk, po, site_a):
    """family(n=3) -> Household of recognised refugees (Iranian)."""
    counter = iter(range(1, 1000))

    def make(n: int = 3):
        k = next(counter)
        rels = ["PA", "SPOUSE"] + ["CHILD"] * (n - 2)
        members = [
            member(
                rel,
                given_name=f"Member{k}x{i}",
                sex="F" if i % 2 else "M",
                date_of_birth=date(1980 + 10 * (i > 1), 1, 1),
            )
            for i, rel in enumerate(rels[:n])
        ]
        household = registry.register_household(
            actor=clerk, site=site_a, unit=None, arrival_date=date(2012, 2, 18), members=members
        )
        for m in household.memberships.all():
            set_status(po, m.person, "REFUGEE")
        return household

    return make


def persons(case):
    return [m.person for m in case.members.filter(active=True).select_related("person")]


def clear_for(po, po2, case, country_code: str):
    for p in persons(case):
        approve_chain(po, po2, p, country_code)


def to_stage(rso, case, stage: str, *, country=None, po=None, po2=None):
    """Walk a case through the services up to `stage`."""
    order = ["ASSESSED", "SUBMITTED", "INTERVIEW", "ACCEPTED", "EXIT_FORMALITIES", "DEPARTURE_SCHEDULED", "DEPARTED"]
    for step in order[: order.index(stage) + 1]:
        if step == "ASSESSED":
            services.assess_case(actor=rso, case=case, need_assessment="Protection risk in the host country.")
        elif step == "SUBMITTED":
            services.submit_case(actor=rso, case=case, country=country)
        elif step == "INTERVIEW":
            services.schedule_interview(actor=rso, case=case, on=today())
        elif step == "ACCEPTED":
            services.decide_submission(actor=rso, case=case, accepted=True)
        elif step == "EXIT_FORMALITIES":
            services.start_exit_formalities(actor=rso, case=case)
            services.record_formalities(
                actor=rso, case=case, exit_permit=True, medical_clearance=True, travel_documents=True
            )
        elif step == "DEPARTURE_SCHEDULED":
            clear_for(po, po2, case, country.country.code)
            services.schedule_departure(actor=rso, case=case, departure_date=today())
        elif step == "DEPARTED":
            services.approve_departure(actor=po, case=case)
            services.record_departure(actor=rso, case=case)
        case.refresh_from_db()
    return case
