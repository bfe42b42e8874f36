"""Opening a case holds every member of the household until it commits, so that no other act
(another case, a split, a departure) can take one of them meanwhile. PostgreSQL only: SQLite
locks the whole database for a write."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from asylon.registry.models import Membership, Person
from asylon.solutions import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_to_lock(person_ids: list[int]) -> list[int]:
    """The persons another session could lock at once (FOR UPDATE NOWAIT), from a thread of its own."""
    free: list[int] = []

    def other_session() -> None:
        try:
            for pid in person_ids:
                try:
                    with transaction.atomic():
                        list(Person.objects.select_for_update(nowait=True).filter(pk=pid))
                    free.append(pid)
                except DatabaseError:
                    pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_session)
    thread.start()
    thread.join()
    return free


def test_opening_a_case_holds_every_member_until_it_commits(rso, family):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (ASYLON_DATABASE_URL=postgres://...)")
    household = family(4)
    members = list(
        Membership.objects.filter(household=household, ended_on__isnull=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    with transaction.atomic():
        services.open_case(actor=rso, household=household, primary_category="LPP")
        assert _free_to_lock(members) == []
    assert _free_to_lock(members) == members
