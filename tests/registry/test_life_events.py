"""Births, deaths and moves: each keeps the household invariants (one current principal
applicant, one current household per person, an empty household closed), is audited with
its reason, refuses bad input naming the field, and appears in the household's history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.registry import life_events, queries, services
from asylon.registry.models import Household, Location, Membership, Person, Relationship
from asylon.status.models import StatusEntry


def people(household):
    return {m.person.given_name: m for m in queries.current_members(household)}


def assert_invariants(*households):
    for h in households:
        h.refresh_from_db()
        current = Membership.objects.filter(household=h, ended_on__isnull=True)
        if h.closed_on is None:
            assert current.filter(relationship=Relationship.PRINCIPAL_APPLICANT).count() == 1, h.reference
        else:
            assert not current.exists(), h.reference
    persons = Membership.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True)
    assert len(persons) == len(set(persons))


def history_actions(actor, household):
    return [row.action for row in queries.household_history(actor, household)]


@pytest.fixture
def second(clerk, site_a, unit_a):
    return services.register_household(
        actor=clerk, site=site_a, unit=unit_a, members=[member(given_name="Hamid", family_name="Rostami")]
    )


@pytest.fixture
def other_unit(site_a, unit_a):
    return Location.objects.create(site=site_a, kind="UNIT", name="T02", parent=unit_a.parent)


# ---- births ----


def test_a_birth_adds_a_child_of_the_principal_applicant_with_its_parents(clerk, household):
    members = people(household)
    baby = life_events.record_birth(
        actor=clerk,
        household=household,
        child={"given_name": "Nika", "sex": "F", "date_of_birth": date.today() - timedelta(days=3)},
        mother=members["Parvaneh"].person,
        father=members["Dariush"].person,
        reason="Born at the camp clinic",
    )
    assert baby.memberships.get().relationship == "CHILD" and baby.unit == household.unit
    assert set(baby.parents.values_list("role", "parent__given_name")) == {
        ("MOTHER", "Parvaneh"),
        ("FATHER", "Dariush"),
    }
    event = AuditEvent.objects.get(action="household.birth_recorded")
    assert event.reason == "Born at the camp clinic" and event.changes["person"] == baby.reference
    assert "household.birth_recorded" in history_actions(clerk, household)
    assert_invariants(household)


def test_a_child_of_a_child_is_a_grandchild(clerk, household):
    baby = life_events.record_birth(
        actor=clerk,
        household=household,
        child={"given_name": "Lili", "sex": "F", "date_of_birth": date.today()},
        mother=people(household)["Sara"].person,
        reason="Born",
    )
    assert baby.memberships.get().relationship == "GRANDCHILD"


def test_a_birth_refuses_bad_input_naming_the_field(clerk, household, second):
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as exc:
        life_events.record_birth(
            actor=clerk,
            household=household,
            child={"given_name": "Nika", "sex": "F", "date_of_birth": date.today() + timedelta(days=1)},
            mother=people(second)["Hamid"].person,
            reason=" ",
        )
    assert {"mother", "reason", "child.date_of_birth"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput) as exc:
        life_events.record_birth(actor=clerk, household=household, child={"sex": "F"}, reason="x")
    assert "mother" in exc.value.errors
    assert Person.objects.count() == before


# ---- deaths ----


def test_a_death_waits_for_a_second_person_then_names_a_new_principal(clerk, po, po2, household):
    members = people(household)
    pa = members["Dariush"].person
    report = life_events.report_death(actor=po, person=pa, source="CLINIC", died_on=date.today(), note="Clinic record")
    pa.refresh_from_db()
    assert pa.presence == "PRESENT"
    with pytest.raises(Conflict) as same:
        life_events.confirm_death(actor=po, report=report, reason="seen", new_principal=members["Parvaneh"].person)
    assert same.value.code == "same_reviewer"
    with pytest.raises(InvalidInput) as exc:
        life_events.confirm_death(actor=po2, report=report, reason="Seen the record")
    assert "principal applicant" in exc.value.errors["new_principal"][0]
    pa.refresh_from_db()
    assert pa.presence == "PRESENT"
    life_events.confirm_death(
        actor=po2, report=report, reason="Seen the record", new_principal=members["Parvaneh"].person
    )
    pa.refresh_from_db()
    assert pa.presence == "DECEASED"
    assert StatusEntry.objects.filter(person=pa, status="DECEASED").exists()
    assert queries.principal_applicant(household).given_name == "Parvaneh"
    assert_invariants(household)
    event = AuditEvent.objects.get(action="household.death_confirmed")
    assert event.reason == "Seen the record" and event.changes["new_principal"] == members["Parvaneh"].person.reference
    actions = history_actions(po2, household)
    assert actions.index("household.death_confirmed") < actions.index("household.death_reported")


def test_the_death_of_a_lone_member_closes_the_household(clerk, po, po2, second):
    lone = people(second)["Hamid"].person
    report = life_events.report_death(actor=po, person=lone, source="FAMILY", died_on=date.today(), note="Family")
    life_events.confirm_death(actor=po2, report=report, reason="Confirmed")
    assert_invariants(second)
    assert second.closed_on is not None


def test_a_death_report_refuses_bad_input_and_a_clerk_cannot_confirm(clerk, po, household):
    person = people(household)["Sara"].person
    with pytest.raises(InvalidInput) as exc:
        life_events.report_death(actor=po, person=person, source="RUMOUR", died_on=date.today() + timedelta(1), note="")
    assert {"source", "died_on", "note"} <= set(exc.value.errors)
    report = life_events.report_death(actor=clerk, person=person, source="ROLL_CALL", died_on=date.today(), note="RC")
    with pytest.raises(NotPermitted):
        life_events.confirm_death(actor=clerk, report=report, reason="x")
    life_events.reject_death(actor=po, report=report, reason="She was found alive")
    person.refresh_from_db()
    assert person.presence == "PRESENT"
    assert "household.death_rejected" in history_actions(po, household)


# ---- moves ----


def test_a_member_moves_to_another_household(clerk, household, second):
    sara = people(household)["Sara"].person
    life_events.move_member(actor=clerk, person=sara, target=second, relationship="SPOUSE", reason="Marriage")
    assert people(second)["Sara"].relationship == "SPOUSE" and "Sara" not in people(household)
    assert_invariants(household, second)
    assert AuditEvent.objects.get(action="household.member_joined").reason == "Marriage"
    assert "household.member_left" in history_actions(clerk, household)


def test_the_principal_applicant_moving_out_names_a_successor_and_the_last_closes(clerk, household, second):
    members = people(household)
    with pytest.raises(InvalidInput) as exc:
        life_events.move_member(
            actor=clerk, person=members["Dariush"].person, target=second, relationship="PA", reason="Separation"
        )
    assert {"relationship", "new_principal"} <= set(exc.value.errors)
    life_events.move_member(
        actor=clerk,
        person=members["Dariush"].person,
        target=second,
        relationship="SIBLING",
        reason="Separation",
        new_principal=members["Parvaneh"].person,
    )
    assert_invariants(household, second)
    hamid = people(second)["Hamid"].person
    with pytest.raises(InvalidInput) as exc:
        life_events.move_member(actor=clerk, person=hamid, target=household, relationship="SPOUSE", reason="")
    assert {"reason", "new_principal"} <= set(exc.value.errors)


def test_a_split_founds_a_household_and_a_join_closes_one(clerk, household, second, other_unit):
    members = people(household)
    moving = [(members["Sara"].person, "PA"), (members["Parvaneh"].person, "PARENT")]
    with pytest.raises(InvalidInput) as exc:
        life_events.split_household(
            actor=clerk, household=household, members=[(members["Sara"].person, "CHILD")], reason="x"
        )
    assert "members" in exc.value.errors
    new = life_events.split_household(
        actor=clerk, household=household, members=moving, unit=other_unit, reason="Own shelter"
    )
    assert set(people(new)) == {"Sara", "Parvaneh"} and set(people(household)) == {"Dariush"}
    assert people(new)["Sara"].person.unit == other_unit
    assert_invariants(household, new)
    assert "household.split" in history_actions(clerk, household)
    with pytest.raises(InvalidInput) as exc:
        life_events.join_household(actor=clerk, household=new, target=second, principal_relationship="PA", reason="x")
    assert "principal_relationship" in exc.value.errors
    life_events.join_household(
        actor=clerk, household=new, target=second, principal_relationship="SPOUSE", reason="Remarriage"
    )
    assert_invariants(new, second)
    assert new.closed_on is not None
    assert people(second)["Parvaneh"].relationship == "PARENT"
    assert "household.joined_by" in history_actions(clerk, second)


def test_a_household_moves_unit_within_its_site_only(clerk, household, other_unit, site_b):
    with pytest.raises(InvalidInput) as exc:
        life_events.move_unit(actor=clerk, household=household, unit=other_unit, reason="")
    assert "reason" in exc.value.errors
    block_b = Location.objects.create(site=site_b, kind="BLOCK", name="B")
    unit_b = Location.objects.create(site=site_b, kind="UNIT", name="B1", parent=block_b)
    with pytest.raises(InvalidInput) as exc:
        life_events.move_unit(actor=clerk, household=household, unit=unit_b, reason="x")
    assert "internal transfer" in exc.value.errors["unit"][0]
    life_events.move_unit(actor=clerk, household=household, unit=other_unit, reason="Shelter flooded")
    assert {m.person.unit for m in queries.current_members(household)} == {other_unit}
    assert Household.objects.get(pk=household.pk).unit == other_unit
    assert AuditEvent.objects.get(action="household.unit_changed").reason == "Shelter flooded"
    assert history_actions(clerk, household)[0] == "household.unit_changed"
