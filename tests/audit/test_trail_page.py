"""The audit trail page: by person, by user, by time; only the viewer's sites."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.access_matrix import SECRETS, build_world
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit import services as audit
from asylon.audit.models import AuditEvent
from asylon.registry import services


@pytest.fixture
def world(site_a, site_b, make_user):
    w = build_world(site_a, site_b, make_user)
    services.correct_person(
        actor=w.users[Role.REGISTRATION_CLERK], person=w.person, changes={"given_name": "Soraya-Mina"}, reason="typo"
    )
    return w


def rows(response) -> str:
    return response.content.decode()


def test_administrator_filters_by_person_user_and_time(world):
    admin = sign_in(Client(), world.users[Role.ADMINISTRATOR])
    by_person = rows(admin.get(f"/audit/?person={world.person.reference}"))
    assert "person.registered" in by_person and "person.corrected" in by_person
    assert "Soraya → Soraya-Mina" in by_person and "user.created" not in by_person
    by_user = rows(admin.get(f"/audit/?username={world.users[Role.REGISTRATION_CLERK].username}"))
    assert "person.corrected" in by_user and "person.registered" not in by_user
    assert "user.created" in rows(admin.get("/audit/"))  # site-less events: administrators only
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "No events." in rows(admin.get(f"/audit/?since={tomorrow}"))
    today = timezone.localdate().isoformat()
    assert "person.corrected" in rows(admin.get(f"/audit/?since={today}&until={today}"))
    for secret in SECRETS.values():
        assert secret not in rows(admin.get("/audit/"))


def test_viewer_sees_only_events_of_their_sites(world):
    officer = sign_in(Client(), world.users[Role.PROTECTION_OFFICER])
    body = rows(officer.get("/audit/"))
    assert world.person.reference in body
    assert world.person_b.reference not in body  # site B's registration
    assert "user.created" not in body  # accounts: administrators only
    assert "No events." in rows(officer.get(f"/audit/?person={world.person_b.reference}"))


def test_pages_of_a_long_trail(world):
    from django.db import transaction

    with transaction.atomic():
        for i in range(120):
            audit.record(world.users[Role.REGISTRATION_CLERK], "test.filler", world.person, changes={"i": i})
    admin = sign_in(Client(), world.users[Role.ADMINISTRATOR])
    first = rows(admin.get("/audit/"))
    assert "Page 1 of 2" in first and "test.filler" in first
    second = rows(admin.get("/audit/?page=2"))
    assert "user.created" in second and "Page 2 of 2" in second
    assert AuditEvent.objects.count() > 100
