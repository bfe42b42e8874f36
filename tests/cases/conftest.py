"""Fixtures for protection cases: three protection officers (caseworker, supervisor, a
colleague who holds neither), a resident adult and child, and a medical partner (an NGO
with an agreement for medical referrals and its own partner account)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from asylon.accounts.roles import Role
from asylon.cases import services
from asylon.core.dates import today
from asylon.sharing import services as sharing_services

MEDICAL_FIELDS = ["reference", "full_name", "sex", "age", "referral_reason"]


@pytest.fixture
def worker(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="caseworker")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="supervisor")


@pytest.fixture
def colleague(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="colleague")


@pytest.fixture
def adult(household):
    return household.memberships.get(relationship="PA").person


@pytest.fixture
def child(household):
    return household.memberships.get(relationship="CHILD").person


def make_partner(po, make_user, name="Camp clinic (synthetic)", fields=MEDICAL_FIELDS, username="clinic"):
    recipient = sharing_services.create_recipient(actor=po, name=name, kind="NGO")
    sharing_services.record_sharing_agreement(
        actor=po,
        recipient=recipient,
        reference=f"AGR-{username}",
        purpose="medical referral",
        fields=fields,
        valid_from=today() - timedelta(days=10),
    )
    user = make_user(Role.PARTNER, username=username)
    sharing_services.link_recipient_user(actor=po, recipient=recipient, user=user)
    recipient.partner = user  # type: ignore[attr-defined]
    return recipient


@pytest.fixture
def clinic(worker, make_user):
    return make_partner(worker, make_user)


@pytest.fixture
def open_case(worker, supervisor, adult):
    def make(case_type="MEDICAL", person=None, **extra):
        return services.open_case(
            actor=worker,
            person=person or adult,
            case_type=case_type,
            risk_level=extra.pop("risk_level", "HIGH"),
            caseworker=extra.pop("caseworker", worker),
            supervisor=extra.pop("supervisor", supervisor),
            **extra,
        )

    return make


def consent(actor, case, **extra):
    values = {"giver": "PERSON", "scope": "CASE_MANAGEMENT"} | extra
    return services.record_consent(actor=actor, case=case, **values)


MEDICAL_ANSWERS = {"condition": "Shrapnel wound, left leg", "urgency": "URGENT", "summary": "Needs surgery follow-up."}
