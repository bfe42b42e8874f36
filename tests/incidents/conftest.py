"""Fixtures for incidents: a field monitor, incidents reported through the service, residents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.conftest import member

from asylon.accounts.roles import Role
from asylon.incidents import services
from asylon.registry import services as registry


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASYLON_ALERTS_SEND_ON_COMMIT = True
    return settings.MEDIA_ROOT


@pytest.fixture
def monitor(make_user):
    return make_user(Role.FIELD_MONITOR, username="monitor")


@pytest.fixture
def officer(make_user):
    user = make_user(Role.PROTECTION_OFFICER, username="officer")
    user.email = "officer@example.org"
    user.save()
    return user


@pytest.fixture
def report(site_a):
    def make(actor, **extra):
        values = {
            "kind": "THREAT",
            "occurred_at": timezone.now() - timedelta(hours=2),
            "severity": 2,
            "narrative": "A statement calling for the removal of residents of block 1.",
            "perpetrator_detail": "an official of the district",
        }
        values.update(extra)
        return services.report_incident(actor=actor, site=values.pop("site", site_a), **values)

    return make


def register_residents(clerk, site, unit, names: list[str]) -> list:
    persons = []
    for name in names:
        hh = registry.register_household(actor=clerk, site=site, unit=unit, members=[member(given_name=name)])
        persons.extend(m.person for m in hh.memberships.select_related("person"))
    return persons
