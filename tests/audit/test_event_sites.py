"""Every audit event carries the sites it concerns, and the trail is read per site: an
administrator of one site reads nothing of another site's disclosures, persons or users."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.core.errors import SafeguardRefusal
from asylon.registry import services as registry
from asylon.registry.models import Site
from asylon.sharing import guard as sharing
from asylon.sharing import services as sharing_services


@pytest.fixture
def site_c(db) -> Site:
    return Site.objects.create(code="CCC", name="Site C", host_country="IQ", designation="TTL")


@pytest.fixture
def staff(make_user, site_a, site_b, site_c):
    """An officer of sites A and B, and one administrator for each of A, B and C."""
    return {
        "officer": make_user(Role.PROTECTION_OFFICER, sites=[site_a, site_b], username="po-ab"),
        "admin_a": make_user(Role.ADMINISTRATOR, sites=[site_a], username="admin-a"),
        "admin_b": make_user(Role.ADMINISTRATOR, sites=[site_b], username="admin-b"),
        "admin_c": make_user(Role.ADMINISTRATOR, sites=[site_c], username="admin-c"),
    }


def person_in(officer, site: Site, name: str):
    household = registry.register_household(
        actor=officer,
        site=site,
        members=[{"relationship": "PA", "given_name": name, "family_name": "Sitewise", "sex": "F"}],
    )
    return household.memberships.get().person


def trail_page(user) -> str:
    """The audit trail page as this user reads it (one page holds these small trails)."""
    return sign_in(Client(), user).get("/audit/").content.decode()


RELEASED, REFUSED = "<td>disclosure.released</td>", "<td>disclosure.refused</td>"


def test_a_disclosure_of_site_a_persons_is_read_by_site_a_only(staff, site_a):
    officer = staff["officer"]
    persons = [person_in(officer, site_a, f"Ayda{i}") for i in range(3)]
    ngo = sharing_services.create_recipient(actor=officer, name="Shelter partner", kind="NGO")
    sharing_services.record_sharing_agreement(
        actor=officer,
        recipient=ngo,
        reference="DSA-7",
        purpose="shelter allocation",
        fields=["reference", "full_name"],
        valid_from=today() - timedelta(days=1),
    )
    sharing.release_personal_data(
        actor=officer, recipient=ngo, persons=persons, fields=["reference"], purpose="shelter allocation"
    )
    seen_by_a, seen_by_b = trail_page(staff["admin_a"]), trail_page(staff["admin_b"])
    assert RELEASED in seen_by_a and "Shelter partner" in seen_by_a
    assert all(p.reference in seen_by_a for p in persons)
    assert RELEASED not in seen_by_b  # (the recipient itself is reference data, read by all)
    assert not any(p.reference in seen_by_b for p in persons)


def test_a_disclosure_of_two_sites_persons_names_to_each_only_its_own(staff, site_a, site_b):
    officer = staff["officer"]
    ours, theirs = person_in(officer, site_a, "Leyla"), person_in(officer, site_b, "Mahsa")
    delegation = sharing_services.create_recipient(
        actor=officer, name="Delegation of Canada", kind="RESETTLEMENT_COUNTRY", country="CA"
    )
    with pytest.raises(SafeguardRefusal):  # D3: neither was submitted; the refusal lists both
        sharing.release_personal_data(
            actor=officer, recipient=delegation, persons=[ours, theirs], fields=["reference"], purpose="selection"
        )
    seen_by_a, seen_by_b, seen_by_c = (trail_page(staff[k]) for k in ("admin_a", "admin_b", "admin_c"))
    assert ours.reference in seen_by_a and theirs.reference not in seen_by_a
    assert theirs.reference in seen_by_b and ours.reference not in seen_by_b
    assert REFUSED in seen_by_a and REFUSED in seen_by_b
    assert REFUSED not in seen_by_c


def test_events_about_a_user_are_read_by_the_administrators_of_the_users_sites(staff, make_user, site_a, site_b):
    make_user(Role.REGISTRATION_CLERK, sites=[site_a, site_b], username="clerk-of-two-sites")

    def sees(admin) -> bool:
        return "clerk-of-two-sites" in trail_page(admin)

    assert sees(staff["admin_a"]) and sees(staff["admin_b"])
    assert not sees(staff["admin_c"])
    assert "clerk-of-two-sites" not in trail_page(staff["officer"])  # accounts: administrators only


def test_a_site_removed_from_an_event_breaks_the_chain(staff, make_user, site_a, site_b):
    make_user(Role.REGISTRATION_CLERK, sites=[site_a, site_b], username="clerk-of-two-sites")
    event = AuditEvent.objects.get(action="user.created", changes__username="clerk-of-two-sites")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_eventsite WHERE seq = %s AND site_id = %s", [event.seq, site_b.pk])
    with pytest.raises(CommandError, match=rf"event #{event.seq} was altered"):
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())


def test_an_event_split_by_site_names_in_each_only_its_own_references():
    from asylon.audit.services import ANOTHER_SITE, Entry, split_by_site

    entry = Entry(
        "resettlement.batch_submitted",
        changes={"cases": ["AAA-R-1", "BBB-R-1", "BBB-R-12"], "detail": "Not submitted: AAA-R-1, BBB-R-12."},
        reason="batch of AAA-R-1 and BBB-R-1",
    )
    a, b = split_by_site(entry, {1: ["AAA-R-1"], 2: ["BBB-R-1", "BBB-R-12"]})
    assert (a.site_id, a.changes, a.reason) == (
        1,
        {"cases": ["AAA-R-1"], "detail": f"Not submitted: AAA-R-1, {ANOTHER_SITE}."},
        f"batch of AAA-R-1 and {ANOTHER_SITE}",
    )
    assert b.site_id == 2 and b.changes["cases"] == ["BBB-R-1", "BBB-R-12"] and "AAA-R-1" not in str(b)
