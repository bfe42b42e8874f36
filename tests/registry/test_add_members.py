"""Adding new persons to a household already registered: a baby born in the camp, a relative
who arrives later. The household keeps one principal applicant; the change is audited."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.core.errors import InvalidInput, NotFound, NotPermitted
from asylon.registry import services
from asylon.registry.models import Membership, Person


def test_a_new_member_joins_the_household_in_its_unit(clerk, household, unit_a):
    baby = member("CHILD", given_name="Nika", sex="F", date_of_birth=date(2013, 1, 5), specific_needs=["ER-NF"])
    (person,) = services.add_household_members(actor=clerk, household=household, members=[baby])
    assert person.reference.startswith("AAA-") and person.unit == unit_a
    membership = person.memberships.get()
    assert (membership.household, membership.relationship, membership.ended_on) == (household, "CHILD", None)
    assert household.memberships.filter(ended_on__isnull=True).count() == 4
    assert list(person.specific_needs.values_list("code_id", flat=True)) == ["ER-NF"]
    event = AuditEvent.objects.filter(action="household.members_added").get()
    assert event.object_ref == household.reference and event.changes["members"] == [person.reference]
    assert AuditEvent.objects.filter(action="person.registered", object_ref=person.reference).exists()


def test_a_second_principal_applicant_is_refused_and_nothing_is_written(clerk, household):
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.add_household_members(
            actor=clerk,
            household=household,
            members=[member("CHILD", given_name="Arash"), member("PA", given_name="Babak")],
        )
    assert "already has a principal applicant" in exc.value.errors["members.1.relationship"][0]
    assert Person.objects.count() == before
    assert Membership.objects.filter(household=household, relationship="PA", ended_on__isnull=True).count() == 1


def test_adding_members_needs_the_role_and_the_site(make_user, household, site_b):
    monitor = make_user("field_monitor", username="monitor")
    with pytest.raises(NotPermitted):
        services.add_household_members(actor=monitor, household=household, members=[member("CHILD")])
    elsewhere = make_user("registration_clerk", sites=[site_b], username="clerk-b")
    with pytest.raises(NotFound):
        services.add_household_members(actor=elsewhere, household=household, members=[member("CHILD")])
    assert household.memberships.count() == 3
