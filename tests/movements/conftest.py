"""Fixtures for movements: officers of each role, residents with a chosen legal status,
and helpers that record evidence through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import member

from asylon.core.dates import today
from asylon.movements import requests as movement_requests
from asylon.movements import risk_profile
from asylon.registry import services as registry
from asylon.registry.models import Location
from asylon.status.entries import append_entries

PAST = today() - timedelta(days=60)


@pytest.fixture
def block4(site_a):
    return Location.objects.create(site=site_a, kind="BLOCK", name="Block 4")


def set_status(actor, person, status: str) -> None:
    """Record a decided status (the RSD workflow itself is tested in tests/status)."""
    if status != "ASYLUM_SEEKER":
        recognition = (
            {"recognised_by": "UNHCR", "determination_mode": "INDIVIDUAL", "legal_basis": "1951_CONV"}
            if status == "REFUGEE"
            else {}
        )
        append_entries(actor=actor, person_ids=[person.pk], status=status, effective_on=PAST, **recognition)


@pytest.fixture
def resident(clerk, po, site_a):
    """resident(status="REFUGEE", unit=..., **member fields) -> Person (Iranian by default)."""
    counter = iter(range(1, 10_000))

    def make(status: str = "ASYLUM_SEEKER", unit=None, **extra):
        n = next(counter)
        household = registry.register_household(
            actor=clerk,
            site=site_a,
            unit=unit,
            arrival_date=date(2012, 2, 18),
            members=[member(**({"given_name": f"Resident{n}"} | extra))],
        )
        person = household.memberships.get().person
        set_status(po, person, status)
        return person

    return make


def clear_risk(po, person, country: str = "IR", torture: bool = True, life: bool = True):
    return risk_profile.record_risk_assessment(
        actor=po,
        person=person,
        country=country,
        finds_no_substantial_grounds=torture,
        finds_no_real_risk=life,
        country_information="Country of origin information report, 2013.",
    )


def approve_chain(po, po2, person, country: str):
    record = risk_profile.record_chain_assessment(
        actor=po,
        person=person,
        country=country,
        admission_document="Acceptance letter 2013/17",
        access_to_protection=True,
        respects_non_refoulement=True,
        rationale="Party to the 1951 Convention with a working asylum system.",
    )
    risk_profile.approve_chain_assessment(actor=po2, assessment=record)
    return record


def consent(po, person, **flags):
    values = {"signed_declaration": True, "counselling_record": True} | flags
    return movement_requests.record_voluntariness(actor=po, person=person, **values)
